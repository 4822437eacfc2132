/* dmaviz: the ISA bus and the device table.
 *
 * Every device of the machine is one row of dv_devices[] (devices.c): its name, the I/O
 * ports it decodes, its port handlers, what it does in each bus cycle, and whether it sits
 * on a DMA channel. The bus reads the table and nothing else: which device answers a port
 * (dv_bus_decode), the order in which devices act in a tick (the table's order), which
 * device takes a DACK cycle (dv_bus_dack). Adding a device is its file and one row.
 */
#ifndef DV_BUS_H
#define DV_BUS_H

#include <stdbool.h>
#include <stdint.h>

#include "state.h"

struct dv_sim;

/* Ports base + first .. base + last, every stride-th one; register n of the range is
 * base + first + n * stride. DMA2 sits on address lines A1-A4, so only its even ports
 * decode (stride 2, facts §1.2). */
struct dv_port_range {
	uint16_t first, last;
	uint16_t stride;
};

#define DV_DEVICE_RANGES 2

struct dv_device {
	const char *name;
	/* The I/O ports: ranges[unit]; the handlers get the unit and the register number. */
	struct dv_port_range ranges[DV_DEVICE_RANGES];
	unsigned nranges;
	/* The I/O base of a card configured by jumpers (NULL: the ranges are absolute). */
	uint16_t (*base)(const struct dv_state *st);
	void (*out)(struct dv_sim *sim, unsigned unit, unsigned reg, uint8_t value);
	uint8_t (*in)(struct dv_sim *sim, unsigned unit, unsigned reg);
	/* Power-on state, built before the trace starts. */
	void (*reset)(struct dv_sim *sim);
	/* One bus cycle; true when the device moved data on the bus as its master. */
	bool (*tick)(struct dv_sim *sim);
	/* Whether the device's tick would do nothing now and goes on doing nothing while only
	 * the 8237A moves (its decisions read no DMA register, memory, dma.cycles, HLDA, bus
	 * strobe or cycle count): the 8237A may then repeat whole ticks (dma8237.c). A device
	 * with a tick and no quiet never lets it. */
	bool (*quiet)(const struct dv_sim *sim);
	/* After the bus cycle, outside it: the CPU takes interrupts between its cycles. */
	void (*between)(struct dv_sim *sim);
	/* The DMA channel the device's DRQ/DACK pair is wired to (-1: none), and the cycle it
	 * does when the 8237A asserts its DACK (nic.h: dv_nic_dack says what the arguments
	 * mean). */
	int (*dack_channel)(const struct dv_state *st);
	uint16_t (*dack)(struct dv_sim *sim, unsigned dir, unsigned width, uint16_t data, bool tc);
};

/* The machine, in tick order (its size known here, so that a tick's loops over it unroll). */
#define DV_DEVICE_COUNT 4u
extern const struct dv_device dv_devices[DV_DEVICE_COUNT];
extern const unsigned dv_device_count;

/* The device that answers port, with the unit (port range) and register it decodes to;
 * NULL when no device does. A card whose base overlaps a motherboard device's ports loses
 * to it (the language keeps the NIC's base in 0x100-0x3F0, where nothing else sits). */
const struct dv_device *dv_bus_decode(const struct dv_state *st, uint16_t port, unsigned *unit,
                                      unsigned *reg);

/* The device wired to DMA channel ch's DRQ/DACK pair, or NULL when none is. */
const struct dv_device *dv_bus_dack_device(const struct dv_state *st, unsigned ch);

/* The 8237A asserted DACK on channel ch: the device wired to it does the cycle (for a
 * write to memory it drives the data bus). With no device there the data bus floats high. */
uint16_t dv_bus_dack(struct dv_sim *sim, unsigned ch, unsigned dir, unsigned width, uint16_t data,
                     bool tc);

/* Every device's power-on state, in table order. */
void dv_bus_reset(struct dv_sim *sim);

#endif

/* dmaviz: the Intel 8237A DMA controller pair of the PC/AT and its page registers.
 *
 * DMA1 (ports 0x00-0x0F) serves channels 0-3 and moves bytes; DMA2 (even ports 0xC0-0xDE)
 * serves channels 4-7 and moves words. Channel 4 is the cascade: DMA1's HRQ is DMA2's DREQ0.
 * Page registers (0x87 0x83 0x81 0x82 / 0x8F 0x8B 0x89 0x8A, page.h) supply address bits 16-23.
 */
#ifndef DV_DMA8237_H
#define DV_DMA8237_H

#include <stdbool.h>
#include <stdint.h>

#include "page.h" /* the page registers: dv_dma_page_port, dv_dma_page_channel */
#include "state.h"

struct dv_sim;

/* The I/O port of register reg (enum dv_dma_reg) of chip 0 (DMA1, 0x00-0x0F) or chip 1 (DMA2,
 * on A1-A4: the even ports 0xC0-0xDE), facts §1.2. The one place the map is written down:
 * decoding, the HAL, the quiz and the tests derive ports from it. */
#define DV_DMA_PORT(chip, reg) ((uint16_t)((chip) ? 0xC0u + 2u * (unsigned)(reg) : (unsigned)(reg)))
/* The address and count registers of channel c (0-3) of a chip. */
#define DV_DMA_REG_ADDR(c) (2u * (unsigned)(c))
#define DV_DMA_REG_COUNT(c) (2u * (unsigned)(c) + 1u)

/* Register numbers inside one chip. */
enum dv_dma_reg {
	DV_DMA_REG_ADDR0 = 0x0,   /* channel n address: 2n, count: 2n + 1 */
	DV_DMA_REG_COMMAND = 0x8, /* write: command; read: status */
	DV_DMA_REG_REQUEST = 0x9,
	DV_DMA_REG_SINGLE_MASK = 0xA,
	DV_DMA_REG_MODE = 0xB,
	DV_DMA_REG_CLEAR_FF = 0xC,
	DV_DMA_REG_MASTER_CLEAR = 0xD, /* read: temporary register */
	DV_DMA_REG_CLEAR_MASK = 0xE,
	DV_DMA_REG_WRITE_MASK = 0xF,
};

/* Mode register fields (bits 3-2 transfer type, 4 auto-init, 5 decrement, 7-6 mode). */
enum dv_dma_xfer_type { DV_DMA_VERIFY = 0, DV_DMA_WRITE = 1, DV_DMA_READ = 2, DV_DMA_ILLEGAL = 3 };
enum dv_dma_mode_sel { DV_DMA_DEMAND = 0, DV_DMA_SINGLE = 1, DV_DMA_BLOCK = 2, DV_DMA_CASCADE = 3 };
#define DV_DMA_MODE_AUTOINIT 0x10u
#define DV_DMA_MODE_DECREMENT 0x20u
#define DV_DMA_CMD_MEM2MEM 0x01u
#define DV_DMA_CMD_ADDR_HOLD 0x02u
#define DV_DMA_CMD_DISABLE 0x04u

static inline unsigned dv_dma_mode_type(uint8_t mode)
{
	return (mode >> 2) & 3u;
}
static inline unsigned dv_dma_mode_sel(uint8_t mode)
{
	return (mode >> 6) & 3u;
}

/* Decodes a port: true when it belongs to one of the two chips. */
bool dv_dma_decode(uint16_t port, unsigned *chip, unsigned *reg);
void dv_dma_write(struct dv_sim *sim, unsigned chip, unsigned reg, uint8_t value);
uint8_t dv_dma_read(struct dv_sim *sim, unsigned chip, unsigned reg);
/* Power-on: every channel masked, then channel 4 in cascade mode and unmasked as a BIOS
 * leaves it. Builds the state directly: it happens before the trace starts. */
void dv_dma_reset(struct dv_sim *sim);
/* Master clear (also the reset state): masks set, command/status/request/temp/flip-flop 0. */
void dv_dma_master_clear(struct dv_sim *sim, unsigned chip);

/* The physical address the channel will touch next: 8-bit channels page<<16 | address;
 * 16-bit channels (page & 0xFE)<<16 | address<<1. Memory reach is 24 bits. */
uint32_t dv_dma_phys(const struct dv_state *st, unsigned channel);
bool dv_dma_masked(const struct dv_state *st, unsigned channel);

/* One bus cycle of the controller pair: request, HRQ/HLDA handshake, at most one transfer.
 * Returns true when a transfer used the bus in this cycle. */
bool dv_dma_tick(struct dv_sim *sim);
/* A whole tick of the machine when the 8237A repeats a period it has learned and every other
 * device is quiet (dma8237.c): the cycle moves and the period's events are recorded; false
 * (nothing done) when the tick must be done in full. dv_sim_tick asks it first. */
bool dv_dma_repeat_tick(struct dv_sim *sim);

/* Words for the UI: "single", "read (memory -> I/O)", ... */
const char *dv_dma_type_name(unsigned type);
const char *dv_dma_sel_name(unsigned sel);

#endif

/* dmaviz: unit tests for the 8237A pair and the page registers (src/machine/dma8237.c, page.c).
 *
 * Each test drives the machine as a program would (port writes and reads, DREQ lines, ticks)
 * and checks one fact of shared/reference/hardware-and-ndis-facts.md sections 1 and 2, cited
 * as "facts §n". Only channels without a device are used for DREQ (0, 2, 3, 5, 6, 7): the NIC
 * owns channel 1's DREQ bit. With no device on DACK, a write transfer (I/O -> memory) stores
 * the floating bus (0xFF) and a read transfer's data goes nowhere.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "dma8237.h"
#include "nic.h"
#include "peer.h"
#include "sim.h"
#include "state.h"
#include "trace.h"

/* Mode register bits (facts §1.5); the channel number is added by program(). */
#define M_DEMAND 0x00u
#define M_SINGLE 0x40u
#define M_BLOCK 0x80u
#define M_CASCADE 0xC0u
#define T_VERIFY 0x00u
#define T_WRITE 0x04u /* I/O -> memory */
#define T_READ 0x08u  /* memory -> I/O */
#define T_ILLEGAL 0x0Cu
#define M_AUTO 0x10u
#define M_DEC 0x20u

static struct dv_sim *new_sim(void)
{
	struct dv_sim *sim = dv_sim_create(NULL);
	if (!sim) {
		fprintf(stderr, "dv_sim_create failed\n");
		exit(2);
	}
	return sim;
}

/* The port of register reg of channel ch's chip (test-machine.c checks DV_DMA_PORT against
 * the datasheet's map). */
static uint16_t reg_port(unsigned ch, unsigned reg)
{
	return DV_DMA_PORT(ch >> 2, reg);
}

static uint16_t addr_port(unsigned ch)
{
	return reg_port(ch, 2 * (ch % 4));
}

static uint16_t count_port(unsigned ch)
{
	return reg_port(ch, 2 * (ch % 4) + 1);
}

static void set_dreq(struct dv_sim *sim, unsigned ch, bool on)
{
	uint32_t v = sim->st.bus.dreq;
	dv_sim_set(sim, DV_SLOT_BUS_DREQ, 0, on ? (v | 1u << ch) : (v & ~(1u << ch)));
}

static void set_mask(struct dv_sim *sim, unsigned ch, bool masked)
{
	dv_sim_out(sim, reg_port(ch, DV_DMA_REG_SINGLE_MASK),
	           (uint8_t)((masked ? 4 : 0) | (ch & 3)));
}

/* The canonical sequence (facts §1.10) with raw register values; the page goes to page_port
 * (0 = the channel's own). The channel is left masked. */
static void program_at(struct dv_sim *sim, unsigned ch, unsigned mode, uint16_t addr,
                       uint16_t count, uint8_t page, uint16_t page_port)
{
	set_mask(sim, ch, true);
	dv_sim_out(sim, reg_port(ch, DV_DMA_REG_CLEAR_FF), 0);
	dv_sim_out(sim, reg_port(ch, DV_DMA_REG_MODE), (uint8_t)(mode | (ch & 3)));
	dv_sim_out(sim, addr_port(ch), (uint8_t)addr);
	dv_sim_out(sim, addr_port(ch), (uint8_t)(addr >> 8));
	dv_sim_out(sim, page_port ? page_port : dv_dma_page_port(ch), page);
	dv_sim_out(sim, count_port(ch), (uint8_t)count);
	dv_sim_out(sim, count_port(ch), (uint8_t)(count >> 8));
}

static void program(struct dv_sim *sim, unsigned ch, unsigned mode, uint16_t addr, uint16_t count,
                    uint8_t page)
{
	program_at(sim, ch, mode, addr, count, page, 0);
}

/* Clears the flip-flop and reads a 16-bit register low byte first. */
static uint16_t read16(struct dv_sim *sim, uint16_t port)
{
	dv_sim_out(sim, DV_DMA_PORT(port < 0x10 ? 0 : 1, DV_DMA_REG_CLEAR_FF), 0);
	uint8_t lo = dv_sim_in(sim, port);
	uint8_t hi = dv_sim_in(sim, port);
	return (uint16_t)(hi << 8 | lo);
}

/* ---- trace queries ---------------------------------------------------------------------- */

static bool is_xfer(const struct dv_event *e, int ch)
{
	return e->kind == DV_EV_XFER && (ch < 0 || e->chan == (unsigned)ch);
}

static size_t n_xfer(const struct dv_sim *sim, size_t from, int ch)
{
	size_t n = 0;
	for (size_t i = from; i < sim->trace.len; i++)
		n += is_xfer(dv_trace_at(&sim->trace, i), ch);
	return n;
}

/* The position of the k-th (0-based) transfer event on channel ch (-1: any) after from; the
 * trace's length if none. */
static size_t nth_xfer_at(const struct dv_sim *sim, size_t from, int ch, size_t k)
{
	for (size_t i = from; i < sim->trace.len; i++)
		if (is_xfer(dv_trace_at(&sim->trace, i), ch) && k-- == 0)
			return i;
	return sim->trace.len;
}

/* That event itself; NULL if none. */
static const struct dv_event *nth_xfer(const struct dv_sim *sim, size_t from, int ch, size_t k)
{
	return dv_trace_at(&sim->trace, nth_xfer_at(sim, from, ch, k));
}

static size_t n_note(const struct dv_sim *sim, size_t from, enum dv_note note)
{
	size_t n = 0;
	for (size_t i = from; i < sim->trace.len; i++)
		n += dv_trace_at(&sim->trace, i)->kind == DV_EV_NOTE &&
		     dv_trace_at(&sim->trace, i)->slot == note;
	return n;
}

/* State events of slot that set it to value. */
static size_t n_set(const struct dv_sim *sim, size_t from, enum dv_slot slot, uint32_t value)
{
	size_t n = 0;
	for (size_t i = from; i < sim->trace.len; i++) {
		const struct dv_event *e = dv_trace_at(&sim->trace, i);
		struct dv_slot_change chg[DV_SIGNAL_FIELDS]; /* one, or the arbitration word's */
		unsigned nchg = e->kind == DV_EV_STATE ?
		                        dv_slot_changes((enum dv_slot)e->slot, e->index,
		                                        e->old_value, e->new_value, chg) :
		                        0;
		for (unsigned k = 0; k < nchg; k++)
			n += chg[k].slot == slot && chg[k].new_value == value;
	}
	return n;
}

/* Transfers since from whose strobes (implied by their XFER event: sim.h, dv_bus_strobes)
 * include these bits of slot. */
static size_t n_strobe(const struct dv_sim *sim, size_t from, enum dv_slot slot, uint32_t bits)
{
	size_t n = 0;
	for (size_t i = from; i < sim->trace.len; i++) {
		struct dv_bus b;
		dv_bus_strobes_of(&b, dv_trace_at(&sim->trace, i));
		n += (dv_bus_strobe_get(&b, slot) & bits) != 0;
	}
	return n;
}

/* Ticks until n transfers on channel ch happened since from, at most max ticks. */
static unsigned tick_until_xfers(struct dv_sim *sim, size_t from, int ch, size_t n, unsigned max)
{
	unsigned t = 0;
	while (n_xfer(sim, from, ch) < n && t < max) {
		dv_sim_tick(sim);
		t++;
	}
	return t;
}

static uint8_t mem(const struct dv_sim *sim, uint32_t addr)
{
	return dv_sim_mem_read(sim, addr);
}

static void poke(struct dv_sim *sim, uint32_t addr, uint8_t v)
{
	dv_sim_set(sim, DV_SLOT_MEM, addr, v);
}

static bool mem_all(const struct dv_sim *sim, uint32_t addr, uint32_t len, uint8_t v)
{
	for (uint32_t i = 0; i < len; i++)
		if (mem(sim, addr + i) != v)
			return false;
	return true;
}

/* ---- reset and registers ------------------------------------------------------------------ */

/* facts §1.1: after reset all masks set, command/status/request/temp/flip-flop 0; a BIOS leaves
 * channel 4 in cascade mode (0xC0) and unmasked. */
static void test_reset_state(void)
{
	struct dv_sim *sim = new_sim();
	const struct dv_state *st = &sim->st;
	CHECK_EQ(st->dma[0].mask, 0x0F);
	CHECK_EQ(st->dma[1].mask, 0x0E);
	CHECK_EQ(st->dma[1].ch[0].mode, 0xC0);
	for (unsigned chip = 0; chip < 2; chip++) {
		CHECK_EQ(st->dma[chip].flipflop, 0);
		CHECK_EQ(st->dma[chip].status, 0);
		CHECK_EQ(st->dma[chip].command, 0);
		CHECK_EQ(st->dma[chip].request, 0);
		CHECK_EQ(st->dma[chip].temp, 0);
		CHECK_EQ(st->dma[chip].hrq, 0);
		CHECK_EQ(st->dma[chip].active, 0);
	}
	CHECK_EQ(st->bus.hlda, 0);
	CHECK_EQ(dv_sim_get(sim, DV_SLOT_BUS_OWNER, 0), 0);
	/* The same through the ports. */
	CHECK_EQ(dv_sim_in(sim, 0x08), 0x00);
	CHECK_EQ(dv_sim_in(sim, 0xD0), 0x00);
	CHECK_EQ(dv_sim_in(sim, 0x0D), 0x00); /* temporary register */
	CHECK_EQ(dv_sim_in(sim, 0xDA), 0x00);
	CHECK_EQ(dv_sim_in(sim, 0x0F), 0xFF); /* mask bits, upper nibble high (facts §1.2) */
	CHECK_EQ(dv_sim_in(sim, 0xDE), 0xFE);
	/* An idle machine: the CPU owns every cycle and nothing moves. */
	size_t mark = sim->trace.len;
	dv_sim_run(sim, 50);
	CHECK_EQ(n_xfer(sim, mark, -1), 0);
	CHECK_EQ(dv_sim_get(sim, DV_SLOT_BUS_CPU_CYCLES, 0), 50); /* cycle less dma.cycles */
	CHECK_EQ(st->bus.dma_cycles, 0);
	CHECK_EQ(n_set(sim, mark, DV_SLOT_BUS_HLDA, 1), 0);
	dv_sim_destroy(sim);
}

/* facts §1.7: the count register holds N-1; TC when it rolls 0 -> 0xFFFF. */
static void test_count_is_n_minus_1(void)
{
	struct dv_sim *sim = new_sim();
	const struct dv_state *st = &sim->st;
	/* 63 -> exactly 64 bytes, channel 2, block mode, I/O -> memory, at 0x35000. */
	poke(sim, 0x34FFF, 0x11);
	poke(sim, 0x35040, 0x22);
	program(sim, 2, M_BLOCK | T_WRITE, 0x5000, 63, 0x03);
	CHECK_EQ(st->dma[0].ch[2].base_count, 63);
	CHECK_EQ(st->dma[0].ch[2].cur_count, 63);
	set_mask(sim, 2, false);
	size_t mark = sim->trace.len;
	set_dreq(sim, 2, true);
	CHECK(tick_until_xfers(sim, mark, 2, 63, 500) < 500);
	/* After 63 transfers the count is 0: no TC yet, the channel still unmasked. */
	CHECK_EQ(st->dma[0].ch[2].cur_count, 0);
	CHECK_EQ(n_set(sim, mark, DV_SLOT_BUS_TC, 1), 0);
	CHECK_EQ(st->dma[0].status & 0x04, 0);
	CHECK_EQ(st->dma[0].mask & 0x04, 0);
	dv_sim_run(sim, 100);
	CHECK_EQ(n_xfer(sim, mark, 2), 64);
	CHECK_EQ(n_xfer(sim, mark, -1), 64);
	CHECK_EQ(n_set(sim, mark, DV_SLOT_BUS_TC, 1), 1);
	/* The TC pulse came with the 64th transfer, not before and not after. */
	size_t tc_at = 0, last_xfer = 0;
	for (size_t i = mark; i < sim->trace.len; i++) {
		const struct dv_event *e = dv_trace_at(&sim->trace, i);
		if (e->kind == DV_EV_STATE && e->slot == DV_SLOT_BUS_TC && e->new_value == 1)
			tc_at = i;
		if (is_xfer(e, 2))
			last_xfer = i;
	}
	CHECK(tc_at > last_xfer);
	CHECK_EQ(dv_trace_at(&sim->trace, tc_at)->cycle,
	         dv_trace_at(&sim->trace, last_xfer)->cycle);
	CHECK(mem_all(sim, 0x35000, 64, 0xFF));
	CHECK_EQ(mem(sim, 0x34FFF), 0x11);
	CHECK_EQ(mem(sim, 0x35040), 0x22);
	/* The count reads 0xFFFF after TC, the address one past the block. */
	CHECK_EQ(read16(sim, count_port(2)), 0xFFFF);
	CHECK_EQ(read16(sim, addr_port(2)), 0x5040);
	CHECK_EQ(dv_sim_in(sim, 0x08) & 0x04, 0x04);

	/* 0 -> exactly one byte, even in single mode with DREQ held high. */
	poke(sim, 0x6001, 0x33);
	program(sim, 3, M_SINGLE | T_WRITE, 0x6000, 0, 0x00);
	set_mask(sim, 3, false);
	mark = sim->trace.len;
	set_dreq(sim, 3, true);
	dv_sim_run(sim, 40);
	CHECK_EQ(n_xfer(sim, mark, 3), 1);
	CHECK_EQ(mem(sim, 0x6000), 0xFF);
	CHECK_EQ(mem(sim, 0x6001), 0x33);
	CHECK_EQ(read16(sim, count_port(3)), 0xFFFF);
	dv_sim_destroy(sim);
}

/* facts §1.7: 0xFFFF moves 65536 units (verify mode keeps it cheap). */
static void test_count_ffff_is_65536(void)
{
	struct dv_sim *sim = new_sim();
	program(sim, 0, M_BLOCK | T_VERIFY, 0x0000, 0xFFFF, 0x00);
	set_mask(sim, 0, false);
	size_t mark = sim->trace.len;
	set_dreq(sim, 0, true);
	dv_sim_run(sim, 65536 + 20);
	CHECK_EQ(n_xfer(sim, mark, 0), 65536);
	CHECK_EQ(n_set(sim, mark, DV_SLOT_BUS_TC, 1), 1);
	CHECK_EQ(sim->st.dma[0].ch[0].cur_count, 0xFFFF);
	CHECK_EQ(sim->st.dma[0].mask & 1, 1);
	dv_sim_destroy(sim);
}

/* facts §1.4: one flip-flop per chip, low byte first, shared by all address and count
 * registers, toggled by reads and writes, cleared by 0x0C and by master clear. */
static void test_flipflop(void)
{
	struct dv_sim *sim = new_sim();
	const struct dv_dma_chip *d1 = &sim->st.dma[0], *d2 = &sim->st.dma[1];
	size_t mark = sim->trace.len;
	dv_sim_out(sim, 0x04, 0x34);
	CHECK_EQ(d1->flipflop, 1);
	CHECK_EQ(d1->ch[2].cur_addr & 0xFF, 0x34);
	dv_sim_out(sim, 0x04, 0x12);
	CHECK_EQ(d1->flipflop, 0);
	CHECK_EQ(d1->ch[2].cur_addr, 0x1234);
	CHECK_EQ(d1->ch[2].base_addr, 0x1234); /* a write loads base and current */
	CHECK_EQ(n_set(sim, mark, DV_SLOT_DMA_FLIPFLOP, 1), 1);
	CHECK_EQ(n_set(sim, mark, DV_SLOT_DMA_FLIPFLOP, 0), 1);

	/* Shared: a low byte to channel 2's address, then the next byte to channel 3's count
	 * lands in the count's HIGH byte. */
	dv_sim_out(sim, 0x07, 0x00); /* count 3 low (ff 0 -> 1) */
	dv_sim_out(sim, 0x07, 0x00); /* count 3 high (ff 1 -> 0): count 3 = 0 */
	dv_sim_out(sim, 0x04, 0x78); /* channel 2 address low: 0x1278, ff -> 1 */
	dv_sim_out(sim, 0x07, 0x56); /* lands in channel 3's count HIGH byte */
	CHECK_EQ(d1->ch[2].cur_addr, 0x1278);
	CHECK_EQ(d1->ch[3].cur_count, 0x5600);
	CHECK_EQ(d1->flipflop, 0);

	/* Reads toggle it too, and read the current registers low byte first. */
	CHECK_EQ(dv_sim_in(sim, 0x04), 0x78);
	CHECK_EQ(d1->flipflop, 1);
	CHECK_EQ(dv_sim_in(sim, 0x04), 0x12);
	CHECK_EQ(d1->flipflop, 0);
	CHECK_EQ(dv_sim_in(sim, 0x07), 0x00); /* low byte of 0x5600 */
	CHECK_EQ(dv_sim_in(sim, 0x04), 0x12); /* shared: this read gets the HIGH byte */
	CHECK_EQ(d1->flipflop, 0);

	/* 0x0C clears it, whatever the value written. */
	dv_sim_out(sim, 0x00, 0xAA);
	CHECK_EQ(d1->flipflop, 1);
	dv_sim_out(sim, 0x0C, 0xA5);
	CHECK_EQ(d1->flipflop, 0);
	dv_sim_in(sim, 0x01);
	CHECK_EQ(d1->flipflop, 1);
	dv_sim_out(sim, 0x0C, 0x00);
	CHECK_EQ(d1->flipflop, 0);

	/* One per chip: DMA1's state does not touch DMA2's. */
	dv_sim_out(sim, 0x00, 0x00);
	CHECK_EQ(d1->flipflop, 1);
	CHECK_EQ(d2->flipflop, 0);
	dv_sim_out(sim, 0xC4, 0x01); /* channel 5 address low */
	CHECK_EQ(d2->flipflop, 1);
	CHECK_EQ(d1->flipflop, 1);
	dv_sim_out(sim, 0xD8, 0); /* DMA2's clear: DMA1's stays set */
	CHECK_EQ(d2->flipflop, 0);
	CHECK_EQ(d1->flipflop, 1);

	/* Master clear clears it. */
	dv_sim_out(sim, 0x0D, 0x00);
	CHECK_EQ(d1->flipflop, 0);
	dv_sim_out(sim, 0xC4, 0x01);
	CHECK_EQ(d2->flipflop, 1);
	dv_sim_out(sim, 0xDA, 0x00);
	CHECK_EQ(d2->flipflop, 0);
	dv_sim_destroy(sim);
}

/* facts §5 teaching point 4: skip the 0x0C write after an odd number of accesses and the
 * address comes out byte-swapped; the data goes to the wrong place. */
static void test_flipflop_byte_swap(void)
{
	struct dv_sim *sim = new_sim();
	const struct dv_dma_chip *d1 = &sim->st.dma[0];
	/* An "ISR" reads the low byte of a count and stops: the flip-flop is left at 1. */
	dv_sim_out(sim, 0x0C, 0);
	dv_sim_in(sim, 0x05);
	CHECK_EQ(d1->flipflop, 1);
	/* The driver now programs channel 2 without clearing the flip-flop. */
	set_mask(sim, 2, true);
	dv_sim_out(sim, 0x0B, M_SINGLE | T_WRITE | 2);
	dv_sim_out(sim, 0x04, 0x34);
	dv_sim_out(sim, 0x04, 0x12);
	CHECK_EQ(d1->ch[2].cur_addr, 0x3412);
	dv_sim_out(sim, 0x81, 0x00);
	dv_sim_out(sim, 0x05, 0x00); /* meant: count 0 */
	dv_sim_out(sim, 0x05, 0x00);
	CHECK_EQ(d1->ch[2].cur_count, 0);
	set_mask(sim, 2, false);
	size_t mark = sim->trace.len;
	set_dreq(sim, 2, true);
	dv_sim_run(sim, 20);
	CHECK_EQ(n_xfer(sim, mark, 2), 1);
	const struct dv_event *e = nth_xfer(sim, mark, 2, 0);
	CHECK(e && e->index == 0x3412);
	CHECK_EQ(mem(sim, 0x3412), 0xFF);
	CHECK_EQ(mem(sim, 0x1234), 0x00);

	/* The count suffers the same way: meant 0x000F (16 bytes), got 0x0F00. */
	dv_sim_out(sim, 0x0C, 0);
	dv_sim_in(sim, 0x06);
	dv_sim_out(sim, 0x07, 0x0F);
	dv_sim_out(sim, 0x07, 0x00);
	CHECK_EQ(d1->ch[3].cur_count, 0x0F00);

	/* With the 0x0C write the same bytes give the intended values. */
	dv_sim_in(sim, 0x05);
	dv_sim_out(sim, 0x0C, 0);
	dv_sim_out(sim, 0x04, 0x34);
	dv_sim_out(sim, 0x04, 0x12);
	CHECK_EQ(d1->ch[2].cur_addr, 0x1234);
	dv_sim_destroy(sim);
}

/* facts §1.6, DS p.9: status bits 0-3 (TC) clear on read; bits 4-7 follow the requests. */
static void test_status_register(void)
{
	struct dv_sim *sim = new_sim();
	program(sim, 2, M_SINGLE | T_WRITE, 0x1000, 0, 0);
	set_mask(sim, 2, false);
	set_dreq(sim, 2, true);
	dv_sim_run(sim, 10);
	set_dreq(sim, 2, false);
	dv_sim_run(sim, 2);
	/* TC stays latched across ticks until a read. */
	CHECK_EQ(sim->st.dma[0].status, 0x04);
	CHECK_EQ(dv_sim_in(sim, 0x08), 0x04);
	CHECK_EQ(dv_sim_in(sim, 0x08), 0x00); /* the first reader consumed it */
	CHECK_EQ(sim->st.dma[0].status, 0x00);

	/* Request bits: a masked channel with DREQ high shows its request. */
	set_dreq(sim, 3, true);
	dv_sim_tick(sim);
	CHECK_EQ(dv_sim_in(sim, 0x08), 0x80);
	CHECK_EQ(dv_sim_in(sim, 0x08), 0x80); /* reading does not clear request bits */
	set_dreq(sim, 0, true);
	dv_sim_tick(sim);
	CHECK_EQ(dv_sim_in(sim, 0x08), 0x90);
	set_dreq(sim, 3, false);
	set_dreq(sim, 0, false);
	dv_sim_tick(sim);
	CHECK_EQ(dv_sim_in(sim, 0x08), 0x00);
	/* DMA2: channel 6 is bit 6 (4 + 2). */
	set_dreq(sim, 6, true);
	dv_sim_tick(sim);
	CHECK_EQ(dv_sim_in(sim, 0xD0), 0x40);
	set_dreq(sim, 6, false);
	dv_sim_tick(sim);
	CHECK_EQ(dv_sim_in(sim, 0xD0), 0x00);

	/* TC bits of several channels accumulate and one read clears them all. */
	program(sim, 0, M_SINGLE | T_VERIFY, 0, 0, 0);
	program(sim, 3, M_SINGLE | T_VERIFY, 0, 0, 0);
	set_mask(sim, 0, false);
	set_mask(sim, 3, false);
	set_dreq(sim, 0, true);
	set_dreq(sim, 3, true);
	dv_sim_run(sim, 20);
	set_dreq(sim, 0, false);
	set_dreq(sim, 3, false);
	dv_sim_tick(sim);
	CHECK_EQ(dv_sim_in(sim, 0x08), 0x09);
	CHECK_EQ(dv_sim_in(sim, 0x08), 0x00);
	dv_sim_destroy(sim);
}

/* facts §1.3: the page ports are not in channel order. */
static void test_page_port_map(void)
{
	static const uint16_t ports[8] = { 0x87, 0x83, 0x81, 0x82, 0x8F, 0x8B, 0x89, 0x8A };
	for (unsigned ch = 0; ch < 8; ch++) {
		CHECK_EQ(dv_dma_page_channel(ports[ch]), ch);
		CHECK_EQ(dv_dma_page_port(ch), ports[ch]);
	}
	/* 0x80 (POST codes), 0x84-0x86, 0x88, 0x8C-0x8E hold no page register. */
	static const uint16_t others[] = { 0x80, 0x84, 0x85, 0x86, 0x88, 0x8C, 0x8D, 0x8E };
	for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
		CHECK_EQ(dv_dma_page_channel(others[i]), -1);
	CHECK_EQ(dv_dma_page_channel(0x90), -1);
	CHECK_EQ(dv_dma_page_channel(0x00), -1);

	/* Each page port feeds its channel's A16-A23: one unit to page<<16 | address. */
	struct dv_sim *sim = new_sim();
	static const unsigned chans[] = { 0, 2, 3, 5, 6, 7 };
	for (size_t i = 0; i < sizeof chans / sizeof chans[0]; i++) {
		unsigned ch = chans[i];
		uint8_t page = (uint8_t)(0x10 + 2 * ch); /* even, so 16-bit channels keep it */
		uint16_t reg = (uint16_t)(0x0100 * (ch + 1));
		uint32_t phys = ch < 4 ? (uint32_t)page << 16 | reg :
		                         (uint32_t)page << 16 | (uint32_t)reg << 1;
		program(sim, ch, M_SINGLE | T_WRITE, reg, 0, page);
		CHECK_EQ(sim->st.page[ch], page);
		CHECK_EQ(dv_sim_in(sim, ports[ch]), page);
		CHECK_EQ(dv_dma_phys(&sim->st, ch), phys);
		set_mask(sim, ch, false);
		size_t mark = sim->trace.len;
		set_dreq(sim, ch, true);
		dv_sim_run(sim, 10);
		set_dreq(sim, ch, false);
		CHECK_EQ(n_xfer(sim, mark, ch), 1);
		const struct dv_event *e = nth_xfer(sim, mark, ch, 0);
		CHECK(e && e->index == phys);
		CHECK_EQ(mem(sim, phys), 0xFF);
		if (ch >= 4)
			CHECK_EQ(mem(sim, phys + 1), 0xFF);
	}
	/* Channel 1 (the NIC's DREQ) through a software request and a verify cycle. */
	program(sim, 1, M_BLOCK | T_VERIFY, 0x4321, 0, 0x42);
	size_t mark = sim->trace.len;
	dv_sim_out(sim, 0x09, 0x04 | 1);
	dv_sim_run(sim, 10);
	CHECK_EQ(n_xfer(sim, mark, 1), 1);
	const struct dv_event *e = nth_xfer(sim, mark, 1, 0);
	CHECK(e && e->index == 0x424321);
	/* The other latches keep what is written but address nothing. */
	dv_sim_out(sim, 0x80, 0x5A);
	CHECK_EQ(dv_sim_in(sim, 0x80), 0x5A);
	for (unsigned ch = 0; ch < 8; ch++)
		CHECK(sim->st.page[ch] != 0x5A);
	dv_sim_destroy(sim);
}

/* facts §5 teaching point 6: channel 2's page written to 0x82 (channel 3's port). */
static void test_wrong_page_port(void)
{
	struct dv_sim *sim = new_sim();
	dv_sim_out(sim, 0x81, 0x02); /* what channel 2's page latch held before */
	program_at(sim, 2, M_BLOCK | T_WRITE, 0x1000, 3, 0x05, 0x82);
	CHECK_EQ(sim->st.page[2], 0x02);
	CHECK_EQ(sim->st.page[3], 0x05);
	set_mask(sim, 2, false);
	set_dreq(sim, 2, true);
	dv_sim_run(sim, 20);
	CHECK(mem_all(sim, 0x21000, 4, 0xFF)); /* another 64 KiB page */
	CHECK(mem_all(sim, 0x51000, 4, 0x00)); /* the intended buffer never saw the data */
	dv_sim_destroy(sim);
}

/* facts §1.8 and §5 teaching point 7: the 16-bit counter wraps inside the 64 KiB page. */
static void test_64k_wrap(void)
{
	struct dv_sim *sim = new_sim();
	poke(sim, 0x20000, 0x44);
	poke(sim, 0x10010, 0x55);
	program(sim, 2, M_BLOCK | T_WRITE, 0xFFF0, 31, 0x01);
	set_mask(sim, 2, false);
	size_t mark = sim->trace.len;
	set_dreq(sim, 2, true);
	dv_sim_run(sim, 100);
	CHECK_EQ(n_xfer(sim, mark, 2), 32);
	CHECK(mem_all(sim, 0x1FFF0, 16, 0xFF));
	CHECK(mem_all(sim, 0x10000, 16, 0xFF)); /* the start of the same page */
	CHECK_EQ(mem(sim, 0x20000), 0x44);      /* the next page is untouched */
	CHECK_EQ(mem(sim, 0x10010), 0x55);
	const struct dv_event *e16 = nth_xfer(sim, mark, 2, 16);
	CHECK(e16 && e16->index == 0x10000);
	CHECK_EQ(sim->st.page[2], 0x01);
	CHECK_EQ(dv_sim_in(sim, 0x81), 0x01);
	CHECK_EQ(read16(sim, 0x04), 0x0010);
	CHECK_EQ(n_note(sim, mark, DV_NOTE_PAGE_WRAP), 1);
	dv_sim_destroy(sim);
}

/* facts §1.8: 16-bit channels: word address = phys >> 1, page bit 0 ignored, count in words,
 * two bytes per transfer. */
static void test_16bit_channel(void)
{
	struct dv_sim *sim = new_sim();
	const uint32_t phys = 0x30100;
	poke(sim, 0x30108, 0x11);
	poke(sim, 0x300FF, 0x22);
	/* Page 0x03: bit 0 is ignored, A16 comes from the address register's bit 15. */
	program(sim, 5, M_BLOCK | T_WRITE, (uint16_t)(phys >> 1), 3, (uint8_t)(phys >> 16));
	CHECK_EQ(sim->st.dma[1].ch[1].cur_addr, 0x8080);
	CHECK_EQ(dv_dma_phys(&sim->st, 5), phys);
	set_mask(sim, 5, false);
	size_t mark = sim->trace.len;
	set_dreq(sim, 5, true);
	dv_sim_run(sim, 40);
	CHECK_EQ(n_xfer(sim, mark, 5), 4); /* count 3 = 4 words */
	for (size_t k = 0; k < 4; k++) {
		const struct dv_event *e = nth_xfer(sim, mark, 5, k);
		CHECK(e && e->index == phys + 2 * k);
		CHECK(e && dv_xfer_dir(e) == DV_XFER_TO_MEMORY && dv_xfer_width(e) == 2 &&
		      (e->old_value & DV_XFER_STEPS) && !(e->old_value & DV_XFER_DOWN));
	}
	CHECK(mem_all(sim, phys, 8, 0xFF));
	CHECK_EQ(mem(sim, 0x30108), 0x11);
	CHECK_EQ(mem(sim, 0x300FF), 0x22);
	CHECK_EQ(read16(sim, 0xC4), 0x8084); /* the word address advanced by 4 */
	CHECK_EQ(read16(sim, 0xC6), 0xFFFF);
	CHECK_EQ(dv_sim_in(sim, 0xD0) & 0x02, 0x02); /* channel 5 is DMA2's bit 1 */

	/* Page 0x02 and 0x03 address the same 128 KiB page. */
	program(sim, 6, M_BLOCK | T_VERIFY, 0x1000, 0, 0x02);
	uint32_t a = dv_dma_phys(&sim->st, 6);
	dv_sim_out(sim, 0x89, 0x03);
	CHECK_EQ(dv_dma_phys(&sim->st, 6), a);
	CHECK_EQ(a, 0x22000);

	/* The ReactOS-style mistake: the byte address in the register goes to phys*2. */
	program(sim, 7, M_BLOCK | T_WRITE, 0x0100, 0, 0x03);
	set_mask(sim, 7, false);
	mark = sim->trace.len;
	set_dreq(sim, 7, true);
	dv_sim_run(sim, 10);
	const struct dv_event *e = nth_xfer(sim, mark, 7, 0);
	CHECK(e && e->index == 0x20200);
	CHECK(mem_all(sim, 0x20200, 2, 0xFF));
	dv_sim_destroy(sim);
}

/* facts §1.8: 16-bit channels wrap inside 128 KiB, and cross a 64 KiB line freely. */
static void test_128k_wrap(void)
{
	struct dv_sim *sim = new_sim();
	poke(sim, 0x40000, 0x44);
	poke(sim, 0x20004, 0x55);
	program(sim, 6, M_BLOCK | T_WRITE, 0xFFFE, 3, 0x02);
	set_mask(sim, 6, false);
	size_t mark = sim->trace.len;
	set_dreq(sim, 6, true);
	dv_sim_run(sim, 40);
	static const uint32_t want[4] = { 0x3FFFC, 0x3FFFE, 0x20000, 0x20002 };
	CHECK_EQ(n_xfer(sim, mark, 6), 4);
	for (size_t k = 0; k < 4; k++) {
		const struct dv_event *e = nth_xfer(sim, mark, 6, k);
		CHECK(e && e->index == want[k]);
	}
	CHECK(mem_all(sim, 0x3FFFC, 4, 0xFF));
	CHECK(mem_all(sim, 0x20000, 4, 0xFF));
	CHECK_EQ(mem(sim, 0x40000), 0x44);
	CHECK_EQ(mem(sim, 0x20004), 0x55);
	CHECK_EQ(sim->st.page[6], 0x02);
	CHECK_EQ(n_note(sim, mark, DV_NOTE_PAGE_WRAP), 1);

	/* 0x2FFFE -> 0x30000 is inside one 128 KiB page: no wrap. */
	program(sim, 7, M_BLOCK | T_WRITE, 0x7FFF, 1, 0x02);
	set_mask(sim, 7, false);
	mark = sim->trace.len;
	set_dreq(sim, 7, true);
	dv_sim_run(sim, 20);
	const struct dv_event *e0 = nth_xfer(sim, mark, 7, 0), *e1 = nth_xfer(sim, mark, 7, 1);
	CHECK(e0 && e0->index == 0x2FFFE);
	CHECK(e1 && e1->index == 0x30000);
	CHECK_EQ(n_note(sim, mark, DV_NOTE_PAGE_WRAP), 0);
	dv_sim_destroy(sim);
}

/* ---- masks, TC, auto-init -------------------------------------------------------------- */

/* facts §2.2 step 2, teaching point 5: masked: request bit set, no HRQ, nothing moves. */
static void test_masked_channel(void)
{
	struct dv_sim *sim = new_sim();
	program(sim, 2, M_SINGLE | T_WRITE, 0x1000, 3, 0);
	size_t mark = sim->trace.len;
	set_dreq(sim, 2, true);
	dv_sim_run(sim, 50);
	CHECK_EQ(n_xfer(sim, mark, -1), 0);
	CHECK_EQ(n_set(sim, mark, DV_SLOT_DMA_HRQ, 1), 0);
	CHECK_EQ(n_set(sim, mark, DV_SLOT_BUS_HLDA, 1), 0);
	CHECK_EQ(n_strobe(sim, mark, DV_SLOT_BUS_DACK, 1u << 2), 0);
	CHECK_EQ(dv_sim_get(sim, DV_SLOT_BUS_CPU_CYCLES, 0), 50);
	CHECK_EQ(dv_sim_in(sim, 0x08), 0x40);
	CHECK(mem_all(sim, 0x1000, 4, 0x00));
	CHECK_EQ(read16(sim, 0x05), 3);
	/* Unmasking lets it run. */
	set_mask(sim, 2, false);
	dv_sim_run(sim, 20);
	CHECK_EQ(n_xfer(sim, mark, 2), 4);
	dv_sim_destroy(sim);
}

/* facts §2.2 step 8, teaching point 13: without auto-init the channel masks itself at TC. */
static void test_tc_automask(void)
{
	struct dv_sim *sim = new_sim();
	program(sim, 3, M_SINGLE | T_WRITE, 0x2000, 1, 0);
	set_mask(sim, 3, false);
	size_t mark = sim->trace.len;
	set_dreq(sim, 3, true);
	dv_sim_run(sim, 40);
	CHECK_EQ(n_xfer(sim, mark, 3), 2);
	CHECK_EQ(sim->st.dma[0].mask & 0x08, 0x08);
	CHECK_EQ(dv_sim_in(sim, 0x0F) & 0x08, 0x08);
	CHECK_EQ(dv_sim_in(sim, 0x08), 0x88); /* TC 3, and DREQ 3 is still asking */
	CHECK_EQ(sim->st.bus.hlda, 0);
	/* Reprogram and unmask: it runs again. */
	program(sim, 3, M_SINGLE | T_WRITE, 0x2100, 0, 0);
	set_mask(sim, 3, false);
	mark = sim->trace.len;
	dv_sim_run(sim, 20);
	CHECK_EQ(n_xfer(sim, mark, 3), 1);
	CHECK_EQ(mem(sim, 0x2100), 0xFF);
	dv_sim_destroy(sim);
}

/* facts §1.7, §2.2 step 8: auto-init copies base into current at TC; the mask is untouched. */
static void test_autoinit(void)
{
	struct dv_sim *sim = new_sim();
	program(sim, 3, M_SINGLE | T_WRITE | M_AUTO, 0x3000, 3, 0);
	set_mask(sim, 3, false);
	size_t mark = sim->trace.len;
	set_dreq(sim, 3, true);
	CHECK(tick_until_xfers(sim, mark, 3, 4, 100) < 100);
	CHECK_EQ(n_set(sim, mark, DV_SLOT_BUS_TC, 1), 1);
	CHECK_EQ(sim->st.dma[0].mask & 0x08, 0);
	CHECK_EQ(sim->st.dma[0].ch[3].cur_addr, 0x3000);
	CHECK_EQ(sim->st.dma[0].ch[3].cur_count, 3);
	CHECK_EQ(sim->st.dma[0].status & 0x08, 0x08);
	/* The ring goes round: transfer 5 lands at the start again. */
	CHECK(tick_until_xfers(sim, mark, 3, 9, 100) < 100);
	const struct dv_event *e4 = nth_xfer(sim, mark, 3, 4), *e8 = nth_xfer(sim, mark, 3, 8);
	CHECK(e4 && e4->index == 0x3000);
	CHECK(e8 && e8->index == 0x3000);
	CHECK_EQ(n_set(sim, mark, DV_SLOT_BUS_TC, 1), 2);
	CHECK(mem_all(sim, 0x3000, 4, 0xFF));
	CHECK_EQ(mem(sim, 0x3004), 0x00);
	dv_sim_destroy(sim);
}

/* ---- transfer modes ---------------------------------------------------------------------- */

/* facts §2.2 step 9, §2.3: single mode gives the bus back after every transfer. */
static void test_single_mode(void)
{
	struct dv_sim *sim = new_sim();
	program(sim, 2, M_SINGLE | T_WRITE, 0x1000, 3, 0);
	set_mask(sim, 2, false);
	size_t mark = sim->trace.len;
	set_dreq(sim, 2, true); /* held high throughout */
	dv_sim_run(sim, 30);
	CHECK_EQ(n_xfer(sim, mark, 2), 4);
	CHECK_EQ(sim->st.bus.dma_cycles, 4);
	CHECK_EQ(dv_sim_get(sim, DV_SLOT_BUS_CPU_CYCLES, 0), 26);
	/* Between two transfers HLDA falls and the CPU runs at least one cycle. */
	for (size_t k = 0; k + 1 < 4; k++) {
		const struct dv_event *a = nth_xfer(sim, mark, 2, k),
		                      *b = nth_xfer(sim, mark, 2, k + 1);
		if (!a || !b) {
			CHECK(a && b);
			break;
		}
		CHECK(b->cycle >= a->cycle + 2);
		/* In order: HLDA falls, the CPU gets a cycle, HLDA rises again. */
		size_t ia = nth_xfer_at(sim, mark, 2, k), ib = nth_xfer_at(sim, mark, 2, k + 1);
		int step = 0;
		uint64_t fell = 0;
		for (size_t i = ia; i < ib; i++) {
			const struct dv_event *e = dv_trace_at(&sim->trace, i);
			uint32_t o, v; /* HLDA is a field of the arbitration word (state.h) */
			if (e->kind != DV_EV_STATE ||
			    !dv_slot_change_of((enum dv_slot)e->slot, e->index, e->old_value,
			                       e->new_value, DV_SLOT_BUS_HLDA, 0, &o, &v))
				continue;
			if (step == 0 && v == 0) {
				step = 1;
				fell = e->cycle;
			} else if (step == 1 && v == 1) {
				/* a tick between the two is the CPU's (a tick records no event
				 * of its own: the stamps say it passed) */
				step = e->cycle >= fell + 2 ? 3 : 2;
			}
		}
		CHECK_EQ(step, 3);
	}
	CHECK_EQ(n_set(sim, mark, DV_SLOT_BUS_HLDA, 1), 4);
	CHECK_EQ(n_set(sim, mark, DV_SLOT_BUS_HLDA, 0), 4);
	dv_sim_destroy(sim);
}

/* facts §2.3, DS p.5: demand mode holds the bus while DREQ is high, pauses with address and
 * count frozen when it drops, resumes when it returns. */
static void test_demand_mode(void)
{
	struct dv_sim *sim = new_sim();
	program(sim, 3, M_DEMAND | T_WRITE, 0x4000, 9, 0);
	set_mask(sim, 3, false);
	size_t mark = sim->trace.len;
	set_dreq(sim, 3, true);
	CHECK(tick_until_xfers(sim, mark, 3, 4, 50) < 50);
	/* Four transfers on consecutive cycles under one grant. */
	const struct dv_event *e0 = nth_xfer(sim, mark, 3, 0), *e3 = nth_xfer(sim, mark, 3, 3);
	CHECK(e0 && e3 && e3->cycle == e0->cycle + 3);
	CHECK_EQ(n_set(sim, mark, DV_SLOT_BUS_HLDA, 1), 1);
	CHECK_EQ(n_set(sim, mark, DV_SLOT_BUS_HLDA, 0), 0);
	CHECK_EQ(sim->st.bus.hlda, 1);
	uint32_t cpu = dv_sim_get(sim, DV_SLOT_BUS_CPU_CYCLES, 0);
	/* The device drops DREQ: the bus goes back, address and count freeze. */
	set_dreq(sim, 3, false);
	dv_sim_run(sim, 20);
	CHECK_EQ(n_xfer(sim, mark, 3), 4);
	CHECK_EQ(sim->st.bus.hlda, 0);
	CHECK_EQ(dv_sim_get(sim, DV_SLOT_BUS_OWNER, 0), 0);
	CHECK_EQ(dv_sim_get(sim, DV_SLOT_BUS_CPU_CYCLES, 0), cpu + 20);
	CHECK_EQ(sim->st.dma[0].ch[3].cur_addr, 0x4004);
	CHECK_EQ(sim->st.dma[0].ch[3].cur_count, 5);
	CHECK_EQ(sim->st.dma[0].mask & 0x08, 0);
	CHECK_EQ(sim->st.dma[0].status & 0x08, 0);
	/* DREQ returns: the rest of the block follows, TC at the end. */
	set_dreq(sim, 3, true);
	dv_sim_run(sim, 30);
	CHECK_EQ(n_xfer(sim, mark, 3), 10);
	CHECK(mem_all(sim, 0x4000, 10, 0xFF));
	CHECK_EQ(mem(sim, 0x400A), 0x00);
	CHECK_EQ(n_set(sim, mark, DV_SLOT_BUS_TC, 1), 1);
	CHECK_EQ(sim->st.dma[0].mask & 0x08, 0x08);
	CHECK_EQ(sim->st.bus.hlda, 0);
	dv_sim_destroy(sim);
}

/* facts §2.3: block mode runs to TC once started, whatever DREQ does. */
static void test_block_mode(void)
{
	struct dv_sim *sim = new_sim();
	program(sim, 2, M_BLOCK | T_WRITE, 0x5000, 7, 0);
	set_mask(sim, 2, false);
	size_t mark = sim->trace.len;
	set_dreq(sim, 2, true);
	CHECK(tick_until_xfers(sim, mark, 2, 1, 20) < 20);
	set_dreq(sim, 2, false); /* a short pulse is enough */
	dv_sim_run(sim, 30);
	CHECK_EQ(n_xfer(sim, mark, 2), 8);
	const struct dv_event *e0 = nth_xfer(sim, mark, 2, 0), *e7 = nth_xfer(sim, mark, 2, 7);
	CHECK(e0 && e7 && e7->cycle == e0->cycle + 7);
	CHECK_EQ(n_set(sim, mark, DV_SLOT_BUS_HLDA, 1), 1);
	CHECK(mem_all(sim, 0x5000, 8, 0xFF));
	CHECK_EQ(n_set(sim, mark, DV_SLOT_BUS_TC, 1), 1);
	CHECK_EQ(sim->st.bus.hlda, 0);
	dv_sim_destroy(sim);
}

/* facts §2.4: verify moves no data, but address and count run and TC comes. */
/* A transfer's strobes are its XFER event's (no event records them): at the position after
 * the XFER, DACK (with DACK4, the cascade, for a DMA1 channel), AEN, MEMR and IOW are up for
 * a read; they stay up through the 8237A's own events of that cycle and are down after the
 * first event of another cause. In block mode the bus is kept, so they are up at the cycle's
 * end, and the live machine agrees with a cursor there. */
static void test_strobes_of_a_transfer(void)
{
	struct dv_sim *sim = new_sim();
	program(sim, 2, M_SINGLE | T_READ, 0x3000, 3, 0);
	set_mask(sim, 2, false);
	size_t mark = sim->trace.len;
	set_dreq(sim, 2, true);
	CHECK(tick_until_xfers(sim, mark, 2, 4, 40) < 40);
	dv_sim_run(sim, 2);
	/* The last transfer, at terminal count: the 8237A's TC, status and auto-mask follow it
	 * in its cycle (the address and count steps are the XFER's own: DV_XFER_STEPS). */
	size_t x = nth_xfer_at(sim, mark, 2, 3);
	CHECK(x < sim->trace.len);
	struct dv_cursor c;
	dv_cursor_init(&c, sim);
	dv_cursor_seek(&c, x);
	CHECK_EQ(c.st.bus.dack | c.st.bus.aen | c.st.bus.memr | c.st.bus.iow, 0);
	dv_cursor_seek(&c, x + 1);
	CHECK_EQ(c.st.bus.dack, 1u << 2 | 1u << 4);
	CHECK(c.st.bus.aen && c.st.bus.memr && c.st.bus.iow && !c.st.bus.memw && !c.st.bus.ior);
	size_t other = x + 1;
	while (other < sim->trace.len && dv_trace_at(&sim->trace, other)->src == DV_SRC_DMA &&
	       dv_trace_at(&sim->trace, other)->cycle == dv_trace_at(&sim->trace, x)->cycle) {
		dv_cursor_seek(&c, other + 1); /* the 8237A's own events: still up */
		CHECK_EQ(c.st.bus.dack, 1u << 2 | 1u << 4);
		other++;
	}
	CHECK(other < sim->trace.len && other > x + 1);
	dv_cursor_seek(&c, other + 1); /* single mode gives the bus back: down */
	CHECK_EQ(c.st.bus.dack | c.st.bus.aen | c.st.bus.memr | c.st.bus.iow, 0);

	/* Block mode: up at the end of each transfer's cycle, live and in a cursor alike. */
	program(sim, 3, M_BLOCK | T_WRITE, 0x4000, 7, 0);
	set_mask(sim, 3, false);
	mark = sim->trace.len;
	set_dreq(sim, 3, true);
	CHECK(tick_until_xfers(sim, mark, 3, 2, 20) < 20);
	CHECK_EQ(sim->st.bus.dack, 1u << 3 | 1u << 4);
	CHECK(sim->st.bus.ior && sim->st.bus.memw && !sim->st.bus.memr);
	dv_cursor_seek(&c, sim->trace.len);
	CHECK(memcmp(&c.st.bus, &sim->st.bus, sizeof c.st.bus) == 0);
	CHECK_EQ(dv_sim_state_hash(sim), dv_state_hash(&c.st, &sim->pool));
	dv_cursor_finish(&c);
	dv_sim_destroy(sim);
}

/* A transfer's event advances its channel (DV_XFER_STEPS): at the position after each XFER a
 * cursor has the address one further (down in decrement mode, wrapping inside the page), the
 * count one less and dma.cycles one more than before it, with no state event of those slots;
 * seeking back over the XFER undoes them exactly. */
static void test_transfer_steps_its_channel(void)
{
	static const struct {
		unsigned ch, mode;
		uint16_t addr;
	} cases[] = { { 3, M_BLOCK | T_READ, 0xFFFE },
		      { 6, M_BLOCK | T_VERIFY | M_DEC, 0x0001 },
		      { 2, M_SINGLE | T_WRITE, 0x1234 } };
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		struct dv_sim *sim = new_sim();
		unsigned ch = cases[k].ch;
		bool down = cases[k].mode & M_DEC;
		program(sim, ch, cases[k].mode, cases[k].addr, 5, 0x04);
		set_mask(sim, ch, false);
		/* A write stores the floating bus's 0xFF with its event (DV_XFER_MEM); where memory
		 * holds 0xFF already (its third byte) nothing changes and nothing is recorded. */
		bool write = cases[k].mode == (M_SINGLE | T_WRITE);
		uint32_t phys0 = 0x040000u | cases[k].addr;
		if (write)
			poke(sim, phys0 + 2, 0xFF);
		size_t mark = sim->trace.len;
		set_dreq(sim, ch, true);
		dv_sim_run(sim, 30);
		CHECK_EQ(n_xfer(sim, mark, (int)ch), 6);
		for (size_t i = mark; i < sim->trace.len; i++) {
			const struct dv_event *e = dv_trace_at(&sim->trace, i);
			CHECK(!(e->kind == DV_EV_STATE && e->slot == DV_SLOT_BUS_DMA_CYCLES));
			CHECK(!(e->kind == DV_EV_STATE && e->slot == DV_SLOT_DMA_COUNT));
			CHECK(!(e->kind == DV_EV_STATE && e->slot == DV_SLOT_MEM));
		}
		struct dv_cursor c;
		dv_cursor_init(&c, sim);
		for (size_t n = 0; n < 6; n++) {
			size_t x = nth_xfer_at(sim, mark, (int)ch, n);
			const struct dv_event *e = dv_trace_at(&sim->trace, x);
			CHECK(e->old_value & DV_XFER_STEPS);
			CHECK_EQ(!!(e->old_value & DV_XFER_DOWN), down);
			dv_cursor_seek(&c, x + 1);
			uint32_t a1 = dv_cursor_get(&c, DV_SLOT_DMA_ADDR, ch),
			         n1 = dv_cursor_get(&c, DV_SLOT_DMA_COUNT, ch),
			         d1 = dv_cursor_get(&c, DV_SLOT_BUS_DMA_CYCLES, 0);
			dv_cursor_seek(&c, x); /* back over it */
			uint32_t a0 = dv_cursor_get(&c, DV_SLOT_DMA_ADDR, ch),
			         n0 = dv_cursor_get(&c, DV_SLOT_DMA_COUNT, ch),
			         d0 = dv_cursor_get(&c, DV_SLOT_BUS_DMA_CYCLES, 0);
			CHECK_EQ(a0, (uint16_t)(cases[k].addr + (down ? -(int)n : (int)n)));
			CHECK_EQ(a1, (uint16_t)(a0 + (down ? -1 : 1)));
			CHECK_EQ(n0, 5 - n);
			CHECK_EQ(n1, (uint16_t)(n0 - 1)); /* 0xFFFF after the last: TC */
			CHECK_EQ(d1, d0 + 1);
			if (write) {
				CHECK_EQ(e->index, phys0 + n);
				CHECK_EQ(!!(e->old_value & DV_XFER_MEM), n != 2);
				CHECK_EQ(dv_cursor_get(&c, DV_SLOT_MEM, e->index),
				         n == 2 ? 0xFF : 0);
				dv_cursor_seek(&c, x + 1);
				CHECK_EQ(dv_cursor_get(&c, DV_SLOT_MEM, e->index), 0xFF);
				CHECK_EQ(mem(sim, e->index), 0xFF);
			} else {
				CHECK(!(e->old_value & DV_XFER_MEM));
			}
		}
		/* The page never moves: the carry is lost (facts §1.8). */
		CHECK_EQ(dv_cursor_get(&c, DV_SLOT_PAGE, ch), 0x04);
		dv_cursor_finish(&c);
		dv_sim_destroy(sim);
	}
}

static void test_verify_mode(void)
{
	struct dv_sim *sim = new_sim();
	poke(sim, 0x6000, 0x12);
	poke(sim, 0x6003, 0x34);
	program(sim, 2, M_BLOCK | T_VERIFY, 0x6000, 3, 0);
	set_mask(sim, 2, false);
	size_t mark = sim->trace.len;
	set_dreq(sim, 2, true);
	dv_sim_run(sim, 20);
	CHECK_EQ(n_xfer(sim, mark, 2), 4);
	CHECK_EQ(n_set(sim, mark, DV_SLOT_BUS_TC, 1), 1);
	CHECK_EQ(sim->st.dma[0].ch[2].cur_count, 0xFFFF);
	CHECK_EQ(sim->st.dma[0].ch[2].cur_addr, 0x6004);
	CHECK_EQ(dv_sim_in(sim, 0x08) & 0x04, 0x04);
	CHECK_EQ(mem(sim, 0x6000), 0x12);
	CHECK_EQ(mem(sim, 0x6001), 0x00);
	CHECK_EQ(mem(sim, 0x6003), 0x34);
	CHECK_EQ(n_set(sim, mark, DV_SLOT_MEM, 0xFF), 0);
	/* No memory or I/O strobes. */
	CHECK_EQ(n_strobe(sim, mark, DV_SLOT_BUS_MEMR, 1), 0);
	CHECK_EQ(n_strobe(sim, mark, DV_SLOT_BUS_MEMW, 1), 0);
	CHECK_EQ(n_strobe(sim, mark, DV_SLOT_BUS_IOR, 1), 0);
	CHECK_EQ(n_strobe(sim, mark, DV_SLOT_BUS_IOW, 1), 0);
	/* A read transfer reads memory, and with no device the data goes nowhere. */
	program(sim, 3, M_BLOCK | T_READ, 0x6000, 3, 0);
	set_mask(sim, 3, false);
	mark = sim->trace.len;
	set_dreq(sim, 3, true);
	dv_sim_run(sim, 20);
	const struct dv_event *e0 = nth_xfer(sim, mark, 3, 0);
	CHECK(e0 && e0->new_value == 0x12 && dv_xfer_dir(e0) == DV_XFER_FROM_MEMORY &&
	      dv_xfer_width(e0) == 1 && (e0->old_value & DV_XFER_STEPS));
	CHECK_EQ(n_strobe(sim, mark, DV_SLOT_BUS_MEMR, 1), 4);
	CHECK_EQ(n_strobe(sim, mark, DV_SLOT_BUS_IOW, 1), 4);
	CHECK_EQ(mem(sim, 0x6000), 0x12);
	dv_sim_destroy(sim);
}

/* facts §1.6, DS: the request register is a software DREQ: not maskable, cleared at TC. */
static void test_software_request(void)
{
	struct dv_sim *sim = new_sim();
	program(sim, 2, M_BLOCK | T_WRITE, 0x7000, 3, 0);
	CHECK_EQ(sim->st.dma[0].mask & 0x04, 0x04); /* masked, and no DREQ */
	/* Set and cleared again: nothing happens. */
	dv_sim_out(sim, 0x09, 0x04 | 2);
	CHECK_EQ(sim->st.dma[0].request, 0x04);
	dv_sim_out(sim, 0x09, 0x00 | 2);
	CHECK_EQ(sim->st.dma[0].request, 0x00);
	size_t mark = sim->trace.len;
	dv_sim_run(sim, 10);
	CHECK_EQ(n_xfer(sim, mark, -1), 0);
	/* Set: the masked channel runs its block. */
	dv_sim_out(sim, 0x09, 0x04 | 2);
	dv_sim_run(sim, 30);
	CHECK_EQ(n_xfer(sim, mark, 2), 4);
	CHECK_EQ(sim->st.dma[0].request, 0x00);
	CHECK_EQ(dv_sim_in(sim, 0x08), 0x04);
	CHECK(mem_all(sim, 0x7000, 4, 0xFF));
	dv_sim_run(sim, 10);
	CHECK_EQ(n_xfer(sim, mark, 2), 4);
	/* DMA2's request register at 0xD2. */
	program(sim, 5, M_BLOCK | T_WRITE, 0x4000, 1, 0);
	mark = sim->trace.len;
	dv_sim_out(sim, 0xD2, 0x04 | 1);
	CHECK_EQ(sim->st.dma[1].request, 0x02);
	dv_sim_run(sim, 20);
	CHECK_EQ(n_xfer(sim, mark, 5), 2);
	CHECK_EQ(sim->st.dma[1].request, 0x00);
	CHECK(mem_all(sim, 0x8000, 4, 0xFF));

	/* A software request on the cascade channel 4 moves nothing, holds no bus and does
	 * not starve channels 5-7 (facts §2.3: a cascade channel only relays DREQ). */
	program(sim, 6, M_SINGLE | T_WRITE, 0x6000, 1, 0);
	set_mask(sim, 6, false);
	mark = sim->trace.len;
	dv_sim_out(sim, 0xD2, 0x04 | 0);
	dv_sim_run(sim, 10);
	CHECK_EQ(n_xfer(sim, mark, -1), 0);
	CHECK_EQ(n_set(sim, mark, DV_SLOT_BUS_HLDA, 1), 0);
	set_dreq(sim, 6, true);
	dv_sim_run(sim, 20);
	CHECK_EQ(n_xfer(sim, mark, 6), 2);
	CHECK_EQ(n_set(sim, mark, DV_SLOT_BUS_HLDA, 1), 2);
	/* ... and channels 0-3 still cascade through it. */
	program(sim, 2, M_SINGLE | T_WRITE, 0x7100, 0, 0);
	set_mask(sim, 2, false);
	set_dreq(sim, 2, true);
	dv_sim_run(sim, 10);
	CHECK_EQ(n_xfer(sim, mark, 2), 1);
	set_dreq(sim, 2, false);
	/* Nor does it open a masked or non-cascade channel 4 for channels 0-3. */
	program(sim, 3, M_SINGLE | T_WRITE, 0x7200, 0, 0);
	set_mask(sim, 3, false);
	dv_sim_out(sim, 0xD4, 0x04 | 0);
	mark = sim->trace.len;
	set_dreq(sim, 3, true);
	dv_sim_run(sim, 10);
	CHECK_EQ(n_xfer(sim, mark, -1), 0);
	dv_sim_out(sim, 0xD4, 0x00 | 0);
	dv_sim_out(sim, 0xD6, M_BLOCK | T_WRITE | 0);
	dv_sim_run(sim, 10);
	CHECK_EQ(n_xfer(sim, mark, -1), 0);
	CHECK_EQ(mem(sim, 0x7200), 0x00);
	dv_sim_out(sim, 0xD6, M_CASCADE | 0);
	dv_sim_run(sim, 10);
	CHECK_EQ(n_xfer(sim, mark, 3), 1);
	dv_sim_destroy(sim);
}

/* facts §1.6: command bit 2 disables the controller. */
static void test_controller_disable(void)
{
	struct dv_sim *sim = new_sim();
	program(sim, 2, M_SINGLE | T_WRITE, 0x1000, 1, 0);
	dv_sim_out(sim, 0x08, 0x04);
	set_mask(sim, 2, false);
	size_t mark = sim->trace.len;
	set_dreq(sim, 2, true);
	dv_sim_run(sim, 30);
	CHECK_EQ(n_xfer(sim, mark, -1), 0);
	CHECK_EQ(n_set(sim, mark, DV_SLOT_DMA_HRQ, 1), 0);
	CHECK_EQ(dv_sim_in(sim, 0x08), 0x40); /* the request is still seen */
	dv_sim_out(sim, 0x08, 0x00);
	dv_sim_run(sim, 30);
	CHECK_EQ(n_xfer(sim, mark, 2), 2);

	/* DMA2 disabled: channel 4 cannot relay, so DMA1's channels stop too. */
	program(sim, 2, M_SINGLE | T_WRITE, 0x1100, 1, 0);
	dv_sim_out(sim, 0xD0, 0x04);
	set_mask(sim, 2, false);
	mark = sim->trace.len;
	dv_sim_run(sim, 30);
	CHECK_EQ(n_xfer(sim, mark, -1), 0);
	CHECK(n_note(sim, mark, DV_NOTE_CASCADE_BLOCKED) >= 1); /* and the learner is told why */
	dv_sim_out(sim, 0xD0, 0x00);
	dv_sim_run(sim, 30);
	CHECK_EQ(n_xfer(sim, mark, 2), 2);

	/* Disabling in the middle of a demand burst stops it with the count frozen. */
	program(sim, 3, M_DEMAND | T_WRITE, 0x1200, 9, 0);
	set_mask(sim, 3, false);
	mark = sim->trace.len;
	set_dreq(sim, 3, true);
	CHECK(tick_until_xfers(sim, mark, 3, 3, 20) < 20);
	dv_sim_out(sim, 0x08, 0x04);
	dv_sim_run(sim, 20);
	CHECK_EQ(n_xfer(sim, mark, 3), 3);
	CHECK_EQ(sim->st.dma[0].ch[3].cur_count, 6);
	CHECK_EQ(sim->st.bus.hlda, 0);
	dv_sim_destroy(sim);
}

/* facts §1.6, DS p.9: master clear = reset: command, status, request, temporary, flip-flop
 * cleared, all masks set, the chip idle; address, count and mode registers keep their values. */
static void test_master_clear(void)
{
	struct dv_sim *sim = new_sim();
	const struct dv_dma_chip *d1 = &sim->st.dma[0];
	/* Leave a TC bit in the status register. */
	program(sim, 3, M_SINGLE | T_WRITE, 0x2000, 0, 0);
	set_mask(sim, 3, false);
	set_dreq(sim, 3, true);
	dv_sim_run(sim, 10);
	set_dreq(sim, 3, false);
	program(sim, 2, M_SINGLE | T_WRITE, 0x1234, 0x0010, 0x07);
	dv_sim_out(sim, 0x09, 0x04 | 0);            /* a software request, channel 0 */
	dv_sim_out(sim, 0x08, 0x04);                /* disabled, so nothing runs */
	dv_sim_set(sim, DV_SLOT_DMA_TEMP, 0, 0x5A); /* as a memory-to-memory run leaves it */
	dv_sim_out(sim, 0x0E, 0);                   /* all unmasked */
	dv_sim_out(sim, 0x00, 0x99);                /* flip-flop at 1 */
	dv_sim_tick(sim);
	CHECK_EQ(d1->status & 0x0F, 0x08);
	CHECK_EQ(d1->request, 0x01);
	CHECK_EQ(d1->flipflop, 1);
	size_t mark = sim->trace.len;
	dv_sim_out(sim, 0x0D, 0xA5);
	CHECK_EQ(d1->command, 0);
	CHECK_EQ(d1->status, 0);
	CHECK_EQ(d1->request, 0);
	CHECK_EQ(d1->temp, 0);
	CHECK_EQ(d1->flipflop, 0);
	CHECK_EQ(d1->mask, 0x0F);
	CHECK_EQ(n_note(sim, mark, DV_NOTE_MASTER_CLEAR), 1);
	CHECK_EQ(d1->ch[2].cur_addr, 0x1234);
	CHECK_EQ(d1->ch[2].base_count, 0x0010);
	CHECK_EQ(d1->ch[2].mode, M_SINGLE | T_WRITE | 2);
	CHECK_EQ(sim->st.page[2], 0x07);
	CHECK_EQ(sim->st.dma[1].mask, 0x0E); /* the other chip is untouched */
	CHECK_EQ(sim->st.dma[1].ch[0].mode, 0xC0);
	/* Idle: DREQ high on every free channel, nothing moves. */
	for (unsigned ch = 0; ch < 4; ch++)
		if (ch != 1)
			set_dreq(sim, ch, true);
	dv_sim_run(sim, 30);
	CHECK_EQ(n_xfer(sim, mark, -1), 0);
	CHECK_EQ(sim->st.bus.hlda, 0);
	for (unsigned ch = 0; ch < 4; ch++)
		if (ch != 1)
			set_dreq(sim, ch, false);

	/* In the middle of a demand burst: the chip drops the bus and stops. */
	program(sim, 3, M_DEMAND | T_WRITE, 0x2100, 9, 0);
	set_mask(sim, 3, false);
	mark = sim->trace.len;
	set_dreq(sim, 3, true);
	CHECK(tick_until_xfers(sim, mark, 3, 3, 20) < 20);
	dv_sim_out(sim, 0x0D, 0);
	dv_sim_run(sim, 20);
	CHECK_EQ(n_xfer(sim, mark, -1), 3);
	CHECK_EQ(sim->st.bus.hlda, 0);
	CHECK_EQ(dv_sim_get(sim, DV_SLOT_BUS_OWNER, 0), 0);
	set_dreq(sim, 3, false);

	/* In the middle of a block, which otherwise ignores DREQ: it stops too. */
	program(sim, 2, M_BLOCK | T_WRITE, 0x2200, 15, 0);
	set_mask(sim, 2, false);
	mark = sim->trace.len;
	set_dreq(sim, 2, true);
	CHECK(tick_until_xfers(sim, mark, 2, 3, 20) < 20);
	set_dreq(sim, 2, false);
	dv_sim_out(sim, 0x0D, 0);
	dv_sim_run(sim, 30);
	CHECK_EQ(n_xfer(sim, mark, -1), 3);
	CHECK_EQ(sim->st.bus.hlda, 0);

	/* Master clear of DMA2 in the middle of a DMA1 block: the cascade is gone. */
	program(sim, 2, M_BLOCK | T_WRITE, 0x2300, 15, 0);
	set_mask(sim, 2, false);
	mark = sim->trace.len;
	set_dreq(sim, 2, true);
	CHECK(tick_until_xfers(sim, mark, 2, 3, 20) < 20);
	set_dreq(sim, 2, false);
	dv_sim_out(sim, 0xDA, 0);
	dv_sim_run(sim, 30);
	CHECK_EQ(n_xfer(sim, mark, -1), 3);
	CHECK_EQ(sim->st.bus.hlda, 0);
	dv_sim_destroy(sim);
}

/* facts §1.6: 0x0E unmasks all four channels of its chip (other drivers' too). */
static void test_clear_mask(void)
{
	struct dv_sim *sim = new_sim();
	static const unsigned chans[] = { 0, 2, 3 };
	for (size_t i = 0; i < 3; i++)
		program(sim, chans[i], M_SINGLE | T_WRITE, (uint16_t)(0x1000 * (i + 1)), 0, 0);
	CHECK_EQ(sim->st.dma[0].mask, 0x0F);
	dv_sim_out(sim, 0x0E, 0x5A);
	CHECK_EQ(sim->st.dma[0].mask, 0x00);
	CHECK_EQ(sim->st.dma[1].mask, 0x0E);
	size_t mark = sim->trace.len;
	for (size_t i = 0; i < 3; i++)
		set_dreq(sim, chans[i], true);
	dv_sim_run(sim, 40);
	for (size_t i = 0; i < 3; i++)
		CHECK_EQ(n_xfer(sim, mark, (int)chans[i]), 1);
	/* DMA2's at 0xDC. */
	dv_sim_out(sim, 0xDE, 0x0F);
	CHECK_EQ(sim->st.dma[1].mask, 0x0F);
	dv_sim_out(sim, 0xDC, 0x00);
	CHECK_EQ(sim->st.dma[1].mask, 0x00);
	dv_sim_destroy(sim);
}

/* facts §1.6: 0x0F writes all four mask bits (bits 3-0; the upper nibble is ignored). */
static void test_write_all_mask(void)
{
	struct dv_sim *sim = new_sim();
	static const unsigned chans[] = { 0, 2, 3 };
	for (size_t i = 0; i < 3; i++)
		program(sim, chans[i], M_SINGLE | T_WRITE, (uint16_t)(0x1000 * (i + 1)), 0, 0);
	dv_sim_out(sim, 0x0F, 0xFA); /* channels 1 and 3 masked, 0 and 2 enabled */
	CHECK_EQ(sim->st.dma[0].mask, 0x0A);
	CHECK_EQ(dv_sim_in(sim, 0x0F), 0xFA);
	size_t mark = sim->trace.len;
	for (size_t i = 0; i < 3; i++)
		set_dreq(sim, chans[i], true);
	dv_sim_run(sim, 40);
	CHECK_EQ(n_xfer(sim, mark, 0), 1);
	CHECK_EQ(n_xfer(sim, mark, 2), 1);
	CHECK_EQ(n_xfer(sim, mark, 3), 0);
	dv_sim_out(sim, 0x0F, 0x05);
	CHECK_EQ(sim->st.dma[0].mask, 0x05);
	dv_sim_run(sim, 20);
	CHECK_EQ(n_xfer(sim, mark, 3), 1);
	/* The single-mask register touches one bit only. */
	dv_sim_out(sim, 0x0A, 0x04 | 1);
	CHECK_EQ(sim->st.dma[0].mask, 0x0F);
	dv_sim_out(sim, 0x0A, 0x00 | 2);
	CHECK_EQ(sim->st.dma[0].mask, 0x0B);
	dv_sim_destroy(sim);
}

/* ---- the cascade and priority ------------------------------------------------------------ */

/* facts §1.1: channels 0-3 reach the CPU through DMA2's channel 4. Masking it (0xD4 = 0x04)
 * silently stops them; channels 5-7 go on. */
static void test_cascade_mask_ch4(void)
{
	struct dv_sim *sim = new_sim();
	program(sim, 2, M_SINGLE | T_WRITE, 0x1000, 1, 0);
	program(sim, 5, M_SINGLE | T_WRITE, 0x1000, 1, 0);
	set_mask(sim, 2, false);
	set_mask(sim, 5, false);
	dv_sim_out(sim, 0xD4, 0x04);
	CHECK_EQ(sim->st.dma[1].mask, 0x0D);
	size_t mark = sim->trace.len;
	set_dreq(sim, 2, true);
	set_dreq(sim, 5, true);
	dv_sim_run(sim, 40);
	CHECK_EQ(n_xfer(sim, mark, 2), 0);
	CHECK_EQ(n_xfer(sim, mark, 5), 2);
	CHECK_EQ(sim->st.dma[0].hrq, 1); /* DMA1 asks, nobody listens */
	CHECK(n_note(sim, mark, DV_NOTE_CASCADE_BLOCKED) >= 1);
	CHECK_EQ(sim->st.dma[0].ch[2].cur_count, 1);
	/* Unmask channel 4: channel 2 runs. */
	dv_sim_out(sim, 0xD4, 0x00);
	dv_sim_run(sim, 20);
	CHECK_EQ(n_xfer(sim, mark, 2), 2);

	/* Channel 4 out of cascade mode blocks them too. */
	program(sim, 3, M_SINGLE | T_WRITE, 0x1100, 0, 0);
	dv_sim_out(sim, 0xD6, M_SINGLE | T_VERIFY | 0);
	set_mask(sim, 3, false);
	mark = sim->trace.len;
	set_dreq(sim, 3, true);
	dv_sim_run(sim, 20);
	CHECK_EQ(n_xfer(sim, mark, -1), 0);
	CHECK(n_note(sim, mark, DV_NOTE_CASCADE_BLOCKED) >= 1);
	dv_sim_out(sim, 0xD6, M_CASCADE | 0);
	dv_sim_run(sim, 20);
	CHECK_EQ(n_xfer(sim, mark, 3), 1);
	dv_sim_destroy(sim);
}

/* DMA1's HRQ is DMA2's DREQ4, a wire (facts §1.1): DMA2's request bit 4 follows it at every
 * tick's end, rising with a request and falling with the release in the same cycle. */
static void test_cascade_request_follows_hrq(void)
{
	struct dv_sim *sim = new_sim();
	program(sim, 2, M_SINGLE | T_WRITE, 0x1000, 3, 0);
	set_mask(sim, 2, false);
	size_t mark = sim->trace.len;
	set_dreq(sim, 2, true); /* held high: request, grant, release, again, up to TC */
	unsigned rose = 0, fell = 0, differ = 0;
	bool was = false;
	for (unsigned t = 0; t < 30; t++) {
		dv_sim_run(sim, 1);
		bool hrq = sim->st.dma[0].hrq, bit = (sim->st.dma[1].status >> 4) & 1u;
		differ += hrq != bit;
		rose += hrq && !was;
		fell += !hrq && was;
		was = hrq;
	}
	CHECK_EQ(n_xfer(sim, mark, 2), 4);
	CHECK_EQ(differ, 0);
	CHECK_EQ(rose, 4);
	CHECK_EQ(fell, 4);
	dv_sim_destroy(sim);
}

/* facts §1.1, §1.6: a master clear of DMA2 sets its masks, channel 4's included: channels
 * 0-3 stop until channel 4 is unmasked again. */
static void test_cascade_master_clear_dma2(void)
{
	struct dv_sim *sim = new_sim();
	program(sim, 2, M_SINGLE | T_WRITE, 0x1000, 1, 0);
	program(sim, 5, M_SINGLE | T_WRITE, 0x1000, 1, 0);
	set_mask(sim, 2, false);
	dv_sim_out(sim, 0xDA, 0x00);
	CHECK_EQ(sim->st.dma[1].mask, 0x0F);
	CHECK_EQ(sim->st.dma[1].ch[0].mode, 0xC0); /* modes survive a master clear */
	CHECK_EQ(sim->st.dma[0].mask, 0x0B);       /* DMA1 untouched */
	set_mask(sim, 5, false);
	size_t mark = sim->trace.len;
	set_dreq(sim, 2, true);
	set_dreq(sim, 5, true);
	dv_sim_run(sim, 40);
	CHECK_EQ(n_xfer(sim, mark, 2), 0);
	CHECK_EQ(n_xfer(sim, mark, 5), 2);
	CHECK(n_note(sim, mark, DV_NOTE_CASCADE_BLOCKED) >= 1);
	dv_sim_out(sim, 0xD4, 0x00);
	dv_sim_run(sim, 20);
	CHECK_EQ(n_xfer(sim, mark, 2), 2);
	dv_sim_destroy(sim);
}

/* facts §1.1: fixed priority: the lowest channel of a chip first, and channels 0-3 (through
 * channel 4) before 5-7. */
static void test_priority(void)
{
	struct dv_sim *sim = new_sim();
	static const unsigned order[] = { 0, 2, 3, 5, 6, 7 };
	/* Raised in reverse so that the order cannot come from the raising. */
	for (size_t i = 0; i < 6; i++) {
		unsigned ch = order[i];
		program(sim, ch, M_SINGLE | T_VERIFY, 0, 2, 0);
		set_mask(sim, ch, false);
	}
	size_t mark = sim->trace.len;
	for (size_t i = 6; i-- > 0;)
		set_dreq(sim, order[i], true);
	dv_sim_run(sim, 200);
	CHECK_EQ(n_xfer(sim, mark, -1), 18);
	for (size_t k = 0; k < 18; k++) {
		const struct dv_event *e = nth_xfer(sim, mark, -1, k);
		CHECK(e && e->chan == order[k / 3]);
	}
	dv_sim_destroy(sim);
}

/* facts §1.5: mode bit 5 decrements the address. */
static void test_decrement(void)
{
	struct dv_sim *sim = new_sim();
	poke(sim, 0x12011, 0x11);
	poke(sim, 0x1200C, 0x22);
	program(sim, 3, M_SINGLE | T_WRITE | M_DEC, 0x2010, 3, 0x01);
	set_mask(sim, 3, false);
	size_t mark = sim->trace.len;
	set_dreq(sim, 3, true);
	dv_sim_run(sim, 30);
	CHECK_EQ(n_xfer(sim, mark, 3), 4);
	for (size_t k = 0; k < 4; k++) {
		const struct dv_event *e = nth_xfer(sim, mark, 3, k);
		CHECK(e && e->index == 0x12010 - k);
	}
	CHECK(mem_all(sim, 0x1200D, 4, 0xFF));
	CHECK_EQ(mem(sim, 0x12011), 0x11);
	CHECK_EQ(mem(sim, 0x1200C), 0x22);
	CHECK_EQ(read16(sim, 0x06), 0x200C);
	/* Decrementing through 0 wraps to 0xFFFF inside the page. */
	program(sim, 2, M_BLOCK | T_WRITE | M_DEC, 0x0001, 2, 0x01);
	set_mask(sim, 2, false);
	mark = sim->trace.len;
	set_dreq(sim, 2, true);
	dv_sim_run(sim, 20);
	const struct dv_event *e2 = nth_xfer(sim, mark, 2, 2);
	CHECK(e2 && e2->index == 0x1FFFF);
	CHECK_EQ(n_note(sim, mark, DV_NOTE_PAGE_WRAP), 1);
	dv_sim_destroy(sim);
}

/* facts §1.6, DS: memory-to-memory on DMA1: channel 0 is the source, channel 1 the
 * destination, a software request on channel 0 starts it, channel 1's TC ends it, the
 * temporary register keeps the last byte (read at 0x0D). */
static void test_mem_to_mem(void)
{
	struct dv_sim *sim = new_sim();
	for (unsigned i = 0; i < 8; i++)
		poke(sim, 0x3000 + i, (uint8_t)(0xA0 + i));
	poke(sim, 0x4008, 0x77);
	/* Channel 0's count is larger: only channel 1's TC may end the block. */
	program(sim, 0, M_BLOCK | T_READ, 0x3000, 0x20, 0);
	program(sim, 1, M_BLOCK | T_WRITE, 0x4000, 7, 0);
	dv_sim_out(sim, 0x08, DV_DMA_CMD_MEM2MEM);
	size_t mark = sim->trace.len;
	dv_sim_out(sim, 0x09, 0x04 | 0);
	dv_sim_run(sim, 40);
	for (unsigned i = 0; i < 8; i++)
		CHECK_EQ(mem(sim, 0x4000 + i), 0xA0 + i);
	CHECK_EQ(mem(sim, 0x4008), 0x77);
	CHECK_EQ(n_note(sim, mark, DV_NOTE_MEM2MEM), 1);
	size_t m2m = 0;
	for (size_t i = mark; i < sim->trace.len; i++) {
		const struct dv_event *e = dv_trace_at(&sim->trace, i);
		if (e->kind == DV_EV_XFER) {
			CHECK_EQ(e->old_value & 0xFF, DV_XFER_MEM_TO_MEM);
			m2m++;
		}
	}
	CHECK_EQ(m2m, 8);
	CHECK_EQ(sim->st.dma[0].temp, 0xA7);
	CHECK_EQ(dv_sim_in(sim, 0x0D), 0xA7);
	CHECK_EQ(sim->st.dma[0].request, 0);
	CHECK_EQ(sim->st.dma[0].mem2mem, 0);
	CHECK_EQ(dv_sim_in(sim, 0x08) & 0x02, 0x02); /* channel 1's TC */
	CHECK_EQ(read16(sim, 0x02), 0x4008);
	CHECK_EQ(read16(sim, 0x03), 0xFFFF);
	CHECK_EQ(read16(sim, 0x00), 0x3008);
	CHECK_EQ(read16(sim, 0x01), 0x0018);
	CHECK_EQ(sim->st.bus.hlda, 0);
	dv_sim_run(sim, 10);
	CHECK_EQ(n_xfer(sim, mark, -1), 8);

	/* Command bit 1: channel 0 holds its address, so one byte fills the block. */
	program(sim, 0, M_BLOCK | T_READ, 0x3005, 3, 0);
	program(sim, 1, M_BLOCK | T_WRITE, 0x5000, 3, 0);
	dv_sim_out(sim, 0x08, DV_DMA_CMD_MEM2MEM | DV_DMA_CMD_ADDR_HOLD);
	dv_sim_out(sim, 0x09, 0x04 | 0);
	dv_sim_run(sim, 20);
	CHECK(mem_all(sim, 0x5000, 4, 0xA5));
	CHECK_EQ(read16(sim, 0x00), 0x3005);
	dv_sim_destroy(sim);
}

/* facts §1.5: transfer type 11 is illegal: a note, and no data moves. */
static void test_illegal_mode(void)
{
	struct dv_sim *sim = new_sim();
	poke(sim, 0x2000, 0x12);
	size_t mark = sim->trace.len;
	program(sim, 2, M_SINGLE | T_ILLEGAL, 0x2000, 1, 0);
	CHECK_EQ(n_note(sim, mark, DV_NOTE_ILLEGAL_MODE), 1);
	set_mask(sim, 2, false);
	set_dreq(sim, 2, true);
	dv_sim_run(sim, 30);
	CHECK_EQ(mem(sim, 0x2000), 0x12);
	CHECK_EQ(mem(sim, 0x2001), 0x00);
	CHECK_EQ(n_strobe(sim, mark, DV_SLOT_BUS_MEMW, 1), 0);
	CHECK_EQ(n_strobe(sim, mark, DV_SLOT_BUS_MEMR, 1), 0);
	CHECK_EQ(n_strobe(sim, mark, DV_SLOT_BUS_IOR, 1), 0);
	CHECK_EQ(n_strobe(sim, mark, DV_SLOT_BUS_IOW, 1), 0);
	/* Cascade mode ignores the type bits: no note. */
	mark = sim->trace.len;
	dv_sim_out(sim, 0xD6, M_CASCADE | T_ILLEGAL | 0);
	CHECK_EQ(n_note(sim, mark, DV_NOTE_ILLEGAL_MODE), 0);
	dv_sim_destroy(sim);
}

/* facts §1.2: reads of write-only registers float to 0xFF, with a note, and have no side
 * effect (reading 0x0C does not clear the flip-flop, reading 0x0E does not unmask). */
static void test_write_only_reads(void)
{
	struct dv_sim *sim = new_sim();
	static const uint16_t wo[] = { 0x09, 0x0A, 0x0B, 0x0C, 0x0E, 0xD2, 0xD4, 0xD6, 0xD8, 0xDC };
	dv_sim_out(sim, 0x00, 0x12);
	dv_sim_out(sim, 0xC0, 0x12);
	dv_sim_out(sim, 0x0B, M_SINGLE | T_READ | 2);
	for (size_t i = 0; i < sizeof wo / sizeof wo[0]; i++) {
		struct dv_dma_chip before[2];
		memcpy(before, sim->st.dma, sizeof before);
		size_t mark = sim->trace.len;
		CHECK_EQ(dv_sim_in(sim, wo[i]), 0xFF);
		CHECK_EQ(n_note(sim, mark, DV_NOTE_READ_WRITE_ONLY), 1);
		size_t j = mark;
		while (j < sim->trace.len && dv_trace_at(&sim->trace, j)->kind != DV_EV_NOTE)
			j++;
		CHECK(j < sim->trace.len && dv_trace_at(&sim->trace, j)->index == wo[i]);
		CHECK(memcmp(before, sim->st.dma, sizeof before) == 0);
	}
	CHECK_EQ(sim->st.dma[0].flipflop, 1);
	CHECK_EQ(sim->st.dma[1].flipflop, 1);
	CHECK_EQ(sim->st.dma[0].mask, 0x0F);
	/* 0x0D reads the temporary register: no master clear. */
	size_t mark = sim->trace.len;
	dv_sim_in(sim, 0x0D);
	dv_sim_in(sim, 0xDA);
	CHECK_EQ(n_note(sim, mark, DV_NOTE_MASTER_CLEAR), 0);
	CHECK_EQ(sim->st.dma[0].flipflop, 1);
	CHECK_EQ(sim->st.dma[1].mask, 0x0E);
	dv_sim_destroy(sim);
}

/* facts §1.2: DMA2 decodes even ports only; ports nobody claims read 0xFF with a note. */
static void test_undecoded_ports(void)
{
	struct dv_sim *sim = new_sim();
	uint64_t h = dv_sim_state_hash(sim);
	/* Odd DMA2 ports: 0xDB would be master clear, 0xDD clear-mask, 0xD9 clear-ff ... */
	for (uint16_t p = 0xC1; p <= 0xDF; p += 2) {
		size_t mark = sim->trace.len;
		dv_sim_out(sim, p, 0x00);
		dv_sim_out(sim, p, 0xFF);
		CHECK_EQ(dv_sim_in(sim, p), 0xFF);
		CHECK_EQ(n_note(sim, mark, DV_NOTE_UNCLAIMED_PORT), 3);
	}
	static const uint16_t others[] = { 0x10, 0x1F, 0x40, 0x90, 0xBF, 0xE0, 0xFF };
	for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
		size_t mark = sim->trace.len;
		dv_sim_out(sim, others[i], 0x0D);
		CHECK_EQ(dv_sim_in(sim, others[i]), 0xFF);
		CHECK_EQ(n_note(sim, mark, DV_NOTE_UNCLAIMED_PORT), 2);
	}
	CHECK_EQ(dv_sim_state_hash(sim), h);
	unsigned chip = 9, reg = 99;
	CHECK(!dv_dma_decode(0xC1, &chip, &reg));
	CHECK(!dv_dma_decode(0x10, &chip, &reg));
	CHECK(!dv_dma_decode(0xE0, &chip, &reg));
	CHECK(dv_dma_decode(0xDE, &chip, &reg) && chip == 1 && reg == 0xF);
	CHECK(dv_dma_decode(0x0F, &chip, &reg) && chip == 0 && reg == 0xF);
	CHECK(dv_dma_decode(0xC0, &chip, &reg) && chip == 1 && reg == 0);
	dv_sim_destroy(sim);
}

/* ---- robustness -------------------------------------------------------------------------- */

static void check_invariants(const struct dv_sim *sim)
{
	const struct dv_state *st = &sim->st;
	for (unsigned chip = 0; chip < 2; chip++) {
		CHECK(st->dma[chip].flipflop <= 1);
		CHECK(st->dma[chip].mask <= 0x0F);
		CHECK(st->dma[chip].request <= 0x0F);
		CHECK(st->dma[chip].hrq <= 1);
		CHECK(st->dma[chip].active <= 8);
		CHECK(st->dma[chip].mem2mem <= 1);
	}
	CHECK(st->bus.hlda <= 1);
	CHECK(dv_sim_get(sim, DV_SLOT_BUS_OWNER, 0) == st->bus.hlda);
	CHECK(!sim->trace.failed);
}

/* Every byte to every port 0x00-0xFF, with DREQs toggling and a tick after each write: the
 * core must neither abort nor leave its registers out of range. */
static void test_all_ports_all_bytes(void)
{
	for (unsigned port = 0; port <= 0xFF; port++) {
		struct dv_sim *sim = new_sim();
		/* Give the write something to act on: programmed, unmasked channels. */
		static const unsigned chans[] = { 0, 2, 3, 5, 6, 7 };
		for (size_t i = 0; i < 6; i++)
			program(sim, chans[i], M_DEMAND | T_WRITE | M_AUTO, 0xFFF0, 0x40, 0xFF);
		dv_sim_out(sim, 0x0E, 0);
		dv_sim_out(sim, 0xDC, 0);
		for (unsigned v = 0; v <= 0xFF; v++) {
			dv_sim_out(sim, (uint16_t)port, (uint8_t)v);
			dv_sim_set(sim, DV_SLOT_BUS_DREQ, 0,
			           (sim->st.bus.dreq & 0x02) | (v & 0xED));
			dv_sim_tick(sim);
			dv_sim_in(sim, (uint16_t)port);
			dv_sim_tick(sim);
		}
		dv_sim_run(sim, 64);
		check_invariants(sim);
		dv_sim_destroy(sim);
	}
}

/* Random port traffic over the DMA ports (and everything else in 0x00-0xFF) with ticks; two
 * runs of the same script must end in the same state. */
static uint64_t random_run(uint32_t seed, unsigned steps)
{
	struct dv_sim *sim = new_sim();
	static const uint8_t hot[] = { 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
		                       0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0x81, 0x82,
		                       0x83, 0x87, 0x89, 0x8A, 0x8B, 0x8F, 0xC0, 0xC4, 0xC6,
		                       0xD0, 0xD2, 0xD4, 0xD6, 0xD8, 0xDA, 0xDC, 0xDE };
	uint32_t x = seed;
	for (unsigned i = 0; i < steps; i++) {
		x = x * 1664525u + 1013904223u;
		uint32_t r = x >> 8;
		uint16_t port = (r & 3) ? hot[(r >> 2) % sizeof hot] : (uint16_t)((r >> 2) & 0xFF);
		uint8_t v = (uint8_t)(r >> 10);
		if (r & 0x800000)
			dv_sim_in(sim, port);
		else
			dv_sim_out(sim, port, v);
		if ((r & 0x70) == 0)
			dv_sim_set(sim, DV_SLOT_BUS_DREQ, 0,
			           (sim->st.bus.dreq & 0x02) | (v & 0xED));
		dv_sim_run(sim, 1 + (r >> 20) % 4);
		if (i % 1024 == 0)
			check_invariants(sim);
	}
	check_invariants(sim);
	uint64_t h = dv_sim_state_hash(sim) ^ dv_trace_hash(&sim->trace, sim->trace.len);
	dv_sim_destroy(sim);
	return h;
}

static void test_random_port_traffic(void)
{
	uint64_t a = random_run(0x8237, 30000);
	uint64_t b = random_run(0x8237, 30000);
	CHECK_EQ(a, b);
	CHECK(random_run(0x1234, 30000) != a);
}

/* ---- the steady state (dma8237.c: a period repeated) --------------------------------------
 *
 * Two machines run the same script, one arbitrating every tick, one repeating a learned
 * period where it may; their recordings (every event, where the keyframes fall) and their
 * states must be the same. The script programs single-mode channels of every type and
 * direction, some near a wrap, a terminal count or the end of memory, with autoinit, some in
 * demand or block mode, raises and drops DREQ lines, masks, writes memory under the transfer,
 * has the peer send frames to the card on channel 1 (the wire runs meanwhile), and runs
 * bursts of ticks; keyframes fall every 37 state events; memory ends inside page 0x1F. */
struct script_rng {
	uint32_t x;
};

static uint32_t script_next(struct script_rng *r)
{
	r->x = r->x * 1664525u + 1013904223u;
	return r->x >> 8;
}

static void script_step(struct dv_sim *sim, struct script_rng *r)
{
	static const unsigned chans[] = { 0, 1, 2, 3, 5, 6, 7 };
	static const unsigned types[] = { T_VERIFY, T_WRITE, T_READ };
	uint32_t v = script_next(r);
	unsigned ch = chans[v % 7];
	switch ((v >> 3) % 8) {
	case 0:
	case 1: {
		uint32_t w = script_next(r);
		unsigned sel = (w & 7) == 0 ? M_DEMAND : (w & 7) == 1 ? M_BLOCK : M_SINGLE;
		unsigned mode = sel | types[(w >> 3) % 3] | (((w >> 5) & 1) ? M_DEC : 0) |
		                (((w >> 6) & 3) == 0 ? M_AUTO : 0);
		/* near the wrap, near the end of memory in page 0x1F, anywhere */
		uint16_t near = (w >> 8) & 1 ? 0xFFF0 : 0x7FE0;
		uint16_t addr = (w >> 7) & 3 ? (uint16_t)(near + (w >> 9) % 32) :
		                               (uint16_t)(w >> 9);
		uint16_t count = (uint16_t)((w >> 14) & 1 ? (w >> 15) % 40 : (w >> 15) % 3000);
		/* the machine has 2 MiB less 32 KiB: page 0x1F ends in the middle, 0x20 is beyond it */
		uint8_t page = (w >> 20) & 1 ? (uint8_t)(0x1F + (w >> 21) % 2) :
		                               (uint8_t)((w >> 21) % 3);
		program(sim, ch, mode, addr, count, page);
		set_mask(sim, ch, false);
		break;
	}
	case 2: set_dreq(sim, ch, true); break;
	case 3: set_dreq(sim, ch, (v >> 6) & 1); break;
	case 4: set_mask(sim, ch, (v >> 6) & 1); break;
	case 5: dv_sim_set(sim, DV_SLOT_MEM, v % 0x30000u, (v >> 8) & 0xFF); break; /* pages 0-2 */
	case 6: (void)dv_sim_in(sim, reg_port(ch, DV_DMA_REG_COMMAND)); break; /* status read */
	default:
		/* The card on channel 1: the peer sends a frame (the wire runs: the card is not
		 * quiet), which the card takes into memory with its receiver and DMA on. */
		if ((v >> 6) & 1)
			dv_sim_out(sim, (uint16_t)(sim->st.nic.base + DV_NIC_CMD),
			           DV_NIC_CMD_RXEN | DV_NIC_CMD_DMARX);
		(void)dv_peer_send(sim, (uint16_t)(60 + (v >> 7) % 200));
		break;
	}
	dv_sim_run(sim, (v >> 6) & 1 ? (script_next(r) % 600) : (script_next(r) % 6));
}

static void test_repeated_period_records_the_same(void)
{
	for (uint32_t seed = 1; seed <= 12; seed++) {
		struct dv_config cfg;
		dv_config_default(&cfg);
		cfg.keyframe_every = 37;
		cfg.mem_size = 0x1F8000;
		struct dv_sim *sim[2];
		for (int k = 0; k < 2; k++) {
			sim[k] = dv_sim_create(&cfg);
			CHECK(sim[k] != NULL);
			if (!sim[k])
				return;
			sim[k]->streak.off = k == 1;
			struct script_rng r = { seed };
			for (unsigned i = 0; i < 400; i++)
				script_step(sim[k], &r);
		}
		CHECK_EQ(sim[0]->trace.len, sim[1]->trace.len);
		CHECK_EQ(dv_trace_hash(&sim[0]->trace, sim[0]->trace.len),
		         dv_trace_hash(&sim[1]->trace, sim[1]->trace.len));
		CHECK_EQ(dv_sim_state_hash(sim[0]), dv_sim_state_hash(sim[1]));
		CHECK_EQ(sim[0]->nkf, sim[1]->nkf);
		for (size_t i = 0; i < sim[0]->nkf && i < sim[1]->nkf; i++)
			CHECK_EQ(sim[0]->kf[i].event, sim[1]->kf[i].event);
		/* the records counted as the events were put in place (dv_trace_put) and pushed:
		 * at the end, where each block begins, and here and there between */
		const struct dv_trace *t0 = &sim[0]->trace, *t1 = &sim[1]->trace;
		CHECK(t0->len > 3 * DV_TRACE_BLOCK); /* blocks sealed among repeated periods */
		CHECK_EQ(dv_trace_records(t0, t0->len), dv_trace_records(t1, t1->len));
		for (size_t at = 0; at < t0->len && at < t1->len; at += 97)
			CHECK_EQ(dv_trace_records(t0, at), dv_trace_records(t1, at));
		for (size_t b = 1; b * DV_TRACE_BLOCK < t0->len; b++)
			CHECK_EQ(dv_trace_records(t0, b * DV_TRACE_BLOCK),
			         dv_trace_records(t1, b * DV_TRACE_BLOCK));
		/* the period was repeated, and only where allowed */
		CHECK(sim[0]->streak.repeated > 1000);
		CHECK_EQ(sim[1]->streak.repeated, 0);
		check_invariants(sim[0]);
		dv_sim_destroy(sim[0]);
		dv_sim_destroy(sim[1]);
	}
}

/* A 64 KiB transfer repeats its period from its second transfer to the last before terminal
 * count, and ends as the 8237A ends it: TC, the channel masked. */
static void test_repeated_period_ends_at_tc(void)
{
	struct dv_sim *sim = new_sim();
	program(sim, 2, M_SINGLE | T_WRITE, 0, 0xFFFF, 2);
	set_mask(sim, 2, false);
	set_dreq(sim, 2, true);
	unsigned ticks = 0;
	while (!(sim->st.dma[0].status & 0x04) && ticks < 300000) {
		dv_sim_tick(sim);
		ticks++;
	}
	CHECK_EQ(ticks, 2u * 65536u);
	CHECK_EQ(n_xfer(sim, 0, 2), 65536);
	/* every tick but the first two periods' (the first raises DMA1's request bit, so it
	 * ends on another word than it began) and the last transfer's */
	CHECK_EQ(sim->streak.repeated, 2u * 65536u - 5u);
	CHECK(dv_dma_masked(&sim->st, 2));
	CHECK_EQ(dv_sim_get(sim, DV_SLOT_MEM, 0x2FFFF), 0xFF);
	dv_sim_destroy(sim);
}

CHECK_MAIN(CHECK_CASE(test_reset_state), CHECK_CASE(test_count_is_n_minus_1),
           CHECK_CASE(test_count_ffff_is_65536), CHECK_CASE(test_flipflop),
           CHECK_CASE(test_flipflop_byte_swap), CHECK_CASE(test_status_register),
           CHECK_CASE(test_page_port_map), CHECK_CASE(test_wrong_page_port),
           CHECK_CASE(test_64k_wrap), CHECK_CASE(test_16bit_channel), CHECK_CASE(test_128k_wrap),
           CHECK_CASE(test_masked_channel), CHECK_CASE(test_tc_automask), CHECK_CASE(test_autoinit),
           CHECK_CASE(test_single_mode), CHECK_CASE(test_demand_mode), CHECK_CASE(test_block_mode),
           CHECK_CASE(test_verify_mode), CHECK_CASE(test_transfer_steps_its_channel),
           CHECK_CASE(test_strobes_of_a_transfer), CHECK_CASE(test_software_request),
           CHECK_CASE(test_controller_disable), CHECK_CASE(test_master_clear),
           CHECK_CASE(test_clear_mask), CHECK_CASE(test_write_all_mask),
           CHECK_CASE(test_cascade_mask_ch4), CHECK_CASE(test_cascade_request_follows_hrq),
           CHECK_CASE(test_cascade_master_clear_dma2), CHECK_CASE(test_priority),
           CHECK_CASE(test_decrement), CHECK_CASE(test_mem_to_mem), CHECK_CASE(test_illegal_mode),
           CHECK_CASE(test_write_only_reads), CHECK_CASE(test_undecoded_ports),
           CHECK_CASE(test_all_ports_all_bytes), CHECK_CASE(test_random_port_traffic),
           CHECK_CASE(test_repeated_period_records_the_same),
           CHECK_CASE(test_repeated_period_ends_at_tc))

/* dmaviz: the Intel 8237A pair of the PC/AT, its page registers and the bus handshake.
 *
 * Facts cited as [DS] are from the Intel 8237A datasheet; "facts §n" is
 * shared/reference/hardware-and-ndis-facts.md.
 */
#include "bus.h"
#include "dma8237.h"
#include "sim.h"

bool dv_dma_decode(uint16_t port, unsigned *chip, unsigned *reg)
{
	/* The inverse of DV_DMA_PORT, so that the map is written down once. */
	for (unsigned c = 0; c < 2; c++) {
		unsigned first = DV_DMA_PORT(c, 0), stride = DV_DMA_PORT(c, 1) - first;
		if (port >= first && port <= DV_DMA_PORT(c, 15) && (port - first) % stride == 0) {
			*chip = c;
			*reg = (port - first) / stride;
			return true;
		}
	}
	return false;
}

uint32_t dv_dma_phys(const struct dv_state *st, unsigned channel)
{
	const struct dv_dma_channel *c = &st->dma[channel / 4].ch[channel % 4];
	if (channel < 4)
		return (uint32_t)st->page[channel] << 16 | c->cur_addr;
	/* 16-bit channels: the address register holds a word address (A1-A16); page bit 0 is
	 * ignored because A16 comes from the address register (facts §1.8). */
	return (uint32_t)(st->page[channel] & 0xFE) << 16 | (uint32_t)c->cur_addr << 1;
}

bool dv_dma_masked(const struct dv_state *st, unsigned channel)
{
	return (st->dma[channel / 4].mask >> (channel % 4)) & 1;
}

static unsigned idx(unsigned chip, unsigned c)
{
	return chip * 4 + c;
}

void dv_dma_reset(struct dv_sim *sim)
{
	struct dv_state *st = &sim->st;
	for (unsigned chip = 0; chip < 2; chip++)
		st->dma[chip].mask = 0x0F; /* 8237A reset: every channel masked */
	/* What a PC BIOS leaves behind: channel 4 in cascade mode and unmasked, so that DMA1's
	 * requests reach the CPU through DMA2 (facts §1.1). */
	st->dma[1].ch[0].mode = 0xC0;
	st->dma[1].mask = 0x0E;
}

void dv_dma_master_clear(struct dv_sim *sim, unsigned chip)
{
	/* [DS] "Master Clear ... has the same effect as the hardware Reset. The Command, Status,
	 * Request, Temporary, and Internal First/Last Flip-Flop registers are cleared and the
	 * Mask register is set." Address, count and mode registers keep their contents. */
	dv_sim_set(sim, DV_SLOT_DMA_COMMAND, chip, 0);
	dv_sim_set(sim, DV_SLOT_DMA_STATUS, chip, 0);
	dv_sim_set(sim, DV_SLOT_DMA_REQUEST, chip, 0);
	dv_sim_set(sim, DV_SLOT_DMA_TEMP, chip, 0);
	dv_sim_set(sim, DV_SLOT_DMA_FLIPFLOP, chip, 0);
	dv_sim_set(sim, DV_SLOT_DMA_MASK, chip, 0x0F);
	dv_sim_set(sim, DV_SLOT_DMA_M2M, chip, 0);
	dv_sim_set(sim, DV_SLOT_DMA_ACTIVE, chip, 0);
	dv_sim_set(sim, DV_SLOT_DMA_HRQ, chip, 0);
	dv_sim_note(sim, DV_NOTE_MASTER_CLEAR, chip, 0, DV_NO_CHANNEL);
}

/* Address and count ports: one byte per access, chosen and then toggled by the chip's single
 * flip-flop, shared by all eight registers (facts §1.4). A write loads base and current. */
static void write_word_reg(struct dv_sim *sim, unsigned chip, unsigned reg, uint8_t value)
{
	const struct dv_dma_chip *d = &sim->st.dma[chip];
	unsigned c = reg >> 1;
	bool count = reg & 1;
	bool high = d->flipflop;
	const struct dv_dma_channel *ch = &d->ch[c];
	uint16_t base = count ? ch->base_count : ch->base_addr;
	uint16_t cur = count ? ch->cur_count : ch->cur_addr;
	if (high) {
		base = (uint16_t)((base & 0x00FF) | value << 8);
		cur = (uint16_t)((cur & 0x00FF) | value << 8);
	} else {
		base = (uint16_t)((base & 0xFF00) | value);
		cur = (uint16_t)((cur & 0xFF00) | value);
	}
	dv_sim_set(sim, count ? DV_SLOT_DMA_BASE_COUNT : DV_SLOT_DMA_BASE_ADDR, idx(chip, c), base);
	dv_sim_set(sim, count ? DV_SLOT_DMA_COUNT : DV_SLOT_DMA_ADDR, idx(chip, c), cur);
	dv_sim_set(sim, DV_SLOT_DMA_FLIPFLOP, chip, !high);
}

static uint8_t read_word_reg(struct dv_sim *sim, unsigned chip, unsigned reg)
{
	const struct dv_dma_chip *d = &sim->st.dma[chip];
	unsigned c = reg >> 1;
	bool high = d->flipflop;
	/* Reads return the current registers; the base registers cannot be read. */
	uint16_t v = (reg & 1) ? d->ch[c].cur_count : d->ch[c].cur_addr;
	dv_sim_set(sim, DV_SLOT_DMA_FLIPFLOP, chip, !high);
	return high ? (uint8_t)(v >> 8) : (uint8_t)v;
}

void dv_dma_write(struct dv_sim *sim, unsigned chip, unsigned reg, uint8_t value)
{
	const struct dv_dma_chip *d = &sim->st.dma[chip];
	unsigned c = value & 3;
	switch (reg) {
	case 0x0:
	case 0x1:
	case 0x2:
	case 0x3:
	case 0x4:
	case 0x5:
	case 0x6:
	case 0x7: write_word_reg(sim, chip, reg, value); break;
	case DV_DMA_REG_COMMAND:
		/* PCs write 0. The model acts on memory-to-memory (bit 0), channel 0 address hold
		 * (bit 1) and controller disable (bit 2); the timing and polarity bits (3, 5-7)
		 * are stored but change nothing a program can see, and rotating priority (bit 4)
		 * is stored while fixed priority stays in force. */
		dv_sim_set(sim, DV_SLOT_DMA_COMMAND, chip, value);
		break;
	case DV_DMA_REG_REQUEST: {
		uint32_t r = d->request;
		dv_sim_set(sim, DV_SLOT_DMA_REQUEST, chip,
		           (value & 4) ? (r | 1u << c) : (r & ~(1u << c)));
		break;
	}
	case DV_DMA_REG_SINGLE_MASK: {
		uint32_t m = d->mask;
		dv_sim_set(sim, DV_SLOT_DMA_MASK, chip,
		           (value & 4) ? (m | 1u << c) : (m & ~(1u << c)));
		break;
	}
	case DV_DMA_REG_MODE:
		dv_sim_set(sim, DV_SLOT_DMA_MODE, idx(chip, c), value);
		if (dv_dma_mode_sel(value) != DV_DMA_CASCADE &&
		    dv_dma_mode_type(value) == DV_DMA_ILLEGAL)
			dv_sim_note(sim, DV_NOTE_ILLEGAL_MODE, value, value, (uint8_t)idx(chip, c));
		break;
	case DV_DMA_REG_CLEAR_FF:
		dv_sim_set(sim, DV_SLOT_DMA_FLIPFLOP, chip, 0); /* any value clears it */
		break;
	case DV_DMA_REG_MASTER_CLEAR: dv_dma_master_clear(sim, chip); break;
	case DV_DMA_REG_CLEAR_MASK:
		/* Global: it unmasks every channel of the chip, other drivers' included. */
		dv_sim_set(sim, DV_SLOT_DMA_MASK, chip, 0);
		break;
	case DV_DMA_REG_WRITE_MASK: dv_sim_set(sim, DV_SLOT_DMA_MASK, chip, value & 0x0F); break;
	default: break;
	}
}

uint8_t dv_dma_read(struct dv_sim *sim, unsigned chip, unsigned reg)
{
	const struct dv_dma_chip *d = &sim->st.dma[chip];
	switch (reg) {
	case 0x0:
	case 0x1:
	case 0x2:
	case 0x3:
	case 0x4:
	case 0x5:
	case 0x6:
	case 0x7: return read_word_reg(sim, chip, reg);
	case DV_DMA_REG_COMMAND: {
		/* [DS] status bits 0-3 "are cleared upon Reset and on each Status Read". */
		uint8_t v = d->status;
		dv_sim_set(sim, DV_SLOT_DMA_STATUS, chip, v & 0xF0);
		return v;
	}
	case DV_DMA_REG_MASTER_CLEAR:
		return d->temp; /* reading 0x0D returns the temporary register */
	case DV_DMA_REG_WRITE_MASK:
		/* Undocumented on the 8237A; AT chipsets (and Bochs) return the mask bits with the
		 * upper nibble high. */
		return (uint8_t)(0xF0 | d->mask);
	default:
		/* [DS] lists these reads as illegal: nothing drives the data bus, it floats high. */
		dv_sim_note(sim, DV_NOTE_READ_WRITE_ONLY, DV_DMA_PORT(chip, reg), 0xFF,
		            DV_NO_CHANNEL);
		return 0xFF;
	}
}

const char *dv_dma_type_name(unsigned type)
{
	static const char *const n[4] = { "verify", "write (I/O -> memory)", "read (memory -> I/O)",
		                          "illegal" };
	return n[type & 3];
}

const char *dv_dma_sel_name(unsigned sel)
{
	static const char *const n[4] = { "demand", "single", "block", "cascade" };
	return n[sel & 3];
}

/* ---- arbitration and transfers --------------------------------------------------------- */

/* The DREQ inputs of a chip's four channels, a bit each: DMA2's channel 0 (channel 4) is
 * DMA1's HRQ. */
static unsigned dreq_bits(const struct dv_state *st, unsigned chip)
{
	if (chip == 0)
		return st->bus.dreq & 0x0Fu;
	return ((st->bus.dreq >> 4) & 0x0Eu) | (st->dma[0].hrq ? 1u : 0u);
}

/* Status bits 4-7 follow the channels' requests, hardware or software [DS]. */
static inline void update_request_bits(struct dv_sim *sim, unsigned chip)
{
	const struct dv_dma_chip *d = &sim->st.dma[chip];
	uint32_t req = (dreq_bits(&sim->st, chip) | d->request) & 0x0Fu;
	dv_sim_signal(sim, &sim->st.dma[chip].status, (d->status & 0x0Fu) | req << 4);
}

/* The channels of chip that can ask for the bus now, a bit each (the 8237A asks this several
 * times a tick, so it is worked out for the four at once). */
static unsigned wanting(const struct dv_state *st, unsigned chip)
{
	const struct dv_dma_chip *d = &st->dma[chip];
	if (d->command & DV_DMA_CMD_DISABLE)
		return 0;
	unsigned dreq = dreq_bits(st, chip), asking = (d->request | (dreq & ~d->mask)) & 0x0Fu;
	if (!asking)
		return 0;     /* what follows keeps only channels that ask */
	unsigned cascade = 0; /* of the channels asking (the others cannot want the bus) */
	for (unsigned c = 0; asking >> c; c++)
		if (((asking >> c) & 1u) && dv_dma_mode_sel(d->ch[c].mode) == DV_DMA_CASCADE)
			cascade |= 1u << c;
	/* [DS] software requests are not maskable; they end at TC. A channel in cascade mode
	 * only relays its DREQ input (facts §2.3) and never reaches TC, so a software request
	 * there is ignored. Channel 4 is the AT's cascade and never transfers (facts §1.1; a
	 * DMA2 grant of channel 0 is DMA1's below), so its software request is ignored in any
	 * mode: it would otherwise hold DMA2's HRQ forever, starve channels 5-7, or pass
	 * DMA1's channels through a masked or non-cascade channel 4. */
	unsigned soft = d->request & 0x0Fu & ~cascade & (chip == 1 ? 0x0Eu : 0x0Fu);
	/* A DREQ counts when its channel is unmasked. Channel 4 relays DMA1's request only in
	 * cascade mode; a cascade channel on DMA1 would belong to an ISA bus master, which this
	 * machine does not have. */
	unsigned relays = chip == 1 ? (~cascade & 0x0Eu) | (cascade & 1u) : ~cascade & 0x0Fu;
	return soft | (dreq & ~d->mask & relays);
}

/* Can channel c of chip ask for the bus now? */
static bool wants_bus(const struct dv_state *st, unsigned chip, unsigned c)
{
	return (wanting(st, chip) >> c) & 1u;
}

/* Fixed priority: the lowest channel number wins inside a chip (facts §1.1): of the channels
 * that want the bus (w, a bit each), the winner, or -1. */
static int lowest(unsigned w)
{
	for (unsigned c = 0; c < 4; c++)
		if ((w >> c) & 1u)
			return (int)c;
	return -1;
}

static int winner(const struct dv_state *st, unsigned chip)
{
	return lowest(wanting(st, chip));
}

/* Advances the current address of channel ch by one unit, wrapping inside its page. */
/* The channel's next current address, one on in its mode's direction; *wraps when it wraps.
 * Only the 16-bit counter moves: the page register is a separate latch, so the carry is lost
 * and the transfer goes on at the start of the same 64 KiB (128 KiB) page (facts §1.8; 86Box
 * and DOSBox wrap, QEMU carries linearly, which is wrong). */
static uint16_t next_address(const struct dv_dma_channel *c, bool *wraps)
{
	bool down = c->mode & DV_DMA_MODE_DECREMENT;
	*wraps = c->cur_addr == (down ? 0 : 0xFFFF);
	return (uint16_t)(down ? c->cur_addr - 1 : c->cur_addr + 1);
}

/* Advances the current address of channel ch by one unit (a memory-to-memory transfer: a
 * transfer's event steps its own channel, DV_XFER_STEPS). */
static void step_address(struct dv_sim *sim, unsigned ch)
{
	bool wraps;
	uint16_t next = next_address(&sim->st.dma[ch / 4].ch[ch % 4], &wraps);
	if (wraps)
		dv_sim_note(sim, DV_NOTE_PAGE_WRAP, dv_dma_phys(&sim->st, ch), next, (uint8_t)ch);
	dv_sim_set(sim, DV_SLOT_DMA_ADDR, ch, next);
}

/* Counts one transfer on channel ch; returns true at terminal count. */
static bool step_count(struct dv_sim *sim, unsigned ch)
{
	const struct dv_dma_channel *c = &sim->st.dma[ch / 4].ch[ch % 4];
	/* The count register holds N-1: TC comes when it rolls from 0 to 0xFFFF [DS]. */
	bool tc = c->cur_count == 0;
	dv_sim_set(sim, DV_SLOT_DMA_COUNT, ch, (uint16_t)(c->cur_count - 1));
	return tc;
}

static void terminal_count(struct dv_sim *sim, unsigned ch)
{
	unsigned chip = ch / 4, c = ch % 4;
	const struct dv_dma_chip *d = &sim->st.dma[chip];
	dv_sim_set(sim, DV_SLOT_BUS_TC, 0, 1);
	dv_sim_set(sim, DV_SLOT_DMA_STATUS, chip, d->status | 1u << c);
	dv_sim_set(sim, DV_SLOT_DMA_REQUEST, chip, d->request & ~(1u << c));
	if (d->ch[c].mode & DV_DMA_MODE_AUTOINIT) {
		/* Auto-initialize: base copied back into current; the mask is untouched. */
		dv_sim_set(sim, DV_SLOT_DMA_ADDR, ch, d->ch[c].base_addr);
		dv_sim_set(sim, DV_SLOT_DMA_COUNT, ch, d->ch[c].base_count);
	} else {
		/* Without it the channel masks itself and ignores DREQ until reprogrammed. */
		dv_sim_set(sim, DV_SLOT_DMA_MASK, chip, d->mask | 1u << c);
	}
}

/* The TC pulse ends with its cycle. The strobes are the transfer's (its XFER event implies
 * them, sim.h): they end at the next event of another cause or the next cycle. */
static void end_pulses(struct dv_sim *sim)
{
	if (sim->st.bus.tc) /* (most transfers have none to end) */
		dv_sim_set(sim, DV_SLOT_BUS_TC, 0, 0);
}

/* One transfer (S1-S4) on channel ch. Returns true at terminal count. */
static bool transfer(struct dv_sim *sim, unsigned ch)
{
	const struct dv_dma_channel *c = &sim->st.dma[ch / 4].ch[ch % 4];
	unsigned type = dv_dma_mode_type(c->mode);
	unsigned width = ch >= 4 ? 2 : 1;
	uint32_t phys = dv_dma_phys(&sim->st, ch);
	uint16_t data = 0;
	unsigned dir;
	bool tc = c->cur_count == 0;
	uint32_t cause = dv_sim_cause(sim, DV_SRC_DMA, sim->cause_loc);

	switch (type) {
	case DV_DMA_WRITE: /* Intel names it after memory: I/O -> memory, IOR + MEMW */
		dir = DV_XFER_TO_MEMORY;
		break;
	case DV_DMA_READ: /* memory -> I/O, MEMR + IOW: a send */
		dir = DV_XFER_FROM_MEMORY;
		data = dv_sim_mem_read(sim, phys);
		if (width == 2)
			data |= (uint16_t)(dv_sim_mem_read(sim, phys + 1) << 8);
		break;
	default:
		/* Verify: address and count run, DACK and TC happen, no strobes, no data
		 * (facts §2.4). The illegal type 11 behaves the same way here. */
		dir = DV_XFER_VERIFY;
		break;
	}
	/* The transfer is recorded first: its event implies DACK, AEN and the strobes (sim.h,
	 * dv_bus_strobes), which the card's and the 8237A's events of this cycle follow. It also
	 * books the DMA cycle (dma.cycles: as the transfer starts, so that cpu.cycles never counts
	 * it) and steps the channel's address and count, as the 8237A does at every transfer
	 * (DV_XFER_STEPS, sim.h). A device's byte is known only once the card answered: the
	 * event is patched then. */
	bool wraps;
	uint16_t next = next_address(c, &wraps);
	uint32_t how = dir | width << 8 | DV_XFER_STEPS |
	               ((c->mode & DV_DMA_MODE_DECREMENT) ? DV_XFER_DOWN : 0);
	dv_sim_xfer(sim, (uint16_t)type, phys, how, data, (uint8_t)ch);
	if (wraps)
		dv_sim_note(sim, DV_NOTE_PAGE_WRAP, phys, next, (uint8_t)ch);
	uint16_t got = dv_bus_dack(sim, ch, dir, width, data, tc);
	if (dir == DV_XFER_TO_MEMORY)
		dv_sim_xfer_data(sim, got);
	/* a byte goes into memory with its transfer's event where it can (DV_XFER_MEM) */
	bool stored = dir == DV_XFER_TO_MEMORY && width == 1 &&
	              dv_sim_xfer_mem(sim, phys, (uint8_t)got);
	dv_sim_xfer_end(sim);
	if (dir == DV_XFER_TO_MEMORY && !stored) {
		dv_sim_mem_write(sim, phys, (uint8_t)got);
		if (width == 2)
			dv_sim_mem_write(sim, phys + 1, (uint8_t)(got >> 8));
	}
	if (tc)
		terminal_count(sim, ch);
	end_pulses(sim);
	dv_sim_cause_restore(sim, cause);
	return tc;
}

/* Memory-to-memory on DMA1: channel 0 reads into the temporary register, channel 1 writes
 * it; channel 1's terminal count ends the block [DS]. */
static bool mem_to_mem(struct dv_sim *sim)
{
	const struct dv_dma_chip *d = &sim->st.dma[0];
	uint32_t src = dv_dma_phys(&sim->st, 0), dst = dv_dma_phys(&sim->st, 1);
	bool tc = d->ch[1].cur_count == 0;
	/* The read into the temporary register and the write, one XFER event: it implies AEN,
	 * MEMR and MEMW (sim.h). */
	uint8_t v = dv_sim_mem_read(sim, src);
	uint32_t cause = dv_sim_cause(sim, DV_SRC_DMA, sim->cause_loc);
	dv_sim_emit(sim, DV_EV_XFER, 0, dst, DV_XFER_MEM_TO_MEM | 1u << 8, v, 1);
	dv_sim_set(sim, DV_SLOT_DMA_TEMP, 0, v);
	dv_sim_mem_write(sim, dst, v);
	if (!(d->command & DV_DMA_CMD_ADDR_HOLD))
		step_address(sim, 0);
	step_count(sim, 0);
	step_address(sim, 1);
	step_count(sim, 1);
	if (tc) {
		terminal_count(sim, 1);
		dv_sim_set(sim, DV_SLOT_DMA_REQUEST, 0, d->request & ~1u);
		dv_sim_set(sim, DV_SLOT_DMA_M2M, 0, 0);
	}
	end_pulses(sim);
	dv_sim_cause_restore(sim, cause);
	return tc;
}

static void release_bus(struct dv_sim *sim)
{
	struct dv_state *st = &sim->st; /* the arbitration word's fields (sim_int.h) */
	dv_sim_signal(sim, &st->dma[0].active, 0);
	dv_sim_signal(sim, &st->dma[1].active, 0);
	dv_sim_signal(sim, &st->dma[0].hrq, 0);
	dv_sim_signal(sim, &st->dma[1].hrq, 0);
	dv_sim_signal(sim, &st->bus.hlda, 0); /* and the CPU owns the bus (bus.owner) */
	/* DMA1's HRQ is DMA2's DREQ4, a wire: DMA2's request bit 4 drops with it, in the same
	 * cycle, as it rose with it (update_request_bits after HRQ in dv_dma_tick). */
	update_request_bits(sim, 1);
}

/* Does the chip keep the bus after a transfer on channel ch? */
static bool keeps_bus(const struct dv_state *st, unsigned ch, bool tc)
{
	const struct dv_dma_chip *d = &st->dma[ch / 4];
	unsigned sel = dv_dma_mode_sel(d->ch[ch % 4].mode);
	if (tc)
		return false;
	if (ch == 0 && st->dma[0].mem2mem)
		return true;
	switch (sel) {
	case DV_DMA_BLOCK: return true; /* block mode runs to TC whatever DREQ does */
	case DV_DMA_DEMAND:
		/* Demand mode goes on while DREQ stays high; when the device drops it, address
		 * and count freeze and the bus goes back to the CPU [DS]. */
		return wants_bus(st, ch / 4, ch % 4);
	default: return false; /* single mode gives the bus back after every transfer */
	}
}

/* This tick is a DMA cycle: booked as the transfer starts, before its own events, so that
 * cpu.cycles (the cycle less dma.cycles, state.c) never counts it. */
static void book_dma_cycle(struct dv_sim *sim)
{
	dv_sim_set(sim, DV_SLOT_BUS_DMA_CYCLES, 0, sim->st.bus.dma_cycles + 1);
}

/* Nothing asks for the bus and nothing holds it: no DREQ line, no software request, no HRQ,
 * no request bit in either status register. The tick below would change nothing (every
 * request bit, HRQ and the grant follow from those), so it is skipped: most of a frame's
 * ticks are the wire's, with the FIFO full and DREQ low. */
static bool idle(const struct dv_state *st)
{
	return !st->bus.hlda && !st->bus.dreq && !st->dma[0].request && !st->dma[1].request &&
	       !st->dma[0].hrq && !st->dma[1].hrq && !(st->dma[0].status & 0xF0) &&
	       !(st->dma[1].status & 0xF0);
}

/* A tick of the pair: arbitration, and at most one transfer. */
static bool tick(struct dv_sim *sim)
{
	const struct dv_state *st = &sim->st;
	update_request_bits(sim, 0);
	/* The channels of DMA1 that want the bus: nothing below changes them before the
	 * transfer (HRQ and the status register are not among their inputs). */
	unsigned want1 = wanting(st, 0);

	if (!st->bus.hlda) {
		/* Arbitration: DMA1 raises HRQ (DREQ4 of DMA2), DMA2 raises HOLD to the CPU.
		 * The CPU finishes its cycle first; the grant comes on the next tick. */
		bool was = st->dma[1].hrq;
		/* DMA1's requests (they do not depend on HRQ or the status register, which
		 * change below, so they are worked out once) */
		int w1 = lowest(want1);
		bool hrq1 = w1 >= 0;
		if (hrq1 && !st->dma[0].hrq) {
			bool relay = !dv_dma_masked(st, 4) &&
			             !(st->dma[1].command & DV_DMA_CMD_DISABLE) &&
			             dv_dma_mode_sel(st->dma[1].ch[0].mode) == DV_DMA_CASCADE;
			if (!(winner(st, 1) == 0 || relay))
				dv_sim_note(sim, DV_NOTE_CASCADE_BLOCKED, 4, 0, 4);
		}
		dv_sim_signal(sim, &sim->st.dma[0].hrq, hrq1);
		update_request_bits(sim, 1);
		int w2 = winner(st, 1);
		dv_sim_signal(sim, &sim->st.dma[1].hrq, w2 >= 0);
		if (w2 < 0 || !was)
			return false;
		dv_sim_signal(sim, &sim->st.bus.hlda, 1); /* the DMA owns the bus (bus.owner) */
		/* Pick the channel now and keep it while the bus is held: the 8237 does not
		 * pre-empt a demand or block service for a higher priority request. */
		unsigned ch;
		if (w2 == 0) {
			if (w1 < 0) {
				release_bus(sim);
				return false;
			}
			ch = (unsigned)w1;
			dv_sim_signal(sim, &sim->st.dma[1].active, 4 + 1);
		} else {
			ch = 4 + (unsigned)w2;
		}
		dv_sim_signal(sim, &sim->st.dma[ch / 4].active, ch + 1);
		if (ch == 0 && (st->dma[0].command & DV_DMA_CMD_MEM2MEM) &&
		    (st->dma[0].request & 1)) {
			dv_sim_set(sim, DV_SLOT_DMA_M2M, 0, 1);
			dv_sim_note(sim, DV_NOTE_MEM2MEM, 0, 0, 0);
		}
	} else {
		update_request_bits(sim, 1);
	}

	/* The bus is ours: one transfer on the active channel. */
	unsigned ch = st->dma[1].active == 5 ? (unsigned)(st->dma[0].active - 1) :
	                                       (unsigned)(st->dma[1].active - 1);
	if (ch > 7 || (st->dma[1].active == 5 && !st->dma[0].active)) {
		release_bus(sim);
		return false;
	}
	bool tc;
	if (ch == 0 && st->dma[0].mem2mem) {
		sim->streak.served = (uint8_t)ch;
		book_dma_cycle(sim);
		tc = mem_to_mem(sim);
	} else {
		/* In demand mode the request may have gone while we held the bus. */
		const struct dv_dma_chip *d = &st->dma[ch / 4];
		unsigned sel = dv_dma_mode_sel(d->ch[ch % 4].mode);
		unsigned want = ch < 4 ? want1 : wanting(st, 1);
		if (sel != DV_DMA_BLOCK && !((want >> (ch % 4)) & 1u)) {
			release_bus(sim);
			return false;
		}
		sim->streak.served = (uint8_t)ch;
		tc = transfer(sim, ch); /* its event books the DMA cycle */
	}
	update_request_bits(sim, ch / 4);
	if (!keeps_bus(st, ch, tc))
		release_bus(sim);
	return true;
}

/* ---- the steady state: a period repeated (sim_int.h, struct dv_streak) -------------------
 *
 * A single-mode channel whose DREQ stays up runs in a period of two ticks: the request (the
 * request bits and HRQ rise: one word), then the grant, one transfer and the release, which
 * brings the word back to where the period began. What the pair decides in a tick depends on
 * its registers, the DREQ lines and the arbitration word; a transfer also on its channel's
 * address and count and on memory. So once a period has been recorded, and nothing has been
 * recorded since (no port access, no DREQ change, no byte time: the trace's length is as
 * the last tick left it), the next period makes the same decisions, and its events are those
 * of the last with the address, the count and the memory of now: they are recorded without
 * arbitrating. A terminal count, an address that wraps or absent memory make this tick's
 * decisions differ (notes, TC), and the tick is arbitrated in full. */

/* Whether every other device that ticks is quiet (bus.h): then a whole tick of the period
 * is the 8237A's alone. */
static bool others_quiet(const struct dv_sim *sim)
{
	for (unsigned i = 0; i < DV_DEVICE_COUNT; i++) {
		const struct dv_device *d = &dv_devices[i];
		if (d->tick && d->tick != dv_dma_tick && (!d->quiet || !d->quiet(sim)))
			return false;
	}
	return true;
}

/* What the tick just arbitrated teaches about the period (before: the trace's length, the
 * word as recorded and whether a batch was pending, as the tick began). */
static void learn(struct dv_sim *sim, size_t before, uint32_t word0, bool dirty0, bool moved)
{
	struct dv_streak *s = &sim->streak;
	enum dv_streak_next seen = (enum dv_streak_next)s->next;
	bool follows = seen == DV_STREAK_SEEN_A && s->len == before && s->cycle == sim->st.cycle;
	s->next = DV_STREAK_NONE;
	if (s->off)
		return;
	/* A card on the channel answers with its FIFO: its period is the wire's (asked first,
	 * as most transfers of a lesson are the card's). */
	if (moved && (!follows || dv_bus_dack_device(&sim->st, s->served)))
		return;
	/* The tick's word, its one batch of the machine's, is recorded as it ends. */
	if (dirty0 || sim->open_at != SIZE_MAX || !sim->sig_dirty ||
	    sim->sig_src != DV_SRC_MACHINE || sim->sig_loc != 0)
		return;
	uint32_t word = dv_signals_pack(&sim->st);
	if (word == word0)
		return;
	if (!moved) {
		if (sim->trace.len != before)
			return; /* a note: the cascade is blocked */
		s->idle = word0;
		s->req = word;
		s->next = DV_STREAK_SEEN_A;
	} else {
		/* The grant's word and the transfer, nothing else; the release back to idle. */
		if (word0 != s->req || word != s->idle || sim->trace.len != before + 2)
			return;
		const struct dv_event *g = dv_trace_at(&sim->trace, before);
		if (!g || g->kind != DV_EV_STATE || g->slot != DV_SLOT_DMA_SIGNALS ||
		    g->old_value != word0 || g->src != DV_SRC_MACHINE || g->loc != 0)
			return;
		uint32_t grant = g->new_value;
		const struct dv_event *x = dv_trace_at(&sim->trace, before + 1);
		if (!x || x->kind != DV_EV_XFER || x->src != DV_SRC_DMA || x->chan > 7)
			return;
		struct dv_event t = *x;
		t.old_value &= ~(DV_XFER_MEM | 0xFF000000u);
		unsigned dir = dv_xfer_dir(&t), width = dv_xfer_width(&t);
		/* A word into memory is two state events; only the address and count step. */
		if ((t.old_value & ~(0xFFFFu | DV_XFER_DOWN)) != DV_XFER_STEPS ||
		    t.chan != s->served || dir == DV_XFER_MEM_TO_MEM ||
		    (dir == DV_XFER_TO_MEMORY && width != 1))
			return;
		s->grant = grant;
		s->xfer = t;
		s->next = DV_STREAK_A;
		/* The other devices' quiet holds while only the period moves (bus.h). */
		s->quiet = others_quiet(sim);
	}
	s->len = sim->trace.len + 1; /* and the word this tick records as it ends */
	s->cycle = sim->st.cycle + 1;
	s->room = 0; /* (worked out at the first tick written in place: sim.c) */
}

/* The tick of cycle is the next of the period, and nothing else has happened since the
 * last. (A truncate or a load settles the machine, which forgets the period: sim.c.) */
static inline bool repeats(const struct dv_sim *sim, uint32_t cycle)
{
	const struct dv_streak *s = &sim->streak;
	return s->next >= DV_STREAK_A && s->len == sim->trace.len && s->cycle == cycle &&
	       !sim->sig_dirty && sim->open_at == SIZE_MAX &&
	       sim->sig_word == (s->next == DV_STREAK_A ? s->idle : s->req);
}

/* The period's transfer on the channel as it stands now, in the tick of cycle, into *x; false
 * when this one would differ from the last (terminal count, a wrap, no memory where it
 * stores). */
static inline __attribute__((always_inline)) bool transfer_again(struct dv_sim *sim, uint32_t cycle,
                                                                 struct dv_event *x)
{
	const struct dv_streak *s = &sim->streak;
	unsigned ch = s->xfer.chan;
	const struct dv_dma_channel *c = &sim->st.dma[ch / 4].ch[ch % 4];
	bool wraps;
	(void)next_address(c, &wraps);
	if (c->cur_count == 0 || wraps)
		return false;
	*x = s->xfer;
	x->cycle = cycle;
	x->index = dv_dma_phys(&sim->st, ch);
	unsigned dir = dv_xfer_dir(x);
	if (dir == DV_XFER_FROM_MEMORY) {
		x->new_value = dv_sim_mem_read(sim, x->index);
		if (dv_xfer_width(x) == 2)
			x->new_value |= (uint32_t)dv_sim_mem_read(sim, x->index + 1) << 8;
	} else if (dir == DV_XFER_TO_MEMORY) {
		/* the floating bus's byte, as last time */
		if (x->index >= sim->st.mem_size)
			return false;
		uint8_t old = dv_mem_peek(&sim->st, &sim->pool, x->index);
		if (old != (uint8_t)x->new_value)
			x->old_value |= DV_XFER_MEM | (uint32_t)old << 24;
	}
	return true;
}

/* The period's next tick was recorded again: the one after it is the other kind. */
static inline bool repeated(struct dv_sim *sim, enum dv_streak_next next, bool moved)
{
	struct dv_streak *s = &sim->streak;
	s->next = next;
	s->len = sim->trace.len;
	s->cycle = sim->st.cycle + 1;
	s->repeated++;
	return moved;
}

/* Records the period's next tick again (x: its transfer, in a transfer's tick). */
static inline bool record_again(struct dv_sim *sim, const struct dv_event *x)
{
	struct dv_streak *s = &sim->streak;
	if (s->next == DV_STREAK_A) {
		dv_sim_period_request(sim, s->req);
		return repeated(sim, DV_STREAK_B, false);
	}
	dv_sim_period_transfer(sim, s->grant, x, s->idle);
	return repeated(sim, DV_STREAK_A, true);
}

bool dv_dma_tick(struct dv_sim *sim)
{
	if (idle(&sim->st))
		return false;
	struct dv_streak *s = &sim->streak;
	struct dv_event x;
	if (repeats(sim, sim->st.cycle) &&
	    (s->next == DV_STREAK_A || transfer_again(sim, sim->st.cycle, &x)))
		return record_again(sim, &x);
	size_t before = sim->trace.len;
	uint32_t word0 = sim->sig_word;
	bool dirty0 = sim->sig_dirty;
	bool moved = tick(sim);
	learn(sim, before, word0, dirty0, moved);
	return moved;
}

bool dv_dma_repeat_tick(struct dv_sim *sim)
{
	struct dv_streak *s = &sim->streak;
	if (!s->quiet || !repeats(sim, sim->st.cycle + 1))
		return false;
	struct dv_event x;
	if (s->next == DV_STREAK_B && !transfer_again(sim, sim->st.cycle + 1, &x))
		return false;     /* the tick is done in full */
	sim->st.cycle++;          /* dv_sim_tick's first steps */
	dv_sim_strobes_down(sim); /* the last cycle's transfer is over */
	(void)record_again(sim, &x);
	return true;
}

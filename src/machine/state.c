/* dmaviz: slot metadata and slot access for struct dv_state. */
#include <stdio.h>
#include <string.h>

#include "mem.h"
#include "nic.h"
#include "state.h"

struct slot_info {
	const char *pattern;
	uint32_t count;
	size_t offset; /* of the field in struct dv_state */
	size_t elem;   /* bytes per index */
};

static const struct slot_info slot_table[DV_SLOT_COUNT] = {
#define DV_SLOT_INFO(id, name, n, field)                                                           \
	[DV_SLOT_##id] = { name, (uint32_t)(n), offsetof(struct dv_state, field),                  \
		           sizeof(((struct dv_state *)0)->field) / (size_t)(n) },
	DV_SLOTS(DV_SLOT_INFO)
#undef DV_SLOT_INFO
};

const char *dv_slot_pattern(enum dv_slot slot)
{
	return (unsigned)slot < DV_SLOT_COUNT ? slot_table[slot].pattern : "?";
}

uint32_t dv_slot_size(enum dv_slot slot)
{
	return (unsigned)slot < DV_SLOT_COUNT ? slot_table[slot].count : 0;
}

void dv_slot_name(enum dv_slot slot, uint32_t index, char *buf, size_t size)
{
	const char *pat = dv_slot_pattern(slot);
	const char *pct = strchr(pat, '%');
	uint32_t shown = index;
	/* Chips are named dma1 and dma2 as in the datasheets' and Linux's usage. */
	if (slot >= DV_SLOT_DMA_COMMAND && slot <= DV_SLOT_DMA_ACTIVE)
		shown = index + 1;
	if (!pct) {
		snprintf(buf, size, "%s", pat);
		return;
	}
	/* Patterns hold one %u or %x; splice the number in by hand (no non-literal format). */
	int head = (int)(pct - pat);
	if (pct[1] == 'x')
		snprintf(buf, size, "%.*s%x%s", head, pat, (unsigned)shown, pct + 2);
	else
		snprintf(buf, size, "%.*s%u%s", head, pat, (unsigned)shown, pct + 2);
}

bool dv_slot_implied(enum dv_slot slot)
{
	return slot == DV_SLOT_BUS_DACK || slot == DV_SLOT_BUS_AEN || slot == DV_SLOT_BUS_MEMR ||
	       slot == DV_SLOT_BUS_MEMW || slot == DV_SLOT_BUS_IOR || slot == DV_SLOT_BUS_IOW;
}

uint32_t dv_bus_strobe_get(const struct dv_bus *bus, enum dv_slot slot)
{
	switch (slot) {
	case DV_SLOT_BUS_DACK: return bus->dack;
	case DV_SLOT_BUS_AEN: return bus->aen;
	case DV_SLOT_BUS_MEMR: return bus->memr;
	case DV_SLOT_BUS_MEMW: return bus->memw;
	case DV_SLOT_BUS_IOR: return bus->ior;
	case DV_SLOT_BUS_IOW: return bus->iow;
	default: return 0;
	}
}

/* The derived slots (one list: slot_ptr asks it on every access, so it is inline here). */
static inline bool is_derived(enum dv_slot slot)
{
	return slot == DV_SLOT_BUS_CPU_CYCLES || slot == DV_SLOT_NIC_WIRE_TIMER ||
	       slot == DV_SLOT_NIC_STATUS || slot == DV_SLOT_BUS_OWNER;
}

bool dv_slot_derived(enum dv_slot slot)
{
	return is_derived(slot);
}

/* A derived slot's value: what the tick would have counted had it been kept. */
static uint32_t derived(const struct dv_state *st, enum dv_slot slot)
{
	if (slot == DV_SLOT_BUS_CPU_CYCLES) /* every tick is the CPU's or a transfer's */
		return st->cycle - st->bus.dma_cycles;
	if (slot == DV_SLOT_NIC_STATUS) /* the card's status register is its state, combined */
		return dv_nic_status(&st->nic);
	if (slot == DV_SLOT_BUS_OWNER) /* the CPU floats the bus while it acknowledges HOLD */
		return st->bus.hlda != 0;
	/* nic.wire_timer: ticks to the next byte time, 0 while the clock is stopped */
	return dv_nic_wire_timer(&st->nic, st->cycle);
}

/* ---- the arbitration word -------------------------------------------------------------- */

/* The word's fields, in order: (slot, index, first bit, width). */
static const struct {
	enum dv_slot slot;
	uint8_t index, shift, width;
} signal_field[DV_SIGNAL_FIELDS] = {
	{ DV_SLOT_DMA_STATUS, 0, 0, 8 },  { DV_SLOT_DMA_STATUS, 1, 8, 8 },
	{ DV_SLOT_DMA_HRQ, 0, 16, 1 },    { DV_SLOT_DMA_HRQ, 1, 17, 1 },
	{ DV_SLOT_BUS_HLDA, 0, 18, 1 },   { DV_SLOT_DMA_ACTIVE, 0, 19, 4 },
	{ DV_SLOT_DMA_ACTIVE, 1, 23, 4 },
};

static uint32_t signal_bits(uint32_t word, unsigned k)
{
	return word >> signal_field[k].shift & ((1u << signal_field[k].width) - 1);
}

uint32_t dv_signals_pack(const struct dv_state *st)
{
	return (uint32_t)st->dma[0].status | (uint32_t)st->dma[1].status << 8 |
	       (uint32_t)(st->dma[0].hrq & 1) << 16 | (uint32_t)(st->dma[1].hrq & 1) << 17 |
	       (uint32_t)(st->bus.hlda & 1) << 18 | (uint32_t)(st->dma[0].active & 15) << 19 |
	       (uint32_t)(st->dma[1].active & 15) << 23;
}

void dv_signals_unpack(struct dv_state *st, uint32_t word)
{
	/* dv_signals_pack's layout (test-state checks the two against signal_field) */
	st->dma[0].status = (uint8_t)word;
	st->dma[1].status = (uint8_t)(word >> 8);
	st->dma[0].hrq = (uint8_t)(word >> 16 & 1u);
	st->dma[1].hrq = (uint8_t)(word >> 17 & 1u);
	st->bus.hlda = (uint8_t)(word >> 18 & 1u);
	st->dma[0].active = (uint8_t)(word >> 19 & 15u);
	st->dma[1].active = (uint8_t)(word >> 23 & 15u);
}

unsigned dv_slot_changes(enum dv_slot slot, uint32_t index, uint32_t old_value, uint32_t new_value,
                         struct dv_slot_change *out)
{
	if (slot != DV_SLOT_DMA_SIGNALS) {
		out[0] = (struct dv_slot_change){ slot, index, old_value, new_value };
		return 1;
	}
	unsigned n = 0;
	for (unsigned k = 0; k < DV_SIGNAL_FIELDS; k++) {
		uint32_t o = signal_bits(old_value, k), v = signal_bits(new_value, k);
		if (o != v)
			out[n++] = (struct dv_slot_change){ signal_field[k].slot,
				                            signal_field[k].index, o, v };
	}
	return n;
}

bool dv_slot_change_of(enum dv_slot slot, uint32_t index, uint32_t old_value, uint32_t new_value,
                       enum dv_slot want, uint32_t want_index, uint32_t *old_out, uint32_t *new_out)
{
	if (slot == want && index == want_index) {
		*old_out = old_value;
		*new_out = new_value;
		return true;
	}
	if (slot != DV_SLOT_DMA_SIGNALS || !dv_slot_signal(want))
		return false;
	for (unsigned k = 0; k < DV_SIGNAL_FIELDS; k++)
		if (signal_field[k].slot == want && signal_field[k].index == want_index) {
			*old_out = signal_bits(old_value, k);
			*new_out = signal_bits(new_value, k);
			return *old_out != *new_out;
		}
	return false;
}

/* Where a slot's value lives: NULL for memory (handled through the pool) and derived slots. */
static void *slot_ptr(struct dv_state *st, enum dv_slot slot, uint32_t index, size_t *elem)
{
	uint8_t *base = (uint8_t *)st;
	if ((unsigned)slot >= DV_SLOT_COUNT || slot == DV_SLOT_MEM || slot == DV_SLOT_NONE ||
	    slot == DV_SLOT_DMA_SIGNALS || is_derived(slot))
		return NULL;
	if (index >= slot_table[slot].count)
		return NULL;
	switch (slot) {
	case DV_SLOT_DMA_BASE_ADDR:
	case DV_SLOT_DMA_BASE_COUNT:
	case DV_SLOT_DMA_ADDR:
	case DV_SLOT_DMA_COUNT:
	case DV_SLOT_DMA_MODE: {
		struct dv_dma_channel *c = &st->dma[index / 4].ch[index % 4];
		switch (slot) {
		case DV_SLOT_DMA_BASE_ADDR: *elem = 2; return &c->base_addr;
		case DV_SLOT_DMA_BASE_COUNT: *elem = 2; return &c->base_count;
		case DV_SLOT_DMA_ADDR: *elem = 2; return &c->cur_addr;
		case DV_SLOT_DMA_COUNT: *elem = 2; return &c->cur_count;
		default: *elem = 1; return &c->mode;
		}
	}
	case DV_SLOT_DMA_COMMAND:
	case DV_SLOT_DMA_STATUS:
	case DV_SLOT_DMA_REQUEST:
	case DV_SLOT_DMA_MASK:
	case DV_SLOT_DMA_FLIPFLOP:
	case DV_SLOT_DMA_TEMP:
	case DV_SLOT_DMA_HRQ:
	case DV_SLOT_DMA_M2M:
	case DV_SLOT_DMA_ACTIVE:
		/* The table's offset is chip 0's field; chips are a struct apart. */
		*elem = 1;
		return base + slot_table[slot].offset + index * sizeof(struct dv_dma_chip);
	default:
		*elem = slot_table[slot].elem;
		return base + slot_table[slot].offset + index * slot_table[slot].elem;
	}
}

static uint32_t load(const void *p, size_t elem)
{
	switch (elem) {
	case 1: return *(const uint8_t *)p;
	case 2: return *(const uint16_t *)p;
	case 4: return *(const uint32_t *)p;
	default: return 0;
	}
}

static void store(void *p, size_t elem, uint32_t value)
{
	switch (elem) {
	case 1: *(uint8_t *)p = (uint8_t)value; break;
	case 2: *(uint16_t *)p = (uint16_t)value; break;
	case 4: *(uint32_t *)p = value; break;
	default: break;
	}
}

uint32_t dv_state_get(const struct dv_state *st, const struct dv_mempool *pool, enum dv_slot slot,
                      uint32_t index)
{
	size_t elem = 0;
	const void *p;
	if (slot == DV_SLOT_MEM)
		return dv_mem_peek(st, pool, index);
	if (slot == DV_SLOT_DMA_SIGNALS)
		return index == 0 ? dv_signals_pack(st) : 0;
	p = slot_ptr((struct dv_state *)st, slot, index, &elem);
	if (!p && is_derived(slot))
		return index == 0 ? derived(st, slot) : 0;
	return p ? load(p, elem) : 0;
}

void dv_state_put(struct dv_state *st, struct dv_mempool *pool, enum dv_slot slot, uint32_t index,
                  uint32_t value)
{
	size_t elem = 0;
	void *p;
	if (slot == DV_SLOT_MEM) {
		dv_mem_poke(st, pool, index, (uint8_t)value);
		return;
	}
	if (slot == DV_SLOT_DMA_SIGNALS) {
		if (index == 0)
			dv_signals_unpack(st, value);
		return;
	}
	p = slot_ptr(st, slot, index, &elem);
	if (p)
		store(p, elem, value);
}

uint32_t dv_state_swap(struct dv_state *st, struct dv_mempool *pool, enum dv_slot slot,
                       uint32_t index, uint32_t value, uint32_t *old)
{
	size_t elem = 0;
	void *p = slot == DV_SLOT_MEM ? NULL : slot_ptr(st, slot, index, &elem);
	if (!p) { /* memory, or no such field (which reads as 0 and takes nothing) */
		*old = dv_state_get(st, pool, slot, index);
		dv_state_put(st, pool, slot, index, value);
		return dv_state_get(st, pool, slot, index);
	}
	*old = load(p, elem);
	store(p, elem, value);
	return load(p, elem);
}

/* dmaviz: sparse physical memory with copy-on-write pages.
 *
 * A dv_state names its pages by id (state.h: mem_page); the pages themselves live in a pool
 * shared by the live machine, its keyframes and any views. A page shared by two states is
 * copied before either writes to it, so a keyframe costs a page-table copy, not 32 MiB.
 */
#ifndef DV_MEM_H
#define DV_MEM_H

#include <stdbool.h>
#include <stdint.h>

#include "state.h"

/* "No physical address": an unmapped virtual address, a descriptor without pages. */
#define DV_NO_ADDR 0xFFFFFFFFu

struct dv_mempool {
	uint8_t **page; /* page[id], id 0 unused (it means "never written": reads as zero) */
	uint32_t *refs; /* references to page[id]; 0 = free */
	uint32_t count, cap;
	uint32_t *free_ids; /* ids whose page can be reused */
	uint32_t nfree, free_cap;
	bool failed; /* an allocation failed; writes to new pages are dropped */
};

void dv_mempool_init(struct dv_mempool *pool);
void dv_mempool_finish(struct dv_mempool *pool);

/* Reads one byte of physical memory straight from the page table (no cache, no trace). */
static inline uint8_t dv_mem_peek(const struct dv_state *st, const struct dv_mempool *pool,
                                  uint32_t addr)
{
	if (addr >= DV_MEM_MAX)
		return 0;
	uint32_t id = st->mem_page[addr >> DV_PAGE_SHIFT];
	if (id == 0 || !pool || id >= pool->count)
		return 0;
	return pool->page[id][addr & (DV_PAGE_SIZE - 1)];
}

/* Writes one byte, copying a shared page first. No trace: use dv_sim_set(DV_SLOT_MEM). Inline
 * for a page the state owns alone (the transfers of a long run); dv_mem_poke_page takes a
 * new or shared page first. */
void dv_mem_poke_page(struct dv_state *st, struct dv_mempool *pool, uint32_t addr, uint8_t value);
static inline void dv_mem_poke(struct dv_state *st, struct dv_mempool *pool, uint32_t addr,
                               uint8_t value)
{
	if (addr >= DV_MEM_MAX)
		return;
	uint32_t id = st->mem_page[addr >> DV_PAGE_SHIFT];
	if (id == 0 || pool->refs[id] > 1)
		dv_mem_poke_page(st, pool, addr, value);
	else
		pool->page[id][addr & (DV_PAGE_SIZE - 1)] = value;
}

/* Page-table ownership: a copy of a state takes a reference to each page, a discarded state
 * drops them. */
void dv_mem_ref_all(const struct dv_state *st, struct dv_mempool *pool);
void dv_mem_unref_all(struct dv_state *st, struct dv_mempool *pool);
/* Makes dst a copy of src (dst's old pages released, src's referenced). */
void dv_state_copy(struct dv_state *dst, const struct dv_state *src, struct dv_mempool *pool);

/* FNV-1a over the state's fields and the contents of memory (not the page ids). */
uint64_t dv_state_hash(const struct dv_state *st, const struct dv_mempool *pool);

#endif

/* dmaviz: sparse copy-on-write physical memory. */
#include <stdlib.h>
#include <string.h>

#include "mem.h"

void dv_mempool_init(struct dv_mempool *pool)
{
	memset(pool, 0, sizeof *pool);
}

void dv_mempool_finish(struct dv_mempool *pool)
{
	if (!pool)
		return;
	for (uint32_t i = 0; i < pool->count; i++)
		free(pool->page[i]);
	free(pool->page);
	free(pool->refs);
	free(pool->free_ids);
	memset(pool, 0, sizeof *pool);
}

static uint32_t page_alloc(struct dv_mempool *pool)
{
	uint32_t id;
	if (pool->nfree) {
		id = pool->free_ids[--pool->nfree];
		return id;
	}
	if (pool->count == 0)
		pool->count = 1; /* id 0 means "never written" */
	if (pool->count >= pool->cap) {
		uint32_t cap = pool->cap ? pool->cap * 2 : 64;
		uint8_t **pages = realloc(pool->page, cap * sizeof *pages);
		if (!pages)
			return 0;
		pool->page = pages;
		uint32_t *refs = realloc(pool->refs, cap * sizeof *refs);
		if (!refs)
			return 0;
		pool->refs = refs;
		for (uint32_t i = pool->cap; i < cap; i++) {
			pool->page[i] = NULL;
			pool->refs[i] = 0;
		}
		pool->cap = cap;
	}
	id = pool->count;
	pool->page[id] = malloc(DV_PAGE_SIZE);
	if (!pool->page[id])
		return 0;
	pool->count++;
	return id;
}

static void page_unref(struct dv_mempool *pool, uint32_t id)
{
	if (id == 0 || id >= pool->count || pool->refs[id] == 0)
		return;
	if (--pool->refs[id])
		return;
	if (pool->nfree == pool->free_cap) {
		uint32_t cap = pool->free_cap ? pool->free_cap * 2 : 64;
		uint32_t *ids = realloc(pool->free_ids, cap * sizeof *ids);
		if (!ids)
			return; /* the page stays allocated; only reuse is lost */
		pool->free_ids = ids;
		pool->free_cap = cap;
	}
	pool->free_ids[pool->nfree++] = id;
}

void dv_mem_poke_page(struct dv_state *st, struct dv_mempool *pool, uint32_t addr, uint8_t value)
{
	uint32_t *slot, id;
	if (addr >= DV_MEM_MAX)
		return;
	slot = &st->mem_page[addr >> DV_PAGE_SHIFT];
	id = *slot;
	if (id == 0 || pool->refs[id] > 1) {
		uint32_t fresh;
		if (id == 0 && value == 0)
			return; /* an unwritten page already reads as zero */
		fresh = page_alloc(pool);
		if (!fresh) {
			pool->failed = true;
			return;
		}
		if (id)
			memcpy(pool->page[fresh], pool->page[id], DV_PAGE_SIZE);
		else
			memset(pool->page[fresh], 0, DV_PAGE_SIZE);
		pool->refs[fresh] = 1;
		page_unref(pool, id);
		*slot = id = fresh;
	}
	pool->page[id][addr & (DV_PAGE_SIZE - 1)] = value;
}

void dv_mem_ref_all(const struct dv_state *st, struct dv_mempool *pool)
{
	for (uint32_t i = 0; i < DV_MEM_PAGES; i++)
		if (st->mem_page[i])
			pool->refs[st->mem_page[i]]++;
}

void dv_mem_unref_all(struct dv_state *st, struct dv_mempool *pool)
{
	for (uint32_t i = 0; i < DV_MEM_PAGES; i++) {
		page_unref(pool, st->mem_page[i]);
		st->mem_page[i] = 0;
	}
}

void dv_state_copy(struct dv_state *dst, const struct dv_state *src, struct dv_mempool *pool)
{
	if (dst == src)
		return;
	dv_mem_ref_all(src, pool);
	dv_mem_unref_all(dst, pool);
	memcpy(dst, src, sizeof *dst);
}

static uint64_t fnv(uint64_t h, const void *data, size_t n)
{
	const uint8_t *p = data;
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

uint64_t dv_state_hash(const struct dv_state *st, const struct dv_mempool *pool)
{
	/* The fields before the page table are plain data; the page ids differ between copies
	 * that hold the same bytes, so memory is hashed by content, page by page. */
	uint64_t h = fnv(0xcbf29ce484222325ull, st, offsetof(struct dv_state, mem_page));
	static const uint8_t zero[DV_PAGE_SIZE];
	for (uint32_t i = 0; i < DV_MEM_PAGES; i++) {
		uint32_t id = st->mem_page[i];
		const uint8_t *p = (id && pool && id < pool->count) ? pool->page[id] : zero;
		if (p == zero || memcmp(p, zero, DV_PAGE_SIZE) == 0)
			continue;
		h = fnv(h, &i, sizeof i);
		h = fnv(h, p, DV_PAGE_SIZE);
	}
	return h;
}

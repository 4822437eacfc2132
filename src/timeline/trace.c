/* dmaviz: the event trace and its source-location table. */
#include <stdlib.h>
#include <string.h>

#include "trace.h"

void dv_trace_init(struct dv_trace *t)
{
	memset(t, 0, sizeof *t);
}

void dv_trace_finish(struct dv_trace *t)
{
	if (!t)
		return;
	free(t->ev);
	for (size_t i = 1; i < t->nlocs; i++)
		free((char *)t->locs[i].file);
	free(t->locs);
	memset(t, 0, sizeof *t);
}

bool dv_trace_push(struct dv_trace *t, const struct dv_event *ev)
{
	if (t->len == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 4096;
		struct dv_event *n = realloc(t->ev, cap * sizeof *n);
		if (!n) {
			t->failed = true;
			return false;
		}
		t->ev = n;
		t->cap = cap;
	}
	t->ev[t->len++] = *ev;
	return true;
}

void dv_trace_truncate(struct dv_trace *t, size_t n)
{
	if (n < t->len)
		t->len = n;
}

size_t dv_trace_len(const struct dv_trace *t)
{
	return t ? t->len : 0;
}

const struct dv_event *dv_trace_at(const struct dv_trace *t, size_t i)
{
	return t && i < t->len ? &t->ev[i] : NULL;
}

uint16_t dv_trace_loc(struct dv_trace *t, const char *file, uint32_t line)
{
	if (!file)
		return 0;
	for (size_t i = 1; i < t->nlocs; i++)
		if (t->locs[i].line == line && strcmp(t->locs[i].file, file) == 0)
			return (uint16_t)i;
	if (t->nlocs >= 0xFFFF)
		return 0;
	if (t->nlocs == 0)
		t->nlocs = 1; /* id 0 is "no location" */
	if (t->nlocs >= t->loc_cap) {
		size_t cap = t->loc_cap ? t->loc_cap * 2 : 64;
		struct dv_loc *n = realloc(t->locs, cap * sizeof *n);
		if (!n)
			return 0;
		t->locs = n;
		t->loc_cap = cap;
		t->locs[0].file = NULL;
		t->locs[0].line = 0;
	}
	size_t len = strlen(file);
	char *copy = malloc(len + 1);
	if (!copy)
		return 0;
	memcpy(copy, file, len + 1);
	t->locs[t->nlocs].file = copy;
	t->locs[t->nlocs].line = line;
	return (uint16_t)t->nlocs++;
}

const struct dv_loc *dv_trace_get_loc(const struct dv_trace *t, uint16_t id)
{
	if (id == 0 || id >= t->nlocs)
		return NULL;
	return &t->locs[id];
}

static uint64_t fnv_u64(uint64_t h, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++) {
		h ^= (uint8_t)(v >> (8 * i));
		h *= 0x100000001b3ull;
	}
	return h;
}

uint64_t dv_trace_hash(const struct dv_trace *t, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	if (n > t->len)
		n = t->len;
	for (size_t i = 0; i < n; i++) {
		const struct dv_event *e = &t->ev[i];
		h = fnv_u64(h, e->cycle, 8);
		h = fnv_u64(h, e->index, 4);
		h = fnv_u64(h, e->old_value, 4);
		h = fnv_u64(h, e->new_value, 4);
		h = fnv_u64(h, e->kind, 2);
		h = fnv_u64(h, e->slot, 2);
		h = fnv_u64(h, e->src, 1);
		h = fnv_u64(h, e->chan, 1);
		/* Locations by content, so two traces interning in another order still agree. */
		const struct dv_loc *loc = dv_trace_get_loc(t, e->loc);
		if (loc) {
			for (const char *p = loc->file; *p; p++)
				h = fnv_u64(h, (uint8_t)*p, 1);
			h = fnv_u64(h, loc->line, 4);
		}
	}
	return h;
}

static const char *const note_text[] = {
#define DV_NOTE_TEXT(id, text) text,
	DV_NOTES(DV_NOTE_TEXT)
#undef DV_NOTE_TEXT
};

static const char *const note_id[] = {
#define DV_NOTE_ID(id, text) #id,
	DV_NOTES(DV_NOTE_ID)
#undef DV_NOTE_ID
};

const char *dv_note_text(enum dv_note note)
{
	return (unsigned)note < DV_NOTE_COUNT ? note_text[note] : "?";
}

const char *dv_note_id(enum dv_note note)
{
	return (unsigned)note < DV_NOTE_COUNT ? note_id[note] : "?";
}

const char *dv_src_name(enum dv_src src)
{
	static const char *const names[DV_SRC_COUNT] = { "machine", "cpu",    "dma", "nic",
		                                         "peer",    "driver", "hal", "script" };
	return (unsigned)src < DV_SRC_COUNT ? names[src] : "?";
}

const char *dv_ev_kind_name(enum dv_ev_kind kind)
{
	static const char *const names[DV_EV_KIND_COUNT] = { "state",    "out",  "in",   "xfer",
		                                             "wire",     "note", "call", "return",
		                                             "verifier", "mark" };
	return (unsigned)kind < DV_EV_KIND_COUNT ? names[kind] : "?";
}

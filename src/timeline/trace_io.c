/* dmaviz: the trace section of a recording (docs/trace-formats.md, "The trace section"): the
 * location table and the events as little-endian varints, each event's cycle as the distance
 * from the previous one (zigzag-coded). Written through a put callback, read from bytes with every size checked
 * against what is left, so a hostile file costs at most its own length in memory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calls.h"
#include "state.h"
#include "trace.h"
#include "varint.h"
#include "verifier.h"

/* An event takes at least one byte a field (9 fields); a location at least two. */
#define EV_MIN_BYTES 9u
#define LOC_MIN_BYTES 2u

static void save_event(struct dv_sink *s, const struct dv_event *e, uint64_t prev_cycle)
{
	/* Zigzag: the distance is nearly always small and never negative in a machine's trace
	 * (the tick only moves forward), but a trace built by hand may go back. */
	uint64_t d = e->cycle - prev_cycle;
	dv_sink_varint(s, e->cycle >= prev_cycle ? d << 1 : (~d << 1) | 1);
	dv_sink_varint(s, e->kind);
	dv_sink_varint(s, e->slot);
	dv_sink_varint(s, e->index);
	dv_sink_varint(s, e->old_value);
	dv_sink_varint(s, e->new_value);
	dv_sink_varint(s, e->loc);
	dv_sink_varint(s, e->src);
	dv_sink_varint(s, e->chan);
}

bool dv_trace_save(const struct dv_trace *t, bool (*put)(void *ctx, const void *p, size_t n),
                   void *ctx)
{
	struct dv_sink s = { put, ctx, true };
	size_t nlocs = t->nlocs ? t->nlocs - 1 : 0;
	dv_sink_varint(&s, nlocs);
	for (size_t i = 1; i <= nlocs; i++) {
		const struct dv_loc *loc = dv_trace_get_loc(t, (uint16_t)i);
		dv_sink_varint(&s, loc->line);
		dv_sink_string(&s, loc->file, strlen(loc->file));
	}
	size_t n = dv_trace_len(t);
	dv_sink_varint(&s, n);
	uint64_t prev = 0;
	for (size_t i = 0; i < n && s.ok; i++) {
		const struct dv_event *e = dv_trace_at(t, i);
		save_event(&s, e, prev);
		prev = e->cycle;
	}
	return s.ok;
}

/* ---- loading ------------------------------------------------------------------------------ */

static uint16_t *load_locs(struct dv_trace *t, struct dv_source *r, size_t *nlocs)
{
	*nlocs = (size_t)dv_source_varint(r, 0xFFFE, "more than 65,534 source locations");
	if (!r->bad && *nlocs > (r->n - r->at) / LOC_MIN_BYTES)
		dv_source_fail(r, "more source locations than the section has bytes for");
	uint16_t *map = r->bad ? NULL : calloc(*nlocs + 1, sizeof *map);
	if (!r->bad && !map)
		dv_source_fail(r, "out of memory for the source locations");
	for (size_t i = 1; !r->bad && i <= *nlocs; i++) {
		uint32_t line =
		        (uint32_t)dv_source_varint(r, UINT32_MAX, "a line number over 32 bits");
		size_t len =
		        (size_t)dv_source_varint(r, 4096, "a file name longer than 4096 bytes");
		if (!r->bad && len > r->n - r->at)
			dv_source_fail(r, "a file name runs past the end of the section");
		if (r->bad)
			break;
		char name[4097];
		memcpy(name, r->p + r->at, len);
		name[len] = '\0';
		if (len == 0 || strlen(name) != len)
			dv_source_fail(r, "an empty file name or one with a NUL byte");
		r->at += len;
		map[i] = r->bad ? 0 : dv_trace_loc(t, name, line);
		if (!r->bad && !map[i])
			dv_source_fail(r, "out of memory for the source locations");
	}
	return map;
}

static bool load_event(struct dv_source *r, const uint16_t *map, size_t nlocs, uint64_t *cycle,
                       struct dv_event *e)
{
	memset(e, 0, sizeof *e);
	uint64_t z = dv_source_varint(r, UINT64_MAX, "");
	*cycle += z & 1 ? ~(z >> 1) : z >> 1; /* wraps as the writer's subtraction did */
	e->cycle = *cycle;
	e->kind = (uint16_t)dv_source_varint(r, DV_EV_KIND_COUNT - 1, "an unknown event kind");
	e->slot = (uint16_t)dv_source_varint(r, UINT16_MAX, "an event's sub-id over 16 bits");
	e->index = (uint32_t)dv_source_varint(r, UINT32_MAX, "an event's index over 32 bits");
	e->old_value = (uint32_t)dv_source_varint(r, UINT32_MAX, "an event's value over 32 bits");
	e->new_value = (uint32_t)dv_source_varint(r, UINT32_MAX, "an event's value over 32 bits");
	size_t loc = (size_t)dv_source_varint(r, nlocs,
	                                      "an event names a source location not in the table");
	e->loc = r->bad ? 0 : map[loc];
	e->src = (uint8_t)dv_source_varint(r, DV_SRC_COUNT - 1, "an unknown event source");
	e->chan = (uint8_t)dv_source_varint(r, UINT8_MAX, "a DMA channel over 8 bits");
	if (!r->bad && e->kind == DV_EV_STATE && e->slot >= DV_SLOT_COUNT)
		dv_source_fail(r, "a state event names an unknown slot");
	if (!r->bad && e->kind == DV_EV_NOTE && e->slot >= DV_NOTE_COUNT)
		dv_source_fail(r, "a note this dmaviz does not know");
	if (!r->bad && (e->kind == DV_EV_CALL || e->kind == DV_EV_RETURN) &&
	    e->slot >= DV_CALL_COUNT)
		dv_source_fail(r, "an NDIS call this dmaviz does not know");
	if (!r->bad && e->kind == DV_EV_VERIFIER && e->slot >= DV_RULE_COUNT)
		dv_source_fail(r, "a verifier rule this dmaviz does not know");
	return !r->bad;
}

bool dv_trace_load(struct dv_trace *t, const uint8_t *p, size_t n, char *err, size_t errsz)
{
	struct dv_source r = { p, n, 0, 0, err, errsz, false };
	if (errsz)
		err[0] = '\0';
	dv_trace_init(t);
	size_t nlocs = 0;
	uint16_t *map = load_locs(t, &r, &nlocs);
	size_t nev =
	        (size_t)dv_source_varint(&r, SIZE_MAX, "an event count over the address space");
	if (!r.bad && nev > (r.n - r.at) / EV_MIN_BYTES)
		dv_source_fail(&r, "more events than the section has bytes for");
	uint64_t cycle = 0;
	for (size_t i = 0; i < nev && !r.bad; i++) {
		struct dv_event e;
		if (load_event(&r, map, nlocs, &cycle, &e) && !dv_trace_push(t, &e))
			dv_source_fail(&r, "out of memory for the events");
	}
	if (!r.bad && r.at != r.n)
		dv_source_fail(&r, "bytes left after the last event");
	free(map);
	if (r.bad)
		dv_trace_finish(t);
	return !r.bad;
}

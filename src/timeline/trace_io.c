/* dmaviz: the trace section of a recording (docs/trace-formats.md, "The trace section"): the
 * location table, then the events as the in-memory recording keeps them: block by block, each
 * block's code (trace.c) behind its length. Written through a put callback; read from bytes
 * with every size checked against what is left and every block decoded and checked before its
 * events are taken, so a hostile file costs at most its own length and one block in memory,
 * and the count of events is checked against the caller's bound before any block is decoded,
 * so that its time is bounded too. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calls.h"
#include "state.h"
#include "trace.h"
#include "varint.h"
#include "verifier.h"

/* A location takes at least two bytes, a block at least two (its length and one op). */
#define LOC_MIN_BYTES 2u
#define BLOCK_MIN_BYTES 2u

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
	dv_sink_varint(&s, dv_trace_len(t));
	uint8_t *buf = malloc(DV_TRACE_CODE_MAX);
	if (!buf)
		return false;
	for (size_t b = 0; b < dv_trace_nblocks(t) && s.ok; b++) {
		size_t size;
		const uint8_t *code = dv_trace_block_code(t, b, buf, &size);
		if (!code) {
			s.ok = false;
			break;
		}
		dv_sink_string(&s, code, size);
	}
	free(buf);
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

/* What is wrong with a decoded event, or NULL; its location is mapped to t's table. */
static const char *check_event(struct dv_event *e, const uint16_t *map, size_t nlocs)
{
	if (e->kind >= DV_EV_KIND_COUNT)
		return "an unknown event kind";
	if (e->kind == DV_EV_STATE && e->slot >= DV_SLOT_COUNT)
		return "a state event names an unknown slot";
	if (e->kind == DV_EV_NOTE && e->slot >= DV_NOTE_COUNT)
		return "a note this dmaviz does not know";
	if ((e->kind == DV_EV_CALL || e->kind == DV_EV_RETURN) && e->slot >= DV_CALL_COUNT)
		return "an NDIS call this dmaviz does not know";
	if (e->kind == DV_EV_VERIFIER && e->slot >= DV_RULE_COUNT)
		return "a verifier rule this dmaviz does not know";
	if (e->src >= DV_SRC_COUNT)
		return "an unknown event source";
	if (e->loc > nlocs)
		return "an event names a source location not in the table";
	e->loc = map[e->loc];
	return NULL;
}

/* One block of n events: its code decoded and every event checked before any is taken. */
static void load_block(struct dv_trace *t, struct dv_source *r, struct dv_event *ev, size_t n,
                       const uint16_t *map, size_t nlocs, bool identity)
{
	size_t size = (size_t)dv_source_varint(r, r->n - r->at, "a block runs past the end");
	size_t at = r->at;
	const uint8_t *code = dv_source_bytes(r, size, "a block runs past the end");
	if (!code)
		return;
	const char *why = dv_trace_block_decode(code, size, ev, n) ? NULL :
	                                                             "a damaged block of events";
	for (size_t i = 0; i < n && !why; i++)
		why = check_event(&ev[i], map, nlocs);
	if (why) {
		r->at = at; /* the message names where the block starts */
		dv_source_fail(r, why);
		return;
	}
	/* A whole block whose locations keep their numbers is taken as it is coded. */
	if (n == DV_TRACE_BLOCK && identity && dv_trace_adopt_block(t, code, size, ev))
		return;
	for (size_t i = 0; i < n && !r->bad; i++)
		if (!dv_trace_push(t, &ev[i]))
			dv_source_fail(r, "out of memory for the events");
}

bool dv_trace_load(struct dv_trace *t, const uint8_t *p, size_t n, uint64_t max_events, char *err,
                   size_t errsz)
{
	return dv_trace_load_each(t, p, n, max_events, err, errsz, NULL, NULL);
}

bool dv_trace_load_each(struct dv_trace *t, const uint8_t *p, size_t n, uint64_t max_events,
                        char *err, size_t errsz,
                        void (*each)(void *ctx, const struct dv_event *ev, size_t n), void *ctx)
{
	struct dv_source r = { p, n, 0, 0, err, errsz, false };
	if (errsz)
		err[0] = '\0';
	dv_trace_init(t);
	size_t nlocs = 0;
	uint16_t *map = load_locs(t, &r, &nlocs);
	size_t count_at = r.at;
	uint64_t nev = dv_source_varint(&r, SIZE_MAX, "an event count over the address space");
	if (!r.bad && nev > max_events) {
		/* Checked before any block is decoded: a block of 4096 events can take 4 bytes. */
		char why[160];
		snprintf(why, sizeof why,
		         "%llu events, more than a run of this lesson makes (%llu)",
		         (unsigned long long)nev, (unsigned long long)max_events);
		r.at = count_at;
		dv_source_fail(&r, why);
	}
	uint64_t nblocks = nev / DV_TRACE_BLOCK + (nev % DV_TRACE_BLOCK != 0);
	if (!r.bad && nblocks > (r.n - r.at) / BLOCK_MIN_BYTES)
		dv_source_fail(&r, "more events than the section has bytes for");
	struct dv_event *ev = r.bad ? NULL : malloc(DV_TRACE_BLOCK * sizeof *ev);
	if (!r.bad && !ev)
		dv_source_fail(&r, "out of memory for the events");
	bool identity = true; /* the file's location numbers are the trace's */
	for (size_t i = 1; map && i <= nlocs; i++)
		identity = identity && map[i] == i;
	for (uint64_t b = 0; b < nblocks && !r.bad; b++) {
		uint64_t left = nev - b * DV_TRACE_BLOCK;
		size_t k = left < DV_TRACE_BLOCK ? (size_t)left : DV_TRACE_BLOCK;
		load_block(t, &r, ev, k, map, nlocs, identity);
		if (!r.bad && each)
			each(ctx, ev, k);
	}
	if (!r.bad && r.at != r.n)
		dv_source_fail(&r, "bytes left after the last event");
	free(ev);
	free(map);
	if (r.bad)
		dv_trace_finish(t);
	return !r.bad;
}

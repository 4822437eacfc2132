/* dmaviz: a libFuzzer target for the recording reader (src/lang/record.c, recording.h).
 *
 * The input is a recording. It is read twice: as it is, and with its last 32 bytes replaced by
 * the SHA-256 of what comes before its last section head, so that a mutated file with a sum
 * that matches reaches the sections' own checks. Invariants, checked with abort():
 *  - a refused input says "offset N: ..." with N no larger than the input;
 *  - an accepted one holds a lesson, a run that runs nothing, steps inside its trace, a
 *    cursor can go to its end and back, and every event can be said in words and as a VCD;
 *  - written again and read again, it gives the same bytes (the writer and reader agree).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "recording.h"
#include "sim.h"
#include "../bytes.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *source(void *ctx, const char *file, size_t *len)
{
	const char *text = dv_rec_source(ctx, file, len);
	char *copy = text ? malloc(*len + 1) : NULL;
	if (copy)
		memcpy(copy, text, *len + 1);
	return copy;
}

static struct bytes write_again(const struct dv_recording *rec)
{
	struct bytes b = { 0 };
	struct dv_rec_meta m = { .version = rec->version,
		                 .lesson_text = rec->lesson_text,
		                 .lesson_len = rec->lesson_len,
		                 .driver_name = rec->driver_name[0] ? rec->driver_name : NULL,
		                 .driver_sha = rec->has_driver_sha ? rec->driver_sha : NULL,
		                 .read_source = source,
		                 .ctx = (void *)rec };
	if (!dv_rec_write(rec->run, &m, put_bytes, &b))
		abort();
	return b;
}

static void discard(void *ctx, const char *buf, size_t len)
{
	(void)ctx;
	(void)buf;
	(void)len;
}

static void check(const struct dv_recording *rec)
{
	struct dv_sim *sim = dv_run_sim(rec->run);
	size_t len = dv_trace_len(dv_sim_trace(sim));
	if (!rec->lesson || dv_run_next(rec->run))
		abort();
	for (unsigned k = 0; k < rec->lesson->nsteps; k++) {
		size_t first, end;
		if (dv_run_step_events(rec->run, k, &first, &end) && (first > len || end > len))
			abort();
	}
	struct dv_cursor c;
	dv_cursor_init(&c, sim);
	dv_cursor_seek(&c, len);
	dv_cursor_seek(&c, len / 2);
	dv_cursor_finish(&c);
	/* Every event said in words and as signals (what trace and the front ends read). */
	if (!dv_export_text(sim, dv_run_ndis(rec->run), discard, NULL) ||
	    !dv_export_vcd(sim, false, discard, NULL))
		abort();
	/* Written again and read again: a fixed point. */
	struct bytes a = write_again(rec);
	char err[300];
	struct dv_recording *again = dv_rec_read(a.p, a.n, err, sizeof err);
	if (!again)
		abort();
	struct bytes b = write_again(again);
	if (a.n != b.n || memcmp(a.p, b.p, a.n))
		abort();
	dv_rec_free(again);
	free(a.p);
	free(b.p);
}

static void read_one(const uint8_t *data, size_t size)
{
	char err[600] = "";
	struct dv_recording *rec = dv_rec_read(data, size, err, sizeof err);
	if (rec) {
		check(rec);
		dv_rec_free(rec);
		return;
	}
	char *end = NULL;
	unsigned long long at = strncmp(err, "offset ", 7) ? ~0ull : strtoull(err + 7, &end, 10);
	if (at > size || !end || *end != ':')
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	read_one(data, size);
	if (size < 44 + 12)
		return 0;
	uint8_t *fixed = malloc(size);
	if (!fixed)
		return 0;
	memcpy(fixed, data, size);
	dv_sha256(fixed, size - 32 - 12, fixed + size - 32);
	read_one(fixed, size);
	free(fixed);
	return 0;
}

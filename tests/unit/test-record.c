/* dmaviz: recordings (src/lang/record.c, recording.h). Every lesson given on the command line
 * (the shipped ones, and a fixture whose checks fail) is run, written, read back and written
 * again: the bytes are equal, the machine's state is equal at every step and along the trace,
 * and what the run found (messages, steps, rows, call records) is equal. Then what the reader
 * refuses: every truncation, a flipped byte, another version, hostile sizes behind a checksum
 * that matches. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "dvndis.h"
#include "recording.h"
#include "run_int.h"
#include "../bytes.h"

static int nargs;
static char **args;

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = malloc(DV_SCRIPT_MAX_FILE + 1);
	*len = buf ? fread(buf, 1, DV_SCRIPT_MAX_FILE, f) : 0;
	fclose(f);
	if (buf)
		buf[*len] = '\0';
	return buf;
}

static const char fake_source[] = "int DriverEntry(void) { return 0; }\n";

static char *read_source(void *ctx, const char *file, size_t *len)
{
	(void)ctx;
	(void)file;
	*len = sizeof fake_source - 1;
	return strdup(fake_source);
}

/* A lesson run and written; NULL for a lesson that needs a learner's driver. */
static struct dv_run *record(const char *path, struct dv_lesson **L, char **text, struct bytes *out)
{
	size_t len = 0;
	*text = slurp(path, &len);
	struct dv_msgs msgs;
	dv_msgs_init(&msgs);
	*L = *text ? dv_lesson_parse(path, *text, len, &msgs) : NULL;
	dv_msgs_finish(&msgs);
	CHECK(*L != NULL);
	if (!*L || (*L)->driver == DV_DRIVER_FILE)
		return NULL;
	struct dv_run_options o = { 0 };
	struct dv_run *run = dv_run_create(*L, &o);
	dv_run_all(run);
	static const uint8_t sha[32] = { 1, 2, 3 };
	struct dv_rec_meta m = { .version = "test",
		                 .lesson_text = *text,
		                 .lesson_len = len,
		                 .driver_name = "drv.so",
		                 .driver_sha = sha,
		                 .read_source = read_source };
	CHECK(dv_rec_write(run, &m, put_bytes, out));
	return run;
}

static uint64_t cursor_hash(struct dv_cursor *c, size_t pos)
{
	dv_cursor_seek(c, pos);
	return dv_state_hash(&c->st, &c->sim->pool);
}

static unsigned compare_states(struct dv_run *a, struct dv_run *b)
{
	unsigned bad = 0;
	struct dv_cursor ca, cb;
	dv_cursor_init(&ca, a->sim);
	dv_cursor_init(&cb, b->sim);
	size_t len = dv_trace_len(dv_sim_trace(a->sim));
	for (unsigned k = 0; k < a->L->nsteps; k++) {
		size_t fa, ea, fb, eb;
		bool sa = dv_run_step_events(a, k, &fa, &ea),
		     sb = dv_run_step_events(b, k, &fb, &eb);
		bad += sa != sb || (sa && (fa != fb || ea != eb));
		if (sa && sb)
			bad += cursor_hash(&ca, fa) != cursor_hash(&cb, fa) ||
			       cursor_hash(&ca, ea) != cursor_hash(&cb, ea);
	}
	for (size_t i = 0; i <= len; i += 1 + len / 200)
		bad += cursor_hash(&ca, i) != cursor_hash(&cb, i);
	dv_cursor_finish(&ca);
	dv_cursor_finish(&cb);
	return bad + (dv_sim_state_hash(a->sim) != dv_sim_state_hash(b->sim));
}

static unsigned compare_findings(const struct dv_run *a, const struct dv_run *b)
{
	unsigned bad = a->msgs.n != b->msgs.n || a->msgs.dropped != b->msgs.dropped;
	for (size_t i = 0; !bad && i < a->msgs.n; i++) {
		const struct dv_msg *x = &a->msgs.v[i], *y = &b->msgs.v[i];
		bad += x->kind != y->kind || x->line != y->line || x->cycle != y->cycle ||
		       strcmp(x->text, y->text) || !x->hint != !y->hint ||
		       (x->hint && strcmp(x->hint, y->hint));
	}
	bad += a->nrows != b->nrows || a->state != b->state;
	for (size_t i = 0; !bad && i < a->nrows; i++)
		bad += strcmp(a->rows[i], b->rows[i]) != 0 || a->row_pos[i] != b->row_pos[i];
	size_t n = dv_ndis_record_count(a->ndis);
	bad += n != dv_ndis_record_count(b->ndis);
	for (size_t i = 0; !bad && i < n; i++)
		bad += memcmp(dv_ndis_record(a->ndis, (uint32_t)i),
		              dv_ndis_record(b->ndis, (uint32_t)i), sizeof(struct dv_call_record));
	return bad;
}

static void round_trip(const char *path)
{
	struct dv_lesson *L;
	char *text;
	struct bytes b = { 0 };
	struct dv_run *run = record(path, &L, &text, &b);
	if (run) {
		char err[300];
		struct dv_recording *rec = dv_rec_read(b.p, b.n, err, sizeof err);
		if (!rec)
			fprintf(stderr, "%s: %s\n", path, err);
		CHECK(rec != NULL);
		if (rec) {
			printf("# %s: %zu events, %zu bytes, %zu messages\n", path,
			       dv_trace_len(dv_sim_trace(run->sim)), b.n, run->msgs.n);
			CHECK_EQ(dv_trace_hash(dv_sim_trace(rec->run->sim), SIZE_MAX),
			         dv_trace_hash(dv_sim_trace(run->sim), SIZE_MAX));
			CHECK_EQ(compare_states(run, rec->run), 0);
			CHECK_EQ(compare_findings(run, rec->run), 0);
			CHECK(!strcmp(rec->driver_name, "drv.so") && rec->has_driver_sha &&
			      rec->driver_sha[2] == 3);
			size_t len;
			const char *src = dv_rec_source(rec, L->file, &len);
			CHECK(src && len == strlen(text) && !memcmp(src, text, len));
			/* Nothing runs in a recording. */
			CHECK(!dv_run_next(rec->run) && !dv_run_command(rec->run, "out 0x0A 0x05"));
			/* Written again: the same bytes. */
			struct bytes again = { 0 };
			struct dv_rec_meta m = { .version = "test",
				                 .lesson_text = rec->lesson_text,
				                 .lesson_len = rec->lesson_len,
				                 .driver_name = "drv.so",
				                 .driver_sha = rec->driver_sha,
				                 .read_source = read_source };
			CHECK(dv_rec_write(rec->run, &m, put_bytes, &again));
			CHECK(again.n == b.n && !memcmp(again.p, b.p, b.n));
			free(again.p);
		}
		dv_rec_free(rec);
	}
	dv_run_destroy(run);
	dv_lesson_free(L);
	free(text);
	free(b.p);
}

static bool is_dvr(const char *path)
{
	size_t n = strlen(path);
	return n > 4 && !strcmp(path + n - 4, ".dvr");
}

/* A recording argument whose file name starts with prefix ("v1-", "v3-"). */
static bool is_dvr_named(const char *path, const char *prefix)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	return is_dvr(path) && !strncmp(base, prefix, strlen(prefix));
}

static void test_round_trips(void)
{
	for (int i = 0; i < nargs; i++)
		if (!is_dvr(args[i]))
			round_trip(args[i]);
}

/* A version-1 recording (written before output rows had a moment) is still read, its rows
 * placed at the end of the run so that no front end shows one early. */
/* Reads a recording file written in format version (NULL when it cannot be read). */
static struct dv_recording *read_old(const char *path, uint8_t version)
{
	FILE *f = fopen(path, "rb");
	CHECK(f != NULL);
	if (!f)
		return NULL;
	static uint8_t buf[1 << 16];
	size_t n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	CHECK(n > 12 && buf[8] == version);
	char err[300] = "";
	struct dv_recording *rec = dv_rec_read(buf, n, err, sizeof err);
	if (!rec)
		fprintf(stderr, "%s: %s\n", path, err);
	CHECK(rec != NULL);
	return rec;
}

static void read_v1(const char *path)
{
	struct dv_recording *rec = read_old(path, 1);
	if (!rec)
		return;
	size_t len = dv_trace_len(dv_sim_trace(rec->run->sim));
	CHECK(dv_run_rows(rec->run) > 2);
	for (size_t i = 0; i < dv_run_rows(rec->run); i++)
		CHECK_EQ(dv_run_row_pos(rec->run, i), len);
	dv_rec_free(rec);
}

static void test_version_1(void)
{
	unsigned seen = 0;
	for (int i = 0; i < nargs; i++)
		if (is_dvr_named(args[i], "v1-") && ++seen)
			read_v1(args[i]);
	CHECK(seen > 0);
}

/* The machine at pos without its wire clock, which format 5 keeps as its start
 * (nic.wire_start) where older formats rewrote the next byte time (nic.wire_due); *timer gets
 * the ticks to the next byte time, which both give. */
static uint64_t clockless_hash(struct dv_cursor *c, size_t pos, uint32_t *timer)
{
	static struct dv_state st;
	dv_cursor_seek(c, pos);
	st = c->st;
	*timer = dv_state_get(&st, &c->sim->pool, DV_SLOT_NIC_WIRE_TIMER, 0);
	st.nic.wire_due = st.nic.wire_start = 0;
	return dv_state_hash(&st, &c->sim->pool);
}

/* A recording of an older format is read as it is (its events as they were recorded) and
 * gives, at the end of every step and of the run, the machine the lesson gives when it runs
 * now, in fewer events. Format 3 came before a tick's arbitration signals became one word and
 * a transfer's and a sent byte's register steps became part of their events; format 4 before
 * the wire clock was kept as its start (and before DMA2's request bit fell with the release). */
static void read_older(const char *path, uint8_t version, const char *lesson)
{
	struct dv_recording *rec = read_old(path, version);
	struct dv_lesson *L;
	char *text;
	struct bytes b = { 0 };
	struct dv_run *run = record(lesson, &L, &text, &b);
	CHECK(run != NULL);
	if (rec && run) {
		struct dv_cursor old, now;
		dv_cursor_init(&old, rec->run->sim);
		dv_cursor_init(&now, run->sim);
		CHECK_EQ(rec->run->L->nsteps, L->nsteps);
		for (unsigned k = 0; k < L->nsteps && k < rec->run->L->nsteps; k++) {
			size_t f0, e0, f1, e1;
			uint32_t t0, t1;
			CHECK(dv_run_step_events(rec->run, k, &f0, &e0));
			CHECK(dv_run_step_events(run, k, &f1, &e1));
			CHECK_EQ(clockless_hash(&old, e0, &t0), clockless_hash(&now, e1, &t1));
			CHECK_EQ(t0, t1);
		}
		/* fewer events for the same machine */
		CHECK(dv_trace_len(dv_sim_trace(run->sim)) <
		      dv_trace_len(dv_sim_trace(rec->run->sim)));
		uint32_t t0, t1;
		CHECK_EQ(clockless_hash(&old, dv_trace_len(dv_sim_trace(rec->run->sim)), &t0),
		         clockless_hash(&now, dv_trace_len(dv_sim_trace(run->sim)), &t1));
		dv_cursor_finish(&old);
		dv_cursor_finish(&now);
	}
	dv_rec_free(rec);
	dv_run_destroy(run);
	dv_lesson_free(L);
	free(text);
	free(b.p);
}

/* Each older recording beside the lesson it was made of: v3-tour.dvr of 01-tour.lesson,
 * v4-wire.dvr of wire-clock.lesson (a frame each way, no driver). */
static void test_older_versions(void)
{
	static const struct {
		const char *prefix, *lesson;
		uint8_t version;
	} olds[] = { { "v3-", "01-tour.lesson", 3 }, { "v4-", "wire-clock.lesson", 4 } };
	for (size_t o = 0; o < sizeof olds / sizeof olds[0]; o++) {
		const char *lesson = NULL;
		for (int i = 0; i < nargs; i++)
			if (strstr(args[i], olds[o].lesson))
				lesson = args[i];
		CHECK(lesson != NULL);
		unsigned seen = 0;
		for (int i = 0; lesson && i < nargs; i++)
			if (is_dvr_named(args[i], olds[o].prefix) && ++seen)
				read_older(args[i], olds[o].version, lesson);
		CHECK(seen > 0);
	}
}

/* ---- what is refused -------------------------------------------------------------------- */

static bool refused(const uint8_t *p, size_t n, const char *want)
{
	char err[300] = "";
	struct dv_recording *rec = dv_rec_read(p, n, err, sizeof err);
	bool ok = !rec && !strncmp(err, "offset ", 7) && (!want || strstr(err, want));
	if (!ok)
		fprintf(stderr, "  read said: '%s' (wanted %s)\n", err, want ? want : "any");
	dv_rec_free(rec);
	return ok;
}

/* The checksum made to match again after a change. */
static void resum(uint8_t *p, size_t n)
{
	dv_sha256(p, n - 32 - 12, p + n - 32);
}

static size_t section_at(const uint8_t *p, size_t n, const char *tag)
{
	for (size_t at = 12; at + 12 <= n;) {
		if (!memcmp(p + at, tag, 4))
			return at;
		uint64_t len = 0;
		for (unsigned i = 8; i-- > 0;)
			len = len << 8 | p[at + 4 + i];
		at += 12 + (size_t)len;
	}
	return 0;
}

/* A copy of the recording p whose trace is nblocks blocks of 4096 events, each block the
 * 4 bytes of one run (a state change of no slot, again and again), and says count events. */
static uint8_t *runs_trace(const uint8_t *p, size_t n, uint64_t count, size_t nblocks,
                           size_t *out_n)
{
	static const uint8_t block[] = { 3, 0x80, 0xFF, 0x1F }; /* 0x80 4095: 4096 events */
	size_t trac = section_at(p, n, "TRAC");
	uint64_t old_len = 0;
	for (unsigned i = 8; i-- > 0;)
		old_len = old_len << 8 | p[trac + 4 + i];
	uint8_t head[12] = { 0 }; /* no locations, then the count */
	size_t head_n = 1;
	uint64_t v = count;
	for (; v >= 0x80; v >>= 7)
		head[head_n++] = (uint8_t)(v | 0x80);
	head[head_n++] = (uint8_t)v;
	size_t body = head_n + nblocks * sizeof block;
	size_t rest = n - trac - 12 - (size_t)old_len;
	*out_n = trac + 12 + body + rest;
	uint8_t *c = malloc(*out_n), *o = c + trac;
	memcpy(c, p, trac);
	memcpy(o, "TRAC", 4);
	for (unsigned i = 0; i < 8; i++)
		o[4 + i] = (uint8_t)((uint64_t)body >> (8 * i));
	memcpy(o + 12, head, head_n);
	for (size_t b = 0; b < nblocks; b++)
		memcpy(o + 12 + head_n + b * sizeof block, block, sizeof block);
	memcpy(o + 12 + body, p + trac + 12 + old_len, rest);
	resum(c, *out_n);
	return c;
}

/* A trace that predicts more events than a run of its lesson can make is refused before one
 * is decoded (it would take minutes); one within the bound is read. */
static void test_events_bounded(void)
{
	struct dv_lesson *L;
	char *text;
	struct bytes b = { 0 };
	struct dv_run *run = record(args[0], &L, &text, &b);
	CHECK(run != NULL);
	if (!run)
		return;
	uint64_t budget = L->budget ? L->budget : DV_SCRIPT_DEFAULT_BUDGET;
	uint64_t most = budget * DV_REC_EVENTS_PER_CYCLE + DV_REC_EVENTS_AT_ONCE;
	size_t nblocks = (size_t)(most / DV_TRACE_BLOCK + 1), n;
	uint8_t *c = runs_trace(b.p, b.n, (uint64_t)nblocks * DV_TRACE_BLOCK, nblocks, &n);
	CHECK(refused(c, n, "more than a run of this lesson makes"));
	free(c);
	c = runs_trace(b.p, b.n, (uint64_t)100 * DV_TRACE_BLOCK, 100, &n);
	char err[300] = "";
	struct dv_recording *rec = dv_rec_read(c, n, err, sizeof err);
	if (!rec)
		fprintf(stderr, "  read said: %s\n", err);
	CHECK(rec && dv_trace_len(dv_sim_trace(rec->run->sim)) == 100 * DV_TRACE_BLOCK);
	dv_rec_free(rec);
	free(c);
	dv_run_destroy(run);
	dv_lesson_free(L);
	free(text);
	free(b.p);
}

static void test_refused(void)
{
	struct dv_lesson *L;
	char *text;
	struct bytes b = { 0 };
	struct dv_run *run = record(args[0], &L, &text, &b);
	CHECK(run != NULL && b.n > 200);
	if (!run)
		return;
	/* Every cut in the header and the first sections, and a spread of the rest. */
	unsigned accepted = 0;
	for (size_t n = 0; n < b.n; n += n < 4096 ? 1 : 997)
		accepted += !refused(b.p, n, NULL);
	CHECK_EQ(accepted, 0);
	CHECK(refused(b.p, b.n - 1, "truncated"));
	CHECK(refused(b.p, 5, "not a dmaviz recording"));
	uint8_t *c = malloc(b.n);
	memcpy(c, b.p, b.n);
	/* A flipped byte anywhere before the checksum. */
	c[b.n / 2] ^= 0x40;
	CHECK(refused(c, b.n, "checksum does not match"));
	memcpy(c, b.p, b.n);
	c[8] = DV_REC_VERSION + 1;
	char next[32];
	snprintf(next, sizeof next, "version %u", DV_REC_VERSION + 1);
	CHECK(refused(c, b.n, next));
	c[8] = 0;
	CHECK(refused(c, b.n, "version 0"));
	/* Hostile sizes behind a checksum that matches. */
	memcpy(c, b.p, b.n);
	size_t meta = section_at(c, b.n, "META");
	c[meta + 12] = 0x7F; /* the version string's length: past the section */
	resum(c, b.n);
	CHECK(refused(c, b.n, "longer than 64"));
	memcpy(c, b.p, b.n);
	c[section_at(c, b.n, "SRCS") + 11] = 0x40; /* a section length of 2^62 */
	resum(c, b.n);
	CHECK(refused(c, b.n, "longer than the rest"));
	memcpy(c, b.p, b.n);
	size_t lesn = section_at(c, b.n, "LESN");
	c[lesn + 12] ^= 1; /* the lesson no longer matches its hash */
	resum(c, b.n);
	CHECK(refused(c, b.n, "SHA-256"));
	memcpy(c, b.p, b.n);
	size_t trac = section_at(c, b.n, "TRAC");
	c[trac + 12] = 0xFF; /* the trace's location count becomes a long number */
	c[trac + 13] = 0xFF;
	resum(c, b.n);
	CHECK(refused(c, b.n, NULL));
	memcpy(c, b.p, b.n);
	size_t runs = section_at(c, b.n, "RUN ");
	c[runs + 12] = 9; /* an unknown run state */
	resum(c, b.n);
	CHECK(refused(c, b.n, "run state"));
	free(c);
	dv_run_destroy(run);
	dv_lesson_free(L);
	free(text);
	free(b.p);
}

int main(int argc, char **argv)
{
	nargs = argc - 1;
	args = argv + 1;
	if (nargs < 1) {
		fprintf(stderr, "usage: test-record LESSON...\n");
		return 2;
	}
	static const struct check_case cases[] = { CHECK_CASE(test_round_trips),
		                                   CHECK_CASE(test_refused),
		                                   CHECK_CASE(test_events_bounded),
		                                   CHECK_CASE(test_version_1),
		                                   CHECK_CASE(test_older_versions) };
	return check_run(cases, 5);
}

/* dmaviz: a run written to a file and read back (recording.h; docs/trace-formats.md). The
 * trace section is the timeline's (dv_trace_save/load); this file puts the lesson, the driver's
 * identity and sources, and what the run found around it, and checks every byte on the way in:
 * the checksum first, then each size against the bytes left, so a hostile file gets a message
 * and costs at most a small multiple of its own length. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "recording.h"
#include "run_int.h"
#include "varint.h"

#define HEADER_LEN 12u   /* magic and version */
#define SECTION_HEAD 12u /* tag and 64-bit length */
#define SHA_LEN 32u

/* The sections in their order. */
static const char *const tags[] = { "META", "LESN", "SRCS", "TRAC", "RUN ", "SUM " };
enum { S_META, S_LESN, S_SRCS, S_TRAC, S_RUN, S_SUM, S_COUNT };

void dv_sha256(const void *p, size_t n, uint8_t out[32])
{
	unsigned len = SHA_LEN;
	if (!EVP_Digest(p, n, out, &len, EVP_sha256(), NULL))
		memset(out, 0, SHA_LEN);
}

bool dv_rec_is(const uint8_t *p, size_t n)
{
	return n >= DV_REC_MAGIC_LEN && memcmp(p, DV_REC_MAGIC, DV_REC_MAGIC_LEN) == 0;
}

static void put_le(uint8_t *b, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		b[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(const uint8_t *b, unsigned n)
{
	uint64_t v = 0;
	for (unsigned i = n; i-- > 0;)
		v = v << 8 | b[i];
	return v;
}

/* ---- writing ------------------------------------------------------------------------------ */

struct writer {
	bool (*put)(void *ctx, const void *p, size_t n);
	void *ctx;
	EVP_MD_CTX *md;
	bool counting; /* the first pass over a section only measures it */
	uint64_t count;
	const struct dv_run *run;
	const struct dv_rec_meta *meta;
	struct dv_rec_source *src; /* the sources found, read once */
	size_t nsrc;
};

static bool writer_put(void *c, const void *p, size_t n)
{
	struct writer *w = c;
	if (w->counting) {
		w->count += n;
		return true;
	}
	return EVP_DigestUpdate(w->md, p, n) && w->put(w->ctx, p, n);
}

static void meta_body(struct dv_sink *s, const struct writer *w)
{
	const struct dv_rec_meta *m = w->meta;
	const char *drv = m->driver_name ? m->driver_name : "";
	uint8_t sha[SHA_LEN];
	dv_sha256(m->lesson_text, m->lesson_len, sha);
	dv_sink_string(s, m->version, strlen(m->version));
	dv_sink_string(s, w->run->L->file, strlen(w->run->L->file));
	dv_sink_string(s, sha, SHA_LEN);
	dv_sink_string(s, drv, strlen(drv));
	dv_sink_string(s, m->driver_sha, m->driver_sha ? SHA_LEN : 0);
	dv_sink_varint(s, (w->run->opt.strict ? 1u : 0u) | (w->run->opt.learner ? 2u : 0u));
}

static void srcs_body(struct dv_sink *s, const struct writer *w)
{
	dv_sink_varint(s, w->nsrc);
	for (size_t i = 0; i < w->nsrc; i++) {
		dv_sink_string(s, w->src[i].file, strlen(w->src[i].file));
		dv_sink_string(s, w->src[i].text, w->src[i].len);
	}
}

static void record_body(struct dv_sink *s, const struct dv_call_record *r)
{
	dv_sink_varint(s, r->call);
	dv_sink_varint(s, r->loc);
	for (unsigned k = 0; k < 6; k++)
		dv_sink_varint(s, r->arg[k]);
	dv_sink_varint(s, (uint32_t)r->status);
	dv_sink_varint(s, r->returned);
	dv_sink_varint(s, r->channel);
	dv_sink_varint(s, r->cycle);
	dv_sink_varint(s, r->npages);
	for (unsigned k = 0; k < DV_CALL_PAGES; k++)
		dv_sink_varint(s, r->page[k]);
}

static void run_body(struct dv_sink *s, const struct writer *w)
{
	const struct dv_run *run = w->run;
	dv_sink_varint(s, run->state);
	dv_sink_varint(s, run->pc);
	dv_sink_varint(s, (uint64_t)(run->cur + 1));
	dv_sink_varint(s, run->L->nsteps);
	for (size_t k = 0; k < run->L->nsteps; k++) {
		dv_sink_varint(s, run->step_flags[k]);
		dv_sink_varint(s, run->step_first[k]);
		dv_sink_varint(s, run->step_end[k]);
	}
	const struct dv_msgs *m = &run->msgs;
	dv_sink_varint(s, m->n);
	dv_sink_varint(s, m->dropped);
	for (size_t i = 0; i < m->n; i++) {
		const struct dv_msg *g = &m->v[i];
		dv_sink_varint(s, g->kind);
		dv_sink_varint(s, g->line);
		dv_sink_varint(s, g->col);
		dv_sink_varint(s, g->cycle);
		dv_sink_string(s, g->text, strlen(g->text));
		dv_sink_varint(s, g->hint != NULL);
		if (g->hint)
			dv_sink_string(s, g->hint, strlen(g->hint));
	}
	dv_sink_varint(s, run->nrows);
	for (size_t i = 0; i < run->nrows; i++) {
		dv_sink_string(s, run->rows[i], strlen(run->rows[i]));
		dv_sink_varint(s, run->row_pos[i]);
	}
	size_t nrec = dv_ndis_record_count(run->ndis);
	dv_sink_varint(s, nrec);
	for (size_t i = 0; i < nrec; i++)
		record_body(s, dv_ndis_record(run->ndis, (uint32_t)i));
}

static void body(struct dv_sink *s, const struct writer *w, unsigned sec)
{
	switch (sec) {
	case S_META: meta_body(s, w); break;
	case S_LESN: dv_sink_bytes(s, w->meta->lesson_text, w->meta->lesson_len); break;
	case S_SRCS: srcs_body(s, w); break;
	case S_TRAC:
		s->ok = s->ok && dv_trace_save(dv_sim_trace(w->run->sim), s->put, s->ctx);
		break;
	case S_RUN: run_body(s, w); break;
	}
}

/* A section: measured in a first pass, then its head and its body. */
static bool section(struct writer *w, unsigned sec)
{
	struct dv_sink s = { writer_put, w, true };
	w->counting = true;
	w->count = 0;
	body(&s, w, sec);
	w->counting = false;
	uint8_t head[SECTION_HEAD];
	memcpy(head, tags[sec], 4);
	put_le(head + 4, w->count, 8);
	dv_sink_bytes(&s, head, sizeof head);
	body(&s, w, sec);
	return s.ok;
}

/* The source files the trace names, read once through the caller (the lesson's own file is
 * the lesson section). */
static bool find_sources(struct writer *w)
{
	const struct dv_trace *t = dv_sim_trace(w->run->sim);
	w->src = calloc(DV_REC_MAX_SOURCES, sizeof *w->src);
	if (!w->src)
		return false;
	for (uint16_t id = 1; dv_trace_get_loc(t, id) && w->nsrc < DV_REC_MAX_SOURCES; id++) {
		const char *file = dv_trace_get_loc(t, id)->file;
		bool seen = !strcmp(file, w->run->L->file);
		for (size_t i = 0; i < w->nsrc && !seen; i++)
			seen = !strcmp(w->src[i].file, file);
		if (seen || !w->meta->read_source)
			continue;
		size_t len = 0;
		char *text = w->meta->read_source(w->meta->ctx, file, &len);
		if (!text || len > DV_REC_MAX_SOURCE_BYTES) {
			free(text);
			continue;
		}
		w->src[w->nsrc].file = strdup(file);
		w->src[w->nsrc].text = text;
		w->src[w->nsrc].len = len;
		if (!w->src[w->nsrc++].file)
			return false;
	}
	return true;
}

bool dv_rec_write(const struct dv_run *run, const struct dv_rec_meta *meta,
                  bool (*put)(void *ctx, const void *p, size_t n), void *ctx)
{
	struct writer w = { .put = put, .ctx = ctx, .run = run, .meta = meta };
	w.md = EVP_MD_CTX_new();
	bool ok = w.md && EVP_DigestInit_ex(w.md, EVP_sha256(), NULL) && find_sources(&w);
	uint8_t head[HEADER_LEN];
	memcpy(head, DV_REC_MAGIC, DV_REC_MAGIC_LEN);
	put_le(head + DV_REC_MAGIC_LEN, DV_REC_VERSION, 4);
	ok = ok && writer_put(&w, head, sizeof head);
	for (unsigned sec = 0; sec < S_SUM && ok; sec++)
		ok = section(&w, sec);
	uint8_t sum[SECTION_HEAD + SHA_LEN];
	memcpy(sum, tags[S_SUM], 4);
	put_le(sum + 4, SHA_LEN, 8);
	unsigned len = SHA_LEN;
	ok = ok && EVP_DigestFinal_ex(w.md, sum + SECTION_HEAD, &len) && put(ctx, sum, sizeof sum);
	EVP_MD_CTX_free(w.md);
	for (size_t i = 0; i < w.nsrc; i++) {
		free(w.src[i].file);
		free(w.src[i].text);
	}
	free(w.src);
	return ok;
}

/* ---- reading ------------------------------------------------------------------------------ */

struct reader {
	const uint8_t *p;
	size_t n;
	size_t at[S_COUNT], len[S_COUNT]; /* each section's body */
	char *err;
	size_t errsz;
	struct dv_recording *rec;
	uint32_t version;
};

static bool bad(struct reader *r, size_t offset, const char *what)
{
	snprintf(r->err, r->errsz, "offset %zu: %s", offset, what);
	return false;
}

/* The header and the section heads: each in its place, none past the end, the checksum. */
static bool read_layout(struct reader *r)
{
	if (!dv_rec_is(r->p, r->n))
		return bad(r, 0, "not a dmaviz recording (it does not start with DVREC)");
	if (r->n < HEADER_LEN)
		return bad(r, r->n, "the file ends inside the header");
	uint32_t version = (uint32_t)get_le(r->p + DV_REC_MAGIC_LEN, 4);
	/* Version 1 had no moment for the output rows; its rows are read as written at the end.
	 * Versions 1 and 2 recorded a tick's counters (docs/trace-formats.md): read as they are. */
	r->version = version;
	if (version < 1 || version > DV_REC_VERSION) {
		char what[120];
		snprintf(what, sizeof what,
		         "recording format version %u; this dmaviz reads versions 1 to %u", version,
		         DV_REC_VERSION);
		return bad(r, DV_REC_MAGIC_LEN, what);
	}
	size_t at = HEADER_LEN;
	for (unsigned sec = 0; sec < S_COUNT; sec++) {
		if (r->n - at < SECTION_HEAD)
			return bad(r, at,
			           "the file ends before all its sections (it is truncated)");
		if (memcmp(r->p + at, tags[sec], 4)) {
			char what[80];
			snprintf(what, sizeof what, "expected the %.4s section here", tags[sec]);
			return bad(r, at, what);
		}
		uint64_t len = get_le(r->p + at + 4, 8);
		if (len > r->n - at - SECTION_HEAD)
			return bad(r, at + 4,
			           "a section longer than the rest of the file (truncated?)");
		r->at[sec] = at + SECTION_HEAD;
		r->len[sec] = (size_t)len;
		at += SECTION_HEAD + (size_t)len;
	}
	if (r->len[S_SUM] != SHA_LEN)
		return bad(r, r->at[S_SUM] - 8, "the checksum is not 32 bytes");
	if (at != r->n)
		return bad(r, at, "bytes after the checksum");
	uint8_t sha[SHA_LEN];
	dv_sha256(r->p, r->at[S_SUM] - SECTION_HEAD, sha);
	if (memcmp(sha, r->p + r->at[S_SUM], SHA_LEN))
		return bad(r, r->at[S_SUM], "the checksum does not match: the file is corrupt");
	return true;
}

static struct dv_source section_source(struct reader *r, unsigned sec)
{
	struct dv_source s = { r->p + r->at[sec], r->len[sec], 0, r->at[sec], r->err,
		               r->errsz,          false };
	return s;
}

static bool section_end(struct dv_source *s)
{
	if (!s->bad && s->at != s->n)
		dv_source_fail(s, "bytes left at the end of a section");
	return !s->bad;
}

/* 32 bytes, or none when empty is allowed. */
static bool read_sha(struct dv_source *s, uint8_t out[32], bool *present)
{
	size_t n = (size_t)dv_source_varint(s, SHA_LEN, "a hash longer than 32 bytes");
	const uint8_t *p = dv_source_bytes(s, n, "a hash runs past the section");
	if (p && n != SHA_LEN && (!present || n != 0))
		dv_source_fail(s, "a hash that is not 32 bytes");
	if (!s->bad && n)
		memcpy(out, p, SHA_LEN);
	if (present)
		*present = n != 0;
	return !s->bad;
}

static bool read_meta(struct reader *r, char **lesson_name, unsigned *flags)
{
	struct dv_recording *rec = r->rec;
	struct dv_source s = section_source(r, S_META);
	rec->version = dv_source_string(&s, 64, "a version longer than 64 bytes");
	*lesson_name = dv_source_string(&s, 4096, "a lesson name longer than 4096 bytes");
	read_sha(&s, rec->lesson_sha, NULL);
	rec->driver_name = dv_source_string(&s, 4096, "a driver name longer than 4096 bytes");
	read_sha(&s, rec->driver_sha, &rec->has_driver_sha);
	*flags = (unsigned)dv_source_varint(&s, 3, "unknown run flags");
	return section_end(&s);
}

static bool read_lesson(struct reader *r)
{
	struct dv_recording *rec = r->rec;
	if (r->len[S_LESN] > DV_SCRIPT_MAX_FILE)
		return bad(r, r->at[S_LESN], "a lesson longer than 1 MiB");
	uint8_t sha[SHA_LEN];
	dv_sha256(r->p + r->at[S_LESN], r->len[S_LESN], sha);
	if (memcmp(sha, rec->lesson_sha, SHA_LEN))
		return bad(r, r->at[S_LESN], "the lesson's text does not match its SHA-256");
	rec->lesson_text = malloc(r->len[S_LESN] + 1);
	if (!rec->lesson_text)
		return bad(r, r->at[S_LESN], "out of memory");
	memcpy(rec->lesson_text, r->p + r->at[S_LESN], r->len[S_LESN]);
	rec->lesson_text[r->len[S_LESN]] = '\0';
	rec->lesson_len = r->len[S_LESN];
	return true;
}

static bool read_sources(struct reader *r)
{
	struct dv_recording *rec = r->rec;
	struct dv_source s = section_source(r, S_SRCS);
	size_t n = (size_t)dv_source_varint(&s, DV_REC_MAX_SOURCES, "more than 256 source files");
	rec->src = s.bad ? NULL : calloc(n ? n : 1, sizeof *rec->src);
	if (!s.bad && !rec->src)
		dv_source_fail(&s, "out of memory");
	for (size_t i = 0; i < n && !s.bad; i++) {
		struct dv_rec_source *f = &rec->src[rec->nsrc++];
		f->file = dv_source_string(&s, 4096, "a source file name longer than 4096 bytes");
		f->len = (size_t)dv_source_varint(&s, DV_REC_MAX_SOURCE_BYTES,
		                                  "a source file longer than 8 MiB");
		const uint8_t *p =
		        dv_source_bytes(&s, f->len, "a source file runs past the section");
		f->text = p ? malloc(f->len + 1) : NULL;
		if (p && !f->text)
			dv_source_fail(&s, "out of memory");
		if (f->text) {
			memcpy(f->text, p, f->len);
			f->text[f->len] = '\0';
		}
	}
	return section_end(&s);
}

/* The lesson parsed and a run created for it that runs nothing: its machine gets the trace. */
static bool make_run(struct reader *r, const char *name, unsigned flags)
{
	struct dv_recording *rec = r->rec;
	struct dv_msgs msgs;
	dv_msgs_init(&msgs);
	rec->lesson = dv_lesson_parse(name, rec->lesson_text, rec->lesson_len, &msgs);
	if (!rec->lesson) {
		char what[600];
		snprintf(what, sizeof what,
		         "the recorded lesson does not parse with this dmaviz: %s",
		         msgs.n ? msgs.v[0].text : "?");
		dv_msgs_finish(&msgs);
		return bad(r, r->at[S_LESN], what);
	}
	dv_msgs_finish(&msgs);
	struct dv_run_options o = { .strict = flags & 1u, .learner = (flags & 2u) != 0 };
	rec->run = dv_run_create(rec->lesson, &o);
	if (!rec->run)
		return bad(r, r->at[S_LESN], "out of memory");
	/* What creating said (no driver given, no compare file) is the recording's to say. */
	dv_msgs_finish(&rec->run->msgs);
	dv_msgs_init(&rec->run->msgs);
	rec->run->recorded = true;
	rec->run->pc = rec->lesson->nstmts;
	return true;
}

static bool read_trace(struct reader *r)
{
	char why[200];
	const struct dv_lesson *L = r->rec->lesson;
	uint64_t budget = L->budget ? L->budget : DV_SCRIPT_DEFAULT_BUDGET;
	uint64_t most = budget * DV_REC_EVENTS_PER_CYCLE + DV_REC_EVENTS_AT_ONCE;
	if (!dv_sim_load(r->rec->run->sim, r->p + r->at[S_TRAC], r->len[S_TRAC], most, why,
	                 sizeof why)) {
		/* Its offsets count from the section's start: say the file's. */
		const char *rest = strchr(why, ':');
		size_t off = strncmp(why, "offset ", 7) ? 0 : (size_t)strtoull(why + 7, NULL, 10);
		return bad(r, r->at[S_TRAC] + off, rest ? rest + 2 : why);
	}
	return true;
}

static void read_steps(struct dv_source *s, struct dv_run *run)
{
	size_t len = dv_trace_len(dv_sim_trace(run->sim));
	run->state = (enum dv_run_state)dv_source_varint(s, DV_RUN_STOPPED, "an unknown run state");
	(void)dv_source_varint(s, SIZE_MAX, "a statement index over the address space");
	uint64_t cur = dv_source_varint(s, run->L->nsteps, "a current step past the lesson's");
	run->cur = (int)cur - 1;
	if (dv_source_varint(s, run->L->nsteps, "more steps than the lesson has") != run->L->nsteps)
		dv_source_fail(s, "fewer steps than the lesson has");
	for (size_t k = 0; k < run->L->nsteps && !s->bad; k++) {
		run->step_flags[k] = (uint8_t)dv_source_varint(s, STEP_STARTED | STEP_CLOSED,
		                                               "unknown step flags");
		run->step_first[k] = (size_t)dv_source_varint(s, len, "a step past the trace");
		run->step_end[k] = (size_t)dv_source_varint(s, len, "a step past the trace");
		if (!s->bad && run->step_first[k] > run->step_end[k] &&
		    (run->step_flags[k] & STEP_CLOSED))
			dv_source_fail(s, "a step that ends before it starts");
	}
}

static void read_msgs(struct dv_source *s, struct dv_run *run)
{
	/* A message takes at least 6 bytes. */
	size_t n = (size_t)dv_source_varint(s, (s->n - s->at) / 6, "more messages than bytes");
	size_t dropped = (size_t)dv_source_varint(s, SIZE_MAX, "");
	for (size_t i = 0; i < n && !s->bad; i++) {
		enum dv_msg_kind kind = (enum dv_msg_kind)dv_source_varint(
		        s, DV_MSG_NOTE, "an unknown message kind");
		uint32_t line = (uint32_t)dv_source_varint(s, UINT32_MAX, "a line over 32 bits");
		uint32_t col = (uint32_t)dv_source_varint(s, UINT32_MAX, "a column over 32 bits");
		uint64_t cycle = dv_source_varint(s, UINT64_MAX, "");
		char *text = dv_source_string(s, 1023, "a message longer than 1023 bytes");
		char *hint = dv_source_varint(s, 1, "a bad hint flag") ?
		                     dv_source_string(s, 1023, "a hint longer than 1023 bytes") :
		                     NULL;
		if (text)
			dv_msgs_add(&run->msgs, kind, line, col, cycle, hint, "%s", text);
		free(text);
		free(hint);
	}
	run->msgs.dropped += dropped;
}

static void read_rows(struct dv_source *s, struct dv_run *run, uint32_t version)
{
	size_t len = dv_trace_len(dv_sim_trace(run->sim)), pos = 0;
	size_t n = (size_t)dv_source_varint(s, s->n - s->at, "more rows than bytes");
	for (size_t i = 0; i < n && !s->bad; i++) {
		char *row = dv_source_string(s, DV_SCRIPT_MAX_FILE, "a row longer than 1 MiB");
		size_t at = version < 2 ?
		                    len :
		                    (size_t)dv_source_varint(s, len, "a row past the trace's end");
		if (at < pos)
			dv_source_fail(s, "a row written before the row above it");
		pos = at;
		if (row && !s->bad && !dv_run_row_append(run, row, at))
			dv_source_fail(s, "out of memory");
		else if (row && s->bad)
			free(row);
	}
}

static void read_records(struct dv_source *s, struct dv_run *run)
{
	/* A record takes at least 17 bytes (a byte a field). */
	size_t n = (size_t)dv_source_varint(s, (s->n - s->at) / 17, "more call records than bytes");
	for (size_t i = 0; i < n && !s->bad; i++) {
		struct dv_call_record c;
		memset(&c, 0, sizeof c);
		c.call = (uint16_t)dv_source_varint(s, DV_CALL_COUNT - 1, "an unknown NDIS call");
		c.loc = (uint16_t)dv_source_varint(s, UINT16_MAX, "a location over 16 bits");
		for (unsigned k = 0; k < 6; k++)
			c.arg[k] = (uint32_t)dv_source_varint(s, UINT32_MAX,
			                                      "an argument over 32 bits");
		c.status =
		        (int32_t)(uint32_t)dv_source_varint(s, UINT32_MAX, "a status over 32 bits");
		c.returned = (uint8_t)dv_source_varint(s, 1, "a bad returned flag");
		c.channel = (uint8_t)dv_source_varint(s, UINT8_MAX, "a channel over 8 bits");
		c.cycle = dv_source_varint(s, UINT64_MAX, "");
		c.npages = (uint32_t)dv_source_varint(s, UINT32_MAX, "a page count over 32 bits");
		for (unsigned k = 0; k < DV_CALL_PAGES; k++)
			c.page[k] =
			        (uint32_t)dv_source_varint(s, UINT32_MAX, "a page over 32 bits");
		if (!s->bad && !dv_ndis_record_append(run->ndis, &c))
			dv_source_fail(s, "out of memory");
	}
}

static bool read_run(struct reader *r)
{
	struct dv_source s = section_source(r, S_RUN);
	struct dv_run *run = r->rec->run;
	read_steps(&s, run);
	read_msgs(&s, run);
	read_rows(&s, run, r->version);
	read_records(&s, run);
	return section_end(&s);
}

struct dv_recording *dv_rec_read(const uint8_t *p, size_t n, char *err, size_t errsz)
{
	char dummy[1];
	struct reader r = {
		.p = p, .n = n, .err = errsz ? err : dummy, .errsz = errsz ? errsz : sizeof dummy
	};
	r.err[0] = '\0';
	r.rec = calloc(1, sizeof *r.rec);
	if (!r.rec) {
		bad(&r, 0, "out of memory");
		return NULL;
	}
	char *name = NULL;
	unsigned flags = 0;
	bool ok = read_layout(&r) && read_meta(&r, &name, &flags) && read_lesson(&r) &&
	          read_sources(&r) && make_run(&r, name, flags) && read_trace(&r) && read_run(&r);
	free(name);
	if (!ok) {
		dv_rec_free(r.rec);
		return NULL;
	}
	return r.rec;
}

void dv_rec_free(struct dv_recording *rec)
{
	if (!rec)
		return;
	dv_run_destroy(rec->run);
	dv_lesson_free(rec->lesson);
	for (size_t i = 0; i < rec->nsrc; i++) {
		free(rec->src[i].file);
		free(rec->src[i].text);
	}
	free(rec->src);
	free(rec->lesson_text);
	free(rec->version);
	free(rec->driver_name);
	free(rec);
}

const char *dv_rec_source(const struct dv_recording *rec, const char *file, size_t *len)
{
	if (rec->lesson && rec->lesson->file && !strcmp(file, rec->lesson->file)) {
		*len = rec->lesson_len;
		return rec->lesson_text;
	}
	for (size_t i = 0; i < rec->nsrc; i++)
		if (rec->src[i].file && rec->src[i].text && !strcmp(rec->src[i].file, file)) {
			*len = rec->src[i].len;
			return rec->src[i].text;
		}
	return NULL;
}

/* dmaviz: the trace (src/timeline/trace.h): pushing and truncating events, the source-location table,
 * the trace hash, the names of notes, sources and event kinds, and the trace section of a
 * recording (trace_io.c: save and load, and what load refuses). */
#include <stdlib.h>
#include <string.h>

#include "calls.h"
#include "check.h"
#include "state.h"
#include "verifier.h"
#include "trace.h"
#include "../bytes.h"

static struct dv_event event(uint32_t i)
{
	struct dv_event e;
	memset(&e, 0, sizeof e);
	e.cycle = 1000u + i;
	e.index = i;
	e.old_value = i * 3u;
	e.new_value = i * 7u;
	e.kind = (uint16_t)(i % DV_EV_KIND_COUNT);
	e.slot = (uint16_t)(i % 97u);
	e.src = (uint8_t)(i % DV_SRC_COUNT);
	e.chan = (uint8_t)(i % 9u == 8u ? 0xFF : i % 9u);
	return e;
}

static void test_layout(void)
{
	/* Events are compared and written byte for byte: no hidden padding (trace.h). */
	CHECK_EQ(sizeof(struct dv_event), 8 + 4 + 4 + 4 + 2 + 2 + 2 + 1 + 1 + 4);
	struct dv_trace t;
	dv_trace_init(&t);
	CHECK_EQ(t.len, 0);
	CHECK(dv_trace_at(&t, 0) == NULL);
	CHECK_EQ(t.nlocs, 0);
	CHECK(!t.failed);
	CHECK_EQ(dv_trace_hash(&t, 0), dv_trace_hash(&t, 100));
	dv_trace_finish(&t);
	dv_trace_finish(NULL); /* harmless */
}

static void test_push_and_truncate(void)
{
	struct dv_trace t;
	dv_trace_init(&t);
	/* Past the first allocation (4096 events) and several doublings. */
	const uint32_t n = 20000;
	bool pushed = true;
	for (uint32_t i = 0; i < n; i++) {
		struct dv_event e = event(i);
		pushed = dv_trace_push(&t, &e) && pushed;
		e.index = 0xDEAD; /* the trace keeps a copy */
	}
	CHECK(pushed);
	CHECK_EQ(t.len, n);
	CHECK(!t.failed);
	unsigned bad = 0;
	for (uint32_t i = 0; i < n; i++) {
		struct dv_event e = event(i);
		bad += memcmp(dv_trace_at(&t, i), &e, sizeof e) != 0;
	}
	CHECK_EQ(bad, 0);
	/* Truncating drops events from n on; asking for more than there are changes nothing. */
	dv_trace_truncate(&t, n + 10);
	CHECK_EQ(t.len, n);
	dv_trace_truncate(&t, n);
	CHECK_EQ(t.len, n);
	dv_trace_truncate(&t, 5000);
	CHECK_EQ(t.len, 5000);
	CHECK_EQ(dv_trace_at(&t, 4999)->index, 4999);
	/* The next push lands where the truncation ended. */
	struct dv_event x = event(123456);
	CHECK(dv_trace_push(&t, &x));
	CHECK_EQ(t.len, 5001);
	CHECK_EQ(dv_trace_at(&t, 5000)->index, 123456);
	CHECK_EQ(dv_trace_at(&t, 4999)->index, 4999);
	dv_trace_truncate(&t, 0);
	CHECK_EQ(t.len, 0);
	CHECK(dv_trace_push(&t, &x));
	CHECK_EQ(dv_trace_at(&t, 0)->cycle, x.cycle);
	dv_trace_finish(&t);
	CHECK_EQ(t.len, 0);
	CHECK(dv_trace_at(&t, 0) == NULL);
	dv_trace_finish(&t); /* twice is harmless */
}

/* The block code of periodic traffic: a period of five events whose kinds, causes, cycles
 * and indexes repeat and step, while some values follow no pattern (a data byte; a byte and
 * the one it replaced; a FIFO slot's index that wraps), interrupted now and then. Every
 * event must decode as it was pushed, in sealed blocks and in the tail. */
static void test_periodic_code(void)
{
	struct dv_trace t;
	dv_trace_init(&t);
	const uint32_t n = 3 * DV_TRACE_BLOCK + 777;
	uint32_t x = 12345;
	struct dv_event *want = calloc(n, sizeof *want);
	CHECK(want != NULL);
	if (!want)
		return;
	for (uint32_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		uint32_t k = i / 5, r = (x >> 16) & 0xFF;
		struct dv_event *e = &want[i];
		e->cycle = 100u + 4u * k + (i % 5 > 1);
		e->src = DV_SRC_NIC;
		e->chan = 1;
		switch (i % 5) {
		case 0: /* a byte on the wire: new data */
			e->kind = DV_EV_WIRE;
			e->index = 0;
			e->old_value = 1;
			e->new_value = r;
			break;
		case 1: /* a FIFO slot: wrapping index, old and new bytes */
			e->kind = DV_EV_STATE;
			e->slot = 40;
			e->index = k % 16;
			e->old_value = (x >> 8) & 0xFF;
			e->new_value = r;
			break;
		case 2: /* a word that toggles: predicted */
			e->kind = DV_EV_STATE;
			e->slot = 7;
			e->old_value = 0x10;
			e->new_value = 0x30;
			e->src = DV_SRC_MACHINE;
			break;
		case 3: /* a transfer: stepping address, old byte in the top byte, new data */
			e->kind = DV_EV_XFER;
			e->index = 0x10000 + k;
			e->old_value = DV_XFER_TO_MEMORY | 1u << 8 | DV_XFER_STEPS | DV_XFER_MEM |
			               ((x >> 24) & 0xFFu) << 24;
			e->new_value = r ^ 0x5A;
			e->src = DV_SRC_DMA;
			break;
		default: /* the release, now and then a note instead */
			e->kind = (x & 0x300) == 0 ? DV_EV_NOTE : DV_EV_STATE;
			e->slot = 7;
			e->old_value = 0x30;
			e->new_value = 0x10;
			e->src = DV_SRC_MACHINE;
			break;
		}
		CHECK(dv_trace_push(&t, e));
	}
	CHECK(dv_trace_nblocks(&t) >= 3);
	unsigned bad = 0;
	for (uint32_t i = 0; i < n; i++)
		bad += memcmp(dv_trace_at(&t, i), &want[i], sizeof want[i]) != 0;
	CHECK_EQ(bad, 0);
	/* and it was coded as periodic: the values' differences, a few bytes an event (each
	 * event spelled out would take 12 or more) */
	CHECK(t.nblocks >= 2);
	CHECK(t.nbytes < t.nblocks * DV_TRACE_BLOCK * 4);
	free(want);
	dv_trace_finish(&t);
}

static void test_read_functions(void)
{
	struct dv_trace t;
	dv_trace_init(&t);
	CHECK_EQ(dv_trace_len(&t), 0);
	CHECK(dv_trace_at(&t, 0) == NULL);
	CHECK_EQ(dv_trace_len(NULL), 0);
	for (uint32_t i = 0; i < 10; i++) {
		struct dv_event e = event(i);
		CHECK(dv_trace_push(&t, &e));
	}
	CHECK_EQ(dv_trace_len(&t), 10);
	CHECK_EQ(dv_trace_at(&t, 0)->index, 0);
	CHECK_EQ(dv_trace_at(&t, 9)->index, 9);
	CHECK(dv_trace_at(&t, 10) == NULL);
	dv_trace_truncate(&t, 3);
	CHECK_EQ(dv_trace_len(&t), 3);
	CHECK(dv_trace_at(&t, 3) == NULL);
	dv_trace_finish(&t);
}

static void test_locations(void)
{
	struct dv_trace t;
	dv_trace_init(&t);
	/* 0 means "no location". */
	CHECK_EQ(dv_trace_loc(&t, NULL, 10), 0);
	CHECK(dv_trace_get_loc(&t, 0) == NULL);
	CHECK(dv_trace_get_loc(&t, 1) == NULL);
	char file[32];
	strcpy(file, "driver.c");
	uint16_t a = dv_trace_loc(&t, file, 10);
	CHECK_EQ(a, 1);
	/* The trace keeps its own copy of the name. */
	strcpy(file, "XXXXXX.c");
	const struct dv_loc *la = dv_trace_get_loc(&t, a);
	CHECK(la && strcmp(la->file, "driver.c") == 0 && la->line == 10);
	/* The same file:line is one id; another line or another file is another id. */
	CHECK_EQ(dv_trace_loc(&t, "driver.c", 10), a);
	uint16_t b = dv_trace_loc(&t, "driver.c", 11);
	uint16_t c = dv_trace_loc(&t, "other.c", 10);
	CHECK(b != a && c != a && c != b && b != 0 && c != 0);
	CHECK_EQ(dv_trace_loc(&t, "other.c", 10), c);
	CHECK(dv_trace_get_loc(&t, (uint16_t)(c + 1)) == NULL);
	/* Past the table's first allocation (64): every id still answers with its own. */
	uint16_t ids[300];
	for (uint32_t i = 0; i < 300; i++)
		ids[i] = dv_trace_loc(&t, i % 2 ? "odd.c" : "even.c", i);
	unsigned bad = 0;
	for (uint32_t i = 0; i < 300; i++) {
		const struct dv_loc *l = dv_trace_get_loc(&t, ids[i]);
		bad += !l || l->line != i || strcmp(l->file, i % 2 ? "odd.c" : "even.c") != 0;
		bad += dv_trace_loc(&t, i % 2 ? "odd.c" : "even.c", i) != ids[i];
	}
	CHECK_EQ(bad, 0);
	la = dv_trace_get_loc(&t, a);
	CHECK(la && strcmp(la->file, "driver.c") == 0 && la->line == 10);
	/* Locations outlive a truncation of the events. */
	struct dv_event e = event(1);
	e.loc = b;
	dv_trace_push(&t, &e);
	dv_trace_truncate(&t, 0);
	CHECK_EQ(dv_trace_loc(&t, "driver.c", 11), b);
	dv_trace_finish(&t);
	CHECK_EQ(t.nlocs, 0);
	CHECK(t.locs == NULL);
}

static void test_location_ids_run_out(void)
{
	/* Ids are 16 bits: 0xFFFE distinct locations, then 0 ("none") for any new one, while
	 * the known ones keep answering. */
	struct dv_trace t;
	dv_trace_init(&t);
	uint16_t last = 0;
	for (uint32_t line = 1; line <= 0xFFFE; line++)
		last = dv_trace_loc(&t, "many.c", line);
	CHECK_EQ(last, 0xFFFE);
	CHECK_EQ(dv_trace_loc(&t, "many.c", 0x10000), 0);
	CHECK_EQ(dv_trace_loc(&t, "new.c", 1), 0);
	CHECK_EQ(dv_trace_loc(&t, "many.c", 0xFFFE), 0xFFFE);
	CHECK_EQ(dv_trace_loc(&t, "many.c", 1), 1);
	const struct dv_loc *l = dv_trace_get_loc(&t, 0xFFFE);
	CHECK(l && l->line == 0xFFFE);
	CHECK(dv_trace_get_loc(&t, 0xFFFF) == NULL);
	dv_trace_finish(&t);
}

/* FNV-1a, written out here from its definition: offset basis 0xcbf29ce484222325, prime
 * 0x100000001b3, one byte at a time; fields little-endian. */
static uint64_t ref_bytes(uint64_t h, uint64_t v, int n)
{
	for (int i = 0; i < n; i++) {
		h ^= (v >> (8 * i)) & 0xFF;
		h *= 0x100000001b3ull;
	}
	return h;
}

static uint64_t ref_hash(const struct dv_trace *t, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < n && i < t->len; i++) {
		const struct dv_event *e = dv_trace_at(t, i);
		h = ref_bytes(h, e->cycle, 8);
		h = ref_bytes(h, e->index, 4);
		h = ref_bytes(h, e->old_value, 4);
		h = ref_bytes(h, e->new_value, 4);
		h = ref_bytes(h, e->kind, 2);
		h = ref_bytes(h, e->slot, 2);
		h = ref_bytes(h, e->src, 1);
		h = ref_bytes(h, e->chan, 1);
		const struct dv_loc *l = dv_trace_get_loc(t, e->loc);
		if (l) {
			for (const char *p = l->file; *p; p++)
				h = ref_bytes(h, (uint8_t)*p, 1);
			h = ref_bytes(h, l->line, 4);
		}
	}
	return h;
}

/* The hash of a copy of t (its locations interned in the same order) whose event `at` is
 * *repl. */
static uint64_t hash_edited(const struct dv_trace *t, size_t at, const struct dv_event *repl)
{
	struct dv_trace c;
	dv_trace_init(&c);
	for (uint16_t id = 1; dv_trace_get_loc(t, id); id++)
		dv_trace_loc(&c, dv_trace_get_loc(t, id)->file, dv_trace_get_loc(t, id)->line);
	for (size_t i = 0; i < dv_trace_len(t); i++)
		dv_trace_push(&c, i == at ? repl : dv_trace_at(t, i));
	uint64_t h = dv_trace_hash(&c, dv_trace_len(&c));
	dv_trace_finish(&c);
	return h;
}

static void test_hash(void)
{
	struct dv_trace t;
	dv_trace_init(&t);
	/* No events: the FNV-1a offset basis. */
	CHECK_EQ(dv_trace_hash(&t, 0), 0xcbf29ce484222325ull);
	uint16_t loc = dv_trace_loc(&t, "drv.c", 42);
	for (uint32_t i = 0; i < 50; i++) {
		struct dv_event e = event(i);
		e.loc = i % 5 == 0 ? loc : 0;
		dv_trace_push(&t, &e);
	}
	/* FNV-1a of the fields, not the padding, with each location by content (trace.h). */
	for (size_t n = 0; n <= 50; n += 7)
		CHECK_EQ(dv_trace_hash(&t, n), ref_hash(&t, n));
	uint64_t h = dv_trace_hash(&t, 50);
	CHECK_EQ(dv_trace_hash(&t, 51), h); /* n is clamped to the length */
	CHECK(dv_trace_hash(&t, 49) != h);
	/* The padding is not hashed. */
	struct dv_event e = *dv_trace_at(&t, 10);
	e.pad_ = 0x12345678u;
	CHECK_EQ(hash_edited(&t, 10, &e), h);
	/* Every field is. */
	const struct dv_event saved = *dv_trace_at(&t, 20);
	for (unsigned f = 0; f < 8; f++) {
		e = saved;
		switch (f) {
		case 0: e.cycle++; break;
		case 1: e.index ^= 1; break;
		case 2: e.old_value ^= 0x80000000u; break;
		case 3: e.new_value ^= 1; break;
		case 4: e.kind ^= 0x100; break;
		case 5: e.slot ^= 1; break;
		case 6: e.src ^= 1; break;
		default: e.chan ^= 1; break;
		}
		CHECK(hash_edited(&t, 20, &e) != h);
	}
	CHECK_EQ(hash_edited(&t, 20, &saved), h);
	/* A location is hashed by its file and line, not its id: another trace that interned
	 * other locations first gives the same hash; another line does not. */
	struct dv_trace u;
	dv_trace_init(&u);
	dv_trace_loc(&u, "first.c", 1);
	uint16_t uloc = dv_trace_loc(&u, "drv.c", 42);
	CHECK(uloc != loc);
	for (uint32_t i = 0; i < 50; i++) {
		struct dv_event x = event(i);
		x.loc = i % 5 == 0 ? uloc : 0;
		dv_trace_push(&u, &x);
	}
	CHECK_EQ(dv_trace_hash(&u, 50), h);
	e = *dv_trace_at(&u, 5);
	e.loc = dv_trace_loc(&u, "drv.c", 43);
	CHECK(hash_edited(&u, 5, &e) != h);
	e.loc = 0;
	CHECK(hash_edited(&u, 5, &e) != h);
	dv_trace_finish(&u);
	dv_trace_finish(&t);
}

static void test_names(void)
{
	/* Every note has an id and a sentence; ids are distinct. */
	for (unsigned n = 0; n < DV_NOTE_COUNT; n++) {
		const char *id = dv_note_id((enum dv_note)n), *text = dv_note_text((enum dv_note)n);
		CHECK(id && text && strlen(id) > 2 && strlen(text) > 10);
		for (unsigned m = n + 1; m < DV_NOTE_COUNT; m++)
			CHECK(strcmp(id, dv_note_id((enum dv_note)m)) != 0);
	}
	CHECK(strcmp(dv_note_id(DV_NOTE_PAGE_WRAP), "PAGE_WRAP") == 0);
	CHECK(strstr(dv_note_text(DV_NOTE_PAGE_WRAP), "page register") != NULL);
	CHECK(strcmp(dv_note_id(DV_NOTE_COUNT), "?") == 0);
	CHECK(strcmp(dv_note_text(DV_NOTE_COUNT), "?") == 0);
	/* Sources and kinds: the words the event log and `dmaviz trace` print. */
	static const char *const src[DV_SRC_COUNT] = { "machine", "cpu",    "dma", "nic",
		                                       "peer",    "driver", "hal", "script" };
	for (unsigned s = 0; s < DV_SRC_COUNT; s++)
		CHECK(strcmp(dv_src_name((enum dv_src)s), src[s]) == 0);
	CHECK(strcmp(dv_src_name(DV_SRC_COUNT), "?") == 0);
	static const char *const kind[DV_EV_KIND_COUNT] = { "state",    "out",  "in",   "xfer",
		                                            "wire",     "note", "call", "return",
		                                            "verifier", "mark" };
	for (unsigned k = 0; k < DV_EV_KIND_COUNT; k++)
		CHECK(strcmp(dv_ev_kind_name((enum dv_ev_kind)k), kind[k]) == 0);
	CHECK(strcmp(dv_ev_kind_name(DV_EV_KIND_COUNT), "?") == 0);
	CHECK(strcmp(dv_ev_kind_name((enum dv_ev_kind) - 1), "?") == 0);
}

/* ---- the trace section (trace_io.c) ---------------------------------------------------- */

/* A trace with locations, events on them, a cycle that goes back and one far ahead. */
static void sample_trace(struct dv_trace *t, uint32_t n)
{
	dv_trace_init(t);
	uint16_t a = dv_trace_loc(t, "driver.c", 12);
	uint16_t b = dv_trace_loc(t, "../lib/ndis helper.c", 0xFFFFFFFFu);
	for (uint32_t i = 0; i < n; i++) {
		struct dv_event e = event(i);
		e.kind = (uint16_t)(i % DV_EV_KIND_COUNT);
		/* Sub-ids the loader knows: a slot, a note, a call or a rule. */
		if (e.kind == DV_EV_STATE)
			e.slot = (uint16_t)(i % DV_SLOT_COUNT);
		else if (e.kind == DV_EV_NOTE)
			e.slot = (uint16_t)(i % DV_NOTE_COUNT);
		else if (e.kind == DV_EV_CALL || e.kind == DV_EV_RETURN)
			e.slot = (uint16_t)(i % DV_CALL_COUNT);
		else if (e.kind == DV_EV_VERIFIER)
			e.slot = (uint16_t)(i % DV_RULE_COUNT);
		e.loc = i % 3 == 0 ? 0 : i % 3 == 1 ? a : b;
		e.new_value = i == 5 ? 0xFFFFFFFFu : e.new_value;
		e.cycle = i == 7 ? 3 : i == 9 ? (uint64_t)1 << 40 : e.cycle;
		dv_trace_push(t, &e);
	}
}

static void test_save_load(void)
{
	struct dv_trace t, u;
	sample_trace(&t, 2 * DV_TRACE_BLOCK + 3000); /* two sealed blocks and the tail */
	struct bytes b = { 0 };
	CHECK(dv_trace_save(&t, put_bytes, &b));
	char err[200];
	CHECK(dv_trace_load(&u, b.p, b.n, UINT64_MAX, err, sizeof err));
	CHECK_EQ(dv_trace_len(&u), dv_trace_len(&t));
	CHECK_EQ(dv_trace_hash(&u, SIZE_MAX), dv_trace_hash(&t, SIZE_MAX));
	unsigned bad = 0;
	for (size_t i = 0; i < dv_trace_len(&t) && i < dv_trace_len(&u); i++) {
		const struct dv_event *x = dv_trace_at(&t, i), *y = dv_trace_at(&u, i);
		const struct dv_loc *lx = dv_trace_get_loc(&t, x->loc),
		                    *ly = dv_trace_get_loc(&u, y->loc);
		struct dv_event xa = *x, ya = *y;
		xa.loc = ya.loc = 0;
		bad += memcmp(&xa, &ya, sizeof xa) != 0 || !lx != !ly ||
		       (lx && (lx->line != ly->line || strcmp(lx->file, ly->file)));
	}
	CHECK_EQ(bad, 0);
	/* Its whole blocks were taken as coded, and its kind index is the same. */
	CHECK_EQ(u.nblocks, 2);
	for (size_t i = 0; i <= dv_trace_len(&t); i += 997)
		bad += dv_trace_prev(&u, i, DV_TRACE_INDEXED) !=
		       dv_trace_prev(&t, i, DV_TRACE_INDEXED);
	CHECK_EQ(bad, 0);
	/* Saving the loaded trace gives the same bytes. */
	struct bytes c = { 0 };
	CHECK(dv_trace_save(&u, put_bytes, &c));
	CHECK(c.n == b.n && memcmp(c.p, b.p, b.n) == 0);
	/* A table that names a place twice (driver.c:12 first and second, the helper third): the
	 * loader maps the file's numbers to its own (1 and 2 -> 1, 3 -> 2), so the blocks, whose
	 * events name 1 and 2, are coded again with the new numbers, not taken as they are. */
	static const uint8_t table[] = { 3,   12,   8,    'd',  'r',  'i',  'v', 'e', 'r', '.',
		                         'c', 12,   8,    'd',  'r',  'i',  'v', 'e', 'r', '.',
		                         'c', 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 20,  '.', '.', '/',
		                         'l', 'i',  'b',  '/',  'n',  'd',  'i', 's', ' ', 'h',
		                         'e', 'l',  'p',  'e',  'r',  '.',  'c' };
	const size_t old_table = 1 + 10 + 26; /* 2 places: driver.c:12, the helper's */
	struct bytes m = { 0 };
	put_bytes(&m, table, sizeof table);
	put_bytes(&m, b.p + old_table, b.n - old_table);
	struct dv_trace w;
	CHECK(dv_trace_load(&w, m.p, m.n, UINT64_MAX, err, sizeof err));
	CHECK_EQ(dv_trace_len(&w), dv_trace_len(&t));
	bad = 0;
	for (size_t i = 0; i < dv_trace_len(&t) && i < dv_trace_len(&w); i++) {
		struct dv_event x = *dv_trace_at(&t, i), y = *dv_trace_at(&w, i);
		bad += y.loc != (x.loc == 2 ? 1 : x.loc); /* file number 2 is driver.c:12 now */
		x.loc = y.loc = 0;
		bad += memcmp(&x, &y, sizeof x) != 0;
	}
	CHECK_EQ(bad, 0);
	dv_trace_finish(&w);
	free(m.p);
	/* A put that fails stops the save. */
	struct bytes d = { .fail_after = b.n / 2 };
	CHECK(!dv_trace_save(&t, put_bytes, &d));
	/* An empty trace is a few bytes and loads back empty. */
	struct dv_trace e0, e1;
	dv_trace_init(&e0);
	struct bytes z = { 0 };
	CHECK(dv_trace_save(&e0, put_bytes, &z));
	CHECK_EQ(z.n, 2);
	CHECK(dv_trace_load(&e1, z.p, z.n, UINT64_MAX, err, sizeof err));
	CHECK_EQ(dv_trace_len(&e1), 0);
	dv_trace_finish(&e1);
	free(z.p);
	free(b.p);
	free(c.p);
	free(d.p);
	dv_trace_finish(&t);
	dv_trace_finish(&u);
}

static bool load_fails(const uint8_t *p, size_t n, const char *want)
{
	struct dv_trace t;
	char err[200] = "unset";
	bool ok = dv_trace_load(&t, p, n, UINT64_MAX, err, sizeof err);
	bool told = strncmp(err, "offset ", 7) == 0 && (!want || strstr(err, want));
	if (!told)
		fprintf(stderr, "  load said: %s\n", err);
	CHECK_EQ(dv_trace_len(&t), 0);
	dv_trace_finish(&t);
	return !ok && told;
}

static void test_load_refuses(void)
{
	struct dv_trace t;
	sample_trace(&t, 40);
	struct bytes b = { 0 };
	CHECK(dv_trace_save(&t, put_bytes, &b));
	dv_trace_finish(&t);
	/* Every truncation is refused with an offset. */
	unsigned accepted = 0;
	for (size_t n = 0; n < b.n; n++)
		accepted += !load_fails(b.p, n, NULL);
	CHECK_EQ(accepted, 0);
	/* A byte too many. */
	uint8_t *more = malloc(b.n + 1);
	memcpy(more, b.p, b.n);
	more[b.n] = 0;
	CHECK(load_fails(more, b.n + 1, "bytes left"));
	free(more);
	free(b.p);
	/* Hostile counts cost no memory beyond the input. */
	static const uint8_t many_locs[] = { 0xFF, 0xFF, 0x03 };
	CHECK(load_fails(many_locs, sizeof many_locs, "source locations"));
	static const uint8_t many_events[] = { 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F };
	CHECK(load_fails(many_events, sizeof many_events, "more events"));
	static const uint8_t long_number[] = { 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
		                               0xFF, 0xFF, 0xFF, 0xFF, 0x7F };
	CHECK(load_fails(long_number, sizeof long_number, "64 bits"));
	static const uint8_t long_name[] = { 0x01, 0x01, 0x81, 0x20, 'a' };
	CHECK(load_fails(long_name, sizeof long_name, "longer than 4096"));
	static const uint8_t nul_name[] = { 0x01, 0x01, 0x02, 'a', 0x00, 0x00 };
	CHECK(load_fails(nul_name, sizeof nul_name, "NUL"));
	/* One event: no locations, one event, one block of L bytes: an op byte whose bits name
	 * the fields that differ from the prediction (here an event of zeros), then each
	 * difference as a zigzag varint (1 cycle, 2 index, 4 old, 8 new, 16 kind, 32 slot), then
	 * for 64 the source and channel bytes and the location varint (trace.c). */
	static const uint8_t bad_kind[] = { 0x00, 0x01, 0x03, 0x10, 0xFE, 0x01 };
	CHECK(load_fails(bad_kind, sizeof bad_kind, "event kind"));
	static const uint8_t bad_loc[] = { 0x00, 0x01, 0x05, 0x50, 0x02, 0x00, 0x00, 0x05 };
	CHECK(load_fails(bad_loc, sizeof bad_loc, "location"));
	static const uint8_t bad_src[] = { 0x00, 0x01, 0x05, 0x50, 0x02, 0x7F, 0x00, 0x00 };
	CHECK(load_fails(bad_src, sizeof bad_src, "source"));
	static const uint8_t bad_slot[] = { 0x00, 0x01, 0x04, 0x20, 0xFE, 0xFF, 0x01 };
	CHECK(load_fails(bad_slot, sizeof bad_slot, "slot"));
	static const uint8_t bad_note[] = { 0x00, 0x01, 0x04, 0x30, 2 * DV_EV_NOTE, 0xFE, 0x01 };
	CHECK(load_fails(bad_note, sizeof bad_note, "note"));
	static const uint8_t bad_rule[] = { 0x00, 0x01, 0x04, 0x30, 2 * DV_EV_VERIFIER, 0xFE, 0x01 };
	CHECK(load_fails(bad_rule, sizeof bad_rule, "rule"));
	/* A block that says it is longer than the section, and a damaged code. */
	static const uint8_t long_block[] = { 0x00, 0x01, 0x09, 0x10, 0x02 };
	CHECK(load_fails(long_block, sizeof long_block, "past the end"));
	static const uint8_t damaged[] = { 0x00, 0x01, 0x02, 0x81, 0x05 };
	CHECK(load_fails(damaged, sizeof damaged, "damaged"));
	static const uint8_t good[] = { 0x00, 0x01, 0x02, 0x10, 0x02 };
	char err[100];
	CHECK(dv_trace_load(&t, good, sizeof good, UINT64_MAX, err, sizeof err));
	CHECK_EQ(dv_trace_len(&t), 1);
	dv_trace_finish(&t);
	/* More events than the caller's bound: refused at the count, before any block. */
	CHECK(!dv_trace_load(&t, good, sizeof good, 0, err, sizeof err));
	CHECK(!strcmp(err, "offset 1: 1 events, more than a run of this lesson makes (0)"));
	CHECK_EQ(dv_trace_len(&t), 0);
	dv_trace_finish(&t);
}

/* The last (first) event before (at or after) a position of some kinds, by a plain walk. */
static size_t walk_prev(const struct dv_trace *t, size_t before, unsigned kinds)
{
	while (before-- > 0)
		if (kinds >> dv_trace_at(t, before)->kind & 1u)
			return before;
	return SIZE_MAX;
}

static size_t walk_next(const struct dv_trace *t, size_t from, unsigned kinds)
{
	for (; from < dv_trace_len(t); from++)
		if (kinds >> dv_trace_at(t, from)->kind & 1u)
			return from;
	return SIZE_MAX;
}

/* dv_trace_prev and dv_trace_next (the kind index) agree with a walk over every event, for
 * random kinds and positions, after truncates and pushes again, after a save and load, and
 * when the index is lost (the walk they fall back to). */
static void test_kind_index(void)
{
	struct dv_trace t;
	dv_trace_init(&t);
	uint64_t x = 12345;
	unsigned bad = 0, found = 0;
	size_t cut = 0;
	for (unsigned round = 0; round < 3; round++) {
		for (uint32_t i = 0; i < 30000; i++) {
			x = x * 6364136223846793005ull + 1442695040888963407ull;
			struct dv_event e = event(i);
			/* mostly bus-cycle events (STATE, XFER), now and then a rarer kind */
			e.kind = (uint16_t)((x >> 33) % 50 < 47 ?
			                            (x >> 40) % 2 ? DV_EV_STATE : DV_EV_XFER :
			                            (x >> 40) % DV_EV_KIND_COUNT);
			dv_trace_push(&t, &e);
		}
		for (unsigned k = 0; k < 400; k++) {
			x = x * 6364136223846793005ull + 1442695040888963407ull;
			size_t pos = (size_t)((x >> 20) % (dv_trace_len(&t) + 2));
			unsigned kinds = (unsigned)(x >> 50) & DV_TRACE_INDEXED;
			size_t p = dv_trace_prev(&t, pos, kinds), w = walk_prev(&t, pos, kinds);
			bad += p != w;
			found += p != SIZE_MAX;
			bad += dv_trace_next(&t, pos, kinds) != walk_next(&t, pos, kinds);
		}
		/* Every position near the last cut, each kind alone: what the cut dropped is
		 * gone from the index, what came after it is there. */
		for (size_t pos = cut > 40 ? cut - 40 : 0; round > 0 && pos < cut + 40; pos++)
			for (unsigned kind = 0; kind < DV_EV_KIND_COUNT; kind++) {
				if (!(DV_TRACE_INDEXED >> kind & 1u))
					continue;
				bad += dv_trace_prev(&t, pos, 1u << kind) !=
				       walk_prev(&t, pos, 1u << kind);
				bad += dv_trace_next(&t, pos, 1u << kind) !=
				       walk_next(&t, pos, 1u << kind);
			}
		cut = dv_trace_len(&t) / 2 + 17; /* into a sealed block */
		dv_trace_truncate(&t, cut);
	}
	CHECK_EQ(bad, 0);
	CHECK(found > 600);
	CHECK_EQ(dv_trace_prev(&t, 0, DV_TRACE_INDEXED), SIZE_MAX);
	CHECK_EQ(dv_trace_next(&t, dv_trace_len(&t), DV_TRACE_INDEXED), SIZE_MAX);
	/* A kind the index does not keep, or a lost index: the walk. */
	size_t n = dv_trace_len(&t);
	CHECK_EQ(dv_trace_prev(&t, n, 1u << DV_EV_XFER), walk_prev(&t, n, 1u << DV_EV_XFER));
	t.kinds_lost = true;
	CHECK_EQ(dv_trace_prev(&t, n, 1u << DV_EV_CALL), walk_prev(&t, n, 1u << DV_EV_CALL));
	CHECK_EQ(dv_trace_next(&t, 5, 1u << DV_EV_MARK), walk_next(&t, 5, 1u << DV_EV_MARK));
	dv_trace_finish(&t);
}

/* ---- records ------------------------------------------------------------------------------ */

/* Event i of a run shaped like a machine's: bus cycles of a few events each, an act (a port
 * write, a transfer, a mark) or a bare state change first, then state changes by devices, the
 * act's source or another actor; one cycle of 5000 changes after a port write (a record longer
 * than a block). */
static struct dv_event rec_event(uint32_t i)
{
	static const uint8_t kinds[] = { DV_EV_PORT_OUT, DV_EV_XFER, DV_EV_MARK,
		                         DV_EV_STATE,    DV_EV_WIRE, DV_EV_NOTE };
	struct dv_event e;
	memset(&e, 0, sizeof e);
	uint32_t h = i * 2654435761u;
	if (i >= 6000 && i < 11000) { /* the long cycle */
		e.cycle = 6000;
		e.kind = i == 6000 ? DV_EV_PORT_OUT : DV_EV_STATE;
		e.src = i == 6000 ? DV_SRC_DRIVER : (h >> 7) % 2 ? DV_SRC_DRIVER : DV_SRC_NIC;
		return e;
	}
	e.cycle = i / 5u + (i >= 11000 ? 1000u : 0u);
	bool first = i % 5u == 0;
	e.kind = first ? kinds[(h >> 3) % 6] :
	                 ((h >> 5) % 7 == 0 ? kinds[(h >> 9) % 6] : DV_EV_STATE);
	e.slot = e.kind == DV_EV_NOTE ? (uint16_t)((h >> 11) % DV_NOTE_COUNT) : (uint16_t)(h % 50);
	e.src = (uint8_t)((h >> 13) % DV_SRC_COUNT);
	return e;
}

static bool device(uint8_t src)
{
	return src == DV_SRC_MACHINE || src == DV_SRC_DMA || src == DV_SRC_NIC ||
	       src == DV_SRC_PEER;
}

/* The rule, written out once more: an event begins a record unless it is a state change or a
 * note (not of an interrupt taken or a DPC run) in the head's cycle, by the head's source or a
 * device. */
static bool begins(const struct dv_event *head, const struct dv_event *e)
{
	bool act = e->kind != DV_EV_STATE &&
	           (e->kind != DV_EV_NOTE || e->slot == DV_NOTE_IRQ_DELIVERED ||
	            e->slot == DV_NOTE_DPC_RUN);
	return !head || act || e->cycle != head->cycle || (e->src != head->src && !device(e->src));
}

/* starts[k]: where record k begins; returns how many, with below[p] the records in [0, p). */
static size_t reference(uint32_t n, size_t *starts, size_t *below)
{
	size_t k = 0;
	struct dv_event head, e;
	for (uint32_t i = 0; i < n; i++) {
		below[i] = k;
		e = rec_event(i);
		if (begins(k ? &head : NULL, &e)) {
			starts[k++] = i;
			head = e;
		}
	}
	below[n] = k;
	return k;
}

static unsigned records_differ(const struct dv_trace *t, uint32_t n, const size_t *starts,
                               const size_t *below, size_t nrec, uint32_t stride)
{
	unsigned bad = 0;
	for (uint32_t p = 0; p <= n; p += stride)
		bad += dv_trace_records(t, p) != below[p];
	bad += dv_trace_records(t, n) != nrec;
	for (size_t k = 0; k < nrec; k += stride)
		bad += dv_trace_record_start(t, k) != starts[k];
	bad += dv_trace_record_start(t, nrec) != n;
	return bad;
}

static void test_records(void)
{
	const uint32_t n = 4 * DV_TRACE_BLOCK + 1234;
	size_t *starts = malloc((n + 1) * sizeof *starts), *below = malloc((n + 1) * sizeof *below);
	if (!starts || !below) {
		CHECK(starts && below);
		free(starts);
		free(below);
		return;
	}
	size_t nrec = reference(n, starts, below);
	CHECK(nrec > n / 4 && nrec < n / 2);     /* most records hold several events */
	CHECK_EQ(below[11000] - below[6000], 1); /* the long cycle is one record */
	struct dv_trace t;
	dv_trace_init(&t);
	for (uint32_t i = 0; i < n; i++) {
		struct dv_event e = rec_event(i);
		dv_trace_push(&t, &e);
	}
	CHECK_EQ(records_differ(&t, n, starts, below, nrec, 1), 0);
	/* The shared rule is the one written out above. */
	unsigned bad = 0;
	for (size_t k = 0; k + 1 < nrec; k++)
		for (size_t i = starts[k] + 1; i < starts[k + 1] && i < starts[k] + 8; i++) {
			struct dv_event h = rec_event((uint32_t)starts[k]),
			                e = rec_event((uint32_t)i);
			bad += !dv_event_consequence(&h, &e);
		}
	CHECK_EQ(bad, 0);
	/* Truncated anywhere (inside the long record, at a block's start, inside a block) and
	 * recorded again, the counts are the same; so they are for a trace loaded from a file
	 * (its blocks taken whole). */
	static const uint32_t cuts[] = { 9000, 2 * DV_TRACE_BLOCK, 3 * DV_TRACE_BLOCK + 17, 1, 0 };
	for (size_t c = 0; c < sizeof cuts / sizeof cuts[0]; c++) {
		dv_trace_truncate(&t, cuts[c]);
		CHECK_EQ(dv_trace_records(&t, cuts[c]), below[cuts[c]]);
		for (uint32_t i = cuts[c]; i < n; i++) {
			struct dv_event e = rec_event(i);
			dv_trace_push(&t, &e);
		}
		CHECK_EQ(records_differ(&t, n, starts, below, nrec, 97), 0);
	}
	struct bytes b = { 0 };
	CHECK(dv_trace_save(&t, put_bytes, &b));
	struct dv_trace u;
	char err[200];
	CHECK(dv_trace_load(&u, b.p, b.n, UINT64_MAX, err, sizeof err));
	CHECK(u.nblocks == 4); /* whole blocks taken as coded */
	CHECK_EQ(records_differ(&u, n, starts, below, nrec, 13), 0);
	free(b.p);
	dv_trace_finish(&u);
	dv_trace_finish(&t);
	free(starts);
	free(below);
}

CHECK_MAIN(CHECK_CASE(test_layout), CHECK_CASE(test_records), CHECK_CASE(test_push_and_truncate),
           CHECK_CASE(test_periodic_code), CHECK_CASE(test_kind_index),
           CHECK_CASE(test_read_functions), CHECK_CASE(test_locations),
           CHECK_CASE(test_location_ids_run_out), CHECK_CASE(test_hash), CHECK_CASE(test_names),
           CHECK_CASE(test_save_load), CHECK_CASE(test_load_refuses))

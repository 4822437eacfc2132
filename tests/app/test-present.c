/* dmaviz: the presentation layout (ui/app/present.h) at every stop of every shipped lesson at
 * 1280x720, 1920x1080, 1366x768 and 1024x600, laid out with the fixed metrics of the shipped
 * font (no SDL), checked as layout-check.h checks both layouts:
 *
 * - every region is there, inside the picture, and no two overlap;
 * - no text outside its box (a box of the diagram, else its region) or the picture;
 * - no two text runs overlap;
 * - narration fits its region, or its region scrolls and says there is more;
 *
 * and as only this layout promises: every text run in a box, values and labels at least 1/36
 * of the height, narration at least 1/30, no text dim. Then the lecture facts in the regions:
 * the call ribbon, the address map and the cache in the flush, 64k, above16m, subrange, busy
 * and autoinit lessons; at every stop, the map's hex rows show bytes of the NDIS_BUFFER its
 * heading names (or of its bounce buffer, and say so).
 * Usage: test-present LESSONS-DIR */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "files.h"
#include "lecture.h"
#include "present.h"
#include "scene.h"
#include "session.h"
#include "../checkf.h"
#include "layout-check.h"

static const char *lessons_dir;

/* The presentation layout's own rules of a text run: in a box; values and labels at least
 * 1/36 of the height, narration at least 1/30; nothing dim. */
static void check_run(const struct dv_scene *sc, const struct dv_sitem *it, const char *where)
{
	const char *t = dv_sitem_text(sc, it);
	int tl = (int)it->len;
	bool narr = it->region >= 0 && !strcmp(sc->box[it->region].name, "narration");
	int min = narr ? (sc->h + 29) / 30 : (sc->h + 35) / 36;
	CHECK(it->box >= 0, "%s: text '%.*s' in no box", where, tl, t);
	CHECK(it->px >= min, "%s: '%.*s' at %d px", where, tl, t, it->px);
	CHECK(it->color != DV_WC_dim, "%s: '%.*s' is dim", where, tl, t);
}

static void *open_present(struct dv_session *ss)
{
	struct dv_present *p = malloc(sizeof *p);
	if (p)
		dv_present_init(p, ss);
	return p;
}

static void close_present(void *l)
{
	dv_present_finish(l);
	free(l);
}

/* One moment at one size: the regions, the text runs, the narration. */
static void present_at(void *l, struct dv_session *ss, struct dv_scene *sc, const char *where)
{
	struct dv_present *p = l;
	p->ask = dv_session_ask(ss);
	dv_present_compose(p, sc);
	lc_check_regions(sc, dv_pregion_names, DV_PR_COUNT, where);
	lc_check_texts(sc, where, check_run);
	lc_check_fits(sc, "narration", p->narr_lines, p->narr_rows, where);
	lc_check_current_shown(ss, p->ask, &p->narr, p->narr_at.scroll, p->narr_rows, where);
}

static void test_layout(void)
{
	static const struct lc_layout present = { open_present, present_at, close_present };
	size_t scenes = lc_walk_all(lessons_dir, &present);
	CHECK(scenes > 400, "only %zu scenes", scenes);
}

/* ---- the lecture facts in the regions ---------------------------------------------------------- */

/* Does a text run of region name (on the row at y, or on any row when y is ANY_ROW) contain
 * needle? */
#define ANY_ROW INT_MIN
static bool row_has(const struct dv_scene *sc, const char *name, int y, const char *needle)
{
	const struct dv_sbox *r = dv_scene_box_named(sc, name);
	size_t nl = strlen(needle);
	for (size_t i = 0; r && i < sc->n; i++) {
		const struct dv_sitem *it = &sc->item[i];
		if (it->kind != DV_SI_TEXT || it->region < 0 || &sc->box[it->region] != r ||
		    (y != ANY_ROW && it->y != y))
			continue;
		const char *t = dv_sitem_text(sc, it);
		for (size_t k = 0; k + nl <= it->len; k++)
			if (!memcmp(t + k, needle, nl))
				return true;
	}
	return false;
}

static bool region_has(const struct dv_scene *sc, const char *name, const char *needle)
{
	return row_has(sc, name, ANY_ROW, needle);
}

/* What a lesson must show somewhere in its walk: a text in a region, or a hit. */
struct want {
	const char *lesson, *region, *text, *hit;
	bool seen;
};

struct lecture_walk {
	struct want *w;
	size_t nw;
	const char *name;
	struct dv_present p;
	struct dv_scene sc;
};

static bool lecture_wants(void *ctx, const char *name)
{
	struct lecture_walk *lw = ctx;
	for (size_t k = 0; k < lw->nw; k++)
		if (!strncmp(name, lw->w[k].lesson, strlen(lw->w[k].lesson)))
			return true;
	return false;
}

/* One stop at 1280x720: the ribbon says the lecture's call; what the lesson must show. */
static void lecture_stop(void *ctx, struct dv_session *ss, unsigned st, unsigned stop)
{
	struct lecture_walk *lw = ctx;
	(void)stop;
	lw->p.ask = dv_session_ask(ss);
	dv_scene_reset(&lw->sc, 1280, 720);
	dv_present_compose(&lw->p, &lw->sc);
	/* The ribbon says the lecture's call, as far as its width allows. */
	struct dv_lect_ribbon rb;
	dv_lecture_ribbon(&ss->view, &rb);
	char head[24];
	size_t hl = strlen(rb.text) < 23 ? strlen(rb.text) : 23;
	memcpy(head, rb.text, hl);
	head[hl] = '\0';
	CHECK(!rb.has_call || region_has(&lw->sc, "ribbon", head),
	      "%s step %u: the ribbon does not say '%s'", lw->name, st, rb.text);
	for (size_t k = 0; k < lw->nw; k++) {
		struct want *w = &lw->w[k];
		if (!strncmp(lw->name, w->lesson, strlen(w->lesson)) &&
		    region_has(&lw->sc, w->region, w->text) &&
		    (!w->hit || dv_scene_hit_named(&lw->sc, w->hit)))
			w->seen = true;
	}
}

static void lecture_lesson(void *ctx, struct dv_session *ss, const char *name)
{
	struct lecture_walk *lw = ctx;
	lw->name = name;
	dv_present_init(&lw->p, ss);
	lc_stops(ss, lecture_stop, lw);
	dv_present_finish(&lw->p);
}

static void test_lecture(void)
{
	struct want w[] = {
		{ "06-busy", "ribbon", "NDIS_STATUS_RESOURCES", NULL, false },
		{ "06-busy", "ribbon", "receive in progress", "ribbon:badge", false },
		{ "08-64k", "map", "crosses 0x020000, wraps to 0x010000", "wrap", false },
		{ "09-above16m", "map", "above 16 MiB", "line16m", false },
		{ "09-above16m", "map", "copied back", "bounce", false },
		{ "07-subrange", "ribbon", "Offset", "subrange", false },
		{ "10-flush", "map", "STALE", "cache", false },
		{ "10-flush", "map", "fresh", "cache", false },
		{ "13-autoinit", "map", "ring write", "ring:pointer", false },
	};
	struct lecture_walk lw = { .w = w, .nw = sizeof w / sizeof w[0] };
	dv_scene_init(&lw.sc, dv_scene_mono, NULL);
	lc_lessons(lessons_dir, lecture_wants, lecture_lesson, &lw);
	for (size_t k = 0; k < lw.nw; k++)
		CHECK(w[k].seen, "%s never shows '%s' in its %s region%s%s", w[k].lesson, w[k].text,
		      w[k].region, w[k].hit ? " with a hit " : "", w[k].hit ? w[k].hit : "");
	dv_scene_finish(&lw.sc);
}

/* ---- the map's heading and its hex rows ---------------------------------------------------- */

/* The topmost text run of region name that take takes (NULL: none). */
static const struct dv_sitem *region_run(const struct dv_scene *sc, const char *name,
                                         bool (*take)(const char *t, size_t len))
{
	const struct dv_sbox *r = dv_scene_box_named(sc, name);
	const struct dv_sitem *best = NULL;
	for (size_t i = 0; r && i < sc->n; i++) {
		const struct dv_sitem *it = &sc->item[i];
		if (it->kind == DV_SI_TEXT && it->region >= 0 && &sc->box[it->region] == r &&
		    take(dv_sitem_text(sc, it), it->len) && (!best || it->y < best->y))
			best = it;
	}
	return best;
}

static bool is_heading(const char *t, size_t len)
{
	return len > 12 && !memcmp(t, "NDIS_BUFFER ", 12);
}

/* A hex row: its address, six hex digits and a space (the block bar's label has no space). */
static bool is_hex_row(const char *t, size_t len)
{
	if (len < 7 || t[6] != ' ')
		return false;
	for (size_t k = 0; k < 6; k++)
		if (!strchr("0123456789abcdef", t[k]))
			return false;
	return true;
}

struct rows_walk {
	const char *name;
	struct dv_present p;
	struct dv_scene sc;
	size_t checked; /* stops with a buffer heading and hex rows */
};

/* Bytes [row, row + 8) and [first, first + len) share one. */
static bool row_in(uint32_t row, uint32_t first, uint32_t len)
{
	return len && row < first + len && first < row + 8;
}

/* One stop at 1280x720: when the map's heading names an NDIS_BUFFER ("tx: 60 B at
 * 0x100000"), its first hex row holds bytes of that buffer, or of the bounce buffer the HAL
 * uses for it when the row says "bounce". */
static void rows_stop(void *ctx, struct dv_session *ss, unsigned st, unsigned stop)
{
	struct rows_walk *rw = ctx;
	rw->p.ask = dv_session_ask(ss);
	dv_scene_reset(&rw->sc, 1280, 720);
	dv_present_compose(&rw->p, &rw->sc);
	const struct dv_sitem *head = region_run(&rw->sc, "map", is_heading);
	const struct dv_sitem *row = region_run(&rw->sc, "map", is_hex_row);
	if (!head || !row)
		return;
	char text[160];
	snprintf(text, sizeof text, "%.*s", (int)head->len, dv_sitem_text(&rw->sc, head));
	const char *at = strstr(text, " B at 0x");
	const char *num = at;
	while (num && num > text && num[-1] >= '0' && num[-1] <= '9')
		num--;
	CHECK(at && num < at, "%s step %u.%u: heading '%s' names no size and address", rw->name,
	      dv_view_step_number(&ss->view, st), stop, text);
	if (!at || num >= at)
		return;
	uint32_t len = (uint32_t)strtoul(num, NULL, 10);
	uint32_t first = (uint32_t)strtoul(at + 8, NULL, 16);
	uint32_t r0 = (uint32_t)strtoul(dv_sitem_text(&rw->sc, row), NULL, 16);
	rw->checked++;
	if (row_in(r0, first, len))
		return;
	struct dv_lect_map m;
	dv_lecture_map(&ss->view, &m);
	bool bounce = row_has(&rw->sc, "map", row->y, "bounce") && m.bounced &&
	              row_in(r0, m.bounce_phys, m.bounce_len);
	CHECK(bounce, "%s step %u.%u: the map says '%s' but its hex rows start at 0x%06x", rw->name,
	      dv_view_step_number(&ss->view, st), stop, text, r0);
}

static void rows_lesson(void *ctx, struct dv_session *ss, const char *name)
{
	struct rows_walk *rw = ctx;
	rw->name = name;
	dv_present_init(&rw->p, ss);
	lc_stops(ss, rows_stop, rw);
	dv_present_finish(&rw->p);
}

static void test_rows(void)
{
	struct rows_walk rw = { 0 };
	dv_scene_init(&rw.sc, dv_scene_mono, NULL);
	lc_lessons(lessons_dir, NULL, rows_lesson, &rw);
	CHECK(rw.checked > 50, "only %zu stops with a buffer and hex rows", rw.checked);
	printf("# %zu stops with a buffer's heading and hex rows\n", rw.checked);
	dv_scene_finish(&rw.sc);
}

/* --notes: a step's whole narration and its questions with their answers. */
static void test_notes(void)
{
	char path[4096], err[4096];
	snprintf(path, sizeof path, "%s/03-send.lesson", lessons_dir);
	struct dv_session_options o = { 0 };
	struct dv_session *ss = dv_session_open(path, &o, err, sizeof err);
	CHECK(ss != NULL, "%s: %s", path, err);
	if (!ss)
		return;
	int k = dv_present_step_index(ss, 2);
	FILE *f = tmpfile();
	CHECK(k >= 0 && f, "send has no step 2");
	if (k < 0 || !f)
		return;
	dv_present_notes(ss, (unsigned)k, f);
	rewind(f);
	char buf[16384];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	const struct dv_step *st = &ss->lesson->steps[k];
	CHECK(strstr(buf, st->title) && st->nparas && strstr(buf, st->paras[st->nparas - 1]),
	      "the notes lack the step's title or its last paragraph:\n%s", buf);
	CHECK(strstr(buf, "Question: ") && strstr(buf, "  answer: 0x09"),
	      "the notes lack the question and its answer:\n%s", buf);
	dv_session_close(ss);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: test-present LESSONS-DIR\n");
		return 2;
	}
	lessons_dir = argv[1];
	static const struct checkf_case tests[] = {
		{ "every stop of every lesson at four sizes: regions, boxes, sizes", test_layout },
		{ "the ribbon, the address map and the cache carry the lecture facts",
		  test_lecture },
		{ "the map's hex rows show bytes of the buffer its heading names", test_rows },
		{ "the teacher's notes", test_notes },
	};
	return CHECKF_RUN(tests);
}

/* dmaviz: what the tests of both window layouts (test-present.c for ui/app/present.c,
 * test-classic.c for ui/app/classic.c) check in a scene, and their walk: every stop of every
 * shipped lesson at the sizes issue 16 names, laid out with the fixed metrics of the shipped
 * font (no SDL). One copy, so both layouts are held to the same rules:
 *
 * - every region of the layout is there, inside the picture, and no two overlap;
 * - every text run is inside the picture, its box (a box of the diagram) and its region;
 * - no two text runs overlap (their cells' boxes: a line height each);
 * - a region's text fits its rows, or the region scrolls (its scene box says so).
 *
 * Include it after ../checkf.h (CHECK and failures). */
#ifndef DV_TEST_LAYOUT_CHECK_H
#define DV_TEST_LAYOUT_CHECK_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "files.h"
#include "scene.h"
#include "session.h"

/* A lecture hall's projector, a full-HD screen, a laptop, a netbook. */
static const struct {
	int w, h;
} lc_sizes[] = { { 1280, 720 }, { 1920, 1080 }, { 1366, 768 }, { 1024, 600 } };
#define LC_NSIZES (sizeof lc_sizes / sizeof lc_sizes[0])

static inline bool lc_inside(int x, int y, int w, int h, int bx, int by, int bw, int bh)
{
	return x >= bx && y >= by && x + w <= bx + bw && y + h <= by + bh;
}

static inline bool lc_overlap(int ax, int ay, int aw, int ah, int bx, int by, int bw, int bh)
{
	return ax < bx + bw && bx < ax + aw && ay < by + bh && by < ay + ah;
}

/* The regions names[0..n): each a region of the scene with room, inside the picture; no two
 * overlap. */
static inline void lc_check_regions(const struct dv_scene *sc, const char *const *names, size_t n,
                                    const char *where)
{
	for (size_t r = 0; r < n; r++) {
		const struct dv_sbox *b = dv_scene_box_named(sc, names[r]);
		CHECK(b && b->region && b->w > 0 && b->h > 0 &&
		              lc_inside(b->x, b->y, b->w, b->h, 0, 0, sc->w, sc->h),
		      "%s: region %s missing or outside", where, names[r]);
		for (size_t q = 0; b && q < r; q++) {
			const struct dv_sbox *o = dv_scene_box_named(sc, names[q]);
			CHECK(!o || !lc_overlap(b->x, b->y, b->w, b->h, o->x, o->y, o->w, o->h),
			      "%s: regions %s and %s overlap", where, names[r], names[q]);
		}
	}
}

static inline bool lc_in(const struct dv_sitem *it, const struct dv_sbox *b)
{
	return lc_inside(it->x, it->y, it->w, it->h, b->x, b->y, b->w, b->h);
}

/* Text run i: inside the picture, its box and its region; overlapping no later run. */
static inline void lc_check_text(const struct dv_scene *sc, size_t i, const char *where)
{
	const struct dv_sitem *it = &sc->item[i];
	const char *t = dv_sitem_text(sc, it);
	int tl = (int)it->len;
	CHECK(lc_inside(it->x, it->y, it->w, it->h, 0, 0, sc->w, sc->h),
	      "%s: '%.*s' outside the picture", where, tl, t);
	if (it->box >= 0) {
		const struct dv_sbox *b = &sc->box[it->box];
		CHECK(lc_in(it, b), "%s: '%.*s' (%d,%d %dx%d) outside its box %s (%d,%d %dx%d)",
		      where, tl, t, it->x, it->y, it->w, it->h, b->name, b->x, b->y, b->w, b->h);
	}
	if (it->region >= 0 && it->region != it->box)
		CHECK(lc_in(it, &sc->box[it->region]), "%s: '%.*s' outside its region %s", where,
		      tl, t, sc->box[it->region].name);
	for (size_t k = i + 1; k < sc->n; k++) {
		const struct dv_sitem *o = &sc->item[k];
		CHECK(o->kind != DV_SI_TEXT ||
		              !lc_overlap(it->x, it->y, it->w, it->h, o->x, o->y, o->w, o->h),
		      "%s: '%.*s' and '%.*s' overlap", where, tl, t, (int)o->len,
		      dv_sitem_text(sc, o));
	}
}

/* A layout's own checks of a text run (sizes, colours), after lc_check_text's. */
typedef void (*lc_text_fn)(const struct dv_scene *sc, const struct dv_sitem *it, const char *where);

/* Every text run of the scene (more: NULL or the layout's own checks); at most a few
 * failures a scene, so one fault does not bury the others. */
static inline void lc_check_texts(const struct dv_scene *sc, const char *where, lc_text_fn more)
{
	int before = failures;
	for (size_t i = 0; i < sc->n && failures - before < 5; i++) {
		if (sc->item[i].kind != DV_SI_TEXT)
			continue;
		lc_check_text(sc, i, where);
		if (more)
			more(sc, &sc->item[i], where);
	}
	CHECK(!sc->full, "%s: the scene overflowed", where);
}

/* Region name's text (lines of it for rows) fits, or the region scrolls. */
static inline void lc_check_fits(const struct dv_scene *sc, const char *name, size_t lines,
                                 size_t rows, const char *where)
{
	const struct dv_sbox *b = dv_scene_box_named(sc, name);
	CHECK(lines <= rows || (b && b->scrolls), "%s: %s cut (%zu lines in %zu rows)", where, name,
	      lines, rows);
}

/* The narration shows the paragraph the picture belongs to: away from a question's own beat
 * (a paragraph after an answered question, say), the marked paragraph's first line is among
 * the rows shown from scroll, not scrolled away under the question. */
static inline void lc_check_current_shown(const struct dv_session *ss, int ask,
                                          const struct dv_vpanel *narr, size_t scroll, size_t rows,
                                          const char *where)
{
	size_t at = dv_view_narration_marked(narr);
	if (at == SIZE_MAX || dv_session_at_ask(ss, ask))
		return;
	CHECK(at >= scroll && at < scroll + rows,
	      "%s: the current paragraph (line %zu) is not shown (rows %zu-%zu)", where, at, scroll,
	      scroll + rows);
}

/* ---- the walk ------------------------------------------------------------------------------ */

/* Every stop of every shown step of ss, in order: fn(ctx, ss, step index, stop from 1). */
static inline void lc_stops(struct dv_session *ss,
                            void (*fn)(void *ctx, struct dv_session *ss, unsigned k, unsigned stop),
                            void *ctx)
{
	for (unsigned k = 0; k < ss->lesson->nsteps; k++) {
		if (!dv_session_step_shown(ss, k) ||
		    dv_session_goto_step(ss, k, false) == DV_MOVE_END)
			continue;
		for (unsigned stop = 1; stop < 64; stop++) {
			fn(ctx, ss, k, stop);
			if (dv_session_step_done(ss, k) ||
			    dv_session_move(ss, DV_VCMD_NEXT) != DV_MOVE_OK)
				break;
		}
	}
}

/* Every shipped lesson in dir that want(name) takes (want NULL: all), opened ungated:
 * fn(ctx, ss, its file name). Returns the lessons found. */
static inline size_t lc_lessons(const char *dir, bool (*want)(void *ctx, const char *name),
                                void (*fn)(void *ctx, struct dv_session *ss, const char *name),
                                void *ctx)
{
	size_t n = 0;
	char **v = dv_lessons_list(dir, &n);
	for (size_t i = 0; i < n; i++) {
		const char *name = strrchr(v[i], '/') ? strrchr(v[i], '/') + 1 : v[i];
		if (want && !want(ctx, name))
			continue;
		char err[4096];
		struct dv_session_options o = { .ungated = true };
		struct dv_session *ss = dv_session_open(v[i], &o, err, sizeof err);
		CHECK(ss != NULL, "%s does not open: %s", v[i], err);
		if (!ss)
			continue;
		fn(ctx, ss, name);
		dv_session_close(ss);
	}
	dv_lessons_list_free(v, n);
	return n;
}

/* A layout under test: open makes its state for a session, at composes the session's moment
 * into sc (reset to one of lc_sizes) and checks it, close frees the state. */
struct lc_layout {
	void *(*open)(struct dv_session *ss);
	void (*at)(void *l, struct dv_session *ss, struct dv_scene *sc, const char *where);
	void (*close)(void *l);
};

struct lc_walk {
	const struct lc_layout *lay;
	void *l;
	const char *name;
	struct dv_scene sc;
	size_t scenes;
	unsigned bad; /* scenes with a failed check */
};

static inline void lc_walk_stop(void *ctx, struct dv_session *ss, unsigned k, unsigned stop)
{
	struct lc_walk *w = ctx;
	for (size_t z = 0; z < LC_NSIZES; z++) {
		char where[160];
		snprintf(where, sizeof where, "%s step %u.%u at %dx%d", w->name,
		         dv_view_step_number(&ss->view, k), stop, lc_sizes[z].w, lc_sizes[z].h);
		int before = failures;
		dv_scene_reset(&w->sc, lc_sizes[z].w, lc_sizes[z].h);
		w->lay->at(w->l, ss, &w->sc, where);
		w->bad += failures != before;
		w->scenes++;
	}
}

static inline void lc_walk_lesson(void *ctx, struct dv_session *ss, const char *name)
{
	struct lc_walk *w = ctx;
	w->name = name;
	w->l = w->lay->open(ss);
	lc_stops(ss, lc_walk_stop, w);
	w->lay->close(w->l);
}

/* Lays out every stop of every lesson in dir at every size of lc_sizes and says how many
 * scenes it laid out and how many had a fault; returns the scenes. */
static inline size_t lc_walk_all(const char *dir, const struct lc_layout *lay)
{
	struct lc_walk w = { .lay = lay };
	dv_scene_init(&w.sc, dv_scene_mono, NULL);
	size_t n = lc_lessons(dir, NULL, lc_walk_lesson, &w);
	CHECK(n >= 14, "only %zu lessons in %s", n, dir);
	printf("# %zu scenes laid out at %zu sizes, %u with a fault\n", w.scenes, LC_NSIZES, w.bad);
	dv_scene_finish(&w.sc);
	return w.scenes;
}

#endif

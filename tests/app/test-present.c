/* dmaviz: the presentation layout (ui/app/present.h) at every stop of every shipped lesson at
 * 1280x720, 1920x1080, 1366x768 and 1024x600, laid out with the fixed metrics of the shipped
 * font (no SDL):
 *
 * - every region is there, inside the picture, and no two overlap;
 * - no text outside its box (a box of the diagram, else its region) or the picture;
 * - no two text runs overlap;
 * - values and labels at least 1/36 of the height, narration at least 1/30, no text dim;
 * - narration fits its region, or its region scrolls and says there is more;
 *
 * and the lecture facts in the regions: the call ribbon, the address map and the cache in the
 * flush, 64k, above16m, subrange, busy and autoinit lessons.
 * Usage: test-present LESSONS-DIR */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "files.h"
#include "lecture.h"
#include "present.h"
#include "scene.h"
#include "session.h"
#include "../checkf.h"

static const char *lessons_dir;

static const struct {
	int w, h;
} sizes[] = { { 1280, 720 }, { 1920, 1080 }, { 1366, 768 }, { 1024, 600 } };

static bool inside(int x, int y, int w, int h, int bx, int by, int bw, int bh)
{
	return x >= bx && y >= by && x + w <= bx + bw && y + h <= by + bh;
}

static bool overlap(const struct dv_sitem *a, const struct dv_sitem *b)
{
	return a->x < b->x + b->w && b->x < a->x + a->w && a->y < b->y + b->h && b->y < a->y + a->h;
}

static unsigned bad_scenes;

/* The checks of one scene; where names the lesson, the moment and the size. */
static void check_scene(const struct dv_scene *sc, const struct dv_present *p, const char *where)
{
	int before = failures;
	for (int r = 0; r < DV_PR_COUNT; r++) {
		const struct dv_sbox *b = dv_scene_box_named(sc, dv_pregion_names[r]);
		CHECK(b && b->region && b->w > 0 && b->h > 0 &&
		              inside(b->x, b->y, b->w, b->h, 0, 0, sc->w, sc->h),
		      "%s: region %s missing or outside", where, dv_pregion_names[r]);
		for (int q = 0; b && q < r; q++) {
			const struct dv_prect *o = &p->region[q];
			CHECK(!(b->x < o->x + o->w && o->x < b->x + b->w && b->y < o->y + o->h &&
			        o->y < b->y + b->h),
			      "%s: regions %s and %s overlap", where, dv_pregion_names[r],
			      dv_pregion_names[q]);
		}
	}
	int vmin = (sc->h + 35) / 36, nmin = (sc->h + 29) / 30;
	int narr = -1;
	for (size_t i = 0; i < sc->nbox; i++)
		if (!strcmp(sc->box[i].name, "narration"))
			narr = (int)i;
	for (size_t i = 0; i < sc->n && failures - before < 5; i++) {
		const struct dv_sitem *it = &sc->item[i];
		if (it->kind != DV_SI_TEXT)
			continue;
		const char *t = dv_sitem_text(sc, it);
		int tl = (int)it->len;
		CHECK(it->box >= 0, "%s: text '%.*s' in no box", where, tl, t);
		if (it->box >= 0) {
			const struct dv_sbox *b = &sc->box[it->box];
			CHECK(inside(it->x, it->y, it->w, it->h, b->x, b->y, b->w, b->h),
			      "%s: '%.*s' (%d,%d %dx%d) outside its box %s (%d,%d %dx%d)", where,
			      tl, t, it->x, it->y, it->w, it->h, b->name, b->x, b->y, b->w, b->h);
		}
		if (it->region >= 0 && it->region != it->box) {
			const struct dv_sbox *b = &sc->box[it->region];
			CHECK(inside(it->x, it->y, it->w, it->h, b->x, b->y, b->w, b->h),
			      "%s: '%.*s' outside its region %s", where, tl, t, b->name);
		}
		CHECK(it->px >= (it->region == narr ? nmin : vmin), "%s: '%.*s' at %d px", where,
		      tl, t, it->px);
		CHECK(it->color != DV_WC_dim, "%s: '%.*s' is dim", where, tl, t);
		for (size_t k = i + 1; k < sc->n; k++)
			if (sc->item[k].kind == DV_SI_TEXT && overlap(it, &sc->item[k]))
				CHECK(false, "%s: '%.*s' and '%.*s' overlap", where, tl, t,
				      (int)sc->item[k].len, dv_sitem_text(sc, &sc->item[k]));
	}
	const struct dv_sbox *nb = dv_scene_box_named(sc, "narration");
	CHECK(p->narr_lines <= p->narr_rows || (nb && nb->scrolls), "%s: narration cut", where);
	CHECK(!sc->full, "%s: the scene overflowed", where);
	bad_scenes += failures != before;
}

/* Every stop of every step, at every size; returns the scenes laid out. */
static size_t walk(struct dv_session *ss, const char *name, struct dv_present *p,
                   struct dv_scene *sc)
{
	size_t n = 0;
	for (unsigned k = 0; k < ss->lesson->nsteps; k++) {
		if (!dv_session_step_shown(ss, k) ||
		    dv_session_goto_step(ss, k, false) == DV_MOVE_END)
			continue;
		for (unsigned stop = 1; stop < 64; stop++) {
			p->ask = dv_session_ask(ss);
			for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
				char where[160];
				snprintf(where, sizeof where, "%s step %u.%u at %dx%d", name,
				         dv_view_step_number(&ss->view, k), stop, sizes[z].w,
				         sizes[z].h);
				dv_scene_reset(sc, sizes[z].w, sizes[z].h);
				dv_present_compose(p, sc);
				check_scene(sc, p, where);
				n++;
			}
			if (dv_session_step_done(ss, k) ||
			    dv_session_move(ss, DV_VCMD_NEXT) != DV_MOVE_OK)
				break;
		}
	}
	return n;
}

static void test_layout(void)
{
	size_t n = 0, scenes = 0;
	char **v = dv_lessons_list(lessons_dir, &n);
	CHECK(n >= 14, "only %zu lessons in %s", n, lessons_dir);
	struct dv_scene sc;
	dv_scene_init(&sc, dv_scene_mono, NULL);
	for (size_t i = 0; i < n; i++) {
		char err[4096];
		struct dv_session_options o = { .ungated = true };
		struct dv_session *ss = dv_session_open(v[i], &o, err, sizeof err);
		CHECK(ss != NULL, "%s does not open: %s", v[i], err);
		if (!ss)
			continue;
		struct dv_present p;
		dv_present_init(&p, ss);
		scenes += walk(ss, strrchr(v[i], '/') ? strrchr(v[i], '/') + 1 : v[i], &p, &sc);
		dv_present_finish(&p);
		dv_session_close(ss);
	}
	printf("# %zu scenes laid out, %u with a fault\n", scenes, bad_scenes);
	CHECK(scenes > 400, "only %zu scenes", scenes);
	dv_scene_finish(&sc);
	dv_lessons_list_free(v, n);
}

/* ---- the lecture facts in the regions ---------------------------------------------------------- */

/* Does a text run of region name contain needle? */
static bool region_has(const struct dv_scene *sc, const char *name, const char *needle)
{
	const struct dv_sbox *r = dv_scene_box_named(sc, name);
	size_t nl = strlen(needle);
	for (size_t i = 0; r && i < sc->n; i++) {
		const struct dv_sitem *it = &sc->item[i];
		if (it->kind != DV_SI_TEXT || it->region < 0 || &sc->box[it->region] != r)
			continue;
		const char *t = dv_sitem_text(sc, it);
		for (size_t k = 0; k + nl <= it->len; k++)
			if (!memcmp(t + k, needle, nl))
				return true;
	}
	return false;
}

/* What a lesson must show somewhere in its walk: a text in a region, or a hit. */
struct want {
	const char *lesson, *region, *text, *hit;
	bool seen;
};

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
	size_t nw = sizeof w / sizeof w[0], n = 0;
	char **v = dv_lessons_list(lessons_dir, &n);
	struct dv_scene sc;
	dv_scene_init(&sc, dv_scene_mono, NULL);
	for (size_t i = 0; i < n; i++) {
		const char *name = strrchr(v[i], '/') ? strrchr(v[i], '/') + 1 : v[i];
		bool wanted = false;
		for (size_t k = 0; k < nw; k++)
			wanted |= !strncmp(name, w[k].lesson, strlen(w[k].lesson));
		if (!wanted)
			continue;
		char err[4096];
		struct dv_session_options o = { .ungated = true };
		struct dv_session *ss = dv_session_open(v[i], &o, err, sizeof err);
		if (!ss)
			continue;
		struct dv_present p;
		dv_present_init(&p, ss);
		for (unsigned st = 0; st < ss->lesson->nsteps; st++) {
			if (!dv_session_step_shown(ss, st) ||
			    dv_session_goto_step(ss, st, false) == DV_MOVE_END)
				continue;
			for (unsigned stop = 1; stop < 64; stop++) {
				p.ask = dv_session_ask(ss);
				dv_scene_reset(&sc, 1280, 720);
				dv_present_compose(&p, &sc);
				/* The ribbon says the lecture's call, as far as its width allows. */
				struct dv_lect_ribbon rb;
				dv_lecture_ribbon(&ss->view, &rb);
				char head[24];
				size_t hl = strlen(rb.text) < 23 ? strlen(rb.text) : 23;
				memcpy(head, rb.text, hl);
				head[hl] = '\0';
				CHECK(!rb.has_call || region_has(&sc, "ribbon", head),
				      "%s step %u: the ribbon does not say '%s'", name, st,
				      rb.text);
				for (size_t k = 0; k < nw; k++)
					if (!strncmp(name, w[k].lesson, strlen(w[k].lesson)) &&
					    region_has(&sc, w[k].region, w[k].text) &&
					    (!w[k].hit || dv_scene_hit_named(&sc, w[k].hit)))
						w[k].seen = true;
				if (dv_session_step_done(ss, st) ||
				    dv_session_move(ss, DV_VCMD_NEXT) != DV_MOVE_OK)
					break;
			}
		}
		dv_present_finish(&p);
		dv_session_close(ss);
	}
	for (size_t k = 0; k < nw; k++)
		CHECK(w[k].seen, "%s never shows '%s' in its %s region%s%s", w[k].lesson, w[k].text,
		      w[k].region, w[k].hit ? " with a hit " : "", w[k].hit ? w[k].hit : "");
	dv_scene_finish(&sc);
	dv_lessons_list_free(v, n);
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
	static const struct {
		const char *name;
		void (*fn)(void);
	} tests[] = {
		{ "every stop of every lesson at four sizes: regions, boxes, sizes", test_layout },
		{ "the ribbon, the address map and the cache carry the lecture facts",
		  test_lecture },
		{ "the teacher's notes", test_notes },
	};
	int n = (int)(sizeof tests / sizeof tests[0]);
	printf("1..%d\n", n);
	int bad = 0;
	for (int i = 0; i < n; i++) {
		int before = failures;
		tests[i].fn();
		printf("%s %d - %s\n", failures == before ? "ok" : "not ok", i + 1, tests[i].name);
		bad += failures != before;
	}
	return bad ? 1 : 0;
}

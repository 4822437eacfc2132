/* dmaviz: the window's classic layout (ui/app/classic.h) at every stop of every shipped lesson
 * at 1280x720 and 1920x1080, laid out with the fixed metrics of the shipped font (no SDL), with
 * nothing open and the mouse away:
 *
 * - every text run inside the picture, and inside its box (a box of the diagram: cpu, dma,
 *   nic, memory, page, peer) and its region (timing, side, narration, controls);
 * - no two text runs overlap;
 * - the regions are there and the scene did not overflow;
 *
 * and the layout's state: the side panel's tabs, an answer being typed, the toast.
 * Usage: test-classic LESSONS-DIR */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classic.h"
#include "files.h"
#include "scene.h"
#include "session.h"
#include "../checkf.h"

static const char *lessons_dir;

static const struct {
	int w, h;
} sizes[] = { { 1280, 720 }, { 1920, 1080 } };

static bool inside(const struct dv_sitem *it, int bx, int by, int bw, int bh)
{
	return it->x >= bx && it->y >= by && it->x + it->w <= bx + bw && it->y + it->h <= by + bh;
}

static bool overlap(const struct dv_sitem *a, const struct dv_sitem *b)
{
	return a->x < b->x + b->w && b->x < a->x + a->w && a->y < b->y + b->h && b->y < a->y + a->h;
}

static unsigned bad_scenes;

/* The state of a window with nothing open, as `dmaviz snapshot --layout classic` has it. */
static void ui_default(struct dv_ui_state *ui, const struct dv_play *play, int h, int ask)
{
	memset(ui, 0, sizeof *ui);
	ui->ask = ask;
	ui->status = "";
	ui->play = play;
	ui->rate = DV_UI_DEFAULT_RATE;
	dv_classic_font_px(h, 0, &ui->px_small, &ui->px_big);
}

static void check_text(const struct dv_scene *sc, size_t i, const char *where)
{
	const struct dv_sitem *it = &sc->item[i];
	const char *t = dv_sitem_text(sc, it);
	int tl = (int)it->len;
	CHECK(inside(it, 0, 0, sc->w, sc->h), "%s: '%.*s' outside the picture", where, tl, t);
	if (it->box >= 0) {
		const struct dv_sbox *b = &sc->box[it->box];
		CHECK(inside(it, b->x, b->y, b->w, b->h),
		      "%s: '%.*s' (%d,%d %dx%d) outside its box %s (%d,%d %dx%d)", where, tl, t,
		      it->x, it->y, it->w, it->h, b->name, b->x, b->y, b->w, b->h);
	}
	if (it->region >= 0 && it->region != it->box) {
		const struct dv_sbox *b = &sc->box[it->region];
		CHECK(inside(it, b->x, b->y, b->w, b->h), "%s: '%.*s' outside its region %s", where,
		      tl, t, b->name);
	}
	for (size_t k = i + 1; k < sc->n; k++)
		if (sc->item[k].kind == DV_SI_TEXT && overlap(it, &sc->item[k]))
			CHECK(false, "%s: '%.*s' and '%.*s' overlap", where, tl, t,
			      (int)sc->item[k].len, dv_sitem_text(sc, &sc->item[k]));
}

static void check_scene(const struct dv_scene *sc, const char *where)
{
	int before = failures;
	CHECK(dv_scene_box_named(sc, "narration") && dv_scene_box_named(sc, "controls"),
	      "%s: no narration or control row", where);
	for (size_t i = 0; i < sc->n && failures - before < 5; i++)
		if (sc->item[i].kind == DV_SI_TEXT)
			check_text(sc, i, where);
	CHECK(!sc->full, "%s: the scene overflowed", where);
	bad_scenes += failures != before;
}

/* Every stop of every step, at every size; returns the scenes laid out. */
static size_t walk(struct dv_session *ss, const char *name, struct dv_classic *c,
                   struct dv_scene *sc)
{
	size_t n = 0;
	struct dv_play play;
	memset(&play, 0, sizeof play);
	for (unsigned k = 0; k < ss->lesson->nsteps; k++) {
		if (!dv_session_step_shown(ss, k) ||
		    dv_session_goto_step(ss, k, false) == DV_MOVE_END)
			continue;
		for (unsigned stop = 1; stop < 64; stop++) {
			for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
				char where[160];
				snprintf(where, sizeof where, "%s step %u.%u at %dx%d", name,
				         dv_view_step_number(&ss->view, k), stop, sizes[z].w,
				         sizes[z].h);
				struct dv_ui_state ui;
				ui_default(&ui, &play, sizes[z].h, dv_session_ask(ss));
				dv_scene_reset(sc, sizes[z].w, sizes[z].h);
				dv_classic_compose(c, &ui, sc);
				check_scene(sc, where);
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
		struct dv_classic c;
		dv_classic_init(&c, ss);
		scenes += walk(ss, strrchr(v[i], '/') ? strrchr(v[i], '/') + 1 : v[i], &c, &sc);
		dv_classic_finish(&c);
		dv_session_close(ss);
	}
	printf("# %zu scenes laid out, %u with a fault\n", scenes, bad_scenes);
	CHECK(scenes > 200, "only %zu scenes", scenes);
	dv_scene_finish(&sc);
	dv_lessons_list_free(v, n);
}

/* Does some text run contain needle? */
static bool has_text(const struct dv_scene *sc, const char *needle)
{
	for (size_t i = 0; i < sc->n; i++) {
		const struct dv_sitem *it = &sc->item[i];
		char buf[512];
		if (it->kind != DV_SI_TEXT || it->len >= sizeof buf)
			continue;
		memcpy(buf, dv_sitem_text(sc, it), it->len);
		buf[it->len] = '\0';
		if (strstr(buf, needle))
			return true;
	}
	return false;
}

/* What the front end has open shows: the side panel's tab, the answer typed, the toast, the
 * speed, the help overlay. */
static void test_state(void)
{
	char path[4096], err[4096];
	snprintf(path, sizeof path, "%s/01-tour.lesson", lessons_dir);
	struct dv_session_options o = { .ungated = true };
	struct dv_session *ss = dv_session_open(path, &o, err, sizeof err);
	CHECK(ss != NULL, "%s does not open: %s", path, err);
	if (!ss)
		return;
	struct dv_classic c;
	dv_classic_init(&c, ss);
	struct dv_scene sc;
	dv_scene_init(&sc, dv_scene_mono, NULL);
	struct dv_play play;
	memset(&play, 0, sizeof play);
	struct dv_ui_state ui;
	ui_default(&ui, &play, 1080, -1);
	ui.side_tab = DV_SIDE_LOG;
	ui.status = "toast words";
	ui.rate = 25;
	dv_scene_reset(&sc, 1920, 1080);
	dv_classic_compose(&c, &ui, &sc);
	CHECK(dv_scene_hit_named(&sc, "tab:log") && dv_scene_hit_named(&sc, "button:play") &&
	              dv_scene_hit_named(&sc, "status"),
	      "no tabs, buttons or toast");
	CHECK(has_text(&sc, "toast words") && has_text(&sc, "25/s"), "the toast or the speed");
	CHECK(!dv_scene_hit_named(&sc, "overlay:help"), "help shown unasked");
	ui.help = true;
	dv_scene_reset(&sc, 1920, 1080);
	dv_classic_compose(&c, &ui, &sc);
	CHECK(dv_scene_hit_named(&sc, "overlay:help"), "no help overlay");
	dv_scene_finish(&sc);
	dv_classic_finish(&c);
	dv_session_close(ss);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: test-classic LESSONS-DIR\n");
		return 2;
	}
	lessons_dir = argv[1];
	static const struct {
		const char *name;
		void (*fn)(void);
	} tests[] = {
		{ "every stop of every lesson at two sizes: inside boxes, regions, no overlap",
		  test_layout },
		{ "the front end's state shows", test_state },
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

/* dmaviz: the window's classic layout (ui/app/classic.h) at every stop of every shipped lesson
 * at 1280x720, 1920x1080, 1366x768 and 1024x600, laid out with the fixed metrics of the shipped
 * font (no SDL), with nothing open and the mouse away, checked as layout-check.h checks both
 * layouts:
 *
 * - the regions (timing, side, narration, controls) are there, inside the picture, and no two
 *   overlap: none gives its room away to a long narration;
 * - every text run inside the picture, its box (cpu, dma, nic, memory, page, peer) and its
 *   region; no two text runs overlap;
 * - the narration fits, or scrolls; every line of the boxes is drawn whole (wrapped when it is
 *   wider than its box);
 * - with the side panel on its other tabs (event log, NDIS call), text inside and apart too;
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
#include "layout-check.h"

static const char *lessons_dir;

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

static void *open_classic(struct dv_session *ss)
{
	struct dv_classic *c = malloc(sizeof *c);
	if (c)
		dv_classic_init(c, ss);
	return c;
}

static void close_classic(void *l)
{
	dv_classic_finish(l);
	free(l);
}

/* One moment at one size: the regions, the text runs, the narration and the boxes' lines. */
static void classic_at(void *l, struct dv_session *ss, struct dv_scene *sc, const char *where)
{
	static const char *const regions[] = { "timing", "side", "narration", "controls" };
	struct dv_classic *c = l;
	struct dv_play play;
	memset(&play, 0, sizeof play);
	struct dv_ui_state ui;
	ui_default(&ui, &play, sc->h, dv_session_ask(ss));
	dv_classic_compose(c, &ui, sc);
	lc_check_regions(sc, regions, sizeof regions / sizeof regions[0], where);
	lc_check_texts(sc, where, NULL);
	lc_check_fits(sc, "narration", c->narr_lines, c->narr_rows, where);
	lc_check_current_shown(ss, ui.ask, &c->narr, c->narr_at.scroll, c->narr_rows, where);
	CHECK(c->narr_lines <= c->narr_rows || has_text(sc, "PgDn") || has_text(sc, "PgUp"),
	      "%s: the narration scrolls and does not say so", where);
	CHECK(c->cut == 0, "%s: %u lines of the boxes not drawn whole", where, c->cut);
	/* The memory box's rows are bytes of the NDIS_BUFFER its title names (or of its bounce
	 * buffer, in the bounce buffer's colour), not bytes from elsewhere under its name. */
	CHECK(!has_text(sc, "Host memory: NDIS_BUFFER") ||
	              !dv_scene_hit_named(sc, "memrow:elsewhere"),
	      "%s: the memory box names an NDIS_BUFFER over rows from elsewhere", where);
	/* The side panel's other tabs: their text inside and apart too. */
	for (int t = DV_SIDE_SOURCE + 1; t < DV_SIDE_COUNT; t++) {
		char tab[192];
		snprintf(tab, sizeof tab, "%s, side tab %d", where, t);
		ui.side_tab = (enum dv_side)t;
		dv_scene_reset(sc, sc->w, sc->h);
		dv_classic_compose(c, &ui, sc);
		lc_check_texts(sc, tab, NULL);
		CHECK(c->side_lines <= c->side_rows || has_text(sc, "more v"),
		      "%s: %zu lines in %zu rows, and no 'more v'", tab, c->side_lines,
		      c->side_rows);
	}
}

static void test_layout(void)
{
	static const struct lc_layout classic = { open_classic, classic_at, close_classic };
	size_t scenes = lc_walk_all(lessons_dir, &classic);
	CHECK(scenes > 1000, "only %zu scenes", scenes);
}

/* A session on a lesson (relative to the lessons folder) and the classic layout over it, with
 * a front end's default state for a window h pixels high. */
struct fixture {
	struct dv_session *ss;
	struct dv_classic c;
	struct dv_scene sc;
	struct dv_play play;
	struct dv_ui_state ui;
};

static bool fixture_open(struct fixture *f, const char *lesson, int h)
{
	char path[4096], err[4096];
	snprintf(path, sizeof path, "%s/%s", lessons_dir, lesson);
	struct dv_session_options o = { .ungated = true };
	f->ss = dv_session_open(path, &o, err, sizeof err);
	CHECK(f->ss != NULL, "%s does not open: %s", path, err);
	if (!f->ss)
		return false;
	dv_classic_init(&f->c, f->ss);
	dv_scene_init(&f->sc, dv_scene_mono, NULL);
	memset(&f->play, 0, sizeof f->play);
	ui_default(&f->ui, &f->play, h, -1);
	return true;
}

/* Composes the picture at w x h. */
static void fixture_draw(struct fixture *f, int w, int h)
{
	dv_scene_reset(&f->sc, w, h);
	dv_classic_compose(&f->c, &f->ui, &f->sc);
}

static void fixture_close(struct fixture *f)
{
	dv_scene_finish(&f->sc);
	dv_classic_finish(&f->c);
	dv_session_close(f->ss);
}

/* What the front end has open shows: the side panel's tab, the answer typed, the toast, the
 * speed, the help overlay. */
static void test_state(void)
{
	struct fixture f;
	if (!fixture_open(&f, "01-tour.lesson", 1080))
		return;
	f.ui.side_tab = DV_SIDE_LOG;
	f.ui.status = "toast words";
	f.ui.rate = 25;
	fixture_draw(&f, 1920, 1080);
	CHECK(dv_scene_hit_named(&f.sc, "tab:log") && dv_scene_hit_named(&f.sc, "button:play") &&
	              dv_scene_hit_named(&f.sc, "status"),
	      "no tabs, buttons or toast");
	CHECK(has_text(&f.sc, "toast words") && has_text(&f.sc, "25/s"), "the toast or the speed");
	CHECK(!dv_scene_hit_named(&f.sc, "overlay:help"), "help shown unasked");
	f.ui.help = true;
	fixture_draw(&f, 1920, 1080);
	CHECK(dv_scene_hit_named(&f.sc, "overlay:help"), "no help overlay");
	fixture_close(&f);
}

/* Is line l drawn? Its first run of one style (what the scene holds as one text item). */
static bool line_drawn(const struct dv_scene *sc, const struct dv_vline *l)
{
	char run[64];
	size_t n = 0;
	while (n < l->len && n + 1 < sizeof run && l->roles[n] == l->roles[0])
		n++;
	memcpy(run, l->text, n);
	run[n] = '\0';
	return n > 0 && has_text(sc, run);
}

/* The side panel's NDIS call tab, longer than its rows at 1280x720, says so and scrolls
 * under the wheel (dv_classic_side_scroll) down to its last line; a move starts it over. */
static void test_side_scroll(void)
{
	struct fixture f;
	if (!fixture_open(&f, "05-staging.lesson", 720))
		return;
	f.ui.side_tab = DV_SIDE_CALL;
	dv_session_goto_step(f.ss, 3, false);
	dv_session_move(f.ss, DV_VCMD_NEXT);
	fixture_draw(&f, 1280, 720);
	size_t lines = f.c.side_lines, rows = f.c.side_rows;
	CHECK(lines > rows, "the call tab fits (%zu lines in %zu rows): pick a longer moment",
	      lines, rows);
	CHECK(has_text(&f.sc, "more v") && !has_text(&f.sc, "^ more v"), "no 'more v' at the top");
	const struct dv_vline *last = &f.c.side.line[lines - 1];
	CHECK(!line_drawn(&f.sc, last), "the last line '%.*s' shows before scrolling",
	      (int)last->len, last->text);
	dv_classic_side_scroll(&f.c, 100); /* clamped: the end */
	fixture_draw(&f, 1280, 720);
	CHECK(f.c.side_scroll == lines - rows, "scrolled to %zu, not %zu", f.c.side_scroll,
	      lines - rows);
	last = &f.c.side.line[lines - 1];
	CHECK(line_drawn(&f.sc, last) && has_text(&f.sc, "^"),
	      "scrolled: the last line '%.*s' or '^' missing", (int)last->len, last->text);
	dv_classic_side_scroll(&f.c, -1);
	fixture_draw(&f, 1280, 720);
	CHECK(f.c.side_scroll == lines - rows - 1, "one notch back up: %zu", f.c.side_scroll);
	dv_session_move(f.ss, DV_VCMD_NEXT);
	fixture_draw(&f, 1280, 720);
	CHECK(f.c.side_scroll == 0, "a move left the side panel scrolled (%zu)", f.c.side_scroll);
	fixture_close(&f);
}

/* o: the output table's rows the run has written up to the cursor, and no later one. */
static void test_output_table(void)
{
	struct fixture f;
	if (!fixture_open(&f, "../tests/screens/rows.lesson", 720))
		return;
	f.ui.output = true;
	fixture_draw(&f, 1280, 720);
	CHECK(dv_scene_hit_named(&f.sc, "overlay:output"), "o draws no output table");
	CHECK(has_text(&f.sc, "rows 1-1 of the 1 written so far") && has_text(&f.sc, "|cycle |"),
	      "the first beat shows more or less than the header row");
	CHECK(!has_text(&f.sc, "| 0003 |"), "a row the run writes later shows at the start");
	dv_session_move(f.ss, DV_VCMD_LAST);
	fixture_draw(&f, 1280, 720);
	CHECK(has_text(&f.sc, "of the 27 written so far") && has_text(&f.sc, "|   26 | 0003 |"),
	      "the end does not show the newest row");
	CHECK(has_text(&f.sc, "|cycle |"), "the header row scrolled away");
	f.ui.out_back = 1000; /* clamped: the oldest rows */
	fixture_draw(&f, 1280, 720);
	CHECK(has_text(&f.sc, "|    0 | 0003 |"), "scrolled back, the oldest row does not show");
	f.ui.out_back = 0;
	fixture_draw(&f, 1024, 600); /* too small for 27 rows: the header and the newest */
	CHECK(has_text(&f.sc, "|cycle |") && has_text(&f.sc, "|   26 | 0003 |") &&
	              !has_text(&f.sc, "|    0 | 0003 |"),
	      "at 1024x600 the newest rows and the header do not show");
	/* Scrolled far back, the table is drawn from its oldest rows and says how far back that
	 * is (the window scrolls on from there, not from what it asked for). */
	f.ui.out_back = 1000;
	fixture_draw(&f, 1024, 600);
	CHECK(f.c.out_back > 0 && f.c.out_back < 27 && has_text(&f.sc, "|    0 | 0003 |"),
	      "scrolled back at 1024x600: %zu rows left out of 27", f.c.out_back);
	fixture_close(&f);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: test-classic LESSONS-DIR\n");
		return 2;
	}
	lessons_dir = argv[1];
	static const struct checkf_case tests[] = {
		{ "every stop of every lesson at four sizes: regions, boxes, no overlap, fits",
		  test_layout },
		{ "the front end's state shows", test_state },
		{ "the output table up to the cursor", test_output_table },
		{ "the side panel says it has more and scrolls", test_side_scroll },
	};
	return CHECKF_RUN(tests);
}

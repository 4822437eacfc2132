/* dmaviz: the terminal UI (tui.h). It lays out the panels ui/view builds and maps keys to
 * view commands; what a panel says is decided in the view, not here. */
#define _XOPEN_SOURCE_EXTENDED 1 /* ncursesw's wide-character API */
#include "tui.h"
#include "files.h"

#include <curses.h>
#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lesson.h"
#include "keymap.h"
#include "lecture.h"
#include "play.h"
#include "progress.h"
#include "session.h"
#include "sim.h"
#include "theme.h"
#include "trace.h"
#include "view.h"

#ifndef DV_SOURCE_ROOT
#define DV_SOURCE_ROOT NULL
#endif

#define MIN_COLS 80
#define MIN_LINES 24
#define MEM_ROOM 19 /* rows the right column must have left to show memory beside the log */
#define LOG_ROOM 6  /* rows the log must keep for the address map to show above it */

/* The panes, in Tab order. */
enum {
	PANE_NONE = -1,
	PANE_NARR,
	PANE_QUEST,
	PANE_SRC,
	PANE_DMA,
	PANE_TIMING,
	PANE_NIC,
	PANE_NDIS,
	PANE_MEM,
	PANE_MAP,
	PANE_LOG,
	PANE_COUNT
};

struct dv_tui {
	struct dv_tui_options opt;
	struct dv_theme theme; /* the colours of the style roles */
	struct dv_session *s;  /* the lesson, its recording, beats, questions and progress */
	struct dv_view *v;     /* &s->view */
	bool help;
	struct dv_vpanel narr, dma, nic, ndis, log, src, quest, timing;
	bool input; /* the answer line is open */
	char inbuf[80];
	size_t inlen;
	char msg[300]; /* feedback for the last key, on the bottom line */
	/* Playing: the session's moves (a bus cycle, a port access, a call, a beat) to the end of
	 * each step in turn, at the step's pace (play.h): the first at dv_play_term_rates[speed]
	 * a second, a long step faster after them (play.step is the step being played). */
	struct dv_play play;
	unsigned speed;
	bool until; /* r was pressed: the next key says until what */
	/* m: what the bottom right shows when the log, memory, the NIC and the address map do
	 * not all fit: 0 the event log, 1 memory, 2 the NIC, 3 the address map. */
	unsigned alt;
	struct dv_vpanel mem, map;
	bool sandbox; /* the : prompt is open */
	char sbuf[200];
	size_t slen;
	bool explain;          /* e: the verifier rule's explanation is open */
	struct dv_vpanel rule; /* its text, or the output table's */
	bool output;           /* o: the output table up to the cursor is open */
	size_t out_back;       /* rows left out below the newest shown (k scrolls back) */
	/* Panes as last drawn (for mouse clicks and Tab) and the one with focus. */
	struct rect {
		int y, x, h, w;
	} pane[PANE_COUNT];
	int focus; /* PANE_NONE: keys step the lesson */
	/* Scrolling: where the narration starts (view.h's dv_narr_place: the current paragraph
	 * after every move and every resize, until the learner scrolls it), and the first line
	 * shown of the question and rule text. */
	struct dv_narr_place narr_at;
	size_t quest_scroll, rule_scroll, help_scroll;
};

/* ---- loading -------------------------------------------------------------------------------- */

void dv_tui_set_progress(struct dv_tui *t, struct dv_progress *p)
{
	dv_session_set_progress(t->s, p);
}

struct dv_tui *dv_tui_open(const char *path, const struct dv_tui_options *opt)
{
	struct dv_tui *t = calloc(1, sizeof *t);
	if (!t) {
		fprintf(stderr, "dmaviz: out of memory\n");
		return NULL;
	}
	t->opt = *opt;
	t->theme = opt->theme ? *opt->theme : *dv_theme_builtin();
	char err[4096];
	struct dv_session_options so = { .driver_entry = opt->driver_entry,
		                         .driver_path = opt->driver_path,
		                         .source_root = opt->source_root };
	t->s = dv_session_open(path, &so, err, sizeof err);
	if (!t->s) {
		fprintf(stderr, "%s\n", err);
		free(t);
		return NULL;
	}
	t->v = &t->s->view;
	dv_vpanel_init(&t->narr);
	dv_vpanel_init(&t->dma);
	dv_vpanel_init(&t->nic);
	dv_vpanel_init(&t->ndis);
	dv_vpanel_init(&t->log);
	dv_vpanel_init(&t->src);
	dv_vpanel_init(&t->quest);
	dv_vpanel_init(&t->timing);
	dv_vpanel_init(&t->mem);
	dv_vpanel_init(&t->map);
	dv_vpanel_init(&t->rule);
	t->focus = PANE_NONE;
	t->speed = DV_PLAY_TERM_DEFAULT;
	t->play.rate = dv_play_term_rates[t->speed];
	dv_narr_place_reset(&t->narr_at);
	return t;
}

void dv_tui_close(struct dv_tui *t)
{
	if (!t)
		return;
	dv_session_close(t->s);
	dv_vpanel_finish(&t->narr);
	dv_vpanel_finish(&t->dma);
	dv_vpanel_finish(&t->nic);
	dv_vpanel_finish(&t->ndis);
	dv_vpanel_finish(&t->log);
	dv_vpanel_finish(&t->src);
	dv_vpanel_finish(&t->quest);
	dv_vpanel_finish(&t->timing);
	dv_vpanel_finish(&t->mem);
	dv_vpanel_finish(&t->map);
	dv_vpanel_finish(&t->rule);
	free(t);
}

/* ---- drawing -------------------------------------------------------------------------------- */

static bool use_color(const struct dv_tui *t)
{
	return t->opt.color && has_colors();
}

/* The colours come from the theme (ui/app/theme.h, assets/themes); dv_tcolor_pick decides
 * what a terminal of 8, 16 or 256 colours shows. The default, dark, is colour-blind safe:
 * meaning rides on the yellow/blue axis (which red-green colour blindness keeps) and on
 * attributes, and no red/green pair carries meaning.
 *   heading    white on blue, reverse
 *   changed    yellow on the default background, bold + reverse (the move's own changes)
 *   fading     bold only, dark yellow (256 colours) or blue (8 colours): changed one or two
 *              moves ago
 *   highlight  cyan, bold (the current source line, code, the current event)
 *   dim        default colour, dim
 *   error      red, bold + underline, and the text starts with the marker "!" so it reads
 *              without colour too
 * No green is used anywhere. The ? help's legend shows changed, fading and error samples. */
void dv_tui_setup_screen(struct dv_tui *t)
{
	/* Clicks focus panes and seek in the timing diagram (harmless where there is no mouse). */
	mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED, NULL);
	if (!use_color(t))
		return;
	start_color();
	use_default_colors();
	for (int r = DV_ROLE_NORMAL + 1; r < DV_ROLE_COUNT; r++) {
		const struct dv_tpair *p = &t->theme.term[r];
		init_pair((short)r, (short)(p->set ? dv_tcolor_pick(&p->fg, COLORS) : -1),
		          (short)(p->set ? dv_tcolor_pick(&p->bg, COLORS) : -1));
	}
}

/* Every role has a cue that survives without colour; colour is added on top. Changed values
 * are always bold and reverse, so they show on a monochrome terminal and in NO_COLOR mode;
 * fading ones are bold only. */
static attr_t role_attr(const struct dv_tui *t, enum dv_role r)
{
	attr_t a = A_NORMAL;
	switch (r) {
	case DV_ROLE_HEADING: a = A_REVERSE; break;
	case DV_ROLE_CHANGED: a = A_BOLD | A_REVERSE; break;
	case DV_ROLE_HIGHLIGHT: a = A_BOLD; break;
	case DV_ROLE_DIM: a = A_DIM; break;
	case DV_ROLE_ERROR: a = A_BOLD | A_UNDERLINE; break;
	case DV_ROLE_FADING: a = A_BOLD; break;
	default: break;
	}
	if (use_color(t) && r != DV_ROLE_NORMAL && r != DV_ROLE_DIM)
		a |= COLOR_PAIR(r);
	return a;
}

/* Draws text with one role, clipped to cells; returns the cells used. */
static int draw_run(struct dv_tui *t, int y, int x, const char *s, size_t len, enum dv_role r,
                    int cells)
{
	if (cells <= 0)
		return 0;
	size_t n = dv_vtext_bytes_for(s, len, (size_t)cells);
	attrset(role_attr(t, r));
	mvaddnstr(y, x, s, (int)n);
	attrset(A_NORMAL);
	return (int)dv_vtext_cells(s, n);
}

static void draw_line(struct dv_tui *t, int y, int x, int w, const struct dv_vline *l)
{
	size_t i = 0;
	int used = 0;
	while (i < l->len && used < w) {
		size_t j = i;
		while (j < l->len && l->roles[j] == l->roles[i])
			j++;
		used += draw_run(t, y, x + used, l->text + i, j - i, (enum dv_role)l->roles[i],
		                 w - used);
		i = j;
	}
}

/* A pane: a heading row with the title, then as many lines as fit from line off on. The pane
 * with focus has the marker "[*]" before its title. Text that goes on below says so ("more v",
 * PgDn reads it); text above the first line shown puts "^" in the title. */
static void draw_pane_at(struct dv_tui *t, int id, int y, int x, int h, int w,
                         const struct dv_vpanel *p, size_t off)
{
	if (h <= 0 || w <= 0)
		return;
	if (id >= 0 && id < PANE_COUNT)
		t->pane[id] = (struct rect){ y, x, h, w };
	if (off > p->n)
		off = p->n;
	attrset(role_attr(t, DV_ROLE_HEADING));
	mvhline(y, x, ' ', w);
	attrset(A_NORMAL);
	char title[160];
	snprintf(title, sizeof title, "%s %s%s ", id >= 0 && id == t->focus ? " [*]" : "", p->title,
	         off > 0 ? "  ^" : "");
	draw_run(t, y, x, title, strlen(title), DV_ROLE_HEADING, w);
	for (int r = 1; r < h && off + (size_t)(r - 1) < p->n; r++)
		draw_line(t, y + r, x, w, &p->line[off + (size_t)(r - 1)]);
	if (p->n > off + (size_t)(h - 1) && h > 1)
		draw_run(t, y + h - 1, x + w - 8, " more v ", 8, DV_ROLE_DIM, 8);
}

static void draw_pane(struct dv_tui *t, int id, int y, int x, int h, int w,
                      const struct dv_vpanel *p)
{
	draw_pane_at(t, id, y, x, h, w, p, 0);
}

/* The largest useful first line for text of n lines in a pane of h rows (title included). */
static size_t max_scroll(size_t n, int h)
{
	size_t rows = h > 1 ? (size_t)(h - 1) : 1;
	return n > rows ? n - rows : 0;
}

static void draw_too_small(void)
{
	static const char msg[] = "enlarge the terminal to at least 80x24";
	char size[48];
	snprintf(size, sizeof size, "(now %dx%d)", COLS, LINES);
	int y = LINES / 2 - 1;
	int w = COLS;
	/* Break the message where it does not fit: a very small terminal still gets all of it. */
	const char *s = msg;
	size_t left = strlen(msg);
	while (left > 0 && y < LINES) {
		size_t n = left < (size_t)w ? left : (size_t)w;
		if (n < left) {
			size_t k = n;
			while (k > 0 && s[k] != ' ')
				k--;
			if (k > 0)
				n = k;
		}
		mvaddnstr(y < 0 ? 0 : y, (w - (int)n) / 2 > 0 ? (w - (int)n) / 2 : 0, s, (int)n);
		s += n;
		left -= n;
		while (left > 0 && *s == ' ') {
			s++;
			left--;
		}
		y++;
	}
	if (y < LINES)
		mvaddnstr(y, (w - (int)strlen(size)) / 2 > 0 ? (w - (int)strlen(size)) / 2 : 0,
		          size, w);
}

/* ?: the keys, generated from the one key table both front ends use, and the legend. */
static void draw_help(struct dv_tui *t)
{
	char text[4096];
	dv_keymap_help(DV_FRONT_TUI, text, sizeof text);
	int n = 0;
	for (const char *c = text; *c; c++)
		n += *c == '\n';
	int w = COLS < 100 ? COLS : 100, h = n + 4;
	if (h > LINES)
		h = LINES;
	int rows = h - 4; /* key lines that fit: a taller list scrolls with j/k */
	if (t->help_scroll > (size_t)(n > rows ? n - rows : 0))
		t->help_scroll = (size_t)(n > rows ? n - rows : 0);
	int y = (LINES - h) / 2, x = (COLS - w) / 2;
	if (y < 0)
		y = 0;
	for (int r = 0; r < h; r++) {
		attrset(A_REVERSE);
		mvhline(y + r, x, ' ', w);
	}
	mvaddnstr(y + 1, x + 1,
	          n > rows ? "Keys (j/k more, any other key closes this)" :
	                     "Keys (any key closes this)",
	          w - 2);
	const char *line = text;
	for (int r = 0; r < n; r++) {
		size_t len = strcspn(line, "\n");
		int row = r - (int)t->help_scroll;
		if (row >= 0 && row < rows)
			mvaddnstr(y + 2 + row, x + 1, line, (int)len < w - 2 ? (int)len : w - 2);
		line += len + (line[len] == '\n');
	}
	mvaddnstr(y + h - 2, x + 1, "Legend:", w - 2);
	attrset(A_NORMAL);
	/* The legend: one sample per cue, in the very attributes the panes use. */
	static const struct {
		enum dv_role role;
		const char *text;
	} legend[] = {
		{ DV_ROLE_CHANGED, "changed" },
		{ DV_ROLE_FADING, "fading" },
		{ DV_ROLE_ERROR, "! error" },
	};
	int lx = x + 1 + 8;
	for (size_t k = 0; k < sizeof legend / sizeof legend[0]; k++) {
		lx += 1;
		lx += draw_run(t, y + h - 2, lx, legend[k].text, strlen(legend[k].text),
		               legend[k].role, x + w - 1 - lx);
		lx += 1;
	}
}

/* A box of h x w cells at (y, x) over the panes: t->rule's title on a heading bar, its lines
 * from the first'th on, and foot on the last row. */
static void draw_overlay(struct dv_tui *t, int y, int x, int h, int w, size_t first,
                         const char *foot)
{
	for (int r = 0; r < h; r++) {
		attrset(A_NORMAL);
		mvhline(y + r, x, ' ', w);
	}
	attrset(role_attr(t, DV_ROLE_HEADING));
	mvhline(y, x, ' ', w);
	char title[160];
	snprintf(title, sizeof title, " %s ", t->rule.title);
	draw_run(t, y, x, title, strlen(title), DV_ROLE_HEADING, w);
	for (int r = 0; (size_t)r + first < t->rule.n && r < h - 3; r++)
		draw_line(t, y + 2 + r, x + 2, w - 4, &t->rule.line[(size_t)r + first]);
	draw_run(t, y + h - 1, x + 2, foot, strlen(foot), DV_ROLE_DIM, w - 4);
	attrset(A_NORMAL);
}

/* e: the verifier rule's name, title and explanation, in a box over the panes; j/k and
 * PgUp/PgDn scroll it when it is longer than the screen. */
static void draw_explain(struct dv_tui *t)
{
	int w = COLS - 8 < 72 ? COLS - 8 : 72;
	dv_view_rule(t->v, &t->rule, (size_t)(w - 4));
	int n = (int)t->rule.n, h = n + 4;
	if (h > LINES - 2)
		h = LINES - 2;
	if (t->rule_scroll > max_scroll(t->rule.n, h - 2))
		t->rule_scroll = max_scroll(t->rule.n, h - 2);
	bool more = (size_t)n > t->rule_scroll + (size_t)(h - 3);
	draw_overlay(t, (LINES - h) / 2, (COLS - w) / 2, h, w, t->rule_scroll,
	             more ? "j/PgDn more   k/PgUp back   any other key closes" : "any key closes");
}

/* o: the output table's rows written up to the cursor, the newest at the bottom, over the
 * panes (the whole width: rows are wide); k/j and the page keys scroll through older rows. */
static void draw_output(struct dv_tui *t)
{
	int h = LINES - 2;
	dv_view_output(t->v, &t->rule, (size_t)(h > 4 ? h - 4 : 1), &t->out_back);
	draw_overlay(t, 1, 0, h, COLS, 0,
	             "k/PgUp older rows   j/PgDn newer   any other key closes");
}

/* The timing diagram needs room: 100 columns or 30 rows. At 80x24 the right column is full
 * with the 8237A, NDIS and the log, which a learner needs at every step; the diagram is a
 * closer look that a larger terminal affords. */
static bool timing_fits(void)
{
	return COLS >= 100 || LINES >= 30;
}

/* Where the narration starts after a move or a resize: the current paragraph's first line, or
 * as much of the end as fits when it is short, so the newest words are always on screen. */
static void follow_narration(struct dv_tui *t, int h)
{
	size_t pos = t->narr_at.pos, nb = t->narr_at.nb;
	dv_narr_place(&t->narr_at, &t->narr, h > 1 ? (size_t)(h - 1) : 1, t->v->pos, t->s->nb,
	              false);
	if (pos != t->narr_at.pos || nb != t->narr_at.nb)
		t->quest_scroll = 0;
}

/* The call ribbon, always on screen: the channel's owner and busy badge, the NDIS call in
 * progress or last returned with its arguments, the last port write (lecture.h). */
static void draw_ribbon(struct dv_tui *t)
{
	struct dv_lect_ribbon r;
	struct dv_vline l = { 0 };
	dv_lecture_ribbon(t->v, &r);
	dv_lecture_ribbon_line(&r, (size_t)COLS - 1, &l);
	mvhline(LINES - 2, 0, ' ', COLS);
	draw_line(t, LINES - 2, 1, COLS - 1, &l);
	free(l.text);
	free(l.roles);
}

void dv_tui_draw(struct dv_tui *t)
{
	erase();
	if (LINES < MIN_LINES || COLS < MIN_COLS) {
		draw_too_small();
		return;
	}
	struct dv_view *v = t->v;
	memset(t->pane, 0, sizeof t->pane);
	/* Rows 1 to body for the panes, the call ribbon under them, the keys at the bottom. */
	int body = LINES - 3, lw = COLS / 2, rx = lw + 1, rw = COLS - rx;

	/* top bar: lesson, step, beat, granularity */
	char bar[256];
	attrset(role_attr(t, DV_ROLE_HEADING));
	mvhline(0, 0, ' ', COLS);
	snprintf(bar, sizeof bar, " dmaviz: %s",
	         v->lesson->title ? v->lesson->title : v->lesson->file);
	mvaddnstr(0, 0, bar, COLS);
	snprintf(bar, sizeof bar, "step %u/%u  cycle %u  [%s] ", dv_view_step_number(v, v->step),
	         v->lesson->nsteps ? v->lesson->steps[v->lesson->nsteps - 1].number : 0,
	         v->now.st.cycle, dv_view_gran_name(v->gran));
	mvaddnstr(0, COLS - (int)strlen(bar), bar, (int)strlen(bar));
	attrset(A_NORMAL);

	/* left: the question (while one is reached) takes what it needs, the narration the rest
	 * above it, the source what is left; narration and question scroll when they do not fit. */
	int a = dv_session_ask(t->s);
	int qh = 0;
	if (a >= 0) {
		dv_session_question(t->s, a, &t->quest, (size_t)lw);
		qh = (int)t->quest.n + 1;
		if (qh > body - 5)
			qh = body - 5;
	}
	int nh = body * 55 / 100;
	if (nh + qh > body - 3)
		nh = body - 3 - qh;
	if (nh < 5)
		nh = 5;
	dv_view_narration(v, &t->narr, (size_t)lw);
	follow_narration(t, nh);
	draw_pane_at(t, PANE_NARR, 1, 0, nh, lw, &t->narr, t->narr_at.scroll);
	int sy = 1 + nh, sh = body - nh;
	if (a >= 0) {
		if (qh > sh)
			qh = sh;
		if (sh - qh < 4)
			qh = sh; /* a source pane of fewer than 3 lines says nothing */
		if (t->quest_scroll > max_scroll(t->quest.n, qh))
			t->quest_scroll = max_scroll(t->quest.n, qh);
		draw_pane_at(t, PANE_QUEST, sy, 0, qh, lw, &t->quest, t->quest_scroll);
		sy += qh;
		sh -= qh;
	}
	if (sh > 1) {
		dv_view_source(v, &t->src, (size_t)(sh - 1));
		draw_pane(t, PANE_SRC, sy, 0, sh, lw, &t->src);
	}

	/* right: 8237A, NIC when there is room, NDIS, then the event log in what is left */
	int y = 1;
	dv_view_dma(v, &t->dma);
	int dh = (int)t->dma.n + 1;
	draw_pane(t, PANE_DMA, y, rx, dh, rw, &t->dma);
	y += dh;
	if (timing_fits()) {
		dv_view_timing(v, &t->timing, (size_t)(rw > 7 ? rw - 7 : 1), t->opt.ascii);
		int th = (int)t->timing.n + 1;
		draw_pane(t, PANE_TIMING, y, rx, th, rw, &t->timing);
		y += th;
	}
	dv_view_ndis(v, &t->ndis, (size_t)rw);
	int ndh = (int)t->ndis.n + 1;
	dv_view_nic(v, &t->nic);
	int nich = (int)t->nic.n + 1;
	bool nic_shown = body - (y - 1) - ndh - nich >= 6;
	if (nic_shown) {
		draw_pane(t, PANE_NIC, y, rx, nich, rw, &t->nic);
		y += nich;
	}
	draw_pane(t, PANE_NDIS, y, rx, ndh, rw, &t->ndis);
	y += ndh;
	int lh = 1 + body - y;
	/* Memory and the log together need room; otherwise m swaps one for the other, since
	 * a log of a few lines or a memory dump of two rows says little. */
	if (lh >= MEM_ROOM) {
		int mh = lh / 2 < 9 ? lh / 2 : 9;
		dv_view_memory(v, &t->mem, (size_t)(mh - 1), (size_t)rw);
		draw_pane(t, PANE_MEM, y, rx, mh, rw, &t->mem);
		y += mh;
		lh -= mh;
	} else if (t->alt == 1 && lh > 1) {
		dv_view_memory(v, &t->mem, (size_t)(lh - 1), (size_t)rw);
		draw_pane(t, PANE_MEM, y, rx, lh, rw, &t->mem);
		lh = 0;
	}
	/* The address map above the log when the log keeps LOG_ROOM rows; otherwise m shows it
	 * in the log's place. */
	dv_lecture_panel(v, &t->map, (size_t)rw);
	int maph = (int)t->map.n + 1;
	bool map_shown = lh - maph >= LOG_ROOM;
	if (map_shown) {
		draw_pane(t, PANE_MAP, y, rx, maph, rw, &t->map);
		y += maph;
		lh -= maph;
	}
	if (t->alt == 3 && !map_shown && lh > 1) {
		draw_pane(t, PANE_MAP, y, rx, lh, rw, &t->map);
		lh = 0;
	}
	if (t->alt == 2 && !nic_shown && lh > 1) {
		/* The NIC's registers, FIFOs and wire in the log's place (80x24 has no room for
		 * all three). */
		draw_pane(t, PANE_NIC, y, rx, lh, rw, &t->nic);
		lh = 0;
	}
	if (lh > 1) {
		dv_view_log(v, &t->log, (size_t)(lh - 1));
		draw_pane(t, PANE_LOG, y, rx, lh, rw, &t->log);
	}

	draw_ribbon(t);

	/* bottom bar: the answer line, feedback, or the keys */
	bool gated = dv_session_gated(t->s);
	if (t->sandbox) {
		char line[300];
		snprintf(line, sizeof line, " :%s_   (Enter run, Esc cancel)", t->sbuf);
		attrset(A_BOLD);
		mvaddnstr(LINES - 1, 0, line, COLS);
	} else if (t->until) {
		attrset(A_BOLD);
		mvaddnstr(LINES - 1, 0, " " DV_SESSION_UNTIL_PROMPT, COLS);
	} else if (t->input) {
		char line[200];
		snprintf(line, sizeof line, " Answer: %s_   (Enter check, Esc cancel)", t->inbuf);
		attrset(A_BOLD);
		mvaddnstr(LINES - 1, 0, line, COLS);
	} else if (t->msg[0]) {
		attrset(A_BOLD);
		mvaddnstr(LINES - 1, 1, t->msg, COLS - 1);
	} else if (t->focus != PANE_NONE) {
		static const char *const names[PANE_COUNT] = {
			"narration", "question", "source", "8237A",       "timing",
			"NIC",       "NDIS",     "memory", "address map", "events"
		};
		bool scrolls = t->focus == PANE_LOG || t->focus == PANE_SRC ||
		               t->focus == PANE_NARR || t->focus == PANE_QUEST;
		char line[160];
		snprintf(line, sizeof line, " focus: %s  %sTab next pane  Esc back to stepping",
		         names[t->focus], scrolls ? "j/k scroll  " : "");
		attrset(A_BOLD);
		mvaddnstr(LINES - 1, 0, line, COLS);
	} else if (t->play.on) {
		char line[120], cue[32];
		dv_play_cue(&t->play, t->opt.ascii, cue, sizeof cue);
		snprintf(line, sizeof line, " playing: %u moves/s%s%s   p pause  +/- speed",
		         dv_play_term_rates[t->speed], cue[0] ? "  " : "", cue);
		attrset(A_BOLD);
		mvaddnstr(LINES - 1, 0, line, COLS);
	} else if (gated) {
		attrset(A_BOLD);
		mvaddnstr(LINES - 1, 0,
		          " A question: a answer  h hint  s skip   (k back, ? help, q quit)", COLS);
	} else {
		attrset(A_DIM);
		mvaddnstr(
		        LINES - 1, 0,
		        a >= 0 ?
		                " j/k step  ./, event  t gran  g/G first/last  a answer  h hint  ? help  q quit" :
		                " j/k step  ./, event  t granularity  g/G first/last  ? help  q quit",
		        COLS);
	}
	attrset(A_NORMAL);
	if (t->help)
		draw_help(t);
	else if (t->explain)
		draw_explain(t);
	else if (t->output)
		draw_output(t);
}

/* ---- keys ----------------------------------------------------------------------------------- */

/* The session's word on the last action, on the bottom line. */
static void take_msg(struct dv_tui *t)
{
	if (t->s->msg[0]) {
		snprintf(t->msg, sizeof t->msg, "%s", t->s->msg);
		t->s->msg[0] = '\0';
	}
}

static void submit_answer(struct dv_tui *t)
{
	t->input = false;
	if (t->inlen == 0)
		return;
	dv_session_answer(t->s, t->inbuf);
	take_msg(t);
}

static bool input_key(struct dv_tui *t, int key)
{
	switch (key) {
	case '\n':
	case '\r':
	case KEY_ENTER: submit_answer(t); break;
	case 27: t->input = false; break; /* Esc: back to stepping, nothing recorded */
	case KEY_BACKSPACE:
	case 127:
	case 8:
		if (t->inlen)
			t->inbuf[--t->inlen] = '\0';
		break;
	default:
		if (key >= 0x20 && key < 0x7f && t->inlen + 1 < sizeof t->inbuf) {
			t->inbuf[t->inlen++] = (char)key;
			t->inbuf[t->inlen] = '\0';
		}
		break;
	}
	return true;
}

static void answer_key(struct dv_tui *t)
{
	if (!dv_session_answerable(t->s)) {
		take_msg(t);
		return;
	}
	t->input = true;
	t->inlen = 0;
	t->inbuf[0] = '\0';
}

/* Runs a sandbox line on the live machine, past the end of the recording. */
static void run_sandbox(struct dv_tui *t)
{
	t->sandbox = false;
	if (t->slen == 0)
		return;
	dv_session_command(t->s, t->sbuf);
	take_msg(t);
}

static bool sandbox_key(struct dv_tui *t, int key)
{
	switch (key) {
	case '\n':
	case '\r':
	case KEY_ENTER: run_sandbox(t); break;
	case 27: t->sandbox = false; break;
	case KEY_BACKSPACE:
	case 127:
	case 8:
		if (t->slen)
			t->sbuf[--t->slen] = '\0';
		break;
	default:
		if (key >= 0x20 && key < 0x7f && t->slen + 1 < sizeof t->sbuf) {
			t->sbuf[t->slen++] = (char)key;
			t->sbuf[t->slen] = '\0';
		}
		break;
	}
	return true;
}

static void until_key(struct dv_tui *t, int key)
{
	t->until = false;
	dv_session_run_until(t->s, key);
	take_msg(t);
}

/* One move; at an unanswered question the session holds it and says why. */
static bool do_move(struct dv_tui *t, enum dv_vcmd cmd)
{
	enum dv_move r = dv_session_move(t->s, cmd);
	take_msg(t);
	return r == DV_MOVE_OK;
}

int dv_tui_timeout(const struct dv_tui *t)
{
	return !t->help && !t->explain && !t->output && !t->input && !t->sandbox && !t->until ?
	               dv_play_wait(&t->play) :
	               -1;
}

void dv_tui_tick(struct dv_tui *t)
{
	if (!t->play.on)
		return;
	/* The timeout that expired was the clock's own wait (dv_tui_timeout). */
	size_t made = 0;
	enum dv_move r = dv_play_run(&t->play, t->s, (unsigned)dv_play_wait(&t->play), &made);
	if (r != DV_MOVE_OK)
		snprintf(t->msg, sizeof t->msg, "%s", dv_play_stopped(r));
}

static int pane_at(const struct dv_tui *t, int y, int x)
{
	for (int i = 0; i < PANE_COUNT; i++) {
		const struct rect *r = &t->pane[i];
		if (r->h > 0 && y >= r->y && y < r->y + r->h && x >= r->x && x < r->x + r->w)
			return i;
	}
	return PANE_NONE;
}

/* A click: focus the pane under it; on the timing diagram's columns, seek to that cycle (held
 * at an unanswered question on the way). */
static void mouse_key(struct dv_tui *t)
{
	MEVENT me;
	if (getmouse(&me) != OK || !(me.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED)))
		return;
	int id = pane_at(t, me.y, me.x);
	if (id == PANE_NONE)
		return;
	t->focus = id;
	const struct rect *r = &t->pane[id];
	int col = me.x - r->x - 6; /* the signal names take 6 cells */
	if (id == PANE_TIMING && me.y > r->y && col >= 0 && (size_t)col < t->v->timing_ncols) {
		uint64_t c = t->v->timing_first + (uint64_t)col;
		dv_play_set(&t->play, false);
		enum dv_move m = dv_session_seek_cycle(t->s, c);
		if (m == DV_MOVE_GATE)
			take_msg(t);
		else if (m == DV_MOVE_OK)
			snprintf(t->msg, sizeof t->msg, "bus cycle %llu", (unsigned long long)c);
	}
}

/* Scrolls a text pane by d lines (negative: up). */
static void scroll_pane(struct dv_tui *t, int id, long d)
{
	if (id == PANE_NARR)
		dv_narr_place_scroll(&t->narr_at, d);
	else
		t->quest_scroll = dv_scrolled(t->quest_scroll, d); /* clamped when drawn */
}

/* Keys while a pane has focus: Tab cycles, Esc leaves, j/k scroll the narration, the question,
 * the log or the source. True when the key was used. */
static bool focus_key(struct dv_tui *t, int key)
{
	if (key == '\t') {
		/* The next pane that was drawn, then back to stepping after the last. */
		for (int i = t->focus + 1; i < PANE_COUNT; i++)
			if (t->pane[i].h > 0) {
				t->focus = i;
				return true;
			}
		t->focus = PANE_NONE;
		return true;
	}
	if (t->focus == PANE_NONE)
		return false;
	if (key == 27) {
		t->focus = PANE_NONE;
		t->v->log_scroll = 0;
		t->v->src_scroll = 0;
		return true;
	}
	bool down = key == 'j' || key == KEY_DOWN || key == ' ', up = key == 'k' || key == KEY_UP;
	if (!up && !down)
		return false;
	switch (t->focus) {
	case PANE_LOG:
		if (up)
			t->v->log_scroll++;
		else if (t->v->log_scroll > 0)
			t->v->log_scroll--;
		return true;
	case PANE_SRC: t->v->src_scroll += down ? 1 : -1; return true;
	case PANE_NARR:
	case PANE_QUEST: scroll_pane(t, t->focus, down ? 1 : -1); return true;
	default: return false;
	}
}

/* The key table's name of an ncurses key (keymap.h). */
const char *dv_tui_key_name(int key, char buf[2])
{
	switch (key) {
	case ' ': return "Space";
	case '\n':
	case '\r':
	case KEY_ENTER: return "Enter";
	case '\t': return "Tab";
	case 27: return "Esc";
	case KEY_UP: return "Up";
	case KEY_DOWN: return "Down";
	case KEY_LEFT: return "Left";
	case KEY_RIGHT: return "Right";
	case KEY_PPAGE: return "PgUp";
	case KEY_NPAGE: return "PgDn";
	case KEY_HOME: return "Home";
	case KEY_END: return "End";
	case KEY_BACKSPACE:
	case 127:
	case 8: return "Backspace";
	case KEY_F(1): return "F1";
	default: break;
	}
	if (key > 0x20 && key < 0x7f) {
		buf[0] = (char)key;
		buf[1] = '\0';
		return buf;
	}
	return "";
}

bool dv_tui_key(struct dv_tui *t, int key)
{
	if (t->explain) {
		/* j/k and the page keys scroll a long explanation; any other key closes it. */
		if (key == 'j' || key == KEY_DOWN || key == KEY_NPAGE || key == ' ')
			t->rule_scroll += key == KEY_NPAGE ? 10 : 1;
		else if (key == 'k' || key == KEY_UP || key == KEY_PPAGE)
			t->rule_scroll = dv_scrolled(t->rule_scroll, key == KEY_PPAGE ? -10 : -1);
		else
			t->explain = false;
		return true;
	}
	if (t->output) {
		/* k and PgUp go back to older rows, j and PgDn forward; any other key closes. */
		size_t page = LINES > 8 ? (size_t)LINES - 6 : 1;
		if (key == 'k' || key == KEY_UP || key == KEY_PPAGE)
			t->out_back += key == KEY_PPAGE ? page : 1; /* dv_view_output clamps it */
		else if (key == 'j' || key == KEY_DOWN || key == KEY_NPAGE || key == ' ')
			t->out_back =
			        dv_scrolled(t->out_back, -(long)(key == KEY_NPAGE ? page : 1));
		else
			t->output = false;
		return true;
	}
	if (t->sandbox)
		return sandbox_key(t, key);
	if (t->until) {
		until_key(t, key);
		return true;
	}
	if (t->help) {
		/* j/k scroll a help taller than the screen; any other key closes it, and q still
		 * quits, so it never traps the learner. */
		if (key == 'j' || key == KEY_DOWN || key == ' ' || key == KEY_NPAGE) {
			t->help_scroll += key == KEY_NPAGE ? 10 : 1;
			return true;
		}
		if (key == 'k' || key == KEY_UP || key == KEY_PPAGE) {
			t->help_scroll = dv_scrolled(t->help_scroll, -1);
			return true;
		}
		t->help = false;
		return key != 'q';
	}
	if (t->input)
		return input_key(t, key);
	/* A terminal too small to show the lesson takes no moves the learner cannot see; q still
	 * quits. */
	if (LINES < MIN_LINES || COLS < MIN_COLS)
		return key != 'q';
	t->msg[0] = '\0';
	if (key == KEY_MOUSE) {
		mouse_key(t);
		return true;
	}
	if (focus_key(t, key))
		return true;
	char buf[2];
	enum dv_action act = dv_keymap_action(DV_FRONT_TUI, dv_tui_key_name(key, buf));
	switch (act) {
	case DV_ACT_QUIT: return false;
	case DV_ACT_ANSWER: answer_key(t); break;
	case DV_ACT_HINT:
		dv_session_hint(t->s);
		take_msg(t);
		break;
	case DV_ACT_SKIP:
		dv_session_skip(t->s);
		take_msg(t);
		break;
	case DV_ACT_HELP:
		t->help = true;
		t->help_scroll = 0;
		break;
	case DV_ACT_EXPLAIN:
		if (dv_view_last_rule(t->v) >= 0) {
			t->explain = true;
			t->rule_scroll = 0;
		} else {
			snprintf(t->msg, sizeof t->msg, "no verifier rule has fired yet");
		}
		break;
	case DV_ACT_OUTPUT:
		t->output = true;
		t->out_back = 0;
		break;
	case DV_ACT_NEXT:
		if (!do_move(t, DV_VCMD_NEXT) && !dv_session_gated(t->s))
			beep(); /* at the end: say so without moving */
		break;
	case DV_ACT_PREV:
		if (!do_move(t, DV_VCMD_PREV))
			beep();
		break;
	case DV_ACT_NEXT_EVENT:
		if (!do_move(t, DV_VCMD_NEXT_EVENT) && !dv_session_gated(t->s))
			beep();
		break;
	case DV_ACT_PREV_EVENT:
		if (!do_move(t, DV_VCMD_PREV_EVENT))
			beep();
		break;
	case DV_ACT_FIRST: do_move(t, DV_VCMD_FIRST); break;
	case DV_ACT_LAST: do_move(t, DV_VCMD_LAST); break;
	case DV_ACT_GRAN: dv_session_move(t->s, DV_VCMD_GRAN); break;
	case DV_ACT_PLAY:
		if (t->play.on)
			dv_play_set(&t->play, false);
		else if (!dv_play_start(&t->play, t->s))
			snprintf(t->msg, sizeof t->msg,
			         "A question first: a to answer, h for a hint, s to skip.");
		break;
	case DV_ACT_FASTER:
	case DV_ACT_SLOWER:
		if (act == DV_ACT_SLOWER ? t->speed > 0 : t->speed + 1 < dv_play_term_nrates)
			t->speed = act == DV_ACT_SLOWER ? t->speed - 1 : t->speed + 1;
		dv_play_rate(&t->play,
		             dv_play_term_rates[t->speed]); /* what is left of the step, again */
		snprintf(t->msg, sizeof t->msg, "speed: %u moves/s", dv_play_term_rates[t->speed]);
		break;
	case DV_ACT_UNTIL: t->until = true; break;
	case DV_ACT_MEMORY:
		t->alt = (t->alt + 1) % 4;
		snprintf(t->msg, sizeof t->msg, "bottom right: %s (m for the next)",
		         t->alt == 0 ? "the event log" :
		         t->alt == 1 ? "memory" :
		         t->alt == 2 ? "the NIC" :
		                       "the address map");
		break;
	case DV_ACT_SCROLL_UP:
	case DV_ACT_SCROLL_DOWN: {
		int id = t->focus == PANE_QUEST ? PANE_QUEST : PANE_NARR;
		int h = t->pane[id].h > 2 ? t->pane[id].h - 2 : 1;
		scroll_pane(t, id, act == DV_ACT_SCROLL_UP ? -h : h);
		break;
	}
	case DV_ACT_SANDBOX:
		if (!dv_session_at_end(
		            t->s)) { /* the session says the same; saying it here keeps the prompt closed */
			snprintf(t->msg, sizeof t->msg,
			         "sandbox runs at the end of the lesson; press G");
			break;
		}
		t->sandbox = true;
		t->slen = 0;
		t->sbuf[0] = '\0';
		break;
	default: break; /* KEY_RESIZE and unknown keys: just redraw */
	}
	return true;
}

/* ---- the interactive loop ------------------------------------------------------------------- */

static volatile sig_atomic_t got_signal;
static bool screen_open;

/* endwin is not async-signal-safe, so the handler only records the signal; getch returns ERR
 * (no SA_RESTART) and the loop restores the terminal itself. */
static void on_signal(int sig)
{
	got_signal = sig;
}

static void restore_terminal(void)
{
	if (screen_open) {
		screen_open = false;
		endwin();
	}
}

static void usage(FILE *f, const char *prog)
{
	fprintf(f,
	        "usage: %s [--no-color] [--ascii] [--theme NAME|FILE] [LESSON]\n"
	        "\n"
	        "Opens a lesson file in the terminal (without one: the lesson menu). Keys: j/k step,\n"
	        "./, one event, t granularity, p play, r run until, m memory, : sandbox, g/G, ? help, q.\n"
	        "Colour is off with --no-color or NO_COLOR. --theme picks the colours: dark (the\n"
	        "default), light, high-contrast, colour-blind, or a .theme file; --contrast is\n"
	        "--theme high-contrast. Progress is kept in\n"
	        "$XDG_STATE_HOME/dmaviz/progress (default ~/.local/state/dmaviz/progress).\n",
	        prog);
}

/* Options shared by the lesson and the menu. Returns -1 to go on, else an exit status. */
static int parse_args(int argc, char **argv, struct dv_tui_options *opt, const char **path)
{
	static struct dv_theme theme;
	const char *prog = argc > 0 && argv[0] ? argv[0] : "dmaviz";
	const char *nc = getenv("NO_COLOR");
	const char *theme_arg = NULL;
	*opt = (struct dv_tui_options){ .color = !(nc && *nc), .ascii = false, .theme = &theme };
	*path = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--no-color") == 0) {
			opt->color = false;
		} else if (strcmp(argv[i], "--theme") == 0) {
			if (i + 1 >= argc) {
				fprintf(stderr,
				        "%s: --theme needs a value: dark, light, high-contrast, "
				        "colour-blind or a .theme file\n",
				        prog);
				return 2;
			}
			theme_arg = argv[++i];
		} else if (strncmp(argv[i], "--theme=", 8) == 0) {
			theme_arg = argv[i] + 8;
		} else if (strcmp(argv[i], "--contrast") == 0) {
			theme_arg = "high-contrast";
		} else if (strcmp(argv[i], "--ascii") == 0) {
			opt->ascii = true;
		} else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			usage(stdout, prog);
			return 0;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "%s: unknown option '%s'\n", prog, argv[i]);
			usage(stderr, prog);
			return 2;
		} else if (!*path) {
			*path = argv[i];
		} else {
			fprintf(stderr, "%s: one lesson at a time ('%s' and '%s')\n", prog, *path,
			        argv[i]);
			return 2;
		}
	}
	/* A theme that does not load is a warning: the default colours still teach. */
	char err[600];
	if (!dv_theme_load(&theme, theme_arg, err, sizeof err) && theme_arg)
		fprintf(stderr, "%s: %s; using the dark theme\n", prog, err);
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		bool rec = *path && dv_file_is_recording(*path);
		fprintf(stderr,
		        "%s: the terminal UI needs a terminal on stdin and stdout; to %s without "
		        "one, use: dmaviz %s %s\n",
		        prog, rec ? "read a recording" : "run a lesson", rec ? "trace" : "check",
		        *path ? *path : "LESSON");
		return 2;
	}
	/* A dumb or unknown terminal cannot position the cursor: say so instead of drawing
	 * garbage (or letting initscr exit with its own message). */
	const char *term = getenv("TERM");
	if (!term || !*term || !strcmp(term, "dumb")) {
		fprintf(stderr,
		        "%s: TERM is %s; the terminal UI needs a terminal that can move the "
		        "cursor (e.g. TERM=xterm-256color). Without one, use: dmaviz check %s\n",
		        prog, term && *term ? "\"dumb\"" : "not set", *path ? *path : "LESSON");
		return 2;
	}
	return -1;
}

static bool screen_start(void)
{
	setlocale(LC_ALL, "");
	/* Installed before initscr so ncurses keeps ours instead of its own handlers. */
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL); /* Ctrl-\ */
	sigaction(SIGTERM, &sa, NULL);
	atexit(restore_terminal);
	/* newterm, unlike initscr, returns NULL for a terminal type it does not know. */
	if (!newterm(NULL, stdout, stdin)) {
		fprintf(stderr,
		        "dmaviz: the terminal type '%s' is unknown to ncurses; try "
		        "TERM=xterm-256color, or use dmaviz check\n",
		        getenv("TERM"));
		return false;
	}
	screen_open = true;
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	curs_set(0);
	return true;
}

/* Blocks for the next key: a paused screen costs no CPU. ERR when a signal came or input is
 * gone (the terminal hung up): leave rather than spin. */
#define KEY_TICK DV_TUI_KEY_TICK /* the autoplay timeout expired */
static int next_key(int ms)
{
	timeout(ms); /* -1 while paused: getch blocks and the process sleeps */
	for (;;) {
		refresh();
		errno = 0;
		int key = getch();
		if (got_signal)
			return ERR;
		if (key == ERR && errno == EINTR)
			continue;
		if (key == ERR && ms >= 0)
			return KEY_TICK;
		return key;
	}
}

static int screen_end(void)
{
	restore_terminal();
	if (got_signal) {
		/* Die of the signal as the shell expects, now that the terminal is sane. */
		signal(got_signal, SIG_DFL);
		raise(got_signal);
	}
	return 0;
}

bool dv_tui_screen_start(void)
{
	return screen_start();
}

int dv_tui_screen_key(void)
{
	return next_key(-1);
}

int dv_tui_screen_key_wait(int ms)
{
	return next_key(ms);
}

int dv_tui_screen_end(void)
{
	return screen_end();
}

static void load_progress(struct dv_progress *p)
{
	char path[4096];
	dv_progress_load(p, dv_progress_default_path(path, sizeof path) ? path : NULL);
}

int dv_tui_main(int argc, char **argv)
{
	return dv_tui_main_driver(argc, argv, NULL, NULL);
}

int dv_tui_main_driver(int argc, char **argv, DV_DRIVER_ENTRY entry, const char *driver_path)
{
	struct dv_tui_options opt;
	const char *path;
	int rc = parse_args(argc, argv, &opt, &path);
	if (rc >= 0)
		return rc;
	opt.driver_entry = entry;
	opt.driver_path = driver_path;
	if (!path) {
		usage(stderr, argc > 0 && argv[0] ? argv[0] : "dmaviz");
		return 2;
	}
	struct dv_tui *t = dv_tui_open(path, &opt);
	if (!t)
		return 2;
	struct dv_progress progress;
	load_progress(&progress);
	if (progress.status[0])
		fprintf(stderr, "dmaviz: %s\n", progress.status);
	dv_tui_set_progress(t, &progress);
	if (!screen_start()) {
		dv_tui_close(t);
		dv_progress_finish(&progress);
		return 2;
	}
	dv_tui_setup_screen(t);
	for (;;) {
		dv_tui_draw(t);
		int key = next_key(dv_tui_timeout(t));
		if (key == KEY_TICK) {
			dv_tui_tick(t);
			continue;
		}
		if (key == ERR || !dv_tui_key(t, key))
			break;
	}
	/* A run whose checks failed (a learner's driver that missed an expectation) ends with
	 * status 1, as `dmaviz check` does, and says why once the terminal is back. */
	char failed[600];
	bool failing = dv_session_failure_summary(t->s, failed, sizeof failed);
	dv_tui_close(t);
	dv_progress_finish(&progress);
	int rc_end = screen_end();
	if (!failing)
		return rc_end;
	fprintf(stderr, "dmaviz: %s\n", failed);
	return 1;
}

int dv_tui_menu_main(int argc, char **argv, const char *dir)
{
	struct dv_tui_options opt;
	const char *path;
	int rc = parse_args(argc, argv, &opt, &path);
	if (rc >= 0)
		return rc;
	if (path)
		return dv_tui_main(argc, argv);
	struct dv_progress progress;
	load_progress(&progress);
	struct dv_menu *m = dv_menu_open(dir, &progress, &opt);
	if (!m || !screen_start()) {
		dv_menu_close(m);
		dv_progress_finish(&progress);
		return 2;
	}
	struct dv_tui *t = NULL;
	for (;;) {
		if (t)
			dv_tui_draw(t);
		else
			dv_menu_draw(m);
		int key = next_key(t ? dv_tui_timeout(t) : -1);
		if (key == KEY_TICK) {
			if (t)
				dv_tui_tick(t);
			continue;
		}
		if (key == ERR)
			break;
		if (t) {
			if (!dv_tui_key(t, key)) {
				dv_tui_close(t); /* q in a lesson goes back to the menu */
				t = NULL;
			}
			continue;
		}
		enum dv_menu_action act = dv_menu_key(m, key);
		if (act == DV_MENU_QUIT)
			break;
		if (act == DV_MENU_OPEN) {
			t = dv_tui_open(dv_menu_selected(m), &opt);
			clearok(stdscr, TRUE); /* a failed open wrote to stderr under the screen */
			if (!t) {
				char msg[600];
				snprintf(msg, sizeof msg, "cannot open %s: see `dmaviz check %s`",
				         dv_menu_selected(m), dv_menu_selected(m));
				dv_menu_status(m, msg);
				continue;
			}
			dv_tui_set_progress(t, &progress);
			dv_tui_setup_screen(t);
		}
	}
	dv_tui_close(t);
	dv_menu_close(m);
	dv_progress_finish(&progress);
	return screen_end();
}

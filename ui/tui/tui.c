/* dmaviz: the terminal UI (tui.h). It lays out the panels ui/view builds and maps keys to
 * view commands; what a panel says is decided in the view, not here. */
#define _XOPEN_SOURCE_EXTENDED 1 /* ncursesw's wide-character API */
#include "tui.h"

#include <curses.h>
#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lesson.h"
#include "view.h"

#ifndef DV_SOURCE_ROOT
#define DV_SOURCE_ROOT NULL
#endif

#define MIN_COLS 80
#define MIN_LINES 24
#define MAX_LESSON_BYTES (1u << 20)

struct dv_tui {
	struct dv_tui_options opt;
	char *text;
	struct dv_lesson *lesson;
	struct dv_run *run;
	struct dv_view view;
	bool help;
	struct dv_vpanel narr, dma, nic, ndis, log, src;
};

/* ---- loading -------------------------------------------------------------------------------- */

static char *read_all(const char *path, size_t max, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = malloc(max + 1);
	size_t n = buf ? fread(buf, 1, max + 1, f) : 0;
	int bad = ferror(f);
	fclose(f);
	if (!buf || bad || n > max) {
		free(buf);
		errno = buf && !bad ? EFBIG : EIO;
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* compare-to files are named relative to the lesson's own file. */
static char *load_relative(void *ctx, const char *lesson_file, const char *name, size_t *len)
{
	(void)ctx;
	char path[4096];
	const char *slash = strrchr(lesson_file, '/');
	if (name[0] == '/' || !slash)
		snprintf(path, sizeof path, "%s", name);
	else
		snprintf(path, sizeof path, "%.*s/%s", (int)(slash - lesson_file), lesson_file, name);
	return read_all(path, MAX_LESSON_BYTES, len);
}

struct dv_tui *dv_tui_open(const char *path, const struct dv_tui_options *opt)
{
	struct dv_tui *t = calloc(1, sizeof *t);
	if (!t) {
		fprintf(stderr, "dmaviz: out of memory\n");
		return NULL;
	}
	t->opt = *opt;
	size_t len = 0;
	t->text = read_all(path, MAX_LESSON_BYTES, &len);
	if (!t->text) {
		fprintf(stderr, "dmaviz: %s: %s\n", path, strerror(errno));
		free(t);
		return NULL;
	}
	struct dv_msgs msgs;
	dv_msgs_init(&msgs);
	t->lesson = dv_lesson_parse(path, t->text, len, &msgs);
	for (size_t i = 0; i < msgs.n; i++)
		fprintf(stderr, "%s\n%s%s", msgs.v[i].text, msgs.v[i].hint ? msgs.v[i].hint : "",
		        msgs.v[i].hint ? "\n" : "");
	dv_msgs_finish(&msgs);
	if (!t->lesson) {
		free(t->text);
		free(t);
		return NULL;
	}
	struct dv_run_options ro = { .load = load_relative };
	t->run = dv_run_create(t->lesson, &ro);
	if (!t->run) {
		fprintf(stderr, "dmaviz: %s: out of memory\n", path);
		dv_tui_close(t);
		return NULL;
	}
	/* The whole lesson runs now, headless; the screen then only moves a cursor through the
	 * recorded trace, which makes every step back exact and every redraw cheap. */
	dv_run_all(t->run);
	dv_view_init(&t->view, t->lesson, t->run, NULL, DV_SOURCE_ROOT);
	dv_vpanel_init(&t->narr);
	dv_vpanel_init(&t->dma);
	dv_vpanel_init(&t->nic);
	dv_vpanel_init(&t->ndis);
	dv_vpanel_init(&t->log);
	dv_vpanel_init(&t->src);
	return t;
}

void dv_tui_close(struct dv_tui *t)
{
	if (!t)
		return;
	if (t->view.sim)
		dv_view_finish(&t->view);
	dv_vpanel_finish(&t->narr);
	dv_vpanel_finish(&t->dma);
	dv_vpanel_finish(&t->nic);
	dv_vpanel_finish(&t->ndis);
	dv_vpanel_finish(&t->log);
	dv_vpanel_finish(&t->src);
	dv_run_destroy(t->run);
	dv_lesson_free(t->lesson);
	free(t->text);
	free(t);
}

/* ---- drawing -------------------------------------------------------------------------------- */

static bool use_color(const struct dv_tui *t)
{
	return t->opt.color && has_colors();
}

void dv_tui_setup_screen(struct dv_tui *t)
{
	if (!use_color(t))
		return;
	start_color();
	use_default_colors();
	init_pair(DV_ROLE_HEADING, COLOR_WHITE, COLOR_BLUE);
	init_pair(DV_ROLE_CHANGED, COLOR_YELLOW, -1);
	init_pair(DV_ROLE_HIGHLIGHT, COLOR_CYAN, -1);
	init_pair(DV_ROLE_DIM, -1, -1);
	init_pair(DV_ROLE_ERROR, COLOR_RED, -1);
}

/* Every role has a cue that survives without colour; colour is added on top. Changed values
 * are always bold and reverse, so they show on a monochrome terminal and in NO_COLOR mode. */
static attr_t role_attr(const struct dv_tui *t, enum dv_role r)
{
	attr_t a = A_NORMAL;
	switch (r) {
	case DV_ROLE_HEADING: a = A_REVERSE; break;
	case DV_ROLE_CHANGED: a = A_BOLD | A_REVERSE; break;
	case DV_ROLE_HIGHLIGHT: a = A_BOLD; break;
	case DV_ROLE_DIM: a = A_DIM; break;
	case DV_ROLE_ERROR: a = A_BOLD | A_UNDERLINE; break;
	default: break;
	}
	if (use_color(t) && r != DV_ROLE_NORMAL && r != DV_ROLE_DIM)
		a |= COLOR_PAIR(r);
	return a;
}

/* Draws text with one role, clipped to cells; returns the cells used. */
static int draw_run(struct dv_tui *t, int y, int x, const char *s, size_t len, enum dv_role r, int cells)
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
		used += draw_run(t, y, x + used, l->text + i, j - i, (enum dv_role)l->roles[i], w - used);
		i = j;
	}
}

/* A pane: a heading row with the title, then as many lines as fit. */
static void draw_pane(struct dv_tui *t, int y, int x, int h, int w, const struct dv_vpanel *p)
{
	if (h <= 0 || w <= 0)
		return;
	attrset(role_attr(t, DV_ROLE_HEADING));
	mvhline(y, x, ' ', w);
	attrset(A_NORMAL);
	char title[160];
	snprintf(title, sizeof title, " %s ", p->title);
	draw_run(t, y, x, title, strlen(title), DV_ROLE_HEADING, w);
	for (int r = 1; r < h && (size_t)(r - 1) < p->n; r++)
		draw_line(t, y + r, x, w, &p->line[r - 1]);
	if (p->n > (size_t)(h - 1) && h > 1)
		draw_run(t, y + h - 1, x + w - 6, " more ", 6, DV_ROLE_DIM, 6);
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
		mvaddnstr(y, (w - (int)strlen(size)) / 2 > 0 ? (w - (int)strlen(size)) / 2 : 0, size, w);
}

static const char *const help_text[] = {
	"Keys",
	"",
	"j  space  Down  Right   next step",
	"k  b      Up    Left    previous step",
	".  ,                    one event forward / back",
	"t                       granularity: step or event",
	"g  Home   G  End        first / last step",
	"?                       this help (any key closes it)",
	"q                       quit",
	"",
	"Changed values are bold and reversed (and yellow in colour).",
};

static void draw_help(struct dv_tui *t)
{
	int n = (int)(sizeof help_text / sizeof help_text[0]);
	int w = 64, h = n + 2;
	int y = (LINES - h) / 2, x = (COLS - w) / 2;
	for (int r = 0; r < h; r++) {
		attrset(A_REVERSE);
		mvhline(y + r, x, ' ', w);
		if (r > 0 && r <= n)
			mvaddnstr(y + r, x + 2, help_text[r - 1], w - 4);
	}
	attrset(A_NORMAL);
	(void)t;
}

void dv_tui_draw(struct dv_tui *t)
{
	erase();
	if (LINES < MIN_LINES || COLS < MIN_COLS) {
		draw_too_small();
		return;
	}
	struct dv_view *v = &t->view;
	int body = LINES - 2, lw = COLS / 2, rx = lw + 1, rw = COLS - rx;

	/* top bar: lesson, step, granularity */
	char bar[256];
	attrset(role_attr(t, DV_ROLE_HEADING));
	mvhline(0, 0, ' ', COLS);
	snprintf(bar, sizeof bar, " dmaviz: %s", v->lesson->title ? v->lesson->title : v->lesson->file);
	mvaddnstr(0, 0, bar, COLS);
	snprintf(bar, sizeof bar, "step %u/%u  cycle %u  [%s] ", dv_view_step_number(v, v->step),
	         v->lesson->nsteps ? v->lesson->steps[v->lesson->nsteps - 1].number : 0,
	         v->now.st.cycle, dv_view_gran_name(v->gran));
	mvaddnstr(0, COLS - (int)strlen(bar), bar, (int)strlen(bar));
	attrset(A_NORMAL);

	/* left: narration above the source */
	int nh = body * 55 / 100;
	dv_view_narration(v, &t->narr, (size_t)lw);
	draw_pane(t, 1, 0, nh, lw, &t->narr);
	dv_view_source(v, &t->src, (size_t)(body - nh - 1));
	draw_pane(t, 1 + nh, 0, body - nh, lw, &t->src);

	/* right: 8237A, NIC when there is room, NDIS, then the event log in what is left */
	int y = 1;
	dv_view_dma(v, &t->dma);
	int dh = (int)t->dma.n + 1;
	draw_pane(t, y, rx, dh, rw, &t->dma);
	y += dh;
	dv_view_ndis(v, &t->ndis, (size_t)rw);
	int ndh = (int)t->ndis.n + 1;
	dv_view_nic(v, &t->nic);
	int nich = (int)t->nic.n + 1;
	if (body - (y - 1) - ndh - nich >= 6) {
		draw_pane(t, y, rx, nich, rw, &t->nic);
		y += nich;
	}
	draw_pane(t, y, rx, ndh, rw, &t->ndis);
	y += ndh;
	int lh = 1 + body - y;
	if (lh > 1) {
		dv_view_log(v, &t->log, (size_t)(lh - 1));
		draw_pane(t, y, rx, lh, rw, &t->log);
	}

	/* bottom bar: the keys */
	attrset(A_DIM);
	mvaddnstr(LINES - 1, 0,
	          " j/k step  ./, event  t granularity  g/G first/last  ? help  q quit", COLS);
	attrset(A_NORMAL);
	if (t->help)
		draw_help(t);
}

/* ---- keys ----------------------------------------------------------------------------------- */

bool dv_tui_key(struct dv_tui *t, int key)
{
	if (t->help) {
		/* Any key closes the help; q still quits, so it never traps the learner. */
		t->help = false;
		return key != 'q';
	}
	enum dv_vcmd cmd = DV_VCMD_COUNT;
	switch (key) {
	case 'q': return false;
	case '?': t->help = true; return true;
	case 'j': case ' ': case KEY_DOWN: case KEY_RIGHT: case KEY_NPAGE: cmd = DV_VCMD_NEXT; break;
	case 'k': case 'b': case KEY_UP: case KEY_LEFT: case KEY_PPAGE: case KEY_BACKSPACE:
		cmd = DV_VCMD_PREV;
		break;
	case '.': cmd = DV_VCMD_NEXT_EVENT; break;
	case ',': cmd = DV_VCMD_PREV_EVENT; break;
	case 'g': case KEY_HOME: cmd = DV_VCMD_FIRST; break;
	case 'G': case KEY_END: cmd = DV_VCMD_LAST; break;
	case 't': cmd = DV_VCMD_GRAN; break;
	default: break; /* KEY_RESIZE and unknown keys: just redraw */
	}
	if (cmd != DV_VCMD_COUNT && !dv_view_command(&t->view, cmd))
		beep(); /* at either end: say so without moving */
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
	        "usage: %s [--no-color] [--ascii] LESSON\n"
	        "\n"
	        "Opens a lesson file in the terminal. Keys: j/k step, ./, one event, t granularity,\n"
	        "g/G first/last, ? help, q quit. Colour is off with --no-color or NO_COLOR.\n",
	        prog);
}

int dv_tui_main(int argc, char **argv)
{
	const char *prog = argc > 0 && argv[0] ? argv[0] : "dmaviz";
	const char *path = NULL;
	const char *nc = getenv("NO_COLOR");
	struct dv_tui_options opt = { .color = !(nc && *nc), .ascii = false };
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--no-color") == 0) {
			opt.color = false;
		} else if (strcmp(argv[i], "--ascii") == 0) {
			opt.ascii = true;
		} else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			usage(stdout, prog);
			return 0;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "%s: unknown option '%s'\n", prog, argv[i]);
			usage(stderr, prog);
			return 2;
		} else if (!path) {
			path = argv[i];
		} else {
			fprintf(stderr, "%s: one lesson at a time ('%s' and '%s')\n", prog, path, argv[i]);
			return 2;
		}
	}
	if (!path) {
		usage(stderr, prog);
		return 2;
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "%s: the terminal UI needs a terminal on stdin and stdout; to run a "
		                "lesson without one, use: dmaviz check %s\n", prog, path);
		return 2;
	}
	struct dv_tui *t = dv_tui_open(path, &opt);
	if (!t)
		return 2;

	setlocale(LC_ALL, "");
	/* Installed before initscr so ncurses keeps ours instead of its own handlers. */
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	atexit(restore_terminal);
	if (!initscr()) {
		dv_tui_close(t);
		return 2;
	}
	screen_open = true;
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	curs_set(0);
	dv_tui_setup_screen(t);
	for (;;) {
		dv_tui_draw(t);
		refresh();
		errno = 0;
		int key = getch(); /* blocks: a paused lesson costs no CPU */
		if (got_signal)
			break;
		if (key == ERR && errno == EINTR)
			continue;
		if (key == ERR)
			break; /* input is gone (the terminal hung up): leave rather than spin */
		if (!dv_tui_key(t, key))
			break;
	}
	restore_terminal();
	dv_tui_close(t);
	if (got_signal) {
		/* Die of the signal as the shell expects, now that the terminal is sane. */
		signal(got_signal, SIG_DFL);
		raise(got_signal);
	}
	return 0;
}

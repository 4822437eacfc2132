/* dmaviz: terminal UI screen tests. Each case is one file, tests/screens/NAME.screen: header
 * lines that declare the case, a line "====", then the dump of the screen it must give. A case
 * opens a lesson (or the menu, or the quiz) on a virtual curses screen (newterm to /dev/null)
 * of its size, feeds its keys through the same dv_tui_key path the interactive loop uses,
 * dumps the screen as text and compares it with the file's dump. DV_REGEN=1 rewrites the
 * dumps (the headers stay); review the diff. A new case is a new file: nothing else lists it.
 *
 * The header (one item a line; '#' starts a comment line):
 *   size COLSxLINES          the screen (required)
 *   lesson PATH              the lesson to open (default lessons/03-send.lesson)
 *   menu                     start in the lesson menu (keys go to the lesson once one opens)
 *   quiz SEED                the interactive quiz of this seed instead of a lesson
 *   keys "..."               the keys, as a C string: '>' and '<' are PgDn and PgUp, '@' is
 *                            one expiry of the play (or replay) timeout, "{Y,X}" a click of
 *                            button 1 at row Y, column X
 *   ascii                    the ASCII drawing (--ascii)
 *   driver [NAME]            the lesson runs on the driver module given with --driver (or
 *                            with --driver NAME=PATH)
 *   progress "..."           the progress file's text before the keys ("" : an empty state)
 *   want-progress "..."      a line the progress file must hold afterwards
 *   progress-set-aside       the progress file must have been kept aside as corrupt
 *   same-as NAME             the dump (text and attributes) must equal case NAME's
 *   record                   the case opens a recording of its lesson made now (dmaviz record,
 *                            with the driver module when driver is given) from a directory
 *                            outside the source tree, without the driver; its screen must be
 *                            the lesson's own at the same keys, text and attributes
 *   text-only                same-as compares the text only
 *   quiz-after playing|paused  the quiz's replay must be so afterwards
 *   attr-text TEXT           the cell attr-offset cells into the first row TEXT appears in
 *   attr-offset N              must have every attribute of attr-on, none of attr-off
 *   attr-on / attr-off ATTRS   (bold, reverse, underline) and the colour pair of the role
 *   attr-role ROLE             attr-role (normal, changed, fading, error, ..., or any)
 *
 * The moments of 03-send the keys reach (one j a beat: a paragraph, a question, a step's end;
 * s skips a question): "jjj" the first question, held; then "sjsj" both skipped, the
 * paragraph after the send's Setup; "jj" step 3's question, before the transfer; "s" skipped,
 * the transfer is next; "j" the paragraph after terminal count. Every question answered to
 * the end: "Ga0x09\nGa1513\nGano\nGaSUCCESS\nG".
 *
 * usage: test-screens SRCDIR [--driver [NAME=]DRIVER.so]... [CASE...]   every case (or these), as TAP
 *        test-screens SRCDIR --keymap | --walk-all | --walk-recorded
 */
#define _XOPEN_SOURCE_EXTENDED 1
#define _DEFAULT_SOURCE 1
#include <curses.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd_record.h"
#include "driver.h"
#include "files.h"
#include "keymap.h"
#include "lesson.h"
#include "progress.h"
#include "quizui.h"
#include "tui.h"
#include "view.h"
#include "../coincidences.h"

#define LESSON "lessons/03-send.lesson"
#define SCREENS "tests/screens"

struct scase {
	char name[128];
	char *header; /* the file's lines before "====", kept for DV_REGEN */
	char *want;   /* the dump after it */
	int lines, cols;
	char *keys;
	char *same_as; /* another case whose dump must be identical */
	bool menu;
	char *progress; /* NULL: no progress file */
	char *want_progress;
	bool set_aside;
	bool ascii;
	char *lesson; /* NULL: LESSON */
	char *attr_text;
	int attr_off;
	attr_t want_on, want_off;
	int want_pair; /* -1: any */
	bool text_only;
	bool driver;
	char *module; /* driver NAME: the module given as --driver NAME=PATH; NULL: the unnamed one */
	bool record;
	unsigned long long quiz_seed; /* not 0: the interactive quiz of this seed */
	int quiz_playing;             /* 1: playing afterwards, -1: paused, 0: not checked */
};

/* The --driver modules: the unnamed one has the name "". */
static struct module {
	const char *name, *path;
} modules[8];
static size_t nmodules;

/* The path of the case's driver module, or NULL (with a message) when none was given. */
static const char *module_of(const struct scase *c)
{
	const char *name = c->module ? c->module : "";
	for (size_t i = 0; i < nmodules; i++)
		if (!strcmp(modules[i].name, name))
			return modules[i].path;
	fprintf(stderr, "%s: no driver module '%s' given (--driver %s%s.so)\n", c->name, name, name,
	        *name ? "=DRIVER" : "DRIVER");
	return NULL;
}
static int state_failed; /* a check besides the dump failed */

static char *read_text(const char *path);

/* ---- the case files --------------------------------------------------------------------------- */

/* A C string's body: \n \t \\ \" \xHH. */
static char *unquote(const char *v, const char *path, unsigned line)
{
	size_t n = strlen(v);
	if (n < 2 || v[0] != '"' || v[n - 1] != '"') {
		fprintf(stderr, "%s:%u: expected a \"quoted\" value\n", path, line);
		exit(2);
	}
	char *out = malloc(n), *o = out;
	for (const char *p = v + 1; p < v + n - 1; p++) {
		if (*p != '\\') {
			*o++ = *p;
			continue;
		}
		p++;
		if (*p == 'n')
			*o++ = '\n';
		else if (*p == 't')
			*o++ = '\t';
		else if (*p == 'x' && isxdigit((unsigned char)p[1]) &&
		         isxdigit((unsigned char)p[2])) {
			char hex[3] = { p[1], p[2], 0 };
			*o++ = (char)strtol(hex, NULL, 16);
			p += 2;
		} else
			*o++ = *p;
	}
	*o = 0;
	return out;
}

static attr_t attr_names(const char *v, const char *path, unsigned line)
{
	attr_t a = 0;
	char buf[128];
	snprintf(buf, sizeof buf, "%s", v);
	for (char *w = strtok(buf, " "); w; w = strtok(NULL, " ")) {
		if (!strcmp(w, "bold"))
			a |= A_BOLD;
		else if (!strcmp(w, "reverse"))
			a |= A_REVERSE;
		else if (!strcmp(w, "underline"))
			a |= A_UNDERLINE;
		else {
			fprintf(stderr, "%s:%u: no attribute '%s'\n", path, line, w);
			exit(2);
		}
	}
	return a;
}

static int role_name(const char *v, const char *path, unsigned line)
{
	static const char *const names[DV_ROLE_COUNT] = {
		[DV_ROLE_NORMAL] = "normal",   [DV_ROLE_HEADING] = "heading",
		[DV_ROLE_CHANGED] = "changed", [DV_ROLE_HIGHLIGHT] = "highlight",
		[DV_ROLE_DIM] = "dim",         [DV_ROLE_ERROR] = "error",
		[DV_ROLE_FADING] = "fading",
	};
	if (!strcmp(v, "any"))
		return -1;
	for (int r = 0; r < DV_ROLE_COUNT; r++)
		if (names[r] && !strcmp(v, names[r]))
			return r;
	fprintf(stderr, "%s:%u: no role '%s'\n", path, line, v);
	exit(2);
}

/* Reads tests/screens/NAME.screen; exits 2 on a malformed file. */
static void load_case(const char *name, struct scase *c)
{
	memset(c, 0, sizeof *c);
	snprintf(c->name, sizeof c->name, "%s", name);
	char path[300];
	snprintf(path, sizeof path, SCREENS "/%s.screen", name);
	char *text = read_text(path);
	if (!text) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		exit(2);
	}
	char *sep = strncmp(text, "====\n", 5) ? strstr(text, "\n====\n") : text - 1;
	if (!sep) {
		fprintf(stderr, "%s: no line \"====\" after the header\n", path);
		exit(2);
	}
	c->want = strdup(sep + 6);
	c->header = strndup(text, (size_t)(sep + 1 - text));
	sep[1] = 0;
	unsigned line = 0;
	for (char *l = text, *nl; *l; l = nl + 1) {
		nl = strchr(l, '\n');
		*nl = 0;
		line++;
		if (!*l || *l == '#')
			continue;
		char *v = strchr(l, ' ');
		if (v)
			*v++ = 0;
		else
			v = l + strlen(l);
		if (!strcmp(l, "size") && sscanf(v, "%dx%d", &c->cols, &c->lines) == 2)
			;
		else if (!strcmp(l, "lesson"))
			c->lesson = strdup(v);
		else if (!strcmp(l, "menu"))
			c->menu = true;
		else if (!strcmp(l, "quiz"))
			c->quiz_seed = strtoull(v, NULL, 10);
		else if (!strcmp(l, "keys"))
			c->keys = unquote(v, path, line);
		else if (!strcmp(l, "ascii"))
			c->ascii = true;
		else if (!strcmp(l, "driver")) {
			c->driver = true;
			c->module = *v ? strdup(v) : NULL;
		} else if (!strcmp(l, "record"))
			c->record = true;
		else if (!strcmp(l, "progress"))
			c->progress = unquote(v, path, line);
		else if (!strcmp(l, "want-progress"))
			c->want_progress = unquote(v, path, line);
		else if (!strcmp(l, "progress-set-aside"))
			c->set_aside = true;
		else if (!strcmp(l, "same-as"))
			c->same_as = strdup(v);
		else if (!strcmp(l, "text-only"))
			c->text_only = true;
		else if (!strcmp(l, "quiz-after") &&
		         (!strcmp(v, "playing") || !strcmp(v, "paused")))
			c->quiz_playing = !strcmp(v, "playing") ? 1 : -1;
		else if (!strcmp(l, "attr-text"))
			c->attr_text = strdup(v);
		else if (!strcmp(l, "attr-offset"))
			c->attr_off = atoi(v);
		else if (!strcmp(l, "attr-on"))
			c->want_on = attr_names(v, path, line);
		else if (!strcmp(l, "attr-off"))
			c->want_off = attr_names(v, path, line);
		else if (!strcmp(l, "attr-role"))
			c->want_pair = role_name(v, path, line);
		else {
			fprintf(stderr, "%s:%u: not understood: %s %s\n", path, line, l, v);
			exit(2);
		}
	}
	free(text);
	if (c->lines <= 0 || c->cols <= 0) {
		fprintf(stderr, "%s: no size\n", path);
		exit(2);
	}
	if (!c->keys)
		c->keys = strdup("");
}

/* A quiz case: the same draw-then-key order as dv_quizui_main; the dump as render's. */
static char *render_quiz(const struct scase *c)
{
	char num[16];
	snprintf(num, sizeof num, "%d", c->lines);
	setenv("LINES", num, 1);
	snprintf(num, sizeof num, "%d", c->cols);
	setenv("COLUMNS", num, 1);
	FILE *out = fopen("/dev/null", "w"), *in = fopen("/dev/null", "r");
	SCREEN *scr = out && in ? newterm(NULL, out, in) : NULL;
	if (!scr) {
		fprintf(stderr, "newterm failed (is TERM set?)\n");
		exit(2);
	}
	set_term(scr);
	struct dv_quiz q;
	struct dv_quizui *u = dv_quiz_generate(c->quiz_seed, &q) ? dv_quizui_open(&q) : NULL;
	if (!u)
		exit(2);
	bool on = true;
	for (const char *k = c->keys; *k && on; k++) {
		dv_quizui_draw(u);
		if (*k == '@') {
			if (dv_quizui_timeout(u) < 0) {
				fprintf(stderr,
				        "%s: a timeout while paused (the loop would block)\n",
				        c->name);
				state_failed = 1;
			}
			dv_quizui_tick(u);
		} else {
			on = dv_quizui_key(u, *k);
		}
	}
	dv_quizui_draw(u);
	if (c->quiz_playing && (dv_quizui_timeout(u) >= 0) != (c->quiz_playing > 0)) {
		fprintf(stderr, "%s: the replay is %s, expected %s\n", c->name,
		        dv_quizui_timeout(u) >= 0 ? "playing" : "paused",
		        c->quiz_playing > 0 ? "playing" : "paused");
		state_failed = 1;
	}
	size_t cap = (size_t)(LINES * (COLS * 4 + 2) + 1), len = 0;
	char *dump = malloc(cap);
	char *row = malloc((size_t)COLS * 4 + 1);
	for (int y = 0; y < LINES; y++) {
		int n = mvinnstr(y, 0, row, COLS * 4);
		if (n < 0)
			n = 0;
		row[n] = '\0';
		while (n > 0 && row[n - 1] == ' ')
			row[--n] = '\0';
		memcpy(dump + len, row, (size_t)n);
		len += (size_t)n;
		dump[len++] = '\n';
	}
	dump[len] = '\0';
	free(row);
	dv_quizui_close(u);
	endwin();
	delscreen(scr);
	fclose(out);
	fclose(in);
	return dump;
}

/* Checks what the case left in its state directory, then removes it. */
static void check_state(const struct scase *c, const char *ppath, const char *state)
{
	char *got = read_text(ppath);
	if (c->want_progress && (!got || !strstr(got, c->want_progress))) {
		fprintf(stderr, "%s: progress file lacks '%s'; it holds:\n%s\n", c->name,
		        c->want_progress, got ? got : "(no file)");
		state_failed = 1;
	}
	free(got);
	char aside[200];
	snprintf(aside, sizeof aside, "%s.corrupt-1", ppath);
	struct stat sb;
	bool kept = stat(aside, &sb) == 0;
	if (c->set_aside && !kept) {
		fprintf(stderr, "%s: the corrupt file was not kept as %s\n", c->name, aside);
		state_failed = 1;
	}
	remove(aside);
	remove(ppath);
	char dir[160];
	snprintf(dir, sizeof dir, "%s/dmaviz", state);
	if (rmdir(dir) != 0 && errno != ENOENT)
		fprintf(stderr, "%s: %s left files behind\n", c->name, dir);
	rmdir(state);
}

/* Every cell's attributes and colour pair, one letter a cell, a line a row (malloc'd): for the
 * exact comparisons of going back and of recordings. */
static char *dump_attrs(void)
{
	char *attr_dump = malloc((size_t)(LINES * (COLS + 1) + 1));
	size_t alen = 0;
	for (int y = 0; y < LINES; y++) {
		for (int x = 0; x < COLS; x++) {
			chtype ch = mvinch(y, x);
			unsigned bits = ((ch & A_BOLD) ? 1 : 0) | ((ch & A_REVERSE) ? 2 : 0) |
			                ((ch & A_DIM) ? 4 : 0) | ((ch & A_UNDERLINE) ? 8 : 0);
			attr_dump[alen++] = (char)('A' + bits + 16 * (int)(PAIR_NUMBER(ch) % 4));
		}
		attr_dump[alen++] = '\n';
	}
	attr_dump[alen] = '\0';
	return attr_dump;
}

/* Opens a virtual screen of the case's size, runs its keys, and returns the dump (malloc'd).
 * rec: the recording to open instead of the case's lesson (NULL: the lesson, with its driver);
 * attrs: every cell's attributes, for same-as; attr_ok: the attr-* check of the case. */
static char *render(const struct scase *c, const char *rec, char **attrs, bool *attr_ok)
{
	char num[16];
	snprintf(num, sizeof num, "%d", c->lines);
	setenv("LINES", num, 1);
	snprintf(num, sizeof num, "%d", c->cols);
	setenv("COLUMNS", num, 1);
	FILE *out = fopen("/dev/null", "w"), *in = fopen("/dev/null", "r");
	if (!out || !in) {
		perror("/dev/null");
		exit(2);
	}
	SCREEN *scr = newterm(NULL, out, in);
	if (!scr) {
		fprintf(stderr, "newterm failed (is TERM set?)\n");
		exit(2);
	}
	set_term(scr);
	/* A recording is opened from an empty directory, which is its source root too. */
	char here[4096] = "";
	if (rec && !getcwd(here, sizeof here))
		exit(2);
	struct dv_tui_options opt = { .color = true,
		                      .ascii = c->ascii,
		                      .source_root = rec ? here : NULL };
	struct dv_driver driver = { 0 };
	if (c->driver && !rec) {
		char err[1200];
		const char *so = module_of(c);
		if (!so)
			exit(2);
		if (!dv_driver_open(&driver, so, err, sizeof err)) {
			fprintf(stderr, "%s: %s\n", c->name, err);
			exit(2);
		}
		opt.driver_entry = driver.entry;
		opt.driver_path = driver.path;
	}
	char state[64] = "", ppath[128] = "";
	struct dv_progress progress;
	bool use_progress = c->menu || c->progress;
	if (use_progress) {
		/* A private XDG_STATE_HOME, as the real program would use. */
		snprintf(state, sizeof state, "/tmp/dv-screens-XXXXXX");
		if (!mkdtemp(state)) {
			perror("mkdtemp");
			exit(2);
		}
		setenv("XDG_STATE_HOME", state, 1);
		if (!dv_progress_default_path(ppath, sizeof ppath))
			exit(2);
		if (c->progress && *c->progress) {
			char dir[160];
			snprintf(dir, sizeof dir, "%s/dmaviz", state);
			mkdir(dir, 0700);
			FILE *f = fopen(ppath, "w");
			if (!f || fputs(c->progress, f) < 0 || fclose(f) != 0)
				exit(2);
		}
		dv_progress_load(&progress, ppath);
	}
	struct dv_menu *m = NULL;
	struct dv_tui *t = NULL;
	if (c->menu) {
		m = dv_menu_open("lessons", &progress, &opt);
	} else {
		t = dv_tui_open(rec ? rec : c->lesson ? c->lesson : LESSON, &opt);
		if (t && use_progress)
			dv_tui_set_progress(t, &progress);
	}
	if (!t && !m) {
		endwin();
		delscreen(scr);
		exit(2);
	}
	if (t)
		dv_tui_setup_screen(t);
	/* The same hand-over as dv_tui_menu_main: keys go to the menu until a lesson opens, to the
	 * lesson until it quits. */
	for (const char *k = c->keys; *k; k++) {
		if (t)
			dv_tui_draw(t); /* as the interactive loop does before each key */
		if (t && *k == '{') {
			MEVENT me = { .id = 0, .z = 0, .bstate = BUTTON1_CLICKED };
			char *e;
			me.y = (int)strtol(k + 1, &e, 10);
			me.x = (int)strtol(e + 1, &e, 10);
			k = e; /* at the '}' */
			if (ungetmouse(&me) != OK) {
				fprintf(stderr, "%s: ungetmouse failed\n", c->name);
				exit(2);
			}
			nodelay(stdscr, TRUE);
			int key = getch();
			if (key != KEY_MOUSE) {
				fprintf(stderr, "%s: getch gave %d, not KEY_MOUSE\n", c->name, key);
				exit(2);
			}
			dv_tui_key(t, key);
		} else if (t && *k == '@') {
			dv_tui_tick(t); /* what the loop does when the play timeout expires */
		} else if (t) {
			/* '>' and '<' stand for PgDn and PgUp. */
			int key = *k == '>' ? KEY_NPAGE : *k == '<' ? KEY_PPAGE : *k;
			if (!dv_tui_key(t, key)) {
				dv_tui_close(t);
				t = NULL;
			}
		} else if (m && dv_menu_key(m, *k) == DV_MENU_OPEN) {
			t = dv_tui_open(dv_menu_selected(m), &opt);
			if (t) {
				dv_tui_set_progress(t, &progress);
				dv_tui_setup_screen(t);
			}
		}
	}
	if (t)
		dv_tui_draw(t);
	else if (m)
		dv_menu_draw(m);

	size_t cap = (size_t)(LINES * (COLS * 4 + 2) + 1), len = 0;
	char *dump = malloc(cap);
	char *row = malloc((size_t)COLS * 4 + 1);
	if (attr_ok)
		*attr_ok = c->attr_text == NULL;
	for (int y = 0; y < LINES; y++) {
		int n = mvinnstr(y, 0, row, COLS * 4);
		if (n < 0)
			n = 0;
		row[n] = '\0';
		while (n > 0 && row[n - 1] == ' ')
			row[--n] = '\0';
		memcpy(dump + len, row, (size_t)n);
		len += (size_t)n;
		dump[len++] = '\n';
		char *hit = attr_ok && c->attr_text && !*attr_ok ? strstr(row, c->attr_text) : NULL;
		if (hit) {
			chtype ch = mvinch(y, (int)dv_vtext_cells(row, (size_t)(hit - row)) +
			                              c->attr_off);
			attr_t a = ch & A_ATTRIBUTES & ~A_COLOR;
			int pair = (int)PAIR_NUMBER(ch);
			*attr_ok = (a & c->want_on) == c->want_on && !(a & c->want_off) &&
			           (c->want_pair < 0 || pair == c->want_pair);
			if (!*attr_ok)
				fprintf(stderr, "%s: '%s' has attributes %#lx, pair %d\n", c->name,
				        c->attr_text, (unsigned long)a, pair);
		}
	}
	if (attrs)
		*attrs = dump_attrs();
	dump[len] = '\0';
	free(row);
	dv_tui_close(t);
	dv_menu_close(m);
	dv_driver_close(&driver);
	if (use_progress) {
		check_state(c, ppath, state);
		dv_progress_finish(&progress);
	}
	endwin();
	delscreen(scr);
	fclose(out);
	fclose(in);
	return dump;
}

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = malloc(1 << 20);
	size_t n = buf ? fread(buf, 1, (1 << 20) - 1, f) : 0;
	fclose(f);
	if (buf)
		buf[n] = '\0';
	return buf;
}

/* Compares a dump with its case file's (or rewrites the dump under DV_REGEN=1). */
static int compare(const struct scase *c, const char *dump)
{
	char path[300];
	snprintf(path, sizeof path, SCREENS "/%s.screen", c->name);
	const char *regen = getenv("DV_REGEN");
	if (regen && strcmp(regen, "1") == 0) {
		FILE *f = fopen(path, "wb");
		if (!f || fputs(c->header, f) < 0 || fputs("====\n", f) < 0 || fputs(dump, f) < 0 ||
		    fclose(f) != 0) {
			perror(path);
			return 1;
		}
		fprintf(stderr, "rewrote %s\n", path);
		return 0;
	}
	int bad = strcmp(c->want, dump) != 0;
	if (bad)
		fprintf(stderr, "%s differs. Got:\n%s\n--- want:\n%s\n", path, dump, c->want);
	return bad;
}

/* Every key the table names for the terminal is one ncurses delivers (dv_tui_key_name). */
static int check_keymap(void)
{
	static char names[KEY_MAX + 1][16];
	for (int k = 0; k <= KEY_MAX; k++) {
		char buf[2];
		snprintf(names[k], sizeof names[k], "%s", dv_tui_key_name(k, buf));
	}
	int bad = 0;
	for (size_t i = 0; i < dv_keymap_n; i++) {
		if (!(dv_keymap[i].fronts & DV_FRONT_TUI))
			continue;
		char keys[128];
		snprintf(keys, sizeof keys, "%s", dv_keymap[i].keys);
		for (char *k = strtok(keys, " "); k; k = strtok(NULL, " ")) {
			bool found = false;
			for (int c = 0; c <= KEY_MAX && !found; c++)
				found = !strcmp(names[c], k);
			if (!found) {
				fprintf(stderr,
				        "the key table's '%s' (%s) is no key the terminal UI reads\n",
				        k, dv_keymap[i].name);
				bad = 1;
			}
		}
	}
	return bad;
}

/* The screen as text, one line per row. */
static char *dump_screen(void)
{
	size_t cap = (size_t)(LINES * (COLS * 4 + 2) + 1), len = 0;
	char *dump = malloc(cap), *row = malloc((size_t)COLS * 4 + 1);
	for (int y = 0; y < LINES; y++) {
		int n = mvinnstr(y, 0, row, COLS * 4);
		n = n < 0 ? 0 : n;
		memcpy(dump + len, row, (size_t)n);
		len += (size_t)n;
		dump[len++] = '\n';
	}
	dump[len] = '\0';
	free(row);
	return dump;
}

/* Is w on the screen as a whole token (case-insensitive)? */
static bool on_screen(const char *screen, const char *w)
{
	size_t n = strlen(w);
	for (const char *p = screen; *p; p++)
		if (!strncasecmp(p, w, n) && (p == screen || !isalnum((unsigned char)p[-1])) &&
		    !isalnum((unsigned char)p[n]))
			return true;
	return false;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* Every lesson walked with j at 80x24, as a learner does: at each question the screen shows
 * neither its answer (the forms test-session searches for: words other than yes/no and status
 * names, hex from 16 up, decimal from 256 up) nor its explanation; s skips it and the walk goes
 * on to the end. */
static int walk_all(void)
{
	setenv("LINES", "24", 1);
	setenv("COLUMNS", "80", 1);
	size_t n = 0;
	char **v = dv_lessons_list("lessons", &n);
	int bad = n < 14;
	for (size_t i = 0; i < n; i++) {
		FILE *out = fopen("/dev/null", "w"), *in = fopen("/dev/null", "r");
		SCREEN *scr = newterm(NULL, out, in);
		if (!scr)
			exit(2);
		set_term(scr);
		struct dv_msgs msgs;
		dv_msgs_init(&msgs);
		struct dv_lesson *L = dv_lesson_load(v[i], &msgs);
		dv_msgs_finish(&msgs);
		struct dv_tui_options opt = { .color = false };
		struct dv_tui *t = L ? dv_tui_open(v[i], &opt) : NULL;
		if (!t) {
			fprintf(stderr, "%s does not open\n", v[i]);
			exit(2);
		}
		dv_tui_setup_screen(t);
		unsigned gates = 0, same = 0;
		char *prev = NULL;
		for (unsigned keys = 0; keys < 2000 && same < 3; keys++) {
			dv_tui_draw(t);
			char *screen = dump_screen();
			if (strstr(screen, "A question")) {
				const struct dv_ask *ask = gates < L->nasks ? L->asks[gates] : NULL;
				for (unsigned a = 0; ask && a < ask->nanswers; a++) {
					const struct dv_answer *w = &ask->answers[a];
					char f[3][32] = { "", "", "" };
					if (!w->numeric && strlen(w->text) > 3 &&
					    strncmp(w->text, "NDIS_STATUS_", 12) &&
					    strcmp(w->text, "SUCCESS") &&
					    strcmp(w->text, "RESOURCES"))
						snprintf(f[0], 32, "%s", w->text);
					if (w->numeric && w->num >= 16) {
						snprintf(f[0], 32, "0x%02x", w->num);
						snprintf(f[1], 32, "0x%04x", w->num);
						if (w->num >= 256)
							snprintf(f[2], 32, "%u", w->num);
					}
					for (int k = 0; k < 3; k++)
						if (f[k][0] && on_screen(screen, f[k]) &&
						    !on_screen(ask->question, f[k]) &&
						    !coincidence(base_name(v[i]), ask->id, f[k])) {
							fprintf(stderr,
							        "%s: at question %s (line %u) the screen shows its answer "
							        "%s:\n%s\n",
							        v[i], ask->id, ask->line, f[k],
							        screen);
							bad = 1;
						}
				}
				gates++;
				dv_tui_key(t, 's');
			} else {
				dv_tui_key(t, 'j');
			}
			same = prev && !strcmp(prev, screen) ? same + 1 : 0;
			free(prev);
			prev = screen;
		}
		free(prev);
		if (gates != L->nasks) {
			fprintf(stderr, "%s: the walk stopped at %u of %u questions\n", v[i], gates,
			        L->nasks);
			bad = 1;
		}
		dv_tui_close(t);
		dv_lesson_free(L);
		endwin();
		delscreen(scr);
		fclose(out);
		fclose(in);
	}
	dv_lessons_list_free(v, n);
	return bad;
}

/* Does the screen of case name (dump, attrs) equal the one of want_name? 0 yes, 1 no. */
static int same_screen(const char *name, const char *dump, const char *attrs, const char *want_name,
                       const char *want, const char *want_attrs, bool text_only)
{
	if (strcmp(want, dump) != 0) {
		fprintf(stderr, "%s is not identical to %s. Got:\n%s\n--- want:\n%s\n", name,
		        want_name, dump, want);
		return 1;
	}
	if (!text_only && strcmp(want_attrs, attrs) != 0) {
		fprintf(stderr, "%s has other attributes than %s:\n%s\n--- want:\n%s\n", name,
		        want_name, attrs, want_attrs);
		return 1;
	}
	return 0;
}

/* Writes the case's lesson, run with its driver module when it has one, to out, through the
 * command's own code (dmaviz record). A run whose checks fail is still written (status 1). */
static bool record_lesson(const struct scase *c, const char *out)
{
	const char *so = c->driver ? module_of(c) : NULL;
	char *argv[] = { "record",   c->lesson ? c->lesson : LESSON,
		         "-o",       (char *)out,
		         "--driver", (char *)so,
		         NULL };
	if (c->driver && !so)
		return false;
	int status = dv_cmd_record(c->driver ? 6 : 4, argv);
	if (status > 1)
		fprintf(stderr, "%s: dmaviz record %s failed (%d)\n", c->name, argv[1], status);
	return status <= 1;
}

/* A record case: its lesson recorded now and the recording opened from a directory outside
 * the source tree (so the source pane can only show the recording's own copy of the sources);
 * the screen must be the lesson's own at the same keys. dump and attrs are the recording's. */
static int render_recorded(const struct scase *c, char **dump, char **attrs, bool *attr_ok)
{
	char dir[] = "/tmp/dv-screens-rec-XXXXXX", path[64];
	int here = open(".", O_RDONLY | O_DIRECTORY);
	if (!mkdtemp(dir) || here < 0) {
		perror("the recording's directory");
		exit(2);
	}
	snprintf(path, sizeof path, "%s/run.dvr", dir);
	if (!record_lesson(c, path))
		exit(2);
	if (chdir(dir) != 0 || !(*dump = render(c, path, attrs, attr_ok)) || fchdir(here) != 0) {
		perror(dir);
		exit(2);
	}
	close(here);
	remove(path);
	rmdir(dir);
	char *lesson_attrs = NULL, *lesson = render(c, NULL, &lesson_attrs, NULL);
	int bad = same_screen(c->name, *dump, *attrs, "the lesson's own screen", lesson,
	                      lesson_attrs, false);
	free(lesson);
	free(lesson_attrs);
	return bad;
}

/* One moment of t: its screen's text, then its attributes (malloc'd). */
static char *moment(struct dv_tui *t)
{
	dv_tui_draw(t);
	char *text = dump_screen(), *attrs = dump_attrs();
	size_t n = strlen(text), m = strlen(attrs);
	char *both = malloc(n + m + 1);
	memcpy(both, text, n);
	memcpy(both + n, attrs, m + 1);
	free(text);
	free(attrs);
	return both;
}

/* Opens the recording at path as the program does, from its own directory (which is its source
 * root too, so that nothing of this source tree can be shown). */
static struct dv_tui *open_recording(const char *dir, const char *path)
{
	struct dv_tui_options opt = { .color = true, .source_root = dir };
	int here = open(".", O_RDONLY | O_DIRECTORY);
	struct dv_tui *t = here >= 0 && chdir(dir) == 0 ? dv_tui_open(path, &opt) : NULL;
	if (here < 0 || fchdir(here) != 0)
		exit(2);
	close(here);
	return t;
}

/* Walks lesson and recording side by side: key k (s at a question, when k is j) until the
 * screen stops changing. 0 when every moment is the same on both, else 1 (said once). */
static int walk_both(const char *path, struct dv_tui *lesson, struct dv_tui *rec, int k)
{
	unsigned same = 0, moves = 0;
	char *prev = NULL;
	for (; moves < 20000 && same < 3; moves++) {
		char *a = moment(lesson), *b = moment(rec);
		int bad = strcmp(a, b) != 0;
		if (bad)
			fprintf(stderr,
			        "%s, %s move %u: the recording shows\n%s\n--- the lesson:\n%s\n",
			        path, k == 'j' ? "forward" : "back", moves, b, a);
		int key = k == 'j' && strstr(a, "A question") ? 's' : k;
		same = prev && !strcmp(prev, a) ? same + 1 : 0;
		free(prev);
		free(b);
		prev = a;
		if (bad) {
			free(prev);
			return 1;
		}
		dv_tui_key(lesson, key);
		dv_tui_key(rec, key);
	}
	free(prev);
	if (same < 3)
		fprintf(stderr, "%s: %u moves did not reach the end\n", path, moves);
	return same < 3;
}

/* Every shipped lesson recorded now (dmaviz record's code) and walked at 80x24 beside the lesson
 * itself, forward with j (s at each question) to the end and back with k to the start, by steps,
 * by calls and by port accesses: at every move the recording's screen, text and attributes, is
 * the lesson's. */
static int walk_recorded(void)
{
	setenv("LINES", "24", 1);
	setenv("COLUMNS", "80", 1);
	size_t n = 0;
	char **v = dv_lessons_list("lessons", &n);
	int bad = n < 14;
	char dir[] = "/tmp/dv-screens-walk-XXXXXX", path[64];
	if (!mkdtemp(dir))
		exit(2);
	snprintf(path, sizeof path, "%s/run.dvr", dir);
	for (size_t i = 0; i < n; i++) {
		char *argv[] = { "record", v[i], "-o", path, NULL };
		FILE *out = fopen("/dev/null", "w"), *in = fopen("/dev/null", "r");
		SCREEN *scr = dv_cmd_record(4, argv) <= 1 ? newterm(NULL, out, in) : NULL;
		if (!scr)
			exit(2);
		set_term(scr);
		struct dv_tui_options opt = { .color = true };
		struct dv_tui *lesson = dv_tui_open(v[i], &opt), *rec = open_recording(dir, path);
		if (!lesson || !rec) {
			fprintf(stderr, "%s: %s does not open\n", v[i],
			        lesson ? "its recording" : "it");
			exit(2);
		}
		dv_tui_setup_screen(lesson);
		dv_tui_setup_screen(rec);
		bad |= walk_both(v[i], lesson, rec, 'j') || walk_both(v[i], lesson, rec, 'k');
		/* Then by NDIS calls, and by port accesses, to the end. */
		for (int g = 0; g < 2 && !bad; g++) {
			dv_tui_key(lesson, 't');
			dv_tui_key(rec, 't');
			bad |= walk_both(v[i], lesson, rec, 'j') ||
			       walk_both(v[i], lesson, rec, 'k');
		}
		dv_tui_close(lesson);
		dv_tui_close(rec);
		endwin();
		delscreen(scr);
		fclose(out);
		fclose(in);
	}
	remove(path);
	rmdir(dir);
	dv_lessons_list_free(v, n);
	return bad;
}

/* Renders a case (and its same-as, other) and checks it. 0 passed, 1 failed. */
static int check_case(const struct scase *c, const struct scase *other)
{
	if (c->quiz_seed) {
		char *dump = render_quiz(c);
		int bad = compare(c, dump);
		if (c->same_as) {
			char *o = render_quiz(other);
			if (strcmp(o, dump) != 0) {
				fprintf(stderr, "%s is not identical to %s\n", c->name, c->same_as);
				bad = 1;
			}
			free(o);
		}
		free(dump);
		return bad || state_failed;
	}
	char *attrs = NULL, *dump = NULL;
	bool attr_ok = true;
	int bad = 0;
	if (c->record)
		bad = render_recorded(c, &dump, &attrs, &attr_ok);
	else
		dump = render(c, NULL, &attrs, &attr_ok);
	bad |= compare(c, dump);
	if (!attr_ok) {
		fprintf(stderr, "%s: the attribute check failed (or '%s' is not on the screen)\n",
		        c->name, c->attr_text);
		bad = 1;
	}
	if (c->same_as) {
		/* Time travel must be exact: going back shows the very screen seen going forward,
		 * text and attributes (the changed and fading cues) alike. */
		char *other_attrs = NULL;
		char *o = render(other, NULL, &other_attrs, NULL);
		bad |= same_screen(c->name, dump, attrs, c->same_as, o, other_attrs, c->text_only);
		free(o);
		free(other_attrs);
	}
	free(attrs);
	free(dump);
	return bad || state_failed;
}

static void free_case(struct scase *c)
{
	free(c->header);
	free(c->want);
	free(c->keys);
	free(c->same_as);
	free(c->progress);
	free(c->want_progress);
	free(c->lesson);
	free(c->module);
	free(c->attr_text);
	memset(c, 0, sizeof *c);
}

/* One case: its dump, its checks, and same-as. 0 passed, 1 failed. */
static int run_case(const char *name)
{
	struct scase c, other;
	load_case(name, &c);
	if (c.same_as)
		load_case(c.same_as, &other);
	int bad = check_case(&c, &other);
	if (c.same_as)
		free_case(&other);
	free_case(&c);
	return bad;
}
static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names of every tests/screens/ *.screen, sorted. */
static char **all_cases(size_t *n)
{
	DIR *d = opendir(SCREENS);
	if (!d) {
		perror(SCREENS);
		exit(2);
	}
	char **v = NULL;
	*n = 0;
	for (struct dirent *e; (e = readdir(d));) {
		size_t len = strlen(e->d_name);
		if (len <= 7 || e->d_name[0] == '.' || strcmp(e->d_name + len - 7, ".screen"))
			continue;
		v = realloc(v, (*n + 1) * sizeof *v);
		v[(*n)++] = strndup(e->d_name, len - 7);
	}
	closedir(d);
	qsort(v, *n, sizeof *v, by_name);
	return v;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr,
		        "usage: test-screens SRCDIR [--driver [NAME=]DRIVER.so]... [CASE...] | "
		        "SRCDIR --keymap | --walk-all | --walk-recorded\n");
		return 2;
	}
	/* Paths in dumps are relative to the source tree, so every checkout renders the same. */
	if (chdir(argv[1]) != 0) {
		perror(argv[1]);
		return 2;
	}
	setlocale(LC_ALL, "C.UTF-8");
	int first = 2;
	if (argc > 2 && !strcmp(argv[2], "--keymap"))
		return check_keymap();
	if (argc > 2 && !strcmp(argv[2], "--walk-all"))
		return walk_all();
	if (argc > 2 && !strcmp(argv[2], "--walk-recorded"))
		return walk_recorded();
	for (; first + 1 < argc && !strcmp(argv[first], "--driver") &&
	       nmodules < sizeof modules / sizeof *modules;
	     first += 2) {
		const char *eq = strchr(argv[first + 1], '=');
		modules[nmodules].name =
		        eq ? strndup(argv[first + 1], (size_t)(eq - argv[first + 1])) : "";
		modules[nmodules++].path = eq ? eq + 1 : argv[first + 1];
	}
	size_t n = (size_t)(argc - first);
	char **names = n ? argv + first : all_cases(&n);
	/* TAP, one result per case; each case in a child of its own, as a test of its own was. */
	printf("1..%zu\n", n);
	fflush(stdout);
	int failed = 0;
	for (size_t i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid == 0)
			exit(run_case(names[i])); /* exit: the sanitizers' leak check runs */
		int st = 0;
		if (pid < 0 || waitpid(pid, &st, 0) != pid)
			st = -1;
		bool ok = pid > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0;
		printf("%s %zu - %s\n", ok ? "ok" : "not ok", i + 1, names[i]);
		fflush(stdout);
		failed += !ok;
	}
	printf("# %zu passed, %d failed\n", n - (size_t)failed, failed);
	if (names != argv + first) {
		for (size_t i = 0; i < n; i++)
			free(names[i]);
		free(names);
	}
	return failed ? 1 : 0;
}

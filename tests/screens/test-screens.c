/* dmaviz: terminal UI screen tests. Each case opens a lesson on a virtual curses screen
 * (newterm to /dev/null) of a given size, feeds keys through the same dv_tui_key path the
 * interactive loop uses, dumps the screen as text and compares it with CASE.screen.
 * DV_REGEN=1 rewrites the .screen files; review the diff.
 *
 * usage: test-screens SRCDIR CASE [DRIVER.so]
 */
#define _XOPEN_SOURCE_EXTENDED 1
#include <curses.h>
#include <ctype.h>
#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "driver.h"
#include "files.h"
#include "keymap.h"
#include "lesson.h"
#include "progress.h"
#include "quizui.h"
#include "tui.h"
#include "view.h"

#define LESSON "lessons/03-send.lesson"

/* The older cases are positional and leave the later fields zero on purpose. */
#if defined(__GNUC__)
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#endif

struct scase {
	const char *name;
	int lines, cols;
	const char *keys;
	const char *same_as; /* another case whose dump must be identical */
	bool menu;	     /* start in the lesson menu (keys go to the lesson once one opens) */
	const char *progress; /* the progress file's text before the keys; NULL: no file */
	const char *want_progress; /* a line the progress file must hold afterwards */
	bool ascii;
	/* Cases added later use designated initializers: */
	const char *lesson;    /* NULL: LESSON */
	/* An attribute check: the cell attr_off cells into the first row text attr_text appears
	 * in must have every attribute of want_on, none of want_off, and colour pair want_pair
	 * (-1: any). */
	const char *attr_text;
	int attr_off;
	attr_t want_on, want_off;
	int want_pair;
	bool text_only; /* same_as compares the text, not the attributes */
	bool driver; /* run the lesson on the driver module named by the third argument */
	unsigned long long quiz_seed; /* not 0: the interactive quiz of this seed, not a lesson */
	/* Quiz cases: '@' is one expiry of the replay's timeout (a failure while it is paused:
	 * paused, the loop must block). 1: the replay must be playing afterwards, -1: paused. */
	int quiz_playing;
};

static const char *driver_so; /* argv[3] */
static int state_failed; /* a check besides the dump failed */

/* A fixed progress file for the menu: tour finished with all its questions, register started
 * with one answer, send untouched. */
#define PROGRESS_FIXED                                              \
	"# dmaviz progress\n"                                       \
	"tour 5 1 mask-byte stray count-16 mode-byte status-again\n" \
	"register 2 0 width-status\n"

/* Keys that reach the moments of 03-send (one j a beat: a paragraph, a question, a step's
 * end; s skips a question). Its stops: step 1's two paragraphs; step 2's paragraph, its two
 * questions (before the send), the paragraph after the Setup; step 3's paragraph, its question
 * (before the transfer), the paragraph after terminal count; step 4 ... */
#define TO_Q1 "jjj"                /* the first question, held */
#define TO_SETUP TO_Q1 "sjsj"      /* both skipped: the paragraph after the send's Setup */
#define TO_Q3 TO_SETUP "jj"        /* step 3's question, before the transfer */
#define TO_MOVE TO_Q3 "s"          /* ... skipped: the transfer is next */
#define TO_TC TO_MOVE "j"          /* the paragraph after terminal count */
/* At port granularity from the second question, the 18th port access writes the mode byte. */
#define TO_MODE TO_Q1 "sjstt" "jjjjjjjjjjjjjjjjjj"
/* Every question answered, to the end: the lesson is finished. */
#define FINISH "Ga0x09\nGa1513\nGano\nGaSUCCESS\nG"

static const struct scase cases[] = {
	{ "start-80x24", 24, 80, "", NULL, false, NULL, NULL, false },
	{ "next1-80x24", 24, 80, "j", NULL, false, NULL, NULL, false },
	{ "next2-80x24", 24, 80, "jj", NULL, false, NULL, NULL, false },
	{ "back-80x24", 24, 80, "jjk", "next1-80x24", false, NULL, NULL, false },
	/* Text only: the path mixes a step move with event moves, so the changes are measured
	 * from another base (the previous event) than the step's. */
	{ .name = "event-back-80x24", .lines = 24, .cols = 80, .keys = "j..,,", .same_as = "next1-80x24",
	  .text_only = true },
	{ "next2-120x40", 40, 120, "jj", NULL, false, NULL, NULL, false },
	/* Past both questions: the paragraph after the send's Setup, its effects revealed. */
	{ "step-end-80x24", 24, 80, TO_SETUP, NULL, false, NULL, NULL, false },
	{ "small-40x10", 10, 40, "j", NULL, false, NULL, NULL, false },
	{ "help-80x24", 24, 80, "?", NULL, false, NULL, NULL, false },
	/* The menu, with progress marks; the first unfinished lesson (register) is selected. */
	{ "menu-80x24", 24, 80, "", NULL, true, PROGRESS_FIXED, NULL, false },
	{ "menu-move-80x24", 24, 80, "jjj", NULL, true, PROGRESS_FIXED, NULL, false },
	{ "menu-120x40", 40, 120, "", NULL, true, PROGRESS_FIXED, NULL, false },
	/* A file that is not a progress file: set aside, and the status line says so. */
	{ "menu-corrupt-80x24", 24, 80, "", NULL, true, "\x01\x02 not progress\n", NULL, false },
	/* Enter opens register, q comes back to the menu (its step now recorded). */
	{ "menu-back-80x24", 24, 80, "j\nq", NULL, true, PROGRESS_FIXED, "register 2 0 width-status", false },
	/* Questions: the first question of "Predict the mode byte" holds the cursor before the
	 * send has programmed the 8237A; j does not pass it. */
	{ "ask-80x24", 24, 80, TO_Q1, NULL, false, "", "send 2 0\n", false },
	{ "ask-held-80x24", 24, 80, TO_Q1 "jjG", "ask-80x24", false, NULL, NULL, false },
	{ "ask-right-80x24", 24, 80, TO_Q1 "a0x09\n", NULL, false, "", "send 2 0 mode-byte\n", false },
	/* Wrong: said so, the answer stays hidden, another try; 05h is read as 0x05. */
	{ "ask-wrong-80x24", 24, 80, TO_Q1 "a05h\n", NULL, false, "", "send 2 0\n", false },
	/* Three wrong tries: the answer and why are shown, and the gate opens. */
	{ "ask-revealed-80x24", 24, 80, TO_Q1 "a1\na2\na3\n", NULL, false, "", "send 2 0 mode-byte\n", false },
	{ "ask-input-80x24", 24, 80, TO_Q1 "a0x0", NULL, false, NULL, NULL, false },
	{ "hint-80x24", 24, 80, TO_Q1 "h", NULL, false, NULL, NULL, false },
	/* Both hints, then h says the next h shows the answer. */
	{ "hint2-80x24", 24, 80, TO_Q1 "hhh", NULL, false, NULL, NULL, false },
	{ "skip-80x24", 24, 80, TO_Q1 "s", NULL, false, "", "send 2 0 ?mode-byte\n", false },
	/* a on an answered question shows the explanation again (after moving away and back). */
	{ "ask-reread-80x24", 24, 80, TO_Q1 "a0x09\njka", NULL, false, NULL, NULL, false },
	/* Answered in an earlier session: the progress file says so. */
	{ "ask-earlier-80x24", 24, 80, TO_Q1 "a", NULL, false, "send 2 0 mode-byte\n", NULL, false },
	/* G stops at each question; answered, the last stop finishes the lesson. */
	{ "finish-80x24", 24, 80, FINISH, NULL, false, "", "send 5 1 mode-byte count on-wire status\n", false },
	/* The timing diagram (100 columns or 30 rows), and its ASCII form, after terminal count. */
	{ "timing-100x30", 30, 100, TO_TC, NULL, false, NULL, NULL, false },
	{ "timing-ascii-100x30", 30, 100, TO_TC, NULL, false, NULL, NULL, true },
	{ "timing-event-132x50", 50, 132, TO_TC ",,,,,,", NULL, false, NULL, NULL, false },
	/* Granularities (t: step -> call -> port -> cycle), each a move of its own unit; going
	 * back is exact. */
	{ "gran-call-80x24", 24, 80, "tjj", NULL, false, NULL, NULL, false },
	{ "gran-port-80x24", 24, 80, "ttjjj", NULL, false, NULL, NULL, false },
	{ "gran-port-back-80x24", 24, 80, "ttjjjjk", "gran-port-80x24", false, NULL, NULL, false },
	{ "gran-cycle-80x24", 24, 80, TO_MOVE "tttjjj", NULL, false, NULL, NULL, false },
	{ "gran-cycle-back-80x24", 24, 80, TO_MOVE "tttjjjjk", "gran-cycle-80x24", false, NULL, NULL, false },
	/* A finer granularity stops at the question too. */
	{ "gran-cycle-held-80x24", 24, 80, TO_SETUP "tttjjjjj", NULL, false, NULL, NULL, false },
	/* Autoplay ('@' is one expiry of the play timeout): three bus cycles, then paused. */
	{ "play-80x24", 24, 80, TO_MOVE "tttp@@@", NULL, false, NULL, NULL, false },
	{ "play-paused-80x24", 24, 80, TO_MOVE "tttp@@@p", "gran-cycle-80x24", false, NULL, NULL, false },
	{ "play-faster-80x24", 24, 80, "tttp++", NULL, false, NULL, NULL, false },
	/* Playing stops at a question, and says so. */
	{ "play-held-80x24", 24, 80, "p@@@@@@", NULL, false, NULL, NULL, false },
	/* Run until: terminal count, interrupt, the call returns, a verifier rule; held at a
	 * question on the way. */
	{ "until-tc-80x24", 24, 80, TO_MOVE "rt", NULL, false, NULL, NULL, false },
	{ "until-irq-80x24", 24, 80, TO_MOVE "jjjsri", NULL, false, NULL, NULL, false },
	{ "until-call-80x24", 24, 80, TO_MOVE "jjjsrc", NULL, false, NULL, NULL, false },
	{ "until-held-80x24", 24, 80, "rt", NULL, false, NULL, NULL, false },
	{ "until-none-80x24", 24, 80, FINISH "rv", NULL, false, NULL, NULL, false },
	{ "until-prompt-80x24", 24, 80, "r", NULL, false, NULL, NULL, false },
	/* Host memory: in place of the log at 80x24 (m), beside it when there is room. */
	{ "mem-80x24", 24, 80, TO_MOVE "rtm", NULL, false, NULL, NULL, false },
	/* m again: the NIC, which 80x24 has no other room for. */
	{ "nic-80x24", 24, 80, TO_MOVE "rtmm", NULL, false, NULL, NULL, false },
	{ "mem-132x50", 50, 132, TO_MOVE "rt", NULL, false, NULL, NULL, false },
	/* The sandbox: only at the end; a line runs and the view moves to the new end. */
	{ "sandbox-notend-80x24", 24, 80, ":", NULL, false, NULL, NULL, false },
	{ "sandbox-input-80x24", 24, 80, FINISH ":out 0x0A 0x05", NULL, false, NULL, NULL, false },
	{ "sandbox-80x24", 24, 80, FINISH ":out 0x0A 0x05\n", NULL, false, NULL, NULL, false },
	/* Two lines in a row: after the first the cursor is at the new end, and G stays there. */
	{ "sandbox-twice-80x24", 24, 80, FINISH ":out 0x0A 0x05\nkG:out 0x0A 0x01\n", NULL, false, NULL, NULL, false },
	{ "sandbox-error-80x24", 24, 80, FINISH ":out 0x0A zz\n", NULL, false, NULL, NULL, false },
	/* Scrolling: PgDn/PgUp move the narration; Tab to it, then j/k. */
	{ "scroll-80x24", 24, 80, "jj>", NULL, false, NULL, NULL, false },
	{ "scroll-back-80x24", 24, 80, "jj><", NULL, false, NULL, NULL, false },
	{ "focus-narration-80x24", 24, 80, "jj\tjj", NULL, false, NULL, NULL, false },
};

/* Keys: ">" and "<" are PgDn and PgUp; "{Y,X}" is a mouse click (button 1) at row Y, column X, fed with ungetmouse(). */
#define BUSY "tests/screens/busy.lesson"
static const struct scase xcases[] = {
	/* The verifier rule: named in the NDIS pane once it fired (error style, "!" marker). */
	{ .name = "rule-80x24", .lines = 24, .cols = 80, .keys = "jjj", .lesson = BUSY,
	  .attr_text = "! verifier: dma-busy", .want_on = A_BOLD | A_UNDERLINE, .want_pair = DV_ROLE_ERROR },
	/* e: the explanation overlay; any key closes it. */
	{ .name = "rule-explain-80x24", .lines = 24, .cols = 80, .keys = "jjje", .lesson = BUSY },
	{ .name = "rule-explain-close-80x24", .lines = 24, .cols = 80, .keys = "jjjex", .lesson = BUSY,
	  .same_as = "rule-80x24" },
	{ .name = "rule-none-80x24", .lines = 24, .cols = 80, .keys = "e", .lesson = BUSY },
	/* Fading: the mode byte 0x09 the send's Setup writes is drawn changed on the port move that
	 * writes it, bold without reverse for the next two moves, then normal. Going back
	 * gives the same screen, attributes included. */
	{ .name = "fade0-80x24", .lines = 24, .cols = 80, .keys = TO_MODE, .attr_text = "mode 0x09",
	  .attr_off = 5, .want_on = A_BOLD | A_REVERSE, .want_pair = DV_ROLE_CHANGED },
	{ .name = "fade1-80x24", .lines = 24, .cols = 80, .keys = TO_MODE "j", .attr_text = "mode 0x09",
	  .attr_off = 5, .want_on = A_BOLD, .want_off = A_REVERSE, .want_pair = DV_ROLE_FADING },
	{ .name = "fade2-80x24", .lines = 24, .cols = 80, .keys = TO_MODE "jj", .attr_text = "mode 0x09",
	  .attr_off = 5, .want_on = A_BOLD, .want_off = A_REVERSE, .want_pair = DV_ROLE_FADING },
	{ .name = "fade3-80x24", .lines = 24, .cols = 80, .keys = TO_MODE "jjj", .attr_text = "mode 0x09",
	  .attr_off = 5, .want_off = A_BOLD | A_REVERSE, .want_pair = 0 },
	{ .name = "fade-back-80x24", .lines = 24, .cols = 80, .keys = TO_MODE "jjjk", .same_as = "fade2-80x24" },
	/* The help's legend: samples in the changed, fading and error styles. */
	{ .name = "legend-changed", .lines = 24, .cols = 80, .keys = "?", .attr_text = "changed",
	  .want_on = A_BOLD | A_REVERSE, .want_pair = DV_ROLE_CHANGED },
	{ .name = "legend-fading", .lines = 24, .cols = 80, .keys = "?", .attr_text = "fading",
	  .want_on = A_BOLD, .want_off = A_REVERSE, .want_pair = DV_ROLE_FADING },
	{ .name = "legend-error", .lines = 24, .cols = 80, .keys = "?", .attr_text = "! error",
	  .want_on = A_BOLD | A_UNDERLINE, .want_pair = DV_ROLE_ERROR },
	/* Mouse: a click focuses a pane ("[*]" on its title); k/j scroll the event log; Esc
	 * returns to stepping (and the log to the cursor); Tab cycles focus. */
	{ .name = "click-log-80x24", .lines = 24, .cols = 80, .keys = "jj{20,60}" },
	{ .name = "click-log-scroll-80x24", .lines = 24, .cols = 80, .keys = "jj{20,60}kkk" },
	{ .name = "click-log-esc-80x24", .lines = 24, .cols = 80, .keys = "jj{20,60}kkk\x1b",
	  .same_as = "next2-80x24" },
	{ .name = "click-src-scroll-80x24", .lines = 24, .cols = 80, .keys = "jj{18,10}jjj" },
	{ .name = "tab-80x24", .lines = 24, .cols = 80, .keys = "jj\t\t" },
	/* A click on the timing diagram seeks to the bus cycle of that column. */
	{ .name = "click-timing-100x30", .lines = 30, .cols = 100, .keys = TO_TC "{12,70}" },
	/* A learner's driver (tests/classroom/drivers): the source pane shows its driver.c. */
	{ .name = "driver-send-80x24", .lines = 24, .cols = 80, .keys = "j,,,,,,",
	  .lesson = "tests/classroom/drivers/send.lesson", .driver = true },
	/* dmaviz quiz in a terminal (seed 7: SUCCESS, mode 0x09, ...): one answer right (status
	 * without its NDIS_STATUS_ prefix), one wrong; then all ten, and the summary. */
	{ .name = "quiz-80x24", .lines = 24, .cols = 80, .keys = "success\n0x49\n", .quiz_seed = 7 },
	{ .name = "quiz-done-80x24", .lines = 24, .cols = 80, .quiz_seed = 7,
	  .keys = "success\n0x49\n0x82\n0x30\n0x3a\n0xda\n0\nno\n0\n438\n" },
	/* w after an answer: the replay of the run opens, playing from the Setup call. */
	{ .name = "quiz-watch-80x24", .lines = 24, .cols = 80, .quiz_seed = 7, .keys = "success\n0x49\nw",
	  .quiz_playing = 1 },
	/* Five frames later it pauses by itself on the event that answers the question watched:
	 * mode 0x09 written to port 0xD6, in the register panel too. */
	{ .name = "quiz-watch-mode-80x24", .lines = 24, .cols = 80, .quiz_seed = 7,
	  .keys = "success\n0x49\nw@@@@@", .quiz_playing = -1 },
	/* j steps on: the address register's low byte, the flip-flop now at high. */
	{ .name = "quiz-watch-step-80x24", .lines = 24, .cols = 80, .quiz_seed = 7,
	  .keys = "success\n0x49\nw@@@@@j", .quiz_playing = -1 },
	/* Seed 5 (channel 3, a receive bounced below 16 MiB, residue 145): watching the status,
	 * it pauses on Setup's return (12 frames on), the 8237A programmed; p plays on past the
	 * answer, DREQ goes up and the count goes down one transfer at a time... */
	{ .name = "quiz-watch-count-80x24", .lines = 24, .cols = 80, .quiz_seed = 5,
	  .keys = "success\nw@@@@@@@@@@@@p@@@@", .quiz_playing = 1 },
	/* ...to 0x0090 when DREQ drops; n jumps from answer to answer, the ninth is the residue
	 * NdisMReadDmaCounter reads: (0x0090 + 1) = 145. */
	{ .name = "quiz-watch-residue-80x24", .lines = 24, .cols = 80, .quiz_seed = 5,
	  .keys = "success\nwnnnnnnnnn", .quiz_playing = -1 },
	/* w, q or Esc goes back to the question, where it was. */
	{ .name = "quiz-watch-back-80x24", .lines = 24, .cols = 80, .quiz_seed = 7,
	  .keys = "success\n0x49\nw@@jjkw", .same_as = "quiz-80x24", .quiz_playing = -1 },
};

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
				fprintf(stderr, "%s: a timeout while paused (the loop would block)\n", c->name);
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
		        dv_quizui_timeout(u) >= 0 ? "playing" : "paused", c->quiz_playing > 0 ? "playing" : "paused");
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

static const struct scase *find_case(const char *name)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		if (strcmp(cases[i].name, name) == 0)
			return &cases[i];
	for (size_t i = 0; i < sizeof xcases / sizeof xcases[0]; i++)
		if (strcmp(xcases[i].name, name) == 0)
			return &xcases[i];
	return NULL;
}

static char *read_text(const char *path);
static int state_failed;

/* Checks what the case left in its state directory, then removes it. */
static void check_state(const struct scase *c, const char *ppath, const char *state)
{
	char *got = read_text(ppath);
	if (c->want_progress && (!got || !strstr(got, c->want_progress))) {
		fprintf(stderr, "%s: progress file lacks '%s'; it holds:\n%s\n", c->name, c->want_progress,
		        got ? got : "(no file)");
		state_failed = 1;
	}
	free(got);
	char aside[200];
	snprintf(aside, sizeof aside, "%s.corrupt-1", ppath);
	struct stat sb;
	bool kept = stat(aside, &sb) == 0;
	if (strcmp(c->name, "menu-corrupt-80x24") == 0 && !kept) {
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

/* Opens a virtual screen of the case's size, runs its keys, and returns the dump (malloc'd).
 * changed_ok, when not NULL, is set to whether the text "0x09" (channel 1's new mode byte
 * after the send) is drawn bold and reversed: the non-colour cue of a changed value. */
static char *render(const struct scase *c, bool *changed_ok, char **attrs, bool *attr_ok)
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
	struct dv_tui_options opt = { .color = true, .ascii = c->ascii };
	struct dv_driver driver = { 0 };
	if (c->driver) {
		char err[1200];
		if (!driver_so || !dv_driver_open(&driver, driver_so, err, sizeof err)) {
			fprintf(stderr, "%s: %s\n", c->name, driver_so ? err : "no driver module given");
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
		t = dv_tui_open(c->lesson ? c->lesson : LESSON, &opt);
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
	if (changed_ok)
		*changed_ok = false;
	if (attr_ok)
		*attr_ok = c->attr_text == NULL;
	char *attr_dump = malloc((size_t)(LINES * (COLS + 1) + 1));
	size_t alen = 0;
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
		char *hit = changed_ok ? strstr(row, "mode 0x09") : NULL;
		if (hit) {
			chtype ch = mvinch(y, (int)(hit - row) + 5);
			*changed_ok = (ch & A_BOLD) && (ch & A_REVERSE);
		}
		hit = attr_ok && c->attr_text && !*attr_ok ? strstr(row, c->attr_text) : NULL;
		if (hit) {
			chtype ch = mvinch(y, (int)dv_vtext_cells(row, (size_t)(hit - row)) + c->attr_off);
			attr_t a = ch & A_ATTRIBUTES & ~A_COLOR;
			int pair = (int)PAIR_NUMBER(ch);
			*attr_ok = (a & c->want_on) == c->want_on && !(a & c->want_off) &&
			           (c->want_pair < 0 || pair == c->want_pair);
			if (!*attr_ok)
				fprintf(stderr, "%s: '%s' has attributes %#lx, pair %d\n", c->name, c->attr_text,
				        (unsigned long)a, pair);
		}
		/* Every cell's attributes and colour pair, for the exact going-back comparisons. */
		for (int x = 0; x < COLS; x++) {
			chtype ch = mvinch(y, x);
			unsigned bits = ((ch & A_BOLD) ? 1 : 0) | ((ch & A_REVERSE) ? 2 : 0) |
			                ((ch & A_DIM) ? 4 : 0) | ((ch & A_UNDERLINE) ? 8 : 0);
			attr_dump[alen++] = (char)('A' + bits + 16 * (int)(PAIR_NUMBER(ch) % 4));
		}
		attr_dump[alen++] = '\n';
	}
	attr_dump[alen] = '\0';
	if (attrs)
		*attrs = attr_dump;
	else
		free(attr_dump);
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

/* Compares a dump with its .screen file (or rewrites it under DV_REGEN=1). */
static int compare(const char *name, const char *dump)
{
	char path[512];
	snprintf(path, sizeof path, "tests/screens/%s.screen", name);
	const char *regen = getenv("DV_REGEN");
	if (regen && strcmp(regen, "1") == 0) {
		FILE *f = fopen(path, "wb");
		if (!f || fputs(dump, f) < 0 || fclose(f) != 0) {
			perror(path);
			return 1;
		}
		printf("rewrote %s\n", path);
		return 0;
	}
	char *want = read_text(path);
	if (!want) {
		fprintf(stderr, "%s: missing; run with DV_REGEN=1 to create it\n", path);
		return 1;
	}
	int bad = strcmp(want, dump) != 0;
	if (bad)
		fprintf(stderr, "%s differs. Got:\n%s\n--- want:\n%s\n", path, dump, want);
	free(want);
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
				fprintf(stderr, "the key table's '%s' (%s) is no key the terminal UI reads\n", k,
				        dv_keymap[i].name);
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
					if (!w->numeric && strlen(w->text) > 3 && strncmp(w->text, "NDIS_STATUS_", 12) &&
					    strcmp(w->text, "SUCCESS") && strcmp(w->text, "RESOURCES"))
						snprintf(f[0], 32, "%s", w->text);
					if (w->numeric && w->num >= 16) {
						snprintf(f[0], 32, "0x%02x", w->num);
						snprintf(f[1], 32, "0x%04x", w->num);
						if (w->num >= 256)
							snprintf(f[2], 32, "%u", w->num);
					}
					for (int k = 0; k < 3; k++)
						if (f[k][0] && on_screen(screen, f[k]) && !on_screen(ask->question, f[k]) &&
						    !(strstr(v[i], "12-modes") && !strcmp(ask->id, "overflow-bit") &&
						      !strcmp(f[k], "0x10"))) { /* the page register; see test-session.c */
							fprintf(stderr, "%s: at question %s (line %u) the screen shows its answer "
							        "%s:\n%s\n", v[i], ask->id, ask->line, f[k], screen);
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
			fprintf(stderr, "%s: the walk stopped at %u of %u questions\n", v[i], gates, L->nasks);
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

int main(int argc, char **argv)
{
	if (argc != 3 && argc != 4) {
		fprintf(stderr, "usage: test-screens SRCDIR CASE [DRIVER.so]\n");
		return 2;
	}
	driver_so = argc == 4 ? argv[3] : NULL;
	/* Paths in dumps are relative to the source tree, so every checkout renders the same. */
	if (chdir(argv[1]) != 0) {
		perror(argv[1]);
		return 2;
	}
	setlocale(LC_ALL, "C.UTF-8");
	if (strcmp(argv[2], "keymap") == 0)
		return check_keymap();
	if (strcmp(argv[2], "walk-all-80x24") == 0)
		return walk_all();
	if (strcmp(argv[2], "changed-attr") == 0) {
		bool ok = false;
		free(render(find_case("step-end-80x24"), &ok, NULL, NULL));
		if (!ok)
			fprintf(stderr, "the changed mode byte 0x09 is not drawn bold + reverse\n");
		return ok ? 0 : 1;
	}
	const struct scase *c = find_case(argv[2]);
	if (!c) {
		fprintf(stderr, "unknown case %s\n", argv[2]);
		return 2;
	}
	if (c->quiz_seed) {
		char *dump = render_quiz(c);
		int bad = compare(c->name, dump);
		if (c->same_as) {
			char *other = render_quiz(find_case(c->same_as));
			if (strcmp(other, dump) != 0) {
				fprintf(stderr, "%s is not identical to %s\n", c->name, c->same_as);
				bad = 1;
			}
			free(other);
		}
		free(dump);
		return bad || state_failed;
	}
	char *attrs = NULL;
	bool attr_ok = true;
	char *dump = render(c, NULL, &attrs, &attr_ok);
	int bad = compare(c->name, dump);
	if (!attr_ok) {
		fprintf(stderr, "%s: the attribute check failed (or '%s' is not on the screen)\n", c->name,
		        c->attr_text);
		bad = 1;
	}
	if (c->same_as) {
		/* Time travel must be exact: going back shows the very screen seen going forward,
		 * text and attributes (the changed and fading cues) alike. */
		char *other_attrs = NULL;
		char *other = render(find_case(c->same_as), NULL, &other_attrs, NULL);
		if (strcmp(other, dump) != 0) {
			fprintf(stderr, "%s is not identical to %s\n", c->name, c->same_as);
			bad = 1;
		} else if (!c->text_only && strcmp(other_attrs, attrs) != 0) {
			fprintf(stderr, "%s has other attributes than %s:\n%s\n--- want:\n%s\n", c->name,
			        c->same_as, attrs, other_attrs);
			bad = 1;
		}
		free(other);
		free(other_attrs);
	}
	free(attrs);
	free(dump);
	return bad || state_failed;
}

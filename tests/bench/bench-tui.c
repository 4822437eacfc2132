/* dmaviz: terminal UI benchmark. Plain-text figures, one per line; nothing timed is asserted.
 *
 *   1. Bytes written to the terminal per step on 80x24 after the first full paint: the UI
 *      runs on a newterm screen whose output is an unlinked temporary file (ncurses writes
 *      to the FILE*'s descriptor, not through stdio, so a cookie stream would see nothing);
 *      its size is the byte count. j is pressed 20 times, each followed by a refresh as the
 *      interactive loop does.
 *   2. Time from start (opening and running the lesson) to the first complete frame.
 *   3. CPU time used while paused for 5 s: getrusage around a getch that blocks on a pipe
 *      nobody writes to, with a 5 s timeout (what a paused screen does, bounded).
 *
 * usage: bench-tui SRCDIR [LESSON]   (LESSON relative to SRCDIR; default lessons/03-send.lesson)
 * Exit status 2 only when the lesson or the screen cannot be opened.
 */
#define _XOPEN_SOURCE_EXTENDED 1
#include <curses.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "tui.h"

/* Bytes the terminal has received so far. */
static size_t written(FILE *out)
{
	struct stat sb;
	fflush(out);
	return fstat(fileno(out), &sb) == 0 ? (size_t)sb.st_size : 0;
}

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double cpu_seconds(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
}

int main(int argc, char **argv)
{
	if (argc < 2 || chdir(argv[1]) != 0) {
		fprintf(stderr, "usage: bench-tui SRCDIR [LESSON]\n");
		return 2;
	}
	const char *lesson = argc > 2 ? argv[2] : "lessons/03-send.lesson";
	setlocale(LC_ALL, "C.UTF-8");
	setenv("LINES", "24", 1);
	setenv("COLUMNS", "80", 1);
	if (!getenv("TERM"))
		setenv("TERM", "xterm-256color", 1);
	/* Input: a pipe whose write end stays open and silent, so getch really blocks. */
	int fds[2];
	if (pipe(fds) != 0) {
		perror("pipe");
		return 2;
	}
	FILE *in = fdopen(fds[0], "r");
	FILE *out = tmpfile();
	if (!in || !out) {
		perror("fdopen/tmpfile");
		return 2;
	}

	double t0 = now_seconds();
	SCREEN *scr = newterm(NULL, out, in);
	if (!scr) {
		fprintf(stderr, "newterm failed (TERM=%s)\n", getenv("TERM"));
		return 2;
	}
	set_term(scr);
	cbreak();
	noecho();
	struct dv_tui_options opt = { .color = true, .ascii = false };
	struct dv_tui *t = dv_tui_open(lesson, &opt);
	if (!t) {
		endwin();
		delscreen(scr);
		return 2;
	}
	dv_tui_setup_screen(t);
	dv_tui_draw(t);
	refresh();
	double first_frame = now_seconds() - t0;
	size_t first_bytes = written(out);

	enum { STEPS = 20 };
	size_t before = written(out);
	for (int i = 0; i < STEPS; i++) {
		dv_tui_key(t, 'j');
		dv_tui_draw(t);
		refresh();
	}
	size_t step_bytes = written(out) - before;
	/* The same at bus-cycle granularity (t three times), where every j moves: the lesson
	 * has fewer than 20 step stops, and j at its end only beeps. */
	dv_tui_key(t, 'g');
	for (int i = 0; i < 3; i++)
		dv_tui_key(t, 't');
	dv_tui_key(t, 'r');
	dv_tui_key(t, 'i'); /* from the start, cycles are sparse: go where the bus is busy */
	dv_tui_draw(t);
	refresh();
	size_t before_cycle = written(out);
	for (int i = 0; i < STEPS; i++) {
		dv_tui_key(t, 'k');
		dv_tui_draw(t);
		refresh();
	}
	size_t cycle_bytes = written(out) - before_cycle;

	/* Paused: one blocking getch, bounded to 5 s by a timeout, with nothing to read. */
	timeout(5000);
	double c0 = cpu_seconds(), w0 = now_seconds();
	int key = getch();
	double cpu = cpu_seconds() - c0, wall = now_seconds() - w0;

	printf("tui: lesson %s on 80x24, TERM=%s\n", lesson, getenv("TERM"));
	printf("tui: first full paint: %zu bytes\n", first_bytes);
	printf("tui: %d steps (j): %zu bytes, %.1f bytes per step\n", STEPS, step_bytes,
	       (double)step_bytes / STEPS);
	printf("tui: %d bus cycles back (k, cycle granularity): %zu bytes, %.1f bytes per cycle\n",
	       STEPS, cycle_bytes, (double)cycle_bytes / STEPS);
	printf("tui: start to first complete frame: %.1f ms\n", first_frame * 1e3);
	printf("tui: paused %.2f s (getch returned %s): %.1f ms CPU\n", wall,
	       key == ERR ? "ERR" : "a key", cpu * 1e3);

	dv_tui_close(t);
	endwin();
	delscreen(scr);
	fclose(out);
	fclose(in);
	close(fds[1]);
	return 0;
}

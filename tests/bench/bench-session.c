/* dmaviz: the application layer's cost per move (ui/app/session.c). Plain-text figures, one per
 * line; nothing timed is asserted.
 *
 *   1. Opening the largest shipped lessons (parse, run, beats): milliseconds.
 *   2. Walking 03-send one event at a time from the first stop to the end (every question
 *      skipped where it holds): moves a second and microseconds a move; then the same walk
 *      back to the start.
 *   3. Walking every lesson at step granularity with every panel built at each stop (what a
 *      front end does per key): microseconds a stop.
 *   4. Seeking to 200 evenly spread positions of 03-send (a timeline click): worst and mean.
 *
 * usage: bench-session LESSONS-DIR
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "files.h"
#include "session.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct dv_session *open_path(const char *path, bool ungated)
{
	char err[4096];
	struct dv_session_options o = { .ungated = ungated };
	struct dv_session *s = dv_session_open(path, &o, err, sizeof err);
	if (!s)
		fprintf(stderr, "%s\n", err);
	return s;
}

static void build_panels(struct dv_session *s, struct dv_vpanel *p)
{
	dv_view_narration(&s->view, p, 39);
	dv_view_dma(&s->view, p);
	dv_view_nic(&s->view, p);
	dv_view_ndis(&s->view, p, 39);
	dv_view_log(&s->view, p, 8);
	dv_view_source(&s->view, p, 8);
	int a = dv_session_ask(s);
	if (a >= 0)
		dv_session_question(s, a, p, 39);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: bench-session LESSONS-DIR\n");
		return 2;
	}
	char path[4096];
	snprintf(path, sizeof path, "%s/03-send.lesson", argv[1]);

	/* 1. opening */
	static const char *const big[] = { "03-send.lesson", "05-staging.lesson",
		                           "13-autoinit.lesson" };
	for (size_t i = 0; i < sizeof big / sizeof big[0]; i++) {
		char p[4096];
		snprintf(p, sizeof p, "%s/%s", argv[1], big[i]);
		double t0 = now();
		struct dv_session *s = open_path(p, false);
		if (!s)
			return 2;
		printf("open %-20s %8.1f ms  (%zu events, %zu beats)\n", big[i], (now() - t0) * 1e3,
		       s->view.end, s->nbeats);
		dv_session_close(s);
	}

	/* 2. one event at a time, there and back */
	struct dv_session *s = open_path(path, false);
	if (!s)
		return 2;
	size_t moves = 0;
	double t0 = now();
	for (;;) {
		enum dv_move r = dv_session_move(s, DV_VCMD_NEXT_EVENT);
		if (r == DV_MOVE_GATE) {
			dv_session_skip(s);
			continue;
		}
		if (r == DV_MOVE_END)
			break;
		moves++;
	}
	double dt = now() - t0;
	printf("event walk forward: %zu moves in %.3f s: %.0f moves/s, %.2f us a move\n", moves, dt,
	       moves / dt, dt / (double)moves * 1e6);
	moves = 0;
	t0 = now();
	while (dv_session_move(s, DV_VCMD_PREV_EVENT) == DV_MOVE_OK)
		moves++;
	dt = now() - t0;
	printf("event walk back:    %zu moves in %.3f s: %.0f moves/s, %.2f us a move\n", moves, dt,
	       moves / dt, dt / (double)moves * 1e6);

	/* 4. seeks */
	double worst = 0, sum = 0;
	size_t end = s->view.end;
	dv_session_close(s);
	s = open_path(path, true);
	for (int k = 0; k < 200; k++) {
		size_t pos = (size_t)((double)end * ((k * 7919) % 200) / 200.0);
		double a = now();
		dv_session_seek(s, pos);
		double d = now() - a;
		sum += d;
		worst = d > worst ? d : worst;
	}
	printf("seek (200 positions): mean %.3f ms, worst %.3f ms\n", sum / 200 * 1e3, worst * 1e3);
	dv_session_close(s);

	/* 3. step walks with panels, every lesson */
	size_t n = 0, stops = 0;
	char **v = dv_lessons_list(argv[1], &n);
	struct dv_vpanel p;
	dv_vpanel_init(&p);
	double total = 0, slowest = 0;
	for (size_t i = 0; i < n; i++) {
		s = open_path(v[i], false);
		if (!s)
			continue;
		for (;;) {
			double a = now();
			enum dv_move r = dv_session_move(s, DV_VCMD_NEXT);
			build_panels(s, &p);
			double d = now() - a;
			total += d;
			slowest = d > slowest ? d : slowest;
			stops++;
			if (r == DV_MOVE_GATE)
				dv_session_skip(s);
			else if (r == DV_MOVE_END)
				break;
		}
		dv_session_close(s);
	}
	printf("step walk, every lesson, panels built: %zu stops, mean %.1f us, slowest %.2f ms\n",
	       stops, total / (double)stops * 1e6, slowest * 1e3);
	dv_vpanel_finish(&p);
	dv_lessons_list_free(v, n);
	return 0;
}

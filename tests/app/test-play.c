/* dmaviz: the play clock (ui/app/play.h) and the pace of every step of every shipped lesson:
 *
 * - the clock: moves owed by elapsed time, the fraction kept, the wait, a rate change;
 * - the plan: at every rate of both front ends, every step plays in 5-15 s, or in its natural
 *   length at the base rate when that is under 5 s; its first moves go at the base rate, one
 *   by one; its position never goes back; it ends within its planned time, played frame by
 *   frame as the window does and wake-up by wake-up as the terminal does; the fast-forward cue
 *   shows only while it runs fast;
 * - dv_session_play_moves counts the moves playing really makes;
 * - the demo's reading time.
 *
 * Each step's length and plan at the window's rate is printed as a TAP comment.
 * Usage: test-play LESSONS-DIR
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "files.h"
#include "play.h"
#include "session.h"
#include "../checkf.h"

static const char *lessons_dir;

/* The moves a second of the window's speeds and the terminal's (sdlui.c, tui.c). */
static const unsigned rates[] = { 1, 2, 4, 5, 8, 10, 16, 25, 32, 50, 64, 100, 250, 1000, 5000 };

static void test_clock(void)
{
	struct dv_play p = { .rate = 4 };
	CHECK(dv_play_owed(&p, 1000) == 0 && dv_play_wait(&p) == -1, "a paused clock owes moves");
	dv_play_set(&p, true);
	CHECK(dv_play_wait(&p) == 250, "4 moves a second wait %d ms", dv_play_wait(&p));
	unsigned total = 0;
	for (int i = 0; i < 10; i++)
		total += dv_play_owed(&p, 100); /* 1 s in ten late wake-ups */
	CHECK(total == 4, "%u moves in a second at 4 a second", total);
	CHECK(dv_play_owed(&p, 130) == 0 && dv_play_owed(&p, 120) == 1, "the fraction is not kept");
	p.rate = 1000;
	CHECK(dv_play_wait(&p) == DV_PLAY_FRAME_MS, "a fast clock waits %d ms, not a frame",
	      dv_play_wait(&p));
	/* A plan: the same first moves, then faster; +/- plans what is left again. */
	dv_play_set(&p, true);
	p.rate = 10;
	dv_play_plan(&p, 80000);
	CHECK(dv_play_owed(&p, 100) == 1 && dv_play_wait(&p) == 100, "a plan's first move");
	char cue[32];
	dv_play_cue(&p, false, cue, sizeof cue);
	CHECK(!cue[0], "a cue at the base rate: '%s'", cue);
	total = 1;
	for (int i = 0; i < 100; i++)
		total += dv_play_owed(&p, 100); /* 10 s */
	dv_play_cue(&p, false, cue, sizeof cue);
	CHECK(total > 1000 && total < 80000 && !strncmp(cue, "\xe2\x96\xb6\xe2\x96\xb6 ", 7) &&
	              cue[strlen(cue) - 1] == 'x',
	      "after 10 s of 12: %u moves, cue '%s'", total, cue);
	dv_play_cue(&p, true, cue, sizeof cue);
	CHECK(!strncmp(cue, ">> ", 3), "the ASCII cue '%s'", cue);
	CHECK(dv_play_wait(&p) == DV_PLAY_FRAME_MS, "fast: wait a frame, not %d", dv_play_wait(&p));
	dv_play_rate(&p, 5);
	CHECK(p.moves == 80000 - total && p.done == 0 && p.rate == 5 && p.ms == 0,
	      "a new rate plans %zu moves (want %u) again", p.moves, 80000 - total);
	CHECK(dv_play_owed(&p, 200) == 1, "the new rate's first move");
	dv_play_set(&p, false);
	CHECK(p.moves == 0 && dv_play_owed(&p, 1000) == 0, "off forgets the plan");
	CHECK(dv_play_hold_ms(0) == DV_DEMO_HOLD_MIN_MS &&
	              dv_play_hold_ms(1000) == DV_DEMO_HOLD_MAX_MS &&
	              dv_play_hold_ms(15) == 15 * 1000 / DV_DEMO_WORDS_PER_S,
	      "the reading time");
}

/* The plan of a step of `moves` moves at `rate`, checked as a function and played. */
static void check_plan(const char *what, size_t moves, unsigned rate)
{
	uint64_t natural = ((uint64_t)moves * 1000 + rate - 1) / rate,
	         plan = dv_play_plan_ms(moves, rate);
	if (natural < 5000)
		CHECK(plan == natural, "%s at %u/s: %zu moves planned in %llu ms, not their %llu",
		      what, rate, moves, (unsigned long long)plan, (unsigned long long)natural);
	else
		CHECK(plan >= 5000 && plan <= 15000, "%s at %u/s: %zu moves planned in %llu ms",
		      what, rate, moves, (unsigned long long)plan);
	/* The first moves at the base rate, one by one. */
	uint64_t slow = DV_PLAY_SLOW_MOVES < 3ull * rate ? DV_PLAY_SLOW_MOVES : 3ull * rate;
	if (slow > moves)
		slow = moves;
	for (uint64_t i = 1; i <= slow; i++) {
		uint64_t t = i * 1000 / rate;
		double want = (double)t * rate / 1000.0, got = dv_play_pos(t, moves, rate);
		CHECK(got == want && dv_play_speedup(t, moves, rate) == 1.0,
		      "%s at %u/s: move %llu not at the base rate (%.3f at %llu ms, want %.3f)",
		      what, rate, (unsigned long long)i, got, (unsigned long long)t, want);
	}
	/* Monotonic, and done in time, frame by frame (the window). */
	double last = 0;
	bool mono = true;
	for (uint64_t t = 0; t <= plan + 16; t += 16) {
		double p = dv_play_pos(t, moves, rate);
		mono = mono && p >= last;
		last = p;
	}
	CHECK(mono, "%s at %u/s: the position goes back", what, rate);
	CHECK(dv_play_pos(plan, moves, rate) >= (double)moves - 1e-6 &&
	              dv_play_pos(plan + 1000, moves, rate) >= dv_play_pos(plan, moves, rate),
	      "%s at %u/s: %.1f of %zu moves at the plan's end", what, rate,
	      dv_play_pos(plan, moves, rate), moves);
	/* Wake-up by wake-up (the terminal: each wait's ms, then the moves owed). */
	struct dv_play p = { .rate = rate };
	dv_play_set(&p, true);
	dv_play_plan(&p, moves);
	uint64_t ms = 0, done = 0;
	bool cue_slow = false, cue_fast = false;
	char cue[32];
	while (done < moves && ms < 100000) {
		int w = dv_play_wait(&p);
		ms += (unsigned)w;
		done += dv_play_owed(&p, (unsigned)w);
		dv_play_cue(&p, false, cue, sizeof cue);
		bool at_base = dv_play_speedup(p.ms, moves, rate) < 2.0;
		cue_slow = cue_slow || (at_base && cue[0]);
		cue_fast = cue_fast || (!at_base && !cue[0]);
	}
	CHECK(done >= moves && ms <= plan + DV_PLAY_FRAME_MS,
	      "%s at %u/s: woken up to %llu ms, %llu of %zu moves (plan %llu ms)", what, rate,
	      (unsigned long long)ms, (unsigned long long)done, moves, (unsigned long long)plan);
	CHECK(!cue_slow && !cue_fast, "%s at %u/s: the cue shows at the wrong times", what, rate);
}

static void test_lessons(void)
{
	size_t n;
	char **v = dv_lessons_list(lessons_dir, &n);
	CHECK(n >= 14, "%zu lessons in %s", n, lessons_dir);
	size_t longest = 0;
	for (size_t i = 0; i < n; i++) {
		char err[1024];
		struct dv_session_options o = { .ungated = true };
		struct dv_session *s = dv_session_open(v[i], &o, err, sizeof err);
		CHECK(s, "%s", err);
		if (!s)
			continue;
		for (unsigned k = 0; k < s->lesson->nsteps; k++) {
			size_t first, end;
			if (!dv_session_step_shown(s, k) ||
			    !dv_run_step_events(s->run, k, &first, &end))
				continue;
			dv_session_seek(s, first); /* where the window starts playing a step */
			size_t moves = dv_session_play_moves(s, k), made = 0;
			char what[160];
			snprintf(what, sizeof what, "%s step %u", s->lesson->id,
			         dv_view_step_number(&s->view, k));
			printf("# %-22s %6zu moves: %8.1f s at 10/s, played in %5.1f s\n", what,
			       moves, (double)moves / 10,
			       (double)dv_play_plan_ms(moves, 10) / 1000);
			for (size_t r = 0; r < sizeof rates / sizeof rates[0]; r++)
				check_plan(what, moves, rates[r]);
			while (dv_session_play_next(s, k) == DV_MOVE_OK && made <= moves)
				made++;
			CHECK(made == moves, "%s: %zu moves counted, %zu played", what, moves,
			      made);
			if (moves > longest)
				longest = moves;
		}
		dv_session_close(s);
	}
	dv_lessons_list_free(v, n);
	/* 03-send's transfer: about 5 minutes at 10 moves a second without a plan (3,014 bus
	 * cycles in which something happened: a quiet tick records nothing, so it is no move). */
	CHECK(longest >= 3000, "no step as long as the send's transfer (%zu moves)", longest);
}

/* Playing a lesson as the terminal and the web page do (dv_play_start, dv_play_run) in 40 ms
 * frames, questions not holding it: every shown step in turn, each within its plan, to the
 * lesson's end; r's second key. */
static void test_play_run(void)
{
	char err[1024], path[1024];
	snprintf(path, sizeof path, "%s/03-send.lesson", lessons_dir);
	struct dv_session_options o = { .ungated = true };
	struct dv_session *s = dv_session_open(path, &o, err, sizeof err);
	CHECK(s, "%s", err);
	if (!s)
		return;
	struct dv_play p = { .rate = dv_play_term_rates[DV_PLAY_TERM_DEFAULT] };
	CHECK(dv_play_start(&p, s) && p.step == dv_session_play_step(s), "p starts");
	unsigned want = p.step, steps = 0;
	uint64_t ms = 0, step_ms = 0, plan = dv_play_plan_ms(p.moves, p.rate);
	enum dv_move r = DV_MOVE_OK;
	while (r == DV_MOVE_OK && ms < 600000) {
		size_t made = 0;
		r = dv_play_run(&p, s, 40, &made);
		ms += 40;
		step_ms += 40;
		if (r != DV_MOVE_OK || p.step == want)
			continue;
		/* The step's end stays one move's time (at the pace then) before the next. */
		CHECK(step_ms <= plan + 1000 / p.rate + 40,
		      "step %u played in %llu ms, planned %llu", want, (unsigned long long)step_ms,
		      (unsigned long long)plan);
		CHECK(p.step == dv_session_step_after(s, want), "step %u after %u", p.step, want);
		want = p.step;
		plan = dv_play_plan_ms(p.moves, p.rate);
		step_ms = 0;
		steps++;
	}
	CHECK(r == DV_MOVE_END && !p.on && dv_session_at_end(s) && steps >= 4,
	      "played %u steps to the end (%d) in %llu ms", steps, (int)r, (unsigned long long)ms);
	CHECK(!strcmp(dv_play_stopped(DV_MOVE_END), "the end of the lesson: paused"), "its words");
	dv_session_move(s, DV_VCMD_FIRST);
	dv_session_run_until(s, 'x');
	CHECK(!strcmp(s->msg, "run until: t, i, c or v"), "r x: '%s'", s->msg);
	dv_session_run_until(s, 't');
	CHECK(!strncmp(s->msg, "ran until the terminal count (", 30), "r t: '%s'", s->msg);
	dv_session_close(s);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: test-play LESSONS-DIR\n");
		return 2;
	}
	lessons_dir = argv[1];
	static const struct checkf_case tests[] = {
		{ "the play clock", test_clock },
		{ "every step of every lesson: its pace", test_lessons },
		{ "a lesson played step after step, and r", test_play_run },
	};
	return CHECKF_RUN(tests);
}

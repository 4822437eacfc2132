/* dmaviz: SDL2 mode benchmark. Plain-text figures, one per line; nothing timed is asserted.
 *
 * Frame time at 1280x720 and 1920x1080 in the classic layout, and at 1920x1080 in the
 * presentation layout (--projector, ui/app/present.h), with the software renderer (SDL_VIDEODRIVER=dummy, an RGB888 surface,
 * SDL_CreateSoftwareRenderer), the way the window's loop spends a frame while a transfer
 * animates: dv_sdl_tick(s, 16); dv_sdl_draw(s, r); SDL_RenderPresent(r). Each frame is timed
 * with CLOCK_MONOTONIC.
 *
 *   1. The first frame after opening (cold caches: fonts, glyphs).
 *   2. Step 3 of the lesson (the 1514-byte transfer) played at the default speed, for at most
 *      FRAMES_SLOW frames (4.8 s of the step's 12: its first moves at 10 a second, then
 *      faster and faster, ui/app/play.h).
 *   3. The same step from its start at the highest speed ('+' pressed until the top), so the
 *      bytes stream; until the step ends, or FRAMES_FAST frames.
 *   4. Paused: the same position redrawn without a tick (what an expose or a hover costs).
 *
 * For each: frames, mean, p50, p95 and max milliseconds per frame, and frames a second; and
 * the mean CPU time of the thread per frame (CLOCK_THREAD_CPUTIME_ID), the figure to compare
 * on a machine busy with other work.
 *
 * usage: bench-sdl SRCDIR [LESSON]   (LESSON relative to SRCDIR; default lessons/03-send.lesson)
 * Exit status 2 only when SDL, the renderer or the lesson cannot be set up.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sdlui.h"

enum { STEP = 3, FRAMES_SLOW = 300, FRAMES_FAST = 3000, FRAMES_PAUSED = 200 };

/* The pictures measured: size and layout. */
static const struct conf {
	int w, h;
	bool present;
} confs[] = { { 1280, 720, false }, { 1920, 1080, false }, { 1920, 1080, true } };

static double cpu_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec * 1e-6;
}

/* The CPU time of the frames report() describes next. */
static double cpu_total;

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec * 1e-6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Nearest-rank percentile of a sorted array. */
static double pct(const double *v, size_t n, double p)
{
	size_t k = (size_t)(p / 100.0 * (double)n + 0.999999);
	if (k < 1)
		k = 1;
	if (k > n)
		k = n;
	return v[k - 1];
}

static void report(const char *what, double *ms, size_t n)
{
	if (!n) {
		printf("sdl: %s: no frames\n", what);
		cpu_total = 0;
		return;
	}
	double sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += ms[i];
	qsort(ms, n, sizeof *ms, cmp_double);
	double mean = sum / (double)n;
	printf("sdl: %s: %zu frames, mean %.2f ms, p50 %.2f ms, p95 %.2f ms, max %.2f ms, %.1f "
	       "frames/s, CPU %.2f ms a frame\n",
	       what, n, mean, pct(ms, n, 50), pct(ms, n, 95), ms[n - 1], 1e3 / mean,
	       cpu_total / (double)n);
	cpu_total = 0;
}

/* Plays frames (tick, draw, present) while the step plays, at most max; returns how many. */
static size_t play_frames(struct dv_sdl *s, SDL_Renderer *r, double *ms, size_t max)
{
	size_t n = 0;
	while (n < max && dv_sdl_playing(s)) {
		double t0 = now_ms(), c0 = cpu_ms();
		dv_sdl_tick(s, 16);
		dv_sdl_draw(s, r);
		SDL_RenderPresent(r);
		ms[n++] = now_ms() - t0;
		cpu_total += cpu_ms() - c0;
	}
	return n;
}

/* The four measurements of one picture; false when it cannot be set up. */
static bool bench(const char *lesson, const struct conf *c, double *ms)
{
	int W = c->w, H = c->h;
	SDL_Surface *surf = SDL_CreateRGBSurfaceWithFormat(0, W, H, 32, SDL_PIXELFORMAT_RGB888);
	SDL_Renderer *r = surf ? SDL_CreateSoftwareRenderer(surf) : NULL;
	if (!r) {
		fprintf(stderr, "bench-sdl: software renderer: %s\n", SDL_GetError());
		return false;
	}
	char err[1024];
	double t0 = now_ms();
	/* A benchmark of drawing: no question stops it. */
	struct dv_sdl_options o = { .ungated = true, .present = c->present };
	struct dv_sdl *s = dv_sdl_open(lesson, &o, err, sizeof err);
	if (!s) {
		fprintf(stderr, "bench-sdl: %s\n", err);
		return false;
	}
	double open_ms = now_ms() - t0;
	t0 = now_ms();
	dv_sdl_draw(s, r);
	SDL_RenderPresent(r);
	double first_ms = now_ms() - t0;
	printf("sdl: lesson %s at %dx%d, %s layout, software renderer into an RGB888 surface, "
	       "16 ms ticks\n",
	       lesson, W, H, c->present ? "presentation" : "classic");
	printf("sdl: open %.1f ms, first frame (cold caches) %.1f ms\n", open_ms, first_ms);

	/* The default speed. */
	if (!dv_sdl_play_step(s, STEP)) {
		fprintf(stderr, "bench-sdl: the lesson has no step %d\n", STEP);
		return false;
	}
	size_t pos0 = dv_sdl_pos(s);
	size_t n = play_frames(s, r, ms, FRAMES_SLOW);
	char what[160];
	snprintf(what, sizeof what, "step %d playing, default speed (%zu events moved)", STEP,
	         dv_sdl_pos(s) - pos0);
	report(what, ms, n);

	/* The highest speed, from the start of the step again. */
	dv_sdl_play(s, false);
	char speed[128] = "";
	for (int i = 0; i < 12; i++) {
		dv_sdl_key(s, SDLK_PLUS, 0);
		snprintf(speed, sizeof speed, "%s", dv_sdl_status(s));
	}
	dv_sdl_play_step(s, STEP);
	pos0 = dv_sdl_pos(s);
	n = play_frames(s, r, ms, FRAMES_FAST);
	snprintf(what, sizeof what, "step %d playing, %s (%zu events moved, %s)", STEP, speed,
	         dv_sdl_pos(s) - pos0, dv_sdl_playing(s) ? "cut off" : "to the step's end");
	report(what, ms, n);

	/* Paused: redraw without a tick. */
	dv_sdl_play(s, false);
	for (n = 0; n < FRAMES_PAUSED; n++) {
		double f0 = now_ms(), c0 = cpu_ms();
		dv_sdl_draw(s, r);
		SDL_RenderPresent(r);
		ms[n] = now_ms() - f0;
		cpu_total += cpu_ms() - c0;
	}
	report("paused redraw (draw + present, no tick)", ms, n);
	dv_sdl_close(s);
	SDL_DestroyRenderer(r);
	SDL_FreeSurface(surf);
	return true;
}

int main(int argc, char **argv)
{
	if (argc < 2 || chdir(argv[1]) != 0) {
		fprintf(stderr, "usage: bench-sdl SRCDIR [LESSON]\n");
		return 2;
	}
	const char *lesson = argc > 2 ? argv[2] : "lessons/03-send.lesson";
	setenv("SDL_VIDEODRIVER", "dummy", 0);
	setenv("SDL_AUDIODRIVER", "dummy", 0);
	if (SDL_Init(0) != 0) {
		fprintf(stderr, "bench-sdl: SDL_Init: %s\n", SDL_GetError());
		return 2;
	}
	double *ms = malloc(sizeof *ms * FRAMES_FAST);
	if (!ms)
		return 2;
	int rc = 0;
	for (size_t i = 0; i < sizeof confs / sizeof confs[0] && !rc; i++)
		rc = bench(lesson, &confs[i], ms) ? 0 : 2;
	free(ms);
	SDL_Quit();
	return rc;
}

/* The SDL2 mode, headless: lessons rendered into surfaces with the software renderer under the
 * dummy video driver. What is checked:
 *   - renders are not blank, and a waiting and a transferring 8237A look different;
 *   - structure: the Offset/Length subrange lies where the buffer's offset says, to scale, in
 *     the subrange's colour; a bounce buffer is drawn (as wide as the subrange) only when the
 *     HAL bounced;
 *   - playing moves forward one unit at a time to the step's end, then stops;
 *   - the demo goes through the lessons and loops; a key takes over; its pace (the first byte,
 *     the first frame, a pause at every question, its answer after it, reading time);
 *   - the mouse: the next button, the timeline, the timing diagram, hover text;
 *   - an ask answered in the window; the high-contrast theme and the presentation layout (L,
 *     --large); other sizes;
 *   - the presentation layout (--projector): its regions' hits, the same places with SDL_ttf's
 *     measures as with the fixed ones of tests and SVG, its buttons and timing diagram, and
 *     dmaviz snapshot's PNG;
 *   - PNG screenshots; and image hashes of two renders (tests/sdl/hashes.txt);
 *   - every lesson's recording (dmaviz record) renders the very pixels of the lesson at every
 *     step, and a truncated one is refused with its reason.
 * DV_REGEN=1 meson test -C build --suite sdl rewrites the hashes; look at a screenshot first
 * (dmaviz gui LESSON --screenshot FILE.png --at STEP). */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <SDL_ttf.h>

#include "classic.h"
#include "cmd_record.h"
#include "files.h"
#include "keymap.h"
#include "play.h"
#include "present.h"
#include "scene.h"
#include "sdlui.h"
#include "session.h"
#include "sim.h"
#include "theme.h"
#include "../checkf.h"

static const char *dir;

#define W 1280
#define H 720

static uint32_t pixel(SDL_Surface *s, int x, int y)
{
	return ((const uint32_t *)((const uint8_t *)s->pixels + (size_t)y * (size_t)s->pitch))[x] &
	       0xFFFFFFu;
}

static uint64_t hash_of(SDL_Surface *s)
{
	uint64_t h = 1469598103934665603ull;
	for (int y = 0; y < s->h; y++)
		for (int x = 0; x < s->w; x++) {
			uint32_t p = pixel(s, x, y);
			for (int k = 0; k < 3; k++) {
				h ^= (p >> (8 * k)) & 0xFFu;
				h *= 1099511628211ull;
			}
		}
	return h;
}

/* Draws the current position into a new w x h surface. */
static SDL_Surface *render(struct dv_sdl *s, int w, int h)
{
	SDL_Surface *surf = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_RGB888);
	if (!surf)
		return NULL;
	SDL_Renderer *r = SDL_CreateSoftwareRenderer(surf);
	if (!r) {
		SDL_FreeSurface(surf);
		return NULL;
	}
	dv_sdl_draw(s, r);
	SDL_RenderPresent(r);
	SDL_DestroyRenderer(r);
	return surf;
}

/* Distinct colours in a coarse sample: a blank or one-colour image has one or two. */
static size_t colours(SDL_Surface *s)
{
	uint32_t seen[64];
	size_t n = 0;
	for (int y = 0; y < s->h; y += 7)
		for (int x = 0; x < s->w; x += 5) {
			uint32_t p = pixel(s, x, y);
			size_t i = 0;
			while (i < n && seen[i] != p)
				i++;
			if (i == n && n < 64)
				seen[n++] = p;
		}
	return n;
}

static struct dv_sdl *open_opt(const char *name, bool ungated)
{
	char path[4096], err[1024];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	struct dv_sdl_options o = { .ungated = ungated };
	struct dv_sdl *s = dv_sdl_open(path, &o, err, sizeof err);
	CHECK(s != NULL, "open %s: %s", name, err);
	return s;
}

/* As a learner opens it: questions stop every move. */
static struct dv_sdl *open_lesson(const char *name)
{
	return open_opt(name, false);
}

/* As a teacher's screenshot does: any moment, questions not shown. */
static struct dv_sdl *open_shot(const char *name)
{
	return open_opt(name, true);
}

static SDL_Point centre(SDL_Rect r)
{
	SDL_Point p = { r.x + r.w / 2, r.y + r.h / 2 };
	return p;
}

/* ---- structure: the buffer, its subrange, the bounce buffer ---------------------------------- */

static void test_subrange(void)
{
	struct dv_sdl *s = open_shot("07-subrange.lesson");
	if (!s)
		return;
	/* Step 2: Setup with Offset 100, Length 500 in the 1000-byte buffer. */
	CHECK(dv_sdl_goto_step(s, 2), "07-subrange has a step 2");
	SDL_Surface *img = render(s, W, H);
	SDL_Rect buf, sub;
	CHECK(dv_sdl_hit_rect(s, "buffer", &buf), "no buffer bar drawn");
	CHECK(dv_sdl_hit_rect(s, "subrange", &sub), "no subrange drawn");
	CHECK(!dv_sdl_hit_rect(s, "bounce", NULL),
	      "a bounce buffer drawn where the HAL did not bounce");
	int want_x = buf.x + buf.w * 100 / 1000, want_w = buf.w * 500 / 1000;
	CHECK(abs(sub.x - want_x) <= 1,
	      "the subrange starts at x=%d; Offset 100 of 1000 puts it at %d", sub.x, want_x);
	CHECK(abs(sub.w - want_w) <= 1,
	      "the subrange is %d px wide; Length 500 of 1000 makes it %d", sub.w, want_w);
	CHECK(sub.y == buf.y && sub.h == buf.h, "the subrange is not on the buffer's bar");
	if (img) {
		/* The pixels agree: the subrange's colour inside, the buffer's just before it. */
		SDL_Point c = centre(sub);
		uint32_t in = pixel(img, sub.x + 2, c.y), out = pixel(img, sub.x - 3, c.y),
		         end = pixel(img, sub.x + sub.w + 3, c.y);
		CHECK(in != out, "the subrange (0x%06x) looks like the rest of the buffer (0x%06x)",
		      in, out);
		CHECK(out == end,
		      "the buffer before (0x%06x) and after (0x%06x) the subrange differ", out,
		      end);
		SDL_FreeSurface(img);
	}
	/* Step 1: the whole buffer (Offset 0, Length 1000): the subrange is the whole bar. */
	CHECK(dv_sdl_goto_step(s, 1), "07-subrange has a step 1");
	img = render(s, W, H);
	CHECK(dv_sdl_hit_rect(s, "subrange", &sub) && dv_sdl_hit_rect(s, "buffer", &buf) &&
	              sub.x == buf.x && abs(sub.w - buf.w) <= 1,
	      "Offset 0, Length 1000 of 1000: the subrange should cover the bar");
	SDL_FreeSurface(img);
	dv_sdl_close(s);

	/* 08-64k step 4: the 60-byte buffer across 0x20000 is bounced. */
	s = open_shot("08-64k.lesson");
	if (!s)
		return;
	CHECK(dv_sdl_goto_step(s, 4), "08-64k has a step 4");
	img = render(s, W, H);
	SDL_Rect bb;
	CHECK(dv_sdl_hit_rect(s, "bounce", &bb), "08-64k step 4: no bounce buffer drawn");
	CHECK(dv_sdl_hit_rect(s, "subrange", &sub) && abs(bb.w - sub.w) <= 1 && bb.x == sub.x &&
	              bb.y > sub.y,
	      "the bounce buffer holds Length bytes: as wide as the subrange, under it");
	SDL_FreeSurface(img);
	dv_sdl_close(s);
}

/* ---- playing, the demo ------------------------------------------------------------------------- */

static void test_play(void)
{
	struct dv_sdl *s = open_shot("03-send.lesson");
	if (!s)
		return;
	CHECK(dv_sdl_goto_step(s, 3), "03-send has a step 3");
	size_t end = dv_sdl_pos(s);
	CHECK(dv_sdl_play_step(s, 3) && dv_sdl_playing(s), "playing step 3 starts");
	size_t start = dv_sdl_pos(s), last = start;
	CHECK(start < end, "step 3 starts (%zu) before it ends (%zu)", start, end);
	CHECK(dv_sdl_next_tick(s) > 0, "playing asks for the next frame");
	/* 10 moves a second: a tenth of a second is one move, never a jump to the end. */
	dv_sdl_tick(s, 100);
	CHECK(dv_sdl_pos(s) > start && dv_sdl_pos(s) < end,
	      "one tick of 100 ms moved from %zu to %zu (end %zu)", start, dv_sdl_pos(s), end);
	SDL_Surface *img = render(s, W, H);
	CHECK(img && colours(img) > 8, "a frame while playing is blank");
	SDL_FreeSurface(img);
	bool monotonic = true;
	unsigned ticks = 0;
	for (int i = 0; i < 20; i++)
		dv_sdl_key(s, SDLK_PLUS, 0); /* the fastest speed */
	while (dv_sdl_playing(s) && ticks < 100000) {
		dv_sdl_tick(s, 16);
		monotonic = monotonic && dv_sdl_pos(s) >= last;
		last = dv_sdl_pos(s);
		ticks++;
	}
	CHECK(monotonic, "playing went backwards");
	CHECK(!dv_sdl_playing(s) && dv_sdl_pos(s) == end,
	      "playing stops at the step's end (%zu, want %zu)", dv_sdl_pos(s), end);
	CHECK(dv_sdl_step(s) == 3, "after playing, the step is %u", dv_sdl_step(s));
	CHECK(dv_sdl_next_tick(s) < 0, "paused, the window must sleep (next tick %d)",
	      dv_sdl_next_tick(s));
	CHECK(!dv_sdl_tick(s, 1000), "a paused tick changes nothing");
	dv_sdl_close(s);
}

static void test_demo(void)
{
	struct dv_sdl *s = open_lesson("01-tour.lesson");
	if (!s)
		return;
	char p1[4096], p2[4096], err[256];
	snprintf(p1, sizeof p1, "%s/02-register.lesson", dir);
	snprintf(p2, sizeof p2, "%s/12-modes.lesson", dir);
	char *paths[] = { p1, p2 };
	CHECK(dv_sdl_demo(s, paths, 2, err, sizeof err), "the demo starts: %s", err);
	CHECK(!strcmp(dv_sdl_lesson_id(s), "register"),
	      "the demo starts with its first lesson, not %s", dv_sdl_lesson_id(s));
	/* Virtual time: the demo reaches the second lesson and comes back to the first. */
	bool saw_second = false, looped = false;
	unsigned long ms = 0;
	while (ms < 30ul * 60 * 1000 && !looped) {
		dv_sdl_tick(s, 250);
		ms += 250;
		if (!strcmp(dv_sdl_lesson_id(s), "modes"))
			saw_second = true;
		else if (saw_second && !strcmp(dv_sdl_lesson_id(s), "register"))
			looped = true;
	}
	CHECK(saw_second, "the demo never reached its second lesson");
	CHECK(looped, "the demo did not loop back to its first lesson in 30 virtual minutes");
	CHECK(dv_sdl_demo_running(s), "the demo stopped by itself");
	CHECK(dv_sdl_next_tick(s) > 0, "a running demo must wake the window");
	CHECK(dv_sdl_key(s, SDLK_q, 0),
	      "the first key during the demo takes over, it does not quit");
	CHECK(!dv_sdl_demo_running(s) && !dv_sdl_playing(s), "a key stops the demo");
	CHECK(strstr(dv_sdl_status(s), "controls") != NULL, "no message when the demo stops: '%s'",
	      dv_sdl_status(s));
	CHECK(!dv_sdl_key(s, SDLK_q, 0), "q quits once the learner has the controls");
	dv_sdl_close(s);
}

/* Where in 03-send's recording the first byte moves and the first frame is whole at the peer
 * (the demo's recording is the same, byte for byte). */
static void send_moments(size_t *byte, size_t *frame)
{
	char path[4096], err[1024];
	snprintf(path, sizeof path, "%s/03-send.lesson", dir);
	struct dv_session *ss = dv_session_open(path, NULL, err, sizeof err);
	*byte = *frame = SIZE_MAX;
	CHECK(ss, "%s", err);
	if (!ss)
		return;
	const struct dv_trace *tr = dv_sim_trace(ss->view.sim);
	const struct dv_trace *evt = tr;
	for (size_t p = 0; p < dv_trace_len(tr); p++) {
		if (dv_trace_at(evt, p)->kind == DV_EV_XFER && *byte == SIZE_MAX)
			*byte = p;
		if (dv_trace_at(evt, p)->kind == DV_EV_STATE &&
		    dv_trace_at(evt, p)->slot == DV_SLOT_PEER_RX_COUNT &&
		    dv_trace_at(evt, p)->new_value >= 1 && *frame == SIZE_MAX)
			*frame = p;
	}
	dv_session_close(ss);
}

/* The demo of the whole course, on a virtual clock in 16 ms frames: it opens with bytes moving
 * within 10 s and a frame on the wire within 60 s; it stops at every question of every lesson,
 * draws it for a few seconds before its answer, then shows the answer; nothing else holds the
 * picture still longer than 8 s. */
static void test_demo_pace(void)
{
	size_t n;
	char **v = dv_lessons_list(dir, &n);
	struct dv_sdl *s = n ? open_lesson("01-tour.lesson") : NULL;
	if (!s) {
		dv_lessons_list_free(v, n);
		return;
	}
	/* Every lesson's questions: which the demo thought about, and revealed. */
	struct seen {
		char id[64];
		unsigned nasks;
		unsigned char think[64], reveal[64];
	} *seen = calloc(n, sizeof *seen);
	for (size_t i = 0; i < n; i++) {
		char err[1024];
		struct dv_session *ss = dv_session_open(v[i], NULL, err, sizeof err);
		CHECK(ss, "%s", err);
		if (ss) {
			snprintf(seen[i].id, sizeof seen[i].id, "%s", ss->lesson->id);
			seen[i].nasks = ss->lesson->nasks < 64 ? ss->lesson->nasks : 64;
		}
		dv_session_close(ss);
	}
	size_t byte_at, frame_at;
	send_moments(&byte_at, &frame_at);
	char err[256];
	CHECK(dv_sdl_demo(s, v, n, err, sizeof err), "the demo starts: %s", err);
	CHECK(!strcmp(dv_sdl_lesson_id(s), "send"), "the demo opens with %s, not the send",
	      dv_sdl_lesson_id(s));
	unsigned long ms = 0, first_byte = 0, first_frame = 0, still = 0, longest_still = 0;
	unsigned long think_from = 0, shortest_think = ULONG_MAX, hold = 0, longest_hold = 0;
	size_t pos = dv_sdl_pos(s);
	unsigned loops = 0;
	bool left_send = false, thinking = false, answer_early = false;
	int think_ask = -1;
	SDL_Surface *img = NULL;
	while (ms < 60ul * 60 * 1000 && dv_sdl_demo_running(s)) {
		dv_sdl_tick(s, 16);
		ms += 16;
		const char *id = dv_sdl_lesson_id(s);
		bool send = !strcmp(id, "send");
		/* The whole loop, and the send once more (the first time it starts at its
		 * transfer, past its first questions). */
		if (!send && loops == 1)
			break;
		if (send && left_send)
			loops++;
		left_send = !send;
		if (send && !first_byte && dv_sdl_pos(s) > byte_at)
			first_byte = ms;
		if (send && !first_frame && dv_sdl_pos(s) > frame_at)
			first_frame = ms;
		bool revealed;
		int a = dv_sdl_demo_question(s, &revealed);
		size_t li = 0;
		while (li < n && strcmp(seen[li].id, id))
			li++;
		if (a >= 0 && a < 64 && li < n) {
			if (!revealed && !seen[li].think[a]) {
				seen[li].think[a] = 1;
				think_from = ms;
				think_ask = a;
				/* The question is drawn, its answer not yet. */
				img = render(s, W, H);
				SDL_FreeSurface(img);
				CHECK(strstr(dv_sdl_status(s), "Think about it"),
				      "%s question %d: the status says '%s'", id, a,
				      dv_sdl_status(s));
			}
			if (revealed && !seen[li].reveal[a]) {
				seen[li].reveal[a] = 1;
				answer_early = answer_early || !seen[li].think[a] || think_ask != a;
				if (ms - think_from < shortest_think)
					shortest_think = ms - think_from;
			}
		}
		thinking = a >= 0;
		if (dv_sdl_pos(s) != pos || thinking) {
			pos = dv_sdl_pos(s);
			still = 0;
		} else if ((still += 16) > longest_still) {
			longest_still = still;
		}
		/* Holding the narration: the demo waits longer than a frame. */
		if (thinking || dv_sdl_next_tick(s) <= 16)
			hold = 0;
		else if ((hold += 16) > longest_hold)
			longest_hold = hold;
	}
	printf("demo: the first byte moves after %.2f s, the first frame is on the wire after "
	       "%.2f s; a whole loop and the send again take %.0f s\n",
	       first_byte / 1000.0, first_frame / 1000.0, ms / 1000.0);
	CHECK(first_byte && first_byte <= 10000, "the demo's first byte moves after %lu ms",
	      first_byte);
	CHECK(first_frame && first_frame <= 60000, "the demo's first frame is whole after %lu ms",
	      first_frame);
	CHECK(loops == 1 && dv_sdl_demo_running(s), "the demo did not loop in %lu ms", ms);
	for (size_t i = 0; i < n; i++)
		for (unsigned a = 0; a < seen[i].nasks; a++)
			CHECK(seen[i].think[a] && seen[i].reveal[a],
			      "the demo passed %s's question %u (thought %d, revealed %d)",
			      seen[i].id, a + 1, seen[i].think[a], seen[i].reveal[a]);
	CHECK(!answer_early, "an answer was shown before its pause to think");
	CHECK(shortest_think >= 3000 && shortest_think != ULONG_MAX,
	      "a question's pause to think lasted %lu ms", shortest_think);
	CHECK(longest_hold >= 1000 && longest_hold <= DV_DEMO_HOLD_MAX_MS + 16,
	      "the narration held for %lu ms", longest_hold);
	/* The hold, then the next step's first moves (paragraphs at the same position). */
	CHECK(longest_still <= DV_DEMO_HOLD_MAX_MS + 1000,
	      "the picture stood still for %lu ms outside a question", longest_still);
	free(seen);
	dv_sdl_close(s);
	dv_lessons_list_free(v, n);
}

/* ---- the mouse, answers, themes, sizes ------------------------------------------------------------ */

static void test_mouse(void)
{
	struct dv_sdl *s = open_shot("03-send.lesson");
	if (!s)
		return;
	CHECK(dv_sdl_goto_step(s, 1), "03-send has a step 1");
	SDL_Surface *img = render(s, W, H);
	SDL_FreeSurface(img);
	SDL_Rect r;
	CHECK(dv_sdl_hit_rect(s, "button:next", &r), "no next button");
	SDL_Point c = centre(r);
	CHECK(dv_sdl_click(s, c.x, c.y) && dv_sdl_step(s) == 2, "clicking next: step %u, want 2",
	      dv_sdl_step(s));
	img = render(s, W, H);
	SDL_FreeSurface(img);
	/* The timeline: the far left is the first step, the far right the last. */
	CHECK(dv_sdl_hit_rect(s, "timeline", &r), "no timeline");
	CHECK(dv_sdl_click(s, r.x + r.w - 2, c.y) && dv_sdl_step(s) == 5,
	      "clicking the timeline's end: step %u", dv_sdl_step(s));
	img = render(s, W, H);
	SDL_FreeSurface(img);
	CHECK(dv_sdl_hit_rect(s, "timeline", &r) && dv_sdl_click(s, r.x + 1, r.y + 1) &&
	              dv_sdl_step(s) == 1,
	      "clicking the timeline's start: step %u", dv_sdl_step(s));
	/* The timing diagram: a click goes to the end of that bus cycle. (Step 5 has no question:
	 * at 1280x720 a question's lines take the diagram's room.) */
	CHECK(dv_sdl_goto_step(s, 5), "03-send has a step 5");
	img = render(s, W, H);
	SDL_FreeSurface(img);
	CHECK(dv_sdl_hit_rect(s, "timing", &r), "no timing diagram at 1280x720");
	size_t before = dv_sdl_pos(s);
	CHECK(dv_sdl_click(s, r.x + 2, r.y + 2) && dv_sdl_pos(s) < before &&
	              strstr(dv_sdl_status(s), "bus cycle"),
	      "clicking the timing diagram's first column: pos %zu (was %zu), status '%s'",
	      dv_sdl_pos(s), before, dv_sdl_status(s));
	/* Hover: a register shows its description (the picture changes), leaving hides it. */
	img = render(s, W, H);
	CHECK(dv_sdl_hit_rect(s, "reg:dma.1", &r), "the 8237A's count line is not hoverable");
	uint64_t plain = img ? hash_of(img) : 0;
	SDL_FreeSurface(img);
	c = centre(r);
	CHECK(dv_sdl_motion(s, c.x, c.y), "moving onto a register changes nothing");
	img = render(s, W, H);
	CHECK(img && hash_of(img) != plain, "hovering the count register shows no description");
	SDL_FreeSurface(img);
	CHECK(dv_sdl_motion(s, -1, -1), "leaving the window keeps the description");
	dv_sdl_close(s);
	/* The wheel over the side panel's NDIS call tab scrolls what does not fit; nowhere in
	 * particular it does nothing. */
	s = open_shot("05-staging.lesson");
	if (!s)
		return;
	CHECK(dv_sdl_goto_step(s, 4), "05-staging has a step 4");
	img = render(s, W, H);
	SDL_FreeSurface(img);
	CHECK(dv_sdl_hit_rect(s, "tab:call", &r) && dv_sdl_click(s, r.x + 2, r.y + 2),
	      "no NDIS call tab to click");
	img = render(s, W, H);
	plain = img ? hash_of(img) : 0;
	SDL_FreeSurface(img);
	CHECK(!dv_sdl_wheel(s, -1), "the wheel with the mouse outside the window did something");
	c = (SDL_Point){ r.x + 4, r.y + 3 * r.h };
	dv_sdl_motion(s, c.x, c.y);
	CHECK(dv_sdl_wheel(s, -3), "the wheel over the side panel did nothing");
	img = render(s, W, H);
	CHECK(img && hash_of(img) != plain, "the side panel did not scroll under the wheel");
	SDL_FreeSurface(img);
	dv_sdl_close(s);
}

/* The presentation layout in the window: the scene laid out with SDL_ttf's measures puts the
 * ribbon, the boxes and the timing diagram where the fixed measures of tests and SVG put them;
 * its buttons and its timing diagram answer clicks; snapshot's PNG is written. */
static void test_presentation(void)
{
	char path[4096], err[1024];
	snprintf(path, sizeof path, "%s/03-send.lesson", dir);
	struct dv_sdl_options o = { .ungated = true, .present = true };
	struct dv_sdl *s = dv_sdl_open(path, &o, err, sizeof err);
	struct dv_session_options so = { .ungated = true };
	struct dv_session *ss = dv_session_open(path, &so, err, sizeof err);
	CHECK(s && ss, "open %s: %s", path, err);
	if (!s || !ss)
		return;
	CHECK(dv_sdl_goto_step(s, 3) && dv_present_goto(ss, 3, 0), "03-send has a step 3");
	SDL_Surface *img = render(s, 1920, 1080);
	SDL_FreeSurface(img);
	struct dv_present p;
	dv_present_init(&p, ss);
	struct dv_scene sc;
	dv_scene_init(&sc, dv_scene_mono, NULL);
	dv_scene_reset(&sc, 1920, 1080);
	dv_present_compose(&p, &sc);
	static const char *const names[] = { "box:cpu",     "box:dma", "box:nic", "bus",
		                             "ribbon:call", "buffer",  "timing" };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		SDL_Rect r;
		const struct dv_shit *h = dv_scene_hit_named(&sc, names[i]);
		CHECK(dv_sdl_hit_rect(s, names[i], &r) && h && h->x == r.x && h->y == r.y &&
		              h->w == r.w && h->h == r.h,
		      "%s: the window's place differs from the fixed measures' (%d,%d %dx%d)",
		      names[i], h ? h->x : -1, h ? h->y : -1, h ? h->w : -1, h ? h->h : -1);
	}
	CHECK(!dv_sdl_hit_rect(s, "legend", NULL), "the classic layout's legend is drawn");
	SDL_Rect r;
	/* Hover: a register of the presentation layout shows its description too. */
	img = render(s, 1920, 1080);
	uint64_t plain = img ? hash_of(img) : 0;
	SDL_FreeSurface(img);
	CHECK(dv_sdl_hit_rect(s, "reg:dma.1", &r), "the 8237A's count line is not hoverable");
	SDL_Point mid = centre(r);
	dv_sdl_motion(s, mid.x, mid.y);
	img = render(s, 1920, 1080);
	CHECK(img && hash_of(img) != plain, "hovering the count register shows no description");
	SDL_FreeSurface(img);
	dv_sdl_motion(s, -1, -1);
	size_t before = dv_sdl_pos(s);
	CHECK(dv_sdl_hit_rect(s, "timing", &r) && dv_sdl_click(s, r.x + 2, r.y + 2) &&
	              dv_sdl_pos(s) < before,
	      "clicking the timing diagram: pos %zu (was %zu)", dv_sdl_pos(s), before);
	img = render(s, 1280, 720);
	SDL_FreeSurface(img);
	CHECK(dv_sdl_hit_rect(s, "button:next", &r), "no next button in the presentation layout");
	dv_scene_finish(&sc);
	dv_present_finish(&p);
	dv_session_close(ss);
	dv_sdl_close(s);
	/* snapshot's PNG, in the test's working directory as test_png's. */
	const char *png = "test-sdl-snapshot.png";
	struct dv_sdl_options po = { .present = true, .ungated = true };
	CHECK(dv_sdl_snapshot(path, &po, 3, 2, 640, 360, png, err, sizeof err),
	      "snapshot's PNG: %s", err);
	FILE *f = fopen(png, "rb");
	unsigned char sig[8] = { 0 };
	CHECK(f && fread(sig, 1, 8, f) == 8 && !memcmp(sig, "\x89PNG\r\n\x1a\n", 8),
	      "%s is not a PNG", png);
	if (f)
		fclose(f);
	remove(png);
	CHECK(!dv_sdl_snapshot(path, &po, 99, 0, 640, 360, png, err, sizeof err) &&
	              strstr(err, "no step 99"),
	      "snapshot of step 99: '%s'", err);
}

/* A learner's walk: j stops at the first question and stays there; a wrong answer can be tried
 * again; a right one opens the gate; s skips; playing stops at a question too. */
static void test_ask(void)
{
	struct dv_sdl *s = open_lesson("03-send.lesson");
	if (!s)
		return;
	for (int i = 0; i < 50 && !strstr(dv_sdl_status(s), "question"); i++)
		dv_sdl_key(s, SDLK_j, 0);
	CHECK(strstr(dv_sdl_status(s), "question") != NULL, "j never stopped at a question: '%s'",
	      dv_sdl_status(s));
	/* The toast that says so lies in the control row, beside the timeline: it covers none
	 * of the question above (it was drawn over the narration's last lines). */
	SDL_FreeSurface(render(s, W, H));
	SDL_Rect st, play, tl;
	CHECK(dv_sdl_hit_rect(s, "status", &st), "the gate's message is not drawn");
	CHECK(dv_sdl_hit_rect(s, "button:play", &play) && st.y >= play.y &&
	              st.y + st.h <= play.y + play.h && st.x + st.w <= W,
	      "the toast (y %d-%d) is not in the control row (y %d-%d)", st.y, st.y + st.h, play.y,
	      play.y + play.h);
	CHECK(!dv_sdl_hit_rect(s, "timeline", &tl) || !SDL_HasIntersection(&st, &tl),
	      "the toast covers the timeline");
	size_t at = dv_sdl_pos(s);
	unsigned step = dv_sdl_step(s);
	dv_sdl_key(s, SDLK_j, 0);
	dv_sdl_key(s, SDLK_END, 0);
	CHECK(dv_sdl_pos(s) == at && dv_sdl_step(s) == step,
	      "j and End went past the question (%zu -> %zu)", at, dv_sdl_pos(s));
	SDL_Rect r;
	SDL_FreeSurface(render(s, W, H));
	CHECK(dv_sdl_hit_rect(s, "button:next", &r), "no next button");
	dv_sdl_click(s, r.x + r.w / 2, r.y + r.h / 2);
	CHECK(dv_sdl_pos(s) == at, "the next button went past the question");
	dv_sdl_key(s, SDLK_h, 0);
	CHECK(strstr(dv_sdl_status(s), "hint 1") != NULL, "h shows no hint: '%s'",
	      dv_sdl_status(s));
	dv_sdl_key(s, SDLK_a, 0);
	dv_sdl_text(s, "0x77");
	dv_sdl_key(s, SDLK_RETURN, 0);
	CHECK(strstr(dv_sdl_status(s), "Try again") != NULL, "a wrong answer: '%s'",
	      dv_sdl_status(s));
	dv_sdl_key(s, SDLK_j, 0);
	CHECK(dv_sdl_pos(s) == at, "a wrong answer opened the gate");
	dv_sdl_key(s, SDLK_a, 0);
	dv_sdl_text(s, "09h"); /* the mode byte, 0x09, written as a data sheet does */
	dv_sdl_key(s, SDLK_RETURN, 0);
	CHECK(!strncmp(dv_sdl_status(s), "Right!", 6), "answering 09h: '%s'", dv_sdl_status(s));
	dv_sdl_key(s, SDLK_a, 0);
	CHECK(strstr(dv_sdl_status(s), "lready answered") != NULL, "a second answer: '%s'",
	      dv_sdl_status(s));
	/* The next question of the step, then skip it. */
	dv_sdl_key(s, SDLK_j, 0);
	CHECK(strstr(dv_sdl_status(s), "question") != NULL, "the step's second question: '%s'",
	      dv_sdl_status(s));
	at = dv_sdl_pos(s);
	dv_sdl_key(s, SDLK_s, 0);
	CHECK(strstr(dv_sdl_status(s), "Skipped") != NULL, "s does not skip: '%s'",
	      dv_sdl_status(s));
	dv_sdl_key(s, SDLK_j, 0);
	CHECK(dv_sdl_pos(s) > at, "after a skip j does not go on");
	dv_sdl_close(s);

	/* r t: run until the terminal count, which lies past the step's question: held there. */
	s = open_lesson("03-send.lesson");
	if (!s)
		return;
	for (int i = 0; i < 3; i++)
		dv_sdl_key(s, SDLK_j, 0);
	size_t q = dv_sdl_pos(s);
	dv_sdl_key(s, SDLK_r, 0);
	dv_sdl_key(s, SDLK_t, 0);
	CHECK(dv_sdl_pos(s) == q && strstr(dv_sdl_status(s), "question"),
	      "run until passed a question: '%s'", dv_sdl_status(s));
	dv_sdl_close(s);
	s = open_shot("03-send.lesson");
	if (!s)
		return;
	dv_sdl_key(s, SDLK_r, 0);
	dv_sdl_key(s, SDLK_t, 0);
	CHECK(strstr(dv_sdl_status(s), "ran until the terminal count") != NULL, "r t: '%s'",
	      dv_sdl_status(s));
	dv_sdl_close(s);

	/* Playing from the start stops at the first question. */
	s = open_lesson("03-send.lesson");
	if (!s)
		return;
	for (int i = 0; i < 20; i++)
		dv_sdl_key(s, SDLK_PLUS, 0);
	for (int k = 0; k < 20 && !strstr(dv_sdl_status(s), "question"); k++) {
		dv_sdl_play(s, true);
		for (unsigned ticks = 0; dv_sdl_playing(s) && ticks < 100000; ticks++)
			dv_sdl_tick(s, 16);
	}
	CHECK(strstr(dv_sdl_status(s), "question") != NULL,
	      "playing never stopped at a question: '%s'", dv_sdl_status(s));
	at = dv_sdl_pos(s);
	dv_sdl_play(s, true);
	dv_sdl_tick(s, 1000);
	CHECK(dv_sdl_pos(s) == at, "playing went on past the question");
	dv_sdl_close(s);
}

/* ---- the wires follow the lesson's channel ----------------------------------------------------- */

/* Does the wire named name (its hit rectangle) look different in a and b? The column just right
 * of the wire's start: no label text there, only the wire. */
static bool wire_differs(SDL_Surface *a, SDL_Surface *b, SDL_Rect r)
{
	for (int y = r.y; y < r.y + r.h && y < a->h && y < b->h; y++)
		if (pixel(a, r.x + 3, y) != pixel(b, r.x + 3, y))
			return true;
	return false;
}

/* 14-16bit sends on channel 5: DREQ5 and DACK5 light while the frame moves (the 8-channel DREQ
 * and DACK bits were tested with channel 5's bit on its chip, bit 1, so they never lit). */
static void test_wires_follow_the_channel(void)
{
	struct dv_sdl *s = open_shot("14-16bit.lesson");
	if (!s)
		return;
	static const char *const wires[] = { "wire:\xe2\x86\x90 DREQ5", "wire:DACK5 \xe2\x86\x92" };
	CHECK(dv_sdl_goto_step(s, 1), "14-16bit has a step 1");
	SDL_Surface *idle = render(s, W, H);
	CHECK(dv_sdl_goto_step(s, 3), "14-16bit has a step 3");
	SDL_Surface *busy = render(s, W, H);
	for (size_t i = 0; idle && busy && i < sizeof wires / sizeof wires[0]; i++) {
		SDL_Rect r;
		CHECK(dv_sdl_hit_rect(s, wires[i], &r), "14-16bit step 3: no %s", wires[i] + 5);
		if (dv_sdl_hit_rect(s, wires[i], &r))
			CHECK(wire_differs(idle, busy, r),
			      "14-16bit step 3: %s is not lit while the frame moved", wires[i] + 5);
	}
	SDL_FreeSurface(idle);
	SDL_FreeSurface(busy);
	dv_sdl_close(s);
}

/* The colour in the middle of a stub from box hit "reg:NAME.0" down to the bus. */
static uint32_t stub_pixel(struct dv_sdl *s, SDL_Surface *img, const char *reg)
{
	SDL_Rect box, bus;
	if (!img || !dv_sdl_hit_rect(s, reg, &box) || !dv_sdl_hit_rect(s, "bus", &bus))
		return 0;
	return pixel(img, box.x + box.w / 2, bus.y - 2);
}

/* 12-modes moves bytes on channel 2, where no device is: the DREQ/DACK wires are the NIC's
 * (channel 1), the NIC's bus stub stays dark, and the 8237A box says channel 2 has no device.
 * 03-send's channel 1 is the NIC's: its bytes light the card's stub. */
static void test_devices_only_on_their_channel(void)
{
	struct dv_sdl *s = open_shot("12-modes.lesson");
	if (!s)
		return;
	CHECK(dv_sdl_goto_step(s, 1), "12-modes has a step 1");
	SDL_Surface *img = render(s, W, H);
	CHECK(dv_sdl_hit_rect(s, "wire:\xe2\x86\x90 DREQ1", NULL) &&
	              dv_sdl_hit_rect(s, "wire:DACK1 \xe2\x86\x92", NULL),
	      "12-modes: the NIC's wires are not DREQ1/DACK1");
	CHECK(!dv_sdl_hit_rect(s, "wire:\xe2\x86\x90 DREQ2", NULL) &&
	              !dv_sdl_hit_rect(s, "wire:DACK2 \xe2\x86\x92", NULL),
	      "12-modes: a DREQ2/DACK2 wire is drawn to the NIC, which is on channel 1");
	CHECK(dv_sdl_hit_rect(s, "reg:dma.6", NULL),
	      "12-modes: the 8237A box does not say channel 2 has no device");
	uint32_t idle = stub_pixel(s, img, "reg:cpu.0"), card = stub_pixel(s, img, "reg:nic.0");
	CHECK(idle && card == idle, "12-modes: the NIC's bus stub is lit (0x%06x, idle 0x%06x)",
	      card, idle);
	SDL_FreeSurface(img);
	dv_sdl_close(s);

	s = open_shot("03-send.lesson");
	if (!s)
		return;
	CHECK(dv_sdl_goto_step(s, 3), "03-send has a step 3");
	img = render(s, W, H);
	CHECK(!dv_sdl_hit_rect(s, "reg:dma.6", NULL),
	      "03-send: a no-device line on the NIC's channel");
	idle = stub_pixel(s, img, "reg:cpu.0");
	card = stub_pixel(s, img, "reg:nic.0");
	CHECK(idle && card != idle,
	      "03-send step 3: the NIC's bus stub is dark while it took bytes");
	SDL_FreeSurface(img);
	dv_sdl_close(s);
}

/* ---- the second cue: thick and solid, thick and dashed, thin and dashed ------------------------- */

static uint32_t rgb(const struct dv_theme *th, int wc)
{
	return (uint32_t)th->win[wc].r << 16 | (uint32_t)th->win[wc].g << 8 | th->win[wc].b;
}

/* Along signal wire name (its hit rectangle; the line lies 4u above its bottom, u = 2 at 720
 * lines): how many dashes of colour c, and how thick the first one is. */
static void wire_shape(struct dv_sdl *s, SDL_Surface *img, const char *name, uint32_t c,
                       int *dashes, int *thick)
{
	SDL_Rect r;
	*dashes = *thick = 0;
	if (!img || !dv_sdl_hit_rect(s, name, &r))
		return;
	int y = r.y + r.h - 8, first = -1;
	bool in = false;
	for (int x = r.x + 1; x < r.x + r.w - 1; x++) {
		bool on = pixel(img, x, y) == c;
		if (on && !in) {
			(*dashes)++;
			if (first < 0)
				first = x;
		}
		in = on;
	}
	if (first < 0)
		return;
	int top = y, bottom = y;
	while (top > 0 && pixel(img, first, top - 1) == c)
		top--;
	while (bottom + 1 < img->h && pixel(img, first, bottom + 1) == c)
		bottom++;
	*thick = bottom - top + 1;
}

/* A signal's level shows in the line as well as the colour, and a legend names the cues. */
static void test_wire_cues(void)
{
	const struct dv_theme *th = dv_theme_builtin();
	uint32_t on = rgb(th, DV_WC_wire_on), pulse = rgb(th, DV_WC_wire_pulse),
	         off = rgb(th, DV_WC_wire_off);
	int dashes, thick;
	struct dv_sdl *s = open_shot("03-send.lesson");
	if (!s)
		return;
	/* Step 1: TC is low, thin and dashed; the legend is on screen, clear of the boxes. */
	dv_sdl_goto_step(s, 1);
	SDL_Surface *img = render(s, W, H);
	wire_shape(s, img, "wire:TC \xe2\x86\x92", off, &dashes, &thick);
	CHECK(dashes >= 4 && thick > 0 && thick <= 5, "a low wire: %d dashes, %d px thick", dashes,
	      thick);
	SDL_Rect leg, box;
	CHECK(dv_sdl_hit_rect(s, "legend", &leg) && leg.x >= 0 && leg.y >= 0 &&
	              leg.x + leg.w <= W && dv_sdl_hit_rect(s, "box:dma", &box) &&
	              !SDL_HasIntersection(&leg, &box) && leg.y + leg.h <= box.y,
	      "no legend of the wires, or it overlaps the 8237A");
	SDL_FreeSurface(img);
	/* Step 3: HLDA rose and fell in the step: thick and dashed. */
	dv_sdl_goto_step(s, 3);
	img = render(s, W, H);
	wire_shape(s, img, "wire:HLDA \xe2\x86\x92", pulse, &dashes, &thick);
	CHECK(dashes >= 3 && thick >= 10, "a wire high during the move: %d dashes, %d px thick",
	      dashes, thick);
	SDL_FreeSurface(img);
	dv_sdl_close(s);
	/* Playing single mode: HRQ high now (the CPU's cycle between transfers) is solid. */
	s = open_shot("12-modes.lesson");
	if (!s)
		return;
	CHECK(dv_sdl_play_step(s, 1), "12-modes: play step 1");
	bool seen = false;
	for (int i = 0; i < 400 && !seen && dv_sdl_playing(s); i++) {
		dv_sdl_tick(s, 100);
		img = render(s, W, H);
		wire_shape(s, img, "wire:HRQ \xe2\x86\x90", on, &dashes, &thick);
		seen = dashes > 0;
		if (seen)
			CHECK(dashes == 1 && thick >= 10,
			      "HRQ high now: %d dashes, %d px thick (solid and thick)", dashes,
			      thick);
		SDL_FreeSurface(img);
	}
	CHECK(seen, "12-modes: HRQ never drawn high while single mode played");
	dv_sdl_close(s);
}

/* ---- the memory box: its title, bars and hex rows describe one buffer ------------------------- */

/* At the end of every step of every lesson that sets up an NDIS transfer, the hex rows lie in
 * the NDIS_BUFFER the box's title names, or in the bounce buffer drawn under it (they showed
 * the last transfer of an earlier Setup under the title of the newest one). */
static void test_memory_rows_match_the_buffer(void)
{
	static const char *const lessons[] = {
		"03-send.lesson",     "04-receive.lesson",  "05-staging.lesson",  "06-busy.lesson",
		"07-subrange.lesson", "08-64k.lesson",      "09-above16m.lesson", "10-flush.lesson",
		"11-residue.lesson",  "13-autoinit.lesson", "14-16bit.lesson"
	};
	for (size_t li = 0; li < sizeof lessons / sizeof lessons[0]; li++) {
		struct dv_sdl *s = open_shot(lessons[li]);
		if (!s)
			continue;
		for (unsigned n = 1; n < 20 && dv_sdl_goto_step(s, n); n++) {
			SDL_Surface *img = render(s, W, H);
			SDL_FreeSurface(img);
			if (!dv_sdl_hit_rect(s, "buffer", NULL))
				continue; /* no Setup yet: no buffer to agree with */
			bool agree = dv_sdl_hit_rect(s, "memrow:subrange", NULL) ||
			             dv_sdl_hit_rect(s, "memrow:buffer", NULL) ||
			             dv_sdl_hit_rect(s, "memrow:bounce", NULL);
			CHECK(agree,
			      "%s step %u: the hex rows are not in the buffer the memory box names",
			      lessons[li], n);
		}
		dv_sdl_close(s);
	}
}

/* ---- overlays: the rule's explanation, help, the quit question ---------------------------------- */

/* Renders and says whether the last draw put overlay name ("overlay:explain", ...) on screen. */
static bool shows(struct dv_sdl *s, const char *name)
{
	SDL_FreeSurface(render(s, W, H));
	return dv_sdl_hit_rect(s, name, NULL);
}

static void test_overlays(void)
{
	struct dv_sdl *s = open_shot("06-busy.lesson");
	if (!s)
		return;
	/* Step 2: NdisMSetupDmaTransfer on the busy channel fires dma-busy. */
	CHECK(dv_sdl_goto_step(s, 2), "06-busy has a step 2");
	SDL_Surface *plain = render(s, W, H);
	CHECK(dv_sdl_key(s, SDLK_e, 0), "e quits");
	SDL_Surface *img = render(s, W, H);
	SDL_Rect box;
	CHECK(dv_sdl_hit_rect(s, "overlay:explain", &box), "e draws no explanation");
	CHECK(plain && img && hash_of(plain) != hash_of(img), "e changes nothing on screen");
	/* The rule's title is drawn in the box: its pixels differ from the plain picture's. */
	if (plain && img && dv_sdl_hit_rect(s, "overlay:explain", &box)) {
		size_t differ = 0;
		for (int y = box.y; y < box.y + box.h; y += 3)
			for (int x = box.x; x < box.x + box.w; x += 3)
				differ += pixel(plain, x, y) != pixel(img, x, y);
		CHECK(differ > 1000, "the explanation's box is (nearly) empty: %zu pixels differ",
		      differ);
	}
	SDL_FreeSurface(plain);
	SDL_FreeSurface(img);
	/* e closes it again; Esc closes it without asking to quit; a click closes it. */
	CHECK(dv_sdl_key(s, SDLK_e, 0) && !shows(s, "overlay:explain"), "a second e keeps it");
	dv_sdl_key(s, SDLK_e, 0);
	CHECK(dv_sdl_key(s, SDLK_ESCAPE, 0) && !shows(s, "overlay:explain") &&
	              !dv_sdl_hit_rect(s, "overlay:quit", NULL),
	      "Esc over the explanation: it stays, or the window asks to quit");
	dv_sdl_key(s, SDLK_e, 0);
	CHECK(shows(s, "overlay:explain"), "e after Esc draws nothing");
	dv_sdl_click(s, 5, 5);
	CHECK(!shows(s, "overlay:explain"), "a click leaves the explanation open");
	/* Another key closes it and is not swallowed: j moves on. */
	dv_sdl_key(s, SDLK_e, 0);
	size_t at = dv_sdl_pos(s);
	dv_sdl_key(s, SDLK_j, 0);
	CHECK(dv_sdl_pos(s) != at && !shows(s, "overlay:explain"),
	      "j over the explanation was swallowed (pos %zu -> %zu)", at, dv_sdl_pos(s));

	/* o shows the output table (this lesson has none: it says so); o and Esc close it
	 * without asking to quit; another key closes it and does its work. */
	dv_sdl_key(s, SDLK_o, 0);
	CHECK(shows(s, "overlay:output"), "o draws no output table");
	CHECK(dv_sdl_key(s, SDLK_o, 0) && !shows(s, "overlay:output"), "a second o keeps it");
	dv_sdl_key(s, SDLK_o, 0);
	CHECK(dv_sdl_key(s, SDLK_ESCAPE, 0) && !shows(s, "overlay:output") &&
	              !dv_sdl_hit_rect(s, "overlay:quit", NULL),
	      "Esc over the output table: it stays, or the window asks to quit");
	dv_sdl_key(s, SDLK_o, 0);
	dv_sdl_key(s, SDLK_UP, 0); /* scrolls (nothing to scroll here); the table stays */
	CHECK(shows(s, "overlay:output"), "Up closed the output table");
	dv_sdl_key(s, SDLK_j, 0); /* j scrolls too */
	CHECK(shows(s, "overlay:output"), "j closed the output table");
	at = dv_sdl_pos(s);
	dv_sdl_key(s, SDLK_g, 0);
	CHECK(!shows(s, "overlay:output") && dv_sdl_pos(s) != at,
	      "g over the output table was swallowed (pos %zu -> %zu)", at, dv_sdl_pos(s));
	dv_sdl_key(s, SDLK_o, 0);
	dv_sdl_click(s, 5, 5);
	CHECK(!shows(s, "overlay:output"), "a click leaves the output table open");

	/* ? lists e, and Esc closes help without asking to quit. */
	char help[4096];
	dv_keymap_help(DV_FRONT_SDL, help, sizeof help);
	CHECK(strstr(help, "\ne ") != NULL, "the window's help does not list e");
	CHECK(strstr(help, "\nEsc ") != NULL, "the window's help does not list Esc");
	dv_sdl_key(s, SDLK_QUESTION, 0);
	CHECK(shows(s, "overlay:help"), "? draws no help");
	CHECK(dv_sdl_key(s, SDLK_ESCAPE, 0) && !shows(s, "overlay:help") &&
	              !dv_sdl_hit_rect(s, "overlay:quit", NULL),
	      "Esc over help: help stays, or the window asks to quit");

	/* Esc with nothing open asks; n, another key or a click goes back; y and Enter quit. */
	CHECK(dv_sdl_key(s, SDLK_ESCAPE, 0), "Esc quits at once");
	CHECK(shows(s, "overlay:quit"), "Esc draws no quit question");
	CHECK(dv_sdl_key(s, SDLK_n, 0) && !shows(s, "overlay:quit"), "n does not go back");
	at = dv_sdl_pos(s);
	dv_sdl_key(s, SDLK_ESCAPE, 0);
	CHECK(dv_sdl_key(s, SDLK_k, 0) && dv_sdl_pos(s) == at && !shows(s, "overlay:quit"),
	      "a key that cancels the question also acted");
	dv_sdl_key(s, SDLK_ESCAPE, 0);
	dv_sdl_click(s, 5, 5);
	CHECK(!shows(s, "overlay:quit"), "a click leaves the quit question");
	dv_sdl_key(s, SDLK_ESCAPE, 0);
	CHECK(!dv_sdl_key(s, SDLK_y, 0), "Esc y does not quit");
	dv_sdl_key(s, SDLK_ESCAPE, 0);
	CHECK(!dv_sdl_key(s, SDLK_RETURN, 0), "Esc Enter does not quit");
	CHECK(!dv_sdl_key(s, SDLK_q, 0), "q no longer quits at once");
	dv_sdl_close(s);

	/* Before any rule fired, e says so and opens nothing. */
	s = open_shot("03-send.lesson");
	if (!s)
		return;
	dv_sdl_goto_step(s, 1);
	dv_sdl_key(s, SDLK_e, 0);
	CHECK(!shows(s, "overlay:explain") && strstr(dv_sdl_status(s), "no verifier rule"),
	      "e with no rule fired: '%s'", dv_sdl_status(s));
	dv_sdl_close(s);
}

/* ] and [ walk the course in file-name order. */
static void test_lessons(void)
{
	struct dv_sdl *s = open_lesson("03-send.lesson");
	if (!s)
		return;
	dv_sdl_key(s, SDLK_RIGHTBRACKET, 0);
	CHECK(!strcmp(dv_sdl_lesson_id(s), "receive"), "] from 03-send: %s", dv_sdl_lesson_id(s));
	dv_sdl_key(s, SDLK_LEFTBRACKET, 0);
	dv_sdl_key(s, SDLK_LEFTBRACKET, 0);
	CHECK(!strcmp(dv_sdl_lesson_id(s), "register"), "[ [ from 04-receive: %s",
	      dv_sdl_lesson_id(s));
	dv_sdl_key(s, SDLK_LEFTBRACKET, 0);
	dv_sdl_key(s, SDLK_LEFTBRACKET, 0);
	CHECK(!strcmp(dv_sdl_lesson_id(s), "tour") && strstr(dv_sdl_status(s), "first lesson"),
	      "[ before the first lesson: %s, '%s'", dv_sdl_lesson_id(s), dv_sdl_status(s));
	SDL_Surface *img = render(s, W, H);
	CHECK(img && colours(img) > 8, "the tour renders blank");
	SDL_FreeSurface(img);
	dv_sdl_close(s);
}

/* A theme file paints the window (its background), the c key switches to high contrast and
 * back to it; the icon loads from the data folder. */
static void test_theme_files_and_icon(void)
{
	char path[4096], err[1024];
	struct dv_theme light;
	CHECK(dv_theme_load(&light, "light", err, sizeof err), "light theme: %s", err);
	snprintf(path, sizeof path, "%s/03-send.lesson", dir);
	struct dv_sdl_options o = { .ungated = true, .theme = &light };
	struct dv_sdl *s = dv_sdl_open(path, &o, err, sizeof err);
	CHECK(s != NULL, "open with the light theme: %s", err);
	if (!s)
		return;
	uint32_t bg = (uint32_t)light.win[DV_WC_bg].r << 16 | (uint32_t)light.win[DV_WC_bg].g << 8 |
	              light.win[DV_WC_bg].b;
	SDL_Surface *a = render(s, W, H);
	dv_sdl_key(s, SDLK_c, 0);
	SDL_Surface *b = render(s, W, H);
	dv_sdl_key(s, SDLK_c, 0);
	SDL_Surface *c = render(s, W, H);
	CHECK(a && pixel(a, 2, 2) == bg, "light theme: background %06x, not %06x",
	      a ? pixel(a, 2, 2) : 0, bg);
	CHECK(b && pixel(b, 2, 2) == 0, "light theme, c: the background is not black");
	CHECK(c && pixel(c, 2, 2) == bg && !strcmp(dv_sdl_status(s), "light theme"),
	      "c twice: '%s', not back to the light theme", dv_sdl_status(s));
	SDL_FreeSurface(a);
	SDL_FreeSurface(b);
	SDL_FreeSurface(c);
	dv_sdl_close(s);
	SDL_Surface *icon = dv_sdl_icon();
	CHECK(icon && icon->w == 64 && icon->h == 64, "the icon: %s",
	      icon ? "not 64x64" : SDL_GetError());
	SDL_FreeSurface(icon);
}

static void test_themes_and_sizes(void)
{
	struct dv_sdl *s = open_shot("03-send.lesson");
	if (!s)
		return;
	dv_sdl_goto_step(s, 3);
	SDL_Surface *a = render(s, W, H);
	SDL_Rect dark_sub;
	dv_sdl_hit_rect(s, "subrange", &dark_sub);
	dv_sdl_key(s, SDLK_c, 0);
	SDL_Surface *b = render(s, W, H);
	CHECK(a && b && pixel(a, 2, 2) != 0 && pixel(b, 2, 2) == 0,
	      "high contrast: the background is not black");
	dv_sdl_key(s, SDLK_l, KMOD_LSHIFT);
	SDL_Surface *c = render(s, W, H);
	CHECK(b && c && hash_of(b) != hash_of(c), "large text changes nothing");
	SDL_Rect big_btn, small_btn;
	CHECK(dv_sdl_hit_rect(s, "button:play", &big_btn), "large text: no play button");
	dv_sdl_key(s, SDLK_l, 0);
	SDL_FreeSurface(render(s, W, H));
	CHECK(dv_sdl_hit_rect(s, "button:play", &small_btn) && big_btn.h > small_btn.h,
	      "large text: the button is %d px high, normal %d", big_btn.h, small_btn.h);
	SDL_FreeSurface(a);
	SDL_FreeSurface(b);
	SDL_FreeSurface(c);
	/* Other window sizes: every hit lies inside the output, and a projector's 1920x1080
	 * scales the text up. */
	static const int sizes[][2] = { { 1920, 1080 }, { 800, 600 }, { 640, 360 }, { 3840, 2160 } };
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		SDL_Surface *img = render(s, sizes[i][0], sizes[i][1]);
		CHECK(img && colours(img) > 6, "%dx%d: blank", sizes[i][0], sizes[i][1]);
		SDL_Rect r;
		CHECK(dv_sdl_hit_rect(s, "button:play", &r) && r.x >= 0 && r.y >= 0 &&
		              r.x + r.w <= sizes[i][0] && r.y + r.h <= sizes[i][1],
		      "%dx%d: the play button lies outside", sizes[i][0], sizes[i][1]);
		if (i == 0)
			CHECK(r.h > small_btn.h,
			      "1920x1080: text does not scale (button %d px, %d at 720)", r.h,
			      small_btn.h);
		SDL_FreeSurface(img);
	}
	dv_sdl_close(s);
}

static void test_png(void)
{
	struct dv_sdl *s = open_shot("03-send.lesson");
	if (!s)
		return;
	char err[512];
	const char *file = "test-sdl-shot.png";
	CHECK(dv_sdl_screenshot(s, 640, 360, file, err, sizeof err), "PNG screenshot: %s", err);
	FILE *f = fopen(file, "rb");
	unsigned char sig[8] = { 0 };
	CHECK(f && fread(sig, 1, 8, f) == 8 && !memcmp(sig, "\x89PNG\r\n\x1a\n", 8),
	      "%s is not a PNG", file);
	if (f)
		fclose(f);
	remove(file);
	CHECK(!dv_sdl_screenshot(s, 640, 360, "/nonexistent-dir/x.png", err, sizeof err) && err[0],
	      "a screenshot into a missing folder must fail with a message");
	dv_sdl_close(s);
}

/* ---- the image hashes --------------------------------------------------------------------------- */

struct shot {
	unsigned step;
	SDL_Surface *surf;
	uint64_t hash;
};

static void test_hashes(const char *hashes)
{
	struct dv_sdl *s = open_shot("03-send.lesson");
	if (!s)
		return;
	/* Step 1: the channel waits for DREQ (no transfer); step 3: the bytes moved, and the
	 * channel ends masked at TC. */
	struct shot shots[2] = { { 1, NULL, 0 }, { 3, NULL, 0 } };
	for (int i = 0; i < 2; i++) {
		CHECK(dv_sdl_goto_step(s, shots[i].step), "step %u", shots[i].step);
		shots[i].surf = render(s, W, H);
		CHECK(shots[i].surf != NULL, "render step %u: %s", shots[i].step, SDL_GetError());
		if (!shots[i].surf)
			return;
		shots[i].hash = hash_of(shots[i].surf);
		CHECK(colours(shots[i].surf) > 8, "step %u: the image is (nearly) blank",
		      shots[i].step);
	}
	CHECK(shots[0].hash != shots[1].hash, "steps 1 and 3 render the same image");
	/* Inside the 8237A box, below its text: the fill says waiting or transferring. */
	SDL_Rect box;
	CHECK(dv_sdl_hit_rect(s, "box:dma", &box), "no 8237A box");
	int px = box.x + box.w - 12, py = box.y + box.h - 10;
	uint32_t a = pixel(shots[0].surf, px, py), b = pixel(shots[1].surf, px, py);
	CHECK(a != b, "the 8237A box looks the same waiting (0x%06x) and transferring (0x%06x)", a,
	      b);
	CHECK(((b >> 8) & 0xFF) > ((b >> 16) & 0xFF),
	      "transferring: the 8237A box is not green (0x%06x)", b);

	char want[2][128] = { "", "" };
	FILE *f = fopen(hashes, "r");
	char line[256];
	while (f && fgets(line, sizeof line, f)) {
		unsigned st;
		char hex[64];
		if (line[0] == '#' || sscanf(line, "step %u %63s", &st, hex) != 2)
			continue;
		for (int i = 0; i < 2; i++)
			if (st == shots[i].step)
				snprintf(want[i], sizeof want[i], "%s", hex);
	}
	if (f)
		fclose(f);
	const char *regen = getenv("DV_REGEN");
	if (regen && *regen && strcmp(regen, "0")) {
		f = fopen(hashes, "w");
		CHECK(f != NULL, "cannot write %s", hashes);
		if (f) {
			fprintf(f,
			        "# FNV-1a 64 of the RGB pixels of `dmaviz gui` renders of 03-send at 1280x720.\n"
			        "# DV_REGEN=1 meson test -C build --suite sdl rewrites this file.\n");
			for (int i = 0; i < 2; i++)
				fprintf(f, "step %u %016llx\n", shots[i].step,
				        (unsigned long long)shots[i].hash);
			fclose(f);
			printf("rewrote %s\n", hashes);
		}
	} else {
		for (int i = 0; i < 2; i++) {
			char got[32];
			snprintf(got, sizeof got, "%016llx", (unsigned long long)shots[i].hash);
			CHECK(!strcmp(got, want[i]),
			      "step %u: hash %s, %s has %s (DV_REGEN=1 rewrites it; "
			      "look at a screenshot first)",
			      shots[i].step, got, hashes, want[i][0] ? want[i] : "none");
			if (strcmp(got, want[i])) {
				char path[64];
				snprintf(path, sizeof path, "test-sdl-step%u.bmp", shots[i].step);
				if (SDL_SaveBMP(shots[i].surf, path) == 0)
					fprintf(stderr, "  the render is in %s\n", path);
			}
		}
	}
	for (int i = 0; i < 2; i++)
		SDL_FreeSurface(shots[i].surf);
	dv_sdl_close(s);
}

/* ---- recordings ------------------------------------------------------------------------------- */

/* Writes the first half of file from into file to. */
static bool truncate_copy(const char *from, const char *to)
{
	size_t len = 0;
	char *bytes = dv_file_read(from, (size_t)64 << 20, &len);
	FILE *f = bytes ? fopen(to, "wb") : NULL;
	bool ok = f && fwrite(bytes, 1, len / 2, f) == len / 2;
	ok = f && fclose(f) == 0 && ok;
	free(bytes);
	return ok;
}

/* Does the recording's render equal its lesson's where both are now (path, at step n)? */
static void same_pixels(const char *path, struct dv_sdl *lesson, struct dv_sdl *rec, unsigned n)
{
	SDL_Surface *a = render(lesson, W, H), *b = render(rec, W, H);
	CHECK(a && b, "render %s step %u: %s", path, n, SDL_GetError());
	if (a && b) {
		CHECK(colours(b) > 8, "%s recorded, step %u: the image is (nearly) blank", path, n);
		CHECK(hash_of(a) == hash_of(b),
		      "%s step %u: the recording renders %016llx, its lesson %016llx", path, n,
		      (unsigned long long)hash_of(b), (unsigned long long)hash_of(a));
		if (hash_of(a) != hash_of(b) && SDL_SaveBMP(b, "test-sdl-rec.bmp") == 0)
			fprintf(stderr, "  the recording's render is in test-sdl-rec.bmp\n");
	}
	SDL_FreeSurface(a);
	SDL_FreeSurface(b);
}

/* The lesson at path recorded into run (dmaviz record's own code) and opened beside itself:
 * the same pixels at the first stop (o: as a learner opens it) or at every step (ungated). */
static void same_recorded(const char *path, const char *run, const struct dv_sdl_options *o)
{
	char err[1024] = "", *argv[] = { "record", (char *)path, "-o", (char *)run, NULL };
	CHECK(dv_cmd_record(4, argv) == 0, "dmaviz record %s failed", path);
	struct dv_sdl *a = dv_sdl_open(path, o, err, sizeof err);
	struct dv_sdl *b = a ? dv_sdl_open(run, o, err, sizeof err) : NULL;
	CHECK(b != NULL, "open %s's recording: %s", path, err);
	if (b && !o->ungated)
		same_pixels(path, a, b, dv_sdl_step(a));
	for (unsigned n = 1; b && o->ungated && dv_sdl_goto_step(a, n); n++) {
		CHECK(dv_sdl_goto_step(b, n), "%s's recording has no step %u", path, n);
		same_pixels(path, a, b, n);
	}
	dv_sdl_close(a);
	dv_sdl_close(b);
}

/* Every lesson recorded now: the window opens each recording and draws what the lesson draws at
 * every step (03-send at its first stop too); a truncated copy is refused with the file's name
 * and the reason, and nothing opens. */
static void test_recording(void)
{
	char tmp[] = "/tmp/dv-sdl-rec-XXXXXX", run[64], cut[64], err[1024] = "";
	CHECK(mkdtemp(tmp) != NULL, "mkdtemp");
	snprintf(run, sizeof run, "%s/run.dvr", tmp);
	snprintf(cut, sizeof cut, "%s/cut.dvr", tmp);
	struct dv_sdl_options gated = { 0 }, shot = { .ungated = true };
	size_t n = 0;
	char **v = dv_lessons_list(dir, &n);
	CHECK(n >= 14, "only %zu lessons in %s", n, dir);
	for (size_t i = 0; i < n; i++)
		same_recorded(v[i], run, &shot);
	dv_lessons_list_free(v, n);
	char send[4096];
	snprintf(send, sizeof send, "%s/03-send.lesson", dir);
	same_recorded(send, run, &gated);

	CHECK(truncate_copy(run, cut), "cannot write %s", cut);
	struct dv_sdl *b = dv_sdl_open(cut, &shot, err, sizeof err);
	CHECK(!b && strstr(err, cut) && strstr(err, "truncated"), "a truncated recording: %s, '%s'",
	      b ? "opened" : "refused", err);
	dv_sdl_close(b);
	remove(run);
	remove(cut);
	rmdir(tmp);
}

/* Every key the table names for the window is one the window reads (dv_sdl_key_name), with or
 * without shift. */
static void test_keymap(void)
{
	static const SDL_Keycode specials[] = {
		SDLK_SPACE,    SDLK_RETURN,       SDLK_KP_ENTER,    SDLK_TAB,       SDLK_ESCAPE,
		SDLK_UP,       SDLK_DOWN,         SDLK_LEFT,        SDLK_RIGHT,     SDLK_PAGEUP,
		SDLK_PAGEDOWN, SDLK_HOME,         SDLK_END,         SDLK_BACKSPACE, SDLK_F1,
		SDLK_F11,      SDLK_PRINTSCREEN,  SDLK_PERIOD,      SDLK_COMMA,     SDLK_PLUS,
		SDLK_KP_PLUS,  SDLK_EQUALS,       SDLK_MINUS,       SDLK_KP_MINUS,  SDLK_SLASH,
		SDLK_QUESTION, SDLK_RIGHTBRACKET, SDLK_LEFTBRACKET,
	};
	char names[200][16];
	size_t n = 0;
	for (int shift = 0; shift < 2; shift++) {
		Uint16 mod = shift ? KMOD_LSHIFT : 0;
		for (SDL_Keycode k = SDLK_a; k <= SDLK_z && n < 200; k++) {
			char buf[2];
			snprintf(names[n++], sizeof names[0], "%s", dv_sdl_key_name(k, mod, buf));
		}
		for (size_t i = 0; i < sizeof specials / sizeof specials[0] && n < 200; i++) {
			char buf[2];
			snprintf(names[n++], sizeof names[0], "%s",
			         dv_sdl_key_name(specials[i], mod, buf));
		}
	}
	for (size_t i = 0; i < dv_keymap_n; i++) {
		if (!(dv_keymap[i].fronts & DV_FRONT_SDL))
			continue;
		char keys[128];
		snprintf(keys, sizeof keys, "%s", dv_keymap[i].keys);
		for (char *k = strtok(keys, " "); k; k = strtok(NULL, " ")) {
			bool found = false;
			for (size_t j = 0; j < n && !found; j++)
				found = !strcmp(names[j], k);
			CHECK(found, "the key table's '%s' (%s) is no key the window reads", k,
			      dv_keymap[i].name);
		}
	}
}

/* The classic layout composed apart from the window (ui/app/classic.c with the shipped font's
 * fixed metrics, as `dmaviz snapshot --layout classic` does) is the scene the window painted:
 * the same items, kinds, colours, places and text. */
static void test_classic_scene_is_the_window(void)
{
	struct dv_sdl *s = open_shot("03-send.lesson");
	if (!s)
		return;
	CHECK(dv_sdl_goto_step(s, 3), "send has no step 3");
	SDL_Surface *img = render(s, 1280, 720);
	SDL_FreeSurface(img);
	const struct dv_scene *win = dv_sdl_scene(s);
	struct dv_scene_font a = dv_scene_font(win, 17), b;
	dv_scene_mono(NULL, 17, &b);
	CHECK(a.cw == b.cw && a.lh == b.lh, "the window's font is not the shipped one's measures");

	char path[4096], err[1024];
	snprintf(path, sizeof path, "%s/03-send.lesson", dir);
	struct dv_session_options so = { .ungated = true };
	struct dv_session *ss = dv_session_open(path, &so, err, sizeof err);
	int k = ss ? dv_present_step_index(ss, 3) : -1;
	CHECK(k >= 0 && dv_session_goto_step(ss, (unsigned)k, true) == DV_MOVE_OK,
	      "send step 3: %s", err); /* as dv_sdl_goto_step moves */
	if (!ss || k < 0) {
		dv_session_close(ss);
		dv_sdl_close(s);
		return;
	}
	struct dv_classic c;
	dv_classic_init(&c, ss);
	struct dv_play play;
	memset(&play, 0, sizeof play);
	struct dv_ui_state ui = {
		.ask = -1, .status = dv_sdl_status(s), .play = &play, .rate = DV_UI_DEFAULT_RATE
	};
	dv_classic_font_px(720, 0, &ui.px_small, &ui.px_big);
	struct dv_scene sc;
	dv_scene_init(&sc, dv_scene_mono, NULL);
	dv_scene_reset(&sc, 1280, 720);
	dv_classic_compose(&c, &ui, &sc);
	CHECK(sc.n == win->n && sc.nhit == win->nhit && sc.n > 300,
	      "the classic scene has %zu items and %zu hits, the window %zu and %zu", sc.n, sc.nhit,
	      win->n, win->nhit);
	size_t differ = 0;
	for (size_t i = 0; i < sc.n && i < win->n; i++) {
		const struct dv_sitem *p = &sc.item[i], *q = &win->item[i];
		bool same = p->kind == q->kind && p->color == q->color && p->x == q->x &&
		            p->y == q->y && p->w == q->w && p->h == q->h && p->len == q->len &&
		            (p->kind != DV_SI_TEXT ||
		             !memcmp(dv_sitem_text(&sc, p), dv_sitem_text(win, q), p->len));
		if (!same && differ++ < 3)
			CHECK(false,
			      "item %zu differs: '%.*s' at %d,%d %dx%d, the window's '%.*s' at "
			      "%d,%d %dx%d",
			      i, p->kind == DV_SI_TEXT ? (int)p->len : 0, dv_sitem_text(&sc, p),
			      p->x, p->y, p->w, p->h, q->kind == DV_SI_TEXT ? (int)q->len : 0,
			      dv_sitem_text(win, q), q->x, q->y, q->w, q->h);
	}
	dv_scene_finish(&sc);
	dv_classic_finish(&c);
	dv_session_close(ss);
	dv_sdl_close(s);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: test-sdl LESSONS-DIR HASHES\n");
		return 2;
	}
	dir = argv[1];
	if (SDL_Init(0) != 0) {
		fprintf(stderr, "FAIL: SDL_Init: %s\n", SDL_GetError());
		return 1;
	}
	test_keymap();
	test_subrange();
	test_play();
	test_demo();
	test_demo_pace();
	test_mouse();
	test_presentation();
	test_ask();
	test_lessons();
	test_overlays();
	test_wires_follow_the_channel();
	test_devices_only_on_their_channel();
	test_wire_cues();
	test_memory_rows_match_the_buffer();
	test_themes_and_sizes();
	test_theme_files_and_icon();
	test_png();
	test_classic_scene_is_the_window();
	test_hashes(argv[2]);
	test_recording();
	TTF_Quit();
	SDL_Quit();
	if (failures)
		fprintf(stderr, "%d check(s) failed\n", failures);
	else
		printf("ok: SDL2 mode, headless\n");
	return failures ? 1 : 0;
}

/* dmaviz: the SDL2 mode's lesson, keys, mouse, playing, the demo, screenshots and the window
 * loop. Drawing is in draw.c; what the panels say comes from the view (ui/view). */
#include "config.h"

#include "sdl_int.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <SDL_image.h>
#include <fontconfig/fontconfig.h>

#include "assets.h"
#include "files.h"
#include "keymap.h"
#include "play.h"
#include "progress.h"
#include "session.h"
#include "sim.h"

#ifndef DV_SOURCE_ROOT
#define DV_SOURCE_ROOT NULL /* where the reference miniport's source is looked up */
#endif

/* Moves a second (dv_view_play_next: a bus cycle, a port access or a call). */
const unsigned dv_sdl_speeds[] = { 1, 2, 5, 10, 25, 50, 100, 250, 1000, 5000 };
const size_t dv_sdl_nspeeds = sizeof dv_sdl_speeds / sizeof dv_sdl_speeds[0];

/* The speed a window starts at: DV_UI_DEFAULT_RATE (10 moves a second: each register write and
 * byte can be followed), the one `dmaviz snapshot --layout classic` shows. */
static unsigned default_speed(void)
{
	unsigned i = 0;
	while (i + 1 < dv_sdl_nspeeds && dv_sdl_speeds[i] < DV_UI_DEFAULT_RATE)
		i++;
	return i;
}

/* ---- fonts ---------------------------------------------------------------------------------- */

/* "Family" or "Family:bold" through fontconfig: the file, or false when the match is some
 * other family (fontconfig always answers with something). */
static bool find_font(const char *family, const char *style, char *out, size_t outlen)
{
	bool ok = false;
	char pattern[DV_ASSETS_ENTRY + 16];
	snprintf(pattern, sizeof pattern, "%s%s", family, style);
	FcPattern *pat = FcNameParse((const FcChar8 *)pattern);
	if (!pat)
		return false;
	FcConfigSubstitute(NULL, pat, FcMatchPattern);
	FcDefaultSubstitute(pat);
	FcResult res;
	FcPattern *m = FcFontMatch(NULL, pat, &res);
	if (m) {
		FcChar8 *file = NULL, *fam = NULL;
		if (FcPatternGetString(m, FC_FILE, 0, &file) == FcResultMatch &&
		    FcPatternGetString(m, FC_FAMILY, 0, &fam) == FcResultMatch &&
		    !strcmp((const char *)fam, family)) {
			snprintf(out, outlen, "%s", (const char *)file);
			ok = true;
		}
		FcPatternDestroy(m);
	}
	FcPatternDestroy(pat);
	return ok;
}

/* The first family of assets/fonts.list fontconfig has (its bold face, else the regular one
 * twice). Without the list file: DejaVu Sans Mono, the list's first entry. */
static bool find_fonts(struct dv_sdl *s, char *err, size_t errlen)
{
	char fam[8][DV_ASSETS_ENTRY] = { "DejaVu Sans Mono" }, list[4096];
	size_t n = 1, len;
	char *text = dv_assets_path("fonts.list", list, sizeof list) ?
	                     dv_file_read(list, 64 * 1024, &len) :
	                     NULL;
	if (text) {
		n = dv_assets_list(text, fam, sizeof fam / sizeof fam[0]);
		free(text);
	}
	bool ok = false;
	if (FcInit()) {
		for (size_t i = 0; i < n && !ok; i++)
			if (find_font(fam[i], "", s->font_path, sizeof s->font_path)) {
				if (!find_font(fam[i], ":bold", s->bold_path, sizeof s->bold_path))
					snprintf(s->bold_path, sizeof s->bold_path, "%s",
					         s->font_path);
				ok = true;
			}
		FcFini();
	}
	if (!ok)
		snprintf(err, errlen,
		         "no font: fontconfig finds none of the families in %s; install "
		         "the Debian package fonts-dejavu-core",
		         text ? list : "the font list (assets/fonts.list is missing)");
	return ok;
}

/* The two themes the window switches between: the chosen one and high contrast (the dark
 * default when that file cannot be read). */
static void sdl_theme(struct dv_sdl_theme *o, const struct dv_theme *t)
{
	snprintf(o->name, sizeof o->name, "%s", t->name);
#define DV_THEME_X(n)                                                                              \
	o->n = (SDL_Color){ t->win[DV_WC_##n].r, t->win[DV_WC_##n].g, t->win[DV_WC_##n].b, 255 };
	DV_THEME_WINDOW_COLORS(DV_THEME_X)
#undef DV_THEME_X
}

SDL_Surface *dv_sdl_icon(void)
{
	char path[4096];
	return dv_assets_path("icons/dmaviz-64.png", path, sizeof path) ? IMG_Load(path) : NULL;
}

static void font_close(struct dv_font *f)
{
	if (f->reg)
		TTF_CloseFont(f->reg);
	if (f->bold)
		TTF_CloseFont(f->bold);
	memset(f, 0, sizeof *f);
}

void dv_sdl_fonts_close(struct dv_sdl *s)
{
	font_close(&s->small);
	font_close(&s->big);
	for (size_t i = 0; i < sizeof s->extra / sizeof s->extra[0]; i++)
		font_close(&s->extra[i]);
	dv_sdl_text_cache_free(s);
	s->font_h = 0;
}

static bool font_open(struct dv_sdl *s, struct dv_font *f, int px)
{
	font_close(f);
	f->reg = TTF_OpenFont(s->font_path, px);
	f->bold = TTF_OpenFont(s->bold_path, px);
	if (!f->reg || !f->bold) {
		font_close(f);
		return false;
	}
	int minx, maxx, miny, maxy, adv = px / 2;
	TTF_GlyphMetrics(f->reg, 'M', &minx, &maxx, &miny, &maxy, &adv);
	f->px = px;
	f->cw = adv > 0 ? adv : 1;
	f->lh = TTF_FontLineSkip(f->reg);
	return true;
}

/* Text size follows the output height in pixels (so a HiDPI output gets more of them): 17 px
 * (boxes) and 23 px (narration) at 720 lines, the presentation layout's h/36 and h/30
 * (present.h); and never smaller than 9 points at the display's DPI (a small window on a
 * dense screen stays readable). */
bool dv_sdl_fonts_for(struct dv_sdl *s, int h)
{
	bool large = dv_sdl_presenting(s);
	if (s->font_h == h && s->font_large == large && s->small.reg)
		return true;
	/* Never below 9 points on the display (its DPI, when the window knows it), nor 8 px. */
	int sp, bp;
	dv_classic_font_px(h, s->min_px, &sp, &bp);
	if (large) { /* the presentation layout's sizes (present.h) */
		sp = dv_present_value_px(h);
		bp = dv_present_narr_px(h);
		dv_classic_font_floor(s->min_px, &sp, &bp);
	}
	if (!font_open(s, &s->small, sp) || !font_open(s, &s->big, bp))
		return false;
	s->font_h = h;
	s->font_large = large;
	return true;
}

/* The font of size px a scene's text uses: the window's two, else one of a few more opened on
 * demand (the slot px picks is reused when px changes). NULL when it cannot be opened. */
const struct dv_font *dv_sdl_font_px(struct dv_sdl *s, int px)
{
	if (s->small.reg && s->small.px == px)
		return &s->small;
	if (s->big.reg && s->big.px == px)
		return &s->big;
	size_t n = sizeof s->extra / sizeof s->extra[0];
	struct dv_font *f = &s->extra[(size_t)px % n];
	if (f->reg && f->px == px)
		return f;
	return font_open(s, f, px) ? f : NULL;
}

/* ---- the lesson ------------------------------------------------------------------------------- */

bool dv_sdl_presenting(const struct dv_sdl *s)
{
	return s->opt.present || s->opt.large || s->fullscreen;
}

bool dv_sdl_step_shown(const struct dv_sdl *s, unsigned k)
{
	return dv_session_step_shown(s->ss, k);
}

unsigned dv_sdl_rate(const struct dv_sdl *s)
{
	return dv_sdl_speeds[s->speed];
}

int dv_sdl_current_ask(const struct dv_sdl *s)
{
	/* The demo shows each question it reached: it stopped there to let the class think. */
	return s->opt.ungated && !s->demo ? -1 : dv_session_ask(s->ss);
}

/* The session's word on the last action, in the status line. */
static void take_msg(struct dv_sdl *s)
{
	if (s->ss->msg[0]) {
		snprintf(s->status, sizeof s->status, "%s", s->ss->msg);
		s->ss->msg[0] = '\0';
	}
}

bool dv_sdl_load(struct dv_sdl *s, const char *path, char *err, size_t errlen)
{
	struct dv_session_options so = { .driver_entry = s->opt.driver,
		                         .driver_path = s->opt.driver_path,
		                         .ungated = s->demo || s->opt.ungated };
	struct dv_session *ss = dv_session_open(path, &so, err, errlen);
	if (!ss)
		return false;
	dv_session_close(s->ss);
	s->ss = ss;
	s->present.ss = ss;
	s->classic.ss = ss;
	dv_narr_place_reset(&s->present.narr_at);
	s->present.facts_ss = NULL; /* a new session may stand where the old one did */
	if (s->progress && !s->demo)
		dv_session_set_progress(ss, s->progress);
	s->ss->msg[0] = '\0';
	s->input = s->playing = s->explain = s->output = s->ask_quit = false;
	dv_play_set(&s->play, false);
	dv_narr_place_reset(&s->classic.narr_at);
	return true;
}

const char *dv_sdl_lesson_id(const struct dv_sdl *s)
{
	return s->ss && s->ss->lesson->id ? s->ss->lesson->id : "";
}

void dv_sdl_set_progress(struct dv_sdl *s, struct dv_progress *p)
{
	s->progress = p;
	dv_session_set_progress(s->ss, p);
}

struct dv_sdl *dv_sdl_open(const char *path, const struct dv_sdl_options *o, char *err,
                           size_t errlen)
{
	struct dv_sdl *s = calloc(1, sizeof *s);
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (o)
		s->opt = *o;
	struct dv_theme contrast;
	char terr[600];
	dv_theme_load(&contrast, "high-contrast", terr, sizeof terr);
	sdl_theme(&s->themes[0], s->opt.theme ? s->opt.theme : dv_theme_builtin());
	sdl_theme(&s->themes[1], &contrast);
	if (!strcmp(s->themes[0].name, s->themes[1].name)) /* chosen high contrast: c gives dark */
		sdl_theme(&s->themes[1], dv_theme_builtin());
	s->th = &s->themes[s->opt.contrast];
	s->speed = default_speed();
	s->hover = -1;
	dv_scene_init(&s->scene, dv_sdl_metrics, s);
	dv_present_init(&s->present, NULL);
	dv_classic_init(&s->classic, NULL);
	const char *env = getenv("DMAVIZ_FONT");
	if (env && *env) {
		snprintf(s->font_path, sizeof s->font_path, "%s", env);
		snprintf(s->bold_path, sizeof s->bold_path, "%s", env);
	} else if (!find_fonts(s, err, errlen)) {
		dv_sdl_close(s);
		return NULL;
	}
	if (!TTF_WasInit() && TTF_Init() != 0) {
		snprintf(err, errlen, "SDL_ttf: %s", TTF_GetError());
		dv_sdl_close(s);
		return NULL;
	}
	if (!dv_sdl_fonts_for(s, 720)) {
		snprintf(err, errlen, "cannot open the font %s: %s", s->font_path, TTF_GetError());
		dv_sdl_close(s);
		return NULL;
	}
	if (!dv_sdl_load(s, path, err, errlen)) {
		dv_sdl_close(s);
		return NULL;
	}
	return s;
}

void dv_sdl_close(struct dv_sdl *s)
{
	if (!s)
		return;
	dv_sdl_fonts_close(s);
	dv_scene_finish(&s->scene);
	dv_present_finish(&s->present);
	dv_classic_finish(&s->classic);
	dv_session_close(s->ss);
	free(s);
}

/* ---- moving ------------------------------------------------------------------------------------- */

static int step_index(const struct dv_sdl *s, unsigned n)
{
	return dv_present_step_index(s->ss, n);
}

bool dv_sdl_goto_step(struct dv_sdl *s, unsigned n)
{
	int k = step_index(s, n);
	s->playing = false;
	if (k < 0)
		return false;
	enum dv_move r = dv_session_goto_step(s->ss, (unsigned)k, true);
	take_msg(s);
	return r == DV_MOVE_OK;
}

unsigned dv_sdl_step(const struct dv_sdl *s)
{
	return dv_view_step_number(&s->ss->view, s->ss->view.step);
}

size_t dv_sdl_pos(const struct dv_sdl *s)
{
	return s->ss->view.pos;
}

/* Plays from the cursor to the end of lesson step k (an index) at the step's pace (play.h):
 * the first moves at the chosen speed, a long step faster and faster after them. */
static void start_playing(struct dv_sdl *s, unsigned k)
{
	s->play_step = k;
	s->playing = true;
	dv_play_set(&s->play, true);
	s->play.rate = dv_sdl_rate(s);
	dv_play_step(&s->play, s->ss, k);
}

/* Starts playing lesson step k (an index) from its start. */
static bool play_index(struct dv_sdl *s, unsigned k)
{
	size_t first, end;
	if (!dv_run_step_events(s->ss->run, k, &first, &end))
		return false;
	/* The start of the step: the end of the one before, with its beats. */
	dv_session_seek(s->ss, first);
	take_msg(s);
	if (s->ss->view.pos != first)
		return false; /* held at a question before it */
	start_playing(s, k);
	return true;
}

bool dv_sdl_play_step(struct dv_sdl *s, unsigned n)
{
	int k = step_index(s, n);
	return k >= 0 && play_index(s, (unsigned)k);
}

/* The next shown step after k, or -1. */
static int next_shown(const struct dv_sdl *s, unsigned k)
{
	unsigned n = dv_session_step_after(s->ss, k);
	return n == UINT_MAX ? -1 : (int)n;
}

void dv_sdl_play(struct dv_sdl *s, bool on)
{
	if (!on) {
		s->playing = false;
		return;
	}
	if (dv_session_gated(s->ss)) {
		snprintf(s->status, sizeof s->status,
		         "A question first: a to answer, h for a hint, s to skip.");
		return;
	}
	unsigned k = dv_session_play_step(s->ss); /* at a step's end: the next one */
	if (k == s->ss->view.step)
		start_playing(s, k); /* mid-step: play on to its end */
	else if (k != UINT_MAX)
		play_index(s, k);
	else
		snprintf(s->status, sizeof s->status,
		         "the end of the lesson: g goes back to the start");
}

bool dv_sdl_playing(const struct dv_sdl *s)
{
	return s->playing;
}

static void demo_think(struct dv_sdl *s);

/* Plays ms milliseconds' worth of moves (a bus cycle, a port access, a call or a beat, each
 * one move) up to the end of the step, stopping at an unanswered question (the demo: at every
 * question, to think about it). True when the picture changed. */
static bool play_tick(struct dv_sdl *s, unsigned ms)
{
	if (!s->playing)
		return false;
	for (unsigned n = dv_play_owed(&s->play, ms); n > 0; n--) {
		size_t nb = s->ss->nb;
		enum dv_move r = dv_session_play_next(s->ss, s->play_step);
		if (r == DV_MOVE_OK) {
			if (s->demo && s->ss->nb > nb && s->ss->beats[nb].kind == DV_BEAT_ASK) {
				demo_think(s);
				break;
			}
			continue;
		}
		s->playing = false;
		dv_play_set(&s->play, false);
		if (r == DV_MOVE_GATE) {
			s->ss->msg[0] = '\0';
			snprintf(s->status, sizeof s->status,
			         "A question: a to answer, h for a hint, s to skip");
		}
		break;
	}
	return true; /* the byte on the bus moves even between moves */
}

/* The window's title names the open lesson. */
static void set_title(struct dv_sdl *s)
{
	if (!s->win)
		return;
	char wt[256];
	snprintf(wt, sizeof wt, "dmaviz: %s",
	         s->ss->lesson->title ? s->ss->lesson->title : dv_sdl_lesson_id(s));
	SDL_SetWindowTitle(s->win, wt);
}

/* ---- the demo -------------------------------------------------------------------------------------- */

static unsigned words_of(const struct dv_vpanel *p)
{
	unsigned w = 0;
	for (size_t i = 0; i < p->n; i++)
		for (size_t k = 0; k < p->line[i].len; k++)
			w += p->line[i].text[k] != ' ' && (k == 0 || p->line[i].text[k - 1] == ' ');
	return w;
}

/* The words of a question's panel as the demo shows it (its answer and why, once revealed). */
static unsigned question_words(struct dv_sdl *s)
{
	int a = dv_session_ask(s->ss);
	if (a < 0)
		return 0;
	dv_session_question(s->ss, a, &s->classic.tmp, 90);
	return words_of(&s->classic.tmp);
}

/* The demo reached a question: it stops there, drawn, for the class to think about. */
static void demo_think(struct dv_sdl *s)
{
	s->demo_phase = DV_DEMO_THINK;
	s->demo_hold = DV_DEMO_THINK_MS;
	snprintf(s->status, sizeof s->status, "Think about it\xe2\x80\xa6");
}

/* The demo plays step k from its start, at the step's pace (play.h). */
static bool demo_play(struct dv_sdl *s, unsigned k)
{
	if (!play_index(s, k))
		return false;
	s->demo_phase = DV_DEMO_PLAY;
	return true;
}

/* The first shown step of lesson k that moves bytes (a DMA transfer), or -1. */
static int first_moving_step(const struct dv_sdl *s)
{
	const struct dv_trace *evt = dv_sim_trace(s->ss->view.sim);
	for (unsigned k = 0; k < s->ss->lesson->nsteps; k++) {
		size_t first, end;
		if (!dv_sdl_step_shown(s, k) || !dv_run_step_events(s->ss->run, k, &first, &end))
			continue;
		for (size_t p = first; p < end; p++)
			if (dv_trace_at(evt, p)->kind == DV_EV_XFER)
				return (int)k;
	}
	return -1;
}

/* Lesson i of the demo from its first shown step (with moving, from its first step that moves
 * bytes), played; else the next lesson. */
static bool demo_lesson(struct dv_sdl *s, size_t i, bool moving)
{
	for (size_t tries = 0; tries < s->demo_n; tries++, i = (i + 1) % s->demo_n) {
		char err[512];
		if (!dv_sdl_load(s, s->demo_paths[i], err, sizeof err)) {
			snprintf(s->status, sizeof s->status, "demo skips %.150s", err);
			continue;
		}
		s->demo_i = i;
		set_title(s);
		int k = moving ? first_moving_step(s) : -1;
		if (k < 0)
			k = dv_sdl_step_shown(s, 0) ? 0 : next_shown(s, 0);
		if (k >= 0 && demo_play(s, (unsigned)k))
			return true;
	}
	return false;
}

/* The lesson the demo opens with: the send, whose frame goes from memory onto the wire in its
 * third and fourth steps; the list's first when it has no such lesson. */
#define DV_DEMO_OPENER "03-send.lesson"

bool dv_sdl_demo(struct dv_sdl *s, char *const *paths, size_t n, char *err, size_t errlen)
{
	if (n == 0) {
		snprintf(err, errlen, "no lessons for the demo");
		return false;
	}
	s->demo_paths = paths;
	s->demo_n = n;
	s->demo = true;
	size_t first = 0;
	for (size_t i = 0; i < n; i++) {
		const char *base = strrchr(paths[i], '/');
		if (!strcmp(base ? base + 1 : paths[i], DV_DEMO_OPENER))
			first = i;
	}
	/* A class sees bytes move at once: the first lesson starts at its first moving step. */
	if (!demo_lesson(s, first, true)) {
		s->demo = false;
		snprintf(err, errlen, "no lesson of the demo opens");
		return false;
	}
	return true;
}

bool dv_sdl_demo_running(const struct dv_sdl *s)
{
	return s->demo;
}

int dv_sdl_demo_question(const struct dv_sdl *s, bool *revealed)
{
	if (revealed)
		*revealed = s->demo && s->demo_phase == DV_DEMO_REVEAL;
	if (!s->demo || (s->demo_phase != DV_DEMO_THINK && s->demo_phase != DV_DEMO_REVEAL))
		return -1;
	return dv_session_ask(s->ss);
}

static void demo_stop(struct dv_sdl *s)
{
	s->demo = false;
	s->playing = false;
	dv_session_take_over(s->ss); /* the learner's own moves stop at questions again */
	snprintf(s->status, sizeof s->status,
	         "you have the controls (d restarts the demo, ? the keys)");
}

/* The demo: each step played at its pace, each question a pause to think and then its answer
 * and why, and the step's narration held for reading at its end. */
static bool demo_tick(struct dv_sdl *s, unsigned ms)
{
	switch (s->demo_phase) {
	case DV_DEMO_PLAY: {
		bool changed = play_tick(s, ms);
		if (!s->playing) {
			/* Hold the narration long enough to read it. */
			dv_view_narration(&s->ss->view, &s->classic.narr, 90);
			s->demo_hold = dv_play_hold_ms(words_of(&s->classic.narr));
			s->demo_phase = DV_DEMO_HOLD;
		}
		return changed;
	}
	case DV_DEMO_THINK:
	case DV_DEMO_REVEAL:
	case DV_DEMO_HOLD: break;
	}
	if (s->demo_hold > ms) {
		s->demo_hold -= ms;
		return false;
	}
	if (s->demo_phase == DV_DEMO_THINK) {
		/* The answer and why, held for reading (the rest of the step keeps them). */
		dv_session_reveal(s->ss);
		s->ss->msg[0] = '\0';
		s->demo_phase = DV_DEMO_REVEAL;
		s->demo_hold = dv_play_hold_ms(question_words(s));
		if (s->demo_hold > DV_DEMO_REVEAL_MAX_MS)
			s->demo_hold = DV_DEMO_REVEAL_MAX_MS;
		snprintf(s->status, sizeof s->status, "The answer, and why");
		return true;
	}
	if (s->demo_phase == DV_DEMO_REVEAL) {
		/* On with the step, its first moves slow again. */
		s->status[0] = '\0';
		s->demo_phase = DV_DEMO_PLAY;
		start_playing(s, s->play_step);
		return true;
	}
	int k = next_shown(s, s->play_step);
	if (k >= 0 && demo_play(s, (unsigned)k))
		return true;
	if (!demo_lesson(s, (s->demo_i + 1) % s->demo_n, false))
		s->demo = false;
	return true;
}

bool dv_sdl_tick(struct dv_sdl *s, unsigned ms)
{
	if (s->demo)
		return demo_tick(s, ms);
	return play_tick(s, ms);
}

int dv_sdl_next_tick(const struct dv_sdl *s)
{
	if (s->demo && s->demo_phase != DV_DEMO_PLAY)
		return (int)(s->demo_hold < 1000000u ? s->demo_hold : 1000000u);
	if (s->playing)
		return 16; /* about 60 frames a second */
	return -1;
}

/* ---- answers ----------------------------------------------------------------------------------------- */

static void answer_key(struct dv_sdl *s)
{
	if (dv_sdl_current_ask(s) < 0 || !dv_session_answerable(s->ss)) {
		take_msg(s);
		if (!s->status[0])
			snprintf(s->status, sizeof s->status,
			         "There is no question at this point of the lesson.");
		return;
	}
	s->input = true;
	s->inlen = 0;
	s->inbuf[0] = '\0';
	SDL_StartTextInput();
}

static void submit_answer(struct dv_sdl *s)
{
	s->input = false;
	SDL_StopTextInput();
	if (s->inlen == 0)
		return;
	dv_session_answer(s->ss, s->inbuf);
	take_msg(s);
}

void dv_sdl_text(struct dv_sdl *s, const char *utf8)
{
	if (!s->input)
		return;
	for (const char *c = utf8; *c; c++)
		if ((unsigned char)*c >= 0x20 && (unsigned char)*c < 0x7f &&
		    s->inlen + 1 < sizeof s->inbuf) {
			s->inbuf[s->inlen++] = *c;
			s->inbuf[s->inlen] = '\0';
		}
}

/* ---- keys and the mouse -------------------------------------------------------------------------------- */

/* One move through the session: it stops at an unanswered question and says so. */
static bool move(struct dv_sdl *s, enum dv_vcmd cmd)
{
	s->playing = false;
	enum dv_move r = dv_session_move(s->ss, cmd);
	take_msg(s);
	return r == DV_MOVE_OK;
}

static void set_speed(struct dv_sdl *s, int d)
{
	if (d > 0 && s->speed + 1 < dv_sdl_nspeeds)
		s->speed++;
	else if (d < 0 && s->speed > 0)
		s->speed--;
	dv_play_rate(&s->play, dv_sdl_rate(s)); /* what is left of the step, planned again */
	snprintf(s->status, sizeof s->status, "speed: %u moves a second", dv_sdl_speeds[s->speed]);
}

/* A free file name in the current directory, named after the lesson's file (so a folder of
 * them sorts in course order): dmaviz-03-send-step3.png, then -2, -3, ... */
static void shot_name(const struct dv_sdl *s, char *out, size_t n)
{
	const char *path = s->ss->path;
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t len = strlen(base);
	if (len > 7 && !strcmp(base + len - 7, ".lesson"))
		len -= 7;
	if (len > 120)
		len = 120;
	struct stat st;
	for (unsigned k = 1; k < 1000; k++) {
		if (k == 1)
			snprintf(out, n, "dmaviz-%.*s-step%u.png", (int)len, base, dv_sdl_step(s));
		else
			snprintf(out, n, "dmaviz-%.*s-step%u-%u.png", (int)len, base,
			         dv_sdl_step(s), k);
		if (stat(out, &st) != 0)
			return;
	}
}

static void screenshot_key(struct dv_sdl *s)
{
	char name[256], err[512];
	shot_name(s, name, sizeof name);
	int w = s->out_w > 0 ? s->out_w : 1280, h = s->out_h > 0 ? s->out_h : 720;
	if (dv_sdl_screenshot(s, w, h, name, err, sizeof err))
		snprintf(s->status, sizeof s->status, "saved %.180s", name);
	else
		snprintf(s->status, sizeof s->status, "screenshot failed: %.160s", err);
}

/* The course's lessons, listed once and kept for the process's life. */
static char **course(size_t *n)
{
	static char **catalog;
	static size_t ncatalog;
	if (!catalog)
		catalog = dv_lessons_list(dv_lessons_dir(), &ncatalog);
	*n = ncatalog;
	return catalog;
}

/* ] and [: the next or previous lesson of the course (by file name), at its first step. */
static void other_lesson(struct dv_sdl *s, int dir)
{
	size_t n;
	char **v = course(&n);
	const char *path = s->ss->path;
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	long at = -1;
	for (size_t i = 0; i < n; i++) {
		const char *b = strrchr(v[i], '/');
		if (!strcmp(b ? b + 1 : v[i], base))
			at = (long)i;
	}
	long want = at < 0 ? 0 : at + dir;
	if (!n || want < 0 || want >= (long)n) {
		snprintf(s->status, sizeof s->status, "%s",
		         dir > 0 ? "this is the last lesson" : "this is the first lesson");
		return;
	}
	char err[512];
	if (!dv_sdl_load(s, v[want], err, sizeof err)) {
		snprintf(s->status, sizeof s->status, "%.190s", err);
		return;
	}
	set_title(s);
	snprintf(s->status, sizeof s->status, "lesson %ld of %zu", want + 1, n);
}

static void start_demo(struct dv_sdl *s)
{
	if (!s->demo_paths)
		s->demo_paths = course(&s->demo_n);
	char err[256];
	if (!dv_sdl_demo(s, s->demo_paths, s->demo_n, err, sizeof err))
		snprintf(s->status, sizeof s->status, "%.150s", err);
}

/* The key table's name of an SDL key (keymap.h). */
const char *dv_sdl_key_name(SDL_Keycode key, Uint16 mod, char buf[2])
{
	bool shift = (mod & KMOD_SHIFT) != 0;
	switch (key) {
	case SDLK_SPACE: return "Space";
	case SDLK_RETURN:
	case SDLK_KP_ENTER: return "Enter";
	case SDLK_TAB: return "Tab";
	case SDLK_ESCAPE: return "Esc";
	case SDLK_UP: return "Up";
	case SDLK_DOWN: return "Down";
	case SDLK_LEFT: return "Left";
	case SDLK_RIGHT: return "Right";
	case SDLK_PAGEUP: return "PgUp";
	case SDLK_PAGEDOWN: return "PgDn";
	case SDLK_HOME: return "Home";
	case SDLK_END: return "End";
	case SDLK_BACKSPACE: return "Backspace";
	case SDLK_F1: return "F1";
	case SDLK_F11: return "F11";
	case SDLK_PRINTSCREEN: return "PrintScreen";
	case SDLK_PERIOD: return ".";
	case SDLK_COMMA: return ",";
	case SDLK_PLUS:
	case SDLK_KP_PLUS: return "+";
	case SDLK_EQUALS: return shift ? "+" : "=";
	case SDLK_MINUS:
	case SDLK_KP_MINUS: return "-";
	case SDLK_SLASH: return shift ? "?" : "/";
	case SDLK_QUESTION: return "?";
	case SDLK_RIGHTBRACKET: return "]";
	case SDLK_LEFTBRACKET: return "[";
	default: break;
	}
	if (key >= SDLK_a && key <= SDLK_z) {
		buf[0] = (char)(shift ? key - SDLK_a + 'A' : key);
		buf[1] = '\0';
		return buf;
	}
	return "";
}

/* r then t, i, c or v: run until the next terminal count, interrupt, call return or verifier
 * rule (held at an unanswered question on the way). */
static void until_key(struct dv_sdl *s, SDL_Keycode key)
{
	enum dv_until what;
	const char *name;
	s->until = false;
	s->playing = false;
	/* SDL's keycodes of letters are their characters. */
	if (dv_session_until_key((int)key, &what, &name)) {
		enum dv_move r = dv_session_until(s->ss, what);
		if (r == DV_MOVE_END)
			snprintf(s->status, sizeof s->status, "no %s before the end of the lesson",
			         name);
		else if (r == DV_MOVE_GATE)
			take_msg(s);
		else
			snprintf(s->status, sizeof s->status, "ran until the %s", name);
		return;
	}
	if (key != SDLK_ESCAPE)
		snprintf(s->status, sizeof s->status, "run until: t, i, c or v");
}

/* Runs an action of the key table (a key or a button). False when it quits. */
static bool act(struct dv_sdl *s, enum dv_action a)
{
	switch (a) {
	case DV_ACT_QUIT: return false;
	case DV_ACT_NEXT: move(s, DV_VCMD_NEXT); break;
	case DV_ACT_PREV: move(s, DV_VCMD_PREV); break;
	case DV_ACT_NEXT_EVENT: move(s, DV_VCMD_NEXT_EVENT); break;
	case DV_ACT_PREV_EVENT: move(s, DV_VCMD_PREV_EVENT); break;
	case DV_ACT_FIRST: move(s, DV_VCMD_FIRST); break;
	case DV_ACT_LAST: move(s, DV_VCMD_LAST); break;
	case DV_ACT_GRAN:
		dv_session_move(s->ss, DV_VCMD_GRAN);
		snprintf(s->status, sizeof s->status, "moves: one %s",
		         dv_view_gran_name(s->ss->view.gran));
		break;
	case DV_ACT_PLAY: dv_sdl_play(s, !s->playing); break;
	case DV_ACT_FASTER: set_speed(s, 1); break;
	case DV_ACT_SLOWER: set_speed(s, -1); break;
	case DV_ACT_ANSWER: answer_key(s); break;
	case DV_ACT_HINT:
		dv_session_hint(s->ss);
		take_msg(s);
		break;
	case DV_ACT_SKIP:
		dv_session_skip(s->ss);
		take_msg(s);
		break;
	case DV_ACT_SCROLL_UP:
		dv_narr_place_scroll(&s->classic.narr_at, -3);
		dv_present_scroll(&s->present, -3);
		break;
	case DV_ACT_SCROLL_DOWN:
		dv_narr_place_scroll(&s->classic.narr_at, 3); /* clamped when drawn */
		dv_present_scroll(&s->present, 3);            /* clamped when laid out */
		break;
	case DV_ACT_SIDE_TAB:
		s->side_tab = (enum dv_side)((s->side_tab + 1) % DV_SIDE_COUNT);
		break;
	case DV_ACT_SCREENSHOT: screenshot_key(s); break;
	case DV_ACT_LARGE:
		s->opt.large = !s->opt.large;
		snprintf(s->status, sizeof s->status, "presentation layout %s",
		         dv_sdl_presenting(s) ? "on" : "off");
		break;
	case DV_ACT_CONTRAST:
		s->opt.contrast = !s->opt.contrast;
		s->th = &s->themes[s->opt.contrast];
		snprintf(s->status, sizeof s->status, "%s theme", s->th->name);
		break;
	case DV_ACT_DEMO: start_demo(s); break;
	case DV_ACT_NEXT_LESSON: other_lesson(s, 1); break;
	case DV_ACT_PREV_LESSON: other_lesson(s, -1); break;
	case DV_ACT_EXPLAIN:
		if (dv_view_last_rule(&s->ss->view) >= 0)
			s->explain = true;
		else
			snprintf(s->status, sizeof s->status, "no verifier rule has fired yet");
		break;
	case DV_ACT_OUTPUT:
		s->output = true;
		s->out_back = 0;
		break;
	case DV_ACT_HELP: s->help = true; break;
	case DV_ACT_CLOSE: s->ask_quit = true; break; /* nothing was open: ask first */
	case DV_ACT_UNTIL:
		s->until = true;
		snprintf(
		        s->status, sizeof s->status,
		        "run until: t terminal count, i interrupt, c call returns, v verifier rule (Esc cancels)");
		break;
	default: break; /* F11 is the window loop's */
	}
	return true;
}

bool dv_sdl_key(struct dv_sdl *s, SDL_Keycode key, Uint16 mod)
{
	if (s->demo) {
		demo_stop(s); /* any key takes over */
		return true;
	}
	if (s->ask_quit) {
		/* "Quit dmaviz? y/n": y or Enter quits, any other key goes back. */
		s->ask_quit = false;
		return key != SDLK_y && key != SDLK_RETURN && key != SDLK_KP_ENTER;
	}
	if (s->help) {
		s->help = false; /* any key closes it; q still quits */
		return key != SDLK_q;
	}
	if (s->explain) {
		/* e and Esc close the explanation; any other key closes it and does its work. */
		s->explain = false;
		if (key == SDLK_e || key == SDLK_ESCAPE)
			return true;
	}
	if (s->output) {
		/* Up and PgUp go back to older rows, Down and PgDn forward, from where the table
		 * was drawn (dv_view_output clamps); o and Esc close it, any other key closes it
		 * and does its work. */
		size_t at = s->classic.out_back,
		       step = key == SDLK_PAGEUP || key == SDLK_PAGEDOWN ? 10 : 1;
		if (key == SDLK_UP || key == SDLK_k || key == SDLK_PAGEUP)
			s->out_back = at + step;
		else if (key == SDLK_DOWN || key == SDLK_j || key == SDLK_PAGEDOWN)
			s->out_back = dv_scrolled(at, -(long)step);
		else
			s->output = false;
		if (s->output || key == SDLK_o || key == SDLK_ESCAPE)
			return true;
	}
	if (s->until) {
		until_key(s, key);
		return true;
	}
	if (s->input) {
		if (key == SDLK_RETURN || key == SDLK_KP_ENTER)
			submit_answer(s);
		else if (key == SDLK_ESCAPE) {
			s->input = false;
			SDL_StopTextInput();
		} else if (key == SDLK_BACKSPACE && s->inlen)
			s->inbuf[--s->inlen] = '\0';
		return true;
	}
	s->status[0] = '\0';
	char buf[2];
	return act(s, dv_keymap_action(DV_FRONT_SDL, dv_sdl_key_name(key, mod, buf)));
}

static int hit_at(const struct dv_sdl *s, int x, int y)
{
	return dv_scene_hit(&s->scene, x, y);
}

bool dv_sdl_motion(struct dv_sdl *s, int x, int y)
{
	int old = s->hover;
	bool was_in = s->mouse_in;
	s->mx = x;
	s->my = y;
	s->mouse_in = x >= 0 && y >= 0;
	s->hover = s->mouse_in ? hit_at(s, x, y) : -1;
	return s->hover != old || was_in != s->mouse_in;
}

static bool over_box(const struct dv_sdl *s, const char *name)
{
	const struct dv_sbox *b = dv_scene_box_named(&s->scene, name);
	return b && s->mouse_in && s->mx >= b->x && s->mx < b->x + b->w && s->my >= b->y &&
	       s->my < b->y + b->h;
}

bool dv_sdl_wheel(struct dv_sdl *s, int dy)
{
	if (dy == 0)
		return false;
	if (!dv_sdl_presenting(s) && over_box(s, "side")) {
		dv_classic_side_scroll(&s->classic, -dy);
		return true;
	}
	if (!over_box(s, "narration"))
		return false;
	act(s, dy > 0 ? DV_ACT_SCROLL_UP : DV_ACT_SCROLL_DOWN); /* scrolling never quits */
	return true;
}

/* Seeks to a fraction f of shown step k (an index); held at an unanswered question. */
static void seek_in_step(struct dv_sdl *s, unsigned k, double f)
{
	size_t first, end;
	if (!dv_run_step_events(s->ss->run, k, &first, &end))
		return;
	size_t pos = first + (size_t)((double)(end - first) * f + 0.5);
	if (pos <= first)
		pos = end > first ? first + 1 : first;
	if (pos > end)
		pos = end;
	dv_session_seek(s->ss, pos);
	take_msg(s);
}

bool dv_sdl_click(struct dv_sdl *s, int x, int y)
{
	if (s->demo) {
		demo_stop(s);
		return true;
	}
	if (s->help || s->explain || s->output || s->ask_quit) {
		/* a click closes them (and cancels) */
		s->help = s->explain = s->output = s->ask_quit = false;
		return true;
	}
	int i = hit_at(s, x, y);
	if (i < 0)
		return false;
	const struct dv_shit *h = &s->scene.hit[i];
	const char *n = h->name;
	s->status[0] = '\0';
	if (!strncmp(n, "button:", 7)) {
		const struct dv_keybind *b = dv_keymap_button(n + 7);
		if (b)
			act(s, b->action);
		return true;
	}
	if (!strncmp(n, "tab:", 4)) {
		s->side_tab = !strcmp(n + 4, "source") ? DV_SIDE_SOURCE :
		              !strcmp(n + 4, "log")    ? DV_SIDE_LOG :
		                                         DV_SIDE_CALL;
		return true;
	}
	if (!strcmp(n, "timeline")) {
		unsigned nshown = 0;
		for (unsigned k = 0; k < s->ss->lesson->nsteps; k++)
			nshown += dv_sdl_step_shown(s, k);
		if (!nshown)
			return false;
		double f = (double)(x - h->x) / (double)h->w * nshown;
		unsigned want = (unsigned)f, j = 0;
		for (unsigned k = 0; k < s->ss->lesson->nsteps; k++) {
			if (!dv_sdl_step_shown(s, k))
				continue;
			if (j++ == want) {
				s->playing = false;
				seek_in_step(s, k, f - want);
				return true;
			}
		}
		return false;
	}
	if (!strcmp(n, "timing") && s->classic.tim_colw > 0) {
		uint64_t c = s->classic.tim_first + (uint64_t)((x - h->x) / s->classic.tim_colw);
		s->playing = false;
		enum dv_move m = dv_session_seek_cycle(s->ss, c);
		if (m == DV_MOVE_GATE)
			take_msg(s);
		else if (m == DV_MOVE_OK)
			snprintf(s->status, sizeof s->status, "bus cycle %llu",
			         (unsigned long long)c);
		return true;
	}
	return false;
}

const char *dv_sdl_status(const struct dv_sdl *s)
{
	return s->status;
}

/* ---- screenshots --------------------------------------------------------------------------------- */

static bool ends_with(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);
	return a >= b && !strcasecmp(s + a - b, suf);
}

bool dv_sdl_screenshot(struct dv_sdl *s, int w, int h, const char *file, char *err, size_t errlen)
{
	SDL_Surface *surf = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_RGB888);
	if (!surf) {
		snprintf(err, errlen, "%s", SDL_GetError());
		return false;
	}
	SDL_Renderer *r = SDL_CreateSoftwareRenderer(surf);
	if (!r) {
		snprintf(err, errlen, "%s", SDL_GetError());
		SDL_FreeSurface(surf);
		return false;
	}
	/* The window's frame keeps its scene (its hits): this one is composed apart. */
	struct dv_scene sc;
	dv_scene_init(&sc, dv_sdl_metrics, s);
	SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_NONE);
	dv_sdl_compose(s, &sc, w, h);
	dv_sdl_render(s, r, &sc);
	SDL_RenderPresent(r);
	dv_scene_finish(&sc);
	bool ok = ends_with(file, ".png") ? IMG_SavePNG(surf, file) == 0 :
	                                    SDL_SaveBMP(surf, file) == 0;
	if (!ok)
		snprintf(err, errlen, "%s: %s", file, SDL_GetError());
	SDL_DestroyRenderer(r);
	SDL_FreeSurface(surf);
	s->font_h = 0; /* the fonts were for that size */
	return ok;
}

bool dv_sdl_snapshot(const char *path, const struct dv_sdl_options *o, unsigned n, unsigned b,
                     int w, int h, const char *file, char *err, size_t errlen)
{
	struct dv_sdl *s = dv_sdl_open(path, o, err, errlen);
	if (!s)
		return false;
	/* The session stays ungated (the way to the moment passes questions); the question at
	 * the moment is drawn, unanswered, as the SVG draws it. */
	s->opt.ungated = false;
	s->snapshot = true;
	bool ok = dv_present_goto(s->ss, n, b);
	if (!ok)
		snprintf(err, errlen, "%s has no step %u%s", path, n,
		         b ? " with that many beats" : "");
	else
		ok = dv_sdl_screenshot(s, w, h, file, err, errlen);
	dv_sdl_close(s);
	return ok;
}

/* ---- dmaviz gui ------------------------------------------------------------------------------------- */

static void gui_usage(FILE *f)
{
	fputs("usage: dmaviz gui [LESSON] [OPTIONS]\n"
	      "       dmaviz gui --demo\n"
	      "\n"
	      "Opens a lesson in an SDL2 window for a projector. Keys as in the terminal UI:\n"
	      "j/space next, k/b back, . and , one event, g/G first/last, p play, +/- speed,\n"
	      "t granularity, a answer, h hint, s skip, PgUp/PgDn narration, Tab source/log/call,\n"
	      "r then t/i/c/v run until, e the verifier rule explained, o the output table,\n"
	      "S PNG screenshot, L presentation layout, c high contrast, d demo, ] and [\n"
	      "next/previous lesson, F11 fullscreen, ? all keys, q quit, Esc closes what is\n"
	      "open or asks before quitting. Without a lesson: the course's first.\n"
	      "The mouse: buttons, click the timeline or the timing diagram, hover a register;\n"
	      "the wheel scrolls the narration or the side panel under it.\n"
	      "\n"
	      "  --demo             play every lesson of the course, looping, from the send's\n"
	      "                     transfer; each question a pause to think, then its answer;\n"
	      "                     any key takes over\n"
	      "  --projector        the presentation layout: fixed regions (diagram, NDIS call\n"
	      "                     ribbon, address map, timing, narration), text sized from\n"
	      "                     the height; fullscreen shows it too\n"
	      "  --large            the same presentation layout\n"
	      "  --notes            the teacher's notes on standard output: each step's whole\n"
	      "                     narration and its questions with their answers, as the\n"
	      "                     window reaches it (for the teacher's own screen)\n"
	      "  --theme NAME|FILE  the colours: dark (the default), light, high-contrast,\n"
	      "                     colour-blind, or a .theme file (assets/themes)\n"
	      "  --contrast         start in the high-contrast theme (the c key switches back)\n"
	      "  --fullscreen       start fullscreen\n"
	      "  --size WxH         the window's (or the screenshot's) size, default 1280x720\n"
	      "  --driver FILE.so   a learner's driver for lessons with 'driver file'\n"
	      "  --screenshot FILE  render step STEP (--at, default the first) headless into FILE\n"
	      "                     (.png, else BMP) and exit; works with SDL_VIDEODRIVER=dummy\n"
	      "  --at STEP          the step number, as the lesson counts them\n"
	      "  --play-ms N        with --screenshot: play step STEP from its start for N ms as\n"
	      "                     p plays it, in 16 ms frames, stopping at the step's end: the\n"
	      "                     first 16 moves (a move is a bus cycle, a port access or an\n"
	      "                     NDIS call) at the default speed, 10 a second, then a step\n"
	      "                     longer than 12 s faster and faster, to end in 12 s; the\n"
	      "                     picture is that frame, a byte on its way included\n",
	      f);
}

struct gui_args {
	const char *lesson, *shot;
	long at, play_ms;
	int w, h;
	bool demo, fullscreen, notes;
	struct dv_sdl_options opt;
};

/* --notes: the step's notes on standard output when the window reaches a new step (or a new
 * lesson, in the demo). */
static void notes_follow(const struct dv_sdl *s, const struct dv_session **last_ss,
                         unsigned *last_step)
{
	if (s->ss == *last_ss && s->ss->view.step == *last_step)
		return;
	*last_ss = s->ss;
	*last_step = s->ss->view.step;
	dv_present_notes(s->ss, s->ss->view.step, stdout);
}

/* Returns -1 to go on, else an exit status. */
static int parse_gui_args(int argc, char **argv, struct gui_args *a)
{
	for (int i = 1; i < argc; i++) {
		const char *o = argv[i];
		if (!strcmp(o, "-h") || !strcmp(o, "--help")) {
			gui_usage(stdout);
			return 0;
		} else if (!strcmp(o, "--demo")) {
			a->demo = true;
		} else if (!strcmp(o, "--large")) {
			a->opt.large = true;
		} else if (!strcmp(o, "--projector")) {
			a->opt.present = true;
		} else if (!strcmp(o, "--notes")) {
			a->notes = true;
		} else if (!strcmp(o, "--contrast")) {
			a->opt.contrast = true;
		} else if (!strcmp(o, "--theme") || !strncmp(o, "--theme=", 8)) {
			/* A theme that does not load is a warning: the default colours still teach. */
			static struct dv_theme theme;
			char err[600];
			if (!o[7] && i + 1 >= argc) {
				fprintf(stderr, "dmaviz gui: --theme needs a value: dark, light, "
				                "high-contrast, colour-blind or a .theme file\n");
				return 2;
			}
			const char *name = o[7] ? o + 8 : argv[++i];
			if (!dv_theme_load(&theme, name, err, sizeof err))
				fprintf(stderr, "dmaviz gui: %s; using the dark theme\n", err);
			a->opt.theme = &theme;
		} else if (!strcmp(o, "--fullscreen")) {
			a->fullscreen = true;
		} else if (!strcmp(o, "--screenshot") || !strcmp(o, "--at") ||
		           !strcmp(o, "--size") || !strcmp(o, "--play-ms")) {
			if (i + 1 >= argc) {
				fprintf(stderr, "dmaviz gui: %s needs a value\n", o);
				return 2;
			}
			const char *val = argv[++i];
			char *end;
			if (!strcmp(o, "--screenshot")) {
				a->shot = val;
			} else if (!strcmp(o, "--at") || !strcmp(o, "--play-ms")) {
				long n = strtol(val, &end, 10);
				if (*end || end == val || n < 0 || n > 10000000) {
					fprintf(stderr, "dmaviz gui: %s wants a number, not '%s'\n",
					        o, val);
					return 2;
				}
				*(o[2] == 'a' ? &a->at : &a->play_ms) = n;
			} else if (sscanf(val, "%dx%d", &a->w, &a->h) != 2 || a->w < 320 ||
			           a->h < 200 || a->w > 8192 || a->h > 8192) {
				fprintf(stderr,
				        "dmaviz gui: --size wants WxH between 320x200 and 8192x8192, "
				        "for example 1920x1080\n");
				return 2;
			}
		} else if (o[0] == '-') {
			fprintf(stderr, "dmaviz gui: unknown option '%s'\n", o);
			gui_usage(stderr);
			return 2;
		} else if (a->lesson) {
			fprintf(stderr, "dmaviz gui: one lesson at a time ('%s' and '%s')\n",
			        a->lesson, o);
			return 2;
		} else {
			a->lesson = o;
		}
	}
	if (!a->lesson && !a->demo) {
		fprintf(stderr,
		        "dmaviz gui: which lesson? (dmaviz gui LESSON, or dmaviz gui --demo; "
		        "`dmaviz list` names them)\n");
		return 2;
	}
	if ((a->at >= 0 || a->play_ms >= 0) && !a->shot) {
		fprintf(stderr, "dmaviz gui: --at and --play-ms go with --screenshot FILE\n");
		return 2;
	}
	if (a->shot && a->demo) {
		fprintf(stderr, "dmaviz gui: --screenshot takes one lesson, not the demo\n");
		return 2;
	}
	return -1;
}

static int headless_shot(struct dv_sdl *s, const struct gui_args *a)
{
	char err[1024];
	unsigned step = a->at >= 0 ? (unsigned)a->at : 0;
	if (a->play_ms >= 0) {
		if (!dv_sdl_play_step(s, a->at >= 0 ? step : dv_sdl_step(s))) {
			fprintf(stderr, "dmaviz gui: the lesson has no step %u\n", step);
			return 2;
		}
		/* At the window's default speed (default_speed()) and the step's pace, frame by frame
		 * as the window plays, until the step ends or the time is up. */
		for (long t = 0; t + 16 <= a->play_ms && dv_sdl_playing(s); t += 16)
			dv_sdl_tick(s, 16);
	} else if (a->at >= 0 && !dv_sdl_goto_step(s, step)) {
		fprintf(stderr, "dmaviz gui: the lesson has no step %ld\n", a->at);
		return 2;
	}
	if (!dv_sdl_screenshot(s, a->w, a->h, a->shot, err, sizeof err)) {
		fprintf(stderr, "dmaviz gui: cannot save the screenshot: %s\n", err);
		return 2;
	}
	return 0;
}

/* Mouse coordinates are in window points; drawing is in output pixels (HiDPI). */
static void to_pixels(SDL_Window *win, SDL_Renderer *r, int *x, int *y)
{
	int ww, wh, ow, oh;
	SDL_GetWindowSize(win, &ww, &wh);
	if (SDL_GetRendererOutputSize(r, &ow, &oh) == 0 && ww > 0 && wh > 0) {
		*x = *x * ow / ww;
		*y = *y * oh / wh;
	}
}

static int window_loop(struct dv_sdl *s, const struct gui_args *a)
{
	const struct dv_session *notes_ss = NULL;
	unsigned notes_step = 0;
	char wt[256];
	snprintf(wt, sizeof wt, "dmaviz: %s",
	         s->ss->lesson->title ? s->ss->lesson->title : dv_sdl_lesson_id(s));
	s->win = SDL_CreateWindow(wt, SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, a->w, a->h,
	                          SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI |
	                                  (a->fullscreen ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0));
	s->fullscreen = a->fullscreen;
	SDL_Surface *icon = s->win ? dv_sdl_icon() : NULL;
	if (icon) {
		SDL_SetWindowIcon(s->win, icon);
		SDL_FreeSurface(icon);
	}
	SDL_Renderer *r = s->win ? SDL_CreateRenderer(s->win, -1, SDL_RENDERER_PRESENTVSYNC) : NULL;
	if (!r && s->win)
		r = SDL_CreateRenderer(s->win, -1, SDL_RENDERER_SOFTWARE);
	if (!r) {
		fprintf(stderr,
		        "dmaviz gui: no display: set DISPLAY, or use --screenshot with "
		        "SDL_VIDEODRIVER=dummy (%s)\n",
		        SDL_GetError());
		if (s->win)
			SDL_DestroyWindow(s->win);
		return 2;
	}
	SDL_StopTextInput(); /* typed text only while answering */
	float ddpi = 0;
	int disp = SDL_GetWindowDisplayIndex(s->win);
	if (disp >= 0 && SDL_GetDisplayDPI(disp, &ddpi, NULL, NULL) == 0 && ddpi > 0 &&
	    ddpi < 1000) {
		/* Output pixels per window point (HiDPI) times the points of 9 pt text. */
		int ww, wh, ow, oh;
		SDL_GetWindowSize(s->win, &ww, &wh);
		float scale = SDL_GetRendererOutputSize(r, &ow, &oh) == 0 && ww > 0 ?
		                      (float)ow / (float)ww :
		                      1.0f;
		s->min_px = (int)(ddpi * 9.0f / 72.0f * scale + 0.5f);
		if (s->min_px > 24) /* some X servers report nonsense DPI: never a giant floor */
			s->min_px = 24;
		s->font_h = 0;
	}
	bool run = true, dirty = true;
	Uint32 last = SDL_GetTicks();
	while (run) {
		if (dirty) {
			dv_sdl_draw(s, r);
			SDL_RenderPresent(r);
			dirty = false;
			if (a->notes)
				notes_follow(s, &notes_ss, &notes_step);
		}
		/* Paused: sleep until an event (no CPU). Animating: wake for the next frame. */
		int wait = dv_sdl_next_tick(s);
		SDL_Event e;
		int got = wait < 0 ? SDL_WaitEvent(&e) : SDL_WaitEventTimeout(&e, wait);
		Uint32 t = SDL_GetTicks(), dt = t - last;
		last = t;
		/* A frame of an animation never jumps more than 250 ms (after a stall, the bytes go
		 * on from where they were); a hold of the narration counts all the time that passed. */
		if (wait > 16 ? dv_sdl_tick(s, dt) :
		                wait >= 0 && dv_sdl_tick(s, dt > 250 ? 250 : dt))
			dirty = true;
		if (!got)
			continue;
		do {
			switch (e.type) {
			case SDL_QUIT: run = false; break;
			case SDL_WINDOWEVENT:
				if (e.window.event == SDL_WINDOWEVENT_LEAVE)
					dv_sdl_motion(s, -1, -1);
				dirty = true; /* resized, exposed: relayout from the new size */
				break;
			case SDL_KEYDOWN:
				if (e.key.keysym.sym == SDLK_F11 && !s->demo) {
					s->fullscreen = !s->fullscreen;
					SDL_SetWindowFullscreen(
					        s->win,
					        s->fullscreen ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0);
				} else if (!dv_sdl_key(s, e.key.keysym.sym, e.key.keysym.mod)) {
					run = false;
				}
				last = SDL_GetTicks();
				dirty = true;
				break;
			case SDL_TEXTINPUT:
				dv_sdl_text(s, e.text.text);
				dirty = true;
				break;
			case SDL_MOUSEMOTION: {
				int x = e.motion.x, y = e.motion.y;
				to_pixels(s->win, r, &x, &y);
				dirty |= dv_sdl_motion(s, x, y);
				break;
			}
			case SDL_MOUSEWHEEL:
				dirty |= dv_sdl_wheel(s,
				                      e.wheel.direction == SDL_MOUSEWHEEL_FLIPPED ?
				                              -e.wheel.y :
				                              e.wheel.y);
				break;
			case SDL_MOUSEBUTTONDOWN:
				if (e.button.button == SDL_BUTTON_LEFT) {
					int x = e.button.x, y = e.button.y;
					to_pixels(s->win, r, &x, &y);
					dirty |= dv_sdl_click(s, x, y);
					last = SDL_GetTicks();
				}
				break;
			default: break;
			}
		} while (run && SDL_PollEvent(&e));
	}
	SDL_DestroyRenderer(r);
	SDL_DestroyWindow(s->win);
	s->win = NULL;
	return 0;
}

int dv_sdl_main(int argc, char **argv, DV_DRIVER_ENTRY driver, const char *driver_path)
{
	struct gui_args a = { .at = -1, .play_ms = -1, .w = 1280, .h = 720 };
	int rc = parse_gui_args(argc, argv, &a);
	if (rc >= 0)
		return rc;
	a.opt.driver = driver;
	a.opt.driver_path = driver_path;
	a.opt.ungated = a.shot != NULL; /* a teacher's picture of any moment */
	/* A window needs a display; a screenshot does not (software renderer into a surface). */
	if (SDL_Init(a.shot ? 0 : SDL_INIT_VIDEO) != 0) {
		fprintf(stderr,
		        "dmaviz gui: no display: set DISPLAY, or use --screenshot with "
		        "SDL_VIDEODRIVER=dummy (%s)\n",
		        SDL_GetError());
		return 2;
	}
	/* The dummy and offscreen drivers have no input: a window there would wait forever. */
	const char *vd = a.shot ? NULL : SDL_GetCurrentVideoDriver();
	if (vd && (!strcmp(vd, "dummy") || !strcmp(vd, "offscreen"))) {
		fprintf(stderr,
		        "dmaviz gui: the %s video driver shows no window and takes no keys; use "
		        "--screenshot FILE with it, or unset SDL_VIDEODRIVER on a display\n",
		        vd);
		SDL_Quit();
		return 2;
	}
	char **catalog = NULL;
	size_t ncatalog = 0;
	const char *first = a.lesson;
	if (a.demo) {
		catalog = dv_lessons_list(dv_lessons_dir(), &ncatalog);
		if (!ncatalog) {
			fprintf(stderr, "dmaviz gui: the demo finds no lessons in %s\n",
			        dv_lessons_dir());
			SDL_Quit();
			return 2;
		}
		if (!first)
			first = catalog[0];
	}
	char err[1024];
	struct dv_sdl *s = dv_sdl_open(first, &a.opt, err, sizeof err);
	if (!s) {
		fprintf(stderr, "dmaviz gui: %s\n", err);
		dv_lessons_list_free(catalog, ncatalog);
		TTF_Quit();
		SDL_Quit();
		return 2;
	}
	struct dv_progress progress = { 0 };
	if (a.shot) {
		rc = headless_shot(s, &a);
	} else {
		/* The window keeps the learner's progress as the terminal UI does (not the demo's). */
		char ppath[4096];
		dv_progress_load(&progress,
		                 dv_progress_default_path(ppath, sizeof ppath) ? ppath : NULL);
		if (progress.status[0])
			fprintf(stderr, "dmaviz gui: %s\n", progress.status);
		if (!a.demo)
			dv_sdl_set_progress(s, &progress);
		if (a.demo && !dv_sdl_demo(s, catalog, ncatalog, err, sizeof err)) {
			fprintf(stderr, "dmaviz gui: %s\n", err);
			rc = 2;
		} else {
			rc = window_loop(s, &a);
		}
	}
	/* A lesson whose checks failed (a learner's driver that missed an expectation) ends
	 * with status 1 when the learner closes the window, as in the terminal UI. */
	char failed[600];
	if (rc == 0 && !a.shot && !a.demo &&
	    dv_session_failure_summary(s->ss, failed, sizeof failed)) {
		fprintf(stderr, "dmaviz gui: %s\n", failed);
		rc = 1;
	}
	dv_sdl_close(s);
	dv_progress_finish(&progress);
	dv_lessons_list_free(catalog, ncatalog);
	TTF_Quit();
	SDL_Quit();
	return rc;
}

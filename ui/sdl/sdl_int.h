/* dmaviz: what the SDL2 mode's files share (ui/sdl only). sdlui.c owns the lesson, the keys,
 * the mouse, playing and the demo; draw.c draws a frame and records where things landed. */
#ifndef DV_SDL_INT_H
#define DV_SDL_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <SDL.h>
#include <SDL_ttf.h>

#include "classic.h"
#include "lesson.h"
#include "play.h"
#include "present.h"
#include "scene.h"
#include "session.h"
#include "sdlui.h"
#include "theme.h"
#include "view.h"

struct dv_font {
	TTF_Font *reg, *bold;
	int px, cw, lh;
};

/* A theme's window colours (ui/app/theme.h) as SDL colours, one field per window colour. */
struct dv_sdl_theme {
	char name[32];
#define DV_THEME_X(n) SDL_Color n;
	DV_THEME_WINDOW_COLORS(DV_THEME_X)
#undef DV_THEME_X
};

/* The demo: playing a step; stopped at a question to think, then its answer shown; holding
 * the step's narration for reading at its end. */
enum dv_demo_phase { DV_DEMO_PLAY, DV_DEMO_THINK, DV_DEMO_REVEAL, DV_DEMO_HOLD };

struct dv_sdl {
	struct dv_sdl_options opt;
	/* the lesson, its recording, beats, questions and progress */
	struct dv_session *ss;
	struct dv_progress *progress; /* NULL: not recorded */
	bool input;                   /* typing an answer */
	char inbuf[64];
	size_t inlen;
	/* the classic layout's panels, the narration's scroll (PgUp/PgDn) and where the timing
	 * diagram's cycles were drawn (ui/app/classic.h) */
	struct dv_classic classic;
	enum dv_side side_tab;
	bool help;
	/* fonts and colours */
	char font_path[4096], bold_path[4096];
	struct dv_font small, big;
	int font_h; /* the output height the fonts were opened for; 0 none */
	bool font_large;
	int min_px; /* the smallest text the display's DPI allows (9 pt); 0 when unknown */
	/* the theme chosen (--theme) and the high-contrast one the c key switches to */
	struct dv_sdl_theme themes[2];
	const struct dv_sdl_theme *th; /* &themes[opt.contrast] */
	/* playing: moves (dv_session_play_next) to the step's end at the step's pace: the first
	 * at speeds[speed] a second, a long step faster after them (play.h) */
	bool playing;
	unsigned speed;
	struct dv_play play; /* the clock and the step's plan (play.acc: the next move's part) */
	unsigned play_step;  /* the lesson step being played */
	/* the demo */
	char *const *demo_paths;
	size_t demo_n, demo_i;
	bool demo;
	enum dv_demo_phase demo_phase;
	unsigned demo_hold; /* milliseconds left of the pause (think, answer, narration) */
	/* the last frame as a scene (its hits answer clicks and hovers) */
	struct dv_scene scene;
	/* the presentation layout and its narration's scroll */
	struct dv_present present;
	bool snapshot; /* drawing for `dmaviz snapshot`: no buttons in the control row */
	/* text runs rendered in earlier frames (render.c) */
	struct dv_text_cache *tcache;
	/* fonts of other sizes a scene asked for (the presentation layout) */
	struct dv_font extra[4];
	/* the mouse */
	int mx, my;
	bool mouse_in;
	int hover;        /* the hit under the mouse at the last motion, -1 none */
	int out_w, out_h; /* the last draw's output size (the screenshot key uses it) */
	bool explain;     /* the verifier rule's explanation is shown */
	bool output;      /* o: the output table up to the cursor is shown */
	size_t out_back;  /* its rows left out below the newest shown (Up scrolls back) */
	bool ask_quit;    /* Esc with nothing open: "Quit dmaviz? y/n" is shown */
	bool until;       /* r was pressed: the next key says until what */
	/* the window */
	bool fullscreen;
	SDL_Window *win;
	char status[320];
};

extern const unsigned dv_sdl_speeds[];
extern const size_t dv_sdl_nspeeds;

/* The moves a second playing starts a step at (the speed the learner chose). */
unsigned dv_sdl_rate(const struct dv_sdl *s);
/* The ask the narration shows at the cursor, or -1. */
int dv_sdl_current_ask(const struct dv_sdl *s);
/* Opens the fonts for output height h (the presentation layout's sizes when it is shown). */
bool dv_sdl_fonts_for(struct dv_sdl *s, int h);
void dv_sdl_fonts_close(struct dv_sdl *s);
/* The font of size px a scene's text uses (sdlui.c); NULL when it cannot be opened. */
const struct dv_font *dv_sdl_font_px(struct dv_sdl *s, int px);
/* The frame at W x H as a scene (draw.c), and a scene painted (render.c). */
void dv_sdl_compose(struct dv_sdl *s, struct dv_scene *sc, int W, int H);
void dv_sdl_render(struct dv_sdl *s, SDL_Renderer *r, const struct dv_scene *sc);
/* Frees the text runs render.c keeps (the fonts they were drawn with are closing). */
void dv_sdl_text_cache_free(struct dv_sdl *s);
/* A scene's text measures from the window's fonts (ctx: the struct dv_sdl). */
void dv_sdl_metrics(void *ctx, int px, struct dv_scene_font *out);
/* Is the presentation layout shown (--projector, --large, fullscreen)? */
bool dv_sdl_presenting(const struct dv_sdl *s);
/* Is lesson step k shown (numbered or narrated)? */
bool dv_sdl_step_shown(const struct dv_sdl *s, unsigned k);

#endif

/* dmaviz: the SDL2 mode (`dmaviz gui`): a block diagram of the PC's system DMA for a
 * projector. It draws what the front-end-neutral view (ui/view) computes; all drawing goes
 * through dv_sdl_draw, so tests render into a surface with SDL_CreateSoftwareRenderer.
 *
 * Time is given, never read: dv_sdl_tick advances playing and the demo by the milliseconds the
 * caller says passed, so tests and benchmarks drive animation with a virtual clock. */
#ifndef DV_SDLUI_H
#define DV_SDLUI_H

#include <stdbool.h>
#include <stddef.h>

#include <SDL.h>

#include "ndis.h"

struct dv_theme;

struct dv_sdl;

/* `dmaviz gui [LESSON] [--demo] [--screenshot FILE --at STEP] ...`, with a learner's driver
 * already loaded (or NULL). Returns the exit status. */
int dv_sdl_main(int argc, char **argv, DV_DRIVER_ENTRY driver, const char *driver_path);

struct dv_sdl_options {
	bool large;                   /* the presentation layout, as present (L switches it) */
	bool contrast;                /* show the high-contrast theme (the c key switches) */
	const struct dv_theme *theme; /* the chosen colours (ui/app/theme.h); NULL: dark */
	DV_DRIVER_ENTRY driver;  /* a learner's miniport for `driver file` lessons; NULL: none */
	const char *driver_path; /* its module (where its sources are looked up); NULL: none */
	bool ungated;            /* questions do not stop moves (a teacher's screenshot) */
	/* The presentation layout (ui/app/present.h: fixed regions, text from the height), as
	 * --projector and --large ask; fullscreen shows it too. */
	bool present;
};

/* `dmaviz snapshot`'s PNG: lesson path at step n (as the learner counts them), beat b (0: the
 * step's end), in the presentation layout at w x h, into file. False with the reason in err. */
bool dv_sdl_snapshot(const char *path, const struct dv_sdl_options *o, unsigned n, unsigned b,
                     int w, int h, const char *file, char *err, size_t errlen);

/* The window's icon (assets/icons/dmaviz-64.png), or NULL when the data folder or the file is
 * missing. The caller frees it. */
SDL_Surface *dv_sdl_icon(void);

/* Finds the font (the families in assets/fonts.list) and opens a lesson (a path). NULL on failure, with the reason in err (the font
 * error names the Debian package fonts-dejavu-core). o may be NULL (defaults). */
struct dv_sdl *dv_sdl_open(const char *path, const struct dv_sdl_options *o, char *err,
                           size_t errlen);
void dv_sdl_close(struct dv_sdl *s);
/* Replaces the open lesson by another (the demo does this). False, and the old lesson kept,
 * when it does not open. */
bool dv_sdl_load(struct dv_sdl *s, const char *path, char *err, size_t errlen);
struct dv_progress;
/* Records the learner's steps, answers and finishing in p (saved on every change), for this
 * lesson and every one opened after it; p must outlive s. */
void dv_sdl_set_progress(struct dv_sdl *s, struct dv_progress *p);
/* The open lesson's id, from its `lesson` line ("send" for 03-send.lesson). */
const char *dv_sdl_lesson_id(const struct dv_sdl *s);

/* Moves to the end of the lesson step numbered n as the learner counts them. */
bool dv_sdl_goto_step(struct dv_sdl *s, unsigned n);
/* Moves to the start of step n and starts playing it at the current speed. */
bool dv_sdl_play_step(struct dv_sdl *s, unsigned n);
/* The shown step number at the cursor, and the view's position (events). */
unsigned dv_sdl_step(const struct dv_sdl *s);
size_t dv_sdl_pos(const struct dv_sdl *s);

/* Playing: one move (a bus cycle, a port access, a call) at a time at the step's pace (the
 * speed's rate, then faster in a long step: play.h), stopping at the end of the step. */
void dv_sdl_play(struct dv_sdl *s, bool on);
bool dv_sdl_playing(const struct dv_sdl *s);
/* The demo: every lesson of paths in turn, each step played at its pace, each question a pause
 * to think and then its answer, each step's narration held for reading, looping until a key or
 * a click takes over. It opens with 03-send.lesson when paths has it (else paths[0]), at the
 * first step that moves bytes. paths must outlive the demo. */
bool dv_sdl_demo(struct dv_sdl *s, char *const *paths, size_t n, char *err, size_t errlen);
bool dv_sdl_demo_running(const struct dv_sdl *s);
/* The question the demo is pausing at (the class thinks, then its answer is shown: *revealed),
 * or -1. revealed may be NULL. */
int dv_sdl_demo_question(const struct dv_sdl *s, bool *revealed);
/* Advances playing and the demo by ms milliseconds. True when the picture changed. */
bool dv_sdl_tick(struct dv_sdl *s, unsigned ms);
/* Milliseconds until the next tick has something to do; -1 when nothing is animating (the
 * window then sleeps in SDL_WaitEvent and uses no CPU). */
int dv_sdl_next_tick(const struct dv_sdl *s);

/* A key as the window gets it. Returns false when the key quits. */
bool dv_sdl_key(struct dv_sdl *s, SDL_Keycode key, Uint16 mod);
/* The key table's name (ui/app/keymap.h) of an SDL key with its modifiers: "j", "G", "Space",
 * "PgDn", ...; "" for a key the table cannot name. */
const char *dv_sdl_key_name(SDL_Keycode key, Uint16 mod, char buf[2]);
/* Typed text (SDL_TEXTINPUT), for answers to ask steps. */
void dv_sdl_text(struct dv_sdl *s, const char *utf8);
/* The mouse, in output pixels of the last draw: motion (hover shows a register's description)
 * and a left click (buttons, the lesson timeline, the timing diagram). True when the picture
 * changed. */
bool dv_sdl_motion(struct dv_sdl *s, int x, int y);
bool dv_sdl_click(struct dv_sdl *s, int x, int y);
/* The mouse wheel, dy notches (positive: away from the user, up), over the last mouse
 * position: the side panel or the narration scrolls. True when the picture changes. */
bool dv_sdl_wheel(struct dv_sdl *s, int dy);

/* Draws the whole screen at the renderer's output size. */
void dv_sdl_draw(struct dv_sdl *s, SDL_Renderer *r);
/* Where the last draw put a named thing: "buffer" (the NDIS_BUFFER's bar), "subrange" (its
 * Offset/Length part), "bounce", "timeline", "timing", "button:play", "button:next", ... and
 * "reg:dma.ch1.count" style registers. False when the last draw drew no such thing. */
bool dv_sdl_hit_rect(const struct dv_sdl *s, const char *name, SDL_Rect *out);
struct dv_scene;
/* The last draw's scene (ui/app/scene.h), for tests: what the window painted, item by item. */
const struct dv_scene *dv_sdl_scene(const struct dv_sdl *s);
/* The status line's text (what a key or click last reported), for tests. */
const char *dv_sdl_status(const struct dv_sdl *s);

/* Renders the current position into a w x h surface (software renderer) and saves it: PNG when
 * the name ends in .png (SDL2_image), else BMP. False (and a message in err) on failure. */
bool dv_sdl_screenshot(struct dv_sdl *s, int w, int h, const char *file, char *err, size_t errlen);

#endif

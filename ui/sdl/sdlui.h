/* dmaviz: the SDL2 mode (`dmaviz gui`): a block diagram of the PC's system DMA for a
 * projector. It draws what the front-end-neutral view (ui/view) computes; all drawing goes
 * through dv_sdl_draw, so tests render into a surface with SDL_CreateSoftwareRenderer. */
#ifndef DV_SDLUI_H
#define DV_SDLUI_H

#include <stdbool.h>
#include <stddef.h>

#include <SDL.h>

struct dv_sdl;

/* `dmaviz gui [LESSON] [--screenshot FILE --at STEP]`. Returns the exit status. */
int dv_sdl_main(int argc, char **argv);

/* Opens a lesson (a path), runs it headless and finds the font. NULL on failure, with the
 * reason in err (the font error names the Debian package fonts-dejavu-core). */
struct dv_sdl *dv_sdl_open(const char *path, char *err, size_t errlen);
void dv_sdl_close(struct dv_sdl *s);
/* Moves to the end of the lesson step numbered n as the learner counts them. */
bool dv_sdl_goto_step(struct dv_sdl *s, unsigned n);
/* The shown step number at the cursor. */
unsigned dv_sdl_step(const struct dv_sdl *s);
/* A key as the window gets it. Returns false when the key quits. */
bool dv_sdl_key(struct dv_sdl *s, SDL_Keycode key, Uint16 mod);
/* Draws the whole screen at the renderer's output size. */
void dv_sdl_draw(struct dv_sdl *s, SDL_Renderer *r);
/* Renders the current position into a w x h surface (software renderer) and saves it as a
 * BMP. False (and a message in err) on failure. */
bool dv_sdl_screenshot(struct dv_sdl *s, int w, int h, const char *file, char *err, size_t errlen);

#endif

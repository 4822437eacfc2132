/* dmaviz: the diagram as a scene, a display list a front end only paints. A layout (the
 * window's classic picture in ui/sdl/draw.c, the presentation layout in present.c) adds
 * filled rectangles, axis-parallel lines (a thickness and an optional dash), text runs and
 * named hit rectangles, each with a colour role of the theme (enum dv_wcolor), for one pixel
 * size. The SDL front end paints a scene (ui/sdl/render.c), dv_scene_svg writes the same
 * scene as SVG, and clicks and hover descriptions are answered from it (dv_scene_hit).
 *
 * Text is measured by a metrics callback, so a layout never needs a font library: the window
 * passes SDL_ttf's, tests and SVG use dv_scene_mono (the advance and line height of DejaVu Sans
 * Mono, the shipped font), so the same moment gives the same scene everywhere.
 *
 * A scene is bounded: past DV_SCENE_MAX_ITEMS items, DV_SCENE_MAX_HITS hits or
 * DV_SCENE_MAX_TEXT bytes of text, adds are dropped and `full` says so. */
#ifndef DV_APP_SCENE_H
#define DV_APP_SCENE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "theme.h"
#include "view.h"

#define DV_SCENE_MAX_ITEMS 20000u
#define DV_SCENE_MAX_HITS 512u
#define DV_SCENE_MAX_TEXT (1u << 20)

/* A font's measures at a pixel size: the advance of one cell and the line height. */
struct dv_scene_font {
	int px, cw, lh;
};
typedef void (*dv_scene_metrics_fn)(void *ctx, int px, struct dv_scene_font *out);

/* DejaVu Sans Mono's measures (advance 1233/2048 em, line skip 2384/2048 em, as SDL_ttf
 * rounds them): the metrics of tests and SVG. ctx is unused. */
void dv_scene_mono(void *ctx, int px, struct dv_scene_font *out);

/* A colour role at a fifth of its brightness (the area under a high signal in the timing
 * diagram): the role's value with this bit set. */
#define DV_SCENE_DARK 0x40u
static inline enum dv_wcolor dv_scene_dark(enum dv_wcolor c)
{
	return (enum dv_wcolor)((unsigned)c | DV_SCENE_DARK);
}

enum dv_sitem_kind { DV_SI_RECT, DV_SI_LINE, DV_SI_TEXT };

struct dv_sitem {
	uint8_t kind;  /* enum dv_sitem_kind */
	uint8_t color; /* enum dv_wcolor: the fill, the line or the text */
	bool bold;
	/* RECT: the rectangle. LINE: from (x, y) to (x + w, y + h), one of w, h zero; t thick,
	 * dash and gap the lengths of its dashes (gap 0: solid). TEXT: its cells' box, w = cells
	 * times the font's advance, h its line height, at font size px. */
	int x, y, w, h;
	int t, dash, gap, px;
	uint32_t text, len; /* TEXT: the bytes at scene->text + text */
	int16_t box;        /* the index of the box (dv_scene_box) it must stay inside; -1 none */
	int16_t region;     /* the region it was added in; -1 none */
};

/* A named rectangle a click or a hover can find; desc is hover text (static), or NULL. */
struct dv_shit {
	char name[48];
	int x, y, w, h;
	const char *desc;
};

/* A container text must stay inside (a box of the diagram, a region); tests check it. */
struct dv_sbox {
	char name[32];
	int x, y, w, h;
	bool region;  /* one of the layout's fixed regions */
	bool scrolls; /* its text continues elsewhere (narration that scrolls) */
};

struct dv_scene {
	int w, h;
	dv_scene_metrics_fn metrics;
	void *metrics_ctx;
	struct dv_sitem *item;
	size_t n, cap;
	struct dv_shit *hit;
	size_t nhit, hitcap;
	struct dv_sbox *box;
	size_t nbox, boxcap;
	char *text;
	size_t tlen, tcap;
	int16_t cur_box, cur_region; /* what new items belong to */
	bool full;                   /* something was dropped */
};

void dv_scene_init(struct dv_scene *sc, dv_scene_metrics_fn m, void *ctx);
void dv_scene_finish(struct dv_scene *sc);
/* Empties the scene for a new frame of size w x h (keeps its storage). */
void dv_scene_reset(struct dv_scene *sc, int w, int h);
struct dv_scene_font dv_scene_font(const struct dv_scene *sc, int px);

void dv_scene_rect(struct dv_scene *sc, int x, int y, int w, int h, enum dv_wcolor c);
void dv_scene_line(struct dv_scene *sc, int x1, int y1, int x2, int y2, int t, int dash, int gap,
                   enum dv_wcolor c);
/* n bytes of UTF-8 text at (x, y), on a rectangle of colour bg when bg >= 0 (a RECT item
 * before it). Returns its width in pixels. */
int dv_scene_text(struct dv_scene *sc, int px, bool bold, int x, int y, const char *t, size_t n,
                  enum dv_wcolor fg, int bg);
/* A view line at (x, y) in font f, run by run in its roles' colours (a changed value on the
 * changed colour, bold where the role stands out), cut at max cells. dim: DV_ROLE_DIM text is
 * drawn dim (else as plain text: a value must read from the back of the room). */
void dv_scene_vline(struct dv_scene *sc, const struct dv_scene_font *f, int x, int y, size_t max,
                    const struct dv_vline *l, bool dim);
void dv_scene_hit_add(struct dv_scene *sc, int x, int y, int w, int h, const char *desc,
                      const char *name);
/* Opens a container: items added until dv_scene_box_end must stay inside it. */
int dv_scene_box(struct dv_scene *sc, const char *name, int x, int y, int w, int h, bool region);
void dv_scene_box_end(struct dv_scene *sc);

/* The topmost hit at (x, y) (the last added wins), or -1. */
int dv_scene_hit(const struct dv_scene *sc, int x, int y);
/* The hit named name; false when there is none. */
const struct dv_shit *dv_scene_hit_named(const struct dv_scene *sc, const char *name);
const struct dv_sbox *dv_scene_box_named(const struct dv_scene *sc, const char *name);
static inline const char *dv_sitem_text(const struct dv_scene *sc, const struct dv_sitem *it)
{
	return sc->text + it->text;
}

/* The scene as an SVG document in the theme's colours: one element per item, in order (a
 * <rect>, a <line> or a <text>), inside <svg>. False on a write error. */
bool dv_scene_svg(const struct dv_scene *sc, const struct dv_theme *th, FILE *f);

#endif

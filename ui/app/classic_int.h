/* dmaviz: what the classic layout's files share (ui/app only): classic.c places the diagram,
 * the panels and the narration; classic_over.c draws the control row and the window's overlays
 * over either layout. The scene's primitives as the layout uses them, and the layout's
 * geometry. */
#ifndef DV_APP_CLASSIC_INT_H
#define DV_APP_CLASSIC_INT_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "classic.h"

/* ---- the scene's primitives (ui/app/scene.h): colours are the theme's roles ----------------- */

static inline void fill(struct dv_scene *sc, int x, int y, int w, int h, enum dv_wcolor c)
{
	dv_scene_rect(sc, x, y, w, h, c);
}

static inline void frame(struct dv_scene *sc, struct dv_prect b, int t, enum dv_wcolor c)
{
	fill(sc, b.x, b.y, b.w, t, c);
	fill(sc, b.x, b.y + b.h - t, b.w, t, c);
	fill(sc, b.x, b.y, t, b.h, c);
	fill(sc, b.x + b.w - t, b.y, t, b.h, c);
}

/* ---- hits ------------------------------------------------------------------------------------ */

static inline void hit_add(struct dv_classic *s, struct dv_prect r, const char *desc,
                           const char *fmt, ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 4, 5)))
#endif
        ;

static inline void hit_add(struct dv_classic *s, struct dv_prect r, const char *desc,
                           const char *fmt, ...)
{
	char name[48];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(name, sizeof name, fmt, ap);
	va_end(ap);
	dv_scene_hit_add(s->sc, r.x, r.y, r.w, r.h, desc, name);
}

/* ---- text ------------------------------------------------------------------------------------ */

/* n bytes of UTF-8 text at (x, y) in font f; bg < 0: no background. Returns the cells drawn. */
static inline size_t text_at(struct dv_scene *sc, const struct dv_scene_font *f, bool bold, int x,
                             int y, const char *t, size_t n, enum dv_wcolor fg, int bg)
{
	if (n >= 1024)
		n = 1023;
	dv_scene_text(sc, f->px, bold, x, y, t, n, fg, bg);
	return dv_vtext_cells(t, n);
}

static inline int textf(struct dv_scene *sc, const struct dv_scene_font *f, bool bold, int x, int y,
                        enum dv_wcolor fg, const char *fmt, ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 7, 8)))
#endif
        ;

/* Returns the width drawn in pixels. */
static inline int textf(struct dv_scene *sc, const struct dv_scene_font *f, bool bold, int x, int y,
                        enum dv_wcolor fg, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n <= 0)
		return 0;
	return (int)text_at(sc, f, bold, x, y, buf, strlen(buf), fg, -1) * f->cw;
}

/* One view line, role by role, cut at max cells; DV_ROLE_DIM drawn dim. */
static inline void vline_at(struct dv_scene *sc, const struct dv_scene_font *f, int x, int y,
                            const struct dv_vline *l, size_t max)
{
	dv_scene_vline(sc, f, x, y, max, l, true);
}

/* ---- the layout's geometry ------------------------------------------------------------------- */

struct box {
	int x, y, w, h;
};

struct layout {
	int W, H, u;
	int title_y, irq_y;
	struct box cpu, dma, nic, mem, page, peer;
	int bus_y, bus_h, bus_x2;
	struct dv_prect timing, side, narr, controls;
};

/* The control row: buttons, the speed, the status toast and the lesson's timeline. */
void dv_cl_controls(struct dv_scene *sc, struct dv_classic *s, const struct layout *L);
/* The window's overlays over either layout: help, or the rule's explanation, or the hover
 * text; and the quit question. */
void dv_cl_overlays(struct dv_scene *sc, struct dv_classic *s, const struct layout *L);

#endif

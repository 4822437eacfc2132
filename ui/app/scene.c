/* dmaviz: the scene's display list, its hits and containers, and its SVG (scene.h). */
#include "scene.h"

#include <stdlib.h>
#include <string.h>

void dv_scene_mono(void *ctx, int px, struct dv_scene_font *out)
{
	(void)ctx;
	if (px < 1)
		px = 1;
	out->px = px;
	out->cw = (px * 1233 + 1024) / 2048;
	out->lh = (px * 2384 + 2047) / 2048;
	if (out->cw < 1)
		out->cw = 1;
}

void dv_scene_init(struct dv_scene *sc, dv_scene_metrics_fn m, void *ctx)
{
	memset(sc, 0, sizeof *sc);
	sc->metrics = m ? m : dv_scene_mono;
	sc->metrics_ctx = ctx;
	sc->cur_box = sc->cur_region = -1;
}

void dv_scene_finish(struct dv_scene *sc)
{
	free(sc->item);
	free(sc->hit);
	free(sc->box);
	free(sc->text);
	memset(sc, 0, sizeof *sc);
}

void dv_scene_reset(struct dv_scene *sc, int w, int h)
{
	sc->w = w;
	sc->h = h;
	sc->n = sc->nhit = sc->nbox = sc->tlen = 0;
	sc->cur_box = sc->cur_region = -1;
	sc->full = false;
}

struct dv_scene_font dv_scene_font(const struct dv_scene *sc, int px)
{
	struct dv_scene_font f = { px, 1, 1 };
	sc->metrics(sc->metrics_ctx, px, &f);
	return f;
}

/* Room for one more element of size sz in *arr (n used, *cap allocated, at most max). */
static bool grow(void **arr, size_t n, size_t *cap, size_t sz, size_t max)
{
	if (n < *cap)
		return true;
	if (n >= max)
		return false;
	size_t nc = *cap ? *cap * 2 : 64;
	if (nc > max)
		nc = max;
	void *p = realloc(*arr, nc * sz);
	if (!p)
		return false;
	*arr = p;
	*cap = nc;
	return true;
}

static struct dv_sitem *add(struct dv_scene *sc, enum dv_sitem_kind k, enum dv_wcolor c)
{
	if (!grow((void **)&sc->item, sc->n, &sc->cap, sizeof *sc->item, DV_SCENE_MAX_ITEMS)) {
		sc->full = true;
		return NULL;
	}
	struct dv_sitem *it = &sc->item[sc->n++];
	memset(it, 0, sizeof *it);
	it->kind = (uint8_t)k;
	it->color = (uint8_t)c;
	it->box = sc->cur_box;
	it->region = sc->cur_region;
	return it;
}

void dv_scene_rect(struct dv_scene *sc, int x, int y, int w, int h, enum dv_wcolor c)
{
	if (w <= 0 || h <= 0)
		return;
	struct dv_sitem *it = add(sc, DV_SI_RECT, c);
	if (it)
		*it = (struct dv_sitem){ .kind = DV_SI_RECT,
			                 .color = (uint8_t)c,
			                 .x = x,
			                 .y = y,
			                 .w = w,
			                 .h = h,
			                 .box = it->box,
			                 .region = it->region };
}

void dv_scene_line(struct dv_scene *sc, int x1, int y1, int x2, int y2, int t, int dash, int gap,
                   enum dv_wcolor c)
{
	if (x1 != x2 && y1 != y2)
		return; /* axis-parallel only */
	struct dv_sitem *it = add(sc, DV_SI_LINE, c);
	if (!it)
		return;
	it->x = x1;
	it->y = y1;
	it->w = x2 - x1;
	it->h = y2 - y1;
	it->t = t;
	it->dash = dash;
	it->gap = gap;
}

int dv_scene_text(struct dv_scene *sc, int px, bool bold, int x, int y, const char *t, size_t n,
                  enum dv_wcolor fg, int bg)
{
	struct dv_scene_font f = dv_scene_font(sc, px);
	int w = (int)dv_vtext_cells(t, n) * f.cw;
	if (!n)
		return 0;
	if (bg >= 0)
		dv_scene_rect(sc, x, y, w, f.lh, (enum dv_wcolor)bg);
	while (sc->tlen + n > sc->tcap)
		if (!grow((void **)&sc->text, sc->tcap, &sc->tcap, 1, DV_SCENE_MAX_TEXT)) {
			sc->full = true;
			return w;
		}
	struct dv_sitem *it = add(sc, DV_SI_TEXT, fg);
	if (!it)
		return w;
	memcpy(sc->text + sc->tlen, t, n);
	it->text = (uint32_t)sc->tlen;
	it->len = (uint32_t)n;
	sc->tlen += n;
	it->bold = bold;
	it->px = px;
	it->x = x;
	it->y = y;
	it->w = w;
	it->h = f.lh;
	return w;
}

/* The colour and weight of a role's text; bg the role's background, or -1. */
static enum dv_wcolor role_color(enum dv_role r, bool dim, bool *bold, int *bg)
{
	*bold = r == DV_ROLE_HEADING || r == DV_ROLE_CHANGED || r == DV_ROLE_HIGHLIGHT ||
	        r == DV_ROLE_ERROR;
	*bg = r == DV_ROLE_CHANGED ? DV_WC_changed : -1;
	switch (r) {
	case DV_ROLE_HEADING: return DV_WC_head;
	case DV_ROLE_CHANGED: return DV_WC_on_changed;
	case DV_ROLE_HIGHLIGHT: return DV_WC_hilite;
	case DV_ROLE_DIM: return dim ? DV_WC_dim : DV_WC_text;
	case DV_ROLE_ERROR: return DV_WC_error;
	case DV_ROLE_FADING: return DV_WC_changed;
	default: return DV_WC_text;
	}
}

void dv_scene_vline(struct dv_scene *sc, const struct dv_scene_font *f, int x, int y, size_t max,
                    const struct dv_vline *l, bool dim)
{
	size_t i = 0, col = 0;
	while (i < l->len && col < max) {
		size_t j = i;
		while (j < l->len && l->roles[j] == l->roles[i])
			j++;
		size_t n = dv_vtext_bytes_for(l->text + i, j - i, max - col);
		if (n == 0)
			break;
		bool bold;
		int bg;
		enum dv_wcolor fg = role_color((enum dv_role)l->roles[i], dim, &bold, &bg);
		dv_scene_text(sc, f->px, bold, x + (int)col * f->cw, y, l->text + i, n, fg, bg);
		col += dv_vtext_cells(l->text + i, n);
		i += n;
	}
}

void dv_scene_hit_add(struct dv_scene *sc, int x, int y, int w, int h, const char *desc,
                      const char *name)
{
	if (w <= 0 || h <= 0)
		return;
	if (!grow((void **)&sc->hit, sc->nhit, &sc->hitcap, sizeof *sc->hit, DV_SCENE_MAX_HITS)) {
		sc->full = true;
		return;
	}
	struct dv_shit *ht = &sc->hit[sc->nhit++];
	snprintf(ht->name, sizeof ht->name, "%s", name);
	ht->x = x;
	ht->y = y;
	ht->w = w;
	ht->h = h;
	ht->desc = desc;
}

int dv_scene_box(struct dv_scene *sc, const char *name, int x, int y, int w, int h, bool region)
{
	if (sc->nbox >= INT16_MAX ||
	    !grow((void **)&sc->box, sc->nbox, &sc->boxcap, sizeof *sc->box, 4096)) {
		sc->full = true;
		return -1;
	}
	struct dv_sbox *b = &sc->box[sc->nbox];
	memset(b, 0, sizeof *b);
	snprintf(b->name, sizeof b->name, "%s", name);
	b->x = x;
	b->y = y;
	b->w = w;
	b->h = h;
	b->region = region;
	if (region)
		sc->cur_region = (int16_t)sc->nbox;
	sc->cur_box = (int16_t)sc->nbox;
	return (int)sc->nbox++;
}

void dv_scene_box_end(struct dv_scene *sc)
{
	/* A box inside a region ends into the region; a region ends into nothing. */
	if (sc->cur_box != sc->cur_region)
		sc->cur_box = sc->cur_region;
	else
		sc->cur_box = sc->cur_region = -1;
}

int dv_scene_hit(const struct dv_scene *sc, int x, int y)
{
	for (size_t i = sc->nhit; i-- > 0;) {
		const struct dv_shit *h = &sc->hit[i];
		if (x >= h->x && x < h->x + h->w && y >= h->y && y < h->y + h->h)
			return (int)i;
	}
	return -1;
}

const struct dv_shit *dv_scene_hit_named(const struct dv_scene *sc, const char *name)
{
	for (size_t i = 0; i < sc->nhit; i++)
		if (!strcmp(sc->hit[i].name, name))
			return &sc->hit[i];
	return NULL;
}

const struct dv_sbox *dv_scene_box_named(const struct dv_scene *sc, const char *name)
{
	for (size_t i = 0; i < sc->nbox; i++)
		if (!strcmp(sc->box[i].name, name))
			return &sc->box[i];
	return NULL;
}

/* ---- SVG ------------------------------------------------------------------------------------- */

static void svg_color(FILE *f, const struct dv_theme *th, unsigned c)
{
	unsigned base = c & ~DV_SCENE_DARK;
	struct dv_rgb k = th->win[base < DV_WC_COUNT ? base : DV_WC_text];
	if (c & DV_SCENE_DARK)
		k = (struct dv_rgb){ (uint8_t)(k.r / 5), (uint8_t)(k.g / 5), (uint8_t)(k.b / 5) };
	fprintf(f, "#%02x%02x%02x", k.r, k.g, k.b);
}

/* Text as XML character data: the five markup characters escaped, control bytes dropped. */
static void svg_text(FILE *f, const char *t, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)t[i];
		switch (ch) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&apos;", f); break;
		default:
			if (ch >= 0x20 && ch != 0x7F)
				fputc(ch, f);
		}
	}
}

static void svg_item(FILE *f, const struct dv_scene *sc, const struct dv_theme *th,
                     const struct dv_sitem *it)
{
	switch ((enum dv_sitem_kind)it->kind) {
	case DV_SI_RECT:
		fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"", it->x,
		        it->y, it->w, it->h);
		svg_color(f, th, it->color);
		fputs("\"/>\n", f);
		break;
	case DV_SI_LINE:
		fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke-width=\"%d\"",
		        it->x, it->y, it->x + it->w, it->y + it->h, it->t);
		if (it->gap > 0 && it->dash > 0)
			fprintf(f, " stroke-dasharray=\"%d %d\"", it->dash, it->gap);
		fputs(" stroke=\"", f);
		svg_color(f, th, it->color);
		fputs("\"/>\n", f);
		break;
	case DV_SI_TEXT:
		/* y is the top of the line; the baseline is the font's ascent (1901/2048 em) below. */
		fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"%d\"%s textLength=\"%d\" fill=\"",
		        it->x, it->y + (it->px * 1901 + 1024) / 2048, it->px,
		        it->bold ? " font-weight=\"bold\"" : "", it->w);
		svg_color(f, th, it->color);
		fputs("\">", f);
		svg_text(f, dv_sitem_text(sc, it), it->len);
		fputs("</text>\n", f);
		break;
	}
}

/* Runs of spaces align columns (hex rows, output tables): xml:space="preserve" keeps them for
 * SVG 1.1 readers, the style sheet's white-space:pre for browsers (Chromium collapses them
 * otherwise, even under xml:space, and ignores the property set on the root element). */
bool dv_scene_svg(const struct dv_scene *sc, const struct dv_theme *th, FILE *f)
{
	fprintf(f,
	        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
	        "viewBox=\"0 0 %d %d\" font-family=\"DejaVu Sans Mono, monospace\" "
	        "xml:space=\"preserve\">\n<style>text { white-space: pre; }</style>\n",
	        sc->w, sc->h, sc->w, sc->h);
	fprintf(f, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"", sc->w, sc->h);
	svg_color(f, th, DV_WC_bg);
	fputs("\"/>\n", f);
	for (size_t i = 0; i < sc->n; i++)
		svg_item(f, sc, th, &sc->item[i]);
	fputs("</svg>\n", f);
	return !ferror(f);
}

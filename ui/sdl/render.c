/* dmaviz: painting a scene (ui/app/scene.h) with SDL: rectangles as fills, lines as runs of
 * fills (dashes included), text through SDL_ttf at the item's font size. Nothing here decides
 * where anything goes. */
#include "config.h"

#include "sdl_int.h"

#include <stdlib.h>
#include <string.h>

void dv_sdl_metrics(void *ctx, int px, struct dv_scene_font *out)
{
	const struct dv_font *f = dv_sdl_font_px(ctx, px);
	if (!f) {
		dv_scene_mono(NULL, px, out);
		return;
	}
	out->px = px;
	out->cw = f->cw;
	out->lh = f->lh;
}

static SDL_Color theme_color(const struct dv_sdl_theme *th, unsigned c)
{
	switch (c) {
#define DV_THEME_X(n)                                                                              \
	case DV_WC_##n: return th->n;
		DV_THEME_WINDOW_COLORS(DV_THEME_X)
#undef DV_THEME_X
	default: return th->text;
	}
}

static SDL_Color color_of(const struct dv_sdl *s, unsigned c)
{
	SDL_Color k = theme_color(s->th, c & ~(unsigned)DV_SCENE_DARK);
	if (c & DV_SCENE_DARK)
		k = (SDL_Color){ k.r / 5, k.g / 5, k.b / 5, 255 };
	return k;
}

static void fill(SDL_Renderer *r, int x, int y, int w, int h, SDL_Color c)
{
	if (w <= 0 || h <= 0)
		return;
	SDL_Rect rc = { x, y, w, h };
	SDL_SetRenderDrawColor(r, c.r, c.g, c.b, c.a);
	SDL_RenderFillRect(r, &rc);
}

/* An axis-parallel line, t thick, in dashes of dash with gaps of gap (gap 0: solid). */
static void line(SDL_Renderer *r, const struct dv_sitem *it, SDL_Color c)
{
	bool across = it->h == 0;
	int x1 = it->x, y1 = it->y, x2 = it->x + it->w, y2 = it->y + it->h, t = it->t;
	int a = across ? (x1 < x2 ? x1 : x2) : (y1 < y2 ? y1 : y2);
	int len = across ? abs(x2 - x1) : abs(y2 - y1);
	int dash = it->dash, gap = it->gap;
	if (gap <= 0 || dash <= 0)
		dash = len;
	for (int k = 0; k < len; k += dash + (gap > 0 ? gap : 0)) {
		int n = k + dash <= len ? dash : len - k;
		if (across)
			fill(r, a + k, y1 - t / 2, n, t, c);
		else
			fill(r, x1 - t / 2, a + k, t, n, c);
	}
}

/* Rendered text runs, kept from frame to frame: SDL_ttf's rasterizing is most of a frame's
 * cost, and most runs are the same from one frame to the next. Surfaces, not textures: a
 * texture dies with its renderer, and callers (screenshots, tests) make and destroy
 * renderers. Direct-mapped by a hash of the run; a run longer than DV_TEXT_KEY is not kept;
 * past DV_TEXT_BYTES of pixels the cache starts again empty. */
#define DV_TEXT_SLOTS 512u
#define DV_TEXT_KEY 160u
#define DV_TEXT_BYTES (32u << 20)
struct dv_text_slot {
	SDL_Surface *surf;
	int px;
	bool bold;
	SDL_Color c;
	size_t len;
	char text[DV_TEXT_KEY];
};
struct dv_text_cache {
	struct dv_text_slot slot[DV_TEXT_SLOTS];
	size_t bytes; /* pixels kept */
};

static size_t surf_bytes(const SDL_Surface *surf)
{
	return surf ? (size_t)surf->pitch * (size_t)surf->h : 0;
}

static void cache_empty(struct dv_text_cache *tc)
{
	for (size_t i = 0; i < DV_TEXT_SLOTS; i++) {
		SDL_FreeSurface(tc->slot[i].surf);
		tc->slot[i].surf = NULL;
	}
	tc->bytes = 0;
}

void dv_sdl_text_cache_free(struct dv_sdl *s)
{
	if (!s->tcache)
		return;
	cache_empty(s->tcache);
	free(s->tcache);
	s->tcache = NULL;
}

static uint32_t run_hash(const char *t, size_t n, int px, bool bold, SDL_Color c)
{
	uint32_t h = 2166136261u ^ (uint32_t)px ^ (bold ? 0x9e3779b9u : 0) ^
	             ((uint32_t)c.r << 16 | (uint32_t)c.g << 8 | c.b);
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)t[i]) * 16777619u;
	return h;
}

/* The run's surface: from the cache, else rendered (and kept when it fits a slot). *owned
 * says the caller frees it. */
static SDL_Surface *run_surface(struct dv_sdl *s, const struct dv_font *f, const char *t, size_t n,
                                int px, bool bold, SDL_Color c, bool *owned)
{
	char buf[1024];
	if (n >= sizeof buf)
		n = sizeof buf - 1;
	*owned = true;
	if (!s->tcache)
		s->tcache = calloc(1, sizeof *s->tcache);
	struct dv_text_slot *sl = NULL;
	if (s->tcache && n <= DV_TEXT_KEY) {
		sl = &s->tcache->slot[run_hash(t, n, px, bold, c) % DV_TEXT_SLOTS];
		if (sl->surf && sl->px == px && sl->bold == bold && sl->len == n &&
		    sl->c.r == c.r && sl->c.g == c.g && sl->c.b == c.b && !memcmp(sl->text, t, n)) {
			*owned = false;
			return sl->surf;
		}
	}
	memcpy(buf, t, n);
	buf[n] = '\0';
	SDL_Surface *surf = TTF_RenderUTF8_Blended(bold ? f->bold : f->reg, buf, c);
	if (surf && sl) {
		s->tcache->bytes -= surf_bytes(sl->surf);
		SDL_FreeSurface(sl->surf);
		sl->surf = NULL;
		if (s->tcache->bytes + surf_bytes(surf) > DV_TEXT_BYTES)
			cache_empty(s->tcache);
		s->tcache->bytes += surf_bytes(surf);
		*sl = (struct dv_text_slot){
			.surf = surf, .px = px, .bold = bold, .c = c, .len = n
		};
		memcpy(sl->text, t, n);
		*owned = false;
	}
	return surf;
}

static void text(SDL_Renderer *r, struct dv_sdl *s, const struct dv_scene *sc,
                 const struct dv_sitem *it, SDL_Color c)
{
	const struct dv_font *f = dv_sdl_font_px(s, it->px);
	if (!f || !it->len)
		return;
	bool owned;
	SDL_Surface *surf =
	        run_surface(s, f, dv_sitem_text(sc, it), it->len, it->px, it->bold, c, &owned);
	if (!surf)
		return;
	SDL_Texture *tex = SDL_CreateTextureFromSurface(r, surf);
	if (tex) {
		SDL_Rect dst = { it->x, it->y, surf->w, surf->h };
		SDL_RenderCopy(r, tex, NULL, &dst);
		SDL_DestroyTexture(tex);
	}
	if (owned)
		SDL_FreeSurface(surf);
}

void dv_sdl_render(struct dv_sdl *s, SDL_Renderer *r, const struct dv_scene *sc)
{
	SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_NONE);
	SDL_Color bg = color_of(s, DV_WC_bg);
	SDL_SetRenderDrawColor(r, bg.r, bg.g, bg.b, bg.a);
	SDL_RenderClear(r);
	for (size_t i = 0; i < sc->n; i++) {
		const struct dv_sitem *it = &sc->item[i];
		SDL_Color c = color_of(s, it->color);
		switch ((enum dv_sitem_kind)it->kind) {
		case DV_SI_RECT: fill(r, it->x, it->y, it->w, it->h, c); break;
		case DV_SI_LINE: line(r, it, c); break;
		case DV_SI_TEXT: text(r, s, sc, it, c); break;
		}
	}
}

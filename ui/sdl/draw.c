/* dmaviz: a frame of the SDL2 mode. The layouts are built in ui/app (the classic one in
 * classic.c, the presentation one in present.c) from what the window has open, its struct
 * dv_ui_state; this file fills that state in, asks for the current layout's scene and has
 * render.c paint it. */
#include "config.h"

#include "sdl_int.h"

#include <string.h>

bool dv_sdl_hit_rect(const struct dv_sdl *s, const char *name, SDL_Rect *out)
{
	const struct dv_shit *h = dv_scene_hit_named(&s->scene, name);
	if (h && out)
		*out = (SDL_Rect){ h->x, h->y, h->w, h->h };
	return h != NULL;
}

const struct dv_scene *dv_sdl_scene(const struct dv_sdl *s)
{
	return &s->scene;
}

/* What the window has open, as the layouts read it (the fonts are open). */
static void ui_state(const struct dv_sdl *s, struct dv_ui_state *ui)
{
	memset(ui, 0, sizeof *ui);
	ui->px_small = s->small.px;
	ui->px_big = s->big.px;
	ui->side_tab = s->side_tab;
	ui->help = s->help;
	ui->explain = s->explain;
	ui->output = s->output;
	ui->out_back = s->out_back;
	ui->ask_quit = s->ask_quit;
	ui->input = s->input ? s->inbuf : NULL;
	ui->ask = dv_sdl_current_ask(s);
	ui->mouse_in = s->mouse_in;
	ui->mx = s->mx;
	ui->my = s->my;
	ui->status = s->status;
	ui->playing = s->playing;
	ui->demo = s->demo;
	ui->play = &s->play;
	ui->rate = dv_sdl_rate(s);
	ui->snapshot = s->snapshot;
}

void dv_sdl_compose(struct dv_sdl *s, struct dv_scene *sc, int W, int H)
{
	dv_scene_reset(sc, W, H);
	if (!dv_sdl_fonts_for(s, H)) {
		dv_scene_rect(sc, 0, 0, W, H, DV_WC_bg);
		return;
	}
	struct dv_ui_state ui;
	ui_state(s, &ui);
	if (dv_sdl_presenting(s))
		dv_classic_compose_present(&s->classic, &s->present, &ui, sc);
	else
		dv_classic_compose(&s->classic, &ui, sc);
}

void dv_sdl_draw(struct dv_sdl *s, SDL_Renderer *r)
{
	int W = 1280, H = 720;
	if (SDL_GetRendererOutputSize(r, &W, &H) != 0 || W <= 0 || H <= 0)
		W = 1280, H = 720;
	s->out_w = W;
	s->out_h = H;
	dv_sdl_compose(s, &s->scene, W, H);
	dv_sdl_render(s, r, &s->scene);
}

/* dmaviz: the SDL2 mode. A block diagram of system DMA for a projector: CPU, host memory, the
 * 8237A with its page register, the ISA bus, the NIC and the wire to the peer station, with the
 * DREQ/DACK/HRQ/HLDA/TC/IRQ lines lit from the cursor's state, and the lesson's narration
 * along the bottom. The view (ui/view) decides what changed; this file only draws. */
#include "config.h"

#include "sdlui.h"
#include "files.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL_ttf.h>
#include <fontconfig/fontconfig.h>

#include "dma8237.h"
#include "lesson.h"
#include "sim.h"
#include "view.h"

#define MAX_LESSON_BYTES (1u << 20)

struct font {
	TTF_Font *reg, *bold;
	int px, cw, lh;
};

struct dv_sdl {
	char *text;
	struct dv_lesson *lesson;
	struct dv_run *run;
	struct dv_view view;
	bool view_ok;
	struct dv_vpanel narr, mem, tmp, box;
	char font_path[4096], bold_path[4096];
	struct font small, big;
	int font_h; /* the output height the fonts were opened for; 0 none */
	bool fullscreen;
	SDL_Window *win;
	char status[160];
};

/* ---- colours: dark background, bright text, one loud colour for "changed" --------------- */

static const SDL_Color C_BG = { 12, 16, 24, 255 }, C_TEXT = { 240, 240, 240, 255 },
		       C_HEAD = { 110, 200, 255, 255 }, C_CHANGED = { 255, 214, 0, 255 },
		       C_DIM = { 150, 156, 170, 255 }, C_ERROR = { 255, 96, 96, 255 },
		       C_HILITE = { 140, 255, 150, 255 }, C_BORDER = { 110, 122, 145, 255 },
		       C_BOXFILL = { 26, 34, 50, 255 }, C_MASKED = { 80, 22, 26, 255 },
		       C_XFER = { 18, 72, 34, 255 }, C_WIRE_OFF = { 70, 74, 88, 255 },
		       C_WIRE_ON = { 80, 255, 110, 255 }, C_WIRE_PULSE = { 255, 150, 30, 255 },
		       C_BLACK = { 0, 0, 0, 255 };

static void set_color(SDL_Renderer *r, SDL_Color c)
{
	SDL_SetRenderDrawColor(r, c.r, c.g, c.b, c.a);
}

static void fill(SDL_Renderer *r, int x, int y, int w, int h, SDL_Color c)
{
	if (w <= 0 || h <= 0)
		return;
	SDL_Rect rc = { x, y, w, h };
	set_color(r, c);
	SDL_RenderFillRect(r, &rc);
}

/* ---- fonts ---------------------------------------------------------------------------------- */

/* "DejaVu Sans Mono" (style) through fontconfig: the file, or false when the match is some
 * other family (fontconfig always answers with something). */
static bool find_font(const char *pattern, char *out, size_t outlen)
{
	bool ok = false;
	FcPattern *pat = FcNameParse((const FcChar8 *)pattern);
	if (!pat)
		return false;
	FcConfigSubstitute(NULL, pat, FcMatchPattern);
	FcDefaultSubstitute(pat);
	FcResult res;
	FcPattern *m = FcFontMatch(NULL, pat, &res);
	if (m) {
		FcChar8 *file = NULL, *family = NULL;
		if (FcPatternGetString(m, FC_FILE, 0, &file) == FcResultMatch &&
		    FcPatternGetString(m, FC_FAMILY, 0, &family) == FcResultMatch &&
		    !strcmp((const char *)family, "DejaVu Sans Mono")) {
			snprintf(out, outlen, "%s", (const char *)file);
			ok = true;
		}
		FcPatternDestroy(m);
	}
	FcPatternDestroy(pat);
	return ok;
}

static void font_close(struct font *f)
{
	if (f->reg)
		TTF_CloseFont(f->reg);
	if (f->bold)
		TTF_CloseFont(f->bold);
	memset(f, 0, sizeof *f);
}

static bool font_open(struct dv_sdl *s, struct font *f, int px)
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

/* Text size follows the output height: 18 px (boxes) and 24 px (narration) at 720 lines. */
static bool fonts_for(struct dv_sdl *s, int h)
{
	if (s->font_h == h && s->small.reg)
		return true;
	int sp = h * 18 / 720, bp = h * 24 / 720;
	if (sp < 8)
		sp = 8;
	if (bp < 9)
		bp = 9;
	if (!font_open(s, &s->small, sp) || !font_open(s, &s->big, bp))
		return false;
	s->font_h = h;
	return true;
}

/* ---- text ------------------------------------------------------------------------------------ */

/* Draws n bytes of UTF-8 text at (x, y); bg NULL: no background. Returns the cells drawn. */
static size_t text_at(SDL_Renderer *r, const struct font *f, bool bold, int x, int y, const char *t,
		      size_t n, SDL_Color fg, const SDL_Color *bg)
{
	size_t cells = dv_vtext_cells(t, n);
	if (!n || !f->reg)
		return cells;
	char buf[1024];
	if (n >= sizeof buf)
		n = sizeof buf - 1;
	memcpy(buf, t, n);
	buf[n] = '\0';
	if (bg)
		fill(r, x, y, (int)cells * f->cw, f->lh, *bg);
	SDL_Surface *surf = TTF_RenderUTF8_Blended(bold ? f->bold : f->reg, buf, fg);
	if (!surf)
		return cells;
	SDL_Texture *tex = SDL_CreateTextureFromSurface(r, surf);
	if (tex) {
		SDL_Rect dst = { x, y, surf->w, surf->h };
		SDL_RenderCopy(r, tex, NULL, &dst);
		SDL_DestroyTexture(tex);
	}
	SDL_FreeSurface(surf);
	return cells;
}

static void textf(SDL_Renderer *r, const struct font *f, bool bold, int x, int y, SDL_Color fg,
		  const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 7, 8)))
#endif
	;

static void textf(SDL_Renderer *r, const struct font *f, bool bold, int x, int y, SDL_Color fg,
		  const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n > 0)
		text_at(r, f, bold, x, y, buf, strlen(buf), fg, NULL);
}

/* One view line, role by role, cut at max cells. */
static void vline_at(SDL_Renderer *r, const struct font *f, int x, int y, const struct dv_vline *l,
		     size_t max)
{
	size_t i = 0, col = 0;
	while (i < l->len && col < max) {
		size_t j = i;
		while (j < l->len && l->roles[j] == l->roles[i])
			j++;
		size_t n = dv_vtext_bytes_for(l->text + i, j - i, max - col);
		enum dv_role role = (enum dv_role)l->roles[i];
		SDL_Color fg = C_TEXT;
		const SDL_Color *bg = NULL;
		bool bold = false;
		switch (role) {
		case DV_ROLE_HEADING: fg = C_HEAD; bold = true; break;
		case DV_ROLE_CHANGED: fg = C_BLACK; bg = &C_CHANGED; bold = true; break;
		case DV_ROLE_HIGHLIGHT: fg = C_HILITE; bold = true; break;
		case DV_ROLE_DIM: fg = C_DIM; break;
		case DV_ROLE_ERROR: fg = C_ERROR; bold = true; break;
		case DV_ROLE_FADING: fg = C_CHANGED; break;
		default: break;
		}
		col += text_at(r, f, bold, x + (int)col * f->cw, y, l->text + i, n, fg, bg);
		i = j;
	}
}

/* Lines built here (boxes) use the view's line type, so one function draws them all. */
static struct dv_vline *add_line(struct dv_vpanel *p)
{
	static struct dv_vline dummy;
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		struct dv_vline *nl = realloc(p->line, cap * sizeof *nl);
		if (!nl) {
			memset(&dummy, 0, sizeof dummy);
			return &dummy;
		}
		p->line = nl;
		p->cap = cap;
	}
	struct dv_vline *l = &p->line[p->n++];
	memset(l, 0, sizeof *l);
	return l;
}


/* ---- what the view knows ---------------------------------------------------------------------- */

static uint32_t now(const struct dv_sdl *s, enum dv_slot slot, uint32_t i)
{
	return dv_cursor_get(&s->view.now, slot, i);
}

/* Changed in the current move: the view's own rule (now against base). */
static bool chg(const struct dv_sdl *s, enum dv_slot slot, uint32_t i)
{
	return dv_cursor_get(&s->view.now, slot, i) != dv_cursor_get(&s->view.base, slot, i);
}

static enum dv_role role(const struct dv_sdl *s, enum dv_slot slot, uint32_t i)
{
	return chg(s, slot, i) ? DV_ROLE_CHANGED : DV_ROLE_NORMAL;
}

static bool panel_changed(const struct dv_vpanel *p)
{
	for (size_t i = 0; i < p->n; i++)
		for (size_t k = 0; k < p->line[i].len; k++)
			if (p->line[i].roles[k] == DV_ROLE_CHANGED)
				return true;
	return false;
}

/* The channel the lesson is about: from the view's 8237A panel title ("... channel N ..."). */
static unsigned active_channel(struct dv_sdl *s)
{
	dv_view_dma(&s->view, &s->tmp);
	const char *c = strstr(s->tmp.title, "channel ");
	unsigned ch = c ? (unsigned)strtoul(c + 8, NULL, 10) : 1;
	return ch < 8 ? ch : 1;
}

/* Did the slot's bit go high at any point of the current move (a pulse: DACK, TC)? */
static bool pulsed(const struct dv_sdl *s, enum dv_slot slot, uint32_t index, uint32_t bits)
{
	const struct dv_event *ev = s->view.sim->trace.ev;
	for (size_t i = s->view.from; i < s->view.pos; i++)
		if (ev[i].kind == DV_EV_STATE && ev[i].slot == slot && ev[i].index == index &&
		    (ev[i].new_value & bits))
			return true;
	return false;
}

static size_t xfers(const struct dv_sdl *s)
{
	size_t n = 0;
	const struct dv_event *ev = s->view.sim->trace.ev;
	for (size_t i = s->view.from; i < s->view.pos; i++)
		n += ev[i].kind == DV_EV_XFER;
	return n;
}

static size_t wire_bytes(const struct dv_sdl *s, uint32_t dir)
{
	size_t n = 0;
	const struct dv_event *ev = s->view.sim->trace.ev;
	for (size_t i = s->view.from; i < s->view.pos; i++)
		n += ev[i].kind == DV_EV_WIRE && ev[i].index == dir;
	return n;
}

/* A signal's level: 2 high now, 1 high at some point of this move, 0 low. */
static int level(const struct dv_sdl *s, enum dv_slot slot, uint32_t index, uint32_t bits)
{
	if (now(s, slot, index) & bits)
		return 2;
	return pulsed(s, slot, index, bits) ? 1 : 0;
}

/* ---- drawing primitives ------------------------------------------------------------------------ */

struct box {
	int x, y, w, h;
};

static void draw_box(SDL_Renderer *r, const struct dv_sdl *s, struct box b, const char *title,
		     bool changed, SDL_Color fillc, int u)
{
	int bw = changed ? 4 * u : 2 * u;
	fill(r, b.x, b.y, b.w, b.h, changed ? C_CHANGED : C_BORDER);
	fill(r, b.x + bw, b.y + bw, b.w - 2 * bw, b.h - 2 * bw, fillc);
	text_at(r, &s->small, true, b.x + 5 * u, b.y + 3 * u, title, strlen(title),
		changed ? C_CHANGED : C_HEAD, NULL);
}

/* The panel's lines inside a box, under its title. */
static void box_lines(SDL_Renderer *r, const struct dv_sdl *s, struct box b, const struct dv_vpanel *p,
		      int u)
{
	const struct font *f = &s->small;
	int y = b.y + 3 * u + f->lh;
	size_t max = (size_t)((b.w - 10 * u) / f->cw);
	for (size_t i = 0; i < p->n && y + f->lh <= b.y + b.h - 2 * u; i++, y += f->lh)
		vline_at(r, f, b.x + 5 * u, y, &p->line[i], max);
}

static SDL_Color wire_color(int lvl)
{
	return lvl == 2 ? C_WIRE_ON : lvl == 1 ? C_WIRE_PULSE : C_WIRE_OFF;
}

/* An axis-parallel line from (x1, y1) to (x2, y2), thick when lit. */
static void wire(SDL_Renderer *r, int x1, int y1, int x2, int y2, int lvl, int u)
{
	int t = lvl ? 6 * u : 2 * u;
	SDL_Color c = wire_color(lvl);
	if (y1 == y2)
		fill(r, x1 < x2 ? x1 : x2, y1 - t / 2, abs(x2 - x1), t, c);
	else
		fill(r, x1 - t / 2, y1 < y2 ? y1 : y2, t, abs(y2 - y1), c);
}

/* A labelled signal between two boxes: label above the line, centred. */
static void signal(SDL_Renderer *r, const struct dv_sdl *s, int x1, int x2, int y, const char *label,
		   int lvl, int u)
{
	wire(r, x1, y, x2, y, lvl, u);
	const struct font *f = &s->small;
	int tw = (int)dv_vtext_cells(label, strlen(label)) * f->cw;
	text_at(r, f, lvl != 0, (x1 + x2) / 2 - tw / 2, y - f->lh - 3 * u, label, strlen(label),
		lvl ? wire_color(lvl) : C_DIM, NULL);
}

/* ---- the screen ---------------------------------------------------------------------------------- */

static const char *level_name(unsigned irql)
{
	return irql == 0 ? "PASSIVE" : irql == 2 ? "DISPATCH" : irql >= 3 ? "DIRQL" : "APC";
}

void dv_sdl_draw(struct dv_sdl *s, SDL_Renderer *r)
{
	int W = 1280, H = 720;
	if (SDL_GetRendererOutputSize(r, &W, &H) != 0 || W <= 0 || H <= 0)
		W = 1280, H = 720;
	SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_NONE);
	set_color(r, C_BG);
	SDL_RenderClear(r);
	if (!fonts_for(s, H))
		return;
	int u = H / 360 > 0 ? H / 360 : 1; /* 2 px at 720 lines */
	struct dv_view *v = &s->view;
	const struct font *sf = &s->small, *bf = &s->big;
	unsigned ch = active_channel(s), chip = ch / 4, bit = 1u << (ch % 4);

	/* Layout, in fractions of the output. */
	struct box cpu = { W * 15 / 1000, H * 10 / 100, W * 150 / 1000, H * 30 / 100 };
	struct box dma = { W * 250 / 1000, cpu.y, W * 350 / 1000, cpu.h };
	struct box nic = { W * 700 / 1000, cpu.y, W * 285 / 1000, cpu.h };
	int bus_y = H * 445 / 1000, bus_x2 = W * 800 / 1000;
	struct box mem = { cpu.x, H * 49 / 100, W * 475 / 1000, H * 19 / 100 };
	struct box page = { W * 510 / 1000, mem.y, W * 170 / 1000, mem.h };
	struct box peer = { nic.x, mem.y, nic.w, mem.h };
	int narr_y = H * 70 / 100;

	/* Title. */
	const char *title = s->lesson->title ? s->lesson->title : "";
	textf(r, bf, true, cpu.x, H * 8 / 1000, C_TEXT, "dmaviz: %s", title);

	/* Signal levels. */
	uint32_t owner = now(s, DV_SLOT_BUS_OWNER, 0);
	int dreq = level(s, DV_SLOT_BUS_DREQ, 0, bit), dack = level(s, DV_SLOT_BUS_DACK, 0, bit);
	int hrq = level(s, DV_SLOT_DMA_HRQ, 1, 1) ? level(s, DV_SLOT_DMA_HRQ, 1, 1) : level(s, DV_SLOT_DMA_HRQ, 0, 1);
	int hlda = level(s, DV_SLOT_BUS_HLDA, 0, 1), tc = level(s, DV_SLOT_BUS_TC, 0, 0xFF);
	unsigned irq = s->view.now.st.nic.irq;
	int irql = level(s, DV_SLOT_NIC_IRQ_LEVEL, 0, 1);
	size_t moved = xfers(s);
	size_t wtx = wire_bytes(s, 0), wrx = wire_bytes(s, 1);

	/* The bus and the stubs to it. */
	int bl = owner ? 2 : moved ? 1 : 0;
	fill(r, cpu.x, bus_y - 5 * u, bus_x2 - cpu.x, 10 * u, bl ? wire_color(bl) : C_BORDER);
	int label_y = bus_y - 5 * u - sf->lh - u;
	textf(r, sf, true, cpu.x + cpu.w + 12 * u, label_y, bl ? wire_color(bl) : C_DIM,
	      "ISA bus: %s has it", owner ? "the DMA" : "the CPU");
	if (moved)
		textf(r, sf, true, dma.x + dma.w * 3 / 4 + 12 * u, label_y, C_WIRE_ON,
		      "%zu transfer%s this step", moved, moved == 1 ? "" : "s");
	wire(r, cpu.x + cpu.w / 2, cpu.y + cpu.h, cpu.x + cpu.w / 2, bus_y, 0, u);
	wire(r, dma.x + dma.w * 3 / 4, dma.y + dma.h, dma.x + dma.w * 3 / 4, bus_y, moved ? 1 : 0, u);
	wire(r, nic.x + nic.w / 2, nic.y + nic.h, nic.x + nic.w / 2, bus_y, moved ? 1 : 0, u);
	wire(r, mem.x + mem.w / 2, bus_y, mem.x + mem.w / 2, mem.y, moved ? 1 : 0, u);
	wire(r, page.x + page.w / 2, bus_y, page.x + page.w / 2, page.y, moved ? 1 : 0, u);

	/* The wire between the NIC and the peer, past the end of the bus. */
	int wl = (wtx || wrx) ? 1 : 0;
	wire(r, nic.x + nic.w * 3 / 4, nic.y + nic.h, nic.x + nic.w * 3 / 4, peer.y, wl, u);

	/* HRQ / HLDA between the CPU and the 8237A; DREQ / DACK / TC between the NIC and it. */
	char lab[64];
	signal(r, s, cpu.x + cpu.w, dma.x, cpu.y + cpu.h * 35 / 100, "HRQ \xe2\x86\x90", hrq, u);
	signal(r, s, cpu.x + cpu.w, dma.x, cpu.y + cpu.h * 70 / 100, "HLDA \xe2\x86\x92", hlda, u);
	snprintf(lab, sizeof lab, "\xe2\x86\x90 DREQ%u", ch);
	signal(r, s, dma.x + dma.w, nic.x, cpu.y + cpu.h * 28 / 100, lab, dreq, u);
	snprintf(lab, sizeof lab, "DACK%u \xe2\x86\x92", ch);
	signal(r, s, dma.x + dma.w, nic.x, cpu.y + cpu.h * 58 / 100, lab, dack, u);
	signal(r, s, dma.x + dma.w, nic.x, cpu.y + cpu.h * 88 / 100, "TC \xe2\x86\x92", tc, u);
	/* IRQ: from the NIC over the top to the CPU. */
	int iy = H * 75 / 1000;
	wire(r, nic.x + nic.w / 2, nic.y, nic.x + nic.w / 2, iy, irql, u);
	wire(r, nic.x + nic.w / 2, iy, cpu.x + cpu.w / 2, iy, irql, u);
	wire(r, cpu.x + cpu.w / 2, iy, cpu.x + cpu.w / 2, cpu.y, irql, u);
	snprintf(lab, sizeof lab, "\xe2\x86\x90 IRQ%u", irq);
	text_at(r, sf, irql != 0, nic.x - 9 * sf->cw, iy - sf->lh - 3 * u, lab, strlen(lab),
		irql ? wire_color(irql) : C_DIM, NULL);

	/* CPU. */
	struct dv_vpanel *p = &s->box;
	dv_vpanel_clear(p);
	unsigned lv = now(s, DV_SLOT_CPU_IRQL, 0);
	struct dv_vline *l = add_line(p);
	dv_vline_add(l, DV_ROLE_NORMAL, "IRQL ");
	dv_vline_add(l, role(s, DV_SLOT_CPU_IRQL, 0), "%u %s", lv, level_name(lv));
	l = add_line(p);
	dv_vline_add(l, DV_ROLE_NORMAL, "IRR ");
	dv_vline_add(l, role(s, DV_SLOT_CPU_IRR, 0), "0x%04x", now(s, DV_SLOT_CPU_IRR, 0));
	l = add_line(p);
	dv_vline_add(l, DV_ROLE_NORMAL, "DPCs ");
	dv_vline_add(l, role(s, DV_SLOT_CPU_DPC_COUNT, 0), "%u", now(s, DV_SLOT_CPU_DPC_COUNT, 0));
	l = add_line(p);
	dv_vline_add(l, owner ? DV_ROLE_DIM : DV_ROLE_HIGHLIGHT, "%s", owner ? "on hold" : "runs");
	bool cpu_chg = chg(s, DV_SLOT_CPU_IRQL, 0) || chg(s, DV_SLOT_CPU_IRR, 0) ||
		       chg(s, DV_SLOT_CPU_DPC_COUNT, 0) || chg(s, DV_SLOT_CPU_IN_SERVICE, 0);
	draw_box(r, s, cpu, "CPU", cpu_chg, C_BOXFILL, u);
	box_lines(r, s, cpu, p, u);

	/* The 8237A: its fill says masked (red), transferring (green) or waiting. */
	dv_view_dma(v, &s->tmp);
	bool dma_chg = panel_changed(&s->tmp);
	bool masked = (now(s, DV_SLOT_DMA_MASK, chip) & bit) != 0;
	bool active = moved || dack || now(s, DV_SLOT_DMA_ACTIVE, chip) == (ch % 4) + 1;
	dv_vpanel_clear(p);
	uint32_t cnt = now(s, DV_SLOT_DMA_COUNT, ch), mode = now(s, DV_SLOT_DMA_MODE, ch);
	l = add_line(p);
	dv_vline_add(l, DV_ROLE_NORMAL, "address ");
	dv_vline_add(l, role(s, DV_SLOT_DMA_ADDR, ch), "0x%04x", now(s, DV_SLOT_DMA_ADDR, ch));
	dv_vline_add(l, DV_ROLE_DIM, "  base ");
	dv_vline_add(l, role(s, DV_SLOT_DMA_BASE_ADDR, ch), "0x%04x", now(s, DV_SLOT_DMA_BASE_ADDR, ch));
	l = add_line(p);
	dv_vline_add(l, DV_ROLE_NORMAL, "count   ");
	dv_vline_add(l, role(s, DV_SLOT_DMA_COUNT, ch), "0x%04x", cnt);
	if (cnt == 0xFFFF)
		dv_vline_add(l, DV_ROLE_DIM, "  done");
	else
		dv_vline_add(l, DV_ROLE_DIM, "  %u bytes left", (cnt + 1) * (chip ? 2u : 1u));
	l = add_line(p);
	dv_vline_add(l, DV_ROLE_NORMAL, "mode    ");
	dv_vline_add(l, role(s, DV_SLOT_DMA_MODE, ch), "0x%02x", mode);
	dv_vline_add(l, DV_ROLE_NORMAL, " %s, %s%s", dv_dma_sel_name(dv_dma_mode_sel((uint8_t)mode)),
	    (mode & DV_DMA_MODE_DECREMENT) ? "down" : "up", (mode & DV_DMA_MODE_AUTOINIT) ? ", auto" : "");
	l = add_line(p);
	unsigned type = dv_dma_mode_type((uint8_t)mode);
	dv_vline_add(l, type == DV_DMA_ILLEGAL ? DV_ROLE_ERROR : DV_ROLE_NORMAL, "        %s",
	    type == DV_DMA_READ ? "read: memory \xe2\x86\x92 device" :
	    type == DV_DMA_WRITE ? "write: device \xe2\x86\x92 memory" :
	    type == DV_DMA_VERIFY ? "verify: nothing moves" : "illegal type 11");
	l = add_line(p);
	dv_vline_add(l, DV_ROLE_NORMAL, "mask ");
	dv_vline_add(l, role(s, DV_SLOT_DMA_MASK, chip), "%s", masked ? "SET" : "clear");
	dv_vline_add(l, DV_ROLE_NORMAL, "   TC ");
	dv_vline_add(l, role(s, DV_SLOT_DMA_STATUS, chip), "%u", (now(s, DV_SLOT_DMA_STATUS, chip) & bit) ? 1u : 0u);
	dv_vline_add(l, DV_ROLE_NORMAL, "   flip-flop ");
	dv_vline_add(l, role(s, DV_SLOT_DMA_FLIPFLOP, chip), "%s", now(s, DV_SLOT_DMA_FLIPFLOP, chip) ? "hi" : "lo");
	l = add_line(p);
	add_line(p);
	l = add_line(p);
	if (moved)
		dv_vline_add(l, DV_ROLE_HIGHLIGHT, "TRANSFERRED %zu byte%s%s", moved * (chip ? 2u : 1u),
		    moved * (chip ? 2u : 1u) == 1 ? "" : "s", masked ? ", masked now" : "");
	else if (masked)
		dv_vline_add(l, DV_ROLE_ERROR, "MASKED: DREQ is ignored");
	else
		dv_vline_add(l, active ? DV_ROLE_HIGHLIGHT : DV_ROLE_DIM, "%s", active ? "TRANSFERRING" : "unmasked: waiting for DREQ");
	char dtitle[96];
	snprintf(dtitle, sizeof dtitle, "8237A DMA%u  channel %u (%s)", chip + 1, ch, chip ? "16-bit" : "8-bit");
	draw_box(r, s, dma, dtitle, dma_chg, active ? C_XFER : masked ? C_MASKED : C_BOXFILL, u);
	box_lines(r, s, dma, p, u);

	/* NIC: its registers and the FIFOs as bars. */
	dv_view_nic(v, &s->tmp);
	bool nic_chg = panel_changed(&s->tmp);
	char ntitle[96];
	snprintf(ntitle, sizeof ntitle, "NIC at 0x%03x", s->view.now.st.nic.base);
	draw_box(r, s, nic, ntitle, nic_chg, C_BOXFILL, u);
	dv_vpanel_clear(p);
	l = add_line(p);
	dv_vline_add(l, DV_ROLE_NORMAL, "CMD ");
	dv_vline_add(l, role(s, DV_SLOT_NIC_CMD, 0), "0x%02x", now(s, DV_SLOT_NIC_CMD, 0));
	dv_vline_add(l, DV_ROLE_NORMAL, "  ISR ");
	dv_vline_add(l, role(s, DV_SLOT_NIC_ISR, 0), "0x%02x", now(s, DV_SLOT_NIC_ISR, 0));
	l = add_line(p);
	dv_vline_add(l, DV_ROLE_NORMAL, "TX ");
	dv_vline_add(l, role(s, DV_SLOT_NIC_TXLEN, 0), "%u", now(s, DV_SLOT_NIC_TXLEN, 0));
	dv_vline_add(l, DV_ROLE_NORMAL, " B, sent ");
	dv_vline_add(l, role(s, DV_SLOT_NIC_TX_SENT, 0), "%u", now(s, DV_SLOT_NIC_TX_SENT, 0));
	l = add_line(p);
	dv_vline_add(l, DV_ROLE_NORMAL, "TX FIFO ");
	dv_vline_add(l, role(s, DV_SLOT_NIC_TX_COUNT, 0), "%2u", now(s, DV_SLOT_NIC_TX_COUNT, 0));
	l = add_line(p);
	dv_vline_add(l, DV_ROLE_NORMAL, "RX FIFO ");
	dv_vline_add(l, role(s, DV_SLOT_NIC_RX_COUNT, 0), "%2u", now(s, DV_SLOT_NIC_RX_COUNT, 0));
	l = add_line(p);
	dv_vline_add(l, DV_ROLE_NORMAL, "IRQ%u line ", irq);
	dv_vline_add(l, role(s, DV_SLOT_NIC_IRQ_LEVEL, 0), "%s", now(s, DV_SLOT_NIC_IRQ_LEVEL, 0) ? "HIGH" : "low");
	box_lines(r, s, nic, p, u);
	for (int k = 0; k < 2; k++) { /* the bars, right of "TX FIFO nn" / "RX FIFO nn" */
		unsigned fillc = now(s, k ? DV_SLOT_NIC_RX_COUNT : DV_SLOT_NIC_TX_COUNT, 0);
		bool c = chg(s, k ? DV_SLOT_NIC_RX_COUNT : DV_SLOT_NIC_TX_COUNT, 0);
		int x0 = nic.x + 5 * u + 12 * sf->cw, y0 = nic.y + 3 * u + (3 + k) * sf->lh + 3 * u;
		int room = nic.x + nic.w - 8 * u - x0, cell = room / 16;
		for (unsigned i = 0; i < 16 && cell > 2; i++)
			fill(r, x0 + (int)i * cell, y0, cell - u, sf->lh - 6 * u,
			     i < fillc ? (c ? C_CHANGED : C_WIRE_ON) : C_WIRE_OFF);
	}

	/* Host memory: the view's rows around the last transfer, the bytes moved marked. */
	size_t mcells = (size_t)((mem.w - 10 * u) / sf->cw);
	int mroom = mem.h - 3 * u - sf->lh - 4 * u;
	size_t mrows = mroom > sf->lh ? (size_t)(mroom / sf->lh) : 1;
	dv_view_memory(v, &s->mem, mrows, mcells);
	char mtitle[160];
	snprintf(mtitle, sizeof mtitle, "Host memory: %s", s->mem.title);
	draw_box(r, s, mem, mtitle, moved > 0, C_BOXFILL, u);
	box_lines(r, s, mem, &s->mem, u);

	/* The page register: bits 16-23 of the address the 8237A does not have. */
	dv_vpanel_clear(p);
	l = add_line(p);
	dv_vline_add(l, DV_ROLE_NORMAL, "page ");
	dv_vline_add(l, role(s, DV_SLOT_PAGE, ch), "0x%02x", now(s, DV_SLOT_PAGE, ch));
	l = add_line(p);
	dv_vline_add(l, DV_ROLE_DIM, "next phys");
	l = add_line(p);
	bool phys_chg = chg(s, DV_SLOT_PAGE, ch) || chg(s, DV_SLOT_DMA_ADDR, ch);
	dv_vline_add(l, phys_chg ? DV_ROLE_CHANGED : DV_ROLE_NORMAL, "0x%06x", dv_dma_phys(&s->view.now.st, ch));
	snprintf(lab, sizeof lab, "Page reg ch%u", ch);
	draw_box(r, s, page, lab, chg(s, DV_SLOT_PAGE, ch), C_BOXFILL, u);
	box_lines(r, s, page, p, u);

	/* The wire and the peer station. */
	dv_vpanel_clear(p);
	l = add_line(p);
	dv_vline_add(l, DV_ROLE_NORMAL, "wire: ");
	if (wtx || wrx)
		dv_vline_add(l, DV_ROLE_HIGHLIGHT, "%zu B out, %zu B in", wtx, wrx);
	else
		dv_vline_add(l, DV_ROLE_DIM, "quiet this step");
	l = add_line(p);
	dv_vline_add(l, DV_ROLE_NORMAL, "frames received ");
	dv_vline_add(l, role(s, DV_SLOT_PEER_RX_COUNT, 0), "%u", now(s, DV_SLOT_PEER_RX_COUNT, 0));
	l = add_line(p);
	dv_vline_add(l, DV_ROLE_NORMAL, "frames to send  ");
	dv_vline_add(l, role(s, DV_SLOT_PEER_TXQ_COUNT, 0), "%u", now(s, DV_SLOT_PEER_TXQ_COUNT, 0));
	draw_box(r, s, peer, "Wire / peer station",
		 chg(s, DV_SLOT_PEER_RX_COUNT, 0) || chg(s, DV_SLOT_PEER_TXQ_COUNT, 0), C_BOXFILL, u);
	box_lines(r, s, peer, p, u);

	/* Narration and the step counter along the bottom. */
	size_t ncells = (size_t)((W - 2 * cpu.x - 10 * u) / bf->cw);
	dv_view_narration(v, &s->narr, ncells);
	fill(r, 0, narr_y - 4 * u, W, 2 * u, C_BORDER);
	int foot_y = H - sf->lh - 4 * u;
	text_at(r, bf, true, cpu.x, narr_y, s->narr.title, strlen(s->narr.title), C_CHANGED, NULL);
	int y = narr_y + bf->lh + 2 * u;
	for (size_t i = 0; i < s->narr.n && y + bf->lh <= foot_y; i++, y += bf->lh)
		vline_at(r, bf, cpu.x, y, &s->narr.line[i], ncells);
	textf(r, sf, false, cpu.x, foot_y, C_DIM,
	      "j/space next   k/b back   g/G first/last   s screenshot   F11 fullscreen   q quit%s%s",
	      s->status[0] ? "   " : "", s->status);
}

/* ---- the lesson ------------------------------------------------------------------------------------ */



struct dv_sdl *dv_sdl_open(const char *path, char *err, size_t errlen)
{
	struct dv_sdl *s = calloc(1, sizeof *s);
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	dv_vpanel_init(&s->narr);
	dv_vpanel_init(&s->mem);
	dv_vpanel_init(&s->tmp);
	dv_vpanel_init(&s->box);
	const char *env = getenv("DMAVIZ_FONT");
	if (env && *env) {
		snprintf(s->font_path, sizeof s->font_path, "%s", env);
		snprintf(s->bold_path, sizeof s->bold_path, "%s", env);
	} else {
		bool ok = FcInit() && find_font("DejaVu Sans Mono", s->font_path, sizeof s->font_path);
		if (ok && !find_font("DejaVu Sans Mono:bold", s->bold_path, sizeof s->bold_path))
			snprintf(s->bold_path, sizeof s->bold_path, "%s", s->font_path);
		FcFini();
		if (!ok) {
			snprintf(err, errlen, "no font: fontconfig does not find \"DejaVu Sans Mono\"; "
					      "install the Debian package fonts-dejavu-core");
			dv_sdl_close(s);
			return NULL;
		}
	}
	if (!TTF_WasInit() && TTF_Init() != 0) {
		snprintf(err, errlen, "SDL_ttf: %s", TTF_GetError());
		dv_sdl_close(s);
		return NULL;
	}
	if (!fonts_for(s, 720)) {
		snprintf(err, errlen, "cannot open the font %s: %s", s->font_path, TTF_GetError());
		dv_sdl_close(s);
		return NULL;
	}
	size_t len = 0;
	s->text = dv_file_read(path, MAX_LESSON_BYTES, &len);
	if (!s->text) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		dv_sdl_close(s);
		return NULL;
	}
	struct dv_msgs msgs;
	dv_msgs_init(&msgs);
	s->lesson = dv_lesson_parse(path, s->text, len, &msgs);
	if (!s->lesson)
		snprintf(err, errlen, "%s", msgs.n ? msgs.v[0].text : "the lesson does not parse");
	dv_msgs_finish(&msgs);
	if (!s->lesson) {
		dv_sdl_close(s);
		return NULL;
	}
	struct dv_run_options ro = { .load = dv_file_load_relative };
	s->run = dv_run_create(s->lesson, &ro);
	if (!s->run) {
		snprintf(err, errlen, "%s: out of memory", path);
		dv_sdl_close(s);
		return NULL;
	}
	dv_run_all(s->run);
	dv_view_init(&s->view, s->lesson, s->run, NULL, NULL);
	s->view_ok = true;
	return s;
}

void dv_sdl_close(struct dv_sdl *s)
{
	if (!s)
		return;
	font_close(&s->small);
	font_close(&s->big);
	if (s->view_ok)
		dv_view_finish(&s->view);
	dv_vpanel_finish(&s->narr);
	dv_vpanel_finish(&s->mem);
	dv_vpanel_finish(&s->tmp);
	dv_vpanel_finish(&s->box);
	dv_run_destroy(s->run);
	dv_lesson_free(s->lesson);
	free(s->text);
	free(s);
}

bool dv_sdl_goto_step(struct dv_sdl *s, unsigned n)
{
	for (unsigned k = 0; k < s->lesson->nsteps; k++)
		if (dv_view_step_number(&s->view, k) == n && dv_view_goto_step(&s->view, k))
			return true;
	return false;
}

unsigned dv_sdl_step(const struct dv_sdl *s)
{
	return dv_view_step_number(&s->view, s->view.step);
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
	dv_sdl_draw(s, r);
	SDL_RenderPresent(r);
	bool ok = SDL_SaveBMP(surf, file) == 0;
	if (!ok)
		snprintf(err, errlen, "%s: %s", file, SDL_GetError());
	SDL_DestroyRenderer(r);
	SDL_FreeSurface(surf);
	s->font_h = 0; /* the fonts were for that size */
	return ok;
}

/* Saves what the window shows as dmaviz-STEP.bmp. */
static void window_screenshot(struct dv_sdl *s, SDL_Renderer *r)
{
	int w, h;
	if (SDL_GetRendererOutputSize(r, &w, &h) != 0)
		return;
	char name[64];
	snprintf(name, sizeof name, "dmaviz-%u.bmp", dv_sdl_step(s));
	char err[512];
	if (dv_sdl_screenshot(s, w, h, name, err, sizeof err))
		snprintf(s->status, sizeof s->status, "saved %s", name);
	else
		snprintf(s->status, sizeof s->status, "screenshot failed: %.120s", err);
}

bool dv_sdl_key(struct dv_sdl *s, SDL_Keycode key, Uint16 mod)
{
	bool shift = (mod & KMOD_SHIFT) != 0;
	s->status[0] = '\0';
	switch (key) {
	case SDLK_q:
	case SDLK_ESCAPE:
		return false;
	case SDLK_j:
	case SDLK_SPACE:
	case SDLK_RIGHT:
	case SDLK_DOWN:
	case SDLK_PAGEDOWN:
		dv_view_command(&s->view, DV_VCMD_NEXT);
		break;
	case SDLK_k:
	case SDLK_b:
	case SDLK_LEFT:
	case SDLK_UP:
	case SDLK_PAGEUP:
	case SDLK_BACKSPACE:
		dv_view_command(&s->view, DV_VCMD_PREV);
		break;
	case SDLK_g:
		dv_view_command(&s->view, shift ? DV_VCMD_LAST : DV_VCMD_FIRST);
		break;
	case SDLK_HOME:
		dv_view_command(&s->view, DV_VCMD_FIRST);
		break;
	case SDLK_END:
		dv_view_command(&s->view, DV_VCMD_LAST);
		break;
	case SDLK_PERIOD:
		dv_view_command(&s->view, DV_VCMD_NEXT_EVENT);
		break;
	case SDLK_COMMA:
		dv_view_command(&s->view, DV_VCMD_PREV_EVENT);
		break;
	default:
		break;
	}
	return true;
}

/* ---- dmaviz gui ------------------------------------------------------------------------------------- */

static void gui_usage(FILE *f)
{
	fputs("usage: dmaviz gui LESSON [--screenshot FILE --at STEP] [--size WxH]\n"
	      "\n"
	      "Opens a lesson in an SDL2 window for a projector: j/space next step, k/b back,\n"
	      "g/G first/last, . and , one event, s saves dmaviz-STEP.bmp, F11 fullscreen,\n"
	      "q/Esc quit.\n"
	      "\n"
	      "  --screenshot FILE  render step STEP (--at, default the first) headless into FILE\n"
	      "                     (BMP) and exit; works with SDL_VIDEODRIVER=dummy\n"
	      "  --at STEP          the step number, as the lesson counts them\n"
	      "  --size WxH         the screenshot's size (default 1280x720)\n",
	      f);
}

int dv_sdl_main(int argc, char **argv)
{
	const char *lesson = NULL, *shot = NULL;
	long at = -1;
	int w = 1280, h = 720;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			gui_usage(stdout);
			return 0;
		} else if (!strcmp(a, "--screenshot") || !strcmp(a, "--at") || !strcmp(a, "--size")) {
			if (i + 1 >= argc) {
				fprintf(stderr, "dmaviz gui: %s needs a value\n", a);
				return 2;
			}
			const char *val = argv[++i];
			if (a[2] == 's' && a[3] == 'c') {
				shot = val;
			} else if (a[2] == 'a') {
				char *end;
				at = strtol(val, &end, 10);
				if (*end || at < 0 || at > 100000) {
					fprintf(stderr, "dmaviz gui: --at wants a step number\n");
					return 2;
				}
			} else if (sscanf(val, "%dx%d", &w, &h) != 2 || w < 64 || h < 64 || w > 8192 || h > 8192) {
				fprintf(stderr, "dmaviz gui: --size wants WxH, for example 1920x1080\n");
				return 2;
			}
		} else if (a[0] == '-') {
			fprintf(stderr, "dmaviz gui: unknown option '%s'\n", a);
			gui_usage(stderr);
			return 2;
		} else if (lesson) {
			fprintf(stderr, "dmaviz gui: one lesson at a time ('%s' and '%s')\n", lesson, a);
			return 2;
		} else {
			lesson = a;
		}
	}
	if (!lesson) {
		fprintf(stderr, "dmaviz gui: which lesson? (dmaviz gui LESSON; `dmaviz list` names them)\n");
		return 2;
	}
	if (at >= 0 && !shot) {
		fprintf(stderr, "dmaviz gui: --at goes with --screenshot FILE\n");
		return 2;
	}
	/* A window needs a display; a screenshot does not (software renderer into a surface). */
	if (!shot && SDL_Init(SDL_INIT_VIDEO) != 0) {
		fprintf(stderr, "dmaviz gui: no display: set DISPLAY, or use --screenshot with "
				"SDL_VIDEODRIVER=dummy (%s)\n", SDL_GetError());
		return 2;
	}
	char err[1024];
	struct dv_sdl *s = dv_sdl_open(lesson, err, sizeof err);
	if (!s) {
		fprintf(stderr, "dmaviz gui: %s\n", err);
		TTF_Quit();
		SDL_Quit();
		return 2;
	}
	int rc = 0;
	if (shot) {
		if (at >= 0 && !dv_sdl_goto_step(s, (unsigned)at)) {
			fprintf(stderr, "dmaviz gui: the lesson has no step %ld\n", at);
			rc = 2;
		} else if (!dv_sdl_screenshot(s, w, h, shot, err, sizeof err)) {
			fprintf(stderr, "dmaviz gui: cannot save the screenshot: %s\n", err);
			rc = 2;
		}
		dv_sdl_close(s);
		TTF_Quit();
		SDL_Quit();
		return rc;
	}
	char wt[256];
	snprintf(wt, sizeof wt, "dmaviz: %s", s->lesson->title ? s->lesson->title : lesson);
	s->win = SDL_CreateWindow(wt, SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, w, h,
				  SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
	SDL_Renderer *r = s->win ? SDL_CreateRenderer(s->win, -1, SDL_RENDERER_PRESENTVSYNC) : NULL;
	if (!r && s->win)
		r = SDL_CreateRenderer(s->win, -1, SDL_RENDERER_SOFTWARE);
	if (!r) {
		fprintf(stderr, "dmaviz gui: no display: set DISPLAY, or use --screenshot with "
				"SDL_VIDEODRIVER=dummy (%s)\n", SDL_GetError());
		if (s->win)
			SDL_DestroyWindow(s->win);
		dv_sdl_close(s);
		TTF_Quit();
		SDL_Quit();
		return 2;
	}
	bool run = true, dirty = true;
	while (run) {
		if (dirty) {
			dv_sdl_draw(s, r);
			SDL_RenderPresent(r);
			dirty = false;
		}
		SDL_Event e;
		if (!SDL_WaitEvent(&e))
			break;
		do {
			switch (e.type) {
			case SDL_QUIT:
				run = false;
				break;
			case SDL_WINDOWEVENT:
				dirty = true; /* resized, exposed: relayout from the new size */
				break;
			case SDL_KEYDOWN:
				if (e.key.keysym.sym == SDLK_F11) {
					s->fullscreen = !s->fullscreen;
					SDL_SetWindowFullscreen(s->win, s->fullscreen ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0);
				} else if (e.key.keysym.sym == SDLK_s) {
					window_screenshot(s, r);
				} else if (!dv_sdl_key(s, e.key.keysym.sym, e.key.keysym.mod)) {
					run = false;
				}
				dirty = true;
				break;
			default:
				break;
			}
		} while (run && SDL_PollEvent(&e));
	}
	SDL_DestroyRenderer(r);
	SDL_DestroyWindow(s->win);
	dv_sdl_close(s);
	TTF_Quit();
	SDL_Quit();
	return rc;
}

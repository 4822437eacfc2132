/* dmaviz: drawing the SDL2 mode. One frame is a block diagram of the PC (CPU, the 8237A with
 * its page register, host memory with the NDIS_BUFFER drawn to scale, the ISA bus, the NIC and
 * the wire), a timing diagram of the bus signals, a side panel (driver source, event log or the
 * NDIS call), the narration or the question, and a row of buttons with the lesson's timeline.
 * Every size follows the output size and the fonts, so the picture scales to a projector; what
 * a click or a hover can name is recorded as a hit rectangle. The view (ui/view) says what the
 * panels contain and what changed; this file only places and paints. */
#include "config.h"

#include "sdl_int.h"
#include "keymap.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calls.h"
#include "describe.h"
#include "dma8237.h"
#include "dvndis.h"
#include "sim.h"

/* ---- colours (the theme's: ui/app/theme.h, assets/themes) ---------------------------------- */

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

static void frame(SDL_Renderer *r, SDL_Rect b, int t, SDL_Color c)
{
	fill(r, b.x, b.y, b.w, t, c);
	fill(r, b.x, b.y + b.h - t, b.w, t, c);
	fill(r, b.x, b.y, t, b.h, c);
	fill(r, b.x + b.w - t, b.y, t, b.h, c);
}

/* ---- hits ------------------------------------------------------------------------------------ */

static void hit_add(struct dv_sdl *s, SDL_Rect r, const char *desc, const char *fmt, ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 4, 5)))
#endif
        ;

static void hit_add(struct dv_sdl *s, SDL_Rect r, const char *desc, const char *fmt, ...)
{
	if (s->nhit == DV_SDL_MAX_HITS || r.w <= 0 || r.h <= 0)
		return;
	struct dv_hit *h = &s->hit[s->nhit++];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(h->name, sizeof h->name, fmt, ap);
	va_end(ap);
	h->r = r;
	h->desc = desc;
}

bool dv_sdl_hit_rect(const struct dv_sdl *s, const char *name, SDL_Rect *out)
{
	for (size_t i = 0; i < s->nhit; i++)
		if (!strcmp(s->hit[i].name, name)) {
			if (out)
				*out = s->hit[i].r;
			return true;
		}
	return false;
}

/* ---- text ------------------------------------------------------------------------------------ */

/* Draws n bytes of UTF-8 text at (x, y); bg NULL: no background. Returns the cells drawn. */
static size_t text_at(SDL_Renderer *r, const struct dv_font *f, bool bold, int x, int y,
                      const char *t, size_t n, SDL_Color fg, const SDL_Color *bg)
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

static int textf(SDL_Renderer *r, const struct dv_font *f, bool bold, int x, int y, SDL_Color fg,
                 const char *fmt, ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 7, 8)))
#endif
        ;

/* Returns the width drawn in pixels. */
static int textf(SDL_Renderer *r, const struct dv_font *f, bool bold, int x, int y, SDL_Color fg,
                 const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n <= 0)
		return 0;
	return (int)text_at(r, f, bold, x, y, buf, strlen(buf), fg, NULL) * f->cw;
}

/* One view line, role by role, cut at max cells. */
static void vline_at(SDL_Renderer *r, const struct dv_sdl *s, const struct dv_font *f, int x, int y,
                     const struct dv_vline *l, size_t max)
{
	const struct dv_sdl_theme *th = s->th;
	size_t i = 0, col = 0;
	while (i < l->len && col < max) {
		size_t j = i;
		while (j < l->len && l->roles[j] == l->roles[i])
			j++;
		size_t n = dv_vtext_bytes_for(l->text + i, j - i, max - col);
		SDL_Color fg = th->text;
		const SDL_Color *bg = NULL;
		bool bold = false;
		switch ((enum dv_role)l->roles[i]) {
		case DV_ROLE_HEADING:
			fg = th->head;
			bold = true;
			break;
		case DV_ROLE_CHANGED:
			fg = th->on_changed;
			bg = &th->changed;
			bold = true;
			break;
		case DV_ROLE_HIGHLIGHT:
			fg = th->hilite;
			bold = true;
			break;
		case DV_ROLE_DIM: fg = th->dim; break;
		case DV_ROLE_ERROR:
			fg = th->error;
			bold = true;
			break;
		case DV_ROLE_FADING: fg = th->changed; break;
		default: break;
		}
		col += text_at(r, f, bold, x + (int)col * f->cw, y, l->text + i, n, fg, bg);
		if (n == 0)
			break;
		i += n;
	}
}

/* A line for the boxes; desc is its hover text. */
static struct dv_vline *add_line(struct dv_sdl *s, struct dv_vpanel *p, const char *desc)
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
	if (p->n < sizeof s->line_desc / sizeof s->line_desc[0])
		s->line_desc[p->n] = desc;
	struct dv_vline *l = &p->line[p->n++];
	memset(l, 0, sizeof *l);
	return l;
}

static void panel_reset(struct dv_sdl *s, struct dv_vpanel *p)
{
	dv_vpanel_clear(p);
	memset(s->line_desc, 0, sizeof s->line_desc);
}

/* ---- what the view knows ---------------------------------------------------------------------- */

static uint32_t now(const struct dv_sdl *s, enum dv_slot slot, uint32_t i)
{
	return dv_cursor_get(&s->ss->view.now, slot, i);
}

static uint32_t before(const struct dv_sdl *s, enum dv_slot slot, uint32_t i)
{
	return dv_cursor_get(&s->ss->view.base, slot, i);
}

/* Changed in the current move: the view's own rule (now against base). */
static bool chg(const struct dv_sdl *s, enum dv_slot slot, uint32_t i)
{
	return now(s, slot, i) != before(s, slot, i);
}

static enum dv_role role(const struct dv_sdl *s, enum dv_slot slot, uint32_t i)
{
	return chg(s, slot, i) ? DV_ROLE_CHANGED : DV_ROLE_NORMAL;
}

/* A register value (hex digits, or 0: decimal), with OLD→ before it when the move changed it:
 * a write shows old -> new. */
static void fmt_value(char *buf, size_t n, uint32_t v, int digits)
{
	if (digits)
		snprintf(buf, n, "0x%0*x", digits, v);
	else
		snprintf(buf, n, "%u", v);
}

static void reg_value(const struct dv_sdl *s, struct dv_vline *l, enum dv_slot slot, uint32_t i,
                      int digits)
{
	char buf[32];
	fmt_value(buf, sizeof buf, now(s, slot, i), digits);
	if (chg(s, slot, i)) {
		char old[32];
		fmt_value(old, sizeof old, before(s, slot, i), digits);
		dv_vline_add(l, DV_ROLE_DIM, "%s\xe2\x86\x92", old);
	}
	dv_vline_add(l, role(s, slot, i), "%s", buf);
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
	dv_view_dma(&s->ss->view, &s->tmp);
	const char *c = strstr(s->tmp.title, "channel ");
	unsigned ch = c ? (unsigned)strtoul(c + 8, NULL, 10) : 1;
	return ch < 8 ? ch : 1;
}

/* Did the slot's bit go high at any point of the current move (a pulse: DACK, TC)? */
static bool pulsed(const struct dv_sdl *s, enum dv_slot slot, uint32_t index, uint32_t bits)
{
	const struct dv_trace *evt = dv_sim_trace(s->ss->view.sim);
	for (size_t i = s->ss->view.from; i < s->ss->view.pos; i++)
		if (dv_trace_at(evt, i)->kind == DV_EV_STATE && dv_trace_at(evt, i)->slot == slot &&
		    dv_trace_at(evt, i)->index == index && (dv_trace_at(evt, i)->new_value & bits))
			return true;
	return false;
}

/* A signal's level: 2 high now, 1 high at some point of this move (at its start, or raised
 * and dropped inside it: between single-mode transfers the 8237A drops HRQ at the end of the
 * DMA cycle), 0 low throughout. */
static int level(const struct dv_sdl *s, enum dv_slot slot, uint32_t index, uint32_t bits)
{
	if (now(s, slot, index) & bits)
		return 2;
	return (before(s, slot, index) & bits) || pulsed(s, slot, index, bits) ? 1 : 0;
}

/* The channel the machine's NIC is wired to (its DRQ/DACK pair): the only DMA channel with a
 * device. The others have none; a lesson plays one with `dreq`. */
static unsigned nic_channel(const struct dv_sdl *s)
{
	return dv_sim_config(s->ss->view.sim)->nic_channel;
}

/* The DMA transfers and wire bytes of the current move. */
struct moves {
	size_t xfers, wtx, wrx;
	size_t nic_xfers; /* of the transfers, those on the NIC's channel (the card took part) */
	size_t last_xfer; /* index of the newest transfer event; valid when xfers */
};

static struct moves moves_of(const struct dv_sdl *s)
{
	struct moves m = { 0, 0, 0, 0, 0 };
	const struct dv_trace *evt = dv_sim_trace(s->ss->view.sim);
	unsigned nch = nic_channel(s);
	for (size_t i = s->ss->view.from; i < s->ss->view.pos; i++) {
		if (dv_trace_at(evt, i)->kind == DV_EV_XFER) {
			m.xfers++;
			m.nic_xfers += dv_trace_at(evt, i)->chan == nch;
			m.last_xfer = i;
		} else if (dv_trace_at(evt, i)->kind == DV_EV_WIRE) {
			if (dv_trace_at(evt, i)->index)
				m.wrx++;
			else
				m.wtx++;
		}
	}
	return m;
}

/* ---- the transfer NDIS set up: NDIS_BUFFER, Offset/Length, bounce ------------------------------ */

/* Where the memory box's hex rows lie: in the NDIS_BUFFER (its Offset/Length part or the
 * rest), in the bounce buffer, or elsewhere. */
enum mem_place { MEM_ELSEWHERE, MEM_BUFFER, MEM_SUBRANGE, MEM_BOUNCE };

struct setup_info {
	bool found;     /* the NdisMSetupDmaTransfer the memory rows belong to */
	bool ok;        /* it returned NDIS_STATUS_SUCCESS (or is running past IoMapTransfer) */
	bool returned;  /* it returned before the cursor */
	bool completed; /* NdisMCompleteDmaTransfer came after it */
	bool write;     /* WriteToDevice */
	uint32_t va, offset, length, bytecount, phys;
	uint32_t buf_phys; /* the physical address of the buffer's first byte */
	bool bounced;
	uint32_t dma_phys; /* where the 8237A was pointed (the bounce buffer when bounced) */
	size_t moved;      /* bytes DMA moved since the Setup */
	int32_t status;
	uint32_t mem_addr; /* the address the hex rows are around (dv_view_memory_addr) */
	enum mem_place mem_in;
};

/* Is physical address a inside the buffer of Setup record r, and at which byte? */
static bool in_buffer(const struct dv_call_record *r, uint32_t a, uint32_t *byte)
{
	struct dv_call_args args;
	dv_call_args(r, &args);
	uint32_t first = args.dma.va % DV_PAGE_SIZE;
	for (uint32_t i = 0; i < r->npages && i < DV_CALL_PAGES; i++) {
		if (a < r->page[i] || a - r->page[i] >= DV_PAGE_SIZE)
			continue;
		uint32_t k = i * DV_PAGE_SIZE + (a - r->page[i]);
		if (k >= first && k - first < args.dma.bytecount) {
			*byte = k - first;
			return true;
		}
	}
	return false;
}

/* The transfer the memory box shows: the Setup on channel ch before the DMA transfer whose
 * bytes the hex rows show (before the cursor when they show the channel's next address), so
 * that the box's title, bars and rows describe one buffer. */
static struct setup_info setup_info(const struct dv_sdl *s, unsigned ch)
{
	struct setup_info si;
	memset(&si, 0, sizeof si);
	const struct dv_ndis *nd = dv_run_ndis(s->ss->run);
	const struct dv_trace *evt = dv_sim_trace(s->ss->view.sim);
	size_t xfer;
	si.mem_addr = dv_view_memory_addr(&s->ss->view, &xfer);
	if (!nd)
		return si;
	if (xfer != SIZE_MAX)
		ch = dv_trace_at(evt, xfer)->chan;
	/* Bytes moved: the Setup that programmed the channel for them (a refused one between
	 * did not). Otherwise the newest Setup, refused or not. */
	size_t i = xfer != SIZE_MAX ? xfer : s->ss->view.pos, setup = SIZE_MAX;
	const struct dv_call_record *rec = NULL;
	while (i-- > 0) {
		if (dv_trace_at(evt, i)->kind != DV_EV_CALL ||
		    dv_trace_at(evt, i)->slot != DV_CALL_SETUP_DMA_TRANSFER ||
		    dv_trace_at(evt, i)->chan != ch)
			continue;
		rec = dv_ndis_record(nd, dv_trace_at(evt, i)->index);
		if (rec && (xfer == SIZE_MAX || rec->status == NDIS_STATUS_SUCCESS)) {
			setup = i;
			break;
		}
	}
	if (setup == SIZE_MAX || !rec)
		return si;
	si.found = true;
	struct dv_call_args args;
	dv_call_args(rec, &args);
	si.va = args.dma.va;
	si.offset = args.dma.offset;
	si.length = args.dma.length;
	si.write = args.dma.write_to_device;
	si.phys = args.dma.phys;
	si.bytecount = args.dma.bytecount;
	si.buf_phys = rec->npages ? rec->page[0] + si.va % DV_PAGE_SIZE : si.phys - si.offset;
	si.status = rec->status;
	/* What happened to it up to the cursor (the record knows its whole future). */
	for (size_t k = setup + 1; k < s->ss->view.pos; k++) {
		if (dv_trace_at(evt, k)->kind == DV_EV_CALL &&
		    dv_trace_at(evt, k)->slot == DV_CALL_SETUP_DMA_TRANSFER &&
		    dv_trace_at(evt, k)->chan == ch) {
			break; /* the next transfer on the channel */
		} else if (dv_trace_at(evt, k)->kind == DV_EV_CALL &&
		           dv_trace_at(evt, k)->slot == DV_CALL_IO_MAP_TRANSFER) {
			const struct dv_call_record *m =
			        dv_ndis_record(nd, dv_trace_at(evt, k)->index);
			if (m) {
				struct dv_call_args ma;
				dv_call_args(m, &ma);
				si.bounced = ma.map.bounced;
				si.dma_phys = ma.map.phys;
			}
			si.ok = true; /* past its checks: the 8237A is being programmed */
		} else if (dv_trace_at(evt, k)->kind == DV_EV_XFER &&
		           dv_trace_at(evt, k)->chan == ch && !si.completed) {
			si.moved += (dv_trace_at(evt, k)->old_value >> 8) ?
			                    (dv_trace_at(evt, k)->old_value >> 8) :
			                    1;
		} else if (dv_trace_at(evt, k)->kind == DV_EV_CALL &&
		           dv_trace_at(evt, k)->slot == DV_CALL_COMPLETE_DMA_TRANSFER &&
		           dv_trace_at(evt, k)->chan == ch) {
			si.completed = true;
		} else if (dv_trace_at(evt, k)->kind == DV_EV_RETURN &&
		           dv_trace_at(evt, k)->index == dv_trace_at(evt, setup)->index) {
			si.ok = dv_trace_at(evt, k)->new_value == (uint32_t)NDIS_STATUS_SUCCESS;
			si.returned = true;
		}
	}
	if (si.moved > si.length)
		si.moved = si.length;
	/* A refused Setup programmed nothing: the rows show the bytes it was asked to move. */
	if (si.returned && !si.ok)
		si.mem_addr = si.phys != DV_NO_ADDR ? si.phys : si.buf_phys;
	uint32_t byte;
	if (si.ok && si.bounced && si.mem_addr >= si.dma_phys &&
	    si.mem_addr - si.dma_phys < si.length)
		si.mem_in = MEM_BOUNCE;
	else if (in_buffer(rec, si.mem_addr, &byte))
		si.mem_in = byte >= si.offset && byte - si.offset < si.length ? MEM_SUBRANGE :
		                                                                MEM_BUFFER;
	return si;
}

/* ---- drawing primitives ------------------------------------------------------------------------ */

struct box {
	int x, y, w, h;
};

static SDL_Rect rect_of(struct box b)
{
	SDL_Rect r = { b.x, b.y, b.w, b.h };
	return r;
}

static void draw_box(SDL_Renderer *r, const struct dv_sdl *s, struct box b, const char *title,
                     bool changed, SDL_Color fillc, int u)
{
	const struct dv_sdl_theme *th = s->th;
	int bw = changed ? 4 * u : 2 * u;
	fill(r, b.x, b.y, b.w, b.h, changed ? th->changed : th->border);
	fill(r, b.x + bw, b.y + bw, b.w - 2 * bw, b.h - 2 * bw, fillc);
	text_at(r, &s->small, true, b.x + 5 * u, b.y + 3 * u, title, strlen(title),
	        changed ? th->changed : th->head, NULL);
}

/* The panel's lines inside a box, under its title; lines with hover text become hits. */
static void box_lines(SDL_Renderer *r, struct dv_sdl *s, struct box b, const struct dv_vpanel *p,
                      const char *hitname, int u)
{
	const struct dv_font *f = &s->small;
	int y = b.y + 3 * u + f->lh;
	size_t max = (size_t)((b.w - 10 * u) / f->cw);
	for (size_t i = 0; i < p->n && y + f->lh <= b.y + b.h - 2 * u; i++, y += f->lh) {
		vline_at(r, s, f, b.x + 5 * u, y, &p->line[i], max);
		const char *d = i < 16 ? s->line_desc[i] : NULL;
		if (d && hitname) {
			SDL_Rect hr = { b.x + 2 * u, y, b.w - 4 * u, f->lh };
			hit_add(s, hr, d, "reg:%s.%zu", hitname, i);
		}
	}
}

static SDL_Color wire_color(const struct dv_sdl *s, int lvl)
{
	return lvl == 2 ? s->th->wire_on : lvl == 1 ? s->th->wire_pulse : s->th->wire_off;
}

/* An axis-parallel line from (x1, y1) to (x2, y2), thick when lit; dash and gap are the
 * lengths of its dashes (gap 0: solid). */
static void line_at(SDL_Renderer *r, int x1, int y1, int x2, int y2, int t, int dash, int gap,
                    SDL_Color c)
{
	bool across = y1 == y2;
	int a = across ? (x1 < x2 ? x1 : x2) : (y1 < y2 ? y1 : y2);
	int len = across ? abs(x2 - x1) : abs(y2 - y1);
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

/* A signal wire. Its level shows in two ways, colour and line (the legend names both, for a
 * viewer who cannot tell the colours apart): high now, thick and solid; high at some point of
 * the move, thick and dashed; low, thin and dashed. */
static void wire(SDL_Renderer *r, const struct dv_sdl *s, int x1, int y1, int x2, int y2, int lvl,
                 int u)
{
	line_at(r, x1, y1, x2, y2, lvl ? 6 * u : 2 * u, lvl == 1 ? 8 * u : 3 * u,
	        lvl == 2 ? 0 : 3 * u, wire_color(s, lvl));
}

/* A data path to the bus or the network wire: solid, thick while bytes went along it. */
static void path(SDL_Renderer *r, const struct dv_sdl *s, int x1, int y1, int x2, int y2, bool lit,
                 int u)
{
	line_at(r, x1, y1, x2, y2, lit ? 6 * u : 2 * u, 0, 0, wire_color(s, lit ? 1 : 0));
}

/* The legend of the wires' cues, in a small box at (x, y) no wider than room; its right end,
 * or x when it does not fit. */
static int legend(SDL_Renderer *r, struct dv_sdl *s, int x, int y, int room, int u);

/* A labelled signal between two boxes: label above the line, centred. */
static void signal(SDL_Renderer *r, struct dv_sdl *s, int x1, int x2, int y, const char *label,
                   const char *desc, int lvl, int u)
{
	wire(r, s, x1, y, x2, y, lvl, u);
	const struct dv_font *f = &s->small;
	int tw = (int)dv_vtext_cells(label, strlen(label)) * f->cw;
	int ty = y - f->lh - 3 * u;
	text_at(r, f, lvl != 0, (x1 + x2) / 2 - tw / 2, ty, label, strlen(label),
	        lvl ? wire_color(s, lvl) : s->th->dim, NULL);
	SDL_Rect hr = { x1, ty, x2 - x1, y + 4 * u - ty };
	hit_add(s, hr, desc, "wire:%s", label);
}

/* ---- hover texts ------------------------------------------------------------------------------- */

static const char D_BUS[] =
        "The ISA bus: address, data and the MEMR/MEMW/IOR/IOW strobes. The CPU "
        "owns it until the 8237A gets HLDA; then one DMA cycle reads memory and writes the card (or the "
        "reverse) in a single bus cycle: the byte never passes through the CPU or the 8237A.";
static const char D_IRQL[] =
        "IRQL: the CPU's interrupt request level. The ISR runs at DIRQL; the "
        "DPC (MiniportHandleInterrupt) at DISPATCH, where NdisMSetupDmaTransfer and "
        "NdisMCompleteDmaTransfer may be called (at or below DISPATCH_LEVEL).";
static const char D_IRR[] =
        "IRR: the interrupt controller's request bits, one per IRQ line, latched "
        "on the line's rising edge until the CPU takes the interrupt.";
static const char D_DPC[] = "DPCs queued: deferred procedure calls wait until the IRQL drops below "
                            "DISPATCH_LEVEL, then run in order.";
static const char D_RUNS[] =
        "While the 8237A holds the bus (HLDA), the CPU cannot use it: it waits. "
        "DMA steals bus cycles, not CPU instructions.";
static const char D_ADDR[] =
        "Current address register (16 bits, written low byte then high through "
        "the flip-flop). It steps by one each transfer; base is the value written, reloaded by auto-init.";
static const char D_COUNT[] =
        "Current count register: transfers left minus one. The 8237A counts down "
        "and raises TC when it goes from 0 to 0xFFFF, so 0xFFFF means done.";
static const char D_MODE[] =
        "Mode register: transfer type (bits 2-3: write = device to memory, "
        "read = memory to device), auto-init (bit 4), decrement (bit 5), and single, demand, block or "
        "cascade (bits 6-7).";
static const char D_TYPE[] =
        "The names are the 8237A's, seen from memory: a DMA 'read' reads memory "
        "(a send); a 'write' writes memory (a receive).";
static const char D_MASK[] =
        "Mask: a masked channel ignores DREQ. The HAL unmasks at IoMapTransfer "
        "and masks again at TC (auto-mask) or at IoFlushAdapterBuffers. TC is the status register's "
        "terminal-count bit (cleared when status is read). The flip-flop picks the low or high byte.";
static const char D_STATE[] =
        "What the channel does now: waiting for the device's DREQ, moving bytes "
        "(it holds the bus between DACKs), or masked.";
static const char D_PAGE[] =
        "Page register: the 8237A has only 16 address bits, so a separate latch "
        "gives bits 16-23. The address never carries into it: a transfer wraps inside its 64 KiB page, "
        "which is why the HAL bounces buffers that cross one.";
static const char D_PHYS[] = "The next physical address on the bus: page << 16 | address (16-bit "
                             "channels: the address is in words and page bit 0 is ignored).";
static const char D_NICCMD[] =
        "The NIC's command register: TXGO starts a frame, RXEN turns the receiver on, "
        "DMATX or DMARX lets the card raise DREQ for the send or the receive side.";
static const char D_TXLEN[] = "TXLEN: the frame length the driver told the card; sent: bytes that "
                              "have left on the wire so far.";
static const char D_FIFO[] =
        "The card's 16-byte FIFOs. TX: filled by DMA, drained by the wire; the "
        "card raises DREQ while there is room. RX: filled by the wire, emptied by DMA.";
static const char D_IRQLINE[] =
        "The interrupt status register (TXDONE, RXDONE, UNDERRUN, OVERRUN, "
        "TXOVERFLOW) and the card's interrupt line to the PIC: the line is high while an ISR bit the IMR "
        "enables is set, until the driver writes the bit back to clear it.";
static const char D_PEER[] =
        "The peer station at the other end of the wire: it receives and checks "
        "the frames the card sends, and sends the frames the lesson queues.";
static const char D_HRQ[] = "HRQ (hold request): the 8237A asks the CPU for the bus because a "
                            "channel has DREQ.";
static const char D_HLDA[] =
        "HLDA (hold acknowledge): the CPU has let go of the bus; the 8237A owns "
        "it until it drops HRQ.";
static const char D_DREQ[] =
        "DREQ: the card asks for a transfer on its channel (while its TX FIFO has "
        "room, or its RX FIFO has data).";
static const char D_DACK[] =
        "DACK: the 8237A answers DREQ; during DACK the card reads (IOW) or drives "
        "(IOR) the data bus while memory is read or written in the same cycle.";
static const char D_TC[] =
        "TC (terminal count): pulses on the last transfer, when the count rolls "
        "from 0 to 0xFFFF. The card uses it to know the DMA part of the frame is over.";
static const char D_NODEV[] =
        "No device is wired to this channel's DREQ and DACK (the NIC sits on another one): the "
        "lesson raises DREQ itself with `dreq`, and a byte DMA reads goes onto the floating bus, "
        "where no card takes it; a byte DMA writes to memory is 0xFF, the floating bus.";
static const char D_IRQW[] = "The card's interrupt line, over the top to the CPU's interrupt "
                             "controller.";
static const char D_BUF[] =
        "The NDIS_BUFFER (an MDL) the driver passed to NdisMSetupDmaTransfer, "
        "drawn to scale: the whole buffer, and in it the subrange of Offset and Length that this transfer "
        "moves. The bright part is what DMA has moved so far.";
static const char D_SUB[] =
        "Offset: 'the byte offset within the buffer at which the DMA operation "
        "should begin'; Length: 'the number of bytes to be transferred'. It must be a proper subrange.";
static const char D_BOUNCE[] =
        "A bounce (map-register) buffer: the HAL copies the data here because "
        "the 8237A cannot reach the buffer itself (above 16 MiB, across a 64 KiB page, or not contiguous). "
        "A send is copied in at Setup; a receive is copied back at Complete (IoFlushAdapterBuffers).";
static const char D_MEMROW[] =
        "Host memory around the last DMA transfer, or where the channel transfers "
        "next. These bytes are not in the NDIS_BUFFER drawn above.";
static const char D_MEMROW_BUF[] =
        "Bytes of the NDIS_BUFFER drawn above, as they are now: the address "
        "has the colour of the part of the bar they lie in. Bytes a DMA transfer of this step wrote or "
        "read are highlighted.";
static const char D_MEMROW_BOUNCE[] =
        "Bytes of the bounce buffer drawn above (its colour): the 8237A moves "
        "these, not the caller's buffer. The HAL copies a send in at Setup and a receive back at Complete.";
static const char D_TIMING[] =
        "The bus signals, one column per bus cycle up to the cursor. Click a "
        "column to go to the end of that cycle.";
static const char D_TIMELINE[] = "The whole lesson, one segment per step: click to go there.";

static const char D_LEGEND[] =
        "How a wire shows its signal, besides its colour: thick and solid, high (asserted) now; "
        "thick and dashed, high at some point of the last move and low now (a pulse, or dropped "
        "as the cycle ended); thin and dashed, low. The bus stubs are data paths: thick while "
        "bytes went along them.";

/* ---- the screen ---------------------------------------------------------------------------------- */

static int legend(SDL_Renderer *r, struct dv_sdl *s, int x, int y, int room, int u)
{
	static const struct {
		int lvl;
		const char *what;
	} rows[] = { { 2, "high" }, { 1, "high in the move" }, { 0, "low" } };
	const struct dv_font *f = &s->small;
	int sample = 3 * f->cw, w = 4 * u;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
		w += sample + f->cw + (int)strlen(rows[i].what) * f->cw + 2 * f->cw;
	if (w > room)
		return x;
	SDL_Rect b = { x, y, w, f->lh };
	fill(r, b.x, b.y, b.w, b.h, s->th->panel);
	frame(r, b, u > 1 ? u / 2 : 1, s->th->border);
	int cx = x + 2 * u, my = y + f->lh / 2;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		wire(r, s, cx, my, cx + sample, my, rows[i].lvl, u);
		cx += sample + f->cw;
		cx += textf(r, f, false, cx, y, s->th->text, "%s", rows[i].what) + 2 * f->cw;
	}
	hit_add(s, b, D_LEGEND, "legend");
	return b.x + b.w + 2 * u;
}

static const char *level_name(unsigned irql)
{
	return irql == 0 ? "PASSIVE" : irql == 2 ? "DISPATCH" : irql >= 3 ? "DIRQL" : "APC";
}

struct layout {
	int W, H, u;
	int title_y, irq_y;
	struct box cpu, dma, nic, mem, page, peer;
	int bus_y, bus_h, bus_x2;
	SDL_Rect timing, side, narr, controls;
};

static struct layout layout_for(const struct dv_sdl *s, int W, int H)
{
	struct layout L;
	const struct dv_font *sf = &s->small, *bf = &s->big;
	L.W = W;
	L.H = H;
	L.u = H / 360 > 0 ? H / 360 : 1; /* 2 px at 720 lines */
	int u = L.u, m = W * 15 / 1000;
	L.title_y = u;
	L.irq_y = bf->lh + 2 * u + sf->lh + 4 * u;
	int top = L.irq_y + 4 * u;
	int boxh = 3 * u + 8 * sf->lh + 3 * u; /* the 8237A's title and seven lines */
	L.cpu = (struct box){ m, top, W * 150 / 1000, boxh };
	L.dma = (struct box){ W * 250 / 1000, top, W * 350 / 1000, boxh };
	L.nic = (struct box){ W * 700 / 1000, top, W - m - W * 700 / 1000, boxh };
	/* The bus is a bar as high as a line of text, its label inside it. */
	L.bus_h = sf->lh + 2 * u;
	L.bus_y = top + boxh + 6 * u + L.bus_h / 2;
	L.bus_x2 = L.nic.x + L.nic.w / 2 + 6 * u; /* just past the NIC's stub */
	int memy = L.bus_y + L.bus_h / 2 + 7 * u, memh = 3 * u + 5 * sf->lh + 4 * u;
	L.mem = (struct box){ m, memy, W * 475 / 1000, memh };
	L.page = (struct box){ W * 510 / 1000, memy, W * 170 / 1000, memh };
	L.peer = (struct box){ L.nic.x, memy, L.nic.w, memh };
	int ctl_h = sf->lh + 6 * u;
	L.controls = (SDL_Rect){ 0, H - ctl_h, W, ctl_h };
	int rest_y = memy + memh + 4 * u, rest_h = L.controls.y - rest_y;
	/* The narration keeps at least its title and three big lines; the timing diagram and the
	 * side panel get the rest when it holds six signals (large text may leave no room). */
	int narr_min = bf->lh * 4 + 6 * u, tim_h = DV_TSIG_COUNT * sf->px + 4 * u;
	if (rest_h - narr_min >= tim_h) {
		int extra = rest_h - narr_min - tim_h;
		(void)extra;
		L.timing = (SDL_Rect){ m, rest_y, W * 600 / 1000 - m, tim_h };
		L.side = (SDL_Rect){ W * 615 / 1000, rest_y, W - m - W * 615 / 1000, tim_h };
		L.narr = (SDL_Rect){ m, rest_y + tim_h + 2 * u, W - 2 * m,
			             L.controls.y - (rest_y + tim_h + 2 * u) };
	} else {
		L.timing = (SDL_Rect){ 0, 0, 0, 0 };
		L.side = L.timing;
		L.narr = (SDL_Rect){ m, rest_y, W - 2 * m, rest_h };
	}
	return L;
}

/* A byte token on the bus path between memory and the NIC, at fraction t (0 at the source). */
static void token(SDL_Renderer *r, const struct dv_sdl *s, const struct layout *L, bool to_memory,
                  double t, const struct dv_event *xfer, bool bright)
{
	/* A word (16-bit channels) shows as four hex digits, high byte first. */
	unsigned width = (xfer->old_value >> 8) == 2 ? 2 : 1,
	         value = xfer->new_value & (width == 2 ? 0xFFFFu : 0xFFu);
	const struct dv_font *f = &s->small;
	int u = L->u;
	/* Path: memory stub (up) -> along the bus -> the NIC stub (up), or the reverse. On a
	 * channel with no device the byte goes onto the floating bus and no card takes it: the
	 * path ends on the bus, short of the NIC. */
	bool card = xfer->chan == nic_channel(s);
	int mx = L->mem.x + L->mem.w / 2;
	int nx = card ? L->nic.x + L->nic.w / 2 : L->page.x + L->page.w;
	int my = L->mem.y, by = L->bus_y, ny = card ? L->nic.y + L->nic.h : by;
	double a = (double)(my - by), b = (double)(nx - mx), c = (double)(by - ny);
	double len = a + b + c;
	if (to_memory)
		t = 1.0 - t;
	double d = t * len;
	int x, y;
	if (d < a) {
		x = mx;
		y = my - (int)d;
	} else if (d < a + b) {
		x = mx + (int)(d - a);
		y = by;
	} else {
		x = nx;
		y = by - (int)(d - a - b);
	}
	int w = 2 * (int)width * f->cw + 6 * u, h = f->lh + 2 * u;
	SDL_Rect rc = { x - w / 2, y - h / 2, w, h };
	fill(r, rc.x, rc.y, rc.w, rc.h, bright ? s->th->changed : s->th->wire_pulse);
	frame(r, rc, u, s->th->on_changed);
	textf(r, f, true, rc.x + 3 * u, rc.y + u, s->th->on_changed, "%0*x", 2 * (int)width, value);
}

static void draw_tokens(SDL_Renderer *r, const struct dv_sdl *s, const struct layout *L,
                        const struct moves *mv)
{
	if (!mv->xfers)
		return;
	const struct dv_trace *evt = dv_sim_trace(s->ss->view.sim);
	unsigned dir = dv_trace_at(evt, mv->last_xfer)->old_value & 0xFFu;
	if (dir != DV_XFER_TO_MEMORY && dir != DV_XFER_FROM_MEMORY)
		return;
	bool to_mem = dir == DV_XFER_TO_MEMORY;
	if (mv->xfers == 1) {
		/* Slow: the one byte of this move, travelling while the next move is due. */
		double t = s->playing ? 0.15 + 0.7 * (double)s->play.acc / 1000.0 : 0.5;
		token(r, s, L, to_mem, t, dv_trace_at(evt, mv->last_xfer), true);
		return;
	}
	/* Fast: a stream of the newest bytes, the newest nearest the destination. */
	size_t shown = 0, want = mv->xfers < 8 ? mv->xfers : 8;
	for (size_t i = mv->last_xfer + 1; i-- > s->ss->view.from && shown < want;) {
		if (dv_trace_at(evt, i)->kind != DV_EV_XFER)
			continue;
		double t = 0.92 - 0.84 * (double)shown / (double)(want > 1 ? want - 1 : 1);
		token(r, s, L, to_mem, t, dv_trace_at(evt, i), shown == 0);
		shown++;
	}
}

/* Host memory: the NDIS_BUFFER to scale, its subrange, the bounce buffer, and two hex rows. */
static void draw_memory(SDL_Renderer *r, struct dv_sdl *s, const struct layout *L,
                        const struct moves *mv, unsigned ch)
{
	const struct dv_sdl_theme *th = s->th;
	const struct dv_font *sf = &s->small;
	int u = L->u;
	struct box mem = L->mem;
	struct setup_info si = setup_info(s, ch);
	char title[160];
	if (si.found)
		snprintf(title, sizeof title, "Host memory: NDIS_BUFFER, %u bytes at 0x%06x",
		         si.bytecount, si.buf_phys);
	else
		snprintf(title, sizeof title, "Host memory");
	draw_box(r, s, mem, title, mv->xfers > 0, th->boxfill, u);
	int x0 = mem.x + 5 * u, inner = mem.w - 10 * u, y = mem.y + 3 * u + sf->lh;
	if (!si.found) {
		textf(r, sf, false, x0, y, th->dim, "no NdisMSetupDmaTransfer yet in this lesson");
		y += 2 * sf->lh;
	} else {
		/* The buffer's bar: one scale for everything, pixels per byte = inner / ByteCount. */
		uint32_t bc = si.bytecount ? si.bytecount : 1;
		int bh = sf->lh - 4 * u;
		SDL_Rect buf = { x0, y + 2 * u, inner, bh };
		fill(r, buf.x, buf.y, buf.w, buf.h, th->buf);
		hit_add(s, buf, D_BUF, "buffer");
		uint32_t off = si.offset < bc ? si.offset : bc, len = si.length;
		if (off + len > bc)
			len = bc - off;
		int sx = x0 + (int)((int64_t)inner * off / bc);
		int sw = (int)((int64_t)inner * len / bc);
		if (sw < 2 && len)
			sw = 2;
		SDL_Rect sub = { sx, buf.y, sw, bh };
		fill(r, sub.x, sub.y, sub.w, sub.h, si.ok ? th->sub : th->error);
		hit_add(s, sub, D_SUB, "subrange");
		if (!si.bounced && si.ok && si.length) {
			int mw = (int)((int64_t)sw * (int64_t)si.moved / si.length);
			fill(r, sx, buf.y, mw, bh, th->moved);
		}
		y += sf->lh;
		/* The bounce buffer holds Length bytes: the same width as the subrange, under it. */
		if (si.ok && si.bounced) {
			SDL_Rect bb = { sx, y + 2 * u, sw, bh };
			fill(r, bb.x, bb.y, bb.w, bb.h, th->bounce);
			int mw = si.length ? (int)((int64_t)sw * (int64_t)si.moved / si.length) : 0;
			fill(r, bb.x, bb.y, mw, bh, th->moved);
			hit_add(s, bb, D_BOUNCE, "bounce");
		} else {
			textf(r, sf, false, x0, y, th->dim,
			      si.ok       ? "no bounce buffer: the 8237A reaches it" :
			      si.returned ? "Setup refused: nothing programmed" :
			                    "Setup running: not programmed yet");
		}
		y += sf->lh;
		int w = textf(r, sf, false, x0, y, th->text,
		              "Offset %u  Length %u  %s  moved %zu%s ", si.offset, si.length,
		              si.write ? "send" : "receive", si.moved,
		              si.completed ? "  done" : "");
		if (si.ok && si.bounced)
			textf(r, sf, true, x0 + w, y, th->bounce, "bounce at 0x%06x", si.dma_phys);
		y += sf->lh;
	}
	/* The bytes themselves: the rows the view shows around the last transfer (or the next
	 * address). Their addresses take the colour of the bar they lie in, so the rows say which
	 * buffer they are: the subrange, the rest of the NDIS_BUFFER, or the bounce buffer. */
	size_t cells = (size_t)(inner / sf->cw);
	int room = mem.y + mem.h - 2 * u - y;
	size_t rows = room >= sf->lh ? (size_t)(room / sf->lh) : 0;
	if (si.found && si.returned && !si.ok)
		dv_view_memory_at(&s->ss->view, &s->mem, rows, cells, si.mem_addr,
		                  "the refused Setup's buffer");
	else
		dv_view_memory(&s->ss->view, &s->mem, rows, cells);
	static const char *const where[] = { "memrow:elsewhere", "memrow:buffer", "memrow:subrange",
		                             "memrow:bounce" };
	static const char *const what[] = { D_MEMROW, D_MEMROW_BUF, D_MEMROW_BUF, D_MEMROW_BOUNCE };
	SDL_Color addr_c = si.mem_in == MEM_BOUNCE   ? th->bounce :
	                   si.mem_in == MEM_SUBRANGE ? th->sub :
	                   si.mem_in == MEM_BUFFER   ? th->buf :
	                                               th->dim;
	for (size_t i = 0; i < s->mem.n && i < rows; i++, y += sf->lh) {
		const struct dv_vline *l = &s->mem.line[i];
		size_t a = 0; /* the address, up to its space */
		while (a < l->len && l->text[a] != ' ')
			a++;
		struct dv_vline rest = { l->text + a, l->roles + a, l->len - a, l->len - a };
		text_at(r, sf, si.mem_in != MEM_ELSEWHERE, x0, y, l->text, a, addr_c, NULL);
		vline_at(r, s, sf, x0 + (int)a * sf->cw, y, &rest, cells > a ? cells - a : 0);
		if (i == 0)
			hit_add(s, (SDL_Rect){ x0, y, inner, sf->lh }, what[si.mem_in], "%s",
			        where[si.mem_in]);
	}
}

static void draw_timing(SDL_Renderer *r, struct dv_sdl *s, const struct layout *L)
{
	SDL_Rect a = L->timing;
	if (a.w <= 0)
		return;
	const struct dv_sdl_theme *th = s->th;
	const struct dv_font *sf = &s->small;
	int u = L->u, label_w = 7 * sf->cw;
	int plot_x = a.x + label_w, plot_w = a.w - label_w;
	int colw = 6 * u; /* one bus cycle */
	size_t cols = (size_t)(plot_w / colw);
	static struct dv_vtiming td; /* 9 KiB: not on the stack */
	dv_view_timing_data(&s->ss->view, cols, &td);
	s->tim_first = td.first;
	s->tim_colw = colw;
	fill(r, a.x, a.y, a.w, a.h, th->panel);
	int rowh = sf->px;
	for (int sig = 0; sig < DV_TSIG_COUNT; sig++) {
		int y = a.y + 2 * u + sig * rowh;
		textf(r, sf, false, a.x + 2 * u, y, th->text, "%s", td.name[sig]);
		int hi_y = y + 3 * u, lo_y = y + rowh - 4 * u;
		/* A cycle in three parts, as the model has the signal in it: its level as the cycle
		 * begins, whether it is high inside, its level as the cycle ends. So HRQ dropped at
		 * the end of a single-mode transfer and raised in the CPU's next cycle shows the
		 * dip, and HLDA a pulse inside each DMA cycle. */
		bool prev = false;
		for (size_t c = 0; c < td.ncols; c++) {
			bool part[3] = { td.start[sig][c], td.hi[sig][c], td.end[sig][c] };
			for (int k = 0; k < 3; k++) {
				int x = plot_x + (int)c * colw + colw * k / 3;
				int w = plot_x + (int)c * colw + colw * (k + 1) / 3 - x;
				bool h = part[k];
				SDL_Color col = h ? th->wire_on : th->wire_off;
				fill(r, x, h ? hi_y : lo_y, w, 2 * u, col);
				if ((c > 0 || k > 0) && prev != h)
					fill(r, x, hi_y, u, lo_y - hi_y + 2 * u, col);
				if (h)
					fill(r, x, hi_y + 2 * u, w, lo_y - hi_y - 2 * u,
					     (SDL_Color){ col.r / 5, col.g / 5, col.b / 5, 255 });
				prev = h;
			}
		}
	}
	/* The cursor's cycle is the last column. */
	if (td.ncols) {
		int x = plot_x + (int)(td.ncols - 1) * colw;
		frame(r, (SDL_Rect){ x, a.y + 2 * u, colw, DV_TSIG_COUNT * rowh }, u, th->changed);
	}
	SDL_Rect plot = { plot_x, a.y + 2 * u, (int)td.ncols * colw, DV_TSIG_COUNT * rowh };
	hit_add(s, plot, D_TIMING, "timing");
}

static const char *side_name(enum dv_side t)
{
	return t == DV_SIDE_SOURCE ? "driver source" : t == DV_SIDE_LOG ? "event log" : "NDIS call";
}

static void draw_side(SDL_Renderer *r, struct dv_sdl *s, const struct layout *L)
{
	SDL_Rect a = L->side;
	if (a.w <= 0)
		return;
	const struct dv_sdl_theme *th = s->th;
	const struct dv_font *sf = &s->small;
	int u = L->u;
	fill(r, a.x, a.y, a.w, a.h, th->panel);
	/* The tabs: click one, or Tab cycles them. */
	int x = a.x;
	for (int t = 0; t < DV_SIDE_COUNT; t++) {
		const char *n = side_name((enum dv_side)t);
		int w = ((int)strlen(n) + 2) * sf->cw;
		bool on = (int)s->side_tab == t;
		fill(r, x, a.y, w, sf->lh, on ? th->head : th->boxfill);
		textf(r, sf, on, x + sf->cw, a.y, on ? th->on_changed : th->dim, "%s", n);
		hit_add(s, (SDL_Rect){ x, a.y, w, sf->lh }, NULL, "tab:%s",
		        t == 0 ? "source" :
		        t == 1 ? "log" :
		                 "call");
		x += w + 2 * u;
	}
	size_t rows = (size_t)((a.h - sf->lh - 2 * u) / sf->lh);
	size_t cells = (size_t)((a.w - 4 * u) / sf->cw);
	struct dv_vpanel *p = &s->side;
	switch (s->side_tab) {
	case DV_SIDE_SOURCE: dv_view_source(&s->ss->view, p, rows); break;
	case DV_SIDE_LOG: dv_view_log(&s->ss->view, p, rows); break;
	default: dv_view_ndis(&s->ss->view, p, cells); break;
	}
	int y = a.y + sf->lh + 2 * u;
	if (p->title[0] && s->side_tab != DV_SIDE_LOG) {
		const char *t = strrchr(p->title, '/'); /* the file's name, not where it lives */
		textf(r, sf, true, a.x + 2 * u, y, th->head, "%.*s", (int)cells,
		      t ? t + 1 : p->title);
		y += sf->lh;
	}
	for (size_t i = 0; i < p->n && y + sf->lh <= a.y + a.h; i++, y += sf->lh)
		vline_at(r, s, sf, a.x + 2 * u, y, &p->line[i], cells);
}

/* Appends a blank line, src's title as a heading, and src's lines to dst. */
static void append_panel(struct dv_sdl *s, struct dv_vpanel *dst, const struct dv_vpanel *src)
{
	add_line(s, dst, NULL);
	if (src->title[0])
		dv_vline_add(add_line(s, dst, NULL), DV_ROLE_HEADING, "%s", src->title);
	for (size_t i = 0; i < src->n; i++) {
		struct dv_vline *l = add_line(s, dst, NULL);
		const struct dv_vline *o = &src->line[i];
		for (size_t k = 0; k < o->len;) {
			size_t j = k;
			while (j < o->len && o->roles[j] == o->roles[k])
				j++;
			dv_vline_add(l, (enum dv_role)o->roles[k], "%.*s", (int)(j - k),
			             o->text + k);
			k = j;
		}
	}
}

/* The narration and the question, in the big font when they fit, else the small one. */
/* Builds the narration and the question (when one is current) for width pixels with font f.
 * Returns the lines they take, their title and an answer being typed included. */
static size_t build_narration(struct dv_sdl *s, const struct dv_font *f, int width)
{
	size_t cells = (size_t)(width / f->cw);
	int ask = dv_sdl_current_ask(s);
	dv_view_narration(&s->ss->view, &s->narr, cells);
	if (ask >= 0) {
		/* The question under the narration, a blank line between. */
		dv_session_question(s->ss, ask, &s->tmp, cells);
		append_panel(s, &s->narr, &s->tmp);
	}
	return s->narr.n + 1 + (s->input ? 1 : 0);
}

/* Picks the narration's font and room: the big font when it fits; else the small one; else
 * the timing diagram and the side panel give their room to the narration, which always wins
 * (a learner must be able to read every sentence of the step). Returns the font. */
static const struct dv_font *fit_narration(struct dv_sdl *s, struct layout *L)
{
	int u = L->u;
	for (int room = 0; room < 2; room++) {
		for (int pass = 0; pass < 2; pass++) {
			const struct dv_font *f = pass ? &s->small : &s->big;
			size_t lines = build_narration(s, f, L->narr.w - 4 * u);
			if ((int)lines * f->lh <= L->narr.h)
				return f;
		}
		if (room == 0 && L->timing.w > 0) {
			int top = L->timing.y;
			L->narr.h += L->narr.y - top;
			L->narr.y = top + 2 * u;
			L->narr.h -= 2 * u;
			L->timing.w = L->side.w = 0;
		} else {
			break;
		}
	}
	return &s->small; /* clipped: the panel as last built, in the small font */
}

static void draw_narration(SDL_Renderer *r, struct dv_sdl *s, const struct layout *L,
                           const struct dv_font *f)
{
	SDL_Rect a = L->narr;
	const struct dv_sdl_theme *th = s->th;
	int u = L->u;
	fill(r, 0, a.y - 3 * u, L->W, 2 * u, th->border);
	size_t cells = (size_t)((a.w - 4 * u) / f->cw);
	int y = a.y;
	text_at(r, f, true, a.x, y, s->narr.title, strlen(s->narr.title), th->changed, NULL);
	y += f->lh;
	/* When the text is longer than the room: after a move it starts at the current
	 * paragraph (or shows the end, with the question); PgUp/PgDn scroll it. */
	size_t rows = (size_t)((a.y + a.h - y) / f->lh) - (s->input ? 1 : 0);
	if (rows < 1)
		rows = 1;
	size_t bottom = s->narr.n > rows ? s->narr.n - rows : 0;
	if (s->narr_at_pos != s->ss->view.pos || s->narr_at_nb != s->ss->nb) {
		s->narr_at_pos = s->ss->view.pos;
		s->narr_at_nb = s->ss->nb;
		s->narr_manual = false;
		s->narr_scroll =
		        dv_view_narration_start(&s->narr, rows, dv_sdl_current_ask(s) >= 0);
	}
	if (s->narr_scroll > bottom)
		s->narr_scroll = bottom;
	size_t i = s->narr_scroll;
	for (; i < s->narr.n && y + f->lh <= a.y + a.h - (s->input ? f->lh : 0); i++, y += f->lh)
		vline_at(r, s, f, a.x, y, &s->narr.line[i], cells);
	if (i < s->narr.n || s->narr_scroll > 0)
		textf(r, f, true, a.x + a.w - 28 * f->cw, a.y, th->hilite, "%s%s",
		      s->narr_scroll ? "^ PgUp " : "", i < s->narr.n ? "PgDn more v" : "");
	if (s->input && y + f->lh <= a.y + a.h + f->lh) {
		int w = textf(r, f, true, a.x, y, th->hilite, "Your answer: ");
		int tw = textf(r, f, false, a.x + w, y, th->text, "%s", s->inbuf);
		fill(r, a.x + w + tw, y + 2 * u, f->cw, f->lh - 4 * u, th->text); /* the caret */
	}
}

struct button {
	const char *name, *label;
};

/* The control row: buttons, the speed, and the lesson's timeline. */
static void draw_controls(SDL_Renderer *r, struct dv_sdl *s, const struct layout *L)
{
	const struct dv_sdl_theme *th = s->th;
	const struct dv_font *sf = &s->small;
	int u = L->u;
	SDL_Rect a = L->controls;
	fill(r, a.x, a.y, a.w, a.h, th->panel);
	const struct button b[] = {
		{ "first", "|<" },
		{ "prev", "<" },
		{ "play", s->playing ? "pause" : "play" },
		{ "next", ">" },
		{ "last", ">|" },
		{ "slower", "-" },
		{ "faster", "+" },
		{ "gran", dv_view_gran_name(s->ss->view.gran) },
		{ "help", "?" },
	};
	int x = L->cpu.x, y = a.y + 3 * u, h = sf->lh;
	for (size_t i = 0; i < sizeof b / sizeof b[0]; i++) {
		int w = ((int)strlen(b[i].label) + 2) * sf->cw;
		SDL_Rect rc = { x, y, w, h };
		bool hot = s->mouse_in && s->mx >= rc.x && s->mx < rc.x + rc.w && s->my >= rc.y &&
		           s->my < rc.y + rc.h;
		fill(r, rc.x, rc.y, rc.w, rc.h, hot ? th->head : th->boxfill);
		frame(r, rc, u > 1 ? u / 2 : 1, th->border);
		textf(r, sf, true, x + sf->cw, y, hot ? th->on_changed : th->text, "%s",
		      b[i].label);
		hit_add(s, rc, NULL, "button:%s", b[i].name);
		x += w + 3 * u;
		if (!strcmp(b[i].name, "faster")) {
			x += textf(r, sf, false, x, y, th->dim, "%u/s", dv_sdl_rate(s)) + 3 * u;
		}
	}
	/* The status toast (what a key or a click last reported) sits at the row's right end, so
	 * it covers no narration and no question; the timeline takes the room left of it, and
	 * gives it all to a long message. */
	int tx = x + 4 * u, tw = L->W - L->cpu.x - tx;
	if (s->status[0]) {
		size_t len = strlen(s->status), room = (size_t)((tw - 8 * u) / sf->cw);
		size_t n = dv_vtext_bytes_for(s->status, len, room);
		int w = (int)dv_vtext_cells(s->status, n) * sf->cw + 8 * u;
		SDL_Rect st = { L->W - L->cpu.x - w, y, w, h };
		fill(r, st.x, st.y, st.w, st.h, th->tip);
		text_at(r, sf, true, st.x + 4 * u, st.y, s->status, n, th->changed, NULL);
		hit_add(s, st, NULL, "status");
		tw = st.x - 6 * u - tx;
	}
	/* The timeline: one equal segment per shown step, the cursor's place marked. */
	unsigned nshown = 0;
	for (unsigned k = 0; k < s->ss->lesson->nsteps; k++)
		nshown += dv_sdl_step_shown(s, k);
	if (tw < 40 * u || nshown == 0)
		return;
	SDL_Rect tl = { tx, y + h / 4, tw, h / 2 };
	fill(r, tl.x, tl.y, tl.w, tl.h, th->buf);
	hit_add(s, tl, D_TIMELINE, "timeline");
	unsigned i = 0;
	for (unsigned k = 0; k < s->ss->lesson->nsteps; k++) {
		if (!dv_sdl_step_shown(s, k))
			continue;
		int sx = tl.x + (int)((int64_t)tl.w * i / nshown),
		    ex = tl.x + (int)((int64_t)tl.w * (i + 1) / nshown);
		size_t first, end;
		if (k == s->ss->view.step && dv_run_step_events(s->ss->run, k, &first, &end)) {
			double f = end > first ?
			                   (double)(s->ss->view.pos - (s->ss->view.pos > first ?
			                                                       first :
			                                                       s->ss->view.pos)) /
			                           (double)(end - first) :
			                   1.0;
			if (f > 1)
				f = 1;
			fill(r, sx, tl.y, (int)((ex - sx) * f), tl.h, th->sub);
			fill(r, sx + (int)((ex - sx) * f) - u, tl.y - 2 * u, 3 * u, tl.h + 4 * u,
			     th->changed);
		} else if (k < s->ss->view.step) {
			fill(r, sx, tl.y, ex - sx, tl.h, th->sub);
		}
		fill(r, sx, tl.y - u, u, tl.h + 2 * u, th->bg);
		i++;
	}
}

static void draw_tooltip(SDL_Renderer *r, struct dv_sdl *s, const struct layout *L)
{
	if (!s->mouse_in)
		return;
	const struct dv_hit *h = NULL;
	for (size_t i = s->nhit; i-- > 0;)
		if (s->hit[i].desc && s->mx >= s->hit[i].r.x &&
		    s->mx < s->hit[i].r.x + s->hit[i].r.w && s->my >= s->hit[i].r.y &&
		    s->my < s->hit[i].r.y + s->hit[i].r.h) {
			h = &s->hit[i];
			break;
		}
	if (!h)
		return;
	const struct dv_font *f = &s->small;
	int u = L->u;
	size_t width = 46;
	/* Word-wrap the description at width cells. */
	const char *t = h->desc;
	const char *lines[16];
	size_t lens[16], n = 0;
	while (*t && n < 16) {
		size_t len = strlen(t), take = len;
		if (dv_vtext_cells(t, len) > width) {
			take = dv_vtext_bytes_for(t, len, width);
			size_t k = take;
			while (k > 0 && t[k] != ' ')
				k--;
			if (k > 0)
				take = k;
		}
		lines[n] = t;
		lens[n++] = take;
		t += take;
		while (*t == ' ')
			t++;
	}
	int w = (int)width * f->cw + 8 * u, hgt = (int)n * f->lh + 6 * u;
	int x = s->mx + 12 * u, y = s->my + 12 * u;
	if (x + w > L->W)
		x = L->W - w - 2 * u;
	if (y + hgt > L->H)
		y = s->my - hgt - 6 * u;
	if (x < 0)
		x = 0;
	if (y < 0)
		y = 0;
	fill(r, x, y, w, hgt, s->th->tip);
	frame(r, (SDL_Rect){ x, y, w, hgt }, u, s->th->changed);
	for (size_t i = 0; i < n; i++)
		text_at(r, f, false, x + 4 * u, y + 3 * u + (int)i * f->lh, lines[i], lens[i],
		        s->th->text, NULL);
}

/* A box in the middle of the screen for an overlay (help, the rule's explanation, the quit
 * question), w x h clipped to the output; named "overlay:NAME" for tests and clicks. */
static SDL_Rect overlay_box(SDL_Renderer *r, struct dv_sdl *s, const struct layout *L, int w, int h,
                            const char *name)
{
	int u = L->u;
	if (w > L->W)
		w = L->W;
	if (h > L->H)
		h = L->H;
	SDL_Rect b = { (L->W - w) / 2, (L->H - h) / 2, w, h };
	fill(r, b.x, b.y, b.w, b.h, s->th->tip);
	frame(r, b, 2 * u, s->th->changed);
	hit_add(s, b, NULL, "overlay:%s", name);
	return b;
}

/* e: the verifier rule that fired last, explained (dv_view_rule: its title, then what it
 * checks, why it matters and the fix), wrapped to the box. e, Esc or a click closes it. */
static void draw_explain(SDL_Renderer *r, struct dv_sdl *s, const struct layout *L)
{
	int u = L->u;
	const char *close = "(e, Esc or a click closes this)";
	for (int pass = 0; pass < 2; pass++) {
		const struct dv_font *f = pass ? &s->small : &s->big;
		size_t cells = (size_t)((L->W * 8 / 10 - 12 * u) / f->cw);
		if (cells > 76)
			cells = 76;
		dv_view_rule(&s->ss->view, &s->tmp, cells);
		int h = ((int)s->tmp.n + 2) * f->lh + 8 * u;
		if (pass == 0 && h > L->H * 9 / 10)
			continue; /* too long for the big font */
		size_t head = strlen(s->tmp.title) + 2 + strlen(close);
		size_t wide = head > cells ? head : cells;
		int w = (int)wide * f->cw + 12 * u;
		SDL_Rect b = overlay_box(r, s, L, w, h, "explain");
		int x = b.x + 6 * u, y = b.y + 4 * u;
		textf(r, f, true, x, y, s->th->changed, "%s  %s", s->tmp.title, close);
		y += 2 * f->lh;
		size_t max = (size_t)((b.w - 12 * u) / f->cw);
		for (size_t i = 0; i < s->tmp.n && y + f->lh <= b.y + b.h; i++, y += f->lh)
			vline_at(r, s, f, x, y, &s->tmp.line[i], max);
		return;
	}
}

/* Esc with nothing open: the window asks before it closes. */
static void draw_quit(SDL_Renderer *r, struct dv_sdl *s, const struct layout *L)
{
	const struct dv_font *bf = &s->big, *sf = &s->small;
	int u = L->u;
	const char *q = "Quit dmaviz? y/n", *how = "y or Enter quits; any other key goes back";
	int w = (int)strlen(how) * sf->cw, qw = (int)strlen(q) * bf->cw;
	w = (w > qw ? w : qw) + 16 * u;
	SDL_Rect b = overlay_box(r, s, L, w, bf->lh + sf->lh + 12 * u, "quit");
	textf(r, bf, true, b.x + (b.w - qw) / 2, b.y + 4 * u, s->th->changed, "%s", q);
	textf(r, sf, false, b.x + 8 * u, b.y + 6 * u + bf->lh, s->th->text, "%s", how);
}

/* ?: the keys, generated from the key table both front ends use (ui/app/keymap.c), and the
 * mouse. Its text shrinks to the small font when the big one does not fit. */
static void draw_help(SDL_Renderer *r, struct dv_sdl *s, const struct layout *L)
{
	char text[4096];
	dv_keymap_help(DV_FRONT_SDL, text, sizeof text);
	static const char mouse[] =
	        "mouse                  buttons; click the timeline or the timing diagram to go "
	        "there; hover a register\n";
	size_t used = strlen(text);
	snprintf(text + used, sizeof text - used, "%s", mouse);
	int n = 0;
	size_t longest = 0;
	for (const char *c = text; *c;) {
		size_t len = strcspn(c, "\n");
		longest = len > longest ? len : longest;
		n++;
		c += len + (c[len] == '\n');
	}
	int u = L->u;
	const struct dv_font *f = &s->big;
	if ((n + 2) * f->lh + 8 * u > L->H || (int)longest * f->cw + 12 * u > L->W)
		f = &s->small;
	int w = (int)longest * f->cw + 12 * u, h = (n + 2) * f->lh + 8 * u;
	if (w > L->W)
		w = L->W;
	SDL_Rect b = overlay_box(r, s, L, w, h, "help");
	int x = b.x, y = b.y;
	textf(r, f, true, x + 6 * u, y + 4 * u, s->th->changed, "Keys (any key closes this)");
	const char *c = text;
	for (int i = 0; i < n; i++) {
		size_t len = strcspn(c, "\n");
		text_at(r, f, false, x + 6 * u, y + 4 * u + (i + 1) * f->lh, c, len, s->th->text,
		        NULL);
		c += len + (c[len] == '\n');
	}
}

void dv_sdl_draw(struct dv_sdl *s, SDL_Renderer *r)
{
	int W = 1280, H = 720;
	if (SDL_GetRendererOutputSize(r, &W, &H) != 0 || W <= 0 || H <= 0)
		W = 1280, H = 720;
	const struct dv_sdl_theme *th = s->th;
	s->nhit = 0;
	s->out_w = W;
	s->out_h = H;
	SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_NONE);
	set_color(r, th->bg);
	SDL_RenderClear(r);
	if (!dv_sdl_fonts_for(s, H))
		return;
	struct layout L = layout_for(s, W, H);
	const struct dv_font *narr_font = fit_narration(s, &L);
	int u = L.u;
	struct dv_view *v = &s->ss->view;
	const struct dv_font *sf = &s->small, *bf = &s->big;
	/* bit: the channel's bit in its chip's mask and status; line: its DREQ and DACK lines,
	 * one bit per channel 0-7 on the bus. */
	unsigned ch = active_channel(s), chip = ch / 4, bit = 1u << (ch % 4), line = 1u << ch;
	/* The DREQ/DACK wires are the NIC's, on the channel the machine wires it to. */
	unsigned nch = nic_channel(s), nline = 1u << nch;
	struct box cpu = L.cpu, dma = L.dma, nic = L.nic, mem = L.mem, page = L.page, peer = L.peer;

	/* Title, and where the learner is. */
	const char *title = s->ss->lesson->title ? s->ss->lesson->title : "";
	textf(r, bf, true, cpu.x, L.title_y, th->text, "dmaviz: %s", title);
	char where[160], cue[32];
	dv_play_cue(&s->play, false, cue, sizeof cue); /* "▶▶ 8x" while a long step runs fast */
	snprintf(where, sizeof where, "%s%s%s%s  %s moves", s->demo ? "DEMO  " : "",
	         s->playing ? "playing" : "paused", cue[0] ? " " : "", cue,
	         dv_view_gran_name(v->gran));
	int ww = (int)dv_vtext_cells(where, strlen(where)) * sf->cw;
	bool lit = s->demo || cue[0];
	textf(r, sf, lit, W - cpu.x - ww, L.title_y + bf->lh - sf->lh, lit ? th->changed : th->dim,
	      "%s", where);

	/* Signal levels. */
	uint32_t owner = now(s, DV_SLOT_BUS_OWNER, 0);
	int dreq = level(s, DV_SLOT_BUS_DREQ, 0, nline),
	    dack = level(s, DV_SLOT_BUS_DACK, 0, nline);
	/* DMA2's HRQ is the one on the CPU's HOLD pin (DMA1's goes to DMA2's channel 4). */
	int hrq = level(s, DV_SLOT_DMA_HRQ, 1, 1);
	int hlda = level(s, DV_SLOT_BUS_HLDA, 0, 1), tc = level(s, DV_SLOT_BUS_TC, 0, 0xFF);
	unsigned irq = v->now.st.nic.irq;
	int irql = level(s, DV_SLOT_NIC_IRQ_LEVEL, 0, 1);
	struct moves mv = moves_of(s);
	size_t moved = mv.xfers;

	/* The bus and the stubs to it. */
	path(r, s, cpu.x + cpu.w / 2, cpu.y + cpu.h, cpu.x + cpu.w / 2, L.bus_y, false, u);
	path(r, s, dma.x + dma.w * 3 / 4, dma.y + dma.h, dma.x + dma.w * 3 / 4, L.bus_y, moved, u);
	path(r, s, nic.x + nic.w / 2, nic.y + nic.h, nic.x + nic.w / 2, L.bus_y, mv.nic_xfers, u);
	path(r, s, mem.x + mem.w / 2, L.bus_y, mem.x + mem.w / 2, mem.y, moved, u);
	path(r, s, page.x + page.w / 2, L.bus_y, page.x + page.w / 2, page.y, moved, u);
	int bl = owner ? 2 : moved ? 1 : 0;
	int bus_top = L.bus_y - L.bus_h / 2;
	fill(r, cpu.x, bus_top, L.bus_x2 - cpu.x, L.bus_h, wire_color(s, bl));
	SDL_Color on_bus = bl ? th->on_changed : th->text;
	/* The label sits left of the memory stub: the bytes travel along the rest of the bus. */
	textf(r, sf, true, cpu.x + 4 * u, bus_top + u, on_bus, "ISA bus: %s",
	      owner ? "DMA" : "CPU");
	hit_add(s, (SDL_Rect){ cpu.x, bus_top, L.bus_x2 - cpu.x, L.bus_h }, D_BUS, "bus");
	int wl = (mv.wtx || mv.wrx) ? 1 : 0;
	path(r, s, nic.x + nic.w * 3 / 4, nic.y + nic.h, nic.x + nic.w * 3 / 4, peer.y, wl, u);

	/* HRQ / HLDA between the CPU and the 8237A; DREQ / DACK / TC between the NIC and it. */
	char lab[64];
	signal(r, s, cpu.x + cpu.w, dma.x, cpu.y + cpu.h * 35 / 100, "HRQ \xe2\x86\x90", D_HRQ, hrq,
	       u);
	signal(r, s, cpu.x + cpu.w, dma.x, cpu.y + cpu.h * 70 / 100, "HLDA \xe2\x86\x92", D_HLDA,
	       hlda, u);
	snprintf(lab, sizeof lab, "\xe2\x86\x90 DREQ%u", nch);
	signal(r, s, dma.x + dma.w, nic.x, cpu.y + cpu.h * 28 / 100, lab, D_DREQ, dreq, u);
	snprintf(lab, sizeof lab, "DACK%u \xe2\x86\x92", nch);
	signal(r, s, dma.x + dma.w, nic.x, cpu.y + cpu.h * 58 / 100, lab, D_DACK, dack, u);
	signal(r, s, dma.x + dma.w, nic.x, cpu.y + cpu.h * 88 / 100, "TC \xe2\x86\x92", D_TC, tc,
	       u);
	/* IRQ: from the NIC over the top to the CPU. */
	int iy = L.irq_y;
	wire(r, s, nic.x + nic.w / 2, nic.y, nic.x + nic.w / 2, iy, irql, u);
	wire(r, s, nic.x + nic.w / 2, iy, cpu.x + cpu.w / 2, iy, irql, u);
	wire(r, s, cpu.x + cpu.w / 2, iy, cpu.x + cpu.w / 2, cpu.y, irql, u);
	snprintf(lab, sizeof lab, "\xe2\x86\x90 IRQ%u", irq);
	text_at(r, sf, irql != 0, nic.x - 9 * sf->cw, iy - sf->lh - 3 * u, lab, strlen(lab),
	        irql ? wire_color(s, irql) : th->dim, NULL);
	/* The legend sits above the IRQ wire's left part, between the title and the boxes. */
	int lx = legend(r, s, cpu.x, L.title_y + bf->lh + u, nic.x - 11 * sf->cw - cpu.x, u);
	int ix = lx > cpu.x + cpu.w / 2 ? lx : cpu.x + cpu.w / 2;
	hit_add(s, (SDL_Rect){ ix, iy - sf->lh - 3 * u, nic.x - ix, sf->lh + 6 * u }, D_IRQW,
	        "wire:IRQ");

	/* CPU. */
	struct dv_vpanel *p = &s->box;
	panel_reset(s, p);
	unsigned lv = now(s, DV_SLOT_CPU_IRQL, 0);
	struct dv_vline *l = add_line(s, p, D_IRQL);
	dv_vline_add(l, DV_ROLE_NORMAL, "IRQL ");
	dv_vline_add(l, role(s, DV_SLOT_CPU_IRQL, 0), "%u %s", lv, level_name(lv));
	l = add_line(s, p, D_IRR);
	dv_vline_add(l, DV_ROLE_NORMAL, "IRR ");
	reg_value(s, l, DV_SLOT_CPU_IRR, 0, 4);
	l = add_line(s, p, D_DPC);
	dv_vline_add(l, DV_ROLE_NORMAL, "DPCs ");
	reg_value(s, l, DV_SLOT_CPU_DPC_COUNT, 0, 0);
	l = add_line(s, p, D_RUNS);
	dv_vline_add(l, owner ? DV_ROLE_DIM : DV_ROLE_HIGHLIGHT, "%s", owner ? "on hold" : "runs");
	bool cpu_chg = chg(s, DV_SLOT_CPU_IRQL, 0) || chg(s, DV_SLOT_CPU_IRR, 0) ||
	               chg(s, DV_SLOT_CPU_DPC_COUNT, 0) || chg(s, DV_SLOT_CPU_IN_SERVICE, 0);
	draw_box(r, s, cpu, "CPU", cpu_chg, th->boxfill, u);
	box_lines(r, s, cpu, p, "cpu", u);

	/* The 8237A: its fill says masked (red), transferring (green) or waiting. */
	dv_view_dma(v, &s->tmp);
	bool dma_chg = panel_changed(&s->tmp);
	bool masked = (now(s, DV_SLOT_DMA_MASK, chip) & bit) != 0;
	bool active = moved || level(s, DV_SLOT_BUS_DACK, 0, line) ||
	              now(s, DV_SLOT_DMA_ACTIVE, chip) == ch + 1; /* the 8237A keeps ch + 1 */
	panel_reset(s, p);
	uint32_t mode = now(s, DV_SLOT_DMA_MODE, ch);
	l = add_line(s, p, D_ADDR);
	dv_vline_add(l, DV_ROLE_NORMAL, "address ");
	reg_value(s, l, DV_SLOT_DMA_ADDR, ch, 4);
	dv_vline_add(l, DV_ROLE_DIM, "  base ");
	reg_value(s, l, DV_SLOT_DMA_BASE_ADDR, ch, 4);
	l = add_line(s, p, D_COUNT);
	dv_vline_add(l, DV_ROLE_NORMAL, "count   ");
	reg_value(s, l, DV_SLOT_DMA_COUNT, ch, 4);
	char cwords[48];
	dv_view_count_words(&s->ss->view, ch, false, cwords, sizeof cwords);
	dv_vline_add(l, DV_ROLE_DIM, "  %s", cwords);
	l = add_line(s, p, D_MODE);
	dv_vline_add(l, DV_ROLE_NORMAL, "mode    ");
	reg_value(s, l, DV_SLOT_DMA_MODE, ch, 2);
	dv_vline_add(l, DV_ROLE_NORMAL, " %s, %s%s",
	             dv_dma_sel_name(dv_dma_mode_sel((uint8_t)mode)),
	             (mode & DV_DMA_MODE_DECREMENT) ? "down" : "up",
	             (mode & DV_DMA_MODE_AUTOINIT) ? ", auto" : "");
	l = add_line(s, p, D_TYPE);
	unsigned type = dv_dma_mode_type((uint8_t)mode);
	dv_vline_add(l, type == DV_DMA_ILLEGAL ? DV_ROLE_ERROR : DV_ROLE_NORMAL, "        %s",
	             type == DV_DMA_READ   ? "read: memory \xe2\x86\x92 device" :
	             type == DV_DMA_WRITE  ? "write: device \xe2\x86\x92 memory" :
	             type == DV_DMA_VERIFY ? "verify: nothing moves" :
	                                     "illegal type 11");
	l = add_line(s, p, D_MASK);
	dv_vline_add(l, DV_ROLE_NORMAL, "mask ");
	dv_vline_add(l, role(s, DV_SLOT_DMA_MASK, chip), "%s", masked ? "SET" : "clear");
	dv_vline_add(l, DV_ROLE_NORMAL, "   TC ");
	dv_vline_add(l, role(s, DV_SLOT_DMA_STATUS, chip), "%u",
	             (now(s, DV_SLOT_DMA_STATUS, chip) & bit) ? 1u : 0u);
	dv_vline_add(l, DV_ROLE_NORMAL, "   flip-flop ");
	dv_vline_add(l, role(s, DV_SLOT_DMA_FLIPFLOP, chip), "%s",
	             now(s, DV_SLOT_DMA_FLIPFLOP, chip) ? "hi" : "lo");
	l = add_line(s, p, D_STATE);
	if (moved)
		dv_vline_add(l, DV_ROLE_HIGHLIGHT, "TRANSFERRED %zu byte%s%s",
		             moved * (chip ? 2u : 1u), moved * (chip ? 2u : 1u) == 1 ? "" : "s",
		             masked ? ", masked now" : "");
	else if (masked)
		dv_vline_add(l, DV_ROLE_ERROR, "MASKED: DREQ is ignored");
	else
		dv_vline_add(l, active ? DV_ROLE_HIGHLIGHT : DV_ROLE_DIM, "%s",
		             active ? "TRANSFERRING" : "unmasked: waiting for DREQ");
	if (ch != nch) {
		/* No device on this channel: no wire to draw; its lines as the bus has them. */
		l = add_line(s, p, D_NODEV);
		dv_vline_add(l, DV_ROLE_NORMAL, "DREQ%u ", ch);
		dv_vline_add(l, role(s, DV_SLOT_BUS_DREQ, 0), "%u",
		             (now(s, DV_SLOT_BUS_DREQ, 0) & line) ? 1u : 0u);
		dv_vline_add(l, DV_ROLE_NORMAL, "  DACK%u ", ch);
		dv_vline_add(l, role(s, DV_SLOT_BUS_DACK, 0), "%u",
		             (now(s, DV_SLOT_BUS_DACK, 0) & line) ? 1u : 0u);
		dv_vline_add(l, DV_ROLE_DIM, "  no device there");
	}
	char dtitle[96];
	snprintf(dtitle, sizeof dtitle, "8237A DMA%u  channel %u (%s)", chip + 1, ch,
	         chip ? "16-bit" : "8-bit");
	draw_box(r, s, dma, dtitle, dma_chg,
	         active ? th->xfer :
	         masked ? th->masked :
	                  th->boxfill,
	         u);
	box_lines(r, s, dma, p, "dma", u);
	hit_add(s, rect_of(dma), NULL, "box:dma");

	/* NIC: its registers and the FIFOs as bars. */
	dv_view_nic(v, &s->tmp);
	bool nic_chg = panel_changed(&s->tmp);
	char ntitle[96];
	snprintf(ntitle, sizeof ntitle, "NIC at 0x%03x", v->now.st.nic.base);
	draw_box(r, s, nic, ntitle, nic_chg, th->boxfill, u);
	panel_reset(s, p);
	char words[96];
	l = add_line(s, p, D_NICCMD);
	dv_vline_add(l, DV_ROLE_NORMAL, "CMD ");
	reg_value(s, l, DV_SLOT_NIC_CMD, 0, 2);
	dv_vline_add(l, DV_ROLE_DIM, " %s",
	             dv_nic_bits(0, now(s, DV_SLOT_NIC_CMD, 0), words, sizeof words));
	l = add_line(s, p, D_TXLEN);
	dv_vline_add(l, DV_ROLE_NORMAL, "TX ");
	dv_vline_add(l, role(s, DV_SLOT_NIC_TXLEN, 0), "%u", now(s, DV_SLOT_NIC_TXLEN, 0));
	dv_vline_add(l, DV_ROLE_NORMAL, " B, sent ");
	dv_vline_add(l, role(s, DV_SLOT_NIC_TX_SENT, 0), "%u", now(s, DV_SLOT_NIC_TX_SENT, 0));
	l = add_line(s, p, D_FIFO);
	dv_vline_add(l, DV_ROLE_NORMAL, "TX FIFO ");
	dv_vline_add(l, role(s, DV_SLOT_NIC_TX_COUNT, 0), "%2u", now(s, DV_SLOT_NIC_TX_COUNT, 0));
	l = add_line(s, p, D_FIFO);
	dv_vline_add(l, DV_ROLE_NORMAL, "RX FIFO ");
	dv_vline_add(l, role(s, DV_SLOT_NIC_RX_COUNT, 0), "%2u", now(s, DV_SLOT_NIC_RX_COUNT, 0));
	l = add_line(s, p, D_IRQLINE);
	dv_vline_add(l, DV_ROLE_NORMAL, "ISR ");
	reg_value(s, l, DV_SLOT_NIC_ISR, 0, 2);
	dv_vline_add(l, DV_ROLE_DIM, " %s",
	             dv_nic_bits(3, now(s, DV_SLOT_NIC_ISR, 0), words, sizeof words));
	dv_vline_add(l, DV_ROLE_NORMAL, "  IRQ%u ", irq);
	dv_vline_add(l, role(s, DV_SLOT_NIC_IRQ_LEVEL, 0), "%s",
	             now(s, DV_SLOT_NIC_IRQ_LEVEL, 0) ? "HIGH" : "low");
	box_lines(r, s, nic, p, "nic", u);
	for (int k = 0; k < 2; k++) { /* the bars, right of "TX FIFO nn" / "RX FIFO nn" */
		unsigned fillc = now(s, k ? DV_SLOT_NIC_RX_COUNT : DV_SLOT_NIC_TX_COUNT, 0);
		bool c = chg(s, k ? DV_SLOT_NIC_RX_COUNT : DV_SLOT_NIC_TX_COUNT, 0);
		int x0 = nic.x + 5 * u + 12 * sf->cw, y0 = nic.y + 3 * u + (3 + k) * sf->lh + 3 * u;
		int room = nic.x + nic.w - 8 * u - x0, cell = room / 16;
		for (unsigned i = 0; i < 16 && cell > 2; i++)
			fill(r, x0 + (int)i * cell, y0, cell - u, sf->lh - 6 * u,
			     i < fillc ? (c ? th->changed : th->wire_on) : th->wire_off);
	}

	draw_memory(r, s, &L, &mv, ch);

	/* The page register: bits 16-23 of the address the 8237A does not have. */
	panel_reset(s, p);
	l = add_line(s, p, D_PAGE);
	dv_vline_add(l, DV_ROLE_NORMAL, "page ");
	reg_value(s, l, DV_SLOT_PAGE, ch, 2);
	l = add_line(s, p, D_PHYS);
	dv_vline_add(l, DV_ROLE_DIM, "next phys");
	l = add_line(s, p, D_PHYS);
	bool phys_chg = chg(s, DV_SLOT_PAGE, ch) || chg(s, DV_SLOT_DMA_ADDR, ch);
	dv_vline_add(l, phys_chg ? DV_ROLE_CHANGED : DV_ROLE_NORMAL, "0x%06x",
	             dv_dma_phys(&v->now.st, ch));
	snprintf(lab, sizeof lab, "Page reg ch%u", ch);
	draw_box(r, s, page, lab, chg(s, DV_SLOT_PAGE, ch), th->boxfill, u);
	box_lines(r, s, page, p, "page", u);

	/* The wire and the peer station. */
	panel_reset(s, p);
	l = add_line(s, p, D_PEER);
	dv_vline_add(l, DV_ROLE_NORMAL, "wire: ");
	if (mv.wtx || mv.wrx)
		dv_vline_add(l, DV_ROLE_HIGHLIGHT, "%zu B out, %zu B in", mv.wtx, mv.wrx);
	else
		dv_vline_add(l, DV_ROLE_DIM, "quiet");
	l = add_line(s, p, D_PEER);
	dv_vline_add(l, DV_ROLE_NORMAL, "frames received ");
	dv_vline_add(l, role(s, DV_SLOT_PEER_RX_COUNT, 0), "%u", now(s, DV_SLOT_PEER_RX_COUNT, 0));
	l = add_line(s, p, D_PEER);
	dv_vline_add(l, DV_ROLE_NORMAL, "frames to send  ");
	dv_vline_add(l, role(s, DV_SLOT_PEER_TXQ_COUNT, 0), "%u",
	             now(s, DV_SLOT_PEER_TXQ_COUNT, 0));
	draw_box(r, s, peer, "Wire / peer station",
	         chg(s, DV_SLOT_PEER_RX_COUNT, 0) || chg(s, DV_SLOT_PEER_TXQ_COUNT, 0), th->boxfill,
	         u);
	box_lines(r, s, peer, p, "peer", u);

	draw_tokens(r, s, &L, &mv);
	draw_timing(r, s, &L);
	draw_side(r, s, &L);
	draw_narration(r, s, &L, narr_font);
	draw_controls(r, s, &L);
	if (s->help)
		draw_help(r, s, &L);
	else if (s->explain)
		draw_explain(r, s, &L);
	else
		draw_tooltip(r, s, &L);
	if (s->ask_quit)
		draw_quit(r, s, &L);
}

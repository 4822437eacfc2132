/* dmaviz: the presentation layout (present.h): fixed regions, text sized from the height. */
#include "present.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diagram.h"
#include "dma8237.h"
#include "lesson.h"
#include "sim.h"

const char *const dv_pregion_names[DV_PR_COUNT] = { "title",  "diagram",   "ribbon",  "map",
	                                            "timing", "narration", "controls" };

/* What one compose works with. */
struct ctx {
	struct dv_present *p;
	struct dv_scene *sc;
	struct dv_view *v;
	struct dv_scene_font fv, fn; /* values and labels; narration */
	int g;                       /* the gap unit: 4 px at 720 lines */
	unsigned ch, nch;            /* the lesson's channel; the NIC's */
	struct dv_dg_moves mv;
	/* the lecture facts of the moment (lecture.h) */
	const struct dv_lect_ribbon *rbp;
	const struct dv_lect_map *mapp;
	const struct dv_lect_cache *cachep;
	/* the lines of the 8237A's box the ribbon's call wrote (bit k: line k) */
	unsigned written;
	struct dv_prect dma; /* where the 8237A's box is, for the ribbon's leader line */
};

int dv_present_value_px(int h)
{
	return (h + DV_PRESENT_VALUE_DIV - 1) / DV_PRESENT_VALUE_DIV;
}

int dv_present_narr_px(int h)
{
	return (h + DV_PRESENT_NARR_DIV - 1) / DV_PRESENT_NARR_DIV;
}

void dv_present_init(struct dv_present *p, struct dv_session *ss)
{
	memset(p, 0, sizeof *p);
	p->ss = ss;
	p->ask = -1;
	dv_narr_place_reset(&p->narr_at);
	dv_vpanel_init(&p->narr);
	dv_vpanel_init(&p->tmp);
	dv_vpanel_init(&p->box);
}

void dv_present_finish(struct dv_present *p)
{
	dv_vpanel_finish(&p->narr);
	dv_vpanel_finish(&p->tmp);
	dv_vpanel_finish(&p->box);
}

/* ---- text ------------------------------------------------------------------------------------- */

/* t in font f at (x, y), cut to maxw pixels. Returns the width drawn. */
static int put(struct ctx *c, const struct dv_scene_font *f, bool bold, int x, int y, int maxw,
               enum dv_wcolor fg, const char *t)
{
	if (maxw < f->cw)
		return 0;
	size_t n = dv_vtext_bytes_for(t, strlen(t), (size_t)(maxw / f->cw));
	return dv_scene_text(c->sc, f->px, bold, x, y, t, n, fg, -1);
}

static int putf(struct ctx *c, const struct dv_scene_font *f, bool bold, int x, int y, int maxw,
                enum dv_wcolor fg, const char *fmt, ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 8, 9)))
#endif
        ;

static int putf(struct ctx *c, const struct dv_scene_font *f, bool bold, int x, int y, int maxw,
                enum dv_wcolor fg, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return put(c, f, bold, x, y, maxw, fg, buf);
}

/* A view line cut to maxw pixels. Nothing is dim here: a value the narration talks about must
 * read from the back of the room. */
static void vline(struct ctx *c, const struct dv_scene_font *f, int x, int y, int maxw,
                  const struct dv_vline *l)
{
	dv_scene_vline(c->sc, f, x, y, maxw > 0 ? (size_t)(maxw / f->cw) : 0, l, false);
}

/* A line of a box: "label " then a register's value (old→new when the move changed it). */
static void box_reset(struct ctx *c)
{
	dv_vpanel_clear(&c->p->box);
	memset(c->p->line_desc, 0, sizeof c->p->line_desc);
}

/* A line of the box being built, with its hover text. */
static struct dv_vline *box_line(struct ctx *c, const char *desc)
{
	size_t k = c->p->box.n;
	if (k < sizeof c->p->line_desc / sizeof c->p->line_desc[0])
		c->p->line_desc[k] = desc;
	return dv_vpanel_add_line(&c->p->box);
}

static struct dv_vline *reg_line(struct ctx *c, const char *label, enum dv_slot slot, uint32_t i,
                                 int digits, const char *desc)
{
	struct dv_vline *l = box_line(c, desc);
	if (!l)
		return NULL;
	dv_vline_add(l, DV_ROLE_NORMAL, "%s", label);
	dv_dg_reg_value(c->v, l, slot, i, digits);
	return l;
}

/* ---- boxes and wires -------------------------------------------------------------------------- */

/* A box of the diagram: its frame (thick when the move changed it), title and the lines of
 * the box panel, each cut to the box. Its text stays inside it (the scene's box). */
static void box(struct ctx *c, const char *name, struct dv_prect b, const char *title, bool changed,
                enum dv_wcolor fillc)
{
	int t = changed ? c->g : c->g / 2 > 0 ? c->g / 2 : 1, pad = c->g + t;
	dv_scene_rect(c->sc, b.x, b.y, b.w, b.h, changed ? DV_WC_changed : DV_WC_border);
	dv_scene_rect(c->sc, b.x + t, b.y + t, b.w - 2 * t, b.h - 2 * t, fillc);
	char hit[48];
	snprintf(hit, sizeof hit, "box:%s", name);
	dv_scene_hit_add(c->sc, b.x, b.y, b.w, b.h, NULL, hit);
	dv_scene_box(c->sc, name, b.x + t, b.y + t, b.w - 2 * t, b.h - 2 * t, false);
	/* The 8237A's box keeps a column at its right for the ribbon's leader marks. */
	int x = b.x + pad, w = b.w - 2 * pad - (!strcmp(name, "dma") ? 4 * c->g : 0), y = b.y + t;
	put(c, &c->fv, true, x, y, w, changed ? DV_WC_changed : DV_WC_head, title);
	y += c->fv.lh;
	for (size_t i = 0; i < c->p->box.n && y + c->fv.lh <= b.y + b.h - t; i++, y += c->fv.lh) {
		vline(c, &c->fv, x, y, w, &c->p->box.line[i]);
		const char *d = i < 16 ? c->p->line_desc[i] : NULL;
		snprintf(hit, sizeof hit, "reg:%s.%zu", name, i);
		if (d)
			dv_scene_hit_add(c->sc, b.x + t, y, b.w - 2 * t, c->fv.lh, d, hit);
	}
	dv_scene_box_end(c->sc);
}

static enum dv_wcolor wire_color(int lvl)
{
	return lvl == 2 ? DV_WC_wire_on : lvl == 1 ? DV_WC_wire_pulse : DV_WC_wire_off;
}

/* A signal wire from x1 to x2 at y, its label above it, centred; the level shows as colour
 * and as line: high now thick and solid, high in the move thick and dashed, low thin and
 * dashed (the window's legend names them). */
static void wire(struct ctx *c, int x1, int x2, int y, const char *label, int lvl, const char *desc)
{
	int g = c->g;
	dv_scene_line(c->sc, x1, y, x2, y,
	              lvl       ? 3 * g / 2 :
	              g / 2 > 0 ? g / 2 :
	                          1,
	              lvl == 1 ? 4 * g : 2 * g, lvl == 2 ? 0 : 2 * g, wire_color(lvl));
	int tw = (int)dv_vtext_cells(label, strlen(label)) * c->fv.cw;
	int ty = y - c->fv.lh - g;
	put(c, &c->fv, true, (x1 + x2) / 2 - tw / 2, ty, x2 - x1,
	    lvl ? wire_color(lvl) : DV_WC_text, label);
	char hit[48];
	snprintf(hit, sizeof hit, "wire:%s", label);
	dv_scene_hit_add(c->sc, x1, ty, x2 - x1, y + g - ty, desc, hit);
}

static void cpu_box(struct ctx *c, struct dv_prect b, bool on_hold)
{
	box_reset(c);
	unsigned lv = dv_dg_now(c->v, DV_SLOT_CPU_IRQL, 0);
	struct dv_vline *l = box_line(c, dv_desc_irql);
	if (l) {
		dv_vline_add(l, DV_ROLE_NORMAL, "IRQL ");
		dv_vline_add(l, dv_dg_role(c->v, DV_SLOT_CPU_IRQL, 0), "%s", dv_dg_irql_name(lv));
	}
	reg_line(c, "IRR ", DV_SLOT_CPU_IRR, 0, 2, dv_desc_irr);
	reg_line(c, "DPCs ", DV_SLOT_CPU_DPC_COUNT, 0, 0, dv_desc_dpc);
	l = box_line(c, dv_desc_runs);
	if (l)
		dv_vline_add(l, DV_ROLE_HIGHLIGHT, "%s", on_hold ? "on hold" : "runs");
	bool chg = dv_dg_changed(c->v, DV_SLOT_CPU_IRQL, 0) ||
	           dv_dg_changed(c->v, DV_SLOT_CPU_IRR, 0) ||
	           dv_dg_changed(c->v, DV_SLOT_CPU_DPC_COUNT, 0);
	box(c, "cpu", b, "CPU", chg, DV_WC_boxfill);
}

static void dma_lines(struct ctx *c, unsigned chip, unsigned bit)
{
	unsigned ch = c->ch;
	uint32_t mode = dv_dg_now(c->v, DV_SLOT_DMA_MODE, ch);
	reg_line(c, "address ", DV_SLOT_DMA_ADDR, ch, 4, dv_desc_addr);
	reg_line(c, "count ", DV_SLOT_DMA_COUNT, ch, 4, dv_desc_count);
	char words[48];
	dv_view_count_words(c->v, ch, false, words, sizeof words);
	struct dv_vline *l = box_line(c, dv_desc_count);
	if (l)
		dv_vline_add(l, DV_ROLE_NORMAL, "  = %s", words);
	l = reg_line(c, "mode ", DV_SLOT_DMA_MODE, ch, 2, dv_desc_mode);
	unsigned type = dv_dma_mode_type((uint8_t)mode);
	if (l)
		dv_vline_add(l, type == DV_DMA_ILLEGAL ? DV_ROLE_ERROR : DV_ROLE_NORMAL, " %s %s%s",
		             dv_dma_sel_name(dv_dma_mode_sel((uint8_t)mode)),
		             type == DV_DMA_READ   ? "read" :
		             type == DV_DMA_WRITE  ? "write" :
		             type == DV_DMA_VERIFY ? "verify" :
		                                     "illegal",
		             (mode & DV_DMA_MODE_AUTOINIT) ? " auto" : "");
	l = box_line(c, dv_desc_mask);
	if (l) {
		bool masked = dv_dg_now(c->v, DV_SLOT_DMA_MASK, chip) & bit;
		dv_vline_add(l, DV_ROLE_NORMAL, "mask ");
		dv_vline_add(l, dv_dg_role(c->v, DV_SLOT_DMA_MASK, chip), "%s",
		             masked ? "SET" : "clear");
		dv_vline_add(l, DV_ROLE_NORMAL, "  TC ");
		dv_vline_add(l, dv_dg_role(c->v, DV_SLOT_DMA_STATUS, chip), "%u",
		             (dv_dg_now(c->v, DV_SLOT_DMA_STATUS, chip) & bit) ? 1u : 0u);
	}
	l = reg_line(c, "page ", DV_SLOT_PAGE, ch, 2, dv_desc_page);
	if (l) {
		bool pc = dv_dg_changed(c->v, DV_SLOT_PAGE, ch) ||
		          dv_dg_changed(c->v, DV_SLOT_DMA_ADDR, ch);
		dv_vline_add(l, DV_ROLE_NORMAL, " phys ");
		dv_vline_add(l, pc ? DV_ROLE_CHANGED : DV_ROLE_NORMAL, "0x%06x",
		             dv_dma_phys(&c->v->now.st, ch));
	}
}

static void dma_box(struct ctx *c, struct dv_prect b)
{
	c->dma = b;
	unsigned ch = c->ch, chip = ch / 4, bit = 1u << (ch % 4);
	box_reset(c);
	dma_lines(c, chip, bit);
	dv_view_dma(c->v, &c->p->tmp);
	bool chg = dv_dg_panel_changed(&c->p->tmp);
	bool masked = (dv_dg_now(c->v, DV_SLOT_DMA_MASK, chip) & bit) != 0;
	bool active = c->mv.xfers || dv_dg_level(c->v, DV_SLOT_BUS_DACK, 0, 1u << ch) ||
	              dv_dg_now(c->v, DV_SLOT_DMA_ACTIVE, chip) == ch + 1;
	char title[64];
	snprintf(title, sizeof title, "8237A ch%u %s%s", ch, chip ? "16-bit" : "8-bit",
	         active ? " moving" :
	         masked ? " masked" :
	                  "");
	box(c, "dma", b, title, chg, active ? DV_WC_xfer : masked ? DV_WC_masked : DV_WC_boxfill);
}

static void nic_box(struct ctx *c, struct dv_prect b)
{
	box_reset(c);
	struct dv_vline *l = box_line(c, dv_desc_txlen);
	if (l) {
		dv_vline_add(l, DV_ROLE_NORMAL, "TX ");
		dv_dg_reg_value(c->v, l, DV_SLOT_NIC_TXLEN, 0, 0);
		dv_vline_add(l, DV_ROLE_NORMAL, " B sent ");
		dv_dg_reg_value(c->v, l, DV_SLOT_NIC_TX_SENT, 0, 0);
	}
	reg_line(c, "TX FIFO ", DV_SLOT_NIC_TX_COUNT, 0, 0, dv_desc_fifo);
	reg_line(c, "RX FIFO ", DV_SLOT_NIC_RX_COUNT, 0, 0, dv_desc_fifo);
	l = reg_line(c, "ISR ", DV_SLOT_NIC_ISR, 0, 2, dv_desc_irqline);
	if (l) {
		dv_vline_add(l, DV_ROLE_NORMAL, " IRQ%u ", c->v->now.st.nic.irq);
		dv_vline_add(l, dv_dg_role(c->v, DV_SLOT_NIC_IRQ_LEVEL, 0), "%s",
		             dv_dg_now(c->v, DV_SLOT_NIC_IRQ_LEVEL, 0) ? "HIGH" : "low");
	}
	reg_line(c, "CMD ", DV_SLOT_NIC_CMD, 0, 2, dv_desc_niccmd);
	l = box_line(c, dv_desc_peer);
	if (l) {
		dv_vline_add(l, DV_ROLE_NORMAL, "wire ");
		if (c->mv.wtx || c->mv.wrx)
			dv_vline_add(l, DV_ROLE_HIGHLIGHT, "%zu B out, %zu in", c->mv.wtx,
			             c->mv.wrx);
		else
			dv_vline_add(l, DV_ROLE_NORMAL, "quiet");
	}
	dv_view_nic(c->v, &c->p->tmp);
	char title[48];
	snprintf(title, sizeof title, "NIC at 0x%03x", c->v->now.st.nic.base);
	box(c, "nic", b, title, dv_dg_panel_changed(&c->p->tmp), DV_WC_boxfill);
}

/* The bus under the boxes, its owner and the last byte DMA moved on it. */
static void bus(struct ctx *c, struct dv_prect r, int y, const int stub_x[3])
{
	int g = c->g, h = c->fv.lh + g;
	uint32_t owner = dv_dg_now(c->v, DV_SLOT_BUS_OWNER, 0);
	int lvl = owner ? 2 : c->mv.xfers ? 1 : 0;
	for (int k = 0; k < 3; k++)
		dv_scene_line(c->sc, stub_x[k], y - 2 * g, stub_x[k], y, g, 0, 0,
		              wire_color(k && c->mv.xfers ? 1 : 0));
	dv_scene_rect(c->sc, r.x, y, r.w, h, wire_color(lvl));
	dv_scene_hit_add(c->sc, r.x, y, r.w, h, dv_desc_bus, "bus");
	char text[128];
	int n = snprintf(text, sizeof text, "ISA bus: %s", owner ? "the 8237A (DMA)" : "the CPU");
	if (c->mv.xfers) {
		const struct dv_event *e = dv_trace_at(dv_sim_trace(c->v->sim), c->mv.last_xfer);
		unsigned dir = dv_xfer_dir(e), w = dv_xfer_width(e);
		snprintf(text + n, sizeof text - (size_t)n, "   last byte 0x%0*x %s", 2 * (int)w,
		         e->new_value & (w == 2 ? 0xFFFFu : 0xFFu),
		         dir == DV_XFER_TO_MEMORY ? "device \xe2\x86\x92 memory" :
		                                    "memory \xe2\x86\x92 device");
	}
	put(c, &c->fv, true, r.x + g, y + g / 2, r.w - 2 * g, lvl ? DV_WC_on_changed : DV_WC_text,
	    text);
}

static void diagram(struct ctx *c, struct dv_prect r)
{
	int g = c->g, cw = c->fv.cw;
	int boxh = 7 * c->fv.lh + 2 * g;
	int cpu_w = 17 * cw, gap = 9 * cw, rest = r.w - cpu_w - 2 * gap;
	int dma_w = rest * 48 / 100;
	struct dv_prect cpu = { r.x, r.y, cpu_w, boxh };
	struct dv_prect dma = { cpu.x + cpu_w + gap, r.y, dma_w, boxh };
	struct dv_prect nic = { dma.x + dma_w + gap, r.y, r.x + r.w - (dma.x + dma_w + gap), boxh };
	uint32_t owner = dv_dg_now(c->v, DV_SLOT_BUS_OWNER, 0);
	cpu_box(c, cpu, owner != 0);
	dma_box(c, dma);
	nic_box(c, nic);
	/* DMA2's HRQ is the one on the CPU's HOLD pin (DMA1's goes to DMA2's channel 4). */
	int y1 = r.y + boxh * 2 / 5, y2 = r.y + boxh * 4 / 5;
	wire(c, cpu.x + cpu.w, dma.x, y1, "HRQ \xe2\x86\x90",
	     dv_dg_level(c->v, DV_SLOT_DMA_HRQ, 1, 1), dv_desc_hrq);
	wire(c, cpu.x + cpu.w, dma.x, y2, "HLDA \xe2\x86\x92",
	     dv_dg_level(c->v, DV_SLOT_BUS_HLDA, 0, 1), dv_desc_hlda);
	char lab[48];
	unsigned nline = 1u << c->nch;
	int ya = r.y + boxh * 2 / 7 + c->fv.lh / 2, yb = r.y + boxh * 4 / 7 + c->fv.lh / 2,
	    yc = r.y + boxh * 6 / 7 + c->fv.lh / 2;
	if (c->ch == c->nch) {
		snprintf(lab, sizeof lab, "\xe2\x86\x90 DREQ%u", c->nch);
		wire(c, dma.x + dma.w, nic.x, ya, lab,
		     dv_dg_level(c->v, DV_SLOT_BUS_DREQ, 0, nline), dv_desc_dreq);
		snprintf(lab, sizeof lab, "DACK%u \xe2\x86\x92", c->nch);
		wire(c, dma.x + dma.w, nic.x, yb, lab,
		     dv_dg_level(c->v, DV_SLOT_BUS_DACK, 0, nline), dv_desc_dack);
	} else {
		/* No device on the lesson's channel: no wire to the card. */
		putf(c, &c->fv, true, dma.x + dma.w + g, ya - c->fv.lh, gap - 2 * g, DV_WC_error,
		     "DREQ%u", c->ch);
		put(c, &c->fv, false, dma.x + dma.w + g, ya, gap - 2 * g, DV_WC_text, "no card");
		dv_scene_hit_add(c->sc, dma.x + dma.w, ya - c->fv.lh, gap, 2 * c->fv.lh,
		                 dv_desc_nodev, "nodevice");
	}
	wire(c, dma.x + dma.w, nic.x, yc, "TC \xe2\x86\x92",
	     dv_dg_level(c->v, DV_SLOT_BUS_TC, 0, 0xFF), dv_desc_tc);
	int stubs[3] = { cpu.x + cpu.w / 2, dma.x + dma.w * 3 / 4, nic.x + nic.w / 2 };
	bus(c, r, r.y + boxh + 2 * g, stubs);
}

/* ---- the call ribbon -------------------------------------------------------------------------- */

/* The line of the 8237A's box (dma_lines' order) a register lands in, or -1. */
static int dma_line_of(enum dv_slot slot)
{
	switch (slot) {
	case DV_SLOT_DMA_ADDR:
	case DV_SLOT_DMA_BASE_ADDR: return 0;
	case DV_SLOT_DMA_COUNT:
	case DV_SLOT_DMA_BASE_COUNT: return 1;
	case DV_SLOT_DMA_MODE: return 3;
	case DV_SLOT_DMA_MASK: return 4;
	case DV_SLOT_PAGE: return 5;
	default: return -1;
	}
}

/* The lines of the 8237A's box the ribbon's call (or the last port write) wrote in the
 * current move. */
static unsigned written_lines(const struct dv_lect_ribbon *rb, unsigned ch)
{
	unsigned m = 0;
	size_t n = !rb->fresh ? 0 : rb->nwrites < DV_LECT_WRITES ? rb->nwrites : DV_LECT_WRITES;
	for (size_t i = 0; i <= n; i++) {
		const struct dv_lect_write *w = i < n                          ? &rb->writes[i] :
		                                rb->has_port && rb->port_fresh ? &rb->port :
		                                                                 NULL;
		int k = w ? dma_line_of(w->slot) : -1;
		bool chip_reg = w && w->slot == DV_SLOT_DMA_MASK;
		if (k >= 0 && (chip_reg ? w->index == ch / 4 : w->index == ch))
			m |= 1u << k;
	}
	return m;
}

/* Leader lines from the ribbon up to the registers of the 8237A its call wrote: a mark at the
 * right end of each such line of the box, joined by one line down to the ribbon. */
static void leaders(struct ctx *c, struct dv_prect r)
{
	if (!c->written)
		return;
	int g = c->g, x = c->dma.x + c->dma.w - 3 * g, top = r.y;
	int y0 = c->dma.y + g + c->fv.lh; /* the box's first value line */
	for (int k = 0; k < 6; k++) {
		if (!(c->written & (1u << k)))
			continue;
		int y = y0 + k * c->fv.lh + c->fv.lh / 2;
		dv_scene_rect(c->sc, x - g, y - g, 2 * g, 2 * g, DV_WC_hilite);
		if (y < top)
			top = y;
	}
	dv_scene_line(c->sc, x, top, x, r.y, g / 2 > 0 ? g / 2 : 1, 0, 0, DV_WC_hilite);
}

/* The channel's badge at the right end of the ribbon's second line; returns its width. */
static int badge(struct ctx *c, int x, int y, int w)
{
	const struct dv_lect_ribbon *rb = c->rbp;
	if (!rb->badge[0])
		return 0;
	int bw = ((int)dv_vtext_cells(rb->badge, strlen(rb->badge)) + 2) * c->fv.cw;
	if (bw > w / 2)
		bw = w / 2;
	dv_scene_rect(c->sc, x + w - bw, y, bw, c->fv.lh,
	              rb->in_progress ? DV_WC_xfer : DV_WC_boxfill);
	put(c, &c->fv, true, x + w - bw + c->fv.cw, y, bw - 2 * c->fv.cw,
	    rb->in_progress ? DV_WC_hilite : DV_WC_text, rb->badge);
	dv_scene_hit_add(c->sc, x + w - bw, y, bw, c->fv.lh, dv_desc_badge, "ribbon:badge");
	return bw;
}

/* The NDIS call with its arguments and result on the first line (a result that does not fit
 * goes to the second line's right end: it is the point of the call), the last port write's
 * caption and the channel's badge (who owns it, in progress) on the second. */
static void ribbon(struct ctx *c, struct dv_prect r)
{
	const struct dv_lect_ribbon *rb = c->rbp;
	int g = c->g, x = r.x + g, w = r.w - 2 * g, lh = c->fv.lh, y2 = r.y + g + lh;
	dv_scene_rect(c->sc, r.x, r.y, r.w, r.h, DV_WC_panel);
	leaders(c, r);
	int right = badge(c, x, y2, w);
	enum dv_wcolor fg = rb->fresh ? DV_WC_hilite : DV_WC_text;
	if (rb->has_call) {
		const char *res = strstr(rb->text, " -> ");
		size_t cells = dv_vtext_cells(rb->text, strlen(rb->text));
		size_t n = strlen(rb->text);
		if (res && (int)cells * c->fv.cw > w) {
			n = (size_t)(res - rb->text);
			int rw = (int)dv_vtext_cells(res, strlen(res)) * c->fv.cw;
			right += c->fv.cw + put(c, &c->fv, true, x + w - right - c->fv.cw - rw, y2,
			                        rw, fg, res + 1);
		}
		dv_scene_text(c->sc, c->fv.px, true, x, r.y + g, rb->text,
		              dv_vtext_bytes_for(rb->text, n, (size_t)(w / c->fv.cw)), fg, -1);
		dv_scene_hit_add(c->sc, x, r.y + g, w, lh, dv_desc_ribbon, "ribbon:call");
	} else {
		put(c, &c->fv, false, x, r.y + g, w, DV_WC_text, "no NDIS call yet");
	}
	if (!rb->has_port)
		return;
	int cw = w - right - c->fv.cw;
	size_t n = dv_vtext_bytes_for(rb->caption, strlen(rb->caption), (size_t)(cw / c->fv.cw));
	dv_scene_text(c->sc, c->fv.px, rb->port_fresh, x, y2, rb->caption, n,
	              rb->port_fresh ? DV_WC_on_changed : DV_WC_text,
	              rb->port_fresh ? DV_WC_changed : -1);
	dv_scene_hit_add(c->sc, x, y2, cw, lh, dv_desc_port, "ribbon:port");
}

/* ---- the address map -------------------------------------------------------------------------- */

/* The hover text of a bar by its hit's name. */
static const char *bar_desc(const char *hit)
{
	return !strcmp(hit, "subrange") ? dv_desc_sub :
	       !strcmp(hit, "bounce")   ? dv_desc_bounce :
	       !strcmp(hit, "wrap")     ? dv_desc_wrap :
	                                  dv_desc_programmed;
}

/* A bar for bytes [from, from + n) of a scale of total bytes over width w at x. */
static void bar(struct ctx *c, int x, int y, int w, int h, uint32_t total, uint32_t from,
                uint32_t n, enum dv_wcolor col, const char *hit)
{
	if (!total || from >= total)
		return;
	if (n > total - from)
		n = total - from;
	int sx = x + (int)((int64_t)w * from / total), sw = (int)((int64_t)w * n / total);
	int minw = hit && (!strcmp(hit, "programmed") || !strcmp(hit, "wrap")) ? 3 * c->g : c->g;
	if (sw < minw && n) /* a few bytes of a big scale still show (the 64k lesson's 32) */
		sw = minw;
	if (sx + sw > x + w)
		sx = x + w - sw;
	dv_scene_rect(c->sc, sx, y, sw, h, col);
	if (hit)
		dv_scene_hit_add(c->sc, sx, y, sw, h, bar_desc(hit), hit);
}

/* Two rows of 8 bytes around addr, as memory is at the cursor; a byte the move changed in the
 * changed role, the byte at addr highlighted when mark (the last transfer's, or the channel's
 * next); tag after the first row says whose bytes they are when the heading does not. */
static void hex_rows(struct ctx *c, int x, int y, int w, uint32_t addr, bool mark, const char *tag)
{
	uint32_t size = dv_sim_config(c->v->sim)->mem_size, row0 = addr & ~7u;
	for (int r = 0; r < 2; r++, y += c->fv.lh) {
		uint32_t base = row0 + 8u * (uint32_t)r;
		if (base >= size)
			break;
		dv_vpanel_clear(&c->p->tmp);
		struct dv_vline *l = dv_vpanel_add_line(&c->p->tmp);
		if (!l)
			return;
		dv_vline_add(l, DV_ROLE_NORMAL, "%06x ", base);
		for (uint32_t k = 0; k < 8 && base + k < size; k++) {
			uint32_t a = base + k;
			uint32_t b = dv_cursor_get(&c->v->now, DV_SLOT_MEM, a);
			bool chg = b != dv_cursor_get(&c->v->base, DV_SLOT_MEM, a);
			dv_vline_add(l, DV_ROLE_NORMAL, " ");
			dv_vline_add(l,
			             chg               ? DV_ROLE_CHANGED :
			             mark && a == addr ? DV_ROLE_HIGHLIGHT :
			                                 DV_ROLE_NORMAL,
			             "%02x", b & 0xFFu);
		}
		if (r == 0 && tag)
			dv_vline_add(l, DV_ROLE_NORMAL, "  %s", tag);
		vline(c, &c->fv, x, y, w, l);
	}
}

/* An auto-initialize ring on its buffer's bar: each frame the NIC wrote (wrapping at the
 * ring's end; colours alternate), the part a later lap wrote over as a gap, and the write
 * pointer. */
static void ring_marks(struct ctx *c, int x, int y, int w, uint32_t bc)
{
	const struct dv_lect_map *m = c->mapp;
	int g = c->g, bh = c->fv.lh - 2 * g;
	uint32_t ring = m->prog_len ? m->prog_len : bc;
	for (size_t i = 0; i < m->nframes && i < DV_LECT_FRAMES; i++) {
		const struct dv_lect_frame *f = &m->frame[i];
		uint32_t from = f->start + f->overwritten, len = f->len - f->overwritten;
		enum dv_wcolor col = i % 2 ? DV_WC_moved : DV_WC_sub;
		for (int part = 0; part < 2 && len; part++) {
			uint32_t at = (m->offset + from % ring), in = ring - from % ring;
			in = len < in ? len : in;
			bar(c, x, y + g, w, bh, bc, at, in, col, NULL);
			bar(c, x, y, w, c->fv.lh, bc, at, 1, DV_WC_head, NULL); /* its start */
			from += in;
			len -= in;
		}
	}
	uint32_t wp = m->offset + m->ring_write % ring;
	int px = x + (int)((int64_t)w * wp / bc);
	dv_scene_rect(c->sc, px - g, y, 2 * g, c->fv.lh, DV_WC_changed);
	dv_scene_hit_add(c->sc, px - g, y, 2 * g, c->fv.lh, dv_desc_ring, "ring:pointer");
}

/* The NDIS_BUFFER to the scale of its ByteCount: the Offset/Length subrange, the bytes moved
 * (into the bounce buffer's copy when bounced), and labels with the numbers. */
static void buffer_bar(struct ctx *c, int x, int y, int w)
{
	const struct dv_lect_map *m = c->mapp;
	int g = c->g, bh = c->fv.lh - 2 * g;
	uint32_t bc = m->bytecount ? m->bytecount : 1;
	dv_scene_rect(c->sc, x, y + g, w, bh, DV_WC_buf);
	dv_scene_hit_add(c->sc, x, y + g, w, bh, dv_desc_buf, "buffer");
	bar(c, x, y + g, w, bh, bc, m->offset, m->length, m->out_of_range ? DV_WC_error : DV_WC_sub,
	    "subrange");
	if (m->ring) {
		ring_marks(c, x, y, w, bc);
		return;
	}
	uint32_t moved = m->bounced ? (m->copy == DV_LECT_COPY_DONE ? m->copy_len : 0) : m->moved;
	bar(c, x, y + g, w, bh, bc, m->offset, moved, DV_WC_moved, NULL);
}

/* The 8237A's block to scale (64 KiB, 128 KiB for a word channel): the programmed range, the
 * part past the boundary drawn where the counter really goes (the block's start), the write
 * pointer, and a ring's frames. */
static void block_bar(struct ctx *c, int x, int y, int w)
{
	const struct dv_lect_map *m = c->mapp;
	int g = c->g, bh = c->fv.lh - 2 * g;
	uint32_t blk = m->block ? m->block : 0x10000, base = m->prog_phys - m->prog_phys % blk;
	dv_scene_rect(c->sc, x, y + g, w, bh, DV_WC_boxfill);
	dv_scene_hit_add(c->sc, x, y + g, w, bh, dv_desc_block, "block");
	if (!m->programmed)
		return;
	uint32_t off = m->prog_phys - base, len = m->prog_len,
	         in = len <= blk - off ? len : blk - off;
	enum dv_wcolor col = m->bounced ? DV_WC_bounce : DV_WC_sub;
	bar(c, x, y + g, w, bh, blk, off, in, col, "programmed");
	/* The wrap: the counter carries out of its 16 bits, the page stays. Where it goes is the
	 * 64k lesson's question: drawn once the counter has wrapped (lecture.h's wrap_to). */
	if (in < len && m->wrap_to)
		bar(c, x, y + g, w, bh, blk, 0, len - in, DV_WC_error, "wrap");
	for (size_t i = 0; m->ring && i < m->nframes && i < DV_LECT_FRAMES; i++)
		bar(c, x, y, w, c->fv.lh, blk, (off + m->frame[i].start) % blk, 1, DV_WC_head,
		    NULL);
	if (m->cur_phys >= base && m->cur_phys - base < blk)
		bar(c, x, y, w, c->fv.lh, blk, m->cur_phys - base, 1, DV_WC_changed, "pointer");
}

/* All of memory to scale, for a buffer the 8237A cannot reach: the 16 MiB line its 24 address
 * bits end at, the NDIS_BUFFER above it and the bounce buffer the HAL copies through. */
static void memory_bar(struct ctx *c, int x, int y, int w)
{
	const struct dv_lect_map *m = c->mapp;
	int g = c->g, bh = c->fv.lh - 2 * g;
	uint32_t line = m->line16m ? m->line16m : 0x1000000, total = m->mem_size;
	if (total <= line)
		total = line + line / 4;
	dv_scene_rect(c->sc, x, y + g, w, bh, DV_WC_boxfill);
	bar(c, x, y + g, w, bh, total, m->buf_phys, m->bytecount, DV_WC_buf, NULL);
	if (m->bounced)
		bar(c, x, y + g, w, bh, total, m->bounce_phys, m->bounce_len, DV_WC_bounce,
		    "bounce");
	int lx = x + (int)((int64_t)w * line / total);
	dv_scene_rect(c->sc, lx - g / 2, y, g, c->fv.lh, DV_WC_error);
	dv_scene_hit_add(c->sc, lx - g, y, 2 * g, c->fv.lh, dv_desc_line16m, "line16m");
}

/* What the bars mean, in numbers. */
static void map_words(struct ctx *c, char *buf, size_t n)
{
	const struct dv_lect_map *m = c->mapp;
	size_t k = 0;
#define ADD(...) (k += (size_t)snprintf(buf + k, k < n ? n - k : 0, __VA_ARGS__), k = k < n ? k : n)
	if (m->has_buffer)
		ADD("Offset %u Length %u", m->offset, m->length);
	if (m->ring)
		ADD("%sring write +%u lap %u, %zu frames", k ? "; " : "", m->ring_write, m->laps,
		    m->frames_total);
	else if (m->crosses && m->wrap_to)
		ADD("%scrosses 0x%06x, wraps to 0x%06x", k ? "; " : "", m->boundary, m->wrap_to);
	else if (m->crosses)
		ADD("%scrosses 0x%06x", k ? "; " : "", m->boundary);
	if (m->bounced && m->copy == DV_LECT_COPY_DONE)
		ADD("%sbounce %06x: copied %s %u B", k ? "; " : "", m->bounce_phys,
		    m->write_to_device ? "in" : "back", m->copy_len);
	else if (m->bounced) /* when the copy comes is what a question may ask (10-flush) */
		ADD("%sbounce %06x", k ? "; " : "", m->bounce_phys);
	/* A refused Setup programmed nothing: the bar below is the channel's, not its. */
	if (m->refused && m->programmed)
		ADD("%srefused: ch%u still at %06x", k ? "; " : "", m->channel, m->cur_phys);
	else if (m->refused)
		ADD("%srefused: nothing programmed", k ? "; " : "");
#undef ADD
}

/* The cache's lines over the buffer (clean, dirty, stale), the last flush, and what a CPU read
 * sees against what the device wrote. */
static void cache_rows(struct ctx *c, int x, int y, int w)
{
	const struct dv_lect_cache *k = c->cachep;
	int g = c->g, cw = c->fv.cw, lh = c->fv.lh;
	int lx = x + put(c, &c->fv, true, x, y, w, DV_WC_head, "cache ");
	int cell = cw, room = x + w - lx;
	for (size_t i = 0; i < k->nlines && (int)(i + 1) * cell <= room / 2; i++) {
		enum dv_lect_line st = k->line[i].state;
		dv_scene_rect(c->sc, lx + (int)i * cell, y + g, cell - 1, lh - 2 * g,
		              st == DV_LECT_LINE_DIRTY ? DV_WC_changed :
		              st == DV_LECT_LINE_STALE ? DV_WC_error :
		                                         DV_WC_sub);
	}
	int tx = lx +
	         (int)(k->nlines < (size_t)(room / 2 / cell) ? k->nlines :
	                                                       (size_t)(room / 2 / cell)) *
	                 cell +
	         cw;
	putf(c, &c->fv, false, tx, y, x + w - tx, DV_WC_text, "%u dirty %u stale%s", k->ndirty,
	     k->nstale,
	     k->flush == DV_LECT_FLUSH_NONE      ? "" :
	     k->flush == DV_LECT_FLUSH_WRITEBACK ? (k->flush_now ? ", FLUSH now" : ", flushed") :
	                                           (k->flush_now ? ", INVALIDATE now" :
	                                                           ", invalidated"));
	dv_scene_hit_add(c->sc, x, y, w, lh, dv_desc_cache, "cache");
	y += lh;
	if (!k->nread) /* the lesson has not read the buffer yet: what it would see is a question */
		return;
	char cpu[3 * DV_LECT_READ + 1] = "", dev[3 * DV_LECT_READ + 1] = "";
	size_t n = k->nread < 4 ? k->nread : 4;
	for (size_t i = 0; i < n; i++) {
		snprintf(cpu + 3 * i, 4, "%02x ", k->cpu[i]);
		snprintf(dev + 3 * i, 4, "%02x ", k->dev[i]);
	}
	putf(c, &c->fv, true, x, y, w, k->stale ? DV_WC_error : DV_WC_hilite,
	     "CPU reads %sdevice %s%s", cpu, dev, k->stale ? "STALE" : "fresh");
}

static void address_map(struct ctx *c, struct dv_prect r)
{
	const struct dv_lect_map *m = c->mapp;
	int g = c->g, x = r.x + g, w = r.w - 2 * g, y = r.y + g / 2, lh = c->fv.lh;
	dv_scene_rect(c->sc, r.x, r.y, r.w, r.h, DV_WC_panel);
	if (m->has_buffer)
		putf(c, &c->fv, true, x, y, w, DV_WC_head, "NDIS_BUFFER %s%s%u B at 0x%06x%s",
		     m->buffer_name, m->buffer_name[0] ? ": " : "", m->bytecount, m->buf_phys,
		     m->buf_above16m ? ", above 16 MiB" : "");
	else
		putf(c, &c->fv, true, x, y, w, DV_WC_head, "Physical memory, channel %u",
		     m->channel);
	y += lh;
	int lw = 7 * c->fv.cw; /* the bars' labels */
	put(c, &c->fv, false, x, y, lw, DV_WC_text, "buffer");
	if (m->has_buffer)
		buffer_bar(c, x + lw, y, w - lw);
	y += lh;
	/* The 8237A's block, by its first address (64 KiB; 128 KiB for a word channel). */
	uint32_t blk = m->block ? m->block : 0x10000;
	if (m->bounced || m->buf_above16m) {
		put(c, &c->fv, false, x, y, lw, DV_WC_text, "memory");
		memory_bar(c, x + lw, y, w - lw);
	} else {
		putf(c, &c->fv, false, x, y, lw, DV_WC_text, "%06x",
		     m->prog_phys - m->prog_phys % blk);
		block_bar(c, x + lw, y, w - lw);
	}
	y += lh;
	char words[256];
	words[0] = '\0';
	map_words(c, words, sizeof words);
	if (!words[0] && m->programmed)
		snprintf(words, sizeof words, "programmed 0x%06x, %u B", m->prog_phys, m->prog_len);
	put(c, &c->fv, false, x, y, w, m->crosses || m->out_of_range ? DV_WC_error : DV_WC_text,
	    words);
	y += lh;
	if (c->cachep->on && c->cachep->nlines)
		cache_rows(c, x, y, w);
	else
		hex_rows(c, x, y, w, m->rows_addr, m->rows_mark,
		         m->rows_in == DV_LECT_ROWS_BOUNCE ? "bounce buffer" : NULL);
}

/* ---- the timing diagram ----------------------------------------------------------------------- */

static void timing(struct ctx *c, struct dv_prect r)
{
	int g = c->g, label_w = 6 * c->fv.cw, colw = 3 * g, rowh = (r.h - g) / DV_TSIG_COUNT;
	dv_scene_rect(c->sc, r.x, r.y, r.w, r.h, DV_WC_panel);
	int plot_x = r.x + g + label_w, plot_w = r.x + r.w - g - plot_x;
	static struct dv_vtiming td; /* 9 KiB: not on the stack */
	dv_view_timing_data(c->v, (size_t)(plot_w > 0 ? plot_w / colw : 0), &td);
	c->p->tim_first = td.first;
	c->p->tim_colw = colw;
	for (int sig = 0; sig < DV_TSIG_COUNT; sig++) {
		int y = r.y + g / 2 + sig * rowh;
		put(c, &c->fv, false, r.x + g, y + (rowh - c->fv.lh) / 2, label_w, DV_WC_text,
		    td.name[sig]);
		int hi_y = y + g, lo_y = y + rowh - 2 * g;
		bool prev = false;
		for (size_t k = 0; k < td.ncols * 3; k++) {
			size_t col = k / 3;
			bool h = k % 3 == 0 ? td.start[sig][col] :
			         k % 3 == 1 ? td.hi[sig][col] :
			                      td.end[sig][col];
			int x = plot_x + (int)col * colw + colw * (int)(k % 3) / 3;
			int w = plot_x + (int)col * colw + colw * (int)(k % 3 + 1) / 3 - x;
			enum dv_wcolor cl = h ? DV_WC_wire_on : DV_WC_wire_off;
			dv_scene_rect(c->sc, x, h ? hi_y : lo_y, w, g / 2 > 0 ? g / 2 : 1, cl);
			if (k > 0 && prev != h)
				dv_scene_rect(c->sc, x, hi_y, 1, lo_y - hi_y + 1, cl);
			prev = h;
		}
	}
	dv_scene_hit_add(c->sc, plot_x, r.y, (int)td.ncols * colw, r.h, dv_desc_timing, "timing");
}

/* ---- the narration ---------------------------------------------------------------------------- */

static void narration(struct ctx *c, struct dv_prect r)
{
	struct dv_present *p = c->p;
	const struct dv_scene_font *f = &c->fn;
	int g = c->g, w = r.w;
	size_t cells = (size_t)(w / f->cw);
	dv_view_narration(c->v, &p->narr, cells);
	if (p->ask >= 0) {
		dv_session_question(p->ss, p->ask, &p->tmp, cells);
		dv_vpanel_append(&p->narr, &p->tmp);
	}
	dv_scene_rect(c->sc, r.x, r.y, r.w, g / 2 > 0 ? g / 2 : 1, DV_WC_border);
	int y = r.y + g;
	size_t rows = (size_t)((r.y + r.h - y - f->lh) / f->lh) - (p->input ? 1 : 0);
	if ((long)rows < 1)
		rows = 1;
	size_t first = dv_narr_place(&p->narr_at, &p->narr, rows, c->v->pos, p->ss->nb,
	                             dv_session_at_ask(p->ss, p->ask));
	p->narr_lines = p->narr.n;
	p->narr_rows = rows;
	bool above = first > 0, below = first + rows < p->narr.n;
	char more[64];
	snprintf(more, sizeof more, "%s%s", above ? "\xe2\x96\xb2 more above  " : "",
	         below ? "more below \xe2\x96\xbc (PgDn)" : "");
	int mw = (int)dv_vtext_cells(more, strlen(more)) * f->cw;
	put(c, f, true, r.x, y, w - mw - f->cw, DV_WC_changed, p->narr.title);
	if (mw)
		put(c, f, true, r.x + w - mw, y, mw, DV_WC_hilite, more);
	y += f->lh;
	for (size_t i = first; i < p->narr.n && i < first + rows; i++, y += f->lh)
		vline(c, f, r.x, y, w, &p->narr.line[i]);
	if (p->input) {
		int aw = put(c, f, true, r.x, y, w, DV_WC_hilite, "Your answer: ");
		put(c, f, false, r.x + aw, y, w - aw, DV_WC_text, p->input);
	}
}

/* ---- the title row and the control row -------------------------------------------------------- */

static void title_row(struct ctx *c, struct dv_prect r)
{
	const struct dv_lesson *ls = c->p->ss->lesson;
	char right[96];
	unsigned nshown = 0, k = 0;
	for (unsigned i = 0; i < ls->nsteps; i++) {
		if (!dv_session_step_shown(c->p->ss, i))
			continue;
		nshown++;
		if (i <= c->v->step)
			k = nshown;
	}
	snprintf(right, sizeof right, "step %u/%u%s%s", k, nshown, c->p->state ? "  " : "",
	         c->p->state ? c->p->state : "");
	int rw = (int)dv_vtext_cells(right, strlen(right)) * c->fv.cw;
	if (rw > r.w / 2)
		rw = r.w / 2;
	putf(c, &c->fv, true, r.x, r.y, r.w - rw - c->fv.cw, DV_WC_text, "dmaviz: %s",
	     ls->title ? ls->title : "");
	put(c, &c->fv, true, r.x + r.w - rw, r.y, rw, DV_WC_hilite, right);
}

/* The lesson's timeline: a segment per shown step, the cursor's place marked. */
static void controls(struct ctx *c, struct dv_prect r)
{
	dv_scene_rect(c->sc, r.x, r.y, r.w, r.h, DV_WC_panel);
	if (c->p->own_controls)
		return;
	const struct dv_session *ss = c->p->ss;
	unsigned nshown = 0, i = 0;
	for (unsigned k = 0; k < ss->lesson->nsteps; k++)
		nshown += dv_session_step_shown(ss, k);
	int g = c->g, y = r.y + r.h / 4, h = r.h / 2;
	if (!nshown)
		return;
	dv_scene_rect(c->sc, r.x + g, y, r.w - 2 * g, h, DV_WC_buf);
	dv_scene_hit_add(c->sc, r.x + g, y, r.w - 2 * g, h, dv_desc_timeline, "timeline");
	for (unsigned k = 0; k < ss->lesson->nsteps; k++) {
		if (!dv_session_step_shown(ss, k))
			continue;
		int sx = r.x + g + (int)((int64_t)(r.w - 2 * g) * i / nshown);
		int ex = r.x + g + (int)((int64_t)(r.w - 2 * g) * (i + 1) / nshown);
		if (k <= c->v->step)
			dv_scene_rect(c->sc, sx, y, ex - sx, h,
			              k == c->v->step ? DV_WC_changed : DV_WC_sub);
		dv_scene_rect(c->sc, sx, y, 1, h, DV_WC_bg);
		i++;
	}
}

/* ---- the layout ------------------------------------------------------------------------------- */

/* The regions for w x h with the fonts of c. */
static void regions(struct ctx *c, int w, int h)
{
	struct dv_prect *R = c->p->region;
	int g = c->g, m = w / 64, lh = c->fv.lh, iw = w - 2 * m;
	int y = 0;
	R[DV_PR_TITLE] = (struct dv_prect){ m, y, iw, lh + g };
	y += lh + 2 * g;
	int dh = 7 * lh + 2 * g + 2 * g + lh + g;
	R[DV_PR_DIAGRAM] = (struct dv_prect){ m, y, iw, dh };
	y += dh + g;
	R[DV_PR_RIBBON] = (struct dv_prect){ m, y, iw, 2 * lh + 2 * g };
	y += 2 * lh + 3 * g;
	int mh = 6 * lh + 2 * g, mw = iw * 56 / 100;
	R[DV_PR_MAP] = (struct dv_prect){ m, y, mw, mh };
	R[DV_PR_TIMING] = (struct dv_prect){ m + mw + g, y, iw - mw - g, mh };
	y += mh + g;
	int ch = lh + 2 * g;
	R[DV_PR_CONTROLS] = (struct dv_prect){ 0, h - ch, w, ch };
	R[DV_PR_NARRATION] = (struct dv_prect){ m, y, iw, h - ch - g - y };
}

void dv_present_compose(struct dv_present *p, struct dv_scene *sc)
{
	struct ctx c = { .p = p, .sc = sc, .v = &p->ss->view };
	int w = sc->w, h = sc->h;
	p->px_value = dv_present_value_px(h);
	p->px_narr = dv_present_narr_px(h);
	c.fv = dv_scene_font(sc, p->px_value);
	c.fn = dv_scene_font(sc, p->px_narr);
	c.g = h / 180 > 2 ? h / 180 : 2;
	c.ch = dv_dg_active_channel(c.v, &p->tmp);
	c.nch = dv_dg_nic_channel(c.v);
	c.mv = dv_dg_moves_of(c.v);
	if (p->facts_ss != p->ss || p->facts_pos != c.v->pos || p->facts_from != c.v->from) {
		dv_lecture_ribbon(c.v, &p->rb);
		dv_lecture_map(c.v, &p->map);
		dv_lecture_cache_with(c.v, &p->map, &p->cache);
		p->facts_ss = p->ss;
		p->facts_pos = c.v->pos;
		p->facts_from = c.v->from;
	}
	c.rbp = &p->rb;
	c.mapp = &p->map;
	c.cachep = &p->cache;
	c.written = written_lines(c.rbp, c.ch);
	regions(&c, w, h);
	static void (*const draw[DV_PR_COUNT])(struct ctx *, struct dv_prect) = {
		title_row, diagram, ribbon, address_map, timing, narration, controls
	};
	for (int i = 0; i < DV_PR_COUNT; i++) {
		struct dv_prect r = p->region[i];
		dv_scene_box(sc, dv_pregion_names[i], r.x, r.y, r.w, r.h, true);
		draw[i](&c, r);
		dv_scene_box_end(sc);
	}
	if (p->narr_lines > p->narr_rows) {
		struct dv_sbox *b = (struct dv_sbox *)dv_scene_box_named(sc, "narration");
		if (b)
			b->scrolls = true;
	}
}

int dv_present_step_index(const struct dv_session *ss, unsigned n)
{
	for (unsigned k = 0; k < ss->lesson->nsteps; k++)
		if (dv_session_step_shown(ss, k) && dv_view_step_number(&ss->view, k) == n)
			return (int)k;
	return -1;
}

bool dv_present_goto(struct dv_session *ss, unsigned n, unsigned b)
{
	int k = dv_present_step_index(ss, n);
	if (k < 0)
		return false;
	enum dv_move m = dv_session_goto_step(ss, (unsigned)k, b == 0);
	ss->msg[0] = '\0';
	for (unsigned i = 1; i < b && m == DV_MOVE_OK; i++) {
		if (dv_session_step_done(ss, (unsigned)k))
			return false;
		m = dv_session_move(ss, DV_VCMD_NEXT);
		ss->msg[0] = '\0';
	}
	/* Past a question (the way here does not stop at it), the picture shows what it asks:
	 * so does the question, with its answer. At the question's own beat it stays open. */
	int a = dv_session_ask(ss);
	const struct dv_beat *cur = dv_session_beat(ss);
	if (a >= 0 && !(cur && cur->kind == DV_BEAT_ASK && (int)cur->index == a))
		dv_session_reveal(ss);
	ss->msg[0] = '\0';
	return m != DV_MOVE_END || b <= 1;
}

void dv_present_notes(const struct dv_session *ss, unsigned k, FILE *f)
{
	const struct dv_lesson *ls = ss->lesson;
	if (k >= ls->nsteps)
		return;
	const struct dv_step *st = &ls->steps[k];
	fprintf(f, "==== %s: step %u: %s\n", ls->title ? ls->title : "",
	        dv_view_step_number(&ss->view, k), st->title);
	for (unsigned i = 0; i < st->nparas; i++)
		fprintf(f, "\n%s\n", st->paras[i]);
	for (unsigned a = 0; a < ls->nasks; a++) {
		const struct dv_ask *q = ls->asks[a];
		if (q->step != k)
			continue;
		fprintf(f, "\nQuestion: %s\n  answer:", q->question);
		for (unsigned i = 0; i < q->nanswers; i++) {
			if (q->answers[i].text)
				fprintf(f, "%s %s", i ? " or" : "", q->answers[i].text);
			else
				fprintf(f, "%s 0x%x", i ? " or" : "", q->answers[i].num);
		}
		fputc('\n', f);
		for (unsigned i = 0; i < q->nhints; i++)
			fprintf(f, "  hint %u: %s\n", i + 1, q->hints[i]);
		if (q->explain)
			fprintf(f, "  why: %s\n", q->explain);
	}
	fputc('\n', f);
	fflush(f);
}

void dv_present_scroll(struct dv_present *p, long rows)
{
	dv_narr_place_scroll(&p->narr_at, rows);
}

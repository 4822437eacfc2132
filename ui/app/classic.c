/* dmaviz: the window's classic layout as a scene (classic.h). The view (ui/view) says what the
 * panels contain and what changed, diagram.h what the boxes read; this file only places. */
#include "config.h"

#include "classic_int.h"
#include "diagram.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calls.h"
#include "describe.h"
#include "dma8237.h"
#include "dvndis.h"
#include "sim.h"

/* A line for the boxes; desc is its hover text. */
static struct dv_vline *add_line(struct dv_classic *s, struct dv_vpanel *p, const char *desc)
{
	if (p->n < sizeof s->line_desc / sizeof s->line_desc[0])
		s->line_desc[p->n] = desc;
	return dv_vpanel_add_line(p);
}

static void panel_reset(struct dv_classic *s, struct dv_vpanel *p)
{
	dv_vpanel_clear(p);
	memset(s->line_desc, 0, sizeof s->line_desc);
	memset(s->line_y, 0, sizeof s->line_y);
}

/* ---- what the view knows (ui/app/diagram.h) ---------------------------------------------------- */

static uint32_t now(const struct dv_classic *s, enum dv_slot slot, uint32_t i)
{
	return dv_dg_now(&s->ss->view, slot, i);
}

static bool chg(const struct dv_classic *s, enum dv_slot slot, uint32_t i)
{
	return dv_dg_changed(&s->ss->view, slot, i);
}

static enum dv_role role(const struct dv_classic *s, enum dv_slot slot, uint32_t i)
{
	return dv_dg_role(&s->ss->view, slot, i);
}

static void reg_value(const struct dv_classic *s, struct dv_vline *l, enum dv_slot slot, uint32_t i,
                      int digits)
{
	dv_dg_reg_value(&s->ss->view, l, slot, i, digits);
}

static int level(const struct dv_classic *s, enum dv_slot slot, uint32_t index, uint32_t bits)
{
	return dv_dg_level(&s->ss->view, slot, index, bits);
}

static unsigned nic_channel(const struct dv_classic *s)
{
	return dv_dg_nic_channel(&s->ss->view);
}

/* ---- drawing primitives ------------------------------------------------------------------------ */

static struct dv_prect rect_of(struct box b)
{
	struct dv_prect r = { b.x, b.y, b.w, b.h };
	return r;
}

/* A box of the diagram, its title and its fill; the items that follow until dv_scene_box_end
 * belong to it (name: its scene box). */
static void draw_box(struct dv_scene *sc, const struct dv_classic *s, const char *name,
                     struct box b, const char *title, bool changed, enum dv_wcolor fillc, int u)
{
	int bw = changed ? 4 * u : 2 * u;
	dv_scene_box(sc, name, b.x, b.y, b.w, b.h, false);
	fill(sc, b.x, b.y, b.w, b.h, changed ? DV_WC_changed : DV_WC_border);
	fill(sc, b.x + bw, b.y + bw, b.w - 2 * bw, b.h - 2 * bw, fillc);
	text_at(sc, &s->small, true, b.x + 5 * u, b.y + 3 * u, title, strlen(title),
	        changed ? DV_WC_changed : DV_WC_head, -1);
}

/* One line of a box at y, wrapped onto the next rows when it is wider than max cells (the
 * NIC's ISR with two flags, then its IRQ line's level); rows end at bottom. Returns the rows
 * drawn; what still does not fit counts in s->cut. */
static int box_line(struct dv_scene *sc, struct dv_classic *s, int x, int y, int bottom,
                    const struct dv_vline *l, size_t max)
{
	const struct dv_scene_font *f = &s->small;
	const struct dv_vline *row = l;
	size_t n = 1;
	if (dv_vtext_cells(l->text, l->len) > max) {
		dv_vpanel_clear(&s->wrap);
		dv_vpanel_wrap(&s->wrap, l, max);
		row = s->wrap.line;
		n = s->wrap.n;
	}
	int drawn = 0;
	for (size_t r = 0; r < n; r++, y += f->lh, drawn++) {
		if (y + f->lh > bottom) {
			s->cut += (unsigned)(n - r);
			break;
		}
		vline_at(sc, f, x, y, &row[r], max);
		s->cut += dv_vtext_cells(row[r].text, row[r].len) > max; /* a word wider than max */
	}
	return drawn;
}

/* The panel's lines inside a box, under its title (s->line_y: where each begins); lines with
 * hover text become hits. */
static void box_lines(struct dv_scene *sc, struct dv_classic *s, struct box b,
                      const struct dv_vpanel *p, const char *hitname, int u)
{
	const struct dv_scene_font *f = &s->small;
	int y = b.y + 3 * u + f->lh, bottom = b.y + b.h - 2 * u;
	size_t max = (size_t)((b.w - 10 * u) / f->cw);
	for (size_t i = 0; i < p->n; i++) {
		int rows = box_line(sc, s, b.x + 5 * u, y, bottom, &p->line[i], max);
		if (rows == 0) {
			/* The box is full: the rest is not shown. */
			s->cut += (unsigned)(p->n - i - 1);
			break;
		}
		const char *d = i < 16 ? s->line_desc[i] : NULL;
		if (i < 16)
			s->line_y[i] = y;
		if (d && hitname) {
			struct dv_prect hr = { b.x + 2 * u, y, b.w - 4 * u, rows * f->lh };
			hit_add(s, hr, d, "reg:%s.%zu", hitname, i);
		}
		y += rows * f->lh;
	}
}

static enum dv_wcolor wire_color(const struct dv_classic *s, int lvl)
{
	return lvl == 2 ? DV_WC_wire_on : lvl == 1 ? DV_WC_wire_pulse : DV_WC_wire_off;
}

/* An axis-parallel line from (x1, y1) to (x2, y2), thick when lit; dash and gap are the
 * lengths of its dashes (gap 0: solid). */
static void line_at(struct dv_scene *sc, int x1, int y1, int x2, int y2, int t, int dash, int gap,
                    enum dv_wcolor c)
{
	dv_scene_line(sc, x1, y1, x2, y2, t, dash, gap, c);
}

/* A signal wire. Its level shows in two ways, colour and line (the legend names both, for a
 * viewer who cannot tell the colours apart): high now, thick and solid; high at some point of
 * the move, thick and dashed; low, thin and dashed. */
static void wire(struct dv_scene *sc, const struct dv_classic *s, int x1, int y1, int x2, int y2,
                 int lvl, int u)
{
	line_at(sc, x1, y1, x2, y2, lvl ? 6 * u : 2 * u, lvl == 1 ? 8 * u : 3 * u,
	        lvl == 2 ? 0 : 3 * u, wire_color(s, lvl));
}

/* A data path to the bus or the network wire: solid, thick while bytes went along it. */
static void path(struct dv_scene *sc, const struct dv_classic *s, int x1, int y1, int x2, int y2,
                 bool lit, int u)
{
	line_at(sc, x1, y1, x2, y2, lit ? 6 * u : 2 * u, 0, 0, wire_color(s, lit ? 1 : 0));
}

/* The legend of the wires' cues, in a small box at (x, y) no wider than room; its right end,
 * or x when it does not fit. */
static int legend(struct dv_scene *sc, struct dv_classic *s, int x, int y, int room, int u);

/* A labelled signal between two boxes: label above the line, centred. */
static void signal(struct dv_scene *sc, struct dv_classic *s, int x1, int x2, int y,
                   const char *label, const char *desc, int lvl, int u)
{
	wire(sc, s, x1, y, x2, y, lvl, u);
	const struct dv_scene_font *f = &s->small;
	int tw = (int)dv_vtext_cells(label, strlen(label)) * f->cw;
	int ty = y - f->lh - 3 * u;
	text_at(sc, f, lvl != 0, (x1 + x2) / 2 - tw / 2, ty, label, strlen(label),
	        lvl ? wire_color(s, lvl) : DV_WC_dim, -1);
	struct dv_prect hr = { x1, ty, x2 - x1, y + 4 * u - ty };
	hit_add(s, hr, desc, "wire:%s", label);
}

/* ---- the screen ---------------------------------------------------------------------------------- */

static int legend(struct dv_scene *sc, struct dv_classic *s, int x, int y, int room, int u)
{
	static const struct {
		int lvl;
		const char *what;
	} rows[] = { { 2, "high" }, { 1, "high in the move" }, { 0, "low" } };
	const struct dv_scene_font *f = &s->small;
	int sample = 3 * f->cw, w = 4 * u;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
		w += sample + f->cw + (int)strlen(rows[i].what) * f->cw + 2 * f->cw;
	if (w > room)
		return x;
	struct dv_prect b = { x, y, w, f->lh };
	fill(sc, b.x, b.y, b.w, b.h, DV_WC_panel);
	frame(sc, b, u > 1 ? u / 2 : 1, DV_WC_border);
	int cx = x + 2 * u, my = y + f->lh / 2;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		wire(sc, s, cx, my, cx + sample, my, rows[i].lvl, u);
		cx += sample + f->cw;
		cx += textf(sc, f, false, cx, y, DV_WC_text, "%s", rows[i].what) + 2 * f->cw;
	}
	hit_add(s, b, dv_desc_legend, "legend");
	return b.x + b.w + 2 * u;
}

static struct layout layout_for(const struct dv_classic *s, int W, int H)
{
	struct layout L;
	const struct dv_scene_font *sf = &s->small, *bf = &s->big;
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
	L.controls = (struct dv_prect){ 0, H - ctl_h, W, ctl_h };
	int rest_y = memy + memh + 4 * u, rest_h = L.controls.y - rest_y;
	/* The timing diagram and the side panel take six signals' rows, a line of text each, when
	 * the narration keeps at least its title and three big lines below them: at every stop,
	 * whatever the narration's length (it scrolls). Only a window too small for both (under
	 * about 340 lines at the default text sizes) leaves them out. */
	int narr_min = bf->lh * 4 + 6 * u, tim_h = DV_TSIG_COUNT * sf->lh + 4 * u;
	if (rest_h - narr_min >= tim_h) {
		L.timing = (struct dv_prect){ m, rest_y, W * 600 / 1000 - m, tim_h };
		L.side = (struct dv_prect){ W * 615 / 1000, rest_y, W - m - W * 615 / 1000, tim_h };
		L.narr = (struct dv_prect){ m, rest_y + tim_h + 2 * u, W - 2 * m,
			                    L.controls.y - (rest_y + tim_h + 2 * u) };
	} else {
		L.timing = (struct dv_prect){ 0, 0, 0, 0 };
		L.side = L.timing;
		L.narr = (struct dv_prect){ m, rest_y, W - 2 * m, rest_h };
	}
	return L;
}

/* A byte token on the bus path between memory and the NIC, at fraction t (0 at the source). */
static void token(struct dv_scene *sc, const struct dv_classic *s, const struct layout *L,
                  bool to_memory, double t, const struct dv_event *xfer, bool bright)
{
	/* A word (16-bit channels) shows as four hex digits, high byte first. */
	unsigned width = dv_xfer_width(xfer),
	         value = xfer->new_value & (width == 2 ? 0xFFFFu : 0xFFu);
	const struct dv_scene_font *f = &s->small;
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
	struct dv_prect rc = { x - w / 2, y - h / 2, w, h };
	fill(sc, rc.x, rc.y, rc.w, rc.h, bright ? DV_WC_changed : DV_WC_wire_pulse);
	frame(sc, rc, u, DV_WC_on_changed);
	textf(sc, f, true, rc.x + 3 * u, rc.y + u, DV_WC_on_changed, "%0*x", 2 * (int)width, value);
}

static void draw_tokens(struct dv_scene *sc, const struct dv_classic *s, const struct layout *L,
                        const struct dv_dg_moves *mv)
{
	if (!mv->xfers)
		return;
	const struct dv_trace *tr = dv_sim_trace(s->ss->view.sim);
	const struct dv_event *last = dv_trace_at(tr, mv->last_xfer);
	unsigned dir = dv_xfer_dir(last);
	if (dir != DV_XFER_TO_MEMORY && dir != DV_XFER_FROM_MEMORY)
		return;
	bool to_mem = dir == DV_XFER_TO_MEMORY;
	if (mv->xfers == 1) {
		/* Slow: the one byte of this move, travelling while the next move is due. */
		double t = s->ui->playing ? 0.15 + 0.7 * (double)s->ui->play->acc / 1000.0 : 0.5;
		token(sc, s, L, to_mem, t, last, true);
		return;
	}
	/* Fast: a stream of the newest bytes, the newest nearest the destination. */
	size_t shown = 0, want = mv->xfers < 8 ? mv->xfers : 8;
	for (size_t i = mv->last_xfer + 1; i-- > s->ss->view.from && shown < want;) {
		const struct dv_event *e = dv_trace_at(tr, i);
		if (e->kind != DV_EV_XFER)
			continue;
		double t = 0.92 - 0.84 * (double)shown / (double)(want > 1 ? want - 1 : 1);
		token(sc, s, L, to_mem, t, e, shown == 0);
		shown++;
	}
}

/* The bounce buffer's address on its bar's row (row: the row's inner rectangle): beside the
 * bar, on the side with more room; where that side is too narrow (the bar spans most of the
 * row: the HAL bounced the whole subrange), on the bar's end in the dark text of a highlight,
 * so the bar keeps its length to scale. It once followed the Offset line and ran out of the
 * box, over the page register's "next phys". */
static void bounce_label(struct dv_scene *sc, const struct dv_classic *s, struct dv_prect row,
                         struct dv_prect bar, uint32_t phys)
{
	const struct dv_scene_font *f = &s->small;
	char t[32];
	int n = snprintf(t, sizeof t, "bounce at 0x%06x", phys);
	if (n > row.w / f->cw)
		n = row.w / f->cw;
	int tw = n * f->cw, end = row.x + row.w;
	int x = end - (bar.x + bar.w) >= bar.x - row.x ? bar.x + bar.w + f->cw : bar.x - f->cw - tw;
	if (x + tw > end)
		x = end - tw;
	if (x < row.x)
		x = row.x;
	bool on_bar = x < bar.x + bar.w && x + tw > bar.x;
	text_at(sc, f, true, x, row.y, t, (size_t)n, on_bar ? DV_WC_on_changed : DV_WC_bounce, -1);
}

/* Host memory: the NDIS_BUFFER to scale, its subrange, the bounce buffer, and two hex rows. */
static void draw_memory(struct dv_scene *sc, struct dv_classic *s, const struct layout *L,
                        const struct dv_dg_moves *mv, unsigned ch)
{
	const struct dv_scene_font *sf = &s->small;
	int u = L->u;
	struct box mem = L->mem;
	struct dv_dg_setup si = dv_dg_setup_of(&s->ss->view, s->ss->run, ch);
	char title[160];
	if (si.found)
		snprintf(title, sizeof title, "Host memory: NDIS_BUFFER, %u bytes at 0x%06x",
		         si.bytecount, si.buf_phys);
	else
		snprintf(title, sizeof title, "Host memory");
	draw_box(sc, s, "memory", mem, title, mv->xfers > 0, DV_WC_boxfill, u);
	int x0 = mem.x + 5 * u, inner = mem.w - 10 * u, y = mem.y + 3 * u + sf->lh;
	if (!si.found) {
		textf(sc, sf, false, x0, y, DV_WC_dim,
		      "no NdisMSetupDmaTransfer yet in this lesson");
		y += 2 * sf->lh;
	} else {
		/* The buffer's bar: one scale for everything, pixels per byte = inner / ByteCount. */
		uint32_t bc = si.bytecount ? si.bytecount : 1;
		int bh = sf->lh - 4 * u;
		struct dv_prect buf = { x0, y + 2 * u, inner, bh };
		fill(sc, buf.x, buf.y, buf.w, buf.h, DV_WC_buf);
		hit_add(s, buf, dv_desc_buf, "buffer");
		uint32_t off = si.offset < bc ? si.offset : bc, len = si.length;
		if (off + len > bc)
			len = bc - off;
		int sx = x0 + (int)((int64_t)inner * off / bc);
		int sw = (int)((int64_t)inner * len / bc);
		if (sw < 2 && len)
			sw = 2;
		struct dv_prect sub = { sx, buf.y, sw, bh };
		fill(sc, sub.x, sub.y, sub.w, sub.h, si.ok ? DV_WC_sub : DV_WC_error);
		hit_add(s, sub, dv_desc_sub, "subrange");
		if (!si.bounced && si.ok && si.length) {
			int mw = (int)((int64_t)sw * (int64_t)si.moved / si.length);
			fill(sc, sx, buf.y, mw, bh, DV_WC_moved);
		}
		y += sf->lh;
		/* The bounce buffer holds Length bytes: the same width as the subrange, under it. */
		if (si.ok && si.bounced) {
			struct dv_prect bb = { sx, y + 2 * u, sw, bh };
			fill(sc, bb.x, bb.y, bb.w, bb.h, DV_WC_bounce);
			int mw = si.length ? (int)((int64_t)sw * (int64_t)si.moved / si.length) : 0;
			fill(sc, bb.x, bb.y, mw, bh, DV_WC_moved);
			hit_add(s, bb, dv_desc_bounce, "bounce");
			bounce_label(sc, s, (struct dv_prect){ x0, y, inner, sf->lh }, bb,
			             si.dma_phys);
		} else {
			textf(sc, sf, false, x0, y, DV_WC_dim,
			      si.ok       ? "no bounce buffer: the 8237A reaches it" :
			      si.returned ? "Setup refused: nothing programmed" :
			                    "Setup running: not programmed yet");
		}
		y += sf->lh;
		textf(sc, sf, false, x0, y, DV_WC_text, "Offset %u  Length %u  %s  moved %zu%s",
		      si.offset, si.length, si.write ? "send" : "receive", si.moved,
		      si.completed ? "  done" : "");
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
	static const char *const what[] = { dv_desc_memrow, dv_desc_memrow_buf, dv_desc_memrow_buf,
		                            dv_desc_memrow_bounce };
	enum dv_wcolor addr_c = si.mem_in == DV_DG_BOUNCE   ? DV_WC_bounce :
	                        si.mem_in == DV_DG_SUBRANGE ? DV_WC_sub :
	                        si.mem_in == DV_DG_BUFFER   ? DV_WC_buf :
	                                                      DV_WC_dim;
	for (size_t i = 0; i < s->mem.n && i < rows; i++, y += sf->lh) {
		const struct dv_vline *l = &s->mem.line[i];
		size_t a = 0; /* the address, up to its space */
		while (a < l->len && l->text[a] != ' ')
			a++;
		struct dv_vline rest = { l->text + a, l->roles + a, l->len - a, l->len - a };
		text_at(sc, sf, si.mem_in != DV_DG_ELSEWHERE, x0, y, l->text, a, addr_c, -1);
		vline_at(sc, sf, x0 + (int)a * sf->cw, y, &rest, cells > a ? cells - a : 0);
		if (i == 0)
			hit_add(s, (struct dv_prect){ x0, y, inner, sf->lh }, what[si.mem_in], "%s",
			        where[si.mem_in]);
	}
	dv_scene_box_end(sc);
}

static void draw_timing(struct dv_scene *sc, struct dv_classic *s, const struct layout *L)
{
	struct dv_prect a = L->timing;
	if (a.w <= 0)
		return;
	const struct dv_scene_font *sf = &s->small;
	int u = L->u, label_w = 7 * sf->cw;
	int plot_x = a.x + label_w, plot_w = a.w - label_w;
	int colw = 6 * u; /* one bus cycle */
	size_t cols = (size_t)(plot_w / colw);
	static struct dv_vtiming td; /* 9 KiB: not on the stack */
	dv_view_timing_data(&s->ss->view, cols, &td);
	s->tim_first = td.first;
	s->tim_colw = colw;
	fill(sc, a.x, a.y, a.w, a.h, DV_WC_panel);
	int rowh = sf->lh; /* a signal's name takes a line: names one px apart would overlap */
	for (int sig = 0; sig < DV_TSIG_COUNT; sig++) {
		int y = a.y + 2 * u + sig * rowh;
		textf(sc, sf, false, a.x + 2 * u, y, DV_WC_text, "%s", td.name[sig]);
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
				enum dv_wcolor col = h ? DV_WC_wire_on : DV_WC_wire_off;
				fill(sc, x, h ? hi_y : lo_y, w, 2 * u, col);
				if ((c > 0 || k > 0) && prev != h)
					fill(sc, x, hi_y, u, lo_y - hi_y + 2 * u, col);
				if (h)
					fill(sc, x, hi_y + 2 * u, w, lo_y - hi_y - 2 * u,
					     dv_scene_dark(col));
				prev = h;
			}
		}
	}
	/* The cursor's cycle is the last column. */
	if (td.ncols) {
		int x = plot_x + (int)(td.ncols - 1) * colw;
		frame(sc, (struct dv_prect){ x, a.y + 2 * u, colw, DV_TSIG_COUNT * rowh }, u,
		      DV_WC_changed);
	}
	struct dv_prect plot = { plot_x, a.y + 2 * u, (int)td.ncols * colw, DV_TSIG_COUNT * rowh };
	hit_add(s, plot, dv_desc_timing, "timing");
}

static const char *side_name(enum dv_side t)
{
	return t == DV_SIDE_SOURCE ? "driver source" : t == DV_SIDE_LOG ? "event log" : "NDIS call";
}

static void draw_side(struct dv_scene *sc, struct dv_classic *s, const struct layout *L)
{
	struct dv_prect a = L->side;
	if (a.w <= 0)
		return;
	const struct dv_scene_font *sf = &s->small;
	int u = L->u;
	fill(sc, a.x, a.y, a.w, a.h, DV_WC_panel);
	/* The tabs: click one, or Tab cycles them. */
	int x = a.x;
	for (int t = 0; t < DV_SIDE_COUNT; t++) {
		const char *n = side_name((enum dv_side)t);
		int w = ((int)strlen(n) + 2) * sf->cw;
		bool on = (int)s->ui->side_tab == t;
		fill(sc, x, a.y, w, sf->lh, on ? DV_WC_head : DV_WC_boxfill);
		textf(sc, sf, on, x + sf->cw, a.y, on ? DV_WC_on_changed : DV_WC_dim, "%s", n);
		hit_add(s, (struct dv_prect){ x, a.y, w, sf->lh }, NULL, "tab:%s",
		        t == 0 ? "source" :
		        t == 1 ? "log" :
		                 "call");
		x += w + 2 * u;
	}
	/* Rows under the tabs, less the title line the source and the call tabs draw. */
	size_t rows = (size_t)((a.h - sf->lh - 2 * u) / sf->lh);
	if (s->ui->side_tab != DV_SIDE_LOG && rows > 1)
		rows--;
	size_t cells = (size_t)((a.w - 4 * u) / sf->cw);
	struct dv_vpanel *p = &s->side;
	switch (s->ui->side_tab) {
	case DV_SIDE_SOURCE: dv_view_source(&s->ss->view, p, rows); break;
	case DV_SIDE_LOG: dv_view_log(&s->ss->view, p, rows); break;
	default: dv_view_ndis(&s->ss->view, p, cells); break;
	}
	int y = a.y + sf->lh + 2 * u;
	if (p->title[0] && s->ui->side_tab != DV_SIDE_LOG) {
		const char *t = strrchr(p->title, '/'); /* the file's name, not where it lives */
		textf(sc, sf, true, a.x + 2 * u, y, DV_WC_head, "%.*s", (int)cells,
		      t ? t + 1 : p->title);
		y += sf->lh;
	}
	/* What does not fit scrolls under the mouse wheel, from the top after every move. */
	size_t fit = (size_t)((a.y + a.h - y) / sf->lh);
	if (s->side_pos != s->ss->view.pos || s->side_tab_at != (int)s->ui->side_tab) {
		s->side_pos = s->ss->view.pos;
		s->side_tab_at = (int)s->ui->side_tab;
		s->side_scroll = 0;
	}
	size_t bottom = p->n > fit ? p->n - fit : 0;
	if (s->side_scroll > bottom)
		s->side_scroll = bottom;
	s->side_lines = p->n;
	s->side_rows = fit;
	size_t i = s->side_scroll;
	for (; i < p->n && y + sf->lh <= a.y + a.h; i++, y += sf->lh)
		vline_at(sc, sf, a.x + 2 * u, y, &p->line[i], cells);
	if (s->side_scroll > 0 || i < p->n)
		textf(sc, sf, true, a.x + a.w - 9 * sf->cw, a.y, DV_WC_hilite, "%s%s",
		      s->side_scroll ? "^ " : "", i < p->n ? "more v" : "");
}

void dv_classic_side_scroll(struct dv_classic *c, long lines)
{
	c->side_scroll = dv_scrolled(c->side_scroll, lines);
}

/* The narration and the question, in the big font when they fit, else the small one. */
/* Builds the narration and the question (when one is current) for width pixels with font f.
 * Returns the lines they take, their title and an answer being typed included. */
static size_t build_narration(struct dv_classic *s, const struct dv_scene_font *f, int width)
{
	size_t cells = (size_t)(width / f->cw);
	int ask = s->ui->ask;
	dv_view_narration(&s->ss->view, &s->narr, cells);
	if (ask >= 0) {
		/* The question under the narration, a blank line between. */
		dv_session_question(s->ss, ask, &s->tmp, cells);
		dv_vpanel_append(&s->narr, &s->tmp);
	}
	return s->narr.n + 1 + (s->ui->input ? 1 : 0);
}

/* Picks the narration's font: the big one when the narration fits its region, else the small
 * one, which scrolls (PgUp/PgDn, "PgDn more v") when it does not fit either. The timing
 * diagram and the side panel never give their room away: they once vanished in 106 of the 275
 * stops at 1280x720, and a picture that changes its layout under a class is one it cannot
 * follow. Returns the font the panel was last built in. */
static const struct dv_scene_font *fit_narration(struct dv_classic *s, const struct layout *L)
{
	int u = L->u;
	for (int pass = 0; pass < 2; pass++) {
		const struct dv_scene_font *f = pass ? &s->small : &s->big;
		size_t lines = build_narration(s, f, L->narr.w - 4 * u);
		if ((int)lines * f->lh <= L->narr.h)
			return f;
	}
	return &s->small;
}

static void draw_narration(struct dv_scene *sc, struct dv_classic *s, const struct layout *L,
                           const struct dv_scene_font *f)
{
	struct dv_prect a = L->narr;
	int u = L->u;
	fill(sc, 0, a.y - 3 * u, L->W, 2 * u, DV_WC_border);
	size_t cells = (size_t)((a.w - 4 * u) / f->cw);
	int y = a.y;
	text_at(sc, f, true, a.x, y, s->narr.title, strlen(s->narr.title), DV_WC_changed, -1);
	y += f->lh;
	/* When the text is longer than the room: after a move it starts at the current
	 * paragraph (or shows the end, with the question); PgUp/PgDn scroll it. */
	size_t rows = (size_t)((a.y + a.h - y) / f->lh) - (s->ui->input ? 1 : 0);
	if (rows < 1)
		rows = 1;
	size_t first = dv_narr_place(&s->narr_at, &s->narr, rows, s->ss->view.pos, s->ss->nb,
	                             dv_session_at_ask(s->ss, s->ui->ask));
	s->narr_lines = s->narr.n;
	s->narr_rows = rows;
	size_t i = first;
	for (; i < s->narr.n && y + f->lh <= a.y + a.h - (s->ui->input ? f->lh : 0);
	     i++, y += f->lh)
		vline_at(sc, f, a.x, y, &s->narr.line[i], cells);
	if (i < s->narr.n || first > 0)
		textf(sc, f, true, a.x + a.w - 28 * f->cw, a.y, DV_WC_hilite, "%s%s",
		      first ? "^ PgUp " : "", i < s->narr.n ? "PgDn more v" : "");
	if (s->ui->input && y + f->lh <= a.y + a.h + f->lh) {
		int w = textf(sc, f, true, a.x, y, DV_WC_hilite, "Your answer: ");
		int tw = textf(sc, f, false, a.x + w, y, DV_WC_text, "%s", s->ui->input);
		fill(sc, a.x + w + tw, y + 2 * u, f->cw, f->lh - 4 * u, DV_WC_text); /* the caret */
	}
}

/* Opens one of the layout's regions (the tests check that its text stays inside it) and
 * returns its box; none (-1) when the region has no room. */
static int region(struct dv_scene *sc, const char *name, struct dv_prect r)
{
	return r.w > 0 && r.h > 0 ? dv_scene_box(sc, name, r.x, r.y, r.w, r.h, true) : -1;
}

/* The lesson's title, and where the learner is (playing, the pace, the granularity). */
static void title_row(struct dv_classic *s, struct dv_scene *sc, const struct layout *L)
{
	struct dv_view *v = &s->ss->view;
	const struct dv_scene_font *sf = &s->small;
	const struct dv_scene_font *bf = &s->big;
	struct box cpu = L->cpu;
	/* Title, and where the learner is. */
	const char *title = s->ss->lesson->title ? s->ss->lesson->title : "";
	textf(sc, bf, true, cpu.x, L->title_y, DV_WC_text, "dmaviz: %s", title);
	char where[160], cue[32];
	dv_play_cue(s->ui->play, false, cue, sizeof cue); /* "▶▶ 8x" while a long step runs fast */
	snprintf(where, sizeof where, "%s%s%s%s  %s moves", s->ui->demo ? "DEMO  " : "",
	         s->ui->playing ? "playing" : "paused", cue[0] ? " " : "", cue,
	         dv_view_gran_name(v->gran));
	int ww = (int)dv_vtext_cells(where, strlen(where)) * sf->cw;
	bool lit = s->ui->demo || cue[0];
	textf(sc, sf, lit, L->W - cpu.x - ww, L->title_y + bf->lh - sf->lh,
	      lit ? DV_WC_changed : DV_WC_dim, "%s", where);
}

/* The ISA bus and the stubs to it, the signal wires between the boxes, the IRQ wire over
 * the top, and the legend of the wires' cues. */
static void bus_and_wires(struct dv_classic *s, struct dv_scene *sc, const struct layout *L,
                          const struct dv_dg_moves *mv)
{
	int u = L->u;
	struct dv_view *v = &s->ss->view;
	const struct dv_scene_font *sf = &s->small;
	const struct dv_scene_font *bf = &s->big;
	struct box cpu = L->cpu;
	struct box dma = L->dma;
	struct box nic = L->nic;
	struct box mem = L->mem;
	struct box page = L->page;
	struct box peer = L->peer;
	size_t moved = mv->xfers;
	/* the NIC's DREQ/DACK: on the channel the machine wires it to */
	unsigned nch = nic_channel(s);
	unsigned nline = 1u << nch;
	unsigned irq = v->now.st.nic.irq;
	char lab[64];
	/* Signal levels. */
	uint32_t owner = now(s, DV_SLOT_BUS_OWNER, 0);
	int dreq = level(s, DV_SLOT_BUS_DREQ, 0, nline),
	    dack = level(s, DV_SLOT_BUS_DACK, 0, nline);
	/* DMA2's HRQ is the one on the CPU's HOLD pin (DMA1's goes to DMA2's channel 4). */
	int hrq = level(s, DV_SLOT_DMA_HRQ, 1, 1);
	int hlda = level(s, DV_SLOT_BUS_HLDA, 0, 1), tc = level(s, DV_SLOT_BUS_TC, 0, 0xFF);
	int irql = level(s, DV_SLOT_NIC_IRQ_LEVEL, 0, 1);

	/* The bus and the stubs to it. */
	path(sc, s, cpu.x + cpu.w / 2, cpu.y + cpu.h, cpu.x + cpu.w / 2, L->bus_y, false, u);
	path(sc, s, dma.x + dma.w * 3 / 4, dma.y + dma.h, dma.x + dma.w * 3 / 4, L->bus_y, moved,
	     u);
	path(sc, s, nic.x + nic.w / 2, nic.y + nic.h, nic.x + nic.w / 2, L->bus_y, mv->nic_xfers,
	     u);
	path(sc, s, mem.x + mem.w / 2, L->bus_y, mem.x + mem.w / 2, mem.y, moved, u);
	path(sc, s, page.x + page.w / 2, L->bus_y, page.x + page.w / 2, page.y, moved, u);
	int bl = owner ? 2 : moved ? 1 : 0;
	int bus_top = L->bus_y - L->bus_h / 2;
	fill(sc, cpu.x, bus_top, L->bus_x2 - cpu.x, L->bus_h, wire_color(s, bl));
	enum dv_wcolor on_bus = bl ? DV_WC_on_changed : DV_WC_text;
	/* The label sits left of the memory stub: the bytes travel along the rest of the bus. */
	textf(sc, sf, true, cpu.x + 4 * u, bus_top + u, on_bus, "ISA bus: %s",
	      owner ? "DMA" : "CPU");
	hit_add(s, (struct dv_prect){ cpu.x, bus_top, L->bus_x2 - cpu.x, L->bus_h }, dv_desc_bus,
	        "bus");
	int wl = (mv->wtx || mv->wrx) ? 1 : 0;
	path(sc, s, nic.x + nic.w * 3 / 4, nic.y + nic.h, nic.x + nic.w * 3 / 4, peer.y, wl, u);

	/* HRQ / HLDA between the CPU and the 8237A; DREQ / DACK / TC between the NIC and it. */
	signal(sc, s, cpu.x + cpu.w, dma.x, cpu.y + cpu.h * 35 / 100, "HRQ \xe2\x86\x90",
	       dv_desc_hrq, hrq, u);
	signal(sc, s, cpu.x + cpu.w, dma.x, cpu.y + cpu.h * 70 / 100, "HLDA \xe2\x86\x92",
	       dv_desc_hlda, hlda, u);
	snprintf(lab, sizeof lab, "\xe2\x86\x90 DREQ%u", nch);
	signal(sc, s, dma.x + dma.w, nic.x, cpu.y + cpu.h * 28 / 100, lab, dv_desc_dreq, dreq, u);
	snprintf(lab, sizeof lab, "DACK%u \xe2\x86\x92", nch);
	signal(sc, s, dma.x + dma.w, nic.x, cpu.y + cpu.h * 58 / 100, lab, dv_desc_dack, dack, u);
	signal(sc, s, dma.x + dma.w, nic.x, cpu.y + cpu.h * 88 / 100, "TC \xe2\x86\x92", dv_desc_tc,
	       tc, u);
	/* IRQ: from the NIC over the top to the CPU. */
	int iy = L->irq_y;
	wire(sc, s, nic.x + nic.w / 2, nic.y, nic.x + nic.w / 2, iy, irql, u);
	wire(sc, s, nic.x + nic.w / 2, iy, cpu.x + cpu.w / 2, iy, irql, u);
	wire(sc, s, cpu.x + cpu.w / 2, iy, cpu.x + cpu.w / 2, cpu.y, irql, u);
	snprintf(lab, sizeof lab, "\xe2\x86\x90 IRQ%u", irq);
	text_at(sc, sf, irql != 0, nic.x - 9 * sf->cw, iy - sf->lh - 3 * u, lab, strlen(lab),
	        irql ? wire_color(s, irql) : DV_WC_dim, -1);
	/* The legend sits above the IRQ wire's left part, between the title and the boxes. */
	int lx = legend(sc, s, cpu.x, L->title_y + bf->lh + u, nic.x - 11 * sf->cw - cpu.x, u);
	int ix = lx > cpu.x + cpu.w / 2 ? lx : cpu.x + cpu.w / 2;
	hit_add(s, (struct dv_prect){ ix, iy - sf->lh - 3 * u, nic.x - ix, sf->lh + 6 * u },
	        dv_desc_irqw, "wire:IRQ");
}

/* The CPU: its IRQL, IRR, DPCs, and whether it runs or is on hold (the bus is the DMA's). */
static void cpu_box(struct dv_classic *s, struct dv_scene *sc, const struct layout *L, bool on_hold)
{
	int u = L->u;
	struct box cpu = L->cpu;
	struct dv_vpanel *p = &s->box;
	struct dv_vline *l;
	/* CPU. */
	panel_reset(s, p);
	unsigned lv = now(s, DV_SLOT_CPU_IRQL, 0);
	l = add_line(s, p, dv_desc_irql);
	dv_vline_add(l, DV_ROLE_NORMAL, "IRQL ");
	dv_vline_add(l, role(s, DV_SLOT_CPU_IRQL, 0), "%u %s", lv, dv_dg_irql_name(lv));
	l = add_line(s, p, dv_desc_irr);
	dv_vline_add(l, DV_ROLE_NORMAL, "IRR ");
	reg_value(s, l, DV_SLOT_CPU_IRR, 0, 4);
	l = add_line(s, p, dv_desc_dpc);
	dv_vline_add(l, DV_ROLE_NORMAL, "DPCs ");
	reg_value(s, l, DV_SLOT_CPU_DPC_COUNT, 0, 0);
	l = add_line(s, p, dv_desc_runs);
	dv_vline_add(l, on_hold ? DV_ROLE_DIM : DV_ROLE_HIGHLIGHT, "%s",
	             on_hold ? "on hold" : "runs");
	bool cpu_chg = chg(s, DV_SLOT_CPU_IRQL, 0) || chg(s, DV_SLOT_CPU_IRR, 0) ||
	               chg(s, DV_SLOT_CPU_DPC_COUNT, 0) || chg(s, DV_SLOT_CPU_IN_SERVICE, 0);
	draw_box(sc, s, "cpu", cpu, "CPU", cpu_chg, DV_WC_boxfill, u);
	box_lines(sc, s, cpu, p, "cpu", u);
	dv_scene_box_end(sc);
}

/* The 8237A: the channel's registers; its fill says masked (red), transferring (green) or
 * waiting. */
static void dma_box(struct dv_classic *s, struct dv_scene *sc, const struct layout *L,
                    const struct dv_dg_moves *mv, unsigned ch)
{
	int u = L->u;
	struct dv_view *v = &s->ss->view;
	struct box dma = L->dma;
	size_t moved = mv->xfers;
	unsigned chip = ch / 4; /* the channel's chip, and its bit in the chip's mask and status */
	unsigned bit = 1u << (ch % 4);
	unsigned line = 1u << ch; /* its DREQ and DACK lines, one bit per channel 0-7 */
	/* the NIC's DREQ/DACK: on the channel the machine wires it to */
	unsigned nch = nic_channel(s);
	struct dv_vpanel *p = &s->box;
	struct dv_vline *l;
	/* The 8237A: its fill says masked (red), transferring (green) or waiting. */
	dv_view_dma(v, &s->tmp);
	bool dma_chg = dv_dg_panel_changed(&s->tmp);
	bool masked = (now(s, DV_SLOT_DMA_MASK, chip) & bit) != 0;
	bool active = moved || level(s, DV_SLOT_BUS_DACK, 0, line) ||
	              now(s, DV_SLOT_DMA_ACTIVE, chip) == ch + 1; /* the 8237A keeps ch + 1 */
	panel_reset(s, p);
	uint32_t mode = now(s, DV_SLOT_DMA_MODE, ch);
	l = add_line(s, p, dv_desc_addr);
	dv_vline_add(l, DV_ROLE_NORMAL, "address ");
	reg_value(s, l, DV_SLOT_DMA_ADDR, ch, 4);
	dv_vline_add(l, DV_ROLE_DIM, "  base ");
	reg_value(s, l, DV_SLOT_DMA_BASE_ADDR, ch, 4);
	l = add_line(s, p, dv_desc_count);
	dv_vline_add(l, DV_ROLE_NORMAL, "count   ");
	reg_value(s, l, DV_SLOT_DMA_COUNT, ch, 4);
	char cwords[48];
	dv_view_count_words(&s->ss->view, ch, false, cwords, sizeof cwords);
	dv_vline_add(l, DV_ROLE_DIM, "  %s", cwords);
	l = add_line(s, p, dv_desc_mode);
	dv_vline_add(l, DV_ROLE_NORMAL, "mode    ");
	reg_value(s, l, DV_SLOT_DMA_MODE, ch, 2);
	dv_vline_add(l, DV_ROLE_NORMAL, " %s, %s%s",
	             dv_dma_sel_name(dv_dma_mode_sel((uint8_t)mode)),
	             (mode & DV_DMA_MODE_DECREMENT) ? "down" : "up",
	             (mode & DV_DMA_MODE_AUTOINIT) ? ", auto" : "");
	l = add_line(s, p, dv_desc_type);
	unsigned type = dv_dma_mode_type((uint8_t)mode);
	dv_vline_add(l, type == DV_DMA_ILLEGAL ? DV_ROLE_ERROR : DV_ROLE_NORMAL, "        %s",
	             type == DV_DMA_READ   ? "read: memory \xe2\x86\x92 device" :
	             type == DV_DMA_WRITE  ? "write: device \xe2\x86\x92 memory" :
	             type == DV_DMA_VERIFY ? "verify: nothing moves" :
	                                     "illegal type 11");
	l = add_line(s, p, dv_desc_mask);
	dv_vline_add(l, DV_ROLE_NORMAL, "mask ");
	dv_vline_add(l, role(s, DV_SLOT_DMA_MASK, chip), "%s", masked ? "SET" : "clear");
	dv_vline_add(l, DV_ROLE_NORMAL, "   TC ");
	dv_vline_add(l, role(s, DV_SLOT_DMA_STATUS, chip), "%u",
	             (now(s, DV_SLOT_DMA_STATUS, chip) & bit) ? 1u : 0u);
	dv_vline_add(l, DV_ROLE_NORMAL, "   flip-flop ");
	dv_vline_add(l, role(s, DV_SLOT_DMA_FLIPFLOP, chip), "%s",
	             now(s, DV_SLOT_DMA_FLIPFLOP, chip) ? "hi" : "lo");
	l = add_line(s, p, dv_desc_state);
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
		l = add_line(s, p, dv_desc_nodev);
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
	draw_box(sc, s, "dma", dma, dtitle, dma_chg,
	         active ? DV_WC_xfer :
	         masked ? DV_WC_masked :
	                  DV_WC_boxfill,
	         u);
	box_lines(sc, s, dma, p, "dma", u);
	dv_scene_box_end(sc);
	hit_add(s, rect_of(dma), NULL, "box:dma");
}

/* The NIC: its registers and the FIFOs as bars. */
static void nic_box(struct dv_classic *s, struct dv_scene *sc, const struct layout *L)
{
	int u = L->u;
	struct dv_view *v = &s->ss->view;
	const struct dv_scene_font *sf = &s->small;
	struct box nic = L->nic;
	unsigned irq = v->now.st.nic.irq;
	struct dv_vpanel *p = &s->box;
	struct dv_vline *l;
	/* NIC: its registers and the FIFOs as bars. */
	dv_view_nic(v, &s->tmp);
	bool nic_chg = dv_dg_panel_changed(&s->tmp);
	char ntitle[96];
	snprintf(ntitle, sizeof ntitle, "NIC at 0x%03x", v->now.st.nic.base);
	draw_box(sc, s, "nic", nic, ntitle, nic_chg, DV_WC_boxfill, u);
	panel_reset(s, p);
	char words[96];
	l = add_line(s, p, dv_desc_niccmd);
	dv_vline_add(l, DV_ROLE_NORMAL, "CMD ");
	reg_value(s, l, DV_SLOT_NIC_CMD, 0, 2);
	dv_vline_add(l, DV_ROLE_DIM, " %s",
	             dv_nic_bits(0, now(s, DV_SLOT_NIC_CMD, 0), words, sizeof words));
	l = add_line(s, p, dv_desc_txlen);
	dv_vline_add(l, DV_ROLE_NORMAL, "TX ");
	dv_vline_add(l, role(s, DV_SLOT_NIC_TXLEN, 0), "%u", now(s, DV_SLOT_NIC_TXLEN, 0));
	dv_vline_add(l, DV_ROLE_NORMAL, " B, sent ");
	dv_vline_add(l, role(s, DV_SLOT_NIC_TX_SENT, 0), "%u", now(s, DV_SLOT_NIC_TX_SENT, 0));
	l = add_line(s, p, dv_desc_fifo);
	dv_vline_add(l, DV_ROLE_NORMAL, "TX FIFO ");
	dv_vline_add(l, role(s, DV_SLOT_NIC_TX_COUNT, 0), "%2u", now(s, DV_SLOT_NIC_TX_COUNT, 0));
	l = add_line(s, p, dv_desc_fifo);
	dv_vline_add(l, DV_ROLE_NORMAL, "RX FIFO ");
	dv_vline_add(l, role(s, DV_SLOT_NIC_RX_COUNT, 0), "%2u", now(s, DV_SLOT_NIC_RX_COUNT, 0));
	l = add_line(s, p, dv_desc_irqline);
	dv_vline_add(l, DV_ROLE_NORMAL, "ISR ");
	reg_value(s, l, DV_SLOT_NIC_ISR, 0, 2);
	dv_vline_add(l, DV_ROLE_DIM, " %s",
	             dv_nic_bits(3, now(s, DV_SLOT_NIC_ISR, 0), words, sizeof words));
	dv_vline_add(l, DV_ROLE_NORMAL, "  IRQ%u ", irq);
	dv_vline_add(l, role(s, DV_SLOT_NIC_IRQ_LEVEL, 0), "%s",
	             now(s, DV_SLOT_NIC_IRQ_LEVEL, 0) ? "HIGH" : "low");
	box_lines(sc, s, nic, p, "nic", u);
	for (int k = 0; k < 2; k++) { /* the bars, right of "TX FIFO nn" / "RX FIFO nn" */
		unsigned fillc = now(s, k ? DV_SLOT_NIC_RX_COUNT : DV_SLOT_NIC_TX_COUNT, 0);
		bool c = chg(s, k ? DV_SLOT_NIC_RX_COUNT : DV_SLOT_NIC_TX_COUNT, 0);
		int x0 = nic.x + 5 * u + 12 * sf->cw, y0 = s->line_y[2 + k] + 3 * u;
		int room = nic.x + nic.w - 8 * u - x0, cell = room / 16;
		for (unsigned i = 0; i < 16 && cell > 2 && s->line_y[2 + k]; i++)
			fill(sc, x0 + (int)i * cell, y0, cell - u, sf->lh - 6 * u,
			     i < fillc ? (c ? DV_WC_changed : DV_WC_wire_on) : DV_WC_wire_off);
	}
	dv_scene_box_end(sc);
}

/* The page register: bits 16-23 of the address the 8237A does not have. */
static void page_box(struct dv_classic *s, struct dv_scene *sc, const struct layout *L, unsigned ch)
{
	int u = L->u;
	struct dv_view *v = &s->ss->view;
	struct box page = L->page;
	struct dv_vpanel *p = &s->box;
	struct dv_vline *l;
	char lab[64];
	/* The page register: bits 16-23 of the address the 8237A does not have. */
	panel_reset(s, p);
	l = add_line(s, p, dv_desc_page);
	dv_vline_add(l, DV_ROLE_NORMAL, "page ");
	reg_value(s, l, DV_SLOT_PAGE, ch, 2);
	l = add_line(s, p, dv_desc_phys);
	dv_vline_add(l, DV_ROLE_DIM, "next phys");
	l = add_line(s, p, dv_desc_phys);
	bool phys_chg = chg(s, DV_SLOT_PAGE, ch) || chg(s, DV_SLOT_DMA_ADDR, ch);
	dv_vline_add(l, phys_chg ? DV_ROLE_CHANGED : DV_ROLE_NORMAL, "0x%06x",
	             dv_dma_phys(&v->now.st, ch));
	snprintf(lab, sizeof lab, "Page reg ch%u", ch);
	draw_box(sc, s, "page", page, lab, chg(s, DV_SLOT_PAGE, ch), DV_WC_boxfill, u);
	box_lines(sc, s, page, p, "page", u);
	dv_scene_box_end(sc);
}

/* The wire and the peer station. */
static void peer_box(struct dv_classic *s, struct dv_scene *sc, const struct layout *L,
                     const struct dv_dg_moves *mv)
{
	int u = L->u;
	struct box peer = L->peer;
	struct dv_vpanel *p = &s->box;
	struct dv_vline *l;
	/* The wire and the peer station. */
	panel_reset(s, p);
	l = add_line(s, p, dv_desc_peer);
	dv_vline_add(l, DV_ROLE_NORMAL, "wire: ");
	if (mv->wtx || mv->wrx)
		dv_vline_add(l, DV_ROLE_HIGHLIGHT, "%zu B out, %zu B in", mv->wtx, mv->wrx);
	else
		dv_vline_add(l, DV_ROLE_DIM, "quiet");
	l = add_line(s, p, dv_desc_peer);
	dv_vline_add(l, DV_ROLE_NORMAL, "frames received ");
	dv_vline_add(l, role(s, DV_SLOT_PEER_RX_COUNT, 0), "%u", now(s, DV_SLOT_PEER_RX_COUNT, 0));
	l = add_line(s, p, dv_desc_peer);
	dv_vline_add(l, DV_ROLE_NORMAL, "frames to send  ");
	dv_vline_add(l, role(s, DV_SLOT_PEER_TXQ_COUNT, 0), "%u",
	             now(s, DV_SLOT_PEER_TXQ_COUNT, 0));
	draw_box(sc, s, "peer", peer, "Wire / peer station",
	         chg(s, DV_SLOT_PEER_RX_COUNT, 0) || chg(s, DV_SLOT_PEER_TXQ_COUNT, 0),
	         DV_WC_boxfill, u);
	box_lines(sc, s, peer, p, "peer", u);
	dv_scene_box_end(sc);
}

/* The classic picture of the window at W x H into sc (the fonts are measured). */
static void compose(struct dv_classic *s, struct dv_scene *sc, int W, int H)
{
	struct layout L = layout_for(s, W, H);
	const struct dv_scene_font *narr_font = fit_narration(s, &L);
	unsigned ch = dv_dg_active_channel(&s->ss->view, &s->tmp);
	struct dv_dg_moves mv = dv_dg_moves_of(&s->ss->view);
	title_row(s, sc, &L);
	bus_and_wires(s, sc, &L, &mv);
	cpu_box(s, sc, &L, now(s, DV_SLOT_BUS_OWNER, 0) != 0);
	dma_box(s, sc, &L, &mv, ch);
	nic_box(s, sc, &L);
	draw_memory(sc, s, &L, &mv, ch);
	page_box(s, sc, &L, ch);
	peer_box(s, sc, &L, &mv);
	draw_tokens(sc, s, &L, &mv);
	region(sc, "timing", L.timing);
	draw_timing(sc, s, &L);
	dv_scene_box_end(sc);
	region(sc, "side", L.side);
	draw_side(sc, s, &L);
	dv_scene_box_end(sc);
	int nb = region(sc, "narration", L.narr);
	draw_narration(sc, s, &L, narr_font);
	if (nb >= 0 && s->narr.n > s->narr_rows)
		sc->box[nb].scrolls = true; /* its text continues: PgDn */
	dv_scene_box_end(sc);
	region(sc, "controls", L.controls);
	dv_cl_controls(sc, s, &L);
	dv_scene_box_end(sc);
	dv_cl_overlays(sc, s, &L);
}

/* The presentation layout (ui/app/present.c), the window's buttons in its control row, and the
 * overlays. */
static void compose_present(struct dv_classic *s, struct dv_present *p, struct dv_scene *sc, int W,
                            int H)
{
	char state[64], cue[32];
	dv_play_cue(s->ui->play, false, cue, sizeof cue);
	snprintf(state, sizeof state, "%s%s%s%s", s->ui->demo ? "DEMO " : "",
	         s->ui->playing ? "playing" : "paused", cue[0] ? " " : "", cue);
	p->ask = s->ui->ask;
	p->input = s->ui->input;
	p->state = state;
	p->own_controls = !s->ui->snapshot;
	dv_present_compose(p, sc);
	s->tim_first = p->tim_first;
	s->tim_colw = p->tim_colw;
	struct layout L;
	memset(&L, 0, sizeof L);
	L.W = W;
	L.H = H;
	L.u = H / 360 > 0 ? H / 360 : 1;
	struct dv_prect c = p->region[DV_PR_CONTROLS];
	L.controls = (struct dv_prect){ c.x, c.y, c.w, c.h };
	L.cpu.x = p->region[DV_PR_TITLE].x;
	if (!s->ui->snapshot)
		dv_cl_controls(sc, s, &L);
	dv_cl_overlays(sc, s, &L);
}

/* ---- the front end's entry points ------------------------------------------------------------- */

void dv_classic_init(struct dv_classic *c, struct dv_session *ss)
{
	memset(c, 0, sizeof *c);
	c->ss = ss;
	dv_narr_place_reset(&c->narr_at);
	c->side_pos = SIZE_MAX;
	dv_vpanel_init(&c->narr);
	dv_vpanel_init(&c->mem);
	dv_vpanel_init(&c->tmp);
	dv_vpanel_init(&c->box);
	dv_vpanel_init(&c->side);
	dv_vpanel_init(&c->wrap);
}

void dv_classic_finish(struct dv_classic *c)
{
	dv_vpanel_finish(&c->narr);
	dv_vpanel_finish(&c->mem);
	dv_vpanel_finish(&c->tmp);
	dv_vpanel_finish(&c->box);
	dv_vpanel_finish(&c->side);
	dv_vpanel_finish(&c->wrap);
}

void dv_classic_font_floor(int floor_px, int *small, int *big)
{
	int fl = floor_px > 8 ? floor_px : 8;
	if (*small < fl)
		*small = fl;
	if (*big < fl + 1)
		*big = fl + 1;
}

void dv_classic_font_px(int h, int floor_px, int *small, int *big)
{
	*small = h * 17 / 720;
	*big = h * 23 / 720;
	dv_classic_font_floor(floor_px, small, big);
}

/* What every compose starts with: the state, the scene and the fonts' measures. */
static void begin(struct dv_classic *c, const struct dv_ui_state *ui, struct dv_scene *sc)
{
	c->ui = ui;
	c->cut = 0;
	c->sc = sc;
	c->small = dv_scene_font(sc, ui->px_small);
	c->big = dv_scene_font(sc, ui->px_big);
}

void dv_classic_compose(struct dv_classic *c, const struct dv_ui_state *ui, struct dv_scene *sc)
{
	begin(c, ui, sc);
	fill(sc, 0, 0, sc->w, sc->h, DV_WC_bg);
	compose(c, sc, sc->w, sc->h);
	c->sc = NULL;
	c->ui = NULL;
}

void dv_classic_compose_present(struct dv_classic *c, struct dv_present *p,
                                const struct dv_ui_state *ui, struct dv_scene *sc)
{
	begin(c, ui, sc);
	fill(sc, 0, 0, sc->w, sc->h, DV_WC_bg);
	compose_present(c, p, sc, sc->w, sc->h);
	c->sc = NULL;
	c->ui = NULL;
}

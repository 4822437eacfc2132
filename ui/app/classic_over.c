/* dmaviz: the window's control row and overlays (classic_int.h), over the classic layout and
 * the presentation one alike. */
#include "config.h"

#include "classic_int.h"
#include "diagram.h"
#include "keymap.h"

struct button {
	const char *name, *label;
};

void dv_cl_controls(struct dv_scene *sc, struct dv_classic *s, const struct layout *L)
{
	const struct dv_scene_font *sf = &s->small;
	int u = L->u;
	struct dv_prect a = L->controls;
	fill(sc, a.x, a.y, a.w, a.h, DV_WC_panel);
	const struct button b[] = {
		{ "first", "|<" },
		{ "prev", "<" },
		{ "play", s->ui->playing ? "pause" : "play" },
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
		struct dv_prect rc = { x, y, w, h };
		bool hot = s->ui->mouse_in && s->ui->mx >= rc.x && s->ui->mx < rc.x + rc.w &&
		           s->ui->my >= rc.y && s->ui->my < rc.y + rc.h;
		fill(sc, rc.x, rc.y, rc.w, rc.h, hot ? DV_WC_head : DV_WC_boxfill);
		frame(sc, rc, u > 1 ? u / 2 : 1, DV_WC_border);
		textf(sc, sf, true, x + sf->cw, y, hot ? DV_WC_on_changed : DV_WC_text, "%s",
		      b[i].label);
		hit_add(s, rc, NULL, "button:%s", b[i].name);
		x += w + 3 * u;
		if (!strcmp(b[i].name, "faster")) {
			x += textf(sc, sf, false, x, y, DV_WC_dim, "%u/s", s->ui->rate) + 3 * u;
		}
	}
	/* The status toast (what a key or a click last reported) sits at the row's right end, so
	 * it covers no narration and no question; the timeline takes the room left of it, and
	 * gives it all to a long message. */
	int tx = x + 4 * u, tw = L->W - L->cpu.x - tx;
	if (s->ui->status[0]) {
		size_t len = strlen(s->ui->status), room = (size_t)((tw - 8 * u) / sf->cw);
		size_t n = dv_vtext_bytes_for(s->ui->status, len, room);
		int w = (int)dv_vtext_cells(s->ui->status, n) * sf->cw + 8 * u;
		struct dv_prect st = { L->W - L->cpu.x - w, y, w, h };
		fill(sc, st.x, st.y, st.w, st.h, DV_WC_tip);
		text_at(sc, sf, true, st.x + 4 * u, st.y, s->ui->status, n, DV_WC_changed, -1);
		hit_add(s, st, NULL, "status");
		tw = st.x - 6 * u - tx;
	}
	/* The timeline: one equal segment per shown step, the cursor's place marked. */
	unsigned nshown = 0;
	for (unsigned k = 0; k < s->ss->lesson->nsteps; k++)
		nshown += dv_session_step_shown(s->ss, k);
	if (tw < 40 * u || nshown == 0)
		return;
	struct dv_prect tl = { tx, y + h / 4, tw, h / 2 };
	fill(sc, tl.x, tl.y, tl.w, tl.h, DV_WC_buf);
	hit_add(s, tl, dv_desc_timeline, "timeline");
	unsigned i = 0;
	for (unsigned k = 0; k < s->ss->lesson->nsteps; k++) {
		if (!dv_session_step_shown(s->ss, k))
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
			fill(sc, sx, tl.y, (int)((ex - sx) * f), tl.h, DV_WC_sub);
			fill(sc, sx + (int)((ex - sx) * f) - u, tl.y - 2 * u, 3 * u, tl.h + 4 * u,
			     DV_WC_changed);
		} else if (k < s->ss->view.step) {
			fill(sc, sx, tl.y, ex - sx, tl.h, DV_WC_sub);
		}
		fill(sc, sx, tl.y - u, u, tl.h + 2 * u, DV_WC_bg);
		i++;
	}
}

static void draw_tooltip(struct dv_scene *sc, struct dv_classic *s, const struct layout *L)
{
	if (!s->ui->mouse_in)
		return;
	const struct dv_shit *h = NULL;
	for (size_t i = sc->nhit; i-- > 0;) {
		const struct dv_shit *c = &sc->hit[i];
		if (c->desc && s->ui->mx >= c->x && s->ui->mx < c->x + c->w && s->ui->my >= c->y &&
		    s->ui->my < c->y + c->h) {
			h = c;
			break;
		}
	}
	if (!h)
		return;
	const struct dv_scene_font *f = &s->small;
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
	int x = s->ui->mx + 12 * u, y = s->ui->my + 12 * u;
	if (x + w > L->W)
		x = L->W - w - 2 * u;
	if (y + hgt > L->H)
		y = s->ui->my - hgt - 6 * u;
	if (x < 0)
		x = 0;
	if (y < 0)
		y = 0;
	fill(sc, x, y, w, hgt, DV_WC_tip);
	frame(sc, (struct dv_prect){ x, y, w, hgt }, u, DV_WC_changed);
	for (size_t i = 0; i < n; i++)
		text_at(sc, f, false, x + 4 * u, y + 3 * u + (int)i * f->lh, lines[i], lens[i],
		        DV_WC_text, -1);
}

/* A box in the middle of the screen for an overlay (help, the rule's explanation, the quit
 * question), w x h clipped to the output; named "overlay:NAME" for tests and clicks. */
static struct dv_prect overlay_box(struct dv_scene *sc, struct dv_classic *s,
                                   const struct layout *L, int w, int h, const char *name)
{
	int u = L->u;
	if (w > L->W)
		w = L->W;
	if (h > L->H)
		h = L->H;
	struct dv_prect b = { (L->W - w) / 2, (L->H - h) / 2, w, h };
	fill(sc, b.x, b.y, b.w, b.h, DV_WC_tip);
	frame(sc, b, 2 * u, DV_WC_changed);
	hit_add(s, b, NULL, "overlay:%s", name);
	return b;
}

/* e: the verifier rule that fired last, explained (dv_view_rule: its title, then what it
 * checks, why it matters and the fix), wrapped to the box. e, Esc or a click closes it. */
static void draw_explain(struct dv_scene *sc, struct dv_classic *s, const struct layout *L)
{
	int u = L->u;
	const char *close = "(e, Esc or a click closes this)";
	for (int pass = 0; pass < 2; pass++) {
		const struct dv_scene_font *f = pass ? &s->small : &s->big;
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
		struct dv_prect b = overlay_box(sc, s, L, w, h, "explain");
		int x = b.x + 6 * u, y = b.y + 4 * u;
		textf(sc, f, true, x, y, DV_WC_changed, "%s  %s", s->tmp.title, close);
		y += 2 * f->lh;
		size_t max = (size_t)((b.w - 12 * u) / f->cw);
		for (size_t i = 0; i < s->tmp.n && y + f->lh <= b.y + b.h; i++, y += f->lh)
			vline_at(sc, f, x, y, &s->tmp.line[i], max);
		return;
	}
}

/* o: the output table's rows the run has written up to the cursor (dv_view_output), the
 * newest at the bottom, in the small font, rows cut at the box. o, Esc or a click closes it. */
static void draw_output(struct dv_scene *sc, struct dv_classic *s, const struct layout *L)
{
	int u = L->u;
	const struct dv_scene_font *f = &s->small;
	int w = L->W * 9 / 10, h = L->H * 9 / 10;
	size_t lines = (size_t)((h - 8 * u) / f->lh), back = s->ui->out_back;
	dv_view_output(&s->ss->view, &s->tmp, lines > 3 ? lines - 3 : 1, &back);
	s->out_back = back;
	struct dv_prect b = overlay_box(sc, s, L, w, h, "output");
	int x = b.x + 6 * u, y = b.y + 4 * u;
	textf(sc, f, true, x, y, DV_WC_changed, "%s", s->tmp.title);
	y += 2 * f->lh;
	size_t max = (size_t)((b.w - 12 * u) / f->cw);
	for (size_t i = 0; i < s->tmp.n && y + 2 * f->lh <= b.y + b.h; i++, y += f->lh)
		vline_at(sc, f, x, y, &s->tmp.line[i], max);
	textf(sc, f, false, x, b.y + b.h - f->lh - 2 * u, DV_WC_text,
	      "Up/PgUp older rows, Down/PgDn newer; o, Esc or a click closes this");
}

/* Esc with nothing open: the window asks before it closes. */
static void draw_quit(struct dv_scene *sc, struct dv_classic *s, const struct layout *L)
{
	const struct dv_scene_font *bf = &s->big, *sf = &s->small;
	int u = L->u;
	const char *q = "Quit dmaviz? y/n", *how = "y or Enter quits; any other key goes back";
	int w = (int)strlen(how) * sf->cw, qw = (int)strlen(q) * bf->cw;
	w = (w > qw ? w : qw) + 16 * u;
	struct dv_prect b = overlay_box(sc, s, L, w, bf->lh + sf->lh + 12 * u, "quit");
	textf(sc, bf, true, b.x + (b.w - qw) / 2, b.y + 4 * u, DV_WC_changed, "%s", q);
	textf(sc, sf, false, b.x + 8 * u, b.y + 6 * u + bf->lh, DV_WC_text, "%s", how);
}

/* ?: the keys, generated from the key table both front ends use (ui/app/keymap.c), and the
 * mouse. Its text shrinks to the small font when the big one does not fit. */
static void draw_help(struct dv_scene *sc, struct dv_classic *s, const struct layout *L)
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
	const struct dv_scene_font *f = &s->big;
	if ((n + 2) * f->lh + 8 * u > L->H || (int)longest * f->cw + 12 * u > L->W)
		f = &s->small;
	int w = (int)longest * f->cw + 12 * u, h = (n + 2) * f->lh + 8 * u;
	if (w > L->W)
		w = L->W;
	struct dv_prect b = overlay_box(sc, s, L, w, h, "help");
	int x = b.x, y = b.y;
	textf(sc, f, true, x + 6 * u, y + 4 * u, DV_WC_changed, "Keys (any key closes this)");
	const char *c = text;
	for (int i = 0; i < n; i++) {
		size_t len = strcspn(c, "\n");
		text_at(sc, f, false, x + 6 * u, y + 4 * u + (i + 1) * f->lh, c, len, DV_WC_text,
		        -1);
		c += len + (c[len] == '\n');
	}
}

void dv_cl_overlays(struct dv_scene *sc, struct dv_classic *s, const struct layout *L)
{
	if (s->ui->help)
		draw_help(sc, s, L);
	else if (s->ui->explain)
		draw_explain(sc, s, L);
	else if (s->ui->output)
		draw_output(sc, s, L);
	else
		draw_tooltip(sc, s, L);
	if (s->ui->ask_quit)
		draw_quit(sc, s, L);
}

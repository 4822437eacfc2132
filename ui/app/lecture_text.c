/* dmaviz: the lecture facts as text with style roles, for the terminal UI: the one-line call
 * ribbon and the address map and cache panel (lecture.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lecture.h"

/* ---- the ribbon line ---------------------------------------------------------------------- */

/* The call's words made shorter for a narrow line, level 1: "NDIS_STATUS_" and the argument
 * names' long forms go; 2: the argument names go (values in NDIS's order); 3: the arguments
 * go, "(...)". */
static void shorten(const char *in, unsigned level, char *out, size_t size)
{
	static const struct {
		const char *from, *to[2]; /* at level 1, at 2 and more */
	} cuts[] = {
		{ "NDIS_STATUS_", { "", "" } },  { "WriteToDevice ", { "Write ", "" } },
		{ "Offset ", { "Off ", "" } },   { "Length ", { "Len ", "" } },
		{ "Buffer VA ", { "VA ", "" } },
	};
	size_t n = 0, depth = 0;
	while (*in && n + 1 < size) {
		size_t k = 0, nc = sizeof cuts / sizeof cuts[0];
		for (; k < nc; k++)
			if (level && !strncmp(in, cuts[k].from, strlen(cuts[k].from)))
				break;
		if (level >= 3 && (*in == '(' || *in == ')')) {
			depth = *in == '(' ? depth + 1 : (depth ? depth - 1 : 0);
			if (*in == '(' && depth == 1 && n + 5 < size) {
				memcpy(out + n, "(...", 4);
				n += 4;
			} else if (*in == ')' && depth == 0) {
				out[n++] = ')';
			}
			in++;
		} else if (level >= 3 && depth > 0) {
			in++;
		} else if (k < nc) {
			const char *to = cuts[k].to[level > 1];
			size_t w = strlen(to);
			if (n + w >= size)
				break;
			memcpy(out + n, to, w);
			n += w;
			in += strlen(cuts[k].from);
		} else {
			out[n++] = *in++;
		}
	}
	out[n] = '\0';
}

/* The badge in a few words: "ch1 receive busy", "ch1 free", "ch1 unregistered". */
static void short_badge(const struct dv_lect_ribbon *r, char *buf, size_t size)
{
	if (r->channel < 0)
		snprintf(buf, size, "no channel");
	else if (!r->registered)
		snprintf(buf, size, "ch%d unregistered", r->channel);
	else if (r->in_progress)
		snprintf(buf, size, "ch%d %s busy", r->channel, dv_lect_owner_name(r->owner));
	else
		snprintf(buf, size, "ch%d free", r->channel);
}

static void ribbon_parts(const struct dv_lect_ribbon *r, unsigned level, bool caption,
                         struct dv_vline *l)
{
	char badge[64];
	if (level)
		short_badge(r, badge, sizeof badge);
	dv_vline_add(l, r->in_progress ? DV_ROLE_HIGHLIGHT : DV_ROLE_HEADING, "[%s]",
	             level ? badge : r->badge);
	/* The current move's port write first, "in" the call that made it (or alone). */
	bool inside = r->has_call && r->port.pos > r->call_pos &&
	              (r->running || r->port.pos < r->ret_pos);
	bool port_first = r->has_port && r->port_fresh && caption && (inside || !r->has_call);
	if (port_first)
		dv_vline_add(l, DV_ROLE_CHANGED, " %s", r->caption);
	if (r->has_call) {
		char text[sizeof r->text];
		shorten(r->text, level, text, sizeof text);
		enum dv_role role = r->fresh && !port_first ? DV_ROLE_CHANGED : DV_ROLE_NORMAL;
		dv_vline_add(l, DV_ROLE_DIM, port_first ? " in " : " ");
		dv_vline_add(l, role, "%s", text);
	} else if (!port_first) {
		dv_vline_add(l, DV_ROLE_DIM, " no NDIS call yet");
	}
	if (caption && !port_first && r->has_port)
		dv_vline_add(l, DV_ROLE_DIM, "  last %s", r->caption);
}

void dv_lecture_ribbon_line(const struct dv_lect_ribbon *r, size_t width, struct dv_vline *out)
{
	/* The longest form that fits: with the last port write's caption, without it, then
	 * the call's words shorter and shorter; else the shortest cut at the width. */
	static const struct {
		unsigned level;
		bool caption;
	} forms[] = { { 0, true },  { 0, false }, { 1, true },
		      { 1, false }, { 2, false }, { 3, false } };
	for (size_t f = 0; f < sizeof forms / sizeof forms[0]; f++) {
		out->len = 0;
		if (out->text)
			out->text[0] = '\0';
		ribbon_parts(r, forms[f].level, forms[f].caption, out);
		if (dv_vtext_cells(out->text, out->len) <= width)
			return;
	}
	size_t keep = dv_vtext_bytes_for(out->text, out->len, width);
	out->len = keep;
	out->text[keep] = '\0';
}

/* ---- the map and cache panel ---------------------------------------------------------------- */

static void wrapped(struct dv_vpanel *p, size_t width, struct dv_vline *l)
{
	dv_vpanel_wrap(p, l, width);
	free(l->text);
	free(l->roles);
	memset(l, 0, sizeof *l);
}

static void text_channel(const struct dv_lect_map *m, struct dv_vpanel *p, size_t width)
{
	struct dv_vline l = { 0 };
	if (!m->programmed) {
		dv_vline_add(&l, DV_ROLE_DIM, "ch%u not programmed yet", m->channel);
		wrapped(p, width, &l);
		return;
	}
	dv_vline_add(&l, DV_ROLE_NORMAL, "8237A ch%u 0x%06x-0x%06x (%u B), next 0x%06x", m->channel,
	             m->prog_phys, m->prog_phys + m->prog_len - 1, m->prog_len, m->cur_phys);
	if (m->crosses && m->wrapped)
		dv_vline_add(&l, DV_ROLE_ERROR, "; crosses 0x%06x, wrapped to 0x%06x", m->boundary,
		             m->wrap_to);
	else if (m->crosses)
		dv_vline_add(&l, DV_ROLE_ERROR, "; crosses 0x%06x", m->boundary);
	wrapped(p, width, &l);
}

static void text_buffer(const struct dv_lect_map *m, struct dv_vpanel *p, size_t width)
{
	struct dv_vline l = { 0 };
	if (!m->has_buffer)
		return;
	dv_vline_add(&l, DV_ROLE_NORMAL, "buffer %s VA 0x%08x PA 0x%06x, ByteCount %u",
	             m->buffer_name[0] ? m->buffer_name : "", m->buf_va, m->buf_phys, m->bytecount);
	wrapped(p, width, &l);
	dv_vline_add(&l, DV_ROLE_NORMAL, "  Offset %u Length %u", m->offset, m->length);
	if (m->out_of_range)
		dv_vline_add(&l, DV_ROLE_ERROR, ": not a subrange of its %u bytes", m->bytecount);
	else if (m->sub_phys != 0xFFFFFFFFu)
		dv_vline_add(&l, DV_ROLE_NORMAL, ": 0x%06x-0x%06x", m->sub_phys,
		             m->sub_phys + m->length - 1);
	if (m->buf_above16m)
		dv_vline_add(&l, DV_ROLE_ERROR, ", above the 16 MiB line");
	if (m->buf_crosses)
		dv_vline_add(&l, DV_ROLE_ERROR, ", crosses 0x%06x", m->buf_boundary);
	/* The channel line above is the channel's: a refused Setup programmed nothing. */
	if (m->refused)
		dv_vline_add(&l, DV_ROLE_ERROR, "; refused, nothing programmed");
	wrapped(p, width, &l);
	if (!m->bounced)
		return;
	dv_vline_add(&l, DV_ROLE_NORMAL, "  bounce 0x%06x: ", m->bounce_phys);
	const char *dir = m->write_to_device ? "copy in at Setup" : "copy back at Complete";
	/* Before the copy, the bounce buffer's bytes only: when the copy comes is what a question
	 * may ask (10-flush: what does a read before the Complete see?). */
	if (m->copy == DV_LECT_COPY_DONE)
		dv_vline_add(&l, DV_ROLE_HIGHLIGHT, "%s, %u B, done", dir, m->copy_len);
	else
		dv_vline_add(&l, DV_ROLE_DIM, "%u B moved into it", m->copy_len);
	wrapped(p, width, &l);
}

static void text_ring(const struct dv_lect_map *m, struct dv_vpanel *p, size_t width)
{
	struct dv_vline l = { 0 };
	if (!m->ring)
		return;
	dv_vline_add(&l, DV_ROLE_NORMAL, "ring: write at +%u of %u, lap %u; frames", m->ring_write,
	             m->prog_len, m->laps);
	for (size_t i = 0; i < m->nframes; i++) {
		const struct dv_lect_frame *f = &m->frame[i];
		uint32_t last = m->prog_len ? (f->start + f->len - 1) % m->prog_len : 0;
		dv_vline_add(&l, f->overwritten == f->len ? DV_ROLE_DIM : DV_ROLE_NORMAL,
		             " +%u..%u%s", f->start, last, f->whole ? "" : "...");
		if (f->overwritten && f->overwritten < f->len)
			dv_vline_add(&l, DV_ROLE_DIM, " (%u gone)", f->overwritten);
		else if (f->overwritten)
			dv_vline_add(&l, DV_ROLE_DIM, " (gone)");
	}
	wrapped(p, width, &l);
}

static const char *const line_words[] = { "clean", "dirty", "stale" };
static const char *const flush_words[] = { "none", "write back", "write back + invalidate" };

static void text_cache(const struct dv_lect_cache *c, struct dv_vpanel *p, size_t width)
{
	struct dv_vline l = { 0 };
	if (!c->on)
		return;
	dv_vline_add(&l, DV_ROLE_NORMAL, "cache: %zu line%s over the buffer", c->nlines,
	             c->nlines == 1 ? "" : "s");
	for (size_t i = 0; i < c->nlines && i < 4; i++)
		dv_vline_add(&l,
		             c->line[i].state == DV_LECT_LINE_CLEAN ? DV_ROLE_NORMAL :
		             c->line[i].changed                     ? DV_ROLE_CHANGED :
		                                                      DV_ROLE_ERROR,
		             "%s 0x%06x %s", i ? "," : ":", c->line[i].addr,
		             line_words[c->line[i].state]);
	if (c->nlines > 4)
		dv_vline_add(&l, DV_ROLE_NORMAL, ", ...");
	if (c->flush != DV_LECT_FLUSH_NONE)
		dv_vline_add(&l, c->flush_now ? DV_ROLE_CHANGED : DV_ROLE_DIM, "; flush: %s%s",
		             flush_words[c->flush], c->flush_now ? " (now)" : "");
	wrapped(p, width, &l);
}

static void text_read(const struct dv_lect_cache *c, struct dv_vpanel *p, size_t width)
{
	struct dv_vline l = { 0 };
	size_t n = c->nread < 4 ? c->nread : 4;
	if (!n || (!c->on && !c->stale))
		return;
	dv_vline_add(&l, DV_ROLE_NORMAL, "CPU reads");
	for (size_t k = 0; k < n; k++)
		dv_vline_add(&l, c->stale ? DV_ROLE_ERROR : DV_ROLE_NORMAL, " %02x", c->cpu[k]);
	dv_vline_add(&l, DV_ROLE_NORMAL, ", device wrote");
	for (size_t k = 0; k < n; k++)
		dv_vline_add(&l, DV_ROLE_NORMAL, " %02x", c->dev[k]);
	dv_vline_add(&l, c->stale ? DV_ROLE_ERROR : DV_ROLE_HIGHLIGHT, ": %s",
	             c->stale ? "stale" : "fresh");
	wrapped(p, width, &l);
}

void dv_lecture_panel(const struct dv_view *v, struct dv_vpanel *p, size_t width)
{
	struct dv_lect_map m;
	struct dv_lect_cache c;
	dv_vpanel_clear(p);
	dv_lecture_map(v, &m);
	dv_lecture_cache_with(v, &m, &c);
	snprintf(p->title, sizeof p->title, "Address map (%u KiB blocks%s)", m.block >> 10,
	         m.mem_size > m.line16m ? ", 16 MiB line" : "");
	text_channel(&m, p, width);
	text_buffer(&m, p, width);
	text_ring(&m, p, width);
	text_cache(&c, p, width);
	text_read(&c, p, width);
}

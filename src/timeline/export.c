/* dmaviz: a trace exported as text, JSON Lines and VCD (docs/trace-formats.md). */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "describe.h"
#include "export.h"
#include "utf8.h"
#include "sim.h"

void dv_outbuf_write(void *ctx, const char *buf, size_t len)
{
	struct dv_outbuf *b = ctx;
	if (b->failed)
		return;
	if (b->len + len + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->len + len + 1)
			cap *= 2;
		char *d = realloc(b->data, cap);
		if (!d) {
			b->failed = true;
			return;
		}
		b->data = d;
		b->cap = cap;
	}
	memcpy(b->data + b->len, buf, len);
	b->len += len;
	b->data[b->len] = 0;
}

void dv_outbuf_free(struct dv_outbuf *b)
{
	free(b->data);
	memset(b, 0, sizeof *b);
}

static void put(dv_write_fn w, void *ctx, const char *s)
{
	w(ctx, s, strlen(s));
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

/* ---- text ---------------------------------------------------------------------------------- */

bool dv_export_text(const struct dv_sim *sim, const struct dv_ndis *ndis, dv_write_fn w, void *ctx)
{
	if (!sim || !w)
		return false;
	char what[512], line[1024];
	for (size_t i = 0; i < sim->trace.len; i++) {
		const struct dv_event *e = dv_trace_at(&sim->trace, i);
		const struct dv_loc *loc = dv_trace_get_loc(&sim->trace, e->loc);
		dv_event_describe(sim, ndis, e, what, sizeof what);
		int n;
		if (loc && loc->file)
			n = snprintf(line, sizeof line, "%6" PRIu64 " %-7s %s:%" PRIu32 ": %s\n",
			             e->cycle, dv_src_name((enum dv_src)e->src),
			             base_name(loc->file), loc->line, what);
		else
			n = snprintf(line, sizeof line, "%6" PRIu64 " %-7s %s\n", e->cycle,
			             dv_src_name((enum dv_src)e->src), what);
		if (n < 0)
			return false;
		w(ctx, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
	}
	return !sim->trace.failed;
}

/* ---- JSON Lines ---------------------------------------------------------------------------- */

void dv_json_string(dv_write_fn w, void *ctx, const char *s)
{
	char buf[8];
	w(ctx, "\"", 1);
	const char *run = s;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		const char *esc = NULL;
		if (c == '"')
			esc = "\\\"";
		else if (c == '\\')
			esc = "\\\\";
		else if (c == '\n')
			esc = "\\n";
		else if (c == '\t')
			esc = "\\t";
		else if (c == '\r')
			esc = "\\r";
		else if (c < 0x20 || c == 0x7f) {
			snprintf(buf, sizeof buf, "\\u%04x", c);
			esc = buf;
		} else if (c >= 0x80) {
			/* JSON text is UTF-8 (RFC 8259 §8.1): a byte that is not (a driver's file
			 * name in Latin-1) is written as the characters \xNN, as JUnit does. */
			size_t n = dv_utf8_seq(s);
			if (n) {
				s += n - 1;
				continue;
			}
			char x[5];
			dv_utf8_byte_escape(c, x);
			snprintf(buf, sizeof buf, "\\%s", x);
			esc = buf;
		}
		if (esc) {
			w(ctx, run, (size_t)(s - run));
			put(w, ctx, esc);
			run = s + 1;
		}
	}
	w(ctx, run, (size_t)(s - run));
	w(ctx, "\"", 1);
}

bool dv_export_jsonl(const struct dv_sim *sim, const struct dv_ndis *ndis, dv_write_fn w, void *ctx)
{
	if (!sim || !w)
		return false;
	char what[512], name[64], num[256];
	for (size_t i = 0; i < sim->trace.len; i++) {
		const struct dv_event *e = dv_trace_at(&sim->trace, i);
		const struct dv_loc *loc = dv_trace_get_loc(&sim->trace, e->loc);
		snprintf(num, sizeof num,
		         "{\"seq\":%zu,\"cycle\":%" PRIu64
		         ",\"kind\":\"%s\",\"src\":\"%s\",\"chan\":",
		         i, e->cycle, dv_ev_kind_name((enum dv_ev_kind)e->kind),
		         dv_src_name((enum dv_src)e->src));
		put(w, ctx, num);
		if (e->chan == DV_NO_CHANNEL)
			put(w, ctx, "null");
		else {
			snprintf(num, sizeof num, "%u", (unsigned)e->chan);
			put(w, ctx, num);
		}
		put(w, ctx, ",\"slot\":");
		if (e->kind == DV_EV_STATE) {
			dv_slot_name((enum dv_slot)e->slot, e->index, name, sizeof name);
			dv_json_string(w, ctx, name);
		} else {
			put(w, ctx, "null");
		}
		snprintf(num, sizeof num,
		         ",\"sub\":%u,\"index\":%" PRIu32 ",\"old\":%" PRIu32 ",\"new\":%" PRIu32,
		         (unsigned)e->slot, e->index, e->old_value, e->new_value);
		put(w, ctx, num);
		if (loc && loc->file) {
			put(w, ctx, ",\"loc\":{\"file\":");
			dv_json_string(w, ctx, base_name(loc->file));
			snprintf(num, sizeof num, ",\"line\":%" PRIu32 "}", loc->line);
			put(w, ctx, num);
		}
		put(w, ctx, ",\"text\":");
		dv_event_describe(sim, ndis, e, what, sizeof what);
		dv_json_string(w, ctx, what);
		put(w, ctx, "}\n");
	}
	return !sim->trace.failed;
}

/* ---- VCD --------------------------------------------------------------------------------------- */

enum { SC_BUS, SC_DMA1, SC_DMA2, SC_NIC, SC_CPU, SC_COUNT };
static const char *const scope_names[SC_COUNT] = { "bus", "dma1", "dma2", "nic", "cpu" };

struct sig {
	uint16_t slot;
	uint32_t index;
	int bit;        /* -1: the whole value */
	unsigned width; /* 1 = wire */
	unsigned scope;
	char name[32];
	char id[4];
	uint32_t value;
};

struct sigs {
	struct sig v[128];
	unsigned n;
};

static void add(struct sigs *s, unsigned scope, enum dv_slot slot, uint32_t index, int bit,
                unsigned width, const char *suffix)
{
	if (s->n >= sizeof s->v / sizeof s->v[0])
		return;
	struct sig *g = &s->v[s->n];
	memset(g, 0, sizeof *g);
	g->slot = (uint16_t)slot;
	g->index = index;
	g->bit = bit;
	g->width = width;
	g->scope = scope;
	char base[32];
	dv_slot_name(slot, index, base, sizeof base);
	snprintf(g->name, sizeof g->name, "%s%s", base, suffix ? suffix : "");
	/* Identifiers: base-94 codes of printable characters '!'..'~'. */
	unsigned k = s->n, p = 0;
	do {
		g->id[p++] = (char)('!' + k % 94);
		k /= 94;
	} while (k && p < 3);
	g->id[p] = 0;
	s->n++;
}

static void build_sigs(struct sigs *s)
{
	char sfx[8];
	s->n = 0;
	for (int b = 0; b < 8; b++) {
		snprintf(sfx, sizeof sfx, "%d", b);
		add(s, SC_BUS, DV_SLOT_BUS_DREQ, 0, b, 1, sfx);
	}
	for (int b = 0; b < 8; b++) {
		snprintf(sfx, sizeof sfx, "%d", b);
		add(s, SC_BUS, DV_SLOT_BUS_DACK, 0, b, 1, sfx);
	}
	add(s, SC_BUS, DV_SLOT_BUS_HLDA, 0, -1, 1, NULL);
	add(s, SC_BUS, DV_SLOT_BUS_AEN, 0, -1, 1, NULL);
	add(s, SC_BUS, DV_SLOT_BUS_MEMR, 0, -1, 1, NULL);
	add(s, SC_BUS, DV_SLOT_BUS_MEMW, 0, -1, 1, NULL);
	add(s, SC_BUS, DV_SLOT_BUS_IOR, 0, -1, 1, NULL);
	add(s, SC_BUS, DV_SLOT_BUS_IOW, 0, -1, 1, NULL);
	add(s, SC_BUS, DV_SLOT_BUS_TC, 0, -1, 1, NULL);
	add(s, SC_BUS, DV_SLOT_BUS_OWNER, 0, -1, 1, NULL);
	for (int b = 0; b < 16; b++) {
		snprintf(sfx, sizeof sfx, "%d", b);
		add(s, SC_BUS, DV_SLOT_BUS_IRQ, 0, b, 1, sfx);
	}
	for (unsigned chip = 0; chip < 2; chip++) {
		unsigned sc = chip ? SC_DMA2 : SC_DMA1;
		add(s, sc, DV_SLOT_DMA_HRQ, chip, -1, 1, NULL);
		add(s, sc, DV_SLOT_DMA_COMMAND, chip, -1, 8, NULL);
		add(s, sc, DV_SLOT_DMA_STATUS, chip, -1, 8, NULL);
		add(s, sc, DV_SLOT_DMA_REQUEST, chip, -1, 8, NULL);
		add(s, sc, DV_SLOT_DMA_MASK, chip, -1, 8, NULL);
		add(s, sc, DV_SLOT_DMA_FLIPFLOP, chip, -1, 8, NULL);
		add(s, sc, DV_SLOT_DMA_ACTIVE, chip, -1, 8, NULL);
		for (unsigned c = chip * 4; c < chip * 4 + 4; c++) {
			add(s, sc, DV_SLOT_DMA_ADDR, c, -1, 16, NULL);
			add(s, sc, DV_SLOT_DMA_COUNT, c, -1, 16, NULL);
			add(s, sc, DV_SLOT_DMA_MODE, c, -1, 8, NULL);
			add(s, sc, DV_SLOT_PAGE, c, -1, 8, NULL);
		}
	}
	add(s, SC_NIC, DV_SLOT_NIC_CMD, 0, -1, 8, NULL);
	add(s, SC_NIC, DV_SLOT_NIC_ISR, 0, -1, 8, NULL);
	add(s, SC_NIC, DV_SLOT_NIC_IMR, 0, -1, 8, NULL);
	add(s, SC_NIC, DV_SLOT_NIC_STATUS, 0, -1, 8, NULL);
	add(s, SC_NIC, DV_SLOT_NIC_IRQ_LEVEL, 0, -1, 1, NULL);
	add(s, SC_NIC, DV_SLOT_NIC_TX_COUNT, 0, -1, 8, NULL);
	add(s, SC_NIC, DV_SLOT_NIC_RX_COUNT, 0, -1, 8, NULL);
	add(s, SC_CPU, DV_SLOT_CPU_IRQL, 0, -1, 8, NULL);
	add(s, SC_CPU, DV_SLOT_CPU_IRR, 0, -1, 16, NULL);
	add(s, SC_CPU, DV_SLOT_CPU_IN_SERVICE, 0, -1, 16, NULL);
	add(s, SC_CPU, DV_SLOT_CPU_DPC_COUNT, 0, -1, 8, NULL);
}

static uint32_t sig_value(const struct sig *g, uint32_t raw)
{
	if (g->bit >= 0)
		return (raw >> g->bit) & 1u;
	return g->width >= 32 ? raw : raw & ((1u << g->width) - 1u);
}

static void vcd_value(dv_write_fn w, void *ctx, const struct sig *g)
{
	char buf[48];
	if (g->width == 1) {
		snprintf(buf, sizeof buf, "%c%s\n", g->value ? '1' : '0', g->id);
	} else {
		char bits[33];
		int n = 0;
		for (int b = (int)g->width - 1; b >= 0; b--)
			if (n || (g->value >> b) & 1u || b == 0)
				bits[n++] = (char)('0' + ((g->value >> b) & 1u));
		bits[n] = 0;
		snprintf(buf, sizeof buf, "b%s %s\n", bits, g->id);
	}
	put(w, ctx, buf);
}

bool dv_export_vcd(const struct dv_sim *sim, dv_write_fn w, void *ctx)
{
	if (!sim || !w)
		return false;
	struct sigs *s = malloc(sizeof *s);
	if (!s)
		return false;
	build_sigs(s);
	const struct dv_trace *t = &sim->trace;
	/* Which slots matter, so most events are skipped at once. */
	bool used[DV_SLOT_COUNT] = { false };
	for (unsigned k = 0; k < s->n; k++)
		used[s->v[k].slot] = true;
	/* Initial values: the old value of the first change, or the value now if it never changed. */
	bool known[128] = { false };
	for (unsigned k = 0; k < s->n; k++)
		s->v[k].value = sig_value(&s->v[k], dv_sim_get(sim, (enum dv_slot)s->v[k].slot,
		                                               s->v[k].index));
	for (size_t i = 0; i < t->len; i++) {
		const struct dv_event *e = dv_trace_at(t, i);
		if (e->kind != DV_EV_STATE || e->slot >= DV_SLOT_COUNT || !used[e->slot])
			continue;
		for (unsigned k = 0; k < s->n; k++) {
			struct sig *g = &s->v[k];
			if (!known[k] && g->slot == e->slot && g->index == e->index) {
				g->value = sig_value(g, e->old_value);
				known[k] = true;
			}
		}
	}

	char buf[160];
	put(w, ctx, "$comment dmaviz trace (docs/trace-formats.md): one bus cycle = 250 ns $end\n");
	put(w, ctx, "$version dmaviz $end\n");
	put(w, ctx, "$timescale 1 ns $end\n");
	put(w, ctx, "$scope module dmaviz $end\n");
	for (unsigned sc = 0; sc < SC_COUNT; sc++) {
		snprintf(buf, sizeof buf, "$scope module %s $end\n", scope_names[sc]);
		put(w, ctx, buf);
		for (unsigned k = 0; k < s->n; k++) {
			const struct sig *g = &s->v[k];
			if (g->scope != sc)
				continue;
			if (g->width == 1)
				snprintf(buf, sizeof buf, "$var wire 1 %s %s $end\n", g->id,
				         g->name);
			else
				snprintf(buf, sizeof buf, "$var reg %u %s %s [%u:0] $end\n",
				         g->width, g->id, g->name, g->width - 1);
			put(w, ctx, buf);
		}
		put(w, ctx, "$upscope $end\n");
	}
	put(w, ctx, "$upscope $end\n$enddefinitions $end\n#0\n$dumpvars\n");
	for (unsigned k = 0; k < s->n; k++)
		vcd_value(w, ctx, &s->v[k]);
	put(w, ctx, "$end\n");

	/* Each event that changes a signal gets its own time: the start of its cycle, or one
	 * nanosecond after the previous change, so pulses within a cycle show. */
	uint64_t last = 0;
	for (size_t i = 0; i < t->len; i++) {
		const struct dv_event *e = dv_trace_at(t, i);
		if (e->kind != DV_EV_STATE || e->slot >= DV_SLOT_COUNT || !used[e->slot])
			continue;
		bool stamped = false;
		for (unsigned k = 0; k < s->n; k++) {
			struct sig *g = &s->v[k];
			if (g->slot != e->slot || g->index != e->index)
				continue;
			uint32_t v = sig_value(g, e->new_value);
			if (v == g->value)
				continue;
			if (!stamped) {
				uint64_t at = e->cycle * DV_VCD_CYCLE_NS;
				if (at <= last)
					at = last + 1;
				last = at;
				snprintf(buf, sizeof buf, "#%" PRIu64 "\n", at);
				put(w, ctx, buf);
				stamped = true;
			}
			g->value = v;
			vcd_value(w, ctx, g);
		}
	}
	/* The end of the last cycle, so the final values have a width in a viewer. */
	uint64_t end = t->len ? (dv_trace_at(t, t->len - 1)->cycle + 1) * DV_VCD_CYCLE_NS :
	                        DV_VCD_CYCLE_NS;
	if (end <= last)
		end = last + 1;
	snprintf(buf, sizeof buf, "#%" PRIu64 "\n", end);
	put(w, ctx, buf);
	free(s);
	return !t->failed;
}

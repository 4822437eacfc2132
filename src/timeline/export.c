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

/* The fields event i (e, a copy) changes, into out (room for DV_SIGNAL_FIELDS): a state
 * event's one, or each field of the arbitration word it changes (state.h); the fields its own
 * steps move (dv_event_steps), read with the cursor c walking beside the export. Returns how
 * many. */
_Static_assert(DV_STEP_FIELDS <= DV_SIGNAL_FIELDS, "one array holds either list");

static unsigned event_changes(struct dv_cursor *c, const struct dv_event *e, size_t i,
                              struct dv_slot_change *out)
{
	if (e->kind == DV_EV_STATE)
		return dv_slot_changes((enum dv_slot)e->slot, e->index, e->old_value, e->new_value,
		                       out);
	unsigned n = dv_event_steps(e, out);
	if (n == 0)
		return 0;
	dv_cursor_seek(c, i);
	for (unsigned k = 0; k < n; k++)
		out[k].old_value = dv_cursor_get(c, out[k].slot, out[k].index);
	dv_cursor_seek(c, i + 1);
	for (unsigned k = 0; k < n; k++)
		out[k].new_value = dv_cursor_get(c, out[k].slot, out[k].index);
	return n;
}

bool dv_export_text(struct dv_sim *sim, const struct dv_ndis *ndis, dv_write_fn w, void *ctx)
{
	if (!sim || !w)
		return false;
	const struct dv_trace *t = dv_sim_trace(sim);
	char what[512], line[1024];
	struct dv_cursor c;
	dv_cursor_init(&c, sim);
	bool ok = true;
	for (size_t i = 0, n = dv_trace_len(t); i < n; i++) {
		const struct dv_event *e = dv_trace_at(t, i);
		const struct dv_loc *loc = dv_trace_get_loc(t, e->loc);
		dv_event_describe(sim, ndis, e, what, sizeof what);
		int len;
		if (loc && loc->file)
			len = snprintf(line, sizeof line, "%6" PRIu64 " %-7s %s:%" PRIu32 ": %s\n",
			               e->cycle, dv_src_name((enum dv_src)e->src),
			               base_name(loc->file), loc->line, what);
		else
			len = snprintf(line, sizeof line, "%6" PRIu64 " %-7s %s\n", e->cycle,
			               dv_src_name((enum dv_src)e->src), what);
		if (len < 0) {
			ok = false;
			break;
		}
		w(ctx, line, (size_t)len < sizeof line ? (size_t)len : sizeof line - 1);
		if (e->kind == DV_EV_STATE)
			continue;
		/* A transfer's address and count steps, a sent byte's FIFO and peer steps, a
		 * line each, as when each was an event of its own (a copy: the cursor's seeks
		 * reuse the trace's decoded blocks). */
		const struct dv_event x = *e;
		struct dv_slot_change chg[DV_SIGNAL_FIELDS];
		unsigned nchg = event_changes(&c, &x, i, chg);
		for (unsigned k = 0; k < nchg; k++) {
			if (chg[k].slot == DV_SLOT_BUS_DMA_CYCLES)
				continue; /* a count of the ticks, not a register */
			char name[32];
			dv_slot_name(chg[k].slot, chg[k].index, name, sizeof name);
			len = snprintf(line, sizeof line, "%6" PRIu64 " %-7s %s 0x%x -> 0x%x\n",
			               x.cycle, dv_src_name((enum dv_src)x.src), name,
			               chg[k].old_value, chg[k].new_value);
			if (len > 0)
				w(ctx, line,
				  (size_t)len < sizeof line ? (size_t)len : sizeof line - 1);
		}
	}
	dv_cursor_finish(&c);
	return ok && !t->failed;
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

bool dv_export_jsonl(struct dv_sim *sim, const struct dv_ndis *ndis, dv_write_fn w, void *ctx)
{
	if (!sim || !w)
		return false;
	const struct dv_trace *t = dv_sim_trace(sim);
	char what[512], name[64], num[256];
	struct dv_cursor c;
	dv_cursor_init(&c, sim);
	for (size_t i = 0, n = dv_trace_len(t); i < n; i++) {
		struct dv_event x = *dv_trace_at(t, i); /* the cursor reuses the decoded blocks */
		const struct dv_event *e = &x;
		const struct dv_loc *loc = dv_trace_get_loc(t, e->loc);
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
		/* An event that changes several fields (the arbitration word, a transfer's steps)
		 * lists each. */
		struct dv_slot_change chg[DV_SIGNAL_FIELDS];
		unsigned nchg = e->kind != DV_EV_STATE || e->slot == DV_SLOT_DMA_SIGNALS ?
		                        event_changes(&c, e, i, chg) :
		                        0;
		for (unsigned k = 0; k < nchg; k++) {
			put(w, ctx, k ? ",{\"slot\":" : ",\"changes\":[{\"slot\":");
			dv_slot_name(chg[k].slot, chg[k].index, name, sizeof name);
			dv_json_string(w, ctx, name);
			snprintf(num, sizeof num, ",\"old\":%" PRIu32 ",\"new\":%" PRIu32 "}%s",
			         chg[k].old_value, chg[k].new_value, k + 1 == nchg ? "]" : "");
			put(w, ctx, num);
		}
		put(w, ctx, ",\"text\":");
		dv_event_describe(sim, ndis, e, what, sizeof what);
		dv_json_string(w, ctx, what);
		put(w, ctx, "}\n");
	}
	dv_cursor_finish(&c);
	return !t->failed;
}

/* ---- VCD --------------------------------------------------------------------------------------- */

/* The signals in the order of their groups (bus, each 8237A with its channels, NIC, CPU). The
 * header declares them in nested scopes named by the parts of their names (dma.ch1.addr is
 * `addr` in dmaviz > dma > ch1), so a viewer finds each by its plain name. */
struct sig {
	uint16_t slot;
	uint32_t index;
	int bit;        /* -1: the whole value */
	unsigned width; /* 1 = wire */
	char name[32];
	char id[4];
	uint32_t value;
};

struct sigs {
	struct sig v[128];
	unsigned n;
};

static void add(struct sigs *s, enum dv_slot slot, uint32_t index, int bit, unsigned width,
                const char *suffix)
{
	if (s->n >= sizeof s->v / sizeof s->v[0])
		return;
	struct sig *g = &s->v[s->n];
	memset(g, 0, sizeof *g);
	g->slot = (uint16_t)slot;
	g->index = index;
	g->bit = bit;
	g->width = width;
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
		add(s, DV_SLOT_BUS_DREQ, 0, b, 1, sfx);
	}
	for (int b = 0; b < 8; b++) {
		snprintf(sfx, sizeof sfx, "%d", b);
		add(s, DV_SLOT_BUS_DACK, 0, b, 1, sfx);
	}
	add(s, DV_SLOT_BUS_HLDA, 0, -1, 1, NULL);
	add(s, DV_SLOT_BUS_AEN, 0, -1, 1, NULL);
	add(s, DV_SLOT_BUS_MEMR, 0, -1, 1, NULL);
	add(s, DV_SLOT_BUS_MEMW, 0, -1, 1, NULL);
	add(s, DV_SLOT_BUS_IOR, 0, -1, 1, NULL);
	add(s, DV_SLOT_BUS_IOW, 0, -1, 1, NULL);
	add(s, DV_SLOT_BUS_TC, 0, -1, 1, NULL);
	add(s, DV_SLOT_BUS_OWNER, 0, -1, 1, NULL);
	for (int b = 0; b < 16; b++) {
		snprintf(sfx, sizeof sfx, "%d", b);
		add(s, DV_SLOT_BUS_IRQ, 0, b, 1, sfx);
	}
	for (unsigned chip = 0; chip < 2; chip++) {
		add(s, DV_SLOT_DMA_HRQ, chip, -1, 1, NULL);
		add(s, DV_SLOT_DMA_COMMAND, chip, -1, 8, NULL);
		add(s, DV_SLOT_DMA_STATUS, chip, -1, 8, NULL);
		add(s, DV_SLOT_DMA_REQUEST, chip, -1, 8, NULL);
		add(s, DV_SLOT_DMA_MASK, chip, -1, 8, NULL);
		add(s, DV_SLOT_DMA_FLIPFLOP, chip, -1, 8, NULL);
		add(s, DV_SLOT_DMA_ACTIVE, chip, -1, 8, NULL);
		for (unsigned c = chip * 4; c < chip * 4 + 4; c++) {
			add(s, DV_SLOT_DMA_ADDR, c, -1, 16, NULL);
			add(s, DV_SLOT_DMA_COUNT, c, -1, 16, NULL);
			add(s, DV_SLOT_DMA_MODE, c, -1, 8, NULL);
			add(s, DV_SLOT_PAGE, c, -1, 8, NULL);
		}
	}
	add(s, DV_SLOT_NIC_CMD, 0, -1, 8, NULL);
	add(s, DV_SLOT_NIC_ISR, 0, -1, 8, NULL);
	add(s, DV_SLOT_NIC_IMR, 0, -1, 8, NULL);
	add(s, DV_SLOT_NIC_STATUS, 0, -1, 8, NULL);
	add(s, DV_SLOT_NIC_IRQ_LEVEL, 0, -1, 1, NULL);
	add(s, DV_SLOT_NIC_TX_COUNT, 0, -1, 8, NULL);
	add(s, DV_SLOT_NIC_RX_COUNT, 0, -1, 8, NULL);
	add(s, DV_SLOT_CPU_IRQL, 0, -1, 8, NULL);
	add(s, DV_SLOT_CPU_IRR, 0, -1, 16, NULL);
	add(s, DV_SLOT_CPU_IN_SERVICE, 0, -1, 16, NULL);
	add(s, DV_SLOT_CPU_DPC_COUNT, 0, -1, 8, NULL);
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

/* The scope of a signal: its name up to the last dot ("dma.ch1" of "dma.ch1.addr"). */
static size_t scope_len(const char *name)
{
	const char *dot = strrchr(name, '.');
	return dot ? (size_t)(dot - name) : 0;
}

/* The first signal in the table whose name starts with the len bytes of prefix and a dot. */
static unsigned first_under(const struct sigs *s, const char *prefix, size_t len)
{
	for (unsigned k = 0; k < s->n; k++)
		if (!strncmp(s->v[k].name, prefix, len) && s->v[k].name[len] == '.')
			return k;
	return s->n;
}

/* Is signal a declared before b? Scopes keep the order in which the table first names them,
 * at every level, so each scope is opened once (dma > ch0 and dma > ch1 together, though the
 * table puts page.ch0 between them). */
static bool declared_before(const struct sigs *s, unsigned a, unsigned b)
{
	const char *x = s->v[a].name, *y = s->v[b].name;
	size_t lx = scope_len(x), ly = scope_len(y);
	for (size_t i = 0;; i++) {
		bool ex = i == lx || x[i] == '.', ey = i == ly || y[i] == '.';
		if (ex && ey) {
			unsigned fx = first_under(s, x, i), fy = first_under(s, y, i);
			if (fx != fy)
				return fx < fy;
			if (i == lx || i == ly)
				break;
		} else if (ex != ey || x[i] != y[i]) {
			/* Different names at this level: the one the table names first. */
			size_t ex_end = i, ey_end = i;
			while (ex_end < lx && x[ex_end] != '.')
				ex_end++;
			while (ey_end < ly && y[ey_end] != '.')
				ey_end++;
			return first_under(s, x, ex_end) < first_under(s, y, ey_end);
		}
	}
	return lx != ly ? lx < ly : a < b;
}

/* The number of leading dotted parts that scopes a and b (each "x.y" or "") share. */
static unsigned common_parts(const char *a, size_t la, const char *b, size_t lb)
{
	unsigned n = 0;
	size_t i = 0;
	for (;; i++) {
		bool ea = i == la || a[i] == '.', eb = i == lb || b[i] == '.';
		if (ea || eb) {
			if (!(ea && eb))
				return n;
			if (i > 0)
				n++;
			if (i == la || i == lb)
				return n;
		} else if (a[i] != b[i]) {
			return n;
		}
	}
}

static void put_scope_parts(dv_write_fn w, void *ctx, const char *name, size_t len, unsigned skip)
{
	char buf[80];
	unsigned part = 0;
	for (size_t i = 0; i < len;) {
		size_t j = i;
		while (j < len && name[j] != '.')
			j++;
		if (part++ >= skip) {
			snprintf(buf, sizeof buf, "$scope module %.*s $end\n", (int)(j - i),
			         name + i);
			put(w, ctx, buf);
		}
		i = j + 1;
	}
}

static unsigned count_parts(const char *name, size_t len)
{
	unsigned n = len ? 1 : 0;
	for (size_t i = 0; i < len; i++)
		n += name[i] == '.';
	return n;
}

static void put_var(dv_write_fn w, void *ctx, const struct sig *g)
{
	char buf[160];
	const char *leaf = g->name + scope_len(g->name) + (strchr(g->name, '.') ? 1 : 0);
	if (g->width == 1)
		snprintf(buf, sizeof buf, "$var wire 1 %s %s $end\n", g->id, leaf);
	else
		snprintf(buf, sizeof buf, "$var reg %u %s %s [%u:0] $end\n", g->width, g->id, leaf,
		         g->width - 1);
	put(w, ctx, buf);
}

/* The header's scopes and variables: dmaviz, then a scope for each part of the names. */
static void vcd_scopes(const struct sigs *s, bool wires_only, dv_write_fn w, void *ctx)
{
	unsigned order[128];
	for (unsigned k = 0; k < s->n; k++) { /* insertion sort: at most 128 signals */
		unsigned j = k;
		for (; j > 0 && declared_before(s, k, order[j - 1]); j--)
			order[j] = order[j - 1];
		order[j] = k;
	}
	put(w, ctx, "$scope module dmaviz $end\n");
	const char *open = "";
	size_t open_len = 0;
	for (unsigned i = 0; i < s->n; i++) {
		const struct sig *g = &s->v[order[i]];
		if (wires_only && g->width != 1)
			continue;
		size_t len = scope_len(g->name);
		unsigned keep = common_parts(open, open_len, g->name, len);
		for (unsigned d = count_parts(open, open_len); d > keep; d--)
			put(w, ctx, "$upscope $end\n");
		put_scope_parts(w, ctx, g->name, len, keep);
		open = g->name;
		open_len = len;
		put_var(w, ctx, g);
	}
	for (unsigned d = count_parts(open, open_len); d > 0; d--)
		put(w, ctx, "$upscope $end\n");
	put(w, ctx, "$upscope $end\n");
}

/* A signal no event records: a derived slot (a formula), a transfer's strobe (implied by its
 * XFER event), or a register an event's own steps move (dv_slot_stepped); a cursor walking
 * beside the export reads it. */
static bool by_cursor(enum dv_slot slot)
{
	return dv_slot_derived(slot) || dv_slot_implied(slot) || dv_slot_stepped(slot);
}

bool dv_export_vcd(struct dv_sim *sim, bool wires_only, dv_write_fn w, void *ctx)
{
	if (!sim || !w)
		return false;
	struct sigs *s = malloc(sizeof *s);
	if (!s)
		return false;
	build_sigs(s);
	const struct dv_trace *t = dv_sim_trace(sim);
	/* Which slots matter, so most events are skipped at once. A derived slot (bus.owner,
	 * nic.status) has no events: a cursor walks the trace and reads it after each change. */
	bool used[DV_SLOT_COUNT] = { false }, derived = false, implied = false;
	bool cursor_read[128]; /* by_cursor of each signal, asked once */
	for (unsigned k = 0; k < s->n; k++) {
		used[s->v[k].slot] = true;
		cursor_read[k] = by_cursor((enum dv_slot)s->v[k].slot);
		derived |= cursor_read[k];
		/* a transfer's event moves these: the export looks at every XFER */
		implied |= dv_slot_implied((enum dv_slot)s->v[k].slot) ||
		           dv_slot_stepped((enum dv_slot)s->v[k].slot);
	}
	struct dv_cursor c = { 0 };
	if (derived)
		dv_cursor_init(&c, sim); /* at event 0 */
	/* Initial values: the old value of the first change, or the value now if it never changed
	 * (a derived one: its value before the first event). */
	bool known[128] = { false };
	for (unsigned k = 0; k < s->n; k++) {
		const struct sig *g = &s->v[k];
		enum dv_slot sl = (enum dv_slot)g->slot;
		known[k] = cursor_read[k];
		s->v[k].value = sig_value(g, known[k] ? dv_cursor_get(&c, sl, g->index) :
		                                        dv_sim_get(sim, sl, g->index));
	}
	struct dv_slot_change chg[DV_SIGNAL_FIELDS];
	for (size_t i = 0, n = dv_trace_len(t); i < n; i++) {
		const struct dv_event *e = dv_trace_at(t, i);
		if (e->kind != DV_EV_STATE || e->slot >= DV_SLOT_COUNT)
			continue;
		/* the arbitration word (state.h) changes several fields at once */
		unsigned nchg = dv_slot_changes((enum dv_slot)e->slot, e->index, e->old_value,
		                                e->new_value, chg);
		for (unsigned j = 0; j < nchg; j++) {
			if (!used[chg[j].slot])
				continue;
			for (unsigned k = 0; k < s->n; k++) {
				struct sig *g = &s->v[k];
				if (!known[k] && g->slot == chg[j].slot &&
				    g->index == chg[j].index) {
					g->value = sig_value(g, chg[j].old_value);
					known[k] = true;
				}
			}
		}
	}

	char buf[160];
	put(w, ctx, "$comment dmaviz trace (docs/trace-formats.md): one bus cycle = 250 ns $end\n");
	put(w, ctx, "$version dmaviz $end\n");
	put(w, ctx, "$timescale 1 ns $end\n");
	vcd_scopes(s, wires_only, w, ctx);
	put(w, ctx, "$enddefinitions $end\n#0\n$dumpvars\n");
	for (unsigned k = 0; k < s->n; k++)
		if (!wires_only || s->v[k].width == 1)
			vcd_value(w, ctx, &s->v[k]);
	put(w, ctx, "$end\n");

	/* Each event that changes a signal gets its own time: the start of its cycle, or one
	 * nanosecond after the previous change, so pulses within a cycle show. */
	uint64_t last = 0;
	for (size_t i = 0, n = dv_trace_len(t); i < n; i++) {
		const struct dv_event ev = *dv_trace_at(t, i);
		bool state = ev.kind == DV_EV_STATE && ev.slot < DV_SLOT_COUNT;
		/* A transfer's strobes rise at its XFER and fall at an event of another cause. */
		if (!state && !implied)
			continue;
		if (derived)
			dv_cursor_seek(&c, i + 1);
		unsigned nchg = state ? dv_slot_changes((enum dv_slot)ev.slot, ev.index,
		                                        ev.old_value, ev.new_value, chg) :
		                        0;
		bool touches = false;
		for (unsigned j = 0; j < nchg; j++)
			touches |= used[chg[j].slot];
		if (state && !touches && !derived)
			continue;
		bool stamped = false;
		for (unsigned k = 0; k < s->n; k++) {
			struct sig *g = &s->v[k];
			bool d = cursor_read[k];
			unsigned j = 0;
			while (!d && j < nchg &&
			       (g->slot != chg[j].slot || g->index != chg[j].index))
				j++;
			if ((!d && j == nchg) || (wires_only && g->width != 1))
				continue;
			uint32_t v = sig_value(g, d ? dv_cursor_get(&c, (enum dv_slot)g->slot,
			                                            g->index) :
			                              chg[j].new_value);
			if (v == g->value)
				continue;
			if (!stamped) {
				uint64_t at = ev.cycle * DV_VCD_CYCLE_NS;
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
	if (derived)
		dv_cursor_finish(&c);
	/* The end of the last cycle, so the final values have a width in a viewer. */
	size_t len = dv_trace_len(t);
	uint64_t end = len ? (dv_trace_at(t, len - 1)->cycle + 1) * DV_VCD_CYCLE_NS :
	                     DV_VCD_CYCLE_NS;
	if (end <= last)
		end = last + 1;
	snprintf(buf, sizeof buf, "#%" PRIu64 "\n", end);
	put(w, ctx, buf);
	free(s);
	return !t->failed;
}

/* dmaviz: `dmaviz trace`'s formats (src/timeline/export.h), checked by reading them back.
 *
 * usage: test-export LESSON   (a lesson whose NIC channel moves data, e.g. 03-send)
 * Runs the lesson twice and asserts each format is byte-identical both times; parses every
 * JSON Lines record with a small hand-written parser and checks the documented fields; reads
 * the VCD back and checks its structure, and that the NIC channel's DACK pulses. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "lesson.h"
#include "sim.h"

static int failures;

static void fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("FAIL: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	failures++;
}

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (!(cond))                                                                       \
			fail(__VA_ARGS__);                                                         \
	} while (0)

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	if (buf) {
		buf[n] = 0;
		*len = (size_t)n;
	}
	return buf;
}

/* A register's value at the end of the run, which the VCD's last change of it must give. */
struct final_value {
	char name[32];
	uint32_t value;
};
#define FINALS 5

struct exported {
	struct dv_outbuf text, jsonl, vcd, wires;
	unsigned nic_channel;
	size_t events, steps; /* steps: transfers whose event steps their channel (trace.h) */
	size_t nic_steps;     /* those of them on the NIC's channel */
	size_t wire_steps;    /* bytes the card sent, whose event moves its FIFO and the peer */
	size_t card_steps;    /* transfers whose event moves the card's FIFO too */
	size_t dreq_steps;    /* transfers and byte times whose event flips the card's DREQ */
	size_t peer_steps;    /* bytes from the peer whose event moves its position */
	size_t stored_steps;  /* bytes from the peer whose event moves the card's RX FIFO */
	size_t mem_steps;     /* transfers whose event stores their byte in memory */
	struct final_value final[FINALS];
};

static bool export_lesson(const char *path, struct exported *x)
{
	memset(x, 0, sizeof *x);
	size_t len;
	char *src = slurp(path, &len);
	if (!src) {
		fail("cannot read %s", path);
		return false;
	}
	struct dv_msgs msgs;
	dv_msgs_init(&msgs);
	struct dv_lesson *L = dv_lesson_parse(path, src, len, &msgs);
	free(src);
	dv_msgs_finish(&msgs);
	if (!L) {
		fail("%s does not parse", path);
		return false;
	}
	struct dv_run_options ro;
	memset(&ro, 0, sizeof ro);
	struct dv_run *run = dv_run_create(L, &ro);
	if (!run) {
		fail("cannot run %s", path);
		dv_lesson_free(L);
		return false;
	}
	CHECK(dv_run_all(run) == DV_RUN_DONE, "%s did not run to the end", path);
	struct dv_sim *sim = dv_run_sim(run);
	x->nic_channel = L->machine.nic_channel;
	x->events = sim->trace.len;
	for (size_t i = 0; i < sim->trace.len; i++) {
		const struct dv_event *e = dv_trace_at(&sim->trace, i);
		bool step = e->kind == DV_EV_XFER && (e->old_value & DV_XFER_STEPS);
		x->steps += step;
		x->nic_steps += step && e->chan == x->nic_channel;
		x->wire_steps += e->kind == DV_EV_WIRE && (e->old_value & DV_WIRE_STEPS);
		x->card_steps += e->kind == DV_EV_XFER && (e->old_value & DV_XFER_CARD);
		x->dreq_steps += (e->kind == DV_EV_XFER && (e->old_value & DV_XFER_DREQ)) ||
		                 (e->kind == DV_EV_WIRE && (e->old_value & DV_WIRE_DREQ));
		x->peer_steps += e->kind == DV_EV_WIRE && (e->old_value & DV_WIRE_PEER_STEP);
		x->stored_steps += e->kind == DV_EV_WIRE && (e->old_value & DV_WIRE_STORED);
		x->mem_steps += e->kind == DV_EV_XFER && (e->old_value & DV_XFER_MEM);
	}
	/* What the VCD must end with: registers a transfer's event steps, and the arbitration
	 * word's fields, none of which has events of its own. */
	static const struct {
		enum dv_slot slot;
		bool chan;
	} fin[FINALS] = { { DV_SLOT_DMA_ADDR, true },
		          { DV_SLOT_DMA_COUNT, true },
		          { DV_SLOT_BUS_HLDA, false },
		          { DV_SLOT_DMA_STATUS, false },
		          { DV_SLOT_DMA_HRQ, false } };
	for (unsigned k = 0; k < FINALS; k++) {
		uint32_t idx = fin[k].chan ? x->nic_channel : 0;
		dv_slot_name(fin[k].slot, idx, x->final[k].name, sizeof x->final[k].name);
		x->final[k].value = dv_sim_get(sim, fin[k].slot, idx);
	}
	CHECK(dv_export_text(sim, dv_run_ndis(run), dv_outbuf_write, &x->text),
	      "text export failed");
	CHECK(dv_export_jsonl(sim, dv_run_ndis(run), dv_outbuf_write, &x->jsonl),
	      "jsonl export failed");
	CHECK(dv_export_vcd(sim, false, dv_outbuf_write, &x->vcd), "vcd export failed");
	CHECK(dv_export_vcd(sim, true, dv_outbuf_write, &x->wires), "vcd --wires export failed");
	CHECK(!x->text.failed && !x->jsonl.failed && !x->vcd.failed && !x->wires.failed,
	      "out of memory");
	dv_run_destroy(run);
	dv_lesson_free(L);
	return true;
}

static void exported_free(struct exported *x)
{
	dv_outbuf_free(&x->text);
	dv_outbuf_free(&x->jsonl);
	dv_outbuf_free(&x->vcd);
	dv_outbuf_free(&x->wires);
}

static size_t count_lines(const struct dv_outbuf *b)
{
	size_t n = 0;
	for (size_t i = 0; i < b->len; i++)
		n += b->data[i] == '\n';
	return n;
}

/* ---- a tiny JSON parser: one object per line, values flattened into fields -------------------- */

enum jtype { J_NONE, J_NULL, J_BOOL, J_NUM, J_STR, J_OBJ, J_ARR };

struct jfield {
	char key[32];
	enum jtype type;
	double num;
	char str[600];
};

struct jobj {
	struct jfield f[24];
	unsigned n;
	/* loc, when present: */
	bool has_loc;
	struct jfield loc_file, loc_line;
};

struct jp {
	const char *s;
	bool bad;
};

static void ws(struct jp *p)
{
	while (*p->s == ' ' || *p->s == '\t')
		p->s++;
}

static bool expect_ch(struct jp *p, char c)
{
	ws(p);
	if (*p->s != c) {
		p->bad = true;
		return false;
	}
	p->s++;
	return true;
}

static void parse_string(struct jp *p, char *out, size_t size)
{
	size_t n = 0;
	if (!expect_ch(p, '"'))
		return;
	while (*p->s && *p->s != '"') {
		char c = *p->s++;
		if ((unsigned char)c < 0x20) {
			p->bad = true; /* raw control characters must be escaped */
			return;
		}
		if (c == '\\') {
			char e = *p->s++;
			switch (e) {
			case '"': c = '"'; break;
			case '\\': c = '\\'; break;
			case '/': c = '/'; break;
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'u': {
				unsigned v = 0;
				for (int k = 0; k < 4; k++) {
					char h = *p->s++;
					v <<= 4;
					if (h >= '0' && h <= '9')
						v |= (unsigned)(h - '0');
					else if (h >= 'a' && h <= 'f')
						v |= (unsigned)(h - 'a' + 10);
					else if (h >= 'A' && h <= 'F')
						v |= (unsigned)(h - 'A' + 10);
					else {
						p->bad = true;
						return;
					}
				}
				c = v < 0x80 ? (char)v : '?';
				break;
			}
			default: p->bad = true; return;
			}
		}
		if (n + 1 < size)
			out[n++] = c;
	}
	out[n] = 0;
	if (*p->s != '"')
		p->bad = true;
	else
		p->s++;
}

static void parse_value(struct jp *p, struct jfield *f, struct jobj *parent);

static void parse_object(struct jp *p, struct jobj *o, bool is_loc)
{
	if (!expect_ch(p, '{'))
		return;
	ws(p);
	if (*p->s == '}') {
		p->s++;
		return;
	}
	for (;;) {
		struct jfield tmp;
		memset(&tmp, 0, sizeof tmp);
		parse_string(p, tmp.key, sizeof tmp.key);
		if (p->bad || !expect_ch(p, ':'))
			return;
		if (is_loc) {
			parse_value(p, &tmp, NULL);
			if (!strcmp(tmp.key, "file"))
				o->loc_file = tmp;
			else if (!strcmp(tmp.key, "line"))
				o->loc_line = tmp;
			else
				p->bad = true;
		} else {
			for (unsigned k = 0; k < o->n; k++)
				if (!strcmp(o->f[k].key, tmp.key))
					p->bad = true; /* duplicate key */
			parse_value(p, &tmp, o);
			if (o->n < 24)
				o->f[o->n++] = tmp;
		}
		if (p->bad)
			return;
		ws(p);
		if (*p->s == ',') {
			p->s++;
			continue;
		}
		expect_ch(p, '}');
		return;
	}
}

/* "changes": an array of {"slot": name, "old": number, "new": number}, at least one; num is
 * how many. */
static void parse_changes(struct jp *p, struct jfield *f)
{
	f->type = J_ARR;
	if (!expect_ch(p, '['))
		return;
	do {
		struct jobj *c = calloc(1, sizeof *c);
		parse_object(p, c, false);
		const struct jfield *slot = NULL, *o = NULL, *n = NULL;
		for (unsigned k = 0; k < c->n; k++) {
			if (!strcmp(c->f[k].key, "slot") && c->f[k].type == J_STR && c->f[k].str[0])
				slot = &c->f[k];
			else if (!strcmp(c->f[k].key, "old") && c->f[k].type == J_NUM)
				o = &c->f[k];
			else if (!strcmp(c->f[k].key, "new") && c->f[k].type == J_NUM)
				n = &c->f[k];
		}
		if (c->n != 3 || !slot || !o || !n || c->has_loc)
			p->bad = true;
		free(c);
		f->num++;
		ws(p);
	} while (!p->bad && *p->s == ',' && p->s++);
	expect_ch(p, ']');
}

static void parse_value(struct jp *p, struct jfield *f, struct jobj *parent)
{
	ws(p);
	if (*p->s == '[' && parent && !strcmp(f->key, "changes")) {
		parse_changes(p, f);
	} else if (*p->s == '"') {
		f->type = J_STR;
		parse_string(p, f->str, sizeof f->str);
	} else if (*p->s == '{') {
		f->type = J_OBJ;
		if (!parent) {
			p->bad = true;
			return;
		}
		parent->has_loc = true;
		parse_object(p, parent, true);
	} else if (!strncmp(p->s, "null", 4)) {
		f->type = J_NULL;
		p->s += 4;
	} else if (!strncmp(p->s, "true", 4) || !strncmp(p->s, "false", 5)) {
		f->type = J_BOOL;
		p->s += *p->s == 't' ? 4 : 5;
	} else if (*p->s == '-' || (*p->s >= '0' && *p->s <= '9')) {
		char *end;
		f->type = J_NUM;
		f->num = strtod(p->s, &end);
		p->s = end;
	} else {
		p->bad = true;
	}
}

static const struct jfield *field(const struct jobj *o, const char *key)
{
	for (unsigned k = 0; k < o->n; k++)
		if (!strcmp(o->f[k].key, key))
			return &o->f[k];
	return NULL;
}

static void check_jsonl(const struct dv_outbuf *b, size_t events)
{
	static const char *const numeric[] = { "seq", "cycle", "sub", "index", "old", "new" };
	size_t line = 0;
	double prev_seq = -1, prev_cycle = 0;
	bool saw_state = false, saw_loc = false;
	const char *s = b->data ? b->data : "";
	while (*s) {
		const char *nl = strchr(s, '\n');
		if (!nl) {
			fail("jsonl: the last line has no newline");
			break;
		}
		line++;
		size_t n = (size_t)(nl - s);
		char *l = malloc(n + 1);
		memcpy(l, s, n);
		l[n] = 0;
		s = nl + 1;
		struct jobj *o = calloc(1, sizeof *o);
		struct jp p = { l, false };
		parse_object(&p, o, false);
		ws(&p);
		CHECK(!p.bad && !*p.s, "jsonl line %zu: not one JSON object: %s", line, l);
		for (size_t k = 0; k < sizeof numeric / sizeof numeric[0]; k++) {
			const struct jfield *f = field(o, numeric[k]);
			CHECK(f && f->type == J_NUM, "jsonl line %zu: no number '%s'", line,
			      numeric[k]);
		}
		const struct jfield *seq = field(o, "seq"), *cyc = field(o, "cycle"),
		                    *kind = field(o, "kind"), *src = field(o, "src"),
		                    *chan = field(o, "chan"), *slot = field(o, "slot"),
		                    *text = field(o, "text");
		CHECK(kind && kind->type == J_STR && kind->str[0], "jsonl line %zu: no kind", line);
		CHECK(src && src->type == J_STR && src->str[0], "jsonl line %zu: no src", line);
		CHECK(chan && (chan->type == J_NULL || chan->type == J_NUM),
		      "jsonl line %zu: bad chan", line);
		CHECK(text && text->type == J_STR && text->str[0], "jsonl line %zu: no text", line);
		CHECK(slot && (slot->type == J_NULL || slot->type == J_STR),
		      "jsonl line %zu: bad slot", line);
		/* Several fields at once: the arbitration word, or the steps an event's flags
		 * (its old value, trace.h) name: 3 for a transfer's own, 2 for the card's FIFO, 1
		 * for DREQ; 4 for a byte the card sends, 1 for the peer's position, 2 for a byte
		 * the card stores. */
		const struct jfield *chg = field(o, "changes"), *old = field(o, "old");
		uint32_t fl = old && old->type == J_NUM ? (uint32_t)old->num : 0;
		size_t want = 0;
		if (kind && !strcmp(kind->str, "xfer"))
			want = 3u * !!(fl & DV_XFER_STEPS) + 2u * !!(fl & DV_XFER_CARD) +
			       !!(fl & DV_XFER_DREQ) + !!(fl & DV_XFER_MEM);
		else if (kind && !strcmp(kind->str, "wire"))
			want = 4u * !!(fl & DV_WIRE_STEPS) + !!(fl & DV_WIRE_DREQ) +
			       !!(fl & DV_WIRE_PEER_STEP) + 2u * !!(fl & DV_WIRE_STORED);
		if (chg && kind && slot)
			CHECK((!strcmp(kind->str, "state") && slot->type == J_STR &&
			       !strcmp(slot->str, "dma.signals") && chg->num >= 1) ||
			              (want > 0 && (size_t)chg->num == want),
			      "jsonl line %zu: changes where none belong", line);
		CHECK(want == 0 || (chg && (size_t)chg->num == want),
		      "jsonl line %zu: %zu changes wanted", line, want);
		if (kind && slot && !strcmp(kind->str, "state")) {
			saw_state = true;
			CHECK(slot->type == J_STR && slot->str[0],
			      "jsonl line %zu: a state event without a slot name", line);
		}
		if (seq && seq->type == J_NUM) {
			CHECK(seq->num == prev_seq + 1, "jsonl line %zu: seq %g after %g", line,
			      seq->num, prev_seq);
			prev_seq = seq->num;
		}
		if (cyc && cyc->type == J_NUM) {
			CHECK(cyc->num >= prev_cycle, "jsonl line %zu: cycle goes back", line);
			prev_cycle = cyc->num;
		}
		if (o->has_loc) {
			saw_loc = true;
			CHECK(o->loc_file.type == J_STR && o->loc_file.str[0] &&
			              o->loc_line.type == J_NUM,
			      "jsonl line %zu: loc needs file and line", line);
		}
		free(o);
		free(l);
	}
	CHECK(line == events, "jsonl: %zu lines for %zu events", line, events);
	CHECK(saw_state, "jsonl: no state event");
	CHECK(saw_loc, "jsonl: no event with a loc");
}

/* ---- a VCD checker ---------------------------------------------------------------------------- */

#define MAX_VARS 256

struct vcd {
	char id[MAX_VARS][16];
	char name[MAX_VARS][200];
	unsigned width[MAX_VARS];
	bool dumped[MAX_VARS];
	unsigned nvars;
};

static int find_id(const struct vcd *v, const char *id)
{
	for (unsigned k = 0; k < v->nvars; k++)
		if (!strcmp(v->id[k], id))
			return (int)k;
	return -1;
}

/* Whitespace-separated tokens. */
static const char *token(const char **s, char *out, size_t size)
{
	while (**s == ' ' || **s == '\n' || **s == '\t' || **s == '\r')
		(*s)++;
	if (!**s)
		return NULL;
	size_t n = 0;
	while (**s && **s != ' ' && **s != '\n' && **s != '\t' && **s != '\r') {
		if (n + 1 < size)
			out[n++] = **s;
		(*s)++;
	}
	out[n] = 0;
	return out;
}

/* A value change "0!", "1!", "x!", or "b101" followed by an id token. Returns the var. */
static int value_change(struct vcd *v, const char **s, const char *tok, unsigned *val)
{
	char id[64];
	if (tok[0] == 'b' || tok[0] == 'B') {
		*val = 0;
		for (const char *c = tok + 1; *c; c++) {
			if (*c != '0' && *c != '1')
				return -1;
			*val = *val << 1 | (unsigned)(*c - '0');
		}
		if (!token(s, id, sizeof id))
			return -1;
		int k = find_id(v, id);
		if (k >= 0 && (strlen(tok) - 1 > v->width[k] || v->width[k] == 1))
			return -1;
		return k;
	}
	if (tok[0] == '0' || tok[0] == '1') {
		*val = (unsigned)(tok[0] - '0');
		int k = find_id(v, tok + 1);
		if (k >= 0 && v->width[k] != 1)
			return -1;
		return k;
	}
	return -1;
}

static void check_vcd(const struct dv_outbuf *b, unsigned nic_channel, bool wires_only,
                      const struct final_value *final, size_t nic_steps)
{
	struct vcd *v = calloc(1, sizeof *v);
	static uint32_t final_of[MAX_VARS]; /* each var's last value */
	static size_t nchanges[MAX_VARS];
	memset(final_of, 0, sizeof final_of);
	memset(nchanges, 0, sizeof nchanges);
	const char *s = b->data ? b->data : "";
	char tok[128];
	int depth = 0, max_depth = 0;
	/* The open scopes below dmaviz as a dotted path, and every path opened so far: a scope
	 * opened twice would show twice in a viewer. */
	char path[128] = "", opened[64][128];
	unsigned nopened = 0;
	bool timescale = false, enddefs = false, dumpvars = false;
	char dack_name[32];
	snprintf(dack_name, sizeof dack_name, "bus.dack%u", nic_channel);
	/* Header. */
	while (!enddefs && token(&s, tok, sizeof tok)) {
		if (!strcmp(tok, "$scope")) {
			char kind[32], name[64];
			CHECK(token(&s, kind, sizeof kind) && token(&s, name, sizeof name),
			      "vcd: short $scope");
			depth++;
			max_depth = depth > max_depth ? depth : max_depth;
			CHECK(token(&s, tok, sizeof tok) && !strcmp(tok, "$end"),
			      "vcd: $scope without $end");
			CHECK(depth > 1 || !strcmp(name, "dmaviz"), "vcd: top scope %s", name);
			CHECK(!strchr(name, '.'), "vcd: scope name %s has a dot", name);
			if (depth > 1 && strlen(path) + strlen(name) + 2 < sizeof path)
				snprintf(path + strlen(path), sizeof path - strlen(path), "%s%s",
				         *path ? "." : "", name);
			for (unsigned k = 0; depth > 1 && k < nopened; k++)
				CHECK(strcmp(opened[k], path), "vcd: scope %s opened twice", path);
			if (depth > 1 && nopened < 64)
				snprintf(opened[nopened++], sizeof opened[0], "%s", path);
		} else if (!strcmp(tok, "$upscope")) {
			depth--;
			CHECK(depth >= 0, "vcd: $upscope without $scope");
			char *dot = strrchr(path, '.');
			*(dot ? dot : path) = '\0';
			CHECK(token(&s, tok, sizeof tok) && !strcmp(tok, "$end"),
			      "vcd: $upscope without $end");
		} else if (!strcmp(tok, "$var")) {
			char type[16], width[16], id[16], name[64];
			bool ok = token(&s, type, sizeof type) && token(&s, width, sizeof width) &&
			          token(&s, id, sizeof id) && token(&s, name, sizeof name);
			CHECK(ok && (!strcmp(type, "wire") || !strcmp(type, "reg")),
			      "vcd: bad $var");
			CHECK(depth >= 2, "vcd: $var %s outside a sub-scope", name);
			CHECK(!strchr(name, '.'), "vcd: $var %s is not a plain name", name);
			CHECK(find_id(v, id) < 0, "vcd: id %s declared twice", id);
			for (const char *c = id; *c; c++)
				CHECK(*c >= '!' && *c <= '~', "vcd: id of %s is not printable",
				      name);
			while (token(&s, tok, sizeof tok) && strcmp(tok, "$end"))
				; /* [msb:lsb] */
			if (ok && v->nvars < MAX_VARS) {
				snprintf(v->id[v->nvars], sizeof v->id[0], "%s", id);
				snprintf(v->name[v->nvars], sizeof v->name[0], "%s.%s", path, name);
				v->width[v->nvars] = (unsigned)atoi(width);
				v->nvars++;
			}
		} else if (!strcmp(tok, "$enddefinitions")) {
			CHECK(token(&s, tok, sizeof tok) && !strcmp(tok, "$end"),
			      "vcd: $enddefinitions without $end");
			enddefs = true;
		} else if (tok[0] == '$') {
			bool is_ts = !strcmp(tok, "$timescale");
			char body[128] = "";
			while (token(&s, tok, sizeof tok) && strcmp(tok, "$end"))
				if (is_ts && strlen(body) + strlen(tok) + 2 < sizeof body) {
					strcat(body, tok);
					strcat(body, " ");
				}
			if (is_ts) {
				timescale = true;
				CHECK(!strcmp(body, "1 ns "), "vcd: timescale '%s', not 1 ns",
				      body);
			}
		} else {
			fail("vcd: '%s' in the header", tok);
			break;
		}
	}
	CHECK(timescale, "vcd: no $timescale");
	CHECK(enddefs, "vcd: no $enddefinitions");
	CHECK(depth == 0, "vcd: $scope and $upscope do not balance (%d)", depth);
	CHECK(max_depth >= 2 && max_depth <= 3,
	      "vcd: scopes nest %d deep, expected dmaviz, a device and a channel", max_depth);
	CHECK(v->nvars >= (wires_only ? 30u : 40u), "vcd: only %u vars", v->nvars);
	for (unsigned k = 0; wires_only && k < v->nvars; k++)
		CHECK(v->width[k] == 1, "vcd --wires: %s is %u bits wide", v->name[k], v->width[k]);
	int dack = -1;
	for (unsigned k = 0; k < v->nvars; k++)
		if (!strcmp(v->name[k], dack_name))
			dack = (int)k;
	CHECK(dack >= 0, "vcd: no %s", dack_name);
	/* The wires first: --wires keeps those alone. */
	static const char *const must[] = {
		"bus.hlda",    "bus.aen",      "bus.memr",      "bus.memw",      "bus.ior",
		"bus.iow",     "bus.tc",       "bus.dreq0",     "bus.dreq7",     "bus.irq5",
		"dma1.hrq",    "dma.ch1.addr", "dma.ch1.count", "dma.ch1.mode",  "page.ch1",
		"dma1.status", "dma1.mask",    "dma1.flipflop", "dma.ch5.count", "nic.cmd",
		"nic.isr",     "nic.imr",      "cpu.irql"
	};
	size_t nmust = wires_only ? 11 : sizeof must / sizeof must[0];
	for (size_t m = 0; m < nmust; m++) {
		bool found = false;
		for (unsigned k = 0; k < v->nvars; k++)
			found |= !strcmp(v->name[k], must[m]);
		CHECK(found, "vcd: no $var %s", must[m]);
	}
	/* Body. */
	long long last = -1;
	bool in_dump = false;
	unsigned ones = 0, zeros = 0, changes = 0;
	while (token(&s, tok, sizeof tok)) {
		if (!strcmp(tok, "$dumpvars")) {
			CHECK(last == 0, "vcd: $dumpvars not at #0");
			in_dump = dumpvars = true;
		} else if (!strcmp(tok, "$end")) {
			CHECK(in_dump, "vcd: stray $end");
			in_dump = false;
		} else if (tok[0] == '#') {
			CHECK(!in_dump, "vcd: time inside $dumpvars");
			char *end;
			long long t = strtoll(tok + 1, &end, 10);
			CHECK(!*end && tok[1], "vcd: bad time '%s'", tok);
			CHECK(t > last, "vcd: time #%lld after #%lld", t, last);
			last = t;
		} else {
			unsigned val = 0;
			int k = value_change(v, &s, tok, &val);
			if (k < 0) {
				fail("vcd: bad value change '%s' (undeclared id or width)", tok);
				break;
			}
			CHECK(last >= 0, "vcd: a value before any time");
			if (in_dump)
				v->dumped[k] = true;
			else {
				CHECK(v->dumped[k], "vcd: %s changes without an initial value",
				      v->name[k]);
				changes++;
			}
			final_of[k] = val;
			nchanges[k] += !in_dump;
			if (k == dack && !in_dump) {
				ones += val == 1;
				zeros += val == 0;
			}
		}
	}
	CHECK(dumpvars, "vcd: no $dumpvars");
	for (unsigned k = 0; k < v->nvars; k++)
		CHECK(v->dumped[k], "vcd: %s has no initial value in $dumpvars", v->name[k]);
	CHECK(changes > 0, "vcd: no value changes");
	for (unsigned f = 0; !wires_only && f < FINALS; f++) {
		int k = -1;
		for (unsigned j = 0; j < v->nvars; j++)
			if (!strcmp(v->name[j], final[f].name))
				k = (int)j;
		CHECK(k >= 0, "vcd: no $var %s", final[f].name);
		/* every transfer steps the count: a change of it each, at least */
		if (k >= 0 && f == 1)
			CHECK(nchanges[k] >= nic_steps,
			      "vcd: %s changes %zu times for %zu transfers", final[f].name,
			      nchanges[k], nic_steps);
		if (k >= 0)
			CHECK(final_of[k] == final[f].value,
			      "vcd: %s ends at 0x%x, the machine at 0x%x", final[f].name,
			      final_of[k], final[f].value);
	}
	CHECK(ones > 0 && zeros > 0, "vcd: %s never pulses (%u rises, %u falls)", dack_name, ones,
	      zeros);
	free(v);
}

/* The text export: a line per event, two more per transfer (its address and count steps), two
 * per transfer the card answered with its FIFO, four per byte sent (the FIFO's head and count,
 * the bytes sent, the peer's position), one per DREQ change recorded with a transfer or a byte
 * time, one per byte of the peer's that moves its position, two per byte the card stores
 * (its RX FIFO's count, the frame's bytes) and one per transfer that stores its byte in
 * memory. */
static void check_lines(const struct exported *a)
{
	CHECK(count_lines(&a->text) == a->events + 2 * a->steps + 2 * a->card_steps +
	                                       4 * a->wire_steps + a->dreq_steps + a->peer_steps +
	                                       2 * a->stored_steps + a->mem_steps,
	      "text: %zu lines for %zu events, %zu transfers (%zu with the card's FIFO), %zu "
	      "bytes sent, %zu DREQ changes, %zu + %zu received, %zu stored by DMA",
	      count_lines(&a->text), a->events, a->steps, a->card_steps, a->wire_steps,
	      a->dreq_steps, a->peer_steps, a->stored_steps, a->mem_steps);
}

static void same(const struct dv_outbuf *a, const struct dv_outbuf *b, const char *what)
{
	CHECK(a->len == b->len && (a->len == 0 || !memcmp(a->data, b->data, a->len)),
	      "%s: two runs of the same lesson differ", what);
}

int main(int argc, char **argv)
{
	if (argc != 2 && argc != 3) {
		fprintf(stderr, "usage: test-export SEND-LESSON [RECEIVE-LESSON]\n");
		return 2;
	}
	struct exported a, b;
	if (!export_lesson(argv[1], &a) || !export_lesson(argv[1], &b))
		return 1;
	same(&a.text, &b.text, "text");
	same(&a.jsonl, &b.jsonl, "jsonl");
	same(&a.vcd, &b.vcd, "vcd");
	CHECK(a.events > 0, "the lesson made no events");
	check_lines(&a);
	CHECK(a.card_steps > 0, "no transfer moved the card's FIFO");
	CHECK(a.wire_steps > 0, "the lesson sent no byte");
	CHECK(a.dreq_steps > 0, "no DREQ change came with a transfer or a byte time");
	check_jsonl(&a.jsonl, a.events);
	if (argc == 3) { /* bytes the card receives: their steps in the text and JSON Lines */
		struct exported r;
		if (!export_lesson(argv[2], &r))
			return 1;
		check_lines(&r);
		CHECK(r.peer_steps > 0 && r.stored_steps > 0 && r.dreq_steps > 0 && r.mem_steps > 0,
		      "receive: %zu peer steps, %zu stored, %zu DREQ changes, %zu bytes into memory "
		      "with an event",
		      r.peer_steps, r.stored_steps, r.dreq_steps, r.mem_steps);
		check_jsonl(&r.jsonl, r.events);
		exported_free(&r);
	}
	CHECK(a.nic_steps > 0, "the lesson moved no byte on the NIC's channel");
	check_vcd(&a.vcd, a.nic_channel, false, a.final, a.nic_steps);
	check_vcd(&a.wires, a.nic_channel, true, a.final, a.nic_steps);

	/* JSON string escaping: a source file name with a quote, a backslash and a tab. */
	struct dv_sim *sim = dv_sim_create(NULL);
	CHECK(sim != NULL, "dv_sim_create");
	if (sim) {
		dv_sim_cause(sim, DV_SRC_DRIVER, dv_trace_loc(&sim->trace, "we\"ird\\na\tme.c", 7));
		dv_sim_out(sim, 0x04, 0x12); /* a state change: DMA1 flip-flop */
		struct dv_outbuf j = { 0 };
		CHECK(dv_export_jsonl(sim, NULL, dv_outbuf_write, &j),
		      "jsonl export of a bare machine");
		check_jsonl(&j, sim->trace.len);
		CHECK(j.data && strstr(j.data, "\"file\":\"we\\\"ird\\\\na\\tme.c\",\"line\":7}"),
		      "jsonl: the file name is not escaped as expected");
		dv_outbuf_free(&j);
		dv_sim_destroy(sim);
	}
	exported_free(&a);
	exported_free(&b);
	if (failures) {
		fprintf(stderr, "%d failure(s)\n", failures);
		return 1;
	}
	printf("ok: %zu events, text/jsonl/vcd identical over two runs\n", a.events);
	return 0;
}

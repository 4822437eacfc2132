/* dmaviz: the state names the lesson language resolves (docs/lesson-format.md §7): machine slots
 * (state.c) and the names beyond them (DV_REF_*: dma.chN.masked, irqN, ndis.status, calls.X,
 * buffer.B.len, ...), the NDIS status and value words, and the suggestions for a misspelt name.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calls.h"
#include "lang_int.h"
#include "trace.h"
#include "verifier.h"

/* ---- names ---------------------------------------------------------------------------------- */

struct fixed_name {
	const char *name;
	enum dv_ref_kind kind;
	enum dv_value_type type;
};

static const struct fixed_name fixed_names[] = {
	{ "last.in", DV_REF_LAST_IN, DV_VT_NUM },
	{ "ndis.status", DV_REF_NDIS_STATUS, DV_VT_STATUS },
	{ "ndis.inprogress", DV_REF_NDIS_INPROGRESS, DV_VT_NUM },
	{ "ndis.counter", DV_REF_NDIS_COUNTER, DV_VT_NUM },
	{ "verifier.last", DV_REF_VERIFIER_LAST, DV_VT_RULE },
	{ "verifier.count", DV_REF_VERIFIER_COUNT, DV_VT_NUM },
	{ "tx.sent", DV_REF_TX_SENT, DV_VT_NUM },
	{ "tx.completed", DV_REF_TX_COMPLETED, DV_VT_NUM },
	{ "tx.last.status", DV_REF_TX_LAST_STATUS, DV_VT_STATUS },
	{ "peer.frames", DV_REF_PEER_FRAMES, DV_VT_NUM },
	{ "peer.last.ok", DV_REF_PEER_LAST_OK, DV_VT_NUM },
	{ "rx.frames", DV_REF_RX_FRAMES, DV_VT_NUM },
	{ "rx.last.ok", DV_REF_RX_LAST_OK, DV_VT_NUM },
	{ "bounce.used", DV_REF_BOUNCE_USED, DV_VT_NUM },
	{ "ports.out", DV_REF_PORTS_OUT, DV_VT_NUM },
	{ "ports.in", DV_REF_PORTS_IN, DV_VT_NUM },
	{ "ports.out.step", DV_REF_PORTS_OUT, DV_VT_NUM },
	{ "ports.in.step", DV_REF_PORTS_IN, DV_VT_NUM },
};

static const struct {
	const char *suffix;
	enum dv_ref_kind kind;
} channel_names[] = {
	{ "masked", DV_REF_DMA_MASKED }, { "tc", DV_REF_DMA_TC },	  { "dreq", DV_REF_DMA_DREQ },
	{ "residue", DV_REF_DMA_RESIDUE }, { "phys", DV_REF_DMA_PHYS },
};

static const struct {
	const char *prefix;
	enum dv_ref_kind kind;
	enum dv_slot slot;
	uint32_t limit;
} bracket_names[] = {
	{ "mem[", DV_REF_SLOT, DV_SLOT_MEM, DV_MEM_MAX },
	{ "cpu[", DV_REF_CPU_MEM, DV_SLOT_NONE, DV_MEM_MAX },
	{ "peer.rx[", DV_REF_SLOT, DV_SLOT_PEER_RX_DATA, DV_PEER_FRAMES * DV_FRAME_MAX },
	{ "cache.data[", DV_REF_SLOT, DV_SLOT_CACHE_DATA, DV_CACHE_LINES * DV_CACHE_LINE },
	{ "last.read[", DV_REF_LAST_READ, DV_SLOT_NONE, 256 },
};

static bool bracket_slot(enum dv_slot s)
{
	return s == DV_SLOT_MEM || s == DV_SLOT_PEER_RX_DATA || s == DV_SLOT_CACHE_DATA;
}

/* Parses "N.rest" after a prefix: the decimal number N and a pointer to the rest. */
static bool small_number(const char *s, unsigned *n, const char **rest)
{
	unsigned v = 0, digits = 0;
	while (*s >= '0' && *s <= '9' && digits < 3) {
		v = v * 10 + (unsigned)(*s - '0');
		s++;
		digits++;
	}
	if (!digits)
		return false;
	*n = v;
	*rest = s;
	return true;
}

bool dv_script_resolve(const struct dv_lesson *lesson, const char *name, size_t len,
                       struct dv_ref *out)
{
	char n[128];
	if (len == 0 || len >= sizeof n)
		return false;
	memcpy(n, name, len);
	n[len] = 0;
	memset(out, 0, sizeof *out);
	out->type = DV_VT_NUM;

	for (size_t i = 0; i < sizeof fixed_names / sizeof fixed_names[0]; i++) {
		if (!strcmp(n, fixed_names[i].name)) {
			out->kind = fixed_names[i].kind;
			out->type = fixed_names[i].type;
			/* ports.out.step, ports.in.step: counted from the start of the current step */
			if ((out->kind == DV_REF_PORTS_OUT || out->kind == DV_REF_PORTS_IN) && strstr(n, ".step"))
				out->a = 1;
			return true;
		}
	}
	for (size_t i = 0; i < sizeof bracket_names / sizeof bracket_names[0]; i++) {
		size_t pl = strlen(bracket_names[i].prefix);
		if (strncmp(n, bracket_names[i].prefix, pl) != 0)
			continue;
		uint32_t v;
		if (len < pl + 2 || n[len - 1] != ']' || !dv_script_number(n + pl, len - pl - 1, &v) ||
		    v >= bracket_names[i].limit)
			return false;
		out->kind = bracket_names[i].kind;
		out->a = bracket_names[i].slot;
		out->b = v;
		if (out->kind != DV_REF_SLOT)
			out->a = v;
		return true;
	}
	if (!strncmp(n, "dma.ch", 6)) {
		unsigned ch;
		const char *rest;
		if (small_number(n + 6, &ch, &rest) && ch < 8 && *rest == '.') {
			for (size_t i = 0; i < sizeof channel_names / sizeof channel_names[0]; i++) {
				if (!strcmp(rest + 1, channel_names[i].suffix)) {
					out->kind = channel_names[i].kind;
					out->a = ch;
					return true;
				}
			}
		}
	}
	if (!strncmp(n, "irq", 3)) {
		unsigned irq;
		const char *rest;
		if (small_number(n + 3, &irq, &rest) && irq < 16 && !*rest) {
			out->kind = DV_REF_IRQ;
			out->a = irq;
			return true;
		}
	}
	if (!strncmp(n, "verifier.", 9)) {
		enum dv_rule r = dv_rule_find(n + 9);
		if (r != DV_RULE_COUNT) {
			out->kind = DV_REF_VERIFIER_RULE;
			out->a = r;
			return true;
		}
	}
	if (!strncmp(n, "calls.", 6)) {
		enum dv_call c = dv_call_find(n + 6);
		if (c != DV_CALL_COUNT) {
			out->kind = DV_REF_CALLS;
			out->a = c;
			return true;
		}
	}
	if (!strncmp(n, "buffer.", 7) && lesson) {
		const char *dot = strrchr(n + 7, '.');
		if (dot) {
			size_t bl = (size_t)(dot - (n + 7));
			for (unsigned i = 0; i < lesson->nbuffers; i++) {
				const char *bn = lesson->buffers[i].name;
				if (strlen(bn) == bl && !strncmp(bn, n + 7, bl)) {
					if (!strcmp(dot + 1, "len"))
						out->kind = DV_REF_BUFFER_LEN;
					else if (!strcmp(dot + 1, "phys"))
						out->kind = DV_REF_BUFFER_PHYS;
					else
						return false;
					out->a = i;
					return true;
				}
			}
		}
	}
	for (int s = DV_SLOT_NONE + 1; s < DV_SLOT_COUNT; s++) {
		if (bracket_slot((enum dv_slot)s))
			continue;
		const char *pat = dv_slot_pattern((enum dv_slot)s);
		const char *pct = strchr(pat, '%');
		size_t pl = pct ? (size_t)(pct - pat) : strlen(pat);
		if (strncmp(n, pat, pl) != 0)
			continue;
		uint32_t size = dv_slot_size((enum dv_slot)s);
		for (uint32_t i = 0; i < size; i++) {
			char buf[64];
			dv_slot_name((enum dv_slot)s, i, buf, sizeof buf);
			if (!strcmp(buf, n)) {
				out->kind = DV_REF_SLOT;
				out->a = (uint32_t)s;
				out->b = i;
				if (s == DV_SLOT_BUS_OWNER)
					out->type = DV_VT_OWNER;
				return true;
			}
		}
	}
	return false;
}

/* Offers every name the language knows to s. */
void dv_suggest_names(struct dv_suggest *s, const struct dv_lesson *lesson)
{
	char buf[96];
	for (size_t i = 0; i < sizeof fixed_names / sizeof fixed_names[0]; i++)
		dv_suggest_try(s, fixed_names[i].name);
	for (unsigned ch = 0; ch < 8; ch++) {
		for (size_t i = 0; i < sizeof channel_names / sizeof channel_names[0]; i++) {
			snprintf(buf, sizeof buf, "dma.ch%u.%s", ch, channel_names[i].suffix);
			dv_suggest_try(s, buf);
		}
	}
	for (unsigned irq = 0; irq < 16; irq++) {
		snprintf(buf, sizeof buf, "irq%u", irq);
		dv_suggest_try(s, buf);
	}
	for (unsigned r = 0; r < DV_RULE_COUNT; r++) {
		snprintf(buf, sizeof buf, "verifier.%s", dv_rule_name((enum dv_rule)r));
		dv_suggest_try(s, buf);
	}
	for (unsigned c = 0; c < DV_CALL_COUNT; c++) {
		snprintf(buf, sizeof buf, "calls.%s", dv_call_name((enum dv_call)c));
		dv_suggest_try(s, buf);
	}
	for (unsigned i = 0; lesson && i < lesson->nbuffers; i++) {
		snprintf(buf, sizeof buf, "buffer.%s.len", lesson->buffers[i].name);
		dv_suggest_try(s, buf);
		snprintf(buf, sizeof buf, "buffer.%s.phys", lesson->buffers[i].name);
		dv_suggest_try(s, buf);
	}
	for (int sl = DV_SLOT_NONE + 1; sl < DV_SLOT_COUNT; sl++) {
		if (bracket_slot((enum dv_slot)sl))
			continue;
		uint32_t size = dv_slot_size((enum dv_slot)sl);
		for (uint32_t i = 0; i < size; i++) {
			dv_slot_name((enum dv_slot)sl, i, buf, sizeof buf);
			dv_suggest_try(s, buf);
		}
	}
}

/* ---- statuses, constants ------------------------------------------------------------------- */

static const struct {
	const char *name;
	int32_t value;
} status_names[] = {
	{ "NDIS_STATUS_SUCCESS", NDIS_STATUS_SUCCESS },
	{ "NDIS_STATUS_PENDING", NDIS_STATUS_PENDING },
	{ "NDIS_STATUS_RESOURCES", NDIS_STATUS_RESOURCES },
	{ "NDIS_STATUS_FAILURE", NDIS_STATUS_FAILURE },
	{ "NDIS_STATUS_RESOURCE_CONFLICT", NDIS_STATUS_RESOURCE_CONFLICT },
	{ "NDIS_STATUS_ADAPTER_NOT_FOUND", NDIS_STATUS_ADAPTER_NOT_FOUND },
	{ "NDIS_STATUS_UNSUPPORTED_MEDIA", NDIS_STATUS_UNSUPPORTED_MEDIA },
};

/* ---- values and conditions --------------------------------------------------------------------- */

bool dv_resolve_word(struct dv_parser *p, const struct dv_tok *k, struct dv_ref *r)
{
	memset(r, 0, sizeof *r);
	r->kind = DV_REF_NUM;
	r->type = DV_VT_NUM;
	r->name = dv_arena_strndup(p->arena, k->s, k->len);
	int b = dv_bool_word(k->s, k->len);
	if (b >= 0) {
		r->a = (uint32_t)b;
		return true;
	}
	if (k->len > 12 && !strncmp(k->s, "NDIS_STATUS_", 12)) {
		struct dv_suggest s;
		char hint[160];
		dv_suggest_init(&s, k->s, k->len);
		for (size_t i = 0; i < sizeof status_names / sizeof status_names[0]; i++) {
			if (strlen(status_names[i].name) == k->len && !strncmp(status_names[i].name, k->s, k->len)) {
				r->a = (uint32_t)status_names[i].value;
				r->type = DV_VT_STATUS;
				return true;
			}
			dv_suggest_try(&s, status_names[i].name);
		}
		dv_perr(p, k->col, dv_suggest_hint(&s, hint, sizeof hint), "unknown status '%.*s'", (int)k->len, k->s);
		return false;
	}
	if (dv_script_resolve(p->L, k->s, k->len, r)) {
		r->name = dv_arena_strndup(p->arena, k->s, k->len);
		return true;
	}
	char w[64];
	if (k->len < sizeof w) {
		memcpy(w, k->s, k->len);
		w[k->len] = 0;
		enum dv_rule rule = dv_rule_find(w);
		if (rule != DV_RULE_COUNT || !strcmp(w, "none")) {
			r->kind = DV_REF_NUM;
			r->type = DV_VT_RULE;
			r->a = rule != DV_RULE_COUNT ? (uint32_t)rule : 0xFFFFFFFFu;
			return true;
		}
		if (!strcmp(w, "cpu") || !strcmp(w, "dma")) {
			r->kind = DV_REF_NUM;
			r->type = DV_VT_OWNER;
			r->a = w[0] == 'd';
			return true;
		}
	}
	struct dv_suggest s;
	char hint[160];
	dv_suggest_init(&s, k->s, k->len);
	dv_suggest_names(&s, p->L);
	for (unsigned i = 0; i < DV_RULE_COUNT; i++)
		dv_suggest_try(&s, dv_rule_name((enum dv_rule)i));
	const char *h = dv_suggest_hint(&s, hint, sizeof hint);
	if (!h && !strncmp(k->s, "mem[", 4))
		h = "memory is mem[ADDR] with ADDR below 32M, e.g. mem[0x3000]";
	dv_perr(p, k->col, h, "unknown name '%.*s'", (int)k->len, k->s);
	return false;
}

/* The rules a condition mentions count as expected under --strict (§11). */

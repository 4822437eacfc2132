/* dmaviz: the lesson language: lexer, name resolution and parser (docs/lesson-format.md).
 *
 * The parser checks everything it can before a file runs (names, buffers, ranges, where
 * statements may appear), so that a typo is a file:line:col error with a suggestion instead
 * of a failure halfway through a lesson.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calls.h"
#include "script.h"
#include "trace.h"
#include "verifier.h"

/* ---- arena ------------------------------------------------------------------------------ */

struct dv_arena {
	struct dv_arena *next;
	size_t used, cap;
	max_align_t data[];
};

void *dv_arena_alloc(struct dv_arena **a, size_t size)
{
	size = (size + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
	if (size == 0)
		size = sizeof(max_align_t);
	struct dv_arena *b = *a;
	if (!b || b->cap - b->used < size) {
		size_t cap = size > 16384 ? size : 16384;
		struct dv_arena *n = malloc(sizeof *n + cap);
		if (!n)
			return NULL;
		n->next = b;
		n->used = 0;
		n->cap = cap;
		*a = n;
		b = n;
	}
	void *p = (char *)b->data + b->used;
	b->used += size;
	memset(p, 0, size);
	return p;
}

char *dv_arena_strndup(struct dv_arena **a, const char *s, size_t n)
{
	char *d = dv_arena_alloc(a, n + 1);
	if (d) {
		memcpy(d, s, n);
		d[n] = 0;
	}
	return d;
}

void dv_arena_free(struct dv_arena *a)
{
	while (a) {
		struct dv_arena *n = a->next;
		free(a);
		a = n;
	}
}

/* Room for one more element in an arena array of n elements: capacity doubles at 4, 8, 16,
 * ... so no capacity needs storing. The old block stays in the arena (arrays are small). */
static void *arena_grow(struct dv_arena **a, void *arr, unsigned n, size_t elem)
{
	if (n != 0 && (n < 4 || (n & (n - 1)) != 0))
		return arr;
	size_t cap = n ? 2u * n : 4u;
	void *m = dv_arena_alloc(a, cap * elem);
	if (m && n)
		memcpy(m, arr, n * elem);
	return m;
}

/* ---- messages ----------------------------------------------------------------------------- */

void dv_msgs_init(struct dv_msgs *m)
{
	memset(m, 0, sizeof *m);
}

void dv_msgs_finish(struct dv_msgs *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->v[i].text);
		free(m->v[i].hint);
	}
	free(m->v);
	memset(m, 0, sizeof *m);
}

size_t dv_msgs_count(const struct dv_msgs *m, enum dv_msg_kind kind)
{
	size_t n = 0;
	for (size_t i = 0; i < m->n; i++)
		n += m->v[i].kind == kind;
	return n;
}

void dv_msgs_add(struct dv_msgs *m, enum dv_msg_kind kind, uint32_t line, uint32_t col,
                 uint64_t cycle, const char *hint, const char *fmt, ...)
{
	if (!m)
		return;
	/* Information (what a `read` saw) never crowds out a verdict: it has its own limit. */
	if (kind == DV_MSG_INFO) {
		if (m->ninfo >= DV_SCRIPT_MAX_MSGS)
			return;
	} else if (m->n - m->ninfo >= DV_SCRIPT_MAX_MSGS) {
		m->dropped++;
		return;
	}
	if (m->n == m->cap) {
		size_t cap = m->cap ? 2 * m->cap : 16;
		struct dv_msg *v = realloc(m->v, cap * sizeof *v);
		if (!v) {
			m->dropped++;
			return;
		}
		m->v = v;
		m->cap = cap;
	}
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	struct dv_msg *g = &m->v[m->n];
	g->kind = kind;
	g->line = line;
	g->col = col;
	g->cycle = cycle;
	g->text = malloc(strlen(buf) + 1);
	if (!g->text) {
		m->dropped++;
		return;
	}
	strcpy(g->text, buf);
	m->ninfo += kind == DV_MSG_INFO;
	g->hint = NULL;
	if (hint) {
		g->hint = malloc(strlen(hint) + 1);
		if (g->hint)
			strcpy(g->hint, hint);
	}
	m->n++;
}

/* ---- numbers ------------------------------------------------------------------------------ */

bool dv_script_number(const char *s, size_t len, uint32_t *out)
{
	unsigned base = 10;
	size_t i = 0;
	uint64_t v = 0;
	unsigned digits = 0;
	if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	} else if (len >= 2 && s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) {
		base = 2;
		i = 2;
	}
	uint64_t scale = 1;
	if (base == 10 && len > 0 && (s[len - 1] == 'K' || s[len - 1] == 'M')) {
		scale = s[len - 1] == 'K' ? 1024u : 1048576u;
		len--;
	}
	for (; i < len; i++) {
		int c = (unsigned char)s[i];
		unsigned d;
		if (c == '_' && digits > 0)
			continue;
		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return false;
		if (d >= base)
			return false;
		v = v * base + d;
		if (v > 0xFFFFFFFFu)
			return false;
		digits++;
	}
	if (digits == 0)
		return false;
	v *= scale;
	if (v > 0xFFFFFFFFu)
		return false;
	*out = (uint32_t)v;
	return true;
}

bool dv_path_has_dotdot(const char *path)
{
	for (const char *c = path; *c;) {
		size_t n = strcspn(c, "/");
		if (n == 2 && c[0] == '.' && c[1] == '.')
			return true;
		c += n;
		c += *c == '/';
	}
	return false;
}

/* ---- suggestions ---------------------------------------------------------------------------- */

struct suggest {
	const char *want;
	size_t wantlen;
	char best[96];
	unsigned bestd;
};

static bool same_char(char x, char y)
{
	return tolower((unsigned char)x) == tolower((unsigned char)y);
}

/* Edit distance with adjacent transpositions ("optimal string alignment"): "setp" is one
 * edit from "step", as a typist would count it. */
static unsigned edit_distance(const char *a, size_t n, const char *b, size_t m)
{
	unsigned d[3][64];
	if (n > 63 || m > 63)
		return 1000;
	for (size_t j = 0; j <= m; j++)
		d[0][j] = (unsigned)j;
	for (size_t i = 1; i <= n; i++) {
		unsigned *cur = d[i % 3], *prev = d[(i - 1) % 3], *prev2 = d[(i + 1) % 3];
		cur[0] = (unsigned)i;
		for (size_t j = 1; j <= m; j++) {
			unsigned best = prev[j - 1] + (same_char(a[i - 1], b[j - 1]) ? 0u : 1u);
			if (prev[j] + 1 < best)
				best = prev[j] + 1;
			if (cur[j - 1] + 1 < best)
				best = cur[j - 1] + 1;
			if (i > 1 && j > 1 && same_char(a[i - 1], b[j - 2]) && same_char(a[i - 2], b[j - 1]) &&
			    prev2[j - 2] + 1 < best)
				best = prev2[j - 2] + 1;
			cur[j] = best;
		}
	}
	return d[n % 3][m];
}

static void suggest_init(struct suggest *s, const char *want, size_t len)
{
	s->want = want;
	s->wantlen = len;
	s->best[0] = 0;
	s->bestd = 1000;
}

static void suggest_try(struct suggest *s, const char *cand)
{
	unsigned d = edit_distance(s->want, s->wantlen, cand, strlen(cand));
	if (d < s->bestd && strlen(cand) < sizeof s->best) {
		s->bestd = d;
		strcpy(s->best, cand);
	}
}

/* The hint line, or NULL when nothing is close enough to be a likely typo. */
static const char *suggest_hint(struct suggest *s, char *buf, size_t size)
{
	unsigned limit = s->wantlen <= 4 ? 1u : s->wantlen <= 8 ? 2u : 3u;
	if (!s->best[0] || s->bestd > limit)
		return NULL;
	snprintf(buf, size, "did you mean '%s'?", s->best);
	return buf;
}

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
static void suggest_names(struct suggest *s, const struct dv_lesson *lesson)
{
	char buf[96];
	for (size_t i = 0; i < sizeof fixed_names / sizeof fixed_names[0]; i++)
		suggest_try(s, fixed_names[i].name);
	for (unsigned ch = 0; ch < 8; ch++) {
		for (size_t i = 0; i < sizeof channel_names / sizeof channel_names[0]; i++) {
			snprintf(buf, sizeof buf, "dma.ch%u.%s", ch, channel_names[i].suffix);
			suggest_try(s, buf);
		}
	}
	for (unsigned irq = 0; irq < 16; irq++) {
		snprintf(buf, sizeof buf, "irq%u", irq);
		suggest_try(s, buf);
	}
	for (unsigned r = 0; r < DV_RULE_COUNT; r++) {
		snprintf(buf, sizeof buf, "verifier.%s", dv_rule_name((enum dv_rule)r));
		suggest_try(s, buf);
	}
	for (unsigned c = 0; c < DV_CALL_COUNT; c++) {
		snprintf(buf, sizeof buf, "calls.%s", dv_call_name((enum dv_call)c));
		suggest_try(s, buf);
	}
	for (unsigned i = 0; lesson && i < lesson->nbuffers; i++) {
		snprintf(buf, sizeof buf, "buffer.%s.len", lesson->buffers[i].name);
		suggest_try(s, buf);
		snprintf(buf, sizeof buf, "buffer.%s.phys", lesson->buffers[i].name);
		suggest_try(s, buf);
	}
	for (int sl = DV_SLOT_NONE + 1; sl < DV_SLOT_COUNT; sl++) {
		if (bracket_slot((enum dv_slot)sl))
			continue;
		uint32_t size = dv_slot_size((enum dv_slot)sl);
		for (uint32_t i = 0; i < size; i++) {
			dv_slot_name((enum dv_slot)sl, i, buf, sizeof buf);
			suggest_try(s, buf);
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

/* yes/no words: 1 or 0, -1 when the word is not one. */
static int bool_word(const char *s, size_t n)
{
	static const char *const yes[] = { "yes", "on", "true", "1" };
	static const char *const no[] = { "no", "off", "false", "0" };
	for (size_t i = 0; i < 4; i++) {
		if (strlen(yes[i]) == n && !strncmp(s, yes[i], n))
			return 1;
		if (strlen(no[i]) == n && !strncmp(s, no[i], n))
			return 0;
	}
	return -1;
}

const char *dv_lcall_name(enum dv_lcall c)
{
	static const char *const names[DV_LCALL_COUNT] = {
		"NdisMRegisterDmaChannel", "NdisMSetupDmaTransfer", "NdisMCompleteDmaTransfer",
		"NdisMReadDmaCounter",	   "NdisMDeregisterDmaChannel", "NdisRawWritePortUchar",
		"NdisRawReadPortUchar",
	};
	return (unsigned)c < DV_LCALL_COUNT ? names[c] : "?";
}

static const char *const arg_names[DV_ARG_COUNT] = {
	"channel", "width", "demand", "autoinit", "max", "port",
	"buffer",  "offset", "length", "write", "handle", "value", "param",
};

/* Which arguments each call takes, and which it needs. */
static const uint32_t call_takes[DV_LCALL_COUNT] = {
	[DV_LCALL_REGISTER] = 1u << DV_ARG_CHANNEL | 1u << DV_ARG_WIDTH | 1u << DV_ARG_DEMAND |
	                      1u << DV_ARG_AUTOINIT | 1u << DV_ARG_MAX | 1u << DV_ARG_PORT |
	                      1u << DV_ARG_PARAM,
	[DV_LCALL_SETUP] = 1u << DV_ARG_BUFFER | 1u << DV_ARG_OFFSET | 1u << DV_ARG_LENGTH |
	                   1u << DV_ARG_WRITE | 1u << DV_ARG_HANDLE,
	[DV_LCALL_COMPLETE] = 1u << DV_ARG_BUFFER | 1u << DV_ARG_OFFSET | 1u << DV_ARG_LENGTH |
	                      1u << DV_ARG_WRITE | 1u << DV_ARG_HANDLE,
	[DV_LCALL_READ_COUNTER] = 1u << DV_ARG_HANDLE,
	[DV_LCALL_DEREGISTER] = 1u << DV_ARG_HANDLE,
	[DV_LCALL_RAW_WRITE] = 1u << DV_ARG_PORT | 1u << DV_ARG_VALUE,
	[DV_LCALL_RAW_READ] = 1u << DV_ARG_PORT,
};
static const uint32_t call_needs[DV_LCALL_COUNT] = {
	[DV_LCALL_SETUP] = 1u << DV_ARG_BUFFER | 1u << DV_ARG_WRITE,
	[DV_LCALL_COMPLETE] = 1u << DV_ARG_BUFFER | 1u << DV_ARG_WRITE,
	[DV_LCALL_RAW_WRITE] = 1u << DV_ARG_PORT | 1u << DV_ARG_VALUE,
	[DV_LCALL_RAW_READ] = 1u << DV_ARG_PORT,
};

/* ---- the lexer ------------------------------------------------------------------------------ */

enum tk { TK_END, TK_WORD, TK_NUM, TK_STR, TK_OP, TK_EQ };

struct tok {
	enum tk kind;
	const char *s; /* raw text in the line */
	size_t len;
	uint32_t col; /* 1-based */
	uint32_t num;
	bool num_ok;
	const char *str; /* TK_STR: the decoded text */
	bool glued;	 /* no space before it */
};

#define MAX_TOKS 256u

struct parser {
	struct dv_lesson *L;
	struct dv_arena **arena;
	struct dv_msgs *msgs;
	const char *file;
	uint32_t line;
	char *text; /* the logical line */
	struct tok tok[MAX_TOKS + 1];
	unsigned nt, pos;
	unsigned errors;
	bool command_mode; /* parsing one sandbox command */
	/* where we are in the file */
	bool seen_action, seen_step, in_solution;
	unsigned meta_seen;
	int cur_step; /* index in L->steps, -1 none */
	struct dv_ask *cur_ask;
	bool ask_clause_ok; /* the previous statement was an ask or an ask clause */
	char *para;	    /* the narration paragraph being built (malloc) */
	size_t para_len;
	const char **paras; /* the current step's paragraphs (arena array) */
	unsigned nparas;
	size_t *para_stmt;   /* where each stands (see struct dv_step) */
	uint32_t *para_line, *para_last;
	uint32_t para_first, para_end; /* the lines of the paragraph being built */
	size_t cap_stmts, cap_steps, cap_asks, cap_bufs;
	unsigned ncols; /* columns of the current output-list, 0 = none yet */
	struct dv_stmt *out; /* command mode: where the statement goes */
	bool out_done;
};

static void perr(struct parser *p, uint32_t col, const char *hint, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;

static void perr(struct parser *p, uint32_t col, const char *hint, const char *fmt, ...)
{
	char buf[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (col)
		dv_msgs_add(p->msgs, DV_MSG_ERROR, p->line, col, 0, hint, "%s:%u:%u: error: %s", p->file,
		            (unsigned)p->line, (unsigned)col, buf);
	else
		dv_msgs_add(p->msgs, DV_MSG_ERROR, p->line, 0, 0, hint, "%s:%u: error: %s", p->file,
		            (unsigned)p->line, buf);
	p->errors++;
}

static bool is_bare(int c)
{
	return c && c != ' ' && c != '\t' && c != '"' && c != '=' && c != '!' && c != '<' && c != '>' &&
	       c != '&' && c != '|' && c != '+';
}

/* Splits the logical line into tokens. False after an error. */
static bool lex(struct parser *p)
{
	const char *t = p->text;
	size_t i = 0, prev_end = (size_t)-1;
	p->nt = 0;
	p->pos = 0;
	for (;;) {
		while (t[i] == ' ' || t[i] == '\t' || t[i] == '\r' || t[i] == '\f' || t[i] == '\v')
			i++;
		if (!t[i] || t[i] == '#')
			break;
		if (p->nt >= MAX_TOKS) {
			perr(p, (uint32_t)i + 1, NULL, "too many words on one line (at most %u)", MAX_TOKS);
			return false;
		}
		struct tok *k = &p->tok[p->nt];
		memset(k, 0, sizeof *k);
		k->s = t + i;
		k->col = (uint32_t)i + 1;
		k->glued = i == prev_end;
		char c = t[i];
		if (c == '"') {
			char *buf = malloc(strlen(t + i) + 1);
			size_t o = 0, j = i + 1;
			if (!buf)
				return false;
			while (t[j] && t[j] != '"') {
				if (t[j] == '\\' && t[j + 1]) {
					char e = t[j + 1];
					buf[o++] = e == 'n' ? '\n' : e;
					j += 2;
				} else {
					buf[o++] = t[j++];
				}
			}
			if (t[j] != '"') {
				free(buf);
				perr(p, k->col, "close the string with a \" on the same line",
				     "unterminated string");
				return false;
			}
			k->kind = TK_STR;
			k->str = dv_arena_strndup(p->arena, buf, o);
			free(buf);
			if (!k->str)
				return false;
			i = j + 1;
		} else if (c == '=') {
			k->kind = t[i + 1] == '=' ? TK_OP : TK_EQ;
			i += t[i + 1] == '=' ? 2 : 1;
		} else if (c == '!') {
			if (t[i + 1] != '=') {
				perr(p, k->col, "write != for 'not equal'", "unexpected '!'");
				return false;
			}
			k->kind = TK_OP;
			i += 2;
		} else if (c == '<' || c == '>') {
			k->kind = TK_OP;
			i += t[i + 1] == '=' ? 2 : 1;
		} else if (c == '&') {
			k->kind = TK_OP;
			i += t[i + 1] == '&' ? 2 : 1;
		} else if (c == '|') {
			if (t[i + 1] != '|') {
				perr(p, k->col, "write || for 'or'", "unexpected '|'");
				return false;
			}
			k->kind = TK_OP;
			i += 2;
		} else if (c == '+') {
			k->kind = TK_OP;
			i++;
		} else {
			while (is_bare((unsigned char)t[i]))
				i++;
			k->len = (size_t)(t + i - k->s);
			if (k->len == 1 && k->s[0] == '-')
				k->kind = TK_OP;
			else if (k->s[0] >= '0' && k->s[0] <= '9') {
				k->kind = TK_NUM;
				k->num_ok = dv_script_number(k->s, k->len, &k->num);
			} else
				k->kind = TK_WORD;
		}
		if (k->kind != TK_WORD && k->kind != TK_NUM)
			k->len = (size_t)(t + i - k->s);
		prev_end = i;
		p->nt++;
	}
	memset(&p->tok[p->nt], 0, sizeof p->tok[p->nt]);
	p->tok[p->nt].kind = TK_END;
	p->tok[p->nt].col = (uint32_t)i + 1;
	return true;
}

static struct tok *peek(struct parser *p)
{
	return &p->tok[p->pos];
}

static struct tok *next(struct parser *p)
{
	struct tok *k = &p->tok[p->pos];
	if (p->pos < p->nt)
		p->pos++;
	return k;
}

static bool tok_is(const struct tok *k, const char *w)
{
	return (k->kind == TK_WORD || k->kind == TK_OP) && strlen(w) == k->len && !strncmp(k->s, w, k->len);
}

/* "'text'" of a token, for messages. */
static const char *tok_text(const struct tok *k, char *buf, size_t size)
{
	if (k->kind == TK_END)
		snprintf(buf, size, "the end of the line");
	else
		snprintf(buf, size, "'%.*s'", (int)(k->len > 60 ? 60 : k->len), k->s);
	return buf;
}

static bool at_end(struct parser *p)
{
	return peek(p)->kind == TK_END;
}

static bool want_end(struct parser *p)
{
	if (at_end(p))
		return true;
	char b[96];
	perr(p, peek(p)->col, NULL, "unexpected %s", tok_text(peek(p), b, sizeof b));
	return false;
}

static bool want_num(struct parser *p, const char *what, uint32_t min, uint32_t max, uint32_t *out)
{
	struct tok *k = next(p);
	char b[96];
	if (k->kind != TK_NUM || !k->num_ok) {
		perr(p, k->col, NULL, "expected %s (a number), got %s", what, tok_text(k, b, sizeof b));
		return false;
	}
	if (k->num < min || k->num > max) {
		perr(p, k->col, NULL, "%s must be between %u and %u, got %u", what, (unsigned)min,
		     (unsigned)max, (unsigned)k->num);
		return false;
	}
	*out = k->num;
	return true;
}

static bool want_string(struct parser *p, const char *what, const char **out)
{
	struct tok *k = next(p);
	char b[96];
	if (k->kind != TK_STR) {
		perr(p, k->col, "put the text in double quotes", "expected %s in quotes, got %s", what,
		     tok_text(k, b, sizeof b));
		return false;
	}
	*out = k->str;
	return true;
}

static bool want_bool(struct parser *p, const struct tok *k, const char *what, uint32_t *out)
{
	int v = -1;
	if (k->kind == TK_WORD || k->kind == TK_NUM)
		v = bool_word(k->s, k->len);
	if (v < 0) {
		char b[96];
		perr(p, k->col, NULL, "%s must be yes or no, got %s", what, tok_text(k, b, sizeof b));
		return false;
	}
	*out = (uint32_t)v;
	return true;
}

/* key=value: returns the value token, or NULL (and an error) when the token at pos is not a
 * key=value pair. */
static struct tok *want_kv(struct parser *p, struct tok **key)
{
	struct tok *k = next(p);
	char b[96];
	if (k->kind != TK_WORD || peek(p)->kind != TK_EQ) {
		perr(p, k->col, "arguments are written key=value", "expected key=value, got %s",
		     tok_text(k, b, sizeof b));
		return NULL;
	}
	next(p);
	struct tok *v = next(p);
	if (v->kind != TK_WORD && v->kind != TK_NUM && v->kind != TK_STR) {
		perr(p, v->col, NULL, "expected a value after '%.*s=', got %s", (int)k->len, k->s,
		     tok_text(v, b, sizeof b));
		return NULL;
	}
	*key = k;
	return v;
}

static bool kv_num(struct parser *p, struct tok *v, const char *what, uint32_t min, uint32_t max,
                   uint32_t *out)
{
	char b[96];
	if (v->kind != TK_NUM || !v->num_ok) {
		perr(p, v->col, NULL, "%s must be a number, got %s", what, tok_text(v, b, sizeof b));
		return false;
	}
	if (v->num < min || v->num > max) {
		perr(p, v->col, NULL, "%s must be between %u and %u, got %u", what, (unsigned)min,
		     (unsigned)max, (unsigned)v->num);
		return false;
	}
	*out = v->num;
	return true;
}

static void unknown_word(struct parser *p, const struct tok *k, const char *what,
                         const char *const *cands, size_t ncands)
{
	struct suggest s;
	char hint[160];
	suggest_init(&s, k->s, k->len);
	for (size_t i = 0; i < ncands; i++)
		suggest_try(&s, cands[i]);
	perr(p, k->col, suggest_hint(&s, hint, sizeof hint), "unknown %s '%.*s'", what, (int)k->len, k->s);
}

/* ---- values and conditions --------------------------------------------------------------------- */

static bool resolve_word(struct parser *p, const struct tok *k, struct dv_ref *r)
{
	memset(r, 0, sizeof *r);
	r->kind = DV_REF_NUM;
	r->type = DV_VT_NUM;
	r->name = dv_arena_strndup(p->arena, k->s, k->len);
	int b = bool_word(k->s, k->len);
	if (b >= 0) {
		r->a = (uint32_t)b;
		return true;
	}
	if (k->len > 12 && !strncmp(k->s, "NDIS_STATUS_", 12)) {
		struct suggest s;
		char hint[160];
		suggest_init(&s, k->s, k->len);
		for (size_t i = 0; i < sizeof status_names / sizeof status_names[0]; i++) {
			if (strlen(status_names[i].name) == k->len && !strncmp(status_names[i].name, k->s, k->len)) {
				r->a = (uint32_t)status_names[i].value;
				r->type = DV_VT_STATUS;
				return true;
			}
			suggest_try(&s, status_names[i].name);
		}
		perr(p, k->col, suggest_hint(&s, hint, sizeof hint), "unknown status '%.*s'", (int)k->len, k->s);
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
	struct suggest s;
	char hint[160];
	suggest_init(&s, k->s, k->len);
	suggest_names(&s, p->L);
	for (unsigned i = 0; i < DV_RULE_COUNT; i++)
		suggest_try(&s, dv_rule_name((enum dv_rule)i));
	const char *h = suggest_hint(&s, hint, sizeof hint);
	if (!h && !strncmp(k->s, "mem[", 4))
		h = "memory is mem[ADDR] with ADDR below 32M, e.g. mem[0x3000]";
	perr(p, k->col, h, "unknown name '%.*s'", (int)k->len, k->s);
	return false;
}

/* The rules a condition mentions count as expected under --strict (§11). */
static void note_rules(struct parser *p, const struct dv_value *v)
{
	for (unsigned i = 0; i < v->n; i++) {
		const struct dv_ref *r = &v->term[i];
		if (r->kind == DV_REF_VERIFIER_RULE && r->a < DV_RULE_COUNT)
			p->L->allowed[r->a] = true;
		if (r->kind == DV_REF_NUM && r->type == DV_VT_RULE && r->a < DV_RULE_COUNT)
			p->L->allowed[r->a] = true;
	}
}

static bool parse_value(struct parser *p, struct dv_value *v)
{
	char b[96];
	memset(v, 0, sizeof *v);
	for (;;) {
		struct tok *k = next(p);
		struct dv_ref *r = &v->term[v->n];
		if (k->kind == TK_NUM) {
			if (!k->num_ok) {
				perr(p, k->col, NULL, "bad number %s", tok_text(k, b, sizeof b));
				return false;
			}
			memset(r, 0, sizeof *r);
			r->kind = DV_REF_NUM;
			r->a = k->num;
		} else if (k->kind == TK_WORD) {
			if (!resolve_word(p, k, r))
				return false;
		} else {
			perr(p, k->col, NULL, "expected a name or a number, got %s", tok_text(k, b, sizeof b));
			return false;
		}
		v->n++;
		struct tok *o = peek(p);
		if (!(tok_is(o, "+") || tok_is(o, "-") || tok_is(o, "&")))
			return true;
		if (v->n >= 8) {
			perr(p, o->col, NULL, "too many terms (at most 8)");
			return false;
		}
		v->op[v->n] = o->s[0];
		next(p);
	}
}

static enum dv_cmp_op cmp_op(const struct tok *k)
{
	if (k->kind != TK_OP)
		return DV_OP_NONZERO;
	if (tok_is(k, "=="))
		return DV_OP_EQ;
	if (tok_is(k, "!="))
		return DV_OP_NE;
	if (tok_is(k, "<"))
		return DV_OP_LT;
	if (tok_is(k, "<="))
		return DV_OP_LE;
	if (tok_is(k, ">"))
		return DV_OP_GT;
	if (tok_is(k, ">="))
		return DV_OP_GE;
	return DV_OP_NONZERO;
}

static bool note_find(const struct tok *k, uint32_t *out)
{
	for (unsigned i = 0; i < DV_NOTE_COUNT; i++) {
		const char *id = dv_note_id((enum dv_note)i);
		if (strlen(id) != k->len)
			continue;
		size_t j = 0;
		for (; j < k->len; j++) {
			int a = toupper((unsigned char)k->s[j]), c = (unsigned char)id[j];
			if (a == '-')
				a = '_';
			if (a != c)
				break;
		}
		if (j == k->len) {
			*out = i;
			return true;
		}
	}
	return false;
}

/* Parses a condition from pos to the end of the line, or to `max N` when stop_at_max. */
static bool parse_cond(struct parser *p, struct dv_cond *c, bool events, bool stop_at_max)
{
	struct dv_cmp cmps[DV_SCRIPT_MAX_CMPS];
	unsigned n = 0;
	bool or_next = false;
	char b[96];
	uint32_t start_col = peek(p)->col;
	memset(c, 0, sizeof *c);
	if (at_end(p) || (stop_at_max && tok_is(peek(p), "max"))) {
		perr(p, peek(p)->col, "e.g. dma.ch1.count == 0xFFFF", "expected a condition");
		return false;
	}
	for (;;) {
		if (n >= DV_SCRIPT_MAX_CMPS) {
			perr(p, peek(p)->col, NULL, "too many comparisons (at most %u)", DV_SCRIPT_MAX_CMPS);
			return false;
		}
		struct dv_cmp *m = &cmps[n];
		memset(m, 0, sizeof *m);
		m->or_before = or_next;
		struct tok *k = peek(p);
		if (tok_is(k, "call") || tok_is(k, "note")) {
			bool is_call = tok_is(k, "call");
			next(p);
			if (!events) {
				perr(p, k->col, "write the condition with calls.NAME or a state name",
				     "'%s NAME' only works in 'run until'", is_call ? "call" : "note");
				return false;
			}
			struct tok *w = next(p);
			if (w->kind != TK_WORD) {
				perr(p, w->col, NULL, "expected a %s name, got %s", is_call ? "call" : "note",
				     tok_text(w, b, sizeof b));
				return false;
			}
			m->lhs.n = 1;
			m->lhs.term[0].name = dv_arena_strndup(p->arena, w->s, w->len);
			if (is_call) {
				char nm[64];
				enum dv_call call = DV_CALL_COUNT;
				if (w->len < sizeof nm) {
					memcpy(nm, w->s, w->len);
					nm[w->len] = 0;
					call = dv_call_find(nm);
				}
				if (call == DV_CALL_COUNT) {
					const char *cands[DV_CALL_COUNT];
					for (unsigned i = 0; i < DV_CALL_COUNT; i++)
						cands[i] = dv_call_name((enum dv_call)i);
					unknown_word(p, w, "call", cands, DV_CALL_COUNT);
					return false;
				}
				m->lhs.term[0].a = call;
				m->op = DV_OP_CALL;
				if (tok_is(peek(p), "returns")) {
					next(p);
					m->op = DV_OP_RETURN;
				}
			} else {
				if (!note_find(w, &m->lhs.term[0].a)) {
					const char *cands[DV_NOTE_COUNT];
					for (unsigned i = 0; i < DV_NOTE_COUNT; i++)
						cands[i] = dv_note_id((enum dv_note)i);
					unknown_word(p, w, "note", cands, DV_NOTE_COUNT);
					return false;
				}
				m->op = DV_OP_NOTE;
			}
		} else {
			if (!parse_value(p, &m->lhs))
				return false;
			enum dv_cmp_op op = cmp_op(peek(p));
			if (op != DV_OP_NONZERO) {
				next(p);
				if (!parse_value(p, &m->rhs))
					return false;
			}
			m->op = op;
			note_rules(p, &m->lhs);
			note_rules(p, &m->rhs);
		}
		n++;
		struct tok *j = peek(p);
		if (tok_is(j, "&&") || tok_is(j, "||")) {
			or_next = tok_is(j, "||");
			next(p);
			continue;
		}
		if (j->kind == TK_END || (stop_at_max && tok_is(j, "max")))
			break;
		if (j->kind == TK_EQ)
			perr(p, j->col, "compare with ==", "unexpected '='");
		else
			perr(p, j->col, "join comparisons with && or ||",
			     "expected '&&', '||' or the end of the condition, got %s", tok_text(j, b, sizeof b));
		return false;
	}
	c->cmp = dv_arena_alloc(p->arena, n * sizeof *c->cmp);
	if (!c->cmp)
		return false;
	memcpy(c->cmp, cmps, n * sizeof *c->cmp);
	c->n = n;
	uint32_t end_col = peek(p)->col;
	size_t from = start_col - 1, to = end_col - 1;
	while (to > from && (p->text[to - 1] == ' ' || p->text[to - 1] == '\t'))
		to--;
	c->text = dv_arena_strndup(p->arena, p->text + from, to - from);
	return c->text != NULL;
}

/* ---- building the lesson ---------------------------------------------------------------------- */

static void close_para(struct parser *p)
{
	if (!p->para)
		return;
	const char **arr = arena_grow(p->arena, (void *)p->paras, p->nparas, sizeof *arr);
	size_t *at = arena_grow(p->arena, p->para_stmt, p->nparas, sizeof *at);
	uint32_t *l0 = arena_grow(p->arena, p->para_line, p->nparas, sizeof *l0);
	uint32_t *l1 = arena_grow(p->arena, p->para_last, p->nparas, sizeof *l1);
	char *s = dv_arena_strndup(p->arena, p->para, p->para_len);
	if (arr && at && l0 && l1 && s) {
		p->paras = arr;
		p->para_stmt = at;
		p->para_line = l0;
		p->para_last = l1;
		/* No statement can stand inside a paragraph, so it stands before the next one. */
		p->para_stmt[p->nparas] = p->L->nstmts;
		p->para_line[p->nparas] = p->para_first;
		p->para_last[p->nparas] = p->para_end;
		p->paras[p->nparas++] = s;
	}
	free(p->para);
	p->para = NULL;
	p->para_len = 0;
}

static void close_ask(struct parser *p)
{
	if (p->cur_ask && p->cur_ask->nanswers == 0) {
		uint32_t saved = p->line;
		p->line = p->cur_ask->line;
		perr(p, 0, "add a line 'answer VALUE' after the question", "this ask has no answer");
		p->line = saved;
	}
	p->cur_ask = NULL;
	p->ask_clause_ok = false;
}

static void close_step(struct parser *p)
{
	close_para(p);
	if (p->cur_step >= 0) {
		struct dv_step *s = &p->L->steps[p->cur_step];
		s->paras = p->paras;
		s->nparas = p->nparas;
		s->para_stmt = p->para_stmt;
		s->para_line = p->para_line;
		s->para_last = p->para_last;
	}
	p->paras = NULL;
	p->nparas = 0;
	p->para_stmt = NULL;
	p->para_line = p->para_last = NULL;
	p->in_solution = false;
}

static struct dv_step *open_step(struct parser *p, const char *title, uint32_t line)
{
	close_step(p);
	struct dv_lesson *L = p->L;
	if (L->nsteps == p->cap_steps) {
		size_t cap = p->cap_steps ? 2 * p->cap_steps : 8;
		struct dv_step *n = realloc(L->steps, cap * sizeof *n);
		if (!n)
			return NULL;
		L->steps = n;
		p->cap_steps = cap;
	}
	struct dv_step *s = &L->steps[L->nsteps];
	memset(s, 0, sizeof *s);
	s->title = title;
	s->line = line;
	s->first = L->nstmts;
	s->number = L->nsteps == 0 && title[0] == 0 ? 0 : (L->nsteps && L->steps[0].number == 0 ? L->nsteps : L->nsteps + 1);
	p->cur_step = (int)L->nsteps++;
	return s;
}

/* A statement that belongs to a step: opens the setup step when none is open yet. */
static struct dv_stmt *add_stmt(struct parser *p, enum dv_stmt_kind kind, uint32_t col)
{
	if (p->command_mode) {
		if (p->out_done)
			return NULL;
		memset(p->out, 0, sizeof *p->out);
		p->out->kind = kind;
		p->out->line = p->line;
		p->out->col = col;
		p->out->text = dv_arena_strndup(p->arena, p->text, strlen(p->text));
		p->out_done = true;
		return p->out;
	}
	struct dv_lesson *L = p->L;
	if (p->cur_step < 0 && !open_step(p, "", p->line))
		return NULL;
	if (L->nstmts == p->cap_stmts) {
		size_t cap = p->cap_stmts ? 2 * p->cap_stmts : 32;
		struct dv_stmt *n = realloc(L->stmts, cap * sizeof *n);
		if (!n)
			return NULL;
		L->stmts = n;
		p->cap_stmts = cap;
	}
	struct dv_stmt *s = &L->stmts[L->nstmts++];
	memset(s, 0, sizeof *s);
	s->kind = kind;
	s->line = p->line;
	s->col = col;
	s->step = (unsigned)p->cur_step;
	s->solution = p->in_solution;
	const char *t = p->text;
	while (*t == ' ' || *t == '\t')
		t++;
	size_t tl = strlen(t);
	while (tl && (t[tl - 1] == ' ' || t[tl - 1] == '\t' || t[tl - 1] == '\r'))
		tl--;
	s->text = dv_arena_strndup(p->arena, t, tl);
	L->steps[p->cur_step].count++;
	p->seen_action = true;
	return s;
}

static void check_addr(struct parser *p, const struct tok *k, uint32_t addr, uint32_t len)
{
	uint32_t size = p->L->machine.mem_size;
	if ((uint64_t)addr + len > size)
		perr(p, k->col, "give the machine more memory with machine memory=...",
		     "address 0x%x%s is beyond the installed memory (%u KiB)", (unsigned)addr,
		     len > 1 ? " (and the bytes after it)" : "", (unsigned)(size >> 10));
}

/* ---- statements --------------------------------------------------------------------------------- */

enum { META_LESSON = 1, META_TITLE = 2, META_LEVEL = 4, META_SUMMARY = 8, META_MACHINE = 16,
       META_DRIVER = 32, META_COMPARE = 64 };

static bool meta_position(struct parser *p, const struct tok *k, unsigned bit)
{
	if (p->command_mode) {
		perr(p, k->col, NULL, "'%.*s' belongs in a lesson file, not the prompt", (int)k->len, k->s);
		return false;
	}
	if (p->seen_action || p->seen_step) {
		perr(p, k->col, "move it to the top of the file",
		     "'%.*s' must come before the first step and the first action", (int)k->len, k->s);
		return false;
	}
	if (bit && (p->meta_seen & bit)) {
		perr(p, k->col, NULL, "'%.*s' given twice", (int)k->len, k->s);
		return false;
	}
	p->meta_seen |= bit;
	return true;
}

static void st_machine(struct parser *p)
{
	struct dv_config *m = &p->L->machine;
	bool width_given = false;
	uint32_t width = 0, v;
	struct tok *wtok = NULL;
	static const char *const keys[] = { "channel", "width", "irq", "nic", "memory", "coherent", "wire", "seed" };
	while (!at_end(p)) {
		struct tok *key;
		struct tok *val = want_kv(p, &key);
		if (!val)
			return;
		if (tok_is(key, "channel")) {
			if (!kv_num(p, val, "channel", 0, 7, &v))
				return;
			if (v == 4) {
				perr(p, val->col, "channels 0-3 move bytes, 5-7 move words",
				     "channel 4 is the cascade between the two 8237A chips; a card cannot use it");
				return;
			}
			m->nic_channel = (uint8_t)v;
		} else if (tok_is(key, "width")) {
			if (!kv_num(p, val, "width", 8, 16, &width))
				return;
			if (width != 8 && width != 16) {
				perr(p, val->col, NULL, "width must be 8 or 16");
				return;
			}
			width_given = true;
			wtok = val;
		} else if (tok_is(key, "irq")) {
			if (!kv_num(p, val, "irq", 2, 15, &v))
				return;
			m->nic_irq = (uint8_t)v;
		} else if (tok_is(key, "nic")) {
			if (!kv_num(p, val, "nic", 0x100, 0x3F0, &v))
				return;
			if (v % 16) {
				perr(p, val->col, NULL, "the NIC's base must be a multiple of 0x10");
				return;
			}
			m->nic_base = (uint16_t)v;
		} else if (tok_is(key, "memory")) {
			if (!kv_num(p, val, "memory", 1u << 20, DV_MEM_MAX, &v))
				return;
			if (v % 0x10000) {
				perr(p, val->col, NULL, "memory must be a multiple of 64K");
				return;
			}
			m->mem_size = v;
		} else if (tok_is(key, "coherent")) {
			if (!want_bool(p, val, "coherent", &v))
				return;
			m->coherent = v != 0;
		} else if (tok_is(key, "wire")) {
			if (!kv_num(p, val, "wire", 1, 255, &v))
				return;
			m->wire_rate = (uint8_t)v;
		} else if (tok_is(key, "seed")) {
			if (!kv_num(p, val, "seed", 0, 0xFFFFFFFFu, &v))
				return;
			m->seed = v;
		} else {
			unknown_word(p, key, "machine setting", keys, sizeof keys / sizeof keys[0]);
			return;
		}
	}
	if (width_given && (width == 16) != (m->nic_channel >= 4))
		perr(p, wtok->col, "channels 0-3 are 8-bit, 5-7 are 16-bit",
		     "width=%u does not match channel %u", (unsigned)width, (unsigned)m->nic_channel);
}

static void st_allow(struct parser *p)
{
	if (at_end(p)) {
		perr(p, peek(p)->col, "e.g. allow dma-busy", "expected a verifier rule name");
		return;
	}
	while (!at_end(p)) {
		struct tok *k = next(p);
		char w[64];
		enum dv_rule r = DV_RULE_COUNT;
		if (k->kind == TK_WORD && k->len < sizeof w) {
			memcpy(w, k->s, k->len);
			w[k->len] = 0;
			r = dv_rule_find(w);
		}
		if (r == DV_RULE_COUNT) {
			const char *cands[DV_RULE_COUNT];
			for (unsigned i = 0; i < DV_RULE_COUNT; i++)
				cands[i] = dv_rule_name((enum dv_rule)i);
			unknown_word(p, k, "verifier rule", cands, DV_RULE_COUNT);
			return;
		}
		p->L->allowed[r] = true;
	}
}

static void st_buffer(struct parser *p, struct tok *kw)
{
	struct dv_lesson *L = p->L;
	char b[96];
	if (p->command_mode) {
		perr(p, kw->col, NULL, "buffers are declared in the lesson file");
		return;
	}
	struct tok *name = next(p);
	if (name->kind != TK_WORD || memchr(name->s, '.', name->len) || memchr(name->s, '[', name->len)) {
		perr(p, name->col, "e.g. buffer tx at 0x100000 len 1514", "expected a buffer name, got %s",
		     tok_text(name, b, sizeof b));
		return;
	}
	for (unsigned i = 0; i < L->nbuffers; i++) {
		if (strlen(L->buffers[i].name) == name->len && !strncmp(L->buffers[i].name, name->s, name->len)) {
			perr(p, name->col, NULL, "buffer '%.*s' is already defined (line %u)", (int)name->len,
			     name->s, (unsigned)L->buffers[i].line);
			return;
		}
	}
	struct dv_buffer_decl d = { 0 };
	d.line = p->line;
	struct tok *how = next(p);
	struct tok *addr_tok = how;
	if (tok_is(how, "at")) {
		addr_tok = peek(p);
		if (!want_num(p, "an address", 0, 0xFFFFFFFFu, &d.phys))
			return;
		if (d.phys == 0) {
			perr(p, addr_tok->col, "page 0 holds the real-mode interrupt table; choose another address",
			     "a buffer cannot start at physical address 0");
			return;
		}
	} else if (!tok_is(how, "alloc")) {
		perr(p, how->col, "write 'at ADDR' or 'alloc'", "expected 'at' or 'alloc', got %s",
		     tok_text(how, b, sizeof b));
		return;
	}
	struct tok *lenw = next(p);
	if (!tok_is(lenw, "len")) {
		perr(p, lenw->col, NULL, "expected 'len N', got %s", tok_text(lenw, b, sizeof b));
		return;
	}
	if (!want_num(p, "the length", 1, 160u * 1024u, &d.len))
		return;
	if (tok_is(peek(p), "scattered")) {
		struct tok *sc = next(p);
		if (!d.phys) {
			perr(p, sc->col, "give the address with 'at ADDR'", "a scattered buffer needs 'at ADDR'");
			return;
		}
		d.scattered = true;
	}
	if (!want_end(p))
		return;
	uint32_t pages = (d.phys % DV_PAGE_SIZE + d.len + DV_PAGE_SIZE - 1) / DV_PAGE_SIZE;
	if (pages > DV_MDL_MAX_PAGES) {
		perr(p, lenw->col, NULL, "the buffer spans %u pages; an NDIS_BUFFER here has at most %u",
		     (unsigned)pages, DV_MDL_MAX_PAGES);
		return;
	}
	if (d.phys) {
		uint32_t span = (pages * (d.scattered ? 2u : 1u) - (d.scattered ? 1u : 0u)) * DV_PAGE_SIZE;
		check_addr(p, addr_tok, d.phys - d.phys % DV_PAGE_SIZE, span);
	}
	if (p->errors)
		return;
	if (L->nbuffers == p->cap_bufs) {
		size_t cap = p->cap_bufs ? 2 * p->cap_bufs : 8;
		struct dv_buffer_decl *n = realloc(L->buffers, cap * sizeof *n);
		if (!n)
			return;
		L->buffers = n;
		p->cap_bufs = cap;
	}
	d.name = dv_arena_strndup(p->arena, name->s, name->len);
	struct dv_stmt *s = add_stmt(p, DV_ST_BUFFER, kw->col);
	if (!s)
		return;
	s->a = L->nbuffers;
	L->buffers[L->nbuffers++] = d;
}

static void st_call(struct parser *p, struct tok *kw)
{
	char b[96];
	struct tok *name = next(p);
	enum dv_lcall c = DV_LCALL_COUNT;
	const char *cands[DV_LCALL_COUNT];
	for (unsigned i = 0; i < DV_LCALL_COUNT; i++) {
		cands[i] = dv_lcall_name((enum dv_lcall)i);
		if (name->kind == TK_WORD && strlen(cands[i]) == name->len && !strncmp(cands[i], name->s, name->len))
			c = (enum dv_lcall)i;
	}
	if (c == DV_LCALL_COUNT) {
		if (name->kind != TK_WORD)
			perr(p, name->col, NULL, "expected an NDIS call after 'call', got %s", tok_text(name, b, sizeof b));
		else
			unknown_word(p, name, "call", cands, DV_LCALL_COUNT);
		return;
	}
	uint32_t args[DV_ARG_COUNT] = { 0 }, given = 0;
	while (!at_end(p)) {
		struct tok *key;
		struct tok *val = want_kv(p, &key);
		if (!val)
			return;
		int a = -1;
		for (int i = 0; i < DV_ARG_COUNT; i++)
			if (tok_is(key, arg_names[i]))
				a = i;
		if (a < 0 || !(call_takes[c] & (1u << a))) {
			const char *ok[DV_ARG_COUNT];
			size_t nok = 0;
			for (int i = 0; i < DV_ARG_COUNT; i++)
				if (call_takes[c] & (1u << i))
					ok[nok++] = arg_names[i];
			if (nok == 0) {
				perr(p, key->col, NULL, "%s takes no arguments", cands[c]);
				return;
			}
			struct suggest s;
			char hint[160];
			suggest_init(&s, key->s, key->len);
			for (size_t i = 0; i < nok; i++)
				suggest_try(&s, ok[i]);
			perr(p, key->col, suggest_hint(&s, hint, sizeof hint), "%s has no argument '%.*s'",
			     cands[c], (int)key->len, key->s);
			return;
		}
		if (given & (1u << a)) {
			perr(p, key->col, NULL, "'%s' given twice", arg_names[a]);
			return;
		}
		given |= 1u << a;
		uint32_t v = 0;
		bool ok = true;
		switch (a) {
		case DV_ARG_CHANNEL: ok = kv_num(p, val, "channel", 0, 255, &v); break;
		case DV_ARG_PARAM: ok = kv_num(p, val, "param", 0, 0xFFFFFFFFu, &v); break;
		case DV_ARG_WIDTH:
			ok = kv_num(p, val, "width", 8, 16, &v);
			if (ok && v != 8 && v != 16) {
				perr(p, val->col, NULL, "width must be 8 or 16");
				ok = false;
			}
			break;
		case DV_ARG_DEMAND:
		case DV_ARG_AUTOINIT:
		case DV_ARG_WRITE: ok = want_bool(p, val, arg_names[a], &v); break;
		case DV_ARG_MAX: ok = kv_num(p, val, "max", 0, 0xFFFFFFFFu, &v); break;
		case DV_ARG_PORT:
			ok = kv_num(p, val, "port", 0, c == DV_LCALL_REGISTER ? 0xFFFFFFFFu : 0xFFFF, &v);
			break;
		case DV_ARG_VALUE: ok = kv_num(p, val, "value", 0, 255, &v); break;
		case DV_ARG_OFFSET:
		case DV_ARG_LENGTH: ok = kv_num(p, val, arg_names[a], 0, 0xFFFFFFFFu, &v); break;
		case DV_ARG_HANDLE:
			if (!tok_is(val, "bad")) {
				perr(p, val->col, "the lesson's own handle is used by default",
				     "handle= can only be 'bad' (a handle NDIS never returned)");
				ok = false;
			}
			v = 1;
			break;
		case DV_ARG_BUFFER: {
			ok = false;
			for (unsigned i = 0; i < p->L->nbuffers; i++) {
				const char *bn = p->L->buffers[i].name;
				if (val->kind == TK_WORD && strlen(bn) == val->len && !strncmp(bn, val->s, val->len)) {
					v = i;
					ok = true;
				}
			}
			if (!ok) {
				struct suggest s;
				char hint[160];
				suggest_init(&s, val->s, val->len);
				for (unsigned i = 0; i < p->L->nbuffers; i++)
					suggest_try(&s, p->L->buffers[i].name);
				const char *h = suggest_hint(&s, hint, sizeof hint);
				perr(p, val->col, h ? h : "declare it first: buffer NAME at ADDR len N",
				     "unknown buffer '%.*s'", (int)val->len, val->s);
			}
			break;
		}
		default: break;
		}
		if (!ok)
			return;
		args[a] = v;
	}
	uint32_t missing = call_needs[c] & ~given;
	if (missing) {
		for (int i = 0; i < DV_ARG_COUNT; i++) {
			if (missing & (1u << i)) {
				const char *hint = i == DV_ARG_WRITE ? "write=yes for a send (memory to device), write=no for a receive"
				                                     : NULL;
				perr(p, kw->col, hint, "%s needs %s=", cands[c], arg_names[i]);
				return;
			}
		}
	}
	if ((c == DV_LCALL_SETUP || c == DV_LCALL_COMPLETE) && (given & (1u << DV_ARG_BUFFER))) {
		uint32_t blen = p->L->buffers[args[DV_ARG_BUFFER]].len;
		if (!(given & (1u << DV_ARG_LENGTH)))
			args[DV_ARG_LENGTH] = args[DV_ARG_OFFSET] < blen ? blen - args[DV_ARG_OFFSET] : 0;
	}
	struct dv_stmt *s = add_stmt(p, DV_ST_CALL, kw->col);
	if (!s)
		return;
	s->call = c;
	memcpy(s->args, args, sizeof args);
	s->given = given;
}

static void st_driver_action(struct parser *p, struct tok *kw, struct tok *what)
{
	char b[96];
	if (p->L->driver == DV_DRIVER_NONE) {
		perr(p, what->col, "add 'driver reference' at the top of the file",
		     "'driver %.*s' needs a driver, but this lesson has 'driver none' (it plays the miniport itself)",
		     (int)what->len, what->s);
		return;
	}
	if (tok_is(what, "init") || tok_is(what, "halt")) {
		if (want_end(p))
			add_stmt(p, tok_is(what, "init") ? DV_ST_DRIVER_INIT : DV_ST_DRIVER_HALT, kw->col);
		return;
	}
	/* send N [buffers=K] [at=ADDR] [above16m] [cross64k] [scattered] */
	uint32_t len, nbuf = 1, at = 0, flags = 0;
	if (!want_num(p, "the packet length", 14, 1536, &len))
		return;
	while (!at_end(p)) {
		struct tok *k = peek(p);
		if (tok_is(k, "above16m")) {
			flags |= DV_SEND_ABOVE16M;
			next(p);
		} else if (tok_is(k, "cross64k")) {
			flags |= DV_SEND_CROSS64K;
			next(p);
		} else if (tok_is(k, "scattered")) {
			flags |= DV_SEND_SCATTERED;
			next(p);
		} else if (k->kind == TK_WORD && p->tok[p->pos + 1].kind == TK_EQ) {
			struct tok *key;
			struct tok *val = want_kv(p, &key);
			if (!val)
				return;
			if (tok_is(key, "buffers")) {
				if (!kv_num(p, val, "buffers", 1, 8, &nbuf))
					return;
			} else if (tok_is(key, "at")) {
				if (!kv_num(p, val, "at", 1, 0xFFFFFFFFu, &at))
					return;
				flags |= DV_SEND_AT;
			} else {
				static const char *const keys[] = { "buffers", "at" };
				unknown_word(p, key, "send option", keys, 2);
				return;
			}
		} else {
			static const char *const opts[] = { "buffers=", "at=", "above16m", "cross64k", "scattered" };
			if (k->kind == TK_WORD)
				unknown_word(p, k, "send option", opts, 5);
			else
				perr(p, k->col, NULL, "unexpected %s", tok_text(k, b, sizeof b));
			return;
		}
	}
	unsigned place = !!(flags & DV_SEND_AT) + !!(flags & DV_SEND_ABOVE16M) + !!(flags & DV_SEND_CROSS64K);
	if (place > 1) {
		perr(p, what->col, NULL, "choose one of at=, above16m and cross64k");
		return;
	}
	if (nbuf > len) {
		perr(p, what->col, NULL, "%u buffers cannot share %u bytes", (unsigned)nbuf, (unsigned)len);
		return;
	}
	uint32_t first = flags & DV_SEND_ABOVE16M ? 0x01001000u : flags & DV_SEND_AT ? at : 0;
	if (first) {
		/* each buffer on its own pages, twice the span when scattered */
		uint32_t span = (len + nbuf * 2u * DV_PAGE_SIZE) * (flags & DV_SEND_SCATTERED ? 2u : 1u);
		check_addr(p, what, first, span);
		if (p->errors)
			return;
	}
	struct dv_stmt *s = add_stmt(p, DV_ST_DRIVER_SEND, kw->col);
	if (!s)
		return;
	s->a = len;
	s->b = nbuf;
	s->c = at;
	s->d = flags;
}

static struct dv_ask *new_ask(struct parser *p, const char *question)
{
	struct dv_lesson *L = p->L;
	struct dv_ask *a = dv_arena_alloc(p->arena, sizeof *a);
	if (!a)
		return NULL;
	if (L->nasks == p->cap_asks) {
		size_t cap = p->cap_asks ? 2 * p->cap_asks : 8;
		struct dv_ask **n = realloc(L->asks, cap * sizeof *n);
		if (!n)
			return NULL;
		L->asks = n;
		p->cap_asks = cap;
	}
	char id[32];
	snprintf(id, sizeof id, "q%u", L->nasks + 1);
	a->id = dv_arena_strndup(p->arena, id, strlen(id));
	a->question = question;
	a->line = a->last_line = p->line;
	L->asks[L->nasks++] = a;
	return a;
}

static bool is_clause(const struct tok *k)
{
	return tok_is(k, "answer") || tok_is(k, "hint") || tok_is(k, "explain") || tok_is(k, "id") ||
	       tok_is(k, "attempts");
}

/* answer/hint/explain/id clauses, several per line. */
static void ask_clauses(struct parser *p)
{
	struct dv_ask *a = p->cur_ask;
	char b[96];
	a->last_line = p->line;
	while (!at_end(p)) {
		struct tok *k = next(p);
		if (tok_is(k, "answer")) {
			if (at_end(p) || is_clause(peek(p))) {
				perr(p, peek(p)->col, NULL, "expected a value after 'answer'");
				return;
			}
			while (!at_end(p) && !is_clause(peek(p))) {
				struct tok *v = next(p);
				struct dv_answer ans = { 0 };
				if (v->kind == TK_NUM) {
					if (!v->num_ok) {
						perr(p, v->col, NULL, "bad number %s", tok_text(v, b, sizeof b));
						return;
					}
					ans.numeric = true;
					ans.num = v->num;
					ans.text = dv_arena_strndup(p->arena, v->s, v->len);
				} else if (v->kind == TK_WORD) {
					ans.text = dv_arena_strndup(p->arena, v->s, v->len);
				} else if (v->kind == TK_STR) {
					ans.text = v->str;
				} else {
					perr(p, v->col, NULL, "unexpected %s in an answer", tok_text(v, b, sizeof b));
					return;
				}
				struct dv_answer *arr = arena_grow(p->arena, a->answers, a->nanswers, sizeof *arr);
				if (!arr || !ans.text)
					return;
				a->answers = arr;
				a->answers[a->nanswers++] = ans;
			}
		} else if (tok_is(k, "hint")) {
			const char *h;
			if (!want_string(p, "the hint", &h))
				return;
			const char **arr = arena_grow(p->arena, (void *)a->hints, a->nhints, sizeof *arr);
			if (!arr)
				return;
			a->hints = arr;
			a->hints[a->nhints++] = h;
		} else if (tok_is(k, "explain")) {
			if (a->explain) {
				perr(p, k->col, NULL, "this ask already has an explanation");
				return;
			}
			if (!want_string(p, "the explanation", &a->explain))
				return;
		} else if (tok_is(k, "id")) {
			struct tok *v;
			if (peek(p)->kind == TK_EQ)
				next(p);
			v = next(p);
			if (v->kind != TK_WORD && v->kind != TK_NUM) {
				perr(p, v->col, NULL, "expected an id, got %s", tok_text(v, b, sizeof b));
				return;
			}
			for (unsigned i = 0; i < p->L->nasks; i++) {
				const struct dv_ask *o = p->L->asks[i];
				if (o != a && strlen(o->id) == v->len && !strncmp(o->id, v->s, v->len)) {
					perr(p, v->col, NULL, "ask id '%.*s' is already used (line %u)", (int)v->len,
					     v->s, (unsigned)o->line);
					return;
				}
			}
			a->id = dv_arena_strndup(p->arena, v->s, v->len);
		} else if (tok_is(k, "attempts")) {
			if (peek(p)->kind == TK_EQ)
				next(p);
			uint32_t n;
			if (!want_num(p, "the number of attempts", 1, 99, &n))
				return;
			a->attempts = n;
		} else {
			perr(p, k->col, "an ask line holds answer, hint, explain, id and attempts clauses",
			     "unexpected %s", tok_text(k, b, sizeof b));
			return;
		}
	}
}

static bool parse_column(struct parser *p, struct tok *k, struct dv_column *col)
{
	const char *pct = memchr(k->s, '%', k->len);
	size_t nl = pct ? (size_t)(pct - k->s) : k->len;
	struct tok nk = *k;
	nk.len = nl;
	if (!resolve_word(p, &nk, &col->ref))
		return false;
	col->fmt = 'D';
	col->left = 1;
	col->width = 6;
	col->right = 1;
	if (!pct)
		return true;
	/* %FL.W.R */
	const char *f = pct + 1, *end = k->s + k->len;
	unsigned v[3] = { 0, 0, 0 }, i = 0;
	if (f >= end || !strchr("BXDS", *f)) {
		perr(p, k->col + (uint32_t)nl + 1, "formats are B (binary), X (hex), D (decimal), S (text)",
		     "bad column format '%.*s'", (int)(end - pct), pct);
		return false;
	}
	col->fmt = *f++;
	for (i = 0; i < 3; i++) {
		unsigned digits = 0;
		while (f < end && *f >= '0' && *f <= '9' && digits < 3) {
			v[i] = v[i] * 10 + (unsigned)(*f++ - '0');
			digits++;
		}
		if (!digits || (i < 2 && (f >= end || *f++ != '.')))
			break;
	}
	if (i < 3 || f != end || v[1] < 1 || v[1] > 64 || v[0] > 16 || v[2] > 16) {
		perr(p, k->col + (uint32_t)nl + 1, "write %FL.W.R, e.g. %X1.4.1 (W 1-64, L and R 0-16)",
		     "bad column format '%.*s'", (int)(end - pct), pct);
		return false;
	}
	col->left = (uint8_t)v[0];
	col->width = (uint8_t)v[1];
	col->right = (uint8_t)v[2];
	return true;
}

static const char *const keywords[] = {
	"lesson", "title", "level", "summary", "machine", "driver", "allow", "compare-to", "step", "say",
	"solution", "do", "out", "in", "poke", "write", "fill", "read", "tick", "run", "dreq", "irql",
	"buffer", "call", "peer", "expect", "goal", "ask", "answer", "hint", "explain", "output-list",
	"output", "break",
};

/* Actions (what `do` may precede, and what the sandbox prompt accepts). */
static bool st_action(struct parser *p, struct tok *kw)
{
	char b[96];
	uint32_t v1, v2;
	struct dv_stmt *s;
	if (tok_is(kw, "out")) {
		if (!want_num(p, "a port", 0, 0xFFFF, &v1) || !want_num(p, "a byte", 0, 255, &v2) || !want_end(p))
			return true;
		if ((s = add_stmt(p, DV_ST_OUT, kw->col))) {
			s->a = v1;
			s->b = v2;
		}
	} else if (tok_is(kw, "in")) {
		if (!want_num(p, "a port", 0, 0xFFFF, &v1) || !want_end(p))
			return true;
		if ((s = add_stmt(p, DV_ST_IN, kw->col)))
			s->a = v1;
	} else if (tok_is(kw, "poke") || tok_is(kw, "write")) {
		struct tok *at = peek(p);
		uint8_t bytes[256];
		uint32_t n = 0;
		if (!want_num(p, "an address", 0, 0xFFFFFFFFu, &v1))
			return true;
		if (at_end(p)) {
			perr(p, peek(p)->col, NULL, "expected at least one byte after the address");
			return true;
		}
		while (!at_end(p)) {
			if (n >= sizeof bytes) {
				perr(p, peek(p)->col, NULL, "at most 256 bytes per line");
				return true;
			}
			if (!want_num(p, "a byte", 0, 255, &v2))
				return true;
			bytes[n++] = (uint8_t)v2;
		}
		check_addr(p, at, v1, n);
		if (p->errors)
			return true;
		if ((s = add_stmt(p, tok_is(kw, "poke") ? DV_ST_POKE : DV_ST_WRITE, kw->col))) {
			s->a = v1;
			s->bytes = dv_arena_alloc(p->arena, n);
			if (s->bytes)
				memcpy(s->bytes, bytes, n);
			s->nbytes = s->bytes ? n : 0;
		}
	} else if (tok_is(kw, "fill")) {
		struct tok *at = peek(p);
		uint32_t pat = DV_FILL_BYTE, arg = 0;
		if (!want_num(p, "an address", 0, 0xFFFFFFFFu, &v1) || !want_num(p, "a length", 1, 1u << 20, &v2))
			return true;
		struct tok *k = next(p);
		if (k->kind == TK_NUM) {
			if (!k->num_ok || k->num > 255) {
				perr(p, k->col, NULL, "the fill byte must be 0-255, got %s", tok_text(k, b, sizeof b));
				return true;
			}
			arg = k->num;
		} else if (tok_is(k, "ramp")) {
			pat = DV_FILL_RAMP;
		} else if (tok_is(k, "random")) {
			pat = DV_FILL_RANDOM;
		} else if (tok_is(k, "packet") && peek(p)->kind == TK_EQ) {
			next(p);
			struct tok *v = next(p);
			if (!kv_num(p, v, "packet", 0, 0xFFFFFFFFu, &arg))
				return true;
			pat = DV_FILL_PACKET;
		} else {
			perr(p, k->col, "a byte, ramp, random or packet=N", "expected a fill pattern, got %s",
			     tok_text(k, b, sizeof b));
			return true;
		}
		if (!want_end(p))
			return true;
		check_addr(p, at, v1, v2);
		if (p->errors)
			return true;
		if ((s = add_stmt(p, DV_ST_FILL, kw->col))) {
			s->a = v1;
			s->b = v2;
			s->c = pat;
			s->d = arg;
		}
	} else if (tok_is(kw, "read")) {
		struct tok *at = peek(p);
		if (!want_num(p, "an address", 0, 0xFFFFFFFFu, &v1) || !want_num(p, "a length", 1, 256, &v2) ||
		    !want_end(p))
			return true;
		check_addr(p, at, v1, v2);
		if (!p->errors && (s = add_stmt(p, DV_ST_READ, kw->col))) {
			s->a = v1;
			s->b = v2;
		}
	} else if (tok_is(kw, "tick")) {
		v1 = 1;
		if (!at_end(p) && !want_num(p, "a number of cycles", 1, DV_SCRIPT_MAX_TICK, &v1))
			return true;
		if (want_end(p) && (s = add_stmt(p, DV_ST_TICK, kw->col)))
			s->a = v1;
	} else if (tok_is(kw, "run")) {
		struct tok *k = peek(p);
		if (tok_is(k, "until") || tok_is(k, "quiet")) {
			bool until = tok_is(k, "until");
			struct dv_cond c = { 0 };
			next(p);
			if (until && !parse_cond(p, &c, true, true))
				return true;
			v1 = DV_SCRIPT_DEFAULT_RUN_MAX;
			if (tok_is(peek(p), "max")) {
				next(p);
				if (!want_num(p, "the most cycles to run", 1, DV_SCRIPT_MAX_TICK, &v1))
					return true;
			}
			if (!want_end(p))
				return true;
			if ((s = add_stmt(p, until ? DV_ST_RUN_UNTIL : DV_ST_RUN_QUIET, kw->col))) {
				s->cond = c;
				s->a = v1;
			}
		} else if (k->kind == TK_NUM) {
			if (!want_num(p, "a number of cycles", 1, DV_SCRIPT_MAX_TICK, &v1))
				return true;
			if (tok_is(peek(p), "cycles"))
				next(p);
			if (want_end(p) && (s = add_stmt(p, DV_ST_TICK, kw->col)))
				s->a = v1;
		} else {
			perr(p, k->col, "run N cycles, run until CONDITION, or run quiet",
			     "expected a number, 'until' or 'quiet' after 'run', got %s", tok_text(k, b, sizeof b));
		}
	} else if (tok_is(kw, "dreq")) {
		struct tok *ct = peek(p);
		if (!want_num(p, "a channel", 0, 7, &v1))
			return true;
		if (v1 == 4) {
			perr(p, ct->col, NULL, "channel 4 is the cascade: its DREQ is DMA1's hold request");
			return true;
		}
		if (v1 == p->L->machine.nic_channel) {
			perr(p, ct->col, "use a channel without a device, or let the NIC drive it",
			     "channel %u belongs to the NIC, which drives its DREQ line itself", (unsigned)v1);
			return true;
		}
		struct tok *o = next(p);
		if (!want_bool(p, o, "dreq", &v2) || !want_end(p))
			return true;
		if ((s = add_stmt(p, DV_ST_DREQ, kw->col))) {
			s->a = v1;
			s->b = v2;
		}
	} else if (tok_is(kw, "irql")) {
		struct tok *o = next(p);
		uint32_t lvl;
		if (tok_is(o, "passive"))
			lvl = 0;
		else if (tok_is(o, "dispatch"))
			lvl = 2;
		else if (tok_is(o, "dirql"))
			lvl = 3;
		else {
			perr(p, o->col, NULL, "expected passive, dispatch or dirql, got %s", tok_text(o, b, sizeof b));
			return true;
		}
		if (want_end(p) && (s = add_stmt(p, DV_ST_IRQL, kw->col)))
			s->a = lvl;
	} else if (tok_is(kw, "buffer")) {
		st_buffer(p, kw);
	} else if (tok_is(kw, "call")) {
		st_call(p, kw);
	} else if (tok_is(kw, "driver")) {
		struct tok *w = peek(p);
		if (tok_is(w, "reference") || tok_is(w, "none") || tok_is(w, "file"))
			return false; /* the configuration line, not an action */
		next(p);
		if (tok_is(w, "init") || tok_is(w, "send") || tok_is(w, "halt"))
			st_driver_action(p, kw, w);
		else
			perr(p, w->col, NULL, "expected init, send or halt after 'driver', got %s", tok_text(w, b, sizeof b));
	} else if (tok_is(kw, "peer")) {
		struct tok *w = next(p);
		uint32_t count = 1;
		if (!tok_is(w, "send")) {
			perr(p, w->col, NULL, "expected 'send' after 'peer', got %s", tok_text(w, b, sizeof b));
			return true;
		}
		if (!want_num(p, "the frame length", 60, 1514, &v1))
			return true;
		if (!at_end(p)) {
			struct tok *key;
			struct tok *val = want_kv(p, &key);
			if (!val)
				return true;
			if (!tok_is(key, "count")) {
				static const char *const keys[] = { "count" };
				unknown_word(p, key, "peer option", keys, 1);
				return true;
			}
			if (!kv_num(p, val, "count", 1, DV_PEER_TXQ, &count) || !want_end(p))
				return true;
		}
		if ((s = add_stmt(p, DV_ST_PEER_SEND, kw->col))) {
			s->a = v1;
			s->b = count;
		}
	} else {
		return false;
	}
	return true;
}

static void statement(struct parser *p)
{
	char b[96];
	/* `say` takes the rest of the line verbatim, so it is recognised before lexing. */
	const char *t = p->text;
	while (*t == ' ' || *t == '\t')
		t++;
	if (!strncmp(t, "say", 3) && (t[3] == 0 || t[3] == ' ' || t[3] == '\t')) {
		if (p->command_mode) {
			perr(p, (uint32_t)(t - p->text) + 1, NULL, "'say' belongs in a lesson file");
			return;
		}
		close_ask(p);
		if (p->cur_step < 0 && !open_step(p, "", p->line))
			return;
		const char *s = t + 3;
		while (*s == ' ' || *s == '\t')
			s++;
		size_t n = strlen(s);
		while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
			n--;
		if (n == 0) {
			close_para(p);
			return;
		}
		size_t need = p->para_len + n + 2;
		char *np = realloc(p->para, need);
		if (!np)
			return;
		if (!p->para)
			p->para_first = p->line;
		p->para_end = p->line;
		if (p->para_len)
			np[p->para_len++] = ' ';
		memcpy(np + p->para_len, s, n);
		p->para_len += n;
		np[p->para_len] = 0;
		p->para = np;
		return;
	}
	if (!lex(p) || at_end(p))
		return;
	struct tok *kw = next(p);
	if (kw->kind != TK_WORD) {
		perr(p, kw->col, "every line starts with a keyword such as step, say, out, expect",
		     "expected a keyword, got %s", tok_text(kw, b, sizeof b));
		return;
	}
	if (is_clause(kw)) {
		if (!p->cur_ask || !p->ask_clause_ok) {
			perr(p, kw->col, "put it right after an 'ask' line", "'%.*s' must follow an 'ask'",
			     (int)kw->len, kw->s);
			return;
		}
		p->pos--;
		ask_clauses(p);
		return;
	}
	close_para(p);
	close_ask(p);
	if (tok_is(kw, "do")) {
		struct tok *a = next(p);
		if (a->kind != TK_WORD || !st_action(p, a))
			perr(p, a->col, NULL, "expected an action after 'do', got %s", tok_text(a, b, sizeof b));
		return;
	}
	if (st_action(p, kw))
		return;
	if (tok_is(kw, "lesson")) {
		if (!meta_position(p, kw, META_LESSON))
			return;
		struct tok *k = next(p);
		bool ok = k->kind == TK_WORD || k->kind == TK_NUM;
		for (size_t i = 0; ok && i < k->len; i++)
			ok = isalnum((unsigned char)k->s[i]) || k->s[i] == '-' || k->s[i] == '_';
		if (!ok || k->len > 64) {
			perr(p, k->col, "letters, digits, - and _", "bad lesson id %s", tok_text(k, b, sizeof b));
			return;
		}
		if (want_end(p))
			p->L->id = dv_arena_strndup(p->arena, k->s, k->len);
	} else if (tok_is(kw, "title") || tok_is(kw, "summary")) {
		bool title = tok_is(kw, "title");
		const char *s;
		if (!meta_position(p, kw, title ? META_TITLE : META_SUMMARY) || !want_string(p, title ? "the title" : "the summary", &s) || !want_end(p))
			return;
		if (title)
			p->L->title = s;
		else
			p->L->summary = s;
	} else if (tok_is(kw, "level")) {
		uint32_t v;
		if (meta_position(p, kw, META_LEVEL) && want_num(p, "the level", 1, 3, &v) && want_end(p))
			p->L->level = v;
	} else if (tok_is(kw, "machine")) {
		if (meta_position(p, kw, META_MACHINE))
			st_machine(p);
	} else if (tok_is(kw, "driver")) {
		/* `driver init|send|halt` are actions, handled by st_action above. */
		if (!meta_position(p, kw, META_DRIVER))
			return;
		struct tok *w = next(p);
		if (tok_is(w, "reference"))
			p->L->driver = DV_DRIVER_REFERENCE;
		else if (tok_is(w, "none"))
			p->L->driver = DV_DRIVER_NONE;
		else if (tok_is(w, "file"))
			p->L->driver = DV_DRIVER_FILE;
		else {
			perr(p, w->col, NULL, "expected reference, none or file after 'driver', got %s",
			     tok_text(w, b, sizeof b));
			return;
		}
		p->L->driver_line = p->line;
		if (p->L->driver == DV_DRIVER_REFERENCE && !at_end(p)) {
			struct tok *key;
			struct tok *val = want_kv(p, &key);
			if (!val)
				return;
			if (!tok_is(key, "copy")) {
				static const char *const keys[] = { "copy" };
				unknown_word(p, key, "driver setting", keys, 1);
				return;
			}
			if (!kv_num(p, val, "copy", 0, 0xFFFFFFFFu, &p->L->copy_threshold))
				return;
			p->L->has_copy_threshold = true;
		}
		want_end(p);
	} else if (tok_is(kw, "allow")) {
		if (meta_position(p, kw, 0))
			st_allow(p);
	} else if (tok_is(kw, "compare-to")) {
		if (!meta_position(p, kw, META_COMPARE))
			return;
		struct tok *k = next(p);
		if (k->kind == TK_STR)
			p->L->compare_to = k->str;
		else if (k->kind == TK_WORD || k->kind == TK_NUM || k->kind == TK_OP)
			p->L->compare_to = dv_arena_strndup(p->arena, k->s, k->len);
		else {
			perr(p, k->col, NULL, "expected a file name after 'compare-to'");
			return;
		}
		/* The compare file's lines appear in failure messages: a lesson names its own
		 * file, in its folder, never any file the reader can read (/etc/passwd). */
		if (p->L->compare_to[0] == '/' || dv_path_has_dotdot(p->L->compare_to)) {
			perr(p, k->col, "name a file in the lesson's folder, relative to it",
			     "the compare file '%.200s' is outside the lesson's folder (%s)",
			     p->L->compare_to,
			     p->L->compare_to[0] == '/' ? "an absolute path" : "'..' leaves it");
			return;
		}
		p->L->compare_line = p->line;
		want_end(p);
	} else if (tok_is(kw, "step")) {
		const char *title;
		if (p->command_mode) {
			perr(p, kw->col, NULL, "'step' belongs in a lesson file");
			return;
		}
		if (!want_string(p, "the step's title", &title))
			return;
		const char *id = NULL;
		if (!at_end(p)) {
			struct tok *key;
			struct tok *val = want_kv(p, &key);
			if (!val)
				return;
			if (!tok_is(key, "id") || val->kind == TK_STR) {
				perr(p, key->col, NULL, "a step takes only id=NAME after its title");
				return;
			}
			id = dv_arena_strndup(p->arena, val->s, val->len);
			if (!want_end(p))
				return;
		}
		p->seen_step = true;
		struct dv_step *s = open_step(p, title, p->line);
		if (s)
			s->id = id;
	} else if (tok_is(kw, "solution")) {
		if (p->command_mode || p->cur_step < 0 || !p->seen_step) {
			perr(p, kw->col, NULL, "'solution' belongs inside a step");
			return;
		}
		if (want_end(p))
			p->in_solution = true;
	} else if (tok_is(kw, "break")) {
		/* break at CONDITION: the next actions stop where it first holds, even inside a
		 * driver's callback (the engine runs them on a fiber it can pause). */
		struct dv_cond c = { 0 };
		struct tok *at = next(p);
		if (!tok_is(at, "at")) {
			perr(p, at->col, "break at call NdisMCompleteDmaTransfer returns", "expected 'at' after 'break', got %s",
			     tok_text(at, b, sizeof b));
			return;
		}
		if (!parse_cond(p, &c, true, false) || !want_end(p))
			return;
		struct dv_stmt *s = add_stmt(p, DV_ST_BREAK, kw->col);
		if (s)
			s->cond = c;
	} else if (tok_is(kw, "expect") || tok_is(kw, "goal")) {
		bool goal = tok_is(kw, "goal");
		struct dv_cond c;
		if (goal && p->command_mode) {
			perr(p, kw->col, NULL, "'goal' belongs in a lesson file");
			return;
		}
		if (!parse_cond(p, &c, false, false))
			return;
		struct dv_stmt *s = add_stmt(p, goal ? DV_ST_GOAL : DV_ST_EXPECT, kw->col);
		if (s) {
			s->cond = c;
			if (goal && !p->command_mode)
				p->L->steps[p->cur_step].has_goal = true;
		}
	} else if (tok_is(kw, "ask")) {
		const char *q;
		if (p->command_mode) {
			perr(p, kw->col, NULL, "'ask' belongs in a lesson file");
			return;
		}
		if (!want_string(p, "the question", &q))
			return;
		struct dv_stmt *s = add_stmt(p, DV_ST_ASK, kw->col);
		struct dv_ask *a = s ? new_ask(p, q) : NULL;
		if (!a)
			return;
		a->step = s->step;
		s->ask = a;
		p->cur_ask = a;
		p->ask_clause_ok = true;
		ask_clauses(p);
		return;
	} else if (tok_is(kw, "output-list")) {
		struct dv_column cols[32];
		unsigned n = 0;
		if (at_end(p)) {
			perr(p, peek(p)->col, "e.g. output-list cycle%D1.6.1 dma.ch1.count%X1.4.1",
			     "expected at least one column");
			return;
		}
		while (!at_end(p)) {
			struct tok *k = next(p);
			if (n >= 32) {
				perr(p, k->col, NULL, "at most 32 columns");
				return;
			}
			if (k->kind != TK_WORD) {
				perr(p, k->col, NULL, "expected a column NAME%%FL.W.R, got %s", tok_text(k, b, sizeof b));
				return;
			}
			memset(&cols[n], 0, sizeof cols[n]);
			if (!parse_column(p, k, &cols[n]))
				return;
			n++;
		}
		struct dv_stmt *s = add_stmt(p, DV_ST_OUTPUT_LIST, kw->col);
		if (!s)
			return;
		s->cols = dv_arena_alloc(p->arena, n * sizeof *s->cols);
		if (!s->cols)
			return;
		memcpy(s->cols, cols, n * sizeof *cols);
		s->ncols = n;
		p->ncols = n;
		p->L->has_output = true;
	} else if (tok_is(kw, "output")) {
		if (!p->ncols && !p->command_mode) {
			perr(p, kw->col, "declare the columns first: output-list NAME%FL.W.R ...",
			     "'output' before any 'output-list'");
			return;
		}
		if (want_end(p))
			add_stmt(p, DV_ST_OUTPUT, kw->col);
	} else {
		struct suggest s;
		char hint[160];
		suggest_init(&s, kw->s, kw->len);
		for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
			suggest_try(&s, keywords[i]);
		const char *h = suggest_hint(&s, hint, sizeof hint);
		perr(p, kw->col, h ? h : "see docs/lesson-format.md for the statements",
		     "unknown statement '%.*s'", (int)kw->len, kw->s);
	}
}

/* ---- files ------------------------------------------------------------------------------------- */

void dv_lesson_default_id(const char *path, char *buf, size_t size)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	const char *dot = strrchr(base, '.');
	size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
	/* "03-send" -> "send": the number orders the files, the id names the lesson */
	size_t k = 0;
	while (k < n && base[k] >= '0' && base[k] <= '9')
		k++;
	if (k > 0 && k + 1 < n && base[k] == '-') {
		base += k + 1;
		n -= k + 1;
	}
	if (size == 0)
		return;
	if (n >= size)
		n = size - 1;
	memcpy(buf, base, n);
	buf[n] = 0;
}

void dv_lesson_free(struct dv_lesson *L)
{
	if (!L)
		return;
	free(L->stmts);
	free(L->steps);
	free(L->asks);
	free(L->buffers);
	free(L->file);
	dv_arena_free(L->arena);
	free(L);
}

struct dv_lesson *dv_lesson_parse(const char *file, const char *text, size_t len, struct dv_msgs *msgs)
{
	struct dv_lesson *L = calloc(1, sizeof *L);
	if (!file)
		file = "(lesson)";
	if (!text)
		len = 0, text = "";
	if (!L)
		return NULL;
	L->file = malloc(strlen(file) + 1);
	if (!L->file) {
		free(L);
		return NULL;
	}
	strcpy(L->file, file);
	dv_config_default(&L->machine);
	L->level = 1;
	L->driver = DV_DRIVER_NONE;

	struct parser p;
	memset(&p, 0, sizeof p);
	p.L = L;
	p.arena = &L->arena;
	p.msgs = msgs;
	p.file = L->file;
	p.cur_step = -1;

	char idbuf[80];
	dv_lesson_default_id(file, idbuf, sizeof idbuf);
	L->id = dv_arena_strndup(&L->arena, idbuf, strlen(idbuf));
	L->summary = "";

	if (len > DV_SCRIPT_MAX_FILE) {
		p.line = 1;
		perr(&p, 0, NULL, "the file is larger than 1 MiB");
	} else if (memchr(text, 0, len)) {
		p.line = 1 + (uint32_t)0;
		for (size_t i = 0; i < len && text[i]; i++)
			p.line += text[i] == '\n';
		perr(&p, 0, "lesson files are plain text", "the file contains a NUL byte");
	}
	char *logical = malloc(DV_SCRIPT_MAX_LINE * 2 + 1);
	if (!logical) {
		dv_lesson_free(L);
		return NULL;
	}
	size_t i = 0;
	uint32_t phys_line = 0;
	/* A UTF-8 byte-order mark, as some editors write one, is not part of the first line. */
	if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
		i = 3;
	while (!p.errors && i < len) {
		/* Join physical lines ending in a backslash into one logical line of at most
		 * twice the length of a line, counting the space that stands for each line break. */
		const size_t joined_max = DV_SCRIPT_MAX_LINE * 2;
		size_t ll = 0;
		enum { FITS, LINE_TOO_LONG, JOINED_TOO_LONG } fit = FITS;
		uint32_t first_line = phys_line + 1;
		for (;;) {
			size_t start = i;
			while (i < len && text[i] != '\n')
				i++;
			size_t n = i - start;
			if (i < len)
				i++; /* the newline */
			phys_line++;
			if (n && text[start + n - 1] == '\r')
				n--;
			bool cont = n && text[start + n - 1] == '\\';
			if (cont)
				n--;
			bool more = cont && i < len;
			if (n > DV_SCRIPT_MAX_LINE) {
				fit = LINE_TOO_LONG;
				break;
			}
			if (n + more > joined_max - ll) {
				fit = JOINED_TOO_LONG;
				break;
			}
			memcpy(logical + ll, text + start, n);
			ll += n;
			if (!more)
				break;
			logical[ll++] = ' ';
		}
		logical[ll] = 0;
		p.text = logical;
		if (fit == LINE_TOO_LONG) {
			p.line = phys_line;
			perr(&p, 0, NULL, "line longer than %u bytes", DV_SCRIPT_MAX_LINE);
			break;
		}
		if (fit == JOINED_TOO_LONG) {
			p.line = first_line;
			perr(&p, 0, "split the statement, or end fewer lines with '\\'",
			     "lines %u to %u, joined by '\\', make a line longer than %zu bytes",
			     (unsigned)first_line, (unsigned)phys_line, joined_max);
			break;
		}
		p.line = first_line;
		/* Errors stop at the first bad statement's line: later ones are often its echo. */
		statement(&p);
		if (p.errors >= 1)
			break;
	}
	free(logical);
	if (!p.errors) {
		p.line = phys_line;
		close_ask(&p);
		close_step(&p);
	} else {
		free(p.para);
		p.para = NULL;
	}
	if (!L->title)
		L->title = L->id;
	if (p.errors) {
		dv_lesson_free(L);
		return NULL;
	}
	return L;
}

bool dv_script_parse_command(const struct dv_lesson *lesson, struct dv_arena **arena, const char *file,
                             uint32_t line, const char *text, struct dv_stmt *out, struct dv_msgs *msgs)
{
	struct parser p;
	memset(&p, 0, sizeof p);
	/* The lesson is only read (buffers, machine); allowed[] updates go to a scratch copy. */
	struct dv_lesson scratch = *lesson;
	p.L = &scratch;
	p.arena = arena;
	p.msgs = msgs;
	p.file = file;
	p.line = line;
	p.command_mode = true;
	p.out = out;
	p.cur_step = -1;
	p.seen_action = true;
	size_t n = strlen(text);
	if (n > DV_SCRIPT_MAX_LINE) {
		perr(&p, 0, NULL, "line longer than %u bytes", DV_SCRIPT_MAX_LINE);
		return false;
	}
	p.text = dv_arena_strndup(arena, text, n);
	if (!p.text)
		return false;
	for (char *c = p.text; *c; c++)
		if (*c == '\n' || *c == '\r')
			*c = ' ';
	statement(&p);
	if (!p.errors && !p.out_done) {
		const char *t = p.text;
		while (*t == ' ' || *t == '\t')
			t++;
		if (*t && *t != '#')
			perr(&p, 1, NULL, "not a command");
	}
	return !p.errors && p.out_done;
}

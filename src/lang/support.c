/* dmaviz: the lesson language's support: the arena that owns a parsed lesson, the message list
 * (file:line:col diagnostics with a limit), numbers as the language writes them, yes/no words,
 * and "did you mean" suggestions by edit distance.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang_int.h"

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
void *dv_arena_grow(struct dv_arena **a, void *arr, unsigned n, size_t elem)
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
	/* Information (what a `read` saw, a note) never crowds out a verdict: it has its own
	 * limit. */
	if (kind == DV_MSG_INFO || kind == DV_MSG_NOTE) {
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
	m->ninfo += kind == DV_MSG_INFO || kind == DV_MSG_NOTE;
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
			if (i > 1 && j > 1 && same_char(a[i - 1], b[j - 2]) &&
			    same_char(a[i - 2], b[j - 1]) && prev2[j - 2] + 1 < best)
				best = prev2[j - 2] + 1;
			cur[j] = best;
		}
	}
	return d[n % 3][m];
}

void dv_suggest_init(struct dv_suggest *s, const char *want, size_t len)
{
	s->want = want;
	s->wantlen = len;
	s->best[0] = 0;
	s->bestd = 1000;
}

void dv_suggest_try(struct dv_suggest *s, const char *cand)
{
	unsigned d = edit_distance(s->want, s->wantlen, cand, strlen(cand));
	if (d < s->bestd && strlen(cand) < sizeof s->best) {
		s->bestd = d;
		strcpy(s->best, cand);
	}
}

/* The hint line, or NULL when nothing is close enough to be a likely typo. */
const char *dv_suggest_hint(struct dv_suggest *s, char *buf, size_t size)
{
	unsigned limit = s->wantlen <= 4 ? 1u : s->wantlen <= 8 ? 2u : 3u;
	if (!s->best[0] || s->bestd > limit)
		return NULL;
	snprintf(buf, size, "did you mean '%s'?", s->best);
	return buf;
}

/* yes/no words: 1 or 0, -1 when the word is not one. */
int dv_bool_word(const char *s, size_t n)
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

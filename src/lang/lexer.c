/* dmaviz: the lesson language's lexer: one logical line into tokens (words, numbers, strings,
 * operators), and the token readers the statement parsers share (want_num, want_kv, ...), which
 * report a file:line:col error when the line does not hold what they want.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang_int.h"

void dv_perr(struct dv_parser *p, uint32_t col, const char *hint, const char *fmt, ...)
{
	char buf[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (col)
		dv_msgs_add(p->msgs, DV_MSG_ERROR, p->line, col, 0, hint, "%s:%u:%u: error: %s",
		            p->file, (unsigned)p->line, (unsigned)col, buf);
	else
		dv_msgs_add(p->msgs, DV_MSG_ERROR, p->line, 0, 0, hint, "%s:%u: error: %s", p->file,
		            (unsigned)p->line, buf);
	p->errors++;
}

static bool is_bare(int c)
{
	return c && c != ' ' && c != '\t' && c != '"' && c != '=' && c != '!' && c != '<' &&
	       c != '>' && c != '&' && c != '|' && c != '+';
}

/* Splits the logical line into tokens. False after an error. */
bool dv_lex(struct dv_parser *p)
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
		if (p->nt >= DV_MAX_TOKS) {
			dv_perr(p, (uint32_t)i + 1, NULL, "too many words on one line (at most %u)",
			        DV_MAX_TOKS);
			return false;
		}
		struct dv_tok *k = &p->tok[p->nt];
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
				dv_perr(p, k->col, "close the string with a \" on the same line",
				        "unterminated string");
				return false;
			}
			k->kind = DV_TK_STR;
			k->str = dv_arena_strndup(p->arena, buf, o);
			free(buf);
			if (!k->str)
				return false;
			i = j + 1;
		} else if (c == '=') {
			k->kind = t[i + 1] == '=' ? DV_TK_OP : DV_TK_EQ;
			i += t[i + 1] == '=' ? 2 : 1;
		} else if (c == '!') {
			if (t[i + 1] != '=') {
				dv_perr(p, k->col, "write != for 'not equal'", "unexpected '!'");
				return false;
			}
			k->kind = DV_TK_OP;
			i += 2;
		} else if (c == '<' || c == '>') {
			k->kind = DV_TK_OP;
			i += t[i + 1] == '=' ? 2 : 1;
		} else if (c == '&') {
			k->kind = DV_TK_OP;
			i += t[i + 1] == '&' ? 2 : 1;
		} else if (c == '|') {
			if (t[i + 1] != '|') {
				dv_perr(p, k->col, "write || for 'or'", "unexpected '|'");
				return false;
			}
			k->kind = DV_TK_OP;
			i += 2;
		} else if (c == '+') {
			k->kind = DV_TK_OP;
			i++;
		} else {
			while (is_bare((unsigned char)t[i]))
				i++;
			k->len = (size_t)(t + i - k->s);
			if (k->len == 1 && k->s[0] == '-')
				k->kind = DV_TK_OP;
			else if (k->s[0] >= '0' && k->s[0] <= '9') {
				k->kind = DV_TK_NUM;
				k->num_ok = dv_script_number(k->s, k->len, &k->num);
			} else
				k->kind = DV_TK_WORD;
		}
		if (k->kind != DV_TK_WORD && k->kind != DV_TK_NUM)
			k->len = (size_t)(t + i - k->s);
		prev_end = i;
		p->nt++;
	}
	memset(&p->tok[p->nt], 0, sizeof p->tok[p->nt]);
	p->tok[p->nt].kind = DV_TK_END;
	p->tok[p->nt].col = (uint32_t)i + 1;
	return true;
}

struct dv_tok *dv_peek(struct dv_parser *p)
{
	return &p->tok[p->pos];
}

struct dv_tok *dv_next(struct dv_parser *p)
{
	struct dv_tok *k = &p->tok[p->pos];
	if (p->pos < p->nt)
		p->pos++;
	return k;
}

bool dv_tok_is(const struct dv_tok *k, const char *w)
{
	return (k->kind == DV_TK_WORD || k->kind == DV_TK_OP) && strlen(w) == k->len &&
	       !strncmp(k->s, w, k->len);
}

/* "'text'" of a token, for messages. */
const char *dv_tok_text(const struct dv_tok *k, char *buf, size_t size)
{
	if (k->kind == DV_TK_END)
		snprintf(buf, size, "the end of the line");
	else
		snprintf(buf, size, "'%.*s'", (int)(k->len > 60 ? 60 : k->len), k->s);
	return buf;
}

bool dv_at_end(struct dv_parser *p)
{
	return dv_peek(p)->kind == DV_TK_END;
}

bool dv_want_end(struct dv_parser *p)
{
	if (dv_at_end(p))
		return true;
	char b[96];
	dv_perr(p, dv_peek(p)->col, NULL, "unexpected %s", dv_tok_text(dv_peek(p), b, sizeof b));
	return false;
}

bool dv_want_num(struct dv_parser *p, const char *what, uint32_t min, uint32_t max, uint32_t *out)
{
	struct dv_tok *k = dv_next(p);
	char b[96];
	if (k->kind != DV_TK_NUM || !k->num_ok) {
		dv_perr(p, k->col, NULL, "expected %s (a number), got %s", what,
		        dv_tok_text(k, b, sizeof b));
		return false;
	}
	if (k->num < min || k->num > max) {
		dv_perr(p, k->col, NULL, "%s must be between %u and %u, got %u", what,
		        (unsigned)min, (unsigned)max, (unsigned)k->num);
		return false;
	}
	*out = k->num;
	return true;
}

bool dv_want_string(struct dv_parser *p, const char *what, const char **out)
{
	struct dv_tok *k = dv_next(p);
	char b[96];
	if (k->kind != DV_TK_STR) {
		dv_perr(p, k->col, "put the text in double quotes", "expected %s in quotes, got %s",
		        what, dv_tok_text(k, b, sizeof b));
		return false;
	}
	*out = k->str;
	return true;
}

bool dv_want_bool(struct dv_parser *p, const struct dv_tok *k, const char *what, uint32_t *out)
{
	int v = -1;
	if (k->kind == DV_TK_WORD || k->kind == DV_TK_NUM)
		v = dv_bool_word(k->s, k->len);
	if (v < 0) {
		char b[96];
		dv_perr(p, k->col, NULL, "%s must be yes or no, got %s", what,
		        dv_tok_text(k, b, sizeof b));
		return false;
	}
	*out = (uint32_t)v;
	return true;
}

/* key=value: returns the value token, or NULL (and an error) when the token at pos is not a
 * key=value pair. */
struct dv_tok *dv_want_kv(struct dv_parser *p, struct dv_tok **key)
{
	struct dv_tok *k = dv_next(p);
	char b[96];
	if (k->kind != DV_TK_WORD || dv_peek(p)->kind != DV_TK_EQ) {
		dv_perr(p, k->col, "arguments are written key=value", "expected key=value, got %s",
		        dv_tok_text(k, b, sizeof b));
		return NULL;
	}
	dv_next(p);
	struct dv_tok *v = dv_next(p);
	if (v->kind != DV_TK_WORD && v->kind != DV_TK_NUM && v->kind != DV_TK_STR) {
		dv_perr(p, v->col, NULL, "expected a value after '%.*s=', got %s", (int)k->len,
		        k->s, dv_tok_text(v, b, sizeof b));
		return NULL;
	}
	*key = k;
	return v;
}

bool dv_kv_num(struct dv_parser *p, struct dv_tok *v, const char *what, uint32_t min, uint32_t max,
               uint32_t *out)
{
	char b[96];
	if (v->kind != DV_TK_NUM || !v->num_ok) {
		dv_perr(p, v->col, NULL, "%s must be a number, got %s", what,
		        dv_tok_text(v, b, sizeof b));
		return false;
	}
	if (v->num < min || v->num > max) {
		dv_perr(p, v->col, NULL, "%s must be between %u and %u, got %u", what,
		        (unsigned)min, (unsigned)max, (unsigned)v->num);
		return false;
	}
	*out = v->num;
	return true;
}

void dv_unknown_word(struct dv_parser *p, const struct dv_tok *k, const char *what,
                     const char *const *cands, size_t ncands)
{
	struct dv_suggest s;
	char hint[160];
	dv_suggest_init(&s, k->s, k->len);
	for (size_t i = 0; i < ncands; i++)
		dv_suggest_try(&s, cands[i]);
	dv_perr(p, k->col, dv_suggest_hint(&s, hint, sizeof hint), "unknown %s '%.*s'", what,
	        (int)k->len, k->s);
}

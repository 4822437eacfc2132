/* dmaviz: the lesson language's parser: conditions, building the lesson (steps, paragraphs,
 * statements), and the entry points dv_lesson_parse and dv_script_parse_command.
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
#include "lang_int.h"
#include "script.h"
#include "trace.h"
#include "verifier.h"

/* ---- values and conditions --------------------------------------------------------------------- */

/* The rules a condition mentions count as expected under --strict (§11). */
static void note_rules(struct dv_parser *p, const struct dv_value *v)
{
	for (unsigned i = 0; i < v->n; i++) {
		const struct dv_ref *r = &v->term[i];
		if (r->kind == DV_REF_VERIFIER_RULE && r->a < DV_RULE_COUNT)
			p->L->allowed[r->a] = true;
		if (r->kind == DV_REF_NUM && r->type == DV_VT_RULE && r->a < DV_RULE_COUNT)
			p->L->allowed[r->a] = true;
	}
}

static bool parse_value(struct dv_parser *p, struct dv_value *v)
{
	char b[96];
	memset(v, 0, sizeof *v);
	for (;;) {
		struct dv_tok *k = dv_next(p);
		struct dv_ref *r = &v->term[v->n];
		if (k->kind == DV_TK_NUM) {
			if (!k->num_ok) {
				dv_perr(p, k->col, NULL, "bad number %s",
				        dv_tok_text(k, b, sizeof b));
				return false;
			}
			memset(r, 0, sizeof *r);
			r->kind = DV_REF_NUM;
			r->a = k->num;
			/* Messages print what is compared with it the way it is written (0x09). */
			if (k->len > 2 && k->s[0] == '0' && (k->s[1] == 'x' || k->s[1] == 'X'))
				r->hex = (uint8_t)(k->len - 2 < 8 ? k->len - 2 : 8);
		} else if (k->kind == DV_TK_WORD) {
			if (!dv_resolve_word(p, k, r))
				return false;
		} else {
			dv_perr(p, k->col, NULL, "expected a name or a number, got %s",
			        dv_tok_text(k, b, sizeof b));
			return false;
		}
		v->n++;
		struct dv_tok *o = dv_peek(p);
		if (!(dv_tok_is(o, "+") || dv_tok_is(o, "-") || dv_tok_is(o, "&")))
			return true;
		if (v->n >= 8) {
			dv_perr(p, o->col, NULL, "too many terms (at most 8)");
			return false;
		}
		v->op[v->n] = o->s[0];
		dv_next(p);
	}
}

static enum dv_cmp_op cmp_op(const struct dv_tok *k)
{
	if (k->kind != DV_TK_OP)
		return DV_OP_NONZERO;
	if (dv_tok_is(k, "=="))
		return DV_OP_EQ;
	if (dv_tok_is(k, "!="))
		return DV_OP_NE;
	if (dv_tok_is(k, "<"))
		return DV_OP_LT;
	if (dv_tok_is(k, "<="))
		return DV_OP_LE;
	if (dv_tok_is(k, ">"))
		return DV_OP_GT;
	if (dv_tok_is(k, ">="))
		return DV_OP_GE;
	return DV_OP_NONZERO;
}

static bool note_find(const struct dv_tok *k, uint32_t *out)
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
bool dv_parse_cond(struct dv_parser *p, struct dv_cond *c, bool events, bool stop_at_max)
{
	struct dv_cmp cmps[DV_SCRIPT_MAX_CMPS];
	unsigned n = 0;
	bool or_next = false;
	char b[96];
	uint32_t start_col = dv_peek(p)->col;
	memset(c, 0, sizeof *c);
	if (dv_at_end(p) || (stop_at_max && dv_tok_is(dv_peek(p), "max"))) {
		dv_perr(p, dv_peek(p)->col, "e.g. dma.ch1.count == 0xFFFF", "expected a condition");
		return false;
	}
	for (;;) {
		if (n >= DV_SCRIPT_MAX_CMPS) {
			dv_perr(p, dv_peek(p)->col, NULL, "too many comparisons (at most %u)",
			        DV_SCRIPT_MAX_CMPS);
			return false;
		}
		struct dv_cmp *m = &cmps[n];
		memset(m, 0, sizeof *m);
		m->or_before = or_next;
		struct dv_tok *k = dv_peek(p);
		if (dv_tok_is(k, "call") || dv_tok_is(k, "note")) {
			bool is_call = dv_tok_is(k, "call");
			dv_next(p);
			if (!events) {
				dv_perr(p, k->col,
				        "write the condition with calls.NAME or a state name",
				        "'%s NAME' only works in 'run until'",
				        is_call ? "call" : "note");
				return false;
			}
			struct dv_tok *w = dv_next(p);
			if (w->kind != DV_TK_WORD) {
				dv_perr(p, w->col, NULL, "expected a %s name, got %s",
				        is_call ? "call" : "note", dv_tok_text(w, b, sizeof b));
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
					dv_unknown_word(p, w, "call", cands, DV_CALL_COUNT);
					return false;
				}
				m->lhs.term[0].a = call;
				m->op = DV_OP_CALL;
				if (dv_tok_is(dv_peek(p), "returns")) {
					dv_next(p);
					m->op = DV_OP_RETURN;
				}
			} else {
				if (!note_find(w, &m->lhs.term[0].a)) {
					const char *cands[DV_NOTE_COUNT];
					for (unsigned i = 0; i < DV_NOTE_COUNT; i++)
						cands[i] = dv_note_id((enum dv_note)i);
					dv_unknown_word(p, w, "note", cands, DV_NOTE_COUNT);
					return false;
				}
				m->op = DV_OP_NOTE;
			}
		} else {
			if (!parse_value(p, &m->lhs))
				return false;
			enum dv_cmp_op op = cmp_op(dv_peek(p));
			if (op != DV_OP_NONZERO) {
				dv_next(p);
				if (!parse_value(p, &m->rhs))
					return false;
			}
			m->op = op;
			note_rules(p, &m->lhs);
			note_rules(p, &m->rhs);
		}
		n++;
		struct dv_tok *j = dv_peek(p);
		if (dv_tok_is(j, "&&") || dv_tok_is(j, "||")) {
			or_next = dv_tok_is(j, "||");
			dv_next(p);
			continue;
		}
		if (j->kind == DV_TK_END || (stop_at_max && dv_tok_is(j, "max")))
			break;
		if (j->kind == DV_TK_EQ)
			dv_perr(p, j->col, "compare with ==", "unexpected '='");
		else
			dv_perr(p, j->col, "join comparisons with && or ||",
			        "expected '&&', '||' or the end of the condition, got %s",
			        dv_tok_text(j, b, sizeof b));
		return false;
	}
	c->cmp = dv_arena_alloc(p->arena, n * sizeof *c->cmp);
	if (!c->cmp)
		return false;
	memcpy(c->cmp, cmps, n * sizeof *c->cmp);
	c->n = n;
	uint32_t end_col = dv_peek(p)->col;
	size_t from = start_col - 1, to = end_col - 1;
	while (to > from && (p->text[to - 1] == ' ' || p->text[to - 1] == '\t'))
		to--;
	c->text = dv_arena_strndup(p->arena, p->text + from, to - from);
	return c->text != NULL;
}

/* ---- building the lesson ---------------------------------------------------------------------- */

void dv_close_para(struct dv_parser *p)
{
	if (!p->para)
		return;
	const char **arr = dv_arena_grow(p->arena, (void *)p->paras, p->nparas, sizeof *arr);
	size_t *at = dv_arena_grow(p->arena, p->para_stmt, p->nparas, sizeof *at);
	uint32_t *l0 = dv_arena_grow(p->arena, p->para_line, p->nparas, sizeof *l0);
	uint32_t *l1 = dv_arena_grow(p->arena, p->para_last, p->nparas, sizeof *l1);
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

void dv_close_ask(struct dv_parser *p)
{
	if (p->cur_ask && p->cur_ask->nanswers == 0) {
		uint32_t saved = p->line;
		p->line = p->cur_ask->line;
		dv_perr(p, 0, "add a line 'answer VALUE' after the question",
		        "this ask has no answer");
		p->line = saved;
	}
	p->cur_ask = NULL;
	p->ask_clause_ok = false;
}

void dv_close_step(struct dv_parser *p)
{
	dv_close_para(p);
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

struct dv_step *dv_open_step(struct dv_parser *p, const char *title, uint32_t line)
{
	dv_close_step(p);
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
	s->number = L->nsteps == 0 && title[0] == 0 ?
	                    0 :
	                    (L->nsteps && L->steps[0].number == 0 ? L->nsteps : L->nsteps + 1);
	p->cur_step = (int)L->nsteps++;
	return s;
}

/* A statement that belongs to a step: opens the setup step when none is open yet. */
struct dv_stmt *dv_add_stmt(struct dv_parser *p, enum dv_stmt_kind kind, uint32_t col)
{
	if (p->command_mode) {
		if (p->out_done)
			return NULL;
		memset(p->out, 0, sizeof *p->out);
		p->out->kind = kind;
		p->out->keyword = p->kw;
		p->out->line = p->line;
		p->out->col = col;
		p->out->text = dv_arena_strndup(p->arena, p->text, strlen(p->text));
		p->out_done = true;
		return p->out;
	}
	struct dv_lesson *L = p->L;
	if (p->cur_step < 0 && !dv_open_step(p, "", p->line))
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
	s->keyword = p->kw;
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

void dv_check_addr(struct dv_parser *p, const struct dv_tok *k, uint32_t addr, uint32_t len)
{
	uint32_t size = p->L->machine.mem_size;
	if ((uint64_t)addr + len > size)
		dv_perr(p, k->col, "give the machine more memory with machine memory=...",
		        "address 0x%x%s is beyond the installed memory (%u KiB)", (unsigned)addr,
		        len > 1 ? " (and the bytes after it)" : "", (unsigned)(size >> 10));
}

/* ---- one line -------------------------------------------------------------------------------- */

static bool meta_position(struct dv_parser *p, const struct dv_tok *k, unsigned bit)
{
	if (p->command_mode) {
		dv_perr(p, k->col, NULL, "'%.*s' belongs in a lesson file, not the prompt",
		        (int)k->len, k->s);
		return false;
	}
	if (p->seen_action || p->seen_step) {
		dv_perr(p, k->col, "move it to the top of the file",
		        "'%.*s' must come before the first step and the first action", (int)k->len,
		        k->s);
		return false;
	}
	if (bit && (p->meta_seen & bit)) {
		dv_perr(p, k->col, NULL, "'%.*s' given twice", (int)k->len, k->s);
		return false;
	}
	p->meta_seen |= bit;
	return true;
}

/* Whether row k may stand here; reports where it belongs when not. */
static bool where_ok(struct dv_parser *p, const struct dv_keyword *k, const struct dv_tok *kw,
                     uint32_t col)
{
	if (k->where == DV_KW_META)
		return meta_position(p, kw, k->meta_bit);
	if (k->where == DV_KW_FILE && p->command_mode) {
		dv_perr(p, col, NULL, "'%s' belongs in a lesson file", k->name);
		return false;
	}
	return true;
}

/* The row of a statement that takes its line verbatim (`say`), when the line starts with one. */
static const struct dv_keyword *text_row(const char *t)
{
	for (size_t i = 0; i < dv_nkeywords; i++) {
		const struct dv_keyword *k = &dv_keywords[i];
		size_t n = strlen(k->name);
		if ((k->flags & DV_KW_TEXT) && !strncmp(t, k->name, n) &&
		    (t[n] == 0 || t[n] == ' ' || t[n] == '\t'))
			return k;
	}
	return NULL;
}

static void unknown_statement(struct dv_parser *p, const struct dv_tok *kw)
{
	struct dv_suggest s;
	char hint[160];
	dv_suggest_init(&s, kw->s, kw->len);
	for (size_t i = 0; i < dv_nkeywords; i++)
		if (!(dv_keywords[i].flags & DV_KW_NO_SUGGEST))
			dv_suggest_try(&s, dv_keywords[i].name);
	const char *h = dv_suggest_hint(&s, hint, sizeof hint);
	dv_perr(p, kw->col, h ? h : "see docs/lesson-format.md for the statements",
	        "unknown statement '%.*s'", (int)kw->len, kw->s);
}

/* One logical line: its keyword's row of the table (keywords.c), checked for where it stands,
 * parses the rest. */
void dv_statement(struct dv_parser *p)
{
	char b[96];
	const char *t = p->text;
	while (*t == ' ' || *t == '\t')
		t++;
	const struct dv_keyword *k = text_row(t);
	if (k) {
		p->kw = k;
		p->rest = t + strlen(k->name);
		if (where_ok(p, k, NULL, (uint32_t)(t - p->text) + 1))
			k->parse(p, NULL);
		return;
	}
	if (!dv_lex(p) || dv_at_end(p))
		return;
	struct dv_tok *kw = dv_next(p);
	if (kw->kind != DV_TK_WORD) {
		dv_perr(p, kw->col,
		        "every line starts with a keyword such as step, say, out, expect",
		        "expected a keyword, got %s", dv_tok_text(kw, b, sizeof b));
		return;
	}
	k = dv_keyword_find(kw->s, kw->len, NULL);
	if (!k) {
		dv_close_para(p);
		dv_close_ask(p);
		unknown_statement(p, kw);
		return;
	}
	/* A clause continues the ask before it: the paragraph and the ask stay open. */
	if (k->where != DV_KW_CLAUSE) {
		dv_close_para(p);
		dv_close_ask(p);
	}
	for (; k; k = dv_keyword_find(kw->s, kw->len, k)) {
		if (!where_ok(p, k, kw, kw->col))
			return;
		p->kw = k;
		if (k->parse(p, kw))
			return;
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

enum line_fit { FITS, LINE_TOO_LONG, JOINED_TOO_LONG };

/* Joins physical lines ending in a backslash, from text[*i] on, into one logical line of at
 * most twice the length of a line, counting the space that stands for each line break. */
static enum line_fit logical_line(const char *text, size_t len, size_t *i, uint32_t *phys_line,
                                  char *logical)
{
	const size_t joined_max = DV_SCRIPT_MAX_LINE * 2;
	size_t ll = 0;
	enum line_fit fit = FITS;
	for (;;) {
		size_t start = *i;
		while (*i < len && text[*i] != '\n')
			(*i)++;
		size_t n = *i - start;
		if (*i < len)
			(*i)++; /* the newline */
		(*phys_line)++;
		if (n && text[start + n - 1] == '\r')
			n--;
		bool cont = n && text[start + n - 1] == '\\';
		if (cont)
			n--;
		bool more = cont && *i < len;
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
	return fit;
}

struct dv_lesson *dv_lesson_parse(const char *file, const char *text, size_t len,
                                  struct dv_msgs *msgs)
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

	struct dv_parser p;
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
		dv_perr(&p, 0, NULL, "the file is larger than 1 MiB");
	} else if (memchr(text, 0, len)) {
		p.line = 1 + (uint32_t)0;
		for (size_t i = 0; i < len && text[i]; i++)
			p.line += text[i] == '\n';
		dv_perr(&p, 0, "lesson files are plain text", "the file contains a NUL byte");
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
		uint32_t first_line = phys_line + 1;
		enum line_fit fit = logical_line(text, len, &i, &phys_line, logical);
		p.text = logical;
		if (fit == LINE_TOO_LONG) {
			p.line = phys_line;
			dv_perr(&p, 0, NULL, "line longer than %u bytes", DV_SCRIPT_MAX_LINE);
			break;
		}
		if (fit == JOINED_TOO_LONG) {
			p.line = first_line;
			dv_perr(&p, 0, "split the statement, or end fewer lines with '\\'",
			        "lines %u to %u, joined by '\\', make a line longer than %zu bytes",
			        (unsigned)first_line, (unsigned)phys_line,
			        (size_t)DV_SCRIPT_MAX_LINE * 2);
			break;
		}
		p.line = first_line;
		/* Errors stop at the first bad statement's line: later ones are often its echo. */
		dv_statement(&p);
		if (p.errors >= 1)
			break;
	}
	free(logical);
	if (!p.errors) {
		p.line = phys_line;
		dv_close_ask(&p);
		dv_close_step(&p);
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

bool dv_script_parse_command(const struct dv_lesson *lesson, struct dv_arena **arena,
                             const char *file, uint32_t line, const char *text, struct dv_stmt *out,
                             struct dv_msgs *msgs)
{
	struct dv_parser p;
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
		dv_perr(&p, 0, NULL, "line longer than %u bytes", DV_SCRIPT_MAX_LINE);
		return false;
	}
	p.text = dv_arena_strndup(arena, text, n);
	if (!p.text)
		return false;
	for (char *c = p.text; *c; c++)
		if (*c == '\n' || *c == '\r')
			*c = ' ';
	dv_statement(&p);
	if (!p.errors && !p.out_done) {
		const char *t = p.text;
		while (*t == ' ' || *t == '\t')
			t++;
		if (*t && *t != '#')
			dv_perr(&p, 1, NULL, "not a command");
	}
	return !p.errors && p.out_done;
}

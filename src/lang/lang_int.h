/* dmaviz: the lesson language's internals, shared by the files of src/lang/ and nothing else:
 * the token, the parser's state, and the helpers the statement parsers use.
 */
#ifndef DV_LANG_INT_H
#define DV_LANG_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lesson.h"
#include "script.h"

enum dv_tk { DV_TK_END, DV_TK_WORD, DV_TK_NUM, DV_TK_STR, DV_TK_OP, DV_TK_EQ };

struct dv_tok {
	enum dv_tk kind;
	const char *s; /* raw text in the line */
	size_t len;
	uint32_t col; /* 1-based */
	uint32_t num;
	bool num_ok;
	const char *str; /* DV_TK_STR: the decoded text */
	bool glued;	 /* no space before it */
};

#define DV_MAX_TOKS 256u

struct dv_parser {
	struct dv_lesson *L;
	struct dv_arena **arena;
	struct dv_msgs *msgs;
	const char *file;
	uint32_t line;
	char *text; /* the logical line */
	struct dv_tok tok[DV_MAX_TOKS + 1];
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


/* support.c: arrays that grow in the arena, yes/no words, suggestions. */
void *dv_arena_grow(struct dv_arena **a, void *arr, unsigned n, size_t elem);
int dv_bool_word(const char *s, size_t n);

struct dv_suggest {
	const char *want;
	size_t wantlen;
	char best[96];
	unsigned bestd;
};
void dv_suggest_init(struct dv_suggest *s, const char *want, size_t len);
void dv_suggest_try(struct dv_suggest *s, const char *cand);
const char *dv_suggest_hint(struct dv_suggest *s, char *buf, size_t size);

/* lexer.c */
void dv_perr(struct dv_parser *p, uint32_t col, const char *hint, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;
bool dv_lex(struct dv_parser *p);
struct dv_tok *dv_peek(struct dv_parser *p);
struct dv_tok *dv_next(struct dv_parser *p);
bool dv_tok_is(const struct dv_tok *k, const char *w);
const char *dv_tok_text(const struct dv_tok *k, char *buf, size_t size);
bool dv_at_end(struct dv_parser *p);
bool dv_want_end(struct dv_parser *p);
bool dv_want_num(struct dv_parser *p, const char *what, uint32_t min, uint32_t max, uint32_t *out);
bool dv_want_string(struct dv_parser *p, const char *what, const char **out);
bool dv_want_bool(struct dv_parser *p, const struct dv_tok *k, const char *what, uint32_t *out);
struct dv_tok *dv_want_kv(struct dv_parser *p, struct dv_tok **key);
bool dv_kv_num(struct dv_parser *p, struct dv_tok *v, const char *what, uint32_t min, uint32_t max,
               uint32_t *out);
void dv_unknown_word(struct dv_parser *p, const struct dv_tok *k, const char *what,
                     const char *const *cands, size_t ncands);

/* names.c */
void dv_suggest_names(struct dv_suggest *s, const struct dv_lesson *lesson);
bool dv_resolve_word(struct dv_parser *p, const struct dv_tok *k, struct dv_ref *r);

/* parser.c: conditions, and building the lesson */
bool dv_parse_cond(struct dv_parser *p, struct dv_cond *c, bool events, bool stop_at_max);
void dv_close_para(struct dv_parser *p);
void dv_close_ask(struct dv_parser *p);
void dv_close_step(struct dv_parser *p);
struct dv_step *dv_open_step(struct dv_parser *p, const char *title, uint32_t line);
struct dv_stmt *dv_add_stmt(struct dv_parser *p, enum dv_stmt_kind kind, uint32_t col);
void dv_check_addr(struct dv_parser *p, const struct dv_tok *k, uint32_t addr, uint32_t len);

/* statements.c */
void dv_statement(struct dv_parser *p);

#endif

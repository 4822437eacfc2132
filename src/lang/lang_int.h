/* dmaviz: the lesson language's internals, shared by the files of src/lang/ and nothing else:
 * the token, the parser's state, and the helpers the statement parsers use.
 */
#ifndef DV_LANG_INT_H
#define DV_LANG_INT_H
#ifndef DV_CORE_INTERNAL
#error "lang_int.h belongs to the core: front ends use the functions of lesson.h and script.h"
#endif

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
	bool glued;      /* no space before it */
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
	char *para;         /* the narration paragraph being built (malloc) */
	size_t para_len;
	const char **paras; /* the current step's paragraphs (arena array) */
	unsigned nparas;
	size_t *para_stmt; /* where each stands (see struct dv_step) */
	uint32_t *para_line, *para_last;
	uint32_t para_first, para_end; /* the lines of the paragraph being built */
	size_t cap_stmts, cap_steps, cap_asks, cap_bufs;
	unsigned ncols;      /* columns of the current output-list, 0 = none yet */
	struct dv_stmt *out; /* command mode: where the statement goes */
	bool out_done;
	const struct dv_keyword *kw; /* the row being parsed (dv_add_stmt records it) */
	const char *rest;            /* a DV_KW_TEXT row: the line after its keyword */
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

/* ---- the state-name table (names.c) ----------------------------------------------------------- */

struct dv_run;

/* How a name beyond the machine's slots is written. */
enum dv_name_form {
	DV_NAME_FIXED,   /* text itself (per_step: and text.step) */
	DV_NAME_CHANNEL, /* dma.chN.text, N 0-7 */
	DV_NAME_IRQ,     /* textN, N below limit */
	DV_NAME_BRACKET, /* text ADDR ], ADDR below limit (text ends in '[') */
	DV_NAME_RULE,    /* text RULE, a verifier rule */
	DV_NAME_CALL,    /* text CALL, an NDIS call */
	DV_NAME_BUFFER,  /* buffer.B.text, B one of the lesson's buffers */
};

/* One row per DV_REF_* kind (indexed by it): resolve (form, text, limit), evaluate (eval on a
 * run, type for printing) and describe (what). DV_REF_NUM and DV_REF_SLOT have no row. */
struct dv_name {
	enum dv_name_form form;
	const char *text;
	uint32_t limit;
	bool per_step; /* DV_NAME_FIXED: also text.step, counted from the step's start (a = 1) */
	enum dv_value_type type;
	uint32_t (*eval)(struct dv_run *run, const struct dv_ref *r);
	const char *what;
};

extern const struct dv_name dv_names[DV_REF_COUNT];

/* The value of a resolved name on a run now (a number, a slot, or a row's eval). */
uint32_t dv_name_eval(struct dv_run *run, const struct dv_ref *r);
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

/* ---- the keyword table (keywords.c) ----------------------------------------------------------- */

/* Where a statement may stand. */
enum dv_kw_where {
	DV_KW_META,   /* the file's header: before the first step and action, at most once (meta) */
	DV_KW_FILE,   /* anywhere in a lesson file, never at the sandbox prompt */
	DV_KW_ANY,    /* a lesson file or the prompt */
	DV_KW_ACTION, /* a file or the prompt, and after `do` */
	DV_KW_CLAUSE, /* on the lines right after an `ask` */
};

enum {
	DV_KW_TEXT = 1,       /* takes the rest of its line verbatim, recognised before lexing */
	DV_KW_LOOKS = 2,      /* only looks: runs while a driver is paused without resuming it */
	DV_KW_NO_SUGGEST = 4, /* not offered by "did you mean" */
};

/* The header's statements, for "given twice". */
enum {
	DV_META_LESSON = 1,
	DV_META_TITLE = 2,
	DV_META_LEVEL = 4,
	DV_META_SUMMARY = 8,
	DV_META_MACHINE = 16,
	DV_META_DRIVER = 32,
	DV_META_COMPARE = 64
};

/* One row per statement. parse reads the tokens after the keyword kw (NULL for a DV_KW_TEXT
 * row: the text is p->rest) and returns false only when the line is not this row's (then the
 * next row of the same name is tried: `driver init` and `driver reference`). exec runs a
 * statement the row made; NULL when it does nothing when reached (metadata, `goal`). */
struct dv_keyword {
	const char *name;
	enum dv_kw_where where;
	unsigned meta_bit; /* DV_KW_META: its DV_META_* bit, 0 when it may repeat */
	unsigned flags;    /* DV_KW_TEXT, DV_KW_LOOKS, DV_KW_NO_SUGGEST */
	bool (*parse)(struct dv_parser *p, struct dv_tok *kw);
	void (*exec)(struct dv_run *run, const struct dv_stmt *s, const char *file);
	const char *synopsis; /* one line of `dmaviz lesson-help` */
};

extern const struct dv_keyword dv_keywords[];
extern const size_t dv_nkeywords;

/* The row named name[0..len) after row after (NULL: the first such row), or NULL. */
const struct dv_keyword *dv_keyword_find(const char *name, size_t len,
                                         const struct dv_keyword *after);

/* statements.c: the parse functions of the rows */
bool dv_parse_lesson(struct dv_parser *p, struct dv_tok *kw);
bool dv_parse_title(struct dv_parser *p, struct dv_tok *kw); /* title and summary */
bool dv_parse_level(struct dv_parser *p, struct dv_tok *kw);
bool dv_parse_machine(struct dv_parser *p, struct dv_tok *kw);
bool dv_parse_driver_setting(struct dv_parser *p, struct dv_tok *kw);
bool dv_parse_allow(struct dv_parser *p, struct dv_tok *kw);
bool dv_parse_compare_to(struct dv_parser *p, struct dv_tok *kw);
bool dv_parse_step(struct dv_parser *p, struct dv_tok *kw);
bool dv_parse_say(struct dv_parser *p, struct dv_tok *kw);
bool dv_parse_solution(struct dv_parser *p, struct dv_tok *kw);
bool dv_parse_do(struct dv_parser *p, struct dv_tok *kw);
bool dv_parse_out(struct dv_parser *p, struct dv_tok *kw);
bool dv_parse_in(struct dv_parser *p, struct dv_tok *kw);
bool dv_parse_poke(struct dv_parser *p, struct dv_tok *kw); /* poke and write */
bool dv_parse_fill(struct dv_parser *p, struct dv_tok *kw);
bool dv_parse_read(struct dv_parser *p, struct dv_tok *kw);
bool dv_parse_tick(struct dv_parser *p, struct dv_tok *kw);
bool dv_parse_run(struct dv_parser *p, struct dv_tok *kw);
bool dv_parse_dreq(struct dv_parser *p, struct dv_tok *kw);
bool dv_parse_irql(struct dv_parser *p, struct dv_tok *kw);
bool dv_parse_buffer(struct dv_parser *p, struct dv_tok *kw);
bool dv_parse_call(struct dv_parser *p, struct dv_tok *kw);
bool dv_parse_driver_action(struct dv_parser *p, struct dv_tok *kw);
bool dv_parse_peer(struct dv_parser *p, struct dv_tok *kw);
bool dv_parse_expect(struct dv_parser *p, struct dv_tok *kw); /* expect and goal */
bool dv_parse_ask(struct dv_parser *p, struct dv_tok *kw);
bool dv_parse_clause(struct dv_parser *p, struct dv_tok *kw);
bool dv_parse_output_list(struct dv_parser *p, struct dv_tok *kw);
bool dv_parse_output(struct dv_parser *p, struct dv_tok *kw);
bool dv_parse_break(struct dv_parser *p, struct dv_tok *kw);

/* engine.c: the exec functions of the rows */
void dv_exec_out(struct dv_run *run, const struct dv_stmt *s, const char *file);
void dv_exec_in(struct dv_run *run, const struct dv_stmt *s, const char *file);
void dv_exec_poke(struct dv_run *run, const struct dv_stmt *s, const char *file);
void dv_exec_write(struct dv_run *run, const struct dv_stmt *s, const char *file);
void dv_exec_fill(struct dv_run *run, const struct dv_stmt *s, const char *file);
void dv_exec_read(struct dv_run *run, const struct dv_stmt *s, const char *file);
void dv_exec_tick(struct dv_run *run, const struct dv_stmt *s, const char *file);
void dv_exec_run(struct dv_run *run, const struct dv_stmt *s, const char *file);
void dv_exec_dreq(struct dv_run *run, const struct dv_stmt *s, const char *file);
void dv_exec_irql(struct dv_run *run, const struct dv_stmt *s, const char *file);
void dv_exec_buffer(struct dv_run *run, const struct dv_stmt *s, const char *file);
void dv_exec_call(struct dv_run *run, const struct dv_stmt *s, const char *file);
void dv_exec_driver(struct dv_run *run, const struct dv_stmt *s, const char *file);
void dv_exec_peer(struct dv_run *run, const struct dv_stmt *s, const char *file);
void dv_exec_expect(struct dv_run *run, const struct dv_stmt *s, const char *file);
void dv_exec_ask(struct dv_run *run, const struct dv_stmt *s, const char *file);
void dv_exec_output_list(struct dv_run *run, const struct dv_stmt *s, const char *file);
void dv_exec_output(struct dv_run *run, const struct dv_stmt *s, const char *file);

/* parser.c: one logical line, dispatched through the table */
void dv_statement(struct dv_parser *p);

#endif

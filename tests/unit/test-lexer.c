/* dmaviz: unit tests of the lesson language's lexer and support (src/lang/lexer.c, support.c):
 * tokens and their columns, strings and escapes, operators, comments, numbers as the language
 * writes them, the token readers' file:line:col errors, and the suggestions' edit distance. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "lang_int.h"

struct lx {
	struct dv_parser p;
	struct dv_lesson L;
	struct dv_msgs m;
	char text[256];
};

/* A parser over one line, as dv_lesson_parse sets one up. */
static void lx_open(struct lx *x, const char *line)
{
	memset(x, 0, sizeof *x);
	dv_msgs_init(&x->m);
	dv_config_default(&x->L.machine);
	x->p.L = &x->L;
	x->p.arena = &x->L.arena;
	x->p.msgs = &x->m;
	x->p.file = "t.lesson";
	x->p.line = 7;
	x->p.cur_step = -1;
	snprintf(x->text, sizeof x->text, "%s", line);
	x->p.text = x->text;
}

static void lx_close(struct lx *x)
{
	dv_msgs_finish(&x->m);
	dv_arena_free(x->L.arena);
}

static bool tok_eq(const struct dv_tok *k, enum dv_tk kind, const char *text, uint32_t col)
{
	return k->kind == kind && k->len == strlen(text) && !strncmp(k->s, text, k->len) &&
	       k->col == col;
}

static void test_tokens(void)
{
	struct lx x;
	lx_open(&x, "expect dma.ch1.count+1 >= 0x10 && nic.isr != 0 # a comment");
	CHECK(dv_lex(&x.p));
	CHECK_EQ(x.p.nt, 10);
	CHECK(tok_eq(&x.p.tok[0], DV_TK_WORD, "expect", 1));
	CHECK(tok_eq(&x.p.tok[1], DV_TK_WORD, "dma.ch1.count", 8));
	CHECK(tok_eq(&x.p.tok[2], DV_TK_OP, "+", 21));
	CHECK(x.p.tok[2].glued);
	CHECK(tok_eq(&x.p.tok[3], DV_TK_NUM, "1", 22));
	CHECK(x.p.tok[3].num_ok && x.p.tok[3].num == 1);
	CHECK(tok_eq(&x.p.tok[4], DV_TK_OP, ">=", 24));
	CHECK(!x.p.tok[4].glued);
	CHECK(x.p.tok[5].kind == DV_TK_NUM && x.p.tok[5].num == 0x10);
	CHECK(tok_eq(&x.p.tok[6], DV_TK_OP, "&&", 32));
	CHECK(tok_eq(&x.p.tok[8], DV_TK_OP, "!=", 43));
	CHECK(x.p.tok[10].kind == DV_TK_END);
	CHECK(x.m.n == 0);
	lx_close(&x);

	lx_open(&x, "call X channel=2 write=yes");
	CHECK(dv_lex(&x.p));
	CHECK(x.p.tok[3].kind == DV_TK_EQ && x.p.tok[3].glued);
	CHECK(dv_tok_is(&x.p.tok[2], "channel"));
	CHECK(!dv_tok_is(&x.p.tok[2], "chan"));
	lx_close(&x);
}

static void test_strings(void)
{
	struct lx x;
	lx_open(&x, "title \"a \\\"quoted\\\" word\\nnext\"");
	CHECK(dv_lex(&x.p));
	CHECK(x.p.tok[1].kind == DV_TK_STR);
	CHECK(!strcmp(x.p.tok[1].str, "a \"quoted\" word\nnext"));
	lx_close(&x);

	lx_open(&x, "title \"open");
	CHECK(!dv_lex(&x.p));
	CHECK(x.m.n == 1 && !strcmp(x.m.v[0].text, "t.lesson:7:7: error: unterminated string"));
	lx_close(&x);

	lx_open(&x, "expect a | b");
	CHECK(!dv_lex(&x.p));
	CHECK(x.m.n == 1 && strstr(x.m.v[0].text, "t.lesson:7:10: error: unexpected '|'"));
	CHECK(x.m.v[0].hint && !strcmp(x.m.v[0].hint, "write || for 'or'"));
	lx_close(&x);
}

static void test_readers(void)
{
	struct lx x;
	uint32_t v = 0;
	lx_open(&x, "out 0x3f0 300");
	CHECK(dv_lex(&x.p));
	dv_next(&x.p);
	CHECK(dv_want_num(&x.p, "a port", 0, 0xFFFF, &v) && v == 0x3f0);
	CHECK(!dv_want_num(&x.p, "a byte", 0, 255, &v));
	CHECK(x.m.n == 1 &&
	      !strcmp(x.m.v[0].text,
	              "t.lesson:7:11: error: a byte must be between 0 and 255, got 300"));
	CHECK(dv_at_end(&x.p) && dv_want_end(&x.p));
	lx_close(&x);

	lx_open(&x, "peer send 60 count 2");
	CHECK(dv_lex(&x.p));
	x.p.pos = 3;
	struct dv_tok *key = NULL;
	CHECK(dv_want_kv(&x.p, &key) == NULL);
	CHECK(x.m.n == 1 && strstr(x.m.v[0].text, "7:14: error: expected key=value, got 'count'"));
	lx_close(&x);

	lx_open(&x, "dreq 2 maybe");
	CHECK(dv_lex(&x.p));
	CHECK(!dv_want_bool(&x.p, &x.p.tok[2], "dreq", &v));
	CHECK(x.m.n == 1 && strstr(x.m.v[0].text, "dreq must be yes or no, got 'maybe'"));
	CHECK(dv_want_bool(&x.p, &x.p.tok[1], "x", &v) == false); /* 2 is not a yes/no word */
	lx_close(&x);
}

static void test_numbers(void)
{
	uint32_t v;
	CHECK(dv_script_number("73", 2, &v) && v == 73);
	CHECK(dv_script_number("0x49", 4, &v) && v == 0x49);
	CHECK(dv_script_number("0b1001001", 9, &v) && v == 73);
	CHECK(dv_script_number("16M", 3, &v) && v == 16u << 20);
	CHECK(dv_script_number("4K", 2, &v) && v == 4096);
	CHECK(dv_script_number("0x00_10", 7, &v) && v == 0x10);
	CHECK(!dv_script_number("0x", 2, &v));
	CHECK(!dv_script_number("12q", 3, &v));
	CHECK(!dv_script_number("0x100000000", 11, &v));
	CHECK(dv_bool_word("yes", 3) == 1 && dv_bool_word("off", 3) == 0 &&
	      dv_bool_word("maybe", 5) < 0);
}

static void test_suggest(void)
{
	struct dv_suggest s;
	char hint[160];
	dv_suggest_init(&s, "setp", 4);
	dv_suggest_try(&s, "say");
	dv_suggest_try(&s, "step");
	CHECK(dv_suggest_hint(&s, hint, sizeof hint) && !strcmp(hint, "did you mean 'step'?"));
	dv_suggest_init(&s, "zzzz", 4);
	dv_suggest_try(&s, "step");
	CHECK(dv_suggest_hint(&s, hint, sizeof hint) == NULL);
}

/* Backslash-continued lines are one logical line; errors name its first line. */
static void test_continuation(void)
{
	struct dv_msgs m;
	dv_msgs_init(&m);
	const char *text = "lesson t\nout 0x0A \\\n  0x05\nout 0x0A \\\n 0x05 7\n";
	struct dv_lesson *L = dv_lesson_parse("t.lesson", text, strlen(text), &m);
	CHECK(L == NULL);
	CHECK(m.n == 1 && m.v && strstr(m.v[0].text, "t.lesson:4:") &&
	      strstr(m.v[0].text, "unexpected '7'"));
	dv_msgs_finish(&m);
}

CHECK_MAIN(CHECK_CASE(test_tokens), CHECK_CASE(test_strings), CHECK_CASE(test_readers),
           CHECK_CASE(test_numbers), CHECK_CASE(test_suggest), CHECK_CASE(test_continuation))

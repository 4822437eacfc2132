/* dmaviz: unit tests of the lesson language's keyword table (src/lang/keywords.c): its rows are
 * complete, the parser dispatches through it (where a statement may stand, `do`, the two
 * `driver` rows, ask clauses, suggestions), and docs/lesson-format.md names every keyword and
 * no statement the table lacks. Argument: the path of docs/lesson-format.md. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "lang_int.h"

static const char *doc_path;

static char *read_doc(void)
{
	FILE *f = doc_path ? fopen(doc_path, "rb") : NULL;
	if (!f)
		return NULL;
	char *buf = malloc(1u << 20);
	size_t n = buf ? fread(buf, 1, (1u << 20) - 1, f) : 0;
	fclose(f);
	if (buf)
		buf[n] = 0;
	return buf;
}

static void test_rows(void)
{
	size_t nhelp = 0;
	struct dv_keyword_help h;
	while (dv_lang_keyword_help(nhelp, &h))
		nhelp++;
	CHECK_EQ(nhelp, dv_nkeywords);
	for (size_t i = 0; i < dv_nkeywords; i++) {
		const struct dv_keyword *k = &dv_keywords[i];
		CHECK(k->name && k->name[0] && k->parse && k->synopsis);
		/* the synopsis shows the statement as written: it starts with its keyword */
		if (strncmp(k->synopsis, k->name, strlen(k->name)) != 0)
			fprintf(stderr, "row %s: synopsis '%s'\n", k->name, k->synopsis);
		CHECK(!strncmp(k->synopsis, k->name, strlen(k->name)));
		if (k->where == DV_KW_META || k->where == DV_KW_CLAUSE)
			CHECK(k->exec == NULL && !(k->flags & DV_KW_LOOKS));
		if (k->where == DV_KW_ACTION)
			CHECK(k->exec != NULL && !(k->flags & DV_KW_LOOKS));
		CHECK(dv_keyword_find(k->name, strlen(k->name), NULL) != NULL);
	}
	const struct dv_keyword *d = dv_keyword_find("driver", 6, NULL);
	CHECK(d && d->where == DV_KW_ACTION);
	d = d ? dv_keyword_find("driver", 6, d) : NULL;
	CHECK(d && d->where == DV_KW_META);
	CHECK(d && dv_keyword_find("driver", 6, d) == NULL);
	CHECK(dv_keyword_find("nosuch", 6, NULL) == NULL);
	CHECK(dv_keyword_find("out", 2, NULL) == NULL); /* "ou" */
}

/* Every keyword of the table appears in the documentation, quoted in the grammar or in code. */
static void test_doc_names_every_keyword(void)
{
	char *doc = read_doc();
	CHECK(doc != NULL);
	if (!doc)
		return;
	for (size_t i = 0; i < dv_nkeywords; i++) {
		char q[64], c[64];
		snprintf(q, sizeof q, "\"%s\"", dv_keywords[i].name);
		snprintf(c, sizeof c, "`%s", dv_keywords[i].name);
		bool found = strstr(doc, q) || strstr(doc, c);
		if (!found)
			fprintf(stderr, "docs/lesson-format.md does not name '%s'\n",
			        dv_keywords[i].name);
		CHECK(found);
	}
	free(doc);
}

/* The grammar summary (§14) names no statement the table lacks: the first quoted word of each
 * alternative of statement, meta, config, askclause and action is a keyword. */
static void test_doc_grammar_in_table(void)
{
	char *doc = read_doc();
	CHECK(doc != NULL);
	if (!doc)
		return;
	const char *g = strstr(doc, "## 14. Grammar summary");
	CHECK(g != NULL);
	const char *start = g ? strstr(g, "```\n") : NULL;
	const char *end = start ? strstr(start + 4, "```") : NULL;
	CHECK(start && end);
	unsigned checked = 0;
	bool in_stmt = false;
	for (const char *l = start ? start + 4 : NULL; l && l < end;) {
		const char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l) : strlen(l);
		char line[256];
		snprintf(line, sizeof line, "%.*s", (int)(len < 255 ? len : 255), l);
		/* a production starts at column 0; its continuation lines are indented */
		if (line[0] != ' ') {
			static const char *const heads[] = { "statement", "meta", "config",
				                             "askclause", "action" };
			in_stmt = false;
			for (size_t h = 0; h < 5; h++)
				if (!strncmp(line, heads[h], strlen(heads[h])) &&
				    line[strlen(heads[h])] == ' ')
					in_stmt = true;
		}
		char *alt = strstr(line, ":=");
		alt = in_stmt ? (alt ? alt + 2 : line) : NULL;
		/* each alternative: from the start or after a '|' outside quotes and brackets */
		for (char *a = alt; a && *a;) {
			int depth = 0;
			bool quoted = false;
			char *q = NULL, *p = a;
			for (; *p; p++) {
				if (*p == '"')
					quoted = !quoted;
				if (quoted)
					continue;
				if (*p == '(' || *p == '[' || *p == '{')
					depth++;
				if (*p == ')' || *p == ']' || *p == '}')
					depth--;
				if (*p == '|' && depth == 0)
					break;
			}
			/* the first quoted word of the alternative, when it starts with one */
			char *s = a;
			while (*s == ' ' || *s == '[')
				s++;
			if (*s == '"')
				q = s + 1;
			if (q && (p == a || q < p)) {
				char *qe = strchr(q, '"');
				if (qe) {
					const struct dv_keyword *k =
					        dv_keyword_find(q, (size_t)(qe - q), NULL);
					if (!k)
						fprintf(stderr,
						        "the grammar names '%.*s', which the keyword table lacks\n",
						        (int)(qe - q), q);
					CHECK(k != NULL);
					checked++;
				}
			}
			a = *p ? p + 1 : NULL;
		}
		l = nl ? nl + 1 : NULL;
	}
	CHECK(checked >= 25); /* the summary still lists the statements */
	free(doc);
}

static struct dv_lesson *parse(const char *text, struct dv_msgs *m)
{
	dv_msgs_init(m);
	return dv_lesson_parse("t.lesson", text, strlen(text), m);
}

/* The first error of text, or "" when it parses. */
static void first_error(const char *text, char *out, size_t size, char *hint, size_t hsize)
{
	struct dv_msgs m;
	struct dv_lesson *L = parse(text, &m);
	snprintf(out, size, "%s", m.n ? m.v[0].text : "");
	snprintf(hint, hsize, "%s", m.n && m.v[0].hint ? m.v[0].hint : "");
	dv_lesson_free(L);
	dv_msgs_finish(&m);
}

static void test_dispatch(void)
{
	char e[512], h[256];
	first_error("step \"a\"\nlesson x\n", e, sizeof e, h, sizeof h);
	CHECK(!strcmp(
	        e,
	        "t.lesson:2:1: error: 'lesson' must come before the first step and the first action"));
	first_error("level 2\nlevel 3\n", e, sizeof e, h, sizeof h);
	CHECK(!strcmp(e, "t.lesson:2:1: error: 'level' given twice"));
	first_error("allow dma-busy\nallow dma-busy\n", e, sizeof e, h, sizeof h);
	CHECK(!strcmp(e, "")); /* allow may repeat */
	first_error("do lesson x\n", e, sizeof e, h, sizeof h);
	CHECK(!strcmp(e, "t.lesson:1:4: error: expected an action after 'do', got 'lesson'"));
	first_error("do driver reference\n", e, sizeof e, h, sizeof h);
	CHECK(!strcmp(e, "t.lesson:1:4: error: expected an action after 'do', got 'driver'"));
	first_error("driver reference\ndo out 0x0A 5\ndriver init\n", e, sizeof e, h, sizeof h);
	CHECK(!strcmp(e, ""));
	first_error("driver init\n", e, sizeof e, h, sizeof h);
	CHECK(strstr(e, "t.lesson:1:8: error: 'driver init' needs a driver") == e);
	first_error("hint \"x\"\n", e, sizeof e, h, sizeof h);
	CHECK(!strcmp(e, "t.lesson:1:1: error: 'hint' must follow an 'ask'"));
	first_error(
	        "step \"a\"\nask \"q?\"\nanswer 1\nhint \"h\"\nexplain \"e\"\nid q7\nattempts 2\n",
	        e, sizeof e, h, sizeof h);
	CHECK(!strcmp(e, ""));
	first_error("setp \"a\"\n", e, sizeof e, h, sizeof h);
	CHECK(!strcmp(e, "t.lesson:1:1: error: unknown statement 'setp'"));
	CHECK(!strcmp(h, "did you mean 'step'?"));
	/* id and attempts are never offered for a typo */
	first_error("attempt 3\n", e, sizeof e, h, sizeof h);
	CHECK(!strcmp(h, "see docs/lesson-format.md for the statements"));
}

/* Every statement records the row that parsed it; its kind is the row's. */
static void test_rows_recorded(void)
{
	struct dv_msgs m;
	struct dv_lesson *L = parse("driver reference\nstep \"a\"\nsay hi\ndo out 0x0A 5\nrun 10\n"
	                            "run quiet\nwrite 0x1000 1 2\nexpect 1\ngoal 1\ndriver init\n",
	                            &m);
	CHECK(L != NULL);
	if (!L) {
		dv_msgs_finish(&m);
		return;
	}
	static const char *const want[] = {
		"out", "run", "run", "write", "expect", "goal", "driver"
	};
	CHECK_EQ(L->nstmts, 7);
	for (size_t i = 0; i < L->nstmts && i < 7; i++)
		CHECK(L->stmts[i].keyword && !strcmp(L->stmts[i].keyword->name, want[i]));
	CHECK(L->stmts[1].kind == DV_ST_TICK && L->stmts[1].cycles == 10);
	CHECK(L->stmts[2].kind == DV_ST_RUN_QUIET &&
	      L->stmts[2].run.max == DV_SCRIPT_DEFAULT_RUN_MAX);
	CHECK(L->stmts[3].kind == DV_ST_WRITE && L->stmts[3].mem.n == 2 &&
	      L->stmts[3].mem.data[1] == 2);
	CHECK(L->stmts[6].kind == DV_ST_DRIVER_INIT);
	dv_lesson_free(L);
	dv_msgs_finish(&m);
}

/* The sandbox prompt: a header or file-only statement says where it belongs. */
static void test_prompt(void)
{
	struct dv_msgs m;
	struct dv_lesson *L = parse("lesson t\n", &m);
	CHECK(L != NULL);
	if (!L)
		return;
	struct dv_arena *arena = NULL;
	struct dv_stmt s;
	CHECK(dv_script_parse_command(L, &arena, "sandbox", 1, "in 0x08", &s, &m));
	CHECK(s.kind == DV_ST_IN && s.io.port == 8 && s.keyword && !strcmp(s.keyword->name, "in"));
	CHECK(!dv_script_parse_command(L, &arena, "sandbox", 2, "say hello", &s, &m));
	CHECK(!dv_script_parse_command(L, &arena, "sandbox", 3, "goal 1", &s, &m));
	CHECK(!dv_script_parse_command(L, &arena, "sandbox", 4, "title \"x\"", &s, &m));
	CHECK(m.n == 3);
	if (m.n == 3) {
		CHECK(!strcmp(m.v[0].text, "sandbox:2:1: error: 'say' belongs in a lesson file"));
		CHECK(!strcmp(m.v[1].text, "sandbox:3:1: error: 'goal' belongs in a lesson file"));
		CHECK(!strcmp(
		        m.v[2].text,
		        "sandbox:4:1: error: 'title' belongs in a lesson file, not the prompt"));
	}
	dv_arena_free(arena);
	dv_lesson_free(L);
	dv_msgs_finish(&m);
}

int main(int argc, char **argv)
{
	static const struct check_case cases[] = {
		CHECK_CASE(test_rows),
		CHECK_CASE(test_doc_names_every_keyword),
		CHECK_CASE(test_doc_grammar_in_table),
		CHECK_CASE(test_dispatch),
		CHECK_CASE(test_rows_recorded),
		CHECK_CASE(test_prompt),
	};
	doc_path = argc > 1 ? argv[1] : NULL;
	return check_run(cases, (int)(sizeof cases / sizeof cases[0]));
}

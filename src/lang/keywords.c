/* dmaviz: the lesson language's keyword table: one row per statement (docs/lesson-format.md).
 *
 * A row names the keyword, where it may stand, the function that parses it (statements.c), the
 * function that runs it (engine.c) and a one-line synopsis. The parser dispatches through it,
 * "did you mean" suggests from it, `dmaviz lesson-help` prints it, and tests/unit/test-keywords.c
 * checks it against the documentation. Adding a statement is one row here plus its two functions
 * (and its DV_ST_* kind in lesson.h when it makes a new kind of statement).
 *
 * The order is the order of suggestions (the first of equally close names wins) and of the help.
 */
#include <string.h>

#include "lang_int.h"

/* clang-format off */
#define ROW(name, where, bit, flags, parse, exec, synopsis) \
	{ name, where, bit, flags, parse, exec, synopsis }
/* clang-format on */

const struct dv_keyword dv_keywords[] = {
	/* the file's header (§3, §4) */
	ROW("lesson", DV_KW_META, DV_META_LESSON, 0, dv_parse_lesson, NULL, "lesson ID"),
	ROW("title", DV_KW_META, DV_META_TITLE, 0, dv_parse_title, NULL, "title \"TEXT\""),
	ROW("level", DV_KW_META, DV_META_LEVEL, 0, dv_parse_level, NULL, "level 1|2|3"),
	ROW("summary", DV_KW_META, DV_META_SUMMARY, 0, dv_parse_title, NULL, "summary \"TEXT\""),
	ROW("machine", DV_KW_META, DV_META_MACHINE, 0, dv_parse_machine, NULL,
	    "machine [channel=N] [width=8|16] [irq=N] [nic=PORT] [memory=SIZE] [coherent=yes|no] "
	    "[wire=N] [seed=N] [budget=N]"),
	/* `driver init|send|halt` is an action; the header's `driver` is the row after it */
	ROW("driver", DV_KW_ACTION, 0, 0, dv_parse_driver_action, dv_exec_driver,
	    "driver init | driver send LEN [buffers=N] [at=ADDR] [above16m] [cross64k] [scattered] "
	    "[count=N] [turnaround=US] | driver query OID [bytes=N] | driver set OID VALUE | "
	    "driver halt"),
	ROW("driver", DV_KW_META, DV_META_DRIVER, 0, dv_parse_driver_setting, NULL,
	    "driver reference|irsim [copy=N] | driver none | driver file"),
	ROW("allow", DV_KW_META, 0, 0, dv_parse_allow, NULL, "allow RULE..."),
	ROW("compare-to", DV_KW_META, DV_META_COMPARE, 0, dv_parse_compare_to, NULL,
	    "compare-to FILE"),
	/* steps and narration (§5) */
	ROW("step", DV_KW_FILE, 0, 0, dv_parse_step, NULL, "step \"TITLE\" [id=NAME]"),
	ROW("say", DV_KW_FILE, 0, DV_KW_TEXT, dv_parse_say, NULL, "say TEXT"),
	ROW("solution", DV_KW_ANY, 0, 0, dv_parse_solution, NULL, "solution"),
	ROW("do", DV_KW_ANY, 0, 0, dv_parse_do, NULL, "do ACTION"),
	/* actions (§6) */
	ROW("out", DV_KW_ACTION, 0, 0, dv_parse_out, dv_exec_out, "out PORT BYTE"),
	ROW("in", DV_KW_ACTION, 0, 0, dv_parse_in, dv_exec_in, "in PORT"),
	ROW("poke", DV_KW_ACTION, 0, 0, dv_parse_poke, dv_exec_poke, "poke ADDR BYTE..."),
	ROW("write", DV_KW_ACTION, 0, 0, dv_parse_poke, dv_exec_write, "write ADDR BYTE..."),
	ROW("fill", DV_KW_ACTION, 0, 0, dv_parse_fill, dv_exec_fill,
	    "fill ADDR LEN BYTE|ramp|random|packet=N"),
	ROW("read", DV_KW_ACTION, 0, 0, dv_parse_read, dv_exec_read, "read ADDR LEN"),
	ROW("tick", DV_KW_ACTION, 0, 0, dv_parse_tick, dv_exec_tick, "tick [N]"),
	ROW("run", DV_KW_ACTION, 0, 0, dv_parse_run, dv_exec_run,
	    "run N [cycles] | run until CONDITION [max N] | run quiet [max N]"),
	ROW("dreq", DV_KW_ACTION, 0, 0, dv_parse_dreq, dv_exec_dreq, "dreq CHANNEL on|off"),
	ROW("irql", DV_KW_ACTION, 0, 0, dv_parse_irql, dv_exec_irql, "irql passive|dispatch|dirql"),
	ROW("buffer", DV_KW_ACTION, 0, 0, dv_parse_buffer, dv_exec_buffer,
	    "buffer NAME at ADDR|alloc len N [scattered]"),
	ROW("call", DV_KW_ACTION, 0, 0, dv_parse_call, dv_exec_call,
	    "call NDIS-CALL [KEY=VALUE...]"),
	ROW("peer", DV_KW_ACTION, 0, 0, dv_parse_peer, dv_exec_peer, "peer send LEN [count=N]"),
	/* checks, questions, output (§8-§10) */
	ROW("expect", DV_KW_ANY, 0, DV_KW_LOOKS, dv_parse_expect, dv_exec_expect,
	    "expect CONDITION"),
	ROW("goal", DV_KW_FILE, 0, DV_KW_LOOKS, dv_parse_expect, NULL, "goal CONDITION"),
	ROW("ask", DV_KW_FILE, 0, DV_KW_LOOKS, dv_parse_ask, dv_exec_ask,
	    "ask \"QUESTION\" [answer VALUE...] [hint \"TEXT\"] [explain \"TEXT\"] [id NAME] "
	    "[attempts N]"),
	ROW("answer", DV_KW_CLAUSE, 0, 0, dv_parse_clause, NULL, "answer VALUE..."),
	ROW("hint", DV_KW_CLAUSE, 0, 0, dv_parse_clause, NULL, "hint \"TEXT\""),
	ROW("explain", DV_KW_CLAUSE, 0, 0, dv_parse_clause, NULL, "explain \"TEXT\""),
	/* an ask's id and attempts are short or rare words, never offered for a typo */
	ROW("id", DV_KW_CLAUSE, 0, DV_KW_NO_SUGGEST, dv_parse_clause, NULL, "id NAME"),
	ROW("attempts", DV_KW_CLAUSE, 0, DV_KW_NO_SUGGEST, dv_parse_clause, NULL, "attempts N"),
	ROW("output-list", DV_KW_ANY, 0, DV_KW_LOOKS, dv_parse_output_list, dv_exec_output_list,
	    "output-list NAME[%FL.W.R]..."),
	ROW("output", DV_KW_ANY, 0, DV_KW_LOOKS, dv_parse_output, dv_exec_output, "output"),
	ROW("break", DV_KW_ANY, 0, DV_KW_LOOKS, dv_parse_break, NULL, "break at CONDITION"),
};

const size_t dv_nkeywords = sizeof dv_keywords / sizeof dv_keywords[0];

const struct dv_keyword *dv_keyword_find(const char *name, size_t len,
                                         const struct dv_keyword *after)
{
	size_t i = after ? (size_t)(after - dv_keywords) + 1 : 0;
	for (; i < dv_nkeywords; i++)
		if (strlen(dv_keywords[i].name) == len && !strncmp(dv_keywords[i].name, name, len))
			return &dv_keywords[i];
	return NULL;
}

bool dv_lang_keyword_help(size_t i, struct dv_keyword_help *out)
{
	static const char *const where[] = {
		[DV_KW_META] = "header",        [DV_KW_FILE] = "lesson file",
		[DV_KW_ANY] = "file or prompt", [DV_KW_ACTION] = "action",
		[DV_KW_CLAUSE] = "after ask",
	};
	if (i >= dv_nkeywords)
		return false;
	out->name = dv_keywords[i].name;
	out->where = where[dv_keywords[i].where];
	out->synopsis = dv_keywords[i].synopsis;
	return true;
}

/* dmaviz: a libFuzzer target for the lesson language (src/script.c, src/lesson.c).
 *
 * The input is a lesson file. It is parsed; when it parses, it runs on a fresh machine with a
 * small cycle budget (BUDGET: it runs three times, and a cheap input lets the fuzzer do
 * thousands a second), its compare file (any name) being a fixed little table; then its first
 * lines are fed to the sandbox prompt. Invariants, checked with abort():
 *  - parsing fails exactly when it reports an error, and every error reads FILE:LINE...;
 *  - a run ends (DONE or STOPPED) near its cycle budget, and a STOPPED run said why;
 *  - every step that ran has a trace range inside the trace;
 *  - running the same lesson twice gives the same trace and machine state (determinism).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lesson.h"
#include "sim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define BUDGET 5000u
#define STALL_SLACK 100000u

static char *load(void *ctx, const char *lesson_file, const char *name, size_t *len)
{
	static const char table[] = "|cycle |dma.ch|\n|    0 | *** |\n|  *   |\n";
	(void)ctx;
	(void)lesson_file;
	(void)name;
	char *s = malloc(sizeof table);
	if (s) {
		memcpy(s, table, sizeof table);
		*len = sizeof table - 1;
	}
	return s;
}

static const char *answer(void *ctx, const char *lesson_id, const char *ask_id)
{
	(void)ctx;
	(void)lesson_id;
	return ask_id[0] == 'q' ? "0x49" : NULL;
}

#define REQUIRE(cond)                                                                              \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz-lesson: %s:%d: %s\n", __FILE__, __LINE__, #cond);    \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

static uint64_t run_once(const struct dv_lesson *L, bool strict, const char *text, size_t size)
{
	struct dv_run_options o;
	memset(&o, 0, sizeof o);
	o.strict = strict;
	o.load = load;
	o.answer = strict ? answer : NULL;
	o.cycle_budget = BUDGET;
	struct dv_run *run = dv_run_create(L, &o);
	if (!run)
		return 0;
	enum dv_run_state st = dv_run_all(run);
	struct dv_sim *sim = dv_run_sim(run);
	REQUIRE(st == DV_RUN_DONE || st == DV_RUN_STOPPED);
	/* The engine stops at the budget; one driver call may stall the machine a little past it. */
	REQUIRE(sim->st.cycle <= BUDGET + STALL_SLACK);
	const struct dv_msgs *m = dv_run_msgs(run);
	if (st == DV_RUN_STOPPED)
		REQUIRE(m->n > 0 || m->dropped > 0);
	for (size_t i = 0; i < m->n; i++)
		REQUIRE(!strncmp(m->v[i].text, L->file, strlen(L->file)));
	for (unsigned k = 0; k < L->nsteps; k++) {
		size_t first, end;
		if (dv_run_step_events(run, k, &first, &end))
			REQUIRE(first <= end && end <= sim->trace.len);
	}
	/* The sandbox prompt takes the file's first lines as commands. */
	size_t pos = 0;
	for (int line = 0; line < 6 && pos < size; line++) {
		char cmd[256];
		size_t n = 0;
		while (pos < size && text[pos] != '\n' && n + 1 < sizeof cmd) {
			char c = text[pos++];
			cmd[n++] = c ? c : ' ';
		}
		while (pos < size && text[pos] != '\n')
			pos++;
		pos++;
		cmd[n] = 0;
		dv_run_command(run, cmd);
	}
	uint64_t h = dv_trace_hash(&sim->trace, sim->trace.len) ^ dv_sim_state_hash(sim);
	dv_run_destroy(run);
	return h;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dv_msgs msgs;
	if (size > 65536)
		return 0;
	dv_msgs_init(&msgs);
	struct dv_lesson *L = dv_lesson_parse("fuzz.lesson", (const char *)data, size, &msgs);
	REQUIRE((L == NULL) == (dv_msgs_count(&msgs, DV_MSG_ERROR) > 0));
	for (size_t i = 0; i < msgs.n; i++)
		REQUIRE(!strncmp(msgs.v[i].text, "fuzz.lesson:", 12) &&
		        strstr(msgs.v[i].text, "error: "));
	if (L) {
		REQUIRE(L->id && L->title && L->level >= 1 && L->level <= 3);
		for (size_t i = 0; i < L->nstmts; i++)
			REQUIRE(L->stmts[i].step < L->nsteps);
		uint64_t a = run_once(L, false, (const char *)data, size);
		uint64_t b = run_once(L, false, (const char *)data, size);
		REQUIRE(a == b);
		run_once(L, true, (const char *)data, size);
	}
	dv_lesson_free(L);
	dv_msgs_finish(&msgs);
	return 0;
}

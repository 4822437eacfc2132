/* dmaviz: unit tests of the lesson engine (src/lang/engine.c): what each exec function of the
 * keyword table does to the machine, the marks every statement leaves in the trace, the bounds,
 * and the sandbox prompt running one action. */
#include <string.h>

#include "check.h"
#include "lesson.h"
#include "sim.h"
#include "trace.h"

struct run {
	struct dv_msgs m;
	struct dv_lesson *L;
	struct dv_run *r;
};

static bool run_text(struct run *x, const char *text)
{
	memset(x, 0, sizeof *x);
	dv_msgs_init(&x->m);
	x->L = dv_lesson_parse("t.lesson", text, strlen(text), &x->m);
	x->r = x->L ? dv_run_create(x->L, NULL) : NULL;
	return x->r && dv_run_all(x->r) == DV_RUN_DONE;
}

static void run_free(struct run *x)
{
	dv_run_destroy(x->r);
	dv_lesson_free(x->L);
	dv_msgs_finish(&x->m);
}

static uint32_t val(struct run *x, const char *name)
{
	uint32_t v = 0xDEADBEEFu;
	CHECK(dv_run_eval_name(x->r, name, &v, NULL));
	return v;
}

static void test_ports_and_memory(void)
{
	struct run x;
	CHECK(run_text(&x,
	               "out 0x0A 0x05\nout 0x0C 0\nout 0x02 0x34\nout 0x02 0x12\nin 0x02\n"
	               "poke 0x3000 1 2 3\nwrite 0x3010 9\nfill 0x4000 4 ramp\nfill 0x5000 2 0xAA\n"
	               "read 0x4000 3\n"));
	CHECK_EQ(val(&x, "dma.ch1.masked"), 1);
	CHECK_EQ(val(&x, "last.in"), 0x34);
	CHECK_EQ(val(&x, "mem[0x3002]"), 3);
	CHECK_EQ(val(&x, "cpu[0x3010]"), 9);
	CHECK_EQ(val(&x, "mem[0x4003]"), 3);
	CHECK_EQ(val(&x, "mem[0x5001]"), 0xAA);
	CHECK_EQ(val(&x, "last.read[2]"), 2);
	CHECK_EQ(val(&x, "ports.out"), 4);
	/* read says what it read, as information */
	const struct dv_msgs *rm = dv_run_msgs(x.r);
	CHECK(rm->n == 1 && rm->v[0].kind == DV_MSG_INFO &&
	      strstr(rm->v[0].text, "read 0x4000: 00 01 02"));
	run_free(&x);
}

static void test_time_and_lines(void)
{
	struct run x;
	CHECK(run_text(&x, "tick 5\nrun 7 cycles\ndreq 2 on\nirql dispatch\nrun quiet max 100\n"));
	CHECK_EQ(val(&x, "dma.ch2.dreq"), 1);
	CHECK_EQ(val(&x, "cpu.irql"), 2);
	CHECK(val(&x, "cycle") >= 12);
	run_free(&x);

	CHECK(!run_text(&x, "out 0x0A 0x05\nrun until dma.ch1.masked == 0 max 10\n"));
	CHECK(x.r && dv_run_state(x.r) == DV_RUN_STOPPED);
	const struct dv_msgs *rm = x.r ? dv_run_msgs(x.r) : NULL;
	CHECK(rm && rm->n == 1 &&
	      strstr(rm->v[0].text,
	             "t.lesson:2: run until dma.ch1.masked == 0: still false after 10 cycles"));
	run_free(&x);
}

/* Each statement marks the trace with its line before its events. */
static void test_marks(void)
{
	struct run x;
	CHECK(run_text(&x, "out 0x0A 0x05\n\ntick 2\nexpect dma.ch1.masked\n"));
	const struct dv_trace *t = &dv_run_sim(x.r)->trace;
	uint32_t lines[8];
	unsigned n = 0;
	for (size_t i = 0; i < t->len && n < 8; i++)
		if (t->ev[i].kind == DV_EV_MARK && t->ev[i].slot == DV_MARK_STMT)
			lines[n++] = t->ev[i].index;
	CHECK_EQ(n, 3);
	CHECK(n == 3 && lines[0] == 1 && lines[1] == 3 && lines[2] == 4);
	run_free(&x);
}

static void test_expect_and_output(void)
{
	struct run x;
	CHECK(run_text(&x, "output-list cycle%D1.4.1 dma.ch1.masked%D1.1.1\nout 0x0A 0x05\noutput\n"
	                   "expect dma.ch1.masked == 0\n"));
	CHECK_EQ(dv_run_rows(x.r), 2);
	CHECK(!strcmp(dv_run_row(x.r, 0), "|cycle |dma|"));
	CHECK(!strcmp(dv_run_row(x.r, 1), "|    0 | 1 |"));
	const struct dv_msgs *rm = dv_run_msgs(x.r);
	CHECK(rm->n == 1 && rm->v[0].kind == DV_MSG_FAIL &&
	      !strcmp(rm->v[0].text,
	              "t.lesson:4: expect failed: dma.ch1.masked == 0 (dma.ch1.masked = 1; cycle 0)"));
	run_free(&x);
}

static void test_peer_and_prompt(void)
{
	struct run x;
	CHECK(run_text(&x, "peer send 60 count=2\n"));
	CHECK(dv_run_command(x.r, "out 0x0A 0x05"));
	CHECK_EQ(val(&x, "dma.ch1.masked"), 1);
	CHECK(!dv_run_command(x.r, "ask \"no\""));
	run_free(&x);
}

CHECK_MAIN(CHECK_CASE(test_ports_and_memory), CHECK_CASE(test_time_and_lines),
           CHECK_CASE(test_marks), CHECK_CASE(test_expect_and_output),
           CHECK_CASE(test_peer_and_prompt))

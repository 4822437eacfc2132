/* dmaviz: unit tests of the lesson engine (src/lang/engine.c): what each exec function of the
 * keyword table does to the machine, the marks every statement leaves in the trace, the bounds,
 * and the sandbox prompt running one action. */
#include <string.h>

#include "check.h"
#include "dvndis.h"
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
		if (dv_trace_at(t, i)->kind == DV_EV_MARK &&
		    dv_trace_at(t, i)->slot == DV_MARK_STMT)
			lines[n++] = dv_trace_at(t, i)->index;
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
	/* Each row keeps its moment: the header before any event, the row after the out's. */
	size_t len = dv_trace_len(&dv_run_sim(x.r)->trace);
	size_t out_at = SIZE_MAX; /* where the out's event is */
	for (size_t i = 0; i < len && out_at == SIZE_MAX; i++)
		if (dv_trace_at(&dv_run_sim(x.r)->trace, i)->kind == DV_EV_PORT_OUT)
			out_at = i;
	CHECK(out_at != SIZE_MAX);
	CHECK(dv_run_row_pos(x.r, 0) <= out_at);
	CHECK(dv_run_row_pos(x.r, 1) > out_at && dv_run_row_pos(x.r, 1) <= len);
	CHECK_EQ(dv_run_row_pos(x.r, 2), SIZE_MAX);
	const struct dv_msgs *rm = dv_run_msgs(x.r);
	CHECK(rm->n == 1 && rm->v[0].kind == DV_MSG_FAIL &&
	      !strcmp(rm->v[0].text,
	              "t.lesson:4: expect failed: dma.ch1.masked == 0 (dma.ch1.masked = 1, expected "
	              "0; cycle 0)"));
	run_free(&x);
}

/* The first message of kind k, or NULL. */
static const struct dv_msg *msg_of(const struct dv_run *r, enum dv_msg_kind k)
{
	const struct dv_msgs *m = dv_run_msgs(r);
	for (size_t i = 0; i < m->n; i++)
		if (m->v[i].kind == k)
			return &m->v[i];
	return NULL;
}

static void test_values_as_written(void)
{
	/* Against a hex literal the value is hex, as many digits as the test wrote. */
	struct run x;
	run_text(&x, "out 0x0B 0x45\nexpect dma.ch1.mode == 0x09\n");
	const struct dv_msg *f = msg_of(x.r, DV_MSG_FAIL);
	CHECK(f && strstr(f->text, "(dma.ch1.mode = 0x45, expected 0x09; cycle "));
	run_free(&x);
	run_text(&x, "expect dma.ch1.masked == 0x0000\n");
	f = msg_of(x.r, DV_MSG_FAIL);
	CHECK(f && strstr(f->text, "(dma.ch1.masked = 0x0001, expected 0x0000; cycle "));
	run_free(&x);
	/* Decimal against decimal; a literal on the left is said from the name's side. */
	run_text(&x, "expect 3 < dma.ch1.masked\n");
	f = msg_of(x.r, DV_MSG_FAIL);
	CHECK(f && strstr(f->text, "(dma.ch1.masked = 1, expected > 3; cycle "));
	run_free(&x);
	/* Two names: each is told, no "expected", and no literal: both ways. */
	run_text(&x, "expect dma.ch1.masked == dma.ch2.masked + 1\n");
	f = msg_of(x.r, DV_MSG_FAIL);
	CHECK(f && strstr(f->text, "(dma.ch1.masked = 1; dma.ch2.masked = 1; cycle "));
	run_free(&x);
}

static const char *two_setups = "driver none\nbuffer tx at 0x100000 len 60\nstep \"s\"\n"
                                "  call NdisMRegisterDmaChannel channel=1 width=8 demand=yes\n"
                                "  call NdisMSetupDmaTransfer buffer=tx write=yes\n"
                                "  call NdisMSetupDmaTransfer buffer=tx write=yes length=61\n"
                                "  expect verifier.count == 0\n";

static struct dv_run *run_opts(struct run *x, const char *text, bool strict, bool learner)
{
	memset(x, 0, sizeof *x);
	dv_msgs_init(&x->m);
	x->L = dv_lesson_parse("t.lesson", text, strlen(text), &x->m);
	struct dv_run_options o;
	memset(&o, 0, sizeof o);
	o.strict = strict;
	o.learner = learner;
	x->r = x->L ? dv_run_create(x->L, &o) : NULL;
	if (x->r)
		dv_run_all(x->r);
	return x->r;
}

static void test_verifier_told(void)
{
	/* Without --strict the rule is a note beside the failure: the rule, the line, the
	 * numbers, the first Setup's line and the fix. */
	struct run x;
	CHECK(run_opts(&x, two_setups, false, false));
	const struct dv_msg *n = msg_of(x.r, DV_MSG_NOTE);
	CHECK(n && strstr(n->text, "t.lesson:6: verifier (cycle ") &&
	      strstr(n->text, "dma-busy at t.lesson:6: ") && strstr(n->text, "Length 61") &&
	      strstr(n->text, "set up at t.lesson:5"));
	CHECK(n && n->hint &&
	      strstr(n->hint, "Fix: complete the active transfer first") == n->hint);
	CHECK(n && !strstr(n->hint, "allow"));
	CHECK_EQ(dv_msgs_count(dv_run_msgs(x.r), DV_MSG_FAIL), 1); /* the expect */
	CHECK_EQ(dv_msgs_count(dv_run_msgs(x.r), DV_MSG_NOTE), 1); /* told once */
	run_free(&x);
	/* --strict for the author: the failure, the fix and how to expect it. */
	CHECK(run_opts(&x, two_setups, true, false));
	const struct dv_msg *f = msg_of(x.r, DV_MSG_FAIL);
	CHECK(f && strstr(f->text, "dma-busy at t.lesson:6") && f->hint &&
	      strstr(f->hint, "Fix: ") == f->hint && strstr(f->hint, "add 'allow dma-busy'"));
	run_free(&x);
	/* --strict for a learner: the fix, not how to change the test. */
	CHECK(run_opts(&x, two_setups, true, true));
	f = msg_of(x.r, DV_MSG_FAIL);
	CHECK(f && strstr(f->text, "dma-busy") && f->hint && !strstr(f->hint, "allow"));
	run_free(&x);
}

static void test_hints_for_learners(void)
{
	const char *text = "run until dma.ch1.masked == 0 max 5\n";
	struct run x;
	CHECK(run_opts(&x, text, false, false));
	const struct dv_msg *f = msg_of(x.r, DV_MSG_FAIL);
	CHECK(f && f->hint && strstr(f->hint, "max N"));
	run_free(&x);
	CHECK(run_opts(&x, text, false, true));
	f = msg_of(x.r, DV_MSG_FAIL);
	CHECK(f && f->hint && !strstr(f->hint, "max") && strstr(f->hint, "never got there"));
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

/* ---- long runs: 10,000 frames each way, a budget in cycles --------------------------------- */

/* The first failure's text, or "" when the run has none. */
static const char *first_fail(struct run *x)
{
	const struct dv_msg *m = x->r ? msg_of(x->r, DV_MSG_FAIL) : NULL;
	return m ? m->text : "";
}

static void test_frame_bounds(void)
{
	struct run x;
	/* A run may ask for 10,000 packets (the first goes now, the rest as each completes: no
	 * tick here, so the trace stays small); one more is refused at its line. */
	run_text(&x, "driver reference\ndriver init\ndriver send 60 count=10000\n"
	             "expect tx.sent == 1\ndriver send 60\n");
	CHECK(strstr(first_fail(&x), "t.lesson:5: driver send: at most 10000 packets per run "
	                             "(this would make 10001)"));
	CHECK_EQ(dv_msgs_count(dv_run_msgs(x.r), DV_MSG_FAIL), 1);
	run_free(&x);
	run_text(&x, "peer send 60 count=10000\nexpect peer.txq.count == 8\npeer send 60\n");
	CHECK(strstr(first_fail(&x), "t.lesson:3: peer send: at most 10000 frames per run"));
	CHECK_EQ(dv_msgs_count(dv_run_msgs(x.r), DV_MSG_FAIL), 1);
	run_free(&x);
	/* More than a statement may ask for does not parse, with the line. */
	CHECK(!run_text(&x, "peer send 60 count=10001\n") && !x.L && x.m.n &&
	      strstr(x.m.v[0].text, "t.lesson:1:"));
	run_free(&x);
	CHECK(!run_text(&x, "driver reference\ndriver send 60 count=10001\n") && !x.L);
	run_free(&x);
	CHECK(!run_text(&x, "driver reference\ndriver send 60 count=2 at=0x100000\n") && !x.L);
	run_free(&x);
}

static void test_long_run(void)
{
	struct run x;
	/* Past the 32 packets the protocol once stopped at: completed packets give their pages
	 * back, and every frame reaches the peer; the peer's frames wait for its 8-frame queue. */
	CHECK(run_text(&x, "machine budget=3000000\ndriver reference\ndriver init\n"
	                   "driver send 60 count=40\n"
	                   "run until tx.completed == 40 && peer.frames == 40 max 3000000\n"
	                   "peer send 60 count=20\nrun until rx.frames == 20 max 3000000\n"));
	CHECK_EQ(val(&x, "tx.sent"), 40);
	CHECK_EQ(val(&x, "peer.frames"), 40);
	CHECK_EQ(val(&x, "rx.frames"), 20);
	CHECK_EQ(dv_msgs_count(dv_run_msgs(x.r), DV_MSG_FAIL), 0);
	run_free(&x);
	/* The budget is the machine line's, in cycles. */
	run_text(&x, "machine budget=1000\ntick 5000\n");
	CHECK(strstr(first_fail(&x), "the file ran 1000 cycles in total"));
	run_free(&x);
}

/* The machine line's `config KEY=VALUE ...` is the driver's Parameters key: NdisReadConfiguration
 * finds each keyword once the driver is loaded. */
static uint32_t read_config(struct dv_ndis *ndis, NDIS_STRING *keyword, NDIS_STATUS *st)
{
	NDIS_HANDLE h = NULL;
	PNDIS_CONFIGURATION_PARAMETER p = NULL;
	NdisOpenConfiguration(st, &h, (NDIS_HANDLE)ndis);
	NdisReadConfiguration(st, &p, h, keyword, NdisParameterInteger);
	uint32_t v = *st == NDIS_STATUS_SUCCESS ? p->ParameterData.IntegerData : 0xFFFFFFFFu;
	NdisCloseConfiguration(h);
	return v;
}

static void test_machine_config(void)
{
	struct run x;
	CHECK(run_text(&x, "machine channel=1 config MinTurnaroundTime=2000 Speed=0x2580\n"
	                   "driver reference copy=64\ndriver init\n"));
	CHECK(x.L && x.L->nconfig == 2);
	NDIS_STRING turnaround = NDIS_STRING_CONST("minturnaroundtime");
	NDIS_STRING speed = NDIS_STRING_CONST("Speed");
	NDIS_STRING copy = NDIS_STRING_CONST("CopyThreshold");
	NDIS_STRING missing = NDIS_STRING_CONST("Missing");
	NDIS_STATUS st;
	CHECK_EQ(read_config(dv_run_ndis(x.r), &turnaround, &st), 2000);
	CHECK_EQ(read_config(dv_run_ndis(x.r), &speed, &st), 9600);
	CHECK_EQ(read_config(dv_run_ndis(x.r), &copy, &st), 64);
	read_config(dv_run_ndis(x.r), &missing, &st);
	CHECK_EQ(st, NDIS_STATUS_FAILURE);
	run_free(&x);
	/* A broken setting is an error of the file, with its line. */
	static const char *const bad[] = {
		"machine config Speed\n",
		"machine config Speed=fast\n",
		"machine config A=1 A=2\n",
		"machine config A=1 B=2 C=3 D=4 E=5 F=6 G=7 H=8\n",
		"machine config ThisKeywordIsLongerThanThirtyOneChars=1\n",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		CHECK(!run_text(&x, bad[i]) && !x.L);
		CHECK(x.m.n >= 1 && x.m.v[0].kind == DV_MSG_ERROR && x.m.v[0].line == 1);
		run_free(&x);
	}
}

CHECK_MAIN(CHECK_CASE(test_ports_and_memory), CHECK_CASE(test_time_and_lines),
           CHECK_CASE(test_machine_config), CHECK_CASE(test_marks),
           CHECK_CASE(test_expect_and_output), CHECK_CASE(test_peer_and_prompt),
           CHECK_CASE(test_values_as_written), CHECK_CASE(test_verifier_told),
           CHECK_CASE(test_hints_for_learners), CHECK_CASE(test_frame_bounds),
           CHECK_CASE(test_long_run))

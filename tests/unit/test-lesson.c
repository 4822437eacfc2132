/* dmaviz: tests of the lesson language's parser and engine together (src/lang/parser.c, engine.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calls.h"
#include "check.h"
#include "dvndis.h"
#include "lesson.h"
#include "sim.h"

static struct dv_lesson *parse(const char *text, struct dv_msgs *m)
{
	dv_msgs_init(m);
	return dv_lesson_parse("t.lesson", text, strlen(text), m);
}

static const char tour[] = "lesson t\n"
                           "title \"A test\"\n"
                           "level 2\n"
                           "summary \"s\"\n"
                           "machine channel=1 memory=16M\n"
                           "out 0x0C 0\n"
                           "step \"One\" id=one\n"
                           "  say Hello *there*,\n"
                           "  say world.\n"
                           "  say\n"
                           "  say Second `para`.\n"
                           "  out 0x0A 0x06\n"
                           "  out 0x05 0x0F\n"
                           "  out 0x05 0x00\n"
                           "  ask \"Count?\" id=c answer 15 hint \"N-1\" hint \"two\"\n"
                           "    explain \"because\"\n"
                           "step \"Narration only\"\n"
                           "  say Nothing happens here.\n"
                           "step \"Three\"\n"
                           "  tick 5\n"
                           "  expect cycle == 5 && dma.ch2.count == 15\n";

static void test_parse_model(void)
{
	struct dv_msgs m;
	struct dv_lesson *L = parse(tour, &m);
	CHECK(L != NULL);
	CHECK_EQ(m.n, 0);
	if (!L)
		return;
	CHECK(!strcmp(L->id, "t"));
	CHECK(!strcmp(L->title, "A test"));
	CHECK_EQ(L->level, 2);
	CHECK_EQ(L->nsteps, 4); /* setup + three */
	CHECK_EQ(L->steps[0].number, 0);
	CHECK_EQ(L->steps[1].number, 1);
	CHECK_EQ(L->steps[3].number, 3);
	CHECK(!strcmp(L->steps[1].id, "one"));
	CHECK_EQ(L->steps[1].nparas, 2);
	CHECK(!strcmp(L->steps[1].paras[0], "Hello *there*, world."));
	CHECK(!strcmp(L->steps[1].paras[1], "Second `para`."));
	CHECK_EQ(L->steps[2].count, 0);
	CHECK_EQ(L->nasks, 1);
	CHECK(!strcmp(L->asks[0]->id, "c"));
	CHECK_EQ(L->asks[0]->nhints, 2);
	CHECK(!strcmp(L->asks[0]->explain, "because"));
	dv_lesson_free(L);
	dv_msgs_finish(&m);
}

static void test_default_id(void)
{
	char buf[64];
	dv_lesson_default_id("lessons/03-send.lesson", buf, sizeof buf);
	CHECK(!strcmp(buf, "send"));
	dv_lesson_default_id("x.tst", buf, sizeof buf);
	CHECK(!strcmp(buf, "x"));
	dv_lesson_default_id("2024.lesson", buf, sizeof buf);
	CHECK(!strcmp(buf, "2024"));
}

static void test_errors(void)
{
	struct dv_msgs m;
	struct dv_lesson *L = parse("step \"x\"\n  expect dma.ch1.cont == 1\n", &m);
	CHECK(L == NULL);
	CHECK_EQ(m.n, 1);
	if (m.n) {
		CHECK(!strcmp(m.v[0].text, "t.lesson:2:10: error: unknown name 'dma.ch1.cont'"));
		CHECK(m.v[0].hint && !strcmp(m.v[0].hint, "did you mean 'dma.ch1.count'?"));
	}
	dv_msgs_finish(&m);
	/* metadata after an action, a hint without an ask, an unterminated string */
	const char *bad[] = {
		"out 1 2\nmachine channel=1\n",
		"hint \"x\"\n",
		"title \"abc\n",
		"out 0x10000 1\n",
		"dreq 1 on\n",
		"machine channel=4\n",
		"output\n",
		"run until call Nope returns\n",
		"expect call MiniportISR\n",
		"buffer a at 0x1000 len 10\nbuffer a at 0x2000 len 10\n",
		"call NdisMSetupDmaTransfer buffer=nope write=yes\n",
		"ask \"q\"\nstep \"s\"\n",
		"fill 0x2000000 16 0\n",
		"driver irsim\nstep \"s\"\n  driver query OID_NOPE\n",
		"driver irsim\nstep \"s\"\n  driver query OID_GEN_LINK_SPEED bytes=65\n",
		"driver irsim\nstep \"s\"\n  driver set OID_GEN_LINK_SPEED\n",
		"driver none\nstep \"s\"\n  driver query OID_GEN_LINK_SPEED\n"
	};
	/* `driver` takes the built-in drivers' names, and says which */
	L = parse("driver dvmini\n", &m);
	CHECK(L == NULL && m.n == 1 &&
	      strstr(m.v[0].text, "or reference, irsim, none or file (who plays the miniport)"));
	dv_msgs_finish(&m);
	L = parse("driver irsim copy=0\nstep \"s\"\n  driver set OID_IRDA_MEDIA_BUSY 0\n", &m);
	CHECK(L != NULL && m.n == 0 && L->driver == DV_DRIVER_BUILTIN &&
	      !strcmp(L->driver_name, "irsim") && L->has_copy_threshold && L->copy_threshold == 0);
	dv_lesson_free(L);
	dv_msgs_finish(&m);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		L = parse(bad[i], &m);
		CHECK(L == NULL);
		CHECK(m.n == 1 && strstr(m.v[0].text, ": error: ") != NULL);
		dv_lesson_free(L);
		dv_msgs_finish(&m);
	}
}

static void test_run_steps_and_seek(void)
{
	struct dv_msgs m;
	struct dv_lesson *L = parse(tour, &m);
	CHECK(L != NULL);
	if (!L)
		return;
	struct dv_run *run = dv_run_create(L, NULL);
	CHECK(run != NULL);
	/* setup step, then step One */
	CHECK(dv_run_step(run));
	CHECK_EQ(dv_run_current_step(run), 1);
	CHECK(dv_run_step(run));
	uint32_t v;
	CHECK(dv_run_eval_name(run, "dma.ch2.count", &v, NULL));
	CHECK_EQ(v, 15);
	CHECK(dv_run_step(run)); /* narration only */
	size_t first, end;
	CHECK(dv_run_step_events(run, 2, &first, &end));
	CHECK_EQ(end - first, 1); /* just its DV_EV_MARK */
	CHECK_EQ(dv_run_all(run), DV_RUN_DONE);
	CHECK_EQ(dv_msgs_count(dv_run_msgs(run), DV_MSG_FAIL), 0);
	/* Seek back to the start of step One: the count was not written yet. */
	struct dv_cursor c;
	dv_cursor_init(&c, dv_run_sim(run));
	CHECK(dv_run_seek_step(run, &c, 1, false));
	CHECK_EQ(dv_cursor_get(&c, DV_SLOT_DMA_COUNT, 2), 0);
	CHECK_EQ(dv_cursor_get(&c, DV_SLOT_DMA_FLIPFLOP, 0), 0);
	CHECK(dv_run_seek_step(run, &c, 1, true));
	CHECK_EQ(dv_cursor_get(&c, DV_SLOT_DMA_COUNT, 2), 15);
	CHECK(dv_run_seek_step(run, &c, 3, true));
	CHECK_EQ(dv_cursor_get(&c, DV_SLOT_CYCLE, 0), 5);
	/* The step marks are in the trace. */
	const struct dv_trace *t = &dv_run_sim(run)->trace;
	CHECK_EQ(dv_trace_at(t, first)->kind, DV_EV_MARK);
	CHECK_EQ(dv_trace_at(t, first)->slot, DV_MARK_STEP);
	CHECK_EQ(dv_trace_at(t, first)->index, 2);
	dv_cursor_finish(&c);
	dv_run_destroy(run);
	dv_lesson_free(L);
	dv_msgs_finish(&m);
}

static void test_asks(void)
{
	struct dv_answer ans[3] = { { true, 0x49, "0x49" },
		                    { false, 0, "Demand" },
		                    { false, 0, "dma 2" } };
	struct dv_ask a;
	memset(&a, 0, sizeof a);
	a.answers = ans;
	a.nanswers = 3;
	CHECK(dv_ask_accepts(&a, "73"));
	CHECK(dv_ask_accepts(&a, " 0b1001001 "));
	CHECK(dv_ask_accepts(&a, "0X49"));
	CHECK(dv_ask_accepts(&a, "demand"));
	CHECK(dv_ask_accepts(&a, "\"DMA 2\""));
	CHECK(!dv_ask_accepts(&a, "0x41"));
	CHECK(!dv_ask_accepts(&a, ""));
	CHECK(!dv_ask_accepts(&a, NULL));
}

static const char *wrong_answer(void *ctx, const char *lesson, const char *id)
{
	(void)ctx;
	(void)lesson;
	return strcmp(id, "c") == 0 ? "16" : NULL;
}

static void test_answers_and_bounds(void)
{
	struct dv_msgs m;
	struct dv_lesson *L = parse(tour, &m);
	if (!L)
		return;
	struct dv_run_options o;
	memset(&o, 0, sizeof o);
	o.answer = wrong_answer;
	struct dv_run *run = dv_run_create(L, &o);
	dv_run_all(run);
	const struct dv_msgs *rm = dv_run_msgs(run);
	CHECK_EQ(dv_msgs_count(rm, DV_MSG_FAIL), 1);
	if (rm->n)
		CHECK(strstr(rm->v[0].text, "t.lesson:15: ask c: expected 15, got 16") != NULL);
	dv_run_destroy(run);
	dv_lesson_free(L);
	dv_msgs_finish(&m);

	L = parse("dreq 2 on\nrun until dma.ch2.tc max 100\nexpect cycle == 0\n", &m);
	CHECK(L != NULL);
	if (!L)
		return;
	run = dv_run_create(L, NULL);
	CHECK_EQ(dv_run_all(run), DV_RUN_STOPPED);
	rm = dv_run_msgs(run);
	CHECK_EQ(rm->n, 1); /* the expect after the bound does not run */
	if (rm->n)
		CHECK(strstr(rm->v[0].text,
		             "t.lesson:2: run until dma.ch2.tc: still false after 100 cycles") !=
		      NULL);
	dv_run_destroy(run);
	dv_lesson_free(L);
	dv_msgs_finish(&m);

	/* The cycle budget bounds a whole file. */
	L = parse("tick 1000000\ntick 1000000\ntick 1000000\n", &m);
	o.answer = NULL;
	o.cycle_budget = 5000;
	run = dv_run_create(L, &o);
	CHECK_EQ(dv_run_all(run), DV_RUN_STOPPED);
	CHECK_EQ(dv_run_sim(run)->st.cycle, 5000);
	dv_run_destroy(run);
	dv_lesson_free(L);
	dv_msgs_finish(&m);
}

static void test_output_rows(void)
{
	struct dv_msgs m;
	struct dv_lesson *L =
	        parse("output-list cycle%D1.4.1 dma.ch2.count%X1.4.1 dma.ch2.masked%B1.1.1 "
	              "bus.owner%S1.3.1 ndis.status%S0.8.0\n"
	              "out 0x05 0xAB\nout 0x05 0x12\noutput\n",
	              &m);
	CHECK(L != NULL);
	if (!L)
		return;
	struct dv_run *run = dv_run_create(L, NULL);
	dv_run_all(run);
	CHECK_EQ(dv_run_rows(run), 2);
	CHECK(!strcmp(dv_run_row(run, 0), "|cycle |dma.ch|dma|bus.o|ndis.sta|"));
	CHECK(!strcmp(dv_run_row(run, 1), "|    0 | 12AB | 1 | cpu |NDIS_STA|"));
	dv_run_destroy(run);
	dv_lesson_free(L);
	dv_msgs_finish(&m);
}

static void test_command_and_determinism(void)
{
	struct dv_msgs m;
	struct dv_lesson *L = parse(tour, &m);
	if (!L)
		return;
	uint64_t hash[2];
	for (int k = 0; k < 2; k++) {
		struct dv_run *run = dv_run_create(L, NULL);
		dv_run_all(run);
		CHECK(dv_run_command(run, "out 0x0A 0x02"));
		uint32_t v = 9;
		CHECK(dv_run_eval_name(run, "dma.ch2.masked", &v, NULL));
		CHECK_EQ(v, 0);
		CHECK(!dv_run_command(run, "step \"no\""));
		CHECK(!dv_run_command(run, "out 0x0A"));
		CHECK(dv_run_command(run, "expect dma.ch2.masked == 1"));
		const struct dv_msgs *rm = dv_run_msgs(run);
		CHECK(rm->n == 3 && strstr(rm->v[2].text, "sandbox:4: expect failed") != NULL);
		hash[k] = dv_trace_hash(&dv_run_sim(run)->trace, dv_run_sim(run)->trace.len) ^
		          dv_sim_state_hash(dv_run_sim(run));
		dv_run_destroy(run);
	}
	CHECK_EQ(hash[0], hash[1]);
	dv_lesson_free(L);
	dv_msgs_finish(&m);
}

static void test_value_format(void)
{
	char b[64];
	dv_value_format(59, DV_VT_NUM, b, sizeof b);
	CHECK(!strcmp(b, "59 (0x3b)"));
	dv_value_format(0, DV_VT_STATUS, b, sizeof b);
	CHECK(!strcmp(b, "NDIS_STATUS_SUCCESS"));
	dv_value_format(0xFFFFFFFFu, DV_VT_RULE, b, sizeof b);
	CHECK(!strcmp(b, "none"));
	dv_value_format(1, DV_VT_OWNER, b, sizeof b);
	CHECK(!strcmp(b, "dma"));
}

/* `driver reference copy=N` applies to its own run only: the threshold is a global. */
static void test_copy_threshold(void)
{
	static const char *const text[3] = {
		"driver reference copy=0xFFFFFFFF\ndriver init\ndriver send 1514\nexpect calls.NdisMoveMemory >= 1\n",
		"driver reference\ndriver init\ndriver send 1514\nexpect calls.NdisMoveMemory == 0\n",
		"driver none copy=7\n", /* only the reference driver has a copy threshold */
	};
	for (int i = 0; i < 3; i++) {
		struct dv_msgs m;
		struct dv_lesson *L = parse(text[i], &m);
		CHECK((L != NULL) == (i < 2));
		if (L) {
			struct dv_run *run = dv_run_create(L, NULL);
			dv_run_all(run);
			CHECK_EQ(dv_msgs_count(dv_run_msgs(run), DV_MSG_FAIL), 0);
			CHECK_EQ(dv_msgs_count(dv_run_msgs(run), DV_MSG_ERROR), 0);
			dv_run_destroy(run);
		}
		dv_lesson_free(L);
		dv_msgs_finish(&m);
	}
}

/* Runs text; returns the run (NULL when it did not parse). *L and *m must be freed. */
static struct dv_run *run_text(const char *text, struct dv_lesson **L, struct dv_msgs *m)
{
	*L = parse(text, m);
	CHECK(*L != NULL);
	if (!*L)
		return NULL;
	struct dv_run *run = dv_run_create(*L, NULL);
	CHECK(run != NULL);
	if (run)
		dv_run_all(run);
	return run;
}

/* The lesson sends a frame it wrote itself with `fill ... packet=N` (driver none). */
#define SEND_FILLED(N)                                                                             \
	"call NdisMRegisterDmaChannel demand=yes max=4096\n"                                       \
	"buffer tx at 0x100000 len 60\n"                                                           \
	"fill 0x100000 60 packet=" N "\n"                                                          \
	"call NdisMSetupDmaTransfer buffer=tx write=yes\n"                                         \
	"out 0x304 60\nout 0x305 0\nout 0x300 0x05\n"                                              \
	"run until nic.isr & 0x01 == 0x01 max 2000\n"                                              \
	"call NdisMCompleteDmaTransfer buffer=tx write=yes\n"

/* peer.last.ok checks the packet of the last `fill ... packet=N`, whatever N, and only it. */
static void test_peer_last_ok_fill(void)
{
	struct dv_msgs m;
	struct dv_lesson *L;
	struct dv_run *run = run_text(
	        SEND_FILLED(
	                "70") "expect peer.frames == 1 && peer.last.ok == 1\n"
	                      "fill 0x200000 60 packet=71\n" /* a later fill is what counts now */
	                      "expect peer.last.ok == 0\n"
	                      "fill 0x200000 60 packet=70\n"
	                      "expect peer.last.ok == 1\n",
	        &L, &m);
	if (run) {
		CHECK_EQ(dv_msgs_count(dv_run_msgs(run), DV_MSG_FAIL), 0);
		CHECK_EQ(dv_msgs_count(dv_run_msgs(run), DV_MSG_ERROR), 0);
	}
	dv_run_destroy(run);
	dv_lesson_free(L);
	dv_msgs_finish(&m);

	/* A frame of packet 0 is not the packet the lesson wrote (packet 1). */
	run = run_text("call NdisMRegisterDmaChannel demand=yes max=4096\n"
	               "buffer tx at 0x100000 len 60\n"
	               "fill 0x100000 60 packet=0\n"
	               "fill 0x300000 60 packet=1\n"
	               "call NdisMSetupDmaTransfer buffer=tx write=yes\n"
	               "out 0x304 60\nout 0x305 0\nout 0x300 0x05\n"
	               "run until nic.isr & 0x01 == 0x01 max 2000\n"
	               "expect peer.frames == 1 && peer.last.ok == 0\n",
	               &L, &m);
	if (run)
		CHECK_EQ(dv_msgs_count(dv_run_msgs(run), DV_MSG_FAIL), 0);
	dv_run_destroy(run);
	dv_lesson_free(L);
	dv_msgs_finish(&m);

	/* A packet the protocol sends after the fill is the latest source. */
	run = run_text("driver reference\nfill 0x300000 60 packet=9\ndriver init\ndriver send 60\n"
	               "run until tx.completed == 1 max 20000\n"
	               "expect peer.frames == 1 && peer.last.ok == 1\n",
	               &L, &m);
	if (run)
		CHECK_EQ(dv_msgs_count(dv_run_msgs(run), DV_MSG_FAIL), 0);
	dv_run_destroy(run);
	dv_lesson_free(L);
	dv_msgs_finish(&m);
}

/* `param=` is NdisMRegisterDmaChannel's DmaChannel parameter alone; NDIS ignores it. */
static void test_register_param(void)
{
	struct dv_msgs m;
	struct dv_lesson *L;
	struct dv_run *run =
	        run_text("call NdisMRegisterDmaChannel channel=2 max=4096\n"
	                 "call NdisMRegisterDmaChannel param=3 channel=1 demand=yes max=4096\n"
	                 "expect ndis.status == NDIS_STATUS_SUCCESS\n"
	                 "buffer tx at 0x100000 len 60\n"
	                 "call NdisMSetupDmaTransfer buffer=tx write=yes\n"
	                 "expect dma.ch1.mode == 0x09 && dma.ch3.mode == 0\n",
	                 &L, &m);
	if (run) {
		CHECK_EQ(dv_msgs_count(dv_run_msgs(run), DV_MSG_FAIL), 0);
		const struct dv_ndis *nd = dv_run_ndis(run);
		unsigned seen = 0;
		for (uint32_t i = 0; i < nd->nrec; i++) {
			const struct dv_call_record *r = dv_ndis_record(nd, i);
			if (!r || r->call != DV_CALL_REGISTER_DMA_CHANNEL)
				continue;
			/* arg 0 is the parameter, arg 3 the description's DmaChannel */
			if (seen == 0)
				CHECK(r->arg[0] == 2 && r->arg[3] == 2); /* default: the channel */
			else
				CHECK(r->arg[0] == 3 && r->arg[3] == 1);
			seen++;
		}
		CHECK_EQ(seen, 2);
	}
	dv_run_destroy(run);
	dv_lesson_free(L);
	dv_msgs_finish(&m);
	L = parse("call NdisMSetupDmaTransfer param=1\n", &m);
	CHECK(L == NULL && m.n == 1 && strstr(m.v[0].text, "has no argument 'param'") != NULL);
	dv_msgs_finish(&m);
}

/* ports.out and ports.in count port accesses in the trace; .step since the step began. */
static void test_ports(void)
{
	struct dv_msgs m;
	struct dv_lesson *L;
	struct dv_run *run =
	        run_text("out 0x0A 0x06\nin 0x08\n"
	                 "expect ports.out == 1 && ports.in == 1 && ports.out.step == 1\n"
	                 "step \"a\"\n"
	                 "  expect ports.out.step == 0 && ports.in.step == 0 && ports.out == 1\n"
	                 "  call NdisRawWritePortUchar port=0x0C value=0\n"
	                 "  call NdisRawReadPortUchar port=0x08\n"
	                 "  expect ports.out.step == 1 && ports.in.step == 1 && ports.out == 2\n"
	                 "  call NdisMRegisterDmaChannel demand=yes max=4096\n"
	                 "  buffer rx at 0x101000 len 4096\n"
	                 "  buffer tx at 0x100000 len 60\n"
	                 "  call NdisMSetupDmaTransfer buffer=rx write=no\n"
	                 "step \"busy\"\n"
	                 "  call NdisMSetupDmaTransfer buffer=tx write=yes\n"
	                 "  expect ndis.status == NDIS_STATUS_RESOURCES && ports.out.step == 0\n"
	                 "  expect ports.in.step == 0\n"
	                 "  call NdisMCompleteDmaTransfer buffer=rx write=no\n"
	                 "  expect ports.out.step > 0\n",
	                 &L, &m);
	if (run) {
		CHECK_EQ(dv_msgs_count(dv_run_msgs(run), DV_MSG_FAIL), 0);
		uint32_t v = 0, w = 0;
		CHECK(dv_run_eval_name(run, "ports.out", &v, NULL));
		CHECK(dv_run_eval_name(run, "ports.out.step", &w, NULL));
		CHECK(v > w && w > 0);
		uint32_t n = 0;
		const struct dv_trace *t = &dv_run_sim(run)->trace;
		for (size_t i = 0; i < t->len; i++)
			n += dv_trace_at(t, i)->kind == DV_EV_PORT_OUT;
		CHECK_EQ(v, n);
	}
	dv_run_destroy(run);
	dv_lesson_free(L);
	dv_msgs_finish(&m);
}

/* ndis.counter is the last NdisMReadDmaCounter, whoever called it: the lesson or the driver. */
static void test_counter_driver(void)
{
	struct dv_msgs m;
	struct dv_lesson *L;
	struct dv_run *run = run_text("driver reference\ndriver init\n"
	                              "expect ndis.counter == 0\n"
	                              "peer send 60\n"
	                              "run until rx.frames == 1 max 20000\n"
	                              /* the DPC's read after its Complete: 4096 - 60 */
	                              "expect ndis.counter == 4036 && dma.ch1.residue == 4096\n",
	                              &L, &m);
	if (run)
		CHECK_EQ(dv_msgs_count(dv_run_msgs(run), DV_MSG_FAIL), 0);
	dv_run_destroy(run);
	dv_lesson_free(L);
	dv_msgs_finish(&m);

	run = run_text("call NdisMRegisterDmaChannel demand=yes max=4096\n"
	               "buffer rx at 0x101000 len 4096\n"
	               "call NdisMSetupDmaTransfer buffer=rx write=no\n"
	               "call NdisMReadDmaCounter\n"
	               "expect ndis.counter == 4096\n"
	               "call NdisMReadDmaCounter handle=bad\n"
	               "expect ndis.counter == 0 && verifier.dma-bad-handle == 1\n",
	               &L, &m);
	if (run)
		CHECK_EQ(dv_msgs_count(dv_run_msgs(run), DV_MSG_FAIL), 0);
	dv_run_destroy(run);
	dv_lesson_free(L);
	dv_msgs_finish(&m);
}

/* A frame arrives; the DPC waits at DISPATCH_LEVEL for the lesson to lower the IRQL. */
#define RX_PENDING                                                                                 \
	"driver reference\ndriver init\nirql dispatch\npeer send 60\n"                             \
	"run until cpu.dpc_count == 1 max 2000\n"

/* break at, and run until a call returns: the driver stops inside its DPC, right after the
 * Complete and before it sets up the next receive; the next action finishes the DPC. */
/* Answers as learners type them: a status without its prefix, 05h, 0b101. */
static void test_answer_forms(void)
{
	struct dv_msgs m;
	struct dv_lesson *L = parse(
	        "step \"s\"\nask \"Status?\" answer NDIS_STATUS_RESOURCES\nask \"Mode?\" answer 0x05\n",
	        &m);
	CHECK(L != NULL && L->nasks == 2);
	if (L) {
		CHECK(dv_ask_accepts(L->asks[0], "resources") &&
		      dv_ask_accepts(L->asks[0], "NDIS_STATUS_RESOURCES"));
		CHECK(!dv_ask_accepts(L->asks[0], "STATUS_RESOURCES") &&
		      !dv_ask_accepts(L->asks[0], "success"));
		CHECK(dv_ask_accepts(L->asks[1], "05h") && dv_ask_accepts(L->asks[1], "0b101") &&
		      dv_ask_accepts(L->asks[1], " 5 "));
		CHECK(!dv_ask_accepts(L->asks[1], "5h5") && !dv_ask_accepts(L->asks[1], "h"));
	}
	uint32_t v = 0;
	CHECK(dv_answer_number("0FFh", &v) && v == 0xFF);
	CHECK(!dv_answer_number("FF", &v) && !dv_answer_number("", &v));
	dv_lesson_free(L);
	dv_msgs_finish(&m);
}

static void test_break_in_dpc(void)
{
	struct dv_msgs m;
	struct dv_lesson *L;
	struct dv_run *run = run_text(
	        RX_PENDING
	        "break at call NdisMCompleteDmaTransfer returns\n"
	        "irql passive\n"
	        /* paused: the Complete ran, the re-arm did not */
	        "expect calls.NdisMCompleteDmaTransfer == 1 && ndis.inprogress == 0\n"
	        "expect dma.ch1.masked == 1 && cpu.irql == 2 && rx.frames == 0\n"
	        "expect calls.NdisMSetupDmaTransfer == 1\n"
	        "run until cpu.irql == 0 max 10\n"
	        "expect calls.NdisMSetupDmaTransfer == 2 && ndis.inprogress == 1 && rx.frames == 1\n"
	        "expect dma.ch1.masked == 0\n",
	        &L, &m);
	if (run) {
		const struct dv_msgs *msgs = dv_run_msgs(run);
		for (size_t i = 0; i < msgs->n; i++)
			fprintf(stderr, "  %s\n", msgs->v[i].text);
		CHECK_EQ(dv_msgs_count(msgs, DV_MSG_FAIL), 0);
		CHECK_EQ(dv_run_state(run), DV_RUN_DONE);
	}
	dv_run_destroy(run);
	dv_lesson_free(L);
	dv_msgs_finish(&m);

	/* run until call X returns stops there even inside a callback, and a second one resumes
	 * the driver and stops at the DPC's own return. */
	run = run_text(
	        RX_PENDING
	        "irql passive\n"
	        "peer send 60\n"
	        "run until call NdisMCompleteDmaTransfer returns max 2000\n"
	        "expect calls.NdisMCompleteDmaTransfer == 2 && ndis.inprogress == 0 && rx.frames == 1\n"
	        "run until call MiniportHandleInterrupt returns max 10\n"
	        "expect calls.NdisMSetupDmaTransfer == 3 && rx.frames == 2 && ndis.inprogress == 1\n",
	        &L, &m);
	if (run)
		CHECK_EQ(dv_msgs_count(dv_run_msgs(run), DV_MSG_FAIL), 0);
	dv_run_destroy(run);
	dv_lesson_free(L);
	dv_msgs_finish(&m);

	/* A break that never holds is the author's mistake, said at its line. */
	run = run_text(
	        "driver reference\ndriver init\nbreak at call NdisMCompleteDmaTransfer returns\ntick 3\n",
	        &L, &m);
	if (run) {
		const struct dv_msgs *msgs = dv_run_msgs(run);
		CHECK_EQ(dv_msgs_count(msgs, DV_MSG_FAIL), 1);
		CHECK(msgs->n && strstr(msgs->v[0].text, "t.lesson:3:") &&
		      strstr(msgs->v[0].text, "ended before it held"));
	}
	dv_run_destroy(run);
	dv_lesson_free(L);
	dv_msgs_finish(&m);

	/* Destroyed while the driver is paused: it finishes first (ASan sees no leak). */
	L = parse(
	        RX_PENDING
	        "break at call NdisMCompleteDmaTransfer returns\nirql passive\nexpect cpu.irql == 2\n",
	        &m);
	CHECK(L != NULL);
	run = L ? dv_run_create(L, NULL) : NULL;
	for (int i = 0; run && i < 7; i++)
		dv_run_next(run);
	dv_run_destroy(run);
	dv_lesson_free(L);
	dv_msgs_finish(&m);

	/* Parse errors name the mistake. */
	L = parse("break call NdisMCompleteDmaTransfer returns\n", &m);
	CHECK(L == NULL && m.n && strstr(m.v[0].text, "expected 'at' after 'break'"));
	dv_lesson_free(L);
	dv_msgs_finish(&m);
}

/* "tick \" then LINES lines holding only a backslash: every continued line adds a space to the
 * joined line, so its length grows without any text in it. */
static char *backslash_lines(size_t lines, size_t *len)
{
	char *s = malloc(8 + 2 * lines);
	if (!s)
		return NULL;
	size_t n = 0;
	memcpy(s, "tick \\\n", 7);
	n = 7;
	for (size_t k = 0; k < lines; k++) {
		s[n++] = '\\';
		s[n++] = '\n';
	}
	s[n] = 0;
	*len = n;
	return s;
}

static void test_long_continuations(void)
{
	struct dv_msgs m;
	/* 16 KiB (one byte past the old buffer) and 200 KiB (far past it). */
	const size_t counts[] = { 8188, 100000 };
	for (size_t c = 0; c < sizeof counts / sizeof counts[0]; c++) {
		size_t len;
		char *text = backslash_lines(counts[c], &len);
		CHECK(text != NULL);
		if (!text)
			return;
		dv_msgs_init(&m);
		struct dv_lesson *L = dv_lesson_parse("t.lesson", text, len, &m);
		CHECK(L == NULL);
		CHECK_EQ(m.n, 1);
		if (m.n) {
			CHECK(!strncmp(m.v[0].text, "t.lesson:1: error: lines 1 to ", 30));
			CHECK(strstr(m.v[0].text, "longer than 8192 bytes") != NULL);
		}
		dv_lesson_free(L);
		dv_msgs_finish(&m);
		free(text);
	}

	/* A joined line of exactly 8192 bytes (4095 + the space + 4096) parses; one more
	 * continued line is an error naming the lines joined. */
	static char text[3 * 4200];
	size_t n = 0;
	n += (size_t)sprintf(text, "step \"s\"\nsay ");
	memset(text + n, 'a', 4091);
	n += 4091;
	text[n++] = '\\';
	text[n++] = '\n';
	memset(text + n, 'b', 4096);
	n += 4096;
	text[n++] = '\n';
	text[n] = 0;
	struct dv_lesson *L = dv_lesson_parse("t.lesson", text, n, (dv_msgs_init(&m), &m));
	CHECK(L != NULL);
	CHECK_EQ(m.n, 0);
	/* (an empty setup step is dropped: the lesson's one step is "s") */
	if (L && L->nsteps == 1 && L->steps[0].nparas == 1) {
		const char *para = L->steps[0].paras[0];
		CHECK_EQ(strlen(para), 4091 + 1 + 4096);
		CHECK(para[4090] == 'a' && para[4091] == ' ' && para[4092] == 'b');
	} else {
		CHECK(!"the say paragraph");
	}
	dv_lesson_free(L);
	dv_msgs_finish(&m);
	text[n - 1] = '\\';
	n += (size_t)sprintf(text + n, "\nc\n");
	L = dv_lesson_parse("t.lesson", text, n, (dv_msgs_init(&m), &m));
	CHECK(L == NULL);
	CHECK_EQ(m.n, 1);
	if (m.n)
		CHECK(!strcmp(m.v[0].text, "t.lesson:2: error: lines 2 to 3, joined by '\\', "
		                           "make a line longer than 8192 bytes"));
	dv_lesson_free(L);
	dv_msgs_finish(&m);

	/* One physical line too long is reported at that line, not at the first joined one. */
	n = (size_t)sprintf(text, "step \"s\"\nsay x\\\n");
	memset(text + n, 'a', 4097);
	n += 4097;
	text[n++] = '\n';
	L = dv_lesson_parse("t.lesson", text, n, (dv_msgs_init(&m), &m));
	CHECK(L == NULL);
	CHECK_EQ(m.n, 1);
	if (m.n)
		CHECK(!strcmp(m.v[0].text, "t.lesson:3: error: line longer than 4096 bytes"));
	dv_lesson_free(L);
	dv_msgs_finish(&m);
}

/* Some editors start a UTF-8 file with a byte-order mark; it is not part of the first word. */
static void test_byte_order_mark(void)
{
	struct dv_msgs m;
	struct dv_lesson *L = parse("\xEF\xBB\xBFlesson bom\ntitle \"With a BOM\"\n", &m);
	CHECK(L != NULL);
	CHECK_EQ(m.n, 0);
	if (L) {
		CHECK(!strcmp(L->id, "bom"));
		CHECK(!strcmp(L->title, "With a BOM"));
	}
	dv_lesson_free(L);
	dv_msgs_finish(&m);
	/* Columns count from after the mark, as an editor shows them. */
	L = parse("\xEF\xBB\xBFtick x\n", &m);
	CHECK(L == NULL);
	CHECK(m.n == 1 && !strncmp(m.v[0].text, "t.lesson:1:6: error: ", 21));
	dv_lesson_free(L);
	dv_msgs_finish(&m);
	/* Only at the very start: a mark on a later line is still an unknown statement. */
	L = parse("lesson bom\n\xEF\xBB\xBFtitle \"x\"\n", &m);
	CHECK(L == NULL);
	CHECK(m.n == 1 && !strncmp(m.v[0].text, "t.lesson:2:1: error: unknown statement", 38));
	dv_lesson_free(L);
	dv_msgs_finish(&m);
}

/* compare-to names a file in the lesson's folder: an absolute path or a ".." component is an
 * error at its line (its lines would appear in failure messages). */
static void test_compare_to_stays_in_folder(void)
{
	struct dv_msgs m;
	const char *bad[] = { "/etc/passwd", "../x.cmp", "a/../../x.cmp",
		              "..",          "a/..",     "\"/tmp/x y\"" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char text[200];
		snprintf(text, sizeof text, "lesson c\ncompare-to %s\n", bad[i]);
		struct dv_lesson *L = parse(text, &m);
		CHECK(L == NULL);
		CHECK(m.n == 1 &&
		      !strncmp(m.v[0].text, "t.lesson:2:12: error: the compare file '", 40) &&
		      strstr(m.v[0].text, "is outside the lesson's folder"));
		dv_lesson_free(L);
		dv_msgs_finish(&m);
	}
	const char *good[] = { "send.cmp", "cmp/send.cmp", "..send.cmp", "a..b/c.cmp", "./x.cmp" };
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		char text[200];
		snprintf(text, sizeof text, "lesson c\ncompare-to %s\n", good[i]);
		struct dv_lesson *L = parse(text, &m);
		CHECK(L != NULL && m.n == 0);
		if (L)
			CHECK(!strcmp(L->compare_to, good[i]));
		dv_lesson_free(L);
		dv_msgs_finish(&m);
	}
}

CHECK_MAIN(CHECK_CASE(test_parse_model), CHECK_CASE(test_default_id), CHECK_CASE(test_errors),
           CHECK_CASE(test_run_steps_and_seek), CHECK_CASE(test_asks),
           CHECK_CASE(test_answers_and_bounds), CHECK_CASE(test_output_rows),
           CHECK_CASE(test_command_and_determinism), CHECK_CASE(test_value_format),
           CHECK_CASE(test_copy_threshold), CHECK_CASE(test_peer_last_ok_fill),
           CHECK_CASE(test_register_param), CHECK_CASE(test_ports), CHECK_CASE(test_counter_driver),
           CHECK_CASE(test_break_in_dpc), CHECK_CASE(test_answer_forms),
           CHECK_CASE(test_long_continuations), CHECK_CASE(test_byte_order_mark),
           CHECK_CASE(test_compare_to_stays_in_folder))

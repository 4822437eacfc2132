/* dmaviz: unit tests of the state names the lesson language resolves (src/lang/names.c): every
 * form of name (fixed, per channel, per IRQ line, bracketed, verifier rules, calls, buffers,
 * machine slots), their bounds, the status and value words, the suggestion for a misspelt name,
 * and the values the engine gives them. */
#include <string.h>

#include "calls.h"
#include "check.h"
#include "lang_int.h"
#include "verifier.h"

static bool resolve(const struct dv_lesson *L, const char *name, struct dv_ref *r)
{
	return dv_script_resolve(L, name, strlen(name), r);
}

static void test_forms(void)
{
	struct dv_ref r;
	char buf[96];
	CHECK(resolve(NULL, "ndis.status", &r) && r.kind == DV_REF_NDIS_STATUS &&
	      r.type == DV_VT_STATUS);
	CHECK(resolve(NULL, "verifier.last", &r) && r.kind == DV_REF_VERIFIER_LAST &&
	      r.type == DV_VT_RULE);
	CHECK(resolve(NULL, "ports.out", &r) && r.kind == DV_REF_PORTS_OUT && r.a == 0);
	CHECK(resolve(NULL, "ports.in.step", &r) && r.kind == DV_REF_PORTS_IN && r.a == 1);
	CHECK(resolve(NULL, "dma.ch5.tc", &r) && r.kind == DV_REF_DMA_TC && r.a == 5);
	CHECK(resolve(NULL, "dma.ch0.residue", &r) && r.kind == DV_REF_DMA_RESIDUE && r.a == 0);
	CHECK(!resolve(NULL, "dma.ch8.tc", &r));
	CHECK(!resolve(NULL, "dma.ch1.nosuch", &r));
	CHECK(resolve(NULL, "irq15", &r) && r.kind == DV_REF_IRQ && r.a == 15);
	CHECK(!resolve(NULL, "irq16", &r));
	CHECK(resolve(NULL, "mem[0x3000]", &r) && r.kind == DV_REF_SLOT && r.a == DV_SLOT_MEM &&
	      r.b == 0x3000);
	CHECK(resolve(NULL, "cpu[16]", &r) && r.kind == DV_REF_CPU_MEM && r.a == 16);
	CHECK(resolve(NULL, "last.read[255]", &r) && r.kind == DV_REF_LAST_READ && r.a == 255);
	CHECK(!resolve(NULL, "last.read[256]", &r));
	CHECK(!resolve(NULL, "mem[0x3000", &r));
	snprintf(buf, sizeof buf, "verifier.%s", dv_rule_name((enum dv_rule)0));
	CHECK(resolve(NULL, buf, &r) && r.kind == DV_REF_VERIFIER_RULE && r.a == 0);
	snprintf(buf, sizeof buf, "calls.%s", dv_call_name((enum dv_call)0));
	CHECK(resolve(NULL, buf, &r) && r.kind == DV_REF_CALLS && r.a == 0);
	CHECK(!resolve(NULL, "calls.NdisNoSuchCall", &r));
	dv_slot_name(DV_SLOT_BUS_OWNER, 0, buf, sizeof buf);
	CHECK(resolve(NULL, buf, &r) && r.kind == DV_REF_SLOT && r.a == DV_SLOT_BUS_OWNER &&
	      r.type == DV_VT_OWNER);
	CHECK(resolve(NULL, "dma.ch1.count", &r) && r.kind == DV_REF_SLOT && r.b == 1);
	CHECK(!resolve(NULL, "", &r));
	CHECK(!resolve(NULL, "no.such.name", &r));
}

static struct dv_lesson *parse(const char *text, struct dv_msgs *m)
{
	dv_msgs_init(m);
	return dv_lesson_parse("t.lesson", text, strlen(text), m);
}

static void test_buffers(void)
{
	struct dv_msgs m;
	struct dv_lesson *L = parse("buffer rx at 0x100000 len 64\nbuffer tx alloc len 100\n", &m);
	struct dv_ref r;
	CHECK(L != NULL);
	if (!L)
		return;
	CHECK(resolve(L, "buffer.tx.len", &r) && r.kind == DV_REF_BUFFER_LEN && r.a == 1);
	CHECK(resolve(L, "buffer.rx.phys", &r) && r.kind == DV_REF_BUFFER_PHYS && r.a == 0);
	CHECK(!resolve(L, "buffer.rx.size", &r));
	CHECK(!resolve(L, "buffer.nope.len", &r));
	CHECK(!resolve(NULL, "buffer.rx.len", &r)); /* buffers belong to a lesson */
	dv_lesson_free(L);
	dv_msgs_finish(&m);
}

/* Words in values: statuses, rules, bus owners, yes/no; unknown ones suggest the nearest. */
static void test_words(void)
{
	struct dv_msgs m;
	struct dv_lesson *L =
	        parse("expect ndis.status == NDIS_STATUS_SUCCESS && bus.owner == cpu && "
	              "verifier.last == none && 1 == yes\n",
	              &m);
	CHECK(L != NULL);
	if (L) {
		const struct dv_cond *c = &L->stmts[0].cond;
		CHECK_EQ(c->n, 4);
		CHECK(c->cmp[0].rhs.term[0].type == DV_VT_STATUS && c->cmp[0].rhs.term[0].a == 0);
		CHECK(c->cmp[1].rhs.term[0].type == DV_VT_OWNER && c->cmp[1].rhs.term[0].a == 0);
		CHECK(c->cmp[2].rhs.term[0].type == DV_VT_RULE &&
		      c->cmp[2].rhs.term[0].a == 0xFFFFFFFFu);
		CHECK(c->cmp[3].rhs.term[0].a == 1);
	}
	dv_lesson_free(L);
	dv_msgs_finish(&m);

	L = parse("expect ndis.status == NDIS_STATUS_SUCESS\n", &m);
	CHECK(L == NULL && m.n == 1);
	if (m.n == 1) {
		CHECK(!strcmp(m.v[0].text,
		              "t.lesson:1:23: error: unknown status 'NDIS_STATUS_SUCESS'"));
		CHECK(m.v[0].hint && !strcmp(m.v[0].hint, "did you mean 'NDIS_STATUS_SUCCESS'?"));
	}
	dv_msgs_finish(&m);

	L = parse("expect irq55 == 0\n", &m);
	CHECK(L == NULL && m.n == 1 && m.v[0].hint && !strcmp(m.v[0].hint, "did you mean 'irq5'?"));
	dv_msgs_finish(&m);
}

/* Values the engine gives the names beyond machine slots. */
static void test_values(void)
{
	struct dv_msgs m;
	struct dv_lesson *L =
	        parse("lesson t\nout 0x0A 0x05\nin 0x08\nbuffer b at 0x20000 len 32\n", &m);
	CHECK(L != NULL);
	if (!L)
		return;
	struct dv_run *run = dv_run_create(L, NULL);
	CHECK(run != NULL);
	if (run) {
		uint32_t v = 0;
		enum dv_value_type t;
		CHECK(dv_run_all(run) == DV_RUN_DONE);
		CHECK(dv_run_eval_name(run, "dma.ch1.masked", &v, NULL) && v == 1);
		CHECK(dv_run_eval_name(run, "ports.out", &v, NULL) && v == 1);
		CHECK(dv_run_eval_name(run, "ports.in", &v, NULL) && v == 1);
		CHECK(dv_run_eval_name(run, "buffer.b.len", &v, NULL) && v == 32);
		CHECK(dv_run_eval_name(run, "buffer.b.phys", &v, NULL) && v == 0x20000);
		CHECK(dv_run_eval_name(run, "ndis.status", &v, &t) && t == DV_VT_STATUS);
		CHECK(dv_run_eval_name(run, "irq5", &v, NULL) && v == 0);
		CHECK(!dv_run_eval_name(run, "nosuch", &v, NULL));
	}
	dv_run_destroy(run);
	dv_lesson_free(L);
	dv_msgs_finish(&m);
}

/* Every name beyond the slots has its row: a form, a way to evaluate it, a description; and
 * every fixed name resolves to its own row. */
static void test_table(void)
{
	for (int k = DV_REF_SLOT + 1; k < DV_REF_COUNT; k++) {
		const struct dv_name *n = &dv_names[k];
		CHECK(n->text && n->text[0] && n->eval && n->what && n->what[0]);
		if (n->form == DV_NAME_FIXED) {
			struct dv_ref r;
			CHECK(resolve(NULL, n->text, &r) && r.kind == (enum dv_ref_kind)k &&
			      r.type == n->type);
		}
		if (n->form == DV_NAME_BRACKET || n->form == DV_NAME_IRQ)
			CHECK(n->limit > 0);
	}
}

CHECK_MAIN(CHECK_CASE(test_table), CHECK_CASE(test_forms), CHECK_CASE(test_buffers),
           CHECK_CASE(test_words), CHECK_CASE(test_values))

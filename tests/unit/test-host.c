/* dmaviz: the driver host's boundary (ui/host/boundary.h): what the trusted side refuses of a
 * message, the scratch copies, the generated dispatch, and that the table covers ndis.h. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "trusted.h"
#include "va_window.h"

#define ARENA (256u * 1024u)

static uint8_t *arena;
static struct dv_hside side;

static void fresh(void)
{
	if (!arena)
		arena = aligned_alloc(4096, ARENA);
	memset(arena, 0, ARENA);
	memset(&side, 0, sizeof side);
	side.base = arena;
	side.size = ARENA;
	side.scratch = arena + ARENA / 2;
	side.sp = side.scratch;
}

/* A message whose argument i is p, its scratch top where the side's is. */
static struct dv_hmsg msg_with(unsigned i, const void *p)
{
	struct dv_hmsg m;
	memset(&m, 0, sizeof m);
	m.kind = DV_HM_CALL;
	m.sp = (uint64_t)(uintptr_t)side.sp;
	m.a[i] = (uint64_t)(uintptr_t)p;
	return m;
}

static void test_pointers_inside_the_arena_only(void)
{
	fresh();
	int on_stack = 0;
	struct dv_hmsg m = msg_with(1, arena + 100);
	struct dv_hdisp d;
	dv_hd_begin(&d, &side, &m, "NdisX");
	CHECK(dv_hd_ptr(&d, 1, 16) == arena + 100 && d.ok);
	m = msg_with(1, &on_stack);
	dv_hd_begin(&d, &side, &m, "NdisX");
	CHECK(!dv_hd_ptr(&d, 1, sizeof on_stack) && !d.ok);
	CHECK(strstr(side.why, "NdisX: argument 2 points outside") != NULL);
	m = msg_with(0, arena + ARENA - 4); /* straddles the end */
	dv_hd_begin(&d, &side, &m, "NdisX");
	CHECK(!dv_hd_ptr(&d, 0, 8) && !d.ok);
	m = msg_with(0, NULL);
	dv_hd_begin(&d, &side, &m, "NdisX");
	CHECK(!dv_hd_ptr(&d, 0, 8) && d.ok); /* NULL is the callee's to judge */
	m = msg_with(0, arena);
	m.sp = 12; /* a scratch top outside the arena */
	dv_hd_begin(&d, &side, &m, "NdisX");
	CHECK(!d.ok);
}

static PNDIS_BUFFER mdl_at(size_t off)
{
	PNDIS_BUFFER b = (PNDIS_BUFFER)(arena + off);
	b->PfnCount = 1;
	b->ByteCount = 60;
	b->Pfn[0] = 0x123;
	b->MappedSystemVa = (PVOID)(dv_va_window_base() + 0x1000);
	return b;
}

static void test_buffers_field_by_field(void)
{
	fresh();
	PNDIS_BUFFER b = mdl_at(0);
	struct dv_hmsg m = msg_with(2, b);
	struct dv_hdisp d;
	dv_hd_begin(&d, &side, &m, "NdisSetupDmaTransfer");
	CHECK(dv_hd_buf(&d, 2) == b && d.ok);
	b->PfnCount = DV_MDL_MAX_PAGES + 1;
	dv_hd_begin(&d, &side, &m, "NdisSetupDmaTransfer");
	CHECK(!dv_hd_buf(&d, 2) && !d.ok);
	CHECK(strstr(side.why, "argument 3 is not an NDIS_BUFFER NDIS made") != NULL);
	b = mdl_at(0);
	b->MappedSystemVa = &m; /* host memory the trusted side would read */
	dv_hd_begin(&d, &side, &m, "NdisSetupDmaTransfer");
	CHECK(!dv_hd_buf(&d, 2));
	b = mdl_at(0);
	b->ByteCount = 5000; /* more than its one page holds */
	dv_hd_begin(&d, &side, &m, "NdisSetupDmaTransfer");
	CHECK(!dv_hd_buf(&d, 2));
	b = mdl_at(0);
	b->Pfn[0] = 0xFFFFFFFFu;
	dv_hd_begin(&d, &side, &m, "NdisSetupDmaTransfer");
	CHECK(!dv_hd_buf(&d, 2));
}

static void test_packets_and_their_chains(void)
{
	fresh();
	PNDIS_PACKET p = (PNDIS_PACKET)(arena + 4096);
	PNDIS_BUFFER a = mdl_at(0), b = mdl_at(512);
	p->Private.Head = a;
	a->Next = b;
	p->Private.Tail = b;
	struct dv_hmsg m = msg_with(0, p);
	struct dv_hdisp d;
	dv_hd_begin(&d, &side, &m, "NdisQueryPacket");
	CHECK(dv_hd_pkt(&d, 0) == p && d.ok);
	b->Next = a; /* a cycle: the trusted side must not walk it forever */
	dv_hd_begin(&d, &side, &m, "NdisQueryPacket");
	CHECK(!dv_hd_pkt(&d, 0) && !d.ok);
	b->Next = (PNDIS_BUFFER)&m; /* a buffer outside the arena */
	dv_hd_begin(&d, &side, &m, "NdisQueryPacket");
	CHECK(!dv_hd_pkt(&d, 0));
	b->Next = NULL;
	PPNDIS_PACKET arr = (PPNDIS_PACKET)(arena + 8192);
	arr[0] = p;
	arr[1] = (PNDIS_PACKET)&m;
	m = msg_with(1, arr);
	dv_hd_begin(&d, &side, &m, "NdisMIndicateReceivePacket");
	CHECK(dv_hd_pkts(&d, 1, 1) == arr && d.ok);
	dv_hd_begin(&d, &side, &m, "NdisMIndicateReceivePacket");
	CHECK(!dv_hd_pkts(&d, 1, 2) && !d.ok);
	dv_hd_begin(&d, &side, &m, "NdisMIndicateReceivePacket");
	CHECK(!dv_hd_pkts(&d, 1, 100000) && !d.ok);
}

static void test_file_names_end_inside(void)
{
	fresh();
	char *f = (char *)arena + ARENA - 8;
	memcpy(f, "abcdefgh", 8); /* no NUL before the arena ends */
	struct dv_hmsg m = msg_with(4, f);
	struct dv_hdisp d;
	dv_hd_begin(&d, &side, &m, "NdisX");
	CHECK(!dv_hd_file(&d, 4) && !d.ok);
	memcpy(f, "a.c", 4);
	dv_hd_begin(&d, &side, &m, "NdisX");
	CHECK(dv_hd_file(&d, 4) == f && d.ok);
}

static void test_scratch_copies_both_ways(void)
{
	fresh();
	NDIS_STATUS status = 7;
	struct dv_hcall c;
	dv_hc_begin(&c, &side, DV_HM_CALL, 0);
	dv_hc_copy(&c, 0, &status, sizeof status);
	NDIS_STATUS *copy = (NDIS_STATUS *)(uintptr_t)c.m.a[0];
	CHECK(dv_hside_holds(&side, copy, sizeof *copy) && *copy == 7);
	*copy = NDIS_STATUS_FAILURE; /* what the callee wrote */
	c.ok = true;
	dv_hc_back(&c, 0, &status, sizeof status);
	CHECK_EQ(status, NDIS_STATUS_FAILURE);
	/* too big for scratch: the pointer crosses as it is, and the receiver refuses it */
	static uint8_t big[ARENA];
	dv_hc_copy(&c, 1, big, sizeof big);
	CHECK(c.m.a[1] == (uint64_t)(uintptr_t)big);
	dv_hc_end(&c);
	CHECK(side.sp == side.scratch);
	/* a simulated VA crosses as it is */
	const void *va = (const void *)(dv_va_window_base() + 64);
	dv_hc_begin(&c, &side, DV_HM_CALL, 0);
	dv_hc_mem(&c, 0, va, 100);
	CHECK(c.m.a[0] == (uint64_t)(uintptr_t)va && side.sp == side.scratch);
}

static void test_dispatch_refuses_what_is_no_row(void)
{
	fresh();
	struct dv_hmsg in = msg_with(0, NULL), out;
	in.fn = 9999;
	CHECK(!dv_trusted_dispatch(&side, &in, &out));
	CHECK(strstr(side.why, "in no row of the table") != NULL);
	in.fn = 0;
	in.kind = DV_HM_CALLBACK;
	CHECK(!dv_trusted_dispatch(&side, &in, &out));
}

/* Every function ndis.h and dvnt.h declare is a row of ndis-calls.table (an ...At one by its
 * macro's name), so a driver cannot call NDIS outside the boundary; DbgPrint alone is the
 * host's own (it prints, it does not cross). */
static unsigned scan_header(const char *path)
{
	FILE *f = fopen(path, "r");
	CHECK(f != NULL);
	if (!f)
		return 0;
	char line[512];
	unsigned seen = 0;
	static const char *const rets[] = { "VOID ", "NDIS_STATUS ", "ULONG ", "KIRQL ",
		                            "BOOLEAN " };
	while (fgets(line, sizeof line, f)) {
		for (size_t r = 0; r < sizeof rets / sizeof rets[0]; r++) {
			size_t n = strlen(rets[r]);
			if (strncmp(line, rets[r], n) != 0 || line[n] == '(')
				continue;
			char name[128];
			size_t k = 0;
			for (const char *p = line + n; *p && *p != '(' && k + 1 < sizeof name; p++)
				name[k++] = *p;
			name[k] = 0;
			if (!strcmp(name, "DbgPrint"))
				continue;
			if (k > 2 && !strcmp(name + k - 2, "At"))
				name[k - 2] = 0;
			bool found = false;
			for (unsigned i = 0; i < dv_host_ncalls; i++)
				found |= !strcmp(dv_host_call_names[i], name);
			if (!found)
				fprintf(stderr, "%s's %s has no row in ndis-calls.table\n", path,
				        name);
			CHECK(found);
			seen++;
		}
	}
	fclose(f);
	return seen;
}

static void test_table_covers_ndis_h(void)
{
	unsigned seen = scan_header(DV_NDIS_HEADER_PATH) + scan_header(DV_NT_HEADER_PATH);
	CHECK(seen >= 80);
	CHECK_EQ(seen, dv_host_ncalls);
}

/* The `fn` kind: NDIS gets a trampoline and a pair in place of the driver's function and
 * context. A timer's pair is the same for the same function and context, and the table of
 * them has a bound that refuses with a message; a synchronize function's pair is its call's. */
static VOID some_timer(PVOID S1, PVOID Context, PVOID S2, PVOID S3)
{
	(void)S1, (void)Context, (void)S2, (void)S3;
}

static void test_function_pairs(void)
{
	fresh();
	struct dv_hmsg in = msg_with(0, NULL);
	struct dv_hdisp d;
	dv_hd_begin(&d, &side, &in, "NdisMInitializeTimer");
	void *fn = (void *)(uintptr_t)0x7000; /* the host's address: never called here */
	PVOID ctx = (PVOID)(uintptr_t)0x10, again = (PVOID)(uintptr_t)0x10;
	PNDIS_TIMER_FUNCTION t1 = dv_trusted_fn_PNDIS_TIMER_FUNCTION(&d, fn, &ctx);
	PNDIS_TIMER_FUNCTION t2 = dv_trusted_fn_PNDIS_TIMER_FUNCTION(&d, fn, &again);
	CHECK(t1 != NULL && t1 == t2 && t1 != (PNDIS_TIMER_FUNCTION)some_timer);
	CHECK(ctx == again && ctx != (PVOID)(uintptr_t)0x10);
	CHECK(dv_trusted_fn_PNDIS_TIMER_FUNCTION(&d, NULL, &ctx) == NULL && d.ok);
	bool refused = false;
	for (uintptr_t i = 0; i < 100 && !refused; i++) {
		PVOID c = (PVOID)(0x100 + i);
		refused = dv_trusted_fn_PNDIS_TIMER_FUNCTION(&d, fn, &c) == NULL;
	}
	CHECK(refused && !d.ok && strstr(side.why, "different timer functions"));
	/* Synchronize: each call its own pair, however many. */
	dv_hd_begin(&d, &side, &in, "NdisMSynchronizeWithInterrupt");
	for (uintptr_t i = 0; i < 100; i++) {
		PVOID c = (PVOID)(0x100 + i);
		CHECK(dv_trusted_fn_W_SYNCHRONIZE_INTERRUPT_HANDLER(&d, fn, &c) != NULL);
		CHECK(c != (PVOID)(0x100 + i));
	}
	CHECK(d.ok);
}

CHECK_MAIN(CHECK_CASE(test_pointers_inside_the_arena_only), CHECK_CASE(test_buffers_field_by_field),
           CHECK_CASE(test_packets_and_their_chains), CHECK_CASE(test_file_names_end_inside),
           CHECK_CASE(test_scratch_copies_both_ways),
           CHECK_CASE(test_dispatch_refuses_what_is_no_row), CHECK_CASE(test_table_covers_ndis_h),
           CHECK_CASE(test_function_pairs))

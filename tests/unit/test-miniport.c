/* dmaviz: the reference miniport end to end: frames sent to the peer and received from it,
 * byte for byte, through the 8237A, the HAL and the NIC, with the verifier silent. */
#include <string.h>

#include "check.h"
#include "drivers.h"
#include "dvmini.h"
#include "dvndis.h"
#include "nic.h"
#include "sim.h"

static struct dv_sim *sim;
static struct dv_ndis *nd;

static bool start_with(bool coherent, unsigned channel, const char *key, uint32_t value)
{
	struct dv_config cfg;
	dv_config_default(&cfg);
	cfg.coherent = coherent;
	cfg.mem_size = 32u << 20;
	cfg.nic_channel = (uint8_t)channel;
	sim = dv_sim_create(&cfg);
	nd = dv_ndis_create(sim);
	if (key && !dv_ndis_set_config(nd, key, value))
		return false;
	if (dv_ndis_load(nd, DvMiniDriverEntry) != NDIS_STATUS_SUCCESS)
		return false;
	return dv_ndis_initialize(nd) == NDIS_STATUS_SUCCESS;
}

static bool start(bool coherent, unsigned channel)
{
	return start_with(coherent, channel, NULL, 0);
}

static void stop(void)
{
	dv_ndis_halt(nd);
	CHECK_EQ(nd->violations, 0);
	dv_ndis_destroy(nd);
	dv_sim_destroy(sim);
}

static unsigned count_calls(size_t from, enum dv_call call)
{
	unsigned n = 0;
	for (size_t i = from; i < sim->trace.len; i++)
		if (dv_trace_at(&sim->trace, i)->kind == DV_EV_CALL &&
		    dv_trace_at(&sim->trace, i)->slot == call)
			n++;
	return n;
}

/* Sends one packet and runs until the protocol sees its completion. */
static int send_and_wait(const struct dv_packet_spec *spec)
{
	int idx = dv_ndis_send(nd, spec);
	CHECK(idx >= 0);
	if (idx < 0)
		return -1;
	for (int i = 0; i < 200000 && !nd->tx[idx].completed; i++)
		dv_sim_tick(sim);
	dv_sim_run(sim, 200); /* let the driver restart its receive */
	uint32_t done = 0;    /* tx.completed is counted as packets complete: the same number */
	for (uint32_t i = 0; i < nd->ntx; i++)
		done += nd->tx[i].completed;
	CHECK_EQ(nd->ntx_completed, done);
	return idx;
}

/* Queues a frame at the peer and runs until the protocol has it; checks it byte for byte. */
static void receive_and_check(uint16_t len)
{
	uint32_t before = nd->nrx;
	uint32_t seq = sim->st.peer.tx_seq + sim->st.peer.txq_count;
	CHECK(dv_peer_send(sim, len));
	for (int t = 0; t < 100000 && nd->nrx == before; t++)
		dv_sim_tick(sim);
	CHECK_EQ(nd->nrx, before + 1);
	const struct dv_rx_frame *f = &nd->rx[(nd->nrx - 1) % DV_NDIS_RX_LOG];
	CHECK_EQ(f->len, len);
	unsigned bad = 0;
	for (uint32_t k = 0; k < f->len; k++)
		if (f->data[k] != dv_peer_byte(seq, k))
			bad++;
	CHECK_EQ(bad, 0);
}

/* The last frame the peer received is the protocol's packet, byte for byte. */
static void check_peer_got(int idx)
{
	const struct dv_tx_packet *t = &nd->tx[idx];
	CHECK(t->completed);
	CHECK_EQ(t->status, NDIS_STATUS_SUCCESS);
	CHECK(sim->st.peer.rx_count > 0);
	unsigned f = (sim->st.peer.rx_count - 1) % DV_PEER_FRAMES;
	CHECK_EQ(sim->st.peer.rx_len[f], t->length);
	unsigned bad = 0;
	for (uint32_t i = 0; i < t->length && i < DV_FRAME_MAX; i++)
		if (sim->st.peer.rx_data[f][i] != dv_ndis_packet_byte(t->seq, i))
			bad++;
	CHECK_EQ(bad, 0);
}

static void test_init_and_halt(void)
{
	CHECK(start(true, 1));
	CHECK_EQ(nd->phase, DV_PHASE_RUNNING);
	CHECK(nd->irq_registered);
	CHECK_EQ(nd->nhandles, 1);
	CHECK(nd->handles[0]->registered);
	/* The receive is set up right away: channel 1 unmasked, a write transfer. */
	CHECK(!(sim->st.dma[0].mask & 2));
	CHECK_EQ((sim->st.dma[0].ch[1].mode >> 2) & 3, 1);
	stop();
	CHECK(!nd || true);
}

static void test_send_sizes(void)
{
	static const uint32_t sizes[] = { 60, 255, 256, 1514 };
	CHECK(start(true, 1));
	for (unsigned i = 0; i < 4; i++) {
		struct dv_packet_spec spec = { 1, { { sizes[i], 0, false } } };
		size_t from = sim->trace.len;
		int idx = send_and_wait(&spec);
		check_peer_got(idx);
		/* One Setup for the send (plus the receive restarted before and after). */
		CHECK(count_calls(from, DV_CALL_SETUP_DMA_TRANSFER) >= 1);
	}
	stop();
}

static void test_staging_threshold(void)
{
	CHECK(start(true, 1));
	/* 255 bytes in three chained buffers: copied into the staging buffer, one transfer. */
	struct dv_packet_spec small = {
		3, { { 100, 0, false }, { 100, 0, false }, { 55, 0, false } }
	};
	size_t from = sim->trace.len;
	int idx = send_and_wait(&small);
	check_peer_got(idx);
	unsigned setups_small = count_calls(from, DV_CALL_SETUP_DMA_TRANSFER);
	CHECK(count_calls(from, DV_CALL_MOVE_MEMORY) >= 3);
	/* 300 bytes in three buffers: one transfer per chained buffer. */
	struct dv_packet_spec big = { 3,
		                      { { 100, 0, false }, { 100, 0, false }, { 100, 0, false } } };
	from = sim->trace.len;
	idx = send_and_wait(&big);
	check_peer_got(idx);
	unsigned setups_big = count_calls(from, DV_CALL_SETUP_DMA_TRANSFER);
	CHECK(setups_big >= setups_small + 2);
	stop();
}

/* The threshold comes from the configuration (CopyThreshold): a packet of 300 bytes is staged
 * when the key says 1000, and 255 bytes go buffer by buffer when it says 0. A key of another
 * name leaves the default (256). */
static void test_threshold_from_configuration(void)
{
	struct dv_packet_spec mid = { 3,
		                      { { 100, 0, false }, { 100, 0, false }, { 100, 0, false } } };
	struct dv_packet_spec small = {
		3, { { 100, 0, false }, { 100, 0, false }, { 55, 0, false } }
	};
	CHECK(start_with(true, 1, "copythreshold", 1000)); /* keywords ignore case */
	size_t from = sim->trace.len;
	check_peer_got(send_and_wait(&mid));
	CHECK(count_calls(from, DV_CALL_MOVE_MEMORY) >= 3);
	unsigned setups_staged = count_calls(from, DV_CALL_SETUP_DMA_TRANSFER);
	stop();
	CHECK(start_with(true, 1, "CopyThreshold", 0));
	from = sim->trace.len;
	check_peer_got(send_and_wait(&small));
	CHECK_EQ(count_calls(from, DV_CALL_MOVE_MEMORY), 0);
	stop();
	CHECK(start_with(true, 1, "CopyThresholds", 0));
	from = sim->trace.len;
	check_peer_got(send_and_wait(&small));
	CHECK(count_calls(from, DV_CALL_MOVE_MEMORY) >= 3);
	from = sim->trace.len;
	check_peer_got(send_and_wait(&mid));
	CHECK_EQ(count_calls(from, DV_CALL_MOVE_MEMORY), 0);
	CHECK(count_calls(from, DV_CALL_SETUP_DMA_TRANSFER) >= setups_staged + 2);
	stop();
}

/* The built-in driver table: "reference" is this miniport; names are unique; every entry
 * loads and initializes; an unknown name has no entry. */
static void test_builtin_table(void)
{
	size_t n = 0;
	const struct dv_builtin_driver *t = dv_builtin_drivers(&n);
	CHECK(n >= 1);
	CHECK(dv_builtin_driver("reference") == DvMiniDriverEntry);
	CHECK(dv_builtin_driver("no-such-driver") == NULL);
	CHECK(dv_builtin_driver(NULL) == NULL);
	for (size_t i = 0; i < n; i++) {
		CHECK(t[i].name && t[i].what && t[i].entry);
		CHECK(dv_builtin_driver(t[i].name) == t[i].entry);
		for (size_t k = i + 1; k < n; k++)
			CHECK(strcmp(t[i].name, t[k].name) != 0);
		struct dv_config cfg;
		dv_config_default(&cfg);
		struct dv_sim *s = dv_sim_create(&cfg);
		struct dv_ndis *x = dv_ndis_create(s);
		CHECK_EQ(dv_ndis_load(x, t[i].entry), NDIS_STATUS_SUCCESS);
		CHECK_EQ(dv_ndis_initialize(x), NDIS_STATUS_SUCCESS);
		dv_ndis_halt(x);
		dv_ndis_destroy(x);
		dv_sim_destroy(s);
	}
}

static void test_send_bounced(void)
{
	CHECK(start(true, 1));
	/* A packet above 16 MiB, and one that crosses a 64 KiB boundary: the HAL bounces both. */
	struct dv_packet_spec high = { 1, { { 1514, 0x01800000, false } } };
	int idx = send_and_wait(&high);
	check_peer_got(idx);
	struct dv_packet_spec cross = { 1, { { 600, 0x002FF00, false } } };
	idx = send_and_wait(&cross);
	check_peer_got(idx);
	bool bounced = false;
	for (size_t i = 0; i < nd->nrec; i++)
		if (nd->rec[i].call == DV_CALL_IO_MAP_TRANSFER && nd->rec[i].arg[3])
			bounced = true;
	CHECK(bounced);
	stop();
}

static void test_receive_sizes(void)
{
	static const uint16_t sizes[] = { 60, 255, 256, 1514 };
	CHECK(start(true, 1));
	for (unsigned i = 0; i < 4; i++)
		receive_and_check(sizes[i]);
	stop();
}

static void test_non_coherent_machine(void)
{
	/* On a MIPS-like machine the flushes inside Setup and Complete keep the data right. */
	CHECK(start(false, 1));
	struct dv_packet_spec spec = { 1, { { 1514, 0, false } } };
	int idx = send_and_wait(&spec);
	check_peer_got(idx);
	receive_and_check(1514);
	stop();
}

static void test_busy_channel_send_while_receiving(void)
{
	/* The driver shares one channel: its receive transfer is set up when a send comes, so
	 * it must complete the receive first, or Setup returns NDIS_STATUS_RESOURCES. */
	CHECK(start(true, 1));
	size_t from = sim->trace.len;
	struct dv_packet_spec spec = { 1, { { 60, 0, false } } };
	int idx = send_and_wait(&spec);
	check_peer_got(idx);
	bool completed_rx_first = false;
	for (size_t i = from; i < sim->trace.len; i++) {
		const struct dv_event *e = dv_trace_at(&sim->trace, i);
		if (e->kind == DV_EV_CALL && e->slot == DV_CALL_COMPLETE_DMA_TRANSFER) {
			const struct dv_call_record *r = dv_ndis_record(nd, e->index);
			completed_rx_first = r && r->arg[3] == 0;
			break;
		}
	}
	CHECK(completed_rx_first);
	stop();
}

/* A driver that forgets its channel at halt. */
static NDIS_HANDLE lazy_dma;
static NDIS_STATUS lazy_init(PNDIS_STATUS OpenErrorStatus, PUINT SelectedMediumIndex,
                             PNDIS_MEDIUM MediumArray, UINT MediumArraySize,
                             NDIS_HANDLE MiniportAdapterHandle,
                             NDIS_HANDLE WrapperConfigurationContext)
{
	(void)OpenErrorStatus, (void)MediumArray, (void)MediumArraySize,
	        (void)WrapperConfigurationContext;
	NDIS_DMA_DESCRIPTION d;
	*SelectedMediumIndex = 0;
	NdisMSetAttributes(MiniportAdapterHandle, MiniportAdapterHandle, FALSE, NdisInterfaceIsa);
	NdisZeroMemory(&d, sizeof d);
	d.DmaChannel = 1;
	return NdisMRegisterDmaChannel(&lazy_dma, MiniportAdapterHandle, 1, FALSE, &d, 4096);
}

static bool lazy_leaves_transfer;

static VOID lazy_halt(NDIS_HANDLE ctx)
{
	(void)ctx; /* no NdisMDeregisterDmaChannel */
	if (lazy_leaves_transfer) {
		/* ...and a transfer set up that is never completed */
		PVOID va = NULL;
		NDIS_PHYSICAL_ADDRESS hi;
		NDIS_STATUS st;
		PNDIS_BUFFER b = NULL;
		hi.QuadPart = 0x00FFFFFF;
		NdisAllocateMemory(&va, 256, NDIS_MEMORY_CONTIGUOUS, hi);
		NdisAllocateBuffer(&st, &b, NULL, va, 256);
		NdisMSetupDmaTransfer(&st, lazy_dma, b, 0, 256, TRUE);
	}
}

static NTSTATUS lazy_entry(PDRIVER_OBJECT a, PUNICODE_STRING b)
{
	NDIS_HANDLE wrapper;
	NDIS_MINIPORT_CHARACTERISTICS c;
	(void)a, (void)b;
	NdisMInitializeWrapper(&wrapper, a, b, NULL);
	memset(&c, 0, sizeof c);
	c.MajorNdisVersion = 5;
	c.InitializeHandler = lazy_init;
	c.HaltHandler = lazy_halt;
	return NdisMRegisterMiniport(wrapper, &c, sizeof c);
}

static void test_missing_deregister(void)
{
	struct dv_config cfg;
	dv_config_default(&cfg);
	sim = dv_sim_create(&cfg);
	nd = dv_ndis_create(sim);
	CHECK_EQ(dv_ndis_load(nd, lazy_entry), NDIS_STATUS_SUCCESS);
	CHECK_EQ(dv_ndis_initialize(nd), NDIS_STATUS_SUCCESS);
	dv_ndis_halt(nd);
	CHECK_EQ(nd->fired[DV_RULE_DMA_MISSING_DEREGISTER], 1);
	CHECK_EQ(nd->fired[DV_RULE_DMA_MISSING_COMPLETE], 0);
	dv_ndis_destroy(nd);
	dv_sim_destroy(sim);

	lazy_leaves_transfer = true;
	sim = dv_sim_create(&cfg);
	nd = dv_ndis_create(sim);
	CHECK_EQ(dv_ndis_load(nd, lazy_entry), NDIS_STATUS_SUCCESS);
	CHECK_EQ(dv_ndis_initialize(nd), NDIS_STATUS_SUCCESS);
	dv_ndis_halt(nd);
	CHECK_EQ(nd->fired[DV_RULE_DMA_MISSING_COMPLETE], 1);
	CHECK_EQ(nd->fired[DV_RULE_DMA_MISSING_DEREGISTER], 1);
	lazy_leaves_transfer = false;
	dv_ndis_destroy(nd);
	dv_sim_destroy(sim);
}

CHECK_MAIN(CHECK_CASE(test_init_and_halt), CHECK_CASE(test_send_sizes),
           CHECK_CASE(test_staging_threshold), CHECK_CASE(test_threshold_from_configuration),
           CHECK_CASE(test_builtin_table), CHECK_CASE(test_send_bounced),
           CHECK_CASE(test_receive_sizes), CHECK_CASE(test_non_coherent_machine),
           CHECK_CASE(test_busy_channel_send_while_receiving), CHECK_CASE(test_missing_deregister))

/* dmaviz: what NDIS asks of a running miniport besides its packets: information requests
 * (MiniportQueryInformation, MiniportSetInformation: a lesson's `driver query` and `driver
 * set`) and the hang check (MiniportCheckForHang, then MiniportReset when it says the card
 * hangs). A serialized NDIS 5 miniport gets each at DISPATCH_LEVEL, one at a time. NDIS calls
 * MiniportCheckForHang every CheckForHangTimeInSeconds (NdisMSetAttributesEx; 0 means the
 * default, 2 seconds) on the machine's clock, from the timers' DPC (ndis_time.c).
 */
#include <string.h>

#include "dvndis.h"
#include "sim.h"

/* The OIDs ndis.h defines, by name (a lesson's `driver query OID_GEN_LINK_SPEED`). */
#define OID(n)                                                                                     \
	{                                                                                          \
#n, n                                                                              \
	}
static const struct {
	const char *name;
	uint32_t oid;
} oids[] = {
	OID(OID_GEN_SUPPORTED_LIST),
	OID(OID_GEN_HARDWARE_STATUS),
	OID(OID_GEN_MEDIA_SUPPORTED),
	OID(OID_GEN_MEDIA_IN_USE),
	OID(OID_GEN_MAXIMUM_LOOKAHEAD),
	OID(OID_GEN_MAXIMUM_FRAME_SIZE),
	OID(OID_GEN_LINK_SPEED),
	OID(OID_GEN_TRANSMIT_BUFFER_SPACE),
	OID(OID_GEN_RECEIVE_BUFFER_SPACE),
	OID(OID_GEN_TRANSMIT_BLOCK_SIZE),
	OID(OID_GEN_RECEIVE_BLOCK_SIZE),
	OID(OID_GEN_VENDOR_ID),
	OID(OID_GEN_VENDOR_DESCRIPTION),
	OID(OID_GEN_CURRENT_PACKET_FILTER),
	OID(OID_GEN_CURRENT_LOOKAHEAD),
	OID(OID_GEN_DRIVER_VERSION),
	OID(OID_GEN_MAXIMUM_TOTAL_SIZE),
	OID(OID_GEN_MAC_OPTIONS),
	OID(OID_GEN_MEDIA_CONNECT_STATUS),
	OID(OID_GEN_MAXIMUM_SEND_PACKETS),
	OID(OID_GEN_XMIT_OK),
	OID(OID_GEN_RCV_OK),
	OID(OID_GEN_XMIT_ERROR),
	OID(OID_GEN_RCV_ERROR),
	OID(OID_GEN_RCV_NO_BUFFER),
	OID(OID_IRDA_RECEIVING),
	OID(OID_IRDA_TURNAROUND_TIME),
	OID(OID_IRDA_SUPPORTED_SPEEDS),
	OID(OID_IRDA_LINK_SPEED),
	OID(OID_IRDA_MEDIA_BUSY),
};
#undef OID

uint32_t dv_oid_find(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof oids / sizeof oids[0]; i++)
		if (strlen(oids[i].name) == len && !strncmp(oids[i].name, name, len))
			return oids[i].oid;
	return 0;
}

const char *dv_oid_name(uint32_t oid)
{
	for (size_t i = 0; i < sizeof oids / sizeof oids[0]; i++)
		if (oids[i].oid == oid)
			return oids[i].name;
	return NULL;
}

#define HANG_DEFAULT_SECONDS 2u

/* Runs one handler call at DISPATCH_LEVEL inside a call record; fills rec's arguments. */
static struct dv_ndis_call_scope request_begin(struct dv_ndis *nd, enum dv_call call,
                                               const uint32_t *args, unsigned nargs,
                                               uint8_t *old_irql)
{
	*old_irql = nd->sim->st.cpu.irql;
	dv_sim_raise_irql(nd->sim, DV_DISPATCH_LEVEL);
	return dv_ndis_call_begin(nd, call, 0, DV_SRC_DRIVER, args, nargs, DV_NO_CHANNEL);
}

static void request_end(struct dv_ndis *nd, struct dv_ndis_call_scope s, enum dv_call call,
                        NDIS_STATUS st, uint8_t old_irql)
{
	dv_ndis_call_end(nd, s, call, st);
	dv_ndis_check_locks(nd);
	dv_sim_lower_irql(nd->sim, old_irql);
	nd->last_status = st;
}

bool dv_ndis_has_request_handler(const struct dv_ndis *nd, bool query)
{
	return query ? nd->chars.QueryInformationHandler != NULL :
	               nd->chars.SetInformationHandler != NULL;
}

/* One request: handler (the Query or Set handler: the same arguments) with the len bytes of
 * buf as NDIS's InformationBuffer, in a call record that keeps the OID and length, then the
 * buffer's first ULONG after the call, BytesWritten (or BytesRead) and BytesNeeded. */
static NDIS_STATUS request(struct dv_ndis *nd, enum dv_call call,
                           W_QUERY_INFORMATION_HANDLER handler, uint32_t oid, uint8_t *buf,
                           uint32_t len)
{
	ULONG done = 0, needed = 0;
	uint32_t args[2] = { oid, len };
	uint8_t irql;
	struct dv_ndis_call_scope s = request_begin(nd, call, args, 2, &irql);
	NDIS_STATUS st = handler(nd->context, oid, buf, len, &done, &needed);
	uint32_t first = 0;
	for (uint32_t i = 0; i < len && i < 4; i++)
		first |= (uint32_t)buf[i] << (8 * i);
	nd->rec[s.rec].arg[DV_REQ_ARG_VALUE] = first;
	nd->rec[s.rec].arg[DV_REQ_ARG_DONE] = done;
	nd->rec[s.rec].arg[DV_REQ_ARG_NEEDED] = needed;
	request_end(nd, s, call, st, irql);
	return st;
}

NDIS_STATUS dv_ndis_query(struct dv_ndis *nd, uint32_t oid, uint32_t length)
{
	dv_ndis_bind(nd);
	if (nd->phase != DV_PHASE_RUNNING || !nd->chars.QueryInformationHandler)
		return NDIS_STATUS_NOT_SUPPORTED;
	uint8_t buf[DV_REQ_MAX_BYTES] = { 0 };
	return request(nd, DV_CALL_MINIPORT_QUERY_INFORMATION, nd->chars.QueryInformationHandler,
	               oid, buf, length < sizeof buf ? length : sizeof buf);
}

NDIS_STATUS dv_ndis_set(struct dv_ndis *nd, uint32_t oid, uint32_t value)
{
	dv_ndis_bind(nd);
	if (nd->phase != DV_PHASE_RUNNING || !nd->chars.SetInformationHandler)
		return NDIS_STATUS_NOT_SUPPORTED;
	uint8_t buf[4];
	for (unsigned i = 0; i < 4; i++)
		buf[i] = (uint8_t)(value >> (8 * i));
	return request(nd, DV_CALL_MINIPORT_SET_INFORMATION, nd->chars.SetInformationHandler, oid,
	               buf, sizeof buf);
}

/* MiniportReset: NDIS resets a card its driver says hangs. AddressingReset TRUE would make NDIS
 * set the packet filter and addresses again; the model records it. */
static void reset(struct dv_ndis *nd)
{
	if (!nd->chars.ResetHandler)
		return;
	BOOLEAN addressing = FALSE;
	uint8_t irql;
	struct dv_ndis_call_scope s = request_begin(nd, DV_CALL_MINIPORT_RESET, NULL, 0, &irql);
	NDIS_STATUS st = nd->chars.ResetHandler(&addressing, nd->context);
	nd->rec[s.rec].arg[0] = addressing != FALSE;
	request_end(nd, s, DV_CALL_MINIPORT_RESET, st, irql);
}

void dv_ndis_check_for_hang(struct dv_ndis *nd)
{
	if (nd->phase != DV_PHASE_RUNNING || !nd->chars.CheckForHangHandler)
		return;
	uint8_t irql;
	struct dv_ndis_call_scope s =
	        request_begin(nd, DV_CALL_MINIPORT_CHECK_FOR_HANG, NULL, 0, &irql);
	BOOLEAN hangs = nd->chars.CheckForHangHandler(nd->context);
	request_end(nd, s, DV_CALL_MINIPORT_CHECK_FOR_HANG, hangs != FALSE, irql);
	if (hangs)
		reset(nd);
}

void dv_ndis_hang_start(struct dv_ndis *nd)
{
	uint32_t secs = nd->hang_seconds ? nd->hang_seconds : HANG_DEFAULT_SECONDS;
	nd->hang_period =
	        nd->chars.CheckForHangHandler ? (uint64_t)secs * 1000u * DV_NDIS_CYCLES_PER_MS : 0;
	nd->hang_due = nd->sim->st.cycle + nd->hang_period;
	dv_ndis_schedule(nd);
}

/* dmaviz: the NDIS 5.x calls a subordinate-DMA miniport makes, on the simulated PC. This file
 * holds the contexts (the live ones, the bound one, the context a handle names), call records
 * and their named arguments (arg_fields), the miniport's life cycle (DriverEntry, Initialize,
 * Halt), the protocol above it that sends packets, the ISR and DPC, registration, port I/O and
 * interrupt registration, time, IRQL and spin locks. The DMA channel is in ndis_dma.c; memory,
 * buffers and packets in ndis_mem.c; the configuration in ndis_config.c; what the files share
 * is declared in ndis_int.h.
 *
 * Documented behaviour comes from Microsoft's pages (the two in shared/seeds and their
 * neighbours); where the steps are inferred (facts §3), a comment says so.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "dma8237.h"
#include "dvndis.h"
#include "nic.h"
#include "sim.h"

/* Every context alive now, as NDIS keeps a list of its miniport blocks. A handle a driver
 * passes is looked up here (never dereferenced on trust), so each call lands on the context
 * that handed the handle out, even with several alive; a handle found in none is the driver's
 * misuse, refused or reported by the verifier as before. */
static struct dv_ndis **live; /* a slot per context ever alive at once; NULL: free */
static size_t nlive;

/* The context of the calls that carry no handle (NdisMInitializeWrapper, NdisAllocateMemory,
 * NdisMoveMemory, the spin locks, ...): see dv_ndis_bind, the one place that sets it. */
static struct dv_ndis *bound;

/* ---- bookkeeping --------------------------------------------------------------------- */

void *dv_ndis_host_alloc(struct dv_ndis *ndis, size_t size)
{
	if (ndis->nhost == ndis->host_cap) {
		size_t cap = ndis->host_cap ? ndis->host_cap * 2 : 64;
		void **n = realloc(ndis->host_allocs, cap * sizeof *n);
		if (!n)
			return NULL;
		ndis->host_allocs = n;
		ndis->host_cap = cap;
	}
	void *p = ndis->mem.alloc ? ndis->mem.alloc(ndis->mem.ctx, size ? size : 1) :
	                            calloc(1, size ? size : 1);
	if (p)
		ndis->host_allocs[ndis->nhost++] = p;
	return p;
}

/* Gives p back to whichever allocator made it. */
static void host_release(struct dv_ndis *ndis, void *p)
{
	if (!ndis->mem.free || !ndis->mem.free(ndis->mem.ctx, p))
		free(p);
}

void dv_ndis_use_memory(const struct dv_ndis_memory *m)
{
	struct dv_ndis *nd = dv_ndis_bound();
	if (!nd)
		return;
	if (nd->mem.release)
		nd->mem.release(nd->mem.ctx);
	memset(&nd->mem, 0, sizeof nd->mem);
	if (m)
		nd->mem = *m;
}

void dv_ndis_driver_failed(const char *why)
{
	struct dv_ndis *nd = dv_ndis_bound();
	if (!nd || nd->driver_failure)
		return;
	size_t n = strlen(why);
	nd->driver_failure = malloc(n + 1);
	if (nd->driver_failure)
		memcpy(nd->driver_failure, why, n + 1);
	dv_sim_note(nd->sim, DV_NOTE_DRIVER_ENDED, 0, 0, DV_NO_CHANNEL);
}

const char *dv_ndis_driver_failure(const struct dv_ndis *ndis)
{
	return ndis ? ndis->driver_failure : NULL;
}

bool dv_ndis_host_free(struct dv_ndis *ndis, void *p)
{
	for (size_t i = ndis->nhost; i-- > 0;) {
		if (ndis->host_allocs[i] == p) {
			ndis->host_allocs[i] = ndis->host_allocs[--ndis->nhost];
			host_release(ndis, p);
			return true;
		}
	}
	return false;
}

/* The context a handle names: NDIS gives a miniport its own block as the NdisWrapperHandle,
 * the MiniportAdapterHandle, the WrapperConfigurationContext and the pool handles. NULL when h
 * is not a live context. */
struct dv_ndis *dv_ndis_of(NDIS_HANDLE h)
{
	for (size_t i = 0; h && i < nlive; i++)
		if ((NDIS_HANDLE)live[i] == h)
			return live[i];
	return NULL;
}

/* The context a handle names, else the bound one: a handle that is not ours is the driver's
 * misuse, refused or reported on the context whose driver is running. */
struct dv_ndis *dv_ndis_of_or_bound(NDIS_HANDLE h)
{
	struct dv_ndis *nd = dv_ndis_of(h);
	return nd ? nd : bound;
}

/* The context that handed out the DMA handle h (registered or not), else the bound one: a
 * handle that is not ours is reported where the driver runs. */
struct dv_ndis *dv_ndis_dma_owner(NDIS_HANDLE h)
{
	for (size_t i = 0; h && i < nlive; i++)
		for (size_t k = 0; live[i] && k < live[i]->nhandles; k++)
			if ((NDIS_HANDLE)live[i]->handles[k] == h)
				return live[i];
	return bound;
}

/* The context whose host allocations hold p (a buffer descriptor, a packet), else the bound
 * one. */
struct dv_ndis *dv_ndis_host_owner(const void *p)
{
	for (size_t i = 0; p && i < nlive; i++)
		for (size_t k = 0; live[i] && k < live[i]->nhost; k++)
			if (live[i]->host_allocs[k] == p)
				return live[i];
	return bound;
}

/* The context whose configuration handle h is. */
struct dv_ndis *dv_ndis_config_owner(NDIS_HANDLE h)
{
	for (size_t i = 0; h && i < nlive; i++)
		if (live[i] && (NDIS_HANDLE)&live[i]->config == h)
			return live[i];
	return NULL;
}

uint16_t dv_ndis_loc(struct dv_ndis *ndis, const char *file, int line)
{
	return dv_trace_loc(&ndis->sim->trace, file, line > 0 ? (uint32_t)line : 0);
}

/* Opens a call record and its DV_EV_CALL event; events until the matching dv_ndis_call_end
 * carry the caller's location, so the UI can point at the driver line behind each port write. */
struct dv_ndis_call_scope dv_ndis_call_begin(struct dv_ndis *ndis, enum dv_call call, uint16_t loc,
                                             enum dv_src src, const uint32_t *args, unsigned nargs,
                                             uint8_t channel)
{
	struct dv_ndis_call_scope s = { UINT32_MAX, 0 };
	s.saved_cause = dv_sim_cause(ndis->sim, src, loc);
	struct dv_call_record r;
	memset(&r, 0, sizeof r);
	r.call = (uint16_t)call;
	r.loc = loc;
	for (unsigned i = 0; i < nargs && i < 6; i++)
		r.arg[i] = args[i];
	r.channel = channel;
	r.cycle = ndis->sim->st.cycle;
	if (dv_ndis_record_append(ndis, &r))
		s.rec = (uint32_t)ndis->nrec - 1;
	dv_sim_emit(ndis->sim, DV_EV_CALL, (uint16_t)call, s.rec, 0, 0, channel);
	if (ndis->sim->watch)
		ndis->sim->watch(ndis->sim->watch_ctx);
	return s;
}

void dv_ndis_call_end(struct dv_ndis *ndis, struct dv_ndis_call_scope s, enum dv_call call,
                      int32_t status)
{
	if (s.rec < ndis->nrec) {
		ndis->rec[s.rec].status = status;
		ndis->rec[s.rec].returned = 1;
	}
	dv_sim_emit(ndis->sim, DV_EV_RETURN, (uint16_t)call, s.rec, 0, (uint32_t)status,
	            s.rec < ndis->nrec ? ndis->rec[s.rec].channel : DV_NO_CHANNEL);
	dv_sim_cause_restore(ndis->sim, s.saved_cause);
	if (ndis->sim->watch)
		ndis->sim->watch(ndis->sim->watch_ctx);
}

/* Where each named argument sits in a record: (call, position in arg[], bit shift, bits,
 * member of struct dv_call_args). One table serves both directions. */
struct arg_field {
	uint16_t call;
	uint8_t pos, shift, bits; /* bits 1: a bool made of one bit; 32: the whole word */
	uint8_t is_bool;
	uint16_t off;
};

#define ARG(c, p, sh, b, m)                                                                        \
	{                                                                                          \
		DV_CALL_##c, p, sh, b, sizeof(((struct dv_call_args *)0)->m) == sizeof(bool),      \
		        (uint16_t)offsetof(struct dv_call_args, m)                                 \
	}
static const struct arg_field arg_fields[] = {
	ARG(SETUP_DMA_TRANSFER, DV_DMA_ARG_VA, 0, 32, dma.va),
	ARG(SETUP_DMA_TRANSFER, DV_DMA_ARG_OFFSET, 0, 32, dma.offset),
	ARG(SETUP_DMA_TRANSFER, DV_DMA_ARG_LENGTH, 0, 32, dma.length),
	ARG(SETUP_DMA_TRANSFER, DV_DMA_ARG_WRITE, 0, 32, dma.write_to_device),
	ARG(SETUP_DMA_TRANSFER, DV_DMA_ARG_PHYS, 0, 32, dma.phys),
	ARG(SETUP_DMA_TRANSFER, DV_DMA_ARG_BYTECOUNT, 0, 32, dma.bytecount),
	ARG(COMPLETE_DMA_TRANSFER, DV_DMA_ARG_VA, 0, 32, dma.va),
	ARG(COMPLETE_DMA_TRANSFER, DV_DMA_ARG_OFFSET, 0, 32, dma.offset),
	ARG(COMPLETE_DMA_TRANSFER, DV_DMA_ARG_LENGTH, 0, 32, dma.length),
	ARG(COMPLETE_DMA_TRANSFER, DV_DMA_ARG_WRITE, 0, 32, dma.write_to_device),
	ARG(COMPLETE_DMA_TRANSFER, DV_DMA_ARG_PHYS, 0, 32, dma.phys),
	ARG(COMPLETE_DMA_TRANSFER, DV_DMA_ARG_BYTECOUNT, 0, 32, dma.bytecount),
	ARG(REGISTER_DMA_CHANNEL, DV_REGISTER_ARG_CHANNEL, 0, 32, reg.channel),
	ARG(REGISTER_DMA_CHANNEL, DV_REGISTER_ARG_DMA32, 0, 32, reg.dma32),
	ARG(REGISTER_DMA_CHANNEL, DV_REGISTER_ARG_MAXLEN, 0, 32, reg.max_length),
	ARG(REGISTER_DMA_CHANNEL, DV_REGISTER_ARG_DESC_CHANNEL, 0, 32, reg.desc_channel),
	ARG(REGISTER_DMA_CHANNEL, DV_REGISTER_ARG_DESC_WIDTH, 0, 32, reg.desc_width),
	ARG(REGISTER_DMA_CHANNEL, DV_REGISTER_ARG_DESC_MODE, 0, 1, reg.demand_mode),
	ARG(REGISTER_DMA_CHANNEL, DV_REGISTER_ARG_DESC_MODE, 1, 1, reg.auto_initialize),
	ARG(IO_MAP_TRANSFER, DV_MAP_ARG_OFFSET, 0, 32, map.offset),
	ARG(IO_MAP_TRANSFER, DV_MAP_ARG_LENGTH, 0, 32, map.length),
	ARG(IO_MAP_TRANSFER, DV_MAP_ARG_WRITE, 0, 32, map.write_to_device),
	ARG(IO_MAP_TRANSFER, DV_MAP_ARG_BOUNCED, 0, 32, map.bounced),
	ARG(IO_MAP_TRANSFER, DV_MAP_ARG_PHYS, 0, 32, map.phys),
	ARG(IO_MAP_TRANSFER, DV_MAP_ARG_WOULD_BE, 0, 32, map.would_be),
	ARG(IO_FLUSH_ADAPTER_BUFFERS, DV_MAP_ARG_OFFSET, 0, 32, map.offset),
	ARG(IO_FLUSH_ADAPTER_BUFFERS, DV_MAP_ARG_LENGTH, 0, 32, map.length),
	ARG(IO_FLUSH_ADAPTER_BUFFERS, DV_MAP_ARG_WRITE, 0, 32, map.write_to_device),
	ARG(KE_FLUSH_IO_BUFFERS, DV_MAP_ARG_OFFSET, 0, 32, flush.offset),
	ARG(KE_FLUSH_IO_BUFFERS, DV_MAP_ARG_LENGTH, 0, 32, flush.length),
	ARG(KE_FLUSH_IO_BUFFERS, DV_MAP_ARG_WRITE, 0, 32, flush.read_operation),
	ARG(HAL_GET_ADAPTER, 0, 0, 32, get_adapter.channel),
	ARG(HAL_GET_ADAPTER, 1, 0, 32, get_adapter.refusal),
	ARG(HAL_GET_ADAPTER, 2, 0, 32, get_adapter.mode),
	ARG(SET_ATTRIBUTES, 0, 0, 32, attributes.bus_master),
	ARG(SET_ATTRIBUTES, 1, 0, 32, attributes.adapter_type),
	ARG(REGISTER_INTERRUPT, 0, 0, 32, interrupt.vector),
	ARG(ALLOCATE_MEMORY, 0, 0, 32, allocate.length),
	ARG(ALLOCATE_MEMORY, 1, 0, 32, allocate.flags),
	ARG(ALLOCATE_MEMORY, 2, 0, 32, allocate.highest),
	ARG(ALLOCATE_MEMORY, 3, 0, 32, allocate.phys),
	ARG(ALLOCATE_SHARED_MEMORY, 0, 0, 32, shared.length),
	ARG(MOVE_MEMORY, 0, 0, 32, move.dst_phys),
	ARG(MOVE_MEMORY, 1, 0, 32, move.src_phys),
	ARG(MOVE_MEMORY, 2, 0, 32, move.length),
	ARG(ZERO_MEMORY, 0, 0, 32, zero.dst_phys),
	ARG(ZERO_MEMORY, 1, 0, 32, zero.length),
	ARG(MINIPORT_SEND, 0, 0, 32, send.packet),
	ARG(MINIPORT_SEND, 1, 0, 32, send.length),
	ARG(SEND_COMPLETE, 0, 0, 32, send_complete.packet),
	ARG(SEND_COMPLETE, 1, 0, 32, send_complete.status),
	ARG(INDICATE_RECEIVE_PACKET, 0, 0, 32, indicate.npackets),
	ARG(INDICATE_RECEIVE_PACKET, 1, 0, 32, indicate.length[0]),
	ARG(INDICATE_RECEIVE_PACKET, 2, 0, 32, indicate.length[1]),
	ARG(INDICATE_RECEIVE_PACKET, 3, 0, 32, indicate.length[2]),
	ARG(INDICATE_RECEIVE_PACKET, 4, 0, 32, indicate.length[3]),
	ARG(INDICATE_RECEIVE_PACKET, 5, 0, 32, indicate.length[4]),
	ARG(STALL_EXECUTION, 0, 0, 32, stall.microseconds),
	ARG(SLEEP, 0, 0, 32, stall.microseconds),
	ARG(SLEEP, 1, 0, 32, stall.refused),
	ARG(SET_ATTRIBUTES_EX, 0, 0, 32, attributes_ex.bus_master),
	ARG(SET_ATTRIBUTES_EX, 1, 0, 32, attributes_ex.adapter_type),
	ARG(SET_ATTRIBUTES_EX, 2, 0, 32, attributes_ex.flags),
	ARG(SET_ATTRIBUTES_EX, 3, 0, 32, attributes_ex.hang_seconds),
	ARG(REGISTER_IO_PORT_RANGE, 0, 0, 32, port_range.first),
	ARG(REGISTER_IO_PORT_RANGE, 1, 0, 32, port_range.count),
	ARG(DEREGISTER_IO_PORT_RANGE, 0, 0, 32, port_range.first),
	ARG(DEREGISTER_IO_PORT_RANGE, 1, 0, 32, port_range.count),
	ARG(WRITE_PORT_BUFFER, 0, 0, 32, port_buffer.port),
	ARG(WRITE_PORT_BUFFER, 1, 0, 32, port_buffer.count),
	ARG(WRITE_PORT_BUFFER, 2, 0, 32, port_buffer.width),
	ARG(READ_PORT_BUFFER, 0, 0, 32, port_buffer.port),
	ARG(READ_PORT_BUFFER, 1, 0, 32, port_buffer.count),
	ARG(READ_PORT_BUFFER, 2, 0, 32, port_buffer.width),
#define TIMER_ARGS(c)                                                                              \
	ARG(c, 0, 0, 32, timer.id), ARG(c, 1, 0, 32, timer.ms), ARG(c, 2, 0, 32, timer.due),       \
	        ARG(c, 3, 0, 32, timer.cancelled)
	TIMER_ARGS(INITIALIZE_TIMER),
	TIMER_ARGS(SET_TIMER),
	TIMER_ARGS(SET_PERIODIC_TIMER),
	TIMER_ARGS(CANCEL_TIMER),
	TIMER_ARGS(NDIS_INITIALIZE_TIMER),
	TIMER_ARGS(NDIS_SET_TIMER),
	TIMER_ARGS(NDIS_CANCEL_TIMER),
	TIMER_ARGS(MINIPORT_TIMER),
#undef TIMER_ARGS
	ARG(WRITE_ERROR_LOG_ENTRY, 0, 0, 32, error_log.code),
	ARG(WRITE_ERROR_LOG_ENTRY, 1, 0, 32, error_log.nvalues),
	ARG(WRITE_ERROR_LOG_ENTRY, 2, 0, 32, error_log.value[0]),
	ARG(WRITE_ERROR_LOG_ENTRY, 3, 0, 32, error_log.value[1]),
	ARG(WRITE_ERROR_LOG_ENTRY, 4, 0, 32, error_log.value[2]),
	ARG(WRITE_ERROR_LOG_ENTRY, 5, 0, 32, error_log.value[3]),
#define REQUEST_ARGS(c)                                                                            \
	ARG(c, DV_REQ_ARG_OID, 0, 32, request.oid),                                                \
	        ARG(c, DV_REQ_ARG_LENGTH, 0, 32, request.length),                                  \
	        ARG(c, DV_REQ_ARG_VALUE, 0, 32, request.value),                                    \
	        ARG(c, DV_REQ_ARG_DONE, 0, 32, request.done),                                      \
	        ARG(c, DV_REQ_ARG_NEEDED, 0, 32, request.needed)
	REQUEST_ARGS(MINIPORT_QUERY_INFORMATION),
	REQUEST_ARGS(MINIPORT_SET_INFORMATION),
#undef REQUEST_ARGS
	ARG(MINIPORT_RESET, 0, 0, 32, reset.addressing),
	ARG(INDICATE_STATUS, 0, 0, 32, indicate_status.status),
	ARG(INDICATE_STATUS, 1, 0, 32, indicate_status.size),
	ARG(INDICATE_STATUS, 2, 0, 32, indicate_status.first),
};
#undef ARG

void dv_call_args(const struct dv_call_record *r, struct dv_call_args *out)
{
	memset(out, 0, sizeof *out);
	out->call = (enum dv_call)r->call;
	for (size_t i = 0; i < sizeof arg_fields / sizeof arg_fields[0]; i++) {
		const struct arg_field *f = &arg_fields[i];
		if (f->call != r->call)
			continue;
		uint32_t mask = f->bits == 32 ? 0xFFFFFFFFu : (1u << f->bits) - 1;
		uint32_t v = (r->arg[f->pos] >> f->shift) & mask;
		char *m = (char *)out + f->off;
		if (f->is_bool)
			*(bool *)m = v != 0;
		else
			memcpy(m, &v, sizeof v);
	}
}

void dv_call_args_encode(const struct dv_call_args *a, struct dv_call_record *r)
{
	r->call = (uint16_t)a->call;
	memset(r->arg, 0, sizeof r->arg);
	for (size_t i = 0; i < sizeof arg_fields / sizeof arg_fields[0]; i++) {
		const struct arg_field *f = &arg_fields[i];
		if (f->call != a->call)
			continue;
		uint32_t v;
		const char *m = (const char *)a + f->off;
		if (f->is_bool)
			v = *(const bool *)m;
		else
			memcpy(&v, m, sizeof v);
		uint32_t mask = f->bits == 32 ? 0xFFFFFFFFu : (1u << f->bits) - 1;
		r->arg[f->pos] |= (v & mask) << f->shift;
	}
}

const struct dv_call_record *dv_ndis_record(const struct dv_ndis *ndis, uint32_t n)
{
	return n < ndis->nrec ? &ndis->rec[n] : NULL;
}

size_t dv_ndis_record_count(const struct dv_ndis *ndis)
{
	return ndis->nrec;
}

bool dv_ndis_record_append(struct dv_ndis *ndis, const struct dv_call_record *r)
{
	if (ndis->nrec == ndis->rec_cap) {
		size_t cap = ndis->rec_cap ? ndis->rec_cap * 2 : 256;
		struct dv_call_record *n = realloc(ndis->rec, cap * sizeof *n);
		if (!n)
			return false;
		ndis->rec = n;
		ndis->rec_cap = cap;
	}
	ndis->rec[ndis->nrec++] = *r;
	return true;
}

void dv_ndis_violate(struct dv_ndis *ndis, enum dv_rule rule, uint16_t loc, uint32_t record)
{
	dv_verifier_fire(ndis, rule, loc, record, DV_VERIFIER_NO_RECORD, 0);
}

uint8_t dv_ndis_irql(struct dv_ndis *nd)
{
	return nd->sim->st.cpu.irql;
}

/* The statuses the model and its drivers return, by name: the event log's words and the
 * names a lesson may write. */
#define STATUS(n)                                                                                  \
	{                                                                                          \
#n, n                                                                              \
	}
static const struct dv_ndis_status statuses[] = {
	STATUS(NDIS_STATUS_SUCCESS),
	STATUS(NDIS_STATUS_PENDING),
	STATUS(NDIS_STATUS_RESOURCES),
	STATUS(NDIS_STATUS_FAILURE),
	STATUS(NDIS_STATUS_RESOURCE_CONFLICT),
	STATUS(NDIS_STATUS_ADAPTER_NOT_FOUND),
	STATUS(NDIS_STATUS_UNSUPPORTED_MEDIA),
	STATUS(NDIS_STATUS_NOT_SUPPORTED),
	STATUS(NDIS_STATUS_INVALID_LENGTH),
	STATUS(NDIS_STATUS_INVALID_OID),
	STATUS(NDIS_STATUS_MEDIA_BUSY),
	STATUS(NDIS_STATUS_MEDIA_CONNECT),
	STATUS(NDIS_STATUS_MEDIA_DISCONNECT),
	STATUS(NDIS_STATUS_BAD_VERSION),
	STATUS(NDIS_STATUS_BAD_CHARACTERISTICS),
};
#undef STATUS

const struct dv_ndis_status *dv_ndis_statuses(size_t *n)
{
	*n = sizeof statuses / sizeof statuses[0];
	return statuses;
}

const char *dv_ndis_status_name(int32_t status)
{
	for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
		if (statuses[i].value == status)
			return statuses[i].name;
	return "NDIS_STATUS_?";
}

/* ---- life cycle ------------------------------------------------------------------------ */

static void on_interrupt(void *ctx, struct dv_sim *sim, unsigned irq_no);
static void on_dpc(void *ctx, struct dv_sim *sim, unsigned id);

struct dv_ndis *dv_ndis_create(struct dv_sim *sim)
{
	size_t slot = 0;
	while (slot < nlive && live[slot])
		slot++;
	if (slot == nlive) {
		struct dv_ndis **n = realloc(live, (nlive + 1) * sizeof *n);
		if (!n)
			return NULL;
		live = n;
		live[nlive++] = NULL;
	}
	struct dv_ndis *ndis = calloc(1, sizeof *ndis);
	if (!ndis)
		return NULL;
	live[slot] = ndis;
	ndis->sim = sim;
	ndis->last_rule = -1;
	ndis->va_next = 1;
	dv_hal_init(&ndis->hal);
	/* The HAL's map-register buffers are not the allocator's to give away. */
	for (uint32_t a = DV_HAL_BOUNCE_BASE; a < DV_HAL_BOUNCE_BASE + 8 * DV_HAL_BOUNCE_STRIDE;
	     a += DV_PAGE_SIZE)
		dv_ndis_phys_mark(ndis, a / DV_PAGE_SIZE, true);
	sim->hooks.ctx = ndis;
	sim->hooks.interrupt = on_interrupt;
	sim->hooks.dpc = on_dpc;
	sim->hooks.clock = dv_ndis_clock;
	sim->hooks.clock_due = UINT64_MAX;
	dv_ndis_bind(ndis);
	return ndis;
}

void dv_ndis_destroy(struct dv_ndis *ndis)
{
	if (!ndis)
		return;
	for (size_t i = 0; i < ndis->nhost; i++)
		host_release(ndis, ndis->host_allocs[i]);
	free(ndis->host_allocs);
	if (ndis->mem.release)
		ndis->mem.release(ndis->mem.ctx);
	free(ndis->driver_failure);
	for (size_t i = 0; i < ndis->nhandles; i++)
		free(ndis->handles[i]);
	free(ndis->rec);
	free(ndis->tx);
	if (ndis->sim && ndis->sim->hooks.ctx == ndis) {
		ndis->sim->hooks.ctx = NULL;
		ndis->sim->hooks.interrupt = NULL;
		ndis->sim->hooks.dpc = NULL;
		ndis->sim->hooks.clock = NULL;
	}
	for (size_t i = 0; i < nlive; i++)
		if (live[i] == ndis)
			live[i] = NULL;
	if (bound == ndis)
		bound = NULL;
	free(ndis);
}

void dv_ndis_bind(struct dv_ndis *ndis)
{
	bound = ndis;
}

struct dv_ndis *dv_ndis_bound(void)
{
	return bound;
}

NDIS_STATUS dv_ndis_load(struct dv_ndis *ndis, DV_DRIVER_ENTRY entry)
{
	dv_ndis_bind(ndis);
	struct dv_ndis_call_scope s = dv_ndis_call_begin(ndis, DV_CALL_DRIVER_ENTRY, 0,
	                                                 DV_SRC_DRIVER, NULL, 0, DV_NO_CHANNEL);
	NDIS_STATUS st = entry ? entry(NULL, NULL) : NDIS_STATUS_FAILURE;
	if (st == NDIS_STATUS_SUCCESS && !ndis->have_chars)
		st = NDIS_STATUS_FAILURE;
	dv_ndis_call_end(ndis, s, DV_CALL_DRIVER_ENTRY, st);
	return st;
}

NDIS_STATUS dv_ndis_initialize(struct dv_ndis *ndis)
{
	dv_ndis_bind(ndis);
	if (!ndis->have_chars || !ndis->chars.InitializeHandler)
		return NDIS_STATUS_FAILURE;
	/* NDIS offers every medium it supports; the card's frames suit an 802.3 driver and an
	 * IrDA-like one alike. */
	NDIS_MEDIUM media[2] = { NdisMedium802_3, NdisMediumIrda };
	UINT selected = 0;
	NDIS_STATUS open_error = NDIS_STATUS_SUCCESS;
	ndis->phase = DV_PHASE_INIT;
	struct dv_ndis_call_scope s = dv_ndis_call_begin(ndis, DV_CALL_MINIPORT_INITIALIZE, 0,
	                                                 DV_SRC_DRIVER, NULL, 0, DV_NO_CHANNEL);
	NDIS_STATUS st = ndis->chars.InitializeHandler(&open_error, &selected, media, 2,
	                                               (NDIS_HANDLE)ndis, (NDIS_HANDLE)ndis);
	dv_ndis_call_end(ndis, s, DV_CALL_MINIPORT_INITIALIZE, st);
	dv_ndis_check_locks(ndis);
	ndis->phase = st == NDIS_STATUS_SUCCESS ? DV_PHASE_RUNNING : DV_PHASE_NONE;
	ndis->last_status = st;
	if (st == NDIS_STATUS_SUCCESS)
		dv_ndis_hang_start(ndis);
	return st;
}

void dv_ndis_set_phase(struct dv_ndis *ndis, enum dv_phase phase)
{
	ndis->phase = phase;
}

void dv_ndis_halt(struct dv_ndis *ndis)
{
	dv_ndis_bind(ndis);
	if (ndis->phase != DV_PHASE_RUNNING || !ndis->chars.HaltHandler)
		return;
	ndis->phase = DV_PHASE_HALT;
	struct dv_ndis_call_scope s = dv_ndis_call_begin(ndis, DV_CALL_MINIPORT_HALT, 0,
	                                                 DV_SRC_DRIVER, NULL, 0, DV_NO_CHANNEL);
	ndis->chars.HaltHandler(ndis->context);
	dv_ndis_call_end(ndis, s, DV_CALL_MINIPORT_HALT, 0);
	dv_ndis_check_locks(ndis);
	dv_ndis_halt_timers(ndis);
	for (size_t i = 0; i < ndis->nhandles; i++) {
		struct dv_dma_handle *h = ndis->handles[i];
		if (!h->registered)
			continue;
		if (h->block.InProgress)
			dv_verifier_fire(ndis, DV_RULE_DMA_MISSING_COMPLETE, h->setup_loc, 0,
			                 h->setup_rec, 0);
		dv_ndis_violate(ndis, DV_RULE_DMA_MISSING_DEREGISTER, 0, 0);
	}
	ndis->phase = DV_PHASE_HALTED;
}

/* ---- the protocol above the miniport -------------------------------------------------- */

uint8_t dv_ndis_packet_byte(uint32_t seq, uint32_t i)
{
	/* Destination 02:00:00:00:00:02 (the peer), source 02:00:00:00:00:01, type 0x88B5 (the
	 * IEEE local experimental EtherType), then a payload that differs per packet. */
	static const uint8_t head[14] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x88, 0xB5 };
	if (i < 14)
		return head[i];
	uint32_t x = seq * 0x9E3779B1u ^ i * 0x85EBCA77u;
	x ^= x >> 15;
	x *= 0xC2B2AE3Du;
	return (uint8_t)(x ^ (x >> 13));
}

static PNDIS_BUFFER protocol_buffer(struct dv_ndis *ndis, const struct dv_buffer_spec *b)
{
	uint32_t pfn[DV_MDL_MAX_PAGES];
	uint32_t byte_offset = b->phys % DV_PAGE_SIZE;
	uint32_t pages = (byte_offset + b->length + DV_PAGE_SIZE - 1) / DV_PAGE_SIZE;
	if (pages == 0 || pages > DV_MDL_MAX_PAGES)
		return NULL;
	if (b->phys) {
		for (uint32_t i = 0; i < pages; i++)
			pfn[i] = b->phys / DV_PAGE_SIZE + (b->scattered ? 2 * i : i);
	} else {
		uint32_t start =
		        dv_ndis_phys_alloc(ndis, b->scattered ? 2 * pages : pages, 0x01000000u);
		if (start == UINT32_MAX)
			return NULL;
		for (uint32_t i = 0; i < pages; i++)
			pfn[i] = start + (b->scattered ? 2 * i : i);
	}
	PVOID va = dv_ndis_map_pages(ndis, pfn, pages);
	if (!va)
		return NULL;
	return dv_ndis_make_buffer(ndis, (PVOID)((uintptr_t)va + byte_offset), b->length);
}

/* A long run: the pages of the packets the miniport completed go back to the pool, as a
 * protocol reuses its buffers once NdisMSendComplete returns them (a driver that touches a
 * packet after completing it finds it unmapped). The first 32 packets keep theirs, so the
 * course's lessons place every buffer where they always did. */
static void reclaim_sent(struct dv_ndis *ndis)
{
	for (uint32_t i = 0; ndis->ntx >= 32 && i < ndis->ntx; i++) {
		struct dv_tx_packet *t = &ndis->tx[i];
		if (!t->completed || t->reclaimed)
			continue;
		for (PNDIS_BUFFER b = t->packet->Private.Head; b; b = b->Next)
			dv_ndis_unmap(ndis, b->MappedSystemVa, b->ByteCount);
		t->reclaimed = true;
	}
}

/* Room for one more packet in the log. */
static bool tx_room(struct dv_ndis *ndis)
{
	if (ndis->ntx >= DV_NDIS_MAX_TX)
		return false;
	if (ndis->ntx < ndis->tx_cap)
		return true;
	uint32_t cap = ndis->tx_cap ? ndis->tx_cap * 2 : 32;
	cap = cap < DV_NDIS_MAX_TX ? cap : DV_NDIS_MAX_TX;
	struct dv_tx_packet *tx = realloc(ndis->tx, cap * sizeof *tx);
	if (!tx)
		return false;
	ndis->tx = tx;
	ndis->tx_cap = cap;
	return true;
}

/* What an IrDA protocol (IrLAP) attaches to a packet it sends: the media-specific information
 * NDIS_GET_PACKET_MEDIA_SPECIFIC_INFO hands the miniport, in memory the driver may read. */
static bool attach_irda_info(struct dv_ndis *ndis, PNDIS_PACKET p, uint32_t turnaround_us)
{
	size_t size = offsetof(MEDIA_SPECIFIC_INFORMATION, ClassInformation) +
	              sizeof(NDIS_IRDA_PACKET_INFO);
	MEDIA_SPECIFIC_INFORMATION *m = dv_ndis_host_alloc(ndis, size);
	if (!m)
		return false;
	m->ClassId = NdisClassIrdaPacketInfo;
	m->Size = sizeof(NDIS_IRDA_PACKET_INFO);
	NDIS_IRDA_PACKET_INFO info = { 0, turnaround_us };
	memcpy(m->ClassInformation, &info, sizeof info);
	p->DvOob.MediaSpecificInformation = m;
	p->DvOob.SizeMediaSpecificInfo = (UINT)size;
	return true;
}

/* Hands one packet to MiniportSend; irda: with IrLAP's per-packet information. */
static int send_packet(struct dv_ndis *ndis, const struct dv_packet_spec *spec, bool irda,
                       uint32_t turnaround_us)
{
	dv_ndis_bind(ndis);
	if (ndis->phase != DV_PHASE_RUNNING || !ndis->chars.SendHandler || !tx_room(ndis) ||
	    spec->nbuffers == 0 || spec->nbuffers > 8)
		return -1;
	reclaim_sent(ndis);
	PNDIS_PACKET p = dv_ndis_host_alloc(ndis, sizeof *p);
	if (!p)
		return -1;
	uint32_t seq = ndis->tx_seq++;
	uint32_t pos = 0;
	uint32_t saved = dv_sim_cause(ndis->sim, DV_SRC_SCRIPT, 0);
	for (uint32_t i = 0; i < spec->nbuffers; i++) {
		PNDIS_BUFFER b = protocol_buffer(ndis, &spec->buf[i]);
		if (!b) {
			dv_sim_cause_restore(ndis->sim, saved);
			return -1;
		}
		/* The protocol writes its data with the CPU: on a non-coherent machine it may sit
		 * in dirty cache lines until KeFlushIoBuffers writes it back. */
		for (uint32_t k = 0; k < b->ByteCount; k++)
			dv_sim_cpu_write(ndis->sim, dv_mdl_phys(b, k),
			                 dv_ndis_packet_byte(seq, pos + k));
		pos += b->ByteCount;
		NdisChainBufferAtBack(p, b);
	}
	dv_sim_cause_restore(ndis->sim, saved);
	if (irda && !attach_irda_info(ndis, p, turnaround_us))
		return -1;
	int idx = (int)ndis->ntx++;
	struct dv_tx_packet *t = &ndis->tx[idx];
	memset(t, 0, sizeof *t);
	t->packet = p;
	t->seq = seq;
	t->length = pos;
	t->status = NDIS_STATUS_PENDING;
	/* A serialized NDIS 5 miniport's MiniportSend runs at DISPATCH_LEVEL. */
	uint8_t old = ndis->sim->st.cpu.irql;
	dv_sim_raise_irql(ndis->sim, DV_DISPATCH_LEVEL);
	uint32_t args[2] = { seq, pos };
	struct dv_ndis_call_scope s = dv_ndis_call_begin(ndis, DV_CALL_MINIPORT_SEND, 0,
	                                                 DV_SRC_DRIVER, args, 2, DV_NO_CHANNEL);
	NDIS_STATUS st = ndis->chars.SendHandler(ndis->context, p, 0);
	dv_ndis_call_end(ndis, s, DV_CALL_MINIPORT_SEND, st);
	dv_ndis_check_locks(ndis);
	if (st != NDIS_STATUS_PENDING && !t->completed) {
		t->completed = true;
		ndis->ntx_completed++;
		t->status = st;
		t->completed_cycle = ndis->sim->st.cycle;
	}
	dv_sim_lower_irql(ndis->sim, old);
	return idx;
}

int dv_ndis_send(struct dv_ndis *ndis, const struct dv_packet_spec *spec)
{
	return send_packet(ndis, spec, false, 0);
}

int dv_ndis_send_irda(struct dv_ndis *ndis, const struct dv_packet_spec *spec,
                      uint32_t min_turnaround_us)
{
	return send_packet(ndis, spec, true, min_turnaround_us);
}

/* ---- interrupts ------------------------------------------------------------------------ */

#define DPC_HANDLE_INTERRUPT 1

static void on_interrupt(void *ctx, struct dv_sim *sim, unsigned irq_no)
{
	struct dv_ndis *ndis = ctx;
	dv_ndis_bind(ndis);
	if (!ndis->irq_registered || irq_no != ndis->irq || !ndis->chars.ISRHandler)
		return;
	BOOLEAN recognized = FALSE, queue = FALSE;
	struct dv_ndis_call_scope s = dv_ndis_call_begin(ndis, DV_CALL_MINIPORT_ISR, 0,
	                                                 DV_SRC_DRIVER, NULL, 0, DV_NO_CHANNEL);
	ndis->chars.ISRHandler(&recognized, &queue, ndis->context);
	dv_ndis_call_end(ndis, s, DV_CALL_MINIPORT_ISR, recognized);
	dv_ndis_check_locks(ndis);
	if (recognized && queue)
		dv_sim_queue_dpc(sim, DPC_HANDLE_INTERRUPT);
}

static void on_dpc(void *ctx, struct dv_sim *sim, unsigned id)
{
	struct dv_ndis *ndis = ctx;
	(void)sim;
	dv_ndis_bind(ndis);
	if (id == DV_NDIS_DPC_TIMERS)
		dv_ndis_run_timers(ndis);
	if (id != DPC_HANDLE_INTERRUPT || !ndis->chars.HandleInterruptHandler)
		return;
	struct dv_ndis_call_scope s = dv_ndis_call_begin(ndis, DV_CALL_MINIPORT_HANDLE_INTERRUPT, 0,
	                                                 DV_SRC_DRIVER, NULL, 0, DV_NO_CHANNEL);
	ndis->chars.HandleInterruptHandler(ndis->context);
	dv_ndis_call_end(ndis, s, DV_CALL_MINIPORT_HANDLE_INTERRUPT, 0);
	dv_ndis_check_locks(ndis);
}

/* ---- registration ---------------------------------------------------------------------- */

VOID NdisMInitializeWrapperAt(PNDIS_HANDLE NdisWrapperHandle, PVOID SystemSpecific1,
                              PVOID SystemSpecific2, PVOID SystemSpecific3, const char *File,
                              int Line)
{
	struct dv_ndis *nd = bound;
	(void)SystemSpecific1, (void)SystemSpecific2, (void)SystemSpecific3;
	if (!nd) {
		if (NdisWrapperHandle)
			*NdisWrapperHandle = NULL;
		return;
	}
	struct dv_ndis_call_scope s = dv_ndis_call_begin(nd, DV_CALL_INITIALIZE_WRAPPER,
	                                                 dv_ndis_loc(nd, File, Line), DV_SRC_DRIVER,
	                                                 NULL, 0, DV_NO_CHANNEL);
	if (NdisWrapperHandle)
		*NdisWrapperHandle = (NDIS_HANDLE)nd;
	dv_ndis_call_end(nd, s, DV_CALL_INITIALIZE_WRAPPER, 0);
}

NDIS_STATUS NdisMRegisterMiniportAt(NDIS_HANDLE NdisWrapperHandle,
                                    PNDIS_MINIPORT_CHARACTERISTICS MiniportCharacteristics,
                                    UINT CharacteristicsLength, const char *File, int Line)
{
	struct dv_ndis *nd = dv_ndis_of_or_bound(NdisWrapperHandle);
	if (!nd)
		return NDIS_STATUS_FAILURE;
	struct dv_ndis_call_scope s = dv_ndis_call_begin(nd, DV_CALL_REGISTER_MINIPORT,
	                                                 dv_ndis_loc(nd, File, Line), DV_SRC_DRIVER,
	                                                 NULL, 0, DV_NO_CHANNEL);
	NDIS_STATUS st = NDIS_STATUS_SUCCESS;
	if (NdisWrapperHandle != (NDIS_HANDLE)nd || !MiniportCharacteristics ||
	    CharacteristicsLength < sizeof *MiniportCharacteristics ||
	    !MiniportCharacteristics->InitializeHandler || !MiniportCharacteristics->HaltHandler)
		st = NDIS_STATUS_FAILURE;
	if (st == NDIS_STATUS_SUCCESS) {
		nd->chars = *MiniportCharacteristics;
		nd->have_chars = true;
	}
	dv_ndis_call_end(nd, s, DV_CALL_REGISTER_MINIPORT, st);
	return st;
}

VOID NdisMSetAttributesAt(NDIS_HANDLE MiniportAdapterHandle, NDIS_HANDLE MiniportAdapterContext,
                          BOOLEAN BusMaster, NDIS_INTERFACE_TYPE AdapterType, const char *File,
                          int Line)
{
	struct dv_ndis *nd = dv_ndis_of(MiniportAdapterHandle);
	if (!nd || MiniportAdapterHandle != (NDIS_HANDLE)nd)
		return;
	uint32_t args[2] = { BusMaster, (uint32_t)AdapterType };
	struct dv_ndis_call_scope s = dv_ndis_call_begin(nd, DV_CALL_SET_ATTRIBUTES,
	                                                 dv_ndis_loc(nd, File, Line), DV_SRC_DRIVER,
	                                                 args, 2, DV_NO_CHANNEL);
	nd->context = MiniportAdapterContext;
	dv_ndis_call_end(nd, s, DV_CALL_SET_ATTRIBUTES, 0);
}

VOID NdisMSetAttributesExAt(NDIS_HANDLE MiniportAdapterHandle, NDIS_HANDLE MiniportAdapterContext,
                            UINT CheckForHangTimeInSeconds, ULONG AttributeFlags,
                            NDIS_INTERFACE_TYPE AdapterType, const char *File, int Line)
{
	struct dv_ndis *nd = dv_ndis_of(MiniportAdapterHandle);
	if (!nd)
		return;
	uint32_t args[4] = { (AttributeFlags & NDIS_ATTRIBUTE_BUS_MASTER) != 0,
		             (uint32_t)AdapterType, AttributeFlags, CheckForHangTimeInSeconds };
	struct dv_ndis_call_scope s = dv_ndis_call_begin(nd, DV_CALL_SET_ATTRIBUTES_EX,
	                                                 dv_ndis_loc(nd, File, Line), DV_SRC_DRIVER,
	                                                 args, 4, DV_NO_CHANNEL);
	nd->context = MiniportAdapterContext;
	nd->attribute_flags = AttributeFlags;
	nd->hang_seconds = CheckForHangTimeInSeconds;
	dv_ndis_call_end(nd, s, DV_CALL_SET_ATTRIBUTES_EX, 0);
}

VOID NdisMQueryAdapterResourcesAt(PNDIS_STATUS Status, NDIS_HANDLE WrapperConfigurationContext,
                                  PNDIS_RESOURCE_LIST ResourceList, PUINT BufferSize,
                                  const char *File, int Line)
{
	struct dv_ndis *nd = dv_ndis_of_or_bound(WrapperConfigurationContext);
	if (!nd || !Status)
		return;
	struct dv_ndis_call_scope s = dv_ndis_call_begin(nd, DV_CALL_QUERY_ADAPTER_RESOURCES,
	                                                 dv_ndis_loc(nd, File, Line), DV_SRC_DRIVER,
	                                                 NULL, 0, DV_NO_CHANNEL);
	if (WrapperConfigurationContext != (NDIS_HANDLE)nd || !ResourceList || !BufferSize ||
	    *BufferSize < sizeof *ResourceList) {
		if (BufferSize)
			*BufferSize = sizeof *ResourceList;
		*Status = NDIS_STATUS_RESOURCES;
	} else {
		const struct dv_nic *nic = &nd->sim->st.nic;
		memset(ResourceList, 0, sizeof *ResourceList);
		ResourceList->Version = 1;
		ResourceList->Count = 3;
		ResourceList->PartialDescriptors[0].Type = CmResourceTypePort;
		ResourceList->PartialDescriptors[0].u.Port.Start.QuadPart = nic->base;
		ResourceList->PartialDescriptors[0].u.Port.Length = DV_NIC_PORTS;
		ResourceList->PartialDescriptors[1].Type = CmResourceTypeInterrupt;
		ResourceList->PartialDescriptors[1].u.Interrupt.Level = nic->irq;
		ResourceList->PartialDescriptors[1].u.Interrupt.Vector = nic->irq;
		ResourceList->PartialDescriptors[2].Type = CmResourceTypeDma;
		ResourceList->PartialDescriptors[2].u.Dma.Channel = nic->channel;
		*BufferSize = sizeof *ResourceList;
		*Status = NDIS_STATUS_SUCCESS;
	}
	dv_ndis_call_end(nd, s, DV_CALL_QUERY_ADAPTER_RESOURCES, *Status);
}

/* ---- port I/O -------------------------------------------------------------------------- */

/* An 8237A register or a page register. 0x80 (the POST code port), 0x84-0x86, 0x88 and
 * 0x8C-0x8E are latches in the same chip but feed no address bits (facts §1.3): writing them
 * programs no DMA. */
static bool dma_controller_port(ULONG port)
{
	unsigned chip, reg;
	return dv_dma_decode((uint16_t)port, &chip, &reg) ||
	       dv_dma_page_channel((uint16_t)port) >= 0;
}

void dv_ndis_port_out(struct dv_ndis *nd, uint16_t port, uint8_t value, uint16_t loc)
{
	uint32_t saved = dv_sim_cause(nd->sim, DV_SRC_DRIVER, loc);
	if (dma_controller_port(port))
		dv_ndis_violate(nd, DV_RULE_DMA_LOGICAL_ADDRESS, loc, 0);
	dv_sim_out(nd->sim, port, value);
	dv_verifier_check_direction(nd, loc);
	dv_sim_cause_restore(nd->sim, saved);
}

uint8_t dv_ndis_port_in(struct dv_ndis *nd, uint16_t port, uint16_t loc)
{
	uint32_t saved = dv_sim_cause(nd->sim, DV_SRC_DRIVER, loc);
	uint8_t v = dv_sim_in(nd->sim, port);
	dv_sim_cause_restore(nd->sim, saved);
	return v;
}

VOID NdisRawWritePortUcharAt(ULONG Port, UCHAR Data, const char *File, int Line)
{
	struct dv_ndis *nd = bound;
	if (nd)
		dv_ndis_port_out(nd, (uint16_t)Port, Data, dv_ndis_loc(nd, File, Line));
}

VOID NdisRawReadPortUcharAt(ULONG Port, PUCHAR Data, const char *File, int Line)
{
	struct dv_ndis *nd = bound;
	if (nd && Data)
		*Data = dv_ndis_port_in(nd, (uint16_t)Port, dv_ndis_loc(nd, File, Line));
}

NDIS_STATUS NdisMRegisterInterruptAt(PNDIS_MINIPORT_INTERRUPT Interrupt,
                                     NDIS_HANDLE MiniportAdapterHandle, UINT InterruptVector,
                                     UINT InterruptLevel, BOOLEAN RequestIsr,
                                     BOOLEAN SharedInterrupt, NDIS_INTERRUPT_MODE InterruptMode,
                                     const char *File, int Line)
{
	struct dv_ndis *nd = dv_ndis_of_or_bound(MiniportAdapterHandle);
	(void)InterruptLevel, (void)RequestIsr, (void)SharedInterrupt, (void)InterruptMode;
	if (!nd)
		return NDIS_STATUS_FAILURE;
	uint32_t args[1] = { InterruptVector };
	struct dv_ndis_call_scope s = dv_ndis_call_begin(nd, DV_CALL_REGISTER_INTERRUPT,
	                                                 dv_ndis_loc(nd, File, Line), DV_SRC_DRIVER,
	                                                 args, 1, DV_NO_CHANNEL);
	NDIS_STATUS st = NDIS_STATUS_SUCCESS;
	if (!Interrupt || MiniportAdapterHandle != (NDIS_HANDLE)nd || InterruptVector > 15) {
		st = NDIS_STATUS_FAILURE;
	} else if (nd->irq_registered) {
		st = NDIS_STATUS_RESOURCE_CONFLICT;
	} else {
		nd->irq_registered = true;
		nd->irq = InterruptVector;
		Interrupt->Reserved[0] = (PVOID)nd;
		dv_sim_connect_irq(nd->sim, InterruptVector, true);
	}
	dv_ndis_call_end(nd, s, DV_CALL_REGISTER_INTERRUPT, st);
	return st;
}

VOID NdisMDeregisterInterruptAt(PNDIS_MINIPORT_INTERRUPT Interrupt, const char *File, int Line)
{
	struct dv_ndis *nd = Interrupt ? dv_ndis_of(Interrupt->Reserved[0]) : NULL;
	if (!nd || !Interrupt || Interrupt->Reserved[0] != (PVOID)nd)
		return;
	struct dv_ndis_call_scope s = dv_ndis_call_begin(nd, DV_CALL_DEREGISTER_INTERRUPT,
	                                                 dv_ndis_loc(nd, File, Line), DV_SRC_DRIVER,
	                                                 NULL, 0, DV_NO_CHANNEL);
	if (nd->irq_registered)
		dv_sim_connect_irq(nd->sim, nd->irq, false);
	nd->irq_registered = false;
	Interrupt->Reserved[0] = NULL;
	dv_ndis_call_end(nd, s, DV_CALL_DEREGISTER_INTERRUPT, 0);
}

/* ---- time and IRQL ----------------------------------------------------------------------- */

VOID NdisStallExecutionAt(UINT MicrosecondsToStall, const char *File, int Line)
{
	struct dv_ndis *nd = bound;
	if (!nd)
		return;
	uint32_t us = MicrosecondsToStall > DV_NDIS_WAIT_MAX_US ? DV_NDIS_WAIT_MAX_US :
	                                                          MicrosecondsToStall;
	uint32_t args[1] = { MicrosecondsToStall };
	struct dv_ndis_call_scope s = dv_ndis_call_begin(nd, DV_CALL_STALL_EXECUTION,
	                                                 dv_ndis_loc(nd, File, Line), DV_SRC_DRIVER,
	                                                 args, 1, DV_NO_CHANNEL);
	/* The machine runs on while the CPU spins: 2 bus cycles a microsecond (an 8 MHz ISA
	 * bus, 4 clocks a DMA cycle). Interrupts and DPCs are delivered after a tick's device
	 * work, so a DPC's stall advances time; in the ISR (DIRQL) no other interrupt comes in.
	 * Only a call from inside the device work of a tick returns at once (dv_sim_tick). */
	dv_sim_run(nd->sim, us * DV_NDIS_CYCLES_PER_US);
	dv_ndis_call_end(nd, s, DV_CALL_STALL_EXECUTION, 0);
}

KIRQL KeGetCurrentIrql(void)
{
	struct dv_ndis *nd = bound;
	return nd ? nd->sim->st.cpu.irql : 0;
}

VOID NdisAllocateSpinLock(PNDIS_SPIN_LOCK SpinLock)
{
	if (SpinLock)
		memset(SpinLock, 0, sizeof *SpinLock);
}

VOID NdisFreeSpinLock(PNDIS_SPIN_LOCK SpinLock)
{
	(void)SpinLock;
}

/* The spin-lock rule at loc (the verifier's), once a misuse. */
static void lock_misuse(struct dv_ndis *nd, uint16_t loc)
{
	dv_ndis_violate(nd, DV_RULE_SPIN_LOCK, loc, 0);
}

static void lock_taken(struct dv_ndis *nd, PNDIS_SPIN_LOCK SpinLock, uint16_t loc)
{
	SpinLock->Locked = 1;
	nd->locks_held++;
	nd->lock_loc = loc;
}

static void lock_given_back(struct dv_ndis *nd, PNDIS_SPIN_LOCK SpinLock, uint16_t loc)
{
	if (!SpinLock->Locked) {
		lock_misuse(nd, loc); /* not held */
		return;
	}
	SpinLock->Locked = 0;
	if (nd->locks_held)
		nd->locks_held--;
}

VOID NdisAcquireSpinLockAt(PNDIS_SPIN_LOCK SpinLock, const char *File, int Line)
{
	struct dv_ndis *nd = bound;
	if (!SpinLock || !nd)
		return;
	uint16_t loc = dv_ndis_loc(nd, File, Line);
	/* At DIRQL (the ISR, a synchronize function) raising "to" DISPATCH_LEVEL would lower the
	 * IRQL: the model keeps it and reports the misuse. */
	if (dv_ndis_irql(nd) > DV_DISPATCH_LEVEL)
		lock_misuse(nd, loc);
	SpinLock->OldIrql = nd->sim->st.cpu.irql;
	lock_taken(nd, SpinLock, loc);
	dv_sim_raise_irql(nd->sim, DV_DISPATCH_LEVEL); /* a spin lock runs at DISPATCH_LEVEL */
}

VOID NdisReleaseSpinLockAt(PNDIS_SPIN_LOCK SpinLock, const char *File, int Line)
{
	struct dv_ndis *nd = bound;
	if (!SpinLock || !nd)
		return;
	bool held = SpinLock->Locked != 0;
	lock_given_back(nd, SpinLock, dv_ndis_loc(nd, File, Line));
	if (held)
		dv_sim_lower_irql(nd->sim, SpinLock->OldIrql);
}

VOID NdisDprAcquireSpinLockAt(PNDIS_SPIN_LOCK SpinLock, const char *File, int Line)
{
	struct dv_ndis *nd = bound;
	if (!SpinLock || !nd)
		return;
	uint16_t loc = dv_ndis_loc(nd, File, Line);
	if (dv_ndis_irql(nd) != DV_DISPATCH_LEVEL)
		lock_misuse(nd, loc); /* the Dpr forms do not raise: only at DISPATCH_LEVEL */
	lock_taken(nd, SpinLock, loc);
}

VOID NdisDprReleaseSpinLockAt(PNDIS_SPIN_LOCK SpinLock, const char *File, int Line)
{
	struct dv_ndis *nd = bound;
	if (!SpinLock || !nd)
		return;
	uint16_t loc = dv_ndis_loc(nd, File, Line);
	if (dv_ndis_irql(nd) != DV_DISPATCH_LEVEL)
		lock_misuse(nd, loc);
	lock_given_back(nd, SpinLock, loc);
}

void dv_ndis_check_locks(struct dv_ndis *nd)
{
	if (!nd->locks_held)
		return;
	lock_misuse(nd, nd->lock_loc); /* an entry point returned with a lock held */
	nd->locks_held = 0;
}

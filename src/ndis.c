/* dmaviz: the NDIS 5.x calls a subordinate-DMA miniport makes, on the simulated PC.
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

#define HANDLE_MAGIC 0x444d4148u /* "DMAH" */

/* What a call record keeps in arg[], by call: the one place the positions are named.
 * NdisMSetupDmaTransfer and NdisMCompleteDmaTransfer: */
enum dv_dma_arg {
	DV_DMA_ARG_VA,        /* Buffer's virtual address (dv_ndis_va32) */
	DV_DMA_ARG_OFFSET,    /* Offset */
	DV_DMA_ARG_LENGTH,    /* Length */
	DV_DMA_ARG_WRITE,     /* WriteToDevice */
	DV_DMA_ARG_PHYS,      /* physical address of the Buffer's byte Offset (0xFFFFFFFF: none) */
	DV_DMA_ARG_BYTECOUNT, /* the Buffer's ByteCount */
};
/* NdisMRegisterDmaChannel: */
enum dv_register_arg {
	DV_REGISTER_ARG_CHANNEL,      /* the DmaChannel parameter (ignored, as in Windows) */
	DV_REGISTER_ARG_DMA32,        /* Dma32BitAddresses */
	DV_REGISTER_ARG_MAXLEN,       /* MaximumLength */
	DV_REGISTER_ARG_DESC_CHANNEL, /* DmaDescription->DmaChannel */
	DV_REGISTER_ARG_DESC_WIDTH,   /* DmaDescription->DmaWidth */
	DV_REGISTER_ARG_DESC_MODE,    /* DemandMode | AutoInitialize << 1 */
};
/* IoMapTransfer, KeFlushIoBuffers and IoFlushAdapterBuffers as NDIS calls them: */
enum dv_map_arg {
	DV_MAP_ARG_OFFSET,
	DV_MAP_ARG_LENGTH,
	DV_MAP_ARG_WRITE,   /* WriteToDevice (KeFlushIoBuffers: ReadOperation) */
	DV_MAP_ARG_BOUNCED, /* IoMapTransfer, once returned: the HAL used its map-register buffer */
	DV_MAP_ARG_PHYS,    /* ... the address the 8237A was programmed with */
	DV_MAP_ARG_WOULD_BE, /* ... the caller's address, where the HAL bounced */
};

/* Every context alive now, as NDIS keeps a list of its miniport blocks. A handle a driver
 * passes is looked up here (never dereferenced on trust), so each call lands on the context
 * that handed the handle out, even with several alive; a handle found in none is the driver's
 * misuse, refused or reported by the verifier as before. */
static struct dv_ndis **live; /* a slot per context ever alive at once; NULL: free */
static size_t nlive;

/* The context of the calls that carry no handle (NdisMInitializeWrapper, NdisAllocateMemory,
 * NdisMoveMemory, the spin locks, ...): see dv_ndis_bind, the one place that sets it. */
static struct dv_ndis *bound;

/* Simulated virtual addresses live in a window far above any user-space pointer. */
static uintptr_t va_base(void)
{
	return UINTPTR_MAX > 0xFFFFFFFFu ? (uintptr_t)0xFFFF800000000000ull :
	                                   (uintptr_t)0xC0000000u;
}

bool dv_ndis_is_sim_va(const void *va)
{
	uintptr_t p = (uintptr_t)va;
	return p >= va_base() && p - va_base() < (uintptr_t)DV_VA_PAGES * DV_PAGE_SIZE;
}

uint32_t dv_ndis_va_to_phys(const struct dv_ndis *ndis, const void *va)
{
	if (!ndis || !dv_ndis_is_sim_va(va))
		return DV_NO_ADDR;
	uintptr_t off = (uintptr_t)va - va_base();
	uint32_t pfn1 = ndis->va_map[off / DV_PAGE_SIZE];
	if (!pfn1)
		return DV_NO_ADDR;
	return (pfn1 - 1) * DV_PAGE_SIZE + (uint32_t)(off % DV_PAGE_SIZE);
}

uint32_t dv_ndis_va32(const void *va)
{
	if (!dv_ndis_is_sim_va(va))
		return (uint32_t)(uintptr_t)va;
	return 0x80000000u + (uint32_t)((uintptr_t)va - va_base());
}

/* ---- bookkeeping --------------------------------------------------------------------- */

static void *host_alloc(struct dv_ndis *ndis, size_t size)
{
	if (ndis->nhost == ndis->host_cap) {
		size_t cap = ndis->host_cap ? ndis->host_cap * 2 : 64;
		void **n = realloc(ndis->host_allocs, cap * sizeof *n);
		if (!n)
			return NULL;
		ndis->host_allocs = n;
		ndis->host_cap = cap;
	}
	void *p = calloc(1, size ? size : 1);
	if (p)
		ndis->host_allocs[ndis->nhost++] = p;
	return p;
}

static bool host_free(struct dv_ndis *ndis, void *p)
{
	for (size_t i = ndis->nhost; i-- > 0;) {
		if (ndis->host_allocs[i] == p) {
			ndis->host_allocs[i] = ndis->host_allocs[--ndis->nhost];
			free(p);
			return true;
		}
	}
	return false;
}

/* The context a handle names: NDIS gives a miniport its own block as the NdisWrapperHandle,
 * the MiniportAdapterHandle, the WrapperConfigurationContext and the pool handles. NULL when h
 * is not a live context. */
static struct dv_ndis *ndis_of(NDIS_HANDLE h)
{
	for (size_t i = 0; h && i < nlive; i++)
		if ((NDIS_HANDLE)live[i] == h)
			return live[i];
	return NULL;
}

/* The context that handed out the DMA handle h (registered or not), else the bound one: a
 * handle that is not ours is reported where the driver runs. */
static struct dv_ndis *dma_owner(NDIS_HANDLE h)
{
	for (size_t i = 0; h && i < nlive; i++)
		for (size_t k = 0; live[i] && k < live[i]->nhandles; k++)
			if ((NDIS_HANDLE)live[i]->handles[k] == h)
				return live[i];
	return bound;
}

/* The context whose host allocations hold p (a buffer descriptor, a packet), else the bound
 * one. */
static struct dv_ndis *host_owner(const void *p)
{
	for (size_t i = 0; p && i < nlive; i++)
		for (size_t k = 0; live[i] && k < live[i]->nhost; k++)
			if (live[i]->host_allocs[k] == p)
				return live[i];
	return bound;
}

static uint16_t loc_of(struct dv_ndis *ndis, const char *file, int line)
{
	return dv_trace_loc(&ndis->sim->trace, file, line > 0 ? (uint32_t)line : 0);
}

/* Opens a call record and its DV_EV_CALL event; events until the matching ret() carry the
 * caller's location, so the UI can point at the driver line behind each port write. */
struct call_scope {
	uint32_t rec;
	uint32_t saved_cause;
};

static struct call_scope call_begin(struct dv_ndis *ndis, enum dv_call call, uint16_t loc,
                                    enum dv_src src, const uint32_t *args, unsigned nargs,
                                    uint8_t channel)
{
	struct call_scope s = { UINT32_MAX, 0 };
	if (ndis->nrec == ndis->rec_cap) {
		size_t cap = ndis->rec_cap ? ndis->rec_cap * 2 : 256;
		struct dv_call_record *n = realloc(ndis->rec, cap * sizeof *n);
		if (n) {
			ndis->rec = n;
			ndis->rec_cap = cap;
		}
	}
	s.saved_cause = dv_sim_cause(ndis->sim, src, loc);
	if (ndis->nrec < ndis->rec_cap) {
		struct dv_call_record *r = &ndis->rec[ndis->nrec];
		memset(r, 0, sizeof *r);
		r->call = (uint16_t)call;
		r->loc = loc;
		for (unsigned i = 0; i < nargs && i < 6; i++)
			r->arg[i] = args[i];
		r->channel = channel;
		r->cycle = ndis->sim->st.cycle;
		s.rec = (uint32_t)ndis->nrec++;
	}
	dv_sim_emit(ndis->sim, DV_EV_CALL, (uint16_t)call, s.rec, 0, 0, channel);
	if (ndis->sim->watch)
		ndis->sim->watch(ndis->sim->watch_ctx);
	return s;
}

static void call_end(struct dv_ndis *ndis, struct call_scope s, enum dv_call call, int32_t status)
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

void dv_ndis_violate(struct dv_ndis *ndis, enum dv_rule rule, uint16_t loc, uint32_t record)
{
	dv_verifier_fire(ndis, rule, loc, record, DV_VERIFIER_NO_RECORD, 0);
}

static uint8_t irql(struct dv_ndis *nd)
{
	return nd->sim->st.cpu.irql;
}

const char *dv_ndis_status_name(int32_t status)
{
	if (status == NDIS_STATUS_SUCCESS)
		return "NDIS_STATUS_SUCCESS";
	if (status == NDIS_STATUS_PENDING)
		return "NDIS_STATUS_PENDING";
	if (status == NDIS_STATUS_RESOURCES)
		return "NDIS_STATUS_RESOURCES";
	if (status == NDIS_STATUS_FAILURE)
		return "NDIS_STATUS_FAILURE";
	if (status == NDIS_STATUS_RESOURCE_CONFLICT)
		return "NDIS_STATUS_RESOURCE_CONFLICT";
	if (status == NDIS_STATUS_ADAPTER_NOT_FOUND)
		return "NDIS_STATUS_ADAPTER_NOT_FOUND";
	if (status == NDIS_STATUS_UNSUPPORTED_MEDIA)
		return "NDIS_STATUS_UNSUPPORTED_MEDIA";
	return "NDIS_STATUS_?";
}

/* ---- physical and virtual memory -------------------------------------------------------- */

static bool phys_page_used(const struct dv_ndis *ndis, uint32_t pfn)
{
	return (ndis->phys_used[pfn / 8] >> (pfn % 8)) & 1;
}

static void phys_mark(struct dv_ndis *ndis, uint32_t pfn, bool used)
{
	if (pfn >= DV_MEM_PAGES)
		return;
	if (used)
		ndis->phys_used[pfn / 8] |= (uint8_t)(1u << (pfn % 8));
	else
		ndis->phys_used[pfn / 8] &= (uint8_t) ~(1u << (pfn % 8));
}

/* First fit from 1 MiB up (128 KiB on a small machine), below limit, never across a 64 KiB block when the allocation fits
 * in one (so a contiguous DMA buffer of up to 64 KiB is always reachable in place). */
static uint32_t phys_alloc(struct dv_ndis *ndis, uint32_t pages, uint32_t limit)
{
	uint32_t max_pfn = limit / DV_PAGE_SIZE;
	uint32_t mem_pages = ndis->sim->st.mem_size / DV_PAGE_SIZE;
	if (max_pfn > mem_pages)
		max_pfn = mem_pages;
	/* Leave the first MiB to "DOS and the BIOS", unless the machine is that small. */
	uint32_t first = mem_pages > 0x200 ? 0x100 : 0x20;
	for (uint32_t start = first; start + pages <= max_pfn; start++) {
		if (pages <= 16 && start / 16 != (start + pages - 1) / 16)
			continue;
		bool free_run = true;
		for (uint32_t i = 0; i < pages && free_run; i++)
			free_run = !phys_page_used(ndis, start + i);
		if (!free_run)
			continue;
		for (uint32_t i = 0; i < pages; i++)
			phys_mark(ndis, start + i, true);
		return start;
	}
	return UINT32_MAX;
}

PVOID dv_ndis_map_pages(struct dv_ndis *ndis, const uint32_t *pfn, uint32_t n)
{
	if (n == 0 || ndis->va_next + n + 1 > DV_VA_PAGES)
		return NULL;
	uint32_t first = ndis->va_next;
	for (uint32_t i = 0; i < n; i++) {
		ndis->va_map[first + i] = pfn[i] + 1;
		phys_mark(ndis, pfn[i], true);
	}
	ndis->va_next += n + 1; /* an unmapped guard page between allocations */
	return (PVOID)(va_base() + (uintptr_t)first * DV_PAGE_SIZE);
}

static void unmap_pages(struct dv_ndis *ndis, const void *va, uint32_t length)
{
	uintptr_t off = (uintptr_t)va - va_base();
	uint32_t first = (uint32_t)(off / DV_PAGE_SIZE);
	uint32_t pages =
	        (uint32_t)((off % DV_PAGE_SIZE + length + DV_PAGE_SIZE - 1) / DV_PAGE_SIZE);
	for (uint32_t i = 0; i < pages && first + i < DV_VA_PAGES; i++) {
		if (ndis->va_map[first + i])
			phys_mark(ndis, ndis->va_map[first + i] - 1, false);
		ndis->va_map[first + i] = 0;
	}
}

PNDIS_BUFFER dv_ndis_make_buffer(struct dv_ndis *ndis, PVOID va, uint32_t length)
{
	if (!dv_ndis_is_sim_va(va) || length == 0)
		return NULL;
	uintptr_t off = (uintptr_t)va - va_base();
	uint32_t byte_offset = (uint32_t)(off % DV_PAGE_SIZE);
	uint32_t pages = (byte_offset + length + DV_PAGE_SIZE - 1) / DV_PAGE_SIZE;
	if (pages > DV_MDL_MAX_PAGES)
		return NULL;
	PNDIS_BUFFER b = host_alloc(ndis, sizeof *b);
	if (!b)
		return NULL;
	b->Size = (USHORT)sizeof *b;
	b->StartVa = (PVOID)((uintptr_t)va - byte_offset);
	b->MappedSystemVa = va;
	b->ByteOffset = byte_offset;
	b->ByteCount = length;
	b->PfnCount = pages;
	for (uint32_t i = 0; i < pages; i++) {
		uint32_t v = ndis->va_map[off / DV_PAGE_SIZE + i];
		if (!v) {
			host_free(ndis, b);
			return NULL;
		}
		b->Pfn[i] = v - 1;
	}
	return b;
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
		phys_mark(ndis, a / DV_PAGE_SIZE, true);
	sim->hooks.ctx = ndis;
	sim->hooks.interrupt = on_interrupt;
	sim->hooks.dpc = on_dpc;
	dv_ndis_bind(ndis);
	return ndis;
}

void dv_ndis_destroy(struct dv_ndis *ndis)
{
	if (!ndis)
		return;
	for (size_t i = 0; i < ndis->nhost; i++)
		free(ndis->host_allocs[i]);
	free(ndis->host_allocs);
	for (size_t i = 0; i < ndis->nhandles; i++)
		free(ndis->handles[i]);
	free(ndis->rec);
	if (ndis->sim && ndis->sim->hooks.ctx == ndis) {
		ndis->sim->hooks.ctx = NULL;
		ndis->sim->hooks.interrupt = NULL;
		ndis->sim->hooks.dpc = NULL;
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

NDIS_STATUS dv_ndis_load(struct dv_ndis *ndis, DV_DRIVER_ENTRY entry)
{
	dv_ndis_bind(ndis);
	struct call_scope s =
	        call_begin(ndis, DV_CALL_DRIVER_ENTRY, 0, DV_SRC_DRIVER, NULL, 0, DV_NO_CHANNEL);
	NDIS_STATUS st = entry ? entry(NULL, NULL) : NDIS_STATUS_FAILURE;
	if (st == NDIS_STATUS_SUCCESS && !ndis->have_chars)
		st = NDIS_STATUS_FAILURE;
	call_end(ndis, s, DV_CALL_DRIVER_ENTRY, st);
	return st;
}

NDIS_STATUS dv_ndis_initialize(struct dv_ndis *ndis)
{
	dv_ndis_bind(ndis);
	if (!ndis->have_chars || !ndis->chars.InitializeHandler)
		return NDIS_STATUS_FAILURE;
	NDIS_MEDIUM media[1] = { NdisMedium802_3 };
	UINT selected = 0;
	NDIS_STATUS open_error = NDIS_STATUS_SUCCESS;
	ndis->phase = DV_PHASE_INIT;
	struct call_scope s = call_begin(ndis, DV_CALL_MINIPORT_INITIALIZE, 0, DV_SRC_DRIVER, NULL,
	                                 0, DV_NO_CHANNEL);
	NDIS_STATUS st = ndis->chars.InitializeHandler(&open_error, &selected, media, 1,
	                                               (NDIS_HANDLE)ndis, (NDIS_HANDLE)ndis);
	call_end(ndis, s, DV_CALL_MINIPORT_INITIALIZE, st);
	ndis->phase = st == NDIS_STATUS_SUCCESS ? DV_PHASE_RUNNING : DV_PHASE_NONE;
	ndis->last_status = st;
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
	struct call_scope s =
	        call_begin(ndis, DV_CALL_MINIPORT_HALT, 0, DV_SRC_DRIVER, NULL, 0, DV_NO_CHANNEL);
	ndis->chars.HaltHandler(ndis->context);
	call_end(ndis, s, DV_CALL_MINIPORT_HALT, 0);
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
		uint32_t start = phys_alloc(ndis, b->scattered ? 2 * pages : pages, 0x01000000u);
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

int dv_ndis_send(struct dv_ndis *ndis, const struct dv_packet_spec *spec)
{
	dv_ndis_bind(ndis);
	if (ndis->phase != DV_PHASE_RUNNING || !ndis->chars.SendHandler || ndis->ntx >= 32 ||
	    spec->nbuffers == 0 || spec->nbuffers > 8)
		return -1;
	PNDIS_PACKET p = host_alloc(ndis, sizeof *p);
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
	struct call_scope s =
	        call_begin(ndis, DV_CALL_MINIPORT_SEND, 0, DV_SRC_DRIVER, args, 2, DV_NO_CHANNEL);
	NDIS_STATUS st = ndis->chars.SendHandler(ndis->context, p, 0);
	call_end(ndis, s, DV_CALL_MINIPORT_SEND, st);
	if (st != NDIS_STATUS_PENDING && !t->completed) {
		t->completed = true;
		t->status = st;
		t->completed_cycle = ndis->sim->st.cycle;
	}
	dv_sim_lower_irql(ndis->sim, old);
	return idx;
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
	struct call_scope s =
	        call_begin(ndis, DV_CALL_MINIPORT_ISR, 0, DV_SRC_DRIVER, NULL, 0, DV_NO_CHANNEL);
	ndis->chars.ISRHandler(&recognized, &queue, ndis->context);
	call_end(ndis, s, DV_CALL_MINIPORT_ISR, recognized);
	if (recognized && queue)
		dv_sim_queue_dpc(sim, DPC_HANDLE_INTERRUPT);
}

static void on_dpc(void *ctx, struct dv_sim *sim, unsigned id)
{
	struct dv_ndis *ndis = ctx;
	(void)sim;
	dv_ndis_bind(ndis);
	if (id != DPC_HANDLE_INTERRUPT || !ndis->chars.HandleInterruptHandler)
		return;
	struct call_scope s = call_begin(ndis, DV_CALL_MINIPORT_HANDLE_INTERRUPT, 0, DV_SRC_DRIVER,
	                                 NULL, 0, DV_NO_CHANNEL);
	ndis->chars.HandleInterruptHandler(ndis->context);
	call_end(ndis, s, DV_CALL_MINIPORT_HANDLE_INTERRUPT, 0);
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
	struct call_scope s = call_begin(nd, DV_CALL_INITIALIZE_WRAPPER, loc_of(nd, File, Line),
	                                 DV_SRC_DRIVER, NULL, 0, DV_NO_CHANNEL);
	if (NdisWrapperHandle)
		*NdisWrapperHandle = (NDIS_HANDLE)nd;
	call_end(nd, s, DV_CALL_INITIALIZE_WRAPPER, 0);
}

NDIS_STATUS NdisMRegisterMiniportAt(NDIS_HANDLE NdisWrapperHandle,
                                    PNDIS_MINIPORT_CHARACTERISTICS MiniportCharacteristics,
                                    UINT CharacteristicsLength, const char *File, int Line)
{
	struct dv_ndis *nd = ndis_of(NdisWrapperHandle);
	if (!nd)
		nd = bound; /* not ours: the refusal is recorded where the driver runs */
	if (!nd)
		return NDIS_STATUS_FAILURE;
	struct call_scope s = call_begin(nd, DV_CALL_REGISTER_MINIPORT, loc_of(nd, File, Line),
	                                 DV_SRC_DRIVER, NULL, 0, DV_NO_CHANNEL);
	NDIS_STATUS st = NDIS_STATUS_SUCCESS;
	if (NdisWrapperHandle != (NDIS_HANDLE)nd || !MiniportCharacteristics ||
	    CharacteristicsLength < sizeof *MiniportCharacteristics ||
	    !MiniportCharacteristics->InitializeHandler || !MiniportCharacteristics->HaltHandler)
		st = NDIS_STATUS_FAILURE;
	if (st == NDIS_STATUS_SUCCESS) {
		nd->chars = *MiniportCharacteristics;
		nd->have_chars = true;
	}
	call_end(nd, s, DV_CALL_REGISTER_MINIPORT, st);
	return st;
}

VOID NdisMSetAttributesAt(NDIS_HANDLE MiniportAdapterHandle, NDIS_HANDLE MiniportAdapterContext,
                          BOOLEAN BusMaster, NDIS_INTERFACE_TYPE AdapterType, const char *File,
                          int Line)
{
	struct dv_ndis *nd = ndis_of(MiniportAdapterHandle);
	if (!nd || MiniportAdapterHandle != (NDIS_HANDLE)nd)
		return;
	uint32_t args[2] = { BusMaster, (uint32_t)AdapterType };
	struct call_scope s = call_begin(nd, DV_CALL_SET_ATTRIBUTES, loc_of(nd, File, Line),
	                                 DV_SRC_DRIVER, args, 2, DV_NO_CHANNEL);
	nd->context = MiniportAdapterContext;
	call_end(nd, s, DV_CALL_SET_ATTRIBUTES, 0);
}

VOID NdisMQueryAdapterResourcesAt(PNDIS_STATUS Status, NDIS_HANDLE WrapperConfigurationContext,
                                  PNDIS_RESOURCE_LIST ResourceList, PUINT BufferSize,
                                  const char *File, int Line)
{
	struct dv_ndis *nd = ndis_of(WrapperConfigurationContext);
	if (!nd)
		nd = bound;
	if (!nd || !Status)
		return;
	struct call_scope s = call_begin(nd, DV_CALL_QUERY_ADAPTER_RESOURCES,
	                                 loc_of(nd, File, Line), DV_SRC_DRIVER, NULL, 0,
	                                 DV_NO_CHANNEL);
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
	call_end(nd, s, DV_CALL_QUERY_ADAPTER_RESOURCES, *Status);
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

VOID NdisRawWritePortUcharAt(ULONG Port, UCHAR Data, const char *File, int Line)
{
	struct dv_ndis *nd = bound;
	if (!nd)
		return;
	uint16_t loc = loc_of(nd, File, Line);
	uint32_t saved = dv_sim_cause(nd->sim, DV_SRC_DRIVER, loc);
	if (dma_controller_port(Port))
		dv_ndis_violate(nd, DV_RULE_DMA_LOGICAL_ADDRESS, loc, 0);
	dv_sim_out(nd->sim, (uint16_t)Port, Data);
	dv_verifier_check_direction(nd, loc);
	dv_sim_cause_restore(nd->sim, saved);
}

VOID NdisRawReadPortUcharAt(ULONG Port, PUCHAR Data, const char *File, int Line)
{
	struct dv_ndis *nd = bound;
	if (!nd || !Data)
		return;
	uint32_t saved = dv_sim_cause(nd->sim, DV_SRC_DRIVER, loc_of(nd, File, Line));
	*Data = dv_sim_in(nd->sim, (uint16_t)Port);
	dv_sim_cause_restore(nd->sim, saved);
}

NDIS_STATUS NdisMRegisterInterruptAt(PNDIS_MINIPORT_INTERRUPT Interrupt,
                                     NDIS_HANDLE MiniportAdapterHandle, UINT InterruptVector,
                                     UINT InterruptLevel, BOOLEAN RequestIsr,
                                     BOOLEAN SharedInterrupt, NDIS_INTERRUPT_MODE InterruptMode,
                                     const char *File, int Line)
{
	struct dv_ndis *nd = ndis_of(MiniportAdapterHandle);
	if (!nd)
		nd = bound;
	(void)InterruptLevel, (void)RequestIsr, (void)SharedInterrupt, (void)InterruptMode;
	if (!nd)
		return NDIS_STATUS_FAILURE;
	uint32_t args[1] = { InterruptVector };
	struct call_scope s = call_begin(nd, DV_CALL_REGISTER_INTERRUPT, loc_of(nd, File, Line),
	                                 DV_SRC_DRIVER, args, 1, DV_NO_CHANNEL);
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
	call_end(nd, s, DV_CALL_REGISTER_INTERRUPT, st);
	return st;
}

VOID NdisMDeregisterInterruptAt(PNDIS_MINIPORT_INTERRUPT Interrupt, const char *File, int Line)
{
	struct dv_ndis *nd = Interrupt ? ndis_of(Interrupt->Reserved[0]) : NULL;
	if (!nd || !Interrupt || Interrupt->Reserved[0] != (PVOID)nd)
		return;
	struct call_scope s = call_begin(nd, DV_CALL_DEREGISTER_INTERRUPT, loc_of(nd, File, Line),
	                                 DV_SRC_DRIVER, NULL, 0, DV_NO_CHANNEL);
	if (nd->irq_registered)
		dv_sim_connect_irq(nd->sim, nd->irq, false);
	nd->irq_registered = false;
	Interrupt->Reserved[0] = NULL;
	call_end(nd, s, DV_CALL_DEREGISTER_INTERRUPT, 0);
}

/* ---- the DMA channel --------------------------------------------------------------------- */

/* The channel a handle was registered for, live or not, for labelling a call (DV_NO_CHANNEL:
 * none). */
static uint8_t channel_of(struct dv_ndis *nd, NDIS_HANDLE h)
{
	for (size_t i = 0; i < nd->nhandles; i++)
		if ((NDIS_HANDLE)nd->handles[i] == h)
			return nd->handles[i]->channel;
	return 0xFF;
}

/* The handle's object, or NULL (and the dma-bad-handle rule) when it is not a live one. */
static struct dv_dma_handle *handle_of(struct dv_ndis *nd, NDIS_HANDLE h, uint16_t loc,
                                       uint32_t rec)
{
	for (size_t i = 0; i < nd->nhandles; i++) {
		struct dv_dma_handle *d = nd->handles[i];
		if ((NDIS_HANDLE)d == h && d->magic == HANDLE_MAGIC && d->registered)
			return d;
	}
	dv_ndis_violate(nd, DV_RULE_DMA_BAD_HANDLE, loc, rec);
	return NULL;
}

NDIS_STATUS NdisMRegisterDmaChannelAt(PNDIS_HANDLE MiniportDmaHandle,
                                      NDIS_HANDLE MiniportAdapterHandle, UINT DmaChannel,
                                      BOOLEAN Dma32BitAddresses,
                                      PNDIS_DMA_DESCRIPTION DmaDescription, ULONG MaximumLength,
                                      const char *File, int Line)
{
	struct dv_ndis *nd = ndis_of(MiniportAdapterHandle);
	if (!nd)
		nd = bound;
	if (!nd)
		return NDIS_STATUS_FAILURE;
	uint16_t loc = loc_of(nd, File, Line);
	uint32_t args[6] = {
		[DV_REGISTER_ARG_CHANNEL] = DmaChannel,
		[DV_REGISTER_ARG_DMA32] = Dma32BitAddresses,
		[DV_REGISTER_ARG_MAXLEN] = MaximumLength,
		[DV_REGISTER_ARG_DESC_CHANNEL] = DmaDescription ? DmaDescription->DmaChannel :
		                                                  0xFFFFFFFFu,
		[DV_REGISTER_ARG_DESC_WIDTH] = DmaDescription ? (uint32_t)DmaDescription->DmaWidth :
		                                                0,
		[DV_REGISTER_ARG_DESC_MODE] =
		        DmaDescription ? (uint32_t)(DmaDescription->DemandMode |
		                                    DmaDescription->AutoInitialize << 1) :
		                         0,
	};
	struct call_scope s =
	        call_begin(nd, DV_CALL_REGISTER_DMA_CHANNEL, loc, DV_SRC_DRIVER, args, 6,
	                   DmaDescription ? (uint8_t)DmaDescription->DmaChannel : DV_NO_CHANNEL);
	NDIS_STATUS st;
	if (MiniportDmaHandle)
		*MiniportDmaHandle = NULL;
	/* PASSIVE_LEVEL, from MiniportInitialize only (MS-REG). */
	if (irql(nd) != DV_PASSIVE_LEVEL)
		dv_ndis_violate(nd, DV_RULE_DMA_IRQL, loc, s.rec);
	if (nd->phase != DV_PHASE_INIT)
		dv_ndis_violate(nd, DV_RULE_DMA_REGISTER_CONTEXT, loc, s.rec);
	if (!MiniportDmaHandle || !DmaDescription || MiniportAdapterHandle != (NDIS_HANDLE)nd ||
	    nd->nhandles >= 8) {
		st = NDIS_STATUS_FAILURE;
		goto out;
	}
	/* The DmaChannel parameter is ignored: the channel comes from the description (MS-REG).
	 * The HAL refuses channel 4, a width that does not fit and a non-zero DmaPort; ReactOS
	 * then returns NDIS_STATUS_RESOURCES. A channel another adapter holds is a conflict. */
	struct dv_adapter *ad = NULL;
	enum dv_hal_refusal why = dv_hal_get_adapter(&nd->hal, DmaDescription->DmaChannel,
	                                             DmaDescription->DmaWidth == Width16Bits,
	                                             DmaDescription->DemandMode != 0,
	                                             DmaDescription->AutoInitialize != 0,
	                                             MaximumLength, DmaDescription->DmaPort, &ad);
	uint32_t hargs[3] = { DmaDescription->DmaChannel, (uint32_t)why, ad ? ad->mode : 0 };
	struct call_scope hs = call_begin(nd, DV_CALL_HAL_GET_ADAPTER, loc, DV_SRC_HAL, hargs, 3,
	                                  (uint8_t)DmaDescription->DmaChannel);
	call_end(nd, hs, DV_CALL_HAL_GET_ADAPTER, (int32_t)why);
	if (why == DV_HAL_IN_USE) {
		st = NDIS_STATUS_RESOURCE_CONFLICT;
		goto out;
	}
	if (why != DV_HAL_OK) {
		dv_ndis_violate(nd, DV_RULE_DMA_DESCRIPTION, loc, s.rec);
		st = NDIS_STATUS_RESOURCES;
		goto out;
	}
	/* The map-register buffers must be real memory below 16 MiB. The HAL keeps them at
	 * 0xE00000 + channel * 128 KiB; a machine with less memory gets them from the top of
	 * what it has, or the registration fails for lack of resources. */
	ad->bounce_phys = DV_HAL_BOUNCE_BASE + ad->channel * DV_HAL_BOUNCE_STRIDE;
	if (ad->bounce_phys + ad->map_registers * DV_PAGE_SIZE > nd->sim->st.mem_size) {
		uint32_t start = phys_alloc(nd, ad->map_registers, 0x01000000u);
		if (start == UINT32_MAX) {
			dv_hal_put_adapter(ad);
			st = NDIS_STATUS_RESOURCES;
			goto out;
		}
		ad->bounce_phys = start * DV_PAGE_SIZE;
	}
	struct dv_dma_handle *h = calloc(1, sizeof *h);
	if (!h) {
		dv_hal_put_adapter(ad);
		st = NDIS_STATUS_RESOURCES;
		goto out;
	}
	h->magic = HANDLE_MAGIC;
	h->registered = true;
	h->adapter = ad;
	h->channel = ad->channel;
	h->block.SystemAdapterObject = ad;
	h->block.Miniport = nd;
	h->block.MapRegisterBase = (PVOID)(uintptr_t)ad->bounce_phys;
	h->block.AllocationEvent.Signaled = 1;
	h->block.InProgress = FALSE;
	nd->handles[nd->nhandles++] = h;
	*MiniportDmaHandle = (NDIS_HANDLE)h;
	st = NDIS_STATUS_SUCCESS;
out:
	nd->last_status = st;
	call_end(nd, s, DV_CALL_REGISTER_DMA_CHANNEL, st);
	return st;
}

VOID NdisMDeregisterDmaChannelAt(NDIS_HANDLE MiniportDmaHandle, const char *File, int Line)
{
	struct dv_ndis *nd = dma_owner(MiniportDmaHandle);
	if (!nd)
		return;
	uint16_t loc = loc_of(nd, File, Line);
	struct call_scope s = call_begin(nd, DV_CALL_DEREGISTER_DMA_CHANNEL, loc, DV_SRC_DRIVER,
	                                 NULL, 0, DV_NO_CHANNEL);
	if (irql(nd) != DV_PASSIVE_LEVEL)
		dv_ndis_violate(nd, DV_RULE_DMA_IRQL, loc, s.rec);
	if (nd->phase != DV_PHASE_INIT && nd->phase != DV_PHASE_HALT)
		dv_ndis_violate(nd, DV_RULE_DMA_REGISTER_CONTEXT, loc, s.rec);
	struct dv_dma_handle *h = handle_of(nd, MiniportDmaHandle, loc, s.rec);
	if (h) {
		if (h->block.InProgress) {
			/* Inferred: refusing would leak the channel; the model stops the transfer
			 * (masks the channel) and lets the deregistration go on. */
			dv_ndis_violate(nd, DV_RULE_DMA_DEREGISTER_BUSY, loc, s.rec);
			dv_hal_flush_adapter_buffers(nd->sim, h->adapter, h->buffer, h->offset,
			                             h->length, h->write_to_device);
			h->block.InProgress = FALSE;
		}
		dv_hal_put_adapter(h->adapter);
		h->registered = false; /* the handle stays known, so later use is caught */
	}
	call_end(nd, s, DV_CALL_DEREGISTER_DMA_CHANNEL, 0);
}

/* Does [offset, offset + length) select a range NDIS can set up? (facts §3.4 step 2; which
 * checks Windows makes is not documented: these are the limits of the hardware and HAL.) */
static bool valid_range(const struct dv_dma_handle *h, PNDIS_BUFFER b, ULONG offset, ULONG length)
{
	const struct dv_adapter *ad = h->adapter;
	if (!b || length == 0)
		return false;
	if ((uint64_t)offset + length > b->ByteCount)
		return false; /* not a subrange of the buffer */
	if (ad->max_length != 0xFFFFFFFFu && length > ad->max_length)
		return false;
	if (dv_mdl_pages(b, offset, length) > ad->map_registers)
		return false; /* more than the map registers can cover */
	if (ad->width16) {
		uint32_t phys = dv_mdl_phys(b, offset);
		if ((length & 1) || (phys & 1))
			return false; /* a 16-bit channel moves words: A0 is always 0 */
	}
	if (length > (ad->width16 ? 0x20000u : 0x10000u))
		return false;
	return true;
}

/* The arguments Setup and Complete record (enum dv_dma_arg). */
static void dma_args(uint32_t args[6], PNDIS_BUFFER Buffer, ULONG Offset, ULONG Length,
                     BOOLEAN WriteToDevice)
{
	args[DV_DMA_ARG_VA] = Buffer ? dv_ndis_va32(Buffer->MappedSystemVa) : 0;
	args[DV_DMA_ARG_OFFSET] = Offset;
	args[DV_DMA_ARG_LENGTH] = Length;
	args[DV_DMA_ARG_WRITE] = WriteToDevice;
	args[DV_DMA_ARG_PHYS] = Buffer ? dv_mdl_phys(Buffer, Offset) : DV_NO_ADDR;
	args[DV_DMA_ARG_BYTECOUNT] = Buffer ? Buffer->ByteCount : 0;
}

/* Keeps the Buffer's physical pages in call record rec. */
static void record_pages(struct dv_ndis *ndis, uint32_t rec, PNDIS_BUFFER Buffer)
{
	if (rec >= ndis->nrec || !Buffer)
		return;
	struct dv_call_record *r = &ndis->rec[rec];
	r->npages = Buffer->PfnCount < DV_MDL_MAX_PAGES ? Buffer->PfnCount : DV_MDL_MAX_PAGES;
	for (uint32_t i = 0; i < r->npages && i < DV_CALL_PAGES; i++)
		r->page[i] = Buffer->Pfn[i] * DV_PAGE_SIZE;
}

VOID NdisSetupDmaTransferAt(PNDIS_STATUS Status, NDIS_HANDLE MiniportDmaHandle, PNDIS_BUFFER Buffer,
                            ULONG Offset, ULONG Length, BOOLEAN WriteToDevice, const char *File,
                            int Line)
{
	struct dv_ndis *nd = dma_owner(MiniportDmaHandle);
	if (!nd)
		return;
	uint16_t loc = loc_of(nd, File, Line);
	uint8_t chan = channel_of(nd, MiniportDmaHandle);
	uint32_t args[6];
	dma_args(args, Buffer, Offset, Length, WriteToDevice);
	struct call_scope s =
	        call_begin(nd, DV_CALL_SETUP_DMA_TRANSFER, loc, DV_SRC_DRIVER, args, 6, chan);
	record_pages(nd, s.rec, Buffer);
	NDIS_STATUS st;
	if (irql(nd) > DV_DISPATCH_LEVEL)
		dv_ndis_violate(nd, DV_RULE_DMA_IRQL, loc, s.rec);
	struct dv_dma_handle *h = handle_of(nd, MiniportDmaHandle, loc, s.rec);
	if (!h) {
		st = NDIS_STATUS_FAILURE;
		goto out;
	}
	/* "the channel ... is currently in use transferring data": RESOURCES, no port touched. */
	if (h->block.InProgress) {
		dv_verifier_fire(nd, DV_RULE_DMA_BUSY, loc, s.rec, h->setup_rec, 0);
		st = NDIS_STATUS_RESOURCES;
		goto out;
	}
	/* "or because the given Length is invalid": RESOURCES, nothing programmed. */
	if (!valid_range(h, Buffer, Offset, Length)) {
		dv_ndis_violate(nd, DV_RULE_DMA_SUBRANGE, loc, s.rec);
		st = NDIS_STATUS_RESOURCES;
		goto out;
	}
	/* Inferred from NDIS_DMA_BLOCK.InProgress and the RESOURCES text (facts §3.4). */
	h->block.InProgress = TRUE;
	h->buffer = Buffer;
	h->offset = Offset;
	h->length = Length;
	h->write_to_device = WriteToDevice != 0;
	h->setup_loc = loc;
	h->setup_rec = s.rec;
	h->direction_told = false;
	/* "which has been flushed to or from the device to maintain data integrity":
	 * KeFlushIoBuffers(Mdl, ReadOperation = !WriteToDevice, DmaOperation = TRUE). */
	uint32_t fargs[3] = { [DV_MAP_ARG_OFFSET] = Offset,
		              [DV_MAP_ARG_LENGTH] = Length,
		              [DV_MAP_ARG_WRITE] = !WriteToDevice };
	struct call_scope f =
	        call_begin(nd, DV_CALL_KE_FLUSH_IO_BUFFERS, loc, DV_SRC_HAL, fargs, 3, h->channel);
	dv_hal_flush_io_buffers(nd->sim, Buffer, Offset, Length, !WriteToDevice);
	call_end(nd, f, DV_CALL_KE_FLUSH_IO_BUFFERS, 0);
	/* IoMapTransfer programs the 8237 (and bounces when it must). Its returned logical
	 * address means nothing to a system-DMA driver (MS-MAP). */
	uint32_t margs[3] = { [DV_MAP_ARG_OFFSET] = Offset,
		              [DV_MAP_ARG_LENGTH] = Length,
		              [DV_MAP_ARG_WRITE] = WriteToDevice };
	struct call_scope m =
	        call_begin(nd, DV_CALL_IO_MAP_TRANSFER, loc, DV_SRC_HAL, margs, 3, h->channel);
	dv_hal_map_transfer(nd->sim, h->adapter, Buffer, Offset, Length, WriteToDevice != 0);
	if (m.rec < nd->nrec) {
		nd->rec[m.rec].arg[DV_MAP_ARG_BOUNCED] = h->adapter->bounced;
		nd->rec[m.rec].arg[DV_MAP_ARG_PHYS] = h->adapter->phys;
		nd->rec[m.rec].arg[DV_MAP_ARG_WOULD_BE] = h->adapter->would_be;
	}
	call_end(nd, m, DV_CALL_IO_MAP_TRANSFER, 0);
	dv_verifier_check_direction(nd, loc);
	st = NDIS_STATUS_SUCCESS;
out:
	if (Status)
		*Status = st;
	nd->last_status = st;
	call_end(nd, s, DV_CALL_SETUP_DMA_TRANSFER, st);
}

VOID NdisCompleteDmaTransferAt(PNDIS_STATUS Status, NDIS_HANDLE MiniportDmaHandle,
                               PNDIS_BUFFER Buffer, ULONG Offset, ULONG Length,
                               BOOLEAN WriteToDevice, const char *File, int Line)
{
	struct dv_ndis *nd = dma_owner(MiniportDmaHandle);
	if (!nd)
		return;
	uint16_t loc = loc_of(nd, File, Line);
	uint8_t chan = channel_of(nd, MiniportDmaHandle);
	uint32_t args[6];
	dma_args(args, Buffer, Offset, Length, WriteToDevice);
	struct call_scope s =
	        call_begin(nd, DV_CALL_COMPLETE_DMA_TRANSFER, loc, DV_SRC_DRIVER, args, 6, chan);
	record_pages(nd, s.rec, Buffer);
	NDIS_STATUS st = NDIS_STATUS_SUCCESS;
	if (irql(nd) > DV_DISPATCH_LEVEL)
		dv_ndis_violate(nd, DV_RULE_DMA_IRQL, loc, s.rec);
	struct dv_dma_handle *h = handle_of(nd, MiniportDmaHandle, loc, s.rec);
	if (!h) {
		st = NDIS_STATUS_FAILURE;
		goto out;
	}
	if (!h->block.InProgress) {
		dv_ndis_violate(nd, DV_RULE_DMA_COMPLETE_WITHOUT_SETUP, loc, s.rec);
	} else if (Buffer != h->buffer || Offset != h->offset || Length != h->length ||
	           (WriteToDevice != 0) != h->write_to_device) {
		/* "the buffer descriptor previously passed ... This value also was passed". */
		dv_verifier_fire(nd, DV_RULE_DMA_COMPLETE_MISMATCH, loc, s.rec, h->setup_rec, 0);
	}
	/* IoFlushAdapterBuffers: masks the channel ("resets the system DMA controller in
	 * preparation for further DMA transfers"), copies a bounced receive back. */
	uint32_t fargs[3] = { [DV_MAP_ARG_OFFSET] = Offset,
		              [DV_MAP_ARG_LENGTH] = Length,
		              [DV_MAP_ARG_WRITE] = WriteToDevice };
	struct call_scope f = call_begin(nd, DV_CALL_IO_FLUSH_ADAPTER_BUFFERS, loc, DV_SRC_HAL,
	                                 fargs, 3, h->channel);
	bool coherent = dv_hal_flush_adapter_buffers(nd->sim, h->adapter, Buffer, Offset, Length,
	                                             WriteToDevice != 0);
	call_end(nd, f, DV_CALL_IO_FLUSH_ADAPTER_BUFFERS, coherent);
	/* "The DMA controller was released but the data transfer might be incoherent." */
	st = coherent ? NDIS_STATUS_SUCCESS : NDIS_STATUS_RESOURCES;
	h->block.InProgress = FALSE;
	h->buffer = NULL;
out:
	if (Status)
		*Status = st;
	nd->last_status = st;
	call_end(nd, s, DV_CALL_COMPLETE_DMA_TRANSFER, st);
}

ULONG NdisMReadDmaCounterAt(NDIS_HANDLE MiniportDmaHandle, const char *File, int Line)
{
	struct dv_ndis *nd = dma_owner(MiniportDmaHandle);
	if (!nd)
		return 0;
	uint16_t loc = loc_of(nd, File, Line);
	struct call_scope s = call_begin(nd, DV_CALL_READ_DMA_COUNTER, loc, DV_SRC_DRIVER, NULL, 0,
	                                 DV_NO_CHANNEL);
	ULONG left = 0;
	if (irql(nd) > DV_DISPATCH_LEVEL)
		dv_ndis_violate(nd, DV_RULE_DMA_IRQL, loc, s.rec);
	struct dv_dma_handle *h = handle_of(nd, MiniportDmaHandle, loc, s.rec);
	if (h) {
		if (s.rec < nd->nrec)
			nd->rec[s.rec].channel = h->channel;
		struct call_scope r = call_begin(nd, DV_CALL_HAL_READ_DMA_COUNTER, loc, DV_SRC_HAL,
		                                 NULL, 0, h->channel);
		left = dv_hal_read_dma_counter(nd->sim, h->adapter);
		call_end(nd, r, DV_CALL_HAL_READ_DMA_COUNTER, (int32_t)left);
	}
	call_end(nd, s, DV_CALL_READ_DMA_COUNTER, (int32_t)left);
	return left;
}

/* ---- memory ---------------------------------------------------------------------------- */

static PVOID sim_alloc(struct dv_ndis *nd, uint32_t length, uint32_t highest, uint32_t *phys_out)
{
	uint32_t pages = (length + DV_PAGE_SIZE - 1) / DV_PAGE_SIZE;
	if (pages == 0 || pages > 256)
		return NULL;
	uint32_t start = phys_alloc(nd, pages, highest);
	if (start == UINT32_MAX)
		return NULL;
	uint32_t pfn[256];
	for (uint32_t i = 0; i < pages; i++)
		pfn[i] = start + i;
	PVOID va = dv_ndis_map_pages(nd, pfn, pages);
	if (!va) {
		for (uint32_t i = 0; i < pages; i++)
			phys_mark(nd, start + i, false);
		return NULL;
	}
	if (phys_out)
		*phys_out = start * DV_PAGE_SIZE;
	return va;
}

NDIS_STATUS NdisAllocateMemoryAt(PVOID *VirtualAddress, UINT Length, UINT MemoryFlags,
                                 NDIS_PHYSICAL_ADDRESS HighestAcceptableAddress, const char *File,
                                 int Line)
{
	struct dv_ndis *nd = bound;
	if (!nd || !VirtualAddress)
		return NDIS_STATUS_FAILURE;
	uint32_t args[3] = { Length, MemoryFlags, (uint32_t)HighestAcceptableAddress.QuadPart };
	struct call_scope s = call_begin(nd, DV_CALL_ALLOCATE_MEMORY, loc_of(nd, File, Line),
	                                 DV_SRC_DRIVER, args, 3, DV_NO_CHANNEL);
	*VirtualAddress = NULL;
	if (MemoryFlags & NDIS_MEMORY_CONTIGUOUS) {
		/* Physically contiguous memory below HighestAcceptableAddress, in the machine. */
		int64_t hi = HighestAcceptableAddress.QuadPart;
		uint32_t limit = hi <= 0 || hi >= (int64_t)DV_MEM_MAX ? DV_MEM_MAX :
		                                                        (uint32_t)hi + 1;
		uint32_t phys = 0;
		*VirtualAddress = sim_alloc(nd, Length, limit, &phys);
		if (s.rec < nd->nrec)
			nd->rec[s.rec].arg[3] = phys;
	} else {
		*VirtualAddress = host_alloc(nd, Length);
	}
	NDIS_STATUS st = *VirtualAddress ? NDIS_STATUS_SUCCESS : NDIS_STATUS_FAILURE;
	call_end(nd, s, DV_CALL_ALLOCATE_MEMORY, st);
	return st;
}

NDIS_STATUS NdisAllocateMemoryWithTagAt(PVOID *VirtualAddress, UINT Length, ULONG Tag,
                                        const char *File, int Line)
{
	NDIS_PHYSICAL_ADDRESS any;
	(void)Tag;
	any.QuadPart = -1;
	return NdisAllocateMemoryAt(VirtualAddress, Length, 0, any, File, Line);
}

VOID NdisFreeMemoryAt(PVOID VirtualAddress, UINT Length, UINT MemoryFlags, const char *File,
                      int Line)
{
	struct dv_ndis *nd = bound;
	(void)MemoryFlags;
	if (!nd || !VirtualAddress)
		return;
	struct call_scope s = call_begin(nd, DV_CALL_FREE_MEMORY, loc_of(nd, File, Line),
	                                 DV_SRC_DRIVER, NULL, 0, DV_NO_CHANNEL);
	if (dv_ndis_is_sim_va(VirtualAddress))
		unmap_pages(nd, VirtualAddress, Length);
	else if (!host_free(nd, VirtualAddress))
		dv_ndis_violate(nd, DV_RULE_BAD_MEMORY, s.rec < nd->nrec ? nd->rec[s.rec].loc : 0,
		                s.rec);
	call_end(nd, s, DV_CALL_FREE_MEMORY, 0);
}

VOID NdisMAllocateSharedMemoryAt(NDIS_HANDLE MiniportAdapterHandle, ULONG Length, BOOLEAN Cached,
                                 PVOID *VirtualAddress, PNDIS_PHYSICAL_ADDRESS PhysicalAddress,
                                 const char *File, int Line)
{
	struct dv_ndis *nd = ndis_of(MiniportAdapterHandle);
	if (!nd)
		nd = bound;
	(void)Cached;
	if (!nd || !VirtualAddress)
		return;
	uint32_t args[1] = { Length };
	struct call_scope s = call_begin(nd, DV_CALL_ALLOCATE_SHARED_MEMORY, loc_of(nd, File, Line),
	                                 DV_SRC_DRIVER, args, 1, DV_NO_CHANNEL);
	uint32_t phys = 0;
	*VirtualAddress = MiniportAdapterHandle == (NDIS_HANDLE)nd ?
	                          sim_alloc(nd, Length, 0x01000000u, &phys) :
	                          NULL;
	if (PhysicalAddress)
		PhysicalAddress->QuadPart = *VirtualAddress ? phys : 0;
	call_end(nd, s, DV_CALL_ALLOCATE_SHARED_MEMORY,
	         *VirtualAddress ? 0 : NDIS_STATUS_RESOURCES);
}

VOID NdisMFreeSharedMemoryAt(NDIS_HANDLE MiniportAdapterHandle, ULONG Length, BOOLEAN Cached,
                             PVOID VirtualAddress, NDIS_PHYSICAL_ADDRESS PhysicalAddress,
                             const char *File, int Line)
{
	struct dv_ndis *nd = ndis_of(MiniportAdapterHandle);
	if (!nd)
		nd = bound;
	(void)MiniportAdapterHandle, (void)Cached, (void)PhysicalAddress, (void)File, (void)Line;
	if (nd && dv_ndis_is_sim_va(VirtualAddress))
		unmap_pages(nd, VirtualAddress, Length);
}

/* Is any byte of physical [a, a+n) inside a transfer now set up in direction dir? */
static bool under_transfer(struct dv_ndis *nd, uint32_t a, uint32_t n, bool write_to_device)
{
	for (size_t i = 0; i < nd->nhandles; i++) {
		const struct dv_dma_handle *h = nd->handles[i];
		if (!h->registered || !h->block.InProgress || h->write_to_device != write_to_device)
			continue;
		for (uint32_t k = 0; k < h->length; k++) {
			uint32_t p = dv_mdl_phys(h->buffer, h->offset + k);
			if (p >= a && p < a + n)
				return true;
		}
	}
	return false;
}

/* Checks a simulated range for the verifier's data rules before a copy touches it. */
static void check_range(struct dv_ndis *nd, const void *va, ULONG len, bool reading, uint16_t loc,
                        uint32_t rec)
{
	uint32_t start = dv_ndis_va_to_phys(nd, va);
	if (start == DV_NO_ADDR) {
		dv_ndis_violate(nd, DV_RULE_BAD_MEMORY, loc, rec);
		return;
	}
	if (!nd->nhandles)
		return;
	/* Reading a receive buffer before its Complete, or writing into a send buffer before its
	 * Complete, means the driver treats DMA data as settled when it is not (MS-COMP). */
	for (ULONG k = 0; k < len;) {
		const uint8_t *p = (const uint8_t *)va + k;
		uint32_t phys = dv_ndis_va_to_phys(nd, p);
		uint32_t in_page =
		        DV_PAGE_SIZE - (uint32_t)(((uintptr_t)p - va_base()) % DV_PAGE_SIZE);
		uint32_t n = len - k < in_page ? len - k : in_page;
		if (phys != DV_NO_ADDR && under_transfer(nd, phys, n, !reading)) {
			dv_ndis_violate(nd,
			                reading ? DV_RULE_DMA_READ_BEFORE_COMPLETE :
			                          DV_RULE_DMA_SEND_BEFORE_COMPLETE,
			                loc, rec);
			return;
		}
		k += n;
	}
}

static int read_byte(struct dv_ndis *nd, const void *src, ULONG k)
{
	const uint8_t *p = (const uint8_t *)src + k;
	if (!dv_ndis_is_sim_va(p))
		return *p;
	uint32_t phys = dv_ndis_va_to_phys(nd, p);
	return phys == DV_NO_ADDR ? -1 : dv_sim_cpu_read(nd->sim, phys);
}

static void write_byte(struct dv_ndis *nd, void *dst, ULONG k, uint8_t v)
{
	uint8_t *p = (uint8_t *)dst + k;
	if (!dv_ndis_is_sim_va(p)) {
		*p = v;
		return;
	}
	uint32_t phys = dv_ndis_va_to_phys(nd, p);
	if (phys != DV_NO_ADDR)
		dv_sim_cpu_write(nd->sim, phys, v);
}

VOID NdisMoveMemoryAt(PVOID Destination, const void *Source, ULONG Length, const char *File,
                      int Line)
{
	struct dv_ndis *nd = bound;
	if (!nd || Length == 0)
		return;
	bool sim_dst = dv_ndis_is_sim_va(Destination), sim_src = dv_ndis_is_sim_va(Source);
	if (!sim_dst && !sim_src) {
		if (Destination && Source)
			memmove(Destination, Source, Length); /* host to host: nothing to show */
		return;
	}
	uint16_t loc = loc_of(nd, File, Line);
	uint32_t args[3] = { dv_ndis_va_to_phys(nd, Destination), dv_ndis_va_to_phys(nd, Source),
		             Length };
	struct call_scope s =
	        call_begin(nd, DV_CALL_MOVE_MEMORY, loc, DV_SRC_DRIVER, args, 3, DV_NO_CHANNEL);
	if ((!sim_dst && !Destination) || (!sim_src && !Source)) {
		dv_ndis_violate(nd, DV_RULE_BAD_MEMORY, loc, s.rec);
	} else {
		if (sim_src)
			check_range(nd, Source, Length, true, loc, s.rec);
		if (sim_dst)
			check_range(nd, Destination, Length, false, loc, s.rec);
		for (ULONG k = 0; k < Length; k++) {
			int v = read_byte(nd, Source, k);
			if (v >= 0)
				write_byte(nd, Destination, k, (uint8_t)v);
		}
	}
	call_end(nd, s, DV_CALL_MOVE_MEMORY, 0);
}

VOID NdisZeroMemoryAt(PVOID Destination, ULONG Length, const char *File, int Line)
{
	struct dv_ndis *nd = bound;
	if (!Destination || Length == 0)
		return;
	if (!dv_ndis_is_sim_va(Destination)) {
		memset(Destination, 0, Length);
		return;
	}
	if (!nd)
		return;
	uint16_t loc = loc_of(nd, File, Line);
	uint32_t args[2] = { dv_ndis_va_to_phys(nd, Destination), Length };
	struct call_scope s =
	        call_begin(nd, DV_CALL_ZERO_MEMORY, loc, DV_SRC_DRIVER, args, 2, DV_NO_CHANNEL);
	check_range(nd, Destination, Length, false, loc, s.rec);
	for (ULONG k = 0; k < Length; k++)
		write_byte(nd, Destination, k, 0);
	call_end(nd, s, DV_CALL_ZERO_MEMORY, 0);
}

ULONG NdisEqualMemoryAt(const void *Source1, const void *Source2, ULONG Length, const char *File,
                        int Line)
{
	struct dv_ndis *nd = bound;
	(void)File, (void)Line;
	for (ULONG k = 0; k < Length; k++) {
		int a = read_byte(nd, Source1, k), b = read_byte(nd, Source2, k);
		if (a != b)
			return 0;
	}
	return 1;
}

/* ---- buffers and packets ----------------------------------------------------------------- */

VOID NdisAllocateBufferPoolAt(PNDIS_STATUS Status, PNDIS_HANDLE PoolHandle,
                              UINT NumberOfDescriptors, const char *File, int Line)
{
	struct dv_ndis *nd = bound;
	(void)NumberOfDescriptors, (void)File, (void)Line;
	if (PoolHandle)
		*PoolHandle = nd ? (NDIS_HANDLE)nd : NULL;
	if (Status)
		*Status = nd && PoolHandle ? NDIS_STATUS_SUCCESS : NDIS_STATUS_FAILURE;
}

VOID NdisFreeBufferPool(NDIS_HANDLE PoolHandle)
{
	(void)PoolHandle;
}

VOID NdisAllocateBufferAt(PNDIS_STATUS Status, PNDIS_BUFFER *Buffer, NDIS_HANDLE PoolHandle,
                          PVOID VirtualAddress, UINT Length, const char *File, int Line)
{
	struct dv_ndis *nd = ndis_of(PoolHandle);
	if (!nd)
		nd = bound;
	(void)PoolHandle, (void)File, (void)Line;
	PNDIS_BUFFER b = nd ? dv_ndis_make_buffer(nd, VirtualAddress, Length) : NULL;
	if (Buffer)
		*Buffer = b;
	if (Status)
		*Status = b ? NDIS_STATUS_SUCCESS : NDIS_STATUS_FAILURE;
}

VOID NdisFreeBuffer(PNDIS_BUFFER Buffer)
{
	struct dv_ndis *nd = host_owner(Buffer);
	if (nd && Buffer)
		host_free(nd, Buffer);
}

VOID NdisQueryBuffer(PNDIS_BUFFER Buffer, PVOID *VirtualAddress, PUINT Length)
{
	if (VirtualAddress)
		*VirtualAddress = Buffer ? Buffer->MappedSystemVa : NULL;
	if (Length)
		*Length = Buffer ? Buffer->ByteCount : 0;
}

VOID NdisQueryBufferOffset(PNDIS_BUFFER Buffer, PUINT Offset, PUINT Length)
{
	if (Offset)
		*Offset = Buffer ? Buffer->ByteOffset : 0;
	if (Length)
		*Length = Buffer ? Buffer->ByteCount : 0;
}

VOID NdisGetNextBuffer(PNDIS_BUFFER CurrentBuffer, PNDIS_BUFFER *NextBuffer)
{
	if (NextBuffer)
		*NextBuffer = CurrentBuffer ? CurrentBuffer->Next : NULL;
}

VOID NdisAdjustBufferLength(PNDIS_BUFFER Buffer, UINT Length)
{
	if (Buffer && Length <= Buffer->PfnCount * DV_PAGE_SIZE - Buffer->ByteOffset)
		Buffer->ByteCount = Length;
}

VOID NdisAllocatePacketPoolAt(PNDIS_STATUS Status, PNDIS_HANDLE PoolHandle,
                              UINT NumberOfDescriptors, UINT ProtocolReservedLength,
                              const char *File, int Line)
{
	NdisAllocateBufferPoolAt(Status, PoolHandle, NumberOfDescriptors, File, Line);
	(void)ProtocolReservedLength;
}

VOID NdisFreePacketPool(NDIS_HANDLE PoolHandle)
{
	(void)PoolHandle;
}

VOID NdisAllocatePacketAt(PNDIS_STATUS Status, PNDIS_PACKET *Packet, NDIS_HANDLE PoolHandle,
                          const char *File, int Line)
{
	struct dv_ndis *nd = ndis_of(PoolHandle);
	if (!nd)
		nd = bound;
	(void)PoolHandle, (void)File, (void)Line;
	PNDIS_PACKET p = nd ? host_alloc(nd, sizeof *p) : NULL;
	if (Packet)
		*Packet = p;
	if (Status)
		*Status = p ? NDIS_STATUS_SUCCESS : NDIS_STATUS_RESOURCES;
}

VOID NdisFreePacket(PNDIS_PACKET Packet)
{
	struct dv_ndis *nd = host_owner(Packet);
	if (nd && Packet)
		host_free(nd, Packet);
}

VOID NdisReinitializePacket(PNDIS_PACKET Packet)
{
	if (Packet)
		memset(&Packet->Private, 0, sizeof Packet->Private);
}

static void recount(PNDIS_PACKET p)
{
	UINT n = 0, total = 0, phys = 0;
	for (PNDIS_BUFFER b = p->Private.Head; b; b = b->Next) {
		n++;
		total += b->ByteCount;
		phys += b->PfnCount;
	}
	p->Private.Count = n;
	p->Private.TotalLength = total;
	p->Private.PhysicalCount = phys;
	p->Private.ValidCounts = TRUE;
}

VOID NdisChainBufferAtFront(PNDIS_PACKET Packet, PNDIS_BUFFER Buffer)
{
	if (!Packet || !Buffer)
		return;
	Buffer->Next = Packet->Private.Head;
	Packet->Private.Head = Buffer;
	if (!Packet->Private.Tail)
		Packet->Private.Tail = Buffer;
	recount(Packet);
}

VOID NdisChainBufferAtBack(PNDIS_PACKET Packet, PNDIS_BUFFER Buffer)
{
	if (!Packet || !Buffer)
		return;
	Buffer->Next = NULL;
	if (Packet->Private.Tail)
		Packet->Private.Tail->Next = Buffer;
	else
		Packet->Private.Head = Buffer;
	Packet->Private.Tail = Buffer;
	recount(Packet);
}

VOID NdisUnchainBufferAtFront(PNDIS_PACKET Packet, PNDIS_BUFFER *Buffer)
{
	PNDIS_BUFFER b = Packet ? Packet->Private.Head : NULL;
	if (Buffer)
		*Buffer = b;
	if (!b)
		return;
	Packet->Private.Head = b->Next;
	if (!Packet->Private.Head)
		Packet->Private.Tail = NULL;
	b->Next = NULL;
	recount(Packet);
}

VOID NdisQueryPacket(PNDIS_PACKET Packet, PUINT PhysicalBufferCount, PUINT BufferCount,
                     PNDIS_BUFFER *FirstBuffer, PUINT TotalPacketLength)
{
	if (!Packet)
		return;
	if (!Packet->Private.ValidCounts)
		recount(Packet);
	if (PhysicalBufferCount)
		*PhysicalBufferCount = Packet->Private.PhysicalCount;
	if (BufferCount)
		*BufferCount = Packet->Private.Count;
	if (FirstBuffer)
		*FirstBuffer = Packet->Private.Head;
	if (TotalPacketLength)
		*TotalPacketLength = Packet->Private.TotalLength;
}

VOID NdisMSendCompleteAt(NDIS_HANDLE MiniportAdapterHandle, PNDIS_PACKET Packet, NDIS_STATUS Status,
                         const char *File, int Line)
{
	struct dv_ndis *nd = ndis_of(MiniportAdapterHandle);
	if (!nd || MiniportAdapterHandle != (NDIS_HANDLE)nd)
		return;
	uint16_t loc = loc_of(nd, File, Line);
	uint32_t seq = 0xFFFFFFFFu;
	for (uint32_t i = 0; i < nd->ntx; i++)
		if (nd->tx[i].packet == Packet)
			seq = nd->tx[i].seq;
	uint32_t args[2] = { seq, (uint32_t)Status };
	struct call_scope s =
	        call_begin(nd, DV_CALL_SEND_COMPLETE, loc, DV_SRC_DRIVER, args, 2, DV_NO_CHANNEL);
	if (irql(nd) > DV_DISPATCH_LEVEL)
		dv_ndis_violate(nd, DV_RULE_IRQL_OTHER, loc, s.rec);
	/* Completing a send while a transfer that reads host memory is still set up treats the
	 * data as delivered before NdisMCompleteDmaTransfer(..., TRUE) (MS-COMP). */
	for (size_t i = 0; i < nd->nhandles; i++) {
		const struct dv_dma_handle *h = nd->handles[i];
		if (h->registered && h->block.InProgress && h->write_to_device)
			dv_ndis_violate(nd, DV_RULE_DMA_SEND_BEFORE_COMPLETE, loc, s.rec);
	}
	for (uint32_t i = 0; i < nd->ntx; i++) {
		struct dv_tx_packet *t = &nd->tx[i];
		if (t->packet == Packet && !t->completed) {
			t->completed = true;
			t->status = Status;
			t->completed_cycle = nd->sim->st.cycle;
		}
	}
	call_end(nd, s, DV_CALL_SEND_COMPLETE, Status);
}

VOID NdisMIndicateReceivePacketAt(NDIS_HANDLE MiniportAdapterHandle, PPNDIS_PACKET ReceivePackets,
                                  UINT NumberOfPackets, const char *File, int Line)
{
	struct dv_ndis *nd = ndis_of(MiniportAdapterHandle);
	if (!nd || MiniportAdapterHandle != (NDIS_HANDLE)nd || !ReceivePackets)
		return;
	uint16_t loc = loc_of(nd, File, Line);
	uint32_t args[1] = { NumberOfPackets };
	struct call_scope s = call_begin(nd, DV_CALL_INDICATE_RECEIVE_PACKET, loc, DV_SRC_DRIVER,
	                                 args, 1, DV_NO_CHANNEL);
	if (irql(nd) > DV_DISPATCH_LEVEL)
		dv_ndis_violate(nd, DV_RULE_IRQL_OTHER, loc, s.rec);
	/* The protocol copies each frame out during the indication, with the CPU: if the
	 * miniport indicates before completing the transfer, it reads what is there. */
	for (UINT i = 0; i < NumberOfPackets; i++) {
		PNDIS_PACKET p = ReceivePackets[i];
		if (!p)
			continue;
		struct dv_rx_frame *f = &nd->rx[nd->nrx % DV_NDIS_RX_LOG];
		uint32_t len = 0;
		for (PNDIS_BUFFER b = p->Private.Head; b; b = b->Next) {
			check_range(nd, b->MappedSystemVa, b->ByteCount, true, loc, s.rec);
			for (uint32_t k = 0; k < b->ByteCount && len < sizeof f->data; k++) {
				int v = read_byte(nd, b->MappedSystemVa, k);
				f->data[len++] = v < 0 ? 0 : (uint8_t)v;
			}
		}
		f->len = (uint16_t)len;
		f->cycle = nd->sim->st.cycle;
		nd->nrx++;
		if (s.rec < nd->nrec)
			nd->rec[s.rec].arg[1 + (i < 5 ? i : 4)] = len;
	}
	call_end(nd, s, DV_CALL_INDICATE_RECEIVE_PACKET, 0);
}

/* ---- configuration ------------------------------------------------------------------------ */

/* These three calls leave no call record and no event: recording them would add events before
 * every run's first port write, and the golden traces and screen dumps (which count events)
 * predate them. What they read shows in the driver's behaviour instead. */

bool dv_ndis_set_config(struct dv_ndis *ndis, const char *keyword, uint32_t value)
{
	struct dv_ndis_config *c = &ndis->config;
	if (!keyword || strlen(keyword) >= sizeof c->param[0].keyword)
		return false;
	uint32_t i = 0;
	while (i < c->nparam && strcmp(c->param[i].keyword, keyword) != 0)
		i++;
	if (i == c->nparam) {
		if (c->nparam == DV_NDIS_CONFIG_MAX)
			return false;
		c->nparam++;
		strcpy(c->param[i].keyword, keyword);
	}
	c->param[i].value = value;
	return true;
}

/* The context whose configuration handle h is. */
static struct dv_ndis *config_owner(NDIS_HANDLE h)
{
	for (size_t i = 0; h && i < nlive; i++)
		if (live[i] && (NDIS_HANDLE)&live[i]->config == h)
			return live[i];
	return NULL;
}

static char ascii_lower(unsigned c)
{
	return (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
}

/* Does the counted UTF-16 keyword name the ASCII one? Registry value names compare without
 * regard to case. */
static bool keyword_is(const NDIS_STRING *k, const char *ascii)
{
	size_t n = k->Length / sizeof(WCHAR);
	if (!k->Buffer || strlen(ascii) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (k->Buffer[i] > 0x7F ||
		    ascii_lower(k->Buffer[i]) != ascii_lower((unsigned char)ascii[i]))
			return false;
	return true;
}

VOID NdisOpenConfiguration(PNDIS_STATUS Status, PNDIS_HANDLE ConfigurationHandle,
                           NDIS_HANDLE WrapperConfigurationContext)
{
	struct dv_ndis *nd = ndis_of(WrapperConfigurationContext);
	if (nd)
		nd->config.open = true;
	if (ConfigurationHandle)
		*ConfigurationHandle = nd ? (NDIS_HANDLE)&nd->config : NULL;
	if (Status)
		*Status = nd && ConfigurationHandle ? NDIS_STATUS_SUCCESS : NDIS_STATUS_FAILURE;
}

VOID NdisReadConfiguration(PNDIS_STATUS Status, PNDIS_CONFIGURATION_PARAMETER *ParameterValue,
                           NDIS_HANDLE ConfigurationHandle, PNDIS_STRING Keyword,
                           NDIS_PARAMETER_TYPE ParameterType)
{
	(void)ParameterType; /* "ignored in Windows NT and later" (NdisReadConfiguration) */
	struct dv_ndis *nd = config_owner(ConfigurationHandle);
	NDIS_STATUS st = NDIS_STATUS_FAILURE;
	if (nd && nd->config.open && Keyword && ParameterValue) {
		struct dv_ndis_config *c = &nd->config;
		for (uint32_t i = 0; i < c->nparam; i++) {
			if (keyword_is(Keyword, c->param[i].keyword)) {
				memset(&c->out, 0, sizeof c->out);
				c->out.ParameterType = NdisParameterInteger;
				c->out.ParameterData.IntegerData = c->param[i].value;
				*ParameterValue = &c->out;
				st = NDIS_STATUS_SUCCESS;
				break;
			}
		}
	}
	if (Status)
		*Status = st;
}

VOID NdisCloseConfiguration(NDIS_HANDLE ConfigurationHandle)
{
	struct dv_ndis *nd = config_owner(ConfigurationHandle);
	if (nd)
		nd->config.open = false;
}

/* ---- time and IRQL ----------------------------------------------------------------------- */

VOID NdisStallExecutionAt(UINT MicrosecondsToStall, const char *File, int Line)
{
	struct dv_ndis *nd = bound;
	if (!nd)
		return;
	uint32_t us = MicrosecondsToStall > 50000 ? 50000 : MicrosecondsToStall;
	uint32_t args[1] = { MicrosecondsToStall };
	struct call_scope s = call_begin(nd, DV_CALL_STALL_EXECUTION, loc_of(nd, File, Line),
	                                 DV_SRC_DRIVER, args, 1, DV_NO_CHANNEL);
	/* The machine runs on while the CPU spins: 2 bus cycles a microsecond (an 8 MHz ISA
	 * bus, 4 clocks a DMA cycle). Interrupts and DPCs are delivered after a tick's device
	 * work, so a DPC's stall advances time; in the ISR (DIRQL) no other interrupt comes in.
	 * Only a call from inside the device work of a tick returns at once (dv_sim_tick). */
	dv_sim_run(nd->sim, us * 2);
	call_end(nd, s, DV_CALL_STALL_EXECUTION, 0);
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

VOID NdisAcquireSpinLock(PNDIS_SPIN_LOCK SpinLock)
{
	struct dv_ndis *nd = bound;
	if (!SpinLock || !nd)
		return;
	SpinLock->OldIrql = nd->sim->st.cpu.irql;
	SpinLock->Locked = 1;
	dv_sim_raise_irql(nd->sim, DV_DISPATCH_LEVEL); /* a spin lock runs at DISPATCH_LEVEL */
}

VOID NdisReleaseSpinLock(PNDIS_SPIN_LOCK SpinLock)
{
	struct dv_ndis *nd = bound;
	if (!SpinLock || !nd)
		return;
	SpinLock->Locked = 0;
	dv_sim_lower_irql(nd->sim, SpinLock->OldIrql);
}

VOID NdisDprAcquireSpinLock(PNDIS_SPIN_LOCK SpinLock)
{
	if (SpinLock)
		SpinLock->Locked = 1; /* already at DISPATCH_LEVEL */
}

VOID NdisDprReleaseSpinLock(PNDIS_SPIN_LOCK SpinLock)
{
	if (SpinLock)
		SpinLock->Locked = 0;
}

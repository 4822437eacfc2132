/* dmaviz: the NDIS calls of a system-DMA channel: NdisMRegisterDmaChannel and its deregistration,
 * NdisMSetupDmaTransfer, NdisMCompleteDmaTransfer and NdisMReadDmaCounter, each with the HAL
 * calls it makes (HalGetAdapter, KeFlushIoBuffers, IoMapTransfer, IoFlushAdapterBuffers) as
 * records of their own, and the verifier's checks of these calls.
 *
 * Documented behaviour comes from Microsoft's pages (the two in shared/seeds and their
 * neighbours); where the steps are inferred (facts §3), a comment says so.
 */
#include <stdlib.h>

#include "dvndis.h"
#include "sim.h"

#define HANDLE_MAGIC 0x444d4148u /* "DMAH" */

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
	struct dv_ndis *nd = dv_ndis_of_or_bound(MiniportAdapterHandle);
	if (!nd)
		return NDIS_STATUS_FAILURE;
	uint16_t loc = dv_ndis_loc(nd, File, Line);
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
	struct dv_ndis_call_scope s = dv_ndis_call_begin(
	        nd, DV_CALL_REGISTER_DMA_CHANNEL, loc, DV_SRC_DRIVER, args, 6,
	        DmaDescription ? (uint8_t)DmaDescription->DmaChannel : DV_NO_CHANNEL);
	NDIS_STATUS st;
	if (MiniportDmaHandle)
		*MiniportDmaHandle = NULL;
	/* PASSIVE_LEVEL, from MiniportInitialize only (MS-REG). */
	if (dv_ndis_irql(nd) != DV_PASSIVE_LEVEL)
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
	struct dv_ndis_call_scope hs = dv_ndis_call_begin(nd, DV_CALL_HAL_GET_ADAPTER, loc,
	                                                  DV_SRC_HAL, hargs, 3,
	                                                  (uint8_t)DmaDescription->DmaChannel);
	dv_ndis_call_end(nd, hs, DV_CALL_HAL_GET_ADAPTER, (int32_t)why);
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
		uint32_t start = dv_ndis_phys_alloc(nd, ad->map_registers, 0x01000000u);
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
	dv_ndis_call_end(nd, s, DV_CALL_REGISTER_DMA_CHANNEL, st);
	return st;
}

VOID NdisMDeregisterDmaChannelAt(NDIS_HANDLE MiniportDmaHandle, const char *File, int Line)
{
	struct dv_ndis *nd = dv_ndis_dma_owner(MiniportDmaHandle);
	if (!nd)
		return;
	uint16_t loc = dv_ndis_loc(nd, File, Line);
	struct dv_ndis_call_scope s = dv_ndis_call_begin(nd, DV_CALL_DEREGISTER_DMA_CHANNEL, loc,
	                                                 DV_SRC_DRIVER, NULL, 0, DV_NO_CHANNEL);
	if (dv_ndis_irql(nd) != DV_PASSIVE_LEVEL)
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
	dv_ndis_call_end(nd, s, DV_CALL_DEREGISTER_DMA_CHANNEL, 0);
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

/* The common start of Setup and Complete: opens the call's record with its arguments (enum
 * dv_dma_arg), the handle's channel and the Buffer's pages, checks the IRQL (at most
 * DISPATCH_LEVEL) and returns the live handle (NULL: the dma-bad-handle rule fired). */
static struct dv_dma_handle *transfer_begin(struct dv_ndis *nd, enum dv_call call, uint16_t loc,
                                            NDIS_HANDLE MiniportDmaHandle, PNDIS_BUFFER Buffer,
                                            ULONG Offset, ULONG Length, BOOLEAN WriteToDevice,
                                            struct dv_ndis_call_scope *s)
{
	uint8_t chan = channel_of(nd, MiniportDmaHandle);
	uint32_t args[6];
	dma_args(args, Buffer, Offset, Length, WriteToDevice);
	*s = dv_ndis_call_begin(nd, call, loc, DV_SRC_DRIVER, args, 6, chan);
	record_pages(nd, s->rec, Buffer);
	if (dv_ndis_irql(nd) > DV_DISPATCH_LEVEL)
		dv_ndis_violate(nd, nd->in_sync ? DV_RULE_SYNC_DMA : DV_RULE_DMA_IRQL, loc, s->rec);
	return handle_of(nd, MiniportDmaHandle, loc, s->rec);
}

VOID NdisSetupDmaTransferAt(PNDIS_STATUS Status, NDIS_HANDLE MiniportDmaHandle, PNDIS_BUFFER Buffer,
                            ULONG Offset, ULONG Length, BOOLEAN WriteToDevice, const char *File,
                            int Line)
{
	struct dv_ndis *nd = dv_ndis_dma_owner(MiniportDmaHandle);
	if (!nd)
		return;
	uint16_t loc = dv_ndis_loc(nd, File, Line);
	struct dv_ndis_call_scope s;
	struct dv_dma_handle *h = transfer_begin(nd, DV_CALL_SETUP_DMA_TRANSFER, loc,
	                                         MiniportDmaHandle, Buffer, Offset, Length,
	                                         WriteToDevice, &s);
	NDIS_STATUS st;
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
	struct dv_ndis_call_scope f = dv_ndis_call_begin(nd, DV_CALL_KE_FLUSH_IO_BUFFERS, loc,
	                                                 DV_SRC_HAL, fargs, 3, h->channel);
	dv_hal_flush_io_buffers(nd->sim, Buffer, Offset, Length, !WriteToDevice);
	dv_ndis_call_end(nd, f, DV_CALL_KE_FLUSH_IO_BUFFERS, 0);
	/* IoMapTransfer programs the 8237 (and bounces when it must). Its returned logical
	 * address means nothing to a system-DMA driver (MS-MAP). */
	uint32_t margs[3] = { [DV_MAP_ARG_OFFSET] = Offset,
		              [DV_MAP_ARG_LENGTH] = Length,
		              [DV_MAP_ARG_WRITE] = WriteToDevice };
	struct dv_ndis_call_scope m = dv_ndis_call_begin(nd, DV_CALL_IO_MAP_TRANSFER, loc,
	                                                 DV_SRC_HAL, margs, 3, h->channel);
	dv_hal_map_transfer(nd->sim, h->adapter, Buffer, Offset, Length, WriteToDevice != 0);
	if (m.rec < nd->nrec) {
		nd->rec[m.rec].arg[DV_MAP_ARG_BOUNCED] = h->adapter->bounced;
		nd->rec[m.rec].arg[DV_MAP_ARG_PHYS] = h->adapter->phys;
		nd->rec[m.rec].arg[DV_MAP_ARG_WOULD_BE] = h->adapter->would_be;
	}
	dv_ndis_call_end(nd, m, DV_CALL_IO_MAP_TRANSFER, 0);
	dv_verifier_check_direction(nd, loc);
	st = NDIS_STATUS_SUCCESS;
out:
	if (Status)
		*Status = st;
	nd->last_status = st;
	dv_ndis_call_end(nd, s, DV_CALL_SETUP_DMA_TRANSFER, st);
}

VOID NdisCompleteDmaTransferAt(PNDIS_STATUS Status, NDIS_HANDLE MiniportDmaHandle,
                               PNDIS_BUFFER Buffer, ULONG Offset, ULONG Length,
                               BOOLEAN WriteToDevice, const char *File, int Line)
{
	struct dv_ndis *nd = dv_ndis_dma_owner(MiniportDmaHandle);
	if (!nd)
		return;
	uint16_t loc = dv_ndis_loc(nd, File, Line);
	struct dv_ndis_call_scope s;
	struct dv_dma_handle *h = transfer_begin(nd, DV_CALL_COMPLETE_DMA_TRANSFER, loc,
	                                         MiniportDmaHandle, Buffer, Offset, Length,
	                                         WriteToDevice, &s);
	NDIS_STATUS st = NDIS_STATUS_SUCCESS;
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
	struct dv_ndis_call_scope f = dv_ndis_call_begin(nd, DV_CALL_IO_FLUSH_ADAPTER_BUFFERS, loc,
	                                                 DV_SRC_HAL, fargs, 3, h->channel);
	bool coherent = dv_hal_flush_adapter_buffers(nd->sim, h->adapter, Buffer, Offset, Length,
	                                             WriteToDevice != 0);
	dv_ndis_call_end(nd, f, DV_CALL_IO_FLUSH_ADAPTER_BUFFERS, coherent);
	/* "The DMA controller was released but the data transfer might be incoherent." */
	st = coherent ? NDIS_STATUS_SUCCESS : NDIS_STATUS_RESOURCES;
	h->block.InProgress = FALSE;
	h->buffer = NULL;
out:
	if (Status)
		*Status = st;
	nd->last_status = st;
	dv_ndis_call_end(nd, s, DV_CALL_COMPLETE_DMA_TRANSFER, st);
}

ULONG NdisMReadDmaCounterAt(NDIS_HANDLE MiniportDmaHandle, const char *File, int Line)
{
	struct dv_ndis *nd = dv_ndis_dma_owner(MiniportDmaHandle);
	if (!nd)
		return 0;
	uint16_t loc = dv_ndis_loc(nd, File, Line);
	struct dv_ndis_call_scope s = dv_ndis_call_begin(nd, DV_CALL_READ_DMA_COUNTER, loc,
	                                                 DV_SRC_DRIVER, NULL, 0, DV_NO_CHANNEL);
	ULONG left = 0;
	if (dv_ndis_irql(nd) > DV_DISPATCH_LEVEL)
		dv_ndis_violate(nd, nd->in_sync ? DV_RULE_SYNC_DMA : DV_RULE_DMA_IRQL, loc, s.rec);
	struct dv_dma_handle *h = handle_of(nd, MiniportDmaHandle, loc, s.rec);
	if (h) {
		if (s.rec < nd->nrec)
			nd->rec[s.rec].channel = h->channel;
		struct dv_ndis_call_scope r = dv_ndis_call_begin(
		        nd, DV_CALL_HAL_READ_DMA_COUNTER, loc, DV_SRC_HAL, NULL, 0, h->channel);
		left = dv_hal_read_dma_counter(nd->sim, h->adapter);
		dv_ndis_call_end(nd, r, DV_CALL_HAL_READ_DMA_COUNTER, (int32_t)left);
	}
	dv_ndis_call_end(nd, s, DV_CALL_READ_DMA_COUNTER, (int32_t)left);
	return left;
}

/* dmaviz: the HAL's view of system DMA: one adapter object per ISA channel, map registers
 * with bounce buffers below 16 MiB, IoMapTransfer, IoFlushAdapterBuffers, HalReadDmaCounter
 * and KeFlushIoBuffers. Behaviour follows facts §3 (ReactOS HAL, Microsoft's kernel docs);
 * inferred steps say so where they are. */
#ifndef DV_HAL_H
#define DV_HAL_H

#include <stdbool.h>
#include <stdint.h>

#include "ndis.h"

struct dv_sim;

/* Map registers: at most 16 for a system-DMA adapter (facts §3.3, HalGetAdapter). */
#define DV_HAL_MAX_MAP_REGISTERS 16u
/* Each channel's map-register buffers: 64 KiB at 0xE00000 + channel * 128 KiB, below 16 MiB and
 * inside one 128 KiB block, so they never cross a 64 KiB or 128 KiB boundary. */
#define DV_HAL_BOUNCE_BASE 0x00E00000u
#define DV_HAL_BOUNCE_STRIDE 0x00020000u

enum dv_hal_refusal {
	DV_HAL_OK = 0,
	DV_HAL_CASCADE,    /* channel 4 */
	DV_HAL_NO_CHANNEL, /* above 7 */
	DV_HAL_WIDTH,      /* width does not match the chip */
	DV_HAL_PORT,       /* DmaPort not 0 */
	DV_HAL_IN_USE,     /* another adapter holds the channel */
};

/* The HAL's adapter objects; their structs are the core's own (hal_int.h). */
struct dv_adapter;
struct dv_hal;

void dv_hal_init(struct dv_hal *hal);

enum dv_hal_refusal dv_hal_get_adapter(struct dv_hal *hal, unsigned channel, bool width16,
                                       bool demand, bool autoinit, uint32_t max_length,
                                       uint32_t dma_port, struct dv_adapter **out);
void dv_hal_put_adapter(struct dv_adapter *ad);

/* The physical address of byte k of an MDL's range (0xFFFFFFFF past the end). */
uint32_t dv_mdl_phys(const MDL *mdl, uint32_t k);
/* Pages spanned by [offset, offset + length) of the MDL's range. */
uint32_t dv_mdl_pages(const MDL *mdl, uint32_t offset, uint32_t length);
/* Can the 8237 reach [offset, offset+length) in place: physically contiguous, below 16 MiB,
 * inside one 64 KiB (8-bit) or 128 KiB (16-bit) block? */
bool dv_hal_reachable(const MDL *mdl, uint32_t offset, uint32_t length, bool width16);

/* KeFlushIoBuffers(Mdl, ReadOperation, DmaOperation): write back the cache lines of the range,
 * and for a read operation (device to memory) invalidate them. */
void dv_hal_flush_io_buffers(struct dv_sim *sim, const MDL *mdl, uint32_t offset, uint32_t length,
                             bool read_operation);
/* IoMapTransfer: bounce when needed (copying in now for a send), then program the 8237 with
 * the canonical sequence. */
void dv_hal_map_transfer(struct dv_sim *sim, struct dv_adapter *ad, const MDL *mdl, uint32_t offset,
                         uint32_t length, bool write_to_device);
/* IoFlushAdapterBuffers: mask the channel, copy a bounced receive back (only the bytes that
 * moved). Returns false when the data may be incoherent (see hal.c). */
bool dv_hal_flush_adapter_buffers(struct dv_sim *sim, struct dv_adapter *ad, const MDL *mdl,
                                  uint32_t offset, uint32_t length, bool write_to_device);
/* HalReadDmaCounter: bytes remaining, read with the flip-flop sequence until stable. */
uint32_t dv_hal_read_dma_counter(struct dv_sim *sim, const struct dv_adapter *ad);

#ifdef DV_CORE_INTERNAL
#include "hal_int.h"
#endif

#endif

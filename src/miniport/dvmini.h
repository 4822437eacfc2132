/* dvmini: the reference NDIS 5 miniport for the dmaviz network card, a subordinate-DMA ISA
 * card (docs/nic.md). The driver is in dvmini.c; this header is what a host needs to load it.
 */
#ifndef DVMINI_H
#define DVMINI_H

#include "ndis.h"

/* Bytes of the receive area, the host memory the 8237A fills with received frames. It must
 * hold at least one whole frame (1514 bytes), be even (channels 5-7 move words) and be at most
 * 64 KiB: one 8237A transfer cannot cross a 64 KiB boundary, and NdisAllocateMemory keeps a
 * contiguous allocation of up to 64 KiB inside one 64 KiB block. The NSC IrDA sample's
 * settings.h refuses to build with more for the same reason. */
#ifndef DVMINI_RX_AREA
#define DVMINI_RX_AREA 4096u
#endif

/* Packets shorter than this many bytes are copied into the staging buffer and sent with one
 * transfer. Longer ones are sent straight from their own buffers, one transfer per chained
 * buffer. 256 is the example in NdisMSetupDmaTransfer's Remarks. */
#ifndef DVMINI_COPY_THRESHOLD
#define DVMINI_COPY_THRESHOLD 256u
#endif

/* A host changes it per adapter through the configuration the driver reads at
 * MiniportInitialize: CopyThreshold (NdisReadConfiguration; 0: never copy unless the channel
 * needs it, 0xFFFFFFFF: always copy). */

/* The driver's entry point (DriverEntry on Windows): registers the miniport with NDIS. */
NTSTATUS DvMiniDriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath);

#endif

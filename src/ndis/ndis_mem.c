/* dmaviz: the driver's memory under NDIS: the simulated virtual-address window and the
 * physical-page allocator behind it, NdisAllocateMemory and shared memory, NdisMoveMemory and
 * its kin (which read and write through the CPU's cache, and where the verifier's data rules
 * look), buffer descriptors (MDLs), packets, and the two calls that hand packets up to the
 * protocol (NdisMSendComplete, NdisMIndicateReceivePacket).
 */
#include <stdint.h>
#include <string.h>

#include "dvndis.h"
#include "sim.h"

/* Simulated virtual addresses live in a window far above any user-space pointer. */
static uintptr_t va_base(void)
{
	return dv_va_window_base();
}

_Static_assert(DV_VA_PAGE_BYTES == DV_PAGE_SIZE, "the VA window counts in machine pages");

bool dv_ndis_is_sim_va(const void *va)
{
	return dv_va_window_holds(va);
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

/* ---- physical and virtual memory -------------------------------------------------------- */

static bool phys_page_used(const struct dv_ndis *ndis, uint32_t pfn)
{
	return (ndis->phys_used[pfn / 8] >> (pfn % 8)) & 1;
}

void dv_ndis_phys_mark(struct dv_ndis *ndis, uint32_t pfn, bool used)
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
uint32_t dv_ndis_phys_alloc(struct dv_ndis *ndis, uint32_t pages, uint32_t limit)
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
			dv_ndis_phys_mark(ndis, start + i, true);
		return start;
	}
	return UINT32_MAX;
}

/* n free virtual pages and an unmapped guard page after them, from the start of the window: the
 * bump allocator's end is reached only by long runs, whose sent packets gave their pages back. */
static uint32_t va_reuse(const struct dv_ndis *ndis, uint32_t n)
{
	uint32_t run = 0;
	for (uint32_t v = 1; v < DV_VA_PAGES; v++) {
		run = ndis->va_map[v] ? 0 : run + 1;
		if (run == n + 2) /* a guard before (the previous range's) and after */
			return v - n;
	}
	return 0;
}

PVOID dv_ndis_map_pages(struct dv_ndis *ndis, const uint32_t *pfn, uint32_t n)
{
	if (n == 0 || n + 1 > DV_VA_PAGES)
		return NULL;
	uint32_t first = ndis->va_next;
	if (first + n + 1 > DV_VA_PAGES) {
		first = va_reuse(ndis, n);
		if (!first)
			return NULL;
		for (uint32_t i = 0; i < n; i++) {
			ndis->va_map[first + i] = pfn[i] + 1;
			dv_ndis_phys_mark(ndis, pfn[i], true);
		}
		return (PVOID)(va_base() + (uintptr_t)first * DV_PAGE_SIZE);
	}
	for (uint32_t i = 0; i < n; i++) {
		ndis->va_map[first + i] = pfn[i] + 1;
		dv_ndis_phys_mark(ndis, pfn[i], true);
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
			dv_ndis_phys_mark(ndis, ndis->va_map[first + i] - 1, false);
		ndis->va_map[first + i] = 0;
	}
}

void dv_ndis_unmap(struct dv_ndis *ndis, const void *va, uint32_t length)
{
	unmap_pages(ndis, va, length);
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
	PNDIS_BUFFER b = dv_ndis_host_alloc(ndis, sizeof *b);
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
			dv_ndis_host_free(ndis, b);
			return NULL;
		}
		b->Pfn[i] = v - 1;
	}
	return b;
}

/* ---- memory ---------------------------------------------------------------------------- */

static PVOID sim_alloc(struct dv_ndis *nd, uint32_t length, uint32_t highest, uint32_t *phys_out)
{
	uint32_t pages = (length + DV_PAGE_SIZE - 1) / DV_PAGE_SIZE;
	if (pages == 0 || pages > 256)
		return NULL;
	uint32_t start = dv_ndis_phys_alloc(nd, pages, highest);
	if (start == UINT32_MAX)
		return NULL;
	uint32_t pfn[256];
	for (uint32_t i = 0; i < pages; i++)
		pfn[i] = start + i;
	PVOID va = dv_ndis_map_pages(nd, pfn, pages);
	if (!va) {
		for (uint32_t i = 0; i < pages; i++)
			dv_ndis_phys_mark(nd, start + i, false);
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
	struct dv_ndis *nd = dv_ndis_bound();
	if (!nd || !VirtualAddress)
		return NDIS_STATUS_FAILURE;
	uint32_t args[3] = { Length, MemoryFlags, (uint32_t)HighestAcceptableAddress.QuadPart };
	struct dv_ndis_call_scope s = dv_ndis_call_begin(nd, DV_CALL_ALLOCATE_MEMORY,
	                                                 dv_ndis_loc(nd, File, Line), DV_SRC_DRIVER,
	                                                 args, 3, DV_NO_CHANNEL);
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
		*VirtualAddress = dv_ndis_host_alloc(nd, Length);
	}
	NDIS_STATUS st = *VirtualAddress ? NDIS_STATUS_SUCCESS : NDIS_STATUS_FAILURE;
	dv_ndis_call_end(nd, s, DV_CALL_ALLOCATE_MEMORY, st);
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
	struct dv_ndis *nd = dv_ndis_bound();
	(void)MemoryFlags;
	if (!nd || !VirtualAddress)
		return;
	struct dv_ndis_call_scope s = dv_ndis_call_begin(nd, DV_CALL_FREE_MEMORY,
	                                                 dv_ndis_loc(nd, File, Line), DV_SRC_DRIVER,
	                                                 NULL, 0, DV_NO_CHANNEL);
	if (dv_ndis_is_sim_va(VirtualAddress))
		unmap_pages(nd, VirtualAddress, Length);
	else if (!dv_ndis_host_free(nd, VirtualAddress))
		dv_ndis_violate(nd, DV_RULE_BAD_MEMORY, s.rec < nd->nrec ? nd->rec[s.rec].loc : 0,
		                s.rec);
	dv_ndis_call_end(nd, s, DV_CALL_FREE_MEMORY, 0);
}

VOID NdisMAllocateSharedMemoryAt(NDIS_HANDLE MiniportAdapterHandle, ULONG Length, BOOLEAN Cached,
                                 PVOID *VirtualAddress, PNDIS_PHYSICAL_ADDRESS PhysicalAddress,
                                 const char *File, int Line)
{
	struct dv_ndis *nd = dv_ndis_of_or_bound(MiniportAdapterHandle);
	(void)Cached;
	if (!nd || !VirtualAddress)
		return;
	uint32_t args[1] = { Length };
	struct dv_ndis_call_scope s = dv_ndis_call_begin(nd, DV_CALL_ALLOCATE_SHARED_MEMORY,
	                                                 dv_ndis_loc(nd, File, Line), DV_SRC_DRIVER,
	                                                 args, 1, DV_NO_CHANNEL);
	uint32_t phys = 0;
	*VirtualAddress = MiniportAdapterHandle == (NDIS_HANDLE)nd ?
	                          sim_alloc(nd, Length, 0x01000000u, &phys) :
	                          NULL;
	if (PhysicalAddress)
		PhysicalAddress->QuadPart = *VirtualAddress ? phys : 0;
	dv_ndis_call_end(nd, s, DV_CALL_ALLOCATE_SHARED_MEMORY,
	                 *VirtualAddress ? 0 : NDIS_STATUS_RESOURCES);
}

VOID NdisMFreeSharedMemoryAt(NDIS_HANDLE MiniportAdapterHandle, ULONG Length, BOOLEAN Cached,
                             PVOID VirtualAddress, NDIS_PHYSICAL_ADDRESS PhysicalAddress,
                             const char *File, int Line)
{
	struct dv_ndis *nd = dv_ndis_of_or_bound(MiniportAdapterHandle);
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
	struct dv_ndis *nd = dv_ndis_bound();
	if (!nd || Length == 0)
		return;
	bool sim_dst = dv_ndis_is_sim_va(Destination), sim_src = dv_ndis_is_sim_va(Source);
	if (!sim_dst && !sim_src) {
		if (Destination && Source)
			memmove(Destination, Source, Length); /* host to host: nothing to show */
		return;
	}
	uint16_t loc = dv_ndis_loc(nd, File, Line);
	uint32_t args[3] = { dv_ndis_va_to_phys(nd, Destination), dv_ndis_va_to_phys(nd, Source),
		             Length };
	struct dv_ndis_call_scope s = dv_ndis_call_begin(nd, DV_CALL_MOVE_MEMORY, loc,
	                                                 DV_SRC_DRIVER, args, 3, DV_NO_CHANNEL);
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
	dv_ndis_call_end(nd, s, DV_CALL_MOVE_MEMORY, 0);
}

VOID NdisZeroMemoryAt(PVOID Destination, ULONG Length, const char *File, int Line)
{
	struct dv_ndis *nd = dv_ndis_bound();
	if (!Destination || Length == 0)
		return;
	if (!dv_ndis_is_sim_va(Destination)) {
		memset(Destination, 0, Length);
		return;
	}
	if (!nd)
		return;
	uint16_t loc = dv_ndis_loc(nd, File, Line);
	uint32_t args[2] = { dv_ndis_va_to_phys(nd, Destination), Length };
	struct dv_ndis_call_scope s = dv_ndis_call_begin(nd, DV_CALL_ZERO_MEMORY, loc,
	                                                 DV_SRC_DRIVER, args, 2, DV_NO_CHANNEL);
	check_range(nd, Destination, Length, false, loc, s.rec);
	for (ULONG k = 0; k < Length; k++)
		write_byte(nd, Destination, k, 0);
	dv_ndis_call_end(nd, s, DV_CALL_ZERO_MEMORY, 0);
}

ULONG NdisEqualMemoryAt(const void *Source1, const void *Source2, ULONG Length, const char *File,
                        int Line)
{
	struct dv_ndis *nd = dv_ndis_bound();
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
	struct dv_ndis *nd = dv_ndis_bound();
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
	struct dv_ndis *nd = dv_ndis_of_or_bound(PoolHandle);
	(void)File, (void)Line;
	PNDIS_BUFFER b = nd ? dv_ndis_make_buffer(nd, VirtualAddress, Length) : NULL;
	if (Buffer)
		*Buffer = b;
	if (Status)
		*Status = b ? NDIS_STATUS_SUCCESS : NDIS_STATUS_FAILURE;
}

VOID NdisFreeBuffer(PNDIS_BUFFER Buffer)
{
	struct dv_ndis *nd = dv_ndis_host_owner(Buffer);
	if (nd && Buffer)
		dv_ndis_host_free(nd, Buffer);
}

VOID NdisQueryBuffer(PNDIS_BUFFER Buffer, PVOID *VirtualAddress, PUINT Length)
{
	if (VirtualAddress)
		*VirtualAddress = Buffer ? Buffer->MappedSystemVa : NULL;
	if (Length)
		*Length = Buffer ? Buffer->ByteCount : 0;
}

/* Every simulated page is mapped: whatever the priority, the address comes back. */
VOID NdisQueryBufferSafe(PNDIS_BUFFER Buffer, PVOID *VirtualAddress, PUINT Length,
                         MM_PAGE_PRIORITY Priority)
{
	(void)Priority;
	NdisQueryBuffer(Buffer, VirtualAddress, Length);
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
	struct dv_ndis *nd = dv_ndis_of_or_bound(PoolHandle);
	(void)File, (void)Line;
	PNDIS_PACKET p = nd ? dv_ndis_host_alloc(nd, sizeof *p) : NULL;
	if (Packet)
		*Packet = p;
	if (Status)
		*Status = p ? NDIS_STATUS_SUCCESS : NDIS_STATUS_RESOURCES;
}

VOID NdisFreePacket(PNDIS_PACKET Packet)
{
	struct dv_ndis *nd = dv_ndis_host_owner(Packet);
	if (nd && Packet)
		dv_ndis_host_free(nd, Packet);
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
	struct dv_ndis *nd = dv_ndis_of(MiniportAdapterHandle);
	if (!nd || MiniportAdapterHandle != (NDIS_HANDLE)nd)
		return;
	uint16_t loc = dv_ndis_loc(nd, File, Line);
	uint32_t seq = 0xFFFFFFFFu;
	for (uint32_t i = 0; i < nd->ntx; i++)
		if (nd->tx[i].packet == Packet)
			seq = nd->tx[i].seq;
	uint32_t args[2] = { seq, (uint32_t)Status };
	struct dv_ndis_call_scope s = dv_ndis_call_begin(nd, DV_CALL_SEND_COMPLETE, loc,
	                                                 DV_SRC_DRIVER, args, 2, DV_NO_CHANNEL);
	if (dv_ndis_irql(nd) > DV_DISPATCH_LEVEL)
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
			nd->ntx_completed++;
			t->status = Status;
			t->completed_cycle = nd->sim->st.cycle;
		}
	}
	dv_ndis_call_end(nd, s, DV_CALL_SEND_COMPLETE, Status);
}

VOID NdisMIndicateReceivePacketAt(NDIS_HANDLE MiniportAdapterHandle, PPNDIS_PACKET ReceivePackets,
                                  UINT NumberOfPackets, const char *File, int Line)
{
	struct dv_ndis *nd = dv_ndis_of(MiniportAdapterHandle);
	if (!nd || MiniportAdapterHandle != (NDIS_HANDLE)nd || !ReceivePackets)
		return;
	uint16_t loc = dv_ndis_loc(nd, File, Line);
	uint32_t args[1] = { NumberOfPackets };
	struct dv_ndis_call_scope s = dv_ndis_call_begin(nd, DV_CALL_INDICATE_RECEIVE_PACKET, loc,
	                                                 DV_SRC_DRIVER, args, 1, DV_NO_CHANNEL);
	if (dv_ndis_irql(nd) > DV_DISPATCH_LEVEL)
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
	dv_ndis_call_end(nd, s, DV_CALL_INDICATE_RECEIVE_PACKET, 0);
}

/* The DDK's macro, as a function: the first buffer, its address and length, and the packet's
 * total length (counted over the chain, as the macro does). */
VOID NdisGetFirstBufferFromPacket(PNDIS_PACKET Packet, PNDIS_BUFFER *FirstBuffer,
                                  PVOID *FirstBufferVA, PUINT FirstBufferLength,
                                  PUINT TotalBufferLength)
{
	PNDIS_BUFFER first = Packet ? Packet->Private.Head : NULL;
	if (FirstBuffer)
		*FirstBuffer = first;
	NdisQueryBuffer(first, FirstBufferVA, FirstBufferLength);
	UINT total = 0;
	for (PNDIS_BUFFER b = first; b; b = b->Next)
		total += b->ByteCount;
	if (TotalBufferLength)
		*TotalBufferLength = total;
}

VOID NdisGetFirstBufferFromPacketSafe(PNDIS_PACKET Packet, PNDIS_BUFFER *FirstBuffer,
                                      PVOID *FirstBufferVA, PUINT FirstBufferLength,
                                      PUINT TotalBufferLength, MM_PAGE_PRIORITY Priority)
{
	(void)Priority;
	NdisGetFirstBufferFromPacket(Packet, FirstBuffer, FirstBufferVA, FirstBufferLength,
	                             TotalBufferLength);
}

/* dmaviz: the NDIS 5.x subset a subordinate-DMA miniport sees, with the real names, types and
 * argument order. A driver includes only this header.
 *
 * What differs from Windows, on purpose:
 *  - Calls that touch the machine are macros that pass the caller's __FILE__ and __LINE__, so
 *    the visualizer can show the driver line behind every hardware event. (In the DDK,
 *    NdisMSetupDmaTransfer and NdisMCompleteDmaTransfer are macros too.)
 *  - Memory that DMA can reach (NdisAllocateMemory with NDIS_MEMORY_CONTIGUOUS, shared memory,
 *    buffers NDIS hands in) lives in the simulated PC. Its virtual addresses cannot be
 *    dereferenced: use NdisMoveMemory, NdisZeroMemory and NdisEqualMemory, which go through the
 *    simulated CPU and its cache. Memory from NdisAllocateMemoryWithTag is ordinary memory for
 *    the driver's own structures.
 */
#ifndef DV_NDIS_H
#define DV_NDIS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DV_NDIS_ABI_VERSION 1

typedef void VOID;
typedef void *PVOID;
typedef uint8_t UCHAR, *PUCHAR;
typedef uint8_t BOOLEAN, *PBOOLEAN;
typedef uint16_t USHORT, *PUSHORT;
typedef uint32_t ULONG, *PULONG;
typedef uint32_t UINT, *PUINT;
typedef int32_t LONG;
typedef uint8_t KIRQL;

#ifndef TRUE
#define TRUE 1
#define FALSE 0
#endif

typedef union _LARGE_INTEGER {
	struct {
		ULONG LowPart;
		LONG HighPart;
	} u;
	int64_t QuadPart;
} LARGE_INTEGER, PHYSICAL_ADDRESS, NDIS_PHYSICAL_ADDRESS, *PNDIS_PHYSICAL_ADDRESS;

typedef LONG NDIS_STATUS, *PNDIS_STATUS;
typedef PVOID NDIS_HANDLE, *PNDIS_HANDLE;

/* Status values as in ndis.h / ntstatus.h (facts §3.2). */
#define NDIS_STATUS_SUCCESS ((NDIS_STATUS)0x00000000)
#define NDIS_STATUS_PENDING ((NDIS_STATUS)0x00000103)
#define NDIS_STATUS_RESOURCES ((NDIS_STATUS)(int32_t)0xC000009Au)
#define NDIS_STATUS_FAILURE ((NDIS_STATUS)(int32_t)0xC0000001u)
#define NDIS_STATUS_RESOURCE_CONFLICT ((NDIS_STATUS)(int32_t)0xC001001Eu)
#define NDIS_STATUS_ADAPTER_NOT_FOUND ((NDIS_STATUS)(int32_t)0xC0010006u)
#define NDIS_STATUS_UNSUPPORTED_MEDIA ((NDIS_STATUS)(int32_t)0xC0010019u)

#define PASSIVE_LEVEL 0
#define DISPATCH_LEVEL 2

typedef enum _NDIS_MEDIUM { NdisMedium802_3 = 0, NdisMediumMax } NDIS_MEDIUM, *PNDIS_MEDIUM;
typedef enum _NDIS_INTERFACE_TYPE { Isa = 1 } NDIS_INTERFACE_TYPE;
typedef enum _NDIS_INTERRUPT_MODE {
	NdisInterruptLevelSensitive,
	NdisInterruptLatched
} NDIS_INTERRUPT_MODE;

/* ---- buffers and packets ------------------------------------------------------------- */

/* An NDIS_BUFFER is an MDL: one virtually contiguous range, and the physical page of each
 * 4 KiB virtual page it spans (facts §3.2). */
#define DV_MDL_MAX_PAGES 40
typedef struct _MDL {
	struct _MDL *Next;
	USHORT Size;
	USHORT MdlFlags;
	PVOID MappedSystemVa; /* StartVa + ByteOffset */
	PVOID StartVa;        /* page-aligned */
	ULONG ByteCount;
	ULONG ByteOffset; /* offset of the first byte inside the first page */
	ULONG PfnCount;
	ULONG Pfn[DV_MDL_MAX_PAGES]; /* physical page numbers */
} MDL, *PMDL, NDIS_BUFFER, *PNDIS_BUFFER;

typedef struct _NDIS_PACKET_PRIVATE {
	UINT PhysicalCount;
	UINT TotalLength;
	PNDIS_BUFFER Head;
	PNDIS_BUFFER Tail;
	NDIS_HANDLE Pool;
	UINT Count;
	ULONG Flags;
	BOOLEAN ValidCounts;
	NDIS_STATUS Status; /* NDIS_SET_PACKET_STATUS */
} NDIS_PACKET_PRIVATE;

typedef struct _NDIS_PACKET {
	NDIS_PACKET_PRIVATE Private;
	UCHAR MiniportReserved[16];
	UCHAR ProtocolReserved[16];
} NDIS_PACKET, *PNDIS_PACKET, **PPNDIS_PACKET;

#define NDIS_SET_PACKET_STATUS(_P, _S) ((_P)->Private.Status = (_S))
#define NDIS_GET_PACKET_STATUS(_P) ((_P)->Private.Status)
#define NDIS_SET_PACKET_HEADER_SIZE(_P, _S) ((void)(_P), (void)(_S))

/* ---- resources and DMA ---------------------------------------------------------------- */

typedef enum _DMA_WIDTH { Width8Bits, Width16Bits, Width32Bits, MaximumDmaWidth } DMA_WIDTH;
typedef enum _DMA_SPEED { Compatible, TypeA, TypeB, TypeC, TypeF, MaximumDmaSpeed } DMA_SPEED;

/* Zero it before filling it in; DmaPort refers to MCA and must be 0 (facts §3.2). */
typedef struct _NDIS_DMA_DESCRIPTION {
	BOOLEAN DemandMode;
	BOOLEAN AutoInitialize;
	BOOLEAN DmaChannelSpecified;
	DMA_WIDTH DmaWidth;
	DMA_SPEED DmaSpeed;
	ULONG DmaPort;
	ULONG DmaChannel;
} NDIS_DMA_DESCRIPTION, *PNDIS_DMA_DESCRIPTION;

typedef struct _KEVENT {
	LONG Signaled;
} KEVENT;

/* The object behind a MiniportDmaHandle, with the fields of current WDK headers. */
typedef struct _NDIS_DMA_BLOCK {
	PVOID MapRegisterBase;
	KEVENT AllocationEvent;
	PVOID SystemAdapterObject;
	PVOID Miniport;
	BOOLEAN InProgress;
} NDIS_DMA_BLOCK, *PNDIS_DMA_BLOCK;

#define CmResourceTypePort 1
#define CmResourceTypeInterrupt 2
#define CmResourceTypeDma 4

typedef struct _CM_PARTIAL_RESOURCE_DESCRIPTOR {
	UCHAR Type;
	UCHAR ShareDisposition;
	USHORT Flags;
	union {
		struct {
			PHYSICAL_ADDRESS Start;
			ULONG Length;
		} Port;
		struct {
			ULONG Level;
			ULONG Vector;
			ULONG Affinity;
		} Interrupt;
		struct {
			ULONG Channel;
			ULONG Port;
			ULONG Reserved1;
		} Dma;
	} u;
} CM_PARTIAL_RESOURCE_DESCRIPTOR, *PCM_PARTIAL_RESOURCE_DESCRIPTOR;

typedef struct _NDIS_RESOURCE_LIST {
	USHORT Version;
	USHORT Revision;
	ULONG Count;
	CM_PARTIAL_RESOURCE_DESCRIPTOR PartialDescriptors[4];
} NDIS_RESOURCE_LIST, *PNDIS_RESOURCE_LIST;

typedef struct _NDIS_MINIPORT_INTERRUPT {
	PVOID Reserved[4];
} NDIS_MINIPORT_INTERRUPT, *PNDIS_MINIPORT_INTERRUPT;

typedef struct _NDIS_SPIN_LOCK {
	ULONG Locked;
	KIRQL OldIrql;
} NDIS_SPIN_LOCK, *PNDIS_SPIN_LOCK;

/* Memory flags for NdisAllocateMemory. */
#define NDIS_MEMORY_CONTIGUOUS 0x00000001
#define NDIS_MEMORY_NONCACHED 0x00000002

/* ---- the miniport's entry points ------------------------------------------------------ */

typedef NDIS_STATUS (*W_INITIALIZE_HANDLER)(PNDIS_STATUS OpenErrorStatus, PUINT SelectedMediumIndex,
                                            PNDIS_MEDIUM MediumArray, UINT MediumArraySize,
                                            NDIS_HANDLE MiniportAdapterHandle,
                                            NDIS_HANDLE WrapperConfigurationContext);
typedef VOID (*W_HALT_HANDLER)(NDIS_HANDLE MiniportAdapterContext);
typedef NDIS_STATUS (*W_SEND_HANDLER)(NDIS_HANDLE MiniportAdapterContext, PNDIS_PACKET Packet,
                                      UINT Flags);
typedef VOID (*W_ISR_HANDLER)(PBOOLEAN InterruptRecognized, PBOOLEAN QueueMiniportHandleInterrupt,
                              NDIS_HANDLE MiniportAdapterContext);
typedef VOID (*W_HANDLE_INTERRUPT_HANDLER)(NDIS_HANDLE MiniportAdapterContext);
typedef VOID (*W_RETURN_PACKET_HANDLER)(NDIS_HANDLE MiniportAdapterContext, PNDIS_PACKET Packet);

typedef struct _NDIS_MINIPORT_CHARACTERISTICS {
	UCHAR MajorNdisVersion;
	UCHAR MinorNdisVersion;
	UINT Reserved;
	W_HALT_HANDLER HaltHandler;
	W_HANDLE_INTERRUPT_HANDLER HandleInterruptHandler;
	W_INITIALIZE_HANDLER InitializeHandler;
	W_ISR_HANDLER ISRHandler;
	W_SEND_HANDLER SendHandler;
	W_RETURN_PACKET_HANDLER ReturnPacketHandler;
} NDIS_MINIPORT_CHARACTERISTICS, *PNDIS_MINIPORT_CHARACTERISTICS;

/* ---- the calls (each *At function gets the caller's file and line from its macro) ----- */

VOID NdisMInitializeWrapperAt(PNDIS_HANDLE NdisWrapperHandle, PVOID SystemSpecific1,
                              PVOID SystemSpecific2, PVOID SystemSpecific3, const char *File,
                              int Line);
#define NdisMInitializeWrapper(_H, _S1, _S2, _S3)                                                  \
	NdisMInitializeWrapperAt(_H, _S1, _S2, _S3, __FILE__, __LINE__)

NDIS_STATUS NdisMRegisterMiniportAt(NDIS_HANDLE NdisWrapperHandle,
                                    PNDIS_MINIPORT_CHARACTERISTICS MiniportCharacteristics,
                                    UINT CharacteristicsLength, const char *File, int Line);
#define NdisMRegisterMiniport(_H, _C, _L) NdisMRegisterMiniportAt(_H, _C, _L, __FILE__, __LINE__)

VOID NdisMSetAttributesAt(NDIS_HANDLE MiniportAdapterHandle, NDIS_HANDLE MiniportAdapterContext,
                          BOOLEAN BusMaster, NDIS_INTERFACE_TYPE AdapterType, const char *File,
                          int Line);
#define NdisMSetAttributes(_H, _C, _B, _T) NdisMSetAttributesAt(_H, _C, _B, _T, __FILE__, __LINE__)

VOID NdisMQueryAdapterResourcesAt(PNDIS_STATUS Status, NDIS_HANDLE WrapperConfigurationContext,
                                  PNDIS_RESOURCE_LIST ResourceList, PUINT BufferSize,
                                  const char *File, int Line);
#define NdisMQueryAdapterResources(_S, _W, _R, _B)                                                 \
	NdisMQueryAdapterResourcesAt(_S, _W, _R, _B, __FILE__, __LINE__)

/* Configuration: the miniport's Parameters key. NdisOpenConfiguration takes the
 * WrapperConfigurationContext MiniportInitialize was given; NdisReadConfiguration looks a
 * keyword up (case-insensitively, as registry value names are) and returns a parameter NDIS
 * owns until NdisCloseConfiguration. The simulated key holds integers (REG_DWORD) that the host
 * sets: as in Windows 2000 and later, ParameterType is ignored and the value comes back as
 * NdisParameterInteger, so a driver checks ParameterValue->ParameterType before trusting it.
 * NDIS_STATUS_FAILURE: no such keyword. */
typedef uint16_t WCHAR, *PWSTR;
typedef struct _UNICODE_STRING {
	USHORT Length;        /* bytes, without a terminating 0 */
	USHORT MaximumLength; /* bytes */
	PWSTR Buffer;
} UNICODE_STRING, *PUNICODE_STRING, NDIS_STRING, *PNDIS_STRING;
#define NDIS_STRING_CONST(x)                                                                       \
	{                                                                                          \
		(USHORT)(sizeof(u##x) - sizeof(WCHAR)), (USHORT)sizeof(u##x), (PWSTR)u##x          \
	}

typedef enum _NDIS_PARAMETER_TYPE {
	NdisParameterInteger,
	NdisParameterHexInteger,
	NdisParameterString,
	NdisParameterMultiString,
	NdisParameterBinary
} NDIS_PARAMETER_TYPE;

typedef struct {
	USHORT Length;
	PVOID Buffer;
} BINARY_DATA;

typedef struct _NDIS_CONFIGURATION_PARAMETER {
	NDIS_PARAMETER_TYPE ParameterType;
	union {
		ULONG IntegerData;
		NDIS_STRING StringData;
		BINARY_DATA BinaryData;
	} ParameterData;
} NDIS_CONFIGURATION_PARAMETER, *PNDIS_CONFIGURATION_PARAMETER;

VOID NdisOpenConfiguration(PNDIS_STATUS Status, PNDIS_HANDLE ConfigurationHandle,
                           NDIS_HANDLE WrapperConfigurationContext);
VOID NdisReadConfiguration(PNDIS_STATUS Status, PNDIS_CONFIGURATION_PARAMETER *ParameterValue,
                           NDIS_HANDLE ConfigurationHandle, PNDIS_STRING Keyword,
                           NDIS_PARAMETER_TYPE ParameterType);
VOID NdisCloseConfiguration(NDIS_HANDLE ConfigurationHandle);

/* Port I/O (the real NdisRaw* macros take a port number). */
VOID NdisRawWritePortUcharAt(ULONG Port, UCHAR Data, const char *File, int Line);
VOID NdisRawReadPortUcharAt(ULONG Port, PUCHAR Data, const char *File, int Line);
#define NdisRawWritePortUchar(_P, _D) NdisRawWritePortUcharAt(_P, _D, __FILE__, __LINE__)
#define NdisRawReadPortUchar(_P, _D) NdisRawReadPortUcharAt(_P, _D, __FILE__, __LINE__)

NDIS_STATUS NdisMRegisterInterruptAt(PNDIS_MINIPORT_INTERRUPT Interrupt,
                                     NDIS_HANDLE MiniportAdapterHandle, UINT InterruptVector,
                                     UINT InterruptLevel, BOOLEAN RequestIsr,
                                     BOOLEAN SharedInterrupt, NDIS_INTERRUPT_MODE InterruptMode,
                                     const char *File, int Line);
#define NdisMRegisterInterrupt(_I, _H, _V, _L, _R, _S, _M)                                         \
	NdisMRegisterInterruptAt(_I, _H, _V, _L, _R, _S, _M, __FILE__, __LINE__)
VOID NdisMDeregisterInterruptAt(PNDIS_MINIPORT_INTERRUPT Interrupt, const char *File, int Line);
#define NdisMDeregisterInterrupt(_I) NdisMDeregisterInterruptAt(_I, __FILE__, __LINE__)

NDIS_STATUS NdisMRegisterDmaChannelAt(PNDIS_HANDLE MiniportDmaHandle,
                                      NDIS_HANDLE MiniportAdapterHandle, UINT DmaChannel,
                                      BOOLEAN Dma32BitAddresses,
                                      PNDIS_DMA_DESCRIPTION DmaDescription, ULONG MaximumLength,
                                      const char *File, int Line);
#define NdisMRegisterDmaChannel(_D, _H, _C, _A, _Desc, _M)                                         \
	NdisMRegisterDmaChannelAt(_D, _H, _C, _A, _Desc, _M, __FILE__, __LINE__)
VOID NdisMDeregisterDmaChannelAt(NDIS_HANDLE MiniportDmaHandle, const char *File, int Line);
#define NdisMDeregisterDmaChannel(_D) NdisMDeregisterDmaChannelAt(_D, __FILE__, __LINE__)

/* The two calls this tool is about. As in the DDK, NdisMSetupDmaTransfer expands to
 * NdisSetupDmaTransfer and NdisMCompleteDmaTransfer to NdisCompleteDmaTransfer; both write
 * their result through _S and return nothing. */
VOID NdisSetupDmaTransferAt(PNDIS_STATUS Status, NDIS_HANDLE MiniportDmaHandle, PNDIS_BUFFER Buffer,
                            ULONG Offset, ULONG Length, BOOLEAN WriteToDevice, const char *File,
                            int Line);
VOID NdisCompleteDmaTransferAt(PNDIS_STATUS Status, NDIS_HANDLE MiniportDmaHandle,
                               PNDIS_BUFFER Buffer, ULONG Offset, ULONG Length,
                               BOOLEAN WriteToDevice, const char *File, int Line);
#define NdisSetupDmaTransfer(_S, _H, _B, _O, _L, _M_)                                              \
	NdisSetupDmaTransferAt(_S, _H, _B, _O, _L, _M_, __FILE__, __LINE__)
#define NdisCompleteDmaTransfer(_S, _H, _B, _O, _L, _M_)                                           \
	NdisCompleteDmaTransferAt(_S, _H, _B, _O, _L, _M_, __FILE__, __LINE__)
#define NdisMSetupDmaTransfer(_S, _H, _B, _O, _L, _M_) NdisSetupDmaTransfer(_S, _H, _B, _O, _L, _M_)
#define NdisMCompleteDmaTransfer(_S, _H, _B, _O, _L, _M_)                                          \
	NdisCompleteDmaTransfer(_S, _H, _B, _O, _L, _M_)

ULONG NdisMReadDmaCounterAt(NDIS_HANDLE MiniportDmaHandle, const char *File, int Line);
#define NdisMReadDmaCounter(_D) NdisMReadDmaCounterAt(_D, __FILE__, __LINE__)

/* Memory. */
NDIS_STATUS NdisAllocateMemoryAt(PVOID *VirtualAddress, UINT Length, UINT MemoryFlags,
                                 NDIS_PHYSICAL_ADDRESS HighestAcceptableAddress, const char *File,
                                 int Line);
#define NdisAllocateMemory(_V, _L, _F, _H) NdisAllocateMemoryAt(_V, _L, _F, _H, __FILE__, __LINE__)
NDIS_STATUS NdisAllocateMemoryWithTagAt(PVOID *VirtualAddress, UINT Length, ULONG Tag,
                                        const char *File, int Line);
#define NdisAllocateMemoryWithTag(_V, _L, _T)                                                      \
	NdisAllocateMemoryWithTagAt(_V, _L, _T, __FILE__, __LINE__)
VOID NdisFreeMemoryAt(PVOID VirtualAddress, UINT Length, UINT MemoryFlags, const char *File,
                      int Line);
#define NdisFreeMemory(_V, _L, _F) NdisFreeMemoryAt(_V, _L, _F, __FILE__, __LINE__)
VOID NdisMAllocateSharedMemoryAt(NDIS_HANDLE MiniportAdapterHandle, ULONG Length, BOOLEAN Cached,
                                 PVOID *VirtualAddress, PNDIS_PHYSICAL_ADDRESS PhysicalAddress,
                                 const char *File, int Line);
#define NdisMAllocateSharedMemory(_H, _L, _C, _V, _P)                                              \
	NdisMAllocateSharedMemoryAt(_H, _L, _C, _V, _P, __FILE__, __LINE__)
VOID NdisMFreeSharedMemoryAt(NDIS_HANDLE MiniportAdapterHandle, ULONG Length, BOOLEAN Cached,
                             PVOID VirtualAddress, NDIS_PHYSICAL_ADDRESS PhysicalAddress,
                             const char *File, int Line);
#define NdisMFreeSharedMemory(_H, _L, _C, _V, _P)                                                  \
	NdisMFreeSharedMemoryAt(_H, _L, _C, _V, _P, __FILE__, __LINE__)

/* Copies go through the simulated CPU (and its cache) when either side is simulated memory. */
VOID NdisMoveMemoryAt(PVOID Destination, const void *Source, ULONG Length, const char *File,
                      int Line);
#define NdisMoveMemory(_D, _S, _L) NdisMoveMemoryAt(_D, _S, _L, __FILE__, __LINE__)
VOID NdisZeroMemoryAt(PVOID Destination, ULONG Length, const char *File, int Line);
#define NdisZeroMemory(_D, _L) NdisZeroMemoryAt(_D, _L, __FILE__, __LINE__)
ULONG NdisEqualMemoryAt(const void *Source1, const void *Source2, ULONG Length, const char *File,
                        int Line);
#define NdisEqualMemory(_A, _B, _L) NdisEqualMemoryAt(_A, _B, _L, __FILE__, __LINE__)

/* Buffer and packet descriptors. */
VOID NdisAllocateBufferPoolAt(PNDIS_STATUS Status, PNDIS_HANDLE PoolHandle,
                              UINT NumberOfDescriptors, const char *File, int Line);
#define NdisAllocateBufferPool(_S, _P, _N) NdisAllocateBufferPoolAt(_S, _P, _N, __FILE__, __LINE__)
VOID NdisFreeBufferPool(NDIS_HANDLE PoolHandle);
VOID NdisAllocateBufferAt(PNDIS_STATUS Status, PNDIS_BUFFER *Buffer, NDIS_HANDLE PoolHandle,
                          PVOID VirtualAddress, UINT Length, const char *File, int Line);
#define NdisAllocateBuffer(_S, _B, _P, _V, _L)                                                     \
	NdisAllocateBufferAt(_S, _B, _P, _V, _L, __FILE__, __LINE__)
VOID NdisFreeBuffer(PNDIS_BUFFER Buffer);
VOID NdisQueryBuffer(PNDIS_BUFFER Buffer, PVOID *VirtualAddress, PUINT Length);
VOID NdisQueryBufferOffset(PNDIS_BUFFER Buffer, PUINT Offset, PUINT Length);
VOID NdisGetNextBuffer(PNDIS_BUFFER CurrentBuffer, PNDIS_BUFFER *NextBuffer);
VOID NdisAdjustBufferLength(PNDIS_BUFFER Buffer, UINT Length);

VOID NdisAllocatePacketPoolAt(PNDIS_STATUS Status, PNDIS_HANDLE PoolHandle,
                              UINT NumberOfDescriptors, UINT ProtocolReservedLength,
                              const char *File, int Line);
#define NdisAllocatePacketPool(_S, _P, _N, _R)                                                     \
	NdisAllocatePacketPoolAt(_S, _P, _N, _R, __FILE__, __LINE__)
VOID NdisFreePacketPool(NDIS_HANDLE PoolHandle);
VOID NdisAllocatePacketAt(PNDIS_STATUS Status, PNDIS_PACKET *Packet, NDIS_HANDLE PoolHandle,
                          const char *File, int Line);
#define NdisAllocatePacket(_S, _P, _H) NdisAllocatePacketAt(_S, _P, _H, __FILE__, __LINE__)
VOID NdisFreePacket(PNDIS_PACKET Packet);
VOID NdisReinitializePacket(PNDIS_PACKET Packet);
VOID NdisChainBufferAtFront(PNDIS_PACKET Packet, PNDIS_BUFFER Buffer);
VOID NdisChainBufferAtBack(PNDIS_PACKET Packet, PNDIS_BUFFER Buffer);
VOID NdisUnchainBufferAtFront(PNDIS_PACKET Packet, PNDIS_BUFFER *Buffer);
/* Any of the out pointers may be NULL, as with the real macro. */
VOID NdisQueryPacket(PNDIS_PACKET Packet, PUINT PhysicalBufferCount, PUINT BufferCount,
                     PNDIS_BUFFER *FirstBuffer, PUINT TotalPacketLength);

VOID NdisMSendCompleteAt(NDIS_HANDLE MiniportAdapterHandle, PNDIS_PACKET Packet, NDIS_STATUS Status,
                         const char *File, int Line);
#define NdisMSendComplete(_H, _P, _S) NdisMSendCompleteAt(_H, _P, _S, __FILE__, __LINE__)
VOID NdisMIndicateReceivePacketAt(NDIS_HANDLE MiniportAdapterHandle, PPNDIS_PACKET ReceivePackets,
                                  UINT NumberOfPackets, const char *File, int Line);
#define NdisMIndicateReceivePacket(_H, _P, _N)                                                     \
	NdisMIndicateReceivePacketAt(_H, _P, _N, __FILE__, __LINE__)

/* Time and IRQL. NdisStallExecution lets the machine run: 1 us is 2 bus cycles here. */
VOID NdisStallExecutionAt(UINT MicrosecondsToStall, const char *File, int Line);
#define NdisStallExecution(_U) NdisStallExecutionAt(_U, __FILE__, __LINE__)
KIRQL KeGetCurrentIrql(void);
VOID NdisAllocateSpinLock(PNDIS_SPIN_LOCK SpinLock);
VOID NdisFreeSpinLock(PNDIS_SPIN_LOCK SpinLock);
VOID NdisAcquireSpinLock(PNDIS_SPIN_LOCK SpinLock);
VOID NdisReleaseSpinLock(PNDIS_SPIN_LOCK SpinLock);
VOID NdisDprAcquireSpinLock(PNDIS_SPIN_LOCK SpinLock);
VOID NdisDprReleaseSpinLock(PNDIS_SPIN_LOCK SpinLock);

/* A driver module (a built-in one or a learner's .so) exports this entry point, which calls
 * NdisMInitializeWrapper and NdisMRegisterMiniport. */
typedef NDIS_STATUS (*DV_DRIVER_ENTRY)(PVOID DriverObject, PVOID RegistryPath);

/* A learner's driver module (a .so loaded with `dmaviz check --driver FILE.so`) exports
 * DriverEntry and the ABI version it was built against. Write this once, at file scope:
 *     DV_DRIVER_EXPORT_ABI;
 * It also declares DriverEntry, so the driver's definition needs no prototype of its own. */
#if defined(__GNUC__)
#define DV_DRIVER_EXPORT_VISIBLE __attribute__((visibility("default")))
#else
#define DV_DRIVER_EXPORT_VISIBLE
#endif
#define DV_DRIVER_EXPORT_ABI                                                                       \
	DV_DRIVER_EXPORT_VISIBLE NDIS_STATUS DriverEntry(PVOID DriverObject, PVOID RegistryPath);  \
	extern DV_DRIVER_EXPORT_VISIBLE const int DvDriverAbiVersion;                              \
	DV_DRIVER_EXPORT_VISIBLE const int DvDriverAbiVersion = DV_NDIS_ABI_VERSION

#ifdef __cplusplus
}
#endif

#endif

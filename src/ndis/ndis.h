/* dmaviz: the NDIS 5.x subset an ISA miniport sees (subordinate DMA and programmed I/O), with the
 * real names, types, values and argument order of the DDK's ndis.h. A driver includes only this
 * header; it brings the base NT names (dvnt.h) with it, as the DDK's ndis.h brings ntddk.h's.
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
 *  - Time is the simulated PC's: timers, NdisStallExecution, NdisMSleep and
 *    NdisGetCurrentSystemTime count its bus cycles (2 a microsecond), not the host's clock.
 * docs/driver-sdk.md lists every name and what it does in the model.
 */
#ifndef DV_NDIS_H
#define DV_NDIS_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "dvnt.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The layout of what crosses between a driver and dmaviz; a driver built against another
 * version is refused (rebuild it). */
#define DV_NDIS_ABI_VERSION 2

/* The version a miniport registers (NDIS_MINIPORT_CHARACTERISTICS): a driver's build defines
 * NDIS50_MINIPORT or NDIS51_MINIPORT, with a value or none, as the DDK's test them (defined,
 * not true); NDIS 5.0 when it defines neither (the DDK leaves the version undefined then). */
#ifdef NDIS51_MINIPORT
#define NDIS_MINIPORT_MAJOR_VERSION 5
#define NDIS_MINIPORT_MINOR_VERSION 1
#else
#define NDIS_MINIPORT_MAJOR_VERSION 5
#define NDIS_MINIPORT_MINOR_VERSION 0
#endif

typedef PHYSICAL_ADDRESS NDIS_PHYSICAL_ADDRESS, *PNDIS_PHYSICAL_ADDRESS;
typedef LONG NDIS_STATUS, *PNDIS_STATUS;
typedef PVOID NDIS_HANDLE, *PNDIS_HANDLE;
typedef ULONG NDIS_OID, *PNDIS_OID;
typedef UNICODE_STRING NDIS_STRING, *PNDIS_STRING;
typedef ANSI_STRING NDIS_ANSI_STRING, *PNDIS_ANSI_STRING;

#define NdisGetPhysicalAddressLow(_PhysicalAddress) ((_PhysicalAddress).LowPart)
#define NdisGetPhysicalAddressHigh(_PhysicalAddress) ((_PhysicalAddress).HighPart)
#define NdisSetPhysicalAddressLow(_PhysicalAddress, _Value) ((_PhysicalAddress).LowPart = (_Value))
#define NdisSetPhysicalAddressHigh(_PhysicalAddress, _Value)                                       \
	((_PhysicalAddress).HighPart = (_Value))
#define NDIS_PHYSICAL_ADDRESS_CONST(_Low, _High)                                                   \
	{                                                                                          \
		{                                                                                  \
			(ULONG)(_Low), (LONG)(_High)                                               \
		}                                                                                  \
	}

/* Status values as in ndis.h / ntstatus.h (facts §3.2). */
#define NDIS_STATUS_SUCCESS ((NDIS_STATUS)STATUS_SUCCESS)
#define NDIS_STATUS_PENDING ((NDIS_STATUS)STATUS_PENDING)
#define NDIS_STATUS_NOT_RECOGNIZED ((NDIS_STATUS)0x00010001)
#define NDIS_STATUS_NOT_COPIED ((NDIS_STATUS)0x00010002)
#define NDIS_STATUS_NOT_ACCEPTED ((NDIS_STATUS)0x00010003)
#define NDIS_STATUS_CALL_ACTIVE ((NDIS_STATUS)0x00010007)
#define NDIS_STATUS_ONLINE ((NDIS_STATUS)0x40010003)
#define NDIS_STATUS_RESET_START ((NDIS_STATUS)0x40010004)
#define NDIS_STATUS_RESET_END ((NDIS_STATUS)0x40010005)
#define NDIS_STATUS_RING_STATUS ((NDIS_STATUS)0x40010006)
#define NDIS_STATUS_CLOSED ((NDIS_STATUS)0x40010007)
#define NDIS_STATUS_MEDIA_CONNECT ((NDIS_STATUS)0x4001000B)
#define NDIS_STATUS_MEDIA_DISCONNECT ((NDIS_STATUS)0x4001000C)
#define NDIS_STATUS_MEDIA_BUSY ((NDIS_STATUS)0x40010011)
#define NDIS_STATUS_MEDIA_SPECIFIC_INDICATION ((NDIS_STATUS)0x40010012)
#define NDIS_STATUS_LINK_SPEED_CHANGE ((NDIS_STATUS)0x40010013)
#define NDIS_STATUS_NOT_RESETTABLE ((NDIS_STATUS)(int32_t)0x80010001u)
#define NDIS_STATUS_SOFT_ERRORS ((NDIS_STATUS)(int32_t)0x80010003u)
#define NDIS_STATUS_HARD_ERRORS ((NDIS_STATUS)(int32_t)0x80010004u)
#define NDIS_STATUS_BUFFER_OVERFLOW ((NDIS_STATUS)STATUS_BUFFER_OVERFLOW)
#define NDIS_STATUS_FAILURE ((NDIS_STATUS)STATUS_UNSUCCESSFUL)
#define NDIS_STATUS_RESOURCES ((NDIS_STATUS)STATUS_INSUFFICIENT_RESOURCES)
#define NDIS_STATUS_NOT_SUPPORTED ((NDIS_STATUS)STATUS_NOT_SUPPORTED)
#define NDIS_STATUS_INVALID_PARAMETER ((NDIS_STATUS)STATUS_INVALID_PARAMETER)
#define NDIS_STATUS_CLOSING ((NDIS_STATUS)(int32_t)0xC0010002u)
#define NDIS_STATUS_BAD_VERSION ((NDIS_STATUS)(int32_t)0xC0010004u)
#define NDIS_STATUS_BAD_CHARACTERISTICS ((NDIS_STATUS)(int32_t)0xC0010005u)
#define NDIS_STATUS_ADAPTER_NOT_FOUND ((NDIS_STATUS)(int32_t)0xC0010006u)
#define NDIS_STATUS_OPEN_FAILED ((NDIS_STATUS)(int32_t)0xC0010007u)
#define NDIS_STATUS_DEVICE_FAILED ((NDIS_STATUS)(int32_t)0xC0010008u)
#define NDIS_STATUS_MULTICAST_FULL ((NDIS_STATUS)(int32_t)0xC0010009u)
#define NDIS_STATUS_MULTICAST_EXISTS ((NDIS_STATUS)(int32_t)0xC001000Au)
#define NDIS_STATUS_MULTICAST_NOT_FOUND ((NDIS_STATUS)(int32_t)0xC001000Bu)
#define NDIS_STATUS_REQUEST_ABORTED ((NDIS_STATUS)(int32_t)0xC001000Cu)
#define NDIS_STATUS_RESET_IN_PROGRESS ((NDIS_STATUS)(int32_t)0xC001000Du)
#define NDIS_STATUS_INVALID_PACKET ((NDIS_STATUS)(int32_t)0xC001000Fu)
#define NDIS_STATUS_ADAPTER_NOT_READY ((NDIS_STATUS)(int32_t)0xC0010011u)
#define NDIS_STATUS_INVALID_LENGTH ((NDIS_STATUS)(int32_t)0xC0010014u)
#define NDIS_STATUS_INVALID_DATA ((NDIS_STATUS)(int32_t)0xC0010015u)
#define NDIS_STATUS_BUFFER_TOO_SHORT ((NDIS_STATUS)(int32_t)0xC0010016u)
#define NDIS_STATUS_INVALID_OID ((NDIS_STATUS)(int32_t)0xC0010017u)
#define NDIS_STATUS_ADAPTER_REMOVED ((NDIS_STATUS)(int32_t)0xC0010018u)
#define NDIS_STATUS_UNSUPPORTED_MEDIA ((NDIS_STATUS)(int32_t)0xC0010019u)
#define NDIS_STATUS_RESOURCE_CONFLICT ((NDIS_STATUS)(int32_t)0xC001001Eu)
#define NDIS_STATUS_NO_CABLE ((NDIS_STATUS)(int32_t)0xC001001Fu)

/* Error-log codes (NdisWriteErrorLogEntry): the EVENT_NDIS_* message numbers of netevent.h. */
typedef ULONG NDIS_ERROR_CODE, *PNDIS_ERROR_CODE;
#define NDIS_ERROR_CODE_RESOURCE_CONFLICT 0xC0001388u
#define NDIS_ERROR_CODE_OUT_OF_RESOURCES 0xC0001389u
#define NDIS_ERROR_CODE_HARDWARE_FAILURE 0xC000138Au
#define NDIS_ERROR_CODE_ADAPTER_NOT_FOUND 0xC000138Bu
#define NDIS_ERROR_CODE_INTERRUPT_CONNECT 0xC000138Cu
#define NDIS_ERROR_CODE_DRIVER_FAILURE 0xC000138Du
#define NDIS_ERROR_CODE_BAD_VERSION 0xC000138Eu
#define NDIS_ERROR_CODE_TIMEOUT 0x8000138Fu
#define NDIS_ERROR_CODE_NETWORK_ADDRESS 0xC0001390u
#define NDIS_ERROR_CODE_UNSUPPORTED_CONFIGURATION 0xC0001391u
#define NDIS_ERROR_CODE_INVALID_VALUE_FROM_ADAPTER 0xC0001392u
#define NDIS_ERROR_CODE_MISSING_CONFIGURATION_PARAMETER 0xC0001393u
#define NDIS_ERROR_CODE_BAD_IO_BASE_ADDRESS 0xC0001394u
#define NDIS_ERROR_CODE_RECEIVE_SPACE_SMALL 0x40001395u
#define NDIS_ERROR_CODE_ADAPTER_DISABLED 0x80001396u

typedef enum _NDIS_MEDIUM {
	NdisMedium802_3,
	NdisMedium802_5,
	NdisMediumFddi,
	NdisMediumWan,
	NdisMediumLocalTalk,
	NdisMediumDix,
	NdisMediumArcnetRaw,
	NdisMediumArcnet878_2,
	NdisMediumAtm,
	NdisMediumWirelessWan,
	NdisMediumIrda,
	NdisMediumBpc,
	NdisMediumCoWan,
	NdisMedium1394,
	NdisMediumMax
} NDIS_MEDIUM,
        *PNDIS_MEDIUM;

/* The bus types of the HAL (INTERFACE_TYPE) and NDIS's names for them. */
typedef enum _INTERFACE_TYPE {
	InterfaceTypeUndefined = -1,
	Internal,
	Isa,
	Eisa,
	MicroChannel,
	TurboChannel,
	PCIBus,
	VMEBus,
	NuBus,
	PCMCIABus,
	CBus,
	MPIBus,
	MPSABus,
	ProcessorInternal,
	InternalPowerBus,
	PNPISABus,
	PNPBus,
	MaximumInterfaceType
} INTERFACE_TYPE,
        *PINTERFACE_TYPE;

typedef enum _NDIS_INTERFACE_TYPE {
	NdisInterfaceInternal = Internal,
	NdisInterfaceIsa = Isa,
	NdisInterfaceEisa = Eisa,
	NdisInterfaceMca = MicroChannel,
	NdisInterfaceTurboChannel = TurboChannel,
	NdisInterfacePci = PCIBus,
	NdisInterfacePcMcia = PCMCIABus,
	NdisInterfaceCBus = CBus,
	NdisInterfaceMPIBus = MPIBus,
	NdisInterfaceMPSABus = MPSABus,
	NdisInterfaceProcessorInternal = ProcessorInternal,
	NdisInterfaceInternalPowerBus = InternalPowerBus,
	NdisInterfacePNPISABus = PNPISABus,
	NdisInterfacePNPBus = PNPBus,
	NdisMaximumInterfaceType
} NDIS_INTERFACE_TYPE,
        *PNDIS_INTERFACE_TYPE;

typedef enum _NDIS_INTERRUPT_MODE {
	NdisInterruptLevelSensitive,
	NdisInterruptLatched
} NDIS_INTERRUPT_MODE;

/* The page priority of the ...Safe calls: every simulated page is mapped, so all three succeed. */
typedef enum _MM_PAGE_PRIORITY {
	LowPagePriority,
	NormalPagePriority = 16,
	HighPagePriority = 32
} MM_PAGE_PRIORITY;

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

/* The out-of-band data NDIS keeps with every packet it makes (NDIS_OOB_DATA_FROM_PACKET). */
typedef struct _NDIS_PACKET_OOB_DATA {
	union {
		ULONGLONG TimeToSend;
		ULONGLONG TimeSent;
	};
	ULONGLONG TimeReceived;
	UINT HeaderSize;
	UINT SizeMediaSpecificInfo;
	PVOID MediaSpecificInformation;
} NDIS_PACKET_OOB_DATA, *PNDIS_PACKET_OOB_DATA;

typedef enum _NDIS_PER_PACKET_INFO {
	TcpIpChecksumPacketInfo,
	IpSecPacketInfo,
	TcpLargeSendPacketInfo,
	ClassificationHandlePacketInfo,
	NdisReserved,
	ScatterGatherListPacketInfo,
	Ieee8021QInfo,
	OriginalPacketInfo,
	PacketCancelId,
	MaxPerPacketInfo
} NDIS_PER_PACKET_INFO,
        *PNDIS_PER_PACKET_INFO;

typedef struct _NDIS_PACKET_EXTENSION {
	PVOID NdisPacketInfo[MaxPerPacketInfo];
} NDIS_PACKET_EXTENSION, *PNDIS_PACKET_EXTENSION;

/* Media-specific out-of-band information: IrDA's is NDIS_IRDA_PACKET_INFO (ExtraBOFs and the
 * minimum turnaround time in microseconds), which a protocol attaches to a packet it sends. */
typedef enum _NDIS_CLASS_ID {
	NdisClass802_3Priority,
	NdisClassWirelessWanMbxMailbox,
	NdisClassIrdaPacketInfo,
	NdisClassAtmAALInfo
} NDIS_CLASS_ID;

typedef struct _MEDIA_SPECIFIC_INFORMATION {
	UINT NextEntryOffset;
	NDIS_CLASS_ID ClassId;
	UINT Size;
	UCHAR ClassInformation[1];
} MEDIA_SPECIFIC_INFORMATION, *PMEDIA_SPECIFIC_INFORMATION;

typedef struct _NDIS_IRDA_PACKET_INFO {
	ULONG ExtraBOFs;
	ULONG MinTurnAroundTime;
} NDIS_IRDA_PACKET_INFO, *PNDIS_IRDA_PACKET_INFO;

/* NDIS places the out-of-band data and the per-packet information after the descriptor; here
 * they are members of it, so the macros below need no offset a driver could corrupt. */
typedef struct _NDIS_PACKET {
	NDIS_PACKET_PRIVATE Private;
	UCHAR MiniportReserved[16];
	UCHAR ProtocolReserved[16];
	NDIS_PACKET_OOB_DATA DvOob;
	NDIS_PACKET_EXTENSION DvExtension;
} NDIS_PACKET, *PNDIS_PACKET, **PPNDIS_PACKET;

#define NDIS_SET_PACKET_STATUS(_P, _S) ((_P)->Private.Status = (_S))
#define NDIS_GET_PACKET_STATUS(_P) ((_P)->Private.Status)
#define NDIS_OOB_DATA_FROM_PACKET(_P) (&(_P)->DvOob)
#define NDIS_PACKET_EXTENSION_FROM_PACKET(_P) (&(_P)->DvExtension)
#define NDIS_PER_PACKET_INFO_FROM_PACKET(_P, _Id) ((_P)->DvExtension.NdisPacketInfo[(_Id)])
#define NDIS_SET_PACKET_HEADER_SIZE(_P, _S) ((_P)->DvOob.HeaderSize = (_S))
#define NDIS_GET_PACKET_HEADER_SIZE(_P) ((_P)->DvOob.HeaderSize)
#define NDIS_SET_PACKET_TIME_TO_SEND(_P, _T) ((_P)->DvOob.TimeToSend = (_T))
#define NDIS_GET_PACKET_TIME_SENT(_P) ((_P)->DvOob.TimeSent)
#define NDIS_SET_PACKET_TIME_RECEIVED(_P, _T) ((_P)->DvOob.TimeReceived = (_T))
/* The pointer is stored through memcpy so that any pointer type may receive it, in C and in
 * C++ alike (the DDK's macro assigns a PVOID). */
#define NDIS_GET_PACKET_MEDIA_SPECIFIC_INFO(_P, _pInfo, _pSize)                                    \
	do {                                                                                       \
		PVOID dv_info_ = (_P)->DvOob.MediaSpecificInformation;                             \
		__builtin_memcpy((_pInfo), &dv_info_, sizeof dv_info_);                            \
		*(_pSize) = (_P)->DvOob.SizeMediaSpecificInfo;                                     \
	} while (0)
#define NDIS_SET_PACKET_MEDIA_SPECIFIC_INFO(_P, _Info, _Size)                                      \
	do {                                                                                       \
		(_P)->DvOob.MediaSpecificInformation = (PVOID)(_Info);                             \
		(_P)->DvOob.SizeMediaSpecificInfo = (_Size);                                       \
	} while (0)

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
#define CmResourceTypeMemory 3
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

/* ---- timers ---------------------------------------------------------------------------- */

/* A timer function runs as a DPC at DISPATCH_LEVEL once its time has come on the simulated
 * PC's clock; NDIS passes its FunctionContext, the SystemSpecific arguments are NULL. */
typedef VOID (*PNDIS_TIMER_FUNCTION)(PVOID SystemSpecific1, PVOID FunctionContext,
                                     PVOID SystemSpecific2, PVOID SystemSpecific3);

/* The kernel's timer and DPC objects: NDIS keeps its number for the timer in DvTimerId. */
typedef struct _KTIMER {
	ULONG DvTimerId;
	ULONG Reserved;
} KTIMER, *PKTIMER;
typedef struct _KDPC {
	PVOID Reserved[2];
} KDPC, *PKDPC;

typedef struct _NDIS_MINIPORT_TIMER {
	KTIMER Timer;
	KDPC Dpc;
	PNDIS_TIMER_FUNCTION MiniportTimerFunction;
	PVOID MiniportTimerContext;
	PVOID Miniport;
	struct _NDIS_MINIPORT_TIMER *NextDeferredTimer;
} NDIS_MINIPORT_TIMER, *PNDIS_MINIPORT_TIMER;

typedef struct _NDIS_TIMER {
	KTIMER Timer;
	KDPC Dpc;
} NDIS_TIMER, *PNDIS_TIMER;

/* NdisMSetAttributesEx's AttributeFlags. */
#define NDIS_ATTRIBUTE_IGNORE_PACKET_TIMEOUT 0x00000001
#define NDIS_ATTRIBUTE_IGNORE_REQUEST_TIMEOUT 0x00000002
#define NDIS_ATTRIBUTE_IGNORE_TOKEN_RING_ERRORS 0x00000004
#define NDIS_ATTRIBUTE_BUS_MASTER 0x00000008
#define NDIS_ATTRIBUTE_INTERMEDIATE_DRIVER 0x00000010
#define NDIS_ATTRIBUTE_DESERIALIZE 0x00000020
#define NDIS_ATTRIBUTE_NO_HALT_ON_SUSPEND 0x00000040
#define NDIS_ATTRIBUTE_SURPRISE_REMOVE_OK 0x00000080
#define NDIS_ATTRIBUTE_NOT_CO_NDIS 0x00000100
#define NDIS_ATTRIBUTE_USES_SAFE_BUFFER_APIS 0x00000200

/* ---- object identifiers (ntddndis.h): the general ones and IrDA's -------------------------
 * The model's protocol queries none (no MiniportQueryInformation call): a driver's handler
 * compiles and is kept. */
#define OID_GEN_SUPPORTED_LIST 0x00010101
#define OID_GEN_HARDWARE_STATUS 0x00010102
#define OID_GEN_MEDIA_SUPPORTED 0x00010103
#define OID_GEN_MEDIA_IN_USE 0x00010104
#define OID_GEN_MAXIMUM_LOOKAHEAD 0x00010105
#define OID_GEN_MAXIMUM_FRAME_SIZE 0x00010106
#define OID_GEN_LINK_SPEED 0x00010107
#define OID_GEN_TRANSMIT_BUFFER_SPACE 0x00010108
#define OID_GEN_RECEIVE_BUFFER_SPACE 0x00010109
#define OID_GEN_TRANSMIT_BLOCK_SIZE 0x0001010A
#define OID_GEN_RECEIVE_BLOCK_SIZE 0x0001010B
#define OID_GEN_VENDOR_ID 0x0001010C
#define OID_GEN_VENDOR_DESCRIPTION 0x0001010D
#define OID_GEN_CURRENT_PACKET_FILTER 0x0001010E
#define OID_GEN_CURRENT_LOOKAHEAD 0x0001010F
#define OID_GEN_DRIVER_VERSION 0x00010110
#define OID_GEN_MAXIMUM_TOTAL_SIZE 0x00010111
#define OID_GEN_MAC_OPTIONS 0x00010113
#define OID_GEN_MEDIA_CONNECT_STATUS 0x00010114
#define OID_GEN_MAXIMUM_SEND_PACKETS 0x00010115
#define OID_GEN_XMIT_OK 0x00020101
#define OID_GEN_RCV_OK 0x00020102
#define OID_GEN_XMIT_ERROR 0x00020103
#define OID_GEN_RCV_ERROR 0x00020104
#define OID_GEN_RCV_NO_BUFFER 0x00020105
#define OID_IRDA_RECEIVING 0x0A010100
#define OID_IRDA_TURNAROUND_TIME 0x0A010101
#define OID_IRDA_SUPPORTED_SPEEDS 0x0A010102
#define OID_IRDA_LINK_SPEED 0x0A010103
#define OID_IRDA_MEDIA_BUSY 0x0A010104

typedef enum _NDIS_HARDWARE_STATUS {
	NdisHardwareStatusReady,
	NdisHardwareStatusInitializing,
	NdisHardwareStatusReset,
	NdisHardwareStatusClosing,
	NdisHardwareStatusNotReady
} NDIS_HARDWARE_STATUS,
        *PNDIS_HARDWARE_STATUS;

typedef enum _NDIS_MEDIA_STATE {
	NdisMediaStateConnected,
	NdisMediaStateDisconnected
} NDIS_MEDIA_STATE,
        *PNDIS_MEDIA_STATE;

/* ---- the miniport's entry points ------------------------------------------------------ */

typedef BOOLEAN (*W_CHECK_FOR_HANG_HANDLER)(NDIS_HANDLE MiniportAdapterContext);
typedef VOID (*W_DISABLE_INTERRUPT_HANDLER)(NDIS_HANDLE MiniportAdapterContext);
typedef VOID (*W_ENABLE_INTERRUPT_HANDLER)(NDIS_HANDLE MiniportAdapterContext);
typedef VOID (*W_HALT_HANDLER)(NDIS_HANDLE MiniportAdapterContext);
typedef VOID (*W_HANDLE_INTERRUPT_HANDLER)(NDIS_HANDLE MiniportAdapterContext);
typedef NDIS_STATUS (*W_INITIALIZE_HANDLER)(PNDIS_STATUS OpenErrorStatus, PUINT SelectedMediumIndex,
                                            PNDIS_MEDIUM MediumArray, UINT MediumArraySize,
                                            NDIS_HANDLE MiniportAdapterHandle,
                                            NDIS_HANDLE WrapperConfigurationContext);
typedef VOID (*W_ISR_HANDLER)(PBOOLEAN InterruptRecognized, PBOOLEAN QueueMiniportHandleInterrupt,
                              NDIS_HANDLE MiniportAdapterContext);
typedef NDIS_STATUS (*W_QUERY_INFORMATION_HANDLER)(NDIS_HANDLE MiniportAdapterContext, NDIS_OID Oid,
                                                   PVOID InformationBuffer,
                                                   ULONG InformationBufferLength,
                                                   PULONG BytesWritten, PULONG BytesNeeded);
typedef NDIS_STATUS (*W_RECONFIGURE_HANDLER)(PNDIS_STATUS OpenErrorStatus,
                                             NDIS_HANDLE MiniportAdapterContext,
                                             NDIS_HANDLE WrapperConfigurationContext);
typedef NDIS_STATUS (*W_RESET_HANDLER)(PBOOLEAN AddressingReset,
                                       NDIS_HANDLE MiniportAdapterContext);
typedef NDIS_STATUS (*W_SEND_HANDLER)(NDIS_HANDLE MiniportAdapterContext, PNDIS_PACKET Packet,
                                      UINT Flags);
typedef NDIS_STATUS (*W_SET_INFORMATION_HANDLER)(NDIS_HANDLE MiniportAdapterContext, NDIS_OID Oid,
                                                 PVOID InformationBuffer,
                                                 ULONG InformationBufferLength, PULONG BytesRead,
                                                 PULONG BytesNeeded);
typedef NDIS_STATUS (*W_TRANSFER_DATA_HANDLER)(PNDIS_PACKET Packet, PUINT BytesTransferred,
                                               NDIS_HANDLE MiniportAdapterContext,
                                               NDIS_HANDLE MiniportReceiveContext, UINT ByteOffset,
                                               UINT BytesToTransfer);
typedef VOID (*W_RETURN_PACKET_HANDLER)(NDIS_HANDLE MiniportAdapterContext, PNDIS_PACKET Packet);
typedef VOID (*W_SEND_PACKETS_HANDLER)(NDIS_HANDLE MiniportAdapterContext,
                                       PPNDIS_PACKET PacketArray, UINT NumberOfPackets);
typedef VOID (*W_ALLOCATE_COMPLETE_HANDLER)(NDIS_HANDLE MiniportAdapterContext,
                                            PVOID VirtualAddress,
                                            PNDIS_PHYSICAL_ADDRESS PhysicalAddress, ULONG Length,
                                            PVOID Context);
/* Connection-oriented miniports only (their parameter structures are not part of this SDK). */
typedef NDIS_STATUS (*W_CO_CREATE_VC_HANDLER)(NDIS_HANDLE MiniportAdapterContext,
                                              NDIS_HANDLE NdisVcHandle,
                                              PNDIS_HANDLE MiniportVcContext);
typedef NDIS_STATUS (*W_CO_DELETE_VC_HANDLER)(NDIS_HANDLE MiniportVcContext);
typedef NDIS_STATUS (*W_CO_ACTIVATE_VC_HANDLER)(NDIS_HANDLE MiniportVcContext,
                                                PVOID CallParameters);
typedef NDIS_STATUS (*W_CO_DEACTIVATE_VC_HANDLER)(NDIS_HANDLE MiniportVcContext);
typedef VOID (*W_CO_SEND_PACKETS_HANDLER)(NDIS_HANDLE MiniportVcContext, PPNDIS_PACKET PacketArray,
                                          UINT NumberOfPackets);
typedef NDIS_STATUS (*W_CO_REQUEST_HANDLER)(NDIS_HANDLE MiniportAdapterContext,
                                            NDIS_HANDLE MiniportVcContext, PVOID NdisRequest);
/* MiniportSynchronizeISR, the function NdisMSynchronizeWithInterrupt runs at DIRQL. */
typedef BOOLEAN (*W_SYNCHRONIZE_INTERRUPT_HANDLER)(PVOID SynchronizeContext);

#ifdef NDIS51_MINIPORT
/* NDIS 5.1's three handlers (kept, never called: the model has no send cancelling, Plug and
 * Play events or shutdown). */
typedef enum _NDIS_DEVICE_PNP_EVENT {
	NdisDevicePnPEventQueryRemoved,
	NdisDevicePnPEventRemoved,
	NdisDevicePnPEventSurpriseRemoved,
	NdisDevicePnPEventQueryStopped,
	NdisDevicePnPEventStopped,
	NdisDevicePnPEventPowerProfileChanged,
	NdisDevicePnPEventMaximum
} NDIS_DEVICE_PNP_EVENT,
        *PNDIS_DEVICE_PNP_EVENT;
typedef VOID (*W_CANCEL_SEND_PACKETS_HANDLER)(NDIS_HANDLE MiniportAdapterContext, PVOID CancelId);
typedef VOID (*W_PNP_EVENT_NOTIFY_HANDLER)(NDIS_HANDLE MiniportAdapterContext,
                                           NDIS_DEVICE_PNP_EVENT DevicePnPEvent,
                                           PVOID InformationBuffer, ULONG InformationBufferLength);
typedef VOID (*W_MINIPORT_SHUTDOWN_HANDLER)(NDIS_HANDLE MiniportAdapterContext);
#endif

/* The NDIS 5.0 layout (the 3.0 handlers, then 4.0's, then 5.0's; with NDIS51_MINIPORT 5.1's
 * at the end, as the DDK's). dmaviz calls Initialize, Halt, Send, ISR, HandleInterrupt and
 * ReturnPacket; QueryInformation and SetInformation for a lesson's requests; CheckForHang on
 * its timer and Reset after it (docs/driver-sdk.md). The others are kept, not called. */
typedef struct _NDIS_MINIPORT_CHARACTERISTICS {
	UCHAR MajorNdisVersion;
	UCHAR MinorNdisVersion;
	UINT Reserved;
	W_CHECK_FOR_HANG_HANDLER CheckForHangHandler;
	W_DISABLE_INTERRUPT_HANDLER DisableInterruptHandler;
	W_ENABLE_INTERRUPT_HANDLER EnableInterruptHandler;
	W_HALT_HANDLER HaltHandler;
	W_HANDLE_INTERRUPT_HANDLER HandleInterruptHandler;
	W_INITIALIZE_HANDLER InitializeHandler;
	W_ISR_HANDLER ISRHandler;
	W_QUERY_INFORMATION_HANDLER QueryInformationHandler;
	W_RECONFIGURE_HANDLER ReconfigureHandler;
	W_RESET_HANDLER ResetHandler;
	W_SEND_HANDLER SendHandler;
	W_SET_INFORMATION_HANDLER SetInformationHandler;
	W_TRANSFER_DATA_HANDLER TransferDataHandler;
	W_RETURN_PACKET_HANDLER ReturnPacketHandler;
	W_SEND_PACKETS_HANDLER SendPacketsHandler;
	W_ALLOCATE_COMPLETE_HANDLER AllocateCompleteHandler;
	W_CO_CREATE_VC_HANDLER CoCreateVcHandler;
	W_CO_DELETE_VC_HANDLER CoDeleteVcHandler;
	W_CO_ACTIVATE_VC_HANDLER CoActivateVcHandler;
	W_CO_DEACTIVATE_VC_HANDLER CoDeactivateVcHandler;
	W_CO_SEND_PACKETS_HANDLER CoSendPacketsHandler;
	W_CO_REQUEST_HANDLER CoRequestHandler;
#ifdef NDIS51_MINIPORT
	W_CANCEL_SEND_PACKETS_HANDLER CancelSendPacketsHandler;
	W_PNP_EVENT_NOTIFY_HANDLER PnPEventNotifyHandler;
	W_MINIPORT_SHUTDOWN_HANDLER AdapterShutdownHandler;
	PVOID Reserved1;
	PVOID Reserved2;
	PVOID Reserved3;
	PVOID Reserved4;
#endif
} NDIS_MINIPORT_CHARACTERISTICS, *PNDIS_MINIPORT_CHARACTERISTICS;
#ifdef NDIS51_MINIPORT
typedef NDIS_MINIPORT_CHARACTERISTICS NDIS51_MINIPORT_CHARACTERISTICS;
#else
typedef NDIS_MINIPORT_CHARACTERISTICS NDIS50_MINIPORT_CHARACTERISTICS;
#endif

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

/* Port I/O: the port a number or a PortOffset from NdisMRegisterIoPortRange, as the DDK's
 * macros take either. */
VOID NdisRawWritePortUcharAt(ULONG Port, UCHAR Data, const char *File, int Line);
VOID NdisRawReadPortUcharAt(ULONG Port, PUCHAR Data, const char *File, int Line);
#define NdisRawWritePortUchar(_P, _D)                                                              \
	NdisRawWritePortUcharAt((ULONG)(ULONG_PTR)(_P), _D, __FILE__, __LINE__)
#define NdisRawReadPortUchar(_P, _D)                                                               \
	NdisRawReadPortUcharAt((ULONG)(ULONG_PTR)(_P), _D, __FILE__, __LINE__)

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
/* Spin locks: NdisAcquireSpinLock raises to DISPATCH_LEVEL and NdisReleaseSpinLock restores
 * the IRQL it saved; the Dpr forms are for code already at DISPATCH_LEVEL. The verifier's
 * spin-lock rule watches the pairing and the IRQL (docs/driver-sdk.md). */
VOID NdisAllocateSpinLock(PNDIS_SPIN_LOCK SpinLock);
VOID NdisFreeSpinLock(PNDIS_SPIN_LOCK SpinLock);
VOID NdisAcquireSpinLockAt(PNDIS_SPIN_LOCK SpinLock, const char *File, int Line);
VOID NdisReleaseSpinLockAt(PNDIS_SPIN_LOCK SpinLock, const char *File, int Line);
VOID NdisDprAcquireSpinLockAt(PNDIS_SPIN_LOCK SpinLock, const char *File, int Line);
VOID NdisDprReleaseSpinLockAt(PNDIS_SPIN_LOCK SpinLock, const char *File, int Line);
#define NdisAcquireSpinLock(_L) NdisAcquireSpinLockAt(_L, __FILE__, __LINE__)
#define NdisReleaseSpinLock(_L) NdisReleaseSpinLockAt(_L, __FILE__, __LINE__)
#define NdisDprAcquireSpinLock(_L) NdisDprAcquireSpinLockAt(_L, __FILE__, __LINE__)
#define NdisDprReleaseSpinLock(_L) NdisDprReleaseSpinLockAt(_L, __FILE__, __LINE__)

/* Attributes: NdisMSetAttributesEx records the flags (NDIS_ATTRIBUTE_BUS_MASTER says whether the
 * card masters the bus; the model's card is a subordinate-DMA device) and the hang-check time,
 * which the model never uses (it calls no MiniportCheckForHang). */
VOID NdisMSetAttributesExAt(NDIS_HANDLE MiniportAdapterHandle, NDIS_HANDLE MiniportAdapterContext,
                            UINT CheckForHangTimeInSeconds, ULONG AttributeFlags,
                            NDIS_INTERFACE_TYPE AdapterType, const char *File, int Line);
#define NdisMSetAttributesEx(_H, _C, _T, _F, _A)                                                   \
	NdisMSetAttributesExAt(_H, _C, _T, _F, _A, __FILE__, __LINE__)

/* An I/O port range: granted when no other device of the machine decodes a port of it (the
 * card's range from NdisMQueryAdapterResources is); *PortOffset is the first port, as on x86.
 * NDIS_STATUS_RESOURCE_CONFLICT when the range reaches a port the motherboard owns. */
NDIS_STATUS NdisMRegisterIoPortRangeAt(PVOID *PortOffset, NDIS_HANDLE MiniportAdapterHandle,
                                       UINT InitialPort, UINT NumberOfPorts, const char *File,
                                       int Line);
#define NdisMRegisterIoPortRange(_O, _H, _P, _N)                                                   \
	NdisMRegisterIoPortRangeAt(_O, _H, _P, _N, __FILE__, __LINE__)
VOID NdisMDeregisterIoPortRangeAt(NDIS_HANDLE MiniportAdapterHandle, UINT InitialPort,
                                  UINT NumberOfPorts, PVOID PortOffset, const char *File, int Line);
#define NdisMDeregisterIoPortRange(_H, _P, _N, _O)                                                 \
	NdisMDeregisterIoPortRangeAt(_H, _P, _N, _O, __FILE__, __LINE__)

/* Port I/O of every width. The card and the 8237A are 8-bit ISA devices: the bus splits a
 * 16-bit access into two byte cycles (port, then port + 1) and a 32-bit one into four, each a
 * traced access, as a real ISA bus does for an 8-bit device. The buffer forms repeat the
 * access Length times at the same port (rep insb/outsb and their word forms). */
VOID NdisRawWritePortUshortAt(ULONG Port, USHORT Data, const char *File, int Line);
VOID NdisRawReadPortUshortAt(ULONG Port, PUSHORT Data, const char *File, int Line);
VOID NdisRawWritePortUlongAt(ULONG Port, ULONG Data, const char *File, int Line);
VOID NdisRawReadPortUlongAt(ULONG Port, PULONG Data, const char *File, int Line);
#define NdisRawWritePortUshort(_P, _D)                                                             \
	NdisRawWritePortUshortAt((ULONG)(ULONG_PTR)(_P), _D, __FILE__, __LINE__)
#define NdisRawReadPortUshort(_P, _D)                                                              \
	NdisRawReadPortUshortAt((ULONG)(ULONG_PTR)(_P), _D, __FILE__, __LINE__)
#define NdisRawWritePortUlong(_P, _D)                                                              \
	NdisRawWritePortUlongAt((ULONG)(ULONG_PTR)(_P), _D, __FILE__, __LINE__)
#define NdisRawReadPortUlong(_P, _D)                                                               \
	NdisRawReadPortUlongAt((ULONG)(ULONG_PTR)(_P), _D, __FILE__, __LINE__)
VOID NdisRawWritePortBufferUcharAt(ULONG Port, PUCHAR Buffer, ULONG Length, const char *File,
                                   int Line);
VOID NdisRawReadPortBufferUcharAt(ULONG Port, PUCHAR Buffer, ULONG Length, const char *File,
                                  int Line);
VOID NdisRawWritePortBufferUshortAt(ULONG Port, PUSHORT Buffer, ULONG Length, const char *File,
                                    int Line);
VOID NdisRawReadPortBufferUshortAt(ULONG Port, PUSHORT Buffer, ULONG Length, const char *File,
                                   int Line);
VOID NdisRawWritePortBufferUlongAt(ULONG Port, PULONG Buffer, ULONG Length, const char *File,
                                   int Line);
VOID NdisRawReadPortBufferUlongAt(ULONG Port, PULONG Buffer, ULONG Length, const char *File,
                                  int Line);
#define NdisRawWritePortBufferUchar(_P, _B, _L)                                                    \
	NdisRawWritePortBufferUcharAt((ULONG)(ULONG_PTR)(_P), _B, _L, __FILE__, __LINE__)
#define NdisRawReadPortBufferUchar(_P, _B, _L)                                                     \
	NdisRawReadPortBufferUcharAt((ULONG)(ULONG_PTR)(_P), _B, _L, __FILE__, __LINE__)
#define NdisRawWritePortBufferUshort(_P, _B, _L)                                                   \
	NdisRawWritePortBufferUshortAt((ULONG)(ULONG_PTR)(_P), _B, _L, __FILE__, __LINE__)
#define NdisRawReadPortBufferUshort(_P, _B, _L)                                                    \
	NdisRawReadPortBufferUshortAt((ULONG)(ULONG_PTR)(_P), _B, _L, __FILE__, __LINE__)
#define NdisRawWritePortBufferUlong(_P, _B, _L)                                                    \
	NdisRawWritePortBufferUlongAt((ULONG)(ULONG_PTR)(_P), _B, _L, __FILE__, __LINE__)
#define NdisRawReadPortBufferUlong(_P, _B, _L)                                                     \
	NdisRawReadPortBufferUlongAt((ULONG)(ULONG_PTR)(_P), _B, _L, __FILE__, __LINE__)

/* Buffers and packets, the forms that name a page priority or hand back several answers. */
VOID NdisQueryBufferSafe(PNDIS_BUFFER Buffer, PVOID *VirtualAddress, PUINT Length,
                         MM_PAGE_PRIORITY Priority);
VOID NdisGetFirstBufferFromPacket(PNDIS_PACKET Packet, PNDIS_BUFFER *FirstBuffer,
                                  PVOID *FirstBufferVA, PUINT FirstBufferLength,
                                  PUINT TotalBufferLength);
VOID NdisGetFirstBufferFromPacketSafe(PNDIS_PACKET Packet, PNDIS_BUFFER *FirstBuffer,
                                      PVOID *FirstBufferVA, PUINT FirstBufferLength,
                                      PUINT TotalBufferLength, MM_PAGE_PRIORITY Priority);

/* Timers. NdisMInitializeTimer gives the timer its function and context; NdisMSetTimer arms it
 * to fire once MillisecondsToDelay from now on the simulated clock (2000 bus cycles a
 * millisecond), NdisMSetPeriodicTimer every MillisecondPeriod; setting a set timer moves it.
 * When its time comes the timer's DPC runs the function at DISPATCH_LEVEL (at once if the CPU
 * is below DISPATCH_LEVEL, else when it drops below), traced as MiniportTimer. NdisMCancelTimer
 * says whether it took the timer out of the queue. The NdisInitializeTimer family is the same
 * without the adapter handle. */
VOID NdisMInitializeTimerAt(PNDIS_MINIPORT_TIMER Timer, NDIS_HANDLE MiniportAdapterHandle,
                            PNDIS_TIMER_FUNCTION TimerFunction, PVOID FunctionContext,
                            const char *File, int Line);
#define NdisMInitializeTimer(_T, _H, _F, _C)                                                       \
	NdisMInitializeTimerAt(_T, _H, _F, _C, __FILE__, __LINE__)
VOID NdisMSetTimerAt(PNDIS_MINIPORT_TIMER Timer, UINT MillisecondsToDelay, const char *File,
                     int Line);
#define NdisMSetTimer(_T, _D) NdisMSetTimerAt(_T, _D, __FILE__, __LINE__)
VOID NdisMSetPeriodicTimerAt(PNDIS_MINIPORT_TIMER Timer, UINT MillisecondPeriod, const char *File,
                             int Line);
#define NdisMSetPeriodicTimer(_T, _P) NdisMSetPeriodicTimerAt(_T, _P, __FILE__, __LINE__)
VOID NdisMCancelTimerAt(PNDIS_MINIPORT_TIMER Timer, PBOOLEAN TimerCancelled, const char *File,
                        int Line);
#define NdisMCancelTimer(_T, _C) NdisMCancelTimerAt(_T, _C, __FILE__, __LINE__)
VOID NdisInitializeTimerAt(PNDIS_TIMER Timer, PNDIS_TIMER_FUNCTION TimerFunction,
                           PVOID FunctionContext, const char *File, int Line);
#define NdisInitializeTimer(_T, _F, _C) NdisInitializeTimerAt(_T, _F, _C, __FILE__, __LINE__)
VOID NdisSetTimerAt(PNDIS_TIMER Timer, UINT MillisecondsToDelay, const char *File, int Line);
#define NdisSetTimer(_T, _D) NdisSetTimerAt(_T, _D, __FILE__, __LINE__)
VOID NdisCancelTimerAt(PNDIS_TIMER Timer, PBOOLEAN TimerCancelled, const char *File, int Line);
#define NdisCancelTimer(_T, _C) NdisCancelTimerAt(_T, _C, __FILE__, __LINE__)

/* NdisMSleep lets the machine run MicrosecondsToSleep (2 bus cycles a microsecond), as
 * NdisStallExecution does, but only at PASSIVE_LEVEL: above it the call cannot wait, and the
 * trace says so at the caller's line (the machine does not move). */
VOID NdisMSleepAt(ULONG MicrosecondsToSleep, const char *File, int Line);
#define NdisMSleep(_U) NdisMSleepAt(_U, __FILE__, __LINE__)
/* The simulated clock in 100 ns units since the machine's power-on. */
VOID NdisGetCurrentSystemTime(PLARGE_INTEGER pSystemTime);

/* Runs SynchronizeFunction(SynchronizeContext) at DIRQL, so the card's interrupt cannot reach
 * MiniportISR meanwhile (an interrupt the card raises is taken when it returns); returns what
 * the function returned. */
BOOLEAN NdisMSynchronizeWithInterruptAt(PNDIS_MINIPORT_INTERRUPT Interrupt,
                                        W_SYNCHRONIZE_INTERRUPT_HANDLER SynchronizeFunction,
                                        PVOID SynchronizeContext, const char *File, int Line);
#define NdisMSynchronizeWithInterrupt(_I, _F, _C)                                                  \
	NdisMSynchronizeWithInterruptAt(_I, (W_SYNCHRONIZE_INTERRUPT_HANDLER)(PVOID)(_F), _C,      \
	                                __FILE__, __LINE__)

/* The event log: an error-log entry (its code and up to DV_ERROR_LOG_VALUES values) and a
 * status indication each become an event of the trace at the caller's line. */
#define DV_ERROR_LOG_VALUES 8
VOID NdisWriteErrorLogEntryAt(NDIS_HANDLE NdisAdapterHandle, NDIS_ERROR_CODE ErrorCode,
                              ULONG NumberOfErrorValues, const ULONG *ErrorValues, const char *File,
                              int Line);
FORCEINLINE VOID DvWriteErrorLogEntry(const char *File, int Line, NDIS_HANDLE NdisAdapterHandle,
                                      NDIS_ERROR_CODE ErrorCode, ULONG NumberOfErrorValues, ...)
{
	ULONG Values[DV_ERROR_LOG_VALUES] = { 0 };
	ULONG N = NumberOfErrorValues < DV_ERROR_LOG_VALUES ? NumberOfErrorValues :
	                                                      DV_ERROR_LOG_VALUES;
	va_list Ap;
	va_start(Ap, NumberOfErrorValues);
	for (ULONG I = 0; I < N; I++)
		Values[I] = va_arg(Ap, ULONG);
	va_end(Ap);
	NdisWriteErrorLogEntryAt(NdisAdapterHandle, ErrorCode, N, Values, File, Line);
}
#define NdisWriteErrorLogEntry(_H, _C, ...)                                                        \
	DvWriteErrorLogEntry(__FILE__, __LINE__, _H, _C, __VA_ARGS__)
VOID NdisMIndicateStatusAt(NDIS_HANDLE MiniportAdapterHandle, NDIS_STATUS GeneralStatus,
                           PVOID StatusBuffer, UINT StatusBufferSize, const char *File, int Line);
#define NdisMIndicateStatus(_H, _S, _B, _L)                                                        \
	NdisMIndicateStatusAt(_H, _S, _B, _L, __FILE__, __LINE__)
VOID NdisMIndicateStatusCompleteAt(NDIS_HANDLE MiniportAdapterHandle, const char *File, int Line);
#define NdisMIndicateStatusComplete(_H) NdisMIndicateStatusCompleteAt(_H, __FILE__, __LINE__)

/* Interlocked operations. The counters are atomic; the list and ULONG forms take the driver's
 * spin lock (DISPATCH_LEVEL while it is held), as NDIS's do, at the caller's line. */
FORCEINLINE LONG NdisInterlockedIncrement(PLONG Addend)
{
	return __atomic_add_fetch(Addend, 1, __ATOMIC_SEQ_CST);
}

FORCEINLINE LONG NdisInterlockedDecrement(PLONG Addend)
{
	return __atomic_sub_fetch(Addend, 1, __ATOMIC_SEQ_CST);
}

FORCEINLINE VOID DvInterlockedAddUlong(PULONG Addend, ULONG Increment, PNDIS_SPIN_LOCK SpinLock,
                                       const char *File, int Line)
{
	NdisAcquireSpinLockAt(SpinLock, File, Line);
	*Addend += Increment;
	NdisReleaseSpinLockAt(SpinLock, File, Line);
}
#define NdisInterlockedAddUlong(_A, _I, _L) DvInterlockedAddUlong(_A, _I, _L, __FILE__, __LINE__)

/* Each returns the entry that was first (last) before, or NULL when the list was empty. */
FORCEINLINE PLIST_ENTRY DvInterlockedInsertList(PLIST_ENTRY ListHead, PLIST_ENTRY ListEntry,
                                                PNDIS_SPIN_LOCK SpinLock, BOOLEAN AtHead,
                                                const char *File, int Line)
{
	NdisAcquireSpinLockAt(SpinLock, File, Line);
	PLIST_ENTRY Old = IsListEmpty(ListHead) ? NULL : AtHead ? ListHead->Flink : ListHead->Blink;
	if (AtHead)
		InsertHeadList(ListHead, ListEntry);
	else
		InsertTailList(ListHead, ListEntry);
	NdisReleaseSpinLockAt(SpinLock, File, Line);
	return Old;
}
#define NdisInterlockedInsertHeadList(_H, _E, _L)                                                  \
	DvInterlockedInsertList(_H, _E, _L, TRUE, __FILE__, __LINE__)
#define NdisInterlockedInsertTailList(_H, _E, _L)                                                  \
	DvInterlockedInsertList(_H, _E, _L, FALSE, __FILE__, __LINE__)

FORCEINLINE PLIST_ENTRY DvInterlockedRemoveHeadList(PLIST_ENTRY ListHead, PNDIS_SPIN_LOCK SpinLock,
                                                    const char *File, int Line)
{
	NdisAcquireSpinLockAt(SpinLock, File, Line);
	PLIST_ENTRY First = IsListEmpty(ListHead) ? NULL : RemoveHeadList(ListHead);
	NdisReleaseSpinLockAt(SpinLock, File, Line);
	return First;
}
#define NdisInterlockedRemoveHeadList(_H, _L)                                                      \
	DvInterlockedRemoveHeadList(_H, _L, __FILE__, __LINE__)

/* ---- the driver's entry point --------------------------------------------------------- */

/* A driver module (a built-in one or a learner's .so) exports DriverEntry, which calls
 * NdisMInitializeWrapper and NdisMRegisterMiniport; dmaviz passes NULL for both arguments. The
 * declaration below gives a C++ driver C linkage for it. */
typedef NTSTATUS (*DV_DRIVER_ENTRY)(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath);

#if defined(__GNUC__)
#define DV_DRIVER_EXPORT_VISIBLE __attribute__((visibility("default")))
#define DV_DRIVER_WEAK __attribute__((weak))
#else
#define DV_DRIVER_EXPORT_VISIBLE
#define DV_DRIVER_WEAK
#endif
DV_DRIVER_EXPORT_VISIBLE NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject,
                                              PUNICODE_STRING RegistryPath);

/* The ABI version the driver was built against, which the driver host checks before loading
 * it: every file that includes this header defines it (weak, so they agree), and the driver
 * needs no line of its own. */
extern DV_DRIVER_EXPORT_VISIBLE const int DvDriverAbiVersion;
#ifdef __cplusplus
extern /* a const of C++ has internal linkage without it; C warns with it */
#endif
        DV_DRIVER_WEAK DV_DRIVER_EXPORT_VISIBLE const int DvDriverAbiVersion = DV_NDIS_ABI_VERSION;
/* Drivers written for ABI version 1 wrote this line; it is harmless now. */
#define DV_DRIVER_EXPORT_ABI extern DV_DRIVER_EXPORT_VISIBLE const int DvDriverAbiVersion

/* The DDK's code-placement pragmas (#pragma NDIS_INIT_FUNCTION(DriverEntry), alloc_text) put
 * code in discardable or pageable sections; there is no such thing here, so GCC's warning about
 * pragmas it does not know is off for the rest of the driver's file. */
#define NDIS_INIT_FUNCTION(_F) alloc_text(INIT, _F)
#define NDIS_PAGEABLE_FUNCTION(_F) alloc_text(PAGE, _F)
#if defined(__GNUC__)
#pragma GCC diagnostic ignored "-Wunknown-pragmas"
#endif

#ifdef __cplusplus
}
#endif

#endif

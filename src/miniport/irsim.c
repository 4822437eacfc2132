/*++

Module Name:

    irsim.c

Abstract:

    A serial-infrared style miniport for an ISA card that moves its frames by system DMA,
    written the way the Windows NT 4.0 and Windows 2000 DDK's IrDA miniports were: a DMA helper
    that remembers what it set up so the completion passes the same arguments, a send queue
    under a spin lock, the interrupt mask changed only through NdisMSynchronizeWithInterrupt,
    a turnaround timer that keeps a send back until the peer can listen, the per-packet media
    information IrLAP attaches, and debug output in checked builds.

    The card is dmaviz's NIC: its register layout below is the only part that is the card's.

Environment:

    Kernel mode, NDIS 5.0 serialized miniport.

--*/

#define NDIS50_MINIPORT 1

#include <ndis.h>

//
// The card's registers, as offsets from its I/O base (dmaviz's NIC, docs/nic.md).
//

#define IR_COMMAND 0x00
#define IR_INT_MASK 0x02
#define IR_INT_STATUS 0x03
#define IR_TX_LENGTH 0x04    // 16 bits: low byte, then high byte
#define IR_RX_STATUS 0x06    // 16 bits: reading the low byte latches the entry, the high pops it
#define IR_RX_STATUS_LEVEL 0x0A

#define IR_CMD_TX_GO 0x01
#define IR_CMD_RX_ENABLE 0x02
#define IR_CMD_DMA_TX 0x04
#define IR_CMD_DMA_RX 0x08
#define IR_CMD_RESET 0x80

#define IR_INT_TX_DONE 0x01
#define IR_INT_RX_DONE 0x02
#define IR_INT_UNDERRUN 0x04
#define IR_INT_OVERRUN 0x08
#define IR_INT_TX_OVERFLOW 0x10
#define IR_INT_TX (IR_INT_TX_DONE | IR_INT_UNDERRUN | IR_INT_TX_OVERFLOW)
#define IR_INT_TX_OVER (IR_INT_TX_DONE | IR_INT_UNDERRUN)
#define IR_INT_RX (IR_INT_RX_DONE | IR_INT_OVERRUN)

#define IR_RXS_ERROR 0x8000
#define IR_RXS_LENGTH 0x07FF

//
// The driver's own limits.
//

#define IR_MAX_FRAME 1514
#define IR_HEADER_SIZE 14
#define IR_RX_AREA 4096
#define IR_MAX_RX_FRAMES 8
#define IR_DMA_MEMORY (NDIS_MEMORY_CONTIGUOUS | NDIS_MEMORY_NONCACHED)
#define IR_TAG 0x6d497249 // "IrIm"
#define IR_LINK_SPEED 1152  // 115.2 kbit/s, in 100 bit/s

#if DBG
#define DEBUGMSG(_Args) DbgPrint _Args
#else
#define DEBUGMSG(_Args)
#endif

//
// The DMA helper: one transfer at a time on the channel, and the arguments of its Setup, which
// the Complete must repeat.
//

typedef struct _DMA_UTIL {
    NDIS_HANDLE DmaChannelHandle;
    BOOLEAN Active;
    PNDIS_BUFFER Buffer;
    ULONG Offset;
    ULONG Length;
    BOOLEAN WriteToDevice;
} DMA_UTIL, *PDMA_UTIL;

typedef struct _IR_DEVICE {
    NDIS_HANDLE NdisAdapterHandle;
    PVOID PortOffset;
    ULONG PortBase;
    ULONG PortCount;
    ULONG InterruptLevel;
    ULONG DmaChannel;
    NDIS_MINIPORT_INTERRUPT Interrupt;
    DMA_UTIL Dma;
    UCHAR InterruptMask;

    NDIS_SPIN_LOCK QueueLock;
    LIST_ENTRY SendQueue;
    PNDIS_PACKET CurrentSend;
    ULONG CurrentSendLength;
    PNDIS_PACKET CheckedSend;       // the send on its way at the last hang check

    NDIS_MINIPORT_TIMER TurnaroundTimer;
    BOOLEAN TurnaroundPending;
    ULONG MinTurnaroundTime;        // microseconds, from the registry
    LARGE_INTEGER LastReceiveTime;  // 100 ns units; 0: nothing received yet
    BOOLEAN MediaBusyArmed;         // IrLAP asked to hear of traffic

    BOOLEAN ReceiveEnabled;         // registry Receive: 0 makes a send-only adapter
    ULONG CopyThreshold;            // registry: shorter or chained packets are copied
    BOOLEAN Receiving;
    PVOID RxArea;
    PNDIS_BUFFER RxBuffer;
    PVOID TxArea;
    PNDIS_BUFFER TxBuffer;
    NDIS_HANDLE BufferPool;
    NDIS_HANDLE PacketPool;

    LONG FramesSent;
    LONG FramesReceived;
} IR_DEVICE, *PIR_DEVICE;

typedef struct _SYNC_CONTEXT {
    PIR_DEVICE Device;
    UCHAR Mask;
} SYNC_CONTEXT, *PSYNC_CONTEXT;

//
// A queued packet's link lives in its MiniportReserved area.
//
#define PACKET_LINK(_Packet) ((PLIST_ENTRY)(_Packet)->MiniportReserved)
#define PACKET_FROM_LINK(_Link) CONTAINING_RECORD(_Link, NDIS_PACKET, MiniportReserved)

static NDIS_STATUS
StartDmaTransfer(
    IN PDMA_UTIL Util,
    IN PNDIS_BUFFER Buffer,
    IN ULONG Offset,
    IN ULONG Length,
    IN BOOLEAN WriteToDevice
    )
{
    NDIS_STATUS Status;

    ASSERT(!Util->Active);
    NdisMSetupDmaTransfer(&Status, Util->DmaChannelHandle, Buffer, Offset, Length,
                          WriteToDevice);
    if (Status == NDIS_STATUS_SUCCESS) {
        Util->Active = TRUE;
        Util->Buffer = Buffer;
        Util->Offset = Offset;
        Util->Length = Length;
        Util->WriteToDevice = WriteToDevice;
    } else {
        DEBUGMSG(("irsim: NdisMSetupDmaTransfer failed, 0x%x\n", (unsigned)Status));
    }
    return Status;
}

static NDIS_STATUS
CompleteDmaTransfer(
    IN PDMA_UTIL Util
    )
{
    NDIS_STATUS Status = NDIS_STATUS_SUCCESS;

    if (Util->Active) {
        NdisMCompleteDmaTransfer(&Status, Util->DmaChannelHandle, Util->Buffer, Util->Offset,
                                 Util->Length, Util->WriteToDevice);
        Util->Active = FALSE;
    }
    return Status;
}

static BOOLEAN
SyncSetInterruptMask(
    IN PVOID SynchronizeContext
    )
{
    PSYNC_CONTEXT Context = (PSYNC_CONTEXT)SynchronizeContext;

    Context->Device->InterruptMask = Context->Mask;
    NdisRawWritePortUchar(Context->Device->PortBase + IR_INT_MASK, Context->Mask);
    return TRUE;
}

static VOID
SetInterruptMask(
    IN PIR_DEVICE Device,
    IN UCHAR Mask
    )
{
    SYNC_CONTEXT Context;

    Context.Device = Device;
    Context.Mask = Mask;
    NdisMSynchronizeWithInterrupt(&Device->Interrupt, SyncSetInterruptMask, &Context);
}

//
// Receive.
//

static VOID
StartReceive(
    IN PIR_DEVICE Device
    )
{
    if (!Device->ReceiveEnabled) {
        return;
    }
    if (StartDmaTransfer(&Device->Dma, Device->RxBuffer, 0, IR_RX_AREA, FALSE) !=
        NDIS_STATUS_SUCCESS) {
        return;
    }
    Device->Receiving = TRUE;
    SetInterruptMask(Device, IR_INT_RX);
    NdisRawWritePortUchar(Device->PortBase + IR_COMMAND, IR_CMD_RX_ENABLE | IR_CMD_DMA_RX);
}

static VOID
IndicateFrame(
    IN PIR_DEVICE Device,
    IN ULONG Offset,
    IN ULONG Length
    )
{
    PNDIS_PACKET Packet;
    PNDIS_BUFFER Buffer;
    NDIS_STATUS Status;

    NdisAllocatePacket(&Status, &Packet, Device->PacketPool);
    if (Status != NDIS_STATUS_SUCCESS) {
        return;
    }
    NdisAllocateBuffer(&Status, &Buffer, Device->BufferPool, (PUCHAR)Device->RxArea + Offset,
                       Length);
    if (Status != NDIS_STATUS_SUCCESS) {
        NdisFreePacket(Packet);
        return;
    }
    NdisChainBufferAtFront(Packet, Buffer);
    NDIS_SET_PACKET_HEADER_SIZE(Packet, IR_HEADER_SIZE);
    //
    // The area is reused at once: the protocol copies the frame before the call returns.
    //
    NDIS_SET_PACKET_STATUS(Packet, NDIS_STATUS_RESOURCES);
    NdisMIndicateReceivePacket(Device->NdisAdapterHandle, &Packet, 1);
    NdisUnchainBufferAtFront(Packet, &Buffer);
    NdisFreeBuffer(Buffer);
    NdisFreePacket(Packet);
    NdisInterlockedIncrement(&Device->FramesReceived);
}

//
// Ends the receive transfer and hands up every good frame wholly in memory. The card keeps
// listening when KeepListening says so; a send takes the channel otherwise.
//
static VOID
FinishReceive(
    IN PIR_DEVICE Device,
    IN BOOLEAN KeepListening
    )
{
    ULONG Offsets[IR_MAX_RX_FRAMES];
    ULONG Lengths[IR_MAX_RX_FRAMES];
    ULONG Count = 0;
    ULONG Offset = 0;
    ULONG End;
    ULONG i;
    BOOLEAN Cut = FALSE;

    NdisRawWritePortUchar(Device->PortBase + IR_COMMAND, KeepListening ? IR_CMD_RX_ENABLE : 0);
    Device->Receiving = FALSE;
    if (CompleteDmaTransfer(&Device->Dma) != NDIS_STATUS_SUCCESS) {
        return;
    }
    End = IR_RX_AREA - NdisMReadDmaCounter(Device->Dma.DmaChannelHandle);

    while (Offset < End) {
        UCHAR Level;
        USHORT Entry;
        ULONG Length;

        NdisRawReadPortUchar(Device->PortBase + IR_RX_STATUS_LEVEL, &Level);
        if (Level == 0) {
            Cut = TRUE;     // bytes in memory, no status yet: still arriving
            break;
        }
        NdisRawReadPortUshort(Device->PortBase + IR_RX_STATUS, &Entry);
        Length = Entry & IR_RXS_LENGTH;
        if (Offset + Length > End) {
            Cut = TRUE;     // its tail is still in the card
            break;
        }
        if (!(Entry & IR_RXS_ERROR) && Length >= IR_HEADER_SIZE && Count < IR_MAX_RX_FRAMES) {
            Offsets[Count] = Offset;
            Lengths[Count] = Length;
            Count++;
        }
        Offset += Length;
    }
    if (Cut) {
        //
        // Drop the cut frame, so that the next transfer starts on a frame.
        //
        NdisRawWritePortUchar(Device->PortBase + IR_COMMAND, IR_CMD_RESET);
        if (KeepListening) {
            NdisRawWritePortUchar(Device->PortBase + IR_COMMAND, IR_CMD_RX_ENABLE);
        }
    }
    for (i = 0; i < Count; i++) {
        IndicateFrame(Device, Offsets[i], Lengths[i]);
    }
    if (Count != 0) {
        NdisGetCurrentSystemTime(&Device->LastReceiveTime);
        if (Device->MediaBusyArmed) {
            Device->MediaBusyArmed = FALSE;
            NdisMIndicateStatus(Device->NdisAdapterHandle, NDIS_STATUS_MEDIA_BUSY, NULL, 0);
            NdisMIndicateStatusComplete(Device->NdisAdapterHandle);
        }
    }
}

//
// Send.
//

//
// How long the packet must still wait for the peer's turnaround, in microseconds: the
// larger of the registry's minimum and the packet's own IrDA information.
//
static ULONG
TurnaroundRemaining(
    IN PIR_DEVICE Device,
    IN PNDIS_PACKET Packet
    )
{
    PMEDIA_SPECIFIC_INFORMATION MediaInfo;
    UINT MediaInfoSize;
    ULONG Turnaround = Device->MinTurnaroundTime;
    LARGE_INTEGER Now;
    ULONG Elapsed;

    NDIS_GET_PACKET_MEDIA_SPECIFIC_INFO(Packet, &MediaInfo, &MediaInfoSize);
    if (MediaInfo != NULL &&
        MediaInfoSize >= FIELD_OFFSET(MEDIA_SPECIFIC_INFORMATION, ClassInformation) +
                         sizeof(NDIS_IRDA_PACKET_INFO) &&
        MediaInfo->ClassId == NdisClassIrdaPacketInfo) {
        PNDIS_IRDA_PACKET_INFO IrdaInfo = (PNDIS_IRDA_PACKET_INFO)MediaInfo->ClassInformation;
        if (IrdaInfo->MinTurnAroundTime > Turnaround) {
            Turnaround = IrdaInfo->MinTurnAroundTime;
        }
    }
    if (Turnaround == 0 || Device->LastReceiveTime.QuadPart == 0) {
        return 0;
    }
    NdisGetCurrentSystemTime(&Now);
    Elapsed = (ULONG)((Now.QuadPart - Device->LastReceiveTime.QuadPart) / 10);
    return Elapsed >= Turnaround ? 0 : Turnaround - Elapsed;
}

static BOOLEAN
TransmitPacket(
    IN PIR_DEVICE Device,
    IN PNDIS_PACKET Packet
    )
{
    PNDIS_BUFFER First;
    PNDIS_BUFFER Buffer;
    PNDIS_BUFFER Next;
    PVOID Address;
    UINT Length;
    UINT Total;
    ULONG Copied = 0;

    NdisGetFirstBufferFromPacketSafe(Packet, &First, &Address, &Length, &Total,
                                     NormalPagePriority);
    if (First == NULL || Total == 0 || Total > IR_MAX_FRAME) {
        return FALSE;
    }
    if (Device->Receiving) {
        FinishReceive(Device, FALSE);     // the channel carries one transfer at a time
    }
    NdisGetNextBuffer(First, &Next);
    Buffer = Device->TxBuffer;
    if (Next == NULL && Length == Total && Total >= Device->CopyThreshold) {
        //
        // One buffer, long enough: the card takes it where it lies. The HAL bounces it if the
        // channel cannot reach it.
        //
        Buffer = First;
    } else {
        //
        // The framer's way: the whole frame, chain and all, into the driver's own buffer,
        // which was allocated where the channel reaches, so one transfer and never a bounce.
        //
        for (Next = First; Next != NULL; NdisGetNextBuffer(Next, &Next)) {
            NdisQueryBufferSafe(Next, &Address, &Length, NormalPagePriority);
            if (Length != 0) {
                NdisMoveMemory((PUCHAR)Device->TxArea + Copied, Address, Length);
            }
            Copied += Length;
        }
    }
    if (StartDmaTransfer(&Device->Dma, Buffer, 0, Total, TRUE) != NDIS_STATUS_SUCCESS) {
        return FALSE;
    }
    Device->CurrentSendLength = Total;
    NdisRawWritePortUshort(Device->PortBase + IR_TX_LENGTH, (USHORT)Total);
    SetInterruptMask(Device, IR_INT_TX);
    NdisRawWritePortUchar(Device->PortBase + IR_COMMAND, IR_CMD_DMA_TX | IR_CMD_TX_GO);
    return TRUE;
}

//
// Starts the packet at the head of the queue, unless one is on its way or the turnaround
// timer holds the queue. Runs at DISPATCH_LEVEL.
//
static VOID
SendNext(
    IN PIR_DEVICE Device
    )
{
    PNDIS_PACKET Packet = NULL;
    ULONG Wait;

    NdisDprAcquireSpinLock(&Device->QueueLock);
    if (Device->CurrentSend == NULL && !Device->TurnaroundPending &&
        !IsListEmpty(&Device->SendQueue)) {
        Packet = PACKET_FROM_LINK(Device->SendQueue.Flink);
        Wait = TurnaroundRemaining(Device, Packet);
        if (Wait != 0) {
            DEBUGMSG(("irsim: turnaround, %u us before the next send\n", (unsigned)Wait));
            Device->TurnaroundPending = TRUE;
            NdisMSetTimer(&Device->TurnaroundTimer, (Wait + 999) / 1000);
            Packet = NULL;
        } else {
            RemoveHeadList(&Device->SendQueue);
            Device->CurrentSend = Packet;
        }
    }
    NdisDprReleaseSpinLock(&Device->QueueLock);

    if (Packet != NULL && !TransmitPacket(Device, Packet)) {
        Device->CurrentSend = NULL;
        NdisMSendComplete(Device->NdisAdapterHandle, Packet, NDIS_STATUS_FAILURE);
        if (!Device->Receiving) {
            StartReceive(Device);
        }
    }
}

static VOID
IrTurnaroundTimer(
    IN PVOID SystemSpecific1,
    IN PVOID FunctionContext,
    IN PVOID SystemSpecific2,
    IN PVOID SystemSpecific3
    )
{
    PIR_DEVICE Device = (PIR_DEVICE)FunctionContext;

    UNREFERENCED_PARAMETER(SystemSpecific1);
    UNREFERENCED_PARAMETER(SystemSpecific2);
    UNREFERENCED_PARAMETER(SystemSpecific3);
    NdisDprAcquireSpinLock(&Device->QueueLock);
    Device->TurnaroundPending = FALSE;
    NdisDprReleaseSpinLock(&Device->QueueLock);
    SendNext(Device);
}

static NDIS_STATUS
IrSend(
    IN NDIS_HANDLE MiniportAdapterContext,
    IN PNDIS_PACKET Packet,
    IN UINT Flags
    )
{
    PIR_DEVICE Device = (PIR_DEVICE)MiniportAdapterContext;

    UNREFERENCED_PARAMETER(Flags);
    NdisInterlockedInsertTailList(&Device->SendQueue, PACKET_LINK(Packet), &Device->QueueLock);
    SendNext(Device);
    return NDIS_STATUS_PENDING;
}

//
// Interrupts.
//

static VOID
IrISR(
    OUT PBOOLEAN InterruptRecognized,
    OUT PBOOLEAN QueueMiniportHandleInterrupt,
    IN NDIS_HANDLE MiniportAdapterContext
    )
{
    PIR_DEVICE Device = (PIR_DEVICE)MiniportAdapterContext;
    UCHAR Status;

    NdisRawReadPortUchar(Device->PortBase + IR_INT_STATUS, &Status);
    if (Status & Device->InterruptMask) {
        //
        // Quiet the card until the DPC has looked; the DPC sets the mask again.
        //
        NdisRawWritePortUchar(Device->PortBase + IR_INT_MASK, 0);
        *InterruptRecognized = TRUE;
        *QueueMiniportHandleInterrupt = TRUE;
    } else {
        *InterruptRecognized = FALSE;
        *QueueMiniportHandleInterrupt = FALSE;
    }
}

static VOID
IrHandleInterrupt(
    IN NDIS_HANDLE MiniportAdapterContext
    )
{
    PIR_DEVICE Device = (PIR_DEVICE)MiniportAdapterContext;
    PNDIS_PACKET Packet = Device->CurrentSend;
    NDIS_STATUS Status;
    UCHAR Cause;

    NdisRawReadPortUchar(Device->PortBase + IR_INT_STATUS, &Cause);
    NdisRawWritePortUchar(Device->PortBase + IR_INT_STATUS, Cause);

    if (Device->Receiving && (Cause & IR_INT_RX)) {
        FinishReceive(Device, TRUE);
    }
    if (Packet != NULL && (Cause & IR_INT_TX_OVER)) {
        Status = CompleteDmaTransfer(&Device->Dma);
        if ((Cause & IR_INT_TX_OVER) != IR_INT_TX_DONE) {
            Status = NDIS_STATUS_FAILURE;
        }
        Device->CurrentSend = NULL;
        NdisInterlockedIncrement(&Device->FramesSent);
        NdisMSendComplete(Device->NdisAdapterHandle, Packet, Status);
        SendNext(Device);
    }
    if (Device->CurrentSend == NULL && !Device->Receiving) {
        StartReceive(Device);
    } else {
        SetInterruptMask(Device, Device->InterruptMask);
    }
}

//
// Requests. The system queries and sets these; they are kept short.
//

static NDIS_STATUS
IrQueryInformation(
    IN NDIS_HANDLE MiniportAdapterContext,
    IN NDIS_OID Oid,
    IN PVOID InformationBuffer,
    IN ULONG InformationBufferLength,
    OUT PULONG BytesWritten,
    OUT PULONG BytesNeeded
    )
{
    PIR_DEVICE Device = (PIR_DEVICE)MiniportAdapterContext;
    ULONG Value;

    switch (Oid) {
    case OID_GEN_MEDIA_SUPPORTED:
    case OID_GEN_MEDIA_IN_USE:
        Value = NdisMediumIrda;
        break;
    case OID_GEN_MAXIMUM_FRAME_SIZE:
    case OID_GEN_MAXIMUM_TOTAL_SIZE:
        Value = IR_MAX_FRAME;
        break;
    case OID_GEN_LINK_SPEED:
        Value = IR_LINK_SPEED;
        break;
    case OID_GEN_XMIT_OK:
        Value = (ULONG)Device->FramesSent;
        break;
    case OID_GEN_RCV_OK:
        Value = (ULONG)Device->FramesReceived;
        break;
    case OID_IRDA_TURNAROUND_TIME:
        Value = Device->MinTurnaroundTime;
        break;
    case OID_IRDA_MEDIA_BUSY:
        Value = Device->MediaBusyArmed ? 0 : 1;
        break;
    default:
        return NDIS_STATUS_INVALID_OID;
    }
    *BytesNeeded = sizeof(Value);
    if (InformationBufferLength < sizeof(Value)) {
        *BytesWritten = 0;
        return NDIS_STATUS_INVALID_LENGTH;
    }
    NdisMoveMemory(InformationBuffer, &Value, sizeof(Value));
    *BytesWritten = sizeof(Value);
    return NDIS_STATUS_SUCCESS;
}

static NDIS_STATUS
IrSetInformation(
    IN NDIS_HANDLE MiniportAdapterContext,
    IN NDIS_OID Oid,
    IN PVOID InformationBuffer,
    IN ULONG InformationBufferLength,
    OUT PULONG BytesRead,
    OUT PULONG BytesNeeded
    )
{
    PIR_DEVICE Device = (PIR_DEVICE)MiniportAdapterContext;
    ULONG Value;

    *BytesNeeded = sizeof(Value);
    if (InformationBufferLength < sizeof(Value)) {
        *BytesRead = 0;
        return NDIS_STATUS_INVALID_LENGTH;
    }
    NdisMoveMemory(&Value, InformationBuffer, sizeof(Value));
    *BytesRead = sizeof(Value);
    switch (Oid) {
    case OID_IRDA_MEDIA_BUSY:
        Device->MediaBusyArmed = Value == 0;  // IrLAP writes 0 to hear of the next traffic
        return NDIS_STATUS_SUCCESS;
    case OID_GEN_CURRENT_PACKET_FILTER:
    case OID_GEN_CURRENT_LOOKAHEAD:
    case OID_IRDA_LINK_SPEED:
        return NDIS_STATUS_SUCCESS;
    default:
        return NDIS_STATUS_INVALID_OID;
    }
}

//
// NDIS asks every two seconds. A frame takes milliseconds on the wire, so a send that was
// already on its way at the last check will not end: the card hangs.
//
static BOOLEAN
IrCheckForHang(
    IN NDIS_HANDLE MiniportAdapterContext
    )
{
    PIR_DEVICE Device = (PIR_DEVICE)MiniportAdapterContext;
    BOOLEAN Hung = Device->CurrentSend != NULL && Device->CurrentSend == Device->CheckedSend;

    Device->CheckedSend = Device->CurrentSend;
    if (Hung) {
        DEBUGMSG(("irsim: the send of %u bytes has not ended: the card hangs\n",
                  (unsigned)Device->CurrentSendLength));
    }
    return Hung;
}

//
// Starts the card over: its transfer ended, the stuck send failed, the receiver on again.
//
static NDIS_STATUS
IrReset(
    OUT PBOOLEAN AddressingReset,
    IN NDIS_HANDLE MiniportAdapterContext
    )
{
    PIR_DEVICE Device = (PIR_DEVICE)MiniportAdapterContext;
    PNDIS_PACKET Packet = Device->CurrentSend;

    *AddressingReset = FALSE;
    SetInterruptMask(Device, 0);
    NdisRawWritePortUchar(Device->PortBase + IR_COMMAND, IR_CMD_RESET);
    CompleteDmaTransfer(&Device->Dma);
    Device->Receiving = FALSE;
    Device->CurrentSend = NULL;
    Device->CheckedSend = NULL;
    if (Packet != NULL) {
        NdisMSendComplete(Device->NdisAdapterHandle, Packet, NDIS_STATUS_FAILURE);
    }
    SendNext(Device);
    if (Device->CurrentSend == NULL && !Device->Receiving) {
        StartReceive(Device);
    }
    return NDIS_STATUS_SUCCESS;
}

//
// Initialize and Halt.
//

//
// One integer of the adapter's Parameters key, or Default when it is absent.
//
static ULONG
ReadInteger(
    IN NDIS_HANDLE ConfigurationHandle,
    IN PNDIS_STRING Keyword,
    IN ULONG Default
    )
{
    NDIS_STATUS Status;
    PNDIS_CONFIGURATION_PARAMETER Parameter;

    NdisReadConfiguration(&Status, &Parameter, ConfigurationHandle, Keyword,
                          NdisParameterInteger);
    if (Status == NDIS_STATUS_SUCCESS && Parameter->ParameterType == NdisParameterInteger) {
        return Parameter->ParameterData.IntegerData;
    }
    return Default;
}

static VOID
ReadRegistry(
    IN PIR_DEVICE Device,
    IN NDIS_HANDLE WrapperConfigurationContext
    )
{
    NDIS_STATUS Status;
    NDIS_HANDLE ConfigurationHandle;
    NDIS_STRING Turnaround = NDIS_STRING_CONST("MinTurnaroundTime");
    NDIS_STRING Receive = NDIS_STRING_CONST("Receive");
    NDIS_STRING CopyThreshold = NDIS_STRING_CONST("CopyThreshold");

    //
    // The defaults: listen whenever not sending, and copy every frame (an IrDA framer's way).
    //
    Device->ReceiveEnabled = TRUE;
    Device->CopyThreshold = 0xFFFFFFFF;
    NdisOpenConfiguration(&Status, &ConfigurationHandle, WrapperConfigurationContext);
    if (Status != NDIS_STATUS_SUCCESS) {
        return;
    }
    Device->MinTurnaroundTime = ReadInteger(ConfigurationHandle, &Turnaround, 0);
    Device->ReceiveEnabled = ReadInteger(ConfigurationHandle, &Receive, 1) != 0;
    Device->CopyThreshold = ReadInteger(ConfigurationHandle, &CopyThreshold, 0xFFFFFFFF);
    NdisCloseConfiguration(ConfigurationHandle);
    DEBUGMSG(("irsim: minimum turnaround %u us\n", (unsigned)Device->MinTurnaroundTime));
}

static NDIS_STATUS
ReadResources(
    IN PIR_DEVICE Device,
    IN NDIS_HANDLE WrapperConfigurationContext
    )
{
    NDIS_RESOURCE_LIST Resources;
    UINT Size = sizeof(Resources);
    NDIS_STATUS Status;
    ULONG i;

    NdisMQueryAdapterResources(&Status, WrapperConfigurationContext, &Resources, &Size);
    if (Status != NDIS_STATUS_SUCCESS) {
        return Status;
    }
    for (i = 0; i < Resources.Count && i < 4; i++) {
        PCM_PARTIAL_RESOURCE_DESCRIPTOR Resource = &Resources.PartialDescriptors[i];

        switch (Resource->Type) {
        case CmResourceTypePort:
            Device->PortBase = NdisGetPhysicalAddressLow(Resource->u.Port.Start);
            Device->PortCount = Resource->u.Port.Length;
            break;
        case CmResourceTypeInterrupt:
            Device->InterruptLevel = Resource->u.Interrupt.Level;
            break;
        case CmResourceTypeDma:
            Device->DmaChannel = Resource->u.Dma.Channel;
            break;
        }
    }
    return Device->DmaChannel < 4 ? NDIS_STATUS_SUCCESS : NDIS_STATUS_RESOURCE_CONFLICT;
}

static NDIS_STATUS
AllocateAreas(
    IN PIR_DEVICE Device
    )
{
    NDIS_PHYSICAL_ADDRESS Highest = NDIS_PHYSICAL_ADDRESS_CONST(0x00FFFFFF, 0);
    NDIS_STATUS Status;

    if (NdisAllocateMemory(&Device->RxArea, IR_RX_AREA, IR_DMA_MEMORY, Highest) !=
            NDIS_STATUS_SUCCESS ||
        NdisAllocateMemory(&Device->TxArea, IR_MAX_FRAME, IR_DMA_MEMORY, Highest) !=
            NDIS_STATUS_SUCCESS) {
        return NDIS_STATUS_RESOURCES;
    }
    NdisAllocateBufferPool(&Status, &Device->BufferPool, 2 + IR_MAX_RX_FRAMES);
    if (Status != NDIS_STATUS_SUCCESS) {
        return Status;
    }
    NdisAllocateBuffer(&Status, &Device->RxBuffer, Device->BufferPool, Device->RxArea,
                       IR_RX_AREA);
    if (Status != NDIS_STATUS_SUCCESS) {
        return Status;
    }
    NdisAllocateBuffer(&Status, &Device->TxBuffer, Device->BufferPool, Device->TxArea,
                       IR_MAX_FRAME);
    if (Status != NDIS_STATUS_SUCCESS) {
        return Status;
    }
    NdisAllocatePacketPool(&Status, &Device->PacketPool, IR_MAX_RX_FRAMES, 16);
    return Status;
}

static NDIS_STATUS
ClaimHardware(
    IN PIR_DEVICE Device
    )
{
    NDIS_DMA_DESCRIPTION DmaDescription;
    NDIS_STATUS Status;

    Status = NdisMRegisterIoPortRange(&Device->PortOffset, Device->NdisAdapterHandle,
                                      Device->PortBase, Device->PortCount);
    if (Status != NDIS_STATUS_SUCCESS) {
        NdisWriteErrorLogEntry(Device->NdisAdapterHandle, NDIS_ERROR_CODE_BAD_IO_BASE_ADDRESS, 1,
                               Device->PortBase);
        return Status;
    }
    Device->PortBase = (ULONG)(ULONG_PTR)Device->PortOffset;
    NdisRawWritePortUchar(Device->PortBase + IR_COMMAND, IR_CMD_RESET);
    NdisRawWritePortUchar(Device->PortBase + IR_INT_MASK, 0);    // no ISR connected yet

    NdisZeroMemory(&DmaDescription, sizeof(DmaDescription));
    DmaDescription.DemandMode = TRUE;
    DmaDescription.DmaChannelSpecified = TRUE;
    DmaDescription.DmaWidth = Width8Bits;
    DmaDescription.DmaSpeed = Compatible;
    DmaDescription.DmaChannel = Device->DmaChannel;
    Status = NdisMRegisterDmaChannel(&Device->Dma.DmaChannelHandle, Device->NdisAdapterHandle,
                                     Device->DmaChannel, FALSE, &DmaDescription, IR_RX_AREA);
    if (Status != NDIS_STATUS_SUCCESS) {
        return Status;
    }
    Status = NdisMRegisterInterrupt(&Device->Interrupt, Device->NdisAdapterHandle,
                                    Device->InterruptLevel, Device->InterruptLevel, TRUE, FALSE,
                                    NdisInterruptLatched);
    if (Status != NDIS_STATUS_SUCCESS) {
        NdisWriteErrorLogEntry(Device->NdisAdapterHandle, NDIS_ERROR_CODE_INTERRUPT_CONNECT, 1,
                               Device->InterruptLevel);
        NdisMDeregisterDmaChannel(Device->Dma.DmaChannelHandle);
    }
    return Status;
}

static NDIS_STATUS
IrInitialize(
    OUT PNDIS_STATUS OpenErrorStatus,
    OUT PUINT SelectedMediumIndex,
    IN PNDIS_MEDIUM MediumArray,
    IN UINT MediumArraySize,
    IN NDIS_HANDLE MiniportAdapterHandle,
    IN NDIS_HANDLE WrapperConfigurationContext
    )
{
    PIR_DEVICE Device;
    PVOID Memory;
    NDIS_STATUS Status;
    UINT i;

    UNREFERENCED_PARAMETER(OpenErrorStatus);
    for (i = 0; i < MediumArraySize; i++) {
        if (MediumArray[i] == NdisMediumIrda) {
            break;
        }
    }
    if (i == MediumArraySize) {
        return NDIS_STATUS_UNSUPPORTED_MEDIA;
    }
    *SelectedMediumIndex = i;

    if (NdisAllocateMemoryWithTag(&Memory, sizeof(IR_DEVICE), IR_TAG) != NDIS_STATUS_SUCCESS) {
        return NDIS_STATUS_RESOURCES;
    }
    Device = (PIR_DEVICE)Memory;
    NdisZeroMemory(Device, sizeof(IR_DEVICE));
    Device->NdisAdapterHandle = MiniportAdapterHandle;
    Device->MediaBusyArmed = TRUE;
    NdisAllocateSpinLock(&Device->QueueLock);
    InitializeListHead(&Device->SendQueue);

    ReadRegistry(Device, WrapperConfigurationContext);
    Status = ReadResources(Device, WrapperConfigurationContext);
    if (Status != NDIS_STATUS_SUCCESS) {
        return Status;
    }
    NdisMSetAttributesEx(MiniportAdapterHandle, Device, 0, 0, NdisInterfaceIsa);
    Status = AllocateAreas(Device);
    if (Status != NDIS_STATUS_SUCCESS) {
        NdisWriteErrorLogEntry(MiniportAdapterHandle, NDIS_ERROR_CODE_OUT_OF_RESOURCES, 0);
        return Status;
    }
    NdisMInitializeTimer(&Device->TurnaroundTimer, MiniportAdapterHandle, IrTurnaroundTimer,
                         Device);
    Status = ClaimHardware(Device);
    if (Status != NDIS_STATUS_SUCCESS) {
        return Status;
    }
    StartReceive(Device);
    DEBUGMSG(("irsim: ready at port 0x%x, IRQ %u, DMA channel %u\n", (unsigned)Device->PortBase,
              (unsigned)Device->InterruptLevel, (unsigned)Device->DmaChannel));
    return NDIS_STATUS_SUCCESS;
}

static VOID
IrHalt(
    IN NDIS_HANDLE MiniportAdapterContext
    )
{
    PIR_DEVICE Device = (PIR_DEVICE)MiniportAdapterContext;
    BOOLEAN Cancelled;
    PLIST_ENTRY Link;

    NdisMCancelTimer(&Device->TurnaroundTimer, &Cancelled);
    SetInterruptMask(Device, 0);
    NdisRawWritePortUchar(Device->PortBase + IR_COMMAND, 0);
    CompleteDmaTransfer(&Device->Dma);
    Device->Receiving = FALSE;
    if (Device->CurrentSend != NULL) {
        NdisMSendComplete(Device->NdisAdapterHandle, Device->CurrentSend, NDIS_STATUS_FAILURE);
        Device->CurrentSend = NULL;
    }
    while ((Link = NdisInterlockedRemoveHeadList(&Device->SendQueue, &Device->QueueLock)) !=
           NULL) {
        NdisMSendComplete(Device->NdisAdapterHandle, PACKET_FROM_LINK(Link),
                          NDIS_STATUS_FAILURE);
    }
    NdisMDeregisterInterrupt(&Device->Interrupt);
    NdisMDeregisterDmaChannel(Device->Dma.DmaChannelHandle);
    NdisMDeregisterIoPortRange(Device->NdisAdapterHandle, Device->PortBase, Device->PortCount,
                               Device->PortOffset);
    NdisFreeBuffer(Device->RxBuffer);
    NdisFreeBuffer(Device->TxBuffer);
    NdisFreeBufferPool(Device->BufferPool);
    NdisFreePacketPool(Device->PacketPool);
    NdisFreeMemory(Device->RxArea, IR_RX_AREA, IR_DMA_MEMORY);
    NdisFreeMemory(Device->TxArea, IR_MAX_FRAME, IR_DMA_MEMORY);
    NdisFreeSpinLock(&Device->QueueLock);
    NdisFreeMemory(Device, sizeof(IR_DEVICE), 0);
}

NTSTATUS
DriverEntry(
    IN PDRIVER_OBJECT DriverObject,
    IN PUNICODE_STRING RegistryPath
    )
{
    NDIS_HANDLE WrapperHandle;
    NDIS_MINIPORT_CHARACTERISTICS Characteristics;
    NDIS_STATUS Status;

    DEBUGMSG(("irsim: DriverEntry\n"));
    NdisMInitializeWrapper(&WrapperHandle, DriverObject, RegistryPath, NULL);
    NdisZeroMemory(&Characteristics, sizeof(Characteristics));
    Characteristics.MajorNdisVersion = NDIS_MINIPORT_MAJOR_VERSION;
    Characteristics.MinorNdisVersion = NDIS_MINIPORT_MINOR_VERSION;
    Characteristics.CheckForHangHandler = IrCheckForHang;
    Characteristics.HaltHandler = IrHalt;
    Characteristics.HandleInterruptHandler = IrHandleInterrupt;
    Characteristics.InitializeHandler = IrInitialize;
    Characteristics.ISRHandler = IrISR;
    Characteristics.QueryInformationHandler = IrQueryInformation;
    Characteristics.ResetHandler = IrReset;
    Characteristics.SendHandler = IrSend;
    Characteristics.SetInformationHandler = IrSetInformation;
    Status = NdisMRegisterMiniport(WrapperHandle, &Characteristics, sizeof(Characteristics));
    if (Status != NDIS_STATUS_SUCCESS) {
        DEBUGMSG(("irsim: NdisMRegisterMiniport failed, 0x%x\n", (unsigned)Status));
    }
    return Status;
}

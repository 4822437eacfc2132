/* Exercise 4: one channel, two directions (NDIS_STATUS_RESOURCES).
 *
 * A small subordinate-DMA miniport for the dmaviz card (docs/driver-sdk.md): it keeps a receive
 * transfer set up over a 4096-byte area whenever it is not sending, hands up every frame that is
 * wholly in memory, and sends one packet at a time, copying small or chained packets into a
 * staging buffer first. One DMA channel serves both directions, so a send completes the receive
 * transfer before it sets up its own. 8-bit channels only. */
#include <stddef.h>

#include "ndis.h"

/* ndis.h defines DvDriverAbiVersion too, the ABI version dmaviz checks when it loads this. */

#define NIC_CMD 0x0
#define NIC_IMR 0x2
#define NIC_ISR 0x3
#define NIC_TXLEN_LO 0x4
#define NIC_TXLEN_HI 0x5
#define NIC_RXSTAT_LO 0x6 /* oldest receive status entry, low byte (latches the entry) */
#define NIC_RXSTAT_HI 0x7 /* high byte (pops the entry) */
#define NIC_STATFIFO_LEVEL 0xA
#define NIC_CMD_TXGO 0x01
#define NIC_CMD_RXEN 0x02
#define NIC_CMD_DMATX 0x04
#define NIC_CMD_DMARX 0x08
#define NIC_CMD_RESET 0x80
#define NIC_INT_TX 0x15   /* TXDONE | UNDERRUN | TXOVERFLOW */
#define NIC_INT_DONE 0x05 /* TXDONE | UNDERRUN: the frame is over */
#define NIC_INT_RX 0x0A   /* RXDONE | OVERRUN */
#define NIC_RXS_ERROR 0x8000
#define NIC_RXS_LEN 0x07FF

#define RX_AREA 4096
#define MAX_FRAME 1514
#define HEADER_SIZE 14
#define COPY_THRESHOLD 256 /* sends shorter than this go through the staging buffer */
#define DMA_MEMORY (NDIS_MEMORY_CONTIGUOUS | NDIS_MEMORY_NONCACHED)
#define MAX_RX_FRAMES 8

typedef struct {
	NDIS_HANDLE Handle;
	ULONG IoBase;
	ULONG Irq;
	ULONG Channel;
	NDIS_HANDLE Dma;
	NDIS_MINIPORT_INTERRUPT Interrupt;
	UCHAR Imr;
	NDIS_HANDLE BufferPool;
	NDIS_HANDLE PacketPool;
	/* Receive: the area, its buffer descriptor, and whether a transfer is set up on it. */
	PVOID RxVa;
	PNDIS_BUFFER RxBuffer;
	BOOLEAN RxActive;
	/* Send: the staging buffer, and the transfer of the packet being sent. */
	PVOID StageVa;
	PNDIS_BUFFER StageBuffer;
	PNDIS_PACKET TxPacket;
	PNDIS_BUFFER TxBuffer;
	ULONG TxLength;
} ADAPTER;

static ADAPTER Adapter;

static VOID SetImr(ADAPTER *A, UCHAR Imr)
{
	A->Imr = Imr;
	NdisRawWritePortUchar(A->IoBase + NIC_IMR, Imr);
}

/* Receive ------------------------------------------------------------------------------- */

static VOID StartReceive(ADAPTER *A)
{
	NDIS_STATUS Status;

	NdisMSetupDmaTransfer(&Status, A->Dma, A->RxBuffer, 0, RX_AREA, FALSE);
	if (Status != NDIS_STATUS_SUCCESS)
		return;
	A->RxActive = TRUE;
	SetImr(A, NIC_INT_RX);
	NdisRawWritePortUchar(A->IoBase + NIC_CMD, NIC_CMD_RXEN | NIC_CMD_DMARX);
}

static VOID IndicateFrame(ADAPTER *A, ULONG Offset, ULONG Length)
{
	PNDIS_PACKET Packet;
	PNDIS_BUFFER Buffer;
	NDIS_STATUS Status;

	NdisAllocatePacket(&Status, &Packet, A->PacketPool);
	if (Status != NDIS_STATUS_SUCCESS)
		return;
	NdisAllocateBuffer(&Status, &Buffer, A->BufferPool, (PUCHAR)A->RxVa + Offset, Length);
	if (Status != NDIS_STATUS_SUCCESS) {
		NdisFreePacket(Packet);
		return;
	}
	NdisChainBufferAtFront(Packet, Buffer);
	NDIS_SET_PACKET_HEADER_SIZE(Packet, HEADER_SIZE);
	/* RESOURCES: the protocol copies the frame now; the area is reused at once. */
	NDIS_SET_PACKET_STATUS(Packet, NDIS_STATUS_RESOURCES);
	NdisMIndicateReceivePacket(A->Handle, &Packet, 1);
	NdisUnchainBufferAtFront(Packet, &Buffer);
	NdisFreeBuffer(Buffer);
	NdisFreePacket(Packet);
}

/* Ends the receive transfer and hands up every good frame that lies wholly in memory.
 * KeepListening: the receiver stays on (its FIFO holds what comes until the next Setup);
 * otherwise it goes off, because a send takes the channel. */
static VOID StopReceive(ADAPTER *A, BOOLEAN KeepListening)
{
	ULONG Offsets[MAX_RX_FRAMES], Lengths[MAX_RX_FRAMES];
	UINT Count = 0, i;
	NDIS_STATUS Status;
	ULONG Residue, End, Offset = 0;

	/* Stop the card's DMA requests before the channel goes away. */
	NdisRawWritePortUchar(A->IoBase + NIC_CMD, KeepListening ? NIC_CMD_RXEN : 0);
	/* Complete first: no byte of the area may be read before this. */
	NdisMCompleteDmaTransfer(&Status, A->Dma, A->RxBuffer, 0, RX_AREA, FALSE);
	A->RxActive = FALSE;
	if (Status != NDIS_STATUS_SUCCESS)
		return;
	/* The Complete masked the channel and left its count: what did NOT move. */
	Residue = NdisMReadDmaCounter(A->Dma);
	End = RX_AREA - Residue;

	/* Frames lie back to back, one status entry each. */
	while (Offset < End) {
		UCHAR Level, Lo, Hi;
		ULONG Entry, Length;

		NdisRawReadPortUchar(A->IoBase + NIC_STATFIFO_LEVEL, &Level);
		if (Level == 0)
			goto cut; /* bytes in memory, no entry yet: the frame is still arriving */
		NdisRawReadPortUchar(A->IoBase + NIC_RXSTAT_LO, &Lo);
		NdisRawReadPortUchar(A->IoBase + NIC_RXSTAT_HI, &Hi);
		Entry = (ULONG)Hi << 8 | Lo;
		Length = Entry & NIC_RXS_LEN;
		if (Offset + Length > End)
			goto cut; /* its tail is still in the card's FIFO */
		if (!(Entry & NIC_RXS_ERROR) && Length >= HEADER_SIZE && Count < MAX_RX_FRAMES) {
			Offsets[Count] = Offset;
			Lengths[Count] = Length;
			Count++;
		}
		Offset += Length;
	}
	goto indicate;
cut:
	/* Drop the cut frame and flush the card, so the next transfer starts on a frame. */
	NdisRawWritePortUchar(A->IoBase + NIC_CMD, NIC_CMD_RESET);
	if (KeepListening)
		NdisRawWritePortUchar(A->IoBase + NIC_CMD, NIC_CMD_RXEN);
indicate:
	for (i = 0; i < Count; i++)
		IndicateFrame(A, Offsets[i], Lengths[i]);
}

/* Send ---------------------------------------------------------------------------------- */

static NDIS_STATUS Send(NDIS_HANDLE MiniportAdapterContext, PNDIS_PACKET Packet, UINT Flags)
{
	ADAPTER *A = MiniportAdapterContext;
	PNDIS_BUFFER Buffer, DmaBuffer;
	UINT BufferCount, Total;
	NDIS_STATUS Status;

	(void)Flags;
	if (A->TxPacket != NULL)
		return NDIS_STATUS_RESOURCES;
	NdisQueryPacket(Packet, NULL, &BufferCount, &Buffer, &Total);
	if (Buffer == NULL || Total == 0 || Total > MAX_FRAME)
		return NDIS_STATUS_FAILURE;

	/* TODO: the receive transfer set up at initialization still holds the channel, and
	 * the channel holds one transfer at a time: NdisMSetupDmaTransfer below would fail with
	 * NDIS_STATUS_RESOURCES. End the receive first (StopReceive does the Complete, the
	 * residue and the indications), with the receiver off while the frame goes out. */

	if (Total < COPY_THRESHOLD || BufferCount > 1) {
		/* Gather the packet into the staging buffer: one transfer for the whole frame. */
		ULONG Copied = 0;
		while (Buffer != NULL) {
			PVOID Va;
			UINT Length;

			NdisQueryBuffer(Buffer, &Va, &Length);
			if (Copied + Length > MAX_FRAME)
				break;
			if (Length != 0)
				NdisMoveMemory((PUCHAR)A->StageVa + Copied, Va, Length);
			Copied += Length;
			NdisGetNextBuffer(Buffer, &Buffer);
		}
		DmaBuffer = A->StageBuffer;
	} else {
		DmaBuffer = Buffer;
	}

	NdisMSetupDmaTransfer(&Status, A->Dma, DmaBuffer, 0, Total, TRUE);
	if (Status != NDIS_STATUS_SUCCESS) {
		StartReceive(A);
		return Status;
	}
	A->TxPacket = Packet;
	A->TxBuffer = DmaBuffer;
	A->TxLength = Total;
	NdisRawWritePortUchar(A->IoBase + NIC_TXLEN_LO, (UCHAR)(Total & 0xFF));
	NdisRawWritePortUchar(A->IoBase + NIC_TXLEN_HI, (UCHAR)(Total >> 8));
	SetImr(A, NIC_INT_TX);
	NdisRawWritePortUchar(A->IoBase + NIC_CMD, NIC_CMD_DMATX | NIC_CMD_TXGO);
	return NDIS_STATUS_PENDING;
}

/* Interrupts ---------------------------------------------------------------------------- */

static VOID Isr(PBOOLEAN InterruptRecognized, PBOOLEAN QueueMiniportHandleInterrupt,
                NDIS_HANDLE MiniportAdapterContext)
{
	ADAPTER *A = MiniportAdapterContext;
	UCHAR Status;

	NdisRawReadPortUchar(A->IoBase + NIC_ISR, &Status);
	*InterruptRecognized = (Status & A->Imr) != 0;
	*QueueMiniportHandleInterrupt = *InterruptRecognized;
	if (*InterruptRecognized)
		NdisRawWritePortUchar(A->IoBase + NIC_IMR, 0);
}

static VOID HandleInterrupt(NDIS_HANDLE MiniportAdapterContext)
{
	ADAPTER *A = MiniportAdapterContext;
	PNDIS_PACKET Packet = A->TxPacket;
	NDIS_STATUS Status;
	UCHAR Isr;

	NdisRawReadPortUchar(A->IoBase + NIC_ISR, &Isr);
	NdisRawWritePortUchar(A->IoBase + NIC_ISR, Isr);
	if (A->RxActive && (Isr & NIC_INT_RX))
		StopReceive(A, TRUE);
	if (Packet != NULL && (Isr & NIC_INT_DONE)) {
		NdisMCompleteDmaTransfer(&Status, A->Dma, A->TxBuffer, 0, A->TxLength, TRUE);
		A->TxPacket = NULL;
		NdisMSendComplete(A->Handle, Packet,
		                  (Isr & NIC_INT_DONE) == 0x01 ? Status : NDIS_STATUS_FAILURE);
	}
	if (!A->RxActive && A->TxPacket == NULL)
		StartReceive(A); /* sets the mask */
	else
		SetImr(A, A->Imr);
}

/* Initialize and Halt ------------------------------------------------------------------- */

static NDIS_STATUS Initialize(PNDIS_STATUS OpenErrorStatus, PUINT SelectedMediumIndex,
                              PNDIS_MEDIUM MediumArray, UINT MediumArraySize,
                              NDIS_HANDLE MiniportAdapterHandle, NDIS_HANDLE WrapperConfigurationContext)
{
	NDIS_RESOURCE_LIST Resources;
	UINT Size = sizeof(Resources);
	NDIS_DMA_DESCRIPTION Dma;
	NDIS_PHYSICAL_ADDRESS Highest;
	NDIS_STATUS Status;
	UINT i;

	(void)OpenErrorStatus;
	for (i = 0; i < MediumArraySize && MediumArray[i] != NdisMedium802_3; i++)
		;
	if (i == MediumArraySize)
		return NDIS_STATUS_UNSUPPORTED_MEDIA;
	*SelectedMediumIndex = i;

	NdisMQueryAdapterResources(&Status, WrapperConfigurationContext, &Resources, &Size);
	if (Status != NDIS_STATUS_SUCCESS)
		return Status;
	for (i = 0; i < Resources.Count && i < 4; i++) {
		PCM_PARTIAL_RESOURCE_DESCRIPTOR R = &Resources.PartialDescriptors[i];
		if (R->Type == CmResourceTypePort)
			Adapter.IoBase = R->u.Port.Start.u.LowPart;
		else if (R->Type == CmResourceTypeInterrupt)
			Adapter.Irq = R->u.Interrupt.Level;
		else if (R->Type == CmResourceTypeDma)
			Adapter.Channel = R->u.Dma.Channel;
	}
	if (Adapter.Channel >= 4)
		return NDIS_STATUS_FAILURE; /* this driver speaks 8-bit channels only */
	Adapter.Handle = MiniportAdapterHandle;
	NdisMSetAttributes(MiniportAdapterHandle, &Adapter, FALSE, NdisInterfaceIsa);

	NdisRawWritePortUchar(Adapter.IoBase + NIC_CMD, NIC_CMD_RESET);
	SetImr(&Adapter, 0);

	/* DMA memory: contiguous, below 16 MiB (NdisAllocateMemory keeps it in one 64 KiB block). */
	Highest.QuadPart = 0x00FFFFFF;
	if (NdisAllocateMemory(&Adapter.RxVa, RX_AREA, DMA_MEMORY, Highest) != NDIS_STATUS_SUCCESS)
		return NDIS_STATUS_RESOURCES;
	if (NdisAllocateMemory(&Adapter.StageVa, MAX_FRAME, DMA_MEMORY, Highest) != NDIS_STATUS_SUCCESS)
		return NDIS_STATUS_RESOURCES;
	NdisAllocateBufferPool(&Status, &Adapter.BufferPool, 2 + MAX_RX_FRAMES);
	if (Status != NDIS_STATUS_SUCCESS)
		return Status;
	NdisAllocateBuffer(&Status, &Adapter.RxBuffer, Adapter.BufferPool, Adapter.RxVa, RX_AREA);
	if (Status != NDIS_STATUS_SUCCESS)
		return Status;
	NdisAllocateBuffer(&Status, &Adapter.StageBuffer, Adapter.BufferPool, Adapter.StageVa, MAX_FRAME);
	if (Status != NDIS_STATUS_SUCCESS)
		return Status;
	NdisAllocatePacketPool(&Status, &Adapter.PacketPool, MAX_RX_FRAMES, 16);
	if (Status != NDIS_STATUS_SUCCESS)
		return Status;

	NdisZeroMemory(&Dma, sizeof(Dma));
	Dma.DemandMode = TRUE;
	Dma.DmaChannelSpecified = TRUE;
	Dma.DmaWidth = Width8Bits;
	Dma.DmaSpeed = Compatible;
	Dma.DmaChannel = Adapter.Channel;
	Status = NdisMRegisterDmaChannel(&Adapter.Dma, MiniportAdapterHandle, Adapter.Channel, FALSE, &Dma, RX_AREA);
	if (Status != NDIS_STATUS_SUCCESS)
		return Status;
	Status = NdisMRegisterInterrupt(&Adapter.Interrupt, MiniportAdapterHandle, Adapter.Irq, Adapter.Irq,
	                                TRUE, FALSE, NdisInterruptLatched);
	if (Status != NDIS_STATUS_SUCCESS) {
		NdisMDeregisterDmaChannel(Adapter.Dma);
		return Status;
	}
	StartReceive(&Adapter);
	return NDIS_STATUS_SUCCESS;
}

static VOID Halt(NDIS_HANDLE MiniportAdapterContext)
{
	ADAPTER *A = MiniportAdapterContext;
	NDIS_STATUS Status;

	SetImr(A, 0);
	NdisRawWritePortUchar(A->IoBase + NIC_CMD, 0);
	if (A->RxActive) {
		NdisMCompleteDmaTransfer(&Status, A->Dma, A->RxBuffer, 0, RX_AREA, FALSE);
		A->RxActive = FALSE;
	}
	if (A->TxPacket != NULL) {
		NdisMCompleteDmaTransfer(&Status, A->Dma, A->TxBuffer, 0, A->TxLength, TRUE);
		NdisMSendComplete(A->Handle, A->TxPacket, NDIS_STATUS_FAILURE);
		A->TxPacket = NULL;
	}
	NdisMDeregisterInterrupt(&A->Interrupt);
	NdisMDeregisterDmaChannel(A->Dma);
	NdisFreeBuffer(A->RxBuffer);
	NdisFreeBuffer(A->StageBuffer);
	NdisFreeBufferPool(A->BufferPool);
	NdisFreePacketPool(A->PacketPool);
	NdisFreeMemory(A->RxVa, RX_AREA, DMA_MEMORY);
	NdisFreeMemory(A->StageVa, MAX_FRAME, DMA_MEMORY);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
	NDIS_HANDLE Wrapper = NULL;
	NDIS_MINIPORT_CHARACTERISTICS Chars;

	NdisMInitializeWrapper(&Wrapper, DriverObject, RegistryPath, NULL);
	NdisZeroMemory(&Chars, sizeof(Chars));
	Chars.MajorNdisVersion = 5;
	Chars.InitializeHandler = Initialize;
	Chars.HaltHandler = Halt;
	Chars.SendHandler = Send;
	Chars.ISRHandler = Isr;
	Chars.HandleInterruptHandler = HandleInterrupt;
	return NdisMRegisterMiniport(Wrapper, &Chars, sizeof(Chars));
}

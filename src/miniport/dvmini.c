/* dvmini.c: the reference miniport for the dmaviz network card.
 *
 * The card (docs/nic.md) has no shared memory and no data port. Every byte it sends or
 * receives is moved by the PC's 8237A DMA controller, on one channel, one direction at a
 * time. That makes this a "subordinate DMA" driver: NDIS and the HAL own the 8237A, and the
 * driver asks for each transfer with NdisMSetupDmaTransfer and ends it with
 * NdisMCompleteDmaTransfer. It follows the DDK's NSC IrDA sample, the one subordinate-DMA
 * miniport Microsoft shipped (facts §4).
 *
 * The plan:
 *  - The channel serves both directions, one at a time (the wire is full duplex, but a frame
 *    that begins while we send finds the receiver off and is missed). While nothing is being
 *    sent, one receive transfer covers the whole receive area; frames land in it back to back.
 *  - A send takes the channel away from the receiver. It completes the receive transfer,
 *    passes up the frames that made it, then sets up the send (NSC SendCurrentPacket, facts
 *    §4.1 step 3).
 *  - Small packets are copied into a staging buffer and go in one transfer. Large packets
 *    go straight from the protocol's buffers, one transfer per buffer (facts §4.3).
 *  - The ISR only masks the card. The DPC (MiniportHandleInterrupt) does the work, because
 *    the DMA calls are not allowed at DIRQL (facts §3.8).
 *
 * Two kinds of memory appear below (see the header comment of ndis.h):
 *  - Our adapter context comes from NdisAllocateMemoryWithTag. It is ordinary host memory
 *    and we use it directly.
 *  - The staging buffer, the receive area and the protocol's packet buffers live in the
 *    simulated PC, where the DMA can reach them. Their addresses are never dereferenced: the
 *    data is moved with NdisMoveMemory, or by the 8237A itself.
 *
 * NDIS 5 serializes a miniport like this one (we do not ask to be deserialized). MiniportSend,
 * MiniportHandleInterrupt and MiniportReturnPacket therefore never run at the same time. Only
 * the ISR can interrupt them, and it touches nothing but two card registers. So the context
 * needs no spin lock.
 */
#include "ndis.h"
#include "dvmini.h"

/* ---- the card's registers (docs/nic.md §2, §3) ----------------------------------------- */

#define NIC_CMD 0x0            /* command */
#define NIC_STATUS 0x1         /* status, read only */
#define NIC_IMR 0x2            /* interrupt mask */
#define NIC_ISR 0x3            /* interrupt status; writing 1 clears a bit */
#define NIC_TXLEN_LO 0x4       /* length of the frame to send */
#define NIC_TXLEN_HI 0x5
#define NIC_RXSTAT_LO 0x6      /* oldest receive status entry, low byte (latches the entry) */
#define NIC_RXSTAT_HI 0x7      /* high byte of the latched entry (pops it) */
#define NIC_STATFIFO_LEVEL 0xA /* entries in the status FIFO */

#define NIC_CMD_TXGO 0x01  /* go bit: send one frame of TXLEN bytes; the card clears it */
#define NIC_CMD_RXEN 0x02  /* receiver on */
#define NIC_CMD_DMATX 0x04 /* DREQ while the TX FIFO has room for bytes of the frame */
#define NIC_CMD_DMARX 0x08 /* DREQ while the RX FIFO holds data */
#define NIC_CMD_RESET 0x80 /* soft reset: empties every FIFO, clears CMD and ISR, keeps IMR */

#define NIC_ST_TXBUSY 0x01  /* a frame is being fetched or sent (TXGO reads 1) */
#define NIC_ST_TXEMPTY 0x02 /* the TX FIFO is empty */

#define NIC_INT_TXDONE 0x01     /* the frame's last byte went onto the wire */
#define NIC_INT_RXDONE 0x02     /* a received frame's last byte left the RX FIFO for memory */
#define NIC_INT_UNDERRUN 0x04   /* the TX FIFO ran dry in the middle of a frame */
#define NIC_INT_OVERRUN 0x08    /* a received byte found the RX FIFO full */
#define NIC_INT_TXOVERFLOW 0x10 /* a DMA cycle brought a byte the card could not take */
#define NIC_INT_TX (NIC_INT_TXDONE | NIC_INT_UNDERRUN | NIC_INT_TXOVERFLOW)
#define NIC_INT_RX (NIC_INT_RXDONE | NIC_INT_OVERRUN)

#define NIC_RXS_ERROR 0x8000 /* status entry: bytes of the frame were lost, drop it */
#define NIC_RXS_LEN 0x07FF   /* status entry: bytes of the frame that went into memory */

/* ---- the driver's constants ------------------------------------------------------------ */

#define DV_MAX_FRAME 1514 /* Ethernet header and 1500 bytes of data; the card adds no FCS */
#define DV_HEADER_SIZE 14 /* Ethernet header */
#define DV_SEND_QUEUE 16  /* packets MiniportSend keeps while the transmitter is busy */
#define DV_RX_FRAMES 8    /* the card's status FIFO depth: no more frames per transfer */

/* Memory the 8237A can reach in place: physically contiguous, below 16 MiB (24 address
 * bits, facts §1.8), and not cached, so the CPU and the DMA see the same bytes. */
#define DV_DMA_MEMORY (NDIS_MEMORY_CONTIGUOUS | NDIS_MEMORY_NONCACHED)
#define DV_HIGHEST_DMA_ADDRESS 0x00FFFFFF

#define DV_TAG 0x694D7644u /* 'DvMi', the pool tag of our context */

/* Between two buffers of a chained send, how often we look at the DMA count, and after how
 * many looks without progress we give up (see DvWaitForTerminalCount). */
#ifndef DVMINI_TX_POLL_US
#define DVMINI_TX_POLL_US 2
#endif
#ifndef DVMINI_TX_POLL_LIMIT
#define DVMINI_TX_POLL_LIMIT 512
#endif

#if DVMINI_RX_AREA < DV_MAX_FRAME || DVMINI_RX_AREA > 0x10000 || DVMINI_RX_AREA % 2 != 0
#error "DVMINI_RX_AREA must hold a whole frame, be even and not exceed 64 KiB (see dvmini.h)"
#endif

/* ---- the adapter context ---------------------------------------------------------------- */

/* One received frame in the receive area. */
typedef struct _DV_RX_FRAME {
	ULONG Offset;
	ULONG Length;
} DV_RX_FRAME;

typedef struct _DV_ADAPTER {
	NDIS_HANDLE MiniportHandle;

	/* Our resources, from NdisMQueryAdapterResources. */
	ULONG IoBase;
	UINT Irq;
	UINT DmaChannel;
	BOOLEAN WordChannel; /* channels 5-7 move 16-bit words */

	NDIS_HANDLE DmaHandle;
	NDIS_MINIPORT_INTERRUPT Interrupt;

	/* DMA-able memory (simulated PC memory: never dereference) and its buffer descriptors. */
	PVOID XmitVa; /* the staging buffer, DV_MAX_FRAME bytes */
	PVOID RcvVa;  /* the receive area, DVMINI_RX_AREA bytes */
	NDIS_HANDLE BufferPool;
	NDIS_HANDLE PacketPool;
	PNDIS_BUFFER xmitDmaBuffer; /* the names of the NSC sample */
	PNDIS_BUFFER rcvDmaBuffer;

	/* Transmit. */
	PNDIS_PACKET SendQueue[DV_SEND_QUEUE];
	UINT SendHead;
	UINT SendCount;
	PNDIS_PACKET TxPacket; /* the packet that owns the transmitter, NULL when it is idle */
	BOOLEAN TxDmaActive;   /* a send transfer is set up; these are its parameters, */
	PNDIS_BUFFER TxBuffer; /* which NdisMCompleteDmaTransfer must get back unchanged */
	ULONG TxOffset;
	ULONG TxLength;
	BOOLEAN TxError;     /* the card reported TXOVERFLOW during this frame */
	ULONG CopyThreshold; /* shorter packets are staged (DvReadConfiguration) */

	/* Receive. */
	BOOLEAN RcvDmaActive; /* the receive transfer is set up; its parameters: */
	ULONG RcvOffset;
	ULONG RcvSize;
	BOOLEAN RcvRestartPending; /* a setup failed; DvStartNextTransfer tries again */
	ULONG RcvResidueHint;      /* the count read before the last receive completion */

	/* The card's interrupt mask for what is running now. MiniportHandleInterrupt writes it
	 * to the card on its way out. */
	UCHAR Imr;
	BOOLEAN InHandleInterrupt;

	/* Counters, for the learner watching this structure. */
	ULONG FramesSent;
	ULONG SendErrors;
	ULONG PacketsCopied;
	ULONG SendTransfers;
	ULONG DmaCountNotZero; /* the NSC sample's "DMA count was not zero" */
	ULONG Underruns;
	ULONG FramesReceived;
	ULONG ReceiveErrors;
	ULONG FramesCut; /* frames only partly in memory when a receive transfer ended */
	ULONG FramesDropped;
	ULONG Overruns;
} DV_ADAPTER, *PDV_ADAPTER;

/* ---- the entry points NDIS calls -------------------------------------------------------- */

static NDIS_STATUS DvMiniportInitialize(PNDIS_STATUS OpenErrorStatus, PUINT SelectedMediumIndex,
                                        PNDIS_MEDIUM MediumArray, UINT MediumArraySize,
                                        NDIS_HANDLE MiniportAdapterHandle,
                                        NDIS_HANDLE WrapperConfigurationContext);
static VOID DvMiniportHalt(NDIS_HANDLE MiniportAdapterContext);
static NDIS_STATUS DvMiniportSend(NDIS_HANDLE MiniportAdapterContext, PNDIS_PACKET Packet,
                                  UINT Flags);
static VOID DvMiniportISR(PBOOLEAN InterruptRecognized, PBOOLEAN QueueMiniportHandleInterrupt,
                          NDIS_HANDLE MiniportAdapterContext);
static VOID DvMiniportHandleInterrupt(NDIS_HANDLE MiniportAdapterContext);
static VOID DvMiniportReturnPacket(NDIS_HANDLE MiniportAdapterContext, PNDIS_PACKET Packet);

/* The helpers, in the order they appear. */
static NDIS_STATUS DvReadResources(PDV_ADAPTER Adapter, NDIS_HANDLE WrapperConfigurationContext);
static VOID DvReadConfiguration(PDV_ADAPTER Adapter, NDIS_HANDLE WrapperConfigurationContext);
static NDIS_STATUS DvResetCard(PDV_ADAPTER Adapter);
static NDIS_STATUS DvRegisterDmaChannel(PDV_ADAPTER Adapter);
static NDIS_STATUS DvAllocateDmaMemory(PDV_ADAPTER Adapter);
static VOID DvFreeDmaMemory(PDV_ADAPTER Adapter);
static NDIS_STATUS DvAllocateDescriptors(PDV_ADAPTER Adapter);
static VOID DvFreeDescriptors(PDV_ADAPTER Adapter);
static VOID DvSetImr(PDV_ADAPTER Adapter, UCHAR Mask);
static VOID DvFlushCard(PDV_ADAPTER Adapter);
static NDIS_STATUS DvSetupRecv(PDV_ADAPTER Adapter);
static VOID DvStopReceive(PDV_ADAPTER Adapter, BOOLEAN KeepListening);
static UINT DvTakeFrames(PDV_ADAPTER Adapter, ULONG EndOfData, DV_RX_FRAME *Frames);
static VOID DvIndicateFrame(PDV_ADAPTER Adapter, ULONG Offset, ULONG Length);
static VOID DvFreeReceivePacket(PNDIS_PACKET Packet);
static BOOLEAN DvEnqueue(PDV_ADAPTER Adapter, PNDIS_PACKET Packet);
static PNDIS_PACKET DvDequeue(PDV_ADAPTER Adapter);
static NDIS_STATUS DvTransmit(PDV_ADAPTER Adapter, PNDIS_PACKET Packet);
static VOID DvStartNextTransfer(PDV_ADAPTER Adapter);
static NDIS_STATUS DvStartPacket(PDV_ADAPTER Adapter, PNDIS_PACKET Packet);
static BOOLEAN DvChainFitsChannel(PDV_ADAPTER Adapter, PNDIS_BUFFER Buffer);
static NDIS_STATUS DvSendStaged(PDV_ADAPTER Adapter, PNDIS_BUFFER Buffer);
static NDIS_STATUS DvSendChain(PDV_ADAPTER Adapter, PNDIS_BUFFER Buffer, ULONG FrameLength);
static PNDIS_BUFFER DvSkipEmptyBuffers(PNDIS_BUFFER Buffer);
static NDIS_STATUS DvStartFrame(PDV_ADAPTER Adapter, PNDIS_BUFFER Buffer, ULONG SetupLength,
                                ULONG FrameLength);
static NDIS_STATUS DvSetupSend(PDV_ADAPTER Adapter, PNDIS_BUFFER Buffer, ULONG Length);
static NDIS_STATUS DvCompleteSend(PDV_ADAPTER Adapter);
static BOOLEAN DvWaitForTerminalCount(PDV_ADAPTER Adapter);
static VOID DvAbortFrame(PDV_ADAPTER Adapter);
static VOID DvHandleReceive(PDV_ADAPTER Adapter, UCHAR Isr);
static VOID DvHandleTransmit(PDV_ADAPTER Adapter, UCHAR Isr);
static VOID DvFailPendingSends(PDV_ADAPTER Adapter);

/* ========================================================================================= */
/* DriverEntry                                                                               */
/* ========================================================================================= */

NTSTATUS DvMiniDriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
	NDIS_HANDLE WrapperHandle = NULL;
	NDIS_MINIPORT_CHARACTERISTICS Chars;

	/* The first NDIS call of every miniport. It ties what we register next to this driver. */
	NdisMInitializeWrapper(&WrapperHandle, DriverObject, RegistryPath, NULL);

	/* Handlers we leave out must be NULL, so start from zero. Our context is host memory
	 * and NdisZeroMemory works on it too. */
	NdisZeroMemory(&Chars, sizeof(Chars));
	Chars.MajorNdisVersion = 5;
	Chars.MinorNdisVersion = 0;
	Chars.InitializeHandler = DvMiniportInitialize;
	Chars.HaltHandler = DvMiniportHalt;
	Chars.SendHandler = DvMiniportSend;
	Chars.ISRHandler = DvMiniportISR;
	Chars.HandleInterruptHandler = DvMiniportHandleInterrupt;
	Chars.ReturnPacketHandler = DvMiniportReturnPacket;

	/* Hand NDIS our entry points. From now on it calls us, starting with
	 * MiniportInitialize for each card it finds. (A Windows driver would call
	 * NdisTerminateWrapper on failure; this NDIS has nothing to release.) */
	return NdisMRegisterMiniport(WrapperHandle, &Chars, sizeof(Chars));
}

/* ========================================================================================= */
/* MiniportInitialize (PASSIVE_LEVEL)                                                        */
/* ========================================================================================= */

static NDIS_STATUS DvMiniportInitialize(PNDIS_STATUS OpenErrorStatus, PUINT SelectedMediumIndex,
                                        PNDIS_MEDIUM MediumArray, UINT MediumArraySize,
                                        NDIS_HANDLE MiniportAdapterHandle,
                                        NDIS_HANDLE WrapperConfigurationContext)
{
	PDV_ADAPTER Adapter;
	PVOID Memory;
	NDIS_STATUS Status;
	UINT i;

	(void)OpenErrorStatus; /* only token ring uses it */

	/* 1. We speak Ethernet (802.3). NDIS offers a list of media; pick ours or refuse. */
	for (i = 0; i < MediumArraySize; i++) {
		if (MediumArray[i] == NdisMedium802_3)
			break;
	}
	if (i == MediumArraySize)
		return NDIS_STATUS_UNSUPPORTED_MEDIA;
	*SelectedMediumIndex = i;

	/* 2. The adapter context: ordinary memory for the driver's own use, no DMA. */
	Status = NdisAllocateMemoryWithTag(&Memory, sizeof(DV_ADAPTER), DV_TAG);
	if (Status != NDIS_STATUS_SUCCESS)
		return NDIS_STATUS_RESOURCES;
	Adapter = Memory;
	NdisZeroMemory(Adapter, sizeof(DV_ADAPTER));
	Adapter->MiniportHandle = MiniportAdapterHandle;
	Adapter->RcvOffset = 0;
	Adapter->RcvSize = DVMINI_RX_AREA;

	/* 3. Where the card is (I/O ports, IRQ line, DMA channel), then our settings. */
	Status = DvReadResources(Adapter, WrapperConfigurationContext);
	if (Status != NDIS_STATUS_SUCCESS)
		goto FreeAdapter;
	DvReadConfiguration(Adapter, WrapperConfigurationContext);
	/* 4. Tell NDIS which context to pass to our handlers, and that we are NOT a bus master:
	 *    the card uses the PC's system DMA controller. NdisMRegisterDmaChannel must come
	 *    after this call (facts §3.3). */
	NdisMSetAttributes(MiniportAdapterHandle, Adapter, FALSE, NdisInterfaceIsa);

	/* 5. Quiet the card before anything can reach its IRQ line or DREQ line. */
	Status = DvResetCard(Adapter);
	if (Status != NDIS_STATUS_SUCCESS)
		goto FreeAdapter;

	/* 6. Claim the DMA channel. */
	Status = DvRegisterDmaChannel(Adapter);
	if (Status != NDIS_STATUS_SUCCESS)
		goto FreeAdapter; /* "release all resources ... fail initialization" (facts §3.3) */

	/* 7. Connect our ISR to the card's IRQ. ISA interrupts are edge-triggered (latched),
	 *    and the card does not share its line. RequestIsr TRUE: NDIS calls our
	 *    MiniportISR on every interrupt, and we decide whether the DPC runs. */
	Status = NdisMRegisterInterrupt(&Adapter->Interrupt, MiniportAdapterHandle, Adapter->Irq, Adapter->Irq, TRUE, FALSE, NdisInterruptLatched);
	if (Status != NDIS_STATUS_SUCCESS)
		goto DeregisterDma;

	/* 8. The staging buffer and the receive area, in memory the 8237A can reach. */
	Status = DvAllocateDmaMemory(Adapter);
	if (Status != NDIS_STATUS_SUCCESS)
		goto DeregisterInterrupt;

	/* 9. Buffer descriptors over that memory, and packets for receive indications. */
	Status = DvAllocateDescriptors(Adapter);
	if (Status != NDIS_STATUS_SUCCESS)
		goto FreeDmaMemory;

	/* 10. Start receiving. If the very first transfer cannot be set up, something is
	 *     badly wrong: fail, rather than run a card that can never receive. */
	Status = DvSetupRecv(Adapter);
	if (Status != NDIS_STATUS_SUCCESS)
		goto FreeDescriptors;

	return NDIS_STATUS_SUCCESS;

	/* Every failure undoes exactly what was done before it, in reverse order. */
FreeDescriptors:
	DvFreeDescriptors(Adapter);
FreeDmaMemory:
	DvFreeDmaMemory(Adapter);
DeregisterInterrupt:
	NdisMDeregisterInterrupt(&Adapter->Interrupt);
DeregisterDma:
	/* A successful NdisMRegisterDmaChannel obliges a NdisMDeregisterDmaChannel, allowed
	 * only here and in MiniportHalt (facts §3.7). */
	NdisMDeregisterDmaChannel(Adapter->DmaHandle);
FreeAdapter:
	NdisFreeMemory(Adapter, sizeof(DV_ADAPTER), 0);
	return Status;
}

/* Reads the port base, IRQ and DMA channel that NDIS assigned to the card. */
static NDIS_STATUS DvReadResources(PDV_ADAPTER Adapter, NDIS_HANDLE WrapperConfigurationContext)
{
	NDIS_RESOURCE_LIST Resources;
	UINT Size = sizeof(Resources);
	NDIS_STATUS Status;
	BOOLEAN HavePort = FALSE;
	BOOLEAN HaveIrq = FALSE;
	BOOLEAN HaveDma = FALSE;
	ULONG i;

	NdisMQueryAdapterResources(&Status, WrapperConfigurationContext, &Resources, &Size);
	if (Status != NDIS_STATUS_SUCCESS)
		return Status;

	for (i = 0; i < Resources.Count && i < sizeof(Resources.PartialDescriptors) /
	                                           sizeof(Resources.PartialDescriptors[0]); i++) {
		PCM_PARTIAL_RESOURCE_DESCRIPTOR Resource = &Resources.PartialDescriptors[i];

		switch (Resource->Type) {
		case CmResourceTypePort:
			Adapter->IoBase = Resource->u.Port.Start.u.LowPart;
			HavePort = TRUE;
			break;
		case CmResourceTypeInterrupt:
			Adapter->Irq = Resource->u.Interrupt.Level;
			HaveIrq = TRUE;
			break;
		case CmResourceTypeDma:
			Adapter->DmaChannel = Resource->u.Dma.Channel;
			HaveDma = TRUE;
			break;
		default:
			break;
		}
	}
	if (!HavePort || !HaveIrq || !HaveDma)
		return NDIS_STATUS_ADAPTER_NOT_FOUND;

	/* On a PC/AT, channels 0-3 (the first 8237A) move bytes and channels 5-7 (the second)
	 * move words (facts §1.1). */
	Adapter->WordChannel = Adapter->DmaChannel >= 4;
	return NDIS_STATUS_SUCCESS;
}

/* Soft-resets the card and checks that it is there. */
static NDIS_STATUS DvResetCard(PDV_ADAPTER Adapter)
{
	UCHAR CardStatus;

	/* RESET empties the FIFOs and clears CMD and ISR, but keeps IMR: clear that ourselves,
	 * so the card cannot interrupt before we are ready (docs/nic.md §9.2). */
	NdisRawWritePortUchar(Adapter->IoBase + NIC_CMD, NIC_CMD_RESET);
	NdisRawWritePortUchar(Adapter->IoBase + NIC_IMR, 0);

	/* A port where no card answers reads 0xFF: nothing drives the ISA data bus. A reset
	 * card reports an empty TX FIFO. */
	NdisRawReadPortUchar(Adapter->IoBase + NIC_STATUS, &CardStatus);
	if (CardStatus == 0xFF || !(CardStatus & NIC_ST_TXEMPTY))
		return NDIS_STATUS_ADAPTER_NOT_FOUND;
	return NDIS_STATUS_SUCCESS;
}

/* Describes our use of the channel to NDIS and the HAL, and claims it. */
static NDIS_STATUS DvRegisterDmaChannel(PDV_ADAPTER Adapter)
{
	NDIS_DMA_DESCRIPTION Dma;

	/* Zero it first: every field we do not set must be 0. DmaPort is an MCA leftover and
	 * must stay 0 (facts §3.2). */
	NdisZeroMemory(&Dma, sizeof(Dma));
	Dma.DemandMode = TRUE;     /* the card holds DREQ while its FIFO allows (NSC: the same) */
	Dma.AutoInitialize = FALSE; /* one transfer per Setup; the 8237A masks the channel at TC */
	Dma.DmaChannelSpecified = TRUE;
	/* The width must match the chip, or the HAL refuses the adapter (facts §5 point 17). */
	Dma.DmaWidth = Adapter->WordChannel ? Width16Bits : Width8Bits;
	Dma.DmaSpeed = Compatible; /* ISA timing */
	Dma.DmaPort = 0;
	/* The channel comes from here. The DmaChannel argument of NdisMRegisterDmaChannel is
	 * ignored (facts §3.3); we pass the same number anyway. */
	Dma.DmaChannel = Adapter->DmaChannel;

	/* Dma32BitAddresses FALSE: the 8237A and its page registers make 24-bit addresses.
	 * MaximumLength: the largest single transfer we will ask for, a receive into the whole
	 * area (a send is at most DV_MAX_FRAME bytes). The HAL sizes its map registers from it. */
	return NdisMRegisterDmaChannel(&Adapter->DmaHandle, Adapter->MiniportHandle, Adapter->DmaChannel, FALSE, &Dma, DVMINI_RX_AREA);
}

/* The staging buffer and the receive area. */
static NDIS_STATUS DvAllocateDmaMemory(PDV_ADAPTER Adapter)
{
	NDIS_PHYSICAL_ADDRESS Highest;
	NDIS_STATUS Status;

	/* Below 16 MiB and physically contiguous, so the 8237A reaches every byte in place and
	 * the HAL never has to bounce these buffers. NdisAllocateMemory also keeps a contiguous
	 * allocation of up to 64 KiB inside one 64 KiB block, so a transfer never crosses the
	 * boundary where the 8237A's address counter wraps (facts §1.8). The NSC sample
	 * allocates its buffers the same way (facts §4.0 step 4). */
	Highest.QuadPart = DV_HIGHEST_DMA_ADDRESS;

	Status = NdisAllocateMemory(&Adapter->XmitVa, DV_MAX_FRAME, DV_DMA_MEMORY, Highest);
	if (Status != NDIS_STATUS_SUCCESS)
		return NDIS_STATUS_RESOURCES;

	Status = NdisAllocateMemory(&Adapter->RcvVa, DVMINI_RX_AREA, DV_DMA_MEMORY, Highest);
	if (Status != NDIS_STATUS_SUCCESS) {
		NdisFreeMemory(Adapter->XmitVa, DV_MAX_FRAME, DV_DMA_MEMORY);
		Adapter->XmitVa = NULL;
		return NDIS_STATUS_RESOURCES;
	}
	return NDIS_STATUS_SUCCESS;
}

static VOID DvFreeDmaMemory(PDV_ADAPTER Adapter)
{
	NdisFreeMemory(Adapter->RcvVa, DVMINI_RX_AREA, DV_DMA_MEMORY);
	NdisFreeMemory(Adapter->XmitVa, DV_MAX_FRAME, DV_DMA_MEMORY);
	Adapter->RcvVa = NULL;
	Adapter->XmitVa = NULL;
}

/* NdisMSetupDmaTransfer takes a buffer descriptor (an MDL), not an address: describe our two
 * DMA buffers with one each. Receive indications need packets and buffer descriptors too. */
static NDIS_STATUS DvAllocateDescriptors(PDV_ADAPTER Adapter)
{
	NDIS_STATUS Status;

	/* Two for our DMA buffers, one per frame of a receive indication. */
	NdisAllocateBufferPool(&Status, &Adapter->BufferPool, 2 + DV_RX_FRAMES);
	if (Status != NDIS_STATUS_SUCCESS)
		return Status;

	NdisAllocateBuffer(&Status, &Adapter->xmitDmaBuffer, Adapter->BufferPool, Adapter->XmitVa, DV_MAX_FRAME);
	if (Status != NDIS_STATUS_SUCCESS)
		goto FreeBufferPool;

	NdisAllocateBuffer(&Status, &Adapter->rcvDmaBuffer, Adapter->BufferPool, Adapter->RcvVa, DVMINI_RX_AREA);
	if (Status != NDIS_STATUS_SUCCESS)
		goto FreeXmitBuffer;

	/* 16 bytes of ProtocolReserved in each packet, as NDIS_PACKET has. */
	NdisAllocatePacketPool(&Status, &Adapter->PacketPool, DV_RX_FRAMES, 16);
	if (Status != NDIS_STATUS_SUCCESS)
		goto FreeRcvBuffer;

	return NDIS_STATUS_SUCCESS;

FreeRcvBuffer:
	NdisFreeBuffer(Adapter->rcvDmaBuffer);
FreeXmitBuffer:
	NdisFreeBuffer(Adapter->xmitDmaBuffer);
FreeBufferPool:
	NdisFreeBufferPool(Adapter->BufferPool);
	return Status;
}

static VOID DvFreeDescriptors(PDV_ADAPTER Adapter)
{
	NdisFreePacketPool(Adapter->PacketPool);
	NdisFreeBuffer(Adapter->rcvDmaBuffer);
	NdisFreeBuffer(Adapter->xmitDmaBuffer);
	NdisFreeBufferPool(Adapter->BufferPool);
}

/* ========================================================================================= */
/* Small card helpers                                                                        */
/* ========================================================================================= */

/* Sets the card's interrupt mask for what runs now. Inside MiniportHandleInterrupt the card
 * stays masked (our ISR cleared IMR), and the DPC writes the new mask once, when it ends. */
static VOID DvSetImr(PDV_ADAPTER Adapter, UCHAR Mask)
{
	Adapter->Imr = Mask;
	if (!Adapter->InHandleInterrupt)
		NdisRawWritePortUchar(Adapter->IoBase + NIC_IMR, Mask);
}

/* Soft reset in the middle of work: it empties the TX, RX and status FIFOs, stops a frame on
 * the wire, ignores the rest of a frame that is arriving, clears CMD and ISR, and keeps IMR
 * and TXLEN (docs/nic.md §9.2). The NSC sample resets its FIFOs after an underrun the same
 * way (facts §4.1 step 12). */
static VOID DvFlushCard(PDV_ADAPTER Adapter)
{
	NdisRawWritePortUchar(Adapter->IoBase + NIC_CMD, NIC_CMD_RESET);
}

/* ========================================================================================= */
/* Receive                                                                                   */
/* ========================================================================================= */

/* Starts a receive transfer over the receive area. The NSC sample's SetupRecv
 * (facts §4.2 steps 1-4). */
static NDIS_STATUS DvSetupRecv(PDV_ADAPTER Adapter)
{
	NDIS_STATUS Status;

	/* Program the 8237A for I/O -> memory into the area: WriteToDevice FALSE. Offset and
	 * Length select the part of rcvDmaBuffer to fill. We always use all of it, from offset
	 * 0, because every frame is handed up and given back before the next transfer starts
	 * (see DvIndicateFrame). The NSC sample instead starts each transfer in the largest free
	 * gap, because its protocol may keep frames in the area for a while. */
	NdisMSetupDmaTransfer(&Status, Adapter->DmaHandle, Adapter->rcvDmaBuffer, Adapter->RcvOffset, Adapter->RcvSize, FALSE);
	if (Status != NDIS_STATUS_SUCCESS) {
		/* RESOURCES: the channel still holds a transfer ("currently in use"), or the
		 * length is invalid. Leave the receiver off. DvStartNextTransfer tries again when
		 * the channel is free. */
		Adapter->RcvRestartPending = TRUE;
		return Status;
	}
	Adapter->RcvDmaActive = TRUE;
	Adapter->RcvRestartPending = FALSE;

	/* Only now start the card: "On return from NdisMSetupDmaTransfer, the host DMA
	 * controller has been programmed ... The miniport driver then programs the NIC". */
	DvSetImr(Adapter, NIC_INT_RX);
	NdisRawWritePortUchar(Adapter->IoBase + NIC_CMD, NIC_CMD_RXEN | NIC_CMD_DMARX);
	return NDIS_STATUS_SUCCESS;
}

/* Ends the receive transfer and hands every frame that is wholly in memory to NDIS. Called
 * from the DPC when the card reports a frame (KeepListening TRUE: the receiver stays on and
 * the card holds what arrives in its FIFO until the next transfer), and before a send takes
 * the channel (FALSE: the receiver goes off, as the channel moves one way at a time). This is the
 * NSC sample's FIR_DeliverFrames (facts §4.2 steps 7-10). */
static VOID DvStopReceive(PDV_ADAPTER Adapter, BOOLEAN KeepListening)
{
	DV_RX_FRAME Frames[DV_RX_FRAMES];
	NDIS_STATUS Status;
	ULONG Residue;
	ULONG EndOfData;
	UINT FrameCount = 0;
	UINT i;

	/* 1. A first look at the count while the transfer is still live. It is only a hint,
	 *    because the 8237A may still be moving bytes. The NSC sample compares such reads to
	 *    see whether data is still flowing. Compare it in the trace with the exact residue
	 *    read after the completion (step 4). */
	Adapter->RcvResidueHint = NdisMReadDmaCounter(Adapter->DmaHandle);

	/* 2. Stop the card from asking for DMA before we take the channel away. If DMARX stayed
	 *    on, its DREQ would stay high. Once the channel is set up for a send, the 8237A would
	 *    answer that DREQ with memory-to-card cycles the card never asked for. */
	NdisRawWritePortUchar(Adapter->IoBase + NIC_CMD, KeepListening ? NIC_CMD_RXEN : 0);

	/* 3. End the transfer BEFORE anyone touches the data: "NdisMCompleteDmaTransfer must be
	 *    called with WriteToDevice set to FALSE before the transferred data can be read from
	 *    host memory." It masks the channel, copies back a bounce buffer if the HAL used one,
	 *    and flushes. Same buffer, offset, length and direction as the Setup. */
	NdisMCompleteDmaTransfer(&Status, Adapter->DmaHandle, Adapter->rcvDmaBuffer, Adapter->RcvOffset, Adapter->RcvSize, FALSE);
	Adapter->RcvDmaActive = FALSE;

	if (Status == NDIS_STATUS_SUCCESS) {
		/* 4. The exact residue. The Complete masked the channel but left its count alone, so
		 *    this is what did NOT move (facts §3.5 step 3). The bytes before EndOfData are
		 *    in memory. */
		Residue = NdisMReadDmaCounter(Adapter->DmaHandle);
		EndOfData = Adapter->RcvOffset + (Adapter->RcvSize - Residue);

		/* 5. Match the bytes to the card's status entries. */
		FrameCount = DvTakeFrames(Adapter, EndOfData, Frames);
	} else {
		/* "The DMA controller was released but the data transfer might be incoherent."
		 * Trust none of it. The NSC sample pretends nothing arrived (facts §4.2 step 9). We
		 * also flush the card, so that its status entries and the bytes of the next
		 * transfer still agree. */
		Adapter->ReceiveErrors++;
		DvFlushCard(Adapter);
	}

	/* 6. On the send path, those frames' RXDONE/OVERRUN bits may still be set: clear them,
	 *    so they raise no second interrupt. (The DPC acknowledged them already.) */
	if (!Adapter->InHandleInterrupt)
		NdisRawWritePortUchar(Adapter->IoBase + NIC_ISR, NIC_INT_RX);

	/* 7. Hand them up, one at a time. */
	for (i = 0; i < FrameCount; i++)
		DvIndicateFrame(Adapter, Frames[i].Offset, Frames[i].Length);
}

/* Walks the card's status FIFO over the bytes that reached memory, [RcvOffset, EndOfData).
 * Frames lie back to back in the area in the order of their status entries, and every byte
 * belongs to exactly one entry (docs/nic.md §3.5). Fills Frames with the good frames that lie
 * wholly in memory and returns their number. */
static UINT DvTakeFrames(PDV_ADAPTER Adapter, ULONG EndOfData, DV_RX_FRAME *Frames)
{
	ULONG Offset = Adapter->RcvOffset;
	UINT Count = 0;

	while (Offset < EndOfData) {
		UCHAR Level, Lo, Hi;
		ULONG Entry, Length, Span;

		NdisRawReadPortUchar(Adapter->IoBase + NIC_STATFIFO_LEVEL, &Level);
		if (Level == 0) {
			/* Bytes in memory but no entry yet: that frame is still arriving. The card
			 * would deliver its tail to the start of the next transfer, where we could not
			 * tell it from a new frame. Drop the frame and flush the card, so the next
			 * transfer starts at a frame boundary. */
			Adapter->FramesCut++;
			DvFlushCard(Adapter);
			break;
		}

		/* Read an entry as a pair, LO first: LO latches the oldest entry, HI pops it. */
		NdisRawReadPortUchar(Adapter->IoBase + NIC_RXSTAT_LO, &Lo);
		NdisRawReadPortUchar(Adapter->IoBase + NIC_RXSTAT_HI, &Hi);
		Entry = (ULONG)Hi << 8 | Lo;
		Length = Entry & NIC_RXS_LEN;

		/* On a 16-bit channel the card pads an odd-length frame to a whole word, so every
		 * frame starts at an even address (docs/nic.md §4.4). */
		Span = Adapter->WordChannel ? (Length + 1) & ~1ul : Length;

		if (Offset + Span > EndOfData) {
			/* The entry is here, but the frame's tail is still in the card's FIFO (the
			 * entry comes when the frame ends on the wire, before its last bytes reach
			 * memory). Its entry is popped now, so drop it and flush, as above. */
			Adapter->FramesCut++;
			DvFlushCard(Adapter);
			break;
		}

		if ((Entry & NIC_RXS_ERROR) || Length < DV_HEADER_SIZE) {
			Adapter->ReceiveErrors++; /* bytes were lost, or not even a header */
		} else if (Count < DV_RX_FRAMES) {
			Frames[Count].Offset = Offset;
			Frames[Count].Length = Length;
			Count++;
		} else {
			Adapter->FramesDropped++;
		}
		Offset += Span; /* a bad frame's LENGTH still says how far to skip */
	}
	return Count;
}

/* Indicates one received frame, in place: no copy by the driver. */
static VOID DvIndicateFrame(PDV_ADAPTER Adapter, ULONG Offset, ULONG Length)
{
	PNDIS_PACKET Packet;
	PNDIS_BUFFER Buffer;
	NDIS_STATUS Status;

	NdisAllocatePacket(&Status, &Packet, Adapter->PacketPool);
	if (Status != NDIS_STATUS_SUCCESS) {
		Adapter->FramesDropped++;
		return;
	}

	/* A buffer descriptor that points INTO the receive area, as the NSC sample's receive
	 * descriptors do (facts §4.2 step 10). We only compute the address; we never read
	 * through it. */
	NdisAllocateBuffer(&Status, &Buffer, Adapter->BufferPool, (PUCHAR)Adapter->RcvVa + Offset, Length);
	if (Status != NDIS_STATUS_SUCCESS) {
		NdisFreePacket(Packet);
		Adapter->FramesDropped++;
		return;
	}
	NdisChainBufferAtFront(Packet, Buffer);
	NDIS_SET_PACKET_HEADER_SIZE(Packet, DV_HEADER_SIZE);

	/* RESOURCES: "The driver is retaining ownership of the packet". The protocol must copy
	 * the data during the indication and gives the packet back when the call returns. We
	 * need that, because the next receive transfer reuses the area from offset 0. A driver
	 * with room to spare would set SUCCESS, let the protocol keep the packet, and get it
	 * back later through MiniportReturnPacket, as the NSC sample does (facts §4.2 step 11). */
	NDIS_SET_PACKET_STATUS(Packet, NDIS_STATUS_RESOURCES);
	NdisMIndicateReceivePacket(Adapter->MiniportHandle, &Packet, 1);
	Adapter->FramesReceived++;

	/* PENDING would mean a protocol kept the packet anyway. DvMiniportReturnPacket then
	 * frees it, though by that time the area holds newer frames. */
	if (NDIS_GET_PACKET_STATUS(Packet) != NDIS_STATUS_PENDING)
		DvFreeReceivePacket(Packet);
}

static VOID DvFreeReceivePacket(PNDIS_PACKET Packet)
{
	PNDIS_BUFFER Buffer;

	NdisUnchainBufferAtFront(Packet, &Buffer);
	if (Buffer != NULL)
		NdisFreeBuffer(Buffer);
	NdisFreePacket(Packet);
}

/* ========================================================================================= */
/* MiniportReturnPacket                                                                      */
/* ========================================================================================= */

/* Gets back a receive packet that a protocol kept (see DvIndicateFrame). */
static VOID DvMiniportReturnPacket(NDIS_HANDLE MiniportAdapterContext, PNDIS_PACKET Packet)
{
	(void)MiniportAdapterContext;
	DvFreeReceivePacket(Packet);
}

/* ========================================================================================= */
/* MiniportSend (DISPATCH_LEVEL)                                                             */
/* ========================================================================================= */

static NDIS_STATUS DvMiniportSend(NDIS_HANDLE MiniportAdapterContext, PNDIS_PACKET Packet,
                                  UINT Flags)
{
	PDV_ADAPTER Adapter = MiniportAdapterContext;
	UINT TotalLength;
	NDIS_STATUS Status;

	(void)Flags;

	NdisQueryPacket(Packet, NULL, NULL, NULL, &TotalLength);
	if (TotalLength == 0 || TotalLength > DV_MAX_FRAME)
		return NDIS_STATUS_FAILURE; /* not PENDING: NDIS completes the packet for us */

	if (Adapter->TxPacket != NULL) {
		/* The transmitter is busy. Keep the packet; the DPC starts it when the frame on the
		 * wire is done. When our queue is full, RESOURCES tells a serialized miniport's
		 * NDIS to keep the packet itself and try again later. */
		if (!DvEnqueue(Adapter, Packet))
			return NDIS_STATUS_RESOURCES;
		return NDIS_STATUS_PENDING;
	}

	Status = DvTransmit(Adapter, Packet);
	if (Status != NDIS_STATUS_SUCCESS) {
		/* Nothing is set up, so the channel is free: give it back to the receiver (or to a
		 * packet queued meanwhile). Returning the failure itself, not PENDING, completes
		 * the packet. */
		DvStartNextTransfer(Adapter);
		return Status;
	}

	/* The frame is under way. NdisMSendComplete follows from the DPC. */
	return NDIS_STATUS_PENDING;
}

static BOOLEAN DvEnqueue(PDV_ADAPTER Adapter, PNDIS_PACKET Packet)
{
	if (Adapter->SendCount == DV_SEND_QUEUE)
		return FALSE;
	Adapter->SendQueue[(Adapter->SendHead + Adapter->SendCount) % DV_SEND_QUEUE] = Packet;
	Adapter->SendCount++;
	return TRUE;
}

static PNDIS_PACKET DvDequeue(PDV_ADAPTER Adapter)
{
	PNDIS_PACKET Packet = Adapter->SendQueue[Adapter->SendHead];

	Adapter->SendHead = (Adapter->SendHead + 1) % DV_SEND_QUEUE;
	Adapter->SendCount--;
	return Packet;
}

/* Puts Packet on the wire. On failure the transmitter is free again and no transfer is set
 * up. */
static NDIS_STATUS DvTransmit(PDV_ADAPTER Adapter, PNDIS_PACKET Packet)
{
	NDIS_STATUS Status;

	/* Claim the transmitter first. The receive indications below may call MiniportSend
	 * again, and that call must queue its packet. */
	Adapter->TxPacket = Packet;

	/* One channel serves both directions, and it holds one transfer at a time: a second
	 * NdisMSetupDmaTransfer before NdisMCompleteDmaTransfer returns RESOURCES ("currently in
	 * use", facts §5 point 1). So, like the NSC sample's SendCurrentPacket (facts §4.1 step
	 * 3), end the receive transfer first, and keep the frames that made it. */
	if (Adapter->RcvDmaActive)
		DvStopReceive(Adapter, FALSE);

	Status = DvStartPacket(Adapter, Packet);
	if (Status != NDIS_STATUS_SUCCESS) {
		Adapter->TxPacket = NULL;
		Adapter->SendErrors++;
	}
	return Status;
}

/* Gives the channel its next job when the transmitter is idle: a queued packet if there is
 * one, otherwise receive. The NSC sample's ProcessSendQueue (facts §4.1 step 13). */
static VOID DvStartNextTransfer(PDV_ADAPTER Adapter)
{
	while (Adapter->TxPacket == NULL && Adapter->SendCount > 0) {
		PNDIS_PACKET Packet = DvDequeue(Adapter);
		NDIS_STATUS Status = DvTransmit(Adapter, Packet);

		/* We returned PENDING for a queued packet, so it must come back through
		 * NdisMSendComplete, failure or not. */
		if (Status != NDIS_STATUS_SUCCESS)
			NdisMSendComplete(Adapter->MiniportHandle, Packet, Status);
	}
	if (Adapter->TxPacket == NULL && !Adapter->RcvDmaActive)
		(void)DvSetupRecv(Adapter);
}

/* Chooses the copy path or the chain path and starts the first transfer. */
static NDIS_STATUS DvStartPacket(PDV_ADAPTER Adapter, PNDIS_PACKET Packet)
{
	PNDIS_BUFFER FirstBuffer;
	UINT TotalLength;

	NdisQueryPacket(Packet, NULL, NULL, &FirstBuffer, &TotalLength);
	Adapter->TxError = FALSE;

	if (TotalLength < Adapter->CopyThreshold || !DvChainFitsChannel(Adapter, FirstBuffer))
		return DvSendStaged(Adapter, FirstBuffer);
	return DvSendChain(Adapter, FirstBuffer, TotalLength);
}

/* On a 16-bit channel (5-7) the 8237A moves words from even addresses, and the HAL refuses an
 * odd length (facts §5 point 2). Every buffer of the chain must then start at an even
 * address and hold an even number of bytes; otherwise the packet goes through the staging
 * buffer. A buffer's physical address has the same parity as its offset within its page
 * (pages are 4 KiB aligned), and NdisQueryBufferOffset gives that offset. */
static BOOLEAN DvChainFitsChannel(PDV_ADAPTER Adapter, PNDIS_BUFFER Buffer)
{
	UINT Offset, Length;

	if (!Adapter->WordChannel)
		return TRUE;
	while (Buffer != NULL) {
		NdisQueryBufferOffset(Buffer, &Offset, &Length);
		if ((Offset | Length) & 1)
			return FALSE;
		NdisGetNextBuffer(Buffer, &Buffer);
	}
	return TRUE;
}

/* The small-packet path of NdisMSetupDmaTransfer's Remarks: "copy the packet data into an
 * internal staging buffer and pass a driver-allocated buffer descriptor mapping that buffer".
 * The result is one transfer and one interrupt. The staging buffer lies below 16 MiB inside
 * one 64 KiB block, so the HAL never bounces it. (The NSC sample copies every packet, of
 * any size: facts §4.3.) */
static NDIS_STATUS DvSendStaged(PDV_ADAPTER Adapter, PNDIS_BUFFER Buffer)
{
	ULONG Copied = 0;
	ULONG SetupLength;

	while (Buffer != NULL) {
		PVOID Va;
		UINT Length;

		NdisQueryBuffer(Buffer, &Va, &Length);
		if (Copied + Length > DV_MAX_FRAME)
			return NDIS_STATUS_FAILURE; /* the chain is longer than the packet said */
		/* Both sides are simulated memory: NdisMoveMemory, never memcpy. With the
		 * non-coherent cache on, the copy may sit in dirty cache lines until
		 * NdisMSetupDmaTransfer flushes them (facts §3.4 step 4). */
		if (Length != 0)
			NdisMoveMemory((PUCHAR)Adapter->XmitVa + Copied, Va, Length);
		Copied += Length;
		NdisGetNextBuffer(Buffer, &Buffer);
	}
	if (Copied == 0)
		return NDIS_STATUS_FAILURE;

	/* A 16-bit channel moves whole words: round up. The card drops the pad byte of an
	 * odd-length frame (docs/nic.md §4.4). DV_MAX_FRAME is even, so the staging buffer
	 * always has room for it. */
	SetupLength = Adapter->WordChannel ? (Copied + 1) & ~1ul : Copied;

	Adapter->PacketsCopied++;
	return DvStartFrame(Adapter, Adapter->xmitDmaBuffer, SetupLength, Copied);
}

/* The large-packet path: no copy. One transfer per chained buffer, straight from the
 * protocol's memory. The HAL bounces a buffer that the 8237A cannot reach in place, one above
 * 16 MiB or one across a 64 KiB boundary (facts §3.4 step 5, §5 points 8-9).
 *
 * The card sends one frame of TXLEN bytes and keeps asking for bytes until it has them all
 * (docs/nic.md §4.1). So the first transfer starts the frame with TXGO, and each later
 * transfer only continues it. The card never learns where one buffer ends and the next
 * begins. */
static NDIS_STATUS DvSendChain(PDV_ADAPTER Adapter, PNDIS_BUFFER Buffer, ULONG FrameLength)
{
	NDIS_STATUS Status;
	UINT Offset, Length;

	Buffer = DvSkipEmptyBuffers(Buffer);
	if (Buffer == NULL)
		return NDIS_STATUS_FAILURE;
	NdisQueryBufferOffset(Buffer, &Offset, &Length);
	Status = DvStartFrame(Adapter, Buffer, Length, FrameLength);
	if (Status != NDIS_STATUS_SUCCESS)
		return Status;

	for (;;) {
		NdisGetNextBuffer(Buffer, &Buffer);
		Buffer = DvSkipEmptyBuffers(Buffer);
		if (Buffer == NULL)
			return NDIS_STATUS_SUCCESS; /* the last transfer ends with the TXDONE interrupt */

		/* The card raises no interrupt when one transfer reaches terminal count. It ignores
		 * TC and knows only frames (docs/nic.md §4.2: "The driver learns about TC from the
		 * 8237A ... not from the card"). So we wait here and watch the count. */
		if (!DvWaitForTerminalCount(Adapter)) {
			Status = NDIS_STATUS_FAILURE;
			goto Abort;
		}

		/* This buffer is in the card's FIFO: complete its transfer ... */
		Status = DvCompleteSend(Adapter);
		if (Status != NDIS_STATUS_SUCCESS)
			goto Abort;

		/* ... and set up the next one. The card still has DMATX and TXGO on and its DREQ
		 * is up: the channel was all that was missing, so there is nothing to tell it.
		 * This must happen before the card's 16-byte FIFO runs dry, or the frame underruns
		 * (docs/nic.md §6.3). */
		NdisQueryBufferOffset(Buffer, &Offset, &Length);
		Status = DvSetupSend(Adapter, Buffer, Length);
		if (Status != NDIS_STATUS_SUCCESS)
			goto Abort;
	}

Abort:
	DvAbortFrame(Adapter);
	return Status;
}

/* Skips buffers of length 0: there is nothing to transfer, and Setup refuses Length 0. */
static PNDIS_BUFFER DvSkipEmptyBuffers(PNDIS_BUFFER Buffer)
{
	UINT Offset, Length;

	while (Buffer != NULL) {
		NdisQueryBufferOffset(Buffer, &Offset, &Length);
		if (Length != 0)
			break;
		NdisGetNextBuffer(Buffer, &Buffer);
	}
	return Buffer;
}

/* Sets up the first transfer of a frame, then starts the card. */
static NDIS_STATUS DvStartFrame(PDV_ADAPTER Adapter, PNDIS_BUFFER Buffer, ULONG SetupLength,
                                ULONG FrameLength)
{
	NDIS_STATUS Status;

	/* The 8237A first: "On return from NdisMSetupDmaTransfer, the host DMA controller has
	 * been programmed for the transfer. The miniport driver then programs the NIC". Started
	 * the other way round, the card would raise DREQ on a channel that is still masked. */
	Status = DvSetupSend(Adapter, Buffer, SetupLength);
	if (Status != NDIS_STATUS_SUCCESS)
		return Status;

	/* The frame's length (the whole frame, even when this transfer is only its first
	 * buffer) ... */
	NdisRawWritePortUchar(Adapter->IoBase + NIC_TXLEN_LO, (UCHAR)(FrameLength & 0xFF));
	NdisRawWritePortUchar(Adapter->IoBase + NIC_TXLEN_HI, (UCHAR)(FrameLength >> 8));
	/* ... the interrupts that end a frame ... */
	DvSetImr(Adapter, NIC_INT_TX);
	/* ... and go. DMATX raises DREQ while the TX FIFO has room. TXGO starts the frame, which
	 * goes onto the wire once 8 bytes are in the FIFO (docs/nic.md §6.1). Writing CMD without
	 * RXEN also keeps the receiver off while we send. */
	NdisRawWritePortUchar(Adapter->IoBase + NIC_CMD, NIC_CMD_DMATX | NIC_CMD_TXGO);
	return NDIS_STATUS_SUCCESS;
}

/* One send transfer of Length bytes from the start of Buffer. */
static NDIS_STATUS DvSetupSend(PDV_ADAPTER Adapter, PNDIS_BUFFER Buffer, ULONG Length)
{
	NDIS_STATUS Status;

	/* WriteToDevice TRUE: memory -> card, an Intel "read transfer" (facts §1.9). The HAL
	 * flushes the CPU's cache for the range and, if the 8237A cannot reach the buffer in
	 * place, copies it into a bounce buffer now. */
	NdisMSetupDmaTransfer(&Status, Adapter->DmaHandle, Buffer, 0, Length, TRUE);
	if (Status != NDIS_STATUS_SUCCESS)
		return Status; /* RESOURCES: channel busy or Length invalid; nothing was programmed */

	/* Keep the parameters: NdisMCompleteDmaTransfer must get exactly these back. */
	Adapter->TxDmaActive = TRUE;
	Adapter->TxBuffer = Buffer;
	Adapter->TxOffset = 0;
	Adapter->TxLength = Length;
	Adapter->SendTransfers++;
	return NDIS_STATUS_SUCCESS;
}

/* Ends the current send transfer. */
static NDIS_STATUS DvCompleteSend(PDV_ADAPTER Adapter)
{
	NDIS_STATUS Status;

	/* The same buffer, offset, length and direction as the Setup ("This value also was
	 * passed to NdisMSetupDmaTransfer"), so the HAL flushes the range it mapped. Only after
	 * this are the bytes "considered present in the NIC's memory". */
	NdisMCompleteDmaTransfer(&Status, Adapter->DmaHandle, Adapter->TxBuffer, Adapter->TxOffset, Adapter->TxLength, TRUE);
	Adapter->TxDmaActive = FALSE;
	return Status;
}

/* Waits until the current send transfer has moved its last byte, by watching the 8237A's
 * count. NdisMReadDmaCounter returns Length just after the Setup and 0 at terminal count
 * (facts §3.6). Returns FALSE if the count stops moving: the card underran, or nothing is
 * taking bytes any more. */
static BOOLEAN DvWaitForTerminalCount(PDV_ADAPTER Adapter)
{
	ULONG Left = NdisMReadDmaCounter(Adapter->DmaHandle);
	ULONG Stuck = 0;

	while (Left != 0) {
		ULONG Now;
		UCHAR CardStatus;

		/* Let the machine run a little. The card takes bytes only as fast as the wire
		 * drains its FIFO, so the count falls at wire speed. */
		NdisStallExecution(DVMINI_TX_POLL_US);
		Now = NdisMReadDmaCounter(Adapter->DmaHandle);
		if (Now != Left) {
			Left = Now;
			Stuck = 0;
			continue;
		}
		/* No progress: is the card still sending? After an underrun it clears TXGO
		 * (STATUS.TXBUSY) and stops asking for bytes. */
		NdisRawReadPortUchar(Adapter->IoBase + NIC_STATUS, &CardStatus);
		if (!(CardStatus & NIC_ST_TXBUSY) || ++Stuck >= DVMINI_TX_POLL_LIMIT)
			return FALSE;
	}
	return TRUE;
}

/* Gives up on the frame: ends the transfer if one is set up, and stops the card. The peer
 * sees a frame that stops in the middle and discards it. */
static VOID DvAbortFrame(PDV_ADAPTER Adapter)
{
	if (Adapter->TxDmaActive)
		(void)DvCompleteSend(Adapter);
	DvFlushCard(Adapter);
}

/* ========================================================================================= */
/* MiniportISR (DIRQL)                                                                       */
/* ========================================================================================= */

static VOID DvMiniportISR(PBOOLEAN InterruptRecognized, PBOOLEAN QueueMiniportHandleInterrupt,
                          NDIS_HANDLE MiniportAdapterContext)
{
	PDV_ADAPTER Adapter = MiniportAdapterContext;
	UCHAR Isr, Imr;

	/* Is it ours? The card drives its IRQ line exactly while (ISR & IMR) != 0. */
	NdisRawReadPortUchar(Adapter->IoBase + NIC_ISR, &Isr);
	NdisRawReadPortUchar(Adapter->IoBase + NIC_IMR, &Imr);
	if ((Isr & Imr) == 0) {
		*InterruptRecognized = FALSE;
		*QueueMiniportHandleInterrupt = FALSE;
		return;
	}

	/* Ours. Mask the card so its line falls, and leave the work to the DPC. At DIRQL we
	 * may not call NdisMSetupDmaTransfer, NdisMCompleteDmaTransfer or NdisMReadDmaCounter
	 * (facts §3.8). The ISR bits stay set for the DPC to read. */
	NdisRawWritePortUchar(Adapter->IoBase + NIC_IMR, 0);
	*InterruptRecognized = TRUE;
	*QueueMiniportHandleInterrupt = TRUE;
}

/* ========================================================================================= */
/* MiniportHandleInterrupt (the DPC, DISPATCH_LEVEL)                                         */
/* ========================================================================================= */

static VOID DvMiniportHandleInterrupt(NDIS_HANDLE MiniportAdapterContext)
{
	PDV_ADAPTER Adapter = MiniportAdapterContext;
	BOOLEAN WasSending = Adapter->TxPacket != NULL;
	BOOLEAN WasReceiving = Adapter->RcvDmaActive;
	UCHAR Isr;

	Adapter->InHandleInterrupt = TRUE;

	/* Read what happened and acknowledge exactly those bits (write 1 to clear). A bit set
	 * after this read stays set and interrupts again when we unmask at the end. */
	NdisRawReadPortUchar(Adapter->IoBase + NIC_ISR, &Isr);
	NdisRawWritePortUchar(Adapter->IoBase + NIC_ISR, Isr);

	/* The bits belong to what was running when the card interrupted. A receive indication
	 * below may start a send; that send is not what TXDONE is about. */
	if (WasReceiving && (Isr & NIC_INT_RX))
		DvHandleReceive(Adapter, Isr);
	if (WasSending && (Isr & NIC_INT_TX))
		DvHandleTransmit(Adapter, Isr);

	/* Unmask the card for whatever runs now (DvSetImr recorded it). */
	Adapter->InHandleInterrupt = FALSE;
	NdisRawWritePortUchar(Adapter->IoBase + NIC_IMR, Adapter->Imr);
}

/* RXDONE: a frame is in memory. OVERRUN: the card lost bytes, perhaps because the area is
 * full and the transfer reached terminal count. Either way: end the transfer, hand up what
 * arrived, and start again. */
static VOID DvHandleReceive(PDV_ADAPTER Adapter, UCHAR Isr)
{
	if (Isr & NIC_INT_OVERRUN)
		Adapter->Overruns++;

	/* The NSC sample starts the next transfer before it indicates, so the card can go on
	 * receiving meanwhile (facts §4.2 step 11). We indicate first and restart after, because
	 * the next transfer reuses the area from offset 0. The card's receiver stays on in the
	 * meantime and keeps what arrives in its FIFO. */
	DvStopReceive(Adapter, TRUE);
	DvStartNextTransfer(Adapter);
}

/* TXDONE ends a frame, and so does UNDERRUN. TXOVERFLOW alone does not: the frame goes on,
 * but we remember that it went wrong. */
static VOID DvHandleTransmit(PDV_ADAPTER Adapter, UCHAR Isr)
{
	PNDIS_PACKET Packet = Adapter->TxPacket;
	NDIS_STATUS Status;

	if (Isr & NIC_INT_TXOVERFLOW)
		Adapter->TxError = TRUE; /* a byte came that the card could not take */
	if (!(Isr & (NIC_INT_TXDONE | NIC_INT_UNDERRUN)) || !Adapter->TxDmaActive)
		return;
	if (Isr & NIC_INT_UNDERRUN) {
		Adapter->Underruns++;
		Adapter->TxError = TRUE;
	}

	/* The count should be 0: the card has taken every byte we set up. The NSC sample logs
	 * "DMA count was not zero" otherwise (facts §4.1 step 10). */
	if (NdisMReadDmaCounter(Adapter->DmaHandle) != 0)
		Adapter->DmaCountNotZero++;

	/* End the transfer before the packet goes back: completing the send first would treat
	 * the data as delivered while the transfer that reads it is still set up. */
	Status = DvCompleteSend(Adapter);
	if (Status != NDIS_STATUS_SUCCESS || Adapter->TxError) {
		/* After an underrun, reset the card's FIFOs and fail the packet (facts §4.1 step
		 * 12; docs/nic.md §10.2 step 8). */
		Status = NDIS_STATUS_FAILURE;
		DvFlushCard(Adapter);
		Adapter->SendErrors++;
	} else {
		Adapter->FramesSent++;
	}

	/* Free the transmitter, then return the packet. The protocol may send again from its
	 * completion handler, and that send can then start at once. */
	Adapter->TxPacket = NULL;
	NdisMSendComplete(Adapter->MiniportHandle, Packet, Status);

	/* Next queued packet, or back to receiving. */
	DvStartNextTransfer(Adapter);
}

/* ========================================================================================= */
/* MiniportHalt (PASSIVE_LEVEL)                                                              */
/* ========================================================================================= */

static VOID DvMiniportHalt(NDIS_HANDLE MiniportAdapterContext)
{
	PDV_ADAPTER Adapter = MiniportAdapterContext;
	NDIS_STATUS Status;

	/* 1. Silence the card: no more interrupts, no more DMA requests. Writing CMD = 0 would
	 *    not stop a frame on the wire, because 0 does nothing to the TXGO go bit
	 *    (docs/nic.md §3.1). A reset stops everything. */
	NdisRawWritePortUchar(Adapter->IoBase + NIC_IMR, 0);
	DvFlushCard(Adapter);

	/* 2. Every Setup gets its Complete, even now. The Complete masks the channel, so the
	 *    8237A cannot write into memory we are about to free. */
	if (Adapter->RcvDmaActive) {
		NdisMCompleteDmaTransfer(&Status, Adapter->DmaHandle, Adapter->rcvDmaBuffer, Adapter->RcvOffset, Adapter->RcvSize, FALSE);
		Adapter->RcvDmaActive = FALSE;
	}
	if (Adapter->TxDmaActive)
		(void)DvCompleteSend(Adapter);

	/* 3. Packets we still hold go back, failed. */
	DvFailPendingSends(Adapter);

	/* 4. Initialize in reverse. NdisMDeregisterDmaChannel is allowed only here and in
	 *    MiniportInitialize, and the handle is dead after it (facts §3.7). */
	NdisMDeregisterInterrupt(&Adapter->Interrupt);
	NdisMDeregisterDmaChannel(Adapter->DmaHandle);
	DvFreeDescriptors(Adapter);
	DvFreeDmaMemory(Adapter);
	NdisFreeMemory(Adapter, sizeof(DV_ADAPTER), 0);
}

static VOID DvFailPendingSends(PDV_ADAPTER Adapter)
{
	if (Adapter->TxPacket != NULL) {
		PNDIS_PACKET Packet = Adapter->TxPacket;

		Adapter->TxPacket = NULL;
		NdisMSendComplete(Adapter->MiniportHandle, Packet, NDIS_STATUS_FAILURE);
	}
	while (Adapter->SendCount > 0)
		NdisMSendComplete(Adapter->MiniportHandle, DvDequeue(Adapter), NDIS_STATUS_FAILURE);
}

/* ========================================================================================= */
/* Configuration                                                                             */
/* ========================================================================================= */

/* Our Parameters key may hold CopyThreshold (a DWORD; 0: never copy unless the channel needs
 * it, 0xFFFFFFFF: always copy). Without it we keep DVMINI_COPY_THRESHOLD. */
static VOID DvReadConfiguration(PDV_ADAPTER Adapter, NDIS_HANDLE WrapperConfigurationContext)
{
	NDIS_STRING Keyword = NDIS_STRING_CONST("CopyThreshold");
	PNDIS_CONFIGURATION_PARAMETER Value;
	NDIS_HANDLE Config;
	NDIS_STATUS Status;

	Adapter->CopyThreshold = DVMINI_COPY_THRESHOLD;
	NdisOpenConfiguration(&Status, &Config, WrapperConfigurationContext);
	if (Status != NDIS_STATUS_SUCCESS)
		return;
	NdisReadConfiguration(&Status, &Value, Config, &Keyword, NdisParameterInteger);
	/* Windows NT and later return the value as the registry holds it, whatever type we ask
	 * for: check the type before using it. */
	if (Status == NDIS_STATUS_SUCCESS && Value->ParameterType == NdisParameterInteger)
		Adapter->CopyThreshold = Value->ParameterData.IntegerData;
	NdisCloseConfiguration(Config);
}

/* A minimal subordinate-DMA miniport for the dmaviz card, built as a module the way a learner
 * builds theirs (docs/driver-sdk.md). It sends one frame per packet with NdisMSetupDmaTransfer
 * and completes it from the DPC; it does not receive.
 *
 * Built four times (meson.build): good, crash (NULL dereference in MiniportSend), loop (an
 * endless loop in MiniportInitialize) and noabi (no DvDriverAbiVersion). */
#include <stddef.h>

/* ndis.h defines DvDriverAbiVersion in every file that includes it; noabi renames it, as a
 * module built against another header would lack it. */
#ifdef DV_TEST_NO_ABI
#define DvDriverAbiVersion DvTestNotTheAbiVersion
#endif

#include "ndis.h"

#define NIC_CMD 0x0
#define NIC_STATUS 0x1
#define NIC_IMR 0x2
#define NIC_ISR 0x3
#define NIC_TXLEN_LO 0x4
#define NIC_TXLEN_HI 0x5
#define NIC_CMD_TXGO 0x01
#define NIC_CMD_DMATX 0x04
#define NIC_CMD_RESET 0x80
#define NIC_INT_TX 0x15 /* TXDONE | UNDERRUN | TXOVERFLOW */
#define NIC_INT_DONE 0x05 /* TXDONE | UNDERRUN */

typedef struct {
	NDIS_HANDLE Handle;
	ULONG IoBase;
	ULONG Irq;
	ULONG Channel;
	NDIS_HANDLE Dma;
	NDIS_MINIPORT_INTERRUPT Interrupt;
	PNDIS_PACKET TxPacket;
	PNDIS_BUFFER TxBuffer;
	ULONG TxLength;
} ADAPTER;

static ADAPTER Adapter;

static NDIS_STATUS Initialize(PNDIS_STATUS OpenErrorStatus, PUINT SelectedMediumIndex,
                              PNDIS_MEDIUM MediumArray, UINT MediumArraySize,
                              NDIS_HANDLE MiniportAdapterHandle, NDIS_HANDLE WrapperConfigurationContext)
{
	NDIS_RESOURCE_LIST Resources;
	UINT Size = sizeof(Resources);
	NDIS_DMA_DESCRIPTION Dma;
	NDIS_STATUS Status;
	UINT i;

	(void)OpenErrorStatus;
#ifdef DV_TEST_LOOP
	for (volatile unsigned long n = 0;; n++)
		;
#endif
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
	Adapter.Handle = MiniportAdapterHandle;
	NdisMSetAttributes(MiniportAdapterHandle, &Adapter, FALSE, NdisInterfaceIsa);

	NdisRawWritePortUchar(Adapter.IoBase + NIC_CMD, NIC_CMD_RESET);
	NdisRawWritePortUchar(Adapter.IoBase + NIC_IMR, 0);

	NdisZeroMemory(&Dma, sizeof(Dma));
	Dma.DemandMode = TRUE;
	Dma.DmaChannelSpecified = TRUE;
	Dma.DmaWidth = Adapter.Channel >= 4 ? Width16Bits : Width8Bits;
	Dma.DmaSpeed = Compatible;
	Dma.DmaChannel = Adapter.Channel;
	Status = NdisMRegisterDmaChannel(&Adapter.Dma, MiniportAdapterHandle, Adapter.Channel, FALSE, &Dma, 1514);
	if (Status != NDIS_STATUS_SUCCESS)
		return Status;
	Status = NdisMRegisterInterrupt(&Adapter.Interrupt, MiniportAdapterHandle, Adapter.Irq, Adapter.Irq,
	                                TRUE, FALSE, NdisInterruptLatched);
	if (Status != NDIS_STATUS_SUCCESS)
		NdisMDeregisterDmaChannel(Adapter.Dma);
	return Status;
}

static NDIS_STATUS Send(NDIS_HANDLE MiniportAdapterContext, PNDIS_PACKET Packet, UINT Flags)
{
	ADAPTER *A = MiniportAdapterContext;
	PNDIS_BUFFER Buffer;
	UINT Total;
	NDIS_STATUS Status;

	(void)Flags;
#ifdef DV_TEST_CRASH
	{
		int *volatile Nothing = NULL;
		*Nothing = 1;
	}
#endif
	if (A->TxPacket != NULL)
		return NDIS_STATUS_RESOURCES;
	NdisQueryPacket(Packet, NULL, NULL, &Buffer, &Total);
	NdisMSetupDmaTransfer(&Status, A->Dma, Buffer, 0, Total, TRUE);
	if (Status != NDIS_STATUS_SUCCESS)
		return Status;
	A->TxPacket = Packet;
	A->TxBuffer = Buffer;
	A->TxLength = Total;
	NdisRawWritePortUchar(A->IoBase + NIC_TXLEN_LO, (UCHAR)(Total & 0xFF));
	NdisRawWritePortUchar(A->IoBase + NIC_TXLEN_HI, (UCHAR)(Total >> 8));
	NdisRawWritePortUchar(A->IoBase + NIC_IMR, NIC_INT_TX);
	NdisRawWritePortUchar(A->IoBase + NIC_CMD, NIC_CMD_DMATX | NIC_CMD_TXGO);
	return NDIS_STATUS_PENDING;
}

static VOID Isr(PBOOLEAN InterruptRecognized, PBOOLEAN QueueMiniportHandleInterrupt,
                NDIS_HANDLE MiniportAdapterContext)
{
	ADAPTER *A = MiniportAdapterContext;
	UCHAR Status, Mask;

	NdisRawReadPortUchar(A->IoBase + NIC_ISR, &Status);
	NdisRawReadPortUchar(A->IoBase + NIC_IMR, &Mask);
	*InterruptRecognized = (Status & Mask) != 0;
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
	if (Packet != NULL && (Isr & NIC_INT_DONE)) {
		NdisMCompleteDmaTransfer(&Status, A->Dma, A->TxBuffer, 0, A->TxLength, TRUE);
		A->TxPacket = NULL;
		NdisMSendComplete(A->Handle, Packet, (Isr & NIC_INT_DONE) == 0x01 ? Status : NDIS_STATUS_FAILURE);
	} else if (Packet != NULL) {
		NdisRawWritePortUchar(A->IoBase + NIC_IMR, NIC_INT_TX);
	}
}

static VOID Halt(NDIS_HANDLE MiniportAdapterContext)
{
	ADAPTER *A = MiniportAdapterContext;
	NDIS_STATUS Status;

	NdisRawWritePortUchar(A->IoBase + NIC_IMR, 0);
	if (A->TxPacket != NULL) {
		NdisMCompleteDmaTransfer(&Status, A->Dma, A->TxBuffer, 0, A->TxLength, TRUE);
		NdisMSendComplete(A->Handle, A->TxPacket, NDIS_STATUS_FAILURE);
		A->TxPacket = NULL;
	}
	NdisMDeregisterInterrupt(&A->Interrupt);
	NdisMDeregisterDmaChannel(A->Dma);
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

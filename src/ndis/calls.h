/* dmaviz: the NDIS, HAL and miniport entry points that appear in the trace as DV_EV_CALL /
 * DV_EV_RETURN events (slot = call id, index = the call record's number, see dvndis.h). A
 * recording stores the ids as numbers: new rows go at the end. */
#ifndef DV_CALLS_H
#define DV_CALLS_H

#define DV_CALLS(X)                                                                                \
	X(DRIVER_ENTRY, "DriverEntry")                                                             \
	X(INITIALIZE_WRAPPER, "NdisMInitializeWrapper")                                            \
	X(REGISTER_MINIPORT, "NdisMRegisterMiniport")                                              \
	X(MINIPORT_INITIALIZE, "MiniportInitialize")                                               \
	X(MINIPORT_HALT, "MiniportHalt")                                                           \
	X(MINIPORT_SEND, "MiniportSend")                                                           \
	X(MINIPORT_ISR, "MiniportISR")                                                             \
	X(MINIPORT_HANDLE_INTERRUPT, "MiniportHandleInterrupt")                                    \
	X(MINIPORT_RETURN_PACKET, "MiniportReturnPacket")                                          \
	X(SET_ATTRIBUTES, "NdisMSetAttributes")                                                    \
	X(QUERY_ADAPTER_RESOURCES, "NdisMQueryAdapterResources")                                   \
	X(REGISTER_INTERRUPT, "NdisMRegisterInterrupt")                                            \
	X(DEREGISTER_INTERRUPT, "NdisMDeregisterInterrupt")                                        \
	X(REGISTER_DMA_CHANNEL, "NdisMRegisterDmaChannel")                                         \
	X(DEREGISTER_DMA_CHANNEL, "NdisMDeregisterDmaChannel")                                     \
	X(SETUP_DMA_TRANSFER, "NdisMSetupDmaTransfer")                                             \
	X(COMPLETE_DMA_TRANSFER, "NdisMCompleteDmaTransfer")                                       \
	X(READ_DMA_COUNTER, "NdisMReadDmaCounter")                                                 \
	X(ALLOCATE_MEMORY, "NdisAllocateMemory")                                                   \
	X(FREE_MEMORY, "NdisFreeMemory")                                                           \
	X(ALLOCATE_SHARED_MEMORY, "NdisMAllocateSharedMemory")                                     \
	X(MOVE_MEMORY, "NdisMoveMemory")                                                           \
	X(ZERO_MEMORY, "NdisZeroMemory")                                                           \
	X(SEND_COMPLETE, "NdisMSendComplete")                                                      \
	X(INDICATE_RECEIVE_PACKET, "NdisMIndicateReceivePacket")                                   \
	X(STALL_EXECUTION, "NdisStallExecution")                                                   \
	X(HAL_GET_ADAPTER, "HalGetAdapter")                                                        \
	X(KE_FLUSH_IO_BUFFERS, "KeFlushIoBuffers")                                                 \
	X(IO_MAP_TRANSFER, "IoMapTransfer")                                                        \
	X(IO_FLUSH_ADAPTER_BUFFERS, "IoFlushAdapterBuffers")                                       \
	X(HAL_READ_DMA_COUNTER, "HalReadDmaCounter")                                               \
	X(SET_ATTRIBUTES_EX, "NdisMSetAttributesEx")                                               \
	X(REGISTER_IO_PORT_RANGE, "NdisMRegisterIoPortRange")                                      \
	X(DEREGISTER_IO_PORT_RANGE, "NdisMDeregisterIoPortRange")                                  \
	X(WRITE_PORT_BUFFER, "NdisRawWritePortBuffer")                                             \
	X(READ_PORT_BUFFER, "NdisRawReadPortBuffer")                                               \
	X(INITIALIZE_TIMER, "NdisMInitializeTimer")                                                \
	X(SET_TIMER, "NdisMSetTimer")                                                              \
	X(SET_PERIODIC_TIMER, "NdisMSetPeriodicTimer")                                             \
	X(CANCEL_TIMER, "NdisMCancelTimer")                                                        \
	X(NDIS_INITIALIZE_TIMER, "NdisInitializeTimer")                                            \
	X(NDIS_SET_TIMER, "NdisSetTimer")                                                          \
	X(NDIS_CANCEL_TIMER, "NdisCancelTimer")                                                    \
	X(MINIPORT_TIMER, "MiniportTimer")                                                         \
	X(SLEEP, "NdisMSleep")                                                                     \
	X(SYNCHRONIZE_WITH_INTERRUPT, "NdisMSynchronizeWithInterrupt")                             \
	X(MINIPORT_SYNCHRONIZE_ISR, "MiniportSynchronizeISR")                                      \
	X(WRITE_ERROR_LOG_ENTRY, "NdisWriteErrorLogEntry")                                         \
	X(INDICATE_STATUS, "NdisMIndicateStatus")                                                  \
	X(INDICATE_STATUS_COMPLETE, "NdisMIndicateStatusComplete")                                 \
	X(RTL_ASSERT, "RtlAssert")                                                                 \
	X(DBG_BREAK_POINT, "DbgBreakPoint")                                                        \
	X(MINIPORT_QUERY_INFORMATION, "MiniportQueryInformation")                                  \
	X(MINIPORT_SET_INFORMATION, "MiniportSetInformation")                                      \
	X(MINIPORT_CHECK_FOR_HANG, "MiniportCheckForHang")                                         \
	X(MINIPORT_RESET, "MiniportReset")

enum dv_call {
#define DV_CALL_ENUM(id, name) DV_CALL_##id,
	DV_CALLS(DV_CALL_ENUM)
#undef DV_CALL_ENUM
	        DV_CALL_COUNT
};

const char *dv_call_name(enum dv_call call);
/* The call named name ("NdisMSetupDmaTransfer"), or DV_CALL_COUNT. */
enum dv_call dv_call_find(const char *name);

#endif

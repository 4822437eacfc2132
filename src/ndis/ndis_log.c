/* dmaviz: what a miniport tells the system besides its packets: error-log entries
 * (NdisWriteErrorLogEntry), status indications to the protocols (NdisMIndicateStatus), and a
 * checked build's ASSERT and DbgBreakPoint. Each is a call record in the trace at the driver's
 * line, which the event log shows in words (describe.c). DbgPrint is the driver host's own
 * (ui/host/host_main.c): what a driver prints never enters the trace.
 */
#include <stdio.h>
#include <string.h>

#include "dvndis.h"

VOID NdisWriteErrorLogEntryAt(NDIS_HANDLE NdisAdapterHandle, NDIS_ERROR_CODE ErrorCode,
                              ULONG NumberOfErrorValues, const ULONG *ErrorValues, const char *File,
                              int Line)
{
	struct dv_ndis *nd = dv_ndis_of_or_bound(NdisAdapterHandle);
	if (!nd)
		return;
	uint32_t n = NumberOfErrorValues < DV_ERROR_LOG_VALUES ? NumberOfErrorValues :
	                                                         DV_ERROR_LOG_VALUES;
	uint32_t args[6] = { ErrorCode, n };
	for (uint32_t i = 0; ErrorValues && i < n && i < 4; i++)
		args[2 + i] = ErrorValues[i];
	struct dv_ndis_call_scope s = dv_ndis_call_begin(nd, DV_CALL_WRITE_ERROR_LOG_ENTRY,
	                                                 dv_ndis_loc(nd, File, Line), DV_SRC_DRIVER,
	                                                 args, 6, DV_NO_CHANNEL);
	/* The entry goes to the system's log whatever the handle; a handle that is not the
	 * adapter's is told in the status of the record. */
	dv_ndis_call_end(nd, s, DV_CALL_WRITE_ERROR_LOG_ENTRY,
	                 NdisAdapterHandle == (NDIS_HANDLE)nd ? NDIS_STATUS_SUCCESS :
	                                                        NDIS_STATUS_FAILURE);
}

VOID NdisMIndicateStatusAt(NDIS_HANDLE MiniportAdapterHandle, NDIS_STATUS GeneralStatus,
                           PVOID StatusBuffer, UINT StatusBufferSize, const char *File, int Line)
{
	struct dv_ndis *nd = dv_ndis_of_or_bound(MiniportAdapterHandle);
	if (!nd)
		return;
	uint32_t first = 0;
	if (StatusBuffer && StatusBufferSize >= sizeof first && !dv_ndis_is_sim_va(StatusBuffer))
		memcpy(&first, StatusBuffer, sizeof first);
	uint32_t args[3] = { (uint32_t)GeneralStatus, StatusBufferSize, first };
	struct dv_ndis_call_scope s = dv_ndis_call_begin(nd, DV_CALL_INDICATE_STATUS,
	                                                 dv_ndis_loc(nd, File, Line), DV_SRC_DRIVER,
	                                                 args, 3, DV_NO_CHANNEL);
	dv_ndis_call_end(nd, s, DV_CALL_INDICATE_STATUS,
	                 MiniportAdapterHandle == (NDIS_HANDLE)nd ? NDIS_STATUS_SUCCESS :
	                                                            NDIS_STATUS_FAILURE);
}

VOID NdisMIndicateStatusCompleteAt(NDIS_HANDLE MiniportAdapterHandle, const char *File, int Line)
{
	struct dv_ndis *nd = dv_ndis_of_or_bound(MiniportAdapterHandle);
	if (!nd)
		return;
	struct dv_ndis_call_scope s = dv_ndis_call_begin(nd, DV_CALL_INDICATE_STATUS_COMPLETE,
	                                                 dv_ndis_loc(nd, File, Line), DV_SRC_DRIVER,
	                                                 NULL, 0, DV_NO_CHANNEL);
	dv_ndis_call_end(nd, s, DV_CALL_INDICATE_STATUS_COMPLETE, NDIS_STATUS_SUCCESS);
}

/* A checked build stops the machine here (a bug check, with no kernel debugger attached): the
 * run ends after the statement, with why. */
static void stop(enum dv_call call, const char *why, const char *File, int Line)
{
	struct dv_ndis *nd = dv_ndis_bound();
	if (!nd)
		return;
	struct dv_ndis_call_scope s = dv_ndis_call_begin(nd, call, dv_ndis_loc(nd, File, Line),
	                                                 DV_SRC_DRIVER, NULL, 0, DV_NO_CHANNEL);
	dv_ndis_call_end(nd, s, call, NDIS_STATUS_FAILURE);
	dv_ndis_driver_failed(why);
}

VOID RtlAssertAt(const char *FailedAssertion, const char *Message, const char *File, int Line)
{
	char why[600];
	snprintf(why, sizeof why, "your driver's ASSERT(%.200s) failed at %.120s:%d%s%.200s",
	         FailedAssertion ? FailedAssertion : "?", File ? File : "?", Line,
	         Message ? ": " : "", Message ? Message : "");
	stop(DV_CALL_RTL_ASSERT, why, File, Line);
}

VOID DbgBreakPointAt(const char *File, int Line)
{
	char why[300];
	snprintf(why, sizeof why,
	         "your driver called DbgBreakPoint at %.120s:%d: with no kernel debugger attached, "
	         "Windows stops there",
	         File ? File : "?", Line);
	stop(DV_CALL_DBG_BREAK_POINT, why, File, Line);
}

/* dmaviz: the driver verifier's named rules. Each one is a misuse that the NDIS documentation
 * warns about (facts §3.10 and §5). A rule that fires is recorded as a DV_EV_VERIFIER event
 * with the driver's file:line; the simulation goes on. */
#ifndef DV_VERIFIER_H
#define DV_VERIFIER_H

#include <stddef.h>
#include <stdint.h>

#define DV_RULES(X)                                                                                    \
	X(DMA_BUSY, "dma-busy", "NdisMSetupDmaTransfer while the channel is in use",                   \
	  "The miniport asked for a new transfer before it called NdisMCompleteDmaTransfer for the "   \
	  "previous one. The channel has one set of 8237A registers and NDIS keeps one transfer per "  \
	  "DMA handle, so the call returns NDIS_STATUS_RESOURCES and touches no port. Fix: complete "  \
	  "the active transfer first (the NSC IrDA sample completes its receive DMA before every "     \
	  "send), or queue the request until the completion.")                                         \
	X(DMA_SUBRANGE, "dma-subrange", "Offset and Length are not a proper subrange",                 \
	  "NdisMSetupDmaTransfer needs Offset and Length to select a proper subrange of the buffer "   \
	  "descriptor: Length above zero, Offset + Length within the buffer's byte count, no more "    \
	  "than the MaximumLength given at registration or the map registers can cover, and even on "  \
	  "a 16-bit channel. Otherwise it returns NDIS_STATUS_RESOURCES (\"the given Length is "       \
	  "invalid\") and programs nothing. Fix: split the transfer or check the length first.")       \
	X(DMA_COMPLETE_MISMATCH, "dma-complete-mismatch",                                              \
	  "NdisMCompleteDmaTransfer with other parameters than the setup",                             \
	  "NdisMCompleteDmaTransfer must get the same buffer descriptor, Offset, Length and "          \
	  "direction that were passed to NdisMSetupDmaTransfer. With other values the HAL flushes "    \
	  "and copies back the wrong range, so received data can be incomplete or land in the "        \
	  "wrong place. Fix: keep the setup's parameters with the transfer and pass them back.")       \
	X(DMA_COMPLETE_WITHOUT_SETUP, "dma-complete-without-setup",                                    \
	  "NdisMCompleteDmaTransfer with no transfer set up",                                          \
	  "There is no transfer in progress on this DMA handle, so there is nothing to complete. "     \
	  "The call still masks the channel. A second Complete for one Setup is the usual cause. "     \
	  "Fix: complete each transfer exactly once.")                                                 \
	X(DMA_READ_BEFORE_COMPLETE, "dma-read-before-complete",                                        \
	  "received data read before NdisMCompleteDmaTransfer",                                        \
	  "The CPU read a receive buffer while its transfer was still set up. The documentation "      \
	  "says NdisMCompleteDmaTransfer must be called with WriteToDevice FALSE before the data "     \
	  "can be read from host memory: the transfer may still be running, a bounce buffer is "       \
	  "only copied back by the Complete, and a non-coherent cache may hold stale lines. Fix: "     \
	  "call NdisMCompleteDmaTransfer first, then read.")                                           \
	X(DMA_SEND_BEFORE_COMPLETE, "dma-send-before-complete",                                        \
	  "sent data treated as delivered before NdisMCompleteDmaTransfer",                            \
	  "The miniport completed the send (or reused or overwrote the buffer) while the transfer "    \
	  "that reads it was still set up. The documentation says NdisMCompleteDmaTransfer must be "   \
	  "called with WriteToDevice TRUE before the data is considered present in the NIC. Fix: "     \
	  "wait for the NIC's interrupt, complete the transfer, then complete the send.")              \
	X(DMA_MISSING_COMPLETE, "dma-missing-complete", "halted with a transfer still set up",         \
	  "The miniport halted (or deregistered its channel) without completing a transfer it set "    \
	  "up. Every NdisMSetupDmaTransfer must be followed by NdisMCompleteDmaTransfer, which "       \
	  "masks the channel and flushes the adapter buffers. Fix: complete active transfers in "      \
	  "MiniportHalt before deregistering.")                                                        \
	X(DMA_IRQL, "dma-irql", "a DMA call at the wrong IRQL",                                        \
	  "NdisMRegisterDmaChannel and NdisMDeregisterDmaChannel run at PASSIVE_LEVEL only; "          \
	  "NdisMSetupDmaTransfer, NdisMCompleteDmaTransfer and NdisMReadDmaCounter at or below "       \
	  "DISPATCH_LEVEL, never in the ISR, which runs at DIRQL. Fix: do the work in the DPC "        \
	  "(MiniportHandleInterrupt), and registration in MiniportInitialize or MiniportHalt.")        \
	X(DMA_BAD_HANDLE, "dma-bad-handle", "a DMA handle that is not (or no longer) valid",           \
	  "The handle was never returned by NdisMRegisterDmaChannel, or the channel was "              \
	  "deregistered. On Windows this corrupts memory or crashes; here the call does nothing "      \
	  "and reports NDIS_STATUS_FAILURE. Fix: check NdisMRegisterDmaChannel's status and stop "     \
	  "using the handle after NdisMDeregisterDmaChannel.")                                         \
	X(DMA_DEREGISTER_BUSY, "dma-deregister-busy",                                                  \
	  "NdisMDeregisterDmaChannel during a transfer",                                               \
	  "The channel was deregistered while a transfer was still set up. The 8237A may still be "    \
	  "moving bytes into memory that is about to be freed. Fix: complete the transfer first.")     \
	X(DMA_REGISTER_CONTEXT, "dma-register-context",                                                \
	  "NdisMRegisterDmaChannel outside MiniportInitialize or deregister outside Halt",             \
	  "A miniport registers its DMA channel in MiniportInitialize and deregisters it in "          \
	  "MiniportHalt, or in MiniportInitialize's failure path. Fix: move the call.")                \
	X(DMA_DESCRIPTION, "dma-description", "an NDIS_DMA_DESCRIPTION the HAL refuses",               \
	  "The description asks for something the PC's DMA controllers cannot do: channel 4 (the "     \
	  "cascade), a channel above 7, a width that does not match the channel (8-bit on 0-3, "       \
	  "16-bit on 5-7), or a non-zero DmaPort (an MCA field that must be 0). Registration fails "   \
	  "with NDIS_STATUS_RESOURCES. Fix: zero the structure, then set each field.")                 \
	X(DMA_LOGICAL_ADDRESS, "dma-logical-address",                                                  \
	  "the miniport programmed the system DMA controller itself",                                  \
	  "The driver wrote an 8237A or page register directly, typically with an address it got "     \
	  "back from an allocation. For system DMA the HAL owns the controller: MapTransfer's "        \
	  "returned logical address must be ignored, and NDIS programs the channel in "                \
	  "NdisMSetupDmaTransfer. Fix: describe the memory with an NDIS_BUFFER and call "              \
	  "NdisMSetupDmaTransfer.")                                                                    \
	X(DMA_MISSING_DEREGISTER, "dma-missing-deregister",                                            \
	  "halted without NdisMDeregisterDmaChannel",                                                  \
	  "A successful NdisMRegisterDmaChannel obliges a later NdisMDeregisterDmaChannel. "           \
	  "MiniportHalt returned with the channel still registered, so it stays claimed. Fix: "        \
	  "deregister in MiniportHalt.")                                                               \
	X(DMA_DIRECTION, "dma-direction", "a transfer whose direction disagrees with the card",        \
	  "WriteToDevice says which way the bytes go: TRUE programs the 8237A for a read transfer "    \
	  "(memory to the card), FALSE for a write transfer (the card to memory). The card was told "  \
	  "to fetch a frame to send while the transfer was set up to store into memory, or to "        \
	  "store a received frame while the transfer was set up to read memory. The 8237A does not "   \
	  "know what the card wants: the bytes go the wrong way and memory is overwritten or the "     \
	  "card sends whatever the bus floats. Fix: pass WriteToDevice TRUE for a send and FALSE "     \
	  "for a receive, to the Setup and to its Complete.")                                          \
	X(IRQL_OTHER, "irql", "an NDIS call at the wrong IRQL",                                        \
	  "The call is documented for a lower IRQL than the one it was made at (for example "          \
	  "NdisMSendComplete or NdisMIndicateReceivePacket from the ISR). Fix: queue the work to "     \
	  "the DPC.")                                                                                  \
	X(BAD_MEMORY, "bad-memory", "a memory access outside any allocation",                          \
	  "NdisMoveMemory or NdisZeroMemory touched a simulated address that no allocation or "        \
	  "buffer covers, or a host pointer that is NULL. Fix: check lengths and offsets.")            \
	X(TIMER_IRQL, "timer-irql", "a timer call at the wrong IRQL",                                  \
	  "NdisMInitializeTimer runs at PASSIVE_LEVEL, in MiniportInitialize; NdisMSetTimer, "         \
	  "NdisMSetPeriodicTimer and NdisMCancelTimer at or below DISPATCH_LEVEL, never in "           \
	  "MiniportISR or a MiniportSynchronizeISR function, which run at DIRQL, where the timer "     \
	  "queue's lock cannot be taken. Fix: initialize timers in MiniportInitialize, and set or "    \
	  "cancel them from the DPC (MiniportHandleInterrupt) or after NdisMSynchronizeWithInterrupt " \
	  "returns.")                                                                                  \
	X(TIMER_NOT_CANCELLED, "timer-not-cancelled", "halted with a timer still set",                 \
	  "MiniportHalt returned while a timer the miniport set was still queued. NDIS may free the "  \
	  "miniport's memory, the timer's included, once Halt returns; when the timer fires, its "     \
	  "function runs on freed memory. The model takes the timer out of the queue. Fix: call "      \
	  "NdisMCancelTimer for every timer in MiniportHalt (a periodic one after it stops being "     \
	  "set again).")                                                                               \
	X(SPIN_LOCK, "spin-lock", "a spin lock acquired or released out of turn",                      \
	  "NdisAcquireSpinLock raises to DISPATCH_LEVEL and NdisReleaseSpinLock restores the IRQL "    \
	  "saved at the acquire; NdisDprAcquireSpinLock and NdisDprReleaseSpinLock are for code "      \
	  "already at DISPATCH_LEVEL. The miniport released a lock it did not hold, used a Dpr form "  \
	  "below DISPATCH_LEVEL, took a lock at DIRQL (the ISR shares data through "                   \
	  "NdisMSynchronizeWithInterrupt instead), or returned from an entry point still holding "     \
	  "one, which leaves the processor at DISPATCH_LEVEL and the next acquirer spinning for "      \
	  "ever. Fix: pair every acquire with its release on every path of the same function.")        \
	X(SYNC_DMA, "sync-dma", "a DMA call from a synchronize function",                              \
	  "The function NdisMSynchronizeWithInterrupt runs executes at DIRQL with the interrupt's "    \
	  "lock held, as MiniportISR does. NdisMSetupDmaTransfer, NdisMCompleteDmaTransfer and "       \
	  "NdisMReadDmaCounter run at or below DISPATCH_LEVEL: at DIRQL the HAL's adapter lock "       \
	  "cannot be taken. Fix: inside the function touch only the card's registers and the state "   \
	  "the ISR shares; set up and complete transfers after it returns.")                           \
	X(SLEEP_IRQL, "sleep-irql", "NdisMSleep above PASSIVE_LEVEL",                                  \
	  "NdisMSleep puts the calling thread to sleep, which only PASSIVE_LEVEL code may do: "        \
	  "MiniportSend, a DPC, a timer function and code holding a spin lock run at "                 \
	  "DISPATCH_LEVEL, the ISR at DIRQL, and none of them may wait. The model does not wait "      \
	  "either. Fix: use NdisStallExecution for a few microseconds, or a timer for longer.")

enum dv_rule {
#define DV_RULE_ENUM(id, name, title, text) DV_RULE_##id,
	DV_RULES(DV_RULE_ENUM)
#undef DV_RULE_ENUM
	        DV_RULE_COUNT
};

const char *dv_rule_name(enum dv_rule rule);
const char *dv_rule_title(enum dv_rule rule);
const char *dv_rule_text(enum dv_rule rule);
/* What the rule tells the driver's author to do: the text after "Fix: " in its row. */
const char *dv_rule_fix(enum dv_rule rule);
/* The rule called name ("dma-busy"), or DV_RULE_COUNT. */
enum dv_rule dv_rule_find(const char *name);

struct dv_ndis;
struct dv_trace;
struct dv_event;

/* A DV_EV_VERIFIER event: index is the call record of the offending call, old_value the
 * related record + 1 (the Setup of a mismatched Complete, the transfer in progress of a second
 * Setup, the Setup a halt left behind; 0: none), new_value a rule's detail (dma-direction: the
 * card's command register). */
#define DV_VERIFIER_NO_RECORD 0xFFFFFFFFu
/* Records that rule fired at loc (the driver's line): the event, the counters, verifier.last.
 * dv_ndis_violate is this with no related record and no detail. */
void dv_verifier_fire(struct dv_ndis *nd, enum dv_rule rule, uint16_t loc, uint32_t record,
                      uint32_t related, uint32_t detail);
/* One line that tells what event e (a DV_EV_VERIFIER of nd's trace t) means here: the rule's
 * name, the driver's file:line, its title and the numbers ("dma-subrange at drv.c:88: Offset
 * and Length are not a proper subrange (Buffer ByteCount 60, Offset 0, Length 61,
 * WriteToDevice TRUE)"; a mismatched Complete names the arguments that differ and the Setup's
 * file:line). Returns the length written (snprintf-style truncation). */
size_t dv_verifier_explain(const struct dv_ndis *nd, const struct dv_trace *t,
                           const struct dv_event *e, char *buf, size_t size);
/* dma-direction: fires (once per transfer, at loc) when the card's command register asks for
 * one direction while the transfer set up on its channel goes the other way. The NDIS layer
 * calls it after a successful Setup and after the driver writes a port. */
void dv_verifier_check_direction(struct dv_ndis *nd, uint16_t loc);

#endif

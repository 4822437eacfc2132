/* dmaviz: time as a miniport sees it, on the simulated PC's clock: timers and their DPC,
 * NdisMSleep, NdisGetCurrentSystemTime, and NdisMSynchronizeWithInterrupt (the driver's code at
 * DIRQL). NdisStallExecution and the spin locks are in ndis.c.
 *
 * The clock: 2 bus cycles a microsecond (an 8 MHz ISA bus, 4 clocks a DMA cycle), so a
 * millisecond is 2000 cycles. Windows runs an expired timer's DPC from the clock interrupt; here
 * the machine's clock hook (dv_sim's hooks.clock) queues the timers' DPC between the CPU's bus
 * cycles once the first timer is due, and the DPC runs every timer due by then.
 */
#include <string.h>

#include "dvndis.h"
#include "sim.h"

/* ---- the timers' table ------------------------------------------------------------------ */

/* The timer a driver's KTIMER names, or NULL (never initialized, or a number NDIS did not give). */
static struct dv_ndis_timer *timer_of(struct dv_ndis *nd, const KTIMER *t)
{
	if (!t || t->DvTimerId == 0 || t->DvTimerId > nd->ntimers)
		return NULL;
	return &nd->timers[t->DvTimerId - 1];
}

static uint32_t timer_id(const struct dv_ndis *nd, const struct dv_ndis_timer *t)
{
	return t ? (uint32_t)(t - nd->timers) + 1 : 0;
}

/* The machine's clock hook wakes up at the earliest due timer (or hang check). */
void dv_ndis_schedule(struct dv_ndis *nd)
{
	uint64_t due = UINT64_MAX;
	for (uint32_t i = 0; i < nd->ntimers; i++)
		if (nd->timers[i].set && nd->timers[i].due < due)
			due = nd->timers[i].due;
	if (nd->hang_period && nd->phase == DV_PHASE_RUNNING && nd->hang_due < due)
		due = nd->hang_due; /* NDIS's own timer: the hang check */
	nd->sim->hooks.clock_due = due;
}

bool dv_ndis_timer_pending(const struct dv_ndis *nd)
{
	for (uint32_t i = 0; nd && i < nd->ntimers; i++)
		if (nd->timers[i].set && nd->timers[i].period == 0)
			return true;
	return false;
}

void dv_ndis_clock(void *ctx, struct dv_sim *sim)
{
	struct dv_ndis *nd = ctx;
	sim->hooks.clock_due = UINT64_MAX; /* until the DPC has run the timers */
	if (!nd)
		return;
	dv_sim_queue_dpc(sim, DV_NDIS_DPC_TIMERS);
	dv_sim_dispatch_soon(sim);
}

/* The due timer with the earliest due cycle (the lower number first on a tie) that has not run
 * in this DPC yet. */
static struct dv_ndis_timer *next_due(struct dv_ndis *nd, uint64_t now, const bool *ran)
{
	struct dv_ndis_timer *best = NULL;
	for (uint32_t i = 0; i < nd->ntimers; i++) {
		struct dv_ndis_timer *t = &nd->timers[i];
		if (t->set && !ran[i] && t->due <= now && (!best || t->due < best->due))
			best = t;
	}
	return best;
}

static void fire(struct dv_ndis *nd, struct dv_ndis_timer *t)
{
	uint32_t args[3] = { timer_id(nd, t), 0, (uint32_t)t->due };
	if (t->period)
		t->due += t->period;
	else
		t->set = false;
	struct dv_ndis_call_scope s = dv_ndis_call_begin(nd, DV_CALL_MINIPORT_TIMER, 0,
	                                                 DV_SRC_DRIVER, args, 3, DV_NO_CHANNEL);
	if (t->fn)
		t->fn(NULL, t->ctx, NULL, NULL);
	dv_ndis_call_end(nd, s, DV_CALL_MINIPORT_TIMER, 0);
	dv_ndis_check_locks(nd);
}

void dv_ndis_run_timers(struct dv_ndis *nd)
{
	/* Each timer runs at most once a DPC: a periodic timer whose function takes longer
	 * than its period runs again in the next DPC, not in an endless loop here. */
	bool ran[DV_NDIS_TIMERS] = { false };
	uint64_t now = nd->sim->st.cycle;
	struct dv_ndis_timer *t;
	while ((t = next_due(nd, now, ran)) != NULL) {
		ran[t - nd->timers] = true;
		fire(nd, t);
	}
	if (nd->hang_period && nd->hang_due <= now) {
		nd->hang_due += nd->hang_period;
		dv_ndis_check_for_hang(nd);
	}
	dv_ndis_schedule(nd);
}

void dv_ndis_halt_timers(struct dv_ndis *nd)
{
	for (uint32_t i = 0; i < nd->ntimers; i++) {
		if (!nd->timers[i].set)
			continue;
		dv_ndis_violate(nd, DV_RULE_TIMER_NOT_CANCELLED, nd->timers[i].set_loc, 0);
		nd->timers[i].set = false;
	}
	dv_ndis_schedule(nd);
}

/* ---- the calls --------------------------------------------------------------------------- */

/* A timer for fn and ctx: the one Timer already names when it was made for the same function
 * and context (initializing it again), else a new one; NULL when the table is full. */
static struct dv_ndis_timer *timer_init(struct dv_ndis *nd, PKTIMER Timer, PNDIS_TIMER_FUNCTION fn,
                                        PVOID ctx)
{
	struct dv_ndis_timer *t = timer_of(nd, Timer);
	if (!t || t->fn != fn || t->ctx != ctx) {
		if (nd->ntimers == DV_NDIS_TIMERS)
			return NULL;
		t = &nd->timers[nd->ntimers++];
	}
	memset(t, 0, sizeof *t);
	t->fn = fn;
	t->ctx = ctx;
	Timer->DvTimerId = timer_id(nd, t);
	dv_ndis_schedule(nd);
	return t;
}

/* NdisMInitializeTimer and NdisInitializeTimer: the call record holds the timer's number (0
 * when it could not be made: no function, or 32 timers already). */
static void initialize(struct dv_ndis *nd, enum dv_call call, PKTIMER Timer,
                       PNDIS_TIMER_FUNCTION fn, PVOID ctx, uint16_t loc)
{
	struct dv_ndis_call_scope s =
	        dv_ndis_call_begin(nd, call, loc, DV_SRC_DRIVER, NULL, 0, DV_NO_CHANNEL);
	if (dv_ndis_irql(nd) != DV_PASSIVE_LEVEL)
		dv_ndis_violate(nd, DV_RULE_TIMER_IRQL, loc, s.rec);
	struct dv_ndis_timer *t = Timer && fn ? timer_init(nd, Timer, fn, ctx) : NULL;
	if (!t && Timer)
		Timer->DvTimerId = 0;
	if (s.rec < nd->nrec)
		nd->rec[s.rec].arg[0] = timer_id(nd, t);
	dv_ndis_call_end(nd, s, call, t ? NDIS_STATUS_SUCCESS : NDIS_STATUS_RESOURCES);
}

/* NdisMSetTimer, NdisMSetPeriodicTimer, NdisSetTimer: arms the timer ms from now (a timer that
 * is set moves). A timer NDIS does not know is not armed: the record says so (status). */
static void set(struct dv_ndis *nd, enum dv_call call, PKTIMER Timer, UINT ms, bool periodic,
                uint16_t loc)
{
	struct dv_ndis_timer *t = timer_of(nd, Timer);
	uint64_t delay = (uint64_t)ms * DV_NDIS_CYCLES_PER_MS;
	uint64_t due = nd->sim->st.cycle + delay;
	uint32_t args[3] = { timer_id(nd, t), ms, (uint32_t)due };
	struct dv_ndis_call_scope s =
	        dv_ndis_call_begin(nd, call, loc, DV_SRC_DRIVER, args, 3, DV_NO_CHANNEL);
	if (dv_ndis_irql(nd) > DV_DISPATCH_LEVEL)
		dv_ndis_violate(nd, DV_RULE_TIMER_IRQL, loc, s.rec);
	if (t) {
		t->set = true;
		t->due = due;
		/* A period of 0 would fire in every DPC; Windows' shortest is a clock tick. */
		t->period = periodic ? (uint32_t)(delay ? delay : DV_NDIS_CYCLES_PER_MS) : 0;
		t->set_loc = loc;
		dv_ndis_schedule(nd);
	}
	dv_ndis_call_end(nd, s, call, t ? NDIS_STATUS_SUCCESS : NDIS_STATUS_FAILURE);
}

static void cancel(struct dv_ndis *nd, enum dv_call call, PKTIMER Timer, PBOOLEAN Cancelled,
                   uint16_t loc)
{
	struct dv_ndis_timer *t = timer_of(nd, Timer);
	bool was = t && t->set;
	uint32_t args[4] = { timer_id(nd, t), 0, was ? (uint32_t)t->due : 0, was };
	struct dv_ndis_call_scope s =
	        dv_ndis_call_begin(nd, call, loc, DV_SRC_DRIVER, args, 4, DV_NO_CHANNEL);
	if (dv_ndis_irql(nd) > DV_DISPATCH_LEVEL)
		dv_ndis_violate(nd, DV_RULE_TIMER_IRQL, loc, s.rec);
	if (t)
		t->set = false;
	if (Cancelled)
		*Cancelled = was ? TRUE : FALSE;
	dv_ndis_schedule(nd);
	dv_ndis_call_end(nd, s, call, t ? NDIS_STATUS_SUCCESS : NDIS_STATUS_FAILURE);
}

VOID NdisMInitializeTimerAt(PNDIS_MINIPORT_TIMER Timer, NDIS_HANDLE MiniportAdapterHandle,
                            PNDIS_TIMER_FUNCTION TimerFunction, PVOID FunctionContext,
                            const char *File, int Line)
{
	struct dv_ndis *nd = dv_ndis_of_or_bound(MiniportAdapterHandle);
	if (!nd)
		return;
	if (Timer) {
		Timer->MiniportTimerFunction = TimerFunction;
		Timer->MiniportTimerContext = FunctionContext;
		Timer->Miniport = MiniportAdapterHandle;
	}
	initialize(nd, DV_CALL_INITIALIZE_TIMER, Timer ? &Timer->Timer : NULL, TimerFunction,
	           FunctionContext, dv_ndis_loc(nd, File, Line));
}

VOID NdisMSetTimerAt(PNDIS_MINIPORT_TIMER Timer, UINT MillisecondsToDelay, const char *File,
                     int Line)
{
	struct dv_ndis *nd = dv_ndis_bound();
	if (nd)
		set(nd, DV_CALL_SET_TIMER, Timer ? &Timer->Timer : NULL, MillisecondsToDelay, false,
		    dv_ndis_loc(nd, File, Line));
}

VOID NdisMSetPeriodicTimerAt(PNDIS_MINIPORT_TIMER Timer, UINT MillisecondPeriod, const char *File,
                             int Line)
{
	struct dv_ndis *nd = dv_ndis_bound();
	if (nd)
		set(nd, DV_CALL_SET_PERIODIC_TIMER, Timer ? &Timer->Timer : NULL, MillisecondPeriod,
		    true, dv_ndis_loc(nd, File, Line));
}

VOID NdisMCancelTimerAt(PNDIS_MINIPORT_TIMER Timer, PBOOLEAN TimerCancelled, const char *File,
                        int Line)
{
	struct dv_ndis *nd = dv_ndis_bound();
	if (nd)
		cancel(nd, DV_CALL_CANCEL_TIMER, Timer ? &Timer->Timer : NULL, TimerCancelled,
		       dv_ndis_loc(nd, File, Line));
}

VOID NdisInitializeTimerAt(PNDIS_TIMER Timer, PNDIS_TIMER_FUNCTION TimerFunction,
                           PVOID FunctionContext, const char *File, int Line)
{
	struct dv_ndis *nd = dv_ndis_bound();
	if (nd)
		initialize(nd, DV_CALL_NDIS_INITIALIZE_TIMER, Timer ? &Timer->Timer : NULL,
		           TimerFunction, FunctionContext, dv_ndis_loc(nd, File, Line));
}

VOID NdisSetTimerAt(PNDIS_TIMER Timer, UINT MillisecondsToDelay, const char *File, int Line)
{
	struct dv_ndis *nd = dv_ndis_bound();
	if (nd)
		set(nd, DV_CALL_NDIS_SET_TIMER, Timer ? &Timer->Timer : NULL, MillisecondsToDelay,
		    false, dv_ndis_loc(nd, File, Line));
}

VOID NdisCancelTimerAt(PNDIS_TIMER Timer, PBOOLEAN TimerCancelled, const char *File, int Line)
{
	struct dv_ndis *nd = dv_ndis_bound();
	if (nd)
		cancel(nd, DV_CALL_NDIS_CANCEL_TIMER, Timer ? &Timer->Timer : NULL, TimerCancelled,
		       dv_ndis_loc(nd, File, Line));
}

/* ---- waiting and the time of day ---------------------------------------------------------- */

VOID NdisMSleepAt(ULONG MicrosecondsToSleep, const char *File, int Line)
{
	struct dv_ndis *nd = dv_ndis_bound();
	if (!nd)
		return;
	/* "Callers of NdisMSleep must be running at IRQL = PASSIVE_LEVEL": above it the thread
	 * cannot wait. The model does not move, and the record says the call was refused. */
	bool refused = dv_ndis_irql(nd) > DV_PASSIVE_LEVEL;
	uint32_t args[2] = { MicrosecondsToSleep, refused };
	uint16_t loc = dv_ndis_loc(nd, File, Line);
	struct dv_ndis_call_scope s =
	        dv_ndis_call_begin(nd, DV_CALL_SLEEP, loc, DV_SRC_DRIVER, args, 2, DV_NO_CHANNEL);
	if (refused)
		dv_ndis_violate(nd, DV_RULE_SLEEP_IRQL, loc, s.rec);
	uint32_t us = MicrosecondsToSleep > DV_NDIS_WAIT_MAX_US ? DV_NDIS_WAIT_MAX_US :
	                                                          MicrosecondsToSleep;
	if (!refused)
		dv_sim_run(nd->sim, us * DV_NDIS_CYCLES_PER_US);
	dv_ndis_call_end(nd, s, DV_CALL_SLEEP,
	                 refused ? NDIS_STATUS_NOT_SUPPORTED : NDIS_STATUS_SUCCESS);
}

VOID NdisGetCurrentSystemTime(PLARGE_INTEGER pSystemTime)
{
	struct dv_ndis *nd = dv_ndis_bound();
	if (!pSystemTime)
		return;
	/* 100 ns units: a bus cycle is half a microsecond, 5 units. */
	pSystemTime->QuadPart = nd ? (LONGLONG)nd->sim->st.cycle * (10 / DV_NDIS_CYCLES_PER_US) : 0;
}

/* ---- synchronizing with the ISR ------------------------------------------------------------ */

BOOLEAN NdisMSynchronizeWithInterruptAt(PNDIS_MINIPORT_INTERRUPT Interrupt,
                                        W_SYNCHRONIZE_INTERRUPT_HANDLER SynchronizeFunction,
                                        PVOID SynchronizeContext, const char *File, int Line)
{
	struct dv_ndis *nd = Interrupt ? dv_ndis_of(Interrupt->Reserved[0]) : NULL;
	if (!nd)
		nd = dv_ndis_bound();
	if (!nd)
		return FALSE;
	struct dv_ndis_call_scope s = dv_ndis_call_begin(nd, DV_CALL_SYNCHRONIZE_WITH_INTERRUPT,
	                                                 dv_ndis_loc(nd, File, Line), DV_SRC_DRIVER,
	                                                 NULL, 0, DV_NO_CHANNEL);
	/* An interrupt object NdisMRegisterInterrupt did not fill in has no ISR to exclude: the
	 * call does nothing and says so (NDIS_STATUS_NOT_SUPPORTED in the record). */
	if (!Interrupt || Interrupt->Reserved[0] != (PVOID)nd || !nd->irq_registered ||
	    !SynchronizeFunction) {
		dv_ndis_call_end(nd, s, DV_CALL_SYNCHRONIZE_WITH_INTERRUPT,
		                 NDIS_STATUS_NOT_SUPPORTED);
		return FALSE;
	}
	/* MiniportSynchronizeISR runs at the interrupt's DIRQL: the CPU takes no interrupt from
	 * the card until it returns (cpu.c), so it cannot run beside MiniportISR. */
	uint8_t old = dv_ndis_irql(nd);
	dv_sim_raise_irql(nd->sim, DV_DIRQL);
	struct dv_ndis_call_scope f = dv_ndis_call_begin(nd, DV_CALL_MINIPORT_SYNCHRONIZE_ISR, 0,
	                                                 DV_SRC_DRIVER, NULL, 0, DV_NO_CHANNEL);
	bool was = nd->in_sync;
	nd->in_sync = true;
	BOOLEAN r = SynchronizeFunction(SynchronizeContext);
	nd->in_sync = was;
	dv_ndis_call_end(nd, f, DV_CALL_MINIPORT_SYNCHRONIZE_ISR, r);
	dv_sim_lower_irql(nd->sim, old);
	dv_ndis_call_end(nd, s, DV_CALL_SYNCHRONIZE_WITH_INTERRUPT, r);
	return r;
}

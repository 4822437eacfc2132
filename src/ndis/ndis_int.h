/* dmaviz: the NDIS context's insides, for the core only (the NDIS layer's files src/ndis/ndis*.c,
 * the engine, the quiz) and its white-box tests, and the functions the NDIS layer's files share.
 * Front ends see struct dv_ndis as an opaque handle (dvndis.h); like SameBoy's GB_INTERNAL,
 * including this without DV_CORE_INTERNAL (which only the core library and the unit tests
 * define, src/meson.build) is a compile error. */
#ifndef DV_NDIS_INT_H
#define DV_NDIS_INT_H

#ifndef DV_CORE_INTERNAL
#error "ndis_int.h belongs to the core: front ends use the functions of dvndis.h"
#endif

#include "dvndis.h"
#include "hal.h"
#include "trace.h"

/* The miniport's configuration (its Parameters key): keyword -> integer, what
 * NdisReadConfiguration reads. */
#define DV_NDIS_CONFIG_MAX 8u
struct dv_ndis_param {
	char keyword[32];
	uint32_t value;
};

/* What a configuration handle points at: one per context, open or not. */
struct dv_ndis_config {
	struct dv_ndis_param param[DV_NDIS_CONFIG_MAX];
	uint32_t nparam;
	bool open;
	NDIS_CONFIGURATION_PARAMETER *out; /* what NdisReadConfiguration hands back (host
	                                    * memory, made at the first read) */
};

/* A DMA handle's object: the public NDIS_DMA_BLOCK first, then what NDIS keeps. */
struct dv_dma_handle {
	NDIS_DMA_BLOCK block;
	uint32_t magic;
	bool registered;
	struct dv_adapter *adapter;
	uint8_t channel;
	/* The parameters of the transfer in progress, for Complete to compare. */
	PNDIS_BUFFER buffer;
	uint32_t offset, length;
	bool write_to_device;
	uint16_t setup_loc;
	uint32_t setup_rec;  /* the Setup's call record, for the verifier's messages */
	bool direction_told; /* dma-direction fired for this transfer */
};

/* What the protocol above the miniport received. */
#define DV_NDIS_RX_LOG 16u
struct dv_rx_frame {
	uint16_t len;
	uint32_t cycle;
	uint8_t data[1536];
};

/* A packet the protocol sent, and what became of it. */
struct dv_tx_packet {
	PNDIS_PACKET packet;
	uint32_t seq;
	uint32_t length;
	bool completed;
	bool reclaimed; /* its buffers' pages were given back (dv_ndis_send, past the 32nd) */
	int32_t status;
	uint32_t completed_cycle;
};

/* The clock NDIS's time runs on (timers, stalls, sleeps, the hang check, the system time): 2
 * bus cycles a microsecond, an 8 MHz ISA bus with 4 clocks a DMA cycle. */
#define DV_NDIS_CYCLES_PER_US 2u
#define DV_NDIS_CYCLES_PER_MS (1000u * DV_NDIS_CYCLES_PER_US)

/* A timer NDIS keeps for the driver (NdisMInitializeTimer, NdisInitializeTimer): its number
 * is its index + 1, written into the driver's KTIMER. */
#define DV_NDIS_TIMERS 32u
struct dv_ndis_timer {
	PNDIS_TIMER_FUNCTION fn;
	PVOID ctx;
	uint64_t due;    /* the cycle it fires at, while set */
	uint32_t period; /* cycles between firings; 0: once */
	bool set;
	uint16_t set_loc; /* where it was last set */
};

/* An I/O port range the driver registered (NdisMRegisterIoPortRange). */
#define DV_NDIS_PORT_RANGES 8u
struct dv_port_range_reg {
	uint32_t first, count;
};

/* The longest wait NdisStallExecution and NdisMSleep give the machine in one call. */
#define DV_NDIS_WAIT_MAX_US 50000u
/* The most bytes one NdisRaw...PortBuffer call moves (more is refused, and the trace says so). */
#define DV_NDIS_PORT_BUFFER_MAX 65536u

struct dv_ndis {
	struct dv_sim *sim;
	struct dv_hal hal;
	enum dv_phase phase;
	/* the miniport */
	NDIS_MINIPORT_CHARACTERISTICS chars;
	bool have_chars;
	NDIS_HANDLE context; /* MiniportAdapterContext */
	bool irq_registered;
	unsigned irq;
	struct dv_dma_handle *handles[8];
	size_t nhandles;
	uint32_t attribute_flags; /* NdisMSetAttributesEx's AttributeFlags */
	struct dv_port_range_reg port_ranges[DV_NDIS_PORT_RANGES];
	uint32_t nport_ranges;
	struct dv_ndis_timer timers[DV_NDIS_TIMERS];
	uint32_t ntimers;
	/* the hang check (ndis_request.c): NdisMSetAttributesEx's CheckForHangTimeInSeconds, and
	 * the period and next due cycle of MiniportCheckForHang (period 0: none) */
	uint32_t hang_seconds;
	uint64_t hang_period, hang_due;
	bool in_sync;        /* a MiniportSynchronizeISR function is running */
	uint32_t locks_held; /* spin locks acquired and not released */
	uint16_t lock_loc;   /* where the last one was acquired */
	/* memory */
	uint32_t va_map[DV_VA_PAGES]; /* virtual page -> physical page + 1, 0 = unmapped */
	uint32_t va_next;             /* next free virtual page (bump allocator) */
	uint8_t phys_used[DV_MEM_PAGES / 8];
	void **host_allocs; /* every host allocation made for the driver */
	size_t nhost, host_cap;
	struct dv_ndis_memory mem; /* where they come from (dv_ndis_use_memory); alloc NULL: calloc */
	char *driver_failure;      /* dv_ndis_driver_failed's first reason, NULL while it lives */
	/* calls */
	struct dv_call_record *rec;
	size_t nrec, rec_cap;
	int32_t last_status;
	uint32_t last_record;
	struct dv_ndis_config config;
	/* protocol side */
	struct dv_tx_packet *tx; /* every packet the protocol sent, at most DV_NDIS_MAX_TX */
	uint32_t ntx, tx_cap;
	uint32_t ntx_completed; /* of them, completed (tx.completed, asked at every tick of a run) */
	uint32_t tx_seq;
	struct dv_rx_frame rx[DV_NDIS_RX_LOG];
	uint32_t nrx; /* total frames indicated (the log keeps the last DV_NDIS_RX_LOG) */
	/* verifier */
	uint32_t fired[DV_RULE_COUNT];
	uint32_t violations;
	int last_rule; /* -1 none */
	bool strict;
};

/* ---- what the files of the NDIS layer share -------------------------------------------------
 * ndis.c (contexts, call records, life cycle), ndis_dma.c (the DMA channel), ndis_mem.c (memory,
 * buffers and packets) and ndis_config.c (configuration) are one layer split by subject; these are
 * the functions and positions they use of each other. Nothing outside src/ndis/ndis*.c calls them. */

/* What a call record keeps in arg[], by call: the one place the positions are named.
 * NdisMSetupDmaTransfer and NdisMCompleteDmaTransfer: */
enum dv_dma_arg {
	DV_DMA_ARG_VA,        /* Buffer's virtual address (dv_ndis_va32) */
	DV_DMA_ARG_OFFSET,    /* Offset */
	DV_DMA_ARG_LENGTH,    /* Length */
	DV_DMA_ARG_WRITE,     /* WriteToDevice */
	DV_DMA_ARG_PHYS,      /* physical address of the Buffer's byte Offset (0xFFFFFFFF: none) */
	DV_DMA_ARG_BYTECOUNT, /* the Buffer's ByteCount */
};
/* NdisMRegisterDmaChannel: */
enum dv_register_arg {
	DV_REGISTER_ARG_CHANNEL,      /* the DmaChannel parameter (ignored, as in Windows) */
	DV_REGISTER_ARG_DMA32,        /* Dma32BitAddresses */
	DV_REGISTER_ARG_MAXLEN,       /* MaximumLength */
	DV_REGISTER_ARG_DESC_CHANNEL, /* DmaDescription->DmaChannel */
	DV_REGISTER_ARG_DESC_WIDTH,   /* DmaDescription->DmaWidth */
	DV_REGISTER_ARG_DESC_MODE,    /* DemandMode | AutoInitialize << 1 */
};
/* IoMapTransfer, KeFlushIoBuffers and IoFlushAdapterBuffers as NDIS calls them: */
enum dv_map_arg {
	DV_MAP_ARG_OFFSET,
	DV_MAP_ARG_LENGTH,
	DV_MAP_ARG_WRITE,   /* WriteToDevice (KeFlushIoBuffers: ReadOperation) */
	DV_MAP_ARG_BOUNCED, /* IoMapTransfer, once returned: the HAL used its map-register buffer */
	DV_MAP_ARG_PHYS,    /* ... the address the 8237A was programmed with */
	DV_MAP_ARG_WOULD_BE, /* ... the caller's address, where the HAL bounced */
};

/* The DPC that runs the timers whose time has come (ndis_time.c), besides MiniportHandleInterrupt's. */
#define DV_NDIS_DPC_TIMERS 2u
/* Runs the timers that are due, in the order of their due cycles (the DPC's work), and sets
 * the machine's clock hook for the next one. */
void dv_ndis_run_timers(struct dv_ndis *ndis);
/* The machine's clock reached the first due timer: queue the timers' DPC (the clock hook). */
void dv_ndis_clock(void *ctx, struct dv_sim *sim);
/* The spin-lock rule when the driver code that just returned to NDIS left a lock held
 * (ndis.c; after every entry point). */
void dv_ndis_check_locks(struct dv_ndis *nd);
/* The timer-not-cancelled rule for each timer still set once MiniportHalt returned; the
 * timers are taken out of the queue (ndis_time.c). */
void dv_ndis_halt_timers(struct dv_ndis *nd);
/* The hang check (ndis_request.c): starts its period once MiniportInitialize succeeded (a
 * driver without MiniportCheckForHang has none), and makes one check when it is due (the
 * timers' DPC). */
void dv_ndis_hang_start(struct dv_ndis *nd);
/* Sets the clock hook's due cycle: the earliest set timer or hang check (ndis_time.c). */
void dv_ndis_schedule(struct dv_ndis *nd);
void dv_ndis_check_for_hang(struct dv_ndis *nd);

/* MiniportQueryInformation and MiniportSetInformation records: arg[0] the OID, arg[1] the
 * InformationBufferLength, then what came back. */
enum dv_req_arg {
	DV_REQ_ARG_OID,
	DV_REQ_ARG_LENGTH,
	DV_REQ_ARG_VALUE,
	DV_REQ_ARG_DONE,
	DV_REQ_ARG_NEEDED
};

/* Port I/O as the driver does it (ndis.c): one traced byte access at loc, with the verifier's
 * checks of a write. */
void dv_ndis_port_out(struct dv_ndis *nd, uint16_t port, uint8_t value, uint16_t loc);
uint8_t dv_ndis_port_in(struct dv_ndis *nd, uint16_t port, uint16_t loc);

/* The context the handle-less calls act on (set by dv_ndis_bind), or NULL. */
struct dv_ndis *dv_ndis_bound(void);

/* The live context a handle names (the NdisWrapperHandle, MiniportAdapterHandle,
 * WrapperConfigurationContext or a pool handle all are the context itself), or NULL. */
struct dv_ndis *dv_ndis_of(NDIS_HANDLE h);
/* dv_ndis_of, else the bound context (ndis.c). */
struct dv_ndis *dv_ndis_of_or_bound(NDIS_HANDLE h);
/* The context that handed out DMA handle h (registered or not), else the bound one. */
struct dv_ndis *dv_ndis_dma_owner(NDIS_HANDLE h);
/* The context whose host allocations hold p (a buffer descriptor, a packet), else the bound one. */
struct dv_ndis *dv_ndis_host_owner(const void *p);
/* The context whose configuration handle h is, or NULL. */
struct dv_ndis *dv_ndis_config_owner(NDIS_HANDLE h);

/* Host memory for the driver (zeroed), freed with the context; host_free says whether p was one
 * of this context's (and frees it). */
void *dv_ndis_host_alloc(struct dv_ndis *ndis, size_t size);
bool dv_ndis_host_free(struct dv_ndis *ndis, void *p);

/* Physical pages of the simulated machine: first fit below limit (UINT32_MAX: none free), and
 * marking a page used or free. */
uint32_t dv_ndis_phys_alloc(struct dv_ndis *ndis, uint32_t pages, uint32_t limit);
/* Unmaps the virtual pages of [va, va + length) and frees their physical pages. */
void dv_ndis_unmap(struct dv_ndis *ndis, const void *va, uint32_t length);
void dv_ndis_phys_mark(struct dv_ndis *ndis, uint32_t pfn, bool used);

/* The driver's source location (File, Line of an ...At call) as a trace location. */
uint16_t dv_ndis_loc(struct dv_ndis *ndis, const char *file, int line);
/* The CPU's IRQL now. */
uint8_t dv_ndis_irql(struct dv_ndis *nd);

/* A call in progress: its record (UINT32_MAX when the records are full) and the cause to restore. */
struct dv_ndis_call_scope {
	uint32_t rec;
	uint32_t saved_cause;
};
/* Opens call's record (args[0..nargs) in arg[], labelled with channel) and emits its
 * DV_EV_CALL; until the matching dv_ndis_call_end, events carry src and loc as their cause. */
struct dv_ndis_call_scope dv_ndis_call_begin(struct dv_ndis *ndis, enum dv_call call, uint16_t loc,
                                             enum dv_src src, const uint32_t *args, unsigned nargs,
                                             uint8_t channel);
/* Records status, emits DV_EV_RETURN and restores the cause. */
void dv_ndis_call_end(struct dv_ndis *ndis, struct dv_ndis_call_scope s, enum dv_call call,
                      int32_t status);

#endif

/* dmaviz: the NDIS wrapper's side: what hosts a miniport on the simulated PC, plays the
 * protocol above it (sending packets, taking indicated frames), and runs the verifier.
 * Drivers never include this header; they see ndis.h. */
#ifndef DV_DVNDIS_H
#define DV_DVNDIS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "calls.h"
#include "hal.h"
#include "ndis.h"
#include "state.h"
#include "va_window.h"
#include "verifier.h"

struct dv_sim;

/* Simulated kernel virtual addresses: DV_VA_PAGES pages of a window that no host pointer falls
 * into (va_window.h). */

/* How many of a buffer's physical pages a call record keeps. */
#define DV_CALL_PAGES 4u

/* One call of an NDIS/HAL function or miniport entry point, with its arguments. */
struct dv_call_record {
	uint16_t call;   /* enum dv_call */
	uint16_t loc;    /* caller's file:line (trace location id) */
	uint32_t arg[6]; /* positional, by call (ndis_int.h); read them as dv_call_args */
	int32_t status;  /* returned NDIS_STATUS (or value) */
	uint8_t returned;
	uint8_t channel;
	uint64_t cycle;
	/* Setup and Complete: the physical addresses of the Buffer's pages as its MDL held them
	 * at the call (the first DV_CALL_PAGES of npages). */
	uint32_t page[DV_CALL_PAGES];
	uint32_t npages;
};

/* A call record's arguments by name. Describe.c and the front ends read these; the positions
 * in arg[] are the NDIS layer's business (ndis_int.h). Which member holds is told by call. */
struct dv_args_dma {     /* NdisMSetupDmaTransfer, NdisMCompleteDmaTransfer */
	uint32_t va;     /* the Buffer's virtual address as dv_ndis_va32 shows it; 0: NULL */
	uint32_t offset; /* Offset */
	uint32_t length; /* Length */
	bool write_to_device;
	uint32_t phys;      /* physical address of the Buffer's byte Offset (DV_NO_ADDR: none) */
	uint32_t bytecount; /* the Buffer's ByteCount */
};
struct dv_args_register {      /* NdisMRegisterDmaChannel */
	uint32_t channel;      /* the DmaChannel parameter (ignored, as in Windows) */
	bool dma32;            /* Dma32BitAddresses */
	uint32_t max_length;   /* MaximumLength */
	uint32_t desc_channel; /* DmaDescription->DmaChannel (0xFFFFFFFF: no description) */
	uint32_t desc_width;   /* DmaDescription->DmaWidth */
	bool demand_mode, auto_initialize;
};
struct dv_args_map { /* IoMapTransfer, IoFlushAdapterBuffers as NDIS calls them */
	uint32_t offset, length;
	bool write_to_device;
	bool bounced;      /* IoMapTransfer, once returned: the HAL used its map-register buffer */
	uint32_t phys;     /* ... the address the 8237A was programmed with */
	uint32_t would_be; /* ... the caller's address, where the HAL bounced */
};
struct dv_args_flush { /* KeFlushIoBuffers */
	uint32_t offset, length;
	bool read_operation;
};
struct dv_args_get_adapter { /* HalGetAdapter */
	uint32_t channel;    /* DeviceDescription's DmaChannel */
	uint32_t refusal;    /* enum dv_hal_refusal */
	uint32_t mode;       /* the adapter's 8237A mode bits */
};

struct dv_call_args {
	enum dv_call call;
	union {
		struct dv_args_dma dma;
		struct dv_args_register reg;
		struct dv_args_map map;
		struct dv_args_flush flush;
		struct dv_args_get_adapter get_adapter;
		struct {
			bool bus_master;
			uint32_t adapter_type;
		} attributes; /* NdisMSetAttributes */
		struct {
			uint32_t vector;
		} interrupt; /* NdisMRegisterInterrupt */
		struct {
			uint32_t length, flags, highest, phys;
		} allocate; /* NdisAllocateMemory */
		struct {
			uint32_t length;
		} shared; /* NdisMAllocateSharedMemory */
		struct {
			uint32_t dst_phys, src_phys, length;
		} move; /* NdisMoveMemory */
		struct {
			uint32_t dst_phys, length;
		} zero; /* NdisZeroMemory */
		struct {
			uint32_t packet, length;
		} send; /* MiniportSend: the protocol's seq */
		struct {
			uint32_t packet;
			int32_t status;
		} send_complete; /* NdisMSendComplete */
		/* NdisMIndicateReceivePacket: how many packets, each one's length (the 5th
		 * length is the last packet's) */
		struct {
			uint32_t npackets, length[5];
		} indicate;
		struct {
			uint32_t microseconds;
			bool refused; /* NdisMSleep above PASSIVE_LEVEL: it did not wait */
		} stall;              /* NdisStallExecution, NdisMSleep */
		struct {
			bool bus_master;
			uint32_t adapter_type, flags, hang_seconds;
		} attributes_ex; /* NdisMSetAttributesEx */
		struct {
			uint32_t first, count;
		} port_range; /* NdisM(De)RegisterIoPortRange */
		struct {
			uint32_t port, count, width; /* count elements of width bytes */
		} port_buffer; /* NdisRaw{Write,Read}PortBuffer{Uchar,Ushort,Ulong} */
		/* the timer calls and MiniportTimer: the timer's number (1, 2, ...; 0: none), the
		 * delay or period asked for, the cycle it is due at, whether a cancel took it out
		 * of the queue */
		struct {
			uint32_t id, ms, due;
			bool cancelled;
		} timer;
		struct {
			uint32_t code, nvalues, value[4];
		} error_log; /* NdisWriteErrorLogEntry: the first 4 values */
		struct {
			int32_t status;
			uint32_t size, first; /* StatusBufferSize, its first ULONG (0: none) */
		} indicate_status;            /* NdisMIndicateStatus */
		/* MiniportQueryInformation, MiniportSetInformation: the OID, the buffer's length,
		 * its first ULONG after the call, BytesWritten (BytesRead), BytesNeeded */
		struct {
			uint32_t oid, length, value, done, needed;
		} request;
		struct {
			bool addressing; /* AddressingReset */
		} reset;                 /* MiniportReset */
	};
};

/* Record r's arguments by name (calls without arguments: all zero). */
void dv_call_args(const struct dv_call_record *r, struct dv_call_args *out);
/* The other way: a.call and its arguments into r's call and arg[] (for tests and tools that
 * build a record; the rest of r is left as it is). */
void dv_call_args_encode(const struct dv_call_args *a, struct dv_call_record *r);

enum dv_phase { DV_PHASE_NONE, DV_PHASE_INIT, DV_PHASE_RUNNING, DV_PHASE_HALT, DV_PHASE_HALTED };

/* How the protocol lays out a packet it sends: up to 8 buffers, each at a chosen physical
 * address (0 = let the allocator choose) or spread over scattered pages. */
struct dv_buffer_spec {
	uint32_t length;
	uint32_t phys;  /* physical address of the first byte; 0 = allocate */
	bool scattered; /* give each page a non-adjacent physical page */
};

struct dv_packet_spec {
	uint32_t nbuffers;
	struct dv_buffer_spec buf[8];
};

/* A context: one simulated NDIS wrapper hosting one miniport. Its struct is the core's own
 * (ndis_int.h); front ends hold a pointer and use the functions here. */
struct dv_ndis;

/* The most packets the protocol sends in one context's life (dv_ndis_send refuses more): a
 * long run of the course (docs/lesson-format.md, "Long runs"). */
#define DV_NDIS_MAX_TX 10000u

struct dv_ndis *dv_ndis_create(struct dv_sim *sim);
void dv_ndis_destroy(struct dv_ndis *ndis);

/* The one binding point: makes ndis the context of the driver-facing calls that carry no
 * handle (NdisMInitializeWrapper, NdisAllocateMemory, NdisMoveMemory, NdisStallExecution, the
 * spin locks, ...). Those keep their real NDIS signatures, so they cannot be given a context;
 * whoever runs driver code binds first (dv_ndis_create, load, initialize, halt, send, the ISR
 * and DPC, and the engine before a statement that plays the driver). Calls that carry a handle
 * find their context from the handle, whatever is bound. */
void dv_ndis_bind(struct dv_ndis *ndis);

/* Sets keyword (at most 31 ASCII characters) in the miniport's configuration to value, for
 * NdisReadConfiguration; false when the key is full or the keyword too long. */
bool dv_ndis_set_config(struct dv_ndis *ndis, const char *keyword, uint32_t value);

/* Where the memory a driver reads directly comes from: packets, buffer descriptors, the host
 * memory of NdisAllocateMemory, configuration parameters. The driver host (ui/host) gives the
 * bound context its arena, shared with the driver's process, from its DriverEntry on: alloc
 * returns zeroed memory or NULL, free says whether p was the arena's (else it is calloc's),
 * release drops the context's hold on ctx (when another memory replaces it, or the context
 * goes). NULL: calloc again. */
struct dv_ndis_memory {
	void *(*alloc)(void *ctx, size_t size);
	bool (*free)(void *ctx, void *p);
	void (*release)(void *ctx);
	void *ctx;
};
void dv_ndis_use_memory(const struct dv_ndis_memory *m);

/* The bound context's driver has ended (the driver host saw its process crash, loop, exit or
 * break the boundary's rules): keeps why (the first one) and notes the moment in the trace
 * (DV_NOTE_DRIVER_ENDED); calls into the driver fail from then on. The engine ends the run
 * with why (dv_ndis_driver_failure: NULL while the driver lives). */
void dv_ndis_driver_failed(const char *why);
const char *dv_ndis_driver_failure(const struct dv_ndis *ndis);

/* Loads a miniport: calls its DriverEntry. */
NDIS_STATUS dv_ndis_load(struct dv_ndis *ndis, DV_DRIVER_ENTRY entry);
/* Calls MiniportInitialize at PASSIVE_LEVEL with the machine's resources. */
NDIS_STATUS dv_ndis_initialize(struct dv_ndis *ndis);
/* For lessons and tests that play the miniport themselves: the wrapper's phase (calls such as
 * NdisMRegisterDmaChannel belong in DV_PHASE_INIT). */
void dv_ndis_set_phase(struct dv_ndis *ndis, enum dv_phase phase);
/* Calls MiniportHalt, then checks what the miniport left behind. */
void dv_ndis_halt(struct dv_ndis *ndis);
/* NDIS's requests (ndis_request.c), as a protocol's NdisRequest reaches a serialized miniport:
 * MiniportQueryInformation(oid) with a zeroed buffer of length bytes (at most 64), and
 * MiniportSetInformation(oid) with one ULONG, each at DISPATCH_LEVEL; the call record keeps the
 * buffer's first ULONG, BytesWritten/BytesRead and BytesNeeded. NDIS_STATUS_NOT_SUPPORTED
 * when the driver is not running or has no such handler. */
#define DV_REQ_MAX_BYTES 64u /* the InformationBuffer NDIS passes with a query */
NDIS_STATUS dv_ndis_query(struct dv_ndis *ndis, uint32_t oid, uint32_t length);
NDIS_STATUS dv_ndis_set(struct dv_ndis *ndis, uint32_t oid, uint32_t value);
/* Did the driver give NDIS a MiniportQueryInformation (query) or MiniportSetInformation? */
bool dv_ndis_has_request_handler(const struct dv_ndis *ndis, bool query);
/* The OID ndis.h names name (len bytes of it), or 0; the name of an OID, or NULL. */
uint32_t dv_oid_find(const char *name, size_t len);
const char *dv_oid_name(uint32_t oid);
/* Is a one-shot timer of the driver's set (NdisMSetTimer, NdisSetTimer)? It will fire: the
 * machine is not idle (`run quiet` waits for it). A periodic timer is a heartbeat, not work
 * pending, and does not count. */
bool dv_ndis_timer_pending(const struct dv_ndis *ndis);

/* The protocol builds a packet of a known pattern and hands it to MiniportSend. Returns the
 * index of the packet in ndis->tx, or -1. */
int dv_ndis_send(struct dv_ndis *ndis, const struct dv_packet_spec *spec);
/* The same, the packet carrying IrLAP's per-packet information: a MEDIA_SPECIFIC_INFORMATION
 * of class NdisClassIrdaPacketInfo with the peer's minimum turnaround time (microseconds),
 * which the miniport reads with NDIS_GET_PACKET_MEDIA_SPECIFIC_INFO. */
int dv_ndis_send_irda(struct dv_ndis *ndis, const struct dv_packet_spec *spec,
                      uint32_t min_turnaround_us);
/* Byte i of the protocol's packet number seq (what the peer must receive). */
uint8_t dv_ndis_packet_byte(uint32_t seq, uint32_t i);

/* Maps n physical pages to fresh virtual addresses; returns the VA of the first page. */
PVOID dv_ndis_map_pages(struct dv_ndis *ndis, const uint32_t *pfn, uint32_t n);
/* A simulated VA's physical address (0xFFFFFFFF when unmapped or not simulated). */
uint32_t dv_ndis_va_to_phys(const struct dv_ndis *ndis, const void *va);
/* A simulated VA as call records and the UI show it: a 32-bit kernel address, 0x80000000 plus
 * its offset in the simulated window, the same on every host (other pointers: their low 32
 * bits). */
uint32_t dv_ndis_va32(const void *va);
bool dv_ndis_is_sim_va(const void *va);
/* Builds an MDL over [va, va + length) of simulated memory, owned by ndis. */
PNDIS_BUFFER dv_ndis_make_buffer(struct dv_ndis *ndis, PVOID va, uint32_t length);

/* The verifier: record that rule fired at loc. */
void dv_ndis_violate(struct dv_ndis *ndis, enum dv_rule rule, uint16_t loc, uint32_t record);

/* Call records. */
const struct dv_call_record *dv_ndis_record(const struct dv_ndis *ndis, uint32_t n);
/* How many call records there are, and a record from a recording appended as the next one
 * (src/lang/record.c; false when memory runs out). */
size_t dv_ndis_record_count(const struct dv_ndis *ndis);
bool dv_ndis_record_append(struct dv_ndis *ndis, const struct dv_call_record *r);

const char *dv_ndis_status_name(int32_t status);
/* The table behind it: every status by name, and its length (*n). */
struct dv_ndis_status {
	const char *name;
	int32_t value;
};
const struct dv_ndis_status *dv_ndis_statuses(size_t *n);

/* The core (built with DV_CORE_INTERNAL) and its white-box tests see the structs. */
#ifdef DV_CORE_INTERNAL
#include "ndis_int.h"
#endif

#endif

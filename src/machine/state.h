/* dmaviz: the machine's state as plain data, and the slots that name every field.
 *
 * Everything the simulated PC remembers lives in struct dv_state. It holds no pointers, so a
 * keyframe is a copy. Every change to it goes through dv_sim_set() (sim.h), which records a
 * trace event with the slot, index, old and new value: replaying new values redoes a change,
 * restoring old values undoes it. That is what makes stepping back exact.
 */
#ifndef DV_STATE_H
#define DV_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Physical memory: up to 32 MiB so that memory above the ISA 16 MiB limit exists. */
#define DV_MEM_MAX (32u << 20)
#define DV_PAGE_SHIFT 12u
#define DV_PAGE_SIZE (1u << DV_PAGE_SHIFT)
#define DV_MEM_PAGES (DV_MEM_MAX >> DV_PAGE_SHIFT)

/* The non-coherent write-back CPU cache (off by default; NT's MIPS and Alpha ports). */
#define DV_CACHE_LINES 64u
#define DV_CACHE_LINE 16u

/* The NIC's FIFOs are small on purpose, so FIFO pressure is visible. */
#define DV_NIC_TXFIFO 16u
#define DV_NIC_RXFIFO 16u
#define DV_NIC_STATFIFO 8u
/* Frames the peer station keeps of what it received, and how long each may be. */
#define DV_PEER_FRAMES 4u
#define DV_FRAME_MAX 1536u
#define DV_PEER_TXQ 8u

#define DV_DPC_QUEUE 8u

enum dv_irql { DV_PASSIVE_LEVEL = 0, DV_DISPATCH_LEVEL = 2, DV_DIRQL = 3 };

/* One 8237A channel. Intel: base registers are write-only, reads return the current ones. */
struct dv_dma_channel {
	uint16_t base_addr;
	uint16_t base_count;
	uint16_t cur_addr;
	uint16_t cur_count;
	uint8_t mode;
	uint8_t pad_[3];
};

/* One 8237A chip. DMA1 serves channels 0-3 (bytes), DMA2 channels 4-7 (words). */
struct dv_dma_chip {
	struct dv_dma_channel ch[4];
	uint8_t command;  /* bit 2: controller disable */
	uint8_t status;   /* bits 3-0 TC (clear on read), bits 7-4 request pending */
	uint8_t request;  /* software DREQ bits 3-0 */
	uint8_t mask;     /* mask bits 3-0, 1 = channel disabled */
	uint8_t flipflop; /* byte pointer: 0 = low byte next */
	uint8_t temp;     /* temporary register (memory-to-memory) */
	uint8_t hrq;      /* this chip's hold request output */
	uint8_t mem2mem;  /* 1 while a memory-to-memory block runs */
	uint8_t active;   /* channel in service + 1 while the chip holds the bus, 0 idle */
	uint8_t pad_;
};

/* The ISA bus signals, as levels. A pulse (DACK, strobes, TC) rises and falls in one tick. */
struct dv_bus {
	uint8_t dreq; /* DREQ lines 0-7 driven by cards (bit 4 is DMA1's HRQ, the cascade) */
	uint8_t dack; /* DACK lines 0-7 */
	uint8_t hlda; /* CPU hold acknowledge to DMA2 */
	uint8_t aen;
	uint8_t memr, memw, ior, iow;
	uint8_t tc;
	uint8_t pad_o_; /* (was the owner: bus.owner is derived, the CPU's HLDA) */
	uint16_t irq;   /* IRQ lines 0-15 as levels */
	uint8_t pad_[4];
	/* Ticks in which a DMA transfer ran. The CPU's (cpu.cycles) are not kept: they are the
	 * cycle less these (dv_state_get), so a tick records nothing for them. */
	uint32_t dma_cycles;
};

/* The processor: IRQL, the PIC's request latch, the DPC queue. */
struct dv_cpu {
	uint8_t irql;
	uint8_t dpc_count;
	uint16_t irr;       /* interrupt request latch, one bit per IRQ (ISA is edge-triggered) */
	uint16_t connected; /* IRQs with a connected ISR */
	uint16_t in_service;
	uint8_t dpc[DV_DPC_QUEUE];
};

/* Our own ISA network card (docs/nic.md). No implicit padding: states are hashed as bytes. */
struct dv_nic {
	uint16_t base;       /* I/O base (config) */
	uint8_t channel;     /* DMA channel (config) */
	uint8_t irq;         /* IRQ line (config) */
	uint8_t wire_rate;   /* ticks per byte on the wire (config) */
	uint8_t pad_w_;      /* (was the wire timer: nic.wire_timer derives from wire_due) */
	uint8_t cmd;         /* command register */
	uint8_t imr;         /* interrupt mask */
	uint8_t isr;         /* interrupt status, write 1 to clear */
	uint8_t pad_s_;      /* (was the status register: nic.status is derived, dv_nic_status) */
	uint8_t irq_level;   /* the level the card drives on its IRQ line */
	uint8_t missed;      /* frames the receiver missed (saturates at 255) */
	uint16_t txlen;      /* length of the frame to send */
	uint16_t tx_fetched; /* bytes of this frame taken into the TX FIFO */
	uint16_t tx_sent;    /* bytes of this frame put on the wire */
	uint8_t tx_head, tx_count;
	uint8_t txfifo[DV_NIC_TXFIFO];
	uint8_t rxfifo[DV_NIC_RXFIFO];
	uint8_t rx_head, rx_count;
	uint16_t rx_ends; /* bit k: rxfifo[k] is the last stored byte of a received frame */
	uint16_t statfifo[DV_NIC_STATFIFO]; /* received frames: length, bit 15 error (nic.md) */
	uint8_t stat_head, stat_count;
	uint16_t stat_latch;  /* the entry a read of RXSTAT_LO latched */
	uint8_t stat_latched; /* 0 nothing latched, 1 an entry, 2 "status FIFO empty" */
	uint8_t rx_state;     /* 0 between frames, 1 taking a frame, 2 ignoring a frame */
	uint16_t rx_frame_in; /* bytes of the arriving frame stored in the RX FIFO */
	uint8_t rx_lost;      /* bytes of the arriving frame lost: bit 0 overrun, bit 1 RXEN off */
	uint8_t pad_[3];
	/* Recordings before format 5 only: the cycle of the next byte time, rewritten at every
	 * byte time (the model now keeps wire_start; a replayed old trace still sets this). */
	uint32_t wire_due;
	/* The wire clock: 0 while it is stopped, else the cycle it started plus one. Its byte
	 * times are every wire_rate ticks from the start (the first wire_rate - 1 ticks after
	 * it), so it is written twice a run of the link, when it starts and when it stops, not
	 * once a byte; nic.wire_timer, the ticks to the next byte time, derives from it. */
	uint32_t wire_start;
};

/* The station at the other end of the wire. */
struct dv_peer {
	uint16_t txq_len[DV_PEER_TXQ]; /* frames waiting to be sent to our NIC */
	uint8_t txq_head, txq_count;
	uint16_t tx_pos;                 /* bytes of the head frame already on the wire */
	uint16_t tx_gap;                 /* idle byte-times left before the next frame may start */
	uint16_t rx_cur;                 /* bytes of the frame now arriving */
	uint32_t tx_seq;                 /* number of frames sent so far (seeds their contents) */
	uint32_t rx_count;               /* whole frames received from our NIC */
	uint32_t rx_aborted;             /* partial frames discarded (underrun, card reset) */
	uint16_t rx_len[DV_PEER_FRAMES]; /* frame n is kept in slot n % DV_PEER_FRAMES */
	uint8_t rx_data[DV_PEER_FRAMES][DV_FRAME_MAX];
};

struct dv_cache {
	uint32_t tag[DV_CACHE_LINES];  /* line address >> 4, valid when flags bit 0 */
	uint8_t flags[DV_CACHE_LINES]; /* bit 0 valid, bit 1 dirty */
	uint8_t data[DV_CACHE_LINES][DV_CACHE_LINE];
};

struct dv_state {
	uint32_t cycle;
	uint32_t mem_size; /* bytes of installed memory (config) */
	uint8_t cache_on;  /* non-coherent cache enabled (config) */
	uint8_t pad_[3];
	uint32_t rng_lo, rng_hi; /* splitmix64 state */
	struct dv_dma_chip dma[2];
	uint8_t page[8];        /* page register per channel */
	uint8_t page_extra[16]; /* the other latches at 0x80-0x8F (0x80 is the POST port) */
	struct dv_bus bus;
	struct dv_cpu cpu;
	struct dv_nic nic;
	struct dv_peer peer;
	struct dv_cache cache;
	uint32_t mem_page[DV_MEM_PAGES]; /* page ids in the memory pool, 0 = never written */
};

/* Every field of dv_state has a slot; an index picks the channel, chip, byte or address.
 * X(id, state name pattern, number of indices, field). DMA channel fields, memory and the
 * derived slots are special-cased in state.c (the field given is a placeholder). New slots go
 * last: a recording file names slots by number. */
#define DV_SLOTS(X)                                                                                \
	X(NONE, "none", 1, cycle)                                                                  \
	X(CYCLE, "cycle", 1, cycle)                                                                \
	X(RNG_LO, "rng.lo", 1, rng_lo)                                                             \
	X(RNG_HI, "rng.hi", 1, rng_hi)                                                             \
	X(DMA_BASE_ADDR, "dma.ch%u.base_addr", 8, dma)                                             \
	X(DMA_BASE_COUNT, "dma.ch%u.base_count", 8, dma)                                           \
	X(DMA_ADDR, "dma.ch%u.addr", 8, dma)                                                       \
	X(DMA_COUNT, "dma.ch%u.count", 8, dma)                                                     \
	X(DMA_MODE, "dma.ch%u.mode", 8, dma)                                                       \
	X(DMA_COMMAND, "dma%u.command", 2, dma[0].command)                                         \
	X(DMA_STATUS, "dma%u.status", 2, dma[0].status)                                            \
	X(DMA_REQUEST, "dma%u.request", 2, dma[0].request)                                         \
	X(DMA_MASK, "dma%u.mask", 2, dma[0].mask)                                                  \
	X(DMA_FLIPFLOP, "dma%u.flipflop", 2, dma[0].flipflop)                                      \
	X(DMA_TEMP, "dma%u.temp", 2, dma[0].temp)                                                  \
	X(DMA_HRQ, "dma%u.hrq", 2, dma[0].hrq)                                                     \
	X(DMA_M2M, "dma%u.m2m", 2, dma[0].mem2mem)                                                 \
	X(DMA_ACTIVE, "dma%u.active", 2, dma[0].active)                                            \
	X(PAGE, "page.ch%u", 8, page)                                                              \
	X(PAGE_EXTRA, "port.0x8%x", 16, page_extra)                                                \
	X(BUS_DREQ, "bus.dreq", 1, bus.dreq)                                                       \
	X(BUS_DACK, "bus.dack", 1, bus.dack)                                                       \
	X(BUS_HLDA, "bus.hlda", 1, bus.hlda)                                                       \
	X(BUS_AEN, "bus.aen", 1, bus.aen)                                                          \
	X(BUS_MEMR, "bus.memr", 1, bus.memr)                                                       \
	X(BUS_MEMW, "bus.memw", 1, bus.memw)                                                       \
	X(BUS_IOR, "bus.ior", 1, bus.ior)                                                          \
	X(BUS_IOW, "bus.iow", 1, bus.iow)                                                          \
	X(BUS_TC, "bus.tc", 1, bus.tc)                                                             \
	X(BUS_OWNER, "bus.owner", 1, cycle)                                                        \
	X(BUS_IRQ, "bus.irq", 1, bus.irq)                                                          \
	X(BUS_CPU_CYCLES, "cpu.cycles", 1, cycle)                                                  \
	X(BUS_DMA_CYCLES, "dma.cycles", 1, bus.dma_cycles)                                         \
	X(CPU_IRQL, "cpu.irql", 1, cpu.irql)                                                       \
	X(CPU_IRR, "cpu.irr", 1, cpu.irr)                                                          \
	X(CPU_CONNECTED, "cpu.connected", 1, cpu.connected)                                        \
	X(CPU_IN_SERVICE, "cpu.in_service", 1, cpu.in_service)                                     \
	X(CPU_DPC_COUNT, "cpu.dpc_count", 1, cpu.dpc_count)                                        \
	X(CPU_DPC, "cpu.dpc%u", DV_DPC_QUEUE, cpu.dpc)                                             \
	X(NIC_CMD, "nic.cmd", 1, nic.cmd)                                                          \
	X(NIC_IMR, "nic.imr", 1, nic.imr)                                                          \
	X(NIC_ISR, "nic.isr", 1, nic.isr)                                                          \
	X(NIC_STATUS, "nic.status", 1, cycle)                                                      \
	X(NIC_IRQ_LEVEL, "nic.irq_level", 1, nic.irq_level)                                        \
	X(NIC_MISSED, "nic.missed", 1, nic.missed)                                                 \
	X(NIC_TXLEN, "nic.txlen", 1, nic.txlen)                                                    \
	X(NIC_TX_FETCHED, "nic.tx_fetched", 1, nic.tx_fetched)                                     \
	X(NIC_TX_SENT, "nic.tx_sent", 1, nic.tx_sent)                                              \
	X(NIC_WIRE_TIMER, "nic.wire_timer", 1, cycle)                                              \
	X(NIC_TXFIFO, "nic.txfifo%u", DV_NIC_TXFIFO, nic.txfifo)                                   \
	X(NIC_TX_HEAD, "nic.txfifo.head", 1, nic.tx_head)                                          \
	X(NIC_TX_COUNT, "nic.txfifo.count", 1, nic.tx_count)                                       \
	X(NIC_RXFIFO, "nic.rxfifo%u", DV_NIC_RXFIFO, nic.rxfifo)                                   \
	X(NIC_RX_HEAD, "nic.rxfifo.head", 1, nic.rx_head)                                          \
	X(NIC_RX_COUNT, "nic.rxfifo.count", 1, nic.rx_count)                                       \
	X(NIC_RX_ENDS, "nic.rxfifo.ends", 1, nic.rx_ends)                                          \
	X(NIC_STATFIFO, "nic.statfifo%u", DV_NIC_STATFIFO, nic.statfifo)                           \
	X(NIC_STAT_HEAD, "nic.statfifo.head", 1, nic.stat_head)                                    \
	X(NIC_STAT_COUNT, "nic.statfifo.count", 1, nic.stat_count)                                 \
	X(NIC_STAT_LATCH, "nic.statfifo.latch", 1, nic.stat_latch)                                 \
	X(NIC_STAT_LATCHED, "nic.statfifo.latched", 1, nic.stat_latched)                           \
	X(NIC_RX_STATE, "nic.rx_state", 1, nic.rx_state)                                           \
	X(NIC_RX_FRAME_IN, "nic.rx_frame_in", 1, nic.rx_frame_in)                                  \
	X(NIC_RX_LOST, "nic.rx_lost", 1, nic.rx_lost)                                              \
	X(PEER_TXQ_LEN, "peer.txq%u", DV_PEER_TXQ, peer.txq_len)                                   \
	X(PEER_TXQ_HEAD, "peer.txq.head", 1, peer.txq_head)                                        \
	X(PEER_TXQ_COUNT, "peer.txq.count", 1, peer.txq_count)                                     \
	X(PEER_TX_POS, "peer.tx_pos", 1, peer.tx_pos)                                              \
	X(PEER_TX_GAP, "peer.tx_gap", 1, peer.tx_gap)                                              \
	X(PEER_TX_SEQ, "peer.tx_seq", 1, peer.tx_seq)                                              \
	X(PEER_RX_COUNT, "peer.rx_count", 1, peer.rx_count)                                        \
	X(PEER_RX_ABORTED, "peer.rx_aborted", 1, peer.rx_aborted)                                  \
	X(PEER_RX_LEN, "peer.rx_len%u", DV_PEER_FRAMES, peer.rx_len)                               \
	X(PEER_RX_CUR, "peer.rx_cur", 1, peer.rx_cur)                                              \
	X(PEER_RX_DATA, "peer.rx[%u]", DV_PEER_FRAMES *DV_FRAME_MAX, peer.rx_data)                 \
	X(CACHE_TAG, "cache.tag%u", DV_CACHE_LINES, cache.tag)                                     \
	X(CACHE_FLAGS, "cache.flags%u", DV_CACHE_LINES, cache.flags)                               \
	X(CACHE_DATA, "cache.data[%u]", DV_CACHE_LINES *DV_CACHE_LINE, cache.data)                 \
	X(MEM, "mem[0x%x]", DV_MEM_MAX, cycle)                                                     \
	X(NIC_WIRE_DUE, "nic.wire_due", 1, nic.wire_due)                                           \
	X(DMA_SIGNALS, "dma.signals", 1, cycle)                                                    \
	X(NIC_WIRE_START, "nic.wire_start", 1, nic.wire_start)

enum dv_slot {
#define DV_SLOT_ENUM(id, name, n, field) DV_SLOT_##id,
	DV_SLOTS(DV_SLOT_ENUM)
#undef DV_SLOT_ENUM
	        DV_SLOT_COUNT
};

struct dv_mempool;

/* Slot metadata: the printf pattern of its state name and how many indices it has. */
const char *dv_slot_pattern(enum dv_slot slot);
uint32_t dv_slot_size(enum dv_slot slot);
/* Writes the state name of (slot, index), e.g. "dma.ch1.count", into buf. */
void dv_slot_name(enum dv_slot slot, uint32_t index, char *buf, size_t size);

/* A slot derived from others, not kept (cpu.cycles, nic.wire_timer, nic.status, bus.owner): it
 * reads as its formula
 * and takes no writes, so no event ever records it. */
bool dv_slot_derived(enum dv_slot slot);
/* A bus strobe a transfer implies (bus.dack, aen, memr, memw, ior, iow): kept in the state,
 * but no event records it; it is set from the trace's XFER events (sim.h, dv_bus_strobes). */
bool dv_slot_implied(enum dv_slot slot);
/* The value of an implied slot in a bus (0 for any other slot). */
uint32_t dv_bus_strobe_get(const struct dv_bus *bus, enum dv_slot slot);

/* The arbitration word, dma.signals: both chips' status, HRQ and active channel and HLDA,
 * packed (status1 bits 0-7, status2 8-15, hrq1 16, hrq2 17, hlda 18, active1 19-22, active2
 * 23-26). These fields move together as a channel is served (a DREQ raises a request bit and
 * HRQ on both chips; the grant raises HLDA and the active channels; the release lowers them
 * all), so the machine records them as one state event of this slot per batch instead of one
 * per field (sim.c, docs/trace-formats.md). Reading the slot packs the fields, writing it
 * unpacks them; the fields keep their own names. */
#define DV_SIGNAL_FIELDS 7u
static inline bool dv_slot_signal(enum dv_slot slot) /* inline: every dv_sim_set asks it */
{
	return slot == DV_SLOT_DMA_STATUS || slot == DV_SLOT_DMA_HRQ || slot == DV_SLOT_BUS_HLDA ||
	       slot == DV_SLOT_DMA_ACTIVE;
}
uint32_t dv_signals_pack(const struct dv_state *st);
void dv_signals_unpack(struct dv_state *st, uint32_t word);

/* One field's change: a state event changes one (slot, index), or, for dma.signals, each
 * field whose value differs between the two words. */
struct dv_slot_change {
	enum dv_slot slot;
	uint32_t index, old_value, new_value;
};
/* The fields a state event of (slot, index, old, new) changes, into out (room for
 * DV_SIGNAL_FIELDS); returns how many. */
unsigned dv_slot_changes(enum dv_slot slot, uint32_t index, uint32_t old_value, uint32_t new_value,
                         struct dv_slot_change *out);
/* Whether that event changes (want, want_index): then *old_value and *new_value are the
 * field's. */
bool dv_slot_change_of(enum dv_slot slot, uint32_t index, uint32_t old_value, uint32_t new_value,
                       enum dv_slot want, uint32_t want_index, uint32_t *old_out,
                       uint32_t *new_out);

/* Reads and writes a slot without recording anything (used by replay and by the setter). */
uint32_t dv_state_get(const struct dv_state *st, const struct dv_mempool *pool, enum dv_slot slot,
                      uint32_t index);
void dv_state_put(struct dv_state *st, struct dv_mempool *pool, enum dv_slot slot, uint32_t index,
                  uint32_t value);
/* dv_state_put that also says what the slot held before (*old) and holds now (returned: the
 * value cut to the field's width), with one look-up of the field. */
uint32_t dv_state_swap(struct dv_state *st, struct dv_mempool *pool, enum dv_slot slot,
                       uint32_t index, uint32_t value, uint32_t *old);

#endif

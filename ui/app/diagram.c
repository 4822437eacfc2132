/* dmaviz: what the diagram shows, read from a session's view (diagram.h). */
#include "diagram.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calls.h"
#include "dvndis.h"
#include "lesson.h"
#include "sim.h"

uint32_t dv_dg_now(const struct dv_view *v, enum dv_slot slot, uint32_t i)
{
	return dv_cursor_get(&v->now, slot, i);
}

uint32_t dv_dg_before(const struct dv_view *v, enum dv_slot slot, uint32_t i)
{
	return dv_cursor_get(&v->base, slot, i);
}

bool dv_dg_changed(const struct dv_view *v, enum dv_slot slot, uint32_t i)
{
	return dv_dg_now(v, slot, i) != dv_dg_before(v, slot, i);
}

enum dv_role dv_dg_role(const struct dv_view *v, enum dv_slot slot, uint32_t i)
{
	return dv_dg_changed(v, slot, i) ? DV_ROLE_CHANGED : DV_ROLE_NORMAL;
}

static void fmt_value(char *buf, size_t n, uint32_t v, int digits)
{
	if (digits)
		snprintf(buf, n, "0x%0*x", digits, v);
	else
		snprintf(buf, n, "%u", v);
}

void dv_dg_reg_value(const struct dv_view *v, struct dv_vline *l, enum dv_slot slot, uint32_t i,
                     int digits)
{
	char buf[32];
	fmt_value(buf, sizeof buf, dv_dg_now(v, slot, i), digits);
	if (dv_dg_changed(v, slot, i)) {
		char old[32];
		fmt_value(old, sizeof old, dv_dg_before(v, slot, i), digits);
		dv_vline_add(l, DV_ROLE_DIM, "%s\xe2\x86\x92", old);
	}
	dv_vline_add(l, dv_dg_role(v, slot, i), "%s", buf);
}

/* Did the slot's bit go high at any point of the current move (a pulse: DACK, TC)? A
 * transfer's strobes are its XFER event's (sim.h). A long move (a step of a run of many
 * frames) is looked at in its last PULSE_BACK events. */
#define PULSE_BACK ((size_t)1 << 16)
static bool pulsed(const struct dv_view *v, enum dv_slot slot, uint32_t index, uint32_t bits)
{
	const struct dv_trace *t = dv_sim_trace(v->sim);
	size_t end = v->pos < dv_trace_len(t) ? v->pos : dv_trace_len(t);
	size_t from = v->from;
	if (end > from && end - from > PULSE_BACK)
		from = end - PULSE_BACK;
	if (slot == DV_SLOT_BUS_DREQ) {
		/* DREQ may change with a transfer or a byte time, which flips it (sim.h,
		 * dv_event_dreq_flip): its lines are followed back from where the move ends. */
		uint32_t dreq = dv_dg_now(v, slot, index);
		for (size_t i = end; i-- > from;) {
			if (dreq & bits) /* as event i left them */
				return true;
			const struct dv_event *e = dv_trace_at(t, i);
			dreq ^= dv_event_dreq_flip(e, v->now.st.nic.channel);
			if (e->kind == DV_EV_STATE && e->slot == DV_SLOT_BUS_DREQ)
				dreq = e->old_value;
		}
		return false;
	}
	bool implied = dv_slot_implied(slot);
	for (size_t i = from; i < end; i++) {
		const struct dv_event *e = dv_trace_at(t, i);
		if (implied && e->kind == DV_EV_XFER) {
			struct dv_bus b;
			dv_bus_strobes_of(&b, e);
			if (dv_bus_strobe_get(&b, slot) & bits)
				return true;
		} else if (e->kind == DV_EV_STATE) {
			uint32_t o, n; /* a field of the arbitration word too (state.h) */
			if (dv_slot_change_of((enum dv_slot)e->slot, e->index, e->old_value,
			                      e->new_value, slot, index, &o, &n) &&
			    (n & bits))
				return true;
		}
	}
	return false;
}

int dv_dg_level(const struct dv_view *v, enum dv_slot slot, uint32_t index, uint32_t bits)
{
	if (dv_dg_now(v, slot, index) & bits)
		return 2;
	return (dv_dg_before(v, slot, index) & bits) || pulsed(v, slot, index, bits) ? 1 : 0;
}

unsigned dv_dg_nic_channel(const struct dv_view *v)
{
	return dv_sim_config(v->sim)->nic_channel;
}

unsigned dv_dg_active_channel(struct dv_view *v, struct dv_vpanel *tmp)
{
	dv_view_dma(v, tmp);
	const char *c = strstr(tmp->title, "channel ");
	unsigned ch = c ? (unsigned)strtoul(c + 8, NULL, 10) : 1;
	return ch < 8 ? ch : 1;
}

bool dv_dg_panel_changed(const struct dv_vpanel *p)
{
	for (size_t i = 0; i < p->n; i++)
		for (size_t k = 0; k < p->line[i].len; k++)
			if (p->line[i].roles[k] == DV_ROLE_CHANGED)
				return true;
	return false;
}

const char *dv_dg_irql_name(unsigned irql)
{
	return irql == 0 ? "PASSIVE" : irql == 2 ? "DISPATCH" : irql >= 3 ? "DIRQL" : "APC";
}

struct dv_dg_moves dv_dg_moves_of(const struct dv_view *v)
{
	struct dv_dg_moves m = { 0, 0, 0, 0, 0 };
	const struct dv_trace *t = dv_sim_trace(v->sim);
	size_t end = v->pos < dv_trace_len(t) ? v->pos : dv_trace_len(t);
	unsigned nch = dv_dg_nic_channel(v);
	for (size_t i = v->from; i < end; i++) {
		const struct dv_event *e = dv_trace_at(t, i);
		if (e->kind == DV_EV_XFER) {
			m.xfers++;
			m.nic_xfers += e->chan == nch;
			m.last_xfer = i;
		} else if (e->kind == DV_EV_WIRE) {
			if (e->index)
				m.wrx++;
			else
				m.wtx++;
		}
	}
	return m;
}

/* Is physical address a inside the buffer of Setup record r, and at which byte? */
static bool in_buffer(const struct dv_call_record *r, uint32_t a, uint32_t *byte)
{
	struct dv_call_args args;
	dv_call_args(r, &args);
	uint32_t first = args.dma.va % DV_PAGE_SIZE;
	for (uint32_t i = 0; i < r->npages && i < DV_CALL_PAGES; i++) {
		if (a < r->page[i] || a - r->page[i] >= DV_PAGE_SIZE)
			continue;
		uint32_t k = i * DV_PAGE_SIZE + (a - r->page[i]);
		if (k >= first && k - first < args.dma.bytecount) {
			*byte = k - first;
			return true;
		}
	}
	return false;
}

/* The Setup on channel ch before position i: with xfer (bytes moved), the one that
 * programmed the channel for them (a refused one between did not); else the newest. */
static size_t find_setup(const struct dv_trace *t, const struct dv_ndis *nd, size_t i, unsigned ch,
                         bool xfer, const struct dv_call_record **rec)
{
	while ((i = dv_trace_prev(t, i, 1u << DV_EV_CALL)) != SIZE_MAX) {
		const struct dv_event *e = dv_trace_at(t, i);
		if (e->slot != DV_CALL_SETUP_DMA_TRANSFER || e->chan != ch)
			continue;
		*rec = dv_ndis_record(nd, e->index);
		if (*rec && (!xfer || (*rec)->status == NDIS_STATUS_SUCCESS))
			return i;
	}
	return SIZE_MAX;
}

/* What happened to the Setup at position setup up to the cursor (its record knows its whole
 * future, the trace up to the cursor only what the picture may show). */
static void setup_follow(struct dv_dg_setup *si, const struct dv_view *v, const struct dv_ndis *nd,
                         size_t setup, unsigned ch)
{
	const struct dv_trace *t = dv_sim_trace(v->sim);
	uint32_t id = dv_trace_at(t, setup)->index;
	size_t end = v->pos < dv_trace_len(t) ? v->pos : dv_trace_len(t);
	for (size_t k = setup + 1; k < end; k++) {
		const struct dv_event *e = dv_trace_at(t, k);
		if (e->kind == DV_EV_CALL && e->slot == DV_CALL_SETUP_DMA_TRANSFER &&
		    e->chan == ch) {
			break; /* the next transfer on the channel */
		} else if (e->kind == DV_EV_CALL && e->slot == DV_CALL_IO_MAP_TRANSFER) {
			const struct dv_call_record *m = dv_ndis_record(nd, e->index);
			if (m) {
				struct dv_call_args ma;
				dv_call_args(m, &ma);
				si->bounced = ma.map.bounced;
				si->dma_phys = ma.map.phys;
			}
			si->ok = true; /* past its checks: the 8237A is being programmed */
		} else if (e->kind == DV_EV_XFER && e->chan == ch && !si->completed) {
			si->moved += dv_xfer_width(e);
		} else if (e->kind == DV_EV_CALL && e->slot == DV_CALL_COMPLETE_DMA_TRANSFER &&
		           e->chan == ch) {
			si->completed = true;
		} else if (e->kind == DV_EV_RETURN && e->index == id) {
			si->ok = e->new_value == (uint32_t)NDIS_STATUS_SUCCESS;
			si->returned = true;
		}
	}
}

struct dv_dg_setup dv_dg_setup_of(const struct dv_view *v, const struct dv_run *run, unsigned ch)
{
	struct dv_dg_setup si;
	memset(&si, 0, sizeof si);
	const struct dv_ndis *nd = dv_run_ndis(run);
	const struct dv_trace *t = dv_sim_trace(v->sim);
	size_t xfer;
	si.mem_addr = dv_view_memory_addr(v, &xfer);
	if (!nd)
		return si;
	if (xfer != SIZE_MAX)
		ch = dv_trace_at(t, xfer)->chan;
	const struct dv_call_record *rec = NULL;
	size_t setup =
	        find_setup(t, nd, xfer != SIZE_MAX ? xfer : v->pos, ch, xfer != SIZE_MAX, &rec);
	if (setup == SIZE_MAX || !rec)
		return si;
	si.found = true;
	struct dv_call_args args;
	dv_call_args(rec, &args);
	si.va = args.dma.va;
	si.offset = args.dma.offset;
	si.length = args.dma.length;
	si.write = args.dma.write_to_device;
	si.phys = args.dma.phys;
	si.bytecount = args.dma.bytecount;
	si.buf_phys = rec->npages ? rec->page[0] + si.va % DV_PAGE_SIZE : si.phys - si.offset;
	si.status = rec->status;
	setup_follow(&si, v, nd, setup, ch);
	if (si.moved > si.length)
		si.moved = si.length;
	/* A refused Setup programmed nothing: the rows show the bytes it was asked to move. */
	if (si.returned && !si.ok)
		si.mem_addr = si.phys != DV_NO_ADDR ? si.phys : si.buf_phys;
	/* A transfer that reached terminal count leaves the channel's next address just past
	 * what it moved: the rows around it show its last bytes, so they are placed by the last
	 * byte moved. */
	uint32_t at = si.mem_addr, moved_end = si.bounced ? si.dma_phys : si.phys;
	if (xfer == SIZE_MAX && si.ok && si.length && moved_end != DV_NO_ADDR &&
	    at == moved_end + si.length)
		at--;
	uint32_t byte;
	if (si.ok && si.bounced && at >= si.dma_phys && at - si.dma_phys < si.length)
		si.mem_in = DV_DG_BOUNCE;
	else if (in_buffer(rec, at, &byte))
		si.mem_in = byte >= si.offset && byte - si.offset < si.length ? DV_DG_SUBRANGE :
		                                                                DV_DG_BUFFER;
	return si;
}

/* ---- hover texts (both layouts) ------------------------------------------------------------------------------- */

const char dv_desc_bus[] =
        "The ISA bus: address, data and the MEMR/MEMW/IOR/IOW strobes. The CPU "
        "owns it until the 8237A gets HLDA; then one DMA cycle reads memory and writes the card (or the "
        "reverse) in a single bus cycle: the byte never passes through the CPU or the 8237A.";
const char dv_desc_irql[] =
        "IRQL: the CPU's interrupt request level. The ISR runs at DIRQL; the "
        "DPC (MiniportHandleInterrupt) at DISPATCH, where NdisMSetupDmaTransfer and "
        "NdisMCompleteDmaTransfer may be called (at or below DISPATCH_LEVEL).";
const char dv_desc_irr[] =
        "IRR: the interrupt controller's request bits, one per IRQ line, latched "
        "on the line's rising edge until the CPU takes the interrupt.";
const char dv_desc_dpc[] = "DPCs queued: deferred procedure calls wait until the IRQL drops below "
                           "DISPATCH_LEVEL, then run in order.";
const char dv_desc_runs[] =
        "While the 8237A holds the bus (HLDA), the CPU cannot use it: it waits. "
        "DMA steals bus cycles, not CPU instructions.";
const char dv_desc_addr[] =
        "Current address register (16 bits, written low byte then high through "
        "the flip-flop). It steps by one each transfer; base is the value written, reloaded by auto-init.";
const char dv_desc_count[] =
        "Current count register: transfers left minus one. The 8237A counts down "
        "and raises TC when it goes from 0 to 0xFFFF, so 0xFFFF means done.";
const char dv_desc_mode[] =
        "Mode register: transfer type (bits 2-3: write = device to memory, "
        "read = memory to device), auto-init (bit 4), decrement (bit 5), and single, demand, block or "
        "cascade (bits 6-7).";
const char dv_desc_type[] =
        "The names are the 8237A's, seen from memory: a DMA 'read' reads memory "
        "(a send); a 'write' writes memory (a receive).";
const char dv_desc_mask[] =
        "Mask: a masked channel ignores DREQ. The HAL unmasks at IoMapTransfer "
        "and masks again at TC (auto-mask) or at IoFlushAdapterBuffers. TC is the status register's "
        "terminal-count bit (cleared when status is read). The flip-flop picks the low or high byte.";
const char dv_desc_state[] =
        "What the channel does now: waiting for the device's DREQ, moving bytes "
        "(it holds the bus between DACKs), or masked.";
const char dv_desc_page[] =
        "Page register: the 8237A has only 16 address bits, so a separate latch "
        "gives bits 16-23. The address never carries into it: a transfer wraps inside its 64 KiB page, "
        "which is why the HAL bounces buffers that cross one.";
const char dv_desc_phys[] = "The next physical address on the bus: page << 16 | address (16-bit "
                            "channels: the address is in words and page bit 0 is ignored).";
const char dv_desc_niccmd[] =
        "The NIC's command register: TXGO starts a frame, RXEN turns the receiver on, "
        "DMATX or DMARX lets the card raise DREQ for the send or the receive side.";
const char dv_desc_txlen[] = "TXLEN: the frame length the driver told the card; sent: bytes that "
                             "have left on the wire so far.";
const char dv_desc_fifo[] =
        "The card's 16-byte FIFOs. TX: filled by DMA, drained by the wire; the "
        "card raises DREQ while there is room. RX: filled by the wire, emptied by DMA.";
const char dv_desc_irqline[] =
        "The interrupt status register (TXDONE, RXDONE, UNDERRUN, OVERRUN, "
        "TXOVERFLOW) and the card's interrupt line to the PIC: the line is high while an ISR bit the IMR "
        "enables is set, until the driver writes the bit back to clear it.";
const char dv_desc_peer[] = "The peer station at the other end of the wire: it receives and checks "
                            "the frames the card sends, and sends the frames the lesson queues.";
const char dv_desc_hrq[] = "HRQ (hold request): the 8237A asks the CPU for the bus because a "
                           "channel has DREQ.";
const char dv_desc_hlda[] =
        "HLDA (hold acknowledge): the CPU has let go of the bus; the 8237A owns "
        "it until it drops HRQ.";
const char dv_desc_dreq[] =
        "DREQ: the card asks for a transfer on its channel (while its TX FIFO has "
        "room, or its RX FIFO has data).";
const char dv_desc_dack[] =
        "DACK: the 8237A answers DREQ; during DACK the card reads (IOW) or drives "
        "(IOR) the data bus while memory is read or written in the same cycle.";
const char dv_desc_tc[] =
        "TC (terminal count): pulses on the last transfer, when the count rolls "
        "from 0 to 0xFFFF. The card uses it to know the DMA part of the frame is over.";
const char dv_desc_nodev[] =
        "No device is wired to this channel's DREQ and DACK (the NIC sits on another one): the "
        "lesson raises DREQ itself with `dreq`, and a byte DMA reads goes onto the floating bus, "
        "where no card takes it; a byte DMA writes to memory is 0xFF, the floating bus.";
const char dv_desc_irqw[] = "The card's interrupt line, over the top to the CPU's interrupt "
                            "controller.";
const char dv_desc_buf[] =
        "The NDIS_BUFFER (an MDL) the driver passed to NdisMSetupDmaTransfer, "
        "drawn to scale: the whole buffer, and in it the subrange of Offset and Length that this transfer "
        "moves. The bright part is what DMA has moved so far.";
const char dv_desc_sub[] =
        "Offset: 'the byte offset within the buffer at which the DMA operation "
        "should begin'; Length: 'the number of bytes to be transferred'. It must be a proper subrange.";
const char dv_desc_bounce[] =
        "A bounce (map-register) buffer: the HAL copies the data here because "
        "the 8237A cannot reach the buffer itself (above 16 MiB, across a 64 KiB page, or not contiguous). "
        "A send is copied in at Setup; a receive is copied back at Complete (IoFlushAdapterBuffers).";
const char dv_desc_memrow[] =
        "Host memory around the last DMA transfer, or where the channel transfers "
        "next. These bytes are not in the NDIS_BUFFER drawn above.";
const char dv_desc_memrow_buf[] =
        "Bytes of the NDIS_BUFFER drawn above, as they are now: the address "
        "has the colour of the part of the bar they lie in. Bytes a DMA transfer of this step wrote or "
        "read are highlighted.";
const char dv_desc_memrow_bounce[] =
        "Bytes of the bounce buffer drawn above (its colour): the 8237A moves "
        "these, not the caller's buffer. The HAL copies a send in at Setup and a receive back at Complete.";
const char dv_desc_timing[] = "The bus signals, one column per bus cycle up to the cursor. Click a "
                              "column to go to the end of that cycle.";
const char dv_desc_timeline[] = "The whole lesson, one segment per step: click to go there.";

const char dv_desc_legend[] =
        "How a wire shows its signal, besides its colour: thick and solid, high (asserted) now; "
        "thick and dashed, high at some point of the last move and low now (a pulse, or dropped "
        "as the cycle ended); thin and dashed, low. The bus stubs are data paths: thick while "
        "bytes went along them.";
const char dv_desc_ribbon[] =
        "The NDIS call the driver is making, or made last: its arguments in words and what it "
        "returned. The marks on the 8237A's lines are the registers its port writes landed in.";
const char dv_desc_badge[] =
        "Who owns the channel: the transfer its handle has set up and not yet completed (the "
        "NDIS_DMA_BLOCK's InProgress). While one is in progress, a second Setup on the channel "
        "gets NDIS_STATUS_RESOURCES and touches no port.";
const char dv_desc_port[] =
        "The last byte written to a port, whoever wrote it (the lesson, the driver, the HAL), "
        "and the register it lands in.";
const char dv_desc_block[] =
        "The 8237A's block: its address counter has 16 bits (a word channel's counts words, "
        "128 KiB), and the carry never reaches the page register. The programmed range is drawn "
        "where it lies in its block; a part past the block's end is drawn where the counter "
        "really goes, back at the block's start.";
const char dv_desc_programmed[] =
        "The bytes the channel is programmed to move: page and base address, base count + 1.";
const char dv_desc_wrap[] =
        "Past the block boundary the counter wraps to the block's start: these bytes would land "
        "there, over memory that is not the buffer. NDIS bounces such a buffer instead.";
const char dv_desc_line16m[] =
        "The 16 MiB line: 8 page bits and 16 address bits reach no further. A buffer above it "
        "is bounced through memory below it (map registers).";
const char dv_desc_ring[] =
        "The auto-initialize ring's write pointer: where the next byte goes. At terminal count "
        "the 8237A reloads its base registers and goes on from the ring's start.";
const char dv_desc_cache[] =
        "The CPU's write-back cache over the buffer, one mark a line: clean, dirty (the CPU wrote "
        "it, memory is older) or stale (the device wrote memory after the line was filled). A "
        "flush writes dirty lines back; the Complete of a receive invalidates them.";

/* dmaviz: events in words. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "describe.h"
#include "dma8237.h"
#include "dvndis.h"
#include "nic.h"
#include "sim.h"

const char *dv_port_name(const struct dv_sim *sim, unsigned port, char *buf, size_t size)
{
	static const char *const regs[16] = { "ch0 address",     "ch0 count",
		                              "ch1 address",     "ch1 count",
		                              "ch2 address",     "ch2 count",
		                              "ch3 address",     "ch3 count",
		                              "command/status",  "request",
		                              "single mask",     "mode",
		                              "clear flip-flop", "master clear/temporary",
		                              "clear mask",      "write all mask" };
	static const char *const nic_regs[16] = { "CMD",
		                                  "STATUS",
		                                  "IMR",
		                                  "ISR",
		                                  "TXLEN low",
		                                  "TXLEN high",
		                                  "RXSTAT low",
		                                  "RXSTAT high",
		                                  "TX FIFO level",
		                                  "RX FIFO level",
		                                  "status FIFO level",
		                                  "MISSED",
		                                  "reserved",
		                                  "reserved",
		                                  "reserved",
		                                  "reserved" };
	unsigned chip, reg;
	if (dv_dma_decode((uint16_t)port, &chip, &reg)) {
		if (chip == 1 && reg < 8)
			snprintf(buf, size, "DMA2 ch%u %s", 4 + reg / 2,
			         (reg & 1) ? "count" : "address");
		else
			snprintf(buf, size, "DMA%u %s", chip + 1, regs[reg]);
		return buf;
	}
	if (port >= 0x80 && port <= 0x8F) {
		int ch = dv_dma_page_channel((uint16_t)port);
		if (ch >= 0)
			snprintf(buf, size, "page ch%d", ch);
		else
			snprintf(buf, size, "%s",
			         port == 0x80 ? "POST code latch" : "unused page latch");
		return buf;
	}
	if (sim && dv_nic_claims(&sim->st, (uint16_t)port)) {
		snprintf(buf, size, "NIC %s", nic_regs[(port - sim->st.nic.base) & 15]);
		return buf;
	}
	return NULL;
}

const char *dv_nic_bits(unsigned reg, uint32_t value, char *buf, size_t size)
{
	static const char *const cmd[8] = { "TXGO", "RXEN", "DMATX", "DMARX",
		                            NULL,   NULL,   NULL,    "RESET" };
	static const char *const status[8] = { "TXBUSY", "TXEMPTY",  "TXFULL", "RXDATA",
		                               "RXFULL", "STATDATA", "DREQ",   "RXBUSY" };
	static const char *const ints[8] = { "TXDONE",     "RXDONE", "UNDERRUN", "OVERRUN",
		                             "TXOVERFLOW", NULL,     NULL,       NULL };
	const char *const *names = reg == 0 ? cmd : reg == 1 ? status : ints;
	size_t n = 0;
	bool any = false;
	if (size == 0)
		return buf;
	buf[0] = '\0';
	for (unsigned b = 0; b < 8; b++) {
		if (!(value & (1u << b)))
			continue;
		any = true;
		char bit[8];
		const char *name = names[b];
		if (!name) { /* a bit the register does not have */
			snprintf(bit, sizeof bit, "bit%u", b);
			name = bit;
		}
		int w = snprintf(buf + n, size - n, "%s%s", n ? "|" : "", name);
		if (w < 0 || (size_t)w >= size - n)
			break;
		n += (size_t)w;
	}
	/* "none" only when no bit is set: a name cut short by a small buffer stays cut. */
	if (!any)
		snprintf(buf, size, "none");
	return buf;
}

static const char *yesno(uint32_t v)
{
	return v ? "TRUE" : "FALSE";
}

void dv_dma_call_words(const struct dv_call_record *r, char *buf, size_t size)
{
	const char *name = dv_call_name((enum dv_call)r->call);
	struct dv_call_args a;
	dv_call_args(r, &a);
	if (r->call != DV_CALL_SETUP_DMA_TRANSFER && r->call != DV_CALL_COMPLETE_DMA_TRANSFER) {
		snprintf(buf, size, "%s(...)", name);
		return;
	}
	/* The Buffer: its virtual address, its size and the physical pages it lies in. */
	char pages[96];
	size_t n = (size_t)snprintf(pages, sizeof pages, "%s", r->npages > 1 ? "pages" : "page");
	for (uint32_t i = 0; i < r->npages && i < DV_CALL_PAGES && n < sizeof pages; i++)
		n += (size_t)snprintf(pages + n, sizeof pages - n, " 0x%06x", r->page[i]);
	if (r->npages > DV_CALL_PAGES && n < sizeof pages)
		snprintf(pages + n, sizeof pages - n, " and %u more", r->npages - DV_CALL_PAGES);
	if (r->npages == 0)
		snprintf(pages, sizeof pages, "no page");
	if (a.dma.va == 0)
		snprintf(buf, size, "%s(Buffer NULL, Offset %u, Length %u, WriteToDevice %s)", name,
		         a.dma.offset, a.dma.length, yesno(a.dma.write_to_device));
	else
		snprintf(buf, size,
		         "%s(Buffer VA 0x%08x: %u B in %s, Offset %u, Length %u, WriteToDevice %s)",
		         name, a.dma.va, a.dma.bytecount, pages, a.dma.offset, a.dma.length,
		         yesno(a.dma.write_to_device));
}

const char *dv_call_result_words(enum dv_call c, uint32_t value, char *buf, size_t size)
{
	if (c == DV_CALL_SETUP_DMA_TRANSFER || c == DV_CALL_COMPLETE_DMA_TRANSFER ||
	    c == DV_CALL_REGISTER_DMA_CHANNEL || c == DV_CALL_MINIPORT_INITIALIZE ||
	    c == DV_CALL_MINIPORT_SEND || c == DV_CALL_REGISTER_INTERRUPT)
		snprintf(buf, size, "%s", dv_ndis_status_name((int32_t)value));
	else if (c == DV_CALL_READ_DMA_COUNTER || c == DV_CALL_HAL_READ_DMA_COUNTER)
		snprintf(buf, size, "%u bytes remaining", value);
	else if (size > 0)
		buf[0] = '\0';
	return buf;
}

static void describe_call(const struct dv_ndis *ndis, const struct dv_event *ev, char *buf,
                          size_t size)
{
	const char *name = dv_call_name((enum dv_call)ev->slot);
	const struct dv_call_record *r = ndis ? dv_ndis_record(ndis, ev->index) : NULL;
	if (!r) {
		snprintf(buf, size, "%s called", name);
		return;
	}
	struct dv_call_args a;
	dv_call_args(r, &a);
	switch ((enum dv_call)ev->slot) {
	case DV_CALL_SETUP_DMA_TRANSFER:
	case DV_CALL_COMPLETE_DMA_TRANSFER:
		snprintf(buf, size, "%s(Offset=%u, Length=%u, WriteToDevice=%s)", name,
		         a.dma.offset, a.dma.length, yesno(a.dma.write_to_device));
		break;
	case DV_CALL_REGISTER_DMA_CHANNEL:
		snprintf(
		        buf, size,
		        "%s(DmaChannel=%u, MaximumLength=%u, Desc.DmaChannel=%u, Desc.DmaWidth=%s)",
		        name, a.reg.channel, a.reg.max_length, a.reg.desc_channel,
		        a.reg.desc_width == 1 ? "Width16Bits" : "Width8Bits");
		break;
	case DV_CALL_IO_MAP_TRANSFER:
		if (r->returned && a.map.bounced)
			snprintf(
			        buf, size,
			        "%s: the buffer at 0x%06x is out of the 8237's reach; bounced through map registers at 0x%06x",
			        name, a.map.would_be, a.map.phys);
		else if (r->returned)
			snprintf(buf, size, "%s: programs the 8237 for 0x%06x in place", name,
			         a.map.phys);
		else
			snprintf(buf, size, "%s(Length=%u, WriteToDevice=%s)", name, a.map.length,
			         yesno(a.map.write_to_device));
		break;
	case DV_CALL_KE_FLUSH_IO_BUFFERS:
		snprintf(buf, size,
		         "%s(ReadOperation=%s): flush the processor cache for the buffer", name,
		         yesno(a.flush.read_operation));
		break;
	case DV_CALL_IO_FLUSH_ADAPTER_BUFFERS:
		snprintf(buf, size, "%s(WriteToDevice=%s): mask the channel%s", name,
		         yesno(a.map.write_to_device),
		         a.map.write_to_device ? "" : ", copy back a bounced receive");
		break;
	case DV_CALL_MOVE_MEMORY: snprintf(buf, size, "%s(%u bytes)", name, a.move.length); break;
	case DV_CALL_MINIPORT_SEND:
		snprintf(buf, size, "%s(packet %u, %u bytes)", name, a.send.packet, a.send.length);
		break;
	case DV_CALL_SEND_COMPLETE:
		snprintf(buf, size, "%s(packet %u, %s)", name, a.send_complete.packet,
		         dv_ndis_status_name(a.send_complete.status));
		break;
	default: snprintf(buf, size, "%s", name); break;
	}
}

void dv_event_describe(const struct dv_sim *sim, const struct dv_ndis *ndis,
                       const struct dv_event *ev, char *buf, size_t size)
{
	char name[64], pname[48];
	switch ((enum dv_ev_kind)ev->kind) {
	case DV_EV_STATE:
		dv_slot_name((enum dv_slot)ev->slot, ev->index, name, sizeof name);
		snprintf(buf, size, "%s 0x%x -> 0x%x", name, ev->old_value, ev->new_value);
		break;
	case DV_EV_PORT_OUT: {
		const char *pn = dv_port_name(sim, ev->index, pname, sizeof pname);
		snprintf(buf, size, "%s wrote 0x%02x to port 0x%03x%s%s%s",
		         dv_src_name((enum dv_src)ev->src), ev->new_value, ev->index,
		         pn ? " (" : "", pn ? pn : "", pn ? ")" : "");
		break;
	}
	case DV_EV_PORT_IN: {
		const char *pn = dv_port_name(sim, ev->index, pname, sizeof pname);
		snprintf(buf, size, "%s read 0x%02x from port 0x%03x%s%s%s",
		         dv_src_name((enum dv_src)ev->src), ev->new_value, ev->index,
		         pn ? " (" : "", pn ? pn : "", pn ? ")" : "");
		break;
	}
	case DV_EV_XFER: {
		unsigned dir = ev->old_value & 0xFF, width = ev->old_value >> 8;
		const char *unit = width == 2 ? "word" : "byte";
		const char *dev = sim && ev->chan == sim->st.nic.channel ? "the NIC" :
		                                                           "the floating bus";
		if (dir == DV_XFER_TO_MEMORY)
			snprintf(buf, size, "ch%u moved %s 0x%0*x from %s to 0x%06x", ev->chan,
			         unit, width * 2, ev->new_value, dev, ev->index);
		else if (dir == DV_XFER_FROM_MEMORY)
			snprintf(buf, size, "ch%u moved %s 0x%0*x from 0x%06x to %s", ev->chan,
			         unit, width * 2, ev->new_value, ev->index, dev);
		else if (dir == DV_XFER_MEM_TO_MEM)
			snprintf(
			        buf, size,
			        "memory-to-memory: 0x%02x through the temporary register to 0x%06x",
			        ev->new_value, ev->index);
		else
			snprintf(buf, size,
			         "ch%u verify cycle at 0x%06x: DACK and count, no data moved",
			         ev->chan, ev->index);
		break;
	}
	case DV_EV_WIRE:
		snprintf(buf, size,
		         ev->index ? "wire: the peer sent 0x%02x to the NIC" :
		                     "wire: the NIC sent 0x%02x to the peer",
		         ev->new_value);
		break;
	case DV_EV_NOTE: snprintf(buf, size, "%s", dv_note_text((enum dv_note)ev->slot)); break;
	case DV_EV_CALL: describe_call(ndis, ev, buf, size); break;
	case DV_EV_RETURN: {
		const char *cn = dv_call_name((enum dv_call)ev->slot);
		char res[48];
		dv_call_result_words((enum dv_call)ev->slot, ev->new_value, res, sizeof res);
		snprintf(buf, size, "%s returned%s%s", cn, res[0] ? " " : "", res);
		break;
	}
	case DV_EV_VERIFIER:
		snprintf(buf, size, "verifier: %s: %s", dv_rule_name((enum dv_rule)ev->slot),
		         dv_rule_title((enum dv_rule)ev->slot));
		break;
	case DV_EV_MARK:
		if (ev->slot == DV_MARK_STMT)
			snprintf(buf, size, "lesson line %u", ev->index);
		else if (ev->index == 0)
			snprintf(buf, size, "setup, before the first step");
		else
			snprintf(buf, size, "step %u", ev->index); /* steps count from 1 */
		break;
	default: snprintf(buf, size, "event %u", ev->kind); break;
	}
}

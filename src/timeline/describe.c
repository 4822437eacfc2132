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

/* The calls whose result is an NDIS_STATUS worth reading (a refusal, a conflict). */
static bool status_result(enum dv_call c)
{
	switch (c) {
	case DV_CALL_SETUP_DMA_TRANSFER:
	case DV_CALL_COMPLETE_DMA_TRANSFER:
	case DV_CALL_REGISTER_DMA_CHANNEL:
	case DV_CALL_MINIPORT_INITIALIZE:
	case DV_CALL_MINIPORT_SEND:
	case DV_CALL_REGISTER_INTERRUPT:
	case DV_CALL_REGISTER_IO_PORT_RANGE:
	case DV_CALL_DEREGISTER_IO_PORT_RANGE:
	case DV_CALL_WRITE_PORT_BUFFER:
	case DV_CALL_READ_PORT_BUFFER:
	case DV_CALL_INITIALIZE_TIMER:
	case DV_CALL_SET_TIMER:
	case DV_CALL_SET_PERIODIC_TIMER:
	case DV_CALL_CANCEL_TIMER:
	case DV_CALL_NDIS_INITIALIZE_TIMER:
	case DV_CALL_NDIS_SET_TIMER:
	case DV_CALL_NDIS_CANCEL_TIMER:
	case DV_CALL_MINIPORT_QUERY_INFORMATION:
	case DV_CALL_MINIPORT_SET_INFORMATION:
	case DV_CALL_MINIPORT_RESET:
	case DV_CALL_SLEEP: return true;
	default: return false;
	}
}

const char *dv_call_result_words(enum dv_call c, uint32_t value, char *buf, size_t size)
{
	if (status_result(c))
		snprintf(buf, size, "%s", dv_ndis_status_name((int32_t)value));
	else if (c == DV_CALL_SYNCHRONIZE_WITH_INTERRUPT || c == DV_CALL_MINIPORT_SYNCHRONIZE_ISR)
		snprintf(buf, size, "%s",
		         (int32_t)value == NDIS_STATUS_NOT_SUPPORTED ?
		                 "NDIS_STATUS_NOT_SUPPORTED (no interrupt to synchronize with)" :
		         value ? "TRUE" :
		                 "FALSE");
	else if (c == DV_CALL_MINIPORT_CHECK_FOR_HANG)
		snprintf(buf, size, "%s", value ? "TRUE" : "FALSE");
	else if (c == DV_CALL_READ_DMA_COUNTER || c == DV_CALL_HAL_READ_DMA_COUNTER)
		snprintf(buf, size, "%u bytes remaining", value);
	else if (size > 0)
		buf[0] = '\0';
	return buf;
}

/* NDIS_ERROR_CODE_* by its number (ndis.h), or NULL. */
static const char *error_code_name(uint32_t code)
{
	static const struct {
		uint32_t code;
		const char *name;
	} names[] = {
		{ NDIS_ERROR_CODE_RESOURCE_CONFLICT, "RESOURCE_CONFLICT" },
		{ NDIS_ERROR_CODE_OUT_OF_RESOURCES, "OUT_OF_RESOURCES" },
		{ NDIS_ERROR_CODE_HARDWARE_FAILURE, "HARDWARE_FAILURE" },
		{ NDIS_ERROR_CODE_ADAPTER_NOT_FOUND, "ADAPTER_NOT_FOUND" },
		{ NDIS_ERROR_CODE_INTERRUPT_CONNECT, "INTERRUPT_CONNECT" },
		{ NDIS_ERROR_CODE_DRIVER_FAILURE, "DRIVER_FAILURE" },
		{ NDIS_ERROR_CODE_BAD_VERSION, "BAD_VERSION" },
		{ NDIS_ERROR_CODE_TIMEOUT, "TIMEOUT" },
		{ NDIS_ERROR_CODE_NETWORK_ADDRESS, "NETWORK_ADDRESS" },
		{ NDIS_ERROR_CODE_UNSUPPORTED_CONFIGURATION, "UNSUPPORTED_CONFIGURATION" },
		{ NDIS_ERROR_CODE_INVALID_VALUE_FROM_ADAPTER, "INVALID_VALUE_FROM_ADAPTER" },
		{ NDIS_ERROR_CODE_MISSING_CONFIGURATION_PARAMETER,
		  "MISSING_CONFIGURATION_PARAMETER" },
		{ NDIS_ERROR_CODE_BAD_IO_BASE_ADDRESS, "BAD_IO_BASE_ADDRESS" },
		{ NDIS_ERROR_CODE_RECEIVE_SPACE_SMALL, "RECEIVE_SPACE_SMALL" },
		{ NDIS_ERROR_CODE_ADAPTER_DISABLED, "ADAPTER_DISABLED" },
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].code == code)
			return names[i].name;
	return NULL;
}

static void describe_error_log(const char *name, const struct dv_call_args *a, char *buf,
                               size_t size)
{
	const char *code = error_code_name(a->error_log.code);
	int n = code ? snprintf(buf, size, "%s(NDIS_ERROR_CODE_%s", name, code) :
	               snprintf(buf, size, "%s(0x%08x", name, a->error_log.code);
	for (uint32_t i = 0; i < a->error_log.nvalues && i < 4 && n > 0 && (size_t)n < size; i++)
		n += snprintf(buf + n, size - (size_t)n, ", 0x%x", a->error_log.value[i]);
	if (n > 0 && (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, "%s)", a->error_log.nvalues > 4 ? ", ..." : "");
}

/* The calls of the NDIS 5 services a DDK-era driver uses besides the DMA channel: timers,
 * waiting, synchronizing, ports, the event log. False: not one of them. */
/* MiniportQueryInformation, MiniportSetInformation: the OID by name, and what came back. */
static void describe_request(const struct dv_call_record *r, const char *name,
                             const struct dv_call_args *a, char *buf, size_t size)
{
	char oid[32];
	const char *on = dv_oid_name(a->request.oid);
	if (!on) {
		snprintf(oid, sizeof oid, "0x%08x", a->request.oid);
		on = oid;
	}
	bool query = r->call == DV_CALL_MINIPORT_QUERY_INFORMATION;
	if (!r->returned)
		snprintf(buf, size, "%s(%s, %u bytes)", name, on, a->request.length);
	else if (query)
		snprintf(buf, size, "%s(%s): %u bytes written (first ULONG %u), %u needed", name,
		         on, a->request.done, a->request.value, a->request.needed);
	else
		snprintf(buf, size, "%s(%s, %u): %u bytes read, %u needed", name, on,
		         a->request.value, a->request.done, a->request.needed);
}

static bool describe_service(const struct dv_call_record *r, const struct dv_call_args *a,
                             const char *name, char *buf, size_t size)
{
	switch ((enum dv_call)r->call) {
	case DV_CALL_INITIALIZE_TIMER:
	case DV_CALL_NDIS_INITIALIZE_TIMER:
		if (a->timer.id)
			snprintf(buf, size, "%s: timer %u", name, a->timer.id);
		else
			snprintf(buf, size, "%s: no timer made (no function, or 32 timers)", name);
		return true;
	case DV_CALL_SET_TIMER:
	case DV_CALL_SET_PERIODIC_TIMER:
	case DV_CALL_NDIS_SET_TIMER:
		snprintf(buf, size, "%s(timer %u, %u ms): due at cycle %u", name, a->timer.id,
		         a->timer.ms, a->timer.due);
		return true;
	case DV_CALL_CANCEL_TIMER:
	case DV_CALL_NDIS_CANCEL_TIMER:
		snprintf(buf, size, "%s(timer %u): %s", name, a->timer.id,
		         a->timer.cancelled ? "taken out of the queue" : "it was not set");
		return true;
	case DV_CALL_MINIPORT_TIMER:
		snprintf(buf, size, "%s: timer %u, due at cycle %u, runs at DISPATCH_LEVEL", name,
		         a->timer.id, a->timer.due);
		return true;
	case DV_CALL_SLEEP:
		snprintf(buf, size, "%s(%u us)%s", name, a->stall.microseconds,
		         a->stall.refused ?
		                 ": above PASSIVE_LEVEL it cannot wait; the machine did not" :
		                 "");
		return true;
	case DV_CALL_SYNCHRONIZE_WITH_INTERRUPT:
		snprintf(buf, size, "%s: the function runs at DIRQL, the ISR waits", name);
		return true;
	case DV_CALL_WRITE_PORT_BUFFER:
	case DV_CALL_READ_PORT_BUFFER:
		snprintf(buf, size, "%s%s(port 0x%03x, %u)", name,
		         a->port_buffer.width == 4 ? "Ulong" :
		         a->port_buffer.width == 2 ? "Ushort" :
		                                     "Uchar",
		         a->port_buffer.port, a->port_buffer.count);
		return true;
	case DV_CALL_REGISTER_IO_PORT_RANGE:
	case DV_CALL_DEREGISTER_IO_PORT_RANGE:
		snprintf(buf, size, "%s(ports 0x%03x, %u of them)", name, a->port_range.first,
		         a->port_range.count);
		return true;
	case DV_CALL_SET_ATTRIBUTES_EX:
		snprintf(buf, size, "%s(AttributeFlags 0x%x%s)", name, a->attributes_ex.flags,
		         a->attributes_ex.bus_master ? ", a bus master" : "");
		return true;
	case DV_CALL_WRITE_ERROR_LOG_ENTRY: describe_error_log(name, a, buf, size); return true;
	case DV_CALL_MINIPORT_QUERY_INFORMATION:
	case DV_CALL_MINIPORT_SET_INFORMATION: describe_request(r, name, a, buf, size); return true;
	case DV_CALL_MINIPORT_CHECK_FOR_HANG:
		snprintf(buf, size, "%s: NDIS's periodic check, at DISPATCH_LEVEL%s", name,
		         !r->returned ? "" :
		         r->status    ? ": the driver says the card hangs; NDIS resets it" :
		                        ": the card is fine");
		return true;
	case DV_CALL_MINIPORT_RESET:
		snprintf(buf, size, "%s: NDIS resets the card%s", name,
		         r->returned && a->reset.addressing ? " (AddressingReset: NDIS sets the "
		                                              "addresses and filter again)" :
		                                              "");
		return true;
	case DV_CALL_INDICATE_STATUS: {
		const char *st = dv_ndis_status_name(a->indicate_status.status);
		if (strcmp(st, "NDIS_STATUS_?") != 0)
			snprintf(buf, size, "%s(%s, %u bytes)", name, st, a->indicate_status.size);
		else
			snprintf(buf, size, "%s(0x%08x, %u bytes)", name,
			         (uint32_t)a->indicate_status.status, a->indicate_status.size);
		return true;
	}
	default: return false;
	}
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
	default:
		if (!describe_service(r, &a, name, buf, size))
			snprintf(buf, size, "%s", name);
		break;
	}
}

void dv_event_describe(const struct dv_sim *sim, const struct dv_ndis *ndis,
                       const struct dv_event *ev, char *buf, size_t size)
{
	char name[64], pname[48];
	switch ((enum dv_ev_kind)ev->kind) {
	case DV_EV_STATE: {
		/* The arbitration word names each field it changed (state.h). */
		struct dv_slot_change chg[DV_SIGNAL_FIELDS];
		unsigned n = dv_slot_changes((enum dv_slot)ev->slot, ev->index, ev->old_value,
		                             ev->new_value, chg);
		size_t at = 0;
		buf[0] = '\0';
		for (unsigned k = 0; k < n && at < size; k++) {
			dv_slot_name(chg[k].slot, chg[k].index, name, sizeof name);
			int w = snprintf(buf + at, size - at, "%s%s 0x%x -> 0x%x", k ? ", " : "",
			                 name, chg[k].old_value, chg[k].new_value);
			at += w > 0 ? (size_t)w : 0;
		}
		break;
	}
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
		unsigned dir = dv_xfer_dir(ev), width = dv_xfer_width(ev);
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

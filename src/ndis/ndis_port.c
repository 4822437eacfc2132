/* dmaviz: port I/O wider than a byte, the buffer forms, and the driver's I/O port ranges
 * (NdisMRegisterIoPortRange). The byte accesses themselves are ndis.c's (dv_ndis_port_out/in).
 *
 * Every device of the machine is an 8-bit ISA device. An x86 CPU's 16- or 32-bit IN/OUT to such
 * a device is split by the bus controller into byte cycles at consecutive ports, low byte
 * first; the model does the same, so each byte is a traced access at the driver's line.
 */
#include "bus.h"
#include "dvndis.h"
#include "sim.h"

static void out_wide(struct dv_ndis *nd, ULONG Port, uint32_t value, unsigned width, uint16_t loc)
{
	for (unsigned i = 0; i < width; i++)
		dv_ndis_port_out(nd, (uint16_t)(Port + i), (uint8_t)(value >> (8 * i)), loc);
}

static uint32_t in_wide(struct dv_ndis *nd, ULONG Port, unsigned width, uint16_t loc)
{
	uint32_t v = 0;
	for (unsigned i = 0; i < width; i++)
		v |= (uint32_t)dv_ndis_port_in(nd, (uint16_t)(Port + i), loc) << (8 * i);
	return v;
}

static void write_port(ULONG Port, uint32_t value, unsigned width, const char *File, int Line)
{
	struct dv_ndis *nd = dv_ndis_bound();
	if (nd)
		out_wide(nd, Port, value, width, dv_ndis_loc(nd, File, Line));
}

static uint32_t read_port(ULONG Port, unsigned width, const char *File, int Line)
{
	struct dv_ndis *nd = dv_ndis_bound();
	return nd ? in_wide(nd, Port, width, dv_ndis_loc(nd, File, Line)) : 0;
}

VOID NdisRawWritePortUshortAt(ULONG Port, USHORT Data, const char *File, int Line)
{
	write_port(Port, Data, 2, File, Line);
}

VOID NdisRawReadPortUshortAt(ULONG Port, PUSHORT Data, const char *File, int Line)
{
	if (Data)
		*Data = (USHORT)read_port(Port, 2, File, Line);
}

VOID NdisRawWritePortUlongAt(ULONG Port, ULONG Data, const char *File, int Line)
{
	write_port(Port, Data, 4, File, Line);
}

VOID NdisRawReadPortUlongAt(ULONG Port, PULONG Data, const char *File, int Line)
{
	if (Data)
		*Data = read_port(Port, 4, File, Line);
}

/* ---- the buffer forms: Length accesses of width bytes at the same port ------------------- */

/* One call record around the accesses. More than DV_NDIS_PORT_BUFFER_MAX bytes are refused
 * (NDIS_STATUS_NOT_SUPPORTED in the record, no access): a count that large is a bug. */
static void port_buffer(ULONG Port, void *Buffer, ULONG Length, unsigned width, bool write,
                        const char *File, int Line)
{
	struct dv_ndis *nd = dv_ndis_bound();
	if (!nd)
		return;
	enum dv_call call = write ? DV_CALL_WRITE_PORT_BUFFER : DV_CALL_READ_PORT_BUFFER;
	uint16_t loc = dv_ndis_loc(nd, File, Line);
	uint32_t args[3] = { Port, Length, width };
	struct dv_ndis_call_scope s =
	        dv_ndis_call_begin(nd, call, loc, DV_SRC_DRIVER, args, 3, DV_NO_CHANNEL);
	bool ok = Buffer && (uint64_t)Length * width <= DV_NDIS_PORT_BUFFER_MAX;
	uint8_t *b = Buffer;
	for (uint32_t i = 0; ok && i < Length * width; i += width) {
		uint32_t v = 0;
		for (unsigned k = 0; write && k < width; k++)
			v |= (uint32_t)b[i + k] << (8 * k);
		if (write)
			out_wide(nd, Port, v, width, loc);
		else
			v = in_wide(nd, Port, width, loc);
		for (unsigned k = 0; !write && k < width; k++)
			b[i + k] = (uint8_t)(v >> (8 * k));
	}
	dv_ndis_call_end(nd, s, call, ok ? NDIS_STATUS_SUCCESS : NDIS_STATUS_NOT_SUPPORTED);
}

VOID NdisRawWritePortBufferUcharAt(ULONG Port, PUCHAR Buffer, ULONG Length, const char *File,
                                   int Line)
{
	port_buffer(Port, Buffer, Length, 1, true, File, Line);
}

VOID NdisRawReadPortBufferUcharAt(ULONG Port, PUCHAR Buffer, ULONG Length, const char *File,
                                  int Line)
{
	port_buffer(Port, Buffer, Length, 1, false, File, Line);
}

VOID NdisRawWritePortBufferUshortAt(ULONG Port, PUSHORT Buffer, ULONG Length, const char *File,
                                    int Line)
{
	port_buffer(Port, Buffer, Length, 2, true, File, Line);
}

VOID NdisRawReadPortBufferUshortAt(ULONG Port, PUSHORT Buffer, ULONG Length, const char *File,
                                   int Line)
{
	port_buffer(Port, Buffer, Length, 2, false, File, Line);
}

VOID NdisRawWritePortBufferUlongAt(ULONG Port, PULONG Buffer, ULONG Length, const char *File,
                                   int Line)
{
	port_buffer(Port, Buffer, Length, 4, true, File, Line);
}

VOID NdisRawReadPortBufferUlongAt(ULONG Port, PULONG Buffer, ULONG Length, const char *File,
                                  int Line)
{
	port_buffer(Port, Buffer, Length, 4, false, File, Line);
}

/* ---- I/O port ranges ------------------------------------------------------------------------ */

/* Does a device other than the card answer a port of [first, first + count)? (The HAL owns
 * the motherboard's ports: the 8237A pair, the page registers.) */
static bool range_conflicts(const struct dv_ndis *nd, uint32_t first, uint32_t count)
{
	const struct dv_state *st = &nd->sim->st;
	unsigned unit, reg;
	const struct dv_device *card = dv_bus_decode(st, st->nic.base, &unit, &reg);
	for (uint32_t p = first; p < first + count; p++) {
		const struct dv_device *d = dv_bus_decode(st, (uint16_t)p, &unit, &reg);
		if (d && d != card)
			return true;
	}
	return false;
}

static NDIS_STATUS register_range(struct dv_ndis *nd, UINT first, UINT count)
{
	if (count == 0 || first > 0xFFFF || count > 0x10000 - first)
		return NDIS_STATUS_FAILURE;
	if (range_conflicts(nd, first, count))
		return NDIS_STATUS_RESOURCE_CONFLICT;
	if (nd->nport_ranges == DV_NDIS_PORT_RANGES)
		return NDIS_STATUS_RESOURCES;
	nd->port_ranges[nd->nport_ranges++] = (struct dv_port_range_reg){ first, count };
	return NDIS_STATUS_SUCCESS;
}

NDIS_STATUS NdisMRegisterIoPortRangeAt(PVOID *PortOffset, NDIS_HANDLE MiniportAdapterHandle,
                                       UINT InitialPort, UINT NumberOfPorts, const char *File,
                                       int Line)
{
	struct dv_ndis *nd = dv_ndis_of_or_bound(MiniportAdapterHandle);
	if (!nd)
		return NDIS_STATUS_FAILURE;
	uint32_t args[2] = { InitialPort, NumberOfPorts };
	struct dv_ndis_call_scope s = dv_ndis_call_begin(nd, DV_CALL_REGISTER_IO_PORT_RANGE,
	                                                 dv_ndis_loc(nd, File, Line), DV_SRC_DRIVER,
	                                                 args, 2, DV_NO_CHANNEL);
	NDIS_STATUS st = NDIS_STATUS_FAILURE;
	if (PortOffset && MiniportAdapterHandle == (NDIS_HANDLE)nd)
		st = register_range(nd, InitialPort, NumberOfPorts);
	/* x86 maps I/O space one to one: the offset to use is the port number itself. */
	if (PortOffset)
		*PortOffset = st == NDIS_STATUS_SUCCESS ? (PVOID)(uintptr_t)InitialPort : NULL;
	/* "NdisMRegisterIoPortRange logs an error if this occurs" (a conflict). */
	if (st == NDIS_STATUS_RESOURCE_CONFLICT) {
		ULONG first = InitialPort;
		NdisWriteErrorLogEntryAt(MiniportAdapterHandle, NDIS_ERROR_CODE_RESOURCE_CONFLICT,
		                         1, &first, File, Line);
	}
	dv_ndis_call_end(nd, s, DV_CALL_REGISTER_IO_PORT_RANGE, st);
	return st;
}

VOID NdisMDeregisterIoPortRangeAt(NDIS_HANDLE MiniportAdapterHandle, UINT InitialPort,
                                  UINT NumberOfPorts, PVOID PortOffset, const char *File, int Line)
{
	struct dv_ndis *nd = dv_ndis_of_or_bound(MiniportAdapterHandle);
	if (!nd)
		return;
	uint32_t args[2] = { InitialPort, NumberOfPorts };
	struct dv_ndis_call_scope s = dv_ndis_call_begin(nd, DV_CALL_DEREGISTER_IO_PORT_RANGE,
	                                                 dv_ndis_loc(nd, File, Line), DV_SRC_DRIVER,
	                                                 args, 2, DV_NO_CHANNEL);
	/* Only a range registered as such, with the offset it was given, is released. */
	NDIS_STATUS st = NDIS_STATUS_FAILURE;
	for (uint32_t i = 0; i < nd->nport_ranges; i++) {
		struct dv_port_range_reg *r = &nd->port_ranges[i];
		if (r->first == InitialPort && r->count == NumberOfPorts &&
		    PortOffset == (PVOID)(uintptr_t)InitialPort) {
			*r = nd->port_ranges[--nd->nport_ranges];
			st = NDIS_STATUS_SUCCESS;
			break;
		}
	}
	dv_ndis_call_end(nd, s, DV_CALL_DEREGISTER_IO_PORT_RANGE, st);
}

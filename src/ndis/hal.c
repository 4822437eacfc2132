/* dmaviz: HAL adapter objects, map registers and bounce buffers for system DMA. */
#include <string.h>

#include "cache.h"
#include "dma8237.h"
#include "hal.h"
#include "sim.h"

void dv_hal_init(struct dv_hal *hal)
{
	memset(hal, 0, sizeof *hal);
	for (unsigned ch = 0; ch < 8; ch++) {
		hal->adapter[ch].channel = (uint8_t)ch;
		hal->adapter[ch].bounce_phys = DV_HAL_BOUNCE_BASE + ch * DV_HAL_BOUNCE_STRIDE;
	}
}

enum dv_hal_refusal dv_hal_get_adapter(struct dv_hal *hal, unsigned channel, bool width16,
                                       bool demand, bool autoinit, uint32_t max_length,
                                       uint32_t dma_port, struct dv_adapter **out)
{
	*out = NULL;
	if (dma_port != 0)
		return DV_HAL_PORT; /* an MCA field: must be 0 (MS-REG) */
	if (channel > 7)
		return DV_HAL_NO_CHANNEL;
	if (channel == 4)
		return DV_HAL_CASCADE; /* the ReactOS HAL refuses channel 4: it is the cascade */
	/* On a non-EISA PC the width is the chip's: 8-bit on 0-3, 16-bit on 5-7 (facts §3.3). */
	if (width16 != (channel >= 4))
		return DV_HAL_WIDTH;
	struct dv_adapter *ad = &hal->adapter[channel];
	if (ad->in_use)
		return DV_HAL_IN_USE;
	ad->in_use = true;
	ad->width16 = width16;
	ad->demand = demand;
	ad->autoinit = autoinit;
	ad->max_length = max_length;
	/* pages(MaximumLength) + 1, capped at 16 for an adapter without scatter/gather. */
	uint64_t pages = max_length == 0xFFFFFFFFu ?
	                         DV_HAL_MAX_MAP_REGISTERS :
	                         ((uint64_t)max_length + DV_PAGE_SIZE - 1) / DV_PAGE_SIZE + 1;
	ad->map_registers = pages > DV_HAL_MAX_MAP_REGISTERS ? DV_HAL_MAX_MAP_REGISTERS :
	                                                       (uint32_t)pages;
	/* The mode byte without its transfer type: channel bits, auto-init, demand (00) or
	 * single (01). IoMapTransfer adds read or write per transfer. */
	ad->mode = (uint8_t)((channel & 3) | (autoinit ? DV_DMA_MODE_AUTOINIT : 0) |
	                     (demand ? 0x00 : 0x40));
	ad->mapped = false;
	*out = ad;
	return DV_HAL_OK;
}

void dv_hal_put_adapter(struct dv_adapter *ad)
{
	if (!ad)
		return;
	ad->in_use = false;
	ad->mapped = false;
	ad->mdl = NULL;
}

uint32_t dv_mdl_phys(const MDL *mdl, uint32_t k)
{
	if (!mdl || k >= mdl->ByteCount)
		return DV_NO_ADDR;
	uint32_t va = mdl->ByteOffset + k;
	uint32_t page = va / DV_PAGE_SIZE;
	if (page >= mdl->PfnCount || page >= DV_MDL_MAX_PAGES)
		return DV_NO_ADDR;
	return mdl->Pfn[page] * DV_PAGE_SIZE + va % DV_PAGE_SIZE;
}

uint32_t dv_mdl_pages(const MDL *mdl, uint32_t offset, uint32_t length)
{
	if (length == 0)
		return 0;
	uint64_t first = ((uint64_t)mdl->ByteOffset + offset) / DV_PAGE_SIZE;
	uint64_t last = ((uint64_t)mdl->ByteOffset + offset + length - 1) / DV_PAGE_SIZE;
	return (uint32_t)(last - first + 1);
}

bool dv_hal_reachable(const MDL *mdl, uint32_t offset, uint32_t length, bool width16)
{
	uint32_t block = width16 ? 0x20000u : 0x10000u;
	uint32_t start = dv_mdl_phys(mdl, offset);
	if (start == DV_NO_ADDR || length == 0)
		return false;
	/* Walk page by page: the run must be physically contiguous, and on a non-EISA machine
	 * two consecutive pages must lie in the same 64 KiB (128 KiB) block (facts §3.4 5a). */
	uint32_t k = offset;
	uint32_t end = offset + length;
	uint32_t expect = start;
	while (k < end) {
		uint32_t phys = dv_mdl_phys(mdl, k);
		if (phys != expect)
			return false;
		uint32_t in_page = DV_PAGE_SIZE - (mdl->ByteOffset + k) % DV_PAGE_SIZE;
		uint32_t n = end - k < in_page ? end - k : in_page;
		expect = phys + n;
		k += n;
	}
	uint32_t last = start + length - 1;
	if (last > 0x00FFFFFFu)
		return false; /* 24 address bits: the 8237 and its page registers stop at 16 MiB */
	return start / block == last / block;
}

/* Calls fn(sim, phys, len) for each physically contiguous piece of [offset, offset+length). */
static void for_each_piece(struct dv_sim *sim, const MDL *mdl, uint32_t offset, uint32_t length,
                           void (*fn)(struct dv_sim *, uint32_t, uint32_t, bool), bool arg)
{
	uint32_t k = offset, end = offset + length;
	if (end > mdl->ByteCount)
		end = mdl->ByteCount;
	while (k < end) {
		uint32_t phys = dv_mdl_phys(mdl, k);
		uint32_t in_page = DV_PAGE_SIZE - (mdl->ByteOffset + k) % DV_PAGE_SIZE;
		uint32_t n = end - k < in_page ? end - k : in_page;
		if (phys != DV_NO_ADDR)
			fn(sim, phys, n, arg);
		k += n;
	}
}

static void flush_piece(struct dv_sim *sim, uint32_t phys, uint32_t len, bool invalidate)
{
	dv_sim_cache_flush(sim, phys, len, invalidate);
}

void dv_hal_flush_io_buffers(struct dv_sim *sim, const MDL *mdl, uint32_t offset, uint32_t length,
                             bool read_operation)
{
	/* On x86 this is a no-op (the cache snoops DMA). On NT's MIPS and Alpha ports it writes
	 * dirty lines back before a send and invalidates them before a receive, so no stale
	 * line hides what the device writes (facts §3.4 step 4). */
	for_each_piece(sim, mdl, offset, length, flush_piece, read_operation);
}

static void out(struct dv_sim *sim, uint16_t port, uint8_t value)
{
	dv_sim_out(sim, port, value);
}

struct chan_ports {
	uint16_t mask, clear_ff, mode, addr, count, page;
};

static struct chan_ports ports_of(unsigned ch)
{
	struct chan_ports p;
	unsigned chip = ch >> 2, c = ch & 3;
	p.mask = DV_DMA_PORT(chip, DV_DMA_REG_SINGLE_MASK);
	p.clear_ff = DV_DMA_PORT(chip, DV_DMA_REG_CLEAR_FF);
	p.mode = DV_DMA_PORT(chip, DV_DMA_REG_MODE);
	p.addr = DV_DMA_PORT(chip, DV_DMA_REG_ADDR(c));
	p.count = DV_DMA_PORT(chip, DV_DMA_REG_COUNT(c));
	p.page = dv_dma_page_port(ch);
	return p;
}

void dv_hal_map_transfer(struct dv_sim *sim, struct dv_adapter *ad, const MDL *mdl, uint32_t offset,
                         uint32_t length, bool write_to_device)
{
	unsigned ch = ad->channel;
	struct chan_ports p = ports_of(ch);
	uint32_t phys;

	ad->mapped = true;
	ad->mdl = mdl;
	ad->offset = offset;
	ad->length = length;
	ad->write_to_device = write_to_device;
	ad->would_be = dv_mdl_phys(mdl, offset);
	ad->bounced = !dv_hal_reachable(mdl, offset, length, ad->width16);
	if (ad->bounced) {
		/* Map-register buffers: contiguous, non-cached, below 16 MiB, never across a
		 * 64 KiB block. The page offset is kept (facts §3.4 5b). */
		phys = ad->bounce_phys + (mdl->ByteOffset + offset) % DV_PAGE_SIZE;
		if (write_to_device) {
			/* A send: copy the data in now. The CPU reads the caller's buffer (through
			 * its cache) and writes the non-cached bounce buffer straight to memory. */
			for (uint32_t k = 0; k < length; k++) {
				uint32_t src = dv_mdl_phys(mdl, offset + k);
				uint8_t v = src == DV_NO_ADDR ? 0xFF : dv_sim_cpu_read(sim, src);
				dv_sim_mem_write(sim, phys + k, v);
			}
		}
	} else {
		phys = ad->would_be;
	}
	ad->phys = phys;

	/* Intel names transfers after memory: a send reads memory (type 10), a receive writes
	 * it (type 01) (facts §1.9). */
	uint8_t mode = (uint8_t)(ad->mode | (write_to_device ? 0x08 : 0x04));
	uint32_t address, count;
	uint8_t page;
	if (ad->width16) {
		/* Word address = phys >> 1 and page = (phys >> 16) & 0xFE, as Linux does; ReactOS
		 * takes phys & 0xFFFF before the shift and loses A16 (facts §3.4 note). */
		address = (phys >> 1) & 0xFFFF;
		page = (uint8_t)((phys >> 16) & 0xFE);
		count = length / 2 - 1;
	} else {
		address = phys & 0xFFFF;
		page = (uint8_t)(phys >> 16);
		count = length - 1; /* the 8237 counts N-1 */
	}
	/* The canonical sequence (facts §1.10): mask, clear flip-flop, mode, address low/high,
	 * page, count low/high, unmask. */
	out(sim, p.mask, (uint8_t)(0x04 | (ch & 3)));
	out(sim, p.clear_ff, 0);
	out(sim, p.mode, mode);
	out(sim, p.addr, (uint8_t)address);
	out(sim, p.addr, (uint8_t)(address >> 8));
	out(sim, p.page, page);
	out(sim, p.count, (uint8_t)count);
	out(sim, p.count, (uint8_t)(count >> 8));
	out(sim, p.mask, (uint8_t)(ch & 3));
}

uint32_t dv_hal_read_dma_counter(struct dv_sim *sim, const struct dv_adapter *ad)
{
	struct chan_ports p = ports_of(ad->channel);
	uint32_t raw, again;
	/* The count can change between the two byte reads; read until two reads agree
	 * (ReactOS HalReadDmaCounter, facts §1.7). */
	for (int tries = 0; tries < 8; tries++) {
		out(sim, p.clear_ff, 0);
		raw = dv_sim_in(sim, p.count);
		raw |= (uint32_t)dv_sim_in(sim, p.count) << 8;
		out(sim, p.clear_ff, 0);
		again = dv_sim_in(sim, p.count);
		again |= (uint32_t)dv_sim_in(sim, p.count) << 8;
		if ((raw & 0xFF00) == (again & 0xFF00))
			break;
	}
	uint32_t left = (again + 1) & 0xFFFF; /* N-1 encoding; 0xFFFF after TC gives 0 */
	return ad->width16 ? left * 2 : left;
}

bool dv_hal_flush_adapter_buffers(struct dv_sim *sim, struct dv_adapter *ad, const MDL *mdl,
                                  uint32_t offset, uint32_t length, bool write_to_device)
{
	struct chan_ports p = ports_of(ad->channel);
	bool coherent = true;

	/* Masking the channel stops a transfer that is still running: the NIC may be cut short
	 * (facts §3.5 1a). */
	out(sim, p.mask, (uint8_t)(0x04 | (ad->channel & 3)));
	if (!ad->mapped)
		return true; /* nothing was mapped: nothing to flush */

	/* Parameters that differ from the mapping make the HAL flush the wrong range: the
	 * model reports that as incoherent data (NDIS then returns NDIS_STATUS_RESOURCES). */
	if (mdl != ad->mdl || offset != ad->offset || length != ad->length ||
	    write_to_device != ad->write_to_device)
		coherent = false;

	if (!write_to_device) {
		uint32_t moved = ad->length;
		if (ad->bounced) {
			/* Copy back only the bytes actually moved: Length - residue (facts §3.5 1b). */
			uint32_t left = dv_hal_read_dma_counter(sim, ad);
			moved = left > length ? 0 : length - left;
			if (moved > ad->length)
				moved = ad->length;
			for (uint32_t k = 0; k < moved; k++) {
				uint32_t dst = dv_mdl_phys(mdl, offset + k);
				if (dst == DV_NO_ADDR)
					break;
				dv_sim_cpu_write(sim, dst, dv_sim_mem_read(sim, ad->phys + k));
			}
		}
		/* On a non-coherent machine: a line the CPU dirtied during the transfer cannot
		 * be reconciled with what the device wrote. Inferred: the HAL invalidates (the
		 * device's data wins) and the flush reports incoherence. */
		if (sim->st.cache_on && !ad->bounced) {
			uint32_t first = dv_mdl_phys(mdl, offset);
			for (unsigned line = 0; line < DV_CACHE_LINES && first != DV_NO_ADDR;
			     line++) {
				uint32_t a = sim->st.cache.tag[line] * DV_CACHE_LINE;
				const unsigned dirty = DV_CACHE_VALID | DV_CACHE_DIRTY;
				if ((sim->st.cache.flags[line] & dirty) == dirty &&
				    a + DV_CACHE_LINE > first && a < first + length) {
					coherent = false;
					dv_sim_set(sim, DV_SLOT_CACHE_FLAGS, line, 0);
				}
			}
			dv_hal_flush_io_buffers(sim, mdl, offset, length, true);
		}
	}
	ad->mapped = false;
	ad->mdl = NULL;
	return coherent;
}

/* dmaviz: the device table: the machine, one row per device, in tick order (bus.h).
 *
 * In a tick the NIC goes first (the wire moves a byte and the card sets its DREQ), then the
 * 8237A pair arbitrates and does at most one transfer, which sees that DREQ; the CPU takes
 * interrupts after the bus cycle. The page registers and the cache do nothing on their own.
 */
#include "bus.h"
#include "cpu.h"
#include "dma8237.h"
#include "nic.h"
#include "page.h"

/* Register r of a chip is at DV_DMA_PORT(chip, r): the ranges are derived from the map. */
#define DMA_STRIDE(chip) ((uint16_t)(DV_DMA_PORT(chip, 1) - DV_DMA_PORT(chip, 0)))

const struct dv_device dv_devices[DV_DEVICE_COUNT] = {
	{
	        .name = "nic",
	        .ranges = { { 0, DV_NIC_PORTS - 1, 1 } },
	        .nranges = 1,
	        .base = dv_nic_base,
	        .out = dv_nic_write,
	        .in = dv_nic_read,
	        .reset = dv_nic_reset,
	        .tick = dv_nic_tick,
	        .quiet = dv_nic_quiet,
	        .dack_channel = dv_nic_dack_channel,
	        .dack = dv_nic_dack,
	},
	{
	        .name = "dma",
	        /* unit = chip: DMA1, DMA2 */
	        .ranges = { { DV_DMA_PORT(0, 0), DV_DMA_PORT(0, 15), DMA_STRIDE(0) },
	                    { DV_DMA_PORT(1, 0), DV_DMA_PORT(1, 15), DMA_STRIDE(1) } },
	        .nranges = 2,
	        .out = dv_dma_write,
	        .in = dv_dma_read,
	        .reset = dv_dma_reset,
	        .tick = dv_dma_tick,
	},
	{
	        .name = "page",
	        .ranges = { { DV_PAGE_PORT_BASE, DV_PAGE_PORT_BASE + 0xF, 1 } },
	        .nranges = 1,
	        .out = dv_page_write,
	        .in = dv_page_read,
	},
	{
	        .name = "cpu",
	        .between = dv_cpu_between_cycles,
	},
};

const unsigned dv_device_count = sizeof dv_devices / sizeof dv_devices[0];

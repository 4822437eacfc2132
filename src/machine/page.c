/* dmaviz: the DMA page registers (page.h). */
#include "page.h"
#include "sim.h"

/* The page ports are not in channel order: the IBM PC wired them as it did (facts §1.3). */
static const uint8_t page_ports[8] = { 0x87, 0x83, 0x81, 0x82, 0x8F, 0x8B, 0x89, 0x8A };

uint16_t dv_dma_page_port(unsigned channel)
{
	return page_ports[channel & 7];
}

int dv_dma_page_channel(uint16_t port)
{
	for (int ch = 0; ch < 8; ch++)
		if (page_ports[ch] == port)
			return ch;
	return -1;
}

void dv_page_write(struct dv_sim *sim, unsigned unit, unsigned reg, uint8_t value)
{
	(void)unit;
	int ch = dv_dma_page_channel((uint16_t)(DV_PAGE_PORT_BASE + reg));
	/* The 74LS612 behind these ports latches all sixteen; only eight feed the address
	 * bus. 0x80 is where BIOSes write POST codes. */
	if (ch >= 0)
		dv_sim_set(sim, DV_SLOT_PAGE, (uint32_t)ch, value);
	else
		dv_sim_set(sim, DV_SLOT_PAGE_EXTRA, reg & 0xFu, value);
}

uint8_t dv_page_read(struct dv_sim *sim, unsigned unit, unsigned reg)
{
	(void)unit;
	int ch = dv_dma_page_channel((uint16_t)(DV_PAGE_PORT_BASE + reg));
	return ch >= 0 ? sim->st.page[ch] : sim->st.page_extra[reg & 0xFu];
}

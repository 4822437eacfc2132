/* dmaviz: the DMA page registers of the PC/AT, a 74LS612 behind ports 0x80-0x8F. Eight of
 * its sixteen latches supply address bits 16-23 of the eight DMA channels; the 8237A never
 * touches them, which is why a transfer wraps inside its 64 KiB (128 KiB) page (facts §1.3,
 * §1.8). The others are plain latches (0x80 is where BIOSes write POST codes).
 */
#ifndef DV_PAGE_H
#define DV_PAGE_H

#include <stdint.h>

struct dv_sim;

/* The first of the sixteen ports. */
#define DV_PAGE_PORT_BASE 0x80u

/* The page-register port of a channel, and the channel of a page port (-1 when 0x80-0x8F
 * holds no page register there). */
uint16_t dv_dma_page_port(unsigned channel);
int dv_dma_page_channel(uint16_t port);

/* Port access: reg is the port's offset from 0x80 (unit is unused: one range). */
void dv_page_write(struct dv_sim *sim, unsigned unit, unsigned reg, uint8_t value);
uint8_t dv_page_read(struct dv_sim *sim, unsigned unit, unsigned reg);

#endif

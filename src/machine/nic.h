/* dmaviz: our own ISA network card for subordinate (system) DMA (the peer station: peer.h).
 * The register map and behaviour are documented in docs/nic.md.
 */
#ifndef DV_NIC_H
#define DV_NIC_H

#include <stdbool.h>
#include <stdint.h>

#include "peer.h" /* the station at the other end of the wire */
#include "state.h"

struct dv_sim;

/* Register offsets from the I/O base (16 ports). */
enum dv_nic_reg {
	DV_NIC_CMD = 0x0,    /* R/W: command */
	DV_NIC_STATUS = 0x1, /* R: status */
	DV_NIC_IMR = 0x2,    /* R/W: interrupt mask */
	DV_NIC_ISR = 0x3,    /* R: interrupt status; W: 1 clears a bit */
	DV_NIC_TXLEN_LO = 0x4,
	DV_NIC_TXLEN_HI = 0x5,
	DV_NIC_RXSTAT_LO = 0x6, /* R: length of the oldest received frame, low byte (latches) */
	DV_NIC_RXSTAT_HI = 0x7, /* R: high byte (bit 7: error), pops the entry */
	DV_NIC_TXFIFO_LEVEL = 0x8,
	DV_NIC_RXFIFO_LEVEL = 0x9,
	DV_NIC_STATFIFO_LEVEL = 0xA,
	DV_NIC_MISSED = 0xB, /* R: frames the receiver missed since reset (saturates at 255) */
	/* 0xC-0xF are decoded but unused: reads float to 0xFF, writes are ignored. */
	DV_NIC_PORTS = 0x10
};

/* CMD bits */
#define DV_NIC_CMD_TXGO 0x01u  /* start sending TXLEN bytes; reads 1 until the frame is done */
#define DV_NIC_CMD_RXEN 0x02u  /* receiver on */
#define DV_NIC_CMD_DMATX 0x04u /* DREQ while the TX FIFO has room for bytes of the frame */
#define DV_NIC_CMD_DMARX 0x08u /* DREQ while the RX FIFO holds data */
#define DV_NIC_CMD_RESET 0x80u /* write: reset FIFOs and state (self-clearing) */
/* STATUS bits */
#define DV_NIC_ST_TXBUSY 0x01u
#define DV_NIC_ST_TXEMPTY 0x02u
#define DV_NIC_ST_TXFULL 0x04u
#define DV_NIC_ST_RXDATA 0x08u
#define DV_NIC_ST_RXFULL 0x10u
#define DV_NIC_ST_STATDATA 0x20u
#define DV_NIC_ST_DREQ 0x40u
#define DV_NIC_ST_RXBUSY 0x80u /* a frame is arriving and the card is taking it */
/* ISR / IMR bits */
#define DV_NIC_INT_TXDONE 0x01u
#define DV_NIC_INT_RXDONE 0x02u /* a received frame's last byte has left the RX FIFO */
#define DV_NIC_INT_UNDERRUN 0x04u
#define DV_NIC_INT_OVERRUN 0x08u
#define DV_NIC_INT_TXOVERFLOW 0x10u /* the DMA delivered a byte the card could not take */
#define DV_NIC_INT_ALL 0x1Fu

/* A status FIFO entry (RXSTAT_HI:RXSTAT_LO). */
#define DV_NIC_RXS_ERROR 0x8000u   /* some bytes of the frame were lost: drop it */
#define DV_NIC_RXS_OVERRUN 0x4000u /* ... because the RX FIFO was full */
#define DV_NIC_RXS_RXOFF 0x2000u   /* ... because RXEN was cleared during the frame */
#define DV_NIC_RXS_LEN 0x07FFu     /* bytes of the frame put in the RX FIFO (and memory) */

/* The TX FIFO level at which the NIC starts putting a frame on the wire. */
#define DV_NIC_TX_START 8u

/* Reset state of the card with its configuration. */
void dv_nic_reset(struct dv_sim *sim);
bool dv_nic_claims(const struct dv_state *st, uint16_t port);
/* The I/O base its jumpers set (config); the card decodes DV_NIC_PORTS ports from there. */
uint16_t dv_nic_base(const struct dv_state *st);
/* Port access: reg is the offset from the base (unit is unused: one range). */
void dv_nic_write(struct dv_sim *sim, unsigned unit, unsigned reg, uint8_t value);
uint8_t dv_nic_read(struct dv_sim *sim, unsigned unit, unsigned reg);
/* One tick of the wire (both directions) and the card: updates DREQ and the IRQ line.
 * Returns false: the card never masters the bus. */
bool dv_nic_tick(struct dv_sim *sim);
bool dv_nic_quiet(const struct dv_sim *sim);
/* The DMA channel its DRQ/DACK jumpers select (config). */
int dv_nic_dack_channel(const struct dv_state *st);
/* The 8237 asserted DACK on the NIC's channel. dir is enum dv_xfer_dir; for
 * DV_XFER_FROM_MEMORY data is what memory put on the bus (IOW), the return value is ignored;
 * for DV_XFER_TO_MEMORY the NIC drives the bus (IOR) and returns the data. width is 1 or 2
 * bytes; tc is the terminal count pulse of this cycle. Updates DREQ at once. */
uint16_t dv_nic_dack(struct dv_sim *sim, unsigned dir, unsigned width, uint16_t data, bool tc);
/* Recomputes the NIC's DREQ line and IRQ line from its state. */
void dv_nic_update_lines(struct dv_sim *sim);
/* The status register (docs/nic.md): a function of the card's state, so it is never stale and
 * no event records it (nic.status is a derived slot, state.c). */
uint8_t dv_nic_status(const struct dv_nic *n);
/* nic.wire_timer at cycle: the ticks to the next byte time, 0 while the wire clock is stopped
 * (a derived slot, state.c: the clock is kept as its start, nic.wire_start). */
uint32_t dv_nic_wire_timer(const struct dv_nic *n, uint32_t cycle);

#endif

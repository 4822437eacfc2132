/* dmaviz: what the diagram shows, read from a session's view, for every layout (the window's
 * classic picture in ui/sdl/draw.c and the presentation layout, present.c): registers now and
 * before the move, the level of a signal wire across the move, the channel the lesson is
 * about and the one the NIC is wired to, the transfers of the move, and the
 * NdisMSetupDmaTransfer the memory rows belong to. Events are read with dv_trace_len/at. */
#ifndef DV_APP_DIAGRAM_H
#define DV_APP_DIAGRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "state.h"
#include "view.h"

uint32_t dv_dg_now(const struct dv_view *v, enum dv_slot slot, uint32_t i);
uint32_t dv_dg_before(const struct dv_view *v, enum dv_slot slot, uint32_t i);
/* Changed in the current move: the view's own rule (now against base). */
bool dv_dg_changed(const struct dv_view *v, enum dv_slot slot, uint32_t i);
enum dv_role dv_dg_role(const struct dv_view *v, enum dv_slot slot, uint32_t i);
/* A register value on l (hex with that many digits, or 0: decimal), "OLD→" before it in the
 * dim role when the move changed it. */
void dv_dg_reg_value(const struct dv_view *v, struct dv_vline *l, enum dv_slot slot, uint32_t i,
                     int digits);
/* A signal's level: 2 high now, 1 high at some point of this move (at its start, or raised
 * and dropped inside it: between single-mode transfers the 8237A drops HRQ at the end of the
 * DMA cycle), 0 low throughout. */
int dv_dg_level(const struct dv_view *v, enum dv_slot slot, uint32_t index, uint32_t bits);
/* The channel the machine's NIC is wired to (its DRQ/DACK pair): the only DMA channel with a
 * device. */
unsigned dv_dg_nic_channel(const struct dv_view *v);
/* The channel the lesson is about (the view's 8237A panel says it; tmp is scratch). */
unsigned dv_dg_active_channel(struct dv_view *v, struct dv_vpanel *tmp);
/* Does a panel have a value the move changed? */
bool dv_dg_panel_changed(const struct dv_vpanel *p);
const char *dv_dg_irql_name(unsigned irql);

/* The DMA transfers and wire bytes of the current move. */
struct dv_dg_moves {
	size_t xfers, wtx, wrx;
	size_t nic_xfers; /* of the transfers, those on the NIC's channel (the card took part) */
	size_t last_xfer; /* index of the newest transfer event; valid when xfers */
};
struct dv_dg_moves dv_dg_moves_of(const struct dv_view *v);

/* Where the memory rows lie: in the NDIS_BUFFER (its Offset/Length part or the rest), in the
 * bounce buffer, or elsewhere. */
enum dv_dg_place { DV_DG_ELSEWHERE, DV_DG_BUFFER, DV_DG_SUBRANGE, DV_DG_BOUNCE };

/* The transfer the memory rows show: the Setup on channel ch before the DMA transfer whose
 * bytes the rows show (before the cursor when they show the channel's next address). */
struct dv_dg_setup {
	bool found;     /* the NdisMSetupDmaTransfer the memory rows belong to */
	bool ok;        /* it returned NDIS_STATUS_SUCCESS (or is running past IoMapTransfer) */
	bool returned;  /* it returned before the cursor */
	bool completed; /* NdisMCompleteDmaTransfer came after it */
	bool write;     /* WriteToDevice */
	uint32_t va, offset, length, bytecount, phys;
	uint32_t buf_phys; /* the physical address of the buffer's first byte */
	bool bounced;
	uint32_t dma_phys; /* where the 8237A was pointed (the bounce buffer when bounced) */
	size_t moved;      /* bytes DMA moved since the Setup */
	int32_t status;
	uint32_t mem_addr; /* the address the hex rows are around (dv_view_memory_addr) */
	enum dv_dg_place mem_in;
};
struct dv_dg_setup dv_dg_setup_of(const struct dv_view *v, const struct dv_run *run, unsigned ch);

/* The hover text of what a layout draws: a register, a wire, a bar, a region. */
extern const char dv_desc_bus[], dv_desc_irql[], dv_desc_irr[], dv_desc_dpc[], dv_desc_runs[],
        dv_desc_addr[], dv_desc_count[], dv_desc_mode[], dv_desc_type[], dv_desc_mask[],
        dv_desc_state[], dv_desc_page[], dv_desc_phys[], dv_desc_niccmd[], dv_desc_txlen[],
        dv_desc_fifo[], dv_desc_irqline[], dv_desc_peer[], dv_desc_hrq[], dv_desc_hlda[],
        dv_desc_dreq[], dv_desc_dack[], dv_desc_tc[], dv_desc_nodev[], dv_desc_irqw[],
        dv_desc_buf[], dv_desc_sub[], dv_desc_bounce[], dv_desc_memrow[], dv_desc_memrow_buf[],
        dv_desc_memrow_bounce[], dv_desc_timing[], dv_desc_timeline[], dv_desc_legend[];
/* ... and of the presentation layout's ribbon and address map. */
extern const char dv_desc_ribbon[], dv_desc_badge[], dv_desc_port[], dv_desc_block[],
        dv_desc_programmed[], dv_desc_wrap[], dv_desc_line16m[], dv_desc_ring[], dv_desc_cache[];

#endif

/* dmaviz: events in words, for the event log, `dmaviz trace` and golden traces. */
#ifndef DV_DESCRIBE_H
#define DV_DESCRIBE_H

#include <stddef.h>
#include <stdint.h>

#include "calls.h"
#include "trace.h"

struct dv_sim;
struct dv_ndis;

/* What a port is, e.g. "DMA1 mode" or "page ch1" or "NIC CMD" (NULL when nothing decodes it). */
const char *dv_port_name(const struct dv_sim *sim, unsigned port, char *buf, size_t size);
/* The set bits of one of the NIC's registers in words (docs/nic.md section 3), joined by '|':
 * "TXGO|DMATX" for CMD 0x05; "none" when no bit is set. reg is the register's offset: 0 CMD,
 * 1 STATUS, 2 IMR, 3 ISR (IMR and ISR share their bits). */
const char *dv_nic_bits(unsigned reg, uint32_t value, char *buf, size_t size);
/* An NdisMSetupDmaTransfer or NdisMCompleteDmaTransfer call record's arguments in words:
 * "NdisMSetupDmaTransfer(Buffer VA 0x80801000: 60 B in page 0x100000, Offset 0, Length 60,
 * WriteToDevice TRUE)". Other calls: their name and "(...)". */
struct dv_call_record;
void dv_dma_call_words(const struct dv_call_record *r, char *buf, size_t size);
/* What a call's DV_EV_RETURN value says: its NDIS_STATUS ("NDIS_STATUS_SUCCESS") for calls
 * that return one, "4036 bytes remaining" for the DMA counters, "" for the rest. */
const char *dv_call_result_words(enum dv_call c, uint32_t value, char *buf, size_t size);
/* One event in words. ndis may be NULL (calls then show without arguments). */
void dv_event_describe(const struct dv_sim *sim, const struct dv_ndis *ndis,
                       const struct dv_event *ev, char *buf, size_t size);

#endif

/* dmaviz: the peer station (peer.h). Every change goes through dv_sim_set. */
#include "peer.h"
#include "sim.h"

_Static_assert(DV_PEER_MAX_FRAME <= DV_FRAME_MAX, "the peer keeps whole frames");

#define NO_CHAN 0xFFu

static void set(struct dv_sim *sim, enum dv_slot slot, uint32_t value)
{
	dv_sim_set(sim, slot, 0, value);
}

uint8_t dv_peer_byte(uint32_t seq, uint32_t i)
{
	/* Destination 02:00:00:00:00:01 (our card), then source 02:00:00:00:00:02 (the peer):
	 * locally administered addresses, bit 1 of the first byte. */
	if (i < 12)
		return i % 6 == 0 ? 0x02 : i % 6 < 5 ? 0x00 : (uint8_t)(1 + i / 6);
	if (i < 14)
		return i == 12 ? DV_PEER_ETHERTYPE >> 8 : DV_PEER_ETHERTYPE & 0xFF;
	if (i < 18)
		return (uint8_t)(seq >> (8 * (17 - i))); /* the frame number, big-endian */
	/* Payload: a multiplicative hash of (seq, i), written down in docs/nic.md so that a test
	 * on the far side can recompute it. */
	uint32_t x = seq * 2654435761u + i * 40503u;
	x ^= x >> 13;
	x *= 0x5BD1E995u;
	x ^= x >> 15;
	return (uint8_t)x;
}

bool dv_peer_send(struct dv_sim *sim, uint16_t len)
{
	const struct dv_peer *p = &sim->st.peer;
	if (len < DV_PEER_MIN_FRAME || len > DV_PEER_MAX_FRAME || p->txq_count >= DV_PEER_TXQ)
		return false;
	dv_sim_set(sim, DV_SLOT_PEER_TXQ_LEN, (p->txq_head + p->txq_count) % DV_PEER_TXQ, len);
	set(sim, DV_SLOT_PEER_TXQ_COUNT, p->txq_count + 1u);
	return true;
}

/* The peer stores one byte of the frame our card sends; the wire's event already moved rx_cur
 * past it (dv_sim_wire_out). */
void dv_peer_take(struct dv_sim *sim, uint8_t byte)
{
	const struct dv_peer *p = &sim->st.peer;
	uint32_t slot = p->rx_count % DV_PEER_FRAMES, at = p->rx_cur - 1u;
	if (at == 0)
		dv_sim_set(sim, DV_SLOT_PEER_RX_LEN, slot, 0); /* the slot is being refilled */
	if (at < DV_FRAME_MAX)
		dv_sim_set(sim, DV_SLOT_PEER_RX_DATA, slot * DV_FRAME_MAX + at, byte);
}

void dv_peer_frame_done(struct dv_sim *sim)
{
	const struct dv_peer *p = &sim->st.peer;
	dv_sim_set(sim, DV_SLOT_PEER_RX_LEN, p->rx_count % DV_PEER_FRAMES, p->rx_cur);
	set(sim, DV_SLOT_PEER_RX_CUR, 0);
	set(sim, DV_SLOT_PEER_RX_COUNT, p->rx_count + 1u);
}

/* The frame stopped in the middle: the peer sees no valid end and throws the bytes away. */
void dv_peer_frame_abort(struct dv_sim *sim)
{
	const struct dv_peer *p = &sim->st.peer;
	if (p->rx_cur == 0)
		return;
	set(sim, DV_SLOT_PEER_RX_CUR, 0);
	set(sim, DV_SLOT_PEER_RX_ABORTED, p->rx_aborted + 1u);
}

bool dv_peer_on_wire(const struct dv_peer *p)
{
	return p->txq_count > 0 || p->tx_gap > 0;
}

bool dv_peer_transmit(struct dv_sim *sim, struct dv_wire_byte *out)
{
	const struct dv_peer *p = &sim->st.peer;
	if (p->tx_gap > 0) {
		set(sim, DV_SLOT_PEER_TX_GAP, p->tx_gap - 1u);
		return false;
	}
	if (p->txq_count == 0)
		return false;
	uint32_t len = p->txq_len[p->txq_head];
	uint32_t pos = p->tx_pos;
	uint32_t seq = p->tx_seq;
	uint8_t byte = dv_peer_byte(seq, pos);
	bool last = pos + 1 >= len;
	dv_sim_wire_in(sim, byte, !last); /* not the last byte: tx_pos moves with the event */
	if (last) {
		set(sim, DV_SLOT_PEER_TX_POS, 0);
		set(sim, DV_SLOT_PEER_TXQ_HEAD, (p->txq_head + 1u) % DV_PEER_TXQ);
		set(sim, DV_SLOT_PEER_TXQ_COUNT, p->txq_count - 1u);
		set(sim, DV_SLOT_PEER_TX_SEQ, seq + 1u);
		set(sim, DV_SLOT_PEER_TX_GAP, DV_PEER_GAP);
	}
	*out = (struct dv_wire_byte){ .byte = byte, .first = pos == 0, .last = last, .seq = seq };
	return true;
}

void dv_peer_reset(struct dv_sim *sim)
{
	for (uint32_t i = 0; i < DV_PEER_TXQ; i++)
		dv_sim_set(sim, DV_SLOT_PEER_TXQ_LEN, i, 0);
	set(sim, DV_SLOT_PEER_TXQ_HEAD, 0);
	set(sim, DV_SLOT_PEER_TXQ_COUNT, 0);
	set(sim, DV_SLOT_PEER_TX_POS, 0);
	set(sim, DV_SLOT_PEER_TX_GAP, 0);
	set(sim, DV_SLOT_PEER_TX_SEQ, 0);
	set(sim, DV_SLOT_PEER_RX_COUNT, 0);
	set(sim, DV_SLOT_PEER_RX_ABORTED, 0);
	set(sim, DV_SLOT_PEER_RX_CUR, 0);
	for (uint32_t f = 0; f < DV_PEER_FRAMES; f++) {
		dv_sim_set(sim, DV_SLOT_PEER_RX_LEN, f, 0);
		for (uint32_t i = 0; i < DV_FRAME_MAX; i++) {
			uint32_t at = f * DV_FRAME_MAX + i;
			if (sim->st.peer.rx_data[f][i]) /* skip the call for bytes already zero */
				dv_sim_set(sim, DV_SLOT_PEER_RX_DATA, at, 0);
		}
	}
}

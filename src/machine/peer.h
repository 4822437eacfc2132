/* dmaviz: the station at the other end of the NIC's wire. It takes the frames our card
 * sends and sends frames a lesson asks for (docs/nic.md, "Frames from the peer"). Its state
 * is struct dv_peer (state.h); the wire's clock belongs to the NIC (nic.c), which calls the
 * peer once per byte time in each direction.
 */
#ifndef DV_PEER_H
#define DV_PEER_H

#include <stdbool.h>
#include <stdint.h>

struct dv_sim;
struct dv_peer;

/* The frames the peer sends: destination 02:00:00:00:00:01 (our card), source
 * 02:00:00:00:00:02 (the peer), EtherType 0x88B5, the frame number big-endian, then payload
 * (docs/nic.md, "Frames from the peer"). The card itself does no address filtering. */
#define DV_PEER_ETHERTYPE 0x88B5u
#define DV_PEER_MIN_FRAME 60u
#define DV_PEER_MAX_FRAME 1514u
/* Idle byte-times between two frames the peer sends. */
#define DV_PEER_GAP 12u

/* The peer station queues a frame of len bytes (60..1514); false when its queue is full. */
bool dv_peer_send(struct dv_sim *sim, uint16_t len);
/* Byte i of the peer's frame number seq: a deterministic pattern the far side can check. */
uint8_t dv_peer_byte(uint32_t seq, uint32_t i);

/* Empty queues, no frame kept (part of the NIC's power-on reset). */
void dv_peer_reset(struct dv_sim *sim);
/* True while the peer has a frame to send or is in the gap after one. */
bool dv_peer_on_wire(const struct dv_peer *p);

/* NIC -> peer, one byte time: a byte of the frame (stored at rx_cur - 1: the wire's event
 * moved rx_cur, dv_sim_wire_out), its good end, or its abrupt stop (the peer sees no valid end
 * and throws the bytes away). */
void dv_peer_take(struct dv_sim *sim, uint8_t byte);
void dv_peer_frame_done(struct dv_sim *sim);
void dv_peer_frame_abort(struct dv_sim *sim);

/* Peer -> NIC, one byte time: true when a byte goes on the wire (recorded as a wire event);
 * first and last delimit the frame, seq is its number. */
struct dv_wire_byte {
	uint8_t byte;
	bool first, last;
	uint32_t seq;
};
bool dv_peer_transmit(struct dv_sim *sim, struct dv_wire_byte *out);

#endif

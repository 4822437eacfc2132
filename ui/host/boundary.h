/* dmaviz: the driver host's boundary, both sides (docs/driver-sdk.md, "The driver host"). A
 * learner's driver runs in its own process (dmaviz-driver-host); the trusted process (dmaviz)
 * keeps the simulator. They share one arena (a memfd mapped at the same address in both) and
 * talk over a SOCK_SEQPACKET socket: one struct dv_hmsg a message, strictly in turn.
 *
 * Every crossing is a row of ndis-calls.table; gen-host.py turns each row into the caller's
 * marshalling (dv_hc_*) and the receiver's checks (dv_hd_*). Pointers cross as they are (the
 * arena has the same address on both sides); what is not in the arena is copied into the
 * arena's scratch space, a stack that both sides grow in turn (a message carries its top). The
 * receiver on the trusted side takes nothing on trust: each pointer must lie inside the arena
 * with the bytes its kind needs, each buffer and packet is checked field by field. */
#ifndef DV_HOST_BOUNDARY_H
#define DV_HOST_BOUNDARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ndis.h"

#define DV_HOST_ARGS 10
#define DV_HOST_FILE_MAX 255u   /* the longest __FILE__ that crosses */
#define DV_HOST_NSTR_MAX 512u   /* the longest NDIS_STRING that crosses, in bytes */
#define DV_HOST_PACKETS_MAX 64u /* packets in one NdisMIndicateReceivePacket */
#define DV_HOST_CHAIN_MAX 64u   /* buffers in one packet */

enum dv_hmsg_kind {
	DV_HM_HELLO,    /* host → trusted: the module loaded (ret 1) or not (text says why) */
	DV_HM_CALL,     /* host → trusted: the driver called NDIS function fn */
	DV_HM_CALLBACK, /* trusted → host: call the driver's entry point fn */
	DV_HM_RETURN,   /* either way: the call or callback returned ret */
	DV_HM_FAULT,    /* host → trusted: a fatal signal (a[0] signal, a[1] pc, a[2] address,
	                 * a[3] the module's load base, a[4] the system call of a SIGSYS, a[5]
	                 * outside the module: the return address into it found on the stack) */
};

struct dv_hmsg {
	uint32_t kind, fn;
	uint64_t sp;  /* the scratch space in use: below this address */
	uint64_t ret; /* DV_HM_RETURN: the value returned */
	uint64_t a[DV_HOST_ARGS];
	char text[256];
};

/* One side: its socket, the arena as mapped here, and the scratch stack. */
struct dv_hside {
	int fd;
	uint8_t *base;
	size_t size;
	uint8_t *scratch; /* [scratch, base + size) is the scratch space */
	uint8_t *sp;      /* its first free byte */
	/* the side's own loop: receive the next message (false: the other side is gone),
	 * dispatch a call or callback that arrives while waiting for a return */
	bool (*recv)(struct dv_hside *s, struct dv_hmsg *m);
	bool (*dispatch)(struct dv_hside *s, const struct dv_hmsg *in, struct dv_hmsg *out);
	/* a dispatch that refused an argument writes why here */
	char why[256];
	void *ctx;
};

/* The side the generated functions use (the NDIS functions and entry points have their real
 * signatures, so they cannot be given one). */
extern struct dv_hside *dv_hside_current;

bool dv_hside_send(struct dv_hside *s, const struct dv_hmsg *m);
/* Sends m, then serves what arrives until its DV_HM_RETURN (false: the other side is gone). */
bool dv_hside_exchange(struct dv_hside *s, struct dv_hmsg *m, struct dv_hmsg *reply);
/* Whether [p, p + n) lies inside the arena. */
bool dv_hside_holds(const struct dv_hside *s, const void *p, size_t n);

/* ---- the caller: a call or callback being marshalled ---- */
struct dv_hcall {
	struct dv_hside *s;
	struct dv_hmsg m, reply;
	uint8_t *sp0;
	void *copy[DV_HOST_ARGS]; /* where argument i was copied in scratch, or NULL */
	bool ok;                  /* the exchange completed */
};

void dv_hc_begin(struct dv_hcall *c, struct dv_hside *s, enum dv_hmsg_kind kind, uint32_t fn);
void dv_hc_val(struct dv_hcall *c, unsigned i, uint64_t v);
void dv_hc_ptr(struct dv_hcall *c, unsigned i, const void *p);
/* Copies n bytes at p into scratch and passes the copy (p NULL: NULL). */
void dv_hc_copy(struct dv_hcall *c, unsigned i, const void *p, size_t n);
/* Driver memory of n bytes: a simulated VA or the arena crosses as it is, else a copy. */
void dv_hc_mem(struct dv_hcall *c, unsigned i, const void *p, size_t n);
void dv_hc_file(struct dv_hcall *c, unsigned i, const char *file);
void dv_hc_nstr(struct dv_hcall *c, unsigned i, const NDIS_STRING *str);
/* Sends the call and waits for its return; false when the other side is gone. */
bool dv_hc_run(struct dv_hcall *c);
/* Copies argument i's scratch copy back to dst (n bytes). */
void dv_hc_back(struct dv_hcall *c, unsigned i, void *dst, size_t n);
uint64_t dv_hc_end(struct dv_hcall *c);

/* ---- the receiver: checks an argument, false (and s->why) when it is refused ---- */
struct dv_hdisp {
	struct dv_hside *s;
	const struct dv_hmsg *in;
	const char *call; /* its name, for the refusal */
	bool ok;
};

void dv_hd_begin(struct dv_hdisp *d, struct dv_hside *s, const struct dv_hmsg *in,
                 const char *call);
uint64_t dv_hd_val(struct dv_hdisp *d, unsigned i);
void *dv_hd_handle(struct dv_hdisp *d, unsigned i);
void *dv_hd_ptr(struct dv_hdisp *d, unsigned i, size_t n);
void *dv_hd_mem(struct dv_hdisp *d, unsigned i, uint64_t n);
const char *dv_hd_file(struct dv_hdisp *d, unsigned i);
PNDIS_STRING dv_hd_nstr(struct dv_hdisp *d, unsigned i);
PNDIS_BUFFER dv_hd_buf(struct dv_hdisp *d, unsigned i);
PNDIS_PACKET dv_hd_pkt(struct dv_hdisp *d, unsigned i);
PPNDIS_PACKET dv_hd_pkts(struct dv_hdisp *d, unsigned i, uint64_t count);
void *dv_hd_arr(struct dv_hdisp *d, unsigned i, uint64_t count, size_t each);
/* Ends the dispatch: restores the scratch stack. */
void dv_hd_end(struct dv_hdisp *d);

/* Whether a pointer is a simulated virtual address (the DMA window, dvndis.h). */
bool dv_host_is_sim_va(const void *p);

/* The generated parts (gen-host.py). Names of the calls and callbacks, by number. */
extern const char *const dv_host_call_names[];
extern const unsigned dv_host_ncalls;
extern const char *const dv_host_cb_names[];
extern const unsigned dv_host_ncbs;
/* Which argument of each call is its __FILE__ (-1: none); its __LINE__ is the next. */
extern const int dv_host_call_file_arg[];

#endif

/* dmaviz: the NDIS context's insides, for the core only (ndis.c, the engine, the quiz) and
 * its white-box tests. Front ends see struct dv_ndis as an opaque handle (dvndis.h); like
 * SameBoy's GB_INTERNAL, including this without DV_CORE_INTERNAL (which only the core library
 * and the unit tests define, src/meson.build) is a compile error. */
#ifndef DV_NDIS_INT_H
#define DV_NDIS_INT_H

#ifndef DV_CORE_INTERNAL
#error "ndis_int.h belongs to the core: front ends use the functions of dvndis.h"
#endif

#include "dvndis.h"
#include "hal.h"

/* The miniport's configuration (its Parameters key): keyword -> integer, what
 * NdisReadConfiguration reads. */
#define DV_NDIS_CONFIG_MAX 8u
struct dv_ndis_param {
	char keyword[32];
	uint32_t value;
};

/* What a configuration handle points at: one per context, open or not. */
struct dv_ndis_config {
	struct dv_ndis_param param[DV_NDIS_CONFIG_MAX];
	uint32_t nparam;
	bool open;
	NDIS_CONFIGURATION_PARAMETER out; /* what NdisReadConfiguration hands back */
};

/* A DMA handle's object: the public NDIS_DMA_BLOCK first, then what NDIS keeps. */
struct dv_dma_handle {
	NDIS_DMA_BLOCK block;
	uint32_t magic;
	bool registered;
	struct dv_adapter *adapter;
	uint8_t channel;
	/* The parameters of the transfer in progress, for Complete to compare. */
	PNDIS_BUFFER buffer;
	uint32_t offset, length;
	bool write_to_device;
	uint16_t setup_loc;
	uint32_t setup_rec;  /* the Setup's call record, for the verifier's messages */
	bool direction_told; /* dma-direction fired for this transfer */
};

/* What the protocol above the miniport received. */
#define DV_NDIS_RX_LOG 16u
struct dv_rx_frame {
	uint16_t len;
	uint32_t cycle;
	uint8_t data[1536];
};

/* A packet the protocol sent, and what became of it. */
struct dv_tx_packet {
	PNDIS_PACKET packet;
	uint32_t seq;
	uint32_t length;
	bool completed;
	int32_t status;
	uint32_t completed_cycle;
};

struct dv_ndis {
	struct dv_sim *sim;
	struct dv_hal hal;
	enum dv_phase phase;
	/* the miniport */
	NDIS_MINIPORT_CHARACTERISTICS chars;
	bool have_chars;
	NDIS_HANDLE context; /* MiniportAdapterContext */
	bool irq_registered;
	unsigned irq;
	struct dv_dma_handle *handles[8];
	size_t nhandles;
	/* memory */
	uint32_t va_map[DV_VA_PAGES]; /* virtual page -> physical page + 1, 0 = unmapped */
	uint32_t va_next;             /* next free virtual page (bump allocator) */
	uint8_t phys_used[DV_MEM_PAGES / 8];
	void **host_allocs; /* every host allocation made for the driver */
	size_t nhost, host_cap;
	/* calls */
	struct dv_call_record *rec;
	size_t nrec, rec_cap;
	int32_t last_status;
	uint32_t last_record;
	struct dv_ndis_config config;
	/* protocol side */
	struct dv_tx_packet tx[32];
	uint32_t ntx;
	uint32_t tx_seq;
	struct dv_rx_frame rx[DV_NDIS_RX_LOG];
	uint32_t nrx; /* total frames indicated (the log keeps the last DV_NDIS_RX_LOG) */
	/* verifier */
	uint32_t fired[DV_RULE_COUNT];
	uint32_t violations;
	int last_rule; /* -1 none */
	bool strict;
};

#endif

/* dmaviz: the HAL's adapter objects inside, for the core only (see ndis_int.h). */
#ifndef DV_HAL_INT_H
#define DV_HAL_INT_H

#ifndef DV_CORE_INTERNAL
#error "hal_int.h belongs to the core: front ends use the functions of hal.h"
#endif

#include <stdbool.h>
#include <stdint.h>

#include "ndis.h"

struct dv_adapter {
	bool in_use;
	uint8_t channel;
	bool width16;
	bool demand;
	bool autoinit;
	uint32_t max_length;
	uint32_t map_registers;
	uint8_t mode; /* precomputed: channel, auto-init, demand/single; type per transfer */
	uint32_t bounce_phys; /* this channel's map-register buffers */
	/* The current mapping (set by IoMapTransfer, cleared by IoFlushAdapterBuffers). */
	bool mapped;
	bool bounced;
	bool write_to_device;
	const MDL *mdl;
	uint32_t offset, length;
	uint32_t phys;     /* the physical address programmed into the 8237 */
	uint32_t would_be; /* for a bounced range: the address the buffer itself has */
};

struct dv_hal {
	struct dv_adapter adapter[8];
};

#endif

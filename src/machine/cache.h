/* dmaviz: the non-coherent write-back CPU cache (off by default, as on x86; NT's MIPS and
 * Alpha ports needed KeFlushIoBuffers) and physical memory as the CPU and the DMA see it.
 *
 * The access functions keep their dv_sim_ names and are declared in sim.h; the cache's lines
 * live in struct dv_state (state.h: struct dv_cache), so keyframes copy them.
 */
#ifndef DV_CACHE_H
#define DV_CACHE_H

#include <stdint.h>

struct dv_sim;

/* The bits of cache.flags[line]. */
#define DV_CACHE_VALID 1u
#define DV_CACHE_DIRTY 2u

/* What a CPU read of addr would return, without filling a line or recording anything: a
 * valid cached line wins over memory. 0xFF outside installed memory. */
uint8_t dv_sim_cpu_peek(const struct dv_sim *sim, uint32_t addr);

#endif

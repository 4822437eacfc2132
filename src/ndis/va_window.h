/* dmaviz: where simulated kernel virtual addresses live: a window no host pointer falls into,
 * so a driver that dereferences one crashes instead of reading host memory. The NDIS layer
 * maps it (ndis_mem.c); the driver host only asks whether a pointer is in it (ui/host). */
#ifndef DV_VA_WINDOW_H
#define DV_VA_WINDOW_H

#include <stdbool.h>
#include <stdint.h>

#define DV_VA_PAGES 16384u /* 64 MiB of virtual space */
#define DV_VA_PAGE_BYTES 4096u

/* The window's first address: far above any user-space pointer. */
static inline uintptr_t dv_va_window_base(void)
{
	return UINTPTR_MAX > 0xFFFFFFFFu ? (uintptr_t)0xFFFF800000000000ull :
	                                   (uintptr_t)0xC0000000u;
}

static inline bool dv_va_window_holds(const void *va)
{
	uintptr_t p = (uintptr_t)va;
	return p >= dv_va_window_base() &&
	       p - dv_va_window_base() < (uintptr_t)DV_VA_PAGES * DV_VA_PAGE_BYTES;
}

#endif

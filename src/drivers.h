/* dmaviz: the drivers built into dmaviz, by name. A lesson's `driver reference` loads the
 * row named "reference"; a new built-in miniport is one row in src/miniport/builtin.c. */
#ifndef DV_DRIVERS_H
#define DV_DRIVERS_H

#include <stddef.h>

#include "ndis.h"

struct dv_builtin_driver {
	const char *name;      /* what lessons call it */
	const char *what;      /* one line for people */
	DV_DRIVER_ENTRY entry; /* its DriverEntry */
};

/* The table and its length (*n). */
const struct dv_builtin_driver *dv_builtin_drivers(size_t *n);
/* The DriverEntry of the built-in driver called name, or NULL. */
DV_DRIVER_ENTRY dv_builtin_driver(const char *name);

#endif

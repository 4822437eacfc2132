/* dmaviz: the table of built-in drivers (src/drivers.h): the miniports of this folder. */
#include <string.h>

#include "drivers.h"
#include "dvmini.h"
#include "irsim.h"

static const struct dv_builtin_driver builtin[] = {
	{ "reference", "the reference miniport for the dmaviz card (dvmini.c)", DvMiniDriverEntry },
	{ "irsim", "a DDK-style IrDA-like miniport for the same card (irsim.c)", IrSimDriverEntry },
};

const struct dv_builtin_driver *dv_builtin_drivers(size_t *n)
{
	*n = sizeof builtin / sizeof builtin[0];
	return builtin;
}

DV_DRIVER_ENTRY dv_builtin_driver(const char *name)
{
	for (size_t i = 0; name && i < sizeof builtin / sizeof builtin[0]; i++)
		if (strcmp(builtin[i].name, name) == 0)
			return builtin[i].entry;
	return NULL;
}

/* dmaviz: loading a learner's driver module (driver.h). */
#define _GNU_SOURCE
#include "driver.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "files.h"
#include "lesson.h"

bool dv_driver_open(struct dv_driver *d, const char *path, char *err, size_t errsize)
{
	memset(d, 0, sizeof *d);
	d->path = path;
	/* dlopen searches the library path for a name without a slash: a file name on the
	 * command line means the file. */
	char buf[4096];
	const char *p = path;
	if (!strchr(path, '/')) {
		snprintf(buf, sizeof buf, "./%s", path);
		p = buf;
	}
	dlerror();
	d->handle = dlopen(p, RTLD_NOW | RTLD_LOCAL);
	if (!d->handle) {
		const char *e = dlerror();
		snprintf(err, errsize, "%s: cannot load the driver: %s", path,
		         e ? e : "unknown error");
		return false;
	}
	dlerror();
	void *entry = dlsym(d->handle, "DriverEntry");
	if (!entry) {
		snprintf(err, errsize,
		         "%s: the driver does not export the symbol 'DriverEntry' "
		         "(NDIS_STATUS DriverEntry(PVOID DriverObject, PVOID RegistryPath))",
		         path);
		dv_driver_close(d);
		return false;
	}
	const int *abi = dlsym(d->handle, "DvDriverAbiVersion");
	if (!abi) {
		snprintf(err, errsize,
		         "%s: the driver does not export the symbol 'DvDriverAbiVersion' "
		         "(write DV_DRIVER_EXPORT_ABI; once in the driver, see docs/driver-sdk.md)",
		         path);
		dv_driver_close(d);
		return false;
	}
	if (*abi != DV_NDIS_ABI_VERSION) {
		snprintf(err, errsize,
		         "%s: 'DvDriverAbiVersion' is %d, this dmaviz has NDIS ABI version %d: "
		         "rebuild the driver against this dmaviz's ndis.h",
		         path, *abi, DV_NDIS_ABI_VERSION);
		dv_driver_close(d);
		return false;
	}
	/* ISO C forbids converting an object pointer to a function pointer; POSIX requires that
	 * dlsym's result can be. */
	memcpy(&d->entry, &entry, sizeof d->entry);
	return true;
}

void dv_driver_close(struct dv_driver *d)
{
	if (d->handle)
		dlclose(d->handle);
	d->handle = NULL;
	d->entry = NULL;
}

bool dv_driver_fits(const struct dv_lesson *L, const char *path, const char *driver_path, char *err,
                    size_t errsize)
{
	if (L->driver == DV_DRIVER_FILE)
		return true;
	const char *what = L->driver == DV_DRIVER_REFERENCE ?
	                           "runs the reference driver ('driver reference')" :
	                           "plays the driver itself ('driver none')";
	if (L->driver_line)
		snprintf(err, errsize,
		         "%s:%u: error: --driver %s given, but this lesson %s: only a lesson with "
		         "'driver file' runs a learner's driver",
		         path, (unsigned)L->driver_line, driver_path, what);
	else
		snprintf(err, errsize,
		         "%s: error: --driver %s given, but this lesson has no 'driver file' line "
		         "and %s: only a lesson with 'driver file' runs a learner's driver",
		         path, driver_path, what);
	return false;
}

bool dv_driver_fits_file(const char *path, const char *driver_path, char *err, size_t errsize)
{
	struct dv_msgs msgs;
	dv_msgs_init(&msgs);
	struct dv_lesson *L = dv_lesson_load(path, &msgs);
	dv_msgs_finish(&msgs);
	bool fits = !L || dv_driver_fits(L, path, driver_path, err, errsize);
	dv_lesson_free(L);
	return fits;
}

/* dmaviz: a learner's driver module, run in a driver host (driver.h, ui/host/trusted.h). */
#define _GNU_SOURCE
#include "driver.h"

#include <stdio.h>
#include <string.h>

#include "trusted.h"

#include "files.h"
#include "lesson.h"

bool dv_driver_open(struct dv_driver *d, const char *path, char *err, size_t errsize)
{
	memset(d, 0, sizeof *d);
	d->path = path;
	/* Loaded once in a driver host to check it; each run starts a fresh host (trusted.h). */
	if (!dv_host_module(path, err, errsize))
		return false;
	d->entry = dv_host_driver_entry;
	return true;
}

void dv_driver_close(struct dv_driver *d)
{
	if (d->entry)
		dv_host_stop();
	d->entry = NULL;
}

bool dv_driver_fits(const struct dv_lesson *L, const char *path, const char *driver_path, char *err,
                    size_t errsize)
{
	if (L->driver == DV_DRIVER_FILE)
		return true;
	char builtin[64];
	const char *name = L->driver_name ? L->driver_name : "";
	snprintf(builtin, sizeof builtin, "runs the %s driver ('driver %s')", name, name);
	const char *what = L->driver == DV_DRIVER_BUILTIN ?
	                           builtin :
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

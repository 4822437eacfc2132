/* dmaviz: a learner's driver module (a .so). It never runs in dmaviz's process: each run of it
 * starts a driver host (ui/host/trusted.h) that loads it in a cage, and every NDIS call and
 * callback crosses as a message. A lesson run on it in a child (grade, check, the pre-flight)
 * is cmd_grade.h's. */
#ifndef DV_UI_DRIVER_H
#define DV_UI_DRIVER_H

#include <stdbool.h>
#include <stddef.h>

#include "ndis.h"

struct dv_driver {
	DV_DRIVER_ENTRY entry; /* the trusted side's DriverEntry: starts a host, calls its own */
	const char *path;
};

/* Loads the module once in a driver host, which looks up DriverEntry and DvDriverAbiVersion.
 * On failure writes "PATH: ..." (naming the missing symbol or the ABI mismatch) to err and
 * returns false. One module at a time: opening another replaces it. */
bool dv_driver_open(struct dv_driver *d, const char *path, char *err, size_t errsize);
void dv_driver_close(struct dv_driver *d);

struct dv_lesson;
/* Whether the lesson at path (parsed: L) runs a learner's driver, its `driver file` line. When
 * it does not (it runs the reference driver, or plays the driver itself), a --driver given with
 * it would be ignored: false, and err says so, "PATH:LINE: error: ..." naming the lesson's
 * `driver` line and driver_path. */
bool dv_driver_fits(const struct dv_lesson *L, const char *path, const char *driver_path, char *err,
                    size_t errsize);
/* The same for the lesson file at path, read here; a file that cannot be read or does not
 * parse counts as fitting (the run that follows reports it). */
bool dv_driver_fits_file(const char *path, const char *driver_path, char *err, size_t errsize);

#endif

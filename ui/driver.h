/* dmaviz: loading a learner's driver module (a .so) and running untrusted driver code in a
 * child process with CPU, memory and wall-clock limits. Front-end business: the core never
 * calls dlopen or fork. */
#ifndef DV_UI_DRIVER_H
#define DV_UI_DRIVER_H

#include <stdbool.h>
#include <stddef.h>

#include "ndis.h"

struct dv_driver {
	void *handle;
	DV_DRIVER_ENTRY entry;
	const char *path;
};

/* dlopen(path, RTLD_NOW | RTLD_LOCAL) and looks up DriverEntry and DvDriverAbiVersion.
 * On failure writes "PATH: ..." (naming the missing symbol or the ABI mismatch) to err and
 * returns false. */
bool dv_driver_open(struct dv_driver *d, const char *path, char *err, size_t errsize);
void dv_driver_close(struct dv_driver *d);

/* ---- isolation ------------------------------------------------------------------------------- */

struct dv_iso_limits {
	unsigned cpu_seconds;	/* RLIMIT_CPU; 0 = 2 */
	size_t as_bytes;	/* RLIMIT_AS; 0 = 512 MiB (not applied under AddressSanitizer) */
	unsigned wall_seconds;	/* the parent kills the child after this; 0 = 5 * cpu + 5 */
};

struct dv_iso_outcome {
	bool exited;	      /* the child returned from fn and exited */
	int exit_code;	      /* fn's return value (0-255) */
	int signal;	      /* the signal that ended the child, 0 = none */
	bool cpu_exceeded;    /* it ran out of CPU time (SIGXCPU, or SIGKILL at the hard limit) */
	bool wall_exceeded;   /* the parent killed it after wall_seconds */
	char *output;	      /* everything fn wrote to its fd, NUL-terminated (malloc'd) */
	size_t len;
};

/* Runs fn(ctx, fd) in a forked child under the limits; fn writes its report to fd and returns
 * an exit code. Returns false when the child could not be started (errno set). */
bool dv_isolate(int (*fn)(void *ctx, int fd), void *ctx, const struct dv_iso_limits *lim,
                struct dv_iso_outcome *out);
void dv_iso_outcome_free(struct dv_iso_outcome *out);

/* "SIGSEGV", "SIGXCPU", ... or "signal N". */
const char *dv_signal_name(int sig, char *buf, size_t size);

#endif

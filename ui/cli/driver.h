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

/* ---- pre-flight ------------------------------------------------------------------------------ */

/* Front ends that run a learner's driver in their own process (the terminal UI, `dmaviz trace`,
 * the SDL window) first run the lesson at lesson_path once in a child under dv_isolate's
 * default limits (2 s of CPU), exactly as `dmaviz check` does, so that a driver that crashes,
 * loops or calls exit() is reported instead of taking the screen down with it.
 *
 * True: safe to run it here (it ran to the end; its expectations may still fail, which the
 * front end shows). False: it did not, and msg (snprintf semantics) says why in one line, e.g.
 * "./driver.so, running 03-send.lesson, crashed with SIGSEGV at step 2 \"Send\"; nothing was
 * shown (run `dmaviz check --driver ./driver.so lessons/03-send.lesson` for details)"; print it
 * after "dmaviz: " and exit 2. Also true when there is nothing to check (d or its entry NULL)
 * or no child could be started (the run goes on in-process, as it did before). Costs one more
 * run of the lesson, in the child. */
bool dv_driver_preflight(const struct dv_driver *d, const char *lesson_path, char *msg, size_t msglen);

/* "SIGSEGV", "SIGXCPU", ... or "signal N". */
const char *dv_signal_name(int sig, char *buf, size_t size);

#endif

/* dmaviz: running untrusted code (a learner's driver) in a forked child under CPU, memory and
 * wall-clock limits, collecting what it wrote and saying how it ended. Front-end business: the
 * core never forks. Used by the lesson runs of cmd_grade.c (grade, check, the pre-flight). */
#ifndef DV_UI_ISOLATE_H
#define DV_UI_ISOLATE_H

#include <stdbool.h>
#include <stddef.h>

struct dv_iso_limits {
	unsigned cpu_seconds;  /* RLIMIT_CPU; 0 = 2 */
	size_t as_bytes;       /* RLIMIT_AS; 0 = 512 MiB (not applied under AddressSanitizer) */
	unsigned wall_seconds; /* the parent kills the child after this; 0 = 5 * cpu + 5 */
};

struct dv_iso_outcome {
	bool exited;        /* the child returned from fn and exited */
	int exit_code;      /* fn's return value (0-255) */
	int signal;         /* the signal that ended the child, 0 = none */
	bool cpu_exceeded;  /* it ran out of CPU time (SIGXCPU, or SIGKILL at the hard limit) */
	bool wall_exceeded; /* the parent killed it after wall_seconds */
	char *output;       /* everything fn wrote to its fd, NUL-terminated (malloc'd) */
	size_t len;
	struct dv_iso_limits limits; /* the limits applied, defaults filled in */
};

/* Runs fn(ctx, fd) in a forked child under the limits; fn writes its report to fd and returns
 * an exit code. Returns false when the child could not be started (errno set). */
bool dv_isolate(int (*fn)(void *ctx, int fd), void *ctx, const struct dv_iso_limits *lim,
                struct dv_iso_outcome *out);
void dv_iso_outcome_free(struct dv_iso_outcome *out);

/* How a child ended, from the caller's side: a verdict is an exit code the caller's protocol
 * knows (0..max_verdict); anything else means the code under test took the process down. */
enum dv_iso_end {
	DV_ISO_VERDICT, /* exited with 0..max_verdict */
	DV_ISO_EXIT,    /* exited with another code: the code called exit() itself */
	DV_ISO_CPU,     /* ran out of CPU time (an endless loop) */
	DV_ISO_WALL,    /* killed after the wall-clock limit (blocked, or sleeping) */
	DV_ISO_CRASH,   /* ended by a signal */
};

enum dv_iso_end dv_iso_classify(const struct dv_iso_outcome *out, int max_verdict);

/* For an end other than DV_ISO_VERDICT, why in words without a subject, where (" at step 2
 * \"Send\"", or "") appended: "crashed with SIGSEGV at step 2 ...", "exceeded 2 s of CPU time
 * ... (an endless loop?)", "ended the process with exit(7)", "did not finish within the
 * wall-clock limit". An empty string for a verdict. snprintf semantics. */
void dv_iso_why(const struct dv_iso_outcome *out, int max_verdict, const char *where, char *buf,
                size_t size);

/* "SIGSEGV", "SIGXCPU", ... or "signal N". */
const char *dv_signal_name(int sig, char *buf, size_t size);

#endif

/* dmaviz: running untrusted code (a learner's driver) in a forked child under CPU, memory and
 * wall-clock limits, in its own process group and a Landlock cage, collecting its report and,
 * apart from it, what it printed (capped), saying how it ended, and killing every process it
 * left behind before returning. Front-end business: the core never forks. Used by the lesson
 * runs of cmd_grade.c (grade, check, the pre-flight). */
#ifndef DV_UI_ISOLATE_H
#define DV_UI_ISOLATE_H

#include <stdbool.h>
#include <stddef.h>

struct dv_iso_limits {
	unsigned cpu_seconds; /* RLIMIT_CPU; 0 = 2 */
	unsigned cpu_named; /* the seconds dv_iso_why names (the driver's part); 0 = cpu_seconds */
	size_t as_bytes;    /* RLIMIT_AS; 0 = 512 MiB (not applied under AddressSanitizer) */
	unsigned wall_seconds; /* the parent kills the child after this; 0 = 5 * cpu + 5 */
	size_t output_cap;     /* bytes of the child's stdout and stderr kept; 0 = 64 KiB */
	/* Regular files the child may read besides the system's directories (/usr, /lib*,
	 * /etc): the driver module, a test's compare file. NULL-terminated, or NULL. */
	const char *const *readable;
	const char *const *runnable; /* files it may also execute (the driver host), NULL-ended */
};

struct dv_iso_outcome {
	bool exited;        /* the child exited (by itself: see returned) */
	int exit_code;      /* its exit status (0-255): fn's return value when returned */
	bool returned;      /* fn returned: the exit was not code under test calling exit() */
	int signal;         /* the signal that ended the child, 0 = none */
	bool cpu_exceeded;  /* it ran out of CPU time (SIGXCPU, or SIGKILL at the hard limit) */
	bool wall_exceeded; /* the parent killed it after wall_seconds */
	double cpu_used;    /* its CPU seconds (user + system), children it reaped included */
	char *output;       /* everything fn wrote to its fd, NUL-terminated (malloc'd) */
	size_t len;
	char *printed;      /* the first output_cap bytes of its stdout and stderr (malloc'd,
	                      * NUL-terminated; may hold NUL bytes: printed_len counts them) */
	size_t printed_len; /* bytes kept */
	size_t dropped;     /* bytes printed beyond the cap: read, counted and thrown away */
	unsigned leftovers; /* processes of the child still alive when it ended, all killed */
	bool caged;         /* the Landlock cage was applied (a kernel without it: false) */
	struct dv_iso_limits limits; /* the limits applied, defaults filled in */
};

/* Runs fn(ctx, fd) in a forked child under the limits; fn writes its report to fd and returns
 * an exit code. The child is the leader of its own process group, has stdin on /dev/null,
 * stdout and stderr on a pipe the parent reads without ever blocking it, no other descriptor
 * of the caller's, and (Landlock, where the kernel has it) may not write or delete any file,
 * execute one other than `runnable` (the driver host), read outside the system's directories and `readable`, connect or bind TCP
 * sockets, or signal a process outside its cage. The calling process becomes a child
 * subreaper (PR_SET_CHILD_SUBREAPER): when the child has ended, its process group and every
 * process it left (daemons that setsid() away end up the caller's children) are killed with
 * SIGKILL and reaped before dv_isolate returns, so nothing of the child outlives the call.
 * Returns false when the child could not be started (errno set). */
bool dv_isolate(int (*fn)(void *ctx, int fd), void *ctx, const struct dv_iso_limits *lim,
                struct dv_iso_outcome *out);
void dv_iso_outcome_free(struct dv_iso_outcome *out);

/* Makes the caller a child subreaper, then kills (SIGKILL) and reaps every child it has,
 * and the children they leave, until none is left; how many. For a process whose children
 * are all untrusted (a grade worker, the grader once its workers have ended). */
unsigned dv_iso_kill_children(void);

/* The limits as applied to the calling process (no core files, RLIMIT_CPU with SIGXCPU at
 * cpu_seconds and SIGKILL one second on, RLIMIT_AS): dv_isolate's child calls it, and so does
 * any process that runs a learner's code (the driver host). Defaults filled in. */
void dv_iso_apply_limits(const struct dv_iso_limits *lim);

/* How a child ended, from the caller's side: a verdict is an exit code the caller's protocol
 * knows (0..max_verdict) after fn returned; anything else means the code under test took the
 * process down. */
enum dv_iso_end {
	DV_ISO_VERDICT, /* fn returned 0..max_verdict */
	DV_ISO_EXIT,    /* the process exited without fn returning (exit(), exec) */
	DV_ISO_CPU,     /* ran out of CPU time (an endless loop) */
	DV_ISO_WALL,    /* killed after the wall-clock limit (blocked, or sleeping) */
	DV_ISO_CRASH,   /* ended by a fault signal (SIGSEGV, SIGABRT, ...) */
	DV_ISO_KILLED,  /* ended by another signal it did not get from the limits (SIGKILL) */
};

enum dv_iso_end dv_iso_classify(const struct dv_iso_outcome *out, int max_verdict);

/* For an end other than DV_ISO_VERDICT, why in words without a subject, the step (" 2
 * \"Send\"", or "") appended: "crashed with SIGSEGV at step 2 ...", "was killed by SIGKILL at
 * step 2 ...", "exceeded 2 s of CPU time at step ... (an endless loop?)", "exited with status
 * 1 during step 2 ...", "did not finish within the wall-clock limit at step ...". An empty
 * string for a verdict. snprintf semantics. */
void dv_iso_why(const struct dv_iso_outcome *out, int max_verdict, const char *step, char *buf,
                size_t size);

/* "SIGSEGV", "SIGXCPU", ... or "signal N". */
const char *dv_signal_name(int sig, char *buf, size_t size);

#endif

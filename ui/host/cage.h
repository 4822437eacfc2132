/* dmaviz: the driver host's cage, in two steps (docs/driver-sdk.md, "The cage"). The limits
 * (RLIMIT_CPU, RLIMIT_AS, no core files, RLIMIT_NPROC 0) are set by dmaviz before it execs the
 * host (trusted.c); these are the host's own.
 *
 * dv_cage_for_loading, before the module is loaded (its constructors run inside): no new
 * privileges, Landlock over the whole file system (nothing can be opened by path), and a
 * seccomp allow-list in which anything else traps with SIGSYS: no sockets, no exec, no fork or
 * clone, no setrlimit/prlimit, no kill of another process, open only for reading.
 * dv_cage_for_running, once the module is loaded, before the driver's first call: no more
 * open at all, no mmap or mprotect that makes memory executable. */
#ifndef DV_HOST_CAGE_H
#define DV_HOST_CAGE_H

#include <stdbool.h>
#include <stddef.h>

/* False, and why (snprintf semantics), when a step could not be taken: the host then refuses
 * to load the driver. */
bool dv_cage_for_loading(char *why, size_t size);
bool dv_cage_for_running(char *why, size_t size);

#endif

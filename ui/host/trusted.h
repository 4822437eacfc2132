/* dmaviz: the trusted process's side of the driver host's boundary (the generated dispatch and
 * callbacks, and trusted.c: starting a host, its arena, how it ended). Front-end business: the
 * core never forks. */
#ifndef DV_HOST_TRUSTED_H
#define DV_HOST_TRUSTED_H

#include "boundary.h"

/* Serves a DV_HM_CALL: checks every argument, then calls the real NDIS function (generated).
 * False, and s->why, when an argument is refused. */
bool dv_trusted_dispatch(struct dv_hside *s, const struct dv_hmsg *in, struct dv_hmsg *out);
/* The DriverEntry that calls the host's (generated), and the handlers that call the host's in
 * place of the host's own pointers (which mean nothing here). */
extern const DV_DRIVER_ENTRY dv_trusted_entry;
void dv_trusted_chars_fill(PNDIS_MINIPORT_CHARACTERISTICS c,
                           const NDIS_MINIPORT_CHARACTERISTICS *in);
/* The `chars` kind: the characteristics the host sent, copied, with dv_trusted_chars_fill's
 * handlers (trusted.c). */
PNDIS_MINIPORT_CHARACTERISTICS dv_trusted_chars(struct dv_hdisp *d, unsigned i);
/* The `fn` kind (trusted.c): the driver's function fn and its context *ctx become our
 * trampoline and, in *ctx, the pair; the trampoline calls the generated callback below, which
 * runs fn in the host. NULL (and d refused) when the table of pairs is full. */
PNDIS_TIMER_FUNCTION dv_trusted_fn_PNDIS_TIMER_FUNCTION(struct dv_hdisp *d, void *fn, PVOID *ctx);
W_SYNCHRONIZE_INTERRUPT_HANDLER dv_trusted_fn_W_SYNCHRONIZE_INTERRUPT_HANDLER(struct dv_hdisp *d,
                                                                              void *fn, PVOID *ctx);
VOID dv_trusted_cb_TimerFunction(PNDIS_TIMER_FUNCTION a0, PVOID a1, PVOID a2, PVOID a3, PVOID a4);
BOOLEAN dv_trusted_cb_SynchronizeFunction(W_SYNCHRONIZE_INTERRUPT_HANDLER a0, PVOID a1);

/* The DriverEntry a learner's module gets in the trusted process: starts a fresh driver host
 * for the module dv_host_module named, gives the bound NDIS context its arena, then calls the
 * host's DriverEntry. */
NTSTATUS dv_host_driver_entry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath);
/* Names the module the next dv_host_driver_entry loads (copied). Loads it once in a host to
 * check it (DriverEntry, DvDriverAbiVersion): false and "PATH: ..." in err when it cannot. */
bool dv_host_module(const char *path, char *err, size_t errsize);
/* The driver host's executable: $DMAVIZ_DRIVER_HOST, beside this executable, or libexecdir.
 * False when none is there (buf holds the last place tried). */
bool dv_host_exe(char *buf, size_t size);
/* The CPU seconds a host may use (RLIMIT_CPU, charged to the driver alone; default 2): the
 * grade and check runs set their --cpu-limit. */
void dv_host_set_cpu_limit(unsigned seconds);
/* Stops the running host, if any. */
void dv_host_stop(void);

/* How the trusted side words a fault the host reported (exposed for tests): symbolizes pc in
 * the module at path (libdw) and says what the driver did. */
void dv_host_describe_fault(const char *path, const struct dv_hmsg *m, const char *last_call,
                            char *buf, size_t size);

#endif

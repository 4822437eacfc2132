/* dmaviz: the trusted process's side of the driver host (trusted.h): the arena, starting a
 * host for each run of a learner's driver, serving its NDIS calls, and saying how it ended. */
#define _GNU_SOURCE
#include "trusted.h"

#include <dlfcn.h>
#include <elfutils/libdwfl.h> /* its types: the library is opened on a crash (dw_open) */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <seccomp.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "dvndis.h"
#include "isolate.h"

#define ARENA_SIZE (64u << 20)    /* the whole arena */
#define ARENA_SCRATCH (16u << 20) /* its top part: the scratch stack */
#define HOST_WALL_MS 10000        /* the longest a host may take to return */
#define HOST_AS_BYTES (512ul << 20)
#define REPEATS_A_LOOP 1000u /* the same call this often in a row: the loop's call */
#define CALLS_A_LOOP 50000u  /* ... and this often: a loop, ended without waiting for CPU */

/* ---- the arena: a memfd, its heap for what NDIS makes for the driver ---- */

struct block {
	size_t off, len;
};

struct arena {
	int fd;
	uint8_t *base;
	size_t heap; /* [0, heap): the heap; [heap, ARENA_SIZE): scratch */
	size_t bump;
	struct block *live, *freed;
	size_t nlive, nfreed, cap_live, cap_freed;
	int refs;
};

static bool push(struct block **a, size_t *n, size_t *cap, struct block b)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 64;
		struct block *m = realloc(*a, c * sizeof *m);
		if (!m)
			return false;
		*a = m;
		*cap = c;
	}
	(*a)[(*n)++] = b;
	return true;
}

static void *arena_alloc(void *ctx, size_t size)
{
	struct arena *A = ctx;
	size_t need = (size + 15) & ~(size_t)15;
	struct block b = { SIZE_MAX, need };
	for (size_t i = 0; i < A->nfreed; i++) {
		if (A->freed[i].len >= need) {
			b = A->freed[i];
			A->freed[i] = A->freed[--A->nfreed];
			break;
		}
	}
	if (b.off == SIZE_MAX) {
		if (need < size || need > A->heap - A->bump)
			return NULL;
		b.off = A->bump;
		A->bump += need;
	}
	if (!push(&A->live, &A->nlive, &A->cap_live, b))
		return NULL;
	memset(A->base + b.off, 0, b.len);
	return A->base + b.off;
}

static bool arena_free(void *ctx, void *p)
{
	struct arena *A = ctx;
	for (size_t i = 0; i < A->nlive; i++) {
		if (A->base + A->live[i].off == p) {
			struct block b = A->live[i];
			A->live[i] = A->live[--A->nlive];
			push(&A->freed, &A->nfreed, &A->cap_freed, b);
			return true;
		}
	}
	return (uint8_t *)p >= A->base && (uint8_t *)p < A->base + ARENA_SIZE;
}

static void arena_release(void *ctx)
{
	struct arena *A = ctx;
	if (--A->refs > 0)
		return;
	munmap(A->base, ARENA_SIZE);
	close(A->fd);
	free(A->live);
	free(A->freed);
	free(A);
}

static struct arena *arena_new(void)
{
	struct arena *A = calloc(1, sizeof *A);
	if (!A)
		return NULL;
	A->fd = memfd_create("dmaviz-arena", MFD_CLOEXEC);
	if (A->fd < 0 || ftruncate(A->fd, ARENA_SIZE) != 0) {
		if (A->fd >= 0)
			close(A->fd);
		free(A);
		return NULL;
	}
	A->base = mmap(NULL, ARENA_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, A->fd, 0);
	if (A->base == MAP_FAILED) {
		close(A->fd);
		free(A);
		return NULL;
	}
	A->heap = ARENA_SIZE - ARENA_SCRATCH;
	A->refs = 1;
	return A;
}

/* ---- one running host ---- */

struct host {
	pid_t pid;
	struct arena *arena;
	struct dv_hside side;
	bool dead;
	char path[PATH_MAX]; /* the module, for symbolizing a fault */
	/* the last NDIS call, and how often in a row */
	unsigned last_fn, repeat;
	char last_file[DV_HOST_FILE_MAX + 1];
	int last_line;
	bool any_call;
	char why[900]; /* how it ended */
};

static char module_path[PATH_MAX];
/* The host dv_host_module started to check the module, kept for the first run in the same
 * process (a forked child starts its own: the spare's socket is its parent's). */
static struct host *spare;
static pid_t spare_owner;
static unsigned cpu_seconds = 2; /* RLIMIT_CPU of a host: the driver's own time */
static struct host *cur;

static void where_last(const struct host *h, char *buf, size_t size)
{
	const char *name = h->last_fn < dv_host_ncalls ? dv_host_call_names[h->last_fn] : "?";
	if (!h->any_call)
		snprintf(buf, size, "before any NDIS call");
	else if (h->last_file[0])
		snprintf(buf, size, "its last NDIS call: %s at %s:%d", name, h->last_file,
		         h->last_line);
	else
		snprintf(buf, size, "its last NDIS call: %s", name);
}

static void reap(struct host *h, int *status)
{
	*status = 0;
	for (int i = 0; i < 50; i++) {
		if (waitpid(h->pid, status, WNOHANG) == h->pid)
			return;
		struct timespec ts = { 0, 2000000 };
		nanosleep(&ts, NULL);
	}
	kill(h->pid, SIGKILL);
	waitpid(h->pid, status, 0);
}

/* The host is gone or must go: kill what is left, tell the NDIS context why. */
static void die(struct host *h, const char *why)
{
	if (h->dead)
		return;
	h->dead = true;
	snprintf(h->why, sizeof h->why, "%s", why);
	if (h->pid > 0) {
		kill(h->pid, SIGKILL);
		int st;
		waitpid(h->pid, &st, 0);
		h->pid = -1;
	}
	if (h->side.fd >= 0)
		close(h->side.fd);
	h->side.fd = -1;
	if (dv_hside_current == &h->side)
		dv_hside_current = NULL;
	dv_ndis_driver_failed(why);
}

static void ended(struct host *h, int status)
{
	char last[400], why[600];
	where_last(h, last, sizeof last);
	if (WIFEXITED(status))
		snprintf(why, sizeof why, "ended its own process with exit(%d) (%s)",
		         WEXITSTATUS(status), last);
	else if (WIFSIGNALED(status)) {
		const char *abbrev = sigabbrev_np(WTERMSIG(status)); /* glibc 2.32: "KILL" */
		if (abbrev)
			snprintf(why, sizeof why, "was killed by SIG%s (%s)", abbrev, last);
		else
			snprintf(why, sizeof why, "was killed by signal %d (%s)", WTERMSIG(status),
			         last);
	} else
		snprintf(why, sizeof why, "ended its process (%s)", last);
	h->pid = -1;
	die(h, why);
}

static void faulted(struct host *h, const struct dv_hmsg *m)
{
	char last[400], why[900];
	where_last(h, last, sizeof last);
	if (m->a[0] == SIGXCPU && h->repeat >= REPEATS_A_LOOP)
		snprintf(why, sizeof why,
		         "exceeded %u s of CPU time (an endless loop?) calling %s at %s:%d over "
		         "and over (%u times in a row)",
		         cpu_seconds, dv_host_call_names[h->last_fn], h->last_file, h->last_line,
		         h->repeat);
	else if (m->a[0] == SIGXCPU)
		snprintf(why, sizeof why, "exceeded %u s of CPU time (an endless loop?; %s)",
		         cpu_seconds, last);
	else
		dv_host_describe_fault(h->path, m, last, why, sizeof why);
	die(h, why);
}

static bool trusted_recv(struct dv_hside *s, struct dv_hmsg *m)
{
	struct host *h = s->ctx;
	if (h->dead)
		return false;
	struct pollfd p = { .fd = s->fd, .events = POLLIN };
	int r;
	do
		r = poll(&p, 1, HOST_WALL_MS);
	while (r < 0 && errno == EINTR);
	if (r == 0) {
		char last[400], why[600];
		where_last(h, last, sizeof last);
		snprintf(why, sizeof why,
		         "did not return to dmaviz within %d s (blocked or sleeping; %s)",
		         HOST_WALL_MS / 1000, last);
		die(h, why);
		return false;
	}
	ssize_t n = recv(s->fd, m, sizeof *m, 0);
	if (n == (ssize_t)sizeof *m && m->kind == DV_HM_FAULT) {
		faulted(h, m);
		return false;
	}
	if (n != (ssize_t)sizeof *m) {
		int status;
		reap(h, &status);
		ended(h, status);
		return false;
	}
	return true;
}

static void note_call(struct host *h, const struct dv_hmsg *in)
{
	h->repeat = h->any_call && in->fn == h->last_fn ? h->repeat + 1 : 1;
	h->any_call = true;
	h->last_fn = in->fn;
	h->last_file[0] = 0;
	h->last_line = 0;
	if (in->kind != DV_HM_CALL || in->fn >= dv_host_ncalls)
		return;
	int fa = dv_host_call_file_arg[in->fn];
	if (fa < 0)
		return;
	struct dv_hdisp d;
	dv_hd_begin(&d, &h->side, in, dv_host_call_names[in->fn]);
	const char *f = dv_hd_file(&d, (unsigned)fa);
	if (f)
		snprintf(h->last_file, sizeof h->last_file, "%s", f);
	h->last_line = (int)(int64_t)in->a[fa + 1];
	h->side.why[0] = 0;
}

static bool trusted_serve(struct dv_hside *s, const struct dv_hmsg *in, struct dv_hmsg *out)
{
	struct host *h = s->ctx;
	note_call(h, in);
	if (h->repeat >= CALLS_A_LOOP) {
		/* Each call costs dmaviz more than the driver: the driver's CPU limit would
		 * come after dmaviz's own. */
		char why[700];
		snprintf(
		        why, sizeof why,
		        "called %s at %s:%d %u times in a row, with no other NDIS call between (an "
		        "endless loop?)",
		        dv_host_call_names[h->last_fn], h->last_file, h->last_line, h->repeat);
		die(h, why);
		return false;
	}
	if (dv_trusted_dispatch(s, in, out))
		return true;
	char last[400], why[700];
	where_last(h, last, sizeof last);
	snprintf(why, sizeof why, "broke the driver host's rules: %s (%s)", s->why, last);
	die(h, why);
	return false;
}

PNDIS_MINIPORT_CHARACTERISTICS dv_trusted_chars(struct dv_hdisp *d, unsigned i)
{
	static NDIS_MINIPORT_CHARACTERISTICS chars;
	PNDIS_MINIPORT_CHARACTERISTICS p = dv_hd_ptr(d, i, sizeof *p);
	if (!p)
		return NULL;
	dv_trusted_chars_fill(&chars, p);
	return &chars;
}

/* ---- the driver's function pointers: timer and synchronize functions ---- */

/* A function of the driver's and the context it goes with, as NDIS got them; NDIS gets our
 * trampoline and the pair instead, and the trampoline calls the pair back in the host. A
 * timer keeps its pair as long as the host lives: a table, the same pair for the same
 * function and context, emptied when a host starts. A synchronize function needs its pair only
 * during its call (a context on the driver's stack differs from call to call): a ring, deeper
 * than any nesting of synchronize calls. */
struct fn_pair {
	void *fn, *ctx;
};
#define FN_PAIRS 64
static struct fn_pair fn_pairs[FN_PAIRS];
static unsigned n_fn_pairs;
#define SYNC_PAIRS 8
static struct fn_pair sync_pairs[SYNC_PAIRS];
static unsigned next_sync_pair;

static struct fn_pair *fn_pair(struct dv_hdisp *d, void *fn, void *ctx)
{
	for (unsigned i = 0; i < n_fn_pairs; i++)
		if (fn_pairs[i].fn == fn && fn_pairs[i].ctx == ctx)
			return &fn_pairs[i];
	if (n_fn_pairs == FN_PAIRS) {
		if (d->ok)
			snprintf(d->s->why, sizeof d->s->why,
			         "%s: more than %u different timer functions with their contexts",
			         d->call, FN_PAIRS);
		d->ok = false;
		return NULL;
	}
	fn_pairs[n_fn_pairs] = (struct fn_pair){ fn, ctx };
	return &fn_pairs[n_fn_pairs++];
}

static VOID timer_tramp(PVOID SystemSpecific1, PVOID FunctionContext, PVOID SystemSpecific2,
                        PVOID SystemSpecific3)
{
	const struct fn_pair *p = FunctionContext;
	dv_trusted_cb_TimerFunction((PNDIS_TIMER_FUNCTION)p->fn, SystemSpecific1, p->ctx,
	                            SystemSpecific2, SystemSpecific3);
}

static BOOLEAN sync_tramp(PVOID SynchronizeContext)
{
	const struct fn_pair *p = SynchronizeContext;
	return dv_trusted_cb_SynchronizeFunction((W_SYNCHRONIZE_INTERRUPT_HANDLER)p->fn, p->ctx);
}

/* A NULL function stays NULL: NDIS refuses it in the model. */
PNDIS_TIMER_FUNCTION dv_trusted_fn_PNDIS_TIMER_FUNCTION(struct dv_hdisp *d, void *fn, PVOID *ctx)
{
	struct fn_pair *p = fn ? fn_pair(d, fn, *ctx) : NULL;
	if (!p)
		return NULL;
	*ctx = p;
	return timer_tramp;
}

W_SYNCHRONIZE_INTERRUPT_HANDLER dv_trusted_fn_W_SYNCHRONIZE_INTERRUPT_HANDLER(struct dv_hdisp *d,
                                                                              void *fn, PVOID *ctx)
{
	(void)d;
	if (!fn)
		return NULL;
	struct fn_pair *p = &sync_pairs[next_sync_pair++ % SYNC_PAIRS];
	*p = (struct fn_pair){ fn, *ctx };
	*ctx = p;
	return sync_tramp;
}

/* ---- symbolizing a fault ---- */

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

/* elfutils' libdw, opened the first time a crash is told (dlopen): linked, it and the four
 * libraries it needs were loaded by every dmaviz command (`dmaviz --version` took 7.3-7.8 ms
 * with them, 6.2-6.3 ms without), while only a crash reads debug information. */
static struct {
	__typeof__(dwfl_begin) *begin;
	__typeof__(dwfl_report_begin) *report_begin;
	__typeof__(dwfl_report_elf) *report_elf;
	__typeof__(dwfl_report_end) *report_end;
	__typeof__(dwfl_module_info) *module_info;
	__typeof__(dwfl_module_addrname) *addrname;
	__typeof__(dwfl_module_getsrc) *getsrc;
	__typeof__(dwfl_lineinfo) *lineinfo;
	__typeof__(dwfl_end) *end;
	Dwfl_Callbacks cb;
} dw;

/* Whether libdw could be opened (once; a system without it tells crashes without lines). */
static bool dw_open(void)
{
	static int state; /* 0 not tried, 1 open, -1 missing */
	if (state)
		return state > 0;
	state = -1;
	void *h = dlopen("libdw.so.1", RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return false;
	struct {
		void **slot;
		const char *name;
	} syms[] = {
		{ (void **)&dw.begin, "dwfl_begin" },
		{ (void **)&dw.report_begin, "dwfl_report_begin" },
		{ (void **)&dw.report_elf, "dwfl_report_elf" },
		{ (void **)&dw.report_end, "dwfl_report_end" },
		{ (void **)&dw.module_info, "dwfl_module_info" },
		{ (void **)&dw.addrname, "dwfl_module_addrname" },
		{ (void **)&dw.getsrc, "dwfl_module_getsrc" },
		{ (void **)&dw.lineinfo, "dwfl_lineinfo" },
		{ (void **)&dw.end, "dwfl_end" },
		{ (void **)&dw.cb.find_elf, "dwfl_build_id_find_elf" },
		{ (void **)&dw.cb.find_debuginfo, "dwfl_standard_find_debuginfo" },
		{ (void **)&dw.cb.section_address, "dwfl_offline_section_address" },
	};
	for (size_t i = 0; i < sizeof syms / sizeof syms[0]; i++)
		if (!(*syms[i].slot = dlsym(h, syms[i].name)))
			return false;
	state = 1;
	return true;
}

/* "in FUNCTION at FILE:LINE" from the module's debug information (libdw), or false. */
static bool symbolize(const char *path, uint64_t pc, uint64_t base, char *buf, size_t size)
{
	if (!dw_open())
		return false;
	Dwfl *dwfl = dw.begin(&dw.cb);
	if (!dwfl)
		return false;
	dw.report_begin(dwfl);
	Dwfl_Module *mod = dw.report_elf(dwfl, "driver", path, -1, (GElf_Addr)base, false);
	dw.report_end(dwfl, NULL, NULL);
	bool ok = false;
	Dwarf_Addr lo = 0, hi = 0;
	if (mod && dw.module_info(mod, NULL, &lo, &hi, NULL, NULL, NULL, NULL) && pc >= lo &&
	    pc < hi) {
		const char *fn = dw.addrname(mod, pc);
		Dwfl_Line *l = dw.getsrc(mod, pc);
		int line = 0;
		const char *src = l ? dw.lineinfo(l, NULL, &line, NULL, NULL, NULL) : NULL;
		if (src)
			snprintf(buf, size, "in %s at %s:%d", fn ? fn : "?", base_name(src), line);
		else
			snprintf(buf, size, "in %s (no line: build the driver with -g)",
			         fn ? fn : "?");
		ok = true;
	}
	dw.end(dwfl);
	return ok;
}

void dv_host_describe_fault(const char *path, const struct dv_hmsg *m, const char *last_call,
                            char *buf, size_t size)
{
	int sig = (int)m->a[0];
	char sbuf[32], at[600];
	const char *sname = dv_signal_name(sig, sbuf, sizeof sbuf);
	char via[560];
	if (symbolize(path, m->a[1], m->a[3], at, sizeof at))
		;
	else if (m->a[5] && symbolize(path, m->a[5] - 1, m->a[3], via, sizeof via))
		snprintf(at, sizeof at, "%s (through a library function)", via);
	else
		snprintf(at, sizeof at, "outside the driver's own code (pc 0x%llx)",
		         (unsigned long long)m->a[1]);
	const void *addr = (const void *)(uintptr_t)m->a[2];
	if ((sig == SIGSEGV || sig == SIGBUS) && dv_ndis_is_sim_va(addr)) {
		snprintf(buf, size,
		         "read DMA memory at VA 0x%08x directly: use NdisMoveMemory (%s %s; %s)",
		         (unsigned)dv_ndis_va32(addr), sname, at, last_call);
	} else if (sig == SIGSYS) {
		char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, (int)m->a[4]);
		snprintf(buf, size,
		         "made a system call the driver host forbids (%s) %s (%s): a driver only "
		         "calls NDIS",
		         name ? name : "?", at, last_call);
		free(name);
	} else {
		snprintf(buf, size, "crashed with %s %s (%s)", sname, at, last_call);
	}
}

/* ---- starting and stopping a host ---- */

/* $DMAVIZ_DRIVER_HOST, else beside the running executable (the build tree), else the
 * libexecdir seen from the executable's directory (an install, wherever it was moved), else
 * the configured libexecdir. */
bool dv_host_exe(char *buf, size_t size)
{
	if (!buf || size == 0)
		return false;
	const char *env = getenv("DMAVIZ_DRIVER_HOST");
	if (env && *env) {
		snprintf(buf, size, "%s", env);
		return access(buf, X_OK) == 0;
	}
	char self[PATH_MAX - 64];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n > 0) {
		self[n] = 0;
		char *slash = strrchr(self, '/');
		if (slash) {
			*slash = 0;
			snprintf(buf, size, "%s/dmaviz-driver-host", self);
			if (access(buf, X_OK) == 0)
				return true;
			snprintf(buf, size, "%s/" DV_LIBEXEC_FROM_BIN "/dmaviz-driver-host", self);
			if (access(buf, X_OK) == 0)
				return true;
		}
	}
	snprintf(buf, size, "%s/dmaviz-driver-host", DV_LIBEXECDIR);
	return access(buf, X_OK) == 0;
}

/* A copy of the module in a memfd: the host opens no path, so the module file is all it gets
 * of the file system (at most 64 MiB, a regular file). */
static int module_copy(const char *path, char *err, size_t errsize)
{
	int in = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (in < 0 || fstat(in, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > (64 << 20)) {
		snprintf(err, errsize, "%s: cannot load the driver: %s", path,
		         in < 0 ? strerror(errno) : "not a regular file of at most 64 MiB");
		if (in >= 0)
			close(in);
		return -1;
	}
	int out = memfd_create("driver.so", MFD_CLOEXEC);
	char buf[65536];
	ssize_t n = 0;
	while (out >= 0 && (n = read(in, buf, sizeof buf)) > 0)
		if (write(out, buf, (size_t)n) != n)
			n = -1;
	close(in);
	if (out < 0 || n < 0) {
		snprintf(err, errsize, "%s: cannot load the driver: %s", path, strerror(errno));
		if (out >= 0)
			close(out);
		return -1;
	}
	return out;
}

/* fd as a descriptor at 100 or above, so that the spawn's dup2 onto 3, 4 and 5 takes nothing
 * that is still to be moved. */
static int high(int fd)
{
	return fcntl(fd, F_DUPFD_CLOEXEC, 100);
}

/* posix_spawn (no copy of this process's memory is made): the socket, the arena and the module
 * become the host's descriptors 3, 4 and 5, and it leads a process group of its own. */
static pid_t start(const char *exe, char *const argv[], int sock, int arena_fd, int mfd)
{
	int fds[3] = { high(sock), high(arena_fd), high(mfd) };
	pid_t pid = -1;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&at);
	for (int i = 0; i < 3; i++)
		posix_spawn_file_actions_adddup2(&fa, fds[i], 3 + i);
	posix_spawnattr_setpgroup(&at, 0);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP);
	char *const envp[] = { NULL };
	if (fds[0] >= 0 && fds[1] >= 0 && fds[2] >= 0 &&
	    posix_spawn(&pid, exe, &fa, &at, argv, envp) != 0)
		pid = -1;
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	for (int i = 0; i < 3; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	return pid;
}

static bool spawn(struct host *h, char *err, size_t errsize)
{
	char exe[PATH_MAX];
	if (!dv_host_exe(exe, sizeof exe)) {
		snprintf(err, errsize,
		         "cannot find dmaviz-driver-host (looked beside dmaviz and "
		         "in " DV_LIBEXECDIR ")");
		return false;
	}
	int mfd = module_copy(h->path, err, errsize);
	if (mfd < 0)
		return false;
	int sv[2] = { -1, -1 };
	h->arena = arena_new();
	if (!h->arena || socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
		snprintf(err, errsize, "cannot start the driver host: %s", strerror(errno));
		close(mfd);
		return false;
	}
	char a[5][32];
	snprintf(a[0], sizeof a[0], "%llx", (unsigned long long)(uintptr_t)h->arena->base);
	snprintf(a[1], sizeof a[1], "%u", ARENA_SIZE);
	snprintf(a[2], sizeof a[2], "%zu", h->arena->heap);
	snprintf(a[3], sizeof a[3], "%u", cpu_seconds);
	snprintf(a[4], sizeof a[4], "%lu", HOST_AS_BYTES);
	char *const argv[] = {
		"dmaviz-driver-host", "3", "4", a[0], a[1], a[2], "5", a[3], a[4], NULL
	};
	h->pid = start(exe, argv, sv[1], h->arena->fd, mfd);
	close(sv[1]);
	close(mfd);
	if (h->pid < 0) {
		close(sv[0]);
		snprintf(err, errsize, "cannot start the driver host: %s", strerror(errno));
		return false;
	}
	h->side.fd = sv[0];
	h->side.base = h->arena->base;
	h->side.size = ARENA_SIZE;
	h->side.scratch = h->arena->base + h->arena->heap;
	h->side.sp = h->side.scratch;
	h->side.recv = trusted_recv;
	h->side.dispatch = trusted_serve;
	h->side.ctx = h;
	struct dv_hmsg m;
	if (!trusted_recv(&h->side, &m)) {
		snprintf(err, errsize, "%s: the driver %s", h->path, h->why);
		return false;
	}
	if (m.kind != DV_HM_HELLO || m.ret != 1) {
		m.text[sizeof m.text - 1] = 0;
		snprintf(err, errsize, "%s: %s", h->path,
		         m.kind == DV_HM_HELLO ? m.text : "the driver host did not say hello");
		return false;
	}
	return true;
}

static void host_free(struct host *h)
{
	if (!h)
		return;
	if (!h->dead) {
		h->dead = true;
		if (h->pid > 0) {
			kill(h->pid, SIGKILL);
			int st;
			waitpid(h->pid, &st, 0);
		}
		if (h->side.fd >= 0)
			close(h->side.fd);
	}
	if (dv_hside_current == &h->side)
		dv_hside_current = NULL;
	if (h->arena)
		arena_release(h->arena);
	free(h);
}

static struct host *host_new(char *err, size_t errsize)
{
	struct host *h = calloc(1, sizeof *h);
	if (!h) {
		snprintf(err, errsize, "out of memory");
		return NULL;
	}
	h->side.fd = -1;
	snprintf(h->path, sizeof h->path, "%s", module_path);
	if (!spawn(h, err, errsize)) {
		h->dead = true;
		host_free(h);
		return NULL;
	}
	return h;
}

void dv_host_set_cpu_limit(unsigned seconds)
{
	cpu_seconds = seconds ? seconds : 2;
}

void dv_host_stop(void)
{
	host_free(cur);
	cur = NULL;
	if (spare && spare_owner == getpid())
		host_free(spare);
	spare = NULL;
}

bool dv_host_module(const char *path, char *err, size_t errsize)
{
	dv_host_stop();
	/* dlopen searches the library path for a name without a slash: a file name on the
	 * command line means the file. */
	snprintf(module_path, sizeof module_path, "%s%s", strchr(path, '/') ? "" : "./", path);
	spare = host_new(err, errsize);
	spare_owner = getpid();
	return spare != NULL;
}

NTSTATUS dv_host_driver_entry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
	host_free(cur);
	cur = NULL;
	char err[1024];
	if (spare && spare_owner == getpid())
		cur = spare;
	else
		cur = host_new(err, sizeof err);
	spare = NULL;
	if (!cur) {
		dv_ndis_driver_failed(err);
		return NDIS_STATUS_FAILURE;
	}
	dv_hside_current = &cur->side;
	n_fn_pairs = 0; /* the last host's timers are gone with its context */
	cur->arena->refs++;
	const struct dv_ndis_memory m = { arena_alloc, arena_free, arena_release, cur->arena };
	dv_ndis_use_memory(&m);
	return dv_trusted_entry(DriverObject, RegistryPath);
}

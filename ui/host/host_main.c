/* dmaviz-driver-host: holds one learner's driver and nothing of the simulator (boundary.h).
 *
 *   dmaviz-driver-host CHANNEL_FD ARENA_FD ARENA_ADDRESS ARENA_SIZE SCRATCH_OFFSET MODULE_FD
 *                      CPU_SECONDS ADDRESS_SPACE_BYTES
 *
 * dmaviz starts it (trusted.c) with the socket, the arena's memfd and a memfd holding a copy
 * of the module: no path of the machine's reaches it. It maps the arena at the address dmaviz
 * has it, closes itself in its cage for loading (cage.h), loads the module (its constructors
 * run in the cage), closes the cage for running, says hello, then serves the callbacks dmaviz
 * sends until the socket closes. A fatal signal is reported (pc, address, the module's base,
 * the system call of a SIGSYS) before the process ends. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <execinfo.h>
#include <link.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <ucontext.h>
#include <unistd.h>

#include "cage.h"
#include "hostside.h"

DV_DRIVER_ENTRY dv_host_entry;
NDIS_MINIPORT_CHARACTERISTICS dv_host_chars;
static struct dv_hside side;
static uintptr_t module_base;

/* The driver's DbgPrint (dvnt.h): its text on standard error, which dmaviz captures as the
 * driver's output; at most 512 bytes a call, as the kernel's. It never crosses to dmaviz. */
ULONG DbgPrint(PCSTR Format, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, Format);
	int n = Format ? vsnprintf(buf, sizeof buf, Format, ap) : 0;
	va_end(ap);
	if (n < 0)
		return (ULONG)STATUS_INVALID_PARAMETER;
	size_t len = (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1;
	for (size_t off = 0; off < len;) {
		ssize_t w = write(2, buf + off, len - off);
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	return STATUS_SUCCESS;
}

void dv_host_keep_chars(const NDIS_MINIPORT_CHARACTERISTICS *c)
{
	if (c)
		dv_host_chars = *c;
}

static bool host_recv(struct dv_hside *s, struct dv_hmsg *m)
{
	ssize_t n = recv(s->fd, m, sizeof *m, 0);
	return n == (ssize_t)sizeof *m;
}

/* The module's code, [code_lo, code_hi): where a return address is the learner's. */
static uintptr_t code_lo, code_hi;

static int find_code(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size, (void)data;
	if (info->dlpi_addr != module_base)
		return 0;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type == PT_LOAD && (ph->p_flags & PF_X)) {
			code_lo = info->dlpi_addr + ph->p_vaddr;
			code_hi = code_lo + ph->p_memsz;
		}
	}
	return 1;
}

/* A fault outside the module (in the C library's socket(), memcpy, ...): the innermost frame
 * in the module's code is where the driver called from. backtrace() unwinds through the signal
 * frame; it was called once before the cage, so its unwinder is loaded already. */
static uintptr_t caller_in_module(uintptr_t pc)
{
	if (pc >= code_lo && pc < code_hi)
		return 0;
	void *frames[48];
	int n = backtrace(frames, 48);
	for (int i = 0; i < n; i++)
		if ((uintptr_t)frames[i] >= code_lo && (uintptr_t)frames[i] < code_hi)
			return (uintptr_t)frames[i];
	return 0;
}

static uintptr_t fault_pc(const void *uc)
{
	const ucontext_t *u = uc;
#if defined(__x86_64__)
	return (uintptr_t)u->uc_mcontext.gregs[REG_RIP];
#elif defined(__aarch64__)
	return (uintptr_t)u->uc_mcontext.pc;
#elif defined(__i386__)
	return (uintptr_t)u->uc_mcontext.gregs[REG_EIP];
#else
	(void)u;
	return 0;
#endif
}

/* On the alternate stack: send() and _exit() (async-signal-safe), and backtrace(), which is
 * not, but the process ends here whatever it does. */
static void on_fault(int sig, siginfo_t *si, void *uc)
{
	struct dv_hmsg m;
	memset(&m, 0, sizeof m);
	m.kind = DV_HM_FAULT;
	m.a[0] = (uint64_t)sig;
	m.a[1] = fault_pc(uc);
	m.a[2] = (uint64_t)(uintptr_t)si->si_addr;
	m.a[3] = module_base;
	m.a[5] = caller_in_module(m.a[1]);
#ifdef SIGSYS
	if (sig == SIGSYS)
		m.a[4] = (uint64_t)si->si_syscall;
#endif
	send(side.fd, &m, sizeof m, MSG_NOSIGNAL);
	_exit(128 + sig);
}

static void catch_faults(void)
{
	static char altstack[64 * 1024];
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof altstack };
	sigaltstack(&ss, NULL);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	const int sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGSYS, SIGXCPU };
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
}

static void hello(bool ok, const char *why)
{
	struct dv_hmsg m;
	memset(&m, 0, sizeof m);
	m.kind = DV_HM_HELLO;
	m.ret = ok;
	snprintf(m.text, sizeof m.text, "%s", why);
	dv_hside_send(&side, &m);
}

/* dlopen's error, without the /proc/self/fd/N it names the module by (a library the module
 * needs is named as it is: the host cannot open it). */
static const char *dl_why(void)
{
	const char *e = dlerror();
	if (!e)
		return "unknown error";
	if (!strncmp(e, "/proc/self/fd/", 14) && strstr(e, ": "))
		return strstr(e, ": ") + 2;
	return e;
}

static bool load(int module_fd)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d", module_fd);
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		char why[256];
		snprintf(why, sizeof why, "cannot load the driver: %s", dl_why());
		hello(false, why);
		return false;
	}
	struct link_map *lm = NULL;
	if (dlinfo(h, RTLD_DI_LINKMAP, &lm) == 0 && lm) {
		module_base = lm->l_addr;
		dl_iterate_phdr(find_code, NULL);
	}
	void *entry = dlsym(h, "DriverEntry");
	const int *abi = dlsym(h, "DvDriverAbiVersion");
	if (!entry) {
		hello(false,
		      "the driver does not export the symbol 'DriverEntry' (NTSTATUS "
		      "DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath); "
		      "a C++ driver includes ndis.h, which declares it extern \"C\")");
		return false;
	}
	if (!abi) {
		hello(false, "the driver does not export the symbol 'DvDriverAbiVersion', which "
		             "dmaviz's ndis.h defines: build the driver against it "
		             "(docs/driver-sdk.md)");
		return false;
	}
	if (*abi != DV_NDIS_ABI_VERSION) {
		char why[256];
		snprintf(why, sizeof why,
		         "'DvDriverAbiVersion' is %d, this dmaviz has NDIS ABI version %d: rebuild "
		         "the driver against this dmaviz's ndis.h",
		         *abi, DV_NDIS_ABI_VERSION);
		hello(false, why);
		return false;
	}
	memcpy(&dv_host_entry, &entry, sizeof dv_host_entry);
	return true;
}

static void serve(void)
{
	struct dv_hmsg in, out;
	while (host_recv(&side, &in)) {
		memset(&out, 0, sizeof out);
		out.kind = DV_HM_RETURN;
		if (!dv_host_dispatch(&side, &in, &out))
			_exit(3);
		out.sp = (uint64_t)(uintptr_t)side.sp;
		if (!dv_hside_send(&side, &out))
			_exit(3);
	}
}

/* The limits, first of all (dmaviz starts the host with posix_spawn, which sets none): CPU
 * seconds (SIGXCPU, reported; SIGKILL one second later), the address space, no core files, no
 * processes of its own (RLIMIT_NPROC; root is not held by it, the seccomp filter is). */
static void limit(unsigned cpu, size_t as)
{
	struct rlimit r = { cpu, cpu + 1 };
	setrlimit(RLIMIT_CPU, &r);
	r.rlim_cur = r.rlim_max = as;
	setrlimit(RLIMIT_AS, &r);
	r.rlim_cur = r.rlim_max = 0;
	setrlimit(RLIMIT_CORE, &r);
	setrlimit(RLIMIT_NPROC, &r);
}

int main(int argc, char **argv)
{
	if (argc != 9) {
		fprintf(stderr,
		        "dmaviz-driver-host: started by dmaviz only (see docs/driver-sdk.md)\n");
		return 2;
	}
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	limit((unsigned)strtoul(argv[7], NULL, 10), (size_t)strtoull(argv[8], NULL, 10));
	side.fd = atoi(argv[1]);
	int arena_fd = atoi(argv[2]);
	uintptr_t addr = (uintptr_t)strtoull(argv[3], NULL, 16);
	size_t size = (size_t)strtoull(argv[4], NULL, 10);
	size_t scratch = (size_t)strtoull(argv[5], NULL, 10);
	int module_fd = atoi(argv[6]);
	void *base = mmap((void *)addr, size, PROT_READ | PROT_WRITE,
	                  MAP_SHARED | MAP_FIXED_NOREPLACE, arena_fd, 0);
	if (base == MAP_FAILED || (uintptr_t)base != addr || scratch > size) {
		hello(false, "the driver host cannot map its arena where dmaviz has it");
		return 2;
	}
	close(arena_fd);
	side.base = base;
	side.size = size;
	side.scratch = side.base + scratch;
	side.sp = side.scratch;
	side.recv = host_recv;
	side.dispatch = dv_host_dispatch;
	dv_hside_current = &side;
	catch_faults();
	void *warm[1];
	backtrace(warm, 1); /* loads the unwinder while files can still be opened */
	char why[256];
	if (!dv_cage_for_loading(why, sizeof why)) {
		char msg[300];
		snprintf(msg, sizeof msg, "the driver host cannot build its cage: %s", why);
		hello(false, msg);
		return 2;
	}
	if (!load(module_fd))
		return 2;
	close(module_fd);
	if (!dv_cage_for_running(why, sizeof why)) {
		char msg[300];
		snprintf(msg, sizeof msg, "the driver host cannot close its cage: %s", why);
		hello(false, msg);
		return 2;
	}
	hello(true, "");
	serve();
	return 0;
}

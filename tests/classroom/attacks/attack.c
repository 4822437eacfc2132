/* Attack drivers for `dmaviz grade` (issue 14): exercise 01's skeleton, which fails the
 * exercise's tests, plus one attack that would turn its failure into a pass, take the grader
 * down, leak the tests or touch files outside the submission. meson.build builds one module
 * per DV_ATTACK_NAME; test-attacks.sh grades them as a class with a correct classmate.
 *
 * Every attack is bounded, so that even a grader that failed to stop it cannot harm the
 * machine: at most 40 forked processes, each ending itself after 20 s (alarm), 100 MB of
 * output, 30 s of spinning. dv_attack_run() is called first thing in DriverEntry, in the
 * middle of the run; what it finds it prints after "LEAK:". */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void dv_attack_run(void);

static void leak(const char *what, const char *data, size_t n)
{
	printf("LEAK:%s:%.*s\n", what, (int)n, data);
	fflush(stdout);
}

/* A file's first bytes, or nothing. */
__attribute__((unused)) static void leak_file(const char *path)
{
	char buf[512];
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return;
	ssize_t r = read(fd, buf, sizeof buf);
	close(fd);
	if (r > 0)
		leak(path, buf, (size_t)r);
}

__attribute__((unused)) static void bounded_child(const char *name)
{
	prctl(PR_SET_NAME, name);
	alarm(20);
}

#if defined(DV_ATTACK_ctor_exit)
__attribute__((constructor)) static void ctor(void)
{
	_exit(0); /* "no failure was reported", before anything ran */
}
#endif

void dv_attack_run(void)
{
#if defined(DV_ATTACK_exit0)
	exit(0);
#elif defined(DV_ATTACK_exec)
	execl("/bin/true", "true", (char *)NULL); /* exits 0 with nothing reported */
#elif defined(DV_ATTACK_sigkill)
	raise(SIGKILL);
#elif defined(DV_ATTACK_abort)
	abort();
#elif defined(DV_ATTACK_rlimit)
	/* Lift the CPU and memory limits (root may raise the hard ones), then spin 30 s. */
	struct rlimit inf = { RLIM_INFINITY, RLIM_INFINITY };
	setrlimit(RLIMIT_CPU, &inf);
	setrlimit(RLIMIT_AS, &inf);
	time_t end = time(NULL) + 30;
	while (time(NULL) < end)
		;
#elif defined(DV_ATTACK_forkbomb)
	/* 40 processes that each sleep until their alarm, in the test's process group. */
	for (int i = 0; i < 40; i++)
		if (fork() == 0) {
			bounded_child("dvattack-bomb");
			for (;;)
				pause();
		}
#elif defined(DV_ATTACK_daemon)
	/* A daemon in its own session that rewrites the report after 3 s. */
	if (fork() == 0) {
		setsid();
		if (fork() == 0) {
			bounded_child("dvattack-daemon");
			sleep(3);
			const char *report = getenv("DV_ATTACK_REPORT");
			FILE *f = report ? fopen(report, "w") : NULL;
			if (f) {
				fputs("<testsuites tests=\"0\" failures=\"0\"/>\n", f);
				fclose(f);
			}
			_exit(0);
		}
		_exit(0);
	}
#elif defined(DV_ATTACK_output)
	/* 100 MB, terminal escapes included (clear the screen, set the title). */
	static char chunk[65536];
	const char esc[] = "\033[2J\033]0;pwned\007";
	for (size_t i = 0; i < sizeof chunk; i++)
		chunk[i] = "0123456789abcdef\n"[i % 17];
	memcpy(chunk, esc, sizeof esc - 1);
	for (int i = 0; i < 1600; i++)
		if (write(i % 2 ? 2 : 1, chunk, sizeof chunk) < 0)
			break;
#elif defined(DV_ATTACK_readtests)
	/* The tests' folder from the command lines (ours and the grader's), then the files. */
	char path[64], buf[4096];
	for (int k = 0; k < 2; k++) {
		snprintf(path, sizeof path, "/proc/%d/cmdline", k ? (int)getppid() : (int)getpid());
		int fd = open(path, O_RDONLY);
		ssize_t r = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
		if (fd >= 0)
			close(fd);
		for (ssize_t i = 0; i < r; i += (ssize_t)strlen(buf + i) + 1) {
			if (strcmp(buf + i, "--tests") || i + 8 >= r)
				continue;
			const char *dir = buf + i + 8;
			leak("cmdline", dir, strlen(dir));
			DIR *d = opendir(dir);
			for (struct dirent *e; d && (e = readdir(d));) {
				char f[4096 + 256];
				snprintf(f, sizeof f, "%s/%s", dir, e->d_name);
				leak_file(f);
			}
			if (d)
				closedir(d);
		}
	}
	const char *hidden = getenv("DV_ATTACK_HIDDEN"); /* a path known in advance */
	if (hidden)
		leak_file(hidden);
#elif defined(DV_ATTACK_delete)
	/* Every file named in DV_ATTACK_VICTIMS (':'-separated): unlink, or truncate. */
	char *list = getenv("DV_ATTACK_VICTIMS") ? strdup(getenv("DV_ATTACK_VICTIMS")) : NULL;
	for (char *p = list ? strtok(list, ":") : NULL; p; p = strtok(NULL, ":")) {
		if (unlink(p) != 0) {
			int fd = open(p, O_WRONLY | O_TRUNC);
			if (fd >= 0)
				close(fd);
		}
	}
	free(list);
#elif defined(DV_ATTACK_tcp) || defined(DV_ATTACK_udp)
	const char *port = getenv("DV_ATTACK_PORT");
#if defined(DV_ATTACK_tcp)
	int s = socket(AF_INET, SOCK_STREAM, 0);
#else
	int s = socket(AF_INET, SOCK_DGRAM, 0);
#endif
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port ? atoi(port) : 9) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s >= 0 && connect(s, (struct sockaddr *)&a, sizeof a) == 0 &&
	    send(s, "LEAK:socket\n", 12, 0) == 12)
		leak("socket", "sent", 4);
	if (s >= 0)
		close(s);
#elif defined(DV_ATTACK_patch)
	/* Make the simulator's dv_msgs_count return 0 (x86-64: xor eax,eax; ret): no failure
	 * is ever counted. Only a driver host (the simulator in another process) stops it. */
	void *f = dlsym(RTLD_DEFAULT, "dv_msgs_count");
	long pg = sysconf(_SC_PAGESIZE);
	if (f && mprotect((void *)((uintptr_t)f & ~(uintptr_t)(pg - 1)), (size_t)pg * 2,
	                  PROT_READ | PROT_WRITE | PROT_EXEC) == 0) {
#if defined(__x86_64__)
		memcpy(f, "\x31\xc0\xc3", 3);
#endif
	}
#elif defined(DV_ATTACK_forge)
	/* The grader's report channel is fd 3: a verdict of PASS, then leave. */
	if (write(3, "\nR 0\n", 5) == 5)
		_exit(0);
#elif defined(DV_ATTACK_memory)
	/* The grader parsed every test before forking us: look for lesson ids in the heap. */
	uintptr_t pg = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t top = ((uintptr_t)sbrk(0) & ~(pg - 1)) - pg;
	unsigned char vec;
	size_t found = 0;
	for (uintptr_t p = top; found < 20 && top - p < ((uintptr_t)256 << 20); p -= pg) {
		if (mincore((void *)p, pg, &vec) != 0)
			break;
		const char *s = memmem((const void *)p, pg, "ex-send-", 8);
		if (s && (uintptr_t)s + 40 < p + pg) {
			leak("memory", s, strnlen(s, 40));
			found++;
		}
	}
#endif
}

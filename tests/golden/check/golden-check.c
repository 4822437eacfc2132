/* dmaviz: golden tests of `dmaviz check` output (tests/golden/check/).
 *
 *   golden-check DMAVIZ DIR CASE   runs `DMAVIZ check ARGS` in DIR and compares its standard
 *                                  output and exit status with DIR/CASE.out. ARGS is the first
 *                                  line of DIR/CASE.args, split at spaces, or else the file
 *                                  CASE.lesson (or CASE.tst). With DV_REGEN=1 in the
 *                                  environment it writes CASE.out instead.
 *   golden-check --junit DMAVIZ DIR OUT
 *                                  runs `DMAVIZ check --junit OUT pass.lesson expect-fail.lesson`
 *                                  in DIR and checks the report: well-formed tags, one
 *                                  testsuite, a testcase per file, one failure.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	while (buf) {
		n += fread(buf + n, 1, cap - n - 1, f);
		if (n < cap - 1)
			break;
		char *b = realloc(buf, cap * 2);
		if (!b) {
			free(buf);
			buf = NULL;
			break;
		}
		buf = b;
		cap *= 2;
	}
	fclose(f);
	if (buf) {
		buf[n] = 0;
		if (len)
			*len = n;
	}
	return buf;
}

/* Runs argv with stdout captured; returns the exit status (-1 on failure). */
static int run(char **argv, char **out)
{
	int fd[2];
	if (pipe(fd) != 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(fd[1], 1);
		close(fd[0]);
		close(fd[1]);
		execv(argv[0], argv);
		perror(argv[0]);
		_exit(127);
	}
	close(fd[1]);
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	for (;;) {
		if (buf && n + 1 >= cap) {
			char *b = realloc(buf, cap * 2);
			if (!b) {
				free(buf);
				buf = NULL;
			} else {
				buf = b;
				cap *= 2;
			}
		}
		char scratch[512];
		ssize_t got = buf ? read(fd[0], buf + n, cap - n - 1) :
		                    read(fd[0], scratch, sizeof scratch);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		if (buf)
			n += (size_t)got;
	}
	close(fd[0]);
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (!buf)
		return -1;
	buf[n] = 0;
	*out = buf;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

static int golden(const char *dmaviz, const char *dir, const char *name)
{
	char path[4096];
	char *argv[64];
	int argc = 0;
	argv[argc++] = (char *)dmaviz;
	argv[argc++] = "check";
	if (chdir(dir) != 0) {
		fprintf(stderr, "%s: %s\n", dir, strerror(errno));
		return 1;
	}
	snprintf(path, sizeof path, "%s.args", name);
	char *args = slurp(path, NULL);
	if (args) {
		char *nl = strchr(args, '\n');
		if (nl)
			*nl = 0;
		for (char *t = strtok(args, " \t"); t && argc < 62; t = strtok(NULL, " \t"))
			argv[argc++] = t;
	} else {
		static char file[4096];
		struct stat sb;
		snprintf(file, sizeof file, "%s.lesson", name);
		if (stat(file, &sb) != 0)
			snprintf(file, sizeof file, "%s.tst", name);
		argv[argc++] = file;
	}
	argv[argc] = NULL;
	char *out = NULL;
	int status = run(argv, &out);
	if (status < 0) {
		fprintf(stderr, "cannot run %s\n", dmaviz);
		free(args);
		return 1;
	}
	size_t need = strlen(out) + 32;
	char *got = malloc(need);
	if (!got)
		return 1;
	snprintf(got, need, "%sexit %d\n", out, status);
	free(out);
	snprintf(path, sizeof path, "%s.out", name);
	int rc = 0;
	const char *regen = getenv("DV_REGEN");
	if (regen && *regen && strcmp(regen, "0") != 0) {
		FILE *f = fopen(path, "w");
		if (!f || fputs(got, f) < 0 || fclose(f) != 0) {
			fprintf(stderr, "%s/%s: cannot write\n", dir, path);
			rc = 1;
		} else {
			printf("%s/%s: regenerated\n", dir, path);
		}
	} else {
		char *want = slurp(path, NULL);
		if (!want) {
			fprintf(stderr, "%s/%s: missing (run with DV_REGEN=1 to write it)\n", dir,
			        path);
			rc = 1;
		} else if (strcmp(want, got) != 0) {
			printf("%s/%s differs.\n--- expected\n%s--- got\n%s", dir, path, want, got);
			rc = 1;
		} else {
			printf("%s: as expected\n", name);
		}
		free(want);
	}
	free(got);
	free(args);
	return rc;
}

/* A minimal well-formedness check: every start tag is closed in order. */
static int check_tags(const char *x)
{
	const char *stack[32];
	size_t depth = 0, lens[32];
	for (const char *p = strchr(x, '<'); p; p = strchr(p + 1, '<')) {
		if (p[1] == '?' || p[1] == '!')
			continue;
		const char *end = strchr(p, '>');
		if (!end)
			return 0;
		if (p[1] == '/') {
			size_t n = strcspn(p + 2, " >");
			if (!depth || lens[depth - 1] != n ||
			    strncmp(stack[depth - 1], p + 2, n) != 0)
				return 0;
			depth--;
		} else if (end[-1] != '/') {
			if (depth == 32)
				return 0;
			stack[depth] = p + 1;
			lens[depth++] = strcspn(p + 1, " />");
		}
	}
	return depth == 0;
}

static size_t count(const char *s, const char *what)
{
	size_t n = 0;
	for (const char *p = strstr(s, what); p; p = strstr(p + 1, what))
		n++;
	return n;
}

/* Whether s is well-formed UTF-8 (no overlong forms or surrogates checked: enough to see
 * that no raw Latin-1 byte got through). */
static bool utf8_ok(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		size_t n = *p < 0x80       ? 1 :
		           (*p >> 5) == 6  ? 2 :
		           (*p >> 4) == 14 ? 3 :
		           (*p >> 3) == 30 ? 4 :
		                             0;
		if (!n)
			return false;
		for (size_t i = 1; i < n; i++)
			if ((p[i] & 0xC0) != 0x80)
				return false;
		p += n;
	}
	return true;
}

/* A copy of pass.lesson under a Latin-1 name ("caf\xe9.lesson", from a Windows zip) beside
 * outpath; its path, or NULL. */
static const char *latin1_copy(const char *outpath)
{
	static char path[4096];
	snprintf(path, sizeof path, "%s.caf\xe9.lesson", outpath);
	size_t len;
	char *text = slurp("pass.lesson", &len);
	FILE *f = text ? fopen(path, "wb") : NULL;
	bool ok = f && fwrite(text, 1, len, f) == len;
	if (f)
		ok = fclose(f) == 0 && ok;
	free(text);
	return ok ? path : NULL;
}

static int junit(const char *dmaviz, const char *dir, const char *outpath, const char *xmllint)
{
	char *out = NULL;
	remove(outpath);
	if (chdir(dir) != 0)
		return 1;
	const char *latin1 = latin1_copy(outpath);
	char *argv[] = { (char *)dmaviz,       "check",        "--junit",
		         (char *)outpath,      "pass.lesson",  "expect-fail.lesson",
		         "parse-error.lesson", (char *)latin1, NULL };
	int status = run(argv, &out);
	free(out);
	char *x = slurp(outpath, NULL);
	int rc = 0;
#define NEED(cond)                                                                                 \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			printf("junit: %s does not hold\n", #cond);                                \
			rc = 1;                                                                    \
		}                                                                                  \
	} while (0)
	NEED(latin1 != NULL);
	NEED(status == 2); /* the file that does not parse */
	NEED(x != NULL);
	if (x) {
		NEED(!strncmp(x, "<?xml", 5));
		NEED(check_tags(x));
		NEED(count(x, "<testsuites ") == 1);
		NEED(count(x, "<testsuite ") == 1);
		/* The counts agree with the elements: a failure is <failure>, an error <error>. */
		NEED(count(x, "tests=\"4\" failures=\"1\" errors=\"1\"") == 2);
		NEED(count(x, "<testcase ") == 4);
		NEED(count(x, "<failure ") == 1);
		NEED(count(x, "<error ") == 1);
		NEED(count(x, "<failure type=\"error\"") == 0);
		/* Times on every testcase and on the suite, and when the suite ran. */
		NEED(count(x, " time=\"") == 6);
		NEED(strstr(x, "timestamp=\"20") != NULL);
		NEED(strstr(x, "name=\"expect-fail.lesson\" time=\"") != NULL);
		NEED(strstr(x, "name=\"parse-error.lesson\" time=\"") != NULL);
		/* message= is the first message. */
		NEED(strstr(x, "<failure type=\"failure\" message=\"expect-fail.lesson:9: ") !=
		     NULL);
		/* The Latin-1 name is escaped: the report stays UTF-8. */
		NEED(utf8_ok(x));
		NEED(strstr(x, "caf\\xe9.lesson\" time=\"") != NULL);
	}
	/* An independent parser, where one is installed (run.sh installs libxml2-utils). */
	if (x && xmllint && xmllint[0]) {
		char *lint[] = { (char *)xmllint, "--noout", (char *)outpath, NULL };
		char *lout = NULL;
		int ls = run(lint, &lout);
		if (ls != 0)
			printf("junit: xmllint says:\n%s", lout ? lout : "");
		NEED(ls == 0);
		free(lout);
	}
	if (latin1)
		remove(latin1);
	if (!rc)
		printf("junit: the report has its testsuite, testcases, failure and error%s\n",
		       xmllint && xmllint[0] ? ", and xmllint reads it" : "");
	free(x);
	return rc;
}

/* The program's path, absolute, since the tests change directory before running it. */
static const char *absolute(const char *path)
{
	static char buf[4096];
	char *r = realpath(path, buf);
	return r ? r : path;
}

int main(int argc, char **argv)
{
	if ((argc == 5 || argc == 6) && !strcmp(argv[1], "--junit"))
		return junit(absolute(argv[2]), argv[3], argv[4], argc == 6 ? argv[5] : NULL);
	if (argc != 4) {
		fprintf(stderr, "usage: %s DMAVIZ DIR CASE | --junit DMAVIZ DIR OUT [XMLLINT]\n",
		        argv[0]);
		return 2;
	}
	return golden(absolute(argv[1]), argv[2], argv[3]);
}

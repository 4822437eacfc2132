/* dmaviz: CHECK(cond, fmt, ...) for tests that say what differed in words: a failed check
 * prints "FAIL file:line: message" and counts in `failures`, which main turns into its exit
 * status. (tests/unit/check.h is the harness of the unit tests, one case a function.) */
#ifndef DV_CHECKF_H
#define DV_CHECKF_H

#include <stdio.h>

static int failures;

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                       \
			fprintf(stderr, __VA_ARGS__);                                              \
			fputc('\n', stderr);                                                       \
			failures++;                                                                \
		}                                                                                  \
	} while (0)

/* One test case: a name and the function that CHECKs. */
struct checkf_case {
	const char *name;
	void (*fn)(void);
};

/* Runs the cases in order as TAP ("ok N - name"); the exit status for main. */
static inline int checkf_run(const struct checkf_case *c, int n)
{
	printf("1..%d\n", n);
	int bad = 0;
	for (int i = 0; i < n; i++) {
		int before = failures;
		c[i].fn();
		printf("%s %d - %s\n", failures == before ? "ok" : "not ok", i + 1, c[i].name);
		bad += failures != before;
	}
	return bad ? 1 : 0;
}

#define CHECKF_RUN(cases) checkf_run(cases, (int)(sizeof cases / sizeof cases[0]))

#endif

/* dmaviz: a tiny test harness. Each test file is one executable; a failed CHECK prints
 * file:line and what differed, and main's return value is the number of failed tests. */
#ifndef DV_CHECK_H
#define DV_CHECK_H

#include <stdio.h>

static int check_failed_in_test;

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);   \
			check_failed_in_test++;                                                    \
		}                                                                                  \
	} while (0)

#define CHECK_EQ(got, want)                                                                        \
	do {                                                                                       \
		unsigned long long check_g_ = (unsigned long long)(got);                           \
		unsigned long long check_w_ = (unsigned long long)(want);                          \
		if (check_g_ != check_w_) {                                                        \
			fprintf(stderr, "%s:%d: %s: got 0x%llx, expected 0x%llx (%s)\n", __FILE__, \
			        __LINE__, #got, check_g_, check_w_, #want);                        \
			check_failed_in_test++;                                                    \
		}                                                                                  \
	} while (0)

struct check_case {
	const char *name;
	void (*fn)(void);
};

static inline int check_run(const struct check_case *cases, int n)
{
	int failed = 0;
	printf("1..%d\n", n); /* TAP: meson reports each case (protocol: 'tap') */
	for (int i = 0; i < n; i++) {
		check_failed_in_test = 0;
		cases[i].fn();
		printf("%s %d - %s\n", check_failed_in_test ? "not ok" : "ok", i + 1,
		       cases[i].name);
		if (check_failed_in_test)
			failed++;
	}
	printf("# %d passed, %d failed\n", n - failed, failed);
	return failed ? 1 : 0;
}

#define CHECK_CASE(fn)                                                                             \
	{                                                                                          \
#fn, fn                                                                            \
	}
#define CHECK_MAIN(...)                                                                            \
	int main(void)                                                                             \
	{                                                                                          \
		static const struct check_case cases[] = { __VA_ARGS__ };                          \
		return check_run(cases, (int)(sizeof cases / sizeof cases[0]));                    \
	}

#endif

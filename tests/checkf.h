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

#endif

/* dmaviz: a growing byte buffer for the tests that save a trace or a recording (the writers'
 * put callback). */
#ifndef DV_TEST_BYTES_H
#define DV_TEST_BYTES_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct bytes {
	uint8_t *p;
	size_t n, cap;
	size_t fail_after; /* put fails once this many bytes are written (0: never) */
};

static inline bool put_bytes(void *ctx, const void *p, size_t n)
{
	struct bytes *b = ctx;
	if (b->fail_after && b->n + n > b->fail_after)
		return false;
	if (b->n + n > b->cap) {
		size_t cap = (b->n + n) * 2;
		uint8_t *q = realloc(b->p, cap);
		if (!q)
			return false;
		b->p = q;
		b->cap = cap;
	}
	memcpy(b->p + b->n, p, n);
	b->n += n;
	return true;
}

#endif

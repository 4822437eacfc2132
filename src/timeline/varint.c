/* dmaviz: varints and strings in and out of a recording (varint.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "varint.h"

void dv_sink_bytes(struct dv_sink *s, const void *p, size_t n)
{
	if (s->ok && n)
		s->ok = s->put(s->ctx, p, n);
}

void dv_sink_varint(struct dv_sink *s, uint64_t v)
{
	uint8_t b[DV_VARINT_MAX];
	dv_sink_bytes(s, b, (size_t)(dv_varint_put(b, v) - b));
}

void dv_sink_string(struct dv_sink *s, const void *p, size_t n)
{
	dv_sink_varint(s, n);
	dv_sink_bytes(s, p, n);
}

void dv_source_fail(struct dv_source *r, const char *what)
{
	if (!r->bad && r->errsz)
		snprintf(r->err, r->errsz, "offset %zu: %s", r->base + r->at, what);
	r->bad = true;
}

uint64_t dv_source_varint(struct dv_source *r, uint64_t max, const char *what)
{
	uint64_t v = 0;
	for (unsigned shift = 0; !r->bad; shift += 7) {
		if (r->at >= r->n) {
			dv_source_fail(r, "the data ends in the middle of a number");
			return 0;
		}
		uint8_t b = r->p[r->at];
		if (shift == 63 && b > 1) {
			dv_source_fail(r, "a number longer than 64 bits");
			return 0;
		}
		v |= (uint64_t)(b & 0x7F) << shift;
		r->at++;
		if (!(b & 0x80))
			break;
	}
	if (v > max)
		dv_source_fail(r, what);
	return r->bad ? 0 : v;
}

const uint8_t *dv_source_bytes(struct dv_source *r, size_t n, const char *what)
{
	if (!r->bad && n > r->n - r->at)
		dv_source_fail(r, what);
	if (r->bad)
		return NULL;
	const uint8_t *p = r->p + r->at;
	r->at += n;
	return p;
}

char *dv_source_string(struct dv_source *r, size_t max, const char *what)
{
	size_t n = (size_t)dv_source_varint(r, max, what);
	const uint8_t *p = dv_source_bytes(r, n, what);
	if (!p)
		return NULL;
	if (memchr(p, 0, n)) {
		r->at -= n;
		dv_source_fail(r, "a string with a NUL byte");
		return NULL;
	}
	char *s = malloc(n + 1);
	if (!s) {
		dv_source_fail(r, "out of memory");
		return NULL;
	}
	memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

/* dmaviz: little-endian base-128 (LEB128) varints and zigzag: the integers of the trace's
 * block code (trace.c), of packed keyframes (src/machine/keyframe.c) and of recordings
 * (docs/trace-formats.md): strings as a varint length and their bytes, written through a put
 * callback and read from a buffer with every length checked against what is left. The trace
 * section (trace_io.c) and the recording around it (src/lang/record.c) share these. */
#ifndef DV_VARINT_H
#define DV_VARINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The most bytes one varint takes (a 64-bit value). */
#define DV_VARINT_MAX 10u

static inline uint8_t *dv_varint_put(uint8_t *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	*p++ = (uint8_t)v;
	return p;
}

/* Reads one varint from [p, end) into *v; NULL when it is cut off or longer than 64 bits. */
static inline const uint8_t *dv_varint_get(const uint8_t *p, const uint8_t *end, uint64_t *v)
{
	uint64_t x = 0;
	for (unsigned shift = 0; p < end && shift < 64; shift += 7) {
		uint8_t b = *p++;
		x |= (uint64_t)(b & 0x7F) << shift;
		if (!(b & 0x80)) {
			*v = x;
			return p;
		}
	}
	return NULL;
}

/* A signed difference as an unsigned number that is small when the difference is. */
static inline uint64_t dv_zigzag(uint64_t d)
{
	return d << 1 ^ (uint64_t) - (int64_t)(d >> 63);
}

static inline uint64_t dv_unzigzag(uint64_t z)
{
	return z >> 1 ^ (uint64_t) - (int64_t)(z & 1);
}

/* Output: ok turns false at the first put that fails, and nothing more is written. */
struct dv_sink {
	bool (*put)(void *ctx, const void *p, size_t n);
	void *ctx;
	bool ok;
};

void dv_sink_varint(struct dv_sink *s, uint64_t v);
void dv_sink_bytes(struct dv_sink *s, const void *p, size_t n);
/* n bytes of s as a varint length and the bytes. */
void dv_sink_string(struct dv_sink *s, const void *p, size_t n);

/* Input: the n bytes at p, read from at; base is p's offset in the file, so that messages
 * name the file's offset. The first failure writes "offset N: what" to err and sets bad;
 * every read after it returns 0 or NULL. */
struct dv_source {
	const uint8_t *p;
	size_t n, at, base;
	char *err;
	size_t errsz;
	bool bad;
};

void dv_source_fail(struct dv_source *r, const char *what);
/* A varint of at most max; a larger one fails with what. */
uint64_t dv_source_varint(struct dv_source *r, uint64_t max, const char *what);
/* The next n bytes (NULL and a failure saying what when fewer are left). */
const uint8_t *dv_source_bytes(struct dv_source *r, size_t n, const char *what);
/* A string of at most max bytes as a new NUL-terminated copy (NULL on failure, or when it
 * holds a NUL byte). */
char *dv_source_string(struct dv_source *r, size_t max, const char *what);

#endif

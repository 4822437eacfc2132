/* dmaviz: bytes in and out of a recording (docs/trace-formats.md): little-endian base-128
 * varints, strings as a varint length and their bytes, written through a put callback and read
 * from a buffer with every length checked against what is left. The trace section (trace_io.c)
 * and the recording around it (src/lang/record.c) share these. */
#ifndef DV_VARINT_H
#define DV_VARINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

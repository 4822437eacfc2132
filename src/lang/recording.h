/* dmaviz: a lesson's run as a file (docs/trace-formats.md, "Recordings"): the lesson's text,
 * name and SHA-256, the driver's name and SHA-256, the driver's source files the trace points
 * at, the dmaviz version, the trace, and what the run found (its messages, steps, output rows
 * and NDIS call records). Reading one gives back a lesson and a run that front ends watch as
 * if the lesson had just run: no driver and no machine is run again.
 *
 * Layout: an 8-byte magic, a 32-bit format version, then sections (a 4-byte tag, a 64-bit
 * length, the body) in a fixed order; the last, "SUM ", holds the SHA-256 of every byte before
 * it. Integers are little-endian; inside the bodies they are varints (varint.h).
 */
#ifndef DV_RECORDING_H
#define DV_RECORDING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lesson.h"
#include "script.h"

#define DV_REC_VERSION 5u
#define DV_REC_MAGIC "DVREC\r\n\x1a"
#define DV_REC_MAGIC_LEN 8u
/* What a recording may hold: source files (at most this many, each at most this long). */
#define DV_REC_MAX_SOURCES 256u
#define DV_REC_MAX_SOURCE_BYTES (8u << 20)
/* The most events a recording's trace may hold: DV_REC_EVENTS_PER_CYCLE for every cycle of its
 * lesson's budget (a bus cycle of a DMA transfer records about 20; the overshoot of a driver's
 * stall past the budget is in the factor too) and DV_REC_EVENTS_AT_ONCE more for what the
 * statements do while no cycle passes (the 16 MiB a file may fill, with random bytes through
 * the cache: up to 8 events a byte). A count above it is refused before any event is decoded,
 * so that a small file cannot hold the loader for hours. */
#define DV_REC_EVENTS_PER_CYCLE 64u
#define DV_REC_EVENTS_AT_ONCE (8u * DV_SCRIPT_MAX_FILL)

/* What the caller knows about a run it records. */
struct dv_rec_meta {
	const char *version;     /* the dmaviz version */
	const char *lesson_text; /* the lesson file's bytes */
	size_t lesson_len;
	const char *driver_name;   /* the module's path as given, or NULL: no learner's driver */
	const uint8_t *driver_sha; /* its SHA-256 (32 bytes), or NULL */
	/* The text of a source file the trace names (malloc'd, the caller of dv_rec_write frees
	 * it), or NULL when it cannot be found: then the recording has no text for it. */
	char *(*read_source)(void *ctx, const char *file, size_t *len);
	void *ctx;
};

/* A recording read back. */
struct dv_recording {
	char *version, *driver_name;
	uint8_t lesson_sha[32], driver_sha[32];
	bool has_driver_sha;
	char *lesson_text;
	size_t lesson_len;
	struct dv_rec_source {
		char *file, *text;
		size_t len;
	} * src;
	size_t nsrc;
	struct dv_lesson *lesson; /* parsed from lesson_text */
	struct dv_run *run;       /* its machine holds the recorded trace; it runs nothing */
};

/* Writes the run of L (finished: dv_run_all) through put. False when put fails or memory runs
 * out. */
bool dv_rec_write(const struct dv_run *run, const struct dv_rec_meta *meta,
                  bool (*put)(void *ctx, const void *p, size_t n), void *ctx);

/* Do these bytes start like a recording (the magic)? */
bool dv_rec_is(const uint8_t *p, size_t n);

/* Reads the n bytes at p. NULL when they are not a recording this dmaviz reads: err says why
 * as "offset N: what" (truncated, wrong version, a checksum that does not match, a size past
 * the end, a lesson that no longer parses). Memory stays within a small multiple of n. */
struct dv_recording *dv_rec_read(const uint8_t *p, size_t n, char *err, size_t errsz);
void dv_rec_free(struct dv_recording *rec);

/* The recorded text of a source file the trace names (the lesson's own file included); NULL
 * when the recording has none. */
const char *dv_rec_source(const struct dv_recording *rec, const char *file, size_t *len);

/* The SHA-256 of n bytes (what the recording stores for the lesson and the driver, the same
 * as sha256sum prints). */
void dv_sha256(const void *p, size_t n, uint8_t out[32]);

#endif

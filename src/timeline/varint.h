/* dmaviz: LEB128 varints and zigzag, the integers of the trace's block code (trace.c) and of
 * packed keyframes (src/machine/keyframe.c). */
#ifndef DV_VARINT_H
#define DV_VARINT_H

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

#endif

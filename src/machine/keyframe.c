/* dmaviz: keyframes packed. A keyframe is the whole state (struct dv_state, about 40 KiB, of
 * which 32 KiB is the page table of memory), but most of it is zeros, page ids that count up
 * and registers that did not move. The state is packed as 32-bit words, each as its difference
 * from the word before: a run of words with the same difference (zeros, a counting page table)
 * is one count, a new difference one zigzag varint. A keyframe of a busy machine packs to a few
 * KiB, so keyframes can be close enough for a fast seek without dominating the recording. */
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "varint.h"

_Static_assert(sizeof(struct dv_state) % 4 == 0, "the state packs as 32-bit words");

#define WORDS (sizeof(struct dv_state) / 4)

uint8_t *dv_keyframe_pack(const struct dv_state *st, size_t *size)
{
	/* The worst case: a count and a difference per word. */
	uint8_t *buf = malloc(WORDS * 2 * 6), *o = buf;
	if (!buf)
		return NULL;
	uint32_t w, prev = 0, d = 0;
	size_t i = 0;
	while (i < WORDS) {
		uint64_t run = 0;
		for (; i < WORDS; i++, run++) {
			memcpy(&w, (const uint8_t *)st + 4 * i, 4);
			if (w - prev != d)
				break;
			prev = w;
		}
		o = dv_varint_put(o, run);
		if (i == WORDS)
			break;
		d = w - prev;
		prev = w;
		o = dv_varint_put(o, dv_zigzag((uint64_t)(int64_t)(int32_t)d));
		i++;
	}
	*size = (size_t)(o - buf);
	uint8_t *fit = realloc(buf, *size);
	return fit ? fit : buf;
}

bool dv_keyframe_unpack(const uint8_t *p, size_t size, struct dv_state *st)
{
	const uint8_t *end = p + size;
	uint32_t prev = 0, d = 0;
	size_t i = 0;
	uint64_t v;
	while (i < WORDS) {
		if (!(p = dv_varint_get(p, end, &v)) || v > WORDS - i)
			return false;
		for (uint64_t k = 0; k < v; k++, i++) {
			prev += d;
			memcpy((uint8_t *)st + 4 * i, &prev, 4);
		}
		if (i == WORDS)
			break;
		if (!(p = dv_varint_get(p, end, &v)))
			return false;
		d = (uint32_t)dv_unzigzag(v);
		prev += d;
		memcpy((uint8_t *)st + 4 * i, &prev, 4);
		i++;
	}
	return p == end;
}

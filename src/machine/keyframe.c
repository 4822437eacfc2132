/* dmaviz: keyframes packed. A keyframe is the whole state (struct dv_state, about 40 KiB, of
 * which 32 KiB is the page table of memory), cut into chunks of DV_KF_CHUNK bytes. Between two
 * keyframes most chunks do not change (the page table, the peer's other frames, the cache), so
 * a chunk equal to the previous keyframe's is shared by reference, not stored again. A chunk
 * that changed is packed on its own, the smaller of two ways: as 32-bit words, each as its
 * difference from the word before (a run of words with the same difference, zeros or a
 * counting page table, is one count; a new difference one zigzag varint), or as its bytes as
 * they are, which is what a frame's random payload needs (the words would cost 1.5 times it).
 * Every chunk unpacks alone, so restoring a keyframe never walks a chain of keyframes. */
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "varint.h"

_Static_assert(sizeof(struct dv_state) % 4 == 0, "the state packs as 32-bit words");
_Static_assert(DV_KF_CHUNK % 4 == 0, "a chunk is whole words");

enum { MODE_WORDS = 0, MODE_BYTES = 1 };

struct dv_kf_chunk {
	uint32_t refs;  /* keyframes that hold this chunk */
	uint32_t size;  /* bytes of code[] */
	uint8_t code[]; /* a mode byte, then the chunk in that mode */
};

static size_t chunk_len(size_t c)
{
	size_t left = sizeof(struct dv_state) - c * DV_KF_CHUNK;
	return left < DV_KF_CHUNK ? left : DV_KF_CHUNK;
}

/* The words of [w, w + n) as runs of equal differences into o; returns the end. */
static uint8_t *pack_words(const uint8_t *w, size_t n, uint8_t *o)
{
	uint32_t v, prev = 0, d = 0;
	size_t i = 0;
	while (i < n) {
		uint64_t run = 0;
		for (; i < n; i++, run++) {
			memcpy(&v, w + 4 * i, 4);
			if (v - prev != d)
				break;
			prev = v;
		}
		o = dv_varint_put(o, run);
		if (i == n)
			break;
		d = v - prev;
		prev = v;
		o = dv_varint_put(o, dv_zigzag((uint64_t)(int64_t)(int32_t)d));
		i++;
	}
	return o;
}

static bool unpack_words(const uint8_t *p, const uint8_t *end, uint8_t *w, size_t n)
{
	uint32_t prev = 0, d = 0;
	size_t i = 0;
	uint64_t v;
	while (i < n) {
		if (!(p = dv_varint_get(p, end, &v)) || v > n - i)
			return false;
		for (uint64_t k = 0; k < v; k++, i++) {
			prev += d;
			memcpy(w + 4 * i, &prev, 4);
		}
		if (i == n)
			break;
		if (!(p = dv_varint_get(p, end, &v)))
			return false;
		d = (uint32_t)dv_unzigzag(v);
		prev += d;
		memcpy(w + 4 * i, &prev, 4);
		i++;
	}
	return p == end;
}

/* A new chunk of the len bytes at b, in the smaller mode; NULL when memory runs out. */
static struct dv_kf_chunk *chunk_pack(const uint8_t *b, size_t len)
{
	/* The worst case of the words: a count and a difference per word, 5 bytes each. */
	uint8_t tmp[1 + DV_KF_CHUNK / 4 * 2 * 5];
	size_t size = (size_t)(pack_words(b, len / 4, tmp + 1) - tmp);
	tmp[0] = MODE_WORDS;
	const uint8_t *code = tmp;
	if (size > 1 + len) {
		size = 1 + len;
		code = NULL; /* the bytes themselves, after the mode */
	}
	struct dv_kf_chunk *ch = malloc(sizeof *ch + size);
	if (!ch)
		return NULL;
	ch->refs = 1;
	ch->size = (uint32_t)size;
	if (code) {
		memcpy(ch->code, code, size);
	} else {
		ch->code[0] = MODE_BYTES;
		memcpy(ch->code + 1, b, len);
	}
	return ch;
}

static bool chunk_unpack(const struct dv_kf_chunk *ch, uint8_t *b, size_t len)
{
	if (ch->size == 0)
		return false;
	const uint8_t *p = ch->code + 1, *end = ch->code + ch->size;
	if (ch->code[0] == MODE_BYTES) {
		if ((size_t)(end - p) != len)
			return false;
		memcpy(b, p, len);
		return true;
	}
	return ch->code[0] == MODE_WORDS && unpack_words(p, end, b, len / 4);
}

static void chunk_drop(struct dv_kf_chunk *ch)
{
	if (ch && --ch->refs == 0)
		free(ch);
}

bool dv_keyframe_pack(struct dv_keyframe *kf, const struct dv_state *st,
                      const struct dv_keyframe *prev, const struct dv_state *prev_st)
{
	const uint8_t *now = (const uint8_t *)st, *was = (const uint8_t *)prev_st;
	kf->chunk = calloc(DV_KF_CHUNKS, sizeof *kf->chunk);
	if (!kf->chunk)
		return false;
	kf->size = DV_KF_CHUNKS * sizeof *kf->chunk;
	for (size_t c = 0; c < DV_KF_CHUNKS; c++) {
		size_t at = c * DV_KF_CHUNK, len = chunk_len(c);
		if (prev && memcmp(now + at, was + at, len) == 0) {
			kf->chunk[c] = prev->chunk[c];
			kf->chunk[c]->refs++;
			continue;
		}
		if (!(kf->chunk[c] = chunk_pack(now + at, len))) {
			dv_keyframe_release(kf);
			return false;
		}
		kf->size += sizeof *kf->chunk[c] + kf->chunk[c]->size;
	}
	return true;
}

bool dv_keyframe_unpack(const struct dv_keyframe *kf, struct dv_state *st)
{
	for (size_t c = 0; c < DV_KF_CHUNKS; c++)
		if (!chunk_unpack(kf->chunk[c], (uint8_t *)st + c * DV_KF_CHUNK, chunk_len(c)))
			return false;
	return true;
}

bool dv_keyframe_shares(const struct dv_keyframe *a, const struct dv_keyframe *b, size_t c)
{
	return c < DV_KF_CHUNKS && a->chunk[c] == b->chunk[c];
}

void dv_keyframe_release(struct dv_keyframe *kf)
{
	for (size_t c = 0; kf->chunk && c < DV_KF_CHUNKS; c++)
		chunk_drop(kf->chunk[c]);
	free(kf->chunk);
	kf->chunk = NULL;
	kf->size = 0;
}

/* dmaviz: generated prediction exercises (`dmaviz quiz`), after the OSTEP homework
 * simulators: a seed picks a scenario (channel, width, buffer, offset, length, direction, busy
 * or not) and the learner predicts what NdisMSetupDmaTransfer does.
 *
 * The seed drives a splitmix64 generator of the quiz's own (integer arithmetic only), so a seed
 * names the same problem on every machine, compiler and build. The answers are never computed
 * by a formula: dv_quiz_generate runs the scenario on a fresh simulated PC (dv_sim + dv_ndis,
 * the test playing the miniport) and reads the port writes, the HAL's adapter and
 * NdisMReadDmaCounter, so the quiz cannot disagree with the simulator.
 *
 * When Setup fails (RESOURCES: busy channel, zero length, a range past the buffer, an odd
 * length on a 16-bit channel) nothing is programmed and nothing moves: every question after
 * "status" has the answer "none".
 *
 * The core does no terminal I/O: text goes into caller's buffers (snprintf semantics).
 */
#ifndef DV_QUIZ_H
#define DV_QUIZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum dv_quiz_question {
	DV_QUIZ_STATUS,   /* the Status Setup returns */
	DV_QUIZ_MODE,     /* the mode byte */
	DV_QUIZ_ADDR_LO,  /* address register, low byte */
	DV_QUIZ_ADDR_HI,  /* address register, high byte */
	DV_QUIZ_PAGE,     /* page register */
	DV_QUIZ_COUNT_LO, /* count register, low byte */
	DV_QUIZ_COUNT_HI, /* count register, high byte */
	DV_QUIZ_BOUNCE,   /* bounce (map-register) buffer used: yes/no */
	DV_QUIZ_RESIDUE,  /* NdisMReadDmaCounter after K cycles of DREQ */
	DV_QUIZ_VALID,    /* bytes valid after Complete (Length - residue) */
	DV_QUIZ_NQUESTIONS
};

/* Where the transfer lies (the learner is not told; it is for tests and explanations). */
enum dv_quiz_place {
	DV_QUIZ_PLAIN,   /* below 16 MiB, inside one 64 KiB (8-bit) / 128 KiB (16-bit) block */
	DV_QUIZ_CROSS64, /* crosses a 64 KiB line (on a 16-bit channel: inside one 128 KiB block) */
	DV_QUIZ_CROSS128, /* 16-bit channels: crosses a 128 KiB line */
	DV_QUIZ_HIGH,     /* above 16 MiB */
};

/* How the Length is wrong, if it is. */
enum dv_quiz_fault { DV_QUIZ_OK, DV_QUIZ_ZERO, DV_QUIZ_PAST, DV_QUIZ_ODD };

#define DV_QUIZ_MAX_LENGTH 4096u /* the MaximumLength the miniport registers */

struct dv_quiz {
	uint64_t seed;
	/* the scenario */
	uint8_t channel; /* 1, 2, 3, 5, 6, 7 */
	bool width16;    /* channels 5-7 */
	bool demand;     /* demand mode, else single */
	bool send;       /* WriteToDevice TRUE (memory -> device), else receive */
	enum dv_quiz_place place;
	enum dv_quiz_fault fault;
	uint32_t buf_phys;       /* physical address of the buffer's first byte (contiguous) */
	uint32_t buf_len;        /* the buffer's ByteCount */
	uint32_t offset, length; /* Setup's Offset and Length */
	bool busy;               /* a transfer is already set up on the handle */
	uint32_t busy_phys, busy_len;
	uint32_t k_cycles; /* bus cycles the device holds DREQ before the early Complete */
	/* the answers, read from the simulator */
	int32_t status;
	bool programmed; /* Setup succeeded: the rest of the answers are not "none" */
	uint8_t mode, addr_lo, addr_hi, page, count_lo, count_hi;
	bool bounce;
	uint32_t phys; /* the physical address the 8237 was programmed with */
	uint32_t residue, valid;
	int32_t complete_status;
};

/* Generates the scenario of a seed and solves it on the simulator. Returns false only when
 * the simulator could not be built or behaved unexpectedly (out of memory). */
bool dv_quiz_generate(uint64_t seed, struct dv_quiz *q);

/* ---- the replay: how the simulated PC arrives at the answers ---------------------------------
 *
 * dv_quiz_replay runs the scenario again (the very run dv_quiz_generate solves) and keeps the
 * steps of interest from the moment the miniport calls Setup: the calls (Setup, IoMapTransfer
 * with its bounce decision, the bounce copy, KeFlushIoBuffers, NdisMReadDmaCounter, Complete),
 * every byte written to the 8237A with what it means (the flip-flop's low/high byte, the mode
 * byte decoded, the page register), DREQ going up and down, and the DMA transfers, the count
 * going down one cycle at a time (the first few, a sample, and the last, so a long run stays a
 * few dozen frames). Each frame holds the channel's registers after its event, read with a
 * trace cursor, so what a front end shows is the simulator's state, not a recomputation. */

struct dv_quiz_frame {
	uint64_t cycle; /* the bus cycle of the event */
	char text[200]; /* the event in words, and what it means */
	int question;   /* the question this event answers (DV_QUIZ_*), -1: none */
	bool transfer;  /* a DMA transfer cycle */
	/* The quiz channel's 8237A registers after the event. */
	uint8_t mode, page;
	uint16_t addr, count;           /* current address and count */
	uint16_t base_addr, base_count; /* the base registers (what was programmed) */
	bool flipflop; /* the chip's byte pointer: true = the next byte is the high one */
	bool masked;   /* the channel's mask bit */
	bool dreq;     /* the device holds DREQ */
};

struct dv_quiz_replay {
	struct dv_quiz_frame *frame;
	size_t n;
	unsigned transfers; /* DMA transfers in the run (frames keep a sample of them) */
};

/* Fills r (freed with dv_quiz_replay_free) for q's seed. False when the simulator could not
 * run (out of memory); r is then empty. The same seed gives the same frames. */
bool dv_quiz_replay(const struct dv_quiz *q, struct dv_quiz_replay *r);
void dv_quiz_replay_free(struct dv_quiz_replay *r);
/* The first frame that answers question, or -1 (a failed Setup answers only "status"). */
long dv_quiz_replay_find(const struct dv_quiz_replay *r, unsigned question);

/* A question's id ("status", "mode", "addr-lo", ...), and an id's question (-1: unknown). */
const char *dv_quiz_id(unsigned question);
int dv_quiz_find(const char *id);

/* The correct answer in canonical form: "NDIS_STATUS_SUCCESS", "0x49", "yes", "120", "none". */
void dv_quiz_answer(const struct dv_quiz *q, unsigned question, char *buf, size_t size);
/* Does a learner's value answer the question? Numbers in hex (0x..) or decimal, yes/no, status
 * names with or without the NDIS_STATUS_ prefix (or the status as a number), none; case does
 * not matter. */
bool dv_quiz_check(const struct dv_quiz *q, unsigned question, const char *value);

/* The text of the problem (header, scenario, questions), and with answers true the answers
 * too, as 'id: value' lines a learner's file can take. snprintf semantics: returns the length
 * the whole text needs; buf may be NULL when size is 0. */
size_t dv_quiz_format(const struct dv_quiz *q, bool answers, char *buf, size_t size);

#endif

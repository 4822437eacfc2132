/* dmaviz: generated prediction exercises. See quiz.h. */
#include "quiz.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "dma8237.h"
#include "dvndis.h"
#include "ndis.h"
#include "sim.h"

/* ---- the generator ------------------------------------------------------------------------ */

/* splitmix64 (Steele, Lea, Flood 2014): integer arithmetic only, the same on every machine. */
static uint64_t rnd(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static uint32_t pick(uint64_t *s, uint32_t n)
{
	return (uint32_t)(rnd(s) % n);
}

static void scenario(uint64_t seed, struct dv_quiz *q)
{
	static const uint8_t channels[6] = { 1, 2, 3, 5, 6, 7 };
	uint64_t s = seed;
	memset(q, 0, sizeof *q);
	q->seed = seed;
	q->channel = channels[pick(&s, 6)];
	q->width16 = q->channel >= 4;
	q->demand = pick(&s, 2) == 0;
	q->send = pick(&s, 2) == 0;
	uint32_t unit = q->width16 ? 2 : 1;  /* keep addresses and lengths even on 16-bit channels */
	uint32_t block = q->width16 ? 0x20000u : 0x10000u;
	uint32_t len = unit * (16 + pick(&s, 1000 / unit)); /* 16 .. about 1 KiB */
	uint32_t where = pick(&s, 8);
	uint32_t start; /* the physical address of the transfer's first byte */
	if (where < 4 || where == 7) {
		q->place = DV_QUIZ_PLAIN;
		/* A block between 128 KiB and the HAL's bounce area at 14 MiB, room to the end. */
		uint32_t b = 2 + pick(&s, (0xE00000u / block) - 2);
		if (q->width16)
			b = 1 + pick(&s, (0xE00000u / block) - 1);
		start = b * block + unit * pick(&s, (block - len) / unit);
	} else if (where < 6) {
		q->place = DV_QUIZ_CROSS64;
		uint32_t line;
		if (q->width16 && where == 5) {
			q->place = DV_QUIZ_CROSS128;
			line = 0x20000u * (2 + pick(&s, 0x60));
		} else if (q->width16) {
			line = 0x10000u * (2 * (1 + pick(&s, 0x60)) + 1); /* odd: the middle of a 128 KiB block */
		} else {
			line = 0x10000u * (3 + pick(&s, 0xC0));
		}
		start = line - unit * (1 + pick(&s, len / unit - 1));
	} else {
		q->place = DV_QUIZ_HIGH;
		start = 0x01000000u + unit * pick(&s, 0x00E00000u / unit);
	}
	q->offset = pick(&s, 4) == 0 ? 0 : 2 * pick(&s, 64);
	uint32_t tail = 2 * pick(&s, 32);
	q->buf_phys = start - q->offset;
	q->buf_len = q->offset + len + tail;
	q->length = len;
	uint32_t fault = pick(&s, 14);
	if (fault == 0) {
		q->fault = DV_QUIZ_ZERO;
		q->length = 0;
	} else if (fault == 1) {
		q->fault = DV_QUIZ_PAST;
		q->buf_len = q->offset + len - (1 + pick(&s, 15));
	} else if (fault == 2 && q->width16) {
		q->fault = DV_QUIZ_ODD;
		q->length = len - 1;
	}
	q->busy = pick(&s, 8) == 0;
	q->busy_phys = 0x10000u + 0x100u * q->channel;
	q->busy_len = 64;
	/* Sometimes short of the whole transfer, sometimes enough for all of it. */
	q->k_cycles = 8 + pick(&s, 3 * len);
}

/* ---- solving: run it ---------------------------------------------------------------------- */

static PNDIS_BUFFER buffer_at(struct dv_ndis *nd, uint32_t phys, uint32_t len)
{
	uint32_t pfn[DV_MDL_MAX_PAGES];
	uint32_t off = phys % DV_PAGE_SIZE;
	uint32_t pages = (off + len + DV_PAGE_SIZE - 1) / DV_PAGE_SIZE;
	if (pages > DV_MDL_MAX_PAGES)
		return NULL;
	for (uint32_t i = 0; i < pages; i++)
		pfn[i] = phys / DV_PAGE_SIZE + i;
	PVOID va = dv_ndis_map_pages(nd, pfn, pages);
	if (!va)
		return NULL;
	return dv_ndis_make_buffer(nd, (PVOID)((uintptr_t)va + off), len);
}

static bool solve(struct dv_quiz *q)
{
	struct dv_config cfg;
	dv_config_default(&cfg);
	cfg.mem_size = 32u << 20;
	cfg.nic_channel = 0; /* the card is elsewhere: nothing but the quiz drives the channel */
	struct dv_sim *sim = dv_sim_create(&cfg);
	if (!sim)
		return false;
	struct dv_ndis *nd = dv_ndis_create(sim);
	if (!nd) {
		dv_sim_destroy(sim);
		return false;
	}
	bool ok = false;
	dv_ndis_set_phase(nd, DV_PHASE_INIT);
	NDIS_DMA_DESCRIPTION d;
	memset(&d, 0, sizeof d);
	d.DemandMode = q->demand;
	d.DmaChannelSpecified = TRUE;
	d.DmaWidth = q->width16 ? Width16Bits : Width8Bits;
	d.DmaSpeed = Compatible;
	d.DmaChannel = q->channel;
	NDIS_HANDLE h = NULL;
	NDIS_STATUS st = NdisMRegisterDmaChannel(&h, (NDIS_HANDLE)nd, q->channel, FALSE, &d,
	                                         DV_QUIZ_MAX_LENGTH);
	if (st != NDIS_STATUS_SUCCESS || !h)
		goto out;
	dv_ndis_set_phase(nd, DV_PHASE_RUNNING);
	PNDIS_BUFFER b = buffer_at(nd, q->buf_phys, q->buf_len);
	if (!b)
		goto out;
	if (q->busy) {
		PNDIS_BUFFER first = buffer_at(nd, q->busy_phys, q->busy_len);
		if (!first)
			goto out;
		NdisMSetupDmaTransfer(&st, h, first, 0, q->busy_len, q->send);
		if (st != NDIS_STATUS_SUCCESS)
			goto out;
	}
	size_t from = sim->trace.len;
	NdisMSetupDmaTransfer(&st, h, b, q->offset, q->length, q->send);
	q->status = st;
	q->programmed = st == NDIS_STATUS_SUCCESS;
	/* The bytes written to the channel's registers, read back from the trace. */
	unsigned ch = q->channel, sub = ch & 3;
	uint16_t mode_port = ch < 4 ? 0x0B : 0xD6;
	uint16_t addr_port = ch < 4 ? (uint16_t)(2 * sub) : (uint16_t)(0xC0 + 4 * sub);
	uint16_t count_port = ch < 4 ? (uint16_t)(addr_port + 1) : (uint16_t)(addr_port + 2);
	uint16_t page_port = dv_dma_page_port(ch);
	unsigned naddr = 0, ncount = 0;
	for (size_t i = from; i < sim->trace.len; i++) {
		const struct dv_event *e = &sim->trace.ev[i];
		if (e->kind != DV_EV_PORT_OUT)
			continue;
		uint8_t v = (uint8_t)e->new_value;
		if (e->index == mode_port && (v & 3) == sub)
			q->mode = v;
		else if (e->index == addr_port)
			*(naddr++ == 0 ? &q->addr_lo : &q->addr_hi) = v;
		else if (e->index == count_port)
			*(ncount++ == 0 ? &q->count_lo : &q->count_hi) = v;
		else if (e->index == page_port)
			q->page = v;
	}
	if (q->programmed) {
		const struct dv_adapter *ad = &nd->hal.adapter[ch];
		q->bounce = ad->bounced;
		q->phys = ad->phys;
		/* The device holds DREQ for K cycles and drops it; the bus settles for three more. */
		dv_sim_set(sim, DV_SLOT_BUS_DREQ, 0, sim->st.bus.dreq | (1u << ch));
		dv_sim_run(sim, q->k_cycles);
		dv_sim_set(sim, DV_SLOT_BUS_DREQ, 0, sim->st.bus.dreq & ~(1u << ch));
		dv_sim_run(sim, 3);
		q->residue = NdisMReadDmaCounter(h);
		NdisMCompleteDmaTransfer(&st, h, b, q->offset, q->length, q->send);
		q->complete_status = st;
		/* Complete leaves the count alone: the residue is still there to read. */
		uint32_t left = NdisMReadDmaCounter(h);
		q->valid = left > q->length ? 0 : q->length - left;
		if (naddr != 2 || ncount != 2)
			goto out;
	} else if (naddr || ncount) {
		goto out; /* a failed Setup touches no port */
	}
	ok = true;
out:
	dv_ndis_destroy(nd);
	dv_sim_destroy(sim);
	return ok;
}

bool dv_quiz_generate(uint64_t seed, struct dv_quiz *q)
{
	scenario(seed, q);
	return solve(q);
}

/* ---- questions and answers ----------------------------------------------------------------- */

static const char *const ids[DV_QUIZ_NQUESTIONS] = {
	"status", "mode", "addr-lo", "addr-hi", "page", "count-lo", "count-hi", "bounce", "residue", "valid",
};

static const char *const asks[DV_QUIZ_NQUESTIONS] = {
	"the Status NdisMSetupDmaTransfer returns",
	"the byte written to the mode register",
	"the first (low) byte written to the channel's address register",
	"the second (high) byte written to the address register",
	"the byte written to the channel's page register",
	"the first (low) byte written to the channel's count register",
	"the second (high) byte written to the count register",
	"does the HAL use a map-register (bounce) buffer? yes or no",
	"what NdisMReadDmaCounter returns after the K cycles (bytes)",
	"bytes moved, valid after NdisMCompleteDmaTransfer",
};

const char *dv_quiz_id(unsigned question)
{
	return question < DV_QUIZ_NQUESTIONS ? ids[question] : NULL;
}

int dv_quiz_find(const char *id)
{
	for (unsigned i = 0; i < DV_QUIZ_NQUESTIONS; i++)
		if (!strcmp(id, ids[i]))
			return (int)i;
	return -1;
}

static const char *status_name(int32_t st)
{
	return dv_ndis_status_name(st);
}

void dv_quiz_answer(const struct dv_quiz *q, unsigned question, char *buf, size_t size)
{
	if (!size)
		return;
	if (question == DV_QUIZ_STATUS) {
		snprintf(buf, size, "%s", status_name(q->status));
		return;
	}
	if (!q->programmed || question >= DV_QUIZ_NQUESTIONS) {
		snprintf(buf, size, "none");
		return;
	}
	switch (question) {
	case DV_QUIZ_MODE: snprintf(buf, size, "0x%02X", q->mode); break;
	case DV_QUIZ_ADDR_LO: snprintf(buf, size, "0x%02X", q->addr_lo); break;
	case DV_QUIZ_ADDR_HI: snprintf(buf, size, "0x%02X", q->addr_hi); break;
	case DV_QUIZ_PAGE: snprintf(buf, size, "0x%02X", q->page); break;
	case DV_QUIZ_COUNT_LO: snprintf(buf, size, "0x%02X", q->count_lo); break;
	case DV_QUIZ_COUNT_HI: snprintf(buf, size, "0x%02X", q->count_hi); break;
	case DV_QUIZ_BOUNCE: snprintf(buf, size, "%s", q->bounce ? "yes" : "no"); break;
	case DV_QUIZ_RESIDUE: snprintf(buf, size, "%u", (unsigned)q->residue); break;
	case DV_QUIZ_VALID: snprintf(buf, size, "%u", (unsigned)q->valid); break;
	default: snprintf(buf, size, "none"); break;
	}
}

static bool ieq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a, y = *b;
		if (x >= 'A' && x <= 'Z')
			x = (char)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (char)(y - 'A' + 'a');
		if (x != y)
			return false;
	}
	return *a == *b;
}

/* "0x1F" or "31"; false for anything else (no octal, no sign, no trailing junk). */
static bool parse_number(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	bool hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	const char *p = hex ? s + 2 : s;
	if (!*p)
		return false;
	for (; *p; p++) {
		unsigned d;
		if (*p >= '0' && *p <= '9')
			d = (unsigned)(*p - '0');
		else if (hex && *p >= 'a' && *p <= 'f')
			d = (unsigned)(*p - 'a' + 10);
		else if (hex && *p >= 'A' && *p <= 'F')
			d = (unsigned)(*p - 'A' + 10);
		else
			return false;
		if (v > (UINT64_MAX - d) / (hex ? 16 : 10))
			return false;
		v = v * (hex ? 16 : 10) + d;
	}
	*out = v;
	return true;
}

bool dv_quiz_check(const struct dv_quiz *q, unsigned question, const char *value)
{
	if (question >= DV_QUIZ_NQUESTIONS || !value)
		return false;
	uint64_t n;
	if (question == DV_QUIZ_STATUS) {
		const char *name = status_name(q->status);
		if (ieq(value, name) || ieq(value, name + strlen("NDIS_STATUS_")))
			return true;
		return parse_number(value, &n) && n == (uint32_t)q->status;
	}
	if (!q->programmed)
		return ieq(value, "none");
	if (question == DV_QUIZ_BOUNCE)
		return ieq(value, q->bounce ? "yes" : "no");
	if (!parse_number(value, &n))
		return false;
	switch (question) {
	case DV_QUIZ_MODE: return n == q->mode;
	case DV_QUIZ_ADDR_LO: return n == q->addr_lo;
	case DV_QUIZ_ADDR_HI: return n == q->addr_hi;
	case DV_QUIZ_PAGE: return n == q->page;
	case DV_QUIZ_COUNT_LO: return n == q->count_lo;
	case DV_QUIZ_COUNT_HI: return n == q->count_hi;
	case DV_QUIZ_RESIDUE: return n == q->residue;
	case DV_QUIZ_VALID: return n == q->valid;
	default: return false;
	}
}

/* ---- text ------------------------------------------------------------------------------------ */

struct out {
	char *buf;
	size_t size, len;
};

static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	size_t room = o->len < o->size ? o->size - o->len : 0;
	int n = vsnprintf(room ? o->buf + o->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len += (size_t)n;
}

/* Why the answer is what it is, in a few words (a comment after the answer). */
static void why(struct out *o, const struct dv_quiz *q, unsigned question)
{
	if (question == DV_QUIZ_STATUS) {
		if (q->programmed)
			put(o, "a free channel and a proper subrange");
		else if (q->busy)
			put(o, "the channel is busy: a transfer is set up and not completed");
		else if (q->fault == DV_QUIZ_ZERO)
			put(o, "Length 0 is invalid");
		else if (q->fault == DV_QUIZ_PAST)
			put(o, "Offset + Length = %u is past the buffer's %u bytes",
			    (unsigned)(q->offset + q->length), (unsigned)q->buf_len);
		else if (q->fault == DV_QUIZ_ODD)
			put(o, "a 16-bit channel moves words: an odd Length is invalid");
		else
			put(o, "the range is not valid");
		return;
	}
	if (!q->programmed) {
		put(o, "Setup failed: nothing programmed, nothing moved");
		return;
	}
	unsigned type = (q->mode >> 2) & 3, sel = (q->mode >> 6) & 3;
	switch (question) {
	case DV_QUIZ_MODE:
		put(o, "%s, %s, channel %u of DMA%u", dv_dma_sel_name(sel), dv_dma_type_name(type),
		    (unsigned)(q->mode & 3), q->width16 ? 2u : 1u);
		break;
	case DV_QUIZ_ADDR_LO:
	case DV_QUIZ_ADDR_HI:
		if (q->width16)
			put(o, "word address (0x%06X >> 1) & 0xFFFF = 0x%04X", (unsigned)q->phys,
			    (unsigned)((q->phys >> 1) & 0xFFFF));
		else
			put(o, "0x%06X & 0xFFFF = 0x%04X", (unsigned)q->phys, (unsigned)(q->phys & 0xFFFF));
		break;
	case DV_QUIZ_PAGE:
		put(o, "0x%06X >> 16%s", (unsigned)q->phys, q->width16 ? ", bit 0 clear on a 16-bit channel" : "");
		break;
	case DV_QUIZ_COUNT_LO:
	case DV_QUIZ_COUNT_HI:
		if (q->width16)
			put(o, "%u bytes = %u words, minus 1 = 0x%04X", (unsigned)q->length,
			    (unsigned)(q->length / 2), (unsigned)(q->length / 2 - 1));
		else
			put(o, "%u bytes minus 1 = 0x%04X", (unsigned)q->length, (unsigned)(q->length - 1));
		break;
	case DV_QUIZ_BOUNCE:
		if (!q->bounce)
			put(o, "contiguous, below 16 MiB, inside one %s KiB block", q->width16 ? "128" : "64");
		else if (q->place == DV_QUIZ_HIGH)
			put(o, "the buffer is above 16 MiB, out of the 8237's 24-bit reach");
		else
			put(o, "the range crosses a %s KiB boundary", q->width16 ? "128" : "64");
		break;
	case DV_QUIZ_RESIDUE:
		put(o, "%s", q->residue ? "the count had not run out" : "the transfer reached TC");
		break;
	case DV_QUIZ_VALID:
		put(o, "Length %u - residue %u", (unsigned)q->length, (unsigned)q->residue);
		break;
	default:
		break;
	}
}

size_t dv_quiz_format(const struct dv_quiz *q, bool answers, char *buf, size_t size)
{
	struct out o = { buf, size, 0 };
	if (size)
		buf[0] = 0;
	put(&o, "dmaviz quiz --seed %llu\n\n", (unsigned long long)q->seed);
	put(&o, "A miniport registered DMA channel %u (%s, DMA%u) in %s mode, MaximumLength %u.\n",
	    (unsigned)q->channel, q->width16 ? "16-bit" : "8-bit", q->width16 ? 2u : 1u,
	    q->demand ? "demand" : "single", DV_QUIZ_MAX_LENGTH);
	put(&o, "Its NDIS_BUFFER is physically contiguous: %u bytes at physical 0x%08X.\n",
	    (unsigned)q->buf_len, (unsigned)q->buf_phys);
	if (q->busy)
		put(&o, "A transfer of %u bytes at physical 0x%08X is already set up on this handle and\n"
		        "has not been completed.\n",
		    (unsigned)q->busy_len, (unsigned)q->busy_phys);
	else
		put(&o, "No transfer is in progress on the channel.\n");
	put(&o, "The miniport calls\n\n    NdisMSetupDmaTransfer(&Status, DmaHandle, Buffer, %u, %u, %s);\n\n",
	    (unsigned)q->offset, (unsigned)q->length, q->send ? "TRUE" : "FALSE");
	put(&o, "(Offset %u, Length %u, WriteToDevice %s: a %s).\n", (unsigned)q->offset,
	    (unsigned)q->length, q->send ? "TRUE" : "FALSE",
	    q->send ? "send, memory -> device" : "receive, device -> memory");
	put(&o, "If it succeeds, the device on the channel holds DREQ for K = %u bus cycles and drops\n"
	        "it; three cycles later the miniport calls NdisMReadDmaCounter, then completes early\n"
	        "with NdisMCompleteDmaTransfer and the same arguments.\n\n",
	    (unsigned)q->k_cycles);
	put(&o, "Questions (answer 'id: value'; numbers in hex 0x.. or decimal; 'none' when Setup\n"
	        "fails and nothing is programmed):\n");
	for (unsigned i = 0; i < DV_QUIZ_NQUESTIONS; i++)
		put(&o, "  %-9s %s\n", ids[i], asks[i]);
	if (answers) {
		put(&o, "\nAnswers:\n");
		for (unsigned i = 0; i < DV_QUIZ_NQUESTIONS; i++) {
			char a[64];
			dv_quiz_answer(q, i, a, sizeof a);
			char line[96];
			snprintf(line, sizeof line, "%s: %s", ids[i], a);
			put(&o, "%-30s # ", line);
			why(&o, q, i);
			put(&o, "\n");
		}
	}
	return o.len;
}

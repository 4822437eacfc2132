/* dmaviz: golden traces of the reference miniport: a 60-byte send and a 60-byte receive.
 *
 * usage: golden-trace send|receive EXPECTED_FILE
 * Prints the trace in words (without the per-byte memory, cache, FIFO and strobe changes,
 * which the closing hash covers) and compares it with EXPECTED_FILE. DV_REGEN=1 rewrites the
 * file instead. The hash covers every event, with source locations by file name only, so it
 * does not depend on where the tree is built. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "describe.h"
#include "dvmini.h"
#include "dvndis.h"
#include "nic.h"
#include "sim.h"

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

static bool shown(const struct dv_event *e)
{
	if (e->kind != DV_EV_STATE)
		return e->kind != DV_EV_WIRE;
	switch ((enum dv_slot)e->slot) {
	case DV_SLOT_DMA_ADDR:
	case DV_SLOT_DMA_COUNT:
	case DV_SLOT_DMA_MODE:
	case DV_SLOT_DMA_MASK:
	case DV_SLOT_DMA_STATUS:
	case DV_SLOT_PAGE:
	case DV_SLOT_BUS_IRQ:
	case DV_SLOT_BUS_TC:
	case DV_SLOT_CPU_IRQL:
	case DV_SLOT_NIC_CMD:
	case DV_SLOT_NIC_IMR:
	case DV_SLOT_NIC_ISR:
	case DV_SLOT_NIC_TXLEN: return true;
	default: return false;
	}
}

static uint64_t mix(uint64_t h, uint64_t v)
{
	for (int i = 0; i < 8; i++) {
		h ^= (uint8_t)(v >> (8 * i));
		h *= 0x100000001b3ull;
	}
	return h;
}

int main(int argc, char **argv)
{
	if (argc != 3 || (strcmp(argv[1], "send") && strcmp(argv[1], "receive"))) {
		fprintf(stderr, "usage: golden-trace send|receive EXPECTED_FILE\n");
		return 2;
	}
	bool send = !strcmp(argv[1], "send");
	struct dv_sim *sim = dv_sim_create(NULL);
	struct dv_ndis *nd = dv_ndis_create(sim);
	if (!sim || !nd || dv_ndis_load(nd, DvMiniDriverEntry) != NDIS_STATUS_SUCCESS ||
	    dv_ndis_initialize(nd) != NDIS_STATUS_SUCCESS) {
		fprintf(stderr, "golden-trace: the reference miniport did not start\n");
		return 1;
	}
	size_t from = sim->trace.len;
	if (send) {
		struct dv_packet_spec spec = { 1, { { 60, 0, false } } };
		int idx = dv_ndis_send(nd, &spec);
		for (int i = 0; i < 20000 && idx >= 0 && !nd->tx[idx].completed; i++)
			dv_sim_tick(sim);
	} else {
		dv_peer_send(sim, 60);
		for (int i = 0; i < 20000 && nd->nrx == 0; i++)
			dv_sim_tick(sim);
	}
	dv_sim_run(sim, 50);

	size_t cap = 1 << 20, len = 0;
	char *out = malloc(cap);
	uint64_t h = 0xcbf29ce484222325ull;
	char line[512], what[400];
	struct dv_cursor cur;
	dv_cursor_init(&cur, sim);
	for (size_t i = from; i < sim->trace.len && out; i++) {
		const struct dv_event *e = dv_trace_at(&sim->trace, i);
		const struct dv_loc *loc = dv_trace_get_loc(&sim->trace, e->loc);
		h = mix(h, e->cycle);
		h = mix(h, (uint64_t)e->kind << 48 | (uint64_t)e->slot << 32 | e->index);
		h = mix(h, (uint64_t)e->old_value << 32 | e->new_value);
		h = mix(h, (uint64_t)e->src << 8 | e->chan);
		if (loc) {
			for (const char *p = base_name(loc->file); *p; p++)
				h = mix(h, (uint8_t)*p);
			h = mix(h, loc->line);
		}
		if (e->kind == DV_EV_STATE && e->slot == DV_SLOT_DMA_SIGNALS) {
			/* The arbitration word (state.h): its status fields, a line each, as
			 * when each was an event of its own. */
			struct dv_slot_change chg[DV_SIGNAL_FIELDS];
			unsigned nchg = dv_slot_changes(DV_SLOT_DMA_SIGNALS, 0, e->old_value,
			                                e->new_value, chg);
			for (unsigned k = 0; k < nchg; k++) {
				if (chg[k].slot != DV_SLOT_DMA_STATUS)
					continue;
				char name[32];
				dv_slot_name(chg[k].slot, chg[k].index, name, sizeof name);
				int n = snprintf(line, sizeof line, "%6llu %-7s %s 0x%x -> 0x%x\n",
				                 (unsigned long long)e->cycle,
				                 dv_src_name((enum dv_src)e->src), name,
				                 chg[k].old_value, chg[k].new_value);
				if (n > 0 && len + (size_t)n < cap) {
					memcpy(out + len, line, (size_t)n);
					len += (size_t)n;
				}
			}
			continue;
		}
		if (!shown(e))
			continue;
		dv_event_describe(sim, nd, e, what, sizeof what);
		int n;
		if (loc)
			n = snprintf(line, sizeof line, "%6llu %-7s %s:%u: %s\n",
			             (unsigned long long)e->cycle, dv_src_name((enum dv_src)e->src),
			             base_name(loc->file), loc->line, what);
		else
			n = snprintf(line, sizeof line, "%6llu %-7s %s\n",
			             (unsigned long long)e->cycle, dv_src_name((enum dv_src)e->src),
			             what);
		if (n > 0 && len + (size_t)n < cap) {
			memcpy(out + len, line, (size_t)n);
			len += (size_t)n;
		}
		if (e->kind != DV_EV_XFER || !(e->old_value & DV_XFER_STEPS))
			continue;
		/* The address and count steps the transfer's event implies (trace.h), a line
		 * each, as when each was an event of its own. */
		static const enum dv_slot stepped[2] = { DV_SLOT_DMA_ADDR, DV_SLOT_DMA_COUNT };
		for (unsigned k = 0; k < 2; k++) {
			dv_cursor_seek(&cur, i);
			uint32_t o = dv_cursor_get(&cur, stepped[k], e->chan);
			dv_cursor_seek(&cur, i + 1);
			uint32_t v = dv_cursor_get(&cur, stepped[k], e->chan);
			char name[32];
			dv_slot_name(stepped[k], e->chan, name, sizeof name);
			n = snprintf(line, sizeof line, "%6llu %-7s %s 0x%x -> 0x%x\n",
			             (unsigned long long)e->cycle, dv_src_name((enum dv_src)e->src),
			             name, o, v);
			if (n > 0 && len + (size_t)n < cap) {
				memcpy(out + len, line, (size_t)n);
				len += (size_t)n;
			}
		}
	}
	dv_cursor_finish(&cur);
	int n = snprintf(line, sizeof line, "events: %zu\nhash: %016llx\nverifier: %u\n",
	                 sim->trace.len - from, (unsigned long long)h, nd->violations);
	if (out && n > 0 && len + (size_t)n < cap) {
		memcpy(out + len, line, (size_t)n);
		len += (size_t)n;
	}
	int rc = 0;
	const char *regen = getenv("DV_REGEN");
	if (regen && *regen && strcmp(regen, "0")) {
		FILE *f = fopen(argv[2], "wb");
		if (!f || fwrite(out, 1, len, f) != len) {
			fprintf(stderr, "golden-trace: cannot write %s\n", argv[2]);
			rc = 2;
		}
		if (f)
			fclose(f);
		printf("rewrote %s (%zu bytes)\n", argv[2], len);
	} else {
		FILE *f = fopen(argv[2], "rb");
		char *want = malloc(cap);
		size_t wlen = f && want ? fread(want, 1, cap, f) : 0;
		if (f)
			fclose(f);
		if (!f) {
			fprintf(stderr, "golden-trace: cannot read %s (DV_REGEN=1 creates it)\n",
			        argv[2]);
			rc = 1;
		} else if (wlen != len || memcmp(want, out, len) != 0) {
			/* Show the first line that differs. */
			size_t a = 0, ln = 1;
			while (a < len && a < wlen && out[a] == want[a]) {
				if (out[a] == '\n')
					ln++;
				a++;
			}
			fprintf(stderr,
			        "%s:%zu: the trace differs from the golden file; review with "
			        "DV_REGEN=1 and git diff\n",
			        argv[2], ln);
			rc = 1;
		} else {
			printf("golden trace %s matches (%zu bytes)\n", argv[1], len);
		}
		free(want);
	}
	free(out);
	dv_ndis_destroy(nd);
	dv_sim_destroy(sim);
	return rc;
}

/* dmaviz: a trace exported for people and tools (docs/trace-formats.md).
 *
 * Three formats of the same events: text (the event log in words, one line per event), JSON
 * Lines (one object per event) and VCD (the bus signals and registers as waveforms, for
 * GTKWave). The core does no I/O: output goes through a write callback, or into a growable
 * buffer with dv_outbuf_write. Output depends only on the trace, so it is byte-identical from
 * run to run; source files are named by their base name so it does not depend on paths.
 */
#ifndef DV_EXPORT_H
#define DV_EXPORT_H

#include <stdbool.h>
#include <stddef.h>

struct dv_sim;
struct dv_ndis;

/* Receives len bytes of output (not NUL-terminated). */
typedef void (*dv_write_fn)(void *ctx, const char *buf, size_t len);

/* A growable buffer and its write callback (ctx = the buffer). data is NUL-terminated;
 * failed is set when memory ran out (what came after was dropped). */
struct dv_outbuf {
	char *data;
	size_t len, cap;
	bool failed;
};
void dv_outbuf_write(void *ctx, const char *buf, size_t len);
void dv_outbuf_free(struct dv_outbuf *b);

/* s as a JSON string, quotes included: control characters escaped, and a byte that is not
 * UTF-8 written as the characters \xNN (as JUnit shows it), so the text stays valid JSON.
 * JSON Lines here and Gradescope's results.json (ui/cli/report.c) use it. */
void dv_json_string(dv_write_fn write, void *ctx, const char *s);

/* VCD time: one bus cycle (tick) is DV_VCD_CYCLE_NS nanoseconds (four clocks of 16 MHz);
 * changes within one cycle get consecutive nanoseconds so that pulses stay visible. */
#define DV_VCD_CYCLE_NS 250u

/* Each exports the whole trace of sim. ndis may be NULL (calls then show without
 * arguments). They return false when ndis or sim is unusable or memory ran out. */
bool dv_export_text(struct dv_sim *sim, const struct dv_ndis *ndis, dv_write_fn write, void *ctx);
bool dv_export_jsonl(struct dv_sim *sim, const struct dv_ndis *ndis, dv_write_fn write, void *ctx);
/* The VCD declares each signal in nested scopes named by the parts of its name (bus.dack1 is
 * dack1 in dmaviz > bus); wires_only leaves out every signal wider than one bit. A derived
 * signal (bus.owner, nic.status) is read by a cursor on sim as the export walks the trace. */
bool dv_export_vcd(struct dv_sim *sim, bool wires_only, dv_write_fn write, void *ctx);

#endif

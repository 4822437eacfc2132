/* dmaviz: the front-end-neutral view. Given a lesson run and a position in its trace, it
 * builds the panels (narration, 8237A, NIC, NDIS call, event log, driver source) as lines of
 * text with a semantic style role per byte. The terminal UI and the SDL2 mode draw these;
 * neither decides what a panel says. No curses, no SDL here.
 *
 * Positions are event counts: position p shows the machine after events [0, p). A move also
 * names the position it is measured from, and values that differ between the two carry
 * DV_ROLE_CHANGED; the base is a function of the position and the granularity only (never of
 * the path that led there), so stepping back shows exactly the screen seen going forward.
 */
#ifndef DV_VIEW_H
#define DV_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lesson.h"
#include "sim.h"

struct dv_ndis;

enum dv_role {
	DV_ROLE_NORMAL,
	DV_ROLE_HEADING,   /* a panel's title row, emphasised words */
	DV_ROLE_CHANGED,   /* a value the current move changed */
	DV_ROLE_HIGHLIGHT, /* the current source line, code in narration, the current event */
	DV_ROLE_DIM,       /* context: other channels, older events */
	DV_ROLE_ERROR,     /* a verifier rule that fired, a missing file (text starts with "! ") */
	DV_ROLE_FADING,    /* a value one of the two moves before the current one changed */
	DV_ROLE_COUNT
};

/* One line: UTF-8 text and one role per byte (roles[i] styles text[i]). */
struct dv_vline {
	char *text;
	uint8_t *roles;
	size_t len, cap;
};

/* Appends printf-style text in one style role to a line (front ends that build their own
 * lines, such as the SDL2 boxes, use it too). */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
void dv_vline_add(struct dv_vline *l, enum dv_role role, const char *fmt, ...);

struct dv_vpanel {
	char title[128];
	struct dv_vline *line;
	size_t n, cap;
};

void dv_vpanel_init(struct dv_vpanel *p);
void dv_vpanel_clear(struct dv_vpanel *p);
void dv_vpanel_finish(struct dv_vpanel *p);
/* A new empty line at the end of p (for panels built outside view.c, such as the lecture
 * facts' text); never NULL. */
struct dv_vline *dv_vpanel_add_line(struct dv_vpanel *p);
/* Word-wraps a styled line into p at width cells (roles kept; a word longer than a line is
 * cut). */
void dv_vpanel_wrap(struct dv_vpanel *p, const struct dv_vline *src, size_t width);
/* Appends a blank line, src's title as a heading (when it has one) and src's lines, roles
 * kept, to p (a question under the narration). */
void dv_vpanel_append(struct dv_vpanel *p, const struct dv_vpanel *src);
/* Display cells of a line's first len bytes (UTF-8 code points; lessons use no wide glyphs). */
size_t dv_vtext_cells(const char *text, size_t len);
/* Bytes of text that fill at most cells display cells. */
size_t dv_vtext_bytes_for(const char *text, size_t len, size_t cells);

/* How far one move goes: a lesson step, to just past the next NDIS call (DV_EV_CALL) or port
 * access (PORT_OUT/PORT_IN) and the state changes it caused (the register a write lands in),
 * or bus cycle (the last event of a cycle), or one event: a record of the trace, an act and
 * what it caused in its bus cycle (trace.h). The granularity command cycles the first four;
 * DV_GRAN_EVENT is what ./, always do. */
enum dv_gran {
	DV_GRAN_STEP,
	DV_GRAN_CALL,
	DV_GRAN_PORT,
	DV_GRAN_CYCLE,
	DV_GRAN_EVENT,
	DV_GRAN_COUNT
};

/* What a key (or a button, or a demo script) asks for: the one command path of all fronts. */
enum dv_vcmd {
	DV_VCMD_NEXT,       /* one unit of the current granularity forward */
	DV_VCMD_PREV,       /* and back */
	DV_VCMD_NEXT_EVENT, /* one trace event, whatever the granularity */
	DV_VCMD_PREV_EVENT,
	DV_VCMD_FIRST, /* the first lesson step */
	DV_VCMD_LAST,  /* the end of the lesson */
	DV_VCMD_GRAN,  /* cycle the granularity */
	DV_VCMD_COUNT
};

/* A check of the lesson that failed in the run (an `expect`, a `run until` that timed out), as
 * the application layer found it: its lesson line, the step it stands in, where it ran (the
 * trace position of its statement's mark) and the message without its "FILE:LINE: " head. */
struct dv_vfail {
	uint32_t line;
	unsigned step;
	size_t pos;
	const char *text;
};

struct dv_view {
	const struct dv_lesson *lesson;
	const struct dv_run *run;
	struct dv_sim *sim;
	const struct dv_ndis *ndis; /* NULL: calls show without their arguments */
	const char *source_root;    /* where relative driver paths are looked up too; may be NULL */
	/* A recording's view: the source pane shows the recording's copies of the files, and
	 * only those (a file on this machine may have changed since). NULL: the files. */
	const struct dv_recording *rec;
	struct dv_cursor now, base;    /* state at pos, and at from */
	struct dv_cursor base2, base3; /* state one and two units before from (fading highlights) */
	size_t pos, from, end;         /* end: the trace length */
	size_t from2, from3;
	/* Scrolling a focused pane: the log shows entries that many older; the source starts
	 * that many lines below (or above, negative) its usual first line. */
	size_t log_scroll;
	long src_scroll;
	/* What the last dv_view_timing drew: its first column's cycle and its column count. */
	uint64_t timing_first;
	size_t timing_ncols;
	unsigned step; /* the lesson step pos lies in */
	/* Set by the application layer's beats: the narration shows the step's paragraphs
	 * [0, narr_shown) (UINT_MAX: all), the last of them marked as the current one when
	 * narr_mark; the source pane shows no line of the lesson file after src_hide_after (0:
	 * every line) and the line ranges src_hidden (pairs of first, last) as "(answer hidden)". */
	unsigned narr_shown;
	bool narr_mark;
	/* Not at a beat: the lesson's actions that ran between narr_tail_from (a position; SIZE_MAX:
	 * none) and the cursor are listed under the narration, so the words above a picture name
	 * what changed it since the last paragraph. */
	size_t narr_tail_from;
	/* Where each lesson statement ran: the trace position of its mark (SIZE_MAX: never), set
	 * by the application layer; NULL: the narration lists no statements or reads. */
	const size_t *stmt_at;
	uint32_t src_hide_after;
	uint32_t src_show_from; /* the lesson file from this line on (the current step's); 0: all */
	const uint32_t *src_hidden;
	size_t src_nhidden;
	/* The failed checks the cursor has passed (set by the application layer, in the run's
	 * order): the source pane marks their lesson lines with '!' in the error role, and the
	 * narration ends with the current step's ones. */
	const struct dv_vfail *fails;
	size_t nfails;
	enum dv_gran gran;
	/* the last source file read, kept so redraws do not re-read it */
	char *src_path;
	char *src_text;
	size_t src_len;
};

/* Sets up a view of a run that has been run to its end (dv_run_all) and puts it at the end of
 * the first step that has narration. The run and lesson must outlive the view. */
void dv_view_init(struct dv_view *v, const struct dv_lesson *lesson, const struct dv_run *run,
                  const struct dv_ndis *ndis, const char *source_root);
/* A driver's source file the trace names: as written, then (a relative one, without its
 * leading "../") under root; at most 8 MiB. NULL when neither can be read. */
char *dv_view_read_source(const char *path, const char *root, size_t *len);
void dv_view_finish(struct dv_view *v);

/* Moves to position pos, with changes measured from position from (from <= pos). */
void dv_view_seek(struct dv_view *v, size_t pos, size_t from);
/* As dv_view_seek, with the fading bases given (from3 <= from2 <= from). */
void dv_view_seek_fade(struct dv_view *v, size_t pos, size_t from, size_t from2, size_t from3);
/* The position one unit of the current granularity before p (0 at the start): the base a
 * move to p is measured from. */
size_t dv_view_unit_back(const struct dv_view *v, size_t p);
/* Playing's unit: the first position after p that ends a bus cycle, a port access or an NDIS
 * call (v->end when none), so an animation shows each register write and each DMA cycle. */
size_t dv_view_play_next(const struct dv_view *v, size_t p);
/* Moves to the end of bus cycle c (changes measured from the end of cycle c - 1). False when
 * the trace has no event of that cycle or before. */
bool dv_view_seek_cycle(struct dv_view *v, uint64_t c);
/* The verifier rule (an enum dv_rule) that fired last at or before the cursor, or -1. */
int dv_view_last_rule(const struct dv_view *v);
/* The explanation of the verifier rule dv_view_last_rule names: its title, then its text,
 * wrapped at width cells. Empty (no lines) when no rule fired. */
void dv_view_rule(struct dv_view *v, struct dv_vpanel *p, size_t width);
/* The output table's rows the run has written up to the cursor (never a later one: a row
 * shows once the learner reaches the moment its `output` ran). */
size_t dv_view_rows_reached(const struct dv_view *v);
/* The output table as the learner has reached it: a title saying which rows it holds, then
 * at most lines rows, the newest back rows before the last reached left out (a front end
 * scrolls with back; it is clamped and written back). Rows are not wrapped: a front end cuts
 * them at its width. */
void dv_view_output(struct dv_view *v, struct dv_vpanel *p, size_t lines, size_t *back);
/* Moves to the end of lesson step k, changes measured from its start. False when step k never
 * ran. */
bool dv_view_goto_step(struct dv_view *v, unsigned k);
/* The first position after p that ends a unit of the current granularity (v->end when none;
 * the next record at event granularity). Step granularity is the application layer's (beats). */
size_t dv_view_unit_next(const struct dv_view *v, size_t p);
/* The events before trace position pos as the views count them (records, trace.h). */
size_t dv_view_events(const struct dv_view *v, size_t pos);
/* The lesson step position pos lies in (a position at a step's end belongs to that step). */
unsigned dv_view_step_at(const struct dv_view *v, size_t pos);
/* Runs a command. Returns true when the view moved or changed. */
bool dv_view_command(struct dv_view *v, enum dv_vcmd cmd);

/* The visible step count ("step 2 of 5": the setup step 0 is not counted when it says
 * nothing) and the shown number of step k. */
unsigned dv_view_step_count(const struct dv_view *v);
unsigned dv_view_step_number(const struct dv_view *v, unsigned k);
const char *dv_view_gran_name(enum dv_gran g);

/* What channel ch's count register means now, in words: "1514 bytes left", "done" (0xFFFF
 * after terminal count), or "65536 bytes left" for a full 64 KiB (128 KiB) transfer that has
 * not started (0xFFFF too: the 8237A counts N-1, and only the address tells the two apart).
 * terse leaves out "bytes" (a narrow pane). */
void dv_view_count_words(const struct dv_view *v, unsigned ch, bool terse, char *buf, size_t size);

/* The channel the lesson is about at the cursor: the last channel an event named or
 * programmed (a transfer, a call on a DMA handle, a write to its registers), else the one the
 * lesson's machine line gave the NIC; never channel 4, the cascade. */
unsigned dv_view_active_channel(const struct dv_view *v);
/* Does a DMA handle stand for channel ch at the cursor: the last NdisMRegisterDmaChannel for
 * it returned NDIS_STATUS_SUCCESS and no Deregister came after? */
bool dv_view_dma_registered(const struct dv_view *v, unsigned ch);
/* NDIS_DMA_BLOCK.InProgress of channel ch's handle at the cursor, as ndis_dma.c holds it: set
 * inside a Setup that passed its checks, just before its KeFlushIoBuffers; cleared inside a
 * Complete once IoFlushAdapterBuffers returned, and by a Deregister. *since (may be NULL)
 * gets the index of that KeFlushIoBuffers call event (SIZE_MAX when not in progress). */
bool dv_view_dma_in_progress(const struct dv_view *v, unsigned ch, size_t *since);

/* The device wired to channel ch's DREQ and DACK lines: "NIC" on the channel the lesson's
 * machine line gives the card, NULL on every other channel (a lesson drives those DREQs with
 * `dreq`, and a transfer there moves the floating bus). Every front end draws a card only
 * where this names one. */
const char *dv_view_channel_device(const struct dv_view *v, unsigned ch);

/* The panels. width is the room in cells for wrapped text (narration) and the source lines;
 * rows is how many lines a panel may use (the event log and source show that many). */
/* Whether lesson statement k is one the narration lists past the step's last paragraph ("Then:
 * out 0x300 0x80"): it ran since the last words and is not a check, question or break. */
bool dv_view_tail_stmt(const struct dv_view *v, size_t k);
void dv_view_narration(struct dv_view *v, struct dv_vpanel *p, size_t width);
/* Where a front end starts showing narration p in rows lines after a move: the first line of
 * the current (marked) paragraph, or as much of the end as fits when that is later or no
 * paragraph is marked, so the newest words are on screen; with at_end, the end (a question is
 * under it). */
size_t dv_view_narration_start(const struct dv_vpanel *p, size_t rows, bool at_end);
/* The line of narration p that begins the current (marked) paragraph, or SIZE_MAX. */
size_t dv_view_narration_marked(const struct dv_vpanel *p);
/* Where a front end's narration pane starts (both window layouts): at the current paragraph
 * (dv_view_narration_start) after every move, and whenever the pane's rows or the text's
 * wrapping change (a resize, another font) unless the learner scrolled it by hand; always
 * clamped to the text. */
struct dv_narr_place {
	size_t scroll;          /* the first line shown */
	size_t pos, nb;         /* the moment it was placed for (pos SIZE_MAX: none yet) */
	size_t rows, n, marked; /* the rows, lines and marked line it was placed for */
	bool manual;            /* scrolled by hand since it was placed */
};
void dv_narr_place_reset(struct dv_narr_place *np);
/* Places np for narration p in rows rows at the moment (pos, nb: the cursor and the beats
 * revealed); at_end as dv_view_narration_start's. Returns np->scroll. */
size_t dv_narr_place(struct dv_narr_place *np, const struct dv_vpanel *p, size_t rows, size_t pos,
                     size_t nb, bool at_end);
/* Scrolls by lines (negative: up) by hand; the next dv_narr_place clamps it. */
void dv_narr_place_scroll(struct dv_narr_place *np, long lines);
/* A pane's first line shown, at, moved by lines (negative: up), not above the first; the
 * pane clamps the other end when it is drawn. */
static inline size_t dv_scrolled(size_t at, long lines)
{
	return lines < 0 && (size_t)-lines > at ? 0 : (size_t)((long)at + lines);
}
void dv_view_dma(struct dv_view *v, struct dv_vpanel *p);
void dv_view_nic(struct dv_view *v, struct dv_vpanel *p);
void dv_view_ndis(struct dv_view *v, struct dv_vpanel *p, size_t width);
void dv_view_log(struct dv_view *v, struct dv_vpanel *p, size_t rows);
void dv_view_source(struct dv_view *v, struct dv_vpanel *p, size_t rows);
/* Host memory, 16 bytes a row (rows rows), around dv_view_memory_addr, as it is at the cursor.
 * Bytes a transfer of the current step touched carry DV_ROLE_CHANGED. width < 56 drops the
 * spaces between bytes. */
void dv_view_memory(struct dv_view *v, struct dv_vpanel *p, size_t rows, size_t width);
/* The address the memory panel shows: the last DMA transfer's (*xfer gets its event index),
 * unless the active channel was programmed again before the current move and has not moved
 * a byte since; then the channel's next physical address (*xfer = SIZE_MAX). xfer may be NULL. */
uint32_t dv_view_memory_addr(const struct dv_view *v, size_t *xfer);
/* As dv_view_memory, around addr; what says in the title what the address is. */
void dv_view_memory_at(struct dv_view *v, struct dv_vpanel *p, size_t rows, size_t width,
                       uint32_t addr, const char *what);

/* Run until: where the next event of a kind lies after the cursor (the position just past it
 * and the state changes it caused in its bus cycle, so that the panels show the terminal
 * count's status bit and auto-mask, the interrupt's latch; just past a call's return), or 0
 * when the trace ends first. */
enum dv_until { DV_UNTIL_TC, DV_UNTIL_IRQ, DV_UNTIL_RETURN, DV_UNTIL_VERIFIER };
size_t dv_view_find(const struct dv_view *v, enum dv_until what);

/* What the learner did with one question (the front end keeps it; the view only shows it). */
struct dv_vask {
	unsigned number, count; /* "Question 1 of 2" in this step */
	bool answered, correct;
	const char *given; /* the learner's answer; NULL when answered in an earlier session */
	unsigned hints;    /* hints shown so far */
	bool show_explain; /* the explanation, once answered */
	unsigned attempts, max_attempts; /* wrong answers so far, and how many are allowed */
	bool skipped;                    /* passed over without an answer */
	bool away;                       /* the cursor has moved on from the question's moment */
	bool revealed; /* answered = the learner asked for the answer or ran out of tries */
};
/* Where lesson ask a comes in the trace: just past its statement's mark, so the log names the
 * line (SIZE_MAX when its step never ran). */
size_t dv_view_ask_pos(const struct dv_view *v, unsigned a);
/* "Question N of M": ask a's number among the asks of its step, and how many there are. */
void dv_view_ask_number(const struct dv_view *v, unsigned a, unsigned *number, unsigned *count);
/* A question, its hints so far ("hint 1 of 3: ..."), the verdict and the explanation. */
void dv_view_question(struct dv_view *v, const struct dv_ask *ask, const struct dv_vask *st,
                      struct dv_vpanel *p, size_t width);
/* The timing diagram's levels, for front ends that draw it themselves: column c is bus cycle
 * first + c; hi[sig][c] is whether the signal was high at any point of that cycle, start and
 * end its level as the cycle began (the last one's end) and as it ended. A signal dropped at
 * one cycle's end and raised at the next one's start (HRQ between single-mode transfers) is
 * high in both columns, and low at the end of one and the start of the other. */
enum {
	DV_TSIG_DREQ,
	DV_TSIG_HRQ,
	DV_TSIG_HLDA,
	DV_TSIG_DACK,
	DV_TSIG_TC,
	DV_TSIG_IRQ,
	DV_TSIG_COUNT
};
#define DV_TIMING_MAX 512
struct dv_vtiming {
	uint64_t first;
	size_t ncols;
	char name[DV_TSIG_COUNT][8];
	/* The device on the DREQ and DACK rows' channel (dv_view_channel_device), NULL when
	 * none is wired there: a front end draws no card at the other end of those wires. */
	const char *device;
	bool hi[DV_TSIG_COUNT][DV_TIMING_MAX];
	bool start[DV_TSIG_COUNT][DV_TIMING_MAX], end[DV_TSIG_COUNT][DV_TIMING_MAX];
};
/* The last columns bus cycles up to the cursor's (at most DV_TIMING_MAX). */
void dv_view_timing_data(struct dv_view *v, size_t columns, struct dv_vtiming *out);
/* The bus signals DREQ (the NIC's channel), HRQ (DMA2's, to the CPU), HLDA, DACK, TC and the
 * NIC's IRQ, one column per bus cycle ending at the cursor's cycle, as the model has them
 * within the cycle: high throughout (a full block, '#' when ascii), low ('_'), high and low
 * again by the cycle's end (a left half block, 'n': a pulse, or HRQ dropped between single
 * transfers, so the notch shows between two such columns), raised during it and high at its
 * end (a right half block, '/'). */
void dv_view_timing(struct dv_view *v, struct dv_vpanel *p, size_t columns, bool ascii);

#endif

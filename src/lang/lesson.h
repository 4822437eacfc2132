/* dmaviz: lessons and test scripts (docs/lesson-format.md): the parsed model and the engine
 * that runs it on a simulated PC.
 *
 * dv_lesson_parse turns a file's text into a struct dv_lesson (or diagnostics); dv_run runs a
 * lesson on a fresh machine, one statement or one step at a time, and collects what failed.
 * The core reads no files: the caller hands in the text, and a callback loads compare files.
 */
#ifndef DV_LESSON_H
#define DV_LESSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ndis.h"
#include "sim.h"
#include "verifier.h"

/* ---- diagnostics ---------------------------------------------------------------------- */

enum dv_msg_kind {
	DV_MSG_ERROR, /* the file does not parse, or cannot go on running (exit status 2) */
	DV_MSG_FAIL,  /* a check failed (exit status 1) */
	DV_MSG_INFO,  /* something to show (a `read`), not a verdict */
	DV_MSG_NOTE,  /* what explains a verdict (a verifier rule that fired, with its fix): shown
	               * with a file that failed, never a verdict itself */
};

struct dv_msg {
	enum dv_msg_kind kind;
	uint32_t line, col; /* col 0 = none */
	uint64_t cycle;
	char *text; /* the whole message, "FILE:LINE[:COL]: ..." */
	char *hint; /* a second line ("did you mean ...?"), or NULL */
};

struct dv_msgs {
	struct dv_msg *v;
	size_t n, cap;
	size_t dropped; /* failures and errors past the limit */
	size_t ninfo;   /* DV_MSG_INFO and DV_MSG_NOTE messages kept (they have their own limit) */
};

void dv_msgs_init(struct dv_msgs *m);
void dv_msgs_finish(struct dv_msgs *m);
size_t dv_msgs_count(const struct dv_msgs *m, enum dv_msg_kind kind);

/* ---- the model ------------------------------------------------------------------------- */

/* `driver none|file|NAME`: NAME is a row of the built-in driver table (drivers.h), such as
 * reference or irsim; the lesson keeps the row's name in driver_name. */
enum dv_driver_kind { DV_DRIVER_NONE, DV_DRIVER_BUILTIN, DV_DRIVER_FILE };

/* What a name in an expression refers to. */
enum dv_ref_kind {
	DV_REF_NUM,        /* a constant */
	DV_REF_SLOT,       /* a machine state slot: a = slot, b = index */
	DV_REF_DMA_MASKED, /* a = channel */
	DV_REF_DMA_TC,
	DV_REF_DMA_DREQ,
	DV_REF_DMA_RESIDUE,
	DV_REF_DMA_PHYS,
	DV_REF_IRQ,     /* a = line */
	DV_REF_CPU_MEM, /* a = address */
	DV_REF_LAST_IN,
	DV_REF_LAST_READ, /* a = index */
	DV_REF_NDIS_STATUS,
	DV_REF_NDIS_INPROGRESS,
	DV_REF_NDIS_COUNTER,
	DV_REF_VERIFIER_LAST,
	DV_REF_VERIFIER_COUNT,
	DV_REF_VERIFIER_RULE, /* a = enum dv_rule */
	DV_REF_CALLS,         /* a = enum dv_call */
	DV_REF_BUFFER_LEN,    /* a = buffer number */
	DV_REF_BUFFER_PHYS,
	DV_REF_TX_SENT,
	DV_REF_TX_COMPLETED,
	DV_REF_TX_LAST_STATUS,
	DV_REF_PEER_FRAMES,
	DV_REF_PEER_LAST_OK,
	DV_REF_RX_FRAMES,
	DV_REF_RX_LAST_OK,
	DV_REF_BOUNCE_USED,
	DV_REF_PORTS_OUT, /* a = 1: since the current step began */
	DV_REF_PORTS_IN,
	DV_REF_REQUEST_STATUS, /* the last MiniportQueryInformation or MiniportSetInformation */
	DV_REF_REQUEST_VALUE,
	DV_REF_REQUEST_BYTES,
	DV_REF_REQUEST_NEEDED,
	DV_REF_COUNT
};

/* How a value prints in messages and `%S` columns. */
enum dv_value_type { DV_VT_NUM, DV_VT_STATUS, DV_VT_RULE, DV_VT_OWNER };

struct dv_ref {
	enum dv_ref_kind kind;
	enum dv_value_type type;
	uint32_t a, b;
	const char *name; /* as written (owned by the lesson); NULL for a number literal */
	uint8_t hex;      /* a number literal written in hex: how many digits; 0 otherwise */
};

/* VALUE := term { (+|-|&) term }, left to right. */
struct dv_value {
	struct dv_ref term[8];
	char op[8]; /* op[i] joins term[i-1] and term[i]; op[0] unused */
	unsigned n;
};

enum dv_cmp_op {
	DV_OP_NONZERO,
	DV_OP_EQ,
	DV_OP_NE,
	DV_OP_LT,
	DV_OP_LE,
	DV_OP_GT,
	DV_OP_GE,
	DV_OP_CALL,
	DV_OP_RETURN,
	DV_OP_NOTE
};

struct dv_cmp {
	enum dv_cmp_op op;
	struct dv_value lhs, rhs; /* DV_OP_CALL/RETURN/NOTE: lhs.term[0].a is the call or note */
	bool or_before;           /* this comparison starts a new `||` alternative */
};

struct dv_cond {
	struct dv_cmp *cmp;
	unsigned n;
	const char *text; /* the condition as written */
};

struct dv_answer {
	bool numeric;
	uint32_t num;
	const char *text;
};

struct dv_ask {
	const char *id;
	const char *question;
	struct dv_answer *answers;
	unsigned nanswers;
	const char **hints;
	unsigned nhints;
	const char *explain;
	uint32_t line;
	uint32_t last_line; /* the last line of its answer/hint/explain clauses */
	unsigned attempts; /* wrong answers before the answer is shown; 0: the front end's default */
	unsigned step;
};

/* One output-list column: NAME%FL.W.R */
struct dv_column {
	struct dv_ref ref;
	char fmt; /* 'B' 'X' 'D' 'S' */
	uint8_t left, width, right;
};

enum dv_stmt_kind {
	DV_ST_OUT,
	DV_ST_IN,
	DV_ST_POKE,
	DV_ST_WRITE,
	DV_ST_FILL,
	DV_ST_READ,
	DV_ST_TICK,
	DV_ST_RUN_UNTIL,
	DV_ST_RUN_QUIET,
	DV_ST_DREQ,
	DV_ST_IRQL,
	DV_ST_BUFFER,
	DV_ST_CALL,
	DV_ST_DRIVER_INIT,
	DV_ST_DRIVER_SEND,
	DV_ST_DRIVER_HALT,
	DV_ST_PEER_SEND,
	DV_ST_EXPECT,
	DV_ST_GOAL,
	DV_ST_ASK,
	DV_ST_OUTPUT_LIST,
	DV_ST_OUTPUT,
	DV_ST_BREAK,
	DV_ST_DRIVER_QUERY, /* driver query OID [bytes=N] */
	DV_ST_DRIVER_SET,   /* driver set OID VALUE */
	DV_ST_KIND_COUNT
};

enum dv_fill_pattern { DV_FILL_BYTE, DV_FILL_RAMP, DV_FILL_RANDOM, DV_FILL_PACKET };

/* Flags of `driver send` and of buffers. */
#define DV_SEND_ABOVE16M 0x1u
#define DV_SEND_CROSS64K 0x2u
#define DV_SEND_SCATTERED 0x4u
#define DV_SEND_AT 0x8u
#define DV_SEND_TURNAROUND 0x10u /* turnaround=US: IrDA media-specific information */

/* Arguments of `call`: which ones were given is in `given` (bit per DV_ARG_*). */
enum dv_call_arg {
	DV_ARG_CHANNEL,
	DV_ARG_WIDTH,
	DV_ARG_DEMAND,
	DV_ARG_AUTOINIT,
	DV_ARG_MAX,
	DV_ARG_PORT,
	DV_ARG_BUFFER,
	DV_ARG_OFFSET,
	DV_ARG_LENGTH,
	DV_ARG_WRITE,
	DV_ARG_HANDLE,
	DV_ARG_VALUE,
	DV_ARG_PARAM,
	DV_ARG_COUNT
};

struct dv_keyword; /* a row of the language's keyword table (src/lang/keywords.c) */

struct dv_stmt {
	enum dv_stmt_kind kind;
	const struct dv_keyword *keyword; /* the row that parsed it, and runs it */
	uint32_t line, col;
	unsigned step;
	bool solution;    /* after a `solution` line: the UI's sandbox leaves it to the learner */
	const char *text; /* the statement as written (for the UI and messages) */
	/* What each kind holds (kind is the tag; the keyword table in keywords.c names the
	 * parse and exec functions that fill and read it). */
	union {
		struct {
			uint16_t port;
			uint8_t value; /* out */
		} io;                  /* out, in */
		struct {
			uint32_t addr;
			uint8_t *data;
			uint32_t n;
		} mem; /* poke, write */
		struct {
			uint32_t addr, len;
			enum dv_fill_pattern pattern;
			uint32_t arg; /* the byte, or the packet number */
		} fill;
		struct {
			uint32_t addr, len;
		} read;
		uint32_t cycles; /* tick, run N */
		struct {
			struct dv_cond cond; /* run until; its call atoms name an enum dv_call */
			uint32_t max;
		} run; /* run until, run quiet */
		struct {
			uint8_t channel;
			bool on;
		} dreq;
		uint8_t irql;    /* 0 passive, 2 dispatch, 3 dirql */
		unsigned buffer; /* an index into the lesson's buffers */
		struct {
			uint32_t call; /* enum dv_lcall (script.h) */
			uint32_t args[DV_ARG_COUNT];
			uint32_t given; /* a bit per DV_ARG_* */
		} call;
		struct {
			uint32_t len, nbuf, at, flags; /* flags: DV_SEND_* */
			uint32_t turnaround;           /* microseconds, with DV_SEND_TURNAROUND */
			uint32_t count;                /* packets, each built and sent alike */
		} send;                                /* driver send */
		struct {
			uint32_t oid, value; /* value: set's ULONG, query's buffer bytes */
		} request;                   /* driver query, driver set */
		struct {
			uint32_t len, count;
		} peer;              /* peer send */
		struct dv_cond cond; /* expect, goal, break */
		struct dv_ask *ask;
		struct {
			struct dv_column *cols;
			unsigned ncols;
		} output; /* output-list */
	};
};

struct dv_step {
	const char *title; /* "" for the setup step */
	const char *id;    /* NULL when the lesson gave none */
	unsigned number;   /* 0 = the setup step */
	uint32_t line;
	size_t first, count; /* statements [first, first + count) */
	const char **paras;  /* narration paragraphs (light markup kept) */
	unsigned nparas;
	/* Where each paragraph stands: before statement para_stmt[i] (an index into the lesson's
	 * statements; first + count when it follows the step's last one), on lines
	 * para_line[i]..para_last[i]. A front end shows it with the machine at that moment. */
	size_t *para_stmt;
	uint32_t *para_line, *para_last;
	bool has_goal;
};

struct dv_buffer_decl {
	const char *name;
	uint32_t phys; /* requested physical address (at), 0 = alloc */
	uint32_t len;
	bool scattered;
	uint32_t line;
};

#define DV_LESSON_CONFIG_MAX 7u   /* the key holds 8: one stays for `copy=` */
#define DV_LESSON_KEYWORD_MAX 31u /* as the key's (dv_ndis_set_config) */

struct dv_lesson {
	char *file; /* the path it was read from */
	const char *id, *title, *summary;
	unsigned level;
	struct dv_config machine;
	uint32_t budget; /* the machine line's budget=N: the file's cycles (0: the default) */
	enum dv_driver_kind driver;
	uint32_t driver_line;
	const char *driver_name; /* DV_DRIVER_BUILTIN: the table's row name (static) */
	bool has_copy_threshold; /* `driver NAME copy=N` */
	uint32_t copy_threshold;
	/* The machine line's `config KEY=VALUE ...`: the driver's Parameters key, what its
	 * NdisReadConfiguration reads (set before DriverEntry, after `copy=`). */
	struct dv_lesson_param {
		const char *keyword; /* at most DV_LESSON_KEYWORD_MAX ASCII characters */
		uint32_t value;
	} config[DV_LESSON_CONFIG_MAX];
	uint32_t nconfig;
	bool allowed[DV_RULE_COUNT]; /* `allow RULE`, or the rule named in an expect */
	const char *compare_to;
	uint32_t compare_line;
	struct dv_stmt *stmts;
	size_t nstmts;
	struct dv_step *steps;
	unsigned nsteps;
	struct dv_ask **asks;
	unsigned nasks;
	struct dv_buffer_decl *buffers;
	unsigned nbuffers;
	bool has_output;
	struct dv_arena *arena; /* owns every string and array */
};

/* Parses text (len bytes, need not be NUL-terminated) read from file. Returns NULL when the
 * file has errors; each error is added to msgs (kind DV_MSG_ERROR). */
struct dv_lesson *dv_lesson_parse(const char *file, const char *text, size_t len,
                                  struct dv_msgs *msgs);
void dv_lesson_free(struct dv_lesson *lesson);

/* The statements of the language, one per row of its keyword table, for help: false when i
 * is past the last row. where is "header", "lesson file", "file or prompt", "action" or
 * "after ask". */
struct dv_keyword_help {
	const char *name, *where, *synopsis;
};
bool dv_lang_keyword_help(size_t i, struct dv_keyword_help *out);

/* The default lesson id of a path: "lessons/03-send.lesson" -> "send". */
void dv_lesson_default_id(const char *path, char *buf, size_t size);

/* ---- running ----------------------------------------------------------------------------- */

struct dv_run_options {
	bool strict; /* the first unexpected verifier rule fails the run */
	/* Answers: when answer is NULL, each ask takes the lesson's own first answer. Otherwise
	 * answer(ctx, lesson id, ask id) returns the learner's answer or NULL (no answer). */
	const char *(*answer)(void *ctx, const char *lesson_id, const char *ask_id);
	/* Loads a file named in the lesson (compare-to), relative to the lesson's file. Returns
	 * malloc'd bytes (the caller frees) or NULL. */
	char *(*load)(void *ctx, const char *lesson_file, const char *name, size_t *len);
	void *ctx;
	DV_DRIVER_ENTRY driver_entry; /* for `driver file`; NULL: not supported */
	/* Who reads the messages. False: the file's author (a lesson or test checked as it is):
	 * hints say how to change the file ("raise the bound with 'max N'", "add 'allow
	 * RULE'"). True: a learner whose work is run against the file (their driver, their
	 * answers): hints say what the machine did and the verifier's fix, never how to change
	 * a file they do not own. */
	bool learner;
	uint64_t cycle_budget; /* 0 = the default, 2,000,000 */
};

enum dv_run_state { DV_RUN_READY, DV_RUN_DONE, DV_RUN_STOPPED /* a fatal failure or error */ };

/* The marks the runner puts in the trace: enum dv_mark_kind (trace.h). */

struct dv_run;

/* Creates the machine of the lesson's `machine` line. NULL when memory runs out. The lesson
 * must outlive the run. */
struct dv_run *dv_run_create(const struct dv_lesson *lesson, const struct dv_run_options *opt);
void dv_run_destroy(struct dv_run *run);

/* Runs the next statement. Returns false when nothing was left to run (done or stopped). */
bool dv_run_next(struct dv_run *run);
/* Runs to the end of the current step (the step of the next statement). */
bool dv_run_step(struct dv_run *run);
/* Runs everything; returns the final state. */
enum dv_run_state dv_run_all(struct dv_run *run);
enum dv_run_state dv_run_state(const struct dv_run *run);

/* The learner's answer to the next statement's ask (for front ends); it replaces the
 * options' answer once. Returns true when it is right. */
bool dv_run_answer(struct dv_run *run, const char *text);
/* A number as a learner may type one: 0x05, 05h, 5, 0b101. */
bool dv_answer_number(const char *text, uint32_t *out);
/* Does text match one of the ask's answers? */
bool dv_ask_accepts(const struct dv_ask *ask, const char *text);

/* The sandbox prompt: runs one line of the language as an action. Errors and failures go to
 * the run's messages; returns false when the line did not parse. */
bool dv_run_command(struct dv_run *run, const char *line);

/* Where the run is: the index of the next statement, and its step. */
size_t dv_run_pc(const struct dv_run *run);
unsigned dv_run_current_step(const struct dv_run *run);
/* The trace events step k produced: [*first, *end). False when step k has not started. */
bool dv_run_step_events(const struct dv_run *run, unsigned k, size_t *first, size_t *end);
/* Moves a cursor to the start (at_end false) or end of step k (which must have started). */
bool dv_run_seek_step(const struct dv_run *run, struct dv_cursor *c, unsigned k, bool at_end);

const struct dv_msgs *dv_run_msgs(const struct dv_run *run);
struct dv_sim *dv_run_sim(const struct dv_run *run);
/* The run's NDIS (its call records, for tests and front ends). */
struct dv_ndis *dv_run_ndis(const struct dv_run *run);
/* Output rows written so far (header rows included). */
size_t dv_run_rows(const struct dv_run *run);
const char *dv_run_row(const struct dv_run *run, size_t i);
/* Where row i was written: the trace's length then, so a front end shows the rows of the
 * moments the learner has reached and no later ones. SIZE_MAX past the last row. */
size_t dv_run_row_pos(const struct dv_run *run, size_t i);

/* Evaluates a state name (anything an expectation can name) now. False when name is
 * unknown. type may be NULL. */
bool dv_run_eval_name(struct dv_run *run, const char *name, uint32_t *value,
                      enum dv_value_type *type);
/* Formats a value for people: "59 (0x3b)", "NDIS_STATUS_SUCCESS", "dma-busy". */
void dv_value_format(uint32_t value, enum dv_value_type type, char *buf, size_t size);

#endif

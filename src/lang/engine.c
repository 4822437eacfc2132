/* dmaviz: the lesson engine: runs a parsed lesson (parser.c) on a fresh simulated PC.
 *
 * Every statement runs with the lesson's file:line as the cause of its events and is marked
 * in the trace (DV_EV_MARK), so the UI can point at the lesson line behind each bus cycle and
 * seek to the start of any step. Every loop is bounded: `run` by its max, a whole file by a
 * cycle budget, so no lesson and no learner's driver can hang the grader.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __EMSCRIPTEN__
#include <emscripten/fiber.h>
#else
#include <ucontext.h>
#endif

#include "calls.h"
#include "dma8237.h"
#include "drivers.h"
#include "dvndis.h"
#include "hal.h"
#include "lang_int.h"
#include "run_int.h"
#include "lesson.h"
#include "nic.h"
#include "script.h"

/* A handle NDIS never returned, for `handle=bad`. */
static NDIS_DMA_BLOCK bad_handle_object;

/* ---- messages ---------------------------------------------------------------------------- */

static void run_msg(struct dv_run *run, enum dv_msg_kind kind, const char *file, uint32_t line,
                    const char *hint, const char *fmt, ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 6, 7)))
#endif
        ;

static void run_msg(struct dv_run *run, enum dv_msg_kind kind, const char *file, uint32_t line,
                    const char *hint, const char *fmt, ...)
{
	char buf[900];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	dv_msgs_add(&run->msgs, kind, line, 0, run->sim ? run->sim->st.cycle : 0, hint,
	            "%s:%u: %s%s", file, (unsigned)line, kind == DV_MSG_ERROR ? "error: " : "",
	            buf);
	if (kind == DV_MSG_ERROR)
		run->state = DV_RUN_STOPPED;
}

void dv_value_format(uint32_t v, enum dv_value_type type, char *buf, size_t size)
{
	switch (type) {
	case DV_VT_STATUS: {
		const char *n = dv_ndis_status_name((int32_t)v);
		if (strcmp(n, "NDIS_STATUS_?") != 0)
			snprintf(buf, size, "%s", n);
		else
			snprintf(buf, size, "0x%08x", (unsigned)v);
		return;
	}
	case DV_VT_RULE:
		if (v < DV_RULE_COUNT)
			snprintf(buf, size, "%s", dv_rule_name((enum dv_rule)v));
		else
			snprintf(buf, size, "none");
		return;
	case DV_VT_OWNER:
		if (v <= 1)
			snprintf(buf, size, "%s", v ? "dma" : "cpu");
		else
			snprintf(buf, size, "%u", (unsigned)v);
		return;
	default:
		if (v < 10)
			snprintf(buf, size, "%u", (unsigned)v);
		else
			snprintf(buf, size, "%u (0x%x)", (unsigned)v, (unsigned)v);
		return;
	}
}

/* ---- values (a name's value: names.c) --------------------------------------------------------- */

static uint32_t eval_value(struct dv_run *run, const struct dv_value *v)
{
	uint32_t acc = v->n ? dv_name_eval(run, &v->term[0]) : 0;
	for (unsigned i = 1; i < v->n; i++) {
		uint32_t t = dv_name_eval(run, &v->term[i]);
		switch (v->op[i]) {
		case '+': acc += t; break;
		case '-': acc -= t; break;
		case '&': acc &= t; break;
		default: break;
		}
	}
	return acc;
}

static bool eval_cmp(struct dv_run *run, const struct dv_cmp *m, unsigned i)
{
	if (m->op == DV_OP_CALL || m->op == DV_OP_RETURN || m->op == DV_OP_NOTE)
		return i < DV_SCRIPT_MAX_CMPS && run->atom_seen[i];
	uint32_t a = eval_value(run, &m->lhs);
	if (m->op == DV_OP_NONZERO)
		return a != 0;
	uint32_t b = eval_value(run, &m->rhs);
	switch (m->op) {
	case DV_OP_EQ: return a == b;
	case DV_OP_NE: return a != b;
	case DV_OP_LT: return a < b;
	case DV_OP_LE: return a <= b;
	case DV_OP_GT: return a > b;
	case DV_OP_GE: return a >= b;
	default: return false;
	}
}

/* `&&` binds tighter than `||`: an alternative is true when all its comparisons are. */
static bool eval_cond(struct dv_run *run, const struct dv_cond *c)
{
	bool conj = true;
	for (unsigned i = 0; i < c->n; i++) {
		if (i > 0 && c->cmp[i].or_before) {
			if (conj)
				return true;
			conj = true;
		}
		if (conj && !eval_cmp(run, &c->cmp[i], i))
			conj = false;
	}
	return conj;
}

/* "(dma.ch1.count = 2, nic.isr = 0)": the names in a condition and their values now. */
/* How many hex digits the comparison's literals were written with (0: none in hex): its
 * values are then printed in hex too, "dma.ch1.mode = 0x05" against 0x09. */
static unsigned cmp_hex(const struct dv_cmp *m)
{
	unsigned digits = 0;
	const struct dv_value *vs[2] = { &m->lhs, &m->rhs };
	for (int s = 0; s < 2; s++)
		for (unsigned t = 0; t < vs[s]->n; t++)
			if (vs[s]->term[t].kind == DV_REF_NUM && vs[s]->term[t].hex > digits)
				digits = vs[s]->term[t].hex;
	return digits;
}

/* A value as the test writes it: a named constant by its name, a number in hex against hex
 * (hex digits), in decimal against decimal (literal), else both ways (dv_value_format). */
static void format_as_written(uint32_t v, const struct dv_ref *r, unsigned hex, bool literal,
                              char *buf, size_t size)
{
	if (r->type == DV_VT_NUM && hex)
		snprintf(buf, size, "0x%0*x", (int)hex, (unsigned)v);
	else if (r->type == DV_VT_NUM && literal)
		snprintf(buf, size, "%u", (unsigned)v);
	else
		dv_value_format(v, r->type, buf, size);
}

/* Whether the comparison has a number literal on either side. */
static bool cmp_literal(const struct dv_cmp *m)
{
	const struct dv_value *vs[2] = { &m->lhs, &m->rhs };
	for (int s = 0; s < 2; s++)
		for (unsigned t = 0; t < vs[s]->n; t++)
			if (vs[s]->term[t].kind == DV_REF_NUM && vs[s]->term[t].type == DV_VT_NUM)
				return true;
	return false;
}

static const char *const op_text[] = {
	[DV_OP_NE] = "!= ", [DV_OP_LT] = "< ", [DV_OP_LE] = "<= ", [DV_OP_GT] = "> ", [DV_OP_GE] = ">= "
};

/* "NAME = VALUE" for each name in the condition, and ", expected [OP ]LITERAL" where a name is
 * compared with one literal; "; " between them. */
static void describe_values(struct dv_run *run, const struct dv_cond *c, char *buf, size_t size)
{
	const char *seen[32];
	unsigned nseen = 0;
	size_t len = 0;
	buf[0] = 0;
	for (unsigned i = 0; i < c->n; i++) {
		const struct dv_cmp *m = &c->cmp[i];
		if (m->op == DV_OP_CALL || m->op == DV_OP_RETURN || m->op == DV_OP_NOTE)
			continue;
		unsigned hex = cmp_hex(m);
		bool literal = cmp_literal(m);
		const struct dv_value *vs[2] = { &m->lhs, &m->rhs };
		for (int s = 0; s < 2; s++) {
			for (unsigned t = 0; t < vs[s]->n; t++) {
				const struct dv_ref *r = &vs[s]->term[t];
				if (r->kind == DV_REF_NUM || !r->name)
					continue;
				bool dup = false;
				for (unsigned k = 0; k < nseen; k++)
					dup = dup || !strcmp(seen[k], r->name);
				if (dup || nseen >= 32)
					continue;
				seen[nseen++] = r->name;
				char v[64], want[96] = "";
				format_as_written(dv_name_eval(run, r), r, hex, literal, v,
				                  sizeof v);
				/* NAME OP LITERAL (or LITERAL OP NAME, said from the name's side). */
				const struct dv_value *other = vs[1 - s];
				if (vs[s]->n == 1 && other->n == 1 &&
				    other->term[0].kind == DV_REF_NUM && m->op != DV_OP_NONZERO) {
					static const enum dv_cmp_op flip[] = {
						[DV_OP_EQ] = DV_OP_EQ, [DV_OP_NE] = DV_OP_NE,
						[DV_OP_LT] = DV_OP_GT, [DV_OP_LE] = DV_OP_GE,
						[DV_OP_GT] = DV_OP_LT, [DV_OP_GE] = DV_OP_LE
					};
					enum dv_cmp_op op = s == 0 ? m->op : flip[m->op];
					const struct dv_ref *lit = &other->term[0];
					char l[64];
					if (lit->name && lit->type != DV_VT_NUM)
						snprintf(l, sizeof l, "%s", lit->name);
					else
						format_as_written(lit->a, lit, hex, true, l,
						                  sizeof l);
					snprintf(want, sizeof want, ", expected %s%s",
					         op_text[op] ? op_text[op] : "", l);
				}
				int w = snprintf(buf + len, size - len, "%s%s = %s%s",
				                 len ? "; " : "", r->name, v, want);
				if (w < 0 || (size_t)w >= size - len)
					return;
				len += (size_t)w;
			}
		}
	}
}

/* ---- time -------------------------------------------------------------------------------------- */

static void peer_feed(struct dv_run *run);
static void send_feed(struct dv_run *run);

/* The budget counts the machine's cycles, so cycles a driver spends in NdisStallExecution
 * count too. */
static bool tick(struct dv_run *run, const char *file, uint32_t line)
{
	if (run->sim->st.cycle >= run->budget) {
		run_msg(run, DV_MSG_FAIL, file, line,
		        "a lesson should need far fewer cycles; look for a run that never ends",
		        "the file ran %llu cycles in total, the most one file may run",
		        (unsigned long long)run->budget);
		run->state = DV_RUN_STOPPED;
		return false;
	}
	dv_sim_tick(run->sim);
	peer_feed(run);
	send_feed(run);
	return true;
}

/* Marks the event atoms of a `run until` condition that happened in events [*from, len). */
static void scan_atoms(struct dv_run *run, const struct dv_cond *c, size_t *from)
{
	const struct dv_trace *t = &run->sim->trace;
	for (; *from < t->len; (*from)++) {
		const struct dv_event *e = dv_trace_at(t, *from);
		if (e->kind != DV_EV_CALL && e->kind != DV_EV_RETURN && e->kind != DV_EV_NOTE)
			continue;
		for (unsigned i = 0; i < c->n && i < DV_SCRIPT_MAX_CMPS; i++) {
			const struct dv_cmp *m = &c->cmp[i];
			if ((m->op == DV_OP_CALL && e->kind == DV_EV_CALL) ||
			    (m->op == DV_OP_RETURN && e->kind == DV_EV_RETURN) ||
			    (m->op == DV_OP_NOTE && e->kind == DV_EV_NOTE))
				if (e->slot == m->lhs.term[0].a)
					run->atom_seen[i] = true;
		}
	}
}

static void run_until(struct dv_run *run, const struct dv_stmt *s, const char *file)
{
	size_t from = run->sim->trace.len;
	memset(run->atom_seen, 0, sizeof run->atom_seen);
	for (uint32_t n = 0;; n++) {
		scan_atoms(run, &s->run.cond, &from);
		if (eval_cond(run, &s->run.cond))
			return;
		if (n >= s->run.max) {
			char vals[512];
			describe_values(run, &s->run.cond, vals, sizeof vals);
			run_msg(run, DV_MSG_FAIL, file, s->line,
			        run->opt.learner ?
			                "the machine never got there: check what your code did before "
			                "(did the transfer start? did the card get its command?)" :
			                "raise the bound with 'max N', or check the steps before: did "
			                "the transfer start?",
			        "run until %s: still false after %u cycles (cycle %u%s%s)",
			        s->run.cond.text, (unsigned)s->run.max,
			        (unsigned)run->sim->st.cycle, vals[0] ? "; " : "", vals);
			run->state = DV_RUN_STOPPED;
			return;
		}
		if (!tick(run, file, s->line))
			return;
	}
}

/* A tick is quiet when it changed nothing (a tick records no event for the cycle). */
static bool quiet_since(const struct dv_sim *sim, size_t from)
{
	for (size_t i = from; i < sim->trace.len; i++) {
		const struct dv_event *e = dv_trace_at(&sim->trace, i);
		if (e->kind != DV_EV_MARK && !(e->kind == DV_EV_STATE && e->slot == DV_SLOT_CYCLE))
			return false;
	}
	return true;
}

static void run_quiet(struct dv_run *run, const struct dv_stmt *s, const char *file)
{
	unsigned quiet = 0;
	for (uint32_t n = 0; quiet < 2; n++) {
		if (n >= s->run.max) {
			run_msg(run, DV_MSG_FAIL, file, s->line,
			        run->opt.learner ?
			                "something kept the machine moving: is a transfer "
			                "or the card still running?" :
			                "raise the bound with 'max N'",
			        "run quiet: the machine was still busy after %u cycles (cycle %u)",
			        (unsigned)s->run.max, (unsigned)run->sim->st.cycle);
			run->state = DV_RUN_STOPPED;
			return;
		}
		size_t before = run->sim->trace.len;
		if (!tick(run, file, s->line))
			return;
		/* A one-shot NDIS timer still set will fire, and a wire clock still running
		 * (quiet between byte times, which it records no event for) will move a byte:
		 * not idle yet. */
		bool idle = quiet_since(run->sim, before) && !dv_ndis_timer_pending(run->ndis) &&
		            dv_sim_get(run->sim, DV_SLOT_NIC_WIRE_TIMER, 0) == 0;
		quiet = idle ? quiet + 1 : 0;
	}
}

/* ---- output rows -------------------------------------------------------------------------------- */

static void value_text(const struct dv_column *c, uint32_t v, char *out, size_t size)
{
	char tmp[48];
	switch (c->fmt) {
	case 'X': snprintf(tmp, sizeof tmp, "%0*X", (int)c->width, (unsigned)v); break;
	case 'B': {
		unsigned bits = 32;
		while (bits > 1 && !(v >> (bits - 1)))
			bits--;
		if (bits < c->width)
			bits = c->width > 32 ? 32 : c->width;
		size_t k = 0;
		for (unsigned i = bits; i-- > 0;)
			tmp[k++] = (char)('0' + ((v >> i) & 1u));
		tmp[k] = 0;
		break;
	}
	case 'S':
		if (c->ref.type == DV_VT_NUM)
			snprintf(tmp, sizeof tmp, "%u", (unsigned)v);
		else
			dv_value_format(v, c->ref.type, tmp, sizeof tmp);
		break;
	default:
		if (c->ref.type == DV_VT_STATUS)
			snprintf(tmp, sizeof tmp, "%d", (int)(int32_t)v);
		else
			snprintf(tmp, sizeof tmp, "%u", (unsigned)v);
		break;
	}
	size_t len = strlen(tmp);
	/* Numbers keep their rightmost W characters (nand2tetris), text its leftmost. */
	const char *shown = tmp;
	if (len > c->width) {
		if (c->fmt != 'S')
			shown = tmp + (len - c->width);
		len = c->width;
	}
	size_t o = 0;
	unsigned pad_left = c->left, pad_right = c->right;
	if (c->fmt == 'S')
		pad_right += c->width - (unsigned)len;
	else
		pad_left += c->width - (unsigned)len;
	for (unsigned i = 0; i < pad_left && o + 1 < size; i++)
		out[o++] = ' ';
	for (size_t i = 0; i < len && o + 1 < size; i++)
		out[o++] = shown[i];
	for (unsigned i = 0; i < pad_right && o + 1 < size; i++)
		out[o++] = ' ';
	out[o] = 0;
}

static void header_text(const struct dv_column *c, char *out, size_t size)
{
	unsigned w = c->left + c->width + c->right;
	const char *name = c->ref.name ? c->ref.name : "?";
	size_t len = strlen(name);
	if (len > w)
		len = w;
	unsigned left = (w - (unsigned)len) / 2;
	size_t o = 0;
	for (unsigned i = 0; i < w && o + 1 < size; i++) {
		char ch = ' ';
		if (i >= left && i - left < len)
			ch = name[i - left];
		out[o++] = ch;
	}
	out[o] = 0;
}

static void trim(const char **s, size_t *n)
{
	while (*n && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' || (*s)[*n - 1] == '\r'))
		(*n)--;
}

/* Splits a compare line "|a|b|" into cells; returns how many (at most max). */
static unsigned split_cells(const char *line, const char **cell, size_t *len, unsigned max)
{
	size_t n = strlen(line);
	const char *s = line;
	trim(&s, &n);
	if (n && s[0] == '|') {
		s++;
		n--;
	}
	if (n && s[n - 1] == '|')
		n--;
	unsigned k = 0;
	const char *start = s;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || s[i] == '|') {
			if (k < max) {
				cell[k] = start;
				len[k] = (size_t)(s + i - start);
			}
			k++;
			start = s + i + 1;
		}
	}
	return k;
}

bool dv_run_row_append(struct dv_run *run, char *row, size_t pos)
{
	if (run->nrows == run->rows_cap) {
		size_t cap = run->rows_cap ? 2 * run->rows_cap : 16;
		char **r = realloc(run->rows, cap * sizeof *r);
		if (r)
			run->rows = r;
		size_t *q = r ? realloc(run->row_pos, cap * sizeof *q) : NULL;
		if (q)
			run->row_pos = q;
		if (!r || !q) {
			free(row);
			return false;
		}
		run->rows_cap = cap;
	}
	run->row_pos[run->nrows] = pos;
	run->rows[run->nrows++] = row;
	return true;
}

static void emit_row(struct dv_run *run, const struct dv_stmt *s, const char *file, bool header)
{
	char cells[32][96];
	unsigned n = run->ncols;
	size_t total = 2;
	for (unsigned i = 0; i < n; i++) {
		if (header)
			header_text(&run->cols[i], cells[i], sizeof cells[i]);
		else
			value_text(&run->cols[i], dv_name_eval(run, &run->cols[i].ref), cells[i],
			           sizeof cells[i]);
		total += strlen(cells[i]) + 1;
	}
	char *row = malloc(total + 1);
	if (!row)
		return;
	size_t o = 0;
	row[o++] = '|';
	for (unsigned i = 0; i < n; i++) {
		size_t l = strlen(cells[i]);
		memcpy(row + o, cells[i], l);
		o += l;
		row[o++] = '|';
	}
	row[o] = 0;
	if (!dv_run_row_append(run, row, dv_trace_len(dv_sim_trace(run->sim))))
		return;
	if (!run->cmp_on)
		return;
	size_t k = run->nrows; /* 1-based compare line */
	const char *cmpname = run->L->compare_to;
	if (k > run->ncmp) {
		run_msg(run, DV_MSG_FAIL, file, s->line, NULL,
		        "compare: %s has no line %zu (the row is %s)", cmpname, k, row);
		return;
	}
	const char *cc[33];
	size_t cl[33];
	unsigned m = split_cells(run->cmp_line[k - 1], cc, cl, 33);
	if (m != n) {
		run_msg(run, DV_MSG_FAIL, file, s->line, NULL,
		        "compare: %s:%zu has %u cells, the row has %u (%s)", cmpname, k, m, n, row);
		return;
	}
	for (unsigned i = 0; i < n; i++) {
		const char *want = cc[i], *got = cells[i];
		size_t wl = cl[i], gl = strlen(got);
		trim(&want, &wl);
		trim(&got, &gl);
		bool wild = wl > 0;
		for (size_t j = 0; j < wl; j++)
			wild = wild && want[j] == '*';
		if (wild || (wl == gl && !memcmp(want, got, wl)))
			continue;
		run_msg(run, DV_MSG_FAIL, file, s->line, NULL,
		        "%s: expected %s%.*s%s, got %s%.*s%s (cycle %u, %s:%zu)",
		        run->cols[i].ref.name ? run->cols[i].ref.name : "?", wl ? "" : "\"",
		        (int)wl, want, wl ? "" : "\"", gl ? "" : "\"", (int)gl, got, gl ? "" : "\"",
		        (unsigned)run->sim->st.cycle, cmpname, k);
	}
}

/* ---- steps ---------------------------------------------------------------------------------- */

static void mark(struct dv_run *run, enum dv_mark_kind kind, uint32_t index, uint16_t loc)
{
	uint32_t saved = dv_sim_cause(run->sim, DV_SRC_SCRIPT, loc);
	dv_sim_emit(run->sim, DV_EV_MARK, (uint16_t)kind, index, 0, 0, DV_NO_CHANNEL);
	dv_sim_cause_restore(run->sim, saved);
}

static void check_goals(struct dv_run *run, unsigned k)
{
	const struct dv_step *st = &run->L->steps[k];
	if (!st->has_goal)
		return;
	for (size_t i = st->first; i < st->first + st->count; i++) {
		const struct dv_stmt *s = &run->L->stmts[i];
		if (s->kind != DV_ST_GOAL)
			continue;
		memset(run->atom_seen, 0, sizeof run->atom_seen);
		if (!eval_cond(run, &s->cond)) {
			char vals[512];
			describe_values(run, &s->cond, vals, sizeof vals);
			run_msg(run, DV_MSG_FAIL, run->L->file, s->line, NULL,
			        "goal not reached: %s (%s)", s->cond.text, vals);
		}
	}
}

static void close_step(struct dv_run *run, unsigned k)
{
	if (!(run->step_flags[k] & STEP_STARTED) || (run->step_flags[k] & STEP_CLOSED))
		return;
	if (run->state == DV_RUN_READY)
		check_goals(run, k);
	run->step_end[k] = run->sim->trace.len;
	run->step_flags[k] |= STEP_CLOSED;
}

/* Starts step k, closing the one in progress and passing through steps without statements. */
static void enter_step(struct dv_run *run, unsigned k)
{
	if (run->cur >= 0 && (unsigned)run->cur >= k)
		return;
	for (unsigned j = run->cur < 0 ? 0 : (unsigned)run->cur + 1; j <= k; j++) {
		if (run->cur >= 0)
			close_step(run, (unsigned)run->cur);
		run->step_first[j] = run->sim->trace.len;
		run->step_flags[j] |= STEP_STARTED;
		dv_run_count_ports(run);
		run->step_ports_out = run->ports_out;
		run->step_ports_in = run->ports_in;
		const struct dv_step *st = &run->L->steps[j];
		mark(run, DV_MARK_STEP, st->number,
		     dv_trace_loc(&run->sim->trace, run->L->file, st->line));
		run->cur = (int)j;
	}
}

static void fiber_finish(struct dv_run *run);

static void finish(struct dv_run *run)
{
	fiber_finish(run);
	if (run->brk && run->state == DV_RUN_READY)
		run_msg(run, DV_MSG_FAIL, run->L->file, run->brk_line,
		        "put the break before the action that makes the call",
		        "break at %s: the lesson ended before it held", run->brk->text);
	if (run->L->nsteps)
		enter_step(run, run->L->nsteps - 1);
	if (run->cur >= 0)
		close_step(run, (unsigned)run->cur);
	if (run->cmp_on && run->nrows < run->ncmp && run->state == DV_RUN_READY)
		run_msg(run, DV_MSG_FAIL, run->L->file, run->L->compare_line, NULL,
		        "compare: the output has %zu rows but %s has %zu lines (line %zu is %s)",
		        run->nrows, run->L->compare_to, run->ncmp, run->nrows + 1,
		        run->cmp_line[run->nrows]);
	if (run->state == DV_RUN_READY)
		run->state = DV_RUN_DONE;
}

/* ---- statements -------------------------------------------------------------------------------- */

static DV_DRIVER_ENTRY driver_entry(const struct dv_run *run)
{
	return run->L->driver == DV_DRIVER_BUILTIN ? dv_builtin_driver(run->L->driver_name) :
	                                             run->opt.driver_entry;
}

void dv_exec_buffer(struct dv_run *run, const struct dv_stmt *s, const char *file)
{
	const struct dv_buffer_decl *d = &run->L->buffers[s->buffer];
	PNDIS_BUFFER b = NULL;
	if (d->phys) {
		uint32_t pfn[DV_MDL_MAX_PAGES];
		uint32_t off = d->phys % DV_PAGE_SIZE;
		uint32_t pages = (off + d->len + DV_PAGE_SIZE - 1) / DV_PAGE_SIZE;
		for (uint32_t i = 0; i < pages && i < DV_MDL_MAX_PAGES; i++)
			pfn[i] = d->phys / DV_PAGE_SIZE + (d->scattered ? 2 * i : i);
		PVOID va = dv_ndis_map_pages(run->ndis, pfn, pages);
		if (va)
			b = dv_ndis_make_buffer(run->ndis, (PVOID)((uintptr_t)va + off), d->len);
	} else {
		PVOID va = NULL;
		NDIS_PHYSICAL_ADDRESS hi;
		hi.QuadPart = 0xFFFFFF; /* the 8237A's 24-bit reach */
		if (NdisAllocateMemoryAt(&va, d->len, NDIS_MEMORY_CONTIGUOUS, hi, file,
		                         (int)s->line) == NDIS_STATUS_SUCCESS)
			b = dv_ndis_make_buffer(run->ndis, va, d->len);
	}
	if (!b) {
		run_msg(run, DV_MSG_ERROR, file, s->line, NULL,
		        "buffer %s: no room for %u bytes there", d->name, (unsigned)d->len);
		return;
	}
	run->bufs[s->buffer] = b;
	run->buf_phys[s->buffer] = dv_mdl_phys(b, 0);
}

/* A `read` or `write` inside one of the lesson's buffers is the miniport's NdisMoveMemory from
 * or to that buffer, so the verifier sees it (the lesson plays the driver). Returns false when
 * the range is in no buffer. */
static bool buffer_copy(struct dv_run *run, uint32_t phys, uint8_t *host, uint32_t len,
                        bool reading, const char *file, uint32_t line)
{
	for (unsigned i = 0; i < run->L->nbuffers; i++) {
		PNDIS_BUFFER b = run->bufs[i];
		if (!b)
			continue;
		for (uint32_t j = 0; j < b->PfnCount; j++) {
			if (b->Pfn[j] != phys / DV_PAGE_SIZE)
				continue;
			int64_t k = (int64_t)j * DV_PAGE_SIZE + phys % DV_PAGE_SIZE - b->ByteOffset;
			if (k < 0 || (uint64_t)k + len > b->ByteCount)
				continue;
			PVOID va = (PVOID)((uintptr_t)b->MappedSystemVa + (uintptr_t)k);
			if (reading)
				NdisMoveMemoryAt(host, va, len, file, (int)line);
			else
				NdisMoveMemoryAt(va, host, len, file, (int)line);
			return true;
		}
	}
	return false;
}

void dv_exec_call(struct dv_run *run, const struct dv_stmt *s, const char *file)
{
	struct dv_ndis *nd = run->ndis;
	const uint32_t *a = s->call.args;
	int line = (int)s->line;
	NDIS_HANDLE h = (s->call.given & (1u << DV_ARG_HANDLE)) ? (NDIS_HANDLE)&bad_handle_object :
	                                                          run->handle;
	NDIS_STATUS st = NDIS_STATUS_SUCCESS;
	enum dv_phase saved = nd->phase;
	switch ((enum dv_lcall)s->call.call) {
	case DV_LCALL_REGISTER: {
		NDIS_DMA_DESCRIPTION d;
		memset(&d, 0, sizeof d);
		uint32_t ch = (s->call.given & (1u << DV_ARG_CHANNEL)) ?
		                      a[DV_ARG_CHANNEL] :
		                      run->L->machine.nic_channel;
		uint32_t width = (s->call.given & (1u << DV_ARG_WIDTH)) ? a[DV_ARG_WIDTH] :
		                 ch >= 4                                ? 16 :
		                                                          8;
		d.DemandMode = (BOOLEAN)a[DV_ARG_DEMAND];
		d.AutoInitialize = (BOOLEAN)a[DV_ARG_AUTOINIT];
		d.DmaChannelSpecified = TRUE;
		d.DmaWidth = width == 16 ? Width16Bits : Width8Bits;
		d.DmaSpeed = Compatible;
		d.DmaPort = a[DV_ARG_PORT];
		d.DmaChannel = ch;
		/* The DmaChannel parameter, which NDIS ignores (MS-REG): `param=`, else the channel. */
		uint32_t param = (s->call.given & (1u << DV_ARG_PARAM)) ? a[DV_ARG_PARAM] : ch;
		/* With `driver none` the lesson is the miniport, registering from its
		 * MiniportInitialize. */
		if (run->L->driver == DV_DRIVER_NONE)
			dv_ndis_set_phase(nd, DV_PHASE_INIT);
		NDIS_HANDLE nh = NULL;
		st = NdisMRegisterDmaChannelAt(
		        &nh, (NDIS_HANDLE)nd, param, FALSE, &d,
		        (s->call.given & (1u << DV_ARG_MAX)) ? a[DV_ARG_MAX] : 0x10000u, file,
		        line);
		if (run->L->driver == DV_DRIVER_NONE)
			dv_ndis_set_phase(nd, saved);
		if (st == NDIS_STATUS_SUCCESS)
			run->handle = nh;
		break;
	}
	case DV_LCALL_SETUP:
	case DV_LCALL_COMPLETE: {
		PNDIS_BUFFER b = run->bufs[a[DV_ARG_BUFFER]];
		if (s->call.call == DV_LCALL_SETUP)
			NdisSetupDmaTransferAt(&st, h, b, a[DV_ARG_OFFSET], a[DV_ARG_LENGTH],
			                       (BOOLEAN)a[DV_ARG_WRITE], file, line);
		else
			NdisCompleteDmaTransferAt(&st, h, b, a[DV_ARG_OFFSET], a[DV_ARG_LENGTH],
			                          (BOOLEAN)a[DV_ARG_WRITE], file, line);
		break;
	}
	case DV_LCALL_READ_COUNTER: (void)NdisMReadDmaCounterAt(h, file, line); break;
	case DV_LCALL_DEREGISTER:
		if (run->L->driver == DV_DRIVER_NONE)
			dv_ndis_set_phase(nd, DV_PHASE_HALT);
		NdisMDeregisterDmaChannelAt(h, file, line);
		dv_ndis_set_phase(nd, saved);
		break;
	case DV_LCALL_RAW_WRITE:
		NdisRawWritePortUcharAt(a[DV_ARG_PORT], (UCHAR)a[DV_ARG_VALUE], file, line);
		break;
	case DV_LCALL_RAW_READ: {
		UCHAR v = 0;
		NdisRawReadPortUcharAt(a[DV_ARG_PORT], &v, file, line);
		run->last_in = v;
		break;
	}
	default: break;
	}
}

static void send_spec(const struct dv_stmt *s, struct dv_packet_spec *spec)
{
	memset(spec, 0, sizeof *spec);
	uint32_t len = s->send.len, n = s->send.nbuf, flags = s->send.flags;
	spec->nbuffers = n;
	for (uint32_t k = 0; k < n; k++) {
		spec->buf[k].length = len / n + (k == 0 ? len % n : 0);
		spec->buf[k].scattered = (flags & DV_SEND_SCATTERED) != 0;
	}
	uint32_t first = 0;
	if (flags & DV_SEND_ABOVE16M)
		first = 0x01001000u;
	else if (flags & DV_SEND_AT)
		first = s->send.at;
	else if (flags & DV_SEND_CROSS64K)
		first = 0x20000u -
		        ((spec->buf[0].length / 2) & ~1u); /* even: a 16-bit channel can take it */
	for (uint32_t k = 0, p = first; first && k < n; k++) {
		spec->buf[k].phys = p;
		uint32_t pages =
		        (p % DV_PAGE_SIZE + spec->buf[k].length + DV_PAGE_SIZE - 1) / DV_PAGE_SIZE;
		p = (p / DV_PAGE_SIZE + pages * (spec->buf[k].scattered ? 2u : 1u)) * DV_PAGE_SIZE;
	}
}

/* One packet of the protocol to MiniportSend; false (and a message at the line of the
 * `driver send`) when it cannot go. */
static bool send_one(struct dv_run *run, const struct dv_packet_spec *spec, const char *file,
                     uint32_t line)
{
	if (run->ndis->ntx >= DV_SCRIPT_MAX_FRAMES) {
		run_msg(run, DV_MSG_FAIL, file, line, NULL,
		        "driver send: at most %u packets per run (this is packet %u)",
		        DV_SCRIPT_MAX_FRAMES, run->ndis->ntx + 1);
		return false;
	}
	int sent = run->send_irda ? dv_ndis_send_irda(run->ndis, spec, run->send_turnaround) :
	                            dv_ndis_send(run->ndis, spec);
	if (sent < 0) {
		run_msg(run, DV_MSG_ERROR, file, line, NULL,
		        "driver send: the packet's buffers could not be placed");
		return false;
	}
	return true;
}

/* The packets of `driver send ... count=K` after the first: NDIS holds them for a serialized
 * miniport and calls MiniportSend with the next one once the last is completed (NdisMSendComplete
 * or a status other than PENDING), checked after each tick. Not while a driver is paused in
 * a callback: NDIS never calls a serialized miniport twice at once. */
static bool fiber_busy(const struct dv_run *run);

static void send_feed(struct dv_run *run)
{
	struct dv_ndis *nd = run->ndis;
	if (!run->send_waiting || fiber_busy(run) || (nd->ntx && !nd->tx[nd->ntx - 1].completed))
		return;
	run->send_waiting--;
	dv_ndis_bind(nd);
	if (!send_one(run, &run->send_spec, run->send_file, run->send_line))
		run->send_waiting = 0;
}

static void driver_send(struct dv_run *run, const struct dv_stmt *s, const char *file)
{
	if (run->ndis->phase != DV_PHASE_RUNNING) {
		run_msg(run, DV_MSG_FAIL, file, s->line, "start it first with 'driver init'",
		        "driver send: the driver is not running");
		return;
	}
	if (run->ndis->ntx + run->send_waiting + s->send.count > DV_SCRIPT_MAX_FRAMES) {
		run_msg(run, DV_MSG_FAIL, file, s->line, NULL,
		        "driver send: at most %u packets per run (this would make %u)",
		        DV_SCRIPT_MAX_FRAMES, run->ndis->ntx + run->send_waiting + s->send.count);
		return;
	}
	if (run->send_waiting) {
		run_msg(run, DV_MSG_FAIL, file, s->line, NULL,
		        "driver send: %u packets of an earlier 'driver send' still wait; run the "
		        "machine until they are sent",
		        run->send_waiting);
		return;
	}
	send_spec(s, &run->send_spec);
	run->send_irda = (s->send.flags & DV_SEND_TURNAROUND) != 0;
	run->send_turnaround = s->send.turnaround;
	if (!send_one(run, &run->send_spec, file, s->line))
		return;
	run->send_waiting = s->send.count - 1;
	run->send_file = file;
	run->send_line = s->line;
}

void dv_exec_ask(struct dv_run *run, const struct dv_stmt *s, const char *file)
{
	const struct dv_ask *a = s->ask;
	const char *given;
	if (run->pending)
		given = run->pending;
	else if (run->opt.answer)
		given = run->opt.answer(run->opt.ctx, run->L->id, a->id);
	else
		given = a->nanswers ? a->answers[0].text : NULL;
	if (!given)
		run_msg(run, DV_MSG_FAIL, file, s->line, NULL, "ask %s: no answer", a->id);
	else if (!dv_ask_accepts(a, given))
		run_msg(run, DV_MSG_FAIL, file, s->line, NULL, "ask %s: expected %s, got %s", a->id,
		        a->nanswers ? a->answers[0].text : "?", given);
	free(run->pending);
	run->pending = NULL;
}

/* ---- the driver fiber ----------------------------------------------------------------------------
 *
 * A driver does several things in one callback: the reference miniport's DPC completes the
 * transfer, reads the residue and sets up the next receive in one call. To show the machine
 * between two of them, `break at CONDITION` and a `run until` that names a call run their
 * actions on a fiber (a stack of their own: ucontext; in WebAssembly, which has none,
 * Emscripten's fibers over Asyncify, web/meson.build). After every NDIS call begins and
 * returns (sim->watch) the engine checks the condition and, when it holds, switches back to
 * the lesson with the driver paused inside its callback: the statements after it (say,
 * expect, ask) see that moment. The next statement that moves the machine resumes the driver
 * first. The recording is the same sequence of events, with the lesson's marks among them. */

static void act(struct dv_run *run, const struct dv_stmt *s, const char *file);

#define FIBER_STACK (1u << 20)

#ifdef __EMSCRIPTEN__
/* Each side's call stack as Asyncify saves it while the other runs. */
#define FIBER_SAVED (256u << 10)
#define FIBER_EXTRA (2 * FIBER_SAVED)
typedef emscripten_fiber_t fiber_ctx;
#define fiber_swap emscripten_fiber_swap
#else
#define FIBER_EXTRA 0u
typedef ucontext_t fiber_ctx;
#define fiber_swap swapcontext
#endif

struct fiber {
	fiber_ctx main, ctx;
	char *stack;    /* FIBER_STACK bytes, then FIBER_EXTRA */
	bool busy;      /* a statement's work is on the fiber (running or paused) */
	bool paused;    /* switched back to the lesson at a watch */
	uint32_t cause; /* the cause of events when it paused */
	const struct dv_stmt *stmt;
	const char *file;
	const struct dv_cond *watch; /* NULL: nothing can pause it */
	size_t watch_from;
	bool seen[DV_SCRIPT_MAX_CMPS];
};

static struct dv_run *fiber_run_of; /* the run whose fiber starts (makecontext passes ints) */

static void fiber_main(void)
{
	struct dv_run *run = fiber_run_of;
	struct fiber *f = run->fib;
	act(run, f->stmt, f->file);
	f->busy = false;
	f->paused = false;
	/* returning switches to uc_link: f->main */
}

#ifdef __EMSCRIPTEN__
/* An Emscripten fiber must not return: it switches back for good (the next start makes it
 * anew). */
static void fiber_entry(void *arg)
{
	struct fiber *f = arg;
	fiber_main();
	emscripten_fiber_swap(&f->ctx, &f->main);
}
#endif

/* Switches back to the lesson; returns when the lesson resumes the driver. (Its own function:
 * no local of the caller lives across the switch.) */
static void pause_here(struct dv_run *run)
{
	fiber_swap(&run->fib->ctx, &run->fib->main);
	/* resumed: the driver goes on as if nothing happened */
	dv_sim_cause_restore(run->sim, run->fib->cause);
}

/* sim->watch: at an NDIS call or return inside the fiber, pause when the watch holds. */
static void fiber_watch(void *ctx)
{
	struct dv_run *run = ctx;
	struct fiber *f = run->fib;
	if (!f || !f->busy || f->paused || !f->watch)
		return;
	bool saved[DV_SCRIPT_MAX_CMPS];
	memcpy(saved, run->atom_seen, sizeof saved);
	memcpy(run->atom_seen, f->seen, sizeof saved);
	scan_atoms(run, f->watch, &f->watch_from);
	bool hold = eval_cond(run, f->watch);
	memcpy(f->seen, run->atom_seen, sizeof saved);
	memcpy(run->atom_seen, saved, sizeof saved);
	if (!hold)
		return;
	f->watch = NULL; /* once */
	f->paused = true;
	f->cause = (uint32_t)run->sim->cause_src << 16 | run->sim->cause_loc;
	pause_here(run);
}

static bool fiber_ready(struct dv_run *run)
{
	if (run->fib)
		return true;
	struct fiber *f = calloc(1, sizeof *f);
	char *stack = f ? malloc(FIBER_STACK + FIBER_EXTRA) : NULL;
	if (!stack) {
		free(f);
		return false;
	}
	f->stack = stack;
	run->fib = f;
	run->sim->watch = fiber_watch;
	run->sim->watch_ctx = run;
	return true;
}

/* Switches to the fiber until it pauses or ends; the lesson's cause of events is kept. */
static void fiber_switch(struct dv_run *run)
{
	struct fiber *f = run->fib;
	uint32_t mine = (uint32_t)run->sim->cause_src << 16 | run->sim->cause_loc;
	fiber_swap(&f->main, &f->ctx);
	dv_sim_cause_restore(run->sim, mine);
}

#ifdef __EMSCRIPTEN__
static bool fiber_make(struct fiber *f)
{
	char *saved = f->stack + FIBER_STACK;
	emscripten_fiber_init(&f->ctx, fiber_entry, f, f->stack, FIBER_STACK, saved, FIBER_SAVED);
	emscripten_fiber_init_from_current_context(&f->main, saved + FIBER_SAVED, FIBER_SAVED);
	return true;
}
#else
static bool fiber_make(struct fiber *f)
{
	if (getcontext(&f->ctx) != 0)
		return false;
	f->ctx.uc_stack.ss_sp = f->stack;
	f->ctx.uc_stack.ss_size = FIBER_STACK;
	f->ctx.uc_link = &f->main;
	makecontext(&f->ctx, fiber_main, 0);
	return true;
}
#endif

/* Runs statement s on the fiber, paused where watch first holds. False when no fiber could
 * be made (the caller then runs it directly). */
static bool fiber_start(struct dv_run *run, const struct dv_stmt *s, const char *file,
                        const struct dv_cond *watch)
{
	if (!fiber_ready(run))
		return false;
	run->fib->stmt = s;
	run->fib->file = file;
	run->fib->watch = watch;
	run->fib->watch_from = run->sim->trace.len;
	memset(run->fib->seen, 0, sizeof run->fib->seen);
	if (!fiber_make(run->fib))
		return false;
	fiber_run_of = run;
	run->fib->busy = true;
	run->fib->paused = false;
	fiber_switch(run);
	return true;
}

/* Resumes a paused driver, pausing again where watch holds (NULL: to the end of its work). */
static void fiber_resume(struct dv_run *run, const struct dv_cond *watch)
{
	struct fiber *f = run->fib;
	if (!f || !f->busy || !f->paused)
		return;
	f->paused = false;
	f->watch = watch;
	f->watch_from = run->sim->trace.len;
	memset(f->seen, 0, sizeof f->seen);
	fiber_switch(run);
}

static bool fiber_busy(const struct dv_run *run)
{
	return run->fib && run->fib->busy;
}

static bool fiber_paused(const struct dv_run *run)
{
	return run->fib && run->fib->busy && run->fib->paused;
}

static void fiber_finish(struct dv_run *run)
{
	while (fiber_paused(run))
		fiber_resume(run, NULL);
}

/* Does a condition name a call, a return or a note (what only the fiber can stop at)? */
static bool has_event_atoms(const struct dv_cond *c)
{
	for (unsigned i = 0; i < c->n; i++)
		if (c->cmp[i].op == DV_OP_CALL || c->cmp[i].op == DV_OP_RETURN ||
		    c->cmp[i].op == DV_OP_NOTE)
			return true;
	return false;
}

/* Statements that only look (DV_KW_LOOKS in their row): they run while a driver is paused
 * without resuming it. */
static bool looks_only(const struct dv_stmt *s)
{
	return s->keyword && (s->keyword->flags & DV_KW_LOOKS);
}

/* A statement's work, with the fiber: a paused driver goes on first (stopping again where a
 * `run until` that names a call is met), a pending `break at` or such a `run until` runs the
 * work on the fiber. */
static void run_stmt(struct dv_run *run, const struct dv_stmt *s, const char *file)
{
	if (s->kind == DV_ST_BREAK) {
		run->brk = &s->cond;
		run->brk_line = s->line;
		return;
	}
	if (looks_only(s)) {
		act(run, s, file);
		return;
	}
	bool until_call = s->kind == DV_ST_RUN_UNTIL && has_event_atoms(&s->run.cond);
	if (fiber_paused(run)) {
		if (until_call) {
			/* The rest of the driver's work may already meet the condition. */
			fiber_resume(run, &s->run.cond);
			if (fiber_paused(run))
				return;
		}
		fiber_finish(run);
	}
	const struct dv_cond *watch = until_call ? &s->run.cond : run->brk;
	if (watch && fiber_start(run, s, file, watch)) {
		if (fiber_paused(run) && watch == run->brk)
			run->brk = NULL;
		return;
	}
	act(run, s, file);
}

/* The verifier rules that fired in events [from, len) that the lesson does not expect (an
 * `allow` or an `expect verifier.RULE`), each told once with its numbers, the driver's line
 * and its fix (dv_verifier_explain). Under --strict the first one fails the file; otherwise
 * (and after that) each rule is a note, which explains a failure when the file fails. The
 * author of the file also reads how to make the file expect it. */
static void report_rules(struct dv_run *run, size_t from, const char *file, uint32_t line)
{
	const struct dv_trace *t = &run->sim->trace;
	for (size_t i = from; i < t->len; i++) {
		const struct dv_event *e = dv_trace_at(t, i);
		if (e->kind != DV_EV_VERIFIER || e->slot >= DV_RULE_COUNT ||
		    run->L->allowed[e->slot])
			continue;
		enum dv_rule rule = (enum dv_rule)e->slot;
		bool fail = run->opt.strict && !run->strict_fired;
		if (!fail && run->rule_noted[rule])
			continue;
		run->rule_noted[rule] = true;
		char what[600], hint[700];
		dv_verifier_explain(run->ndis, t, e, what, sizeof what);
		if (fail && !run->opt.learner)
			snprintf(hint, sizeof hint,
			         "Fix: %s If the lesson means it, add 'allow %s' or 'expect "
			         "verifier.%s == 1'.",
			         dv_rule_fix(rule), dv_rule_name(rule), dv_rule_name(rule));
		else
			snprintf(hint, sizeof hint, "Fix: %s", dv_rule_fix(rule));
		run_msg(run, fail ? DV_MSG_FAIL : DV_MSG_NOTE, file, line, hint,
		        "verifier (cycle %u): %s", (unsigned)e->cycle, what);
		if (fail)
			run->strict_fired = true;
	}
}

static void exec(struct dv_run *run, const struct dv_stmt *s, const char *file)
{
	struct dv_sim *sim = run->sim;
	uint16_t loc = dv_trace_loc(&sim->trace, file, s->line);
	size_t ev0;
	dv_ndis_bind(run->ndis);
	/* A driver call can stall the machine without the engine ticking it: stop before the next
	 * statement once the budget is spent, so the overshoot is one statement's at most. */
	if (sim->st.cycle > run->budget) {
		run_msg(run, DV_MSG_FAIL, file, s->line, NULL,
		        "the file ran %llu cycles in total, the most one file may run",
		        (unsigned long long)run->budget);
		run->state = DV_RUN_STOPPED;
		return;
	}
	mark(run, DV_MARK_STMT, s->line, loc);
	ev0 = sim->trace.len;
	uint32_t fired0 = run->ndis->violations;
	uint32_t saved = dv_sim_cause(sim, DV_SRC_SCRIPT, loc);
	run_stmt(run, s, file);
	dv_sim_cause_restore(sim, saved);
	dv_sim_sync_time(sim); /* the statement's last quiet ticks, so its end shows its cycle */

	/* Only a statement during which a rule fired has verifier events to tell: the common
	 * case costs no second pass over its events. */
	if (run->ndis->violations != fired0)
		report_rules(run, ev0, file, s->line);
	if (sim->trace.failed && run->state != DV_RUN_STOPPED)
		run_msg(run, DV_MSG_ERROR, file, s->line, NULL,
		        "out of memory: the trace stopped recording");
}

/* ---- what each statement does: the exec functions of the keyword table (keywords.c) ---------- */

void dv_exec_out(struct dv_run *run, const struct dv_stmt *s, const char *file)
{
	(void)file;
	dv_sim_out(run->sim, s->io.port, s->io.value);
}

void dv_exec_in(struct dv_run *run, const struct dv_stmt *s, const char *file)
{
	(void)file;
	run->last_in = dv_sim_in(run->sim, s->io.port);
}

void dv_exec_write(struct dv_run *run, const struct dv_stmt *s, const char *file)
{
	if (buffer_copy(run, s->mem.addr, s->mem.data, s->mem.n, false, file, s->line))
		return;
	for (uint32_t i = 0; i < s->mem.n; i++)
		dv_sim_cpu_write(run->sim, s->mem.addr + i, s->mem.data[i]);
}

void dv_exec_poke(struct dv_run *run, const struct dv_stmt *s, const char *file)
{
	(void)file;
	for (uint32_t i = 0; i < s->mem.n; i++)
		dv_sim_mem_write(run->sim, s->mem.addr + i, s->mem.data[i]);
}

void dv_exec_fill(struct dv_run *run, const struct dv_stmt *s, const char *file)
{
	struct dv_sim *sim = run->sim;
	run->filled += s->fill.len;
	if (run->filled > DV_SCRIPT_MAX_FILL) {
		run_msg(run, DV_MSG_FAIL, file, s->line, NULL,
		        "the file writes more than %u bytes with fill, the most one file may write",
		        DV_SCRIPT_MAX_FILL);
		run->state = DV_RUN_STOPPED;
		return;
	}
	for (uint32_t i = 0; i < s->fill.len; i++) {
		uint8_t v;
		switch (s->fill.pattern) {
		case DV_FILL_RAMP: v = (uint8_t)i; break;
		case DV_FILL_RANDOM: v = (uint8_t)dv_sim_random(sim); break;
		case DV_FILL_PACKET: v = dv_ndis_packet_byte(s->fill.arg, i); break;
		default: v = (uint8_t)s->fill.arg; break;
		}
		dv_sim_mem_write(sim, s->fill.addr + i, v);
	}
	if (s->fill.pattern == DV_FILL_PACKET) {
		run->fill_packet = true;
		run->fill_seq = s->fill.arg;
		run->fill_ntx = run->ndis->ntx;
	}
}

void dv_exec_read(struct dv_run *run, const struct dv_stmt *s, const char *file)
{
	char text[3 * 256 + 1];
	size_t o = 0;
	bool via_ndis =
	        buffer_copy(run, s->read.addr, run->last_read, s->read.len, true, file, s->line);
	for (uint32_t i = 0; i < s->read.len && i < 256; i++) {
		if (!via_ndis)
			run->last_read[i] = dv_sim_cpu_read(run->sim, s->read.addr + i);
		o += (size_t)snprintf(text + o, sizeof text - o, " %02x", run->last_read[i]);
	}
	run_msg(run, DV_MSG_INFO, file, s->line, NULL, "read 0x%x:%s", (unsigned)s->read.addr,
	        text);
}

void dv_exec_tick(struct dv_run *run, const struct dv_stmt *s, const char *file)
{
	for (uint32_t i = 0; i < s->cycles && run->state == DV_RUN_READY; i++)
		if (!tick(run, file, s->line))
			break;
}

/* run N (a tick), run until, run quiet */
void dv_exec_run(struct dv_run *run, const struct dv_stmt *s, const char *file)
{
	if (s->kind == DV_ST_RUN_UNTIL)
		run_until(run, s, file);
	else if (s->kind == DV_ST_RUN_QUIET)
		run_quiet(run, s, file);
	else
		dv_exec_tick(run, s, file);
}

void dv_exec_dreq(struct dv_run *run, const struct dv_stmt *s, const char *file)
{
	uint32_t d = run->sim->st.bus.dreq, bit = 1u << s->dreq.channel;
	(void)file;
	dv_sim_set(run->sim, DV_SLOT_BUS_DREQ, 0, s->dreq.on ? (d | bit) : (d & ~bit));
}

void dv_exec_irql(struct dv_run *run, const struct dv_stmt *s, const char *file)
{
	(void)file;
	if (s->irql > run->sim->st.cpu.irql)
		dv_sim_raise_irql(run->sim, s->irql);
	else
		dv_sim_lower_irql(run->sim, s->irql);
}

/* driver query, driver set: NDIS passes the protocol's request to the running miniport. */
static void driver_request(struct dv_run *run, const struct dv_stmt *s, const char *file)
{
	bool query = s->kind == DV_ST_DRIVER_QUERY;
	const char *what = query ? "driver query" : "driver set";
	if (run->ndis->phase != DV_PHASE_RUNNING) {
		run_msg(run, DV_MSG_FAIL, file, s->line, NULL, "%s: the driver is not running",
		        what);
		return;
	}
	NDIS_STATUS st = query ? dv_ndis_query(run->ndis, s->request.oid, s->request.value) :
	                         dv_ndis_set(run->ndis, s->request.oid, s->request.value);
	if (st == NDIS_STATUS_NOT_SUPPORTED && !dv_ndis_has_request_handler(run->ndis, query))
		run_msg(run, DV_MSG_FAIL, file, s->line, NULL, "%s: the driver has no %s", what,
		        query ? "MiniportQueryInformation" : "MiniportSetInformation");
}

/* driver init, send, query, set, halt */
void dv_exec_driver(struct dv_run *run, const struct dv_stmt *s, const char *file)
{
	switch (s->kind) {
	case DV_ST_DRIVER_INIT: {
		DV_DRIVER_ENTRY entry = driver_entry(run);
		if (run->ndis->phase == DV_PHASE_RUNNING) {
			run_msg(run, DV_MSG_FAIL, file, s->line, NULL,
			        "driver init: the driver is already running");
			break;
		}
		if (!run->loaded) {
			run->loaded = true;
			if (run->L->has_copy_threshold) /* `copy=`: its NdisReadConfiguration */
				dv_ndis_set_config(run->ndis, "CopyThreshold",
				                   run->L->copy_threshold);
			for (uint32_t i = 0; i < run->L->nconfig; i++) /* `machine ... config` */
				dv_ndis_set_config(run->ndis, run->L->config[i].keyword,
				                   run->L->config[i].value);
			NDIS_STATUS st = dv_ndis_load(run->ndis, entry);
			if (st != NDIS_STATUS_SUCCESS) {
				run->ndis->last_status = st;
				break;
			}
		}
		dv_ndis_initialize(run->ndis);
		break;
	}
	case DV_ST_DRIVER_SEND: driver_send(run, s, file); break;
	case DV_ST_DRIVER_QUERY:
	case DV_ST_DRIVER_SET: driver_request(run, s, file); break;
	case DV_ST_DRIVER_HALT:
		if (run->ndis->phase != DV_PHASE_RUNNING)
			run_msg(run, DV_MSG_FAIL, file, s->line, NULL,
			        "driver halt: the driver is not running");
		else
			dv_ndis_halt(run->ndis);
		break;
	default: break;
	}
}

/* Frames of `peer send` beyond what the peer's queue holds wait here and join the queue as it
 * drains, after each tick: a long run is one line. */
static void peer_feed(struct dv_run *run)
{
	while (run->peer_waiting && dv_peer_send(run->sim, (uint16_t)run->peer_len))
		run->peer_waiting--;
}

void dv_exec_peer(struct dv_run *run, const struct dv_stmt *s, const char *file)
{
	if (run->peer_frames + s->peer.count > DV_SCRIPT_MAX_FRAMES) {
		run_msg(run, DV_MSG_FAIL, file, s->line, NULL,
		        "peer send: at most %u frames per run (this would make %u)",
		        DV_SCRIPT_MAX_FRAMES, run->peer_frames + s->peer.count);
		return;
	}
	if (run->peer_waiting && run->peer_len != s->peer.len) {
		run_msg(run, DV_MSG_FAIL, file, s->line, NULL,
		        "peer send: %u frames of %u bytes still wait for the peer's queue; run the "
		        "machine until they are sent before sending frames of another length",
		        run->peer_waiting, run->peer_len);
		return;
	}
	run->peer_frames += s->peer.count;
	run->peer_len = s->peer.len;
	run->peer_waiting += s->peer.count;
	peer_feed(run);
}

void dv_exec_expect(struct dv_run *run, const struct dv_stmt *s, const char *file)
{
	memset(run->atom_seen, 0, sizeof run->atom_seen);
	if (!eval_cond(run, &s->cond)) {
		char vals[512];
		describe_values(run, &s->cond, vals, sizeof vals);
		run_msg(run, DV_MSG_FAIL, file, s->line, NULL, "expect failed: %s (%s%scycle %u)",
		        s->cond.text, vals, vals[0] ? "; " : "", (unsigned)run->sim->st.cycle);
	}
}

void dv_exec_output_list(struct dv_run *run, const struct dv_stmt *s, const char *file)
{
	run->cols = s->output.cols;
	run->ncols = s->output.ncols;
	emit_row(run, s, file, true);
}

void dv_exec_output(struct dv_run *run, const struct dv_stmt *s, const char *file)
{
	if (!run->ncols)
		run_msg(run, DV_MSG_FAIL, file, s->line, NULL, "output: no output-list yet");
	else
		emit_row(run, s, file, false);
}

/* What a statement does (exec marks it, sets its cause and checks --strict around this): the
 * exec function of its row; `goal` is checked when its step ends, `break` in run_stmt. */
static void act(struct dv_run *run, const struct dv_stmt *s, const char *file)
{
	if (s->keyword && s->keyword->exec)
		s->keyword->exec(run, s, file);
}

/* ---- the run ---------------------------------------------------------------------------------- */

static void load_compare(struct dv_run *run)
{
	const struct dv_lesson *L = run->L;
	size_t len = 0;
	char *text = run->opt.load ? run->opt.load(run->opt.ctx, L->file, L->compare_to, &len) :
	                             NULL;
	if (!text) {
		/* The loader refuses what is not a regular file inside the lesson's folder (a FIFO
		 * would block, a link out would show another file's lines). */
		run_msg(run, DV_MSG_ERROR, L->file, L->compare_line,
		        "it must be a readable regular file in the lesson's folder",
		        "cannot read the compare file '%s'", L->compare_to);
		return;
	}
	/* Lines, without the trailing empty ones. */
	size_t n = 1;
	for (size_t i = 0; i < len; i++)
		n += text[i] == '\n';
	run->cmp_line = calloc(n, sizeof *run->cmp_line);
	run->cmp_buf = malloc(len + 1);
	if (!run->cmp_line || !run->cmp_buf) {
		free(text);
		run_msg(run, DV_MSG_ERROR, L->file, L->compare_line, NULL, "out of memory");
		return;
	}
	memcpy(run->cmp_buf, text, len);
	run->cmp_buf[len] = 0;
	free(text);
	for (size_t i = 0; i < len; i++)
		if (run->cmp_buf[i] == 0)
			run->cmp_buf[i] = ' ';
	char *p = run->cmp_buf;
	for (;;) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = 0;
		size_t l = strlen(p);
		if (l && p[l - 1] == '\r')
			p[l - 1] = 0;
		run->cmp_line[run->ncmp++] = p;
		if (!nl)
			break;
		p = nl + 1;
	}
	while (run->ncmp &&
	       run->cmp_line[run->ncmp - 1][strspn(run->cmp_line[run->ncmp - 1], " \t")] == 0)
		run->ncmp--;
	run->cmp_on = true;
}

struct dv_run *dv_run_create(const struct dv_lesson *L, const struct dv_run_options *opt)
{
	struct dv_run *run = calloc(1, sizeof *run);
	if (!run)
		return NULL;
	run->L = L;
	if (opt)
		run->opt = *opt;
	/* The lesson's budget=, and a caller's budget (a fuzzer's, a test's) lowers it. */
	run->budget = L->budget ? L->budget : DV_SCRIPT_DEFAULT_BUDGET;
	if (run->opt.cycle_budget && run->opt.cycle_budget < run->budget)
		run->budget = run->opt.cycle_budget;
	run->cur = -1;
	dv_msgs_init(&run->msgs);
	size_t ns = L->nsteps ? L->nsteps : 1, nb = L->nbuffers ? L->nbuffers : 1;
	run->step_first = calloc(ns, sizeof *run->step_first);
	run->step_end = calloc(ns, sizeof *run->step_end);
	run->step_flags = calloc(ns, 1);
	run->bufs = calloc(nb, sizeof *run->bufs);
	run->buf_phys = calloc(nb, sizeof *run->buf_phys);
	run->sim = dv_sim_create(&L->machine);
	run->ndis = run->sim ? dv_ndis_create(run->sim) : NULL;
	if (!run->step_first || !run->step_end || !run->step_flags || !run->bufs ||
	    !run->buf_phys || !run->ndis) {
		dv_run_destroy(run);
		return NULL;
	}
	if (L->driver == DV_DRIVER_BUILTIN && !dv_builtin_driver(L->driver_name))
		run_msg(run, DV_MSG_ERROR, L->file, L->driver_line, NULL,
		        "this dmaviz was built without the %s driver", L->driver_name);
	else if (L->driver == DV_DRIVER_FILE && !run->opt.driver_entry)
		run_msg(run, DV_MSG_ERROR, L->file, L->driver_line,
		        "give the driver module on the command line: dmaviz check --driver FILE.so",
		        "this lesson runs a learner's driver, and none was given");
	else if (L->has_output && L->compare_to)
		load_compare(run);
	return run;
}

void dv_run_destroy(struct dv_run *run)
{
	if (!run)
		return;
	fiber_finish(run); /* a driver paused mid-callback returns before its machine goes */
	if (run->fib) {
		free(run->fib->stack);
		free(run->fib);
	}
	dv_ndis_destroy(run->ndis);
	dv_sim_destroy(run->sim);
	for (size_t i = 0; i < run->nrows; i++)
		free(run->rows[i]);
	free(run->rows);
	free(run->row_pos);
	free(run->cmp_line);
	free(run->cmp_buf);
	free(run->step_first);
	free(run->step_end);
	free(run->step_flags);
	free(run->bufs);
	free(run->buf_phys);
	free(run->pending);
	dv_arena_free(run->scratch);
	dv_msgs_finish(&run->msgs);
	free(run);
}

/* A learner's driver whose process ended (the driver host: a crash, a loop, exit) ends the run
 * at the statement during which it happened; its note is in the trace at that moment. */
static void driver_ended(struct dv_run *run, const struct dv_stmt *s, const char *file)
{
	const char *why = dv_ndis_driver_failure(run->ndis);
	if (!why || run->state != DV_RUN_READY)
		return;
	run_msg(run, DV_MSG_FAIL, file, s->line, NULL, "your driver %s", why);
	run->state = DV_RUN_STOPPED;
}

bool dv_run_next(struct dv_run *run)
{
	if (run->state != DV_RUN_READY || run->recorded)
		return false;
	const struct dv_lesson *L = run->L;
	if (run->pc >= L->nstmts) {
		finish(run);
		return false;
	}
	const struct dv_stmt *s = &L->stmts[run->pc];
	enter_step(run, s->step);
	exec(run, s, L->file);
	driver_ended(run, s, L->file);
	run->pc++;
	if (run->state == DV_RUN_READY &&
	    (run->pc >= L->nstmts || L->stmts[run->pc].step != s->step))
		close_step(run, s->step);
	return true;
}

bool dv_run_step(struct dv_run *run)
{
	if (run->state != DV_RUN_READY)
		return false;
	const struct dv_lesson *L = run->L;
	/* The next step: the one in progress if it has statements left, else the one after. */
	unsigned k;
	if (run->cur >= 0 && !(run->step_flags[run->cur] & STEP_CLOSED))
		k = (unsigned)run->cur;
	else
		k = (unsigned)(run->cur + 1);
	if (k >= L->nsteps) {
		finish(run);
		return false;
	}
	enter_step(run, k);
	while (run->state == DV_RUN_READY && run->pc < L->nstmts && L->stmts[run->pc].step == k)
		dv_run_next(run);
	if (run->state == DV_RUN_READY)
		close_step(run, k);
	if (run->state == DV_RUN_READY && k + 1 >= L->nsteps)
		finish(run);
	return true;
}

enum dv_run_state dv_run_all(struct dv_run *run)
{
	while (dv_run_next(run))
		;
	return run->state;
}

enum dv_run_state dv_run_state(const struct dv_run *run)
{
	return run->state;
}

static bool same_text(const char *a, size_t an, const char *b, size_t bn)
{
	if (an != bn)
		return false;
	for (size_t i = 0; i < an; i++) {
		int x = (unsigned char)a[i], y = (unsigned char)b[i];
		if (x >= 'A' && x <= 'Z')
			x += 32;
		if (y >= 'A' && y <= 'Z')
			y += 32;
		if (x != y)
			return false;
	}
	return true;
}

/* The answer as typed, without blanks and quotes. */
static void answer_text(const char *text, const char **s, size_t *n)
{
	*s = text;
	*n = strlen(text);
	trim(s, n);
	if (*n >= 2 && (*s)[0] == '"' && (*s)[*n - 1] == '"') {
		(*s)++;
		*n -= 2;
		trim(s, n);
	}
}

bool dv_answer_number(const char *text, uint32_t *out)
{
	const char *s;
	size_t n;
	answer_text(text, &s, &n);
	if (n == 0 || s[0] < '0' || s[0] > '9')
		return false;
	if (dv_script_number(s, n, out))
		return true;
	/* Assembler style, as data sheets print register values: 05h, 0FFh. */
	char hex[16];
	if (n >= 2 && (s[n - 1] == 'h' || s[n - 1] == 'H') && n - 1 + 2 < sizeof hex) {
		hex[0] = '0';
		hex[1] = 'x';
		memcpy(hex + 2, s, n - 1);
		return dv_script_number(hex, n + 1, out);
	}
	return false;
}

bool dv_ask_accepts(const struct dv_ask *a, const char *text)
{
	if (!a || !text)
		return false;
	const char *s;
	size_t n;
	answer_text(text, &s, &n);
	uint32_t num;
	bool numeric = dv_answer_number(text, &num);
	for (unsigned i = 0; i < a->nanswers; i++) {
		const struct dv_answer *w = &a->answers[i];
		if (numeric && w->numeric && w->num == num)
			return true;
		const char *t = w->text;
		size_t tn = strlen(t);
		trim(&t, &tn);
		if (same_text(s, n, t, tn))
			return true;
		/* A status may be named without its prefix: RESOURCES for NDIS_STATUS_RESOURCES. */
		if (tn > 12 && !strncmp(t, "NDIS_STATUS_", 12) && same_text(s, n, t + 12, tn - 12))
			return true;
	}
	return false;
}

bool dv_run_answer(struct dv_run *run, const char *text)
{
	free(run->pending);
	run->pending = NULL;
	if (!text)
		return false;
	run->pending = malloc(strlen(text) + 1);
	if (run->pending)
		strcpy(run->pending, text);
	if (run->pc < run->L->nstmts && run->L->stmts[run->pc].kind == DV_ST_ASK)
		return dv_ask_accepts(run->L->stmts[run->pc].ask, text);
	return false;
}

bool dv_run_command(struct dv_run *run, const char *line)
{
	struct dv_stmt s;
	/* A recording has no driver and no live NDIS state to run a line on. */
	if (run->state == DV_RUN_STOPPED || run->recorded)
		return false;
	run->ncommands++;
	if (!dv_script_parse_command(run->L, &run->scratch, "sandbox", run->ncommands, line, &s,
	                             &run->msgs))
		return false;
	enum dv_run_state saved = run->state;
	run->state = DV_RUN_READY; /* a finished lesson still takes commands */
	exec(run, &s, "sandbox");
	if (run->state == DV_RUN_READY)
		run->state = saved;
	return true;
}

size_t dv_run_pc(const struct dv_run *run)
{
	return run->pc;
}

unsigned dv_run_current_step(const struct dv_run *run)
{
	if (run->pc < run->L->nstmts)
		return run->L->stmts[run->pc].step;
	return run->cur < 0 ? 0 : (unsigned)run->cur;
}

bool dv_run_step_events(const struct dv_run *run, unsigned k, size_t *first, size_t *end)
{
	if (k >= run->L->nsteps || !(run->step_flags[k] & STEP_STARTED))
		return false;
	*first = run->step_first[k];
	*end = (run->step_flags[k] & STEP_CLOSED) ? run->step_end[k] : run->sim->trace.len;
	return true;
}

bool dv_run_seek_step(const struct dv_run *run, struct dv_cursor *c, unsigned k, bool at_end)
{
	size_t first, end;
	if (!dv_run_step_events(run, k, &first, &end))
		return false;
	dv_cursor_seek(c, at_end ? end : first);
	return true;
}

const struct dv_msgs *dv_run_msgs(const struct dv_run *run)
{
	return &run->msgs;
}

struct dv_sim *dv_run_sim(const struct dv_run *run)
{
	return run->sim;
}

struct dv_ndis *dv_run_ndis(const struct dv_run *run)
{
	return run->ndis;
}

size_t dv_run_rows(const struct dv_run *run)
{
	return run->nrows;
}

const char *dv_run_row(const struct dv_run *run, size_t i)
{
	return i < run->nrows ? run->rows[i] : NULL;
}

size_t dv_run_row_pos(const struct dv_run *run, size_t i)
{
	return i < run->nrows ? run->row_pos[i] : SIZE_MAX;
}

bool dv_run_eval_name(struct dv_run *run, const char *name, uint32_t *value,
                      enum dv_value_type *type)
{
	struct dv_ref r;
	if (!name || !dv_script_resolve(run->L, name, strlen(name), &r))
		return false;
	*value = dv_name_eval(run, &r);
	if (type)
		*type = r.type;
	return true;
}

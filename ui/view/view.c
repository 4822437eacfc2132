/* dmaviz: the front-end-neutral view (view.h). */
#include "view.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calls.h"
#include "describe.h"
#include "recording.h"
#include "dma8237.h"
#include "dvndis.h"
#include "files.h"
#include "nic.h"
#include "verifier.h"

/* What the walks back over NDIS calls look for (dv_trace_prev skips the bus cycles between). */
#define CALLS_AND_RETURNS (1u << DV_EV_CALL | 1u << DV_EV_RETURN)

/* ---- lines and panels ------------------------------------------------------------------- */

void dv_vpanel_init(struct dv_vpanel *p)
{
	memset(p, 0, sizeof *p);
}

void dv_vpanel_clear(struct dv_vpanel *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->line[i].text);
		free(p->line[i].roles);
	}
	p->n = 0;
	p->title[0] = '\0';
}

void dv_vpanel_finish(struct dv_vpanel *p)
{
	dv_vpanel_clear(p);
	free(p->line);
	memset(p, 0, sizeof *p);
}

size_t dv_vtext_cells(const char *text, size_t len)
{
	size_t cells = 0;
	for (size_t i = 0; i < len; i++)
		if (((unsigned char)text[i] & 0xC0) != 0x80) /* continuation bytes take no cell */
			cells++;
	return cells;
}

size_t dv_vtext_bytes_for(const char *text, size_t len, size_t cells)
{
	size_t i = 0, used = 0;
	while (i < len) {
		if (((unsigned char)text[i] & 0xC0) != 0x80) {
			if (used == cells)
				break;
			used++;
		}
		i++;
	}
	return i;
}

/* Starts a new, empty line. On allocation failure returns a static dummy line so callers
 * need no checks; the panel then simply lacks the line. */
static struct dv_vline *new_line(struct dv_vpanel *p)
{
	static struct dv_vline dummy;
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		struct dv_vline *nl = realloc(p->line, cap * sizeof *nl);
		if (!nl) {
			memset(&dummy, 0, sizeof dummy);
			return &dummy;
		}
		p->line = nl;
		p->cap = cap;
	}
	struct dv_vline *l = &p->line[p->n++];
	memset(l, 0, sizeof *l);
	return l;
}

static void put_bytes(struct dv_vline *l, enum dv_role role, const char *s, size_t n)
{
	if (l->len + n + 1 > l->cap) {
		size_t cap = l->cap ? l->cap : 64;
		while (l->len + n + 1 > cap)
			cap *= 2;
		char *t = realloc(l->text, cap);
		if (!t)
			return;
		l->text = t;
		uint8_t *r = realloc(l->roles, cap);
		if (!r)
			return;
		l->roles = r;
		l->cap = cap;
	}
	memcpy(l->text + l->len, s, n);
	memset(l->roles + l->len, (int)role, n);
	l->len += n;
	l->text[l->len] = '\0';
}

void dv_vline_add(struct dv_vline *l, enum dv_role role, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	put_bytes(l, role, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

/* ---- positions -------------------------------------------------------------------------- */

static unsigned step_of(const struct dv_view *v, size_t pos)
{
	/* The last step whose events began before pos: the end of step k is the start of step
	 * k + 1, and a position there shows step k's result, so it belongs to k. */
	unsigned found = 0;
	for (unsigned k = 0; k < v->lesson->nsteps; k++) {
		size_t first, end;
		if (dv_run_step_events(v->run, k, &first, &end) && first < pos)
			found = k;
	}
	return found;
}

/* The setup step (number 0) is shown only when it has narration. */
static bool step_shown(const struct dv_view *v, unsigned k)
{
	const struct dv_step *s = &v->lesson->steps[k];
	size_t first, end;
	if (!dv_run_step_events(v->run, k, &first, &end))
		return false;
	return s->number != 0 || s->nparas > 0;
}

void dv_view_init(struct dv_view *v, const struct dv_lesson *lesson, const struct dv_run *run,
                  const struct dv_ndis *ndis, const char *source_root)
{
	memset(v, 0, sizeof *v);
	v->lesson = lesson;
	v->run = run;
	v->sim = dv_run_sim(run);
	v->ndis = ndis;
	v->source_root = source_root;
	v->end = dv_trace_len(dv_sim_trace(v->sim));
	v->narr_shown = UINT_MAX;
	v->narr_tail_from = SIZE_MAX;
	dv_cursor_init(&v->now, v->sim);
	dv_cursor_init(&v->base, v->sim);
	dv_cursor_init(&v->base2, v->sim);
	dv_cursor_init(&v->base3, v->sim);
	dv_view_command(v, DV_VCMD_FIRST);
}

void dv_view_finish(struct dv_view *v)
{
	dv_cursor_finish(&v->now);
	dv_cursor_finish(&v->base);
	dv_cursor_finish(&v->base2);
	dv_cursor_finish(&v->base3);
	free(v->src_path);
	free(v->src_text);
	memset(v, 0, sizeof *v);
}

void dv_view_seek_fade(struct dv_view *v, size_t pos, size_t from, size_t from2, size_t from3)
{
	if (pos > v->end)
		pos = v->end;
	if (from > pos)
		from = pos;
	if (from2 > from)
		from2 = from;
	if (from3 > from2)
		from3 = from2;
	v->pos = pos;
	v->from = from;
	v->from2 = from2;
	v->from3 = from3;
	v->log_scroll = 0;
	v->src_scroll = 0;
	dv_cursor_seek(&v->now, pos);
	dv_cursor_seek(&v->base, from);
	dv_cursor_seek(&v->base2, from2);
	dv_cursor_seek(&v->base3, from3);
	v->step = step_of(v, pos);
}

static bool unit_end(const struct dv_view *v, enum dv_gran g, size_t p);
static size_t unit_before(const struct dv_view *v, size_t p);

/* Events as the views count and step them are the trace's records (trace.h): an act with
 * what it caused in its bus cycle. The first record boundary before p (0 when none) and the
 * first after it (the view's end when none). */
static size_t record_before(const struct dv_view *v, size_t p)
{
	const struct dv_trace *t = dv_sim_trace(v->sim);
	size_t k = dv_trace_records(t, p);
	return k == 0 ? 0 : dv_trace_record_start(t, k - 1);
}

static size_t record_after(const struct dv_view *v, size_t p)
{
	if (p >= v->end)
		return v->end;
	size_t q = dv_trace_record_start(dv_sim_trace(v->sim),
	                                 dv_trace_records(dv_sim_trace(v->sim), p + 1));
	return q < v->end ? q : v->end;
}

size_t dv_view_events(const struct dv_view *v, size_t pos)
{
	return dv_trace_records(dv_sim_trace(v->sim), pos < v->end ? pos : v->end);
}

size_t dv_view_unit_back(const struct dv_view *v, size_t p)
{
	if (p == 0)
		return 0;
	switch (v->gran) {
	case DV_GRAN_STEP: {
		/* The latest step start before p. */
		size_t best = 0;
		for (unsigned k = 0; k < v->lesson->nsteps; k++) {
			size_t first, end;
			if (dv_run_step_events(v->run, k, &first, &end) && first < p &&
			    first > best)
				best = first;
		}
		return best;
	}
	case DV_GRAN_EVENT: return record_before(v, p);
	default:
		while (p > 0 && !unit_end(v, v->gran, --p))
			;
		return p;
	}
}

void dv_view_seek(struct dv_view *v, size_t pos, size_t from)
{
	if (from > pos)
		from = pos;
	size_t from2 = dv_view_unit_back(v, from);
	dv_view_seek_fade(v, pos, from, from2, dv_view_unit_back(v, from2));
}

bool dv_view_seek_cycle(struct dv_view *v, uint64_t c)
{
	const struct dv_trace *evt = dv_sim_trace(v->sim);
	size_t p = 0, q = 0;
	while (p < v->end && dv_trace_at(evt, p)->cycle <= c)
		p++;
	if (p == 0)
		return false;
	while (q < p && dv_trace_at(evt, q)->cycle < c)
		q++;
	dv_view_seek(v, p, q);
	return true;
}

int dv_view_last_rule(const struct dv_view *v)
{
	const struct dv_trace *evt = dv_sim_trace(v->sim);
	size_t i = dv_trace_prev(evt, v->pos, 1u << DV_EV_VERIFIER);
	return i == SIZE_MAX ? -1 : (int)dv_trace_at(evt, i)->slot;
}

bool dv_view_goto_step(struct dv_view *v, unsigned k)
{
	size_t first, end;
	if (k >= v->lesson->nsteps || !dv_run_step_events(v->run, k, &first, &end))
		return false;
	dv_view_seek(v, end, first);
	v->step = k; /* an empty step ends where the next starts: name the one asked for */
	return true;
}

/* Events that cannot be the consequence of anything start something new (an access, a
 * transfer, a call or return, a verifier rule, a lesson mark, an interrupt taken, a DPC run);
 * the state changes and notes that follow one in its bus cycle, by its source or a device,
 * are its consequences: the register a write lands in, the flip-flop a read toggles, the
 * status bit and auto-mask a terminal count sets. The trace keeps these as its records
 * (trace.h); a change made by another actor, such as the CPU leaving an ISR after its return,
 * is not one (dv_event_starts_something, dv_event_consequence). */

/* The position just past event i and its consequences. */
static size_t effects_end(const struct dv_view *v, size_t i)
{
	const struct dv_trace *evt = dv_sim_trace(v->sim);
	size_t j = i + 1;
	while (j < v->end && dv_event_consequence(dv_trace_at(evt, i), dv_trace_at(evt, j)))
		j++;
	return j;
}

/* Is position p (1..end) the end of a unit of granularity g? A call or port unit ends after
 * its event's consequences (so the register a write changed shows with the write); a bus
 * cycle ends after the last event stamped with that cycle. */
static bool unit_end(const struct dv_view *v, enum dv_gran g, size_t p)
{
	const struct dv_trace *evt = dv_sim_trace(v->sim);
	if (p == 0 || p > v->end)
		return false;
	switch (g) {
	case DV_GRAN_CALL:
	case DV_GRAN_PORT: {
		/* In the middle of a run of one actor's changes: not an end. (This keeps the
		 * walks below to one per run.) */
		if (p < v->end && dv_trace_at(evt, p)->src == dv_trace_at(evt, p - 1)->src &&
		    dv_event_consequence(dv_trace_at(evt, p - 1), dv_trace_at(evt, p)))
			return false;
		/* The event whose consequences may end here, and whether they do. */
		size_t h = p - 1;
		while (h > 0 && !dv_event_starts_something(dv_trace_at(evt, h)) &&
		       dv_trace_at(evt, h - 1)->cycle == dv_trace_at(evt, h)->cycle)
			h--;
		bool kind = g == DV_GRAN_CALL ? dv_trace_at(evt, h)->kind == DV_EV_CALL :
		                                dv_trace_at(evt, h)->kind == DV_EV_PORT_OUT ||
		                                        dv_trace_at(evt, h)->kind == DV_EV_PORT_IN;
		return kind && effects_end(v, h) == p;
	}
	case DV_GRAN_CYCLE:
		return p == v->end || dv_trace_at(evt, p)->cycle != dv_trace_at(evt, p - 1)->cycle;
	case DV_GRAN_EVENT: return p == v->end || record_before(v, p + 1) == p;
	default: return true;
	}
}

size_t dv_view_unit_next(const struct dv_view *v, size_t p)
{
	if (v->gran == DV_GRAN_EVENT)
		return record_after(v, p);
	if (v->gran == DV_GRAN_STEP)
		return p < v->end ? p + 1 : v->end;
	while (p < v->end && !unit_end(v, v->gran, ++p))
		;
	return p;
}

unsigned dv_view_step_at(const struct dv_view *v, size_t pos)
{
	return step_of(v, pos);
}

size_t dv_view_play_next(const struct dv_view *v, size_t p)
{
	while (p < v->end) {
		p++;
		if (unit_end(v, DV_GRAN_CYCLE, p) || unit_end(v, DV_GRAN_PORT, p) ||
		    unit_end(v, DV_GRAN_CALL, p))
			break;
	}
	return p;
}

/* The unit end before p (0 when none): the base of a move to p, so that the changes shown at
 * a position depend on it alone and stepping back shows the screen seen going forward. */
static size_t unit_before(const struct dv_view *v, size_t p)
{
	if (v->gran == DV_GRAN_EVENT)
		return record_before(v, p);
	while (p > 0 && !unit_end(v, v->gran, --p))
		;
	return p;
}

static bool move_unit(struct dv_view *v, int dir)
{
	size_t p = v->pos;
	if (dir > 0 && v->gran == DV_GRAN_EVENT) {
		if (p >= v->end)
			return false;
		p = record_after(v, p);
	} else if (dir > 0) {
		while (++p <= v->end && !unit_end(v, v->gran, p))
			;
		if (p > v->end)
			return false;
	} else {
		p = unit_before(v, p);
		if (p == 0 && !unit_end(v, v->gran, 0))
			return false;
	}
	dv_view_seek(v, p, unit_before(v, p));
	return true;
}

size_t dv_view_find(const struct dv_view *v, enum dv_until what)
{
	const struct dv_trace *evt = dv_sim_trace(v->sim);
	size_t depth = 0;
	for (size_t i = v->pos; i < v->end; i++) {
		const struct dv_event *e = dv_trace_at(evt, i);
		bool rise = e->kind == DV_EV_STATE && e->new_value > e->old_value;
		switch (what) {
		case DV_UNTIL_TC:
			if (rise && e->slot == DV_SLOT_BUS_TC)
				return effects_end(v, i);
			break;
		case DV_UNTIL_IRQ:
			if (rise && e->slot == DV_SLOT_BUS_IRQ)
				return effects_end(v, i);
			break;
		case DV_UNTIL_VERIFIER:
			if (e->kind == DV_EV_VERIFIER)
				return effects_end(v, i);
			break;
		case DV_UNTIL_RETURN:
			/* Depth 0: the call in progress at the cursor returns; depth 1: the
			 * next call started after the cursor does. Nested calls are skipped. */
			if (e->kind == DV_EV_CALL)
				depth++;
			else if (e->kind == DV_EV_RETURN && depth-- <= 1)
				return i + 1; /* what follows a return is the caller's doing */
			break;
		}
	}
	return 0;
}

bool dv_view_command(struct dv_view *v, enum dv_vcmd cmd)
{
	unsigned n = v->lesson->nsteps;
	size_t old = v->pos;
	switch (cmd) {
	case DV_VCMD_NEXT:
		if (v->gran == DV_GRAN_EVENT)
			return dv_view_command(v, DV_VCMD_NEXT_EVENT);
		if (v->gran != DV_GRAN_STEP)
			return move_unit(v, 1);
		for (unsigned k = v->step + 1; k < n; k++)
			if (step_shown(v, k))
				return dv_view_goto_step(v, k);
		return false;
	case DV_VCMD_PREV:
		if (v->gran == DV_GRAN_EVENT)
			return dv_view_command(v, DV_VCMD_PREV_EVENT);
		if (v->gran != DV_GRAN_STEP)
			return move_unit(v, -1);
		for (unsigned k = v->step; k-- > 0;)
			if (step_shown(v, k))
				return dv_view_goto_step(v, k);
		return false;
	case DV_VCMD_NEXT_EVENT:
		if (v->pos < v->end)
			dv_view_seek(v, v->pos + 1, v->pos);
		return v->pos != old;
	case DV_VCMD_PREV_EVENT:
		if (v->pos > 0)
			dv_view_seek(v, v->pos - 1, v->pos >= 2 ? v->pos - 2 : 0);
		return v->pos != old;
	case DV_VCMD_FIRST:
		for (unsigned k = 0; k < n; k++)
			if (step_shown(v, k))
				return dv_view_goto_step(v, k);
		dv_view_seek(v, 0, 0);
		return true;
	case DV_VCMD_LAST:
		for (unsigned k = n; k-- > 0;)
			if (step_shown(v, k))
				return dv_view_goto_step(v, k);
		dv_view_seek(v, v->end, v->end);
		return true;
	case DV_VCMD_GRAN:
		/* step -> call -> port -> cycle -> step; single events have their own keys. */
		v->gran = v->gran >= DV_GRAN_CYCLE ? DV_GRAN_STEP : (enum dv_gran)(v->gran + 1);
		return true;
	case DV_VCMD_COUNT: break;
	}
	return false;
}

unsigned dv_view_step_count(const struct dv_view *v)
{
	unsigned c = 0;
	for (unsigned k = 0; k < v->lesson->nsteps; k++)
		c += v->lesson->steps[k].number != 0 || v->lesson->steps[k].nparas > 0;
	return c;
}

unsigned dv_view_step_number(const struct dv_view *v, unsigned k)
{
	/* Step numbers as the learner counts them: the setup step is 0 and usually hidden. */
	return k < v->lesson->nsteps ? v->lesson->steps[k].number : 0;
}

const char *dv_view_gran_name(enum dv_gran g)
{
	static const char *const names[DV_GRAN_COUNT] = { "step", "call", "port", "cycle",
		                                          "event" };
	return g < DV_GRAN_COUNT ? names[g] : "step";
}

/* ---- narration ------------------------------------------------------------------------------ */

/* Appends a paragraph with its light markup turned into roles: `code` is highlighted and
 * *emphasis* is a heading role; the marks themselves are dropped. */
static void styled_para(struct dv_vline *out, const char *s)
{
	enum dv_role role = DV_ROLE_NORMAL;
	bool code = false, em = false;
	for (; *s; s++) {
		if (*s == '`' && !em) {
			code = !code;
			role = code ? DV_ROLE_HIGHLIGHT : DV_ROLE_NORMAL;
			continue;
		}
		if (*s == '*' && !code) {
			em = !em;
			role = em ? DV_ROLE_HEADING : DV_ROLE_NORMAL;
			continue;
		}
		put_bytes(out, role, s, 1);
	}
}

/* Word-wraps a styled line into the panel at width cells. Words longer than a line are cut. */
static void wrap_into(struct dv_vpanel *p, const struct dv_vline *src, size_t width)
{
	if (width < 8)
		width = 8;
	size_t i = 0;
	while (i < src->len) {
		while (i < src->len && src->text[i] == ' ')
			i++;
		if (i >= src->len)
			break;
		size_t cut = i + dv_vtext_bytes_for(src->text + i, src->len - i, width);
		size_t brk = cut;
		if (cut < src->len) {
			/* Break after the last space that fits, so a word is not split. */
			size_t j = cut;
			while (j > i && src->text[j] != ' ')
				j--;
			if (j > i)
				brk = j;
		}
		struct dv_vline *l = new_line(p);
		for (size_t k = i; k < brk; k++)
			put_bytes(l, (enum dv_role)src->roles[k], src->text + k, 1);
		i = brk;
	}
}

struct dv_vline *dv_vpanel_add_line(struct dv_vpanel *p)
{
	return new_line(p);
}

void dv_vpanel_wrap(struct dv_vpanel *p, const struct dv_vline *src, size_t width)
{
	wrap_into(p, src, width);
}

void dv_vpanel_append(struct dv_vpanel *p, const struct dv_vpanel *src)
{
	new_line(p);
	if (src->title[0])
		dv_vline_add(new_line(p), DV_ROLE_HEADING, "%s", src->title);
	for (size_t i = 0; i < src->n; i++) {
		struct dv_vline *l = new_line(p);
		const struct dv_vline *o = &src->line[i];
		for (size_t k = 0; k < o->len;) {
			size_t j = k;
			while (j < o->len && o->roles[j] == o->roles[k])
				j++;
			put_bytes(l, (enum dv_role)o->roles[k], o->text + k, j - k);
			k = j;
		}
	}
}

/* The bytes of the step's `read` statements in [from, to) (statement indices) that have run by
 * the cursor, one line each: what the CPU read, shown where the lesson read it. */
static void reads_into(struct dv_view *v, struct dv_vpanel *p, size_t from, size_t to, size_t width)
{
	const struct dv_lesson *L = v->lesson;
	const struct dv_step *s = &L->steps[v->step];
	const struct dv_msgs *m = dv_run_msgs(v->run);
	for (size_t k = from; v->stmt_at && k < to && k < s->first + s->count; k++) {
		const struct dv_stmt *x = &L->stmts[k];
		if (x->kind != DV_ST_READ || v->stmt_at[k] >= v->pos)
			continue;
		for (size_t i = 0; i < m->n; i++) {
			const char *t = m->v[i].text, *r;
			if (m->v[i].kind != DV_MSG_INFO || m->v[i].line != x->line ||
			    !(r = strstr(t, ": read 0x")))
				continue;
			struct dv_vline tmp = { 0 };
			dv_vline_add(&tmp, DV_ROLE_HIGHLIGHT, "  CPU %s", r + 2);
			new_line(p);
			wrap_into(p, &tmp, width);
			free(tmp.text);
			free(tmp.roles);
		}
	}
}

bool dv_view_tail_stmt(const struct dv_view *v, size_t k)
{
	const struct dv_stmt *x = &v->lesson->stmts[k];
	return v->stmt_at && v->narr_tail_from != SIZE_MAX && v->stmt_at[k] >= v->narr_tail_from &&
	       v->stmt_at[k] < v->pos && x->kind != DV_ST_EXPECT && x->kind != DV_ST_GOAL &&
	       x->kind != DV_ST_ASK && x->kind != DV_ST_BREAK;
}

void dv_view_narration(struct dv_view *v, struct dv_vpanel *p, size_t width)
{
	dv_vpanel_clear(p);
	const struct dv_lesson *L = v->lesson;
	if (L->nsteps == 0) {
		snprintf(p->title, sizeof p->title, "%s", L->title ? L->title : "");
		return;
	}
	const struct dv_step *s = &L->steps[v->step];
	snprintf(p->title, sizeof p->title, "Step %u of %u: %s", dv_view_step_number(v, v->step),
	         L->steps[L->nsteps - 1].number,
	         s->title && *s->title ? s->title : (L->title ? L->title : ""));
	unsigned shown = s->nparas < v->narr_shown ? s->nparas : v->narr_shown;
	for (unsigned i = 0; i < shown; i++) {
		if (i > 0 && s->para_stmt)
			reads_into(v, p, s->para_stmt[i - 1], s->para_stmt[i], width);
		if (i > 0)
			new_line(p);
		struct dv_vline tmp = { 0 };
		/* The paragraph of the current beat is marked, so a learner sees where the
		 * picture stands in the text. */
		bool cur = v->narr_mark && i + 1 == shown;
		dv_vline_add(&tmp, cur ? DV_ROLE_HIGHLIGHT : DV_ROLE_DIM, "%s", cur ? "> " : "  ");
		styled_para(&tmp, s->paras[i]);
		wrap_into(p, &tmp, width);
		free(tmp.text);
		free(tmp.roles);
	}
	if (shown > 0 && s->para_stmt)
		reads_into(v, p, s->para_stmt[shown - 1], s->first + s->count, width);
	/* Past the last paragraph: the lesson statements run since ("Then: out 0x300 0x80"). */
	if (v->stmt_at && v->narr_tail_from != SIZE_MAX && v->narr_tail_from < v->pos) {
		struct dv_vline tmp = { 0 };
		unsigned n = 0;
		for (size_t k = s->first; k < s->first + s->count; k++) {
			const struct dv_stmt *x = &L->stmts[k];
			if (!dv_view_tail_stmt(v, k))
				continue;
			dv_vline_add(&tmp, DV_ROLE_DIM, "%s", n++ ? "; " : "Then: ");
			/* The statement without its trailing comment. */
			const char *t = x->text, *hash = strchr(t, '#');
			size_t len = hash ? (size_t)(hash - t) : strlen(t);
			while (len && t[len - 1] == ' ')
				len--;
			dv_vline_add(&tmp, DV_ROLE_HIGHLIGHT, "%.*s", (int)len, t);
		}
		if (n) {
			new_line(p);
			wrap_into(p, &tmp, width);
		}
		free(tmp.text);
		free(tmp.roles);
	}
	/* The checks of this step that failed before the cursor: what the learner's run did
	 * against what the test expected, in words, under the text that led to it. */
	for (size_t f = 0; f < v->nfails; f++) {
		if (v->fails[f].step != v->step)
			continue;
		struct dv_vline tmp = { 0 };
		dv_vline_add(&tmp, DV_ROLE_ERROR, "! line %u: ", v->fails[f].line);
		put_bytes(&tmp, DV_ROLE_ERROR, v->fails[f].text, strlen(v->fails[f].text));
		new_line(p);
		wrap_into(p, &tmp, width);
		free(tmp.text);
		free(tmp.roles);
	}
	/* Questions have their own panel (dv_view_question): they must stay visible while the
	 * narration scrolls, and they appear only once the lesson reaches them. */
	if (v->gran != DV_GRAN_STEP) {
		size_t first, end;
		if (dv_run_step_events(v->run, v->step, &first, &end) &&
		    (v->pos != end || v->gran != DV_GRAN_STEP)) {
			new_line(p);
			size_t k0 = dv_view_events(v, first);
			dv_vline_add(new_line(p), DV_ROLE_DIM, "event %zu of %zu in this step",
			             dv_view_events(v, v->pos) - k0, dv_view_events(v, end) - k0);
		}
	}
}

size_t dv_view_narration_marked(const struct dv_vpanel *p)
{
	size_t at = SIZE_MAX;
	for (size_t i = 0; i < p->n; i++)
		if (p->line[i].len >= 2 && p->line[i].text[0] == '>' &&
		    p->line[i].roles[0] == DV_ROLE_HIGHLIGHT)
			at = i;
	return at;
}

/* The first line shown: the marked paragraph's, or the end (bottom) when that is later, no
 * paragraph is marked (a step's end: what ran since is listed there) or a question is under
 * it (at_end). */
static size_t narration_start(size_t marked, size_t bottom, bool at_end)
{
	return at_end || marked > bottom ? bottom : marked;
}

void dv_narr_place_reset(struct dv_narr_place *np)
{
	*np = (struct dv_narr_place){ .pos = SIZE_MAX };
}

size_t dv_narr_place(struct dv_narr_place *np, const struct dv_vpanel *p, size_t rows, size_t pos,
                     size_t nb, bool at_end)
{
	size_t marked = dv_view_narration_marked(p), bottom = p->n > rows ? p->n - rows : 0;
	bool moved = np->pos != pos || np->nb != nb;
	bool reflowed = np->rows != rows || np->n != p->n || np->marked != marked;
	if (moved || (reflowed && !np->manual)) {
		np->pos = pos;
		np->nb = nb;
		np->manual = false;
		np->scroll = narration_start(marked, bottom, at_end);
	}
	np->rows = rows;
	np->n = p->n;
	np->marked = marked;
	if (np->scroll > bottom)
		np->scroll = bottom;
	return np->scroll;
}

void dv_narr_place_scroll(struct dv_narr_place *np, long lines)
{
	np->manual = true;
	np->scroll = dv_scrolled(np->scroll, lines);
}

size_t dv_view_narration_start(const struct dv_vpanel *p, size_t rows, bool at_end)
{
	return narration_start(dv_view_narration_marked(p), p->n > rows ? p->n - rows : 0, at_end);
}

/* ---- the 8237A ------------------------------------------------------------------------------ */

static uint32_t now_get(const struct dv_view *v, enum dv_slot s, uint32_t i)
{
	return dv_cursor_get(&v->now, s, i);
}

static bool changed(const struct dv_view *v, enum dv_slot s, uint32_t i)
{
	return dv_cursor_get(&v->now, s, i) != dv_cursor_get(&v->base, s, i);
}

/* Changed in one of the two moves before the current one: the fading cue. */
static bool fading(const struct dv_view *v, enum dv_slot s, uint32_t i)
{
	uint32_t b1 = dv_cursor_get(&v->base, s, i), b2 = dv_cursor_get(&v->base2, s, i);
	return b1 != b2 || b2 != dv_cursor_get(&v->base3, s, i);
}

static enum dv_role role_of(const struct dv_view *v, enum dv_slot s, uint32_t i)
{
	return changed(v, s, i) ? DV_ROLE_CHANGED :
	       fading(v, s, i)  ? DV_ROLE_FADING :
	                          DV_ROLE_NORMAL;
}

/* The DMA channel an event is about, or -1: a transfer, a call on a DMA handle or a note names
 * it; a port access to a channel's address, count or page register, or a write to the
 * request, single-mask or mode register, programs it; a change of one of its registers or of
 * its DREQ line. Channel 4 is the cascade, never the lesson's subject. */
static int channel_of_event(const struct dv_event *e)
{
	int ch = -1;
	unsigned chip, reg;
	switch (e->kind) {
	case DV_EV_PORT_OUT:
	case DV_EV_PORT_IN:
		if (dv_dma_decode((uint16_t)e->index, &chip, &reg)) {
			if (reg < 8)
				ch = (int)(chip * 4 + reg / 2);
			else if (e->kind == DV_EV_PORT_OUT && reg >= 9 && reg <= 11)
				ch = (int)(chip * 4 + (e->new_value & 3));
		} else if (e->index >= 0x80 && e->index <= 0x8F) {
			ch = dv_dma_page_channel((uint16_t)e->index);
		}
		break;
	case DV_EV_STATE:
		if ((e->slot >= DV_SLOT_DMA_BASE_ADDR && e->slot <= DV_SLOT_DMA_MODE) ||
		    e->slot == DV_SLOT_PAGE) {
			ch = e->index < 8 ? (int)e->index : -1;
		} else if (e->slot == DV_SLOT_BUS_DREQ) {
			uint32_t d = (e->old_value ^ e->new_value) & 0xEFu;
			for (unsigned c = 0; c < 8 && ch < 0; c++)
				if (d & (1u << c))
					ch = (int)c;
		}
		break;
	default: ch = e->chan < 8 ? e->chan : -1; break;
	}
	return ch == 4 ? -1 : ch;
}

void dv_view_count_words(const struct dv_view *v, unsigned ch, bool terse, char *buf, size_t size)
{
	uint32_t cnt = dv_cursor_get(&v->now, DV_SLOT_DMA_COUNT, ch);
	unsigned unit = ch >= 4 ? 2u : 1u;
	bool fresh = cnt == 0xFFFF &&
	             dv_cursor_get(&v->now, DV_SLOT_DMA_BASE_COUNT, ch) == 0xFFFF &&
	             dv_cursor_get(&v->now, DV_SLOT_DMA_ADDR, ch) ==
	                     dv_cursor_get(&v->now, DV_SLOT_DMA_BASE_ADDR, ch);
	if (cnt == 0xFFFF && !fresh)
		snprintf(buf, size, "done");
	else
		snprintf(buf, size, "%u %s%sleft", (cnt + 1) * unit,
		         terse                 ? "" :
		         (cnt + 1) * unit == 1 ? "byte" :
		                                 "bytes",
		         terse ? "" : " ");
}

unsigned dv_view_active_channel(const struct dv_view *v)
{
	const struct dv_trace *t = dv_sim_trace(v->sim);
	for (size_t i = v->pos; i-- > 0;) {
		int ch = channel_of_event(dv_trace_at(t, i));
		if (ch >= 0)
			return (unsigned)ch;
	}
	unsigned nic = dv_sim_config(v->sim)->nic_channel;
	return nic < 8 && nic != 4 ? nic : 1;
}

const char *dv_view_channel_device(const struct dv_view *v, unsigned ch)
{
	return dv_sim_config(v->sim)->nic_channel == ch ? "NIC" : NULL;
}

void dv_view_dma(struct dv_view *v, struct dv_vpanel *p)
{
	dv_vpanel_clear(p);
	unsigned ch = dv_view_active_channel(v), chip = ch / 4, bit = 1u << (ch % 4);
	snprintf(p->title, sizeof p->title, "8237A DMA%u channel %u (%s)", chip + 1, ch,
	         chip ? "16-bit" : "8-bit");
	struct dv_vline *l = new_line(p);
	dv_vline_add(l, DV_ROLE_NORMAL, "addr  base ");
	dv_vline_add(l, role_of(v, DV_SLOT_DMA_BASE_ADDR, ch), "0x%04x",
	             now_get(v, DV_SLOT_DMA_BASE_ADDR, ch));
	dv_vline_add(l, DV_ROLE_NORMAL, " cur ");
	dv_vline_add(l, role_of(v, DV_SLOT_DMA_ADDR, ch), "0x%04x",
	             now_get(v, DV_SLOT_DMA_ADDR, ch));

	uint32_t cnt = now_get(v, DV_SLOT_DMA_COUNT, ch);
	l = new_line(p);
	dv_vline_add(l, DV_ROLE_NORMAL, "count base ");
	dv_vline_add(l, role_of(v, DV_SLOT_DMA_BASE_COUNT, ch), "0x%04x",
	             now_get(v, DV_SLOT_DMA_BASE_COUNT, ch));
	dv_vline_add(l, DV_ROLE_NORMAL, " cur ");
	dv_vline_add(l, role_of(v, DV_SLOT_DMA_COUNT, ch), "0x%04x", cnt);
	/* The 8237A moves count + 1 units; 0xFFFF after the last one means "none left". */
	char words[48];
	dv_view_count_words(v, ch, true, words, sizeof words);
	dv_vline_add(l, DV_ROLE_DIM, " %s", words);

	l = new_line(p);
	dv_vline_add(l, DV_ROLE_NORMAL, "page ");
	dv_vline_add(l, role_of(v, DV_SLOT_PAGE, ch), "0x%02x", now_get(v, DV_SLOT_PAGE, ch));
	dv_vline_add(l, DV_ROLE_NORMAL, " -> next phys ");
	bool phys_changed = changed(v, DV_SLOT_DMA_ADDR, ch) || changed(v, DV_SLOT_PAGE, ch);
	bool phys_fading = fading(v, DV_SLOT_DMA_ADDR, ch) || fading(v, DV_SLOT_PAGE, ch);
	dv_vline_add(l,
	             phys_changed ? DV_ROLE_CHANGED :
	             phys_fading  ? DV_ROLE_FADING :
	                            DV_ROLE_NORMAL,
	             "0x%06x", dv_dma_phys(&v->now.st, ch));

	uint32_t mode = now_get(v, DV_SLOT_DMA_MODE, ch);
	unsigned type = dv_dma_mode_type((uint8_t)mode), sel = dv_dma_mode_sel((uint8_t)mode);
	l = new_line(p);
	dv_vline_add(l, DV_ROLE_NORMAL, "mode ");
	dv_vline_add(l, role_of(v, DV_SLOT_DMA_MODE, ch), "0x%02x", mode);
	dv_vline_add(l, DV_ROLE_NORMAL, ": %s, %s%s", dv_dma_sel_name(sel),
	             (mode & DV_DMA_MODE_DECREMENT) ? "decrement" : "increment",
	             (mode & DV_DMA_MODE_AUTOINIT) ? ", auto-init" : "");
	/* Intel names transfers from memory's side, NDIS from the device's: say both. */
	l = new_line(p);
	if (type == DV_DMA_READ)
		dv_vline_add(l, DV_ROLE_NORMAL, " Intel 'read': memory -> device");
	else if (type == DV_DMA_WRITE)
		dv_vline_add(l, DV_ROLE_NORMAL, " Intel 'write': device -> memory");
	if (type == DV_DMA_READ || type == DV_DMA_WRITE)
		dv_vline_add(new_line(p), DV_ROLE_NORMAL, "  = NDIS WriteToDevice %s",
		             type == DV_DMA_READ ? "TRUE" : "FALSE");
	else if (type == DV_DMA_VERIFY)
		dv_vline_add(l, DV_ROLE_NORMAL, " verify: DACK and count, no data moves");
	else
		dv_vline_add(l, DV_ROLE_ERROR, "! type 11: illegal, no data moves");

	uint32_t mask = now_get(v, DV_SLOT_DMA_MASK, chip),
	         req = now_get(v, DV_SLOT_DMA_REQUEST, chip);
	uint32_t status = now_get(v, DV_SLOT_DMA_STATUS, chip),
	         ff = now_get(v, DV_SLOT_DMA_FLIPFLOP, chip);
	l = new_line(p);
	dv_vline_add(l, DV_ROLE_NORMAL, "mask ");
	dv_vline_add(l, role_of(v, DV_SLOT_DMA_MASK, chip), "%s", (mask & bit) ? "set" : "clear");
	dv_vline_add(l, DV_ROLE_NORMAL, "  req ");
	dv_vline_add(l, role_of(v, DV_SLOT_DMA_REQUEST, chip), "%u", (req & bit) ? 1u : 0u);
	dv_vline_add(l, DV_ROLE_NORMAL, "  TC ");
	dv_vline_add(l, role_of(v, DV_SLOT_DMA_STATUS, chip), "%u", (status & bit) ? 1u : 0u);
	dv_vline_add(l, DV_ROLE_NORMAL, " flip-flop ");
	dv_vline_add(l, role_of(v, DV_SLOT_DMA_FLIPFLOP, chip), "%s", ff ? "high" : "low");

	l = new_line(p);
	dv_vline_add(l, DV_ROLE_NORMAL, "DREQ%u ", ch);
	dv_vline_add(l, role_of(v, DV_SLOT_BUS_DREQ, 0), "%u",
	             (now_get(v, DV_SLOT_BUS_DREQ, 0) >> ch) & 1u);
	dv_vline_add(l, DV_ROLE_NORMAL, " HRQ ");
	dv_vline_add(l, role_of(v, DV_SLOT_DMA_HRQ, 1), "%u", now_get(v, DV_SLOT_DMA_HRQ, 1));
	dv_vline_add(l, DV_ROLE_NORMAL, " HLDA ");
	dv_vline_add(l, role_of(v, DV_SLOT_BUS_HLDA, 0), "%u", now_get(v, DV_SLOT_BUS_HLDA, 0));
	dv_vline_add(l, DV_ROLE_NORMAL, "  bus ");
	dv_vline_add(l, role_of(v, DV_SLOT_BUS_OWNER, 0), "%s",
	             now_get(v, DV_SLOT_BUS_OWNER, 0) ? "DMA" : "CPU");

	/* The other channels, compact: mask state and the current count. */
	l = new_line(p);
	dv_vline_add(l, DV_ROLE_DIM, "others");
	for (unsigned c = 0; c < 8; c++) {
		if (c == ch || c == 4)
			continue;
		bool m = (now_get(v, DV_SLOT_DMA_MASK, c / 4) >> (c % 4)) & 1u;
		bool ch_changed = changed(v, DV_SLOT_DMA_COUNT, c) ||
		                  changed(v, DV_SLOT_DMA_MODE, c) ||
		                  ((now_get(v, DV_SLOT_DMA_MASK, c / 4) ^
		                    dv_cursor_get(&v->base, DV_SLOT_DMA_MASK, c / 4)) >>
		                           (c % 4) &
		                   1u);
		dv_vline_add(l, DV_ROLE_DIM, " ");
		dv_vline_add(l, ch_changed ? DV_ROLE_CHANGED : DV_ROLE_DIM, "%u:%s", c,
		             m ? "M" : "on");
	}
}

/* ---- the NIC -------------------------------------------------------------------------------- */

/* A FIFO as a bar of its size, then its fill: "[####............]  4". */
static void fifo_bar(struct dv_vline *l, enum dv_role role, unsigned fill, unsigned size)
{
	dv_vline_add(l, DV_ROLE_NORMAL, "[");
	for (unsigned i = 0; i < size; i++)
		dv_vline_add(l, i < fill ? role : DV_ROLE_DIM, "%c", i < fill ? '#' : '.');
	dv_vline_add(l, DV_ROLE_NORMAL, "] ");
	dv_vline_add(l, role, "%2u", fill);
}

/* One NIC register: "CMD 0x05 TXGO|DMATX", the value in the change's role, the bits in words. */
static void nic_reg(const struct dv_view *v, struct dv_vline *l, const char *name,
                    enum dv_slot slot, unsigned reg)
{
	uint32_t value = now_get(v, slot, 0);
	char words[96];
	dv_vline_add(l, DV_ROLE_NORMAL, "%s ", name);
	dv_vline_add(l, role_of(v, slot, 0), "0x%02x", value);
	dv_nic_bits(reg, value, words, sizeof words);
	dv_vline_add(l, value ? DV_ROLE_NORMAL : DV_ROLE_DIM, " %s", words);
}

void dv_view_nic(struct dv_view *v, struct dv_vpanel *p)
{
	dv_vpanel_clear(p);
	snprintf(p->title, sizeof p->title, "NIC at 0x%03x, DMA channel %u, IRQ %u",
	         v->now.st.nic.base, v->now.st.nic.channel, v->now.st.nic.irq);
	/* The registers in words (docs/nic.md): what the card is told to do, which events may
	 * interrupt, which happened; the IRQ line is high while ISR & IMR is not 0. */
	struct dv_vline *l = new_line(p);
	nic_reg(v, l, "CMD", DV_SLOT_NIC_CMD, 0);
	dv_vline_add(l, DV_ROLE_NORMAL, "  STATUS ");
	dv_vline_add(l, role_of(v, DV_SLOT_NIC_STATUS, 0), "0x%02x",
	             now_get(v, DV_SLOT_NIC_STATUS, 0));
	nic_reg(v, new_line(p), "IMR", DV_SLOT_NIC_IMR, 2);
	l = new_line(p);
	nic_reg(v, l, "ISR", DV_SLOT_NIC_ISR, 3);
	unsigned irq = v->now.st.nic.irq;
	dv_vline_add(l, DV_ROLE_NORMAL, ": IRQ%u ", irq);
	dv_vline_add(l, role_of(v, DV_SLOT_NIC_IRQ_LEVEL, 0), "%s",
	             now_get(v, DV_SLOT_NIC_IRQ_LEVEL, 0) ? "high" : "low");
	dv_vline_add(l, DV_ROLE_NORMAL, "  IRQL ");
	dv_vline_add(l, role_of(v, DV_SLOT_CPU_IRQL, 0), "%u", now_get(v, DV_SLOT_CPU_IRQL, 0));

	l = new_line(p);
	dv_vline_add(l, DV_ROLE_NORMAL, "TX ");
	dv_vline_add(l, role_of(v, DV_SLOT_NIC_TXLEN, 0), "%u", now_get(v, DV_SLOT_NIC_TXLEN, 0));
	dv_vline_add(l, DV_ROLE_NORMAL, " B: fetched ");
	dv_vline_add(l, role_of(v, DV_SLOT_NIC_TX_FETCHED, 0), "%u",
	             now_get(v, DV_SLOT_NIC_TX_FETCHED, 0));
	dv_vline_add(l, DV_ROLE_NORMAL, " sent ");
	dv_vline_add(l, role_of(v, DV_SLOT_NIC_TX_SENT, 0), "%u",
	             now_get(v, DV_SLOT_NIC_TX_SENT, 0));
	dv_vline_add(l, DV_ROLE_NORMAL, "  peer frames ");
	dv_vline_add(l, role_of(v, DV_SLOT_PEER_RX_COUNT, 0), "%u",
	             now_get(v, DV_SLOT_PEER_RX_COUNT, 0));

	l = new_line(p);
	dv_vline_add(l, DV_ROLE_NORMAL, "FIFOs TX ");
	fifo_bar(l, role_of(v, DV_SLOT_NIC_TX_COUNT, 0), now_get(v, DV_SLOT_NIC_TX_COUNT, 0),
	         DV_NIC_TXFIFO);
	dv_vline_add(l, DV_ROLE_NORMAL, "  RX ");
	fifo_bar(l, role_of(v, DV_SLOT_NIC_RX_COUNT, 0), now_get(v, DV_SLOT_NIC_RX_COUNT, 0),
	         DV_NIC_RXFIFO);
}

/* ---- the NDIS call --------------------------------------------------------------------------- */

/* Appends text in one role, word-wrapped at width, as new lines of p. */
static void wrapped_line(struct dv_vpanel *p, size_t width, enum dv_role r1, const char *lead,
                         enum dv_role r2, const char *text, enum dv_role r3, const char *tail)
{
	struct dv_vline tmp = { 0 };
	dv_vline_add(&tmp, r1, "%s", lead);
	dv_vline_add(&tmp, r2, "%s", text);
	dv_vline_add(&tmp, r3, "%s", tail);
	wrap_into(p, &tmp, width);
	free(tmp.text);
	free(tmp.roles);
}

bool dv_view_dma_registered(const struct dv_view *v, unsigned ch)
{
	const struct dv_trace *t = dv_sim_trace(v->sim);
	for (size_t i = v->pos; (i = dv_trace_prev(t, i, CALLS_AND_RETURNS)) != SIZE_MAX;) {
		const struct dv_event *e = dv_trace_at(t, i);
		if (e->kind == DV_EV_RETURN && e->slot == DV_CALL_DEREGISTER_DMA_CHANNEL)
			return false;
		if (e->kind == DV_EV_RETURN && e->slot == DV_CALL_REGISTER_DMA_CHANNEL &&
		    e->chan == ch)
			return e->new_value == (uint32_t)NDIS_STATUS_SUCCESS;
		/* The HAL acts on a channel only through a handle that stands for it: a Setup
		 * that passed its checks (ndis_dma.c), so the walk need not go back further. */
		if (e->kind == DV_EV_CALL && e->chan == ch &&
		    (e->slot == DV_CALL_KE_FLUSH_IO_BUFFERS || e->slot == DV_CALL_IO_MAP_TRANSFER ||
		     e->slot == DV_CALL_IO_FLUSH_ADAPTER_BUFFERS))
			return true;
	}
	return false;
}

/* InProgress is set by the KeFlushIoBuffers of a Setup that passed its checks (ndis_dma.c). */
bool dv_view_dma_in_progress(const struct dv_view *v, unsigned ch, size_t *since)
{
	const struct dv_trace *t = dv_sim_trace(v->sim);
	for (size_t i = v->pos; (i = dv_trace_prev(t, i, CALLS_AND_RETURNS)) != SIZE_MAX;) {
		const struct dv_event *e = dv_trace_at(t, i);
		if (e->kind == DV_EV_CALL && e->slot == DV_CALL_KE_FLUSH_IO_BUFFERS &&
		    e->chan == ch) {
			if (since)
				*since = i;
			return true;
		}
		if ((e->kind == DV_EV_RETURN && e->slot == DV_CALL_IO_FLUSH_ADAPTER_BUFFERS &&
		     e->chan == ch) ||
		    (e->kind == DV_EV_RETURN && e->slot == DV_CALL_DEREGISTER_DMA_CHANNEL))
			break;
	}
	if (since)
		*since = SIZE_MAX;
	return false;
}

void dv_view_ndis(struct dv_view *v, struct dv_vpanel *p, size_t width)
{
	dv_vpanel_clear(p);
	snprintf(p->title, sizeof p->title, "NDIS");
	const struct dv_trace *t = dv_sim_trace(v->sim);
	/* The call records give the arguments; the run has them even when the front end did
	 * not hand the view its NDIS. */
	const struct dv_ndis *nd = v->ndis ? v->ndis : dv_run_ndis(v->run);
	char buf[256];
	/* Walk back: a RETURN opens a finished call to skip, a CALL with no RETURN after it is
	 * in progress. Collect the calls in progress (innermost first), the last return, the
	 * last verifier rule, the last Setup or Complete (and its return, if it came) and the
	 * channel the calls are about. */
	/* Copies of the events and their positions: a pointer from dv_trace_at does not outlive
	 * a long walk back. */
	struct dv_event open[4], last_ret_ev, rule_ev, dma_call_ev, dma_ret_ev;
	size_t open_at[4], last_ret_at = 0, dma_call_at = 0, dma_ret_at = 0;
	size_t nopen = 0, depth = 0;
	const struct dv_event *last_ret = NULL, *rule = NULL, *dma_call = NULL, *dma_ret = NULL;
	int ch = -1;
	/* Whether the last return's call holds the Setup or Complete (MiniportSend around its
	 * Setup): then the Setup, with its arguments, says more. */
	bool last_holds_dma = false, last_call_seen = false;
	size_t last_depth = 0;
	size_t calls = dv_trace_count(t, v->pos, DV_EV_CALL),
	       rets = dv_trace_count(t, v->pos, DV_EV_RETURN);
	size_t open_here = calls > rets ? (calls - rets < 4 ? calls - rets : 4) : 0;
	for (size_t i = v->pos; (i = dv_trace_prev(t, i, CALLS_AND_RETURNS)) != SIZE_MAX;) {
		const struct dv_event *e = dv_trace_at(t, i);
		bool dma = e->slot == DV_CALL_SETUP_DMA_TRANSFER ||
		           e->slot == DV_CALL_COMPLETE_DMA_TRANSFER;
		if (e->kind == DV_EV_RETURN) {
			if (!last_ret) {
				last_ret_ev = *e;
				last_ret = &last_ret_ev;
				last_ret_at = i;
				last_depth = depth;
			}
			if (dma && !dma_call && !dma_ret) {
				dma_ret_ev = *e;
				dma_ret = &dma_ret_ev;
				dma_ret_at = i;
			}
			depth++;
		} else if (e->kind == DV_EV_CALL) {
			if (dma && !dma_call) {
				dma_call_ev = *e;
				dma_call = &dma_call_ev;
				dma_call_at = i;
				last_holds_dma = last_ret && !last_call_seen;
			}
			if (ch < 0 && e->chan < 8 &&
			    (dma || e->slot == DV_CALL_REGISTER_DMA_CHANNEL ||
			     e->slot == DV_CALL_READ_DMA_COUNTER))
				ch = e->chan;
			if (depth > 0) {
				depth--;
				if (last_ret && depth == last_depth)
					last_call_seen =
					        true; /* the call that made the last return */
			} else if (nopen < 4) {
				open_at[nopen] = i;
				open[nopen++] = *e;
			}
		}
		/* Every call open here found (the calls before the cursor less the returns), and
		 * the rest: the walk need not go back to the start of a long run. */
		if (nopen == open_here && last_ret && dma_call && ch >= 0)
			break;
	}
	size_t at_rule = dv_trace_prev(t, v->pos, 1u << DV_EV_VERIFIER);
	if (at_rule != SIZE_MAX) {
		rule_ev = *dv_trace_at(t, at_rule);
		rule = &rule_ev;
	}
	/* The title: the channel's busy state as the model holds it, or that no handle stands for
	 * it (a refused registration, or after the Deregister). */
	if (ch >= 0 && dv_view_dma_registered(v, (unsigned)ch))
		snprintf(p->title, sizeof p->title, "NDIS: channel %d InProgress %s", ch,
		         dv_view_dma_in_progress(v, (unsigned)ch, NULL) ? "TRUE (busy)" : "FALSE");
	else if (ch >= 0)
		snprintf(p->title, sizeof p->title, "NDIS: channel %d not registered", ch);
	/* The calls running now, outermost first. */
	if (nopen > 0) {
		struct dv_vline tmp = { 0 };
		dv_vline_add(&tmp, DV_ROLE_NORMAL, "now: ");
		for (size_t k = nopen; k-- > 0;) {
			bool fresh = open_at[k] >= v->from;
			dv_vline_add(&tmp, fresh ? DV_ROLE_CHANGED : DV_ROLE_HIGHLIGHT, "%s",
			             dv_call_name((enum dv_call)open[k].slot));
			if (k > 0)
				dv_vline_add(&tmp, DV_ROLE_DIM, " > ");
		}
		wrap_into(p, &tmp, width);
		free(tmp.text);
		free(tmp.roles);
	}
	/* The last return, unless it is the Setup or Complete shown below or a call around it. */
	bool dma_returned = dma_call && dma_ret && dma_ret->index == dma_call->index;
	if (last_ret && !(dma_returned && last_ret_at == dma_ret_at) && !last_holds_dma) {
		dv_event_describe(v->sim, v->ndis, last_ret, buf, sizeof buf);
		wrapped_line(p, width, DV_ROLE_NORMAL,
		             "last: ", last_ret_at >= v->from ? DV_ROLE_CHANGED : DV_ROLE_NORMAL,
		             buf, DV_ROLE_NORMAL, "");
	} else if (!last_ret && nopen == 0) {
		dv_vline_add(new_line(p), DV_ROLE_DIM, "no call yet");
	}
	/* The last Setup or Complete: its arguments in words, and what it returned. */
	const struct dv_call_record *r = dma_call && nd ? dv_ndis_record(nd, dma_call->index) :
	                                                  NULL;
	if (dma_call) {
		if (r)
			dv_dma_call_words(r, buf, sizeof buf);
		else
			dv_event_describe(v->sim, NULL, dma_call, buf, sizeof buf);
		bool fresh = dma_call_at >= v->from || (dma_returned && dma_ret_at >= v->from);
		char tail[80];
		if (dma_returned)
			snprintf(tail, sizeof tail, " returned %s",
			         dv_ndis_status_name((int32_t)dma_ret->new_value));
		else
			snprintf(tail, sizeof tail, " running");
		wrapped_line(
		        p, width, DV_ROLE_NORMAL, "", fresh ? DV_ROLE_CHANGED : DV_ROLE_NORMAL, buf,
		        dma_returned ? (fresh ? DV_ROLE_CHANGED : DV_ROLE_NORMAL) : DV_ROLE_DIM,
		        tail);
	}
	struct dv_vline *l = new_line(p);
	if (rule) {
		dv_vline_add(l, DV_ROLE_ERROR, "! verifier: %s",
		             dv_rule_name((enum dv_rule)rule->slot));
		dv_vline_add(l, DV_ROLE_NORMAL, " - %s", dv_rule_title((enum dv_rule)rule->slot));
		dv_vline_add(new_line(p), DV_ROLE_DIM, "  e: what the rule means");
	} else {
		dv_vline_add(l, DV_ROLE_DIM, "verifier: no rule fired");
	}
}

/* ---- the event log -------------------------------------------------------------------------- */

/* Events the log leaves to the panels: state changes, and statement marks (they only place
 * the source pane). A terminal count and an interrupt request are state changes that the
 * log names all the same: they are what "run until" stops at. */
static bool log_quiet(const struct dv_event *e)
{
	if (e->kind == DV_EV_STATE)
		return !((e->slot == DV_SLOT_BUS_TC || e->slot == DV_SLOT_BUS_IRQ) &&
		         e->new_value > e->old_value);
	return e->kind == DV_EV_MARK && e->slot == DV_MARK_STMT;
}

void dv_view_log(struct dv_view *v, struct dv_vpanel *p, size_t rows)
{
	dv_vpanel_clear(p);
	snprintf(p->title, sizeof p->title, "Events (%zu of %zu)", dv_view_events(v, v->pos),
	         dv_view_events(v, v->end));
	if (rows == 0)
		return;
	const struct dv_trace *t = dv_sim_trace(v->sim);
	/* State changes are shown in the panels as changed values; the log keeps the acts (port
	 * accesses, transfers, calls, notes), except that the event just stepped over is always
	 * listed so that moving one event at a time shows each one. What is listed depends on
	 * the position alone. The current event is the newest act of the move (a port write,
	 * not the register change that follows it), else the event just stepped over. */
	size_t *pick = malloc(rows * sizeof *pick), n = 0;
	if (!pick)
		return;
	size_t cur = v->pos ? v->pos - 1 : SIZE_MAX;
	for (size_t i = v->pos; i-- > v->from;)
		if (!log_quiet(dv_trace_at(t, i))) {
			cur = i;
			break;
		}
	size_t skip = v->log_scroll;
	for (size_t i = v->pos; i-- > 0 && n < rows;) {
		if (!log_quiet(dv_trace_at(t, i)) || i + 1 == v->pos) {
			if (skip > 0)
				skip--; /* scrolled back: the newest entries are below the pane */
			else
				pick[n++] = i;
		}
	}
	char buf[256];
	for (size_t k = n; k-- > 0;) {
		const struct dv_event *e = dv_trace_at(t, pick[k]);
		const struct dv_step *st = NULL;
		/* The mark carries the step's number, not its index: without a setup step they
		 * differ by one. */
		for (unsigned si = 0;
		     e->kind == DV_EV_MARK && e->slot == DV_MARK_STEP && si < v->lesson->nsteps;
		     si++)
			if (v->lesson->steps[si].number == e->index)
				st = &v->lesson->steps[si];
		if (st)
			snprintf(buf, sizeof buf, "-- step %u: %s", st->number, st->title);
		else if (e->kind == DV_EV_MARK && e->slot == DV_MARK_STMT)
			snprintf(buf, sizeof buf, "lesson line %u", e->index);
		else
			dv_event_describe(v->sim, v->ndis, e, buf, sizeof buf);
		struct dv_vline *l = new_line(p);
		enum dv_role role = pick[k] == cur     ? DV_ROLE_HIGHLIGHT :
		                    pick[k] >= v->from ? DV_ROLE_NORMAL :
		                                         DV_ROLE_DIM;
		if (e->kind == DV_EV_VERIFIER)
			dv_vline_add(l, DV_ROLE_ERROR, "!%5llu %s", (unsigned long long)e->cycle,
			             buf);
		else
			dv_vline_add(l, role, "%6llu %s", (unsigned long long)e->cycle, buf);
	}
	free(pick);
}

/* ---- driver source -------------------------------------------------------------------------- */

/* The path as shown: build-relative prefixes ("../") are noise for a learner. */
static const char *shown_path(const char *path)
{
	while (strncmp(path, "../", 3) == 0)
		path += 3;
	return path;
}

/* A driver's source as the pane shows it: at most 8 MiB (a larger file is not shown). */
static char *read_source(const char *path, size_t *len)
{
	const size_t max = 8u << 20;
	char *text = dv_file_read(path, max + 1, len);
	if (text && *len > max) {
		free(text);
		text = NULL;
	}
	return text;
}

char *dv_view_read_source(const char *path, const char *root, size_t *len)
{
	char *text = read_source(path, len);
	if (!text && path[0] != '/' && root) {
		char full[4096];
		snprintf(full, sizeof full, "%s/%s", root, shown_path(path));
		text = read_source(full, len);
	}
	return text;
}

/* The file the trace names: the recording's copy when the view shows one, else the file. */
static bool load_source(struct dv_view *v, const char *path)
{
	if (v->src_path && strcmp(v->src_path, path) == 0)
		return v->src_text != NULL;
	free(v->src_path);
	free(v->src_text);
	v->src_text = NULL;
	v->src_path = strdup(path);
	size_t len = 0;
	const char *kept = v->rec ? dv_rec_source(v->rec, path, &len) : NULL;
	if (kept) {
		v->src_text = malloc(len + 1);
		if (v->src_text) {
			memcpy(v->src_text, kept, len + 1);
			v->src_len = len;
		}
	} else if (!v->rec) {
		v->src_text = dv_view_read_source(path, v->source_root, &v->src_len);
	}
	return v->src_text != NULL;
}

void dv_view_source(struct dv_view *v, struct dv_vpanel *p, size_t rows)
{
	dv_vpanel_clear(p);
	const struct dv_trace *t = dv_sim_trace(v->sim);
	const struct dv_loc *loc = NULL;
	for (size_t i = v->pos; i-- > 0 && !loc;)
		if (dv_trace_at(t, i)->loc)
			loc = dv_trace_get_loc(t, dv_trace_at(t, i)->loc);
	if (!loc || !loc->file) {
		snprintf(p->title, sizeof p->title, "Source");
		dv_vline_add(new_line(p), DV_ROLE_DIM, "no driver code has run yet");
		return;
	}
	snprintf(p->title, sizeof p->title, "%s:%u", shown_path(loc->file), loc->line);
	if (!strcmp(loc->file, "sandbox")) {
		/* Lines typed at the `:` prompt have no file to show. */
		dv_vline_add(new_line(p), DV_ROLE_DIM, "a line typed at the sandbox prompt");
		return;
	}
	if (!load_source(v, loc->file)) {
		dv_vline_add(new_line(p), DV_ROLE_ERROR, "! cannot open %s", shown_path(loc->file));
		return;
	}
	/* Index the lines around loc->line: a third of the rows above it, the rest below. */
	uint32_t first = loc->line > rows / 3 ? loc->line - (uint32_t)(rows / 3) : 1;
	long shifted = (long)first + v->src_scroll;
	first = shifted < 1 ? 1 : (uint32_t)shifted;
	bool in_lesson = v->lesson->file && !strcmp(loc->file, v->lesson->file);
	if (in_lesson && v->src_show_from && first < v->src_show_from &&
	    loc->line >= v->src_show_from)
		first = v->src_show_from; /* the current step's lines: earlier steps' checks are behind */
	uint32_t lineno = 1;
	const char *s = v->src_text, *end = v->src_text + v->src_len;
	while (s < end && lineno < first) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		s = nl ? nl + 1 : end;
		lineno++;
	}
	/* The lesson's own file: what comes after the current beat (narration to come, the
	 * expectations that state the answer) is not shown, and an ask's answer, hints and
	 * explanation read "(answer hidden)" until the learner has decided. */
	bool lesson_file = v->lesson->file && !strcmp(loc->file, v->lesson->file);
	for (size_t r = 0; r < rows && s < end; r++, lineno++) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = (size_t)((nl ? nl : end) - s);
		bool cur = lineno == loc->line;
		enum dv_role role = cur ? DV_ROLE_HIGHLIGHT : DV_ROLE_NORMAL;
		if (lesson_file && v->src_hide_after && lineno > v->src_hide_after && !cur)
			break;
		struct dv_vline *l = new_line(p);
		/* A lesson line whose check failed before the cursor: '!' where '>' marks the
		 * current line, so the learner sees which expectation their driver missed. */
		bool failed = false;
		for (size_t f = 0; lesson_file && f < v->nfails; f++)
			failed |= v->fails[f].line == lineno;
		if (failed) {
			dv_vline_add(l, DV_ROLE_ERROR, "!%4u ", lineno);
			if (!cur)
				role = DV_ROLE_ERROR;
		} else
			dv_vline_add(l, cur ? DV_ROLE_HIGHLIGHT : DV_ROLE_DIM, "%c%4u ",
			             cur ? '>' : ' ', lineno);
		bool hidden = false;
		for (size_t h = 0; lesson_file && h + 1 < v->src_nhidden * 2; h += 2)
			hidden |= lineno >= v->src_hidden[h] && lineno <= v->src_hidden[h + 1];
		if (hidden) {
			dv_vline_add(l, DV_ROLE_DIM, "    (answer hidden)");
			s = nl ? nl + 1 : end;
			continue;
		}
		/* Tabs become 4 spaces: the panes are narrow and the file's own indent is tabs. */
		for (size_t k = 0; k < n; k++) {
			if (s[k] == '\t')
				put_bytes(l, role, "    ", 4);
			else if (s[k] != '\r')
				put_bytes(l, role, s + k, 1);
		}
		s = nl ? nl + 1 : end;
	}
}

/* ---- questions ------------------------------------------------------------------------------ */

static void wrapped(struct dv_vpanel *p, size_t width, enum dv_role r1, const char *lead,
                    enum dv_role r2, const char *text)
{
	struct dv_vline tmp = { 0 };
	dv_vline_add(&tmp, r1, "%s", lead);
	put_bytes(&tmp, r2, text, strlen(text));
	wrap_into(p, &tmp, width);
	free(tmp.text);
	free(tmp.roles);
}

void dv_view_question(struct dv_view *v, const struct dv_ask *ask, const struct dv_vask *st,
                      struct dv_vpanel *p, size_t width)
{
	(void)v;
	dv_vpanel_clear(p);
	snprintf(p->title, sizeof p->title, "Question %u of %u%s", st->number, st->count,
	         st->answered ? (st->revealed              ? ", answer shown" :
	                         st->correct || !st->given ? ", answered" :
	                                                     ", answered (wrong)") :
	         st->skipped  ? ", skipped" :
	                        "");
	wrapped(p, width, DV_ROLE_HEADING, "", DV_ROLE_NORMAL, ask->question);
	for (unsigned h = 0; h < st->hints && h < ask->nhints; h++) {
		char lead[48];
		snprintf(lead, sizeof lead, "hint %u of %u: ", h + 1, ask->nhints);
		wrapped(p, width, DV_ROLE_HIGHLIGHT, lead, DV_ROLE_NORMAL, ask->hints[h]);
	}
	const char *expected = ask->nanswers ? ask->answers[0].text : "?";
	if (st->answered) {
		char buf[300];
		if (!st->given && !st->revealed)
			snprintf(buf, sizeof buf, "Answered in an earlier session. The answer: %s",
			         expected);
		else if (st->correct)
			snprintf(buf, sizeof buf, "Right: %s", st->given);
		else if (st->given)
			snprintf(buf, sizeof buf, "! The answer is %s (you said %s)", expected,
			         st->given);
		else
			snprintf(buf, sizeof buf, "The answer is %s", expected);
		wrapped(p, width, st->correct || !st->given ? DV_ROLE_HIGHLIGHT : DV_ROLE_ERROR,
		        buf, DV_ROLE_NORMAL, "");
		if (st->show_explain && ask->explain)
			wrapped(p, width, DV_ROLE_HEADING, "Why: ", DV_ROLE_NORMAL, ask->explain);
	} else {
		char keys[200];
		unsigned left = ask->nhints > st->hints ? ask->nhints - st->hints : 0;
		if (st->attempts && st->given) {
			char buf[200];
			unsigned tries = st->max_attempts > st->attempts ?
			                         st->max_attempts - st->attempts :
			                         0;
			snprintf(buf, sizeof buf, "! Not %s. Try again: %u %s left.", st->given,
			         tries, tries == 1 ? "try" : "tries");
			wrapped(p, width, DV_ROLE_ERROR, buf, DV_ROLE_NORMAL, "");
		}
		if (st->skipped && st->away)
			snprintf(keys, sizeof keys, "skipped: k goes back to it to answer");
		else if (left)
			snprintf(keys, sizeof keys, "a answer   h hint (%u left)%s", left,
			         st->skipped ? "" : "   s skip");
		else
			snprintf(keys, sizeof keys, "a answer   h h show the answer%s",
			         st->skipped ? "" : "   s skip");
		wrapped(p, width, DV_ROLE_DIM, keys, DV_ROLE_NORMAL, "");
	}
}

void dv_view_rule(struct dv_view *v, struct dv_vpanel *p, size_t width)
{
	dv_vpanel_clear(p);
	int r = dv_view_last_rule(v);
	if (r < 0 || r >= DV_RULE_COUNT) {
		snprintf(p->title, sizeof p->title, "verifier");
		return;
	}
	snprintf(p->title, sizeof p->title, "verifier rule %s", dv_rule_name((enum dv_rule)r));
	wrapped(p, width, DV_ROLE_ERROR, "! ", DV_ROLE_HEADING, dv_rule_title((enum dv_rule)r));
	new_line(p);
	wrapped(p, width, DV_ROLE_NORMAL, "", DV_ROLE_NORMAL, dv_rule_text((enum dv_rule)r));
}

size_t dv_view_rows_reached(const struct dv_view *v)
{
	size_t lo = 0, hi = dv_run_rows(v->run);
	while (lo < hi) { /* rows are written in trace order: their moments never decrease */
		size_t mid = lo + (hi - lo) / 2;
		if (dv_run_row_pos(v->run, mid) <= v->pos)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void dv_view_output(struct dv_view *v, struct dv_vpanel *p, size_t lines, size_t *back)
{
	dv_vpanel_clear(p);
	size_t n = dv_view_rows_reached(v);
	const char *cmp = v->lesson->compare_to;
	if (!dv_run_rows(v->run)) {
		snprintf(p->title, sizeof p->title, "output table");
		dv_vline_add(new_line(p), DV_ROLE_DIM,
		             "This lesson writes no output table (it has no output-list).");
		return;
	}
	if (!n) {
		snprintf(p->title, sizeof p->title, "output table: no rows yet");
		dv_vline_add(new_line(p), DV_ROLE_DIM,
		             "Each row appears when the run reaches the `output` that writes it.");
		return;
	}
	if (!lines)
		lines = 1;
	if (*back > (n > lines ? n - lines : 0))
		*back = n > lines ? n - lines : 0;
	size_t last = n - *back, first = last > lines ? last - lines : 0;
	/* The first row is output-list's header: it stays on top when the rows scroll. */
	bool pin = first > 0 && lines > 1;
	first += pin;
	snprintf(p->title, sizeof p->title,
	         "output table: rows %zu-%zu of the %zu written so far%s%s", first + 1, last, n,
	         cmp ? ", compared with " : "", cmp ? cmp : "");
	if (pin)
		dv_vline_add(new_line(p), DV_ROLE_HEADING, "%s", dv_run_row(v->run, 0));
	for (size_t i = first; i < last; i++)
		dv_vline_add(new_line(p), i ? DV_ROLE_NORMAL : DV_ROLE_HEADING, "%s",
		             dv_run_row(v->run, i));
}

/* ---- the timing diagram --------------------------------------------------------------------- */

enum {
	SIG_DREQ = DV_TSIG_DREQ,
	SIG_HRQ = DV_TSIG_HRQ,
	SIG_HLDA = DV_TSIG_HLDA,
	SIG_DACK = DV_TSIG_DACK,
	SIG_TC = DV_TSIG_TC,
	SIG_IRQ = DV_TSIG_IRQ,
	SIG_COUNT = DV_TSIG_COUNT
};

/* Whether a slot value means "signal high", or -1 when the event is not about this signal.
 * DREQ and DACK are channel ch's lines (bus.dreq and bus.dack have a bit per channel, 0-7). */
static int sig_level(const struct dv_view *v, unsigned ch, int sig, unsigned slot, uint32_t index,
                     uint32_t value)
{
	unsigned irq = v->now.st.nic.irq & 15;
	switch (sig) {
	case SIG_DREQ: return slot == DV_SLOT_BUS_DREQ ? (int)((value >> ch) & 1u) : -1;
	/* DMA2's HRQ is the one that reaches the CPU's HOLD pin, whichever chip the channel is on. */
	case SIG_HRQ: return slot == DV_SLOT_DMA_HRQ && index == 1 ? value != 0 : -1;
	case SIG_HLDA: return slot == DV_SLOT_BUS_HLDA ? value != 0 : -1;
	case SIG_DACK: return slot == DV_SLOT_BUS_DACK ? (int)((value >> ch) & 1u) : -1;
	case SIG_TC: return slot == DV_SLOT_BUS_TC ? value != 0 : -1;
	case SIG_IRQ: return slot == DV_SLOT_BUS_IRQ ? (int)((value >> irq) & 1u) : -1;
	default: return -1;
	}
}

static const enum dv_slot sig_slot[SIG_COUNT] = { DV_SLOT_BUS_DREQ, DV_SLOT_DMA_HRQ,
	                                          DV_SLOT_BUS_HLDA, DV_SLOT_BUS_DACK,
	                                          DV_SLOT_BUS_TC,   DV_SLOT_BUS_IRQ };
static const uint32_t sig_index[SIG_COUNT] = { 0, 1, 0, 0, 0, 0 };

void dv_view_timing_data(struct dv_view *v, size_t columns, struct dv_vtiming *out)
{
	memset(out, 0, sizeof *out);
	if (columns > DV_TIMING_MAX)
		columns = DV_TIMING_MAX;
	uint64_t now = v->now.st.cycle;
	uint64_t first = columns == 0 ? now + 1 : now + 1 >= columns ? now + 1 - columns : 0;
	size_t ncols = (size_t)(now + 1 - first);
	v->timing_first = out->first = first;
	v->timing_ncols = out->ncols = ncols;
	/* The lesson's channel: the one the 8237A panel shows, whichever chip it is on. */
	unsigned ch = dv_view_active_channel(v), irq = v->now.st.nic.irq & 15;
	snprintf(out->name[SIG_DREQ], sizeof out->name[0], "DREQ%u", ch);
	snprintf(out->name[SIG_HRQ], sizeof out->name[0], "HRQ");
	snprintf(out->name[SIG_HLDA], sizeof out->name[0], "HLDA");
	snprintf(out->name[SIG_DACK], sizeof out->name[0], "DACK%u", ch);
	out->device = dv_view_channel_device(v, ch);
	snprintf(out->name[SIG_TC], sizeof out->name[0], "TC");
	snprintf(out->name[SIG_IRQ], sizeof out->name[0], "IRQ%u", irq);
	if (ncols == 0)
		return;
	int level[SIG_COUNT];
	for (int s = 0; s < SIG_COUNT; s++)
		level[s] = sig_level(v, ch, s, sig_slot[s], sig_index[s],
		                     dv_cursor_get(&v->now, sig_slot[s], sig_index[s]));
	/* Walk the trace back from the cursor, one cycle at a time: a column is high when the
	 * signal was high at the cycle's end or at any event inside it, so a pulse that rose and
	 * fell within one tick (DACK, TC) still shows. */
	const struct dv_trace *t = dv_sim_trace(v->sim);
	size_t i = v->pos;
	/* DACK has no events: its transfer's XFER implies it (sim.h, dv_bus_strobes). At the
	 * cursor the state says it; at an earlier cycle's end the level below sets it. */
	struct dv_bus strobes;
	for (uint64_t c = now + 1; c-- > first;) {
		size_t col = (size_t)(c - first);
		for (int s = 0; s < SIG_COUNT; s++)
			out->hi[s][col] = out->end[s][col] = level[s] > 0;
		while (i > 0 && dv_trace_at(t, i - 1)->cycle >= c) {
			const struct dv_event *e = dv_trace_at(t, --i);
			if (e->kind == DV_EV_XFER) {
				dv_bus_strobes_of(&strobes, e);
				out->hi[SIG_DACK][col] |= (strobes.dack >> ch) & 1u;
			}
			/* DREQ may change with a transfer or a byte time (sim.h): it flips */
			if (dv_event_dreq_flip(e, v->now.st.nic.channel) & (1u << ch)) {
				out->hi[SIG_DREQ][col] = true;
				level[SIG_DREQ] = !level[SIG_DREQ];
			}
			if (e->kind != DV_EV_STATE)
				continue;
			struct dv_slot_change chg[DV_SIGNAL_FIELDS];
			unsigned nchg = dv_slot_changes((enum dv_slot)e->slot, e->index,
			                                e->old_value, e->new_value, chg);
			for (unsigned k = 0; k < nchg; k++)
				for (int s = 0; s < SIG_COUNT; s++) {
					int n = sig_level(v, ch, s, chg[k].slot, chg[k].index,
					                  chg[k].new_value);
					if (n < 0)
						continue;
					int o = sig_level(v, ch, s, chg[k].slot, chg[k].index,
					                  chg[k].old_value);
					out->hi[s][col] = out->hi[s][col] || n > 0 || o > 0;
					level[s] = o;
				}
		}
		dv_bus_strobes(&strobes, t, i);
		level[SIG_DACK] = (strobes.dack >> ch) & 1u;
		for (int s = 0; s < SIG_COUNT; s++)
			out->start[s][col] = level[s] > 0; /* before the cycle's first event */
	}
}

/* One column of a signal as the model has it within the cycle (facts §2: single mode drops
 * HRQ after each transfer): high throughout, low throughout, high and dropped by the cycle's
 * end (a pulse, or HRQ between single transfers, so two such columns side by side show the
 * notch), or raised during it and high at its end. */
static const char *timing_glyph(const struct dv_vtiming *td, int s, size_t col, bool ascii)
{
	static const char *const glyph[2][4] = {
		{ "\xe2\x96\x81", "\xe2\x96\x88", "\xe2\x96\x8c", "\xe2\x96\x90" },
		{ "_", "#", "n", "/" },
	};
	int k = !td->hi[s][col]                      ? 0 :
	        td->start[s][col] && td->end[s][col] ? 1 :
	        !td->end[s][col]                     ? 2 :
	                                               3;
	return glyph[ascii][k];
}

void dv_view_timing(struct dv_view *v, struct dv_vpanel *p, size_t columns, bool ascii)
{
	dv_vpanel_clear(p);
	if (columns == 0)
		return;
	struct dv_vtiming td;
	dv_view_timing_data(v, columns, &td);
	snprintf(p->title, sizeof p->title, "Bus cycles %llu-%llu", (unsigned long long)td.first,
	         (unsigned long long)(td.first + td.ncols - 1));
	for (int s = 0; s < SIG_COUNT; s++) {
		struct dv_vline *l = new_line(p);
		dv_vline_add(l, DV_ROLE_NORMAL, "%-6s", td.name[s]);
		for (size_t col = 0; col < td.ncols; col++)
			dv_vline_add(l, td.hi[s][col] ? DV_ROLE_HIGHLIGHT : DV_ROLE_DIM, "%s",
			             timing_glyph(&td, s, col, ascii));
	}
}

/* ---- host memory ---------------------------------------------------------------------------- */

#define TOUCHED_BACK ((size_t)1 << 18)

uint32_t dv_view_memory_addr(const struct dv_view *v, size_t *xfer)
{
	const struct dv_trace *evt = dv_sim_trace(v->sim);
	unsigned ch = dv_view_active_channel(v);
	size_t last = SIZE_MAX;
	/* The last transfer of the current move: the bytes it changed are what to see. */
	for (size_t i = v->pos; i-- > v->from && last == SIZE_MAX;)
		if (dv_trace_at(evt, i)->kind == DV_EV_XFER)
			last = i;
	/* Else the last transfer, unless the channel was programmed since (a Setup, or the
	 * lesson's own port writes): then where the next transfer goes says more. */
	for (size_t i = v->pos; last == SIZE_MAX && i-- > 0;) {
		if (dv_trace_at(evt, i)->kind == DV_EV_XFER)
			last = i;
		else if (dv_trace_at(evt, i)->kind == DV_EV_PORT_OUT &&
		         channel_of_event(dv_trace_at(evt, i)) == (int)ch)
			break;
	}
	if (xfer)
		*xfer = last;
	if (last != SIZE_MAX)
		return dv_trace_at(evt, last)->index;
	/* Where the channel transfers next: the 8237A's address and page (words on DMA2). */
	uint32_t a = now_get(v, DV_SLOT_DMA_ADDR, ch), pg = now_get(v, DV_SLOT_PAGE, ch);
	return ch >= 4 ? (pg & 0xFE) << 16 | (a & 0xFFFF) << 1 : pg << 16 | (a & 0xFFFF);
}

void dv_view_memory(struct dv_view *v, struct dv_vpanel *p, size_t rows, size_t width)
{
	size_t xfer;
	uint32_t addr = dv_view_memory_addr(v, &xfer);
	dv_view_memory_at(v, p, rows, width, addr,
	                  xfer != SIZE_MAX ? "last DMA transfer" : "next DMA address");
}

void dv_view_memory_at(struct dv_view *v, struct dv_vpanel *p, size_t rows, size_t width,
                       uint32_t addr, const char *what)
{
	dv_vpanel_clear(p);
	const struct dv_trace *evt = dv_sim_trace(v->sim);
	size_t first = 0, end = 0;
	dv_run_step_events(v->run, v->step, &first, &end);
	snprintf(p->title, sizeof p->title, "Memory at 0x%06x (%s)", addr, what);
	if (rows == 0)
		return;
	uint32_t size = dv_sim_config(v->sim)->mem_size, row0 = addr & ~15u;
	uint32_t back = (uint32_t)(rows / 2) * 16;
	row0 = row0 > back ? row0 - back : 0;
	if (size >= 16 && row0 + rows * 16 > size)
		row0 = size > rows * 16 ? (uint32_t)(size - rows * 16) & ~15u : 0;
	bool spaced = width >= 56;
	/* The bytes transferred in this step so far: a small window, so mark them by address. In a
	 * long step (a run of many frames) the last TOUCHED_BACK events of it: its earlier bytes
	 * were written over since, and a draw must not read millions of events. */
	uint8_t touched[1024] = { 0 };
	size_t span = rows * 16 < sizeof touched ? rows * 16 : sizeof touched;
	if (first < v->pos && v->pos - first > TOUCHED_BACK)
		first = v->pos - TOUCHED_BACK;
	for (size_t i = first < v->pos ? first : v->pos; i < v->pos; i++) {
		const struct dv_event *e = dv_trace_at(evt, i);
		if (e->kind == DV_EV_XFER && dv_xfer_dir(e) != DV_XFER_VERIFY && e->index >= row0 &&
		    e->index - row0 < span) {
			unsigned w = dv_xfer_width(e);
			for (unsigned k = 0; k < w && e->index + k - row0 < span; k++)
				touched[e->index + k - row0] = 1;
		}
	}
	for (size_t r = 0; r < rows && (uint64_t)row0 + r * 16 < size; r++) {
		struct dv_vline *l = new_line(p);
		uint32_t base = row0 + (uint32_t)r * 16;
		dv_vline_add(l, DV_ROLE_DIM, "%06x ", base);
		for (uint32_t k = 0; k < 16; k++) {
			uint32_t b = dv_cursor_get(&v->now, DV_SLOT_MEM, base + k);
			enum dv_role role = r * 16 + k < span && touched[r * 16 + k] ?
			                            DV_ROLE_CHANGED :
			                            DV_ROLE_NORMAL;
			dv_vline_add(l, role, "%02x", b & 0xFF);
			if (spaced && k < 15)
				dv_vline_add(l, DV_ROLE_NORMAL, " ");
		}
	}
}

size_t dv_view_ask_pos(const struct dv_view *v, unsigned a)
{
	const struct dv_lesson *L = v->lesson;
	const struct dv_trace *tr = dv_sim_trace(v->sim);
	size_t first, end;
	if (a >= L->nasks || L->asks[a]->step >= L->nsteps ||
	    !dv_run_step_events(v->run, L->asks[a]->step, &first, &end))
		return SIZE_MAX;
	for (size_t i = first; (i = dv_trace_next(tr, i, 1u << DV_EV_MARK)) != SIZE_MAX && i < end;
	     i++)
		if (dv_trace_at(tr, i)->slot == DV_MARK_STMT &&
		    dv_trace_at(tr, i)->index == L->asks[a]->line)
			return i + 1;
	return SIZE_MAX;
}

void dv_view_ask_number(const struct dv_view *v, unsigned a, unsigned *number, unsigned *count)
{
	const struct dv_lesson *L = v->lesson;
	*number = *count = 0;
	for (unsigned k = 0; a < L->nasks && k < L->nasks; k++) {
		if (L->asks[k]->step != L->asks[a]->step)
			continue;
		(*count)++;
		if (k <= a)
			(*number)++;
	}
}

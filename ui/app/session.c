/* dmaviz: the application layer's session (session.h). */
#include "session.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <strings.h>

#include "files.h"
#include "progress.h"
#include "recording.h"
#include "trace.h"

#ifndef DV_SOURCE_ROOT
#define DV_SOURCE_ROOT NULL
#endif

bool dv_qstate_decided(const struct dv_qstate *q)
{
	return q->correct || q->revealed || q->skipped || q->earlier;
}

/* ---- beats ---------------------------------------------------------------------------------- */

/* Where each statement ran: the position of its mark, the moment before it runs (SIZE_MAX when
 * it never ran, a run stopped early). One pass over the recording: statements run in order. */
static bool find_stmts(struct dv_session *s)
{
	const struct dv_lesson *L = s->lesson;
	const struct dv_trace *tr = dv_sim_trace(s->view.sim);
	s->stmt_at = malloc((L->nstmts ? L->nstmts : 1) * sizeof *s->stmt_at);
	if (!s->stmt_at)
		return false;
	for (size_t k = 0; k < L->nstmts; k++)
		s->stmt_at[k] = SIZE_MAX;
	size_t k = 0;
	for (size_t i = 0;
	     k < L->nstmts && (i = dv_trace_next(tr, i, 1u << DV_EV_MARK)) != SIZE_MAX; i++) {
		if (dv_trace_at(tr, i)->slot != DV_MARK_STMT)
			continue;
		size_t j = k;
		while (j < L->nstmts && L->stmts[j].line != dv_trace_at(tr, i)->index)
			j++;
		if (j < L->nstmts) { /* else a mark that is not the lesson's (the sandbox) */
			s->stmt_at[j] = i;
			k = j + 1;
		}
	}
	s->view.stmt_at = s->stmt_at;
	return true;
}

/* The message without its "FILE:LINE[:COL]: " head when FILE is the lesson's. */
static const char *without_place(const char *text, const char *file)
{
	size_t n = file ? strlen(file) : 0;
	if (!n || strncmp(text, file, n) || text[n] != ':')
		return text;
	const char *p = text + n;
	while (*p == ':' && p[1] >= '0' && p[1] <= '9') {
		p++;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	return p[0] == ':' && p[1] == ' ' ? p + 2 : text;
}

/* The run's failed checks, each at its statement's mark: the view marks their lines and the
 * status tells them once the cursor passes them. */
static bool find_fails(struct dv_session *s)
{
	const struct dv_lesson *L = s->lesson;
	const struct dv_msgs *m = dv_run_msgs(s->run);
	s->fails = calloc(m->n ? m->n : 1, sizeof *s->fails);
	if (!s->fails)
		return false;
	for (size_t i = 0; i < m->n; i++) {
		const struct dv_msg *g = &m->v[i];
		if (g->kind != DV_MSG_FAIL && g->kind != DV_MSG_ERROR)
			continue;
		if (!s->failed++)
			s->first_failure = g->text;
		for (size_t k = 0; k < L->nstmts; k++) {
			if (L->stmts[k].line != g->line || s->stmt_at[k] == SIZE_MAX)
				continue;
			s->fails[s->nfails++] =
			        (struct dv_vfail){ .line = g->line,
				                   .step = L->stmts[k].step,
				                   .pos = s->stmt_at[k],
				                   .text = without_place(g->text, L->file) };
			break;
		}
	}
	s->view.fails = s->fails;
	return true;
}

size_t dv_session_failed(const struct dv_session *s)
{
	return s->failed;
}

const char *dv_session_first_failure(const struct dv_session *s)
{
	return s->first_failure;
}

bool dv_session_failure_summary(const struct dv_session *s, char *buf, size_t size)
{
	size_t failed = dv_session_failed(s);
	const char *first = dv_session_first_failure(s);
	if (size)
		buf[0] = 0;
	if (!failed)
		return false;
	snprintf(buf, size, "%zu check%s failed%s%s", failed, failed == 1 ? "" : "s",
	         first ? "; the first: " : "", first ? first : "");
	return true;
}

/* The status tells the last failed check the cursor has passed. */
static void tell_fail(struct dv_session *s)
{
	if (s->fails_told)
		snprintf(s->msg, sizeof s->msg, "! line %u: %s", s->fails[s->fails_told - 1].line,
		         s->fails[s->fails_told - 1].text);
}

static int beat_cmp(const void *a, const void *b)
{
	const struct dv_beat *x = a, *y = b;
	if (x->pos != y->pos)
		return x->pos < y->pos ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return 0;
}

/* Does anything but marks happen in events [from, to)? */
static bool machine_moves(const struct dv_session *s, size_t from, size_t to)
{
	const struct dv_trace *tr = dv_sim_trace(s->view.sim);
	for (size_t i = from; i < to && i < tr->len; i++)
		if (dv_trace_at(tr, i)->kind != DV_EV_MARK)
			return true;
	return false;
}

static bool build_beats(struct dv_session *s)
{
	const struct dv_lesson *L = s->lesson;
	size_t cap = L->nasks;
	for (unsigned k = 0; k < L->nsteps; k++)
		cap += L->steps[k].nparas;
	s->beats = calloc(cap ? cap : 1, sizeof *s->beats);
	s->stops = calloc(cap + L->nsteps + 1, sizeof *s->stops);
	s->hidden = calloc(L->nasks ? 2 * L->nasks : 1, sizeof *s->hidden);
	if (!s->beats || !s->stops || !s->hidden || !find_stmts(s))
		return false;
	for (unsigned k = 0; k < L->nsteps; k++) {
		const struct dv_step *st = &L->steps[k];
		size_t first, end;
		if (!dv_run_step_events(s->run, k, &first, &end))
			continue; /* never ran: nothing of it can be shown */
		size_t b0 = s->nbeats;
		for (unsigned i = 0; i < st->nparas; i++) {
			size_t si = st->para_stmt ? st->para_stmt[i] : st->first + st->count;
			size_t pos = si < st->first + st->count ? s->stmt_at[si] : end;
			s->beats[s->nbeats++] =
			        (struct dv_beat){ DV_BEAT_PARA,
				                  k,
				                  i,
				                  pos == SIZE_MAX ? end : pos,
				                  si,
				                  st->para_line ? st->para_line[i] : st->line,
				                  st->para_last ? st->para_last[i] : st->line };
		}
		for (size_t si = st->first; si < st->first + st->count; si++) {
			const struct dv_stmt *x = &L->stmts[si];
			if (x->kind != DV_ST_ASK || !x->ask)
				continue;
			unsigned a = 0;
			while (a < L->nasks && L->asks[a] != x->ask)
				a++;
			size_t pos = s->stmt_at[si];
			s->beats[s->nbeats++] = (struct dv_beat){ DV_BEAT_ASK,
				                                  k,
				                                  a,
				                                  pos == SIZE_MAX ? end : pos,
				                                  si,
				                                  x->ask->line,
				                                  x->ask->last_line };
		}
		/* Within a step, positions grow with the lines; equal positions keep file order. */
		qsort(s->beats + b0, s->nbeats - b0, sizeof *s->beats, beat_cmp);
	}
	/* Step granularity: every beat, then the step's end when the machine moves after its last
	 * beat (or the step has none). */
	size_t j = 0;
	for (unsigned k = 0; k < L->nsteps; k++) {
		size_t first, end;
		if (!dv_session_step_shown(s, k) || !dv_run_step_events(s->run, k, &first, &end))
			continue;
		size_t last = SIZE_MAX;
		for (; j < s->nbeats && s->beats[j].step == k; j++) {
			s->stops[s->nstops++] = (struct dv_stop){ s->beats[j].pos, j + 1, k };
			last = s->beats[j].pos;
		}
		if (last == SIZE_MAX || machine_moves(s, last, end))
			s->stops[s->nstops++] = (struct dv_stop){ end, j, k };
	}
	return true;
}

bool dv_session_step_shown(const struct dv_session *s, unsigned k)
{
	const struct dv_lesson *L = s->lesson;
	size_t first, end;
	if (k >= L->nsteps || !dv_run_step_events(s->run, k, &first, &end))
		return false;
	if (L->steps[k].number != 0 || L->steps[k].nparas > 0)
		return true;
	for (unsigned a = 0; a < L->nasks; a++)
		if (L->asks[a]->step == k)
			return true;
	return false;
}

static bool readable(const char *path)
{
	return access(path, R_OK) == 0;
}

/* A learner's driver: its __FILE__ is relative to where it was compiled, usually the
 * module's own directory. When the first relative file of the trace is not found from the
 * current directory but is in the module's, the view looks there (else under the source
 * tree, where the course's own drivers are). */
static void driver_source_root(struct dv_session *s, const char *so_path)
{
	const char *slash = strrchr(so_path, '/');
	char *dir = slash ? strndup(so_path, (size_t)(slash - so_path)) : strdup(".");
	if (dir && !*dir) { /* "/x.so" */
		free(dir);
		dir = strdup("/");
	}
	if (!dir)
		return;
	const struct dv_trace *tr = dv_sim_trace(s->view.sim);
	for (size_t i = 1; i < tr->nlocs; i++) {
		const struct dv_loc *loc = &tr->locs[i];
		if (!loc || !loc->file || loc->file[0] == '/' || !strcmp(loc->file, "sandbox"))
			continue;
		const char *f = loc->file;
		if (readable(f))
			break;                /* found as written */
		while (!strncmp(f, "../", 3)) /* as the view shows it (and looks it up) */
			f += 3;
		char full[4096];
		snprintf(full, sizeof full, "%s/%s", dir, f);
		if (readable(full)) {
			s->src_root = dir;
			s->view.source_root = dir;
			return;
		}
		break;
	}
	free(dir);
}

/* ---- opening -------------------------------------------------------------------------------- */

/* The lesson at path parsed (NULL, every reason in err, when it does not parse). */
static struct dv_lesson *load_lesson(const char *path, char *err, size_t errlen)
{
	struct dv_msgs msgs;
	dv_msgs_init(&msgs);
	struct dv_lesson *L = dv_lesson_load(path, &msgs);
	if (!L) {
		size_t used = 0;
		for (size_t i = 0; i < msgs.n && used + 1 < errlen; i++) {
			int n = snprintf(err + used, errlen - used, "%s%s%s%s", i ? "\n" : "",
			                 msgs.v[i].text, msgs.v[i].hint ? "\n" : "",
			                 msgs.v[i].hint ? msgs.v[i].hint : "");
			if (n < 0)
				break;
			used += (size_t)n < errlen - used ? (size_t)n : errlen - used - 1;
		}
		if (!msgs.n)
			snprintf(err, errlen, "%s: the lesson does not parse", path);
	}
	dv_msgs_finish(&msgs);
	return L;
}

/* The lesson run now, headless, to its end; the front ends then only move a cursor through
 * the recording, which makes every step back exact and every redraw cheap. */
static bool run_lesson(struct dv_session *s, const char *path, char *err, size_t errlen)
{
	s->lesson = load_lesson(path, err, errlen);
	if (!s->lesson)
		return false;
	/* With a learner's driver the messages are the learner's (lesson.h, learner). */
	struct dv_run_options ro = { .load = dv_file_load_relative,
		                     .driver_entry = s->opt.driver_entry,
		                     .learner = s->opt.driver_entry != NULL };
	s->run = dv_run_create(s->lesson, &ro);
	if (!s->run) {
		snprintf(err, errlen, "%s: out of memory", path);
		return false;
	}
	dv_run_all(s->run);
	return true;
}

/* A recording (dmaviz record): its lesson and run, which ran when it was recorded. */
static bool open_recording(struct dv_session *s, const char *path, char *err, size_t errlen)
{
	s->rec = dv_recording_load(path, err, errlen);
	if (!s->rec)
		return false;
	s->lesson = s->rec->lesson;
	s->run = s->rec->run;
	return true;
}

struct dv_session *dv_session_open(const char *path, const struct dv_session_options *o, char *err,
                                   size_t errlen)
{
	err[0] = '\0';
	struct dv_session *s = calloc(1, sizeof *s);
	if (!s || !(s->path = strdup(path))) {
		free(s);
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	if (o)
		s->opt = *o;
	if (!(dv_file_is_recording(path) ? open_recording(s, path, err, errlen) :
	                                   run_lesson(s, path, err, errlen))) {
		dv_session_close(s);
		return NULL;
	}
	const struct dv_lesson *L = s->lesson;
	s->q = calloc(L->nasks ? L->nasks : 1, sizeof *s->q);
	dv_view_init(&s->view, L, s->run, NULL,
	             s->opt.source_root ? s->opt.source_root : DV_SOURCE_ROOT);
	s->view.rec = s->rec;
	if (!s->q || !build_beats(s) || !find_fails(s)) {
		snprintf(err, errlen, "%s: out of memory", path);
		dv_session_close(s);
		return NULL;
	}
	s->view.src_hidden = s->hidden;
	if (s->opt.driver_path && !s->rec)
		driver_source_root(s, s->opt.driver_path);
	dv_session_move(s, DV_VCMD_FIRST);
	s->msg[0] = '\0';
	tell_fail(s); /* a check that failed before the first stop */
	return s;
}

void dv_session_close(struct dv_session *s)
{
	if (!s)
		return;
	if (s->view.sim)
		dv_view_finish(&s->view);
	if (s->rec) {
		dv_rec_free(s->rec); /* its lesson and run */
	} else {
		dv_run_destroy(s->run);
		dv_lesson_free(s->lesson);
	}
	free(s->beats);
	free(s->stops);
	free(s->hidden);
	free(s->stmt_at);
	free(s->fails);
	free(s->src_root);
	free(s->q);
	free(s->path);
	free(s);
}

/* ---- the cursor ----------------------------------------------------------------------------- */

/* The beat the cursor stands at: the last revealed one, when its position is the cursor's. */
const struct dv_beat *dv_session_beat(const struct dv_session *s)
{
	if (s->nb == 0 || s->beats[s->nb - 1].pos != s->view.pos)
		return NULL;
	return &s->beats[s->nb - 1];
}

bool dv_session_gated(const struct dv_session *s)
{
	if (s->opt.ungated || s->nb == 0)
		return false;
	const struct dv_beat *b = &s->beats[s->nb - 1];
	return b->kind == DV_BEAT_ASK && !dv_qstate_decided(&s->q[b->index]);
}

/* What the panes may show at the cursor: the step's revealed paragraphs, and no line of the
 * lesson after the last revealed beat; unanswered questions' clauses hidden. */
static void update_view(struct dv_session *s)
{
	struct dv_view *v = &s->view;
	const struct dv_beat *cur = dv_session_beat(s);
	if (cur)
		v->step = cur->step;
	unsigned shown = 0;
	bool mark = false;
	uint32_t last_line = 0;
	for (size_t i = 0; i < s->nb; i++) {
		const struct dv_beat *b = &s->beats[i];
		if (b->last > last_line)
			last_line = b->last;
		if (b->step != v->step || b->kind != DV_BEAT_PARA)
			continue;
		shown = b->index + 1;
		mark = true;
	}
	v->narr_shown = shown;
	v->narr_mark = mark && cur;
	/* Not at a beat: list the actions since the last beat of this step (or its start). */
	v->narr_tail_from = SIZE_MAX;
	if (!cur) {
		size_t first, end;
		if (dv_run_step_events(s->run, v->step, &first, &end))
			v->narr_tail_from = first;
		for (size_t i = 0; i < s->nb; i++)
			if (s->beats[i].step == v->step)
				v->narr_tail_from = s->beats[i].pos;
	}
	/* Lines past the furthest of the revealed beats and the statements that ran are ahead of
	 * the learner; the whole file once every beat is revealed. */
	v->src_hide_after = s->nb < s->nbeats ? last_line : 0;
	v->src_show_from = v->step < s->lesson->nsteps ? s->lesson->steps[v->step].line : 0;
	s->nhidden = 0;
	for (unsigned a = 0; a < s->lesson->nasks; a++) {
		const struct dv_ask *ask = s->lesson->asks[a];
		if (dv_qstate_decided(&s->q[a]) && !s->q[a].skipped)
			continue;
		if (ask->last_line > ask->line) {
			s->hidden[2 * s->nhidden] = ask->line + 1;
			s->hidden[2 * s->nhidden + 1] = ask->last_line;
			s->nhidden++;
		}
	}
	v->src_nhidden = s->nhidden;
	/* A check has failed once the cursor is past its statement's mark. */
	size_t nf = 0;
	while (nf < s->nfails && s->fails[nf].pos < v->pos)
		nf++;
	v->nfails = nf;
	if (nf > s->fails_told) {
		s->fails_told = nf;
		tell_fail(s);
	}
	s->fails_told = nf;
}

/* Records what the learner reached. */
static void record(struct dv_session *s)
{
	if (!s->progress || !s->lesson->id)
		return;
	struct dv_progress_entry *e = dv_progress_add(s->progress, s->lesson->id);
	if (!e)
		return;
	bool dirty = false;
	unsigned n = dv_view_step_number(&s->view, s->view.step);
	if (n > e->step) {
		e->step = n;
		dirty = true;
	}
	for (unsigned a = 0; a < s->lesson->nasks; a++) {
		const char *id = s->lesson->asks[a]->id;
		const struct dv_qstate *q = &s->q[a];
		if (!id)
			continue;
		if ((q->correct || q->revealed) && !q->earlier)
			dirty |= dv_progress_mark_answered(e, id);
		else if (q->skipped)
			dirty |= dv_progress_mark_skipped(e, id);
	}
	bool fin = dv_session_finished(s);
	if (fin && !e->finished) {
		e->finished = true;
		dirty = true;
	}
	if (dirty && !dv_progress_save(s->progress))
		snprintf(s->msg, sizeof s->msg, "%s", s->progress->status);
}

/* Puts the cursor at (pos, nb); changes are measured from position from. */
static void place(struct dv_session *s, size_t pos, size_t nb, size_t from)
{
	s->nb = nb;
	dv_view_seek(&s->view, pos, from);
	update_view(s);
	record(s);
}

/* The state one move back from (pos, nb) at the view's (finer than step) granularity. */
static void back_of(const struct dv_session *s, size_t pos, size_t nb, size_t *bpos, size_t *bnb)
{
	size_t q = dv_view_unit_back(&s->view, pos);
	if (nb > 0 && s->beats[nb - 1].pos == pos) {
		/* Standing at beat nb - 1: the move that revealed it came from the later of the
		 * unit before and the beat before. */
		if (nb >= 2 && s->beats[nb - 2].pos > q)
			q = s->beats[nb - 2].pos;
		*bpos = q;
		*bnb = nb - 1;
		return;
	}
	if (nb > 0 && s->beats[nb - 1].pos > q)
		q = s->beats[nb - 1].pos;
	*bpos = q;
	*bnb = nb;
}

/* Beats revealed at a plain position: all up to it. */
static size_t beats_upto(const struct dv_session *s, size_t pos)
{
	size_t n = 0;
	while (n < s->nbeats && s->beats[n].pos <= pos)
		n++;
	return n;
}

/* The first undecided question among beats [from, to): its beat index, or SIZE_MAX. */
static size_t first_gate(const struct dv_session *s, size_t from, size_t to)
{
	if (s->opt.ungated)
		return SIZE_MAX;
	for (size_t i = from; i < to && i < s->nbeats; i++)
		if (s->beats[i].kind == DV_BEAT_ASK && !dv_qstate_decided(&s->q[s->beats[i].index]))
			return i;
	return SIZE_MAX;
}

static void gate_msg(struct dv_session *s)
{
	snprintf(s->msg, sizeof s->msg, "A question first: a to answer, h for a hint, s to skip.");
}

/* A forward move to (pos, nb), held at the first unanswered question on the way. */
static enum dv_move forward_to(struct dv_session *s, size_t pos, size_t nb, size_t from)
{
	if (dv_session_gated(s)) {
		gate_msg(s);
		return DV_MOVE_GATE;
	}
	size_t g = first_gate(s, s->nb, nb);
	if (g != SIZE_MAX) {
		place(s, s->beats[g].pos, g + 1, from <= s->beats[g].pos ? from : s->beats[g].pos);
		gate_msg(s);
		return DV_MOVE_GATE;
	}
	place(s, pos, nb, from);
	return DV_MOVE_OK;
}

/* Compares cursor states in lesson order. */
static int state_cmp(size_t p1, size_t n1, size_t p2, size_t n2)
{
	if (p1 != p2)
		return p1 < p2 ? -1 : 1;
	return n1 < n2 ? -1 : n1 > n2 ? 1 : 0;
}

static enum dv_move move_stop(struct dv_session *s, int dir)
{
	size_t pos = s->view.pos, nb = s->nb;
	if (dir > 0) {
		for (size_t i = 0; i < s->nstops; i++)
			if (state_cmp(s->stops[i].pos, s->stops[i].nb, pos, nb) > 0) {
				size_t from = i > 0 ? s->stops[i - 1].pos : 0;
				return forward_to(s, s->stops[i].pos, s->stops[i].nb,
				                  from < s->stops[i].pos ? from : pos);
			}
		return DV_MOVE_END;
	}
	for (size_t i = s->nstops; i-- > 0;)
		if (state_cmp(s->stops[i].pos, s->stops[i].nb, pos, nb) < 0) {
			size_t from = i > 0 ? s->stops[i - 1].pos : 0;
			place(s, s->stops[i].pos, s->stops[i].nb,
			      from <= s->stops[i].pos ? from : s->stops[i].pos);
			return DV_MOVE_OK;
		}
	return DV_MOVE_END;
}

static enum dv_move move_unit(struct dv_session *s, int dir, enum dv_gran g)
{
	struct dv_view *v = &s->view;
	enum dv_gran saved = v->gran;
	v->gran = g;
	size_t pos = v->pos, nb = s->nb, npos, nnb;
	enum dv_move r = DV_MOVE_END;
	if (dir > 0) {
		size_t u = dv_view_unit_next(v, pos);
		if (nb < s->nbeats && s->beats[nb].pos <= u && s->beats[nb].pos >= pos) {
			npos = s->beats[nb].pos;
			nnb = nb + 1;
		} else {
			npos = u;
			nnb = nb;
		}
		if (npos != pos || nnb != nb) {
			size_t bp, bn;
			back_of(s, npos, nnb, &bp, &bn);
			r = forward_to(s, npos, nnb, bp);
		}
	} else if (pos > 0 || nb > 0) {
		back_of(s, pos, nb, &npos, &nnb);
		size_t bp, bn;
		back_of(s, npos, nnb, &bp, &bn);
		place(s, npos, nnb, bp);
		r = DV_MOVE_OK;
	}
	v->gran = saved;
	return r;
}

/* What the learner is told at the end of the lesson. */
static void end_msg(struct dv_session *s)
{
	unsigned total, answered, skipped;
	dv_session_score(s, &total, &answered, &skipped);
	size_t failed = dv_session_failed(s);
	if (failed && s->nfails)
		snprintf(
		        s->msg, sizeof s->msg,
		        "The end of the lesson: %zu check%s failed (the first at line %u, marked !).",
		        failed, failed == 1 ? "" : "s", s->fails[0].line);
	else if (failed)
		snprintf(s->msg, sizeof s->msg, "The end of the lesson: %zu check%s failed.",
		         failed, failed == 1 ? "" : "s");
	else if (answered == total)
		snprintf(s->msg, sizeof s->msg, "The end of the lesson: finished%s.",
		         total ? ", every question answered" : "");
	else
		snprintf(s->msg, sizeof s->msg,
		         "The end of the lesson: %u of %u questions answered; go back (k) to the "
		         "ones you skipped.",
		         answered, total);
}

enum dv_move dv_session_move(struct dv_session *s, enum dv_vcmd cmd)
{
	struct dv_view *v = &s->view;
	enum dv_move r;
	switch (cmd) {
	case DV_VCMD_NEXT:
	case DV_VCMD_PREV:
		if (v->gran == DV_GRAN_STEP)
			r = move_stop(s, cmd == DV_VCMD_NEXT ? 1 : -1);
		else
			r = move_unit(s, cmd == DV_VCMD_NEXT ? 1 : -1, v->gran);
		if (r == DV_MOVE_END && cmd == DV_VCMD_NEXT)
			end_msg(s);
		return r;
	case DV_VCMD_NEXT_EVENT:
	case DV_VCMD_PREV_EVENT:
		return move_unit(s, cmd == DV_VCMD_NEXT_EVENT ? 1 : -1, DV_GRAN_EVENT);
	case DV_VCMD_FIRST:
		if (s->nstops) {
			place(s, s->stops[0].pos, s->stops[0].nb, s->stops[0].pos);
			if (s->nstops && s->stops[0].nb == 0) {
				/* A first step without beats: shown from its start. */
				size_t first, end;
				if (dv_run_step_events(s->run, s->stops[0].step, &first, &end))
					place(s, end, 0, first);
			}
			return DV_MOVE_OK;
		}
		place(s, 0, 0, 0);
		return DV_MOVE_OK;
	case DV_VCMD_LAST:
		if (s->nstops) {
			const struct dv_stop *e = &s->stops[s->nstops - 1];
			if (state_cmp(e->pos, e->nb, v->pos, s->nb) <= 0)
				return DV_MOVE_END;
			return forward_to(s, e->pos, e->nb,
			                  s->nstops > 1 ? s->stops[s->nstops - 2].pos : 0);
		}
		return forward_to(s, v->end, s->nbeats, v->pos);
	case DV_VCMD_GRAN: dv_view_command(v, DV_VCMD_GRAN); return DV_MOVE_OK;
	case DV_VCMD_COUNT: break;
	}
	return DV_MOVE_END;
}

enum dv_move dv_session_seek(struct dv_session *s, size_t pos)
{
	if (pos > s->view.end)
		pos = s->view.end;
	size_t nb = beats_upto(s, pos);
	size_t from = dv_view_unit_back(&s->view, pos);
	if (state_cmp(pos, nb, s->view.pos, s->nb) > 0)
		return forward_to(s, pos, nb, s->view.pos < pos ? s->view.pos : from);
	place(s, pos, nb, from);
	return DV_MOVE_OK;
}

enum dv_move dv_session_seek_cycle(struct dv_session *s, uint64_t c)
{
	const struct dv_trace *evt = dv_sim_trace(s->view.sim);
	size_t p = 0;
	while (p < s->view.end && dv_trace_at(evt, p)->cycle <= c)
		p++;
	return p ? dv_session_seek(s, p) : DV_MOVE_END;
}

bool dv_session_at_end(const struct dv_session *s)
{
	if (!s->nstops)
		return s->view.pos == s->view.end;
	const struct dv_stop *e = &s->stops[s->nstops - 1];
	return state_cmp(s->view.pos, s->nb, e->pos, e->nb) >= 0;
}

bool dv_session_command(struct dv_session *s, const char *line)
{
	struct dv_view *v = &s->view;
	if (s->rec) {
		snprintf(s->msg, sizeof s->msg,
		         "a recording plays back a run: the sandbox needs the lesson itself");
		return false;
	}
	if (!dv_session_at_end(s)) {
		snprintf(s->msg, sizeof s->msg, "sandbox runs at the end of the lesson; press G");
		return false;
	}
	const struct dv_msgs *m = dv_run_msgs(s->run);
	size_t before = m->n, old_end = v->end;
	bool ok = dv_run_command(s->run, line);
	v->end = dv_trace_len(dv_sim_trace(v->sim));
	/* The new events extend the lesson's last stop, so that G (and the check that the cursor
	 * is at the end before the next line) reach them. */
	if (s->nstops && s->stops[s->nstops - 1].pos == old_end)
		s->stops[s->nstops - 1].pos = v->end;
	dv_view_seek(v, v->end, old_end);
	update_view(s);
	if (m->n > before) /* the message names the place as sandbox:N:COL */
		snprintf(s->msg, sizeof s->msg, "%s", m->v[m->n - 1].text);
	else if (!ok)
		snprintf(s->msg, sizeof s->msg, "the sandbox line did not run");
	else
		snprintf(s->msg, sizeof s->msg, "ran: %.200s (%zu new events)", line,
		         dv_view_events(v, v->end) - dv_view_events(v, old_end));
	return ok && m->n == before;
}

enum dv_move dv_session_until(struct dv_session *s, enum dv_until what)
{
	if (dv_session_gated(s)) {
		gate_msg(s);
		return DV_MOVE_GATE;
	}
	size_t p = dv_view_find(&s->view, what);
	if (!p)
		return DV_MOVE_END;
	size_t nb = beats_upto(s, p);
	if (nb < s->nb)
		nb = s->nb;
	return forward_to(s, p, nb, s->view.pos);
}

enum dv_move dv_session_goto_step(struct dv_session *s, unsigned k, bool at_end)
{
	size_t want = SIZE_MAX;
	for (size_t i = 0; i < s->nstops; i++)
		if (s->stops[i].step == k && (want == SIZE_MAX || at_end))
			want = i;
	if (want == SIZE_MAX)
		return DV_MOVE_END;
	size_t pos = s->stops[want].pos, nb = s->stops[want].nb, first, end;
	dv_run_step_events(s->run, k, &first, &end);
	if (state_cmp(pos, nb, s->view.pos, s->nb) > 0)
		return forward_to(s, pos, nb, first);
	place(s, pos, nb, first);
	return DV_MOVE_OK;
}

/* Where playing to the end of step k_end stops: the step's last stop (what follows it is marks
 * only); the end of the recording for UINT_MAX. */
static size_t play_limit(const struct dv_session *s, unsigned k_end)
{
	size_t limit = s->view.end, first, end;
	if (k_end != UINT_MAX && dv_run_step_events(s->run, k_end, &first, &end)) {
		limit = end;
		for (size_t i = 0; i < s->nstops; i++)
			if (s->stops[i].step == k_end)
				limit = s->stops[i].pos;
	}
	return limit;
}

size_t dv_session_play_moves(const struct dv_session *s, unsigned k_end)
{
	size_t limit = play_limit(s, k_end), pos = s->view.pos, nb = s->nb, n = 0;
	/* dv_session_play_next's walk, without the gates and without moving the view. */
	for (;;) {
		if (pos >= limit && (nb >= s->nbeats || s->beats[nb].pos > pos))
			return n;
		size_t u = pos < limit ? dv_view_play_next(&s->view, pos) : pos;
		if (u > limit)
			u = limit;
		if (nb < s->nbeats && s->beats[nb].pos <= u && s->beats[nb].pos >= pos)
			pos = s->beats[nb++].pos;
		else if (u > pos)
			pos = u;
		else
			return n; /* nothing left that way (a beat behind the cursor) */
		n++;
	}
}

enum dv_move dv_session_play_next(struct dv_session *s, unsigned k_end)
{
	size_t limit = play_limit(s, k_end);
	size_t pos = s->view.pos, nb = s->nb;
	if (pos >= limit && (nb >= s->nbeats || s->beats[nb].pos > pos))
		return DV_MOVE_END;
	size_t u = pos < limit ? dv_view_play_next(&s->view, pos) : pos;
	if (u > limit)
		u = limit;
	if (nb < s->nbeats && s->beats[nb].pos <= u && s->beats[nb].pos >= pos)
		return forward_to(s, s->beats[nb].pos, nb + 1, pos);
	return forward_to(s, u, nb, pos);
}

void dv_session_take_over(struct dv_session *s)
{
	s->opt.ungated = false;
	for (size_t i = 0; i < s->nb; i++)
		if (s->beats[i].kind == DV_BEAT_ASK && !dv_qstate_decided(&s->q[s->beats[i].index]))
			s->q[s->beats[i].index].skipped = true;
	update_view(s);
}

bool dv_session_step_done(const struct dv_session *s, unsigned k)
{
	for (size_t i = s->nstops; i-- > 0;)
		if (s->stops[i].step == k)
			return state_cmp(s->view.pos, s->nb, s->stops[i].pos, s->stops[i].nb) >= 0;
	return true;
}

unsigned dv_session_step_after(const struct dv_session *s, unsigned k)
{
	for (unsigned j = k + 1; j < s->lesson->nsteps; j++)
		if (dv_session_step_shown(s, j))
			return j;
	return UINT_MAX;
}

unsigned dv_session_play_step(const struct dv_session *s)
{
	unsigned k = s->view.step;
	return dv_session_step_done(s, k) ? dv_session_step_after(s, k) : k;
}

bool dv_session_until_key(int key, enum dv_until *what, const char **name)
{
	static const struct {
		int key;
		enum dv_until what;
		const char *name;
	} kinds[] = {
		{ 't', DV_UNTIL_TC, "terminal count" },
		{ 'i', DV_UNTIL_IRQ, "interrupt" },
		{ 'c', DV_UNTIL_RETURN, "call return" },
		{ 'v', DV_UNTIL_VERIFIER, "verifier rule" },
	};
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		if (kinds[k].key == key) {
			*what = kinds[k].what;
			*name = kinds[k].name;
			return true;
		}
	}
	return false;
}

void dv_session_run_until(struct dv_session *s, int key)
{
	enum dv_until what;
	const char *name;
	if (!dv_session_until_key(key, &what, &name)) {
		if (key != 27 && key != 0)
			snprintf(s->msg, sizeof s->msg, "run until: t, i, c or v");
		return;
	}
	size_t old = s->view.pos;
	enum dv_move r = dv_session_until(s, what);
	if (r == DV_MOVE_END)
		snprintf(s->msg, sizeof s->msg, "no %s before the end of the lesson", name);
	else if (r == DV_MOVE_OK)
		snprintf(s->msg, sizeof s->msg, "ran until the %s (%zu events)", name,
		         dv_view_events(&s->view, s->view.pos) - dv_view_events(&s->view, old));
}

/* ---- the learner ---------------------------------------------------------------------------- */

int dv_session_ask(const struct dv_session *s)
{
	int last = -1;
	for (size_t i = 0; i < s->nb; i++) {
		const struct dv_beat *b = &s->beats[i];
		if (b->kind == DV_BEAT_ASK && b->step == s->view.step)
			last = (int)b->index;
	}
	return last;
}

bool dv_session_at_ask(const struct dv_session *s, int a)
{
	const struct dv_beat *b = dv_session_beat(s);
	return b && b->kind == DV_BEAT_ASK && (int)b->index == a;
}

static struct dv_qstate *open_question(struct dv_session *s, const struct dv_ask **ask)
{
	int a = dv_session_ask(s);
	if (a < 0) {
		snprintf(s->msg, sizeof s->msg,
		         "There is no question at this point of the lesson.");
		return NULL;
	}
	/* A skipped question is answered where it stands, not after the lesson has moved on and
	 * shown what it asked. */
	if (s->q[a].skipped && !dv_session_at_ask(s, a)) {
		snprintf(s->msg, sizeof s->msg,
		         "You skipped this question: go back to it (k) to answer it.");
		return NULL;
	}
	*ask = s->lesson->asks[a];
	return &s->q[a];
}

static unsigned attempts_of(const struct dv_ask *ask)
{
	return ask->attempts ? ask->attempts : DV_DEFAULT_ATTEMPTS;
}

bool dv_session_answerable(struct dv_session *s)
{
	const struct dv_ask *ask;
	const struct dv_qstate *q = open_question(s, &ask);
	if (q && dv_qstate_decided(q) && !q->skipped) {
		snprintf(s->msg, sizeof s->msg, "Already answered: the answer and why are shown.");
		return false;
	}
	return q != NULL;
}

enum dv_verdict dv_session_answer(struct dv_session *s, const char *text)
{
	const struct dv_ask *ask;
	struct dv_qstate *q = open_question(s, &ask);
	if (!q)
		return DV_VERDICT_NONE;
	while (*text == ' ')
		text++;
	if (!*text)
		return DV_VERDICT_NONE;
	if (dv_qstate_decided(q) && !q->skipped) {
		snprintf(s->msg, sizeof s->msg, "Already answered: the answer and why are shown.");
		return DV_VERDICT_NONE;
	}
	/* A number question takes numbers: anything else is a typo, not a try. */
	bool numbers = ask->nanswers > 0;
	for (unsigned i = 0; i < ask->nanswers; i++)
		numbers &= ask->answers[i].numeric;
	uint32_t v, w;
	if (numbers && !dv_answer_number(text, &v)) {
		snprintf(s->msg, sizeof s->msg,
		         "'%.60s' is not a number: write 0x05, 05h, 5 or 0b101.", text);
		return DV_VERDICT_NONE;
	}
	/* The same wrong answer again (in any form) is not another try. */
	if (q->wrong[0] && !dv_ask_accepts(ask, text) &&
	    (numbers ? dv_answer_number(q->wrong, &w) && w == v : !strcasecmp(q->wrong, text))) {
		snprintf(s->msg, sizeof s->msg, "You tried that one already: not quite.");
		return DV_VERDICT_NONE;
	}
	snprintf(q->given, sizeof q->given, "%s", text);
	q->skipped = false;
	if (dv_ask_accepts(ask, text)) {
		q->correct = true;
		snprintf(s->msg, sizeof s->msg, "Right! j goes on.");
		record(s);
		update_view(s);
		return DV_VERDICT_RIGHT;
	}
	q->attempts++;
	snprintf(q->wrong, sizeof q->wrong, "%s", text);
	unsigned max = attempts_of(ask);
	if (q->attempts >= max) {
		q->revealed = true;
		snprintf(s->msg, sizeof s->msg,
		         "Not quite, %u tries: the answer and why are shown. j goes on.", max);
		record(s);
		update_view(s);
		return DV_VERDICT_REVEALED;
	}
	unsigned left = max - q->attempts;
	if (q->hints < ask->nhints)
		snprintf(s->msg, sizeof s->msg,
		         "Not quite. Try again (%u %s left), or h for a hint.", left,
		         left == 1 ? "try" : "tries");
	else
		snprintf(s->msg, sizeof s->msg,
		         "Not quite. Try again (%u %s left), or h h to see the answer.", left,
		         left == 1 ? "try" : "tries");
	return DV_VERDICT_WRONG;
}

bool dv_session_hint(struct dv_session *s)
{
	const struct dv_ask *ask;
	struct dv_qstate *q = open_question(s, &ask);
	if (!q)
		return false;
	if (q->hints < ask->nhints) {
		q->hints++;
		snprintf(s->msg, sizeof s->msg, "hint %u of %u", q->hints, ask->nhints);
		return true;
	}
	if (dv_qstate_decided(q) && !q->skipped) {
		snprintf(s->msg, sizeof s->msg, "%s",
		         ask->nhints ? "No more hints." : "This question has no hints.");
		return true;
	}
	if (!q->reveal_armed) {
		q->reveal_armed = true;
		snprintf(s->msg, sizeof s->msg, "%s Press h again to see the answer.",
		         ask->nhints ? "No more hints." : "This question has no hints.");
		return true;
	}
	return dv_session_reveal(s);
}

bool dv_session_reveal(struct dv_session *s)
{
	const struct dv_ask *ask;
	struct dv_qstate *q = open_question(s, &ask);
	if (!q)
		return false;
	q->revealed = true;
	q->skipped = false;
	snprintf(s->msg, sizeof s->msg, "The answer and why are shown. j goes on.");
	record(s);
	update_view(s);
	return true;
}

bool dv_session_skip(struct dv_session *s)
{
	const struct dv_ask *ask;
	struct dv_qstate *q = open_question(s, &ask);
	if (!q)
		return false;
	if (dv_qstate_decided(q)) {
		snprintf(s->msg, sizeof s->msg, "This question is already behind you.");
		return false;
	}
	q->skipped = true;
	snprintf(s->msg, sizeof s->msg,
	         "Skipped: the lesson counts as started until you answer it.");
	record(s);
	update_view(s);
	return true;
}

void dv_session_question(struct dv_session *s, int a, struct dv_vpanel *p, size_t width)
{
	const struct dv_qstate *q = &s->q[a];
	const struct dv_ask *ask = s->lesson->asks[a];
	struct dv_vask st = {
		.answered = q->correct || q->revealed || q->earlier,
		.correct = q->correct || q->earlier,
		.given = q->given[0] ? q->given : NULL,
		.hints = q->hints,
		.show_explain = q->correct || q->revealed || q->earlier,
		.attempts = q->attempts,
		.max_attempts = attempts_of(ask),
		.skipped = q->skipped,
		.away = !dv_session_at_ask(s, a),
		.revealed = q->revealed && !q->correct,
	};
	dv_view_ask_number(&s->view, (unsigned)a, &st.number, &st.count);
	dv_view_question(&s->view, ask, &st, p, width);
}

void dv_session_score(const struct dv_session *s, unsigned *total, unsigned *answered,
                      unsigned *skipped)
{
	*total = s->lesson->nasks;
	*answered = *skipped = 0;
	for (unsigned a = 0; a < s->lesson->nasks; a++) {
		if (s->q[a].correct || s->q[a].revealed || s->q[a].earlier)
			(*answered)++;
		else if (s->q[a].skipped)
			(*skipped)++;
	}
}

bool dv_session_finished(const struct dv_session *s)
{
	unsigned total, answered, skipped;
	dv_session_score(s, &total, &answered, &skipped);
	return answered == total && s->nstops && dv_session_at_end(s);
}

void dv_session_set_progress(struct dv_session *s, struct dv_progress *p)
{
	s->progress = p;
	const struct dv_progress_entry *e = p && s->lesson->id ? dv_progress_get(p, s->lesson->id) :
	                                                         NULL;
	for (unsigned a = 0; e && a < s->lesson->nasks; a++) {
		const char *id = s->lesson->asks[a]->id;
		if (id && dv_progress_answered(e, id))
			s->q[a].earlier = true;
	}
	update_view(s);
	record(s);
}

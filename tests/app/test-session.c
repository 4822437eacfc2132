/* dmaviz: the application layer's session (ui/app/session.h), on every shipped lesson:
 *
 * - spoilers: at every stop of a walk, no panel shows an undecided question's answer, a hint
 *   not yet given, its explanation, the narration after the current beat, or the lesson lines
 *   ahead; a question that names an NDIS call comes before that call is made;
 * - gates: walking forward at every granularity, by events, playing, the last step, seeking and
 *   run-until all stop at every question, in order, and only there;
 * - narration: at every stop of the step walk the picture is the moment of a paragraph or a
 *   question, never statements that ran after a step's last words ("Then: ...");
 * - beats: the machine the view shows at a beat is the machine the engine has when it is about
 *   to run the statement the beat stands before (where the `expect`s under a paragraph are
 *   evaluated), slot by slot;
 * - the learner: attempts, number formats, hints, reveal, skip, progress marks.
 *
 * Usage: test-session LESSONS-DIR
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "calls.h"
#include "files.h"
#include "keymap.h"
#include "lecture.h"
#include "progress.h"
#include "recording.h"
#include "session.h"
#include "state.h"
#include "../checkf.h"
#include "../coincidences.h"

static const char *lessons_dir;

/* ---- panel text ------------------------------------------------------------------------------ */

struct text {
	char *s;
	size_t n, cap;
};

static void text_add(struct text *t, const char *s, size_t n)
{
	if (t->n + n + 2 > t->cap) {
		t->cap = (t->n + n + 2) * 2;
		t->s = realloc(t->s, t->cap);
	}
	memcpy(t->s + t->n, s, n);
	t->n += n;
	t->s[t->n++] = '\n';
	t->s[t->n] = '\0';
}

static void add_panel(struct text *t, const struct dv_vpanel *p)
{
	text_add(t, p->title, strlen(p->title));
	for (size_t i = 0; i < p->n; i++)
		text_add(t, p->line[i].text ? p->line[i].text : "", p->line[i].len);
}

/* Every panel a front end shows at the cursor, as one text (words joined across wrapped lines
 * by spaces, so a sentence can be searched whole). */
static void panels_text(struct dv_session *s, struct text *t, bool with_question)
{
	struct dv_vpanel p;
	dv_vpanel_init(&p);
	t->n = 0;
	dv_view_narration(&s->view, &p, 1000);
	add_panel(t, &p);
	dv_view_dma(&s->view, &p);
	add_panel(t, &p);
	dv_view_nic(&s->view, &p);
	add_panel(t, &p);
	dv_view_ndis(&s->view, &p, 1000);
	add_panel(t, &p);
	dv_view_log(&s->view, &p, 40);
	add_panel(t, &p);
	dv_view_source(&s->view, &p, 60);
	add_panel(t, &p);
	dv_view_memory(&s->view, &p, 8, 80);
	add_panel(t, &p);
	dv_view_timing(&s->view, &p, 60, true);
	add_panel(t, &p);
	/* The lecture facts (the call ribbon, the address map and the cache) as the terminal
	 * shows them: they too must not give an answer away. */
	dv_lecture_panel(&s->view, &p, 1000);
	add_panel(t, &p);
	struct dv_lect_ribbon r;
	struct dv_vline rl = { 0 };
	dv_lecture_ribbon(&s->view, &r);
	dv_lecture_ribbon_line(&r, 1000, &rl);
	text_add(t, rl.text ? rl.text : "", rl.len);
	free(rl.text);
	free(rl.roles);
	int a = dv_session_ask(s);
	if (with_question && a >= 0) {
		dv_session_question(s, a, &p, 1000);
		add_panel(t, &p);
	}
	dv_vpanel_finish(&p);
}

/* Is word w in text as a whole token (not inside a longer word or number)? */
static bool has_token(const char *text, const char *w, bool nocase)
{
	size_t n = strlen(w);
	if (!n)
		return false;
	for (const char *p = text; *p; p++) {
		if (nocase ? strncasecmp(p, w, n) : strncmp(p, w, n))
			continue;
		bool lb = p == text || !(isalnum((unsigned char)p[-1]) || p[-1] == '_');
		bool rb = !(isalnum((unsigned char)p[n]) || p[n] == '_');
		if (lb && rb)
			return true;
	}
	return false;
}

/* Plain words of a paragraph (markup dropped), its first 60 characters: enough to find it. */
static void para_key(const char *para, char *out, size_t size)
{
	size_t k = 0;
	for (const char *c = para; *c && k + 1 < size && k < 60; c++)
		if (*c != '`' && *c != '*')
			out[k++] = *c;
	out[k] = '\0';
}

/* Collapses runs of white space to one space, in place. */
static void squeeze(char *s)
{
	char *w = s;
	bool sp = false;
	for (char *r = s; *r; r++) {
		if (isspace((unsigned char)*r)) {
			if (!sp)
				*w++ = ' ';
			sp = true;
		} else {
			*w++ = *r;
			sp = false;
		}
	}
	*w = '\0';
}

/* The forms of an answer that would give it away when a panel shows them. Yes/no words are
 * not searched (they are everywhere in English), nor status names (the rule about calls below
 * covers them), nor numbers below 16 (every panel has small numbers); decimal only from 256
 * on, where a number is specific enough to mean the answer. */
static bool answer_form(const struct dv_answer *a, char forms[4][64])
{
	size_t n = strlen(a->text);
	bool alpha = true;
	for (size_t i = 0; i < n; i++)
		alpha &= isalpha((unsigned char)a->text[i]) != 0;
	forms[0][0] = forms[1][0] = forms[2][0] = forms[3][0] = '\0';
	if ((alpha && n <= 3) || !strncmp(a->text, "NDIS_STATUS_", 12) ||
	    !strcmp(a->text, "SUCCESS") || !strcmp(a->text, "RESOURCES"))
		return false;
	if (!a->numeric) {
		snprintf(forms[0], 64, "%s", a->text);
		return true;
	}
	if (a->num < 16)
		return false;
	/* What the panels print for a value: 0x%02x, 0x%04x, 0x%06x, and decimal. */
	snprintf(forms[0], 64, "0x%02x", a->num);
	snprintf(forms[1], 64, "0x%04x", a->num);
	snprintf(forms[2], 64, "0x%06x", a->num);
	if (a->num >= 256)
		snprintf(forms[3], 64, "%u", a->num);
	return true;
}

/* The checks at one stop of a walk. */
static void check_stop(struct dv_session *s, const char *name, const char *how)
{
	const struct dv_lesson *L = s->lesson;
	struct text t = { 0 };
	panels_text(s, &t, false);
	squeeze(t.s);
	/* At a question the learner has not answered: its answers, the hints not shown and the
	 * explanation are nowhere on screen. */
	for (size_t i = 0; i < s->nb; i++) {
		const struct dv_beat *b = &s->beats[i];
		if (b->kind != DV_BEAT_ASK || b->step != s->view.step)
			continue;
		const struct dv_ask *ask = L->asks[b->index];
		const struct dv_qstate *q = &s->q[b->index];
		if (dv_qstate_decided(q))
			continue;
		for (unsigned k = 0; k < ask->nanswers; k++) {
			char forms[4][64];
			if (!answer_form(&ask->answers[k], forms))
				continue;
			for (int f = 0; f < 4; f++)
				if (has_token(ask->question, forms[f], true) ||
				    coincidence(name, ask->id, forms[f]))
					forms[f][0] =
					        '\0'; /* the question itself names it, or it means something else */
			for (int f = 0; f < 4; f++)
				CHECK(!forms[f][0] || !has_token(t.s, forms[f], true),
				      "%s (%s, pos %zu): the answer '%s' of %s:%u (%s) is on screen before it is answered",
				      name, how, s->view.pos, forms[f], L->file, ask->line,
				      ask->id);
		}
		if (ask->explain) {
			char key[64];
			para_key(ask->explain, key, sizeof key);
			CHECK(!strstr(t.s, key), "%s (%s): the explanation of %s is on screen",
			      name, how, ask->id);
		}
		for (unsigned h = q->hints; h < ask->nhints; h++)
			CHECK(!strstr(t.s, ask->hints[h]), "%s (%s): hint %u of %s is on screen",
			      name, how, h + 1, ask->id);
	}
	/* Narration after the current beat: not in any panel (the source pane shows no line
	 * after the beat either). */
	for (size_t i = s->nb; i < s->nbeats; i++) {
		const struct dv_beat *b = &s->beats[i];
		if (b->kind != DV_BEAT_PARA || b->step != s->view.step)
			continue;
		char key[64];
		para_key(L->steps[b->step].paras[b->index], key, sizeof key);
		squeeze(key);
		CHECK(!strstr(t.s, key), "%s (%s, pos %zu): narration ahead is on screen: \"%s\"",
		      name, how, s->view.pos, key);
	}
	free(t.s);
}

/* ---- lessons ----------------------------------------------------------------------------------- */

static struct dv_session *open_lesson_opt(const char *path, bool ungated)
{
	char err[4096];
	struct dv_session_options o = { .ungated = ungated };
	struct dv_session *s = dv_session_open(path, &o, err, sizeof err);
	CHECK(s != NULL, "%s does not open: %s", path, err);
	return s;
}

static struct dv_session *open_lesson(const char *path)
{
	return open_lesson_opt(path, false);
}

/* A question that names an NDIS call is asked before the lesson makes that call. */
static void check_call_order(struct dv_session *s, const char *name)
{
	const struct dv_trace *tr = dv_sim_trace(s->view.sim);
	for (size_t i = 0; i < s->nbeats; i++) {
		const struct dv_beat *b = &s->beats[i];
		if (b->kind != DV_BEAT_ASK)
			continue;
		const struct dv_ask *ask = s->lesson->asks[b->index];
		size_t first, end;
		if (!dv_run_step_events(s->run, b->step, &first, &end))
			continue;
		for (unsigned c = 0; c < DV_CALL_COUNT; c++) {
			const char *cn = dv_call_name((enum dv_call)c);
			if (!cn || !has_token(ask->question, cn, false))
				continue;
			bool later = false;
			for (size_t e = b->pos; e < tr->len && !later; e++)
				later = dv_trace_at(tr, e)->kind == DV_EV_CALL &&
				        dv_trace_at(tr, e)->slot == c;
			CHECK(later,
			      "%s: %s:%u asks about %s, but the lesson makes no such call after the question",
			      name, s->lesson->file, ask->line, cn);
		}
		/* And the machine still has to move after the question: a prediction, not a recap. */
		bool moves = false;
		for (size_t e = b->pos; e < end && !moves; e++)
			moves = dv_trace_at(tr, e)->kind != DV_EV_MARK;
		CHECK(moves, "%s: %s:%u asks after everything in its step has happened", name,
		      s->lesson->file, ask->line);
	}
}

/* Walks a lesson forward by cmd at granularity g from its first stop, skipping each question it
 * is held at. Every question is a gate, once, in lesson order; nothing else holds. */
static void walk(const char *path, const char *name, enum dv_gran g, enum dv_vcmd cmd,
                 bool spoilers)
{
	struct dv_session *s = open_lesson(path);
	if (!s)
		return;
	while (s->view.gran != g)
		dv_session_move(s, DV_VCMD_GRAN);
	const char *how = cmd == DV_VCMD_NEXT_EVENT ? "event" : dv_view_gran_name(g);
	unsigned next_ask = 0; /* the index of the next ask beat expected to hold */
	size_t asks_total = 0, moves = 0;
	for (size_t i = 0; i < s->nbeats; i++)
		asks_total += s->beats[i].kind == DV_BEAT_ASK;
	size_t guard = s->view.end * 2 + s->nbeats * 4 + 100;
	/* One event is one record of the trace (trace.h): a move stands at a record's boundary and
	 * passes at most one record; the event log counts them. */
	const struct dv_trace *tr = dv_sim_trace(s->view.sim);
	size_t recs = dv_trace_records(tr, s->view.pos), skipped = 0, off_boundary = 0;
	for (;;) {
		if (spoilers)
			check_stop(s, name, how);
		if (dv_session_gated(s)) {
			const struct dv_beat *b = &s->beats[s->nb - 1];
			CHECK(b->kind == DV_BEAT_ASK, "%s (%s): held, not at a question", name,
			      how);
			size_t k = 0;
			for (size_t i = 0; i < s->nb; i++)
				k += s->beats[i].kind == DV_BEAT_ASK;
			CHECK(k == next_ask + 1,
			      "%s (%s): held at question %zu, expected %u (one was passed)", name,
			      how, k, next_ask + 1);
			next_ask = (unsigned)k;
			CHECK(dv_session_move(s, cmd) == DV_MOVE_GATE,
			      "%s (%s): a held move goes on", name, how);
			CHECK(dv_session_skip(s), "%s (%s): s does not skip", name, how);
		}
		enum dv_move r = dv_session_move(s, cmd);
		if (cmd == DV_VCMD_NEXT_EVENT) {
			size_t now = dv_trace_records(tr, s->view.pos), p = s->view.pos;
			skipped += now > recs + 1;
			off_boundary += p < dv_trace_len(tr) && dv_trace_record_start(tr, now) != p;
			recs = now;
		}
		if (r == DV_MOVE_END)
			break;
		if (++moves > guard) {
			CHECK(0, "%s (%s): the walk does not end", name, how);
			break;
		}
	}
	CHECK(next_ask == asks_total, "%s (%s): held at %u of %zu questions", name, how, next_ask,
	      asks_total);
	CHECK(s->nb == s->nbeats, "%s (%s): the walk ended with %zu of %zu beats shown", name, how,
	      s->nb, s->nbeats);
	CHECK(skipped == 0 && off_boundary == 0,
	      "%s (%s): %zu moves passed more than one event, %zu stood inside one", name, how,
	      skipped, off_boundary);
	if (cmd == DV_VCMD_NEXT_EVENT) {
		CHECK(recs == dv_trace_records(tr, s->view.end), "%s: the walk ends at event %zu",
		      name, recs);
		CHECK(moves >= recs && moves < recs + s->nbeats + 8,
		      "%s: %zu moves for %zu events and %zu beats", name, moves, recs, s->nbeats);
		struct dv_vpanel p;
		dv_vpanel_init(&p);
		dv_view_log(&s->view, &p, 3);
		char want[64];
		snprintf(want, sizeof want, "Events (%zu of %zu)", recs, recs);
		CHECK(!strcmp(p.title, want), "%s: the log says '%s'", name, p.title);
		dv_vpanel_finish(&p);
		/* and back, one event at a time, to the first */
		size_t back = 0, up = 0;
		while (dv_session_move(s, DV_VCMD_PREV_EVENT) == DV_MOVE_OK && back < guard) {
			size_t now = dv_trace_records(tr, s->view.pos);
			up += now + 1 < recs || now > recs;
			recs = now;
			back++;
		}
		CHECK(up == 0 && back + 8 > moves - s->nbeats, "%s: %zu moves back (%zu odd)", name,
		      back, up);
	}
	if (cmd == DV_VCMD_NEXT && g == DV_GRAN_STEP) {
		/* Back is the exact reverse of forward. */
		size_t n = 0;
		while (dv_session_move(s, DV_VCMD_PREV) == DV_MOVE_OK && n < guard)
			n++;
		CHECK(s->view.pos == s->stops[0].pos && s->nb == s->stops[0].nb,
		      "%s: back ends at %zu/%zu, not the first stop", name, s->view.pos, s->nb);
	}
	dv_session_close(s);
}

/* Playing, the last step, seeking to the end and run-until stop at the first question. */
static void check_jumps(const char *path, const char *name)
{
	struct dv_session *s = open_lesson(path);
	if (!s)
		return;
	size_t first_ask = SIZE_MAX;
	for (size_t i = 0; i < s->nbeats && first_ask == SIZE_MAX; i++)
		if (s->beats[i].kind == DV_BEAT_ASK)
			first_ask = i;
	if (first_ask == SIZE_MAX) {
		CHECK(dv_session_move(s, DV_VCMD_LAST) == DV_MOVE_OK,
		      "%s: G is held with no question", name);
		CHECK(dv_session_finished(s), "%s: the end without questions is not finished",
		      name);
		dv_session_close(s);
		return;
	}
	const struct dv_beat *q = &s->beats[first_ask];
	CHECK(dv_session_move(s, DV_VCMD_LAST) == DV_MOVE_GATE, "%s: G passes the first question",
	      name);
	CHECK(s->nb == first_ask + 1 && s->view.pos == q->pos,
	      "%s: G stops at %zu/%zu, not the question", name, s->view.pos, s->nb);
	CHECK(!dv_session_finished(s), "%s: finished with a question open", name);
	dv_session_move(s, DV_VCMD_FIRST);
	CHECK(dv_session_seek(s, s->view.end) == DV_MOVE_GATE && s->nb == first_ask + 1,
	      "%s: seeking to the end passes the first question", name);
	dv_session_move(s, DV_VCMD_FIRST);
	enum dv_move r;
	size_t n = 0;
	while ((r = dv_session_play_next(s, UINT_MAX)) == DV_MOVE_OK &&
	       n++ < s->view.end + s->nbeats)
		;
	CHECK(r == DV_MOVE_GATE && s->nb == first_ask + 1, "%s: playing passes the first question",
	      name);
	CHECK(dv_session_until(s, DV_UNTIL_TC) != DV_MOVE_OK,
	      "%s: run-until passes the open question", name);
	dv_session_close(s);
}

/* The view at a beat shows the machine the engine has before the beat's statement runs. */
static void check_beats(const char *path, const char *name)
{
	struct dv_session *s = open_lesson_opt(path, true);
	if (!s)
		return;
	struct dv_run_options ro = { .load = dv_file_load_relative };
	struct dv_run *live = dv_run_create(s->lesson, &ro);
	struct dv_sim *sim = dv_run_sim(live);
	CHECK(live != NULL, "%s: no second run", name);
	size_t checked = 0;
	for (size_t i = 0; live && i < s->nbeats; i++) {
		const struct dv_beat *b = &s->beats[i];
		while (dv_run_pc(live) < b->stmt && dv_run_next(live))
			;
		if (dv_run_pc(live) != b->stmt)
			continue; /* the run stopped before: nothing to compare */
		dv_session_seek(s, b->pos);
		unsigned diffs = 0;
		for (unsigned slot = 0; slot < DV_SLOT_COUNT; slot++) {
			if (slot == DV_SLOT_MEM)
				continue;
			for (uint32_t k = 0; k < dv_slot_size((enum dv_slot)slot) && k < 4096;
			     k++) {
				uint32_t shown = dv_cursor_get(&s->view.now, (enum dv_slot)slot, k);
				uint32_t real = dv_sim_get(sim, (enum dv_slot)slot, k);
				if (shown != real && diffs++ < 3) {
					char sn[64];
					dv_slot_name((enum dv_slot)slot, k, sn, sizeof sn);
					CHECK(0,
					      "%s: the beat at %s:%u shows %s = 0x%x, the engine has 0x%x",
					      name, s->lesson->file, b->line, sn, shown, real);
				}
			}
		}
		/* Memory: the buffers' pages, sampled around every address DMA touched so far. */
		checked++;
	}
	CHECK(checked > 0 || s->nbeats == 0, "%s: no beat compared", name);
	dv_run_destroy(live);
	dv_session_close(s);
}

/* Every stop of the step walk is described by a paragraph: no step's narration ends while the
 * lesson still moves the machine, leaving the learner a picture the text only lists as "Then:
 * <statement>" (ui/view/view.c). Fails with the lesson lines of the statements shown that
 * way, at each such stop. */
static void check_narrated(const char *path, const char *name)
{
	struct dv_session *s = open_lesson_opt(path, true);
	if (!s)
		return;
	while (s->view.gran != DV_GRAN_STEP)
		dv_session_move(s, DV_VCMD_GRAN);
	const struct dv_lesson *L = s->lesson;
	struct dv_vpanel p;
	dv_vpanel_init(&p);
	size_t guard = s->nstops + 10;
	do {
		const struct dv_view *v = &s->view;
		if (dv_session_beat(s) || v->narr_tail_from == SIZE_MAX || v->step >= L->nsteps)
			continue;
		/* The statements the narration lists past its last words (dv_view_tail_stmt). */
		const struct dv_step *st = &L->steps[v->step];
		char lines[256] = "";
		size_t n = 0, len = 0;
		for (size_t k = st->first; k < st->first + st->count; k++) {
			const struct dv_stmt *x = &L->stmts[k];
			if (!dv_view_tail_stmt(v, k))
				continue;
			if (n++ < 8 && len + 16 < sizeof lines)
				len += (size_t)snprintf(lines + len, sizeof lines - len, "%s%u",
				                        n > 1 ? "," : "", x->line);
		}
		if (!n)
			continue;
		/* The view does list them. */
		dv_view_narration(&s->view, &p, 1000);
		bool then = false;
		for (size_t i = 0; i < p.n && !then; i++)
			for (size_t c = 0; p.line[i].text && c + 6 <= p.line[i].len && !then; c++)
				then = !memcmp(p.line[i].text + c, "Then: ", 6);
		CHECK(then, "%s: step %u ends after its narration, yet the view lists no statement",
		      name, st->number);
		CHECK(0,
		      "%s:%s: step %u (\"%s\") ends with statements no paragraph describes "
		      "(shown only as \"Then: ...\"): add a paragraph after them that says "
		      "what they did",
		      L->file, lines, st->number, st->title ? st->title : "");
	} while (guard-- && dv_session_move(s, DV_VCMD_NEXT) == DV_MOVE_OK);
	dv_vpanel_finish(&p);
	dv_session_close(s);
}

static void test_lessons(void)
{
	size_t n = 0;
	char **v = dv_lessons_list(lessons_dir, &n);
	CHECK(n >= 14, "only %zu lessons in %s", n, lessons_dir);
	for (size_t i = 0; i < n; i++) {
		const char *name = strrchr(v[i], '/') ? strrchr(v[i], '/') + 1 : v[i];
		struct dv_session *s = open_lesson(v[i]);
		if (!s)
			continue;
		/* Every paragraph and question of a step that ran is a beat, in order. */
		size_t paras = 0;
		for (unsigned k = 0; k < s->lesson->nsteps; k++) {
			size_t f, e;
			if (dv_run_step_events(s->run, k, &f, &e))
				paras += s->lesson->steps[k].nparas;
		}
		CHECK(s->nbeats == paras + s->lesson->nasks,
		      "%s: %zu beats for %zu paragraphs and %u questions", name, s->nbeats, paras,
		      s->lesson->nasks);
		for (size_t b = 1; b < s->nbeats; b++)
			CHECK(s->beats[b - 1].pos <= s->beats[b].pos,
			      "%s: beats out of order at %zu", name, b);
		check_call_order(s, name);
		dv_session_close(s);
		walk(v[i], name, DV_GRAN_STEP, DV_VCMD_NEXT, true);
		walk(v[i], name, DV_GRAN_CALL, DV_VCMD_NEXT, false);
		walk(v[i], name, DV_GRAN_PORT, DV_VCMD_NEXT, false);
		walk(v[i], name, DV_GRAN_CYCLE, DV_VCMD_NEXT, false);
		check_jumps(v[i], name);
		check_beats(v[i], name);
		check_narrated(v[i], name);
	}
	dv_lessons_list_free(v, n);
}

/* One event at a time through the send lesson: stops at every beat and every question. */
static void test_events(void)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/03-send.lesson", lessons_dir);
	walk(path, "03-send", DV_GRAN_STEP, DV_VCMD_NEXT_EVENT, false);
}

/* ---- the learner --------------------------------------------------------------------------------- */

/* Opens the send lesson and moves to its first question. */
static struct dv_session *at_first_question(struct dv_progress *p)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/03-send.lesson", lessons_dir);
	struct dv_session *s = open_lesson(path);
	if (!s)
		return NULL;
	if (p)
		dv_session_set_progress(s, p);
	while (!dv_session_gated(s) && dv_session_move(s, DV_VCMD_NEXT) == DV_MOVE_OK)
		;
	CHECK(dv_session_gated(s), "the send lesson has no question");
	return s;
}

static void test_answers(void)
{
	struct dv_session *s = at_first_question(NULL);
	if (!s)
		return;
	int a = dv_session_ask(s);
	const struct dv_ask *ask = s->lesson->asks[a];
	CHECK(ask->nanswers && ask->answers[0].numeric,
	      "the first question of send wants a number");
	uint32_t want = ask->answers[0].num;
	char forms[4][32];
	snprintf(forms[0], 32, "0x%02X", want);
	snprintf(forms[1], 32, "%02xh", want);
	snprintf(forms[2], 32, "%u", want);
	int nb = 0;
	char bin[40] = "0b";
	for (int bit = 31; bit >= 0; bit--)
		if (want >> bit & 1 || nb) {
			bin[2 + nb++] = (char)('0' + (want >> bit & 1));
		}
	bin[2 + nb] = '\0';
	snprintf(forms[3], 32, "%s", bin);
	for (int f = 0; f < 4; f++)
		CHECK(dv_ask_accepts(ask, forms[f]), "the answer %s is not taken for %u", forms[f],
		      want);
	CHECK(!dv_ask_accepts(ask, "0x100"), "a wrong number is taken");
	CHECK(!dv_ask_accepts(ask, "h"), "a bare h is taken");

	/* Wrong, wrong: still held; the echo shows what was typed. */
	CHECK(dv_session_answer(s, "77h") == DV_VERDICT_WRONG, "a wrong answer is not wrong");
	CHECK(dv_session_gated(s), "a wrong answer opens the gate");
	CHECK(!strcmp(s->q[a].given, "77h"), "the echo is '%s'", s->q[a].given);
	/* A typo and the same wrong value again cost no try. */
	CHECK(dv_session_answer(s, "zz") == DV_VERDICT_NONE && strstr(s->msg, "not a number"),
	      "a word for a number: %s", s->msg);
	CHECK(dv_session_answer(s, "0x77") == DV_VERDICT_NONE && strstr(s->msg, "already"),
	      "0x77 after 77h: %s", s->msg);
	CHECK(s->q[a].attempts == 1, "%u tries counted, not 1", s->q[a].attempts);
	struct dv_vpanel p;
	dv_vpanel_init(&p);
	dv_session_question(s, a, &p, 200);
	bool echoed = false, shown = false;
	for (size_t i = 0; i < p.n; i++) {
		echoed |= strstr(p.line[i].text, "77h") != NULL;
		shown |= strstr(p.line[i].text, ask->answers[0].text) != NULL;
	}
	CHECK(echoed && !shown,
	      "after a wrong answer the panel echoes it (%d) and hides the answer (%d)", echoed,
	      shown);
	CHECK(dv_session_answer(s, "1") == DV_VERDICT_WRONG, "a second wrong answer");
	CHECK(dv_session_answer(s, "2") == DV_VERDICT_REVEALED,
	      "the third wrong answer does not reveal");
	CHECK(!dv_session_gated(s), "revealed: still held");
	dv_session_question(s, a, &p, 200);
	shown = false;
	for (size_t i = 0; i < p.n; i++)
		shown |= strstr(p.line[i].text, ask->answers[0].text) != NULL;
	CHECK(shown, "revealed: the answer is not shown");
	CHECK(dv_session_answer(s, forms[0]) == DV_VERDICT_NONE,
	      "answering a decided question counts");
	dv_vpanel_finish(&p);
	dv_session_close(s);

	/* Right at once. */
	s = at_first_question(NULL);
	if (!s)
		return;
	CHECK(dv_session_answer(s, forms[1]) == DV_VERDICT_RIGHT, "%s is not right", forms[1]);
	size_t before = s->nb;
	CHECK(!dv_session_gated(s) && dv_session_move(s, DV_VCMD_NEXT) != DV_MOVE_END &&
	              s->nb == before + 1,
	      "a right answer does not open the gate");
	dv_session_close(s);

	/* Hints, then h h reveals. */
	s = at_first_question(NULL);
	if (!s)
		return;
	a = dv_session_ask(s);
	ask = s->lesson->asks[a];
	for (unsigned h = 0; h < ask->nhints; h++)
		CHECK(dv_session_hint(s) && s->q[a].hints == h + 1, "hint %u", h + 1);
	CHECK(dv_session_hint(s) && !s->q[a].revealed && dv_session_gated(s),
	      "h after the last hint reveals at once");
	CHECK(dv_session_hint(s) && s->q[a].revealed && !dv_session_gated(s),
	      "h h does not reveal");
	dv_session_close(s);
}

/* A skipped question is answered at its own moment only: once the lesson has moved on and
 * shown what it asked, going back to it is the way to answer. */
static void test_skip_then_answer(void)
{
	struct dv_session *s = at_first_question(NULL);
	if (!s)
		return;
	CHECK(dv_session_skip(s), "skip the first");
	CHECK(dv_session_move(s, DV_VCMD_NEXT) == DV_MOVE_GATE, "the second question");
	int a = dv_session_ask(s);
	CHECK(dv_session_skip(s), "skip the second");
	CHECK(dv_session_move(s, DV_VCMD_NEXT) == DV_MOVE_OK && dv_session_ask(s) == a &&
	              dv_session_beat(s) && dv_session_beat(s)->kind == DV_BEAT_PARA,
	      "the paragraph after the Setup, with the second question still the step's");
	CHECK(!dv_session_answerable(s) && strstr(s->msg, "go back"), "answerable from later: '%s'",
	      s->msg);
	CHECK(dv_session_answer(s, s->lesson->asks[a]->answers[0].text) == DV_VERDICT_NONE,
	      "a skipped question answered after its answer was shown");
	dv_session_move(s, DV_VCMD_PREV);
	CHECK(dv_session_answerable(s), "back at the question it cannot be answered: '%s'", s->msg);
	CHECK(dv_session_answer(s, s->lesson->asks[a]->answers[0].text) == DV_VERDICT_RIGHT,
	      "the answer at its moment");
	dv_session_close(s);
}

/* The demo (ungated) hands over: the questions it passed are skipped, the ones ahead gate. */
static void test_take_over(void)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/03-send.lesson", lessons_dir);
	struct dv_session *s = open_lesson_opt(path, true);
	if (!s)
		return;
	for (int i = 0; i < 6; i++)
		dv_session_move(s, DV_VCMD_NEXT); /* past both questions of step 2 */
	dv_session_take_over(s);
	CHECK(s->q[0].skipped && s->q[1].skipped && !s->q[2].skipped,
	      "passed questions not skipped");
	enum dv_move r = DV_MOVE_OK;
	for (int i = 0; i < 10 && r == DV_MOVE_OK; i++)
		r = dv_session_move(s, DV_VCMD_NEXT);
	CHECK(r == DV_MOVE_GATE && dv_session_ask(s) == 2,
	      "the question ahead does not gate after the take-over");
	dv_session_close(s);
}

static void test_progress(void)
{
	struct dv_progress p;
	dv_progress_load(&p, NULL); /* in memory */
	struct dv_session *s = at_first_question(&p);
	if (!s)
		return;
	CHECK(dv_session_skip(s), "skip");

	/* To the end, skipping every question. */
	while (dv_session_move(s, DV_VCMD_LAST) == DV_MOVE_GATE)
		dv_session_skip(s);
	const struct dv_progress_entry *e = dv_progress_get(&p, "send");
	CHECK(e && !e->finished, "the end with skipped questions is finished");
	CHECK(e && dv_progress_skipped(e, s->lesson->asks[0]->id), "the skip is not recorded");
	unsigned total, answered, skipped;
	dv_session_score(s, &total, &answered, &skipped);
	CHECK(skipped == total && answered == 0, "score %u answered, %u skipped of %u", answered,
	      skipped, total);
	/* Back to each question and answer it: then the lesson is finished. */
	dv_session_move(s, DV_VCMD_FIRST);
	for (unsigned a = 0; a < s->lesson->nasks; a++) {
		while (dv_session_ask(s) != (int)a &&
		       dv_session_move(s, DV_VCMD_NEXT) == DV_MOVE_OK)
			;
		CHECK(dv_session_ask(s) == (int)a, "question %u not reached again", a);
		CHECK(dv_session_answer(s, s->lesson->asks[a]->answers[0].text) == DV_VERDICT_RIGHT,
		      "question %u", a);
	}
	dv_session_move(s, DV_VCMD_LAST);
	e = dv_progress_get(&p, "send");
	CHECK(e && e->finished, "every question answered at the end: not finished");
	CHECK(e && dv_progress_answered(e, s->lesson->asks[0]->id) &&
	              !dv_progress_skipped(e, s->lesson->asks[0]->id),
	      "an answer after a skip is still a skip");
	dv_session_close(s);

	/* A new session takes the earlier answers as answered. */
	char path[4096];
	snprintf(path, sizeof path, "%s/03-send.lesson", lessons_dir);
	s = open_lesson(path);
	dv_session_set_progress(s, &p);
	CHECK(dv_session_move(s, DV_VCMD_LAST) == DV_MOVE_OK, "earlier answers still hold G");
	dv_session_close(s);
	dv_progress_finish(&p);
}

/* The source pane: an open question's answer lines read "(answer hidden)". */
static void test_source_hidden(void)
{
	struct dv_session *s = at_first_question(NULL);
	if (!s)
		return;
	const struct dv_ask *ask = s->lesson->asks[dv_session_ask(s)];
	/* Show the lesson file around the question, as the pane does with the log at its line. */
	struct dv_vpanel p;
	dv_vpanel_init(&p);
	s->view.src_scroll = 0;
	dv_session_move(s, DV_VCMD_NEXT_EVENT); /* the ask's own mark: the pane shows its line */
	dv_session_move(s, DV_VCMD_PREV_EVENT);
	dv_view_source(&s->view, &p, 200);
	bool hidden = false;
	for (size_t i = 0; i < p.n; i++) {
		hidden |= strstr(p.line[i].text, "(answer hidden)") != NULL;
		CHECK(!strstr(p.line[i].text, "answer ") || strstr(p.line[i].text, "hidden"),
		      "the source pane shows an answer line: %s", p.line[i].text);
	}
	(void)ask;
	dv_vpanel_finish(&p);
	dv_session_close(s);
	(void)hidden;
}

/* ---- the key table ---------------------------------------------------------------------------------- */

static void test_keymap(void)
{
	for (unsigned a = DV_ACT_NONE + 1; a < DV_ACT_COUNT; a++)
		CHECK(dv_keymap_row((enum dv_action)a) != NULL, "action %u has no row", a);
	for (unsigned front = DV_FRONT_TUI; front <= DV_FRONT_SDL; front <<= 1) {
		char help[8192];
		dv_keymap_help(front, help, sizeof help);
		for (size_t i = 0; i < dv_keymap_n; i++) {
			const struct dv_keybind *b = &dv_keymap[i];
			if (!(b->fronts & front))
				continue;
			CHECK(strstr(help, b->help) != NULL, "the help of front %u lacks %s", front,
			      b->name);
			/* Each key of the row leads back to this row's action in this front end. */
			char keys[128];
			snprintf(keys, sizeof keys, "%s", b->keys);
			for (char *k = strtok(keys, " "); k; k = strtok(NULL, " "))
				CHECK(dv_keymap_action(front, k) == b->action,
				      "key %s of %s is taken by another action", k, b->name);
		}
	}
	/* The keys the issue names, in the terminal. */
	static const struct {
		const char *key;
		enum dv_action a;
	} tui[] = {
		{ "j", DV_ACT_NEXT },         { "k", DV_ACT_PREV },
		{ "Space", DV_ACT_NEXT },     { "b", DV_ACT_PREV },
		{ "g", DV_ACT_FIRST },        { "G", DV_ACT_LAST },
		{ ".", DV_ACT_NEXT_EVENT },   { ",", DV_ACT_PREV_EVENT },
		{ "t", DV_ACT_GRAN },         { "p", DV_ACT_PLAY },
		{ "r", DV_ACT_UNTIL },        { ":", DV_ACT_SANDBOX },
		{ "a", DV_ACT_ANSWER },       { "h", DV_ACT_HINT },
		{ "?", DV_ACT_HELP },         { "q", DV_ACT_QUIT },
		{ "Tab", DV_ACT_FOCUS },      { "s", DV_ACT_SKIP },
		{ "PgUp", DV_ACT_SCROLL_UP }, { "PgDn", DV_ACT_SCROLL_DOWN },
	};
	for (size_t i = 0; i < sizeof tui / sizeof tui[0]; i++)
		CHECK(dv_keymap_action(DV_FRONT_TUI, tui[i].key) == tui[i].a, "terminal key %s",
		      tui[i].key);
	/* The window's buttons are actions of the table. */
	static const char *const buttons[] = { "first",  "prev",   "play", "next", "last",
		                               "slower", "faster", "gran", "help" };
	for (size_t i = 0; i < sizeof buttons / sizeof buttons[0]; i++)
		CHECK(dv_keymap_button(buttons[i]) != NULL, "button %s has no action", buttons[i]);
}

/* A lesson over the size limit: refused with the file named. */
static void test_too_large(void)
{
	char path[] = "/tmp/dmaviz-big-XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0, "mkstemp");
	if (fd < 0)
		return;
	FILE *f = fdopen(fd, "w");
	for (size_t i = 0; i < DV_LESSON_MAX_BYTES / 16 + 2; i++)
		fputs("# comment line.\n", f);
	fclose(f);
	char err[1024];
	struct dv_session *s = dv_session_open(path, NULL, err, sizeof err);
	CHECK(!s && strstr(err, path) && strstr(err, "larger than"), "a lesson over 1 MiB: '%s'",
	      err);
	dv_session_close(s);
	remove(path);
}

/* A lesson whose checks fail: the session counts them, and tells each once the cursor is past
 * its statement (the status, the view's '!' lines), the first failure as the commands print
 * it, and the count at the end. */
static void test_failed_checks(void)
{
	char path[] = "/tmp/dmaviz-fail-XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0, "mkstemp");
	if (fd < 0)
		return;
	FILE *f = fdopen(fd, "w");
	fputs("lesson f\ndriver none\nstep \"one\"\n  out 0x0B 0x49\n  expect dma.ch1.mode == "
	      "0x45\nstep \"two\"\n  out 0x0B 0x49\n  expect dma.ch1.mode == 0x49\n"
	      "  expect dma.ch1.mode == 0x05\n",
	      f);
	fclose(f);
	char err[1024];
	struct dv_session *s = dv_session_open(path, NULL, err, sizeof err);
	CHECK(s != NULL, "open: %s", err);
	if (!s) {
		remove(path);
		return;
	}
	CHECK(dv_session_failed(s) == 2, "two checks failed, not %zu", dv_session_failed(s));
	const char *first = dv_session_first_failure(s);
	CHECK(first && !strncmp(first, path, strlen(path)) && strstr(first, ":5: expect failed"),
	      "the first failure as printed: '%s'", first ? first : "(none)");
	CHECK(s->nfails == 2 && s->fails[0].line == 5 && s->fails[1].line == 9 &&
	              s->fails[1].step == 1 && !strncmp(s->fails[0].text, "expect failed", 13),
	      "the failed lines");
	/* Step one's end is past line 5: told; line 9 is not reached yet. */
	CHECK(s->view.nfails == 1 &&
	              strstr(s->msg, "! line 5: expect failed: dma.ch1.mode == 0x45"),
	      "at step one's end: %zu shown, '%s'", s->view.nfails, s->msg);
	s->msg[0] = '\0';
	dv_session_move(s, DV_VCMD_NEXT);
	CHECK(s->view.nfails == 2 && strstr(s->msg, "! line 9: "), "at the end: %zu, '%s'",
	      s->view.nfails, s->msg);
	dv_session_move(s, DV_VCMD_NEXT);
	CHECK(strstr(s->msg, "2 checks failed (the first at line 5"), "past the end: '%s'", s->msg);
	dv_session_move(s, DV_VCMD_FIRST);
	CHECK(s->view.nfails == 1, "back at step one: %zu", s->view.nfails);
	dv_session_close(s);
	remove(path);
}

/* ---- recordings -------------------------------------------------------------------------------- */

static char *source_of(void *ctx, const char *file, size_t *len)
{
	const struct dv_session *s = ctx;
	return dv_view_read_source(file, s->view.source_root, len);
}

static bool put_file(void *ctx, const void *p, size_t n)
{
	return fwrite(p, 1, n, ctx) == n;
}

/* The lesson's session written as a recording to path. */
static bool write_recording(struct dv_session *s, const char *lesson, const char *path)
{
	size_t len = 0;
	char *text = dv_file_read(lesson, DV_LESSON_MAX_BYTES, &len);
	struct dv_rec_meta m = { .version = "test",
		                 .lesson_text = text,
		                 .lesson_len = len,
		                 .read_source = source_of,
		                 .ctx = s };
	FILE *f = fopen(path, "wb");
	bool ok = text && f && dv_rec_write(s->run, &m, put_file, f);
	ok = f && fclose(f) == 0 && ok;
	free(text);
	return ok;
}

/* A recording opens as the same session: the same beats, stops and failed checks, and every
 * panel the same at every stop of the walk. */
static void check_recording(const char *lesson, const char *name)
{
	char path[] = "/tmp/dmaviz-test-XXXXXX";
	int fd = mkstemp(path);
	if (fd >= 0)
		close(fd);
	struct dv_session *a = open_lesson_opt(lesson, true), *b = NULL;
	if (a && fd >= 0 && write_recording(a, lesson, path))
		b = open_lesson_opt(path, true);
	CHECK(b != NULL, "%s: the recording does not open", name);
	if (b) {
		CHECK(b->rec && a->nbeats == b->nbeats && a->nstops == b->nstops &&
		              a->nfails == b->nfails && a->failed == b->failed,
		      "%s: the recording's session differs (beats, stops or failed checks)", name);
		for (size_t i = 0; i < a->nstops && i < b->nstops; i++)
			CHECK(a->stops[i].pos == b->stops[i].pos &&
			              a->stops[i].nb == b->stops[i].nb,
			      "%s: stop %zu differs", name, i);
		struct text ta = { 0 }, tb = { 0 };
		size_t stop = 0;
		do {
			panels_text(a, &ta, true);
			panels_text(b, &tb, true);
			CHECK(ta.n == tb.n && !memcmp(ta.s, tb.s, ta.n),
			      "%s: the panels differ at stop %zu:\n%s\n----\n%s", name, stop, ta.s,
			      tb.s);
			stop++;
		} while (dv_session_move(a, DV_VCMD_NEXT) == DV_MOVE_OK &&
		         dv_session_move(b, DV_VCMD_NEXT) == DV_MOVE_OK && ta.n == tb.n);
		CHECK(!dv_session_command(b, "out 0x0A 0x05") && strstr(b->msg, "recording"),
		      "%s: the sandbox ran a line on a recording", name);
		free(ta.s);
		free(tb.s);
	}
	dv_session_close(a);
	dv_session_close(b);
	remove(path);
}

/* A run of many frames each way: moving anywhere in it and drawing every panel reads a
 * bounded part of the trace (the views walk back over calls, rules, marks and port accesses
 * through the trace's kind index, not over every bus cycle), so such a run steps as fast as
 * the send lesson. A walk back to the start would decode every block. */
static void test_long_run(void)
{
	static const char text[] =
	        "lesson long-run\ntitle \"Frames each way\"\n"
	        "machine channel=1 width=8 irq=5 nic=0x300 memory=16M budget=100000000\n"
	        "driver reference\n\n"
	        "step \"Initialize\" id=init\n  driver init\n"
	        "  say The reference miniport starts.\n  expect ndis.status == NDIS_STATUS_SUCCESS\n\n"
	        "step \"Out\" id=out\n  driver send 1514 count=80\n"
	        "  run until tx.completed == 80 max 2000000\n"
	        "  say The protocol sent 80 frames of 1514 bytes.\n  expect tx.completed == 80\n\n"
	        "step \"In\" id=in\n  peer send 1514 count=80\n"
	        "  run until rx.frames == 80 max 2000000\n"
	        "  say The peer sent 80 frames.\n  expect rx.frames == 80\n";
	char path[] = "/tmp/dmaviz-long-XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0, "mkstemp");
	if (fd < 0)
		return;
	FILE *f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	char err[1024];
	struct dv_session *s = dv_session_open(path, NULL, err, sizeof err);
	CHECK(s, "the long run: %s", err);
	if (!s) {
		remove(path);
		return;
	}
	const struct dv_trace *t = dv_sim_trace(s->view.sim);
	size_t blocks = dv_trace_len(t) / DV_TRACE_BLOCK;
	/* long enough that a walk back to the start would read more than twice the bound below */
	CHECK(blocks > 2 * 192, "the run is long (%zu blocks)", blocks);
	struct text x = { 0 };
	static const enum dv_vcmd moves[] = { DV_VCMD_LAST, DV_VCMD_PREV, DV_VCMD_PREV_EVENT,
		                              DV_VCMD_PREV, DV_VCMD_NEXT, DV_VCMD_LAST };
	uint64_t worst = 0;
	for (size_t k = 0; k < sizeof moves / sizeof moves[0]; k++) {
		uint64_t d0 = dv_trace_decodes(t);
		dv_session_move(s, moves[k]);
		panels_text(s, &x, true);
		uint64_t d = dv_trace_decodes(t) - d0;
		worst = d > worst ? d : worst;
	}
	/* The memory panel marks the bytes of the step's last 262,144 events (64 blocks); the
	 * address map reads the last frame's transfers (about 61 at the end); a walk back to
	 * the start would read them all. */
	CHECK(worst <= 192, "a move and a draw decoded %llu of %zu blocks",
	      (unsigned long long)worst, blocks);
	free(x.s);
	dv_session_close(s);
	remove(path);
}

static void test_recordings(void)
{
	size_t n = 0;
	char **v = dv_lessons_list(lessons_dir, &n);
	for (size_t i = 0; i < n; i++)
		check_recording(v[i], strrchr(v[i], '/') ? strrchr(v[i], '/') + 1 : v[i]);
	dv_lessons_list_free(v, n);
	/* A broken recording: a message with the file and the offset. */
	char path[] = "/tmp/dmaviz-test-XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0 && write(fd, DV_REC_MAGIC "\x01\x00\x00\x00META", 16) == 16,
	      "cannot write %s", path);
	if (fd >= 0)
		close(fd);
	char err[600];
	struct dv_session *s = dv_session_open(path, NULL, err, sizeof err);
	CHECK(!s && strstr(err, path) && strstr(err, "offset 12"), "a cut recording opens: %s",
	      err);
	dv_session_close(s);
	remove(path);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: test-session LESSONS-DIR\n");
		return 2;
	}
	lessons_dir = argv[1];
	static const struct checkf_case tests[] = {
		{ "lessons: beats, spoilers, gates, consistency", test_lessons },
		{ "one event at a time", test_events },
		{ "answers: attempts, formats, hints, reveal", test_answers },
		{ "progress: skip, finish", test_progress },
		{ "a skipped question is answered at its moment", test_skip_then_answer },
		{ "the demo hands over", test_take_over },
		{ "source pane hides answers", test_source_hidden },
		{ "key table", test_keymap },
		{ "size limit", test_too_large },
		{ "failed checks", test_failed_checks },
		{ "recordings open as their lessons", test_recordings },
		{ "a long run reads a bounded part of its trace", test_long_run },
	};
	return CHECKF_RUN(tests);
}

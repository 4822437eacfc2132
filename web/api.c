/* dmaviz web build: the C API of api.h over the application layer (session, keymap, view,
 * lecture, scene, themes, progress). Nothing here decides what a panel says or what a key
 * does: it asks ui/app and ui/view, and writes their answers as JSON for the page. */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "classic.h"
#include "export.h"
#include "files.h"
#include "keymap.h"
#include "lecture.h"
#include "play.h"
#include "present.h"
#include "progress.h"
#include "quiz.h"
#include "scene.h"
#include "session.h"
#include "theme.h"

#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#define DVW_EXPORT EMSCRIPTEN_KEEPALIVE
#else
#define DVW_EXPORT
#endif

/* No answer the page asks for is larger: a panel is bounded by its rows, an SVG by the
 * scene's DV_SCENE_MAX_* items. */
#define OUT_MAX (16u << 20)

struct out {
	char *p;
	size_t n, cap;
	bool full;
};

static struct {
	struct dv_session *s;
	struct dv_progress prog;
	bool prog_loaded;
	const char *prog_path; /* NULL: DVW_PROGRESS_FILE */
	char err[2000];
	struct dv_quiz quiz;
	bool quiz_open;
	char ret[32]; /* what the last open, key, answer or command returned (dvw_ret) */
	struct out out;
	/* Playing (p), as the terminal plays: its rates, step after step (play.h). */
	struct dv_play play;
	unsigned speed;
	bool until; /* r was pressed: the next key says until what */
} g = { .speed = DV_PLAY_TERM_DEFAULT };

/* Keeps a result for dvw_ret: a call that ran the lesson's driver fiber (Asyncify) returns
 * to JavaScript before it is done, so its return value is lost; what it kept is not. */
static const char *keep(const char *r)
{
	snprintf(g.ret, sizeof g.ret, "%s", r);
	return r;
}

DVW_EXPORT const char *dvw_ret(void)
{
	return g.ret;
}

static void put(void *ctx, const char *buf, size_t len)
{
	struct out *o = ctx;
	if (o->full || len > OUT_MAX - o->n - 1) {
		o->full = true;
		return;
	}
	if (o->n + len + 1 > o->cap) {
		size_t cap = o->cap ? o->cap : 4096;
		while (cap < o->n + len + 1)
			cap *= 2;
		char *p = realloc(o->p, cap);
		if (!p) {
			o->full = true;
			return;
		}
		o->p = p;
		o->cap = cap;
	}
	memcpy(o->p + o->n, buf, len);
	o->n += len;
	o->p[o->n] = '\0';
}

static void puts_(const char *s)
{
	put(&g.out, s, strlen(s));
}

static void putf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void putf(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n > 0)
		put(&g.out, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

static void jstr(const char *s)
{
	dv_json_string(put, &g.out, s ? s : "");
}

/* A key and a string value, with a comma before it unless first. */
static void kv(bool first, const char *key, const char *val)
{
	putf("%s\"%s\":", first ? "" : ",", key);
	jstr(val);
}

static const char *begin(void)
{
	g.out.n = 0;
	g.out.full = false;
	put(&g.out, "", 0);
	return g.out.p ? g.out.p : "";
}

static const char *finish(void)
{
	if (g.out.full) {
		begin();
		puts_("{\"error\":\"the answer is too large for the page\"}");
	}
	return g.out.p ? g.out.p : "";
}

static struct dv_progress *progress(void)
{
	if (!g.prog_loaded) {
		dv_progress_load(&g.prog, g.prog_path ? g.prog_path : DVW_PROGRESS_FILE);
		g.prog_loaded = true;
	}
	return &g.prog;
}

DVW_EXPORT void dvw_progress_reload(void)
{
	if (g.s)
		dv_session_set_progress(g.s, NULL);
	if (g.prog_loaded)
		dv_progress_finish(&g.prog);
	memset(&g.prog, 0, sizeof g.prog);
	g.prog_loaded = false;
	if (g.s)
		dv_session_set_progress(g.s, progress());
}

DVW_EXPORT void dvw_progress_file(const char *path)
{
	free((char *)g.prog_path);
	g.prog_path = path ? strdup(path) : NULL;
	dvw_progress_reload();
}

/* ---- the course menu ----------------------------------------------------------------- */

static void lesson_entry(const char *path, const struct dv_lesson *L, bool first)
{
	const struct dv_progress_entry *e = dv_progress_get(progress(), L->id);
	unsigned answered = 0;
	for (unsigned a = 0; a < L->nasks; a++)
		answered += L->asks[a]->id && e && dv_progress_answered(e, L->asks[a]->id);
	puts_(first ? "{" : ",{");
	kv(true, "id", L->id);
	kv(false, "title", L->title);
	kv(false, "summary", L->summary);
	kv(false, "path", path);
	putf(",\"level\":%u,\"steps\":%u,\"asks\":%u", L->level,
	     L->nsteps ? L->steps[L->nsteps - 1].number : 0, L->nasks);
	putf(",\"reached\":%u,\"finished\":%s,\"answered\":%u}", e ? e->step : 0,
	     e && e->finished ? "true" : "false", answered);
}

DVW_EXPORT const char *dvw_lessons(void)
{
	begin();
	size_t n = 0;
	char **names = dv_lessons_list(dv_lessons_dir(), &n);
	puts_("[");
	bool first = true;
	for (size_t i = 0; names && i < n; i++) {
		struct dv_msgs msgs;
		dv_msgs_init(&msgs);
		struct dv_lesson *L = dv_lesson_load(names[i], &msgs);
		dv_msgs_finish(&msgs);
		if (L && L->id) {
			lesson_entry(names[i], L, first);
			first = false;
		}
		dv_lesson_free(L);
	}
	dv_lessons_list_free(names, n);
	puts_("]");
	return finish();
}

/* ---- a lesson ------------------------------------------------------------------------ */

DVW_EXPORT int dvw_open(const char *path)
{
	if (g.s)
		dv_session_close(g.s);
	g.err[0] = '\0';
	g.s = dv_session_open(path, NULL, g.err, sizeof g.err);
	if (!g.s)
		return keep("2"), 2;
	dv_session_set_progress(g.s, progress());
	dv_play_set(&g.play, false);
	g.play.rate = dv_play_term_rates[g.speed];
	g.until = false;
	return keep("0"), 0;
}

DVW_EXPORT const char *dvw_error(void)
{
	return g.err;
}

/* A move as the terminal UI makes it; a move that goes nowhere says so in the status. */
static void move(enum dv_vcmd cmd)
{
	if (dv_session_move(g.s, cmd) == DV_MOVE_END && !g.s->msg[0])
		snprintf(g.s->msg, sizeof g.s->msg, "%s",
		         cmd == DV_VCMD_PREV || cmd == DV_VCMD_PREV_EVENT ?
		                 "at the start" :
		                 "at the end of the lesson");
}

static const enum dv_vcmd move_of[DV_ACT_COUNT] = {
	[DV_ACT_NEXT] = DV_VCMD_NEXT,
	[DV_ACT_PREV] = DV_VCMD_PREV,
	[DV_ACT_NEXT_EVENT] = DV_VCMD_NEXT_EVENT,
	[DV_ACT_PREV_EVENT] = DV_VCMD_PREV_EVENT,
	[DV_ACT_FIRST] = DV_VCMD_FIRST,
	[DV_ACT_LAST] = DV_VCMD_LAST,
	[DV_ACT_GRAN] = DV_VCMD_GRAN,
};

/* p, + and -: as the terminal UI (the page's clock then calls dvw_play). */
static void play_key(enum dv_action a)
{
	if (a == DV_ACT_PLAY) {
		if (g.play.on)
			dv_play_set(&g.play, false);
		else if (!dv_play_start(&g.play, g.s))
			snprintf(g.s->msg, sizeof g.s->msg,
			         "A question first: a to answer, h for a hint, s to skip.");
		return;
	}
	if (a == DV_ACT_SLOWER ? g.speed > 0 : g.speed + 1 < dv_play_term_nrates)
		g.speed = a == DV_ACT_SLOWER ? g.speed - 1 : g.speed + 1;
	dv_play_rate(&g.play, dv_play_term_rates[g.speed]); /* what is left of the step, again */
	snprintf(g.s->msg, sizeof g.s->msg, "speed: %u moves/s", dv_play_term_rates[g.speed]);
}

/* Runs what the session does for an action; the page does the rest (help, answer line,
 * sandbox prompt, explanation, output table, scrolling, menu). */
static void act(enum dv_action a)
{
	switch (a) {
	case DV_ACT_NEXT:
	case DV_ACT_PREV:
	case DV_ACT_NEXT_EVENT:
	case DV_ACT_PREV_EVENT:
	case DV_ACT_FIRST:
	case DV_ACT_LAST:
	case DV_ACT_GRAN: move(move_of[a]); break;
	case DV_ACT_HINT: dv_session_hint(g.s); break;
	case DV_ACT_SKIP: dv_session_skip(g.s); break;
	case DV_ACT_ANSWER: dv_session_answerable(g.s); break;
	case DV_ACT_PLAY:
	case DV_ACT_FASTER:
	case DV_ACT_SLOWER: play_key(a); break;
	case DV_ACT_UNTIL:
		g.until = true;
		snprintf(g.s->msg, sizeof g.s->msg, "%s", DV_SESSION_UNTIL_PROMPT);
		break;
	default: break;
	}
}

DVW_EXPORT const char *dvw_key(const char *key)
{
	if (g.s && g.until) { /* r's second key: t, i, c or v (Esc and the rest cancel) */
		g.until = false;
		dv_session_run_until(g.s, key && key[0] && !key[1] ? key[0] : 0);
		return keep("run-until");
	}
	enum dv_action a = dv_keymap_action(DV_FRONT_TUI, key ? key : "");
	const struct dv_keybind *row = dv_keymap_row(a);
	if (!row)
		return keep("");
	keep(row->name);
	if (g.s)
		act(a);
	return row->name;
}

static void play_json(void);

DVW_EXPORT const char *dvw_play(int ms)
{
	size_t made = 0;
	enum dv_move r = DV_MOVE_OK;
	if (g.s && g.play.on)
		r = dv_play_run(&g.play, g.s, ms > 0 ? (unsigned)ms : 0, &made);
	if (r != DV_MOVE_OK)
		snprintf(g.s->msg, sizeof g.s->msg, "%s", dv_play_stopped(r));
	keep(r == DV_MOVE_GATE ? "gate" : r == DV_MOVE_END ? "end" : "ok");
	begin();
	putf("{\"moves\":%zu,\"result\":\"%s\"", made, g.ret);
	play_json();
	puts_("}");
	return finish();
}

DVW_EXPORT const char *dvw_answer(const char *text)
{
	keep("none");
	if (!g.s)
		return "none";
	switch (dv_session_answer(g.s, text ? text : "")) {
	case DV_VERDICT_RIGHT: return keep("right");
	case DV_VERDICT_WRONG: return keep("wrong");
	case DV_VERDICT_REVEALED: return keep("revealed");
	default: return "none";
	}
}

DVW_EXPORT int dvw_command(const char *line)
{
	keep("0");
	bool ok = g.s && dv_session_command(g.s, line ? line : "");
	keep(ok ? "1" : "0");
	return ok;
}

/* ---- the moment as JSON -------------------------------------------------------------- */

/* One line as [[role, text], ...]: runs of equal role. */
static void line_json(const struct dv_vline *l)
{
	puts_("[");
	for (size_t i = 0; i < l->len;) {
		size_t j = i;
		while (j < l->len && l->roles[j] == l->roles[i])
			j++;
		char *run = strndup(l->text + i, j - i);
		putf("%s[%u,", i ? "," : "", (unsigned)l->roles[i]);
		jstr(run);
		puts_("]");
		free(run);
		i = j;
	}
	puts_("]");
}

/* A panel as {"title", "lines"}. */
static void panel_body(const struct dv_vpanel *p)
{
	puts_("{\"title\":");
	jstr(p->title);
	puts_(",\"lines\":[");
	for (size_t i = 0; i < p->n; i++) {
		puts_(i ? "," : "");
		line_json(&p->line[i]);
	}
	puts_("]}");
}

static void panel_json(const char *key, const struct dv_vpanel *p)
{
	putf(",\"%s\":", key);
	panel_body(p);
}

/* Builds a panel with fill and writes it under key. */
#define PANEL(key, fill)                                                                           \
	do {                                                                                       \
		struct dv_vpanel p_;                                                               \
		dv_vpanel_init(&p_);                                                               \
		fill;                                                                              \
		panel_json(key, &p_);                                                              \
		dv_vpanel_finish(&p_);                                                             \
	} while (0)

static void panels_json(void)
{
	struct dv_view *v = &g.s->view;
	int a = dv_session_ask(g.s);
	PANEL("narration", dv_view_narration(v, &p_, DVW_LEFT_COLS));
	if (a >= 0)
		PANEL("question", dv_session_question(g.s, a, &p_, DVW_LEFT_COLS));
	PANEL("source", dv_view_source(v, &p_, DVW_SOURCE_ROWS));
	PANEL("dma", dv_view_dma(v, &p_));
	PANEL("nic", dv_view_nic(v, &p_));
	PANEL("ndis", dv_view_ndis(v, &p_, DVW_RIGHT_COLS));
	PANEL("memory", dv_view_memory(v, &p_, DVW_MEMORY_ROWS, DVW_RIGHT_COLS));
	PANEL("map", dv_lecture_panel(v, &p_, DVW_RIGHT_COLS));
	PANEL("log", dv_view_log(v, &p_, DVW_LOG_ROWS));
	struct dv_lect_ribbon r;
	struct dv_vline l = { 0 };
	dv_lecture_ribbon(v, &r);
	dv_lecture_ribbon_line(&r, DVW_LEFT_COLS + 1 + DVW_RIGHT_COLS, &l);
	puts_(",\"ribbon\":");
	line_json(&l);
	free(l.text);
	free(l.roles);
}

static void status_json(void)
{
	const struct dv_view *v = &g.s->view;
	const struct dv_lesson *L = v->lesson;
	unsigned total, answered, skipped;
	dv_session_score(g.s, &total, &answered, &skipped);
	kv(true, "title", L->title ? L->title : L->file);
	kv(false, "id", L->id);
	putf(",\"step\":%u,\"steps\":%u,\"cycle\":%u", dv_view_step_number(v, v->step),
	     L->nsteps ? L->steps[L->nsteps - 1].number : 0, (unsigned)v->now.st.cycle);
	kv(false, "gran", dv_view_gran_name(v->gran));
	int a = dv_session_ask(g.s);
	putf(",\"ask\":%d,\"gated\":%s,\"open\":%s", a, dv_session_gated(g.s) ? "true" : "false",
	     a >= 0 && !dv_qstate_decided(&g.s->q[a]) ? "true" : "false");
	putf(",\"end\":%s,\"finished\":%s", dv_session_at_end(g.s) ? "true" : "false",
	     dv_session_finished(g.s) ? "true" : "false");
	putf(",\"total\":%u,\"answered\":%u,\"skipped\":%u", total, answered, skipped);
	putf(",\"rule\":%s,\"recording\":%s", dv_view_last_rule(v) >= 0 ? "true" : "false",
	     g.s->rec ? "true" : "false");
	char fail[400];
	kv(false, "failed", dv_session_failure_summary(g.s, fail, sizeof fail) ? fail : "");
	kv(false, "msg", g.s->msg);
	g.s->msg[0] = '\0';
	play_json();
	putf(",\"until\":%s", g.until ? "true" : "false");
}

/* Playing: on or not, the base rate, the milliseconds until the next move is owed (-1: off),
 * the fast-forward cue, the step played and its plan (moves planned, made). */
static void play_json(void)
{
	char cue[32];
	dv_play_cue(&g.play, false, cue, sizeof cue);
	putf(",\"playing\":%s,\"rate\":%u,\"wait\":%d", g.play.on ? "true" : "false", g.play.rate,
	     dv_play_wait(&g.play));
	kv(false, "cue", cue);
	putf(",\"planned\":%zu,\"done\":%zu,\"pstep\":%d", g.play.moves, g.play.done,
	     g.play.on && g.play.step != UINT_MAX ? (int)g.play.step : -1);
}

DVW_EXPORT const char *dvw_state(void)
{
	begin();
	if (!g.s) {
		puts_("{\"error\":\"no lesson is open\"}");
		return finish();
	}
	puts_("{");
	status_json();
	panels_json();
	puts_("}");
	return finish();
}

/* ---- the quiz (dmaviz quiz): a seeded problem, its questions checked one at a time ---- */

DVW_EXPORT const char *dvw_quiz(const char *seed)
{
	begin();
	char *end = NULL;
	unsigned long long n = seed ? strtoull(seed, &end, 0) : 0;
	if (!seed || !*seed || *end || *seed == '-') {
		puts_("{\"error\":\"a seed is a number, decimal or 0x hex\"}");
		return finish();
	}
	g.quiz_open = dv_quiz_generate((uint64_t)n, &g.quiz);
	if (!g.quiz_open) {
		puts_("{\"error\":\"the simulator could not run this seed\"}");
		return finish();
	}
	size_t len = dv_quiz_format(&g.quiz, false, NULL, 0);
	char *text = malloc(len + 1);
	if (text)
		dv_quiz_format(&g.quiz, false, text, len + 1);
	putf("{\"seed\":\"%llu\",\"text\":", n);
	jstr(text);
	free(text);
	puts_(",\"ids\":[");
	for (unsigned i = 0; i < DV_QUIZ_NQUESTIONS; i++) {
		puts_(i ? "," : "");
		jstr(dv_quiz_id(i));
	}
	puts_("]}");
	return finish();
}

DVW_EXPORT const char *dvw_quiz_check(const char *id, const char *value)
{
	begin();
	int q = id ? dv_quiz_find(id) : -1;
	if (!g.quiz_open || q < 0 || !value || !*value) {
		puts_("{\"error\":\"no such question, or no answer\"}");
		return finish();
	}
	char right[64];
	dv_quiz_answer(&g.quiz, (unsigned)q, right, sizeof right);
	putf("{\"right\":%s,\"answer\":",
	     dv_quiz_check(&g.quiz, (unsigned)q, value) ? "true" : "false");
	jstr(right);
	puts_("}");
	return finish();
}

/* ---- pictures, colours, help ----------------------------------------------------------- */

static void load_theme(struct dv_theme *th, const char *name)
{
	char err[300];
	if (!name || !*name || strchr(name, '/') || !dv_theme_load(th, name, err, sizeof err))
		*th = *dv_theme_builtin();
}

static void compose(struct dv_scene *sc, bool classic)
{
	if (classic) {
		struct dv_classic c;
		struct dv_play play;
		memset(&play, 0, sizeof play);
		struct dv_ui_state ui = { .ask = dv_session_ask(g.s),
			                  .status = "",
			                  .play = &play,
			                  .rate = DV_UI_DEFAULT_RATE };
		dv_classic_font_px(sc->h, 0, &ui.px_small, &ui.px_big);
		dv_classic_init(&c, g.s);
		dv_classic_compose(&c, &ui, sc);
		dv_classic_finish(&c);
		return;
	}
	struct dv_present p;
	dv_present_init(&p, g.s);
	p.ask = dv_session_ask(g.s);
	dv_present_compose(&p, sc);
	dv_present_finish(&p);
}

static int clamp(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

DVW_EXPORT const char *dvw_svg(const char *layout, int w, int h, const char *theme)
{
	begin();
	if (!g.s)
		return finish();
	struct dv_theme th;
	load_theme(&th, theme);
	struct dv_scene sc;
	dv_scene_init(&sc, dv_scene_mono, NULL);
	dv_scene_reset(&sc, clamp(w, 320, 4096), clamp(h, 200, 4096));
	compose(&sc, layout && !strcmp(layout, "classic"));
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (f) {
		bool ok = dv_scene_svg(&sc, &th, f);
		if (fclose(f) == 0 && ok)
			put(&g.out, buf, len);
	}
	free(buf);
	dv_scene_finish(&sc);
	return finish();
}

DVW_EXPORT const char *dvw_theme_css(const char *theme)
{
	static const char *const names[] = {
#define DV_THEME_X(n) #n,
		DV_THEME_WINDOW_COLORS(DV_THEME_X)
#undef DV_THEME_X
	};
	struct dv_theme th;
	load_theme(&th, theme);
	begin();
	puts_(":root{");
	for (int i = 0; i < DV_WC_COUNT; i++)
		putf("--%s:#%02x%02x%02x;", names[i], th.win[i].r, th.win[i].g, th.win[i].b);
	puts_("}");
	return finish();
}

DVW_EXPORT const char *dvw_help(void)
{
	begin();
	char buf[8192];
	size_t n = dv_keymap_help(DV_FRONT_TUI, buf, sizeof buf);
	put(&g.out, buf, n < sizeof buf ? n : sizeof buf - 1);
	return finish();
}

DVW_EXPORT const char *dvw_output(void)
{
	begin();
	if (!g.s) {
		puts_("{\"error\":\"no lesson is open\"}");
		return finish();
	}
	struct dv_vpanel p;
	dv_vpanel_init(&p);
	size_t back = 0;
	dv_view_output(&g.s->view, &p, DVW_OUTPUT_ROWS, &back);
	panel_body(&p);
	dv_vpanel_finish(&p);
	return finish();
}

DVW_EXPORT const char *dvw_explain(void)
{
	begin();
	if (!g.s || dv_view_last_rule(&g.s->view) < 0)
		return finish();
	struct dv_vpanel p;
	dv_vpanel_init(&p);
	dv_view_rule(&g.s->view, &p, DVW_LEFT_COLS + 1 + DVW_RIGHT_COLS);
	for (size_t i = 0; i < p.n; i++) {
		put(&g.out, p.line[i].text, p.line[i].len);
		puts_("\n");
	}
	dv_vpanel_finish(&p);
	return finish();
}

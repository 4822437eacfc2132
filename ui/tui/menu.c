/* dmaviz: the lesson menu (tui.h). The course grouped by level, each lesson marked finished,
 * started or new from the learner's progress, with its questions answered so far. */
#define _XOPEN_SOURCE_EXTENDED 1
#define _DEFAULT_SOURCE 1
#include "tui.h"

#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lesson.h"
#include "files.h"
#include "progress.h"
#include "view.h"

struct item {
	char *path;
	struct dv_lesson *lesson;
};

struct dv_menu {
	struct dv_tui_options opt;
	struct dv_progress *progress;
	struct item *v;
	size_t n;
	size_t sel, top;
	char status[300];
};

/* Levels first, then file order: a stable sort keeps a level's lessons in course order. */
static void sort_by_level(struct item *v, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct item x = v[i];
		size_t j = i;
		while (j > 0 && v[j - 1].lesson->level > x.lesson->level) {
			v[j] = v[j - 1];
			j--;
		}
		v[j] = x;
	}
}

static bool finished(const struct dv_menu *m, const struct item *it)
{
	const struct dv_progress_entry *e = dv_progress_get(m->progress, it->lesson->id);
	return e && e->finished;
}

struct dv_menu *dv_menu_open(const char *dir, struct dv_progress *progress,
                             const struct dv_tui_options *opt)
{
	struct dv_menu *m = calloc(1, sizeof *m);
	if (!m)
		return NULL;
	m->opt = *opt;
	m->progress = progress;
	size_t nn = 0;
	char **names = dv_lessons_list(dir, &nn); /* full paths, in course order */
	if (!names) {
		snprintf(m->status, sizeof m->status, "cannot read %s: %s", dir, strerror(errno));
		return m;
	}
	m->v = calloc(nn ? nn : 1, sizeof *m->v);
	unsigned bad = 0;
	for (size_t i = 0; i < nn && m->v; i++) {
		struct item it = { 0 };
		it.path = strdup(names[i]);
		struct dv_msgs msgs;
		dv_msgs_init(&msgs);
		it.lesson = it.path ? dv_lesson_load(it.path, &msgs) : NULL;
		dv_msgs_finish(&msgs);
		if (it.lesson && it.lesson->id) {
			m->v[m->n++] = it;
		} else {
			bad++;
			dv_lesson_free(it.lesson);
			free(it.path);
		}
	}
	dv_lessons_list_free(names, nn);
	sort_by_level(m->v, m->n);
	/* The first unfinished lesson is where the learner goes on. */
	for (m->sel = 0; m->sel < m->n && finished(m, &m->v[m->sel]); m->sel++)
		;
	if (m->sel == m->n)
		m->sel = 0;
	if (progress && progress->status[0])
		snprintf(m->status, sizeof m->status, "%s", progress->status);
	else if (bad)
		snprintf(m->status, sizeof m->status,
		         "%u lesson file(s) do not parse: see `dmaviz check %s`", bad, dir);
	else if (m->n == 0)
		snprintf(m->status, sizeof m->status, "no lessons in %s", dir);
	return m;
}

void dv_menu_close(struct dv_menu *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++) {
		dv_lesson_free(m->v[i].lesson);
		free(m->v[i].path);
	}
	free(m->v);
	free(m);
}

const char *dv_menu_selected(const struct dv_menu *m)
{
	return m->sel < m->n ? m->v[m->sel].path : NULL;
}

void dv_menu_status(struct dv_menu *m, const char *msg)
{
	snprintf(m->status, sizeof m->status, "%s", msg);
}

/* A row is a level heading (lesson == SIZE_MAX, level set) or a lesson. */
struct row {
	size_t lesson;
	unsigned level;
};

static size_t build_rows(const struct dv_menu *m, struct row *rows)
{
	size_t n = 0;
	for (size_t i = 0; i < m->n; i++) {
		if (i == 0 || m->v[i].lesson->level != m->v[i - 1].lesson->level)
			rows[n++] = (struct row){ SIZE_MAX, m->v[i].lesson->level };
		rows[n++] = (struct row){ i, 0 };
	}
	return n;
}

static void draw_lesson(const struct dv_menu *m, int y, size_t i)
{
	const struct dv_lesson *L = m->v[i].lesson;
	const struct dv_progress_entry *e = dv_progress_get(m->progress, L->id);
	unsigned answered = 0;
	for (unsigned a = 0; a < L->nasks; a++)
		answered += L->asks[a]->id && e && dv_progress_answered(e, L->asks[a]->id);
	const char *mark = e && e->finished               ? "[x]" :
	                   e && (e->step || e->nanswered) ? "[~]" :
	                                                    "[ ]";
	unsigned last = L->nsteps ? L->steps[L->nsteps - 1].number : 0;
	char right[64], left[96];
	if (L->nasks)
		snprintf(right, sizeof right, "step %u/%u  questions %u/%u", e ? e->step : 0, last,
		         answered, L->nasks);
	else
		snprintf(right, sizeof right, "step %u/%u", e ? e->step : 0, last);
	snprintf(left, sizeof left, "%s %s %-10s ", i == m->sel ? ">" : " ", mark, L->id);
	int rw = (int)strlen(right), lw = (int)strlen(left);
	int tw = COLS - 2 - lw - rw - 2;
	attrset(i == m->sel ? A_REVERSE | A_BOLD : A_NORMAL);
	mvhline(y, 1, ' ', COLS - 2);
	mvaddnstr(y, 1, left, COLS - 2);
	if (tw > 0) {
		const char *title = L->title ? L->title : "";
		size_t nb = dv_vtext_bytes_for(title, strlen(title), (size_t)tw);
		mvaddnstr(y, 1 + lw, title, (int)nb);
	}
	if (COLS - 2 - rw > lw)
		mvaddnstr(y, COLS - 1 - rw, right, rw);
	attrset(A_NORMAL);
}

void dv_menu_draw(struct dv_menu *m)
{
	erase();
	size_t nf = 0;
	for (size_t i = 0; i < m->n; i++)
		nf += finished(m, &m->v[i]);
	char bar[128];
	attrset(A_REVERSE);
	mvhline(0, 0, ' ', COLS);
	mvaddnstr(0, 0, " dmaviz: system DMA under NDIS, the course", COLS);
	snprintf(bar, sizeof bar, "%zu of %zu finished ", nf, m->n);
	if (COLS > (int)strlen(bar) + 44)
		mvaddnstr(0, COLS - (int)strlen(bar), bar, (int)strlen(bar));
	attrset(A_NORMAL);

	struct row *rows = calloc(2 * m->n + 1, sizeof *rows);
	size_t nr = rows ? build_rows(m, rows) : 0, selrow = 0;
	for (size_t r = 0; r < nr; r++)
		if (rows[r].lesson == m->sel)
			selrow = r;
	int h = LINES - 4; /* title bar, a blank line; status and keys at the bottom */
	if (h < 1)
		h = 1;
	/* Scroll so the selection shows; keep its level heading in view when it fits. */
	if (selrow < m->top + 1)
		m->top = selrow > 0 ? selrow - 1 : 0;
	if (selrow >= m->top + (size_t)h)
		m->top = selrow + 1 - (size_t)h;
	for (int y = 0; y < h && m->top + (size_t)y < nr; y++) {
		const struct row *r = &rows[m->top + (size_t)y];
		if (r->lesson == SIZE_MAX) {
			attrset(A_BOLD);
			mvprintw(2 + y, 1, "Level %u%s", r->level,
			         r->level == 1 ? ": the basics" :
			         r->level == 2 ? ": the HAL's corner cases" :
			         r->level == 3 ? ": deeper" :
			                         "");
			attrset(A_NORMAL);
		} else {
			draw_lesson(m, 2 + y, r->lesson);
		}
	}
	free(rows);
	if (m->status[0]) {
		attrset(A_BOLD);
		mvaddnstr(LINES - 2, 1, m->status, COLS - 2);
	} else {
		attrset(A_DIM);
		mvaddnstr(LINES - 2, 1, "[x] finished  [~] started  [ ] not yet", COLS - 2);
	}
	attrset(A_DIM);
	mvaddnstr(LINES - 1, 0, " j/k or arrows move  Enter open  g/G first/last  q quit", COLS);
	attrset(A_NORMAL);
}

enum dv_menu_action dv_menu_key(struct dv_menu *m, int key)
{
	switch (key) {
	case 'q': return DV_MENU_QUIT;
	case '\n':
	case '\r':
	case KEY_ENTER:
	case ' ':
	case KEY_RIGHT:
	case 'l': return m->sel < m->n ? DV_MENU_OPEN : DV_MENU_STAY;
	case 'j':
	case KEY_DOWN:
		if (m->sel + 1 < m->n)
			m->sel++;
		else
			beep();
		break;
	case 'k':
	case KEY_UP:
		if (m->sel > 0)
			m->sel--;
		else
			beep();
		break;
	case 'g':
	case KEY_HOME: m->sel = 0; break;
	case 'G':
	case KEY_END: m->sel = m->n ? m->n - 1 : 0; break;
	default: break;
	}
	return DV_MENU_STAY;
}

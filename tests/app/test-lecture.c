/* dmaviz: the lecture hall's facts (ui/app/lecture.h): the call ribbon, the address map and
 * the cache, on the shipped lessons at the statements whose narration states the values
 * (beside their `expect` lines), and on small traces made by hand.
 *
 * Usage: test-lecture LESSONS-DIR [LESSON LINE]: with a lesson file and a line, prints the
 * facts at that statement (for looking, not testing).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lecture.h"
#include "session.h"
#include "../unit/check.h"

static const char *lessons_dir;

/* ---- a lesson at one of its statements ------------------------------------------------------ */

struct at {
	struct dv_session *s;
	struct dv_lect_ribbon r;
	struct dv_lect_map m;
	struct dv_lect_cache c;
};

/* Opens lessons/name and puts its view just before the statement on line (its mark in the
 * trace), changes measured from the statement before it; after: just before the next one,
 * so the statement's own events are in. */
static bool at_line(struct at *a, const char *name, uint32_t line, bool after)
{
	char path[512], err[512];
	snprintf(path, sizeof path, "%s/%s", lessons_dir, name);
	struct dv_session_options o = { 0 };
	memset(a, 0, sizeof *a);
	a->s = dv_session_open(path, &o, err, sizeof err);
	if (!a->s) {
		fprintf(stderr, "%s: %s\n", path, err);
		return false;
	}
	const struct dv_lesson *L = a->s->lesson;
	for (size_t k = 0; k < L->nstmts; k++) {
		if (L->stmts[k].line != line || a->s->stmt_at[k] == SIZE_MAX)
			continue;
		size_t pos = a->s->stmt_at[k], from = k ? a->s->stmt_at[k - 1] : 0;
		if (after) {
			from = pos;
			pos = k + 1 < L->nstmts && a->s->stmt_at[k + 1] != SIZE_MAX ?
			              a->s->stmt_at[k + 1] :
			              dv_trace_len(dv_sim_trace(a->s->view.sim));
		}
		if (from == SIZE_MAX || from > pos)
			from = pos;
		dv_view_seek(&a->s->view, pos, from);
		dv_lecture_ribbon(&a->s->view, &a->r);
		dv_lecture_map(&a->s->view, &a->m);
		dv_lecture_cache(&a->s->view, &a->c);
		return true;
	}
	fprintf(stderr, "%s: no statement ran at line %u\n", path, line);
	dv_session_close(a->s);
	a->s = NULL;
	return false;
}

static void at_done(struct at *a)
{
	if (a->s)
		dv_session_close(a->s);
	a->s = NULL;
}

static void dump(const struct at *a)
{
	const struct dv_lect_ribbon *r = &a->r;
	const struct dv_lect_map *m = &a->m;
	const struct dv_lect_cache *c = &a->c;
	printf("ribbon: %s%s\n  badge: %s (owner %s)\n  caption: %s\n", r->text,
	       r->fresh ? " [fresh]" : "", r->badge, dv_lect_owner_name(r->owner), r->caption);
	for (size_t i = 0; i < r->nwrites && i < DV_LECT_WRITES; i++)
		printf("  write 0x%02x <- 0x%02x %s (slot %u index %u)\n", r->writes[i].port,
		       r->writes[i].value, r->writes[i].what, r->writes[i].slot,
		       r->writes[i].index);
	printf("map: ch%u block 0x%x prog %d 0x%06x+%u cur 0x%06x crosses %d bnd 0x%x wrap 0x%x "
	       "wrapped %d\n",
	       m->channel, m->block, m->programmed, m->prog_phys, m->prog_len, m->cur_phys,
	       m->crosses, m->boundary, m->wrap_to, m->wrapped);
	printf("  buffer %d '%s' va 0x%08x phys 0x%06x bc %u off %u len %u sub 0x%06x w %d "
	       "above16m %d crosses %d 0x%x\n",
	       m->has_buffer, m->buffer_name, m->buf_va, m->buf_phys, m->bytecount, m->offset,
	       m->length, m->sub_phys, m->write_to_device, m->buf_above16m, m->buf_crosses,
	       m->buf_boundary);
	printf("  bounce %d 0x%06x+%u copy %d len %u\n", m->bounced, m->bounce_phys, m->bounce_len,
	       m->copy, m->copy_len);
	printf("  ring %d write %u laps %u frames %zu/%zu:", m->ring, m->ring_write, m->laps,
	       m->nframes, m->frames_total);
	for (size_t i = 0; i < m->nframes; i++)
		printf(" [%u+%u%s]", m->frame[i].start, m->frame[i].len,
		       m->frame[i].whole ? "" : "…");
	printf("\ncache: on %d range 0x%06x+%u lines %zu clean %u dirty %u stale %u flush %d now %d "
	       "stale-read %d read_now %d\n  cpu:",
	       c->on, c->first, c->len, c->nlines, c->nclean, c->ndirty, c->nstale, c->flush,
	       c->flush_now, c->stale, c->read_now);
	for (size_t k = 0; k < c->nread; k++)
		printf(" %02x", c->cpu[k]);
	printf("\n  dev:");
	for (size_t k = 0; k < c->nread; k++)
		printf(" %02x", c->dev[k]);
	printf("\n");
}

/* ---- the lessons ---------------------------------------------------------------------------- */

static const struct check_case cases[] = {
	{ "none", NULL },
};

int main(int argc, char **argv)
{
	lessons_dir = argc > 1 ? argv[1] : "lessons";
	if (argc > 4) {
		struct at a;
		if (!at_line(&a, argv[2], (uint32_t)strtoul(argv[3], NULL, 10), argv[4][0] == 'a'))
			return 2;
		dump(&a);
		at_done(&a);
		return 0;
	}
	return check_run(cases, 0);
}

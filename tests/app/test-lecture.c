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
#include <time.h>

#include "lecture.h"
#include "files.h"
#include "lesson.h"
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
		check_failed_in_test++;
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
	check_failed_in_test++;
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

/* ---- small lessons made by hand ------------------------------------------------------------ */

struct hand {
	struct dv_lesson *lesson;
	struct dv_run *run;
	struct dv_view view;
	struct dv_lect_ribbon r;
	struct dv_lect_map m;
	struct dv_lect_cache c;
};

/* Runs a lesson given as text and puts the view at its end, changes measured from back
 * events before it. */
static bool hand_run(struct hand *h, const char *text, size_t back)
{
	struct dv_msgs msgs;
	memset(h, 0, sizeof *h);
	dv_msgs_init(&msgs);
	h->lesson = dv_lesson_parse("hand.lesson", text, strlen(text), &msgs);
	for (size_t i = 0; i < msgs.n; i++)
		fprintf(stderr, "%s\n", msgs.v[i].text);
	dv_msgs_finish(&msgs);
	struct dv_run_options ro = { 0 };
	h->run = h->lesson ? dv_run_create(h->lesson, &ro) : NULL;
	CHECK(h->run != NULL);
	if (!h->run)
		return false;
	dv_run_all(h->run);
	dv_view_init(&h->view, h->lesson, h->run, NULL, NULL);
	size_t end = dv_trace_len(dv_sim_trace(h->view.sim));
	dv_view_seek(&h->view, end, end > back ? end - back : 0);
	dv_lecture_ribbon(&h->view, &h->r);
	dv_lecture_map(&h->view, &h->m);
	dv_lecture_cache(&h->view, &h->c);
	return true;
}

static void hand_done(struct hand *h)
{
	dv_view_finish(&h->view);
	if (h->run)
		dv_run_destroy(h->run);
	if (h->lesson)
		dv_lesson_free(h->lesson);
}

#define HEAD "lesson hand\ntitle \"By hand\"\ndriver none\n"

/* Nothing happened yet: no call, no port, no channel programmed, no cache. */
static void test_hand_empty(void)
{
	struct hand h;
	if (hand_run(&h, HEAD "machine channel=1 width=8 irq=5 memory=16M\nstep \"s\"\n  say x\n",
	             0)) {
		CHECK(!h.r.has_call && !h.r.has_port && h.r.text[0] == '\0');
		CHECK_EQ(h.r.channel, -1);
		CHECK(!strcmp(h.r.badge, "no DMA channel"));
		CHECK(!h.m.programmed && !h.m.has_buffer && !h.m.ring && !h.m.bounced);
		CHECK_EQ(h.m.channel, 1);
		CHECK(!h.c.on && h.c.nlines == 0 && h.c.nread == 0);
	}
	hand_done(&h);
}

/* Ports written by hand: the caption names the byte the flip-flop chose; a word channel's
 * range is in words, its block 128 KiB. */
static void test_hand_ports(void)
{
	struct hand h;
	if (hand_run(&h,
	             HEAD "machine channel=5 width=16 irq=5 memory=16M\nstep \"s\"\n"
	                  "  out 0xD8 0\n  out 0xC4 0xF0\n  out 0xC4 0xFF\n  out 0x8B 0x03\n"
	                  "  out 0xC6 0xFF\n  out 0xC6 0x00\n",
	             3)) {
		CHECK(h.r.has_port && h.r.port_fresh);
		CHECK(!strcmp(h.r.caption, "out 0xc6 <- 0x00: DMA2 ch5 count, high byte"));
		CHECK_EQ(h.r.port.slot, DV_SLOT_DMA_BASE_COUNT);
		CHECK_EQ(h.r.port.index, 5);
		CHECK_EQ(h.m.channel, 5);
		CHECK(h.m.width16 && h.m.block == 0x20000);
		CHECK_EQ(h.m.prog_phys, 0x03FFE0); /* page 0x03 & 0xFE, word 0xFFF0 << 1 */
		CHECK_EQ(h.m.prog_len, 512);       /* 256 words */
		CHECK(h.m.crosses && h.m.boundary == 0x040000 && !h.m.wrapped);
	}
	hand_done(&h);
}

/* A CPU write on a machine with the cache: a dirty line over nothing the map watches (no
 * buffer), so no line is listed; the flush is none. */
static void test_hand_cache_off_range(void)
{
	struct hand h;
	if (hand_run(&h,
	             HEAD "machine channel=1 width=8 irq=5 memory=16M coherent=no\nstep \"s\"\n"
	                  "  write 0x101000 0x11\n",
	             0)) {
		CHECK(h.c.on && h.c.nlines == 0 && h.c.flush == DV_LECT_FLUSH_NONE);
	}
	hand_done(&h);
}

/* The write of the ribbon's call to port, its n-th (0: first) to that port; NULL when none. */
static const struct dv_lect_write *write_to(const struct dv_lect_ribbon *r, uint16_t port,
                                            unsigned n)
{
	for (size_t i = 0; i < r->nwrites && i < DV_LECT_WRITES; i++)
		if (r->writes[i].port == port && n-- == 0)
			return &r->writes[i];
	return NULL;
}

/* busy: the receive owns the channel; the send's Setup is refused and writes no port; the
 * Complete frees it; the send's Setup then owns it. */
static void test_busy(void)
{
	struct at a;
	if (at_line(&a, "06-busy.lesson", 19, true)) { /* Setup rx */
		CHECK(!strcmp(a.r.text, "NdisMSetupDmaTransfer(rx, Offset 0, Length 4096, "
		                        "WriteToDevice FALSE) -> NDIS_STATUS_SUCCESS"));
		CHECK(a.r.has_call && !a.r.running && a.r.fresh);
		CHECK_EQ(a.r.call, DV_CALL_SETUP_DMA_TRANSFER);
		CHECK_EQ(a.r.channel, 1);
		CHECK(a.r.registered && a.r.in_progress);
		CHECK_EQ(a.r.owner, DV_LECT_OWNER_RECEIVE);
		CHECK(!strcmp(a.r.badge, "ch1: receive in progress (busy)"));
		CHECK_EQ(a.r.nwrites, 9); /* the canonical sequence (facts §1.10) */
		const struct dv_lect_write *lo = write_to(&a.r, 0x02, 0),
		                           *hi = write_to(&a.r, 0x02, 1);
		CHECK(lo && hi);
		if (lo && hi) {
			CHECK(!lo->high_byte && hi->high_byte);
			CHECK_EQ(lo->slot, DV_SLOT_DMA_BASE_ADDR);
			CHECK_EQ(lo->index, 1);
			CHECK_EQ(hi->value, 0x10);
			CHECK(!strcmp(lo->what, "DMA1 ch1 address, low byte"));
		}
		const struct dv_lect_write *pg = write_to(&a.r, 0x83, 0);
		CHECK(pg && pg->slot == DV_SLOT_PAGE && pg->index == 1 && pg->value == 0x10);
		const struct dv_lect_write *mode = write_to(&a.r, 0x0b, 0);
		CHECK(mode && mode->slot == DV_SLOT_DMA_MODE && mode->index == 1 &&
		      mode->value == 0x05);
		CHECK(a.r.has_port && a.r.port_fresh);
		CHECK(!strcmp(a.r.caption, "out 0x0a <- 0x01: DMA1 single mask"));
	}
	at_done(&a);
	if (at_line(&a, "06-busy.lesson", 37, true)) { /* Setup tx while busy */
		CHECK(strstr(a.r.text, "NdisMSetupDmaTransfer(tx, Offset 0, Length 60, "
		                       "WriteToDevice TRUE) -> NDIS_STATUS_RESOURCES") != NULL);
		CHECK_EQ(a.r.nwrites, 0); /* "touches no port" */
		CHECK(!a.r.port_fresh);
		CHECK(a.r.in_progress);
		CHECK_EQ(a.r.owner, DV_LECT_OWNER_RECEIVE);
		/* The map shows the buffer asked for and the channel as the receive left it. */
		CHECK(!strcmp(a.m.buffer_name, "tx") && a.m.write_to_device);
		CHECK_EQ(a.m.prog_phys, 0x101000);
		CHECK_EQ(a.m.prog_len, 4096);
		/* It was refused and moved nothing: the rows show its bytes, no transfer's. */
		CHECK(a.m.refused);
		CHECK_EQ(a.m.moved, 0);
		CHECK_EQ(a.m.rows_in, DV_LECT_ROWS_BUFFER);
		CHECK_EQ(a.m.rows_addr, 0x100000);
		CHECK(!a.m.rows_mark);
	}
	at_done(&a);
	if (at_line(&a, "06-busy.lesson", 66, true)) { /* Complete rx */
		CHECK(strstr(a.r.text, "NdisMCompleteDmaTransfer(rx,") == a.r.text);
		CHECK(!a.r.in_progress && a.r.registered);
		CHECK_EQ(a.r.owner, DV_LECT_OWNER_NONE);
		CHECK(!strcmp(a.r.badge, "ch1: free"));
	}
	at_done(&a);
	if (at_line(&a, "06-busy.lesson", 71, true)) { /* Setup tx again */
		CHECK(strstr(a.r.text, "-> NDIS_STATUS_SUCCESS") != NULL);
		CHECK_EQ(a.r.owner, DV_LECT_OWNER_SEND);
		const struct dv_lect_write *mode = write_to(&a.r, 0x0b, 0),
		                           *cnt = write_to(&a.r, 0x03, 0);
		CHECK(mode && mode->value == 0x09);
		CHECK(cnt && cnt->value == 59 && !cnt->high_byte);
	}
	at_done(&a);
}

/* 64k: channel 2 programmed by hand across 0x20000 wraps to 0x10000; the NDIS buffer across
 * the boundary is bounced and copied in at Setup. */
static void test_64k(void)
{
	struct at a;
	if (at_line(&a, "08-64k.lesson", 33, false)) {
		CHECK_EQ(a.m.channel, 2);
		CHECK(a.m.programmed && a.m.crosses && !a.m.wrapped);
		CHECK_EQ(a.m.prog_phys, 0x1FFF0);
		CHECK_EQ(a.m.prog_len, 32);
		CHECK_EQ(a.m.block, 0x10000);
		CHECK_EQ(a.m.boundary, 0x20000);
		CHECK_EQ(a.m.wrap_to, 0); /* the question's answer, not told before the wrap */
		CHECK(!a.r.has_call && !a.m.has_buffer);
	}
	at_done(&a);
	if (at_line(&a, "08-64k.lesson", 50, false)) {
		CHECK(a.m.wrapped);
		CHECK_EQ(a.m.wrap_to, 0x10000);
		CHECK_EQ(a.m.cur_phys, 0x10000);
	}
	at_done(&a);
	if (at_line(&a, "08-64k.lesson", 91, false)) {
		CHECK(!strcmp(a.m.buffer_name, "pkt"));
		CHECK_EQ(a.m.buf_phys, 0x1FFE0);
		CHECK_EQ(a.m.length, 60);
		CHECK(a.m.buf_crosses && a.m.buf_boundary == 0x20000 && !a.m.buf_above16m);
		CHECK(a.m.bounced);
		CHECK_EQ(a.m.bounce_phys, 0xE20FE0);
		CHECK_EQ(a.m.copy, DV_LECT_COPY_DONE);
		CHECK_EQ(a.m.copy_len, 60);
		CHECK_EQ(a.m.prog_phys, 0xE20FE0);
		CHECK(!a.m.crosses);
	}
	at_done(&a);
}

/* Inside the Setup of 64k: the bounce shows once IoMapTransfer acts, the copy before the
 * first port write, never before its call. */
static void test_64k_inside_setup(void)
{
	struct at a;
	if (!at_line(&a, "08-64k.lesson", 84, true))
		return;
	const struct dv_trace *t = dv_sim_trace(a.s->view.sim);
	size_t map = SIZE_MAX, out = SIZE_MAX;
	for (size_t i = a.s->view.from; i < a.s->view.pos; i++) {
		const struct dv_event *e = dv_trace_at(t, i);
		if (e->kind == DV_EV_CALL && e->slot == DV_CALL_IO_MAP_TRANSFER)
			map = i;
		if (map != SIZE_MAX && out == SIZE_MAX && e->kind == DV_EV_PORT_OUT)
			out = i;
	}
	CHECK(map != SIZE_MAX && out != SIZE_MAX);
	struct dv_lect_map m;
	struct dv_lect_ribbon r;
	dv_view_seek(&a.s->view, map + 1, map);
	dv_lecture_map(&a.s->view, &m);
	dv_lecture_ribbon(&a.s->view, &r);
	CHECK(!m.bounced);
	CHECK(r.running && !strcmp(r.text, "NdisMSetupDmaTransfer(pkt, Offset 0, Length 60, "
	                                   "WriteToDevice TRUE) running"));
	dv_view_seek(&a.s->view, map + 2, map + 1);
	dv_lecture_map(&a.s->view, &m);
	CHECK(m.bounced && m.copy == DV_LECT_COPY_PENDING);
	dv_view_seek(&a.s->view, out + 1, out);
	dv_lecture_map(&a.s->view, &m);
	dv_lecture_ribbon(&a.s->view, &r);
	CHECK_EQ(m.copy, DV_LECT_COPY_DONE);
	CHECK(r.running && r.nwrites == 1 && r.port_fresh);
	at_done(&a);
}

/* above16m: a send bounced and copied in; a receive copied back at Complete, only the 60
 * bytes that moved, and the CPU sees them only then. */
static void test_above16m(void)
{
	struct at a;
	if (at_line(&a, "09-above16m.lesson", 43, true)) {
		CHECK(!strcmp(a.m.buffer_name, "hi") && a.m.buf_above16m);
		CHECK_EQ(a.m.buf_phys, 0x1001000);
		CHECK_EQ(a.m.line16m, 0x1000000);
		CHECK(a.m.bounced && a.m.bounce_phys == 0xE20000);
		CHECK_EQ(a.m.copy, DV_LECT_COPY_DONE);
		CHECK_EQ(a.m.copy_len, 60);
	}
	at_done(&a);
	if (at_line(&a, "09-above16m.lesson", 77, true)) {
		CHECK(!a.m.write_to_device && a.m.bounced);
		CHECK_EQ(a.m.copy, DV_LECT_COPY_PENDING);
		CHECK_EQ(a.m.copy_len, 0);
		CHECK(!a.c.stale && a.c.nread == 0); /* nothing moved, nothing read */
	}
	at_done(&a);
	if (at_line(&a, "09-above16m.lesson", 100, false)) { /* residue 4036 */
		CHECK_EQ(a.m.copy, DV_LECT_COPY_PENDING);
		CHECK_EQ(a.m.copy_len, 60);
		CHECK_EQ(a.c.nread, 0); /* the lesson reads nothing here */
	}
	at_done(&a);
	if (at_line(&a, "09-above16m.lesson", 101, true)) { /* the Complete */
		CHECK_EQ(a.m.copy, DV_LECT_COPY_DONE);
		CHECK_EQ(a.m.copy_len, 60);
		CHECK(!a.c.on); /* x86: no cache lines, no flush */
		CHECK_EQ(a.c.flush, DV_LECT_FLUSH_NONE);
	}
	at_done(&a);
}

/* subrange: the Offset/Length subrange with its numbers; a Length beyond ByteCount. */
static void test_subrange(void)
{
	struct at a;
	if (at_line(&a, "07-subrange.lesson", 44, true)) {
		CHECK(!strcmp(a.r.text, "NdisMSetupDmaTransfer(area, Offset 100, Length 500, "
		                        "WriteToDevice TRUE) -> NDIS_STATUS_SUCCESS"));
		CHECK_EQ(a.m.buf_phys, 0x100000);
		CHECK_EQ(a.m.bytecount, 1000);
		CHECK_EQ(a.m.offset, 100);
		CHECK_EQ(a.m.length, 500);
		CHECK_EQ(a.m.sub_phys, 0x100064);
		CHECK_EQ(a.m.prog_phys, 0x100064);
		CHECK_EQ(a.m.prog_len, 500);
		CHECK(!a.m.out_of_range && !a.m.bounced);
	}
	at_done(&a);
	if (at_line(&a, "07-subrange.lesson", 92, true)) {
		CHECK(a.m.out_of_range && a.r.nwrites == 0);
		CHECK(strstr(a.r.text, "-> NDIS_STATUS_RESOURCES") != NULL);
	}
	at_done(&a);
}

/* flush: the stale read of a bounced receive and the fresh one after Complete; a clean line,
 * a stale line, the Complete's invalidate, a dirty line. */
static void test_flush(void)
{
	struct at a;
	if (at_line(&a, "10-flush.lesson", 26, true)) {
		CHECK(a.c.on && a.c.flush == DV_LECT_FLUSH_INVALIDATE && a.c.flush_now);
		CHECK_EQ(a.c.first, 0x1001000);
		CHECK_EQ(a.c.len, 4096);
	}
	at_done(&a);
	if (at_line(&a, "10-flush.lesson", 48, false)) { /* the question: nothing read yet */
		CHECK_EQ(a.c.nread, 0);
		CHECK(!a.c.stale && !a.c.read_now);
	}
	at_done(&a);
	if (at_line(&a, "10-flush.lesson", 51, false)) { /* after the early read */
		CHECK(a.c.read_now && a.c.stale);
		CHECK_EQ(a.c.cpu[0], 0xAA);
		CHECK_EQ(a.c.cpu[15], 0xAA);
		CHECK_EQ(a.c.dev[0], 0x02);
		CHECK(!a.c.flush_now);
	}
	at_done(&a);
	if (at_line(&a, "10-flush.lesson", 55, false)) { /* after Complete, before the read */
		CHECK_EQ(a.c.nread, 0);
	}
	at_done(&a);
	if (at_line(&a, "10-flush.lesson", 57, false)) { /* after Complete and the read */
		CHECK(a.c.read_now && !a.c.stale);
		CHECK(a.c.cpu[0] == 0x02 && a.c.cpu[12] == 0x88 && a.c.cpu[13] == 0xB5);
	}
	at_done(&a);
	if (at_line(&a, "10-flush.lesson", 79, false)) { /* the read filled a line */
		CHECK_EQ(a.c.nlines, 1);
		CHECK(a.c.line[0].addr == 0x101000 && a.c.line[0].line == 0);
		CHECK_EQ(a.c.line[0].state, DV_LECT_LINE_CLEAN);
	}
	at_done(&a);
	if (at_line(&a, "10-flush.lesson", 94, false)) { /* memory fresh, the CPU's view not */
		CHECK(a.c.nlines == 1 && a.c.nstale == 1);
		CHECK_EQ(a.c.line[0].state, DV_LECT_LINE_STALE);
		CHECK(a.c.stale && a.c.cpu[0] == 0xAA && a.c.mem[0] == 0x02);
	}
	at_done(&a);
	if (at_line(&a, "10-flush.lesson", 107, true)) { /* the Complete invalidates */
		CHECK(a.c.flush == DV_LECT_FLUSH_INVALIDATE && a.c.flush_now);
		CHECK_EQ(a.c.nlines, 0);
	}
	at_done(&a);
	if (at_line(&a, "10-flush.lesson", 112, false)) { /* the read after it: fresh */
		CHECK(a.c.read_now && !a.c.stale);
		CHECK(a.c.cpu[0] == 0x02 && a.c.cpu[12] == 0x88 && a.c.cpu[13] == 0xB5);
		CHECK_EQ(a.c.nlines, 1); /* the read filled the line again, clean */
		CHECK_EQ(a.c.nclean, 1);
	}
	at_done(&a);
	if (at_line(&a, "10-flush.lesson", 123, false)) { /* the CPU wrote the buffer */
		CHECK(a.c.nlines == 1 && a.c.ndirty == 1);
		CHECK_EQ(a.c.line[0].state, DV_LECT_LINE_DIRTY);
		CHECK_EQ(a.c.nread, 0); /* no read since this Setup */
	}
	at_done(&a);
}

/* autoinit: the ring's write pointer, its laps and the frames, the first ones overwritten. */
static void test_autoinit(void)
{
	struct at a;
	if (at_line(&a, "13-autoinit.lesson", 44, false)) { /* one byte left */
		CHECK(a.m.ring);
		CHECK_EQ(a.m.prog_phys, 0x101000);
		CHECK_EQ(a.m.prog_len, 256);
		CHECK_EQ(a.m.ring_write, 255);
		CHECK_EQ(a.m.laps, 0);
		CHECK_EQ(a.m.nframes, 3);
		CHECK(a.m.frame[0].start == 0 && a.m.frame[0].len == 100 && a.m.frame[0].whole);
		CHECK(a.m.frame[2].start == 200 && a.m.frame[2].len == 55 && !a.m.frame[2].whole);
	}
	at_done(&a);
	if (at_line(&a, "13-autoinit.lesson", 57, false)) { /* terminal count reloaded */
		CHECK_EQ(a.m.ring_write, 0);
		CHECK_EQ(a.m.laps, 1);
	}
	at_done(&a);
	if (at_line(&a, "13-autoinit.lesson", 71, false)) { /* 400 bytes into 256 */
		CHECK_EQ(a.m.ring_write, 144);
		CHECK_EQ(a.m.nframes, 4);
		CHECK(a.m.frame[2].start == 200 && a.m.frame[2].len == 100);
		CHECK(a.m.frame[3].start == 44 && a.m.frame[3].len == 100 && a.m.frame[3].whole);
		CHECK_EQ(a.m.frame[0].overwritten, 100); /* "the first frame is gone" */
		CHECK_EQ(a.m.frame[1].overwritten, 44);  /* "lost its first 44 bytes" */
		CHECK_EQ(a.m.frame[3].overwritten, 0);
		CHECK(strstr(a.r.text, "NdisMReadDmaCounter") == a.r.text);
		CHECK(strstr(a.r.text, "-> 112 bytes remaining") != NULL);
	}
	at_done(&a);
	if (at_line(&a, "13-autoinit.lesson", 101, true)) { /* without auto-initialize */
		CHECK(!a.m.ring);
	}
	at_done(&a);
}

/* ---- as text ---------------------------------------------------------------------------- */

static bool panel_has(const struct dv_vpanel *p, const char *text)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->line[i].text && strstr(p->line[i].text, text))
			return true;
	return false;
}

/* The ribbon line: the longest form that fits, shorter forms for narrower lines, never wider
 * than asked. */
static void test_ribbon_line(void)
{
	struct at a;
	if (!at_line(&a, "06-busy.lesson", 37, true))
		return;
	static const char *const forms[] = {
		"[ch1: receive in progress (busy)] NdisMSetupDmaTransfer(tx, Offset 0, Length 60, "
		"WriteToDevice TRUE) -> NDIS_STATUS_RESOURCES  last out 0x0a <- 0x01: DMA1 single "
		"mask",
		"[ch1: receive in progress (busy)] NdisMSetupDmaTransfer(tx, Offset 0, Length 60, "
		"WriteToDevice TRUE) -> NDIS_STATUS_RESOURCES",
		"[ch1 receive busy] NdisMSetupDmaTransfer(tx, Off 0, Len 60, Write TRUE) -> "
		"RESOURCES  last out 0x0a <- 0x01: DMA1 single mask",
		"[ch1 receive busy] NdisMSetupDmaTransfer(tx, Off 0, Len 60, Write TRUE) -> RESOURCES",
		"[ch1 receive busy] NdisMSetupDmaTransfer(tx, 0, 60, TRUE) -> RESOURCES",
		"[ch1 receive busy] NdisMSetupDmaTransfer(...) -> RESOURCES",
	};
	/* At each form's width: the first form, in that order of preference, that fits. */
	size_t nforms = sizeof forms / sizeof forms[0];
	for (size_t f = 0; f < nforms; f++) {
		struct dv_vline l = { 0 };
		size_t w = strlen(forms[f]), want = 0;
		while (strlen(forms[want]) > w)
			want++;
		dv_lecture_ribbon_line(&a.r, w, &l);
		if (l.text && strcmp(l.text, forms[want]))
			fprintf(stderr, "width %zu: got '%s'\n", w, l.text);
		CHECK(l.text && !strcmp(l.text, forms[want]));
		free(l.text);
		free(l.roles);
	}
	struct dv_vline l = { 0 };
	dv_lecture_ribbon_line(&a.r, 20, &l); /* cut */
	CHECK(l.len == 20 && !strncmp(l.text, "[ch1 receive busy] ", 19));
	free(l.text);
	free(l.roles);
	memset(&l, 0, sizeof l);
	at_done(&a);
	/* A port write the current move made, inside the running call, comes first. */
	if (at_line(&a, "06-busy.lesson", 71, true)) {
		size_t out = a.r.writes[0].pos;
		dv_view_seek(&a.s->view, out + 1, out);
		dv_lecture_ribbon(&a.s->view, &a.r);
		dv_lecture_ribbon_line(&a.r, 200, &l);
		CHECK(l.text && strstr(l.text, "] out 0x0a <- 0x05: DMA1 single mask in "
		                               "NdisMSetupDmaTransfer(tx,") != NULL);
		free(l.text);
		free(l.roles);
	}
	at_done(&a);
}

/* The map and cache panel says the numbers: the wrap once it happened, the subrange, the
 * bounce and the copy, the ring, the stale read. */
static void test_panel(void)
{
	struct at a;
	struct dv_vpanel p;
	dv_vpanel_init(&p);
	if (at_line(&a, "08-64k.lesson", 33, false)) {
		dv_lecture_panel(&a.s->view, &p, 200);
		CHECK(!strcmp(p.title, "Address map (64 KiB blocks)"));
		CHECK(panel_has(&p, "8237A ch2 0x01fff0-0x02000f (32 B), next 0x01fff0; crosses "
		                    "0x020000"));
		CHECK(!panel_has(&p, "0x010000")); /* the question's answer */
	}
	at_done(&a);
	if (at_line(&a, "08-64k.lesson", 50, false)) {
		dv_lecture_panel(&a.s->view, &p, 200);
		CHECK(panel_has(&p, "crosses 0x020000, wrapped to 0x010000"));
	}
	at_done(&a);
	if (at_line(&a, "07-subrange.lesson", 44, true)) {
		dv_lecture_panel(&a.s->view, &p, 200);
		CHECK(panel_has(&p, "buffer area VA 0x80001000 PA 0x100000, ByteCount 1000"));
		CHECK(panel_has(&p, "Offset 100 Length 500: 0x100064-0x100257"));
	}
	at_done(&a);
	if (at_line(&a, "09-above16m.lesson", 101, true)) {
		dv_lecture_panel(&a.s->view, &p, 200);
		CHECK(!strcmp(p.title, "Address map (64 KiB blocks, 16 MiB line)"));
		CHECK(panel_has(&p, "above the 16 MiB line"));
		CHECK(panel_has(&p, "bounce 0xe20000: copy back at Complete, 60 B, done"));
	}
	at_done(&a);
	/* At 10-flush's question (what does a read before the Complete see?) the map shows the
	 * bounce buffer, not when its copy comes: that is the answer's explanation. */
	if (at_line(&a, "10-flush.lesson", 44, false)) {
		dv_lecture_panel(&a.s->view, &p, 200);
		CHECK(panel_has(&p, "bounce 0xe20000: 60 B moved into it"));
		CHECK(!panel_has(&p, "Complete") && !panel_has(&p, "copy back"));
	}
	at_done(&a);
	if (at_line(&a, "10-flush.lesson", 51, false)) {
		dv_lecture_panel(&a.s->view, &p, 200);
		CHECK(panel_has(&p, "CPU reads aa aa aa aa, device wrote 02 00 00 00: stale"));
	}
	at_done(&a);
	if (at_line(&a, "13-autoinit.lesson", 71, false)) {
		dv_lecture_panel(&a.s->view, &p, 200);
		CHECK(panel_has(&p, "ring: write at +144 of 256, lap 1; frames +0..99 (gone) "
		                    "+100..199 (44 gone) +200..43 +44..143"));
	}
	at_done(&a);
	dv_vpanel_finish(&p);
}

/* ---- every stop of every lesson --------------------------------------------------------- */

static void check_moment(const struct dv_view *v, const char *name)
{
	struct dv_lect_ribbon r;
	struct dv_lect_map m;
	struct dv_lect_cache c;
	dv_lecture_ribbon(v, &r);
	dv_lecture_map(v, &m);
	dv_lecture_cache(v, &c);
	bool ok = true;
	ok &= !r.has_call || (r.text[0] && r.call_pos < v->pos);
	ok &= !r.has_call || r.running == (r.ret_pos == SIZE_MAX);
	ok &= r.ret_pos == SIZE_MAX || (r.ret_pos > r.call_pos && r.ret_pos < v->pos);
	for (size_t k = 0; k < r.nwrites && k < DV_LECT_WRITES; k++)
		ok &= r.writes[k].pos > r.call_pos && r.writes[k].pos < v->pos;
	ok &= !r.has_port || r.port.pos < v->pos;
	ok &= m.nframes <= DV_LECT_FRAMES && m.nframes <= m.frames_total;
	for (size_t k = 0; k < m.nframes; k++)
		ok &= m.frame[k].overwritten <= m.frame[k].len;
	ok &= !m.wrap_to || m.wrapped;
	/* The hex rows are of the buffer the map names (or its bounce buffer). */
	ok &= m.moved <= m.length;
	if (m.has_buffer && m.buf_phys != 0xFFFFFFFFu)
		ok &= m.rows_in == DV_LECT_ROWS_BOUNCE ?
		              m.bounced && m.rows_addr - m.bounce_phys < m.bounce_len :
		              m.rows_in == DV_LECT_ROWS_BUFFER &&
		                      m.rows_addr - m.buf_phys < m.bytecount;
	ok &= c.nlines <= DV_CACHE_LINES && (c.on || c.nlines == 0);
	for (size_t k = 0; k < c.nlines; k++)
		ok &= c.line[k].addr < c.first + c.len && c.line[k].addr + DV_CACHE_LINE > c.first;
	struct dv_vline l = { 0 };
	dv_lecture_ribbon_line(&r, 79, &l);
	ok &= l.text && dv_vtext_cells(l.text, l.len) <= 79;
	free(l.text);
	free(l.roles);
	if (!ok)
		fprintf(stderr, "%s at %zu: a fact out of its bounds\n", name, v->pos);
	CHECK(ok);
}

/* At every stop of every shipped lesson (and at every 97th event), the facts stay within their
 * bounds, and how long they take. */
static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static void test_every_stop(void)
{
	size_t n = 0, moments = 0;
	char **list = dv_lessons_list(lessons_dir, &n);
	double facts = 0, worst = 0;
	CHECK(n >= 14);
	for (size_t i = 0; i < n; i++) {
		char err[512];
		struct dv_session_options o = { 0 };
		struct dv_session *s = dv_session_open(list[i], &o, err, sizeof err);
		CHECK(s != NULL);
		if (!s)
			continue;
		size_t end = dv_trace_len(dv_sim_trace(s->view.sim)), prev = 0;
		for (size_t k = 0; k < s->nstops + end / 97 + 1; k++) {
			size_t pos = k < s->nstops ? s->stops[k].pos : (k - s->nstops) * 97 + 1;
			if (pos > end)
				break;
			dv_view_seek(&s->view, pos, k < s->nstops ? prev : pos - 1);
			prev = pos;
			double t0 = now_ms();
			check_moment(&s->view, list[i]);
			double dt = now_ms() - t0;
			facts += dt;
			worst = dt > worst ? dt : worst;
			moments++;
		}
		dv_session_close(s);
	}
	printf("# %zu moments of %zu lessons: the facts and their text in %.0f ms, the slowest "
	       "%.2f ms\n",
	       moments, n, facts, worst);
	dv_lessons_list_free(list, n);
}

static const struct check_case cases[] = {
	CHECK_CASE(test_busy),
	CHECK_CASE(test_64k),
	CHECK_CASE(test_64k_inside_setup),
	CHECK_CASE(test_above16m),
	CHECK_CASE(test_subrange),
	CHECK_CASE(test_flush),
	CHECK_CASE(test_autoinit),
	CHECK_CASE(test_hand_empty),
	CHECK_CASE(test_hand_ports),
	CHECK_CASE(test_hand_cache_off_range),
	CHECK_CASE(test_ribbon_line),
	CHECK_CASE(test_panel),
	CHECK_CASE(test_every_stop),
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
	return check_run(cases, (int)(sizeof cases / sizeof cases[0]));
}

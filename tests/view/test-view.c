/* dmaviz: the front-end-neutral view's panels, without curses or SDL. Shipped lessons are run
 * to their end and the view is moved through them; the panels' text is checked where the
 * panels must agree with each other and with the model (issue "Predict, then see", part 4).
 * argv[1]: the lessons directory. Run from the source tree (the panel goldens are read from
 * tests/view/golden and show the lessons' paths as given). */
#define _GNU_SOURCE /* open_memstream */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/check.h"
#include "calls.h"
#include "dvndis.h"
#include "files.h"
#include "lesson.h"
#include "view.h"

static const char *lessons_dir = "lessons";

struct fixture {
	char *text;
	struct dv_lesson *lesson;
	struct dv_run *run;
	struct dv_view view;
};

static bool open_lesson(struct fixture *f, const char *name)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/%s.lesson", lessons_dir, name);
	memset(f, 0, sizeof *f);
	size_t len = 0;
	f->text = dv_file_read(path, 1u << 20, &len);
	if (!f->text) {
		fprintf(stderr, "cannot read %s\n", path);
		return false;
	}
	struct dv_msgs msgs;
	dv_msgs_init(&msgs);
	f->lesson = dv_lesson_parse(path, f->text, len, &msgs);
	dv_msgs_finish(&msgs);
	if (!f->lesson)
		return false;
	struct dv_run_options ro = { .load = dv_file_load_relative };
	f->run = dv_run_create(f->lesson, &ro);
	if (!f->run)
		return false;
	dv_run_all(f->run);
	dv_view_init(&f->view, f->lesson, f->run, NULL, NULL);
	return true;
}

static void close_lesson(struct fixture *f)
{
	if (f->run) {
		dv_view_finish(&f->view);
		dv_run_destroy(f->run);
	}
	dv_lesson_free(f->lesson);
	free(f->text);
	memset(f, 0, sizeof *f);
}

/* Moves to the end of the step the learner counts as number n. */
static bool goto_number(struct fixture *f, unsigned n)
{
	for (unsigned k = 0; k < f->lesson->nsteps; k++)
		if (f->lesson->steps[k].number == n)
			return dv_view_goto_step(&f->view, k);
	return false;
}

/* A panel as text: the title, then each line, each ending in '\n'. */
static char *text_of(const struct dv_vpanel *p)
{
	size_t n = strlen(p->title) + 2;
	for (size_t i = 0; i < p->n; i++)
		n += p->line[i].len + 1;
	char *s = malloc(n), *o = s;
	if (!s)
		return NULL;
	o += sprintf(o, "%s\n", p->title);
	for (size_t i = 0; i < p->n; i++) {
		memcpy(o, p->line[i].text ? p->line[i].text : "", p->line[i].len);
		o += p->line[i].len;
		*o++ = '\n';
	}
	*o = '\0';
	return s;
}

static bool panel_has(const struct dv_vpanel *p, const char *needle)
{
	char *s = text_of(p);
	bool yes = s && strstr(s, needle);
	if (!yes)
		fprintf(stderr, "  panel lacks \"%s\":\n%s", needle, s ? s : "");
	free(s);
	return yes;
}

/* As panel_has, with the panel's lines joined by spaces: for text wrapped at a narrow width. */
static bool panel_says(const struct dv_vpanel *p, const char *needle)
{
	char *s = text_of(p);
	for (char *c = s ? strchr(s, '\n') : NULL; c; c = strchr(c, '\n'))
		*c = ' ';
	bool yes = s && strstr(s, needle);
	if (!yes)
		fprintf(stderr, "  panel does not say \"%s\": %s\n", needle, s ? s : "");
	free(s);
	return yes;
}

/* The log line the view highlights as the current event (NULL when none). */
static const char *highlighted(const struct dv_vpanel *log)
{
	for (size_t i = log->n; i-- > 0;)
		for (size_t k = 0; k < log->line[i].len; k++)
			if (log->line[i].roles[k] == DV_ROLE_HIGHLIGHT)
				return log->line[i].text;
	return NULL;
}

/* ---- 1. units end after the consequences of their event ----------------------------------- */

/* At port granularity, wherever the log's current event is a write to a DMA1 mode register,
 * the 8237A panel already shows the value written (it was one write behind). */
static void test_port_unit_shows_the_write(void)
{
	static const char *const lessons[] = { "03-send", "01-tour", "12-modes" };
	for (size_t li = 0; li < sizeof lessons / sizeof lessons[0]; li++) {
		struct fixture f;
		CHECK(open_lesson(&f, lessons[li]));
		if (!f.run) {
			close_lesson(&f);
			continue;
		}
		struct dv_vpanel dma, log;
		dv_vpanel_init(&dma);
		dv_vpanel_init(&log);
		dv_view_seek(&f.view, 0, 0);
		f.view.gran = DV_GRAN_PORT;
		unsigned writes = 0, bad = 0;
		while (dv_view_command(&f.view, DV_VCMD_NEXT)) {
			dv_view_log(&f.view, &log, 4);
			const char *cur = highlighted(&log);
			const char *w = cur ? strstr(cur, " to port 0x00b") : NULL;
			if (!w || w < cur + 10 || strncmp(w - 10, "wrote 0x", 8) != 0)
				continue;
			unsigned value = (unsigned)strtoul(w - 2, NULL, 16);
			char want[32];
			snprintf(want, sizeof want, "mode 0x%02x", value);
			dv_view_dma(&f.view, &dma);
			writes++;
			if (!panel_has(&dma, want)) {
				fprintf(stderr, "  %s at event %zu: the log says \"%s\"\n",
				        lessons[li], f.view.pos, cur);
				bad++;
			}
		}
		CHECK(writes > 0);
		CHECK_EQ(bad, 0);
		dv_vpanel_finish(&dma);
		dv_vpanel_finish(&log);
		close_lesson(&f);
	}
}

/* Run until the terminal count: the 8237A panel shows what the TC did (status bit set, the
 * channel masked itself: no auto-init in these lessons), on the channel that reached it. */
static void test_until_tc_shows_the_tc(void)
{
	static const struct {
		const char *lesson;
		const char *channel;
	} cases[] = { { "03-send", "channel 1 " },
		      { "12-modes", "channel 2 " },
		      { "08-64k", "channel 2 " } };
	for (size_t ci = 0; ci < sizeof cases / sizeof cases[0]; ci++) {
		struct fixture f;
		CHECK(open_lesson(&f, cases[ci].lesson));
		if (!f.run) {
			close_lesson(&f);
			continue;
		}
		struct dv_vpanel dma;
		dv_vpanel_init(&dma);
		dv_view_command(&f.view, DV_VCMD_FIRST);
		size_t p = dv_view_find(&f.view, DV_UNTIL_TC);
		CHECK(p > f.view.pos);
		dv_view_seek(&f.view, p, f.view.pos);
		dv_view_dma(&f.view, &dma);
		CHECK(panel_has(&dma, cases[ci].channel));
		CHECK(panel_has(&dma, "TC 1"));
		CHECK(panel_has(&dma, "mask set"));
		dv_vpanel_finish(&dma);
		close_lesson(&f);
	}
}

/* ---- 2. the NDIS panel: the calls, their arguments in words, the channel's busy state -------- */

static void test_ndis_busy(void)
{
	struct fixture f;
	CHECK(open_lesson(&f, "06-busy"));
	if (!f.run) {
		close_lesson(&f);
		return;
	}
	struct dv_vpanel nd;
	dv_vpanel_init(&nd);
	/* Step 1: the receive is set up over the 4096-byte area at 0x101000. */
	CHECK(goto_number(&f, 1));
	dv_view_ndis(&f.view, &nd, 80);
	CHECK(panel_says(&nd, "channel 1 InProgress TRUE"));
	CHECK(panel_says(&nd, "NdisMSetupDmaTransfer(Buffer VA 0x8"));
	CHECK(panel_says(
	        &nd,
	        ": 4096 B in page 0x101000, Offset 0, Length 4096, WriteToDevice FALSE) returned NDIS_STATUS_SUCCESS"));
	/* Step 2: the second Setup is refused; the receive is still in progress (the lesson
	 * checks ndis.inprogress == 1 in step 3). */
	CHECK(goto_number(&f, 2));
	dv_view_ndis(&f.view, &nd, 80);
	CHECK(panel_says(&nd, "channel 1 InProgress TRUE"));
	CHECK(panel_says(
	        &nd,
	        ": 60 B in page 0x100000, Offset 0, Length 60, WriteToDevice TRUE) returned NDIS_STATUS_RESOURCES"));
	CHECK(panel_says(&nd, "dma-busy"));
	/* ... at the width of an 80-column terminal's right column it still says all of it. */
	dv_view_ndis(&f.view, &nd, 39);
	CHECK(panel_says(&nd, "Length 60, WriteToDevice TRUE) returned NDIS_STATUS_RESOURCES"));
	CHECK(nd.n <= 8);
	CHECK(goto_number(&f, 3));
	dv_view_ndis(&f.view, &nd, 80);
	CHECK(panel_says(&nd, "channel 1 InProgress TRUE"));
	/* While the refused Setup runs: the call in progress, with its arguments. */
	const struct dv_trace *evt = dv_sim_trace(dv_run_sim(f.run));
	size_t first, end, call = SIZE_MAX;
	for (unsigned k = 0; k < f.lesson->nsteps; k++)
		if (f.lesson->steps[k].number == 2 && dv_run_step_events(f.run, k, &first, &end))
			for (size_t i = first; i < end && call == SIZE_MAX; i++)
				if (dv_trace_at(evt, i)->kind == DV_EV_CALL &&
				    dv_trace_at(evt, i)->slot == DV_CALL_SETUP_DMA_TRANSFER)
					call = i;
	CHECK(call != SIZE_MAX);
	if (call != SIZE_MAX) {
		dv_view_seek(&f.view, call + 1, call);
		dv_view_ndis(&f.view, &nd, 80);
		CHECK(panel_says(&nd, "now: NdisMSetupDmaTransfer"));
		CHECK(panel_says(&nd, "Length 60, WriteToDevice TRUE) running"));
	}
	/* Step 4 completes the receive and sets up the send; step 5 completes the send. */
	CHECK(goto_number(&f, 4));
	dv_view_ndis(&f.view, &nd, 80);
	CHECK(panel_says(&nd, "channel 1 InProgress TRUE"));
	CHECK(goto_number(&f, 5));
	dv_view_ndis(&f.view, &nd, 80);
	CHECK(panel_says(&nd, "channel 1 InProgress FALSE"));
	CHECK(panel_says(&nd, "NdisMCompleteDmaTransfer(Buffer VA 0x8"));
	dv_vpanel_finish(&nd);
	close_lesson(&f);
}

/* At the end of every step of every shipped lesson, the panel's InProgress is the model's
 * (ndis.inprogress, what the lessons' expectations read): a second run of the lesson stops
 * there and is asked; the runs are deterministic, so its trace is the first run's so far. */
static void test_ndis_busy_matches_the_model(void)
{
	size_t n = 0;
	char **paths = dv_lessons_list(lessons_dir, &n);
	CHECK(n >= 14);
	for (size_t i = 0; i < n; i++) {
		const char *base = strrchr(paths[i], '/');
		char name[256];
		snprintf(name, sizeof name, "%s", base ? base + 1 : paths[i]);
		char *dot = strstr(name, ".lesson");
		if (dot)
			*dot = '\0';
		struct fixture f;
		CHECK(open_lesson(&f, name));
		struct dv_run_options ro = { .load = dv_file_load_relative };
		struct dv_run *live = f.run ? dv_run_create(f.lesson, &ro) : NULL;
		struct dv_vpanel nd;
		dv_vpanel_init(&nd);
		unsigned steps = 0;
		while (live && dv_run_step(live)) {
			size_t pos = dv_trace_len(dv_sim_trace(dv_run_sim(live)));
			uint32_t busy = 0;
			CHECK(dv_run_eval_name(live, "ndis.inprogress", &busy, NULL));
			dv_view_seek(&f.view, pos, pos);
			dv_view_ndis(&f.view, &nd, 80);
			bool says_busy = strstr(nd.title, "InProgress TRUE") != NULL;
			if (says_busy != (busy != 0))
				fprintf(stderr,
				        "  %s at event %zu: the panel says \"%s\", ndis.inprogress is %u\n",
				        name, pos, nd.title, busy);
			CHECK(says_busy == (busy != 0));
			steps++;
		}
		CHECK(steps > 0);
		dv_vpanel_finish(&nd);
		dv_run_destroy(live);
		close_lesson(&f);
	}
	dv_lessons_list_free(paths, n);
}

/* ---- 3. the timing diagram follows the lesson's channel ------------------------------------ */

/* At the end of step k, over the last columns cycles: is the DREQ row named name, and is it
 * high in some column? Also the DACK row, on the same channel. */
static void timing_at_step(struct fixture *f, unsigned number, const char *dreq, const char *dack,
                           bool *named, bool *high)
{
	*named = *high = false;
	if (goto_number(f, number)) {
		struct dv_vtiming td;
		dv_view_timing_data(&f->view, 200, &td);
		*named = strcmp(td.name[DV_TSIG_DREQ], dreq) == 0 &&
		         strcmp(td.name[DV_TSIG_DACK], dack) == 0;
		if (!*named)
			fprintf(stderr, "  step %u: the diagram shows %s and %s, not %s and %s\n",
			        number, td.name[DV_TSIG_DREQ], td.name[DV_TSIG_DACK], dreq, dack);
		bool dq = false, dk = false;
		for (size_t c = 0; c < td.ncols; c++) {
			dq = dq || td.hi[DV_TSIG_DREQ][c];
			dk = dk || td.hi[DV_TSIG_DACK][c];
		}
		*high = dq && dk;
		/* The NIC is at the other end only on its own channel (config nic_channel). */
		const char *dev = dv_view_channel_device(&f->view, dreq[4] - '0');
		CHECK(td.device == dev);
		CHECK((dev != NULL) ==
		      (dv_sim_config(f->view.sim)->nic_channel == (uint8_t)(dreq[4] - '0')));
		struct dv_vpanel p;
		dv_vpanel_init(&p);
		dv_view_timing(&f->view, &p, 200, true);
		/* The text diagram draws the same rows: a high glyph ('#' throughout the cycle,
		 * 'n' up and down in it, '/' raised in it) in the DREQ row. */
		*high = *high && p.n > DV_TSIG_DREQ && p.line[DV_TSIG_DREQ].len > 6 &&
		        strpbrk(p.line[DV_TSIG_DREQ].text + 6, "#n/") != NULL &&
		        strncmp(p.line[DV_TSIG_DREQ].text, dreq, strlen(dreq)) == 0;
		dv_vpanel_finish(&p);
	}
}

/* 01-tour moves 16 bytes on channel 2 (no device: the lesson drives DREQ2); 14-16bit sends a
 * frame on channel 5, the second 8237A's. The diagram showed channel 1, flat, in both. */
static void test_timing_follows_the_channel(void)
{
	struct fixture f;
	bool named, high;
	CHECK(open_lesson(&f, "01-tour"));
	if (f.run) {
		timing_at_step(&f, 6, "DREQ2", "DACK2", &named, &high);
		CHECK(named);
		CHECK(high);
		CHECK(dv_view_channel_device(&f.view, 2) == NULL); /* the lesson's own DREQ2 */
	}
	close_lesson(&f);
	CHECK(open_lesson(&f, "14-16bit"));
	if (f.run) {
		timing_at_step(&f, 3, "DREQ5", "DACK5", &named, &high);
		CHECK(named);
		CHECK(high);
		const char *dev = dv_view_channel_device(&f.view, 5);
		CHECK(dev && !strcmp(dev, "NIC"));
	}
	close_lesson(&f);
	CHECK(open_lesson(&f, "12-modes"));
	if (f.run) {
		timing_at_step(&f, 1, "DREQ2", "DACK2", &named, &high);
		CHECK(named);
		CHECK(high);
	}
	close_lesson(&f);
}

/* Within each cycle: in single mode the 8237A drops HRQ at the end of every DMA cycle and
 * raises it again at the start of the CPU's, so HRQ is high in every column of 12-modes step 1
 * and yet low at a column's end and the next one's start; HLDA rises and falls inside each DMA
 * cycle. In demand mode (step 2) HLDA stays up from one cycle to the next. */
static void test_timing_within_a_cycle(void)
{
	struct fixture f;
	CHECK(open_lesson(&f, "12-modes"));
	if (!f.run) {
		close_lesson(&f);
		return;
	}
	static struct dv_vtiming td;
	CHECK(goto_number(&f, 1));
	dv_view_timing_data(&f.view, 200, &td);
	size_t notches = 0, pulses = 0;
	for (size_t c = 0; c < td.ncols; c++) {
		pulses += td.hi[DV_TSIG_HLDA][c] && !td.start[DV_TSIG_HLDA][c] &&
		          !td.end[DV_TSIG_HLDA][c];
		if (c + 1 == td.ncols)
			break;
		notches += td.hi[DV_TSIG_HRQ][c] && td.hi[DV_TSIG_HRQ][c + 1] &&
		           !td.end[DV_TSIG_HRQ][c] && !td.start[DV_TSIG_HRQ][c + 1];
		CHECK(td.end[DV_TSIG_HRQ][c] == td.start[DV_TSIG_HRQ][c + 1]);
	}
	CHECK(notches >= 15); /* between the 16 single transfers */
	CHECK(pulses >= 16);  /* one HLDA inside each DMA cycle */
	/* The terminal's text diagram shows the notches too: HRQ dropped by the end of a
	 * transfer's column and raised in the next one's ("n/" in ascii, a left then a right
	 * half block), never a solid run of high columns there. */
	struct dv_vpanel p;
	dv_vpanel_init(&p);
	dv_view_timing(&f.view, &p, 200, true);
	CHECK(p.n > DV_TSIG_HRQ && strstr(p.line[DV_TSIG_HRQ].text, "n/n/n/") != NULL);
	CHECK(p.n > DV_TSIG_HRQ && strstr(p.line[DV_TSIG_HRQ].text, "##") == NULL);
	dv_view_timing(&f.view, &p, 200, false);
	CHECK(p.n > DV_TSIG_HRQ &&
	      strstr(p.line[DV_TSIG_HRQ].text, "\xe2\x96\x8c\xe2\x96\x90\xe2\x96\x8c") != NULL);
	dv_vpanel_finish(&p);
	CHECK(goto_number(&f, 2));
	dv_view_timing_data(&f.view, 200, &td);
	size_t held = 0;
	for (size_t c = 0; c + 1 < td.ncols; c++)
		held += td.end[DV_TSIG_HLDA][c] && td.start[DV_TSIG_HLDA][c + 1];
	CHECK(held >= 8);
	close_lesson(&f);
}

/* The channel the panels are about is the one the lesson programs: a single-mask write for
 * channel 2 names channel 2, before any other register of it changed. */
static void test_active_channel_is_the_programmed_one(void)
{
	struct fixture f;
	CHECK(open_lesson(&f, "01-tour"));
	if (f.run) {
		struct dv_vpanel dma;
		dv_vpanel_init(&dma);
		CHECK(goto_number(&f, 2));
		dv_view_dma(&f.view, &dma);
		CHECK(panel_has(&dma, "channel 2 "));
		CHECK(panel_has(&dma, "mask set"));
		dv_vpanel_finish(&dma);
	}
	close_lesson(&f);
}

/* ---- 4. the NIC's registers in words (docs/nic.md section 3) ---------------------------------- */

static void test_nic_in_words(void)
{
	struct fixture f;
	CHECK(open_lesson(&f, "03-send"));
	if (f.run) {
		struct dv_vpanel nic;
		dv_vpanel_init(&nic);
		/* Step 1 ends with the receive set up: RXEN | DMARX, interrupts on RXDONE and
		 * OVERRUN. */
		CHECK(goto_number(&f, 1));
		dv_view_nic(&f.view, &nic);
		CHECK(panel_has(&nic, "CMD 0x0a RXEN|DMARX"));
		CHECK(panel_has(&nic, "IMR 0x0a RXDONE|OVERRUN"));
		/* Step 3: the frame goes out: DMATX | TXGO. */
		CHECK(goto_number(&f, 3));
		dv_view_nic(&f.view, &nic);
		CHECK(panel_has(&nic, "CMD 0x05 TXGO|DMATX"));
		CHECK(panel_has(&nic, "ISR 0x00 none"));
		/* The interrupt: TXDONE in ISR, and the line it drives. */
		size_t p = dv_view_find(&f.view, DV_UNTIL_IRQ);
		CHECK(p > 0);
		dv_view_seek(&f.view, p, f.view.pos);
		dv_view_nic(&f.view, &nic);
		CHECK(panel_has(&nic, "ISR 0x01 TXDONE"));
		CHECK(panel_has(&nic, "IRQ5 high"));
		dv_vpanel_finish(&nic);
	}
	close_lesson(&f);
}

/* ---- 5. memory: the transfer the channel holds now ----------------------------------------- */

/* 04-receive: a frame landed in the receive area (step 2); the driver completed the receive and
 * set up the next one over the whole area (steps 3-4). The memory panel then shows where the
 * next frame goes, not the old frame's last byte. */
static void test_memory_follows_the_new_setup(void)
{
	struct fixture f;
	CHECK(open_lesson(&f, "04-receive"));
	if (f.run) {
		struct dv_vpanel mem;
		dv_vpanel_init(&mem);
		CHECK(goto_number(&f, 2));
		dv_view_memory(&f.view, &mem, 2, 80);
		CHECK(panel_has(&mem, "(last DMA transfer)"));
		CHECK(goto_number(&f, 4));
		dv_view_memory(&f.view, &mem, 2, 80);
		CHECK(panel_has(&mem, "Memory at 0x101000 (next DMA address)"));
		size_t xfer = 0;
		CHECK_EQ(dv_view_memory_addr(&f.view, &xfer), 0x101000);
		CHECK_EQ(xfer, SIZE_MAX);
		dv_vpanel_finish(&mem);
	}
	close_lesson(&f);
}

/* ---- 4. text goldens of every panel -------------------------------------------------------- */

/* Every panel at a few moments of shipped lessons, as text with its roles, compared line by
 * line with tests/view/golden/LESSON-MOMENT.txt (DV_REGEN=1 rewrites them; review the diff). A panel is
 * "== NAME: TITLE", then each line as "| TEXT" and, when any byte of it is not in the normal
 * role, "~ ROLES": one letter a byte (. normal, H heading, C changed, L highlight, D dim,
 * E error, F fading). The sizes are the terminal UI's at 80x24 or near it. */
static const char golden_dir[] = "tests/view/golden";

static void golden_panel(FILE *f, const char *name, const struct dv_vpanel *p)
{
	static const char letters[DV_ROLE_COUNT] = {
		[DV_ROLE_NORMAL] = '.',    [DV_ROLE_HEADING] = 'H', [DV_ROLE_CHANGED] = 'C',
		[DV_ROLE_HIGHLIGHT] = 'L', [DV_ROLE_DIM] = 'D',     [DV_ROLE_ERROR] = 'E',
		[DV_ROLE_FADING] = 'F',
	};
	fprintf(f, "== %s: %s\n", name, p->title);
	for (size_t i = 0; i < p->n; i++) {
		const struct dv_vline *l = &p->line[i];
		fprintf(f, "| %.*s\n", (int)l->len, l->text ? l->text : "");
		bool styled = false;
		for (size_t k = 0; k < l->len; k++)
			styled = styled || l->roles[k] != DV_ROLE_NORMAL;
		if (!styled)
			continue;
		fputs("~ ", f);
		for (size_t k = 0; k < l->len; k++)
			fputc(l->roles[k] < DV_ROLE_COUNT ? letters[l->roles[k]] : '?', f);
		fputc('\n', f);
	}
}

/* All the panels at the view's position, as golden_panel writes them (malloc'd). */
static char *golden_text(struct dv_view *v)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	struct dv_vpanel p;
	dv_vpanel_init(&p);
	dv_view_narration(v, &p, 38);
	golden_panel(f, "narration", &p);
	dv_view_dma(v, &p);
	golden_panel(f, "dma", &p);
	dv_view_nic(v, &p);
	golden_panel(f, "nic", &p);
	dv_view_ndis(v, &p, 40);
	golden_panel(f, "ndis", &p);
	dv_view_log(v, &p, 8);
	golden_panel(f, "log", &p);
	dv_view_source(v, &p, 10);
	golden_panel(f, "source", &p);
	dv_view_memory(v, &p, 6, 64);
	golden_panel(f, "memory", &p);
	dv_view_timing(v, &p, 60, false);
	golden_panel(f, "timing", &p);
	dv_vpanel_finish(&p);
	fclose(f);
	return buf;
}

/* Compares text with the golden file line by line, naming the first line that differs. */
static bool golden_compare(const char *lesson, const char *moment, const char *text)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s-%s.txt", golden_dir, lesson, moment);
	const char *regen = getenv("DV_REGEN");
	if (regen && !strcmp(regen, "1")) {
		FILE *f = fopen(path, "w");
		bool ok = f && fputs(text, f) >= 0;
		ok = f && fclose(f) == 0 && ok;
		fprintf(stderr, "  %s %s\n", ok ? "rewrote" : "cannot write", path);
		return ok;
	}
	size_t len = 0;
	char *want = dv_file_read(path, 1u << 20, &len);
	if (!want) {
		fprintf(stderr, "  %s: missing (DV_REGEN=1 writes it)\n", path);
		return false;
	}
	const char *g = text, *w = want;
	unsigned line = 1;
	bool same = true;
	while (*g || *w) {
		size_t gn = strcspn(g, "\n"), wn = strcspn(w, "\n");
		if (gn != wn || strncmp(g, w, gn)) {
			fprintf(stderr, "  %s:%u differs:\n  got:  %.*s\n  want: %.*s\n", path,
			        line, (int)gn, g, (int)wn, w);
			same = false;
			break;
		}
		g += gn + (g[gn] == '\n');
		w += wn + (w[wn] == '\n');
		line++;
	}
	free(want);
	return same;
}

/* Moves the view to a moment of the lesson open in f. */
static void golden_move(struct fixture *f, const char *moment)
{
	if (!strcmp(moment, "step1") || !strcmp(moment, "step2")) {
		CHECK(goto_number(f, moment[4] == '1' ? 1 : 2));
	} else if (!strcmp(moment, "tc")) {
		/* Run until the terminal count, from the start of the lesson. */
		dv_view_command(&f->view, DV_VCMD_FIRST);
		size_t p = dv_view_find(&f->view, DV_UNTIL_TC);
		CHECK(p > f->view.pos);
		dv_view_seek(&f->view, p, f->view.pos);
	} else if (!strcmp(moment, "port")) {
		/* Four port accesses after step 1 (the tour's own out statements, so the
		 * source pane shows the lesson): port granularity, a changed value, the current
		 * event, the flip-flop. */
		CHECK(goto_number(f, 1));
		f->view.gran = DV_GRAN_PORT;
		for (int k = 0; k < 4; k++)
			CHECK(dv_view_command(&f->view, DV_VCMD_NEXT));
		f->view.gran = DV_GRAN_STEP;
	} else {
		CHECK(dv_view_command(&f->view, DV_VCMD_LAST) || f->view.pos == f->view.end);
	}
}

static void test_panel_goldens(void)
{
	static const struct {
		const char *lesson, *moment;
	} moments[] = {
		{ "03-send", "step1" }, { "03-send", "step2" }, { "03-send", "tc" },
		{ "03-send", "end" },   { "01-tour", "port" },
	};
	for (size_t m = 0; m < sizeof moments / sizeof moments[0]; m++) {
		struct fixture f;
		CHECK(open_lesson(&f, moments[m].lesson));
		if (!f.run) {
			close_lesson(&f);
			continue;
		}
		golden_move(&f, moments[m].moment);
		char *text = golden_text(&f.view);
		CHECK(text != NULL);
		if (text)
			CHECK(golden_compare(moments[m].lesson, moments[m].moment, text));
		free(text);
		close_lesson(&f);
	}
}

int main(int argc, char **argv)
{
	if (argc > 1)
		lessons_dir = argv[1];
	static const struct check_case cases[] = {
		CHECK_CASE(test_port_unit_shows_the_write),
		CHECK_CASE(test_until_tc_shows_the_tc),
		CHECK_CASE(test_ndis_busy),
		CHECK_CASE(test_ndis_busy_matches_the_model),
		CHECK_CASE(test_timing_follows_the_channel),
		CHECK_CASE(test_timing_within_a_cycle),
		CHECK_CASE(test_active_channel_is_the_programmed_one),
		CHECK_CASE(test_nic_in_words),
		CHECK_CASE(test_memory_follows_the_new_setup),
		CHECK_CASE(test_panel_goldens),
	};
	return check_run(cases, (int)(sizeof cases / sizeof cases[0]));
}

/* dmaviz: the interactive quiz (quizui.h). The layout, top to bottom: a title bar with the
 * seed, the scenario (the text of dv_quiz_format up to its question list, word-wrapped), the
 * answers given so far (the newest that fit), then the current question, the input line and a
 * status line. */
#define _XOPEN_SOURCE_EXTENDED 1
#include "quizui.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

#define INPUT_MAX 60

struct dv_quizui {
	struct dv_quiz q;
	char *text;       /* dv_quiz_format's text */
	char *scen_buf;   /* the scenario, its paragraphs joined into lines */
	const char *scen; /* the scenario: from after the header to the question list */
	size_t scen_len;
	const char *desc[DV_QUIZ_NQUESTIONS]; /* each question's line in the list ("  id  what") */
	size_t desc_len[DV_QUIZ_NQUESTIONS];
	unsigned cur; /* the question asked now; DV_QUIZ_NQUESTIONS: all answered */
	bool right[DV_QUIZ_NQUESTIONS];
	char given[DV_QUIZ_NQUESTIONS][INPUT_MAX + 1];
	char input[INPUT_MAX + 1];
	size_t len;
	char msg[200]; /* feedback on the status line */
	/* The replay (w): loaded on first use, then kept. */
	struct dv_quiz_replay rp;
	bool rp_loaded;
	bool watching, playing;
	size_t at; /* the frame shown */
	long stop; /* the frame playing pauses on (the answer watched), -1: the end */
	int focus; /* the question watched, -1: all */
};

/* Frame times while playing: DMA cycles go by faster than the CPU's port writes. */
#define REPLAY_MS 500
#define REPLAY_XFER_MS 250

struct dv_quizui *dv_quizui_open(const struct dv_quiz *q)
{
	struct dv_quizui *u = calloc(1, sizeof *u);
	if (!u)
		return NULL;
	u->q = *q;
	size_t n = dv_quiz_format(q, false, NULL, 0);
	u->text = malloc(n + 1);
	if (!u->text) {
		free(u);
		return NULL;
	}
	dv_quiz_format(q, false, u->text, n + 1);
	/* The first line is "dmaviz quiz --seed N" (the title bar says it), then a blank line. */
	const char *s = u->text;
	const char *nl = strchr(s, '\n');
	s = nl ? nl + 1 : s + strlen(s);
	while (*s == '\n')
		s++;
	const char *list = strstr(s, "\nQuestions");
	/* The text is wrapped for a wide terminal: join the lines of each paragraph (indented
	 * lines, the call, stay as they are) so that the screen wraps them at its own width. */
	size_t slen = list ? (size_t)(list - s) : strlen(s);
	u->scen_buf = malloc(slen + 1);
	if (!u->scen_buf) {
		free(u->text);
		free(u);
		return NULL;
	}
	size_t o = 0;
	for (size_t i = 0; i < slen; i++) {
		char ch = s[i];
		if (ch == '\n' && i > 0 && s[i - 1] != '\n' && s[i - 1] != ' ' && i + 1 < slen &&
		    s[i + 1] != '\n' && s[i + 1] != ' ') {
			/* inside a paragraph: unless this line or the one before is indented */
			size_t b = i;
			while (b > 0 && s[b - 1] != '\n')
				b--;
			if (s[b] != ' ')
				ch = ' ';
		}
		u->scen_buf[o++] = ch;
	}
	u->scen_buf[o] = '\0';
	u->scen = u->scen_buf;
	u->scen_len = o;
	/* The question list: lines "  id   description". */
	for (const char *l = list ? list + 1 : s + strlen(s); *l;) {
		const char *e = strchr(l, '\n');
		size_t ll = e ? (size_t)(e - l) : strlen(l);
		if (ll > 2 && l[0] == ' ' && l[1] == ' ') {
			const char *id = l + 2;
			size_t idl = strcspn(id, " \n");
			for (unsigned i = 0; i < DV_QUIZ_NQUESTIONS; i++)
				if (strlen(dv_quiz_id(i)) == idl &&
				    !strncmp(dv_quiz_id(i), id, idl)) {
					u->desc[i] = l;
					u->desc_len[i] = ll;
				}
		}
		l = e ? e + 1 : l + ll;
	}
	snprintf(u->msg, sizeof u->msg,
	         "Numbers in hex (0x..) or decimal; yes/no; 'none' when "
	         "Setup fails. Enter answers, Esc quits.");
	return u;
}

void dv_quizui_close(struct dv_quizui *u)
{
	if (!u)
		return;
	free(u->text);
	free(u->scen_buf);
	dv_quiz_replay_free(&u->rp);
	free(u);
}

unsigned dv_quizui_answered(const struct dv_quizui *u, unsigned *right)
{
	unsigned r = 0;
	for (unsigned i = 0; i < u->cur; i++)
		r += u->right[i];
	if (right)
		*right = r;
	return u->cur;
}

/* Word-wraps s[0, len) into width columns from row y; draws only the rows above limit. Returns the
 * row after the text. */
static int draw_wrapped(int y, int x, int width, int limit, const char *s, size_t len)
{
	const char *end = s + len;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *le = nl ? nl : end;
		do {
			size_t n = (size_t)(le - s);
			if (width > 0 && n > (size_t)width) {
				/* break at the last space that fits; indent-only lines are kept */
				size_t indent = strspn(s, " ");
				size_t cut = (size_t)width;
				while (cut > indent && s[cut] != ' ')
					cut--;
				n = cut > indent ? cut : (size_t)width;
			}
			if (y < limit)
				mvaddnstr(y, x, s, (int)n);
			y++;
			s += n;
			while (s < le && *s == ' ')
				s++; /* the spaces the line broke at */
		} while (s < le);
		s = nl ? nl + 1 : end;
	}
	return y;
}

static void draw_replay(struct dv_quizui *u);

void dv_quizui_draw(struct dv_quizui *u)
{
	if (u->watching) {
		draw_replay(u);
		return;
	}
	erase();
	int H = LINES, W = COLS;
	unsigned right = 0, answered = dv_quizui_answered(u, &right);
	bool done = u->cur >= DV_QUIZ_NQUESTIONS;
	/* the title bar */
	attron(A_REVERSE);
	mvhline(0, 0, ' ', W);
	mvprintw(0, 1, "dmaviz quiz --seed %llu", (unsigned long long)u->q.seed);
	char right_part[80];
	if (done)
		snprintf(right_part, sizeof right_part, "done: %u of %u right", right, answered);
	else
		snprintf(right_part, sizeof right_part, "question %u of %u  %u right", u->cur + 1,
		         (unsigned)DV_QUIZ_NQUESTIONS, right);
	int rx = W - 1 - (int)strlen(right_part);
	if (rx > 25)
		mvaddstr(0, rx, right_part);
	attroff(A_REVERSE);
	/* the bottom: a blank row, two rows of question or summary, the input, the status line */
	int bottom = H - 5; /* the last row the scenario and the answers may use */
	int y = draw_wrapped(1, 1, W - 2, bottom + 1, u->scen, u->scen_len);
	/* the answers so far, the newest that fit below the scenario (after a blank row) */
	int room = bottom - y; /* rows y+1 .. bottom */
	unsigned fit = room > 0 ? (unsigned)room : 0;
	/* While asking, the newest that fit; at the end, the wrong ones first. */
	unsigned order[DV_QUIZ_NQUESTIONS], n = 0;
	for (unsigned pass = 0; pass < 2; pass++)
		for (unsigned i = 0; i < answered; i++)
			if (!done ? pass == 0 : (pass == 0) != u->right[i])
				order[n++] = i;
	unsigned first = n > fit ? (done ? 0 : n - fit) : 0;
	for (unsigned k = first; k < n && k - first < fit; k++) {
		unsigned i = order[k];
		char right_val[64], line[256];
		dv_quiz_answer(&u->q, i, right_val, sizeof right_val);
		if (u->right[i])
			snprintf(line, sizeof line, "%-9s %s", dv_quiz_id(i), u->given[i]);
		else
			snprintf(line, sizeof line, "%-9s %s (correct: %s)", dv_quiz_id(i),
			         u->given[i], right_val);
		int row = y + 1 + (int)(k - first);
		attron(A_BOLD | (u->right[i] ? 0 : A_UNDERLINE));
		mvaddstr(row, 1, u->right[i] ? "right" : "wrong");
		attroff(A_BOLD | A_UNDERLINE);
		mvaddnstr(row, 8, line, W - 9 > 0 ? W - 9 : 0);
	}
	if (done) {
		attron(A_BOLD);
		mvprintw(H - 4, 1, "%u of %u right", right, answered);
		attroff(A_BOLD);
		mvprintw(H - 3, 1,
		         "This problem again: dmaviz quiz --seed %llu   (--solve shows the "
		         "reasoning)",
		         (unsigned long long)u->q.seed);
		mvaddnstr(H - 1, 1, "w watches the PC work it out; q, Enter or Esc quits", W - 2);
		curs_set(0);
		return;
	}
	if (u->desc[u->cur]) {
		/* "  id  what": without the indent */
		mvaddnstr(H - 4, 1, u->desc[u->cur] + 2,
		          (int)u->desc_len[u->cur] - 2 < W - 2 ? (int)u->desc_len[u->cur] - 2 :
		                                                 W - 2);
	}
	attron(A_BOLD);
	mvprintw(H - 3, 1, "%s: ", dv_quiz_id(u->cur));
	attroff(A_BOLD);
	int ix = 1 + (int)strlen(dv_quiz_id(u->cur)) + 2;
	mvaddnstr(H - 3, ix, u->input, W - ix - 1 > 0 ? W - ix - 1 : 0);
	mvaddnstr(H - 1, 1, u->msg, W - 2);
	move(H - 3, ix + (int)u->len < W - 1 ? ix + (int)u->len : W - 1);
	curs_set(1);
}

static void submit(struct dv_quizui *u)
{
	unsigned i = u->cur;
	char right_val[64];
	dv_quiz_answer(&u->q, i, right_val, sizeof right_val);
	u->right[i] = dv_quiz_check(&u->q, i, u->input);
	snprintf(u->given[i], sizeof u->given[i], "%s", u->input);
	if (u->right[i])
		snprintf(u->msg, sizeof u->msg, "Right: %s is %s. w: watch the PC get there.",
		         dv_quiz_id(i), right_val);
	else
		snprintf(u->msg, sizeof u->msg,
		         "Wrong: %s is %s (you said %s). w: watch the PC get there.", dv_quiz_id(i),
		         right_val, u->input);
	u->cur++;
	u->len = 0;
	u->input[0] = '\0';
}

/* ---- the replay ------------------------------------------------------------------------------ */

/* Opens the replay on question focus (-1: the whole run), playing from the start. */
static void watch(struct dv_quizui *u, int focus)
{
	if (!u->rp_loaded) {
		if (!dv_quiz_replay(&u->q, &u->rp)) {
			snprintf(u->msg, sizeof u->msg,
			         "The replay could not run (out of memory).");
			return;
		}
		u->rp_loaded = true;
	}
	if (!u->rp.n)
		return;
	u->watching = true;
	u->focus = focus;
	u->stop = focus >= 0 ? dv_quiz_replay_find(&u->rp, (unsigned)focus) : -1;
	u->at = 0;
	u->playing = u->stop != 0 && u->rp.n > 1;
}

int dv_quizui_timeout(const struct dv_quizui *u)
{
	if (!u->watching || !u->playing || u->at + 1 >= u->rp.n)
		return -1;
	return u->rp.frame[u->at + 1].transfer ? REPLAY_XFER_MS : REPLAY_MS;
}

void dv_quizui_tick(struct dv_quizui *u)
{
	if (!u->watching || !u->playing)
		return;
	if (u->at + 1 < u->rp.n)
		u->at++;
	if (u->at + 1 >= u->rp.n || (long)u->at == u->stop)
		u->playing = false;
}

static void replay_key(struct dv_quizui *u, int key)
{
	size_t n = u->rp.n;
	switch (key) {
	case 'w':
	case 'W':
	case 'q':
	case 'Q':
	case 27:
	case '\n':
	case '\r':
	case KEY_ENTER: u->watching = u->playing = false; break;
	case 'p':
	case ' ':
		if (u->at + 1 >= n)
			u->at = 0; /* at the end: play it again */
		u->playing = !u->playing;
		if (u->playing && (long)u->at >= u->stop)
			u->stop = -1; /* past the answer: on to the end */
		break;
	case 'j':
	case '.':
	case KEY_RIGHT:
	case KEY_DOWN:
		u->playing = false;
		if (u->at + 1 < n)
			u->at++;
		break;
	case 'k':
	case ',':
	case KEY_LEFT:
	case KEY_UP:
		u->playing = false;
		if (u->at)
			u->at--;
		break;
	case 'n':
		u->playing = false;
		for (size_t i = u->at + 1; i < n; i++)
			if (u->rp.frame[i].question >= 0) {
				u->at = i;
				break;
			}
		break;
	case 'g':
	case KEY_HOME:
		u->playing = false;
		u->at = 0;
		break;
	case 'G':
	case KEY_END:
		u->playing = false;
		u->at = n ? n - 1 : 0;
		break;
	default: break;
	}
}

static void draw_replay(struct dv_quizui *u)
{
	erase();
	int H = LINES, W = COLS;
	const struct dv_quiz *q = &u->q;
	const struct dv_quiz_frame *f = &u->rp.frame[u->at];
	attron(A_REVERSE);
	mvhline(0, 0, ' ', W);
	mvprintw(0, 1, "quiz --seed %llu: how the PC answers%s%s", (unsigned long long)q->seed,
	         u->focus >= 0 ? " " : "", u->focus >= 0 ? dv_quiz_id((unsigned)u->focus) : "");
	char right_part[60];
	snprintf(right_part, sizeof right_part, "%s %zu/%zu", u->playing ? "playing" : "paused",
	         u->at + 1, u->rp.n);
	int rx = W - 1 - (int)strlen(right_part);
	if (rx > 40)
		mvaddstr(0, rx, right_part);
	attroff(A_REVERSE);
	/* The channel's registers after the frame's event. */
	uint32_t phys = q->width16 ? ((uint32_t)(f->page & 0xFE) << 16) | ((uint32_t)f->addr << 1) :
	                             ((uint32_t)f->page << 16) | f->addr;
	mvprintw(1, 1,
	         "8237A ch%u (DMA%u, %s)  mode 0x%02X  page 0x%02X  %s  DREQ%u %s  cycle %llu",
	         (unsigned)q->channel, q->width16 ? 2u : 1u, q->width16 ? "16-bit" : "8-bit",
	         f->mode, f->page, f->masked ? "masked" : "unmasked", (unsigned)q->channel,
	         f->dreq ? "up" : "down", (unsigned long long)f->cycle);
	mvprintw(2, 1,
	         "address 0x%04X (base 0x%04X)  count 0x%04X (base 0x%04X)  flip-flop: %s next",
	         f->addr, f->base_addr, f->count, f->base_count, f->flipflop ? "high" : "low");
	mvprintw(3, 1, "the 8237A points at physical 0x%06X%s", (unsigned)phys,
	         q->width16 ? " (word address << 1, page bit 0 dropped)" :
	                      " (page << 16 | address)");
	mvhline(4, 0, '-', W);
	/* The events so far, the current one last and bold; then its whole text, wrapped. */
	int list_top = 5, list_bottom = H - 5; /* rows list_top .. list_bottom */
	int rows = list_bottom - list_top + 1;
	size_t first = rows > 0 && u->at + 1 > (size_t)rows ? u->at + 1 - (size_t)rows : 0;
	for (size_t i = first; i <= u->at && rows > 0; i++) {
		const struct dv_quiz_frame *e = &u->rp.frame[i];
		char line[300];
		snprintf(line, sizeof line, "%6llu %-9s %s", (unsigned long long)e->cycle,
		         e->question >= 0 ? dv_quiz_id((unsigned)e->question) : "", e->text);
		if (i == u->at)
			attron(A_BOLD);
		mvaddnstr(list_top + (int)(i - first), 1, line, W - 2 > 0 ? W - 2 : 0);
		attroff(A_BOLD);
	}
	mvhline(H - 4, 0, '-', W);
	draw_wrapped(H - 3, 1, W - 2, H - 1, f->text, strlen(f->text));
	if (f->question >= 0) {
		/* The answer this event gives, beside what the learner said. */
		unsigned qi = (unsigned)f->question;
		char a[64], line[200];
		dv_quiz_answer(q, qi, a, sizeof a);
		if (qi < u->cur)
			snprintf(line, sizeof line, "=> %s: %s (you said %s)", dv_quiz_id(qi), a,
			         u->given[qi]);
		else
			snprintf(line, sizeof line, "=> %s: %s", dv_quiz_id(qi), a);
		attron(A_BOLD);
		mvaddnstr(H - 1, 1, line, W - 2);
		attroff(A_BOLD);
	} else {
		mvaddnstr(H - 1, 1, "j/k step  p play/pause  n next answer  g/G start/end  w back",
		          W - 2);
	}
	curs_set(0);
}

bool dv_quizui_key(struct dv_quizui *u, int key)
{
	if (key == KEY_RESIZE)
		return true;
	if (u->watching) {
		replay_key(u, key);
		return true;
	}
	/* w on an empty line: watch the last answer (on the summary, the whole run). */
	if ((key == 'w' || key == 'W') && u->len == 0 && u->cur > 0) {
		watch(u, u->cur >= DV_QUIZ_NQUESTIONS ? -1 : (int)u->cur - 1);
		return true;
	}
	if (u->cur >= DV_QUIZ_NQUESTIONS)
		return !(key == 'q' || key == 'Q' || key == 27 || key == '\n' || key == '\r' ||
		         key == KEY_ENTER);
	if (key == 27 || ((key == 'q' || key == 'Q') && u->len == 0))
		return false;
	if (key == '\n' || key == '\r' || key == KEY_ENTER) {
		if (u->len == 0)
			snprintf(u->msg, sizeof u->msg, "Type an answer to %s, or q to quit.",
			         dv_quiz_id(u->cur));
		else
			submit(u);
	} else if (key == KEY_BACKSPACE || key == 127 || key == 8) {
		if (u->len)
			u->input[--u->len] = '\0';
	} else if (key == 21) { /* ^U */
		u->len = 0;
		u->input[0] = '\0';
	} else if (key >= 32 && key < 127 && u->len < INPUT_MAX) {
		u->input[u->len++] = (char)key;
		u->input[u->len] = '\0';
	}
	return true;
}

int dv_quizui_main(const struct dv_quiz *q)
{
	struct dv_quizui *u = dv_quizui_open(q);
	if (!u) {
		fprintf(stderr, "dmaviz quiz: out of memory\n");
		return 2;
	}
	if (!dv_tui_screen_start()) {
		dv_quizui_close(u);
		return 2;
	}
	for (;;) {
		dv_quizui_draw(u);
		int key = dv_tui_screen_key_wait(dv_quizui_timeout(u));
		if (key == DV_TUI_KEY_TICK) {
			dv_quizui_tick(u);
			continue;
		}
		if (key == ERR || !dv_quizui_key(u, key))
			break;
	}
	unsigned right = 0, answered = dv_quizui_answered(u, &right);
	dv_quizui_close(u);
	dv_tui_screen_end(); /* dies of a signal here, the terminal restored */
	printf("%u of %u right (%u answered)\ndmaviz quiz --seed %llu\n", right,
	       (unsigned)DV_QUIZ_NQUESTIONS, answered, (unsigned long long)q->seed);
	return right == DV_QUIZ_NQUESTIONS ? 0 : 1;
}

/* dmaviz: the terminal UI's panel text of a walk through a lesson, for the web page's browser
 * test (tests/web/browser.test.mjs) to compare with what the page shows.
 *
 *   web-expect LESSON MOVE...
 *
 * A MOVE is "j" (next), "k" (back), "h" (a hint) or "=TEXT" (answer the open question with
 * TEXT). After
 * each move it prints one JSON object on a line: the move and each panel's text (lines joined
 * by "\n"), built by the view's functions as ui/tui/tui.c calls them, at the sizes of a
 * 120-column terminal that web/api.h fixes. Exit 2 when the lesson does not open. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "export.h"
#include "lecture.h"
#include "session.h"

static void out(void *ctx, const char *buf, size_t len)
{
	fwrite(buf, 1, len, ctx);
}

static void panel(const char *key, struct dv_vpanel *p)
{
	size_t len = 1;
	for (size_t i = 0; i < p->n; i++)
		len += p->line[i].len + 1;
	char *text = calloc(1, len);
	if (!text)
		exit(1);
	for (size_t i = 0, at = 0; i < p->n; i++) {
		memcpy(text + at, p->line[i].text, p->line[i].len);
		at += p->line[i].len;
		if (i + 1 < p->n)
			text[at++] = '\n';
	}
	printf(",\"%s\":", key);
	dv_json_string(out, stdout, text);
	free(text);
	dv_vpanel_clear(p);
}

static void dump(struct dv_session *s, const char *move)
{
	struct dv_view *v = &s->view;
	struct dv_vpanel p;
	dv_vpanel_init(&p);
	printf("{\"move\":");
	dv_json_string(out, stdout, move);
	printf(",\"step\":%u", dv_view_step_number(v, v->step));
	dv_view_narration(v, &p, DVW_LEFT_COLS);
	panel("narration", &p);
	int a = dv_session_ask(s);
	if (a >= 0) {
		dv_session_question(s, a, &p, DVW_LEFT_COLS);
		panel("question", &p);
	}
	dv_view_source(v, &p, DVW_SOURCE_ROWS);
	panel("source", &p);
	dv_view_dma(v, &p);
	panel("dma", &p);
	dv_view_nic(v, &p);
	panel("nic", &p);
	dv_view_ndis(v, &p, DVW_RIGHT_COLS);
	panel("ndis", &p);
	dv_view_memory(v, &p, DVW_MEMORY_ROWS, DVW_RIGHT_COLS);
	panel("memory", &p);
	dv_lecture_panel(v, &p, DVW_RIGHT_COLS);
	panel("map", &p);
	dv_view_log(v, &p, DVW_LOG_ROWS);
	panel("log", &p);
	printf("}\n");
	dv_vpanel_finish(&p);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: web-expect LESSON MOVE...\n");
		return 2;
	}
	char err[2000];
	struct dv_session *s = dv_session_open(argv[1], NULL, err, sizeof err);
	if (!s) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	dump(s, "open");
	for (int i = 2; i < argc; i++) {
		if (argv[i][0] == '=')
			dv_session_answer(s, argv[i] + 1);
		else if (argv[i][0] == 'h')
			dv_session_hint(s);
		else
			dv_session_move(s, argv[i][0] == 'k' ? DV_VCMD_PREV : DV_VCMD_NEXT);
		dump(s, argv[i]);
	}
	dv_session_close(s);
	return 0;
}

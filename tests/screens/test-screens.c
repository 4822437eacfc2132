/* dmaviz: terminal UI screen tests. Each case opens a lesson on a virtual curses screen
 * (newterm to /dev/null) of a given size, feeds keys through the same dv_tui_key path the
 * interactive loop uses, dumps the screen as text and compares it with CASE.screen.
 * DV_REGEN=1 rewrites the .screen files; review the diff.
 *
 * usage: test-screens SRCDIR CASE
 */
#define _XOPEN_SOURCE_EXTENDED 1
#include <curses.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui.h"

#define LESSON "lessons/03-send.lesson"

struct scase {
	const char *name;
	int lines, cols;
	const char *keys;
	const char *same_as; /* another case whose dump must be identical */
};

static const struct scase cases[] = {
	{ "start-80x24", 24, 80, "", NULL },
	{ "next1-80x24", 24, 80, "j", NULL },
	{ "next2-80x24", 24, 80, "jj", NULL },
	{ "back-80x24", 24, 80, "jjk", "next1-80x24" },
	{ "event-back-80x24", 24, 80, "j..,,", "next1-80x24" },
	{ "next2-120x40", 40, 120, "jj", NULL },
	{ "small-40x10", 10, 40, "j", NULL },
	{ "help-80x24", 24, 80, "?", NULL },
};

static const struct scase *find_case(const char *name)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		if (strcmp(cases[i].name, name) == 0)
			return &cases[i];
	return NULL;
}

/* Opens a virtual screen of the case's size, runs its keys, and returns the dump (malloc'd).
 * changed_ok, when not NULL, is set to whether the text "0x09" (channel 1's new mode byte
 * after the send) is drawn bold and reversed: the non-colour cue of a changed value. */
static char *render(const struct scase *c, bool *changed_ok)
{
	char num[16];
	snprintf(num, sizeof num, "%d", c->lines);
	setenv("LINES", num, 1);
	snprintf(num, sizeof num, "%d", c->cols);
	setenv("COLUMNS", num, 1);
	FILE *out = fopen("/dev/null", "w"), *in = fopen("/dev/null", "r");
	if (!out || !in) {
		perror("/dev/null");
		exit(2);
	}
	SCREEN *scr = newterm(NULL, out, in);
	if (!scr) {
		fprintf(stderr, "newterm failed (is TERM set?)\n");
		exit(2);
	}
	set_term(scr);
	struct dv_tui_options opt = { .color = true, .ascii = false };
	struct dv_tui *t = dv_tui_open(LESSON, &opt);
	if (!t) {
		endwin();
		delscreen(scr);
		exit(2);
	}
	dv_tui_setup_screen(t);
	for (const char *k = c->keys; *k; k++)
		dv_tui_key(t, *k);
	dv_tui_draw(t);

	size_t cap = (size_t)(LINES * (COLS * 4 + 2) + 1), len = 0;
	char *dump = malloc(cap);
	char *row = malloc((size_t)COLS * 4 + 1);
	if (changed_ok)
		*changed_ok = false;
	for (int y = 0; y < LINES; y++) {
		int n = mvinnstr(y, 0, row, COLS * 4);
		if (n < 0)
			n = 0;
		row[n] = '\0';
		while (n > 0 && row[n - 1] == ' ')
			row[--n] = '\0';
		memcpy(dump + len, row, (size_t)n);
		len += (size_t)n;
		dump[len++] = '\n';
		char *hit = changed_ok ? strstr(row, "mode 0x09") : NULL;
		if (hit) {
			chtype ch = mvinch(y, (int)(hit - row) + 5);
			*changed_ok = (ch & A_BOLD) && (ch & A_REVERSE);
		}
	}
	dump[len] = '\0';
	free(row);
	dv_tui_close(t);
	endwin();
	delscreen(scr);
	fclose(out);
	fclose(in);
	return dump;
}

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = malloc(1 << 20);
	size_t n = buf ? fread(buf, 1, (1 << 20) - 1, f) : 0;
	fclose(f);
	if (buf)
		buf[n] = '\0';
	return buf;
}

/* Compares a dump with its .screen file (or rewrites it under DV_REGEN=1). */
static int compare(const char *name, const char *dump)
{
	char path[512];
	snprintf(path, sizeof path, "tests/screens/%s.screen", name);
	const char *regen = getenv("DV_REGEN");
	if (regen && strcmp(regen, "1") == 0) {
		FILE *f = fopen(path, "wb");
		if (!f || fputs(dump, f) < 0 || fclose(f) != 0) {
			perror(path);
			return 1;
		}
		printf("rewrote %s\n", path);
		return 0;
	}
	char *want = read_text(path);
	if (!want) {
		fprintf(stderr, "%s: missing; run with DV_REGEN=1 to create it\n", path);
		return 1;
	}
	int bad = strcmp(want, dump) != 0;
	if (bad)
		fprintf(stderr, "%s differs. Got:\n%s\n--- want:\n%s\n", path, dump, want);
	free(want);
	return bad;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: test-screens SRCDIR CASE\n");
		return 2;
	}
	/* Paths in dumps are relative to the source tree, so every checkout renders the same. */
	if (chdir(argv[1]) != 0) {
		perror(argv[1]);
		return 2;
	}
	setlocale(LC_ALL, "C.UTF-8");
	if (strcmp(argv[2], "changed-attr") == 0) {
		bool ok = false;
		free(render(find_case("next1-80x24"), &ok));
		if (!ok)
			fprintf(stderr, "the changed mode byte 0x09 is not drawn bold + reverse\n");
		return ok ? 0 : 1;
	}
	const struct scase *c = find_case(argv[2]);
	if (!c) {
		fprintf(stderr, "unknown case %s\n", argv[2]);
		return 2;
	}
	char *dump = render(c, NULL);
	int bad = compare(c->name, dump);
	if (c->same_as) {
		/* Time travel must be exact: going back shows the very screen seen going forward. */
		char *other = render(find_case(c->same_as), NULL);
		if (strcmp(other, dump) != 0) {
			fprintf(stderr, "%s is not identical to %s\n", c->name, c->same_as);
			bad = 1;
		}
		free(other);
	}
	free(dump);
	return bad;
}

/* dmaviz: the key table (keymap.h). */
#include "keymap.h"

#include <string.h>

#define BOTH (DV_FRONT_TUI | DV_FRONT_SDL)
#define TUI DV_FRONT_TUI
#define SDL DV_FRONT_SDL

/* One row per action; a key appears once per front end (a test checks it). */
const struct dv_keybind dv_keymap[] = {
	{ DV_ACT_NEXT, "next", "j Space Down Right", BOTH, "next",
	  "next: paragraph, question, step's end (or unit of t)" },
	{ DV_ACT_PREV, "prev", "k b Up Left Backspace", BOTH, "prev", "back one move, exactly" },
	{ DV_ACT_NEXT_EVENT, "next-event", ".", BOTH, NULL,
	  "forward one event (an act and what it caused)" },
	{ DV_ACT_PREV_EVENT, "prev-event", ",", BOTH, NULL, "back one event" },
	{ DV_ACT_FIRST, "first", "g Home", BOTH, "first", "the lesson's first step" },
	{ DV_ACT_LAST, "last", "G End", BOTH, "last",
	  "the lesson's end (stops at an open question)" },
	{ DV_ACT_GRAN, "granularity", "t", BOTH, "gran",
	  "one move is: a step, call, port access, bus cycle" },
	{ DV_ACT_PLAY, "play", "p", BOTH, "play", "play or pause (stops at every question)" },
	{ DV_ACT_FASTER, "faster", "+ =", BOTH, "faster", "play faster" },
	{ DV_ACT_SLOWER, "slower", "-", BOTH, "slower", "play slower" },
	{ DV_ACT_UNTIL, "run-until", "r", BOTH, NULL,
	  "run until: t TC, i IRQ, c call returns, v verifier" },
	{ DV_ACT_ANSWER, "answer", "a Enter", BOTH, NULL,
	  "answer the question (type, then Enter)" },
	{ DV_ACT_HINT, "hint", "h", BOTH, NULL, "a hint; with none left, h h shows the answer" },
	{ DV_ACT_SKIP, "skip", "s", BOTH, NULL, "skip the question (the lesson stays unfinished)" },
	{ DV_ACT_EXPLAIN, "explain", "e", BOTH, NULL, "explain the verifier rule that fired last" },
	{ DV_ACT_OUTPUT, "output", "o", BOTH, NULL,
	  "the output table: the rows written up to now" },
	{ DV_ACT_SCROLL_UP, "scroll-up", "PgUp", BOTH, NULL, "scroll the narration up" },
	{ DV_ACT_SCROLL_DOWN, "scroll-down", "PgDn", BOTH, NULL, "scroll the narration down" },
	{ DV_ACT_FOCUS, "focus", "Tab", TUI, NULL,
	  "focus a pane (then j/k scroll it, Esc returns)" },
	{ DV_ACT_SIDE_TAB, "side-tab", "Tab", SDL, NULL,
	  "side panel: source, event log, NDIS call" },
	{ DV_ACT_MEMORY, "memory", "m", TUI, NULL,
	  "memory, the NIC, the address map, for the event log" },
	{ DV_ACT_SANDBOX, "sandbox", ":", TUI, NULL,
	  "sandbox: one line of the lesson language, at the end" },
	{ DV_ACT_SCREENSHOT, "screenshot", "S PrintScreen", SDL, NULL,
	  "save a PNG in the current folder" },
	{ DV_ACT_LARGE, "large", "L l", SDL, NULL, "the presentation layout" },
	{ DV_ACT_CONTRAST, "contrast", "c", SDL, NULL, "high-contrast theme" },
	{ DV_ACT_FULLSCREEN, "fullscreen", "F11", SDL, NULL, "full screen" },
	{ DV_ACT_DEMO, "demo", "d", SDL, NULL, "the demo: every lesson in a loop" },
	{ DV_ACT_NEXT_LESSON, "next-lesson", "]", SDL, NULL, "next lesson" },
	{ DV_ACT_PREV_LESSON, "prev-lesson", "[", SDL, NULL, "previous lesson" },
	{ DV_ACT_HELP, "help", "? F1", BOTH, "help", "this help" },
	{ DV_ACT_QUIT, "quit", "q", BOTH, NULL, "quit" },
	{ DV_ACT_CLOSE, "close", "Esc", SDL, NULL,
	  "close what is open (help, explanation, output table); with nothing open, ask before quitting" },
};
const size_t dv_keymap_n = sizeof dv_keymap / sizeof dv_keymap[0];

/* Is key one of the space-separated names in keys? */
static bool has_key(const char *keys, const char *key)
{
	size_t n = strlen(key);
	for (const char *k = keys; *k;) {
		size_t len = strcspn(k, " ");
		if (len == n && !strncmp(k, key, n))
			return true;
		k += len;
		while (*k == ' ')
			k++;
	}
	return false;
}

enum dv_action dv_keymap_action(unsigned front, const char *key)
{
	if (!key || !*key)
		return DV_ACT_NONE;
	for (size_t i = 0; i < dv_keymap_n; i++)
		if ((dv_keymap[i].fronts & front) && has_key(dv_keymap[i].keys, key))
			return dv_keymap[i].action;
	return DV_ACT_NONE;
}

const struct dv_keybind *dv_keymap_row(enum dv_action a)
{
	for (size_t i = 0; i < dv_keymap_n; i++)
		if (dv_keymap[i].action == a)
			return &dv_keymap[i];
	return NULL;
}

const struct dv_keybind *dv_keymap_button(const char *button)
{
	for (size_t i = 0; i < dv_keymap_n; i++)
		if (dv_keymap[i].button && !strcmp(dv_keymap[i].button, button))
			return &dv_keymap[i];
	return NULL;
}

size_t dv_keymap_help(unsigned front, char *buf, size_t size)
{
	size_t used = 0;
	if (size)
		buf[0] = '\0';
	for (size_t i = 0; i < dv_keymap_n; i++) {
		const struct dv_keybind *b = &dv_keymap[i];
		if (!(b->fronts & front) || used >= size)
			continue;
		int n = snprintf(buf + used, size - used, "%-22s %s\n", b->keys, b->help);
		if (n < 0)
			break;
		used += (size_t)n < size - used ? (size_t)n : size - used - 1;
	}
	return used;
}

void dv_keymap_markdown(FILE *f)
{
	fputs("| keys | terminal | window | what it does |\n|---|---|---|---|\n", f);
	for (size_t i = 0; i < dv_keymap_n; i++) {
		const struct dv_keybind *b = &dv_keymap[i];
		fputs("| ", f);
		for (const char *k = b->keys; *k;) {
			size_t len = strcspn(k, " ");
			fprintf(f, "%s`%.*s`", k == b->keys ? "" : " ", (int)len, k);
			k += len;
			while (*k == ' ')
				k++;
		}
		fprintf(f, " | %s | %s | %s%s%s |\n", b->fronts & TUI ? "yes" : "",
		        b->fronts & SDL ? "yes" : "", b->help, b->button ? "; button " : "",
		        b->button ? b->button : "");
	}
}

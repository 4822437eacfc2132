/* dmaviz: one table of what keys do, for every front end (the terminal UI, the SDL2 window).
 * A front end turns its key code into a key name (dv_key names: "j", "G", "Space", "PgDn",
 * "Up", ...), looks the action up here and runs it; the `?` help of both and the README's key
 * table are generated from the same rows (`dmaviz keys`). */
#ifndef DV_APP_KEYMAP_H
#define DV_APP_KEYMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum dv_action {
	DV_ACT_NONE,
	DV_ACT_NEXT,
	DV_ACT_PREV,
	DV_ACT_NEXT_EVENT,
	DV_ACT_PREV_EVENT,
	DV_ACT_FIRST,
	DV_ACT_LAST,
	DV_ACT_GRAN,
	DV_ACT_PLAY,
	DV_ACT_FASTER,
	DV_ACT_SLOWER,
	DV_ACT_UNTIL,
	DV_ACT_ANSWER,
	DV_ACT_HINT,
	DV_ACT_SKIP,
	DV_ACT_EXPLAIN,
	DV_ACT_OUTPUT,
	DV_ACT_SCROLL_UP,
	DV_ACT_SCROLL_DOWN,
	DV_ACT_FOCUS,
	DV_ACT_MEMORY,
	DV_ACT_SANDBOX,
	DV_ACT_SIDE_TAB,
	DV_ACT_SCREENSHOT,
	DV_ACT_LARGE,
	DV_ACT_CONTRAST,
	DV_ACT_FULLSCREEN,
	DV_ACT_DEMO,
	DV_ACT_NEXT_LESSON,
	DV_ACT_PREV_LESSON,
	DV_ACT_HELP,
	DV_ACT_QUIT,
	DV_ACT_CLOSE,
	DV_ACT_COUNT
};

/* Which front ends a row is for. */
#define DV_FRONT_TUI 1u
#define DV_FRONT_SDL 2u

struct dv_keybind {
	enum dv_action action;
	const char *name; /* the action's name in tests and messages */
	const char *keys; /* key names, separated by spaces; the first is the one help shows first */
	unsigned fronts;  /* DV_FRONT_* */
	const char *button; /* the window's button of the same action, or NULL */
	const char *help;   /* what it does, one line */
};

extern const struct dv_keybind dv_keymap[];
extern const size_t dv_keymap_n;

/* The action key name key has in front end front, or DV_ACT_NONE. */
enum dv_action dv_keymap_action(unsigned front, const char *key);
/* The row of an action (for its help text and keys); NULL when it has none. */
const struct dv_keybind *dv_keymap_row(enum dv_action a);
/* The row of a window button name ("next", "play", ...); NULL when none. */
const struct dv_keybind *dv_keymap_button(const char *button);
/* Help lines for a front end: "  j Space Down  next: ..." into buf (each line ends in '\n'). */
size_t dv_keymap_help(unsigned front, char *buf, size_t size);
/* The README's key table (Markdown). */
void dv_keymap_markdown(FILE *f);

#endif

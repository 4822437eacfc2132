/* dmaviz: the terminal UI (ncurses, wide-character build) on top of ui/view. */
#ifndef DV_TUI_H
#define DV_TUI_H

#include <stdbool.h>

/* `dmaviz LESSON` (argv[0] is the command's name, then options and the lesson's path):
 *   [--no-color] [--ascii] [-h|--help] PATH
 * Reads and runs the lesson headless, then opens it full screen at its first step. Colour is
 * off with --no-color or a non-empty NO_COLOR. Returns the exit status: 0 after q, 2 for bad
 * usage, a lesson that does not parse or cannot run (messages on stderr, before the screen
 * opens), or no terminal on stdin/stdout (a message pointing to `dmaviz check`). The terminal
 * is restored on every exit path, SIGINT and SIGTERM included. While paused it blocks in
 * getch(): no CPU is used. */
int dv_tui_main(int argc, char **argv);

/* The pieces, for the screen tests (tests/screens) that drive a newterm() screen themselves.
 * dv_tui_open loads and runs the lesson (errors go to stderr; NULL on failure). It does not
 * touch the terminal: the caller has made the curses screen current. */
struct dv_tui_options {
	bool color; /* use colour pairs (the second cue, bold/reverse, is always there) */
	bool ascii; /* only ASCII glyphs */
};

struct dv_tui;
struct dv_tui *dv_tui_open(const char *path, const struct dv_tui_options *opt);
/* Sets up colours for the current screen (call after initscr/newterm). */
void dv_tui_setup_screen(struct dv_tui *t);
/* Draws the whole screen into stdscr at its current size (no refresh). */
void dv_tui_draw(struct dv_tui *t);
/* Handles one key as the interactive loop does (ncurses key codes). False after q. */
bool dv_tui_key(struct dv_tui *t, int key);
void dv_tui_close(struct dv_tui *t);

#endif

/* dmaviz: the terminal UI (ncurses, wide-character build) on top of ui/view. */
#ifndef DV_TUI_H
#define DV_TUI_H

#include <stdbool.h>

#include "ndis.h"

/* `dmaviz LESSON` (argv[0] is the command's name, then options and the lesson's path):
 *   [--no-color] [--ascii] [--theme NAME|FILE] [-h|--help] PATH
 * Reads and runs the lesson headless, then opens it full screen at its first step. Colour is
 * off with --no-color or a non-empty NO_COLOR. Returns the exit status: 0 after q, 2 for bad
 * usage, a lesson that does not parse or cannot run (messages on stderr, before the screen
 * opens), or no terminal on stdin/stdout (a message pointing to `dmaviz check`). The terminal
 * is restored on every exit path, SIGINT and SIGTERM included. While paused it blocks in
 * getch(): no CPU is used. */
int dv_tui_main(int argc, char **argv);
/* As dv_tui_main, running lessons with `driver file` on a learner's driver: entry is its
 * DriverEntry (the caller opened the module, ui/driver.h), path the .so's path. */
int dv_tui_main_driver(int argc, char **argv, DV_DRIVER_ENTRY entry, const char *path);

/* The terminal, for other full-screen front ends (quizui.c). dv_tui_screen_start sets the
 * locale, the SIGINT/SIGTERM handlers and an atexit restore, and opens the screen (false, with
 * a message, when the terminal type is unknown). dv_tui_screen_key blocks for a key (ERR after
 * a signal or when input is gone). dv_tui_screen_end restores the terminal and, after a
 * signal, dies of it; else returns 0. */
bool dv_tui_screen_start(void);
int dv_tui_screen_key(void);
/* As dv_tui_screen_key, but with ms >= 0 it returns DV_TUI_KEY_TICK when no key came within ms
 * milliseconds (an animation's next frame); ms < 0 blocks. */
#define DV_TUI_KEY_TICK (-2)
int dv_tui_screen_key_wait(int ms);
int dv_tui_screen_end(void);

/* The pieces, for the screen tests (tests/screens) that drive a newterm() screen themselves.
 * dv_tui_open loads and runs the lesson (errors go to stderr; NULL on failure). It does not
 * touch the terminal: the caller has made the curses screen current. */
struct dv_tui_options {
	bool color; /* use colour pairs (the second cue, bold/reverse, is always there) */
	bool ascii; /* only ASCII glyphs */
	/* The colours (ui/app/theme.h); NULL: the built-in default, the dark theme. */
	const struct dv_theme *theme;
	/* A learner's driver for lessons with `driver file` (NULL: none) and its module's path:
	 * a relative __FILE__ in the trace is looked up in the current directory, then in the
	 * module's directory. */
	DV_DRIVER_ENTRY driver_entry;
	const char *driver_path;
	/* Where relative driver sources are looked up too; NULL: this source tree. A recording
	 * shows only its own copies of them. */
	const char *source_root;
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
/* The key table's name (ui/app/keymap.h) of an ncurses key: "j", "Space", "PgDn", ...; "" for a
 * key the table cannot name. buf holds a one-character name. */
const char *dv_tui_key_name(int key, char buf[2]);
/* Autoplay: the getch timeout in ms while playing, -1 (block) while paused; and one move of
 * autoplay (what the loop does when the timeout expires). dv_tui_tick stops playing at the
 * end. */
int dv_tui_timeout(const struct dv_tui *t);
void dv_tui_tick(struct dv_tui *t);
struct dv_progress;
/* Records the learner's steps, answers and finishing in p (saved on every change) and marks
 * the questions p says were answered. p must outlive t. */
void dv_tui_set_progress(struct dv_tui *t, struct dv_progress *p);

/* `dmaviz` with no lesson: the lesson menu of the lessons in dir, then the lesson chosen, and
 * back to the menu after q. Options as dv_tui_main's (no PATH). Progress is kept in the
 * file dv_progress_default_path names. */
int dv_tui_menu_main(int argc, char **argv, const char *dir);

/* The menu's pieces, for the screen tests. dv_menu_open reads every *.lesson of dir (in name
 * order) with the engine's parser. */
struct dv_menu;
enum dv_menu_action { DV_MENU_STAY, DV_MENU_OPEN, DV_MENU_QUIT };
struct dv_menu *dv_menu_open(const char *dir, struct dv_progress *progress,
                             const struct dv_tui_options *opt);
void dv_menu_draw(struct dv_menu *m);
enum dv_menu_action dv_menu_key(struct dv_menu *m, int key);
/* The chosen lesson's path (after DV_MENU_OPEN). */
const char *dv_menu_selected(const struct dv_menu *m);
/* Puts a message on the status line (a lesson that failed to open, a save that failed). */
void dv_menu_status(struct dv_menu *m, const char *msg);
void dv_menu_close(struct dv_menu *m);

#endif

/* dmaviz: colour themes, read from small text files (assets/themes/NAME.theme) by one loader
 * for both front ends. A theme has the window's colours as RGB (ui/sdl paints them) and the
 * terminal's colour per style role (ui/tui makes curses colour pairs of them; what a terminal
 * of 8, 16 or 256 colours can show is decided here, in dv_tcolor_pick).
 *
 * The file: one "key = value" a line, '#' starts a comment line.
 *   name = dark                     what the window's status line calls it
 *   window.bg = #0c1018             each window colour (DV_THEME_WINDOW_COLORS), all required
 *   term.changed = yellow           each terminal role (heading, changed, fading, highlight,
 *   term.heading = white on blue    error), all required: FG [on BG]
 * A terminal colour is a list of choices separated by '/', the first the terminal can show
 * wins: a name (black red green yellow blue magenta cyan white: every colour terminal has
 * them; bright-NAME needs 16 colours), a number 0-255 (needs that many), #rrggbb (the nearest
 * colour the terminal has), or "default" (the terminal's own). "136/blue" is the xterm colour
 * 136 on a 256-colour terminal and blue on an 8-colour one. */
#ifndef DV_THEME_H
#define DV_THEME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "view.h"

/* The window's colours, in the order ui/sdl's struct dv_sdl_theme has them. */
/* An X-macro list, which clang-format cannot lay out. */
/* clang-format off */
#define DV_THEME_WINDOW_COLORS(X)                                                                  \
	X(bg) X(text) X(head) X(changed) X(on_changed) X(dim) X(error) X(hilite) X(border)         \
	X(boxfill) X(masked) X(xfer) X(wire_off) X(wire_on) X(wire_pulse) X(buf) X(sub)            \
	X(moved) X(bounce) X(panel) X(tip)

enum dv_wcolor {
#define DV_THEME_X(n) DV_WC_##n,
	DV_THEME_WINDOW_COLORS(DV_THEME_X)
#undef DV_THEME_X
	DV_WC_COUNT
};
/* clang-format on */

struct dv_rgb {
	uint8_t r, g, b;
};

/* One terminal colour: up to four choices, tried in order. */
enum dv_tkind { DV_TC_DEFAULT, DV_TC_INDEX, DV_TC_RGB };
#define DV_TC_MAX_CHOICES 4
struct dv_tchoice {
	enum dv_tkind kind;
	uint8_t index;     /* DV_TC_INDEX: 0-255 */
	struct dv_rgb rgb; /* DV_TC_RGB */
};
struct dv_tcolor {
	unsigned n;
	struct dv_tchoice choice[DV_TC_MAX_CHOICES];
};

struct dv_tpair {
	bool set; /* the role has a colour; else it keeps the terminal's default colours */
	struct dv_tcolor fg, bg;
};

struct dv_theme {
	char name[32];
	struct dv_rgb win[DV_WC_COUNT];
	struct dv_tpair term[DV_ROLE_COUNT]; /* by view role; NORMAL and DIM are never coloured */
};

/* The built-in default: assets/themes/dark.theme as the build found it (compiled in as text
 * and parsed on first use). It is what a front end uses when no theme file can be read. */
const struct dv_theme *dv_theme_builtin(void);

/* The themes assets/themes ships, for --help and tests. */
extern const char *const dv_theme_names[];
extern const size_t dv_theme_count;

/* Parses a theme file's text. False with "FILE:LINE: what is wrong" (or "FILE: ..." for a
 * missing key) in err; t is then undefined. */
bool dv_theme_parse(struct dv_theme *t, const char *text, const char *file, char *err,
                    size_t errlen);

/* Loads a theme by NAME (themes/NAME.theme in the data folder, assets.h) or by a file path (it
 * contains '/' or ends in ".theme"). On any failure t is the built-in default, err says why
 * (file:line for a bad file) and the result is false: the caller warns and goes on. */
bool dv_theme_load(struct dv_theme *t, const char *name_or_file, char *err, size_t errlen);

/* The curses colour number for c on a terminal of ncolors colours (8, 16, 256; fewer than 8:
 * none), or -1 for the terminal's default. */
int dv_tcolor_pick(const struct dv_tcolor *c, int ncolors);

/* The RGB the xterm palette gives colour number i (0-255). */
struct dv_rgb dv_xterm_rgb(int i);

#endif

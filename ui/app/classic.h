/* dmaviz: the window's classic layout as a scene (the default picture of `dmaviz gui` when it is
 * not fullscreen, --projector or --large, and `dmaviz snapshot --layout classic`): a block
 * diagram of the PC (CPU, the 8237A with its page register, host memory with the NDIS_BUFFER
 * drawn to scale, the ISA bus, the NIC and the wire), a timing diagram of the bus signals, a side
 * panel (driver source, event log or the NDIS call), the narration or the question, and a row of
 * buttons with the lesson's timeline. Every size follows the output size and the fonts, so the
 * picture scales to a projector; what a click or a hover can name is a hit of the scene.
 *
 * The window's overlays (help, the verifier rule explained, the quit question, hover text) and
 * its control row are drawn over either layout: dv_classic_compose_present puts them on the
 * presentation layout (present.h).
 *
 * A front end says what it has open in a struct dv_ui_state; it keeps one struct dv_classic per
 * window (its panels and the narration's scroll live here). Nothing here knows a toolkit: text
 * is measured by the scene's metrics callback. */
#ifndef DV_APP_CLASSIC_H
#define DV_APP_CLASSIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "play.h"
#include "present.h"
#include "scene.h"
#include "session.h"
#include "view.h"

/* The side panel's tabs. */
enum dv_side { DV_SIDE_SOURCE, DV_SIDE_LOG, DV_SIDE_CALL, DV_SIDE_COUNT };

/* The speed a window starts at, moves a second (the control row shows it). */
#define DV_UI_DEFAULT_RATE 10u

/* What the front end has open and where the mouse is: the input of a compose. */
struct dv_ui_state {
	int px_small, px_big;  /* the text sizes: boxes, narration (dv_classic_font_px) */
	enum dv_side side_tab; /* the side panel's tab */
	bool help, explain;    /* the keys' overlay; the verifier rule explained */
	bool output;           /* the output table up to the cursor */
	size_t out_back;       /* its newest rows left out (scrolled back) */
	bool ask_quit;         /* "Quit dmaviz? y/n" */
	const char *input;     /* an answer being typed; NULL: none */
	int ask;               /* the question the narration shows; -1: none */
	bool mouse_in;         /* the mouse is over the output, at (mx, my) */
	int mx, my;
	const char *status;         /* the toast at the control row's right end; "" none */
	bool playing, demo;         /* the title row's state */
	const struct dv_play *play; /* the clock of the step playing (its cue and the move's part) */
	unsigned rate;              /* the moves a second the learner chose */
	bool snapshot; /* drawing for `dmaviz snapshot`: no buttons on the presentation */
};

struct dv_classic {
	struct dv_session *ss;
	/* panels, reused frame to frame */
	struct dv_vpanel narr, mem, tmp, box, side, wrap;
	const char *line_desc[16]; /* hover text of the box lines being built */
	int line_y[16];            /* where each box line was drawn (a line may wrap) */
	/* Where the narration starts (view.h): it follows the current paragraph after every move
	 * until the front end scrolls it (dv_narr_place_scroll). */
	struct dv_narr_place narr_at;
	/* The side panel's first line shown: 0 after every move or change of tab, until the
	 * front end scrolls it (dv_classic_side_scroll: the mouse wheel over it). */
	size_t side_scroll, side_pos;
	int side_tab_at;
	/* Out, after a compose: the timing diagram's first cycle and column width, as drawn; the
	 * narration's lines (the question's included) and the rows it had for them (fewer: it
	 * scrolls, and its scene box says so). */
	uint64_t tim_first;
	int tim_colw;
	size_t narr_lines, narr_rows;
	size_t side_lines, side_rows; /* the side panel's lines and the rows it had for them */
	unsigned cut;    /* the boxes' lines (or rows of a wrapped one) not drawn whole */
	size_t out_back; /* the output table's newest rows left out, as drawn (clamped) */
	/* During a compose: the state, the scene and its two fonts. */
	const struct dv_ui_state *ui;
	struct dv_scene *sc;
	struct dv_scene_font small, big;
};

void dv_classic_init(struct dv_classic *c, struct dv_session *ss);
void dv_classic_finish(struct dv_classic *c);
/* Scrolls the side panel by lines (negative: up); the next compose clamps it. */
void dv_classic_side_scroll(struct dv_classic *c, long lines);
/* The classic layout's text sizes for an output h pixels high: 17 px (boxes) and 23 px
 * (narration) at 720 lines, never below floor_px (the front end's smallest readable size) nor
 * 8 px. */
void dv_classic_font_px(int h, int floor_px, int *small, int *big);
/* Raises text sizes to floor_px (small) and floor_px + 1 (big), and never below 8 px. */
void dv_classic_font_floor(int floor_px, int *small, int *big);
/* The classic layout of the session's moment at the scene's size (dv_scene_reset first). */
void dv_classic_compose(struct dv_classic *c, const struct dv_ui_state *ui, struct dv_scene *sc);
/* The presentation layout p (present.c) with the window's control row (unless ui->snapshot)
 * and overlays over it; ui's text sizes are the presentation's. */
void dv_classic_compose_present(struct dv_classic *c, struct dv_present *p,
                                const struct dv_ui_state *ui, struct dv_scene *sc);

#endif

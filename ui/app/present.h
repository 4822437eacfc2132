/* dmaviz: the presentation layout, the picture for a projector (`dmaviz gui --projector`,
 * fullscreen, --large, and `dmaviz snapshot`). Fixed regions that never appear or disappear,
 * top to bottom: the title row, the block diagram (CPU, the 8237A with its page register, the
 * NIC, their wires and the bus), the call ribbon (the NDIS call, the last port write, who owns
 * the channel), the address map beside the timing diagram, the narration, and the control
 * row. Text is sized from the height: values and labels DV_PRESENT_VALUE_DIV times smaller
 * than it, narration DV_PRESENT_NARR_DIV; nothing that carries a value is drawn dim; memory is
 * shown 8 bytes a row; narration longer than its region scrolls (its first line follows the
 * current paragraph after every move, as the view says) and says that there is more.
 *
 * dv_present_compose builds the scene for one moment of a session; a front end keeps one
 * struct dv_present per window (its narration's scroll lives here). */
#ifndef DV_APP_PRESENT_H
#define DV_APP_PRESENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "lecture.h"
#include "scene.h"
#include "session.h"
#include "view.h"

#define DV_PRESENT_VALUE_DIV 36
#define DV_PRESENT_NARR_DIV 30

/* The regions, in the order they are laid out; their names are the scene's region boxes. */
enum dv_pregion {
	DV_PR_TITLE,
	DV_PR_DIAGRAM,
	DV_PR_RIBBON,
	DV_PR_MAP,
	DV_PR_TIMING,
	DV_PR_NARRATION,
	DV_PR_CONTROLS,
	DV_PR_COUNT
};
extern const char *const dv_pregion_names[DV_PR_COUNT];

struct dv_prect {
	int x, y, w, h;
};

struct dv_present {
	struct dv_session *ss;
	/* In: what the front end has open. */
	int ask;           /* the question shown under the narration; -1: none */
	const char *input; /* an answer being typed; NULL: none */
	const char *state; /* the title row's right end ("paused", "playing ▶▶ 8x"); may be NULL */
	bool own_controls; /* the front end draws the control row itself (its buttons) */
	/* Where the narration starts (view.h): it follows the current paragraph after every move
	 * until the front end scrolls it (dv_present_scroll). */
	struct dv_narr_place narr_at;
	/* Out, after a compose: the regions, the font sizes, the narration's lines and rows. */
	struct dv_prect region[DV_PR_COUNT];
	int px_value, px_narr;
	size_t narr_lines, narr_rows;
	uint64_t tim_first; /* the timing diagram's first cycle and column width, as laid out */
	int tim_colw;
	struct dv_vpanel narr, tmp, box;
	const char *line_desc[16]; /* the hover text of the box lines being built */
	/* The lecture facts of the last moment composed (each walks the trace: a redraw of the
	 * same moment, paused or hovering, reuses them), and that moment. */
	struct dv_lect_ribbon rb;
	struct dv_lect_map map;
	struct dv_lect_cache cache;
	const struct dv_session *facts_ss;
	size_t facts_pos, facts_from;
};

void dv_present_init(struct dv_present *p, struct dv_session *ss);
void dv_present_finish(struct dv_present *p);
/* The font sizes for an output h pixels high. */
int dv_present_value_px(int h);
int dv_present_narr_px(int h);
/* The scene of the session's moment at the scene's size (dv_scene_reset first). */
void dv_present_compose(struct dv_present *p, struct dv_scene *sc);
/* The lesson step numbered n as the learner counts them (an index), or -1. */
int dv_present_step_index(const struct dv_session *ss, unsigned n);
/* Puts the session at step n (as the learner counts them), beat b: 0 the step's end, else
 * its b-th stop (its paragraphs and questions one by one). For a teacher's picture: in an
 * ungated session the way passes questions; the question the narration shows is open at its
 * own beat, and answered past it (the picture there shows what it asks). False when the
 * lesson has no step n or the step no stop b. */
bool dv_present_goto(struct dv_session *ss, unsigned n, unsigned b);
/* `dmaviz gui --notes`: the teacher's notes for lesson step k (an index) as plain text: the
 * step's title, every paragraph of its narration, and each of its questions with the
 * answers, the hints and the explanation (the teacher's screen, not the class's). */
void dv_present_notes(const struct dv_session *ss, unsigned k, FILE *f);
/* Scrolls the narration by rows lines (negative: up), as the last compose laid it out. */
void dv_present_scroll(struct dv_present *p, long rows);

#endif

/* dmaviz web build: the small C API the page's JavaScript calls (web/site/app.js through
 * Emscripten's ccall). One session at a time; every function that returns text returns a
 * string that lives until the next call (JSON unless it says otherwise).
 *
 * The panels are those of the terminal UI on a 120-column terminal: the left column is
 * DVW_LEFT_COLS wide (narration, question, source), the right DVW_RIGHT_COLS (8237A, NIC,
 * NDIS call, memory, address map, event log), with the row counts below. tests/web compares
 * the page's text with the native view's at these sizes. */
#ifndef DV_WEB_API_H
#define DV_WEB_API_H

#include <stdbool.h>

#define DVW_LEFT_COLS 60
#define DVW_RIGHT_COLS 59
#define DVW_SOURCE_ROWS 14
#define DVW_MEMORY_ROWS 8
#define DVW_LOG_ROWS 12
/* The output table's newest rows the page shows (o), the header row kept on top. */
#define DVW_OUTPUT_ROWS 2000

/* Where the page's memory file system keeps things (web/meson.build embeds the data). */
#define DVW_PROGRESS_FILE "/home/web_user/progress"

/* The shipped lessons in course order: [{"id","title","summary","level","path","steps",
 * "asks","reached","finished","answered"}], the last four from the progress file. */
const char *dvw_lessons(void);
/* Opens a lesson file or a recording (.dvr) at path in the memory file system. 0 on success;
 * otherwise 2 and dvw_error() says why (file and line). */
int dvw_open(const char *path);
const char *dvw_error(void);
/* A key name as the terminal UI names keys ("j", "Space", "PgDn", ...) through the shared key
 * table (ui/app/keymap.c, the terminal's rows): runs its action. Returns the action's name
 * ("next", ...) or "" when the key does nothing here. p plays or pauses and + and - change
 * the rate, as in the terminal (ui/app/play.h: each step at its pace, step after step); r
 * takes the next key as what to run until (t, i, c, v; the name then returned is
 * "run-until"). */
const char *dvw_key(const char *key);
/* Playing: the moves ms more milliseconds owe at the step's pace (dv_play_run), under the
 * gates. {"moves": made, "result": "ok", "gate" (held at a question, paused) or "end" (the
 * lesson's end, paused), "playing", "rate" (moves a second), "wait" (ms until the next move
 * is owed; -1 while paused), "cue" ("▶▶ 8x" while a long step runs fast), "planned" and
 * "done" (the step's plan in moves), "pstep" (the step played, an index; -1: none)}. The
 * page's clock calls it with the time that passed; a test with simulated time. */
const char *dvw_play(int ms);
/* The learner's answer to the open question: "right", "wrong", "revealed" or "none". */
const char *dvw_answer(const char *text);
/* One line of the lesson language at the end of the lesson (the sandbox prompt): 1 ran. */
int dvw_command(const char *line);
/* The moment: title, step, gate, question, status message, playing (as dvw_play), r waiting
 * for its key ("until") and every panel as lines of [role, text] runs. */
const char *dvw_state(void);
/* The quiz (dmaviz quiz): a new problem for seed (decimal or 0x hex): {"seed","text","ids"}
 * (the text without answers), or {"error"}. */
const char *dvw_quiz(const char *seed);
/* A learner's value for question id of the open problem: {"right":bool,"answer":"..."}, the
 * answer told only now that the learner has answered; {"error"} without a problem, an id or a
 * value. */
const char *dvw_quiz_check(const char *id, const char *value);
/* The scene of the moment as SVG (layout "present" or "classic", w x h pixels, clamped to
 * 320x200 .. 4096x4096), in theme (a shipped theme's name; the dark default otherwise). */
const char *dvw_svg(const char *layout, int w, int h, const char *theme);
/* A theme's colours as CSS custom properties (":root{--bg:#...;...}"). */
const char *dvw_theme_css(const char *theme);
/* The key table's help for the terminal's keys, one line a key. Plain text. */
const char *dvw_help(void);
/* The output table up to the cursor (o), never a row the run has not written yet:
 * {"title","lines"} as a panel of dvw_state, the newest DVW_OUTPUT_ROWS rows. */
const char *dvw_output(void);
/* The explanation of the last verifier rule that fired, or "". Plain text. */
const char *dvw_explain(void);
/* What the last dvw_open, dvw_key, dvw_play, dvw_answer or dvw_command returned, as text
 * ("0", "next", "right", ...): the page reads it here, since a call that ran the lesson's
 * driver on its fiber (Asyncify) hands JavaScript no return value. */
const char *dvw_ret(void);
/* Reloads the progress file (after the page wrote it from local storage). */
void dvw_progress_reload(void);
/* Keeps the progress in path instead (a native test's folder), and reloads it. */
void dvw_progress_file(const char *path);

#endif

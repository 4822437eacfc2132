/* dmaviz: `dmaviz quiz` in a terminal: the problem full screen, then each question in turn on an
 * input line, right or wrong at once (with the correct value), then a summary. The problem's
 * text and the checking come from src/quiz.h; this file only lays them out and reads keys.
 *
 * After an answer (and on the summary), w on an empty input line watches how the simulated PC
 * arrives at it: the replay of the run (dv_quiz_replay) plays frame by frame, the channel's
 * registers above the events in words, and pauses on the event that answers the question just
 * asked (on the summary it plays to the end). j/k step, p plays or pauses, n jumps to the next
 * answer, g/G go to the start or end, w, q or Esc go back to the questions. It advances on a
 * timeout only while playing: paused, the loop blocks and uses no CPU. */
#ifndef DV_QUIZUI_H
#define DV_QUIZUI_H

#include <stdbool.h>

#include "quiz.h"

/* Runs the interactive quiz on the terminal (stdin and stdout must be terminals). The terminal
 * is restored on every exit path, SIGINT and SIGTERM included; the summary is printed to stdout
 * afterwards. Returns 0 when every question was answered right, 1 when one was wrong or left
 * unanswered (q), 2 when the screen could not be opened. */
int dv_quizui_main(const struct dv_quiz *q);

/* The pieces, for the screen tests: the caller has made a curses screen current. */
struct dv_quizui;
struct dv_quizui *dv_quizui_open(const struct dv_quiz *q);
/* Draws the whole screen into stdscr (no refresh). */
void dv_quizui_draw(struct dv_quizui *u);
/* Handles one key (ncurses key codes). False when the learner quits (q on an empty input line,
 * Esc, or any of q/Enter/Esc once every question is answered). */
bool dv_quizui_key(struct dv_quizui *u, int key);
/* The key timeout in ms while the replay plays, -1 (block) otherwise; and one move of the
 * replay (what the loop does when the timeout expires). It pauses on the answering event and
 * at the end. */
int dv_quizui_timeout(const struct dv_quizui *u);
void dv_quizui_tick(struct dv_quizui *u);
/* How many questions were answered, and how many of them right. */
unsigned dv_quizui_answered(const struct dv_quizui *u, unsigned *right);
void dv_quizui_close(struct dv_quizui *u);

#endif

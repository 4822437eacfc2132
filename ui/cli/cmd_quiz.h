/* dmaviz quiz: generated prediction exercises (see src/quiz.h). */
#ifndef DV_CMD_QUIZ_H
#define DV_CMD_QUIZ_H

#include "opts.h"

struct dv_quiz;

/* argv[0] is "quiz". interactive, when not NULL, asks a problem's questions one by one in a
 * terminal (the terminal UI's dv_quizui_main); it is used when both ends are a terminal and
 * none of --print, --solve, --answers is given. Returns the exit status: 0 success (all
 * answers right), 1 an answer was wrong, 2 bad usage or an unreadable or malformed answers
 * file. */
int dv_cmd_quiz_with(int argc, char **argv, int (*interactive)(const struct dv_quiz *q));
extern const struct dv_cmd_spec dv_quiz_spec;

#endif

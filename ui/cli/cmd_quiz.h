/* dmaviz quiz: generated prediction exercises (see src/quiz.h). */
#ifndef DV_CMD_QUIZ_H
#define DV_CMD_QUIZ_H

/* argv[0] is "quiz". Returns the exit status: 0 success (all answers right), 1 an answer was
 * wrong, 2 bad usage or an unreadable or malformed answers file. */
int dv_cmd_quiz(int argc, char **argv);

#endif

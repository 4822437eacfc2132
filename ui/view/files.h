/* dmaviz: files the front ends read: lessons, their compare files, and where lessons live.
 * One copy for the CLI commands, the terminal UI and the SDL2 window. */
#ifndef DV_UI_FILES_H
#define DV_UI_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <errno.h>

/* Reads at most max bytes of path, NUL-terminated. A caller that wants to notice a file that
 * is too long passes one byte more than it accepts (the lesson parser reports it with its
 * file name). NULL with errno set when the file cannot be read. Only a regular file is read:
 * a FIFO, a socket or a device is refused without waiting for it (errno DV_FILE_ENOTREG), a
 * directory with EISDIR. Say why with dv_file_strerror(errno). */
char *dv_file_read(const char *path, size_t max, size_t *len);

/* dv_file_read's errno for what is not a regular file (the one open(2) gives for a device
 * without its driver, which is not a regular file either). */
#define DV_FILE_ENOTREG ENODEV

/* strerror(err), but "not a regular file" for DV_FILE_ENOTREG. */
const char *dv_file_strerror(int err);

/* Recordings (recording.h): is path a file that starts like one or is named *.dvr, and one read
 * whole (at most DV_REC_MAX_FILE bytes) and checked. NULL with "PATH: offset N: what" (or
 * "PATH: why it cannot be read") in err. */
#define DV_REC_MAX_FILE ((uint64_t)4 << 30) /* uint64_t: a 32-bit size_t (wasm32) cannot hold it */
struct dv_recording;
bool dv_file_is_recording(const char *path);
struct dv_recording *dv_recording_load(const char *path, char *err, size_t errsz);

/* The largest lesson or test file any command accepts. */
#define DV_LESSON_MAX_BYTES (1u << 20)

struct dv_lesson;
struct dv_msgs;
/* Reads and parses a lesson or test file: the one way every command opens one, with one size
 * limit. NULL when it cannot be read, is larger than DV_LESSON_MAX_BYTES or does not parse;
 * the reasons (each naming the file) are added to msgs as errors. */
struct dv_lesson *dv_lesson_load(const char *path, struct dv_msgs *msgs);

/* dv_run_options.load: a compare file named in a lesson, relative to the lesson's directory
 * (16 MiB at most). It must stay inside that directory: an absolute name, a ".." component
 * or a symbolic link that leads out is refused (errno EACCES). */
char *dv_file_load_relative(void *ctx, const char *lesson_file, const char *name, size_t *len);

/* The installed lessons directory, or the source tree's when nothing is installed. */
const char *dv_lessons_dir(void);

/* A lesson named on the command line: an existing file, or an id such as "03-send" or "send"
 * (NN-send.lesson) in dv_lessons_dir(). "" means the first lesson of the course. Returns a
 * malloc'd path, or NULL when nothing matches. */
char *dv_lesson_find(const char *arg);

/* The .lesson files of dir as paths, in name order (the course order); *n gets the count.
 * NULL (and *n = 0, errno set) when dir cannot be read; an empty folder gives a list of
 * none. Free with dv_lessons_list_free. */
char **dv_lessons_list(const char *dir, size_t *n);
void dv_lessons_list_free(char **v, size_t n);
/* As dv_lessons_list, with the *.tst test scripts too when tests_too: the one directory walk of
 * check, grade, list, the menu and the demo. Free with dv_lessons_list_free. */
char **dv_files_list(const char *dir, bool tests_too, size_t *n);

/* Writes s to f as XML text or attribute content (JUnit reports): markup characters escaped,
 * control characters other than tab and newline, which XML 1.0 does not allow, as '?'. */
void dv_xml_escaped(FILE *f, const char *s);

/* A copy of s[0, n) without leading and trailing blanks (and a trailing CR). */
char *dv_dup_trimmed(const char *s, size_t n);

/* A learner's answers file: "ID: VALUE" or "LESSON/ID: VALUE" per line, '#' comment lines
 * (`dmaviz check --answers`, `dmaviz grade` with .txt submissions). */
struct dv_answers {
	char **key, **value;
	unsigned *line; /* each entry's line in the file */
	size_t n, cap;
	char *path;
};

enum dv_answers_status { DV_ANSWERS_OK, DV_ANSWERS_UNREADABLE, DV_ANSWERS_BAD_LINE };
/* Loads path into a (zeroed by the caller); on failure writes "PATH: why" or
 * "PATH:LINE: error: ..." to err. */
enum dv_answers_status dv_answers_load(struct dv_answers *a, const char *path, char *err,
                                       size_t errsize);
void dv_answers_free(struct dv_answers *a);
/* Whether every entry of a names a question of one of the n lessons (an ID any of them asks,
 * or LESSON/ID). False for the first that does not: err is "PATH:LINE: error: no question
 * 'ID' in ...". NULL lessons (files that did not parse) are skipped. */
bool dv_answers_check_ids(const struct dv_answers *a, const struct dv_lesson *const *lessons,
                          size_t n, char *err, size_t errsize);
/* dv_run_options.answer: the last line naming LESSON/ID, else the last naming ID. */
const char *dv_answers_lookup(void *ctx, const char *lesson_id, const char *ask_id);

#endif

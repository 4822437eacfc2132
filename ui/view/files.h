/* dmaviz: files the front ends read: lessons, their compare files, and where lessons live.
 * One copy for the CLI commands, the terminal UI and the SDL2 window. */
#ifndef DV_UI_FILES_H
#define DV_UI_FILES_H

#include <stddef.h>

/* Reads at most max bytes of path, NUL-terminated. A caller that wants to notice a file that
 * is too long passes one byte more than it accepts (the lesson parser reports it with its
 * file name). NULL with errno set when the file cannot be read. */
char *dv_file_read(const char *path, size_t max, size_t *len);

/* dv_run_options.load: a compare file named in a lesson, relative to the lesson's directory
 * (16 MiB at most). */
char *dv_file_load_relative(void *ctx, const char *lesson_file, const char *name, size_t *len);

/* The installed lessons directory, or the source tree's when nothing is installed. */
const char *dv_lessons_dir(void);

/* A lesson named on the command line: an existing file, or an id such as "03-send" or "send"
 * (NN-send.lesson) in dv_lessons_dir(). "" means the first lesson of the course. Returns a
 * malloc'd path, or NULL when nothing matches. */
char *dv_lesson_find(const char *arg);

#endif

/* dmaviz: the lesson language's limits and its entry points for the core and the file loader. */
#ifndef DV_SCRIPT_H
#define DV_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lesson.h"

/* Limits that keep every file cheap to parse and run (docs/lesson-format.md §2, §12). */
#define DV_SCRIPT_MAX_FILE (1u << 20)
#define DV_SCRIPT_MAX_LINE 4096u
#define DV_SCRIPT_MAX_MSGS 200u
/* A file's cycles: 2,000,000 unless its machine line says budget=N (at most
 * DV_SCRIPT_MAX_BUDGET); one `tick` or `run` may take at most that many too. */
#define DV_SCRIPT_MAX_BUDGET 100000000u
#define DV_SCRIPT_MAX_TICK DV_SCRIPT_MAX_BUDGET
#define DV_SCRIPT_DEFAULT_RUN_MAX 200000u
#define DV_SCRIPT_DEFAULT_BUDGET 2000000u
/* Frames a run sends: packets through `driver send`, frames through `peer send` (each). */
#define DV_SCRIPT_MAX_FRAMES 10000u
#define DV_SCRIPT_MAX_CMPS 16u
#define DV_SCRIPT_MAX_FILL (16u << 20)

/* Lesson-level calls the language can make (`call NAME`). */
enum dv_lcall {
	DV_LCALL_REGISTER,
	DV_LCALL_SETUP,
	DV_LCALL_COMPLETE,
	DV_LCALL_READ_COUNTER,
	DV_LCALL_DEREGISTER,
	DV_LCALL_RAW_WRITE,
	DV_LCALL_RAW_READ,
	DV_LCALL_COUNT
};
const char *dv_lcall_name(enum dv_lcall c);

/* An arena: every string and array of a parsed lesson, freed at once. */
struct dv_arena;
void *dv_arena_alloc(struct dv_arena **a, size_t size);
char *dv_arena_strndup(struct dv_arena **a, const char *s, size_t n);
void dv_arena_free(struct dv_arena *a);

/* Adds a message (printf-style text after the "FILE:LINE[:COL]: " prefix the caller
 * includes). Stops storing after DV_SCRIPT_MAX_MSGS and counts the rest as dropped. */
void dv_msgs_add(struct dv_msgs *m, enum dv_msg_kind kind, uint32_t line, uint32_t col,
                 uint64_t cycle, const char *hint, const char *fmt, ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 7, 8)))
#endif
        ;

/* Whether a path has a ".." component (compare-to names stay in the lesson's folder). */
bool dv_path_has_dotdot(const char *path);
/* Numbers as the language writes them: 73, 0x49, 0b1001001, 16M, 4K, 0x00_10. */
bool dv_script_number(const char *s, size_t len, uint32_t *out);

/* Resolves a state or derived name (§7) in the context of a lesson (its buffers). */
bool dv_script_resolve(const struct dv_lesson *lesson, const char *name, size_t len,
                       struct dv_ref *out);

/* Parses one line as a single action (the sandbox prompt). Strings go to *arena. */
bool dv_script_parse_command(const struct dv_lesson *lesson, struct dv_arena **arena,
                             const char *file, uint32_t line, const char *text, struct dv_stmt *out,
                             struct dv_msgs *msgs);

#endif

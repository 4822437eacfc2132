/* dmaviz: `dmaviz trace LESSON [--format text|jsonl|vcd] [-o FILE]`. */
#ifndef DV_CMD_TRACE_H
#define DV_CMD_TRACE_H

#include "opts.h"

/* argv[0] is "trace". Returns the exit status. */
int dv_cmd_trace(int argc, char **argv);
extern const struct dv_cmd_spec dv_trace_spec;

#endif

/* dmaviz: `dmaviz record LESSON [--driver FILE.so] -o RUN.dvr`. */
#ifndef DV_CMD_RECORD_H
#define DV_CMD_RECORD_H

#include "opts.h"

/* argv[0] is "record". Returns the exit status. */
int dv_cmd_record(int argc, char **argv);
extern const struct dv_cmd_spec dv_record_spec;

#endif

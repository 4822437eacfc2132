/* dmaviz: `dmaviz check` and `dmaviz list`. */
#ifndef DV_UI_CMD_CHECK_H
#define DV_UI_CMD_CHECK_H

#include "opts.h"

/* `dmaviz check [--junit F] [--tap] [--answers F] [--strict] [--driver F.so] PATH...`:
 * returns the exit status (0 all passed, 1 a check failed, 2 bad usage or input). */
int dv_cmd_check(int argc, char **argv);
extern const struct dv_cmd_spec dv_check_spec;
/* `dmaviz list`: id, level and title of every lesson. */
int dv_cmd_list(int argc, char **argv);
extern const struct dv_cmd_spec dv_list_spec;

#endif

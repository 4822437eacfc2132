/* dmaviz: `dmaviz snapshot`: one moment of a lesson as the presentation layout draws it, as
 * SVG (no SDL needed) or PNG (SDL's software renderer). */
#ifndef DV_CMD_SNAPSHOT_H
#define DV_CMD_SNAPSHOT_H

#include "opts.h"

extern const struct dv_cmd_spec dv_snapshot_spec;
int dv_cmd_snapshot(int argc, char **argv);

#endif

/* dmaviz: where the data files are (assets/: themes, the font list, the window's icon).
 *
 * One lookup for both front ends: $DMAVIZ_DATADIR when set; else an assets/ folder beside the
 * executable or up to two levels above it (Meson copies assets/ into the build tree, so
 * build/ui/dmaviz and build/tests/x/test-x both find build/assets); else ../share/dmaviz
 * beside the executable (a relocated install); else the datadir Meson installed to. A folder
 * counts only when it holds themes/dark.theme. */
#ifndef DV_ASSETS_H
#define DV_ASSETS_H

#include <stdbool.h>
#include <stddef.h>

/* The lookup itself, with every input given (for tests): env is $DMAVIZ_DATADIR (NULL or ""
 * when unset), exe the executable's path (NULL when unknown), installed the configured datadir
 * (NULL: none). Writes the folder into out; false when none of them holds the assets. */
bool dv_assets_find(const char *env, const char *exe, const char *installed, char *out,
                    size_t outlen);

/* The data folder of this process (found once), or NULL when there is none. */
const char *dv_assets_dir(void);

/* DATADIR/rel into out; false when there is no data folder or the path does not fit. */
bool dv_assets_path(const char *rel, char *out, size_t outlen);

/* The entries of a list file's text (assets/fonts.list): each line that is not blank and does
 * not start with '#', trimmed, at most max entries of up to DV_ASSETS_ENTRY - 1 bytes (a longer
 * line is left out). Returns how many were written. */
#define DV_ASSETS_ENTRY 64
size_t dv_assets_list(const char *text, char (*out)[DV_ASSETS_ENTRY], size_t max);

#endif

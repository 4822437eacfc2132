/* dmaviz: where the data files are (see assets.h). */
#include "config.h"

#include "assets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef DV_DATADIR
#define DV_DATADIR NULL
#endif

/* A data folder holds themes/dark.theme (the default look). */
static bool holds_assets(const char *dir)
{
	char p[4096];
	struct stat sb;
	if (!dir || !*dir)
		return false;
	int n = snprintf(p, sizeof p, "%s/themes/dark.theme", dir);
	return n > 0 && (size_t)n < sizeof p && stat(p, &sb) == 0 && S_ISREG(sb.st_mode);
}

static bool take(const char *dir, char *out, size_t outlen)
{
	if (!holds_assets(dir) || strlen(dir) >= outlen)
		return false;
	memcpy(out, dir, strlen(dir) + 1);
	return true;
}

bool dv_assets_find(const char *env, const char *exe, const char *installed, char *out,
                    size_t outlen)
{
	if (env && *env)
		return take(env, out, outlen);
	if (exe && strchr(exe, '/')) {
		char dir[4096], cand[4096];
		size_t len = (size_t)(strrchr(exe, '/') - exe);
		if (len >= sizeof dir)
			return false;
		memcpy(dir, exe, len);
		dir[len] = '\0';
		static const char *const rel[] = { "assets", "../assets", "../../assets",
			                           "../share/dmaviz" };
		for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
			int n = snprintf(cand, sizeof cand, "%s/%s", len ? dir : "", rel[i]);
			if (n > 0 && (size_t)n < sizeof cand && take(cand, out, outlen))
				return true;
		}
	}
	return take(installed, out, outlen);
}

const char *dv_assets_dir(void)
{
	static char dir[4096];
	static int state; /* 0 not looked, 1 found, -1 none */
	if (state == 0) {
		char exe[4096];
		ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
		if (n > 0)
			exe[n] = '\0';
		state = dv_assets_find(getenv("DMAVIZ_DATADIR"), n > 0 ? exe : NULL, DV_DATADIR,
		                       dir, sizeof dir) ?
		                1 :
		                -1;
	}
	return state > 0 ? dir : NULL;
}

bool dv_assets_path(const char *rel, char *out, size_t outlen)
{
	const char *dir = dv_assets_dir();
	if (!dir)
		return false;
	int n = snprintf(out, outlen, "%s/%s", dir, rel);
	return n > 0 && (size_t)n < outlen;
}

size_t dv_assets_list(const char *text, char (*out)[DV_ASSETS_ENTRY], size_t max)
{
	size_t n = 0;
	for (const char *p = text; *p && n < max;) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		const char *s = p;
		p += len + (e ? 1 : 0);
		while (len && (*s == ' ' || *s == '\t')) {
			s++;
			len--;
		}
		while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r'))
			len--;
		if (!len || s[0] == '#' || len >= DV_ASSETS_ENTRY)
			continue;
		memcpy(out[n], s, len);
		out[n++][len] = '\0';
	}
	return n;
}

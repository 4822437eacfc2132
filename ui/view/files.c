/* dmaviz: files the front ends read. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "files.h"

char *dv_file_read(const char *path, size_t max, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = malloc(max + 1);
	if (!buf) {
		fclose(f);
		errno = ENOMEM;
		return NULL;
	}
	size_t n = fread(buf, 1, max, f);
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		free(buf);
		errno = EIO;
		return NULL;
	}
	buf[n] = 0;
	*len = n;
	return buf;
}

char *dv_file_load_relative(void *ctx, const char *lesson_file, const char *name, size_t *len)
{
	(void)ctx;
	char path[4096];
	const char *slash = strrchr(lesson_file, '/');
	if (name[0] == '/' || !slash)
		snprintf(path, sizeof path, "%s", name);
	else
		snprintf(path, sizeof path, "%.*s/%s", (int)(slash - lesson_file), lesson_file, name);
	return dv_file_read(path, 16u << 20, len);
}

static bool is_file(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

const char *dv_lessons_dir(void)
{
	struct stat sb;
	if (stat(DV_LESSONS_DIR, &sb) == 0 && S_ISDIR(sb.st_mode))
		return DV_LESSONS_DIR;
	return DV_SOURCE_LESSONS_DIR;
}

char *dv_lesson_find(const char *arg)
{
	const char *dir = dv_lessons_dir();
	char buf[4096];
	if (*arg && is_file(arg))
		return strdup(arg);
	if (strchr(arg, '/'))
		return NULL; /* a path that is not there: no id contains a slash */
	if (*arg) {
		snprintf(buf, sizeof buf, "%s/%s.lesson", dir, arg);
		if (is_file(buf))
			return strdup(buf);
	}
	DIR *d = opendir(dir);
	if (!d)
		return NULL;
	char *found = NULL;
	size_t alen = strlen(arg);
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		if (n < 8 || strcmp(e->d_name + n - 7, ".lesson"))
			continue;
		/* "send" matches "03-send.lesson": the part after the number. No id: the first. */
		const char *dash = strchr(e->d_name, '-');
		bool match = !alen || (dash && !strncmp(dash + 1, arg, alen) &&
		                       !strcmp(dash + 1 + alen, ".lesson"));
		if (match && (!found || strcmp(e->d_name, found) < 0)) {
			free(found);
			found = strdup(e->d_name);
		}
	}
	closedir(d);
	if (!found)
		return NULL;
	snprintf(buf, sizeof buf, "%s/%s", dir, found);
	free(found);
	return strdup(buf);
}

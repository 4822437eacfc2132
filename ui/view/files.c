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
#include "lesson.h"
#include "script.h"

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

_Static_assert(DV_LESSON_MAX_BYTES == DV_SCRIPT_MAX_FILE, "one size limit for lessons");

struct dv_lesson *dv_lesson_load(const char *path, struct dv_msgs *msgs)
{
	size_t len = 0;
	/* One byte more than the parser takes, so that it can say the file is too large. */
	char *text = dv_file_read(path, DV_LESSON_MAX_BYTES + 1, &len);
	if (!text) {
		dv_msgs_add(msgs, DV_MSG_ERROR, 0, 0, 0, NULL, "%s: error: %s", path, strerror(errno));
		return NULL;
	}
	struct dv_lesson *L = dv_lesson_parse(path, text, len, msgs);
	free(text);
	return L;
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

char *dv_dup_trimmed(const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	char *d = malloc(n + 1);
	if (d) {
		memcpy(d, s, n);
		d[n] = 0;
	}
	return d;
}

void dv_answers_free(struct dv_answers *a)
{
	for (size_t i = 0; i < a->n; i++) {
		free(a->key[i]);
		free(a->value[i]);
	}
	free(a->key);
	free(a->value);
	memset(a, 0, sizeof *a);
}

enum dv_answers_status dv_answers_load(struct dv_answers *a, const char *path, char *err,
                                       size_t errsize)
{
	size_t len;
	char *text = dv_file_read(path, 1u << 20, &len);
	if (!text) {
		snprintf(err, errsize, "%s: %s", path, strerror(errno));
		return DV_ANSWERS_UNREADABLE;
	}
	enum dv_answers_status st = DV_ANSWERS_OK;
	unsigned line = 0;
	for (char *p = text; st == DV_ANSWERS_OK && *p;) {
		char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		line++;
		char *l = dv_dup_trimmed(p, n);
		p = nl ? nl + 1 : p + n;
		if (!l)
			break;
		char *colon = strchr(l, ':');
		if (l[0] && l[0] != '#' && (!colon || colon == l)) {
			snprintf(err, errsize, "%s:%u: error: expected 'ID: VALUE'", path, line);
			st = DV_ANSWERS_BAD_LINE;
		} else if (l[0] && l[0] != '#') {
			if (a->n == a->cap) {
				size_t cap = a->cap ? 2 * a->cap : 16;
				char **k = realloc(a->key, cap * sizeof *k);
				if (k)
					a->key = k;
				char **v = realloc(a->value, cap * sizeof *v);
				if (v)
					a->value = v;
				if (k && v)
					a->cap = cap;
			}
			if (a->n < a->cap) {
				a->key[a->n] = dv_dup_trimmed(l, (size_t)(colon - l));
				a->value[a->n] = dv_dup_trimmed(colon + 1, strlen(colon + 1));
				if (a->key[a->n] && a->value[a->n])
					a->n++;
				else {
					free(a->key[a->n]);
					free(a->value[a->n]);
				}
			}
		}
		free(l);
	}
	free(text);
	return st;
}

const char *dv_answers_lookup(void *ctx, const char *lesson_id, const char *ask_id)
{
	const struct dv_answers *a = ctx;
	char full[256];
	snprintf(full, sizeof full, "%s/%s", lesson_id, ask_id);
	/* The last line that names the ask wins, the lesson-qualified one over the bare one. */
	for (size_t i = a->n; i-- > 0;)
		if (!strcmp(a->key[i], full))
			return a->value[i];
	for (size_t i = a->n; i-- > 0;)
		if (!strcmp(a->key[i], ask_id))
			return a->value[i];
	return NULL;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **dv_lessons_list(const char *dir, size_t *n)
{
	*n = 0;
	DIR *d = opendir(dir);
	if (!d)
		return NULL;
	char **v = NULL;
	size_t cap = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);
		if (e->d_name[0] == '.' || l < 8 || strcmp(e->d_name + l - 7, ".lesson"))
			continue;
		if (*n == cap) {
			size_t nc = cap ? cap * 2 : 16;
			char **nv = realloc(v, nc * sizeof *nv);
			if (!nv)
				break;
			v = nv;
			cap = nc;
		}
		size_t len = strlen(dir) + 1 + l + 1;
		char *path = malloc(len);
		if (!path)
			break;
		snprintf(path, len, "%s/%s", dir, e->d_name);
		v[(*n)++] = path;
	}
	closedir(d);
	if (*n)
		qsort(v, *n, sizeof *v, cmp_names);
	else if (!v)
		v = calloc(1, sizeof *v); /* an empty folder is not an unreadable one */
	return v;
}

void dv_lessons_list_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

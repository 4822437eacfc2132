/* dmaviz: files the front ends read. */
#define _XOPEN_SOURCE 700 /* realpath */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files.h"
#include "lesson.h"
#include "recording.h"
#include "script.h"
#include "utf8.h"

char *dv_file_read(const char *path, size_t max, size_t *len)
{
	/* O_NONBLOCK: opening a FIFO for reading would wait for a writer, forever. Whatever is
	 * not a regular file is refused before the first read. */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		/* open(2): a socket, or a device without its driver. */
		if (errno == ENXIO || errno == ENODEV)
			errno = DV_FILE_ENOTREG;
		return NULL;
	}
	struct stat sb;
	int err = 0;
	if (fstat(fd, &sb) != 0)
		err = errno;
	else if (S_ISDIR(sb.st_mode))
		err = EISDIR;
	else if (!S_ISREG(sb.st_mode))
		err = DV_FILE_ENOTREG;
	char *buf = err ? NULL : malloc(max + 1);
	if (!buf) {
		close(fd);
		errno = err ? err : ENOMEM;
		return NULL;
	}
	size_t n = 0;
	while (n < max) {
		ssize_t got = read(fd, buf + n, max - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			free(buf);
			close(fd);
			errno = EIO;
			return NULL;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	close(fd);
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
		dv_msgs_add(msgs, DV_MSG_ERROR, 0, 0, 0, NULL, "%s: error: %s", path,
		            dv_file_strerror(errno));
		return NULL;
	}
	struct dv_lesson *L = dv_lesson_parse(path, text, len, msgs);
	free(text);
	return L;
}

/* A file named RUN.dvr is a recording whatever its first bytes: one cut inside its magic, or
 * empty, is refused as a recording that is not one, rather than parsed as a lesson whose first
 * statement is unknown. */
bool dv_file_is_recording(const char *path)
{
	size_t n = strlen(path);
	if (n > 4 && !strcmp(path + n - 4, ".dvr"))
		return true;
	size_t len = 0;
	char *head = dv_file_read(path, DV_REC_MAGIC_LEN, &len);
	bool is = head && dv_rec_is((const uint8_t *)head, len);
	free(head);
	return is;
}

struct dv_recording *dv_recording_load(const char *path, char *err, size_t errsz)
{
	struct stat sb;
	if (stat(path, &sb) != 0) {
		snprintf(err, errsz, "%s: %s", path, dv_file_strerror(errno));
		return NULL;
	}
	if (S_ISREG(sb.st_mode) && (uint64_t)sb.st_size > DV_REC_MAX_FILE) {
		snprintf(err, errsz, "%s: a recording larger than 4 GiB", path);
		return NULL;
	}
	/* One byte more than stat said, to notice a file that grew while it was read. */
	size_t len = 0, want = S_ISREG(sb.st_mode) ? (size_t)sb.st_size + 1 : 1;
	char *bytes = dv_file_read(path, want, &len);
	if (!bytes) {
		snprintf(err, errsz, "%s: %s", path, dv_file_strerror(errno));
		return NULL;
	}
	char why[600];
	struct dv_recording *rec = dv_rec_read((const uint8_t *)bytes, len, why, sizeof why);
	free(bytes);
	if (!rec)
		snprintf(err, errsz, "%s: %s", path, why);
	return rec;
}

const char *dv_file_strerror(int err)
{
	return err == DV_FILE_ENOTREG ? "not a regular file" : strerror(err);
}

/* Whether path (dir/NAME) stays inside dir once symbolic links are resolved. A path that does
 * not resolve is let through: reading it fails anyway, with the reason. */
static bool resolves_inside(const char *dir, const char *path)
{
	char *real = realpath(path, NULL);
	if (!real)
		return true;
	char *real_dir = realpath(dir, NULL);
	size_t n = real_dir ? strlen(real_dir) : 0;
	bool ok = real_dir && !strncmp(real, real_dir, n) &&
	          (real[n] == '/' || (n == 1 && real_dir[0] == '/'));
	free(real_dir);
	free(real);
	return ok;
}

char *dv_file_load_relative(void *ctx, const char *lesson_file, const char *name, size_t *len)
{
	(void)ctx;
	/* The compare file stays inside the lesson's folder, so that a lesson cannot show the
	 * lines of another file (/etc/passwd) in its failure messages. The parser refuses an
	 * absolute name and "..": here also a symbolic link that leads out. */
	if (name[0] == '/' || dv_path_has_dotdot(name)) {
		errno = EACCES;
		return NULL;
	}
	char dir[PATH_MAX];
	const char *slash = strrchr(lesson_file, '/');
	if (!slash)
		snprintf(dir, sizeof dir, ".");
	else if (slash == lesson_file)
		snprintf(dir, sizeof dir, "/");
	else
		snprintf(dir, sizeof dir, "%.*s", (int)(slash - lesson_file), lesson_file);
	char path[PATH_MAX];
	int n = snprintf(path, sizeof path, "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sizeof path) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	if (!resolves_inside(dir, path)) {
		errno = EACCES;
		return NULL;
	}
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
	free(a->line);
	free(a->path);
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
	free(a->path);
	a->path = strdup(path);
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
				unsigned *ln = realloc(a->line, cap * sizeof *ln);
				if (ln)
					a->line = ln;
				if (k && v && ln)
					a->cap = cap;
			}
			if (a->n < a->cap) {
				a->key[a->n] = dv_dup_trimmed(l, (size_t)(colon - l));
				a->value[a->n] = dv_dup_trimmed(colon + 1, strlen(colon + 1));
				a->line[a->n] = line;
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

static bool asks(const struct dv_lesson *L, const char *id)
{
	for (unsigned q = 0; q < L->nasks; q++)
		if (L->asks[q]->id && !strcmp(L->asks[q]->id, id))
			return true;
	return false;
}

bool dv_answers_check_ids(const struct dv_answers *a, const struct dv_lesson *const *lessons,
                          size_t n, char *err, size_t errsize)
{
	for (size_t i = 0; i < a->n; i++) {
		const char *key = a->key[i], *slash = strchr(key, '/');
		bool known = false;
		for (size_t k = 0; k < n && !known; k++) {
			const struct dv_lesson *L = lessons[k];
			if (!L)
				continue;
			if (slash)
				known = L->id && (size_t)(slash - key) == strlen(L->id) &&
				        !strncmp(key, L->id, (size_t)(slash - key)) &&
				        asks(L, slash + 1);
			else
				known = asks(L, key);
		}
		if (!known) {
			snprintf(
			        err, errsize,
			        "%s:%u: error: no question '%s' in %s (a question's id is its 'id=' "
			        "or qN, N counting its file's questions from 1)",
			        a->path ? a->path : "answers", a->line[i], key,
			        n == 1 ? "the lesson" : "the lessons checked");
			return false;
		}
	}
	return true;
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
	return dv_files_list(dir, false, n);
}

static bool wanted(const char *name, bool tests_too)
{
	size_t l = strlen(name);
	if (name[0] == '.')
		return false;
	return (l > 7 && !strcmp(name + l - 7, ".lesson")) ||
	       (tests_too && l > 4 && !strcmp(name + l - 4, ".tst"));
}

char **dv_files_list(const char *dir, bool tests_too, size_t *n)
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
		if (!wanted(e->d_name, tests_too))
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

void dv_xml_escaped(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		switch (c) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&apos;", f); break;
		default: {
			/* XML 1.0 allows no control characters but tab and newline, and the file
			 * says it is UTF-8: other bytes (a Latin-1 file name) are written as \xNN
			 * (utf8.h), as the JSON Lines trace writes them. */
			size_t n = c < 0x80 ? 1 : dv_utf8_seq(s);
			if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f || n == 0) {
				char x[5];
				dv_utf8_byte_escape(c, x);
				fputs(x, f);
			} else {
				fwrite(s, 1, n, f);
				s += n - 1;
			}
		}
		}
	}
}

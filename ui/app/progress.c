/* dmaviz: the learner's progress file (progress.h). */
#define _POSIX_C_SOURCE 200809L
#include "progress.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_FILE_BYTES (1u << 20)

bool dv_progress_default_path(char *buf, size_t size)
{
	const char *xdg = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	int n;
	/* The XDG spec says a relative XDG_STATE_HOME is invalid and must be ignored. */
	if (xdg && xdg[0] == '/')
		n = snprintf(buf, size, "%s/dmaviz/progress", xdg);
	else if (home && *home)
		n = snprintf(buf, size, "%s/.local/state/dmaviz/progress", home);
	else
		return false;
	return n > 0 && (size_t)n < size;
}

static void entry_free(struct dv_progress_entry *e)
{
	free(e->id);
	for (size_t i = 0; i < e->nanswered; i++)
		free(e->answered[i]);
	free(e->answered);
	memset(e, 0, sizeof *e);
}

static void clear_entries(struct dv_progress *p)
{
	for (size_t i = 0; i < p->n; i++)
		entry_free(&p->v[i]);
	free(p->v);
	p->v = NULL;
	p->n = 0;
}

void dv_progress_finish(struct dv_progress *p)
{
	clear_entries(p);
	free(p->path);
	memset(p, 0, sizeof *p);
}

const struct dv_progress_entry *dv_progress_get(const struct dv_progress *p, const char *id)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->v[i].id, id) == 0)
			return &p->v[i];
	return NULL;
}

struct dv_progress_entry *dv_progress_add(struct dv_progress *p, const char *id)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->v[i].id, id) == 0)
			return &p->v[i];
	struct dv_progress_entry *v = realloc(p->v, (p->n + 1) * sizeof *v);
	if (!v)
		return NULL;
	p->v = v;
	struct dv_progress_entry *e = &p->v[p->n];
	memset(e, 0, sizeof *e);
	e->id = strdup(id);
	if (!e->id)
		return NULL;
	p->n++;
	return e;
}

bool dv_progress_answered(const struct dv_progress_entry *e, const char *ask_id)
{
	for (size_t i = 0; e && i < e->nanswered; i++)
		if (strcmp(e->answered[i], ask_id) == 0)
			return true;
	return false;
}

bool dv_progress_skipped(const struct dv_progress_entry *e, const char *ask_id)
{
	for (size_t i = 0; e && i < e->nanswered; i++)
		if (e->answered[i][0] == '?' && strcmp(e->answered[i] + 1, ask_id) == 0)
			return true;
	return false;
}

bool dv_progress_mark_skipped(struct dv_progress_entry *e, const char *ask_id)
{
	char buf[256];
	if (!e || dv_progress_answered(e, ask_id) || dv_progress_skipped(e, ask_id) ||
	    (size_t)snprintf(buf, sizeof buf, "?%s", ask_id) >= sizeof buf)
		return false;
	return dv_progress_mark_answered(e, buf);
}

bool dv_progress_mark_answered(struct dv_progress_entry *e, const char *ask_id)
{
	if (!e || dv_progress_answered(e, ask_id))
		return false;
	for (size_t i = 0; ask_id[0] != '?' && i < e->nanswered; i++)
		if (e->answered[i][0] == '?' && strcmp(e->answered[i] + 1, ask_id) == 0) {
			/* Answered after a skip: the mark becomes an answer. */
			char *id = strdup(ask_id);
			if (!id)
				return false;
			free(e->answered[i]);
			e->answered[i] = id;
			return true;
		}
	char **v = realloc(e->answered, (e->nanswered + 1) * sizeof *v);
	if (!v)
		return false;
	e->answered = v;
	if (!(e->answered[e->nanswered] = strdup(ask_id)))
		return false;
	e->nanswered++;
	return true;
}

/* Ids are the lesson language's names: anything else means the file is not ours. */
static bool id_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' || *s == '.'))
			return false;
	return true;
}

/* Parses the whole text into p; false on the first line that is not a progress line. */
static bool parse(struct dv_progress *p, char *text, size_t len)
{
	if (memchr(text, '\0', len))
		return false;
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		size_t n = strlen(line);
		if (n && line[n - 1] == '\r')
			line[--n] = '\0';
		if (line[0] == '#' || line[strspn(line, " \t")] == '\0')
			continue;
		char *ws = NULL;
		char *id = strtok_r(line, " \t", &ws);
		char *step = strtok_r(NULL, " \t", &ws);
		char *fin = strtok_r(NULL, " \t", &ws);
		if (!id || !step || !fin || !id_ok(id) ||
		    strspn(step, "0123456789") != strlen(step) || strlen(step) > 6 ||
		    (strcmp(fin, "0") && strcmp(fin, "1")))
			return false;
		struct dv_progress_entry *e = dv_progress_add(p, id);
		if (!e)
			return false;
		e->step = (unsigned)strtoul(step, NULL, 10);
		e->finished = fin[0] == '1';
		for (char *a = strtok_r(NULL, " \t", &ws); a; a = strtok_r(NULL, " \t", &ws)) {
			if (!id_ok(a[0] == '?' ? a + 1 : a))
				return false;
			dv_progress_mark_answered(e, a); /* "?ID": skipped, kept as written */
		}
	}
	return true;
}

/* Moves a bad file to PATH.corrupt-N (the first N free) so the learner or a teacher can still
 * recover it; the name is reported in status. */
static void set_aside(struct dv_progress *p, const char *why)
{
	char aside[4200];
	for (unsigned n = 1; n < 1000; n++) {
		snprintf(aside, sizeof aside, "%s.corrupt-%u", p->path, n);
		struct stat sb;
		if (lstat(aside, &sb) != 0 && errno == ENOENT)
			break;
	}
	const char *base = strrchr(aside, '/');
	base = base ? base + 1 : aside;
	if (rename(p->path, aside) == 0)
		snprintf(p->status, sizeof p->status,
		         "progress file %s; kept as %.100s, starting afresh", why, base);
	else
		snprintf(p->status, sizeof p->status,
		         "progress file %s and cannot be moved aside (%s)", why, strerror(errno));
}

void dv_progress_load(struct dv_progress *p, const char *path)
{
	memset(p, 0, sizeof *p);
	if (!path)
		return;
	p->path = strdup(path);
	if (!p->path)
		return;
	/* O_NONBLOCK: a FIFO in its place would make open wait for a writer, forever. */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct stat sb;
	if (fd < 0 && errno == ENOENT)
		return;
	if ((fd < 0 && (errno == ENXIO || errno == ENODEV)) ||
	    (fd >= 0 && fstat(fd, &sb) == 0 && !S_ISREG(sb.st_mode))) {
		/* Not ours to read, to move aside or to replace: progress stays in memory. */
		snprintf(p->status, sizeof p->status,
		         "progress file %.150s is not a regular file; progress is not saved", path);
		free(p->path);
		p->path = NULL;
		if (fd >= 0)
			close(fd);
		return;
	}
	if (fd < 0) {
		set_aside(p, "is unreadable");
		return;
	}
	char *buf = malloc(MAX_FILE_BYTES + 1);
	size_t n = 0;
	bool bad = !buf;
	while (!bad && n <= MAX_FILE_BYTES) {
		ssize_t got = read(fd, buf + n, MAX_FILE_BYTES + 1 - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			bad = got < 0;
			break;
		}
		n += (size_t)got;
	}
	bad = bad || n > MAX_FILE_BYTES;
	close(fd);
	if (!bad) {
		buf[n] = '\0';
		bad = !parse(p, buf, n);
	}
	free(buf);
	if (bad) {
		clear_entries(p);
		set_aside(p, "was corrupt");
	}
}

/* mkdir -p for the file's directory. */
static bool make_parents(const char *path)
{
	char dir[4096];
	snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return true;
	*slash = '\0';
	for (char *s = dir + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST)
			return false;
		*s = '/';
	}
	return mkdir(dir, 0700) == 0 || errno == EEXIST;
}

/* Removes PATH.tmpPID files whose process is gone: a dmaviz killed between writing its
 * temporary file and renaming it (kill -9, a crash) leaves one behind. The file of a process
 * that still runs (or of a PID taken again since) is left alone: kill(pid, 0) says ESRCH only
 * when no such process exists. */
static void remove_stale_temps(const char *path)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	if (!slash)
		snprintf(dir, sizeof dir, ".");
	else if (slash == path)
		snprintf(dir, sizeof dir, "/");
	else
		snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
	size_t blen = strlen(base);
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		const char *name = e->d_name;
		if (strncmp(name, base, blen) || strncmp(name + blen, ".tmp", 4))
			continue;
		const char *digits = name + blen + 4;
		size_t nd = strspn(digits, "0123456789");
		if (nd == 0 || nd > 9 || digits[nd] || digits[0] == '0')
			continue;
		pid_t pid = (pid_t)strtol(digits, NULL, 10);
		if (pid == getpid() || kill(pid, 0) == 0 || errno != ESRCH)
			continue;
		char file[4400];
		struct stat sb;
		int n = snprintf(file, sizeof file, "%s/%s", dir, name);
		if (n > 0 && (size_t)n < sizeof file && lstat(file, &sb) == 0 &&
		    S_ISREG(sb.st_mode))
			unlink(file);
	}
	closedir(d);
}

bool dv_progress_save(struct dv_progress *p)
{
	if (!p->path)
		return true;
	if (!make_parents(p->path)) {
		snprintf(p->status, sizeof p->status, "cannot create the progress directory: %s",
		         strerror(errno));
		return false;
	}
	remove_stale_temps(p->path);
	char tmp[4200];
	snprintf(tmp, sizeof tmp, "%s.tmp%ld", p->path, (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f) {
		if (fd >= 0)
			close(fd);
		snprintf(p->status, sizeof p->status, "cannot save progress: %s", strerror(errno));
		return false;
	}
	fprintf(f, "# dmaviz progress: lesson-id step-reached finished answered-ids...\n");
	for (size_t i = 0; i < p->n; i++) {
		const struct dv_progress_entry *e = &p->v[i];
		fprintf(f, "%s %u %d", e->id, e->step, e->finished ? 1 : 0);
		for (size_t k = 0; k < e->nanswered; k++)
			fprintf(f, " %s", e->answered[k]);
		fputc('\n', f);
	}
	/* fsync before rename: after a crash the file is the old one or the new one, whole. */
	bool ok = fflush(f) == 0 && !ferror(f) && fsync(fileno(f)) == 0;
	ok = fclose(f) == 0 && ok;
	if (!ok || rename(tmp, p->path) != 0) {
		snprintf(p->status, sizeof p->status, "cannot save progress: %s", strerror(errno));
		unlink(tmp);
		return false;
	}
	return true;
}

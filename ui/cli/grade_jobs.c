/* dmaviz: a class graded in worker processes (grade_jobs.h). */
#define _GNU_SOURCE
#include "grade_jobs.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "isolate.h"
#include "report.h"

unsigned dv_grade_jobs_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 256 ? 256 : (unsigned)n;
}

/* ---- results through a pipe: a line of numbers, then each string as "LEN\n" and its bytes */

static void put_str(FILE *f, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	fprintf(f, "%zu\n", n);
	fwrite(s ? s : "", 1, n, f);
}

static void send_results(int fd, const struct dv_grade_job *job)
{
	FILE *f = fdopen(fd, "w");
	if (!f)
		return;
	for (size_t t = 0; t < job->ntests; t++) {
		const struct dv_grade_result *r = &job->res[t];
		fprintf(f, "%d %.17g %u %zu %zu\n", r->verdict, r->seconds, r->leftovers,
		        r->dropped, r->nlines);
		put_str(f, r->aborted);
		put_str(f, r->printed);
		for (size_t l = 0; l < r->nlines; l++)
			put_str(f, r->lines[l]);
	}
	fclose(f);
}

struct reader {
	const char *p, *end;
};

static char *get_str(struct reader *rd)
{
	char *nl = memchr(rd->p, '\n', (size_t)(rd->end - rd->p));
	if (!nl)
		return NULL;
	size_t n = strtoul(rd->p, NULL, 10);
	rd->p = nl + 1;
	if (n > (size_t)(rd->end - rd->p))
		return NULL;
	char *s = strndup(rd->p, n);
	rd->p += n;
	return s;
}

static bool get_result(struct reader *rd, struct dv_grade_result *r)
{
	int used = 0;
	size_t nlines = 0;
	if (sscanf(rd->p, "%d %lf %u %zu %zu\n%n", &r->verdict, &r->seconds, &r->leftovers,
	           &r->dropped, &nlines, &used) != 5 ||
	    !used)
		return false;
	rd->p += used;
	char *aborted = get_str(rd);
	if (!aborted)
		return false;
	snprintf(r->aborted, sizeof r->aborted, "%s", aborted);
	free(aborted);
	r->printed = get_str(rd);
	if (!r->printed)
		return false;
	if (!r->printed[0]) {
		free(r->printed);
		r->printed = NULL;
	}
	r->lines = calloc(nlines ? nlines : 1, sizeof *r->lines);
	for (; r->lines && r->nlines < nlines; r->nlines++)
		if (!(r->lines[r->nlines] = get_str(rd)))
			return false;
	return r->lines != NULL;
}

static bool recv_results(const char *buf, size_t len, struct dv_grade_job *job)
{
	struct reader rd = { buf, buf + len };
	for (size_t t = 0; t < job->ntests; t++) {
		memset(&job->res[t], 0, sizeof job->res[t]);
		if (!get_result(&rd, &job->res[t]))
			return false;
	}
	return rd.p == rd.end;
}

/* ---- progress ------------------------------------------------------------------------------ */

static void progress_draw(bool on, size_t done, size_t n, double t0)
{
	if (!on)
		return;
	double el = dv_report_now() - t0;
	int e = (int)el;
	fprintf(stderr, "\r%zu/%zu submissions, %d:%02d elapsed", done, n, e / 60, e % 60);
	if (done && done < n) {
		int left = (int)(el / (double)done * (double)(n - done) + 0.5);
		fprintf(stderr, ", ~%d:%02d left", left / 60, left % 60);
	}
	fputs("\033[K", stderr);
	fflush(stderr);
}

static void progress_clear(bool on)
{
	if (on) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
}

/* ---- workers --------------------------------------------------------------------------------- */

struct worker {
	pid_t pid;
	int fd;
	size_t job;
	char *buf;
	size_t len, cap;
};

static pid_t start_worker(const struct dv_grade_jobs *g, size_t i, int *fd)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) != 0)
		return -1;
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		g->grade(g->ctx, i);
		dv_iso_kill_children();
		send_results(p[1], &g->jobs[i]);
		_exit(0);
	}
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		return -1;
	}
	*fd = p[0];
	return pid;
}

static void fail_job(struct dv_grade_job *job, const char *why)
{
	for (size_t t = 0; t < job->ntests; t++) {
		dv_grade_result_free(&job->res[t]);
		memset(&job->res[t], 0, sizeof job->res[t]);
		job->res[t].verdict = DV_GRADE_ERROR;
		job->res[t].lines = malloc(sizeof *job->res[t].lines);
		if (job->res[t].lines && (job->res[t].lines[0] = strdup(why)))
			job->res[t].nlines = 1;
	}
}

/* The worker's results are in (end of file): reap it, read them. */
static void finish_worker(const struct dv_grade_jobs *g, struct worker *w)
{
	int st = 0;
	waitpid(w->pid, &st, 0);
	close(w->fd);
	struct dv_grade_job *job = &g->jobs[w->job];
	if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0 && w->buf &&
	      recv_results(w->buf, w->len, job))) {
		char why[160];
		snprintf(why, sizeof why,
		         "error: grading this submission was interrupted (its worker %s %d)",
		         WIFSIGNALED(st) ? "was killed by signal" : "exited with status",
		         WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
		fail_job(job, why);
	}
	free(w->buf);
	memset(w, 0, sizeof *w);
	w->fd = -1;
}

static bool read_worker(struct worker *w)
{
	if (w->len + 65536 > w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 1 << 17;
		char *b = realloc(w->buf, cap);
		if (!b)
			return false;
		w->buf = b;
		w->cap = cap;
	}
	ssize_t r = read(w->fd, w->buf + w->len, w->cap - w->len);
	if (r < 0 && errno == EINTR)
		return true;
	if (r <= 0)
		return false;
	w->len += (size_t)r;
	return true;
}

void dv_grade_jobs_run(const struct dv_grade_jobs *g)
{
	unsigned par = g->parallel ? g->parallel : 1;
	struct worker *ws = calloc(par, sizeof *ws);
	bool *graded = calloc(g->n ? g->n : 1, sizeof *graded);
	bool tty = g->progress && isatty(2);
	double t0 = dv_report_now();
	size_t next = 0, reported = 0, ndone = 0;
	if (!ws || !graded) {
		for (size_t i = 0; i < g->n; i++)
			fail_job(&g->jobs[i], "error: out of memory");
		next = g->n;
	}
	for (unsigned k = 0; ws && k < par; k++)
		ws[k].fd = -1;
	/* A subreaper from the start (there is no child yet to kill): what a worker that dies
	 * leaves comes to us, and is killed below. */
	dv_iso_kill_children();
	progress_draw(tty, 0, g->n, t0);
	while (reported < g->n) {
		for (unsigned k = 0; ws && k < par && next < g->n; k++) {
			if (ws[k].fd >= 0)
				continue;
			ws[k].job = next;
			ws[k].pid = start_worker(g, next, &ws[k].fd);
			if (ws[k].pid < 0) {
				char why[160];
				snprintf(why, sizeof why,
				         "error: cannot start a worker process: %s",
				         strerror(errno));
				fail_job(&g->jobs[next], why);
				ws[k].fd = -1;
				graded[next] = true;
				ndone++;
			}
			next++;
		}
		struct pollfd pf[256];
		unsigned np = 0, map[256];
		for (unsigned k = 0; ws && k < par && np < 256; k++)
			if (ws[k].fd >= 0) {
				pf[np] = (struct pollfd){ ws[k].fd, POLLIN, 0 };
				map[np++] = k;
			}
		if (np && poll(pf, np, 1000) > 0)
			for (unsigned i = 0; i < np; i++) {
				struct worker *w = &ws[map[i]];
				if (!pf[i].revents || read_worker(w))
					continue;
				size_t job = w->job;
				finish_worker(g, w);
				graded[job] = true;
				ndone++;
			}
		bool printed = false;
		for (; reported < g->n && graded[reported]; reported++) {
			if (!printed)
				progress_clear(tty);
			printed = true;
			g->done(g->ctx, reported);
		}
		progress_draw(tty, ndone, g->n, t0);
	}
	progress_clear(tty);
	/* What a worker that died left behind comes to us: nothing outlives grading. */
	dv_iso_kill_children();
	free(graded);
	free(ws);
}

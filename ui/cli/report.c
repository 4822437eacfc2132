/* dmaviz: a run's messages as report lines, and the JUnit XML writer (report.h). */
#define _GNU_SOURCE 1 /* newlocale, uselocale, wcwidth */
#include "report.h"

#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "export.h"
#include "files.h"
#include "utf8.h"

void dv_report_msgs(const struct dv_msgs *m, bool failed,
                    void (*add)(void *ctx, const char *line, bool hint), void *ctx)
{
	char buf[1400];
	for (size_t i = 0; i < m->n; i++) {
		const struct dv_msg *g = &m->v[i];
		if (g->kind == DV_MSG_INFO || (g->kind == DV_MSG_NOTE && !failed))
			continue;
		add(ctx, g->text, false);
		if (g->hint) {
			bool fix = strncmp(g->hint, "Fix: ", 5) == 0;
			snprintf(buf, sizeof buf, "%s%s", fix ? "" : "hint: ", g->hint);
			add(ctx, buf, true);
		}
	}
	if (m->dropped) {
		snprintf(buf, sizeof buf, "... and %zu more", m->dropped);
		add(ctx, buf, false);
	}
}

static void print_line(void *ctx, const char *line, bool hint)
{
	fprintf(ctx, "%s%s\n", hint ? "  " : "", line);
}

void dv_report_fprint(FILE *f, const struct dv_msgs *m, bool failed)
{
	dv_report_msgs(m, failed, print_line, f);
}

/* ---- text for a terminal ------------------------------------------------------------------ */

/* The cells a code point takes, by the C library's Unicode tables (wcwidth in a UTF-8 locale,
 * whatever the program's own locale is); 1 each when there is no UTF-8 locale. */
static size_t cp_cells(uint32_t cp)
{
	static locale_t utf8;
	static bool tried;
	if (!tried) {
		tried = true;
		utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	}
	if (!utf8)
		return 1;
	locale_t old = uselocale(utf8);
	int w = wcwidth((wchar_t)cp);
	uselocale(old);
	return w < 0 ? 1 : (size_t)w;
}

/* The next piece of s, *n bytes taking *cells cells: a character to print as it is, or bytes
 * to escape each as \xNN (returns true). */
static bool next_piece(const char *s, size_t *n, size_t *cells)
{
	unsigned char c = (unsigned char)*s;
	size_t k = dv_utf8_seq(s);
	if (k == 0 || c < 0x20 || c == 0x7f) {
		*n = 1;
		*cells = 4;
		return true;
	}
	uint32_t cp = k == 1 ? c : k == 2 ? c & 0x1fu : k == 3 ? c & 0x0fu : c & 0x07u;
	for (size_t i = 1; i < k; i++)
		cp = cp << 6 | ((unsigned char)s[i] & 0x3fu);
	*n = k;
	if (cp >= 0x80 && cp < 0xa0) { /* a C1 control (two bytes): a terminal acts on it too */
		*cells = 8;
		return true;
	}
	*cells = k == 1 ? 1 : cp_cells(cp);
	return false;
}

size_t dv_report_cells(const char *s)
{
	size_t cells = 0, n, w;
	for (; *s; s += n) {
		next_piece(s, &n, &w);
		cells += w;
	}
	return cells;
}

void dv_report_puts(FILE *f, const char *s, size_t width)
{
	size_t cells = 0, n, w;
	for (; *s; s += n) {
		if (next_piece(s, &n, &w)) {
			char x[5];
			for (size_t i = 0; i < n; i++) {
				dv_utf8_byte_escape((unsigned char)s[i], x);
				fputs(x, f);
			}
		} else {
			fwrite(s, 1, n, f);
		}
		cells += w;
	}
	for (; cells < width; cells++)
		fputc(' ', f);
}

double dv_report_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void count(const struct dv_junit_suite *s, size_t *failures, size_t *errors)
{
	for (size_t i = 0; i < s->ncases; i++) {
		*failures += s->cases[i].verdict == DV_GRADE_FAIL;
		*errors += s->cases[i].verdict == DV_GRADE_ERROR;
	}
}

static void write_case(FILE *f, const struct dv_junit_case *c)
{
	fputs("    <testcase classname=\"", f);
	dv_xml_escaped(f, c->classname);
	fputs("\" name=\"", f);
	dv_xml_escaped(f, c->name);
	fprintf(f, "\" time=\"%.3f\"", c->seconds);
	bool printed = c->printed && c->printed[0];
	if (c->verdict == DV_GRADE_PASS && !printed) {
		fputs("/>\n", f);
		return;
	}
	fputs(">\n", f);
	if (printed) {
		fputs("      <system-out>", f);
		dv_xml_escaped(f, c->printed);
		fputs("</system-out>\n", f);
	}
	if (c->verdict == DV_GRADE_PASS) {
		fputs("    </testcase>\n", f);
		return;
	}
	/* JUnit's two kinds: a failure is a check that did not hold, an error a file that could
	 * not be run (Jenkins' junit schema, and what junitparser counts in errors=). */
	const char *el = c->verdict == DV_GRADE_ERROR ? "error" : "failure";
	fprintf(f, "      <%s type=\"%s\" message=\"", el, el);
	dv_xml_escaped(f, c->nlines ? c->lines[0] : "failed");
	fputs("\">", f);
	for (size_t k = 0; k < c->nlines; k++) {
		dv_xml_escaped(f, c->lines[k]);
		fputc('\n', f);
	}
	fprintf(f, "</%s>\n    </testcase>\n", el);
}

FILE *dv_report_open(const char *path, char *tmp, size_t tmplen)
{
	/* mkstemp: a new file of ours (O_EXCL), never one a leftover placed there (a symbolic
	 * link to the report's name), readable as a report is (0644, not mkstemp's 0600). */
	struct stat st;
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		tmp[0] = '\0';
		return fopen(path, "w");
	}
	snprintf(tmp, tmplen, "%s.XXXXXX", path);
	int fd = mkstemp(tmp);
	if (fd < 0)
		return NULL;
	mode_t mask = umask(0);
	umask(mask);
	fchmod(fd, 0666 & ~mask);
	FILE *f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		remove(tmp);
	}
	return f;
}

bool dv_report_close(FILE *f, const char *tmp, const char *path)
{
	bool ok = !ferror(f);
	ok = fclose(f) == 0 && ok;
	if (!tmp[0]) /* written in place: not a regular file */
		return ok;
	if (!ok || rename(tmp, path) != 0) {
		remove(tmp);
		return false;
	}
	return true;
}

bool dv_junit_write(const char *path, const struct dv_junit_suite *suites, size_t n)
{
	char tmp[4096];
	FILE *f = dv_report_open(path, tmp, sizeof tmp);
	if (!f)
		return false;
	size_t tests = 0, failures = 0, errors = 0;
	double seconds = 0;
	for (size_t s = 0; s < n; s++) {
		tests += suites[s].ncases;
		count(&suites[s], &failures, &errors);
		seconds += suites[s].seconds;
	}
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(f, "<testsuites tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" time=\"%.3f\">\n",
	        tests, failures, errors, seconds);
	for (size_t s = 0; s < n; s++) {
		const struct dv_junit_suite *su = &suites[s];
		size_t sf = 0, se = 0;
		count(su, &sf, &se);
		char stamp[32] = "1970-01-01T00:00:00";
		time_t t = (time_t)su->started;
		struct tm tm;
		if (gmtime_r(&t, &tm))
			strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
		fputs("  <testsuite name=\"", f);
		dv_xml_escaped(f, su->name);
		fprintf(f,
		        "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"0\" "
		        "time=\"%.3f\" timestamp=\"%s\">\n",
		        su->ncases, sf, se, su->seconds, stamp);
		for (size_t i = 0; i < su->ncases; i++)
			write_case(f, &su->cases[i]);
		fputs("  </testsuite>\n", f);
	}
	fputs("</testsuites>\n", f);
	return dv_report_close(f, tmp, path);
}

/* ---- Gradescope ------------------------------------------------------------------------------ */

void dv_report_file_write(void *ctx, const char *buf, size_t len)
{
	fwrite(buf, 1, len, ctx);
}

bool dv_gradescope_write(const char *path, const struct dv_gradescope_test *tests, size_t n,
                         const char *output)
{
	char tmp[4096];
	FILE *f = dv_report_open(path, tmp, sizeof tmp);
	if (!f)
		return false;
	double score = 0, seconds = 0;
	for (size_t i = 0; i < n; i++) {
		score += tests[i].verdict == DV_GRADE_PASS ? tests[i].max_score : 0;
		seconds += tests[i].seconds;
	}
	/* Gradescope's autograder specification: score and execution_time (whole seconds) for
	 * the submission, and one object per test. The grader's own log (stdout) stays the
	 * teacher's: it names the hidden tests' failures. */
	fprintf(f, "{\n  \"score\": %g,\n  \"execution_time\": %.0f,\n  \"output\": ", score,
	        seconds);
	dv_json_string(dv_report_file_write, f, output ? output : "");
	fputs(",\n  \"stdout_visibility\": \"hidden\",\n  \"tests\": [", f);
	for (size_t i = 0; i < n; i++) {
		const struct dv_gradescope_test *t = &tests[i];
		bool pass = t->verdict == DV_GRADE_PASS;
		fprintf(f, "%s\n    {\n      \"name\": ", i ? "," : "");
		dv_json_string(dv_report_file_write, f, t->name);
		fprintf(f, ",\n      \"number\": \"%zu\",\n", i + 1);
		fprintf(f, "      \"score\": %g,\n      \"max_score\": %g,\n",
		        pass ? t->max_score : 0.0, t->max_score);
		fprintf(f, "      \"status\": \"%s\",\n", pass ? "passed" : "failed");
		/* A hidden test's result shows once the teacher publishes the grades. */
		fprintf(f, "      \"visibility\": \"%s\",\n",
		        t->hidden ? "after_published" : "visible");
		fputs("      \"output\": ", f);
		/* The messages, one a line, as the table's report prints them. */
		static const char said[] = "\n\nYour driver printed:\n";
		bool printed = t->printed && t->printed[0];
		size_t len = 1 + (printed ? strlen(said) + strlen(t->printed) : 0);
		for (size_t k = 0; k < t->nlines; k++)
			len += strlen(t->lines[k]) + 1;
		char *text = malloc(len), *o = text;
		if (text) {
			*o = '\0';
			for (size_t k = 0; k < t->nlines; k++)
				o += sprintf(o, "%s%s", k ? "\n" : "", t->lines[k]);
			if (printed)
				sprintf(o, "%s%s", said, t->printed);
		}
		dv_json_string(dv_report_file_write, f, text ? text : "");
		free(text);
		fputs("\n    }", f);
	}
	fputs("\n  ]\n}\n", f);
	return dv_report_close(f, tmp, path);
}

/* dmaviz: the report lines of a run's messages and the JUnit writer (ui/cli/report.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../unit/check.h"
#include "cmd_grade.h"
#include "report.h"
#include "script.h"

struct lines {
	char text[16][200];
	bool hint[16];
	int n;
};

static void add(void *ctx, const char *line, bool hint)
{
	struct lines *l = ctx;
	if (l->n < 16) {
		snprintf(l->text[l->n], sizeof l->text[0], "%s", line);
		l->hint[l->n++] = hint;
	}
}

static void test_msgs(void)
{
	struct dv_msgs m;
	dv_msgs_init(&m);
	dv_msgs_add(&m, DV_MSG_INFO, 1, 0, 0, NULL, "t:1: read 0x3000: 01");
	dv_msgs_add(&m, DV_MSG_NOTE, 2, 0, 0, "Fix: complete it first.", "t:2: verifier: dma-busy");
	dv_msgs_add(&m, DV_MSG_FAIL, 3, 0, 0, "raise the bound", "t:3: run until: still false");
	struct lines l = { 0 };
	/* A failed file: the note and the failure, each with its hint; never the information. */
	dv_report_msgs(&m, true, add, &l);
	CHECK_EQ(l.n, 4);
	CHECK(!strcmp(l.text[0], "t:2: verifier: dma-busy") && !l.hint[0]);
	CHECK(!strcmp(l.text[1], "Fix: complete it first.") && l.hint[1]);
	CHECK(!strcmp(l.text[2], "t:3: run until: still false"));
	CHECK(!strcmp(l.text[3], "hint: raise the bound") && l.hint[3]);
	/* A file that passed: no notes. */
	memset(&l, 0, sizeof l);
	dv_report_msgs(&m, false, add, &l);
	CHECK_EQ(l.n, 2);
	CHECK(!strcmp(l.text[0], "t:3: run until: still false"));
	dv_msgs_finish(&m);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	static char buf[8192];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = 0;
	return buf;
}

static void test_junit(void)
{
	char path[] = "/tmp/dv-junit-XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	char *fail_lines[] = { "first <message> & more", "second" };
	char *err_lines[] = { "x.lesson:1:1: error: bad \x01" };
	struct dv_junit_case c[] = {
		{ "dmaviz.grade.caf\xe9.so", "a.lesson", DV_GRADE_PASS, NULL, 0, 0.25, NULL },
		{ "dmaviz.grade.caf\xe9.so", "b.lesson", DV_GRADE_FAIL, fail_lines, 2, 0.5,
		  "hi <b>\\x1b[2J\n" },
		{ "dmaviz.grade.caf\xe9.so", "x.lesson", DV_GRADE_ERROR, err_lines, 1, 0.125,
		  NULL },
	};
	struct dv_junit_suite s = { "sub/caf\xe9.so", c, 3, 0.875, 86400 };
	CHECK(dv_junit_write(path, &s, 1));
	const char *x = slurp(path);
	CHECK(x &&
	      strstr(x, "<testsuites tests=\"3\" failures=\"1\" errors=\"1\" time=\"0.875\">"));
	CHECK(x && strstr(x, "<testsuite name=\"sub/caf\\xe9.so\" tests=\"3\" failures=\"1\" "
	                     "errors=\"1\" skipped=\"0\" time=\"0.875\" "
	                     "timestamp=\"1970-01-02T00:00:00\">"));
	CHECK(x && strstr(x, "name=\"a.lesson\" time=\"0.250\"/>"));
	CHECK(x && strstr(x, "<failure type=\"failure\" message=\"first &lt;message&gt; &amp; "
	                     "more\">"));
	CHECK(x && strstr(x, "<error type=\"error\" message=\"x.lesson:1:1: error: bad \\x01\">"));
	CHECK(x && strstr(x, "</error>") && !strstr(x, "\xe9") && !strstr(x, "\x01"));
	/* what b's process printed, in its testcase before the failure */
	CHECK(x && strstr(x, "name=\"b.lesson\" time=\"0.500\">\n      <system-out>hi &lt;b&gt;"
	                     "\\x1b[2J\n</system-out>\n      <failure "));
	/* written through a temporary file of its own, readable as a report */
	struct stat sb;
	CHECK(stat(path, &sb) == 0 && (sb.st_mode & 0044) == 0044);
	remove(path);
}

static void test_gradescope(void)
{
	char path[] = "/tmp/dv-gradescope-XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	char *fail_lines[] = { "b.lesson:3: expect failed: \"x\" \\ y", "hint: tab\there" };
	struct dv_gradescope_test t[] = {
		{ .name = "a.lesson: caf\xe9",
		  .verdict = DV_GRADE_PASS,
		  .seconds = 0.4,
		  .max_score = 1 },
		{ .name = "b.lesson",
		  .verdict = DV_GRADE_FAIL,
		  .lines = fail_lines,
		  .nlines = 2,
		  .seconds = 0.7,
		  .max_score = 2,
		  .hidden = true,
		  .printed = "debug: 1\n" },
		{ .name = "c.lesson", .verdict = DV_GRADE_ERROR, .max_score = 1 },
	};
	CHECK(dv_gradescope_write(path, t, 3, "1 of 3 tests passed"));
	const char *x = slurp(path);
	CHECK(x && strstr(x, "{\n  \"score\": 1,\n  \"execution_time\": 1,\n"));
	CHECK(x && strstr(x, "\"output\": \"1 of 3 tests passed\""));
	CHECK(x && strstr(x, "\"stdout_visibility\": \"hidden\""));
	/* a's byte that is not UTF-8 is the characters \xe9, escaped for JSON */
	CHECK(x && strstr(x, "\"name\": \"a.lesson: caf\\\\xe9\"") && !strstr(x, "\xe9"));
	CHECK(x && strstr(x, "\"score\": 1,\n      \"max_score\": 1,\n      \"status\": "
	                     "\"passed\",\n      \"visibility\": \"visible\""));
	CHECK(x && strstr(x, "\"score\": 0,\n      \"max_score\": 2,\n      \"status\": "
	                     "\"failed\",\n      \"visibility\": \"after_published\""));
	CHECK(x && strstr(x, "\"output\": \"b.lesson:3: expect failed: \\\"x\\\" \\\\ y\\nhint: "
	                     "tab\\there\\n\\nYour driver printed:\\ndebug: 1\\n\""));
	CHECK(x && strstr(x, "\"number\": \"3\",\n      \"score\": 0,\n      \"max_score\": 1,\n"
	                     "      \"status\": \"failed\""));
	CHECK(x && strstr(x, "\n  ]\n}\n"));
	remove(path);
}

/* What dv_report_puts writes for s padded to width, in a static buffer. */
static const char *put(const char *s, size_t width)
{
	static char buf[256];
	FILE *f = fmemopen(buf, sizeof buf, "w");
	dv_report_puts(f, s, width);
	fclose(f);
	return buf;
}

static void test_text(void)
{
	/* ASCII, a two-byte letter, a wide CJK pair, a combining accent */
	CHECK_EQ(dv_report_cells("abc"), 3);
	CHECK_EQ(dv_report_cells("Jos\xc3\xa9"), 4);
	CHECK_EQ(dv_report_cells("\xe6\x9d\xb1\xe4\xba\xac"), 4);
	CHECK_EQ(dv_report_cells("e\xcc\x81"), 1);
	CHECK(!strcmp(put("Jos\xc3\xa9", 6), "Jos\xc3\xa9  "));
	CHECK(!strcmp(put("\xe6\x9d\xb1\xe4\xba\xac.so", 8), "\xe6\x9d\xb1\xe4\xba\xac.so "));
	/* a Latin-1 byte, an escape sequence, a C1 control (U+009B, CSI), a lone continuation byte
	 * and a truncated sequence: each byte as \xNN, four cells */
	CHECK(!strcmp(put("caf\xe9", 0), "caf\\xe9"));
	CHECK_EQ(dv_report_cells("caf\xe9"), 7);
	CHECK(!strcmp(put("a\x1b[2Jb", 0), "a\\x1b[2Jb"));
	CHECK(!strcmp(put("\xc2\x9b", 0), "\\xc2\\x9b"));
	CHECK_EQ(dv_report_cells("\xc2\x9b"), 8);
	CHECK(!strcmp(put("\x80x\xe6\x9d", 0), "\\x80x\\xe6\\x9d"));
	CHECK(!strcmp(put("caf\xe9", 9), "caf\\xe9  "));
	CHECK(!strcmp(put("long name", 3), "long name"));
}

CHECK_MAIN(CHECK_CASE(test_msgs), CHECK_CASE(test_junit), CHECK_CASE(test_gradescope),
           CHECK_CASE(test_text))

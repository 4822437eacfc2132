/* dmaviz: the web page's C API (web/api.c) built natively: the course list, opening a lesson
 * and a bad file, the shared key table's moves, a question's gate and answers, the progress
 * file, the scene as SVG and the theme as CSS. Run in the source tree (lessons/). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../unit/check.h"
#include "api.h"
#include "play.h"
#include "session.h"

static char dir[] = "/tmp/dv-webapi-XXXXXX";
static char prog[64];

static void setup(void)
{
	if (!prog[0]) {
		CHECK(mkdtemp(dir) != NULL);
		snprintf(prog, sizeof prog, "%s/progress", dir);
	}
	dvw_progress_file(prog);
}

static void test_lessons(void)
{
	setup();
	const char *j = dvw_lessons();
	CHECK(j[0] == '[');
	CHECK(strstr(j, "\"id\":\"send\"") != NULL);
	CHECK(strstr(j, "\"id\":\"tour\"") != NULL);
}

static void test_bad_file(void)
{
	setup();
	FILE *f = fopen(prog, "w"); /* the progress file is not a lesson */
	if (f) {
		fputs("lesson oops\nstep\n  bogus-statement 1\n", f);
		fclose(f);
	}
	CHECK_EQ(dvw_open("lessons/no-such.lesson"), 2);
	CHECK(strstr(dvw_error(), "no-such.lesson") != NULL);
	CHECK_EQ(dvw_open(prog), 2);
	CHECK(strstr(dvw_error(), "progress:2:") != NULL); /* file and line */
	unlink(prog);
	dvw_progress_reload();
}

/* Moves to the first question of 03-send: it holds the next move. */
static void to_gate(void)
{
	CHECK_EQ(dvw_open("lessons/03-send.lesson"), 0);
	for (int i = 0; i < 20 && !strstr(dvw_state(), "\"gated\":true"); i++)
		CHECK(!strcmp(dvw_key("j"), "next"));
	CHECK(strstr(dvw_state(), "\"gated\":true") != NULL);
}

static void test_keys_and_gate(void)
{
	setup();
	to_gate();
	const char *s = dvw_state();
	CHECK(strstr(s, "\"question\":") != NULL);
	CHECK(strstr(s, "0x09") == NULL); /* no answer before answering */
	char before[64];
	snprintf(before, sizeof before, "%s", strstr(s, "\"step\":"));
	CHECK(!strcmp(dvw_key("j"), "next"));
	CHECK(!strncmp(strstr(dvw_state(), "\"step\":"), before, 10)); /* held */
	CHECK(!strcmp(dvw_key("?"), "help"));
	CHECK(!strcmp(dvw_key("F12"), ""));
	CHECK(!strcmp(dvw_ret(), ""));
}

static void test_answers(void)
{
	setup();
	to_gate();
	CHECK(!strcmp(dvw_answer("0x44"), "wrong"));
	CHECK(!strcmp(dvw_ret(), "wrong"));
	CHECK(strstr(dvw_state(), "\"gated\":true") != NULL);
	CHECK(!strcmp(dvw_answer("0x09"), "right"));
	CHECK(strstr(dvw_state(), "\"gated\":false") != NULL);
	/* The progress file keeps it, and a new page (a reload) reads it. */
	dvw_progress_reload();
	const char *j = dvw_lessons();
	const char *send = strstr(j, "\"id\":\"send\"");
	CHECK(send && strstr(send, "\"answered\":1") != NULL);
}

static void test_svg_and_css(void)
{
	setup();
	CHECK_EQ(dvw_open("lessons/03-send.lesson"), 0);
	const char *svg = dvw_svg("present", 1280, 720, "dark");
	CHECK(!strncmp(svg, "<svg", 4) || strstr(svg, "<svg") != NULL);
	CHECK(strstr(svg, "width=\"1280\"") != NULL);
	CHECK(strstr(dvw_svg("classic", 10, 10, "../../etc/passwd"), "width=\"320\"") != NULL);
	char light[2048];
	snprintf(light, sizeof light, "%s", dvw_theme_css("light"));
	CHECK(!strncmp(light, ":root{--bg:#", 12));
	CHECK(strcmp(light, dvw_theme_css("dark")) != 0);
	CHECK(strstr(dvw_help(), "next") != NULL);
	CHECK(!strcmp(dvw_explain(), ""));
}

/* A number in a JSON answer: "key":N. */
static long jnum(const char *j, const char *key)
{
	char k[40];
	snprintf(k, sizeof k, "\"%s\":", key);
	const char *p = strstr(j, k);
	return p ? strtol(p + strlen(k), NULL, 10) : -999;
}

/* Goes on with j (skipping questions) to the first step whose play is planned longer than
 * DV_PLAY_STEP_MS at the base rate: the 1514-byte send. */
static void to_long_step(void)
{
	CHECK_EQ(dvw_open("lessons/03-send.lesson"), 0);
	for (int i = 0; i < 60; i++) {
		if (strstr(dvw_state(), "\"gated\":true"))
			dvw_key("s");
		CHECK(!strcmp(dvw_key("p"), "play"));
		const char *j = dvw_state();
		long planned = jnum(j, "planned"), rate = jnum(j, "rate");
		dvw_key("p");
		if (planned * 1000 > (long)DV_PLAY_STEP_MS * rate)
			return;
		dvw_key("j");
	}
	CHECK(!"no long step in 03-send");
}

/* p plays a step at the shared pace (ui/app/play.h), on simulated time: the first moves one
 * by one at the base rate, then faster with the cue, the step's end within its plan. */
static void test_play(void)
{
	setup();
	to_long_step();
	char j[512];
	long planned = 0, step = -1, moves = 0, ms = 0;
	bool cue = false;
	/* A question in the step holds it: skipped, p plans what is left of the step. */
	for (int tries = 0; tries < 5; tries++) {
		if (strstr(dvw_state(), "\"gated\":true"))
			dvw_key("s");
		CHECK(!strcmp(dvw_key("p"), "play"));
		snprintf(j, sizeof j, "%s", dvw_play(0));
		planned = jnum(j, "planned");
		step = jnum(j, "pstep");
		CHECK(strstr(j, "\"playing\":true") != NULL && jnum(j, "rate") == 4);
		for (moves = 0, ms = 0; ms < 20000;) {
			snprintf(j, sizeof j, "%s", dvw_play(40));
			ms += 40;
			moves += jnum(j, "moves");
			if (ms == 1000 && planned > 48)
				CHECK_EQ(moves, 4); /* the base rate: 4 moves a second */
			cue = cue || strstr(j, "\"cue\":\"\xe2\x96\xb6\xe2\x96\xb6 ") != NULL;
			if (jnum(j, "pstep") != step || !strstr(j, "\"result\":\"ok\""))
				break;
		}
		if (!strstr(j, "\"result\":\"gate\""))
			break;
	}
	CHECK(planned > 48 && cue);
	CHECK(moves >= planned - 1 && moves <= planned); /* the step's end (a beat ends it) */
	CHECK(ms > 11000 && ms <= (long)DV_PLAY_STEP_MS + 40);
	CHECK(jnum(j, "pstep") == step + 1); /* on to the next step, at its own pace */
	/* + doubles the rate; p pauses: no more moves. */
	CHECK(!strcmp(dvw_key("+"), "faster"));
	CHECK(jnum(dvw_state(), "rate") == 8);
	dvw_key("-");
	dvw_key("p");
	CHECK(jnum(dvw_play(5000), "moves") == 0);
}

/* r t runs until the terminal count, as the session does it natively (03-send, past its first
 * questions: tests/screens/until-tc-80x24.screen's keys). */
static void test_until(void)
{
	static const char *const keys[] = { "j", "j", "j", "s", "j", "s", "j", "j", "j", "s" };
	setup();
	CHECK_EQ(dvw_open("lessons/03-send.lesson"), 0);
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		dvw_key(keys[i]);
	CHECK(!strcmp(dvw_key("r"), "run-until"));
	CHECK(strstr(dvw_state(), "run until: t terminal count") != NULL);
	CHECK(!strcmp(dvw_key("t"), "run-until"));
	const char *j = dvw_state();
	CHECK(strstr(j, "ran until the terminal count (") != NULL);
	long cycle = jnum(j, "cycle");
	char err[512];
	struct dv_session *s = dv_session_open("lessons/03-send.lesson", NULL, err, sizeof err);
	CHECK(s != NULL);
	if (s) {
		for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
			if (keys[i][0] == 's')
				dv_session_skip(s);
			else
				dv_session_move(s, DV_VCMD_NEXT);
		CHECK_EQ(dv_session_until(s, DV_UNTIL_TC), DV_MOVE_OK);
		CHECK_EQ(cycle, (long)s->view.now.st.cycle);
		dv_session_close(s);
	}
	dvw_key("r");
	CHECK(!strcmp(dvw_key("x"), "run-until"));
	CHECK(strstr(dvw_state(), "run until: t, i, c or v") != NULL);
}

/* o: the output table holds the rows written up to the cursor, no later one. */
static void test_output(void)
{
	setup();
	CHECK_EQ(dvw_open("tests/screens/rows.lesson"), 0);
	/* The header row is written at the start; each step's rows once the cursor passes them. */
	CHECK(strstr(dvw_output(), "of the 1 written so far") != NULL);
	dvw_key("j");
	CHECK(strstr(dvw_output(), "of the 2 written so far") != NULL);
	dvw_key("G");
	const char *j = dvw_output();
	CHECK(strstr(j, "of the 27 written so far") != NULL);
	size_t rows = 0;
	for (const char *p = j; (p = strstr(p, "]]")) != NULL; p += 2)
		rows++;
	CHECK_EQ(rows, 27); /* each line one run: the header and 26 rows */
	CHECK_EQ(dvw_open("lessons/01-tour.lesson"), 0);
	CHECK(strstr(dvw_output(), "writes no output table") != NULL);
	unlink(prog);
	rmdir(dir);
}

/* The quiz: the problem's text has no answers; a check tells right or wrong, and the answer. */
static void test_quiz(void)
{
	setup();
	CHECK(strstr(dvw_quiz("x1"), "\"error\"") != NULL);
	CHECK(strstr(dvw_quiz_check("mode", "0x49"), "\"error\"") != NULL); /* none open */
	const char *j = dvw_quiz("42");
	CHECK(strstr(j, "\"seed\":\"42\"") != NULL);
	CHECK(strstr(j, "\"mode\"") != NULL);
	CHECK(strstr(j, "mode:") == NULL); /* no 'id: value' answer lines */
	char answer[64] = "";
	const char *r = dvw_quiz_check("status", "nonsense");
	CHECK(strstr(r, "\"right\":false") != NULL);
	const char *a = strstr(r, "\"answer\":\"");
	if (a)
		sscanf(a + 10, "%63[^\"]", answer);
	CHECK(answer[0] != '\0');
	CHECK(strstr(dvw_quiz_check("status", answer), "\"right\":true") != NULL);
	CHECK(strstr(dvw_quiz_check("no-such-id", "1"), "\"error\"") != NULL);
	CHECK(strstr(dvw_quiz_check("status", ""), "\"error\"") != NULL);
}

CHECK_MAIN(CHECK_CASE(test_quiz), CHECK_CASE(test_lessons), CHECK_CASE(test_bad_file),
           CHECK_CASE(test_keys_and_gate), CHECK_CASE(test_answers), CHECK_CASE(test_svg_and_css),
           CHECK_CASE(test_play), CHECK_CASE(test_until), CHECK_CASE(test_output))

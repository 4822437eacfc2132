/* dmaviz: the web page's C API (web/api.c) built natively: the course list, opening a lesson
 * and a bad file, the shared key table's moves, a question's gate and answers, the progress
 * file, the scene as SVG and the theme as CSS. Run in the source tree (lessons/). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../unit/check.h"
#include "api.h"

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

static void test_play(void)
{
	setup();
	CHECK_EQ(dvw_open("lessons/01-tour.lesson"), 0);
	int n = 0;
	while (n < 100000 && !strcmp(dvw_play_next(), "ok"))
		n++;
	CHECK(n > 0);
	CHECK(!strcmp(dvw_ret(), "gate") || !strcmp(dvw_ret(), "end"));
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
           CHECK_CASE(test_play))

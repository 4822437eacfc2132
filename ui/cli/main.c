/* dmaviz: the command line. Subcommands, options, dispatch; file reading and printing live
 * here, the core only gets text and returns messages. */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd_check.h"
#include "cmd_trace.h"
#include "cmd_snapshot.h"
#include "cmd_record.h"
#include "cmd_quiz.h"
#include "cmd_grade.h"
#include "driver.h"
#include "opts.h"
#include "lesson.h"
#include "keymap.h"
#include "files.h"
#include "sim.h"
#if DV_HAVE_TUI
#include "quizui.h"
#include "tui.h"
#endif
#if DV_HAVE_SDL
#include "sdlui.h"
#endif

static int cmd_gui(int argc, char **argv);
static int cmd_keys(int argc, char **argv);
static int cmd_quiz(int argc, char **argv);
static const struct dv_cmd_spec keys_spec;
static const struct dv_cmd_spec lesson_help_spec;
static int cmd_lesson_help(int argc, char **argv);

/* The subcommands: name, synopsis, what it does and handler; a command with an options table
 * (opts.h) gives its name, synopsis and what in that table's spec, which also writes its
 * --help. The help's list of commands is generated from these rows. */
static const struct command {
	const char *name, *synopsis, *what;
	int (*run)(int argc, char **argv);
	const struct dv_cmd_spec *spec;
} commands[] = {
	{ .spec = &dv_check_spec, .run = dv_cmd_check },
	{ .spec = &dv_list_spec, .run = dv_cmd_list },
	{ .spec = &dv_grade_spec, .run = dv_cmd_grade },
	{ .spec = &dv_quiz_spec, .run = cmd_quiz },
	{ "gui", "[LESSON|RUN.dvr] [--demo] [--screenshot FILE --at STEP] [--driver FILE.so]",
	  "the lesson as a block diagram in an SDL2 window (a projector)", cmd_gui, NULL },
	{ .spec = &dv_trace_spec, .run = dv_cmd_trace },
	{ .spec = &dv_snapshot_spec, .run = dv_cmd_snapshot },
	{ .spec = &dv_record_spec, .run = dv_cmd_record },
	{ .spec = &keys_spec, .run = cmd_keys },
	{ .spec = &lesson_help_spec, .run = cmd_lesson_help },
};

static const char *command_name(const struct command *c)
{
	return c->spec ? c->spec->name : c->name;
}

/* "  name synopsis", then what it does wrapped under it within 80 columns. */
static void print_commands(FILE *f)
{
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		const struct command *c = &commands[i];
		const char *name = command_name(c);
		const char *synopsis = c->spec ? c->spec->synopsis : c->synopsis;
		const char *what = c->spec ? c->spec->what : c->what;
		if (!synopsis[0] && strlen(name) < 14) {
			fprintf(f, "  %-15s", name);
			dv_opts_wrap(f, what, 17, 17, 80);
			continue;
		}
		int n = fprintf(f, "  %s%s", name, synopsis[0] ? " " : "");
		if (synopsis[0])
			dv_opts_wrap(f, synopsis, n, n, 80);
		else
			fputc('\n', f);
		fprintf(f, "%17s", "");
		dv_opts_wrap(f, what, 17, 17, 80);
	}
}

static void usage(FILE *f)
{
	fputs("usage: dmaviz [--no-color] [--theme NAME|FILE] [--driver FILE.so] [LESSON|RUN.dvr]\n"
	      "       dmaviz COMMAND [ARGS]\n"
	      "\n"
	      "dmaviz teaches how a network card moves frames with system (subordinate) DMA:\n"
	      "the PC's 8237A DMA controllers, page registers, host memory, and the NDIS calls\n"
	      "NdisMSetupDmaTransfer and NdisMCompleteDmaTransfer.\n"
	      "\n"
	      "In a terminal, `dmaviz` opens the lesson menu and `dmaviz LESSON` opens a lesson\n"
	      "by path or id (for example `dmaviz send` or `dmaviz 03-send`): j/space next,\n"
	      "k/b back, . and , one event, g/G first/last, a answer, h hint, s skip, ? keys,\n"
	      "q quit. A question stops every move forward until it is answered or skipped.\n"
	      "Progress is kept in $XDG_STATE_HOME/dmaviz/progress. A recording made with\n"
	      "`dmaviz record` (RUN.dvr) opens the same way, without running anything.\n"
	      "--theme picks the colours (dark, light, high-contrast, colour-blind, or a .theme\n"
	      "file), here and in gui.\n"
	      "\n"
	      "Commands (dmaviz COMMAND --help for each):\n",
	      f);
	print_commands(f);
	fputs("\n"
	      "See README.md, docs/lesson-format.md (the lesson language), docs/driver-sdk.md\n"
	      "and docs/teacher-guide.md.\n"
	      "\n"
	      "Options:\n"
	      "  -h, --help     show this help and exit\n"
	      "  -V, --version  show the version and exit\n"
	      "\n"
	      "Exit status: 0 success, 1 a check failed, 2 bad usage or bad input.\n",
	      f);
}

/* `dmaviz gui [LESSON] [OPTIONS]`: the SDL2 window (ui/sdl). The lesson may be an id; a
 * learner's driver (--driver) is loaded here, as for the other commands. */
static int cmd_gui(int argc, char **argv)
{
#if DV_HAVE_SDL
	char *path = NULL;
	const char *driver_path = NULL;
	int n = 1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--driver")) {
			if (i + 1 >= argc) {
				fprintf(stderr,
				        "dmaviz gui: --driver needs a value (a driver module, FILE.so)\n");
				free(path);
				return 2;
			}
			driver_path = argv[++i];
			continue; /* not passed on */
		}
		argv[n++] = argv[i];
		if (!strcmp(a, "--screenshot") || !strcmp(a, "--at") || !strcmp(a, "--size") ||
		    !strcmp(a, "--play-ms")) {
			if (i + 1 < argc)
				argv[n++] = argv[++i];
		} else if (a[0] != '-' && !path) {
			path = dv_lesson_find(a);
			if (!path) {
				fprintf(stderr,
				        "dmaviz gui: no lesson '%s' (try `dmaviz list`, or give a path)\n",
				        a);
				return 2;
			}
			argv[n - 1] = path;
		}
	}
	bool demo = false;
	for (int i = 1; i < n; i++)
		demo = demo || !strcmp(argv[i], "--demo");
	if (!path && !demo) {
		/* No lesson: the first of the course, as the terminal menu would select it. */
		path = dv_lesson_find("");
		if (path && n <= argc) /* argv[argc] is the terminating NULL's slot: room for one */
			argv[n++] = path;
	}
	struct dv_driver driver = { 0 };
	if (driver_path && path && dv_file_is_recording(path)) {
		fprintf(stderr, "dmaviz gui: %s is a recording: it needs no --driver\n", path);
		free(path);
		return 2;
	}
	if (driver_path) {
		char err[1500];
		if (!path) {
			fprintf(stderr,
			        "dmaviz gui: --driver needs a lesson (the demo runs the reference miniport)\n");
			return 2;
		}
		if (!dv_driver_open(&driver, driver_path, err, sizeof err)) {
			fprintf(stderr, "dmaviz gui: %s\n", err);
			free(path);
			return 2;
		}
		if (!dv_driver_fits_file(path, driver_path, err, sizeof err)) {
			fprintf(stderr, "dmaviz gui: %s\n", err);
			dv_driver_close(&driver);
			free(path);
			return 2;
		}
	}
	int rc = dv_sdl_main(n, argv, driver.entry, driver_path);
	dv_driver_close(&driver);
	free(path);
	return rc;
#else
	(void)argc, (void)argv;
	fprintf(stderr, "dmaviz gui: this build has no SDL2 mode (SDL2 was not found); install "
	                "libsdl2-dev, libsdl2-ttf-dev and libsdl2-image-dev and rebuild\n");
	return 2;
#endif
}

/* `dmaviz [OPTIONS] [LESSON]`: the terminal UI. */
static int cmd_ui(int argc, char **argv)
{
#if DV_HAVE_TUI
	const char *lesson = NULL, *driver_path = NULL;
	int at = -1, dat = -1; /* argv indexes of the lesson and of --driver */
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--driver")) {
			if (i + 1 >= argc) {
				fprintf(stderr,
				        "dmaviz: --driver needs a value (a driver module, FILE.so)\n");
				return 2;
			}
			dat = i++;
			driver_path = argv[i];
		} else if (!strcmp(argv[i], "--theme")) {
			if (i + 1 >= argc) {
				fprintf(stderr,
				        "dmaviz: --theme needs a value: dark, light, high-contrast, "
				        "colour-blind or a .theme file\n");
				return 2;
			}
			i++; /* its value is not a lesson; the terminal UI reads both */
		} else if (argv[i][0] != '-') {
			lesson = argv[i];
			at = i;
		}
	}
	if (driver_path && !lesson) {
		fprintf(stderr, "dmaviz: --driver needs a lesson: dmaviz --driver %s LESSON\n",
		        driver_path);
		return 2;
	}
	/* No lesson named: the lesson menu of the course. */
	if (!lesson)
		return dv_tui_menu_main(argc, argv, dv_lessons_dir());
	char *path = dv_lesson_find(lesson);
	if (!path) {
		fprintf(stderr, "dmaviz: no lesson '%s' (try `dmaviz list`, or give a path)\n",
		        lesson ? lesson : "");
		return 2;
	}
	char **args = calloc((size_t)argc + 2, sizeof *args);
	if (!args) {
		free(path);
		return 2;
	}
	int n = 0;
	for (int i = 0; i < argc; i++)
		if (i != at && (dat < 0 || (i != dat && i != dat + 1)))
			args[n++] = argv[i];
	args[n++] = path;
	if (driver_path && dv_file_is_recording(path)) {
		fprintf(stderr, "dmaviz: %s is a recording: it needs no --driver\n", path);
		free(args);
		free(path);
		return 2;
	}
	/* A learner's driver: opened before the screen is, so a bad module is a plain message. */
	struct dv_driver driver = { 0 };
	if (driver_path) {
		char err[1200];
		if (!dv_driver_open(&driver, driver_path, err, sizeof err)) {
			fprintf(stderr, "dmaviz: %s\n", err);
			free(args);
			free(path);
			return 2;
		}
	}
	/* The learner's driver runs in its own process (the driver host): a crash or a loop ends
	 * the run at that moment, and the screen shows it. */
	char why[1500];
	if (driver_path && !dv_driver_fits_file(path, driver_path, why, sizeof why)) {
		fprintf(stderr, "dmaviz: %s\n", why);
		dv_driver_close(&driver);
		free(args);
		free(path);
		return 2;
	}
	int rc = dv_tui_main_driver(n, args, driver.entry, driver_path);
	dv_driver_close(&driver);
	free(args);
	free(path);
	return rc;
#else
	(void)argc, (void)argv;
	fprintf(stderr, "dmaviz: this build has no terminal UI (ncursesw was not found); use "
	                "`dmaviz check LESSON` to run a lesson headless\n");
	return 2;
#endif
}

/* `dmaviz quiz`: the command (cmd_quiz.c) with the terminal UI's interactive quiz, when this
 * build has one. */
static int cmd_quiz(int argc, char **argv)
{
#if DV_HAVE_TUI
	return dv_cmd_quiz_with(argc, argv, dv_quizui_main);
#else
	return dv_cmd_quiz_with(argc, argv, NULL);
#endif
}

/* `dmaviz keys [--markdown]`: the key table both front ends use (ui/app/keymap.c); the
 * README's table is this command's Markdown output (a test compares them). */
struct keys_args {
	bool markdown;
};

static const struct dv_opt keys_opts[] = {
	{ "--markdown", NULL, NULL, "as the Markdown table of the README",
	  offsetof(struct keys_args, markdown), NULL, NULL },
};

static const struct dv_cmd_spec keys_spec = {
	.name = "keys",
	.synopsis = "[--markdown]",
	.what = "every key of the terminal UI and the window",
	.about = "Every key of the terminal UI and the SDL2 window, and what it does.\n",
	.opts = keys_opts,
	.nopts = DV_OPTS_COUNT(keys_opts),
	.column = 16,
	.unknown = "unknown argument",
};

static int cmd_keys(int argc, char **argv)
{
	struct keys_args args = { 0 };
	int nargs, rc = dv_opts_parse(&keys_spec, argc, argv, &args, &nargs);
	if (rc != DV_OPTS_GO)
		return rc;
	if (args.markdown) {
		dv_keymap_markdown(stdout);
		return 0;
	}
	char text[8192];
	dv_keymap_help(DV_FRONT_TUI, text, sizeof text);
	printf("In the terminal (dmaviz LESSON):\n%s", text);
	dv_keymap_help(DV_FRONT_SDL, text, sizeof text);
	printf("\nIn the window (dmaviz gui LESSON):\n%s", text);
	return 0;
}

/* `dmaviz lesson-help`: the synopsis of every statement, from the language's keyword table. */
static const struct dv_cmd_spec lesson_help_spec = {
	.name = "lesson-help",
	.synopsis = "",
	.what = "the statements of the lesson language, one line each",
	.about = "The statements of the lesson language, one line each, with where they may stand\n"
	         "(docs/lesson-format.md explains each).\n",
	.column = 16,
	.unknown = "unknown argument",
};

static int cmd_lesson_help(int argc, char **argv)
{
	int nargs, rc = dv_opts_parse(&lesson_help_spec, argc, argv, NULL, &nargs);
	if (rc != DV_OPTS_GO)
		return rc;
	struct dv_keyword_help k;
	for (size_t i = 0; dv_lang_keyword_help(i, &k); i++)
		printf("  %-15s %s\n", k.where, k.synopsis);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		/* In a terminal, land in a lesson; in a pipe, say what there is. */
		if (DV_HAVE_TUI && isatty(0) && isatty(1))
			return cmd_ui(argc, argv);
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
		printf("dmaviz %s\n", DV_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (!strcmp(argv[1], command_name(&commands[i])))
			return commands[i].run(argc - 1, argv + 1);
	if (argv[1][0] == '-' && strcmp(argv[1], "--no-color") && strcmp(argv[1], "--ascii") &&
	    strcmp(argv[1], "--driver") && strcmp(argv[1], "--theme") &&
	    strncmp(argv[1], "--theme=", 8) && strcmp(argv[1], "--contrast")) {
		fprintf(stderr, "dmaviz: unknown option '%s'\n", argv[1]);
		usage(stderr);
		return 2;
	}
	return cmd_ui(argc, argv);
}

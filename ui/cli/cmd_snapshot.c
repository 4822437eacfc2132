/* dmaviz: `dmaviz snapshot LESSON --at STEP[.BEAT] -o F.svg|F.png`: the presentation layout
 * (ui/app/present.h) of one moment, for a slide or lecture notes. The SVG is the scene written
 * by dv_scene_svg; the PNG is the same scene painted by the window's renderer on an offscreen
 * surface. */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmd_snapshot.h"
#include "classic.h"
#include "files.h"
#include "present.h"
#include "scene.h"
#include "session.h"
#include "theme.h"
#if DV_HAVE_SDL
#include "sdlui.h"
#endif

struct at {
	unsigned step, beat;
	bool set;
};
struct size {
	int w, h;
};
struct snapshot_args {
	struct at at;
	const char *out, *theme;
	struct size size;
	bool classic; /* --layout classic: the window's default picture */
};

static bool parse_at(const char *val, void *dst, char *why, size_t whylen)
{
	struct at *a = dst;
	char *end;
	errno = 0;
	unsigned long s = strtoul(val, &end, 10), b = 0;
	if (end != val && *end == '.' && end[1])
		b = strtoul(end + 1, &end, 10);
	if (errno || *end || end == val || val[0] == '-' || s == 0 || s > 100000 || b > 100000) {
		snprintf(why, whylen, "--at wants STEP or STEP.BEAT (3 or 3.2), not '%s'", val);
		return false;
	}
	a->step = (unsigned)s;
	a->beat = (unsigned)b;
	a->set = true;
	return true;
}

static bool parse_size(const char *val, void *dst, char *why, size_t whylen)
{
	struct size *z = dst;
	char tail;
	if (sscanf(val, "%dx%d%c", &z->w, &z->h, &tail) != 2 || z->w < 320 || z->h < 200 ||
	    z->w > 8192 || z->h > 8192) {
		snprintf(why, whylen,
		         "--size wants WxH between 320x200 and 8192x8192, for example 1920x1080");
		return false;
	}
	return true;
}

static bool parse_layout(const char *val, void *dst, char *why, size_t whylen)
{
	bool *classic = dst;
	if (strcmp(val, "classic") && strcmp(val, "present")) {
		snprintf(why, whylen, "--layout wants classic or present, not '%s'", val);
		return false;
	}
	*classic = !strcmp(val, "classic");
	return true;
}

static const struct dv_opt snapshot_opts[] = {
	{ "--at", NULL, "STEP[.BEAT]",
	  "the moment: step STEP as the lesson counts them, at its end, or at its BEAT-th stop "
	  "(paragraph or question); a question shows open at its own beat, answered after it",
	  offsetof(struct snapshot_args, at), parse_at,
	  "needs a step (3, or 3.2 for its second beat)" },
	{ "-o", "--output", "FILE", "write FILE: .svg, or .png (needs the SDL2 build)",
	  offsetof(struct snapshot_args, out), NULL, "needs a file name (.svg or .png)" },
	{ "--size", NULL, "WxH", "the picture's size in pixels, default 1280x720",
	  offsetof(struct snapshot_args, size), parse_size, NULL },
	{ "--layout", NULL, "classic|present",
	  "the picture: present, the presentation layout (the default), or classic, the window's "
	  "own (boxes of registers, the side panel, the control row)",
	  offsetof(struct snapshot_args, classic), parse_layout, "needs classic or present" },
	{ "--theme", NULL, "NAME|FILE",
	  "the colours: dark (the default), light, high-contrast, colour-blind, or a .theme file",
	  offsetof(struct snapshot_args, theme), NULL, NULL },
};

const struct dv_cmd_spec dv_snapshot_spec = {
	.name = "snapshot",
	.synopsis = "LESSON --at STEP[.BEAT] -o FILE.svg|FILE.png [--size WxH] [--layout L] "
	            "[--theme T]",
	.what = "one moment of a lesson's diagram (the presentation or the classic layout) as SVG "
	        "or PNG, for slides and lecture notes",
	.about =
	        "Runs a lesson and writes the picture the window's presentation layout shows at\n"
	        "one moment: the block diagram, the NDIS call ribbon, the address map, the timing\n"
	        "diagram and the narration; with --layout classic, the window's default picture.\n"
	        "SVG needs nothing else; PNG is drawn by the SDL2 front end's renderer offscreen\n"
	        "(no display needed). LESSON is a path or an id.\n",
	.status = "Exit status: 0 written; 2 bad usage, a lesson that does not load, no such step\n"
	          "or beat, a PNG from a build without SDL2, or a file that cannot be written.\n",
	.opts = snapshot_opts,
	.nopts = DV_OPTS_COUNT(snapshot_opts),
	.column = 22,
	.max_args = 1,
	.args_anywhere = true,
	.extra_hint = " (one lesson at a time)",
};

static bool ends_with(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);
	return a >= b && !strcasecmp(s + a - b, suf);
}

/* The presentation layout of the session's moment into sc. */
static void compose_present(struct dv_session *ss, struct dv_scene *sc)
{
	struct dv_present p;
	dv_present_init(&p, ss);
	p.ask = dv_session_ask(ss);
	dv_present_compose(&p, sc);
	dv_present_finish(&p);
}

/* The window's classic layout of the moment into sc, as the window draws it with nothing open
 * and the mouse away (the control row's buttons included). */
static void compose_classic(struct dv_session *ss, struct dv_scene *sc)
{
	struct dv_classic c;
	struct dv_play play;
	memset(&play, 0, sizeof play);
	struct dv_ui_state ui = {
		.ask = dv_session_ask(ss), .status = "", .play = &play, .rate = DV_UI_DEFAULT_RATE
	};
	dv_classic_font_px(sc->h, 0, &ui.px_small, &ui.px_big);
	dv_classic_init(&c, ss);
	dv_classic_compose(&c, &ui, sc);
	dv_classic_finish(&c);
}

/* The SVG of the moment: the session, the layout, the scene, the file. */
static int write_svg(const char *path, const struct snapshot_args *a, const struct dv_theme *th)
{
	char err[1500];
	/* A teacher's moment: questions do not stop the way to it (and show unanswered). */
	struct dv_session_options so = { .ungated = true };
	struct dv_session *ss = dv_session_open(path, &so, err, sizeof err);
	if (!ss) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	int rc = 0;
	if (!dv_present_goto(ss, a->at.step, a->at.beat)) {
		fprintf(stderr, "dmaviz snapshot: %s has no step %u%s\n", path, a->at.step,
		        a->at.beat ? " with that many beats" : "");
		dv_session_close(ss);
		return 2;
	}
	struct dv_scene sc;
	dv_scene_init(&sc, dv_scene_mono, NULL);
	dv_scene_reset(&sc, a->size.w, a->size.h);
	if (a->classic)
		compose_classic(ss, &sc);
	else
		compose_present(ss, &sc);
	FILE *f = fopen(a->out, "w");
	if (!f || !dv_scene_svg(&sc, th, f) || fclose(f) != 0) {
		fprintf(stderr, "dmaviz snapshot: cannot write %s: %s\n", a->out, strerror(errno));
		rc = 2;
	}
	dv_scene_finish(&sc);
	dv_session_close(ss);
	return rc;
}

static int write_png(const char *path, const struct snapshot_args *a, const struct dv_theme *th)
{
#if DV_HAVE_SDL
	struct dv_sdl_options o = { .theme = th, .present = !a->classic, .ungated = true };
	char err[1500];
	if (!dv_sdl_snapshot(path, &o, a->at.step, a->at.beat, a->size.w, a->size.h, a->out, err,
	                     sizeof err)) {
		fprintf(stderr, "dmaviz snapshot: %s\n", err);
		return 2;
	}
	return 0;
#else
	(void)path;
	(void)th;
	fprintf(stderr,
	        "dmaviz snapshot: %s: this dmaviz was built without SDL2, which PNG needs; "
	        "write .svg instead\n",
	        a->out);
	return 2;
#endif
}

int dv_cmd_snapshot(int argc, char **argv)
{
	struct snapshot_args a = { .size = { 1280, 720 } };
	int nargs, rc = dv_opts_parse(&dv_snapshot_spec, argc, argv, &a, &nargs);
	if (rc != DV_OPTS_GO)
		return rc;
	const char *why = !nargs    ? "no lesson given" :
	                  !a.at.set ? "which moment? (--at STEP or --at STEP.BEAT)" :
	                  !a.out    ? "no output file (-o FILE.svg or -o FILE.png)" :
	                  !ends_with(a.out, ".svg") && !ends_with(a.out, ".png") ?
	                           "the output file must end in .svg or .png" :
	                           NULL;
	if (why) {
		fprintf(stderr, "dmaviz snapshot: %s\n", why);
		dv_opts_help(&dv_snapshot_spec, stderr);
		return 2;
	}
	char *path = dv_lesson_find(argv[1]);
	if (!path) {
		fprintf(stderr,
		        "dmaviz snapshot: no lesson '%s' (try `dmaviz list`, or give a path)\n",
		        argv[1]);
		return 2;
	}
	static struct dv_theme theme;
	const struct dv_theme *th = dv_theme_builtin();
	if (a.theme) {
		char err[600];
		if (!dv_theme_load(&theme, a.theme, err, sizeof err))
			fprintf(stderr, "dmaviz snapshot: %s; using the dark theme\n", err);
		th = &theme;
	}
	rc = ends_with(a.out, ".svg") ? write_svg(path, &a, th) : write_png(path, &a, th);
	free(path);
	return rc;
}

/* dmaviz: themes (ui/app/theme.c) and the data folder lookup (ui/app/assets.c). The shipped
 * theme files parse; dark.theme is the built-in default, colour for colour; a bad file is
 * refused with file:line and the default kept; the terminal colours a theme asks for are what
 * 8-, 16- and 256-colour terminals get; the colour-blind theme's roles stay apart under
 * simulated deuteranopia and protanopia. DV_ASSETS_SRC is the source tree's assets/. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "assets.h"
#include "check.h"
#include "theme.h"

static const char *src_assets(void)
{
	const char *s = getenv("DV_ASSETS_SRC");
	return s && *s ? s : "assets";
}

static bool load_shipped(const char *name, struct dv_theme *t)
{
	char path[4096], err[512];
	snprintf(path, sizeof path, "%s/themes/%s.theme", src_assets(), name);
	bool ok = dv_theme_load(t, path, err, sizeof err);
	if (!ok)
		fprintf(stderr, "# %s\n", err);
	return ok;
}

static bool same_tcolor(const struct dv_tcolor *a, const struct dv_tcolor *b)
{
	if (a->n != b->n)
		return false;
	for (unsigned i = 0; i < a->n; i++)
		if (a->choice[i].kind != b->choice[i].kind ||
		    a->choice[i].index != b->choice[i].index ||
		    memcmp(&a->choice[i].rgb, &b->choice[i].rgb, sizeof a->choice[i].rgb))
			return false;
	return true;
}

static void test_shipped_parse(void)
{
	struct dv_theme t;
	for (size_t i = 0; i < dv_theme_count; i++)
		CHECK(load_shipped(dv_theme_names[i], &t));
}

/* The default look must not change: the file and the built-in fallback are the same. */
static void test_dark_is_default(void)
{
	struct dv_theme t;
	CHECK(load_shipped("dark", &t));
	CHECK(!strcmp(t.name, dv_theme_builtin()->name));
	for (int i = 0; i < DV_WC_COUNT; i++)
		CHECK(!memcmp(&t.win[i], &dv_theme_builtin()->win[i], sizeof t.win[i]));
	for (int r = 0; r < DV_ROLE_COUNT; r++) {
		CHECK_EQ(t.term[r].set, dv_theme_builtin()->term[r].set);
		if (t.term[r].set) {
			CHECK(same_tcolor(&t.term[r].fg, &dv_theme_builtin()->term[r].fg));
			CHECK(same_tcolor(&t.term[r].bg, &dv_theme_builtin()->term[r].bg));
		}
	}
}

/* Today's terminal colours: curses numbers for 256 and 8 colours. */
static void test_dark_terminal(void)
{
	const struct dv_theme *t = dv_theme_builtin();
	CHECK(!strcmp(t->name, "dark"));
	CHECK(t->win[DV_WC_bg].r == 12 && t->win[DV_WC_bg].g == 16 && t->win[DV_WC_bg].b == 24);
	CHECK(t->win[DV_WC_changed].r == 255 && t->win[DV_WC_changed].g == 214);
	CHECK_EQ(dv_tcolor_pick(&t->term[DV_ROLE_HEADING].fg, 256), 7);
	CHECK_EQ(dv_tcolor_pick(&t->term[DV_ROLE_HEADING].bg, 256), 4);
	CHECK_EQ(dv_tcolor_pick(&t->term[DV_ROLE_CHANGED].fg, 8), 3);
	CHECK_EQ(dv_tcolor_pick(&t->term[DV_ROLE_CHANGED].bg, 8), -1);
	CHECK_EQ(dv_tcolor_pick(&t->term[DV_ROLE_HIGHLIGHT].fg, 256), 6);
	CHECK_EQ(dv_tcolor_pick(&t->term[DV_ROLE_ERROR].fg, 16), 1);
	CHECK_EQ(dv_tcolor_pick(&t->term[DV_ROLE_FADING].fg, 256), 136);
	CHECK_EQ(dv_tcolor_pick(&t->term[DV_ROLE_FADING].fg, 16), 4);
	CHECK_EQ(dv_tcolor_pick(&t->term[DV_ROLE_FADING].fg, 8), 4);
	CHECK(!t->term[DV_ROLE_NORMAL].set && !t->term[DV_ROLE_DIM].set);
}

static void test_pick(void)
{
	char err[256];
	struct dv_theme t;
	const char *text = "name = x\n";
	CHECK(!dv_theme_parse(&t, text, "x", err, sizeof err)); /* incomplete */
	/* A colour by RGB: the nearest the terminal has. */
	struct dv_tcolor c = { 1, { { DV_TC_RGB, 0, { 0xd7, 0x87, 0x00 } } } };
	CHECK_EQ(dv_tcolor_pick(&c, 256), 172); /* exactly in the cube */
	CHECK_EQ(dv_tcolor_pick(&c, 8), 3);     /* yellow is nearest of 8 */
	/* bright-red needs 16 colours; with 8 the next choice. */
	struct dv_tcolor b = { 2, { { DV_TC_INDEX, 9, { 0 } }, { DV_TC_INDEX, 1, { 0 } } } };
	CHECK_EQ(dv_tcolor_pick(&b, 16), 9);
	CHECK_EQ(dv_tcolor_pick(&b, 8), 1);
	/* No choice fits: the nearest to the last one. */
	struct dv_tcolor n = { 1, { { DV_TC_INDEX, 196, { 0 } } } };
	CHECK_EQ(dv_tcolor_pick(&n, 8), 1);
	struct dv_rgb g = dv_xterm_rgb(232), w = dv_xterm_rgb(15);
	CHECK(g.r == 8 && w.r == 255 && dv_xterm_rgb(136).r == 175 && dv_xterm_rgb(136).g == 135);
}

/* A file with one broken line: parse fails with file:line, load keeps the default. */
static void test_bad_file(void)
{
	char dir[] = "/tmp/dv-theme-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	char path[256], src[4096], err[512];
	snprintf(path, sizeof path, "%s/bad.theme", dir);
	snprintf(src, sizeof src, "%s/themes/dark.theme", src_assets());
	FILE *in = fopen(src, "r"), *out = fopen(path, "w");
	CHECK(in && out);
	if (!in || !out)
		return;
	char line[256];
	unsigned n = 0, bad = 0;
	while (fgets(line, sizeof line, in)) {
		n++;
		if (!strncmp(line, "window.error", 12)) {
			fputs("window.error = #ff60\n", out);
			bad = n;
		} else {
			fputs(line, out);
		}
	}
	fclose(in);
	fclose(out);
	struct dv_theme t;
	char want[300];
	snprintf(want, sizeof want, "%s:%u: '#ff60': a window colour is #rrggbb", path, bad);
	CHECK(!dv_theme_load(&t, path, err, sizeof err));
	CHECK(!strcmp(err, want));
	if (strcmp(err, want))
		fprintf(stderr, "# got  %s\n# want %s\n", err, want);
	CHECK(!memcmp(&t, dv_theme_builtin(), sizeof t));

	static const struct {
		const char *text, *want;
	} cases[] = {
		{ "name = a\nwindow.bogus = #000000\n", "t:2: unknown window colour 'bogus'" },
		{ "name = a\nterm.changed = purple\n",
		  "t:2: 'purple': a terminal colour is a name "
		  "(red, bright-red, ...), 0-255, #rrggbb or default" },
		{ "name = a\nterm.changed = 256\n", "t:2: '256': a terminal colour is a name (red, "
		                                    "bright-red, ...), 0-255, #rrggbb or default" },
		{ "name = a\nterm.glow = red\n",
		  "t:2: unknown terminal role 'glow' (heading, changed, "
		  "fading, highlight, error)" },
		{ "\n# c\nname a\n", "t:3: 'name a': a line is 'key = value'" },
		{ "colour = red\n", "t:1: unknown key 'colour' (name, window.*, term.*)" },
		{ "window.bg = #000000\n", "t: no 'name = ...' line" },
		{ "name = a\n", "t: no 'window.bg = #rrggbb' line" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		CHECK(!dv_theme_parse(&t, cases[i].text, "t", err, sizeof err));
		if (strcmp(err, cases[i].want)) {
			fprintf(stderr, "# got  %s\n# want %s\n", err, cases[i].want);
			CHECK(!"message");
		}
	}
	CHECK(!dv_theme_load(&t, "nosuch", err, sizeof err));
	CHECK(strstr(err, "no theme 'nosuch'") != NULL);
	CHECK(!dv_theme_load(&t, "/nonexistent/x.theme", err, sizeof err));
	CHECK(!memcmp(&t, dv_theme_builtin(), sizeof t));
	unlink(path);
	rmdir(dir);
}

/* ---- colour vision deficiency ---------------------------------------------------------------- */

static double lin(double c)
{
	c /= 255.0;
	return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

static double unlin(double c)
{
	c = c < 0 ? 0 : c > 1 ? 1 : c;
	return c <= 0.0031308 ? 12.92 * c : 1.055 * pow(c, 1 / 2.4) - 0.055;
}

/* CIELAB (D65) of a linear RGB. */
static void lab(const double l[3], double out[3])
{
	double x = (0.4124 * l[0] + 0.3576 * l[1] + 0.1805 * l[2]) / 0.95047;
	double y = 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2];
	double z = (0.0193 * l[0] + 0.1192 * l[1] + 0.9505 * l[2]) / 1.08883;
	double v[3] = { x, y, z };
	for (int i = 0; i < 3; i++)
		v[i] = v[i] > 216.0 / 24389 ? cbrt(v[i]) : (24389.0 / 27 * v[i] + 16) / 116;
	out[0] = 116 * v[1] - 16;
	out[1] = 500 * (v[0] - v[1]);
	out[2] = 200 * (v[1] - v[2]);
}

/* Machado, Oliveira and Fernandes (2009), severity 1.0, on linear RGB. */
static const double protan[9] = { 0.152286, 1.052583,  -0.204868, 0.114503, 0.786281,
	                          0.099216, -0.003882, -0.048116, 1.051998 };
static const double deutan[9] = { 0.367322, 0.860646,  -0.227968, 0.280085, 0.672501,
	                          0.047413, -0.011820, 0.042940,  0.968881 };

/* How far apart two colours look (CIE76 delta E) to someone with the deficiency m (NULL:
 * normal vision). */
static double seen_distance(struct dv_rgb a, struct dv_rgb b, const double *m)
{
	double la[3] = { lin(a.r), lin(a.g), lin(a.b) }, lb[3] = { lin(b.r), lin(b.g), lin(b.b) };
	double sa[3], sb[3], ea[3], eb[3];
	for (int i = 0; i < 3; i++) {
		sa[i] = m ? m[3 * i] * la[0] + m[3 * i + 1] * la[1] + m[3 * i + 2] * la[2] : la[i];
		sb[i] = m ? m[3 * i] * lb[0] + m[3 * i + 1] * lb[1] + m[3 * i + 2] * lb[2] : lb[i];
		/* clamp through sRGB, as a screen would show it */
		sa[i] = lin(255 * unlin(sa[i]));
		sb[i] = lin(255 * unlin(sb[i]));
	}
	lab(sa, ea);
	lab(sb, eb);
	return sqrt((ea[0] - eb[0]) * (ea[0] - eb[0]) + (ea[1] - eb[1]) * (ea[1] - eb[1]) +
	            (ea[2] - eb[2]) * (ea[2] - eb[2]));
}

#define MIN_DELTA_E 20.0

static void check_apart(const char *what, const struct dv_rgb *c, const char *const *names, int n)
{
	static const struct {
		const char *name;
		const double *m;
	} vision[] = { { "normal", NULL }, { "deuteranopia", deutan }, { "protanopia", protan } };
	for (size_t v = 0; v < 3; v++)
		for (int i = 0; i < n; i++)
			for (int j = i + 1; j < n; j++) {
				double d = seen_distance(c[i], c[j], vision[v].m);
				if (d < MIN_DELTA_E) {
					fprintf(stderr, "# %s: %s and %s are %.1f apart under %s\n",
					        what, names[i], names[j], d, vision[v].name);
					CHECK(d >= MIN_DELTA_E);
				}
			}
}

static void test_colour_blind(void)
{
	struct dv_theme t;
	CHECK(load_shipped("colour-blind", &t));
	/* The window: changed (also fading's text), error, highlight, and the heading. */
	static const char *const wn[] = { "changed", "error", "hilite", "head" };
	struct dv_rgb w[] = { t.win[DV_WC_changed], t.win[DV_WC_error], t.win[DV_WC_hilite],
		              t.win[DV_WC_head] };
	check_apart("window", w, wn, 4);
	/* The terminal, as a 256-colour terminal shows the roles. */
	static const char *const tn[] = { "changed", "fading", "error", "highlight" };
	static const enum dv_role tr[] = { DV_ROLE_CHANGED, DV_ROLE_FADING, DV_ROLE_ERROR,
		                           DV_ROLE_HIGHLIGHT };
	struct dv_rgb tc[4];
	for (int i = 0; i < 4; i++)
		tc[i] = dv_xterm_rgb(dv_tcolor_pick(&t.term[tr[i]].fg, 256));
	check_apart("terminal", tc, tn, 4);
	/* The check can fail: red and green are one colour to a deuteranope. */
	struct dv_rgb rg[2] = { { 200, 60, 40 }, { 90, 150, 40 } };
	CHECK(seen_distance(rg[0], rg[1], NULL) >= MIN_DELTA_E);
	CHECK(seen_distance(rg[0], rg[1], deutan) < MIN_DELTA_E);
}

/* ---- the data folder ------------------------------------------------------------------------ */

/* mkdir -p for a test's tree */
static void mkdirs(const char *path)
{
	char p[512];
	snprintf(p, sizeof p, "%s", path);
	for (char *s = p + 1; *s; s++)
		if (*s == '/') {
			*s = '\0';
			mkdir(p, 0700);
			*s = '/';
		}
	mkdir(p, 0700);
}

static void make_assets(const char *dir)
{
	char p[512];
	snprintf(p, sizeof p, "%s/themes", dir);
	mkdirs(p);
	snprintf(p, sizeof p, "%s/themes/dark.theme", dir);
	FILE *f = fopen(p, "w");
	if (f)
		fclose(f);
}

static void test_assets_find(void)
{
	char root[] = "/tmp/dv-assets-XXXXXX";
	CHECK(mkdtemp(root) != NULL);
	char build[512], exe[512], deep[512], inst[512], got[512], want[512];
	/* a build tree: ROOT/build/assets and ROOT/build/ui/dmaviz */
	snprintf(build, sizeof build, "%s/build/ui", root);
	mkdirs(build);
	snprintf(build, sizeof build, "%s/build/tests/unit", root);
	mkdirs(build);
	snprintf(want, sizeof want, "%s/build/assets", root);
	make_assets(want);
	snprintf(exe, sizeof exe, "%s/build/ui/dmaviz", root);
	CHECK(dv_assets_find(NULL, exe, NULL, got, sizeof got));
	snprintf(want, sizeof want, "%s/build/ui/../assets", root);
	CHECK(!strcmp(got, want));
	snprintf(deep, sizeof deep, "%s/build/tests/unit/test-x", root);
	CHECK(dv_assets_find("", deep, NULL, got, sizeof got));
	snprintf(want, sizeof want, "%s/build/tests/unit/../../assets", root);
	CHECK(!strcmp(got, want));
	/* installed: ROOT/usr/bin/dmaviz finds ROOT/usr/share/dmaviz */
	snprintf(inst, sizeof inst, "%s/usr/bin", root);
	mkdirs(inst);
	snprintf(inst, sizeof inst, "%s/usr/share/dmaviz", root);
	make_assets(inst);
	snprintf(exe, sizeof exe, "%s/usr/bin/dmaviz", root);
	CHECK(dv_assets_find(NULL, exe, NULL, got, sizeof got));
	snprintf(want, sizeof want, "%s/usr/bin/../share/dmaviz", root);
	CHECK(!strcmp(got, want));
	/* the configured datadir when nothing is beside the executable */
	CHECK(dv_assets_find(NULL, "/nonexistent/bin/dmaviz", inst, got, sizeof got));
	CHECK(!strcmp(got, inst));
	CHECK(!dv_assets_find(NULL, "/nonexistent/bin/dmaviz", "/nonexistent", got, sizeof got));
	/* the environment wins, and only a folder with themes/dark.theme counts */
	CHECK(dv_assets_find(inst, exe, NULL, got, sizeof got) && !strcmp(got, inst));
	CHECK(!dv_assets_find(root, exe, inst, got, sizeof got));
	CHECK(!dv_assets_find(NULL, exe, NULL, got, 8)); /* does not fit */
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	CHECK(system(cmd) == 0);
}

/* This test runs from the build tree: it finds the copy Meson made there. */
static void test_assets_dir(void)
{
	const char *d = dv_assets_dir();
	CHECK(d != NULL);
	char p[4096];
	CHECK(dv_assets_path("themes/light.theme", p, sizeof p));
	CHECK(access(p, R_OK) == 0);
	struct dv_theme t;
	char err[256];
	CHECK(dv_theme_load(&t, "high-contrast", err, sizeof err));
	CHECK(!strcmp(t.name, "high contrast"));
}

static void test_assets_list(void)
{
	char out[3][DV_ASSETS_ENTRY];
	CHECK_EQ(dv_assets_list("# fonts\n\n  A B  \r\n#x\nC\nD\nE\n", out, 3), 3);
	CHECK(!strcmp(out[0], "A B") && !strcmp(out[1], "C") && !strcmp(out[2], "D"));
	char longline[100];
	memset(longline, 'x', 99);
	longline[99] = '\0';
	CHECK_EQ(dv_assets_list(longline, out, 3), 0);
	CHECK_EQ(dv_assets_list("", out, 3), 0);
	/* The shipped list tries DejaVu Sans Mono first (the look the SDL tests hash). */
	char path[4096];
	snprintf(path, sizeof path, "%s/fonts.list", src_assets());
	FILE *f = fopen(path, "r");
	CHECK(f != NULL);
	if (!f)
		return;
	char text[4096];
	size_t len = fread(text, 1, sizeof text - 1, f);
	text[len] = '\0';
	fclose(f);
	CHECK(dv_assets_list(text, out, 3) >= 1);
	CHECK(!strcmp(out[0], "DejaVu Sans Mono"));
}

CHECK_MAIN(CHECK_CASE(test_assets_list), CHECK_CASE(test_shipped_parse),
           CHECK_CASE(test_dark_is_default), CHECK_CASE(test_dark_terminal), CHECK_CASE(test_pick),
           CHECK_CASE(test_bad_file), CHECK_CASE(test_colour_blind), CHECK_CASE(test_assets_find),
           CHECK_CASE(test_assets_dir))

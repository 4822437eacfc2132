/* dmaviz: colour themes (see theme.h). */
#include "theme.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assets.h"
#include "dark-theme.h" /* DV_DARK_THEME: assets/themes/dark.theme as a string */
#include "files.h"

#define MAX_THEME_FILE (64 * 1024)

const char *const dv_theme_names[] = { "dark", "light", "high-contrast", "colour-blind" };
const size_t dv_theme_count = sizeof dv_theme_names / sizeof dv_theme_names[0];

static const char *const window_keys[DV_WC_COUNT] = {
#define DV_THEME_X(n) #n,
	DV_THEME_WINDOW_COLORS(DV_THEME_X)
#undef DV_THEME_X
};

/* The terminal roles a theme colours, by their names in the file. */
static const struct {
	const char *key;
	enum dv_role role;
} term_keys[] = {
	{ "heading", DV_ROLE_HEADING }, { "changed", DV_ROLE_CHANGED },
	{ "fading", DV_ROLE_FADING },   { "highlight", DV_ROLE_HIGHLIGHT },
	{ "error", DV_ROLE_ERROR },
};
#define NTERM (sizeof term_keys / sizeof term_keys[0])

static const char *const ansi_names[8] = { "black", "red",     "green", "yellow",
	                                   "blue",  "magenta", "cyan",  "white" };

/* xterm's palette: 16 system colours, a 6x6x6 cube, 24 greys. */
struct dv_rgb dv_xterm_rgb(int i)
{
	static const struct dv_rgb sys[16] = {
		{ 0, 0, 0 },       { 205, 0, 0 },   { 0, 205, 0 },   { 205, 205, 0 },
		{ 0, 0, 238 },     { 205, 0, 205 }, { 0, 205, 205 }, { 229, 229, 229 },
		{ 127, 127, 127 }, { 255, 0, 0 },   { 0, 255, 0 },   { 255, 255, 0 },
		{ 92, 92, 255 },   { 255, 0, 255 }, { 0, 255, 255 }, { 255, 255, 255 },
	};
	static const uint8_t level[6] = { 0, 95, 135, 175, 215, 255 };
	if (i < 0 || i > 255)
		return sys[0];
	if (i < 16)
		return sys[i];
	if (i < 232) {
		i -= 16;
		return (struct dv_rgb){ level[i / 36], level[i / 6 % 6], level[i % 6] };
	}
	uint8_t g = (uint8_t)(8 + 10 * (i - 232));
	return (struct dv_rgb){ g, g, g };
}

/* The colour number nearest to c among the first n of the palette (a weighted RGB distance,
 * the usual "redmean" approximation of how far apart colours look). */
static int nearest(struct dv_rgb c, int n)
{
	int best = 0;
	long bestd = -1;
	for (int i = 0; i < n; i++) {
		struct dv_rgb p = dv_xterm_rgb(i);
		long rm = ((long)c.r + p.r) / 2;
		long dr = (long)c.r - p.r, dg = (long)c.g - p.g, db = (long)c.b - p.b;
		long d = ((512 + rm) * dr * dr >> 8) + 4 * dg * dg + ((767 - rm) * db * db >> 8);
		if (bestd < 0 || d < bestd) {
			bestd = d;
			best = i;
		}
	}
	return best;
}

int dv_tcolor_pick(const struct dv_tcolor *c, int ncolors)
{
	int n = ncolors >= 256 ? 256 : ncolors >= 16 ? 16 : 8;
	if (c->n == 0)
		return -1;
	for (unsigned i = 0; i < c->n; i++) {
		switch (c->choice[i].kind) {
		case DV_TC_DEFAULT: return -1;
		case DV_TC_INDEX:
			if (c->choice[i].index < n)
				return c->choice[i].index;
			break;
		case DV_TC_RGB: return nearest(c->choice[i].rgb, n);
		}
	}
	/* No choice fits: the colour nearest to the last one's. */
	return nearest(dv_xterm_rgb(c->choice[c->n - 1].index), n);
}

/* ---- parsing -------------------------------------------------------------------------------- */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "#rrggbb", exactly. */
static bool parse_rgb(const char *s, size_t len, struct dv_rgb *out)
{
	if (len != 7 || s[0] != '#')
		return false;
	int v[6];
	for (int i = 0; i < 6; i++)
		if ((v[i] = hexval(s[1 + i])) < 0)
			return false;
	*out = (struct dv_rgb){ (uint8_t)(v[0] * 16 + v[1]), (uint8_t)(v[2] * 16 + v[3]),
		                (uint8_t)(v[4] * 16 + v[5]) };
	return true;
}

static bool word_is(const char *s, size_t len, const char *w)
{
	return strlen(w) == len && memcmp(s, w, len) == 0;
}

/* One terminal colour "a/b/c". False with the reason in why. */
static bool parse_tcolor(const char *s, size_t len, struct dv_tcolor *c, const char **why)
{
	c->n = 0;
	size_t i = 0;
	for (;;) {
		size_t j = i;
		while (j < len && s[j] != '/')
			j++;
		const char *w = s + i;
		size_t wl = j - i;
		if (c->n == DV_TC_MAX_CHOICES) {
			*why = "more than 4 choices";
			return false;
		}
		struct dv_tchoice *ch = &c->choice[c->n];
		*ch = (struct dv_tchoice){ 0 };
		bool ok = false;
		if (word_is(w, wl, "default")) {
			ch->kind = DV_TC_DEFAULT;
			ok = true;
		} else if (wl && w[0] == '#') {
			ch->kind = DV_TC_RGB;
			ok = parse_rgb(w, wl, &ch->rgb);
		} else if (wl && w[0] >= '0' && w[0] <= '9' && wl <= 3) {
			unsigned v = 0;
			ok = true;
			for (size_t k = 0; k < wl; k++) {
				ok = ok && w[k] >= '0' && w[k] <= '9';
				v = v * 10 + (unsigned)(w[k] - '0');
			}
			ok = ok && v <= 255;
			ch->kind = DV_TC_INDEX;
			ch->index = (uint8_t)v;
		} else {
			bool bright = wl > 7 && memcmp(w, "bright-", 7) == 0;
			for (int k = 0; k < 8 && !ok; k++)
				if (word_is(w + (bright ? 7 : 0), wl - (bright ? 7 : 0),
				            ansi_names[k])) {
					ch->kind = DV_TC_INDEX;
					ch->index = (uint8_t)(k + (bright ? 8 : 0));
					ok = true;
				}
		}
		if (!ok) {
			*why = "a terminal colour is a name (red, bright-red, ...), 0-255, #rrggbb or "
			       "default";
			return false;
		}
		c->n++;
		if (j >= len)
			return true;
		i = j + 1;
	}
}

static size_t trim(const char **s, size_t len)
{
	while (len && (**s == ' ' || **s == '\t')) {
		(*s)++;
		len--;
	}
	while (len && ((*s)[len - 1] == ' ' || (*s)[len - 1] == '\t' || (*s)[len - 1] == '\r'))
		len--;
	return len;
}

/* "FG" or "FG on BG". */
static bool parse_tpair(const char *v, size_t vl, struct dv_tpair *p, const char **why)
{
	const char *on = NULL;
	for (size_t i = 0; i + 4 <= vl; i++)
		if (memcmp(v + i, " on ", 4) == 0) {
			on = v + i;
			break;
		}
	const char *fg = v, *bg = on ? on + 4 : "default";
	size_t fl = trim(&fg, on ? (size_t)(on - v) : vl);
	size_t bl = trim(&bg, on ? vl - (size_t)(bg - v) : strlen("default"));
	p->set = true;
	return parse_tcolor(fg, fl, &p->fg, why) && parse_tcolor(bg, bl, &p->bg, why);
}

static void fail(char *err, size_t errlen, const char *file, unsigned line, const char *fmt, ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 5, 6)))
#endif
        ;

static void fail(char *err, size_t errlen, const char *file, unsigned line, const char *fmt, ...)
{
	char what[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	if (line)
		snprintf(err, errlen, "%s:%u: %s", file, line, what);
	else
		snprintf(err, errlen, "%s: %s", file, what);
}

bool dv_theme_parse(struct dv_theme *t, const char *text, const char *file, char *err,
                    size_t errlen)
{
	bool have_win[DV_WC_COUNT] = { false }, have_term[NTERM] = { false }, have_name = false;
	memset(t, 0, sizeof *t);
	unsigned line = 0;
	for (const char *p = text; *p;) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		const char *s = p;
		line++;
		p += len + (e ? 1 : 0);
		len = trim(&s, len);
		if (!len || s[0] == '#')
			continue;
		const char *eq = memchr(s, '=', len);
		if (!eq) {
			fail(err, errlen, file, line, "'%.*s': a line is 'key = value'", (int)len,
			     s);
			return false;
		}
		const char *k = s, *v = eq + 1;
		size_t kl = trim(&k, (size_t)(eq - s)), vl = trim(&v, len - (size_t)(v - s));
		const char *why = NULL;
		if (word_is(k, kl, "name")) {
			if (!vl || vl >= sizeof t->name) {
				fail(err, errlen, file, line, "the name is 1 to 31 characters");
				return false;
			}
			memcpy(t->name, v, vl);
			have_name = true;
			continue;
		}
		if (kl > 7 && memcmp(k, "window.", 7) == 0) {
			size_t i = 0;
			while (i < DV_WC_COUNT && !word_is(k + 7, kl - 7, window_keys[i]))
				i++;
			if (i == DV_WC_COUNT) {
				fail(err, errlen, file, line, "unknown window colour '%.*s'",
				     (int)(kl - 7), k + 7);
				return false;
			}
			if (!parse_rgb(v, vl, &t->win[i])) {
				fail(err, errlen, file, line, "'%.*s': a window colour is #rrggbb",
				     (int)vl, v);
				return false;
			}
			have_win[i] = true;
			continue;
		}
		if (kl > 5 && memcmp(k, "term.", 5) == 0) {
			size_t i = 0;
			while (i < NTERM && !word_is(k + 5, kl - 5, term_keys[i].key))
				i++;
			if (i == NTERM) {
				fail(err, errlen, file, line,
				     "unknown terminal role '%.*s' (heading, changed, fading, highlight, "
				     "error)",
				     (int)(kl - 5), k + 5);
				return false;
			}
			if (!parse_tpair(v, vl, &t->term[term_keys[i].role], &why)) {
				fail(err, errlen, file, line, "'%.*s': %s", (int)vl, v, why);
				return false;
			}
			have_term[i] = true;
			continue;
		}
		fail(err, errlen, file, line, "unknown key '%.*s' (name, window.*, term.*)",
		     (int)kl, k);
		return false;
	}
	if (!have_name) {
		fail(err, errlen, file, 0, "no 'name = ...' line");
		return false;
	}
	for (size_t i = 0; i < DV_WC_COUNT; i++)
		if (!have_win[i]) {
			fail(err, errlen, file, 0, "no 'window.%s = #rrggbb' line", window_keys[i]);
			return false;
		}
	for (size_t i = 0; i < NTERM; i++)
		if (!have_term[i]) {
			fail(err, errlen, file, 0, "no 'term.%s = ...' line", term_keys[i].key);
			return false;
		}
	return true;
}

const struct dv_theme *dv_theme_builtin(void)
{
	static struct dv_theme dark;
	if (!dark.name[0]) {
		char err[200];
		/* It parses: tests/unit/test-theme.c loads the same file. */
		if (!dv_theme_parse(&dark, DV_DARK_THEME, "dark.theme (built in)", err, sizeof err))
			memset(&dark, 0, sizeof dark);
	}
	return &dark;
}

bool dv_theme_load(struct dv_theme *t, const char *name_or_file, char *err, size_t errlen)
{
	char path[4096];
	const char *arg = name_or_file && *name_or_file ? name_or_file : "dark";
	size_t al = strlen(arg);
	bool is_file = strchr(arg, '/') || (al > 6 && !strcmp(arg + al - 6, ".theme"));
	*t = *dv_theme_builtin();
	if (is_file) {
		snprintf(path, sizeof path, "%s", arg);
	} else {
		bool known = false;
		for (size_t i = 0; i < dv_theme_count; i++)
			known = known || !strcmp(arg, dv_theme_names[i]);
		int n = snprintf(path, sizeof path, "themes/%s.theme", arg);
		if (!known || n < 0 || (size_t)n >= sizeof path) {
			snprintf(err, errlen,
			         "no theme '%s' (dark, light, high-contrast, colour-blind, "
			         "or a .theme file)",
			         arg);
			return false;
		}
		char rel[64];
		snprintf(rel, sizeof rel, "themes/%s.theme", arg);
		if (!dv_assets_path(rel, path, sizeof path)) {
			snprintf(err, errlen, "no data folder with %s (set DMAVIZ_DATADIR)", rel);
			return false;
		}
	}
	size_t len;
	char *text = dv_file_read(path, MAX_THEME_FILE + 1, &len);
	if (!text) {
		snprintf(err, errlen, "%s: %s", path, dv_file_strerror(errno));
		return false;
	}
	bool ok = len <= MAX_THEME_FILE && strlen(text) == len;
	if (!ok)
		snprintf(err, errlen, "%s: not a theme file (too long or binary)", path);
	else
		ok = dv_theme_parse(t, text, path, err, errlen);
	free(text);
	if (!ok)
		*t = *dv_theme_builtin();
	return ok;
}

/* dmaviz: one option parser and the help it generates (opts.h). */
#include "opts.h"

#include <stdlib.h>
#include <string.h>

void dv_opts_wrap(FILE *f, const char *text, int first, int indent, int width)
{
	int col = first;
	bool first_line = true;
	const char *w = text;
	do {
		size_t max = width > col ? (size_t)(width - col) : 1;
		size_t n = strcspn(w, "\n");
		if (n > max) {
			n = max;
			while (n > 0 && w[n] != ' ')
				n--;
			if (!n) /* one word longer than the line: it goes whole */
				n = strcspn(w, " \n");
		}
		fprintf(f, "%*s%.*s\n", first_line ? 0 : indent, "", (int)n, w);
		first_line = false;
		col = indent;
		w += n;
		if (*w == '\n')
			w++;
		else
			while (*w == ' ')
				w++;
	} while (*w);
}

/* The helps' lines are broken by hand ('\n' in the texts) near 80 columns; this only catches a
 * text written without breaks. */
#define DV_OPTS_HELP_WIDTH 84

static void usage_line(const struct dv_cmd_spec *s, FILE *f)
{
	int n = fprintf(f, "usage: dmaviz %s%s", s->name, s->synopsis[0] ? " " : "");
	if (s->synopsis[0])
		dv_opts_wrap(f, s->synopsis, n, n, DV_OPTS_HELP_WIDTH);
	else
		fputc('\n', f);
}

void dv_opts_help(const struct dv_cmd_spec *s, FILE *f)
{
	usage_line(s, f);
	fprintf(f, "\n%s", s->about);
	if (s->nopts)
		fputc('\n', f);
	for (size_t i = 0; i < s->nopts; i++) {
		const struct dv_opt *o = &s->opts[i];
		int n = fprintf(f, "  %s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
		if (n + 2 <= s->column)
			n += fprintf(f, "%*s", s->column - n, "");
		else
			n += fprintf(f, "  ");
		dv_opts_wrap(f, o->help, n, s->column, DV_OPTS_HELP_WIDTH);
	}
	if (s->status)
		fprintf(f, "\n%s", s->status);
}

static const struct dv_opt *find(const struct dv_cmd_spec *s, const char *a, const char **val)
{
	*val = NULL;
	for (size_t i = 0; i < s->nopts; i++) {
		const struct dv_opt *o = &s->opts[i];
		const char *names[2] = { o->name, o->alias };
		for (int k = 0; k < 2; k++) {
			const char *nm = names[k];
			if (!nm)
				continue;
			if (!strcmp(a, nm))
				return o;
			size_t len = strlen(nm);
			/* --name=VALUE, for long options that take a value */
			if (o->arg && nm[1] == '-' && !strncmp(a, nm, len) && a[len] == '=') {
				*val = a + len + 1;
				return o;
			}
		}
	}
	return NULL;
}

/* "dmaviz NAME: HEAD ARG TAIL" and the command's help, on stderr; 2. */
static int bad(const struct dv_cmd_spec *s, const char *head, const char *arg, const char *tail)
{
	fprintf(stderr, "dmaviz %s: %s%s%s\n", s->name, head, arg, tail);
	dv_opts_help(s, stderr);
	return 2;
}

int dv_opts_parse(const struct dv_cmd_spec *s, int argc, char **argv, void *dst, int *nargs)
{
	int n = 1; /* argv[1..n) holds the arguments that are not options so far */
	bool opts_done = false;
	for (int i = 1; i < argc; i++) {
		char *a = argv[i];
		if (opts_done || a[0] != '-' || !a[1]) {
			if (s->max_args >= 0 && n - 1 >= s->max_args) {
				char head[100], tail[300];
				snprintf(head, sizeof head, "%s '",
				         s->unknown ? s->unknown : "unexpected argument");
				snprintf(tail, sizeof tail, "'%s",
				         s->extra_hint ? s->extra_hint : "");
				return bad(s, head, a, tail);
			}
			argv[n++] = a;
			if (!s->args_anywhere)
				opts_done = true;
			continue;
		}
		if (!strcmp(a, "--")) {
			opts_done = true;
			continue;
		}
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			dv_opts_help(s, stdout);
			return 0;
		}
		const char *val;
		const struct dv_opt *o = find(s, a, &val);
		if (!o) {
			char head[100];
			snprintf(head, sizeof head, "%s '",
			         s->unknown ? s->unknown : "unknown option");
			return bad(s, head, a, "'");
		}
		void *where = (char *)dst + o->offset;
		if (!o->arg) {
			*(bool *)where = true;
			continue;
		}
		if (!val) {
			if (i + 1 >= argc) {
				char tail[200];
				snprintf(tail, sizeof tail, " %s",
				         o->needs ? o->needs : "needs an argument");
				return bad(s, "", a, tail);
			}
			val = argv[++i];
		}
		if (o->parse) {
			char why[300] = "";
			if (!o->parse(val, where, why, sizeof why)) {
				fprintf(stderr, "dmaviz %s: %s\n", s->name, why);
				return 2;
			}
		} else {
			*(const char **)where = val;
		}
	}
	*nargs = n - 1;
	return DV_OPTS_GO;
}

bool dv_opts_seconds(const char *val, unsigned *out)
{
	char *end;
	long n = strtol(val, &end, 10);
	if (*end || n < 1 || n > 3600)
		return false;
	*out = (unsigned)n;
	return true;
}

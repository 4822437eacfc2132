/* dmaviz: the options parser and the help it writes (ui/cli/opts.c), on a table of its own. */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "opts.h"
#include "../unit/check.h"

struct args {
	bool flag;
	const char *file;
	unsigned n;
};

static bool number(const char *val, void *dst, char *why, size_t whylen)
{
	if (dv_opts_seconds(val, dst))
		return true;
	snprintf(why, whylen, "bad number '%s'", val);
	return false;
}

static const struct dv_opt opts[] = {
	{ "--flag", "-F", NULL, "a flag", offsetof(struct args, flag), NULL, NULL },
	{ "--file", "-f", "FILE", "a file\nits second line", offsetof(struct args, file), NULL,
	  "needs a file name" },
	{ "--number-of-things", NULL, "N", "a number", offsetof(struct args, n), number, NULL },
};

static struct dv_cmd_spec spec = {
	.name = "demo",
	.synopsis = "[--flag] [--file FILE]\n[--number-of-things N] ARG...",
	.what = "a command of the test",
	.about = "About it.\n",
	.status = "Exit status: 0.\n",
	.opts = opts,
	.nopts = DV_OPTS_COUNT(opts),
	.column = 16,
	.max_args = -1,
};

/* Runs the parser on a copy of the words with stdout and stderr captured to out and err. */
static int parse(const char *const *words, struct args *a, int *nargs, char **argv_out, char *out,
                 char *err)
{
	char *argv[16];
	int argc = 0;
	for (; words[argc]; argc++)
		argv[argc] = (char *)words[argc];
	argv[argc] = NULL;
	memset(a, 0, sizeof *a);
	fflush(stdout);
	fflush(stderr);
	FILE *fo = tmpfile(), *fe = tmpfile();
	int so = dup(1), se = dup(2);
	dup2(fileno(fo), 1);
	dup2(fileno(fe), 2);
	*nargs = -1;
	int rc = dv_opts_parse(&spec, argc, argv, a, nargs);
	fflush(stdout);
	fflush(stderr);
	dup2(so, 1);
	dup2(se, 2);
	close(so);
	close(se);
	rewind(fo);
	rewind(fe);
	out[fread(out, 1, 4095, fo)] = 0;
	err[fread(err, 1, 4095, fe)] = 0;
	fclose(fo);
	fclose(fe);
	for (int i = 0; i < argc; i++)
		argv_out[i] = argv[i];
	return rc;
}

static char out[4096], err[4096];
static char *av[16];

static void test_values_go_where_the_table_says(void)
{
	struct args a;
	int n;
	const char *w[] = { "demo", "-F", "--file", "x.txt", "--number-of-things=12",
		            "p1",   "p2", NULL };
	CHECK_EQ(parse(w, &a, &n, av, out, err), DV_OPTS_GO);
	CHECK(a.flag);
	CHECK(a.file && !strcmp(a.file, "x.txt"));
	CHECK_EQ(a.n, 12);
	CHECK_EQ(n, 2);
	CHECK(!strcmp(av[1], "p1") && !strcmp(av[2], "p2"));
	CHECK(!out[0] && !err[0]);
	const char *w2[] = { "demo", "--file=y", "-f", "z", NULL };
	CHECK_EQ(parse(w2, &a, &n, av, out, err), DV_OPTS_GO);
	CHECK(!strcmp(a.file, "z")); /* the last one wins */
	CHECK_EQ(n, 0);
}

static void test_first_argument_ends_the_options(void)
{
	struct args a;
	int n;
	const char *w[] = { "demo", "p1", "--flag", NULL };
	CHECK_EQ(parse(w, &a, &n, av, out, err), DV_OPTS_GO);
	CHECK(!a.flag);
	CHECK_EQ(n, 2);
	CHECK(!strcmp(av[2], "--flag"));
	const char *w2[] = { "demo", "--", "--flag", NULL };
	CHECK_EQ(parse(w2, &a, &n, av, out, err), DV_OPTS_GO);
	CHECK(!a.flag);
	CHECK_EQ(n, 1);
	CHECK(!strcmp(av[1], "--flag"));
	/* Anywhere: arguments among the options, at most max_args of them. */
	spec.args_anywhere = true;
	spec.max_args = 1;
	spec.extra_hint = " (one at a time)";
	const char *w3[] = { "demo", "p1", "--flag", NULL };
	CHECK_EQ(parse(w3, &a, &n, av, out, err), DV_OPTS_GO);
	CHECK(a.flag);
	CHECK_EQ(n, 1);
	const char *w4[] = { "demo", "p1", "p2", NULL };
	CHECK_EQ(parse(w4, &a, &n, av, out, err), 2);
	CHECK(!strncmp(err,
	               "dmaviz demo: unexpected argument 'p2' (one at a time)\nusage: dmaviz demo",
	               70));
	spec.args_anywhere = false;
	spec.max_args = -1;
	spec.extra_hint = NULL;
}

static void test_mistakes(void)
{
	struct args a;
	int n;
	const char *w[] = { "demo", "--frob", NULL };
	CHECK_EQ(parse(w, &a, &n, av, out, err), 2);
	CHECK(!strncmp(err, "dmaviz demo: unknown option '--frob'\nusage: dmaviz demo ", 55));
	CHECK(!out[0]);
	const char *w2[] = { "demo", "-f", NULL };
	CHECK_EQ(parse(w2, &a, &n, av, out, err), 2);
	CHECK(!strncmp(err, "dmaviz demo: -f needs a file name\nusage:", 40));
	const char *w3[] = { "demo", "--number-of-things", "0", NULL };
	CHECK_EQ(parse(w3, &a, &n, av, out, err), 2);
	CHECK(!strcmp(err, "dmaviz demo: bad number '0'\n")); /* no usage after a refused value */
	const char *w4[] = { "demo", "--number-of-things", NULL };
	CHECK_EQ(parse(w4, &a, &n, av, out, err), 2);
	CHECK(!strncmp(err, "dmaviz demo: --number-of-things needs an argument\n", 50));
	const char *w5[] = { "demo", "--flag=1", NULL }; /* a flag takes no value */
	CHECK_EQ(parse(w5, &a, &n, av, out, err), 2);
}

static void test_help_from_the_table(void)
{
	struct args a;
	int n;
	const char *w[] = { "demo", "--flag", "-h", "--frob", NULL };
	CHECK_EQ(parse(w, &a, &n, av, out, err), 0);
	CHECK(!err[0]);
	static const char want[] = "usage: dmaviz demo [--flag] [--file FILE]\n"
	                           "                   [--number-of-things N] ARG...\n"
	                           "\n"
	                           "About it.\n"
	                           "\n"
	                           "  --flag        a flag\n"
	                           "  --file FILE   a file\n"
	                           "                its second line\n"
	                           "  --number-of-things N  a number\n"
	                           "\n"
	                           "Exit status: 0.\n";
	CHECK(!strcmp(out, want));
	if (strcmp(out, want))
		fprintf(stderr, "got:\n%s", out);
}

static void test_wrap(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	fputs("ab ", f);
	dv_opts_wrap(f, "one two three four five", 3, 1, 12);
	fclose(f);
	CHECK(!strcmp(buf, "ab one two\n three four\n five\n"));
	free(buf);
}

CHECK_MAIN(CHECK_CASE(test_values_go_where_the_table_says),
           CHECK_CASE(test_first_argument_ends_the_options), CHECK_CASE(test_mistakes),
           CHECK_CASE(test_help_from_the_table), CHECK_CASE(test_wrap))

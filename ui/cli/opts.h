/* dmaviz: the options of a subcommand as a table, one parser for all of them, and the
 * command's --help generated from the same table (tig's request table, applied to options). */
#ifndef DV_UI_OPTS_H
#define DV_UI_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* One option. Where it goes: at offset in the command's options struct, a bool set to true
 * (a flag: arg NULL), a const char * pointing into argv (arg set, parse NULL), or whatever
 * parse makes of the value (it writes why not, without the command's name, to why). */
struct dv_opt {
	const char *name;  /* "--junit" or "-o": the spelling the help shows */
	const char *alias; /* another spelling ("-f", "--output"), or NULL */
	const char *arg;   /* the value's name in the help ("FILE"); NULL: a flag */
	const char *help;  /* what it does; each '\n' continues under the help column */
	size_t offset;
	bool (*parse)(const char *val, void *dst, char *why, size_t whylen);
	const char *needs; /* a missing value: "needs a file name"; NULL: "needs an argument" */
};

/* A subcommand: what `dmaviz --help` lists, its own --help, and how its arguments go. */
struct dv_cmd_spec {
	const char *name;
	const char *synopsis; /* after "dmaviz NAME " in both helps */
	const char *what;     /* one sentence for `dmaviz --help` */
	const char *about;    /* the paragraphs of `dmaviz NAME --help` before the options */
	const char *status;   /* "Exit status: ...", after the options */
	const struct dv_opt *opts;
	size_t nopts;
	int column; /* where the options' help starts in `dmaviz NAME --help` */
	/* Arguments that are not options: at most max_args (-1: any number); anywhere among the
	 * options (else the first one ends the options, as does "--" always). One too many is
	 * "unexpected argument 'X'" and extra_hint. */
	int max_args;
	bool args_anywhere;
	const char *extra_hint;
	const char *unknown; /* NULL: "unknown option" (for '-x'; "unexpected argument" for X) */
};

#define DV_OPTS_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The parser's answer when the command should go on (any other value is its exit status). */
#define DV_OPTS_GO (-1)

/* Parses argv[1..argc) (argv[0] is the command's name) into dst by spec. -h and --help print
 * the command's help to stdout (0); a bad option prints "dmaviz NAME: ..." and, unless a value
 * was refused by its parse function, the usage to stderr (2). Otherwise moves the arguments
 * that are not options to argv[1..*nargs] in their order and returns DV_OPTS_GO.
 * "--NAME=VALUE" is accepted for every long option that takes a value. */
int dv_opts_parse(const struct dv_cmd_spec *spec, int argc, char **argv, void *dst, int *nargs);

/* A number of whole seconds, 1 to 3600 (the CPU limits of check and grade). */
bool dv_opts_seconds(const char *val, unsigned *out);

/* `dmaviz NAME --help`, generated from spec. */
void dv_opts_help(const struct dv_cmd_spec *spec, FILE *f);

/* Writes text to lines of at most width columns, breaking at each '\n' and, where a line
 * would be longer, at a space: the first line starts at column first (the caller has written
 * what is before it), the next ones are indented to column indent. Ends with a newline. */
void dv_opts_wrap(FILE *f, const char *text, int first, int indent, int width);

#endif

/* dmaviz quiz [--seed N] [--print] [--solve] [--answers FILE]: the command-line side of the
 * generated exercises. The core (src/quiz.c) generates, solves and formats; this file parses
 * options, reads the learner's answers file and prints. The interactive quiz is a front end's
 * (ui/tui/quizui.c), handed in by main.c when the build has one: this file needs no curses. */
#include "cmd_quiz.h"

#include <errno.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "opts.h"
#include "quiz.h"

static bool parse_seed(const char *s, unsigned long long *out)
{
	if (!*s || *s == '-' || *s == '+')
		return false;
	char *end;
	errno = 0;
	unsigned long long v = (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) ?
	                               strtoull(s + 2, &end, 16) :
	                               strtoull(s, &end, 10);
	if (errno || *end || end == s || ((s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) && !s[2]))
		return false;
	*out = v;
	return true;
}

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	while (buf) {
		if (len + 1 >= cap) {
			if (cap >= (1u << 20)) {
				errno = EFBIG;
				free(buf);
				buf = NULL;
				break;
			}
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
		size_t n = fread(buf + len, 1, cap - 1 - len, f);
		len += n;
		if (n == 0) {
			if (ferror(f)) {
				free(buf);
				buf = NULL;
				errno = EIO;
			}
			break;
		}
	}
	fclose(f);
	if (buf)
		buf[len] = 0;
	return buf;
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = 0;
	return s;
}

/* Reads FILE's 'id: value' lines into values[] (the last line for an id wins). */
static bool load_answers(const char *path, char *text, char *values[DV_QUIZ_NQUESTIONS])
{
	unsigned line = 0;
	for (char *p = text; *p;) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = 0;
		line++;
		char *l = p;
		p = nl ? nl + 1 : p + strlen(p);
		char *hash = strchr(l, '#');
		if (hash)
			*hash = 0;
		l = trim(l);
		if (!*l)
			continue;
		char *colon = strchr(l, ':');
		if (!colon || colon == l) {
			fprintf(stderr, "%s:%u: error: expected 'ID: VALUE'\n", path, line);
			return false;
		}
		*colon = 0;
		char *id = trim(l), *value = trim(colon + 1);
		int q = dv_quiz_find(id);
		if (q < 0) {
			fprintf(stderr,
			        "%s:%u: error: no question '%s' (the ids are status, mode, addr-lo, "
			        "addr-hi, page, count-lo, count-hi, bounce, residue, valid)\n",
			        path, line, id);
			return false;
		}
		values[q] = value;
	}
	return true;
}

struct quiz_args {
	unsigned long long seed;
	bool solve, print;
	const char *answers;
};

static bool seed_value(const char *val, void *dst, char *why, size_t whylen)
{
	if (parse_seed(val, dst))
		return true;
	snprintf(why, whylen, "bad seed '%s' (a number, decimal or 0x hex)", val);
	return false;
}

static const struct dv_opt quiz_opts[] = {
	{ "--seed", "-s", "N", "the problem's number (decimal or 0x hex); without it, seed 1",
	  offsetof(struct quiz_args, seed), seed_value, "needs a value" },
	{ "--print", NULL, NULL,
	  "print the problem (the default in a pipe; in a terminal, without\n"
	  "--print, --solve or --answers, the questions are asked one by\n"
	  "one with the right answer after each, then 'N of M right';\n"
	  "w after an answer replays how the simulated PC gets there)",
	  offsetof(struct quiz_args, print), NULL, NULL },
	{ "--solve", "-c", NULL, "print the problem and its answers",
	  offsetof(struct quiz_args, solve), NULL, NULL },
	{ "--answers", NULL, "FILE",
	  "check a learner's answers: 'ID: VALUE' lines (numbers in hex\n"
	  "or decimal, yes/no, status names, none; '#' starts a comment)",
	  offsetof(struct quiz_args, answers), NULL, "needs a value" },
};

const struct dv_cmd_spec dv_quiz_spec = {
	.name = "quiz",
	.synopsis = "[--seed N] [--print] [--solve] [--answers FILE]",
	.what = "a generated DMA exercise: predict what Setup does, check answers",
	.about =
	        "Generates a system-DMA exercise: a channel, a buffer, one NdisMSetupDmaTransfer\n"
	        "call, and questions on what it does (the Status, the mode, address, page and count\n"
	        "bytes written to the 8237, whether a bounce buffer is used, the residue after K\n"
	        "cycles, the bytes valid after Complete). The answers come from running the\n"
	        "simulator. The same seed gives the same problem on every machine and build.\n",
	.status =
	        "Exit status: 0 success or all answers right, 1 an answer wrong or missing, 2 bad\n"
	        "usage or an unreadable or malformed answers file.\n",
	.opts = quiz_opts,
	.nopts = DV_OPTS_COUNT(quiz_opts),
	.column = 18,
};

int dv_cmd_quiz_with(int argc, char **argv, int (*interactive)(const struct dv_quiz *q))
{
	struct quiz_args args = { .seed = 1 };
	int nargs, rc = dv_opts_parse(&dv_quiz_spec, argc, argv, &args, &nargs);
	if (rc != DV_OPTS_GO)
		return rc;
	unsigned long long seed = args.seed;
	bool solve = args.solve, print = args.print;
	const char *answers = args.answers;
	if (answers && solve) {
		fprintf(stderr, "dmaviz quiz: --answers and --solve do not go together\n");
		return 2;
	}
	struct dv_quiz q;
	if (!dv_quiz_generate((uint64_t)seed, &q)) {
		fprintf(stderr,
		        "dmaviz quiz: the simulator could not run seed %llu (out of memory?)\n",
		        seed);
		return 2;
	}
	/* In a terminal, without --print, --solve or --answers: ask the questions one by one
	 * (when the build has a front end for that; without one the problem is printed). */
	const char *term = getenv("TERM");
	if (interactive && !answers && !solve && !print && isatty(STDIN_FILENO) &&
	    isatty(STDOUT_FILENO) && term && *term && strcmp(term, "dumb"))
		return interactive(&q);
	if (!answers) {
		size_t n = dv_quiz_format(&q, solve, NULL, 0);
		char *text = malloc(n + 1);
		if (!text) {
			fprintf(stderr, "dmaviz quiz: out of memory\n");
			return 2;
		}
		dv_quiz_format(&q, solve, text, n + 1);
		fputs(text, stdout);
		free(text);
		return 0;
	}
	char *text = read_all(answers);
	if (!text) {
		fprintf(stderr, "dmaviz quiz: %s: %s\n", answers, strerror(errno));
		return 2;
	}
	char *values[DV_QUIZ_NQUESTIONS] = { 0 };
	if (!load_answers(answers, text, values)) {
		free(text);
		return 2;
	}
	printf("dmaviz quiz --seed %llu\n\n", seed);
	unsigned passed = 0, failed = 0;
	for (unsigned i = 0; i < DV_QUIZ_NQUESTIONS; i++) {
		char right[64];
		dv_quiz_answer(&q, i, right, sizeof right);
		if (values[i] && dv_quiz_check(&q, i, values[i])) {
			printf("right  %-9s %s\n", dv_quiz_id(i), values[i]);
			passed++;
		} else {
			printf("wrong  %-9s %s (correct: %s)\n", dv_quiz_id(i),
			       values[i] ? (*values[i] ? values[i] : "(empty)") : "(no answer)",
			       right);
			failed++;
		}
	}
	printf("%u passed, %u failed\n", passed, failed);
	free(text);
	return failed ? 1 : 0;
}

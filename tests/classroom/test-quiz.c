/* dmaviz quiz: determinism, the golden --seed 42 --solve text, answer checking through the
 * command line, and cross-checks of the simulator's answers against the 8237 rules.
 * Usage: test-quiz DMAVIZ GOLDEN-DIR (DV_REGEN=1 rewrites the golden file). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../unit/check.h"
#include "quiz.h"

static const char *dmaviz, *golden_dir;

static char *format(uint64_t seed, bool answers)
{
	struct dv_quiz q;
	if (!dv_quiz_generate(seed, &q))
		return NULL;
	size_t n = dv_quiz_format(&q, answers, NULL, 0);
	char *t = malloc(n + 1);
	if (t)
		dv_quiz_format(&q, answers, t, n + 1);
	return t;
}

/* Runs dmaviz with args (a shell-free fork/exec), capturing stdout+stderr; returns exit status. */
static int run(char *const args[], char **out)
{
	char path[] = "/tmp/dv-quiz-outXXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fd, 1);
		dup2(fd, 2);
		execv(dmaviz, args);
		_exit(127);
	}
	int status = -1;
	waitpid(pid, &status, 0);
	close(fd);
	FILE *f = fopen(path, "rb");
	*out = calloc(1, 1 << 16);
	if (f && *out)
		fread(*out, 1, (1 << 16) - 1, f);
	if (f)
		fclose(f);
	remove(path);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* The solver's 'id: value' lines (after "Answers:"). */
static char *answers_of(const char *solved)
{
	const char *a = strstr(solved, "\nAnswers:\n");
	return a ? strdup(a + strlen("\nAnswers:\n")) : NULL;
}

static void test_determinism(void)
{
	for (uint64_t seed = 0; seed < 200; seed++) {
		char *a = format(seed, true), *b = format(seed, true);
		char *p1 = format(seed, false), *p2 = format(seed, false);
		CHECK(a && b && p1 && p2);
		if (a && b)
			CHECK(!strcmp(a, b));
		if (p1 && p2)
			CHECK(!strcmp(p1, p2));
		char head[64];
		snprintf(head, sizeof head, "dmaviz quiz --seed %llu\n", (unsigned long long)seed);
		if (a)
			CHECK(!strncmp(a, head, strlen(head)));
		free(a), free(b), free(p1), free(p2);
	}
	/* A big seed works too, and differs from its neighbour. */
	char *x = format(0xFFFFFFFFFFFFFFFFull, true), *y = format(0xFFFFFFFFFFFFFFFEull, true);
	CHECK(x && y && strcmp(x, y));
	free(x), free(y);
}

static void test_golden(void)
{
	char golden[4096];
	snprintf(golden, sizeof golden, "%s/quiz-42.txt", golden_dir);
	char *out = NULL;
	char *args[] = { (char *)dmaviz, "quiz", "--seed", "42", "--solve", NULL };
	CHECK_EQ(run(args, &out), 0);
	if (getenv("DV_REGEN")) {
		write_file(golden, out);
		fprintf(stderr, "rewrote %s\n", golden);
	}
	FILE *f = fopen(golden, "rb");
	char *want = calloc(1, 1 << 16);
	CHECK(f != NULL);
	if (f) {
		fread(want, 1, (1 << 16) - 1, f);
		fclose(f);
	}
	CHECK(out && !strcmp(out, want));
	if (out && strcmp(out, want))
		fprintf(stderr, "--- got:\n%s--- want (%s):\n%s", out, golden, want);
	free(want);
	free(out);
	/* The default is --print, and no --seed means seed 1. */
	char *args2[] = { (char *)dmaviz, "quiz", NULL };
	CHECK_EQ(run(args2, &out), 0);
	char *p = format(1, false);
	CHECK(p && out && !strcmp(out, p));
	free(p);
	free(out);
}

static void test_answers(void)
{
	char path[] = "/tmp/dv-quiz-ansXXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	close(fd);
	char *out = NULL;
	/* Right: the solver's own answers, for seeds that succeed and fail. */
	for (uint64_t seed = 1; seed <= 30; seed++) {
		char *solved = format(seed, true);
		char *ans = solved ? answers_of(solved) : NULL;
		CHECK(ans != NULL);
		if (!ans) {
			free(solved);
			continue;
		}
		write_file(path, ans);
		char s[32];
		snprintf(s, sizeof s, "%llu", (unsigned long long)seed);
		char *args[] = { (char *)dmaviz, "quiz", "--seed", s, "--answers", path, NULL };
		CHECK_EQ(run(args, &out), 0);
		CHECK(out && strstr(out, "10 passed, 0 failed\n"));
		free(out);
		free(ans);
		free(solved);
	}
	/* Wrong: one value off; the question fails and shows the right value. */
	struct dv_quiz q;
	CHECK(dv_quiz_generate(42, &q));
	char right[64], text[512];
	dv_quiz_answer(&q, DV_QUIZ_COUNT_LO, right, sizeof right);
	snprintf(text, sizeof text, "# mine\nstatus: %s\nmode: %u\ncount-lo: %s\n",
	         q.status == 0 ? "success" : "resources", (unsigned)q.mode,
	         q.programmed ? "0x1234" : "7");
	write_file(path, text);
	char *args[] = { (char *)dmaviz, "quiz", "--seed", "42", "--answers", path, NULL };
	CHECK_EQ(run(args, &out), 1);
	char want[128];
	snprintf(want, sizeof want, "wrong  count-lo  %s (correct: %s)\n",
	         q.programmed ? "0x1234" : "7", right);
	CHECK(out && strstr(out, want));
	CHECK(out && strstr(out, "right  status"));
	/* status and mode right; count-lo wrong; the seven unanswered fail too. */
	CHECK(q.programmed);
	CHECK(out && strstr(out, "2 passed, 8 failed\n"));
	CHECK(out && strstr(out, "wrong  page      (no answer)"));
	CHECK(out && !strncmp(out, "dmaviz quiz --seed 42\n", 22));
	free(out);
	/* A malformed line: file:line, exit 2. */
	write_file(path, "status: success\n\nmode 0x49\n");
	CHECK_EQ(run(args, &out), 2);
	char where[256];
	snprintf(where, sizeof where, "%s:3: error", path);
	CHECK(out && strstr(out, where));
	free(out);
	write_file(path, "stauts: success\n");
	CHECK_EQ(run(args, &out), 2);
	snprintf(where, sizeof where, "%s:1: error: no question 'stauts'", path);
	CHECK(out && strstr(out, where));
	free(out);
	remove(path);
	/* An unreadable file and bad usage: 2. */
	char *bad1[] = { (char *)dmaviz, "quiz", "--answers", "/nonexistent/answers", NULL };
	CHECK_EQ(run(bad1, &out), 2);
	free(out);
	char *bad2[] = { (char *)dmaviz, "quiz", "--seed", "x42", NULL };
	CHECK_EQ(run(bad2, &out), 2);
	free(out);
	char *bad3[] = { (char *)dmaviz, "quiz", "--bogus", NULL };
	CHECK_EQ(run(bad3, &out), 2);
	free(out);
}

static void test_checking_values(void)
{
	struct dv_quiz q;
	/* Find a seed that programs the chip and one that fails. */
	uint64_t ok_seed = 0, bad_seed = 0;
	for (uint64_t s = 1; s < 200 && (!ok_seed || !bad_seed); s++) {
		CHECK(dv_quiz_generate(s, &q));
		if (q.programmed && !ok_seed)
			ok_seed = s;
		if (!q.programmed && !bad_seed)
			bad_seed = s;
	}
	CHECK(ok_seed && bad_seed);
	dv_quiz_generate(ok_seed, &q);
	char buf[32];
	snprintf(buf, sizeof buf, "%u", (unsigned)q.mode);
	CHECK(dv_quiz_check(&q, DV_QUIZ_MODE, buf));
	snprintf(buf, sizeof buf, "0x%x", (unsigned)q.mode);
	CHECK(dv_quiz_check(&q, DV_QUIZ_MODE, buf));
	CHECK(!dv_quiz_check(&q, DV_QUIZ_MODE, "none"));
	CHECK(dv_quiz_check(&q, DV_QUIZ_STATUS, "NDIS_STATUS_SUCCESS"));
	CHECK(dv_quiz_check(&q, DV_QUIZ_STATUS, "success"));
	CHECK(dv_quiz_check(&q, DV_QUIZ_STATUS, "0"));
	CHECK(!dv_quiz_check(&q, DV_QUIZ_STATUS, "resources"));
	CHECK(dv_quiz_check(&q, DV_QUIZ_BOUNCE, q.bounce ? "YES" : "No"));
	dv_quiz_generate(bad_seed, &q);
	CHECK(dv_quiz_check(&q, DV_QUIZ_STATUS, "NDIS_STATUS_RESOURCES"));
	CHECK(dv_quiz_check(&q, DV_QUIZ_STATUS, "0xC000009A"));
	for (unsigned i = DV_QUIZ_MODE; i < DV_QUIZ_NQUESTIONS; i++)
		CHECK(dv_quiz_check(&q, i, "none"));
	CHECK(!dv_quiz_check(&q, DV_QUIZ_MODE, "0"));
	CHECK_EQ(dv_quiz_find("addr-hi"), DV_QUIZ_ADDR_HI);
	CHECK_EQ(dv_quiz_find("nope"), -1);
}

/* The simulator's answers against the 8237 rules (facts §1.5, §1.7, §1.8). */
static void test_cross_checks(void)
{
	unsigned plain8 = 0, wide = 0, bounced = 0, failed = 0;
	for (uint64_t seed = 0; seed < 400; seed++) {
		struct dv_quiz q;
		CHECK(dv_quiz_generate(seed, &q));
		if (!q.programmed) {
			failed++;
			CHECK(q.busy || q.fault != DV_QUIZ_OK);
			CHECK_EQ(q.status, (int32_t)0xC000009Au);
			continue;
		}
		CHECK(!q.busy && q.fault == DV_QUIZ_OK);
		CHECK_EQ(q.valid + q.residue, q.length);
		uint16_t count = (uint16_t)(q.count_lo | q.count_hi << 8);
		uint16_t addr = (uint16_t)(q.addr_lo | q.addr_hi << 8);
		uint32_t start = q.buf_phys + q.offset;
		/* Bounce exactly when the range cannot be reached in place. */
		bool crosses = q.width16 ? (start >> 17) != ((start + q.length - 1) >> 17) :
		                           (start >> 16) != ((start + q.length - 1) >> 16);
		CHECK_EQ(q.bounce, crosses || start + q.length > 0x1000000u);
		bounced += q.bounce;
		if (!q.width16 && q.place == DV_QUIZ_PLAIN && q.send) {
			plain8++;
			CHECK_EQ(q.mode, (q.demand ? 0x08u : 0x48u) | q.channel);
			CHECK_EQ(count, q.length - 1);
			CHECK_EQ(addr, start & 0xFFFF);
			CHECK_EQ(q.page, start >> 16);
			CHECK(!q.bounce);
		}
		if (!q.width16 && !q.send)
			CHECK_EQ(q.mode, (q.demand ? 0x04u : 0x44u) | q.channel);
		if (q.width16) {
			wide++;
			CHECK_EQ(addr, (q.phys >> 1) & 0xFFFF);
			CHECK_EQ(q.page & 1, 0);
			CHECK_EQ(q.page, (q.phys >> 16) & 0xFE);
			CHECK_EQ(count, q.length / 2 - 1);
			CHECK_EQ(q.mode & 3, q.channel - 4);
			if (!q.bounce)
				CHECK_EQ(q.phys, start);
		}
	}
	/* The generator covers the cases. */
	CHECK(plain8 > 10);
	CHECK(wide > 50);
	CHECK(bounced > 20);
	CHECK(failed > 20);
}

/* The replay (dv_quiz_replay): every answer has the event that gives it, the registers on that
 * frame are the answer, the count goes down to the residue, and the same seed replays the same. */
static void test_replay(void)
{
	unsigned programmed = 0;
	for (uint64_t seed = 0; seed < 200; seed++) {
		struct dv_quiz q;
		struct dv_quiz_replay r, again;
		CHECK(dv_quiz_generate(seed, &q));
		CHECK(dv_quiz_replay(&q, &r));
		CHECK(r.n > 0);
		/* Deterministic, frame for frame. */
		CHECK(dv_quiz_replay(&q, &again));
		CHECK_EQ(again.n, r.n);
		CHECK(again.n == r.n && !memcmp(again.frame, r.frame, r.n * sizeof *r.frame));
		dv_quiz_replay_free(&again);
		long st = dv_quiz_replay_find(&r, DV_QUIZ_STATUS);
		CHECK(st >= 0);
		if (!q.programmed) {
			/* Nothing programmed: only the status has an event, and it says so. */
			for (unsigned i = 1; i < DV_QUIZ_NQUESTIONS; i++)
				CHECK_EQ(dv_quiz_replay_find(&r, i), -1);
			CHECK(st >= 0 && strstr(r.frame[st].text, "RESOURCES") != NULL);
			CHECK_EQ(r.transfers, 0u);
			dv_quiz_replay_free(&r);
			continue;
		}
		programmed++;
		long f[DV_QUIZ_NQUESTIONS];
		for (unsigned i = 0; i < DV_QUIZ_NQUESTIONS; i++) {
			f[i] = dv_quiz_replay_find(&r, i);
			CHECK(f[i] >= 0);
		}
		if (f[DV_QUIZ_VALID] < 0 || f[DV_QUIZ_RESIDUE] < 0 || f[DV_QUIZ_COUNT_HI] < 0 ||
		    f[DV_QUIZ_MODE] < 0 || f[DV_QUIZ_PAGE] < 0 || f[DV_QUIZ_ADDR_HI] < 0 ||
		    f[DV_QUIZ_BOUNCE] < 0) {
			dv_quiz_replay_free(&r);
			continue;
		}
		const struct dv_quiz_frame *fr = r.frame;
		/* The 8237A programmed in order: bounce decision, mode, address, page, count, status. */
		CHECK(f[DV_QUIZ_BOUNCE] < f[DV_QUIZ_MODE]);
		CHECK(f[DV_QUIZ_MODE] < f[DV_QUIZ_ADDR_LO] &&
		      f[DV_QUIZ_ADDR_LO] < f[DV_QUIZ_ADDR_HI]);
		CHECK(f[DV_QUIZ_COUNT_LO] < f[DV_QUIZ_COUNT_HI] && f[DV_QUIZ_COUNT_HI] < st);
		CHECK(st < f[DV_QUIZ_RESIDUE] && f[DV_QUIZ_RESIDUE] < f[DV_QUIZ_VALID]);
		/* Each frame's registers hold its answer, read from the simulator. */
		CHECK_EQ(fr[f[DV_QUIZ_MODE]].mode, q.mode);
		CHECK_EQ(fr[f[DV_QUIZ_ADDR_LO]].base_addr & 0xFF, q.addr_lo);
		CHECK(fr[f[DV_QUIZ_ADDR_LO]].flipflop); /* the low byte went in: high next */
		CHECK_EQ(fr[f[DV_QUIZ_ADDR_HI]].base_addr, (uint16_t)(q.addr_lo | q.addr_hi << 8));
		CHECK(!fr[f[DV_QUIZ_ADDR_HI]].flipflop);
		CHECK_EQ(fr[f[DV_QUIZ_PAGE]].page, q.page);
		CHECK_EQ(fr[f[DV_QUIZ_COUNT_HI]].base_count,
		         (uint16_t)(q.count_lo | q.count_hi << 8));
		CHECK(fr[f[DV_QUIZ_COUNT_HI]].masked); /* programmed masked... */
		CHECK(!fr[st].masked);                 /* ...unmasked before Setup returns */
		CHECK(strstr(fr[f[DV_QUIZ_BOUNCE]].text, q.bounce ? "bounced" : "in place") !=
		      NULL);
		/* The count the residue frame reads: (count + 1) units. */
		uint32_t units = (uint16_t)(fr[f[DV_QUIZ_RESIDUE]].count + 1u);
		CHECK_EQ(units * (q.width16 ? 2u : 1u), q.residue);
		/* Transfers: count down by one each, the last frame of them at the residue. */
		unsigned moved = (q.length - q.residue) / (q.width16 ? 2u : 1u);
		CHECK_EQ(r.transfers, moved);
		long last = -1;
		for (size_t i = 0; i < r.n; i++)
			if (fr[i].transfer) {
				CHECK(fr[i].dreq);
				if (last >= 0)
					CHECK(fr[i].cycle > fr[last].cycle);
				last = (long)i;
			}
		if (moved)
			CHECK(last >= 0 && fr[last].count == fr[f[DV_QUIZ_RESIDUE]].count);
		dv_quiz_replay_free(&r);
	}
	CHECK(programmed > 100);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: test-quiz DMAVIZ GOLDEN-DIR\n");
		return 2;
	}
	dmaviz = argv[1];
	golden_dir = argv[2];
	static const struct check_case cases[] = {
		CHECK_CASE(test_determinism),  CHECK_CASE(test_golden),
		CHECK_CASE(test_answers),      CHECK_CASE(test_checking_values),
		CHECK_CASE(test_cross_checks), CHECK_CASE(test_replay),
	};
	return check_run(cases, (int)(sizeof cases / sizeof cases[0]));
}

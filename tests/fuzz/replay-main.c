/* dmaviz: runs a libFuzzer target without libFuzzer, on every file named on the command line
 * or found in a directory named there (the corpus). Exit status 0 when every input ran (a
 * violated invariant aborts), 1 when there was nothing to run or a file could not be read. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "%s: cannot open\n", path);
		return -1;
	}
	size_t cap = 4096, len = 0;
	uint8_t *buf = malloc(cap);
	while (buf) {
		size_t got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (len < cap)
			break;
		uint8_t *bigger = realloc(buf, cap * 2);
		if (!bigger) {
			free(buf);
			buf = NULL;
			break;
		}
		buf = bigger;
		cap *= 2;
	}
	int bad = ferror(f) || !buf;
	fclose(f);
	if (bad) {
		fprintf(stderr, "%s: cannot read\n", path);
		free(buf);
		return -1;
	}
	printf("%s (%zu bytes)\n", path, len);
	fflush(stdout);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	return 1;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs every regular file in dir, in name order. Returns how many ran, -1 on an error. */
static int run_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d) {
		fprintf(stderr, "%s: cannot open directory\n", dir);
		return -1;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			char **more = realloc(names, cap * sizeof *names);
			if (!more)
				break;
			names = more;
		}
		size_t len = strlen(dir) + 1 + strlen(e->d_name) + 1;
		names[n] = malloc(len);
		if (!names[n])
			break;
		snprintf(names[n], len, "%s/%s", dir, e->d_name);
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof *names, name_cmp);
	int ran = 0, err = 0;
	for (size_t i = 0; i < n; i++) {
		struct stat sb;
		if (stat(names[i], &sb) == 0 && S_ISREG(sb.st_mode)) {
			int r = run_file(names[i]);
			if (r < 0)
				err = 1;
			else
				ran += r;
		}
		free(names[i]);
	}
	free(names);
	return err ? -1 : ran;
}

int main(int argc, char **argv)
{
	int ran = 0, err = 0;
	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIRECTORY...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		struct stat sb;
		int r;
		if (stat(argv[i], &sb) != 0) {
			fprintf(stderr, "%s: no such file or directory\n", argv[i]);
			err = 1;
			continue;
		}
		r = S_ISDIR(sb.st_mode) ? run_dir(argv[i]) : run_file(argv[i]);
		if (r < 0)
			err = 1;
		else
			ran += r;
	}
	if (err || ran == 0) {
		printf("%d inputs ran; %s\n", ran,
		       err ? "some could not be read" : "nothing to run");
		return 1;
	}
	printf("%d inputs ran, every invariant held\n", ran);
	return 0;
}

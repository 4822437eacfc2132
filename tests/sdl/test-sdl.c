/* The SDL2 mode renders a lesson into 1280x720 surfaces with the software renderer (no window,
 * no display): the image is not blank, the 8237A box shows a waiting channel and a
 * transferring one differently, and each render's hash matches tests/sdl/hashes.txt.
 * DV_REGEN=1 meson test -C build --suite sdl rewrites the hashes; look at a screenshot first
 * (dmaviz gui LESSON --screenshot FILE --at STEP). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL_ttf.h>

#include "sdlui.h"

#define W 1280
#define H 720

static int failures;

#define CHECK(c, ...)                                                                      \
	do {                                                                               \
		if (!(c)) {                                                                \
			fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);               \
			fprintf(stderr, __VA_ARGS__);                                      \
			fputc('\n', stderr);                                               \
			failures++;                                                        \
		}                                                                          \
	} while (0)

struct shot {
	unsigned step;
	SDL_Surface *surf;
	uint64_t hash;
};

static uint32_t pixel(SDL_Surface *s, int x, int y)
{
	return ((const uint32_t *)((const uint8_t *)s->pixels + (size_t)y * (size_t)s->pitch))[x] & 0xFFFFFFu;
}

static uint64_t hash_of(SDL_Surface *s)
{
	uint64_t h = 1469598103934665603ull;
	for (int y = 0; y < s->h; y++)
		for (int x = 0; x < s->w; x++) {
			uint32_t p = pixel(s, x, y);
			for (int k = 0; k < 3; k++) {
				h ^= (p >> (8 * k)) & 0xFFu;
				h *= 1099511628211ull;
			}
		}
	return h;
}

static bool render(struct dv_sdl *s, struct shot *sh)
{
	if (!dv_sdl_goto_step(s, sh->step))
		return false;
	sh->surf = SDL_CreateRGBSurfaceWithFormat(0, W, H, 32, SDL_PIXELFORMAT_RGB888);
	if (!sh->surf)
		return false;
	SDL_Renderer *r = SDL_CreateSoftwareRenderer(sh->surf);
	if (!r)
		return false;
	dv_sdl_draw(s, r);
	SDL_RenderPresent(r);
	SDL_DestroyRenderer(r);
	sh->hash = hash_of(sh->surf);
	return true;
}

/* Distinct colours in a coarse sample: a blank or one-colour image has one or two. */
static size_t colours(SDL_Surface *s)
{
	uint32_t seen[64];
	size_t n = 0;
	for (int y = 0; y < s->h; y += 7)
		for (int x = 0; x < s->w; x += 5) {
			uint32_t p = pixel(s, x, y);
			size_t i = 0;
			while (i < n && seen[i] != p)
				i++;
			if (i == n && n < 64)
				seen[n++] = p;
		}
	return n;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: test-sdl LESSON HASHES\n");
		return 2;
	}
	const char *lesson = argv[1], *hashes = argv[2];
	char err[1024];
	struct dv_sdl *s = dv_sdl_open(lesson, err, sizeof err);
	if (!s) {
		fprintf(stderr, "FAIL: %s\n", err);
		return 1;
	}
	/* Step 1: the channel waits for DREQ (no transfer); step 3: the bytes move, and the
	 * channel ends masked at TC. */
	struct shot shots[2] = { { 1, NULL, 0 }, { 3, NULL, 0 } };
	for (int i = 0; i < 2; i++)
		CHECK(render(s, &shots[i]), "render step %u: %s", shots[i].step, SDL_GetError());
	if (failures)
		return 1;
	for (int i = 0; i < 2; i++)
		CHECK(colours(shots[i].surf) > 8, "step %u: the image is (nearly) blank", shots[i].step);
	CHECK(shots[0].hash != shots[1].hash, "steps 1 and 3 render the same image");
	/* Inside the 8237A box, below its text: the fill says masked or transferring. */
	int px = W * 250 / 1000 + 40, py = H * 10 / 100 + H * 30 / 100 - 14;
	uint32_t a = pixel(shots[0].surf, px, py), b = pixel(shots[1].surf, px, py);
	CHECK(a != b, "the 8237A box looks the same waiting (0x%06x) and transferring (0x%06x)", a, b);
	CHECK(((b >> 8) & 0xFF) > ((b >> 16) & 0xFF), "transferring: the 8237A box is not green (0x%06x)", b);

	char want[2][128] = { "", "" };
	FILE *f = fopen(hashes, "r");
	char line[256];
	while (f && fgets(line, sizeof line, f)) {
		unsigned st;
		char hex[64];
		if (line[0] == '#' || sscanf(line, "step %u %63s", &st, hex) != 2)
			continue;
		for (int i = 0; i < 2; i++)
			if (st == shots[i].step)
				snprintf(want[i], sizeof want[i], "%s", hex);
	}
	if (f)
		fclose(f);
	const char *regen = getenv("DV_REGEN");
	if (regen && *regen && strcmp(regen, "0")) {
		f = fopen(hashes, "w");
		CHECK(f != NULL, "cannot write %s", hashes);
		if (f) {
			fprintf(f, "# FNV-1a 64 of the RGB pixels of `dmaviz gui` renders of 03-send at 1280x720.\n"
				   "# DV_REGEN=1 meson test -C build --suite sdl rewrites this file.\n");
			for (int i = 0; i < 2; i++)
				fprintf(f, "step %u %016llx\n", shots[i].step, (unsigned long long)shots[i].hash);
			fclose(f);
			printf("rewrote %s\n", hashes);
		}
	} else {
		for (int i = 0; i < 2; i++) {
			char got[32];
			snprintf(got, sizeof got, "%016llx", (unsigned long long)shots[i].hash);
			CHECK(!strcmp(got, want[i]), "step %u: hash %s, %s has %s (DV_REGEN=1 rewrites it; "
						     "look at a screenshot first)", shots[i].step, got, hashes,
			      want[i][0] ? want[i] : "none");
			if (strcmp(got, want[i])) {
				char path[64];
				snprintf(path, sizeof path, "test-sdl-step%u.bmp", shots[i].step);
				if (SDL_SaveBMP(shots[i].surf, path) == 0)
					fprintf(stderr, "  the render is in %s\n", path);
			}
		}
	}
	for (int i = 0; i < 2; i++)
		SDL_FreeSurface(shots[i].surf);
	dv_sdl_close(s);
	TTF_Quit();
	SDL_Quit();
	if (failures)
		fprintf(stderr, "%d check(s) failed\n", failures);
	else
		printf("ok: 2 renders\n");
	return failures ? 1 : 0;
}

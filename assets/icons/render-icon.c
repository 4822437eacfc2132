/* dmaviz: renders the icon's SVG into a PNG of a given size with SDL2_image (its SVG loader),
 * so the committed PNGs are the SVG's own pixels. `meson compile -C build icons` rewrites
 * assets/icons/dmaviz-64.png and dmaviz-128.png.
 *
 * usage: render-icon IN.svg SIZE OUT.png */
#include <stdio.h>
#include <stdlib.h>

#include <SDL.h>
#include <SDL_image.h>

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: render-icon IN.svg SIZE OUT.png\n");
		return 2;
	}
	int size = atoi(argv[2]);
	SDL_RWops *rw = SDL_RWFromFile(argv[1], "rb");
	SDL_Surface *s = rw ? IMG_LoadSizedSVG_RW(rw, size, size) : NULL;
	if (rw)
		SDL_RWclose(rw);
	if (!s || IMG_SavePNG(s, argv[3]) != 0) {
		fprintf(stderr, "render-icon: %s: %s\n", argv[1], IMG_GetError());
		SDL_FreeSurface(s);
		return 1;
	}
	SDL_FreeSurface(s);
	return 0;
}

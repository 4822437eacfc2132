#!/usr/bin/env bash
# dmaviz: the application layer knows no toolkit: no file under ui/app includes an SDL header or
# one of ui/sdl's, or names an SDL type, so the layouts (classic.c, present.c) stay scenes any
# front end can paint. Exit 0 when the fence holds.
set -u
app=${1:?usage: app-fence.sh APP_DIR SDL_DIR}
sdl=${2:?usage: app-fence.sh APP_DIR SDL_DIR}
[ -d "$app" ] && [ -d "$sdl" ] || { echo "app-fence: no directory $app or $sdl"; exit 2; }
pattern='[<"]SDL[_a-z]*\.h[>"]|\bSDL_[A-Z][A-Za-z]+\b|\bTTF_[A-Z]'
for h in "$sdl"/*.h; do
	pattern="$pattern|[\"/<]$(basename "$h" | sed 's/\./\\./g')[\">]"
done
found=$(grep -rlE "$pattern" "$app" --include='*.c' --include='*.h' --include='meson.build')
if [ -n "$found" ]; then
	echo "app-fence: these files of the application layer reach into SDL or ui/sdl:"
	grep -nE "$pattern" $found
	exit 1
fi
echo "app-fence: no file under $app includes SDL or a ui/sdl header, or names an SDL type"

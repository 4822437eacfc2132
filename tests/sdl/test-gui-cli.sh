#!/bin/sh
# dmaviz gui from the command line: a headless screenshot, and the messages of bad uses.
# usage: test-gui-cli.sh DMAVIZ LESSON
set -u
dmaviz=$1 lesson=$2
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

SDL_VIDEODRIVER=dummy "$dmaviz" gui "$lesson" --screenshot "$tmp/s.bmp" --at 3 || bad "screenshot exit $?"
[ "$(head -c 2 "$tmp/s.bmp" 2>/dev/null)" = BM ] || bad "the screenshot is not a BMP"
size=$(wc -c < "$tmp/s.bmp" 2>/dev/null || echo 0)
[ "$size" -gt 1000000 ] || bad "the screenshot is $size bytes"

"$dmaviz" gui "$lesson" --screenshot "$tmp/x.bmp" --at 99 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "no step 99" "$tmp/err" || bad "--at 99: exit $rc, $(cat "$tmp/err")"

"$dmaviz" gui 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "which lesson" "$tmp/err" || bad "no lesson: exit $rc"

"$dmaviz" gui "$lesson" --bogus 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] || bad "--bogus: exit $rc"

# No display and no dummy driver: the message says what to do.
env -u DISPLAY -u WAYLAND_DISPLAY SDL_VIDEODRIVER=x11 "$dmaviz" gui "$lesson" 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "no display: set DISPLAY, or use --screenshot with SDL_VIDEODRIVER=dummy" "$tmp/err" ||
	bad "no display: exit $rc, $(cat "$tmp/err")"

[ $fail -eq 0 ] && echo "ok: dmaviz gui"
exit $fail

#!/bin/sh
# dmaviz gui from the command line: a headless screenshot, and the messages of bad uses.
# usage: test-gui-cli.sh DMAVIZ LESSON MANPAGE (docs/man/dmaviz-gui.1.scd) [DRIVER-LESSON DRIVER.so]
set -u
dmaviz=$1 lesson=$2 man=$3
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

SDL_VIDEODRIVER=dummy "$dmaviz" gui "$lesson" --screenshot "$tmp/s.bmp" --at 3 || bad "screenshot exit $?"
[ "$(head -c 2 "$tmp/s.bmp" 2>/dev/null)" = BM ] || bad "the screenshot is not a BMP"
size=$(wc -c < "$tmp/s.bmp" 2>/dev/null || echo 0)
[ "$size" -gt 1000000 ] || bad "the screenshot is $size bytes"

# A recording (dmaviz record): the same screenshot as its lesson's, byte for byte; one cut
# short is refused with the file, the offset and the reason.
"$dmaviz" record "$lesson" -o "$tmp/run.dvr" || bad "record exit $?"
SDL_VIDEODRIVER=dummy "$dmaviz" gui "$tmp/run.dvr" --screenshot "$tmp/r.bmp" --at 3 || bad "recording screenshot exit $?"
cmp -s "$tmp/s.bmp" "$tmp/r.bmp" || bad "the recording's screenshot differs from its lesson's"
# With a learner's driver (an exercise's solution): the recording, opened from another
# directory and without the driver, gives the screenshot the lesson run on the driver gives,
# in the middle of step 2, where the window shows the driver's source (from the recording).
if [ $# -ge 5 ]; then
	"$dmaviz" record "$4" --driver "$5" -o "$tmp/drv.dvr" || bad "record --driver exit $?"
	SDL_VIDEODRIVER=dummy "$dmaviz" gui "$4" --driver "$5" --screenshot "$tmp/dl.bmp" --at 2 --play-ms 1500 ||
		bad "driver lesson screenshot exit $?"
	abs=$(cd "$(dirname "$dmaviz")" && pwd)/$(basename "$dmaviz")
	(cd / && SDL_VIDEODRIVER=dummy "$abs" gui "$tmp/drv.dvr" --screenshot "$tmp/dr.bmp" --at 2 --play-ms 1500) ||
		bad "driver recording screenshot exit $?"
	cmp -s "$tmp/dl.bmp" "$tmp/dr.bmp" || bad "the driver's recording's screenshot differs from its lesson's"
fi
head -c 3000 "$tmp/run.dvr" >"$tmp/cut.dvr"
SDL_VIDEODRIVER=dummy "$dmaviz" gui "$tmp/cut.dvr" --screenshot "$tmp/c.bmp" 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "cut.dvr: offset [0-9]*: .*truncated" "$tmp/err" && [ ! -e "$tmp/c.bmp" ] ||
	bad "a cut recording: exit $rc, $(cat "$tmp/err")"

"$dmaviz" gui "$lesson" --screenshot "$tmp/x.bmp" --at 99 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "no step 99" "$tmp/err" || bad "--at 99: exit $rc, $(cat "$tmp/err")"

# A window under the dummy driver would wait for keys forever: refused, with the way out.
timeout 20 "$dmaviz" gui "$lesson" 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "dummy video driver shows no window" "$tmp/err" || bad "window under dummy: exit $rc, $(cat "$tmp/err")"
timeout 20 "$dmaviz" gui 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "dummy video driver" "$tmp/err" || bad "no lesson (the course's first): exit $rc, $(cat "$tmp/err")"

# A PNG when the name says so, and a screenshot in the middle of playing a step.
SDL_VIDEODRIVER=dummy "$dmaviz" gui "$lesson" --screenshot "$tmp/p.png" --at 3 --play-ms 700 --size 640x360 ||
	bad "--play-ms screenshot exit $?"
[ "$(head -c 4 "$tmp/p.png" | od -An -c | tr -d ' ')" = "211PNG" ] || bad "p.png is not a PNG"
"$dmaviz" gui "$lesson" --play-ms 5 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "go with --screenshot" "$tmp/err" || bad "--play-ms alone: exit $rc"
"$dmaviz" gui "$lesson" --size 10x10 --screenshot "$tmp/t.png" 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "between 320x200" "$tmp/err" || bad "--size 10x10: exit $rc"
"$dmaviz" gui --demo --screenshot "$tmp/d.png" 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "not the demo" "$tmp/err" || bad "--demo --screenshot: exit $rc"
"$dmaviz" gui nosuchlesson 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "no lesson 'nosuchlesson'" "$tmp/err" || bad "unknown lesson: exit $rc"
"$dmaviz" gui --help | grep -q -- "--demo" || bad "--help does not mention --demo"

# The man page documents every option --help lists, and both say what --play-ms does: play the
# step as p does, its first moves at the window's default speed and a long step faster after
# them, ending in 12 s (it once said "the demo's pace", which it never was).
for o in $("$dmaviz" gui --help | sed -n 's/^  \(--[a-z-]*\).*/\1/p'); do
	grep -q -- "^\*$o\*" "$man" || bad "the man page does not document $o"
done
"$dmaviz" gui --help | grep -q "at the default speed, 10 a second" &&
	"$dmaviz" gui --help | grep -q "to end in 12 s" || bad "--help does not say --play-ms's pace"
grep -q "window's default speed, 10 a second" "$man" && grep -q "ends in 12 seconds" "$man" ||
	bad "the man page does not say --play-ms's pace"

"$dmaviz" gui "$lesson" --bogus 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] || bad "--bogus: exit $rc"

# No display and no dummy driver: the message says what to do.
env -u DISPLAY -u WAYLAND_DISPLAY SDL_VIDEODRIVER=x11 "$dmaviz" gui "$lesson" 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "no display: set DISPLAY, or use --screenshot with SDL_VIDEODRIVER=dummy" "$tmp/err" ||
	bad "no display: exit $rc, $(cat "$tmp/err")"

[ $fail -eq 0 ] && echo "ok: dmaviz gui"
exit $fail

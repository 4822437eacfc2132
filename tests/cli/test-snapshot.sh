#!/bin/sh
# dmaviz snapshot: SVG (well-formed by xmllint, its elements and words), PNG (with SDL2, else the
# message), the theme, and the messages of bad uses.
# usage: test-snapshot.sh DMAVIZ LESSONS-DIR HAVE-SDL(0|1)
set -u
dmaviz=$1 lessons=$2 have_sdl=$3
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

"$dmaviz" snapshot "$lessons/08-64k.lesson" --at 2 -o "$tmp/a.svg" || bad "svg exit $?"
xmllint --noout "$tmp/a.svg" || bad "a.svg is not well-formed XML"
n=$(grep -c '^<\(rect\|line\|text\) ' "$tmp/a.svg")
[ "$n" -gt 100 ] || bad "a.svg has $n elements"
grep -q '>dmaviz: The 64 KiB boundary<' "$tmp/a.svg" || bad "a.svg has no title"
grep -q 'crosses 0x020000' "$tmp/a.svg" || bad "a.svg does not show the boundary"
grep -q '<svg xmlns="http://www.w3.org/2000/svg" width="1280" height="720"' "$tmp/a.svg" ||
	bad "a.svg is not 1280x720"
# Text is sized from the height: 20 px values at 720, 30 px at 1080.
grep -q 'font-size="20"' "$tmp/a.svg" || bad "no 20 px text at 720 lines"
"$dmaviz" snapshot 08-64k --at 2.1 -o "$tmp/b.svg" --size 1920x1080 --theme light ||
	bad "1080 light exit $?"
grep -q 'font-size="30"' "$tmp/b.svg" || bad "no 30 px text at 1080 lines"
[ "$(grep -m1 "<rect" "$tmp/a.svg")" != "$(grep -m1 "<rect" "$tmp/b.svg")" ] || bad "the light theme has the dark background"
grep -q "text { white-space: pre; }" "$tmp/a.svg" || bad "a.svg lets a browser collapse the spaces that align columns"

# The classic layout: the window's default picture, its boxes and its control row.
"$dmaviz" snapshot 08-64k --at 2 --layout classic -o "$tmp/c.svg" || bad "classic svg exit $?"
xmllint --noout "$tmp/c.svg" || bad "c.svg is not well-formed XML"
n=$(grep -c '^<\(rect\|line\|text\) ' "$tmp/c.svg")
[ "$n" -gt 100 ] || bad "c.svg has $n elements"
for w in '>CPU<' '>Page reg ch' '>Wire / peer station<' '>ISA bus: ' '>play<' '>10/s<'; do
	grep -q "$w" "$tmp/c.svg" || bad "c.svg has no $w"
done
grep -q 'font-size="17"' "$tmp/c.svg" || bad "the classic layout has no 17 px text at 720 lines"
grep -q '>Page reg ch' "$tmp/a.svg" && bad "the presentation layout drew the classic boxes"
"$dmaviz" snapshot 08-64k --at 2 --layout present -o "$tmp/p.svg" || bad "present svg exit $?"
cmp -s "$tmp/a.svg" "$tmp/p.svg" || bad "--layout present is not the default"
"$dmaviz" snapshot send --at 3 --layout round -o "$tmp/x.svg" 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "classic or present" "$tmp/err" || bad "--layout round: exit $rc"

if [ "$have_sdl" = 1 ]; then
	SDL_VIDEODRIVER=dummy "$dmaviz" snapshot send --at 3 -o "$tmp/p.png" --size 640x360 ||
		bad "png exit $?"
	[ "$(head -c 4 "$tmp/p.png" | od -An -c | tr -d ' ')" = "211PNG" ] || bad "p.png is not a PNG"
	SDL_VIDEODRIVER=dummy "$dmaviz" snapshot send --at 3 --layout classic -o "$tmp/c.png" ||
		bad "classic png exit $?"
	[ "$(head -c 4 "$tmp/c.png" | od -An -c | tr -d ' ')" = "211PNG" ] || bad "c.png is not a PNG"
	cmp -s "$tmp/p.png" "$tmp/c.png" && bad "the classic PNG is the presentation's"
else
	"$dmaviz" snapshot send --at 3 -o "$tmp/p.png" 2>"$tmp/err"; rc=$?
	[ $rc -eq 2 ] && grep -q "built without SDL2" "$tmp/err" || bad "png without SDL2: exit $rc"
fi

"$dmaviz" snapshot send -o "$tmp/x.svg" 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "which moment" "$tmp/err" || bad "no --at: exit $rc"
"$dmaviz" snapshot send --at 99 -o "$tmp/x.svg" 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "no step 99" "$tmp/err" || bad "--at 99: exit $rc, $(cat "$tmp/err")"
"$dmaviz" snapshot send --at 3.99 -o "$tmp/x.svg" 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] || bad "--at 3.99: exit $rc"
"$dmaviz" snapshot send --at x -o "$tmp/x.svg" 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "STEP or STEP.BEAT" "$tmp/err" || bad "--at x: exit $rc"
"$dmaviz" snapshot send --at 3 -o "$tmp/x.gif" 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "end in .svg or .png" "$tmp/err" || bad ".gif: exit $rc"
"$dmaviz" snapshot send --at 3 -o "$tmp/x.svg" --size 10x10 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "between 320x200" "$tmp/err" || bad "--size 10x10: exit $rc"
"$dmaviz" snapshot nosuch --at 1 -o "$tmp/x.svg" 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "no lesson 'nosuch'" "$tmp/err" || bad "unknown lesson: exit $rc"
"$dmaviz" snapshot send --at 1 -o "$tmp/no/such/dir/x.svg" 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "cannot write" "$tmp/err" || bad "unwritable: exit $rc"
printf 'lesson broken\nstep "x"\n  bogus line\n' > "$tmp/broken.lesson"
"$dmaviz" snapshot "$tmp/broken.lesson" --at 1 -o "$tmp/x.svg" 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "broken.lesson:3" "$tmp/err" || bad "a broken lesson: exit $rc, $(cat "$tmp/err")"
"$dmaviz" snapshot --help | grep -q -- "--at STEP" || bad "--help does not mention --at"
"$dmaviz" snapshot --help | grep -q -- "--layout classic|present" ||
	bad "--help does not mention --layout"

[ $fail -eq 0 ] && echo "ok: dmaviz snapshot"
exit $fail

#!/usr/bin/env bash
# dmaviz gui in a real X11 window: a smoke test on a private Xvfb server, driven with xdotool.
#
# usage: test-xvfb.sh DMAVIZ LESSON
#
# Starts `Xvfb :N` on a free display, opens `dmaviz gui LESSON --size 1024x640` with the x11
# video driver (cwd: a temporary directory), hovers and clicks once with the mouse, presses
# j j j S, then Esc n Esc y (Esc asks before quitting), and checks that dmaviz exits 0 having
# saved dmaviz-NAME-stepN.png there: a PNG of more than a few KB, with N > 1 (the window opens
# at the first step; j moves one forward).
# Exit 77 (meson: skipped) when Xvfb or xdotool is not installed.
set -u

for tool in Xvfb xdotool; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "SKIP: $tool is not installed (Debian: apt-get install xvfb xdotool)"
		exit 77
	fi
done

# Absolute paths: dmaviz runs in a temporary directory (meson passes a relative DMAVIZ).
dmaviz=$(realpath -- "$1") lesson=$(realpath -- "$2")
timeout_s=20

tmp=$(mktemp -d) || exit 1
xvfb_pid='' app_pid=''
cleanup() {
	# Every exit path: the app (if still there), the X server, the temporary directory.
	[[ -n $app_pid ]] && kill "$app_pid" 2>/dev/null && wait "$app_pid" 2>/dev/null
	[[ -n $xvfb_pid ]] && kill "$xvfb_pid" 2>/dev/null && wait "$xvfb_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'echo "FAIL: interrupted"; exit 1' INT TERM HUP

fail() {
	echo "FAIL: $*"
	if [[ -s $tmp/app.err ]]; then
		echo "--- dmaviz stderr ---"
		cat "$tmp/app.err"
	fi
	exit 1
}

# A free display number: no socket and no lock file. Another server may still take the same
# number between the check and Xvfb's start (Xvfb then exits at once): try the next one.
display=''
for n in $(seq 90 120); do
	[[ -e /tmp/.X11-unix/X$n || -e /tmp/.X$n-lock ]] && continue
	Xvfb ":$n" -screen 0 1280x800x24 -nolisten tcp >"$tmp/xvfb.log" 2>&1 &
	xvfb_pid=$!
	# Ready when a client can connect; 10 s at most.
	for _ in $(seq 100); do
		kill -0 "$xvfb_pid" 2>/dev/null || break
		if DISPLAY=":$n" xdotool getdisplaygeometry >/dev/null 2>&1; then
			display=":$n"
			break
		fi
		sleep 0.1
	done
	[[ -n $display ]] && break
	kill "$xvfb_pid" 2>/dev/null
	wait "$xvfb_pid" 2>/dev/null
	xvfb_pid=''
done
if [[ -z $display ]]; then
	echo "FAIL: no Xvfb server could be started on :90 to :120"
	cat "$tmp/xvfb.log"
	exit 1
fi
export DISPLAY=$display
echo "Xvfb on $DISPLAY (pid $xvfb_pid)"

# LeakSanitizer (the ASan build) reports leaks inside the X11 stack (libdbus and libraries
# SDL loads with dlopen, without symbols) that are not dmaviz's: leak checking is off for this
# test's dmaviz only; the rest of ASAN_OPTIONS (run.sh's abort_on_error) still applies. The
# headless tests (sdl-render, sdl-screenshot) keep the leak check on dmaviz's own code.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0

mkdir "$tmp/cwd"
(cd "$tmp/cwd" && XDG_STATE_HOME="$tmp/state" SDL_VIDEODRIVER=x11 SDL_AUDIODRIVER=dummy \
	exec "$dmaviz" gui "$lesson" --size 1024x640) >"$tmp/app.out" 2>"$tmp/app.err" &
app_pid=$!

# The window, once mapped (SDL selects its input events before it maps the window): 15 s at
# most, and not a moment longer than dmaviz lives.
win=''
for _ in $(seq 30); do
	kill -0 "$app_pid" 2>/dev/null || { wait "$app_pid"; rc=$?; app_pid=''; fail "dmaviz exited ($rc) before its window appeared"; }
	win=$(timeout 0.5 xdotool search --sync --onlyvisible --name '^dmaviz' 2>/dev/null | head -n 1)
	[[ -n $win ]] && break
done
[[ -n $win ]] || fail "no dmaviz window within 15 s"
echo "window $win: $(xdotool getwindowname "$win")"

# The mouse: hover over the diagram (a register's description), then a left click on the title
# line, where there is nothing to click (the click goes through XTEST, as a real one would).
xdotool mousemove --window "$win" 380 82 || fail "xdotool mousemove"
sleep 0.2
xdotool mousemove --window "$win" 600 8 click 1 || fail "xdotool click"
sleep 0.2
kill -0 "$app_pid" 2>/dev/null || fail "dmaviz died after the mouse events"

# Keys: three moves forward (step 1's paragraphs, then step 2), a screenshot (S), then Esc
# and y to quit. The window is gone after y's key press, so xdotool's key release may fail with BadWindow: its
# status is not the test's.
for k in j j j shift+s; do
	xdotool key --window "$win" "$k" || fail "xdotool key $k"
	sleep 0.3
done
# The screenshot is written before the next event is read; wait for it anyway (5 s at most).
for _ in $(seq 50); do
	compgen -G "$tmp/cwd/dmaviz-*-step*.png" >/dev/null && break
	sleep 0.1
done
# Esc asks before quitting: the window stays after Esc, and after n (back); Esc then y quits.
for k in Escape n; do
	xdotool key --window "$win" "$k" || fail "xdotool key $k"
	sleep 0.3
	kill -0 "$app_pid" 2>/dev/null || { wait "$app_pid"; rc=$?; app_pid=''; fail "dmaviz exited ($rc) on $k: Esc must ask first"; }
done
xdotool key --window "$win" Escape || fail "xdotool key Escape"
sleep 0.2
xdotool key --window "$win" y >/dev/null 2>&1

# dmaviz must now exit by itself, with status 0.
rc=''
for _ in $(seq $((timeout_s * 10))); do
	if ! kill -0 "$app_pid" 2>/dev/null; then
		wait "$app_pid"
		rc=$?
		app_pid=''
		break
	fi
	sleep 0.1
done
[[ -n $rc ]] || fail "dmaviz did not exit within $timeout_s s of Esc y (killed)"
[[ $rc -eq 0 ]] || fail "dmaviz exited with status $rc"
# The window records progress as the terminal UI does.
grep -q '^send [1-9]' "$tmp/state/dmaviz/progress" 2>/dev/null ||
	fail "no progress recorded: $(cat "$tmp/state/dmaviz/progress" 2>&1)"

# The saved picture: dmaviz-NAME-stepN.png, NAME the lesson file's name without .lesson.
id=$(basename -- "$lesson" .lesson)
shots=("$tmp"/cwd/dmaviz-*-step*.png)
[[ -e ${shots[0]} ]] || fail "no dmaviz-*-step*.png in the working directory ($(ls "$tmp/cwd"))"
((${#shots[@]} == 1)) || fail "${#shots[@]} screenshots where one was expected: ${shots[*]##*/}"
shot=${shots[0]}
name=${shot##*/}
echo "saved: $name"
[[ $name =~ ^dmaviz-(.+)-step([0-9]+)\.png$ ]] || fail "unexpected screenshot name $name"
shot_id=${BASH_REMATCH[1]} step=${BASH_REMATCH[2]}
[[ $shot_id == "$id" ]] || fail "the screenshot names lesson '$shot_id', not '$id'"
((step > 1)) || fail "the screenshot is of step $step: j did not move forward"
[[ $(head -c 4 "$shot" | od -An -tx1 | tr -d ' \n') == 89504e47 ]] ||
	fail "$name does not start with the PNG signature"
size=$(wc -c <"$shot")
((size > 8192)) || fail "$name is only $size bytes"

echo "ok: dmaviz gui under Xvfb ($name, $size bytes)"
exit 0

#!/bin/sh
# dmaviz: one real-terminal test. Runs the program in a tmux pane (a real terminal emulator:
# escape sequences, the key decoder, endwin), opens a lesson from the menu, steps, quits the
# lesson and the menu, and checks that the terminal came back to the shell; then quits the
# menu with Ctrl-\ and checks the same.
# usage: test-tmux.sh DMAVIZ-BINARY
set -u
command -v tmux >/dev/null 2>&1 || { echo "tmux not installed: skipped"; exit 77; }
bin=$1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/dv-tmux-XXXXXX") || exit 2
sock="dv-test-$$-$(basename "$tmp")" # private server: parallel runs never share one
cleanup() {
	tmux -L "$sock" kill-server 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

fail() {
	echo "FAIL: $1" >&2
	echo "--- the pane:" >&2
	tmux -L "$sock" capture-pane -p -t ui 2>/dev/null >&2
	exit 1
}

# Polls the pane until it shows the fixed string $1, for at most 10 s.
wait_for() {
	deadline=$(( $(date +%s) + 10 ))
	while :; do
		if tmux -L "$sock" capture-pane -p -t ui 2>/dev/null | grep -qF -- "$1"; then
			return 0
		fi
		[ "$(date +%s)" -ge "$deadline" ] && fail "waited 10 s for '$1'"
		sleep 0.05
	done
}

keys() { tmux -L "$sock" send-keys -t ui "$@"; }

# The program runs inside a shell, so that after it exits the pane shows the shell again.
tmux -L "$sock" -f /dev/null new-session -d -s ui -x 100 -y 30 \
	"env TERM=xterm-256color XDG_STATE_HOME='$tmp/state' PS1='dv-shell\$ ' sh -i" || fail "tmux did not start"
wait_for 'dv-shell$'
keys "'$bin'; echo dv-exit-status=\$?" Enter
wait_for 'the course'
wait_for '> [ ] tour'
keys Enter
wait_for 'dmaviz: A tour of the 8237A'
wait_for 'Step 1 of'
# j reveals step 1's paragraphs one by one, then step 2 begins.
n=0
until tmux -L "$sock" capture-pane -p -t ui | grep -qF 'Step 2 of'; do
	n=$((n + 1))
	[ $n -gt 10 ] && fail "ten j did not reach step 2"
	keys j
	sleep 0.1
done
# On to the first question: there, j is held until the question is answered or skipped.
n=0
until tmux -L "$sock" capture-pane -p -t ui | grep -qF 'A question'; do
	n=$((n + 1))
	[ $n -gt 30 ] && fail "thirty j did not reach a question"
	keys j
	sleep 0.1
done
before=$(tmux -L "$sock" capture-pane -p -t ui | head -n 3)
keys j
sleep 0.2
[ "$(tmux -L "$sock" capture-pane -p -t ui | head -n 3)" = "$before" ] || fail "j went past an unanswered question"
keys s
wait_for 'Skipped'
keys q
wait_for 'the course'
wait_for '> [~] tour' # its step was recorded
keys q
wait_for 'dv-exit-status=0'
# Restored: the shell prompt is back and the menu is gone from the screen.
tmux -L "$sock" capture-pane -p -t ui | grep -qF 'the course' && fail "the menu is still on the screen after quitting"
wait_for 'dv-shell$'
grep -q '^tour [0-9]* 0 ?' "$tmp/state/dmaviz/progress" || fail "progress file (a skipped question, not finished): $(cat "$tmp/state/dmaviz/progress" 2>&1)"

# A lesson over 1 MiB: refused before the screen opens, naming the file (exit 2).
{ echo "lesson big"; head -c 1100000 /dev/zero | tr '\0' '#' | fold -w 100; } >"$tmp/big.lesson"
keys "clear; '$bin' '$tmp/big.lesson'; echo dv-big-status=\$?" Enter
wait_for 'dv-big-status=2'
tmux -L "$sock" capture-pane -p -J -t ui | grep -q 'big.lesson.*larger than 1 MiB' || fail "no message naming the file"

# A recording (dmaviz record) opens in the terminal as its lesson does; one cut short is refused
# before the screen opens, naming the file and the offset (exit 2).
"$bin" record send -o "$tmp/run.dvr" >/dev/null 2>&1 || fail "dmaviz record send failed"
keys "clear; '$bin' '$tmp/run.dvr'; echo dv-rec-status=\$?" Enter
wait_for 'dmaviz: Sending a frame with system DMA'
wait_for 'Step 1 of 5'
keys q
wait_for 'dv-rec-status=0'
head -c 3000 "$tmp/run.dvr" >"$tmp/cut.dvr"
keys "clear; '$bin' '$tmp/cut.dvr'; echo dv-cut-status=\$?" Enter
wait_for 'dv-cut-status=2'
tmux -L "$sock" capture-pane -p -J -t ui | grep -q 'cut.dvr: offset [0-9]*: .*truncated' ||
	fail "no message naming the cut recording"

# Ctrl-\ (SIGQUIT) is handled like Ctrl-C: dmaviz dies of the signal (status 128 + 3) only
# after it has left the alternate screen and shown the cursor again. No core file.
pane() { tmux -L "$sock" display -p -t ui "$1"; }
keys "ulimit -c 0; clear; '$bin'; echo dv-quit-status=\$?" Enter
wait_for 'the course'
[ "$(pane '#{alternate_on}')" = 1 ] || fail "the menu is not in the alternate screen"
keys 'C-\'
wait_for 'dv-quit-status=131'
[ "$(pane '#{alternate_on}')" = 0 ] || fail "still in the alternate screen after Ctrl-\\"
[ "$(pane '#{cursor_flag}')" = 1 ] || fail "the cursor is still hidden after Ctrl-\\"
wait_for 'dv-shell$'
echo "ok"

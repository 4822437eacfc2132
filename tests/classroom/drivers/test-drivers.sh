#!/usr/bin/env bash
# Learners' driver modules: loading, isolation (crash, CPU limit) and `dmaviz grade`.
# usage: test-drivers.sh DMAVIZ SRCDIR BUILDDIR GOOD.so CRASH.so LOOP.so NOABI.so WRONGDIR.so EX01TESTS
set -u
dv=$1 src=$2 out=$3 good=$4 crash=$5 loop=$6 noabi=$7 wrongdir=$8 ex01=$9
fail=0
run() { # name, expected status, expected text (grep -E), command...
	local name=$1 want=$2 text=$3
	shift 3
	local rc t0=$SECONDS
	RUN_OUT=$("$@" 2>&1 </dev/null)
	rc=$?
	RUN_TIME=$((SECONDS - t0))
	if [[ $rc != "$want" ]]; then
		echo "not ok - $name: exit $rc, expected $want"; echo "$RUN_OUT" | head -20; fail=1; return 1
	fi
	if ! grep -qE -- "$text" <<<"$RUN_OUT"; then
		echo "not ok - $name: output lacks /$text/"; echo "$RUN_OUT" | head -20; fail=1; return 1
	fi
	echo "ok - $name"
}
lesson=$src/send.lesson

run good-passes 0 '^PASS .*send\.lesson' "$dv" check --driver "$good" "$lesson"
run good-passes-strict 0 '2 passed, 0 failed' "$dv" check --strict --driver "$good" "$src"
# trace runs the learner's driver too, and its events point at the learner's source lines.
# check --output: the output table comes back from the test's child with a learner's driver.
mkdir -p "$out/output-table"
sed 's/^step "Send" id=send$/output-list tx.completed%D1.3.1\noutput\nstep "Send" id=send/' "$lesson" \
	>"$out/output-table/table.lesson"
printf 'run until tx.completed == 1 max 200000\noutput\n' >>"$out/output-table/table.lesson"
run output-table-before 0 '^\|   0 \|$' "$dv" check --output --driver "$good" "$out/output-table/table.lesson"
run output-table-after 0 '^\|   1 \|$' "$dv" check --output --driver "$good" "$out/output-table/table.lesson"
run output-table-tap 0 '^# \|   1 \|$' "$dv" check --tap --output --driver "$good" "$out/output-table/table.lesson"
run trace-with-driver 0 'driver\.c:[0-9]+: NdisMSetupDmaTransfer' "$dv" trace --driver "$good" "$lesson"
run trace-bad-driver 2 'DvDriverAbiVersion' "$dv" trace --driver "$noabi" "$lesson"
run no-driver-is-an-error 2 'none was given|needs a driver' "$dv" check "$lesson"
run crash-fails 1 'send\.lesson:12: your driver crashed with SIGSEGV in Send at driver\.c:[0-9]+ \(its last NDIS call: NdisMRegisterInterrupt at .*driver\.c:[0-9]+\)' \
	"$dv" check --driver "$crash" "$lesson"
# The crash fails its file, and the next file still runs (init.lesson sorts before send.lesson,
# so check them in the other order).
run crash-goes-on 1 'PASS .*init\.lesson' "$dv" check --driver "$crash" "$lesson" "$src/init.lesson"
run loop-fails 1 'driver exceeded 1 s of CPU time' "$dv" check --cpu-limit 1 --driver "$loop" "$lesson"
if (( RUN_TIME > 10 )); then
	echo "not ok - loop-is-stopped-quickly: took ${RUN_TIME}s"; fail=1
else
	echo "ok - loop-is-stopped-quickly (${RUN_TIME}s)"
fi
run loop-default-limit 1 'exceeded 2 s of CPU time' "$dv" check --driver "$loop" "$lesson"
run noabi-exits-2 2 "noabi.*DvDriverAbiVersion" "$dv" check --driver "$noabi" "$lesson"
# A learner's driver runs in its driver host (ui/host), never in dmaviz's process: a crash or
# a loop ends its run at that moment, with a note in the recording the learner can step up to,
# and the command shows the run up to there and says why, naming the learner's line.
run trace-crash-at-its-moment 1 "the learner's driver ended here" "$dv" trace --driver "$crash" "$lesson"
grep -qE 'your driver crashed with SIGSEGV in Send at driver\.c:[0-9]+' <<<"$RUN_OUT" ||
	{ echo "not ok - trace-crash-names-the-line"; echo "$RUN_OUT" | tail -5; fail=1; }
run trace-loop-at-its-moment 1 'your driver exceeded 2 s of CPU time' "$dv" trace --driver "$loop" "$lesson"
run tui-crash-needs-terminal 2 'needs a terminal' "$dv" --driver "$crash" "$lesson"
# The SDL2 window takes --driver too (when this build has it): a headless screenshot of the
# lesson run by the learner's driver, a crashing one included.
if "$dv" gui --help >/dev/null 2>&1; then
	rm -f "$out/gui-crash.png"
	run gui-crash-shown 0 '' \
		env SDL_VIDEODRIVER=dummy "$dv" gui --driver "$crash" "$lesson" --screenshot "$out/gui-crash.png"
	[[ -s $out/gui-crash.png ]] || { echo "not ok - gui did not draw a crashing driver's lesson"; fail=1; }
	rm -f "$out/gui-good.png"
	run gui-good-driver 0 '' env SDL_VIDEODRIVER=dummy "$dv" gui --driver "$good" "$lesson" \
		--screenshot "$out/gui-good.png" --at 2
	[[ $(head -c 4 "$out/gui-good.png" 2>/dev/null | od -An -c | tr -d ' ') == '211PNG' ]] ||
		{ echo "not ok - gui --driver: no PNG"; fail=1; }
	run gui-driver-needs-lesson 2 'needs a lesson' "$dv" gui --demo --driver "$good"
fi
# A driver that runs to the end passes, failed expectations and all: the front end shows them.
run tui-good-preflight 2 'needs a terminal' "$dv" --driver "$good" "$lesson"
sed 's/expect peer.last.ok == 1/expect peer.last.ok == 2/' "$lesson" >"$out/send-fails.lesson"
run trace-failing-is-shown 1 'expect failed: peer.last.ok == 2' "$dv" trace --driver "$good" "$out/send-fails.lesson"
run not-a-driver 2 'cannot load the driver' "$dv" check --driver "$lesson" "$lesson"
run missing-driver 2 'cannot load the driver' "$dv" check --driver "$out/nosuch.so" "$lesson"

# grade: every test against every submission, a table, JUnit.
junit=$out/grade-junit.xml
rm -f "$junit"
if run grade 0 'SUBMISSION' "$dv" grade --cpu-limit 1 --tests "$src" --junit "$junit" \
	"$good" "$crash" "$loop" "$noabi"; then
	grep -qE '^dvdrv-good\.so +PASS +PASS +2/2$' <<<"$RUN_OUT" || { echo "not ok - grade table: good row"; echo "$RUN_OUT"; fail=1; }
	grep -qE '^dvdrv-crash\.so +PASS +FAIL +1/2$' <<<"$RUN_OUT" || { echo "not ok - grade table: crash row"; echo "$RUN_OUT"; fail=1; }
	grep -qE '^dvdrv-loop\.so +FAIL +FAIL +0/2$' <<<"$RUN_OUT" || { echo "not ok - grade table: loop row"; echo "$RUN_OUT"; fail=1; }
	grep -qE '^dvdrv-noabi\.so +FAIL +FAIL +0/2$' <<<"$RUN_OUT" || { echo "not ok - grade table: noabi row"; echo "$RUN_OUT"; fail=1; }
	grep -q 'SIGSEGV' <<<"$RUN_OUT" || { echo "not ok - grade names SIGSEGV"; fail=1; }
	grep -q 'CPU time' <<<"$RUN_OUT" || { echo "not ok - grade names the CPU limit"; fail=1; }
	grep -q "DvDriverAbiVersion" <<<"$RUN_OUT" || { echo "not ok - grade names the missing symbol"; fail=1; }
	if [[ ! -s $junit ]]; then
		echo "not ok - grade wrote no JUnit"; fail=1
	else
		# The crash and the loop fail their tests (<failure>); a module without the ABI symbol
		# cannot be run at all (<error>, counted in errors=).
		n=$(grep -c '<testsuite ' "$junit"); c=$(grep -c '<testcase ' "$junit"); f=$(grep -c '<failure ' "$junit")
		e=$(grep -c '<error ' "$junit")
		if [[ $n == 4 && $c == 8 && $f == 3 && $e == 2 ]] && grep -q 'SIGSEGV' "$junit" &&
			grep -q 'errors="2"' "$junit" && grep -q 'timestamp="' "$junit"; then
			echo "ok - grade JUnit (4 suites, 8 cases, 3 failures, 2 errors)"
		else
			echo "not ok - grade JUnit: $n suites, $c cases, $f failures, $e errors"; cat "$junit"; fail=1
		fi
	fi
fi
# --driver with a lesson that does not run a learner's driver is an error naming its line.
printf 'lesson uses-reference\ndriver reference\nstep "Init"\n  do driver init\n' >"$out/reference.lesson"
run check-driver-reference 2 'reference\.lesson:2: error: --driver .* given, but this lesson runs the reference driver' \
	"$dv" check --driver "$good" "$out/reference.lesson"
run trace-driver-reference 2 'reference\.lesson:2: error: --driver .*reference driver' \
	"$dv" trace --driver "$good" "$out/reference.lesson"
run tui-driver-reference 2 '^dmaviz: .*reference\.lesson:2: error: --driver .*reference driver' \
	"$dv" --driver "$good" "$out/reference.lesson"
# A send set up with WriteToDevice FALSE: the learner reads the rule at their line with its fix,
# and the mode register in hex as the test writes it; no hint about changing the test.
run wrongdir-rule 1 'verifier \(cycle [0-9]+\): dma-direction at .*wrongdir\.c:[0-9]+: .*WriteToDevice FALSE' \
	"$dv" check --driver "$wrongdir" "$ex01/1-one-frame.lesson"
grep -q '^  Fix: pass WriteToDevice TRUE for a send' <<<"$RUN_OUT" || { echo "not ok - wrongdir: no Fix line"; fail=1; }
grep -q 'dma.ch1.mode = 0x05, expected 0x09' <<<"$RUN_OUT" || { echo "not ok - wrongdir: the mode is not in hex"; echo "$RUN_OUT"; fail=1; }
grep -qE "max N|allow " <<<"$RUN_OUT" && { echo "not ok - wrongdir: an author's hint reached the learner"; fail=1; }
# The terminal UI with a learner's driver, in a real terminal (tmux; skipped without it): at
# the end the status names the failed checks, and quitting a failing run exits 1, a passing
# one 0.
tui_quit() { # name, expected status, expected status-line text, driver, lesson
	local name=$1 want=$2 text=$3 drv=$4 les=$5 sock="dv-drv-$$-$1" rc i
	drv=$(realpath "$drv") les=$(realpath "$les")
	local bin
	bin=$(realpath "$dv")
	rm -f "$out/$name.rc"
	tmux -L "$sock" -f /dev/null new-session -d -s ui -x 100 -y 30 \
		"env TERM=xterm-256color XDG_STATE_HOME='$out/$name-state' '$bin' --driver '$drv' '$les' 2>'$out/$name.err'; echo \$? >'$out/$name.rc'; sleep 5" ||
		{ echo "not ok - $name: tmux did not start"; fail=1; return; }
	for ((i = 0; i < 100; i++)); do
		tmux -L "$sock" capture-pane -p -t ui 2>/dev/null | grep -qF 'Step ' && break
		sleep 0.1
	done
	tmux -L "$sock" send-keys -t ui G j
	for ((i = 0; i < 100; i++)); do
		tmux -L "$sock" capture-pane -p -t ui 2>/dev/null | grep -qF "$text" && break
		sleep 0.1
	done
	local pane
	pane=$(tmux -L "$sock" capture-pane -p -t ui 2>/dev/null)
	tmux -L "$sock" send-keys -t ui q
	for ((i = 0; i < 100; i++)); do
		[[ -s $out/$name.rc ]] && break
		sleep 0.1
	done
	tmux -L "$sock" kill-server 2>/dev/null
	rc=$(cat "$out/$name.rc" 2>/dev/null)
	if ! grep -qF "$text" <<<"$pane"; then
		echo "not ok - $name: the screen lacks '$text'"; echo "$pane"; fail=1
	elif [[ $rc != "$want" ]]; then
		echo "not ok - $name: exit '$rc', expected $want"; cat "$out/$name.err"; fail=1
	else
		echo "ok - $name"
	fi
}
if command -v tmux >/dev/null 2>&1; then
	tui_quit tui-failing-run 1 'checks failed (the first at line 14, marked !)' "$wrongdir" \
		"$ex01/1-one-frame.lesson"
	grep -q '^dmaviz: 2 checks failed; the first: .*1-one-frame\.lesson:14: expect failed' \
		"$out/tui-failing-run.err" ||
		{ echo "not ok - tui-failing-run: stderr"; cat "$out/tui-failing-run.err"; fail=1; }
	tui_quit tui-passing-run 0 'The end of the lesson' "$good" "$lesson"
else
	echo "ok - tui-failing-run # SKIP tmux not installed"
fi
# grade: every test parses before any submission runs; a broken one names itself.
mkdir -p "$out/broken-tests"
cp "$lesson" "$out/broken-tests/"
printf 'lesson broken\nstep "x"\n  expect dma.ch1.cont == 1\n' >"$out/broken-tests/zz-broken.tst"
run grade-broken-test 2 'zz-broken\.tst: the test does not parse; nothing was graded' \
	"$dv" grade --tests "$out/broken-tests" "$good"
grep -q '^== ' <<<"$RUN_OUT" && { echo "not ok - grade-broken-test graded a submission"; fail=1; }
# Gradescope's results.json (one submission): a point a test, the hidden tests (--hidden)
# visible after the grades are published, the messages as each test's output; checked with
# python3's json module against the fields of Gradescope's autograder specification.
rm -f "$out/results.json"
run gradescope-writes 0 'SUBMISSION' "$dv" grade --tests "$src" --hidden "$ex01" \
	--gradescope "$out/results.json" "$wrongdir"
if command -v python3 >/dev/null 2>&1; then
	if msg=$(python3 - "$out/results.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1], encoding="utf-8"))
t = r["tests"]
assert len(t) == 4, len(t)
for x in t:
    for k in ("name", "score", "max_score", "status", "visibility", "output"):
        assert k in x, (k, x)
    assert x["max_score"] == 1 and x["score"] == (1 if x["status"] == "passed" else 0), x
    assert x["status"] in ("passed", "failed"), x
vis = [x["visibility"] for x in t]
assert vis == ["visible", "visible", "after_published", "after_published"], vis
assert [x["name"].split(":")[0] for x in t] == ["init.lesson", "send.lesson",
    "1-one-frame.lesson", "2-several.lesson"], [x["name"] for x in t]
# wrongdir initializes, but every send goes the wrong way.
assert [x["status"] for x in t] == ["passed", "failed", "failed", "failed"], t
assert "dma-direction" in t[2]["output"] and "Fix: pass WriteToDevice TRUE" in t[2]["output"]
assert r["score"] == sum(x["score"] for x in t) == 1, r["score"]
assert isinstance(r["execution_time"], (int, float)) and r["stdout_visibility"] == "hidden"
PY
	); then echo "ok - gradescope-json"; else echo "not ok - gradescope-json: $msg"; cat "$out/results.json"; fail=1; fi
else
	echo "ok - gradescope-json # SKIP python3 is not installed"
fi
run gradescope-one-submission 2 'one submission' "$dv" grade --tests "$src" \
	--gradescope "$out/results2.json" "$good" "$wrongdir"
[[ -e $out/results2.json ]] && { echo "not ok - gradescope-one-submission wrote a file"; fail=1; }
run grade-needs-tests 2 'tests DIR' "$dv" grade "$good"
run grade-missing-submission 2 'nosuch' "$dv" grade --tests "$src" "$out/nosuch.so"
run grade-help 0 'usage: dmaviz grade' "$dv" grade --help
exit $fail

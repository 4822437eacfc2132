#!/usr/bin/env bash
# dmaviz command line: exit statuses and messages a teacher's script relies on.
# usage: test-cli.sh DMAVIZ
set -u
dv=$1
fail=0
check() { # name, expected status, expected text (grep -E), command...
	local name=$1 want=$2 text=$3
	shift 3
	local out rc
	out=$("$@" 2>&1 </dev/null)
	rc=$?
	if [[ $rc != "$want" ]]; then
		echo "not ok - $name: exit $rc, expected $want"; echo "$out" | head -5; fail=1; return
	fi
	if ! grep -qE -- "$text" <<<"$out"; then
		echo "not ok - $name: output lacks /$text/"; echo "$out" | head -5; fail=1; return
	fi
	echo "ok - $name"
}
check help 0 'dmaviz COMMAND' "$dv" --help
check version 0 '^dmaviz [0-9]+\.[0-9]+' "$dv" --version
check no-args-in-a-pipe 0 'usage: dmaviz' "$dv"
check unknown-option 2 "unknown option '--frobnicate'" "$dv" --frobnicate
check unknown-lesson 2 "no lesson 'nosuch'" "$dv" nosuch
check lesson-by-id-needs-a-terminal 2 'needs a terminal.*dmaviz check .*03-send\.lesson' "$dv" send
check lesson-by-number-id 2 '03-send\.lesson' "$dv" 03-send
check list 0 'send' "$dv" list
# The help lists every subcommand, and each has its own --help.
for c in check list grade quiz gui trace record keys lesson-help; do
	check "help-lists-$c" 0 "^  $c( |$)" "$dv" --help
	check "help-of-$c" 0 'usage|Usage' "$dv" "$c" --help
done
check list-counts-the-course 0 '16bit' "$dv" list
# Each command's --help is generated from its options table (ui/cli/opts.c): it names each
# option of the table; an unknown option is exit 2 with the command's own usage.
for c in check list grade quiz trace record keys; do
	check "unknown-option-of-$c" 2 "usage: dmaviz $c( |$)" "$dv" "$c" --frobnicate
done
check help-of-check-options 0 '^  --cpu-limit S +CPU seconds' "$dv" check --help
check help-of-check-continued 0 '^                  line \(without it' "$dv" check --help
check help-of-grade-options 0 '^  --tests DIR +the lessons' "$dv" grade --help
check grade-jobs-bad 2 "^dmaviz grade: -j wants a number of submissions at once \(1-256\), not '0'$" \
	"$dv" grade -j 0 --tests x y
# Every option of `grade --help` is in its man page (docs/man/dmaviz-grade.1.scd).
man_src=$(dirname "$0")/../../docs/man/dmaviz-grade.1.scd
for o in $("$dv" grade --help | grep -oE '^  (-[a-z]|--[a-z-]+)' ); do
	if grep -qF -- "*$o*" "$man_src"; then echo "ok - grade-man-has $o"; else
		echo "not ok - grade-man-has $o: not in dmaviz-grade.1.scd"; fail=1; fi
done
check help-of-quiz-options 0 '^  --answers FILE +check a learner' "$dv" quiz --help
check help-of-trace-options 0 '^  --driver FILE\.so +a learner' "$dv" trace --help
check help-of-keys-options 0 '^  --markdown +as the Markdown' "$dv" keys --help
check missing-value 2 '^dmaviz check: --junit needs a file name' "$dv" check --junit
check missing-value-usage 2 '^usage: dmaviz check' "$dv" check --junit
check value-after-equals 2 "unknown format 'xx'" "$dv" trace --format=xx tour
check bad-value-no-usage 2 "^dmaviz grade: --cpu-limit wants whole seconds \(1-3600\), not 'x'$" \
	"$dv" grade --cpu-limit x
check one-lesson-at-a-time 2 "unexpected argument 'b' \(one lesson at a time\)" "$dv" trace a b
check quiz-seed-alias 1 '^dmaviz quiz --seed 7$' "$dv" quiz -s 7 --answers /dev/null

tmp=$(mktemp -d "${TMPDIR:-/tmp}/dv-cli-XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
lacks() { # name, text that must not appear (grep -E), command...
	local name=$1 text=$2
	shift 2
	if "$@" 2>&1 </dev/null | grep -qE -- "$text"; then
		echo "not ok - $name: the output shows /$text/"; fail=1; return
	fi
	echo "ok - $name"
}

# A learner's answers: an id that names no question is an error at its line, before any run.
printf 'lesson qs\nstep "s"\n  ask "Which?" id=mode\n    answer 0x49\n' >"$tmp/qs.lesson"
printf '# answers\nmdoe: 0x49\n' >"$tmp/typo.txt"
check answers-unknown-id 2 "typo\.txt:2: error: no question 'mdoe'" \
	"$dv" check --answers "$tmp/typo.txt" "$tmp/qs.lesson"
printf 'qs/mode: 0x49\nmode: 0x49\n' >"$tmp/ok.txt"
check answers-known-ids 0 '1 passed, 0 failed' "$dv" check --answers "$tmp/ok.txt" "$tmp/qs.lesson"
printf 'other/mode: 0x49\n' >"$tmp/wrong-lesson.txt"
check answers-unknown-lesson 2 "wrong-lesson\.txt:1: error: no question 'other/mode'" \
	"$dv" check --answers "$tmp/wrong-lesson.txt" "$tmp/qs.lesson"
# grade: an answers file with an unknown id is an error at its line before anything is graded
# (the other submissions too: no '== ' header, no table).
mkdir -p "$tmp/qt"
cp "$tmp/qs.lesson" "$tmp/qt/"
check grade-answers-unknown-id 2 "typo\.txt:2: error: no question 'mdoe'" \
	"$dv" grade --tests "$tmp/qt" "$tmp/ok.txt" "$tmp/typo.txt"
check grade-answers-unknown-id-nothing-graded 2 "typo\.txt: nothing was graded" \
	"$dv" grade --tests "$tmp/qt" "$tmp/ok.txt" "$tmp/typo.txt"
out=$("$dv" grade --tests "$tmp/qt" "$tmp/ok.txt" "$tmp/typo.txt" 2>/dev/null)
if grep -qE '^== |SUBMISSION' <<<"$out"; then
	echo "not ok - grade-answers-unknown-id-before-grading: $out"; fail=1
else
	echo "ok - grade-answers-unknown-id-before-grading"
fi
check grade-answers-known-ids 0 "^ok\.txt +PASS +1/1" "$dv" grade --tests "$tmp/qt" "$tmp/ok.txt"
# The table's columns line up by display width, and a name that is not UTF-8 (a Latin-1 file
# name) or holds control characters is shown escaped.
mkdir -p "$tmp/names"
printf 'mode: 0x49\n' >"$tmp/names/Jos$(printf '\303\251').txt"
printf 'mode: 0x48\n' >"$tmp/names/caf$(printf '\351').txt"
printf 'mode: 0x49\n' >"$tmp/names/$(printf '\346\235\261\344\272\254').txt"
printf 'mode: 0x49\n' >"$tmp/names/esc$(printf '\033')[2J.txt"
out=$("$dv" grade --tests "$tmp/qt" "$tmp/names/"*.txt 2>&1)
for row in "Jos$(printf '\303\251').txt        PASS  1/1" 'caf\xe9.txt     FAIL  0/1' \
	"$(printf '\346\235\261\344\272\254').txt        PASS  1/1" 'esc\x1b[2J.txt  PASS  1/1' \
	'SUBMISSION      qs    TOTAL'; do
	if grep -qxF -- "$row" <<<"$out"; then
		echo "ok - grade-table-row $row"
	else
		echo "not ok - grade-table-row '$row' not in:"; echo "$out"; fail=1
	fi
done
grep -q "$(printf '\033')" <<<"$out" && { echo "not ok - grade printed an escape character"; fail=1; }
cp "$tmp/qs.lesson" "$tmp/names/caf$(printf '\351').lesson"
check check-name-escaped 0 '^PASS .*/caf\\xe9\.lesson$' "$dv" check "$tmp/names/caf$(printf '\351').lesson"

# Plain check tells a verifier rule that explains a failure: the rule, the line, the numbers,
# the fix; for the file's author, also how to expect it under --strict.
printf 'lesson v\ndriver none\nbuffer tx at 0x100000 len 60\nstep "s"\n  call NdisMRegisterDmaChannel channel=1 width=8 demand=yes\n  call NdisMSetupDmaTransfer buffer=tx write=yes length=61\n  expect verifier.count == 0\n' >"$tmp/v.lesson"
check verifier-plain-check 1 'v\.lesson:6: verifier \(cycle [0-9]+\): dma-subrange at .*v\.lesson:6: .*\(Buffer ByteCount 60, Offset 0, Length 61, WriteToDevice TRUE\)' \
	"$dv" check "$tmp/v.lesson"
check verifier-plain-check-fix 1 '^  Fix: split the transfer' "$dv" check "$tmp/v.lesson"
check verifier-strict-author 1 "Fix: .*add 'allow dma-subrange'" "$dv" check --strict "$tmp/v.lesson"
# A file that passes shows no notes.
sed 's/expect verifier.count == 0/expect ndis.status == NDIS_STATUS_RESOURCES/' "$tmp/v.lesson" >"$tmp/v2.lesson"
check verifier-passing-file 0 '1 passed, 0 failed' "$dv" check "$tmp/v2.lesson"
lacks verifier-passing-file-quiet 'verifier' "$dv" check "$tmp/v2.lesson"
# trace is for looking: it tells the rule even when the lesson passes.
check verifier-trace 0 'v2\.lesson:6: verifier \(cycle [0-9]+\): dma-subrange at .*Length 61' \
	"$dv" trace "$tmp/v2.lesson"

# Only regular files are read: a FIFO would block the reader forever (hence the timeouts).
mkdir -p "$tmp/l"
mkfifo "$tmp/l/fifo.lesson" "$tmp/l/fifo.cmp"
check check-fifo-lesson 2 'fifo\.lesson: error: not a regular file' \
	timeout 20 "$dv" check "$tmp/l/fifo.lesson"
compare_lesson() { # file, compare-to name
	printf 'lesson c\ncompare-to %s\noutput-list cycle%%D1.4.1\noutput\n' "$2" >"$1"
}
compare_lesson "$tmp/l/fifo-cmp.tst" fifo.cmp
check check-fifo-compare-file 2 "fifo-cmp\.tst:2: error: cannot read the compare file 'fifo\.cmp'" \
	timeout 20 "$dv" check "$tmp/l/fifo-cmp.tst"

# compare-to stays in the lesson's folder: the lines of another file never reach a message.
printf '|SECRET-LINE|\n|SECRET-LINE|\n' >"$tmp/secret.cmp"
printf '|cycle |\n|    0 |\n' >"$tmp/l/good.cmp"
compare_lesson "$tmp/l/good.tst" good.cmp
check compare-inside 0 '1 passed' "$dv" check "$tmp/l/good.tst"
compare_lesson "$tmp/l/abs.tst" "$tmp/secret.cmp"
check compare-absolute 2 \
	"abs\.tst:2:12: error: the compare file '.*secret\.cmp' is outside the lesson's folder" \
	"$dv" check "$tmp/l/abs.tst"
lacks compare-absolute-shows-nothing SECRET "$dv" check "$tmp/l/abs.tst"
compare_lesson "$tmp/l/up.tst" ../secret.cmp
check compare-dotdot 2 "up\.tst:2:12: error: the compare file '\.\./secret\.cmp' is outside" \
	"$dv" check "$tmp/l/up.tst"
lacks compare-dotdot-shows-nothing SECRET "$dv" check "$tmp/l/up.tst"
ln -s ../secret.cmp "$tmp/l/link.cmp"
compare_lesson "$tmp/l/link.tst" link.cmp
check compare-symlink-out 2 "link\.tst:2: error: cannot read the compare file 'link\.cmp'" \
	"$dv" check "$tmp/l/link.tst"
lacks compare-symlink-out-shows-nothing SECRET "$dv" check "$tmp/l/link.tst"

# The progress file ($XDG_STATE_HOME/dmaviz/progress), through the terminal UI in a pseudo-
# terminal (script(1), util-linux): open the tour, quit with q a moment later.
in_pty() { # XDG_STATE_HOME
	(sleep 1; printf q) | XDG_STATE_HOME=$1 TERM=xterm-256color timeout 20 \
		script -qefc "'$dv' tour" /dev/null
}
if command -v script >/dev/null 2>&1; then
	mkdir -p "$tmp/s1/dmaviz" "$tmp/s2/dmaviz"
	mkfifo "$tmp/s1/dmaviz/progress"
	check progress-fifo 0 'progress file .*progress is not a regular file' in_pty "$tmp/s1"
	if [[ -p $tmp/s1/dmaviz/progress ]]; then echo "ok - progress-fifo-left-alone"
	else echo "not ok - progress-fifo-left-alone: the FIFO was replaced"; fail=1; fi

	# Temporary files of dmaviz processes killed while saving: the dead ones' go, a live
	# process's (this shell's) stays.
	dead=()
	for k in 1 2 3; do
		sh -c 'exit 0' &
		dead+=($!)
		wait $!
	done
	for p in "${dead[@]}" $$; do : >"$tmp/s2/dmaviz/progress.tmp$p"; done
	check progress-saved 0 'Step 1 of' in_pty "$tmp/s2"
	left=$(cd "$tmp/s2/dmaviz" && LC_ALL=C ls)
	if [[ $left == "progress"$'\n'"progress.tmp$$" ]] &&
		grep -q '^tour ' "$tmp/s2/dmaviz/progress"; then
		echo "ok - progress-stale-temps-removed"
	else
		echo "not ok - progress-stale-temps-removed: left" $left; fail=1
	fi
else
	echo "ok - progress-file # SKIP script(1) is missing"
fi

# The README's key table is the one the program uses.
readme=$(dirname "$0")/../../README.md
table=$(sed -n '/^<!-- generated by `dmaviz keys --markdown`/,/^<!-- end of generated key table -->/p' "$readme" | sed '1d;$d')
if [[ $table == "$("$dv" keys --markdown)" ]]; then
	echo "ok - readme-key-table"
elif [[ ${DV_REGEN:-0} != 0 ]]; then
	# DV_REGEN=1 meson test -C build cli rewrites the table between its two markers.
	new=$(mktemp)
	awk -v dv="$dv" '
		/^<!-- end of generated key table -->/ { skip = 0 }
		!skip { print }
		/^<!-- generated by `dmaviz keys --markdown`/ { system(dv " keys --markdown"); skip = 1 }
	' "$readme" >"$new" && cat "$new" >"$readme"
	rm -f "$new"
	echo "ok - readme-key-table # rewritten"
else
	echo "not ok - readme-key-table: README.md's key table differs from 'dmaviz keys --markdown' (DV_REGEN=1 rewrites it)"; fail=1
fi
check keys 0 'j Space Down Right' "$dv" keys
check keys-bad-argument 2 "unknown argument" "$dv" keys --frob
# The language's help is its keyword table: every statement, with its synopsis.
check lesson-help 0 '^  action +run N \[cycles\] \| run until CONDITION' "$dv" lesson-help
check lesson-help-bad-argument 2 "unknown argument" "$dv" lesson-help --frob

# A lesson over 1 MiB: every command that opens a lesson refuses it the same way.
big=$tmp/big.lesson
{ echo "lesson big"; head -c 1100000 /dev/zero | tr '\0' '#' | fold -w 100; echo; } >"$big"
check too-large-check 2 "big\.lesson.*larger than 1 MiB" "$dv" check "$big"
check too-large-trace 2 "big\.lesson.*larger than 1 MiB" "$dv" trace "$big"
if "$dv" gui --help >/dev/null 2>&1; then
	check too-large-gui 2 "big\.lesson.*larger than 1 MiB" env SDL_VIDEODRIVER=dummy "$dv" gui "$big" --screenshot "$big.png"
fi
# Themes (assets/themes): a name or a file; one that does not load is a warning with its
# file:line, and the terminal UI goes on with the default (here: to its "needs a terminal").
check theme-by-name 2 'needs a terminal' "$dv" --theme light send
check theme-after-lesson 2 'needs a terminal.*03-send' "$dv" send --theme=colour-blind
check theme-contrast-alias 2 'needs a terminal' "$dv" --contrast send
check theme-unknown 2 "no theme 'nosuch'.*using the dark theme" "$dv" --theme nosuch send
printf 'name = bad\nwindow.bg = #12\n' >"$tmp/bad.theme"
check theme-bad-file 2 "bad\.theme:2: '#12': a window colour is #rrggbb; using the dark theme" \
	"$dv" --theme "$tmp/bad.theme" send
check theme-needs-value 2 '--theme needs a value' "$dv" send --theme
check theme-in-help 0 '--theme NAME\|FILE' "$dv" --help
# check --output prints a file's output table under its result (TAP: as comments).
printf 'lesson c\noutput-list cycle%%D1.4.1\noutput\nrun 5\noutput\n' >"$tmp/table.tst"
check output-table 0 '^\|    5 \|$' "$dv" check --output "$tmp/table.tst"
check output-table-tap 0 '^# \|cycle \|$' "$dv" check --tap --output "$tmp/table.tst"
lacks output-table-only-when-asked '^\|' "$dv" check "$tmp/table.tst"
# Recordings: record writes one, trace reads it without running anything and writes what the
# lesson gives; a cut, corrupt or other-version file is exit 2 with its file and offset.
check record-needs-output 2 'no recording to write: give -o RUN\.dvr' "$dv" record tour
check record-writes 0 '' "$dv" record tour -o "$tmp/tour.dvr"
"$dv" trace tour -f jsonl >"$tmp/tour.jsonl" 2>/dev/null
check trace-of-a-recording 0 '' cmp "$tmp/tour.jsonl" <("$dv" trace "$tmp/tour.dvr" -f jsonl)
check trace-of-a-recording-vcd 0 '' cmp <("$dv" trace tour -f vcd --wires) \
	<("$dv" trace "$tmp/tour.dvr" -f vcd --wires)
check record-of-a-recording 2 'tour\.dvr is a recording already' "$dv" record "$tmp/tour.dvr" \
	-o "$tmp/again.dvr"
check recording-needs-no-driver 2 'tour\.dvr is a recording: it needs no --driver' \
	"$dv" trace "$tmp/tour.dvr" --driver x.so
head -c 3000 "$tmp/tour.dvr" >"$tmp/cut.dvr"
check recording-cut 2 'cut\.dvr: offset [0-9]+: .*truncated' "$dv" trace "$tmp/cut.dvr"
# Cut inside its magic (or empty), a file named .dvr is still refused as a recording, not
# parsed as a lesson ("unknown statement 'DVREC'").
head -c 5 "$tmp/tour.dvr" >"$tmp/cut5.dvr"
check recording-cut-in-magic 2 'cut5\.dvr: offset 0: not a dmaviz recording' "$dv" trace "$tmp/cut5.dvr"
: >"$tmp/empty.dvr"
check recording-empty 2 'empty\.dvr: offset 0: not a dmaviz recording' "$dv" trace "$tmp/empty.dvr"
cp "$tmp/tour.dvr" "$tmp/flip.dvr"
printf '\x41' | dd of="$tmp/flip.dvr" bs=1 seek=5000 conv=notrunc 2>/dev/null
check recording-corrupt 2 'flip\.dvr: offset [0-9]+: the checksum does not match' \
	"$dv" trace "$tmp/flip.dvr"
cp "$tmp/tour.dvr" "$tmp/v9.dvr"
printf '\x09' | dd of="$tmp/v9.dvr" bs=1 seek=8 conv=notrunc 2>/dev/null
check recording-version 2 'v9\.dvr: offset 8: recording format version 9' "$dv" trace "$tmp/v9.dvr"
check recording-needs-a-terminal 2 'to read a recording without one, use: dmaviz trace .*tour\.dvr' \
	"$dv" "$tmp/tour.dvr"
check wires-needs-vcd 2 '--wires is for --format vcd' "$dv" trace tour --wires
# An output that is not a regular file (/dev/null, a FIFO) is written in place: writing a
# temporary file and renaming it over the name would replace the device or the FIFO (as root,
# `-o /dev/null` once turned /dev/null into a plain file). A FIFO stands in for the device.
for c in trace record; do
	mkfifo "$tmp/fifo-$c"
	timeout 20 cat "$tmp/fifo-$c" >"$tmp/from-fifo-$c" &
	reader=$!
	check "$c-to-a-fifo" 0 '' timeout 20 "$dv" "$c" tour -o "$tmp/fifo-$c"
	wait "$reader"
	if [[ -p $tmp/fifo-$c && -s $tmp/from-fifo-$c ]]; then
		echo "ok - $c-to-a-fifo-stays-a-fifo"
	else
		echo "not ok - $c-to-a-fifo-stays-a-fifo: the FIFO was replaced or got nothing"; fail=1
	fi
done
exit $fail

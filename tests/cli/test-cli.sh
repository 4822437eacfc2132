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
for c in check list grade quiz gui trace keys lesson-help; do
	check "help-lists-$c" 0 "^  $c( |$)" "$dv" --help
	check "help-of-$c" 0 'usage|Usage' "$dv" "$c" --help
done
check list-counts-the-course 0 '16bit' "$dv" list
# Each command's --help is generated from its options table (ui/cli/opts.c): it names each
# option of the table; an unknown option is exit 2 with the command's own usage.
for c in check list grade quiz trace keys; do
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

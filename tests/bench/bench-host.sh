#!/usr/bin/env bash
# dmaviz benchmark: what the driver host costs a learner's driver. Exercise 01's solution is
# graded against its tests (visible and hidden), and one of its lessons is traced (what the
# terminal UI and the window do when they open it); with BEFORE (a dmaviz that loads drivers
# in its own process, e.g. a build of 7b5e458) the same is timed there too. Then frames (sent
# frames, not drawn ones: no drawn frame calls the driver, bench-sdl) per second: frames.lesson
# sends 200 through exercise 01's solution in its host, and through the reference miniport in
# dmaviz's own process (the same file with `driver reference`), with `check` and `trace` (not
# with BEFORE: 7b5e458 sends at most 32 packets a run).
# Prints figures; asserts nothing timed.
# usage: bench-host.sh DMAVIZ EXERCISE_DIR SOLUTION.so [BEFORE_DMAVIZ]
set -euo pipefail
dmaviz=$1 exdir=$2 so=$3 before=${4:-}
runs=5
now() { date +%s%N; }
secs() { awk -v ns="$1" -v n="$2" 'BEGIN { printf "%.3f", ns / n / 1e9 }'; }
tests=$(mktemp -d)
trap 'rm -rf "$tests"' EXIT
cp "$exdir"/tests/*.lesson "$exdir"/hidden/*.lesson "$tests/"
n=$(ls "$tests" | wc -l)
one=$(ls "$exdir"/hidden/*.lesson | tail -1)
calls=$("$dmaviz" trace --driver "$so" "$one" | grep -c ': Ndis' || true)
measure() { # label, dmaviz
	local dv=$2 t0 t1
	t0=$(now)
	for _ in $(seq "$runs"); do "$dv" grade --tests "$tests" "$so" >/dev/null; done
	t1=$(now)
	echo "$1 grade-s-per-submission: $(secs $((t1 - t0)) "$runs") ($n tests, mean of $runs)"
	t0=$(now)
	for _ in $(seq "$runs"); do "$dv" trace --driver "$so" "$one" >/dev/null; done
	t1=$(now)
	echo "$1 trace-s $(basename "$one"): $(secs $((t1 - t0)) "$runs") ($calls traced NDIS calls, mean of $runs)"
}
frames() { # label, dmaviz, command, lesson, driver options...
	local label=$1 dv=$2 cmd=$3 lesson=$4 t0 t1
	shift 4
	t0=$(now)
	for _ in $(seq "$runs"); do "$dv" "$cmd" "$@" "$lesson" >/dev/null; done
	t1=$(now)
	awk -v ns=$((t1 - t0)) -v r="$runs" -v l="$label" -v c="$cmd" 'BEGIN {
		printf "%s %s-frames-per-s: %.0f (200 frames in %.3f s, mean of %d)\n", l, c,
			200 * r * 1e9 / ns, ns / r / 1e9, r }'
}
measure after "$dmaviz"
[[ -n $before ]] && measure before "$before"
lesson=$(dirname "$0")/frames.lesson
reference=$tests/frames-reference.lesson
sed 's/^driver file$/driver reference/' "$lesson" >"$reference"
for cmd in check trace; do
	frames "learner's driver (host)" "$dmaviz" "$cmd" "$lesson" --driver "$so"
	frames "reference (in-process)" "$dmaviz" "$cmd" "$reference"
done
exit 0

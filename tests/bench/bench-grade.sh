#!/usr/bin/env bash
# dmaviz benchmark: `dmaviz grade` of the exercise solutions (lessons/exercises/). Each solution is
# graded against its own exercise's tests (visible and hidden), then all of them at once against
# the pooled tests, as a class of submissions would be. Prints seconds per submission; asserts
# nothing timed. usage: bench-grade.sh DMAVIZ EXERCISES_DIR NAME=SOLUTION.so...
set -euo pipefail
dmaviz=$1
exdir=$2
shift 2
now() { date +%s%N; }
secs() { awk -v ns="$1" -v n="$2" 'BEGIN { printf "%.3f", ns / n / 1e9 }'; }
pool=$(mktemp -d)
trap 'rm -rf "$pool"' EXIT
runs=3
sols=()
for arg in "$@"; do
  ex=${arg%%=*} so=${arg#*=}
  sols+=("$so")
  tests=$(mktemp -d -p "$pool")
  for f in "$exdir/$ex"/tests/*.lesson "$exdir/$ex"/hidden/*.lesson; do
    [[ -e $f ]] || continue
    cp "$f" "$tests/"
    cp "$f" "$pool/$ex-$(basename "$f")"
  done
  n=$(ls "$tests" | wc -l)
  t0=$(now)
  for _ in $(seq "$runs"); do "$dmaviz" grade --tests "$tests" "$so" >/dev/null; done
  t1=$(now)
  echo "grade-s-per-submission $ex: $(secs $((t1 - t0)) "$runs") ($n tests, mean of $runs runs)"
done
n=$(ls "$pool"/*.lesson | wc -l)
junit=$pool/junit.xml
t0=$(now)
"$dmaviz" grade --tests "$pool" --junit "$junit" "${sols[@]}" >/dev/null
t1=$(now)
echo "grade-class-s: $(secs $((t1 - t0)) 1) (${#sols[@]} submissions x $n tests, with JUnit)"
echo "grade-class-s-per-submission: $(secs $((t1 - t0)) ${#sols[@]})"

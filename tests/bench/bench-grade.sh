#!/usr/bin/env bash
# dmaviz benchmark: `dmaviz grade` of the exercise solutions (lessons/exercises/). Each solution is
# graded against its own exercise's tests (visible and hidden), then all of them at once against
# the pooled tests, as a class of submissions would be; then a class of 50 copies of exercise
# 01's solution, one submission at a time (-j 1) and two at once (-j 2). With DMAVIZ_BASE set
# to another build's dmaviz (e.g. main before the sandbox, built in its own worktree), the
# per-submission and class figures are measured for it too, in the same run. Prints seconds;
# asserts nothing timed. usage: bench-grade.sh DMAVIZ EXERCISES_DIR NAME=SOLUTION.so...
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
  for dv in "$dmaviz" ${DMAVIZ_BASE:+"$DMAVIZ_BASE"}; do
    tag=; [[ $dv == "${DMAVIZ_BASE:-}" ]] && tag=" (base)"
    t0=$(now)
    for _ in $(seq "$runs"); do "$dv" grade --tests "$tests" "$so" >/dev/null; done
    t1=$(now)
    echo "grade-s-per-submission $ex$tag: $(secs $((t1 - t0)) "$runs") ($n tests, mean of $runs runs)"
  done
done
n=$(ls "$pool"/*.lesson | wc -l)
junit=$pool/junit.xml
t0=$(now)
"$dmaviz" grade --tests "$pool" --junit "$junit" "${sols[@]}" >/dev/null
t1=$(now)
echo "grade-class-s: $(secs $((t1 - t0)) 1) (${#sols[@]} submissions x $n tests, with JUnit)"
echo "grade-class-s-per-submission: $(secs $((t1 - t0)) ${#sols[@]})"

# A class of 50: exercise 01's solution under 50 names, its visible and hidden tests.
ex01=
for arg in "$@"; do [[ ${arg%%=*} == 01-send ]] && ex01=${arg#*=}; done
if [[ -n $ex01 ]]; then
  class=$(mktemp -d -p "$pool")
  mkdir "$class/tests"
  cp "$exdir"/01-send/tests/*.lesson "$exdir"/01-send/hidden/*.lesson "$class/tests/"
  for i in $(seq -w 1 50); do cp "$ex01" "$class/s$i.so"; done
  time_class() { # label, dmaviz, grade options...
    local label=$1 dv=$2
    shift 2
    local t0 t1
    t0=$(now)
    "$dv" grade "$@" --tests "$class/tests" "$class"/s*.so >"$class/out" 2>&1
    t1=$(now)
    echo "grade-class-50-s $label: $(secs $((t1 - t0)) 1) ($(secs $((t1 - t0)) 50) s a submission," \
      "$(grep -c ' 4/4$' "$class/out") of 50 at 4/4)"
  }
  time_class "-j 1" "$dmaviz" -j 1
  time_class "-j 2" "$dmaviz" -j 2
  [[ -n ${DMAVIZ_BASE:-} ]] && time_class "base, serial" "$DMAVIZ_BASE"
fi

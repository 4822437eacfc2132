#!/usr/bin/env bash
# dmaviz benchmark: time of `dmaviz check` over the whole lesson catalog, and per lesson (the
# slowest named). Prints figures; asserts nothing timed. usage: bench-check.sh DMAVIZ LESSONS_DIR
set -euo pipefail
dmaviz=$1
dir=$2
now() { date +%s%N; }
runs=5
t0=$(now)
for _ in $(seq "$runs"); do "$dmaviz" check "$dir" >/dev/null; done
t1=$(now)
echo "catalog-check-ms: $(( (t1 - t0) / runs / 1000000 )) (mean of $runs runs, $(ls "$dir"/*.lesson | wc -l) lessons)"
slow_ms=0
slow=""
for f in "$dir"/*.lesson; do
  a=$(now)
  "$dmaviz" check "$f" >/dev/null
  b=$(now)
  ms=$(( (b - a) / 1000000 ))
  echo "lesson-ms $(basename "$f"): $ms"
  if (( ms > slow_ms )); then slow_ms=$ms; slow=$(basename "$f"); fi
done
echo "slowest-lesson: $slow ($slow_ms ms)"

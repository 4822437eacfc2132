#!/usr/bin/env bash
# Checks one exercise (lessons/exercises/meson.build): the reference solution passes the visible
# tests and the hidden ones (exit 0), and the skeleton fails the visible tests and, when there
# are any, the hidden ones (exit 1: a test failed, not a load or parse error, which would be 2;
# a hidden test that parses wrongly or passes on the skeleton grades nothing).
# usage: check-exercise.sh DMAVIZ EXERCISE-DIR SOLUTION.so SKELETON.so
set -u
dv=$1 dir=$2 sol=$3 skel=$4
fail=0
dirs=("$dir/tests")
[[ -d $dir/hidden ]] && dirs+=("$dir/hidden")
out=$("$dv" check --strict --driver "$sol" "${dirs[@]}" 2>&1 </dev/null)
rc=$?
if [[ $rc == 0 ]]; then
	echo "ok - solution passes ${dirs[*]##*/}"
else
	echo "not ok - solution: exit $rc, expected 0"; echo "$out"; fail=1
fi
out=$("$dv" check --driver "$skel" "$dir/tests" 2>&1 </dev/null)
rc=$?
if [[ $rc == 1 ]]; then
	echo "ok - skeleton fails its tests"
else
	echo "not ok - skeleton: exit $rc, expected 1"; echo "$out"; fail=1
fi
if [[ -d $dir/hidden ]]; then
	out=$("$dv" check --driver "$skel" "$dir/hidden" 2>&1 </dev/null)
	rc=$?
	if [[ $rc == 1 ]]; then
		echo "ok - skeleton fails the hidden tests"
	else
		echo "not ok - skeleton on hidden/: exit $rc, expected 1"; echo "$out"; fail=1
	fi
	# Every hidden test must fail on its own, not just one of them.
	for f in "$dir"/hidden/*.lesson; do
		"$dv" check --driver "$skel" "$f" >/dev/null 2>&1 </dev/null
		rc=$?
		[[ $rc == 1 ]] || { echo "not ok - skeleton on ${f##*/}: exit $rc, expected 1"; fail=1; }
	done
fi
exit $fail

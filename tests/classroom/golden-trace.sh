#!/bin/sh
# Golden `dmaviz trace` output: runs DMAVIZ trace LESSON --format FORMAT twice, asserts the two
# are byte-identical, and compares with EXPECTED. DV_REGEN=1 rewrites EXPECTED instead.
# usage: golden-trace.sh DMAVIZ LESSON FORMAT EXPECTED
set -u
dmaviz=$1 lesson=$2 format=$3 expected=$4
tmp=${TMPDIR:-/tmp}/dmaviz-golden-$$
trap 'rm -f "$tmp".1 "$tmp".2' EXIT
"$dmaviz" trace "$lesson" --format "$format" >"$tmp".1 || { echo "dmaviz trace failed ($?)" >&2; exit 1; }
"$dmaviz" trace "$lesson" --format "$format" -o "$tmp".2 || { echo "dmaviz trace -o failed ($?)" >&2; exit 1; }
if ! cmp -s "$tmp".1 "$tmp".2; then
	echo "two runs of $lesson ($format) differ (stdout vs -o)" >&2
	exit 1
fi
case ${DV_REGEN:-0} in
0 | '') ;;
*)
	cp "$tmp".1 "$expected" && echo "rewrote $expected"
	exit $?
	;;
esac
if ! cmp -s "$tmp".1 "$expected"; then
	echo "$expected: the trace differs from the golden file; review with DV_REGEN=1 and git diff" >&2
	diff "$expected" "$tmp".1 | head -20 >&2
	exit 1
fi
echo "ok: $(wc -l <"$expected") lines"

#!/usr/bin/env bash
# The DDK-style miniport (src/miniport/irsim.c), built as C and as C++: each module loads with
# no line of dmaviz's in it and passes all four exercises' visible and hidden tests (--strict;
# 01-send and 03-staging configure it with their lessons' `config` words: Receive=0 and
# CopyThreshold), the turnaround lesson, whose timer fires on the simulated clock, and the
# requests lesson (MiniportQueryInformation, MiniportSetInformation, MiniportCheckForHang
# called across the host's boundary).
# usage: test-ddk.sh DMAVIZ SRCDIR EXERCISES MODULE...
set -u
dv=$1 src=$2 ex=$3
shift 3
n=0 fail=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
bad() { n=$((n + 1)); echo "not ok $n - $1"; fail=1; }
for mod in "$@"; do
	name=${mod##*/}
	out=$("$dv" check --strict --driver "$mod" "$ex"/0*/tests "$ex"/0*/hidden \
		"$src/turnaround.lesson" "$src/requests.lesson" 2>&1 </dev/null)
	rc=$?
	if [[ $rc == 0 ]] && grep -q '^16 passed, 0 failed$' <<<"$out"; then
		ok "$name passes all four exercises, the turnaround and the requests lessons"
	else
		bad "$name: exit $rc"; sed 's/^/# /' <<<"$out" | tail -20
	fi
	# The checked build's DbgPrint reaches standard error; the free build prints nothing.
	if [[ $name == *cxx* ]]; then
		if grep -q '^irsim:' <<<"$out"; then bad "$name (DBG=0) printed"; else ok "$name is quiet"; fi
	elif grep -q '^irsim: ready at port 0x300, IRQ 5, DMA channel 1$' <<<"$out"; then
		ok "$name's DbgPrint under DBG reaches standard error"
	else
		bad "$name: no DbgPrint output"; sed 's/^/# /' <<<"$out" | head -5
	fi
	# The trace names the new calls at the driver's lines.
	out=$("$dv" trace --driver "$mod" "$src/turnaround.lesson" 2>/dev/null </dev/null)
	for call in NdisMSynchronizeWithInterrupt NdisMSetTimer NdisMIndicateStatus; do
		if grep -qE "irsim\.c(pp)?:[0-9]+: $call" <<<"$out"; then
			ok "$name: the trace shows $call at its line"
		else
			bad "$name: no $call in the trace"
		fi
	done
	grep -q 'MiniportTimer' <<<"$out" && ok "$name: the timer's DPC is in the trace" ||
		bad "$name: no MiniportTimer in the trace"
done
echo "1..$n"
exit $fail

#!/usr/bin/env bash
# dmaviz: a learner's driver in its driver host (ui/host): every attack of attack.c fails its
# test with a reason that names it, never passes; a read of DMA memory is told as such.
# usage: test-host.sh DMAVIZ DRIVERS_SRCDIR BUILDDIR  (TAP)
set -u
dv=$1 src=$2 out=$3
lesson=$src/send.lesson
n=0 fail=0
t() { # name, expected status, expected text (grep -E), attack
	local name=$1 want=$2 text=$3 mod=$out/attack-$4.so rc outp
	n=$((n + 1))
	outp=$("$dv" check --driver "$mod" "$lesson" 2>&1 </dev/null)
	rc=$?
	if [[ $rc != "$want" ]] || ! grep -qE -- "$text" <<<"$outp"; then
		echo "not ok $n - $name (exit $rc, expected $want and /$text/)"
		sed 's/^/# /' <<<"$outp" | head -8
		fail=1
	else
		echo "ok $n - $name"
	fi
}
echo "1..14"
t dma-read 1 'send\.lesson:12: your driver read DMA memory at VA 0x8[0-9a-f]{7} directly: use NdisMoveMemory \(SIGSEGV in AttackSend at attack\.c:[0-9]+; its last NDIS call: NdisQueryBuffer\)' dma-read
t exit-mid-run 1 'send\.lesson:12: your driver ended its own process with exit\(0\) \(its last NDIS call: NdisMRegisterInterrupt at .*driver\.c:[0-9]+\)' exit
t exit-in-constructor 2 'attack-exit-ctor\.so: the driver ended its own process with exit\(0\) \(before any NDIS call\)' exit-ctor
t patch-the-verdict 1 'FAIL .*send\.lesson' patch
t exec 1 'your driver made a system call the driver host forbids \(execve\) .*: a driver only calls NDIS' exec
t fork 1 'forbids \((clone|clone3|fork)\) in AttackSend at attack\.c:[0-9]+' fork
t socket 1 'forbids \(socket\) in AttackSend at attack\.c:[0-9]+ \(through a library function\)' socket
t open-a-file 1 'forbids \(openat\)' open
t raise-rlimits 1 'forbids \((prlimit64|setrlimit)\)' rlimit
# A loop that keeps calling NDIS is named by its call, before anyone's CPU limit.
t loop-names-its-call 1 'send\.lesson:12: your driver called NdisRawReadPortUchar at .*attack\.c:[0-9]+ 50000 times in a row, with no other NDIS call between \(an endless loop\?\)' poll
# grade loads a driver in no probe of its own when a test runs it: the first test that loads it
# finds out, and its message stands for every test, the one before it (no `driver file`)
# included; a class with no such test still has the driver loaded once, and fails it.
g() { # name, expected table row (grep -E), lesson files...
	local name=$1 row=$2 tests outp
	shift 2
	n=$((n + 1))
	tests=$(mktemp -d)
	cp "$@" "$tests/"
	outp=$("$dv" grade --tests "$tests" "$out/attack-exit-ctor.so" 2>&1 </dev/null)
	rm -rf "$tests"
	if grep -qE -- "$row" <<<"$outp" && [[ $(grep -c 'ended its own process with exit(0) (before any NDIS call)' <<<"$outp") == "$#" ]]; then
		echo "ok $n - $name"
	else
		echo "not ok $n - $name"
		sed 's/^/# /' <<<"$outp" | head -12
		fail=1
	fi
}
nodriver=$src/../../../lessons/06-busy.lesson
g 'grade: a constructor that exits fails every test with one message' \
	'^attack-exit-ctor\.so +FAIL +FAIL +0/2$' "$nodriver" "$lesson"
g 'grade: a class without a driver test still loads the driver once' \
	'^attack-exit-ctor\.so +FAIL +0/1$' "$nodriver"
# libdw is opened when a crash is told (dma-read above names its line), not loaded at start.
n=$((n + 1))
if readelf -d "$dv" | grep -q 'NEEDED.*libdw'; then
	echo "not ok $n - dmaviz does not link libdw"; fail=1
else
	echo "ok $n - dmaviz does not link libdw"
fi
# Nothing a driver did is left running: no host outlives the dmaviz that started it (other
# tests may be running hosts of their own now; an orphan would have been adopted by init).
n=$((n + 1))
if pgrep -P 1 -f dmaviz-driver-host >/dev/null; then
	echo "not ok $n - no driver host outlives its command"; fail=1
else
	echo "ok $n - no driver host outlives its command"
fi
exit $fail

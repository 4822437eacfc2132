#!/usr/bin/env bash
# The attack suite (issue 14): a class of attack drivers and one correct classmate (exercise
# 01's solution) graded together. The classmate scores full marks, every attacker fails every
# test, grading goes on, nothing outside the submissions changes (hashed before and after), no
# process is left, the report is well-formed and stays as the grader wrote it, nothing leaks
# (no "LEAK:" in what the attackers printed, no bytes on the listening ports), no terminal
# escape reaches the grader's output, and `-j 1` prints what `-j 2` does.
# The learner's code runs in the driver host (ui/host): what it tried is named in the host's words.
# usage: test-attacks.sh DMAVIZ BUILDDIR EX01DIR SOLUTION.so "ATTACKS..." MODULE.so...
set -u
dv=$1 out=$2/attack-class ex=$3 solution=$4
read -r -a required <<<"$5"
shift 5
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; }
check() { # name, then a command whose success is the check
	local name=$1
	shift
	if "$@"; then ok "$name"; else notok "$name"; fi
}

rm -rf "$out"
mkdir -p "$out/class" "$out/tests"
cp "$ex"/tests/*.lesson "$ex"/hidden/*.lesson "$out/tests/"
cp "$solution" "$out/class/0-classmate.so"
for m in "$@"; do cp "$m" "$out/class/"; done
report=$out/report.xml
victims=$(find "$out/class" "$out/tests" -type f | tr '\n' ':')
hashes() { (cd "$out" && find class tests -type f -print0 | sort -z | xargs -0 sha256sum); }
before=$(hashes)

# Listeners on 127.0.0.1 (TCP and UDP, one port number), each writing what it gets to a file.
port_file=$out/port
python3 - "$out" "$port_file" <<'PY' &
import socket, sys, time, os
out, pf = sys.argv[1], sys.argv[2]
t = socket.socket(); t.bind(("127.0.0.1", 0)); t.listen(8); port = t.getsockname()[1]
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", port))
open(pf + ".tmp", "w").write(str(port)); os.rename(pf + ".tmp", pf)
t.settimeout(0.2); u.settimeout(0.2)
end = time.time() + 240
while time.time() < end and not os.path.exists(out + "/stop"):
    for s, name in ((t, "tcp"), (u, "udp")):
        try:
            if name == "tcp":
                c, _ = t.accept(); c.settimeout(1); data = c.recv(100); c.close()
            else:
                data = u.recv(100)
            open(out + "/got-" + name, "ab").write(data or b"connected\n")
        except OSError:
            pass
PY
listener=$!
for _ in $(seq 50); do [[ -s $port_file ]] && break; sleep 0.1; done
export DV_ATTACK_PORT=$(cat "$port_file") DV_ATTACK_REPORT=$report DV_ATTACK_VICTIMS=$victims \
	DV_ATTACK_HIDDEN=$out/tests/3-odd-and-boundary.lesson

t0=$SECONDS
"$dv" grade -j 2 --cpu-limit 1 --show-output --junit "$report" --tests "$out/tests" \
	"$out"/class/*.so >"$out/stdout" 2>"$out/stderr" </dev/null
rc=$?
took=$((SECONDS - t0))
sleep 4 # the daemon's 3 s: had it survived, it would have rewritten the report by now
touch "$out/stop"
wait "$listener"

check "grade exits 0 (${took}s)" test "$rc" = 0
row() { grep -E "^$1 " "$out/stdout" | tail -1; }
check "the correct classmate scores 4/4" grep -qE '^0-classmate\.so +PASS +PASS +PASS +PASS +4/4$' "$out/stdout"
for a in "${required[@]}"; do
	check "attack-$a fails every test ($(row "attack-$a\\.so" | awk '{print $NF}'))" \
		grep -qE "^attack-$a\\.so +FAIL +FAIL +FAIL +FAIL +0/4$" "$out/stdout"
done
# How each ends, in the learner's words.
says() { grep -A2 "^== .*/attack-$1\\.so" -m1 "$out/stdout" >/dev/null && sed -n "/^== .*\\/attack-$1\\.so/,/^== /p" "$out/stdout" | grep -qE "$2"; }
check "exit(0) is named" says exit0 'your driver ended its own process with exit\(0\)'
check "_exit(0) in a constructor is named" says ctor_exit 'the driver ended its own process with exit\(0\) \(before any NDIS call\)'
check "exec is refused and named" says exec 'forbids \(execve\) in DriverEntry at attack-skeleton.c:[0-9]+'
check "exec did not end the process" bash -c "! sed -n '/^== .*\\/attack-exec\\.so/,/^== /p' '$out/stdout' | grep -q 'exited with status'"
check "SIGKILL is not a CPU limit" says sigkill 'your driver was killed by SIGKILL'
check "abort is a crash, with the learner's line" says abort 'crashed with SIGABRT in dv_attack_run at attack.c:[0-9]+'
check "raising rlimits is refused" says rlimit 'forbids \((prlimit64|setrlimit)\)'
check "the fork bomb cannot fork" says forkbomb 'forbids \((clone|clone3|fork|vfork)\)'
check "the daemon cannot fork" says daemon 'forbids \((clone|clone3|fork|vfork)\)'
check "patching the simulator finds none: the skeleton's expectations fail" says patch 'expect failed'
check "a forged verdict is an exit, not a pass" says forge 'ended its own process with exit\(0\)'
check "the memory scan is refused" says memory 'forbids \(mincore\)'
check "UDP is refused" says udp 'forbids \(socket\)'
check "100 MB of output are capped" says output 'more bytes of output dropped'
# Nothing left, nothing touched, nothing leaked.
check "no attack process is left" bash -c '! pgrep -f "^dvattack-" >/dev/null && ! pgrep -x dvattack-bomb >/dev/null && ! pgrep -x dvattack-daemon >/dev/null'
after=$(hashes)
check "no submission or test changed or went missing" test "$before" = "$after"
check "the report is well-formed" xmllint --noout "$report"
check "the report is the grader's (not the daemon's)" grep -q '<testsuites tests="68" ' "$report"
python3 - "$report" <<'PY' && ok "the report's counts match its elements" || notok "the report's counts match its elements"
import sys, xml.etree.ElementTree as ET
r = ET.parse(sys.argv[1]).getroot()
cases = r.findall("./testsuite/testcase")
f = sum(1 for c in cases if c.find("failure") is not None)
e = sum(1 for c in cases if c.find("error") is not None)
assert int(r.get("tests")) == len(cases) and int(r.get("failures")) == f and int(r.get("errors")) == e
for s in r.findall("testsuite"):
    for o in s.iter("system-out"):
        assert len(o.text or "") < 4 * 65536 + 200, "system-out is capped"
PY
check "the report stays small (< 2 MB with 100 MB printed)" test "$(stat -c %s "$report")" -lt 2000000
check "no terminal escape reaches the grader's output" bash -c "! grep -q \$'\\x1b' '$out/stdout' '$out/stderr'"
check "the grader's stderr is empty (not a terminal: no progress line)" test ! -s "$out/stderr"
for a in readtests delete tcp exec; do
	check "attack-$a leaked nothing" bash -c "! sed -n '/^== .*\\/attack-$a\\.so/,/^== /p' '$out/stdout' | grep -q 'LEAK:'"
done
check "nothing reached the TCP listener" test ! -e "$out/got-tcp"
for a in memory; do
	check "attack-$a leaked nothing" bash -c "! sed -n '/^== .*\\/attack-$a\\.so/,/^== /p' '$out/stdout' | grep -q 'LEAK:'"
done
check "nothing reached the UDP listener" test ! -e "$out/got-udp"

# The same class, one submission at a time, prints the same (the timing-free part: all of it).
quick=()
for a in exit0 sigkill abort forkbomb output delete; do quick+=("$out/class/attack-$a.so"); done
for j in 1 2; do
	"$dv" grade -j $j --cpu-limit 1 --tests "$out/tests" "$out/class/0-classmate.so" "${quick[@]}" \
		>"$out/serial-$j" 2>&1 </dev/null
done
check "grade -j 1 and -j 2 print the same" cmp -s "$out/serial-1" "$out/serial-2"
# On a terminal, a progress line redrawn in place on stderr.
if command -v script >/dev/null; then
	script -qfec "'$dv' grade -j 2 --tests '$out/tests' '$out/class/0-classmate.so' '$out/class/attack-exit0.so' >/dev/null" \
		"$out/tty" >/dev/null 2>&1 </dev/null
	check "a progress line on a terminal" grep -qE $'\r''2/2 submissions, 0:[0-9]{2} elapsed' "$out/tty"
fi
echo "1..$n"

#!/bin/sh
# dmaviz: docs/driver-sdk.md's "supported surface" and the SDK's headers (src/ndis/ndis.h and
# dvnt.h) name the same calls: every function a driver can call (an ...At function by its
# macro's name), every inline helper and every function-like macro of the headers is in the
# section, in backticks; every call-like name the section writes in backticks is in a header.
# Left out: dmaviz's own helpers (Dv*, DV_*) and the SAL annotations (_In_, ...).
# Usage: check-sdk-surface.sh SOURCE_ROOT
root=${1:?usage: check-sdk-surface.sh SOURCE_ROOT}
cd "$root" || exit 2
headers="src/ndis/ndis.h src/ndis/dvnt.h"
doc=docs/driver-sdk.md
section=$(sed -n '/^## The supported surface/,/^## /p' "$doc")
[ -n "$section" ] || { echo "no '## The supported surface' section in $doc"; exit 1; }
names=$( {
	grep -hoE '^(VOID|NDIS_STATUS|ULONG|KIRQL|BOOLEAN|NTSTATUS) +[A-Za-z]+\(' $headers |
		sed -E 's/.* ([A-Za-z]+)\($/\1/; s/At$//'
	grep -hoE '^FORCEINLINE [A-Za-z_]+ +[A-Za-z]+\(' $headers | sed -E 's/.* ([A-Za-z]+)\($/\1/'
	grep -hoE '^#define [A-Za-z][A-Za-z_0-9]*\(' $headers | sed -E 's/^#define ([A-Za-z_0-9]+)\($/\1/'
} | grep -vE '^(Dv|DV_)' | sort -u)
status=0
count=0
for n in $names; do
	count=$((count + 1))
	if ! printf '%s\n' "$section" | grep -qF "\`$n\`"; then
		echo "$doc: the supported surface does not name $n (declared in the SDK's headers)"
		status=1
	fi
done
# The other way: each backticked call-like name in the section is declared or defined.
for n in $(printf '%s\n' "$section" | grep -oE '`(Ndis|NDIS_|Rtl|Kd|Dbg|Ke|Is|Insert|Remove|Push|Pop|Initialize)[A-Za-z_0-9]*`' |
	tr -d '`' | sort -u); do
	if ! grep -qwE "$n" $headers; then
		echo "$doc: the supported surface names $n, which no SDK header declares"
		status=1
	fi
done
[ $status -eq 0 ] && echo "the supported surface names the $count calls and macros of the SDK's headers"
exit $status

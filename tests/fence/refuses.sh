#!/bin/sh
# dmaviz: an internal header of the core refuses a file outside the core: compiling it without
# DV_CORE_INTERNAL fails with its own "belongs to the core" message (not for another reason).
# Usage: refuses.sh CC HEADER [CFLAGS...]
cc=${1:?usage: refuses.sh CC HEADER [CFLAGS...]}
h=${2:?usage: refuses.sh CC HEADER [CFLAGS...]}
shift 2
if out=$("$cc" "$@" -fsyntax-only -x c "$h" 2>&1); then
	echo "fence: $h compiled outside the core"
	exit 1
fi
if ! printf '%s\n' "$out" | grep -q 'belongs to the core'; then
	echo "fence: $h failed for another reason:"
	printf '%s\n' "$out"
	exit 1
fi
echo "fence: $h refuses a file outside the core"

#!/usr/bin/env bash
# dmaviz: no front-end source reaches into the core's structs: none includes one of the core's
# internal headers (SRC_DIR/*_int.h) or defines DV_CORE_INTERNAL. Exit 0 when the fence holds.
set -u
ui=${1:?usage: ui-fence.sh UI_DIR SRC_DIR}
src=${2:?usage: ui-fence.sh UI_DIR SRC_DIR}
[ -d "$ui" ] && [ -d "$src" ] || { echo "ui-fence: no directory $ui or $src"; exit 2; }
pattern=DV_CORE_INTERNAL
n=0
for h in $(find "$src" -name "*_int.h"); do
	[ -e "$h" ] || continue
	pattern="$pattern|[\"/<]$(basename "$h" | sed 's/\./\\./g')[\">]"
	n=$((n + 1))
done
[ "$n" -gt 0 ] || { echo "ui-fence: no internal header in $src"; exit 2; }
found=$(grep -rlE "$pattern" "$ui" --include='*.c' --include='*.h' --include='meson.build')
if [ -n "$found" ]; then
	echo "ui-fence: these front-end files reach into the core ($pattern):"
	echo "$found"
	exit 1
fi
echo "ui-fence: no file under $ui includes one of the $n internal headers of the core"

#!/bin/sh
# dmaviz: every C file of the tree is formatted as .clang-format says (clang-format --dry-run
# --Werror). Usage: check-format.sh SOURCE_ROOT [CLANG_FORMAT]
# Left out, each with its reason in a .clang-format of its own folder (DisableFormat): the
# reference miniport and the exercises' drivers, whose line numbers the recordings, the golden
# traces and the lessons' narration point at.
# Fix a file with: clang-format -i FILE (the version CI runs: Debian bookworm's clang-format 14).
root=${1:?usage: check-format.sh SOURCE_ROOT [CLANG_FORMAT]}
cf=${2:-clang-format}
cd "$root" || exit 2
if ! command -v "$cf" >/dev/null 2>&1; then
	echo "clang-format not found (./run.sh installs it): format not checked"
	exit 77
fi
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	files=$(git ls-files '*.c' '*.h')
else
	files=$(find src ui tests -name '*.[ch]')
fi
# shellcheck disable=SC2086 # one file name per word: the tree has no spaces in its names
"$cf" --dry-run --Werror $files
status=$?
[ $status -eq 0 ] && echo "$(echo "$files" | wc -l) files formatted as .clang-format says"
exit $status

#!/usr/bin/env bash
# The driver SDK (docs/driver-sdk.md), both ways a learner builds exercise 01's solution:
# - before installing: under `meson devenv`, `pkg-config --cflags dmaviz-driver` reads the
#   uninstalled .pc, which points at src/ndis, and the module builds and passes;
# - installed: `meson install --destdir`, then the installed .pc (in the libdir's pkgconfig)
#   found through PKG_CONFIG_PATH, its ndis.h under include/dmaviz, and the installed dmaviz
#   checks the module.
# usage: test-sdk.sh SOURCE_ROOT BUILD_ROOT PREFIX LIBDIR
set -u
src=$1 build=$2 prefix=$3 libdir=$4
fail=0 n=0
ok() { echo "ok - $1"; n=$((n + 1)); }
bad() { echo "not ok - $1"; fail=1; n=$((n + 1)); }
command -v pkg-config >/dev/null 2>&1 || { echo "1..0 # SKIP pkg-config is not installed"; exit 0; }
cc=${CC:-cc}
sol=$src/lessons/exercises/01-send/solution/driver.c
tests=$src/lessons/exercises/01-send/tests
tmp=$(mktemp -d "${TMPDIR:-/tmp}/dv-sdk-XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT

# Before installing.
flags=$(meson devenv -C "$build" pkg-config --cflags dmaviz-driver 2>"$tmp/err")
if [[ $flags == *"$src/src/ndis"* ]]; then
	ok "meson devenv: pkg-config --cflags dmaviz-driver names src/ndis"
else
	bad "meson devenv: pkg-config --cflags dmaviz-driver gave '$flags' $(cat "$tmp/err")"
fi
if meson devenv -C "$build" sh -c \
	"$cc \$(pkg-config --cflags dmaviz-driver) -shared -fPIC '$sol' -o '$tmp/devenv.so'" \
	>"$tmp/log" 2>&1; then
	ok "meson devenv: the solution builds with the uninstalled .pc"
	if out=$("$build/ui/dmaviz" check --driver "$tmp/devenv.so" "$tests" 2>&1); then
		ok "the devenv build passes exercise 01's tests"
	else
		bad "the devenv build passes exercise 01's tests: $out"
	fi
else
	bad "meson devenv: the solution builds with the uninstalled .pc"; sed 's/^/# /' "$tmp/log"
fi

# Installed, into a DESTDIR.
dest=$tmp/dest
if ! meson install -C "$build" --no-rebuild --quiet --destdir "$dest" >"$tmp/log" 2>&1; then
	bad "meson install"; sed 's/^/# /' "$tmp/log"; echo "1..$n"; exit 1
fi
ok "meson install --destdir"
case $libdir in /*) ;; *) libdir=$prefix/$libdir ;; esac
pcdir=$dest$libdir/pkgconfig
if [[ -s $pcdir/dmaviz-driver.pc ]]; then ok "dmaviz-driver.pc in the libdir's pkgconfig"; else
	bad "no dmaviz-driver.pc in $pcdir: $(find "$dest" -name '*.pc')"; fi
if [[ -s $dest$prefix/include/dmaviz/ndis.h ]]; then ok "ndis.h in include/dmaviz"; else
	bad "no include/dmaviz/ndis.h under the prefix"; fi
# PKG_CONFIG_SYSROOT_DIR puts the DESTDIR in front of the .pc's paths, as for a staged install.
flags=$(PKG_CONFIG_PATH=$pcdir PKG_CONFIG_SYSROOT_DIR=$dest pkg-config --cflags dmaviz-driver)
if [[ $flags == *"$dest$prefix/include/dmaviz"* ]]; then
	ok "installed: pkg-config --cflags names include/dmaviz"
else
	bad "installed: pkg-config --cflags gave '$flags'"
fi
# Only the installed header: the build tree's src/ is not on the include path.
if $cc $flags -shared -fPIC "$sol" -o "$tmp/installed.so" 2>"$tmp/log"; then
	ok "the solution builds against the installed ndis.h"
	exe=$dest$prefix/bin/dmaviz
	if out=$(DMAVIZ_DATADIR= "$exe" check --driver "$tmp/installed.so" "$tests" 2>&1) &&
		grep -q '2 passed, 0 failed' <<<"$out"; then
		ok "the installed dmaviz checks it: 2 passed"
	else
		bad "the installed dmaviz checks it: $out"
	fi
else
	bad "the solution builds against the installed ndis.h"; sed 's/^/# /' "$tmp/log"
fi
echo "1..$n"
exit $fail

#!/usr/bin/env bash
# assets/: the .desktop file is valid (desktop-file-validate, when installed), and an install
# (meson install into a temporary DESTDIR) puts every asset where it belongs; the installed
# dmaviz finds its themes beside itself (bin/../share/dmaviz).
# usage: test-assets.sh SOURCE_ROOT BUILD_ROOT
set -u
src=$1 build=$2
fail=0 n=0
ok() { echo "ok - $1"; n=$((n + 1)); }
bad() { echo "not ok - $1"; fail=1; n=$((n + 1)); }

if command -v desktop-file-validate >/dev/null 2>&1; then
	if out=$(desktop-file-validate "$src/assets/dmaviz.desktop" 2>&1) && [[ -z $out ]]; then
		ok "desktop-file-validate dmaviz.desktop"
	else
		bad "desktop-file-validate dmaviz.desktop: $out"
	fi
else
	ok "desktop-file-validate dmaviz.desktop # SKIP desktop-file-validate is not installed (Debian: desktop-file-utils)"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/dv-assets-XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
if ! meson install -C "$build" --no-rebuild --quiet --destdir "$tmp" >"$tmp.log" 2>&1; then
	bad "meson install"; sed 's/^/# /' "$tmp.log"; rm -f "$tmp.log"; echo "1..$n"; exit 1
fi
rm -f "$tmp.log"
ok "meson install"
share=$(find "$tmp" -type d -path '*/share/dmaviz' | head -1)
[[ -n $share ]] || { bad "no share/dmaviz in the install"; echo "1..$n"; exit 1; }
top=${share%/dmaviz}
for f in dmaviz/themes/dark.theme dmaviz/themes/light.theme dmaviz/themes/high-contrast.theme \
	dmaviz/themes/colour-blind.theme dmaviz/fonts.list dmaviz/icons/dmaviz.svg \
	dmaviz/icons/dmaviz-64.png applications/dmaviz.desktop \
	icons/hicolor/scalable/apps/dmaviz.svg icons/hicolor/64x64/apps/dmaviz.png \
	icons/hicolor/128x128/apps/dmaviz.png; do
	if [[ -s $top/$f ]]; then ok "installed share/$f"; else bad "installed share/$f"; fi
done
# The installed program, away from the build tree, finds bin/../share/dmaviz: a named theme
# loads without a warning (it stops at "needs a terminal": stdin is not one).
exe=$(find "$tmp" -type f -path '*/bin/dmaviz' | head -1)
out=$(DMAVIZ_DATADIR= "$exe" --theme colour-blind "$src/lessons/03-send.lesson" 2>&1 </dev/null)
if grep -q 'needs a terminal' <<<"$out" && ! grep -q 'theme' <<<"$out"; then
	ok "the installed dmaviz finds its themes"
else
	bad "the installed dmaviz finds its themes: $out"
fi
echo "1..$n"
exit $fail

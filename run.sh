#!/usr/bin/env bash
# dmaviz: install what is missing, build, and run, test or benchmark.
#
#   ./run.sh              build and open dmaviz (the lesson menu)
#   ./run.sh run ARGS...  build and run dmaviz with ARGS (e.g. ./run.sh run gui --demo)
#   ./run.sh test         the whole suite, plain and under ASan+UBSan; ends with "N passed, N failed"
#   ./run.sh bench        the benchmarks, with their figures
#   ./run.sh web          build the web page into build-web/site/ and serve it on localhost
#   ./run.sh help         this text
set -euo pipefail

# Debian packages the build and the test suite need, one per line with the reason.
packages=(
	meson             # the build system (1.0 or newer)
	ninja-build       # the backend meson drives
	pkg-config        # how meson finds ncursesw, SDL2 and libvterm
	gcc               # the C11 compiler
	g++               # the DDK-style driver test builds its miniport as C++ too (tests/classroom/ddk)
	libncurses-dev    # ncursesw: the terminal UI
	libsdl2-dev       # SDL2: the projector / GUI mode
	libsdl2-ttf-dev   # text rendering in the SDL2 mode
	libsdl2-image-dev # PNG screenshots of the SDL2 mode (SDL2_image)
	fonts-dejavu-core # the font the SDL2 mode renders with
	libfontconfig-dev # finding that font at run time
	libvterm-dev      # the real-terminal TUI test (pty + terminal emulator)
	tmux              # the tmux smoke test of the terminal UI
	xvfb              # the X11 smoke test of the SDL2 mode, without a display
	xauth             # needed by xvfb-run
	xdotool           # keys and clicks for the X11 smoke test of the SDL2 mode
	scdoc             # the man pages in docs/
	desktop-file-utils # desktop-file-validate checks assets/dmaviz.desktop
	clang-format      # the format check (tests/lint): the tree as .clang-format says
	libxml2-utils     # xmllint: the JUnit test reads the report, the snapshot test the SVG, with an independent parser
	libseccomp-dev    # the driver host's cage: its seccomp allow-list (ui/host/cage.c)
	libdw-dev         # elfutils' libdw: a learner's crash told as function and file:line (opened with dlopen on a crash)
	libssl-dev        # libcrypto's SHA-256: a recording's checksum and its lesson's and driver's hashes
)

# Debian packages of the web page (./run.sh web, and the web part of ./run.sh test). Where they
# cannot be installed, ./run.sh test skips the web part with a message instead of failing.
web_packages=(
	emscripten        # emcc: the core, the view and the app layer as WebAssembly (web/emscripten.cross)
	chromium          # the headless browser tests/web/browser.test.mjs drives
	nodejs            # node: Emscripten's compiler runs on it, and the browser test
)
# npm (`npm ci` installs web/package-lock.json: playwright-core, the browser test's driver) is
# Debian's npm package, unless nodejs already brings it (NodeSource's does, and conflicts with
# Debian's npm): see ensure_web.

cd "$(dirname "${BASH_SOURCE[0]}")"

usage() {
	cat <<'EOF'
usage: ./run.sh [COMMAND]

  (none)          install missing Debian packages, build, and open dmaviz
  run [ARGS...]   the same, passing ARGS to dmaviz (e.g. ./run.sh run --help)
  test            build, run the whole test suite in build/ and again under
                  AddressSanitizer + UndefinedBehaviorSanitizer in build-asan/,
                  check that a build without SDL2 (build-nosdl/) says so,
                  build and test the web page (build-web/: WebAssembly, headless
                  chromium), then print one line: N passed, N failed
  bench           build, then run the benchmarks (meson test --benchmark): the
                  core, NDIS, lesson check, terminal UI, SDL2 frame time, grade
  web [--build-only]
                  build the web page into build-web/site/ (index.html at its top;
                  copy the folder to any static web server) and serve it at
                  http://localhost:8237/ (DMAVIZ_WEB_PORT changes the port)
  help            show this text

Environment: CI=true configures with -Dwerror=true; CC picks the compiler;
DMAVIZ_WEB_PORT the web page's port (8237).
EOF
}

say() { printf 'run.sh: %s\n' "$*" >&2; }

# install_missing PACKAGE...: install those not installed with apt-get: as root, through
# passwordless sudo, or not at all (then print the command to run and return 1).
install_missing() {
	local missing=() p status
	for p in "$@"; do
		status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
		[[ $status == "install ok installed" ]] || missing+=("$p")
	done
	((${#missing[@]} == 0)) && return 0

	say "missing packages: ${missing[*]}"
	local sudo=()
	if ((EUID != 0)); then
		if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
			sudo=(sudo)
		else
			say "not root and no passwordless sudo; install them with:"
			printf 'sudo apt-get install -y %s\n' "${missing[*]}" >&2
			return 1
		fi
	fi
	# A failed update (offline, a broken mirror) need not be fatal: the
	# package lists already on disk may do.
	"${sudo[@]}" apt-get update || say "apt-get update failed; trying the install anyway"
	if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y --no-install-recommends "${missing[@]}"; then
		say "apt-get failed; install these and run again: ${missing[*]}"
		return 1
	fi
}

ensure_packages() {
	if ! command -v dpkg-query >/dev/null 2>&1; then
		say "no dpkg on this machine: cannot check packages; trying the build anyway"
		say "(it needs: ${packages[*]})"
		return 0
	fi
	install_missing "${packages[@]}" || exit 2
}

require_meson() {
	if ! command -v meson >/dev/null 2>&1; then
		say "meson is not installed (Debian: apt-get install meson ninja-build)"
		exit 2
	fi
}

# configure_tree DIR [OPTION...]: set DIR up once; later runs only apply OPTIONs
# (meson regenerates by itself when meson.build changes).
configure_tree() {
	local dir=$1
	shift
	if [[ -f $dir/build.ninja ]]; then
		if (($# > 0)); then
			meson configure "$dir" "$@" >/dev/null
		fi
	elif [[ -f $dir/meson-private/coredata.dat ]]; then
		# Configured once but build.ninja is gone: a plain setup would
		# say "already configured" and still leave no build.ninja.
		meson setup --reconfigure "${setup_opts[@]}" "$dir" "$@"
	else
		meson setup "${setup_opts[@]}" "$dir" "$@"
	fi
}

build_tree() {
	configure_tree "$@" && meson compile -C "$1"
}

# Is the compiler of the tree being set up clang? An existing tree keeps the
# compiler it was configured with, so ask its log first, then build/'s, then $CC.
compiler_is_clang() {
	local log line
	for log in build-asan/meson-logs/meson-log.txt build/meson-logs/meson-log.txt; do
		line=$(grep '^C compiler for the host machine:' "$log" 2>/dev/null | tail -n 1 || true)
		if [[ -n $line ]]; then
			[[ $line == *clang* ]]
			return
		fi
	done
	"${CC:-cc}" --version 2>/dev/null | head -n 1 | grep -qi clang
}

common_opts=()
setup_opts=()
if [[ ${CI:-} == true ]]; then
	common_opts+=(-Dwerror=true)
	# A Meson warning in CI is a mistake in a meson.build: fail the configure.
	setup_opts+=(--fatal-meson-warnings)
fi

# The main tree (build/) is linked with link-time optimization when the compiler is gcc: the
# simulator's hot path crosses files (the 8237A, the machine, the trace), and recording runs
# about 30% faster with it (tests/bench/bench-core). The ASan, no-SDL2 and web trees are built
# without (clang would need its gold plugin for it).
main_opts() {
	compiler_is_clang || printf '%s\n' -Db_lto=true
}

setup_main() {
	ensure_packages
	require_meson
	local lto
	mapfile -t lto < <(main_opts)
	build_tree build "${common_opts[@]}" "${lto[@]}"
}

run_dmaviz() {
	if ! setup_main; then
		say "the build failed (see above)"
		exit 1
	fi
	if [[ ! -x build/ui/dmaviz ]]; then
		say "build/ui/dmaviz was not built"
		exit 1
	fi
	exec build/ui/dmaviz "$@"
}

passed=0
failed=0
skipped=0

# count RESULT FILE: how many tests in a testlog.json ended with RESULT.
count() {
	grep -c -- "\"result\": \"$1\"" "$2" || true
}

# test_tree DIR: run DIR's suite and add its results to the totals.
# Meson writes one JSON object per test to meson-logs/testlog.json.
test_tree() {
	local dir=$1 log=$1/meson-logs/testlog.json rc=0
	local ok xfail fail tmo err upass skip tree_failed
	rm -f "$log"
	meson test -C "$dir" --print-errorlogs || rc=$?
	if [[ ! -f $log ]]; then
		if ((rc != 0)); then
			say "$dir: meson test failed (exit $rc) and wrote no test log"
			failed=$((failed + 1))
		fi
		return 0
	fi
	ok=$(count OK "$log")
	xfail=$(count EXPECTEDFAIL "$log")
	fail=$(count FAIL "$log")
	tmo=$(count TIMEOUT "$log")
	err=$(count ERROR "$log")
	upass=$(count UNEXPECTEDPASS "$log")
	skip=$(count SKIP "$log")
	tree_failed=$((fail + tmo + err + upass))
	if ((rc != 0 && tree_failed == 0)); then
		say "$dir: meson test exited $rc without a failing test; counting it as one failure"
		tree_failed=1
	fi
	passed=$((passed + ok + xfail))
	failed=$((failed + tree_failed))
	skipped=$((skipped + skip))
}

# check_nosdl: a build without SDL2 compiles, and its `dmaviz gui` exits 2 saying so. Only
# dmaviz is built (no tests, no man pages); counted as one test in the totals.
check_nosdl() {
	local dir=build-nosdl err rc=0
	say "== build-nosdl/: without SDL2 =="
	if ! configure_tree "$dir" -Dsdl=disabled -Dtui=auto -Dtests=false "${common_opts[@]}" ||
		! meson compile -C "$dir" dmaviz; then
		say "build-nosdl/ failed to configure or compile: counted as 1 failed"
		failed=$((failed + 1))
		return 0
	fi
	err=$("$dir/ui/dmaviz" gui 03-send 2>&1 >/dev/null) || rc=$?
	if ((rc == 2)) && [[ $err == *"this build has no SDL2 mode"* ]]; then
		say "build-nosdl/: ok: dmaviz gui exits 2: $err"
		passed=$((passed + 1))
	else
		say "build-nosdl/: FAIL: dmaviz gui exited $rc (want 2, \"this build has no SDL2 mode\"): $err"
		failed=$((failed + 1))
	fi
	check_nosdl_snapshot "$dir"
}

# Without SDL2, `dmaviz snapshot` still writes SVG, and refuses PNG with exit 2 saying why;
# counted as one more test.
check_nosdl_snapshot() {
	local dir=$1 out=$1/snapshot-check err rc=0
	err=$("$dir/ui/dmaviz" snapshot 03-send --at 3 -o "$out.png" 2>&1 >/dev/null) || rc=$?
	if "$dir/ui/dmaviz" snapshot 03-send --at 3 -o "$out.svg" && [[ -s $out.svg ]] &&
		((rc == 2)) && [[ $err == *"built without SDL2"* ]]; then
		say "build-nosdl/: ok: dmaviz snapshot writes SVG; PNG exits 2: $err"
		passed=$((passed + 1))
	else
		say "build-nosdl/: FAIL: dmaviz snapshot: SVG not written, or PNG exited $rc: $err"
		failed=$((failed + 1))
	fi
	rm -f "$out.svg" "$out.png"
}

# ---- the web page (web/, docs/web.md) ----

# ensure_web: the web page's packages (web_packages, npm) and its npm packages (npm ci in web/);
# 1 with a message when they cannot be installed.
ensure_web() {
	if command -v dpkg-query >/dev/null 2>&1; then
		install_missing "${web_packages[@]}" || return 1
		command -v npm >/dev/null 2>&1 || install_missing npm || return 1
	fi
	local tool
	for tool in emcc node npm chromium; do
		command -v "$tool" >/dev/null 2>&1 || { say "no $tool on this machine"; return 1; }
	done
	# npm ci only when the lock file changed since the last install.
	if [[ ! web/node_modules/.package-lock.json -nt web/package-lock.json ]] &&
		! (cd web && npm ci --no-audit --no-fund >&2); then
		say "npm ci in web/ failed (offline?): playwright-core is not installed"
		return 1
	fi
}

# Emscripten builds its system libraries on first use into EM_CACHE: a folder of the build tree
# (never the home directory), so a build is the same everywhere. Debian's configuration marks
# its own cache frozen; an empty EM_FROZEN_CACHE lets emcc fill this one (the first build takes
# about 7 minutes on two cores, later ones seconds).
build_web() {
	export EM_CACHE=$PWD/build-web/emcache EM_FROZEN_CACHE=
	mkdir -p build-web
	[[ -d $EM_CACHE ]] || say "build-web/: first build: Emscripten builds its system libraries into build-web/emcache (minutes)"
	local saved=("${setup_opts[@]}")
	setup_opts+=(--cross-file web/emscripten.cross)
	# Not common_opts: -Dwerror is for the native compilers; emcc's clang warns about
	# other things (tests build the same sources natively with -Werror in CI).
	configure_tree build-web && meson compile -C build-web
	local rc=$?
	setup_opts=("${saved[@]}")
	return $rc
}

run_web() {
	local build_only=false
	case ${1-} in
	"") ;;
	--build-only) build_only=true ;;
	*) usage >&2; exit 2 ;;
	esac
	if ! ensure_web; then
		say "the web page needs: ${web_packages[*]} npm (see above)"
		exit 2
	fi
	require_meson
	build_web || { say "the web build failed (see above)"; exit 1; }
	say "the page is build-web/site/ (copy that folder to any static web server)"
	$build_only && return 0
	local port=${DMAVIZ_WEB_PORT:-8237}
	say "serving it at http://localhost:$port/ (Ctrl-C stops)"
	exec python3 -m http.server "$port" --bind 127.0.0.1 --directory build-web/site
}

# check_web: the WebAssembly build (one test), then the browser test (each of its TAP lines a
# test). Skipped, not failed, only when the web page's packages cannot be installed.
check_web() {
	local out=build-web/test tap line
	say "== build-web/: the web page (WebAssembly, headless chromium) =="
	if ! ensure_web; then
		say "build-web/: SKIPPED: the web page's packages (${web_packages[*]} npm) cannot be installed here"
		skipped=$((skipped + 1))
		return 0
	fi
	local t0=$SECONDS
	if ! build_web; then
		say "build-web/ failed to configure or compile: counted as 1 failed"
		failed=$((failed + 1))
		return 0
	fi
	say "build-web/: built in $((SECONDS - t0)) s ($(du -sh build-web/emcache | cut -f1) of Emscripten's cache)"
	passed=$((passed + 1))
	mkdir -p "$out"
	if ! build/ui/dmaviz record lessons/03-send.lesson -o "$out/send.dvr" >/dev/null ||
		[[ ! -x build/tests/web/web-expect ]]; then
		say "build-web/: no recording or no build/tests/web/web-expect: counted as 1 failed"
		failed=$((failed + 1))
		return 0
	fi
	tap=$(node tests/web/browser.test.mjs "$PWD/build-web/site" build/tests/web/web-expect \
		lessons "$out/send.dvr" "$out" 2>&1) || true
	printf '%s\n' "$tap" >"$out/browser.tap"
	while IFS= read -r line; do
		case $line in
		"ok "*) passed=$((passed + 1)) ;;
		"not ok "*) failed=$((failed + 1)); say "build-web/: FAIL: $line" ;;
		"# transfer"*) say "build-web/: ${line#\# }" ;;
		esac
	done <<<"$tap"
	if ! grep -q '^1\.\.' <<<"$tap"; then
		say "build-web/: the browser test did not finish (see $out/browser.tap): counted as 1 failed"
		failed=$((failed + 1))
	fi
	say "build-web/: screenshots and figures in $out/"
}

run_tests() {
	local asan_opts=('-Db_sanitize=address,undefined')

	ensure_packages
	require_meson

	say "== build/: plain =="
	local lto
	mapfile -t lto < <(main_opts)
	if build_tree build "${common_opts[@]}" "${lto[@]}"; then
		test_tree build
	else
		say "build/ failed to configure or compile: counted as 1 failed"
		failed=$((failed + 1))
	fi

	check_nosdl
	check_web

	# LeakSanitizer on, and stop at the first report so the test fails.
	export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
	export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
	# clang's sanitizer runtime is only linked into executables, so shared
	# objects must be allowed undefined symbols; gcc needs no such help.
	if compiler_is_clang; then
		asan_opts+=(-Db_lundef=false)
	fi
	say "== build-asan/: AddressSanitizer + UndefinedBehaviorSanitizer =="
	if build_tree build-asan "${asan_opts[@]}" "${common_opts[@]}"; then
		test_tree build-asan
	else
		say "build-asan/ failed to configure or compile: counted as 1 failed"
		failed=$((failed + 1))
	fi

	local line="$passed passed, $failed failed"
	if ((skipped > 0)); then
		line+=", $skipped skipped"
	fi
	echo "$line"
	((failed == 0))
}

run_bench() {
	if ! setup_main; then
		say "the build failed (see above)"
		exit 1
	fi
	meson test -C build --benchmark --verbose
}

case ${1-} in
"")
	run_dmaviz
	;;
run)
	shift
	run_dmaviz "$@"
	;;
test)
	(($# == 1)) || { usage >&2; exit 2; }
	run_tests
	;;
bench)
	(($# == 1)) || { usage >&2; exit 2; }
	run_bench
	;;
web)
	shift
	(($# <= 1)) || { usage >&2; exit 2; }
	run_web "$@"
	;;
help | -h | --help)
	usage
	;;
*)
	say "unknown argument: $1"
	usage >&2
	exit 2
	;;
esac

#!/usr/bin/env bash
# dmaviz: install what is missing, build, and run, test or benchmark.
#
#   ./run.sh              build and open dmaviz (the lesson menu)
#   ./run.sh run ARGS...  build and run dmaviz with ARGS (e.g. ./run.sh run gui --demo)
#   ./run.sh test         the whole suite, plain and under ASan+UBSan; ends with "N passed, N failed"
#   ./run.sh bench        the benchmarks, with their figures
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

cd "$(dirname "${BASH_SOURCE[0]}")"

usage() {
	cat <<'EOF'
usage: ./run.sh [COMMAND]

  (none)          install missing Debian packages, build, and open dmaviz
  run [ARGS...]   the same, passing ARGS to dmaviz (e.g. ./run.sh run --help)
  test            build, run the whole test suite in build/ and again under
                  AddressSanitizer + UndefinedBehaviorSanitizer in build-asan/,
                  check that a build without SDL2 (build-nosdl/) says so,
                  then print one line: N passed, N failed
  bench           build, then run the benchmarks (meson test --benchmark): the
                  core, NDIS, lesson check, terminal UI, SDL2 frame time, grade
  help            show this text

Environment: CI=true configures with -Dwerror=true; CC picks the compiler.
EOF
}

say() { printf 'run.sh: %s\n' "$*" >&2; }

# Install missing packages with apt-get: as root, through passwordless sudo, or
# not at all (then print the command to run and stop).
ensure_packages() {
	if ! command -v dpkg-query >/dev/null 2>&1; then
		say "no dpkg on this machine: cannot check packages; trying the build anyway"
		say "(it needs: ${packages[*]})"
		return 0
	fi
	local missing=() p status
	for p in "${packages[@]}"; do
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
			exit 2
		fi
	fi
	# A failed update (offline, a broken mirror) need not be fatal: the
	# package lists already on disk may do.
	"${sudo[@]}" apt-get update || say "apt-get update failed; trying the install anyway"
	if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y --no-install-recommends "${missing[@]}"; then
		say "apt-get failed; install these and run again: ${missing[*]}"
		exit 2
	fi
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

setup_main() {
	ensure_packages
	require_meson
	build_tree build "${common_opts[@]}"
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

run_tests() {
	local asan_opts=('-Db_sanitize=address,undefined')

	ensure_packages
	require_meson

	say "== build/: plain =="
	if build_tree build "${common_opts[@]}"; then
		test_tree build
	else
		say "build/ failed to configure or compile: counted as 1 failed"
		failed=$((failed + 1))
	fi

	check_nosdl

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
help | -h | --help)
	usage
	;;
*)
	say "unknown argument: $1"
	usage >&2
	exit 2
	;;
esac

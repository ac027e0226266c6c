#!/usr/bin/env bash
# Builds and runs every tests/fuzz/fuzz_*.c for SECONDS each (default 60).
#
#   tests/fuzz/run.sh [SECONDS] [NAME...]
#
# Each target is built with clang -fsanitize=fuzzer,address,undefined against
# an archive of every core/*.c (compiled once with fuzzer-no-link and the
# same sanitizers) plus the pkg-config libraries, so new targets and new core
# files are picked up without edits here. A target fuzz_<name> starts from a
# temporary copy of tests/fuzz/corpus/<name>/ when that exists (runs never
# dirty the tree) and uses tests/fuzz/fuzz_<name>.dict and
# fuzz_<name>.options (extra libFuzzer flags, one per line) when present.
# Logs and crash inputs land in $FUZZ_BUILD (default build/fuzz). Objects,
# targets and runs go FUZZ_JOBS at a time (default: the number of CPUs).
# Exits non-zero when any target fails to build or finds a crash, leak or
# timeout.
#
# Runs are reproducible: every target starts from FUZZ_SEED (default 1), so
# a CI run explores the same inputs as the run before it on the same code,
# and a failure reproduces with the same command. FUZZ_SEED=random (or any
# other number) explores further; crash inputs belong in the target's corpus
# once fixed, so every later run replays them first.
set -euo pipefail

secs=${1:-60}
[ $# -gt 0 ] && shift
case "$secs" in
'' | *[!0-9]*) echo "usage: $0 [SECONDS] [NAME...]" >&2; exit 2 ;;
esac
cd "$(dirname "$0")/../.."

CC=${FUZZ_CC:-clang}
out=${FUZZ_BUILD:-build/fuzz}
jobs=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}
fuzz_seed=${FUZZ_SEED:-1}
[ "$fuzz_seed" = random ] && fuzz_seed=$((RANDOM * 32768 + RANDOM + 1))
case "$fuzz_seed" in
'' | *[!0-9]*) echo "fuzz: FUZZ_SEED must be a number or random" >&2; exit 2 ;;
esac

jobs_max=$jobs
# shellcheck source=tests/lib/jobs.sh
. tests/lib/jobs.sh
pkgs="libcurl libcjson libuv openssl"
command -v "$CC" >/dev/null ||
    { echo "fuzz: $CC not found (run tests/deps.sh --all)" >&2; exit 1; }
pkg_cflags=$(pkg-config --cflags $pkgs)
pkg_libs=$(pkg-config --libs $pkgs)
cflags="-std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -g -O1
    -fno-omit-frame-pointer -Iinclude $pkg_cflags"
san="-fsanitize=address,undefined -fno-sanitize-recover=all"

# The core archive, rebuilt per file when the file or any header changed.
# The pure parsers of tui/ (theme files, key names) join it: they use curses
# types but no curses functions.
mkdir -p "$out/core"
cflags="$cflags $(pkg-config --cflags ncursesw)"
objs=()
for src in core/*.c tui/theme.c tui/keymap.c; do
	obj="$out/core/$(basename "${src%.c}").o"
	if [ ! -e "$obj" ] || [ "$src" -nt "$obj" ] ||
	    [ -n "$(find include -name '*.h' -newer "$obj")" ]; then
		rm -f "$obj"
		# shellcheck disable=SC2086
		jobs_spawn $CC $cflags $san -fsanitize=fuzzer-no-link -c "$src" \
		    -o "$obj"
	fi
	objs+=("$obj")
done
jobs_wait
for obj in "${objs[@]}"; do
	[ -e "$obj" ] || { echo "fuzz: building $obj failed" >&2; exit 1; }
done
rm -f "$out/libcore.a"
ar rcs "$out/libcore.a" "${objs[@]}"

targets=()
if [ $# -gt 0 ]; then
	for n in "$@"; do targets+=("tests/fuzz/fuzz_${n#fuzz_}.c"); done
else
	targets=(tests/fuzz/fuzz_*.c)
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# One target: build, seed a private corpus, run; its verdict in $tmp.
fuzz_one() {
	local src=$1 name short bin corpus seed opt
	name=$(basename "$src" .c)
	short=${name#fuzz_}
	bin="$out/$name"
	# shellcheck disable=SC2086
	if ! $CC $cflags $san -fsanitize=fuzzer "$src" "$out/libcore.a" \
	    $pkg_libs -lm -o "$bin"; then
		echo "$name (build)" >"$tmp/$name.failed"
		return
	fi
	corpus="$tmp/$name"
	mkdir -p "$corpus"
	for seed in "tests/fuzz/corpus/$short" "tests/fuzz/corpus/$name"; do
		if [ -d "$seed" ]; then cp -R "$seed/." "$corpus/"; fi
	done
	local args=(-seed="$fuzz_seed" -max_total_time="$secs" -timeout=25
	    -rss_limit_mb=4096
	    -print_final_stats=1 -artifact_prefix="$out/$name-")
	if [ -f "tests/fuzz/$name.dict" ]; then
		args+=(-dict="tests/fuzz/$name.dict")
	fi
	if [ -f "tests/fuzz/$name.options" ]; then
		while IFS= read -r opt; do
			case "$opt" in '' | '#'*) ;; *) args+=("$opt") ;; esac
		done <"tests/fuzz/$name.options"
	fi
	echo "fuzz: $name for ${secs}s, seed $fuzz_seed" >&2
	if ! "$bin" "${args[@]}" "$corpus" >"$out/$name.log" 2>&1; then
		{
			tail -n 60 "$out/$name.log"
			echo "fuzz: $name FAILED; log $out/$name.log"
		} >&2
		echo "$name" >"$tmp/$name.failed"
	else
		sed -n "s/^stat::number_of_executed_units: */fuzz: $name: /p" \
		    "$out/$name.log" >&2
	fi
}

failed=()
for src in "${targets[@]}"; do
	if [ ! -e "$src" ]; then
		echo "fuzz: no such target $src" >&2
		failed+=("$src")
		continue
	fi
	jobs_spawn fuzz_one "$src"
done
jobs_wait
for f in "$tmp"/*.failed; do
	[ -e "$f" ] && failed+=("$(cat "$f")")
done

if [ ${#failed[@]} -gt 0 ]; then
	echo "fuzz: FAILED: ${failed[*]} (inputs: $out/fuzz_*-crash-*)" >&2
	exit 1
fi
echo "fuzz: ok (${#targets[@]} targets, ${secs}s each, seed $fuzz_seed, $jobs at a time)" >&2

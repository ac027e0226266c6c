#!/usr/bin/env bash
# Builds every tests/fuzz/fuzz_*.c with clang's libFuzzer (+ASan/UBSan)
# against core/ and runs each for SECONDS (default 60) on a copy of its seed
# corpus (tests/fuzz/corpus/<name>/). Fails on any crash or sanitizer report.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-60}
out=$root/build/fuzz
mkdir -p "$out/obj"
flags="-std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -g -O1 -I$root/include $(pkg-config --cflags libcurl libcjson libuv openssl)"
libs="$(pkg-config --libs libcurl libcjson libuv openssl) -lm"
objs=()
for c in "$root"/core/*.c; do
	o=$out/obj/$(basename "${c%.c}").o
	clang $flags -fsanitize=fuzzer-no-link,address,undefined -c "$c" -o "$o"
	objs+=("$o")
done
fail=0
for f in "$root"/tests/fuzz/fuzz_*.c; do
	name=$(basename "${f%.c}"); name=${name#fuzz_}
	clang $flags -fsanitize=fuzzer,address,undefined "$f" "${objs[@]}" $libs -o "$out/fuzz_$name"
	corpus=$(mktemp -d)
	[ -d "$root/tests/fuzz/corpus/$name" ] && cp -r "$root/tests/fuzz/corpus/$name/." "$corpus/"
	echo "fuzz: $name for ${secs}s" >&2
	if ! "$out/fuzz_$name" -max_total_time="$secs" -max_len=65536 -rss_limit_mb=2048 \
	    -artifact_prefix="$out/crash-$name-" "$corpus" >"$out/$name.log" 2>&1; then
		echo "fuzz: $name FAILED; see $out/$name.log" >&2
		tail -40 "$out/$name.log" >&2
		fail=1
	else
		grep -E '^Done|#[0-9]+ *DONE' "$out/$name.log" | tail -1 >&2 || true
	fi
	rm -rf "$corpus"
done
exit $fail

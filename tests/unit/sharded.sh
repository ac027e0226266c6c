#!/usr/bin/env bash
# Runs the unit binary once per suite (CK_RUN_SUITE), JOBS at a time
# (default: the CPUs), under an optional wrapper such as valgrind:
#
#   tests/unit/sharded.sh CHECK_MAIN [WRAPPER ARG...]
#
# Run from tests/ (the suites find their fixtures there). The suites are
# the tests/unit/check_*.c files, as the Makefile names them. Prints each
# suite's last lines, the failing ones whole, and the total; exits 1 when
# any suite fails or reports fewer than one check.
set -uo pipefail
bin=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
jobs=${JOBS:-$(nproc 2>/dev/null || echo 1)}
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

suites=()
for f in "$here"/check_*.c; do
	n=$(basename "$f" .c)
	n=${n#check_}
	[ "$n" = main ] || suites+=("$n")
done

jobs_max=$jobs
# shellcheck source=tests/lib/jobs.sh
. "$here/../lib/jobs.sh"
for s in "${suites[@]}"; do
	jobs_spawn_logged "$logs" "$s" env CK_RUN_SUITE="$s" "$@" "$bin"
done
jobs_wait

fail=0
total=0
for s in "${suites[@]}"; do
	rc=$(cat "$logs/$s.rc" 2>/dev/null || echo 1)
	n=$(sed -n 's/^[0-9]*%: Checks: \([0-9]*\).*/\1/p' "$logs/$s.log" | tail -n 1)
	if [ "$rc" -ne 0 ] || [ -z "$n" ] || [ "$n" -lt 1 ]; then
		echo "unit: suite $s FAILED (exit $rc):" >&2
		cat "$logs/$s.log" >&2
		fail=1
	else
		printf 'unit: %-12s %3d checks\n' "$s" "$n"
		total=$((total + n))
	fi
done
echo "unit: $total checks in ${#suites[@]} suites, $jobs at a time$([ $fail -ne 0 ] && echo ', FAILED')"
exit $fail

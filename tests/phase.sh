#!/usr/bin/env bash
# Runs one phase of `make check` and prints how long it took, so a CI log
# shows where the minutes go:   tests/phase.sh NAME COMMAND [ARG...]
# Exits with the command's status.
set -uo pipefail
name=$1
shift
start=$(date +%s)
"$@"
rc=$?
end=$(date +%s)
printf '== phase %s: %d s (exit %d)\n' "$name" $((end - start)) "$rc"
[ -n "${SNOWDECK_PHASES:-}" ] &&
	printf '%s %d %d\n' "$name" $((end - start)) "$rc" >>"$SNOWDECK_PHASES"
exit $rc

#!/usr/bin/env bash
# The Snowflake sandbox's own suite (tests/sandbox/test_sandbox.py): installs
# the pinned venv, starts the sandbox on a free loopback port with short
# timings, runs pytest (every response validated against the official specs)
# and stops it. Never skips: a sandbox that cannot install or start fails.
# Extra arguments go to pytest (e.g. -k fault).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
"$here/sandbox.sh" install
"$here/sandbox.sh" install-snow # the Snowflake CLI the suite points at the sandbox
venv=$("$here/sandbox.sh" venv)
state=$(mktemp -d /tmp/snowdeck-sbx.XXXXXX)
cleanup() {
	"$here/sandbox.sh" stop "$state" || true
	rm -rf "$state"
}
trap cleanup EXIT INT TERM
"$here/sandbox.sh" start "$state" --sync-wait-ms 1500 --spcs-pending-ms 2500 --spcs-suspending-ms 2000
cd "$here"
SANDBOX_ENV=$state/env nice "$venv/bin/python" -m pytest -q -p no:cacheprovider -rfE \
    "$here/test_sandbox.py" "$@" || {
	echo "sandbox: tests failed; server log tail:" >&2
	tail -30 "$state/server.log" >&2
	exit 1
}

#!/usr/bin/env bash
# End-to-end tests: the real binary in tmux against a real Airflow 3 and
# the local Snowflake sandbox (demo seed). SNOWDECK_E2E=tui|sf runs one
# module only.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
harness=$root/tests/airflow/harness.sh
sandbox=$root/tests/sandbox/sandbox.sh
export SNOWDECK_BIN=${SNOWDECK_BIN:-$root/snowdeck}
state=$(mktemp -d /tmp/snowdeck-e2e.XXXXXX)
sbx=$(mktemp -d /tmp/snowdeck-e2e-sbx.XXXXXX)
cleanup() {
	"$harness" stop "$state" >/dev/null 2>&1 || true
	"$sandbox" stop "$sbx" >/dev/null 2>&1 || true
	rm -rf "$state" "$sbx"
}
trap cleanup EXIT INT TERM
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
port=$(free_port)
"$harness" install 3
# Airflow boots in the background (a minute or two) while the pages that
# do not need it are tested.
startlog=$(mktemp /tmp/snowdeck-e2e-start.XXXXXX)
"$harness" start 3 "$port" "$state" >"$startlog" 2>&1 &
starter=$!
"$sandbox" start "$sbx" --port "$(free_port)" --seed demo
status=0
if [ "${SNOWDECK_E2E:-}" != sf ]; then
	# The operator pages (setup against the Snowflake sandbox, jobs, doctor).
	python3 "$here/test_ops_panes.py" || status=1
	# The services page on local containers (a private Podman).
	python3 "$here/test_services_local.py" || status=1
fi
started=0
wait "$starter" || started=$?
cat "$startlog" >&2
rm -f "$startlog"
if [ "$started" -ne 0 ]; then
	echo "e2e: starting Airflow 3 failed (exit $started)" >&2
	exit 1
fi
AIRFLOW_STATE=$state "$harness" wait 3 "$port" 300
if [ "${SNOWDECK_E2E:-}" != sf ]; then
	AF_URL=http://127.0.0.1:$port python3 "$here/test_tui.py" || status=1
	# The trigger form from snowdeck_params' params (a rejected value inline).
	AF_URL=http://127.0.0.1:$port python3 "$here/test_trigger_form.py" || status=1
fi
if [ "${SNOWDECK_E2E:-}" != tui ]; then
	AF_URL=http://127.0.0.1:$port SBX_STATE=$sbx python3 "$here/test_tui_sf.py" || status=1
fi
exit $status

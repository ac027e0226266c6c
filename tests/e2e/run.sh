#!/usr/bin/env bash
# End-to-end tests: the real binary in tmux against a real Airflow 3.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
harness=$root/tests/airflow/harness.sh
export SNOWDECK_BIN=${SNOWDECK_BIN:-$root/snowdeck}
state=$(mktemp -d /tmp/snowdeck-e2e.XXXXXX)
trap '"$harness" stop "$state" >/dev/null 2>&1 || true; rm -rf "$state"' EXIT INT TERM
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$harness" install 3
"$harness" start 3 "$port" "$state"
AIRFLOW_STATE=$state "$harness" wait 3 "$port" 300
AF_URL=http://127.0.0.1:$port python3 "$here/test_tui.py"
# The operator pages (setup against the Snowflake sandbox, jobs, doctor).
python3 "$here/test_ops_panes.py"
# The trigger form from snowdeck_params' params (a rejected value inline).
AF_URL=http://127.0.0.1:$port python3 "$here/test_trigger_form.py"
# The services page on local containers (a private Podman).
python3 "$here/test_services_local.py"

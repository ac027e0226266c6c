#!/usr/bin/env bash
# make demo: start a local Airflow 3 with the demo DAGs on loopback and open
# snowdeck on it. Quitting snowdeck stops everything this script started.
# (The Snowflake sandbox and service containers join the demo in later
# releases; today the demo is the Airflow side.)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
harness=$root/tests/airflow/harness.sh
state=$(mktemp -d /tmp/snowdeck-demo.XXXXXX)
cleanup() {
	"$harness" stop "$state" >/dev/null 2>&1 || true
	rm -rf "$state"
}
trap cleanup EXIT INT TERM HUP

"$root/tests/deps.sh" --all
port=${SNOWDECK_DEMO_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}
echo "snowdeck demo: installing and starting Airflow 3 on 127.0.0.1:$port (first run takes a few minutes)" >&2
"$harness" install 3
"$harness" start 3 "$port" "$state"
"$harness" wait 3 "$port" 300
export SNOWDECK_AIRFLOW_URL=http://127.0.0.1:$port
export SNOWDECK_AIRFLOW_USERNAME=admin SNOWDECK_AIRFLOW_PASSWORD=admin
export SNOWDECK_AUDIT=$state/audit.jsonl
if [ "${1:-}" = "--check" ]; then
	# Non-interactive: the headless twin must see the demo DAGs.
	"$root/snowdeck" get dags
	exit 0
fi
"$root/snowdeck"

#!/usr/bin/env bash
# Integration suites: faults against a scripted double, then the real
# Airflow 3 and Airflow 2 (installed into cached venvs and started on
# loopback by tests/airflow/harness.sh). --quick runs Airflow 3 only with a
# shorter list (used under ASan and valgrind). Never skips: a server that
# cannot be installed or started fails the run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
quick=0
[ "${1:-}" = "--quick" ] && quick=1
export SNOWDECK_BIN=${SNOWDECK_BIN:-$root/snowdeck}
harness=$root/tests/airflow/harness.sh
state=$(mktemp -d /tmp/snowdeck-it.XXXXXX)
pids=()

cleanup() {
	for d in "$state"/af*; do
		[ -d "$d" ] && "$harness" stop "$d" >/dev/null 2>&1 || true
	done
	rm -rf "$state"
}
trap cleanup EXIT INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# The Airflows boot in the background (a minute or two each) while the
# suites that do not need them run.
majors="3 2"
[ $quick -eq 1 ] && majors="3"
for major in $majors; do
	"$harness" install "$major"
done
starters=()
for major in $majors; do
	port=$(free_port)
	mkdir -p "$state/af$major"
	echo "$port" >"$state/port$major"
	"$harness" start "$major" "$port" "$state/af$major" \
	    >"$state/start$major.log" 2>&1 &
	starters+=($!)
done

fail=0
python3 "$here/test_faults.py" || fail=1
# Snowflake: the client against the local sandbox (started by the test).
SF_QUICK=$quick python3 "$here/test_snowflake.py" || fail=1
# Local mode against real containers (a private Podman engine).
python3 "$here/test_docker.py" || fail=1
# Setup and doctor against the Snowflake sandbox (started by the test).
QUICK=$quick python3 "$here/test_setup.py" || fail=1
# External jobs: real processes, streamed, cancelled as a group.
python3 "$here/test_jobs.py" || fail=1
# The XCom bridge: references resolved against the sandbox.
QUICK=$quick python3 "$here/test_resolve.py" || fail=1
# The demo's Snowflake XCom backend through Airflow 3 and snowdeck's --resolve.
if [ $quick -eq 0 ]; then python3 "$here/test_demo_xcom.py" || fail=1; fi
# Snowpark Container Services against the sandbox's SPCS simulation.
QUICK=$quick python3 "$here/test_spcs.py" || fail=1
# What the Snowflake role may not do, from its grants, against the sandbox.
QUICK=$quick python3 "$here/test_grants.py" || fail=1

i=0
for major in $majors; do
	started=0
	wait "${starters[$i]}" || started=$?
	i=$((i + 1))
	cat "$state/start$major.log" >&2
	if [ "$started" -ne 0 ]; then
		echo "integration: starting Airflow $major failed (exit $started)" >&2
		exit 1
	fi
done
for major in $majors; do
	port=$(cat "$state/port$major")
	"$harness" wait "$major" "$port" 300
	AF_URL=http://127.0.0.1:$port AF_MAJOR=$major AF_QUICK=$quick \
	    python3 "$here/test_airflow.py" || fail=1
done
exit $fail

#!/usr/bin/env bash
# Integration suites: faults against a scripted double, then the real
# Airflow 3 and Airflow 2 (installed into cached venvs and started on
# loopback by tests/airflow/harness.sh). --quick runs Airflow 3 only with a
# shorter list (used under ASan and valgrind), the suites that need no
# Airflow two at a time. Never skips: a server that
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

# The suites that need no Airflow, each starting what it needs.
# Faults against a scripted double.
s_faults() { python3 "$here/test_faults.py"; }
# Snowflake: the client against the local sandbox (started by the test).
s_snowflake() { SF_QUICK=$quick python3 "$here/test_snowflake.py"; }
# Local mode against real containers (a private Podman engine).
s_docker() { python3 "$here/test_docker.py"; }
# Setup and doctor against the Snowflake sandbox (started by the test).
s_setup() { QUICK=$quick python3 "$here/test_setup.py"; }
# External jobs: real processes, streamed, cancelled as a group.
s_jobs() { python3 "$here/test_jobs.py"; }
# The XCom bridge: references resolved against the sandbox.
s_resolve() { QUICK=$quick python3 "$here/test_resolve.py"; }
# The demo's Snowflake XCom backend through Airflow 3 and snowdeck's --resolve.
s_demo_xcom() { python3 "$here/test_demo_xcom.py"; }
# Snowpark Container Services against the sandbox's SPCS simulation.
s_spcs() { QUICK=$quick python3 "$here/test_spcs.py"; }
# What the Snowflake role may not do, from its grants, against the sandbox.
s_grants() { QUICK=$quick python3 "$here/test_grants.py"; }

fail=0
if [ $quick -eq 1 ]; then
	# Under the sanitizers a suite is mostly one instrumented snowdeck at
	# a time: two run at once, the longest first, each on its own sandbox
	# or engine; their output follows, suite by suite.
	jobs_max=2
	# shellcheck source=tests/lib/jobs.sh
	. "$root/tests/lib/jobs.sh"
	names="docker spcs grants snowflake setup resolve faults jobs"
	for n in $names; do
		jobs_spawn_logged "$state" "suite-$n" "s_$n"
	done
	jobs_wait
	for n in $names; do
		cat "$state/suite-$n.log"
		if [ "$(cat "$state/suite-$n.rc" 2>/dev/null || echo 1)" != 0 ]; then
			echo "integration: suite $n FAILED" >&2
			fail=1
		fi
	done
else
	for n in faults snowflake docker setup jobs resolve demo_xcom spcs \
	    grants; do
		"s_$n" || fail=1
	done
fi

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

#!/usr/bin/env bash
# Self-test of harness.sh and the fixture DAGs against real Airflow 3 and 2.
#
#   tests/airflow/selftest.sh [3] [2]      (default: both, running side by side)
#
# For each version: install (cached), start on a free loopback port, wait, then
# with curl: version, login (token on 3, basic auth on 2; bad password refused),
# DAG list, trigger all four fixture DAGs (customer_analytics with
# {"logical_date": null} on 3), wait for their final states, read XComs
# (enter.check_service_status secrets, train's Snowflake reference, the params
# echo, the large value) and logs (including the hostile ones), clear a failed
# task and see it pass, then stop and check nothing is left running.
# Exits non-zero with a message on the first failure. Timings go to stderr.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
harness=$here/harness.sh
majors=${*:-3 2}
work=$(mktemp -d /tmp/snowdeck-selftest.XXXXXX)
started=()

cleanup() {
	local rc=$? d
	for d in "${started[@]}"; do "$harness" stop "$d" >/dev/null 2>&1 || true; done
	rm -rf "$work"
	exit $rc
}
trap cleanup EXIT INT TERM

say() { echo "selftest: $*" >&2; }
fail() { echo "selftest: FAIL: $*" >&2; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
urlq() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }
# jget FILE EXPR: evaluate a Python expression over the JSON document `d`.
jget() { python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"; }

# Per-version state, set by use_version.
MAJOR= BASE= API= AUTH=()

use_version() {
	MAJOR=$1
	BASE=http://127.0.0.1:$(cat "$work/af$1.port")
	if [ "$1" = 3 ]; then API=$BASE/api/v2; else API=$BASE/api/v1; fi
	AUTH=()
}

# req CODE METHOD URL [JSON]: one request; the body lands in $work/body.
# Fails unless the HTTP status is CODE.
req() {
	local want=$1 method=$2 url=$3 data=${4:-} code
	local args=(-sS -o "$work/body" -w '%{http_code}' -X "$method" "${AUTH[@]}" -H 'Accept: application/json')
	[ -n "$data" ] && args+=(-H 'Content-Type: application/json' --data-binary "$data")
	code=$(curl "${args[@]}" "$url") || fail "curl $method $url failed"
	if [ "$code" != "$want" ]; then
		head -c 2000 "$work/body" >&2; echo >&2
		fail "Airflow $MAJOR: $method $url answered $code, expected $want"
	fi
}

login() {
	if [ "$MAJOR" = 3 ]; then
		req 401 POST "$BASE/auth/token" '{"username": "admin", "password": "wrong"}'
		req 201 POST "$BASE/auth/token" '{"username": "admin", "password": "admin"}'
		AUTH=(-H "Authorization: Bearer $(jget "$work/body" 'd["access_token"]')")
	else
		AUTH=(-u admin:wrong)
		req 401 GET "$API/dags"
		AUTH=(-u admin:admin)
	fi
}

# trigger DAG [CONF_JSON] -> prints the run id
trigger() {
	local dag=$1 conf=${2:-"{}"} body
	if [ "$MAJOR" = 3 ]; then
		body="{\"logical_date\": null, \"conf\": $conf}"   # 3.x requires the key
	else
		body="{\"conf\": $conf}"                          # 2.x rejects a null date
	fi
	req 200 POST "$API/dags/$dag/dagRuns" "$body"
	jget "$work/body" 'd["dag_run_id"]'
}

# wait_run DAG RUN_ID STATE [TIMEOUT]
wait_run() {
	local dag=$1 run=$2 want=$3 timeout=${4:-300} t0=$SECONDS st
	while :; do
		req 200 GET "$API/dags/$dag/dagRuns/$(urlq "$run")"
		st=$(jget "$work/body" 'd["state"]')
		[ "$st" = "$want" ] && return 0
		case "$st" in success|failed)
			req 200 GET "$API/dags/$dag/dagRuns/$(urlq "$run")/taskInstances"
			jget "$work/body" '[(t["task_id"], t["state"]) for t in d["task_instances"]]' >&2
			fail "Airflow $MAJOR: $dag run ended $st, expected $want";;
		esac
		[ $((SECONDS - t0)) -lt "$timeout" ] || fail "Airflow $MAJOR: $dag still $st after $timeout s"
		sleep 2
	done
}

# ti_url DAG RUN_ID TASK
ti_url() { echo "$API/dags/$1/dagRuns/$(urlq "$2")/taskInstances/$(urlq "$3")"; }

# body_has TEXT WHAT: the last body contains TEXT
body_has() { grep -aqF -- "$1" "$work/body" || { head -c 1500 "$work/body" >&2; echo >&2; fail "Airflow $MAJOR: $2 lacks '$1'"; }; }

# read_log DAG RUN_ID TASK [CODE]: the JSON log of try 1 (Airflow 3 answers a
# list of structured events under "content", Airflow 2 one string).
read_log() { req "${4:-200}" GET "$(ti_url "$1" "$2" "$3")/logs/1?full_content=true"; }

check_version() {
	local major=$1 t0=$SECONDS want ca sp fa pa
	use_version "$major"
	say "---- Airflow $major at $BASE"
	want=$([ "$major" = 3 ] && echo 3.2.2 || echo 2.10.5)
	req 200 GET "$API/version"
	[ "$(jget "$work/body" 'd["version"]')" = "$want" ] || fail "version is not $want"
	login

	req 200 GET "$API/dags?limit=100"
	for dag in snowpark_demo customer_analytics snowdeck_faults snowdeck_params; do
		[ "$(jget "$work/body" "[x['is_paused'] for x in d['dags'] if x['dag_id'] == '$dag']")" = "[False]" ] ||
		    fail "Airflow $major: $dag missing or paused"
	done

	# A required param without a value is refused at trigger time.
	req 400 POST "$API/dags/snowdeck_params/dagRuns" \
	    "$([ "$major" = 3 ] && echo '{"logical_date": null}' || echo '{}')"
	body_has "name" "the missing-param error"

	ca=$(trigger customer_analytics)
	sp=$(trigger snowpark_demo)
	fa=$(trigger snowdeck_faults)
	pa=$(trigger snowdeck_params '{"name": "snow", "count": 3, "color": "blue"}')
	say "triggered 4 runs, e.g. customer_analytics/$ca"

	wait_run customer_analytics "$ca" success
	say "customer_analytics succeeded $((SECONDS - t0)) s after the first request"
	req 200 GET "$(ti_url customer_analytics "$ca" enter.check_service_status)/xcomEntries"
	[ "$(jget "$work/body" '[e["key"] for e in d["xcom_entries"]]')" = "['return_value']" ] ||
	    fail "Airflow $major: unexpected XCom list for enter.check_service_status"
	req 200 GET "$(ti_url customer_analytics "$ca" enter.check_service_status)/xcomEntries/return_value"
	body_has "sk-test-SECRET123" "the check_service_status XCom"
	body_has "minio-SECRET-456" "the check_service_status XCom"
	read_log customer_analytics "$ca" exit.exit_snowpark_containers
	body_has "Streamlit Link" "the exit_snowpark_containers log"

	wait_run snowpark_demo "$sp" success
	req 200 GET "$(ti_url snowpark_demo "$sp" train)/xcomEntries/return_value"
	body_has "snowflake://myaccount?&stage=DEMO.XCOM.XCOM_STAGE&key=snowpark_demo/train/$sp/0/return_value.bin" "train's XCom"
	req 200 GET "$(ti_url snowpark_demo "$sp" load.load_yellow_tripdata_sample_2019_01.csv)/xcomEntries/return_value"
	body_has "TAXI_RAW" "the load XCom"

	wait_run snowdeck_params "$pa" success
	req 200 GET "$(ti_url snowdeck_params "$pa" echo)/xcomEntries/return_value"
	body_has "snow" "the params echo"
	body_has "blue" "the params echo"

	wait_run snowdeck_faults "$fa" failed
	req 200 GET "$(ti_url snowdeck_faults "$fa" large_value)/xcomEntries/return_value"
	[ "$(wc -c <"$work/body")" -gt 150000 ] || fail "Airflow $major: large_value XCom is small"
	req 200 GET "$(ti_url snowdeck_faults "$fa" hostile_output)/xcomEntries/return_value"
	body_has "52;c;" "the hostile XCom"
	read_log snowdeck_faults "$fa" hostile_output
	body_has "pwned" "the hostile_output log"
	if [ "$major" = 3 ]; then
		read_log snowdeck_faults "$fa" raw_bytes
		body_has "after raw bytes" "the raw_bytes log"
	else
		# Airflow 2.10 fails to decode a task log with invalid UTF-8: HTTP 500.
		read_log snowdeck_faults "$fa" raw_bytes 500
	fi
	read_log snowdeck_faults "$fa" always_fails
	body_has "fails on purpose" "the always_fails log"

	# Clear the task that fails only on its first try: it must pass on try 2.
	# reset_dag_runs defaults to false on 2.x (the run stays failed and the
	# cleared task never runs) and to true on 3.x: always send it.
	req 200 POST "$API/dags/snowdeck_faults/clearTaskInstances" \
	    "{\"dry_run\": false, \"dag_run_id\": \"$fa\", \"task_ids\": [\"fails_first_try\"], \"only_failed\": true, \"reset_dag_runs\": true}"
	local t1=$SECONDS st=
	while :; do
		req 200 GET "$(ti_url snowdeck_faults "$fa" fails_first_try)"
		st=$(jget "$work/body" 'd["state"], d["try_number"]')
		[ "$st" = "('success', 2)" ] && break
		[ $((SECONDS - t1)) -lt 180 ] || fail "Airflow $major: cleared fails_first_try is $st"
		sleep 2
	done
	say "Airflow $major: all checks passed in $((SECONDS - t0)) s"
}

# --------------------------------------------------------------------- main
for major in $majors; do
	case "$major" in 3|2) ;; *) fail "unknown version '$major' (use 3 and/or 2)";; esac
	"$harness" install "$major"
done
# Start every requested version before waiting, so they run side by side.
for major in $majors; do
	free_port >"$work/af$major.port"
	mkdir -p "$work/af$major"
	started+=("$work/af$major")
	"$harness" start "$major" "$(cat "$work/af$major.port")" "$work/af$major"
done
for major in $majors; do
	"$harness" wait "$major" "$(cat "$work/af$major.port")" 300
done
for major in $majors; do
	check_version "$major"
done
for d in "${started[@]}"; do
	"$harness" stop "$d"
	pgrep -f -- "$d" >/dev/null && fail "processes of $d survived stop"
done
started=()
say "PASS ($majors)"

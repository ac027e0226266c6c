#!/usr/bin/env bash
# A real Airflow for snowdeck's tests, installed from PyPI into a cached venv
# and run on loopback.
#   harness.sh install 3|2                 create/reuse the pinned venv
#   harness.sh start 3|2 PORT STATEDIR     start it in the background
#   harness.sh wait 3|2 PORT [TIMEOUT]     until the API, login and DAGs answer
#   harness.sh stop STATEDIR               stop everything it started
#   harness.sh venv 3|2                    print the venv directory
# Credentials: admin/admin. Fails loudly (non-zero, log tail) on any problem.
# SNOWDECK_AIRFLOW_DAGS_FOLDER replaces the DAG folder (default: dags/ here) and
# SNOWDECK_AIRFLOW_EXPECT_DAGS the DAG ids `wait` waits for; any other
# AIRFLOW_*/PYTHONPATH setting in the caller's environment reaches Airflow as is.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${SNOWDECK_CACHE:-$HOME/.cache/snowdeck}
AF3=3.1.8
AF2=2.10.5

version() { [ "$1" = 3 ] && echo $AF3 || echo $AF2; }
venv() { echo "$cache/venv-airflow-$(version "$1")"; }
log() { echo "harness: $*" >&2; }

install() {
	local major=$1 v; v=$(venv "$major")
	[ -f "$v/.complete" ] && return 0
	local t0=$SECONDS
	log "installing apache-airflow==$(version "$major") into $v"
	rm -rf "$v"
	mkdir -p "$cache"
	python3 -m venv "$v"
	"$v/bin/pip" install -q --upgrade pip >&2
	"$v/bin/pip" install -q "apache-airflow==$(version "$major")" \
	    -r "$here/requirements-$major.txt" >&2
	"$v/bin/airflow" version >/dev/null
	touch "$v/.complete"
	log "installed in $((SECONDS - t0)) s"
}

env_for() {
	local major=$1 port=$2 home=$3
	export AIRFLOW_HOME=$home
	export AIRFLOW__CORE__DAGS_FOLDER=${SNOWDECK_AIRFLOW_DAGS_FOLDER:-$here/dags}
	export AIRFLOW__CORE__LOAD_EXAMPLES=False
	export AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION=False
	export AIRFLOW__CORE__FERNET_KEY=
	export AIRFLOW__WEBSERVER__SECRET_KEY=snowdeck-test-secret
	export AIRFLOW__API__SECRET_KEY=snowdeck-test-secret
	export AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT=$((port + 1))
	export AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT=$((port + 2))
	export AIRFLOW__SCHEDULER__MIN_FILE_PROCESS_INTERVAL=5
	export AIRFLOW__SCHEDULER__DAG_DIR_LIST_INTERVAL=5
	export AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL=5
	export AIRFLOW__DAG_PROCESSOR__MIN_FILE_PROCESS_INTERVAL=5
	export AIRFLOW__DAG_PROCESSOR__PARSING_PROCESSES=1
	export AIRFLOW__SCHEDULER__PARSING_PROCESSES=1
	export AIRFLOW__CORE__PARALLELISM=4
	export PATH=$(venv "$major")/bin:$PATH
	if [ "$major" = 3 ]; then
		export AIRFLOW__CORE__EXECUTOR=LocalExecutor
		export AIRFLOW__API__PORT=$port AIRFLOW__API__HOST=127.0.0.1
		export AIRFLOW__API__WORKERS=1
		export AIRFLOW__API__BASE_URL=http://127.0.0.1:$port
		export AIRFLOW__CORE__EXECUTION_API_SERVER_URL=http://127.0.0.1:$port/execution/
		export AIRFLOW__API_AUTH__JWT_SECRET=snowdeck-test-jwt-secret-0123456789
		export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS=admin:admin
		export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE=$home/passwords.json
	else
		export AIRFLOW__CORE__EXECUTOR=SequentialExecutor
		export AIRFLOW__API__AUTH_BACKENDS=airflow.api.auth.backend.basic_auth,airflow.api.auth.backend.session
		export AIRFLOW__WEBSERVER__WEB_SERVER_HOST=127.0.0.1
		export AIRFLOW__WEBSERVER__WEB_SERVER_PORT=$port
		export AIRFLOW__WEBSERVER__WORKERS=1
	fi
}

start() {
	local major=$1 port=$2 home=$3
	install "$major"
	mkdir -p "$home"
	home=$(cd "$home" && pwd)
	env_for "$major" "$port" "$home"
	local t0=$SECONDS
	airflow db migrate >"$home/migrate.log" 2>&1 || { tail -30 "$home/migrate.log" >&2; exit 1; }
	if [ "$major" = 3 ]; then
		echo '{"admin": "admin"}' > "$home/passwords.json"
		procs="api-server scheduler dag-processor"
	else
		airflow users create --username admin --password admin --role Admin \
		    --firstname a --lastname b --email a@b.c >"$home/users.log" 2>&1 ||
		    { tail -30 "$home/users.log" >&2; exit 1; }
		procs="webserver scheduler"
	fi
	: > "$home/pids"
	for p in $procs; do
		setsid airflow $p >"$home/$p.log" 2>&1 < /dev/null &
		echo $! >> "$home/pids"
	done
	echo "$major $port" > "$home/info"
	log "started Airflow $major on 127.0.0.1:$port ($((SECONDS - t0)) s)"
}

wait_ready() {
	local major=$1 port=$2 timeout=${3:-300} url=http://127.0.0.1:$2 t0=$SECONDS auth
	local expect=${SNOWDECK_AIRFLOW_EXPECT_DAGS:-snowpark_demo customer_analytics snowdeck_faults snowdeck_params}
	while :; do
		if [ "$major" = 3 ]; then
			tok=$(curl -sf -X POST -H 'Content-Type: application/json' \
			    -d '{"username":"admin","password":"admin"}' "$url/auth/token" 2>/dev/null |
			    python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])' 2>/dev/null || true)
			auth=(-H "Authorization: Bearer $tok")
			api=$url/api/v2
		else
			auth=(-u admin:admin)
			api=$url/api/v1
		fi
		n=$(curl -sf "${auth[@]}" "$api/dags?limit=100" 2>/dev/null |
		    python3 -c 'import json,sys; d=json.load(sys.stdin)["dags"]; w=sys.argv[1].split(); print(int(set(w) <= {x["dag_id"] for x in d}))' "$expect" 2>/dev/null || echo 0)
		if [ "$n" = 1 ]; then
			log "Airflow $major ready on $url after $((SECONDS - t0)) s"
			return 0
		fi
		if [ $((SECONDS - t0)) -ge "$timeout" ]; then
			log "Airflow $major on $url not ready after $timeout s; log tails:"
			for f in "$AIRFLOW_STATE"/*.log; do echo "== $f" >&2; tail -20 "$f" >&2; done 2>/dev/null || true
			exit 1
		fi
		sleep 2
	done
}

stop() {
	local home=$1 pid
	[ -f "$home/pids" ] || return 0
	for pid in $(cat "$home/pids"); do kill -TERM -- -"$pid" 2>/dev/null || true; done
	for _ in $(seq 1 30); do
		alive=0
		for pid in $(cat "$home/pids"); do kill -0 -- -"$pid" 2>/dev/null && alive=1; done
		[ $alive = 0 ] && break
		sleep 0.5
	done
	for pid in $(cat "$home/pids"); do kill -KILL -- -"$pid" 2>/dev/null || true; done
	rm -f "$home/pids"
}

cmd=${1:-}
case "$cmd" in
install) install "$2" ;;
start) start "$2" "$3" "$4" ;;
wait) AIRFLOW_STATE=${AIRFLOW_STATE:-/nonexistent} wait_ready "$2" "$3" "${4:-300}" ;;
stop) stop "$2" ;;
venv) venv "$2" ;;
*) echo "usage: harness.sh install|start|wait|stop ..." >&2; exit 2 ;;
esac

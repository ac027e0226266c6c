#!/usr/bin/env bash
# A real Apache Airflow for snowdeck's tests: installed from PyPI into a cached
# venv, started as separate processes on 127.0.0.1, stopped without leftovers.
#
#   harness.sh install 3|2                 create (or reuse) the pinned venv
#   harness.sh start 3|2 PORT STATEDIR     start it in the background
#   harness.sh wait 3|2 PORT [TIMEOUT]     block until API, login, scheduler and
#                                          the fixture DAGs answer (default 300 s)
#   harness.sh stop STATEDIR               stop everything start started
#   harness.sh env 3|2 PORT STATEDIR       print the environment (for debugging:
#                                          eval "$(harness.sh env 3 8080 /tmp/s)")
#   harness.sh venv 3|2                    print the venv directory
#
# Versions: Airflow 3 = apache-airflow 3.2.2, Airflow 2 = apache-airflow 2.10.5,
# installed against constraints-<major>.txt (a pip freeze of a verified venv;
# Airflow's own constraints files live on GitHub, which is unreachable here).
# Credentials: admin/admin (3: SimpleAuthManager, JWT from POST /auth/token;
# 2: FAB user + basic auth on /api/v1). Fixture DAGs: tests/airflow/dags.
#
# Environment:
#   SNOWDECK_CACHE         cache root (default ~/.cache/snowdeck); venvs live in
#                          $SNOWDECK_CACHE/venv-airflow-<version>
#   AIRFLOW_STATE          STATEDIR for `wait` (log tails on failure); by default
#                          `wait` finds it through the record `start` leaves
#   SNOWDECK_AIRFLOW_NO_DB_TEMPLATE=1   always run `airflow db migrate` instead of
#                          copying the cached freshly-migrated database
#   SNOWDECK_AIRFLOW_DAGS_FOLDER   another DAG folder (default: dags/ here; the
#                          demo's DAGs in tests/sandbox/demo/dags)
#   SNOWDECK_AIRFLOW_EXPECT_DAGS   the DAG ids `wait` waits for (default: the
#                          fixture DAGs)
#   SNOWDECK_AIRFLOW_KEEP_ENV      names of inherited AIRFLOW* variables to keep
#                          (space-separated; e.g. the demo's XCom backend
#                          settings); every other AIRFLOW* variable is dropped
#
# Everything binds 127.0.0.1 only: the API/web server gets --host 127.0.0.1 and
# the scheduler runs with --skip-serve-logs, because Airflow's task-log server
# has no bind-address option (it listens on [::]/0.0.0.0). Logs are read from
# the shared local log folder instead. Timings go to stderr.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${SNOWDECK_CACHE:-$HOME/.cache/snowdeck}
runtime=${XDG_RUNTIME_DIR:-/tmp}
AF3=3.2.2
AF2=2.10.5
FIXTURE_DAGS=${SNOWDECK_AIRFLOW_EXPECT_DAGS:-"snowpark_demo customer_analytics snowdeck_faults snowdeck_params"}

log() { echo "harness: $*" >&2; }
die() { echo "harness: ERROR: $*" >&2; exit 1; }
usage() {
	sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2
	exit 2
}

check_major() { case "${1:-}" in 3|2) ;; *) die "major version must be 3 or 2, got '${1:-}'";; esac; }
check_port() { [[ "${1:-}" =~ ^[0-9]+$ ]] && [ "$1" -ge 1024 ] && [ "$1" -le 65000 ] || die "bad port '${1:-}'"; }
version_of() { if [ "$1" = 3 ]; then echo "$AF3"; else echo "$AF2"; fi; }
venv_of() { echo "$cache/venv-airflow-$(version_of "$1")"; }
# The stamp records what the venv was built from; any change rebuilds it.
stamp_of() {
	cat "$here/requirements-$1.txt" "$here/constraints-$1.txt" |
	    sha256sum | cut -c1-16
}
now() { date +%s.%N; }
elapsed() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$1" "$(now)"; }

# --------------------------------------------------------------------- install
ensure_debian_packages() {
	# Only curl is used outside the venv (by `wait` and the self-test);
	# setsid/flock come from util-linux, which every Debian has. Debian's
	# python3 needs python3-venv for `python3 -m venv`.
	local missing=()
	command -v curl >/dev/null || missing+=(curl)
	command -v python3 >/dev/null || missing+=(python3)
	python3 -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv)
	[ ${#missing[@]} -eq 0 ] && return 0
	log "installing Debian packages: ${missing[*]}"
	local sudo=; [ "$(id -u)" -eq 0 ] || sudo=sudo
	$sudo apt-get update -qq >&2
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >&2
}

install() {
	local major=$1 venv stamp t0 version
	check_major "$major"
	ensure_debian_packages
	version=$(version_of "$major")
	venv=$(venv_of "$major")
	stamp=$(stamp_of "$major")
	mkdir -p "$cache"
	# Serialise concurrent installs of the same version (parallel test runs).
	exec 9>"$cache/.lock-airflow-$version"
	flock 9
	if [ "$(cat "$venv/.snowdeck-complete" 2>/dev/null)" = "$version $stamp" ]; then
		log "Airflow $version: cached venv $venv"
		exec 9>&-
		return 0
	fi
	python3 -c 'import sys; assert (3, 10) <= sys.version_info[:2] <= (3, 12), sys.version' ||
	    die "python3 must be 3.10-3.12 for Airflow $version"
	t0=$(now)
	log "installing apache-airflow==$version into $venv (takes a few minutes)"
	rm -rf "$venv"
	python3 -m venv "$venv"
	# Unconstrained installs of Airflow break whenever a dependency releases an
	# incompatible version, so the resolver is held to a known-good freeze.
	if ! "$venv/bin/pip" install --no-input --progress-bar off -q \
	    "apache-airflow==$version" \
	    -r "$here/requirements-$major.txt" \
	    -c "$here/constraints-$major.txt" >"$cache/install-airflow-$version.log" 2>&1; then
		tail -40 "$cache/install-airflow-$version.log" >&2
		die "pip install of apache-airflow==$version failed (log: $cache/install-airflow-$version.log)"
	fi
	# Smoke test: the CLI imports and reports the pinned version.
	local got
	got=$(AIRFLOW_HOME=$(mktemp -d) "$venv/bin/airflow" version 2>/dev/null | tail -1)
	[ "$got" = "$version" ] || die "installed airflow reports '$got', expected $version"
	echo "$version $stamp" >"$venv/.snowdeck-complete"
	log "TIMING install Airflow $version: $(elapsed "$t0") s"
	exec 9>&-
}

# ------------------------------------------------------------------ environment
# Exports the whole configuration of one instance. Every AIRFLOW* variable
# inherited from the caller is dropped first so the instance is reproducible.
setup_env() {
	local major=$1 port=$2 home=$3 v
	for v in $(compgen -e); do
		case " ${SNOWDECK_AIRFLOW_KEEP_ENV:-} " in *" $v "*) continue;; esac
		case "$v" in AIRFLOW*) unset "$v";; esac
	done
	export PATH="$(venv_of "$major")/bin:$PATH"   # airflow spawns `airflow ...`
	export SNOWDECK_AIRFLOW_STATE=$home           # marks our processes for `stop`
	export AIRFLOW_HOME=$home
	export AIRFLOW__CORE__DAGS_FOLDER=${SNOWDECK_AIRFLOW_DAGS_FOLDER:-$here/dags}
	export AIRFLOW__CORE__LOAD_EXAMPLES=False
	export AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION=False
	export AIRFLOW__CORE__DAG_DISCOVERY_SAFE_MODE=True
	# Fixed keys: the same for every process of an instance (tokens, log
	# signatures) and for the cached template database (encrypted connections).
	export AIRFLOW__CORE__FERNET_KEY=c25vd2RlY2stdGVzdC1mZXJuZXQta2V5LTAxMjM0NTY=
	export AIRFLOW__WEBSERVER__SECRET_KEY=snowdeck-test-secret-key
	export AIRFLOW__API__SECRET_KEY=snowdeck-test-secret-key
	export AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=sqlite:///$home/airflow.db
	export AIRFLOW__DATABASE__LOAD_DEFAULT_CONNECTIONS=False
	export AIRFLOW__USAGE_DATA_COLLECTION__ENABLED=False
	export AIRFLOW__CORE__PARALLELISM=4
	export AIRFLOW__SCHEDULER__CATCHUP_BY_DEFAULT=False
	export AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK=False
	# Two instances (2 and 3) may run at once: the log-server ports must differ
	# even though --skip-serve-logs means nothing listens on them.
	export AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT=$((port + 1))
	export AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT=$((port + 2))
	if [ "$major" = 3 ]; then
		export AIRFLOW__CORE__EXECUTOR=LocalExecutor
		export AIRFLOW__API__HOST=127.0.0.1
		export AIRFLOW__API__PORT=$port
		export AIRFLOW__API__WORKERS=1
		export AIRFLOW__API__BASE_URL=http://127.0.0.1:$port
		# Tasks talk to the api-server's Execution API; the default assumes 8080.
		export AIRFLOW__CORE__EXECUTION_API_SERVER_URL=http://127.0.0.1:$port/execution/
		export AIRFLOW__API_AUTH__JWT_SECRET=snowdeck-test-jwt-secret-0123456789abcdef
		export AIRFLOW__CORE__AUTH_MANAGER=airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager
		export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS=admin:admin
		export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS=False
		export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE=$home/simple_auth_manager_passwords.json
		export AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL=5
		export AIRFLOW__DAG_PROCESSOR__MIN_FILE_PROCESS_INTERVAL=5
		export AIRFLOW__DAG_PROCESSOR__PARSING_PROCESSES=1
	else
		# SQLite allows only the SequentialExecutor in Airflow 2.
		export AIRFLOW__CORE__EXECUTOR=SequentialExecutor
		export AIRFLOW__API__AUTH_BACKENDS=airflow.providers.fab.auth_manager.api.auth.backend.basic_auth,airflow.api.auth.backend.session
		export AIRFLOW__WEBSERVER__WEB_SERVER_HOST=127.0.0.1
		export AIRFLOW__WEBSERVER__WEB_SERVER_PORT=$port
		export AIRFLOW__WEBSERVER__BASE_URL=http://127.0.0.1:$port
		export AIRFLOW__WEBSERVER__WORKERS=1
		export AIRFLOW__WEBSERVER__AUTH_RATE_LIMITED=False
		export AIRFLOW__WEBSERVER__WARN_DEPLOYMENT_EXPOSURE=False
		export AIRFLOW__SCHEDULER__DAG_DIR_LIST_INTERVAL=5
		export AIRFLOW__SCHEDULER__MIN_FILE_PROCESS_INTERVAL=5
		export AIRFLOW__SCHEDULER__PARSING_PROCESSES=1
		export AIRFLOW__SCHEDULER__STANDALONE_DAG_PROCESSOR=False
	fi
}

# ------------------------------------------------------------------------ start
port_free() {
	python3 - "$1" <<-'EOF'
	import socket, sys
	s = socket.socket()
	try:
	    s.bind(("127.0.0.1", int(sys.argv[1])))
	except OSError:
	    sys.exit(1)
	EOF
}

# Runs one long-lived Airflow command in its own session/process group (the
# group id is its pid), logging to STATEDIR/<name>.log, and records the pid.
spawn() {
	local home=$1 name=$2; shift 2
	setsid "$@" >"$home/$name.log" 2>&1 </dev/null &
	echo "$! $name" >>"$home/pids"
}

# Runs a one-shot Airflow command, failing loudly with its log.
run_step() {
	local home=$1 name=$2; shift 2
	if ! "$@" >"$home/$name.log" 2>&1 </dev/null; then
		tail -40 "$home/$name.log" >&2
		die "'$*' failed (log: $home/$name.log)"
	fi
}

# The freshly migrated database (plus, for 2, the admin user) is the same for
# every instance of one venv build, so it is made once and copied.
prepare_db() {
	local major=$1 home=$2 venv template
	venv=$(venv_of "$major")
	template="$venv/template-$(stamp_of "$major")-$(sha256sum "${BASH_SOURCE[0]}" | cut -c1-12).db"
	if [ "${SNOWDECK_AIRFLOW_NO_DB_TEMPLATE:-0}" != 1 ] && [ -s "$template" ]; then
		cp "$template" "$home/airflow.db"
		return 0
	fi
	run_step "$home" db-migrate airflow db migrate
	if [ "$major" = 2 ]; then
		run_step "$home" users-create airflow users create --username admin --password admin \
		    --role Admin --firstname Snow --lastname Deck --email admin@example.com
	fi
	if [ "${SNOWDECK_AIRFLOW_NO_DB_TEMPLATE:-0}" != 1 ]; then
		# sqlite's own backup API gives a consistent copy; rename is atomic.
		python3 -c 'import sqlite3,sys; d=sqlite3.connect(sys.argv[2]); sqlite3.connect(sys.argv[1]).backup(d); d.close()' \
		    "$home/airflow.db" "$template.tmp.$$" && mv -f "$template.tmp.$$" "$template"
		find "$venv" -maxdepth 1 -name 'template-*.db' ! -name "${template##*/}" -delete
	fi
}

start() {
	local major=$1 port=$2 home=$3 t0
	check_major "$major"; check_port "$port"
	install "$major"
	t0=$(now)
	mkdir -p "$home"
	home=$(cd "$home" && pwd)
	# STATEDIR must be empty or a stopped state dir of ours (then wiped).
	if [ -e "$home/pids" ]; then
		die "$home has a pids file: stop it first ('harness.sh stop $home')"
	fi
	if [ -n "$(ls -A "$home")" ]; then
		[ -f "$home/.snowdeck-airflow-state" ] || die "$home is not empty and not a harness state dir"
		find "$home" -mindepth 1 -delete
	fi
	port_free "$port" || die "127.0.0.1:$port is already in use"
	touch "$home/.snowdeck-airflow-state"
	echo "$major $port $(version_of "$major") $t0" >"$home/instance"
	echo "$home" >"$runtime/snowdeck-airflow-$port.state"
	setup_env "$major" "$port" "$home"
	: >"$home/pids"

	prepare_db "$major" "$home"
	if [ "$major" = 3 ]; then
		# Known password: SimpleAuthManager keeps entries already in the file.
		echo '{"admin": "admin"}' >"$AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"
		spawn "$home" api-server airflow api-server --host 127.0.0.1 --port "$port" --workers 1
		# Parse the DAG folder now (while the api-server boots) so the DAGs are
		# in the database before the first dag-processor loop.
		run_step "$home" reserialize airflow dags reserialize
		spawn "$home" scheduler airflow scheduler --skip-serve-logs
		spawn "$home" dag-processor airflow dag-processor
	else
		spawn "$home" webserver airflow webserver --hostname 127.0.0.1 --port "$port" --workers 1
		run_step "$home" reserialize airflow dags reserialize
		spawn "$home" scheduler airflow scheduler --skip-serve-logs
	fi
	log "TIMING start Airflow $(version_of "$major") on http://127.0.0.1:$port: $(elapsed "$t0") s (state $home)"
}

# ------------------------------------------------------------------------- wait
state_for_port() {
	if [ -n "${AIRFLOW_STATE:-}" ]; then echo "$AIRFLOW_STATE"; return; fi
	cat "$runtime/snowdeck-airflow-$1.state" 2>/dev/null || true
}

dump_logs() {
	local home=$1 f
	[ -d "$home" ] || { log "(no state dir known for the logs)"; return 0; }
	for f in "$home"/*.log; do
		[ -f "$f" ] || continue
		echo "----- tail of $f" >&2
		tail -n 25 "$f" >&2
	done
}

# Prints "ok" or the reason the instance is not ready yet (one line).
probe() {
	local major=$1 url=$2 py
	# shellcheck disable=SC2016
	py='
import base64, json, sys, urllib.request, urllib.error
major, url, want = sys.argv[1], sys.argv[2], sys.argv[3].split()
def call(path, method="GET", body=None, auth=None):
    req = urllib.request.Request(url + path, method=method,
                                 data=None if body is None else json.dumps(body).encode())
    req.add_header("Accept", "application/json")
    if body is not None: req.add_header("Content-Type", "application/json")
    if auth: req.add_header("Authorization", auth)
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.load(r)
try:
    api = "/api/v2" if major == "3" else "/api/v1"
    call(api + "/version")
    if major == "3":
        tok = call("/auth/token", "POST", {"username": "admin", "password": "admin"})["access_token"]
        auth = "Bearer " + tok
        health = call(api + "/monitor/health")
        parts = ("scheduler", "dag_processor")
    else:
        auth = "Basic " + base64.b64encode(b"admin:admin").decode()
        health = call(api + "/health")
        parts = ("scheduler",)
    for p in parts:
        st = (health.get(p) or {}).get("status")
        if st != "healthy":
            print(f"{p} is {st}"); sys.exit()
    errs = call(api + "/importErrors", auth=auth)
    if errs.get("total_entries"):
        print("IMPORT ERRORS: " + json.dumps(errs)[:2000]); sys.exit()
    dags = {d["dag_id"] for d in call(api + "/dags?limit=100", auth=auth)["dags"]}
    missing = [d for d in want if d not in dags]
    print(f"DAGs not listed yet: {missing}" if missing else "ok")
except urllib.error.HTTPError as e:
    print(f"HTTP {e.code} on {e.url}")
except Exception as e:
    print(f"{type(e).__name__}: {e}")
'
	python3 -c "$py" "$major" "$url" "$FIXTURE_DAGS"
}

wait_ready() {
	local major=$1 port=$2 timeout=${3:-300} url home t0 status="" started pid name
	check_major "$major"; check_port "$port"
	url=http://127.0.0.1:$port
	home=$(state_for_port "$port")
	t0=$(now)
	while :; do
		status=$(probe "$major" "$url")
		[ "$status" = ok ] && break
		case "$status" in IMPORT\ ERRORS*) dump_logs "$home"; die "$status";; esac
		# A process that died will not come back: fail now, not at the timeout.
		if [ -f "$home/pids" ]; then
			while read -r pid name; do
				kill -0 "$pid" 2>/dev/null || { dump_logs "$home"; die "Airflow $major '$name' (pid $pid) exited"; }
			done <"$home/pids"
		fi
		if python3 -c "import sys; sys.exit(float(sys.argv[1]) < float(sys.argv[2]))" "$(elapsed "$t0")" "$timeout"; then
			dump_logs "$home"
			die "Airflow $major on $url not ready after $timeout s: $status"
		fi
		sleep 1
	done
	started=$(awk '{print $4}' "$home/instance" 2>/dev/null || true)
	log "TIMING ready Airflow $major on $url: waited $(elapsed "$t0") s${started:+, start-to-ready $(elapsed "$started") s}"
}

# ------------------------------------------------------------------------- stop
# Pids of every process whose environment carries our state marker: catches
# task processes that Airflow moved into their own process group.
marked_pids() {
	local home=$1 f pid
	for f in /proc/[0-9]*/environ; do
		pid=${f#/proc/}; pid=${pid%/environ}
		[ "$pid" = $$ ] && continue
		# (processes vanish while we read: silence those errors)
		{ tr '\0' '\n' <"$f" | grep -qxF "SNOWDECK_AIRFLOW_STATE=$home"; } 2>/dev/null && echo "$pid"
	done
	return 0
}

stop() {
	local home=$1 pid name i left port
	[ -d "$home" ] || { log "stop: $home does not exist"; return 0; }
	home=$(cd "$home" && pwd)
	if [ -f "$home/pids" ]; then
		while read -r pid name; do
			kill -TERM -- "-$pid" 2>/dev/null || true
		done <"$home/pids"
		# Airflow shuts down gracefully within a few seconds; allow 20.
		for i in $(seq 1 40); do
			left=0
			while read -r pid name; do
				kill -0 -- "-$pid" 2>/dev/null && left=1
			done <"$home/pids"
			[ $left = 0 ] && break
			sleep 0.5
		done
		while read -r pid name; do
			kill -KILL -- "-$pid" 2>/dev/null || true
		done <"$home/pids"
	fi
	# Stragglers outside the groups (task runners call setpgid/setsid).
	for i in 1 2 3; do
		left=$(marked_pids "$home")
		[ -z "$left" ] && break
		# shellcheck disable=SC2086
		kill -KILL $left 2>/dev/null || true
		sleep 0.5
	done
	left=$(marked_pids "$home")
	[ -z "$left" ] || die "processes still running after stop: $left"
	if [ -f "$home/instance" ]; then
		port=$(awk '{print $2}' "$home/instance")
		[ "$(cat "$runtime/snowdeck-airflow-$port.state" 2>/dev/null)" = "$home" ] &&
		    rm -f "$runtime/snowdeck-airflow-$port.state"
	fi
	rm -f "$home/pids"
	log "stopped Airflow in $home"
}

# ------------------------------------------------------------------------- main
case "${1:-}" in
install) [ $# -eq 2 ] || usage; install "$2" ;;
start)   [ $# -eq 4 ] || usage; start "$2" "$3" "$4" ;;
wait)    [ $# -ge 3 ] && [ $# -le 4 ] || usage; wait_ready "$2" "$3" "${4:-300}" ;;
stop)    [ $# -eq 2 ] || usage; stop "$2" ;;
venv)    [ $# -eq 2 ] || usage; check_major "$2"; venv_of "$2" ;;
env)     [ $# -eq 4 ] || usage; check_major "$2"; setup_env "$2" "$3" "$4"; export -p | grep -E ' (AIRFLOW|PATH=|SNOWDECK_AIRFLOW)' ;;
*) usage ;;
esac

#!/usr/bin/env bash
# The issue-2 benchmark (make bench): snowdeck against 1,000 DAGs and 100,000
# DAG runs.
#
#   bench/run.sh            (SNOWDECK_BIN=path/to/snowdeck, default ./snowdeck)
#
# 1. A real Airflow 3 (tests/airflow/harness.sh's pinned venv and instance
#    settings) is filled by bench/fill_airflow.py: a generated DAG file with
#    1,000 DAGs, serialized by `airflow dags reserialize`, then 100,000 DAG
#    runs (and task instances for each DAG's newest 3 runs) inserted through
#    Airflow's own models and session. The filled database is cached in
#    $SNOWDECK_CACHE (default ~/.cache/snowdeck); the first fill takes a few
#    minutes. Only the api-server runs (no scheduler: every run is finished),
#    with the default page limits (100 per page at most).
# 2. Its answers are recorded (bench/record_airflow.py) and served by
#    bench/replay_airflow.py for the console measurements: a real Airflow on
#    SQLite needs seconds per page deep into 100,000 runs, so the console's
#    full load would take most of an hour there. A counting proxy
#    (bench/countproxy.py) sits between the console and the replay.
# 3. The console runs in a detached tmux (bench/tui_probe.py): first frame,
#    all panes loaded, idle CPU / wake-ups / bytes per refresh cycle over
#    BENCH_IDLE_SECONDS (60), scrolling through every run, peak RSS.
# 4. hyperfine compares `snowdeck get runs DAG` with airflowctl (PyPI
#    apache-airflow-ctl, pinned, its own venv) and `airflow dags list-runs`
#    on the same real server and database, in one run, and reports ratios.
# The figures table goes to stdout and, for the issue's sizes (1,000 DAGs,
# 100 runs each), to bench/results/latest.txt.
#
# Environment: BENCH_DAGS (1000), BENCH_RUNS_PER_DAG (100),
# BENCH_IDLE_SECONDS (60), BENCH_HYPERFINE_RUNS (10), BENCH_KEEP=1 keeps
# the work directory. Fails loudly (non-zero, with the log) when anything
# cannot be installed, started or verified; never leaves processes behind.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
harness=$root/tests/airflow/harness.sh
BIN=$(realpath "${SNOWDECK_BIN:-$root/snowdeck}")
NDAGS=${BENCH_DAGS:-1000}
PERDAG=${BENCH_RUNS_PER_DAG:-100}
IDLE=${BENCH_IDLE_SECONDS:-60}
HF_RUNS=${BENCH_HYPERFINE_RUNS:-10}
CTL_VERSION=0.1.5
cache=${SNOWDECK_CACHE:-$HOME/.cache/snowdeck}
work=$(mktemp -d /tmp/snowdeck-bench.XXXXXX)
sock=snowdeck-bench-$$
pids=()

say() { echo "bench: $*" >&2; }
die() { echo "bench: ERROR: $*" >&2; exit 1; }
now() { date +%s.%N; }
since() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$1" "$(now)"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

cleanup() {
	local rc=$? p
	tmux -L "$sock" kill-server >/dev/null 2>&1 || true
	for p in "${pids[@]}"; do
		kill -TERM -- "-$p" 2>/dev/null || true
	done
	sleep 1
	for p in "${pids[@]}"; do
		kill -KILL -- "-$p" 2>/dev/null || true
	done
	if [ $rc -ne 0 ] || [ "${BENCH_KEEP:-0}" = 1 ]; then
		say "work directory kept: $work"
	else
		rm -rf "$work"
	fi
	exit $rc
}
trap cleanup EXIT INT TERM

# Starts a long-lived helper in its own process group (killed as a group).
spawn() {
	local name=$1; shift
	setsid "$@" >"$work/$name.log" 2>&1 </dev/null &
	pids+=($!)
}

wait_http() {
	local url=$1 what=$2 timeout=$3 t0=$SECONDS
	until curl -fsS -o /dev/null "$url" 2>/dev/null; do
		[ $((SECONDS - t0)) -lt "$timeout" ] || { tail -30 "$work/$what.log" >&2; die "$what did not answer $url within $timeout s"; }
		sleep 0.5
	done
}

[ -x "$BIN" ] || die "no snowdeck binary at $BIN (run make first)"

# ---------------------------------------------------------------- tools
need=()
command -v hyperfine >/dev/null || need+=(hyperfine)
command -v tmux >/dev/null || need+=(tmux)
command -v curl >/dev/null || need+=(curl)
if [ ${#need[@]} -gt 0 ]; then
	say "installing Debian packages: ${need[*]}"
	sudo=; [ "$(id -u)" -eq 0 ] || sudo=sudo
	$sudo apt-get update -qq >&2
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
fi
"$harness" install 3
ctl=$cache/venv-bench-airflowctl-$CTL_VERSION
if [ ! -f "$ctl/.snowdeck-complete" ]; then
	say "installing apache-airflow-ctl==$CTL_VERSION into $ctl"
	rm -rf "$ctl"
	python3 -m venv "$ctl"
	"$ctl/bin/pip" install --no-input --progress-bar off -q "apache-airflow-ctl==$CTL_VERSION" \
	    >"$work/pip-airflowctl.log" 2>&1 || { tail -30 "$work/pip-airflowctl.log" >&2; die "pip install apache-airflow-ctl==$CTL_VERSION failed"; }
	touch "$ctl/.snowdeck-complete"
fi

# ------------------------------------------------- the real Airflow, filled
api_port=$(free_port)
af=$work/af
mkdir -p "$af"
eval "$("$harness" env 3 "$api_port" "$af")"
af_version=$(airflow version 2>/dev/null | tail -1)
# A stable DAG folder: the serialized DAGs in the cached database point at it.
dags=$cache/bench-dags-$NDAGS
mkdir -p "$dags"
python3 "$here/fill_airflow.py" dags "$dags" "$NDAGS"
export AIRFLOW__CORE__DAGS_FOLDER=$dags
export AIRFLOW__CORE__DAGBAG_IMPORT_TIMEOUT=600
key=$({ cat "$here/fill_airflow.py"; echo "$af_version $NDAGS $PERDAG"; } | sha256sum | cut -c1-12)
db_cache=$cache/bench-airflow-$af_version-$key.db
t0=$(now)
if [ -s "$db_cache" ]; then
	cp "$db_cache" "$af/airflow.db"
	say "filled database from cache $db_cache"
else
	say "filling a real Airflow $af_version: $NDAGS DAGs, $((NDAGS * PERDAG)) runs (a few minutes, cached afterwards)"
	airflow db migrate >"$work/migrate.log" 2>&1 || { tail -30 "$work/migrate.log" >&2; die "airflow db migrate failed"; }
	say "TIMING migrate: $(since "$t0") s"
	airflow dags reserialize >"$work/reserialize.log" 2>&1 || { tail -30 "$work/reserialize.log" >&2; die "airflow dags reserialize failed"; }
	say "TIMING reserialize $NDAGS DAGs: $(since "$t0") s"
	python "$here/fill_airflow.py" runs "$NDAGS" "$PERDAG" 2>"$work/fill.log" || { tail -30 "$work/fill.log" >&2; die "filling the runs failed"; }
	python3 -c 'import sqlite3,sys; d=sqlite3.connect(sys.argv[2]); sqlite3.connect(sys.argv[1]).backup(d); d.close()' \
	    "$af/airflow.db" "$db_cache.tmp.$$" && mv -f "$db_cache.tmp.$$" "$db_cache"
	say "TIMING fill: $(since "$t0") s"
fi
python "$here/fill_airflow.py" check "$NDAGS" "$PERDAG" 2>"$work/check.log" || { cat "$work/check.log" >&2; die "the filled database is not what was asked for"; }
fill_s=$(since "$t0")
echo '{"admin": "admin"}' >"$AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"
t0=$(now)
spawn api-server airflow api-server --host 127.0.0.1 --port "$api_port" --workers 1
api_pid=${pids[-1]}
wait_http "http://127.0.0.1:$api_port/api/v2/version" api-server 180
say "TIMING api-server up: $(since "$t0") s"
AF_URL=http://127.0.0.1:$api_port

# ------------------------------------------------------ recording and replay
rec=$cache/bench-record-$af_version-$key
crashes=0
if [ ! -s "$rec/runs.json" ]; then
	t0=$(now)
	# Resumable: after an api-server crash, restart it and go on.
	for attempt in 1 2 3 4 5 6; do
		if python3 "$here/record_airflow.py" "$AF_URL" "$rec.partial" 2>"$work/record.log"; then
			break
		fi
		curl -fsS -o /dev/null "$AF_URL/api/v2/version" 2>/dev/null && {
			cat "$work/record.log" >&2; die "recording the real Airflow failed (the server is up)"; }
		crashes=$((crashes + 1))
		[ "$attempt" -lt 6 ] || { cat "$work/record.log" >&2; die "the api-server died $crashes times while recording"; }
		say "the api-server died while recording ($(dmesg 2>/dev/null | grep -c 'api_ser.*segfault' || true) api-server segfaults in dmesg so far); restarting it"
		kill -KILL -- "-$api_pid" 2>/dev/null || true
		sleep 1
		spawn api-server-$attempt airflow api-server --host 127.0.0.1 --port "$api_port" --workers 1
		api_pid=${pids[-1]}
		wait_http "http://127.0.0.1:$api_port/api/v2/version" api-server-$attempt 180
	done
	rm -rf "$rec" && mv "$rec.partial" "$rec"
	say "TIMING record: $(since "$t0") s ($crashes api-server restarts)"
fi
echo "$crashes" >"$work/api-crashes"
replay_port=$(free_port)
spawn replay python3 "$here/replay_airflow.py" "$replay_port" "$rec"
wait_http "http://127.0.0.1:$replay_port/api/v2/version" replay 120
python3 "$here/compare_replay.py" "$AF_URL" "http://127.0.0.1:$replay_port" ||
    die "the replay does not answer like the real server"
proxy_port=$(free_port)
: >"$work/proxy-bytes.log"
spawn proxy python3 "$here/countproxy.py" "$proxy_port" "$replay_port" "$work/proxy-bytes.log"
wait_http "http://127.0.0.1:$proxy_port/api/v2/version" proxy 30

# ------------------------------------------------------------- the console
say "console: load, ${IDLE} s idle, scrolling (tmux -L $sock)"
python3 "$here/tui_probe.py" --bin "$BIN" --url "http://127.0.0.1:$proxy_port" --sock "$sock" \
    --proxy-log "$work/proxy-bytes.log" --workdir "$work" --out "$work/tui.json" \
    --dags "$NDAGS" --runs "$((NDAGS * PERDAG))" --idle "$IDLE" || die "the console measurements failed"

# --------------------------------------------- get runs vs airflowctl vs CLI
token=$(curl -fsS -X POST -H 'Content-Type: application/json' -d '{"username": "admin", "password": "admin"}' \
    "$AF_URL/auth/token" | python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')
# airflowctl keeps its API URL in $AIRFLOW_HOME/production.json (beside
# Airflow's own files, which it does not touch) and takes the token from the
# environment, so no secret appears on a command line or in hyperfine's JSON.
AIRFLOW_CLI_TOKEN=$token "$ctl/bin/airflowctl" auth login --api-url "$AF_URL" --api-token "$token" --skip-keyring \
    >"$work/ctl-login.log" 2>&1 || { cat "$work/ctl-login.log" >&2; die "airflowctl auth login failed"; }
export AIRFLOW_CLI_TOKEN=$token
export SNOWDECK_AIRFLOW_URL=$AF_URL SNOWDECK_AIRFLOW_USERNAME=admin SNOWDECK_AIRFLOW_PASSWORD=admin
export SNOWDECK_AUDIT=$work/cli-audit.jsonl
dag=bench_dag_0001
sd_cmd="$BIN get runs $dag -o json"
ctl_cmd="$ctl/bin/airflowctl dagrun list --dag-id $dag --limit $PERDAG -o json"
cli_cmd="airflow dags list-runs $dag -o json"
# All three must list the same runs before they are timed.
for c in sd ctl cli; do
	eval "cmd=\$${c}_cmd"
	# shellcheck disable=SC2154
	$cmd >"$work/out-$c.json" 2>"$work/out-$c.err" || { tail -20 "$work/out-$c.err" >&2; die "'$cmd' failed"; }
done
python3 - "$work" "$PERDAG" <<-'PY' || die "the three commands do not list the same $PERDAG runs"
	import json, sys
	w, n = sys.argv[1], int(sys.argv[2])
	def ids(name):
	    # The Airflow CLI logs to stdout before its JSON: start at the first
	    # line that opens a document.
	    lines = open(f"{w}/out-{name}.json").read().splitlines(True)
	    k = next(i for i, ln in enumerate(lines) if ln[:1] in "[{")
	    doc = json.loads("".join(lines[k:]))
	    if isinstance(doc, dict):
	        doc = [doc]
	    runs = []
	    for r in doc:  # airflowctl: [{"dag_runs": [...], ...}]
	        runs.extend(r["dag_runs"] if "dag_runs" in r else [r])
	    return sorted(r.get("dag_run_id") or r.get("run_id") for r in runs)
	a, b, c = ids("sd"), ids("ctl"), ids("cli")
	print(f"bench: get runs lists {len(a)}, airflowctl {len(b)}, airflow CLI {len(c)} runs", file=sys.stderr)
	sys.exit(0 if len(a) == n and a == b == c else 1)
	PY
say "hyperfine: $HF_RUNS runs each"
hyperfine --style basic --warmup 2 --runs "$HF_RUNS" --export-json "$work/hyperfine.json" \
    -n "snowdeck get runs $dag" "$sd_cmd" \
    -n "airflowctl dagrun list --dag-id $dag" "$ctl_cmd" \
    -n "airflow dags list-runs $dag" "$cli_cmd" >"$work/hyperfine.txt" 2>&1 ||
    { cat "$work/hyperfine.txt" >&2; die "hyperfine failed"; }

# ------------------------------------------------------------------ report
# Only the issue's sizes replace the committed sample table.
out=$work/results.txt
[ "$NDAGS" = 1000 ] && [ "$PERDAG" = 100 ] && out=$here/results/latest.txt
mkdir -p "$(dirname "$out")"
python3 "$here/report.py" "$work" "$BIN" "$af_version" "$NDAGS" "$((NDAGS * PERDAG))" "$fill_s" | tee "$out"

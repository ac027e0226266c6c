#!/usr/bin/env bash
# make demo: the seed's two demos running locally, and snowdeck on all of it.
#   tests/demo.sh           build is done by make; start the Snowflake sandbox (empty),
#                           run `snowdeck setup --apply --yes` on it, start the local
#                           service containers (when Podman is present), start Airflow 3
#                           on loopback with the demo DAGs and the Snowflake XCom backend,
#                           open snowdeck in this terminal; quitting stops all of it.
#   tests/demo.sh --check   the same, non-interactively: snowdeck in a detached tmux,
#                           panes populated, customer_analytics triggered and waited for,
#                           quit, and nothing left running (make demo-check, in make check).
# The stack itself: tests/sandbox/demo/stack.py (TEST AND DEMO INFRASTRUCTURE).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
stack=$root/tests/sandbox/demo/stack.py
check=0
[ "${1:-}" = "--check" ] && check=1
state=$(mktemp -d /tmp/snowdeck-demo.XXXXXX)
sock=snowdeck-demo-$$
downed=0
down() {
	[ $downed = 1 ] && return 0
	downed=1
	tmux -L "$sock" kill-server >/dev/null 2>&1 || true
	python3 "$stack" down "$state" || true
}
cleanup() {
	down
	rm -rf "$state"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
fail() {
	echo "demo check: FAILED: $*" >&2
	[ -f "$state/screen.txt" ] && { echo "--- last screen:" >&2; cat "$state/screen.txt" >&2; }
	exit 1
}

"$root/tests/deps.sh" --all
t0=$SECONDS
echo "snowdeck demo: starting the Snowflake sandbox, setup, services and Airflow 3" \
    "(the first run installs Airflow and the demo's packages: a few minutes)" >&2
python3 "$stack" up "$state"
# shellcheck disable=SC1091
. "$state/demo.env"
sd=${SNOWDECK_BIN:-$root/snowdeck}
echo "snowdeck demo: up in $((SECONDS - t0)) s" >&2

if [ $check = 0 ]; then
	if [ -z "${DOCKER_HOST:-}" ]; then
		echo "snowdeck demo: no container engine here, so no service containers" >&2
	fi
	echo "snowdeck demo: walkthrough in README.md (Demo walkthrough); q quits" >&2
	"$sd" || true
	exit 0
fi

# ---- --check: non-interactive
screen() { tmux -L "$sock" capture-pane -p -t demo >"$state/screen.txt" 2>/dev/null; }
wait_screen() { # wait_screen WHAT TIMEOUT REGEX...
	local what=$1 timeout=$2 t=$SECONDS ok re
	shift 2
	while :; do
		screen || fail "snowdeck is not running in tmux (it exited?)"
		ok=1
		for re in "$@"; do grep -Eq -- "$re" "$state/screen.txt" || ok=0; done
		[ $ok = 1 ] && { echo "demo check: ok: $what" >&2; return 0; }
		[ $((SECONDS - t)) -ge "$timeout" ] && fail "$what: not on screen after $timeout s"
		sleep 1
	done
}

tmux -L "$sock" -f /dev/null new-session -d -s demo -x 200 -y 50 "exec $sd"
wait_screen "the DAGs pane lists both demo DAGs" 60 customer_analytics snowpark_demo

run=demo_check_$$
"$sd" trigger customer_analytics --run-id "$run" >/dev/null || fail "snowdeck trigger"
t=$SECONDS
while :; do
	st=$("$sd" get runs customer_analytics -o json | python3 -c '
import json, sys
d = json.load(sys.stdin)
runs = d.get("dag_runs") or d.get("runs") or [] if isinstance(d, dict) else d
print(next((r.get("state") for r in runs if r.get("dag_run_id", r.get("run_id")) == sys.argv[1]), "none"))
' "$run")
	case $st in
	success) break ;;
	failed) "$sd" get tasks customer_analytics "$run" >&2 || true
		fail "customer_analytics run $run failed" ;;
	esac
	[ $((SECONDS - t)) -ge "${DEMO_RUN_TIMEOUT:-600}" ] && {
		"$sd" get tasks customer_analytics "$run" >&2 || true
		fail "customer_analytics run $run still $st after ${DEMO_RUN_TIMEOUT:-600} s"; }
	sleep 2
done
echo "demo check: ok: customer_analytics run $run succeeded in $((SECONDS - t)) s" >&2
# The runs pane of the selected DAG (customer_analytics sorts first) shows the run
# (its id may be cut to the pane's width: the state and the pane's count are checked).
wait_screen "the runs pane shows the successful run" 30 "Runs \\([1-9][0-9]*\\)" "success"
# Panes of the binary's own: when it shows a services or Snowflake pane, it is populated.
screen
if grep -Eq "Services|Containers" "$state/screen.txt"; then
	wait_screen "the services pane lists the service containers" 30 "airflow-task-runner|streamlit"
fi
if grep -Eq "Stages|Snowflake" "$state/screen.txt"; then
	wait_screen "the Snowflake pane shows the XCom objects" 30 "XCOM_(STAGE|TABLE)"
fi
# Every demo XCom reference resolves (snowdeck's core, headless).
"$sd" get xcom customer_analytics "$run" enter.check_service_status return_value >"$state/xcom.txt" ||
    fail "snowdeck get xcom"
grep -q "snowflake://SNOWDECK_SANDBOX?&table=DEMO.XCOM.XCOM_TABLE&key=customer_analytics/enter.check_service_status/$run/0/return_value" \
    "$state/xcom.txt" || fail "the XCom is not the seed's reference string: $(cat "$state/xcom.txt")"
echo "demo check: ok: enter.check_service_status holds the seed's reference string" >&2
"$sd" get xcom customer_analytics "$run" enter.check_service_status return_value --resolve -o json \
    >"$state/resolved.json" || fail "snowdeck get xcom --resolve"
python3 - "$state/resolved.json" <<'EOF' || fail "the resolved XCom: $(head -c 2000 "$state/resolved.json")"
import json, sys
ref = json.load(open(sys.argv[1]))["references"][0]
assert ref["kind"] == "table" and ref["value_type"] == "dict", ref
assert ref["value"]["weaviate_conn"]["headers"]["X-OpenAI-Api-Key"] == "***", ref
assert ref["value"]["minio_conn"]["aws_secret_access_key"] == "***", ref
EOF
echo "demo check: ok: --resolve lands on the XCOM_TABLE row, API and MinIO keys masked" >&2
"$sd" doctor >"$state/doctor.txt" 2>&1 || { cat "$state/doctor.txt" >&2; fail "snowdeck doctor is not green"; }
echo "demo check: ok: snowdeck doctor: $(tail -1 "$state/doctor.txt")" >&2
if [ -n "${DOCKER_HOST:-}" ]; then
	c=airflow-snowpark-containers-streamlit-1
	"$sd" restart "$c" --local --yes >/dev/null || fail "snowdeck restart $c"
	t=$SECONDS
	until "$sd" get containers --local -o json | python3 -c '
import json, sys
c = [x for x in json.load(sys.stdin)["containers"] if x["service"] == "streamlit"][0]
p = c.get("probe") or {}
sys.exit(0 if c["state"] == "running" and p.get("state", "ok") == "ok" else 1)' 2>/dev/null; do
		[ $((SECONDS - t)) -ge 60 ] && fail "streamlit not running with a green probe after restart"
		sleep 1
	done
	echo "demo check: ok: restarted the streamlit service container, running again" >&2
else
	echo "demo check: no container engine here: no service containers to check" >&2
fi

tmux -L "$sock" send-keys -t demo q
for _ in $(seq 1 50); do
	tmux -L "$sock" has-session -t demo 2>/dev/null || break
	sleep 0.2
done
tmux -L "$sock" has-session -t demo 2>/dev/null && fail "snowdeck did not quit on q"
echo "demo check: ok: q quit snowdeck" >&2

# Stop everything, then nothing the demo started may be left.
pids=$(python3 - "$state" <<'EOF'
import json, os, sys
st = sys.argv[1]
info = json.load(open(os.path.join(st, "stack.json")))
out = []
for f in (os.path.join(info.get("airflow", "/nonexistent"), "pids"),
          os.path.join(info.get("sandbox", "/nonexistent"), "pid")):
    if os.path.exists(f):
        out += open(f).read().split()
if info.get("podman_pid"):
    out.append(str(info["podman_pid"]))
print(" ".join(out))
EOF
)
down
sleep 1
left=""
for p in $pids; do kill -0 "$p" 2>/dev/null && left="$left $p"; done
# processes whose command line names this demo's state directory
for p in $(pgrep -f "$state" || true); do
	[ "$p" != $$ ] && kill -0 "$p" 2>/dev/null && left="$left $p"
done
[ -n "$left" ] && { ps -o pid,args -p ${left// /,} >&2 || true; fail "left running:$left"; }
echo "demo check: ok: nothing left running (ps)" >&2
echo "demo check: passed in $((SECONDS - t0)) s"

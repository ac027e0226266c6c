"""End to end: the operator pages of the real binary in tmux.

Setup (:setup) against an empty local Snowflake sandbox (tests/sandbox/,
TEST INFRASTRUCTURE, NOT SNOWFLAKE): the plan shows every step to create,
a applies it after y, the progress bar and the step statuses run to the
end, the sandbox really executed the CREATE statements, and a second probe
finds everything there. Jobs (:jobs): a configured job runs after y, its
output streams into the page, the exit status shows, the output is
searched with the keyboard on it; a long job is cancelled with K. Doctor
(:doctor) lists its checks with the Snowflake lines green. The services page as a role that may operate one SPCS
service but not the other: the other's restart shows disabled with the
reason from the role's grants, and R says why instead of asking. No Airflow is needed (the Airflow URL points nowhere).
Never skips: a sandbox that does not start fails the run."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from common import BIN, run_tests, wait_for  # noqa: E402
from sbx import Sandbox  # noqa: E402

SOCK = f"snowdeck-e2e-ops-{os.getpid()}"
SB = Sandbox(seed="empty", prefix="snowdeck-e2e-ops.")
SBD = Sandbox(seed="demo", prefix="snowdeck-e2e-ops-demo.")
AUDIT = os.path.join(SB.state, "audit.jsonl")
XDG = tempfile.mkdtemp(prefix="snowdeck-e2e-ops-xdg.")


def tmux(*args, check=True):
    return subprocess.run(["tmux", "-L", SOCK] + list(args), capture_output=True,
                          text=True, check=check)


def screen():
    return tmux("capture-pane", "-p", "-t", "ops").stdout


def send(*keys):
    tmux("send-keys", "-t", "ops", *keys)
    time.sleep(0.4)


def wait_screen(text, timeout=60):
    return wait_for(f"{text!r} on screen", lambda: text in screen() and screen(),
                    timeout=timeout, interval=0.3)


def start(cols=200, rows=50, sb=SB, role=None):
    tmux("kill-server", check=False)
    extra = {}
    if role is not None:  # the sandbox's connection, as another role
        conn = json.loads(sb.airflow_conn())
        conn["extra"] = dict(conn["extra"] if isinstance(conn["extra"], dict)
                             else json.loads(conn["extra"]), role=role)
        extra["AIRFLOW_CONN_SNOWFLAKE_DEFAULT"] = json.dumps(conn)
    env = sb.snowdeck_env(SNOWDECK_AIRFLOW_URL="http://127.0.0.1:9",
                          SNOWDECK_AUDIT=AUDIT, XDG_CONFIG_HOME=XDG,
                          DOCKER_HOST="unix:///nonexistent/snowdeck-e2e.sock",
                          TERM="xterm-256color", LANG="C.UTF-8", LC_ALL="C.UTF-8", **extra)
    envs = " ".join(f"{k}='{v}'" for k, v in env.items())
    script = f"env -i PATH=/usr/bin:/bin {envs} {BIN}; echo EXIT=$?; sleep 60"
    r = tmux("new-session", "-d", "-s", "ops", "-x", str(cols), "-y", str(rows),
             "sh", "-c", script, check=False)
    assert r.returncode == 0, r.stderr
    wait_screen("snowdeck", timeout=20)


def stop():
    send("C-c")
    wait_screen("EXIT=", timeout=20)
    tmux("kill-server", check=False)


def test_setup_from_the_pane_on_an_empty_account():
    start()
    try:
        send(":setup", "Enter")
        s = wait_screen("press a to apply", timeout=60)
        assert "0 already there" in s, s
        assert "+ create" in s and "DEMO.XCOM.XCOM_TABLE" in s, s
        SB.clear_requests()
        send("a")
        s = wait_screen("Apply setup?")
        assert "will run against Snowflake" in s, s
        send("y")
        # The progress bar fills and every step ends done.
        s = wait_for("the apply to finish",
                     lambda: ("[####################]" in screen() and "+ create" not in screen()
                              and screen()), timeout=120, interval=0.3)
        assert "✓ done" in s, s
        assert "✗ failed" not in s, s
        ran = SB.executed("CREATE")
        assert any("XCOM_TABLE" in x for x in ran), ran
        # Enter: the keyboard on the step's SQL; / finds in it; Esc, Esc
        # back to the list.
        send("Enter")
        wait_screen("step ▸ /: search")
        tmux("send-keys", "-t", "ops", "-l", "/as role")
        send("Enter")
        s = wait_screen("/as role [1/1]")
        send("Escape")
        wait_for("the search to clear", lambda: "/as role" not in screen(), timeout=10)
        send("Escape")
        wait_screen("step (Enter: search")
        # Probing again: everything is there, nothing to run.
        send("r")
        s = wait_screen("0 to run", timeout=60)
        assert "= exists" in s and "nothing to do" in s, s
        send("a")
        wait_screen("nothing to apply")
    finally:
        stop()


def test_jobs_run_stream_and_cancel():
    os.makedirs(os.path.join(XDG, "snowdeck"), exist_ok=True)
    with open(os.path.join(XDG, "snowdeck", "config.toml"), "w") as f:
        f.write('[jobs.hello]\ncommand = ["sh", "-c", "echo hello-from-job; '
                'echo to-stderr >&2; sleep 1; echo second-line; exit 4"]\n'
                'description = "says hello"\n\n'
                '[jobs.forever]\ncommand = ["sleep", "300"]\n')
    start()
    try:
        send(":jobs", "Enter")
        wait_screen("never run")
        send("x")
        wait_screen("Run job?")
        send("y")
        s = wait_screen("hello-from-job", timeout=20)
        s = wait_screen("[exit 4]", timeout=20)
        assert "! to-stderr" in s and "second-line" in s, s
        assert "x failed" in s, s
        # The keyboard is on its output: / searches it, n/N; Esc clears
        # the search, Esc again gives the keyboard back to the list.
        assert "output of hello ▸ /: search" in s, s
        tmux("send-keys", "-t", "ops", "-l", "/o-")
        send("Enter")
        wait_screen("1/4 /o- [1/2] - search wrapped")
        send("n")
        wait_screen("2/4 /o- [2/2]")
        send("Escape")
        send("Escape")
        wait_screen("output of hello (Enter: search, x: run again")
        send("j", "x")
        wait_screen("Run job?")
        send("y")
        wait_screen("running", timeout=20)
        send("K")
        s = wait_screen("[cancelled by signal 15]", timeout=20)
        assert "- cancelled" in s, s
    finally:
        stop()
        os.remove(os.path.join(XDG, "snowdeck", "config.toml"))


def test_services_spcs_restart_with_keys():
    """The services page on the demo sandbox's SPCS simulation: the seed's
    service and its containers listed, R restarts it, the progress line
    follows SUSPENDING -> SUSPENDED -> PENDING -> RUNNING and ends with
    every container READY."""
    SBD.ctl("POST", "/_sandbox/spcs/timings", {"pending_ms": 2500, "suspending_ms": 2500})
    start(sb=SBD)
    try:
        send(":svc", "Enter")
        s = wait_screen("SISSYG", timeout=60)
        assert "spcs" in s and "grafana" in s, s
        # No engine for local containers: the reason is one line.
        wait_screen("local: cannot reach the Docker API", timeout=30)
        # The status bar has the SPCS source beside Airflow's.
        wait_for("spcs in the status bar",
                 lambda: "spcs up" in screen().splitlines()[-1], timeout=30, interval=0.3)
        # Compute pools, and the selected service's pool in the detail.
        s = wait_screen("pool SNOWDECK_POOL ACTIVE CPU_X64_XS", timeout=30)
        tmux("send-keys", "-t", "ops", "-l", "/SISSYG")
        send("Enter")
        s = wait_screen("compute pool SNOWDECK_POOL", timeout=20)
        send("O")
        wait_screen("suspend pool?")
        send("n")
        send("R")
        wait_screen("restart?")
        send("y")
        s = wait_for("the restart to finish",
                     lambda: "containers READY" in screen() and screen(),
                     timeout=120, interval=0.3)
        assert ("restart SISSYG -> SUSPENDING -> SUSPENDED -> PENDING -> RUNNING: done, "
                "RUNNING with 6/6 containers READY") in s, s
        # The selected container's logs, and its previous run's (once
        # the pane lists the containers again).
        wait_screen("0/airflow-task-runner", timeout=30)
        send("l")
        s = wait_screen("logs, last 500 lines", timeout=20)
        wait_for("log lines", lambda: "airflow-task-runner:" in screen(), timeout=20,
                 interval=0.3)
        # Following an SPCS container: read again and merged.
        send("f")
        wait_screen("logs, following", timeout=10)
        wait_for("the followed log", lambda: "airflow-task-runner:" in screen(), timeout=20,
                 interval=0.3)
        send("P")
        wait_screen("logs of the previous run", timeout=20)
        wait_screen("received SIGTERM", timeout=20)
        send("i")
        # The detail again; the keyboard stays on the text below.
        wait_for("the detail", lambda: re.search(r" detail \S.*l: logs", screen()),
                 timeout=10, interval=0.3)
    finally:
        stop()


def test_services_disabled_by_the_roles_grants():
    """As E2E_OPS, which may operate AIRFLOW_TASK_RUNNER only (through a
    role it inherits): SISSYG's restart is disabled with the reason from
    SHOW GRANTS; R says why and asks nothing; the runner's R asks."""
    for stmt in ("GRANT ROLE E2E_BASE TO ROLE E2E_OPS",
                 "GRANT OPERATE ON SERVICE DEMO.XCOM.AIRFLOW_TASK_RUNNER TO ROLE E2E_BASE"):
        subprocess.run([BIN, "sql", stmt, "--allow-write"], env=dict(SBD.snowdeck_env(),
                       PATH="/usr/bin:/bin"), check=True, capture_output=True)
    start(sb=SBD, role="E2E_OPS")
    try:
        send(":svc", "Enter")
        wait_screen("SISSYG", timeout=60)
        tmux("send-keys", "-t", "ops", "-l", "/SISSYG")
        send("Enter")
        s = wait_screen("disabled restart, suspend, resume: role E2E_OPS lacks OPERATE on service "
                        "DEMO.XCOM.SISSYG (SHOW GRANTS)", timeout=60)
        assert "lacks OPERATE on compute pool SNOWDECK_POOL" in s, s
        send("R")
        s = wait_screen("restart SISSYG is disabled", timeout=10)
        assert "restart?" not in s, s
        # The runner may be operated: R asks.
        send("Escape")
        tmux("send-keys", "-t", "ops", "-l", "/AIRFLOW_TASK_RUNNER")
        send("Enter")
        wait_screen("service  RUNNING, compute pool SNOWDECK_POOL", timeout=20)
        assert "disabled restart" not in screen(), screen()
        send("R")
        wait_screen("restart?", timeout=10)
        send("n")
        # The help page lists what is disabled, with the source.
        send("?")
        send("G")
        s = wait_screen("Disabled for this user/role", timeout=10)
        assert "restart SISSYG" in s, s
    finally:
        stop()


def test_doctor_page_lists_checks():
    start()
    try:
        send(":doctor", "Enter")
        s = wait_for("the checks to finish",
                     lambda: "running…" not in screen() and "Snowflake" in screen() and screen(),
                     timeout=90, interval=0.5)
        assert "✓ ok" in s, s
        # Airflow points nowhere: its line is red, with a reason.
        assert "✗ fail" in s, s
        send("r")
        wait_screen("Doctor (")
    finally:
        stop()


if __name__ == "__main__":
    SB.start()
    SBD.start()
    try:
        sys.exit(run_tests([test_setup_from_the_pane_on_an_empty_account,
                            test_jobs_run_stream_and_cancel,
                            test_services_spcs_restart_with_keys,
                            test_services_disabled_by_the_roles_grants,
                            test_doctor_page_lists_checks], "e2e-ops"))
    finally:
        tmux("kill-server", check=False)
        SB.stop()
        SBD.stop()
        for d in (SB.state, SB.home, SBD.state, SBD.home, XDG):
            shutil.rmtree(d, ignore_errors=True)

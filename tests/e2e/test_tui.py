"""End to end: the real binary in tmux against a real Airflow 3 (AF_URL):
navigate, trigger with keys, watch the run turn green, open its XCom and
log, resize, quit, and check the terminal is restored."""
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from common import BIN, run_tests, wait_for  # noqa: E402

URL = os.environ["AF_URL"]
SOCK = f"snowdeck-e2e-{os.getpid()}"
AUDIT = tempfile.mktemp(prefix="snowdeck-e2e-audit-")


def tmux(*args, check=True):
    return subprocess.run(["tmux", "-L", SOCK] + list(args), capture_output=True,
                          text=True, check=check)


def screen():
    return tmux("capture-pane", "-p", "-t", "e2e").stdout


def send(*keys):
    tmux("send-keys", "-t", "e2e", *keys)
    time.sleep(0.4)


def start(cols, rows):
    tmux("kill-server", check=False)
    env = (f"SNOWDECK_AIRFLOW_URL={URL} SNOWDECK_AIRFLOW_USERNAME=admin "
           f"SNOWDECK_AIRFLOW_PASSWORD=admin SNOWDECK_AUDIT={AUDIT} TERM=xterm-256color")
    # A shell records the tty state before and after snowdeck runs.
    script = (f"stty -g > {AUDIT}.before; env {env} {BIN}; echo EXIT=$?; "
              f"stty -g > {AUDIT}.after; sleep 60")
    for attempt in range(10):
        time.sleep(0.5)
        r = tmux("new-session", "-d", "-s", "e2e", "-x", str(cols), "-y", str(rows),
                 "sh", "-c", script, check=False)
        if r.returncode == 0:
            return
    raise AssertionError(f"tmux would not start: {r.stderr}")


def wait_screen(text, timeout=60):
    return wait_for(f"{text!r} on screen", lambda: text in screen() and screen(),
                    timeout=timeout, interval=0.5)


def quit_and_check_restored():
    send("q")
    out = wait_screen("EXIT=0", timeout=15)
    assert "\x1b" not in out
    time.sleep(0.5)
    before = open(AUDIT + ".before").read()
    after = open(AUDIT + ".after").read()
    assert before == after, f"tty modes not restored: {before!r} != {after!r}"


def test_wide_trigger_watch_xcom_log():
    start(200, 50)
    s = wait_screen("customer_analytics")
    assert "1 DAGs" in s and "2 Runs" in s and "3 Tasks" in s and "4 XCom" in s, s
    assert "+ up" in s or "airflow" in s
    # Focus the DAG pane, find customer_analytics (sorted first), trigger it.
    send("1")
    send("g")
    send("t")
    wait_screen("confirm")
    send("y")
    wait_screen("triggered dag customer_analytics", timeout=30)
    # Select the DAG: its runs; the new run appears and turns green.
    send("1")
    send("g")
    send("Enter")
    wait_for("the run to succeed", lambda: "+ success" in screen().split("2 Runs")[1][:400],
             timeout=240, interval=1)
    send("Enter")                       # run -> tasks
    wait_screen("enter.check_service_st", timeout=60)
    send("Enter")                       # task -> xcom keys
    wait_screen("return_value", timeout=30)
    send("Enter")                       # key -> value
    s = wait_screen("minio_conn", timeout=30)
    assert "SECRET" not in s and "***" in s, s
    send("L")                           # log
    wait_screen("INFO", timeout=30)
    # Resize: still drawn, nothing lost.
    tmux("resize-window", "-t", "e2e", "-x", "120", "-y", "40")
    time.sleep(1)
    assert "XCom / Log" in screen()
    quit_and_check_restored()


def test_narrow_80x24_tabs_and_readonly():
    start(80, 24)
    s = wait_screen("customer_analytics")
    assert "2 Runs" in s.splitlines()[0], s   # tab line lists the other panes
    send("2")
    wait_screen("Runs (")
    send("1")
    send("p")
    # p asks first; n cancels and nothing changes.
    wait_screen("confirm")
    send("n")
    wait_screen("cancelled")
    quit_and_check_restored()


def test_audit_records_the_trigger():
    text = open(AUDIT).read()
    assert '"action":"trigger"' in text, text[-1000:]
    assert "admin" not in text.split('"user"')[0]
    tmux("kill-server", check=False)


if __name__ == "__main__":
    failed = run_tests([test_wide_trigger_watch_xcom_log, test_narrow_80x24_tabs_and_readonly,
                        test_audit_records_the_trigger], "e2e")
    tmux("kill-server", check=False)
    sys.exit(1 if failed else 0)

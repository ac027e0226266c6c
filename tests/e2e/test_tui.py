"""End to end: the real binary in tmux against a real Airflow 3 (AF_URL).

Wide (200x50): four panes and the grid; ? help, : command line, / filter;
trigger a DAG with keys, watch the run appear and turn green, its tasks,
XCom and log; mark a task failed and success again; resize; quit with the
terminal restored. Narrow (80x24), read-only: one pane under a tab line,
actions refused. The audit file records the trigger."""
import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from common import BIN, run_tests, wait_for  # noqa: E402

URL = os.environ["AF_URL"]
SOCK = f"snowdeck-e2e-{os.getpid()}"
AUDIT = tempfile.mktemp(prefix="snowdeck-e2e-audit-")
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def tmux(*args, check=True):
    return subprocess.run(["tmux", "-L", SOCK] + list(args), capture_output=True,
                          text=True, check=check)


def screen():
    return tmux("capture-pane", "-p", "-t", "e2e").stdout


def send(*keys):
    tmux("send-keys", "-t", "e2e", *keys)
    time.sleep(0.4)


def typed(text):
    """Types text literally (no key-name lookup)."""
    tmux("send-keys", "-t", "e2e", "-l", text)
    time.sleep(0.4)


def start(cols, rows, extra_env="", record_pid=False):
    tmux("kill-server", check=False)
    env = (f"SNOWDECK_AIRFLOW_URL={URL} SNOWDECK_AIRFLOW_USERNAME=admin "
           f"SNOWDECK_AIRFLOW_PASSWORD=admin SNOWDECK_AUDIT={AUDIT} "
           f"SNOWDECK_ROOT={ROOT} TERM=xterm-256color {extra_env}")
    # A shell records the tty state before and after snowdeck runs (and,
    # for the signal tests, its pid: it runs as a job the shell waits for).
    run = (f"env {env} {BIN} & echo $! > {AUDIT}.pid; wait $!" if record_pid
           else f"env {env} {BIN}")
    script = (f"stty -g > {AUDIT}.before; {run}; echo EXIT=$?; "
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


def wait_re(pattern, timeout=60):
    rx = re.compile(pattern)
    return wait_for(f"/{pattern}/ on screen", lambda: rx.search(screen()) and screen(),
                    timeout=timeout, interval=0.5)


def pane(s, title):
    """The text of the pane whose frame title starts with title, row by
    row (the columns under its top border)."""
    lines = s.splitlines()
    for i, line in enumerate(lines):
        at = line.find("\u250c " + title)
        if at < 0:
            continue
        end = line.find("\u2510", at)
        rows = []
        for row in lines[i + 1:]:
            if row[at:at + 1] != "\u2502":
                break
            rows.append(row[at + 1:end])
        return "\n".join(rows)
    return ""


def quit_and_check_restored():
    send("q")
    out = wait_screen("EXIT=0", timeout=15)
    assert "\x1b" not in out
    time.sleep(0.5)
    before = open(AUDIT + ".before").read()
    after = open(AUDIT + ".after").read()
    assert before == after, f"tty modes not restored: {before!r} != {after!r}"


def test_wide_help_command_filter():
    start(200, 50)
    s = wait_screen("customer_analytics")
    for title in ("1 DAGs", "2 Runs", "3 Tasks", "4 XCom", "5 Grid"):
        assert "\u250c " + title in s, (title, s)
    assert "airflow up" in wait_screen("airflow up")
    # ? shows the help generated from the key map; q closes it.
    send("?")
    s = wait_screen("Everywhere")
    assert "focus the next pane" in s, s
    send("/")                           # search the help page
    typed("trigger a run")
    send("Enter")
    wait_screen("trigger a run (asks first)")
    send("q")
    wait_for("help closed", lambda: "Everywhere" not in screen(), timeout=10)
    # : opens the command line; Tab completes a view name.
    send(":")
    typed("cmd")
    send("Tab")
    wait_screen(":cmdlog")
    send("Enter")
    s = wait_screen("Command log")
    assert re.search(r"GET\s+/api/v2/dags", s), s
    send("Escape")
    wait_screen("\u250c 1 DAGs")
    # / filters the focused list as you type; Esc clears.
    send("1")
    send("/")
    typed("faults")
    s = wait_screen("(1/4 /faults)")
    assert "snowdeck_faults" in pane(s, "1 DAGs")
    assert "customer_analytics" not in pane(s, "1 DAGs")
    send("Enter")
    send("Escape")
    wait_screen("\u250c 1 DAGs (4)")
    # Pause asks first; n cancels and says so.
    send("p")
    wait_screen("pause?")
    send("n")
    wait_screen("pause cancelled")
    quit_and_check_restored()


def test_wide_trigger_watch_xcom_log_mark():
    start(200, 50)
    wait_screen("customer_analytics")
    # Focus the DAG pane, customer_analytics is first; trigger it.
    send("1")
    send("g")
    send("t")
    wait_screen("y confirm, n cancel")
    send("y")
    wait_screen("triggered dag customer_analytics", timeout=30)
    # Select the DAG: its runs; the new run appears and turns green.
    send("1")
    send("g")
    send("Enter")
    wait_for("the run to succeed",
             lambda: re.search(r"\+ success\s+snowdeck__", pane(screen(), "2 Runs")),
             timeout=240, interval=1)
    # The grid of the DAG is drawn below Runs and Tasks.
    s = wait_re(r"TASK \\ RUN")
    assert "5 Grid customer_analytics" in s, s
    send("2")
    send("g")
    send("Enter")                       # run -> tasks
    wait_screen("enter.check_service_st", timeout=60)
    send("/")                           # filter the tasks to one
    typed("check_service")
    send("Enter")
    wait_screen("(1/")
    send("Enter")                       # task -> xcom keys
    wait_screen("return_value", timeout=30)
    send("Enter")                       # key -> value
    s = wait_screen("minio_conn", timeout=30)
    assert "SECRET" not in s and "***" in s, s
    send("L")                           # log
    wait_screen("INFO", timeout=30)
    # Mark that task failed, then success again; each asks first.
    send("3")
    send("F")
    wait_screen("mark failed?")
    send("y")
    wait_screen("mark-failed dag customer_analytics", timeout=30)
    wait_for("the task to turn failed",
             lambda: pane(screen(), "3 Tasks").split("\n")[1].startswith("x failed"),
             timeout=60, interval=1)
    send("s")
    wait_screen("mark success?")
    send("y")
    wait_for("the task to turn green again",
             lambda: pane(screen(), "3 Tasks").split("\n")[1].startswith("+ success"),
             timeout=60, interval=1)
    # Resize: still drawn, nothing lost.
    tmux("resize-window", "-t", "e2e", "-x", "120", "-y", "40")
    time.sleep(1)
    assert "XCom / Log" in screen()
    quit_and_check_restored()


def test_narrow_80x24_tabs_and_readonly():
    start(80, 24, "SNOWDECK_READONLY=1")
    s = wait_screen("customer_analytics")
    first = s.splitlines()[0]
    assert "1 DAGs" in first and "2 Runs" in first, s   # the tab line
    assert "READONLY" in s.splitlines()[-1] or "READONLY" in s, s
    assert "t trigger" not in s, s      # no action hints in read-only mode
    send("2")
    wait_screen("\u250c 2 Runs")
    assert "\u250c 1 DAGs" not in screen()   # one pane at a time
    send("Tab")
    wait_screen("\u250c 3 Tasks")
    send("1")
    send("p")
    wait_screen("read-only mode: pause is disabled")
    assert "pause?" not in screen()
    send("t")
    wait_screen("read-only mode: trigger is disabled")
    quit_and_check_restored()


def test_signals_restore_terminal():
    """Ctrl-C, SIGTERM, SIGHUP and a crash (SIGSEGV) each leave the tty
    modes as they were."""
    for how, code in (("C-c", 0), ("TERM", 0), ("HUP", 0), ("SEGV", 139)):
        start(100, 30, record_pid=True)
        wait_screen("1 DAGs")
        if how == "C-c":
            send("C-c")
        else:
            subprocess.run(["kill", "-" + how, open(AUDIT + ".pid").read().strip()],
                           check=True)
        out = wait_screen(f"EXIT={code}", timeout=15)
        assert "\x1b" not in out
        time.sleep(0.5)
        assert open(AUDIT + ".before").read() == open(AUDIT + ".after").read(), how


def test_ctrl_z_suspends_and_resumes():
    """Ctrl-Z stops the console with the terminal restored; fg brings the
    screen back; q then leaves the tty as it was."""
    tmux("kill-server", check=False)
    for attempt in range(10):
        time.sleep(0.5)
        r = tmux("new-session", "-d", "-s", "e2e", "-x", "100", "-y", "30",
                 "env", "PS1=$ ", "bash", "--norc", "--noprofile", "-i", check=False)
        if r.returncode == 0:
            break
    env = (f"SNOWDECK_AIRFLOW_URL={URL} SNOWDECK_AIRFLOW_USERNAME=admin "
           f"SNOWDECK_AIRFLOW_PASSWORD=admin SNOWDECK_AUDIT={AUDIT} "
           f"SNOWDECK_ROOT={ROOT} TERM=xterm-256color")
    typed(f"stty -g > {AUDIT}.before; env {env} {BIN}\n")
    wait_screen("\u250c 1 DAGs")
    send("C-z")
    s = wait_screen("Stopped")
    assert "\u250c 1 DAGs" not in s, s
    # (bash drops the rest of a command list whose job was stopped, so
    # the exit status and tty state are asked for after fg returns.)
    typed("fg\n")
    wait_screen("\u250c 1 DAGs")
    wait_screen("airflow up")
    send("q")
    wait_for("the shell again", lambda: "\u250c 1 DAGs" not in screen(), timeout=15)
    typed(f"echo EXIT=$?; stty -g > {AUDIT}.after\n")
    out = wait_screen("EXIT=0", timeout=15)
    assert "\x1b" not in out
    time.sleep(0.5)
    assert open(AUDIT + ".before").read() == open(AUDIT + ".after").read()


def test_audit_records_the_trigger():
    text = open(AUDIT).read()
    assert '"action":"trigger"' in text, text[-1000:]
    assert "admin" not in text.split('"user"')[0]
    tmux("kill-server", check=False)


if __name__ == "__main__":
    failed = run_tests([test_wide_help_command_filter,
                        test_wide_trigger_watch_xcom_log_mark,
                        test_narrow_80x24_tabs_and_readonly,
                        test_signals_restore_terminal,
                        test_ctrl_z_suspends_and_resumes,
                        test_audit_records_the_trigger], "e2e")
    tmux("kill-server", check=False)
    sys.exit(1 if failed else 0)

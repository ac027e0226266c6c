"""End to end: the trigger form built from a DAG's params, in tmux against a
real Airflow 3 (AF_URL) with the test DAG snowdeck_params (count: integer
>= 0, color: one of red/green/blue, name: required string).

t on the DAG opens the form with one field per param; a value outside the
enum is refused inline when Ctrl-S checks it (nothing is sent: no run
appears); corrected, the confirmation shows the conf and y triggers it;
the runs list moves to the new run, whose conf Airflow shows. The raw JSON
editor (T) is still there."""
import json
import os
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from common import BIN, run_tests, wait_for  # noqa: E402

URL = os.environ["AF_URL"]
SOCK = f"snowdeck-e2e-form-{os.getpid()}"


def tmux(*args, check=True):
    return subprocess.run(["tmux", "-L", SOCK] + list(args), capture_output=True,
                          text=True, check=check)


def screen():
    return tmux("capture-pane", "-p", "-t", "form").stdout


def send(*keys):
    tmux("send-keys", "-t", "form", *keys)
    time.sleep(0.4)


def typed(text):
    tmux("send-keys", "-t", "form", "-l", text)
    time.sleep(0.4)


def wait_screen(text, timeout=60):
    return wait_for(f"{text!r} on screen", lambda: text in screen() and screen(),
                    timeout=timeout, interval=0.3)


def fill(*lines):
    """Replaces the editor's whole text (the cursor starts at its end)."""
    tmux("send-keys", "-t", "form", *(["BSpace"] * 600))
    time.sleep(0.5)
    for line in lines:
        typed(line)
        send("Enter")


def api(path):
    tok = json.loads(urllib.request.urlopen(urllib.request.Request(
        URL + "/auth/token", data=json.dumps({"username": "admin", "password": "admin"}).encode(),
        headers={"Content-Type": "application/json"}), timeout=10).read())["access_token"]
    req = urllib.request.Request(URL + "/api/v2" + path, headers={"Authorization": "Bearer " + tok})
    return json.loads(urllib.request.urlopen(req, timeout=10).read())


def runs():
    return api("/dags/snowdeck_params/dagRuns?limit=100")["dag_runs"]


def test_trigger_form_with_a_rejected_value():
    before = {r["dag_run_id"] for r in runs()}
    tmux("kill-server", check=False)
    env = (f"SNOWDECK_AIRFLOW_URL={URL} SNOWDECK_AIRFLOW_USERNAME=admin "
           f"SNOWDECK_AIRFLOW_PASSWORD=admin TERM=xterm-256color LANG=C.UTF-8 "
           f"DOCKER_HOST=unix:///nonexistent/e2e.sock")
    r = tmux("new-session", "-d", "-s", "form", "-x", "200", "-y", "50", "sh", "-c",
             f"env {env} {BIN}; echo EXIT=$?; sleep 60", check=False)
    assert r.returncode == 0, r.stderr
    try:
        wait_screen("snowdeck_params", timeout=60)
        typed("/snowdeck_params")
        send("Enter")
        send("t")
        s = wait_screen("trigger snowdeck_params", timeout=30)
        assert "count = 1" in s and "color = red" in s and "name = " in s, s
        assert "one of \"red\" | \"green\" | \"blue\"" in s and "required" in s, s
        # A value outside the enum: refused inline by Ctrl-S, nothing sent.
        fill("count = 2", "color = purple", "name = e2e")
        send("C-s")
        s = wait_screen("color", timeout=10)
        assert "trigger snowdeck_params" in s, s   # the form stays open
        assert 'param "color" must be one of "red", "green", "blue"' in s, s
        time.sleep(1)
        assert {r["dag_run_id"] for r in runs()} == before, "a run was sent"
        fill("count = 2", "color = green", "name = e2e")
        send("C-s")
        s = wait_screen("trigger?", timeout=10)
        assert '"color":"green"' in s and '"name":"e2e"' in s, s
        send("y")
        new = wait_for("the new run", lambda: [r for r in runs() if r["dag_run_id"] not in before],
                       timeout=60)
        assert new[0]["conf"] == {"count": 2, "color": "green", "name": "e2e"}, new[0]
        s = wait_screen(new[0]["dag_run_id"][:20], timeout=60)
    finally:
        tmux("kill-server", check=False)


if __name__ == "__main__":
    sys.exit(run_tests([test_trigger_form_with_a_rejected_value], "e2e-form"))

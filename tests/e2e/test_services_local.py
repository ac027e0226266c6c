"""End to end: the services page on local containers (a private rootless
Podman, tests/docker/podman_env.py, the same helpers as the Docker
integration tests), in tmux. The compose project's containers are listed
with the probe column; with no Snowflake connection the missing side is one
line; l shows a container's log (stderr marked, escape sequences and
secrets neutralised); R restarts it after y and the state change shows as
it happens; S stops it (exited), U starts it again. In another project, a
search inside a container's log: l puts the keyboard on the log, / jumps
to the first matching line with the match highlighted, n/N go on and back
with the count; while following, a match that arrived after the search is
found; Esc, Esc gives the keyboard back to the list, whose / filters rows.
Never skips: a Podman that cannot start fails the run."""
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(__file__)
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
sys.path.insert(0, os.path.join(HERE, "..", "docker"))
from common import BIN, run_tests, wait_for  # noqa: E402
from podman_env import Podman, free_port  # noqa: E402

PROJECT = f"sde2e{os.getpid()}"
SOCK = f"snowdeck-e2e-local-{os.getpid()}"
P = None


def tmux(*args, check=True):
    return subprocess.run(["tmux", "-L", SOCK] + list(args), capture_output=True,
                          text=True, check=check)


def screen():
    return tmux("capture-pane", "-p", "-t", "loc").stdout


def screen_sgr():
    """The screen with its attributes (SGR escape sequences)."""
    return tmux("capture-pane", "-p", "-e", "-t", "loc").stdout


def start_console(project, config=""):
    """snowdeck in tmux on project's containers (a private config)."""
    xdg = os.path.join(P.dir, f"xdg-{project}")
    os.makedirs(os.path.join(xdg, "snowdeck"), exist_ok=True)
    with open(os.path.join(xdg, "snowdeck", "config.toml"), "w") as f:
        f.write(f'[docker]\ncompose_project = "{project}"\n\n{config}')
    home = os.path.join(P.dir, "home")
    os.makedirs(home, exist_ok=True)
    env = {"DOCKER_HOST": "unix://" + P.sock, "XDG_CONFIG_HOME": xdg, "HOME": home,
           "SNOWFLAKE_HOME": os.path.join(home, "nosnow"),
           "SNOWDECK_AIRFLOW_URL": "http://127.0.0.1:9",
           "SNOWDECK_AUDIT": os.path.join(P.dir, "audit.jsonl"),
           "TERM": "xterm-256color", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
    envs = " ".join(f"{k}='{v}'" for k, v in env.items())
    tmux("kill-server", check=False)
    r = tmux("new-session", "-d", "-s", "loc", "-x", "200", "-y", "50", "sh", "-c",
             f"env -i PATH=/usr/bin:/bin {envs} {BIN}; echo EXIT=$?; sleep 60", check=False)
    assert r.returncode == 0, r.stderr


def send(*keys):
    tmux("send-keys", "-t", "loc", *keys)
    time.sleep(0.4)


def wait_screen(text, timeout=60):
    return wait_for(f"{text!r} on screen", lambda: text in screen() and screen(),
                    timeout=timeout, interval=0.3)


def test_local_services_logs_restart_stop_start():
    web_port = free_port()
    www = os.path.join(P.dir, "www")
    os.makedirs(www, exist_ok=True)
    with open(os.path.join(www, "health"), "w") as f:
        f.write("ok\n")
    P.run(f"{PROJECT}-web", PROJECT, "web",
          f"exec /bin/httpd -f -p 127.0.0.1:{web_port} -h /www",
          binds=[f"{www}:/www:ro"])
    P.run(f"{PROJECT}-worker", PROJECT, "worker",
          "trap 'exit 0' TERM; printf '\\033]0;pwned\\007evil \\033[31mred\\n'; "
          "echo 'password=hunter2'; i=0; while :; do i=$((i+1)); "
          "echo \"out $i\"; echo \"err $i\" >&2; sleep 0.2; done")
    start_console(PROJECT, f'[services.web]\nprobe = "http://127.0.0.1:{web_port}/health"\n'
                  f'expect = "ok"\n')
    try:
        wait_screen("snowdeck", timeout=20)
        send(":svc", "Enter")
        s = wait_screen(f"{PROJECT}-worker", timeout=60)
        assert "no SPCS services" in s, s
        s = wait_for("the web probe", lambda: "ok" in "".join(
            l for l in screen().splitlines() if f"{PROJECT}-web" in l) and screen(),
            timeout=60, interval=0.5)
        tmux("send-keys", "-t", "loc", "-l", "/worker")
        send("Enter", "l")
        wait_screen("! err", timeout=30)
        # The keyboard is on the logs: g shows their start.
        send("g")
        s = wait_screen("logs 1/", timeout=10)
        assert "out 1" in s and "password=***" in s and "hunter2" not in s, s
        assert "pwned" not in s.replace("]0;pwned", ""), s
        # Following: new lines arrive without a key.
        send("f")
        wait_screen("logs, following", timeout=10)
        first = [l for l in screen().splitlines() if "out " in l]
        wait_for("new lines", lambda: [l for l in screen().splitlines() if "out " in l] != first,
                 timeout=20, interval=0.5)
        send("f")
        wait_screen("logs, last 500 lines", timeout=10)
        send("i", "R")
        wait_screen("restart?")
        send("y")
        s = wait_for("the restart to be seen",
                     lambda: "restart" in screen() and "waiting for the state change" not in screen()
                     and screen(), timeout=90, interval=0.3)
        assert "+ running" in s, s
        send("S")
        wait_screen("stop?")
        send("y")
        wait_screen("x exited", timeout=60)
        send("U")
        wait_screen("start?")
        send("y")
        wait_for("running again",
                 lambda: "+ running" in "".join(l for l in screen().splitlines()
                                               if f"{PROJECT}-worker" in l),
                 timeout=60, interval=0.3)
        # Docked beside the DAG runs pane (D), then a restart from there.
        send("D")
        s = wait_for("the services pane beside the runs",
                     lambda: "2 Runs" in screen().splitlines()[1]
                     and "4 Services" in screen().splitlines()[1] and screen(),
                     timeout=10, interval=0.2)
        assert f"{PROJECT}-worker" in s, s
        send("R")
        wait_screen("restart?")
        send("y")
        try:
            s = wait_for("the restart from the docked pane",
                         lambda: f"restart {PROJECT}-worker: running" in screen()
                         and "local worker             + running" in screen() and screen(),
                         timeout=90, interval=0.3)
        except AssertionError as e:
            raise AssertionError(f"{e}\n{screen()}") from None
        assert "2 Runs" in s.splitlines()[1], s
    finally:
        tmux("kill-server", check=False)


def header_line(s):
    return next((l for l in s.splitlines() if " logs, " in l), "")


def test_local_services_log_search():
    project = f"{PROJECT}s"
    # 300 lines at once ("needle" on 40 and 250), then a line a second,
    # every third a late needle.
    P.run(f"{project}-hay", project, "hay",
          "trap 'exit 0' TERM; i=0; while [ $i -lt 300 ]; do i=$((i+1)); "
          "if [ $i = 40 ] || [ $i = 250 ]; then echo \"line $i needle here\"; "
          "else echo \"line $i hay\"; fi; done; "
          "while :; do sleep 1; i=$((i+1)); if [ $((i % 3)) = 0 ]; "
          "then echo \"line $i needle late\"; else echo \"line $i hay\"; fi; done")
    start_console(project)
    try:
        wait_screen("snowdeck", timeout=20)
        send(":svc", "Enter")
        wait_screen(f"{project}-hay", timeout=60)
        send("l")
        wait_screen("logs, last 500 lines", timeout=30)
        s = wait_screen(" hay", timeout=30)
        assert "/: search, n/N: next/prev match, Esc: list" in s, s
        assert "line 40 needle" not in s, s
        # / NEEDLE Enter: from the end around to line 40, highlighted.
        send("/")
        tmux("send-keys", "-t", "loc", "-l", "NEEDLE")
        send("Enter")
        s = wait_screen("line 40 needle here", timeout=10)
        assert "logs 40/" in s and "/NEEDLE [1/" in s and "search wrapped" in s, s
        line = next(l for l in screen_sgr().splitlines() if "line 40 " in l)
        # The word is drawn in its own colours: an SGR right before it, and
        # another after it.
        assert re.search(r"line 40 (\x1b\[[0-9;]*m)+needle(\x1b\[[0-9;]*m)+ here",
                         line), repr(line)
        other = next(l for l in screen_sgr().splitlines() if "line 41 hay" in l)
        assert "\x1b[" not in other.split("line 41", 1)[1][:8], repr(other)
        # n: the next one; N: back.
        send("n")
        s = wait_screen("line 250 needle here", timeout=10)
        assert "logs 250/" in s and "/NEEDLE [2/" in s and "wrapped" not in s, s
        send("N")
        s = wait_screen("logs 40/", timeout=10)
        assert "/NEEDLE [1/" in s, s
        # Following, then a search: the cursor stays on line 40 as lines
        # arrive; N from there reaches a late needle that came after it.
        send("f")
        wait_screen("logs, following", timeout=10)
        send("/")
        tmux("send-keys", "-t", "loc", "-l", "needle")
        send("Enter")
        s = wait_screen("logs 40/", timeout=10)
        # ("+": lines arrived since the count, as the follow stream
        # starts.)
        m = re.search(r"/needle \[1/(\d+)\+?\]", s)
        assert m and " follow " not in header_line(s), s
        before = int(m.group(1))
        s = wait_for("a late needle after the search",
                     lambda: re.search(r"/needle \[1/\d+\+\]", screen()) and screen(),
                     timeout=20, interval=0.5)
        time.sleep(7)  # a late needle every 3 s
        assert "logs 40/" in screen(), screen()
        send("N")
        s = screen()
        m = re.search(r"/needle \[(\d+)/(\d+)\+?\] - search wrapped", s)
        assert m and m.group(1) == m.group(2) and int(m.group(2)) > before, s
        assert "needle late" in s, s
        # Esc clears the search, Esc again: the list; its / filters rows.
        send("Escape")
        s = screen()
        assert "/needle" not in header_line(s), s
        send("Escape")
        s = wait_screen("(Enter: search, f: stop", timeout=10)
        tmux("send-keys", "-t", "loc", "-l", "/nothing-like-it")
        send("Enter")
        s = wait_screen("no match for /nothing-like-it", timeout=10)
        assert f"{project}-hay" not in s and "needle" not in s, s
        assert " detail (Enter: search, l: logs)" in s, s
    finally:
        tmux("kill-server", check=False)


if __name__ == "__main__":
    failed = 1
    try:
        P = Podman()
        P.start()
        failed = run_tests([test_local_services_logs_restart_stop_start,
                            test_local_services_log_search], "e2e-local")
    finally:
        if P is not None:
            P.close()
    sys.exit(1 if failed else 0)

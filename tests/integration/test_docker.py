"""Local mode against real containers: snowdeck's Docker Engine API client
driven through a private Podman engine (tests/docker/podman_env.py).

A compose-labelled project of four busybox containers: "web" (httpd on
loopback with a health path), "worker" (no TTY: multiplexed logs, stdout
and stderr, numbered lines, an escape sequence and a secret), "console"
(TTY: raw logs) and "once" (exits 3 under an on-failure restart policy).
Lists it, reads logs of both framings, follows a log without losing a
line, restarts and stops containers and sees the state change, then stops
the API service, sees a clear error, and recovers when it returns.
"""
import json
import os
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "docker"))
from common import BIN, WRAP, run_tests, snowdeck, wait_for  # noqa: E402
from podman_env import Podman, free_port  # noqa: E402

PROJECT = f"sdtest{os.getpid()}"
P = None
ENV = {}
WEB_PORT = 0


def sd(*args, **kw):
    return snowdeck(*args, "--compose-project", PROJECT, env=ENV, **kw)


def containers():
    doc = sd("get", "containers", "--local", "-o", "json").json()
    assert doc["project"] == PROJECT, doc
    return {c["service"]: c for c in doc["containers"]}


def setup():
    global P, WEB_PORT
    P = Podman()
    P.start()
    WEB_PORT = free_port()
    www = os.path.join(P.dir, "www")
    os.makedirs(www)
    with open(os.path.join(www, "health"), "w") as f:
        f.write("ok\n")
    term = "trap 'exit 0' TERM; "
    P.run(f"{PROJECT}-web", PROJECT, "web",
          f"exec /bin/httpd -f -p 127.0.0.1:{WEB_PORT} -h /www",
          binds=[f"{www}:/www:ro"])
    P.run(f"{PROJECT}-worker", PROJECT, "worker",
          term + "printf '\\033]0;pwned\\007evil \\033[31mred\\n'; "
          "echo 'password=hunter2 token: x'; "
          "i=0; while :; do i=$((i+1)); echo \"out $i\"; "
          "echo \"err $i\" >&2; sleep 0.1; done")
    P.run(f"{PROJECT}-console", PROJECT, "console",
          term + "i=0; while :; do i=$((i+1)); echo \"tty line $i\"; "
          "sleep 0.2; done", tty=True)
    P.run(f"{PROJECT}-once", PROJECT, "once", "echo bye; exit 3",
          restart={"Name": "on-failure", "MaximumRetryCount": 2})
    cfg = os.path.join(P.dir, "config.toml")
    with open(cfg, "w") as f:
        f.write(f"[services.web]\nprobe = \"http://127.0.0.1:{WEB_PORT}"
                f"/health\"\nexpect = \"ok\"\n"
                f"[services.console]\nprobe = \"http://127.0.0.1:"
                f"{free_port()}/\"\n")
    os.chmod(cfg, 0o600)
    ENV.update({"DOCKER_HOST": "unix://" + P.sock,
                "SNOWDECK_AUDIT": os.path.join(P.dir, "audit.jsonl"),
                "XDG_CONFIG_HOME": os.path.join(P.dir, "xdg-config")})
    os.makedirs(os.path.join(ENV["XDG_CONFIG_HOME"], "snowdeck"))
    os.rename(cfg, os.path.join(ENV["XDG_CONFIG_HOME"], "snowdeck",
                                "config.toml"))


def test_list_project():
    c = wait_for("once to give up after its retries",
                 lambda: (lambda c: c if c["once"]["state"] == "exited"
                          and c["once"]["restarts"] >= 1 else None)(
                     containers()), timeout=60)
    assert set(c) == {"web", "worker", "console", "once"}, c
    for s in ("web", "worker", "console"):
        assert c[s]["state"] == "running", c[s]
        assert c[s]["uptime_s"] is not None and c[s]["uptime_s"] >= 0
        assert c[s]["cpu_percent"] is not None, c[s]
        assert c[s]["cpu_percent"] >= 0
        assert c[s]["mem_bytes"] > 0, c[s]
        assert c[s]["name"] == f"{PROJECT}-{s}"
    assert c["console"]["tty"] is True and c["worker"]["tty"] is False
    assert c["once"]["exit_code"] == 3, c["once"]
    assert c["once"]["uptime_s"] is None
    assert c["once"]["cpu_percent"] is None


def test_probes_column():
    c = containers()
    assert c["web"]["probe"]["state"] == "ok", c["web"]["probe"]
    assert c["web"]["probe"]["detail"].startswith("200"), c["web"]["probe"]
    assert c["console"]["probe"]["state"] == "fail", c["console"]["probe"]
    assert "refused" in c["console"]["probe"]["detail"].lower() or \
        "connect" in c["console"]["probe"]["detail"].lower()
    assert c["worker"]["probe"]["state"] == "none"


def test_table_output():
    r = sd("get", "containers", "--local")
    lines = r.out.splitlines()
    assert lines[0].split()[:4] == ["NAME", "SERVICE", "STATE", "HEALTH"]
    assert "PROBE" in lines[0]
    body = "\n".join(lines[1:])
    for s in ("web", "worker", "console", "once"):
        assert f"{PROJECT}-{s}" in body, r.out
    assert "exit 3" in body, r.out


def test_default_project_is_astro():
    # Without --compose-project, the astro dev project of the directory.
    d = os.path.join(P.dir, "My_Astro Proj")
    os.makedirs(os.path.join(d, ".astro"))
    r = subprocess.run(WRAP + [BIN, "get", "containers", "--local", "-o",
                               "json"], cwd=d, env=dict(os.environ, **ENV,
                                                        PWD=d),
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r
    import hashlib
    h = hashlib.md5(d.encode()).hexdigest()[:6]
    assert json.loads(r.stdout)["project"] == f"my-astro-proj_{h}", r.stdout
    with open(os.path.join(d, ".astro", "config.yaml"), "w") as f:
        f.write("project:\n  name: seed-demo\n")
    r = subprocess.run(WRAP + [BIN, "get", "containers", "--local", "-o",
                               "json"], cwd=d, env=dict(os.environ, **ENV,
                                                        PWD=d),
                       capture_output=True, text=True, timeout=60)
    assert json.loads(r.stdout)["project"] == f"seed-demo_{h}", r.stdout


def test_logs_multiplexed():
    r = sd("logs", "worker", "--local")
    out = [l for l in r.out.splitlines() if l.startswith("out ")]
    err = [l for l in r.err.splitlines() if l.startswith("err ")]
    assert len(out) >= 5 and len(err) >= 5, r
    nums = [int(l.split()[1]) for l in out]
    assert nums == list(range(1, len(nums) + 1)), nums[:20]
    assert "\x1b" not in r.out and "\x07" not in r.out, repr(r.out[:200])
    assert "evil" in r.out and "red" in r.out
    assert "hunter2" not in r.out and "password=***" in r.out, r.out[:300]
    r = sd("logs", "worker", "--local", "--tail", "4", "-o", "json")
    docs = [json.loads(l) for l in r.out.splitlines()]
    streams = {d["stream"] for d in docs}
    assert streams == {"stdout", "stderr"}, docs
    assert all(d["time"].endswith("Z") for d in docs), docs
    assert len(docs) == 4, docs  # the last 4 lines, both streams


def test_logs_since():
    every = sd("logs", "worker", "--local", "--since", "1d").out
    assert every.count("out ") >= 5
    future = str(int(time.time()) + 3600)
    r = sd("logs", "worker", "--local", "--since", future)
    assert r.out == "" and r.err == "", r
    r = sd("logs", "worker", "--local", "--since", "yesterday", check=False)
    assert r.code == 2 and "--since" in r.err, r


def test_logs_tty_raw():
    r = sd("logs", f"{PROJECT}-console", "--local", "--tail", "5")
    lines = r.out.splitlines()
    assert len(lines) == 5, r
    for l in lines:
        assert l.startswith("tty line "), repr(l)
        assert "\r" not in l and "\ufffd" not in l and "?" not in l, repr(l)


def test_logs_all_containers():
    r = sd("logs", "--local", "--tail", "2")
    names = {l.split(" | ", 1)[0].strip() for l in r.out.splitlines()}
    assert {f"{PROJECT}-worker", f"{PROJECT}-console",
            f"{PROJECT}-once"} <= names, r.out
    for l in r.out.splitlines():
        name, text = l.split(" | ", 1)
        if name.strip() == f"{PROJECT}-console":
            assert text.startswith("tty line "), repr(l)
    r = sd("logs", "--local", "--tail", "1", "-o", "json")
    docs = [json.loads(l) for l in r.out.splitlines()]
    assert {d["container"] for d in docs} >= {f"{PROJECT}-worker",
                                              f"{PROJECT}-console"}, docs


def test_logs_follow_no_loss():
    cmd = WRAP + [BIN, "logs", "worker", "--local", "--follow", "--tail",
                  "0", "--compose-project", PROJECT]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env=dict(os.environ, **ENV), text=True)
    got = []
    th = threading.Thread(target=lambda: got.extend(p.stdout), daemon=True)
    th.start()
    # Streaming (and so the SIGINT handler) is up once a line arrived.
    wait_for("the first followed line", lambda: got, timeout=120,
             interval=0.2)
    time.sleep(4)
    p.send_signal(signal.SIGINT)
    p.wait(timeout=60)
    th.join(30)
    err = p.stderr.read()
    assert p.returncode == 0, (p.returncode, err)
    nums = [int(l.split()[1]) for l in got if l.startswith("out ")]
    assert len(nums) >= 10, got
    assert nums == list(range(nums[0], nums[0] + len(nums))), nums


def test_logs_grep():
    # Case ignored; only matching lines, from both streams.
    r = sd("logs", "worker", "--local", "--grep", "OUT 1")
    out = r.out.splitlines()
    assert out and all("out 1" in l for l in out), r
    assert "out 1" in out and r.err == "", r
    # Matched on the line as printed: the escape sequence between the
    # words is gone, the secret is masked before it is looked at.
    r = sd("logs", "worker", "--local", "--grep", "evil red")
    lines = r.out.splitlines()
    assert len(lines) == 1 and "evil red" in lines[0], repr(r.out)
    assert sd("logs", "worker", "--local", "--grep", "hunter2").out == ""
    r = sd("logs", "worker", "--local", "--grep", "password=***")
    lines = r.out.splitlines()
    assert len(lines) == 1 and "hunter2" not in r.out, repr(r.out)
    r = sd("logs", "worker", "--local", "--grep", "err 2", "-o", "json")
    docs = [json.loads(l) for l in r.out.splitlines()]
    assert docs and all("err 2" in d["line"] and d["stream"] == "stderr"
                        for d in docs), docs
    # --tail first, then the filter: among the last 4 lines, one "out".
    r = sd("logs", "worker", "--local", "--tail", "4", "--grep", "out")
    assert len(r.out.splitlines()) == 2, r
    # Only logs take it.
    r = sd("get", "containers", "--local", "--grep", "x", check=False)
    assert r.code == 2 and "--grep" in r.err, r


def test_logs_grep_follow():
    cmd = WRAP + [BIN, "logs", "worker", "--local", "--follow", "--tail",
                  "0", "--grep", "5", "--compose-project", PROJECT]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env=dict(os.environ, **ENV), text=True)
    got, err = [], []
    th = threading.Thread(target=lambda: got.extend(p.stdout), daemon=True)
    te = threading.Thread(target=lambda: err.extend(p.stderr), daemon=True)
    th.start()
    te.start()
    wait_for("the first followed match", lambda: got, timeout=120,
             interval=0.2)
    time.sleep(3)
    p.send_signal(signal.SIGINT)
    p.wait(timeout=60)
    th.join(30)
    te.join(30)
    assert p.returncode == 0, (p.returncode, err)
    nums = [int(l.split()[1]) for l in got]
    assert len(nums) >= 3 and all("5" in str(n) for n in nums), got
    assert all(l.startswith("out ") for l in got), got
    # The same filter on stderr: only "err N" lines with a 5.
    assert err and all(l.startswith("err ") and "5" in l for l in err), err


def test_restart_resets_uptime():
    before = containers()["worker"]
    time.sleep(1.2)
    r = sd("restart", "worker", "--local", "--yes", "-o", "json")
    doc = r.json()
    assert doc["result"] == "ok" and doc["running"] is True, doc
    assert doc["started_at"] > doc["before"]["started_at"], doc
    assert isinstance(doc["events"], list), doc
    after = containers()["worker"]
    assert after["state"] == "running"
    assert after["started_at"] > before["started_at"], (before, after)
    assert after["uptime_s"] < before["uptime_s"] + 1, (before, after)
    audit = open(ENV["SNOWDECK_AUDIT"]).read()
    assert '"action":"restart"' in audit, audit[-500:]


def test_logs_previous_run():
    # After test_restart_resets_uptime: the worker's log spans two runs,
    # each starting with its masked password line; --previous reads the
    # lines written before the current start only.
    every = sd("logs", "worker", "--local").out
    assert every.count("password=***") == 2, every[:400]
    prev = sd("logs", "worker", "--local", "--previous").out
    assert prev.count("password=***") == 1, prev[:400]
    assert "out 1\n" in prev and len(prev) < len(every), prev[-200:]
    r = sd("logs", "worker", "--local", "--previous", "--follow", check=False)
    assert r.code == 2 and "--previous" in r.err, r
    r = sd("logs", "--local", "--previous", check=False)
    assert r.code == 2 and "name the container" in r.err, r


def test_stop_shows_exited_and_start():
    r = sd("stop", "console", "--local", "--yes")
    assert "stop " in r.out and "exited" in r.out, r
    c = containers()["console"]
    assert c["state"] == "exited", c
    assert c["uptime_s"] is None
    r = sd("start", "console", "--local")
    assert "running" in r.out, r
    assert containers()["console"]["state"] == "running"


def test_confirmation_and_readonly():
    r = sd("restart", "worker", "--local", check=False)
    assert r.code == 2 and "--yes" in r.err, r
    r = sd("stop", "worker", "--local", "--yes", "--readonly", check=False)
    assert r.code == 3 and "read-only" in r.err, r
    assert containers()["worker"]["state"] == "running"


def test_unknown_container():
    r = sd("logs", "nosuch", "--local", check=False)
    assert r.code == 1, r
    assert "no container or service" in r.err and "nosuch" in r.err, r


def _watch_until(p, pred, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        line = p.stdout.readline()
        if not line:
            break
        doc = json.loads(line)
        if pred(doc):
            return doc
    raise AssertionError("--watch never showed the expected state")


def test_watch_follows_changes():
    # The headless twin of the services pane (the src_docker source):
    # events drive it, so a restart made elsewhere shows at once.
    cmd = WRAP + [BIN, "get", "containers", "--local", "--watch", "-o",
                  "json", "--refresh", "500", "--compose-project", PROJECT]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env=dict(os.environ, **ENV), text=True)
    try:
        first = _watch_until(p, lambda d: d["source"]["state"] == "ok" and
                             len(d["containers"]) == 4, 60)
        old = {c["service"]: c for c in first["containers"]}["web"]
        st, _ = P.api("POST", f"/v1.41/containers/{PROJECT}-web/restart?t=1")
        assert st == 204, st
        t0 = time.time()
        _watch_until(p, lambda d: any(
            c["service"] == "web" and c["state"] == "running" and
            (c["started_at"] or "") > (old["started_at"] or "")
            for c in d["containers"]), 30)
        assert time.time() - t0 < 15
        _watch_until(p, lambda d: any(
            c["service"] == "worker" and c["cpu_percent"] is not None and
            c["mem_bytes"] for c in d["containers"]), 30)
        P.stop_service()
        down = _watch_until(p, lambda d: d["source"]["state"] == "down", 60)
        assert "cannot reach the Docker API" in down["source"]["detail"]
        P.start()
        _watch_until(p, lambda d: d["source"]["state"] == "ok", 90)
    finally:
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=60)
    assert p.returncode == 0, (p.returncode, err)


def test_socket_gone_then_back():
    P.stop_service()
    if os.path.exists(P.sock):
        os.unlink(P.sock)
    r = sd("get", "containers", "--local", check=False, timeout=60)
    assert r.code == 1, r
    assert "cannot reach the Docker API at unix://" + P.sock in r.err, r.err
    assert "start Docker or Podman" in r.err, r.err
    assert r.err.count("\n") == 1, r.err  # one sentence
    P.start()
    c = containers()
    assert set(c) == {"web", "worker", "console", "once"}
    assert c["worker"]["state"] == "running"


def test_no_engine_at_all():
    env = dict(ENV)
    env["DOCKER_HOST"] = ""
    env["XDG_RUNTIME_DIR"] = os.path.join(P.dir, "none")
    r = snowdeck("get", "containers", "--local", "--compose-project", "x",
                 env=env, check=False)
    # /var/run/docker.sock or /run/podman/podman.sock may exist on a
    # developer machine; on ours neither does.
    if not os.path.exists("/var/run/docker.sock") and \
            not os.path.exists("/run/podman/podman.sock"):
        assert r.code == 1 and "no Docker API socket found" in r.err, r
        assert "DOCKER_HOST" in r.err
    else:
        assert "no Docker API socket found" not in r.err, r
    env["DOCKER_HOST"] = f"tcp://127.0.0.1:{free_port()}"
    r = snowdeck("get", "containers", "--local", "--compose-project", "x",
                 env=env, check=False)
    assert r.code == 1 and "cannot reach the Docker API at tcp://" in r.err, r
    env["DOCKER_TLS_VERIFY"] = "1"
    r = snowdeck("get", "containers", "--local", "--compose-project", "x",
                 env=env, check=False)
    assert r.code == 1 and "TLS to the Docker API is not supported" in r.err


def main():
    failed = 1
    try:
        setup()
        failed = run_tests([test_list_project, test_probes_column, test_table_output,
                   test_default_project_is_astro, test_logs_multiplexed,
                   test_logs_since, test_logs_tty_raw,
                   test_logs_all_containers,
                   test_logs_follow_no_loss,
                   test_logs_grep, test_logs_grep_follow,
                   test_restart_resets_uptime, test_logs_previous_run,
                   test_stop_shows_exited_and_start,
                   test_confirmation_and_readonly, test_unknown_container,
                   test_watch_follows_changes,
                   test_socket_gone_then_back, test_no_engine_at_all],
                  "docker")
    finally:
        if P is not None:
            P.close()
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

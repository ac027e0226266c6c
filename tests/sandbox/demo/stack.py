#!/usr/bin/env python3
"""The demo stack -- TEST AND DEMO INFRASTRUCTURE: everything `make demo` runs snowdeck on.

    stack.py up STATE [--no-services]   start it all; writes STATE/demo.env
    stack.py down STATE                 stop everything `up` started (also half-started)

`up`, in order: the Snowflake sandbox (tests/sandbox/, --seed empty), `snowdeck setup
--apply --yes` against it (the demo shows setup working), the demo's Python packages
(requirements.txt, into a cached directory of their own: the Airflow venv is not
changed), the local service containers when a container engine is present (a private
Podman engine, tests/docker/podman_env.py: busybox stand-ins named like the seed's
services, answering the seed's health paths), and Airflow 3 on loopback
(tests/airflow/harness.sh) with the demo DAGs and the demo's Snowflake XCom backend.

STATE/demo.env holds `export K='V'` lines for snowdeck: the Airflow URL and login, the
Snowflake connection (AIRFLOW_CONN_SNOWFLAKE_DEFAULT, the sandbox's), the XCom backend
settings, DOCKER_HOST and the compose project, XDG_CONFIG_HOME (a config.toml with the
services' probes) and the audit file. STATE/stack.json records what runs, for `down`.
Every step that fails raises with what failed; `down` is safe to run at any point.
"""
import hashlib
import json
import os
import shlex
import shutil
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
HARNESS = os.path.join(ROOT, "tests", "airflow", "harness.sh")
SANDBOX = os.path.join(ROOT, "tests", "sandbox", "sandbox.sh")
CACHE = os.environ.get("SNOWDECK_CACHE", os.path.expanduser("~/.cache/snowdeck"))
PROJECT = "airflow-snowpark-containers"  # the containers demo's astro project name
DEMO_DAGS = "snowpark_demo customer_analytics"
BACKEND = "snowdeck_demo.xcom_backend.SnowflakeXComBackend"

sys.path.insert(0, os.path.join(ROOT, "tests", "docker"))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
from common import free_port  # noqa: E402


def log(msg):
    print(f"demo: {msg}", file=sys.stderr, flush=True)



def snowdeck_bin():
    return os.environ.get("SNOWDECK_BIN") or os.path.join(ROOT, "snowdeck")


def run(cmd, env=None, what=None):
    r = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"{what or cmd[0]} failed (exit {r.returncode}):\n"
                           f"{r.stdout[-3000:]}{r.stderr[-3000:]}")
    return r


class Stack:
    def __init__(self, state):
        os.makedirs(state, exist_ok=True)
        self.state = os.path.abspath(state)
        self.file = os.path.join(self.state, "stack.json")
        self.info = {}
        if os.path.exists(self.file):
            with open(self.file) as f:
                self.info = json.load(f)

    def save(self):
        with open(self.file, "w") as f:
            json.dump(self.info, f, indent=1)

    # ------------------------------------------------------------------ sandbox + setup
    def sandbox(self):
        d = os.path.join(self.state, "sandbox")
        self.info["sandbox"] = d
        self.save()
        log("starting the Snowflake sandbox (empty account)")
        run([SANDBOX, "start", d, "--port", str(free_port()), "--seed", "empty"],
            what="the Snowflake sandbox")
        env = {}
        with open(os.path.join(d, "env")) as f:
            for line in f:
                if "=" in line and not line.startswith("#"):
                    k, v = line.strip().split("=", 1)
                    env[k] = v
        with open(env["SANDBOX_AIRFLOW_CONN"]) as f:
            self.info["conn"] = f.read().strip()
        self.info["sandbox_url"] = env["SANDBOX_URL"]
        self.save()

    def setup(self, env):
        log("snowdeck setup --apply --yes (the seed's Snowflake objects)")
        r = run([snowdeck_bin(), "setup", "--apply", "--yes"], env=env, what="snowdeck setup")
        last = (r.stdout.strip().splitlines() or [""])[-1]
        log(last)

    # ------------------------------------------------------------------ python packages
    def pylib(self, airflow_python):
        req = os.path.join(HERE, "requirements.txt")
        with open(req, "rb") as f:
            h = hashlib.sha256(f.read() + airflow_python.encode()).hexdigest()[:12]
        d = os.path.join(CACHE, f"demo-pylib-{h}")
        if not os.path.exists(os.path.join(d, ".complete")):
            log(f"installing the demo's packages into {d} (once)")
            shutil.rmtree(d, ignore_errors=True)
            run([airflow_python, "-m", "pip", "install", "-q", "--no-deps", "--target", d,
                 "-r", req], what="pip install of tests/sandbox/demo/requirements.txt "
                 "(is PyPI reachable?)")
            run([airflow_python, "-c", "import sys; sys.path[:0] = [sys.argv[1]]; "
                 "import pandas, pyarrow, numpy, snowflake.connector", d],
                what="importing the demo's packages")
            open(os.path.join(d, ".complete"), "w").close()
        self.info["pylib"] = d
        self.save()
        return d

    # ------------------------------------------------------------------ services
    def services(self):
        from podman_env import Podman

        if shutil.which("podman") is None and not os.environ.get("SNOWDECK_DEMO_INSTALL_PODMAN"):
            log("no container engine (podman) on this machine: the services pane stays "
                "empty; install podman for local service containers")
            return None
        log("starting the service containers (a private Podman engine)")
        p = Podman()
        self.info["podman_dir"] = p.dir
        self.save()
        p.start()
        self.info["podman_pid"] = p.proc.pid
        self.save()
        svcs = {}
        # (service, health path, body) as the seed's check_service_status probes them
        for svc, path, body in (("airflow-task-runner", "index.html", '"pong"'),
                                ("weaviate", "v1/.well-known/ready", ""),
                                ("streamlit", "_stcore/health", "ok"),
                                ("minio", "minio/health/live", "")):
            port = free_port()
            www = os.path.join(p.dir, "www-" + svc)
            os.makedirs(os.path.join(www, os.path.dirname(path)), exist_ok=True)
            with open(os.path.join(www, path), "w") as f:
                f.write(body)
            p.run(f"{PROJECT}-{svc}-1", PROJECT, svc,
                  f"trap 'exit 0' TERM; echo '{svc}: listening on 127.0.0.1:{port}'; "
                  f"/bin/httpd -f -v -p 127.0.0.1:{port} -h /www & wait",
                  binds=[f"{www}:/www:ro"])
            # snowdeck's probe takes a JSON-string body ("pong") as its text
            svcs[svc] = {"url": f"http://127.0.0.1:{port}", "path": "/" if svc ==
                         "airflow-task-runner" else "/" + path, "expect": body.strip('"')}
        self.info["services"] = svcs
        self.info["docker_host"] = "unix://" + p.sock
        self.save()
        for svc, s in svcs.items():
            self.wait_http(s["url"] + s["path"], svc)
        return svcs

    @staticmethod
    def wait_http(url, what, timeout=30):
        import urllib.request
        t0 = time.time()
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            if time.time() - t0 > timeout:
                raise RuntimeError(f"{what} did not answer {url} within {timeout} s")
            time.sleep(0.2)

    # ------------------------------------------------------------------ airflow
    def airflow(self, pylib, svcs):
        port = free_port()
        d = os.path.join(self.state, "airflow")
        self.info["airflow"] = d
        self.info["airflow_port"] = port
        self.save()
        env = dict(os.environ)
        env.update(self.backend_env())
        env.update({
            "SNOWDECK_AIRFLOW_DAGS_FOLDER": os.path.join(HERE, "dags"),
            "SNOWDECK_AIRFLOW_EXPECT_DAGS": DEMO_DAGS,
            "PYTHONPATH": os.pathsep.join([HERE, pylib] + ([os.environ["PYTHONPATH"]]
                                          if os.environ.get("PYTHONPATH") else [])),
            "DEMO_DATABASE": "DEMO", "DEMO_SCHEMA": "DEMO",
            "SNOWDECK_DEMO_SERVICES": json.dumps({k: v["url"] for k, v in (svcs or {}).items()}),
            "AIRFLOW__CORE__ALLOWED_DESERIALIZATION_CLASSES": "airflow\\.* astro\\.* include\\.astro\\.*",
        })
        # The harness drops inherited AIRFLOW* variables unless named here.
        env["SNOWDECK_AIRFLOW_KEEP_ENV"] = " ".join(
            sorted(list(self.backend_env()) + ["AIRFLOW__CORE__ALLOWED_DESERIALIZATION_CLASSES"]))
        log(f"starting Airflow 3 on 127.0.0.1:{port} with the demo DAGs")
        run([HARNESS, "start", "3", str(port), d], env=env, what="starting Airflow")
        run([HARNESS, "wait", "3", str(port), "300"], env=dict(env, AIRFLOW_STATE=d),
            what="waiting for Airflow")
        return port

    def backend_env(self):
        return {"AIRFLOW_CONN_SNOWFLAKE_DEFAULT": self.info["conn"],
                "AIRFLOW__CORE__XCOM_BACKEND": BACKEND,
                "AIRFLOW__CORE__XCOM_SNOWFLAKE_TABLE": "DEMO.XCOM.XCOM_TABLE",
                "AIRFLOW__CORE__XCOM_SNOWFLAKE_STAGE": "DEMO.XCOM.XCOM_STAGE",
                "AIRFLOW__CORE__XCOM_SNOWFLAKE_CONN_NAME": "snowflake_default"}

    # ------------------------------------------------------------------ snowdeck's env
    def snowdeck_env(self):
        xdg = os.path.join(self.state, "xdg-config")
        os.makedirs(os.path.join(xdg, "snowdeck"), exist_ok=True)
        cfg = os.path.join(xdg, "snowdeck", "config.toml")
        with open(cfg, "w") as f:
            f.write("# snowdeck demo (tests/sandbox/demo/stack.py): local service probes\n")
            for svc, s in (self.info.get("services") or {}).items():
                f.write(f"[services.{svc}]\nprobe = \"{s['url']}{s['path']}\"\n")
                if s["expect"]:
                    f.write(f"expect = {json.dumps(s['expect'])}\n")
        os.chmod(cfg, 0o600)
        e = {"XDG_CONFIG_HOME": xdg,
             "SNOWFLAKE_HOME": os.path.join(self.state, "no-snowflake-cli"),
             "SNOWDECK_AUDIT": os.path.join(self.state, "audit.jsonl"),
             "SNOWDECK_SNOWFLAKE_URL": ""}
        e.update(self.backend_env())
        if self.info.get("airflow_port"):
            e.update({"SNOWDECK_AIRFLOW_URL": f"http://127.0.0.1:{self.info['airflow_port']}",
                      "SNOWDECK_AIRFLOW_USERNAME": "admin", "SNOWDECK_AIRFLOW_PASSWORD": "admin"})
        if self.info.get("docker_host"):
            e.update({"DOCKER_HOST": self.info["docker_host"],
                      "SNOWDECK_COMPOSE_PROJECT": PROJECT})
        return e

    def write_env(self):
        e = self.snowdeck_env()
        path = os.path.join(self.state, "demo.env")
        with open(path, "w") as f:
            f.write("# snowdeck demo environment (tests/sandbox/demo/stack.py); "
                    "test credentials of the local sandbox\n")
            for k, v in e.items():
                f.write(f"export {k}={shlex.quote(v)}\n")
        os.chmod(path, 0o600)
        return path

    # ------------------------------------------------------------------ up / down
    def up(self, services=True):
        self.sandbox()
        self.setup(dict(os.environ, **self.snowdeck_env()))
        run([HARNESS, "install", "3"], what="installing Airflow 3")
        venv = run([HARNESS, "venv", "3"]).stdout.strip()
        pylib = self.pylib(os.path.join(venv, "bin", "python"))
        svcs = self.services() if services else None
        self.airflow(pylib, svcs)
        path = self.write_env()
        log(f"ready: . {path}")

    def down(self):
        if self.info.get("airflow"):
            subprocess.run([HARNESS, "stop", self.info["airflow"]], capture_output=True)
        if self.info.get("podman_dir"):
            self.stop_podman()
        if self.info.get("sandbox"):
            subprocess.run([SANDBOX, "stop", self.info["sandbox"]], capture_output=True)
        log("stopped everything the demo started")

    def stop_podman(self):
        d = self.info["podman_dir"]
        env = dict(os.environ, CONTAINERS_CONF=os.path.join(d, "containers.conf"),
                   CONTAINERS_STORAGE_CONF=os.path.join(d, "storage.conf"),
                   XDG_RUNTIME_DIR=os.path.join(d, "xdg"))
        subprocess.run(["podman", "rm", "-f", "-a", "-t", "0"], env=env, capture_output=True)
        pid = self.info.get("podman_pid")
        if pid:
            try:
                os.killpg(pid, 15)
                for _ in range(50):
                    os.killpg(pid, 0)
                    time.sleep(0.1)
                os.killpg(pid, 9)
            except ProcessLookupError:
                pass
        # leftover conmon processes of this engine only (their command line names our dir)
        r = subprocess.run(["pgrep", "-f", d], capture_output=True, text=True)
        for p in r.stdout.split():
            if int(p) != os.getpid():
                try:
                    os.kill(int(p), 9)
                except ProcessLookupError:
                    pass
        shutil.rmtree(d, ignore_errors=True)


def main(argv):
    if len(argv) < 3 or argv[1] not in ("up", "down"):
        print("usage: stack.py up STATE [--no-services] | down STATE", file=sys.stderr)
        return 2
    st = Stack(argv[2])
    if argv[1] == "down":
        st.down()
        return 0
    try:
        st.up(services="--no-services" not in argv)
    except Exception as e:  # noqa: BLE001 - one sentence, then stop what started
        log(f"start-up failed: {e}")
        st.down()
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

"""The local Snowflake sandbox (tests/sandbox/, TEST INFRASTRUCTURE, NOT
SNOWFLAKE) for integration tests: start it on a free port, talk to its
/_sandbox/ control endpoints, and build the environments snowdeck runs in.
"""
import json
import os
import subprocess
import tempfile
import urllib.request

from common import ROOT, free_port

SANDBOX = os.path.join(ROOT, "tests", "sandbox", "sandbox.sh")



class Sandbox:
    def __init__(self, seed="demo", prefix="snowdeck-sbx."):
        self.state = tempfile.mkdtemp(prefix=prefix)
        self.home = tempfile.mkdtemp(prefix=prefix + "home.")
        self.seed = seed
        self.env = {}

    def start(self):
        subprocess.run([SANDBOX, "start", self.state, "--port", str(free_port()),
                        "--seed", self.seed, "--sync-wait-ms", "3000"], check=True)
        with open(os.path.join(self.state, "env")) as f:
            for line in f:
                if "=" in line and not line.startswith("#"):
                    k, v = line.strip().split("=", 1)
                    self.env[k] = v
        return self

    def stop(self):
        subprocess.run([SANDBOX, "stop", self.state], check=False)

    def ctl(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.env["SANDBOX_URL"] + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as r:
            txt = r.read().decode()
        return json.loads(txt) if txt.strip() else None

    def fault(self, **kw):
        self.ctl("POST", "/_sandbox/faults", kw)

    def clear_requests(self):
        self.ctl("DELETE", "/_sandbox/requests")

    def requests(self):
        r = self.ctl("GET", "/_sandbox/requests")
        return r["requests"] if isinstance(r, dict) else r

    def executed(self, prefix=""):
        """Statements the sandbox really ran (not answered from its requestId cache)."""
        return [r.get("statement") or "" for r in self.requests()
                if r.get("method") == "POST" and r.get("path") == "/api/v2/statements"
                and (r.get("statement") or "").startswith(prefix) and r.get("outcome") == "EXECUTED"]

    def airflow_conn(self):
        with open(self.env["SANDBOX_AIRFLOW_CONN"]) as f:
            return f.read()

    def secrets(self):
        """Every secret of the sandbox's credentials, to search files for."""
        out = [self.env["SANDBOX_PAT"], self.env["SANDBOX_OAUTH_TOKEN"],
               self.env["SANDBOX_KEY_PASSPHRASE"]]
        with open(self.env["SANDBOX_KEY"]) as f:
            body = "".join(l.strip() for l in f if not l.startswith("-----"))
        out.append(body[20:80])
        return out

    def snowdeck_env(self, **extra):
        """A clean environment whose Snowflake connection is the sandbox's."""
        e = {"HOME": self.home, "SNOWFLAKE_HOME": os.path.join(self.home, "nosnow"),
             "AIRFLOW_CONN_SNOWFLAKE_DEFAULT": self.airflow_conn(),
             "SNOWDECK_SNOWFLAKE_URL": "", "AIRFLOW__CORE__XCOM_SNOWFLAKE_TABLE": "",
             "AIRFLOW__CORE__XCOM_SNOWFLAKE_STAGE": "", "AIRFLOW__CORE__XCOM_BACKEND": "",
             "PRIVATE_KEY_PASSPHRASE": ""}
        e.update(extra)
        return e

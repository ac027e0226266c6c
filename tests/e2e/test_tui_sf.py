"""End to end, Snowflake side: the real binary in tmux against a real
Airflow 3 (AF_URL) and the local Snowflake sandbox seeded with the demo
(SBX_STATE, started by run.sh; TEST INFRASTRUCTURE, NOT SNOWFLAKE).

Browse a stage, preview a JSON file (secrets masked); the XCom table rows
of a run (masked); follow the reference that snowpark_demo's train task
returns into the stage file and back; from the stage file jump to the task
instance that wrote it, and from the XCom table row too."""
import os
import re
import shlex
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
sys.path.insert(0, os.path.dirname(__file__))
from common import BIN, run_tests, snowdeck, wait_for  # noqa: E402
import test_tui as T  # noqa: E402

SBX = os.environ["SBX_STATE"]
RUN = f"manual__e2e-sf-{os.getpid()}"
SECRET = f"sk-e2e-{os.getpid()}-secret"


def sbx_env():
    env = {}
    with open(os.path.join(SBX, "env")) as f:
        for line in f:
            if "=" in line and not line.startswith("#"):
                k, v = line.strip().split("=", 1)
                env[k] = v
    return env


SENV = sbx_env()
HOME = os.path.join(SBX, "e2e-home")
os.makedirs(HOME, exist_ok=True)


def conn_env():
    with open(SENV["SANDBOX_AIRFLOW_CONN"]) as f:
        conn = f.read().strip()
    return {"HOME": HOME, "SNOWFLAKE_HOME": os.path.join(HOME, "nosnow"),
            "AIRFLOW_CONN_SNOWFLAKE_DEFAULT": conn,
            "AIRFLOW__CORE__XCOM_SNOWFLAKE_TABLE": "",
            "SNOWDECK_AIRFLOW_URL": T.URL, "SNOWDECK_AIRFLOW_USERNAME": "admin",
            "SNOWDECK_AIRFLOW_PASSWORD": "admin", "SNOWDECK_AUDIT": T.AUDIT}


def start(cols, rows):
    """snowdeck in tmux with the sandbox's Snowflake connection."""
    T.tmux("kill-server", check=False)
    script = os.path.join(HOME, "run.sh")
    with open(script, "w") as f:
        f.write("#!/bin/sh\n")
        for k, v in conn_env().items():
            f.write(f"export {k}={shlex.quote(v)}\n")
        f.write(f"export TERM=xterm-256color SNOWDECK_ROOT={shlex.quote(T.ROOT)}\n")
        f.write(f"stty -g > {T.AUDIT}.before; {shlex.quote(BIN)}; echo EXIT=$?; "
                f"stty -g > {T.AUDIT}.after; sleep 60\n")
    os.chmod(script, 0o755)
    for _ in range(10):
        time.sleep(0.5)
        r = T.tmux("new-session", "-d", "-s", "e2e", "-x", str(cols), "-y", str(rows),
                   script, check=False)
        if r.returncode == 0:
            return
    raise AssertionError(f"tmux would not start: {r.stderr}")


def command(text):
    T.send(":")
    T.typed(text)
    T.send("Enter")


def filt(text):
    T.send("/")
    T.typed(text)
    T.send("Enter")


def no_secrets(s):
    for secret in ("minioadmin-sandbox-secret", "sk-sandbox-0000", SECRET):
        assert secret not in s, (secret, s)


def test_stage_browse_and_masked_preview():
    start(200, 50)
    T.wait_screen("customer_analytics")
    command("stages")
    T.wait_screen("XCOM_STAGE", timeout=30)
    T.wait_screen("snowflake SNOWDECK_SANDBOX key pair up", timeout=30)
    filt("XCOM_STAGE")
    T.send("Enter")
    s = T.wait_re(r"@DEMO\.XCOM\.XCOM_STAGE \d+ files [\d.]+ KiB", timeout=30)
    assert "return_value.parquet" in s, s
    filt("check_service")
    T.send("Enter")
    s = T.wait_screen("minio_conn", timeout=30)
    assert '"aws_secret_access_key": "***"' in s, s
    no_secrets(s)
    # Esc: the files again, then the stages.
    T.send("Escape")
    T.wait_re(r"@DEMO\.XCOM\.XCOM_STAGE \d+ files")
    T.send("q")                          # q closes the page, then quits
    T.wait_screen("\u250c 1 DAGs")
    T.quit_and_check_restored()


def test_follow_reference_and_jumps():
    # The run, its stage file and its XCom table row, made by the test: the
    # train task returns a reference to
    # @DEMO.XCOM.XCOM_STAGE/snowpark_demo/train/<run>/0/return_value.bin.
    env = conn_env()
    snowdeck("trigger", "snowpark_demo", "--run-id", RUN, env=env)
    d = os.path.join(SBX, "stages", "DEMO", "XCOM", "XCOM_STAGE", "snowpark_demo",
                     "train", RUN, "0")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "return_value.bin"), "wb") as f:
        f.write(bytes(range(256)) * 2)
    snowdeck("sql", "INSERT INTO DEMO.XCOM.XCOM_TABLE VALUES ('snowpark_demo', 'train', "
             f"'{RUN}', 0, 'metrics', 'dict', "
             f"'{{\"auc\": 0.93, \"api_key\": \"{SECRET}\"}}')", "--allow-write", env=env)
    start(200, 50)
    T.wait_screen("customer_analytics")
    command("dags /snowpark_demo")
    T.send("Enter")                      # DAG -> runs
    wait_for("the run to succeed",
             lambda: re.search(r"\+ success\s+manual__e2e-sf", T.pane(T.screen(), "2 Runs")),
             timeout=240, interval=1)
    T.send("2")
    filt("e2e-sf")
    T.send("Enter")                      # run -> tasks
    T.wait_screen("train", timeout=60)
    filt("train")
    T.send("Enter")                      # task -> XCom keys
    T.wait_screen("return_value", timeout=30)
    T.send("Enter")                      # key -> value
    T.wait_screen("snowflake://myaccount", timeout=30)
    T.send("f")                          # follow the reference
    s = T.wait_screen("return_value references", timeout=30)
    s = T.wait_re(r"\d+ bytes fetched", timeout=60)
    assert "-> stage DEMO.XCOM.XCOM_STAGE" in s.replace("\u2502\u2502", ""), s
    # o: the file in the Stages pane, selected; Enter previews it.
    T.send("o")
    T.wait_re(r"@DEMO\.XCOM\.XCOM_STAGE \d+ files", timeout=30)
    T.send("Enter")
    s = T.wait_screen(f"snowpark_demo/train/{RUN}/0/return_value.bin", timeout=30)
    T.wait_screen("fetched", timeout=30)
    # Esc: the file list; Esc again: back to the XCom we came from.
    T.send("Escape")
    T.wait_re(r"@DEMO\.XCOM\.XCOM_STAGE \d+ files")
    T.send("Escape")
    T.wait_screen("return_value references", timeout=10)
    T.send("b")
    T.wait_screen("snowflake://myaccount", timeout=10)
    # From the stage file to the task instance that wrote it.
    command("stages")
    T.wait_re(r"@DEMO\.XCOM\.XCOM_STAGE \d+ files")
    T.send("T")
    s = T.wait_screen(f"snowpark_demo / {RUN} / train", timeout=10)
    assert "\u250c 3 Tasks" in s, s
    # The XCom table rows of the selected run, masked; T jumps from a row.
    command("xcomtable")
    s = T.wait_screen(f"snowpark_demo / {RUN}", timeout=30)
    s = T.wait_screen("metrics", timeout=30)
    assert '"api_key":"***"' in s or '"api_key": "***"' in s, s
    no_secrets(s)
    T.send("Enter")
    s = T.wait_screen('"auc": 0.93', timeout=10)
    no_secrets(s)
    T.send("Escape")
    T.send("T")
    T.wait_screen(f"snowpark_demo / {RUN} / train", timeout=10)
    T.quit_and_check_restored()


def test_audit_and_cmdlog_redacted():
    with open(T.AUDIT) as f:
        text = f.read()
    assert "/api/v2/statements" in text or "SQL" in text, text[-2000:]
    assert SECRET not in text
    for k in ("SANDBOX_PAT", "SANDBOX_KEY_PASSPHRASE", "SANDBOX_OAUTH_TOKEN"):
        assert SENV[k] not in text, k


if __name__ == "__main__":
    try:
        failed = run_tests([test_stage_browse_and_masked_preview,
                            test_follow_reference_and_jumps,
                            test_audit_and_cmdlog_redacted], "e2e-sf")
    finally:
        T.tmux("kill-server", check=False)
    sys.exit(1 if failed else 0)

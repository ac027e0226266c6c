#!/usr/bin/env python3
"""Integration tests: "snowdeck setup" and "snowdeck doctor" against the local
Snowflake sandbox (tests/sandbox/, TEST INFRASTRUCTURE, NOT SNOWFLAKE).

Setup on an empty account creates every object; a second run changes
nothing (no CREATE or GRANT runs at all); a step made to fail stops the run
there with Snowflake's message and a hint; running again resumes and
finishes without redoing what was done; replacing the XCom objects needs
their names typed back; --readonly refuses; the audit file holds every step
and no secret. Doctor is all green on a set-up account and names the broken
lines otherwise. Never skips.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from common import run_tests, snowdeck  # noqa: E402
from sbx import Sandbox  # noqa: E402

SB = Sandbox(seed="empty", prefix="snowdeck-setup-it.")
AUDIT = os.path.join(SB.state, "audit.jsonl")
SECRET_ENV = {}


def sd(*args, env=None, check=True, **kw):
    return snowdeck("--audit", AUDIT, *args, env=env or SB.snowdeck_env(**SECRET_ENV),
                    check=check, **kw)


def plan(*extra):
    return sd("setup", "--plan", "-o", "json", *extra).json()


def statuses(doc):
    return {s["object"]: s["status"] for s in doc["steps"]}


def test_plan_on_empty_account_changes_nothing():
    SB.clear_requests()
    doc = plan("--database", "ANALYTICS", "--schema", "RAW")
    st = statuses(doc)
    assert st["ANALYTICS"] == "create", st
    assert st["ANALYTICS.RAW"] == "create", st
    assert st["DEMO.XCOM.XCOM_TABLE"] == "create", st
    assert doc["to_run"] == len(doc["steps"]) - doc["skipped"], doc
    ran = SB.executed()
    # Only reads: SHOW, and the session's role and secondary roles.
    assert ran and all(s.upper().startswith(("SHOW", "SELECT CURRENT_")) for s in ran), ran
    # The plan shows the exact SQL, made idempotent.
    sqls = [s["sql"] for s in doc["steps"]]
    assert "CREATE DATABASE IF NOT EXISTS ANALYTICS" in sqls, sqls
    assert not any("OR REPLACE" in s for s in sqls), sqls


def test_apply_creates_everything_then_second_run_changes_nothing():
    r = sd("setup", "--apply", "--yes")
    assert "steps done" in r.out, r
    assert "[100%] done" in r.err, r.err[-2000:]
    tables = sd("sql", "SHOW TABLES LIKE 'XCOM_TABLE' IN SCHEMA DEMO.XCOM", "-o", "json").json()
    assert len(tables["rows"]) == 1, tables
    stages = sd("sql", "SHOW STAGES LIKE 'XCOM_STAGE' IN SCHEMA DEMO.XCOM", "-o", "json").json()
    assert len(stages["rows"]) == 1, stages
    grants = sd("sql", "SHOW GRANTS TO ROLE SNOWDECK_ROLE", "-o", "json").json()
    privs = {(row[1], row[2], row[3]) for row in grants["rows"]}
    assert ("SELECT", "TABLE", "DEMO.XCOM.XCOM_TABLE") in privs, privs
    assert ("WRITE", "STAGE", "DEMO.XCOM.XCOM_STAGE") in privs, privs
    # Second run: every probe finds its object; nothing is created or granted.
    SB.clear_requests()
    r = sd("setup", "--apply", "--yes")
    assert "nothing changed" in r.out, r
    ran = SB.executed()
    # Only reads: SHOW, and the session's role and secondary roles.
    assert ran and all(s.upper().startswith(("SHOW", "SELECT CURRENT_")) for s in ran), ran
    assert plan()["to_run"] == 0


def test_failed_step_stops_and_resume_finishes():
    args = ["--database", "SALES", "--xcom-database", "SALES", "--xcom-schema", "XC"]
    SB.fault(kind="sqlerror", match="^GRANT CREATE VIEW ON SCHEMA SALES", count=1,
             code="003001", sqlstate="42501",
             message="SQL access control error:\nInsufficient privileges to operate on schema 'DEMO'.")
    SB.clear_requests()
    r = sd("setup", "--apply", "--yes", *args, check=False)
    assert r.code == 1, r
    assert "setup stopped at step" in r.err and "CREATE VIEW on SCHEMA SALES.DEMO" in r.err, r.err
    assert "Insufficient privileges" in r.err, r.err
    assert "role SYSADMIN may not grant" in r.err, r.err    # the hint
    ran = SB.executed()
    # Nothing after the failed step ran.
    assert not any(s.startswith("GRANT CREATE STAGE ON SCHEMA SALES") for s in ran), ran
    assert not any("SALES.XC.XCOM_TABLE" in s and s.startswith("CREATE") for s in ran), ran
    created_db = [s for s in ran if s.startswith("CREATE DATABASE IF NOT EXISTS SALES")]
    assert len(created_db) == 1, ran
    # Resume: the done steps are found and skipped, the rest runs.
    SB.clear_requests()
    r = sd("setup", "--apply", "--yes", *args)
    assert "steps done" in r.out, r
    ran = SB.executed()
    assert not any(s.startswith("CREATE DATABASE") for s in ran), ran
    assert any(s.startswith("GRANT CREATE VIEW ON SCHEMA SALES.DEMO") for s in ran), ran
    assert any(s.startswith("CREATE TABLE IF NOT EXISTS SALES.XC.XCOM_TABLE") for s in ran), ran
    assert plan(*args)["to_run"] == 0


def test_wipe_guard():
    sd("sql", "INSERT INTO DEMO.XCOM.XCOM_TABLE VALUES ('d','t','r',0,'k','str','keep me')",
       "--allow-write")

    def rows():
        return sd("sql", "SELECT COUNT(*) FROM DEMO.XCOM.XCOM_TABLE", "-o", "json").json()["rows"][0][0]

    assert rows() == "1"
    # No terminal to type on and no confirmation: refused, nothing replaced.
    r = sd("setup", "--apply", "--yes", "--replace-xcom", check=False)
    assert r.code == 3 and "--confirm-replace" in r.err, r
    assert rows() == "1"
    # Only the table confirmed: the stage still needs its name.
    r = sd("setup", "--apply", "--yes", "--replace-xcom",
           "--confirm-replace", "DEMO.XCOM.XCOM_TABLE", check=False)
    assert r.code == 3 and "DEMO.XCOM.XCOM_STAGE" in r.err, r
    assert rows() == "1"
    # The plan says what replacing would do.
    doc = plan("--replace-xcom")
    st = statuses(doc)
    assert st["DEMO.XCOM.XCOM_TABLE"] == "replace", st
    r = sd("setup", "--apply", "--yes", "--replace-xcom",
           "--confirm-replace", "DEMO.XCOM.XCOM_TABLE,DEMO.XCOM.XCOM_STAGE")
    assert rows() == "0"


def test_readonly_refuses():
    SB.clear_requests()
    r = sd("--readonly", "setup", "--apply", "--yes", check=False)
    assert r.code == 3 and "readonly" in r.err, r
    assert SB.executed() == [], SB.executed()
    assert sd("--readonly", "setup", "--plan").code == 0


def test_audit_has_steps_and_no_secret():
    with open(AUDIT) as f:
        text = f.read()
    lines = [json.loads(l) for l in text.splitlines()]
    actions = {l["action"] for l in lines}
    assert {"setup-plan", "setup-apply"} <= actions, actions
    assert any("GRANT" in (l.get("request") or "") for l in lines), "statements are audited"
    for s in SB.secrets():
        assert s not in text, f"secret {s[:6]}… found in the audit file"


def test_doctor_green_on_set_up_account():
    env = SB.snowdeck_env(AIRFLOW__CORE__XCOM_BACKEND="snowpark_provider.xcom_backends.snowflake.SnowflakeXComBackend",
                          AIRFLOW__CORE__XCOM_SNOWFLAKE_TABLE="DEMO.XCOM.XCOM_TABLE",
                          AIRFLOW__CORE__XCOM_SNOWFLAKE_STAGE="DEMO.XCOM.XCOM_STAGE",
                          AIRFLOW__CORE__XCOM_SNOWFLAKE_CONN_NAME="snowflake_default",
                          SNOWDECK_AIRFLOW_URL="http://127.0.0.1:9")
    r = sd("doctor", "-o", "json", env=env, check=False)
    doc = r.json()
    by = {(c["group"], c["check"].split(" ")[0] if c["group"] == "Snowflake" else c["check"]): c
          for c in doc["checks"]}
    sf = [c for c in doc["checks"] if c["group"] == "Snowflake"]
    bad = [c for c in sf if c["state"] not in ("ok", "skip")]
    assert not bad, bad
    assert any(c["check"].startswith("XCom table") and c["state"] == "ok" for c in sf), sf
    assert by[("Airflow", "Snowflake XCom backend configured")]["state"] == "ok", doc
    # Airflow is not running at that URL: its line is red, so the exit is 1.
    assert by[("Airflow", "reachable")]["state"] == "fail", doc
    assert r.code == 1, r


def test_doctor_names_the_broken_lines():
    env = SB.snowdeck_env(AIRFLOW__CORE__XCOM_SNOWFLAKE_TABLE="DEMO.XCOM.NO_SUCH_TABLE",
                          AIRFLOW__CORE__XCOM_SNOWFLAKE_STAGE="DEMO.XCOM.XCOM_STAGE")
    doc = sd("doctor", "-o", "json", env=env, check=False).json()
    table = [c for c in doc["checks"] if c["check"].startswith("XCom table")][0]
    assert table["state"] == "fail" and "setup" in table["fix"], table
    # A key Snowflake does not know: authentication red, the rest skipped.
    conn = json.loads(SB.airflow_conn())
    extra = conn["extra"] if isinstance(conn["extra"], dict) else json.loads(conn["extra"])
    extra["private_key_file"] = SB.env["SANDBOX_UNREGISTERED_KEY"]
    conn["extra"] = extra
    env = SB.snowdeck_env(AIRFLOW_CONN_SNOWFLAKE_DEFAULT=json.dumps(conn))
    doc = sd("doctor", "-o", "json", env=env, check=False).json()
    auth = [c for c in doc["checks"] if c["check"] == "authenticated"][0]
    assert auth["state"] == "fail" and "RSA_PUBLIC_KEY" in auth["fix"], auth
    skipped = [c for c in doc["checks"] if c["group"] == "Snowflake" and c["state"] == "skip"]
    assert len(skipped) >= 5, doc


if __name__ == "__main__":
    failed = 1
    SB.start()
    # QUICK=1 (under ASan/valgrind, where every run costs seconds): the
    # core paths only; the full list runs in the plain integration run.
    quick = os.environ.get("QUICK") == "1"
    tests = [test_plan_on_empty_account_changes_nothing,
             test_apply_creates_everything_then_second_run_changes_nothing,
             test_failed_step_stops_and_resume_finishes,
             test_wipe_guard,
             test_readonly_refuses,
             test_audit_has_steps_and_no_secret,
             test_doctor_green_on_set_up_account,
             test_doctor_names_the_broken_lines]
    if quick:
        tests = [test_plan_on_empty_account_changes_nothing,
                 test_apply_creates_everything_then_second_run_changes_nothing,
                 test_doctor_green_on_set_up_account]
    try:
        failed = run_tests(tests, "setup")
    finally:
        SB.stop()
    sys.exit(1 if failed else 0)

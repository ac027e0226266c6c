#!/usr/bin/env python3
"""Integration tests: what a Snowflake role may not do, learned from its
grants (SHOW GRANTS TO ROLE, through the role hierarchy) before anything
is tried, against the local Snowflake sandbox (tests/sandbox/, TEST
INFRASTRUCTURE, NOT SNOWFLAKE, demo seed), which enforces OPERATE on
services and compute pools and CREATE DATABASE on the account for roles
other than its admin roles.

A role that inherits OPERATE on one service (GRANT ROLE) runs its action;
the action on another service is refused up front with the reason and
nothing is sent; with --ignore-grants it is sent and the sandbox refuses
it with Snowflake's insufficient privileges. setup --apply with an admin
role lacking CREATE DATABASE refuses up front with the list (the plan
marks the step); --ignore-grants proceeds and stops at that step with
Snowflake's message. The preflight (doctor) names the services and pools
the role may not operate, with the GRANTs to run. The user's secondary
roles (DEFAULT_SECONDARY_ROLES = ('ALL')) lend their privileges for
operating, as do database roles granted to the role. Never skips.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from common import run_tests, snowdeck  # noqa: E402
from sbx import Sandbox  # noqa: E402

SB = Sandbox(seed="demo", prefix="snowdeck-grants-it.")
AUDIT = os.path.join(SB.state, "audit.jsonl")


def env_as(role=None):
    """The sandbox's connection, as role (None: the configured admin role)."""
    if role is None:
        return SB.snowdeck_env()
    conn = json.loads(SB.airflow_conn())
    extra = conn["extra"] if isinstance(conn["extra"], dict) else json.loads(conn["extra"])
    extra["role"] = role
    conn["extra"] = extra
    return SB.snowdeck_env(AIRFLOW_CONN_SNOWFLAKE_DEFAULT=json.dumps(conn))


def sd(*args, role=None, check=True, **kw):
    return snowdeck("--audit", AUDIT, *args, env=env_as(role), check=check, **kw)


def admin_sql(stmt):
    sd("sql", stmt, "--allow-write")


def posts(suffix):
    return [r["path"] for r in SB.requests() if r["method"] == "POST" and r["path"].endswith(suffix)]


def test_role_hierarchy_grants():
    # OPS_ROLE inherits OPS_BASE, which may operate the runner only.
    admin_sql("GRANT ROLE OPS_BASE TO ROLE OPS_ROLE")
    admin_sql("GRANT OPERATE ON SERVICE DEMO.XCOM.AIRFLOW_TASK_RUNNER TO ROLE OPS_BASE")
    doc = sd("sql", "SHOW GRANTS TO ROLE OPS_ROLE", "-o", "json", role="OPS_ROLE").json()
    assert ["USAGE", "ROLE", "OPS_BASE"] in [r[1:4] for r in doc["rows"]], doc


def doctor_operate_line(role=None):
    doc = sd("doctor", "-o", "json", role=role, check=False).json()
    lines = [c for c in doc["checks"] if c["check"] == "role may operate SPCS"]
    assert len(lines) == 1, doc
    return lines[0]


def test_doctor_names_what_the_role_may_not_operate():
    # The preflight reads the same grants: the services and pools the role
    # may not operate, with the GRANTs to run; a warning, not a failure.
    SB.clear_requests()
    line = doctor_operate_line(role="OPS_ROLE")
    assert line["state"] == "warn", line
    assert line["detail"].startswith("role OPS_ROLE lacks OPERATE on service DEMO.XCOM.SISSYG, "
                                     "compute pool "), line
    assert "AIRFLOW_TASK_RUNNER" not in line["detail"], line
    assert ("GRANT OPERATE ON SERVICE DEMO.XCOM.SISSYG TO ROLE OPS_ROLE; "
            "GRANT OPERATE ON COMPUTE POOL") in line["fix"], line
    shown = SB.executed("SHOW GRANTS TO ROLE")
    assert "SHOW GRANTS TO ROLE OPS_BASE" in shown, shown
    # The configured role owns them all.
    line = doctor_operate_line()
    assert line["state"] == "ok", line
    assert "may operate the 2 services and 2 compute pools" in line["detail"], line


def test_action_the_role_may_run():
    SB.clear_requests()
    r = sd("suspend", "airflow_task_runner", "--yes", "-o", "json", role="OPS_ROLE")
    assert r.json()["ok"] is True, r
    # The grants were read first, through the hierarchy, as the role.
    shown = SB.executed("SHOW GRANTS TO ROLE")
    assert "SHOW GRANTS TO ROLE OPS_ROLE" in shown and "SHOW GRANTS TO ROLE OPS_BASE" in shown, shown
    assert posts("/AIRFLOW_TASK_RUNNER:suspend"), SB.requests()
    sd("resume", "airflow_task_runner", "--wait", "60", role="OPS_ROLE")


def test_action_refused_up_front_with_the_reason():
    SB.clear_requests()
    r = sd("restart", "sissyg", "--yes", role="OPS_ROLE", check=False)
    assert r.code == 3, r
    assert "refused up front" in r.err, r.err
    assert ("role OPS_ROLE lacks OPERATE on service DEMO.XCOM.SISSYG (SHOW GRANTS); ask an admin: "
            "GRANT OPERATE ON SERVICE DEMO.XCOM.SISSYG TO ROLE OPS_ROLE") in r.err, r.err
    assert "--ignore-grants" in r.err, r.err
    assert not posts(":suspend") and not posts(":resume"), SB.requests()
    r = sd("suspend", "pool", "snowdeck_pool", "--yes", role="OPS_ROLE", check=False)
    assert r.code == 3 and "lacks OPERATE on compute pool SNOWDECK_POOL" in r.err, r
    assert not posts(":suspend"), SB.requests()
    with open(AUDIT) as f:
        audit = f.read()
    assert '"result":"role OPS_ROLE lacks OPERATE on service DEMO.XCOM.SISSYG' in audit, audit[-1500:]


def test_ignore_grants_and_the_server_refuses_too():
    SB.clear_requests()
    r = sd("restart", "sissyg", "--yes", "--ignore-grants", role="OPS_ROLE", check=False)
    assert r.code == 1, r
    assert "003001" in r.err and "Insufficient privileges to operate on service 'SISSYG'" in r.err, r.err
    assert posts("/SISSYG:suspend"), SB.requests()
    assert not SB.executed("SHOW GRANTS"), SB.executed()
    # The SQL path is refused the same way.
    r = sd("sql", "ALTER SERVICE DEMO.XCOM.SISSYG SUSPEND", "--allow-write", role="OPS_ROLE", check=False)
    assert r.code != 0 and "Insufficient privileges" in r.err, r
    # The service was never touched.
    doc = sd("get", "service", "sissyg", "-o", "json").json()
    assert doc["services"][0]["status"] == "RUNNING", doc


def test_secondary_roles_count_for_operating():
    # With DEFAULT_SECONDARY_ROLES = ('ALL'), a role granted to the user lends
    # its privileges (but for CREATE): OPS_ROLE may now restart SISSYG.
    admin_sql("GRANT OPERATE ON SERVICE DEMO.XCOM.SISSYG TO ROLE OPS_SECONDARY")
    admin_sql("GRANT ROLE OPS_SECONDARY TO USER SNOWDECK")
    admin_sql("ALTER USER SNOWDECK SET DEFAULT_SECONDARY_ROLES = ('ALL')")
    try:
        SB.clear_requests()
        line = doctor_operate_line(role="OPS_ROLE")
        assert "SISSYG" not in line["detail"], line
        assert "SHOW GRANTS TO ROLE OPS_SECONDARY" in SB.executed("SHOW GRANTS TO ROLE"), SB.executed()
        r = sd("restart", "sissyg", "--yes", "--wait", "60", "-o", "json", role="OPS_ROLE", check=False)
        assert r.code == 0 and r.json()["ok"] is True, r
        assert posts("/SISSYG:suspend") and posts("/SISSYG:resume"), SB.requests()
    finally:
        admin_sql("ALTER USER SNOWDECK UNSET DEFAULT_SECONDARY_ROLES")
        admin_sql("REVOKE ROLE OPS_SECONDARY FROM USER SNOWDECK")
    # Not active any more: refused up front again.
    r = sd("restart", "sissyg", "--yes", role="OPS_ROLE", check=False)
    assert r.code == 3 and "lacks OPERATE on service DEMO.XCOM.SISSYG" in r.err, r


def test_database_roles_are_followed():
    # A database role granted to the role lends its OPERATE: read with
    # SHOW GRANTS TO DATABASE ROLE, so SISSYG is operable and the runner not.
    admin_sql("CREATE DATABASE ROLE IF NOT EXISTS DEMO.SVC_OPS")
    admin_sql("GRANT OPERATE ON SERVICE DEMO.XCOM.SISSYG TO DATABASE ROLE DEMO.SVC_OPS")
    admin_sql("GRANT DATABASE ROLE DEMO.SVC_OPS TO ROLE DBR_OPS")
    SB.clear_requests()
    line = doctor_operate_line(role="DBR_OPS")
    assert "SHOW GRANTS TO DATABASE ROLE DEMO.SVC_OPS" in SB.executed("SHOW GRANTS TO"), SB.executed()
    assert "SISSYG" not in line["detail"], line
    assert "service DEMO.XCOM.AIRFLOW_TASK_RUNNER" in line["detail"], line
    r = sd("suspend", "airflow_task_runner", "--yes", role="DBR_OPS", check=False)
    assert r.code == 3 and "lacks OPERATE on service DEMO.XCOM.AIRFLOW_TASK_RUNNER" in r.err, r


def test_setup_apply_refused_then_ignored():
    args = ["--admin-role", "LIMITED_ADMIN", "--database", "GRANTS_DB",
            "--xcom-database", "GRANTS_DB", "--xcom-schema", "XC"]
    # The plan marks the step the admin role may not run.
    doc = sd("setup", "--plan", "-o", "json", *args).json()
    db = [s for s in doc["steps"] if s["object"] == "GRANTS_DB"][0]
    assert db["status"] == "create", db
    assert "lacks CREATE DATABASE on account" in db["denied"], db
    assert doc["denied"] >= 1, doc
    text = sd("setup", "--plan", *args).out
    assert "denied: role LIMITED_ADMIN lacks CREATE DATABASE on account" in text, text
    # --apply refuses up front with the list; nothing changes.
    SB.clear_requests()
    r = sd("setup", "--apply", "--yes", *args, check=False)
    assert r.code == 3, r
    assert "setup --apply refused" in r.err and "GRANTS_DB: role LIMITED_ADMIN lacks CREATE DATABASE" in r.err, r.err
    assert not [s for s in SB.executed() if not s.startswith(("SHOW", "SELECT CURRENT_"))], SB.executed()
    # --ignore-grants: it runs, and Snowflake refuses at that step.
    SB.clear_requests()
    r = sd("setup", "--apply", "--yes", "--ignore-grants", *args, check=False)
    assert r.code == 1, r
    assert "setup stopped at step 1" in r.err and "Insufficient privileges to operate on account" in r.err, r.err
    assert SB.executed("CREATE DATABASE IF NOT EXISTS GRANTS_DB"), SB.executed()
    # Granted: the plan has nothing denied any more, and apply runs.
    admin_sql("GRANT CREATE DATABASE ON ACCOUNT TO ROLE LIMITED_ADMIN")
    doc = sd("setup", "--plan", "-o", "json", *args).json()
    assert doc["denied"] == 0 and not [s for s in doc["steps"] if "denied" in s], doc
    r = sd("setup", "--apply", "--yes", *args)
    assert "steps done" in r.out, r


if __name__ == "__main__":
    failed = 1
    SB.start()
    try:
        tests = [test_role_hierarchy_grants,
                 test_doctor_names_what_the_role_may_not_operate,
                 test_action_the_role_may_run,
                 test_action_refused_up_front_with_the_reason,
                 test_ignore_grants_and_the_server_refuses_too,
                 test_secondary_roles_count_for_operating,
                 test_database_roles_are_followed,
                 test_setup_apply_refused_then_ignored]
        if os.environ.get("QUICK") == "1":
            # Under the sanitizers: reading grants (hierarchy and secondary
            # roles), the doctor line, refusals, setup's marking.
            tests = [test_role_hierarchy_grants,
                     test_doctor_names_what_the_role_may_not_operate,
                     test_action_refused_up_front_with_the_reason,
                     test_secondary_roles_count_for_operating,
                     test_database_roles_are_followed,
                     test_setup_apply_refused_then_ignored]
        failed = run_tests(tests, "grants")
    finally:
        SB.stop()
    sys.exit(1 if failed else 0)

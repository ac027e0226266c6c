"""Integration against a real Airflow (3 or 2), through the headless twin,
which shares the console's core. Expects AF_URL and AF_MAJOR; credentials
admin/admin (the harness sets them up)."""
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from common import run_tests, snowdeck, wait_for  # noqa: E402

URL = os.environ["AF_URL"]
MAJOR = os.environ.get("AF_MAJOR", "3")
QUICK = os.environ.get("AF_QUICK") == "1"
AUDIT = tempfile.mktemp(prefix="snowdeck-audit-")
ENV = {"SNOWDECK_AIRFLOW_URL": URL, "SNOWDECK_AIRFLOW_USERNAME": "admin",
       "SNOWDECK_AIRFLOW_PASSWORD": "admin", "SNOWDECK_AUDIT": AUDIT,
       "HOME": tempfile.mkdtemp()}
RUN_ID = f"it_{MAJOR}_{int(time.time())}"
state = {}


def sd(*args, **kw):
    kw.setdefault("env", ENV)
    return snowdeck(*args, **kw)


def runs(dag):
    return {r["dag_run_id"]: r for r in sd("get", "runs", dag, "-o", "json").json()["dag_runs"]}


def wait_run(dag, run_id, states=("success",), timeout=300):
    def done():
        r = runs(dag).get(run_id)
        if r and r["state"] == "failed" and "failed" not in states:
            raise RuntimeError(f"run {run_id} failed")
        return r if r and r["state"] in states else None
    return wait_for(f"{dag} {run_id} to reach {states}", done, timeout=timeout, interval=2)


def test_lists_fixture_dags():
    dags = {d["dag_id"]: d for d in sd("get", "dags", "-o", "json").json()["dags"]}
    for want in ("snowpark_demo", "customer_analytics", "snowdeck_faults", "snowdeck_params"):
        assert want in dags, sorted(dags)
    table = sd("get", "dags").out
    assert table.splitlines()[0].startswith("DAG") and "customer_analytics" in table


def test_trigger_and_wait_for_success():
    sd("unpause", "customer_analytics")
    r = sd("trigger", "customer_analytics", "--run-id", RUN_ID, "-o", "json").json()
    assert r["result"] == "ok" and r["response"]["dag_run_id"] == RUN_ID, r
    run = wait_run("customer_analytics", RUN_ID)
    assert run["run_type"] == "manual"
    # A second trigger with the same client-chosen id never makes a second run.
    dup = sd("trigger", "customer_analytics", "--run-id", RUN_ID, check=False)
    assert dup.code == 1, dup
    assert list(runs("customer_analytics")).count(RUN_ID) == 1


def test_task_instances():
    tis = {t["task_id"]: t for t in sd("get", "tasks", "customer_analytics", RUN_ID, "-o", "json").json()["task_instances"]}
    assert "enter.check_service_status" in tis and "exit.exit_snowpark_containers" in tis, sorted(tis)
    assert all(t["state"] == "success" for t in tis.values()), tis
    assert tis["enter.check_service_status"]["try_number"] >= 1


def test_xcom_entries_and_masked_value():
    entries = sd("get", "xcom", "customer_analytics", RUN_ID, "enter.check_service_status", "-o", "json").json()
    assert [e["key"] for e in entries["xcom_entries"]] == ["return_value"], entries
    v = sd("get", "xcom", "customer_analytics", RUN_ID, "enter.check_service_status", "return_value")
    assert "SECRET" not in v.out, v.out
    assert "***" in v.out and "minio_conn" in v.out, v.out
    j = sd("get", "xcom", "customer_analytics", RUN_ID, "enter.check_service_status", "return_value", "-o", "json").json()
    assert j["value"]["minio_conn"]["secret_key"] == "***", j


def test_log():
    log = sd("get", "log", "customer_analytics", RUN_ID, "enter.check_service_status").out
    assert "check_service_status" in log or "Done" in log or "INFO" in log, log[:2000]
    j = sd("get", "log", "customer_analytics", RUN_ID, "enter.check_service_status", "1", "-o", "json").json()
    assert j["try_number"] == 1 and len(j["content"]) > 0


def test_faults_dag_escapes_and_failure():
    sd("unpause", "snowdeck_faults")
    rid = RUN_ID + "_f"
    sd("trigger", "snowdeck_faults", "--run-id", rid)
    wait_run("snowdeck_faults", rid, states=("failed",))
    tis = {t["task_id"]: t for t in sd("get", "tasks", "snowdeck_faults", rid, "-o", "json").json()["task_instances"]}
    assert any(t["state"] == "failed" for t in tis.values()), tis
    for task in tis:
        out = sd("get", "log", "snowdeck_faults", rid, task).out
        assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out, (task, out[:500])
        entries = sd("get", "xcom", "snowdeck_faults", rid, task, "-o", "json").json()["xcom_entries"]
        for e in entries:
            v = sd("get", "xcom", "snowdeck_faults", rid, task, e["key"]).out
            assert "\x1b" not in v and "\u202e" not in v, v[:300]
    state["faults_run"] = rid
    state["faults_tis"] = tis


def test_clear_failed_task():
    rid = state["faults_run"]
    failed = [t for t, v in state["faults_tis"].items() if v["state"] == "failed"][0]
    before = state["faults_tis"][failed]["try_number"]
    sd("clear", "snowdeck_faults", rid, failed)
    def retried():
        tis = {t["task_id"]: t for t in sd("get", "tasks", "snowdeck_faults", rid, "-o", "json").json()["task_instances"]}
        t = tis[failed]
        return t if t["try_number"] > before and t["state"] in ("failed", "success") else None
    t = wait_for("the cleared task to run again", retried, timeout=240, interval=2)
    assert t["try_number"] == before + 1, t


def test_mark_success():
    rid = state["faults_run"]
    failed = [t for t, v in state["faults_tis"].items() if v["state"] == "failed"][0]
    def settled():
        tis = {t["task_id"]: t for t in sd("get", "tasks", "snowdeck_faults", rid, "-o", "json").json()["task_instances"]}
        return tis if tis[failed]["state"] in ("failed", "success") else None
    wait_for("the task to settle", settled, timeout=240, interval=2)
    sd("mark-success", "snowdeck_faults", rid, failed)
    tis = {t["task_id"]: t for t in sd("get", "tasks", "snowdeck_faults", rid, "-o", "json").json()["task_instances"]}
    assert tis[failed]["state"] == "success", tis[failed]


def test_pause_unpause():
    sd("pause", "snowpark_demo")
    d = {d["dag_id"]: d for d in sd("get", "dags", "-o", "json").json()["dags"]}
    assert d["snowpark_demo"]["is_paused"] is True
    sd("unpause", "snowpark_demo")
    d = {d["dag_id"]: d for d in sd("get", "dags", "-o", "json").json()["dags"]}
    assert d["snowpark_demo"]["is_paused"] is False


def test_params_conf_roundtrip_and_rejection():
    rid = RUN_ID + "_p"
    sd("unpause", "snowdeck_params")
    sd("trigger", "snowdeck_params", "--run-id", rid, "--conf", '{"count": 3, "color": "blue", "name": "ops"}')
    wait_run("snowdeck_params", rid)
    tis = sd("get", "tasks", "snowdeck_params", rid, "-o", "json").json()["task_instances"]
    task = tis[0]["task_id"]
    v = sd("get", "xcom", "snowdeck_params", rid, task, "return_value", "-o", "json").json()["value"]
    assert v["count"] == 3 and v["color"] == "blue" and v["name"] == "ops", v
    bad = sd("trigger", "snowdeck_params", "--run-id", rid + "_bad", "--conf", '{"count": "many", "color": "mauve"}', check=False)
    assert bad.code == 1 and "snowdeck:" in bad.err, bad


def test_pagination_over_100_runs():
    # Airflow pages at 100 (v1) / 50 (v2): list more than a page.
    have = len(runs("snowpark_demo"))
    want = 105
    if have < want:
        sd("pause", "snowpark_demo")  # runs stay queued: cheap to create
        for i in range(want - have):
            sd("trigger", "snowpark_demo", "--run-id", f"{RUN_ID}_page_{i:03d}")
        sd("unpause", "snowpark_demo")
    all_runs = sd("get", "runs", "snowpark_demo", "-o", "json").json()["dag_runs"]
    assert len(all_runs) >= want, len(all_runs)
    assert len({r["dag_run_id"] for r in all_runs}) == len(all_runs), "duplicate runs across pages"
    limited = sd("get", "runs", "snowpark_demo", "--limit", "7", "-o", "json").json()["dag_runs"]
    assert len(limited) == 7


def test_readonly_refuses():
    r = sd("pause", "snowpark_demo", "--readonly", check=False)
    assert r.code == 3 and "read-only" in r.err, r


def test_wrong_password():
    r = snowdeck("get", "dags", env=dict(ENV, SNOWDECK_AIRFLOW_PASSWORD="wrong"), check=False)
    assert r.code == 1, r
    assert ("credentials" in r.err or "401" in r.err or "403" in r.err), r.err


def test_audit_has_actions_and_no_secret():
    text = open(AUDIT, encoding="utf-8").read()
    assert '"action":"trigger"' in text and '"action":"clear"' in text, text[-2000:]
    assert '"password"' not in text.lower() or "admin" not in text.split('"password"')[1][:20]
    assert "Bearer ey" not in text


TESTS = [test_lists_fixture_dags, test_trigger_and_wait_for_success, test_task_instances,
         test_xcom_entries_and_masked_value, test_log, test_faults_dag_escapes_and_failure,
         test_clear_failed_task, test_mark_success, test_pause_unpause,
         test_params_conf_roundtrip_and_rejection, test_pagination_over_100_runs,
         test_readonly_refuses, test_wrong_password, test_audit_has_actions_and_no_secret]
QUICK_TESTS = [test_lists_fixture_dags, test_trigger_and_wait_for_success, test_task_instances,
               test_xcom_entries_and_masked_value, test_log, test_pause_unpause,
               test_readonly_refuses]

if __name__ == "__main__":
    sys.exit(1 if run_tests(QUICK_TESTS if QUICK else TESTS, f"airflow{MAJOR}") else 0)

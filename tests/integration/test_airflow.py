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


# What snowdeck_faults.hostile_output prints and returns (tests/airflow/dags).
EVIL = ("evil \x1b[31mred\x1b[0m \x1b[2J\x1b[H \x1b]0;pwned\x07 "
        "\x1b]52;c;c25vd2RlY2stcHduZWQ=\x07 \x1b]8;;http://evil.example/\x07link\x1b]8;;\x07 "
        "\u202eright-to-left\u202c \x9b31m c1-csi \x07bell\x08backspace\r\x7f end")
INVISIBLE = {0x061c, 0x2028, 0x2029, 0xfeff} | set(range(0x200b, 0x2010)) | \
    set(range(0x202a, 0x202f)) | set(range(0x2060, 0x2065)) | set(range(0x2066, 0x2070))


def assert_terminal_safe(text, what):
    """No byte of text may drive the terminal: no C0 control but newline and
    tab, no DEL, no C1 control, no bidi or invisible format character, and no
    invalid UTF-8 (which surrogateescape decoding shows as U+DC80..U+DCFF)."""
    for i, ch in enumerate(text):
        c = ord(ch)
        bad = ((c < 0x20 and ch not in "\n\t") or 0x7f <= c <= 0x9f or c in INVISIBLE
               or 0xdc80 <= c <= 0xdcff)
        assert not bad, f"{what}: U+{c:04X} at {i}: {text[max(0, i - 80):i + 80]!r}"


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
    # The seed's group/task ids (the fixture keeps three of its data sources).
    want = {"enter.check_service_status", "enter.create_weaviate_backup_bucket",
            "enter.restore_weaviate", "enter.check_model_registry",
            "structured_data.load_structured_data.load_customers",
            "structured_data.load_structured_data.load_orders",
            "structured_data.load_structured_data.load_payments",
            "train_sentiment_classifier", "exit.create_presentation_tables",
            "exit.backup_weaviate", "exit.exit_snowpark_containers"}
    assert set(tis) == want, sorted(set(tis) ^ want)
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
    assert {k: v["state"] for k, v in tis.items()} == {
        "hostile_output": "success", "raw_bytes": "success", "large_value": "success",
        "always_fails": "failed", "fails_first_try": "failed"}, tis
    for task in tis:
        if task == "raw_bytes" and MAJOR == "2":
            continue  # Airflow 2.10 answers 500 for this log: checked below
        assert_terminal_safe(sd("get", "log", "snowdeck_faults", rid, task).out, f"log of {task}")
        assert_terminal_safe(sd("get", "log", "snowdeck_faults", rid, task, "-o", "json").out,
                             f"JSON log of {task}")
        entries = sd("get", "xcom", "snowdeck_faults", rid, task, "-o", "json").json()["xcom_entries"]
        for e in entries:
            v = sd("get", "xcom", "snowdeck_faults", rid, task, e["key"])
            assert_terminal_safe(v.out, f"XCom {task}/{e['key']}")
            assert_terminal_safe(v.err, f"stderr of XCom {task}/{e['key']}")
    # The hostile text arrives, minus its escapes; the secret-named field is masked.
    log = sd("get", "log", "snowdeck_faults", rid, "hostile_output").out
    assert "right-to-left" in log and "alt-screen" in log, log[-2000:]
    # The printed line (not the Python repr of the XCom, where the escapes are
    # backslash text).
    printed = [ln for ln in log.splitlines() if "evil red" in ln and "c1-csi" in ln and "\\x1b" not in ln]
    assert printed, log[-2000:]
    if MAJOR == "3":
        # Airflow 3 serves the escapes intact: the OSC title, clipboard write
        # and hyperlink target are removed whole. (Airflow 2.10 strips part of
        # each escape itself and serves the rest, "wned\x07", as plain text.)
        for ln in printed:
            assert "pwned" not in ln and "c25vd2RlY2stcHduZWQ" not in ln and "evil.example" not in ln, ln
    text = sd("get", "xcom", "snowdeck_faults", rid, "hostile_output", "return_value").out
    assert "evil red" in text and "escape in a key" in text and "tok-SECRET-999" not in text, text
    # JSON output escapes instead of dropping: a script gets the exact value,
    # the terminal never sees a raw control (checked on the raw bytes).
    raw_json = sd("get", "xcom", "snowdeck_faults", rid, "hostile_output", "return_value", "-o", "json")
    assert_terminal_safe(raw_json.out, "JSON of the hostile XCom")
    xv = raw_json.json()["value"]
    assert xv["token"] == "***", xv
    assert xv["message"] == EVIL and xv["nested"] == [EVIL, {"deep": EVIL}], xv
    assert xv["\x1b[31mkey\x1b[0m"] == "escape in a key", xv
    # The ~200 KB value comes through whole.
    big = sd("get", "xcom", "snowdeck_faults", rid, "large_value", "return_value", "-o", "json").json()["value"]
    assert len(big) == 3000 and big[-1]["tag"] == "row-02999", (len(big), big[-1:])
    raw = sd("get", "log", "snowdeck_faults", rid, "raw_bytes", check=False)
    if MAJOR == "3":
        # Invalid UTF-8 becomes U+FFFD; the escapes inside it are gone.
        assert raw.code == 0 and "after raw bytes" in raw.out, raw
        assert "\ufffd" in raw.out and "raw-title" not in raw.out, raw.out[-1500:]
        assert_terminal_safe(raw.out, "log of raw_bytes")
    else:
        # Airflow 2.10's log endpoint fails on this log (HTTP 500, an HTML page):
        # one clean sentence naming the failure, no page dumped on the terminal.
        assert raw.code == 1 and "snowdeck:" in raw.err and "500" in raw.err, raw
        assert "<html" not in raw.err.lower(), raw
        assert_terminal_safe(raw.err, "the raw_bytes log error")
    state["faults_run"] = rid
    state["faults_tis"] = tis


def test_clear_failed_task():
    # fails_first_try fails on try 1 only: cleared, it runs again and passes.
    rid = state["faults_run"]
    before = state["faults_tis"]["fails_first_try"]["try_number"]
    sd("clear", "snowdeck_faults", rid, "fails_first_try")
    def retried():
        tis = {t["task_id"]: t for t in sd("get", "tasks", "snowdeck_faults", rid, "-o", "json").json()["task_instances"]}
        t = tis["fails_first_try"]
        return t if t["try_number"] > before and t["state"] in ("failed", "success") else None
    t = wait_for("the cleared task to run again", retried, timeout=240, interval=2)
    assert t["try_number"] == before + 1 and t["state"] == "success", t
    log = sd("get", "log", "snowdeck_faults", rid, "fails_first_try").out
    assert "passed on a later try" in log or "Done" in log or "success" in log.lower(), log[-1500:]


def test_mark_success():
    rid = state["faults_run"]
    tis = {t["task_id"]: t for t in sd("get", "tasks", "snowdeck_faults", rid, "-o", "json").json()["task_instances"]}
    assert tis["always_fails"]["state"] == "failed", tis["always_fails"]
    sd("mark-success", "snowdeck_faults", rid, "always_fails")
    tis = {t["task_id"]: t for t in sd("get", "tasks", "snowdeck_faults", rid, "-o", "json").json()["task_instances"]}
    assert tis["always_fails"]["state"] == "success", tis["always_fails"]


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
    assert v["conf"] == {"count": 3, "color": "blue", "name": "ops"}, v
    assert v["params"] == {"count": 3, "color": "blue", "name": "ops"}, v
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

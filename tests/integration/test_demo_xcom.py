#!/usr/bin/env python3
"""Integration: the demo's Snowflake XCom backend, end to end, through snowdeck's core.

Starts the demo stack (tests/sandbox/demo/stack.py: the Snowflake sandbox, set up with
`snowdeck setup`, and Airflow 3 with the demo DAGs and the backend), runs
customer_analytics and snowpark_demo, and for every XCom of both runs checks:

* what Airflow holds is the seed's exact reference string (table or stage form, the
  multi_index, the file extension the value's type calls for);
* the XCom table row (`snowdeck get xcom-table`) has the seed's value_type and the value
  the task returned, secrets masked; the stage file (`snowdeck get files`) is where the
  seed's layout puts it and decodes to what the task returned;
* `snowdeck get xcom DAG RUN TASK KEY --resolve -o json` resolves each reference to the
  same value (table rows: the value, masked; stage files: path, size, format, parquet
  rows, pickles/np described and never deserialized).

The test knows what each task returns (EXPECTED below; the demo's data is deterministic).
Never skips: a stack that cannot start fails the test.
"""
import hashlib
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from common import ROOT, run_tests, snowdeck, wait_for  # noqa: E402

STACK = os.path.join(ROOT, "tests", "sandbox", "demo", "stack.py")
DECODE = os.path.join(ROOT, "tests", "sandbox", "demo", "decode_stage_file.py")
# SNOWDECK_DEMO_STATE: use a stack already up (stack.py up STATE), keep it running after
STATE = os.environ.get("SNOWDECK_DEMO_STATE") or f"/tmp/snowdeck-demo-it.{os.getpid()}"
OWN_STACK = not os.environ.get("SNOWDECK_DEMO_STATE")
ENV = {}
INFO = {}
RUNS = {"customer_analytics": f"it_ca_{os.getpid()}", "snowpark_demo": f"it_sp_{os.getpid()}"}
BASE = "snowflake://SNOWDECK_SANDBOX?"
TABLE = "DEMO.XCOM.XCOM_TABLE"
STAGE = "DEMO.XCOM.XCOM_STAGE"
OPENAI_KEY = "sk-snowdeck-demo-NOT-A-REAL-KEY-0123456789abcdef"

SERVICES = {"weaviate_conn": {"conn_type": "weaviate", "host": "http://weaviate:8081",
                              "headers": {"X-OpenAI-Api-Key": OPENAI_KEY}},
            "minio_conn": {"conn_type": "minio", "endpoint": "minio:9000",
                           "aws_access_key_id": "minioadmin",
                           "aws_secret_access_key": "minioadmin", "secure": False},
            "streamlit_conn": {"conn_type": "http", "host": "http://streamlit:8501"}}
SERVICES_MASKED = {"weaviate_conn": {"conn_type": "weaviate", "host": "http://weaviate:8081",
                                     "headers": {"X-OpenAI-Api-Key": "***"}},
                   "minio_conn": {"conn_type": "minio", "endpoint": "minio:9000",
                                  "aws_access_key_id": "***", "aws_secret_access_key": "***",
                                  "secure": False},
                   "streamlit_conn": {"conn_type": "http", "host": "http://streamlit:8501"}}
CALLS = [["1001", "1001-call.txt", "I love the new toy, my kids play with it every day."],
         ["1002", "1002-call.txt", "The delivery was late and the box was damaged. Not happy."],
         ["1003", "1003-call.txt", "Can I change the colour of my order? Otherwise fine."]]
SOURCES = ["ad_spend", "sessions", "customers", "payments", "subscription_periods",
           "customer_conversions", "orders"]


def astro(name, db="DEMO", schema="DEMO"):
    return {"class": "Table", "name": name, "metadata": {"schema": schema, "database": db},
            "temp": False, "conn_id": "snowflake_default"}


def rows_of(source):
    h = int(hashlib.sha256(source.encode()).hexdigest()[:8], 16)
    return 5 + h % 6


def letter_freq(t):
    t = t.lower()
    return [t.count(c) / len(t) for c in "aeiostnr"]


SENT = {"love": 1.0, "fine": 0.3, "happy": 0.5, "late": -0.6, "damaged": -0.8, "not": -0.5}


def sentiment(t):
    return round(sum(SENT.get(w.strip(".,?!").lower(), 0.0) for w in t.split()), 3)


def expected(dag, run):
    """task_id -> ("table", value_type, value, masked) | ("stage", ext, check(decoded))."""
    if dag == "customer_analytics":
        version = hashlib.sha1(run.encode()).hexdigest()[:32].upper()
        e = {
            "enter.check_service_status": ("table", "dict", SERVICES, SERVICES_MASKED),
            "enter.create_weaviate_backup_bucket": ("table", "str", "weaviate-backup", None),
            "enter.restore_weaviate": ("table", "dict", SERVICES, SERVICES_MASKED),
            "enter.check_model_registry": ("table", "dict", {"database": "DEMO", "schema": "DEMO"},
                                           None),
            "structured_data.data_quality_checks.ge_jaffle_shop_customers": (
                "table", "dict",
                {"success": True, "expectation_suite_name": "jaffle_shop.customers",
                 "statistics": {"evaluated_expectations": 2, "successful_expectations": 2},
                 "results": [{"expectation_type": "expect_table_row_count_to_be_between",
                              "observed_value": rows_of("customers")},
                             {"expectation_type": "expect_column_values_to_not_be_null",
                              "column": "ID", "unexpected_count": 0}]}, None),
            "unstructured_data.load_unstructured_data.load_support_calls_to_stage": (
                "table", "str", "call_stage", None),
            "unstructured_data.transcribe_calls": (
                "stage", "parquet", lambda d: (d["columns"] == ["CUSTOMER_ID", "RELATIVE_PATH",
                                                                "TRANSCRIPT"]
                                               and d["rows"] == CALLS)),
            "unstructured_data.generate_embeddings.generate_call_embeddings": (
                "stage", "np", lambda d: d["shape"] == [3, 8] and all(
                    abs(a - b) < 1e-12 for r, c in zip(d["values"], CALLS)
                    for a, b in zip(r, letter_freq(c[2])))),
            "unstructured_data.generate_embeddings.generate_twitter_embeddings": (
                "stage", "pickle", lambda d: (d["type"] == "list" and d["len"] == 12638
                                              and d["json_bytes"] > 16777216
                                              and d["matches_expected"] is True)),
            "train_sentiment_classifier": ("table", "dict", {"id": version,
                                                             "name": "sentiment_classifier",
                                                             "version": version}, None),
            "score_sentiment.call_sentiment": (
                "stage", "parquet", lambda d: d["rows"] == [c + [sentiment(c[2])] for c in CALLS]),
            "exit.create_presentation_tables": ("table", "str", "success", None),
        }
        for s in SOURCES:
            e[f"structured_data.load_structured_data.load_{s}"] = (
                "table", "dict", astro(f"STG_{s.upper()}"), None)
        return e
    ts = INFO["ts_nodash"][run]
    tmp = f"XCOM_SNOWPARK_DEMO__TRANSFORM__{ts}__1"
    return {
        "load.load_yellow_tripdata_sample_2019_01.csv": ("table", "dict", astro("TAXI_RAW", "demo", "demo"), None),
        "load.load_yellow_tripdata_sample_2019_02.csv": ("table", "dict", astro("TAXI_RAW", "demo", "demo"), None),
        "transform": ("table", "dict",
                      {"class": "SnowparkTable", "name": tmp,
                       "uri": f"{BASE}&table=DEMO.XCOM.{tmp}&key=*", "extra": "",
                       "metadata": {"schema": "XCOM", "database": "DEMO"}, "conn_id": ""}, None),
        "feature_engineering": ("stage", "parquet", lambda d: (
            d["columns"] == ["HOUR_OF_DAY", "TRIP_DURATION_MIN", "PASSENGER_COUNT",
                             "TRIP_DISTANCE", "FARE_AMOUNT"] and len(d["rows"]) == 24)),
        "train": ("stage", "bin", lambda d: d.get("unpickled", {}).get("model") == "LinearRegression"),
        "predict": ("table", "dict", {"class": "SnowparkTable", "name": "TAXI_PRED", "uri": "",
                                      "extra": "", "metadata": {"schema": "DEMO", "database": "DEMO"},
                                      "conn_id": ""}, None),
    }


def sd(*args, **kw):
    return snowdeck(*args, env=ENV, **kw)


def ref_of(dag, run, task, exp):
    if exp[0] == "table":
        return f"{BASE}&table={TABLE}&key={dag}/{task}/{run}/0/return_value"
    return f"{BASE}&stage={STAGE}&key={dag}/{task}/{run}/0/return_value.{exp[1]}"


def decode(path):
    r = subprocess.run([INFO["python"], DECODE, path], capture_output=True, text=True,
                       env=dict(os.environ, PYTHONPATH=INFO["pythonpath"]), timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    return json.loads(r.stdout)


def setup():
    r = subprocess.run([sys.executable, STACK, "up", STATE, "--no-services"],
                       capture_output=True, text=True) if OWN_STACK else None
    if r is not None and r.returncode != 0:
        raise AssertionError(f"the demo stack did not start: {r.stderr[-4000:]}")
    with open(os.path.join(STATE, "demo.env")) as f:
        for line in f:
            if line.startswith("export "):
                k, v = line[7:].rstrip("\n").split("=", 1)
                ENV[k] = subprocess.run(["sh", "-c", f"printf %s {v}"], capture_output=True,
                                        text=True).stdout
    with open(os.path.join(STATE, "stack.json")) as f:
        INFO.update(json.load(f))
    venv = subprocess.run([os.path.join(ROOT, "tests", "airflow", "harness.sh"), "venv", "3"],
                          capture_output=True, text=True, check=True).stdout.strip()
    INFO["python"] = os.path.join(venv, "bin", "python")
    INFO["pythonpath"] = os.pathsep.join([os.path.dirname(DECODE), INFO["pylib"]])
    INFO["ts_nodash"] = {}
    for dag, run in RUNS.items():
        sd("trigger", dag, "--run-id", run)


def test_backend_decision_rule_and_multi_index():
    """tests/sandbox/demo/check_backend_rules.py: the seed's rules, without a server."""
    r = subprocess.run([INFO["python"], os.path.join(os.path.dirname(DECODE),
                                                     "check_backend_rules.py")],
                       capture_output=True, text=True, timeout=300,
                       env=dict(os.environ, PYTHONPATH=INFO["pythonpath"]))
    lines = [x for x in r.stdout.splitlines() if x.startswith(("PASS", "FAIL")) or "passed" in x]
    print("\n".join("  " + x for x in lines), flush=True)
    assert r.returncode == 0 and lines and lines[-1].endswith(" 0 failed"), r.stdout[-3000:]


def run_state(dag, run):
    d = sd("get", "runs", dag, "-o", "json").json()
    for r in d["dag_runs"]:
        if r["dag_run_id"] == run:
            return r
    return {}


def test_runs_succeed():
    t0 = time.time()
    for dag, run in RUNS.items():
        def done(dag=dag, run=run):
            st = run_state(dag, run).get("state")
            if st == "failed":
                tasks = sd("get", "tasks", dag, run).out
                raise RuntimeError(f"{dag} {run} failed:\n{tasks}")
            return st == "success"
        wait_for(f"{dag} run {run} to succeed", done, timeout=600, interval=2)
        print(f"  {dag} {run}: success after {time.time() - t0:.0f} s", flush=True)
    # ts_nodash of snowpark_demo's run: the transform's temp table is named after it
    r = run_state("snowpark_demo", RUNS["snowpark_demo"])
    ts = r.get("logical_date") or r.get("run_after")
    INFO["ts_nodash"][RUNS["snowpark_demo"]] = ts[:19].replace("-", "").replace(":", "")


def xcoms(dag, run):
    """task_id -> the XCom keys Airflow holds for it."""
    out = {}
    for line in sd("get", "tasks", dag, run, "-o", "json").json()["task_instances"]:
        keys = sd("get", "xcom", dag, run, line["task_id"], "-o", "json").json()["xcom_entries"]
        if keys:
            out[line["task_id"]] = [k["key"] for k in keys]
    return out


def test_airflow_holds_the_seeds_reference_strings():
    for dag, run in RUNS.items():
        exp = expected(dag, run)
        got = xcoms(dag, run)
        assert set(got) == set(exp), (dag, sorted(set(got) ^ set(exp)))
        for task, keys in got.items():
            assert keys == ["return_value"], (task, keys)
            v = sd("get", "xcom", dag, run, task, "return_value", "-o", "json").json()["value"]
            assert v == ref_of(dag, run, task, exp[task]), (task, v)


def test_xcom_table_rows_are_the_task_values_masked():
    for dag, run in RUNS.items():
        rows = sd("get", "xcom-table", dag, run, "-o", "json").json()["rows"]
        by_task = {r["task_id"]: r for r in rows}
        for task, e in expected(dag, run).items():
            if e[0] != "table":
                assert task not in by_task, task
                continue
            r = by_task[task]
            assert (r["run_id"], r["multi_index"], r["key"]) == (run, 0, "return_value"), r
            assert r["value_type"] == e[1], (task, r["value_type"])
            assert r["value"] == (e[3] if e[3] is not None else e[2]), (task, r["value"])
        out = sd("get", "xcom-table", dag, run, "-o", "json").out
        assert OPENAI_KEY not in out and "minioadmin" not in out


def test_table_rows_hold_the_real_values():
    """The secrets are really in the row (as in the seed), only the view masks them."""
    run = RUNS["customer_analytics"]
    r = sd("sql", "SELECT VALUE_TYPE, VALUE FROM DEMO.XCOM.XCOM_TABLE WHERE TASK_ID = "
           "'enter.check_service_status' AND RUN_ID = '" + run + "'", "-o", "json").json()
    assert len(r["rows"]) == 1, r
    assert OPENAI_KEY not in json.dumps(r), "snowdeck sql printed the API key"
    stage_root = os.path.join(INFO["sandbox"], "stages")
    assert os.path.isdir(stage_root), stage_root


def test_stage_files_in_the_seeds_layout_decode_to_the_task_values():
    root = os.path.join(INFO["sandbox"], "stages", "DEMO", "XCOM", "XCOM_STAGE")
    for dag, run in RUNS.items():
        files = sd("get", "files", f"@{STAGE}/{dag}/", "-o", "json").json()
        listed = {f["name"] if "name" in f else f["path"]: f for f in files.get("files", [])}
        for task, e in expected(dag, run).items():
            if e[0] != "stage":
                continue
            key = f"{dag}/{task}/{run}/0/return_value.{e[1]}"
            path = os.path.join(root, key)
            assert os.path.isfile(path), f"no stage file {key}"
            match = [f for n, f in listed.items() if n.endswith(key)]
            assert match, (key, sorted(listed)[:20])
            assert match[0]["size"] == os.path.getsize(path), (match[0], os.path.getsize(path))
            d = decode(path)
            assert e[2](d), (task, {k: (v if k not in ("values", "rows") else v[:3])
                                    for k, v in d.items()})


FILE_KIND = {"parquet": "parquet", "np": "binary", "bin": "binary", "pickle": "binary"}


def test_resolve_follows_every_reference():
    """snowdeck get xcom ... --resolve -o json (the lead's output contract)."""
    root = os.path.join(INFO["sandbox"], "stages", "DEMO", "XCOM", "XCOM_STAGE")
    for dag, run in RUNS.items():
        for task, e in expected(dag, run).items():
            r = sd("get", "xcom", dag, run, task, "return_value", "--resolve", "-o", "json")
            assert OPENAI_KEY not in r.out and "minioadmin" not in r.out, task
            doc = r.json()
            assert doc["dag_id"] == dag and doc["task_id"] == task and doc["key"] == "return_value"
            assert doc.get("run_id", doc.get("dag_run_id")) == run, doc
            ref = ref_of(dag, run, task, e)
            assert doc["value"] == ref, doc["value"]
            assert doc["references"], doc
            x = doc["references"][0]
            # a SnowparkTable/astro Table in the row may add table previews after it
            assert all(o["kind"] == "table-preview" for o in doc["references"][1:]), doc
            assert "error" not in x, (task, x["error"])
            assert x["reference"] == ref and x["key"] == ref.split("&key=", 1)[1], x
            if e[0] == "table":
                assert (x["kind"], x["object"]) == ("table", TABLE), x
                assert x["value_type"] == e[1], (task, x["value_type"])
                assert x["value"] == (e[3] if e[3] is not None else e[2]), (task, x["value"])
                continue
            assert (x["kind"], x["object"]) == ("stage", STAGE), x
            f = x["file"]
            key = f"{dag}/{task}/{run}/0/return_value.{e[1]}"
            size = os.path.getsize(os.path.join(root, key))
            assert f["path"].endswith(key), f
            assert f.get("kind", FILE_KIND[e[1]]) == FILE_KIND[e[1]], f
            if "size" in f:
                assert f["size"] == size, (f, size)
            elif f.get("truncated"):
                assert f["bytes_fetched"] < size, (f, size)
            else:
                assert f["bytes_fetched"] == size, (f, size)
            if e[1] in ("pickle", "np", "bin"):
                # described, never deserialized
                said = (f.get("note") or "") + (f.get("preview") or "") + f.get("format", "")
                assert "never" in said, f
                assert "rows" not in f and "values" not in f, f
            if e[1] == "parquet":
                d = decode(os.path.join(root, key))
                if "rows" in f:
                    got = [list(r.values()) if isinstance(r, dict) else r for r in f["rows"]]
                    assert got == d["rows"] or [[str(c) for c in r] for r in got] == \
                        [[str(c) for c in r] for r in d["rows"]], (got[:3], d["rows"][:3])
                else:
                    assert "parquet" in (f.get("preview", "") + f.get("format", "")), f


def teardown():
    if not OWN_STACK:
        return
    subprocess.run([sys.executable, STACK, "down", STATE], capture_output=True)
    subprocess.run(["rm", "-rf", STATE])


if __name__ == "__main__":
    failed = 1
    try:
        setup()
        failed = run_tests([test_backend_decision_rule_and_multi_index, test_runs_succeed, test_airflow_holds_the_seeds_reference_strings,
                   test_xcom_table_rows_are_the_task_values_masked,
                   test_table_rows_hold_the_real_values,
                   test_stage_files_in_the_seeds_layout_decode_to_the_task_values,
                   test_resolve_follows_every_reference], "demo-xcom")
    finally:
        teardown()
    sys.exit(1 if failed else 0)

#!/usr/bin/env python3
"""Integration tests: "snowdeck get xcom DAG RUN TASK KEY --resolve" follows
Snowflake XCom backend references to the real row or stage file in the local
Snowflake sandbox (tests/sandbox/, TEST INFRASTRUCTURE, NOT SNOWFLAKE, seeded
with the demo's XCom table and stage), and recognises SnowparkTable values,
whole-table references and object-storage paths.

The Airflow side here is a tiny double that serves one XCom value per key,
so each reference form can be put in front of snowdeck exactly; the real
Airflow with the real backend is exercised by test_demo_xcom.py. Never skips.
"""
import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(__file__))
from common import run_tests, snowdeck  # noqa: E402
from sbx import Sandbox  # noqa: E402

SB = Sandbox(seed="demo", prefix="snowdeck-resolve-it.")
CA = "customer_analytics"
SP = "snowpark_demo"
CA_RUN = "scheduled__2023-07-02T06:00:00+00:00"
SP_RUN = "manual__2023-06-19T15:41:46.538589+00:00"
ACCT = "snowflake://myORG-myACCT?"


def ref(kind, obj, key):
    return f"{ACCT}&{kind}={obj}&key={key}"


TABLE_REF = ref("table", "DEMO.XCOM.XCOM_TABLE", f"{CA}/enter.check_service_status/{CA_RUN}/0/return_value")
JSON_REF = ref("stage", "DEMO.XCOM.XCOM_STAGE", f"{CA}/enter.check_service_status/{CA_RUN}/0/return_value.json")
PARQUET_REF = ref("stage", "DEMO.XCOM.XCOM_STAGE", f"{SP}/transform.feature_engineering/{SP_RUN}/0/return_value.parquet")
PICKLE_REF = ref("stage", "DEMO.XCOM.XCOM_STAGE", f"{SP}/train.train_model/{SP_RUN}/1/return_value.pickle")
CSV_REF = ref("stage", "DEMO.XCOM.XCOM_STAGE", f"{SP}/train.train_model/{SP_RUN}/0/return_value.csv")
LIST_REF_0 = ref("table", "DEMO.XCOM.XCOM_TABLE", f"{SP}/train.train_model/{SP_RUN}/0/return_value")
LIST_REF_1 = ref("table", "DEMO.XCOM.XCOM_TABLE", f"{SP}/train.train_model/{SP_RUN}/1/metrics")
MISSING_REF = ref("table", "DEMO.XCOM.XCOM_TABLE", f"{CA}/nope/{CA_RUN}/0/return_value")

# What Airflow's API holds for each key (the backend stores JSON of the URI).
VALUES = {
    "table": TABLE_REF,
    "json": JSON_REF,
    "parquet": PARQUET_REF,
    "pickle": PICKLE_REF,
    "csv": CSV_REF,
    "nested": [LIST_REF_0, None, {"metrics": LIST_REF_1}],
    "repr": f"['{LIST_REF_0}', '{LIST_REF_1}']",      # Airflow's stringified form
    "whole": ref("table", "DEMO.DEMO.TAXI_RAW", "*"),
    "snowpark": {"class": "SnowparkTable", "name": "TAXI_RAW", "temp": False,
                 "metadata": {"database": "DEMO", "schema": "DEMO"}},
    "objstore": "s3://bucket/xcom/d/r/t/0b7f5e0e-8a3c-4b2a-9f44-3c1a2b3c4d5e.json",
    "missing": MISSING_REF,
    "plain": {"rows": 3, "ok": True},
}


class FakeAirflow:
    def __init__(self):
        fa = self

        class H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def send(self, code, obj):
                body = json.dumps(obj).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path == "/auth/token":
                    return self.send(201, {"access_token": "eyJhbGciOiJIUzI1NiJ9.e30.c2ln"})
                self.send(404, {"detail": "Not Found"})

            def do_GET(self):
                p = self.path.split("?")[0]
                if p == "/api/v2/version":
                    return self.send(200, {"version": "3.1.8", "git_version": None})
                key = p.rsplit("/", 1)[-1]
                if "/xcomEntries/" in p and key in VALUES:
                    return self.send(200, {"key": key, "value": VALUES[key], "dag_id": "d",
                                           "run_id": "r", "task_id": "t", "map_index": -1})
                self.send(404, {"detail": "Not Found"})

        self.srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.url = f"http://127.0.0.1:{self.srv.server_address[1]}"
        threading.Thread(target=self.srv.serve_forever, daemon=True).start()


AF = FakeAirflow()


def resolve(key, check=True, json_out=True):
    args = ["--airflow-url", AF.url, "get", "xcom", "d", "r", "t", key, "--resolve"]
    if json_out:
        args += ["-o", "json"]
    return snowdeck(*args, env=SB.snowdeck_env(SNOWDECK_AIRFLOW_USERNAME="admin",
                                               SNOWDECK_AIRFLOW_PASSWORD="admin"), check=check)


def test_table_row_masked():
    doc = resolve("table").json()
    (r,) = doc["references"]
    assert r["kind"] == "table" and r["object"] == "DEMO.XCOM.XCOM_TABLE", r
    assert r["value_type"] == "dict", r
    v = r["value"]
    assert v["minio_conn"]["endpoint"] == "minio:9000", v
    assert v["minio_conn"]["aws_secret_access_key"] == "***", v
    assert v["weaviate_conn"]["headers"]["X-OpenAI-Api-Key"] == "***", v
    assert doc["value"] == TABLE_REF


def test_stage_json_preview_masked():
    doc = resolve("json").json()
    (r,) = doc["references"]
    assert r["kind"] == "stage" and r["file"]["kind"] == "json", r
    prev = r["file"]["preview"]
    assert "minio:9000" in prev and "minioadmin-sandbox-secret" not in prev, prev
    assert "sk-sandbox-0000" not in prev, prev
    assert r["file"]["path"].endswith("/0/return_value.json")


def test_stage_binaries_described_not_loaded():
    p = resolve("parquet").json()["references"][0]
    assert p["file"]["kind"] == "parquet" and p["file"]["format"].startswith("parquet"), p
    k = resolve("pickle").json()["references"][0]
    assert k["file"]["kind"] == "binary" and "never" in k["file"]["format"], k
    assert "non-string keys" not in k["file"]["preview"], k   # never unpickled
    c = resolve("csv").json()["references"][0]
    assert "fold,r2,rmse" in c["file"]["preview"], c


def test_nested_and_stringified_lists():
    for key in ("nested", "repr"):
        refs = resolve(key).json()["references"]
        assert [r["key"].rsplit("/", 1)[-1] for r in refs] == ["return_value", "metrics"], refs
        assert refs[0]["value"]["model_id"] == "LINREG_7F3A", refs
        assert refs[1]["value"] == [0.81, 0.83, 0.8412], refs


def test_table_previews():
    w = resolve("whole").json()["references"][0]
    assert w["kind"] == "table-preview" and w["object"] == "DEMO.DEMO.TAXI_RAW", w
    assert int(w["row_count"]) == len(w["rows"]) > 0, w
    assert "VENDOR_ID" in w["columns"], w
    s = resolve("snowpark").json()["references"][0]
    assert s["kind"] == "table-preview" and s["object"] == "DEMO.DEMO.TAXI_RAW", s
    assert s["row_count"] == w["row_count"], (s, w)


def test_object_storage_and_plain():
    o = resolve("objstore").json()["references"]
    assert o[0]["kind"] == "object-storage" and "object-storage" in o[0]["note"], o
    p = resolve("plain").json()
    assert p["references"] == [] and p["value"] == {"rows": 3, "ok": True}, p


def test_missing_row_is_an_error():
    r = resolve("missing", check=False)
    assert r.code == 1, r
    (m,) = r.json()["references"]
    assert "no row in the XCom table" in m["error"], m


def test_statements_bound():
    SB.clear_requests()
    resolve("table")
    stmts = SB.executed("SELECT VALUE_TYPE")
    assert stmts and all("?" in s and "check_service_status" not in s for s in stmts), stmts


def test_text_output():
    r = resolve("table", json_out=False)
    assert "resolved:" in r.out and "table DEMO.XCOM.XCOM_TABLE" in r.out, r.out
    assert "minioadmin-sandbox-secret" not in r.out, r.out


if __name__ == "__main__":
    failed = 1
    SB.start()
    tests = [test_table_row_masked, test_stage_json_preview_masked,
             test_stage_binaries_described_not_loaded, test_nested_and_stringified_lists,
             test_table_previews, test_object_storage_and_plain, test_missing_row_is_an_error,
             test_statements_bound, test_text_output]
    if os.environ.get("QUICK") == "1":   # under ASan/valgrind: the core paths
        tests = [test_table_row_masked, test_stage_json_preview_masked,
                 test_nested_and_stringified_lists]
    try:
        failed = run_tests(tests, "resolve")
    finally:
        SB.stop()
    sys.exit(1 if failed else 0)

#!/usr/bin/env python3
"""Integration tests: snowdeck's Snowflake client against the local sandbox.

The sandbox (tests/sandbox/, TEST INFRASTRUCTURE, NOT SNOWFLAKE) is started
here with its own script on a free loopback port and stopped at the end.
Covers each auth method (key pair from the Airflow connection, encrypted key
from connections.toml, PAT, OAuth) and each rejection, the 202 path, results
of several partitions, error mapping, REST-to-SQL fallbacks, and every
injected fault recovered from without losing rows or running a statement
twice (checked through /_sandbox/requests). Never skips.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from common import ROOT, free_port, run_tests, snowdeck  # noqa: E402

SANDBOX = os.path.join(ROOT, "tests", "sandbox", "sandbox.sh")
STATE = tempfile.mkdtemp(prefix="snowdeck-sf-it.")
HOME = tempfile.mkdtemp(prefix="snowdeck-sf-home.")
ENV = {}
XCOM_SQL = "SELECT DAG_ID, TASK_ID, RUN_ID"


def start():
    subprocess.run([SANDBOX, "start", STATE, "--port", str(free_port()),
                    "--sync-wait-ms", "3000"], check=True)
    with open(os.path.join(STATE, "env")) as f:
        for line in f:
            if "=" in line and not line.startswith("#"):
                k, v = line.strip().split("=", 1)
                ENV[k] = v


def stop():
    subprocess.run([SANDBOX, "stop", STATE], check=False)


def ctl(method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(ENV["SANDBOX_URL"] + path, data=data,
                                 method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        txt = r.read().decode()
    return json.loads(txt) if txt.strip() else None


def reset():
    ctl("POST", "/_sandbox/reset")


def fault(**kw):
    ctl("POST", "/_sandbox/faults", kw)


def requests_seen():
    r = ctl("GET", "/_sandbox/requests")
    return r["requests"] if isinstance(r, dict) else r


def airflow_conn():
    with open(ENV["SANDBOX_AIRFLOW_CONN"]) as f:
        return f.read()


def base_env(**extra):
    """A clean environment: only what a test gives is configured."""
    e = {"HOME": HOME, "SNOWFLAKE_HOME": os.path.join(HOME, "nosnow"),
         "AIRFLOW_CONN_SNOWFLAKE_DEFAULT": "", "SNOWDECK_SNOWFLAKE_URL": "",
         "AIRFLOW__CORE__XCOM_SNOWFLAKE_TABLE": "",
         "PRIVATE_KEY_PASSPHRASE": ""}
    e.update(extra)
    return e


def af_env(**extra):
    return base_env(AIRFLOW_CONN_SNOWFLAKE_DEFAULT=airflow_conn(), **extra)


def sd(*args, env=None, check=True):
    audit = os.path.join(STATE, "audit.jsonl")
    return snowdeck("--audit", audit, *args, env=env or af_env(), check=check)


def executed(stmt_prefix):
    return [r for r in requests_seen()
            if r.get("method") == "POST" and r.get("path") == "/api/v2/statements"
            and (r.get("statement") or "").startswith(stmt_prefix)
            and r.get("outcome") == "EXECUTED"]


def xcom_rows(env=None):
    r = sd("get", "xcom-table", "-o", "json", env=env)
    return r.json()["rows"]


# ---- auth -------------------------------------------------------------------

def test_jwt_from_airflow_connection_json():
    reset()
    r = sd("sql", "select 1 + 1 as two", "-o", "json")
    doc = r.json()
    assert doc["columns"] == ["TWO"], doc
    assert doc["rows"] == [["2"]], doc
    posts = [q for q in requests_seen() if q["method"] == "POST"]
    assert posts and all(q["auth"] == "KEYPAIR_JWT" for q in posts), posts


def test_jwt_encrypted_key_from_connections_toml():
    reset()
    d = os.path.join(HOME, "enc")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "connections.toml"), "w") as f:
        f.write(f"""[enc]
account = "{ENV['SANDBOX_ACCOUNT'].lower()}"
user = "{ENV['SANDBOX_USER'].lower()}"
authenticator = "SNOWFLAKE_JWT"
private_key_file = "{ENV['SANDBOX_KEY_ENC']}"
database = "DEMO"
schema = "XCOM"
host = "{ENV['SANDBOX_HOST']}"
port = {ENV['SANDBOX_PORT']}
protocol = "http"
""")
    env = base_env(SNOWFLAKE_HOME=d,
                   PRIVATE_KEY_PASSPHRASE=ENV["SANDBOX_KEY_PASSPHRASE"])
    r = sd("-c", "enc", "sql", "select current_schema()", env=env)
    assert "XCOM" in r.out, r
    # Without the passphrase the key cannot be read: said plainly.
    env["PRIVATE_KEY_PASSPHRASE"] = ""
    r = sd("-c", "enc", "sql", "select 1", env=env, check=False)
    assert r.code == 1 and "passphrase" in r.err, r


def test_jwt_from_sandbox_connections_toml_default():
    reset()
    env = base_env(SNOWFLAKE_HOME=STATE)
    r = sd("get", "stages", "-o", "json", env=env)
    names = sorted(s["name"] for s in r.json()["stages"])
    assert names == ["CALL_STAGE", "XCOM_STAGE"], names


def test_pat_from_airflow_uri():
    reset()
    uri = (f"snowflake://{ENV['SANDBOX_USER']}@{ENV['SANDBOX_HOST']}:"
           f"{ENV['SANDBOX_PORT']}/XCOM?account={ENV['SANDBOX_ACCOUNT']}"
           f"&database=DEMO&authenticator=PROGRAMMATIC_ACCESS_TOKEN"
           f"&token={ENV['SANDBOX_PAT']}&protocol=http")
    env = base_env(AIRFLOW_CONN_SF_PAT=uri)
    r = sd("--snowflake-conn-id", "sf_pat", "sql", "select 1 as one",
           env=env)
    assert "ONE" in r.out, r
    assert requests_seen()[-1]["auth"] == "PROGRAMMATIC_ACCESS_TOKEN"


def test_oauth_token_file():
    reset()
    d = os.path.join(HOME, "oauth")
    os.makedirs(d, exist_ok=True)
    tok = os.path.join(d, "token")
    with open(tok, "w") as f:
        f.write(ENV["SANDBOX_OAUTH_TOKEN"] + "\n")
    with open(os.path.join(d, "config.toml"), "w") as f:
        f.write(f"""default_connection_name = "o"
[connections.o]
account = "{ENV['SANDBOX_ACCOUNT']}"
user = "{ENV['SANDBOX_USER']}"
authenticator = "oauth"
token_file_path = "{tok}"
database = "DEMO"
schema = "XCOM"
""")
    env = base_env(SNOWFLAKE_HOME=d,
                   SNOWDECK_SNOWFLAKE_URL=ENV["SANDBOX_URL"])
    r = sd("sql", "select 3 as three", env=env)
    assert "THREE" in r.out, r
    assert requests_seen()[-1]["auth"] == "OAUTH"


def test_rejections():
    reset()
    conn = json.loads(airflow_conn())
    # A key whose public part is not registered.
    conn["extra"]["private_key_file"] = ENV["SANDBOX_UNREGISTERED_KEY"]
    r = sd("sql", "select 1", env=base_env(
        AIRFLOW_CONN_SNOWFLAKE_DEFAULT=json.dumps(conn)), check=False)
    assert r.code == 1, r
    assert "HTTP 401, code 390144" in r.err and "RSA_PUBLIC_KEY_FP" in r.err, r
    errs = [q.get("auth_error") for q in requests_seen() if q.get("auth_error")]
    assert errs and all("FINGERPRINT" in e for e in errs), errs
    # The issuer names another account.
    reset()
    conn = json.loads(airflow_conn())
    conn["extra"]["account"] = "OTHER_ACCOUNT"
    r = sd("sql", "select 1", env=base_env(
        AIRFLOW_CONN_SNOWFLAKE_DEFAULT=json.dumps(conn)), check=False)
    assert r.code == 1 and "390144" in r.err, r
    errs = [q.get("auth_error") for q in requests_seen() if q.get("auth_error")]
    assert errs and any("ACCOUNT" in e or "ISSUER" in e for e in errs), errs
    # A wrong PAT.
    reset()
    conn = json.loads(airflow_conn())
    del conn["extra"]["private_key_file"]
    conn["extra"]["authenticator"] = "PROGRAMMATIC_ACCESS_TOKEN"
    conn["extra"]["token"] = "sdpat_not_the_right_one"
    r = sd("sql", "select 1", env=base_env(
        AIRFLOW_CONN_SNOWFLAKE_DEFAULT=json.dumps(conn)), check=False)
    assert r.code == 1 and "HTTP 401, code 390303" in r.err, r
    assert "sdpat_not_the_right_one" not in r.err
    # A wrong OAuth token.
    reset()
    conn = json.loads(airflow_conn())
    del conn["extra"]["private_key_file"]
    conn["extra"]["authenticator"] = "oauth"
    conn["extra"]["token"] = "sdoauth_wrong"
    r = sd("sql", "select 1", env=base_env(
        AIRFLOW_CONN_SNOWFLAKE_DEFAULT=json.dumps(conn)), check=False)
    assert r.code == 1 and "HTTP 401" in r.err and "sdoauth_wrong" not in r.err, r
    assert requests_seen()[-1]["auth"] in ("REJECTED", "OAUTH"), requests_seen()
    # A password only: refused before any request, with directions.
    reset()
    conn = json.loads(airflow_conn())
    del conn["extra"]["private_key_file"]
    del conn["extra"]["authenticator"]
    conn["password"] = "hunter2-secret"
    r = sd("sql", "select 1", env=base_env(
        AIRFLOW_CONN_SNOWFLAKE_DEFAULT=json.dumps(conn)), check=False)
    assert r.code == 1 and "does not accept passwords" in r.err, r
    assert "RSA_PUBLIC_KEY" in r.err and "hunter2" not in r.err, r
    assert requests_seen() == [], requests_seen()


# ---- statements -------------------------------------------------------------

def test_202_path():
    reset()
    fault(match="POST /api/v2/statements$", kind="async", delay_ms=1500,
          count=1)
    rows = xcom_rows()
    assert len(rows) == 13, len(rows)
    seen = requests_seen()
    polls = [q for q in seen if q["method"] == "GET"
             and q["path"].startswith("/api/v2/statements/")
             and "partition" not in (q.get("query") or "")]
    assert len(polls) >= 1, seen
    assert any(q["status"] == 202 for q in seen), seen
    assert len(executed(XCOM_SQL)) == 1


def test_several_partitions():
    reset()
    fault(match="POST /api/v2/statements$", kind="partitions", partitions=5,
          count=1)
    rows = xcom_rows()
    assert len(rows) == 13, len(rows)
    parts = sorted(q["query"] for q in requests_seen()
                   if "partition=" in (q.get("query") or ""))
    assert parts == [f"partition={i}" for i in range(1, 5)], parts
    # Same rows, same order as a single-partition answer.
    reset()
    assert xcom_rows() == rows


def test_error_mapping():
    reset()
    r = sd("sql", "select * from no_such_table", check=False)
    assert r.code == 1, r
    assert "the SQL statement failed (HTTP 422" in r.err, r
    assert "SQL state" in r.err and "NO_SUCH_TABLE" in r.err.upper(), r
    r = sd("sql", "select * from", check=False)
    assert r.code == 1 and "HTTP 422" in r.err and "fix the statement" in r.err, r


FAULTS = [
    dict(match="POST /api/v2/statements$", kind="status", status=429,
         retry_after=1, count=2),
    dict(match="POST /api/v2/statements$", kind="status", status=503, count=2),
    dict(match="POST /api/v2/statements$", kind="status", status=500,
         phase="after", count=1),
    dict(match="POST /api/v2/statements$", kind="drop", phase="after", count=1),
    dict(match="POST /api/v2/statements$", kind="latency", delay_ms=800,
         count=1),
    dict(match="GET /api/v2/statements/", kind="status", status=503, count=2),
    dict(match="GET /api/v2/statements/", kind="drop", count=1),
]


def test_faults_recovered_no_loss_no_double_run():
    reset()
    want = xcom_rows()
    assert len(want) == 13
    for f in FAULTS:
        reset()
        if f["match"].startswith("GET"):
            # Give the GETs something to do: partitions.
            fault(match="POST /api/v2/statements$", kind="partitions",
                  partitions=4, count=1)
        fault(**f)
        got = xcom_rows()
        assert got == want, (f, len(got))
        runs = executed(XCOM_SQL)
        assert len(runs) == 1, (f, runs)
        posts = [q for q in requests_seen() if q["method"] == "POST"
                 and q["path"] == "/api/v2/statements"]
        ids = {q["requestId"] for q in posts}
        assert len(ids) == 1, (f, posts)
        assert not posts[0].get("retry"), (f, posts)
        assert all(q.get("retry") or "retry=true" in q.get("query", "")
                   for q in posts[1:]), (f, posts)
        if f.get("phase") == "after":
            assert any(q.get("outcome") == "CACHED" for q in posts), (f, posts)


# ---- stages, files, XCom table ---------------------------------------------

def test_drop_on_reused_connection_resent_marked():
    # A REST call first leaves a kept-alive connection; the statement that
    # follows (LIST, the fallback) is dropped after executing. Its resend
    # must carry retry=true (libcurl would otherwise resend it unmarked on
    # the dead reused connection) and must not run twice.
    reset()
    fault(match="GET /api/v2/databases/.*/files$", kind="status", status=404,
          count=1)
    fault(match="POST /api/v2/statements$", kind="drop", phase="after",
          count=1)
    files = sd("get", "files", "@DEMO.XCOM.XCOM_STAGE", "-o",
               "json").json()["files"]
    assert len(files) == 8, files
    posts = [q for q in requests_seen() if q["method"] == "POST"]
    assert len(posts) == 2, posts
    assert not posts[0].get("retry") and posts[1].get("retry"), posts
    assert [q.get("outcome") for q in posts] == ["EXECUTED", "CACHED"], posts


def test_stages_rest_and_show_fallback():
    reset()
    rest = sd("get", "stages", "-o", "json").json()
    reset()
    fault(match="GET /api/v2/databases/.*/stages$", kind="status", status=404,
          count=1)
    show = sd("get", "stages", "-o", "json").json()
    assert [s["name"] for s in rest["stages"]] == \
        [s["name"] for s in show["stages"]], (rest, show)
    assert any((q.get("statement") or "").startswith("SHOW STAGES")
               for q in requests_seen())
    table = sd("get", "stages").out
    assert "XCOM_STAGE" in table and "CALL_STAGE" in table


def test_files_prefix_totals_and_list_fallback():
    reset()
    stage = "@demo.xcom.xcom_stage/snowpark_demo/"
    rest = sd("get", "files", stage, "-o", "json").json()
    paths = [f["path"] for f in rest["files"]]
    assert len(paths) == 5 and all(p.startswith("snowpark_demo/")
                                   for p in paths), paths
    assert paths == sorted(paths)
    assert rest["total_files"] == 5
    assert rest["total_bytes"] == sum(f["size"] for f in rest["files"])
    assert all(re.match(r"\d{4}-\d\d-\d\dT", f["last_modified"])
               for f in rest["files"]), rest
    assert all(len(f["md5"]) == 32 for f in rest["files"])
    assert sum(g["files"] for g in rest["groups"]) == 5
    reset()
    fault(match="GET /api/v2/databases/.*/files$", kind="status", status=404,
          count=1)
    lst = sd("get", "files", stage, "-o", "json").json()
    stmts = [q.get("statement") for q in requests_seen() if q.get("statement")]
    assert stmts and stmts[0].startswith("LIST @"), stmts
    assert lst["files"] == rest["files"], (lst, rest)
    # The table form ends with the totals line.
    out = sd("get", "files", "@DEMO.XCOM.XCOM_STAGE").out
    assert re.search(r"^8 files, \d+ bytes in \d+ directories of "
                     r"@DEMO\.XCOM\.XCOM_STAGE$", out, re.M), out


def test_files_unpadded_and_padded_days():
    # The seed has days 3..21: one- and two-digit days through LIST.
    reset()
    fault(match="GET /api/v2/databases/.*/files$", kind="status", status=404,
          count=1)
    files = sd("get", "files", "@DEMO.XCOM.XCOM_STAGE", "-o",
               "json").json()["files"]
    days = {int(f["last_modified"][8:10]) for f in files}
    assert any(d < 10 for d in days) and any(d >= 10 for d in days), days


def test_xcom_table_filters_and_masking():
    reset()
    rows = xcom_rows()
    dags = {r["dag_id"] for r in rows}
    assert dags == {"snowpark_demo", "customer_analytics"}, dags
    run = next(r["run_id"] for r in rows
               if r["task_id"] == "enter.check_service_status")
    r = sd("get", "xcom-table", "customer_analytics", run, "-o", "json")
    sub = r.json()["rows"]
    assert sub and all(x["run_id"] == run for x in sub), sub
    css = next(x for x in sub if x["task_id"] == "enter.check_service_status")
    minio = css["value"]["minio_conn"]
    assert minio["aws_secret_access_key"] == "***", minio
    assert minio["aws_access_key_id"] == "***", minio
    # Bound, not pasted: a quote in the filter is just a value.
    r = sd("get", "xcom-table", "x' or '1'='1", "-o", "json")
    assert r.json()["rows"] == []
    stmt = [q for q in requests_seen() if q.get("statement")][-1]["statement"]
    assert "x'" not in stmt and "DAG_ID = ?" in stmt, stmt
    # The table form masks too.
    out = sd("get", "xcom-table", "customer_analytics").out
    assert '"***"' in out


def test_sql_output_masks_secrets():
    reset()
    r = sd("sql", "select value, 'hunter2' as password from "
           "demo.xcom.xcom_table where task_id = 'enter.check_service_status'",
           "-o", "json")
    doc = r.json()
    assert doc["rows"], doc
    for value, pw in doc["rows"]:
        assert pw == "***", pw
        assert '"aws_secret_access_key": "***"' in value or \
            '"aws_secret_access_key":"***"' in value, value
    assert "hunter2" not in r.out


def test_sql_read_only_guard():
    reset()
    r = sd("sql", "create table demo.demo.t_guard (a int)", check=False)
    assert r.code == 3 and "--allow-write" in r.err, r
    assert requests_seen() == []
    r = sd("sql", "select 1; select 2", check=False)
    assert r.code == 2, r
    r = sd("--allow-write", "sql", "create or replace table demo.demo.t_guard (a int)")
    assert r.code == 0, r
    r = sd("sql", "select count(*) as n from demo.demo.t_guard", "-o", "json")
    assert r.json()["rows"] == [["0"]], r


def test_compute_pools_services_repos_rest_and_show():
    reset()
    # Pools and services have one listing (core/spcs.c); "compute-pools"
    # and "service" are other spellings of "pools" and "services".
    pools = sd("get", "compute-pools", "-o", "json").json()["pools"]
    by = {p["name"]: p["state"] for p in pools}
    assert by == {"SNOWDECK_POOL": "ACTIVE", "SNOWDECK_GPU_POOL": "SUSPENDED"}, by
    assert sd("get", "pools", "-o", "json").json() == {"pools": pools}
    svcs = sd("get", "services", "-o", "json").json()["services"]
    assert sorted(x["name"] for x in svcs) == ["AIRFLOW_TASK_RUNNER", "SISSYG"]
    assert sd("get", "service", "-o", "json").json() == {"services": svcs}
    one = sd("get", "services", "sissyg", "-o", "json").json()["services"]
    assert len(one) == 1 and one[0]["compute_pool"] == "SNOWDECK_POOL", one
    repos = sd("get", "image-repositories", "-o", "json").json()["objects"]
    assert [r["name"] for r in repos] == ["SNOWDECK_REPO"], repos
    # Where the REST endpoints are missing: SHOW, same answers.
    for what, path, key in (("compute-pools", "/api/v2/compute-pools", "pools"),
                            ("services", "/services", "services"),
                            ("image-repositories", "/image-repositories", "objects")):
        reset()
        fault(match=f"GET .*{path}$", kind="status", status=404, count=1)
        rows = sd("get", what, "-o", "json").json()[key]
        stmts = [q.get("statement") for q in requests_seen()
                 if q.get("statement")]
        assert stmts and stmts[0].startswith("SHOW "), (what, stmts)
        assert rows, what
    reset()
    fault(match="GET .*/services$", kind="status", status=404, count=1)
    one = sd("get", "services", "SISSYG", "-o", "json").json()["services"]
    assert [x["name"] for x in one] == ["SISSYG"], one
    r = sd("get", "compute-pools", "NOPE", check=False)
    assert r.code == 1 and "NOPE" in r.err, r


def test_file_preview_through_presigned_url():
    reset()
    base = "@DEMO.XCOM.XCOM_STAGE/"
    files = sd("get", "files", base, "-o", "json").json()["files"]
    css = next(f["path"] for f in files
               if "check_service_status" in f["path"])
    r = sd("get", "file", base + css, "-o", "json")
    doc = r.json()
    assert doc["kind"] == "json" and not doc["truncated"], doc
    val = json.loads(doc["preview"])
    assert val["minio_conn"]["aws_secret_access_key"] == "***", val
    # The presigned URL itself never shows.
    assert "presigned" not in r.out and "Signature" not in r.out, r.out
    assert any(q["path"].endswith(":presigned-url") for q in requests_seen())
    assert any(q["path"].startswith("/presigned/") for q in requests_seen())
    csv = next(f["path"] for f in files if f["path"].endswith(".csv"))
    out = sd("get", "file", base + csv).out
    assert out.splitlines()[0].count(",") >= 1, out
    for ext, word in ((".pickle", "never deserialized"),
                      (".np", "never deserialized"),
                      (".bin", "never deserialized"),
                      (".parquet", "parquet: 5 rows in 1 row group, 3 columns")):
        p = next(f["path"] for f in files if f["path"].endswith(ext))
        out = sd("get", "file", base + p).out
        assert word in out, (ext, out)
    r = sd("get", "file", base + "no/such/file.json", check=False)
    assert r.code == 1, r


def test_audit_has_no_secrets():
    sd("sql", "select 1")
    sd("get", "file", "@DEMO.XCOM.XCOM_STAGE/customer_analytics/"
       "enter.check_service_status/scheduled__2023-07-02T06:00:00+00:00/0/"
       "return_value.json")
    audit = os.path.join(STATE, "audit.jsonl")
    with open(audit) as f:
        text = f.read()
    assert "select 1" in text, text[-2000:]
    assert "presigned URL of @DEMO.XCOM.XCOM_STAGE/" in text, text[-2000:]
    assert "/presigned/" not in text and "Signature=" not in text
    for secret in (ENV["SANDBOX_PAT"], ENV["SANDBOX_OAUTH_TOKEN"],
                   ENV["SANDBOX_KEY_PASSPHRASE"], "eyJ", "PRIVATE KEY"):
        assert secret not in text, secret


TESTS = [
    test_jwt_from_airflow_connection_json,
    test_jwt_encrypted_key_from_connections_toml,
    test_jwt_from_sandbox_connections_toml_default,
    test_pat_from_airflow_uri,
    test_oauth_token_file,
    test_rejections,
    test_202_path,
    test_several_partitions,
    test_error_mapping,
    test_faults_recovered_no_loss_no_double_run,
    test_drop_on_reused_connection_resent_marked,
    test_stages_rest_and_show_fallback,
    test_files_prefix_totals_and_list_fallback,
    test_files_unpadded_and_padded_days,
    test_xcom_table_filters_and_masking,
    test_sql_read_only_guard,
    test_sql_output_masks_secrets,
    test_compute_pools_services_repos_rest_and_show,
    test_file_preview_through_presigned_url,
    test_audit_has_no_secrets,
]

if __name__ == "__main__":
    quick = os.environ.get("SF_QUICK") == "1"
    only = os.environ.get("SF_ONLY")
    start()
    try:
        tests = TESTS
        if quick:
            tests = [test_jwt_from_airflow_connection_json, test_202_path,
                     test_several_partitions,
                     test_faults_recovered_no_loss_no_double_run,
                     test_drop_on_reused_connection_resent_marked,
                     test_xcom_table_filters_and_masking,
                     test_files_prefix_totals_and_list_fallback,
                     test_file_preview_through_presigned_url]
        if only:
            tests = [t for t in TESTS if t.__name__ in only.split(",")]
        failed = run_tests(tests, "snowflake")
    finally:
        stop()
        import shutil
        shutil.rmtree(STATE, ignore_errors=True)
        shutil.rmtree(HOME, ignore_errors=True)
    sys.exit(1 if failed else 0)

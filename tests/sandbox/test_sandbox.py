"""Tests of snowdeck's Snowflake sandbox (TEST AND DEMO INFRASTRUCTURE, NOT SNOWFLAKE).

Every response of a documented Snowflake endpoint is validated against the
official OpenAPI specs in ../shared/specs/snowflake (openapi-core). Run by
tests/sandbox/run.sh, which installs, starts the sandbox and points
SANDBOX_ENV at its env file; without SANDBOX_ENV the fixture starts one
itself. Nothing is skipped: a sandbox that cannot start fails the run.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import subprocess
import tempfile
import time
import uuid
from typing import Any
from urllib.parse import quote, urlsplit

import jwt
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from openapi_core import OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SPEC_DIR = os.environ.get("SNOWFLAKE_SPECS") or os.path.join(ROOT, "..", "shared", "specs", "snowflake")
if not os.path.isdir(SPEC_DIR):
    SPEC_DIR = "/work/shared/specs/snowflake"
SPEC_HOST = "https://org-account.snowflakecomputing.com"
_specs: dict[str, OpenAPI] = {}


def spec(name: str) -> OpenAPI:
    if name not in _specs:
        path = os.path.join(SPEC_DIR, f"{name}.yaml")
        assert os.path.isfile(path), f"official spec {path} is missing: set SNOWFLAKE_SPECS"
        if name == "service":
            # Known defect of the official service.yaml: JobService, the base of Service, is marked
            # writeOnly as a whole, so no Service could ever appear in a response; and it requires
            # `spec`, whose schema ServiceSpec is writeOnly (OAS 3.0: a required writeOnly property is
            # required in requests only). Validate against a copy with exactly those two fixes.
            import yaml
            doc = yaml.safe_load(open(path))
            job = doc["components"]["schemas"]["JobService"]
            job.pop("writeOnly", None)
            job["required"] = [r for r in job["required"] if r != "spec"]
            from jsonschema_path import SchemaPath
            _specs[name] = OpenAPI(SchemaPath.from_dict(doc, base_uri=f"file://{os.path.abspath(path)}"))
        else:
            _specs[name] = OpenAPI.from_file_path(path)
    return _specs[name]


def spec_for(path: str) -> str:
    if path.startswith("/api/v2/statements"):
        return "sqlapi"
    if path.startswith("/api/v2/compute-pools"):
        return "compute-pool"
    if "/services" in path:
        return "service"
    if "/image-repositories" in path:
        return "image-repository"
    if "/stages" in path:
        return "stage"
    raise AssertionError(f"no spec for {path}")


VALIDATED = {"count": 0}


def validated(resp: requests.Response) -> requests.Response:
    """Validate one response of the sandbox against the official spec of its endpoint."""
    p = resp.request
    u = urlsplit(p.url)
    proxy = p.copy()
    proxy.url = SPEC_HOST + u.path + (f"?{u.query}" if u.query else "")
    spec(spec_for(u.path)).validate_response(RequestsOpenAPIRequest(proxy), RequestsOpenAPIResponse(resp))
    VALIDATED["count"] += 1
    return resp


# ------------------------------------------------------------- fixtures ----

def read_env(path: str) -> dict[str, str]:
    env = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                k, _, v = line.partition("=")
                env[k] = v
    return env


@pytest.fixture(scope="session")
def sbx() -> Any:
    if os.environ.get("SANDBOX_ENV"):
        yield read_env(os.environ["SANDBOX_ENV"])
        return
    state = tempfile.mkdtemp(prefix="snowdeck-sbx-")
    subprocess.run([os.path.join(HERE, "sandbox.sh"), "start", state, "--sync-wait-ms", "1500",
                    "--spcs-pending-ms", "2500", "--spcs-suspending-ms", "2000"], check=True)
    try:
        yield read_env(os.path.join(state, "env"))
    finally:
        subprocess.run([os.path.join(HERE, "sandbox.sh"), "stop", state], check=False)


@pytest.fixture(autouse=True)
def clean(sbx: dict[str, str]) -> Any:
    requests.delete(sbx["SANDBOX_URL"] + "/_sandbox/faults", timeout=10)
    yield
    requests.delete(sbx["SANDBOX_URL"] + "/_sandbox/faults", timeout=10)


def load_key(path: str, passphrase: str | None = None) -> Any:
    with open(path, "rb") as f:
        return serialization.load_pem_private_key(f.read(), passphrase.encode() if passphrase else None)


def fingerprint(key: Any) -> str:
    import base64
    der = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return "SHA256:" + base64.b64encode(hashlib.sha256(der).digest()).decode()


def make_jwt(sbx: dict[str, str], key: Any = None, *, account: str | None = None, user: str | None = None,
             fp: str | None = None, iat: float | None = None, lifetime: int = 59, sign_key: Any = None) -> str:
    key = key or load_key(sbx["SANDBOX_KEY"])
    account = account or sbx["SANDBOX_ACCOUNT"]
    user = user or sbx["SANDBOX_USER"]
    iat = int(iat if iat is not None else time.time())
    claims = {"iss": f"{account}.{user}.{fp or fingerprint(key)}", "sub": f"{account}.{user}",
              "iat": iat, "exp": iat + lifetime}
    return jwt.encode(claims, sign_key or key, algorithm="RS256")


def headers(sbx: dict[str, str], kind: str = "KEYPAIR_JWT", token: str | None = None) -> dict[str, str]:
    if token is None:
        token = {"KEYPAIR_JWT": lambda: make_jwt(sbx), "PROGRAMMATIC_ACCESS_TOKEN": lambda: sbx["SANDBOX_PAT"],
                 "OAUTH": lambda: sbx["SANDBOX_OAUTH_TOKEN"]}[kind]()
    h = {"Authorization": f"Bearer {token}", "Content-Type": "application/json", "Accept": "application/json",
         "User-Agent": "snowdeck-sandbox-tests/1.0"}
    if kind:
        h["X-Snowflake-Authorization-Token-Type"] = kind
    return h


def submit(sbx: dict[str, str], statement: str, *, query: str = "", kind: str = "KEYPAIR_JWT",
           hdrs: dict[str, str] | None = None, **body: Any) -> requests.Response:
    b = {"statement": statement, "database": "DEMO", "schema": "XCOM", "warehouse": sbx["SANDBOX_WAREHOUSE"],
         "role": sbx["SANDBOX_ROLE"], "timeout": 60}
    b.update(body)
    b = {k: v for k, v in b.items() if v is not None}
    return validated(requests.post(f"{sbx['SANDBOX_URL']}/api/v2/statements{query}", json=b,
                                   headers=hdrs or headers(sbx, kind), timeout=30))


def get(sbx: dict[str, str], path: str, kind: str = "KEYPAIR_JWT", **kw: Any) -> requests.Response:
    h = headers(sbx, kind)
    h.update(kw.pop("extra_headers", {}))
    return validated(requests.get(sbx["SANDBOX_URL"] + path, headers=h, timeout=30, **kw))


def post(sbx: dict[str, str], path: str, body: Any = None, kind: str = "KEYPAIR_JWT") -> requests.Response:
    return validated(requests.post(sbx["SANDBOX_URL"] + path, json=body, headers=headers(sbx, kind), timeout=30))


def poll(sbx: dict[str, str], handle: str, deadline: float = 20) -> requests.Response:
    end = time.time() + deadline
    while True:
        r = get(sbx, f"/api/v2/statements/{handle}")
        if r.status_code != 202 or time.time() > end:
            return r
        time.sleep(0.2)


def fault(sbx: dict[str, str], **f: Any) -> None:
    r = requests.post(sbx["SANDBOX_URL"] + "/_sandbox/faults", json=f, timeout=10)
    assert r.status_code == 200, r.text


def request_log(sbx: dict[str, str]) -> list[dict[str, Any]]:
    return requests.get(sbx["SANDBOX_URL"] + "/_sandbox/requests", timeout=10).json()


def rows_of(r: requests.Response) -> list[list[Any]]:
    assert r.status_code == 200, r.text
    return r.json()["data"]


def col(r: requests.Response, name: str) -> int:
    names = [c["name"].lower() for c in r.json()["resultSetMetaData"]["rowType"]]
    return names.index(name.lower())


# ------------------------------------------------------------ the tests ----

def test_env_contract_and_banner(sbx: dict[str, str]) -> None:
    for key in ("SANDBOX_URL", "SANDBOX_HOST", "SANDBOX_PORT", "SANDBOX_ACCOUNT", "SANDBOX_USER", "SANDBOX_ROLE",
                "SANDBOX_WAREHOUSE", "SANDBOX_DATABASE", "SANDBOX_SCHEMA", "SANDBOX_KEY", "SANDBOX_KEY_ENC",
                "SANDBOX_KEY_PASSPHRASE", "SANDBOX_UNREGISTERED_KEY", "SANDBOX_PAT", "SANDBOX_OAUTH_TOKEN",
                "SANDBOX_CONNECTIONS_TOML", "SANDBOX_AIRFLOW_CONN"):
        assert sbx.get(key), key
        assert " " not in sbx[key] and '"' not in sbx[key], key
    assert sbx["SANDBOX_URL"] == f"http://127.0.0.1:{sbx['SANDBOX_PORT']}"
    assert sbx["SANDBOX_ACCOUNT"] == "SNOWDECK_SANDBOX" and sbx["SANDBOX_USER"] == "SNOWDECK"
    assert (sbx["SANDBOX_DATABASE"], sbx["SANDBOX_SCHEMA"]) == ("DEMO", "XCOM")
    with open(sbx["SANDBOX_KEY"]) as f:
        assert f.read().startswith("-----BEGIN PRIVATE KEY-----")
    with open(sbx["SANDBOX_KEY_ENC"]) as f:
        assert f.read().startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----")
    toml = open(sbx["SANDBOX_CONNECTIONS_TOML"]).read()
    for needle in ("[sandbox]", 'authenticator = "SNOWFLAKE_JWT"', f"port = {sbx['SANDBOX_PORT']}",
                   'protocol = "http"', 'host = "127.0.0.1"', f'private_key_file = "{sbx["SANDBOX_KEY"]}"'):
        assert needle in toml, needle
    conn = json.load(open(sbx["SANDBOX_AIRFLOW_CONN"]))
    assert conn["conn_type"] == "snowflake" and conn["login"] == "SNOWDECK" and conn["schema"] == "XCOM"
    assert conn["extra"]["account"] == "SNOWDECK_SANDBOX" and conn["extra"]["port"] == int(sbx["SANDBOX_PORT"])
    health = requests.get(sbx["SANDBOX_URL"] + "/_sandbox/health", timeout=10).json()
    assert "TEST AND DEMO INFRASTRUCTURE" in health["banner"]


def test_select_sync_result_is_strings(sbx: dict[str, str]) -> None:
    r = submit(sbx, "SELECT dag_id, task_id, run_id, multi_index, key, value_type, value FROM XCOM_TABLE "
                    "WHERE dag_id = ? ORDER BY task_id, multi_index",
               bindings={"1": {"type": "TEXT", "value": "snowpark_demo"}})
    body = r.json()
    assert body["code"] == "090001" and body["sqlState"] == "00000"
    meta = body["resultSetMetaData"]
    assert meta["format"] == "jsonv2" and meta["numRows"] == len(body["data"]) == 6
    assert [c["name"] for c in meta["rowType"]] == ["DAG_ID", "TASK_ID", "RUN_ID", "MULTI_INDEX", "KEY",
                                                    "VALUE_TYPE", "VALUE"]
    assert meta["rowType"][3]["type"] == "fixed"
    assert all(isinstance(v, str) for row in body["data"] for v in row)
    assert body["data"][0][3] == "0"
    assert uuid.UUID(body["statementHandle"])


def test_value_encodings(sbx: dict[str, str]) -> None:
    r = submit(sbx, "SELECT VENDOR_ID, PICKUP_DATETIME, TRIP_DISTANCE, FARE_AMOUNT, STORE_AND_FWD, "
                    "'2024-01-02'::date AS D FROM DEMO.DEMO.TAXI_RAW ORDER BY PICKUP_DATETIME LIMIT 4")
    data = rows_of(r)
    assert data[0][1] == "1546303600.000000000"  # 2019-01-01 00:46:40 as epoch seconds, 9 decimals
    assert data[0][3] == "7.00" and data[0][4] == "false" and data[3][4] is None
    assert data[0][5] == str((__import__("datetime").date(2024, 1, 2) - __import__("datetime").date(1970, 1, 1)).days)
    r = submit(sbx, "SELECT NULL AS N", query="?nullable=false")
    assert rows_of(r) == [["null"]]


@pytest.mark.parametrize("kind", ["KEYPAIR_JWT", "KEYPAIR_JWT_ENCRYPTED_KEY", "KEYPAIR_JWT_MS",
                                  "PROGRAMMATIC_ACCESS_TOKEN", "OAUTH", "OAUTH_SPCS_TOKEN_FILE",
                                  "PAT_NO_TYPE_HEADER", "JWT_NO_TYPE_HEADER", "OAUTH_NO_TYPE_HEADER"])
def test_auth_methods(sbx: dict[str, str], kind: str) -> None:
    if kind == "KEYPAIR_JWT_ENCRYPTED_KEY":
        h = headers(sbx, "KEYPAIR_JWT", make_jwt(sbx, load_key(sbx["SANDBOX_KEY_ENC"],
                                                                sbx["SANDBOX_KEY_PASSPHRASE"])))
    elif kind == "KEYPAIR_JWT_MS":  # iat/exp in milliseconds are accepted too
        key = load_key(sbx["SANDBOX_KEY"])
        now = int(time.time() * 1000)
        tok = jwt.encode({"iss": f"SNOWDECK_SANDBOX.SNOWDECK.{fingerprint(key)}", "sub": "SNOWDECK_SANDBOX.SNOWDECK",
                          "iat": now, "exp": now + 3000_000}, key, algorithm="RS256")
        h = headers(sbx, "KEYPAIR_JWT", tok)
    elif kind == "OAUTH_SPCS_TOKEN_FILE":
        assert sbx["SANDBOX_OAUTH_TOKEN_FILE"].endswith("/snowflake/session/token")
        h = headers(sbx, "OAUTH", open(sbx["SANDBOX_OAUTH_TOKEN_FILE"]).read().strip())
    elif kind == "PAT_NO_TYPE_HEADER":
        h = headers(sbx, "", sbx["SANDBOX_PAT"])
    elif kind == "JWT_NO_TYPE_HEADER":
        h = headers(sbx, "", make_jwt(sbx))
    elif kind == "OAUTH_NO_TYPE_HEADER":
        h = headers(sbx, "", sbx["SANDBOX_OAUTH_TOKEN"])
    else:
        h = headers(sbx, kind)
    r = submit(sbx, "SELECT COUNT(*) FROM XCOM_TABLE", hdrs=h)
    assert rows_of(r) == [["13"]]
    last = [e for e in request_log(sbx) if e["path"] == "/api/v2/statements"][-1]
    want = {"PROGRAMMATIC_ACCESS_TOKEN": "PROGRAMMATIC_ACCESS_TOKEN", "PAT_NO_TYPE_HEADER": "PROGRAMMATIC_ACCESS_TOKEN",
            "OAUTH": "OAUTH", "OAUTH_NO_TYPE_HEADER": "OAUTH",
            "OAUTH_SPCS_TOKEN_FILE": "OAUTH"}.get(kind, "KEYPAIR_JWT")
    assert last["auth"] == want


def _rejections(sbx: dict[str, str]) -> dict[str, tuple[dict[str, str], str, str]]:
    key = load_key(sbx["SANDBOX_KEY"])
    other = load_key(sbx["SANDBOX_UNREGISTERED_KEY"])
    return {
        "unregistered key": (headers(sbx, "KEYPAIR_JWT", make_jwt(sbx, other)), "390144",
                             "JWT_TOKEN_INVALID_PUBLIC_KEY_FINGERPRINT_MISMATCH"),
        "wrong account in issuer": (headers(sbx, "KEYPAIR_JWT", make_jwt(sbx, account="OTHER_ACCOUNT")), "390144",
                                    "JWT_TOKEN_INVALID_ACCOUNT_IN_ISSUER"),
        "lower-case account": (headers(sbx, "KEYPAIR_JWT", make_jwt(sbx, account="snowdeck_sandbox")), "390144",
                               "JWT_TOKEN_INVALID_ACCOUNT_IN_ISSUER"),
        "unknown user": (headers(sbx, "KEYPAIR_JWT", make_jwt(sbx, user="NOBODY")), "390144",
                         "JWT_TOKEN_INVALID_USER_IN_ISSUER"),
        "expired": (headers(sbx, "KEYPAIR_JWT", make_jwt(sbx, iat=time.time() - 7200, lifetime=3600)), "390144",
                    "JWT_TOKEN_EXPIRED"),
        "lifetime over one hour": (headers(sbx, "KEYPAIR_JWT", make_jwt(sbx, lifetime=3601 + 60)), "390144",
                                   "JWT_TOKEN_LIFETIME_OVER_ONE_HOUR"),
        "issued in the future": (headers(sbx, "KEYPAIR_JWT", make_jwt(sbx, iat=time.time() + 600)), "390144",
                                 "JWT_TOKEN_INVALID_ISSUE_TIME"),
        "bad signature": (headers(sbx, "KEYPAIR_JWT", make_jwt(sbx, key, sign_key=other)), "390144",
                          "JWT_TOKEN_INVALID_SIGNATURE"),
        "garbage jwt": (headers(sbx, "KEYPAIR_JWT", "not.a.jwt"), "390144", "JWT_TOKEN_MALFORMED"),
        "bad pat": (headers(sbx, "PROGRAMMATIC_ACCESS_TOKEN", "sdpat_wrong"), "390303", "PAT_INVALID"),
        "bad oauth": (headers(sbx, "OAUTH", "sdoauth_wrong"), "390303", "OAUTH_INVALID"),
        "expired oauth": (headers(sbx, "OAUTH", sbx["SANDBOX_OAUTH_TOKEN_EXPIRED"]), "390318", "OAUTH_EXPIRED"),
        "pat sent as jwt": (headers(sbx, "KEYPAIR_JWT", sbx["SANDBOX_PAT"]), "390144", "JWT_TOKEN_MALFORMED"),
        "no authorization": ({"Content-Type": "application/json", "Accept": "application/json",
                              "User-Agent": "t/1"}, "390101", "NO_AUTH_HEADER"),
    }


REJECTIONS = ["unregistered key", "wrong account in issuer", "lower-case account", "unknown user", "expired",
              "lifetime over one hour", "issued in the future", "bad signature", "garbage jwt", "bad pat",
              "bad oauth", "expired oauth", "pat sent as jwt", "no authorization"]


@pytest.mark.parametrize("case", REJECTIONS)
def test_auth_rejections(sbx: dict[str, str], case: str) -> None:
    h, code, reason = _rejections(sbx)[case]
    r = submit(sbx, "SELECT 1", hdrs=h)
    assert r.status_code == 401, r.text
    body = r.json()
    assert body["code"] == code and body["message"]
    assert "sdpat_" not in r.text and "BEGIN" not in r.text
    last = [e for e in request_log(sbx) if e["path"] == "/api/v2/statements"][-1]
    assert last["auth"] == "REJECTED" and last["auth_error"] == reason
    # the REST resource APIs reject the same way, with the common ErrorResponse body
    r = validated(requests.get(sbx["SANDBOX_URL"] + "/api/v2/databases/DEMO/schemas/XCOM/stages", headers=h,
                               timeout=10))
    assert r.status_code == 401 and r.json()["code"] == code


def test_register_key_then_use_it(sbx: dict[str, str]) -> None:
    other = load_key(sbx["SANDBOX_UNREGISTERED_KEY"])
    tok = make_jwt(sbx, other)
    assert submit(sbx, "SELECT 1", hdrs=headers(sbx, "KEYPAIR_JWT", tok)).status_code == 401
    import base64
    der = other.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    submit(sbx, f"ALTER USER SNOWDECK SET RSA_PUBLIC_KEY_2='{base64.b64encode(der).decode()}'")
    try:
        assert rows_of(submit(sbx, "SELECT 1", hdrs=headers(sbx, "KEYPAIR_JWT", make_jwt(sbx, other)))) == [["1"]]
        d = rows_of(submit(sbx, "DESC USER SNOWDECK"))
        assert ["RSA_PUBLIC_KEY_2_FP", fingerprint(other)] == d[2][:2]
        # the encrypted key lost its slot
        enc = load_key(sbx["SANDBOX_KEY_ENC"], sbx["SANDBOX_KEY_PASSPHRASE"])
        assert submit(sbx, "SELECT 1", hdrs=headers(sbx, "KEYPAIR_JWT", make_jwt(sbx, enc))).status_code == 401
    finally:
        enc = load_key(sbx["SANDBOX_KEY_ENC"], sbx["SANDBOX_KEY_PASSPHRASE"])
        der = enc.public_key().public_bytes(serialization.Encoding.DER,
                                            serialization.PublicFormat.SubjectPublicKeyInfo)
        submit(sbx, f"ALTER USER SNOWDECK SET RSA_PUBLIC_KEY_2='{base64.b64encode(der).decode()}'")


def test_async_true_answers_202_then_result(sbx: dict[str, str]) -> None:
    r = submit(sbx, "SELECT SYSTEM$WAIT(1)", query="?async=true")
    assert r.status_code == 202, r.text
    body = r.json()
    assert body["code"] == "333334" and body["statementStatusUrl"].startswith("/api/v2/statements/")
    first = get(sbx, f"/api/v2/statements/{body['statementHandle']}")
    assert first.status_code == 202
    r = poll(sbx, body["statementHandle"])
    assert rows_of(r) == [["waited 1 seconds"]]


def test_long_statement_answers_202_after_sync_wait(sbx: dict[str, str]) -> None:
    t0 = time.time()
    r = submit(sbx, "SELECT SYSTEM$WAIT(6)")  # the test sandbox waits 1.5 s, Snowflake 45 s
    assert r.status_code == 202 and time.time() - t0 >= 1.4
    assert rows_of(poll(sbx, r.json()["statementHandle"])) == [["waited 6 seconds"]]


def test_timeout_cancels_with_408(sbx: dict[str, str]) -> None:
    r = submit(sbx, "SELECT SYSTEM$WAIT(3)", timeout=1)
    assert r.status_code == 408, r.text
    assert r.json()["code"] == "000630"


def test_cancel(sbx: dict[str, str]) -> None:
    r = submit(sbx, "SELECT SYSTEM$WAIT(2)", query="?async=true")
    h = r.json()["statementHandle"]
    c = post(sbx, f"/api/v2/statements/{h}/cancel")
    assert c.status_code == 200 and c.json()["statementHandle"] == h
    g = get(sbx, f"/api/v2/statements/{h}")
    assert g.status_code == 422 and g.json()["code"] == "000604"
    bad = post(sbx, f"/api/v2/statements/{uuid.uuid4()}/cancel")
    assert bad.status_code == 422 and bad.json()["code"] == "000709"


def test_result_in_many_partitions_gzip(sbx: dict[str, str]) -> None:
    full = rows_of(submit(sbx, "SELECT task_id, run_id, multi_index FROM XCOM_TABLE ORDER BY 1, 2, 3"))
    fault(sbx, match=r"^POST /api/v2/statements$", kind="partitions", partitions=5, count=1)
    r = submit(sbx, "SELECT task_id, run_id, multi_index FROM XCOM_TABLE ORDER BY 1, 2, 3")
    meta = r.json()["resultSetMetaData"]
    assert len(meta["partitionInfo"]) == 5 and meta["numRows"] == 13
    assert 'rel="next"' in r.headers["Link"]
    rows = list(r.json()["data"])
    h = r.json()["statementHandle"]
    for n in range(1, 5):
        p = get(sbx, f"/api/v2/statements/{h}?partition={n}", extra_headers={"Accept-Encoding": "gzip"})
        assert p.headers.get("Content-Encoding") == "gzip"
        assert set(p.json()) == {"data"}  # later partitions carry no metadata
        assert len(p.json()["data"]) == meta["partitionInfo"][n]["rowCount"]
        rows += p.json()["data"]
    assert rows == full
    # a fault on one partition only (query regex); the retry gets the same rows
    fault(sbx, match=rf"^GET /api/v2/statements/{h}$", query=r"(^|&)partition=3(&|$)", kind="status", status=503)
    assert get(sbx, f"/api/v2/statements/{h}?partition=2").status_code == 200
    assert get(sbx, f"/api/v2/statements/{h}?partition=3").status_code == 503
    offset = sum(p["rowCount"] for p in meta["partitionInfo"][:3])
    again = get(sbx, f"/api/v2/statements/{h}?partition=3").json()["data"]
    assert again == full[offset:offset + meta["partitionInfo"][3]["rowCount"]]
    raw = requests.get(f"{sbx['SANDBOX_URL']}/api/v2/statements/{h}?partition=1", stream=True,
                       headers=headers(sbx), timeout=10)
    assert gzip.decompress(raw.raw.read()).startswith(b'{"data"')
    bad = get(sbx, f"/api/v2/statements/{h}?partition=5")
    assert bad.status_code == 422


def test_large_result_splits_by_rows(sbx: dict[str, str]) -> None:
    r = submit(sbx, "SELECT seq4() AS N FROM TABLE(GENERATOR(ROWCOUNT => 2500))")
    if r.status_code != 200:  # fakesnow dialect fallback
        r = submit(sbx, "SELECT range AS N FROM range(2500)")
    meta = r.json()["resultSetMetaData"]
    assert meta["numRows"] == 2500 and [p["rowCount"] for p in meta["partitionInfo"]] == [1000, 1000, 500]
    h = r.json()["statementHandle"]
    got = len(r.json()["data"]) + sum(len(get(sbx, f"/api/v2/statements/{h}?partition={n}").json()["data"])
                                      for n in (1, 2))
    assert got == 2500


def test_sql_errors(sbx: dict[str, str]) -> None:
    r = submit(sbx, "SELECT * FROM NO_SUCH_TABLE")
    assert r.status_code == 422
    b = r.json()
    assert b["code"] == "002003" and b["sqlState"] == "42S02" and "NO_SUCH_TABLE" in b["message"].upper()
    r = submit(sbx, "SELEC 1")
    assert r.status_code == 422 and r.json()["sqlState"] == "42000"
    r = submit(sbx, "PUT file:///etc/passwd @XCOM_STAGE")
    assert r.status_code == 422 and "PUT" in r.json()["message"]
    r = validated(requests.post(sbx["SANDBOX_URL"] + "/api/v2/statements", data=b"{not json",
                                headers=headers(sbx), timeout=10))
    assert r.status_code == 400 and r.json()["code"] == "390142"
    h = headers(sbx)
    h["Content-Type"] = "text/plain"
    r = validated(requests.post(sbx["SANDBOX_URL"] + "/api/v2/statements", data=b"{}", headers=h, timeout=10))
    assert r.status_code == 415
    r = get(sbx, f"/api/v2/statements/{uuid.uuid4()}")
    assert r.status_code == 422 and r.json()["code"] == "000709"
    # a database or schema that does not exist leaves the statement without one (as at a driver's
    # login): what needs it fails, nothing is created behind the client's back
    assert rows_of(submit(sbx, "SELECT 1", database="NO_SUCH_DB")) == [["1"]]
    assert submit(sbx, "SELECT COUNT(*) FROM XCOM_TABLE", database="NO_SUCH_DB").status_code == 422
    assert submit(sbx, "SELECT COUNT(*) FROM XCOM_TABLE", schema="NO_SUCH_SCHEMA").status_code == 422
    assert "NO_SUCH_DB" not in [r[1] for r in rows_of(submit(sbx, "SHOW DATABASES"))]
    r = submit(sbx, "LIST @NO_SUCH_STAGE")
    assert r.status_code == 422 and "does not exist" in r.json()["message"]


def test_multi_statement(sbx: dict[str, str]) -> None:
    r = submit(sbx, "SELECT 1; SELECT 'two'", parameters={"MULTI_STATEMENT_COUNT": "2"})
    b = r.json()
    assert b["data"] == [["Multiple statements executed successfully."]] and len(b["statementHandles"]) == 2
    assert rows_of(get(sbx, f"/api/v2/statements/{b['statementHandles'][1]}")) == [["two"]]
    r = submit(sbx, "SELECT 1; SELECT 2", parameters={"MULTI_STATEMENT_COUNT": "3"})
    assert r.status_code == 422 and "did not match" in r.json()["message"]


def test_request_id_dedup_after_dropped_connection(sbx: dict[str, str]) -> None:
    submit(sbx, "CREATE OR REPLACE TABLE DEMO.DEMO.DEDUP (n integer)")
    rid = str(uuid.uuid4())
    fault(sbx, match=r"^POST /api/v2/statements$", kind="drop", count=1)  # executes, then drops the answer
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.post(f"{sbx['SANDBOX_URL']}/api/v2/statements?requestId={rid}",
                      json={"statement": "INSERT INTO DEMO.DEMO.DEDUP VALUES (1)"}, headers=headers(sbx), timeout=10)
    r = submit(sbx, "INSERT INTO DEMO.DEMO.DEDUP VALUES (1)", query=f"?requestId={rid}&retry=true")
    assert r.status_code == 200 and r.json()["stats"] == {"numRowsInserted": 1}
    assert rows_of(submit(sbx, "SELECT COUNT(*) FROM DEMO.DEMO.DEDUP")) == [["1"]]
    seen = [e for e in request_log(sbx) if e.get("requestId") == rid]
    assert [e["outcome"] for e in seen] == ["EXECUTED", "CACHED"] and seen[0]["status"] == "dropped"


def test_request_id_dedup_after_injected_500(sbx: dict[str, str]) -> None:
    submit(sbx, "CREATE OR REPLACE TABLE DEMO.DEMO.DEDUP2 (n integer)")
    rid = str(uuid.uuid4())
    fault(sbx, match=r"^POST /api/v2/statements$", kind="status", status=500, phase="after", count=1)
    r = submit(sbx, "INSERT INTO DEMO.DEMO.DEDUP2 VALUES (7)", query=f"?requestId={rid}")
    assert r.status_code == 500 and r.json()["code"]
    r = submit(sbx, "INSERT INTO DEMO.DEMO.DEDUP2 VALUES (7)", query=f"?requestId={rid}&retry=true")
    assert r.status_code == 200
    assert rows_of(submit(sbx, "SELECT COUNT(*) FROM DEMO.DEMO.DEDUP2")) == [["1"]]


def test_failed_statement_is_executed_again_on_retry(sbx: dict[str, str]) -> None:
    rid = str(uuid.uuid4())
    assert submit(sbx, "SELECT * FROM LATER_TABLE", query=f"?requestId={rid}").status_code == 422
    submit(sbx, "CREATE OR REPLACE TABLE DEMO.XCOM.LATER_TABLE (n integer)")
    assert submit(sbx, "SELECT * FROM LATER_TABLE", query=f"?requestId={rid}&retry=true").status_code == 200
    submit(sbx, "DROP TABLE DEMO.XCOM.LATER_TABLE")


@pytest.mark.parametrize("status,code", [(429, "390505"), (500, "390501"), (503, "390503")])
def test_fault_status(sbx: dict[str, str], status: int, code: str) -> None:
    fault(sbx, match=r"^POST /api/v2/statements$", kind="status", status=status, retry_after=1, count=2)
    for _ in range(2):
        r = submit(sbx, "SELECT 1")
        assert r.status_code == status and r.json()["code"] == code and r.headers["Retry-After"] == "1"
    assert rows_of(submit(sbx, "SELECT 1")) == [["1"]]  # disarmed after count
    log = [e for e in request_log(sbx) if e["path"] == "/api/v2/statements"][-3:]
    assert [e.get("fault") for e in log] == ["status", "status", None]
    assert "outcome" not in log[0]  # never executed


def test_fault_status_on_rest_api(sbx: dict[str, str]) -> None:
    fault(sbx, match=r"^GET /api/v2/databases/DEMO/schemas/XCOM/stages$", kind="status", status=429, retry_after=2)
    r = get(sbx, "/api/v2/databases/DEMO/schemas/XCOM/stages")
    assert r.status_code == 429 and r.headers["Retry-After"] == "2"
    assert get(sbx, "/api/v2/databases/DEMO/schemas/XCOM/stages").status_code == 200


def test_fault_latency(sbx: dict[str, str]) -> None:
    fault(sbx, match=r"^POST /api/v2/statements$", kind="latency", delay_ms=700)
    t0 = time.time()
    assert rows_of(submit(sbx, "SELECT 1")) == [["1"]]
    assert time.time() - t0 >= 0.7


def test_fault_async_on_post_and_get(sbx: dict[str, str]) -> None:
    fault(sbx, match=r"^POST /api/v2/statements$", kind="async", delay_ms=800)
    r = submit(sbx, "SELECT 42")
    assert r.status_code == 202
    h = r.json()["statementHandle"]
    fault(sbx, match=rf"^GET /api/v2/statements/{h}$", kind="async", count=2)
    assert get(sbx, f"/api/v2/statements/{h}").status_code == 202
    assert get(sbx, f"/api/v2/statements/{h}").status_code == 202
    assert rows_of(poll(sbx, h)) == [["42"]]


def test_fault_drop_before(sbx: dict[str, str]) -> None:
    fault(sbx, match=r"^GET /api/v2/databases/.*/stages$", kind="drop", phase="before")
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(sbx["SANDBOX_URL"] + "/api/v2/databases/DEMO/schemas/XCOM/stages", headers=headers(sbx),
                     timeout=10)
    assert get(sbx, "/api/v2/databases/DEMO/schemas/XCOM/stages").status_code == 200


def test_fault_control_rejects_bad_kinds(sbx: dict[str, str]) -> None:
    r = requests.post(sbx["SANDBOX_URL"] + "/_sandbox/faults", json={"kind": "explode"}, timeout=10)
    assert r.status_code == 400
    fault(sbx, match="never-matches", kind="latency", count=3)
    armed = requests.get(sbx["SANDBOX_URL"] + "/_sandbox/faults", timeout=10).json()["armed"]
    assert armed and armed[0]["remaining"] == 3
    requests.delete(sbx["SANDBOX_URL"] + "/_sandbox/faults", timeout=10)
    assert requests.get(sbx["SANDBOX_URL"] + "/_sandbox/faults", timeout=10).json()["armed"] == []


# ------------------------------------------------------------- stages ----

def test_rest_list_stages(sbx: dict[str, str]) -> None:
    r = get(sbx, "/api/v2/databases/DEMO/schemas/XCOM/stages")
    names = [s["name"] for s in r.json()]
    assert names == ["CALL_STAGE", "XCOM_STAGE"]
    assert r.json()[1]["directory_table"]["enable"] is True
    assert [s["name"] for s in get(sbx, "/api/v2/databases/DEMO/schemas/XCOM/stages?like=xcom%").json()] == \
        ["XCOM_STAGE"]
    assert get(sbx, "/api/v2/databases/DEMO/schemas/XCOM/stages/XCOM_STAGE").json()["name"] == "XCOM_STAGE"
    r = get(sbx, "/api/v2/databases/DEMO/schemas/NOPE/stages")
    assert r.status_code == 404 and r.json()["message"]


def test_rest_list_files_and_pattern(sbx: dict[str, str]) -> None:
    files = get(sbx, "/api/v2/databases/DEMO/schemas/XCOM/stages/XCOM_STAGE/files").json()
    exts = sorted({f["name"].rsplit(".", 1)[1] for f in files})
    assert exts == ["bin", "csv", "json", "np", "parquet", "pickle", "txt"]
    layout = re.compile(r"^xcom_stage/[^/]+/[^/]+/[^/]+/-?\d+/[^/]+\.\w+$")
    assert all(layout.match(f["name"]) for f in files), files
    assert all(re.fullmatch(r"[A-Z][a-z]{2}, \d{1,2} [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT", f["last_modified"])
               for f in files)
    assert any(re.match(r"[A-Z][a-z]{2}, \d [A-Z]", f["last_modified"]) for f in files)  # unpadded day
    pq = [f for f in files if f["name"].endswith(".parquet")][0]
    assert int(pq["size"]) > 100 and re.fullmatch(r"[0-9a-f]{32}", pq["md5"])
    js = get(sbx, "/api/v2/databases/DEMO/schemas/XCOM/stages/XCOM_STAGE/files",
             params={"pattern": r".*\.json"}).json()
    assert len(js) == 2 and all(f["name"].endswith(".json") for f in js)
    r = get(sbx, "/api/v2/databases/DEMO/schemas/XCOM/stages/NOPE/files")
    assert r.status_code == 404


def test_presigned_url_download_and_expiry(sbx: dict[str, str]) -> None:
    files = get(sbx, "/api/v2/databases/DEMO/schemas/XCOM/stages/XCOM_STAGE/files").json()
    f = [x for x in files if x["name"].endswith("check_service_status/" + x["name"].split("/")[3] +
                                                 "/0/return_value.json")][0]
    rel = f["name"].split("/", 1)[1]
    from urllib.parse import quote
    r = post(sbx, f"/api/v2/databases/DEMO/schemas/XCOM/stages/XCOM_STAGE/files/{quote(rel, safe='')}"
                  ":presigned-url", {"expiration_time": 60})
    url = r.json()["presigned_url"]
    assert url.startswith(sbx["SANDBOX_URL"] + "/presigned/")
    # any Host header is accepted; presigned URLs still point at the sandbox itself
    h = headers(sbx)
    h["Host"] = "snowdeck_sandbox.snowflakecomputing.com"
    again = validated(requests.post(f"{sbx['SANDBOX_URL']}/api/v2/databases/DEMO/schemas/XCOM/stages/XCOM_STAGE/"
                                    f"files/{quote(rel, safe='')}:presigned-url", json={}, headers=h, timeout=10))
    assert again.json()["presigned_url"].startswith(sbx["SANDBOX_URL"] + "/presigned/")
    d = requests.get(url, timeout=10)  # no Authorization: the URL is the credential
    assert d.status_code == 200 and hashlib.md5(d.content).hexdigest() == f["md5"]
    assert json.loads(d.content)["minio_conn"]["aws_access_key_id"] == "minioadmin"
    assert requests.get(url.replace("Signature=", "Signature=00"), timeout=10).status_code == 403
    short = post(sbx, f"/api/v2/databases/DEMO/schemas/XCOM/stages/XCOM_STAGE/files/{quote(rel, safe='')}"
                      ":presigned-url", {"expiration_time": 1}).json()["presigned_url"]
    time.sleep(2.1)
    e = requests.get(short, timeout=10)
    assert e.status_code == 403 and b"expired" in e.content
    # the SQL function gives the same kind of URL
    u = rows_of(submit(sbx, f"SELECT GET_PRESIGNED_URL(@XCOM_STAGE, '{rel}', 120)"))[0][0]
    assert requests.get(u, timeout=10).content == d.content
    missing = rows_of(submit(sbx, "SELECT GET_PRESIGNED_URL(@XCOM_STAGE, 'no/such/file.json')"))[0][0]
    assert requests.get(missing, timeout=10).status_code == 404


def test_sql_list_ls_pattern_prefix_and_remove(sbx: dict[str, str], tmp_path: Any) -> None:
    r = submit(sbx, "LIST @DEMO.XCOM.XCOM_STAGE")
    assert [c["name"] for c in r.json()["resultSetMetaData"]["rowType"]] == ["name", "size", "md5",
                                                                              "last_modified"]
    assert len(rows_of(r)) == 8
    assert len(rows_of(submit(sbx, "LS @XCOM_STAGE/snowpark_demo/"))) == 5
    assert len(rows_of(submit(sbx, "LIST @xcom_stage PATTERN = '.*train_model.*'"))) == 2
    # a scratch stage, files placed on disk (the sandbox is PUT-less), removed through SQL
    submit(sbx, "CREATE OR REPLACE STAGE DEMO.DEMO.SCRATCH")
    stage_dir = os.path.join(os.path.dirname(sbx["SANDBOX_KEY"]), "stages", "DEMO", "DEMO", "SCRATCH")
    os.makedirs(os.path.join(stage_dir, "a"), exist_ok=True)
    for n in ("a/1.csv", "a/2.json", "b.csv"):
        with open(os.path.join(stage_dir, n), "w") as f:
            f.write(n)
    assert len(rows_of(submit(sbx, "LIST @DEMO.DEMO.SCRATCH"))) == 3
    removed = rows_of(submit(sbx, "REMOVE @DEMO.DEMO.SCRATCH PATTERN = '.*[.]csv'"))
    assert sorted(removed) == [["scratch/a/1.csv", "removed"], ["scratch/b.csv", "removed"]]
    assert rows_of(submit(sbx, "RM @DEMO.DEMO.SCRATCH/a")) == [["scratch/a/2.json", "removed"]]
    assert rows_of(submit(sbx, "LIST @DEMO.DEMO.SCRATCH")) == []


# --------------------------------------------------------------- SPCS ----

def wait_for(fn: Any, want: str, deadline: float = 40) -> list[str]:
    seen = []
    end = time.time() + deadline
    while time.time() < end:
        s = fn()
        if not seen or seen[-1] != s:
            seen.append(s)
        if s == want:
            return seen
        time.sleep(0.05)
    raise AssertionError(f"never reached {want}: {seen}")


SVC = "/api/v2/databases/DEMO/schemas/XCOM/services"


def test_rest_compute_pools_services_repos(sbx: dict[str, str]) -> None:
    pools = get(sbx, "/api/v2/compute-pools").json()
    assert {p["name"] for p in pools} >= {"SNOWDECK_POOL", "SNOWDECK_GPU_POOL"}
    p = get(sbx, "/api/v2/compute-pools/SNOWDECK_POOL").json()
    assert p["instance_family"] == "CPU_X64_XS" and p["num_services"] >= 2
    assert get(sbx, "/api/v2/compute-pools/NOPE").status_code == 404
    svcs = get(sbx, SVC).json()
    assert {"SISSYG", "AIRFLOW_TASK_RUNNER"} <= {s["name"] for s in svcs}
    s = get(sbx, f"{SVC}/SISSYG").json()
    assert s["compute_pool"] == "SNOWDECK_POOL" and s["dns_name"].endswith(".svc.spcs.internal")
    cont = get(sbx, f"{SVC}/SISSYG/containers").json()
    assert {c["container_name"] for c in cont} == {"airflow-task-runner", "grafana", "prometheus", "streamlit",
                                                   "weaviate", "minio"}
    assert get(sbx, f"{SVC}/SISSYG/instances").json()[0]["status"] == "READY"
    eps = get(sbx, f"{SVC}/SISSYG/endpoints").json()
    assert {e["name"] for e in eps} == {"minio", "minio-ui", "weaviate", "airflow-task-runner", "grafana",
                                        "prometheus", "streamlit"}
    logs = get(sbx, f"{SVC}/SISSYG/logs", params={"instanceId": 0, "containerName": "weaviate", "numLines": 2})
    assert len(logs.json()["system$get_service_logs"].split("\n")) == 2
    st = json.loads(get(sbx, f"{SVC}/SISSYG/status").json()["system$get_service_status"])
    assert {c["status"] for c in st} == {"READY"}
    repos = get(sbx, "/api/v2/databases/DEMO/schemas/XCOM/image-repositories").json()
    assert [r["name"] for r in repos] == ["SNOWDECK_REPO"]
    assert get(sbx, "/api/v2/databases/DEMO/schemas/XCOM/image-repositories/SNOWDECK_REPO").json()["repository_url"]
    imgs = get(sbx, "/api/v2/databases/DEMO/schemas/XCOM/image-repositories/SNOWDECK_REPO/images").json()
    assert any(i["image_name"] == "airflow-runner" for i in imgs)


def test_rest_restart_passes_through_every_state(sbx: dict[str, str]) -> None:
    status = lambda: get(sbx, f"{SVC}/AIRFLOW_TASK_RUNNER").json()["status"]  # noqa: E731
    assert status() == "RUNNING"
    assert post(sbx, f"{SVC}/AIRFLOW_TASK_RUNNER:suspend").json()["status"]
    seen = wait_for(status, "SUSPENDED")
    assert seen[0] == "SUSPENDING"
    assert get(sbx, f"{SVC}/AIRFLOW_TASK_RUNNER/containers").json() == []
    post(sbx, f"{SVC}/AIRFLOW_TASK_RUNNER:resume")
    seen = wait_for(status, "RUNNING")
    assert seen[0] == "PENDING"
    cont = get(sbx, f"{SVC}/AIRFLOW_TASK_RUNNER/containers").json()
    assert {c["status"] for c in cont} == {"READY"}
    prev = get(sbx, f"{SVC}/AIRFLOW_TASK_RUNNER/logs", params={"instanceId": 0, "containerName": "grafana",
                                                                "previous": "true"})
    assert "SIGTERM" in prev.json()["system$get_service_logs"]


def test_service_that_fails_to_resume(sbx: dict[str, str]) -> None:
    r = requests.post(sbx["SANDBOX_URL"] + "/_sandbox/spcs/fail-resume", json={"service": "AIRFLOW_TASK_RUNNER"},
                      timeout=10)
    assert r.status_code == 200
    status = lambda: rows_of(submit(sbx, "SHOW SERVICES LIKE 'AIRFLOW_TASK_RUNNER'"))[0][1]  # noqa: E731
    submit(sbx, "ALTER SERVICE AIRFLOW_TASK_RUNNER SUSPEND")
    wait_for(status, "SUSPENDED")
    submit(sbx, "ALTER SERVICE AIRFLOW_TASK_RUNNER RESUME")
    seen = wait_for(status, "FAILED")
    assert "PENDING" in seen and "RUNNING" not in seen
    r = submit(sbx, "SHOW SERVICE CONTAINERS IN SERVICE AIRFLOW_TASK_RUNNER")
    rows = rows_of(r)
    assert {row[col(r, "status")] for row in rows} == {"FAILED"}
    assert {row[col(r, "last_exit_code")] for row in rows} == {"1"}
    assert all(int(row[col(r, "restart_count")]) >= 1 for row in rows)
    # the next resume works again
    submit(sbx, "ALTER SERVICE AIRFLOW_TASK_RUNNER SUSPEND")
    wait_for(status, "SUSPENDED")
    submit(sbx, "ALTER SERVICE AIRFLOW_TASK_RUNNER RESUME")
    wait_for(status, "RUNNING")


def test_sql_create_pool_and_service_from_seed_spec(sbx: dict[str, str]) -> None:
    from spcs import SEED_SPEC
    submit(sbx, "CREATE COMPUTE POOL IF NOT EXISTS TEST_POOL MIN_NODES = 1 MAX_NODES = 1 "
                "INSTANCE_FAMILY = CPU_X64_XS AUTO_RESUME = TRUE")
    pool_state = lambda: rows_of(submit(sbx, "SHOW COMPUTE POOLS LIKE 'TEST_POOL'"))[0][1]  # noqa: E731
    assert wait_for(pool_state, "IDLE")[0] == "STARTING"
    r = submit(sbx, f"CREATE SERVICE DEMO.XCOM.TEST_SVC IN COMPUTE POOL TEST_POOL FROM SPECIFICATION $$\n"
                    f"{SEED_SPEC}$$ MIN_INSTANCES = 1 MAX_INSTANCES = 1")
    assert rows_of(r) == [["Service TEST_SVC successfully created."]]
    status = lambda: rows_of(submit(sbx, "SHOW SERVICES LIKE 'TEST_SVC' IN SCHEMA DEMO.XCOM"))[0][1]  # noqa: E731
    assert wait_for(status, "RUNNING")[0] == "PENDING"
    assert pool_state() == "ACTIVE"
    show = submit(sbx, "SHOW SERVICES IN COMPUTE POOL TEST_POOL")
    row = rows_of(show)[0]
    assert json.loads(row[col(show, "public_endpoints")])["streamlit"].endswith(".snowflakecomputing.app")
    r = submit(sbx, "SHOW SERVICE CONTAINERS IN SERVICE TEST_SVC")
    assert len(rows_of(r)) == 6 and {x[col(r, "status")] for x in rows_of(r)} == {"READY"}
    logs = rows_of(submit(sbx, "SELECT SYSTEM$GET_SERVICE_LOGS('DEMO.XCOM.TEST_SVC', 0, 'minio', 3)"))[0][0]
    assert len(logs.split("\n")) == 3 and "minio" in logs
    st = json.loads(rows_of(submit(sbx, "SELECT SYSTEM$GET_SERVICE_STATUS('TEST_SVC')"))[0][0])
    assert len(st) == 6 and st[0]["instanceId"] == "0"
    eps = rows_of(submit(sbx, "SHOW ENDPOINTS IN SERVICE TEST_SVC"))
    assert len(eps) == 7
    d = submit(sbx, "DESCRIBE SERVICE DEMO.XCOM.TEST_SVC")
    assert rows_of(d)[0][col(d, "status")] == "RUNNING" and "minio" in rows_of(d)[0][col(d, "spec")]
    d = submit(sbx, "DESC COMPUTE POOL TEST_POOL")
    assert rows_of(d)[0][col(d, "state")] == "ACTIVE"
    # suspending the pool suspends its services
    submit(sbx, "ALTER COMPUTE POOL TEST_POOL SUSPEND")
    assert wait_for(pool_state, "SUSPENDED")[0] == "STOPPING"
    assert status() == "SUSPENDED"
    r = submit(sbx, "SHOW SERVICE CONTAINERS IN SERVICE TEST_SVC")
    assert rows_of(r)[0][col(r, "container_name")] is None
    r = submit(sbx, "DROP COMPUTE POOL TEST_POOL")
    assert r.status_code == 422 and "services" in r.json()["message"]
    submit(sbx, "DROP SERVICE TEST_SVC")
    submit(sbx, "DROP COMPUTE POOL TEST_POOL")
    assert submit(sbx, "ALTER SERVICE TEST_SVC RESUME").status_code == 422
    bad = submit(sbx, "CREATE SERVICE BAD IN COMPUTE POOL SNOWDECK_POOL FROM SPECIFICATION $$spec: {}$$")
    assert bad.status_code == 422 and "specification" in bad.json()["message"]


def test_rest_create_and_drop_pool_and_service(sbx: dict[str, str]) -> None:
    r = post(sbx, "/api/v2/compute-pools?initiallySuspended=true",
             {"name": "REST_POOL", "instance_family": "CPU_X64_S", "min_nodes": 1, "max_nodes": 2})
    assert r.status_code == 200, r.text
    assert get(sbx, "/api/v2/compute-pools/REST_POOL").json()["state"] == "SUSPENDED"
    assert post(sbx, "/api/v2/compute-pools", {"name": "REST_POOL", "instance_family": "CPU_X64_S",
                                               "min_nodes": 1, "max_nodes": 1}).status_code == 409
    assert post(sbx, "/api/v2/compute-pools", {"name": "X"}).status_code == 400
    spec = "spec:\n  containers:\n  - name: app\n    image: /demo/xcom/snowdeck_repo/app:1\n"
    r = post(sbx, f"{SVC}", {"name": "REST_SVC", "compute_pool": "REST_POOL",
                            "spec": {"spec_type": "from_inline", "spec_text": spec}})
    assert r.status_code == 200, r.text
    # the suspended pool auto-resumes for the service: STARTING, then the service goes PENDING -> RUNNING
    status = lambda: get(sbx, f"{SVC}/REST_SVC").json()["status"]  # noqa: E731
    assert wait_for(status, "RUNNING")[0] == "PENDING"
    assert get(sbx, "/api/v2/compute-pools/REST_POOL").json()["state"] == "ACTIVE"
    bad = post(sbx, f"{SVC}", {"name": "B", "compute_pool": "REST_POOL",
                              "spec": {"spec_type": "from_inline", "spec_text": "spec: {}"}})
    assert bad.status_code == 400
    assert validated(requests.delete(sbx["SANDBOX_URL"] + "/api/v2/compute-pools/REST_POOL",
                                     headers=headers(sbx), timeout=10)).status_code == 400
    assert validated(requests.delete(sbx["SANDBOX_URL"] + f"{SVC}/REST_SVC", headers=headers(sbx),
                                     timeout=10)).status_code == 200
    assert validated(requests.delete(sbx["SANDBOX_URL"] + "/api/v2/compute-pools/REST_POOL",
                                     headers=headers(sbx), timeout=10)).status_code == 200
    assert get(sbx, f"{SVC}/REST_SVC").status_code == 404


def test_sql_image_repositories(sbx: dict[str, str]) -> None:
    r = submit(sbx, "SHOW IMAGE REPOSITORIES IN SCHEMA DEMO.XCOM")
    assert rows_of(r)[0][col(r, "name")] == "SNOWDECK_REPO"
    assert rows_of(submit(sbx, "SHOW IMAGES IN IMAGE REPOSITORY DEMO.XCOM.SNOWDECK_REPO"))


# ------------------------------------------------ the connector protocol ----

def test_python_connector_sees_the_same_data(sbx: dict[str, str]) -> None:
    import snowflake.connector
    conn = snowflake.connector.connect(account=sbx["SANDBOX_ACCOUNT"], user=sbx["SANDBOX_USER"], password="unused",
                                       host=sbx["SANDBOX_HOST"], port=int(sbx["SANDBOX_PORT"]), protocol="http",
                                       database="DEMO", schema="XCOM", network_timeout=10, login_timeout=20,
                                       session_parameters={"CLIENT_OUT_OF_BAND_TELEMETRY_ENABLED": False})
    try:
        cur = conn.cursor()
        cur.execute("SELECT COUNT(*) FROM XCOM_TABLE WHERE dag_id = %s", ("customer_analytics",))
        n = cur.fetchone()[0]
        cur.execute("INSERT INTO DEMO.DEMO.TAXI_RAW (VENDOR_ID) VALUES (99)")
        # what fakesnow lacks is answered by the sandbox on this protocol too
        cur.execute("LIST @XCOM_STAGE PATTERN = '.*[.]json'")
        listed = len(cur.fetchall())
        cur.execute("SHOW SERVICES")
        services = len(cur.fetchall())
    finally:
        conn.close()
    assert n == 7 and listed == 2 and services >= 2
    assert rows_of(submit(sbx, "SELECT COUNT(*) FROM DEMO.DEMO.TAXI_RAW WHERE VENDOR_ID = 99")) == [["1"]]
    submit(sbx, "DELETE FROM DEMO.DEMO.TAXI_RAW WHERE VENDOR_ID = 99")


def test_python_connector_key_pair_login_is_verified(sbx: dict[str, str]) -> None:
    import snowflake.connector
    from snowflake.connector.errors import DatabaseError

    def connect(key: str, **kw: Any) -> Any:
        return snowflake.connector.connect(account=sbx["SANDBOX_ACCOUNT"], user=sbx["SANDBOX_USER"],
                                           authenticator="SNOWFLAKE_JWT", private_key_file=key,
                                           host=sbx["SANDBOX_HOST"], port=int(sbx["SANDBOX_PORT"]), protocol="http",
                                           database="DEMO", schema="XCOM", network_timeout=10, login_timeout=20,
                                           session_parameters={"CLIENT_OUT_OF_BAND_TELEMETRY_ENABLED": False}, **kw)

    conn = connect(sbx["SANDBOX_KEY"])
    try:
        assert conn.cursor().execute("SELECT COUNT(*) FROM XCOM_TABLE").fetchone()[0] == 13
    finally:
        conn.close()
    conn = connect(sbx["SANDBOX_KEY_ENC"], private_key_file_pwd=sbx["SANDBOX_KEY_PASSPHRASE"].encode())
    conn.close()
    with pytest.raises(DatabaseError) as e:
        connect(sbx["SANDBOX_UNREGISTERED_KEY"])
    assert "390144" in str(e.value) or e.value.errno == 390144
    last = [x for x in request_log(sbx) if x["path"] == "/session/v1/login-request"][-1]
    assert last["auth_error"] == "JWT_TOKEN_INVALID_PUBLIC_KEY_FINGERPRINT_MISMATCH"


def test_python_connector_put_lands_in_the_backend_layout(sbx: dict[str, str], tmp_path: Any) -> None:
    """PUT through the connector (as the XCom backend does) keeps the run id's ':' and '+' raw in
    the stage path; LIST through the SQL API sees the file; /_sandbox/stage-file/ reads it back."""
    import snowflake.connector
    run_id = "manual__2023-06-19T15:41:46.538589+00:00"
    src = tmp_path / "return_value.bin"
    src.write_bytes(b"\x00\x01demo bytes")
    conn = snowflake.connector.connect(account=sbx["SANDBOX_ACCOUNT"], user=sbx["SANDBOX_USER"], password="unused",
                                       host=sbx["SANDBOX_HOST"], port=int(sbx["SANDBOX_PORT"]), protocol="http",
                                       database="DEMO", schema="XCOM", network_timeout=10, login_timeout=20,
                                       session_parameters={"CLIENT_OUT_OF_BAND_TELEMETRY_ENABLED": False})
    try:
        conn.cursor().execute(f"PUT file://{src} @DEMO.XCOM.XCOM_STAGE/snowpark_demo/train/{run_id}/0/\n"
                              "AUTO_COMPRESS = FALSE\nSOURCE_COMPRESSION = NONE\nOVERWRITE = TRUE")
    finally:
        conn.close()
    key = f"snowpark_demo/train/{run_id}/0/return_value.bin"
    try:
        names = [r[0] for r in rows_of(submit(sbx, "LIST @DEMO.XCOM.XCOM_STAGE/snowpark_demo/train/"))]
        assert any(n.endswith("/" + key) for n in names), names
        r = requests.get(f"{sbx['SANDBOX_URL']}/_sandbox/stage-file/DEMO/XCOM/XCOM_STAGE/"
                         f"{quote(key, safe='/')}", timeout=10)
        assert r.status_code == 200 and r.content == b"\x00\x01demo bytes", r
        r = requests.get(f"{sbx['SANDBOX_URL']}/_sandbox/stage-file/DEMO/XCOM/XCOM_STAGE/no/such", timeout=10)
        assert r.status_code == 404 and "no file" in r.json()["error"], r.text
        r = requests.get(f"{sbx['SANDBOX_URL']}/_sandbox/stage-file/DEMO/XCOM/XCOM_STAGE/..%2F..%2Fenv",
                         timeout=10)
        assert r.status_code == 404, r.text
    finally:
        submit(sbx, f"REMOVE @DEMO.XCOM.XCOM_STAGE/snowpark_demo/train/{run_id}/")


def test_synthetic_stage_for_benchmarks(sbx: dict[str, str]) -> None:
    r = requests.post(sbx["SANDBOX_URL"] + "/_sandbox/stages/synthetic",
                      json={"stage": "BENCH_STAGE", "files": 30000, "size": 100}, timeout=60)
    assert r.status_code == 200, r.text
    files = get(sbx, "/api/v2/databases/DEMO/schemas/XCOM/stages/BENCH_STAGE/files").json()
    assert len(files) == 30000 and all(f["size"] == "100" for f in files[:50])
    assert len({f["name"] for f in files}) == 30000
    assert [f["name"] for f in files] == sorted(f["name"] for f in files)
    r = submit(sbx, "LIST @DEMO.XCOM.BENCH_STAGE/bench_dag_00/task_01")
    meta = r.json()["resultSetMetaData"]
    assert meta["numRows"] == 10000 and len(meta["partitionInfo"]) == 10
    one = files[12345]
    rel = one["name"].split("/", 1)[1]
    url = rows_of(submit(sbx, f"SELECT GET_PRESIGNED_URL(@BENCH_STAGE, '{rel}')"))[0][0]
    d = requests.get(url, timeout=10)
    assert d.status_code == 200 and hashlib.md5(d.content).hexdigest() == one["md5"]


def test_synthetic_xcom_rows_and_concurrency(sbx: dict[str, str]) -> None:
    r = requests.post(sbx["SANDBOX_URL"] + "/_sandbox/xcom/synthetic", json={"rows": 20000, "dag_id": "bench_x"},
                      timeout=60)
    assert r.status_code == 200, r.text
    try:
        res = submit(sbx, "SELECT dag_id, task_id, run_id, multi_index, key, value_type, value FROM XCOM_TABLE "
                          "WHERE dag_id = 'bench_x' ORDER BY run_id, task_id, multi_index")
        meta = res.json()["resultSetMetaData"]
        assert meta["numRows"] == 20000 and len(meta["partitionInfo"]) == 20
        assert json.loads(res.json()["data"][0][6])["ok"] is True
        # many clients at once: every statement answers with its own rows
        from concurrent.futures import ThreadPoolExecutor
        with ThreadPoolExecutor(12) as ex:
            outs = list(ex.map(lambda i: submit(sbx, f"SELECT {i} AS I, COUNT(*) FROM XCOM_TABLE WHERE dag_id = "
                                                     f"'bench_x' AND multi_index = {i % 4}"), range(24)))
        assert [rows_of(o)[0][0] for o in outs] == [str(i) for i in range(24)]
        assert all(rows_of(o)[0][1] == "5000" for o in outs)
    finally:
        submit(sbx, "DELETE FROM XCOM_TABLE WHERE dag_id = 'bench_x'")
    assert rows_of(submit(sbx, "SELECT COUNT(*) FROM XCOM_TABLE")) == [["13"]]


def test_reset_clears_faults_requests_and_statements(sbx: dict[str, str]) -> None:
    r = submit(sbx, "SELECT 1", query="?async=true")
    h = r.json()["statementHandle"]
    fault(sbx, match="never-matches", kind="latency")
    assert requests.post(sbx["SANDBOX_URL"] + "/_sandbox/reset", timeout=10).json() == {"reset": True}
    assert requests.get(sbx["SANDBOX_URL"] + "/_sandbox/faults", timeout=10).json()["armed"] == []
    assert request_log(sbx) == []
    assert get(sbx, f"/api/v2/statements/{h}").status_code == 422  # forgotten


def test_second_sandbox_empty_seed_on_a_given_port(tmp_path: Any) -> None:
    import socket
    with socket.socket() as so:
        so.bind(("127.0.0.1", 0))
        port = so.getsockname()[1]
    state = str(tmp_path / "empty")
    sh = os.path.join(HERE, "sandbox.sh")
    subprocess.run([sh, "start", state, "--port", str(port), "--seed", "empty"], check=True, timeout=120)
    try:
        env = read_env(os.path.join(state, "env"))
        assert env["SANDBOX_URL"] == f"http://127.0.0.1:{port}" and open(os.path.join(state, "pid")).read().strip()
        again = subprocess.run([sh, "start", state], capture_output=True, text=True, timeout=60)
        assert again.returncode != 0 and "already runs" in again.stderr
        r = submit(env, "SELECT 1 AS ONE", database=None, schema=None)
        assert rows_of(r) == [["1"]]
        assert submit(env, "SELECT COUNT(*) FROM XCOM_TABLE", database="DEMO").status_code == 422
        # the setup flow: create the database while naming it as the context
        assert submit(env, "CREATE DATABASE IF NOT EXISTS DEMO", database="DEMO").status_code == 200
        assert rows_of(submit(env, "SELECT CURRENT_DATABASE()", database="DEMO", schema=None)) == [["DEMO"]]
        assert get(env, "/api/v2/compute-pools").json() == []
        assert os.path.getsize(os.path.join(state, "server.log")) > 0
    finally:
        subprocess.run([sh, "stop", state], check=True, timeout=60)
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(f"http://127.0.0.1:{port}/_sandbox/health", timeout=5)


def test_spcs_containers_backed_by_real_podman_containers(tmp_path: Any) -> None:
    pm = str(tmp_path / "podman")
    out = subprocess.run([os.path.join(HERE, "podman.sh"), "start", pm], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    sock = out.stdout.strip().splitlines()[-1]
    assert sock.startswith("unix://")
    sh = os.path.join(HERE, "sandbox.sh")
    state = str(tmp_path / "sbx")

    def docker(method: str, path: str) -> Any:
        p = subprocess.run(["curl", "-s", "-X", method, "--unix-socket", sock[len("unix://"):],
                            f"http://d/v1.41{path}"], capture_output=True, text=True, timeout=60)
        return json.loads(p.stdout) if p.stdout.strip().startswith(("[", "{")) else p.stdout

    try:
        subprocess.run([sh, "start", state, "--docker-host", sock, "--docker-image",
                        "localhost/snowdeck-sbx-bb:latest", "--spcs-pending-ms", "1500",
                        "--spcs-suspending-ms", "1000"], check=True, timeout=180)
        env = read_env(os.path.join(state, "env"))
        tag = None
        ours = [c for c in docker("GET", "/containers/json") if "-sissyg-" in c["Names"][0]
                and c["Labels"].get("snowdeck.sandbox.service") == "DEMO.XCOM.SISSYG"]
        assert len(ours) == 6 and all(c["State"] == "running" for c in ours)
        tag = ours[0]["Labels"]["snowdeck.sandbox"]
        time.sleep(2.5)
        logs = get(env, f"{SVC}/SISSYG/logs", params={"instanceId": 0, "containerName": "minio"}).json()
        assert "minio: container started" in logs["system$get_service_logs"]
        assert "heartbeat=1" in logs["system$get_service_logs"]  # written by the real container
        weaviate = [c for c in ours if c["Labels"]["snowdeck.sandbox.container"] == "weaviate"][0]
        docker("POST", f"/containers/{weaviate['Id']}/stop?t=1")  # stopped outside the sandbox
        assert get(env, f"{SVC}/SISSYG").json()["status"] == "FAILED"
        rows = {c["container_name"]: c for c in get(env, f"{SVC}/SISSYG/containers").json()}
        assert rows["weaviate"]["status"] == "FAILED" and rows["minio"]["status"] == "READY"
        # restart = suspend, resume: fresh real containers, all READY
        post(env, f"{SVC}/SISSYG:suspend")
        wait_for(lambda: get(env, f"{SVC}/SISSYG").json()["status"], "SUSPENDED")
        assert not [c for c in docker("GET", "/containers/json?all=true") if "-sissyg-" in c["Names"][0]
                    and c["Labels"].get("snowdeck.sandbox") == tag]
        post(env, f"{SVC}/SISSYG:resume")
        wait_for(lambda: get(env, f"{SVC}/SISSYG").json()["status"], "RUNNING")
        assert {c["status"] for c in get(env, f"{SVC}/SISSYG/containers").json()} == {"READY"}
        prev = get(env, f"{SVC}/SISSYG/logs", params={"instanceId": 0, "containerName": "minio",
                                                      "previous": "true"}).json()["system$get_service_logs"]
        assert "heartbeat=1" in prev and "SIGTERM" in prev
    finally:
        subprocess.run([sh, "stop", state], timeout=60)
        left = [c for c in docker("GET", "/containers/json?all=true")
                if tag and c["Labels"].get("snowdeck.sandbox") == tag] if tag else []
        subprocess.run([os.path.join(HERE, "podman.sh"), "stop", pm], timeout=60)
    assert left == []  # the sandbox removed every container it started


def test_sqlerror_fault_grants_warehouses_and_context_functions(sbx: dict[str, str]) -> None:
    fault(sbx, match=r"^CREATE SCHEMA", kind="sqlerror", code="003001", sqlstate="42501")
    r = submit(sbx, "CREATE SCHEMA IF NOT EXISTS DEMO.FAILS")
    assert r.status_code == 422 and r.json()["code"] == "003001" and r.json()["sqlState"] == "42501"
    assert submit(sbx, "CREATE SCHEMA IF NOT EXISTS DEMO.FAILS").status_code == 200  # disarmed
    submit(sbx, "DROP SCHEMA DEMO.FAILS")
    submit(sbx, "GRANT USAGE, MONITOR ON DATABASE DEMO TO ROLE AIRFLOW_ROLE")
    rows = rows_of(submit(sbx, "SHOW GRANTS TO ROLE AIRFLOW_ROLE"))
    assert sorted(r[1] for r in rows) == ["MONITOR", "USAGE"] and rows[0][3] == "DEMO"
    submit(sbx, "REVOKE MONITOR ON DATABASE DEMO FROM ROLE AIRFLOW_ROLE")
    assert [r[1] for r in rows_of(submit(sbx, "SHOW GRANTS TO ROLE AIRFLOW_ROLE"))] == ["USAGE"]
    assert submit(sbx, "GRANT USAGE ON DATABASE NOPE TO ROLE R").status_code == 422
    submit(sbx, "CREATE WAREHOUSE IF NOT EXISTS BENCH_WH WAREHOUSE_SIZE = 'SMALL'")
    r = submit(sbx, "SHOW WAREHOUSES LIKE 'BENCH%'")
    assert rows_of(r)[0][col(r, "size")] == "SMALL"
    submit(sbx, "ALTER WAREHOUSE BENCH_WH RESUME")
    assert rows_of(submit(sbx, "SHOW WAREHOUSES LIKE 'BENCH_WH'"))[0][1] == "STARTED"
    r = submit(sbx, "SELECT CURRENT_USER(), CURRENT_ROLE(), CURRENT_WAREHOUSE()")
    assert rows_of(r) == [["SNOWDECK", sbx["SANDBOX_ROLE"], sbx["SANDBOX_WAREHOUSE"]]]


def snow(sbx: dict[str, str], *args: str) -> Any:
    state = os.path.dirname(sbx["SANDBOX_KEY"])
    p = subprocess.run([os.path.join(HERE, "sandbox.sh"), "snow", state, *args, "-c", "sandbox", "--format", "json"],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr
    return json.loads(p.stdout)


def test_snow_cli_sees_the_same_data(sbx: dict[str, str]) -> None:
    out = snow(sbx, "sql", "-q", "SELECT COUNT(*) AS N FROM XCOM_TABLE")
    assert out[0]["N"] == 13
    files = snow(sbx, "stage", "list-files", "@DEMO.XCOM.XCOM_STAGE")
    assert len(files) == 8 and {f["name"].rsplit(".", 1)[1] for f in files} >= {"parquet", "json", "bin"}
    names = {s["name"] for s in snow(sbx, "spcs", "service", "list")}
    assert {"SISSYG", "AIRFLOW_TASK_RUNNER"} <= names
    pools = {p["name"] for p in snow(sbx, "spcs", "compute-pool", "list")}
    assert "SNOWDECK_POOL" in pools
    logs = snow(sbx, "spcs", "service", "logs", "SISSYG", "--container-name", "minio", "--instance-id", "0",
                "--num-lines", "2")
    assert "minio" in json.dumps(logs)
    pool = snow(sbx, "spcs", "compute-pool", "describe", "SNOWDECK_POOL")
    assert "CPU_X64_XS" in json.dumps(pool)
    conts = snow(sbx, "spcs", "service", "list-containers", "SISSYG")
    assert len(conts) == 6


def test_every_response_was_validated() -> None:
    # runs last (file order): proves the spec checks ran at all
    assert VALIDATED["count"] > 150, VALIDATED


def test_grants_hierarchy_ownership_and_operate_enforced(sbx: dict[str, str]) -> None:
    """Access control as Snowflake does it, for roles other than the sandbox's admin roles: GRANT ROLE
    shows as USAGE on ROLE, creating an object records its OWNERSHIP, and ALTER SERVICE / ALTER
    COMPUTE POOL ... SUSPEND | RESUME (SQL and REST) need OPERATE or OWNERSHIP, else 003001/42501."""
    def show(role: str) -> set[tuple[str, str, str]]:
        return {(r[1], r[2], r[3]) for r in rows_of(submit(sbx, f"SHOW GRANTS TO ROLE {role}"))}

    # the seed's objects are owned by the configured role; the system hierarchy is there
    mine = show(sbx["SANDBOX_ROLE"])
    assert ("OWNERSHIP", "SERVICE", "DEMO.XCOM.SISSYG") in mine, mine
    assert ("OWNERSHIP", "COMPUTE_POOL", "SNOWDECK_POOL") in mine, mine
    assert ("USAGE", "ROLE", sbx["SANDBOX_ROLE"]) in show("SYSADMIN")
    assert ("CREATE DATABASE", "ACCOUNT", sbx["SANDBOX_ACCOUNT"]) in show("SYSADMIN")
    # a role hierarchy: OPS_ROLE inherits OPS_BASE, which may operate the runner only
    assert submit(sbx, "GRANT ROLE OPS_BASE TO ROLE OPS_ROLE").status_code == 200
    assert submit(sbx, "GRANT OPERATE ON SERVICE DEMO.XCOM.AIRFLOW_TASK_RUNNER TO ROLE OPS_BASE").status_code == 200
    assert ("USAGE", "ROLE", "OPS_BASE") in show("OPS_ROLE")
    assert ("OPERATE", "SERVICE", "DEMO.XCOM.AIRFLOW_TASK_RUNNER") in show("OPS_BASE")
    # SQL: the service the role may not operate is refused, the other one runs
    r = submit(sbx, "ALTER SERVICE DEMO.XCOM.SISSYG SUSPEND", role="OPS_ROLE")
    assert r.status_code == 422, r.text
    assert (r.json()["code"], r.json()["sqlState"]) == ("003001", "42501"), r.json()
    assert r.json()["message"] == ("SQL access control error:\nInsufficient privileges to operate on service "
                                   "'SISSYG'."), r.json()
    assert submit(sbx, "ALTER SERVICE DEMO.XCOM.AIRFLOW_TASK_RUNNER RESUME", role="OPS_ROLE").status_code == 200
    r = submit(sbx, "ALTER COMPUTE POOL SNOWDECK_GPU_POOL RESUME", role="ops_role")
    assert r.status_code == 422 and "compute pool 'SNOWDECK_GPU_POOL'" in r.json()["message"], r.text
    # REST: X-Snowflake-Role is the session's role; the same refusal as 403 ErrorResponse
    h = headers(sbx)
    h["X-Snowflake-Role"] = "OPS_ROLE"
    r = validated(requests.post(sbx["SANDBOX_URL"] + f"{SVC}/SISSYG:suspend", json={}, headers=h, timeout=10))
    assert r.status_code == 403 and r.json()["code"] == "003001", r.text
    r = validated(requests.post(sbx["SANDBOX_URL"] + "/api/v2/compute-pools/SNOWDECK_POOL:suspend", json={},
                                headers=h, timeout=10))
    assert r.status_code == 403 and "compute pool" in r.json()["message"], r.text
    r = validated(requests.post(sbx["SANDBOX_URL"] + f"{SVC}/AIRFLOW_TASK_RUNNER:resume", json={}, headers=h,
                                timeout=10))
    assert r.status_code == 200, r.text
    # account-level creates need the privilege; what a role creates, it owns
    r = submit(sbx, "CREATE DATABASE IF NOT EXISTS OPS_DB", role="OPS_ROLE")
    assert r.status_code == 422 and r.json()["code"] == "003001", r.text
    assert "account 'SNOWDECK_SANDBOX'" in r.json()["message"], r.json()
    submit(sbx, "GRANT CREATE DATABASE ON ACCOUNT TO ROLE OPS_BASE")
    assert submit(sbx, "CREATE DATABASE IF NOT EXISTS OPS_DB", role="OPS_ROLE").status_code == 200
    assert submit(sbx, "CREATE SCHEMA IF NOT EXISTS OPS_DB.S1", role="OPS_ROLE").status_code == 200
    owned = show("OPS_ROLE")
    assert ("OWNERSHIP", "DATABASE", "OPS_DB") in owned and ("OWNERSHIP", "SCHEMA", "OPS_DB.S1") in owned, owned
    # a revoked role no longer lends its privileges
    submit(sbx, "REVOKE ROLE OPS_BASE FROM ROLE OPS_ROLE")
    assert ("USAGE", "ROLE", "OPS_BASE") not in show("OPS_ROLE")
    r = submit(sbx, "ALTER SERVICE DEMO.XCOM.AIRFLOW_TASK_RUNNER RESUME", role="OPS_ROLE")
    assert r.status_code == 422, r.text
    submit(sbx, "DROP DATABASE OPS_DB")
    submit(sbx, "REVOKE CREATE DATABASE ON ACCOUNT FROM ROLE OPS_BASE")
    submit(sbx, "REVOKE OPERATE ON SERVICE DEMO.XCOM.AIRFLOW_TASK_RUNNER FROM ROLE OPS_BASE")


def test_database_roles(sbx: dict[str, str]) -> None:
    """A database role granted to an account role lends its privileges: SHOW GRANTS TO ROLE shows it
    as USAGE on DATABASE_ROLE DB.NAME, SHOW GRANTS TO DATABASE ROLE lists its own, and operating a
    service through it is allowed until it is revoked."""
    def show(target: str) -> set[tuple[str, str, str, str]]:
        return {(r[1], r[2], r[3], r[4]) for r in rows_of(submit(sbx, f"SHOW GRANTS TO {target}"))}

    assert submit(sbx, "CREATE DATABASE ROLE IF NOT EXISTS DEMO.SVC_OPS").status_code == 200
    assert submit(sbx, "GRANT OPERATE ON SERVICE DEMO.XCOM.SISSYG TO DATABASE ROLE DEMO.SVC_OPS").status_code == 200
    assert submit(sbx, "GRANT DATABASE ROLE DEMO.SVC_OPS TO ROLE DBR_ROLE").status_code == 200
    try:
        assert ("USAGE", "DATABASE_ROLE", "DEMO.SVC_OPS", "ROLE") in show("ROLE DBR_ROLE")
        assert ("OPERATE", "SERVICE", "DEMO.XCOM.SISSYG", "DATABASE_ROLE") in show("DATABASE ROLE DEMO.SVC_OPS")
        # one part: the session's database
        assert ("OPERATE", "SERVICE", "DEMO.XCOM.SISSYG", "DATABASE_ROLE") in show("DATABASE ROLE SVC_OPS")
        r = submit(sbx, "SHOW GRANTS TO DATABASE ROLE DEMO.NOPE")
        assert r.status_code == 422 and r.json()["code"] == "002003", r.text
        assert submit(sbx, "ALTER SERVICE DEMO.XCOM.SISSYG SUSPEND", role="DBR_ROLE").status_code == 200
        assert submit(sbx, "ALTER SERVICE DEMO.XCOM.SISSYG RESUME", role="DBR_ROLE").status_code == 200
    finally:
        submit(sbx, "REVOKE DATABASE ROLE DEMO.SVC_OPS FROM ROLE DBR_ROLE")
    r = submit(sbx, "ALTER SERVICE DEMO.XCOM.SISSYG SUSPEND", role="DBR_ROLE")
    assert r.status_code == 422 and r.json()["code"] == "003001", r.text


def test_secondary_roles(sbx: dict[str, str]) -> None:
    """DEFAULT_SECONDARY_ROLES = ('ALL') makes the roles granted to the user secondary roles:
    CURRENT_SECONDARY_ROLES() lists them as JSON, and their privileges (and what they inherit) count
    for operating, but not for CREATE statements, as Snowflake enforces them."""
    def secondary(role: str | None = None) -> dict[str, str]:
        return json.loads(rows_of(submit(sbx, "SELECT CURRENT_SECONDARY_ROLES()", role=role))[0][0])

    assert secondary() == {"roles": "", "value": ""}
    assert submit(sbx, "GRANT OPERATE ON SERVICE DEMO.XCOM.SISSYG TO ROLE SEC_BASE").status_code == 200
    assert submit(sbx, "GRANT ROLE SEC_BASE TO ROLE SEC_ROLE").status_code == 200
    assert submit(sbx, "GRANT CREATE DATABASE ON ACCOUNT TO ROLE SEC_ROLE").status_code == 200
    assert submit(sbx, "GRANT ROLE SEC_ROLE TO USER SNOWDECK").status_code == 200
    # granted but not active: the primary role alone
    r = submit(sbx, "ALTER SERVICE DEMO.XCOM.SISSYG SUSPEND", role="OPS_ROLE")
    assert r.status_code == 422 and r.json()["code"] == "003001", r.text
    try:
        assert submit(sbx, "ALTER USER SNOWDECK SET DEFAULT_SECONDARY_ROLES = ('ALL')").status_code == 200
        assert secondary("OPS_ROLE") == {"roles": "SEC_ROLE", "value": "ALL"}
        # operating through the secondary role's hierarchy: allowed (SQL and REST)
        assert submit(sbx, "ALTER SERVICE DEMO.XCOM.SISSYG SUSPEND", role="OPS_ROLE").status_code == 200
        h = headers(sbx)
        h["X-Snowflake-Role"] = "OPS_ROLE"
        r = validated(requests.post(sbx["SANDBOX_URL"] + f"{SVC}/SISSYG:resume", json={}, headers=h, timeout=10))
        assert r.status_code == 200, r.text
        # creating: the primary role's privileges only
        r = submit(sbx, "CREATE DATABASE IF NOT EXISTS SEC_DB", role="OPS_ROLE")
        assert r.status_code == 422 and r.json()["code"] == "003001", r.text
    finally:
        submit(sbx, "ALTER USER SNOWDECK UNSET DEFAULT_SECONDARY_ROLES")
        submit(sbx, "REVOKE ROLE SEC_ROLE FROM USER SNOWDECK")
        submit(sbx, "REVOKE OPERATE ON SERVICE DEMO.XCOM.SISSYG FROM ROLE SEC_BASE")
        submit(sbx, "REVOKE CREATE DATABASE ON ACCOUNT FROM ROLE SEC_ROLE")
    assert secondary("OPS_ROLE") == {"roles": "", "value": ""}
    r = submit(sbx, "ALTER SERVICE DEMO.XCOM.SISSYG SUSPEND", role="OPS_ROLE")
    assert r.status_code == 422, r.text

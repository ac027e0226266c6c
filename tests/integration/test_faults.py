"""Bad input and faults, through the real binary against a scripted double:
a clear message, no crash, no raw escape on output, secrets masked."""
import os
import socket
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from common import run_tests, snowdeck  # noqa: E402
from stub_airflow import Stub  # noqa: E402

stub = Stub()
AUDIT = tempfile.mktemp(prefix="snowdeck-audit-")
ENV = {"SNOWDECK_AIRFLOW_URL": stub.url, "SNOWDECK_AIRFLOW_USERNAME": "admin",
       "SNOWDECK_AIRFLOW_PASSWORD": "pw-SECRET-789", "SNOWDECK_AUDIT": AUDIT,
       "HOME": tempfile.mkdtemp()}


def assert_clean(text):
    bad = [c for c in text if (ord(c) < 0x20 and c not in "\n\t") or c == "\x7f"
           or 0x80 <= ord(c) <= 0x9f or c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"]
    assert not bad, f"unsafe characters reached the output: {bad[:5]!r} in {text[:300]!r}"


def sd(*args, check=True, mode="ok", timeout=60):
    stub.mode = mode
    return snowdeck(*args, env=ENV, check=check, timeout=timeout)


def test_escapes_never_reach_output():
    for args in (["get", "dags"], ["get", "dags", "-o", "json"],
                 ["get", "log", "d", "r", "t", "1"], ["get", "xcom", "d", "r", "t", "k"]):
        r = sd(*args)
        assert_clean(r.out)
        assert "pwned" not in r.out and "c2VjcmV0" not in r.out, r.out
    assert "evil" in sd("get", "dags").out


def test_xcom_secrets_masked():
    r = sd("get", "xcom", "d", "r", "t", "k")
    assert "SECRET" not in r.out and "hunter2" not in r.out, r.out
    assert "***" in r.out
    j = sd("get", "xcom", "d", "r", "t", "k", "-o", "json").json()
    assert j["value"]["api_key"] == "***" and j["value"]["nested"]["password"] == "***", j


def test_server_errors_are_sentences():
    for mode, word in (("500", "HTTP 500"), ("403", "forbidden"), ("404", "not found"),
                       ("malformed", "malformed JSON"), ("html", "malformed JSON")):
        r = sd("get", "dags", check=False, mode=mode)
        assert r.code == 1, (mode, r)
        assert word.lower() in r.err.lower(), (mode, r.err)
        assert r.out == "", (mode, r.out)


def test_truncated_and_huge_responses():
    r = sd("get", "dags", check=False, mode="truncated", timeout=90)
    assert r.code == 1 and "snowdeck:" in r.err, r
    r = sd("get", "dags", "-o", "json", check=False, mode="huge", timeout=90)
    assert r.code == 0, r
    assert len(r.json()["dags"]) == 40000


def test_bad_credentials():
    r = sd("get", "dags", check=False, mode="badauth")
    assert r.code == 1 and "rejected the credentials" in r.err, r


def test_retry_and_idempotent_trigger():
    stub.fail_first = 2
    r = sd("trigger", "d", "--run-id", "r1")
    assert "r1" in r.out
    posts = [h for h in stub.hits if h[0] == "POST" and h[1].endswith("/dagRuns")]
    assert len(posts) >= 3, posts
    r = sd("trigger", "d", "--run-id", "r1", check=False, mode="dup")
    assert r.code == 1 and "Unique constraint" in r.err, r


def test_server_down():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    r = snowdeck("get", "dags", env=dict(ENV, SNOWDECK_AIRFLOW_URL=f"http://127.0.0.1:{port}"),
                 check=False, timeout=60)
    assert r.code == 1 and "unreachable" in r.err and str(port) in r.err, r


def test_usage_errors():
    r = sd("get", "nothing", check=False)
    assert r.code == 2 and "usage" in r.err, r
    r = sd("trigger", "d", "--conf", "[1]", check=False)
    assert r.code == 2 and "object" in r.err, r
    r = snowdeck("trigger", "d", env=dict(ENV, SNOWDECK_READONLY="1"), check=False)
    assert r.code == 3 and "read-only" in r.err, r


def test_audit_has_no_secrets():
    sd("get", "dags")
    text = open(AUDIT, encoding="utf-8").read()
    assert '"action":"http"' in text, text[:500]
    assert "pw-SECRET-789" not in text and "c2lnbmF0dXJl" not in text, "secret in audit file"
    assert oct(os.stat(AUDIT).st_mode & 0o777) == "0o600"


if __name__ == "__main__":
    tests = [v for k, v in sorted(globals().items()) if k.startswith("test_")]
    failed = run_tests(tests, "faults")
    stub.close()
    sys.exit(1 if failed else 0)

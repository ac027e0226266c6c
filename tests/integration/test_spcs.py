#!/usr/bin/env python3
"""Integration tests: Snowpark Container Services through snowdeck's headless
twins against the local Snowflake sandbox (tests/sandbox/, TEST
INFRASTRUCTURE, NOT SNOWFLAKE, seeded with the demo's compute pools and the
seed spec's services): pools, services, containers, logs (followed without
duplicates, previous run), suspend/resume/restart with the observed state
sequence, a resume that fails reported as failure, the SQL fallbacks where
REST is missing, readonly refusal, audit records, and at most one logs
request in flight per followed container. Never skips.
"""
import json
import os
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from common import BIN, WRAP, run_tests, snowdeck, wait_for  # noqa: E402
from sbx import Sandbox  # noqa: E402

SB = Sandbox(seed="demo", prefix="snowdeck-spcs-it.")
AUDIT = os.path.join(SB.state, "audit.jsonl")
SEED_CONTAINERS = {"airflow-task-runner", "grafana", "prometheus", "streamlit",
                   "weaviate", "minio"}


def sd(*args, check=True, **kw):
    return snowdeck("--audit", AUDIT, *args, env=SB.snowdeck_env(), check=check, **kw)


def timings(pending_ms, suspending_ms):
    SB.ctl("POST", "/_sandbox/spcs/timings",
           {"pending_ms": pending_ms, "suspending_ms": suspending_ms})


def reset():
    SB.ctl("POST", "/_sandbox/reset")
    SB.clear_requests()


def service_status(name="SISSYG"):
    doc = sd("get", "service", name, "-o", "json").json()
    return doc["services"][0]["status"]


def ensure_running(name="SISSYG"):
    if service_status(name) != "RUNNING":
        sd("resume", name, "--wait", "60")
    assert service_status(name) == "RUNNING"


def test_pools():
    reset()
    pools = {p["name"]: p for p in sd("get", "pools", "-o", "json").json()["pools"]}
    assert set(pools) == {"SNOWDECK_POOL", "SNOWDECK_GPU_POOL"}, pools
    p = pools["SNOWDECK_POOL"]
    assert (p["state"], p["instance_family"], p["min_nodes"], p["max_nodes"],
            p["active_nodes"], p["num_services"]) == ("ACTIVE", "CPU_X64_XS", 1, 2, 1, 2), p
    g = pools["SNOWDECK_GPU_POOL"]
    assert (g["state"], g["active_nodes"]) == ("SUSPENDED", 0), g
    reqs = SB.requests()
    assert any(r["method"] == "GET" and r["path"] == "/api/v2/compute-pools" for r in reqs), reqs
    table = sd("get", "pools").out.splitlines()
    assert table[0].split() == ["NAME", "STATE", "FAMILY", "MIN", "MAX", "ACTIVE", "SERVICES"], table
    # Where REST is missing: SHOW COMPUTE POOLS, the same answer.
    reset()
    SB.fault(match=r"GET /api/v2/compute-pools$", kind="status", status=404, count=1)
    again = {p["name"]: p for p in sd("get", "pools", "-o", "json").json()["pools"]}
    assert again == pools, (again, pools)
    assert SB.executed("SHOW COMPUTE POOLS"), SB.requests()


def test_services_with_endpoints():
    reset()
    svcs = {s["name"]: s for s in sd("get", "service", "-o", "json").json()["services"]}
    assert set(svcs) == {"SISSYG", "AIRFLOW_TASK_RUNNER"}, svcs
    s = svcs["SISSYG"]
    assert s["compute_pool"] == "SNOWDECK_POOL" and s["current_instances"] == 1, s
    assert s["dns_name"].endswith(".svc.spcs.internal"), s
    eps = dict(e.split("=", 1) for e in s["public_endpoints"].split(", "))
    assert set(eps) == {"minio", "minio-ui", "weaviate", "airflow-task-runner", "grafana",
                        "prometheus", "streamlit"}, eps
    assert all(u.endswith(".snowflakecomputing.app") for u in eps.values()), eps
    one = sd("get", "service", "demo.xcom.sissyg", "-o", "json").json()["services"]
    assert [x["name"] for x in one] == ["SISSYG"], one


def test_containers_rest_show_and_status_fallbacks():
    reset()
    ensure_running()
    doc = sd("get", "containers", "sissyg", "-o", "json").json()
    cs = {c["container_name"]: c for c in doc["containers"]}
    assert set(cs) == SEED_CONTAINERS, cs
    for c in cs.values():
        assert (c["status"], c["instance_id"], c["message"]) == ("READY", "0", "Running"), c
        assert c["start_time"] and c["image"], c
    assert cs["weaviate"]["image"] == "semitechnologies/weaviate:1.17.3", cs
    assert any(r["path"].endswith("/services/SISSYG/containers") for r in SB.requests())
    # REST missing: SHOW SERVICE CONTAINERS IN SERVICE (which has last_exit_code).
    reset()
    SB.fault(match=r"GET .*/containers$", kind="status", status=404, count=1)
    doc2 = sd("get", "containers", "sissyg", "-o", "json").json()
    assert {c["container_name"] for c in doc2["containers"]} == SEED_CONTAINERS, doc2
    assert all(c["last_exit_code"] is None for c in doc2["containers"]), doc2
    assert SB.executed("SHOW SERVICE CONTAINERS IN SERVICE"), SB.requests()
    # And where SHOW fails too: the deprecated SYSTEM$GET_SERVICE_STATUS.
    reset()
    SB.fault(match=r"GET .*/containers$", kind="status", status=404, count=1)
    SB.fault(match=r"^SHOW SERVICE CONTAINERS", kind="sqlerror", count=1,
             code="001003", sqlstate="42000",
             message="SQL compilation error:\nsyntax error line 1 at position 5 unexpected 'SERVICE'.")
    doc3 = sd("get", "containers", "sissyg", "-o", "json").json()
    assert {c["container_name"] for c in doc3["containers"]} == SEED_CONTAINERS, doc3
    assert SB.executed("SELECT SYSTEM$GET_SERVICE_STATUS"), SB.requests()
    table = sd("get", "containers", "sissyg").out
    assert "weaviate" in table and "READY" in table, table


def test_logs_and_previous():
    reset()
    ensure_running()
    r = sd("logs", "sissyg", "grafana")
    assert "grafana: container started" in r.out, r
    q = [x for x in SB.requests() if x["path"].endswith("/services/SISSYG/logs")]
    assert q and "instanceId=0" in q[-1]["query"] and "containerName=grafana" in q[-1]["query"], q
    r = sd("logs", "sissyg", "grafana", "--tail", "2", "-o", "json").json()
    assert len(r["lines"]) == 2 and all(x["container"] == "grafana" for x in r["lines"]), r
    # Every container, name-prefixed.
    r = sd("logs", "sissyg", "--tail", "1")
    prefixes = {line.split(" | ")[0] for line in r.out.splitlines()}
    assert prefixes == SEED_CONTAINERS, r.out
    # --grep: the matching lines only, case ignored, every container.
    r = sd("logs", "sissyg", "grafana", "--grep", "CONTAINER STARTED")
    assert r.out.splitlines() and all(
        "grafana: container started" in x for x in r.out.splitlines()), r
    r = sd("logs", "sissyg", "--grep", "container started", "-o", "json").json()
    assert {x["container"] for x in r["lines"]} == SEED_CONTAINERS, r
    assert all("container started" in x["line"] for x in r["lines"]), r
    r = sd("logs", "sissyg", "grafana", "--grep", "no such line anywhere")
    assert r.out == "" and r.code == 0, r
    # REST /logs missing: SYSTEM$GET_SERVICE_LOGS with bound values.
    reset()
    SB.fault(match=r"GET .*/logs$", kind="status", status=404, count=1)
    r = sd("logs", "sissyg", "grafana", "--tail", "3")
    assert len(r.out.splitlines()) == 3 and "grafana:" in r.out, r
    stmts = SB.executed("SELECT SYSTEM$GET_SERVICE_LOGS(?, ?, ?, ?, ?)")
    assert stmts, SB.requests()
    # A container that does not exist: a sentence, exit 1.
    r = sd("logs", "sissyg", "nope", check=False)
    assert r.code == 1 and "nope" in r.err, r
    # Followed, too: it ends instead of retrying a name that never worked.
    r = sd("logs", "sissyg", "nope", "--follow", check=False, timeout=60)
    assert r.code == 1 and "nope" in r.err, r


def test_follow_no_duplicates():
    reset()
    ensure_running()
    cmd = WRAP + [BIN, "--audit", AUDIT, "--refresh", "700", "logs", "sissyg", "grafana",
                  "--follow", "--tail", "3"]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         env=dict(os.environ, **SB.snowdeck_env()))
    got = []
    th = threading.Thread(target=lambda: got.extend(p.stdout), daemon=True)
    th.start()
    wait_for("the first followed line", lambda: got, timeout=60, interval=0.2)
    time.sleep(6)
    p.send_signal(signal.SIGINT)
    p.wait(timeout=60)
    th.join(30)
    err = p.stderr.read()
    assert p.returncode == 0, (p.returncode, err)
    beats = [int(line.rsplit("heartbeat=", 1)[1]) for line in got if "heartbeat=" in line]
    assert len(beats) >= 6, got
    # The sandbox logs one heartbeat a second: consecutive, none twice.
    assert beats == list(range(beats[0], beats[0] + len(beats))), beats
    assert len(set(got)) == len(got), got


def test_restart_passes_through_every_state():
    reset()
    ensure_running()
    timings(2500, 2500)
    try:
        r = sd("restart", "sissyg", "--yes", "-o", "json")
    finally:
        timings(1500, 1000)
    doc = r.json()
    assert doc["ok"] is True and doc["state"] == "RUNNING", doc
    assert doc["states_seen"] == ["SUSPENDING", "SUSPENDED", "PENDING", "RUNNING"], doc
    assert doc["containers_ready"] == doc["containers"] == 6, doc
    # Live progress on stderr, one line per state.
    for st in ("suspend SUSPENDING", "suspend SUSPENDED", "resume PENDING",
               "resume RUNNING, 6/6 containers READY"):
        assert st in r.err, r.err
    posts = [x["path"] for x in SB.requests() if x["method"] == "POST"
             and x["path"].startswith("/api/v2/databases/")]
    assert posts == ["/api/v2/databases/DEMO/schemas/XCOM/services/SISSYG:suspend",
                     "/api/v2/databases/DEMO/schemas/XCOM/services/SISSYG:resume"], posts
    # The previous run's log is there after the restart.
    SB.clear_requests()
    r = sd("logs", "sissyg", "grafana", "--previous")
    assert "received SIGTERM" in r.out, r
    # The REST logs operation has no "previous": the SQL function, bound.
    assert SB.executed("SELECT SYSTEM$GET_SERVICE_LOGS(?, ?, ?, ?, ?)"), SB.requests()
    assert not [x for x in SB.requests() if x["path"].endswith("/logs")], SB.requests()
    audit = open(AUDIT).read()
    assert '"action":"spcs-restart"' in audit and '"result":"ok: RUNNING"' in audit, audit[-800:]


def test_failed_resume_is_a_failure():
    reset()
    ensure_running()
    SB.ctl("POST", "/_sandbox/spcs/fail-resume", {"service": "SISSYG"})
    r = sd("restart", "sissyg", "--yes", "-o", "json", check=False)
    assert r.code == 1, r
    doc = r.json()
    assert doc["ok"] is False and doc["state"] == "FAILED", doc
    assert doc["states_seen"][-1] == "FAILED", doc
    assert "Container exited with code 1" in doc["message"], doc
    assert "FAILED" in r.err and "Container exited with code 1" in r.err, r.err
    # REST has no last exit code: SHOW SERVICE CONTAINERS adds it for exited ones.
    SB.clear_requests()
    cs = sd("get", "containers", "sissyg", "-o", "json").json()["containers"]
    assert all(c["status"] == "FAILED" and c["last_exit_code"] == 1 and c["restart_count"] >= 1
               for c in cs), cs
    assert SB.executed("SHOW SERVICE CONTAINERS IN SERVICE"), SB.requests()
    r = sd("restart", "sissyg", "--yes", check=False)  # table output
    # The fault was used up: this one comes back, exit 0.
    assert r.code == 0 and "RUNNING" in r.out, r
    audit = open(AUDIT).read()
    assert '"result":"failed: restart SISSYG did not come back' in audit, audit[-800:]


def test_wait_timeout_and_interrupt_say_where_it_stopped():
    reset()
    ensure_running()
    timings(15000, 500)
    try:
        SB.clear_requests()
        r = sd("restart", "sissyg", "--yes", "--wait", "10", "-o", "json", check=False)
        assert r.code == 1, r
        doc = r.json()
        assert doc["ok"] is False and doc["state"] == "PENDING", doc
        assert "timed out after" in doc["error"] and "it is PENDING now" in doc["error"], doc
        assert doc["states_seen"][:3] == ["SUSPENDING", "SUSPENDED", "PENDING"], doc
        # Waiting backs off: 1 s, then x1.5 while nothing changes (capped at 5 s).
        reqs = SB.requests()
        resumed = next(x["seq"] for x in reqs if x["path"].endswith("SISSYG:resume"))
        polls = [x["time"] for x in reqs if x["seq"] > resumed and x["method"] == "GET"
                 and x["path"].endswith("/services/SISSYG")]
        gaps = [b - a for a, b in zip(polls, polls[1:])]
        want = [1.0, 1.5, 2.25, 3.375]
        assert len(gaps) >= 3 and all(abs(g - w) < 0.4 for g, w in zip(gaps, want)), gaps
        # Ctrl-C while waiting: stops waiting, says so, exit 1; Snowflake goes on.
        cmd = WRAP + [BIN, "--audit", AUDIT, "resume", "sissyg"]
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env=dict(os.environ, **SB.snowdeck_env()))
        time.sleep(2)
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=60)
        assert p.returncode == 1 and "interrupted" in err, (p.returncode, out, err)
    finally:
        timings(1500, 1000)
    wait_for("SISSYG running again", lambda: service_status() == "RUNNING", timeout=60)


def test_sql_fallback_for_actions():
    reset()
    ensure_running("AIRFLOW_TASK_RUNNER")
    SB.fault(match=r"POST .*:suspend$", kind="status", status=404, count=1)
    r = sd("suspend", "airflow_task_runner", "--yes", "-o", "json")
    assert r.json()["state"] == "SUSPENDED", r
    assert SB.executed("ALTER SERVICE DEMO.XCOM.AIRFLOW_TASK_RUNNER SUSPEND"), SB.requests()
    r = sd("get", "containers", "airflow_task_runner")
    assert "no containers" in r.out, r
    SB.fault(match=r"POST .*:resume$", kind="status", status=405, count=1)
    r = sd("resume", "airflow_task_runner", "-o", "json")
    assert r.json()["ok"] is True and r.json()["state"] == "RUNNING", r
    assert SB.executed("ALTER SERVICE DEMO.XCOM.AIRFLOW_TASK_RUNNER RESUME"), SB.requests()


def test_pool_suspend_resume():
    reset()
    r = sd("resume", "pool", "snowdeck_gpu_pool", "-o", "json")
    assert r.json()["ok"] is True and r.json()["state"] in ("IDLE", "ACTIVE"), r
    assert any(x["path"] == "/api/v2/compute-pools/SNOWDECK_GPU_POOL:resume"
               for x in SB.requests()), SB.requests()
    r = sd("suspend", "pool", "snowdeck_gpu_pool", "--yes", "-o", "json")
    assert r.json()["state"] == "SUSPENDED", r
    pools = {p["name"]: p for p in sd("get", "pools", "-o", "json").json()["pools"]}
    assert pools["SNOWDECK_GPU_POOL"]["state"] == "SUSPENDED", pools


def test_readonly_and_confirmation():
    reset()
    r = sd("--readonly", "restart", "sissyg", "--yes", check=False)
    assert r.code == 3 and "read-only" in r.err, r
    r = sd("--readonly", "suspend", "pool", "snowdeck_pool", "--yes", check=False)
    assert r.code == 3, r
    # Not a terminal and no --yes: refused before anything is sent.
    r = sd("suspend", "sissyg", check=False)
    assert r.code == 2 and "--yes" in r.err, r
    assert not [x for x in SB.requests() if x["method"] == "POST"
                and x["path"].startswith("/api/v2/databases/")], SB.requests()


def test_audit_has_no_secret():
    audit = open(AUDIT).read()
    assert '"action":"spcs-' in audit, audit[-500:]
    for s in SB.secrets():
        assert s not in audit, "a secret reached the audit file"


def test_one_logs_request_in_flight_per_container():
    """Every followed container waits for its answer before asking again."""
    reset()
    ensure_running()
    SB.fault(match=r"GET .*/logs$", kind="latency", delay_ms=1500, count=1000)
    cmd = WRAP + [BIN, "--audit", AUDIT, "--refresh", "100", "logs", "sissyg", "--follow"]
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                         env=dict(os.environ, **SB.snowdeck_env()))
    time.sleep(6)
    p.send_signal(signal.SIGINT)
    p.wait(timeout=60)
    SB.ctl("DELETE", "/_sandbox/faults")
    assert p.returncode == 0, (p.returncode, p.stderr.read())
    per = {}
    for x in SB.requests():
        if x["path"].endswith("/logs"):
            name = [kv.split("=", 1)[1] for kv in x["query"].split("&")
                    if kv.startswith("containerName=")][0]
            per.setdefault(name, []).append(x["time"])
    assert set(per) == SEED_CONTAINERS, per
    for name, times in per.items():
        # 6 s with 1.5 s answers and 0.1 s pauses: at most 4 each, never two at once.
        assert 2 <= len(times) <= 4, (name, times)
        gaps = [b - a for a, b in zip(times, times[1:])]
        assert all(g >= 1.45 for g in gaps), (name, gaps)


def test_source_watch_shows_changes_and_sleeps_between_cycles():
    """get spcs --watch runs the services pane's source (src_spcs.c) headless."""
    reset()
    ensure_running("AIRFLOW_TASK_RUNNER")
    timings(1500, 2500)
    cmd = WRAP + [BIN, "--audit", AUDIT, "--refresh", "500", "get", "spcs", "--watch", "-o", "json"]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         env=dict(os.environ, **SB.snowdeck_env()))
    docs = []
    th = threading.Thread(target=lambda: docs.extend(json.loads(line) for line in p.stdout),
                          daemon=True)
    th.start()
    try:
        wait_for("the first snapshot", lambda: docs, timeout=60, interval=0.2)
        first = {(c["service"], c["container_name"]) for c in docs[0]["containers"]}
        assert ("SISSYG", "weaviate") in first and ("AIRFLOW_TASK_RUNNER", "grafana") in first, first
        # Idle: one cycle (services, endpoints, containers) per interval, nothing more.
        SB.clear_requests()
        time.sleep(3)
        n = len(SB.requests())
        assert 4 <= n <= 7 * 5, n
        sd("suspend", "airflow_task_runner", "--yes")

        def states():
            return [{c["state"] for c in d["containers"] if c["service"] == "AIRFLOW_TASK_RUNNER"}
                    for d in docs]
        wait_for("the suspended service in the watch", lambda: states()[-1] == {"suspended"},
                 timeout=60, interval=0.2)
        seen = states()
        assert {"running"} in seen and {"suspending"} in seen, seen
        assert seen.index({"suspending"}) < len(seen) - 1, seen
    finally:
        timings(1500, 1000)
        p.send_signal(signal.SIGINT)
        p.wait(timeout=60)
        th.join(30)
    assert p.returncode == 0, (p.returncode, p.stderr.read())
    sd("resume", "airflow_task_runner", "--wait", "60")


if __name__ == "__main__":
    SB.start()
    # QUICK=1 (under ASan/valgrind): the core paths only.
    quick = os.environ.get("QUICK") == "1"
    tests = [test_pools,
             test_services_with_endpoints,
             test_containers_rest_show_and_status_fallbacks,
             test_logs_and_previous,
             test_follow_no_duplicates,
             test_restart_passes_through_every_state,
             test_failed_resume_is_a_failure,
             test_wait_timeout_and_interrupt_say_where_it_stopped,
             test_sql_fallback_for_actions,
             test_pool_suspend_resume,
             test_readonly_and_confirmation,
             test_audit_has_no_secret,
             test_one_logs_request_in_flight_per_container,
             test_source_watch_shows_changes_and_sleeps_between_cycles]
    if quick:
        tests = [test_pools,
                 test_containers_rest_show_and_status_fallbacks,
                 test_restart_passes_through_every_state,
                 test_failed_resume_is_a_failure,
                 test_readonly_and_confirmation,
                 test_source_watch_shows_changes_and_sleeps_between_cycles]
    try:
        failed = run_tests(tests, "spcs")
    finally:
        SB.stop()
    sys.exit(1 if failed else 0)

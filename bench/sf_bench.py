#!/usr/bin/env python3
"""Snowflake client benchmark against the local sandbox (TEST INFRASTRUCTURE).

  bench/sf_bench.py [--rows N] [--files N] [--window-check]

Starts tests/sandbox/sandbox.sh on a free loopback port, makes an XCom table
of N rows (default 100000) and a stage of N files (default 100000; the issue's
1,000,000 works but takes long to create and for the sandbox to md5), then
runs the headless twins and reports, per run: wall time, the time the first
rows were in hand (the first result partition parsed, seen as the moment
the next partition is asked for, from the sandbox's request log), peak RSS
of the snowdeck process, partitions. The sandbox is Python and dominates
the wall time; the client's own CPU time is reported too.
"""
import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
BIN = os.environ.get("SNOWDECK_BIN", os.path.join(ROOT, "snowdeck"))
SANDBOX = os.path.join(ROOT, "tests", "sandbox", "sandbox.sh")
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
from common import free_port  # noqa: E402


def run(args, env):
    """Runs snowdeck; returns (wall s, user+sys s, max RSS MB, stdout)."""
    t0 = time.monotonic()
    p = subprocess.Popen([BIN] + args, env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    out = p.stdout.read()
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.monotonic() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"snowdeck {' '.join(args)} failed: {err.decode()}")
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024.0, out


def ctl(url, method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url + path, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        t = r.read().decode()
    return json.loads(t) if t.strip() else None


def first_rows_at(url, t_start_wall):
    """(first rows since the start, since the first partition arrived,
    partitions). The first partition arrives with the POST's answer; its
    rows are in hand when the client asks for the next partition."""
    reqs = ctl(url, "GET", "/_sandbox/requests")
    reqs = reqs["requests"] if isinstance(reqs, dict) else reqs
    parts = [q for q in reqs if "partition=" in (q.get("query") or "")]
    posts = [q for q in reqs if q.get("method") == "POST" and q.get("path") == "/api/v2/statements"
             and q.get("done")]
    n = len(parts) + 1
    if not parts:
        return None, None, n
    first = min(q["time"] for q in parts)
    after = first - max(q["done"] for q in posts if q["done"] <= first) if posts else None
    return first - t_start_wall, after, n


def model_bench(n):
    """Builds and runs bench/sf_model_bench.c against build/release."""
    lib = os.path.join(ROOT, "build", "release", "libsnowdeck.a")
    out = os.path.join(tempfile.gettempdir(), f"sf_model_bench.{os.getpid()}")
    flags = subprocess.run(["pkg-config", "--cflags", "--libs", "ncursesw",
                            "libcurl", "libcjson", "libuv", "openssl"],
                           check=True, capture_output=True, text=True).stdout.split()
    subprocess.run(["cc", "-O2", "-I" + os.path.join(ROOT, "include"),
                    os.path.join(ROOT, "bench", "sf_model_bench.c"), lib]
                   + flags + ["-lm", "-o", out], check=True)
    try:
        print(subprocess.run([out, str(n)], check=True, capture_output=True,
                             text=True).stdout.strip())
    finally:
        os.unlink(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100000)
    ap.add_argument("--files", type=int, default=100000)
    ap.add_argument("--model-files", type=int, default=1000000)
    a = ap.parse_args()
    model_bench(a.model_files)
    state = tempfile.mkdtemp(prefix="snowdeck-sf-bench.")
    home = tempfile.mkdtemp(prefix="snowdeck-sf-bench-home.")
    try:
        subprocess.run([SANDBOX, "start", state, "--port", str(free_port())],
                       check=True)
        env = dict(os.environ)
        env.update(HOME=home, SNOWFLAKE_HOME=state,
                   AIRFLOW_CONN_SNOWFLAKE_DEFAULT="",
                   AIRFLOW__CORE__XCOM_SNOWFLAKE_TABLE="DEMO.XCOM.BENCH_XCOM",
                   SNOWDECK_AUDIT=os.path.join(state, "audit.jsonl"))
        url = [l.split("=", 1)[1].strip() for l in open(os.path.join(state, "env"))
               if l.startswith("SANDBOX_URL=")][0]
        run(["--allow-write", "sql",
             "create or replace table demo.xcom.bench_xcom as select "
             "'dag_' || (i % 50) as dag_id, 'task_' || (i % 17) as task_id, "
             "'run_' || (i % 1000) as run_id, i as multi_index, "
             "'return_value' as key, 'dict' as value_type, "
             "'{\"i\": ' || i || ', \"api_key\": \"k' || i || '\"}' as value "
             f"from range({a.rows}) t(i)"], env)
        run(["--allow-write", "sql", "create or replace stage demo.xcom.bench_stage"], env)
        base = os.path.join(state, "stages", "DEMO", "XCOM", "BENCH_STAGE")
        t0 = time.monotonic()
        for i in range(a.files):
            d = os.path.join(base, f"dag_{i % 20}", f"task_{i % 7}", f"run_{i % 100}")
            os.makedirs(d, exist_ok=True)
            with open(os.path.join(d, f"{i}.json"), "w") as f:
                f.write('{"v": %d}' % i)
        print(f"setup: {a.rows} rows, {a.files} files "
              f"({time.monotonic() - t0:.1f} s to write the files)")

        for label, args, faults in (
            ("xcom-table (json)", ["get", "xcom-table", "-o", "json"], None),
            ("xcom-table (table)", ["get", "xcom-table"], None),
            ("files via REST", ["get", "files", "@DEMO.XCOM.BENCH_STAGE", "-o", "json"], None),
            ("files via LIST", ["get", "files", "@DEMO.XCOM.BENCH_STAGE", "-o", "json"],
             dict(match="GET /api/v2/databases/.*/files$", kind="status",
                  status=404, count=1)),
        ):
            ctl(url, "POST", "/_sandbox/reset")
            if faults:
                ctl(url, "POST", "/_sandbox/faults", faults)
            start_wall = time.time()
            wall, cpu, rss, out = run(args, env)
            first, after, nparts = first_rows_at(url, start_wall)
            first_s = f"{first:.2f} s" if first is not None else "n/a (one answer)"
            if after is not None:
                first_s += f" ({after * 1000:.0f} ms after the first partition)"
            print(f"{label:20s} wall {wall:6.2f} s  first rows {first_s:>18s}  "
                  f"client cpu {cpu:5.2f} s  peak RSS {rss:6.1f} MB  "
                  f"partitions {nparts}  output {len(out) / 1e6:.1f} MB")
            if label == "files via REST":
                rest_wall = wall
            if label == "files via LIST":
                list_wall = wall

        # The Snowflake CLI on the same stage, in the same run (its own
        # pinned venv; the sandbox serves it the connector protocol).
        ctl(url, "POST", "/_sandbox/reset")
        t0 = time.monotonic()
        cp = subprocess.run([SANDBOX, "snow", state, "stage", "list-files",
                             "@DEMO.XCOM.BENCH_STAGE", "-c", "sandbox",
                             "--format", "json"], capture_output=True,
                            text=True, env=env)
        snow_wall = time.monotonic() - t0
        if cp.returncode != 0:
            print(f"snow stage list-files failed: {cp.stderr[-500:]}")
        else:
            n = len(json.loads(cp.stdout))
            print(f"snow stage list-files wall {snow_wall:6.2f} s ({n} files); "
                  f"snowdeck get files / snow: {rest_wall / snow_wall:.2f} "
                  f"(REST), {list_wall / snow_wall:.2f} (LIST)")
    finally:
        subprocess.run([SANDBOX, "stop", state], check=False)
        shutil.rmtree(state, ignore_errors=True)
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

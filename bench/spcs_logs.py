#!/usr/bin/env python3
"""Benchmark: 50 SPCS containers followed at once through the sandbox
(tests/sandbox/, TEST INFRASTRUCTURE, NOT SNOWFLAKE).

Creates a service with 50 containers (each logs one heartbeat a second in
the sandbox's simulation), runs `snowdeck logs BENCH50 --follow` for
SECONDS (default 30), twice: once against a prompt account and once with
every logs request delayed by 2 s (a slow account). Reports snowdeck's CPU
time and peak RSS, the logs requests per container, whether any container
ever had two requests in flight (consecutive requests closer than the
delay), and whether any heartbeat line was lost or printed twice.

    SNOWDECK_BIN=build/release/snowdeck bench/spcs_logs.py [SECONDS]
"""
import os
import signal
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))
from common import BIN, snowdeck  # noqa: E402
from sbx import Sandbox  # noqa: E402

N = 50
SECONDS = int(sys.argv[1]) if len(sys.argv) > 1 else 30


def spec():
    lines = ["spec:", "  containers:"]
    for i in range(N):
        lines += [f"  - name: c{i:02d}", f"    image: /demo/xcom/snowdeck_repo/bench:{i}"]
    return "\n".join(lines) + "\n"


def proc_stats(pid):
    with open(f"/proc/{pid}/stat") as f:
        parts = f.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    cpu = (int(parts[11]) + int(parts[12])) / ticks
    rss = 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                rss = int(line.split()[1])
    return cpu, rss


def run(sb, delay_ms):
    sb.ctl("POST", "/_sandbox/reset")
    sb.clear_requests()
    if delay_ms:
        sb.fault(match=r"GET .*/BENCH50/logs$", kind="latency", delay_ms=delay_ms, count=10**6)
    env = dict(os.environ, **sb.snowdeck_env())
    p = subprocess.Popen([BIN, "--refresh", "500", "logs", "BENCH50", "--follow", "--tail", "0"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    got = []
    th = threading.Thread(target=lambda: got.extend(p.stdout), daemon=True)
    th.start()
    time.sleep(SECONDS)
    cpu, rss = proc_stats(p.pid)
    p.send_signal(signal.SIGINT)
    p.wait(timeout=60)
    th.join(30)
    sb.ctl("DELETE", "/_sandbox/faults")
    per = {}
    for x in sb.requests():
        if x["path"].endswith("/BENCH50/logs"):
            name = [kv.split("=", 1)[1] for kv in x["query"].split("&")
                    if kv.startswith("containerName=")][0]
            per.setdefault(name, []).append(x["time"])
    overlaps = 0
    for times in per.values():
        overlaps += sum(1 for a, b in zip(times, times[1:]) if b - a < delay_ms / 1000 - 0.05)
    beats = {}
    for line in got:
        if "heartbeat=" in line:
            name = line.split(" | ", 1)[0]
            beats.setdefault(name, []).append(int(line.rsplit("heartbeat=", 1)[1]))
    lost = dup = 0
    for seq in beats.values():
        dup += len(seq) - len(set(seq))
        lost += (max(seq) - min(seq) + 1) - len(set(seq))
    counts = sorted(len(t) for t in per.values())
    print(f"delay {delay_ms} ms: {len(per)} containers followed for {SECONDS} s; "
          f"CPU {cpu:.2f} s ({100 * cpu / SECONDS:.1f}%), peak RSS {rss / 1024:.1f} MiB; "
          f"logs requests per container min/median/max {counts[0]}/{counts[len(counts) // 2]}/"
          f"{counts[-1]}; two in flight: {overlaps}; lines {len(got)}, lost {lost}, "
          f"duplicated {dup}; exit {p.returncode}", flush=True)
    return overlaps == 0 and lost == 0 and dup == 0 and p.returncode == 0 and len(per) == N


def main():
    sb = Sandbox(seed="demo", prefix="snowdeck-spcs-bench.")
    sb.start()
    try:
        snowdeck("--allow-write", "sql",
                 "CREATE SERVICE DEMO.XCOM.BENCH50 IN COMPUTE POOL SNOWDECK_POOL "
                 f"FROM SPECIFICATION $${spec()}$$", env=sb.snowdeck_env())
        snowdeck("resume", "BENCH50", "--wait", "60", env=sb.snowdeck_env())
        ok = run(sb, 0) and run(sb, 2000)
    finally:
        sb.stop()
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()

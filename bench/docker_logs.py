"""Benchmark: N containers each logging R lines a second, all followed at
once by one `snowdeck logs --local --follow` process, through a private
Podman engine (tests/docker/podman_env.py).

Reports the CPU and RSS of snowdeck and whether any line was lost: every
container prints "seq <n>" with n counting up from 1. Beside snowdeck, one
curl per container follows the same endpoint raw, as the referee: a gap
in snowdeck's numbers that the raw stream fills is a line snowdeck lost
(the run fails); a gap in both is the engine's (reported apart; Podman's
k8s-file follower is known to drop lines under load). After the producers
are frozen snowdeck must catch up with the raw followers.
Then, optionally, idle figures while watching the same project
(`snowdeck get containers --watch`) beside lazydocker on the same socket
when a lazydocker binary is given (LAZYDOCKER=path).

Environment: BENCH_CONTAINERS (50), BENCH_RATE (100 lines/s),
BENCH_SECONDS (30), SNOWDECK_BIN.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "docker"))
from podman_env import Podman  # noqa: E402

BIN = os.environ.get("SNOWDECK_BIN", os.path.join(ROOT, "snowdeck"))
N = int(os.environ.get("BENCH_CONTAINERS", "50"))
RATE = int(os.environ.get("BENCH_RATE", "100"))
SECS = int(os.environ.get("BENCH_SECONDS", "30"))
PROJECT = f"bench{os.getpid()}"
TICK = os.sysconf("SC_CLK_TCK")


def proc_cpu(pid):
    with open(f"/proc/{pid}/stat") as f:
        parts = f.read().rsplit(")", 1)[1].split()
    return (int(parts[11]) + int(parts[12])) / TICK


def proc_mem(pid):
    rss = hwm = 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
            elif line.startswith("VmHWM:"):
                hwm = int(line.split()[1])
    return rss, hwm


def tree_pids(pid):
    """pid and its descendants (lazydocker runs under tmux)."""
    out = [pid]
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            with open(f"/proc/{p}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except OSError:
            continue
        if ppid == pid:
            out += tree_pids(int(p))
    return out


def main():
    # A burst of RATE lines each second: one sleep (one fork) a second
    # keeps the producers cheap; echo and [ are shell built-ins.
    script = ("trap 'exit 0' TERM; n=0; while :; do j=0; "
              f"while [ $j -lt {RATE} ]; do n=$((n+1)); "
              "echo \"seq $n\"; j=$((j+1)); done; sleep 1; done")
    p = Podman()
    sd = None
    raws = {}
    try:
        p.start()
        t0 = time.time()
        for i in range(N):
            p.run(f"{PROJECT}-c{i:02d}", PROJECT, f"c{i:02d}", script)
        print(f"bench: {N} containers started in {time.time() - t0:.1f}s",
              flush=True)
        env = dict(os.environ, DOCKER_HOST="unix://" + p.sock,
                   SNOWDECK_AUDIT=os.path.join(p.dir, "audit.jsonl"))
        # A raw follower per container (curl, no parsing) is the referee:
        # a line missing from snowdeck but present in the engine's own
        # stream is snowdeck's loss; missing from both is the engine's.
        for i in range(N):
            name = f"{PROJECT}-c{i:02d}"
            raws[name] = subprocess.Popen(
                ["curl", "-sN", "--unix-socket", p.sock,
                 f"http://d/v1.41/containers/{name}/logs?follow=1&stdout=1"
                 "&tail=0"], stdout=open(os.path.join(p.dir, name + ".raw"),
                                         "wb"))
        sd = subprocess.Popen([BIN, "logs", "--local", "--follow",
                               "--tail", "0", "--compose-project", PROJECT],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              env=env, text=True, bufsize=1 << 20)
        seen = {}
        gaps = {"n": 0, "examples": [], "all": []}
        lines = {"n": 0}
        pat = re.compile(r"^(\S+)\s+\| seq (\d+)$")

        def reader():
            for line in sd.stdout:
                m = pat.match(line.rstrip("\n"))
                if not m:
                    continue
                name, n = m.group(1), int(m.group(2))
                lines["n"] += 1
                last = seen.get(name)
                if last is not None and n != last + 1:
                    gaps["n"] += 1
                    gaps["all"].append((name, last, n))
                    if len(gaps["examples"]) < 5:
                        gaps["examples"].append((name, last, n))
                seen[name] = n

        th = threading.Thread(target=reader, daemon=True)
        th.start()
        time.sleep(3)  # warm-up: every stream connected
        c0, l0, w0 = proc_cpu(sd.pid), lines["n"], time.time()
        g0 = gaps["n"]
        peak = 0
        while time.time() - w0 < SECS:
            time.sleep(1)
            peak = max(peak, proc_mem(sd.pid)[0])
        c1, l1, w1 = proc_cpu(sd.pid), lines["n"], time.time()
        window_gaps = gaps["n"] - g0
        rss, hwm = proc_mem(sd.pid)
        # Freeze the producers; snowdeck must catch up with the raw
        # followers (both read the same engine).
        p.podman("pause", "-a", check=False)
        time.sleep(2)
        raw_seqs = {}

        def raw_read():
            for name, rp in raws.items():
                with open(os.path.join(p.dir, name + ".raw"), "rb") as f:
                    raw_seqs[name] = [int(x) for x in
                                      re.findall(rb"seq (\d+)", f.read())]

        d0 = time.time()
        while True:
            raw_read()
            behind = [(n, seen.get(n, -1), v[-1]) for n, v in
                      raw_seqs.items() if v and seen.get(n, -1) < v[-1]]
            if not behind or time.time() - d0 > 20:
                break
            time.sleep(0.2)
        drain = time.time() - d0
        sd.send_signal(signal.SIGINT)
        sd.wait(30)
        for rp in raws.values():
            rp.terminate()
            rp.wait()
        raw_read()
        ours = 0
        engine = 0
        for name, last, n in gaps["all"]:
            have = set(raw_seqs.get(name, []))
            if any(k in have for k in range(last + 1, n)):
                ours += 1
            else:
                engine += 1
        raw_gaps = sum(1 for v in raw_seqs.values()
                       for a, b in zip(v, v[1:]) if b != a + 1)
        p.podman("unpause", "-a", check=False)
        secs = w1 - w0
        result = {
            "containers": N,
            "target_rate_per_container": RATE,
            "seconds": round(secs, 1),
            "lines_per_s": round((l1 - l0) / secs),
            "snowdeck_cpu_percent": round(100 * (c1 - c0) / secs, 1),
            "snowdeck_rss_kib": rss,
            "snowdeck_peak_rss_kib": max(peak, hwm),
            "gaps_in_window": window_gaps,
            "gaps_snowdeck_lost": ours,
            "gaps_engine_stream_too": engine,
            "gaps_in_raw_followers": raw_gaps,
            "gap_examples": gaps["examples"],
            "catch_up_seconds": round(drain, 2),
            "containers_not_caught_up": len(behind),
            "lag_examples": behind[:5],
        }
        lost = len(behind) + ours
        lazy = os.environ.get("LAZYDOCKER")
        if lazy:
            result["idle"] = idle_compare(p, env, lazy)
        print(json.dumps(result, indent=1))
        ok = lost == 0
        print("bench: " + ("no line lost" if ok else "LINES LOST"),
              flush=True)
        return 0 if ok else 1
    finally:
        for rp in raws.values():
            if rp.poll() is None:
                rp.kill()
                rp.wait()
        if sd is not None and sd.poll() is None:
            sd.send_signal(signal.SIGINT)
            try:
                sd.wait(20)
            except subprocess.TimeoutExpired:
                sd.kill()
        p.close()


def idle_compare(p, env, lazy):
    """snowdeck --watch and lazydocker side by side, same socket."""
    sock = f"sdbench{os.getpid()}"
    w = subprocess.Popen([BIN, "get", "containers", "--local", "--watch",
                          "--compose-project", PROJECT],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         env=env)
    subprocess.run(["tmux", "-L", sock, "new-session", "-d", "-x", "200",
                    "-y", "50", f"DOCKER_HOST=unix://{p.sock} {lazy}"],
                   check=True)
    try:
        time.sleep(10)
        pane = int(subprocess.run(["tmux", "-L", sock, "display", "-p",
                                   "#{pane_pid}"], capture_output=True,
                                  text=True).stdout.strip())
        lz = tree_pids(pane)
        a0 = proc_cpu(w.pid)
        b0 = sum(proc_cpu(x) for x in lz)
        t0 = time.time()
        time.sleep(20)
        secs = time.time() - t0
        a1 = proc_cpu(w.pid)
        b1 = sum(proc_cpu(x) for x in lz)
        return {
            "snowdeck_watch_cpu_percent": round(100 * (a1 - a0) / secs, 2),
            "snowdeck_watch_rss_kib": proc_mem(w.pid)[0],
            "lazydocker_cpu_percent": round(100 * (b1 - b0) / secs, 2),
            "lazydocker_rss_kib": sum(proc_mem(x)[0] for x in lz),
        }
    finally:
        w.send_signal(signal.SIGINT)
        w.wait(20)
        subprocess.run(["tmux", "-L", sock, "kill-server"], check=False)


if __name__ == "__main__":
    sys.exit(main())

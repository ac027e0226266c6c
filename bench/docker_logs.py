"""Benchmark: N containers each logging R lines a second, all followed at
once by one `snowdeck logs --local --follow` process, through a private
Podman engine (tests/docker/podman_env.py).

Reports the CPU and RSS of snowdeck and whether any line was lost: every
container prints "seq <n>" with n counting up from 1; per container the
numbers snowdeck printed must be contiguous, and after the producers are
frozen the last number snowdeck printed must equal the container's own.
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
    per_tick = max(1, RATE // 10)
    script = ("trap 'exit 0' TERM; n=0; while :; do j=0; "
              f"while [ $j -lt {per_tick} ]; do n=$((n+1)); "
              "echo \"seq $n\"; j=$((j+1)); done; sleep 0.1; done")
    p = Podman()
    sd = None
    try:
        p.start()
        t0 = time.time()
        for i in range(N):
            p.run(f"{PROJECT}-c{i:02d}", PROJECT, f"c{i:02d}", script)
        print(f"bench: {N} containers started in {time.time() - t0:.1f}s",
              flush=True)
        env = dict(os.environ, DOCKER_HOST="unix://" + p.sock,
                   SNOWDECK_AUDIT=os.path.join(p.dir, "audit.jsonl"))
        sd = subprocess.Popen([BIN, "logs", "--local", "--follow",
                               "--tail", "0", "--compose-project", PROJECT],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              env=env, text=True, bufsize=1 << 20)
        seen = {}
        gaps = {"n": 0, "examples": []}
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
        # Freeze the producers; snowdeck must catch up with every one.
        p.podman("pause", "-a", check=False)
        want = {}
        for i in range(N):
            name = f"{PROJECT}-c{i:02d}"
            st, body = p.api("GET", f"/v1.41/containers/{name}/logs"
                             "?stdout=1&tail=1")
            m = re.search(rb"seq (\d+)", body if isinstance(body, bytes)
                          else b"")
            want[name] = int(m.group(1)) if m else -1
        d0 = time.time()
        while time.time() - d0 < 20:
            if all(seen.get(n, -1) == w for n, w in want.items()):
                break
            time.sleep(0.1)
        drain = time.time() - d0
        behind = [(n, seen.get(n, -1), w) for n, w in want.items()
                  if seen.get(n, -1) != w]
        sd.send_signal(signal.SIGINT)
        sd.wait(30)
        # Is a missing line in the engine's own log? Then the stream lost it.
        in_engine = 0
        for name, last, n in gaps["examples"]:
            st, body = p.api("GET", f"/v1.41/containers/{name}/logs"
                             "?stdout=1")
            have = set(int(x) for x in re.findall(
                rb"seq (\d+)", body if isinstance(body, bytes) else b""))
            if any(k in have for k in range(last + 1, n)):
                in_engine += 1
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
            "sequence_gaps": window_gaps,
            "gap_examples": gaps["examples"],
            "gaps_present_in_engine_log": in_engine,
            "catch_up_seconds": round(drain, 2),
            "containers_not_caught_up": len(behind),
            "lag_examples": behind[:5],
        }
        lost = len(behind)
        lazy = os.environ.get("LAZYDOCKER")
        if lazy:
            result["idle"] = idle_compare(p, env, lazy)
        print(json.dumps(result, indent=1))
        ok = window_gaps == 0 and lost == 0
        print("bench: " + ("no line lost" if ok else "LINES LOST"),
              flush=True)
        return 0 if ok else 1
    finally:
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

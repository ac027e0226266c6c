"""Drives the snowdeck console in a detached tmux and measures it.

  python3 tui_probe.py --bin BIN --url URL --sock NAME --proxy-log FILE
                       --dags N --runs N --idle SECONDS --out FILE.json

Starts BIN (exec'd as the pane's process, so the pane pid is snowdeck's)
in a 200x50 tmux on its own -L socket, with SNOWDECK_TIMINGS pointing at a
file. Measures, with real tools: the first frame and the moment every pane
shows its data (from the console's own timing lines when it writes them,
and independently by polling tmux capture-pane every 10 ms); then, with no
input for SECONDS, CPU time (utime+stime from /proc/PID/stat), wake-ups
(voluntary+involuntary context switches of every thread, from
/proc/PID/task/*/status) and the bytes and requests that crossed the
counting proxy (bench/countproxy.py log), grouped into refresh cycles;
then scrolling: PageDown through every run of the runs pane, in bursts of
100 keys, with CPU time per key and, when the hook is present, the frame
times; peak RSS (VmHWM) at the end. Writes one JSON document.
"""
import argparse
import json
import os
import re
import shlex
import subprocess
import sys
import time

TICK = os.sysconf("SC_CLK_TCK")


def tmux(sock, *args, check=True):
    return subprocess.run(["tmux", "-L", sock, "-f", "/dev/null"] + list(args),
                          capture_output=True, text=True, check=check)


def screen(sock):
    return tmux(sock, "capture-pane", "-p", "-t", "bench", check=False).stdout


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        rest = f.read().rsplit(")", 1)[1].split()
    return int(rest[11]) + int(rest[12])  # utime, stime (fields 14, 15)


def ctxt(pid):
    vol = invol = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/status") as f:
                for line in f:
                    if line.startswith("voluntary_ctxt_switches"):
                        vol += int(line.split()[1])
                    elif line.startswith("nonvoluntary_ctxt_switches"):
                        invol += int(line.split()[1])
        except FileNotFoundError:
            pass
    return vol, invol


def status(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])  # kB
    return None


def threads(pid):
    return len(os.listdir(f"/proc/{pid}/task"))


def timings(path):
    """The console's hook lines: {'first_frame_ms': [..], 'all_panes_ms': [..], 'frame_us': [..]}."""
    out = {"first_frame_ms": [], "all_panes_ms": [], "frame_us": []}
    try:
        with open(path, encoding="ascii", errors="replace") as f:
            for line in f:
                parts = line.split()
                if len(parts) == 2 and parts[0] in out:
                    try:
                        out[parts[0]].append(float(parts[1]))
                    except ValueError:
                        pass
    except FileNotFoundError:
        pass
    return out


def proxy_window(path, t0, t1, gap=0.5):
    """Bytes and requests through the proxy in [t0, t1], and refresh cycles
    (bursts of requests separated by more than gap seconds)."""
    up = down = reqs = 0
    starts = []
    with open(path, encoding="ascii") as f:
        for line in f:
            t, d, n, s = line.split()
            t = float(t)
            if t0 <= t <= t1:
                if d == "up":
                    up += int(n)
                else:
                    down += int(n)
                if s == "1":
                    reqs += 1
                    starts.append(t)
    cycles = 0
    last = None
    for t in starts:
        if last is None or t - last > gap:
            cycles += 1
        last = t
    return {"up": up, "down": down, "requests": reqs, "cycles": cycles}


def pct(values, p):
    if not values:
        return None
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))]


def main():
    ap = argparse.ArgumentParser()
    for a in ("--bin", "--url", "--sock", "--proxy-log", "--out", "--workdir"):
        ap.add_argument(a, required=True)
    ap.add_argument("--dags", type=int, required=True)
    ap.add_argument("--runs", type=int, required=True)
    ap.add_argument("--idle", type=int, default=60)
    ap.add_argument("--load-timeout", type=int, default=600)
    a = ap.parse_args()

    res = {"cols": 200, "rows": 50}
    tfile = os.path.join(a.workdir, "timings.txt")
    home = os.path.join(a.workdir, "home")
    os.makedirs(home, exist_ok=True)
    env = {"HOME": home, "TERM": "xterm-256color", "SNOWDECK_AIRFLOW_URL": a.url,
           "SNOWDECK_AIRFLOW_USERNAME": "admin", "SNOWDECK_AIRFLOW_PASSWORD": "admin",
           "SNOWDECK_AUDIT": os.path.join(a.workdir, "tui-audit.jsonl"),
           "SNOWDECK_TIMINGS": tfile, "LANG": "C.UTF-8"}
    cmd = "exec env " + " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items()) + " " + shlex.quote(a.bin)
    tmux(a.sock, "kill-server", check=False)
    t0 = time.monotonic()
    tmux(a.sock, "new-session", "-d", "-s", "bench", "-x", "200", "-y", "50", cmd)
    pid = int(tmux(a.sock, "display-message", "-p", "-t", "bench", "#{pane_pid}").stdout.strip())
    res["pid"] = pid

    # ---- first frame and full load, by polling the screen every 10 ms.
    want_dags = f"DAGs ({a.dags})"
    want_runs = f"Runs ({a.runs})"
    first = loaded = None
    deadline = t0 + a.load_timeout
    s = ""
    while time.monotonic() < deadline:
        s = screen(a.sock)
        now = time.monotonic()
        if first is None and "DAGs" in s:
            first = now
        if want_dags in s and want_runs in s:
            loaded = now
            break
        if not os.path.exists(f"/proc/{pid}"):
            sys.exit(f"tui_probe: snowdeck exited during the load; last screen:\n{s}")
        time.sleep(0.01)
    if loaded is None:
        sys.exit(f"tui_probe: the panes did not show {want_dags} and {want_runs} within "
                 f"{a.load_timeout} s; last screen:\n{s}")
    res["first_frame_poll_ms"] = round((first - t0) * 1000, 1)
    res["all_loaded_poll_ms"] = round((loaded - t0) * 1000, 1)
    m = re.search(r"Tasks \((\d+)\)", s)
    res["tasks_pane_rows_at_load"] = int(m.group(1)) if m else None
    with open(os.path.join(a.workdir, "screen-loaded.txt"), "w") as f:
        f.write(s)

    # ---- idle window.
    time.sleep(5)
    c0, x0, w0, n0 = cpu_ticks(pid), ctxt(pid), time.time(), len(timings(tfile)["frame_us"])
    time.sleep(a.idle)
    c1, x1, w1, n1 = cpu_ticks(pid), ctxt(pid), time.time(), len(timings(tfile)["frame_us"])
    secs = w1 - w0
    res["idle_seconds"] = round(secs, 1)
    res["idle_cpu_pct"] = round((c1 - c0) / TICK / secs * 100, 3)
    res["idle_cpu_ticks"] = c1 - c0
    res["idle_wakeups_per_s"] = round(((x1[0] - x0[0]) + (x1[1] - x0[1])) / secs, 2)
    res["idle_voluntary_per_s"] = round((x1[0] - x0[0]) / secs, 2)
    res["threads"] = threads(pid)
    res["idle_frames"] = n1 - n0
    win = proxy_window(a.proxy_log, w0, w1)
    res["idle_proxy"] = win
    cyc = max(win["cycles"], 1)
    res["bytes_per_cycle_down"] = round(win["down"] / cyc)
    res["bytes_per_cycle_up"] = round(win["up"] / cyc)
    res["requests_per_cycle"] = round(win["requests"] / cyc, 2)
    res["rss_after_idle_kb"] = status(pid, "VmRSS")

    # ---- scrolling through every run.
    tmux(a.sock, "send-keys", "-t", "bench", "2")
    time.sleep(0.5)
    nframes0 = len(timings(tfile)["frame_us"])
    c0, t_s0 = cpu_ticks(pid), time.monotonic()
    keys = 0
    per_page = 40  # fewer rows than the pane has: overshoot rather than stop short
    bursts = a.runs // per_page // 100 + 1
    for _ in range(bursts):
        tmux(a.sock, "send-keys", "-t", "bench", "-N", "100", "PageDown")
        keys += 100
        time.sleep(0.05)
    # Then jumps end to end.
    for _ in range(20):
        tmux(a.sock, "send-keys", "-t", "bench", "g")
        tmux(a.sock, "send-keys", "-t", "bench", "G")
        keys += 2
        time.sleep(0.02)
    time.sleep(1.0)
    c1, t_s1 = cpu_ticks(pid), time.monotonic()
    s = screen(a.sock)
    with open(os.path.join(a.workdir, "screen-scrolled.txt"), "w") as f:
        f.write(s)
    res["scroll_keys"] = keys
    res["scroll_wall_s"] = round(t_s1 - t_s0, 2)
    res["scroll_cpu_ms_per_key"] = round((c1 - c0) / TICK * 1000 / keys, 3)
    frames = timings(tfile)["frame_us"][nframes0:]
    res["scroll_frames"] = len(frames)
    res["scroll_frame_us_p50"] = pct(frames, 50)
    res["scroll_frame_us_p99"] = pct(frames, 99)
    res["scroll_frame_us_max"] = max(frames) if frames else None

    res["peak_rss_kb"] = status(pid, "VmHWM")
    tm = timings(tfile)
    res["hook_present"] = bool(tm["first_frame_ms"] or tm["frame_us"])
    res["first_frame_ms"] = tm["first_frame_ms"][0] if tm["first_frame_ms"] else None
    res["all_panes_ms"] = tm["all_panes_ms"][0] if tm["all_panes_ms"] else None
    allf = tm["frame_us"]
    res["frames_total"] = len(allf)

    # ---- quit; the process must exit by itself.
    tmux(a.sock, "send-keys", "-t", "bench", "q")
    for _ in range(100):
        if not os.path.exists(f"/proc/{pid}") or open(f"/proc/{pid}/stat").read().split(") ")[1][0] == "Z":
            break
        time.sleep(0.1)
    else:
        res["quit"] = "did not exit within 10 s of q"
    tmux(a.sock, "kill-server", check=False)
    with open(a.out, "w") as f:
        json.dump(res, f, indent=1)


if __name__ == "__main__":
    main()

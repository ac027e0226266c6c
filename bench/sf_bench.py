#!/usr/bin/env python3
"""Snowflake client benchmark against the local sandbox (TEST INFRASTRUCTURE).

  bench/sf_bench.py [--rows N] [--files N] [--model-files N] [--no-console]
                    [--partition-rows N] [--parsers-only]

First, without a server: the stage file model with 1,000,000 LIST rows
(bench/sf_model_bench.c) and one large result partition read by the fast
reader and by a cJSON tree (bench/sf_partition_bench.c; --parsers-only
stops there and writes bench/results/sf_parsers_latest.txt).

Starts tests/sandbox/sandbox.sh on a free loopback port, makes an XCom table
of N rows (default 100000) and a stage of N files (default 100000; the issue's
1,000,000 works but takes long to create and for the sandbox to md5), then
runs the headless twins and reports, per run: wall time, the time the first
rows were in hand (the first result partition parsed, seen as the moment
the next partition is asked for, from the sandbox's request log), peak RSS
of the snowdeck process, partitions. The sandbox is Python and dominates
the wall time; the client's own CPU time is reported too. Then `snow stage
list-files` on the same stage (the ratio), and the console in a detached
200x50 tmux: the stage opened, every file loaded, scrolling (frame times
from SNOWDECK_TIMINGS), a filter and a sort (CPU), peak RSS (VmHWM). For
the issue's sizes (--rows 100000 --files 1000000) the lines also go to
bench/results/sf_latest.txt.
"""
import argparse
import json
import os
import re
import shlex
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
    """Runs snowdeck; returns (wall s, user+sys s, peak RSS MB, stdout bytes).

    The peak comes from GNU time's %M, which reads its own child's: the
    rusage wait4 gives for a child of this process counts the mm it was
    forked from (Linux records the old mm's high-water mark at exec), so
    it would report this Python process's RSS (the previous run's output,
    100+ MB) whenever that is the larger. The output is counted, not kept.
    """
    fd, rss_file = tempfile.mkstemp(prefix="sf-bench-rss.")
    os.close(fd)
    t0 = time.monotonic()
    p = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", rss_file, BIN] + args,
                         env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    nout = 0
    while True:
        chunk = p.stdout.read(1 << 20)
        if not chunk:
            break
        nout += len(chunk)
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.monotonic() - t0
    try:
        with open(rss_file) as f:
            rss = int(f.read().split()[-1]) / 1024.0
    finally:
        os.unlink(rss_file)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"snowdeck {' '.join(args)} failed: {err.decode()}")
    return wall, ru.ru_utime + ru.ru_stime, rss, nout


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
    n = len(parts) + 1
    if not parts:
        return None, None, n
    first = min(q["time"] for q in parts)
    # The answer that carried partition 0: the last statement request (the
    # POST, or a poll of its handle after a 202) begun before that. The
    # sandbox notes "done" after its write returns, so the client may ask
    # for partition 1 a hair before: never below 0.
    answers = [q for q in reqs if (q.get("path") or "").startswith("/api/v2/statements")
               and "partition=" not in (q.get("query") or "") and q.get("done")
               and q["time"] <= first]
    after = None
    if answers:
        after = max(0.0, first - max(answers, key=lambda q: q["time"])["done"])
    return first - t_start_wall, after, n


def tmux(sock, *args, check=True):
    return subprocess.run(["tmux", "-L", sock, "-f", "/dev/null"] + list(args),
                          capture_output=True, text=True, check=check)


def proc_kb(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def cpu_s(pid):
    with open(f"/proc/{pid}/stat") as f:
        rest = f.read().rsplit(")", 1)[1].split()
    return (int(rest[11]) + int(rest[12])) / os.sysconf("SC_CLK_TCK")


def frames(path):
    try:
        with open(path) as f:
            return [float(l.split()[1]) for l in f if l.startswith("frame_us ")]
    except FileNotFoundError:
        return []


def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))] if v else float("nan")


def console_bench(env, nfiles, work):
    """The console in a 200x50 tmux: opens the stage, waits for every file,
    scrolls (frame times from SNOWDECK_TIMINGS), filters and sorts (CPU per
    key: the list re-filters in the key handler, not in a frame), and reads
    the peak RSS (VmHWM)."""
    sock = f"sfbench{os.getpid()}"
    tfile = os.path.join(work, "timings.txt")
    e = dict(env, TERM="xterm-256color", LANG="C.UTF-8", SNOWDECK_TIMINGS=tfile,
             SNOWDECK_AIRFLOW_URL="http://127.0.0.1:9")
    keep = ("HOME", "SNOWFLAKE_HOME", "AIRFLOW_CONN_SNOWFLAKE_DEFAULT",
            "AIRFLOW__CORE__XCOM_SNOWFLAKE_TABLE", "SNOWDECK_AUDIT", "TERM", "LANG",
            "SNOWDECK_TIMINGS", "SNOWDECK_AIRFLOW_URL", "PATH")
    cmd = ("exec env -i " + " ".join(f"{k}={shlex.quote(e.get(k, ''))}" for k in keep)
           + " " + shlex.quote(os.path.abspath(BIN)))

    def screen():
        return tmux(sock, "capture-pane", "-p", "-t", "b", check=False).stdout

    def wait(pred, what, timeout=600):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            s = screen()
            if pred(s):
                return s
            time.sleep(0.01)
        raise SystemExit(f"console: no {what} within {timeout} s; screen:\n{screen()}")

    def keys(*k):
        tmux(sock, "send-keys", "-t", "b", *k)

    def settle(pid):
        """Waits until the console stops using CPU (the key was handled)."""
        last = cpu_s(pid)
        while True:
            time.sleep(0.3)
            now = cpu_s(pid)
            if now == last:
                return
            last = now

    res = {}
    tmux(sock, "kill-server", check=False)
    tmux(sock, "new-session", "-d", "-s", "b", "-x", "200", "-y", "50", cmd)
    try:
        pid = int(tmux(sock, "display-message", "-p", "-t", "b", "#{pane_pid}").stdout)
        wait(lambda s: s.strip() != "", "first frame", 30)
        keys(":")
        keys("-l", "stages")
        keys("Enter")
        wait(lambda s: "BENCH_STAGE" in s, "stage list", 60)
        keys("/")
        keys("-l", "BENCH_STAGE")
        keys("Enter")
        time.sleep(0.3)
        res["rss_before_open_mb"] = proc_kb(pid, "VmRSS") / 1024
        t0 = time.monotonic()
        keys("Enter")
        rx = re.compile(r"@DEMO\.XCOM\.BENCH_STAGE (\d+) files")

        def count(s):
            m = rx.search(s)
            return int(m.group(1)) if m else 0
        wait(lambda s: count(s) > 0, "first files")
        res["first_rows_s"] = time.monotonic() - t0
        def done(s):
            cap = [l for l in s.splitlines() if rx.search(l)]
            return count(s) >= nfiles and cap and "loading" not in cap[0]
        s = wait(done, "every file")
        res["all_rows_s"] = time.monotonic() - t0
        res["files_shown"] = count(s)
        settle(pid)
        res["rss_loaded_mb"] = proc_kb(pid, "VmRSS") / 1024
        # Scrolling: 200 j and 100 PageDown, one at a time (a repaint
        # each; keys sent at once would be coalesced into one frame).
        n0 = len(frames(tfile))
        c0 = cpu_s(pid)
        for k in ["j"] * 200 + ["NPage"] * 100:
            keys(k)
            time.sleep(0.005)
        settle(pid)
        fr = frames(tfile)[n0:]
        res["scroll_frames"] = len(fr)
        res["scroll_p50_ms"] = pct(fr, 50) / 1000
        res["scroll_p99_ms"] = pct(fr, 99) / 1000
        res["scroll_cpu_per_key_ms"] = (cpu_s(pid) - c0) / 300 * 1000
        # Filtering (every file's cells matched once) and its frames.
        n0 = len(frames(tfile))
        c0 = cpu_s(pid)
        keys("/")
        keys("-l", "task_3")
        keys("Enter")
        settle(pid)
        res["filter_cpu_s"] = cpu_s(pid) - c0
        m = re.search(r"\((\d+)/(\d+) /task_3", screen())
        res["filter_shown"] = int(m.group(1)) if m else None
        n0 = len(frames(tfile))
        for k in ["j"] * 100 + ["NPage"] * 50:
            keys(k)
            time.sleep(0.005)
        settle(pid)
        fr = frames(tfile)[n0:]
        res["filter_frames"] = len(fr)
        res["filter_p50_ms"] = pct(fr, 50) / 1000
        res["filter_p99_ms"] = pct(fr, 99) / 1000
        keys("Escape")
        settle(pid)
        # Sorting by the first column (the path: every name compared).
        c0 = cpu_s(pid)
        keys(">")
        settle(pid)
        res["sort_cpu_s"] = cpu_s(pid) - c0
        res["peak_rss_mb"] = proc_kb(pid, "VmHWM") / 1024
        res["rss_end_mb"] = proc_kb(pid, "VmRSS") / 1024
    finally:
        tmux(sock, "kill-server", check=False)
    return res


def c_bench(name, n):
    """Builds and runs bench/<name>.c against build/release's library."""
    subprocess.run(["make", "-C", ROOT, "-s", "build/release/libsnowdeck.a"], check=True)
    lib = os.path.join(ROOT, "build", "release", "libsnowdeck.a")
    out = os.path.join(tempfile.gettempdir(), f"{name}.{os.getpid()}")
    flags = subprocess.run(["pkg-config", "--cflags", "--libs", "ncursesw",
                            "libcurl", "libcjson", "libuv", "openssl"],
                           check=True, capture_output=True, text=True).stdout.split()
    subprocess.run(["cc", "-O2", "-I" + os.path.join(ROOT, "include"),
                    os.path.join(ROOT, "bench", name + ".c"), lib]
                   + flags + ["-lm", "-o", out], check=True)
    try:
        return subprocess.run([out, str(n)], check=True, capture_output=True,
                              text=True).stdout.strip()
    finally:
        os.unlink(out)


def model_bench(n):
    """The stage file model alone (bench/sf_model_bench.c)."""
    return c_bench("sf_model_bench", n)


def partition_bench(n):
    """One large result partition, fast reader against cJSON tree
    (bench/sf_partition_bench.c)."""
    return c_bench("sf_partition_bench", n)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100000)
    ap.add_argument("--files", type=int, default=100000)
    ap.add_argument("--model-files", type=int, default=1000000)
    ap.add_argument("--no-console", action="store_true",
                    help="skip the console (tmux) measurements")
    ap.add_argument("--partition-rows", type=int, default=200000)
    ap.add_argument("--parsers-only", action="store_true",
                    help="only the model and partition benchmarks (no server)")
    a = ap.parse_args()
    if not os.access("/usr/bin/time", os.X_OK):
        raise SystemExit("sf_bench: needs GNU time (/usr/bin/time; Debian package time)")
    lines = []

    def say(line):
        print(line, flush=True)
        lines.append(line)
    say(model_bench(a.model_files))
    say(partition_bench(a.partition_rows))
    if a.parsers_only:
        with open(os.path.join(ROOT, "bench", "results", "sf_parsers_latest.txt"), "w") as f:
            f.write("\n".join(lines) + "\n")
        return
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
        say(f"setup: {a.rows} rows, {a.files} files "
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
            say(f"{label:20s} wall {wall:6.2f} s  first rows {first_s:>18s}  "
                  f"client cpu {cpu:5.2f} s  peak RSS {rss:6.1f} MB  "
                  f"partitions {nparts}  output {out / 1e6:.1f} MB")
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
            say(f"snow stage list-files failed: {cp.stderr[-500:]}")
        else:
            n = len(json.loads(cp.stdout))
            say(f"snow stage list-files wall {snow_wall:6.2f} s ({n} files); "
                f"snowdeck get files / snow: {rest_wall / snow_wall:.2f} "
                f"(REST), {list_wall / snow_wall:.2f} (LIST)")

        if not a.no_console:
            ctl(url, "POST", "/_sandbox/reset")
            c = console_bench(env, a.files, state)
            say(f"console (REST)       first rows {c['first_rows_s']:.2f} s after Enter, "
                f"all {c['files_shown']} rows {c['all_rows_s']:.2f} s; RSS before the stage "
                f"{c['rss_before_open_mb']:.1f} MB, loaded {c['rss_loaded_mb']:.1f} MB, "
                f"peak {c['peak_rss_mb']:.1f} MB (after scroll, filter and sort)")
            say(f"console frames       scrolling {c['scroll_frames']} frames p50 "
                f"{c['scroll_p50_ms']:.2f} / p99 {c['scroll_p99_ms']:.2f} ms "
                f"(cpu {c['scroll_cpu_per_key_ms']:.2f} ms per key); filtered "
                f"({c['filter_shown']} rows) {c['filter_frames']} frames p50 "
                f"{c['filter_p50_ms']:.2f} / p99 {c['filter_p99_ms']:.2f} ms; "
                f"applying the filter {c['filter_cpu_s']:.2f} s cpu, a sort "
                f"{c['sort_cpu_s']:.2f} s cpu")
    finally:
        subprocess.run([SANDBOX, "stop", state], check=False)
        shutil.rmtree(state, ignore_errors=True)
        shutil.rmtree(home, ignore_errors=True)
    # Only the sizes replace the committed sample.
    if a.rows == 100000 and a.files == 1000000 and a.model_files == 1000000:
        with open(os.path.join(ROOT, "bench", "results", "sf_latest.txt"), "w") as f:
            f.write(f"snowdeck Snowflake benchmark (bench/sf_bench.py), "
                    f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}\n"
                    f"binary {BIN}; local sandbox (tests/sandbox/, Python); "
                    f"{os.uname().machine}, {os.cpu_count()} CPUs, load average "
                    f"{os.getloadavg()[0]:.1f} at the end\n\n")
            f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.exit(main())

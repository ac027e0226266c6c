"""Prints the figures table of a bench/run.sh run.

  python3 report.py WORKDIR BIN AIRFLOW_VERSION NDAGS NRUNS FILL_SECONDS
"""
import json
import os
import platform
import subprocess
import sys
import time

w, binary, afv, ndags, nruns, fill_s = sys.argv[1:7]
tui = json.load(open(os.path.join(w, "tui.json")))
hf = json.load(open(os.path.join(w, "hyperfine.json")))["results"]
NA = "n/a (timing hook not present)"


def ms(v):
    return "n/a" if v is None else f"{v:.1f} ms"


def verdict(ok):
    return "PASS" if ok else "FAIL"


rows = []


def row(what, value, target="", ok=None):
    rows.append((what, value, target, "" if ok is None else verdict(ok)))


hook = tui["hook_present"]
ff = tui["first_frame_ms"]
row("time to first frame (console hook)", ms(ff) if ff is not None else NA, "< 50 ms",
    None if ff is None else ff < 50)
row("time to first frame (tmux screen poll, upper bound)", ms(tui["first_frame_poll_ms"]), "< 50 ms",
    tui["first_frame_poll_ms"] < 50)
ap = tui["all_panes_ms"]
row("time until all panes show data (console hook)", ms(ap) if ap is not None else NA)
row(f"time until DAGs ({ndags}) and Runs ({nruns}) fully loaded (screen poll)",
    ms(tui["all_loaded_poll_ms"]))
rss_mb = tui["peak_rss_kb"] / 1024
row("peak RSS (VmHWM, after load, idle and scroll)", f"{rss_mb:.1f} MB", "< 30 MB", rss_mb < 30)
row(f"CPU over {tui['idle_seconds']:.0f} idle s (utime+stime)", f"{tui['idle_cpu_pct']:.3f} %", "< 0.5 %",
    tui["idle_cpu_pct"] < 0.5)
row("wake-ups per second, idle (voluntary context switches, all threads)",
    f"{tui['idle_voluntary_per_s']:.2f} /s ({tui['threads']} threads; with preemptions "
    f"{tui['idle_wakeups_per_s']:.2f} /s)")
p = tui["idle_proxy"]
row("bytes per refresh cycle, idle (counting proxy)",
    f"{tui['bytes_per_cycle_down']} B down, {tui['bytes_per_cycle_up']} B up, "
    f"{tui['requests_per_cycle']} requests ({p['cycles']} cycles, {p['requests']} requests in the window)")
row("frames painted while idle (console hook)", str(tui["idle_frames"]) if hook else NA)
if tui["scroll_frames"]:
    row(f"scroll frame time over {tui['scroll_frames']} frames (p50 / p99 / max)",
        f"{tui['scroll_frame_us_p50'] / 1000:.2f} / {tui['scroll_frame_us_p99'] / 1000:.2f} / "
        f"{tui['scroll_frame_us_max'] / 1000:.2f} ms", "< 5 ms", tui["scroll_frame_us_max"] < 5000)
else:
    row("scroll frame time (console hook)", NA, "< 5 ms")
row(f"CPU per scroll key ({tui['scroll_keys']} PageDown/g/G keys through {nruns} runs)",
    f"{tui['scroll_cpu_ms_per_key']:.3f} ms", "(upper bound of the frame cost)")

base = hf[0]["mean"]
cmp_rows = []
for r in hf:
    cmp_rows.append((r["command"], f"{r['mean'] * 1000:.1f} ms ± {r['stddev'] * 1000:.1f}",
                     f"{r['min'] * 1000:.1f} ms", f"{r['mean'] / base:.2f}x"))

out = []
out.append(f"snowdeck benchmark, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
out.append(f"binary {binary}; Airflow {afv} (real, SQLite, api-server only) filled with {ndags} DAGs "
           f"and {nruns} DAG runs (fill or cached copy: {fill_s} s); console measured against a replay "
           f"of that server's recorded answers through a counting proxy; "
           f"{platform.machine()}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end")
try:
    crashes = int(open(os.path.join(w, "api-crashes")).read())
except (OSError, ValueError):
    crashes = 0
if crashes:
    out.append(f"note: the real api-server crashed {crashes} time(s) while its answers were recorded "
               "(segfault in libpython; restarted, recording resumed)")
out.append("")
w1 = max(len(r[0]) for r in rows)
w2 = max(len(r[1]) for r in rows)
w3 = max(len(r[2]) for r in rows)
out.append(f"{'figure':<{w1}}  {'value':<{w2}}  {'target':<{w3}}  verdict")
for r in rows:
    out.append(f"{r[0]:<{w1}}  {r[1]:<{w2}}  {r[2]:<{w3}}  {r[3]}".rstrip())
out.append("")
out.append("listing one DAG's runs on the same real server (hyperfine, mean of "
           f"{hf[0].get('times') and len(hf[0]['times'])} runs; ratio to snowdeck):")
c1 = max(len(r[0]) for r in cmp_rows)
for r in cmp_rows:
    out.append(f"  {r[0]:<{c1}}  {r[1]:>20}  min {r[2]:>10}  {r[3]:>7}")
print("\n".join(out))

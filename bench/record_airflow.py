"""Records a real Airflow 3's /api/v2 answers for snowdeck's replay server.

  python3 record_airflow.py URL OUTDIR

Logs in as admin/admin and saves, exactly as the server serialised them:
version.json, health.json, dags.json (every DAG, order_by=dag_id),
runs.json (every DAG run of every DAG, order_by=-run_after) and tis.json
(every task instance). Pages of 100, the server's default maximum and what
the console asks for: bigger pages (2,500 or 10,000 runs, with
AIRFLOW__API__MAXIMUM_PAGE_LIMIT raised) made 3.2.2's api-server worker
segfault in libpython on the second such request on this machine. The runs
are fetched DAG by DAG (4 requests in flight: deep offsets across all DAGs
cost the server seconds per page), merged newest first, and checked: the
count against total_entries of /dags/~/dagRuns, the order against that
endpoint's own first page, no duplicates. Anything short fails loudly.
Each DAG's runs are saved under OUTDIR/partial/ as they arrive, so a rerun
after a server crash resumes where it stopped (bench/run.sh restarts the
api-server and reruns this; 3.2.2's api-server has segfaulted here after a
few hundred requests).
"""
import json
import os
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

PAGE = 100


def main(url, out):
    def call(path, method="GET", body=None, token=None):
        req = urllib.request.Request(url + path, method=method,
                                     data=None if body is None else json.dumps(body).encode())
        req.add_header("Accept", "application/json")
        if body is not None:
            req.add_header("Content-Type", "application/json")
        if token:
            req.add_header("Authorization", "Bearer " + token)
        with urllib.request.urlopen(req, timeout=600) as r:
            return json.load(r)

    token = call("/auth/token", "POST", {"username": "admin", "password": "admin"})["access_token"]

    def listing(path, key, order):
        items, offset, total = [], 0, None
        while total is None or offset < total:
            q = f"limit={PAGE}&offset={offset}" + (f"&order_by={order}" if order else "")
            page = call(f"{path}?{q}", token=token)
            total = page["total_entries"]
            if not page[key] and offset < total:
                sys.exit(f"record: {path} returned an empty page at offset {offset} of {total}")
            items.extend(page[key])
            offset += len(page[key])
        if len(items) != total:
            sys.exit(f"record: {path}: got {len(items)} of {total}")
        return items

    t0 = time.time()
    os.makedirs(out, exist_ok=True)
    docs = {
        "version": call("/api/v2/version", token=token),
        "health": call("/api/v2/monitor/health", token=token),
        "dags": listing("/api/v2/dags", "dags", "dag_id"),
        "tis": listing("/api/v2/dags/~/dagRuns/~/taskInstances", "task_instances", None),
    }
    partial = os.path.join(out, "partial")
    os.makedirs(partial, exist_ok=True)

    def dag_runs(dag):
        path = os.path.join(partial, dag["dag_id"] + ".json")
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                return json.load(f)
        rs = listing(f"/api/v2/dags/{dag['dag_id']}/dagRuns", "dag_runs", "-run_after")
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            json.dump(rs, f)
        os.replace(path + ".tmp", path)
        return rs

    with ThreadPoolExecutor(2) as pool:
        runs = [r for rs in pool.map(dag_runs, docs["dags"]) for r in rs]
    runs.sort(key=lambda r: r["run_after"], reverse=True)
    docs["runs"] = runs
    first = call("/api/v2/dags/~/dagRuns?limit=100&order_by=-run_after", token=token)
    if first["total_entries"] != len(runs):
        sys.exit(f"record: {len(runs)} runs recorded, the server lists {first['total_entries']}")
    if first["dag_runs"] != runs[:len(first["dag_runs"])]:
        sys.exit("record: the merged runs differ from the server's own first page of all runs")
    ids = {(r["dag_id"], r["dag_run_id"]) for r in runs}
    if len(ids) != len(runs):
        sys.exit("record: duplicate runs across pages")
    for name, doc in docs.items():
        with open(os.path.join(out, name + ".json"), "w", encoding="utf-8") as f:
            json.dump(doc, f, separators=(",", ":"), ensure_ascii=False)
    for f in os.listdir(partial):
        os.remove(os.path.join(partial, f))
    os.rmdir(partial)
    print(f"record: {len(docs['dags'])} DAGs, {len(docs['runs'])} runs, {len(docs['tis'])} "
          f"task instances in {time.time() - t0:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1].rstrip("/"), sys.argv[2])

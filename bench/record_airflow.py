"""Records a real Airflow 3's /api/v2 answers for snowdeck's replay server.

  python3 record_airflow.py URL OUTDIR

Logs in as admin/admin and saves, exactly as the server serialised them:
version.json, health.json, dags.json (every DAG, order_by=dag_id),
runs.json (every DAG run of every DAG, order_by=-run_after) and tis.json
(every task instance). The server must allow big pages
(AIRFLOW__API__MAXIMUM_PAGE_LIMIT); lists are fetched in pages of 10,000
and checked against total_entries, so a short or duplicated recording
fails loudly.
"""
import json
import os
import sys
import time
import urllib.request

PAGE = 10000


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
        "runs": listing("/api/v2/dags/~/dagRuns", "dag_runs", "-run_after"),
        "tis": listing("/api/v2/dags/~/dagRuns/~/taskInstances", "task_instances", None),
    }
    ids = {(r["dag_id"], r["dag_run_id"]) for r in docs["runs"]}
    if len(ids) != len(docs["runs"]):
        sys.exit("record: duplicate runs across pages")
    for name, doc in docs.items():
        with open(os.path.join(out, name + ".json"), "w", encoding="utf-8") as f:
            json.dump(doc, f, separators=(",", ":"), ensure_ascii=False)
    print(f"record: {len(docs['dags'])} DAGs, {len(docs['runs'])} runs, {len(docs['tis'])} "
          f"task instances in {time.time() - t0:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1].rstrip("/"), sys.argv[2])

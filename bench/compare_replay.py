"""Checks that the replay answers like the real Airflow it recorded.

  python3 compare_replay.py REAL_URL REPLAY_URL

Asks both the same list requests the console makes (DAG pages, all runs
newest first at a few offsets, one DAG's runs, a run's task instances, the
default orders) and fails unless the JSON documents are equal (the cursor
fields of 3.2's run lists aside, which the console does not use).
"""
import json
import sys
import urllib.request


def client(url):
    def call(path, method="GET", body=None, token=None):
        req = urllib.request.Request(url + path, method=method,
                                     data=None if body is None else json.dumps(body).encode())
        req.add_header("Accept", "application/json")
        if body is not None:
            req.add_header("Content-Type", "application/json")
        if token:
            req.add_header("Authorization", "Bearer " + token)
        with urllib.request.urlopen(req, timeout=300) as r:
            return json.load(r)
    token = call("/auth/token", "POST", {"username": "admin", "password": "admin"})["access_token"]
    return lambda path: call(path, token=token)


def main(real_url, replay_url):
    real, replay = client(real_url), client(replay_url)
    first = real("/api/v2/dags/~/dagRuns?limit=1&order_by=-run_after")["dag_runs"][0]
    dag, run = first["dag_id"], first["dag_run_id"]
    total = real("/api/v2/dags/~/dagRuns?limit=1")["total_entries"]
    paths = [
        "/api/v2/version",
        "/api/v2/dags?limit=100&offset=0&order_by=dag_id",
        f"/api/v2/dags?limit=100&offset={max(0, len(real('/api/v2/dags?limit=100')['dags']) - 7)}&order_by=dag_id",
        "/api/v2/dags/~/dagRuns?limit=100&offset=0&order_by=-run_after",
        f"/api/v2/dags/~/dagRuns?limit=100&offset={total // 2}&order_by=-run_after",
        f"/api/v2/dags/~/dagRuns?limit=100&offset={max(0, total - 50)}&order_by=-run_after",
        f"/api/v2/dags/{dag}/dagRuns?limit=100&offset=0&order_by=-run_after",
        f"/api/v2/dags/{dag}/dagRuns/{urllib.request.quote(run, safe='')}/taskInstances?limit=100&offset=0",
    ]
    for p in paths:
        a, b = real(p), replay(p)
        for d in (a, b):
            d.pop("next_cursor", None)
            d.pop("previous_cursor", None)
        if a != b:
            sys.exit(f"compare: the replay differs from the real server on {p}")
    print(f"compare: the replay answers {len(paths)} list requests exactly like the real server",
          file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])

"""A replay of a real Airflow 3 /api/v2 for snowdeck's benchmark.

  python3 replay_airflow.py PORT DIR

Serves what bench/record_airflow.py recorded from a real Airflow in DIR,
with the server's own semantics for what the console asks: limit/offset
pagination (default 50, at most 100 per page, like the server's
maximum_page_limit default), total_entries, order_by (with '-' for
descending) on the recorded fields, the dag_id path filter ('~' for all
DAGs), run_after_gte/lte, JWT-shaped tokens from POST /auth/token (checked
on every call), gzip (compresslevel 5) for bodies of 1,024 bytes or more
when the client accepts it, as Airflow's GZipMiddleware does, and FastAPI's
error bodies ({"detail": ...}). Anything else is a 404. Why a replay at all:
a real Airflow on SQLite needs seconds per page deep into 100,000 runs
(offset pagination), so a full load would take most of an hour; the replay
answers from memory with byte-identical run objects.
"""
import base64
import gzip
import json
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

TOKEN = "eyJhbGciOiJIUzUxMiJ9." + base64.urlsafe_b64encode(
    b'{"sub":"admin","role":"ADMIN"}').decode().rstrip("=") + ".c25vd2RlY2stYmVuY2gtcmVwbGF5"
MAX_LIMIT = 100
DEFAULT_LIMIT = 50


def dumps(obj):
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()


class Data:
    def __init__(self, d):
        def load(name):
            with open(os.path.join(d, name + ".json"), encoding="utf-8") as f:
                return json.load(f)
        self.version = dumps(load("version"))
        self.health = dumps(load("health"))
        self.dags = load("dags")
        self.dag_ids = {x["dag_id"] for x in self.dags}
        self.runs = load("runs")
        self.tis = load("tis")
        # Pre-encoded objects: a page is a join of ready bytes.
        self.enc = {}
        for kind in ("dags", "runs", "tis"):
            for o in getattr(self, kind):
                self.enc[id(o)] = dumps(o)
        self.runs_by_dag = {}
        for r in self.runs:
            self.runs_by_dag.setdefault(r["dag_id"], []).append(r)
        self.tis_by_run = {}
        for t in self.tis:
            self.tis_by_run.setdefault((t["dag_id"], t["dag_run_id"]), []).append(t)


_SORTED = {}


def ordered(items, order, default, memo_ok):
    """items sorted by order_by; memoised per list and order when items is
    one of the recorded lists (they never change, so a deep page costs a
    slice, not a sort of 100,000 runs)."""
    key = order or default
    desc = key.startswith("-")
    field = key.lstrip("-")
    if items and field not in items[0]:
        raise ValueError(f"Ordering with '{field}' is disallowed or the attribute does not exist on the model")
    if not memo_ok:
        return sorted(items, key=lambda o: (o.get(field) is None, o.get(field) or ""), reverse=desc)
    memo = (id(items), key)
    if memo not in _SORTED:
        # Stable: ties keep the recorded (server) order.
        _SORTED[memo] = sorted(items, key=lambda o: (o.get(field) is None, o.get(field) or ""), reverse=desc)
    return _SORTED[memo]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    data = None

    def log_message(self, *args):
        pass

    def send(self, code, body, ctype="application/json"):
        gz = len(body) >= 1024 and "gzip" in self.headers.get("Accept-Encoding", "")
        if gz:
            body = gzip.compress(body, compresslevel=5, mtime=0)
        self.send_response(code)
        self.send_header("content-type", ctype)
        if gz:
            self.send_header("content-encoding", "gzip")
            self.send_header("vary", "Accept-Encoding")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def error(self, code, detail):
        self.send(code, dumps({"detail": detail}))

    def page(self, key, items, q, default_order, extra=b"", recorded=True):
        try:
            limit = int(q.get("limit", [DEFAULT_LIMIT])[0]) or DEFAULT_LIMIT
            offset = int(q.get("offset", [0])[0])
        except ValueError:
            return self.error(422, [{"type": "int_parsing", "loc": ["query", "limit"],
                                     "msg": "Input should be a valid integer"}])
        limit = min(limit, MAX_LIMIT)
        memo_ok = recorded and not any(f in q for f in ("run_after_gte", "run_after_lte"))
        for f in ("run_after_gte", "run_after_lte"):
            if f in q:
                v = q[f][0].replace("+00:00", "Z")
                items = [o for o in items if (o.get("run_after") or "") >= v] if f.endswith("gte") \
                    else [o for o in items if (o.get("run_after") or "") <= v]
        try:
            items = ordered(items, q.get("order_by", [None])[0], default_order, memo_ok)
        except ValueError as e:
            return self.error(400, str(e))
        sl = items[offset:offset + limit]
        enc = self.data.enc
        body = (b'{"' + key.encode() + b'":[' + b",".join(enc[id(o)] for o in sl) +
                b'],"total_entries":' + str(len(items)).encode() + extra + b"}")
        self.send(200, body)

    def authed(self):
        if self.headers.get("Authorization") != "Bearer " + TOKEN:
            self.error(401, "Not authenticated")
            return False
        return True

    def do_POST(self):
        n = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(n)
        if urlsplit(self.path).path != "/auth/token":
            return self.error(404, "Not Found")
        try:
            cred = json.loads(body)
        except ValueError:
            return self.error(400, "Invalid JSON")
        if cred.get("username") != "admin" or cred.get("password") != "admin":
            return self.error(401, "Invalid credentials")
        self.send(201, dumps({"access_token": TOKEN}))

    def do_GET(self):
        u = urlsplit(self.path)
        q = parse_qs(u.query)
        parts = [unquote(p) for p in u.path.split("/") if p]
        d = self.data
        if parts == ["api", "v2", "version"]:
            return self.send(200, d.version)
        if parts == ["api", "v2", "monitor", "health"]:
            return self.send(200, d.health)
        if parts[:2] != ["api", "v2"]:
            return self.error(404, "Not Found")
        if not self.authed():
            return None
        p = parts[2:]
        if p == ["dags"]:
            return self.page("dags", d.dags, q, "dag_id")
        if p == ["importErrors"]:
            return self.send(200, b'{"import_errors":[],"total_entries":0}')
        if len(p) >= 2 and p[0] == "dags" and p[1] != "~" and p[1] not in d.dag_ids:
            return self.error(404, f"The Dag with ID: `{p[1]}` was not found")
        if len(p) == 3 and p[0] == "dags" and p[2] == "dagRuns":
            runs = d.runs if p[1] == "~" else d.runs_by_dag.get(p[1], [])
            return self.page("dag_runs", runs, q, "id",
                             extra=b',"next_cursor":null,"previous_cursor":null')
        if len(p) == 5 and p[0] == "dags" and p[2] == "dagRuns" and p[4] == "taskInstances":
            if p[3] == "~":
                tis = d.tis if p[1] == "~" else [t for t in d.tis if t["dag_id"] == p[1]]
                recorded = p[1] == "~"
            else:
                if not any(r["dag_run_id"] == p[3] for r in d.runs_by_dag.get(p[1], [])):
                    return self.error(404, f"The DagRun with dag_id: `{p[1]}` and run_id: `{p[3]}` was not found")
                tis = d.tis_by_run.get((p[1], p[3]), [])
                recorded = (p[1], p[3]) in d.tis_by_run
            return self.page("task_instances", tis, q, "map_index", recorded=recorded)
        return self.error(404, "Not Found")


def main(port, d):
    t0 = time.time()
    Handler.data = Data(d)
    srv = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    srv.daemon_threads = True
    print(f"replay: {len(Handler.data.runs)} runs loaded in {time.time() - t0:.1f} s; "
          f"listening on 127.0.0.1:{port}", file=sys.stderr, flush=True)
    print("ready", flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(int(sys.argv[1]), sys.argv[2])

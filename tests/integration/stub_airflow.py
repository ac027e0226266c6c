"""A scripted Airflow API double for fault tests (bad input the real server
never sends: malformed and truncated JSON, huge bodies, escapes). It serves
Airflow 3 paths on loopback; the test sets `mode` between calls. The real
server is exercised by test_airflow.py; this one only injects faults."""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

EVIL = "ok \x1b[31mred\x1b[0m \x1b]0;pwned\x07 \x1b]52;c;c2VjcmV0\x07 \u202eevil \x9b2J"


class Stub:
    def __init__(self):
        self.mode = "ok"
        self.hits = []
        self.fail_first = 0
        stub = self

        class H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def send(self, code, body, ctype="application/json", extra=None):
                if isinstance(body, str):
                    body = body.encode("utf-8", "surrogateescape")
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for k, v in (extra or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                n = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(n)
                stub.hits.append(("POST", self.path))
                if self.path == "/auth/token":
                    if stub.mode == "badauth":
                        return self.send(401, '{"detail":"Invalid credentials"}')
                    return self.send(201, '{"access_token":"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJl"}')
                if self.path.endswith("/dagRuns"):
                    if stub.fail_first > 0:
                        stub.fail_first -= 1
                        return self.send(503, '{"detail":"busy"}', extra={"Retry-After": "0"})
                    if stub.mode == "dup":
                        return self.send(409, '{"detail":{"reason":"Unique constraint violation"}}')
                    return self.send(200, json.dumps({"dag_run_id": "r1", "dag_id": "d", "state": "queued", "run_type": "manual"}))
                return self.send(404, '{"detail":"Not Found"}')

            def do_GET(self):
                stub.hits.append(("GET", self.path))
                p = self.path.split("?")[0]
                m = stub.mode
                if p == "/api/v2/version":
                    return self.send(200, '{"version":"3.9.9-stub","git_version":null}')
                if m == "500":
                    return self.send(500, '{"detail":{"reason":"Database error"}}')
                if m == "403":
                    return self.send(403, '{"detail":"Forbidden"}')
                if m == "404":
                    return self.send(404, '{"detail":"The DAG with dag_id: `x` was not found"}')
                if m == "malformed":
                    return self.send(200, '{"dags": [ {"dag_id": "a", ')
                if m == "truncated":
                    body = b'{"dags": [{"dag_id": "abc"}], "total_entries": 1}'
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body) + 50))
                    self.end_headers()
                    self.wfile.write(body)
                    self.wfile.flush()
                    self.close_connection = True
                    return
                if m == "huge":
                    item = {"dag_id": "d" * 200, "tags": [], "owners": []}
                    dags = [dict(item, dag_id=f"dag_{i:06d}_" + "x" * 180) for i in range(40000)]
                    return self.send(200, json.dumps({"dags": dags, "total_entries": 1}))
                if m == "html":
                    return self.send(200, "<html>login</html>", ctype="text/html")
                if p == "/api/v2/dags":
                    return self.send(200, json.dumps({"dags": [{"dag_id": "evil" + EVIL, "tags": [{"name": EVIL}], "owners": [], "is_paused": False}], "total_entries": 1}))
                if "/logs/" in p:
                    return self.send(200, json.dumps({"content": [{"event": EVIL, "level": "info", "timestamp": "2025-01-01T00:00:00Z"}, "raw \x1b[2J line \udcff"], "continuation_token": None}, ensure_ascii=False).encode("utf-8", "surrogateescape"))
                if "/xcomEntries/" in p:
                    return self.send(200, json.dumps({"key": "k", "value": {"msg": EVIL, "api_key": "sk-live-SECRET", "nested": {"password": "hunter2"}}}))
                if p.endswith("/taskInstances"):
                    return self.send(200, json.dumps({"task_instances": [{"task_id": "t", "state": "success", "try_number": 1, "map_index": -1}], "total_entries": 1}))
                return self.send(404, '{"error":"API route not found"}')

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

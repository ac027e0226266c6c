"""Snowpark Container Services for the snowdeck Snowflake sandbox.

TEST AND DEMO INFRASTRUCTURE, NOT SNOWFLAKE. Compute pools, services,
containers, endpoints, logs and image repositories, in memory, with state
transitions that take time (PENDING -> RUNNING, SUSPENDING -> SUSPENDED,
STARTING -> IDLE/ACTIVE, STOPPING -> SUSPENDED). Transitions are evaluated
lazily when a state is read (no timer thread: an idle sandbox sleeps), with
durations from --spcs-pending-ms / --spcs-suspending-ms or
POST /_sandbox/spcs/timings. A fault makes the next resume of a service fail
(POST /_sandbox/spcs/fail-resume).

Containers are simulated: `Backend` is the seam where containers backed by
a Docker Engine API endpoint can be plugged in later (create/start/stop and
log reads go through it); `SimulatedBackend` is the only one for now.
"""
from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import yaml

from sandbox_server import SqlError, like_regex, status_result, text_result

SEED_SPEC = """\
sissyg:
  spec:
    container:
    - name: airflow-task-runner
      image: airflow-runner:amd64
      readinessProbe:
        port: 8001
        path: /
    - name: grafana
      image: grafana:amd64
      readinessProbe:
        port: 3000
        path: /robots.txt
    - name: prometheus
      image: prometheus:amd64
    - name: streamlit
      image: sissyg-streamlit:amd64
      env:
        WEAVIATE_ENDPOINT_URL: 'http://localhost:8081'
        OPENAI_APIKEY: 'sk-xxxxxxxxxxxxxxxxxxxxxxx'
      readinessProbe:
        port: 8501
        path: /_stcore/health
    - name: weaviate
      image: semitechnologies/weaviate:1.17.3
      args: [--host, 0.0.0.0, --port, '8081', --scheme, http]
      env:
        QUERY_DEFAULTS_LIMIT: 25
        AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED: 'true'
        AWS_ACCESS_KEY_ID: minioadmin
        AWS_SECRET_ACCESS_KEY: minioadmin
    - name: minio
      image: quay.io/minio/minio:latest
      args: [server, /data, --console-address, ":9001"]
      env:
        MINIO_ACCESS_KEY: minioadmin
        MINIO_SECRET_KEY: minioadmin
      readinessProbe:
        port: 9000
        path: /minio/health/ready
    endpoint:
    - {name: minio, port: 9000, public: true}
    - {name: minio-ui, port: 9001, public: true}
    - {name: weaviate, port: 8081, public: true}
    - {name: airflow-task-runner, port: 8001, public: true}
    - {name: grafana, port: 3000, public: true}
    - {name: prometheus, port: 9090, public: true}
    - {name: streamlit, port: 8501, public: true}
    networkPolicyConfig:
      allowInternetEgress: true
"""

RUNNER_SPEC = """\
spec:
  containers:
  - name: airflow-task-runner
    image: /demo/xcom/snowdeck_repo/airflow-runner:amd64
    readinessProbe: {port: 8001, path: /}
  - name: grafana
    image: /demo/xcom/snowdeck_repo/grafana:amd64
    readinessProbe: {port: 3000, path: /robots.txt}
  - name: prometheus
    image: /demo/xcom/snowdeck_repo/prometheus:amd64
  endpoints:
  - {name: runner, port: 8001, public: true}
  - {name: grafana, port: 3000, public: true}
  - {name: prometheus, port: 9090, public: true}
"""


def now() -> float:
    return time.time()


def iso(ts: float | None) -> str | None:
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + \
        f"{int(ts * 1000) % 1000:03d}Z"


def show_ts(ts: float | None) -> datetime | None:
    return None if ts is None else datetime.fromtimestamp(ts, timezone.utc)


def ident(s: str) -> str:
    return s[1:-1] if s.startswith('"') and s.endswith('"') else s.upper()


def parse_spec(text: str) -> dict[str, Any]:
    """The seed's spec format ({service: {spec: {container: [...]}}}) or today's ({spec: {containers}})."""
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise SqlError("395018", "22023", f"Invalid service specification: {e}") from None
    if isinstance(doc, dict) and "spec" not in doc and len(doc) == 1:
        (inner,) = doc.values()
        if isinstance(inner, dict) and "spec" in inner:
            doc = inner
    spec = doc.get("spec") if isinstance(doc, dict) else None
    if not isinstance(spec, dict):
        raise SqlError("395018", "22023", "Invalid service specification: a top-level 'spec' mapping is required.")
    containers = spec.get("containers", spec.get("container"))
    if not isinstance(containers, list) or not containers:
        raise SqlError("395018", "22023", "Invalid service specification: spec.containers must list at least one "
                       "container.")
    for c in containers:
        if not isinstance(c, dict) or not c.get("name") or not c.get("image"):
            raise SqlError("395018", "22023", "Invalid service specification: every container needs a name and "
                           "an image.")
    endpoints = spec.get("endpoints", spec.get("endpoint")) or []
    return {"containers": containers, "endpoints": endpoints}


@dataclass
class Pool:
    name: str
    instance_family: str
    min_nodes: int
    max_nodes: int
    auto_resume: bool = True
    auto_suspend_secs: int = 3600
    comment: str = ""
    state: str = "IDLE"
    until: float = 0.0
    target: str = ""
    created: float = field(default_factory=now)
    resumed: float | None = field(default_factory=now)
    updated: float = field(default_factory=now)


@dataclass
class Container:
    name: str
    image: str
    restart_count: int = 0
    last_exit_code: int | None = None
    last_restart: float | None = None
    started: float | None = None
    lines: list[str] = field(default_factory=list)
    previous: list[str] = field(default_factory=list)
    docker_id: str | None = None  # DockerBackend: the real container
    exited: int | None = None  # exit code once it stopped on its own (or was stopped outside)


@dataclass
class Service:
    database: str
    schema: str
    name: str
    pool: str
    spec_text: str
    containers: list[Container]
    endpoints: list[dict[str, Any]]
    min_instances: int = 1
    max_instances: int = 1
    auto_resume: bool = True
    comment: str = ""
    query_warehouse: str | None = None
    status: str = "PENDING"
    until: float = 0.0
    target: str = "RUNNING"
    fail_next_resume: int = 0
    failed: bool = False
    created: float = field(default_factory=now)
    updated: float = field(default_factory=now)
    resumed: float | None = None
    suspended: float | None = None
    uid: str = ""

    @property
    def fq(self) -> str:
        return f"{self.database}.{self.schema}.{self.name}"


@dataclass
class Repo:
    database: str
    schema: str
    name: str
    created: float = field(default_factory=now)
    images: list[dict[str, str]] = field(default_factory=list)


class SimulatedBackend:
    """Containers that exist only as state and generated log lines."""

    def inspect(self, svc: Service, c: Container) -> int | None:
        """The exit code when the container stopped on its own, else None (running or simulated)."""
        return None

    def remove(self, svc: Service) -> None:
        pass

    def cleanup(self) -> None:
        pass

    def start(self, svc: Service, c: Container, t: float) -> None:
        c.started = t
        c.lines = [f"{iso(t)} {c.name}: pulling image {c.image}",
                   f"{iso(t)} {c.name}: container started",
                   f"{iso(t)} {c.name}: readiness probe passed"]

    def fail(self, svc: Service, c: Container, t: float) -> None:
        c.started = t
        c.lines = [f"{iso(t)} {c.name}: pulling image {c.image}",
                   f"{iso(t)} {c.name}: container started",
                   f"{iso(t)} {c.name}: fatal: cannot bind port, exiting with code 1"]

    def stop(self, svc: Service, c: Container, t: float) -> None:
        c.lines.append(f"{iso(t)} {c.name}: received SIGTERM, shutting down")

    def logs(self, svc: Service, c: Container, t: float) -> list[str]:
        """Lines so far; a running container logs one heartbeat line per second (computed, not timed)."""
        if svc.status != "RUNNING" or c.started is None:
            return list(c.lines)
        beats = min(int(t - c.started), 1000)
        return c.lines + [f"{iso(c.started + i + 1)} {c.name}: GET /healthz 200 heartbeat={i + 1}"
                          for i in range(beats)]


class DockerBackend(SimulatedBackend):
    """Each SPCS container backed by a real container on a Docker Engine API endpoint (Docker or
    Podman's compatible socket). SPCS images cannot be pulled here, so every container runs
    `image` (any local image with /bin/sh, e.g. a busybox import) with a command that logs like the
    simulated one; its logs are the service's logs, and stopping it outside makes the service FAILED.
    """

    def __init__(self, host: str, image: str, state: str):
        if not host.startswith("unix://"):
            raise SystemExit(f"--docker-host must be unix:///path/to/socket (got {host!r})")
        self.sock, self.image = host[len("unix://"):], image
        self.tag = hashlib.sha1(state.encode()).hexdigest()[:8]
        code, body = self.req("GET", "/_ping")
        if code != 200:
            raise SystemExit(f"the Docker API at {host} does not answer /_ping ({code}): start it first")

    def req(self, method: str, path: str, body: Any = None, timeout: float = 30) -> tuple[int, bytes]:
        import http.client
        import socket as sk

        class Conn(http.client.HTTPConnection):
            def connect(self2) -> None:  # noqa: N805
                self2.sock = sk.socket(sk.AF_UNIX, sk.SOCK_STREAM)
                self2.sock.settimeout(timeout)
                self2.sock.connect(self.sock)

        conn = Conn("docker", timeout=timeout)
        try:
            data = json.dumps(body).encode() if body is not None else None
            conn.request(method, "/v1.41" + path if path != "/_ping" else path, body=data,
                         headers={"Content-Type": "application/json"} if data else {})
            r = conn.getresponse()
            return r.status, r.read()
        except OSError as e:
            return 599, str(e).encode()
        finally:
            conn.close()

    def name(self, svc: Service, c: Container) -> str:
        return f"sdsbx-{self.tag}-{svc.name.lower()}-{svc.uid}-{c.name}"

    def _run(self, svc: Service, c: Container, t: float, script: str) -> None:
        name = self.name(svc, c)
        self.req("DELETE", f"/containers/{name}?force=true")
        code, body = self.req("POST", f"/containers/create?name={name}", {
            "Image": self.image, "Cmd": ["/bin/sh", "-c", script],
            "Labels": {"snowdeck.sandbox": self.tag, "snowdeck.sandbox.service": svc.fq,
                       "snowdeck.sandbox.container": c.name},
            "HostConfig": {"NetworkMode": "none"}})
        if code != 201:
            c.lines = [f"{iso(t)} {c.name}: sandbox could not create the container: {body[:200]!r}"]
            c.exited, c.started = 125, t
            return
        c.docker_id = json.loads(body)["Id"]
        self.req("POST", f"/containers/{c.docker_id}/start")
        c.started, c.exited, c.lines = t, None, []

    def start(self, svc: Service, c: Container, t: float) -> None:
        self._run(svc, c, t, f"echo '{c.name}: pulling image {c.image}'; echo '{c.name}: container started'; "
                             f"echo '{c.name}: readiness probe passed'; i=0; while true; do i=$((i+1)); "
                             f"sleep 1; echo \"{c.name}: GET /healthz 200 heartbeat=$i\"; done")

    def fail(self, svc: Service, c: Container, t: float) -> None:
        self._run(svc, c, t, f"echo '{c.name}: container started'; "
                             f"echo '{c.name}: fatal: cannot bind port, exiting with code 1'; exit 1")

    def _logs(self, c: Container) -> list[str] | None:
        if not c.docker_id:
            return None
        code, raw = self.req("GET", f"/containers/{c.docker_id}/logs?stdout=1&stderr=1&timestamps=1")
        if code != 200:
            return None
        out, i = bytearray(), 0
        if raw[:1] in (b"\x01", b"\x02") and raw[1:4] == b"\0\0\0":  # multiplexed framing
            while i + 8 <= len(raw):
                n = int.from_bytes(raw[i + 4:i + 8], "big")
                out += raw[i + 8:i + 8 + n]
                i += 8 + n
        else:
            out = bytearray(raw)
        return [ln for ln in out.decode("utf-8", "replace").split("\n") if ln]

    def stop(self, svc: Service, c: Container, t: float) -> None:
        lines = self._logs(c)
        if lines is not None:
            c.lines = lines
        c.lines.append(f"{iso(t)} {c.name}: received SIGTERM, shutting down")
        if c.docker_id:
            self.req("DELETE", f"/containers/{c.docker_id}?force=true")
            c.docker_id = None

    def logs(self, svc: Service, c: Container, t: float) -> list[str]:
        lines = self._logs(c)
        return lines if lines is not None else list(c.lines)

    def inspect(self, svc: Service, c: Container) -> int | None:
        if not c.docker_id:
            return c.exited
        code, body = self.req("GET", f"/containers/{c.docker_id}/json")
        if code == 404:
            return 137  # removed outside
        if code != 200:
            return None
        st = json.loads(body).get("State", {})
        return None if st.get("Running") else int(st.get("ExitCode") or 0)

    def remove(self, svc: Service) -> None:
        for c in svc.containers:
            if c.docker_id:
                self.req("DELETE", f"/containers/{c.docker_id}?force=true")
                c.docker_id = None

    def cleanup(self) -> None:
        code, body = self.req("GET", "/containers/json?all=true&filters=" +
                              json.dumps({"label": [f"snowdeck.sandbox={self.tag}"]}).replace(" ", ""))
        if code == 200:
            for ct in json.loads(body):
                self.req("DELETE", f"/containers/{ct['Id']}?force=true", timeout=10)


class Spcs:
    def __init__(self, sb: Any, args: Any):
        self.sb = sb
        self.lock = threading.RLock()
        self.pending_s = args.spcs_pending_ms / 1000
        self.suspending_s = args.spcs_suspending_ms / 1000
        self.pools: dict[str, Pool] = {}
        self.services: dict[str, Service] = {}
        self.repos: dict[str, Repo] = {}
        self.backend: SimulatedBackend = SimulatedBackend()
        if getattr(args, "docker_host", None):
            self.backend = DockerBackend(args.docker_host, args.docker_image, sb.state)

    # ------------------------------------------------------------ model ----
    def reset(self) -> None:
        with self.lock:
            for svc in self.services.values():
                svc.fail_next_resume = 0

    def tick(self) -> None:
        """Apply every transition that is due."""
        t = now()
        with self.lock:
            for p in self.pools.values():
                if p.until and t >= p.until:
                    p.state, p.until = p.target, 0.0
                    p.updated = t
                if p.state in ("IDLE", "ACTIVE"):
                    busy = any(s.pool == p.name and s.status in ("PENDING", "RUNNING") for s in self.services.values())
                    p.state = "ACTIVE" if busy else "IDLE"
            for s in self.services.values():
                if s.status == "RUNNING" and not s.until:
                    for c in s.containers:
                        code = self.backend.inspect(s, c)
                        if code is not None:
                            c.exited, c.last_exit_code, c.last_restart = code, code, t
                            s.status, s.updated = "FAILED", t
                if s.until and t >= s.until:
                    s.status, s.until = s.target, 0.0
                    s.updated = t
                    if s.status == "RUNNING":
                        s.resumed = t
                        for c in s.containers:
                            self.backend.start(s, c, t)
                    elif s.status == "FAILED":
                        for c in s.containers:
                            c.restart_count += 1
                            c.last_exit_code = c.exited = 1
                            c.last_restart = t
                            self.backend.fail(s, c, t)
                            c.exited = 1
                    elif s.status == "SUSPENDED":
                        s.suspended = t

    def _pool(self, name: str, if_exists: bool = False) -> Pool | None:
        p = self.pools.get(ident(name))
        if p is None and not if_exists:
            raise SqlError("002003", "02000", f"SQL compilation error:\nCompute pool '{ident(name)}' does not "
                           "exist or not authorized.")
        return p

    def _svc(self, name: str, database: str | None, schema: str | None, if_exists: bool = False) -> Service | None:
        parts = [ident(p) for p in re.findall(r'"[^"]+"|[^.]+', name)]
        if len(parts) == 3:
            fq = ".".join(parts)
        elif len(parts) == 2:
            fq = f"{(database or '').upper()}.{parts[0]}.{parts[1]}"
        else:
            fq = f"{(database or '').upper()}.{(schema or '').upper()}.{parts[0]}"
        s = self.services.get(fq)
        if s is None and not if_exists:
            raise SqlError("002003", "02000", f"SQL compilation error:\nService '{fq}' does not exist or not "
                           "authorized.")
        return s

    # Access control: ALTER SERVICE / ALTER COMPUTE POOL ... SUSPEND | RESUME (and the REST
    # :suspend / :resume) need OPERATE or OWNERSHIP on the object (alter-service,
    # alter-compute-pool, "Access control requirements"); roles outside the sandbox's admin
    # roles are held to it.
    def require_operate_service(self, sv: Service) -> None:
        self.sb.require(["OPERATE"], "SERVICE", sv.fq, f"service '{sv.name}'")

    def require_operate_pool(self, p: Pool) -> None:
        self.sb.require(["OPERATE"], "COMPUTE_POOL", p.name, f"compute pool '{p.name}'")

    def create_pool(self, name: str, family: str, min_nodes: int, max_nodes: int, auto_resume: bool = True,
                    suspended: bool = False, comment: str = "", instant: bool = False) -> Pool:
        p = Pool(ident(name), family.upper(), min_nodes, max_nodes, auto_resume, comment=comment)
        if suspended:
            p.state, p.resumed = "SUSPENDED", None
        elif not instant:
            p.state, p.until, p.target = "STARTING", now() + self.pending_s, "IDLE"
        self.pools[p.name] = p
        self.sb.own("COMPUTE_POOL", p.name, replace=True)
        return p

    def create_service(self, database: str, schema: str, name: str, pool: str, spec_text: str,
                       min_i: int = 1, max_i: int = 1, instant: bool = False, comment: str = "") -> Service:
        spec = parse_spec(spec_text)
        p = self._pool(pool)
        assert p is not None
        if p.state in ("SUSPENDED", "STOPPING"):
            if not p.auto_resume:
                raise SqlError("399001", "55000", f"Compute pool {p.name} is suspended and AUTO_RESUME is FALSE; "
                               "resume it first.")
            self._resume_pool(p)
        containers = [Container(c["name"], str(c["image"])) for c in spec["containers"]]
        s = Service(database.upper(), schema.upper(), ident(name), p.name, spec_text, containers,
                    spec["endpoints"], min_i, max_i, comment=comment)
        s.uid = hashlib.sha1(s.fq.encode()).hexdigest()[:4]
        t = now()
        if instant:
            s.status, s.resumed = "RUNNING", t
            for c in containers:
                self.backend.start(s, c, t)
        else:
            s.status, s.until, s.target = "PENDING", t + self.pending_s + (p.until - t if p.until > t else 0), \
                "RUNNING"
        self.services[s.fq] = s
        self.sb.own("SERVICE", s.fq, replace=True)
        return s

    def suspend_service(self, s: Service) -> None:
        if s.status in ("SUSPENDED", "SUSPENDING"):
            return
        t = now()
        for c in s.containers:
            self.backend.stop(s, c, t)
        s.status, s.until, s.target, s.updated = "SUSPENDING", t + self.suspending_s, "SUSPENDED", t

    def resume_service(self, s: Service) -> None:
        if s.status in ("RUNNING", "PENDING"):
            return
        p = self.pools.get(s.pool)
        if p is not None and p.state in ("SUSPENDED", "STOPPING"):
            self._resume_pool(p)
        t = now()
        for c in s.containers:
            if c.lines:
                c.previous = self.backend.logs(s, c, t) if s.status == "RUNNING" else list(c.lines)
            c.lines, c.started, c.exited = [], None, None
        target = "RUNNING"
        if s.fail_next_resume > 0:
            s.fail_next_resume -= 1
            target = "FAILED"
        wait = self.pending_s + (p.until - t if p is not None and p.until > t else 0)
        s.status, s.until, s.target, s.updated = "PENDING", t + wait, target, t

    def _resume_pool(self, p: Pool) -> None:
        if p.state in ("IDLE", "ACTIVE", "STARTING"):
            return
        t = now()
        p.state, p.until, p.target, p.resumed, p.updated = "STARTING", t + self.pending_s, "IDLE", t, t

    def suspend_pool(self, p: Pool) -> None:
        if p.state in ("SUSPENDED", "STOPPING"):
            return
        t = now()
        for s in self.services.values():
            if s.pool == p.name:
                self.suspend_service(s)
        p.state, p.until, p.target, p.updated = "STOPPING", t + self.suspending_s, "SUSPENDED", t

    def seed_demo(self) -> None:
        with self.lock:
            self.create_pool("SNOWDECK_POOL", "CPU_X64_XS", 1, 2, instant=True, comment="snowdeck sandbox demo pool")
            self.create_pool("SNOWDECK_GPU_POOL", "GPU_NV_S", 1, 1, suspended=True)
            self.create_service("DEMO", "XCOM", "SISSYG", "SNOWDECK_POOL", SEED_SPEC, instant=True,
                                comment="customer_analytics services (seed spec)")
            self.create_service("DEMO", "XCOM", "AIRFLOW_TASK_RUNNER", "SNOWDECK_POOL", RUNNER_SPEC, instant=True)
            repo = Repo("DEMO", "XCOM", "SNOWDECK_REPO")
            for img in ("airflow-runner:amd64", "grafana:amd64", "prometheus:amd64", "sissyg-streamlit:amd64",
                        "weaviate:1.17.3", "minio:latest"):
                n, tag = img.split(":")
                repo.images.append({"image_name": n, "tags": tag, "digest": "sha256:" +
                                    hashlib.sha256(img.encode()).hexdigest(),
                                    "image_path": f"demo/xcom/snowdeck_repo/{n}:{tag}",
                                    "created_on": iso(now()) or ""})
            self.repos["DEMO.XCOM.SNOWDECK_REPO"] = repo
            self.sb.own("IMAGE_REPOSITORY", "DEMO.XCOM.SNOWDECK_REPO")

    # ------------------------------------------------------------- rows ----
    def dns(self, s: Service) -> str:
        return f"{s.name.lower().replace('_', '-')}.{s.uid}.svc.spcs.internal"

    def ingress(self, s: Service, ep: dict[str, Any]) -> str:
        h = hashlib.sha1(f"{s.fq}/{ep.get('name')}".encode()).hexdigest()[:7]
        return f"{h}-snowdeck-sandbox.snowflakecomputing.app"

    def public_endpoints(self, s: Service) -> str:
        return json.dumps({str(ep.get("name")): self.ingress(s, ep) for ep in s.endpoints if ep.get("public")})

    def instance_status(self, s: Service) -> str:
        return {"RUNNING": "READY", "FAILED": "FAILED", "SUSPENDING": "TERMINATING"}.get(s.status, "PENDING")

    def container_rows(self, s: Service) -> list[dict[str, Any]]:
        if s.status in ("SUSPENDED", "PENDING") and not any(c.started for c in s.containers):
            return []
        if s.status == "SUSPENDED":
            return []
        st = {"RUNNING": ("READY", "Running"), "FAILED": ("FAILED", "Container exited with code 1"),
              "SUSPENDING": ("TERMINATING", "Terminating"), "PENDING": ("PENDING", "Waiting to start")}
        out = []
        for c in s.containers:
            status, msg = st.get(s.status, ("UNKNOWN", s.status))
            if c.exited is not None and s.status in ("FAILED", "RUNNING"):
                status, msg = ("DONE" if c.exited == 0 else "FAILED"), f"Container exited with code {c.exited}"
            elif s.status == "FAILED":
                status, msg = "READY", "Running"
            out.append({"database_name": s.database, "schema_name": s.schema, "service_name": s.name,
                        "service_status": s.status, "instance_id": "0", "instance_status": self.instance_status(s),
                        "container_name": c.name, "status": status, "message": msg,
                        "image_name": c.image, "image_digest": "sha256:" + hashlib.sha256(c.image.encode()).hexdigest(),
                        "restart_count": c.restart_count, "start_time": iso(c.started) or "",
                        "last_exit_code": c.last_exit_code, "last_restart_time": iso(c.last_restart)})
        return out

    def pool_dict(self, p: Pool) -> dict[str, Any]:
        nsvc = sum(1 for s in self.services.values() if s.pool == p.name)
        active = 0 if p.state in ("SUSPENDED", "STARTING") else p.min_nodes
        d = {"name": p.name, "state": p.state, "min_nodes": p.min_nodes, "max_nodes": p.max_nodes,
             "instance_family": p.instance_family, "num_services": nsvc, "num_jobs": 0,
             "auto_suspend_secs": p.auto_suspend_secs, "auto_resume": p.auto_resume, "active_nodes": active,
             "idle_nodes": active if p.state == "IDLE" else 0, "target_nodes": 0 if p.state in
             ("SUSPENDED", "STOPPING") else p.min_nodes, "created_on": iso(p.created), "resumed_on": iso(p.resumed),
             "updated_on": iso(p.updated), "owner": "SNOWDECK_ROLE", "comment": p.comment, "is_exclusive": False}
        return {k: v for k, v in d.items() if v is not None}

    def service_dict(self, s: Service) -> dict[str, Any]:
        running = s.status == "RUNNING"
        d = {"name": s.name, "status": s.status, "compute_pool": s.pool, "database_name": s.database,
             "schema_name": s.schema, "owner": "SNOWDECK_ROLE", "dns_name": self.dns(s),
             "current_instances": 1 if running else 0, "target_instances": 0 if s.status in
             ("SUSPENDED", "SUSPENDING") else s.min_instances, "min_ready_instances": s.min_instances,
             "min_instances": s.min_instances, "max_instances": s.max_instances, "auto_resume": s.auto_resume,
             "created_on": iso(s.created), "updated_on": iso(s.updated), "resumed_on": iso(s.resumed),
             "suspended_on": iso(s.suspended), "auto_suspend_secs": 0, "comment": s.comment,
             "owner_role_type": "ROLE", "is_job": False, "is_async_job": False,
             "spec_digest": hashlib.sha256(s.spec_text.encode()).hexdigest(), "is_upgrading": False,
             "query_warehouse": s.query_warehouse}  # spec is writeOnly (ServiceSpec): never returned
        return {k: v for k, v in d.items() if v is not None}

    # -------------------------------------------------------------- SQL ----
    def sql(self, s: str, database: str | None, schema: str | None) -> Any:
        f = re.IGNORECASE | re.DOTALL
        if not re.match(r"^(CREATE|SHOW|ALTER|DROP|DESC|DESCRIBE|SELECT|CALL)\b", s, f):
            return None
        if not re.search(r"COMPUTE\s+POOL|SERVICE|IMAGE\s+REPOSIT|ENDPOINTS|SYSTEM\$GET_SERVICE|IMAGES\s+IN", s, f):
            return None
        # IDENTIFIER('NAME') as the Snowflake CLI writes names
        s = re.sub(r"IDENTIFIER\(\s*'([^']*)'\s*\)", lambda m: m[1], s, flags=re.IGNORECASE)
        with self.lock:
            self.tick()
            r = self._sql(s, database, schema, f)
            self.tick()
            return r

    def _sql(self, s: str, database: str | None, schema: str | None, f: int) -> Any:
        m = re.match(r"^DESC(?:RIBE)?\s+COMPUTE\s+POOL\s+(\"[^\"]+\"|\w+)$", s, f)
        if m:  # the SHOW row of that one pool
            p = self._pool(m[1])
            assert p is not None
            return self._sql(f"SHOW COMPUTE POOLS LIKE '{p.name}'", database, schema, f)
        m = re.match(r"^DESC(?:RIBE)?\s+SERVICE\s+([\w.]+)$", s, f)
        if m:  # the SHOW row of that one service, plus its spec
            sv = self._svc(m[1], database, schema)
            assert sv is not None
            res = self._sql(f"SHOW SERVICES LIKE '{sv.name}' IN SCHEMA {sv.database}.{sv.schema}", database, schema, f)
            res.rowtype.append(res.rowtype[0] | {"name": "spec"})
            for row in res.rows:
                row.append(sv.spec_text)
            return res
        m = re.match(r"^CREATE\s+(OR\s+REPLACE\s+)?COMPUTE\s+POOL\s+(IF\s+NOT\s+EXISTS\s+)?(\"[^\"]+\"|\w+)(.*)$", s, f)
        if m:
            name, opts = ident(m[3]), m[4]
            if name in self.pools and not m[1]:
                if m[2]:
                    return status_result(f"{name} already exists, statement succeeded.")
                raise SqlError("002002", "42710", f"SQL compilation error:\nObject '{name}' already exists.")

            def opt(key: str, default: str) -> str:
                mm = re.search(rf"\b{key}\s*=\s*('([^']*)'|[\w.]+)", opts, f)
                return (mm[2] if mm and mm[2] is not None else mm[1]) if mm else default

            fam = opt("INSTANCE_FAMILY", "")
            if not fam:
                raise SqlError("001003", "42000", "SQL compilation error:\nCREATE COMPUTE POOL requires "
                               "INSTANCE_FAMILY.")
            p = self.create_pool(name, fam, int(opt("MIN_NODES", "1")), int(opt("MAX_NODES", "1")),
                                 opt("AUTO_RESUME", "TRUE").upper() == "TRUE",
                                 opt("INITIALLY_SUSPENDED", "FALSE").upper() == "TRUE", opt("COMMENT", ""))
            p.auto_suspend_secs = int(opt("AUTO_SUSPEND_SECS", "3600"))
            return status_result(f"Compute pool {name} successfully created.")
        m = re.match(r"^SHOW\s+COMPUTE\s+POOLS(?:\s+LIKE\s+'([^']*)')?(?:\s+STARTS\s+WITH\s+'([^']*)')?"
                     r"(?:\s+LIMIT\s+(\d+))?$", s, f)
        if m:
            rx = like_regex(m[1]) if m[1] else None
            pools = [p for p in sorted(self.pools.values(), key=lambda p: p.name)
                     if (not rx or rx.fullmatch(p.name)) and (not m[2] or p.name.startswith(m[2]))]
            if m[3]:
                pools = pools[:int(m[3])]
            names = ["name", "state", "min_nodes", "max_nodes", "instance_family", "num_services", "num_jobs",
                     "auto_suspend_secs", "auto_resume", "active_nodes", "idle_nodes", "target_nodes",
                     "created_on", "resumed_on", "updated_on", "owner", "comment", "is_exclusive", "application",
                     "placement_group", "backup_instance_families"]
            types = ["text", "text", "fixed", "fixed", "text", "fixed", "fixed", "fixed", "text", "fixed", "fixed",
                     "fixed", "timestamp_ltz", "timestamp_ltz", "timestamp_ltz", "text", "text", "text", "text",
                     "text", "text"]
            rows = []
            for p in pools:
                d = self.pool_dict(p)
                rows.append([p.name, p.state, p.min_nodes, p.max_nodes, p.instance_family, d["num_services"], 0,
                             p.auto_suspend_secs, "true" if p.auto_resume else "false", d["active_nodes"],
                             d["idle_nodes"], d["target_nodes"], show_ts(p.created), show_ts(p.resumed),
                             show_ts(p.updated), "SNOWDECK_ROLE", p.comment or None, "false", None, None, None])
            return text_result(rows, names, types)
        m = re.match(r"^ALTER\s+COMPUTE\s+POOL\s+(IF\s+EXISTS\s+)?(\"[^\"]+\"|\w+)\s+(SUSPEND|RESUME)$", s, f)
        if m:
            p = self._pool(m[2], bool(m[1]))
            if p is None:
                return status_result()
            self.require_operate_pool(p)
            (self.suspend_pool if m[3].upper() == "SUSPEND" else self._resume_pool)(p)
            return status_result()
        m = re.match(r"^DROP\s+COMPUTE\s+POOL\s+(IF\s+EXISTS\s+)?(\"[^\"]+\"|\w+)$", s, f)
        if m:
            p = self._pool(m[2], bool(m[1]))
            if p is None:
                return status_result()
            if any(sv.pool == p.name for sv in self.services.values()):
                raise SqlError("399002", "55000", f"Cannot drop compute pool {p.name}: it still has services; "
                               "drop them first.")
            del self.pools[p.name]
            return status_result(f"{p.name} successfully dropped.")
        m = re.match(r"^CREATE\s+(OR\s+REPLACE\s+)?SERVICE\s+(IF\s+NOT\s+EXISTS\s+)?([\w.\"]+)\s+IN\s+COMPUTE\s+POOL\s+"
                     r"(\"[^\"]+\"|\w+)\s+FROM\s+SPECIFICATION\s+(\$\$(.*?)\$\$|'((?:[^']|'')*)')(.*)$", s, f)
        if m:
            parts = [ident(p) for p in m[3].split(".")]
            db, sc, name = ([database or "", schema or ""] + parts)[-3:] if len(parts) < 3 else parts
            if not db or not sc:
                raise SqlError("090105", "22000", "Cannot perform CREATE SERVICE. This session does not have a "
                               "current database or schema.")
            fq = f"{db.upper()}.{sc.upper()}.{name}"
            if fq in self.services:
                if m[2]:
                    return status_result(f"{name} already exists, statement succeeded.")
                if not m[1]:
                    raise SqlError("002002", "42710", f"SQL compilation error:\nObject '{name}' already exists.")
            spec_text = m[6] if m[6] is not None else m[7].replace("''", "'")
            opts = m[8]
            mi = re.search(r"MIN_INSTANCES\s*=\s*(\d+)", opts, f)
            ma = re.search(r"MAX_INSTANCES\s*=\s*(\d+)", opts, f)
            cm = re.search(r"COMMENT\s*=\s*'([^']*)'", opts, f)
            min_i = int(mi[1]) if mi else 1
            svc = self.create_service(db, sc, name, m[4], spec_text, min_i, int(ma[1]) if ma else min_i,
                                      comment=cm[1] if cm else "")
            qw = re.search(r"QUERY_WAREHOUSE\s*=\s*(\w+)", opts, f)
            svc.query_warehouse = qw[1].upper() if qw else None
            ar = re.search(r"AUTO_RESUME\s*=\s*(\w+)", opts, f)
            svc.auto_resume = not ar or ar[1].upper() == "TRUE"
            return status_result(f"Service {name} successfully created.")
        m = re.match(r"^SHOW\s+SERVICES(?:\s+LIKE\s+'([^']*)')?(?:\s+IN\s+(ACCOUNT|DATABASE(?:\s+(\w+))?|SCHEMA(?:\s+"
                     r"([\w.]+))?|COMPUTE\s+POOL\s+(\w+)))?(?:\s+STARTS\s+WITH\s+'([^']*)')?(?:\s+LIMIT\s+(\d+))?$",
                     s, f)
        if m:
            rx = like_regex(m[1]) if m[1] else None
            scope = (m[2] or "").upper()
            out = []
            for sv in sorted(self.services.values(), key=lambda x: x.fq):
                if rx and not rx.fullmatch(sv.name):
                    continue
                if m[6] and not sv.name.startswith(m[6]):
                    continue
                if scope.startswith("COMPUTE") and sv.pool != ident(m[5]):
                    continue
                if scope.startswith("DATABASE") and sv.database != ident(m[3] or database or ""):
                    continue
                if scope.startswith("SCHEMA"):
                    sp = [ident(x) for x in (m[4] or "").split(".") if x]
                    want = (sp[0], sp[1]) if len(sp) == 2 else ((database or "").upper(),
                                                                 sp[0] if sp else (schema or "").upper())
                    if (sv.database, sv.schema) != want:
                        continue
                if not scope and database and sv.database != database.upper():
                    continue
                out.append(sv)
            if m[7]:
                out = out[:int(m[7])]
            names = ["name", "status", "database_name", "schema_name", "owner", "compute_pool", "dns_name",
                     "current_instances", "target_instances", "min_ready_instances", "min_instances",
                     "max_instances", "auto_resume", "external_access_integrations", "created_on", "updated_on",
                     "resumed_on", "suspended_on", "auto_suspend_secs", "comment", "owner_role_type",
                     "query_warehouse", "is_job", "is_async_job", "spec_digest", "is_upgrading",
                     "managing_object_domain", "managing_object_name", "public_endpoints"]
            types = ["text"] * 7 + ["fixed"] * 5 + ["text", "text"] + ["timestamp_ltz"] * 4 + ["fixed"] + \
                ["text"] * 10
            rows = []
            for sv in out:
                d = self.service_dict(sv)
                rows.append([sv.name, sv.status, sv.database, sv.schema, "SNOWDECK_ROLE", sv.pool, d["dns_name"],
                             d["current_instances"], d["target_instances"], sv.min_instances, sv.min_instances,
                             sv.max_instances, "true" if sv.auto_resume else "false", "[]", show_ts(sv.created),
                             show_ts(sv.updated), show_ts(sv.resumed), show_ts(sv.suspended), 0, sv.comment or None,
                             "ROLE", sv.query_warehouse, "false", "false", d["spec_digest"], "false", None, None,
                             self.public_endpoints(sv)])
            return text_result(rows, names, types)
        m = re.match(r"^SHOW\s+SERVICE\s+CONTAINERS\s+IN\s+SERVICE\s+([\w.]+)$", s, f)
        if m:
            sv = self._svc(m[1], database, schema)
            names = ["database_name", "schema_name", "service_name", "service_status", "instance_id",
                     "instance_status", "container_name", "status", "message", "image_name", "image_digest",
                     "restart_count", "start_time", "last_exit_code", "last_restart_time"]
            types = ["text"] * 11 + ["fixed", "text", "fixed", "text"]
            rows = [[r[n] for n in names] for r in self.container_rows(sv)]
            if not rows:  # SUSPENDED / PENDING: one row with NULL instance and container columns
                rows = [[sv.database, sv.schema, sv.name, sv.status] + [None] * 11]
            return text_result(rows, names, types)
        m = re.match(r"^SHOW\s+SERVICE\s+INSTANCES\s+IN\s+SERVICE\s+([\w.]+)$", s, f)
        if m:
            sv = self._svc(m[1], database, schema)
            names = ["database_name", "schema_name", "service_name", "service_status", "instance_id", "status",
                     "spec_digest", "creation_time", "start_time"]
            rows = [] if sv.status == "SUSPENDED" else [[sv.database, sv.schema, sv.name, sv.status, "0",
                                                         self.instance_status(sv),
                                                         hashlib.sha256(sv.spec_text.encode()).hexdigest(),
                                                         iso(sv.created), iso(sv.resumed)]]
            return text_result(rows, names)
        m = re.match(r"^SHOW\s+ENDPOINTS\s+IN\s+SERVICE\s+([\w.]+)$", s, f)
        if m:
            sv = self._svc(m[1], database, schema)
            rows = [[ep.get("name"), ep.get("port"), ep.get("portRange"), ep.get("protocol", "HTTP"),
                     "true" if ep.get("public") else "false",
                     self.ingress(sv, ep) if ep.get("public") else None, None] for ep in sv.endpoints]
            return text_result(rows, ["name", "port", "port_range", "protocol", "is_public", "ingress_url",
                                      "privatelink_ingress_url"],
                               ["text", "fixed", "text", "text", "text", "text", "text"])
        m = re.match(r"^ALTER\s+SERVICE\s+(IF\s+EXISTS\s+)?([\w.]+)\s+(SUSPEND|RESUME)$", s, f)
        if m:
            sv = self._svc(m[2], database, schema, bool(m[1]))
            if sv is None:
                return status_result()
            self.require_operate_service(sv)
            (self.suspend_service if m[3].upper() == "SUSPEND" else self.resume_service)(sv)
            return status_result()
        m = re.match(r"^DROP\s+SERVICE\s+(IF\s+EXISTS\s+)?([\w.]+)$", s, f)
        if m:
            sv = self._svc(m[2], database, schema, bool(m[1]))
            if sv is None:
                return status_result()
            self.backend.remove(sv)
            del self.services[sv.fq]
            return status_result(f"{sv.name} successfully dropped.")
        m = re.match(r"^(?:SELECT|CALL)\s+SYSTEM\$GET_SERVICE_LOGS\s*\((.*)\)$", s, f)
        if m:
            # (service, instance_id, container [, lines [, previous [, since [, timestamps]]]])
            args = [a.strip() for a in re.findall(r"'(?:[^']|'')*'|[^,]+", m[1])]
            vals = [a[1:-1].replace("''", "'") if a.startswith("'") else a for a in args]
            if len(vals) < 3:
                raise SqlError("001044", "42P13", "SQL compilation error:\nSYSTEM$GET_SERVICE_LOGS needs the "
                               "service name, the instance id and the container name.")
            sv = self._svc(vals[0], database, schema)
            lines = int(vals[3]) if len(vals) > 3 and vals[3].isdigit() else None
            previous = len(vals) > 4 and vals[4].upper() == "TRUE"
            text = self.logs(sv, vals[1], vals[2], lines, previous)
            return text_result([[text]], ["SYSTEM$GET_SERVICE_LOGS"])
        m = re.match(r"^(?:SELECT|CALL)\s+SYSTEM\$GET_SERVICE_STATUS\s*\(\s*'([^']+)'\s*(?:,\s*(\d+)\s*)?\)$", s, f)
        if m:
            sv = self._svc(m[1], database, schema)
            return text_result([[self.status_json(sv)]], ["SYSTEM$GET_SERVICE_STATUS"])
        m = re.match(r"^CREATE\s+(OR\s+REPLACE\s+)?IMAGE\s+REPOSITORY\s+(IF\s+NOT\s+EXISTS\s+)?([\w.]+)$", s, f)
        if m:
            parts = [ident(p) for p in m[3].split(".")]
            db, sc, name = parts if len(parts) == 3 else ([(database or "").upper(), (schema or "").upper()]
                                                          + parts)[-3:]
            if f"{db}.{sc}.{name}" not in self.repos:
                self.repos[f"{db}.{sc}.{name}"] = Repo(db, sc, name)
                self.sb.own("IMAGE_REPOSITORY", f"{db}.{sc}.{name}")
            return status_result(f"Image Repository {name} successfully created.")
        m = re.match(r"^SHOW\s+IMAGE\s+REPOSITORIES(?:\s+LIKE\s+'([^']*)')?(?:\s+IN\s+(?:ACCOUNT|DATABASE(?:\s+(\w+))?|"
                     r"SCHEMA(?:\s+([\w.]+))?))?$", s, f)
        if m:
            rx = like_regex(m[1]) if m[1] else None
            rows = []
            for r in sorted(self.repos.values(), key=lambda r: (r.database, r.schema, r.name)):
                if rx and not rx.fullmatch(r.name):
                    continue
                rows.append([show_ts(r.created), r.name, r.database, r.schema, self.repo_url(r), "SNOWDECK_ROLE",
                             "ROLE", None, "SNOWFLAKE_SSE", None])
            return text_result(rows, ["created_on", "name", "database_name", "schema_name", "repository_url",
                                      "owner", "owner_role_type", "comment", "encryption",
                                      "privatelink_repository_url"], ["timestamp_ltz"] + ["text"] * 9)
        m = re.match(r"^SHOW\s+IMAGES(?:\s+LIKE\s+'([^']*)')?\s+IN\s+IMAGE\s+REPOSITORY\s+([\w.]+)$", s, f)
        if m:
            r = self.repo(m[2], database, schema)
            rx = like_regex(m[1]) if m[1] else None
            rows = [[i["created_on"], i["image_name"], i["tags"], i["digest"], i["image_path"]] for i in r.images
                    if not rx or rx.fullmatch(i["image_name"])]
            return text_result(rows, ["created_on", "image_name", "tags", "digest", "image_path"])
        return None

    @staticmethod
    def _json_body(h: Any) -> dict[str, Any]:
        try:
            body = json.loads(h._body() or b"{}")
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise SqlError("390142", "22000", "Incoming request does not contain a valid payload.", status=400)
        return body

    def repo(self, name: str, database: str | None, schema: str | None) -> Repo:
        parts = [ident(p) for p in name.split(".")]
        fq = ".".join(parts if len(parts) == 3 else ([(database or "").upper(), (schema or "").upper()]
                                                      + parts)[-3:])
        r = self.repos.get(fq)
        if r is None:
            raise SqlError("002003", "02000", f"SQL compilation error:\nImage repository '{fq}' does not exist or "
                           "not authorized.")
        return r

    def repo_url(self, r: Repo) -> str:
        return (f"snowdeck-sandbox.registry.snowflakecomputing.com/{r.database.lower()}/{r.schema.lower()}/"
                f"{r.name.lower()}")

    def logs(self, sv: Service, instance: str, container: str, lines: int | None, previous: bool) -> str:
        c = next((c for c in sv.containers if c.name == container), None)
        if c is None or instance != "0":
            raise SqlError("002003", "02000", f"Container '{container}' of instance {instance} does not exist in "
                           f"service {sv.name}.")
        if previous:
            if not c.previous:
                raise SqlError("391911", "22000", f"No previous logs for container {container}: it has not been "
                               "restarted.")
            out = c.previous
        else:
            out = self.backend.logs(sv, c, now())
        if lines is not None:
            out = out[-lines:] if lines else []
        return "\n".join(out)

    def status_json(self, sv: Service) -> str:
        rows = self.container_rows(sv)
        return json.dumps([{"status": r["status"], "message": r["message"], "containerName": r["container_name"],
                            "instanceId": r["instance_id"], "serviceName": sv.name, "image": r["image_name"],
                            "restartCount": r["restart_count"], "startTime": r["start_time"]} for r in rows])

    # ------------------------------------------------------------- REST ----
    def rest(self, h: Any, op: str, **kw: str) -> None:
        with self.lock:
            self.tick()
            try:
                self._rest(h, op, **kw)
            except SqlError as e:
                h.error(404 if e.code == "002003" else 400 if e.code in ("390142", "395018") else
                        403 if e.code == "003001" else 409 if e.status == 422 else e.status, e.code,
                        e.message.replace("SQL compilation error:\n", ""), rest=True)

    def _rest(self, h: Any, op: str, database: str = "", schema: str = "", name: str = "") -> None:
        q = h.q
        ok = {"status": "Statement executed successfully."}
        if op == "pools":
            rx = like_regex(q["like"]) if q.get("like") else None
            return h.rest_ok([self.pool_dict(p) for p in sorted(self.pools.values(), key=lambda p: p.name)
                              if (not rx or rx.fullmatch(p.name)) and
                              (not q.get("startsWith") or p.name.startswith(q["startsWith"]))])
        if op == "pool":
            return h.rest_ok(self.pool_dict(self._pool(name)))  # type: ignore[arg-type]
        if op == "pool_create":
            body = self._json_body(h)
            mode = q.get("createMode", "errorIfExists")
            try:
                pname = ident(str(body["name"]))
                fam, lo, hi = str(body["instance_family"]), int(body["min_nodes"]), int(body["max_nodes"])
            except (KeyError, TypeError, ValueError):
                return h.error(400, "390142", "A compute pool needs name, instance_family, min_nodes and "
                               "max_nodes.", rest=True)
            if pname in self.pools and mode != "orReplace":
                if mode == "ifNotExists":
                    return h.rest_ok({"status": f"{pname} already exists, statement succeeded."})
                return h.error(409, "002002", f"Object '{pname}' already exists.", rest=True)
            p = self.create_pool(pname, fam, lo, hi, bool(body.get("auto_resume", True)),
                                 q.get("initiallySuspended", "").lower() == "true", str(body.get("comment") or ""))
            if isinstance(body.get("auto_suspend_secs"), int):
                p.auto_suspend_secs = body["auto_suspend_secs"]
            return h.rest_ok({"status": f"Compute pool {pname} successfully created."})
        if op == "pool_delete":
            p = self._pool(name, q.get("ifExists", "").lower() == "true")
            if p is not None:
                if any(sv.pool == p.name for sv in self.services.values()):
                    return h.error(400, "399002", f"Cannot drop compute pool {p.name}: it still has services; "
                                   "drop them first.", rest=True)
                del self.pools[p.name]
            return h.rest_ok({"status": f"{name.upper()} successfully dropped."})
        if op in ("pool_resume", "pool_suspend"):
            h._body()
            p = self._pool(name, q.get("ifExists", "").lower() == "true")
            if p is not None:
                self.require_operate_pool(p)
                (self._resume_pool if op == "pool_resume" else self.suspend_pool)(p)
            return h.rest_ok(ok)
        if op == "services":
            rx = like_regex(q["like"]) if q.get("like") else None
            out = [self.service_dict(s) for s in sorted(self.services.values(), key=lambda s: s.name)
                   if s.database == database.upper() and s.schema == schema.upper() and
                   (not rx or rx.fullmatch(s.name)) and (not q.get("startsWith") or s.name.startswith(q["startsWith"]))]
            if q.get("showLimit", "").isdigit():
                out = out[:int(q["showLimit"])]
            return h.rest_ok(out)
        if op == "service_create":
            body = self._json_body(h)
            spec = body.get("spec") if isinstance(body.get("spec"), dict) else {}
            if not body.get("name") or not body.get("compute_pool") or spec.get("spec_type") != "from_inline" \
                    or not isinstance(spec.get("spec_text"), str):
                return h.error(400, "390142", "A service needs name, compute_pool and spec {spec_type: "
                               "from_inline, spec_text} (from_file specs are not supported by the sandbox).",
                               rest=True)
            fq = f"{database.upper()}.{schema.upper()}.{ident(str(body['name']))}"
            mode = q.get("createMode", "errorIfExists")
            if fq in self.services and mode != "orReplace":
                if mode == "ifNotExists":
                    return h.rest_ok({"status": f"{fq} already exists, statement succeeded."})
                return h.error(409, "002002", f"Object '{fq}' already exists.", rest=True)
            lo = int(body.get("min_instances") or 1)
            sv = self.create_service(database, schema, str(body["name"]), str(body["compute_pool"]),
                                     spec["spec_text"], lo, int(body.get("max_instances") or lo),
                                     comment=str(body.get("comment") or ""))
            sv.auto_resume = bool(body.get("auto_resume", True))
            return h.rest_ok({"status": f"Service {sv.name} successfully created."})
        sv = self._svc(f"{database}.{schema}.{name}", None, None,
                       op in ("svc_resume", "svc_suspend", "service_delete") and q.get("ifExists", "").lower() == "true")
        if op == "service":
            return h.rest_ok(self.service_dict(sv))  # type: ignore[arg-type]
        if op == "service_delete":
            if sv is not None:
                self.backend.remove(sv)
                del self.services[sv.fq]
            return h.rest_ok({"status": f"{name.upper()} successfully dropped."})
        if op in ("svc_resume", "svc_suspend"):
            h._body()
            if sv is not None:
                self.require_operate_service(sv)
                (self.resume_service if op == "svc_resume" else self.suspend_service)(sv)
            return h.rest_ok(ok)
        assert sv is not None
        if op == "containers":
            return h.rest_ok([{k: v for k, v in r.items() if k not in ("last_exit_code", "last_restart_time")}
                              for r in self.container_rows(sv)])
        if op == "instances":
            return h.rest_ok([] if sv.status == "SUSPENDED" else [{
                "database_name": sv.database, "schema_name": sv.schema, "service_name": sv.name,
                "service_status": sv.status, "instance_id": "0", "status": self.instance_status(sv),
                "spec_digest": hashlib.sha256(sv.spec_text.encode()).hexdigest(), "creation_time": iso(sv.created),
                "start_time": iso(sv.resumed) or ""}])
        if op == "endpoints":
            return h.rest_ok([{k: v for k, v in {"name": ep.get("name"), "port": ep.get("port"),
                                                 "protocol": ep.get("protocol", "HTTP"),
                                                 "is_public": bool(ep.get("public")),
                                                 "ingress_url": self.ingress(sv, ep) if ep.get("public") else None
                                                 }.items() if v is not None} for ep in sv.endpoints])
        if op == "logs":
            if "instanceId" not in q or "containerName" not in q:
                return h.error(400, "390142", "instanceId and containerName are required query parameters.",
                               rest=True)
            n = q.get("numLines")
            text = self.logs(sv, q["instanceId"], q["containerName"], int(n) if n and n.isdigit() else None,
                             q.get("previous", "").lower() == "true")
            return h.rest_ok({"system$get_service_logs": text})
        if op == "status":
            return h.rest_ok({"system$get_service_status": self.status_json(sv)})
        raise AssertionError(op)

    def rest_repos(self, h: Any, op: str, database: str, schema: str, name: str = "") -> None:
        with self.lock:
            if op == "repos":
                rx = like_regex(h.q["like"]) if h.q.get("like") else None
                return h.rest_ok([self.repo_dict(r) for r in sorted(self.repos.values(), key=lambda r: r.name)
                                  if r.database == database.upper() and r.schema == schema.upper() and
                                  (not rx or rx.fullmatch(r.name))])
            try:
                r = self.repo(f"{database}.{schema}.{name}", None, None)
            except SqlError as e:
                return h.error(404, e.code, e.message.replace("SQL compilation error:\n", ""), rest=True)
            if op == "repo":
                return h.rest_ok(self.repo_dict(r))
            return h.rest_ok(r.images)

    def repo_dict(self, r: Repo) -> dict[str, Any]:
        return {"name": r.name, "database_name": r.database, "schema_name": r.schema, "created_on": iso(r.created),
                "repository_url": self.repo_url(r), "owner": "SNOWDECK_ROLE", "owner_role_type": "ROLE"}

    # ---------------------------------------------------------- control ----
    def control(self, h: Any, path: str) -> None:
        raw = h._body() if h.command == "POST" else b""
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            return h.send(400, {"error": "body must be JSON"})
        with self.lock:
            if path == "/_sandbox/spcs/fail-resume":
                try:
                    sv = self._svc(body.get("service", ""), body.get("database", "DEMO"), body.get("schema", "XCOM"))
                except SqlError as e:
                    return h.send(404, {"error": e.message})
                assert sv is not None
                sv.fail_next_resume = int(body.get("count", 1))
                return h.send(200, {"service": sv.fq, "fail_next_resume": sv.fail_next_resume})
            if path == "/_sandbox/spcs/timings":
                if "pending_ms" in body:
                    self.pending_s = int(body["pending_ms"]) / 1000
                if "suspending_ms" in body:
                    self.suspending_s = int(body["suspending_ms"]) / 1000
                return h.send(200, {"pending_ms": int(self.pending_s * 1000),
                                    "suspending_ms": int(self.suspending_s * 1000)})
        h.send(404, {"error": f"unknown control endpoint {path}"})


def _route_table() -> list[tuple[str, Any, Any]]:
    from sandbox_server import DS, R
    P = r"(?P<name>[^/:]+)"

    def svc(op: str) -> Any:
        return lambda h, **kw: h.sb.spcs.rest(h, op, **kw)

    def repo(op: str) -> Any:
        return lambda h, **kw: h.sb.spcs.rest_repos(h, op, **kw)

    return [
        ("GET", R(r"^/api/v2/compute-pools$"), svc("pools")),
        ("POST", R(r"^/api/v2/compute-pools$"), svc("pool_create")),
        ("DELETE", R(rf"^/api/v2/compute-pools/{P}$"), svc("pool_delete")),
        ("POST", R(rf"^{DS}/services$"), svc("service_create")),
        ("DELETE", R(rf"^{DS}/services/{P}$"), svc("service_delete")),
        ("GET", R(rf"^/api/v2/compute-pools/{P}$"), svc("pool")),
        ("POST", R(rf"^/api/v2/compute-pools/{P}:resume$"), svc("pool_resume")),
        ("POST", R(rf"^/api/v2/compute-pools/{P}:suspend$"), svc("pool_suspend")),
        ("GET", R(rf"^{DS}/services$"), svc("services")),
        ("GET", R(rf"^{DS}/services/{P}$"), svc("service")),
        ("POST", R(rf"^{DS}/services/{P}:resume$"), svc("svc_resume")),
        ("POST", R(rf"^{DS}/services/{P}:suspend$"), svc("svc_suspend")),
        ("GET", R(rf"^{DS}/services/{P}/containers$"), svc("containers")),
        ("GET", R(rf"^{DS}/services/{P}/instances$"), svc("instances")),
        ("GET", R(rf"^{DS}/services/{P}/endpoints$"), svc("endpoints")),
        ("GET", R(rf"^{DS}/services/{P}/logs$"), svc("logs")),
        ("GET", R(rf"^{DS}/services/{P}/status$"), svc("status")),
        ("GET", R(rf"^{DS}/image-repositories$"), repo("repos")),
        ("GET", R(rf"^{DS}/image-repositories/{P}$"), repo("repo")),
        ("GET", R(rf"^{DS}/image-repositories/{P}/images$"), repo("images")),
    ]


def install_routes() -> None:
    import sandbox_server
    if not any(getattr(fn, "__name__", "") == "<lambda>" for _m, _r, fn in sandbox_server.ROUTES):
        sandbox_server.ROUTES.extend(_route_table())

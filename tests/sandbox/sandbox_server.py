"""snowdeck's local Snowflake sandbox: TEST AND DEMO INFRASTRUCTURE, NOT SNOWFLAKE.

One process on loopback that imitates Snowflake on the wire:
  * the SQL API v2 (/api/v2/statements: sync, 202/async, partitions, gzip,
    cancel, requestId de-duplication), SQL executed by fakesnow on DuckDB;
  * the REST resource APIs for stages, compute pools, services and image
    repositories (paths as in Snowflake's OpenAPI specs);
  * the drivers' connector protocol (/session/v1/login-request,
    /queries/v1/query-request ...) served by fakesnow's own server on the same
    data, so the Python connector and `snow` can be pointed here too;
  * presigned URLs served by the sandbox itself, signed and expiring;
  * test-only control endpoints under /_sandbox/ (faults, request log, reset).
Started by tests/sandbox/sandbox.sh; see tests/sandbox/README.md.
"""
from __future__ import annotations

import argparse
import asyncio
import base64
import gzip
import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import socket
import sys
import threading
import time
import traceback
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time as dtime, timezone
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

BANNER = "snowdeck Snowflake sandbox -- TEST AND DEMO INFRASTRUCTURE, NOT SNOWFLAKE"

log = logging.getLogger("sandbox")

ACCOUNT = "SNOWDECK_SANDBOX"
USER = "SNOWDECK"
ROLE = "SNOWDECK_ROLE"
# Roles whose statements are never checked against grants (the sandbox's admin roles: the
# configured role owns the seed, SYSADMIN creates for setup); every other role is held to what
# SHOW GRANTS TO ROLE says it (or a role it inherits) holds, as Snowflake does.
ADMIN_ROLES = frozenset({ROLE, "ACCOUNTADMIN", "SYSADMIN", "SECURITYADMIN"})
# The system roles' own grants (Snowflake's defaults, abridged) and the role hierarchy:
# ACCOUNTADMIN > SYSADMIN, SECURITYADMIN > USERADMIN; custom roles under SYSADMIN.
SYSTEM_GRANTS = [
    ("USAGE", "ROLE", "SYSADMIN", "ACCOUNTADMIN"), ("USAGE", "ROLE", "SECURITYADMIN", "ACCOUNTADMIN"),
    ("CREATE COMPUTE POOL", "ACCOUNT", ACCOUNT, "ACCOUNTADMIN"),
    ("CREATE INTEGRATION", "ACCOUNT", ACCOUNT, "ACCOUNTADMIN"),
    ("BIND SERVICE ENDPOINT", "ACCOUNT", ACCOUNT, "ACCOUNTADMIN"),
    ("MANAGE GRANTS", "ACCOUNT", ACCOUNT, "SECURITYADMIN"), ("USAGE", "ROLE", "USERADMIN", "SECURITYADMIN"),
    ("CREATE ROLE", "ACCOUNT", ACCOUNT, "USERADMIN"), ("CREATE USER", "ACCOUNT", ACCOUNT, "USERADMIN"),
    ("CREATE DATABASE", "ACCOUNT", ACCOUNT, "SYSADMIN"), ("CREATE WAREHOUSE", "ACCOUNT", ACCOUNT, "SYSADMIN"),
    ("USAGE", "ROLE", ROLE, "SYSADMIN"),
    ("CREATE COMPUTE POOL", "ACCOUNT", ACCOUNT, ROLE),
]
# The role of the statement or REST call being served (each runs on its own thread).
SESSION = threading.local()


def session_role() -> str:
    return getattr(SESSION, "role", None) or ROLE
WAREHOUSE = "SNOWDECK_WH"


class SqlError(Exception):
    def __init__(self, code: str, sqlstate: str, message: str, status: int = 422):
        super().__init__(message)
        self.code, self.sqlstate, self.message, self.status = code, sqlstate, message, status


class Dropped(Exception):
    """The handler closed the connection without an answer (fault kind drop)."""


# ---------------------------------------------------------------- results ----

def _epoch_frac(dt: datetime) -> str:
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    delta = dt - datetime(1970, 1, 1, tzinfo=timezone.utc)
    secs = delta.days * 86400 + delta.seconds
    return f"{secs}.{delta.microseconds * 1000:09d}"


def encode_value(v: Any, sftype: str) -> str | None:
    """One value as the SQL API encodes it: always a string (or null)."""
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (bytes, bytearray, memoryview)):
        return bytes(v).hex().upper()
    if isinstance(v, datetime):
        s = _epoch_frac(v)
        if sftype == "timestamp_tz":
            off = v.utcoffset()
            minutes = int(off.total_seconds() // 60) if off else 0
            return f"{s} {minutes + 1440}"
        return s
    if isinstance(v, date):
        return str((v - date(1970, 1, 1)).days)
    if isinstance(v, dtime):
        secs = v.hour * 3600 + v.minute * 60 + v.second
        return f"{secs}.{v.microsecond * 1000:09d}"
    if isinstance(v, float):
        if v != v:
            return "NaN"
        if v in (float("inf"), float("-inf")):
            return "inf" if v > 0 else "-inf"
        return str(int(v)) if sftype == "fixed" and v == int(v) else repr(v)
    if isinstance(v, (dict, list)):
        return json.dumps(v, indent=2)
    if isinstance(v, Decimal):
        return format(v, "f")
    return str(v)


def column(name: str, sftype: str = "text", nullable: bool = True, **kw: Any) -> dict[str, Any]:
    c: dict[str, Any] = {"name": name, "database": "", "schema": "", "table": "", "type": sftype,
                         "nullable": nullable, "length": 0, "precision": 0, "scale": 0,
                         "byteLength": None, "collation": None}
    if sftype == "text":
        c["length"] = c["byteLength"] = 16777216
    if sftype == "fixed":
        c["precision"] = 38
    if sftype.startswith("time"):
        c["scale"] = 9  # fractional digits, as Snowflake describes TIME/TIMESTAMP_* columns
    c.update(kw)
    return c


@dataclass
class Result:
    rowtype: list[dict[str, Any]]
    rows: list[list[str | None]]
    stats: dict[str, int] | None = None


def text_result(rows: list[list[Any]], names: list[str], types: list[str] | None = None) -> Result:
    types = types or ["text"] * len(names)
    return Result([column(n, t) for n, t in zip(names, types)],
                  [[encode_value(v, t) for v, t in zip(r, types)] for r in rows])


def status_result(msg: str = "Statement executed successfully.") -> Result:
    return text_result([[msg]], ["status"])


# -------------------------------------------------------------- statements ----

@dataclass
class Statement:
    handle: str
    request_id: str
    sql: str
    created_ms: int
    database: str | None
    schema: str | None
    done: threading.Event = field(default_factory=threading.Event)
    result: Result | None = None
    error: SqlError | None = None
    cancelled: bool = False
    ready_at: float = 0.0  # fault async: the result shows only from then on
    partitions: list[list[list[str | None]]] = field(default_factory=list)
    # once answered: per partition (rows, uncompressed JSON size, gzip of the JSON array); the row
    # objects are then dropped, so a million-row result costs megabytes, not a gigabyte
    packed: list[tuple[int, int, bytes]] | None = None
    pack_lock: threading.Lock = field(default_factory=threading.Lock)  # not the global lock: packing is slow
    timeout: int = 0
    timed_out: bool = False


def inline_bindings(s: str, bindings: dict[str, Any] | None) -> str:
    """Positional bindings (1, 2, ...) written into the SPCS statement as literals, so the
    simulated SYSTEM$ functions see them as Snowflake would (TEXT quoted, the rest bare)."""
    if not bindings or not all(k.isdigit() for k in bindings):
        return s
    vals = iter(bindings[str(i)] for i in range(1, len(bindings) + 1))

    def lit(_m: re.Match[str]) -> str:
        b = next(vals, None)
        if b is None:
            return "?"
        v = str(b.get("value"))
        return "'" + v.replace("'", "''") + "'" if b.get("type") == "TEXT" else v
    return re.sub(r"\?", lit, s)


@dataclass
class Fault:
    match: re.Pattern[str]
    kind: str
    count: int
    status: int = 503
    retry_after: int | None = None
    delay_ms: int = 0
    partitions: int = 0
    phase: str = "before"
    raw: dict[str, Any] = field(default_factory=dict)
    query: re.Pattern[str] | None = None  # optional regex on the query string


FAULT_KINDS = ("latency", "status", "async", "partitions", "drop", "sqlerror")
# "sqlerror" matches the statement text (not METHOD path) and makes that statement fail with
# {"code", "sqlstate", "message"} from the fault, as Snowflake would (e.g. 003001 insufficient
# privileges): a test makes one step of a sequence fail.

ERROR_BODIES = {
    400: ("390142", "Incoming request does not contain a valid payload."),
    401: ("390303", "Invalid OAuth access token."),
    403: ("390102", "Forbidden: the API is not enabled for this account."),
    404: ("390404", "The requested resource was not found."),
    408: ("000630", "Statement reached its statement or warehouse timeout and was canceled."),
    429: ("390505", "Too many requests."),
    500: ("390501", "Internal server error (injected by the sandbox)."),
    502: ("390502", "Bad gateway (injected by the sandbox)."),
    503: ("390503", "Service unavailable (injected by the sandbox)."),
    504: ("390504", "Gateway timeout (injected by the sandbox)."),
}


class Sandbox:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.state = os.path.realpath(args.state)
        self.stage_root = os.path.join(self.state, "stages")
        os.makedirs(self.stage_root, exist_ok=True)
        # fakesnow keeps internal stages under LOCAL_BUCKET_PATH: point it at ours
        import fakesnow.transforms.stage as fs_stage
        fs_stage.LOCAL_BUCKET_PATH = self.stage_root
        import fakesnow.server as fs_server
        from fakesnow.instance import FakeSnow
        self.fs = FakeSnow()
        fs_server.shared_fs = self.fs
        self.fs_app = fs_server.app
        self.fs_lock = threading.Lock()
        from sfauth import Registry
        self.auth = Registry(ACCOUNT)
        self.lock = threading.RLock()
        self.statements: dict[str, Statement] = {}
        self.by_request: dict[str, str] = {}
        self.faults: list[Fault] = []
        self.requests: list[dict[str, Any]] = []
        # Access control (fakesnow has none): one row per (privilege, granted_on, name, role),
        # from GRANT/REVOKE (GRANT ROLE x TO ROLE y is USAGE on ROLE x), OWNERSHIP of what a
        # role creates, and the system roles' defaults; shown by SHOW GRANTS TO ROLE, enforced
        # (require) for roles outside ADMIN_ROLES.
        self.grants: list[dict[str, str]] = []
        # The user's granted roles (GRANT ROLE r TO USER; the configured role's own grant is not
        # modelled) and whether DEFAULT_SECONDARY_ROLES = ('ALL') makes them secondary roles.
        self.user_roles: list[str] = []
        # Database roles (DB.NAME), from CREATE DATABASE ROLE.
        self.database_roles: set[str] = set()
        self.secondary_all = False
        self.seed_system_grants()
        # Warehouses (fakesnow knows one fixed warehouse and no CREATE WAREHOUSE).
        self.warehouses: dict[str, dict[str, str]] = {}
        self.create_warehouse(WAREHOUSE, "X-Small", "600")
        self.seq = 0
        self.sign_key = secrets.token_bytes(32)
        self.port = 0
        import spcs
        spcs.install_routes()
        self.spcs = spcs.Spcs(self, args)

    # ------------------------------------------------------------- SQL ----
    def connect(self, database: str | None, schema: str | None) -> Any:
        return self.fs.connect(database, schema)

    def run_sql(self, sql: str, database: str | None, schema: str | None,
                bindings: dict[str, Any] | None = None, host_url: str = "") -> Result:
        """Execute one statement. Intercepts what fakesnow lacks; the rest goes to fakesnow."""
        s = sql.strip().rstrip(";").strip()
        if not s:
            raise SqlError("000900", "42000", "SQL compilation error:\nEmpty SQL statement.")
        with self.lock:
            for f in self.faults:
                if f.kind == "sqlerror" and f.count > 0 and f.match.search(s):
                    f.count -= 1
                    if f.count == 0:
                        self.faults.remove(f)
                    raise SqlError(str(f.raw.get("code", "003001")), str(f.raw.get("sqlstate", "42501")),
                                   str(f.raw.get("message", "SQL access control error:\nInsufficient "
                                                 "privileges to operate on schema.")))
        m = re.match(r"^CREATE\s+(?:OR\s+REPLACE\s+)?(DATABASE|WAREHOUSE|COMPUTE\s+POOL)\b", s, re.IGNORECASE)
        if m:
            self.require(["CREATE " + re.sub(r"\s+", " ", m[1].upper())], "ACCOUNT", ACCOUNT,
                         f"account '{ACCOUNT}'")
        intercepted = self.intercept(s, database, schema, host_url)
        if intercepted is not None:
            return intercepted
        spcs_result = self.spcs.sql(inline_bindings(s, bindings), database, schema)
        if spcs_result is not None:
            return spcs_result
        res = self.fakesnow_sql(s, database, schema, bindings)
        self.own_created(s, database, schema)
        return res

    # -------------------------------------------------- access control ----
    def seed_system_grants(self) -> None:
        with self.lock:
            for priv, kind, name, role in SYSTEM_GRANTS:
                self.add_grant(priv, kind, name, role, "ACCOUNTADMIN")

    def add_grant(self, priv: str, kind: str, name: str, role: str, by: str = "SYSADMIN") -> None:
        key = (priv, kind, name, role)
        if not any((g["privilege"], g["granted_on"], g["name"], g["role"]) == key for g in self.grants):
            now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3] + " +0000"
            self.grants.append({"privilege": priv, "granted_on": kind, "name": name, "role": role,
                                "created_on": now, "granted_by": by})

    def own(self, kind: str, name: str, role: str | None = None, replace: bool = False) -> None:
        """OWNERSHIP of a created object goes to the creating role (kept when it already had an owner,
        unless the object was replaced)."""
        role = role or session_role()
        with self.lock:
            have = [g for g in self.grants if g["privilege"] == "OWNERSHIP" and g["granted_on"] == kind
                    and g["name"] == name]
            if have and not replace:
                return
            for g in have:
                self.grants.remove(g)
            self.add_grant("OWNERSHIP", kind, name, role, role)

    def own_created(self, s: str, database: str | None, schema: str | None) -> None:
        m = re.match(r"^CREATE\s+(OR\s+REPLACE\s+)?(?:TRANSIENT\s+|TEMPORARY\s+)?(DATABASE|SCHEMA|TABLE|STAGE)\s+"
                     r"(?:IF\s+NOT\s+EXISTS\s+)?((?:\"[^\"]*\"|[\w$]+)(?:\.(?:\"[^\"]*\"|[\w$]+))*)", s, re.IGNORECASE)
        if not m:
            return
        kind = m[2].upper()
        parts = [ident_name(p) for p in split_ident(m[3])]
        want = {"DATABASE": 1, "SCHEMA": 2, "TABLE": 3, "STAGE": 3}[kind]
        ctx = [(database or "").upper(), (schema or "").upper()]
        parts = (ctx[:want - len(parts)] + parts) if len(parts) < want else parts
        self.own(kind, ".".join(parts), replace=bool(m[1]))

    def roles_of(self, role: str) -> list[str]:
        """The role and every role it inherits (USAGE on ROLE), breadth first."""
        out, i = [role], 0
        with self.lock:
            while i < len(out):
                for g in self.grants:
                    if g["role"] == out[i] and g["privilege"] == "USAGE" and \
                            g["granted_on"] in ("ROLE", "DATABASE_ROLE") and g["name"] not in out:
                        out.append(g["name"])
                i += 1
        return out

    def secondary_roles(self, primary: str) -> list[str]:
        """The session's secondary roles: every role granted to the user when its
        DEFAULT_SECONDARY_ROLES is ('ALL'), the primary role aside."""
        with self.lock:
            return [r for r in self.user_roles if r != primary] if self.secondary_all else []

    def current_secondary_roles(self, primary: str) -> str:
        """CURRENT_SECONDARY_ROLES()'s answer: {"roles":"R1,R2","value":"ALL"}."""
        return json.dumps({"roles": ",".join(self.secondary_roles(primary)),
                           "value": "ALL" if self.secondary_all else ""}, separators=(",", ":"))

    def require(self, privs: list[str], kind: str, name: str, what: str) -> None:
        """Snowflake's insufficient privileges error unless the session role (or a role it inherits)
        holds one of privs, or OWNERSHIP, on the object (any name for ACCOUNT). Secondary roles (and
        what they inherit) count too, except for CREATE privileges: the primary role's alone."""
        roles = self.roles_of(session_role())
        if not any(p.startswith("CREATE") for p in privs):
            for sec in self.secondary_roles(session_role()):
                roles += [r for r in self.roles_of(sec) if r not in roles]
        if ADMIN_ROLES.intersection(roles):
            return
        with self.lock:
            for g in self.grants:
                if g["role"] in roles and g["granted_on"] == kind and \
                        (kind == "ACCOUNT" or g["name"] == name) and \
                        (g["privilege"] in privs or g["privilege"] == "OWNERSHIP"):
                    return
        raise SqlError("003001", "42501", f"SQL access control error:\nInsufficient privileges to operate on "
                       f"{what}.")

    def fakesnow_sql(self, s: str, database: str | None, schema: str | None,
                     bindings: dict[str, Any] | None) -> Result:
        import snowflake.connector.errors as sferr
        from fakesnow.converter import from_binding
        from fakesnow.rowtype import describe_as_rowtype
        params: Any = None
        if bindings:
            try:
                if all(k.isdigit() for k in bindings):
                    params = tuple(from_binding(bindings[str(i)]) for i in range(1, len(bindings) + 1))
                else:
                    params = {k: from_binding(b) for k, b in bindings.items()}
            except (KeyError, ValueError, TypeError) as e:
                raise SqlError("100037", "22018", f"Bind variable value is not recognized: {e}") from None
        conn = self.connect(database, schema)
        try:
            cur = conn.cursor()
            try:
                cur.execute(s, binding_params=params, server=True)
            except (sferr.ProgrammingError, sferr.OperationalError, sferr.DatabaseError) as e:
                code = f"{e.errno:06d}" if isinstance(e.errno, int) and e.errno > 0 else "002003"
                raise SqlError(code, e.sqlstate or "42000", e.msg or str(e)) from None
            except Exception as e:  # fakesnow / duckdb limitation
                raise SqlError("002003", "42000", f"SQL compilation error:\n{e}") from None
            table = cur._arrow_table  # noqa: SLF001
            if table is None:
                return status_result()
            try:
                rowtype = describe_as_rowtype(cur._describe_last_sql())  # noqa: SLF001
            except Exception:
                rowtype = [{"name": n, "type": "text"} for n in table.column_names]
            cols = []
            for c in rowtype:
                cc = column(c["name"], c["type"])
                for k in ("length", "precision", "scale"):
                    if isinstance(c.get(k), int):
                        cc[k] = c[k]
                cols.append(cc)
            pycols = [c.to_pylist() for c in table.columns]
            types = [c["type"] for c in cols]
            rows = [[encode_value(v, t) for v, t in zip(r, types)] for r in zip(*pycols)]
            stats = None
            verb = s.split(None, 1)[0].upper()
            if verb in ("INSERT", "UPDATE", "DELETE", "MERGE") and rows and rows[0]:
                n = int(rows[0][0] or 0)
                stats = {"INSERT": {"numRowsInserted": n}, "UPDATE": {"numRowsUpdated": n},
                         "DELETE": {"numRowsDeleted": n}}.get(verb, {"numRowsInserted": n})
            return Result(cols, rows, stats)
        finally:
            conn.close()

    def existing_context(self, database: str | None, schema: str | None) -> tuple[str | None, str | None]:
        """The body's database and schema, each None when it does not exist (never created implicitly)."""
        if not database:
            return None, None
        conn = self.connect(None, None)
        try:
            cur = conn._duck_conn  # noqa: SLF001
            cur.execute("select count(*) from information_schema.schemata where catalog_name = ?", [database])
            row = cur.fetchone()
            if not row or not row[0]:
                return None, None
            if schema:
                cur.execute("select count(*) from information_schema.schemata where catalog_name = ? "
                            "and schema_name = ?", [database, schema])
                row = cur.fetchone()
                if not row or not row[0]:
                    return database, None
            return database, schema
        finally:
            conn.close()

    def stage_exists(self, db: str, sc: str, name: str) -> bool:
        conn = self.connect(None, None)
        try:
            cur = conn._duck_conn  # noqa: SLF001
            cur.execute("select count(*) from _fs_global._fs_information_schema._fs_stages "
                        "where database_name = ? and schema_name = ? and name = ?", [db, sc, name])
            row = cur.fetchone()
            return bool(row and row[0])
        finally:
            conn.close()

    def stage_rows(self, db: str, sc: str, like: str | None) -> list[dict[str, Any]]:
        conn = self.connect(None, None)
        try:
            cur = conn._duck_conn  # noqa: SLF001
            cur.execute("select name, created_on, url, type, comment, owner, directory_enabled "
                        "from _fs_global._fs_information_schema._fs_stages "
                        "where database_name = ? and schema_name = ? order by name", [db, sc])
            rows = cur.fetchall()
        finally:
            conn.close()
        out = []
        rx = like_regex(like) if like else None
        for name, created, url, typ, comment, owner, directory in rows:
            if rx and not rx.fullmatch(name):
                continue
            out.append({"name": name, "created_on": str(created), "url": url or "", "type": typ,
                        "comment": comment or "", "owner": owner or "SYSADMIN",
                        "directory_enabled": directory == "Y"})
        return out

    def _stage_ref(self, text: str, database: str | None, schema: str | None) -> Any:
        from stages import parse_stage_ref
        try:
            ref = parse_stage_ref(text, database, schema)
        except ValueError as e:
            raise SqlError("001003", "42000", f"SQL compilation error:\n{e}") from None
        if not self.stage_exists(ref.database, ref.schema, ref.name):
            raise SqlError("002003", "02000", f"SQL compilation error:\nStage '{ref.fqname}' does not exist "
                           "or not authorized.")
        return ref

    def presign(self, host_url: str, ref: Any, rel: str, expires_in: int) -> str:
        exp = int(time.time()) + max(1, min(expires_in, 604800))
        path = f"/presigned/{quote(ref.database)}/{quote(ref.schema)}/{quote(ref.name)}/{quote(rel.lstrip('/'))}"
        sig = hmac.new(self.sign_key, f"{path}|{exp}".encode(), hashlib.sha256).hexdigest()
        return f"{host_url}{path}?X-Sandbox-Expires={exp}&X-Sandbox-Signature={sig}"

    def intercept(self, s: str, database: str | None, schema: str | None, host_url: str) -> Result | None:
        from stages import list_files, remove_files
        flags = re.IGNORECASE | re.DOTALL
        m = re.match(r"^(?:LIST|LS)\s+('[^']*'|@\S+)(?:\s+PATTERN\s*=\s*'((?:[^']|'')*)')?$", s, flags)
        if m:
            ref = self._stage_ref(m[1], database, schema)
            pattern = m[2].replace("''", "'") if m[2] is not None else None
            try:
                files = list_files(self.stage_root, ref, pattern, self.args.padded_days)
            except re.error as e:
                raise SqlError("100048", "2201B", f"Invalid regular expression '{pattern}': {e}") from None
            return Result([column("name"), column("size", "fixed"), column("md5"), column("last_modified")],
                          [[f.name, str(f.size), f.md5, f.last_modified] for f in files])
        m = re.match(r"^(?:REMOVE|RM)\s+('[^']*'|@\S+)(?:\s+PATTERN\s*=\s*'((?:[^']|'')*)')?$", s, flags)
        if m:
            ref = self._stage_ref(m[1], database, schema)
            pattern = m[2].replace("''", "'") if m[2] is not None else None
            removed = remove_files(self.stage_root, ref, pattern)
            return text_result([[n, "removed"] for n in removed], ["name", "result"])
        m = re.match(r"^SELECT\s+GET_PRESIGNED_URL\s*\(\s*(@[^,\s)]+)\s*,\s*'((?:[^']|'')*)'\s*"
                     r"(?:,\s*(\d+)\s*)?\)\s*(?:AS\s+\w+)?$", s, flags)
        if m:
            ref = self._stage_ref(m[1], database, schema)
            rel = m[2].replace("''", "'")
            url = self.presign(host_url, ref, rel, int(m[3] or 3600))
            return text_result([[url]], [f"GET_PRESIGNED_URL({m[1].upper()}, '{rel}'{', ' + m[3] if m[3] else ''})"])
        m = re.match(r"^ALTER\s+USER\s+(?:IF\s+EXISTS\s+)?(\"[^\"]+\"|\w+)\s+(SET|UNSET)\s+"
                     r"(RSA_PUBLIC_KEY(?:_2)?)(?:\s*=\s*'([^']*)')?$", s, flags)
        if m:
            user = m[1].strip('"') if m[1].startswith('"') else m[1].upper()
            try:
                self.auth.set_public_key(user, m[3].upper(), m[4] if m[2].upper() == "SET" else None)
            except ValueError:
                raise SqlError("002028", "22023", "Invalid RSA public key: the value is not a base64 DER "
                               "SubjectPublicKeyInfo.") from None
            return status_result()
        m = re.match(r"^DESC(?:RIBE)?\s+USER\s+(\"[^\"]+\"|\w+)$", s, flags)
        if m:
            user = m[1].strip('"') if m[1].startswith('"') else m[1].upper()
            fps = self.auth.describe_user(user)
            rows = [["NAME", user, "null", "Name"]]
            for slot in ("RSA_PUBLIC_KEY", "RSA_PUBLIC_KEY_2"):
                rows.append([slot + "_FP", fps.get(slot + "_FP", "null"), "null", "Fingerprint of the key"])
            return text_result(rows, ["property", "value", "default", "description"])
        m = re.match(r"^SELECT\s+SYSTEM\$WAIT\s*\(\s*(\d+(?:\.\d+)?)\s*(?:,\s*'(\w+)'\s*)?\)$", s, flags)
        if m:
            amount, unit = float(m[1]), (m[2] or "SECONDS").upper()
            secs = amount / 1000 if unit.startswith("MILLI") else amount * 60 if unit.startswith("MIN") else amount
            time.sleep(min(secs, 600))
            return text_result([[f"waited {m[1]} {unit.lower()}"]], ["SYSTEM$WAIT"])
        wh = self.warehouse_sql(s)
        if wh is not None:
            return wh
        m = re.match(r"^(GRANT|REVOKE)\s+(.+?)\s+ON\s+(ACCOUNT|(DATABASE|SCHEMA|TABLE|VIEW|STAGE|WAREHOUSE|"
                     r"COMPUTE\s+POOL|IMAGE\s+REPOSITORY|INTEGRATION|SERVICE)\s+(\S+))\s+(?:TO|FROM)\s+"
                     r"(DATABASE\s+)?ROLE\s+((?:\"[^\"]+\"|[\w$]+)(?:\.(?:\"[^\"]+\"|[\w$]+))?)$", s, flags)
        if m:  # a database role is kept as DB.NAME, as SHOW GRANTS names it
            role = self.database_role(m[7], database) if m[6] else ident_name(m[7])
            return self.grant(m[1].upper(), m[2], m[4] or "ACCOUNT", m[5] or ACCOUNT, role)
        m = re.match(r"^CREATE\s+(?:OR\s+REPLACE\s+)?DATABASE\s+ROLE\s+(?:IF\s+NOT\s+EXISTS\s+)?"
                     r"((?:\"[^\"]+\"|[\w$]+)(?:\.(?:\"[^\"]+\"|[\w$]+))?)$", s, flags)
        if m:
            name = self.database_role(m[1], database)
            with self.lock:
                self.database_roles.add(name)
            return status_result(f"Database role {name.split('.')[-1]} successfully created.")
        m = re.match(r"^(GRANT|REVOKE)\s+DATABASE\s+ROLE\s+((?:\"[^\"]+\"|[\w$]+)(?:\.(?:\"[^\"]+\"|[\w$]+))?)"
                     r"\s+(?:TO|FROM)\s+ROLE\s+(\"[^\"]+\"|[\w$]+)$", s, flags)
        if m:  # shown as USAGE on DATABASE_ROLE db.r in SHOW GRANTS TO ROLE
            sub, to = self.database_role(m[2], database), ident_name(m[3])
            with self.lock:
                if sub not in self.database_roles:
                    raise SqlError("002003", "02000", f"SQL compilation error:\nDatabase role '{sub}' does "
                                   "not exist or not authorized.")
                if m[1].upper() == "GRANT":
                    self.add_grant("USAGE", "DATABASE_ROLE", sub, to, session_role())
                else:
                    self.grants[:] = [g for g in self.grants if (g["privilege"], g["granted_on"], g["name"],
                                                                 g["role"]) != ("USAGE", "DATABASE_ROLE", sub, to)]
            return status_result()
        m = re.match(r"^(GRANT|REVOKE)\s+ROLE\s+(\"[^\"]+\"|[\w$]+)\s+(?:TO|FROM)\s+ROLE\s+(\"[^\"]+\"|[\w$]+)$",
                     s, flags)
        if m:  # the role hierarchy: shown as USAGE on ROLE x in SHOW GRANTS TO ROLE y
            sub, to = ident_name(m[2]), ident_name(m[3])
            with self.lock:
                if m[1].upper() == "GRANT":
                    self.add_grant("USAGE", "ROLE", sub, to, session_role())
                else:
                    self.grants[:] = [g for g in self.grants if (g["privilege"], g["granted_on"], g["name"],
                                                                 g["role"]) != ("USAGE", "ROLE", sub, to)]
            return status_result()
        m = re.match(r"^(GRANT|REVOKE)\s+ROLE\s+(\"[^\"]+\"|[\w$]+)\s+(?:TO|FROM)\s+USER\s+(\"[^\"]+\"|[\w$]+)$",
                     s, flags)
        if m:  # roles granted to the (one) user: its secondary roles under DEFAULT_SECONDARY_ROLES
            role = ident_name(m[2])
            with self.lock:
                if m[1].upper() == "GRANT" and role not in self.user_roles:
                    self.user_roles.append(role)
                elif m[1].upper() == "REVOKE" and role in self.user_roles:
                    self.user_roles.remove(role)
            return status_result()
        m = re.match(r"^ALTER\s+USER\s+(?:\"[^\"]+\"|[\w$]+)\s+(?:SET\s+DEFAULT_SECONDARY_ROLES\s*=\s*"
                     r"\(\s*('ALL')?\s*\)|(UNSET)\s+DEFAULT_SECONDARY_ROLES)$", s, flags)
        if m:
            with self.lock:
                self.secondary_all = bool(m[1]) and not m[2]
            return status_result()
        m = re.match(r"^SHOW\s+GRANTS\s+TO\s+(DATABASE\s+)?ROLE\s+"
                     r"((?:\"[^\"]+\"|[\w$]+)(?:\.(?:\"[^\"]+\"|[\w$]+))?)$", s, flags)
        if m:
            role = self.database_role(m[2], database) if m[1] else ident_name(m[2])
            if m[1] and role not in self.database_roles:
                raise SqlError("002003", "02000", f"SQL compilation error:\nDatabase role '{role}' does not "
                               "exist or not authorized.")
            with self.lock:
                rows = [[g["created_on"], g["privilege"], g["granted_on"], g["name"],
                         "DATABASE_ROLE" if m[1] else "ROLE", role, "false",
                         g.get("granted_by", "SYSADMIN")] for g in self.grants if g["role"] == role]
            return text_result(rows, ["created_on", "privilege", "granted_on", "name", "granted_to",
                                      "grantee_name", "grant_option", "granted_by"])
        if re.match(r"^(PUT|GET)\s", s, flags):
            raise SqlError("000002", "0A000", f"Unsupported feature '{s.split()[0].upper()}': the SQL API does "
                           "not support PUT and GET.")
        return None

    def create_warehouse(self, name: str, size: str, auto_suspend: str) -> None:
        now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3] + " +0000"
        with self.lock:
            self.warehouses.setdefault(name, {"name": name, "state": "SUSPENDED", "type": "STANDARD",
                                              "size": size, "auto_suspend": auto_suspend, "auto_resume": "true",
                                              "created_on": now, "owner": "SYSADMIN", "comment": ""})

    def warehouse_sql(self, s: str) -> Result | None:
        flags = re.IGNORECASE | re.DOTALL
        m = re.match(r"^CREATE\s+(OR\s+REPLACE\s+)?WAREHOUSE\s+(IF\s+NOT\s+EXISTS\s+)?(\"[^\"]+\"|[\w$]+)(.*)$",
                     s, flags)
        if m:
            name = ident_name(m[3])
            size = re.search(r"WAREHOUSE_SIZE\s*=\s*'?([\w-]+)'?", m[4] or "", flags)
            susp = re.search(r"AUTO_SUSPEND\s*=\s*(\d+)", m[4] or "", flags)
            if name in self.warehouses and not m[2] and not m[1]:
                raise SqlError("002002", "42710", f"SQL compilation error:\nObject '{name}' already exists.")
            if m[1]:
                self.warehouses.pop(name, None)
            self.create_warehouse(name, size[1].upper() if size else "X-Small", susp[1] if susp else "600")
            self.own("WAREHOUSE", name, replace=bool(m[1]))
            return status_result(f"Warehouse {name} successfully created.")
        m = re.match(r"^SHOW\s+WAREHOUSES(?:\s+LIKE\s+'((?:[^']|'')*)')?$", s, flags)
        if m:
            pat = like_regex(m[1].replace("''", "'")) if m[1] is not None else None
            with self.lock:
                rows = [[w["name"], w["state"], w["type"], w["size"], w["auto_suspend"], w["auto_resume"],
                         w["created_on"], w["owner"], w["comment"]]
                        for w in self.warehouses.values() if pat is None or pat.fullmatch(w["name"])]
            return text_result(rows, ["name", "state", "type", "size", "auto_suspend", "auto_resume",
                                      "created_on", "owner", "comment"])
        m = re.match(r"^ALTER\s+WAREHOUSE\s+(?:IF\s+EXISTS\s+)?(\"[^\"]+\"|[\w$]+)\s+(SUSPEND|RESUME)"
                     r"(?:\s+IF\s+SUSPENDED)?$", s, flags)
        if m:
            name = ident_name(m[1])
            with self.lock:
                if name not in self.warehouses:
                    raise SqlError("002003", "02000", f"SQL compilation error:\nWarehouse '{name}' does not "
                                   "exist or not authorized.")
                self.warehouses[name]["state"] = "SUSPENDED" if m[2].upper() == "SUSPEND" else "STARTED"
            return status_result()
        return None

    def database_role(self, ident: str, database: str | None) -> str:
        """A database role's name as SHOW GRANTS prints it: DB.NAME (the session's database when the
        name has one part)."""
        parts = [ident_name(p) for p in split_ident(ident)]
        if len(parts) == 1:
            parts = [(database or "").upper()] + parts
        return ".".join(parts)

    def grant(self, verb: str, privs: str, kind: str, obj: str, role: str) -> Result:
        """GRANT/REVOKE privs ON kind obj TO role (resolved: as SHOW GRANTS names it)."""
        kind = re.sub(r"\s+", "_", kind.upper())
        name = ".".join(ident_name(p) for p in split_ident(obj)) if kind != "ACCOUNT" else obj
        if kind == "DATABASE":
            rows = self.fakesnow_sql("SHOW DATABASES", None, None, None).rows
            if not any(str(r[1]).upper() == name for r in rows):
                raise SqlError("002003", "02000", f"SQL compilation error:\nDatabase '{name}' does not exist "
                               "or not authorized.")
        with self.lock:
            for p in (re.sub(r"\s+", " ", x.strip().upper()) for x in privs.split(",")):
                key = (p, kind, name, role)
                have = [g for g in self.grants if (g["privilege"], g["granted_on"], g["name"], g["role"]) == key]
                if verb == "GRANT" and not have:
                    self.add_grant(p, kind, name, role, session_role())
                if verb == "REVOKE":
                    for g in have:
                        self.grants.remove(g)
        return status_result()

    # ------------------------------------------------------ statements ----
    def start_statement(self, body: dict[str, Any], request_id: str, host_url: str) -> Statement:
        st = Statement(str(uuid.uuid4()), request_id, body["statement"], int(time.time() * 1000),
                       body.get("database"), body.get("schema"), timeout=int(body.get("timeout") or 0))
        with self.lock:
            self.statements[st.handle] = st
            self.by_request[request_id] = st.handle
            if len(self.statements) > 20000:  # forget the oldest (dicts keep insertion order)
                for h in list(self.statements)[:5000]:
                    old = self.statements.pop(h)
                    if self.by_request.get(old.request_id) == h:
                        del self.by_request[old.request_id]
        params = body.get("parameters") or {}
        count = params.get("multi_statement_count", params.get("MULTI_STATEMENT_COUNT", 1))

        def work() -> None:
            SESSION.role = ident_name(str(body["role"])) if body.get("role") else ROLE
            try:
                if str(count) != "1":
                    st.result = self.run_multi(st, body, int(count), host_url)
                else:
                    sql = context_functions(st.sql, body.get("_context") or {})
                    st.result = self.run_sql(sql, st.database, st.schema, body.get("bindings"), host_url)
            except SqlError as e:
                st.error = e
            except Exception as e:  # a sandbox bug: say so, never hang the client
                log.error("statement %s failed: %s", st.handle, traceback.format_exc())
                st.error = SqlError("000603", "XX000", f"Sandbox internal error: {e}")
            st.done.set()

        threading.Thread(target=work, daemon=True).start()
        return st

    def run_multi(self, st: Statement, body: dict[str, Any], count: int, host_url: str) -> Result:
        parts = split_statements(st.sql)
        if count and count != len(parts):
            raise SqlError("000008", "0A000", f"Actual statement count {len(parts)} did not match the desired "
                           f"statement count {count}.")
        handles = []
        for i, part in enumerate(parts):
            child = Statement(str(uuid.uuid4()), st.request_id, part, int(time.time() * 1000),
                              st.database, st.schema)
            with self.lock:
                self.statements[child.handle] = child
            try:
                child.result = self.run_sql(part, st.database, st.schema, None, host_url)
                self.partition(child, 0)
            except SqlError as e:
                child.error = e
                child.done.set()
                raise SqlError("100132", "P0000", f"Statement {i + 1} of {len(parts)} failed: {e.message}") \
                    from None
            child.done.set()
            handles.append(child.handle)
        res = text_result([["Multiple statements executed successfully."]], ["multiple statement execution"])
        res.stats = {"statementHandles": handles}  # type: ignore[dict-item]
        return res

    def pack(self, st: Statement, nullable: bool) -> None:
        packed = []
        for p in st.partitions:
            if not nullable:
                p = [["null" if v is None else v for v in row] for row in p]
            raw = json.dumps(p).encode()
            packed.append((len(p), len(raw), gzip.compress(raw, 1)))
        st.packed = packed
        st.partitions = []
        if st.result is not None:
            st.result.rows = []

    def partition(self, st: Statement, forced: int) -> None:
        rows = st.result.rows if st.result else []
        if forced > 1 and len(rows) >= 1:
            n = min(forced, len(rows))
            size = -(-len(rows) // n)
        else:
            size = max(1, self.args.partition_rows)
        st.partitions = [rows[i:i + size] for i in range(0, len(rows), size)] or [[]]


def context_functions(sql: str, ctx: dict[str, Any]) -> str:
    """CURRENT_USER(), CURRENT_ROLE(), CURRENT_WAREHOUSE(), CURRENT_SECONDARY_ROLES() as literals of
    the session (fakesnow has no such functions); NULL when the session has none, as Snowflake
    answers."""
    def lit(m: re.Match[str]) -> str:
        v = ctx.get(m[1].upper())
        return "NULL" if v is None else "'" + str(v).replace("'", "''") + "'"
    return re.sub(r"\b(CURRENT_USER|CURRENT_ROLE|CURRENT_WAREHOUSE|CURRENT_SECONDARY_ROLES)\s*\(\s*\)", lit, sql,
                  flags=re.IGNORECASE)


def split_ident(name: str) -> list[str]:
    """Splits DB.SCHEMA.NAME at dots outside double quotes."""
    parts, cur, inq = [], "", False
    for ch in name:
        if ch == '"':
            inq = not inq
        if ch == "." and not inq:
            parts.append(cur)
            cur = ""
            continue
        cur += ch
    parts.append(cur)
    return parts


def ident_name(part: str) -> str:
    """Snowflake's name resolution: unquoted upper case, quoted verbatim."""
    if part.startswith('"') and part.endswith('"') and len(part) >= 2:
        return part[1:-1].replace('""', '"')
    return part.upper()


def like_regex(pattern: str) -> re.Pattern[str]:
    out = ""
    for ch in pattern:
        out += ".*" if ch == "%" else "." if ch == "_" else re.escape(ch)
    return re.compile(out, re.IGNORECASE | re.DOTALL)


def split_statements(sql: str) -> list[str]:
    """Split on ';' outside quotes, identifiers and $$...$$ blocks."""
    parts, cur, i, n = [], [], 0, len(sql)
    while i < n:
        c = sql[i]
        if sql.startswith("$$", i):
            j = sql.find("$$", i + 2)
            j = n if j < 0 else j + 2
            cur.append(sql[i:j]); i = j; continue
        if c in "'\"":
            j = i + 1
            while j < n and sql[j] != c:
                j += 2 if sql[j] == "\\" else 1
            cur.append(sql[i:j + 1]); i = j + 1; continue
        if c == ";":
            parts.append("".join(cur)); cur = []; i += 1; continue
        cur.append(c); i += 1
    parts.append("".join(cur))
    return [p.strip() for p in parts if p.strip()]


# ------------------------------------------------------------------ HTTP ----

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "snowdeck-sandbox"
    sb: Sandbox  # set on the class by main()

    def log_message(self, fmt: str, *a: Any) -> None:  # noqa: D401
        line = re.sub(r"(X-Sandbox-Signature=)[0-9a-f]+", r"\1***", fmt % a)
        log.info("%s %s", self.address_string(), line)

    # ---- plumbing
    def _body(self) -> bytes:
        """The request body, read once (later calls return the same bytes)."""
        if getattr(self, "_cached_body", None) is not None:
            return self._cached_body
        n = int(self.headers.get("Content-Length") or 0)
        data = self.rfile.read(n) if n else b""
        if self.headers.get("Content-Encoding", "").lower() == "gzip" and data:
            data = gzip.decompress(data)
        self._cached_body = data
        return data

    def send(self, status: int, body: Any, headers: dict[str, str] | None = None, gz: bool = False,
             ctype: str = "application/json") -> None:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        hdrs = dict(headers or {})
        if gz and "gzip" in self.headers.get("Accept-Encoding", "").lower():
            raw = gzip.compress(raw)
            hdrs["Content-Encoding"] = "gzip"
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(raw)))
        for k, v in hdrs.items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(raw)
        entry = getattr(self, "entry", None)
        if isinstance(entry, dict):
            entry["done"] = time.time()  # when the answer was sent (benchmarks)
        self.entry["status"] = status

    def drop(self) -> None:
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.entry["status"] = "dropped"
        raise Dropped()

    def host_url(self) -> str:
        # the sandbox's own address, whatever Host header the client sent (it accepts any)
        return f"http://127.0.0.1:{self.sb.port}"

    def error(self, status: int, code: str, message: str, rest: bool = False, **extra: Any) -> None:
        body: dict[str, Any] = {"code": code, "message": message}
        if rest:
            body.update({"error_code": code, "request_id": self.rid})
        body.update(extra)
        self.send(status, body, {"X-Snowflake-Request-ID": self.rid})

    def do_GET(self) -> None:
        self.dispatch()

    def do_POST(self) -> None:
        self.dispatch()

    def do_DELETE(self) -> None:
        self.dispatch()

    def do_PUT(self) -> None:
        self.dispatch()

    def do_HEAD(self) -> None:
        self.dispatch()

    def dispatch(self) -> None:
        sb = self.sb
        url = urlsplit(self.path)
        self.url = url
        self.q = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        self.rid = str(uuid.uuid4())
        self._cached_body = None
        path = url.path
        with sb.lock:
            sb.seq += 1
            self.entry = {"seq": sb.seq, "time": time.time(), "method": self.command, "path": path,
                          "query": url.query, "requestId": self.q.get("requestId")}
            if not path.startswith("/_sandbox/"):
                sb.requests.append(self.entry)
                del sb.requests[:-5000]
        try:
            if path.startswith("/_sandbox/"):
                return self.control(path)
            fault = self.take_fault(f"{self.command} {path}", url.query)
            self.fault = fault
            if fault:
                self.entry["fault"] = fault.kind
                if fault.kind == "latency":
                    time.sleep(fault.delay_ms / 1000)
                elif fault.kind == "status" and fault.phase == "before":
                    return self.inject_status(fault)
                elif fault.kind == "drop" and fault.phase == "before":
                    self._body()
                    return self.drop()
            if path.startswith(("/session", "/queries/", "/monitoring/", "/fs_bucket/")):
                return self.connector(path)
            if path.startswith("/presigned/"):
                return self.presigned(path)
            for method, rx, fn in ROUTES:
                m = rx.match(path)
                if m and method == self.command:
                    principal = self.authenticate()
                    if principal is None:
                        return
                    self.principal = principal
                    # REST calls run as X-Snowflake-Role, else the user's default role
                    hdr = self.headers.get("X-Snowflake-Role")
                    SESSION.role = ident_name(hdr.strip()) if hdr and hdr.strip() else ROLE
                    return fn(self, **{k: unquote(v) for k, v in m.groupdict().items()})
            for method, rx, _fn in ROUTES:
                if rx.match(path):
                    return self.error(405, "390405", f"Method {self.command} is not allowed on {path}.")
            self.error(404, "390404", f"Unknown endpoint {path}.")
        except Dropped:
            return
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception as e:
            log.error("handler error: %s", traceback.format_exc())
            try:
                self.error(500, "390501", f"Sandbox internal error: {e}")
            except Exception:
                self.close_connection = True

    def take_fault(self, what: str, query: str) -> Fault | None:
        with self.sb.lock:
            for f in [x for x in self.sb.faults if x.query is None or x.query.search(query)]:
                if f.kind != "sqlerror" and f.count > 0 and f.match.search(what):
                    f.count -= 1
                    if f.count == 0:
                        self.sb.faults.remove(f)
                    return f
        return None

    def inject_status(self, f: Fault) -> None:
        code, msg = ERROR_BODIES.get(f.status, ("390500", f"HTTP {f.status} injected by the sandbox."))
        hdrs = {"X-Snowflake-Request-ID": self.rid}
        if f.retry_after is not None:
            hdrs["Retry-After"] = str(f.retry_after)
        self._body()
        self.send(f.status, {"code": code, "message": msg}, hdrs)

    def authenticate(self) -> Any:
        from sfauth import AuthError
        try:
            p = self.sb.auth.authenticate(self.headers.get("Authorization"),
                                          self.headers.get("X-Snowflake-Authorization-Token-Type"))
            self.entry["auth"] = p.method
            return p
        except AuthError as e:
            self.entry["auth"] = "REJECTED"
            self.entry["auth_error"] = e.reason
            log.info("auth rejected: %s", e.reason)
            self._body()
            self.error(e.status, e.code, e.message, rest=not self.url.path.startswith("/api/v2/statements"),
                       sqlState="08004")
            return None

    def connector_intercept(self, body: bytes) -> bool:
        """Statements fakesnow lacks (LIST with PATTERN, synthetic stages, REMOVE, GET_PRESIGNED_URL,
        SPCS, ALTER USER ... RSA_PUBLIC_KEY) answered on the connector protocol too, as a JSON rowset."""
        import fakesnow.server as fs_server
        try:
            req = json.loads(body)
            sql = str(req["sqlText"]).strip().rstrip(";").strip()
        except (ValueError, KeyError, TypeError):
            return False
        self.entry["statement"] = sql[:2000]
        if re.match(r"^(PUT|GET)\s", sql, re.IGNORECASE):
            return False  # fakesnow serves PUT to the Python connector
        auth = self.headers.get("Authorization", "")
        conn = fs_server.sessions.get(auth[17:-1]) if auth.startswith('Snowflake Token="') else None
        if conn is None:
            return False
        db, sc = conn.database, conn.schema
        try:
            res = self.sb.intercept(sql, db, sc, self.host_url())
            if res is None:
                res = self.sb.spcs.sql(sql, db, sc)
            if res is None:
                return False
        except SqlError as e:
            self.send(200, {"data": {"errorCode": e.code, "sqlState": e.sqlstate}, "code": e.code,
                            "message": e.message, "success": False})
            return True
        self.entry["outcome"] = "EXECUTED"
        self.entry["statement"] = sql[:2000]
        rowtype = [{**c, "length": c["length"] or None, "byteLength": c.get("byteLength")} for c in res.rowtype]
        self.send(200, {"data": {"parameters": [{"name": "TIMEZONE", "value": "Etc/UTC"}], "rowtype": rowtype,
                                 "rowset": res.rows, "total": len(res.rows), "returned": len(res.rows),
                                 "queryId": str(uuid.uuid4()), "queryResultFormat": "json",
                                 "statementTypeId": 4096, "finalDatabaseName": db, "finalSchemaName": sc},
                        "code": None, "message": None, "success": True})
        return True

    def connector_login_rejected(self, body: bytes) -> bool:
        """Key-pair, OAuth and PAT logins are checked as on the SQL API (passwords are not: any is
        accepted). A rejection answers as Snowflake's login does: HTTP 200, success false."""
        from sfauth import AuthError
        try:
            data = json.loads(body)["data"]
            kind = str(data.get("AUTHENTICATOR") or "SNOWFLAKE").upper()
            token = str(data.get("TOKEN") or "")
        except (ValueError, KeyError, TypeError, AttributeError):
            return False
        types = {"SNOWFLAKE_JWT": "KEYPAIR_JWT", "OAUTH": "OAUTH",
                 "PROGRAMMATIC_ACCESS_TOKEN": "PROGRAMMATIC_ACCESS_TOKEN"}
        if kind not in types:
            return False
        try:
            p = self.sb.auth.authenticate(f"Bearer {token}", types[kind])
            self.entry["auth"] = p.method
            return False
        except AuthError as e:
            self.entry["auth"], self.entry["auth_error"] = "REJECTED", e.reason
            self.send(200, {"data": None, "code": e.code, "message": e.message, "success": False,
                            "headers": None})
            return True

    # ---- connector protocol: fakesnow's own ASGI app, in process
    def connector(self, path: str) -> None:
        body = self._body() if self.command in ("POST", "PUT") else b""
        if path == "/queries/v1/query-request" and self.connector_intercept(body):
            return
        if path == "/session/v1/login-request" and self.connector_login_rejected(body):
            return
        headers = [(k.lower().encode(), v.encode()) for k, v in self.headers.items()
                   if k.lower() != "content-encoding"]
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": self.command,
                 "scheme": "http", "path": unquote(path), "raw_path": path.encode(), "query_string": self.url.query.encode(),
                 "headers": headers, "client": self.client_address, "server": ("127.0.0.1", self.sb.port),
                 "root_path": ""}
        out: dict[str, Any] = {"status": 500, "headers": [], "body": b""}
        sent = False

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if sent:
                await asyncio.sleep(3600)
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(msg: dict[str, Any]) -> None:
            if msg["type"] == "http.response.start":
                out["status"], out["headers"] = msg["status"], msg.get("headers", [])
            elif msg["type"] == "http.response.body":
                out["body"] += msg.get("body", b"")

        with self.sb.fs_lock:
            asyncio.run(self.sb.fs_app(scope, receive, send))
        hdrs = {k.decode(): v.decode() for k, v in out["headers"]
                if k.decode().lower() not in ("content-length", "content-type")}
        ctype = next((v.decode() for k, v in out["headers"] if k.decode().lower() == "content-type"),
                     "application/json")
        self.send(out["status"], out["body"], hdrs, ctype=ctype)

    # ---- presigned URL downloads
    def presigned(self, path: str) -> None:
        from stages import StageRef, read_file
        exp = self.q.get("X-Sandbox-Expires", "")
        sig = self.q.get("X-Sandbox-Signature", "")
        want = hmac.new(self.sb.sign_key, f"{path}|{exp}".encode(), hashlib.sha256).hexdigest()
        xml = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{0}</Code><Message>{1}</Message>"
               "</Error>")
        if not exp.isdigit() or not hmac.compare_digest(sig, want):
            return self.send(403, xml.format("SignatureDoesNotMatch", "The request signature is invalid.").encode(),
                             ctype="application/xml")
        if int(exp) < time.time():
            return self.send(403, xml.format("AccessDenied", "Request has expired").encode(),
                             ctype="application/xml")
        parts = [unquote(p) for p in path.split("/")[2:]]
        if len(parts) < 4:
            return self.send(404, xml.format("NoSuchKey", "The specified key does not exist.").encode(),
                             ctype="application/xml")
        ref = StageRef(parts[0], parts[1], parts[2], "")
        data = read_file(self.sb.stage_root, ref, "/".join(parts[3:]))
        if data is None:
            return self.send(404, xml.format("NoSuchKey", "The specified key does not exist.").encode(),
                             ctype="application/xml")
        self.send(200, data, {"ETag": f'"{hashlib.md5(data).hexdigest()}"'}, ctype="application/octet-stream")

    # ---- SQL API v2
    def statements_post(self) -> None:
        sb = self.sb
        raw = self._body()
        ctype = self.headers.get("Content-Type", "application/json")
        if "json" not in ctype.lower():
            return self.error(415, "390415", f"Unsupported media type {ctype!r}: send application/json.")
        try:
            body = json.loads(raw or b"null")
        except ValueError:
            body = None
        if not isinstance(body, dict) or not isinstance(body.get("statement"), str):
            return self.error(400, "390142", "Incoming request does not contain a valid payload.")
        rid = self.q.get("requestId") or str(uuid.uuid4())
        self.entry["statement"] = body["statement"][:2000]
        # The session context functions fakesnow lacks answer from the request.
        primary = ident_name(str(body["role"])) if body.get("role") else ROLE
        body["_context"] = {"CURRENT_USER": getattr(getattr(self, "principal", None), "user", None),
                            "CURRENT_ROLE": body.get("role") or ROLE,
                            "CURRENT_WAREHOUSE": body.get("warehouse"),
                            "CURRENT_SECONDARY_ROLES": sb.current_secondary_roles(primary)}
        retry = self.q.get("retry", "").lower() == "true"
        self.entry["retry"] = retry
        for what in ("database", "schema"):
            v = body.get(what)
            if v is not None and not isinstance(v, str):
                return self.error(400, "390142", f"Incoming request does not contain a valid payload: {what} "
                                  "must be a string.")
        # as the drivers do at login: a database or schema that does not exist leaves the session
        # without a current one (statements that need it fail), it is not an error by itself
        body["database"], body["schema"] = sb.existing_context(body.get("database"), body.get("schema"))
        with sb.lock:
            prev = sb.statements.get(sb.by_request.get(rid, ""))
        if prev is not None and not (prev.done.is_set() and prev.error is not None):
            # Snowflake does not execute a statement twice for one requestId
            self.entry["outcome"] = "CACHED"
            st = prev
        else:
            self.entry["outcome"] = "EXECUTED"
            st = sb.start_statement(body, rid, self.host_url())
            if self.fault and self.fault.kind == "async":
                st.ready_at = time.time() + self.fault.delay_ms / 1000
            if self.fault and self.fault.kind == "partitions":
                st.__dict__["forced_partitions"] = self.fault.partitions
        self.entry["statementHandle"] = st.handle
        is_async = self.q.get("async", "").lower() == "true"
        if not is_async:
            wait = sb.args.sync_wait_ms / 1000
            if st.timeout:
                wait = min(wait, st.timeout)
            st.done.wait(wait)
            if st.timeout and not st.done.is_set() and time.time() * 1000 - st.created_ms >= st.timeout * 1000:
                st.timed_out = True
        nullable = self.q.get("nullable", "true").lower() != "false"
        st.__dict__["nullable"] = nullable
        if self.fault and self.fault.kind == "drop" and self.fault.phase == "after":
            st.done.wait(sb.args.sync_wait_ms / 1000)
            return self.drop()
        if self.fault and self.fault.kind == "status" and self.fault.phase == "after":
            st.done.wait(sb.args.sync_wait_ms / 1000)
            return self.inject_status(self.fault)
        self.answer(st, 0, first=True)

    def answer(self, st: Statement, part: int, first: bool = False) -> None:
        status_url = f"/api/v2/statements/{st.handle}?requestId={st.request_id}"
        hdr = {"X-Snowflake-Request-ID": self.rid}
        if st.cancelled:
            return self.send(422, {"code": "000604", "sqlState": "57014", "message": "SQL execution canceled",
                                   "statementHandle": st.handle, "createdOn": st.created_ms,
                                   "statementStatusUrl": status_url}, hdr)
        if st.timed_out:
            return self.send(408, {"code": "000630", "sqlState": "57014",
                                   "message": f"Statement reached its statement or warehouse timeout of "
                                              f"{st.timeout} second(s) and was canceled.",
                                   "statementHandle": st.handle, "createdOn": st.created_ms,
                                   "statementStatusUrl": status_url}, hdr)
        if not st.done.is_set() or time.time() < st.ready_at:
            if st.timeout and time.time() * 1000 - st.created_ms >= st.timeout * 1000:
                st.timed_out = True
                return self.answer(st, part, first)
            return self.send(202, {"code": "333334", "message": "Asynchronous execution in progress. Use provided "
                                   "query id to perform query monitoring and management.",
                                   "statementHandle": st.handle, "statementStatusUrl": status_url,
                                   "createdOn": st.created_ms, "sqlState": "01000"}, hdr)
        if st.error is not None:
            e = st.error
            return self.send(e.status, {"code": e.code, "sqlState": e.sqlstate, "message": e.message,
                                        "statementHandle": st.handle, "createdOn": st.created_ms,
                                        "statementStatusUrl": status_url}, hdr)
        res = st.result
        assert res is not None
        nullable = st.__dict__.get("nullable", True)
        with st.pack_lock:
            if st.packed is None:
                self.sb.partition(st, st.__dict__.pop("forced_partitions", 0))
                self.sb.pack(st, nullable)
        assert st.packed is not None
        nparts = len(st.packed)
        if part < 0 or part >= nparts:
            return self.send(422, {"code": "000709", "sqlState": "02000", "message": f"Partition {part} of "
                                   f"statement {st.handle} does not exist (0..{nparts - 1}).",
                                   "statementHandle": st.handle}, hdr)
        links = []
        base = f"/api/v2/statements/{st.handle}?requestId={st.request_id}&partition="
        links.append(f'<{base}0>; rel="first"')
        if part + 1 < nparts:
            links.append(f'<{base}{part + 1}>; rel="next"')
        if part > 0:
            links.append(f'<{base}{part - 1}>; rel="prev"')
        links.append(f'<{base}{nparts - 1}>; rel="last"')
        hdr["Link"] = ",".join(links)
        data = gzip.decompress(st.packed[part][2])
        if part > 0:
            # later partitions carry no metadata, only data (gzip when accepted)
            return self.send(200, b'{"data": ' + data + b"}", hdr, gz=True)
        body: dict[str, Any] = {
            "resultSetMetaData": {
                "numRows": sum(p[0] for p in st.packed), "format": "jsonv2", "rowType": res.rowtype,
                "partitionInfo": [{"rowCount": n, "uncompressedSize": size, "compressedSize": len(z)}
                                  for n, size, z in st.packed],
                "nullable": nullable,
            },
            "data": "\u0000DATA", "code": "090001", "statementStatusUrl": status_url,
            "requestId": st.request_id, "sqlState": "00000", "statementHandle": st.handle,
            "message": "Statement executed successfully.", "createdOn": st.created_ms,
        }
        if res.stats:
            if "statementHandles" in res.stats:
                body["statementHandles"] = res.stats["statementHandles"]
            else:
                body["stats"] = res.stats
        raw = json.dumps(body).encode().replace(b'"\\u0000DATA"', data, 1)
        self.send(200, raw, hdr, gz=not first)

    def statements_get(self, handle: str) -> None:
        with self.sb.lock:
            st = self.sb.statements.get(handle)
        if st is None:
            return self.error(422, "000709", f"Statement {handle} not found", sqlState="02000",
                              statementHandle=handle)
        if self.fault and self.fault.kind == "async":
            return self.send(202, {"code": "333334", "message": "Asynchronous execution in progress. Use provided "
                                   "query id to perform query monitoring and management.",
                                   "statementHandle": st.handle,
                                   "statementStatusUrl": f"/api/v2/statements/{st.handle}",
                                   "createdOn": st.created_ms})
        if self.fault and self.fault.kind == "drop" and self.fault.phase == "after":
            return self.drop()
        if self.fault and self.fault.kind == "status" and self.fault.phase == "after":
            return self.inject_status(self.fault)
        try:
            part = int(self.q.get("partition", "0"))
        except ValueError:
            return self.error(400, "390142", "Incoming request does not contain a valid payload: partition "
                              "must be an integer.")
        self.answer(st, part, first=False)

    def statements_cancel(self, handle: str) -> None:
        self._body()
        with self.sb.lock:
            st = self.sb.statements.get(handle)
        if st is None:
            return self.error(422, "000709", f"Statement {handle} not found", sqlState="02000",
                              statementHandle=handle)
        if not st.done.is_set() or time.time() < st.ready_at:
            st.cancelled = True
        self.send(200, {"code": "000604", "sqlState": "57014", "message": "SQL execution canceled",
                        "statementHandle": handle, "statementStatusUrl": f"/api/v2/statements/{handle}"})

    # ---- REST: stages
    def rest_ok(self, body: Any) -> None:
        self.send(200, body, {"X-Snowflake-Request-ID": self.rid})

    def rest_404(self, what: str) -> None:
        self.error(404, "002003", f"{what} does not exist or not authorized.", rest=True)

    def schema_exists(self, db: str, sc: str) -> bool:
        conn = self.sb.connect(None, None)
        try:
            cur = conn._duck_conn  # noqa: SLF001
            cur.execute("select count(*) from information_schema.schemata where upper(catalog_name) = ? "
                        "and upper(schema_name) = ?", [db.upper(), sc.upper()])
            row = cur.fetchone()
            return bool(row and row[0])
        finally:
            conn.close()

    def stages_list(self, database: str, schema: str) -> None:
        if not self.schema_exists(database, schema):
            return self.rest_404(f"Schema '{database}.{schema}'")
        out = []
        for r in self.sb.stage_rows(database, schema, self.q.get("like")):
            created = r["created_on"].replace(" ", "T")
            if not re.search(r"(Z|[+-]\d\d:?\d\d)$", created):
                created += "Z"
            out.append({"name": r["name"], "kind": "TEMPORARY" if "TEMPORARY" in r["type"] else "PERMANENT",
                        "url": r["url"], "comment": r["comment"], "created_on": created,
                        "has_credentials": False, "has_encryption_key": False, "owner": r["owner"],
                        "owner_role_type": "ROLE", "directory_table": {"enable": r["directory_enabled"]}})
        self.rest_ok(out)

    def stage_get(self, database: str, schema: str, name: str) -> None:
        rows = [r for r in self.sb.stage_rows(database, schema, None) if r["name"] == name]
        if not rows:
            return self.rest_404(f"Stage '{database}.{schema}.{name}'")
        r = rows[0]
        created = r["created_on"].replace(" ", "T")
        if not re.search(r"(Z|[+-]\d\d:?\d\d)$", created):
            created += "Z"
        self.rest_ok({"name": r["name"], "kind": "PERMANENT", "url": r["url"], "comment": r["comment"],
                      "created_on": created, "has_credentials": False, "has_encryption_key": False,
                      "owner": r["owner"], "owner_role_type": "ROLE",
                      "directory_table": {"enable": r["directory_enabled"]}})

    def stage_files(self, database: str, schema: str, name: str) -> None:
        from stages import StageRef, list_files
        if not self.sb.stage_exists(database, schema, name):
            return self.rest_404(f"Stage '{database}.{schema}.{name}'")
        try:
            files = list_files(self.sb.stage_root, StageRef(database, schema, name, ""), self.q.get("pattern"),
                               self.sb.args.padded_days)
        except re.error as e:
            return self.error(400, "100048", f"Invalid regular expression: {e}", rest=True)
        # built as text: a synthetic stage can list millions of files
        body = "[" + ",".join(f'{{"name": {json.dumps(f.name)}, "size": "{f.size}", "md5": "{f.md5}", '
                              f'"last_modified": "{f.last_modified}"}}' for f in files) + "]"
        del files
        self.send(200, body.encode(), {"X-Snowflake-Request-ID": self.rid})

    def stage_presign(self, database: str, schema: str, name: str, path: str) -> None:
        from stages import StageRef
        raw = self._body()
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            return self.error(400, "390142", "Incoming request does not contain a valid payload.", rest=True)
        if not self.sb.stage_exists(database, schema, name):
            return self.rest_404(f"Stage '{database}.{schema}.{name}'")
        exp = body.get("expiration_time", 3600) if isinstance(body, dict) else 3600
        if not isinstance(exp, int) or exp <= 0:
            return self.error(400, "390142", "expiration_time must be a positive integer.", rest=True)
        url = self.sb.presign(self.host_url(), StageRef(database, schema, name, ""), path, exp)
        self.rest_ok({"presigned_url": url})

    # ---- test-only control endpoints
    def synthetic_stage(self) -> None:
        """POST /_sandbox/stages/synthetic {"database", "schema", "stage", "files": N, "size": bytes}."""
        from stages import SYNTHETIC, SyntheticStage
        try:
            d = json.loads(self._body() or b"null")
            db, sc, st = (str(d.get(k, dflt)).upper() for k, dflt in
                          (("database", "DEMO"), ("schema", "XCOM"), ("stage", "BENCH_STAGE")))
            n, size = int(d.get("files", 1000)), int(d.get("size", 64))
            if not all(re.fullmatch(r"[A-Z_][A-Z0-9_]*", x) for x in (db, sc, st)) or n < 0:
                raise ValueError("names must be plain identifiers and files >= 0")
        except (ValueError, TypeError, AttributeError) as e:
            return self.send(400, {"error": f"bad synthetic stage: {e}"})
        self.sb.run_sql(f"CREATE DATABASE IF NOT EXISTS {db}", None, None)
        self.sb.run_sql(f"CREATE SCHEMA IF NOT EXISTS {db}.{sc}", None, None)
        self.sb.run_sql(f"CREATE OR REPLACE STAGE {db}.{sc}.{st}", None, None)
        t0 = time.time()
        SYNTHETIC[(db, sc, st)] = SyntheticStage(n, size)
        self.send(200, {"stage": f"{db}.{sc}.{st}", "files": n, "build_ms": int((time.time() - t0) * 1000)})

    def synthetic_xcom(self) -> None:
        """POST /_sandbox/xcom/synthetic {"rows": N, "dag_id": "bench_dag", "runs": 100}: N more XCom rows."""
        try:
            d = json.loads(self._body() or b"{}")
            n, runs = int(d.get("rows", 1000)), max(1, int(d.get("runs", 100)))
            dag = str(d.get("dag_id", "bench_dag"))
            if n < 0 or not re.fullmatch(r"[A-Za-z0-9_.-]+", dag):
                raise ValueError("rows >= 0 and a plain dag_id")
        except (ValueError, TypeError, AttributeError) as e:
            return self.send(400, {"error": f"bad synthetic xcom: {e}"})
        t0 = time.time()
        conn = self.sb.connect(None, None)
        try:
            conn._duck_conn.execute(  # noqa: SLF001
                "INSERT INTO DEMO.XCOM.XCOM_TABLE SELECT ?, 'task_' || lpad(CAST(i % 50 AS VARCHAR), 2, '0'), "
                "'scheduled__2026-01-01T00:00:00+00:00_' || CAST(i // 50 % ? AS VARCHAR), CAST(i // 50 // ? AS "
                "INTEGER), 'return_value', 'dict', '{\"i\": ' || CAST(i AS VARCHAR) || ', \"ok\": true}' "
                "FROM range(?) t(i)", [dag, runs, runs, n])
        except Exception as e:
            return self.send(409, {"error": f"cannot fill DEMO.XCOM.XCOM_TABLE (is the demo seed loaded?): {e}"})
        finally:
            conn.close()
        self.send(200, {"table": "DEMO.XCOM.XCOM_TABLE", "rows": n, "ms": int((time.time() - t0) * 1000)})

    def control(self, path: str) -> None:
        sb = self.sb
        if path == "/_sandbox/health":
            return self.send(200, {"ok": True, "banner": BANNER, "account": ACCOUNT})
        if path == "/_sandbox/faults" and self.command == "POST":
            try:
                spec = json.loads(self._body() or b"null")
                specs = spec if isinstance(spec, list) else [spec]
                faults = []
                for d in specs:
                    kind = d.get("kind")
                    if kind not in FAULT_KINDS:
                        raise ValueError(f"kind must be one of {FAULT_KINDS}")
                    faults.append(Fault(re.compile(d.get("match", ".*")), kind, int(d.get("count", 1)),
                                        int(d.get("status", 503)), d.get("retry_after"),
                                        int(d.get("delay_ms", 0)), int(d.get("partitions", 0)),
                                        d.get("phase", "after" if kind == "drop" else "before"), d,
                                        re.compile(d["query"]) if d.get("query") else None))
            except (ValueError, TypeError, AttributeError, re.error) as e:
                return self.send(400, {"error": f"bad fault: {e}"})
            with sb.lock:
                sb.faults.extend(faults)
            return self.send(200, {"armed": [f.raw for f in faults]})
        if path == "/_sandbox/faults" and self.command == "DELETE":
            with sb.lock:
                sb.faults.clear()
            return self.send(200, {"armed": []})
        if path == "/_sandbox/faults" and self.command == "GET":
            with sb.lock:
                return self.send(200, {"armed": [dict(f.raw, remaining=f.count) for f in sb.faults]})
        if path == "/_sandbox/requests" and self.command == "GET":
            with sb.lock:
                return self.send(200, list(sb.requests))
        if path == "/_sandbox/requests" and self.command == "DELETE":
            with sb.lock:
                sb.requests.clear()
            return self.send(200, [])
        if path == "/_sandbox/reset" and self.command == "POST":
            self._body()
            with sb.lock:
                sb.faults.clear()
                sb.requests.clear()
                sb.statements.clear()
                sb.by_request.clear()
            sb.spcs.reset()
            with sb.lock:  # GRANTs made are forgotten; who owns what is not
                sb.grants[:] = [g for g in sb.grants if g["privilege"] == "OWNERSHIP"]
            sb.seed_system_grants()
            return self.send(200, {"reset": True})
        if path == "/_sandbox/stages/synthetic" and self.command == "POST":
            return self.synthetic_stage()
        if path == "/_sandbox/xcom/synthetic" and self.command == "POST":
            return self.synthetic_xcom()
        if path.startswith("/_sandbox/spcs/"):
            return sb.spcs.control(self, path)
        if path.startswith("/_sandbox/stage-file/") and self.command == "GET":
            # Sandbox-only stand-in for the connector's GET (fakesnow does not serve GET):
            # /_sandbox/stage-file/DB/SCHEMA/STAGE/<path, percent-encoded> -> the file's bytes.
            from stages import StageRef, resolve_file
            parts = [unquote(p) for p in path.split("/")[3:]]
            if len(parts) < 4:
                return self.send(400, {"error": "use /_sandbox/stage-file/DB/SCHEMA/STAGE/PATH"})
            ref = StageRef(parts[0].upper(), parts[1].upper(), parts[2].upper(), "")
            full = resolve_file(sb.stage_root, ref, "/".join(parts[3:]))
            if full is None:
                return self.send(404, {"error": f"no file {'/'.join(parts[3:])} in stage {ref.fqname}"})
            with open(full, "rb") as f:
                return self.send(200, f.read(), ctype="application/octet-stream")
        self.send(404, {"error": f"unknown control endpoint {path}"})


R = re.compile
DS = r"/api/v2/databases/(?P<database>[^/]+)/schemas/(?P<schema>[^/]+)"
ROUTES: list[tuple[str, re.Pattern[str], Any]] = [
    ("POST", R(r"^/api/v2/statements/?$"), Handler.statements_post),
    ("GET", R(r"^/api/v2/statements/(?P<handle>[^/]+)$"), Handler.statements_get),
    ("POST", R(r"^/api/v2/statements/(?P<handle>[^/]+)/cancel$"), Handler.statements_cancel),
    ("GET", R(rf"^{DS}/stages$"), Handler.stages_list),
    ("GET", R(rf"^{DS}/stages/(?P<name>[^/]+)$"), Handler.stage_get),
    ("GET", R(rf"^{DS}/stages/(?P<name>[^/]+)/files$"), Handler.stage_files),
    ("POST", R(rf"^{DS}/stages/(?P<name>[^/]+)/files/(?P<path>.+):presigned-url$"), Handler.stage_presign),
]


def pem_body(der: bytes) -> str:
    return base64.b64encode(der).decode()


def write_credentials(sb: Sandbox, port: int) -> dict[str, str]:
    """Keys, tokens and config files for clients; returns the env entries."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    st = sb.state

    def newkey() -> Any:
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def spki(k: Any) -> bytes:
        return k.public_key().public_bytes(serialization.Encoding.DER,
                                           serialization.PublicFormat.SubjectPublicKeyInfo)

    def write(path: str, data: bytes | str, mode: int = 0o600) -> str:
        full = os.path.join(st, path)
        with open(full, "wb") as f:
            f.write(data.encode() if isinstance(data, str) else data)
        os.chmod(full, mode)
        return full

    k1, k2, other = newkey(), newkey(), newkey()
    passphrase = secrets.token_urlsafe(18)
    p8 = serialization.PrivateFormat.PKCS8
    key = write("rsa_key.p8", k1.private_bytes(serialization.Encoding.PEM, p8, serialization.NoEncryption()))
    key_enc = write("rsa_key_enc.p8", k2.private_bytes(
        serialization.Encoding.PEM, p8, serialization.BestAvailableEncryption(passphrase.encode())))
    other_key = write("other.p8", other.private_bytes(serialization.Encoding.PEM, p8,
                                                      serialization.NoEncryption()))
    write("rsa_key.pub", k1.public_key().public_bytes(serialization.Encoding.PEM,
                                                      serialization.PublicFormat.SubjectPublicKeyInfo), 0o644)
    sb.run_sql(f"ALTER USER {USER} SET RSA_PUBLIC_KEY='{pem_body(spki(k1))}'", None, None)
    sb.run_sql(f"ALTER USER {USER} SET RSA_PUBLIC_KEY_2='{pem_body(spki(k2))}'", None, None)
    pat = "sdpat_" + secrets.token_urlsafe(24)
    oauth = "sdoauth_" + secrets.token_urlsafe(24)
    sb.auth.pats[pat] = USER
    sb.auth.oauth[oauth] = (USER, time.time() + 30 * 86400)
    oauth_expired = "sdoauth_" + secrets.token_urlsafe(24)
    sb.auth.oauth[oauth_expired] = (USER, time.time() - 60)
    # what SPCS mounts for code running in a service: /snowflake/session/token
    os.makedirs(os.path.join(st, "snowflake", "session"), exist_ok=True)
    token_file = write(os.path.join("snowflake", "session", "token"), oauth)
    toml = (
        "# snowdeck Snowflake sandbox (TEST AND DEMO INFRASTRUCTURE, NOT SNOWFLAKE)\n"
        'default_connection_name = "sandbox"\n\n'
        "[sandbox]\n"
        f'account = "{ACCOUNT}"\nuser = "{USER}"\nrole = "{ROLE}"\nwarehouse = "{WAREHOUSE}"\n'
        'database = "DEMO"\nschema = "XCOM"\nauthenticator = "SNOWFLAKE_JWT"\n'
        f'private_key_file = "{key}"\nhost = "127.0.0.1"\nport = {port}\nprotocol = "http"\n'
    )
    conns = write("connections.toml", toml)
    airflow = {"conn_type": "snowflake", "login": USER, "schema": "XCOM",
               "extra": {"account": ACCOUNT, "warehouse": WAREHOUSE, "database": "DEMO", "role": ROLE,
                         "private_key_file": key, "authenticator": "SNOWFLAKE_JWT",
                         "host": "127.0.0.1", "port": port, "protocol": "http"}}
    airflow_conn = write("airflow_conn.json", json.dumps(airflow))
    return {
        "SANDBOX_URL": f"http://127.0.0.1:{port}", "SANDBOX_HOST": "127.0.0.1", "SANDBOX_PORT": str(port),
        "SANDBOX_ACCOUNT": ACCOUNT, "SANDBOX_USER": USER, "SANDBOX_ROLE": ROLE,
        "SANDBOX_WAREHOUSE": WAREHOUSE, "SANDBOX_DATABASE": "DEMO", "SANDBOX_SCHEMA": "XCOM",
        "SANDBOX_KEY": key, "SANDBOX_KEY_ENC": key_enc, "SANDBOX_KEY_PASSPHRASE": passphrase,
        "SANDBOX_UNREGISTERED_KEY": other_key, "SANDBOX_PAT": pat, "SANDBOX_OAUTH_TOKEN": oauth,
        "SANDBOX_OAUTH_TOKEN_FILE": token_file, "SANDBOX_OAUTH_TOKEN_EXPIRED": oauth_expired,
        "SANDBOX_CONNECTIONS_TOML": conns, "SANDBOX_AIRFLOW_CONN": airflow_conn,
        "SANDBOX_STATE": st, "SANDBOX_PID": str(os.getpid()),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=BANNER)
    ap.add_argument("--state", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--seed", choices=("demo", "empty"), default="demo")
    ap.add_argument("--partition-rows", type=int, default=1000, help="rows per result partition")
    ap.add_argument("--sync-wait-ms", type=int, default=45000, help="how long POST waits before 202")
    ap.add_argument("--padded-days", action="store_true", help="LIST last_modified with zero-padded days")
    ap.add_argument("--spcs-pending-ms", type=int, default=1500, help="PENDING/STARTING before RUNNING")
    ap.add_argument("--spcs-suspending-ms", type=int, default=1000, help="SUSPENDING before SUSPENDED")
    ap.add_argument("--docker-host", default="", help="unix:///path: back SPCS containers by real containers "
                    "on this Docker Engine API endpoint (Docker or Podman)")
    ap.add_argument("--docker-image", default="localhost/bb:latest",
                    help="local image with /bin/sh that every backed container runs")
    args = ap.parse_args(argv)
    os.makedirs(args.state, exist_ok=True)
    import warnings
    warnings.filterwarnings("ignore", message="Arrow output on a DB-API result")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    log.info(BANNER)
    sb = Sandbox(args)
    Handler.sb = sb
    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer.allow_reuse_address = True
    httpd = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    sb.port = httpd.server_address[1]
    if args.seed == "demo":
        import seed
        seed.demo(sb)
    env = write_credentials(sb, sb.port)
    tmp = os.path.join(sb.state, "env.tmp")
    with open(tmp, "w") as f:
        f.write(f"# {BANNER}\n")
        for k, v in env.items():
            f.write(f"{k}={v}\n")
    os.chmod(tmp, 0o600)
    os.replace(tmp, os.path.join(sb.state, "env"))
    import signal

    def on_term(_sig: int, _frm: Any) -> None:
        sb.spcs.backend.cleanup()  # real containers must not outlive the sandbox
        os._exit(0)

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    log.info("listening on http://127.0.0.1:%d (state %s)", sb.port, sb.state)
    try:
        httpd.serve_forever(poll_interval=3600)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    # run the importable copy, so spcs/seed and this file share one module
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import sandbox_server
    sys.exit(sandbox_server.main())

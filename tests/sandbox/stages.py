"""Stages kept as directories on disk, for the snowdeck Snowflake sandbox.

TEST AND DEMO INFRASTRUCTURE, NOT SNOWFLAKE. A stage DB.SCHEMA.NAME is the
directory ROOT/DB/SCHEMA/NAME (the same directory fakesnow's connector-protocol
server uses, so PUT through the Python connector and LIST through the SQL API
see the same files). Pure functions over the file system; no SQL here.
"""
from __future__ import annotations

import hashlib
import os
import re
import time
from dataclasses import dataclass
from typing import Any
from email.utils import formatdate

_IDENT = r'(?:"[^"]+"|[A-Za-z_][A-Za-z0-9_$]*)'
STAGE_REF = re.compile(rf"^@(?P<parts>{_IDENT}(?:\.{_IDENT}){{0,2}})(?P<path>/.*)?$")


def norm_ident(s: str) -> str:
    return s[1:-1] if s.startswith('"') and s.endswith('"') else s.upper()


@dataclass
class StageRef:
    database: str
    schema: str
    name: str
    path: str  # relative path prefix inside the stage, no leading slash

    @property
    def fqname(self) -> str:
        return f"{self.database}.{self.schema}.{self.name}"


def parse_stage_ref(text: str, database: str | None, schema: str | None) -> StageRef:
    """@[db.][schema.]stage[/path] or the quoted form '@...'. Raises ValueError."""
    t = text.strip()
    if t.startswith("'") and t.endswith("'") and len(t) >= 2:
        t = t[1:-1]
    m = STAGE_REF.match(t)
    if not m:
        raise ValueError(f"syntax error in stage reference {text[:80]!r}")
    parts = re.findall(_IDENT, m["parts"])
    names = [norm_ident(p) for p in parts]
    if len(names) == 3:
        db, sc, st = names
    elif len(names) == 2:
        db, (sc, st) = database, names
    else:
        db, sc, st = database, schema, names[0]
    if not db or not sc:
        raise ValueError("Cannot perform operation. This session does not have a current database or schema.")
    path = (m["path"] or "").lstrip("/")
    return StageRef(db, sc, st, path)


def stage_dir(root: str, ref: StageRef) -> str:
    return os.path.join(root, ref.database, ref.schema, ref.name)


def http_date(ts: float, padded: bool = False) -> str:
    """Snowflake's LIST last_modified: 'Fri, 3 Mar 2023 19:05:04 GMT' (day not zero-padded)."""
    s = formatdate(ts, usegmt=True)  # 'Fri, 03 Mar 2023 19:05:04 GMT'
    if not padded and s[5] == "0":
        s = s[:5] + s[6:]
    return s


@dataclass
class StageFile:
    name: str  # lowercase stage name + '/' + relative path, as LIST shows it
    rel: str
    size: int
    md5: str
    last_modified: str
    abspath: str


_md5_cache: dict[str, tuple[int, float, str]] = {}


def _md5(path: str, st: os.stat_result | None = None) -> str:
    st = st or os.stat(path)
    hit = _md5_cache.get(path)
    if hit and hit[0] == st.st_size and hit[1] == st.st_mtime:
        return hit[2]
    h = hashlib.md5()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    _md5_cache[path] = (st.st_size, st.st_mtime, h.hexdigest())
    return h.hexdigest()


class SyntheticStage:
    """A stage of N generated files in the XCom layout, for benchmarks: nothing on disk, nothing cached.

    File i is bench_dag_DD/task_TTT/<run>_RRRR/0/return_value.json (fixed widths, so the numeric order
    is the name order) with deterministic JSON content of `size` bytes; entries are generated on the fly
    in name order, so a million files cost no memory until they are listed.
    """

    def __init__(self, count: int, size: int = 64, base_ts: float | None = None):
        self.count, self.size = min(count, 10_000_000), max(40, size)
        base = base_ts if base_ts is not None else time.time() - 86400 * 40
        self.days = [http_date(base + d * 86400 + 3723) for d in range(28)]
        self.days_padded = [http_date(base + d * 86400 + 3723, True) for d in range(28)]
        self.removed: set[str] = set()

    @staticmethod
    def rel(i: int) -> str:
        return (f"bench_dag_{i // 100000:02d}/task_{i // 1000 % 100:03d}/"
                f"scheduled__2026-01-01T00:00:00+00:00_{i % 1000:04d}/0/return_value.json")

    def content(self, i: int) -> bytes:
        head = f'{{"i": {i}, "pad": "'
        return (head + "x" * (self.size - len(head) - 2) + '"}').encode()

    def entries(self, padded: bool, prefix: str = "") -> Any:
        """(rel, size, md5, last_modified) in name order, optionally only under a path prefix."""
        days = self.days_padded if padded else self.days
        md5 = hashlib.md5
        for i in range(self.count):
            rel = self.rel(i)
            if prefix and not rel.startswith(prefix):
                continue
            if rel in self.removed:
                continue
            data = self.content(i)
            yield rel, len(data), md5(data).hexdigest(), days[i % 28]

    def find(self, rel: str) -> bytes | None:
        if rel in self.removed:
            return None
        m = re.match(r"^bench_dag_(\d\d)/task_(\d{3})/scheduled__2026-01-01T00:00:00\+00:00_(\d{4})/0/"
                     r"return_value.json$", rel)
        if not m:
            return None
        i = int(m[1]) * 100000 + int(m[2]) * 1000 + int(m[3])
        return self.content(i) if i < self.count else None


SYNTHETIC: dict[tuple[str, str, str], SyntheticStage] = {}


def list_files(root: str, ref: StageRef, pattern: str | None, padded: bool = False) -> list[StageFile]:
    base = stage_dir(root, ref)
    rx = re.compile(pattern) if pattern else None
    out: list[StageFile] = []
    syn = SYNTHETIC.get((ref.database, ref.schema, ref.name))
    if syn is not None:
        prefix = ref.name.lower() + "/"
        for rel, size, md5, lm in syn.entries(padded, ref.path):
            name = prefix + rel
            if rx and not (rx.fullmatch(name) or rx.fullmatch(rel)):
                continue
            out.append(StageFile(name, rel, size, md5, lm, ""))
    if not os.path.isdir(base):
        return out
    for dirpath, _dirs, files in os.walk(base):
        for fn in files:
            full = os.path.join(dirpath, fn)
            rel = os.path.relpath(full, base).replace(os.sep, "/")
            if ref.path and not rel.startswith(ref.path):
                continue
            name = f"{ref.name.lower()}/{rel}"
            if rx and not (rx.fullmatch(name) or rx.fullmatch(rel)):
                continue
            st = os.stat(full)
            out.append(StageFile(name, rel, st.st_size, _md5(full, st), http_date(st.st_mtime, padded), full))
    out.sort(key=lambda f: f.rel)
    return out


def remove_files(root: str, ref: StageRef, pattern: str | None) -> list[str]:
    removed = []
    syn = SYNTHETIC.get((ref.database, ref.schema, ref.name))
    for f in list_files(root, ref, pattern):
        if f.abspath:
            os.unlink(f.abspath)
        elif syn is not None:
            syn.removed.add(f.rel)
        removed.append(f.name)
    return removed


def read_file(root: str, ref: StageRef, rel: str) -> bytes | None:
    """The content of a stage file (on disk or synthetic), or None."""
    full = resolve_file(root, ref, rel)
    if full is not None:
        with open(full, "rb") as f:
            return f.read()
    syn = SYNTHETIC.get((ref.database, ref.schema, ref.name))
    return syn.find(rel.lstrip("/")) if syn is not None else None


def resolve_file(root: str, ref: StageRef, rel: str) -> str | None:
    """The absolute path of a file inside the stage, or None (never escapes the stage)."""
    base = os.path.realpath(stage_dir(root, ref))
    target = os.path.realpath(os.path.join(base, rel.lstrip("/")))
    if not target.startswith(base + os.sep) or not os.path.isfile(target):
        return None
    return target


def touch_days_ago(path: str, day: int, hour: int = 9) -> None:
    """Set a seed file's mtime to day DAY (1..28) of last month, to show unpadded days."""
    t = time.gmtime()
    year, month = (t.tm_year, t.tm_mon - 1) if t.tm_mon > 1 else (t.tm_year - 1, 12)
    ts = time.mktime((year, month, day, hour, 5, 4, 0, 0, 0)) - time.timezone
    os.utime(path, (ts, ts))

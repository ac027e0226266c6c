"""A Snowflake XCom backend for the demo -- TEST AND DEMO INFRASTRUCTURE.

Reproduces the seed's SnowflakeXComBackend (demo era, wheel 0.0.0 = provider 729282f;
seed-systems.md section 1) where it is observable:

* table rows in AIRFLOW__CORE__XCOM_SNOWFLAKE_TABLE with the seed's seven columns
  (dag_id, task_id, run_id, multi_index, key, value_type, value): a str is stored as is
  (value_type 'str'), anything JSON-able as json.dumps text (value_type = the Python type
  name: dict, list, int, ...), Datasets/Assets as {"uri", "extra"} ('airflow_Dataset');
* stage files in AIRFLOW__CORE__XCOM_SNOWFLAKE_STAGE, laid out
  <dag_id>/<task_id>/<run_id>/<multi_index>/<key>.<ext>: .parquet for pandas
  DataFrames/Series, .np for numpy arrays (ndarray.dumps), .bin for bytes, .pickle for a
  JSON value over the cell limit or a dict with non-str keys;
* the reference strings Airflow keeps in place of the value:
  snowflake://<account>[.<region>]?&table=DB.SCHEMA.TABLE&key=<dag>/<task>/<run>/<idx>/<key>
  snowflake://<account>[.<region>]?&stage=DB.SCHEMA.STAGE&key=<dag>/<task>/<run>/<idx>/<key>.<ext>
* multi_index as in the demo era: 0 for the first stored leaf, +1 per stored leaf when a
  value that is not serializable as a whole is split into its dict values/list items.

Differences from the seed, on purpose: the SQL uses bound parameters (qmark) instead of
values pasted into the text, so a quote in a value cannot break or inject into the
statement; the stage file is uploaded with the connector's PUT, which the sandbox serves
through fakesnow into its stage directories (the same PUT text as the seed's).

Demo-only setting: SNOWDECK_DEMO_XCOM_CELL_LIMIT (bytes, default 16777216 = the seed's
_SNOWFLAKE_VARIANT_SIZE_LIMIT) lowers the size above which a JSON value goes to the stage
as a pickle, so a demo need not build 16 MiB values. `make demo` leaves it at the default.
"""
from __future__ import annotations

import ast
import builtins
import json
import os
import pickle
import tempfile
from typing import Any
from urllib.parse import urlparse

try:  # Airflow 3
    from airflow.sdk.bases.xcom import BaseXCom
except ImportError:  # pragma: no cover - Airflow 2
    from airflow.models.xcom import BaseXCom

ENCODING = "utf-8"
SNOWFLAKE_VARIANT_SIZE_LIMIT = 16777216

# Airflow imports the XCom backend in its long-lived processes (scheduler, LocalExecutor
# workers); task processes are forked from them. Importing the connector and pandas here,
# once, saves every task of the demo from importing them again (seconds each on a busy
# 2-core machine). Without them (a plain checker), the module still imports.
try:
    import numpy  # noqa: F401
    import pandas  # noqa: F401
    import snowflake.connector  # noqa: F401
except ImportError:  # pragma: no cover
    pass


def cell_limit() -> int:
    v = os.environ.get("SNOWDECK_DEMO_XCOM_CELL_LIMIT", "")
    return int(v) if v.strip() else SNOWFLAKE_VARIANT_SIZE_LIMIT


# --------------------------------------------------------------------------- settings

def xcom_objects() -> dict[str, str]:
    """The backend's settings from the environment, checked as the seed checks them."""
    out = {}
    for name, what in (("TABLE", "table"), ("STAGE", "stage")):
        var = f"AIRFLOW__CORE__XCOM_SNOWFLAKE_{name}"
        val = os.environ.get(var)
        if not val:
            raise RuntimeError(f"{var} environment variable not set.")
        assert len(val.split(".")) == 3, f"{var} is not a fully-qualified Snowflake {what} objet"
        out[what] = val
    conn = os.environ.get("AIRFLOW__CORE__XCOM_SNOWFLAKE_CONN_NAME")
    if not conn:
        raise RuntimeError("AIRFLOW__CORE__XCOM_SNOWFLAKE_CONN_NAME environment variable not set.")
    out["conn_id"] = conn
    return out


def conn_params(conn_id: str) -> dict[str, Any]:
    """The Airflow connection's parameters (AIRFLOW_CONN_<ID>, JSON as in the seed's .env)."""
    raw = os.environ.get(f"AIRFLOW_CONN_{conn_id.upper()}")
    if not raw:
        raise RuntimeError(f"AIRFLOW_CONN_{conn_id.upper()} is not set: the Snowflake XCom backend "
                           f"needs the connection {conn_id!r} (JSON) in the environment")
    c = json.loads(raw)
    extra = c.get("extra") or {}
    if isinstance(extra, str):
        extra = json.loads(extra)
    return {"account": extra.get("account", ""), "region": extra.get("region") or None,
            "user": c.get("login", ""), "password": c.get("password"),
            "schema": c.get("schema"), "database": extra.get("database"),
            "warehouse": extra.get("warehouse"), "role": extra.get("role"),
            "authenticator": extra.get("authenticator"),
            "private_key_file": extra.get("private_key_file"),
            "host": extra.get("host"), "port": extra.get("port"), "protocol": extra.get("protocol")}


def base_uri(params: dict[str, Any]) -> str:
    if params.get("region"):
        return f"snowflake://{params['account']}.{params['region']}?"
    return f"snowflake://{params['account']}?"


_CONNS: dict = {}


def shared_connection(params: dict[str, Any]):
    """One connection per process and parameters (a task opens it once: XCom pushes,
    pulls and the task's own statements share it)."""
    k = json.dumps(params, sort_keys=True, default=str)
    c = _CONNS.get(k)
    if c is None or c.is_closed():
        c = _CONNS[k] = connect(params)
    return c


def connect(params: dict[str, Any]):
    import snowflake.connector

    kw = {"account": params["account"], "user": params["user"], "database": params["database"],
          "schema": params["schema"], "warehouse": params["warehouse"], "role": params["role"],
          "paramstyle": "qmark", "login_timeout": 30, "network_timeout": 60}
    for k in ("host", "port", "protocol", "region"):
        if params.get(k):
            kw[k] = params[k]
    if params.get("private_key_file"):
        kw["authenticator"] = "SNOWFLAKE_JWT"
        kw["private_key_file"] = params["private_key_file"]
    else:
        kw["password"] = params.get("password") or ""
    return snowflake.connector.connect(**kw)


# --------------------------------------------------------------------------- references

def parse_uri(s: Any) -> dict[str, str] | None:
    """The seed's _try_parse_snowflake_xcom_uri: query starts with '?&', element [1] is
    table=/stage=, element [2] is key=; nothing is URL-decoded."""
    if not isinstance(s, str) or not s.startswith("snowflake://"):
        return None
    try:
        parsed = urlparse(s)
        parts = parsed.query.split("&")
        kind, obj = parts[1].split("=", 1)
        k, key = parts[2].split("=", 1)
    except (ValueError, IndexError):
        return None
    if kind not in ("table", "stage") or k != "key" or len(obj.split(".")) != 3:
        return None
    netloc = parsed.netloc.split(".")
    account, region = (netloc[0], netloc[1]) if len(netloc) == 2 else (parsed.netloc, None)
    return {"kind": kind, "object": obj, "key": key, "account": account, "region": region}


# --------------------------------------------------------------------------- the decision rule

def _file_types() -> tuple:
    types: list = [bytes, bytearray]
    try:
        import pandas
        types += [pandas.DataFrame, pandas.core.series.Series]
    except ImportError:  # pragma: no cover
        pass
    try:
        import numpy
        types.append(numpy.ndarray)
    except ImportError:  # pragma: no cover
        pass
    return tuple(types)


def file_payload(value: Any) -> tuple[str, bytes]:
    """(extension, bytes) of a stage file, as the seed writes it."""
    if isinstance(value, (bytes, bytearray)):
        return "bin", bytes(value)
    import numpy
    import pandas
    if isinstance(value, (pandas.DataFrame, pandas.core.series.Series)):
        with tempfile.TemporaryDirectory() as td:
            p = os.path.join(td, "v.parquet")
            pandas.DataFrame(value).to_parquet(p)
            with open(p, "rb") as f:
                return "parquet", f.read()
    if isinstance(value, numpy.ndarray):
        return "np", value.dumps()
    raise TypeError(f"no file serialization for {type(value).__name__}")


def plan(value: Any) -> dict[str, Any] | None | bool:
    """Where one value goes, without I/O (the seed's _write_to_snowflake checks, in order).

    Returns {"uri": s} (already a reference), {"table": (value_type, text)},
    {"stage": (ext, bytes)}, None (nothing stored) or False (not JSON-serializable as a
    whole: the caller splits it)."""
    if parse_uri(value):
        return {"uri": value}
    cls = type(value).__name__
    if cls in ("Dataset", "Asset") and hasattr(value, "uri"):
        return {"table": ("airflow_Dataset",
                          json.dumps({"uri": value.uri, "extra": getattr(value, "extra", None)}))}
    if isinstance(value, _file_types()):
        return {"stage": file_payload(value)}
    if value is None:
        return None
    if isinstance(value, str):
        return {"table": ("str", value)}
    try:
        text = json.dumps(value)
    except TypeError as e:
        if "not JSON serializable" in str(e):
            return False
        raise
    if isinstance(value, dict) and not all(isinstance(k, str) for k in value):
        print("Non-string-type keys found in dict. Resorting to file serialization to stage.")
        return {"stage": ("pickle", pickle.dumps(value))}
    if len(text.encode(ENCODING)) > cell_limit():
        print(f"XCOM value size exceeds Snowflake cell size limit {cell_limit()}. "
              "Resorting to file serialization to stage.")
        return {"stage": ("pickle", pickle.dumps(value))}
    return {"table": (type(value).__name__, text)}


MERGE_SQL = """MERGE INTO {table} tab1
USING (SELECT
            ? AS dag_id,
            ? AS task_id,
            ? AS run_id,
            ? AS multi_index,
            ? AS key,
            ? AS value_type,
            ? AS value) tab2
ON tab1.dag_id = tab2.dag_id
    AND tab1.task_id = tab2.task_id
    AND tab1.run_id = tab2.run_id
    AND tab1.multi_index = tab2.multi_index
    AND tab1.key = tab2.key
WHEN MATCHED THEN UPDATE SET tab1.value = tab2.value, tab1.value_type = tab2.value_type
WHEN NOT MATCHED THEN INSERT (dag_id, task_id, run_id, multi_index, key, value_type, value)
        VALUES (tab2.dag_id, tab2.task_id, tab2.run_id, tab2.multi_index, tab2.key, tab2.value_type, tab2.value)"""

SELECT_SQL = """SELECT VALUE_TYPE, VALUE FROM {table}
WHERE dag_id = ?
AND task_id = ?
AND run_id = ?
AND multi_index = ?
AND key = ?"""


class _Writer:
    """One task's writes: one connection, a multi_index counter (demo era: from 0)."""

    def __init__(self, dag_id: str, task_id: str, run_id: str, key: str):
        self.objs = xcom_objects()
        self.params = conn_params(self.objs["conn_id"])
        self.base = base_uri(self.params)
        self.dag_id, self.task_id, self.run_id, self.key = dag_id, task_id, run_id, key
        self.multi_index = 0
        self.conn = None

    def cursor(self):
        if self.conn is None:
            self.conn = shared_connection(self.params)
        return self.conn.cursor()

    def close(self):
        pass  # the shared connection stays open for the rest of the task

    def write(self, value: Any) -> Any:
        p = plan(value)
        if p is False:
            return False
        if p is None:
            return None
        if "uri" in p:
            return p["uri"]
        idx = self.multi_index
        self.multi_index += 1
        prefix = f"{self.dag_id}/{self.task_id}/{self.run_id}/{idx}"
        if "table" in p:
            value_type, text = p["table"]
            self.cursor().execute(MERGE_SQL.format(table=self.objs["table"]),
                                  (self.dag_id, self.task_id, self.run_id, idx, self.key,
                                   value_type, text))
            return f"{self.base}&table={self.objs['table']}&key={prefix}/{self.key}"
        ext, data = p["stage"]
        with tempfile.TemporaryDirectory() as td:
            path = os.path.join(td, f"{self.key}.{ext}")
            with open(path, "wb") as f:
                f.write(data)
            self.cursor().execute(
                f"PUT file://{path} @{self.objs['stage']}/{prefix}/\n"
                "AUTO_COMPRESS = FALSE\nSOURCE_COMPRESSION = NONE\nOVERWRITE = TRUE")
        return f"{self.base}&stage={self.objs['stage']}&key={prefix}/{self.key}.{ext}"

    def write_tree(self, value: Any) -> Any:
        """The seed's _serialize_values: the whole value first, else its elements."""
        out = self.write(value)
        if out is not False:
            return out
        if isinstance(value, dict):
            return {k: self.write_tree(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.write_tree(v) for v in value]
        raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable "
                        "and has no file serialization")


def read_stage_file(cursor, params: dict[str, Any], stage: str, key: str) -> bytes:
    """A stage file's bytes: the seed's GET, or -- SANDBOX ONLY -- the sandbox's
    /_sandbox/stage-file/ endpoint, because fakesnow does not serve GET."""
    import snowflake.connector

    try:
        with tempfile.TemporaryDirectory() as td:
            cursor.execute(f"GET @{stage}/{key} file://{td}")
            with open(os.path.join(td, os.path.basename(key)), "rb") as f:
                return f.read()
    except snowflake.connector.errors.ProgrammingError:
        if not params.get("host"):
            raise
    import urllib.parse
    import urllib.request
    db, schema, name = stage.split(".")
    url = (f"{params.get('protocol') or 'https'}://{params['host']}:{params.get('port') or 443}"
           f"/_sandbox/stage-file/{db}/{schema}/{name}/{urllib.parse.quote(key, safe='/')}")
    with urllib.request.urlopen(url, timeout=60) as r:
        return r.read()


def read_reference(uri: str, cursor, stage_reader) -> Any:
    """The seed's _read_from_snowflake for one reference (the table from the URI, the stage
    from the environment, as the seed does)."""
    ref = parse_uri(uri)
    if ref is None:
        return uri
    if ref["kind"] == "table":
        dag_id, task_id, run_id, idx, key = ref["key"].split("/")[0:5]
        cursor.execute(SELECT_SQL.format(table=ref["object"]), (dag_id, task_id, run_id, int(idx), key))
        row = cursor.fetchone()
        if row is None:
            raise KeyError(f"no XCom row for {uri}")
        value_type, text = row
        if value_type == "str":
            return text
        if value_type == "airflow_Dataset":
            return json.loads(text)
        if value_type == "dict":
            return json.loads(text)
        return getattr(builtins, value_type)(json.loads(text))
    data = stage_reader(ref["key"])
    ext = ref["key"].rsplit(".", 1)[-1]
    if ext == "parquet":
        import io

        import pandas
        return pandas.read_parquet(io.BytesIO(data))
    if ext == "np":
        import io

        import numpy
        return numpy.load(io.BytesIO(data), allow_pickle=True)
    if ext == "bin":
        return data
    if ext == "str":
        return data.decode(ENCODING)
    if ext == "pickle":
        return pickle.loads(data)  # the demo reads back only what it wrote itself
    return getattr(builtins, ext)(ast.literal_eval(data.decode(ENCODING)))


class SnowflakeXComBackend(BaseXCom):
    """The seed's backend, for the demo (see the module docstring)."""

    @staticmethod
    def serialize_value(value: Any, *, key: str | None = None, task_id: str | None = None,
                        dag_id: str | None = None, run_id: str | None = None,
                        map_index: int | None = None, **kwargs) -> Any:
        if value is None:
            return BaseXCom.serialize_value(value=None)
        w = _Writer(dag_id, task_id, run_id, key)
        try:
            uris = w.write_tree(value)
        finally:
            w.close()
        return BaseXCom.serialize_value(value=uris)

    @staticmethod
    def deserialize_value(result) -> Any:
        uris = BaseXCom.deserialize_value(result)
        if not _has_uri(uris):
            return uris
        objs = xcom_objects()
        params = conn_params(objs["conn_id"])
        cur = shared_connection(params).cursor()

        def stage_reader(key: str) -> bytes:
            return read_stage_file(cur, params, objs["stage"], key)

        return _walk(uris, lambda u: read_reference(u, cur, stage_reader))


def _has_uri(v: Any) -> bool:
    if isinstance(v, str):
        return parse_uri(v) is not None
    if isinstance(v, dict):
        return any(_has_uri(x) for x in v.values())
    if isinstance(v, (list, tuple)):
        return any(_has_uri(x) for x in v)
    return False


def _walk(v: Any, fn) -> Any:
    if isinstance(v, str):
        return fn(v)
    if isinstance(v, dict):
        return {k: _walk(x, fn) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_walk(x, fn) for x in v]
    return v

"""The demo DAGs' work -- TEST AND DEMO INFRASTRUCTURE.

Small, real work against the Snowflake sandbox through the Python connector (tables
created and read, files PUT to stages), and the deterministic values the tasks return,
so tests know what each task produced. Names follow the seed (seed-systems.md section 4).
"""
from __future__ import annotations

import csv
import hashlib
import json
import os
import urllib.request
from typing import Any

from snowdeck_demo import xcom_backend as xb

CONN_ID = "snowflake_default"
HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(os.path.dirname(HERE), "data")
DEMO_DATABASE = os.environ.get("DEMO_DATABASE", "DEMO")
DEMO_SCHEMA = os.environ.get("DEMO_SCHEMA", "DEMO")
XCOM_SCHEMA = "XCOM"
# A fake key, as the seed's OPENAI_APIKEY would be: snowdeck must mask it.
OPENAI_APIKEY = os.environ.get("OPENAI_APIKEY", "sk-snowdeck-demo-NOT-A-REAL-KEY-0123456789abcdef")
DATA_SOURCES = ["ad_spend", "sessions", "customers", "payments", "subscription_periods",
                "customer_conversions", "orders"]
CALLS = {"1001-call.txt": "I love the new toy, my kids play with it every day.",
         "1002-call.txt": "The delivery was late and the box was damaged. Not happy.",
         "1003-call.txt": "Can I change the colour of my order? Otherwise fine."}
EMBED_COMMENTS = 12638  # the seed's CustomerComment count
EMBED_DIMS = 128


def connect():
    """The task process's one Snowflake connection (shared with the XCom backend)."""
    return xb.shared_connection(xb.conn_params(CONN_ID))


def run(sql: str, params: Any = None, many: bool = False) -> list:
    cur = connect().cursor()
    if many:
        cur.executemany(sql, params)
        return []
    cur.execute(sql, params)
    try:
        return cur.fetchall()
    except Exception:  # statements without a result set
        return []


def astro_table(name: str, database: str = "demo", schema: str = "demo") -> dict:
    """astro.sql.table.Table(...).to_json(), as the seed's load tasks hand it to XCom."""
    return {"class": "Table", "name": name, "metadata": {"schema": schema, "database": database},
            "temp": False, "conn_id": CONN_ID}


def snowpark_table(name: str, uri: str = "", database: str | None = None,
                   schema: str | None = None) -> dict:
    """SnowparkTable(...).to_json() (exact key order of the seed)."""
    return {"class": "SnowparkTable", "name": name, "uri": uri, "extra": "",
            "metadata": {"schema": schema, "database": database}, "conn_id": ""}


# ----------------------------------------------------------------- snowpark_demo

TAXI_COLS = ["VENDOR_ID", "PICKUP_DATETIME", "DROPOFF_DATETIME", "PASSENGER_COUNT",
             "TRIP_DISTANCE", "FARE_AMOUNT"]


def taxi_rows(month: str) -> list[tuple]:
    with open(os.path.join(DATA, f"yellow_tripdata_sample_2019_{month}.csv")) as f:
        r = csv.DictReader(f)
        return [(int(x["vendor_id"]), x["pickup_datetime"], x["dropoff_datetime"],
                 int(x["passenger_count"]), float(x["trip_distance"]), float(x["fare_amount"]))
                for x in r]


def load_taxi(month: str) -> dict:
    """aql.load_file(..., output_table=TAXI_RAW, if_exists='replace')."""
    fq = f"{DEMO_DATABASE}.{DEMO_SCHEMA}.TAXI_RAW"
    run(f"CREATE OR REPLACE TABLE {fq} (VENDOR_ID INTEGER, PICKUP_DATETIME TIMESTAMP_NTZ, "
        "DROPOFF_DATETIME TIMESTAMP_NTZ, PASSENGER_COUNT INTEGER, TRIP_DISTANCE FLOAT, "
        "FARE_AMOUNT FLOAT)")
    run(f"INSERT INTO {fq} VALUES (?, ?, ?, ?, ?, ?)", taxi_rows(month), many=True)
    n = run(f"SELECT COUNT(*) FROM {fq}")[0][0]
    print(f"loaded {n} rows of yellow_tripdata_sample_2019_{month}.csv into {fq}")
    return astro_table("TAXI_RAW")


def temp_table_name(dag_id: str, task_id: str, ts_nodash: str, n: int = 1) -> str:
    return f"XCOM_{dag_id}__{task_id.replace('.', '_')}__{ts_nodash}__{n}".upper()


def transform(raw: dict, dag_id: str, task_id: str, ts_nodash: str) -> dict:
    src = f"{raw['metadata']['database']}.{raw['metadata']['schema']}.{raw['name']}".upper()
    name = temp_table_name(dag_id, task_id, ts_nodash)
    fq = f"{DEMO_DATABASE}.{XCOM_SCHEMA}.{name}"
    run(f"CREATE OR REPLACE TABLE {fq} AS SELECT VENDOR_ID, PASSENGER_COUNT, TRIP_DISTANCE, "
        "FARE_AMOUNT, HOUR(PICKUP_DATETIME) AS HOUR_OF_DAY, "
        "DATEDIFF('minute', PICKUP_DATETIME, DROPOFF_DATETIME) AS TRIP_DURATION_MIN "
        f"FROM {src}")
    params = xb.conn_params(CONN_ID)
    return snowpark_table(name, f"{xb.base_uri(params)}&table={fq}&key=*", DEMO_DATABASE, XCOM_SCHEMA)


def feature_engineering(table: dict):
    """Reads the transform's table; returns a pandas DataFrame (-> .parquet on the stage)."""
    import pandas

    fq = xb.parse_uri(table["uri"])["object"]
    rows = run(f"SELECT HOUR_OF_DAY, TRIP_DURATION_MIN, PASSENGER_COUNT, TRIP_DISTANCE, FARE_AMOUNT "
               f"FROM {fq} ORDER BY HOUR_OF_DAY, TRIP_DISTANCE")
    df = pandas.DataFrame(rows, columns=["HOUR_OF_DAY", "TRIP_DURATION_MIN", "PASSENGER_COUNT",
                                         "TRIP_DISTANCE", "FARE_AMOUNT"])
    return df.astype({"HOUR_OF_DAY": "int64", "TRIP_DURATION_MIN": "int64",
                      "PASSENGER_COUNT": "int64", "TRIP_DISTANCE": "float64",
                      "FARE_AMOUNT": "float64"})


def train(features) -> bytes:
    """Least squares fare ~ distance + duration; the model as pickled bytes (-> .bin)."""
    import pickle

    import numpy

    x = numpy.column_stack([features["TRIP_DISTANCE"], features["TRIP_DURATION_MIN"],
                            numpy.ones(len(features))])
    coef, *_ = numpy.linalg.lstsq(x, features["FARE_AMOUNT"].to_numpy(), rcond=None)
    model = {"model": "LinearRegression", "features": ["TRIP_DISTANCE", "TRIP_DURATION_MIN"],
             "coef": [round(float(c), 6) for c in coef[:2]], "intercept": round(float(coef[2]), 6)}
    return pickle.dumps(model, protocol=4)


def predict(features, model_bytes: bytes) -> dict:
    import pickle

    model = pickle.loads(model_bytes)  # the demo's own model, written by train
    a, b = model["coef"]
    c = model["intercept"]
    rows = [(float(d), int(m), float(f), round(a * float(d) + b * int(m) + c, 4))
            for d, m, f in zip(features["TRIP_DISTANCE"], features["TRIP_DURATION_MIN"],
                               features["FARE_AMOUNT"])]
    fq = f"{DEMO_DATABASE}.{DEMO_SCHEMA}.TAXI_PRED"
    run(f"CREATE OR REPLACE TABLE {fq} (TRIP_DISTANCE FLOAT, TRIP_DURATION_MIN INTEGER, "
        "FARE_AMOUNT FLOAT, PREDICTED_FARE FLOAT)")
    run(f"INSERT INTO {fq} VALUES (?, ?, ?, ?)", rows, many=True)
    return snowpark_table("TAXI_PRED", database=DEMO_DATABASE, schema=DEMO_SCHEMA)


# ----------------------------------------------------------------- customer_analytics

def service_urls() -> dict:
    """Local mode: the service containers' URLs (SNOWDECK_DEMO_SERVICES, JSON), or {}."""
    raw = os.environ.get("SNOWDECK_DEMO_SERVICES", "")
    return json.loads(raw) if raw.strip() else {}


def check_service_status() -> dict:
    """The seed's probes (runner "pong", weaviate ready, streamlit ok, minio live) when the
    demo's service containers run; the return value holds the API key and MinIO keys."""
    urls = service_urls()
    if urls:
        def get(url):
            with urllib.request.urlopen(url, timeout=10) as r:
                return r.status, r.read().decode()
        st, body = get(urls["airflow-task-runner"] + "/")
        assert st == 200 and body == '"pong"', f"runner answered {st} {body!r}"
        assert get(urls["weaviate"] + "/v1/.well-known/ready")[0] == 200
        st, body = get(urls["streamlit"] + "/_stcore/health")
        assert st == 200 and body.strip() == "ok", f"streamlit answered {st} {body!r}"
        assert get(urls["minio"] + "/minio/health/live")[0] == 200
        print("services: airflow-task-runner, weaviate, streamlit and minio answer")
    else:
        print("services: no local service containers in this demo (no container engine); "
              "probes skipped")
    return services_value()


def services_value() -> dict:
    return {"weaviate_conn": {"conn_type": "weaviate", "host": "http://weaviate:8081",
                              "headers": {"X-OpenAI-Api-Key": OPENAI_APIKEY}},
            "minio_conn": {"conn_type": "minio", "endpoint": "minio:9000",
                           "aws_access_key_id": "minioadmin",
                           "aws_secret_access_key": "minioadmin", "secure": False},
            "streamlit_conn": {"conn_type": "http", "host": "http://streamlit:8501"}}


def source_rows(source: str) -> list[tuple]:
    h = int(hashlib.sha256(source.encode()).hexdigest()[:8], 16)
    return [(i + 1, f"{source}-{i + 1}", round(((h >> (i % 16)) % 1000) / 10.0, 1))
            for i in range(5 + h % 6)]


def load_structured(source: str) -> dict:
    name = f"STG_{source.upper()}"
    fq = f"{DEMO_DATABASE}.{DEMO_SCHEMA}.{name}"
    run(f"CREATE OR REPLACE TABLE {fq} (ID INTEGER, NAME VARCHAR, AMOUNT FLOAT)")
    run(f"INSERT INTO {fq} VALUES (?, ?, ?)", source_rows(source), many=True)
    return astro_table(name, DEMO_DATABASE, DEMO_SCHEMA)


def ge_check(table: dict, suite: str) -> dict:
    fq = f"{DEMO_DATABASE}.{DEMO_SCHEMA}.{table['name']}"
    n, nulls = run(f"SELECT COUNT(*), COUNT_IF(ID IS NULL) FROM {fq}")[0]
    return {"success": n > 0 and nulls == 0, "expectation_suite_name": suite,
            "statistics": {"evaluated_expectations": 2, "successful_expectations":
                           int(n > 0) + int(nulls == 0)},
            "results": [{"expectation_type": "expect_table_row_count_to_be_between",
                         "observed_value": n},
                        {"expectation_type": "expect_column_values_to_not_be_null",
                         "column": "ID", "unexpected_count": nulls}]}


def load_support_calls_to_stage() -> str:
    import tempfile

    stage = f"{DEMO_DATABASE}.{DEMO_SCHEMA}.CALL_STAGE"
    run(f"CREATE STAGE IF NOT EXISTS {stage} DIRECTORY = (ENABLE = TRUE) "
        "ENCRYPTION = (TYPE = 'SNOWFLAKE_SSE')")
    cur = connect().cursor()
    with tempfile.TemporaryDirectory() as td:
        for name, text in CALLS.items():
            p = os.path.join(td, name)
            with open(p, "w") as f:
                f.write(text + "\n")
            cur.execute(f"PUT file://{p} @{stage} SOURCE_COMPRESSION = NONE OVERWRITE = TRUE "
                        "AUTO_COMPRESS = FALSE")
    return "call_stage"


def transcribe_calls(stage_name: str):
    """"Transcribes" the call files: reads each from the stage (a DataFrame -> .parquet)."""
    import pandas

    stage = f"{DEMO_DATABASE}.{DEMO_SCHEMA}.{stage_name.upper()}"
    params = xb.conn_params(CONN_ID)
    cur = connect().cursor()
    out = []
    for name in sorted(CALLS):
        text = xb.read_stage_file(cur, params, stage, name).decode().strip()
        out.append((name.split("-")[0], name, text))
    return pandas.DataFrame(out, columns=["CUSTOMER_ID", "RELATIVE_PATH", "TRANSCRIPT"])


def call_embeddings(transcripts):
    """A small numpy array (-> .np on the stage): letter frequencies of each transcript."""
    import numpy

    rows = []
    for t in transcripts["TRANSCRIPT"]:
        t = t.lower()
        rows.append([t.count(c) / max(len(t), 1) for c in "aeiostnr"])
    return numpy.array(rows, dtype="float64")


def twitter_embeddings() -> list:
    """A list of EMBED_COMMENTS vectors: JSON above 16 MiB (-> .pickle on the stage)."""
    import numpy

    rng = numpy.random.default_rng(12638)
    return numpy.round(rng.standard_normal((EMBED_COMMENTS, EMBED_DIMS)), 8).tolist()


def model_version(run_id: str) -> str:
    return hashlib.sha1(run_id.encode()).hexdigest()[:32].upper()


SENTIMENT_WORDS = {"love": 1.0, "fine": 0.3, "happy": 0.5, "late": -0.6, "damaged": -0.8,
                   "not": -0.5}


def sentiment(text: str) -> float:
    words = [w.strip(".,?!").lower() for w in text.split()]
    return round(sum(SENTIMENT_WORDS.get(w, 0.0) for w in words), 3)


def call_sentiment(transcripts):
    df = transcripts.copy()
    df["SENTIMENT"] = [sentiment(t) for t in df["TRANSCRIPT"]]
    return df


def create_presentation_tables(scored) -> str:
    fq = f"{DEMO_DATABASE}.{DEMO_SCHEMA}.PRED_CUSTOMER_CALLS"
    run(f"CREATE OR REPLACE TABLE {fq} (CUSTOMER_ID VARCHAR, RELATIVE_PATH VARCHAR, "
        "TRANSCRIPT VARCHAR, SENTIMENT FLOAT)")
    run(f"INSERT INTO {fq} VALUES (?, ?, ?, ?)",
        [(str(a), str(b), str(c), float(d)) for a, b, c, d in scored.itertuples(index=False)],
        many=True)
    run(f"CREATE OR REPLACE TABLE {DEMO_DATABASE}.{DEMO_SCHEMA}.PRES_SENTIMENT AS "
        f"SELECT CUSTOMER_ID, AVG(SENTIMENT) AS SENTIMENT FROM {fq} GROUP BY CUSTOMER_ID")
    return "success"

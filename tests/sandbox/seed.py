"""The `demo` seed of the snowdeck Snowflake sandbox (TEST AND DEMO DATA, NOT SNOWFLAKE).

Database DEMO; schema XCOM with the Snowflake XCom backend's table XCOM_TABLE
and stage XCOM_STAGE (files in the backend's layout
<dag_id>/<task_id>/<run_id>/<multi_index>/<key>.<ext>) plus a second stage
CALL_STAGE; schema DEMO with a small TAXI_RAW table. The values are shaped
like what the seed DAGs (snowpark_demo, customer_analytics) write; the
check_service_status row carries API keys and MinIO credentials on purpose,
so a client's secret masking can be tested.
"""
from __future__ import annotations

import io
import json
import os
import pickle
from typing import Any

from stages import touch_days_ago

SNOWPARK_RUN = "manual__2023-06-19T15:41:46.538589+00:00"
CUSTOMER_RUN = "scheduled__2023-07-02T06:00:00+00:00"
CUSTOMER_RUN2 = "manual__2023-07-03T09:12:30.120000+00:00"

CHECK_SERVICE_STATUS = {
    "weaviate_conn": {
        "host": "http://weaviate:8081",
        "headers": {"X-OpenAI-Api-Key": "sk-sandbox-00000000000000000000000000000000"},
    },
    "minio_conn": {
        "endpoint": "minio:9000",
        "aws_access_key_id": "minioadmin",
        "aws_secret_access_key": "minioadmin-sandbox-secret",
        "secure": False,
    },
    "streamlit_conn": {"host": "http://streamlit:8501"},
}


def xcom_rows() -> list[tuple[str, str, str, int, str, str, str]]:
    sp = "snowpark_demo"
    ca = "customer_analytics"
    rows: list[tuple[str, str, str, int, str, str, str]] = [
        (sp, "load.load_yellow_tripdata_sample_2019_01.csv", SNOWPARK_RUN, 0, "return_value", "dict",
         json.dumps({"class": "SnowparkTable", "name": "TAXI_RAW", "metadata": {"database": "DEMO",
                                                                               "schema": "DEMO"}})),
        (sp, "load.load_yellow_tripdata_sample_2019_02.csv", SNOWPARK_RUN, 0, "return_value", "dict",
         json.dumps({"class": "SnowparkTable", "name": "TAXI_RAW_2", "metadata": {"database": "DEMO",
                                                                                 "schema": "DEMO"}})),
        (sp, "transform.feature_engineering", SNOWPARK_RUN, 0, "return_value", "str", "FEATURES_TABLE"),
        (sp, "train.train_model", SNOWPARK_RUN, 0, "return_value", "dict",
         json.dumps({"model_id": "LINREG_7F3A", "r2": 0.8412, "rmse": 3.17})),
        (sp, "train.train_model", SNOWPARK_RUN, 1, "metrics", "list", json.dumps([0.81, 0.83, 0.8412])),
        (sp, "predict.score", SNOWPARK_RUN, 0, "row_count", "int", "1042"),
        (ca, "enter.check_service_status", CUSTOMER_RUN, 0, "return_value", "dict",
         json.dumps(CHECK_SERVICE_STATUS)),
        (ca, "enter.create_weaviate_backup_bucket", CUSTOMER_RUN, 0, "return_value", "str", "weaviate-backup"),
        (ca, "enter.check_model_registry", CUSTOMER_RUN, 0, "return_value", "dict",
         json.dumps({"database": "DEMO", "schema": "DEMO"})),
        (ca, "train_sentiment_classifier", CUSTOMER_RUN, 0, "return_value", "dict",
         json.dumps({"id": "0C5E7A4E2B1D11EE", "name": "sentiment_classifier", "version": "0C5E7A4E2B1D11EE"})),
        (ca, "exit.create_presentation_tables", CUSTOMER_RUN, 0, "return_value", "str", "success"),
        (ca, "enter.check_service_status", CUSTOMER_RUN2, 0, "return_value", "dict",
         json.dumps(CHECK_SERVICE_STATUS)),
        (ca, "structured_data.data_quality_checks.ge_jaffle_shop_customers", CUSTOMER_RUN2, 0, "return_value",
         "dict", json.dumps({"success": True, "statistics": {"evaluated_expectations": 4,
                                                             "successful_expectations": 4}})),
    ]
    return rows


def _parquet_bytes() -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq
    table = pa.table({
        "CUSTOMER_ID": pa.array([101, 102, 103, 104, 105], pa.int64()),
        "SENTIMENT": pa.array([0.91, 0.12, 0.55, 0.78, 0.33], pa.float64()),
        "CHANNEL": pa.array(["call", "twitter", "call", "call", "twitter"]),
    })
    buf = io.BytesIO()
    pq.write_table(table, buf)
    return buf.getvalue()


def _np_bytes() -> bytes:
    # What numpy's ndarray.dumps() writes starts like this: a pickle that
    # reconstructs numpy.core.multiarray._reconstruct. Never loaded by anyone.
    return (b"\x80\x02cnumpy.core.multiarray\n_reconstruct\nq\x00cnumpy\nndarray\nq\x01K\x00\x85q\x02"
            b"C\x01bq\x03\x87q\x04Rq\x05(K\x01K\x03\x85q\x06cnumpy\ndtype\nq\x07X\x02\x00\x00\x00f8"
            b"q\x08\x89\x88\x87q\tRq\n(K\x03X\x01\x00\x00\x00<q\x0bNNNJ\xff\xff\xff\xffJ\xff\xff\xff\xff"
            b"K\x00tq\x0cb\x89C\x18" + bytes(24) + b"q\rtq\x0eb.")


def stage_files() -> list[tuple[str, bytes, int]]:
    """(relative path, content, day of month for mtime)."""
    sp, ca = "snowpark_demo", "customer_analytics"
    return [
        (f"{sp}/load.load_yellow_tripdata_sample_2019_01.csv/{SNOWPARK_RUN}/0/return_value.json",
         json.dumps({"rows": 1042, "columns": ["VENDOR_ID", "PICKUP", "DROPOFF", "FARE"]}).encode(), 3),
        (f"{sp}/transform.feature_engineering/{SNOWPARK_RUN}/0/return_value.parquet", _parquet_bytes(), 3),
        (f"{sp}/transform.feature_engineering/{SNOWPARK_RUN}/1/notes.txt",
         b"feature engineering finished: 12 features, 1042 rows\n", 4),
        (f"{sp}/train.train_model/{SNOWPARK_RUN}/0/return_value.csv",
         b"fold,r2,rmse\n0,0.81,3.30\n1,0.83,3.21\n2,0.8412,3.17\n", 9),
        (f"{sp}/train.train_model/{SNOWPARK_RUN}/1/return_value.pickle",
         pickle.dumps({1: "non-string keys go to a pickle"}, protocol=4), 9),
        (f"{ca}/unstructured_data.transcribe_calls/{CUSTOMER_RUN}/0/return_value.np", _np_bytes(), 12),
        (f"{ca}/unstructured_data.transcribe_calls/{CUSTOMER_RUN}/1/return_value.bin",
         bytes(range(256)) * 4, 12),
        (f"{ca}/enter.check_service_status/{CUSTOMER_RUN}/0/return_value.json",
         json.dumps(CHECK_SERVICE_STATUS, indent=2).encode(), 21),
    ]


def demo(sb: Any) -> None:
    for sql in (
        "CREATE DATABASE IF NOT EXISTS DEMO",
        "CREATE SCHEMA IF NOT EXISTS DEMO.XCOM",
        "CREATE SCHEMA IF NOT EXISTS DEMO.DEMO",
        "CREATE OR REPLACE TABLE DEMO.XCOM.XCOM_TABLE (dag_id varchar NOT NULL, task_id varchar NOT NULL, "
        "run_id varchar NOT NULL, multi_index integer NOT NULL, key varchar NOT NULL, "
        "value_type varchar NOT NULL, value varchar NOT NULL)",
        "CREATE OR REPLACE STAGE DEMO.XCOM.XCOM_STAGE DIRECTORY = (ENABLE = TRUE) "
        "ENCRYPTION = (TYPE = 'SNOWFLAKE_SSE')",
        "CREATE OR REPLACE STAGE DEMO.XCOM.CALL_STAGE DIRECTORY = (ENABLE = TRUE) "
        "ENCRYPTION = (TYPE = 'SNOWFLAKE_SSE')",
        "CREATE OR REPLACE TABLE DEMO.DEMO.TAXI_RAW (VENDOR_ID integer, PICKUP_DATETIME timestamp_ntz, "
        "PASSENGER_COUNT integer, TRIP_DISTANCE float, FARE_AMOUNT number(10,2), STORE_AND_FWD boolean)",
    ):
        sb.run_sql(sql, None, None)
    # fakesnow does not record DIRECTORY = (ENABLE = TRUE); the real stages have it
    conn = sb.connect(None, None)
    try:
        conn._duck_conn.execute("update _fs_global._fs_information_schema._fs_stages set directory_enabled = 'Y' "
                                "where database_name = 'DEMO' and schema_name = 'XCOM'")
    finally:
        conn.close()
    for row in xcom_rows():
        binds = {str(i + 1): {"type": "FIXED" if i == 3 else "TEXT", "value": str(v)} for i, v in enumerate(row)}
        sb.run_sql("INSERT INTO DEMO.XCOM.XCOM_TABLE VALUES (?, ?, ?, ?, ?, ?, ?)", None, None, binds)
    sb.run_sql("INSERT INTO DEMO.DEMO.TAXI_RAW VALUES "
               "(1, '2019-01-01 00:46:40', 1, 1.5, 7.00, false), "
               "(2, '2019-01-01 00:59:47', 1, 2.6, 14.00, false), "
               "(2, '2019-01-03 14:01:12', 3, 0.8, 5.50, true), "
               "(1, '2019-01-09 23:15:00', 2, 11.2, 38.25, NULL)", None, None)
    root = os.path.join(sb.stage_root, "DEMO", "XCOM", "XCOM_STAGE")
    for rel, data, day in stage_files():
        full = os.path.join(root, rel)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb") as f:
            f.write(data)
        touch_days_ago(full, day)
    calls = os.path.join(sb.stage_root, "DEMO", "XCOM", "CALL_STAGE")
    os.makedirs(calls, exist_ok=True)
    for i, day in ((101, 2), (102, 5), (103, 17)):
        full = os.path.join(calls, f"{i}-call.txt")
        with open(full, "wb") as f:
            f.write(f"customer {i}: transcript placeholder\n".encode())
        touch_days_ago(full, day)
    sb.spcs.seed_demo()

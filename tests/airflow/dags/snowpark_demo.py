"""Airflow DAG fixture mirroring the seed's `snowpark_demo` (mpgreg/airflow-snowpark-demo).

Same dag id, task ids and dependencies; every task does a second of local work and
returns a small JSON XCom instead of touching Snowflake. `train` returns the kind of
reference string the Snowflake XCom backend stores for a stage-backed value.
Imports work on Airflow 3 (airflow.sdk) and Airflow 2 (airflow.decorators).
"""
import time
from datetime import datetime

try:  # Airflow 3
    from airflow.sdk import dag, task, task_group
except ImportError:  # Airflow 2
    from airflow.decorators import dag, task, task_group


@dag(dag_id="snowpark_demo", schedule=None, start_date=datetime(2023, 4, 1),
     catchup=False, tags=["demo", "snowpark"],
     default_args={"database": "DEMO", "schema": "DEMO", "retries": 0})
def snowpark_provider_demo():
    @task_group(group_id="load")
    def load():
        def loader(month):
            name = f"yellow_tripdata_sample_2019_{month}.csv"

            @task(task_id=f"load_{name}")
            def load_file():
                time.sleep(0.5)
                return {"name": "TAXI_RAW", "metadata": {"database": "demo", "schema": "demo"},
                        "conn_id": "snowflake_default", "file": f"include/data/{name}"}
            return load_file()

        return [loader("01"), loader("02")]

    @task
    def transform(raw_tables):
        time.sleep(0.5)
        return {"table": "DEMO.XCOM.XCOM_SNOWPARK_DEMO__TRANSFORM__1", "rows": 220,
                "inputs": [t["file"] for t in raw_tables]}

    @task
    def feature_engineering(df):
        time.sleep(0.5)
        return {"table": "DEMO.XCOM.XCOM_SNOWPARK_DEMO__FEATURE_ENGINEERING__1",
                "columns": ["PICKUP_HOUR", "TRIP_DISTANCE", "FARE_AMOUNT"], "source": df["table"]}

    @task
    def train(features, **context):
        time.sleep(0.5)
        # What the Snowflake XCom backend leaves in Airflow's own xcom table for a
        # stage-backed value: the query starts with "?&" and run_id stays raw.
        return ("snowflake://myaccount?&stage=DEMO.XCOM.XCOM_STAGE"
                f"&key=snowpark_demo/train/{context['run_id']}/0/return_value.bin")

    @task
    def predict(features, model):
        time.sleep(0.5)
        return {"name": "TAXI_PRED", "database": "DEMO", "schema": "DEMO", "model": model}

    raw = load()
    features = feature_engineering(transform(raw))
    predict(features, train(features))


snowpark_provider_demo()

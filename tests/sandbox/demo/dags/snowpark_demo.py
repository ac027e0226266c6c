"""Airflow DAG (snowdeck demo -- TEST AND DEMO INFRASTRUCTURE): the seed's snowpark_demo.

Same dag_id, task ids and task group as the seed (seed-systems.md 4.1), small real work
against the Snowflake sandbox, every XCom through the demo's Snowflake XCom backend:
load.* -> astro Table dicts (XCOM_TABLE rows), transform -> a temp table
DEMO.XCOM.XCOM_SNOWPARK_DEMO__TRANSFORM__<TS_NODASH>__1 and its SnowparkTable dict,
feature_engineering -> a pandas DataFrame (.parquet on XCOM_STAGE), train -> model bytes
(.bin), predict -> table DEMO.DEMO.TAXI_PRED and its SnowparkTable dict.
"""
from datetime import datetime

from airflow.sdk import dag, get_current_context, task, task_group

from snowdeck_demo import work


@dag(dag_id="snowpark_demo", schedule=None, start_date=datetime(2023, 4, 1), catchup=False,
     tags=["demo", "snowpark"], default_args={"retries": 0})
def snowpark_provider_demo():
    @task_group(group_id="load")
    def load():
        @task(task_id="load_yellow_tripdata_sample_2019_01.csv")
        def load_01():
            return work.load_taxi("01")

        @task(task_id="load_yellow_tripdata_sample_2019_02.csv")
        def load_02():
            return work.load_taxi("02")

        # Both replace TAXI_RAW (the last one wins, as in the seed); in order here.
        first = load_01()
        second = load_02()
        first >> second
        return second

    @task
    def transform(raw_table: dict):
        ctx = get_current_context()
        ti = ctx["ti"]
        try:
            ts_nodash = ctx["ts_nodash"]
        except KeyError:  # Airflow 3: a manual run without a logical date
            ts_nodash = ctx["dag_run"].run_after.strftime("%Y%m%dT%H%M%S")
        return work.transform(raw_table, ti.dag_id, ti.task_id, ts_nodash)

    @task
    def feature_engineering(table: dict):
        return work.feature_engineering(table)

    @task
    def train(features):
        return work.train(features)

    @task
    def predict(features, model: bytes):
        return work.predict(features, model)

    raw = load()
    t = transform(raw)
    f = feature_engineering(t)
    m = train(f)
    predict(f, m)


snowpark_provider_demo()

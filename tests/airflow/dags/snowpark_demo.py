"""Airflow DAG. Fixture mirroring the seed's snowpark_demo DAG ids and task ids (small,
local work; no Snowflake)."""
from datetime import datetime

from _compat import dag, get_current_context, task, task_group


@dag(dag_id="snowpark_demo", schedule=None, start_date=datetime(2023, 4, 1),
     catchup=False, tags=["demo", "snowpark"])
def snowpark_provider_demo():
    @task_group(group_id="load")
    def load():
        @task(task_id="load_yellow_tripdata_sample_2019_01.csv")
        def load_01():
            return {"table": "TAXI_RAW", "rows": 100, "file": "yellow_tripdata_sample_2019_01.csv"}

        @task(task_id="load_yellow_tripdata_sample_2019_02.csv")
        def load_02():
            return {"table": "TAXI_RAW", "rows": 120, "file": "yellow_tripdata_sample_2019_02.csv"}

        return [load_01(), load_02()]

    @task
    def transform():
        return {"table": "XCOM_SNOWPARK_DEMO__TRANSFORM", "rows": 220}

    @task
    def feature_engineering():
        return {"table": "XCOM_SNOWPARK_DEMO__FEATURE_ENGINEERING", "columns": ["HOUR_OF_DAY", "TRIP_DISTANCE"]}

    @task
    def train():
        run_id = get_current_context()["run_id"]
        return (f"snowflake://myaccount?&stage=DEMO.XCOM.XCOM_STAGE"
                f"&key=snowpark_demo/train/{run_id}/0/return_value.bin")

    @task
    def predict():
        return {"name": "TAXI_PRED", "database": "DEMO", "schema": "DEMO"}

    loaded = load()
    t = transform()
    f = feature_engineering()
    m = train()
    p = predict()
    loaded >> t >> f >> m
    [f, m] >> p


snowpark_provider_demo()

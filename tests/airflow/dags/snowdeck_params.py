"""Airflow DAG with params, for trigger forms and conf validation.

Params: `count` (integer, default 1, minimum 0), `color` (string enum, default
"red") and `name` (string, required: no default, so a trigger without it is
rejected). The one task echoes the run's conf and the resolved params as its XCom.
Imports work on Airflow 3 (airflow.sdk) and Airflow 2 (airflow.decorators).
"""
from datetime import datetime

try:  # Airflow 3
    from airflow.sdk import Param, dag, task
except ImportError:  # Airflow 2
    from airflow.decorators import dag, task
    from airflow.models.param import Param


@dag(dag_id="snowdeck_params", schedule=None, start_date=datetime(2024, 1, 1),
     catchup=False, tags=["test", "params"], default_args={"retries": 0},
     params={
         "count": Param(1, type="integer", minimum=0, description="How many (>= 0)"),
         "color": Param("red", type="string", enum=["red", "green", "blue"]),
         "name": Param(type="string", description="Required, no default"),
     })
def snowdeck_params():
    @task
    def echo(**context):
        params = context["params"]
        return {"conf": context["dag_run"].conf or {},
                "params": {k: params[k] for k in ("count", "color", "name")}}

    echo()


snowdeck_params()

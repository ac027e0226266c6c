"""A DAG with params, for trigger forms and conf validation."""
from datetime import datetime

from _compat import dag, get_current_context, task

try:
    from airflow.sdk import Param
except ImportError:
    from airflow.models.param import Param


@dag(dag_id="snowdeck_params", schedule=None, start_date=datetime(2024, 1, 1),
     catchup=False, tags=["test"],
     params={"count": Param(1, type="integer", minimum=0),
             "color": Param("red", type="string", enum=["red", "green", "blue"]),
             "name": Param(type="string")})
def snowdeck_params():
    @task
    def echo():
        p = get_current_context()["params"]
        return {"count": p["count"], "color": p["color"], "name": p["name"]}

    echo()


snowdeck_params()

"""Airflow DAG. Fixture mirroring the seed's customer_analytics DAG ids and task ids."""
from datetime import datetime

from _compat import dag, task, task_group


@dag(dag_id="customer_analytics", schedule=None, start_date=datetime(2023, 1, 1),
     catchup=False, tags=["demo", "containers"])
def customer_analytics():
    @task_group(group_id="enter")
    def enter():
        @task
        def check_service_status():
            # The seed stores API keys and MinIO credentials in this XCom.
            return {"weaviate_conn": {"host": "http://weaviate:8081",
                                      "headers": {"X-OpenAI-Api-Key": "sk-test-SECRET123"}},
                    "minio_conn": {"endpoint": "minio:9000", "access_key": "minioadmin",
                                   "secret_key": "minio-SECRET-456"},
                    "streamlit_conn": {"host": "http://streamlit:8501"}}

        @task
        def create_weaviate_backup_bucket(services):
            return "weaviate-backup"

        @task
        def check_model_registry():
            return {"database": "DEMO", "schema": "DEMO"}

        s = check_service_status()
        create_weaviate_backup_bucket(s)
        return check_model_registry()

    @task_group(group_id="structured_data")
    def structured_data():
        @task_group(group_id="load_structured_data")
        def load_structured_data():
            out = []
            for source in ("customers", "orders", "payments"):
                @task(task_id=f"load_{source}")
                def load(src=source):
                    return {"table": f"STG_{src.upper()}", "rows": 10}
                out.append(load())
            return out
        return load_structured_data()

    @task
    def train_sentiment_classifier(registry):
        return {"id": "m1", "name": "sentiment_classifier", "version": "V1"}

    @task_group(group_id="exit")
    def exit_group():
        @task
        def create_presentation_tables():
            return "success"

        @task
        def exit_snowpark_containers():
            print("Streamlit Link: http://localhost:8501")
            return None

        create_presentation_tables() >> exit_snowpark_containers()

    reg = enter()
    sd = structured_data()
    model = train_sentiment_classifier(reg)
    sd >> model >> exit_group()


customer_analytics()

"""Airflow DAG fixture mirroring the seed's `customer_analytics`
(astronomer/airflow-snowpark-containers-demo): same dag id, group/task ids and
dependencies for the subset below, with local one-second tasks and no network.

`enter.check_service_status` returns credentials on purpose, as the seed does
(OpenAI key header, MinIO keys), so the console's secret redaction can be tested.
Imports work on Airflow 3 (airflow.sdk) and Airflow 2 (airflow.decorators).
"""
import time
from datetime import datetime

try:  # Airflow 3
    from airflow.sdk import dag, task, task_group
except ImportError:  # Airflow 2
    from airflow.decorators import dag, task, task_group

# A subset of the seed's 7 data sources (each is one load_<source> task).
DATA_SOURCES = ["customers", "orders", "payments"]


@dag(dag_id="customer_analytics", schedule=None, start_date=datetime(2023, 1, 1),
     catchup=False, tags=["demo", "snowpark-containers"], default_args={"retries": 0})
def customer_analytics():
    @task_group(group_id="enter")
    def enter():
        @task
        def check_service_status():
            time.sleep(0.5)
            return {
                "weaviate_conn": {"host": "http://weaviate:8081",
                                  "headers": {"X-OpenAI-Api-Key": "sk-test-SECRET123"}},
                "minio_conn": {"endpoint": "minio:9000", "access_key": "minioadmin",
                               "secret_key": "minio-SECRET-456", "secure": False},
                "streamlit_conn": {"host": "http://streamlit:8501"},
            }

        @task
        def create_weaviate_backup_bucket(services):
            time.sleep(0.5)
            return "weaviate-backup"

        @task
        def restore_weaviate(services, bucket):
            time.sleep(0.5)
            return services

        @task
        def check_model_registry():
            time.sleep(0.5)
            return {"database": "DEMO", "schema": "DEMO"}

        services = check_service_status()
        restored = restore_weaviate(services, create_weaviate_backup_bucket(services))
        return restored, check_model_registry()

    @task_group(group_id="structured_data")
    def structured_data():
        @task_group(group_id="load_structured_data")
        def load_structured_data():
            def loader(source):
                @task(task_id=f"load_{source}")
                def load():
                    time.sleep(0.5)
                    return {"name": f"STG_{source.upper()}", "rows": 42}
                return load()

            return [loader(s) for s in DATA_SOURCES]

        return load_structured_data()

    @task
    def train_sentiment_classifier(registry):
        time.sleep(0.5)
        return {"id": "3F9A0C1E", "name": "sentiment_classifier", "version": "V_3F9A0C1E"}

    @task_group(group_id="exit")
    def exit_group(services):
        @task
        def create_presentation_tables():
            time.sleep(0.5)
            return "success"

        @task
        def backup_weaviate(services):
            time.sleep(0.5)
            return services

        @task
        def exit_snowpark_containers():
            print("Streamlit Link: http://localhost:8501")
            print("Weaviate Link: http://localhost:8081")
            print("Minio Link: http://localhost:9001")

        create_presentation_tables()
        backup_weaviate(services) >> exit_snowpark_containers()

    services, registry = enter()
    model = train_sentiment_classifier(registry)
    structured_data() >> model >> exit_group(services)


customer_analytics()

"""Airflow DAG (snowdeck demo -- TEST AND DEMO INFRASTRUCTURE): the seed's customer_analytics.

The seed's dag_id, task ids and task groups (seed-systems.md 4.2) for the tasks it keeps;
small real work against the Snowflake sandbox; every XCom through the demo's Snowflake
XCom backend. Kept from the seed: enter.*, structured_data.load_structured_data.load_*
(all seven sources), one data quality check, unstructured_data.* (calls PUT to
@CALL_STAGE and read back, embeddings), train_sentiment_classifier, score_sentiment.
call_sentiment, exit.*. Left out (no dbt, Great Expectations suites, Weaviate, Whisper
or Snowpark ML here): the other GE checks, the dbt groups, twitter/training branches of
score_sentiment, backup_weaviate.

XComs of note: enter.check_service_status holds an OpenAI API key header and MinIO keys
(an XCOM_TABLE row snowdeck must mask); transcribe_calls and score_sentiment.call_sentiment
are DataFrames (.parquet); generate_call_embeddings a numpy array (.np);
generate_twitter_embeddings a list whose JSON is over 16 MiB (.pickle).
"""
from datetime import datetime

from airflow.sdk import dag, get_current_context, task, task_group

from snowdeck_demo import work


@dag(schedule=None, start_date=datetime(2023, 1, 1), catchup=False,
     tags=["demo", "containers"], default_args={"retries": 0})
def customer_analytics():
    @task_group(group_id="enter")
    def enter():
        @task
        def check_service_status():
            return work.check_service_status()

        @task
        def create_weaviate_backup_bucket(services: dict):
            return "weaviate-backup"

        @task
        def restore_weaviate(services: dict, bucket: str):
            print(f"restore: backup 'backup' from bucket {bucket} (no Weaviate in the demo)")
            return services

        @task
        def check_model_registry():
            return {"database": work.DEMO_DATABASE, "schema": work.DEMO_SCHEMA}

        s = check_service_status()
        restored = restore_weaviate(s, create_weaviate_backup_bucket(s))
        return restored, check_model_registry()

    @task_group(group_id="structured_data")
    def structured_data():
        @task_group(group_id="load_structured_data")
        def load_structured_data():
            out = {}
            for source in work.DATA_SOURCES:
                @task(task_id=f"load_{source}")
                def load(src=source):
                    return work.load_structured(src)
                out[source] = load()
            return out

        @task_group(group_id="data_quality_checks")
        def data_quality_checks(tables):
            @task
            def ge_jaffle_shop_customers(table: dict):
                return work.ge_check(table, "jaffle_shop.customers")

            return ge_jaffle_shop_customers(tables["customers"])

        return data_quality_checks(load_structured_data())

    @task_group(group_id="unstructured_data")
    def unstructured_data(services):
        @task_group(group_id="load_unstructured_data")
        def load_unstructured_data():
            @task
            def load_support_calls_to_stage(services: dict):
                return work.load_support_calls_to_stage()

            return load_support_calls_to_stage(services)

        @task
        def transcribe_calls(stage: str):
            return work.transcribe_calls(stage)

        @task_group(group_id="generate_embeddings")
        def generate_embeddings(transcripts):
            @task
            def generate_call_embeddings(transcripts):
                return work.call_embeddings(transcripts)

            @task
            def generate_twitter_embeddings():
                return work.twitter_embeddings()

            generate_call_embeddings(transcripts)
            generate_twitter_embeddings()

        t = transcribe_calls(load_unstructured_data())
        generate_embeddings(t)
        return t

    @task
    def train_sentiment_classifier(registry: dict):
        run_id = get_current_context()["run_id"]
        return {"id": work.model_version(run_id), "name": "sentiment_classifier",
                "version": work.model_version(run_id)}

    @task_group(group_id="score_sentiment")
    def score_sentiment(transcripts, model):
        @task
        def call_sentiment(transcripts, model: dict):
            return work.call_sentiment(transcripts)

        return call_sentiment(transcripts, model)

    @task_group(group_id="exit")
    def exit_group(scored):
        @task
        def create_presentation_tables(scored):
            return work.create_presentation_tables(scored)

        @task
        def exit_snowpark_containers():
            print("Streamlit Link: http://localhost:8501/")
            print("Weaviate Link: http://localhost:8081/")
            print("Minio Link: http://localhost:9001/")

        create_presentation_tables(scored) >> exit_snowpark_containers()

    services, registry = enter()
    sd = structured_data()
    transcripts = unstructured_data(services)
    model = train_sentiment_classifier(registry)
    sd >> model
    exit_group(score_sentiment(transcripts, model))


customer_analytics()

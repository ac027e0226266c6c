"""Imports that work on Airflow 3 (airflow.sdk) and Airflow 2."""
try:
    from airflow.sdk import dag, task, task_group, get_current_context  # noqa: F401
except ImportError:  # Airflow 2
    from airflow.decorators import dag, task, task_group  # noqa: F401
    from airflow.operators.python import get_current_context  # noqa: F401

"""Airflow DAG. Hostile output for snowdeck's tests: escapes, bidi controls and invalid
UTF-8 in a log and an XCom, a failing task and a large XCom."""
import os
import sys
from datetime import datetime

from _compat import dag, task

EVIL = "evil \x1b[31mred\x1b[0m \x1b]0;pwned\x07 \x1b]52;c;c2VjcmV0\x07 \u202eright-to-left"


@dag(dag_id="snowdeck_faults", schedule=None, start_date=datetime(2024, 1, 1),
     catchup=False, tags=["test"])
def snowdeck_faults():
    @task
    def hostile_output():
        print(EVIL)
        sys.stdout.flush()
        os.write(1, b"raw bytes \xff\xfe\xc0\xaf \x1b[2J end\n")
        return {"message": EVIL, "token": "tok-SECRET-999"}

    @task
    def large_value():
        return [{"i": i, "text": "x" * 40} for i in range(4000)]

    @task(retries=0)
    def always_fails():
        raise RuntimeError("this task fails on purpose")

    hostile_output() >> large_value() >> always_fails()


snowdeck_faults()

"""Airflow DAG with hostile output for snowdeck's tests.

* `hostile_output` prints a line full of terminal escapes (CSI colours and screen
  clears, OSC title, OSC 52 clipboard write, OSC 8 hyperlink), a bidi override
  (U+202E) and C1 controls, and returns an XCom value carrying the same escapes
  (in values and in a key) plus a secret-looking `token`.
* `raw_bytes` writes invalid UTF-8 (and escapes) past Python's text layer: to fd 1
  on Airflow 3, whose supervisor turns it into log lines with U+FFFD; into the task
  log file on Airflow 2 (where fd 1 is the scheduler's own stdout). Airflow 2.10's
  log endpoint then answers HTTP 500 (an HTML page) for this task's log: a real
  server fault the console must survive. Kept apart so `hostile_output`'s log stays
  readable on both versions.
* `large_value` returns a ~200 KB JSON list.
* `always_fails` fails on every try (for clear/retry tests; the run ends `failed`).
* `fails_first_try` fails on try 1 and succeeds once cleared.
The tasks are independent, so the others succeed whatever the order.
Imports work on Airflow 3 (airflow.sdk) and Airflow 2 (airflow.decorators).
"""
import logging
import os
import sys
from datetime import datetime

try:  # Airflow 3
    from airflow.sdk import dag, task
    AIRFLOW_3 = True
except ImportError:  # Airflow 2
    from airflow.decorators import dag, task
    AIRFLOW_3 = False

EVIL = ("evil \x1b[31mred\x1b[0m \x1b[2J\x1b[H \x1b]0;pwned\x07 "
        "\x1b]52;c;c25vd2RlY2stcHduZWQ=\x07 \x1b]8;;http://evil.example/\x07link\x1b]8;;\x07 "
        "\u202eright-to-left\u202c \x9b31m c1-csi \x07bell\x08backspace\r\x7f end")
RAW = (b"raw bytes \xff\xfe \xc0\xaf overlong \xed\xa0\x80 surrogate \xe2\x82 truncated "
       b"\x1b[5m blink \x1b]0;raw-title\x07 end\n")


def write_raw(data):
    """Put bytes into the task log without any decoding or escaping."""
    if not AIRFLOW_3:
        # Airflow 2 turns sys.stdout into a logger and fd 1 is the scheduler's
        # own stdout, so write into the task's log file handler directly.
        # During a task run the root logger holds the task's FileTaskHandler.
        for handler in logging.getLogger().handlers + logging.getLogger("airflow.task").handlers:
            inner = getattr(handler, "handler", None)  # FileTaskHandler wraps a FileHandler
            if isinstance(inner, logging.FileHandler) and inner.stream is not None:
                inner.stream.flush()
                inner.stream.buffer.write(data)
                inner.stream.buffer.flush()
                return
    # Airflow 3: fd 1 is the pipe the task supervisor turns into log lines.
    os.write(1, data)


@dag(dag_id="snowdeck_faults", schedule=None, start_date=datetime(2024, 1, 1),
     catchup=False, tags=["test", "faults"], default_args={"retries": 0})
def snowdeck_faults():
    @task
    def hostile_output():
        print(EVIL)
        print("second line \u202eevil.exe\u202c \x1b[1;32mgreen\x1b[0m \x1b[?1049h alt-screen")
        return {"message": EVIL, "\x1b[31mkey\x1b[0m": "escape in a key",
                "nested": [EVIL, {"deep": EVIL}], "token": "tok-SECRET-999"}

    @task
    def raw_bytes():
        print("before raw bytes")
        sys.stdout.flush()
        write_raw(RAW)  # bypasses Python's text layer: invalid UTF-8 as is
        print("after raw bytes")
        return "raw bytes written"

    @task
    def large_value():
        # ~200 KB once serialised as JSON.
        return [{"i": i, "text": "x" * 30, "tag": f"row-{i:05d}"} for i in range(3000)]

    @task
    def always_fails():
        print("about to fail on purpose")
        raise RuntimeError("snowdeck_faults.always_fails fails on purpose")

    @task
    def fails_first_try(**context):
        if context["ti"].try_number <= 1:
            raise RuntimeError("fails on the first try; clear the task to make it pass")
        return "passed on a later try"

    hostile_output()
    raw_bytes()
    large_value()
    always_fails()
    fails_first_try()


snowdeck_faults()

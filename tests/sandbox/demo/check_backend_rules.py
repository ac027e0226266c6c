"""The demo XCom backend's decision rule and multi_index, without a server -- TEST
INFRASTRUCTURE. Run with the Airflow venv's python and the demo's packages on the path
(tests/integration/test_demo_xcom.py does). Prints 'N passed, N failed'; exits 1 on any
failure. Statements go to a recording cursor instead of Snowflake.
"""
import json
import os
import pickle
import sys
import traceback

from snowdeck_demo import xcom_backend as xb

os.environ.update({"AIRFLOW__CORE__XCOM_SNOWFLAKE_TABLE": "DEMO.XCOM.XCOM_TABLE",
                   "AIRFLOW__CORE__XCOM_SNOWFLAKE_STAGE": "DEMO.XCOM.XCOM_STAGE",
                   "AIRFLOW__CORE__XCOM_SNOWFLAKE_CONN_NAME": "snowflake_default",
                   "AIRFLOW_CONN_SNOWFLAKE_DEFAULT": json.dumps(
                       {"conn_type": "snowflake", "login": "U", "schema": "XCOM",
                        "extra": {"account": "myORG-myACCT", "database": "DEMO"}})})
RUN = "manual__2023-06-19T15:41:46.538589+00:00"


class Cursor:
    def __init__(self):
        self.calls = []

    def execute(self, sql, params=None):
        self.calls.append((sql, params))


class Writer(xb._Writer):
    def __init__(self):
        super().__init__("snowpark_demo", "load.load_yellow_tripdata_sample_2019_01.csv", RUN,
                         "return_value")
        self.cur = Cursor()

    def cursor(self):
        return self.cur


def test_reference_string_is_the_seeds_readme_example():
    w = Writer()
    uri = w.write_tree({"class": "Table", "name": "TAXI_RAW"})
    assert uri == ("snowflake://myORG-myACCT?&table=DEMO.XCOM.XCOM_TABLE&key=snowpark_demo/"
                   "load.load_yellow_tripdata_sample_2019_01.csv/manual__2023-06-19T15:41:46"
                   ".538589+00:00/0/return_value"), uri
    sql, params = w.cur.calls[0]
    assert sql.startswith("MERGE INTO DEMO.XCOM.XCOM_TABLE tab1") and "?" in sql, sql
    assert "TAXI_RAW" not in sql and params[5] == "dict", (sql, params)
    assert json.loads(params[6]) == {"class": "Table", "name": "TAXI_RAW"}, params


def test_region_joins_the_account():
    p = xb.conn_params("snowflake_default")
    p["region"] = "us-east-1"
    assert xb.base_uri(p) == "snowflake://myORG-myACCT.us-east-1?"
    assert xb.parse_uri("snowflake://a.r?&stage=D.S.X&key=k.bin")["region"] == "r"


def test_str_is_stored_as_is_and_a_reference_passes_through():
    w = Writer()
    w.write_tree("it's plain")
    assert w.cur.calls[0][1][5:] == ("str", "it's plain"), w.cur.calls
    ref = "snowflake://x?&table=A.B.C&key=*"
    assert w.write_tree(ref) == ref and len(w.cur.calls) == 1


def test_none_stores_nothing():
    w = Writer()
    assert w.write_tree(None) is None and w.cur.calls == []


def test_files_by_type():
    import numpy
    import pandas
    assert xb.plan(b"ab") == {"stage": ("bin", b"ab")}
    ext, data = xb.plan(numpy.arange(3))["stage"]
    assert ext == "np" and data[:1] == b"\x80", data[:8]  # ndarray.dumps: a pickle
    ext, data = xb.plan(pandas.DataFrame({"a": [1]}))["stage"]
    assert ext == "parquet" and data[:4] == b"PAR1", data[:8]
    assert xb.plan({1: "a"})["stage"] == ("pickle", pickle.dumps({1: "a"}))


def test_put_text_and_layout():
    w = Writer()
    uri = w.write_tree(b"model")
    sql = w.cur.calls[0][0]
    assert sql.startswith("PUT file://") and sql.endswith(
        "return_value.bin @DEMO.XCOM.XCOM_STAGE/snowpark_demo/load.load_yellow_tripdata_sample"
        f"_2019_01.csv/{RUN}/0/\nAUTO_COMPRESS = FALSE\nSOURCE_COMPRESSION = NONE\n"
        "OVERWRITE = TRUE"), sql
    assert uri.endswith(f"&stage=DEMO.XCOM.XCOM_STAGE&key=snowpark_demo/load.load_yellow_tripdata"
                        f"_sample_2019_01.csv/{RUN}/0/return_value.bin"), uri


def test_over_the_cell_limit_goes_to_a_pickle():
    os.environ["SNOWDECK_DEMO_XCOM_CELL_LIMIT"] = "10"
    try:
        assert xb.plan(["x" * 20]) == {"stage": ("pickle", pickle.dumps(["x" * 20]))}
        assert xb.plan(["x"]) == {"table": ("list", '["x"]')}
    finally:
        del os.environ["SNOWDECK_DEMO_XCOM_CELL_LIMIT"]


def test_not_serializable_as_a_whole_splits_with_multi_index():
    w = Writer()
    out = w.write_tree({"model": b"m", "meta": {"n": 1}, "none": None, "items": [b"a", "b"]})
    keys = {k: (v.split("&key=")[1] if isinstance(v, str) else v) for k, v in out.items()}
    p = f"snowpark_demo/load.load_yellow_tripdata_sample_2019_01.csv/{RUN}"
    assert keys["model"] == f"{p}/0/return_value.bin", keys
    assert keys["meta"] == f"{p}/1/return_value", keys
    assert keys["none"] is None, keys
    assert [x.split("&key=")[1] for x in keys["items"]] == [f"{p}/2/return_value.bin",
                                                          f"{p}/3/return_value"], keys


def test_settings_are_checked_like_the_seed():
    old = os.environ.pop("AIRFLOW__CORE__XCOM_SNOWFLAKE_CONN_NAME")
    try:
        xb.xcom_objects()
        raise AssertionError("no error without CONN_NAME")
    except RuntimeError as e:
        assert str(e) == "AIRFLOW__CORE__XCOM_SNOWFLAKE_CONN_NAME environment variable not set."
    finally:
        os.environ["AIRFLOW__CORE__XCOM_SNOWFLAKE_CONN_NAME"] = old
    os.environ["AIRFLOW__CORE__XCOM_SNOWFLAKE_TABLE"] = "XCOM_TABLE"
    try:
        xb.xcom_objects()
        raise AssertionError("no error for a 1-part table")
    except AssertionError as e:
        assert "not a fully-qualified Snowflake table" in str(e), e
    finally:
        os.environ["AIRFLOW__CORE__XCOM_SNOWFLAKE_TABLE"] = "DEMO.XCOM.XCOM_TABLE"


if __name__ == "__main__":
    passed = failed = 0
    for name, fn in sorted(globals().items()):
        if name.startswith("test_") and callable(fn):
            try:
                fn()
                passed += 1
                print(f"PASS backend: {name}")
            except Exception:  # noqa: BLE001
                failed += 1
                print(f"FAIL backend: {name}")
                traceback.print_exc()
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)

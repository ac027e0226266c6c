"""Decodes a demo stage file for tests -- TEST INFRASTRUCTURE (runs in the Airflow venv
with the demo's packages; this is the only place a .pickle/.np is ever loaded, and only
files the demo wrote itself).

    python decode_stage_file.py FILE   -> one JSON document on stdout:
    {"format", "size", "columns"/"rows" (parquet), "shape"/"values" (np),
     "type"/"len"/"json_bytes"/"first"/"matches_expected" (pickle), "hex" (bin)}
"""
import json
import os
import pickle
import sys


def main(path):
    ext = path.rsplit(".", 1)[-1]
    out = {"format": ext, "size": os.path.getsize(path)}
    with open(path, "rb") as f:
        data = f.read()
    if ext == "parquet":
        import pandas
        df = pandas.read_parquet(path)
        out["columns"] = [str(c) for c in df.columns]
        out["rows"] = json.loads(df.to_json(orient="values"))
    elif ext == "np":
        import io

        import numpy
        a = numpy.load(io.BytesIO(data), allow_pickle=True)
        out["shape"] = list(a.shape)
        out["values"] = a.tolist()
    elif ext == "pickle":
        v = pickle.loads(data)
        out["type"] = type(v).__name__
        out["len"] = len(v)
        out["json_bytes"] = len(json.dumps(v).encode())
        out["first"] = v[0][:4] if isinstance(v, list) else None
        from snowdeck_demo import work
        out["matches_expected"] = v == work.twitter_embeddings()
    elif ext == "bin":
        out["hex"] = data.hex()
        try:
            out["unpickled"] = pickle.loads(data)
        except Exception:  # noqa: BLE001
            pass
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1])

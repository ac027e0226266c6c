"""Shared helpers for snowdeck's integration and end-to-end tests.

Tests are plain functions named test_*; run_tests() runs them, prints one
line per test and the closing line 'N passed, N failed', and exits non-zero
on any failure. No test ever skips: a missing server is a failure.
"""
import json
import os
import shlex
import socket
import subprocess
import sys
import time
import traceback

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("SNOWDECK_BIN", os.path.join(ROOT, "snowdeck"))
WRAP = shlex.split(os.environ.get("SNOWDECK_WRAP", ""))


class Result:
    def __init__(self, cp):
        self.code = cp.returncode
        self.out = cp.stdout
        self.err = cp.stderr

    def json(self):
        try:
            return json.loads(self.out)
        except ValueError as e:
            raise AssertionError(f"stdout is not one JSON document: {e}: "
                                 f"{self.out[:500]!r} stderr={self.err[:500]!r}")

    def __repr__(self):
        return f"<exit {self.code} out={self.out[:300]!r} err={self.err[:300]!r}>"


def free_port():
    """A free loopback TCP port (bound once, then released)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def snowdeck(*args, env=None, timeout=120, check=True, wrap=True):
    """Runs the snowdeck binary headless; returns a Result."""
    e = dict(os.environ)
    e.update(env or {})
    cmd = (WRAP if wrap else []) + [BIN] + [str(a) for a in args]
    cp = subprocess.run(cmd, capture_output=True, text=True, env=e,
                        timeout=timeout, errors="surrogateescape")
    r = Result(cp)
    if WRAP and r.code == 99:
        raise AssertionError(f"valgrind reported errors: {r.err[-3000:]}")
    if check and r.code != 0:
        raise AssertionError(f"snowdeck {' '.join(map(str, args))} failed: {r!r}")
    return r


def wait_for(what, fn, timeout=180, interval=1.0):
    """Calls fn until it returns a truthy value; fails after timeout."""
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        try:
            v = fn()
            if v:
                return v
        except AssertionError as e:
            last = e
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}"
                         + (f" (last error: {last})" if last else ""))


def run_tests(tests, label):
    passed = failed = 0
    for t in tests:
        start = time.time()
        try:
            t()
            passed += 1
            print(f"PASS {label}: {t.__name__} ({time.time() - start:.1f}s)",
                  flush=True)
        except Exception:  # noqa: BLE001 - report every failure
            failed += 1
            print(f"FAIL {label}: {t.__name__} ({time.time() - start:.1f}s)",
                  flush=True)
            traceback.print_exc()
            sys.stdout.flush()
    print(f"{label}: {passed} passed, {failed} failed", flush=True)
    return failed

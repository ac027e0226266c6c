#!/usr/bin/env python3
"""Integration tests: external jobs ("snowdeck job NAME", [jobs.<name>] in
config.toml) run as real processes: output streamed as it comes, sanitized,
the exit status passed on, Ctrl-C cancelling the whole process group,
--readonly refusing, and each run in the audit file. Never skips.
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from common import BIN, run_tests, snowdeck  # noqa: E402

TMP = tempfile.mkdtemp(prefix="snowdeck-jobs-it.")
CONFIG = os.path.join(TMP, "config.toml")
AUDIT = os.path.join(TMP, "audit.jsonl")
PIDFILE = os.path.join(TMP, "child.pid")

with open(CONFIG, "w") as f:
    f.write(f"""
[jobs.slow]
command = ["sh", "-c", "echo first; sleep 2; echo second >&2; exit 3"]
description = "two lines, two seconds apart"

[jobs.hostile]
command = ["printf", "ok \\u001b]0;pwned\\u0007 \\u001b[31mred\\u001b[0m \\u202eevil\\n"]

[jobs.stubborn]
command = "trap '' TERM; (trap '' TERM; sleep 120) & echo $! > {PIDFILE}; echo started; wait"
shell = true

[jobs.words]
command = "printf %s;%s a b"

[jobs.missing]
command = ["snowdeck-no-such-program"]
""")


def sd(*args, **kw):
    return snowdeck("--config", CONFIG, "--audit", AUDIT, *args, **kw)


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except FileNotFoundError:
        return False


def test_list():
    doc = sd("jobs", "-o", "json").json()
    names = [j["name"] for j in doc["jobs"]]
    assert names == ["slow", "hostile", "stubborn", "words", "missing"], names
    assert doc["jobs"][2]["shell"] is True and doc["jobs"][0]["shell"] is False


def test_streamed_and_exit_status():
    p = subprocess.Popen([BIN, "--config", CONFIG, "--audit", AUDIT, "job", "slow"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    t0 = time.time()
    first = p.stdout.readline()
    t_first = time.time() - t0
    out, err = p.communicate(timeout=30)
    total = time.time() - t0
    assert first == "first\n", first
    assert t_first < 1.5 and total >= 2, (t_first, total)   # streamed, not buffered
    assert "second" in err and "job slow: exit 3" in err, err
    assert p.returncode == 3


def test_output_sanitized():
    r = sd("job", "hostile")
    assert "\x1b" not in r.out and "\x07" not in r.out and "\u202e" not in r.out, repr(r.out)
    assert "ok" in r.out and "red" in r.out and "evil" in r.out, repr(r.out)


def test_no_shell_unless_configured():
    r = sd("job", "words")
    # printf got "%s;%s" as one word: a shell would have split it at ";"
    assert r.out == "a;b\n", repr(r.out)


def test_missing_program():
    r = sd("job", "missing", check=False)
    assert r.code == 1 and "no such file" in r.err, r


def test_cancel_kills_the_group():
    if os.path.exists(PIDFILE):
        os.unlink(PIDFILE)
    p = subprocess.Popen([BIN, "--config", CONFIG, "--audit", AUDIT, "job", "stubborn"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert p.stdout.readline() == "started\n"
    child = int(open(PIDFILE).read())
    assert alive(child)
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=20)
    assert "cancelling the job" in err and "cancelled by signal 9" in err, err
    assert p.returncode == 128 + 9, p.returncode
    deadline = time.time() + 5
    while alive(child) and time.time() < deadline:
        time.sleep(0.1)
    assert not alive(child), "the job's background child survived the cancel"


def test_readonly_refuses():
    r = sd("--readonly", "job", "slow", check=False)
    assert r.code == 3 and "readonly" in r.err, r


def test_audit():
    lines = [json.loads(l) for l in open(AUDIT)]
    jobs = [(l["target"], l["result"]) for l in lines if l["action"] == "job"]
    assert ("slow", "exit 3") in jobs, jobs
    assert ("stubborn", "cancelled by signal 9") in jobs, jobs
    assert not any(t == "slow" and r == "started" for t, r in jobs[-1:]), jobs


if __name__ == "__main__":
    failed = run_tests([test_list, test_streamed_and_exit_status, test_output_sanitized,
               test_no_shell_unless_configured, test_missing_program,
               test_cancel_kills_the_group, test_readonly_refuses, test_audit], "jobs")
    sys.exit(1 if failed else 0)

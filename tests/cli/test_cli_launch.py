"""Launched commands from the command line, with real processes, on both backends: `new -- CMD`,
`start`, `stop` from another shell with no app open, `logs [-f] [-n N]`, the JSON fields, and
what is refused (another machine's or user's command, simulator options, a missing program)."""

from __future__ import annotations

import json
import os
import sys
import textwrap
import time

import pytest
from sqlalchemy import text

from tests.support.in_process import run_in_process
from vapor_tui.store.engine import open_store

# Tests marked real_process start the installed vapor-tui for every command they give, as from
# another shell; only their polls that wait for a job's state read it in-process (each poll
# was a vapor-tui start, 0.65 CPU-s, ten a second).

BOUND_S = 60.0


def ok(result):
    code, out, err = result
    assert code == 0, f"exit {code}: {err}"
    return out


def refused(result) -> str:
    code, out, err = result
    assert code == 2 and out == "", (code, out, err)
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    return err.strip()


def _script(tmp_path, body: str, name: str = "train.py") -> str:
    path = tmp_path / name
    path.write_text(textwrap.dedent(body))
    return str(path)


def _show(run_cli, db, job_id) -> dict:
    return json.loads(ok(run_cli("show", job_id, "--json", "--db", db)))


def _wait(run_cli, db, job_id, pred, what: str) -> dict:
    """`show --json` (in-process) until `pred` holds."""
    deadline = time.monotonic() + BOUND_S
    while True:
        shown = json.loads(ok(run_in_process(("show", job_id, "--json", "--db", db), os.getcwd())))
        if pred(shown):
            return shown
        assert time.monotonic() < deadline, f"waited {BOUND_S} s for {what}: {shown}"
        time.sleep(0.1)


COUNTS = """
    import json, sys, time
    step = 0
    try:
        while True:
            step += 1
            print(json.dumps({"step": step, "loss": 1.0 / step}), flush=True)
            if step == 3:
                print("three steps done", file=sys.stderr, flush=True)
            time.sleep(0.05)
    except KeyboardInterrupt:
        print("saved checkpoint at step", step, flush=True)
"""


@pytest.mark.real_process
def test_new_start_logs_and_a_stop_from_another_shell(run_cli, db, tmp_path, isolated_env):
    script = _script(tmp_path, COUNTS)
    job_id = ok(run_cli("new", "--name", "counts", "--db", db, "--", sys.executable, script))
    job_id = job_id.strip()
    shown = _show(run_cli, db, job_id)
    assert shown["status"] == "queued" and shown["source"] == "command"
    assert shown["command"] == [sys.executable, script] and shown["cwd"] == str(isolated_env)
    assert shown["host"] and shown["pid"] is None and shown["exit_code"] is None
    assert ok(run_cli("start", job_id, "--db", db)).strip().endswith(": running")
    _wait(run_cli, db, job_id, lambda s: s["step"] >= 5, "five steps")
    listed = json.loads(ok(run_cli("jobs", "--json", "--db", db)))
    assert listed[0]["supervisor_pid"] and listed[0]["pid"] and listed[0]["command"]
    # No app open: the supervisor sees the stop and sends SIGINT; the script saves and ends.
    assert ok(run_cli("stop", job_id, "--db", db)).strip().endswith(": stopping")
    shown = _wait(run_cli, db, job_id, lambda s: s["status"] == "stopped", "the stop")
    assert shown["reason"] == f"stopped by user at step {shown['step']}"
    assert shown["exit_code"] == 0
    out = ok(run_cli("logs", job_id, "-n", "0", "--db", db)).splitlines()
    assert out[0] == '{"step": 1, "loss": 1.0}'
    assert "[stderr] three steps done" in out
    assert out[-1].startswith("saved checkpoint at step ")
    assert ok(run_cli("logs", job_id, "-n", "2", "--db", db)).splitlines() == out[-2:]


@pytest.mark.real_process
def test_logs_follow_prints_lines_as_they_come_until_the_job_ends(run_cli, db, tmp_path):
    script = _script(
        tmp_path,
        """
        import sys, time
        for i in range(1, 21):
            print("line", i, flush=True)
            time.sleep(0.02)
        print("bye", file=sys.stderr)
        sys.exit(3)
        """,
    )
    job_id = ok(
        run_cli("new", "--name", "f", "--start", "--db", db, "--", sys.executable, script)
    ).strip()
    out = ok(run_cli("logs", job_id, "-f", "--db", db, timeout=BOUND_S)).splitlines()
    assert out == [*(f"line {i}" for i in range(1, 21)), "[stderr] bye"]
    shown = _show(run_cli, db, job_id)
    assert (shown["status"], shown["reason"], shown["exit_code"]) == (
        "failed",
        "exited with status 3: bye",
        3,
    )


def test_what_a_command_job_refuses(run_cli, db, tmp_path):
    script = _script(tmp_path, "print('hi')")
    new = ("new", "--name", "x", "--db", db)
    assert "--epochs is for simulated jobs" in refused(
        run_cli(*new, "--epochs", "3", "--", sys.executable, script)
    )
    assert "no program 'no-such-trainer' on PATH" in refused(run_cli(*new, "--", "no-such-trainer"))
    assert "does not exist" in refused(
        run_cli(*new, "--cwd", str(tmp_path / "gone"), "--", sys.executable, script)
    )
    assert "is not NAME=VALUE" in refused(run_cli(*new, "--env", "1X=2", "--", "true"))
    assert "set by vapor-tui itself" in refused(
        run_cli(*new, "--env", "VAPOR_TUI_JOB=3", "--", "true")
    )
    assert "stop grace 'soon'" in refused(run_cli(*new, "--stop-grace", "soon", "--", "true"))
    job_id = ok(run_cli(*new, "--", sys.executable, script)).strip()
    # The same database seen from another machine, then as another user: refused, and why.
    store = open_store(db)
    try:
        with store.write() as conn:
            conn.execute(text("UPDATE jobs SET host = 'gpu-box-2' WHERE id = :i"), {"i": job_id})
        assert refused(run_cli("start", job_id, "--db", db)) == (
            f"vapor-tui: error: cannot start job #{job_id} x here: it is a command created on "
            "gpu-box-2; start it there"
        )
        with store.write() as conn:
            conn.execute(
                text("UPDATE jobs SET host = :h, user_name = 'alice' WHERE id = :i"),
                {"h": _show(run_cli, db, job_id)["host"] or "", "i": job_id},
            )
    finally:
        store.close()
    import socket

    store = open_store(db)
    try:
        with store.write() as conn:
            conn.execute(
                text("UPDATE jobs SET host = :h WHERE id = :i"),
                {"h": socket.gethostname(), "i": job_id},
            )
    finally:
        store.close()
    assert refused(run_cli("start", job_id, "--db", db)) == (
        f"vapor-tui: error: cannot start job #{job_id} x: it is a command of alice; "
        "start it as alice"
    )
    assert _show(run_cli, db, job_id)["status"] == "queued"  # nothing was run


@pytest.mark.real_process
def test_clone_queues_the_same_command_again(run_cli, db, tmp_path):
    script = _script(tmp_path, "print('again')")
    job_id = ok(
        run_cli(
            "new",
            "--name",
            "c",
            "--env",
            "A=1",
            "--stop-grace",
            "5",
            "--start",
            "--db",
            db,
            "--",
            sys.executable,
            script,
        )
    ).strip()
    _wait(run_cli, db, job_id, lambda s: s["status"] == "complete", "the end")
    clone = ok(run_cli("clone", job_id, "--db", db)).strip()
    shown, again = _show(run_cli, db, job_id), _show(run_cli, db, clone)
    assert again["status"] == "queued" and again["source"] == "command"
    assert (again["command"], again["cwd"], again["name"]) == (
        shown["command"],
        shown["cwd"],
        "c",
    )
    ok(run_cli("start", clone, "--db", db))
    _wait(run_cli, db, clone, lambda s: s["status"] == "complete", "the clone's end")
    assert ok(run_cli("logs", clone, "--db", db)) == "again\n"

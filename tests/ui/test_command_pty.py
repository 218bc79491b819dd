"""Launched commands with the installed app in a real pseudo-terminal: `s` starts one, its
output shows under the chart, `x` stops it (the command saves and ends), the app closed and
opened again while it runs, and what a new output line costs in bytes."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from tests.support.pty_app import VAPOR, PtyApp
from vapor_tui.store.engine import open_store
from vapor_tui.store.output import read_output
from vapor_tui.store.tables import jobs_table

BOUND_S = 60.0

COUNTS = """
    import json, time
    step = 0
    try:
        while True:
            step += 1
            print(json.dumps({"step": step, "loss": 1.0 / step}), flush=True)
            time.sleep(0.1)
    except KeyboardInterrupt:
        print(f"checkpoint saved at step {step}", flush=True)
"""


def _cli(env, *args: str) -> str:
    out = subprocess.run(
        [VAPOR, *args], env=env, capture_output=True, text=True, timeout=BOUND_S, check=True
    )
    return out.stdout


def _leave_nothing_running(env, job_id: int) -> None:
    """A test that failed half-way: fail its job, so its supervisor ends the command."""
    subprocess.run([VAPOR, "fail", str(job_id)], env=env, capture_output=True, timeout=BOUND_S)


def _new(tmp_path: Path, env, body: str, name: str = "counts") -> int:
    script = tmp_path / f"{name}.py"
    script.write_text(textwrap.dedent(body))
    return int(_cli(env, "new", "--name", name, "--", sys.executable, str(script)))


def _row(db: str, job_id: int) -> dict:
    store = open_store(db)
    try:
        with store.read() as conn:
            query = jobs_table.select().where(jobs_table.c.id == job_id)
            return dict(conn.execute(query).mappings().one())
    finally:
        store.close()


def _wait(db: str, job_id: int, pred, what: str) -> dict:
    deadline = time.monotonic() + BOUND_S
    while True:
        row = _row(db, job_id)
        if pred(row):
            return row
        assert time.monotonic() < deadline, f"waited {BOUND_S} s for {what}: {row}"
        time.sleep(0.1)


def test_s_starts_a_command_its_output_shows_and_x_stops_it(tmp_path, helpers):
    db = str(tmp_path / "cmd.db")
    env = helpers.cli_env({"VAPOR_TUI_DB": db})
    job_id = _new(tmp_path, env, COUNTS)
    app = PtyApp(["--db", db], env)
    try:
        app.wait_for("counts")
        app.send("s")
        app.wait_for("running")
        app.send("\r")  # its detail screen: the output under the chart
        app.wait_for("Output")
        _shown_step(app, lambda step: step >= 3)  # its lines, as they come
        app.send("x")
        row = _wait(db, job_id, lambda r: r["status"] == "stopped", "the stop")
        step = row["steps_done"]
        assert row["reason"] == f"stopped by user at step {step}" and row["exit_code"] == 0
        app.wait_for(f"stopped by user at step {step}")
        app.wait_for(f"checkpoint saved at step {step}")  # the command's last line, in the pane
        app.send("q")
        assert app.wait_exit() == 0
    finally:
        app.close()


def _shown_step(app: PtyApp, pred) -> int:
    """The newest step the output pane shows, once it is one `pred` accepts."""
    deadline = time.monotonic() + BOUND_S
    while True:
        app.pump(0.1)
        steps = [int(m) for m in re.findall(r'\{"step": (\d+), "loss"', app.text())]
        if steps and pred(max(steps)):
            return max(steps)
        assert time.monotonic() < deadline, f"no such step shown:\n{app.text()}"


def test_the_app_closed_and_opened_again_while_a_command_runs(tmp_path, helpers):
    db = str(tmp_path / "cmd.db")
    env = helpers.cli_env({"VAPOR_TUI_DB": db})
    job_id = _new(tmp_path, env, COUNTS)
    app = PtyApp(["--db", db], env)
    try:
        app.wait_for("counts")
        app.send("s")
        app.wait_for("running")
        app.send("q")
        assert app.wait_exit() == 0
    except BaseException:
        _leave_nothing_running(env, job_id)
        raise
    finally:
        app.close()
    at_quit = _wait(db, job_id, lambda r: r["steps_done"] >= 2, "two steps")["steps_done"]
    # No app open: the command goes on, its points and output keep arriving.
    later = _wait(db, job_id, lambda r: r["steps_done"] >= at_quit + 10, "ten more steps")
    assert later["status"] == "running"
    again = PtyApp(["--db", db, "watch", str(job_id)], env)
    try:
        # Read back from the store: lines written while no app was open, and then following.
        shown = _shown_step(again, lambda step: step >= later["steps_done"])
        _shown_step(again, lambda step: step >= shown + 5)
        again.send("x")
        _wait(db, job_id, lambda r: r["status"] == "stopped", "the stop")
        again.send("q")
        assert again.wait_exit() == 0
    finally:
        again.close()
        _leave_nothing_running(env, job_id)


def test_a_new_output_line_costs_about_its_own_bytes(tmp_path, helpers):
    """Measured in a real pty with the detail screen open: bytes the app wrote while lines
    arrived, less what it writes anyway in that time (the elapsed clock), per line."""
    db = str(tmp_path / "cmd.db")
    env = helpers.cli_env({"VAPOR_TUI_DB": db})
    go = tmp_path / "go"
    line = "x" * 60
    body = f"""
        import os, sys, time
        print("ready", flush=True)
        while not os.path.exists({str(go)!r}):
            time.sleep(0.05)
        for i in range(1, 1000):
            print(f"{{i:04d}} {line}", flush=True)
            time.sleep(0.1)
    """
    job_id = _new(tmp_path, env, body, name="lines")
    _cli(env, "start", str(job_id))
    app = PtyApp(["--db", db, "watch", str(job_id)], env, cols=120, rows=40)
    try:
        app.wait_for("ready")
        app.pump(2.0)  # settled
        quiet_s = 4.0
        quiet = app.pump(quiet_s)
        go.touch()
        app.wait_for("0001 ")
        store = open_store(db)
        try:
            with store.read() as conn:
                first = len(read_output(conn, job_id))
            busy_s = 6.0
            busy = app.pump(busy_s)
            with store.read() as conn:
                lines = len(read_output(conn, job_id)) - first
        finally:
            store.close()
        assert lines >= 20, f"only {lines} lines arrived in {busy_s} s"
        per_line = (busy - quiet / quiet_s * busy_s) / lines
        own = len(f"0001 {line}") + 3  # its text, the gutter, a cursor move
        print(json.dumps({"bytes_per_line": round(per_line, 1), "line_bytes": own}))
        # A line is written once, as wide as it is: the terminal scrolls the rows above it.
        assert per_line < 1.5 * own, (per_line, own, busy, quiet, lines)
        app.send("q")
        assert app.wait_exit() == 0
    finally:
        app.close()
        _cli(env, "fail", str(job_id))


def test_o_typed_as_the_detail_screen_opens_shows_the_output_it_never_hid(tmp_path, helpers):
    """`vapor-tui watch ID` and `o` at once: the pane had drawn no line yet, and `o` hid it (the
    user saw no output and pressed `o` for it). It shows; once seen, `o` hides it, and shows it
    again."""
    db = str(tmp_path / "c.db")
    env = helpers.cli_env({"VAPOR_TUI_DB": db})
    job_id = _new(tmp_path, env, COUNTS)
    try:
        _cli(env, "start", str(job_id))
        _wait(db, job_id, lambda row: (row["steps_done"] or 0) >= 3, "its first points")
        app = PtyApp(["--db", db, "watch", str(job_id)], env, cols=100, rows=30)
        try:
            app.send("o")  # at once, before the screen has drawn anything
            app.wait_for('{"step": ')
            app.pump(1.0)
            assert "o hides" in app.text() and '{"step": ' in app.text()
            app.send("o")  # seen: o hides it
            app.pump(1.0)
            assert "o hides" not in app.text(), app.text()
            app.send("o")
            app.wait_for('{"step": ')
            app.send("q")
        finally:
            app.close()
    finally:
        _leave_nothing_running(env, job_id)

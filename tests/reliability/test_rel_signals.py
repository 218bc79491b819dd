"""SIGHUP and SIGTERM in a real pseudo-terminal while jobs run: the app leaves within seconds,
restores the terminal when there still is one, and leaves a consistent database behind.

A dropped SSH connection is the master side of the pty closing: the kernel sends SIGHUP (and
SIGCONT) and every write to the terminal fails from then on. tests/ui/test_end_to_end.py
covers the signals with the terminal still there and no job running."""

from __future__ import annotations

import signal
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.support.pty_app import PtyApp
from vapor_tui.core.clock import FakeClock
from vapor_tui.core.config import JobConfig
from vapor_tui.core.status import JobStatus
from vapor_tui.store.catchup import catch_up
from vapor_tui.store.engine import open_store
from vapor_tui.store.jobs import create_job

from .rel_checks import check_database
from .rel_processes import VAPOR

# How long the app may take to leave after the signal: its watchdog ends it after 3 s, and
# a loaded machine adds to that (a 5 s limit failed once with four times the load).
EXIT_S = 8.0

# Ways a terminal goes away: the master closing alone (the kernel's SIGHUP), an SSH server's
# SIGHUP just before or just after that, and a SIGTERM whose shutdown the hangup interrupts.
HANGUPS = {
    "master-closed": ["close"],
    "closed-then-SIGHUP": ["close", signal.SIGHUP],
    "SIGHUP-then-closed": [signal.SIGHUP, "close"],
    "closed-then-SIGTERM": ["close", signal.SIGTERM],
    "SIGTERM-then-closed-mid-exit": [signal.SIGTERM, 0.3, "close"],
}


def running_jobs(db: Path) -> list[int]:
    store = open_store(db, clock=FakeClock(datetime.now(UTC)))
    try:
        return [
            create_job(
                store,
                JobConfig(f"sig-{n}", epochs=3, steps_per_epoch=20_000, step_seconds=0.001, seed=n),
                start=True,
            ).id
            for n in range(3)
        ]
    finally:
        store.close()


def wait_gone(app: PtyApp, timeout: float) -> float:
    start = time.monotonic()
    while app.child.isalive():
        assert time.monotonic() - start < timeout, f"still running {timeout} s after the signal"
        time.sleep(0.02)
    return time.monotonic() - start


def carried_on(db: Path, ids: list[int]) -> None:
    """What the app left is consistent, and the next start carries the jobs on."""
    before = check_database(db, "after the app left")
    store = open_store(db)
    try:
        catch_up(store)
    finally:
        store.close()
    after = check_database(db, "after the next start")
    for job_id in ids:
        assert after[job_id].steps_done > before[job_id].steps_done
        assert after[job_id].status is JobStatus.RUNNING


# The jobs screen at the default refresh, and a detail screen whose chart grows 20 times a
# second (the hangs this found were timing-dependent: both are tried).
SCREENS = {
    "jobs": (["--refresh", "1"], "sig-2"),
    "detail": (["--refresh", "0.05", "watch", "1"], "Epoch 1/3"),
}


@pytest.mark.parametrize("screen", list(SCREENS))
@pytest.mark.parametrize("steps", list(HANGUPS.values()), ids=list(HANGUPS))
def test_the_terminal_goes_away(steps, screen, tmp_path, helpers):
    db = tmp_path / "hangup.db"
    ids = running_jobs(db)
    args, shown = SCREENS[screen]
    app = PtyApp(["--db", str(db), *args], helpers.cli_env())
    try:
        app.wait_for(shown)
        # At once on the jobs screen (where the old hang showed), a few ticks in on the detail.
        app.pump(0.2 if screen == "detail" else 0.0)
        started = time.monotonic()
        for step in steps:
            if step == "close":
                app.child.ptyproc.fileobj.close()  # what sshd does when the connection drops
            elif isinstance(step, float):
                time.sleep(step)
            else:
                app.child.kill(step)
        wait_gone(app, EXIT_S)
        took = time.monotonic() - started
    finally:
        app.close()
    assert app.child.signalstatus is None, f"killed by signal {app.child.signalstatus}"
    # 1 when the terminal vanished in the middle of the shutdown (Textual's input thread
    # fails on the dead terminal and says so: to nobody).
    assert app.child.exitstatus in (0, 1)
    assert took < EXIT_S
    carried_on(db, ids)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_signal_on_the_detail_screen_with_jobs_running(sig, tmp_path, helpers):
    db = tmp_path / "term.db"
    ids = running_jobs(db)
    app = PtyApp(["--db", str(db), "--refresh", "0.05"], helpers.cli_env())
    try:
        app.wait_for("sig-2")
        app.send("\r")  # the newest job's detail screen, its chart filling
        app.wait_for("Epoch 1/3")
        app.pump(0.3)
        app.child.kill(sig)
        started = time.monotonic()
        code = app.wait_exit(timeout=EXIT_S)
        took = time.monotonic() - started
    finally:
        app.close()
    assert code == 0
    assert took < EXIT_S
    assert app.restored_terminal()
    carried_on(db, ids)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_signal_to_the_command_line_mid_catch_up(sig, tmp_path, helpers):
    """The command line keeps the default actions: it ends at once, and what it was writing
    is rolled back whole."""
    db = tmp_path / "cli.db"
    store = open_store(db, clock=FakeClock(datetime(2026, 1, 1, tzinfo=UTC)))
    try:
        # Far more than one transaction's worth, so the signal surely finds it mid-write (with
        # 200,000 a loaded machine once finished before the signal came).
        config = JobConfig("long-ago", epochs=1, steps_per_epoch=2_000_000, seed=1)
        job = create_job(store, config, start=True)
    finally:
        store.close()
    proc = subprocess.Popen(
        [VAPOR, "--db", str(db), "jobs"],
        env=helpers.cli_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        # The default action, whatever this suite inherited: under `nohup` SIGHUP is ignored,
        # and the command (rightly) ignored it too.
        preexec_fn=lambda: signal.signal(sig, signal.SIG_DFL),
    )
    wal = db.with_name(db.name + "-wal")
    deadline = time.monotonic() + 30
    while proc.poll() is None and time.monotonic() < deadline:
        if wal.exists() and wal.stat().st_size > 200_000:  # 200,000 points on their way
            break
        time.sleep(0.002)
    assert proc.poll() is None, "the command finished before the signal"
    proc.send_signal(sig)
    started = time.monotonic()
    proc.wait(timeout=EXIT_S)
    # Promptly: the default action of the signal (1.12 s once, on two loaded cores).
    assert time.monotonic() - started < 3.0
    assert proc.returncode == -sig, proc.stderr.read() if proc.stderr else ""
    facts = check_database(db, "after the signal")
    assert facts[job.id].steps_done == 0  # nothing of the interrupted transaction

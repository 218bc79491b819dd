"""Two processes acting on one job at the same moment: exactly one wins."""

from __future__ import annotations

import os
import platform
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from vapor_tui.core.clock import FakeClock
from vapor_tui.core.config import JobConfig
from vapor_tui.core.status import JobStatus
from vapor_tui.store.engine import open_store
from vapor_tui.store.jobs import create_job, get_job

VAPOR_TUI = Path(sys.executable).parent / "vapor-tui"


def test_two_processes_starting_one_job(queued_jobs, helpers, isolated_env: Path) -> None:
    db, ids = queued_jobs(3)
    env = helpers.cli_env()
    for job_id in ids:
        procs = [
            subprocess.Popen(
                [str(VAPOR_TUI), "--db", db, "start", str(job_id)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
                cwd=isolated_env,
            )
            for _ in range(2)
        ]
        outcomes = []
        for p in procs:
            out, err = p.communicate(timeout=60)
            outcomes.append((p.returncode, out, err))
        codes = sorted(code for code, _, _ in outcomes)
        assert codes == [0, 2], outcomes
        (winner,) = [o for o in outcomes if o[0] == 0]
        (loser,) = [o for o in outcomes if o[0] == 2]
        assert winner[1] == f"job #{job_id} q{ids.index(job_id)}: running\n"
        assert winner[2] == ""
        assert loser[1] == ""
        assert len(loser[2].splitlines()) == 1 and "Traceback" not in loser[2]
        assert f"cannot start job #{job_id}" in loser[2]
        store = open_store(db, clock=FakeClock())
        try:
            job = get_job(store, job_id)
        finally:
            store.close()
        assert job.status is JobStatus.RUNNING
        assert job.version == 1  # one update landed, not two


# --- the status a command acts on is the one it read before its own writes (issue 15) --------

# Sleeping in SQLite's busy wait: nanosleep or clock_nanosleep.
SLEEPS = {"x86_64": {35, 230}, "aarch64": {101, 115}}.get(platform.machine(), {35, 230})


def running_job(db: Path, step_seconds: float, started_ago: float) -> int:
    """A running job, started `started_ago` seconds ago by the real clock: at 1 ms a step it has
    thousands of points due when a command opens the database."""
    now = datetime.now(UTC)
    store = open_store(db, clock=FakeClock(now - timedelta(seconds=started_ago)))
    try:
        cfg = JobConfig("raced", epochs=10, steps_per_epoch=100_000, step_seconds=step_seconds)
        return create_job(store, cfg, start=True).id
    finally:
        store.close()


@contextmanager
def write_lock(db: Path) -> Iterator[sqlite3.Connection]:
    """Hold the database's write lock (BEGIN IMMEDIATE) from this process; commit on leaving."""
    conn = sqlite3.connect(db, isolation_level=None, timeout=30)
    try:
        conn.execute("BEGIN IMMEDIATE")
        yield conn
        conn.execute("COMMIT")
    finally:
        conn.close()


def waits_for_the_lock(proc: subprocess.Popen, db: Path, timeout: float = 60.0) -> None:
    """Until the command has the database open and sleeps in SQLite's busy wait (seen three
    times in a row): it is waiting for the lock this test holds."""
    end = time.monotonic() + timeout
    seen = 0
    while time.monotonic() < end and proc.poll() is None:
        try:
            syscall = int(Path(f"/proc/{proc.pid}/syscall").read_text().split()[0])
            fds = [os.readlink(f) for f in Path(f"/proc/{proc.pid}/fd").iterdir()]
        except (OSError, ValueError):
            syscall, fds = -1, []
        has_db = any(fd == str(db.resolve()) for fd in fds)
        seen = seen + 1 if has_db and syscall in SLEEPS else 0
        if seen >= 3:
            return
        time.sleep(0.02)
    raise AssertionError(f"the command never waited for the lock: {proc.communicate(timeout=5)}")


def stop_elsewhere(conn: sqlite3.Connection, job_id: int) -> None:
    """What another `stop` commits: running -> stopping, at the end of the current epoch."""
    changed = conn.execute(
        "UPDATE jobs SET status = 'stopping', stop_at_step = steps_per_epoch, "
        "reason = 'stop requested: finishing the current epoch', version = version + 1 "
        "WHERE id = ? AND status = 'running'",
        (job_id,),
    ).rowcount
    assert changed == 1


def command(db: Path, env: dict[str, str], cwd: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [str(VAPOR_TUI), "--db", str(db), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=cwd,
    )


def test_a_stop_that_waited_for_the_lock_does_not_act_on_what_won_meanwhile(
    tmp_path, helpers, isolated_env: Path
) -> None:
    """Two stops on a running job with points due: the second waits for the lock in its
    catch-up while the first commits. It saw "running", so it is refused; it used to read the
    status after its catch-up, find "stopping", and stop the job at once (both succeeded)."""
    db = tmp_path / "stops.db"
    job_id = running_job(db, 0.001, started_ago=5.0)
    with write_lock(db) as conn:
        proc = command(db, helpers.cli_env(), isolated_env, "stop", str(job_id))
        waits_for_the_lock(proc, db)
        stop_elsewhere(conn, job_id)
    out, err = proc.communicate(timeout=60)
    assert (proc.returncode, out) == (2, ""), (out, err)
    assert "it changed from running to stopping before this stop arrived" in err, err
    store = open_store(db, clock=FakeClock())
    try:
        assert get_job(store, job_id).status is JobStatus.STOPPING  # a graceful stop, still
    finally:
        store.close()


def test_a_fail_is_not_refused_by_a_stop_that_won_meanwhile(
    tmp_path, helpers, isolated_env: Path
) -> None:
    """A fail that read "running" and waits for the lock while a stop commits: a stopping job
    can still be failed, so the fail goes through (it used to be refused as a conflict)."""
    db = tmp_path / "stop-fail.db"
    job_id = running_job(db, 86_400.0, started_ago=5.0)  # nothing due: it waits at its CAS
    with write_lock(db) as conn:
        proc = command(db, helpers.cli_env(), isolated_env, "fail", str(job_id))
        waits_for_the_lock(proc, db)
        stop_elsewhere(conn, job_id)
    out, err = proc.communicate(timeout=60)
    assert (proc.returncode, err) == (0, ""), (out, err)
    assert out == f"job #{job_id} raced: failed\n"


@pytest.mark.parametrize("second", ["stop", "fail"])
def test_two_commands_racing_on_a_running_job(
    second: str, tmp_path, helpers, isolated_env: Path
) -> None:
    """The issue's race, with real processes: `stop` and `stop` (or `fail`) on one running job
    with points due, both read before either writes (the test holds the lock until both wait
    for it). Two stops: exactly one wins. A stop and a fail: the fail always goes through."""
    env = helpers.cli_env()
    for round_ in range(3):
        db = tmp_path / f"race-{second}-{round_}.db"
        job_id = running_job(db, 0.001, started_ago=5.0)
        with write_lock(db):
            procs = [command(db, env, isolated_env, kind, str(job_id)) for kind in ("stop", second)]
            for proc in procs:
                waits_for_the_lock(proc, db)
        outcomes = [(p.args[3], *p.communicate(timeout=60), p.returncode) for p in procs]
        codes = {kind: code for kind, _out, _err, code in outcomes}
        if second == "stop":
            assert sorted(c for *_, c in outcomes) == [0, 2], outcomes
        else:
            assert codes["fail"] == 0, outcomes
        store = open_store(db, clock=FakeClock())
        try:
            final = get_job(store, job_id).status
        finally:
            store.close()
        assert final is (JobStatus.STOPPING if second == "stop" else JobStatus.FAILED), outcomes

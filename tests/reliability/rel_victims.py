"""The victims of the crash tests: a database with jobs in every kind of motion, the real
`vapor-tui` started and SIGKILLed at a chosen moment, and what must hold after each kill."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.support.pty_app import PtyApp
from vapor_tui.core.clock import FakeClock
from vapor_tui.core.config import JobConfig
from vapor_tui.core.status import Action, JobStatus
from vapor_tui.store.catchup import catch_up
from vapor_tui.store.engine import open_store
from vapor_tui.store.jobs import apply_action, create_job

from .rel_checks import (
    JobFacts,
    check_database,
    copy_as_after_a_crash,
    expected_steps,
    uncommitted_frames,
)

VAPOR = str(Path(sys.executable).parent / "vapor-tui")
VICTIM_TIMEOUT_S = 30.0


def seed_jobs(path: Path) -> dict[str, int]:
    """Jobs that run for the whole test, finish during it, stop at an epoch end, wait, and one
    started 30 s ago whose first catch-up is 60,000 points in one transaction."""
    now = datetime.now(UTC)
    clock = FakeClock(now)
    store = open_store(path, clock=clock)
    try:

        def job(name: str, epochs: int, spe: int, step_s: float, seed: int, start=True) -> int:
            config = JobConfig(
                name, epochs=epochs, steps_per_epoch=spe, step_seconds=step_s, seed=seed
            )
            return create_job(store, config, start=start).id

        ids = {
            # 100,000 s at 10 ms a step: running however long a loaded machine takes. (At a
            # millisecond a step its points, which every check after a kill reads, grew by
            # 3,000 a second: the slower the machine, the longer each check took.)
            "long": job("long", 10, 1_000_000, 0.01, 1),
            "medium": job("medium", 2, 20_000, 0.0005, 2),
            "stopper": job("stopper", 5, 10_000, 0.001, 3),
            "queued": job("queued", 3, 100, 0.5, 4, start=False),
        }
        apply_action(store, ids["stopper"], Action.STOP)
        clock.set(now - timedelta(seconds=30))
        ids["backlog"] = job("backlog", 3, 30_000, 0.0005, 5)
    finally:
        store.close()
    return ids


def after_the_kill(db: Path, scratch: Path, where: str) -> int:
    """Check what the next start finds, then carry it on; returns how many jobs advanced."""
    copy = copy_as_after_a_crash(db, scratch / "after-kill.db")
    before = check_database(copy, where)
    moment = datetime.now(UTC)
    now = moment.timestamp()  # exactly the catch-up's (a float has more digits than a datetime)
    store = open_store(copy, clock=FakeClock(moment))  # refuses nothing it should take
    try:
        catch_up(store)
    finally:
        store.close()
    after = check_database(copy, f"{where}, then a catch-up")
    assert set(after) == set(before), where
    advanced = 0
    for job_id, job in before.items():
        later = after[job_id]
        if not job.status.is_active:
            assert (later.status, later.steps_done) == (job.status, job.steps_done), where
            continue
        steps = expected_steps(job, now)
        assert later.steps_done == steps, (
            f"{where}: job {job_id} at {later.steps_done}, not {steps}"
        )
        assert later.status is _status_after(job, steps), f"{where}: job {job_id} {later.status}"
        advanced += later.steps_done > job.steps_done
    return advanced


def _status_after(job: JobFacts, steps: int) -> JobStatus:
    if steps >= job.total:
        return JobStatus.COMPLETE
    if job.status is JobStatus.STOPPING and job.stop_at_step and steps >= job.stop_at_step:
        return JobStatus.STOPPED
    return job.status


# When a command-line victim's clock starts: at its start, once it has opened the database
# file (its imports are behind it), or once SQLite has the write-ahead log open (it is about to
# bring jobs up to date, or doing so).
MOMENTS = ("start", "open", "wal")


def kill_cli(
    args: list[str], db: Path, delay: float, moment: str, env: dict[str, str], cwd: Path
) -> bool:
    """Run the command and SIGKILL it `delay` seconds after `moment`; False if it had finished
    by then."""
    proc = subprocess.Popen(
        [VAPOR, *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        cwd=cwd,
        text=True,
    )
    try:
        if _wait_for(proc, db, moment):
            time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        _, err = proc.communicate(timeout=VICTIM_TIMEOUT_S)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    killed = proc.returncode == -signal.SIGKILL
    if not killed:  # it finished first: it must have finished well
        assert proc.returncode in (0, 2), (args, proc.returncode, err)
        assert "Traceback" not in err and "locked" not in err, (args, err)
    return killed


def _wait_for(proc: subprocess.Popen, db: Path, moment: str) -> bool:
    if moment == "start":
        return True
    wanted = str(db.resolve()) + ("-wal" if moment == "wal" else "")
    fds = Path(f"/proc/{proc.pid}/fd")
    deadline = time.monotonic() + VICTIM_TIMEOUT_S
    while proc.poll() is None and time.monotonic() < deadline:
        try:
            names = os.listdir(fds)
        except OSError:
            return False
        for name in names:
            try:
                if os.readlink(fds / name) == wanted:
                    return True
            except OSError:
                continue
        time.sleep(0.002)
    return False


def kill_app(args: list[str], delay: float, keys: str, env: dict[str, str]) -> bool:
    app = PtyApp(args, env)
    try:
        end = time.monotonic() + delay
        sent = 0
        while time.monotonic() < end:
            app.pump(0.05)
            if sent < len(keys) and time.monotonic() > end - delay / 2:
                app.send(keys[sent])
                sent += 1
        os.kill(app.child.pid, signal.SIGKILL)
        app.child.wait()
        killed = app.child.signalstatus == signal.SIGKILL
    finally:
        app.close()
    return killed


def cli_victim(rng: random.Random, n: int, targets: list[int], tmp: Path) -> list[str]:
    roll = rng.random()
    if roll < 0.45 or not targets:
        return ["jobs"]
    job = str(rng.choice(targets))
    if roll < 0.55:
        return ["show", job]
    if roll < 0.65:
        return ["export", job, "-o", str(tmp / "export.csv")]
    if roll < 0.72:
        return ["new", "--name", f"victim-{n}", "--start", *_shape(2, 5000, 0.001)]
    if roll < 0.8:
        # All 40,000 points due at once: the next catch-up is one long write.
        return ["new", "--name", f"burst-{n}", "--start", *_shape(1, 40_000, 0.00001)]
    return [rng.choice(["start", "stop", "fail", "clone"]), job]


def _shape(epochs: int, steps: int, seconds: float) -> list[str]:
    return [
        "--epochs",
        str(epochs),
        "--steps-per-epoch",
        str(steps),
        "--step-seconds",
        str(seconds),
    ]


def empty_the_log(db: Path) -> None:
    conn = sqlite3.connect(db)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    assert uncommitted_frames(db) == 0


def replace_step_seconds(config: JobConfig, seconds: float) -> JobConfig:
    return JobConfig(**{**config.as_dict(), "step_seconds": seconds})


def final_check(db: Path, ids: dict[str, int]) -> None:
    """The original file, opened the ordinary way after the last kill, carries on too."""
    store = open_store(db)
    try:
        catch_up(store)
    finally:
        store.close()
    jobs = check_database(db, "after the last kill")
    assert jobs[ids["long"]].status is JobStatus.RUNNING
    assert jobs[ids["backlog"]].steps_done > 0

"""Kill -9 at random moments while jobs run, many times over.

After every kill the database is what the next start finds (the file and its write-ahead log,
copied as the disk holds them): it passes PRAGMA integrity_check, every job's points are
exactly steps 1..steps_done, statuses agree with the points, and a catch-up carries every
running job on to exactly where the clock says it is. The victims are the real installed
`vapor-tui`: command-line calls writing long catch-ups and actions, and the app in a pty.
The delays come from a fixed seed, so a failure names the kill that found it and reproduces.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

from vapor_tui.core.clock import FakeClock
from vapor_tui.core.config import JobConfig
from vapor_tui.core.status import JobStatus
from vapor_tui.store.deletes import delete_job
from vapor_tui.store.engine import open_store
from vapor_tui.store.jobs import create_job

from .rel_checks import check_database, latest_logged_page, read_jobs, uncommitted_frames
from .rel_victims import (
    MOMENTS,
    VAPOR,
    VICTIM_TIMEOUT_S,
    after_the_kill,
    cli_victim,
    empty_the_log,
    final_check,
    kill_app,
    kill_cli,
    replace_step_seconds,
    seed_jobs,
)

SEED = 20260305
CLI_KILLS = 24
MID_WRITE_KILLS = 4
APP_KILLS = 8
CREATE_KILLS = 14
# Quoted in docs/RELIABILITY.md (a test there checks the figure).
KILLS = CLI_KILLS + MID_WRITE_KILLS + APP_KILLS + CREATE_KILLS


def test_sigkill_the_command_line_mid_write(tmp_path, helpers):
    db = tmp_path / "crash.db"
    ids = seed_jobs(db)
    env = helpers.cli_env()
    rng = random.Random(SEED)
    kills = advanced = attempts = 0
    facts = check_database(db, "before any kill")
    while kills < CLI_KILLS:
        attempts += 1
        assert attempts <= 3 * CLI_KILLS, f"only {kills} of {attempts} victims were still alive"
        # The long job is never acted on: it must be running, and carried on, every time.
        targets = [i for i in facts if i != ids["long"]]
        args = cli_victim(rng, attempts, targets, tmp_path)
        moment = rng.choices(MOMENTS, weights=(2, 3, 5))[0]
        delay = rng.uniform(0.0, 1.0 if moment == "start" else 0.3)
        if not kill_cli(["--db", str(db), *args], db, delay, moment, env, tmp_path):
            continue
        kills += 1
        where = f"seed {SEED}, kill {kills} ({' '.join(args)}, {delay:.3f} s after {moment})"
        advanced += after_the_kill(db, tmp_path / "scratch", where)
        # after_the_kill checked every point of a copy of these very bytes: the jobs will do.
        facts = read_jobs(db)
        assert facts[ids["long"]].status is JobStatus.RUNNING, where
    assert advanced >= CLI_KILLS, "running jobs were not carried on after most kills"
    final_check(db, ids)


def test_sigkill_inside_a_long_write_transaction(tmp_path, helpers):
    """Killed for certain in the middle of writing 200,000 points (SQLite has already spilled
    part of the transaction into the log): none of them, and no status change, survives."""
    db = tmp_path / "mid-write.db"
    ids = seed_jobs(db)
    env = helpers.cli_env()
    wal = db.with_name(db.name + "-wal")
    for kill in range(1, MID_WRITE_KILLS + 1):
        clock = FakeClock(datetime.now(UTC) - timedelta(seconds=5))
        store = open_store(db, clock=clock)
        try:
            config = JobConfig(f"burst-{kill}", epochs=1, steps_per_epoch=200_000, seed=kill)
            burst = create_job(store, replace_step_seconds(config, 0.00001), start=True).id
        finally:
            store.close()
        empty_the_log(db)  # so that every frame in it is the victim's
        proc = subprocess.Popen(
            [VAPOR, "--db", str(db), "jobs"],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + VICTIM_TIMEOUT_S
            while proc.poll() is None and time.monotonic() < deadline:
                if wal.exists() and uncommitted_frames(db) > 50:
                    break
                time.sleep(0.001)
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=VICTIM_TIMEOUT_S)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        where = f"kill {kill} inside the write"
        assert proc.returncode == -signal.SIGKILL, f"{where}: it finished first"
        assert uncommitted_frames(db) > 50, where
        facts = check_database(db, where)
        assert facts[burst].steps_done == 0 and facts[burst].status is JobStatus.RUNNING, where
        after_the_kill(db, tmp_path / "scratch", where)
        # Deleted (as `vapor-tui delete` does): the next victim's write, and the catch-up of
        # its copy, are its own burst's 200,000 steps, not every burst's so far.
        store = open_store(db, clock=clock)
        try:
            delete_job(store, burst)
        finally:
            store.close()
    final_check(db, ids)


def test_sigkill_the_app_in_a_terminal(tmp_path, helpers):
    db = tmp_path / "crash-app.db"
    ids = seed_jobs(db)
    env = helpers.cli_env()
    rng = random.Random(SEED + 1)
    kills = advanced = 0
    while kills < APP_KILLS:
        args = ["--db", str(db), "--refresh", "0.05"]
        if rng.random() < 0.4:
            args += ["watch", str(rng.choice(list(ids.values())))]
        keys = "".join(rng.choice("sxc\r\x1b") for _ in range(rng.randrange(3)))
        delay = rng.uniform(0.6, 2.5)
        assert kill_app(args, delay, keys, env), f"the app had exited by {delay:.2f} s"
        kills += 1
        where = f"seed {SEED + 1}, app kill {kills} ({args[3:]} keys {keys!r} after {delay:.2f} s)"
        advanced += after_the_kill(db, tmp_path / "scratch", where)
    assert advanced >= APP_KILLS
    final_check(db, ids)


def test_sigkill_while_the_database_is_being_created(tmp_path, helpers):
    """Killed between creating the file and committing the schema, the next start still opens
    it (and does not call it damaged or someone else's)."""
    env = helpers.cli_env()
    rng = random.Random(SEED + 2)
    kills = attempts = 0
    while kills < CREATE_KILLS:
        attempts += 1
        assert attempts <= 4 * CREATE_KILLS, f"only {kills} of {attempts} victims were alive"
        db = tmp_path / f"fresh-{attempts}" / "vapor.db"
        args = ["--db", str(db), "new", "--name", "first", "--start"]
        delay = rng.uniform(0.0, 0.05)
        if not kill_cli(args, db, delay, "open", env, tmp_path):
            continue
        kills += 1
        where = f"seed {SEED + 2}, creation kill {kills} after {delay:.2f} s"
        store = open_store(db, clock=FakeClock())
        try:
            create_job(store, JobConfig("after", seed=1), start=True)
        finally:
            store.close()
        jobs = check_database(db, where)
        assert [j.name for j in jobs.values()][-1] == "after", where


GROW_IN_THE_LOG = """
import os, sys
from datetime import UTC, datetime
from vapor_tui.core.clock import FakeClock
from vapor_tui.store.catchup import catch_up
from vapor_tui.store.deletes import delete_job
from vapor_tui.store.engine import open_store
from sqlalchemy import event

store = open_store(sys.argv[1], clock=FakeClock(datetime(2026, 6, 1, tzinfo=UTC)))
store.engine.dispose()
event.listen(
    store.engine,
    "connect",
    lambda conn, _: conn.execute("PRAGMA wal_autocheckpoint=0"),
)
catch_up(store)  # thousands of points due: the file grows, in the log only
os._exit(0)  # killed before any checkpoint
"""


def test_killed_halfway_through_a_checkpoint(tmp_path):
    """A checkpoint copies the log into the file page by page, page 1 (with the new page count)
    first. Killed right after that, the file is shorter than its header says while the log
    holds the rest: the next start must open it, not call it truncated."""
    db = tmp_path / "checkpoint.db"
    store = open_store(db, clock=FakeClock(datetime(2026, 6, 1, tzinfo=UTC) - timedelta(hours=3)))
    try:
        config = JobConfig("grows", epochs=2, steps_per_epoch=5000, step_seconds=1.0, seed=9)
        job = create_job(store, config, start=True)
    finally:
        store.close()
    subprocess.run([sys.executable, "-c", GROW_IN_THE_LOG, str(db)], check=True)
    size = db.stat().st_size
    page_one = latest_logged_page(db, 1)
    assert page_one is not None and int.from_bytes(page_one[28:32], "big") * 4096 > size
    with open(db, "r+b") as fh:  # the checkpoint's first write, and then the kill
        fh.write(page_one)
    assert db.stat().st_size == size
    store = open_store(db)  # not "damaged (truncated ...)"
    store.close()
    facts = check_database(db, "after a half-done checkpoint")
    assert facts[job.id].steps_done == 10_000

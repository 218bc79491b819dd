"""A runaway job on a small disk, as found trying to break it (issue 15.2): a job at a
millisecond a step whose points due no longer fit on a 4 MB filesystem. Stop, fail and delete
work whatever the backlog: the status change is recorded first, the points after it, in
pieces; a stopped or failed job gets every point it owed up to the moment it ended once there
is room, and the app, which kept running and showing every change meanwhile, recovers within
a tick or two of the room being made."""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from vapor_tui.core.clock import FakeClock
from vapor_tui.core.config import JobConfig
from vapor_tui.core.simulator import Simulator
from vapor_tui.core.status import JobStatus
from vapor_tui.store.catchup import catch_up
from vapor_tui.store.engine import open_store
from vapor_tui.store.jobs import create_job

from .rel_bad_files import assert_one_line_error
from .rel_checks import check_database, copy_as_after_a_crash, digest_dir
from .rel_mounts import MountNamespace
from .rel_processes import Instance
from .test_rel_bad_places import _fill, _real_db_on_a_small_disk

FULL = "database or disk is full"
RUNAWAY = {"epochs": 10, "steps_per_epoch": 100_000, "step_seconds": 0.001}
# Quoted in docs/RELIABILITY.md (under bad input): stop, stop again, fail and delete on the
# full disk, each checked for its exit status, output and what it left; the app on it; an
# export over an existing file and to a new one.
FULL_DISK_CHECKS = 4 + 1 + 2


@pytest.fixture
def ns():
    namespace = MountNamespace()
    yield namespace
    namespace.close()


def _runaways(path: Path) -> dict[str, int]:
    """Three runaway jobs started 40 s ago, each with its first 500 points written: 39,500
    points each are due, about 13 MB in all."""
    clock = FakeClock(datetime.now(UTC) - timedelta(seconds=40))
    store = open_store(path, clock=clock)
    try:
        ids = {
            name: create_job(store, JobConfig(name, seed=i, **RUNAWAY), start=True).id
            for i, name in enumerate(("to-stop", "to-fail", "to-delete"))
        }
        clock.advance(0.5)
        catch_up(store)
    finally:
        store.close()
    return ids


def _owed_in_full(job, now: float) -> int:
    """The points a job that ended at `finished_at` must have: all it made until then."""
    sim = Simulator(job.config)
    return min(sim.total, sim.steps_done_by(now - job.started_at))


def test_a_runaway_job_on_a_small_disk(ns, tmp_path, helpers):
    env = helpers.cli_env()
    place = tmp_path / "small"
    place.mkdir()
    ns.tmpfs(place, "4m")
    db = place / "vapor.db"
    ids = _runaways(tmp_path / "made.db")
    shutil.copyfile(tmp_path / "made.db", ns.outside(db))
    app = Instance(db, env, tmp_path, refresh=0.3, prefix=tuple(ns.enter()))
    try:
        app.wait_for(lambda r: [n for n in app.notes() if FULL in n[2]], "a full disk")
        stop, fail, delete = ids["to-stop"], ids["to-fail"], ids["to-delete"]
        for args, said in (
            (["stop", str(stop)], f"job #{stop} to-stop: stopping"),
            (["stop", str(stop)], f"job #{stop} to-stop: stopped"),
            (["fail", str(fail)], f"job #{fail} to-fail: failed"),
            (["delete", str(delete)], f"deleted job {delete}"),
        ):
            code, out, err = ns.cli(["--db", str(db), *args], env, tmp_path)
            assert (code, out) == (0, said + "\n"), (args, err)
            assert "Traceback" not in err and err.count("\n") <= 1, err
        # The app, still unable to write, shows every change.
        app.wait_for(
            lambda r: [t for t in app.ticks() if _statuses(t) == {stop: "stopped", fail: "failed"}],
            "the changes, in the app",
        )
        assert FULL in app.ticks()[-1]["problem"]
        made_room_after = len(app.ticks())
        ns.sh(f"mount -o remount,size=128m '{place}'")
        recovered = app.wait_for(
            lambda r: [t for t in app.ticks()[made_room_after:] if not t["problem"]],
            "the app recovering",
        )[0]
        # The tick under way when the room was made may still fail; the next one does not.
        assert recovered["tick"] - app.ticks()[made_room_after - 1]["tick"] <= 2
    finally:
        assert app.close() == 0, app.stderr[-2000:]
    jobs = check_database(copy_as_after_a_crash(ns.outside(db), tmp_path / "after" / "a.db"))
    assert set(jobs) == {stop, fail}  # and no point of the deleted job left (checked)
    for job_id, status in ((stop, JobStatus.STOPPED), (fail, JobStatus.FAILED)):
        job = jobs[job_id]
        assert job.status is status
        finished = _finished_at(tmp_path / "after" / "a.db", job_id)
        assert job.steps_done == _owed_in_full(job, finished) > 30_000, job_id


def _statuses(tick: dict) -> dict[int, str]:
    return {job_id: status for job_id, status, _ in tick["jobs"]}


def _finished_at(path: Path, job_id: int) -> float:
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT finished_at FROM jobs WHERE id = ?", (job_id,)).fetchone()[0]
    finally:
        conn.close()


def test_an_export_on_a_full_disk_leaves_every_file_as_it_was(ns, tmp_path, helpers):
    """It emptied the existing file it was to replace, and left a new one at 0 bytes."""
    env = helpers.cli_env()
    place, db = _real_db_on_a_small_disk(ns, tmp_path, "exports")
    existing = ns.outside(place) / "existing.csv"
    existing.write_text("my own notes\n")
    filler = _fill(ns.outside(place), leave=64 * 1024)  # less than job 1's 4,000 points take
    before = digest_dir(ns.outside(place))
    for name in ("existing.csv", "new.csv"):
        code, out, err = ns.cli(
            ["--db", str(db), "export", "1", "-o", str(place / name)], env, tmp_path
        )
        assert_one_line_error(code, out, err, f"cannot write {place / name}", "No space left")
    assert digest_dir(ns.outside(place)) == before  # nothing emptied, nothing left behind
    os.remove(filler)
    code, out, err = ns.cli(
        ["--db", str(db), "export", "1", "-o", str(place / "new.csv")], env, tmp_path
    )
    assert (code, out, err) == (0, "", "")
    assert (ns.outside(place) / "new.csv").read_text().count("\n") == 4001

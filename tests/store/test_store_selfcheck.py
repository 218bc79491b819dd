"""What opening checks beyond SQLite's own check (issue 15.4, 15.6): a database whose jobs
disagree with their points (a `-wal` from another copy of it, a hand edit) is refused and left
as it is; a missing column is one error; a missing derived table or index is made again from
the points, and said so."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.reliability.rel_checks import check_database, edit_by_hand
from vapor_tui.core.clock import FakeClock
from vapor_tui.core.config import ConfigError, JobConfig
from vapor_tui.core.simulator import Simulator
from vapor_tui.core.status import Action
from vapor_tui.store.catchup import catch_up
from vapor_tui.store.engine import StoreDamaged, open_store
from vapor_tui.store.jobs import apply_action, create_job, get_job, list_jobs
from vapor_tui.store.points import read_points

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
MINE = JobConfig("mine", epochs=10, steps_per_epoch=5000, step_seconds=0.01, seed=1)


def after(steps: int) -> float:
    """Seconds from the start by which job 1 has made exactly `steps` steps."""
    sim = Simulator(MINE)
    return (sim.time_at(steps) + sim.time_at(steps + 1)) / 2


def make(path: Path, steps: int) -> None:
    """A running job (id 1) with `steps` points, a complete one (2) and a queued one (3)."""
    clock = FakeClock(T0)
    store = open_store(path, clock=clock)
    try:
        create_job(store, MINE, start=True)
        create_job(store, JobConfig("done", epochs=1, steps_per_epoch=50, seed=2), start=True)
        create_job(store, JobConfig("waits", seed=3))
        clock.advance(after(steps))
        catch_up(store)
        assert get_job(store, 1).steps_done == steps
    finally:
        store.close()


def made_then(tmp_path: Path, steps: int, *statements: str) -> Path:
    """A database made by `make`, then edited by hand with `statements`."""
    path = tmp_path / "vapor.db"
    make(path, steps)
    edit_by_hand(path, *statements)
    return path


def digest(*paths: Path) -> list[str]:
    return [hashlib.sha256(p.read_bytes()).hexdigest() for p in paths]


# The other copy: brought up to 9,000 points and closed (a checkpoint: the points are in its
# file), then stopped by a process that ended without a checkpoint, so that its log holds the
# jobs table's page alone.
OTHER_COPY = """
import os, sys
from datetime import timedelta
from vapor_tui.core.clock import FakeClock
from vapor_tui.core.simulator import Simulator
from vapor_tui.core.status import Action
from vapor_tui.store.catchup import catch_up
from vapor_tui.store.engine import open_store
from vapor_tui.store.jobs import apply_action
from tests.store.test_store_selfcheck import T0, after
clock = FakeClock(T0 + timedelta(seconds=after(9000)))
store = open_store(sys.argv[1], clock=clock)
catch_up(store)
store.close()
store = open_store(sys.argv[1], clock=clock)
with store.engine.connect() as conn:
    conn.exec_driver_sql("PRAGMA wal_autocheckpoint=0")
    conn.commit()
apply_action(store, 1, Action.STOP)
os._exit(0)
"""


def test_a_log_from_another_copy_is_refused_and_left_as_it_is(tmp_path):
    mine, theirs = tmp_path / "mine" / "vapor.db", tmp_path / "theirs" / "vapor.db"
    make(mine, 5000)
    theirs.parent.mkdir()
    shutil.copyfile(mine, theirs)
    subprocess.run(
        [sys.executable, "-c", OTHER_COPY, str(theirs)], check=True, cwd=Path(__file__).parents[2]
    )
    wal = Path(f"{theirs}-wal")
    assert wal.stat().st_size > 0
    shutil.copyfile(wal, f"{mine}-wal")  # the wrong log, next to this copy
    before = digest(mine, Path(f"{mine}-wal"))
    with pytest.raises(StoreDamaged) as refused:
        open_store(mine)
    message = str(refused.value)
    assert "does not agree with itself: job #1 counts 9,000 steps done" in message
    assert "its points end at step 5,000" in message
    assert "its log vapor.db-wal may come from another copy of the database" in message
    assert digest(mine, Path(f"{mine}-wal")) == before
    Path(f"{mine}-wal").unlink()  # without it, the copy is whole again
    Path(f"{mine}-shm").unlink(missing_ok=True)
    store = open_store(mine, clock=FakeClock(T0))
    try:
        assert get_job(store, 1).steps_done == 5000
    finally:
        store.close()


DISAGREEMENTS = {
    "steps astray": ("UPDATE jobs SET steps_done = 4000 WHERE id = 1", "its points end at"),
    "a point gone": ("DELETE FROM points WHERE job_id = 1 AND step = 1", "not from step 1"),
    "blocks gone": ("DELETE FROM point_blocks WHERE job_id = 1", "packed copy ends at step 0"),
    "summary astray": (
        "UPDATE point_summary SET last_step = 7 WHERE job_id = 1 AND bucket = "
        "(SELECT max(bucket) FROM point_summary WHERE job_id = 1)",
        "chart summary ends at step 7",
    ),
    "complete too early": (
        "UPDATE jobs SET status = 'complete', finished_at = 1 WHERE id = 1",
        "is complete with 4,321 of 50,000 steps",
    ),
    "queued but started": ("UPDATE jobs SET started_at = 5 WHERE id = 3", "is queued but has"),
    "final without an end": (
        "UPDATE jobs SET finished_at = NULL WHERE id = 2",
        "is complete but has no finish time",
    ),
    "stopping nowhere": (
        "UPDATE jobs SET status = 'stopping' WHERE id = 1",
        "is stopping but has no step to stop at",
    ),
    "owing while running": (
        "INSERT INTO owed_points (job_id, last_step) VALUES (1, 5000)",
        "is running with 4,321 steps done but owes points up to step 5,000",
    ),
}


@pytest.mark.parametrize("kind", list(DISAGREEMENTS))
def test_jobs_that_disagree_with_their_points_are_refused(kind, tmp_path):
    statement, words = DISAGREEMENTS[kind]
    path = made_then(tmp_path, 4321, statement)
    before = digest(path)
    with pytest.raises(StoreDamaged, match="does not agree with itself") as refused:
        open_store(path)
    assert words in str(refused.value) and "job #" in str(refused.value)
    assert digest(path) == before


def test_the_checks_are_index_reads(tmp_path):
    """The open is measured (first frame, first key): a job costs a few index seeks, never
    a scan of its points."""
    from vapor_tui.store.selfcheck import check_query

    path = tmp_path / "vapor.db"
    make(path, 4321)
    tables = {"jobs", "points", "point_blocks", "point_summary", "owed_points"}
    conn = sqlite3.connect(path)
    plan = [r[-1] for r in conn.execute("EXPLAIN QUERY PLAN " + check_query(tables))]
    conn.close()
    assert [p for p in plan if p.startswith("SCAN")] == ["SCAN j"], plan
    assert sum(p.startswith("SEARCH") for p in plan) == 5, plan


# --- the schema --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("statement", "words"),
    [
        ("ALTER TABLE jobs DROP COLUMN reason", "its jobs table has no column reason"),
        ("DROP TABLE points", "it has no points table"),
    ],
)
def test_a_missing_column_or_table_of_points_is_refused(statement, words, tmp_path):
    path = made_then(tmp_path, 100, statement)
    before = digest(path)
    with pytest.raises(StoreDamaged, match=words):
        open_store(path)
    assert digest(path) == before


@pytest.mark.parametrize("table", ["point_blocks", "point_summary"])
def test_a_missing_derived_table_is_made_again_from_the_points_and_said_so(table, tmp_path):
    path = made_then(tmp_path, 30_000, f"DROP TABLE {table}")
    store = open_store(path, clock=FakeClock(T0))
    try:
        assert store.notes == [f"the table {table} was missing: made again from the points"]
        assert len(read_points(store, 1)) == 30_000  # a bulk read: the packed blocks
    finally:
        store.close()
    check_database(path, f"{table} rebuilt")
    store = open_store(path, clock=FakeClock(T0))
    assert store.notes == []  # said once
    store.close()


def test_a_missing_index_is_made_again(tmp_path):
    path = made_then(tmp_path, 100, "DROP INDEX ix_points_validation")
    store = open_store(path, clock=FakeClock(T0))
    try:
        assert store.notes == ["the index ix_points_validation was missing: made again"]
    finally:
        store.close()


# --- stored text ---------------------------------------------------------------------------------


def test_a_name_stored_before_a_rule_refused_it_is_still_read(tmp_path):
    """A job named with a zero-width joiner before such names were refused is still a job:
    shown (escaped on the command line), acted on, cloned."""
    path = made_then(tmp_path, 10, "UPDATE jobs SET name = '👩\u200d🔬 lab' WHERE id = 3")
    store = open_store(path, clock=FakeClock(T0))
    try:
        assert [j.id for j in list_jobs(store)] == [3, 2, 1]
        assert apply_action(store, 3, Action.START).name == "👩\u200d🔬 lab"
        with pytest.raises(ConfigError, match="U\\+200D"):
            create_job(store, JobConfig("👩\u200d🔬 lab"))  # a new one is refused
    finally:
        store.close()

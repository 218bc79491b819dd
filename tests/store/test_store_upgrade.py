"""A database made by the release before named series (schema 4: one wide row of loss,
accuracy, learning rate and validation loss a step) is upgraded in place when opened: every
point kept as series points, ids and the id sequence kept, the old tables gone; a newer file
is still refused."""

from __future__ import annotations

import gzip
import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from tests.reliability.rel_checks import check_database
from vapor_tui.core.clock import FakeClock
from vapor_tui.core.config import JobConfig
from vapor_tui.store import upgrade
from vapor_tui.store.catchup import catch_up
from vapor_tui.store.engine import StoreError, open_store
from vapor_tui.store.jobs import create_job, get_job, list_jobs
from vapor_tui.store.points import read_points
from vapor_tui.store.series import read_summary, series_names

FIXTURE = Path(__file__).parents[1] / "fixtures" / "schema4.db.gz"
OLD_COLUMNS = ("step", "epoch", "loss", "accuracy", "learning_rate", "val_loss", "timestamp")
KEPT = ("name", "model", "status", "reason", "steps_done", "last_loss", "best_loss")
KEPT += ("last_val_loss", "started_at", "finished_at", "stop_at_step", "seed", "version")


def schema4(tmp_path: Path) -> Path:
    path = tmp_path / "old.db"
    with gzip.open(FIXTURE) as src, open(path, "wb") as dst:
        shutil.copyfileobj(src, dst)
    return path


def old_state(path: Path) -> tuple[dict, dict, int]:
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 4
        jobs = {r["id"]: dict(r) for r in conn.execute("SELECT * FROM jobs")}
        points = {
            job_id: np.array(
                conn.execute(
                    f"SELECT {', '.join(OLD_COLUMNS)} FROM points WHERE job_id = ? ORDER BY step",
                    (job_id,),
                ).fetchall(),
                dtype=np.float64,
            ).reshape(-1, len(OLD_COLUMNS))
            for job_id in jobs
        }
        seq = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'jobs'").fetchone()[0]
    finally:
        conn.close()
    return jobs, points, seq


def assert_jobs_kept(store, jobs: dict, points: dict) -> None:
    """Every old job's row and points as the upgraded store has them (both backends)."""
    for job_id, old in jobs.items():
        job = get_job(store, job_id)
        with store.read() as conn:
            row = conn.exec_driver_sql(f"SELECT * FROM jobs WHERE id = {job_id}").mappings()
            new = dict(row.one())
        assert {k: new[k] for k in KEPT} == {k: old[k] for k in KEPT}, job_id
        assert new["total_steps"] == old["epochs"] * old["steps_per_epoch"]
        assert new["source"] == "simulator" and job.config is not None
        back = read_points(store, job_id)
        want = points[job_id]
        assert len(back) == len(want) == job.steps_done
        for i, name in enumerate(OLD_COLUMNS):
            got = getattr(back, name).astype(np.float64)
            np.testing.assert_array_equal(got, want[:, i], err_msg=f"{job_id} {name}")
        with store.read() as conn:
            names = series_names(conn, job_id)
            loss = read_summary(conn, job_id, "loss")
        if job.steps_done:
            assert (
                names
                == ["loss", "accuracy", "learning_rate", "val_loss"][
                    : 3 + int(job.steps_done >= job.config.steps_per_epoch)
                ]
            )
            assert loss is not None and loss.count == job.steps_done
            assert loss.value_min == old["best_loss"]
        else:
            assert names == []


def assert_carries_on(store, clock: FakeClock) -> None:
    """After the upgrade: ids not reused, the running job (#3) going on to its end."""
    assert create_job(store, JobConfig("after")).id == 6  # the sequence kept: 2 not reused
    clock.advance(10**9)  # the running job (#3) carries on from where it was, to its end
    catch_up(store)
    assert get_job(store, 3).status.value == "complete"
    assert len(read_points(store, 3)) == 4500


@pytest.mark.parametrize("chunk", [100_000, 999])
def test_a_schema_4_database_is_upgraded_with_nothing_lost(tmp_path, monkeypatch, chunk):
    monkeypatch.setattr(upgrade, "_CHUNK", chunk)  # a small chunk: many chunks a job
    path = schema4(tmp_path)
    jobs, points, seq = old_state(path)
    assert sorted(jobs) == [1, 3, 4, 5] and seq == 5  # job 2 was deleted: its id stays used
    assert sum(len(p) for p in points.values()) == 7404
    clock = FakeClock()
    store = open_store(path, clock=clock)
    try:
        assert [j.id for j in list_jobs(store)] == [5, 4, 3, 1]
        assert_jobs_kept(store, jobs, points)
        with store.read() as conn:
            tables = {
                r[0]
                for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
            assert not tables & {"points", "point_summary", "point_blocks"}
            assert conn.exec_driver_sql("PRAGMA user_version").scalar() == 5
        assert_carries_on(store, clock)
    finally:
        store.close()
    check_database(path, "upgraded from schema 4")


def test_an_upgraded_database_takes_runs_with_no_simulator_settings(tmp_path):
    path = schema4(tmp_path)
    open_store(path, clock=FakeClock()).close()
    conn = sqlite3.connect(path)
    try:
        conn.execute(
            "INSERT INTO jobs (name, source, status, reason, created_at, steps_done, version, "
            "stop_rung, nan_flags) VALUES ('run', 'api', 'running', '', 1.0, 0, 0, 0, 0)"
        )
        conn.commit()
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
    store = open_store(path, clock=FakeClock())
    try:
        run = get_job(store, 6)
        assert run.config is None and run.known_total is None
    finally:
        store.close()


def test_a_newer_file_is_still_refused(tmp_path):
    path = schema4(tmp_path)
    open_store(path, clock=FakeClock()).close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 6")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="newer vapor-tui"):
        open_store(path, clock=FakeClock())

"""Packed blocks hold exactly the points: bulk reads from them equal reads from the rows."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from sqlalchemy import text

from vapor_tui.core.clock import FakeClock
from vapor_tui.core.config import JobConfig
from vapor_tui.core.job import Job
from vapor_tui.core.simulator import Simulator
from vapor_tui.store.catchup import catch_up
from vapor_tui.store.engine import Store, open_store
from vapor_tui.store.jobs import create_job, delete_job
from vapor_tui.store.points import read_points, read_points_conn
from vapor_tui.store.series import BULK_READ, read_series
from vapor_tui.store.series_blocks import BLOCK_STEPS, read_packed
from vapor_tui.store.series_points import read_rows


def assert_same(a, b):
    assert len(a) == len(b)
    for name in ("step", "epoch", "loss", "accuracy", "learning_rate", "timestamp"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
        assert getattr(a, name).dtype == getattr(b, name).dtype, name
    assert np.array_equal(np.isnan(a.val_loss), np.isnan(b.val_loss))
    assert np.array_equal(a.val_loss[~np.isnan(a.val_loss)], b.val_loss[~np.isnan(b.val_loss)])


def _long_job(target: str) -> Job:
    """60,000 steps written by 23 catch-ups of uneven length: batches cut through blocks."""
    clock = FakeClock()
    store = open_store(target, clock=clock)
    try:
        cfg = JobConfig("long", epochs=3, steps_per_epoch=20_000, step_seconds=0.001, seed=6)
        job = create_job(store, cfg, start=True)
        for i in range(23):
            clock.advance(1.3 + (i % 4) * 0.9)
            catch_up(store)
        clock.advance(3600)
        catch_up(store)
        return job
    finally:
        store.close()


@pytest.fixture
def long(new_db, fake_clock) -> Iterator[tuple[Store, Job]]:
    """A store on a copy of a database with the long job (built once a session), and the job."""
    target, job = new_db("long", like=_long_job)
    store = open_store(target, clock=fake_clock)
    try:
        yield store, job
    finally:
        store.close()


def _series_id(conn, job_id: int, name: str) -> int:
    return conn.exec_driver_sql(
        f"SELECT id FROM series WHERE job_id = {job_id} AND name = '{name}'"
    ).scalar()


@pytest.mark.parametrize("after", [0, 1, BLOCK_STEPS - 1, BLOCK_STEPS, 12_345, 59_999, 60_000])
def test_blocks_equal_rows(long, after):
    store, long_job = long
    with store.read() as conn:
        for name in ("loss", "accuracy", "learning_rate", "val_loss"):
            sid = _series_id(conn, long_job.id, name)
            from_rows = read_rows(conn, sid, after)
            packed = read_packed(conn, sid, after)
            end = (60_000 - 1) // BLOCK_STEPS * BLOCK_STEPS
            from_blocks = packed.merged(read_rows(conn, sid, max(after, end)))
            assert from_rows.step.tolist() == from_blocks.step.tolist(), name
            assert from_rows.value.tobytes() == from_blocks.value.tobytes(), name
            assert from_rows.timestamp.tobytes() == from_blocks.timestamp.tobytes(), name
            assert packed.last_step <= end


def test_bulk_reads_take_the_block_path(long, monkeypatch):
    store, long_job = long
    import vapor_tui.store.series as series_module

    used = []
    real = series_module.read_packed
    monkeypatch.setattr(
        series_module, "read_packed", lambda *a, **k: used.append("blocks") or real(*a, **k)
    )
    everything = read_points(store, long_job.id)
    assert "blocks" in used and everything.last_step == 60_000 and len(everything) == 60_000
    assert np.array_equal(everything.step, np.arange(1, 60_001))
    with store.read() as conn:
        assert_same(everything, read_points_conn(conn, long_job.id, 0, limit=60_000))
    used.clear()
    tail = read_points(store, long_job.id, after_step=60_000 - BULK_READ + 5)
    assert used == [] and len(tail) == BULK_READ - 5  # small reads stay on the rows
    with store.read() as conn:
        assert len(read_series(conn, long_job.id, "loss")) == 60_000


def test_blocks_go_with_their_job(long):
    store, long_job = long
    delete_job(store, long_job.id)
    with store.read() as conn:
        left = conn.exec_driver_sql("SELECT count(*) FROM series_blocks").scalar()
    assert left == 0


def _blocks(store, job_id):
    query = text(
        "SELECT b.block, b.n, length(b.data) FROM series_blocks b "
        "JOIN series s ON s.id = b.series_id WHERE s.job_id = :j AND s.name = 'loss' "
        "ORDER BY b.block"
    )
    with store.read() as conn:
        return [tuple(row) for row in conn.execute(query, {"j": job_id})]


def test_a_block_is_written_once_a_later_step_is(store, fake_clock):
    """A tick's one new point must not rewrite the block in progress (it cost the tick up to
    229 KB read, sorted and written again per running job): a block goes in whole, once,
    when the first step after it is written."""
    cfg = JobConfig("ticks", epochs=2, steps_per_epoch=5_000, step_seconds=0.001, seed=8)
    sim = Simulator(cfg)
    job = create_job(store, cfg, start=True)
    fake_clock.advance(sim.time_at(BLOCK_STEPS - 3) + 1e-9)
    catch_up(store)
    for _ in range(6):  # the steps around the block's end, one a catch-up, as ticks write them
        done = read_points(store, job.id).last_step
        fake_clock.advance(sim.time_at(done + 1) - sim.time_at(done))
        catch_up(store)
        done += 1
        expected = [(0, BLOCK_STEPS, BLOCK_STEPS * 3 * 8)] if done > BLOCK_STEPS else []
        assert _blocks(store, job.id) == expected, done

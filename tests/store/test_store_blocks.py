"""Packed blocks hold exactly the points: bulk reads from them equal reads from the rows."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest
from sqlalchemy import text

from vapor_tui.core.config import JobConfig
from vapor_tui.core.points import COLUMNS
from vapor_tui.core.simulator import Simulator
from vapor_tui.store.blocks import BLOCK_STEPS, read_blocks
from vapor_tui.store.catchup import catch_up
from vapor_tui.store.engine import open_store
from vapor_tui.store.jobs import create_job, delete_job
from vapor_tui.store.points import BULK_READ, read_points, read_points_conn


def assert_same(a, b):
    assert len(a) == len(b)
    for name in ("step", "epoch", "loss", "accuracy", "learning_rate", "timestamp"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
        assert getattr(a, name).dtype == getattr(b, name).dtype, name
    assert np.array_equal(np.isnan(a.val_loss), np.isnan(b.val_loss))
    assert np.array_equal(a.val_loss[~np.isnan(a.val_loss)], b.val_loss[~np.isnan(b.val_loss)])


@pytest.fixture
def long_job(store, fake_clock):
    # 60,000 steps written by 23 catch-ups of uneven length: batches cut through blocks.
    cfg = JobConfig("long", epochs=3, steps_per_epoch=20_000, step_seconds=0.001, seed=6)
    job = create_job(store, cfg, start=True)
    for i in range(23):
        fake_clock.advance(1.3 + (i % 4) * 0.9)
        catch_up(store)
    fake_clock.advance(3600)
    catch_up(store)
    return job


@pytest.mark.parametrize("after", [0, 1, BLOCK_STEPS - 1, BLOCK_STEPS, 12_345, 59_999, 60_000])
def test_blocks_equal_rows(store, long_job, after):
    with store.read() as conn:
        from_rows = read_points_conn(conn, long_job.id, after)
        from_blocks = read_blocks(conn, long_job.id, after)
    assert_same(from_rows, from_blocks)
    assert from_rows.last_step in (60_000, 0)


def test_bulk_reads_take_the_block_path(store, long_job, monkeypatch):
    import vapor_tui.store.points as points_module

    used = []
    monkeypatch.setattr(
        points_module, "read_blocks", lambda *a: used.append("blocks") or read_blocks(*a)
    )
    everything = read_points(store, long_job.id)
    assert used == ["blocks"] and everything.last_step == 60_000 and len(everything) == 60_000
    assert np.array_equal(everything.step, np.arange(1, 60_001))
    tail = read_points(store, long_job.id, after_step=60_000 - BULK_READ + 5)
    assert used == ["blocks"] and len(tail) == BULK_READ - 5  # small reads stay on the rows


def test_blocks_go_with_their_job(store, long_job):
    delete_job(store, long_job.id)
    with store.read() as conn:
        left = conn.exec_driver_sql("SELECT count(*) FROM point_blocks").scalar()
    assert left == 0


def test_upgrading_from_schema_2_builds_the_blocks(tmp_path, fake_clock):
    path = tmp_path / "v2.db"
    store = open_store(path, clock=fake_clock)
    cfg = JobConfig("v2", epochs=2, steps_per_epoch=9_000, step_seconds=0.001, seed=2)
    job = create_job(store, cfg, start=True)
    fake_clock.advance(3600)
    catch_up(store)
    with store.read() as conn:
        before = read_points_conn(conn, job.id)
    store.close()
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE point_blocks")
    conn.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    conn.execute("PRAGMA user_version = 2")
    conn.commit()
    conn.close()
    store = open_store(path, clock=fake_clock)
    try:
        with store.read() as c:
            assert_same(before, read_blocks(c, job.id))
    finally:
        store.close()


def _blocks(store, job_id):
    query = text("SELECT block, n, length(data) FROM point_blocks WHERE job_id = :j ORDER BY block")
    with store.read() as conn:
        return [tuple(row) for row in conn.execute(query, {"j": job_id})]


def test_a_block_is_written_once_when_its_last_step_is(store, fake_clock):
    """A tick's one new point must not rewrite the block in progress (it cost the tick up to
    229 KB read, sorted and written again per running job): a block goes in whole, once."""
    cfg = JobConfig("ticks", epochs=2, steps_per_epoch=5_000, step_seconds=0.001, seed=8)
    sim = Simulator(cfg)
    job = create_job(store, cfg, start=True)
    fake_clock.advance(sim.time_at(BLOCK_STEPS - 3) + 1e-9)
    catch_up(store)
    for _ in range(5):  # the steps around the block's end, one a catch-up, as ticks write them
        done = read_points(store, job.id).last_step
        fake_clock.advance(sim.time_at(done + 1) - sim.time_at(done))
        catch_up(store)
        done += 1
        expected = [(0, BLOCK_STEPS, BLOCK_STEPS * 7 * 8)] if done >= BLOCK_STEPS else []
        assert _blocks(store, job.id) == expected, done
    with store.read() as conn:
        assert_same(read_points_conn(conn, job.id), read_blocks(conn, job.id))


def test_a_part_filled_block_an_older_version_wrote_is_read_as_rows_and_then_replaced(
    store, fake_clock
):
    cfg = JobConfig("old", epochs=2, steps_per_epoch=5_000, step_seconds=0.001, seed=9)
    sim = Simulator(cfg)
    job = create_job(store, cfg, start=True)
    fake_clock.advance(sim.time_at(BLOCK_STEPS + 900) + 1e-9)
    catch_up(store)
    done = read_points(store, job.id).last_step
    with store.write() as conn:  # what an older version kept: the block in progress
        part = read_points_conn(conn, job.id, BLOCK_STEPS)
        data = np.column_stack([getattr(part, n).astype(np.float64) for n in COLUMNS])
        conn.execute(
            text("INSERT INTO point_blocks (job_id, block, n, data) VALUES (:j, 1, :n, :d)"),
            {"j": job.id, "n": len(part), "d": data[: len(part) - 7].tobytes()},  # stale, too
        )
    with store.read() as conn:
        assert_same(read_points_conn(conn, job.id), read_blocks(conn, job.id))
        assert read_blocks(conn, job.id).last_step == done
    fake_clock.advance(3600)
    catch_up(store)
    blocks = _blocks(store, job.id)
    assert [(b, n) for b, n, _ in blocks] == [(0, BLOCK_STEPS), (1, BLOCK_STEPS)]
    with store.read() as conn:
        assert_same(read_points_conn(conn, job.id), read_blocks(conn, job.id))

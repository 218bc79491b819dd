"""Metric points: batched writes, reads into numpy, NaN for "no validation on this step"."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from tests.support.points import assert_points_equal, concat
from vapor_tui.core.config import JobConfig
from vapor_tui.core.points import Points
from vapor_tui.core.simulator import Simulator
from vapor_tui.core.status import JobStatus
from vapor_tui.store.engine import Store, StoreError
from vapor_tui.store.jobs import create_job
from vapor_tui.store.points import insert_points, iter_point_chunks, read_points

CFG = JobConfig("pts", epochs=5, steps_per_epoch=37, seed=8, step_seconds=0.25)
SIM = Simulator(CFG)
ALL = SIM.points(1, SIM.total, 1_767_268_800.0)


@pytest.fixture
def filled(store: Store) -> int:
    job = create_job(store, CFG)
    with store.write() as conn:
        for start in range(0, len(ALL), 50):  # several batches
            assert insert_points(conn, job.id, ALL.slice(start, start + 50)) == len(
                ALL.slice(start, start + 50)
            )
    return job.id


def test_batch_write_reads_back_equal_arrays(store: Store, filled: int) -> None:
    back = read_points(store, filled)
    assert_points_equal(back, ALL)
    assert back.step.dtype == np.int64 and back.loss.dtype == np.float64
    # Validation loss: NaN exactly where there was none, values bit-exact where there was.
    assert np.array_equal(np.isnan(back.val_loss), np.isnan(ALL.val_loss))
    assert np.isnan(back.val_loss).sum() == SIM.total - CFG.epochs
    assert back.val_loss[36] == ALL.val_loss[36]
    assert back.loss.tobytes() == ALL.loss.tobytes()


def test_validation_is_a_sparse_series_of_one_point_an_epoch(store: Store, filled: int) -> None:
    with store.read() as conn:
        counts = dict(
            conn.execute(
                text("SELECT name, n FROM series WHERE job_id = :id"), {"id": filled}
            ).all()
        )
    assert counts == {
        "loss": SIM.total,
        "accuracy": SIM.total,
        "learning_rate": SIM.total,
        "val_loss": CFG.epochs,
    }


@settings(max_examples=40)
@given(k=st.integers(-3, SIM.total + 3))
def test_read_after_step_returns_exactly_the_later_steps(
    store_with_points: tuple[Store, int], k: int
) -> None:
    store, job_id = store_with_points
    part = read_points(store, job_id, after_step=k)
    expected = [s for s in range(1, SIM.total + 1) if s > k]
    assert part.step.tolist() == expected
    if expected:
        assert_points_equal(part, ALL.slice(expected[0] - 1))


@pytest.fixture(scope="module")
def store_with_points(tmp_path_factory: pytest.TempPathFactory):
    from vapor_tui.core.clock import FakeClock
    from vapor_tui.store.engine import open_store

    s = open_store(tmp_path_factory.mktemp("pts") / "p.db", clock=FakeClock())
    job = create_job(s, CFG)
    with s.write() as conn:
        insert_points(conn, job.id, ALL)
    yield s, job.id
    s.close()


def test_limit_and_tail(store: Store, filled: int) -> None:
    assert read_points(store, filled, after_step=10, limit=5).step.tolist() == [11, 12, 13, 14, 15]
    tail = read_points(store, filled, after_step=SIM.total - 7)
    assert tail.step.tolist() == list(range(SIM.total - 6, SIM.total + 1))
    assert len(read_points(store, 999, after_step=0)) == 0


def test_chunks_cover_everything_once(store: Store, filled: int) -> None:
    chunks = list(iter_point_chunks(store, filled, chunk=40))
    assert [len(c) for c in chunks] == [40, 40, 40, 40, 25]
    assert_points_equal(concat(chunks), ALL)


def test_an_empty_batch_writes_nothing(store: Store) -> None:
    job = create_job(store, CFG)
    with store.write() as conn:
        assert insert_points(conn, job.id, Points.empty()) == 0
    assert len(read_points(store, job.id)) == 0


def test_points_of_one_job_only(store: Store, filled: int) -> None:
    other = create_job(store, CFG)
    with store.write() as conn:
        insert_points(conn, other.id, ALL.slice(0, 3))
    assert len(read_points(store, filled)) == SIM.total
    assert read_points(store, other.id).step.tolist() == [1, 2, 3]


def test_a_step_written_again_keeps_the_later_value(store: Store, filled: int) -> None:
    # A run resumed from a checkpoint logs steps again: the later value stands, once.
    other = create_job(store, CFG)
    with store.write() as conn:
        insert_points(conn, other.id, ALL.slice(0, 10))
        insert_points(conn, other.id, SIM.points(10, 11, 1_767_268_900.0))
    back = read_points(store, other.id)
    assert back.step.tolist() == list(range(1, 12))
    assert back.timestamp[9] == SIM.points(10, 10, 1_767_268_900.0).timestamp[0]
    assert len(read_points(store, filled)) == SIM.total


def test_points_need_an_existing_job(store: Store) -> None:
    with pytest.raises(StoreError), store.write() as conn:
        insert_points(conn, 12345, ALL.slice(0, 2))


def test_points_are_read_only_arrays(store: Store, filled: int) -> None:
    back = read_points(store, filled)
    with pytest.raises(ValueError):
        back.loss[0] = 1.0


def test_status_values_stored_as_text(store: Store) -> None:
    job = create_job(store, CFG)
    with store.read() as conn:
        raw = conn.execute(text("SELECT status FROM jobs WHERE id = :id"), {"id": job.id}).scalar()
    assert raw == JobStatus.QUEUED.value


def test_a_ticks_points_become_series_without_copies() -> None:
    """The three dense series of a tick's points share the simulator's columns (issue 14: a
    copy and a check per column per job per tick); the validation series is its own."""
    from vapor_tui.store.points import sim_batch

    sim = Simulator(JobConfig("batch", epochs=2, steps_per_epoch=3, step_seconds=1.0, seed=5))
    points = sim.points(2, 3, 1_000.0)
    batch = sim_batch(points)
    assert sorted(batch) == ["accuracy", "learning_rate", "loss", "val_loss"]
    for name in ("loss", "accuracy", "learning_rate"):
        assert batch[name].value is getattr(points, name)
        assert batch[name].step is points.step and batch[name].timestamp is points.timestamp
    assert batch["val_loss"].step.tolist() == [3]

"""A run's points reach the store as PointLists (plain lists: a training script loads no
numpy for vapor-tui) and leave exactly the rows SeriesPoints leave: the points, the series
row, the summary, the packed blocks and the job's denormalised columns, on both backends."""

from __future__ import annotations

import math

import numpy as np
import pytest

from vapor_tui.core.config import JobConfig
from vapor_tui.core.point_list import PointList
from vapor_tui.core.process import current_process
from vapor_tui.core.series import SeriesPoints
from vapor_tui.store.engine import Store
from vapor_tui.store.jobs import create_job
from vapor_tui.store.runs import create_run, write_run
from vapor_tui.store.series import write_points
from vapor_tui.store.series_blocks import BLOCK_STEPS

T0 = 1_767_268_800.0
NAN, INF = math.nan, math.inf


def columns(first: int, last: int, every: int = 1) -> tuple[list[int], list[float], list[float]]:
    steps = list(range(first, last + 1, every))
    values = [NAN if s % 97 == 0 else INF if s % 389 == 0 else math.sin(s / 7.0) for s in steps]
    return steps, values, [T0 + s * 0.5 for s in steps]


# Batches as a run flushes them: growing past a block (and a bucket width doubling, the
# total unknown), a sparse series, NaN and inf among the values, and steps logged again.
BATCHES = [
    {"loss": columns(1, 10), "eval/loss": columns(5, 10, 5)},
    {"loss": columns(11, BLOCK_STEPS + 7), "eval/loss": columns(15, BLOCK_STEPS, 5)},
    {"loss": columns(BLOCK_STEPS + 8, 2 * BLOCK_STEPS + 1)},
    {"loss": columns(2 * BLOCK_STEPS - 3, 2 * BLOCK_STEPS + 40)},  # re-logged: the later wins
    {"grad_norm": columns(1, 3 * BLOCK_STEPS + 2, 3)},
]


def as_arrays(cols) -> SeriesPoints:
    return SeriesPoints(*cols)


def as_lists(cols) -> PointList:
    return PointList.logged(*cols)


def table(store: Store, sql: str, job_id: int) -> list[tuple]:
    with store.read() as conn:
        rows = conn.exec_driver_sql(sql.format(p="?" if store.is_sqlite else "%s"), (job_id,))
        return [tuple(_same_nan(v) for v in r) for r in rows]


def _same_nan(v):
    if isinstance(v, bytes | memoryview):
        return [None if x != x else x for x in np.frombuffer(bytes(v), dtype=np.float64)]
    return None if isinstance(v, float) and v != v else v


def _close(row: tuple) -> tuple:
    """A row to compare with: sums may differ in the last bits (numpy sums pairwise)."""
    return tuple(
        pytest.approx(v, rel=1e-12) if isinstance(v, float) and math.isfinite(v) else v for v in row
    )


SERIES = (
    "SELECT s.name, s.n, s.first_step, s.last_step, s.last_value, s.min, s.max, s.n_nan, "
    "s.n_inf, s.bucket_width, s.packed_blocks FROM series s WHERE s.job_id = {p} ORDER BY s.name"
)
POINTS = (
    "SELECT s.name, p.step, p.value, p.timestamp FROM series_points p JOIN series s "
    "ON s.id = p.series_id WHERE s.job_id = {p} ORDER BY s.name, p.step"
)
SUMMARY = (
    "SELECT s.name, b.bucket, b.n, b.first_step, b.last_step, b.min, b.max, b.sum, b.n_nan, "
    "b.n_inf FROM series_summary b JOIN series s ON s.id = b.series_id WHERE s.job_id = {p} "
    "ORDER BY s.name, b.bucket"
)
BLOCKS = (
    "SELECT s.name, k.block, k.n, k.data FROM series_blocks k JOIN series s "
    "ON s.id = k.series_id WHERE s.job_id = {p} ORDER BY s.name, k.block"
)
JOB = (
    "SELECT last_loss, best_loss, last_val_loss, nan_flags, steps_done, last_timestamp "
    "FROM jobs WHERE id = {p}"
)


def test_a_point_list_leaves_the_rows_series_points_leave(store: Store) -> None:
    arrays = create_job(store, JobConfig("arrays")).id
    lists = create_job(store, JobConfig("lists")).id
    for batch in BATCHES:
        with store.write() as conn:
            write_points(conn, {arrays: {n: as_arrays(c) for n, c in batch.items()}})
        with store.write() as conn:
            write_points(conn, {lists: {n: as_lists(c) for n, c in batch.items()}})
    for sql in (SERIES, POINTS, SUMMARY, BLOCKS, JOB):
        want, got = table(store, sql, arrays), table(store, sql, lists)
        assert len(got) == len(want), sql
        for mine, theirs in zip(got, want, strict=True):
            assert mine == _close(theirs), sql
    assert [r[:3] for r in table(store, BLOCKS, lists)] == [
        ("grad_norm", 0, 1366),
        ("grad_norm", 1, 1365),
        ("grad_norm", 2, 1365),
        ("loss", 0, BLOCK_STEPS),
        ("loss", 1, BLOCK_STEPS),
    ]


def test_a_run_flush_of_point_lists_keeps_nan_inf_and_the_pace(store: Store) -> None:
    job_id = create_run(
        store,
        name="r",
        model=None,
        config=None,
        total_steps=None,
        epochs=None,
        process=current_process(),
    )
    steps = [1, 2, 3, 3, 4]  # step 3 logged twice: the later value
    write_run(
        store,
        job_id,
        {
            "loss": PointList.logged(
                steps, [1.0, NAN, 5.0, 3.0, INF], [T0, T0 + 1, T0 + 2, T0 + 2.5, T0 + 3.5]
            )
        },
        heartbeat=T0 + 4,
    )
    rows = table(store, POINTS, job_id)
    assert rows == [
        ("loss", 1, 1.0, T0),
        ("loss", 2, None, T0 + 1),
        ("loss", 3, 3.0, T0 + 2.5),
        ("loss", 4, INF, T0 + 3.5),
    ]
    assert table(store, "SELECT n_nan, n_inf, min, max FROM series WHERE job_id = {p}", job_id) == [
        (1, 1, 1.0, 3.0)
    ]
    with store.read() as conn:
        ema = conn.exec_driver_sql(
            f"SELECT ema_step_seconds FROM jobs WHERE id = {job_id}"
        ).scalar()
    # Durations 1.0, 1.5, 1.0 s a step: the moving average starts at the first.
    assert ema == pytest.approx(0.9 * (0.9 * 1.0 + 0.1 * 1.5) + 0.1 * 1.0, rel=1e-12)

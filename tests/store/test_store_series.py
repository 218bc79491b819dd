"""Named series in the store: write_points for one or many jobs, NaN and ±inf kept, a step
logged again keeping the later value, the summary at any length, bulk reads from blocks."""

from __future__ import annotations

import math

import numpy as np
import pytest
from sqlalchemy import event

from vapor_tui.core.config import JobConfig
from vapor_tui.core.series import SeriesPoints
from vapor_tui.core.series_summary import SUMMARY_BUCKETS, fold, merge_rows, width_for
from vapor_tui.store.engine import Store
from vapor_tui.store.jobs import create_job, get_job
from vapor_tui.store.series import (
    BULK_READ,
    read_all,
    read_series,
    read_summary,
    series_names,
    write_points,
)
from vapor_tui.store.series_blocks import BLOCK_STEPS

T0 = 1_767_268_800.0


def pts(steps, values=None, t0: float = T0) -> SeriesPoints:
    steps = np.asarray(steps, dtype=np.int64)
    values = np.sin(steps / 7.0) if values is None else values
    return SeriesPoints(steps, values, t0 + steps.astype(np.float64))


def job(store: Store, name: str = "s", **kw) -> int:
    return create_job(store, JobConfig(name, **kw)).id


def assert_same(a: SeriesPoints, b: SeriesPoints) -> None:
    assert a.step.tolist() == b.step.tolist()
    np.testing.assert_array_equal(a.value, b.value)  # NaN == NaN here, inf == inf
    np.testing.assert_array_equal(a.timestamp, b.timestamp)


def summary_rows(store: Store, job_id: int, name: str) -> list[tuple]:
    s = read_summary_now(store, job_id, name)
    return [
        (int(b), int(n), int(f), int(last), lo, hi, total, int(nn), int(ni))
        for b, n, f, last, lo, hi, total, nn, ni in zip(
            s.bucket,
            s.n,
            s.first_step,
            s.last_step,
            s.min,
            s.max,
            s.sum,
            s.n_nan,
            s.n_inf,
            strict=True,
        )
    ]


def read_summary_now(store: Store, job_id: int, name: str):
    with store.read() as conn:
        s = read_summary(conn, job_id, name)
    assert s is not None
    return s


def expected_rows(points: SeriesPoints, width: int) -> list[tuple]:
    rows = merge_rows(fold(points, width))
    return [
        (
            b,
            n,
            f,
            last,
            lo if math.isfinite(lo) else math.nan,
            hi if math.isfinite(hi) else math.nan,
            t,
            nn,
            ni,
        )
        for b, n, f, last, lo, hi, t, nn, ni in rows
    ]


def same_rows(a: list[tuple], b: list[tuple]) -> None:
    assert len(a) == len(b)
    for x, y in zip(a, b, strict=True):
        assert x[:4] == y[:4] and x[7:] == y[7:]
        np.testing.assert_allclose(np.array(x[4:7]), np.array(y[4:7]), rtol=1e-12)


def test_nan_and_inf_round_trip(store: Store) -> None:
    j = job(store)
    values = np.array([0.5, math.nan, math.inf, -math.inf, 0.25, math.nan])
    with store.write() as conn:
        write_points(conn, {j: {"loss": pts(range(1, 7), values)}})
    with store.read() as conn:
        back = read_series(conn, j, "loss")
        tail = read_series(conn, j, "loss", after_step=4, limit=1)
    assert_same(back, pts(range(1, 7), values))
    assert tail.step.tolist() == [5]
    s = read_summary_now(store, j, "loss")
    assert (s.count, s.value_min, s.value_max) == (6, 0.25, 0.5)
    assert math.isnan(s.last_value)
    assert int(s.n_nan.sum()) == 2 and int(s.n_inf.sum()) == 2
    assert np.nansum(s.sum) == 0.75  # a NaN or inf never poisons the finite sum
    row = get_job(store, j)
    assert row.steps_done == 6 and row.best_loss == 0.25


def test_bulk_read_from_blocks_keeps_nan_and_inf(store: Store) -> None:
    j = job(store, epochs=1, steps_per_epoch=BULK_READ + 3 * BLOCK_STEPS)
    n = BULK_READ + 2 * BLOCK_STEPS + 17
    steps = np.arange(1, n + 1)
    values = np.cos(steps / 100.0)
    values[[5, 4097, n - 1]] = [math.nan, math.inf, -math.inf]
    with store.write() as conn:
        for a in range(0, n, 3000):  # several batches, some crossing block edges
            write_points(conn, {j: {"loss": pts(steps[a : a + 3000], values[a : a + 3000])}})
        packed = conn.exec_driver_sql("SELECT count(*) FROM series_blocks").scalar()
    assert packed == (n - 1) // BLOCK_STEPS
    with store.read() as conn:
        whole = read_all(conn, j)["loss"]
        late = read_series(conn, j, "loss", after_step=5000)
    assert_same(whole, pts(steps, values))
    assert_same(late, pts(steps[5000:], values[5000:]))


def test_one_statement_per_table_whatever_the_number_of_jobs(store: Store) -> None:
    """A tick's catch-up of 20 jobs costs what one job's does, in statements."""
    ids = [job(store, f"j{i}") for i in range(21)]
    counts: list[int] = []

    def write(job_ids: list[int], first: int) -> int:
        seen: list[str] = []
        listen = lambda *a: seen.append(a[2])  # noqa: E731
        event.listen(store.engine, "before_cursor_execute", listen)
        try:
            with store.write() as conn:
                batch = {
                    "loss": pts([first, first + 1]),
                    "accuracy": pts([first, first + 1]),
                    "learning_rate": pts([first, first + 1]),
                    "val_loss": pts([first + 1]),
                }
                write_points(conn, {i: batch for i in job_ids})
        finally:
            event.remove(store.engine, "before_cursor_execute", listen)
        return len([s for s in seen if not s.lstrip().upper().startswith(("BEGIN", "COMMIT"))])

    write(ids, 1)  # the series rows are made
    counts = [write(ids[:1], 3), write(ids[1:], 3)]
    assert counts[0] == counts[1] == 5  # read, points, summary, series, jobs
    with store.read() as conn:
        for i in ids:
            assert read_series(conn, i, "val_loss").step.tolist() == [2, 4]


def test_a_step_logged_again_keeps_the_later_value(store: Store) -> None:
    j = job(store, epochs=1, steps_per_epoch=3 * BLOCK_STEPS)
    n = 2 * BLOCK_STEPS + 10
    first = pts(range(1, n + 1))
    with store.write() as conn:
        write_points(conn, {j: {"loss": first}})
        # A run resumed from a checkpoint at step 4000 logs 4000..4200 again, lower.
        again = pts(range(4000, 4201), np.full(201, -1.0), t0=T0 + 10)
        write_points(conn, {j: {"loss": again}})
    expect = first.merged(again)
    with store.read() as conn:
        assert_same(read_series(conn, j, "loss"), expect)
        assert_same(read_all(conn, j)["loss"], expect)
    s = read_summary_now(store, j, "loss")
    assert s.count == n and s.value_min == -1.0
    same_rows(summary_rows(store, j, "loss"), expected_rows(expect, s.bucket_width))
    assert get_job(store, j).best_loss == -1.0


def test_bucket_width_from_the_total_or_doubling_as_steps_pass_it(store: Store) -> None:
    assert width_for(3000, 0) == 4 and width_for(4096, 0) == 4 and width_for(4097, 0) == 8
    assert width_for(None, 1) == 1 and width_for(None, 1025) == 2 and width_for(None, 0, 8) == 8
    known = job(store, "known", epochs=3, steps_per_epoch=1000)
    unknown = job(store, "unknown")
    with store.write() as conn:
        conn.exec_driver_sql(f"UPDATE jobs SET total_steps = NULL WHERE id = {unknown}")
    allpts = pts(range(1, 5001))
    with store.write() as conn:
        for a in range(0, 5000, 700):
            part = allpts[a : a + 700]
            write_points(conn, {known: {"loss": part}, unknown: {"loss": part}})
    k, u = read_summary_now(store, known, "loss"), read_summary_now(store, unknown, "loss")
    assert k.bucket_width == 8  # past its total of 3,000: doubled once more
    assert u.bucket_width == 8  # 1 -> 2 -> 4 -> 8 as the steps passed 1,024 * width
    assert len(u.bucket) <= SUMMARY_BUCKETS
    for which in (known, unknown):
        same_rows(summary_rows(store, which, "loss"), expected_rows(allpts, 8))


def test_names_and_the_jobs_denormalised_columns(store: Store) -> None:
    hf = job(store, "hf")
    with store.write() as conn:
        write_points(
            conn,
            {
                hf: {
                    "train_loss": pts([1, 2], np.array([0.9, 0.7])),
                    "eval/loss": pts([2], np.array([1.1])),
                    "grad_norm": pts([1, 2]),
                }
            },
        )
        names = series_names(conn, hf)
        assert read_summary(conn, hf, "nothing") is None
        assert len(read_series(conn, hf, "nothing")) == 0
    assert names == ["eval/loss", "grad_norm", "train_loss"]
    row = get_job(store, hf)
    assert (row.last_loss, row.best_loss, row.last_val_loss) == (0.7, 0.7, 1.1)
    # val_loss comes before eval/loss once there is one; loss before train_loss.
    with store.write() as conn:
        write_points(conn, {hf: {"val_loss": pts([3], np.array([2.0]))}})
        write_points(conn, {hf: {"loss": pts([3], np.array([math.nan]))}})
        flags = conn.exec_driver_sql(f"SELECT nan_flags FROM jobs WHERE id = {hf}").scalar()
    row = get_job(store, hf)
    assert row.last_val_loss == 2.0 and math.isnan(row.last_loss or 0.0) and flags == 1
    assert row.steps_done == 3


def test_a_write_to_a_job_that_does_not_exist_is_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="no job #999"), store.write() as conn:
        write_points(conn, {999: {"loss": pts([1])}})


def test_deleting_a_job_deletes_its_series(store: Store) -> None:
    j = job(store)
    with store.write() as conn:
        write_points(conn, {j: {"loss": pts(range(1, 5000))}})
        conn.exec_driver_sql(f"DELETE FROM jobs WHERE id = {j}")
        left = [
            conn.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar()
            for t in ("series", "series_points", "series_summary", "series_blocks")
        ]
    assert left == [0, 0, 0, 0]


def test_a_new_database_has_the_schema_of_named_series(store: Store) -> None:
    with store.read() as conn:
        version = conn.exec_driver_sql(
            "SELECT value FROM meta WHERE key = 'schema_version'"
        ).scalar()
        columns = conn.exec_driver_sql("SELECT * FROM jobs").keys()
    assert version == "5"
    for name in ("source", "total_steps", "config", "host", "pid", "pid_started", "user_name"):
        assert name in columns
    for name in ("heartbeat_at", "stop_rung", "command", "cwd", "env", "stop_grace"):
        assert name in columns
    for name in ("supervisor_pid", "supervisor_started", "exit_code", "nan_flags"):
        assert name in columns

"""The chart summary is always the points it summarises: after any catch-ups, and gone with
its job."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from vapor_tui.core.buckets import METRICS, SUMMARY_BUCKETS, bucket_of
from vapor_tui.core.clock import FakeClock
from vapor_tui.core.config import JobConfig
from vapor_tui.store.catchup import catch_up
from vapor_tui.store.engine import open_store
from vapor_tui.store.jobs import create_job, delete_job
from vapor_tui.store.points import read_points
from vapor_tui.store.summary import read_chart_base


def expected_summary(points, total):
    """The summary recomputed the slow, obvious way from every point."""
    buckets = bucket_of(points.step, total)
    out = {}
    for b in np.unique(buckets):
        m = buckets == b
        row = {"n": int(m.sum()), "first": int(points.step[m].min())}
        for metric in METRICS:
            v = getattr(points, metric)[m]
            row[metric] = (v.min(), v.max(), v.sum())
        out[int(b)] = row
    return out


def assert_summary_matches(store, job_id, total):
    points = read_points(store, job_id)
    with store.read() as conn:
        base = read_chart_base(conn, job_id)
    expected = expected_summary(points, total)
    if not len(points):
        assert base.series == {}
        return None
    loss = base.series["loss"]
    assert loss.bucket.tolist() == sorted(expected)
    assert base.last_step == points.last_step
    for metric in METRICS:
        summary = base.series[metric]
        assert summary.bucket.tolist() == loss.bucket.tolist()
        for i, b in enumerate(summary.bucket.tolist()):
            assert summary.n[i] == expected[b]["n"]
            assert summary.first_step[i] == expected[b]["first"]
            want = expected[b][metric]
            assert (summary.min[i], summary.max[i]) == (want[0], want[1])
            assert np.isclose(summary.sum[i], want[2], rtol=1e-12, atol=1e-12)
    steps, values = points.validation()
    if len(steps):
        val = base.series["val_loss"]
        assert val.first_step.tolist() == steps.tolist()  # one bucket a validation point
        assert val.sum.tolist() == values.tolist()
    return loss


@settings(max_examples=25, deadline=None)
@given(
    spe=st.integers(1, 5_000),
    epochs=st.integers(1, 4),
    advances=st.lists(st.floats(0.01, 200.0), min_size=1, max_size=6),
)
def test_summary_matches_points_after_any_catch_ups(tmp_path_factory, spe, epochs, advances):
    clock = FakeClock()
    store = open_store(tmp_path_factory.mktemp("sum") / "s.db", clock=clock)
    try:
        cfg = JobConfig("s", epochs=epochs, steps_per_epoch=spe, step_seconds=0.05, seed=3)
        job = create_job(store, cfg, start=True)
        for seconds in advances:
            clock.advance(seconds)
            catch_up(store)
        base = assert_summary_matches(store, job.id, cfg.total_steps)
        assert base is None or len(base.bucket) <= SUMMARY_BUCKETS
    finally:
        store.close()


def test_batches_that_split_a_bucket_add_up(store, fake_clock):
    # 50,000 steps in 1,024 buckets: ~49 steps a bucket; 37 catch-ups of uneven length cut
    # through buckets again and again.
    cfg = JobConfig("split", epochs=1, steps_per_epoch=50_000, step_seconds=0.01, seed=4)
    job = create_job(store, cfg, start=True)
    for i in range(37):
        fake_clock.advance(3.1 + (i % 5) * 1.7)
        catch_up(store)
    base = assert_summary_matches(store, job.id, cfg.total_steps)
    assert int(base.n.sum()) == read_points(store, job.id).last_step > 20_000


def test_summary_of_a_big_job_has_at_most_the_fixed_number_of_buckets(store, fake_clock):
    cfg = JobConfig("big", epochs=2, steps_per_epoch=50_000, step_seconds=0.001, seed=5)
    job = create_job(store, cfg, start=True)
    fake_clock.advance(3600)
    catch_up(store)
    base = assert_summary_matches(store, job.id, cfg.total_steps)
    # Buckets of 128 steps (the smallest power of two with 1,024 * 128 >= 100,000).
    assert len(base.bucket) == -(-100_000 // 128) <= SUMMARY_BUCKETS
    assert int(base.n.sum()) == 100_000


def test_deleting_a_job_deletes_its_summary(store, fake_clock):
    job = create_job(store, JobConfig("gone", step_seconds=0.01, seed=1), start=True)
    fake_clock.advance(60)
    catch_up(store)
    delete_job(store, job.id)
    with store.read() as conn:
        left = conn.execute(text("SELECT count(*) FROM series_summary")).scalar()
    assert left == 0


@pytest.mark.sqlite_only
def test_reading_the_chart_base_searches_and_never_scans(store, fake_clock):
    """The chart opens from every series' summary: every statement a search
    by a key, whatever the job's length (one that scanned the points would grow with it)."""
    job = create_job(store, JobConfig("plan", step_seconds=0.01, seed=2), start=True)
    fake_clock.advance(60)
    catch_up(store)
    with store.read() as conn, every_statement(conn, None) as statements:
        base = read_chart_base(conn, job.id)
    assert base.names == ["loss", "accuracy", "learning_rate", "val_loss"]
    assert base.series["val_loss"].count == 3
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 2
    with store.read() as conn:
        for sql in selects:  # as SQLite ran them: the values in place of the parameters
            plan = " ".join(str(r) for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql))
            assert "SCAN" not in plan, (sql, plan)


@contextlib.contextmanager
def every_statement(conn, request: pytest.FixtureRequest | None) -> Iterator[list[str]]:
    """Every statement the database is sent through this connection meanwhile, the driver's
    own cursors' too: SQLite's trace callback; on the server, its log (the suite's server,
    one a test process, logs them with log_statement)."""
    seen: list[str] = []
    if conn.dialect.name == "sqlite":
        raw = conn.connection.driver_connection
        raw.set_trace_callback(seen.append)
        try:
            yield seen
        finally:
            raw.set_trace_callback(None)
        return
    assert request is not None
    log = request.getfixturevalue("pg_server").log
    conn.exec_driver_sql("SET LOCAL log_statement = 'all'")
    start = log.stat().st_size
    try:
        yield seen
    finally:
        conn.exec_driver_sql("SET LOCAL log_statement = 'none'")
        with open(log, encoding="utf-8") as f:
            f.seek(start)
            lines = f.read().splitlines()
        seen += [ln for ln in lines if "LOG:  statement:" in ln or "LOG:  execute" in ln][:-1]


def test_the_chart_base_is_two_statements_whatever_the_series(store, fake_clock, request):
    """Every series' summary, as read_summary reads each one, in two statements (they were
    two a series and two more: ten round trips to a server for a simulated job)."""
    from vapor_tui.store.series import read_summary, series_names

    job = create_job(store, JobConfig("two", step_seconds=0.01, seed=3), start=True)
    fake_clock.advance(90)
    catch_up(store)
    with store.read() as conn, every_statement(conn, request) as statements:
        base = read_chart_base(conn, job.id)
    assert len(statements) == 2, statements
    with store.read() as conn:
        names = series_names(conn, job.id)
        each = {name: read_summary(conn, job.id, name) for name in names}
        steps_done = conn.execute(
            text("SELECT steps_done FROM jobs WHERE id = :id"), {"id": job.id}
        ).scalar()
    assert list(base.series) == names == ["loss", "accuracy", "learning_rate", "val_loss"]
    assert base.last_step == steps_done and base.total_steps == job.config.total_steps
    for name, summary in each.items():
        got = base.series[name]
        assert summary is not None and got.name == name
        for field in ("bucket", "n", "first_step", "last_step", "min", "max", "sum", "n_nan"):
            assert np.array_equal(getattr(got, field), getattr(summary, field), equal_nan=True)
        for field in ("bucket_width", "count", "series_last_step"):
            assert getattr(got, field) == getattr(summary, field)
        for field in ("last_value", "value_min", "value_max"):
            assert np.array_equal(getattr(got, field), getattr(summary, field), equal_nan=True)
    with store.read() as conn:
        assert read_chart_base(conn, 999).series == {}

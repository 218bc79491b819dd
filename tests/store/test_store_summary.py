"""The chart summary is always the points it summarises: after any catch-ups, and gone with
its job."""

from __future__ import annotations

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
    statements = []
    from sqlalchemy import event

    @event.listens_for(store.engine, "before_cursor_execute")
    def capture(conn, cursor, statement, parameters, context, executemany):
        statements.append((statement, parameters))

    with store.read() as conn:
        base = read_chart_base(conn, job.id)
    assert base.names == ["loss", "accuracy", "learning_rate", "val_loss"]
    assert base.series["val_loss"].count == 3
    event.remove(store.engine, "before_cursor_execute", capture)
    selects = [(s, p) for s, p in statements if s.lstrip().upper().startswith("SELECT")]
    assert selects
    with store.read() as conn:
        for sql, params in selects:
            plan = " ".join(
                str(r) for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params)
            )
            assert "SCAN" not in plan, (sql, plan)

"""The reads and folds a tick makes on its fast paths give what the general ones give."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import text

import vapor_tui.store.job_list as job_list
from vapor_tui.core.config import JobConfig
from vapor_tui.core.simulator import Simulator
from vapor_tui.core.status import Action
from vapor_tui.store.catchup import catch_up
from vapor_tui.store.jobs import apply_action, create_job, delete_job, jobs_version, list_jobs


def test_the_job_list_reads_again_only_the_rows_that_changed(store, fake_clock, monkeypatch):
    for i in range(6):
        create_job(store, JobConfig(f"j{i}", step_seconds=30.0, seed=i), start=i < 2)
    version, jobs = job_list.jobs_since(store, None)
    assert jobs == list_jobs(store) and version == jobs_version(store)
    jobs = tuple(jobs)  # as the app holds it
    converted = []
    original = job_list.read_rows
    monkeypatch.setattr(
        job_list, "read_rows", lambda rows: converted.extend(r.id for r in rows) or original(rows)
    )
    assert job_list.jobs_since(store, jobs) == (version, list(jobs))
    assert converted == []
    fake_clock.advance(50.0)  # longer than the longest first step (1.6 x 30 s)
    catch_up(store)  # the two running jobs move on
    apply_action(store, 3, Action.START)
    delete_job(store, 6)
    version, again = job_list.jobs_since(store, jobs)
    assert sorted(converted) == [1, 2, 3]
    assert again == list_jobs(store) and version == jobs_version(store)
    unchanged = {j.id for j in jobs} & {j.id for j in again} - {1, 2, 3}
    assert all(
        next(j for j in again if j.id == i) is next(j for j in jobs if j.id == i) for i in unchanged
    )


def test_a_row_that_cannot_be_read_is_left_out_and_named_as_the_full_list_does(store):
    for i in range(3):
        create_job(store, JobConfig(f"r{i}", seed=i))
    _, jobs = job_list.jobs_since(store, None)
    with store.write() as conn:
        conn.execute(text("UPDATE jobs SET status = 'bogus', version = version + 1 WHERE id = 2"))
    version, again = job_list.jobs_since(store, tuple(jobs))
    full = list_jobs(store)
    assert [j.id for j in again] == [j.id for j in full] == [3, 1]
    assert again.problem() == full.problem() and "#2" in again.problem()
    assert version == jobs_version(store)


@pytest.mark.parametrize("total", [7, 300, 1000, 1_000_000])
def test_the_few_points_fold_matches_numpys(total, monkeypatch):
    """A tick's batch (a point or two a series) is folded in plain Python; longer ones by
    numpy: the same buckets, counts, minima and maxima, and sums to the last bit or so."""
    from vapor_tui.core import series_summary
    from vapor_tui.core.series import SeriesPoints

    sim = Simulator(JobConfig("s", epochs=1, steps_per_epoch=1000, seed=3))
    width = series_summary.width_for(total, 0)
    few_limit = series_summary._FEW
    for first in range(1, 900, 37):
        for count in range(1, few_limit + 1):
            points = sim.points(first, first + count - 1)
            for values in (points.loss, np.where(points.step % 3 == 0, np.nan, points.accuracy)):
                s = SeriesPoints(points.step, values, points.timestamp)
                few = series_summary.fold(s, width)
                monkeypatch.setattr(series_summary, "_FEW", 0)
                general = series_summary.fold(s, width)
                monkeypatch.setattr(series_summary, "_FEW", few_limit)
                assert len(few) == len(general)
                for a, b in zip(few, general, strict=True):
                    assert a[:6] == b[:6] and a[7:] == b[7:]  # all but the sum exactly
                    np.testing.assert_allclose(a[6], b[6], rtol=1e-15)

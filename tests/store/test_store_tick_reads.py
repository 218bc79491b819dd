"""The reads and folds a tick makes on its fast paths give what the general ones give."""

from __future__ import annotations

import numpy as np
import pytest

import vapor_tui.core.buckets as summary
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
    assert jobs == tuple(list_jobs(store)) and version == jobs_version(store)
    converted = []
    original = job_list.job_from_row
    monkeypatch.setattr(
        job_list, "job_from_row", lambda row: converted.append(row.id) or original(row)
    )
    assert job_list.jobs_since(store, jobs) == (version, jobs)
    assert converted == []
    fake_clock.advance(50.0)  # longer than the longest first step (1.6 x 30 s)
    catch_up(store)  # the two running jobs move on
    apply_action(store, 3, Action.START)
    delete_job(store, 6)
    version, again = job_list.jobs_since(store, jobs)
    assert sorted(converted) == [1, 2, 3]
    assert again == tuple(list_jobs(store)) and version == jobs_version(store)
    unchanged = {j.id for j in jobs} & {j.id for j in again} - {1, 2, 3}
    assert all(
        next(j for j in again if j.id == i) is next(j for j in jobs if j.id == i) for i in unchanged
    )


@pytest.mark.parametrize("total", [7, 300, 1000, 1_000_000])
def test_the_few_points_fold_matches_numpys(total):
    sim = Simulator(JobConfig("s", epochs=1, steps_per_epoch=1000, seed=3))
    for first in range(1, 900, 37):
        for count in range(1, summary.FEW + 1):
            points = sim.points(first, first + count - 1)
            few = list(summary.summarise(points, total))
            summary_many = summary.FEW
            try:
                summary.FEW = 0
                general = list(summary.summarise(points, total))
            finally:
                summary.FEW = summary_many
            assert len(few) == len(general)
            for a, b in zip(few, general, strict=True):
                assert a[:4] == b[:4]  # bucket, count, first and last step
                sums = slice(6, None, 3)
                exact = [v for i, v in enumerate(a[4:]) if i % 3 != 2]
                assert exact == [v for i, v in enumerate(b[4:]) if i % 3 != 2]
                np.testing.assert_allclose(a[sums], b[sums], rtol=1e-15)

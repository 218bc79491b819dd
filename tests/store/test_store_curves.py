"""What the compare screen and `vapor-tui compare` read of a job's metrics: from named series
(a real run's any names, NaN among them) and from the simulator's points, the same values the
points hold, at a cost that does not grow with the job's length."""

from __future__ import annotations

import math

import numpy as np

from tests.store.test_store_runs import make_run
from vapor_tui.core.series import SeriesPoints
from vapor_tui.live.uptonow import bring_up_to_now
from vapor_tui.store.curves import metric_names, read_curve_base, read_curve_points, read_stats
from vapor_tui.store.jobs import create_job, get_job
from vapor_tui.store.points import read_points
from vapor_tui.store.series import write_points


def run_with_series(store, steps: int = 5000) -> tuple[int, dict[str, SeriesPoints]]:
    job_id = make_run(store)
    step = np.arange(1, steps + 1)
    rng = np.random.default_rng(3)
    loss = 2.0 / np.sqrt(step) + rng.normal(0, 0.01, steps)
    loss[1000] = math.nan  # a NaN never becomes the best, nor poisons a bucket
    ts = 1_700_000_000 + step * 0.5
    ts[2000:] += 47.0  # a 47-second stall before step 2001
    batch = {
        "loss": SeriesPoints(step, loss, ts),
        "eval/accuracy": SeriesPoints(step[::500], np.linspace(0.5, 0.9, 10), ts[::500]),
        "learning_rate": SeriesPoints(step, np.full(steps, 2e-4), ts),
    }
    with store.write() as conn:
        write_points(conn, {job_id: batch})
    return job_id, batch


def test_a_runs_series_latest_and_best_with_their_steps(store):
    job_id, batch = run_with_series(store)
    with store.read() as conn:
        assert metric_names(conn, job_id) == ("loss", "eval/accuracy", "learning_rate")
        stats = read_stats(conn, job_id)
    loss = batch["loss"].value
    best = int(np.nanargmin(loss))
    assert stats["loss"].best == loss[best] and stats["loss"].best_step == best + 1
    assert stats["loss"].latest == loss[-1] and stats["loss"].latest_step == 5000
    acc = stats["eval/accuracy"]
    assert (acc.best, acc.best_step) == (0.9, 4501)  # higher is better
    assert stats["learning_rate"].best is None and stats["learning_rate"].latest == 2e-4


def test_a_curve_base_holds_the_summary_and_the_times_at_its_edges(store):
    job_id, batch = run_with_series(store)
    with store.read() as conn:
        base = read_curve_base(conn, job_id, "loss")
        newer = read_curve_points(conn, job_id, "loss", 4990)
    assert base.last_step == 5000 and len(base.n) <= 1024
    assert int(base.n.sum()) == 4999  # the NaN is not among the finite values
    assert base.stats.best_step == int(np.nanargmin(batch["loss"].value)) + 1
    times = dict(zip(base.time_step.tolist(), base.time_at.tolist(), strict=True))
    assert times[2001] - times[2000] == 47.5  # the stall shows on a time axis
    assert newer.step.tolist() == list(range(4991, 5001))
    with store.read() as conn:
        missing = read_curve_base(conn, job_id, "nope")
    assert missing.last_step == 0 and not len(missing.n) and "loss" in missing.names


def test_a_simulated_job_reads_the_same_values_as_its_points(store, helpers, fake_clock):
    job = create_job(store, helpers.small_config("sim"), start=True)
    fake_clock.advance(30)
    bring_up_to_now(store)
    points = read_points(store, job.id)
    with store.read() as conn:
        names = metric_names(conn, job.id)
        stats = read_stats(conn, job.id)
        base = read_curve_base(conn, job.id, "loss")
    assert names[0] == "loss" and "accuracy" in names
    best = int(np.argmin(points.loss))
    assert stats["loss"].best == points.loss[best]
    assert stats["loss"].best_step == int(points.step[best])
    assert stats["loss"].latest_step == get_job(store, job.id).steps_done
    assert base.last_step == points.last_step and int(base.n.sum()) == len(points)

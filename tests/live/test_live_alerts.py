"""A NaN or an infinity in a series is announced once per (job, series), with its step: as it
first appears while the app watches, not on every tick, not again when a screen or the app is
opened again, and for any series (a followed job's) or any job's loss (from the job list)."""

from __future__ import annotations

from tests.store.test_store_runs import make_run  # another machine's run: left alone
from vapor_tui.core.series import SeriesPoints
from vapor_tui.live.session import Live
from vapor_tui.live.tick import TickResult, run_tick
from vapor_tui.store.series import write_points

NAN, INF = float("nan"), float("inf")


def log(store, job_id: int, **series: tuple[list[int], list[float]]) -> None:
    batch = {name: SeriesPoints(steps, values, steps) for name, (steps, values) in series.items()}
    with store.write() as conn:
        write_points(conn, {job_id: batch})


def tick(live: Live, store, shown=()):
    result = run_tick(store, live.request())
    assert isinstance(result, TickResult), result
    return live.accept_tick(result, set(shown)).alerts


def test_a_nan_or_inf_in_a_followed_series_is_said_once_with_its_step(store):
    job_id = make_run(store)
    log(store, job_id, loss=([1, 2], [1.0, 0.9]), grad_norm=([1, 2], [1.0, 1.1]))
    live = Live()
    live.follow(job_id)
    assert tick(live, store, [job_id]) == ()
    log(store, job_id, loss=([3, 4, 5], [0.8, NAN, NAN]), grad_norm=([3, 4], [INF, 2.0]))
    assert sorted(tick(live, store, [job_id])) == [
        "#1 sft-lfm2: grad_norm is inf at step 3",
        "#1 sft-lfm2: loss is NaN at step 4",
    ]
    log(store, job_id, loss=([6], [NAN]), grad_norm=([5], [-INF]))
    assert tick(live, store, [job_id]) == ()  # said once: not on every tick
    live.unfollow(job_id)
    live.follow(job_id)  # the detail screen opened again: what it holds is known
    assert tick(live, store, [job_id]) == ()
    log(store, job_id, **{"eval/loss": ([6], [-INF])})
    assert tick(live, store, [job_id]) == ("#1 sft-lfm2: eval/loss is -inf at step 6",)


def test_any_jobs_loss_turning_nan_is_said_from_the_job_list(store):
    job_id = make_run(store)
    log(store, job_id, loss=([1, 2], [1.0, 0.9]))
    live = Live()
    assert tick(live, store) == ()
    log(store, job_id, loss=([3], [NAN]))
    assert tick(live, store) == ("#1 sft-lfm2: loss is NaN at step 3",)
    log(store, job_id, loss=([4], [INF]))
    assert tick(live, store) == ()


def test_a_nan_there_before_the_app_opened_is_not_announced(store):
    job_id = make_run(store)
    log(store, job_id, loss=([1, 2], [1.0, NAN]), grad_norm=([1], [INF]))
    live = Live()
    live.follow(job_id)
    assert tick(live, store, [job_id]) == ()
    assert tick(live, store, [job_id]) == ()

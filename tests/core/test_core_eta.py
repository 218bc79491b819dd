"""ETA: an exponential moving average of step durations, and how it is shown."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vapor_tui.core.config import JobConfig
from vapor_tui.core.eta import (
    ALPHA,
    MIN_SAMPLES,
    durations_from_timestamps,
    ema_after_steps,
    eta_seconds,
    steps_per_second,
    training_durations,
    update_ema,
)
from vapor_tui.core.job import Job
from vapor_tui.core.status import JobStatus
from vapor_tui.present import text as present
from vapor_tui.present.shapes import job_summary


def loop_ema(previous: float | None, durations: list[float], alpha: float = ALPHA) -> float | None:
    ema = previous
    for d in durations:
        ema = d if ema is None else alpha * d + (1 - alpha) * ema
    return ema


durations_st = st.lists(st.floats(1e-6, 1e4), max_size=200)
previous_st = st.none() | st.floats(1e-6, 1e4)


@given(previous=previous_st, durations=durations_st)
def test_ema_matches_a_plain_loop(previous: float | None, durations: list[float]) -> None:
    got = update_ema(previous, np.array(durations))
    want = loop_ema(previous, durations)
    if want is None:
        assert got is None
    else:
        assert got == pytest.approx(want, rel=1e-9)


@settings(max_examples=30)
@given(previous=previous_st, durations=st.lists(st.floats(1e-3, 10.0), min_size=201, max_size=900))
def test_ema_of_a_long_batch_matches_the_loop(
    previous: float | None, durations: list[float]
) -> None:
    # Only the newest 200 steps are folded: everything older weighs under 1e-9 in the loop, so
    # the answers agree to 1e-9 of the largest value involved.
    scale = max([*durations, previous or 0.0])
    got, want = update_ema(previous, np.array(durations)), loop_ema(previous, durations)
    assert got == pytest.approx(want, abs=1e-9 * scale)


@given(
    previous=previous_st,
    batches=st.lists(st.lists(st.floats(1e-3, 10.0), max_size=50), max_size=8),
)
def test_ema_folded_in_batches_equals_one_fold(
    previous: float | None, batches: list[list[float]]
) -> None:
    ema = previous
    for batch in batches:
        ema = update_ema(ema, np.array(batch))
    want = loop_ema(previous, [d for b in batches for d in b])
    assert (ema is None) == (want is None)
    if want is not None:
        assert ema == pytest.approx(want, rel=1e-9)


def test_ema_examples() -> None:
    assert update_ema(None, np.array([])) is None
    assert update_ema(2.0, np.array([])) == 2.0
    assert update_ema(None, np.array([3.0])) == 3.0
    assert update_ema(1.0, np.array([2.0])) == pytest.approx(1.1)
    assert update_ema(1.0, np.array([2.0]), alpha=0.5) == pytest.approx(1.5)


def test_durations_from_timestamps() -> None:
    ts = np.array([10.0, 10.5, 11.25])
    assert durations_from_timestamps(ts, None).tolist() == [0.5, 0.75]
    assert durations_from_timestamps(ts, 9.0).tolist() == [1.0, 0.5, 0.75]


@pytest.mark.parametrize("samples", range(MIN_SAMPLES))
def test_no_estimate_before_min_samples(samples: int) -> None:
    assert eta_seconds(0.5, samples, 100) is None


def test_estimate_from_min_samples_on() -> None:
    assert MIN_SAMPLES == 5
    assert eta_seconds(0.5, MIN_SAMPLES, 100) == 50.0
    assert eta_seconds(0.5, 1000, 0) == 0.0
    assert eta_seconds(None, 1000, 100) is None
    assert eta_seconds(0.5, 1000, -1) is None


def test_steps_per_second() -> None:
    assert steps_per_second(0.25) == 4.0
    assert steps_per_second(None) is None
    assert steps_per_second(0.0) is None


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (None, "-"),
        (0.2, "a moment"),
        (1, "a second"),
        (59, "59 seconds"),
        (60, "a minute"),
        (120, "2 minutes"),
        (150, "2 minutes"),
        (3600, "an hour"),
        (7200, "2 hours"),
        (3 * 86400, "3 days"),
    ],
)
def test_format_eta_is_humanized(seconds: float | None, text: str) -> None:
    assert present.eta(seconds) == text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(None, "-"), (0, "0:00"), (59.6, "1:00"), (754, "12:34"), (3723, "1:02:03")],
)
def test_format_clock(seconds: float | None, text: str) -> None:
    assert present.clock(seconds) == text


T0 = datetime(2026, 1, 1, tzinfo=UTC)


def job(status: JobStatus, steps_done: int, ema: float | None, **kw) -> Job:
    cfg = JobConfig("eta", epochs=2, steps_per_epoch=50, seed=1)
    return Job(1, cfg, status, "", T0, steps_done=steps_done, ema_step_seconds=ema, **kw)


def test_job_eta_is_ema_times_steps_left() -> None:
    assert job(JobStatus.RUNNING, 40, 0.5).eta_seconds == pytest.approx(30.0)
    assert job(JobStatus.RUNNING, MIN_SAMPLES - 1, 0.5).eta_seconds is None
    # A stopping job only has until its stop step.
    assert job(JobStatus.STOPPING, 40, 0.5, stop_at_step=50).eta_seconds == pytest.approx(5.0)


@pytest.mark.parametrize(
    "status", [JobStatus.QUEUED, JobStatus.COMPLETE, JobStatus.FAILED, JobStatus.STOPPED]
)
def test_only_active_jobs_have_an_eta(status: JobStatus) -> None:
    assert job(status, 40, 0.5).eta_seconds is None


def test_job_summary_and_progress() -> None:
    j = job(
        JobStatus.RUNNING,
        50,
        0.5,
        started_at=T0 + timedelta(seconds=10),
        last_loss=1.25,
    )
    assert j.progress == 0.5
    assert j.epoch == 2  # epoch 1 is done: it is training epoch 2
    assert j.elapsed_seconds(T0 + timedelta(seconds=70)) == 60.0
    s = job_summary(j)
    assert list(s) == [
        "id",
        "name",
        "model",
        "status",
        "step",
        "total_steps",
        "progress",
        "epoch",
        "epochs",
        "loss",
        "eta_seconds",
        "created_at",
        "command",
        "cwd",
        "host",
        "pid",
        "supervisor_pid",
        "exit_code",
    ]
    assert s["eta_seconds"] == 25.0
    assert s["status"] == "running"
    assert job(JobStatus.QUEUED, 0, None).epoch == 0
    assert job(JobStatus.RUNNING, 0, None).epoch == 1
    assert job(JobStatus.COMPLETE, 100, 0.5).epoch == 2


@settings(max_examples=300, deadline=None)
@given(
    previous=st.one_of(st.none(), st.floats(0.01, 100.0)),
    steps=st.lists(st.tuples(st.floats(0.0, 10.0), st.booleans()), min_size=0, max_size=4),
)
def test_a_ticks_steps_fold_into_the_ema_as_numpy_folds_them(previous, steps) -> None:
    """The plain-Python fold of a tick's step or two (issue 14) gives the same number, bit for
    bit, as update_ema over training_durations, validation steps left out."""
    before = 1_000.0
    timestamps = before + np.cumsum([gap for gap, _ in steps])
    val_loss = np.array([1.5 if validation else np.nan for _, validation in steps])
    expected = update_ema(previous, training_durations(timestamps, val_loss, before))
    assert ema_after_steps(previous, timestamps, val_loss, before) == expected

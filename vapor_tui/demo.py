"""A realistic set of jobs to look at: one of each state, two running at different points."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from vapor_tui.core.clock import Clock, FakeClock
from vapor_tui.core.config import Curve, JobConfig, Schedule
from vapor_tui.core.job import Job
from vapor_tui.core.status import Action
from vapor_tui.store.catchup import catch_up
from vapor_tui.store.engine import Store
from vapor_tui.store.jobs import apply_action, create_job


@dataclass(frozen=True)
class DemoJob:
    config: JobConfig
    # (seconds before now, action) in order; created at the first moment.
    created_ago: float
    actions: tuple[tuple[float, Action], ...] = ()


def demo_jobs() -> list[DemoJob]:
    return [
        DemoJob(
            JobConfig(
                "alpaca-sft",
                "LFM2-350M",
                3,
                100,
                2e-4,
                16,
                Schedule.COSINE,
                Curve.EXPONENTIAL,
                seed=11,
                step_seconds=0.3,
            ),
            1500,
            ((1400, Action.START),),
        ),
        DemoJob(
            JobConfig(
                "lr-sweep-3e-3",
                "LFM2-350M",
                3,
                100,
                3e-3,
                8,
                Schedule.CONSTANT,
                Curve.EXPONENTIAL,
                seed=12,
                step_seconds=0.4,
            ),
            1300,
            ((1250, Action.START), (1160, Action.FAIL)),
        ),
        DemoJob(
            JobConfig(
                "dpo-preference",
                "LFM2-700M",
                4,
                120,
                5e-5,
                8,
                Schedule.COSINE,
                Curve.POWER_LAW,
                seed=13,
                step_seconds=0.4,
            ),
            1100,
            ((1050, Action.START), (1000, Action.STOP)),
        ),
        DemoJob(
            JobConfig(
                "chat-1.2b",
                "LFM2-1.2B",
                5,
                200,
                1e-4,
                32,
                Schedule.COSINE,
                Curve.POWER_LAW,
                seed=14,
                step_seconds=0.6,
            ),
            400,
            ((380, Action.START),),
        ),
        DemoJob(
            JobConfig(
                "code-700m",
                "LFM2-700M",
                3,
                300,
                2e-4,
                16,
                Schedule.COSINE,
                Curve.EXPONENTIAL,
                seed=15,
                step_seconds=0.5,
            ),
            70,
            ((60, Action.START),),
        ),
        DemoJob(
            JobConfig(
                "long-context",
                "LFM2-1.2B",
                2,
                500,
                1e-4,
                4,
                Schedule.COSINE,
                Curve.EXPONENTIAL,
                seed=16,
                step_seconds=0.8,
            ),
            20,
        ),
    ]


def fill_demo(store: Store) -> list[Job]:
    """Add the demo jobs as if they had been created and driven over the last half hour."""
    real: Clock = store.clock
    now = real.now()
    past = FakeClock(now)
    store.clock = past
    made = []
    try:
        for spec in demo_jobs():
            past.set(now - timedelta(seconds=spec.created_ago))
            job = create_job(store, spec.config)
            for ago, action in spec.actions:
                past.set(now - timedelta(seconds=ago))
                apply_action(store, job.id, action)
            made.append(job.id)
    finally:
        store.clock = real
    catch_up(store, now)
    from vapor_tui.store.jobs import get_job

    return [get_job(store, i) for i in made]

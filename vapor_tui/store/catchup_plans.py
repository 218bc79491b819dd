"""Which active jobs have anything due, at a cost that follows the jobs that do.

A tick asks every running job whether a step finished since the last one. The answer is a
pure function of the job's row (its configuration, status, steps done, start and stop step)
and the time, so it is kept per job with the time before which nothing can be due: the
finish time of its next step. Until then a tick looks at the row and moves on, with no
simulator built and no search run. The simulator of a configuration is built once.

The memo is keyed by the row's content, never by a version number or by which database it
came from, so a row changed by another process (or another file with the same job id) is
simply planned again.
"""

from __future__ import annotations

import math
from typing import NamedTuple

from vapor_tui.core import catchup as planner
from vapor_tui.core.simulator import Simulator
from vapor_tui.core.status import JobStatus

from .convert import config_from_row, job_from_row

MEMO_JOBS = 4096  # jobs remembered; past that the memo starts again


class _Memo(NamedTuple):
    inputs: tuple  # what the plan is a function of, besides the time
    quiet_for: float  # seconds after the start before which nothing is due
    now_s: float  # the time `plan` was made for
    plan: planner.Plan
    sim: Simulator


_memo: dict[int, _Memo] = {}
_simulators: dict[tuple, Simulator] = {}


def _config_key(row) -> tuple:
    return (
        row.name,
        row.model,
        row.epochs,
        row.steps_per_epoch,
        row.learning_rate,
        row.batch_size,
        row.schedule,
        row.curve,
        row.seed,
        row.step_seconds,
    )


def simulator_for(row) -> Simulator:
    """The job's simulator, built once per configuration."""
    key = _config_key(row)
    sim = _simulators.get(key)
    if sim is None:
        if len(_simulators) >= MEMO_JOBS:
            _simulators.clear()
        sim = _simulators[key] = Simulator(config_from_row(row))
    return sim


def _inputs(row) -> tuple:
    return (row.status, row.steps_done, row.started_at, row.stop_at_step, _config_key(row))


def _make(row, inputs: tuple, now_s: float) -> _Memo:
    try:
        sim = simulator_for(row)
        status = JobStatus(row.status)
    except (ValueError, TypeError, OverflowError):
        job_from_row(row)  # raises UnreadableJob, saying what cannot be read
        raise
    plan = planner.plan(sim, status, row.steps_done, row.started_at, row.stop_at_step, now_s)
    if plan.changes_anything:
        quiet_for = -math.inf
    elif not status.is_active:
        quiet_for = math.inf
    else:
        # Nothing is due until the next step finishes; an end comes only with a step.
        quiet_for = float(sim.time_at(row.steps_done + 1))
    memo = _Memo(inputs, quiet_for, now_s, plan, sim)
    if len(_memo) >= MEMO_JOBS:
        _memo.clear()
    _memo[row.id] = memo
    return memo


def is_due(row, now_s: float) -> bool:
    """Whether bringing the job to `now_s` would change anything (a step or its end)."""
    inputs = _inputs(row)
    memo = _memo.get(row.id)
    if memo is not None and memo.inputs == inputs:
        # The same comparison as the plan's search makes: elapsed against a finish time.
        if now_s - row.started_at < memo.quiet_for:
            return False
        if memo.now_s == now_s:
            return memo.plan.changes_anything
    return _make(row, inputs, now_s).plan.changes_anything


def plan_row(row, now_s: float) -> tuple[Simulator, planner.Plan]:
    """The job's simulator and what bringing it to `now_s` means (reused from `is_due`)."""
    inputs = _inputs(row)
    memo = _memo.get(row.id)
    if memo is None or memo.inputs != inputs or memo.now_s != now_s:
        memo = _make(row, inputs, now_s)
    return memo.sim, memo.plan

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

import bisect
import math
import operator
from collections.abc import Callable
from typing import Any, NamedTuple

from vapor_tui.core import catchup as planner
from vapor_tui.core.simulator import Simulator
from vapor_tui.core.status import JobStatus

from .convert import UnreadableJob, config_from_row, config_key, job_from_row

MEMO_JOBS = 4096  # jobs remembered; past that the memo starts again
AHEAD_STEPS = 64  # the finish times of a job's next steps worked out at once
_LOOKED_UP = (JobStatus.RUNNING, JobStatus.STOPPING)


class _Memo(NamedTuple):
    inputs: tuple  # what the plan is a function of, besides the time
    quiet_for: float  # seconds after the start before which nothing is due
    now_s: float  # the time `plan` was made for
    plan: planner.Plan
    sim: Simulator


_memo: dict[int, _Memo] = {}
_simulators: dict[tuple, Simulator] = {}


def simulator_for(row) -> Simulator:
    """The job's simulator, built once per configuration."""
    key = config_key(row)
    sim = _simulators.get(key)
    if sim is None:
        if len(_simulators) >= MEMO_JOBS:
            _simulators.clear()
        sim = _simulators[key] = Simulator(config_from_row(row))
    return sim


def _inputs(row) -> tuple:
    return (row.status, row.steps_done, row.started_at, row.stop_at_step, config_key(row))


class _Ahead(NamedTuple):
    """The finish times of a job's next steps, from `first` on: a tick plans from these by a
    look-up, where a search would compute the times of its window again at every step."""

    key: tuple  # (status, started_at, stop_at_step, configuration): what the times depend on
    first: int
    times: list[float]  # seconds after the start at which steps first, first + 1... finish


_ahead: dict[int, _Ahead] = {}


def _window(row, sim: Simulator, key: tuple, first: int) -> _Ahead:
    import numpy as np

    last = min(sim.total, first + AHEAD_STEPS - 1)
    times = sim.time_at(np.arange(first, last + 1, dtype=np.int64))
    ahead = _Ahead(key, first, [float(t) for t in np.atleast_1d(times)])
    if len(_ahead) >= MEMO_JOBS:
        _ahead.clear()
    _ahead[row.id] = ahead
    return ahead


def _looked_up(row, sim: Simulator, status: JobStatus, now_s: float) -> planner.Plan | None:
    """The plan, from the finish times held for the job, when they cover it and it does not
    end the job (else None: planner.plan decides)."""
    done = row.steps_done
    if status not in _LOOKED_UP or done >= sim.total:
        return None
    key = (row.status, row.started_at, row.stop_at_step, config_key(row))
    ahead = _ahead.get(row.id)
    offset = done + 1 - ahead.first if ahead is not None else -1
    if ahead is None or ahead.key != key or not 0 <= offset < len(ahead.times) - 1:
        ahead, offset = _window(row, sim, key, done + 1), 0
    times = ahead.times
    # Steps are due while they finish by now: the plan's comparison, elapsed against a time.
    count = bisect.bisect_right(times, now_s - row.started_at, offset) - offset
    limit = sim.total - 1  # the last step ends the job: planner.plan words that
    if status is JobStatus.STOPPING and row.stop_at_step is not None:
        limit = min(limit, row.stop_at_step - 1)
    if offset + count >= len(times) or done + count > limit:
        return None  # past the times held, or an end
    return planner.Plan(done + 1, done + count, None, None, None)


def _make(row, inputs: tuple, now_s: float) -> _Memo:
    try:
        sim = simulator_for(row)
        status = JobStatus(row.status)
    except (ValueError, TypeError, OverflowError):
        job_from_row(row)  # raises UnreadableJob, saying what cannot be read
        raise
    plan = _looked_up(row, sim, status, now_s)
    if plan is None:
        plan = planner.plan(sim, status, row.steps_done, row.started_at, row.stop_at_step, now_s)
    if plan.changes_anything:
        quiet_for = -math.inf
    elif not status.is_active:
        quiet_for = math.inf
    else:
        # Nothing is due until the next step finishes; an end comes only with a step.
        ahead = _ahead.get(row.id)
        offset = row.steps_done + 1 - ahead.first if ahead is not None else -1
        if ahead is not None and 0 <= offset < len(ahead.times):
            quiet_for = ahead.times[offset]
        else:
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


# The columns a catch-up moves on a running job's row, which job_from_row takes as they are:
# a row found readable stays so whatever they hold, and is not converted again at each tick.
_PASSED = {"steps_done", "ema_step_seconds", "last_timestamp", "best_loss", "last_loss"}
_PASSED |= {"last_val_loss", "version", "data_version"}
_READABLE_KEPT = 4096
_readable_rows: dict[int, tuple] = {}  # job id -> the rest of the row, found readable
_checked: dict[tuple[str, ...], Callable[[Any], tuple]] = {}


def readable(row) -> bool:
    """Whether job_from_row reads the row, from what it was for the job's last row."""
    rest = _checked.get(row._fields)
    if rest is None:
        kept = [i for i, name in enumerate(row._fields) if name not in _PASSED]
        rest = _checked[row._fields] = operator.itemgetter(*kept)
    key = rest(row)
    if _readable_rows.get(row.id) == key:
        return True
    try:
        job_from_row(row)
    except UnreadableJob:
        return False
    if len(_readable_rows) >= _READABLE_KEPT:
        _readable_rows.clear()
    _readable_rows[row.id] = key
    return True

"""What bringing a job up to a moment means, with no database in sight.

The store asks `plan` for each running or stopping job and writes what it says in one
transaction. Because the simulator is a pure function of (configuration, seed, step), any
number of processes may plan the same job: they all agree on every number.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime

from .clock import from_epoch
from .job import Job
from .simulator import Simulator
from .status import Action, JobStatus, reason_for, stop_step


@dataclass(frozen=True, slots=True)
class Plan:
    first_step: int  # first step to write (steps_done + 1)
    last_step: int  # last step to write; < first_step means none
    end_action: Action | None  # COMPLETE, STOP (stopping reached its epoch end) or None
    end_status: JobStatus | None
    finished_at: float | None  # epoch seconds of the last step when the job ends
    reason: str = ""

    @property
    def count(self) -> int:
        return max(0, self.last_step - self.first_step + 1)

    @property
    def changes_anything(self) -> bool:
        return self.count > 0 or self.end_status is not None


def plan(
    sim: Simulator,
    status: JobStatus,
    steps_done: int,
    started_at: float,
    stop_at_step: int | None,
    now: float,
) -> Plan:
    """Steps due by `now` and the status the job ends in, if it ends."""
    if not status.is_active:
        return Plan(steps_done + 1, steps_done, None, None, None)
    target = sim.steps_done_by(now - started_at)
    limit = sim.total
    if status is JobStatus.STOPPING and stop_at_step is not None:
        limit = min(limit, stop_at_step)
    target = max(steps_done, min(target, limit))
    end_action = None
    if target >= sim.total:
        end_action = Action.COMPLETE
    elif status is JobStatus.STOPPING and target >= limit:
        end_action = Action.STOP
    if end_action is None:
        return Plan(steps_done + 1, target, None, None, None)
    end_status = JobStatus.COMPLETE if end_action is Action.COMPLETE else JobStatus.STOPPED
    reason = reason_for(status, end_action)
    if end_action is Action.STOP:
        reason = f"stopped by user at the end of epoch {math.ceil(target / sim.spe)}"
    return Plan(
        steps_done + 1,
        target,
        end_action,
        end_status,
        started_at + float(sim.time_at(target)),
        reason,
    )


def project(job: Job, now: datetime, chunk: int = 200_000) -> Job:
    """The job as it is at `now`, computed from the clock and the simulator, with nothing
    written: what the store's catch-up would make of it (the same steps, loss, best, ETA and
    end), for showing a job before a long catch-up has written its points."""
    if not job.status.is_active or job.started_at is None or job.config is None:
        return job  # a run or a command: its points come from its process, not the clock
    from .eta import training_durations, update_ema
    from .simulator import Simulator

    sim = Simulator(job.config)
    started = job.started_at.timestamp()
    step = plan(sim, job.status, job.steps_done, started, job.stop_at_step, now.timestamp())
    if not step.changes_anything:
        return job
    ema, last_ts = job.ema_step_seconds, job.last_timestamp or started
    best, last_loss, last_val = job.best_loss, job.last_loss, job.last_val_loss
    for first in range(step.first_step, step.last_step + 1, chunk):
        points = sim.points(first, min(step.last_step, first + chunk - 1), started)
        ema = update_ema(ema, training_durations(points.timestamp, points.val_loss, last_ts))
        last_ts = float(points.timestamp[-1])
        low = float(points.loss.min())
        best = low if best is None else min(best, low)
        last_loss = float(points.loss[-1])
        _, vals = points.validation()
        if len(vals):
            last_val = float(vals[-1])
    projected = replace(
        job,
        steps_done=max(job.steps_done, step.last_step),
        ema_step_seconds=ema,
        last_timestamp=last_ts if step.count else job.last_timestamp,
        best_loss=best,
        last_loss=last_loss,
        last_val_loss=last_val,
    )
    if step.end_status is None or step.finished_at is None:
        return projected
    return replace(
        projected,
        status=step.end_status,
        reason=step.reason,
        finished_at=from_epoch(step.finished_at),
    )


__all__ = ["Plan", "plan", "project", "stop_step"]

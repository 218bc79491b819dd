"""What bringing a job up to a moment means, with no database in sight.

The store asks `plan` for each running or stopping job and writes what it says in one
transaction. Because the simulator is a pure function of (configuration, seed, step), any
number of processes may plan the same job: they all agree on every number.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .simulator import Simulator
from .status import Action, JobStatus, reason_for


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


def stop_step(steps_done: int, steps_per_epoch: int, total: int) -> int:
    """A graceful stop finishes the epoch in progress: the step it ends at."""
    return min(total, max(1, math.ceil(steps_done / steps_per_epoch)) * steps_per_epoch)


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

"""What a user action writes to a job's row: its new status, the reason, the times, where a
graceful stop ends, and what the job owes once it has ended. One definition for the store's
compare-and-set and its early path.

The action acts on the job as the clock has it at that moment, whatever its written points:
a running job whose last step is due is complete (and can no longer be stopped), a graceful
stop finishes the epoch the clock has reached, and a job stopped or failed before its due
points were written owes them, up to the step it ended at (the store writes the status first,
the points after: store/jobs.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .command_stop import SOURCE_COMMAND, command_action_values
from .job import SOURCE_API, Job
from .run_stop import run_action_values
from .status import Action, JobStatus, next_status, reason_for, stop_step

__all__ = ["Change", "change_at", "status_change", "stop_step"]


@dataclass(frozen=True, slots=True)
class Change:
    current: JobStatus  # the job's status as the clock has it at that moment
    values: dict[str, Any] | None  # the columns to set; None: `current` does not allow it
    owed_to: int = 0  # the step its points are owed up to, if it ends with fewer written


def change_at(job: Job, action: Action, now_s: float, reason: str | None = None) -> Change:
    """What `action` at `now_s` does to `job` (read in the transaction that writes it; its
    points may be behind the clock). The version is bumped by the caller."""
    if job.source == SOURCE_COMMAND:  # a launched command: the stop ladder's rungs
        ladder = command_action_values(job.status, job.stop_rung, action, now_s, reason)
        if ladder is not None:
            return Change(job.status, ladder)
    if job.source == SOURCE_API and job.status.is_active:  # a script's run: the ladder
        return Change(
            job.status, run_action_values(job.status, job.stop_rung, action, now_s, reason)
        )
    moved = job.status.is_active and job.started_at and job.is_simulated
    plan = _planner(job, now_s) if moved else None
    current, reached = job.status, job.steps_done
    if plan is not None:
        due = plan(job.status, job.stop_at_step)
        current, reached = due.end_status or job.status, max(job.steps_done, due.last_step)
    new_status = next_status(current, action)
    if new_status is None or action is Action.COMPLETE:
        return Change(current, None)
    values: dict[str, Any] = {
        "status": new_status.value,
        "reason": reason if reason is not None else reason_for(current, action),
    }
    if action is Action.START:
        values["started_at"] = now_s
    elif new_status is JobStatus.STOPPING and plan is not None:  # from running
        values["stop_at_step"] = stop_at = stop_step(
            reached, job.sim.steps_per_epoch, job.total_steps
        )
        settled = plan(new_status, stop_at)  # a stop right at an epoch's end ends it now
        if settled.end_status is not None:
            new_status = settled.end_status
            values.update(status=new_status.value, finished_at=settled.finished_at)
            values["reason"] = reason if reason is not None else settled.reason
    if not new_status.is_final:
        return Change(current, values)
    values.setdefault("finished_at", now_s)
    return Change(current, values, reached if reached > job.steps_done else 0)


def status_change(
    job: Job, action: Action, now_s: float, reason: str | None = None
) -> dict[str, Any] | None:
    """The columns `action` sets on `job`, or None where its status does not allow it."""
    return change_at(job, action, now_s, reason).values


def _planner(job: Job, now_s: float) -> Callable[[JobStatus, int | None], Any]:
    """plan(status, stop_at): the catch-up's plan for a job the clock moves, at `now_s`.
    (Imported here: the early path, for queued jobs, runs before numpy is loaded.)"""
    from .catchup import plan
    from .simulator import Simulator

    sim = Simulator(job.sim)
    assert job.started_at is not None
    started = job.started_at.timestamp()

    def at(status: JobStatus, stop_at: int | None) -> Any:
        return plan(sim, status, job.steps_done, started, stop_at, now_s)

    return at

"""What a user action writes to a job's row: its new status, the reason, the times, where a
graceful stop ends. One definition for the store's compare-and-set and its early path."""

from __future__ import annotations

import math
from typing import Any

from .job import Job
from .status import Action, JobStatus, next_status, reason_for


def stop_step(steps_done: int, steps_per_epoch: int, total: int) -> int:
    """A graceful stop finishes the epoch in progress: the step it ends at."""
    return min(total, max(1, math.ceil(steps_done / steps_per_epoch)) * steps_per_epoch)


def status_change(
    job: Job, action: Action, now_s: float, reason: str | None = None
) -> dict[str, Any] | None:
    """The columns `action` sets on `job` (read in the transaction that writes them), or None
    where the job's status does not allow it. The version is bumped by the caller."""
    new_status = next_status(job.status, action)
    if new_status is None or action is Action.COMPLETE:
        return None
    values: dict[str, Any] = {
        "status": new_status.value,
        "reason": reason if reason is not None else reason_for(job.status, action),
    }
    if action is Action.START:
        values["started_at"] = now_s
    elif new_status is JobStatus.STOPPING:
        values["stop_at_step"] = stop_step(
            job.steps_done, job.config.steps_per_epoch, job.total_steps
        )
    if new_status.is_final:
        values["finished_at"] = now_s
    return values

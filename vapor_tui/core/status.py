"""Job statuses, user actions and the transition table between them."""

from __future__ import annotations

import math
from enum import StrEnum


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    STOPPING = "stopping"
    COMPLETE = "complete"
    FAILED = "failed"
    STOPPED = "stopped"

    @property
    def is_final(self) -> bool:
        return self in FINAL_STATUSES

    @property
    def is_active(self) -> bool:
        """Producing points: the clock moves this job forward."""
        return self in (JobStatus.RUNNING, JobStatus.STOPPING)


FINAL_STATUSES = frozenset({JobStatus.COMPLETE, JobStatus.FAILED, JobStatus.STOPPED})


class Action(StrEnum):
    START = "start"
    STOP = "stop"
    FAIL = "fail"
    # Taken by the clock, never by a user: the last step was written.
    COMPLETE = "complete"


USER_ACTIONS = (Action.START, Action.STOP, Action.FAIL)

TRANSITIONS: dict[tuple[JobStatus, Action], JobStatus] = {
    (JobStatus.QUEUED, Action.START): JobStatus.RUNNING,
    (JobStatus.QUEUED, Action.STOP): JobStatus.STOPPED,
    (JobStatus.RUNNING, Action.STOP): JobStatus.STOPPING,
    (JobStatus.STOPPING, Action.STOP): JobStatus.STOPPED,
    (JobStatus.QUEUED, Action.FAIL): JobStatus.FAILED,
    (JobStatus.RUNNING, Action.FAIL): JobStatus.FAILED,
    (JobStatus.STOPPING, Action.FAIL): JobStatus.FAILED,
    (JobStatus.RUNNING, Action.COMPLETE): JobStatus.COMPLETE,
    (JobStatus.STOPPING, Action.COMPLETE): JobStatus.COMPLETE,
}

DEFAULT_REASONS: dict[tuple[JobStatus, Action], str] = {
    (JobStatus.QUEUED, Action.STOP): "stopped by user before it started",
    (JobStatus.RUNNING, Action.STOP): "stop requested: finishing the current epoch",
    (JobStatus.STOPPING, Action.STOP): "stopped by user",
    (JobStatus.QUEUED, Action.FAIL): "marked failed by user",
    (JobStatus.RUNNING, Action.FAIL): "marked failed by user",
    (JobStatus.STOPPING, Action.FAIL): "marked failed by user",
    (JobStatus.RUNNING, Action.COMPLETE): "finished all steps",
    (JobStatus.STOPPING, Action.COMPLETE): "finished all steps before the stop took effect",
}


class TransitionError(Exception):
    """An action the job's status does not allow. Nothing was changed."""

    def __init__(self, job_id: int, name: str, status: JobStatus, action: Action, why: str = ""):
        self.job_id = job_id
        self.name = name
        self.status = JobStatus(status)
        self.action = Action(action)
        self.why = why or explain_refusal(self.status, self.action)
        tail = f"; {why}" if why else self.why
        super().__init__(f"cannot {self.action} job #{job_id} {name}: it is {self.status}{tail}")


def next_status(status: JobStatus, action: Action) -> JobStatus | None:
    """The status `action` leads to from `status`, or None if it is not allowed."""
    return TRANSITIONS.get((JobStatus(status), Action(action)))


def conflicts(seen: JobStatus, now: JobStatus, action: Action) -> bool:
    """Whether `action`, asked for by someone who saw the job `seen`, must be refused because
    it is `now` something else. Not when the action does from `now` what it would have done
    from `seen`: a fail asked for on a running job that was stopped meanwhile still fails it
    (a stop and a fail do not conflict), while a second stop on a job that went from running
    to stopping would stop it at once, which is not what was asked."""
    if seen is now:
        return False
    meant = next_status(seen, action)
    return meant is None or next_status(now, action) is not meant


def explain_refusal(status: JobStatus, action: Action) -> str:
    """What follows "it is <status>" in a refusal."""
    if status.is_final:
        hint = " (clone it to run it again)" if action is Action.START else ""
        return f", which is final{hint}"
    if action is Action.START:
        return " (only a queued job can be started)"
    return f" ({action} is not possible from {status})"


def reason_for(status: JobStatus, action: Action) -> str:
    return DEFAULT_REASONS.get((JobStatus(status), Action(action)), "")


def stop_step(steps_done: int, steps_per_epoch: int, total: int) -> int:
    """A graceful stop finishes the epoch in progress: the step it ends at."""
    return min(total, max(1, math.ceil(steps_done / steps_per_epoch)) * steps_per_epoch)

"""Actions on runs of the logging API (a training script attached to its job), as the app and
the command line both carry them out: start refused with the reason (clone: the store); `x` again
("stop now") sends SIGINT to the script's process when it is on this machine and this user's,
and otherwise leaves the signal to the run's own writer thread (vapor_tui/run/writer.py)."""

from __future__ import annotations

import contextlib
import os
import signal
from typing import TYPE_CHECKING

from vapor_tui.core.job import SOURCE_API, Job
from vapor_tui.core.status import Action, JobStatus

if TYPE_CHECKING:
    from vapor_tui.store.engine import Store


__all__ = ["SOURCE_API", "run_action", "start_refusal"]


def start_refusal(job: Job) -> str | None:
    if job.source != SOURCE_API:
        return None
    return (
        f"cannot start job #{job.id} {job.name}: it is a run of a training script, which "
        "starts it; run the script to train again"
    )


def signal_here(job: Job) -> bool:
    """Whether this process may and can interrupt the run's process: the run's machine and
    user, and its process still the one that started the run."""
    from vapor_tui.core.process import host_name, is_running, user_name

    run = job.run
    if run is None or run.pid is None or run.host != host_name() or run.user_name != user_name():
        return False
    started = None if run.pid_started is None else int(run.pid_started)
    return is_running(run.pid, started)


def run_action(store: Store, job: Job, action: Action, seen: JobStatus | None) -> Job:
    """Carry out `action` on the run `job` (read just before): stop now sends SIGINT after
    the rung is recorded. Raises what apply_action raises."""
    from vapor_tui.core.run_stop import stop_now_reason
    from vapor_tui.store.jobs import apply_action

    run = job.run
    if run is None or action is not Action.STOP or job.status is not JobStatus.STOPPING:
        return apply_action(store, job.id, action, expected=seen)
    here = signal_here(job)
    reason = stop_now_reason(run.pid, run.host, here)
    acted = apply_action(store, job.id, action, reason=reason, expected=seen)
    if here and run.pid is not None:
        with contextlib.suppress(ProcessLookupError):  # ended meanwhile: the next look sees
            os.kill(run.pid, signal.SIGINT)
    return acted

"""Actions on runs of the logging API (a training script attached to its job), as the app and
the command line both carry them out: start refused with the reason (clone: the store); `x` again
("stop now") sends SIGINT to the script's process when it is on this machine and this user's,
and otherwise leaves the signal to the run's own writer thread (vapor_tui/run/writer.py)."""

from __future__ import annotations

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


def signal_here(job: Job) -> str | None:
    """None where this process may and can interrupt the run's process (the run's machine
    and user, its process still the one that started the run), else why not
    (core/run_stop.py: ELSEWHERE, OTHER_USER, NOT_HERE)."""
    from vapor_tui.core.process import host_name, is_running, user_name
    from vapor_tui.core.run_stop import ELSEWHERE, NOT_HERE, OTHER_USER

    run = job.run
    if run is None or run.pid is None or run.host != host_name():
        return ELSEWHERE
    if run.user_name != user_name():
        return OTHER_USER
    started = None if run.pid_started is None else int(run.pid_started)
    return None if is_running(run.pid, started) else NOT_HERE


def run_action(
    store: Store, job: Job, action: Action, seen: JobStatus | None, seen_rung: int | None = None
) -> Job:
    """Carry out `action` on the run `job` (read just before): stop now sends SIGINT after
    the rung is recorded (its reason saying so, so that the run's own thread sends none),
    and where the signal could not be sent after all, the reason is made to say what did
    happen. Raises what apply_action raises."""
    from vapor_tui.core.run_stop import ENDED, OTHER_USER, stop_now_reason
    from vapor_tui.store.jobs import apply_action
    from vapor_tui.store.runs import correct_stop_reason

    run = job.run
    if run is None or action is not Action.STOP or job.status is not JobStatus.STOPPING:
        return apply_action(store, job.id, action, expected=seen, expected_rung=seen_rung)
    why = signal_here(job)
    user = run.user_name or ""
    reason = stop_now_reason(run.pid, run.host, why is None, why or "", user)
    acted = apply_action(
        store, job.id, action, reason=reason, expected=seen, expected_rung=seen_rung
    )
    if why is None and run.pid is not None:
        try:
            os.kill(run.pid, signal.SIGINT)
        except OSError as exc:  # ended meanwhile, or not ours after all: say so
            why = ENDED if isinstance(exc, ProcessLookupError) else OTHER_USER
            truth = stop_now_reason(run.pid, run.host, False, why, user)
            acted = correct_stop_reason(store, job.id, reason, truth) or acted
    return acted

"""Bringing running jobs up to now before anything else, for the app's ticks and for every
command of the command line; and the status a command acts on."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from vapor_tui.core.job import Job
from vapor_tui.core.status import JobStatus

if TYPE_CHECKING:
    from vapor_tui.store.catchup import CatchUpResult
    from vapor_tui.store.engine import Store


def bring_up_to_now(store: Store, now: datetime | None = None) -> CatchUpResult:
    """Every due step of every running or stopping job written, jobs that ended by the clock
    ended, in whole transactions; and runs whose script died without finish() failed, with
    the reason (core/liveness.py)."""
    from vapor_tui.core.process import host_name, is_running
    from vapor_tui.store.catchup import catch_up
    from vapor_tui.store.runs import end_dead_runs
    from vapor_tui.supervise.start import end_lost_supervisors

    now = now or store.clock.now()
    end_dead_runs(store, now, host_name(), is_running)
    end_lost_supervisors(store, now.timestamp())
    return catch_up(store, now)


def status_now(job: Job, now: datetime) -> JobStatus:
    """The status `job` (as read, perhaps behind the clock) has at `now`: a running job whose
    last step is due is complete. What a command acts on must be read before the command writes
    anything, its own catch-up included: the write lock that catch-up waits for lets another
    command commit first, and reading after it acted on that command's result instead."""
    if not job.status.is_active or job.started_at is None or job.config is None:
        return job.status
    from vapor_tui.core.catchup import plan
    from vapor_tui.core.simulator import Simulator

    step = plan(
        Simulator(job.config),
        job.status,
        job.steps_done,
        job.started_at.timestamp(),
        job.stop_at_step,
        now.timestamp(),
    )
    return step.end_status or job.status

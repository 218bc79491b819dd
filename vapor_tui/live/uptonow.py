"""Bringing running jobs up to now before anything else, for the app's ticks and for every
command of the command line; and the status a command acts on."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from vapor_tui.core.job import Job
from vapor_tui.core.status import JobStatus

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from vapor_tui.store.catchup import CatchUpResult, Due
    from vapor_tui.store.engine import Store


def bring_up_to_now(store: Store, now: datetime | None = None) -> CatchUpResult:
    """Every due step of every running or stopping job written, jobs that ended by the clock
    ended, in whole transactions; and runs whose script died without finish() failed, with
    the reason (core/liveness.py)."""
    now_s = (now or store.clock.now()).timestamp()
    if store.readonly:
        return act(store, now_s, None)
    with store.read() as conn:
        seen = look(conn, now_s)
    return act(store, now_s, seen)


@dataclass(frozen=True, slots=True)
class Look:
    """What bringing jobs up to now has to do, as one read found it."""

    dead: list[tuple[Any, str]]  # runs whose process ended: (row, why)
    lost: list[tuple[Any, str]]  # commands whose supervisor is gone: (row, why)
    due: Due

    def __bool__(self) -> bool:
        return bool(self.dead or self.lost or self.due)


def look(conn: Connection, now_s: float) -> Look:
    """The look before any write, in the caller's read transaction: with nothing found, a tick
    writes nothing and reads the rest in the same transaction."""
    from vapor_tui.core.process import host_name, is_running
    from vapor_tui.store.catchup import look_due, looked_at_rows
    from vapor_tui.store.runs import dead_among
    from vapor_tui.supervise.start import lost_supervisors_among

    rows = looked_at_rows(conn)  # one statement for the three looks (issue 14)
    dead = dead_among(rows, now_s, host_name(), is_running)
    lost = lost_supervisors_among(rows, now_s)
    return Look(dead, lost, look_due(conn, now_s, rows=rows))


def act(
    store: Store,
    now_s: float,
    seen: Look | None,
    then: Callable[[Connection, Mapping[int, Any]], object] | None = None,
) -> CatchUpResult:
    """Write what `look` found, each in whole transactions of its own; `then` as in
    catch_up_due (called in the last one's transaction, when that leaves nothing due)."""
    from vapor_tui.store.catchup import CatchUpResult, catch_up_due
    from vapor_tui.store.runs import fail_dead_runs
    from vapor_tui.supervise.start import fail_lost_supervisors

    if seen is None or store.readonly:
        return CatchUpResult(0, (), ())
    fail_dead_runs(store, seen.dead, now_s)
    fail_lost_supervisors(store, seen.lost, now_s)
    return catch_up_due(store, now_s, seen.due, then=then)


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

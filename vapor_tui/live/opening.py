"""Opening the database for the app: a quick look first (the standard library only, so the first
frame needs neither SQLAlchemy nor numpy), then the store."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from vapor_tui.core.clock import Clock
from vapor_tui.core.job import Job
from vapor_tui.core.status import JobStatus

from .commands import Act, Acted, Outcome, Refused

if TYPE_CHECKING:
    from vapor_tui.core.buckets import ChartBase
    from vapor_tui.store.engine import Store


def peek(db: str | None, servers: bool = False) -> tuple[Job, ...] | None:
    """Every job as the file holds it now (not brought up to now), or None where there is
    nothing to look at quickly; opening the store says what is wrong, if anything. A server's
    only with `servers` (it waits on the network: not before the first frame)."""
    from vapor_tui.store.peek import peek_jobs
    from vapor_tui.store.sqlite_file import is_url, resolve_target

    if not servers and is_url(resolve_target(db)):
        return None
    jobs = peek_jobs(db)
    return None if jobs is None else tuple(jobs)


def peek_chart(db: str | None, job_id: int) -> ChartBase | None:
    """On a server: the job's first chart, read on the connection the quick look kept, before
    the store (SQLAlchemy) is imported; None elsewhere, or at any doubt (the store's first tick
    reads it then). A SQLite file's chart waits for the store's first tick."""
    from vapor_tui.store.sqlite_file import StoreError, is_url, resolve_target

    try:
        target = resolve_target(db)
    except StoreError:
        return None
    if not is_url(target):
        return None
    from vapor_tui.store.server_chart import peek_chart as read

    return read(target, job_id)


@dataclass(frozen=True)
class NotOpened:
    """Why the store could not be opened, in one line; `unreachable`: the server did not
    answer (it may later: restarting, the network gone)."""

    error: str
    unreachable: bool = False


def open_live(db: str | None, clock: Clock) -> Store | NotOpened:
    """The store, or why it cannot be opened."""
    from vapor_tui.store.engine import StoreError, StoreUnreachable, open_store

    try:
        return open_store(db, clock=clock)
    except StoreError as exc:
        return NotOpened(str(exc), isinstance(exc, StoreUnreachable))


def prepare_early() -> None:
    """Import what `early` needs (standard library and core only), so that a key pressed just
    after the first frame does not wait for these imports."""
    import vapor_tui.core.status
    import vapor_tui.store.early  # noqa: F401


def early(db: str | None, command: Act, clock: Clock) -> Outcome | None:
    """Carry out an action pressed while the store opens, if it is one that needs nothing of
    the store (a start, stop or fail of a job queued as the user saw it), straight in the file;
    None where it is not, and it waits for the store."""
    from vapor_tui.core.status import TransitionError
    from vapor_tui.store.early import act_on_queued

    if command.seen is not JobStatus.QUEUED:
        return None
    done = act_on_queued(db, command.job_id, command.action, clock.now().timestamp())
    if isinstance(done, TransitionError):
        return Refused(command, str(done))
    return None if done is None else Acted(command, done)

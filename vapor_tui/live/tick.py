"""What one tick asks of the store, and the worker-side function that answers it.

A tick brings running jobs up to now, then reads only what changed: the rows of the jobs whose
version moved (the store's jobs version says whether any did), and for each job a screen
follows either its chart summary (the first time) or the points after the last step the
screen holds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from vapor_tui.core.job import Job
from vapor_tui.core.output import OutputLine

from .curves import CurveFollow, CurveRead

if TYPE_CHECKING:  # numpy: not needed to paint the first frame
    from sqlalchemy import Connection

    from vapor_tui.core.buckets import ChartBase
    from vapor_tui.core.series import Batch
    from vapor_tui.store.engine import Store


OUTPUT_FIRST_READ = 2_000  # the lines a detail screen reads of a command's output when it opens


@dataclass(frozen=True, slots=True)
class JobsVersion:
    """Changes whenever any job changes, is added or removed."""

    count: int
    max_id: int
    versions: int


@dataclass(frozen=True, slots=True)
class Follow:
    """A screen follows a job's points: what it holds so far. `token` tells one screen's request
    from the next one's for the same job (a detail screen closed and opened again)."""

    job_id: int
    token: int
    has_base: bool = False
    # (series name, the last step of it the screen holds): newer points are read after it.
    held: tuple[tuple[str, int], ...] = ()
    # A launched command's output: the last rev of it the screen holds; None: not read.
    output_rev: int | None = None


@dataclass(frozen=True, slots=True)
class TickRequest:
    follows: tuple[Follow, ...] = ()
    known: JobsVersion | None = None  # the version of the job list the app holds
    jobs: tuple[Job, ...] = ()  # that list, handed back as it is when nothing changed
    curves: tuple[CurveFollow, ...] = ()  # what the compare screen follows


@dataclass(frozen=True, slots=True)
class Followed:
    """What a tick read for one follow request: the chart summary, or the newer points of each
    series that has any (a series new since the summary among them)."""

    follow: Follow
    base: ChartBase | None = None
    points: Batch | None = None
    output: tuple[OutputLine, ...] | None = None  # its lines written or changed since


@dataclass(frozen=True, slots=True)
class TickResult:
    jobs: tuple[Job, ...]  # newest first
    now: datetime
    version: JobsVersion
    jobs_changed: bool
    followed: tuple[Followed, ...] = ()
    # Why running jobs could not be brought up to now (a full disk): the rest was read.
    problem: str | None = None
    # Job rows that could not be read and are left out, in one line (when the list was read).
    unreadable: str | None = None
    curves: tuple[CurveRead, ...] = ()


@dataclass(frozen=True, slots=True)
class TickTrouble:
    """The store could not be brought up to now or read (a full disk, say); the message says
    what. The app keeps running and tries again on the next tick."""

    error: str
    unreachable: bool = False  # the server does not answer (restarting, the network gone)


@dataclass(frozen=True)
class Snapshot:
    """What the screens show: every job (newest first), the time, and for the jobs a visible
    screen follows, its chart summary or its new points."""

    jobs: tuple[Job, ...]
    now: datetime
    points: Mapping[int, Batch] = field(default_factory=dict)
    jobs_changed: bool = True
    bases: Mapping[int, ChartBase] = field(default_factory=dict)
    output: Mapping[int, tuple[OutputLine, ...]] = field(default_factory=dict)
    curves: Mapping[int, CurveRead] = field(default_factory=dict)  # job id -> its curve read

    def job(self, job_id: int) -> Job | None:
        for job in self.jobs:
            if job.id == job_id:
                return job
        return None


def run_tick(store: Store, request: TickRequest) -> TickResult | TickTrouble:
    """Bring running jobs up to now, then read what the request needs. Runs on a worker thread,
    with everything it needs as arguments.

    One read transaction looks for anything due and, when nothing is (the usual tick of jobs
    whose next step is in the future), reads the rest in the same transaction. When something
    is due it is written first, and the rest read after it, so a screen shows it at once: in
    the write's own transaction when one write brings everything up to now (the usual tick of
    running jobs: two transactions, not three), else in one of its own after them."""
    from vapor_tui.live.uptonow import act, look
    from vapor_tui.store.engine import StoreDamaged, StoreError, StoreUnreachable

    problem = None
    try:
        now = store.clock.now()
        now_s = now.timestamp()
        with store.read() as conn:
            seen = None if store.readonly else look(conn, now_s)
            if not seen:
                return _read(conn, request, now, None)
        read_with_write: list[TickResult] = []
        try:
            act(
                store,
                now_s,
                seen,
                lambda c, set_rows: read_with_write.append(_read(c, request, now, None, set_rows)),
            )
        except (StoreDamaged, StoreUnreachable):
            raise
        except StoreError as exc:  # no room, say: show what the database holds all the same
            problem = str(exc)
        if read_with_write and problem is None:  # committed with the write it read after
            return read_with_write[0]
        with store.read() as conn:
            return _read(conn, request, now, problem)
    except StoreError as exc:
        return TickTrouble(str(exc), unreachable=isinstance(exc, StoreUnreachable))


def _read(
    conn: Connection,
    request: TickRequest,
    now: datetime,
    problem: str | None,
    set_rows: Mapping[int, Any] | None = None,
) -> TickResult:
    """What the request needs, in the caller's transaction: every job's id and version, in
    full only the rows whose version moved (those the write in this transaction set, in
    `set_rows`, taken from it); each follow's summary or newer points."""
    from vapor_tui.live.curves import read_curves
    from vapor_tui.store.job_list import jobs_since_conn
    from vapor_tui.store.output import read_output
    from vapor_tui.store.summary import read_chart_base, read_chart_news

    current, listed = jobs_since_conn(conn, request.jobs, set_rows)
    version = JobsVersion(*current)
    changed = request.known is None or version != request.known
    jobs, unreadable = request.jobs, None
    if changed:
        jobs, unreadable = tuple(listed), listed.problem()
    followed = []
    for follow in request.follows:
        if follow.has_base:
            got = Followed(follow, points=read_chart_news(conn, follow.job_id, dict(follow.held)))
        else:
            got = Followed(follow, base=read_chart_base(conn, follow.job_id))
        if follow.output_rev is not None:
            first = OUTPUT_FIRST_READ if follow.output_rev == 0 else None
            lines = read_output(conn, follow.job_id, follow.output_rev, last=first)
            got = replace(got, output=tuple(lines))
        followed.append(got)
    curves = read_curves(conn, request.curves)
    return TickResult(jobs, now, version, changed, tuple(followed), problem, unreadable, curves)

"""The bookkeeping of one app session, on the UI thread, as plain values and functions: what the
screens follow and hold, the job list they show, the queue of actions, one tick at a time.

Nothing here touches the store or a widget: the App hands in what its workers returned and gets
back what to show and which toasts to raise.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from vapor_tui.core.job import Job

from .alerts import ValueAlerts
from .commands import Acted, Cloned, Created, Deleted, Outcome
from .curves import CurveFollow, CurveRead
from .events import Lifecycle, lifecycle
from .tick import Follow, JobsVersion, Snapshot, TickRequest, TickResult, TickTrouble

if TYPE_CHECKING:  # numpy: not needed to paint the first frame
    from vapor_tui.core.buckets import ChartBase


@dataclass(frozen=True, slots=True)
class Update:
    """What the screens show now, and the lifecycle events since they last showed anything."""

    snapshot: Snapshot
    events: tuple[Lifecycle, ...] = ()
    trouble: str | None = None  # a problem not said before, worth a toast
    alerts: tuple[str, ...] = ()  # "#3 alpha: loss is NaN at step 812", each said once


class Live:
    """The job list as last read from the store, with this session's own changes laid over it
    until a read catches up with them, and the follow requests of the screens."""

    def __init__(self) -> None:
        self.snapshot: Snapshot | None = None
        self.problem: str | None = None  # what keeps the app from updating, until a tick works
        self._read: tuple[Job, ...] = ()
        self._version: JobsVersion | None = None
        self._follows: dict[int, Follow] = {}
        self._token = 0
        self._newer: dict[int, Job] = {}  # job id -> this session's result, newer than _read
        self._deleted: set[int] = set()  # ids are never reused: a deleted one stays gone
        # job id -> the job as the clock says it is now, until a read brings it up to now
        self._projected: dict[int, Job] = {}
        self._last_error: str | None = None
        self._unreadable: str | None = None  # job rows left out of the last list read
        self._curves: dict[int, CurveFollow] = {}  # job id -> the compare screen's follow
        self._alerts = ValueAlerts()

    # --- following a job's points -------------------------------------------------------

    def follow(self, job_id: int, output: bool = False) -> None:
        """`output`: the job's output (a launched command's) too."""
        self._token += 1
        self._follows[job_id] = Follow(job_id, self._token, output_rev=0 if output else None)

    def unfollow(self, job_id: int) -> None:
        self._follows.pop(job_id, None)

    def follow_curves(self, job_ids: Collection[int], metric: str) -> None:
        """The compare screen follows `metric` of these jobs (from their summary again)."""
        self._token += 1
        self._curves = {job_id: CurveFollow(job_id, metric, self._token) for job_id in job_ids}

    def unfollow_curves(self) -> None:
        self._curves = {}

    def request(self) -> TickRequest:
        follows = tuple(self._follows.values())
        return TickRequest(follows, self._version, self._read, tuple(self._curves.values()))

    def _accept_curves(
        self, reads: tuple[CurveRead, ...], shown: Collection[int]
    ) -> dict[int, CurveRead]:
        """The curve reads still asked for by a screen that shows; what they hold is noted, so
        that the next tick reads only what is newer."""
        out: dict[int, CurveRead] = {}
        for got in reads:
            current = self._curves.get(got.follow.job_id)
            if current is None or current.token != got.follow.token or current.job_id not in shown:
                continue
            if got.base is not None:
                current = replace(current, after_step=got.base.last_step, has_base=True)
            if got.points is not None and len(got.points):
                current = replace(current, after_step=got.points.last_step)
            self._curves[current.job_id] = current
            out[current.job_id] = got
        return out

    # --- accepting what the workers brought ---------------------------------------------

    def accept_peek(self, jobs: tuple[Job, ...], now: datetime) -> Update | None:
        """The job list read straight from the file for the first frame; ignored once a tick
        (or anything newer) has been shown."""
        if self.snapshot is not None:
            return None
        self._read = jobs
        return self._show(Snapshot(self._visible(), now))

    def accept_chart(self, job_id: int, base: ChartBase) -> Update | None:
        """A followed job's chart read before the store opened (on a server): shown as a
        tick's would be, and the first tick then reads only the points after it. Ignored where
        nothing shows yet, or the follow has a chart already."""
        current = self._follows.get(job_id)
        if self.snapshot is None or current is None or current.has_base:
            return None
        self._take_base(current, base)
        old = self.snapshot
        return self._show(Snapshot(old.jobs, old.now, jobs_changed=False, bases={job_id: base}))

    def _take_base(self, current: Follow, base: ChartBase) -> None:
        """The follow holds `base`: the next tick reads the points after it."""
        self._alerts.from_base(current.job_id, base)
        steps = tuple(sorted(base.held.items()))
        self._follows[current.job_id] = replace(current, held=steps, has_base=True)

    def project(self, now: datetime) -> Update | None:
        """The running jobs shown as the clock says they are at `now`, computed, not read: for
        the first frame of a database with a backlog, and while a long catch-up has not yet
        written it (a job left running for an hour at 10,000 steps a second). A read from the
        store replaces them."""
        from vapor_tui.core.catchup import project

        if self.snapshot is None:
            return None
        active = [job for job in self.snapshot.jobs if job.status.is_active]
        if not active:
            return None
        for job in active:
            self._projected[job.id] = project(job, now)
        return self._show(Snapshot(self._visible(), now))

    def accept_tick(self, result: TickResult, shown: Collection[int]) -> Update:
        """A tick's result. Points and summaries go only to a follow request that is still the
        current one for its job and whose screen shows (`shown`): a covered screen catches up
        on the next tick after it shows again, from what it still holds."""
        self._read, self._version = result.jobs, result.version
        if result.jobs_changed:
            self._unreadable = result.unreadable
        trouble = None
        if result.problem is not None:  # read all the same; the next tick tries again
            if result.problem != self._last_error:
                trouble = result.problem
            self._last_error = result.problem
            self.problem = "cannot update: " + result.problem.split(": ")[-1]
        else:
            self.problem, self._last_error = self._unreadable, None
        self._projected.clear()
        before = self.snapshot
        if before is None:
            self._alerts.baseline(result.jobs)
        listed: dict[int, Job] | None = None  # by id, for the followed jobs' alerts
        alerts: list[str] = []
        points, bases, output = {}, {}, {}
        for got in result.followed:
            current = self._follows.get(got.follow.job_id)
            if current is None or current.token != got.follow.token:
                continue  # the screen that asked is gone
            if got.follow.job_id not in shown:
                continue
            job_id = got.follow.job_id
            if got.base is not None:
                bases[job_id] = got.base
                self._take_base(current, got.base)
            if got.points is not None:
                points[job_id] = got.points
                if listed is None:
                    listed = {job.id: job for job in result.jobs}
                alerts += self._alerts.from_points(listed.get(job_id), job_id, got.points)
                if got.points:
                    moved = dict(current.held)
                    moved.update((name, s.last_step) for name, s in got.points.items() if len(s))
                    steps = tuple(sorted(moved.items()))
                    self._follows[job_id] = replace(current, held=steps, has_base=True)
            if got.output is not None:
                output[job_id] = got.output
                if got.output:
                    held = self._follows[job_id]
                    rev = max(held.output_rev or 0, *(line.rev for line in got.output))
                    self._follows[job_id] = replace(held, output_rev=rev)
        self._forget_what_the_read_caught_up_with()
        curves = self._accept_curves(result.curves, shown)
        snap = Snapshot(
            self._visible(), result.now, points, result.jobs_changed, bases, output, curves=curves
        )
        if before is not None:
            alerts += self._alerts.from_jobs(before.jobs, result.jobs)
        return replace(self._show(snap), trouble=trouble, alerts=tuple(alerts))

    def accept_trouble(self, trouble: TickTrouble) -> tuple[Update | None, bool]:
        """A tick that failed: (the screens redrawn to show the problem, whether the error is
        new and worth a toast). The app tries again on the next tick."""
        new = trouble.error != self._last_error
        self._last_error = trouble.error
        if trouble.unreachable:  # the next tick tries again
            self.problem = "cannot reach the database; retrying"
        else:
            self.problem = "cannot update: " + trouble.error.split(": ")[-1]
        if self.snapshot is None:
            return None, new
        old = self.snapshot
        return Update(Snapshot(old.jobs, old.now, {}, False)), new

    def accept_outcome(self, outcome: Outcome) -> Update | None:
        """An action's result, shown at once: the job as the action left it (a started job shows
        running without waiting for a tick, which may be busy with a long catch-up)."""
        match outcome:
            case Created(_, job) | Cloned(_, job) | Acted(_, job):
                self._newer[job.id] = job
            case Deleted(command, _):
                self._deleted.add(command.job_id)
                self._newer.pop(command.job_id, None)
            case _:
                return None
        self._forget_what_the_read_caught_up_with()
        if self.snapshot is None:
            return None
        return self._show(Snapshot(self._visible(), self.snapshot.now))

    def _forget_what_the_read_caught_up_with(self) -> None:
        if not self._newer:
            return
        read = {job.id: job.version for job in self._read}
        self._newer = {
            job_id: job
            for job_id, job in self._newer.items()
            if job_id not in read or read[job_id] < job.version
        }

    def _visible(self) -> tuple[Job, ...]:
        if not (self._projected or self._newer or self._deleted):
            return self._read  # newest first, as read: a tick's, or the peek's
        jobs = {job.id: self._projected.get(job.id, job) for job in self._read}
        jobs.update(self._newer)
        for job_id in self._deleted:
            jobs.pop(job_id, None)
        return tuple(sorted(jobs.values(), key=lambda job: job.id, reverse=True))

    def _show(self, snap: Snapshot) -> Update:
        before, self.snapshot = self.snapshot, snap
        if before is None:
            return Update(snap)
        return Update(snap, lifecycle(before.jobs, snap.jobs))


class TickGate:
    """One tick at a time; asked for during one, there is one more right after it."""

    def __init__(self) -> None:
        self._running = False
        self._again = False

    def ask(self) -> bool:
        """True: start a tick now. False: one is running, and another will follow it."""
        if self._running:
            self._again = True
            return False
        self._running = True
        return True

    def finished(self) -> bool:
        """The running tick ended. True: start the one that was asked for meanwhile."""
        self._running = self._again
        self._again = False
        return self._running

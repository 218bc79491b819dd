"""Messages that carry immutable snapshots from worker threads back to the UI."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from textual.message import Message

from vapor_tui.core.job import Job

if TYPE_CHECKING:
    from vapor_tui.core.points import Points
    from vapor_tui.store.engine import Store
    from vapor_tui.store.summary import ChartBase


@dataclass(frozen=True)
class Snapshot:
    """What one tick saw: every job (newest first), the time, and the new points of the jobs
    a screen follows."""

    jobs: tuple[Job, ...]
    now: datetime
    points: Mapping[int, Points] = field(default_factory=dict)
    jobs_changed: bool = True
    # A followed job's chart summary, read the first time it is followed (store/summary.py).
    bases: Mapping[int, ChartBase] = field(default_factory=dict)

    def job(self, job_id: int) -> Job | None:
        for job in self.jobs:
            if job.id == job_id:
                return job
        return None


class Peeked(Message):
    """The job list read straight from the file for the first frame, before the store opens."""

    def __init__(self, jobs: tuple[Job, ...], now: datetime) -> None:
        super().__init__()
        self.jobs = jobs
        self.now = now


class StoreOpened(Message):
    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store


class StoreFailed(Message):
    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error


class TickDone(Message):
    def __init__(
        self, snapshot: Snapshot, version: tuple[int, int, int], tokens: Mapping[int, int]
    ) -> None:
        super().__init__()
        self.snapshot = snapshot
        self.version = version
        self.tokens = tokens  # which follow request each job's points answer


class TickFailed(Message):
    def __init__(self, error: str, unreachable: bool = False) -> None:
        super().__init__()
        self.error = error
        self.unreachable = unreachable  # the server does not answer: ticks go on trying


class ActionDone(Message):
    """A user action finished: `error` is None on success, else the reason it was refused."""

    def __init__(
        self,
        message: str,
        error: str | None = None,
        job_id: int | None = None,
        kind: str = "",
        select: bool = True,
    ):
        super().__init__()
        self.message = message
        self.error = error
        self.job_id = job_id  # for create and clone, the new job
        self.kind = kind
        self.select = select  # put the jobs screen's cursor on the new job

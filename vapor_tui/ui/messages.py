"""Messages from the worker threads (and the timer) to the App: typed values, nothing live."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from textual.message import Message

from vapor_tui.core.job import Job
from vapor_tui.live.commands import Act, Outcome
from vapor_tui.live.tick import TickResult, TickTrouble

if TYPE_CHECKING:
    from vapor_tui.core.buckets import ChartBase
    from vapor_tui.store.engine import Store


@dataclass
class Peeked(Message):
    """The job list read straight from the file for the first frame, before the store opens."""

    jobs: tuple[Job, ...]
    now: datetime
    unreadable: str | None = None  # rows left out, in one line (store/convert.py)


@dataclass
class ChartPeeked(Message):
    """`watch`'s first chart, read on a server before the store opened (store/server_chart.py)."""

    job_id: int
    base: ChartBase


@dataclass
class Projected(Message):
    """Show running jobs as the clock says they are at `now` (before the store has brought
    them up to now)."""

    now: datetime


@dataclass
class StoreOpened(Message):
    store: Store


@dataclass
class StoreFailed(Message):
    error: str


@dataclass
class StoreUnreachable(Message):
    """The server stopped answering between the quick look that drew the first frame and the
    store's open: the app says so, keeps those rows and opens the store again later."""

    error: str


@dataclass
class TickRequested(Message):
    """Bring the screens up to now. Several waiting in the queue are one request."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, TickRequested)


@dataclass
class TickDone(Message):
    result: TickResult | TickTrouble


@dataclass
class ActionDone(Message):
    outcome: Outcome


@dataclass
class EarlyDeclined(Message):
    """The store's early path could not carry this action out: it waits for the store."""

    command: Act

"""Opening the database behind the first frame, without getting in the way of the first key.

The first frame is painted from a quick look at the file (store/peek.py). What follows, numpy
for showing running jobs as the clock says they are and SQLAlchemy for the store, holds the
interpreter for about half a second: it waits until that frame is on the screen and the user
has had a moment in which to press a key, whose action is then carried out straight in the file
(store/early.py) while nothing competes with it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.message import Message

from vapor_tui.core.clock import Clock
from vapor_tui.core.job import Job
from vapor_tui.ui.messages import (
    ChartPeeked,
    Peeked,
    Projected,
    StoreFailed,
    StoreOpened,
    StoreUnreachable,
)

if TYPE_CHECKING:
    from vapor_tui.live.opening import NotOpened
    from vapor_tui.store.engine import Store

QUIET_S = 0.2  # no key for this long, and no action on its way: a quiet moment
MOST_S = 0.5  # but the store is not put off longer than this after the first frame


class Quiet:
    """When the user last did something, told by the UI thread, waited for by the opener."""

    def __init__(self) -> None:
        self.first_frame = threading.Event()
        self._lock = threading.Lock()
        self._last = time.monotonic()
        self._busy = 0

    def touch(self, busy: int = 0) -> None:
        """A key was pressed; `busy` actions are on their way."""
        with self._lock:
            self._last, self._busy = time.monotonic(), busy

    def wait(self, quiet_s: float = QUIET_S, most_s: float = MOST_S) -> None:
        self.first_frame.wait(timeout=2.0)
        end = time.monotonic() + most_s
        with self._lock:
            self._last = max(self._last, time.monotonic())
        while time.monotonic() < end:
            with self._lock:
                idle = time.monotonic() - self._last
                busy = self._busy
            if idle >= quiet_s and not busy:
                return
            time.sleep(0.01)


def open_in_background(
    post: Callable[[Message], object],
    db: str | None,
    clock: Clock,
    peeked: tuple[Job, ...] | None,
    quiet: Quiet,
    quiet_s: float = QUIET_S,
    watch: int | None = None,
) -> None:
    """Run on a worker thread: the first frame's job list (unless read before the app
    started), then, at a quiet moment, running jobs as the clock says, the watched job's chart
    where it can be read before the store, and the store."""
    from vapor_tui.live.opening import open_live, peek, peek_chart, prepare_early

    jobs = peeked
    if jobs is None:
        jobs = peek(db, servers=True)
        if jobs is not None:
            post(Peeked(jobs, clock.now()))
    quiet.first_frame.wait(timeout=2.0)
    prepare_early()  # not before: the first frame would have waited for it
    quiet.wait(quiet_s)
    if jobs is not None and any(job.status.is_active for job in jobs):
        post(Projected(clock.now()))
    if watch is not None and jobs is not None:
        base = peek_chart(db, watch)
        if base is not None:
            post(ChartPeeked(watch, base))
    post(_opened(open_live(db, clock), shown=jobs is not None))


def open_again(post: Callable[[Message], object], db: str | None, clock: Clock) -> None:
    """Run on a worker thread, after the server stopped answering while the store opened."""
    from vapor_tui.live.opening import open_live

    post(_opened(open_live(db, clock), shown=True))


def _opened(opened: Store | NotOpened, shown: bool) -> Message:
    """What the app hears of the open. A server that stopped answering after the rows were
    read and drawn (`shown`) is the server restarting, or the network dropping, as the app
    came up: the app keeps its rows and says so, as it does when a tick meets it. Where
    nothing was drawn (the server was already down), the app ends with that one line."""
    from vapor_tui.live.opening import NotOpened

    if not isinstance(opened, NotOpened):
        return StoreOpened(opened)
    if opened.unreachable and shown:
        return StoreUnreachable(opened.error)
    return StoreFailed(opened.error)

"""The run's writer thread: points to the database at least every FLUSH_S, one transaction a
flush; a heartbeat at least every HEARTBEAT_S; the user's requests read at most once every
CONTROL_S. A database that is busy or unreachable keeps the points here, in memory, with one
warning on stderr, and is tried again with backoff until it answers: none is dropped."""

from __future__ import annotations

import _thread
import sys
import threading
import time
from collections.abc import Callable

from vapor_tui.core.run_stop import SIGNAL_SENT, STOP_NOW_RUNG

from .buffer import Pending, PointBuffer, merge, size
from .link import Control, Link

__all__ = ["CONTROL_S", "FLUSH_S", "HEARTBEAT_S", "Writer"]

FLUSH_S = 0.25
HEARTBEAT_S = 2.0
CONTROL_S = 1.0
BACKOFF_MAX_S = 5.0


class Writer(threading.Thread):
    def __init__(
        self,
        link: Link,
        buffer: PointBuffer,
        *,
        interrupt: Callable[[], None] = _thread.interrupt_main,
        clock: Callable[[], float] = time.time,
        warn: Callable[[str], None] | None = None,
    ):
        super().__init__(name=f"vapor-tui run #{link.job_id}", daemon=True)
        self.link, self.buffer = link, buffer
        self._interrupt, self._clock = interrupt, clock
        self._warn = warn or (lambda text: print(f"vapor-tui: {text}", file=sys.stderr))
        self._wake = threading.Event()
        self._done = threading.Event()
        self._waiting: Pending = {}  # taken from the buffer, not written yet
        self._failing_since: float | None = None
        self._retry_at = 0.0
        self._backoff = FLUSH_S
        self._last_beat = self._last_control = float("-inf")
        self._interrupted = False
        self.stop_asked = threading.Event()  # what should_stop() returns: no I/O there
        self.control: Control | None = None
        self.deleted = False
        self.flushes = 0  # transactions written
        self.last_write = 0.0

    # --- the thread ---------------------------------------------------------------------------

    def run(self) -> None:
        # Rounds on a fixed grid, so the controls are read every CONTROL_S (every fourth
        # round), not a round later now and then: a stop is seen within a second.
        tick = time.monotonic()
        while not self._done.is_set():
            tick += FLUSH_S
            self._wake.wait(max(0.0, tick - time.monotonic()))
            self._wake.clear()
            if self._done.is_set():
                break
            self.step()
            if time.monotonic() > tick + FLUSH_S:  # a slow write: carry on from now
                tick = time.monotonic()

    def step(self) -> bool:
        """One round: flush, heartbeat, read the controls. True when everything taken so far
        is written."""
        now = self._clock()
        self._waiting = merge(self._waiting, self.buffer.take())
        written = self._flush(now)
        if now - self._last_control >= CONTROL_S - FLUSH_S / 2:  # the grid's jitter
            self._read_control(now)
        return written

    def _flush(self, now: float) -> bool:
        if self.deleted:
            self._waiting = {}
            return True
        if self._failing_since is not None and now < self._retry_at:
            return False
        beat = now if now - self._last_beat >= HEARTBEAT_S else None
        if not self._waiting and beat is None:
            return True
        try:
            self.link.write(self._waiting, beat)
        except Exception as exc:  # whatever the driver raises: keep the points, try again
            self._failed(now, exc)
            return False
        if self._failing_since is not None:
            waited = now - self._failing_since
            self._warn(
                f"the database answers again: the points held for {waited:.0f} s are written"
            )
        self._failing_since, self._backoff = None, FLUSH_S
        self._waiting = {}
        if beat is not None:
            self._last_beat = beat
        self.flushes += 1
        self.last_write = now
        return True

    def _failed(self, now: float, exc: Exception) -> None:
        if self._failing_since is None:
            self._failing_since = now
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            self._warn(
                f"cannot write run #{self.link.job_id}'s points ({first}); they are kept in "
                "memory and written when the database answers"
            )
        else:
            self._backoff = min(BACKOFF_MAX_S, self._backoff * 2)
        self._retry_at = now + self._backoff

    def _read_control(self, now: float) -> None:
        self._last_control = now
        try:
            control = self.link.control()
        except Exception:
            return  # the next second tries again
        if control is None:
            if not self.deleted:
                self._warn(f"run #{self.link.job_id} was deleted: its points are no longer kept")
            self.deleted = True
            self.stop_asked.set()
            return
        self.control = control
        if control.stop_asked:
            self.stop_asked.set()
        if (
            control.status == "stopping"
            and control.stop_rung >= STOP_NOW_RUNG
            and not control.reason.startswith(SIGNAL_SENT)
            and not self._interrupted
        ):
            self._interrupted = True  # stop now, asked from another machine: its SIGINT
            self._interrupt()

    # --- from the run's own thread --------------------------------------------------------------

    def poke(self) -> None:
        self._wake.set()

    def drain(self, timeout: float) -> int:
        """Stop the thread and write everything logged, trying for up to `timeout` seconds
        if the database does not answer: how many points could not be written."""
        self._done.set()
        self._wake.set()
        if self.is_alive() and threading.current_thread() is not self:
            self.join()
        deadline = time.monotonic() + timeout
        while True:
            self._retry_at = 0.0
            if self.step():
                return 0
            if time.monotonic() >= deadline:
                return size(self._waiting)
            time.sleep(min(self._backoff, max(0.0, deadline - time.monotonic())))

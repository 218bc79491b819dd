"""The one thread an app's ticks run on, for as long as the app is open.

A Textual worker a tick made a Worker, an asyncio task and a future in the thread pool, and
posted its state changes (pending, running, success) through the app's message queue, each
handled on the UI thread: about as much work there as the tick's own result (issue 14). This
thread takes a request from a queue, runs it, and hands the result to `deliver` (the app posts
it to itself); a tick that raises is delivered as a TickTrouble, as the worker's error was.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from .tick import TickRequest, TickResult, TickTrouble, run_tick

if TYPE_CHECKING:
    from vapor_tui.store.engine import Store

Deliver = Callable[[TickResult | TickTrouble], object]
_STOP = None
MAIN_LOOK_S = 2.0  # how often an idle thread looks whether the main thread has ended


class TickThread:
    """Runs ticks one after another on a thread of its own, started with the first."""

    def __init__(self, deliver: Deliver, name: str = "vapor-tui-tick") -> None:
        self._deliver = deliver
        self._name = name
        self._requests: queue.SimpleQueue[tuple[Store, TickRequest] | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._stopped = False

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def submit(self, store: Store, request: TickRequest) -> None:
        """Run a tick after those submitted before it; its result goes to `deliver`."""
        if self._stopped:
            return
        if self._thread is None:
            # Not a daemon: at exit the interpreter waits for a tick at work to finish its
            # transaction, as it waited for the thread pool's workers.
            self._thread = threading.Thread(target=self._run, name=self._name)
            self._thread.start()
        self._requests.put((store, request))

    def stop(self) -> None:
        """No further tick: the thread ends after the one at work, if any."""
        self._stopped = True
        self._requests.put(_STOP)

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the thread to end (after stop()); True if it has."""
        if self._thread is not None:
            self._thread.join(timeout)
        return not self.alive

    def _run(self) -> None:
        while (item := self._next()) is not _STOP:
            store, request = item
            try:
                result = run_tick(store, request)
            except Exception as exc:  # any bug: said on screen, and the next tick tries again
                result = TickTrouble(f"unexpected error: {exc!r}")
            self._deliver(result)

    def _next(self) -> tuple[Store, TickRequest] | None:
        """The next request, or _STOP; also _STOP once the main thread has ended without
        stop() (an app that never unmounted): the interpreter waits for this thread at exit,
        and must not wait for ever."""
        while True:
            try:
                return self._requests.get(timeout=MAIN_LOOK_S)
            except queue.Empty:
                if not threading.main_thread().is_alive():
                    return _STOP

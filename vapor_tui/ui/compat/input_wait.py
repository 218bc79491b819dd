"""Textual's `LinuxDriver.run_input_thread`: the thread that reads the keyboard woke ten times a
second (`select` with a 0.1 s timeout) to ask the escape-sequence parser whether a lone ESC
had timed out and whether the app was closing, whatever was pending: about 0.1% of a core on
the idle jobs screen, a quarter of what htop costs in all (issue 14). Here it waits for input
for up to IDLE_WAIT_S while the parser holds nothing (0.1 s when it does, as Textual's), and
the app's closing wakes it through a pipe, as the keyboard would.

A Textual inefficiency: `tests/ui/test_compat.py` fails when Textual's thread no longer wakes
on its own (delete this then), and checks that keys, a lone ESC and closing still work.
"""

from __future__ import annotations

import contextlib
import hashlib
import inspect
import os
import selectors
import threading
from codecs import getincrementaldecoder

import textual
from textual.drivers.linux_driver import LinuxDriver

PATCHED_FOR = "8."
TEXTUAL_RUN_INPUT = LinuxDriver.run_input_thread
# The digest of the Textual function this one was copied from: another one is left alone.
COPIED_FROM = "d796af6d69db337d"
PENDING_WAIT_S = 0.1  # Textual's: how soon a lone ESC is taken for the escape key
# Waiting is not wholly without a timeout: a close asked for in the instant the thread was
# starting, on the event it replaced, is seen within this.
IDLE_WAIT_S = 5.0


def source_digest(function: object) -> str:
    return hashlib.sha256(inspect.getsource(function).encode()).hexdigest()[:16]  # type: ignore[arg-type]


class _WakingEvent(threading.Event):
    """The driver's exit event, whose set() also wakes the input thread's select."""

    def __init__(self) -> None:
        super().__init__()
        self.wake_fd, self._wake_write = os.pipe()
        os.set_blocking(self._wake_write, False)

    def set(self) -> None:
        super().set()
        with contextlib.suppress(OSError):  # full: it is awake already
            os.write(self._wake_write, b"x")

    def drain(self) -> None:
        with contextlib.suppress(OSError):
            os.read(self.wake_fd, 4096)


def _exit_event(driver: LinuxDriver) -> _WakingEvent:
    event = driver.exit_event
    if isinstance(event, _WakingEvent):
        return event
    waking = _WakingEvent()
    driver.exit_event = waking
    if event.is_set():
        waking.set()
    return waking


def _run_input_thread(self: LinuxDriver) -> None:
    """Textual's (8.2), but for the wait: long while nothing is pending, and a wake on close."""
    from textual._loop import loop_last
    from textual._parser import ParseError
    from textual._xterm_parser import XTermParser

    exit_event = _exit_event(self)
    selector = selectors.SelectSelector()
    selector.register(self.fileno, selectors.EVENT_READ)
    selector.register(exit_event.wake_fd, selectors.EVENT_READ)
    fileno = self.fileno
    EVENT_READ = selectors.EVENT_READ
    parser = XTermParser(self._debug)
    feed = parser.feed
    tick = parser.tick
    decode = getincrementaldecoder("utf-8")().decode
    read = os.read

    def process_selector_events(selector_events, final: bool = False) -> None:
        for last, (selector_key, mask) in loop_last(selector_events):
            if selector_key.fd == exit_event.wake_fd:
                exit_event.drain()
                continue
            if mask & EVENT_READ:
                unicode_data = decode(read(fileno, 1024 * 4), final=final and last)
                if not unicode_data:
                    break
                for event in feed(unicode_data):
                    self.process_message(event)
        for event in tick():
            self.process_message(event)

    def wait() -> float:
        return IDLE_WAIT_S if parser._timeout_time is None else PENDING_WAIT_S

    try:
        while not exit_event.is_set():
            process_selector_events(selector.select(wait()))
        selector.unregister(self.fileno)
        process_selector_events(selector.select(0.1), final=True)
    finally:
        selector.close()
        with contextlib.suppress(EOFError, ParseError):
            for _event in feed(""):
                pass


def fits() -> bool:
    """This Textual's thread is the one this was copied from, and its parser keeps its
    timeout where this looks for it."""
    from textual._xterm_parser import XTermParser

    return (
        textual.__version__.startswith(PATCHED_FOR)
        and source_digest(TEXTUAL_RUN_INPUT) == COPIED_FROM
        and hasattr(XTermParser(False), "_timeout_time")
    )


def apply() -> bool:
    """Install it if this Textual is one it was written for."""
    if not fits():
        return False
    if LinuxDriver.run_input_thread is not _run_input_thread:
        LinuxDriver.run_input_thread = _run_input_thread  # type: ignore[method-assign]
    return True

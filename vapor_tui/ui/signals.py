"""Leaving promptly on SIGTERM and SIGHUP, whether or not the terminal is still there.

A dropped SSH connection closes the terminal under the app: writes to it fail, and the kernel
sends SIGHUP and SIGCONT. Textual answers SIGCONT by starting its input and output threads
again, in the middle of the shutdown, and can then wait for them forever. So a signal here
first puts SIGCONT back to its default, then asks the app to exit the ordinary way (which
restores the terminal if there is one), and arms a watchdog that ends the process if that
has not happened within GRACE_S. Every database write is one SQLite transaction, so ending
mid-write loses only that write, as a kill -9 would.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

GRACE_S = 3.0
# If restoring the terminal itself blocks (output suspended with ctrl+s, say), leave anyway.
HARD_S = 2.0
SIGNALS = (signal.SIGTERM, signal.SIGHUP)
# Leave the alternate screen, show the cursor, stop mouse reporting, bracketed paste, focus
# events and the Kitty keyboard protocol: what Textual's own shutdown writes.
RESTORE = (
    "\x1b[<u\x1b[?1049l\x1b[?25h\x1b[?1004l\x1b[?1000l\x1b[?1003l\x1b[?1015l\x1b[?1006l\x1b[?2004l"
)


class _Watchdog(threading.Thread):
    """Waits, from the start, to be armed. A signal handler must not start threads (it may
    interrupt the main thread while that holds threading's own locks), nor take any lock: a
    second signal can run the handler again in the middle of the first (the SIGHUP an SSH
    server sends right after the kernel's), and a lock the first run holds never comes free.
    So arming is one write to a pipe, which the thread waits on."""

    def __init__(self, driver: Callable[[], Any]) -> None:
        super().__init__(daemon=True, name="vapor-tui-exit-watchdog")
        self._driver = driver
        self._wake_read, self._wake_write = os.pipe()
        os.set_blocking(self._wake_write, False)
        self._armed = False

    @property
    def armed(self) -> bool:
        return self._armed

    def arm(self) -> None:
        self._armed = True
        self._wake()

    def cancel(self) -> None:
        """Let the thread end, unless a signal armed it: then the process is on its way out,
        and the watchdog stays in case the rest of the way hangs."""
        self._wake()

    def _wake(self) -> None:
        # A full pipe means the thread has been woken already.
        with contextlib.suppress(OSError):
            os.write(self._wake_write, b"w")

    def run(self) -> None:
        os.read(self._wake_read, 1)
        if not self._armed:
            # Only the main thread arms, and after cancel() no handler of ours is left to.
            os.close(self._wake_read)
            os.close(self._wake_write)
            return
        time.sleep(GRACE_S)
        threading.Thread(target=_exit_after, args=(HARD_S,), daemon=True).start()
        with contextlib.suppress(Exception):
            _restore_terminal(self._driver())
        os._exit(0)


def _exit_after(seconds: float) -> None:
    time.sleep(seconds)
    os._exit(0)


def _restore_terminal(driver: Any) -> None:
    fd = sys.__stdout__.fileno() if sys.__stdout__ is not None else -1
    if fd < 0 or not os.isatty(fd):
        return
    os.write(fd, RESTORE.encode())
    attrs = getattr(driver, "attrs_before", None)
    if attrs is not None:
        import termios

        termios.tcsetattr(getattr(driver, "fileno", fd), termios.TCSANOW, attrs)


def install(
    request_exit: Callable[[], None], driver: Callable[[], Any]
) -> Callable[[], None] | None:
    """Handle SIGTERM and SIGHUP from now on. Returns the function that puts the previous
    handlers back, or None where signals cannot be handled (not the main thread)."""
    loop = asyncio.get_running_loop()
    watchdog = _Watchdog(driver)

    def handler(_signum: int, _frame: object) -> None:
        signal.signal(signal.SIGCONT, signal.SIG_DFL)
        watchdog.arm()
        loop.call_soon_threadsafe(request_exit)

    if threading.current_thread() is not threading.main_thread():
        return None
    previous = {sig: signal.signal(sig, handler) for sig in SIGNALS}
    watchdog.start()

    def uninstall() -> None:
        for sig, old in previous.items():
            # Already on the way out because of a signal: a second one (the hangup that
            # follows a SIGTERM when the terminal closes) must not cut the way short.
            restore = signal.SIG_IGN if watchdog.armed else old
            with contextlib.suppress(ValueError, TypeError):
                signal.signal(sig, restore if restore is not None else signal.SIG_DFL)
        watchdog.cancel()

    return uninstall

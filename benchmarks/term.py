"""A program in a real pseudo-terminal: every byte it writes counted and timestamped, its screen
read back with pyte, and its peak resident memory read from /proc.

The same approach as tests/support/pty_app.py, with what a benchmark needs on top: the time
each chunk arrived (taken when it is read, before pyte parses it, so the harness's own parsing
is not charged to the app), byte counts over a window without parsing at all, and VmHWM.
"""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pexpect
import pyte

COLS, ROWS = 120, 40
TERM = "xterm-256color"
# Variables that would change what the app draws or how: colour depth, Textual's switches.
_DROPPED_PREFIXES = ("TEXTUAL_",)
_DROPPED = ("NO_COLOR", "FORCE_COLOR", "COLORTERM", "VAPOR_TUI_DB", "COLUMNS", "LINES")


def vapor_command() -> str:
    """The installed `vapor-tui` next to this interpreter (the one the dev venv installed)."""
    beside = Path(sys.executable).parent / "vapor-tui"
    if beside.exists():
        return str(beside)
    found = shutil.which("vapor-tui")
    if found is None:
        raise RuntimeError("the `vapor-tui` command is not installed beside this Python")
    return found


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in _DROPPED and not k.startswith(_DROPPED_PREFIXES)
    }
    env.update({"TERM": TERM, "COLUMNS": str(COLS), "LINES": str(ROWS)})
    env.update(extra or {})
    return env


class Terminal:
    """One program, started at construction, in a COLS x ROWS pseudo-terminal."""

    def __init__(self, command: str, args: list[str], env: dict[str, str] | None = None):
        self.screen = pyte.Screen(COLS, ROWS)
        self.stream = pyte.ByteStream(self.screen)
        self.total_bytes = 0
        self._unparsed: list[bytes] = []
        self.started = time.perf_counter()
        # pexpect returns once the child has exec'd (it waits on an exec-error pipe), so
        # `started` includes the fork and exec, as a user's launch does.
        self.child = pexpect.spawn(
            command, args, env=child_env(env), dimensions=(ROWS, COLS), timeout=None
        )
        self.pid = self.child.pid

    # --- reading --------------------------------------------------------------------------

    def _read_available(self, wait: float) -> tuple[int, float]:
        """Wait up to `wait` s for output, then read all there is. (bytes, time of the read)"""
        fd = self.child.child_fd
        ready, _, _ = select.select([fd], [], [], max(0.0, wait))
        if not ready:
            return 0, time.perf_counter()
        got = 0
        stamp = time.perf_counter()
        while ready:
            try:
                data = os.read(fd, 1 << 16)
            except OSError:  # the child exited and the pty closed
                break
            if not data:
                break
            got += len(data)
            self._unparsed.append(data)
            ready, _, _ = select.select([fd], [], [], 0)
        self.total_bytes += got
        return got, stamp

    def _parse(self) -> None:
        for data in self._unparsed:
            self.stream.feed(data)
        self._unparsed.clear()

    def lines(self) -> list[str]:
        self._parse()
        return list(self.screen.display)

    def wait_for(self, ready: Callable[[list[str]], bool], timeout: float) -> float:
        """Read until the screen satisfies `ready`; returns seconds from launch to the moment
        the output that completed it was read."""
        end = time.perf_counter() + timeout
        while time.perf_counter() < end:
            got, stamp = self._read_available(min(0.1, max(0.0, end - time.perf_counter())))
            if got and ready(self.lines()):
                return stamp - self.started
            if not got and not self.child.isalive():
                break
        raise TimeoutError(
            f"the screen never got ready within {timeout:g}s; it showed:\n"
            + "\n".join(self.lines())
        )

    def press_until(
        self, keys: str, every: float, ready: Callable[[list[str]], bool], timeout: float
    ) -> float:
        """Send `keys` now and every `every` seconds after, until the screen satisfies `ready`;
        returns seconds from launch to the moment the output that completed it was read."""
        end = time.perf_counter() + timeout
        next_press = time.perf_counter()
        while time.perf_counter() < end:
            now = time.perf_counter()
            if now >= next_press:
                self.child.send(keys)
                next_press += every
            got, stamp = self._read_available(max(0.0, min(next_press, end) - now))
            if got and ready(self.lines()):
                return stamp - self.started
            if not got and not self.child.isalive():
                break
        raise TimeoutError(
            f"the screen never got ready within {timeout:g}s of pressing {keys!r}; it showed:\n"
            + "\n".join(self.lines())
        )

    def count_bytes(self, seconds: float) -> int:
        """Bytes written over the next `seconds`, not parsed (the screen is not needed)."""
        end = time.perf_counter() + seconds
        counted = 0
        while True:
            left = end - time.perf_counter()
            if left <= 0:
                break
            got, _ = self._read_available(left)
            counted += got
        self._unparsed.clear()
        return counted

    def discard_available(self) -> int:
        """Read what is there now, unparsed, and forget it. Returns how many bytes."""
        got, _ = self._read_available(0)
        self._unparsed.clear()
        return got

    # --- the process ----------------------------------------------------------------------

    def peak_rss_bytes(self) -> int:
        """The process's peak resident set size so far (VmHWM): the kernel keeps the maximum,
        so one read at the end sees the peak however short it was."""
        with open(f"/proc/{self.pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
        raise RuntimeError(f"no VmHWM in /proc/{self.pid}/status")

    def close(self, quit_keys: str = "q", timeout: float = 5.0) -> None:
        """Quit politely, keep reading so the app never blocks on a full pty, then make sure."""
        if self.child.isalive():
            with contextlib.suppress(OSError):
                self.child.send(quit_keys)
            end = time.perf_counter() + timeout
            while self.child.isalive() and time.perf_counter() < end:
                self._read_available(0.05)
                self._unparsed.clear()
        if self.child.isalive():
            self.child.kill(9)
        self.child.close(force=True)

    def __enter__(self) -> Terminal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def has_braille(lines: list[str]) -> bool:
    """Does the screen show plotted braille dots (the chart drew a curve)?"""
    return any("\u2801" <= ch <= "\u28ff" for line in lines for ch in line)

"""A program in a real pseudo-terminal: every byte it writes counted and timestamped, its screen
read back with pyte, and its peak resident memory read from /proc.

The same approach as tests/support/pty_app.py, with what a benchmark needs on top: the time
each chunk arrived, byte counts over a window without parsing at all, and VmHWM.

A thread of its own reads the terminal and stamps each chunk as it comes: pyte takes 40 to
60 ms to parse a full 120x40 frame, and a chunk that came in meanwhile was stamped only when
that parse was over, so the harness's own parsing was charged to the app (a first key acted
on at 0.40 s was reported at 0.44 s). Chunks are then fed to pyte one at a time, and a wait
ends at the arrival of the chunk that completed what it waits for.
"""

from __future__ import annotations

import contextlib
import os
import queue
import select
import shutil
import sys
import threading
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
        self._eof = False
        self.started = time.perf_counter()
        # pexpect returns once the child has exec'd (it waits on an exec-error pipe), so
        # `started` includes the fork and exec, as a user's launch does.
        self.child = pexpect.spawn(
            command, args, env=child_env(env), dimensions=(ROWS, COLS), timeout=None
        )
        # pexpect sleeps 50 ms before every send by default (for programs that ask for a
        # password before they read): every first key acted on was 50 ms late because of it.
        self.child.delaybeforesend = None
        self.pid = self.child.pid
        self._chunks: queue.Queue[tuple[float, bytes]] = queue.Queue()
        self._closed = threading.Event()
        # The harness's own threads hand over the interpreter every 0.5 ms (5 ms by default),
        # so that the reader stamps a chunk when it comes, not when a parse lets it run.
        sys.setswitchinterval(0.0005)
        threading.Thread(target=self._pump, name="pty-reader", daemon=True).start()

    def _pump(self) -> None:
        """Read the terminal as the program writes it; b"" when it has closed."""
        fd = self.child.child_fd
        while not self._closed.is_set():
            try:
                ready, _, _ = select.select([fd], [], [], 0.1)
                data = os.read(fd, 1 << 16) if ready else None
            except (OSError, ValueError):  # the child exited and the pty closed
                data = b""
            if data is None:
                continue
            self._chunks.put((time.perf_counter(), data))
            if not data:
                return

    # --- reading --------------------------------------------------------------------------

    def _next_chunk(self, wait: float) -> tuple[float, bytes] | None:
        """The next chunk and when it arrived, waiting up to `wait` s; None if none came."""
        try:
            return self._chunks.get(timeout=wait) if wait > 0 else self._chunks.get_nowait()
        except queue.Empty:
            return None

    def _read_available(self, wait: float) -> tuple[int, float]:
        """Wait up to `wait` s for output, then take all there is. (bytes, arrival of the
        first of them)"""
        chunk = self._next_chunk(max(0.0, wait))
        if chunk is None:
            return 0, time.perf_counter()
        stamp, got = chunk[0], 0
        while chunk is not None and chunk[1]:
            got += len(chunk[1])
            self._unparsed.append(chunk[1])
            chunk = self._next_chunk(0)
        self.total_bytes += got
        return got, stamp

    def _ready_at(self, wait: float, ready: Callable[[list[str]], bool]) -> tuple[bool, float]:
        """Feed what comes within `wait` s to the screen chunk by chunk: (whether `ready`
        became true, when the chunk that made it so arrived). (False, 0) if nothing came."""
        chunk = self._next_chunk(max(0.0, wait))
        if chunk is None:
            return False, 0.0
        while chunk is not None:
            stamp, data = chunk
            if not data:
                self._eof = True
                return False, stamp
            self.total_bytes += len(data)
            self._unparsed.append(data)
            if ready(self.lines()):
                return True, stamp
            chunk = self._next_chunk(0)
        return False, stamp

    def _parse(self) -> None:
        for data in self._unparsed:
            self.stream.feed(data)
        self._unparsed.clear()

    def lines(self) -> list[str]:
        self._parse()
        return list(self.screen.display)

    def wait_for(self, ready: Callable[[list[str]], bool], timeout: float) -> float:
        """Read until the screen satisfies `ready`; returns seconds from launch to the moment
        the output that completed it arrived."""
        end = time.perf_counter() + timeout
        while time.perf_counter() < end:
            done, stamp = self._ready_at(min(0.1, max(0.0, end - time.perf_counter())), ready)
            if done:
                return stamp - self.started
            if self._eof or (not self.child.isalive() and self._chunks.empty()):
                break
        raise TimeoutError(
            f"the screen never got ready within {timeout:g}s; it showed:\n"
            + "\n".join(self.lines())
        )

    def wait_for_bytes(self, needle: bytes, timeout: float) -> float:
        """Until `needle` arrives, not parsing what comes (pyte's 40-60 ms for a full frame
        would come before a key pressed on seeing it); seconds from launch to its arrival. What
        came is parsed later, as usual."""
        end = time.perf_counter() + timeout
        tail = b""
        while time.perf_counter() < end:
            chunk = self._next_chunk(min(0.1, max(0.0, end - time.perf_counter())))
            if chunk is None:
                if not self.child.isalive() and self._chunks.empty():
                    break
                continue
            stamp, data = chunk
            if not data:
                break
            self.total_bytes += len(data)
            self._unparsed.append(data)
            if needle in tail + data:
                return stamp - self.started
            tail = (tail + data)[-len(needle) :]
        raise TimeoutError(
            f"{needle!r} never came within {timeout:g}s:\n" + "\n".join(self.lines())
        )

    def press_until(
        self, keys: str, every: float, ready: Callable[[list[str]], bool], timeout: float
    ) -> float:
        """Send `keys` now and every `every` seconds after, until the screen satisfies `ready`;
        returns seconds from launch to the moment the output that completed it arrived."""
        end = time.perf_counter() + timeout
        next_press = time.perf_counter()
        while time.perf_counter() < end:
            now = time.perf_counter()
            if now >= next_press:
                self.child.send(keys)
                next_press += every
            done, stamp = self._ready_at(max(0.0, min(next_press, end) - now), ready)
            if done:
                return stamp - self.started
            if self._eof or (not self.child.isalive() and self._chunks.empty()):
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

    def discard_available(self, wait: float = 0.0) -> int:
        """Read what is there now (or comes within `wait` s), unparsed, and forget it.
        Returns how many bytes."""
        got, _ = self._read_available(wait)
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
        self._closed.set()
        self.child.close(force=True)

    def __enter__(self) -> Terminal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def has_braille(lines: list[str]) -> bool:
    """Does the screen show plotted braille dots (the chart drew a curve)?"""
    return any("\u2801" <= ch <= "\u28ff" for line in lines for ch in line)

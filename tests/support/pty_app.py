"""Run the installed `vapor-tui` in a real pseudo-terminal and read its screen with pyte."""

from __future__ import annotations

import os
import select
import sys
import time
from pathlib import Path

import pexpect
import pyte

VAPOR = str(Path(sys.executable).parent / "vapor-tui")


class PtyApp:
    def __init__(
        self,
        args: list[str],
        env: dict[str, str],
        cols: int = 120,
        rows: int = 40,
        term: str = "xterm-256color",
    ):
        full_env = {
            **env,
            "TERM": term,  # what the benchmark and the issue name, whatever runs the tests
            "COLUMNS": str(cols),
            "LINES": str(rows),
        }
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.bytes_read = 0
        self.raw = bytearray()
        self.child = pexpect.spawn(VAPOR, args, env=full_env, dimensions=(rows, cols), timeout=20)

    def pump(self, seconds: float = 0.1) -> int:
        """Read whatever the app wrote for up to `seconds`; returns the byte count."""
        end = time.monotonic() + seconds
        got = 0
        fd = self.child.child_fd
        while True:
            left = end - time.monotonic()
            if left <= 0:
                break
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                break
            try:
                data = os.read(fd, 65536)
            except OSError:
                break
            if not data:
                break
            got += len(data)
            self.raw += data
            self.stream.feed(data)
        self.bytes_read += got
        return got

    def restored_terminal(self) -> bool:
        """Did the app, on its way out, leave the alternate screen, show the cursor and stop
        mouse reporting, after the last time it switched them on?"""
        tail = bytes(self.raw[self.raw.rfind(b"\x1b[?1049h") :])
        return all(seq in tail for seq in (b"\x1b[?1049l", b"\x1b[?25h", b"\x1b[?1000l"))

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def wait_for(self, needle: str, timeout: float = 30.0) -> str:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            self.pump(0.1)
            if needle in self.text():
                return self.text()
            if not self.child.isalive():
                break
        raise AssertionError(f"{needle!r} never appeared; the screen was:\n{self.text()}")

    def send(self, keys: str) -> None:
        self.child.send(keys)

    def wait_exit(self, timeout: float = 10.0) -> int:
        end = time.monotonic() + timeout
        while self.child.isalive() and time.monotonic() < end:
            self.pump(0.1)
        if self.child.isalive():
            self.child.kill(9)
            raise AssertionError("the app did not exit")
        # What it wrote just before it ended may still be in the pty (a loaded machine: the
        # last message and the exit can fall between two pumps).
        while self.pump(0.2):
            pass
        self.child.close()
        return (
            self.child.exitstatus if self.child.exitstatus is not None else -self.child.signalstatus
        )

    def close(self) -> None:
        if self.child.isalive():
            self.child.kill(9)
        self.child.close()

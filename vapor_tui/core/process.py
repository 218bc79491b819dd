"""Which process is which: this machine's name, a process's start time (so a reused process
id is not taken for the run that had it), whether it is still there, and the login name.
Read from /proc on Linux; elsewhere the start time is unknown and only the id is compared."""

from __future__ import annotations

import getpass
import os
import socket
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ProcessId", "current_process", "host_name", "is_running", "start_time", "user_name"]


@dataclass(frozen=True, slots=True)
class ProcessId:
    host: str
    pid: int
    started: int | None  # clock ticks since boot (/proc/PID/stat field 22), None if unknown
    user: str


def host_name() -> str:
    return socket.gethostname()


def user_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no entry in the password database (a container, say)
        return str(os.getuid())


def start_time(pid: int) -> int | None:
    """The process's start time in clock ticks since boot, or None (no such process, or no
    /proc). Its name may hold spaces and parentheses: the fields after the last ')' count."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return None
    try:
        return int(raw[raw.rindex(b")") + 2 :].split()[19])
    except (ValueError, IndexError):
        return None


def is_running(pid: int, started: int | None) -> bool:
    """Whether the process `pid` that started at `started` is still there (a zombie counts as
    ended: it will never call finish())."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # another user's: it exists
    if Path("/proc").is_dir():
        now = start_time(pid)
        if now is None or (started is not None and now != started):
            return False
        return not _is_zombie(pid)
    return True


def _is_zombie(pid: int) -> bool:
    try:
        raw = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return True
    return raw[raw.rindex(b")") + 2 : raw.rindex(b")") + 3] in (b"Z", b"X")


def current_process() -> ProcessId:
    pid = os.getpid()
    return ProcessId(host_name(), pid, start_time(pid), user_name())

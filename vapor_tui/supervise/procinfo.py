"""What this machine's process table says: a process's start time, whether it is still the
process a job recorded (a pid is reused once its process ends), this host and user."""

from __future__ import annotations

import getpass
import os
import socket


def start_time(pid: int) -> int | None:
    """The process's start time in clock ticks since boot (/proc/PID/stat, field 22), or None
    if there is no such process (or it is a zombie: ended, not yet reaped)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read()
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may hold spaces or parentheses itself.
    fields = stat[stat.rfind(b")") + 2 :].split()
    if not fields or fields[0] in (b"Z", b"X"):
        return None
    return int(fields[19])


def is_alive(pid: int, started: float | int | None) -> bool:
    """Whether `pid` is still the process that started at `started` (ticks, as start_time)."""
    now = start_time(pid)
    return now is not None and (started is None or now == int(started))


def host_name() -> str:
    return socket.gethostname()


def user_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return str(os.getuid())


def kill_leftovers(pgid: int, not_before: float | int | None) -> int:
    """SIGKILL what is left of a command's process group once its supervisor and the command
    are gone (children it started, now orphans): the processes of group `pgid` that started
    no earlier than the command (`not_before`, ticks), so a reused id is never taken for it.
    How many were killed."""
    import signal

    killed = 0
    try:
        names = os.listdir("/proc")
    except OSError:
        return 0
    for name in names:
        if not name.isdecimal():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2 :].split()
        if len(fields) < 20 or fields[0] in (b"Z", b"X") or int(fields[2]) != pgid:
            continue
        if not_before is not None and int(fields[19]) < int(not_before):
            continue
        try:
            os.kill(int(name), signal.SIGKILL)
            killed += 1
        except OSError:
            pass
    return killed

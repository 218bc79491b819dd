"""What is left of a command's process group once its supervisor is gone. (Which process is
which, this host and user: vapor_tui/core/process.py.)"""

from __future__ import annotations

import os


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

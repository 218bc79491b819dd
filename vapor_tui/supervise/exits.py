"""How a command's exit reads in a job's status and reason."""

from __future__ import annotations

import signal

from vapor_tui.core.status import JobStatus

MAX_REASON = 300


def signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def exit_outcome(returncode: int, last_stderr: str) -> tuple[JobStatus, str]:
    """(status, reason) for a command that ended by itself (nobody asked it to stop).
    `returncode` as subprocess gives it: negative for a signal."""
    if returncode == 0:
        return JobStatus.COMPLETE, "exited with status 0"
    if returncode < 0:
        return JobStatus.FAILED, f"killed by {signal_name(-returncode)}"
    reason = f"exited with status {returncode}"
    tail = last_stderr.strip()
    if tail:
        reason = f"{reason}: {tail}"
    if len(reason) > MAX_REASON:
        reason = reason[: MAX_REASON - 1] + "…"
    return JobStatus.FAILED, reason

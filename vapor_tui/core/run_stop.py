"""The stop ladder's first rungs for a run of the logging API (`x`, `x` again, `f`): what each
action writes to its row. The script owns its process: rung 1 is a request its should_stop()
sees; rung 2 is SIGINT, sent by the app or command line on the run's machine, or by the run's
own writer thread when the request came from elsewhere (vapor_tui/run/writer.py)."""

from __future__ import annotations

from typing import Any

from .status import Action, JobStatus

__all__ = [
    "SIGNAL_SENT",
    "STOP_NOW_RUNG",
    "STOP_REQUESTED",
    "run_action_values",
    "stop_now_reason",
]

STOP_REQUESTED = "stop requested"
STOP_RUNG = 1
STOP_NOW_RUNG = 2
# The reason of a stop-now whose SIGINT the app or the command line sent: the run's writer
# sends none of its own then. Any other stop-now reason leaves the signal to the run.
SIGNAL_SENT = "stop now: SIGINT sent"


# Why this machine does not send a run's stop-now SIGINT itself (run_actions.signal_here).
ELSEWHERE, OTHER_USER, NOT_HERE, ENDED = "elsewhere", "other user", "not here", "ended"


def stop_now_reason(
    pid: int | None, host: str | None, sent_here: bool, why: str = ELSEWHERE, user: str = ""
) -> str:
    """What stop now did, as it happened: the SIGINT sent from here, or left to the run's own
    writer thread (which sends it within a second of reading the rung, on whatever machine
    the run is on), or not sent because the process had ended."""
    if sent_here:
        return f"{SIGNAL_SENT} to process {pid}"
    own = "the SIGINT is sent by its own run (its writer thread, within a second)"
    if why == OTHER_USER:
        return f"stop now: process {pid} is {user or 'another user'}'s, not yours: {own}"
    if why == NOT_HERE:
        return f"stop now: process {pid} is not running on {host} any more: no SIGINT sent"
    if why == ENDED:
        return f"stop now: process {pid} ended before the SIGINT reached it"
    return f"stop now: process {pid} runs on {host}: {own} there"


def run_action_values(
    status: JobStatus, stop_rung: int, action: Action, now_s: float, reason: str | None = None
) -> dict[str, Any] | None:
    """The columns `action` sets on an active run, or None where it is not allowed (a run is
    started by its script, and completed by it)."""
    if not status.is_active:
        return None
    if action is Action.STOP:
        if status is JobStatus.RUNNING:
            return {
                "status": JobStatus.STOPPING.value,
                "reason": reason or STOP_REQUESTED,
                "stop_rung": max(stop_rung, STOP_RUNG),
            }
        return {
            "status": JobStatus.STOPPING.value,
            "reason": reason or stop_now_reason(None, None, False),
            "stop_rung": max(stop_rung, STOP_NOW_RUNG),
        }
    if action is Action.FAIL:
        return {
            "status": JobStatus.FAILED.value,
            "reason": reason or "marked failed by user",
            "finished_at": now_s,
        }
    return None

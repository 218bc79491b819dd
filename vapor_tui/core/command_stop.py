"""The stop ladder's rungs for a launched command (`x`, `x` again, `f`): what each action
writes to its row. The command's supervisor watches the row and sends the signals
(vapor_tui/supervise/ladder.py): rung 1 a stop request (SIGINT at once for a command that did
not attach through the logging API), 2 SIGINT, 3 SIGTERM, 4 SIGKILL; `f` SIGTERM, then SIGKILL."""

from __future__ import annotations

from typing import Any

from .run_stop import SIGNAL_SENT
from .status import Action, JobStatus

SOURCE_COMMAND = "command"
TOP_RUNG = 4
# Beyond rung 1 the reason starts as run_stop.SIGNAL_SENT does: the supervisor sends the
# signals, so a script attached through the logging API does not interrupt itself as well.
RUNG_REASONS = {
    1: "stop requested",
    2: f"{SIGNAL_SENT} to its process group",
    3: f"{SIGNAL_SENT}, then SIGTERM",
    4: f"{SIGNAL_SENT}, then SIGKILL",
}


def command_action_values(
    status: JobStatus, stop_rung: int, action: Action, now_s: float, reason: str | None = None
) -> dict[str, Any] | None:
    """The columns `action` sets on an active command job, or None where this module has no
    say (a start, a queued or ended job: the ordinary transitions)."""
    if not status.is_active:
        return None
    if action is Action.STOP:
        rung = 1 if status is JobStatus.RUNNING else min(TOP_RUNG, max(stop_rung, 1) + 1)
        rung = max(rung, stop_rung)
        return {
            "status": JobStatus.STOPPING.value,
            "reason": reason or RUNG_REASONS[rung],
            "stop_rung": rung,
        }
    if action is Action.FAIL:  # SIGTERM at once: rung 3, for the supervisor to act on
        return {
            "status": JobStatus.FAILED.value,
            "reason": reason or "marked failed by user",
            "finished_at": now_s,
            "stop_rung": max(stop_rung, 3),
        }
    return None

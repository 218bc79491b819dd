"""Runs that died: a run whose process ended without finish() is failed, by whoever looks
first. On the run's own machine its process table says so at once; from another machine only
the heartbeat can: a run silent for HEARTBEAT_LIMIT_S is taken for dead."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

HEARTBEAT_LIMIT_S = 60.0

__all__ = ["HEARTBEAT_LIMIT_S", "RunProcess", "why_ended"]


@dataclass(frozen=True, slots=True)
class RunProcess:
    """What a job's row says of the process that produces its points."""

    host: str | None
    pid: int | None
    pid_started: int | None
    heartbeat_at: float | None  # seconds since the epoch; None before the first one
    started_at: float | None


def why_ended(
    run: RunProcess,
    now_s: float,
    here: str,
    running: Callable[[int, int | None], bool],
) -> str | None:
    """The reason to fail the run with, or None while it may still be alive. `here` is this
    machine's name, `running(pid, started)` whether that process is still there."""
    if run.host is None or run.pid is None:
        return None
    if run.host == here:
        if running(run.pid, run.pid_started):
            return None
        return f"process {run.pid} ended without finish()"
    last = run.heartbeat_at if run.heartbeat_at is not None else run.started_at
    if last is None or now_s - last < HEARTBEAT_LIMIT_S:
        return None
    return f"no heartbeat from {run.host} for {HEARTBEAT_LIMIT_S:g} s"

"""How a run of the logging API ends: from the status its row has when the script finishes,
how the script ended, and the last step it logged. One definition for finish(), the context
manager and the hooks (vapor_tui/run) and the store's compare-and-set (store/runs.py)."""

from __future__ import annotations

from .status import JobStatus

__all__ = ["run_end"]


def run_end(
    status: JobStatus, exit_code: int, error: str | None, last_step: int
) -> tuple[JobStatus, str] | None:
    """(status, reason) to record, or None where the row keeps what it has: it ended already
    (the user marked it failed, or it was found dead). A KeyboardInterrupt that ends a run
    asked to stop is the stop it asked for."""
    if status.is_final:
        return None
    interrupted = error is not None and error.startswith("KeyboardInterrupt")
    if status is JobStatus.STOPPING and (interrupted or (error is None and exit_code == 0)):
        return JobStatus.STOPPED, f"stopped by user at step {last_step}"
    if error is not None:
        return JobStatus.FAILED, error
    if exit_code != 0:
        return JobStatus.FAILED, f"exited with status {exit_code}"
    return JobStatus.COMPLETE, f"finished at step {last_step}"

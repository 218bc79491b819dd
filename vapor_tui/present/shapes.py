"""The JSON shapes of a job: `vapor-tui jobs --json` prints summaries, `show --json` details."""

from __future__ import annotations

import math
from typing import Any

from vapor_tui.core.job import Job


def number(value: float | None) -> float | str | None:
    """A metric value for JSON, which has no NaN or infinity: those as the strings "NaN",
    "inf" and "-inf" (what Python's float() reads back)."""
    if value is None or math.isfinite(value):
        return value
    return "NaN" if math.isnan(value) else ("inf" if value > 0 else "-inf")


def job_summary(job: Job) -> dict[str, Any]:
    """The fields `vapor-tui jobs --json` prints."""
    eta = job.eta_seconds
    return {
        "id": job.id,
        "name": job.name,
        "model": job.model,
        "status": str(job.status),
        "step": job.steps_done,
        "total_steps": job.known_total,  # null: not known
        "progress": round(job.progress, 6) if job.known_total else None,
        "epoch": job.epoch,
        "epochs": job.epochs,
        "loss": number(job.last_loss),
        "eta_seconds": None if eta is None else round(eta, 3),
        "created_at": job.created_at.isoformat(),
        **_process(job),
    }


def _process(job: Job) -> dict[str, Any]:
    """A launched command's (and a run's) process: None where the job has none."""
    run = job.run
    return {
        "command": list(run.command) if run and run.command else None,
        "cwd": run.cwd if run else None,
        "host": run.host if run else None,
        "pid": run.pid if run else None,
        "supervisor_pid": run.supervisor_pid if run else None,
        "exit_code": run.exit_code if run else None,
    }


def job_details(job: Job, metrics: list[str] | None = None) -> dict[str, Any]:
    """Everything `vapor-tui show --json` prints: `metrics` are the job's series names."""
    speed = job.steps_per_second
    run = job.run
    process = {}
    if run is not None:
        process = {
            "host": run.host,
            "pid": run.pid,
            "user": run.user_name,
            "command": list(run.command) if run.command else None,
            "cwd": run.cwd,
            "exit_code": run.exit_code,
        }
    return {
        **job_summary(job),
        "reason": job.reason,
        "source": job.source,
        "config": job.config.as_dict() if job.config else dict(job.run.config if job.run else {}),
        "started_at": job.started_at.isoformat() if job.started_at else None,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
        "best_loss": number(job.best_loss),
        "val_loss": number(job.last_val_loss),
        "steps_per_second": round(speed, 6) if speed else None,
        "stop_at_step": job.stop_at_step,
        "metrics": metrics if metrics is not None else [],
        **process,
    }

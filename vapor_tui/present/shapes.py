"""The JSON shapes of a job: `vapor-tui jobs --json` prints summaries, `show --json` details."""

from __future__ import annotations

from typing import Any

from vapor_tui.core.job import Job


def job_summary(job: Job) -> dict[str, Any]:
    """The fields `vapor-tui jobs --json` prints."""
    eta = job.eta_seconds
    return {
        "id": job.id,
        "name": job.name,
        "model": job.model,
        "status": str(job.status),
        "step": job.steps_done,
        "total_steps": job.total_steps,
        "progress": round(job.progress, 6),
        "epoch": job.epoch,
        "epochs": job.epochs,
        "loss": job.last_loss,
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


def job_details(job: Job) -> dict[str, Any]:
    """Everything `vapor-tui show --json` prints."""
    speed = job.steps_per_second
    return {
        **job_summary(job),
        "reason": job.reason,
        "source": job.source,
        "config": job.config.as_dict() if job.config else dict(job.run.config if job.run else {}),
        "started_at": job.started_at.isoformat() if job.started_at else None,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
        "best_loss": job.best_loss,
        "val_loss": job.last_val_loss,
        "steps_per_second": round(speed, 6) if speed else None,
        "stop_at_step": job.stop_at_step,
    }

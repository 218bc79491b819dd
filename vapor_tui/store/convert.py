"""Database rows to plain frozen dataclasses: nothing past the store holds a live row."""

from __future__ import annotations

from vapor_tui.core.clock import from_epoch
from vapor_tui.core.config import Curve, JobConfig, Schedule
from vapor_tui.core.job import Job
from vapor_tui.core.status import JobStatus


def config_from_row(row) -> JobConfig:
    return JobConfig(
        name=row.name,
        model=row.model,
        epochs=row.epochs,
        steps_per_epoch=row.steps_per_epoch,
        learning_rate=row.learning_rate,
        batch_size=row.batch_size,
        schedule=Schedule(row.schedule),
        curve=Curve(row.curve),
        seed=row.seed,
        step_seconds=row.step_seconds,
    )


def job_from_row(row) -> Job:
    return Job(
        id=row.id,
        config=config_from_row(row),
        status=JobStatus(row.status),
        reason=row.reason,
        created_at=from_epoch(row.created_at),
        started_at=from_epoch(row.started_at) if row.started_at is not None else None,
        finished_at=from_epoch(row.finished_at) if row.finished_at is not None else None,
        steps_done=row.steps_done,
        last_loss=row.last_loss,
        best_loss=row.best_loss,
        last_val_loss=row.last_val_loss,
        ema_step_seconds=row.ema_step_seconds,
        last_timestamp=row.last_timestamp,
        stop_at_step=row.stop_at_step,
        version=row.version,
        source=row.source,
    )


def config_values(cfg: JobConfig) -> dict:
    return {
        "name": cfg.name,
        "model": cfg.model,
        "epochs": cfg.epochs,
        "steps_per_epoch": cfg.steps_per_epoch,
        "learning_rate": cfg.learning_rate,
        "batch_size": cfg.batch_size,
        "schedule": cfg.schedule.value,
        "curve": cfg.curve.value,
        "seed": cfg.seed,
        "step_seconds": cfg.step_seconds,
    }

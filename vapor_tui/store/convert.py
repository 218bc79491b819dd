"""Database rows to plain frozen dataclasses: nothing past the store holds a live row."""

from __future__ import annotations

import json
import math
from collections import namedtuple
from typing import Any

from vapor_tui.core.clock import from_epoch
from vapor_tui.core.config import ConfigError, Curve, JobConfig, Schedule, stored_config
from vapor_tui.core.job import SOURCE_SIMULATOR, Job, RunInfo
from vapor_tui.core.status import JobStatus
from vapor_tui.core.text import shown

from .sqlite_file import StoreError


class UnreadableJob(StoreError):
    """A job row this vapor-tui cannot read (a status that is not one of ours, a field out of
    range): reported by its id, and the other jobs are shown."""

    def __init__(self, job_id: int, why: str):
        self.job_id = job_id
        self.why = why
        super().__init__(f"job #{job_id} cannot be read: {why}")


def _why(row, exc: Exception) -> str:
    if isinstance(exc, ConfigError):
        return f"its {exc.field.replace('_', ' ')} {exc.message}"
    statuses = {s.value for s in JobStatus}
    if row.status not in statuses:
        return f"its status {shown(row.status)} is not one vapor-tui knows"
    for name, kind in (("schedule", Schedule), ("curve", Curve)):
        if getattr(row, name) not in {k.value for k in kind}:
            return f"its {name} {shown(getattr(row, name))} is not one vapor-tui knows"
    return f"{type(exc).__name__}: {shown(exc, 80)}"


_SHAPES: dict[tuple[str, ...], Any] = {}


def named_rows(keys: tuple[str, ...], rows: Any) -> list[Any]:
    """Rows (any tuples: the driver's) as named tuples of these columns."""
    shape: Any = _SHAPES.get(keys)
    if shape is None:
        shape = _SHAPES[keys] = namedtuple("Row", keys)
    make = shape._make
    return [make(row) for row in rows]


_CONFIGS: dict[tuple, JobConfig] = {}  # checked once: a tick reads the same ones again
_CONFIGS_KEPT = 4096


def config_key(row) -> tuple:
    """The columns a simulated job's configuration is read from, as they are stored."""
    return (
        row.name,
        row.model,
        row.epochs,
        row.steps_per_epoch,
        row.learning_rate,
        row.batch_size,
        row.schedule,
        row.curve,
        row.seed,
        row.step_seconds,
    )


def config_from_row(row) -> JobConfig:
    values = config_key(row)
    # The types too: 3 and 3.0 are one key, and one may be refused where the other is not.
    key = (*values, *map(type, values))
    cfg = _CONFIGS.get(key)
    if cfg is None:
        cfg = stored_config(
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
        if len(_CONFIGS) >= _CONFIGS_KEPT:
            _CONFIGS.clear()
        _CONFIGS[key] = cfg
    return cfg


def job_from_row(row) -> Job:
    """The job a row holds, or UnreadableJob saying why it cannot be read."""
    try:
        return _job(row)
    except (ValueError, TypeError, OverflowError) as exc:  # ConfigError is a ValueError
        raise UnreadableJob(row.id, _why(row, exc)) from exc


def run_from_row(row) -> RunInfo:
    """A run's or a launched command's settings (JSON text columns decoded)."""
    config = json.loads(row.config) if row.config else {}
    command = json.loads(row.command) if row.command else None
    env = json.loads(row.env) if row.env else None
    if not isinstance(config, dict):
        raise ValueError(f"its config is not a JSON object: {shown(row.config, 40)}")
    return RunInfo(
        name=row.name,
        model=row.model or "",
        total_steps=row.total_steps,
        epochs=row.epochs,
        config=config,
        host=row.host,
        pid=row.pid,
        pid_started=row.pid_started,
        user_name=row.user_name,
        heartbeat_at=row.heartbeat_at,
        command=tuple(command) if command is not None else None,
        cwd=row.cwd,
        env=env,
        stop_grace=row.stop_grace,
        supervisor_pid=row.supervisor_pid,
        supervisor_started=row.supervisor_started,
        exit_code=row.exit_code,
        last_epoch=getattr(row, "last_epoch", None),  # where the read selected it
    )


def _job(row) -> Job:
    simulated = row.source == SOURCE_SIMULATOR
    flags = getattr(row, "nan_flags", 0) or 0
    return Job(
        id=row.id,
        config=config_from_row(row) if simulated else None,
        run=None if simulated else run_from_row(row),
        stop_rung=getattr(row, "stop_rung", 0) or 0,
        last_loss_nan=bool(flags & 1),
        last_val_loss_nan=bool(flags & 2),
        status=JobStatus(row.status),
        reason=row.reason,
        created_at=from_epoch(row.created_at),
        started_at=from_epoch(row.started_at) if row.started_at is not None else None,
        finished_at=from_epoch(row.finished_at) if row.finished_at is not None else None,
        steps_done=row.steps_done,
        last_loss=math.nan if flags & 1 else row.last_loss,
        best_loss=row.best_loss,
        last_val_loss=math.nan if flags & 2 else row.last_val_loss,
        ema_step_seconds=row.ema_step_seconds,
        last_timestamp=row.last_timestamp,
        stop_at_step=row.stop_at_step,
        version=row.version,
        source=row.source,
    )


class JobList(list):
    """Jobs read from rows, and the rows that could not be read (reported, not shown)."""

    def __init__(self, jobs=(), unreadable: tuple[UnreadableJob, ...] = ()):
        super().__init__(jobs)
        self.unreadable = unreadable

    def problem(self) -> str | None:
        """One line naming the rows left out, or None."""
        if not self.unreadable:
            return None
        if len(self.unreadable) == 1:
            return str(self.unreadable[0])
        ids = ", ".join(f"#{e.job_id}" for e in self.unreadable)
        return f"jobs {ids} cannot be read ({self.unreadable[0].why}, ...)"


def read_rows(rows) -> JobList:
    jobs, bad = [], []
    for row in rows:
        try:
            jobs.append(job_from_row(row))
        except UnreadableJob as exc:
            bad.append(exc)
    return JobList(jobs, tuple(bad))


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
        "total_steps": cfg.total_steps,
    }

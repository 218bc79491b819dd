"""A job as the screens and the command line see it: an immutable snapshot."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from .config import JobConfig
from .eta import eta_seconds
from .status import JobStatus

SOURCE_SIMULATOR = "simulator"


@dataclass(frozen=True, slots=True)
class RunInfo:
    """What a job that a real process produces (a training script's run, a launched command)
    has beside a simulated one: the process, what the script said of itself, the stop rung."""

    host: str | None = None
    pid: int | None = None
    pid_started: float | None = None  # /proc/PID/stat start time: a reused pid is not it
    user: str | None = None
    heartbeat_at: float | None = None
    stop_rung: int = 0
    config_json: str | None = None  # the script's config dict, as JSON text
    total_steps: int | None = None  # None: the script did not say
    epochs: int | None = None


@dataclass(frozen=True, slots=True)
class Job:
    id: int
    config: JobConfig
    status: JobStatus
    reason: str
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    steps_done: int = 0
    last_loss: float | None = None
    best_loss: float | None = None
    last_val_loss: float | None = None
    ema_step_seconds: float | None = None
    last_timestamp: float | None = None
    stop_at_step: int | None = None
    # Bumped on every change to the row: equal versions mean nothing to redraw.
    version: int = 0
    # Who produces the points: the simulator today, a logging API later.
    source: str = SOURCE_SIMULATOR
    # A real run's process and what it said of itself; None for a simulated job. A run's
    # `config` holds only its name and model (and stand-ins the simulator would need).
    run: RunInfo | None = None

    @property
    def is_run(self) -> bool:
        return self.run is not None

    @property
    def name(self) -> str:
        return self.config.name

    @property
    def model(self) -> str:
        return self.config.model

    @property
    def total_steps(self) -> int:
        """The steps the job will have when complete; 0 for a run that did not say."""
        if self.run is not None:
            return self.run.total_steps or 0
        return self.config.total_steps

    @property
    def progress(self) -> float:
        return min(1.0, self.steps_done / self.total_steps) if self.total_steps else 0.0

    @property
    def epochs(self) -> int | None:
        """How many epochs; None for a run that did not say."""
        return self.run.epochs if self.run is not None else self.config.epochs

    @property
    def epoch(self) -> int:
        """The epoch being trained (or the last one trained); 0 before the first step (and
        for a run that did not say its epochs and steps)."""
        if self.run is not None and not (self.run.epochs and self.run.total_steps):
            return 0
        if self.steps_done == 0:
            return 1 if self.status.is_active else 0
        spe = self.config.steps_per_epoch
        current = math.ceil(self.steps_done / spe)
        if self.status.is_active and self.steps_done % spe == 0:
            current += 1
        return min(current, self.epochs or self.config.epochs)

    @property
    def target_step(self) -> int:
        """Where the job will end if nothing else happens."""
        if self.run is not None:
            return self.total_steps
        if self.status is JobStatus.STOPPING and self.stop_at_step is not None:
            return self.stop_at_step
        return self.total_steps

    @property
    def eta_seconds(self) -> float | None:
        if not self.status.is_active:
            return None
        return eta_seconds(
            self.ema_step_seconds, self.steps_done, self.target_step - self.steps_done
        )

    @property
    def steps_per_second(self) -> float | None:
        """The current speed while the job runs; its average over the run once it has ended."""
        if self.status.is_active or self.last_timestamp is None or self.started_at is None:
            return 1.0 / self.ema_step_seconds if self.ema_step_seconds else None
        span = self.last_timestamp - self.started_at.timestamp()
        return self.steps_done / span if span > 0 and self.steps_done else None

    def elapsed_seconds(self, now: datetime) -> float | None:
        if self.started_at is None:
            return None
        end = self.finished_at or now
        return max(0.0, (end - self.started_at).total_seconds())

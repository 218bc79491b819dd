"""A job as the screens and the command line see it: an immutable snapshot."""

from __future__ import annotations

import math
import shlex
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .config import JobConfig
from .eta import eta_seconds
from .status import JobStatus

SOURCE_SIMULATOR = "simulator"
SOURCE_API = "api"  # a script attached through the logging API
SOURCE_COMMAND = "command"  # a command vapor-tui launched and supervises


@dataclass(frozen=True, slots=True)
class RunInfo:
    """What a job that is not simulated (a run through the API, a launched command) has in
    place of the simulator's settings: its name and model, what it said of its length, its
    config dict, and the process that produces its points."""

    name: str
    model: str = ""
    total_steps: int | None = None  # None: not known
    epochs: int | None = None
    config: dict[str, Any] = field(default_factory=dict)
    host: str | None = None
    pid: int | None = None
    pid_started: float | None = None
    user_name: str | None = None
    heartbeat_at: float | None = None
    command: tuple[str, ...] | None = None
    cwd: str | None = None
    env: dict[str, str] | None = None
    stop_grace: float | None = None
    supervisor_pid: int | None = None
    supervisor_started: float | None = None
    exit_code: int | None = None
    last_epoch: float | None = None  # the latest value of an `epoch` series it logs


def epoch_text(epoch: float, epochs: int | None) -> str:
    """A logged epoch (the Trainer's 1.5: half way through the second) as the tables show it:
    `2/3` when the run said how many, else the value itself (`1.5`)."""
    if epochs:
        return f"{min(max(1, math.ceil(epoch)), epochs)}/{epochs}"
    return f"{epoch:.2f}".rstrip("0").rstrip(".")


@dataclass(frozen=True, slots=True)
class Job:
    id: int
    config: JobConfig | None  # the simulator's settings: None for a run or a command
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
    # Who produces the points: the simulator, a script through the API, a launched command.
    source: str = SOURCE_SIMULATOR
    run: RunInfo | None = None  # set when config is None
    stop_rung: int = 0  # the stop ladder: 0 none asked .. 4 SIGKILL
    last_loss_nan: bool = False  # the last loss (or validation loss) logged was NaN
    last_val_loss_nan: bool = False
    # known_total, worked out once: the jobs table asks it of every job several times a tick.
    _total: int | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if (self.config is None) == (self.run is None):
            raise ValueError("a job has either the simulator's settings or a run's, not both")
        total = self.config.total_steps if self.config is not None else self._run.total_steps
        object.__setattr__(self, "_total", total)

    @property
    def is_simulated(self) -> bool:
        return self.config is not None

    @property
    def sim(self) -> JobConfig:
        """The simulator's settings of a simulated job (ValueError for a run)."""
        if self.config is None:
            raise ValueError(f"job #{self.id} is not simulated")
        return self.config

    @property
    def name(self) -> str:
        return self.config.name if self.config is not None else self._run.name

    @property
    def model(self) -> str:
        return self.config.model if self.config is not None else self._run.model

    @property
    def _run(self) -> RunInfo:
        assert self.run is not None  # __post_init__: one or the other
        return self.run

    @property
    def known_total(self) -> int | None:
        """The step the job ends at, if known (a run need not say)."""
        return self._total

    @property
    def total_steps(self) -> int:
        """The total if known, else 0 (progress and ETA are then unknown: known_total)."""
        return self._total or 0

    @property
    def epochs(self) -> int | None:
        return self.config.epochs if self.config is not None else self._run.epochs

    def setting_words(self) -> list[str]:
        """The job's settings in a few words each: the simulator's, or a run's process and
        config (the detail screen and `show`)."""
        if self.config is not None:
            c = self.config
            return [
                f"{c.epochs} x {c.steps_per_epoch} steps",
                f"lr {c.learning_rate:g}",
                f"batch {c.batch_size}",
                f"{c.schedule}",
                f"{c.curve}",
                f"seed {c.seed}",
                f"{c.step_seconds:g} s/step",
            ]
        run = self._run
        words = [f"{self.source} run"]
        if run.host is not None:
            words.append(f"on {run.host}" + (f" pid {run.pid}" if run.pid is not None else ""))
        if run.command:  # quoted as a shell would read it back, though none runs it
            words.append(shlex.join(run.command))
            words += [f"in {run.cwd}"] if run.cwd else []
            if run.supervisor_pid is not None:
                words.append(f"supervisor pid {run.supervisor_pid}")
            if run.exit_code is not None:
                words.append(f"exit status {run.exit_code}")
        words += [f"{key} {value}" for key, value in run.config.items()]
        return words

    @property
    def epoch_label(self) -> str:
        """`2/3` as the tables show it (from the `epoch` series a run logs, if it does); `-`
        when the job does not say."""
        logged = self.run.last_epoch if self.run is not None else None
        if logged is not None and math.isfinite(logged):
            return epoch_text(logged, self.epochs)
        return f"{self.epoch}/{self.epochs}" if self.epochs else "-"

    @property
    def progress(self) -> float:
        return min(1.0, self.steps_done / self.total_steps) if self.total_steps else 0.0

    @property
    def epoch(self) -> int:
        """The epoch being trained (or the last one trained); 0 before the first step."""
        if self.steps_done == 0:
            return 1 if self.status.is_active else 0
        epochs, total = self.epochs, self.known_total
        if not epochs or not total or total % epochs:
            return 0  # not known: a run that did not say, or epochs of unequal length
        spe = total // epochs
        current = math.ceil(self.steps_done / spe)
        if self.status.is_active and self.steps_done % spe == 0:
            current += 1
        return min(current, epochs)

    @property
    def target_step(self) -> int:
        """Where the job will end if nothing else happens."""
        if self.status is JobStatus.STOPPING and self.stop_at_step is not None:
            return self.stop_at_step
        return self.total_steps

    @property
    def eta_seconds(self) -> float | None:
        if not self.status.is_active or self.known_total is None:
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

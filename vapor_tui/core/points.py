"""Metric points as read-only numpy columns, and the smoothing the chart draws."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

COLUMNS = ("step", "epoch", "loss", "accuracy", "learning_rate", "val_loss", "timestamp")


@dataclass(frozen=True, slots=True, eq=False)
class Points:
    """A run of consecutive metric points. `val_loss` is NaN on steps without a validation pass.

    `timestamp` is simulated (or reported) time in seconds since the Unix epoch.
    """

    step: np.ndarray
    epoch: np.ndarray
    loss: np.ndarray
    accuracy: np.ndarray
    learning_rate: np.ndarray
    val_loss: np.ndarray
    timestamp: np.ndarray

    def __post_init__(self) -> None:
        n = len(self.step)
        for name in COLUMNS:  # not dataclasses.fields(): a tick makes a Points a job
            column = getattr(self, name)
            if len(column) != n:
                raise ValueError(f"column {name} has {len(column)} values, step has {n}")
            column.flags.writeable = False

    def __len__(self) -> int:
        return len(self.step)

    @classmethod
    def empty(cls) -> Points:
        ints = np.empty(0, dtype=np.int64)
        floats = np.empty(0, dtype=np.float64)
        return cls(ints, ints.copy(), *(floats.copy() for _ in range(5)))

    @classmethod
    def from_columns(cls, columns: dict[str, np.ndarray]) -> Points:
        return cls(**{name: np.asarray(columns[name]) for name in COLUMNS})

    @property
    def last_step(self) -> int:
        return int(self.step[-1]) if len(self) else 0

    def rows(self) -> Iterator[tuple[Any, ...]]:
        """Plain tuples in COLUMNS order, ready for an executemany."""
        # An object array with None where there is no validation: NULL in the database.
        val = np.where(np.isnan(self.val_loss), None, self.val_loss).tolist()  # type: ignore[call-overload]
        return zip(
            self.step.tolist(),
            self.epoch.tolist(),
            self.loss.tolist(),
            self.accuracy.tolist(),
            self.learning_rate.tolist(),
            val,
            self.timestamp.tolist(),
            strict=True,
        )

    def slice(self, start: int, stop: int | None = None) -> Points:
        return Points(*(getattr(self, n)[start:stop] for n in COLUMNS))

    def validation(self) -> tuple[np.ndarray, np.ndarray]:
        """(steps, val_loss) of the points that carry a validation loss."""
        mask = ~np.isnan(self.val_loss)
        return self.step[mask], self.val_loss[mask]


def ema_debiased(y: np.ndarray, weight: float) -> np.ndarray:
    """TensorBoard's smoothing: an exponential moving average with its start-up bias removed.

    `weight` in [0, 1): 0 returns the input, 0.9 smooths strongly.
    """
    if weight <= 0 or len(y) == 0:
        return np.asarray(y, dtype=np.float64)
    out = np.empty(len(y), dtype=np.float64)
    last = 0.0
    for i, value in enumerate(np.asarray(y, dtype=np.float64)):
        last = last * weight + (1 - weight) * value
        out[i] = last / (1 - weight ** (i + 1))
    return out

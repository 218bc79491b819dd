"""Time left, estimated from an exponential moving average of recent step durations (shown as
words by vapor_tui.present.text)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

ALPHA = 0.1  # weight of the newest step duration
MIN_SAMPLES = 5  # no estimate before this many steps have been timed
# Older samples weigh less than 1e-9 past this many steps, so a batch needs only its tail.
HORIZON = 200


def update_ema(
    previous: float | None, durations: np.ndarray | list[float], alpha: float = ALPHA
) -> float | None:
    """Fold step durations (oldest first) into an EMA; None stays None for no durations. A
    list (a run's flush) is folded in plain Python: a training script need not load numpy."""
    if isinstance(durations, list):
        ema = previous
        for one in durations[-HORIZON:]:
            ema = one if ema is None else (1.0 - alpha) * ema + alpha * one
        return ema
    import numpy as np

    d = np.asarray(durations, dtype=np.float64)[-HORIZON:]
    if len(d) == 0:
        return previous
    start = 0
    ema = previous
    if ema is None:
        ema, start = float(d[0]), 1
    rest = d[start:]
    n = len(rest)
    if n:
        weights = alpha * (1.0 - alpha) ** np.arange(n - 1, -1, -1)
        ema = (1.0 - alpha) ** n * ema + float(np.dot(weights, rest))
    return ema


def durations_from_timestamps(timestamps: np.ndarray, previous: float | None) -> np.ndarray:
    """Step durations from finish times; `previous` is the finish time of the step before."""
    import numpy as np

    t = np.asarray(timestamps, dtype=np.float64)
    if previous is None:
        return np.diff(t)
    return np.diff(t, prepend=previous)


def training_durations(
    timestamps: np.ndarray, val_loss: np.ndarray, previous: float | None
) -> np.ndarray:
    """The durations of the training steps among these: a step that carries a validation loss
    also ran the validation pass (a twentieth of an epoch in the simulator, far more in many
    real runs), and one such step in the average made the ETA jump at every epoch's end."""
    import numpy as np

    durations = durations_from_timestamps(timestamps, previous)
    return durations[np.isnan(np.asarray(val_loss, dtype=np.float64))]


def ema_after_steps(
    previous: float | None,
    timestamps: np.ndarray | list[float],
    val_loss: np.ndarray | list[float],
    previous_ts: float | None,
) -> float | None:
    """update_ema(previous, training_durations(timestamps, val_loss, previous_ts)), the same
    number; a tick's one new step folded in plain Python (numpy's cost per call was most of a
    tick's work per job: issue 14)."""
    if len(timestamps) > 2 or previous_ts is None:
        import numpy as np

        stamps, vals = np.asarray(timestamps), np.asarray(val_loss)
        return update_ema(previous, training_durations(stamps, vals, previous_ts))
    durations: list[float] = []
    before = previous_ts
    stamps_few = timestamps if isinstance(timestamps, list) else timestamps.tolist()
    vals_few = val_loss if isinstance(val_loss, list) else val_loss.tolist()
    for t, v in zip(stamps_few, vals_few, strict=True):
        if v != v:  # NaN: a training step (a validation step ran the validation pass too)
            durations.append(t - before)
        before = t
    if not durations:
        return previous
    if previous is None:
        previous, durations = durations[0], durations[1:]
    if not durations:
        return previous
    if len(durations) > 1:  # numpy's dot may round differently: leave it to update_ema
        import numpy as np

        return update_ema(previous, np.array(durations))
    return (1.0 - ALPHA) * previous + ALPHA * durations[0]  # update_ema's sum for one


def eta_seconds(ema: float | None, samples: int, remaining_steps: int) -> float | None:
    if ema is None or samples < MIN_SAMPLES or remaining_steps < 0:
        return None
    return ema * remaining_steps


def steps_per_second(ema: float | None) -> float | None:
    return 1.0 / ema if ema and ema > 0 else None

"""The writer's pending lists as the store's batch: numpy arrays in step order, a step logged
twice keeping its later value (a run resumed from a checkpoint logs steps again)."""

from __future__ import annotations

import numpy as np

from vapor_tui.core.series import Batch, SeriesPoints

from .buffer import Pending

__all__ = ["to_batch"]


def to_batch(pending: Pending) -> Batch:
    batch = {}
    for name, (steps, values, stamps) in pending.items():
        step = np.asarray(steps, dtype=np.int64)
        value = np.asarray(values, dtype=np.float64)
        stamp = np.asarray(stamps, dtype=np.float64)
        if len(step) > 1 and np.any(np.diff(step) <= 0):
            # Stable sort, then the last of each run of equal steps: the later value wins.
            order = np.argsort(step, kind="stable")
            step, value, stamp = step[order], value[order], stamp[order]
            last = np.append(step[1:] != step[:-1], True)
            step, value, stamp = step[last], value[last], stamp[last]
        batch[name] = SeriesPoints(step, value, stamp)
    return batch

"""The writer's pending lists as the store's batch: plain lists in step order (no numpy: a
training script's process need not load it for vapor-tui), a step logged twice keeping its
later value (a run resumed from a checkpoint logs steps again)."""

from __future__ import annotations

from vapor_tui.core.point_list import PointList

from .buffer import Pending

__all__ = ["to_batch"]


def to_batch(pending: Pending) -> dict[str, PointList]:
    return {name: PointList.logged(*columns) for name, columns in pending.items()}

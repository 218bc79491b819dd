"""Which of a job's series are its loss and its validation loss, the order series are shown
in, and how a value reads. Only the standard library: the store's write path, which a
training script's writer thread runs, needs these without numpy."""

from __future__ import annotations

import math
from collections.abc import Iterable

__all__ = ["LOSS_NAMES", "VALIDATION_NAMES", "first_present", "ordered_names", "value_text"]

# The series a chart and the jobs table look at first, and the names they fall back on.
LOSS_NAMES = ("loss", "train_loss")
VALIDATION_NAMES = ("val_loss", "eval_loss", "eval/loss")


def ordered_names(names: Iterable[str]) -> list[str]:
    """The order series are shown and cycled through: `loss` first, then alphabetical."""
    unique = set(names)
    rest = sorted(unique - {"loss"})
    return ["loss", *rest] if "loss" in unique else rest


def first_present(names: Iterable[str], wanted: tuple[str, ...]) -> str | None:
    """The first of `wanted` (LOSS_NAMES, VALIDATION_NAMES) among `names`."""
    have = set(names)
    return next((name for name in wanted if name in have), None)


def value_text(value: float, digits: int = 4) -> str:
    """A metric value as a person reads it: NaN and ±inf named, not hidden."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return f"{value:.{digits}f}"

"""What log() accepts: metric names and numbers. Python numbers, numpy scalars and anything
with `.item()` that gives one number (a torch tensor of one value), without importing numpy or
torch. NaN and infinities are values like any other. Anything else refuses the whole call with
an error that names the metric, as wandb and trackio do for types."""

from __future__ import annotations

import operator
from collections.abc import Mapping
from typing import Any

__all__ = ["metric_values", "step_number"]


def metric_values(metrics: Mapping[str, Any]) -> list[tuple[str, float]]:
    if not isinstance(metrics, Mapping):
        raise TypeError(
            f"log() takes a dict of metric names and numbers, not {type(metrics).__name__}"
        )
    out = []
    for name, value in metrics.items():
        if not isinstance(name, str) or not name.strip():
            raise TypeError(f"a metric name must be a non-empty string, not {name!r}")
        out.append((name, _number(name, value)))
    return out


def _number(name: str, value: Any) -> float:
    if type(value) is float:  # the common case first: log() is called in a training loop
        return value
    if isinstance(value, bool | int | float):
        return _float(name, value)
    if isinstance(value, str | bytes | Mapping | list | tuple | set) or value is None:
        raise TypeError(
            f"metric {name!r} must be a number, not {_shown(value)}"
            + (" (log nested metrics as 'group/name' keys)" if isinstance(value, Mapping) else "")
        )
    item = getattr(value, "item", None)
    if callable(item):
        try:
            inner = item()
        except (ValueError, RuntimeError) as exc:  # a tensor or array of several values
            raise ValueError(f"metric {name!r} must be one number: {exc}") from None
        if isinstance(inner, bool | int | float):
            return _float(name, inner)
        raise TypeError(f"metric {name!r} must be a number, not {_shown(inner)} from .item()")
    try:
        return _float(name, operator.index(value))
    except TypeError:
        pass
    try:
        return float(value)  # Decimal, Fraction, numpy scalars without .item()
    except (TypeError, ValueError):
        raise TypeError(f"metric {name!r} must be a number, not {_shown(value)}") from None


def _float(name: str, value: bool | int | float) -> float:
    try:
        return float(value)
    except OverflowError:
        raise ValueError(f"metric {name!r} is too large for a float: {value}") from None


def _shown(value: Any) -> str:
    text = repr(value)
    text = text if len(text) <= 40 else text[:37] + "..."
    return f"{type(value).__name__} {text}" if value is not None else "None"


def step_number(step: Any) -> int:
    """A step given to log(): a whole number >= 1 (numpy integers too)."""
    if isinstance(step, bool):
        raise TypeError(f"step must be a whole number, not {step!r}")
    try:
        number = operator.index(step)
    except TypeError:
        item = getattr(step, "item", None)
        inner = item() if callable(item) else None
        if isinstance(inner, int) and not isinstance(inner, bool):
            number = inner
        else:
            raise TypeError(f"step must be a whole number, not {_shown(step)}") from None
    if number < 1:
        raise ValueError(f"step must be 1 or more, not {number}")
    return number

"""Figures: the samples a benchmark measured, their median, min and max, and the floor."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Floor:
    """What the issue asks of a figure's median: `op` is "<=" (at most) or ">=" (at least)."""

    op: str
    value: float

    def passes(self, median: float) -> bool:
        if self.op == "<=":
            return median <= self.value
        if self.op == ">=":
            return median >= self.value
        raise ValueError(f"unknown floor operator {self.op!r}")


@dataclass
class Figure:
    id: str
    label: str
    unit: str
    samples: list[float]
    floor: Floor | None = None
    params: dict[str, Any] = field(default_factory=dict)
    note: str = ""

    def __post_init__(self) -> None:
        if not self.samples:
            raise ValueError(f"{self.id}: no samples were measured")
        bad = [s for s in self.samples if not isinstance(s, (int, float)) or not math.isfinite(s)]
        if bad:
            raise ValueError(f"{self.id}: samples that are not finite numbers: {bad}")

    @property
    def median(self) -> float:
        return float(statistics.median(self.samples))

    @property
    def min(self) -> float:
        return float(min(self.samples))

    @property
    def max(self) -> float:
        return float(max(self.samples))

    @property
    def passed(self) -> bool | None:
        return None if self.floor is None else self.floor.passes(self.median)

    def as_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "unit": self.unit,
            "median": self.median,
            "min": self.min,
            "max": self.max,
            "runs": len(self.samples),
            "samples": [float(s) for s in self.samples],
            "floor": None
            if self.floor is None
            else {"op": self.floor.op, "value": self.floor.value},
            "pass": self.passed,
            "params": self.params,
            "note": self.note,
        }

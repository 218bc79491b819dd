"""Axis ticks a person reads at a glance: round numbers, short labels.

plotext spaces its own ticks evenly between the limits (0.46, 2.15, 4.64 on a log axis;
0.000208 for a learning rate; 0.25 steps on a short job); these are 1-2-5 steps instead.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

_STEPS = (1.0, 2.0, 2.5, 5.0, 10.0)


def nice_step(span: float, most: int) -> float:
    """The smallest 1, 2, 2.5 or 5 x 10^k step that cuts `span` into at most `most` parts."""
    if span <= 0 or not math.isfinite(span):
        return 1.0
    raw = span / max(1, most)
    exp = math.floor(math.log10(raw))
    for m in _STEPS:
        if m * 10**exp >= raw * (1 - 1e-9):
            return m * 10**exp
    return 10.0 ** (exp + 1)


def linear_ticks(lo: float, hi: float, most: int) -> list[float]:
    """Multiples of a nice step inside [lo, hi], at most `most` + 1 of them."""
    step = nice_step(hi - lo, most)
    first = math.ceil(lo / step - 1e-9)
    ticks = []
    k = first
    while k * step <= hi + step * 1e-9:
        ticks.append(_clean(k * step, step))
        k += 1
    return ticks


def integer_ticks(hi: int, most: int) -> list[int]:
    """Whole-number ticks from 0 to `hi` (steps are whole): 0, 1 for a one-step job."""
    step = max(1, math.ceil(nice_step(max(1, hi), most)))
    return list(range(0, hi + 1, step))


def step_ticks(total: int, most: int, columns: int) -> list[int]:
    """Ticks for the steps axis, 0 to `total` on a plot `columns` wide: round ones, and the
    job's last step at the end (a 900-step job's stopped at 800). The round tick before the
    end goes if their labels would touch."""
    ticks = integer_ticks(total, most)
    if ticks[-1] != total:
        gap = (total - ticks[-1]) / max(1, total) * columns
        if len(ticks) > 1 and gap < len(f"{ticks[-1]:,}") + 2:
            ticks.pop()
        ticks.append(total)
    return ticks


def _mantissa_ticks(lo: float, hi: float, mantissas: tuple[float, ...]) -> list[float]:
    first, last = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
    return [
        float(f"{m * 10.0**e:.12g}")
        for e in range(first, last + 1)
        for m in mantissas
        if lo * (1 - 1e-9) <= m * 10.0**e <= hi * (1 + 1e-9)
    ]


def log_ticks(lo: float, hi: float, most: int) -> list[float]:
    """1, 2, 5 x 10^k inside [lo, hi]; finer (1, 1.5, 2, 3, 5, 7) on a span too short for three
    of those; thinned to decades (then every other decade) if there are too many."""
    if lo <= 0 or hi <= lo:
        return []
    ticks = _mantissa_ticks(lo, hi, (1, 2, 5))
    if len(ticks) < 3:
        for finer in ((1, 1.5, 2, 3, 5, 7), (1, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 8, 9)):
            more = _mantissa_ticks(lo, hi, finer)
            if len(more) > most + 1:
                break
            ticks = more
            if len(ticks) >= 3:
                break
        return ticks
    for mantissas in ((1, 2, 5), (1, 3), (1,)):
        ticks = _mantissa_ticks(lo, hi, mantissas)
        if len(ticks) <= most + 1:
            return ticks
    first, last = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
    decades = [10.0**e for e in range(first, last + 1) if lo <= 10.0**e <= hi]
    stride = math.ceil(len(decades) / max(1, most))
    return decades[::stride]


# Where an axis ends: close to the data, on a value that reads well.
FINE = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)


def nice_ceil(value: float, mantissas: tuple[float, ...] = FINE) -> float:
    """The next of `mantissas` x 10^k at or above value (1, 1.2, 1.5, 2, 2.5, 3, 4, 5...)."""
    if value <= 0 or not math.isfinite(value):
        return 1.0
    exp = math.floor(math.log10(value))
    for m in mantissas:
        if m * 10**exp >= value * (1 - 1e-12):
            return float(f"{m * 10**exp:.12g}")
    return 10.0 ** (exp + 1)


def nice_floor(value: float, mantissas: tuple[float, ...] = FINE) -> float:
    """The last of `mantissas` x 10^k at or below a positive value."""
    if value <= 0 or not math.isfinite(value):
        return 1.0
    exp = math.floor(math.log10(value))
    for m in reversed(mantissas):
        if m * 10**exp <= value * (1 + 1e-12):
            return float(f"{m * 10**exp:.12g}")
    return 10.0**exp


def floor_to(value: float, step: float) -> float:
    return math.floor(value / step + 1e-9) * step


def ceil_to(value: float, step: float) -> float:
    return math.ceil(value / step - 1e-9) * step


def tick_labels(ticks: Sequence[float]) -> list[str]:
    """Labels as short as the ticks allow, all in one style and no two alike: 0.25 0.50 0.75;
    5e-5 1e-4 1.5e-4 for a learning rate; 250k 500k for step counts."""
    if not ticks:
        return []
    big = max(abs(t) for t in ticks)
    gaps = [b - a for a, b in itertools.pairwise(ticks) if b > a]
    step = min(gaps) if gaps else (big or 1.0)
    for extra in range(0, 8):
        if big >= 10_000 and step >= 1_000:
            labels = [_thousands(t, extra) for t in ticks]
        elif 0 < big < 0.01:
            digits = math.floor(math.log10(big)) - math.floor(math.log10(step)) + 1 + extra
            labels = [_scientific(t, digits) for t in ticks]
        else:
            decimals = max(_decimals(t) for t in ticks) + extra
            labels = [f"{t:.{decimals}f}" for t in ticks]
        if len(set(labels)) == len(labels):
            return labels
    return labels


def _decimals(value: float) -> int:
    for places in range(0, 7):
        if abs(round(value, places) - value) < 1e-9 * max(1.0, abs(value)):
            return places
    return 6


def _scientific(value: float, digits: int) -> str:
    if value == 0:
        return "0"
    mantissa, exp = f"{value:.{max(0, digits - 1)}e}".split("e")
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}e{int(exp)}"


def _thousands(value: float, extra: int = 0) -> str:
    for limit, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= limit:
            scaled = value / limit
            return f"{scaled:.{_decimals(scaled) + extra}f}{suffix}"
    return f"{value:.{extra}f}" if extra else f"{value:g}"


def _clean(value: float, step: float) -> float:
    """Round away float dust (0.30000000000000004) at the step's precision."""
    places = max(0, -math.floor(math.log10(step)) + 2)
    return round(value, places)

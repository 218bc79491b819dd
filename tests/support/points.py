"""Joining runs of points back together, for tests that read or generate them in chunks."""

from __future__ import annotations

import numpy as np

from vapor_tui.core.points import COLUMNS, Points


def concat(parts: list[Points]) -> Points:
    return Points(*(np.concatenate([getattr(p, n) for p in parts]) for n in COLUMNS))

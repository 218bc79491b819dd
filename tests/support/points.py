"""Joining runs of points back together, for tests that read or generate them in chunks."""

from __future__ import annotations

import numpy as np

from vapor_tui.core.points import COLUMNS, Points


def concat(parts: list[Points]) -> Points:
    return Points(*(np.concatenate([getattr(p, n) for p in parts]) for n in COLUMNS))


def assert_points_equal(a: Points, b: Points) -> None:
    assert len(a) == len(b)
    for name in COLUMNS:
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == y.dtype, name
        np.testing.assert_array_equal(x, y, err_msg=name)  # NaN == NaN here

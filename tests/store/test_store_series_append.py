"""A tick's append in one pass (series_append.py) makes the rows and counts the three passes
it stands for make: point_rows, batch_rows and the series row's fold, NaN and ±inf among the
values, across bucket edges, onto an empty series or one with points."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vapor_tui.core.point_list import PointList
from vapor_tui.store.series import _fold_stats
from vapor_tui.store.series_append import append_plain
from vapor_tui.store.series_points import point_rows
from vapor_tui.store.series_state import SeriesRow
from vapor_tui.store.series_summary import batch_rows

_VALUES = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True, width=64),
    st.sampled_from([math.nan, math.inf, -math.inf, 0.0, -0.0, 1.5]),
    st.integers(-5, 5),
)


def _same(a, b) -> bool:
    """Equal, NaN equal to NaN."""
    if isinstance(a, tuple):
        return len(a) == len(b) and all(map(_same, a, b))
    if isinstance(a, float) and isinstance(b, float) and a != a:
        return b != b
    return a == b and type(a) is type(b)


@settings(max_examples=300, deadline=None)
@given(
    values=st.lists(_VALUES, min_size=1, max_size=12),
    gap=st.integers(1, 3),
    width=st.sampled_from([1, 2, 4, 512]),
    before=st.integers(0, 40),
    had=st.sampled_from([None, (-1.0, 2.0), (0.5, 0.5)]),
)
def test_one_pass_makes_what_the_three_passes_make(values, gap, width, before, had):
    first = before + 1
    steps = list(range(first, first + gap * len(values), gap))
    pts = PointList(steps, values, [1000.0 + s for s in steps])
    low, high = had if had is not None and before else (None, None)

    def state() -> SeriesRow:
        return SeriesRow(
            7,
            n=before,
            first_step=1 if before else 0,
            last_step=before,
            min=low,
            max=high,
            n_nan=1 if before else 0,
            bucket_width=width,
        )

    expected, got = state(), state()
    _fold_stats(expected, pts)
    points: list[tuple] = []
    summary: list[tuple] = []
    append_plain(got, pts, width, points, summary)
    assert _same(tuple(points), tuple(point_rows(7, pts)))
    assert _same(tuple(summary), tuple(batch_rows(7, pts, width)))
    assert _same(got.row(), expected.row())


def test_a_series_row_gives_its_columns_in_the_order_the_update_names_them():
    from vapor_tui.store.series_state import UPDATE_COLUMNS

    st = SeriesRow(9, 2, 3, 4, 5.0, 6.0, 7.0, 8, 9, 10, 11)
    assert st.row() == (*(getattr(st, c) for c in UPDATE_COLUMNS), st.id)


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, 0.0, -0.0, 3, 1.5, -2.25])
@pytest.mark.parametrize("before", [0, 10])
def test_one_point_makes_what_the_three_passes_make(value, before):
    """A tick's usual append (a step a second: one point a series) has a path of its own."""
    pts = PointList([before + 1], [value], [1234.5])
    expected = SeriesRow(
        3,
        n=before,
        first_step=1 if before else 0,
        last_step=before,
        min=-1.0 if before else None,
        max=0.5 if before else None,
    )
    got = SeriesRow(**{f: getattr(expected, f) for f in expected.__slots__})
    _fold_stats(expected, pts)
    points: list[tuple] = []
    summary: list[tuple] = []
    append_plain(got, pts, 4, points, summary)
    assert _same(tuple(points), tuple(point_rows(3, pts)))
    assert _same(tuple(summary), tuple(batch_rows(3, pts, 4)))
    assert _same(got.row(), expected.row())

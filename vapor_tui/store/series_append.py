"""A tick's append to one series as plain lists: its point rows, its bucket rows and the
series row's counts, the counts taken from the bucket rows (a point or two, a bucket or two)
where series._fold_stats goes over the values again for any batch, and the rows made without
point_rows' and batch_rows' calls. A tick writes a point or two to each of some sixty series:
those passes were a third of write_points (issue 14). The same rows and the same numbers."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from vapor_tui.core.series_summary import fold

if TYPE_CHECKING:
    from vapor_tui.core.point_list import PointList

    from .series_state import SeriesRow


def append_plain(
    st: SeriesRow, pts: PointList, width: int, points: list[tuple], summary: list[tuple]
) -> None:
    """Append pts (steps after the series' last) to `points` as (series_id, step, value,
    timestamp) rows, NaN as None; to `summary` as (series_id, *BucketRow) rows; and fold them
    into st as the series row after them."""
    if len(pts.step) == 1:  # a step a second: the usual tick
        _append_one(st, pts.step[0], pts.value[0], pts.timestamp[0], width, points, summary)
        return
    sid = st.id
    values: Sequence[float | None] = pts.value
    if any(v != v for v in values):
        values = [None if v != v else v for v in values]
    points += zip(itertools.repeat(sid), pts.step, values, pts.timestamp)
    nans = infs = 0
    low, high = math.inf, -math.inf
    for row in fold(pts, width):
        summary.append((sid, *row))
        nans += row[7]
        infs += row[8]
        low = min(low, row[4])
        high = max(high, row[5])
    if not pts.step:
        return
    st.n_nan += nans
    st.n_inf += infs
    if low != math.inf:  # a finite value among them
        st.min = low if st.min is None else min(st.min, low)
        st.max = high if st.max is None else max(st.max, high)
    if st.n == 0:
        st.first_step = pts.step[0]
    st.n += len(pts.step)
    st.last_step = pts.step[-1]
    final = pts.value[-1]
    st.last_value = None if final != final else float(final)


def _append_one(
    st: SeriesRow, step: int, v: float, stamp: float, width: int, points: list, summary: list
) -> None:
    """append_plain of one point, without the loops (the bucket row as fold makes it: its sum
    0.0 + v, its min and max v when v is finite, else inf and -inf)."""
    sid = st.id
    nan = v != v
    finite = not nan and v != math.inf and v != -math.inf
    points.append((sid, step, None if nan else v, stamp))
    if finite:
        summary.append((sid, (step - 1) // width, 1, step, step, v, v, 0.0 + v, 0, 0))
        st.min = v if st.min is None else min(st.min, v)
        st.max = v if st.max is None else max(st.max, v)
    else:
        inf = int(not nan)
        summary.append(
            (sid, (step - 1) // width, 1, step, step, math.inf, -math.inf, 0.0, 1 - inf, inf)
        )
        st.n_nan += 1 - inf
        st.n_inf += inf
    if st.n == 0:
        st.first_step = step
    st.n += 1
    st.last_step = step
    st.last_value = None if nan else float(v)

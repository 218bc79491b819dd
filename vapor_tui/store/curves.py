"""The compare screen's and `vapor-tui compare`'s reads: one metric of one job as its summary
buckets, the timestamps at their edges, its latest and its best value (found in the summary,
its step then read from that one bucket's points). A constant cost whatever the job's length.

From the named series (store/series.py).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from vapor_tui.core.curves import CurveBase, MetricStats, direction
from vapor_tui.core.series import SeriesPoints

from .bulk import param
from .series import read_series, read_summary, series_names

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from vapor_tui.core.series_summary import SeriesSummary


def metric_names(conn: Connection, job_id: int) -> tuple[str, ...]:
    """Every metric the job has points of, loss first."""
    return tuple(series_names(conn, job_id))


def read_curve_base(conn: Connection, job_id: int, metric: str) -> CurveBase:
    """What the compare screen draws of one metric of one job, whatever its length."""
    names = metric_names(conn, job_id)
    summary = read_summary(conn, job_id, metric) if metric in names else None
    if summary is None:
        return CurveBase.empty(job_id, metric, names)
    n = summary.n - summary.n_nan - summary.n_inf  # the finite values the sums are of
    time_step, time_at = _edge_times(conn, job_id, metric, summary)
    return CurveBase(
        job_id,
        metric,
        summary.series_last_step,
        n,
        summary.first_step,
        summary.last_step,
        summary.min,
        summary.max,
        summary.sum,
        time_step,
        time_at,
        _stats(conn, job_id, summary),
        names,
    )


def read_curve_points(conn: Connection, job_id: int, metric: str, after_step: int) -> SeriesPoints:
    """The metric's points after `after_step` (a tick's few new ones), in step order."""
    return read_series(conn, job_id, metric, after_step)


def read_stats(conn: Connection, job_id: int) -> dict[str, MetricStats]:
    """Every metric's latest and best value (with its step), for `vapor-tui compare`."""
    out = {}
    for metric in metric_names(conn, job_id):
        summary = read_summary(conn, job_id, metric)
        if summary is not None:
            out[metric] = _stats(conn, job_id, summary)
    return out


def _stats(conn: Connection, job_id: int, summary: SeriesSummary) -> MetricStats:
    metric = summary.name
    stats = MetricStats(
        metric,
        latest=summary.last_value if summary.count else None,
        latest_step=summary.series_last_step if summary.count else None,
        points=summary.count,
    )
    sign = direction(metric)
    finite = np.isfinite(summary.min) & np.isfinite(summary.max)
    if not sign or not finite.any():
        return stats
    edge = np.where(finite, summary.min if sign < 0 else -summary.max, math.inf)
    b = int(np.argmin(edge))
    first, n = int(summary.first_step[b]), int(summary.n[b])
    points = read_series(conn, job_id, metric, first - 1, limit=n)  # that one bucket
    values = np.where(np.isfinite(points.value), points.value, math.inf * -sign)
    if not len(values):
        return stats
    i = int(np.argmin(values) if sign < 0 else np.argmax(values))
    best = float(points.value[i])
    return MetricStats(
        metric, stats.latest, stats.latest_step, best, int(points.step[i]), stats.points
    )


def _edge_times(
    conn: Connection, job_id: int, metric: str, summary: SeriesSummary
) -> tuple[np.ndarray, np.ndarray]:
    """(step, timestamp) at each bucket's first and last step: at most 2,048 key lookups."""
    steps = np.unique(np.concatenate([summary.first_step, summary.last_step]))
    p = param(conn)
    row = conn.exec_driver_sql(
        f"SELECT id FROM series WHERE job_id = {p} AND name = {p}", (job_id, metric)
    ).first()
    if row is None or not len(steps):
        return np.empty(0, np.int64), np.empty(0)
    out: list[Any] = []
    for start in range(0, len(steps), 900):  # under every backend's limit on parameters
        part = steps[start : start + 900].tolist()
        out += conn.exec_driver_sql(
            f"SELECT step, timestamp FROM series_points WHERE series_id = {p} "
            f"AND step IN ({', '.join([p] * len(part))}) ORDER BY step",
            (row[0], *part),
        ).all()
    data = np.array([tuple(r) for r in out], dtype=np.float64).reshape(-1, 2)
    return data[:, 0].astype(np.int64), data[:, 1]

"""store/curves.py's reads for a job whose points are still in the simulator's one-row-a-step
`points` table (loss, accuracy, learning rate and validation loss as columns) rather than in
named series: the same values, from `point_summary` and `points`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from vapor_tui.core.curves import CurveBase, MetricStats, direction
from vapor_tui.core.series import SeriesPoints

from .point_rows import placeholder

if TYPE_CHECKING:
    from sqlalchemy import Connection

SUMMARISED = ("loss", "accuracy", "learning_rate")
SPARSE = ("val_loss",)
NAMES = (*SUMMARISED, *SPARSE)


def metric_names(conn: Connection, job_id: int) -> tuple[str, ...]:
    """The metrics the job has points of, loss first."""
    p = placeholder(conn)
    row = conn.exec_driver_sql(f"SELECT steps_done FROM jobs WHERE id = {p}", (job_id,)).first()
    if row is None or not row[0]:
        return ()
    indexed = " INDEXED BY ix_points_validation" if conn.dialect.name == "sqlite" else ""
    val = conn.exec_driver_sql(
        f"SELECT 1 FROM points{indexed} WHERE job_id = {p} AND val_loss IS NOT NULL LIMIT 1",
        (job_id,),
    ).first()
    return SUMMARISED + (SPARSE if val else ())


def read_curve_base(conn: Connection, job_id: int, metric: str) -> CurveBase:
    """What the compare screen draws of one metric of one job, whatever its length."""
    names = metric_names(conn, job_id)
    if metric not in names:
        return CurveBase.empty(job_id, metric, names)
    n, first, last, lo, hi, total = _buckets(conn, job_id, metric)
    time_step, time_at = _edge_times(conn, job_id, first, last)
    stats = _stats(conn, job_id, metric, n, first, last, lo, hi)
    last_step = int(last[-1]) if len(last) else 0
    return CurveBase(
        job_id, metric, last_step, n, first, last, lo, hi, total, time_step, time_at, stats, names
    )


def read_stats(conn: Connection, job_id: int) -> dict[str, MetricStats]:
    """Every metric's latest and best value (with its step), for `vapor-tui compare`."""
    out = {}
    for metric in metric_names(conn, job_id):
        n, first, last, lo, hi, _ = _buckets(conn, job_id, metric)
        out[metric] = _stats(conn, job_id, metric, n, first, last, lo, hi)
    return out


Buckets = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _buckets(conn: Connection, job_id: int, metric: str) -> Buckets:
    """(n, first step, last step, min, max, sum) of each bucket; a sparse metric's points
    are its buckets."""
    if metric in SPARSE:
        points = read_curve_points(conn, job_id, metric, 0)
        n = np.ones(len(points), np.int64)
        return n, points.step, points.step, points.value, points.value, points.value
    p = placeholder(conn)
    rows = conn.exec_driver_sql(
        f"SELECT n, first_step, last_step, {metric}_min, {metric}_max, {metric}_sum "
        f"FROM point_summary WHERE job_id = {p} ORDER BY bucket",
        (job_id,),
    ).all()
    data = np.array([tuple(r) for r in rows], dtype=np.float64).reshape(-1, 6)
    n, first, last = (data[:, i].astype(np.int64) for i in range(3))
    return n, first, last, data[:, 3], data[:, 4], data[:, 5]


def read_curve_points(conn: Connection, job_id: int, metric: str, after_step: int) -> SeriesPoints:
    """The metric's points after `after_step` (a tick's few new ones), in step order."""
    if metric not in NAMES:
        return SeriesPoints.empty()
    p = placeholder(conn)
    where = f" AND {metric} IS NOT NULL" if metric in SPARSE else ""
    rows = conn.exec_driver_sql(
        f"SELECT step, {metric}, timestamp FROM points "
        f"WHERE job_id = {p} AND step > {p}{where} ORDER BY step",
        (job_id, after_step),
    ).all()
    data = np.array([tuple(r) for r in rows], dtype=np.float64).reshape(-1, 3)
    return SeriesPoints(data[:, 0].astype(np.int64), data[:, 1], data[:, 2])


def _edge_times(
    conn: Connection, job_id: int, first: np.ndarray, last: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(step, timestamp) at each bucket's first and last step: at most 2,048 key lookups."""
    steps = np.unique(np.concatenate([first, last]))
    if not len(steps):
        return np.empty(0, np.int64), np.empty(0)
    p = placeholder(conn)
    out: list[Any] = []
    for start in range(0, len(steps), 900):  # under every backend's limit on parameters
        part = steps[start : start + 900].tolist()
        out += conn.exec_driver_sql(
            f"SELECT step, timestamp FROM points WHERE job_id = {p} "
            f"AND step IN ({', '.join([p] * len(part))}) ORDER BY step",
            (job_id, *part),
        ).all()
    data = np.array([tuple(r) for r in out], dtype=np.float64).reshape(-1, 2)
    return data[:, 0].astype(np.int64), data[:, 1]


def _stats(
    conn: Connection,
    job_id: int,
    metric: str,
    n: np.ndarray,
    first: np.ndarray,
    last: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
) -> MetricStats:
    if not len(n):
        return MetricStats(metric)
    p = placeholder(conn)
    latest = conn.exec_driver_sql(
        f"SELECT step, {metric} FROM points WHERE job_id = {p} AND step = {p}",
        (job_id, int(last[-1])),
    ).first()
    stats = MetricStats(
        metric,
        latest=None if latest is None else float(latest[1]),
        latest_step=None if latest is None else int(latest[0]),
        points=int(n.sum()),
    )
    sign = direction(metric)
    finite = np.isfinite(lo) & np.isfinite(hi)
    if not sign or not finite.any():
        return stats
    edge = np.where(finite, lo if sign < 0 else -hi, np.inf)
    b = int(np.argmin(edge))
    order = "ASC" if sign < 0 else "DESC"
    best = conn.exec_driver_sql(
        f"SELECT step, {metric} FROM points WHERE job_id = {p} AND step BETWEEN {p} AND {p} "
        f"AND {metric} IS NOT NULL ORDER BY {metric} {order}, step LIMIT 1",
        (job_id, int(first[b]), int(last[b])),
    ).first()
    if best is None:
        return stats
    return MetricStats(
        metric, stats.latest, stats.latest_step, float(best[1]), int(best[0]), stats.points
    )

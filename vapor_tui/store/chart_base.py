"""A job's chart base (every series' summary) read through a DB-API connection, in two
statements whatever the number of series: the job's and its series' rows, then all their
buckets. (A series row and then its buckets, each in turn, was ten statements for a simulated
job: round trips that a server pays for each.)

One read for both of its callers: the store's (summary.py: its driver's connection, inside its
read transaction) and the quick look at a server before SQLAlchemy is imported (server_chart.py:
psycopg alone). Nothing here imports SQLAlchemy."""

from __future__ import annotations

from typing import Any

import numpy as np

from vapor_tui.core.buckets import ChartBase
from vapor_tui.core.series import ordered_names
from vapor_tui.core.series_summary import SeriesSummary

_SERIES = (
    "SELECT j.steps_done, j.total_steps, s.id, s.name, s.bucket_width, s.n, s.last_value, "
    "s.min, s.max, s.last_step FROM jobs j LEFT JOIN series s ON s.job_id = j.id "
    "WHERE j.id = {p}"
)
_BUCKETS = (
    "SELECT b.series_id, b.bucket, b.n, b.first_step, b.last_step, b.min, b.max, b.sum, "
    "b.n_nan, b.n_inf FROM series s JOIN series_summary b ON b.series_id = s.id "
    "WHERE s.job_id = {p} ORDER BY s.name, b.bucket"  # the order of both keys: no sort
)


def chart_base(raw: Any, job_id: int, server: bool) -> ChartBase:
    """`raw`: a sqlite3 connection, or (`server`) a psycopg one."""
    p = "%s" if server else "?"
    rows = raw.execute(_SERIES.format(p=p), (job_id,)).fetchall()
    if not rows:
        return ChartBase(None, 0, {})
    last_step, total = int(rows[0][0]), rows[0][1]
    series = {r[2]: r[3:] for r in rows if r[2] is not None}
    buckets = _buckets(raw, job_id, server) if series else np.empty((0, 10))
    by_name = {row[0]: (series_id, row) for series_id, row in series.items()}
    summaries = {}
    for name in ordered_names(by_name):
        series_id, (_, width, n, last_value, low, high, series_last) = by_name[name]
        mine = buckets[buckets[:, 0] == series_id, 1:]
        state = (n, last_value if n else None, low, high, series_last)
        summaries[name] = SeriesSummary.from_rows(name, width, mine, state)
    return ChartBase(total, last_step, summaries)


def _buckets(raw: Any, job_id: int, server: bool) -> np.ndarray:
    """(series id, *BucketRow) of every series of the job, by series and bucket. The driver's
    rows are plain tuples (SQLAlchemy's, turned into tuples for numpy, cost 3 ms of the 5 ms
    this read took: 4,096 rows); on a server, binary results too (no number parsed from text)."""
    if server:
        with raw.cursor(binary=True) as cursor:
            rows = cursor.execute(_BUCKETS.format(p="%s"), (job_id,)).fetchall()
    else:
        rows = raw.execute(_BUCKETS.format(p="?"), (job_id,)).fetchall()
    return np.array(rows, dtype=np.float64).reshape(-1, 10)

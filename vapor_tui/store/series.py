"""Named series in and out: the one write every producer of points uses (the simulator's
catch-up, the logging API, a launched command's output), and the reads the screens, the
command line and the export make.

`write_points` takes the points of one or many jobs and writes them in the caller's
transaction with one statement per table for all of them (a tick catching up 20 jobs is one
executemany, not 20): the points, the series rows, their summaries, the packed blocks, and the
jobs' denormalised columns (last and best loss, last validation loss, steps done).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

from vapor_tui.core.metric_names import LOSS_NAMES, VALIDATION_NAMES, first_present, ordered_names
from vapor_tui.core.point_list import PointList, value_stats
from vapor_tui.core.series_summary import SeriesSummary, width_for

from .bulk import insert_rows, param, update_rows
from .driver import run_many
from .errors import StoreError
from .series_append import append_plain
from .series_blocks import BLOCK_STEPS, pack, packable, read_packed
from .series_points import point_rows, read_rows, read_tuples, upsert_points
from .series_state import STATE_COLUMNS, UPDATE_COLUMNS, SeriesRow, load_rows, rows_for
from .series_summary import (
    batch_rows,
    read_buckets,
    rebuild_buckets,
    stats_from_buckets,
    upsert_buckets,
    widen,
)

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from vapor_tui.core.point_list import AnyPoints
    from vapor_tui.core.series import SeriesPoints

    # What write_points takes for a job: SeriesPoints, or a run's PointLists (no numpy).
    AnyBatch = Mapping[str, AnyPoints]

    from .series_state import Known, Written

__all__ = ["read_all", "read_series", "read_summary", "series_names", "write_points"]

# Up to this many points, a series' counts are folded in plain Python.
_FEW = 16
# Past this many points, reading packed blocks beats reading rows.
BULK_READ = 20_000
# jobs.nan_flags: which denormalised value is NaN (stored as NULL: SQLite turns NaN into NULL).
LAST_LOSS_NAN = 1
LAST_VAL_LOSS_NAN = 2

_NEW: tuple[str, ...] = ("job_id", "name", "n", "first_step", "last_step", "n_nan", "n_inf")
_NEW = (*_NEW, "bucket_width", "packed_blocks")
_NEW_TYPES = ("int4", "text", "int4", "int8", "int8", "int4", "int4", "int8", "int4")
_JOB_UPDATE = (
    "last_loss",
    "best_loss",
    "last_val_loss",
    "nan_flags",
    "steps_done",
    "last_timestamp",
    "version",
)


def write_points(
    conn: Connection,
    batches: Mapping[int, AnyBatch],
    *,
    update_jobs: bool = True,
    known: Known | None = None,
) -> Written:
    """Write job id -> {metric name -> points} in the caller's transaction. A (metric, step)
    written again keeps the later value. `update_jobs=False` leaves the jobs rows to the
    caller (the simulator's catch-up sets them with its own compare-and-set). `known`: series
    rows the caller knows are the file's (series_kept.py), not read again; they are changed
    in place. Returns the jobs' totals and series rows as the write leaves them."""
    work = {j: {n: s for n, s in b.items() if len(s)} for j, b in batches.items()}
    work = {j: b for j, b in work.items() if b}
    if not work:
        return {}, {}
    job_ids = sorted(work)
    totals, states = rows_for(conn, job_ids, work, known)
    missing = [(j, n) for j in job_ids for n in work[j] if (j, n) not in states]
    if [j for j in job_ids if j not in totals]:
        gone = min(j for j in job_ids if j not in totals)
        raise StoreError(f"cannot write points to job #{gone}: there is no such job")
    if missing:
        insert_rows(
            conn, "series", _NEW, _NEW_TYPES, [(j, n, 0, 0, 0, 0, 0, 1, 0) for j, n in missing]
        )
        totals, states = load_rows(conn, job_ids)
    points: list[tuple] = []
    appended: list[tuple[int, AnyPoints]] = []  # by COPY on a server
    server = conn.dialect.name == "postgresql"
    summary: list[tuple] = []
    relogged: list[tuple[SeriesRow, AnyPoints]] = []
    to_pack: list[tuple[int, int, int, AnyPoints | None]] = []
    touched: list[SeriesRow] = []
    for job_id in job_ids:
        for name, pts in work[job_id].items():
            st = states[(job_id, name)]
            touched.append(st)
            width = width_for(totals[job_id], max(st.last_step, pts.last_step), st.bucket_width)
            if st.n and width > st.bucket_width:
                widen(conn, st.id, st.bucket_width, width)  # rare: log2 times in a run's life
            st.bucket_width = width
            again = st.n > 0 and pts.first_step <= st.last_step
            # A tick's point or two as lists: rows, buckets and counts at once (series_append).
            plain = pts if isinstance(pts, PointList) and not (again or server) else None
            if server and not again:
                appended.append((st.id, pts))
            elif plain is None:
                points += point_rows(st.id, pts)
            if again:
                relogged.append((st, pts))
                first_block = (pts.first_step - 1) // BLOCK_STEPS
                if first_block < st.packed_blocks:
                    to_pack.append((st.id, first_block, st.packed_blocks, None))
            elif plain is not None:
                append_plain(st, plain, width, points, summary)
            else:
                summary += batch_rows(st.id, pts, width)
                _fold_stats(st, pts)
            packed = packable(max(st.last_step, pts.last_step))
            if packed > st.packed_blocks:
                to_pack.append((st.id, st.packed_blocks, packed, None if again else pts))
                st.packed_blocks = packed
    upsert_points(conn, points)
    if appended:
        from .series_copy import copy_points

        copy_points(conn, appended)
    upsert_buckets(conn, summary)
    for st, pts in relogged:  # rare: a run resumed from a checkpoint
        _restate(conn, st, pts)
    for series_id, first, end, batch in to_pack:
        pack(conn, series_id, first, end, batch)
    update_rows(conn, "series", UPDATE_COLUMNS, "id", [st.row() for st in touched])
    if update_jobs:
        _update_jobs(conn, work, states)
    return totals, states


def _fold_stats(st: SeriesRow, pts: AnyPoints) -> None:
    """The series row after appending pts (steps after its last)."""
    if isinstance(pts, PointList):
        nans, infs, low, high = pts.stats()
    elif len(pts) <= _FEW:  # a tick's point or two: plain Python, not numpy a call at a time
        nans, infs, low, high = value_stats(pts.value.tolist())
    else:
        values = pts.value
        finite = values[~(values != values) & (abs(values) != math.inf)]
        nans = int((values != values).sum())
        infs = len(values) - nans - len(finite)
        low, high = (float(finite.min()), float(finite.max())) if len(finite) else (None, None)
    st.n_nan += nans
    st.n_inf += infs
    if low is not None and high is not None:
        st.min = low if st.min is None else min(st.min, low)
        st.max = high if st.max is None else max(st.max, high)
    st.first_step = pts.first_step if st.n == 0 else st.first_step
    st.n += len(pts)
    st.last_step = pts.last_step
    last = float(pts.value[-1])
    st.last_value = None if last != last else last


def _restate(conn: Connection, st: SeriesRow, pts: AnyPoints) -> None:
    """The buckets the steps touch made again from the rows, and the series row from them."""
    rebuild_buckets(conn, st.id, st.bucket_width, pts.first_step, pts.last_step)
    n, first, low, high, nans, infs = stats_from_buckets(conn, st.id)
    st.n, st.first_step, st.n_nan, st.n_inf = int(n), int(first), int(nans), int(infs)
    st.min = None if low is None or math.isinf(low) else float(low)
    st.max = None if high is None or math.isinf(high) else float(high)
    top = max(st.last_step, pts.last_step)
    ((st.last_step, value, _),) = read_tuples(conn, st.id, top - 1, top)
    st.last_value = None if math.isnan(value) else float(value)


def _update_jobs(conn: Connection, work: dict, states: dict) -> None:
    """Each job's denormalised columns, from its series rows as this write leaves them."""
    by_job: dict[int, dict[str, SeriesRow]] = {}
    for (job_id, name), st in states.items():
        by_job.setdefault(job_id, {})[name] = st
    rows = []
    for job_id, batch in work.items():
        mine = by_job[job_id]
        loss = mine.get(first_present(mine, LOSS_NAMES) or "")
        val = mine.get(first_present(mine, VALIDATION_NAMES) or "")
        flags = (LAST_LOSS_NAN if loss and loss.n and loss.last_value is None else 0) | (
            LAST_VAL_LOSS_NAN if val and val.n and val.last_value is None else 0
        )
        rows.append(
            (
                loss.last_value if loss else None,
                loss.min if loss else None,
                val.last_value if val else None,
                flags,
                max(st.last_step for st in mine.values()),
                max(_latest(s) for s in batch.values()),
                job_id,
            )
        )
    high = "max" if conn.dialect.name == "sqlite" else "GREATEST"
    p = param(conn)
    sets = ", ".join(f"{c} = {p}" for c in _JOB_UPDATE[:4])
    run_many(
        conn,
        f"UPDATE jobs SET {sets}, steps_done = {high}(steps_done, {p}), "
        f"last_timestamp = {high}(COALESCE(last_timestamp, 0), {p}), version = version + 1 "
        f"WHERE id = {p}",
        rows,
    )


def _latest(pts: AnyPoints) -> float:
    return max(pts.timestamp) if isinstance(pts, PointList) else float(pts.timestamp.max())


def _series_row(conn: Connection, job_id: int, name: str):
    p = param(conn)
    return conn.exec_driver_sql(
        f"SELECT {STATE_COLUMNS} FROM series WHERE job_id = {p} AND name = {p}", (job_id, name)
    ).first()


def series_names(conn: Connection, job_id: int) -> list[str]:
    """The job's series: `loss` first, then the rest alphabetically."""
    p = param(conn)
    rows = conn.exec_driver_sql(f"SELECT name FROM series WHERE job_id = {p}", (job_id,))
    return ordered_names(r[0] for r in rows)


def read_series(
    conn: Connection, job_id: int, name: str, after_step: int = 0, limit: int | None = None
) -> SeriesPoints:
    """The series' points with step > after_step, in step order (empty if it has none)."""
    row = _series_row(conn, job_id, name)
    if row is None:
        from vapor_tui.core.series import SeriesPoints

        return SeriesPoints.empty()
    st = SeriesRow(*row)
    boundary = st.packed_blocks * BLOCK_STEPS
    if limit is not None or after_step >= boundary or st.last_step - after_step <= BULK_READ:
        return read_rows(conn, st.id, after_step, limit=limit)
    return read_packed(conn, st.id, after_step, then=read_rows(conn, st.id, boundary))


def read_all(conn: Connection, job_id: int) -> dict[str, SeriesPoints]:
    """Every series of the job, whole, in series_names order (from the packed blocks)."""
    return {name: read_series(conn, job_id, name) for name in series_names(conn, job_id)}


def read_summary(conn: Connection, job_id: int, name: str) -> SeriesSummary | None:
    """The series' ≤1,024 buckets and what the store keeps of it; None if the job has no
    series of that name."""
    row = _series_row(conn, job_id, name)
    if row is None:
        return None
    st = SeriesRow(*row)
    return SeriesSummary.from_rows(
        name,
        st.bucket_width,
        read_buckets(conn, st.id),
        (st.n, st.last_value if st.n else None, st.min, st.max, st.last_step),
    )


def rebuild_derived(conn: Connection, series_id: int) -> None:
    """A series' summary, packed blocks and counts made again from its points (a file that
    lost a derived table: upgrade.repair)."""
    p = param(conn)
    total = conn.exec_driver_sql(
        f"SELECT j.total_steps FROM series s JOIN jobs j ON j.id = s.job_id WHERE s.id = {p}",
        (series_id,),
    ).scalar()
    points = read_rows(conn, series_id)
    st = SeriesRow(series_id, bucket_width=width_for(total, points.last_step))
    conn.exec_driver_sql(f"DELETE FROM series_summary WHERE series_id = {p}", (series_id,))
    conn.exec_driver_sql(f"DELETE FROM series_blocks WHERE series_id = {p}", (series_id,))
    if len(points):
        upsert_buckets(conn, batch_rows(series_id, points, st.bucket_width))
        _fold_stats(st, points)
        st.packed_blocks = packable(points.last_step)
        pack(conn, series_id, 0, st.packed_blocks)
    update_rows(conn, "series", UPDATE_COLUMNS, "id", [st.row()])

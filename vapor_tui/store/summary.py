"""A simulated job's chart base from its series' stored summaries: one read transaction for
the step count, the buckets of loss, accuracy and learning rate, and the validation points
(one an epoch, read as they are)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from vapor_tui.core.buckets import METRICS, ChartBase

from .bulk import param
from .series import read_series, read_summary

if TYPE_CHECKING:
    from sqlalchemy import Connection


def read_chart_base(conn: Connection, job_id: int) -> ChartBase:
    p = param(conn)
    row = conn.exec_driver_sql(
        f"SELECT steps_done, total_steps FROM jobs WHERE id = {p}", (job_id,)
    ).first()
    last_step, total = (int(row[0]), int(row[1] or max(1, row[0]))) if row else (0, 1)
    summaries = {m: read_summary(conn, job_id, m) for m in METRICS}
    loss = summaries["loss"]
    bucket = loss.bucket if loss is not None else np.empty(0, dtype=np.int64)
    stats = {}
    for metric, s in summaries.items():
        lo, hi, total_sum = (np.full(len(bucket), np.nan) for _ in range(3))
        if s is not None and len(s.bucket):
            at = np.searchsorted(bucket, s.bucket)
            keep = (at < len(bucket)) & (bucket[np.minimum(at, len(bucket) - 1)] == s.bucket)
            lo[at[keep]], hi[at[keep]], total_sum[at[keep]] = s.min[keep], s.max[keep], s.sum[keep]
        stats[metric] = (lo, hi, total_sum)
    val = read_series(conn, job_id, "val_loss")
    empty = np.empty(0, dtype=np.int64)
    return ChartBase(
        total_steps=total,
        last_step=last_step,
        bucket=bucket,
        n=loss.n if loss is not None else empty,
        first_step=loss.first_step if loss is not None else empty,
        stats=stats,
        val_step=val.step.astype(np.float64),
        val_loss=val.value.copy(),
    )

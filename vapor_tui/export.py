"""Writing a job's points out as CSV or JSON, a chunk at a time."""

from __future__ import annotations

import csv
import json
import math
from datetime import UTC, datetime
from typing import TextIO

from vapor_tui.core.points import COLUMNS, Points
from vapor_tui.store.engine import Store
from vapor_tui.store.points import iter_point_chunks


def _records(points: Points):
    val = points.val_loss.tolist()
    for step, epoch, loss, acc, lr, v, ts in zip(
        points.step.tolist(),
        points.epoch.tolist(),
        points.loss.tolist(),
        points.accuracy.tolist(),
        points.learning_rate.tolist(),
        val,
        points.timestamp.tolist(),
        strict=True,
    ):
        yield (
            step,
            epoch,
            loss,
            acc,
            lr,
            None if math.isnan(v) else v,
            datetime.fromtimestamp(ts, UTC).isoformat(timespec="microseconds"),
        )


def write_export(store: Store, job_id: int, fmt: str, out: TextIO) -> int:
    count = 0
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)
        for chunk in iter_point_chunks(store, job_id):
            for rec in _records(chunk):
                writer.writerow(
                    ["" if v is None else (repr(v) if isinstance(v, float) else v) for v in rec]
                )
                count += 1
        return count
    out.write("[")
    for chunk in iter_point_chunks(store, job_id):
        for rec in _records(chunk):
            out.write(",\n  " if count else "\n  ")
            out.write(json.dumps(dict(zip(COLUMNS, rec, strict=True))))
            count += 1
    out.write("\n]\n" if count else "]\n")
    return count

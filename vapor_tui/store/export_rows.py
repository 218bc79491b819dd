"""A job's series side by side, a step a row, for the export: read a range of steps at a time
so a long job is never held whole."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from vapor_tui.core.series import ordered_names

from .bulk import param
from .series import series_names

if TYPE_CHECKING:
    from .engine import Store

SIMULATED = ("loss", "accuracy", "learning_rate", "val_loss")
# (step, epoch or None, timestamp, the metrics' values or None where a series has none)
Row = tuple[int, float | int | None, float, list[float | None]]

_RANGE = (
    "SELECT p.step, s.name, p.value, p.timestamp FROM series s "
    "JOIN series_points p ON p.series_id = s.id "
    "WHERE s.job_id = {p} AND p.step > {p} AND p.step <= {p} ORDER BY p.step"
)


def export_rows(store: Store, job_id: int, chunk: int = 50_000) -> tuple[list[str], Iterator[Row]]:
    """(metric names, rows). The epoch is the `epoch` series if the run logs one, else from
    the steps per epoch when known, else None; the timestamp the latest of the step's."""
    with store.read() as conn:
        p = param(conn)
        names = series_names(conn, job_id)
        top = conn.exec_driver_sql(
            f"SELECT max(last_step) FROM series WHERE job_id = {p}", (job_id,)
        ).scalar()
        row = conn.exec_driver_sql(
            f"SELECT steps_per_epoch, total_steps, epochs, source FROM jobs WHERE id = {p}",
            (job_id,),
        ).first()
    spe = None
    if row is not None:
        spe, total, epochs, source = row
        if spe is None and total and epochs and total % epochs == 0:
            spe = total // epochs
        if source == "simulator":  # the same columns before its first step as after
            names = ordered_names([*names, *SIMULATED])
    metrics = [n for n in names if n != "epoch"]
    return metrics, _rows(store, job_id, metrics, "epoch" in names, spe, int(top or 0), chunk)


def _rows(store, job_id, metrics, logged_epoch, spe, top, chunk) -> Iterator[Row]:
    column = {name: i for i, name in enumerate(metrics)}
    after = 0
    while after < top:
        with store.read() as conn:
            found = conn.exec_driver_sql(
                _RANGE.format(p=param(conn)), (job_id, after, after + chunk)
            ).all()
        after += chunk
        step, epoch, ts = None, None, 0.0
        values: list[float | None] = [None] * len(metrics)
        for s, name, value, timestamp in found:
            if s != step:
                if step is not None:
                    yield step, _epoch(step, epoch, logged_epoch, spe), ts, values
                step, epoch, ts, values = s, None, timestamp, [None] * len(metrics)
            ts = max(ts, timestamp)
            v = float("nan") if value is None else value
            if name == "epoch":
                epoch = v
            else:
                values[column[name]] = v
        if step is not None:
            yield step, _epoch(step, epoch, logged_epoch, spe), ts, values


def _epoch(step: int, logged: float | None, logs_epoch: bool, spe: int | None):
    if logs_epoch:
        return logged
    return (step - 1) // spe + 1 if spe else None

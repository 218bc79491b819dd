"""A simulated job's points as the wide rows the tests read and damage by SQL: the four named
series (loss, accuracy, learning_rate, val_loss) pivoted back on (job_id, step)."""

from __future__ import annotations

WIDE_POINTS = (
    "(SELECT s.job_id AS job_id, p.step AS step, "
    "max(CASE WHEN s.name = 'loss' THEN p.value END) AS loss, "
    "max(CASE WHEN s.name = 'accuracy' THEN p.value END) AS accuracy, "
    "max(CASE WHEN s.name = 'learning_rate' THEN p.value END) AS learning_rate, "
    "max(CASE WHEN s.name = 'val_loss' THEN p.value END) AS val_loss, "
    "max(p.timestamp) AS timestamp "
    "FROM series_points p JOIN series s ON s.id = p.series_id GROUP BY s.job_id, p.step)"
)


def loss_series(job_id: int | str) -> str:
    """The id of a job's loss series, as an SQL expression."""
    return f"(SELECT id FROM series WHERE job_id = {job_id} AND name = 'loss')"

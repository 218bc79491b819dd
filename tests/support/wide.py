"""A simulated job's points as the wide rows the tests read and damage by SQL: the four named
series (loss, accuracy, learning_rate, val_loss) pivoted back on (job_id, step)."""

from __future__ import annotations

_PIVOT = (
    "max(CASE WHEN s.name = 'loss' THEN p.value END) AS loss, "
    "max(CASE WHEN s.name = 'accuracy' THEN p.value END) AS accuracy, "
    "max(CASE WHEN s.name = 'learning_rate' THEN p.value END) AS learning_rate, "
    "max(CASE WHEN s.name = 'val_loss' THEN p.value END) AS val_loss, "
    "max(p.timestamp) AS timestamp"
)

WIDE_POINTS = (
    f"(SELECT s.job_id AS job_id, p.step AS step, {_PIVOT} "
    "FROM series_points p JOIN series s ON s.id = p.series_id GROUP BY s.job_id, p.step)"
)

# Each job's wide row at its last step (steps_done), and that step's epoch: the rows WIDE_POINTS
# has at those steps, each looked up by its key. (WIDE_POINTS joined on steps_done pivots every
# point of the database first, 0.55 of the 0.7 CPU-seconds of a crash test's check; with the
# step a join's column SQLite scans every point, hence the step read in a subquery.)
LAST_WIDE_POINTS = (
    f"SELECT s.job_id AS job_id, p.step AS step, {_PIVOT}, "
    "(p.step - 1) / j.steps_per_epoch + 1 AS epoch "
    "FROM series s JOIN jobs j ON j.id = s.job_id JOIN series_points p "
    "ON p.series_id = s.id AND p.step = (SELECT steps_done FROM jobs WHERE id = s.job_id) "
    "GROUP BY s.job_id, j.steps_per_epoch, p.step"
)


def loss_series(job_id: int | str) -> str:
    """The id of a job's loss series, as an SQL expression."""
    return f"(SELECT id FROM series WHERE job_id = {job_id} AND name = 'loss')"

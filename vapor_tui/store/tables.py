"""The database schema. Times are stored as seconds since the Unix epoch (UTC) in REAL columns:
unambiguous on every backend, and converted to aware datetimes at the repository boundary."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, LargeBinary
from sqlmodel import Field, SQLModel

from .sqlite_file import APPLICATION_ID, SCHEMA_VERSION

__all__ = [
    "APPLICATION_ID",
    "SCHEMA_VERSION",
    "DeletedJobRow",
    "JobRow",
    "MetaRow",
    "OwedPointsRow",
    "PointBlockRow",
    "PointRow",
    "PointSummaryRow",
]


class JobRow(SQLModel, table=True):
    __tablename__ = "jobs"
    # Never reuse the id of a deleted job: a `watch ID` must not wake up on another job.
    __table_args__ = {"sqlite_autoincrement": True}

    id: int | None = Field(default=None, primary_key=True)
    name: str
    model: str
    epochs: int
    steps_per_epoch: int
    learning_rate: float
    batch_size: int
    schedule: str
    curve: str
    seed: int = Field(sa_column=Column(BigInteger, nullable=False))
    step_seconds: float
    source: str = "simulator"
    status: str = Field(index=True)
    reason: str = ""
    created_at: float
    started_at: float | None = None
    finished_at: float | None = None
    steps_done: int = 0
    last_loss: float | None = None
    best_loss: float | None = None
    last_val_loss: float | None = None
    ema_step_seconds: float | None = None
    last_timestamp: float | None = None
    stop_at_step: int | None = None
    version: int = 0


class PointRow(SQLModel, table=True):
    """One metric point. The primary key (job_id, step) is the unique key and, in a
    WITHOUT ROWID table, the storage order: one job's points sit together in step order."""

    __tablename__ = "points"
    __table_args__ = {"sqlite_with_rowid": False}

    job_id: int = Field(foreign_key="jobs.id", primary_key=True, ondelete="CASCADE")
    step: int = Field(primary_key=True)
    epoch: int
    loss: float
    accuracy: float
    learning_rate: float
    val_loss: float | None = None
    timestamp: float


class PointSummaryRow(SQLModel, table=True):
    """A job's points folded into SUMMARY_BUCKETS buckets over steps 1..total (summary.py)."""

    __tablename__ = "point_summary"
    __table_args__ = {"sqlite_with_rowid": False}

    job_id: int = Field(foreign_key="jobs.id", primary_key=True, ondelete="CASCADE")
    bucket: int = Field(primary_key=True)
    n: int
    first_step: int
    last_step: int
    loss_min: float
    loss_max: float
    loss_sum: float
    accuracy_min: float
    accuracy_max: float
    accuracy_sum: float
    learning_rate_min: float
    learning_rate_max: float
    learning_rate_sum: float


class PointBlockRow(SQLModel, table=True):
    """A job's points packed BLOCK_STEPS at a time as float64 rows, for fast bulk reads
    (blocks.py). Written in the same transaction as the points they copy."""

    __tablename__ = "point_blocks"
    __table_args__ = {"sqlite_with_rowid": False}

    job_id: int = Field(foreign_key="jobs.id", primary_key=True, ondelete="CASCADE")
    block: int = Field(primary_key=True)
    n: int
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class OwedPointsRow(SQLModel, table=True):
    """A job a user stopped or failed before the points it had made by then were written: the
    status change is recorded first, and catch-up writes the points up to `last_step`, in
    pieces, when there is room (catchup.py). No row: the job owes nothing."""

    __tablename__ = "owed_points"

    job_id: int = Field(foreign_key="jobs.id", primary_key=True, ondelete="CASCADE")
    last_step: int


class DeletedJobRow(SQLModel, table=True):
    """A job whose row is deleted but whose points are still being removed, in pieces
    (deletes.py): deleting a long job in one transaction needs as much free disk for SQLite's
    log as the job's points take."""

    __tablename__ = "deleted_jobs"

    job_id: int = Field(primary_key=True)


class MetaRow(SQLModel, table=True):
    __tablename__ = "meta"

    key: str = Field(primary_key=True)
    value: str


# SQLModel makes these at class creation; its types do not say so.
jobs_table = JobRow.__table__  # type: ignore[attr-defined]
points_table = PointRow.__table__  # type: ignore[attr-defined]
meta_table = MetaRow.__table__  # type: ignore[attr-defined]
owed_table = OwedPointsRow.__table__  # type: ignore[attr-defined]
deleted_table = DeletedJobRow.__table__  # type: ignore[attr-defined]

Index("ix_jobs_created", jobs_table.c.created_at)
# Validation points are one an epoch: a partial index finds them without reading the rest.
Index(
    "ix_points_validation",
    points_table.c.job_id,
    points_table.c.step,
    sqlite_where=points_table.c.val_loss.isnot(None),
    postgresql_where=points_table.c.val_loss.isnot(None),
)
from . import output  # noqa: E402, F401  (the output table of launched commands: store/output.py)

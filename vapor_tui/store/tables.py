"""The database schema. Times are stored as seconds since the Unix epoch (UTC) in REAL columns:
unambiguous on every backend, and converted to aware datetimes at the repository boundary."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from .sqlite_file import APPLICATION_ID, SCHEMA_VERSION

__all__ = [
    "APPLICATION_ID",
    "SCHEMA_VERSION",
    "DeletedJobRow",
    "JobRow",
    "MetaRow",
    "OwedPointsRow",
    "SeriesBlockRow",
    "SeriesPointRow",
    "SeriesRow",
    "SeriesSummaryRow",
]


class JobRow(SQLModel, table=True):
    __tablename__ = "jobs"
    # Never reuse the id of a deleted job: a `watch ID` must not wake up on another job.
    __table_args__ = {"sqlite_autoincrement": True}

    id: int | None = Field(default=None, primary_key=True)
    name: str
    # What produces the job's points: "simulator", "api" (a script attached through the
    # logging API) or "command" (a command vapor-tui launched and supervises).
    source: str = "simulator"
    # The simulator's settings: only a simulated job has them.
    model: str | None = None
    epochs: int | None = None
    steps_per_epoch: int | None = None
    learning_rate: float | None = None
    batch_size: int | None = None
    schedule: str | None = None
    curve: str | None = None
    seed: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    step_seconds: float | None = None
    total_steps: int | None = None  # NULL: not known (a run that did not say)
    config: str | None = None  # JSON text: a run's config dict
    status: str = Field(index=True)
    reason: str = ""
    created_at: float
    started_at: float | None = None
    finished_at: float | None = None
    steps_done: int = 0
    # Denormalised from the series for the jobs table (series.py): `loss` else `train_loss`;
    # `val_loss` else `eval_loss` else `eval/loss`.
    last_loss: float | None = None
    best_loss: float | None = None
    last_val_loss: float | None = None
    nan_flags: int = 0  # 1: last_loss is NaN, 2: last_val_loss is NaN (stored as NULL)
    ema_step_seconds: float | None = None
    last_timestamp: float | None = None
    stop_at_step: int | None = None
    # The process that produces the points (a run through the API, a launched command), so a
    # run whose process is gone is found: a reused pid has another start time (/proc/PID/stat).
    host: str | None = None
    pid: int | None = None
    pid_started: float | None = None
    user_name: str | None = None  # the login name ("user" is a reserved word in PostgreSQL)
    heartbeat_at: float | None = None
    # The stop ladder: 0 none asked, 1 stop requested, 2 SIGINT, 3 SIGTERM, 4 SIGKILL.
    stop_rung: int = 0
    # A launched command (issue 11): its argument list and environment as JSON text.
    command: str | None = None
    cwd: str | None = None
    env: str | None = None
    stop_grace: float | None = None
    supervisor_pid: int | None = None
    supervisor_started: float | None = None
    exit_code: int | None = None
    version: int = 0


class SeriesRow(SQLModel, table=True):
    """One named series of a job (`loss`, `eval/loss`, `grad_norm`...), with what the store
    keeps of it: counts, first and last step, the last value, the finite min and max, the
    NaN and ±inf counts, and the summary's bucket width and how many blocks are packed."""

    __tablename__ = "series"
    __table_args__ = (UniqueConstraint("job_id", "name"), {"sqlite_autoincrement": True})

    id: int | None = Field(default=None, primary_key=True)
    job_id: int = Field(foreign_key="jobs.id", ondelete="CASCADE")
    name: str
    n: int = 0
    first_step: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    last_step: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    last_value: float | None = None  # NULL: NaN (or no point yet)
    min: float | None = None  # of the finite values; NULL: none yet
    max: float | None = None
    n_nan: int = 0
    n_inf: int = 0
    bucket_width: int = Field(default=1, sa_column=Column(BigInteger, nullable=False))
    packed_blocks: int = 0  # blocks 0 .. packed_blocks - 1 are in series_blocks (or empty)


class SeriesPointRow(SQLModel, table=True):
    """One value of one series at one step (long format). `value` NULL is NaN: SQLite turns
    NaN into NULL anyway, so both backends store it so; ±inf are stored as they are."""

    __tablename__ = "series_points"
    __table_args__ = {"sqlite_with_rowid": False}

    series_id: int = Field(foreign_key="series.id", primary_key=True, ondelete="CASCADE")
    step: int = Field(sa_column=Column(BigInteger, primary_key=True))
    value: float | None = None
    timestamp: float


class SeriesSummaryRow(SQLModel, table=True):
    """A series folded into at most 1,024 buckets of `bucket_width` steps (series_summary.py):
    min / max / sum of the finite values, NaN and ±inf counted apart."""

    __tablename__ = "series_summary"
    __table_args__ = {"sqlite_with_rowid": False}

    series_id: int = Field(foreign_key="series.id", primary_key=True, ondelete="CASCADE")
    bucket: int = Field(primary_key=True)
    n: int
    first_step: int = Field(sa_column=Column(BigInteger, nullable=False))
    last_step: int = Field(sa_column=Column(BigInteger, nullable=False))
    min: float
    max: float
    sum: float
    n_nan: int
    n_inf: int


class SeriesBlockRow(SQLModel, table=True):
    """A series' points of steps block*4096+1 .. (block+1)*4096 packed as float64 rows of
    (step, value, timestamp), for bulk reads (series_blocks.py)."""

    __tablename__ = "series_blocks"
    __table_args__ = {"sqlite_with_rowid": False}

    series_id: int = Field(foreign_key="series.id", primary_key=True, ondelete="CASCADE")
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
meta_table = MetaRow.__table__  # type: ignore[attr-defined]
owed_table = OwedPointsRow.__table__  # type: ignore[attr-defined]
deleted_table = DeletedJobRow.__table__  # type: ignore[attr-defined]
series_table = SeriesRow.__table__  # type: ignore[attr-defined]
series_points_table = SeriesPointRow.__table__  # type: ignore[attr-defined]
# On a server the points' key is a trigger's work instead (server_keys.py: a row's check made
# a COPY of points several times slower).
for _key in series_points_table.foreign_key_constraints:
    _key.ddl_if(dialect="sqlite")

Index("ix_jobs_created", jobs_table.c.created_at)
from . import output  # noqa: E402, F401  (the output table of launched commands: store/output.py)

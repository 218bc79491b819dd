"""The database schema, as SQLAlchemy Core tables on one MetaData: the one definition that
creating, upgrading, checking and every query use. Core, not SQLModel classes: a training
script's init() loads no ORM, pydantic or numpy for it (nothing reads rows as objects).
Times are stored as seconds since the Unix epoch (UTC) in REAL columns: unambiguous on every
backend, and converted to aware datetimes at the repository boundary."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    UniqueConstraint,
)

from .sqlite_file import APPLICATION_ID, SCHEMA_VERSION

__all__ = [
    "APPLICATION_ID",
    "SCHEMA_VERSION",
    "deleted_table",
    "jobs_table",
    "meta_table",
    "metadata",
    "output_table",
    "owed_table",
    "series_blocks_table",
    "series_points_table",
    "series_summary_table",
    "series_table",
]

metadata = MetaData()


def _text(name: str, *, null: bool = False, **kw) -> Column:
    return Column(name, String, nullable=null, **kw)


def _int(name: str, *, null: bool = False, **kw) -> Column:
    return Column(name, Integer, nullable=null, **kw)


def _big(name: str, *, null: bool = False, **kw) -> Column:
    return Column(name, BigInteger, nullable=null, **kw)


def _real(name: str, *, null: bool = False, **kw) -> Column:
    return Column(name, Float, nullable=null, **kw)


def _job_key(name: str = "job_id", **kw) -> Column:
    return Column(name, Integer, ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False, **kw)


def _series_key() -> Column:
    fk = ForeignKey("series.id", ondelete="CASCADE")
    return Column("series_id", Integer, fk, primary_key=True, nullable=False)


jobs_table = Table(
    "jobs",
    metadata,
    # Never reuse the id of a deleted job: a `watch ID` must not wake up on another job.
    _int("id", primary_key=True),
    _text("name"),
    # What produces the job's points: "simulator", "api" (a script attached through the
    # logging API) or "command" (a command vapor-tui launched and supervises).
    _text("source", default="simulator"),
    # The simulator's settings: only a simulated job has them.
    _text("model", null=True),
    _int("epochs", null=True),
    _int("steps_per_epoch", null=True),
    _real("learning_rate", null=True),
    _int("batch_size", null=True),
    _text("schedule", null=True),
    _text("curve", null=True),
    _big("seed", null=True),
    _real("step_seconds", null=True),
    _int("total_steps", null=True),  # NULL: not known (a run that did not say)
    _text("config", null=True),  # JSON text: a run's config dict
    _text("status", index=True),
    _text("reason", default=""),
    _real("created_at"),
    _real("started_at", null=True),
    _real("finished_at", null=True),
    _int("steps_done", default=0),
    # Denormalised from the series for the jobs table (series.py): `loss` else `train_loss`;
    # `val_loss` else `eval_loss` else `eval/loss`.
    _real("last_loss", null=True),
    _real("best_loss", null=True),
    _real("last_val_loss", null=True),
    _int("nan_flags", default=0),  # 1: last_loss is NaN, 2: last_val_loss is NaN (stored as NULL)
    _real("ema_step_seconds", null=True),
    _real("last_timestamp", null=True),
    _int("stop_at_step", null=True),
    # The process that produces the points (a run through the API, a launched command), so a
    # run whose process is gone is found: a reused pid has another start time (/proc/PID/stat).
    _text("host", null=True),
    _int("pid", null=True),
    _real("pid_started", null=True),
    _text("user_name", null=True),  # the login name ("user" is a reserved word in PostgreSQL)
    _real("heartbeat_at", null=True),
    # The stop ladder: 0 none asked, 1 stop requested, 2 SIGINT, 3 SIGTERM, 4 SIGKILL.
    _int("stop_rung", default=0),
    # A launched command (issue 11): its argument list and environment as JSON text.
    _text("command", null=True),
    _text("cwd", null=True),
    _text("env", null=True),
    _real("stop_grace", null=True),
    _int("supervisor_pid", null=True),
    _real("supervisor_started", null=True),
    _int("exit_code", null=True),
    _int("version", default=0),
    Index("ix_jobs_created", "created_at"),
    sqlite_autoincrement=True,
)

# One named series of a job (`loss`, `eval/loss`, `grad_norm`...), with what the store keeps
# of it: counts, first and last step, the last value, the finite min and max, the NaN and
# ±inf counts, and the summary's bucket width and how many blocks are packed.
series_table = Table(
    "series",
    metadata,
    _int("id", primary_key=True),
    _job_key(),
    _text("name"),
    _int("n", default=0),
    _big("first_step"),
    _big("last_step"),
    _real("last_value", null=True),  # NULL: NaN (or no point yet)
    _real("min", null=True),  # of the finite values; NULL: none yet
    _real("max", null=True),
    _int("n_nan", default=0),
    _int("n_inf", default=0),
    _big("bucket_width"),
    _int("packed_blocks", default=0),  # blocks 0 .. packed_blocks - 1 are in series_blocks
    UniqueConstraint("job_id", "name"),
    sqlite_autoincrement=True,
)

# One value of one series at one step (long format). `value` NULL is NaN: SQLite turns NaN
# into NULL anyway, so both backends store it so; ±inf are stored as they are.
series_points_table = Table(
    "series_points",
    metadata,
    _series_key(),
    _big("step", primary_key=True),
    _real("value", null=True),
    _real("timestamp"),
    sqlite_with_rowid=False,
)

# A series folded into at most 1,024 buckets of `bucket_width` steps (series_summary.py):
# min / max / sum of the finite values, NaN and ±inf counted apart.
series_summary_table = Table(
    "series_summary",
    metadata,
    _series_key(),
    _int("bucket", primary_key=True),
    _int("n"),
    _big("first_step"),
    _big("last_step"),
    _real("min"),
    _real("max"),
    _real("sum"),
    _int("n_nan"),
    _int("n_inf"),
    sqlite_with_rowid=False,
)

# A series' points of steps block*4096+1 .. (block+1)*4096 packed as float64 rows of
# (step, value, timestamp), for bulk reads (series_blocks.py).
series_blocks_table = Table(
    "series_blocks",
    metadata,
    _series_key(),
    _int("block", primary_key=True),
    _int("n"),
    Column("data", LargeBinary, nullable=False),
    sqlite_with_rowid=False,
)

# A job a user stopped or failed before the points it had made by then were written: the
# status change is recorded first, and catch-up writes the points up to `last_step`, in
# pieces, when there is room (catchup.py). No row: the job owes nothing.
owed_table = Table(
    "owed_points",
    metadata,
    _job_key(primary_key=True),
    _int("last_step"),
)

# A job whose row is deleted but whose points are still being removed, in pieces
# (deletes.py): deleting a long job in one transaction needs as much free disk for SQLite's
# log as the job's points take.
deleted_table = Table("deleted_jobs", metadata, _int("job_id", primary_key=True))

meta_table = Table("meta", metadata, _text("key", primary_key=True), _text("value"))

# Each launched command's stdout and stderr, line by line (store/output.py).
output_table = Table(
    "output",
    metadata,
    _job_key(primary_key=True),
    _big("seq", primary_key=True),
    _text("stream"),
    _text("text"),
    _real("ts"),
    Column("partial", Boolean, nullable=False, default=False),
    _big("rev"),
    Index("ix_output_rev", "job_id", "rev"),
    sqlite_with_rowid=False,
)

# On a server the points' key is a trigger's work instead (server_keys.py: a row's check made
# a COPY of points several times slower).
for _key in series_points_table.foreign_key_constraints:
    _key.ddl_if(dialect="sqlite")

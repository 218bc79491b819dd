"""What opening a database checks beyond SQLite's structural check: that it has the tables and
columns this version reads and writes, and that every job's status and counts agree with its
points.

SQLite cannot tell that a log (`-wal`) next to the file came from another copy of it, or that a
row was edited by hand: it applies the log's pages over the file's. Where the result disagrees
with itself (a job's step count against its last point, its packed copy or its chart summary,
a status against its points) this finds it and the file is refused, not papered over.
What agrees with itself passes, wherever it came from (docs/RELIABILITY.md). The checks are
index seeks, five a job (the whole check, 100 jobs: about 5 ms; one job of 1,000,000 points: 1 ms).

Only the standard library's sqlite3: it runs on a read-only look before any engine exists.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

from vapor_tui.core.status import JobStatus

from .convert import UnreadableJob, job_from_row
from .sqlite_file import StoreDamaged, look_quietly

BLOCK_STEPS = 4096  # blocks.py (not imported: it brings numpy)
# Built from the points when missing (upgrade.py), and said so.
DERIVED = ("point_summary", "point_blocks")
# What each schema version added (a file of an older version does not have them yet).
TABLE_SINCE = {"point_summary": 2, "point_blocks": 3, "owed_points": 4, "deleted_jobs": 4}
# Tables and columns an older file lacks and its upgrade makes (not derived: missing from a
# file of their schema, the file is damaged).
PRIMARY_SINCE = {"series": 5, "series_points": 5, "series_summary": 5, "series_blocks": 5}
COLUMNS_SINCE_5 = frozenset(
    [
        "total_steps",
        "config",
        "host",
        "pid",
        "pid_started",
        "user_name",
        "heartbeat_at",
        "stop_rung",
        "command",
        "cwd",
        "env",
        "stop_grace",
        "supervisor_pid",
        "supervisor_started",
        "exit_code",
        "nan_flags",
    ]
)
SINCE_INDEXES = 2  # a file of schema 1 gets the validation index by its upgrade


@dataclass(frozen=True)
class Inspection:
    missing_tables: tuple[str, ...] = ()  # derived or bookkeeping tables, to make again
    missing_indexes: tuple[str, ...] = ()

    @property
    def repairs(self) -> bool:
        return bool(self.missing_tables or self.missing_indexes)


def inspect_database(
    path: Path, version: int, columns: dict[str, tuple[str, ...]], indexes: tuple[str, ...]
) -> Inspection:
    """Refuse (StoreDamaged) a file that lacks a column, or a table that cannot be rebuilt,
    or whose jobs disagree with their points; say which derived tables and indexes are to be
    made again. `columns` and `indexes` are this version's schema."""

    def look(conn: sqlite3.Connection) -> tuple[Inspection, list[str]]:
        found = {
            name: [r[1] for r in conn.execute(f"PRAGMA table_info({name})")]
            for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        have_indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        missing = []
        for table, wanted in columns.items():
            if table not in found:
                if PRIMARY_SINCE.get(table, 1) > version:
                    continue  # the upgrade makes it
                if TABLE_SINCE.get(table, 1) > version:
                    continue  # the upgrade makes it
                if table not in TABLE_SINCE:
                    raise StoreDamaged(
                        f"{path} is damaged: it has no {table} table; it was left as it is"
                    )
                missing.append(table)
                continue
            lacking = [
                c
                for c in wanted
                if c not in found[table] and (version >= 5 or c not in COLUMNS_SINCE_5)
            ]
            if lacking:
                raise StoreDamaged(
                    f"{path} is damaged: its {table} table has no column {lacking[0]}; "
                    "it was left as it is"
                )
        gone = tuple(i for i in indexes if i not in have_indexes and version >= SINCE_INDEXES)
        return Inspection(tuple(missing), gone), _disagreements(conn, set(found))

    try:
        inspection, problems = look_quietly(path, look)
    except sqlite3.DatabaseError as exc:
        message = f"{path} is damaged or unreadable ({exc}); it was left as it is"
        raise StoreDamaged(message) from exc
    if problems:
        others = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        wal = path.with_name(path.name + "-wal")
        hint = (
            f"; its log {wal.name} may come from another copy of the database"
            if wal.exists() and wal.stat().st_size
            else ""
        )
        raise StoreDamaged(
            f"{path} does not agree with itself: {problems[0]}{others}{hint}; it was left as it is"
        )
    return inspection


def _disagreements(conn: sqlite3.Connection, tables: set[str]) -> list[str]:
    """One line per job whose step count or status disagrees with its points."""
    if not {"jobs", "points"} <= tables:
        return []
    conn.row_factory = lambda cur, row: SimpleNamespace(
        **{d[0]: v for d, v in zip(cur.description, row, strict=True)}
    )
    problems = []
    for row in conn.execute(check_query(tables)).fetchall():
        try:
            job_from_row(row)
        except UnreadableJob:
            continue  # reported as a row that cannot be read, and the others shown
        if getattr(row, "source", "simulator") != "simulator":
            continue  # a run's points are its series, not the simulator's counts
        problem = _disagreement(vars(row))
        if problem is not None:
            problems.append(f"job #{row.id} {problem}")
    return problems


def check_query(tables: set[str]) -> str:
    """Every job with where its points, packed copy and chart summary end: a seek each, by
    their primary keys."""
    extra = {
        "blocks_end": (
            "point_blocks",
            f"(SELECT block * {BLOCK_STEPS} + n FROM point_blocks b WHERE b.job_id = j.id "
            "ORDER BY block DESC LIMIT 1)",
        ),
        "summary_end": (
            "point_summary",
            "(SELECT last_step FROM point_summary s WHERE s.job_id = j.id "
            "ORDER BY bucket DESC LIMIT 1)",
        ),
        "owed": ("owed_points", "(SELECT last_step FROM owed_points o WHERE o.job_id = j.id)"),
    }
    picks = [f", {sql} AS {name}" for name, (table, sql) in extra.items() if table in tables]
    return (
        "SELECT j.*, j.epochs * j.steps_per_epoch AS total, "
        "(SELECT max(step) FROM points p WHERE p.job_id = j.id) AS top, "
        "(SELECT min(step) FROM points p WHERE p.job_id = j.id) AS low"
        + "".join(picks)
        + " FROM jobs j ORDER BY j.id"
    )


def _disagreement(row: dict) -> str | None:
    status = JobStatus(row["status"])
    done, total = row["steps_done"], row["total"]
    keys = row.keys()
    top = row["top"] or 0
    if top != done:
        return f"counts {done:,} steps done, but its points end at step {top:,}"
    if done and row["low"] != 1:
        return f"has points from step {row['low']:,}, not from step 1"
    if "blocks_end" in keys:
        # Blocks are written whole (blocks.py): they end where the job's last whole block does;
        # a block an older version left part-filled ends within the steps after that.
        end, whole = row["blocks_end"] or 0, done - done % BLOCK_STEPS
        if not (end == whole or whole < end <= done):
            return f"counts {done:,} steps done, but its packed copy ends at step {end:,}"
    if "summary_end" in keys and (row["summary_end"] or 0) != done:
        return (
            f"counts {done:,} steps done, but its chart summary ends at step "
            f"{row['summary_end'] or 0:,}"
        )
    if done > total:
        return f"counts {done:,} steps done of {total:,}"
    if status is JobStatus.QUEUED and row["started_at"] is not None:
        return "is queued but has a start time"
    if (status.is_active or status is JobStatus.COMPLETE or done) and row["started_at"] is None:
        return f"is {status} with {done:,} steps done but was never started"
    if status is JobStatus.COMPLETE and done != total:
        return f"is complete with {done:,} of {total:,} steps"
    if status.is_final != (row["finished_at"] is not None):
        return f"is {status} but {'has no' if status.is_final else 'has a'} finish time"
    if status is JobStatus.STOPPING and row["stop_at_step"] is None:
        return "is stopping but has no step to stop at"
    owed = row["owed"] if "owed" in keys else None
    if owed is not None and not (status.is_final and done < owed <= total):
        return f"is {status} with {done:,} steps done but owes points up to step {owed:,}"
    return None

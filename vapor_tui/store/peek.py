"""A quick, read-only look at the job list with the standard library's sqlite3, so the app can
paint its first frame before SQLAlchemy and numpy are imported. It writes nothing and
brings nothing up to date: the first real tick follows it within a fraction of a second."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from types import SimpleNamespace

from .convert import JobList, read_rows
from .server_peek import ALL_JOBS, peek_server
from .sqlite_file import (
    SCHEMA_VERSION,
    StoreError,
    check_sqlite_file,
    is_url,
    look_quietly,
    resolve_target,
)


def _all_jobs(conn: sqlite3.Connection) -> list[SimpleNamespace]:
    conn.row_factory = lambda cur, row: SimpleNamespace(
        **{d[0]: v for d, v in zip(cur.description, row, strict=True)}
    )
    return conn.execute(ALL_JOBS).fetchall()


def peek_jobs(db: str | None) -> JobList | None:
    """Every job, newest first, as the file holds them now (a row that cannot be read is left
    out and named in `unreadable`); None if there is nothing to peek at (no file yet, a URL
    other than PostgreSQL's, or anything wrong: opening it properly will say what)."""
    try:
        target = resolve_target(db)
        if is_url(target):
            return peek_server(target)
        path = Path(target).expanduser()
        if not path.is_file():
            return None
        if check_sqlite_file(path, create=False, verify=False).version != SCHEMA_VERSION:
            return None
        rows = look_quietly(path, _all_jobs)  # no -wal/-shm left next to a file refused later
        return read_rows(rows)
    except (StoreError, sqlite3.Error, ValueError, OSError):
        return None

"""Statements through the driver's own connection (sqlite3 or psycopg), in the caller's
SQLAlchemy transaction.

A tick's statements are small and the same every second: SQLAlchemy's work around each one
(the execution context, the result's row processing, its own statement events) cost more
than SQLite's running it (issue 14). Here a statement goes to the driver's cursor as it is,
and its rows come back as the driver's tuples. What SQLAlchemy did that the store relies on
is kept: a driver's error is raised as SQLAlchemy would have raised it (DBAPIError and its
kinds, so the store's translation of a full disk, a lost server... is the same), a
connection the server cut is invalidated (not handed out by the pool again), and the
engine's `before_cursor_execute` listeners see every statement (the tests count them)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from sqlalchemy import Connection


def mark(conn: Connection) -> str:
    """The driver's parameter mark: `?` (sqlite3) or `%s` (psycopg)."""
    return "?" if conn.dialect.paramstyle == "qmark" else "%s"


def run(conn: Connection, sql: str, params: Sequence[Any] = ()) -> Any:
    """Execute one statement; returns the driver's cursor (its rows not fetched)."""
    raw = _raw(conn)
    _announce(conn, sql, params, False)
    try:
        return raw.execute(sql, params)
    except conn.dialect.loaded_dbapi.Error as exc:
        _raise(conn, raw, sql, params, exc)


def run_many(conn: Connection, sql: str, rows: Sequence[Sequence[Any]]) -> int:
    """An executemany of plain tuples; returns the driver's rowcount (sqlite3: the rows all
    of them changed; -1 or another count where a driver does not sum them)."""
    raw = _raw(conn)
    _announce(conn, sql, rows, True)
    try:
        if conn.dialect.name == "sqlite":
            return int(raw.executemany(sql, rows).rowcount)
        with raw.cursor() as cursor:
            cursor.executemany(sql, rows)
            return int(cursor.rowcount)
    except conn.dialect.loaded_dbapi.Error as exc:
        _raise(conn, raw, sql, rows, exc)


def fetch(conn: Connection, sql: str, params: Sequence[Any] = ()) -> list[Any]:
    """Every row of one statement, as the driver's tuples."""
    raw = _raw(conn)
    _announce(conn, sql, params, False)
    try:
        return list(raw.execute(sql, params).fetchall())
    except conn.dialect.loaded_dbapi.Error as exc:
        _raise(conn, raw, sql, params, exc)


def _raw(conn: Connection) -> Any:
    # Not cached by the Connection: a cache held every Connection a tick made, for ever (about
    # four a tick, 1,283 after 300 ticks).
    raw = conn.connection.driver_connection
    assert raw is not None  # a live connection, inside the caller's transaction
    return raw


def _announce(conn: Connection, sql: str, params: Any, many: bool) -> None:
    if conn.dispatch.before_cursor_execute:  # listeners: tests counting statements
        conn.dispatch.before_cursor_execute(conn, None, sql, params, None, many)


def _raise(conn: Connection, raw: Any, sql: str, params: Any, exc: Exception) -> NoReturn:
    from sqlalchemy.exc import DBAPIError

    broken = bool(getattr(raw, "broken", False))  # psycopg: the server cut the connection
    if broken:
        conn.invalidate(exc)
    raise DBAPIError.instance(
        sql,
        params,
        exc,
        conn.dialect.loaded_dbapi.Error,
        connection_invalidated=broken,
        dialect=conn.dialect,
    ) from exc

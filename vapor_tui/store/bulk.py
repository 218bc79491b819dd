"""One statement for many rows, on either backend: an executemany of plain tuples on SQLite
(fast there), one INSERT of unnested arrays on PostgreSQL (an executemany is a round of the
protocol a row on a server). The SQL is made once per shape, and goes to the driver's own
connection (driver.py)."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .driver import run, run_many

if TYPE_CHECKING:
    from sqlalchemy import Connection


def param(conn: Connection) -> str:
    return "?" if conn.dialect.paramstyle == "qmark" else "%s"


def insert_rows(
    conn: Connection,
    table: str,
    columns: tuple[str, ...],
    types: tuple[str, ...],
    rows: Sequence[tuple],
    conflict: tuple[str, ...] = (),
    update: str = "",
) -> None:
    """INSERT rows (tuples in `columns` order; `types` the PostgreSQL array type of each),
    with ON CONFLICT (conflict) DO UPDATE SET update when given."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        arrays = tuple(list(c) for c in zip(*rows, strict=True))
        run(conn, _pg_sql(table, columns, types, conflict, update), arrays)
    else:
        run_many(conn, _sqlite_sql(table, columns, conflict, update), rows)


def _tail(conflict: tuple[str, ...], update: str) -> str:
    if not conflict:
        return ""
    action = f"DO UPDATE SET {update}" if update else "DO NOTHING"
    return f" ON CONFLICT ({', '.join(conflict)}) {action}"


@functools.cache
def _sqlite_sql(table: str, columns: tuple[str, ...], conflict: tuple[str, ...], update: str):
    marks = ", ".join("?" * len(columns))
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks}){_tail(conflict, update)}"


@functools.cache
def _pg_sql(table, columns: tuple[str, ...], types: tuple[str, ...], conflict, update) -> str:
    arrays = ", ".join(f"%s::{t}[]" for t in types)
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) SELECT * FROM unnest({arrays})"
        f"{_tail(conflict, update)}"
    )


def update_rows(
    conn: Connection, table: str, columns: tuple[str, ...], key: str, rows: Sequence[tuple]
) -> None:
    """UPDATE table SET columns WHERE key = ..., one statement for all rows (each a tuple of
    the columns' values, then the key)."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        # An executemany in psycopg's pipeline mode: one round trip for all of them.
        run_many(conn, _update_sql(table, columns, key, "%s"), rows)
    else:
        run_many(conn, _update_sql(table, columns, key, "?"), rows)


@functools.cache
def _update_sql(table: str, columns: tuple[str, ...], key: str, p: str) -> str:
    sets = ", ".join(f"{c} = {p}" for c in columns)
    return f"UPDATE {table} SET {sets} WHERE {key} = {p}"

"""Opening a server database in one statement when it is as this vapor-tui left it.

The full check (store/server.py's prepare_schema, create_all, server_keys.py) takes an
advisory lock and about ten catalog queries, some of them on information_schema: about 30 ms
of every launch of the app and of every command. When it passes, it records in the meta table
what it found: this vapor-tui's schema (tables, columns, indexes, the server's own keys) and a
digest of the catalog as it then was (the tables and indexes, each one's number of columns).
An open reads that row, the schema version and the catalog's digest now in one statement,
and skips the full check when all agree.

Anything else runs the full check: a first use (no meta table: the statement fails, and its
transaction is rolled back), someone else's database (their `meta`, if any, has no such row),
another version's schema, a table or an index dropped or added, a column added, a database
made or last checked by a build whose schema or keys differed (server_keys.py)."""

from __future__ import annotations

import functools
import hashlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Connection

CHECKED_KEY = "schema_checked"
# The schema's tables and indexes, and each one's number of columns: pg_class alone (a few
# hundred rows, always in the server's cache). A digest of every column, key and trigger as
# well cost about 5 ms more on a new connection (pg_attribute, pg_constraint, pg_trigger).
_CATALOG = """
SELECT md5(coalesce(string_agg(c.relname || ' ' || c.relkind::text || c.relnatts, ','
                               ORDER BY c.relname), ''))
FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace
"""
# Fails (undefined table or column) on a database without our meta table.
_STATE = f"""
SELECT (SELECT value FROM meta WHERE key = 'app'),
       (SELECT value FROM meta WHERE key = 'schema_version'),
       (SELECT value FROM meta WHERE key = '{CHECKED_KEY}'),
       ({_CATALOG})
"""


@functools.cache
def schema_token() -> str:
    """What this vapor-tui makes of a server database, as a digest: its schema version, every
    table's columns (name, type, NULL-able) and indexes, and what server_keys.py adds."""
    from .server_keys import SERVER_LAYOUT
    from .sqlite_file import SCHEMA_VERSION
    from .tables import metadata

    parts = [str(SCHEMA_VERSION), SERVER_LAYOUT]
    for table in metadata.sorted_tables:
        columns = [f"{c.name} {c.type!r} {c.nullable}" for c in table.columns]
        indexes = sorted(str(i.name) for i in table.indexes)
        parts.append(f"{table.name}({', '.join(columns)}) {indexes}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def _state(conn: Connection) -> tuple[str | None, str | None, str | None, str]:
    app, version, checked, catalog = conn.exec_driver_sql(_STATE).one()
    return app, version, checked, catalog


def is_current(conn: Connection) -> bool:
    """Whether the database is ours, of this schema, and as the last full check left it. On a
    database without our meta table the statement fails: the caller's transaction is then
    aborted, and must be rolled back (False is returned)."""
    from sqlalchemy.exc import ProgrammingError

    from .sqlite_file import SCHEMA_VERSION

    try:
        app, version, checked, catalog = _state(conn)
    except ProgrammingError as exc:
        # 42P01 undefined table, 42703 undefined column: not our meta table, or none yet.
        if getattr(exc.orig, "sqlstate", None) in ("42P01", "42703"):
            return False
        raise
    return (
        app == "vapor-tui"
        and version == str(SCHEMA_VERSION)
        and checked == f"{schema_token()}:{catalog}"
    )


def record_checked(conn: Connection) -> None:
    """At the end of a full check that passed, in its transaction: what it found, so that the
    next open can skip it. Written only when it differs, under a savepoint: a role that may
    only read still opens the database (it runs the full check each time)."""
    from sqlalchemy.exc import ProgrammingError

    _app, _version, checked, catalog = _state(conn)
    value = f"{schema_token()}:{catalog}"
    if checked == value:
        return
    write = (
        "UPDATE meta SET value = %(value)s WHERE key = %(key)s"
        if checked is not None
        else "INSERT INTO meta (key, value) VALUES (%(key)s, %(value)s)"
    )
    try:
        with conn.begin_nested():
            conn.exec_driver_sql(write, {"key": CHECKED_KEY, "value": value})
    except ProgrammingError as exc:
        if getattr(exc.orig, "sqlstate", None) != "42501":  # insufficient privilege
            raise

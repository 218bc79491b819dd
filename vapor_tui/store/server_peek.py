"""The quick look of store/peek.py on a PostgreSQL server: every job as the database holds it,
read with psycopg alone (no SQLAlchemy, no numpy), so that the first frame, and `watch`'s
check of the job's id, need neither. Read-only, in one connection and two statements; None
at the least doubt (the store's open then says what is wrong, if anything).

A look that found our database keeps its connection for the store opened next in this process
(server_kept.py)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from .convert import JobList, read_rows
from .server import CONNECT_DEFAULTS, ignored_passfile
from .server_kept import keep
from .sqlite_file import SCHEMA_VERSION

# Every job, newest first, with its last epoch: what the first frame shows (peek.py too).
ALL_JOBS = (
    "SELECT j.*, (SELECT s.last_value FROM series s WHERE s.job_id = j.id "
    "AND s.name = 'epoch') AS last_epoch FROM jobs j ORDER BY j.id DESC"
)
_SCHEMES = ("postgresql://", "postgresql+psycopg://")
# At most this long to reach the server (libpq's least): the store's open tries again with
# its own timeout, and says why if it cannot.
_CONNECT_TIMEOUT_S = 2
_OURS = (
    "SELECT (SELECT value FROM meta WHERE key = 'app'), "
    "(SELECT value FROM meta WHERE key = 'schema_version')"
)


def libpq_url(target: str) -> str | None:
    """The URL as libpq reads it (postgresql://...: the same user, password, host, port,
    database and query), or None for another driver's."""
    scheme = next((s for s in _SCHEMES if target.startswith(s)), None)
    return None if scheme is None else "postgresql://" + target[len(scheme) :]


def is_ours(conn: Any) -> bool:
    """Whether the database on this psycopg connection is vapor-tui's, of this schema version
    (a database without our meta table raises psycopg's UndefinedTable)."""
    app, version = conn.execute(_OURS).fetchone() or (None, None)
    return bool(app == "vapor-tui" and version == str(SCHEMA_VERSION))


def _namespace(cursor):
    names = [d.name for d in cursor.description]
    return lambda values: SimpleNamespace(**dict(zip(names, values, strict=True)))


def peek_server(target: str) -> JobList | None:
    url = libpq_url(target)
    if url is None:
        return None
    try:
        import psycopg
    except ImportError:
        return None
    # The store's options (keepalives), so that the connection kept for it is as it would
    # make one; a shorter time to connect.
    options: dict[str, Any] = {k: v for k, v in CONNECT_DEFAULTS.items() if f"{k}=" not in url}
    if "connect_timeout=" not in url:
        options["connect_timeout"] = _CONNECT_TIMEOUT_S
    ignored = ignored_passfile()
    if ignored is not None and "passfile=" not in url:
        options["passfile"] = str(ignored / "ignored")  # as server.make_engine does
    try:
        conn = psycopg.connect(url, autocommit=True, **options)
    except (psycopg.Error, OSError, ValueError):
        return None
    kept = False
    try:
        if not is_ours(conn):
            return None
        cursor = conn.cursor(row_factory=_namespace)
        rows = cursor.execute(ALL_JOBS).fetchall()
        keep(target, conn)
        kept = True
    except (psycopg.Error, OSError, ValueError):
        return None
    finally:
        if not kept:
            conn.close()
    return read_rows(rows)

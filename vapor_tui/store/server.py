"""A database server (PostgreSQL) as the store: the URL, the driver, the first connection, and
what schema creation must check there before it creates anything.

Several machines may open one empty database at the same moment: schema creation runs under a
transaction-level advisory lock, so one creates the tables and the others find them. A
database that holds tables of something else is refused before anything is created in it.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from .server_alive import watch_checkouts
from .sqlite_file import SCHEMA_VERSION, StoreError

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

# pg_advisory_xact_lock key for schema creation and upgrades: "VAPR" as a number.
SCHEMA_LOCK_KEY = 0x56415052
OUR_TABLES = frozenset(
    {"jobs", "series", "series_points", "series_summary", "series_blocks", "owed_points"}
    | {"deleted_jobs", "meta", "points", "point_summary", "point_blocks"}  # the last: schema 4
)
INSTALL_DRIVER = "pip install 'vapor-tui[postgres]'"
# How long a connection attempt may take, and TCP keepalives, so that a dropped network is
# noticed in about 25 s instead of the kernel's two hours. The URL's own values win.
CONNECT_DEFAULTS = {
    "connect_timeout": 10,
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 5,
    "keepalives_count": 3,
}


class StoreUnreachable(StoreError):
    """The database server does not answer (down, restarting, the network gone); the same
    call may work again later."""


def hide_password(target: str) -> str:
    """The URL as every message shows it, the password (if any) as ***: found by hand, so that
    a URL SQLAlchemy cannot parse, or a password holding an unescaped @, is hidden too."""
    scheme, sep, rest = target.partition("://")
    if not sep:
        return target
    authority = rest.split("?", 1)[0]
    if "@" not in authority:
        return target
    userinfo, _, after = rest.rpartition("@") if "?" not in rest else _split_at(rest)
    user, colon, _password = userinfo.partition(":")
    return f"{scheme}://{user}{':***' if colon else ''}@{after}"


def _split_at(rest: str) -> tuple[str, str, str]:
    before_query, _, query = rest.partition("?")
    userinfo, at, after = before_query.rpartition("@")
    return userinfo, at, f"{after}?{query}"


def first_line(message: str) -> str:
    """psycopg's messages go on with DETAIL:, HINT: and "Is the server running..." lines."""
    lines = [ln.strip() for ln in str(message).strip().splitlines() if ln.strip()]
    return lines[0] if lines else ""


def make_engine(target: str, shown: str) -> Engine:
    """The engine for a server URL, or one line saying what is wrong with the URL."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    try:
        url = make_url(target)
    except ValueError as exc:  # a non-numeric port, a broken [IPv6] host
        raise StoreError(
            f"not a valid database URL: {shown} (the host or port is malformed)"
        ) from exc
    except ArgumentError as exc:
        raise StoreError(f"not a valid database URL: {shown}") from exc
    if url.port is not None and not 0 < url.port < 65536:
        raise StoreError(f"not a valid database URL: {shown} (port {url.port} is out of range)")
    if url.drivername == "postgresql":  # SQLAlchemy's default there is psycopg2: use ours
        url = url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() != "postgresql":
        raise StoreError(f"cannot use {shown}: only SQLite files and PostgreSQL URLs are supported")
    if url.get_driver_name() != "psycopg":  # the tick and the chart talk to psycopg directly
        raise StoreError(
            f"cannot use {shown}: vapor-tui talks to PostgreSQL through psycopg (version 3), "
            f"not {url.get_driver_name()}; use a postgresql+psycopg:// URL ({INSTALL_DRIVER})"
        )
    connect_args: dict[str, object] = {
        k: v for k, v in CONNECT_DEFAULTS.items() if k not in url.query
    }
    if url.password is None and "passfile" not in url.query:
        ignored = ignored_passfile()
        if ignored is not None:
            # libpq skips it, and says so on stderr (over the app's screen, or a second line
            # under a command's error): a path that cannot exist (under a file) instead, so
            # that only our message says it (server_errors, when the password is missing).
            connect_args["passfile"] = str(ignored / "ignored")
    try:
        # No hstore: its lookup at the first connection cost three round trips. No pre-ping:
        # a connection's server is checked for at checkout without one (server_alive.py).
        engine = create_engine(url, use_native_hstore=False, connect_args=connect_args)
    except ImportError as exc:
        if url.get_driver_name() != "psycopg":
            raise StoreError(
                f"cannot use {shown}: its driver {url.get_driver_name()} is not installed; "
                f"use a postgresql+psycopg:// URL, with the driver from {INSTALL_DRIVER}"
            ) from exc
        raise StoreError(
            f"cannot use {shown}: the PostgreSQL driver (psycopg) is not installed; "
            f"install it with {INSTALL_DRIVER}"
        ) from exc
    except NoSuchModuleError as exc:
        raise StoreError(
            f"cannot use {shown}: unknown driver {url.drivername!r}; "
            f"use postgresql+psycopg:// ({INSTALL_DRIVER})"
        ) from exc
    except ArgumentError as exc:
        raise StoreError(f"cannot use the database URL {shown}: {first_line(str(exc))}") from exc
    _first_from_peek(engine, target)
    watch_checkouts(engine)
    return engine


def _first_from_peek(engine: Engine, target: str) -> None:
    """The pool's first connection is the one the quick look at this database kept
    (server_peek.py), if any: the process connects once."""
    from sqlalchemy import event

    from .server_kept import take_kept

    def kept(dialect, record, cargs, cparams):
        return take_kept(target)  # None: SQLAlchemy connects as usual

    event.listen(engine, "do_connect", kept)


def ignored_passfile() -> Path | None:
    """The password file libpq would read ($PGPASSFILE, else ~/.pgpass) when it exists and
    others may read or write it, which makes libpq skip it; None otherwise."""
    if os.environ.get("PGPASSWORD"):
        return None
    path = Path(os.environ.get("PGPASSFILE") or Path.home() / ".pgpass").expanduser()
    try:
        mode = path.stat().st_mode
    except OSError:
        return None
    return path if stat.S_ISREG(mode) and mode & (stat.S_IRWXG | stat.S_IRWXO) else None


def _no_password(shown: str) -> str:
    why = "put it in ~/.pgpass (mode 0600) or PGPASSWORD, not in the URL"
    ignored = ignored_passfile()
    if ignored is not None:
        mode = ignored.stat().st_mode & 0o777
        why = (
            f"{ignored} is ignored because others can read it (mode {mode:04o}): "
            f"make it private with `chmod 600 {ignored}`, or use PGPASSWORD"
        )
    return f"cannot log in to {shown}: the server asks for a password and none was given; {why}"


def prepare_schema(conn: Connection, shown: str) -> None:
    """Inside the schema-creation transaction, before create_all: wait for any other process
    doing the same, then refuse a database that is not ours or is newer than this vapor-tui."""
    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({SCHEMA_LOCK_KEY})")
    tables = {
        name
        for (name,) in conn.exec_driver_sql(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        )
    }
    if not tables:
        return
    meta: dict[str, str] = {}
    if "meta" in tables:
        cols = {
            name
            for (name,) in conn.exec_driver_sql(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND table_name = 'meta'"
            )
        }
        if {"key", "value"} <= cols:
            meta = dict(conn.exec_driver_sql("SELECT key, value FROM meta").all())
    if meta.get("app") != "vapor-tui":
        theirs = ", ".join(sorted(tables)[:5]) + (", ..." if len(tables) > 5 else "")
        raise StoreError(
            f"{shown} is not a vapor-tui database (it holds other tables: {theirs}); "
            "left as it is: give an empty database"
        )
    version = meta.get("schema_version", "")
    if not version.isdecimal() or int(version) > SCHEMA_VERSION:
        raise StoreError(
            f"{shown} was written by a newer vapor-tui (schema {version}, this one reads "
            f"up to {SCHEMA_VERSION}); upgrade vapor-tui to open it"
        )


def unreachable(exc: BaseException) -> bool:
    """Whether a database error means the server cannot be reached (rather than a refusal of
    this statement): no connection, a connection cut, the server shutting down."""
    from sqlalchemy.exc import DBAPIError

    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    orig = getattr(exc, "orig", exc)
    module = type(orig).__module__ or ""
    if not module.startswith("psycopg"):
        return False
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate is None:
        import psycopg

        return isinstance(orig, psycopg.OperationalError)
    # 08: connection exceptions; 57P01-57P03: the server shutting down or starting.
    return sqlstate.startswith("08") or sqlstate in ("57P01", "57P02", "57P03")


@contextlib.contextmanager
def server_errors(shown: str) -> Iterator[None]:
    """Database errors as one line naming the database (never its password): StoreUnreachable
    when the server cannot be reached, StoreError for the rest."""
    from sqlalchemy.exc import DBAPIError

    try:
        yield
    except DBAPIError as exc:
        msg = first_line(str(exc.orig) if exc.orig is not None else str(exc))
        if "no password supplied" in msg:
            raise StoreError(_no_password(shown)) from exc
        if unreachable(exc):
            raise StoreUnreachable(f"cannot reach the database {shown}: {msg}") from exc
        raise StoreError(f"database error in {shown}: {msg}") from exc

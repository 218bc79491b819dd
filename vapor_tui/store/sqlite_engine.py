"""SQLite as SQLAlchemy opens it here: a `sqlite://` URL down to its file, and the engine with
the pragmas every connection gets and writes that take the lock from their first statement."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from .driver import run
from .errors import StoreError
from .sqlite_file import BUSY_TIMEOUT_S, is_url, readable_uri

_BEGIN = {mode: f"BEGIN {mode}" for mode in ("DEFERRED", "IMMEDIATE", "EXCLUSIVE")}
# The log's pages past which a commit copies it back into the file (SQLite's default 1,000).
# A tick of 20 running jobs writes about 75 pages, of 100 about 620: at 1,000 every 13th tick
# (every second one with 100) copied back the same pages again (issue 14). WAL and
# synchronous=NORMAL as before: a crash of the app loses nothing; a power cut may lose the
# commits since the last copy, as it could, now up to this many pages of them.
WAL_CHECKPOINT_PAGES = 4000


def sqlite_path(target: str) -> str:
    if not is_url(target):
        return target
    try:
        url = make_url(target)
    except ArgumentError as exc:
        raise StoreError(f"not a database URL: {target}") from exc
    except ValueError as exc:  # SQLAlchemy's int() of the port
        raise StoreError(f"not a database URL: {target} (a port is a number)") from exc
    if url.host or url.port or url.username:
        # SQLAlchemy would drop the host and open a file named by the rest, here.
        raise StoreError(
            f"a SQLite URL names a file, not a host: write sqlite:///PATH, not {target}"
        )
    if not url.database or url.database == ":memory:":
        raise StoreError("an in-memory database would lose every point: give a file")
    return url.database


def sqlite_engine(path: Path, readonly: bool) -> Engine:
    url = f"sqlite:///{readable_uri(path)}&uri=true" if readonly else f"sqlite:///{path}"
    engine = create_engine(
        url,
        connect_args={"timeout": BUSY_TIMEOUT_S, "check_same_thread": False},
        # The connection given back last is lent next: a tick's write gets its look's, which
        # it plans from without reading again (catchup.Seen, series_kept.py). First in, first
        # out, once an action beside a tick had made a second one, the two took turns and no
        # tick found its look's connection again.
        pool_use_lifo=True,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:
        # Let SQLAlchemy's "begin" event below issue BEGIN, so writes can ask for IMMEDIATE.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
        if not readonly:
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute(f"PRAGMA wal_autocheckpoint={WAL_CHECKPOINT_PAGES}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # Through the driver (driver.py): every transaction's one statement more, each tick.
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        run(conn, _BEGIN[mode])

    return engine

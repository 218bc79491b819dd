"""Opening a database safely: where it lives, checks before anything is written, the engine.

A file that is not ours, a damaged one, or one from a newer version is refused before SQLite
is asked to open it for writing, so such a file is never modified.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError

from vapor_tui.core.clock import Clock, SystemClock

from .netfs import warning_for
from .server import StoreUnreachable, hide_password, make_engine, prepare_schema, server_errors
from .sqlite_file import (
    APPLICATION_ID,
    BUSY_TIMEOUT_S,
    ENV_VAR,
    SCHEMA_VERSION,
    StoreDamaged,
    StoreError,
    StoreMissing,
    check_sqlite_file,
    default_db_path,
    is_url,
    log_size,
    readable_uri,
    resolve_target,
    ro_uri,
)
from .tables import SQLModel, meta_table
from .upgrade import upgrade

__all__ = [
    "ENV_VAR",
    "Store",
    "StoreDamaged",
    "StoreError",
    "StoreMissing",
    "StoreUnreachable",
    "default_db_path",
    "open_store",
    "resolve_target",
]


@dataclass
class Store:
    engine: Engine
    target: str
    clock: Clock = field(default_factory=SystemClock)
    readonly: bool = False
    _fallback: Engine | None = field(default=None, repr=False)
    # A SQLite file on a network filesystem (NFS, SMB, Lustre...): its warning, else None.
    warning: str | None = None

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextlib.contextmanager
    def read(self) -> Iterator[Connection]:
        # Errors in connecting count too: a full disk fails at the first PRAGMA.
        with _translate_errors(self.target):
            try:
                conn = self.engine.connect()
            except OperationalError as exc:
                reader = self._no_room_reader(exc)
                if reader is None:
                    raise
                conn = reader.connect()
            with conn, conn.begin():
                yield conn

    def _no_room_reader(self, exc: OperationalError) -> Engine | None:
        """With no room on the disk SQLite cannot create the shared-memory file a WAL reader
        needs. If nothing is waiting in the log (so nothing else is writing), the file alone
        holds everything: read it as immutable, which needs no other file."""
        msg = str(exc.orig) if exc.orig else str(exc)
        if not self.is_sqlite or not ("disk I/O" in msg or "full" in msg):
            return None
        path = Path(self.target)
        if log_size(path):
            return None
        if self._fallback is None:
            uri = ro_uri(path, immutable=True)
            self._fallback = create_engine(
                f"sqlite:///{uri}&uri=true",
                connect_args={"timeout": BUSY_TIMEOUT_S, "check_same_thread": False},
            )
            event.listen(self._fallback, "begin", lambda conn: conn.exec_driver_sql("BEGIN"))
        return self._fallback

    @contextlib.contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction that holds the write lock from its first statement (SQLite:
        BEGIN IMMEDIATE), so a read-then-update inside it cannot interleave with another
        process doing the same."""
        if self.readonly:
            raise StoreError(f"{self.target} is read-only: viewing only, nothing can be changed")
        with _translate_errors(self.target), self.engine.connect() as conn:
            conn.execution_options(sqlite_begin="IMMEDIATE")
            with conn.begin():
                yield conn

    def close(self) -> None:
        self.engine.dispose()
        if self._fallback is not None:
            self._fallback.dispose()


@contextlib.contextmanager
def _translate_errors(target: str) -> Iterator[None]:
    if is_url(target) and not target.startswith("sqlite"):
        with server_errors(target):
            yield
        return
    try:
        yield
    except OperationalError as exc:
        msg = str(exc.orig) if exc.orig else str(exc)
        if "locked" in msg or "busy" in msg:
            raise StoreError(f"{target} stayed busy for {BUSY_TIMEOUT_S:g}s: {msg}") from exc
        if "disk is full" in msg or "disk I/O" in msg:
            raise StoreError(f"cannot write to {target}: {msg}") from exc
        if "readonly" in msg or "read-only" in msg:
            raise StoreError(f"{target} is read-only: {msg}") from exc
        raise StoreError(f"database error in {target}: {msg}") from exc
    except DBAPIError as exc:
        msg = str(exc.orig) if exc.orig else str(exc)
        if "malformed" in msg or "not a database" in msg:
            # Found while reading a file too large to check in full when it was opened: the
            # transaction that met the damage is undone; earlier ones may have been written.
            raise StoreDamaged(
                f"{target} is damaged ({msg}); check it with "
                f"`sqlite3 {target} 'PRAGMA integrity_check'`"
            ) from exc
        raise StoreError(f"database error in {target}: {msg}") from exc


def open_store(
    db: str | os.PathLike | None = None,
    *,
    clock: Clock | None = None,
    create: bool = True,
) -> Store:
    target = resolve_target(db)
    clock = clock or SystemClock()
    if is_url(target) and not target.startswith("sqlite"):
        return _open_url(target, clock)
    path = Path(_sqlite_path(target)).expanduser()
    readonly, needs_schema = check_sqlite_file(path, create)
    engine = _sqlite_engine(path, readonly)
    store = Store(engine, str(path), clock, readonly, warning=warning_for(path))
    if needs_schema:
        if readonly:
            raise StoreError(f"{path} is empty and read-only: there is nothing to show")
        _init_schema(store)
    return store


def _sqlite_path(target: str) -> str:
    if not is_url(target):
        return target
    try:
        url = make_url(target)
    except ArgumentError as exc:
        raise StoreError(f"not a database URL: {target}") from exc
    if not url.database or url.database == ":memory:":
        raise StoreError("an in-memory database would lose every point: give a file")
    return url.database


def _sqlite_engine(path: Path, readonly: bool) -> Engine:
    url = f"sqlite:///{readable_uri(path)}&uri=true" if readonly else f"sqlite:///{path}"
    engine = create_engine(
        url, connect_args={"timeout": BUSY_TIMEOUT_S, "check_same_thread": False}
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
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


def _init_schema(store: Store) -> None:
    with _translate_errors(store.target):
        if store.is_sqlite:
            try:
                raw = store.engine.raw_connection()
                try:
                    # Outside any transaction: SQLite refuses to change the journal inside one.
                    driver = raw.driver_connection
                    assert driver is not None  # a connection just made from the pool
                    mode = driver.execute("PRAGMA journal_mode=WAL").fetchone()[0]
                finally:
                    raw.close()
            except store.engine.dialect.loaded_dbapi.Error as exc:  # not wrapped by SQLAlchemy
                raise StoreError(f"cannot open the database {store.target}: {exc}") from exc
            if str(mode).lower() != "wal":
                raise StoreError(f"{store.target}: cannot use the WAL journal ({mode})")
        with store.write() as conn:
            if not store.is_sqlite:
                prepare_schema(conn, store.target)
            SQLModel.metadata.create_all(conn)
            version = conn.execute(
                select(meta_table.c.value).where(meta_table.c.key == "schema_version")
            ).scalar()
            if version is None:
                conn.execute(
                    meta_table.insert(),
                    [
                        {"key": "schema_version", "value": str(SCHEMA_VERSION)},
                        {"key": "app", "value": "vapor-tui"},
                    ],
                )
            elif int(version) > SCHEMA_VERSION:
                raise StoreError(
                    f"{store.target} was written by a newer vapor-tui (schema {version}); "
                    "upgrade vapor-tui to open it"
                )
            elif int(version) < SCHEMA_VERSION:
                upgrade(conn, int(version))
                conn.execute(
                    meta_table.update()
                    .where(meta_table.c.key == "schema_version")
                    .values(value=str(SCHEMA_VERSION))
                )
            if store.is_sqlite:
                conn.exec_driver_sql(f"PRAGMA application_id={APPLICATION_ID}")
                conn.exec_driver_sql(f"PRAGMA user_version={SCHEMA_VERSION}")


def _open_url(target: str, clock: Clock) -> Store:
    shown = hide_password(target)  # every message names the URL this way
    store = Store(make_engine(target, shown), shown, clock)
    try:
        _init_schema(store)
    except BaseException:
        store.close()
        raise
    return store

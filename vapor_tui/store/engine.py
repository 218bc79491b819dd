"""Opening a database safely: where it lives, checks before anything is written, the engine.

A file that is not ours, a damaged one, or one from a newer version is refused before SQLite
is asked to open it for writing, so such a file is never modified.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, create_engine, event, select
from sqlalchemy.exc import DBAPIError, OperationalError

from vapor_tui.core.clock import Clock, SystemClock

from .netfs import warning_for
from .server import StoreUnreachable, hide_password, make_engine, prepare_schema, server_errors
from .server_check import is_current, record_checked
from .server_keys import ensure_points_cascade
from .sqlite_engine import sqlite_engine, sqlite_path
from .sqlite_file import (
    APPLICATION_ID,
    BUSY_TIMEOUT_S,
    ENV_VAR,
    FULL,
    SCHEMA_VERSION,
    StoreDamaged,
    StoreError,
    StoreFull,
    StoreMissing,
    check_sqlite_file,
    default_db_path,
    is_url,
    log_size,
    no_room,
    resolve_target,
    ro_uri,
)
from .tables import meta_table, metadata

if TYPE_CHECKING:
    from .selfcheck import Inspection

__all__ = [
    "ENV_VAR",
    "Store",
    "StoreDamaged",
    "StoreError",
    "StoreFull",
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
    # What opening it did that the user should hear of (a table rebuilt), one line each.
    notes: list[str] = field(default_factory=list)
    # Points a write transaction may hold: smaller after the disk was found full (pieces.py).
    piece_points: int = 0
    _fallback: Engine | None = field(default=None, repr=False)
    # A SQLite file on a network filesystem (NFS, SMB, Lustre...): its warning, else None.
    warning: str | None = None
    # Set by close(): long work in progress (a catch-up) stops after its transaction in
    # progress, so that `q` during a long catch-up ends the process at once.
    closing: threading.Event = field(default_factory=threading.Event, repr=False)

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

    @contextlib.contextmanager
    def read_statement(self) -> Iterator[Connection]:
        """A server's read that is one statement: in autocommit, where a statement has a
        snapshot of its own as a transaction's would be, without the BEGIN and COMMIT round
        trips. More statements that must agree, or a SET LOCAL, take read()."""
        assert not self.is_sqlite
        with _translate_errors(self.target), self.engine.connect() as conn:
            yield conn.execution_options(isolation_level="AUTOCOMMIT")

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
    def write(self, keys: bool = True) -> Iterator[Connection]:
        """A write transaction that holds the write lock from its first statement (SQLite:
        BEGIN IMMEDIATE), so a read-then-update inside it cannot interleave with another
        process doing the same. `keys=False` (SQLite): foreign keys are not enforced, so
        deleting a job leaves its points for a later transaction (deletes.py)."""
        if self.readonly:
            raise StoreError(f"{self.target} is read-only: viewing only, nothing can be changed")
        with _translate_errors(self.target), self.engine.connect() as conn:
            conn.execution_options(sqlite_begin="IMMEDIATE")
            if keys or not self.is_sqlite:
                with conn.begin():
                    yield conn
                return
            raw = conn.connection.driver_connection  # outside a transaction: it takes effect
            assert raw is not None
            raw.execute("PRAGMA foreign_keys=OFF")
            try:
                with conn.begin():
                    yield conn
            finally:
                try:
                    raw.execute("PRAGMA foreign_keys=ON")
                except Exception:
                    conn.invalidate()  # never back in the pool without its foreign keys
                    raise

    def checkpoint(self) -> bool:
        """Copy SQLite's log into the file and empty it, giving its space back to the
        filesystem; what a failed write grew it by is freed too. Best effort: False when a
        reader or the lack of room keeps it from finishing."""
        if not self.is_sqlite or self.readonly:
            return False
        try:
            raw = self.engine.raw_connection()
        except Exception:
            return False
        try:
            cur = raw.driver_connection
            assert cur is not None
            cur.execute("PRAGMA busy_timeout=1000")  # a reader is waited for, but not long
            busy, _, _ = cur.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            cur.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
            return busy == 0
        except Exception:
            return False
        finally:
            raw.close()

    def close(self) -> None:
        self.closing.set()
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
        if "disk is full" in msg or ("disk I/O" in msg and no_room(Path(target))):
            # With no byte free, SQLite cannot make the log's shared-memory file and says
            # "disk I/O error": the user needs to hear that the disk is full.
            raise StoreFull(f"cannot write to {target}: {FULL}") from exc
        if "disk I/O" in msg:
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
    path = Path(sqlite_path(target)).expanduser()
    state = check_sqlite_file(path, create)
    engine = sqlite_engine(path, state.readonly)
    store = Store(engine, str(path), clock, state.readonly, warning=warning_for(path))
    try:
        _prepare(store, path, state)
    except BaseException:
        store.close()
        if state.created:  # a refused new database leaves nothing behind, not a 0-byte file
            for suffix in ("", "-wal", "-shm", "-journal"):
                path.with_name(path.name + suffix).unlink(missing_ok=True)
        raise
    return store


def _prepare(store: Store, path: Path, state) -> None:
    """Check what the file holds against this version's schema and itself, then create,
    upgrade or repair what it lacks."""
    if state.version == 0:
        if state.readonly:
            raise StoreError(f"{path} is empty and read-only: there is nothing to show")
        _init_schema(store)
        return
    if state.sound and state.version == SCHEMA_VERSION:
        return  # as a vapor-tui that checked all of it left it (check_memo.py): nothing to do
    from .selfcheck import inspect_database

    columns = {t.name: tuple(c.name for c in t.columns) for t in metadata.sorted_tables}
    indexes = tuple(str(i.name) for t in metadata.sorted_tables for i in t.indexes)
    found = inspect_database(path, state.version, columns, indexes)
    if state.readonly:
        if found.repairs or state.version < SCHEMA_VERSION:
            raise StoreError(
                f"{path} is read-only and needs "
                f"{'repairs' if found.repairs else 'an upgrade'} this vapor-tui cannot write; "
                "make it writable to open it"
            )
        return
    if found.repairs or state.version < SCHEMA_VERSION:
        _init_schema(store, found)


def _init_schema(store: Store, repairs: Inspection | None = None) -> None:
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
            metadata.create_all(conn)
            if not store.is_sqlite:
                ensure_points_cascade(conn)
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
                from .upgrade import upgrade  # numpy and the old tables' code: rarely needed

                upgrade(conn, int(version))
                conn.execute(
                    meta_table.update()
                    .where(meta_table.c.key == "schema_version")
                    .values(value=str(SCHEMA_VERSION))
                )
            if repairs is not None and repairs.repairs:
                from .upgrade import repair

                store.notes.extend(repair(conn, repairs.missing_tables, repairs.missing_indexes))
            if store.is_sqlite:
                conn.exec_driver_sql(f"PRAGMA application_id={APPLICATION_ID}")
                conn.exec_driver_sql(f"PRAGMA user_version={SCHEMA_VERSION}")
            else:
                record_checked(conn)


def _open_url(target: str, clock: Clock) -> Store:
    shown = hide_password(target)  # every message names the URL this way
    store = Store(make_engine(target, shown), shown, clock)
    try:
        if not _checked_before(store):
            _init_schema(store)
    except BaseException:
        store.close()
        raise
    return store


def _checked_before(store: Store) -> bool:
    """One statement instead of the full check, when the last one found the database as it is
    now (server_check.py). Its transaction is rolled back: it wrote nothing, and it is aborted
    when the database has no meta table of ours."""
    with _translate_errors(store.target), store.engine.connect() as conn:
        return is_current(conn)

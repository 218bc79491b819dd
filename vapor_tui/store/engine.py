"""Opening a database safely: where it lives, checks before anything is written, the engine.

A file that is not ours, a damaged one, or one from a newer version is refused before SQLite
is asked to open it for writing, so such a file is never modified.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import struct
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError

from vapor_tui.core.clock import Clock, SystemClock

from .tables import APPLICATION_ID, SCHEMA_VERSION, SQLModel, meta_table

ENV_VAR = "VAPOR_TUI_DB"
SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_S = 30.0


class StoreError(Exception):
    """A problem with the database that the user can act on; the message says what."""


def default_db_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("vapor-tui", appauthor=False)) / "vapor.db"


def resolve_target(db: str | os.PathLike | None) -> str:
    """--db, else $VAPOR_TUI_DB, else the platform's data directory."""
    if db is not None and str(db) != "":
        return str(db)
    env = os.environ.get(ENV_VAR, "")
    return env if env else str(default_db_path())


def is_url(target: str) -> bool:
    return "://" in target


@dataclass
class Store:
    engine: Engine
    target: str
    clock: Clock = field(default_factory=SystemClock)
    readonly: bool = False

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextlib.contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn, _translate_errors(self.target), conn.begin():
            yield conn

    @contextlib.contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction that holds the write lock from its first statement (SQLite:
        BEGIN IMMEDIATE), so a read-then-update inside it cannot interleave with another
        process doing the same."""
        if self.readonly:
            raise StoreError(f"{self.target} is read-only: viewing only, nothing can be changed")
        with self.engine.connect() as conn, _translate_errors(self.target):
            conn.execution_options(sqlite_begin="IMMEDIATE")
            with conn.begin():
                yield conn

    def close(self) -> None:
        self.engine.dispose()


@contextlib.contextmanager
def _translate_errors(target: str) -> Iterator[None]:
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
            raise StoreError(f"{target} is damaged ({msg}); it was left as it is") from exc
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
    readonly, needs_schema = _check_sqlite_file(path, create)
    engine = _sqlite_engine(path, readonly)
    store = Store(engine, str(path), clock, readonly)
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


def _check_sqlite_file(path: Path, create: bool) -> tuple[bool, bool]:
    """Refuse what must not be touched; create what is missing.

    Returns (read-only, needs the schema created or upgraded)."""
    if path.is_dir():
        raise StoreError(f"{path} is a directory, not a database file")
    if not path.exists():
        if not create:
            raise StoreError(f"{path} does not exist")
        _create_file(path)
        return False, True
    try:
        with open(path, "rb") as fh:
            header = fh.read(100)
        size = path.stat().st_size
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror}") from exc
    if size == 0:
        return not os.access(path, os.W_OK), True
    if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
        raise StoreError(f"{path} is not a vapor-tui database (not an SQLite file); left as it is")
    (page_size,) = struct.unpack(">H", header[16:18])
    page_size = 65536 if page_size == 1 else page_size
    change_counter, page_count = struct.unpack(">II", header[24:32])
    (user_version,) = struct.unpack(">I", header[60:64])
    (app_id,) = struct.unpack(">I", header[68:72])
    (valid_for,) = struct.unpack(">I", header[92:96])
    if (app_id, user_version) != (APPLICATION_ID, SCHEMA_VERSION) and _wal_path(path).exists():
        # While another connection has the database open, its commits (the schema, the
        # application id) may still sit in the write-ahead log: the header is stale, ask SQLite.
        app_id, user_version = _read_ids(path, app_id, user_version)
    if app_id == 0 and _schema_is_empty(path):
        # Someone's empty SQLite file, or ours cut off before its first commit.
        return not os.access(path, os.W_OK), True
    if app_id != APPLICATION_ID:
        raise StoreError(f"{path} is an SQLite file but not a vapor-tui database; left as it is")
    if user_version > SCHEMA_VERSION:
        raise StoreError(
            f"{path} was written by a newer vapor-tui (schema {user_version}, this one reads "
            f"up to {SCHEMA_VERSION}); upgrade vapor-tui to open it"
        )
    if valid_for == change_counter and page_count * page_size > size:
        raise StoreError(
            f"{path} is damaged (truncated: {size} bytes of {page_count * page_size}); "
            "it was left as it is"
        )
    readonly = not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK)
    _probe_readable(path)
    return readonly, user_version < SCHEMA_VERSION


def _ro_uri(path: Path) -> str:
    return "file:" + urllib.parse.quote(str(path.resolve())) + "?mode=ro"


def _wal_path(path: Path) -> Path:
    return path.with_name(path.name + "-wal")


def _read_ids(path: Path, app_id: int, user_version: int) -> tuple[int, int]:
    """(application_id, user_version) as SQLite sees them, WAL included; the given values if
    it cannot say."""
    try:
        conn = sqlite3.connect(_ro_uri(path), uri=True, timeout=BUSY_TIMEOUT_S)
        try:
            (app,) = conn.execute("PRAGMA application_id").fetchone()
            (version,) = conn.execute("PRAGMA user_version").fetchone()
            return int(app) & 0xFFFFFFFF, int(version) & 0xFFFFFFFF
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return app_id, user_version


def _schema_is_empty(path: Path) -> bool:
    try:
        conn = sqlite3.connect(_ro_uri(path), uri=True, timeout=BUSY_TIMEOUT_S)
        try:
            return conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return False


def _probe_readable(path: Path) -> None:
    try:
        conn = sqlite3.connect(_ro_uri(path), uri=True, timeout=BUSY_TIMEOUT_S)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path} is damaged or unreadable ({exc}); it was left as it is") from exc


def _create_file(path: Path) -> None:
    try:
        if path.parent == default_db_path().parent:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError as exc:  # the parent is a file, not a directory
        raise StoreError(
            f"cannot create the database {path}: {path.parent} is not a directory"
        ) from exc
    except OSError as exc:
        raise StoreError(f"cannot create the database {path}: {exc.strerror}") from exc
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
    except FileExistsError:
        pass
    except OSError as exc:
        raise StoreError(f"cannot create the database {path}: {exc.strerror}") from exc


def _sqlite_engine(path: Path, readonly: bool) -> Engine:
    if readonly:
        url = f"sqlite:///{_ro_uri(path)}&uri=true"
    else:
        url = f"sqlite:///{path}"
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
            raw = store.engine.raw_connection()
            try:
                # Outside any transaction: SQLite refuses to change the journal inside one.
                mode = raw.driver_connection.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            finally:
                raw.close()
            if str(mode).lower() != "wal":
                raise StoreError(f"{store.target}: cannot use the WAL journal ({mode})")
        with store.write() as conn:
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
            if store.is_sqlite:
                conn.exec_driver_sql(f"PRAGMA application_id={APPLICATION_ID}")
                conn.exec_driver_sql(f"PRAGMA user_version={SCHEMA_VERSION}")


def _open_url(target: str, clock: Clock) -> Store:
    try:
        engine = create_engine(target, pool_pre_ping=True)
    except (ArgumentError, ImportError) as exc:
        raise StoreError(f"cannot use the database URL {target}: {exc}") from exc
    store = Store(engine, target, clock)
    try:
        _init_schema(store)
    except StoreError:
        raise
    except Exception as exc:
        raise StoreError(f"cannot open {target}: {exc}") from exc
    return store

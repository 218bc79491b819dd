"""Where the database file lives, and the checks made on it before SQLite may write to it.

Only the standard library here: the app reads the job list for its first frame through this
module and `peek`, before SQLAlchemy (about 0.2 s to import) is loaded.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import struct
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple, TypeVar

from . import check_memo
from .errors import FULL, StoreDamaged, StoreError, StoreFull, StoreMissing, no_room

# SQLite's header field for "which program wrote this file" (PRAGMA application_id).
APPLICATION_ID = 0x56415052  # "VAPR"
# 1: jobs, points, meta. 2: point_summary and the validation index. 3: point_blocks.
# 4: owed_points and deleted_jobs. 5: named series (series, series_points, series_summary,
# series_blocks) and the jobs columns of real runs and launched commands. (Each upgrade fills
# the new tables from the points there.)
SCHEMA_VERSION = 5

ENV_VAR = "VAPOR_TUI_DB"
SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_S = 30.0
# A database up to this size (about 2,500,000 points) gets SQLite's full structural check when
# it is opened for writing, about 0.4 s at this size (unless it is unchanged since the check
# last passed, check_memo.py); a larger one is checked as it is read.
FULL_CHECK_MAX_BYTES = 256 * 1024 * 1024

T = TypeVar("T")

__all__ = [
    "FULL",
    "StoreDamaged",
    "StoreError",
    "StoreFull",
    "StoreMissing",
    "no_room",
]


class FileState(NamedTuple):
    readonly: bool
    version: int  # the schema version it holds; 0: none yet (a new or empty file)
    created: bool  # made just now, empty: remove it if it cannot be made a database
    # Unchanged since a vapor-tui that checked it closed it (check_memo.py): neither SQLite's
    # check nor the self-check need run again.
    sound: bool = False


def default_db_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("vapor-tui", appauthor=False)) / "vapor.db"


def resolve_target(db: str | os.PathLike | None) -> str:
    """--db, else $VAPOR_TUI_DB, else the platform's data directory."""
    if db is not None and str(db) != "":
        return str(db)
    env = os.environ.get(ENV_VAR)
    if env is not None and not env.strip():
        # Set but empty or blank (`VAPOR_TUI_DB= vapor-tui`, a variable that was never filled
        # in): say so, rather than quietly use the default database or a file named by blanks.
        what = "empty" if env == "" else "blank"
        raise StoreError(f"${ENV_VAR} is {what}: give a database file, or unset it")
    return env if env is not None else str(default_db_path())


def is_url(target: str) -> bool:
    return "://" in target


def check_sqlite_file(path: Path, create: bool, verify: bool = True) -> FileState:
    """Refuse what must not be touched; create what is missing. `verify` runs SQLite's
    structural check on a database small enough to check quickly."""
    try:
        mode = path.stat().st_mode
    except (FileNotFoundError, NotADirectoryError):
        mode = None
    except OSError as exc:  # a name too long, a loop of symbolic links, no permission...
        raise StoreError(f"cannot use {path} as a database: {exc.strerror}") from exc
    if mode is not None and stat.S_ISDIR(mode):
        raise StoreError(f"{path} is a directory, not a database file")
    if mode is not None and not stat.S_ISREG(mode):
        raise StoreError(f"{path} is not a regular file, so not a database file; left as it is")
    if mode is None:
        if not create:
            if path.is_symlink():
                raise StoreError(
                    f"{path} is a symbolic link to {os.readlink(path)}, which does not exist"
                )
            raise StoreMissing(f"{path} does not exist")
        create_file(path)
        return FileState(False, 0, True)
    try:
        with open(path, "rb") as fh:
            header = fh.read(100)
        size = path.stat().st_size
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror}") from exc
    if size == 0:
        return FileState(not os.access(path, os.W_OK), 0, False)
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
    if app_id == 0 and user_version == 0 and schema_is_empty(path):
        # Someone's empty SQLite file, or ours cut off before its first commit.
        return FileState(not os.access(path, os.W_OK), 0, False)
    if app_id != APPLICATION_ID:
        raise StoreError(f"{path} is an SQLite file but not a vapor-tui database; left as it is")
    if user_version > SCHEMA_VERSION:
        raise StoreError(
            f"{path} was written by a newer vapor-tui (schema {user_version}, this one reads "
            f"up to {SCHEMA_VERSION}); upgrade vapor-tui to open it"
        )
    # A checkpoint writes page 1 (with the new page count) before the pages after it: killed
    # in between, the file is short of what its header says while the log still holds the
    # rest. Only without a log is a short file truncated; with one, SQLite's check decides.
    if valid_for == change_counter and page_count * page_size > size and not log_size(path):
        raise StoreDamaged(
            f"{path} is damaged (truncated: {size} bytes of {page_count * page_size}); "
            "it was left as it is"
        )
    readonly = not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK)
    sound = probe_readable(path, full_check=verify and not readonly)
    return FileState(readonly, user_version, False, sound)


def ro_uri(path: Path, immutable: bool = False) -> str:
    """A read-only SQLite URI. `immutable` is for files on read-only storage: SQLite cannot
    create the -shm file a WAL database needs there, and must be told nothing will change."""
    uri = "file:" + urllib.parse.quote(str(path.resolve())) + "?mode=ro"
    return uri + "&immutable=1" if immutable else uri


def readable_uri(path: Path) -> str:
    """The read-only URI that opens this file: plain, or immutable on read-only storage.

    A file nobody may write (chmod 444) is read as immutable too, when its log is empty: a
    plain reader would leave -wal and -shm files with the file's mode, 0444, and those would
    refuse every write after the user makes the file writable again."""
    try:
        unwritable = path.stat().st_mode & 0o222 == 0
    except OSError:
        unwritable = False
    if unwritable and not log_size(path):
        return ro_uri(path, immutable=True)
    for immutable in (False, True):
        uri = ro_uri(path, immutable)
        try:
            conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S)
            try:
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
                return uri
            finally:
                conn.close()
        except sqlite3.OperationalError:
            continue
    return ro_uri(path)


def _wal_path(path: Path) -> Path:
    return path.with_name(path.name + "-wal")


def log_size(path: Path) -> int:
    try:
        return _wal_path(path).stat().st_size
    except OSError:
        return 0


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_ino, st.st_size, st.st_mtime_ns


def _with_connection(uri: str, look: Callable[[sqlite3.Connection], T]) -> T:
    conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S)
    try:
        return look(conn)
    finally:
        conn.close()


def look_quietly(path: Path, look: Callable[[sqlite3.Connection], T]) -> T:
    """Run `look` on a read-only connection, leaving no trace when possible.

    A read-only connection to a WAL database leaves empty -wal and -shm files behind. While the
    file has no -wal (nor -journal) file, no other connection has it open, so it is read as
    immutable instead, which creates nothing; that answer is kept only if the file did not
    change while it was read, else the look is made again the ordinary way."""
    journal = path.with_name(path.name + "-journal")
    if not _wal_path(path).exists() and not journal.exists():
        before = _stamp(path)
        result: T | sqlite3.DatabaseError
        try:
            result = _with_connection(ro_uri(path, immutable=True), look)
        except sqlite3.DatabaseError as exc:
            result = exc
        if not _wal_path(path).exists() and not journal.exists() and _stamp(path) == before:
            if isinstance(result, sqlite3.DatabaseError):
                raise result
            return result
    return _with_connection(readable_uri(path), look)


def _read_ids(path: Path, app_id: int, user_version: int) -> tuple[int, int]:
    """(application_id, user_version) as SQLite sees them, WAL included; the given values if
    it cannot say."""

    def look(conn: sqlite3.Connection) -> tuple[int, int]:
        (app,) = conn.execute("PRAGMA application_id").fetchone()
        (version,) = conn.execute("PRAGMA user_version").fetchone()
        return int(app) & 0xFFFFFFFF, int(version) & 0xFFFFFFFF

    try:
        return look_quietly(path, look)
    except sqlite3.DatabaseError:
        return app_id, user_version


def schema_is_empty(path: Path) -> bool:
    try:
        return look_quietly(
            path, lambda conn: conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
        )
    except sqlite3.DatabaseError:
        return False


def probe_readable(path: Path, full_check: bool = False) -> bool:
    """Refuse a vapor-tui database SQLite cannot read, or (`full_check`, on a file small
    enough) one its structural check finds damaged, before anything is written to it. True
    when the file is unchanged since it was found sound (the check was not run again)."""
    size = sum(p.stat().st_size for p in (path, _wal_path(path)) if p.exists())
    # The check reads the whole file; one unchanged since it passed is not read through again.
    sound = full_check and size <= FULL_CHECK_MAX_BYTES and check_memo.known_sound(path)
    check = full_check and size <= FULL_CHECK_MAX_BYTES and not sound
    before = check_memo.stamp(path) if check else None

    def look(conn: sqlite3.Connection) -> tuple[str, str | None]:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        version = None if row is None else str(row[0])
        return (quick_check(conn) if check else "ok"), version

    try:
        result, version = look_quietly(path, look)
    except sqlite3.DatabaseError as exc:
        message = f"{path} is damaged or unreadable ({exc}); it was left as it is"
        raise StoreDamaged(message) from exc
    # The header's version is checked first; the one in the meta table must agree.
    if version is not None and (not version.isdecimal() or int(version) > SCHEMA_VERSION):
        raise StoreError(
            f"{path} was written by a newer vapor-tui (schema {version}, this one reads "
            f"up to {SCHEMA_VERSION}); upgrade vapor-tui to open it"
        )
    if result != "ok":
        first = result.replace("*** in database main ***", "").strip().splitlines()[0]
        raise StoreDamaged(f"{path} is damaged ({first}); it was left as it is")
    if check:
        check_memo.checked(path, before)
    return sound


def quick_check(conn: sqlite3.Connection) -> str:
    """SQLite's structural check of every page: "ok", or the first problem it found."""
    (result,) = conn.execute("PRAGMA quick_check(1)").fetchone()
    return str(result)


def create_file(path: Path) -> None:
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
        if not path.exists():  # a symbolic link to nowhere
            raise StoreError(
                f"cannot create the database {path}: it is a symbolic link to "
                f"{os.readlink(path)}, which does not exist"
            ) from None
    except OSError as exc:
        raise StoreError(f"cannot create the database {path}: {exc.strerror}") from exc

"""Opening databases: pragmas, schema version, permissions, and refusing what is not ours."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from vapor_tui.core.clock import FakeClock, SystemClock
from vapor_tui.store.catchup import catch_up
from vapor_tui.store.engine import (
    ENV_VAR,
    Store,
    StoreError,
    default_db_path,
    open_store,
    resolve_target,
)
from vapor_tui.store.jobs import create_job, get_job, list_jobs
from vapor_tui.store.sqlite_engine import WAL_CHECKPOINT_PAGES
from vapor_tui.store.tables import APPLICATION_ID, SCHEMA_VERSION


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def pragma(store: Store, name: str):
    with store.read() as conn:
        return conn.exec_driver_sql(f"PRAGMA {name}").scalar()


@pytest.mark.sqlite_only
def test_pragmas(store: Store) -> None:
    assert str(pragma(store, "journal_mode")).lower() == "wal"
    assert pragma(store, "foreign_keys") == 1
    assert pragma(store, "synchronous") == 1  # NORMAL
    # The log copied back at 4,000 pages, not SQLite's 1,000 (issue 14: a tick's pages).
    assert pragma(store, "wal_autocheckpoint") == WAL_CHECKPOINT_PAGES == 4000
    assert pragma(store, "busy_timeout") == 30_000
    assert pragma(store, "application_id") == APPLICATION_ID
    assert store.is_sqlite and not store.readonly


@pytest.mark.sqlite_only
def test_pragmas_hold_on_every_pooled_connection(store: Store) -> None:
    # Foreign keys are per connection: check several connections at once.
    conns = [store.engine.connect() for _ in range(3)]
    try:
        assert [c.exec_driver_sql("PRAGMA foreign_keys").scalar() for c in conns] == [1, 1, 1]
    finally:
        for c in conns:
            c.close()


@pytest.mark.sqlite_only
def test_schema_version_is_recorded(store: Store, db_path: Path) -> None:
    assert pragma(store, "user_version") == SCHEMA_VERSION
    with store.read() as conn:
        meta = dict(conn.exec_driver_sql("SELECT key, value FROM meta").all())
    assert meta["schema_version"] == str(SCHEMA_VERSION)
    assert meta["app"] == "vapor-tui"
    store.close()
    raw = sqlite3.connect(db_path)
    try:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert raw.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        raw.close()
    assert {"jobs", "series", "series_points", "meta"} <= tables


def test_new_database_file_is_private(db_path: Path, fake_clock: FakeClock) -> None:
    store = open_store(db_path, clock=fake_clock)
    store.close()
    assert mode(db_path) == 0o600


def test_default_database_lives_in_the_isolated_data_dir(
    data_home: Path, fake_clock: FakeClock
) -> None:
    expected = data_home / "vapor-tui" / "vapor.db"
    assert default_db_path() == expected
    assert resolve_target(None) == str(expected)
    assert not expected.parent.exists()
    store = open_store(clock=fake_clock)
    try:
        assert Path(store.target) == expected
        create_job(store, _config("in default dir"))
    finally:
        store.close()
    assert mode(expected.parent) == 0o700
    assert mode(expected) == 0o600


def _config(name: str):
    from vapor_tui.core.config import JobConfig

    return JobConfig(name, seed=1)


def test_env_var_and_explicit_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_clock: FakeClock, data_home: Path
) -> None:
    via_env = tmp_path / "env.db"
    monkeypatch.setenv(ENV_VAR, str(via_env))
    assert resolve_target(None) == str(via_env)
    assert resolve_target("") == str(via_env)
    assert resolve_target(tmp_path / "x.db") == str(tmp_path / "x.db")
    store = open_store(clock=fake_clock)
    store.close()
    assert via_env.exists()
    assert not (data_home / "vapor-tui").exists()


def test_sqlite_url_is_accepted(tmp_path: Path, fake_clock: FakeClock) -> None:
    path = tmp_path / "url.db"
    store = open_store(f"sqlite:///{path}", clock=fake_clock)
    try:
        job = create_job(store, _config("url"))
    finally:
        store.close()
    again = open_store(path, clock=fake_clock)
    try:
        assert get_job(again, job.id).name == "url"
    finally:
        again.close()


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_in_memory_database_is_refused(url: str) -> None:
    with pytest.raises(StoreError, match="in-memory"):
        open_store(url)


def test_reopening_keeps_the_data(db_path: Path, fake_clock: FakeClock) -> None:
    first = open_store(db_path, clock=fake_clock)
    job = create_job(first, _config("kept"), start=True)
    fake_clock.advance(30)
    catch_up(first)
    steps = get_job(first, job.id).steps_done
    first.close()
    second = open_store(db_path, clock=fake_clock)
    try:
        assert get_job(second, job.id).steps_done == steps > 0
        assert [j.id for j in list_jobs(second)] == [job.id]
    finally:
        second.close()


def test_a_second_store_opens_a_database_another_has_open(
    db_path: Path, fake_clock: FakeClock
) -> None:
    # The app keeps its database open (its commits still in the write-ahead log) while a
    # command in another terminal opens it too.
    first = open_store(db_path, clock=fake_clock)
    try:
        job = create_job(first, _config("shared"))
        assert Path(f"{db_path}-wal").exists()
        second = open_store(db_path, clock=fake_clock)
        try:
            assert get_job(second, job.id).name == "shared"
        finally:
            second.close()
    finally:
        first.close()


def test_an_empty_file_becomes_a_database(tmp_path: Path, fake_clock: FakeClock) -> None:
    path = tmp_path / "empty.db"
    path.touch()
    store = open_store(path, clock=fake_clock)
    try:
        assert pragma(store, "user_version") == SCHEMA_VERSION
    finally:
        store.close()


def test_create_false_refuses_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        open_store(tmp_path / "missing.db", create=False)
    assert not (tmp_path / "missing.db").exists()


def test_the_default_clock_is_the_system_clock(db_path: Path) -> None:
    store = open_store(db_path)
    try:
        assert isinstance(store.clock, SystemClock)
    finally:
        store.close()


# --- refusing what is not ours -----------------------------------------------------------


def _vapor_db_with_points(path: Path) -> None:
    clock = FakeClock()
    store = open_store(path, clock=clock)
    from vapor_tui.core.config import JobConfig

    create_job(store, JobConfig("big", epochs=2, steps_per_epoch=1500, seed=1), start=True)
    clock.advance(10_000)
    catch_up(store)
    store.close()


def make_not_sqlite(path: Path) -> None:
    path.write_bytes(b"name,loss\n" + b"run,0.5\n" * 100)


def make_other_program_db(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    conn.executemany("INSERT INTO notes (body) VALUES (?)", [("hello",), ("world",)])
    conn.commit()
    conn.close()


def make_other_program_db_with_an_app_id(path: Path) -> None:
    make_other_program_db(path)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA application_id = 1234")
    conn.commit()
    conn.close()


def make_truncated(path: Path) -> None:
    _vapor_db_with_points(path)
    data = path.read_bytes()
    assert len(data) > 40_000
    path.write_bytes(data[: len(data) // 2])


def make_truncated_to_the_header(path: Path) -> None:
    _vapor_db_with_points(path)
    path.write_bytes(path.read_bytes()[:100])


def make_newer(path: Path) -> None:
    store = open_store(path, clock=FakeClock())
    store.close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()


BAD_FILES = {
    "not-sqlite": (make_not_sqlite, "not an SQLite file"),
    "other-program": (make_other_program_db, "not a vapor-tui database"),
    "other-app-id": (make_other_program_db_with_an_app_id, "not a vapor-tui database"),
    "truncated": (make_truncated, "truncated"),
    "truncated-to-header": (make_truncated_to_the_header, "damaged"),
    "newer-schema": (make_newer, "newer vapor-tui"),
}


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_foreign_or_damaged_files_are_refused_and_left_alone(kind: str, tmp_path: Path) -> None:
    make, message = BAD_FILES[kind]
    path = tmp_path / "bad.db"
    make(path)
    siblings = sorted(os.listdir(tmp_path))
    before = digest(path)
    with pytest.raises(StoreError) as info:
        open_store(path, clock=FakeClock())
    text = str(info.value)
    assert message in text
    assert str(path) in text
    assert "\n" not in text
    assert digest(path) == before
    assert sorted(os.listdir(tmp_path)) == siblings


def test_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is a directory"):
        open_store(tmp_path)


@pytest.mark.parametrize("where", ["under-a-file", "under-proc"])
def test_a_path_that_cannot_be_created_is_refused(where: str, tmp_path: Path) -> None:
    if where == "under-a-file":
        blocker = tmp_path / "plain-file"
        blocker.write_text("not a directory")
        target = blocker / "vapor.db"
    else:
        target = Path("/proc/vapor-tui-test/vapor.db")
    with pytest.raises(StoreError, match="cannot create the database"):
        open_store(target)
    assert not target.exists()
    if where == "under-a-file":
        assert blocker.read_text() == "not a directory"

"""SQLite's full check reads the whole file: it runs when a file may have changed since it last
passed, and not again while it has not (issue 14: a cold open of a 1M-point job read its 111
MB through before the chart, which needs a few hundred KB)."""

from __future__ import annotations

import os

import pytest

import vapor_tui.store.sqlite_file as sqlite_file
from vapor_tui.core.config import JobConfig
from vapor_tui.store import check_memo
from vapor_tui.store.engine import StoreDamaged, open_store
from vapor_tui.store.jobs import create_job


@pytest.fixture
def checks(monkeypatch) -> list[str]:
    """Each full check run, counted; and a process that has seen no damage yet."""
    monkeypatch.setattr(check_memo, "_damage_seen", False)
    monkeypatch.setattr(check_memo, "_vouched", {})
    monkeypatch.setattr(check_memo.atexit, "register", lambda f: None)
    ran: list[str] = []
    real = sqlite_file.quick_check

    def counting(conn):
        ran.append("check")
        return real(conn)

    monkeypatch.setattr(sqlite_file, "quick_check", counting)
    return ran


def _open_and_close(path, clock):
    open_store(path, clock=clock).close()


def _made(db_path, fake_clock):
    """A new database with a job (a new file is made, not checked)."""
    store = open_store(db_path, clock=fake_clock)
    create_job(store, JobConfig("j", seed=1))
    store.close()


def test_an_unchanged_file_is_checked_once(db_path, fake_clock, checks):
    _made(db_path, fake_clock)
    for _ in range(3):
        _open_and_close(db_path, fake_clock)
    assert checks == ["check"]


def test_a_file_written_since_is_checked_again(db_path, fake_clock, checks):
    _made(db_path, fake_clock)
    _open_and_close(db_path, fake_clock)
    store = open_store(db_path, clock=fake_clock)
    create_job(store, JobConfig("another", seed=2))
    store.close()
    _open_and_close(db_path, fake_clock)
    assert checks == ["check", "check"]


def test_damage_with_its_modification_time_put_back_is_found(db_path, fake_clock, checks):
    _made(db_path, fake_clock)
    _open_and_close(db_path, fake_clock)
    before = db_path.stat()
    data = bytearray(db_path.read_bytes())
    page = 4096  # page 2: the jobs table's b-tree
    data[page : page + 8] = bytes(8)
    db_path.write_bytes(bytes(data))
    os.utime(db_path, ns=(before.st_atime_ns, before.st_mtime_ns))  # the change time moves
    with pytest.raises(StoreDamaged):
        _open_and_close(db_path, fake_clock)
    assert checks == ["check", "check"]


def test_a_process_that_checked_a_file_and_closed_it_vouches_for_what_it_wrote(
    db_path, fake_clock, checks
):
    _made(db_path, fake_clock)  # made new: nothing to check
    store = open_store(db_path, clock=fake_clock)  # checked, then written
    create_job(store, JobConfig("later", seed=3))
    store.close()
    check_memo._stamp_at_exit()  # the process exits in good order
    _open_and_close(db_path, fake_clock)
    assert checks == ["check"]


def test_after_damage_anywhere_nothing_is_taken_as_sound(db_path, fake_clock, checks):
    _made(db_path, fake_clock)
    check_memo.damaged()
    check_memo._stamp_at_exit()
    _open_and_close(db_path, fake_clock)
    _open_and_close(db_path, fake_clock)
    assert checks == ["check", "check"]


def test_a_file_with_pages_in_its_log_is_checked(db_path, fake_clock, checks):
    _made(db_path, fake_clock)
    holder = open_store(db_path, clock=fake_clock)  # another process, writing, still open
    try:
        create_job(holder, JobConfig("live", seed=4))
        assert (db_path.parent / (db_path.name + "-wal")).stat().st_size > 0
        _open_and_close(db_path, fake_clock)
        _open_and_close(db_path, fake_clock)
    finally:
        holder.close()
    assert checks == ["check", "check", "check"]


@pytest.fixture
def selfchecks(monkeypatch) -> list[int]:
    """Each run of the open's self-check (selfcheck.py), with the schema version it saw."""
    import vapor_tui.store.selfcheck as selfcheck

    ran: list[int] = []
    real = selfcheck.inspect_database

    def counting(path, version, columns, indexes):
        ran.append(version)
        return real(path, version, columns, indexes)

    monkeypatch.setattr(selfcheck, "inspect_database", counting)
    return ran


def test_an_unchanged_file_is_not_self_checked_again(db_path, fake_clock, checks, selfchecks):
    # What a training script's init() pays on a database it logged to before: one look at
    # the header and the memo, not a read of every job.
    _made(db_path, fake_clock)
    for _ in range(3):
        _open_and_close(db_path, fake_clock)
    assert checks == ["check"] and len(selfchecks) == 1


def test_a_row_edited_by_hand_since_is_self_checked_and_refused(
    db_path, fake_clock, checks, selfchecks
):
    import sqlite3

    _made(db_path, fake_clock)
    store = open_store(db_path, clock=fake_clock)
    job_id = create_job(store, JobConfig("edited", seed=5)).id
    store.close()
    check_memo._stamp_at_exit()  # vouched for as that process left it
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE jobs SET steps_done = 7 WHERE id = ?", (job_id,))
    conn.close()
    with pytest.raises(StoreDamaged, match="does not agree with itself"):
        _open_and_close(db_path, fake_clock)
    assert len(selfchecks) == 2

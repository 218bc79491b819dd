"""The early path: an action on a queued job carried out straight in the file with the standard
library while the store opens. It writes what the store's compare-and-set writes, and declines
wherever anything else would be involved."""

from __future__ import annotations

import sqlite3
from dataclasses import replace

import pytest

from vapor_tui.core.status import Action, JobStatus, TransitionError
from vapor_tui.store.early import act_on_queued
from vapor_tui.store.engine import open_store
from vapor_tui.store.jobs import apply_action, create_job, get_job

pytestmark = pytest.mark.sqlite_only  # the early path is for SQLite files only


@pytest.mark.parametrize("action", [Action.START, Action.STOP, Action.FAIL])
def test_it_writes_the_row_the_store_would(tmp_path, fake_clock, helpers, action):
    ours, theirs = tmp_path / "early.db", tmp_path / "store.db"
    jobs = []
    for path in (ours, theirs):
        store = open_store(path, clock=fake_clock)
        jobs.append(create_job(store, helpers.small_config("q")))
        store.close()
    now = fake_clock.now().timestamp()
    early = act_on_queued(str(ours), jobs[0].id, action, now)
    store = open_store(theirs, clock=fake_clock)
    try:
        expected = apply_action(store, jobs[1].id, action)
    finally:
        store.close()
    store = open_store(ours, clock=fake_clock)
    try:
        written = get_job(store, jobs[0].id)
    finally:
        store.close()
    assert early == written
    assert replace(written, config=expected.config) == expected


def test_a_job_that_is_not_queued_is_left_to_the_store(store, drive, db_path, fake_clock):
    job = drive(JobStatus.RUNNING)
    assert act_on_queued(str(db_path), job.id, Action.STOP, fake_clock.now().timestamp()) is None
    assert get_job(store, job.id).status is JobStatus.RUNNING
    assert act_on_queued(str(db_path), 999, Action.START, 0.0) is None


def test_an_action_the_status_does_not_allow_is_refused(store, drive, db_path):
    job = drive(JobStatus.QUEUED)
    apply_action(store, job.id, Action.START)
    apply_action(store, job.id, Action.FAIL)  # failed: final, not queued
    assert act_on_queued(str(db_path), job.id, Action.START, 0.0) is None
    queued = drive(JobStatus.QUEUED)
    refused = act_on_queued(str(db_path), queued.id, Action.COMPLETE, 0.0)
    assert isinstance(refused, TransitionError)


def test_a_locked_database_is_left_to_the_store(store, drive, db_path):
    job = drive(JobStatus.QUEUED)
    holder = sqlite3.connect(db_path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        assert act_on_queued(str(db_path), job.id, Action.START, 0.0) is None
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert get_job(store, job.id).status is JobStatus.QUEUED


def test_what_is_not_a_local_current_database_is_declined(tmp_path):
    assert act_on_queued("postgresql+psycopg://localhost/vapor", 1, Action.START, 0.0) is None
    assert act_on_queued(str(tmp_path / "missing.db"), 1, Action.START, 0.0) is None
    other = tmp_path / "notes.db"
    other.write_text("not a database")
    assert act_on_queued(str(other), 1, Action.START, 0.0) is None
    assert other.read_text() == "not a database"


def test_a_row_it_cannot_read_is_left_to_the_store(store, drive, db_path):
    """A queued row whose schedule is not one of ours (edited by hand after the first frame):
    the early path declines, as it does a lock; it raised UnreadableJob before."""
    queued = drive(JobStatus.QUEUED)
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE jobs SET schedule = 'zigzag' WHERE id = ?", (queued.id,))
    conn.commit()
    conn.close()
    assert act_on_queued(str(db_path), queued.id, Action.START, 0.0) is None

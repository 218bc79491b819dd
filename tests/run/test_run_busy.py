"""A run on SQLite while another process holds the write lock: log() is never blocked, the
points wait in memory, and all of them are written once the lock is let go. (PostgreSQL's
server going away and coming back: tests/reliability/test_rel_run_server_restart.py.)"""

from __future__ import annotations

import sqlite3
import time

import vapor_tui
from tests.run.conftest import wait_until


def test_points_wait_while_another_process_holds_the_write_lock(db, look) -> None:
    run = vapor_tui.init(name="busy", db=db)
    run.log({"loss": 1.0})
    viewer = look()
    wait_until(lambda: len(viewer.series(run.id, "loss")) == 1, "the first point")
    holder = sqlite3.connect(db, timeout=30)
    holder.execute("BEGIN IMMEDIATE")  # another process writing: the run's flushes wait
    try:
        for step in range(2, 201):
            run.log({"loss": 1.0 / step})  # never blocked by the lock
        time.sleep(0.6)  # past a flush: whatever the load, nothing can be written meanwhile
        assert len(viewer.series(run.id, "loss")) == 1
        assert not run.should_stop()
    finally:
        holder.rollback()
        holder.close()
    wait_until(lambda: len(viewer.series(run.id, "loss")) == 200, "the points after the lock")
    run.finish()
    assert viewer.series(run.id, "loss").step.tolist() == list(range(1, 201))
    assert run.status == "complete"

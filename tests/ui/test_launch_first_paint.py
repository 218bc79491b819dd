"""The jobs screen is painted once at launch: counted in the bytes of a real terminal. The
footer used to be composed again after the first frame (Textual's Footer waits for the next
refresh), and the layout that followed sent every line of that frame again: 6.3 KB more at
120x40, and the first key waited behind it."""

from __future__ import annotations

import os

from tests.support.pty_app import PtyApp
from vapor_tui.core.clock import FakeClock
from vapor_tui.core.config import JobConfig
from vapor_tui.store.engine import open_store
from vapor_tui.store.jobs import create_job

NAMES = ("alpha-one", "beta-two", "gamma-three")


def test_the_jobs_screen_is_painted_once(tmp_path):
    db = tmp_path / "jobs.db"
    store = open_store(db, clock=FakeClock())
    try:
        for name in NAMES:  # queued: nothing on the screen changes by itself
            create_job(store, JobConfig(name))
    finally:
        store.close()
    env = {k: v for k, v in os.environ.items() if k != "VAPOR_TUI_DB"}
    app = PtyApp(["--db", str(db)], env)
    try:
        app.wait_for("gamma-three")
        app.pump(2.0)  # the store opens, a tick or two: no row changes
        raw = bytes(app.raw)
        app.send("q")
        assert app.wait_exit() == 0
    finally:
        app.close()
    for name in NAMES:
        assert raw.count(f" {name} ".encode()) == 1, (
            f"{name} was painted {raw.count(name.encode())} times"
        )
    assert raw.count(b"Progress") == 1  # the header

"""Keys typed before the app has the terminal: a form filled in as the app starts is created.

Found trying it as a user: `n`, a name and enter typed within the first tenth of a second
left the form open with the name in it. The terminal was still in cooked mode, whose line
discipline turns the CR of enter into a newline, which Textual reads as ctrl+j."""

from __future__ import annotations

import os

from tests.support.pty_app import PtyApp
from vapor_tui.core.clock import FakeClock
from vapor_tui.core.config import JobConfig
from vapor_tui.store.engine import open_store
from vapor_tui.store.jobs import create_job, list_jobs


def _names(db) -> list[str]:
    store = open_store(db, clock=FakeClock())
    try:
        return [job.name for job in list_jobs(store)]
    finally:
        store.close()


def test_a_form_typed_before_the_app_started_is_created(tmp_path):
    db = tmp_path / "early.db"
    store = open_store(db, clock=FakeClock())
    try:
        create_job(store, JobConfig("older"))  # a job under the cursor that enter must not open
    finally:
        store.close()
    env = {k: v for k, v in os.environ.items() if k != "VAPOR_TUI_DB"}
    app = PtyApp(["--db", str(db)], env)
    try:
        app.send("nquick\r")  # at once, before the app has put the terminal in raw mode
        app.wait_for("2 jobs")
        app.pump(0.5)
        assert "New job" not in app.text()  # the form was submitted, not left open
        app.send("q")
        assert app.wait_exit() == 0
    finally:
        app.close()
    assert sorted(_names(db)) == ["older", "quick"]


def test_an_enter_typed_before_the_app_started_opens_the_job(tmp_path):
    """Found trying it as a user: enter pressed within the first second, on the jobs screen,
    did nothing (its ctrl+j went to no binding); a moment later it opened the job."""
    db = tmp_path / "early.db"
    store = open_store(db, clock=FakeClock())
    try:
        create_job(store, JobConfig("older"))
        create_job(store, JobConfig("newest"))  # the first row, under the cursor at start
    finally:
        store.close()
    env = {k: v for k, v in os.environ.items() if k != "VAPOR_TUI_DB"}
    app = PtyApp(["--db", str(db)], env)
    try:
        app.send("j\r")  # at once: down to the older job, and open it
        app.wait_for("#1 older")
        app.send("q")
        assert app.wait_exit() == 0
    finally:
        app.close()

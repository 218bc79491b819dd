"""`watch ID` paints a job's chart once: counted in the bytes of a real terminal (issue 14: on
a finished job the 9 KB chart region went out twice, byte for byte, 80 ms apart)."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

from tests.support.pty_app import PtyApp
from vapor_tui.core.clock import FakeClock
from vapor_tui.core.config import JobConfig
from vapor_tui.core.status import JobStatus
from vapor_tui.store.catchup import catch_up
from vapor_tui.store.engine import open_store
from vapor_tui.store.jobs import create_job, get_job

TOP_LEFT = "┌".encode()  # the plot's frame: one corner a chart


def _finished_job(path) -> int:
    clock = FakeClock(datetime.now(UTC) - timedelta(hours=1))
    store = open_store(path, clock=clock)
    try:
        cfg = JobConfig("done", epochs=2, steps_per_epoch=500, step_seconds=0.01, seed=5)
        job = create_job(store, cfg, start=True)
        clock.advance(600)
        catch_up(store)
        assert get_job(store, job.id).status is JobStatus.COMPLETE
        return job.id
    finally:
        store.close()


def test_watching_a_finished_job_sends_its_chart_once(tmp_path):
    db = tmp_path / "done.db"
    job_id = _finished_job(db)
    env = {k: v for k, v in os.environ.items() if k != "VAPOR_TUI_DB"}
    app = PtyApp(["watch", str(job_id), "--db", str(db)], env)
    try:
        app.wait_for("⣿")  # the curve is drawn
        app.pump(2.0)  # and nothing else comes: the job is finished, nothing changes
        raw = bytes(app.raw)
        app.send("q")
        assert app.wait_exit() == 0
    finally:
        app.close()
    # Whatever else is painted as the screen opens, the chart (its frame, its curve) once.
    assert raw.count(TOP_LEFT) == 1, f"the chart was painted {raw.count(TOP_LEFT)} times"
    assert raw.count("└".encode()) == 1

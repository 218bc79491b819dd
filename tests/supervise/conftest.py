"""Command jobs run for real: scripts written to the test's directory, started through the
ordinary start path (a supervisor process spawned detached), waited for on the database with a
bound, never for a fixed time."""

from __future__ import annotations

import os
import sys
import textwrap
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from vapor_tui.core.command import command_spec
from vapor_tui.core.status import Action, JobStatus
from vapor_tui.live.commands import Act, Acted, Created, NewCommand, execute
from vapor_tui.store.jobs import get_job
from vapor_tui.store.output import read_output
from vapor_tui.store.tables import jobs_table

BOUND_S = 60.0  # the most a test waits for a process, on a loaded machine


def _row(store, job_id):
    with store.read() as conn:
        row = conn.execute(jobs_table.select().where(jobs_table.c.id == job_id)).mappings().one()
    return dict(row)


@pytest.fixture
def commands(store, tmp_path, monkeypatch):
    """new(script, **options) -> job id (queued); start(id); act(id, action); wait(id, pred)."""
    # The supervisor and the command find this checkout's vapor_tui (tests run elsewhere).
    root = str(Path(__file__).resolve().parents[2])
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([root, os.environ.get("PYTHONPATH", "")]))

    def new(
        script: str,
        name: str = "cmd",
        grace: float | None = None,
        env=None,
        start=False,
        cwd: Path | None = None,
    ):
        path = tmp_path / f"{name}.py"
        path.write_text(textwrap.dedent(script))
        where = str(cwd or tmp_path)
        spec = command_spec([sys.executable, str(path)], where, env or {}, grace)
        created = execute(store, NewCommand(name, spec, start=start))
        assert isinstance(created, Created), created
        return created.job.id

    def act(job_id: int, action: Action, seen: JobStatus | None = None):
        acted = execute(store, Act(job_id, action, seen or get_job(store, job_id).status))
        assert isinstance(acted, Acted), acted
        return acted.job

    def wait(job_id: int, pred, what: str = "", bound: float = BOUND_S) -> dict:
        deadline = time.monotonic() + bound
        while True:
            row = _row(store, job_id)
            if pred(row):
                return row
            if time.monotonic() > deadline:
                lines = output(job_id)
                raise AssertionError(f"waited {bound} s for {what or pred}: {row} {lines[-5:]}")
            time.sleep(0.05)

    def ended(job_id: int) -> dict:
        return wait(job_id, lambda r: r["status"] in ("complete", "failed", "stopped"), "the end")

    def output(job_id: int) -> list[tuple[str, str]]:
        with store.read() as conn:
            return [(x.stream, x.text) for x in read_output(conn, job_id)]

    def said(job_id: int, text: str) -> dict:
        def seen(row: dict) -> bool:
            if any(text in t for _, t in output(job_id)):
                return True
            if JobStatus(row["status"]).is_final and row["exit_code"] is not None:
                raise AssertionError(f"it ended before saying {text!r}: {row['reason']}")
            return False

        return wait(job_id, seen, repr(text))

    return SimpleNamespace(
        new=new,
        start=lambda job_id: act(job_id, Action.START),
        act=act,
        wait=wait,
        ended=ended,
        output=output,
        said=said,
        row=lambda job_id: _row(store, job_id),
    )

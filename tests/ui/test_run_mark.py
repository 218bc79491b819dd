"""The jobs table marks a real run apart from simulated jobs: a mark before its name, in
Unicode and in plain ASCII, inside the name column's width."""

from __future__ import annotations

from datetime import UTC, datetime

from vapor_tui.core.config import JobConfig
from vapor_tui.core.job import Job, RunInfo
from vapor_tui.core.status import JobStatus
from vapor_tui.ui.glyphs import Glyphs
from vapor_tui.ui.widgets.job_rows import job_cells

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def test_a_run_is_marked_and_a_simulated_job_is_not() -> None:
    run = Job(1, None, JobStatus.RUNNING, "", NOW, source="api", run=RunInfo("sft-lfm2", "LFM2"))
    sim = Job(2, JobConfig("sft-lfm2", seed=1), JobStatus.RUNNING, "", NOW)
    for glyphs, mark in ((Glyphs(), "▸ "), (Glyphs(ascii_only=True), "* ")):
        assert job_cells(run, NOW, glyphs, 20)["name"].plain == mark + "sft-lfm2"
        assert job_cells(sim, NOW, glyphs, 20)["name"].plain == "sft-lfm2"
        cut = job_cells(run, NOW, glyphs, 8)["name"].plain
        assert cut.startswith(mark) and len(cut) <= 8

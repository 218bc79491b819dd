"""The jobs table's Epoch column for a real run that logs its epoch (the Trainer logs `epoch`
as 0.5, 1.0, 1.5...): read with the job rows, by the tick, the command line and the detail
screen alike."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.store.test_store_runs import make_run
from vapor_tui.core.job import Job, RunInfo, epoch_text
from vapor_tui.core.series import SeriesPoints
from vapor_tui.core.status import JobStatus
from vapor_tui.store.job_list import jobs_since
from vapor_tui.store.jobs import get_job, list_jobs
from vapor_tui.store.peek import peek_jobs
from vapor_tui.store.series import write_points
from vapor_tui.ui.glyphs import Glyphs
from vapor_tui.ui.widgets.job_rows import job_cells


def test_a_logged_epoch_reads_as_the_tables_show_it():
    assert [epoch_text(e, 3) for e in (0.01, 0.5, 1.0, 1.5, 3.0, 3.2)] == [
        "1/3", "1/3", "1/3", "2/3", "3/3", "3/3",
    ]  # fmt: skip
    assert [epoch_text(e, None) for e in (0.5, 1.0, 2.333333, 12.25)] == [
        "0.5", "1", "2.33", "12.25",
    ]  # fmt: skip


def test_a_run_that_logs_epoch_shows_it_in_every_read(store, db):
    with_epochs = make_run(store, total=3000, epochs=3)
    without = make_run(store)
    silent = make_run(store)
    for job_id in (with_epochs, without):
        with store.write() as conn:
            points = {
                "loss": SeriesPoints([1, 1500], [0.9, 0.5], [1.0, 2.0]),
                "epoch": SeriesPoints([1, 1500], [0.0, 1.5], [1.0, 2.0]),
            }
            write_points(conn, {job_id: points})
    with store.write() as conn:
        write_points(conn, {silent: {"loss": SeriesPoints([1, 2], [0.9, 0.8], [1.0, 2.0])}})
    _, ticked = jobs_since(store, None)
    peeked = peek_jobs(db)  # the first frame's read, before SQLAlchemy (sqlite3, psycopg)
    assert peeked is not None
    reads = [list(list_jobs(store)), list(ticked), list(peeked)]
    for jobs in reads:
        labels = {job.id: job.epoch_label for job in jobs}
        assert labels == {with_epochs: "2/3", without: "1.5", silent: "-"}
    assert get_job(store, without).epoch_label == "1.5"
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert job_cells(get_job(store, with_epochs), now, Glyphs(), 20)["epoch"].plain == "2/3"


def test_a_simulated_job_and_a_run_without_the_series_keep_their_label():
    now = datetime(2026, 1, 1, tzinfo=UTC)
    run = Job(1, None, JobStatus.RUNNING, "", now, source="api", run=RunInfo("r", last_epoch=None))
    assert run.epoch_label == "-"
    nan = Job(
        2, None, JobStatus.RUNNING, "", now, source="api", run=RunInfo("r", last_epoch=float("nan"))
    )
    assert nan.epoch_label == "-"

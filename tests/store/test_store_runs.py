"""Jobs that are not simulated (a script through the logging API, a launched command): rows
with the simulator's columns NULL read back as jobs with a RunInfo, shown and refused sensibly."""

from __future__ import annotations

import json
import math
from datetime import datetime

import pytest

from vapor_tui.core.change import change_at
from vapor_tui.core.series import SeriesPoints
from vapor_tui.core.status import Action, JobStatus
from vapor_tui.present.shapes import job_details
from vapor_tui.store.engine import Store, StoreError
from vapor_tui.store.jobs import clone_job, get_job, list_jobs
from vapor_tui.store.series import write_points
from vapor_tui.store.tables import jobs_table
from vapor_tui.text_table import job_details_text, jobs_table_text


def make_run(store: Store, total: int | None = None, **extra) -> int:
    now = store.clock.now().timestamp()
    with store.write() as conn:
        key = conn.execute(
            jobs_table.insert().values(
                name="sft-lfm2",
                model="LFM2-350M",
                source="api",
                status=JobStatus.RUNNING.value,
                reason="",
                created_at=now,
                started_at=now,
                total_steps=total,
                config=json.dumps({"lr": 2e-4, "batch_size": 8}),
                host="gpu-box",
                pid=4242,
                pid_started=123.5,
                user_name="ada",
                heartbeat_at=now,
                **extra,
            )
        ).inserted_primary_key
    assert key is not None
    return int(key[0])


def test_a_run_reads_back_with_its_process_and_config(store: Store) -> None:
    job_id = make_run(store, total=3000, epochs=3)
    job = get_job(store, job_id)
    assert job.config is None and job.run is not None and not job.is_simulated
    assert (job.name, job.model, job.source) == ("sft-lfm2", "LFM2-350M", "api")
    assert job.run.config == {"lr": 2e-4, "batch_size": 8}
    assert (job.run.host, job.run.pid, job.run.user_name) == ("gpu-box", 4242, "ada")
    assert job.known_total == 3000 and job.epochs == 3
    with store.write() as conn:
        write_points(conn, {job_id: {"loss": SeriesPoints([1, 1500], [0.9, 0.5], [1.0, 2.0])}})
    job = get_job(store, job_id)
    assert job.steps_done == 1500 and job.progress == 0.5 and job.epoch_label == "2/3"
    assert job_details(job)["config"] == {"lr": 2e-4, "batch_size": 8}
    with pytest.raises(ValueError):
        job.sim  # noqa: B018


def test_a_run_without_a_total_says_so(store: Store) -> None:
    job_id = make_run(store)
    with store.write() as conn:
        write_points(conn, {job_id: {"loss": SeriesPoints([7], [math.nan], [1.0])}})
    job = get_job(store, job_id)
    assert job.known_total is None and job.eta_seconds is None and job.epoch_label == "-"
    assert math.isnan(job.last_loss or 0.0) and job.last_loss_nan
    now = datetime.fromtimestamp(2e9).astimezone()
    text = job_details_text(job, now)
    assert "step 7/unknown" in text and "on gpu-box pid 4242" in text and "lr 0.0002" in text
    assert "sft-lfm2" in jobs_table_text(list_jobs(store), now)


def test_a_run_is_not_moved_by_the_clock_and_cannot_be_cloned(store: Store) -> None:
    job_id = make_run(store, total=10)
    job = get_job(store, job_id)
    later = job.created_at.timestamp() + 10_000
    change = change_at(job, Action.STOP, later)
    assert change.current is JobStatus.RUNNING  # the clock does not end a run
    assert change.values is not None and change.values["status"] == "stopping"
    assert "stop_at_step" not in change.values  # the script decides where it stops
    with pytest.raises(StoreError, match=r"cannot clone job .* it is a script's run"):
        clone_job(store, job_id)

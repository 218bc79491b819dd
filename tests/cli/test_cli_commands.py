"""Every command through the installed `vapor-tui` console command."""

from __future__ import annotations

import csv
import io
import json
import stat
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

import vapor_tui
from vapor_tui.core.clock import FakeClock
from vapor_tui.core.config import JobConfig
from vapor_tui.core.simulator import Simulator
from vapor_tui.core.status import JobStatus
from vapor_tui.store.engine import ENV_VAR, open_store
from vapor_tui.store.jobs import create_job, get_job, list_jobs
from vapor_tui.store.points import read_points

# step, epoch, timestamp, then a simulated job's four series, loss first.
EXPORT_COLUMNS = ("step", "epoch", "timestamp", "loss", "accuracy", "learning_rate", "val_loss")
SUMMARY_FIELDS = [
    "id",
    "name",
    "model",
    "status",
    "step",
    "total_steps",
    "progress",
    "epoch",
    "epochs",
    "loss",
    "eta_seconds",
    "created_at",
    "command",
    "cwd",
    "host",
    "pid",
    "supervisor_pid",
    "exit_code",
]


def ok(result: tuple[int, str, str]) -> str:
    code, out, err = result
    assert code == 0, f"exit {code}: {err}"
    assert "Traceback" not in err
    return out


# --- help and version ----------------------------------------------------------------------


@pytest.mark.real_process
def test_help_lists_every_command(run_cli) -> None:
    out = ok(run_cli("--help"))
    assert out.startswith("Usage: vapor-tui")
    for command in ("demo", "watch", "jobs", "new", "start", "stop", "fail", "clone", "delete"):
        assert f"\n  {command} " in out, command
    assert "show" in out and "export" in out and "--db" in out


@pytest.mark.parametrize(
    "command",
    [
        "jobs",
        "new",
        "start",
        "stop",
        "fail",
        "clone",
        "delete",
        "show",
        "export",
        "demo",
        "watch",
        "compare",
    ],
)
def test_every_subcommand_has_help(command: str, run_cli, tmp_path: Path) -> None:
    out = ok(run_cli(command, "--help"))
    assert out.startswith(f"Usage: vapor-tui {command}")
    assert "--db" in out
    assert list(tmp_path.iterdir()) == []  # help opens no database


def test_subcommand_help_shows_options_and_defaults(run_cli) -> None:
    out = ok(run_cli("new", "--help"))
    for option in (
        "--name",
        "--model",
        "--epochs",
        "--steps-per-epoch",
        "--lr",
        "--batch-size",
        "--schedule",
        "--curve",
        "--seed",
        "--step-seconds",
        "--start",
        "--db",
    ):
        assert option in out, option
    assert "2e-4" in out and "LFM2-350M" in out


def test_version(run_cli) -> None:
    out = ok(run_cli("--version"))
    assert vapor_tui.__version__ in out
    assert out.strip() == f"vapor-tui, version {vapor_tui.__version__}"


# --- new ----------------------------------------------------------------------------------


def test_new_prints_the_id_alone(run_cli, new_db) -> None:
    db = new_db("n")
    code, out, err = run_cli("new", "--name", "first", "--db", db)
    assert (code, out, err) == (0, "1\n", "")
    code, out, err = run_cli("new", "--name", "second", "--db", db)
    assert (code, out, err) == (0, "2\n", "")
    store = open_store(db, clock=FakeClock())
    try:
        job = get_job(store, 2)
    finally:
        store.close()
    assert job.name == "second" and job.status is JobStatus.QUEUED
    assert job.config.epochs == 3 and job.config.steps_per_epoch == 100  # the defaults
    assert job.config.learning_rate == 2e-4 and job.config.step_seconds == 0.5
    assert 0 <= job.config.seed < 2**31


@pytest.mark.real_process
def test_new_with_every_option_and_start(run_cli, new_db) -> None:
    db = new_db("all")
    out = ok(
        run_cli(
            "--db",
            db,
            "new",
            "--name",
            "every option",
            "--model",
            "LFM2-1.2B",
            "--epochs",
            "2",
            "--steps-per-epoch",
            "7",
            "--lr",
            "1e-3",
            "--batch-size",
            "16",
            "--schedule",
            "constant",
            "--curve",
            "power-law",
            "--seed",
            "99",
            "--step-seconds",
            "0.00001",
            "--start",
        )
    )
    job_id = int(out)
    details = json.loads(ok(run_cli("--db", db, "show", str(job_id), "--json")))
    assert details["config"] == {
        "name": "every option",
        "model": "LFM2-1.2B",
        "epochs": 2,
        "steps_per_epoch": 7,
        "learning_rate": 1e-3,
        "batch_size": 16,
        "schedule": "constant",
        "curve": "power-law",
        "seed": 99,
        "step_seconds": 0.00001,
    }
    # 14 steps of 10 us were over long before `show` looked: started, then complete.
    assert details["status"] == "complete"
    assert details["step"] == details["total_steps"] == 14
    assert details["started_at"] is not None and details["finished_at"] is not None
    # Same configuration and seed: the same curve as the simulator in this process.
    cfg = JobConfig(**details["config"])
    rows = list(csv.DictReader(io.StringIO(ok(run_cli("--db", db, "export", str(job_id))))))
    expected = Simulator(cfg).points(1, 14)
    assert [float(r["loss"]) for r in rows] == expected.loss.tolist()
    assert [float(r["learning_rate"]) for r in rows] == [1e-3] * 14


def test_new_with_a_huge_tiny_step_job_is_accepted(run_cli, new_db) -> None:
    db = new_db("huge")
    args = ["--epochs", "10", "--steps-per-epoch", "1000000", "--step-seconds", "0.00001"]
    out = ok(run_cli("new", "--name", "huge", *args, "--db", db))
    store = open_store(db, clock=FakeClock())
    try:
        job = get_job(store, int(out))
    finally:
        store.close()
    assert job.total_steps == 10_000_000
    assert job.config.step_seconds == 0.00001


# --- jobs and show ------------------------------------------------------------------------


@pytest.mark.real_process
def test_jobs_table(run_cli, state_db) -> None:
    out = ok(run_cli("--db", state_db.target, "jobs"))
    lines = out.splitlines()
    assert lines[0].split() == [
        "ID",
        "NAME",
        "MODEL",
        "STATUS",
        "PROGRESS",
        "EPOCH",
        "LOSS",
        "ETA",
        "CREATED",
    ]
    assert len(lines) == 1 + len(state_db.jobs)
    ids = [int(line.split()[0]) for line in lines[1:]]
    assert ids == sorted(ids, reverse=True), "newest first"
    for status, job in state_db.jobs.items():
        line = next(ln for ln in lines[1:] if ln.split()[0] == str(job.id))
        assert job.name in line and status.value in line.split()
    complete = state_db.jobs[JobStatus.COMPLETE]
    line = next(ln for ln in lines if ln.startswith(f"{complete.id} "))
    assert "100.0%" in line and f"{complete.config.epochs}/{complete.config.epochs}" in line


def test_jobs_json(run_cli, state_db) -> None:
    listed = json.loads(ok(run_cli("jobs", "--json", "--db", state_db.target)))
    assert [j["id"] for j in listed] == sorted((j.id for j in state_db.jobs.values()), reverse=True)
    by_id = {j["id"]: j for j in listed}
    for status, job in state_db.jobs.items():
        entry = by_id[job.id]
        assert list(entry) == SUMMARY_FIELDS
        assert entry["status"] == status.value
        assert entry["name"] == job.name and entry["model"] == job.model
        assert entry["total_steps"] == job.total_steps
        assert entry["epochs"] == job.config.epochs
        assert entry["step"] == job.steps_done
        assert entry["progress"] == pytest.approx(job.steps_done / job.total_steps, abs=1e-6)
        assert datetime.fromisoformat(entry["created_at"]) == job.created_at
        if status is JobStatus.RUNNING:
            assert entry["eta_seconds"] > 0
        elif not status.is_active:
            assert entry["eta_seconds"] is None
    assert by_id[state_db.jobs[JobStatus.QUEUED].id]["loss"] is None
    assert by_id[state_db.jobs[JobStatus.COMPLETE].id]["progress"] == 1.0
    assert by_id[state_db.jobs[JobStatus.COMPLETE].id]["loss"] > 0


def test_jobs_on_an_empty_database(run_cli, new_db) -> None:
    out = ok(run_cli("jobs", "--db", new_db("empty")))
    assert "No jobs yet" in out and "vapor-tui new" in out


def test_show_text_and_json(run_cli, state_db) -> None:
    job = state_db.jobs[JobStatus.STOPPED]
    text = ok(run_cli("--db", state_db.target, "show", str(job.id)))
    assert text.startswith(f"Job {job.id}: {job.name}")
    assert "stopped" in text and job.reason in text
    assert "seed 10" in text
    details = json.loads(ok(run_cli("--db", state_db.target, "show", str(job.id), "--json")))
    assert list(details)[: len(SUMMARY_FIELDS)] == SUMMARY_FIELDS
    for key in ("reason", "config", "started_at", "finished_at", "best_loss", "val_loss"):
        assert key in details, key
    assert "steps_per_second" in details
    assert details["reason"] == job.reason == "stopped by user at the end of epoch 1"
    assert details["config"] == job.config.as_dict()
    assert details["step"] == 10
    assert details["best_loss"] <= details["loss"]
    assert details["metrics"] == ["loss", "accuracy", "learning_rate", "val_loss"]


# --- actions --------------------------------------------------------------------------------


@pytest.mark.real_process
def test_start_stop_fail_clone_delete(run_cli, new_db) -> None:
    db = new_db("actions")
    store = open_store(db, clock=FakeClock(datetime.now(UTC)))
    try:
        a, b = (
            str(create_job(store, JobConfig(name, seed=3, step_seconds=10_000)).id) for name in "ab"
        )
    finally:
        store.close()
    assert ok(run_cli("--db", db, "start", a)) == f"job #{a} a: running\n"
    assert ok(run_cli("--db", db, "stop", a)) == f"job #{a} a: stopping\n"
    assert ok(run_cli("stop", a, "--db", db)) == f"job #{a} a: stopped\n"
    assert ok(run_cli("--db", db, "fail", b)) == f"job #{b} b: failed\n"
    c = ok(run_cli("--db", db, "clone", b)).strip()
    assert c.isdigit() and int(c) > int(b)
    assert ok(run_cli("--db", db, "delete", a)) == f"deleted job {a}\n"
    store = open_store(db, clock=FakeClock())
    try:
        jobs = {j.id: j for j in list_jobs(store)}
    finally:
        store.close()
    assert sorted(jobs) == [int(b), int(c)]
    assert jobs[int(b)].status is JobStatus.FAILED
    assert jobs[int(b)].reason == "marked failed by user"
    assert jobs[int(c)].status is JobStatus.QUEUED
    assert jobs[int(c)].config.seed != jobs[int(b)].config.seed  # a new sample
    assert replace(jobs[int(c)].config, seed=3) == jobs[int(b)].config
    same = ok(run_cli("--db", db, "clone", "--same-seed", b)).strip()
    shown = json.loads(ok(run_cli("--db", db, "show", same, "--json")))
    assert shown["config"]["seed"] == 3


# --- export --------------------------------------------------------------------------------


def expected_rows(state_db, job_id: int) -> list[tuple]:
    store = open_store(state_db.target, clock=FakeClock())
    try:
        pts = read_points(store, job_id)
    finally:
        store.close()
    rows = []
    for i in range(len(pts)):
        val = float(pts.val_loss[i])
        rows.append(
            (
                int(pts.step[i]),
                int(pts.epoch[i]),
                float(pts.loss[i]),
                float(pts.accuracy[i]),
                float(pts.learning_rate[i]),
                None if np.isnan(val) else val,
                datetime.fromtimestamp(float(pts.timestamp[i]), UTC),
            )
        )
    return rows


def test_export_csv(run_cli, state_db) -> None:
    job = state_db.jobs[JobStatus.COMPLETE]
    out = ok(run_cli("--db", state_db.target, "export", str(job.id)))
    reader = csv.reader(io.StringIO(out))
    header = next(reader)
    assert header == list(EXPORT_COLUMNS)
    got = [
        (
            int(r[0]),
            int(r[1]),
            float(r[3]),
            float(r[4]),
            float(r[5]),
            None if r[6] == "" else float(r[6]),
            datetime.fromisoformat(r[2]),
        )
        for r in reader
    ]
    want = expected_rows(state_db, job.id)
    assert len(got) == job.total_steps == 30
    assert [g[:6] for g in got] == [w[:6] for w in want]  # floats exact: repr round-trips
    for g, w in zip(got, want, strict=True):
        assert g[6].tzinfo is not None
        assert abs((g[6] - w[6]).total_seconds()) < 1e-6
    assert [g[0] for g in got if g[5] is not None] == [10, 20, 30]


def test_export_json_to_a_file(run_cli, state_db, tmp_path: Path) -> None:
    job = state_db.jobs[JobStatus.STOPPED]
    target = tmp_path / "out" / "points.json"
    target.parent.mkdir()
    code, out, err = run_cli(
        "export", str(job.id), "--format", "json", "-o", target, "--db", state_db.target
    )
    assert (code, out, err) == (0, "", "")
    records = json.loads(target.read_text(encoding="utf-8"))
    assert len(records) == 10
    assert all(list(r) == list(EXPORT_COLUMNS) for r in records)
    want = expected_rows(state_db, job.id)
    assert [
        (r["step"], r["epoch"], r["loss"], r["accuracy"], r["learning_rate"], r["val_loss"])
        for r in records
    ] == [w[:6] for w in want]
    assert records[0]["val_loss"] is None and records[-1]["val_loss"] is not None
    assert datetime.fromisoformat(records[0]["timestamp"]).tzinfo is not None


def test_export_csv_to_a_file_and_an_empty_job(run_cli, state_db, tmp_path: Path) -> None:
    job = state_db.jobs[JobStatus.QUEUED]
    target = tmp_path / "empty.csv"
    assert ok(run_cli("--db", state_db.target, "export", str(job.id), "-o", target)) == ""
    assert target.read_text(encoding="utf-8") == ",".join(EXPORT_COLUMNS) + "\n"
    out = ok(run_cli("--db", state_db.target, "export", str(job.id), "--format", "JSON"))
    assert json.loads(out) == []


# --- demo -----------------------------------------------------------------------------------


@pytest.mark.real_process
def test_demo_no_tui_prints_a_fresh_database(run_cli, isolated_env: Path) -> None:
    out = ok(run_cli("demo", "--no-tui"))
    path = Path(out.strip())
    assert out == f"{path}\n"
    assert path.is_file()
    assert path.is_relative_to(isolated_env), "a temporary database, not the user's"
    store = open_store(path, clock=FakeClock(datetime.now(UTC)))
    try:
        jobs = list_jobs(store)
    finally:
        store.close()
    by_status: dict[JobStatus, list] = {}
    for j in jobs:
        by_status.setdefault(j.status, []).append(j)
    for status in (JobStatus.QUEUED, JobStatus.COMPLETE, JobStatus.FAILED, JobStatus.STOPPED):
        assert len(by_status.get(status, [])) == 1, status
    running = by_status[JobStatus.RUNNING]
    assert len(running) == 2
    progress = sorted(j.progress for j in running)
    assert progress[0] > 0 and progress[1] < 1
    assert progress[1] - progress[0] > 0.2, "two running jobs at visibly different points"
    assert all(j.eta_seconds is not None for j in running)
    complete = by_status[JobStatus.COMPLETE][0]
    assert complete.steps_done == complete.total_steps
    assert by_status[JobStatus.FAILED][0].steps_done > 0
    stopped = by_status[JobStatus.STOPPED][0]
    assert stopped.steps_done % stopped.config.steps_per_epoch == 0 and stopped.steps_done > 0


def test_demo_fills_the_database_given(run_cli, new_db) -> None:
    db = new_db("demo")
    assert ok(run_cli("--db", db, "demo", "--no-tui")) == f"{db}\n"
    store = open_store(db, clock=FakeClock(datetime.now(UTC)))
    try:
        statuses = sorted(j.status.value for j in list_jobs(store))
    finally:
        store.close()
    assert statuses == ["complete", "failed", "queued", "running", "running", "stopped"]


# --- where the database is --------------------------------------------------------------------


@pytest.mark.real_process
def test_env_var_selects_the_database(run_cli, tmp_path: Path, data_home: Path) -> None:
    db = tmp_path / "from-env.db"
    assert ok(run_cli("new", "--name", "env", env={ENV_VAR: str(db)})) == "1\n"
    assert db.is_file()
    # --db wins over the environment.
    other = tmp_path / "explicit.db"
    assert ok(run_cli("new", "--name", "x", "--db", other, env={ENV_VAR: str(db)})) == "1\n"
    listed = json.loads(ok(run_cli("jobs", "--json", env={ENV_VAR: str(db)})))
    assert [j["name"] for j in listed] == ["env"]
    assert not (data_home / "vapor-tui").exists()


def test_db_option_before_and_after_the_subcommand(run_cli, new_db, data_home: Path):
    db = new_db("either-side")
    assert ok(run_cli("--db", db, "new", "--name", "before")) == "1\n"
    out = ok(run_cli("jobs", "--json", "--db", db))
    assert [j["name"] for j in json.loads(out)] == ["before"]
    assert not (data_home / "vapor-tui").exists()


def test_default_database_in_the_data_dir(run_cli, data_home: Path) -> None:
    assert ok(run_cli("new", "--name", "default")) == "1\n"
    db = data_home / "vapor-tui" / "vapor.db"
    assert db.is_file()
    assert stat.S_IMODE(db.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(db.stat().st_mode) == 0o600

"""A database with one job in every state, made in-process, for the command-line tests."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from tests.support.in_process import CliResult, run_in_process
from vapor_tui.core.clock import FakeClock
from vapor_tui.core.config import JobConfig
from vapor_tui.core.job import Job
from vapor_tui.core.simulator import Simulator
from vapor_tui.core.status import JobStatus
from vapor_tui.store.catchup import catch_up
from vapor_tui.store.engine import open_store
from vapor_tui.store.jobs import create_job, get_job, list_jobs

# Active jobs take this long a step: real time never catches up with them during a test, so
# commands find nothing due and write nothing.
GLACIAL = 10_000.0


@dataclass
class StateDb:
    target: str  # a SQLite path or a PostgreSQL URL
    jobs: dict[JobStatus, Job]

    @property
    def path(self) -> Path:
        """The SQLite file (tests about the file itself are SQLite-only)."""
        assert "://" not in self.target, "a test about the SQLite file"
        return Path(self.target)

    def digest(self) -> str:
        """The database file's bytes, plus its write-ahead log if one was left behind; on
        PostgreSQL every row of every table, read without vapor-tui's code."""
        if "://" in self.target:
            return _server_digest(self.target)
        h = hashlib.sha256(self.path.read_bytes())
        wal = self.path.with_name(self.path.name + "-wal")
        if wal.exists():
            h.update(wal.read_bytes())
        return h.hexdigest()

    def snapshot(self) -> list[tuple]:
        """Every job row and point, as a value to compare."""
        store = open_store(self.target, clock=FakeClock())
        try:
            with store.read() as conn:
                jobs = conn.exec_driver_sql("SELECT * FROM jobs ORDER BY id").all()
                points = conn.exec_driver_sql(
                    "SELECT s.job_id, s.name, p.step, p.value, p.timestamp FROM series_points p "
                    "JOIN series s ON s.id = p.series_id ORDER BY s.job_id, s.name, p.step"
                ).all()
            return [tuple(r) for r in jobs] + [tuple(p) for p in points]
        finally:
            store.close()

    def job(self, job_id: int) -> Job:
        store = open_store(self.target, clock=FakeClock())
        try:
            return get_job(store, job_id)
        finally:
            store.close()

    def all_jobs(self) -> list[Job]:
        store = open_store(self.target, clock=FakeClock())
        try:
            return list_jobs(store)
        finally:
            store.close()


def _server_digest(url: str) -> str:
    from sqlalchemy import create_engine

    engine = create_engine(url)
    h = hashlib.sha256()
    try:
        with engine.connect() as conn:
            tables = conn.exec_driver_sql(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = current_schema() ORDER BY 1"
            ).all()
            for (table,) in tables:
                h.update(table.encode())
                rows = conn.exec_driver_sql(f"SELECT * FROM {table}")  # some have one column
                for row in sorted(repr(tuple(r)) for r in rows):
                    h.update(row.encode())
    finally:
        engine.dispose()
    return h.hexdigest()


def build_state_db(path: Path | str, helpers: SimpleNamespace) -> StateDb:
    """Jobs made as if over the last hour: complete, failed and stopped ones first, with a
    second a step, then queued, running and stopping ones that crawl."""
    clock = FakeClock(datetime.now(UTC) - timedelta(hours=1))
    store = open_store(path, clock=clock)
    jobs: dict[JobStatus, Job] = {}
    try:
        for status in (JobStatus.COMPLETE, JobStatus.FAILED, JobStatus.STOPPED):
            jobs[status] = helpers.drive_job(
                store, clock, status, helpers.small_config(f"{status}-job", seed=10)
            )
            clock.advance(60)
        jobs[JobStatus.QUEUED] = create_job(store, helpers.small_config("queued-job", seed=11))
        slow = JobConfig("running-job", epochs=3, steps_per_epoch=20, seed=12, step_seconds=GLACIAL)
        running = create_job(store, slow, start=True)
        sim = Simulator(slow)
        clock.advance((sim.time_at(8) + sim.time_at(9)) / 2)  # 8 steps: enough for an ETA
        catch_up(store)
        jobs[JobStatus.RUNNING] = get_job(store, running.id)
        jobs[JobStatus.STOPPING] = helpers.drive_job(
            store,
            clock,
            JobStatus.STOPPING,
            helpers.small_config("stopping-job", step_seconds=GLACIAL, seed=13),
        )
        assert jobs[JobStatus.RUNNING].status is JobStatus.RUNNING
    finally:
        store.close()
    return StateDb(str(path), jobs)


@pytest.fixture
def run_cli(
    request: pytest.FixtureRequest, isolated_env: Path, run_cli_process: Callable[..., CliResult]
) -> Callable[..., CliResult]:
    """run_cli(*args, env=None, input=None, timeout=60, cwd=None) -> (returncode, stdout,
    stderr) of `vapor-tui ARGS`: here in the test's own process (tests/support/in_process.py),
    where a test checks what a command prints and its exit status; the installed command in a
    subprocess for a test marked `real_process` (one at least for every command)."""
    if request.node.get_closest_marker("real_process"):
        return run_cli_process

    def run(
        *args: str | os.PathLike,
        env: dict[str, str] | None = None,
        input: str | None = None,
        timeout: float = 0.0,  # a subprocess's; a call here is not waited on
        cwd: os.PathLike | None = None,
    ) -> CliResult:
        return run_in_process(args, cwd or isolated_env, env=env, input=input)

    return run


@pytest.fixture
def state_db(new_db: Callable[..., Any], helpers: SimpleNamespace) -> StateDb:
    """A copy of the database build_state_db makes (built once a session for each backend)."""

    def build(target: str) -> dict[JobStatus, Job]:
        return build_state_db(target, helpers).jobs

    target, jobs = new_db("states", like=build)
    return StateDb(target, jobs)


@pytest.fixture
def queued_jobs(new_db: Callable[..., str]) -> Callable[[int], tuple[str, list[int]]]:
    """queued_jobs(n) -> (database, ids of n fresh queued jobs)."""

    def make(n: int) -> tuple[str, list[int]]:
        path = new_db("queued")
        store = open_store(path, clock=FakeClock(datetime.now(UTC)))
        try:
            ids = [
                create_job(store, JobConfig(f"q{i}", seed=i, step_seconds=GLACIAL)).id
                for i in range(n)
            ]
        finally:
            store.close()
        return path, ids

    return make

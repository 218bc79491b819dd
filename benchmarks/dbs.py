"""The databases the benchmarks open, built fast through the store's own functions.

Jobs are created with a FakeClock set in the past, so that they have realistic ages ("2 hours
ago"); running jobs are left for the app to catch up to the real present when it opens them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Connection

from vapor_tui.core.clock import FakeClock
from vapor_tui.core.config import Curve, JobConfig, Schedule
from vapor_tui.core.simulator import Simulator
from vapor_tui.core.status import Action
from vapor_tui.store.catchup import catch_up
from vapor_tui.store.engine import Store, open_store
from vapor_tui.store.jobs import apply_action, create_job
from vapor_tui.store.points import insert_points
from vapor_tui.store.tables import jobs_table

JOB_COUNT = 20
RUNNING_COUNT = 5
MODELS = ("LFM2-350M", "LFM2-700M", "LFM2-1.2B")


def job_name(i: int) -> str:
    return f"bench-job-{i:02d}"


def _config(name: str, i: int, **overrides) -> JobConfig:
    values = dict(
        model=MODELS[i % len(MODELS)],
        epochs=3,
        steps_per_epoch=100,
        learning_rate=(1e-4, 2e-4, 5e-4)[i % 3],
        batch_size=(8, 16, 32)[i % 3],
        schedule=Schedule.COSINE if i % 4 else Schedule.CONSTANT,
        curve=Curve.EXPONENTIAL if i % 2 else Curve.POWER_LAW,
        seed=1000 + i,
        step_seconds=0.01,
    )
    values.update(overrides)
    return JobConfig(name, **values)


def add_queued_job(path: Path, name: str) -> str:
    """A queued job, the newest (the jobs screen's cursor starts on it). Returns its name."""
    store = open_store(path)
    try:
        create_job(store, _config(name, 0))
    finally:
        store.close()
    return name


def jobs_db(
    path: Path, running: int = RUNNING_COUNT, total: int = JOB_COUNT, caught_up: bool = False
) -> list[str]:
    """`total` jobs created over the last few hours, `running` of them still running (one step
    a second each, like the watched job, and days from their end); the rest complete, failed,
    stopped or queued. With `caught_up` the running jobs are brought up to now, as an app left
    open keeps them, else the app opening it catches up first. Returns the job names, which
    the benchmarks look for on the screen."""
    now = datetime.now(UTC)
    clock = FakeClock(now - timedelta(hours=3))
    store = open_store(path, clock=clock)
    names = []
    try:
        for i in range(1, total + 1):
            name = job_name(i)
            names.append(name)
            # Spread over the 3 hours before now (8 minutes apart for the usual 20 jobs).
            clock.set(now - timedelta(hours=3) + timedelta(minutes=8 * JOB_COUNT / total * i))
            if i > total - running:
                # Started 5 to 25 minutes ago; a step a second; 3 x 100,000 steps.
                k = i - (total - running)
                cfg = _config(name, i, steps_per_epoch=100_000, step_seconds=1.0)
                clock.set(now - timedelta(minutes=5 * k))
                create_job(store, cfg, start=True)
                continue
            kind = i % 4
            job = create_job(store, _config(name, i))
            if kind == 0:  # queued
                continue
            apply_action(store, job.id, Action.START)
            if kind == 1:  # complete: all 300 steps
                clock.advance(3600)
                catch_up(store, job_ids=[job.id])
            elif kind == 2:  # failed part-way
                clock.advance(1.0)
                apply_action(store, job.id, Action.FAIL)
            else:  # stopped at once, part-way through the first epoch
                clock.advance(0.5)
                apply_action(store, job.id, Action.STOP)
                apply_action(store, job.id, Action.STOP)
        if caught_up:
            clock.set(datetime.now(UTC))
            catch_up(store)
    finally:
        store.close()
    return names


def live_job_db(path: Path, step_seconds: float = 1.0) -> int:
    """One running job making a step every `step_seconds` (on average), started a minute ago,
    hours from its end. Returns its id."""
    now = datetime.now(UTC)
    store = open_store(path, clock=FakeClock(now - timedelta(seconds=60)))
    try:
        cfg = _config("live-watch", 1, steps_per_epoch=5_000, step_seconds=step_seconds)
        return create_job(store, cfg, start=True).id
    finally:
        store.close()


def short_job_db(path: Path, started_s_ago: float = 30.0) -> int:
    """One running job with the command line's defaults (`vapor-tui new NAME --step-seconds 1`:
    3 epochs of 100 steps, so 300 steps in about five minutes), started `started_s_ago`
    seconds ago. Returns its id."""
    now = datetime.now(UTC)
    store = open_store(path, clock=FakeClock(now - timedelta(seconds=started_s_ago)))
    try:
        cfg = JobConfig("short-watch", seed=1234, step_seconds=1.0)
        return create_job(store, cfg, start=True).id
    finally:
        store.close()


def big_job_db(path: Path, points: int) -> int:
    """One complete job with `points` points (10 epochs). Returns its id."""
    now = datetime.now(UTC)
    store = open_store(path, clock=FakeClock(now))
    try:
        return add_job_with_points(store, f"big-{points}", points, points)
    finally:
        store.close()


def copy_job(conn: Connection, job_id: int, name: str) -> int:
    """A copy of a job under another name, made by the database (INSERT .. SELECT) in the
    transaction of `conn`: its row, and every row of every table that refers to the job or to
    one of its series (points, summaries, blocks, output), the copy's ids in place of the
    original's. Building a 1M-point job again costs seconds of simulating and encoding; a copy
    is the same bytes at the database's speed. Returns the copy's id."""
    from sqlalchemy import insert, literal, select

    from vapor_tui.store.tables import series_table

    tables = jobs_table.metadata.sorted_tables

    def copied(table, key: str, old: int, new: int) -> None:
        rest = [c for c in table.columns if c.name != key]
        chosen = select(literal(new).label(key), *rest).where(table.c[key] == old)
        conn.execute(insert(table).from_select([key, *(c.name for c in rest)], chosen))

    def referring(target) -> list:
        return [
            (t, fk.parent.name)
            for t in tables
            for fk in t.foreign_keys
            if fk.column.table is target and t is not series_table
        ]

    row = conn.execute(select(jobs_table).where(jobs_table.c.id == job_id)).mappings().one()
    values = {k: v for k, v in row.items() if k != "id"}
    made = conn.execute(insert(jobs_table).values({**values, "name": name}))
    new_id = made.inserted_primary_key[0]
    for table, key in referring(jobs_table):
        copied(table, key, job_id, new_id)
    series = select(series_table).where(series_table.c.job_id == job_id)
    for old in conn.execute(series).mappings().all():
        fields = {k: v for k, v in old.items() if k != "id"}
        new_series = conn.execute(
            insert(series_table).values({**fields, "job_id": new_id})
        ).inserted_primary_key[0]
        for table, key in referring(series_table):
            copied(table, key, old["id"], new_series)
    return int(new_id)


@contextlib.contextmanager
def scratch_writes(path: Path) -> Iterator[Connection]:
    """One transaction on a SQLite file being built for a benchmark, written once and never
    synced: no journal (the store's write-ahead log wrote every page of a copied 1M-point job
    twice, 538 MB a copy, synced), and the file back in WAL mode after, as the store leaves
    it. A crash while building leaves a broken scratch file, nothing else."""
    from sqlalchemy import create_engine, event

    engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _unsafe(dbapi_conn, _record) -> None:
        dbapi_conn.execute("PRAGMA journal_mode=OFF")
        dbapi_conn.execute("PRAGMA synchronous=OFF")

    try:
        with engine.begin() as conn:
            yield conn
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA journal_mode=WAL")
    finally:
        engine.dispose()


def points_job_config(name: str, total: int) -> JobConfig:
    """The configuration of add_job_with_points's jobs: 10 epochs, 1 ms a step."""
    if total % 10:
        raise ValueError("total must be a multiple of 10 (10 epochs)")
    return _config(name, 2, epochs=10, steps_per_epoch=total // 10, step_seconds=0.001)


def add_job_with_points(
    store: Store, name: str, total: int, held: int, chunk: int = 250_000
) -> int:
    """A job of `total` steps (10 epochs, 1 ms a step) that ran to step `held` and ended there:
    complete if that is every step, else stopped. The points go in through the store's own
    insert_points, in one transaction, and the job row is set as catch-up would have left it,
    started long enough ago. Returns the job's id."""
    if not 0 < held <= total:
        raise ValueError("0 < held <= total")
    cfg = points_job_config(name, total)
    sim = Simulator(cfg)
    started = store.clock.now().timestamp() - float(sim.time_at(total)) - 60.0
    job = create_job(store, cfg)
    best = float("inf")
    last = None
    with store.write() as conn:
        for first in range(1, held + 1, chunk):
            pts = sim.points(first, min(held, first + chunk - 1), started)
            insert_points(conn, job.id, pts, total)
            best = min(best, float(pts.loss.min()))
            last = pts
        assert last is not None
        _, vals = last.validation()
        complete = held == total
        conn.execute(
            jobs_table.update()
            .where(jobs_table.c.id == job.id)
            .values(
                status="complete" if complete else "stopped",
                reason="finished every step" if complete else "stopped by the benchmark",
                started_at=started,
                finished_at=float(last.timestamp[-1]),
                steps_done=held,
                last_loss=float(last.loss[-1]),
                best_loss=best,
                last_val_loss=float(vals[-1]) if len(vals) else None,
                ema_step_seconds=0.001,
                last_timestamp=float(last.timestamp[-1]),
                version=job.version + 5,
            )
        )
    return job.id

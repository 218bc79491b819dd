"""In-process benchmarks of the store: catch-up, and point reads."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.context import Context
from vapor_tui.core.clock import FakeClock
from vapor_tui.core.config import JobConfig
from vapor_tui.core.simulator import Simulator
from vapor_tui.store.catchup import catch_up
from vapor_tui.store.engine import open_store
from vapor_tui.store.jobs import create_job
from vapor_tui.store.points import read_points

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


# --- 5. catch-up and reads ----------------------------------------------------------------


def values_written(store, job_id: int) -> int:
    """The points a job's series hold: a simulated step is three (loss, accuracy, learning
    rate), and an epoch's end one more (validation loss)."""
    with store.read() as conn:
        return int(
            conn.exec_driver_sql(f"SELECT sum(n) FROM series WHERE job_id = {job_id}").scalar()
        )


def bench_catchup(ctx: Context) -> None:
    mode = ctx.mode
    n = mode.catchup_points
    ctx.log(f"catch-up: {n:,} steps (about {3 * n:,} points), {mode.catchup_runs} runs")
    rates, cpu_rates = [], []
    for run in range(mode.catchup_runs):
        clock = FakeClock(START)
        db = ctx.path(f"catchup-{run}.db")
        store = open_store(db, clock=clock)
        try:
            cfg = JobConfig(
                "catch-up", epochs=10, steps_per_epoch=n // 10, step_seconds=0.001, seed=run
            )
            job = create_job(store, cfg, start=True)
            clock.advance(Simulator(cfg).time_at(n) + 1.0)  # every step is due
            t0, c0 = time.perf_counter(), time.process_time()
            result = catch_up(store)
            elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
            values = values_written(store, job.id)
        finally:
            store.close()
        db.unlink()
        if result.points_written != n or result.jobs_ended != (job.id,):
            raise RuntimeError(f"catch-up wrote {result.points_written} of {n} steps")
        rates.append(values / elapsed)
        cpu_rates.append(values / cpu)
    ctx.add(
        "catchup_points_per_cpu_s",
        "the same catch-up, points per second of this process's CPU (SQLite's work is all "
        "in it: the figure a loaded machine does not move)",
        "points/s",
        cpu_rates,
    )
    ctx.add(
        "catchup_points_per_s",
        "catch-up: points (values of a series at a step) written per second",
        "points/s",
        rates,
        {"steps": n, "points_per_step": "3, and 1 more an epoch"},
    )


def _warm_page_cache(path: Path) -> None:
    with open(path, "rb") as fh:
        while fh.read(1 << 24):
            pass


def bench_reads(ctx: Context) -> None:
    mode = ctx.mode
    db, job_id = ctx.big_job()
    _warm_page_cache(db)
    store = open_store(db)
    try:
        last = mode.big_points
        ctx.log(f"newest-points read: {mode.newest_reads} reads")
        for _ in range(20):  # untimed: the pool's connection and the statement cache
            read_points(store, job_id, after_step=last - 10)
        newest = []
        for _ in range(mode.newest_reads):
            t0 = time.perf_counter()
            points = read_points(store, job_id, after_step=last - 10)
            newest.append((time.perf_counter() - t0) * 1000)
            if len(points) != 10:
                raise RuntimeError(f"read {len(points)} newest points, not 10")
        ctx.add(
            "read_newest_ms",
            "read the newest 10 points (read_points after_step)",
            "ms",
            newest,
            {"job_points": last, "points_read": 10},
        )
        ctx.log(f"read all points into numpy: {mode.numpy_reads} reads")
        full, cpu = [], []
        for _ in range(mode.numpy_reads):
            t0, c0 = time.perf_counter(), time.process_time()
            points = read_points(store, job_id, after_step=0)
            full.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
            if len(points) != last:
                raise RuntimeError(f"read {len(points)} points, not {last}")
            del points
        ctx.add(
            "read_all_numpy_s.1M",
            "read every point into numpy (read_points after_step=0)",
            "s",
            full,
            {"steps": last, "points": values_written(store, job_id)},
        )
        ctx.add(
            "read_all_numpy_cpu_s.1M",
            "the same read, this process's CPU time (SQLite's work included; less load-bound)",
            "s",
            cpu,
        )
    finally:
        store.close()


BENCHMARKS = (bench_catchup, bench_reads)

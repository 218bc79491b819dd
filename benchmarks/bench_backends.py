"""SQLite and PostgreSQL side by side, in one run: catch-up, the logging API's writes, the newest
points read, and a 1M-point chart opened (in-process: the chart's read; in a real terminal:
launch to the chart drawn).

A *point* is one value of one series at one step: a simulated step is three (loss, accuracy,
learning rate) and an epoch's end one more (validation loss), so the catch-up's points are
about three times its steps; the figures count points, and their settings say the steps.

The PostgreSQL server is the test suite's kind: a cluster of its own in a temporary directory,
on a Unix socket, with fsync off (so these figures are the server's CPU cost, not a disk's).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from benchmarks import dbs
from benchmarks.bench_terminal import _watch
from benchmarks.context import Context
from tests.support.postgres import PostgresServer
from vapor_tui.core.clock import FakeClock
from vapor_tui.core.config import JobConfig
from vapor_tui.core.process import current_process
from vapor_tui.core.simulator import Simulator
from vapor_tui.run.batch import to_batch
from vapor_tui.store.catchup import catch_up
from vapor_tui.store.engine import open_store
from vapor_tui.store.jobs import create_job
from vapor_tui.store.points import read_points
from vapor_tui.store.runs import create_run, write_run
from vapor_tui.store.summary import read_chart_base, read_chart_news

from .bench_store import values_written

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
BACKENDS = ("sqlite", "postgres")
# The logging API's writes: a script logging five named series at every step, and an eval
# loss every 500 steps, flushed by the writer thread FLUSH_STEPS steps at a time.
INGEST_SERIES = ("loss", "accuracy", "learning_rate", "grad_norm", "tokens_per_second")
FLUSH_STEPS = 10_000


class _Targets:
    """A fresh database on either backend; the server started on first use."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.server: PostgresServer | None = None
        self.n = 0
        self.databases: list[str] = []

    def new(self, backend: str) -> str:
        self.n += 1
        if backend == "sqlite":
            return str(self.ctx.path(f"backend-{self.n}.db"))
        if self.server is None:
            self.server = PostgresServer()
            self.server.start()
        self.databases.append(self.server.new_database())
        return self.server.url(self.databases[-1])

    def settle(self) -> None:
        """Before the reads and launches: the server's databases but the last (the big job's)
        dropped, and that one vacuumed. Seconds after writing millions of rows (catch-up, logging
        and the big job) the server's autovacuum got to them one by one while the reads and
        launches were timed, on the same two cores (seen in pg_stat_activity: VACUUM
        ANALYZE of series_points during the timed reads); a database that took a million
        points to fill has been vacuumed long before anyone reads it. SQLite has no such work."""
        if self.server is None:
            return
        *done, big = self.databases
        for name in done:
            self.server.drop_database(name)
        self.server.sql("VACUUM (ANALYZE)", big)

    def close(self) -> None:
        if self.server is not None:
            self.server.destroy()


def _catchup_rate(target: str, n: int, seed: int) -> float:
    clock = FakeClock(START)
    store = open_store(target, clock=clock)
    try:
        cfg = JobConfig(
            "catch-up", epochs=10, steps_per_epoch=n // 10, step_seconds=0.001, seed=seed
        )
        job = create_job(store, cfg, start=True)
        clock.advance(Simulator(cfg).time_at(n) + 1.0)
        t0 = time.perf_counter()
        result = catch_up(store)
        elapsed = time.perf_counter() - t0
        values = values_written(store, job.id)
    finally:
        store.close()
    if result.points_written != n:
        raise RuntimeError(f"catch-up wrote {result.points_written} of {n} steps")
    return values / elapsed


def _ingest_rate(target: str, steps: int) -> tuple[float, float]:
    """(points/s, CPU share of this process) of the logging API's writer path: the pending
    lists of each flush turned into a batch and written with write_run (the buffer's own
    cost is log()'s, measured in the logging group)."""
    store = open_store(target)
    try:
        job_id = create_run(
            store,
            name="ingest",
            model=None,
            config={"lr": 2e-4},
            total_steps=steps,
            epochs=None,
            process=current_process(),
        )
        flushes = []
        for first in range(1, steps + 1, FLUSH_STEPS):
            step = list(range(first, min(steps, first + FLUSH_STEPS - 1) + 1))
            stamp = [1.77e9 + s * 0.01 for s in step]
            pending = {
                name: (step, [s * 1e-6 + i for s in step], stamp)
                for i, name in enumerate(INGEST_SERIES)
            }
            evals = [s for s in step if s % 500 == 0]
            pending["eval/loss"] = (evals, [1.0 / s for s in evals], [1.77e9] * len(evals))
            flushes.append(pending)
        t0, c0 = time.perf_counter(), time.process_time()
        for pending in flushes:
            write_run(store, job_id, to_batch(pending), heartbeat=None)
        elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
        written = values_written(store, job_id)
    finally:
        store.close()
    want = steps * len(INGEST_SERIES) + steps // 500
    if written != want:
        raise RuntimeError(f"the logging API's writes stored {written} of {want} points")
    return written / elapsed, cpu / elapsed


def _big_job(target: str, points: int) -> int:
    store = open_store(target, clock=FakeClock(datetime.now(UTC)))
    try:
        return dbs.add_job_with_points(store, f"big-{points}", points, points)
    finally:
        store.close()


def _reads(ctx: Context, backend: str, target: str, job_id: int, points: int) -> None:
    mode = ctx.mode
    store = open_store(target)
    try:
        for _ in range(20):  # untimed: the pool's connection, the statement cache
            read_points(store, job_id, after_step=points - 10)
        newest = []
        for _ in range(mode.newest_reads):
            t0 = time.perf_counter()
            got = read_points(store, job_id, after_step=points - 10)
            newest.append((time.perf_counter() - t0) * 1000)
            if len(got) != 10:
                raise RuntimeError(f"read {len(got)} newest points, not 10")
        ctx.add(
            f"read_newest_ms.{backend}",
            f"{backend}: read the newest 10 points",
            "ms",
            newest,
            {"job_points": points},
        )
        opens = []
        for _ in range(max(5, mode.frames)):
            # As the app opens a chart: its first tick reads every series' summary, the next
            # ones the points after it (none here), each in a read transaction.
            t0 = time.perf_counter()
            with store.read() as conn:
                base = read_chart_base(conn, job_id)
            with store.read() as conn:
                news = read_chart_news(conn, job_id, base.held)
            opens.append((time.perf_counter() - t0) * 1000)
            if base.last_step != points or news:
                raise RuntimeError("the chart base does not cover the job")
        ctx.add(
            f"chart_open_read_ms.1M.{backend}",
            f"{backend}: what opening a 1M-point chart reads (every series' summary, then "
            "the points after it)",
            "ms",
            opens,
            {"points": points},
        )
    finally:
        store.close()


def bench_backends(ctx: Context) -> None:
    mode = ctx.mode
    targets = _Targets(ctx)
    try:
        n = mode.catchup_points
        for backend in BACKENDS:
            ctx.log(f"{backend}: catch-up of {n:,} steps, {mode.catchup_runs} runs")
            rates = [
                _catchup_rate(targets.new(backend), n, run) for run in range(mode.catchup_runs)
            ]
            ctx.add(
                f"catchup_points_per_s.{backend}",
                f"{backend}: catch-up, points (a series' value at a step) written per second",
                "points/s",
                rates,
                {"steps": n, "points_per_step": "3, and 1 more an epoch"},
            )
        steps = max(FLUSH_STEPS, n // 5)  # 200,000 steps (1M points) in the full mode
        for backend in BACKENDS:
            ctx.log(f"{backend}: the logging API's writes, {steps:,} steps, 6 series")
            runs = [_ingest_rate(targets.new(backend), steps) for _ in range(2)]
            ctx.add(
                f"ingest_points_per_s.{backend}",
                f"{backend}: logging API writes (flushes of {FLUSH_STEPS:,} steps), points/s",
                "points/s",
                [rate for rate, _ in runs],
                {"steps": steps, "series": len(INGEST_SERIES) + 1, "flushes": steps // FLUSH_STEPS},
            )
            ctx.add(
                f"ingest_cpu_share.{backend}",
                f"{backend}: of that time, this process's CPU (the rest: the server, or waiting)",
                "x",
                [share for _, share in runs],
            )
        big = {}
        for backend in BACKENDS:
            target = targets.new(backend)
            if backend == "sqlite":  # the same job the other groups open: a copy, not built again
                big[backend] = (target, ctx.copy_of_big_job(target))
            else:
                ctx.log(f"{backend}: building a job with {mode.big_points:,} points")
                big[backend] = (target, _big_job(target, mode.big_points))
                targets.settle()
            _reads(ctx, backend, target, big[backend][1], mode.big_points)
        _launches(ctx, big)
    finally:
        targets.close()


def _launches(ctx: Context, big: dict[str, tuple[str, int]]) -> None:
    """Launch to the 1M-point chart, in pairs: one launch on each backend, one after the
    other, the order alternating, so that both meet the same load; the ratio of each pair."""
    mode = ctx.mode
    pairs = mode.backend_chart_pairs
    ctx.log(f"launch to the 1M-point chart: {pairs} pairs of launches, one of each backend")
    if mode.warm_up:
        for target, job_id in big.values():
            _watch(target, job_id, 0.0)
    times: dict[str, list[float]] = {backend: [] for backend in BACKENDS}
    for i in range(pairs):
        for backend in BACKENDS if i % 2 == 0 else BACKENDS[::-1]:
            times[backend].append(_watch(*big[backend], 0.0)[0])
    for backend in BACKENDS:
        ctx.add(
            f"time_to_chart_s.1M.{backend}",
            f"{backend}: launch to the detail chart of a 1M-point job",
            "s",
            times[backend],
            {"points": mode.big_points},
        )
    ctx.add(
        "time_to_chart_ratio.1M.postgres_over_sqlite",
        "launch to the 1M-point chart: PostgreSQL's time over SQLite's, each pair",
        "x",
        [pg / lite for pg, lite in zip(times["postgres"], times["sqlite"], strict=True)],
        {"points": mode.big_points, "pairs": pairs},
    )


BENCHMARKS = (bench_backends,)

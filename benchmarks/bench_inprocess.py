"""In-process benchmarks with the app's own code: one chart frame, and the work of one tick on
each thread (catch-up and point reads are in bench_store.py)."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from pathlib import Path

from textual.screen import Screen

from benchmarks import dbs
from benchmarks.context import Context
from vapor_tui.core.clock import FakeClock
from vapor_tui.core.config import JobConfig
from vapor_tui.core.simulator import Simulator
from vapor_tui.live.tick import TickResult, run_tick
from vapor_tui.store.engine import open_store
from vapor_tui.store.jobs import create_job
from vapor_tui.store.points import sim_batch
from vapor_tui.ui.app import VaporApp
from vapor_tui.ui.messages import TickDone
from vapor_tui.ui.screens.detail import JobDetailScreen
from vapor_tui.ui.screens.jobs import JobsScreen
from vapor_tui.ui.widgets.chart import MetricChart

SIZE = (120, 40)
START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
CHART_SIZES = (("1k", 1_000), ("10k", 10_000), ("100k", 100_000), ("1M", 1_000_000))
TICK_JOBS = (1, 20, 100)
PAINT_WAIT_S = 0.05


async def _settle(app: VaporApp, pilot, rounds: int = 3) -> None:
    """Let workers finish and their messages land (a tick may ask for another)."""
    for _ in range(rounds):
        await app.wait_for_work()
        await pilot.pause()


# --- 3. one chart frame -------------------------------------------------------------------


def _chart_db(db: Path, sizes: list[tuple[str, int]], frames: int) -> dict[str, int]:
    """A job per size, holding every point but the last `frames`. Returns label -> job id."""
    store = open_store(db, clock=FakeClock(START))
    try:
        return {
            label: dbs.add_job_with_points(store, f"chart-{label}", total, total - frames)
            for label, total in sizes
        }
    finally:
        store.close()


async def _chart_frames(
    db: Path, sizes: list[tuple[str, int]], jobs: dict[str, int], frames: int
) -> dict[str, list[float]]:
    """Each job opened on the real detail screen at 120x40, as the app opens it (its first
    ticks load the chart from the store); then each of its last `frames` points is appended
    as a later tick would append it (MetricChart.add_points: the series update and the
    redraw) and timed."""
    store = open_store(db, clock=FakeClock(START))
    results: dict[str, list[float]] = {}
    try:
        app = VaporApp(store=store, clock=store.clock, timer=False)
        async with app.run_test(size=SIZE) as pilot:
            await _settle(app, pilot)
            for label, total in sizes:
                app.open_detail(jobs[label])
                await _settle(app, pilot)
                screen = app.screen
                assert isinstance(screen, JobDetailScreen), screen
                chart = screen.query_one(MetricChart)
                if not (chart.display and chart.size.width > 0 and chart._lines):
                    raise RuntimeError(f"the chart of the {label} job is not showing")
                builds = _count_builds(chart)
                sim = Simulator(dbs.points_job_config(f"chart-{label}", total))
                # One step's points as a tick hands them over: the simulator's four series.
                singles = [
                    sim_batch(sim.points(k, k)) for k in range(total - frames + 1, total + 1)
                ]
                samples = []
                for points in singles:
                    built = builds[0]
                    t0 = time.perf_counter()
                    added = chart.add_points(points)
                    elapsed = time.perf_counter() - t0
                    if added < 1 or builds[0] != built + 1:
                        raise RuntimeError("appending a point did not build a chart frame")
                    samples.append(elapsed * 1000)
                    await pilot.pause()  # let the compositor paint it, untimed
                results[label] = samples
                app.pop_screen()
                await _settle(app, pilot)
    finally:
        store.close()
    return results


def _count_builds(chart: MetricChart) -> list[int]:
    """How many frames plotext builds for this chart from now on (a one-item list), counted
    from outside the widget by wrapping its plot's build."""
    count = [0]
    build = chart.plt.build

    def counted() -> str:
        count[0] += 1
        return build()

    chart.plt.build = counted  # type: ignore[method-assign]
    return count


def bench_chart_frame(ctx: Context) -> None:
    mode = ctx.mode
    sizes = list(CHART_SIZES)
    db = ctx.path("chart.db")
    ctx.log(f"chart frame: a job of each of {', '.join(s for s, _ in sizes)} points")
    jobs = _chart_db(db, sizes, mode.frames)
    runs = [
        asyncio.run(_chart_frames(db, sizes, jobs, mode.frames)) for _ in range(mode.chart_runs)
    ]
    for label, total in sizes:
        ctx.add(
            f"chart_frame_ms.{label}",
            f"chart frame (append 1 point + redraw), {label} points",
            "ms",
            [ms for results in runs for ms in results[label]],
            {"points": total, "size": "120x40 detail screen", "frames_per_run": mode.frames},
        )


# --- 4. the UI-thread work of one tick ----------------------------------------------------


class _PaintTimer:
    """Adds up the time Textual spends in Screen._on_timer_update, the screen's repaint (the
    compositor rendering every dirty widget), while installed. The method is wrapped on the
    class before the app starts, because each screen's update timer binds it when created."""

    def __init__(self) -> None:
        self.total = 0.0
        self._original = Screen._on_timer_update

    def __enter__(self) -> _PaintTimer:
        original, timer = self._original, self

        def timed(screen: Screen) -> None:
            t0 = time.perf_counter()
            try:
                original(screen)
            finally:
                timer.total += time.perf_counter() - t0

        Screen._on_timer_update = timed
        return self

    def __exit__(self, *exc: object) -> None:
        Screen._on_timer_update = self._original


async def _ticks(
    db: Path, running: int, ticks: int
) -> tuple[list[float], list[float], list[float]]:
    """`running` jobs at a step a second on the jobs screen at 120x40. Each tick: the clock
    moves 1 s, run_tick does the database work (as the worker thread would; its CPU time is the
    third list), then VaporApp.on_tick_done is timed on the UI thread. The second list adds the
    repaint that Textual does for the tick's changes on its next frame (headless, so the
    compositor renders the changed lines but no escape sequences are encoded)."""
    clock = FakeClock(START)
    store = open_store(db, clock=clock)
    handler, with_paint, worker = [], [], []
    try:
        for i in range(running):
            cfg = JobConfig(
                f"tick-{i:03d}", epochs=3, steps_per_epoch=100_000, step_seconds=1.0, seed=i
            )
            create_job(store, cfg, start=True)
        clock.advance(30)
        app = VaporApp(store=store, clock=clock, timer=False)
        with _PaintTimer() as paint:
            async with app.run_test(size=SIZE) as pilot:
                await _settle(app, pilot)
                await pilot.pause(0.1)
                assert isinstance(app.screen, JobsScreen), app.screen
                for i in range(ticks + 3):
                    clock.advance(1.0)
                    cpu0 = time.thread_time()
                    result = run_tick(store, app.live.request())
                    worker_s = time.thread_time() - cpu0
                    if not isinstance(result, TickResult):
                        raise RuntimeError(f"the tick failed: {result.error}")
                    message = TickDone(result)
                    before = app.snapshot
                    paint.total = 0.0
                    t0 = time.perf_counter()
                    app.on_tick_done(message)
                    elapsed = time.perf_counter() - t0
                    await pilot.pause(PAINT_WAIT_S)  # Textual repaints within 1/60 s
                    if app.snapshot is before or app.snapshot.now != result.now:
                        raise RuntimeError("the tick was not applied")
                    if paint.total <= 0:
                        raise RuntimeError("the tick caused no repaint")
                    if i >= 3:  # the first ticks after mount warm caches
                        handler.append(elapsed * 1000)
                        with_paint.append((elapsed + paint.total) * 1000)
                        worker.append(worker_s * 1000)
    finally:
        store.close()
    return handler, with_paint, worker


def bench_tick(ctx: Context) -> None:
    for running in TICK_JOBS:
        ctx.log(f"tick: {running} running jobs, {ctx.mode.ticks} ticks")
        handler, with_paint, worker = asyncio.run(
            _ticks(ctx.path(f"tick-{running}.db"), running, ctx.mode.ticks)
        )
        params = {"running_jobs": running, "screen": "jobs", "size": "120x40"}
        ctx.add(
            f"tick_ms.{running}",
            f"tick on the UI thread (on_tick_done), {running} running",
            "ms",
            handler,
            params,
        )
        ctx.add(
            f"tick_repaint_ms.{running}",
            f"tick + the compositor update it causes, {running} running",
            "ms",
            with_paint,
            params,
            note="on_tick_done plus Screen._on_timer_update (the compositor) that follows it; "
            "headless, so no escape sequences are encoded",
        )
        ctx.add(
            f"tick_worker_ms.{running}",
            f"tick on the worker thread (run_tick: catch-up and reads), {running} running",
            "ms",
            worker,
            params,
            note="CPU time of the thread (time.thread_time), a step a second each, 1 s a tick",
        )


BENCHMARKS = (bench_chart_frame, bench_tick)

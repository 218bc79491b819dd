"""The compare screen in a real pseudo-terminal (120x40), as a user opens it from the jobs
screen: jobs marked with space, then `v` (issue 12).

- Constant cost: from `v` to every curve drawn, with its legend's best value, for 8 jobs of
  1M points each beside 1 of them (the same database, runs alternating): the screen reads
  each job's summary, never its points.
- Live growth: bytes per second written while watching 4 live jobs beside watching 1 (a
  step a second each), over whole legend refreshes (every 2 s).
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks import dbs
from benchmarks.bench_terminal import READY_TIMEOUT_S, bottom_line_drawn, rows_visible
from benchmarks.context import Context
from benchmarks.term import Terminal, vapor_command
from vapor_tui.core.clock import FakeClock
from vapor_tui.store.engine import open_store
from vapor_tui.store.jobs import create_job

OPEN_JOBS = 8
LIVE_JOBS = 4


def compare_db(path: Path, jobs: int, points: int) -> list[str]:
    """`jobs` complete jobs of `points` points each, alike but for their names (the first one
    built, the others copies of it); their names, newest first."""
    store = open_store(path, clock=FakeClock(datetime.now(UTC)))
    names = [f"cmp-{points // 1000}k-{i}" for i in range(1, jobs + 1)]
    try:
        first = dbs.add_job_with_points(store, names[0], points, points)
        for name in names[1:]:
            dbs.copy_job(store, first, name)
    finally:
        store.close()
    return names[::-1]


def live_jobs_db(path: Path, jobs: int) -> list[str]:
    """`jobs` running jobs at a step a second, started a minute ago; names, newest first."""
    now = datetime.now(UTC)
    store = open_store(path, clock=FakeClock(now - timedelta(seconds=60)))
    names = [f"live-{i}" for i in range(1, jobs + 1)]
    try:
        for i, name in enumerate(names, 1):
            cfg = dbs._config(name, i, steps_per_epoch=5_000, step_seconds=1.0)
            create_job(store, cfg, start=True)
    finally:
        store.close()
    return names[::-1]


def legend_ready(count: int) -> Callable[[list[str]], bool]:
    """The compare screen shows `count` legend lines with their values read (the curves are
    drawn in the same frame)."""

    def ready(lines: list[str]) -> bool:
        shown = [line for line in lines if " #" in line and ("best" in line or "loss" in line)]
        return len([line for line in shown if "…" not in line]) >= count

    return ready


def _open(term: Terminal, names: list[str], count: int) -> float:
    """Mark the first `count` rows (none for one: `v` takes the selected job), press `v`;
    seconds from `v` to the compare screen ready."""
    term.wait_for(lambda lines: rows_visible(names)(lines) and bottom_line_drawn(lines), 60)
    if count > 1:
        term.child.send(" j" * count)
        term.wait_for(lambda lines: f"{count} marked" in lines[0], 30)
    term.discard_available()
    pressed = time.perf_counter()
    at = term.press_until("v", 3600.0, legend_ready(count), READY_TIMEOUT_S)  # pressed once
    return term.started + at - pressed


def bench_compare(ctx: Context) -> None:
    mode = ctx.mode
    points = mode.big_points
    db = ctx.path("compare-8.db")
    ctx.log(f"building {OPEN_JOBS} jobs of {points:,} points")
    names = compare_db(db, OPEN_JOBS, points)
    label = f"{points // 1_000_000}M" if points % 1_000_000 == 0 else str(points)
    runs = max(2, mode.chart_runs_1m)
    opens: dict[int, list[float]] = {1: [], OPEN_JOBS: []}
    ratios = []
    for i in range(runs + 1):
        order = (1, OPEN_JOBS) if i % 2 == 0 else (OPEN_JOBS, 1)
        pair = {}
        for count in order:
            with Terminal(vapor_command(), ["--db", str(db)]) as term:
                pair[count] = _open(term, names, count)
        if i == 0:
            continue  # untimed: the page cache warm for both
        for count, seconds in pair.items():
            opens[count].append(seconds)
        ratios.append(pair[OPEN_JOBS] / pair[1])
    params = {"points_per_job": points, "size": "120x40"}
    for count, samples in opens.items():
        ctx.add(
            f"compare_open_s.{count}x{label}",
            f"v to the compare screen drawn: {count} job(s) of {label} points",
            "s",
            samples,
            {**params, "jobs": count},
        )
    ctx.add(
        "compare_open_ratio.8_over_1",
        f"compare screen open, {OPEN_JOBS} jobs over 1 (pairs in the same run)",
        "x",
        ratios,
        params,
        note="each sample is one 8-job open over the 1-job open next to it",
    )
    _bench_live_bytes(ctx)


def live_window(window_s: float) -> float:
    """The counting window: whole legend refreshes (every LEGEND_SECONDS), at least four, so
    that one refresh more or less in a window does not make the figure."""
    from vapor_tui.ui.screens.compare import LEGEND_SECONDS

    return LEGEND_SECONDS * max(4, math.ceil(window_s / LEGEND_SECONDS))


def _bench_live_bytes(ctx: Context) -> None:
    mode = ctx.mode
    window = live_window(mode.window_s)
    rates: dict[int, list[float]] = {1: [], LIVE_JOBS: []}
    for i in range(mode.steady_runs):
        for count in (1, LIVE_JOBS) if i % 2 == 0 else (LIVE_JOBS, 1):
            db = ctx.path(f"compare-live-{i}-{count}.db")
            names = live_jobs_db(db, LIVE_JOBS)
            with Terminal(vapor_command(), ["--db", str(db), "--refresh", "1"]) as term:
                _open(term, names, count)
                term.count_bytes(mode.settle_s)
                rates[count].append(term.count_bytes(window) / window)
                if not term.child.isalive():
                    raise RuntimeError("vapor-tui exited during the window")
    params = {"window_s": window, "settle_s": mode.settle_s, "size": "120x40"}
    for count, samples in rates.items():
        ctx.add(
            f"bytes_per_s.compare_{count}_live",
            f"steady state: the compare screen on {count} live job(s), a step a second each",
            "B/s",
            samples,
            {**params, "jobs": count},
        )
    ctx.add(
        "compare_bytes_ratio.4_over_1",
        f"bytes per second, compare on {LIVE_JOBS} live jobs over 1 (medians)",
        "x",
        [statistics.median(rates[LIVE_JOBS]) / statistics.median(rates[1])],
        params,
    )

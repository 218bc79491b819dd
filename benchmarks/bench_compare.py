"""The compare screen in a real pseudo-terminal (120x40), as a user opens it from the jobs
screen: jobs marked with space, then `v` (issue 12).

- Constant cost: from `v` to every curve drawn, with its legend's best value, for 8 jobs of
  1M points each beside 1 of them (the same database, runs alternating): the screen reads
  each job's summary, never its points.
- Live growth: bytes per second written while watching 4 live jobs beside watching 1, over
  whole legend refreshes (every 2 s), in two cases: long jobs at a step a second (a curve
  seldom reaches a new column), and the ordinary case, jobs of the `new` command's defaults
  (300 steps, half a second a step: every curve takes a new column every second or two).
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
from vapor_tui.store.tables import jobs_table

OPEN_JOBS = 8
LIVE_JOBS = 4


def compare_db(ctx: Context, path: Path, jobs: int) -> list[str]:
    """`jobs` complete jobs of the run's big job's points each, alike but for their names (the
    first the big job, copied, the others copies of it); their names, newest first."""
    points = ctx.mode.big_points
    first = ctx.copy_of_big_job(path)
    names = [f"cmp-{points // 1000}k-{i}" for i in range(1, jobs + 1)]
    with dbs.scratch_writes(path) as conn:
        conn.execute(jobs_table.update().where(jobs_table.c.id == first).values(name=names[0]))
        for name in names[1:]:
            dbs.copy_job(conn, first, name)
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


def default_jobs_db(path: Path, jobs: int, started_s_ago: float = 0.0) -> list[str]:
    """`jobs` running jobs of a sweep with the `new` command's defaults (3 epochs of 100 steps,
    0.5 s a step: about 150 s each), started `started_s_ago` seconds ago; names, newest
    first."""
    now = datetime.now(UTC)
    store = open_store(path, clock=FakeClock(now - timedelta(seconds=started_s_ago)))
    names = [f"default-{i}" for i in range(1, jobs + 1)]
    try:
        for i, name in enumerate(names, 1):
            cfg = dbs._config(name, i, step_seconds=0.5)
            if cfg.total_steps != 300:
                raise RuntimeError("the default case is the `new` defaults' 300 steps")
            create_job(store, cfg, start=True)
    finally:
        store.close()
    return names[::-1]


# The default jobs' first DEFAULT_SPAN_S seconds, in equal parts, one a run, each at its
# middle (one run: 50 s in; five: 10, 30, 50, 70 and 90 s in): a 150 s job costs more at its
# start (steep curves, a new best at every legend refresh) than later, and a window is 8 to
# 10 s. Up to 100 s in, the window (after the launch and the marks) ends before the jobs do.
DEFAULT_SPAN_S = 100.0


def default_phase(run: int, runs: int) -> float:
    """How long before its launch run `run` of `runs` starts its default jobs."""
    return DEFAULT_SPAN_S * (run + 0.5) / runs


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
    names = compare_db(ctx, db, OPEN_JOBS)
    label = f"{points // 1_000_000}M" if points % 1_000_000 == 0 else str(points)
    runs = mode.compare_pairs
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
    _live_bytes_long(ctx)
    _live_bytes_default(ctx)


def _live_rates(
    ctx: Context, name: str, build: Callable[[Path, int], list[str]]
) -> dict[int, list[float]]:
    """Bytes per second over the window, the compare screen on 1 job and on 4, one launch of
    each a run (alternating which first), each on a database `build` makes just before it."""
    mode = ctx.mode
    window = live_window(mode.window_s)
    rates: dict[int, list[float]] = {1: [], LIVE_JOBS: []}
    for i in range(mode.steady_runs):
        for count in (1, LIVE_JOBS) if i % 2 == 0 else (LIVE_JOBS, 1):
            db = ctx.path(f"compare-{name}-{i}-{count}.db")
            names = build(db, i)
            with Terminal(vapor_command(), ["--db", str(db), "--refresh", "1"]) as term:
                _open(term, names, count)
                term.count_bytes(mode.settle_s)
                rates[count].append(term.count_bytes(window) / window)
                if not term.child.isalive():
                    raise RuntimeError("vapor-tui exited during the window")
    return rates


def _live_bytes_long(ctx: Context) -> None:
    rates = _live_rates(ctx, "live", lambda db, run: live_jobs_db(db, LIVE_JOBS))
    params = {"window_s": live_window(ctx.mode.window_s), "settle_s": ctx.mode.settle_s}
    params["size"] = "120x40"
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


def _live_bytes_default(ctx: Context) -> None:
    runs = ctx.mode.steady_runs
    phases = [default_phase(i, runs) for i in range(runs)]
    rates = _live_rates(ctx, "default", lambda db, run: default_jobs_db(db, LIVE_JOBS, phases[run]))
    params = {
        "window_s": live_window(ctx.mode.window_s),
        "settle_s": ctx.mode.settle_s,
        "size": "120x40",
        "started_s_before_launch": phases,
    }
    for count, samples in rates.items():
        ctx.add(
            f"bytes_per_s.compare_{count}_default",
            f"the compare screen on {count} job(s) of the `new` defaults (300 steps, 0.5 s "
            "a step) in their first 100 s",
            "B/s",
            samples,
            {**params, "jobs": count},
            note="run i's jobs started phases[i] s before its launch, for 1 job and 4 alike",
        )
    ctx.add(
        "compare_bytes_ratio.default_4_over_1",
        f"bytes per second, compare on {LIVE_JOBS} jobs of the `new` defaults over 1 "
        "(means over the runs' phases)",
        "x",
        [statistics.fmean(rates[LIVE_JOBS]) / statistics.fmean(rates[1])],
        params,
        note="the runs' phases are equal parts of the jobs' first 100 s: the means, all of it",
    )

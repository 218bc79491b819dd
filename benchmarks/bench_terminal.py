"""Benchmarks of the installed `vapor-tui` in a real pseudo-terminal (120x40, xterm-256color):
bytes written in steady state and in the first frame, launch time beside a bare Textual app,
time to the detail chart, and peak memory with a big job open."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from benchmarks import dbs
from benchmarks.context import Context
from benchmarks.term import Terminal, has_braille, vapor_command

BARE_APP = Path(__file__).with_name("bare_table.py")
READY_TIMEOUT_S = 60.0
MB = 1024 * 1024


def rows_visible(names: list[str]) -> Callable[[list[str]], bool]:
    """The screen shows every one of `names` (the table's rows are drawn)."""

    def ready(lines: list[str]) -> bool:
        text = "\n".join(lines)
        return all(name in text for name in names)

    return ready


def chart_visible(lines: list[str]) -> bool:
    """The detail screen's chart has drawn its curve (and the placeholder is gone)."""
    return has_braille(lines) and not any("Loading points" in line for line in lines)


def bottom_line_drawn(lines: list[str]) -> bool:
    """The screen's last line (the footer) has been drawn: Textual writes a frame top to
    bottom, so a view that is complete down to its last line has had its whole frame."""
    return bool(lines[-1].strip())


def _vapor(args: list[str]) -> Terminal:
    return Terminal(vapor_command(), args)


# --- 1. bytes per second in steady state, and the first frame -----------------------------


def _steady(ctx: Context, args: list[str], ready: Callable[[list[str]], bool]) -> tuple[float, int]:
    """One launch: (bytes per second over the window after settling, bytes of the first frame:
    everything written from launch until the view is complete down to its last line)."""
    mode = ctx.mode
    with _vapor(args) as term:
        term.wait_for(lambda lines: ready(lines) and bottom_line_drawn(lines), READY_TIMEOUT_S)
        first = term.total_bytes
        term.count_bytes(mode.settle_s)
        counted = term.count_bytes(mode.window_s)
        if not term.child.isalive():
            raise RuntimeError(f"vapor-tui {' '.join(args)} exited during the window")
    return counted / mode.window_s, first


def _short_job_args(ctx: Context) -> list[str]:
    """A fresh database for each launch, so that every run watches the job at the same point
    of its five minutes."""
    db = ctx.path(f"short-{len(list(ctx.tmp.glob('short-*.db')))}.db")
    job_id = dbs.short_job_db(db)
    return ["--db", str(db), "--refresh", "1", "watch", str(job_id)]


def bench_steady_bytes(ctx: Context) -> None:
    mode = ctx.mode
    live_db = ctx.path("live.db")
    live_id = dbs.live_job_db(live_db, step_seconds=1.0)
    busy_db = ctx.path("jobs-5-running.db")
    busy_names = dbs.jobs_db(busy_db, running=dbs.RUNNING_COUNT)
    idle_db = ctx.path("jobs-idle.db")
    idle_names = dbs.jobs_db(idle_db, running=0)
    scenarios = [
        (
            "watch_live",
            "vapor-tui watch ID, job at 1 step/s",
            ["--db", str(live_db), "--refresh", "1", "watch", str(live_id)],
            chart_visible,
        ),
        (
            "watch_short",
            "vapor-tui watch ID, a 300-step job (`new` defaults) at 1 step/s",
            _short_job_args,
            chart_visible,
        ),
        (
            "jobs_5_running",
            f"jobs screen, {dbs.JOB_COUNT} jobs, {dbs.RUNNING_COUNT} running",
            ["--db", str(busy_db), "--refresh", "1"],
            rows_visible(busy_names),
        ),
        (
            "idle",
            f"jobs screen, {dbs.JOB_COUNT} jobs, none running",
            ["--db", str(idle_db), "--refresh", "1"],
            rows_visible(idle_names),
        ),
    ]
    params = {
        "settle_s": mode.settle_s,
        "window_s": mode.window_s,
        "refresh_s": 1.0,
        "size": "120x40",
        "term": "xterm-256color",
    }
    for key, what, args, ready in scenarios:
        ctx.log(f"steady-state bytes: {what}")
        rates, firsts = [], []
        for _ in range(mode.steady_runs):
            rate, first = _steady(ctx, args(ctx) if callable(args) else args, ready)
            rates.append(rate)
            firsts.append(first)
        ctx.add(f"bytes_per_s.{key}", f"steady state: {what}", "B/s", rates, params)
        ctx.add(
            f"first_frame_bytes.{key}",
            f"first frame: {what}",
            "B",
            firsts,
            {"size": "120x40"},
            note="bytes from launch until the complete view is on the screen, footer included",
        )


# --- 2. launch to the jobs table's rows, beside a bare Textual DataTable app --------------


def _launch_time(command: str, args: list[str], names: list[str]) -> float:
    with Terminal(command, args) as term:
        return term.wait_for(rows_visible(names), READY_TIMEOUT_S)


def bench_launch(ctx: Context) -> None:
    db = ctx.path("launch.db")
    names = dbs.jobs_db(db, running=dbs.RUNNING_COUNT)
    vapor_args = ["--db", str(db)]
    bare_args = [str(BARE_APP), "--rows", str(len(names))]
    bare_names = [dbs.job_name(i) for i in range(1, len(names) + 1)]
    # One untimed launch of each, so both start with the same warm page cache.
    _launch_time(vapor_command(), vapor_args, names)
    _launch_time(sys.executable, bare_args, bare_names)
    vapor, bare, ratios = [], [], []
    ctx.log(f"launch time: {ctx.mode.launch_pairs} pairs")
    for i in range(ctx.mode.launch_pairs):
        # Alternate which goes first, so neither always follows the other.
        if i % 2 == 0:
            v = _launch_time(vapor_command(), vapor_args, names)
            b = _launch_time(sys.executable, bare_args, bare_names)
        else:
            b = _launch_time(sys.executable, bare_args, bare_names)
            v = _launch_time(vapor_command(), vapor_args, names)
        vapor.append(v)
        bare.append(b)
        ratios.append(v / b)
    rows = {"rows": len(names)}
    ctx.add("launch_s.vapor_rows", "launch to jobs table rows visible: vapor-tui", "s", vapor, rows)
    ctx.add(
        "launch_s.bare_datatable",
        "launch to rows visible: bare Textual DataTable app",
        "s",
        bare,
        rows,
    )
    ctx.add(
        "launch_ratio.vapor_over_bare",
        "launch time, vapor-tui / bare app (pairs in the same run)",
        "x",
        ratios,
        rows,
        note="each sample is one vapor-tui launch over the bare launch next to it",
    )


# --- 2. launch to the first key acted on, beside the bare app's first frame ---------------

PRESS_EVERY_S = 0.05


def row_shows(name: str, word: str) -> Callable[[list[str]], bool]:
    def ready(lines: list[str]) -> bool:
        return any(f" {name} " in line and word in line for line in lines)

    return ready


def _first_key(db: Path, name: str) -> float:
    """Launch, then from the first frame (the job's row on the screen) press `s` every 50 ms
    until the row shows the job running: what a user waits for."""
    with _vapor(["--db", str(db)]) as term:
        # The row's first bytes, not the row parsed: pyte's parse of the frame would delay
        # the first press by 40 to 60 ms, charged to the app.
        term.wait_for_bytes(f" {name} ".encode(), READY_TIMEOUT_S)
        return term.press_until("s", PRESS_EVERY_S, row_shows(name, "running"), READY_TIMEOUT_S)


def bench_first_key(ctx: Context) -> None:
    """The launch database (20 jobs, 5 of them running with points due) plus a queued job, the
    newest, so the cursor is on it: each launch gets a fresh copy."""
    base = ctx.path("first-key.db")
    dbs.jobs_db(base, running=dbs.RUNNING_COUNT)
    name = dbs.add_queued_job(base, "first-key")
    bare_args = [str(BARE_APP), "--rows", str(dbs.JOB_COUNT)]
    bare_names = [dbs.job_name(i) for i in range(1, dbs.JOB_COUNT + 1)]

    def fresh(i: int) -> Path:
        copy = ctx.path(f"first-key-{i}.db")
        shutil.copyfile(base, copy)
        return copy

    _first_key(fresh(-1), name)  # untimed: the page cache warm for both
    _launch_time(sys.executable, bare_args, bare_names)
    keys, bare, ratios = [], [], []
    ctx.log(f"first key acted on: {ctx.mode.launch_pairs} pairs")
    for i in range(ctx.mode.launch_pairs):
        if i % 2 == 0:
            k = _first_key(fresh(i), name)
            b = _launch_time(sys.executable, bare_args, bare_names)
        else:
            b = _launch_time(sys.executable, bare_args, bare_names)
            k = _first_key(fresh(i), name)
        keys.append(k)
        bare.append(b)
        ratios.append(k / b)
    params = {"jobs": dbs.JOB_COUNT + 1, "running": dbs.RUNNING_COUNT, "press_every_s": 0.05}
    ctx.add(
        "first_key_s.start",
        "launch to the first key acted on: s pressed every 50 ms until the row shows running",
        "s",
        keys,
        params,
    )
    ctx.add(
        "first_key_ratio.over_bare_frame",
        "first key acted on, vapor-tui / the bare app's first frame (pairs in the same run)",
        "x",
        ratios,
        params,
        note="each sample is one vapor-tui launch over the bare launch next to it",
    )


# --- 2 and 6. launch to the detail chart; peak memory with a big job open -----------------


def _watch(db: Path, job_id: int, hold_s: float) -> tuple[float, int]:
    """(seconds from launch to the chart drawn, peak RSS in bytes after `hold_s` more)."""
    with _vapor(["--db", str(db), "watch", str(job_id)]) as term:
        seconds = term.wait_for(chart_visible, READY_TIMEOUT_S)
        term.count_bytes(hold_s)
        return seconds, term.peak_rss_bytes()


def bench_detail_chart(ctx: Context) -> None:
    mode = ctx.mode
    small_db = ctx.path("points-1k.db")
    small_id = dbs.big_job_db(small_db, 1_000)
    big_db, big_id = ctx.big_job()
    big_label = _count_label(mode.big_points)
    for label, db, job_id, runs in (
        ("1k", small_db, small_id, mode.chart_runs_1k),
        (big_label, big_db, big_id, mode.chart_runs_1m),
    ):
        ctx.log(f"time to the detail chart, {label} points: {runs} runs")
        if mode.warm_up:
            _watch(db, job_id, 0.0)  # untimed: caches warm, as for a second look
        times, peaks = [], []
        for _ in range(runs):
            seconds, peak = _watch(db, job_id, mode.memory_hold_s)
            times.append(seconds)
            peaks.append(peak / MB)
        points = 1_000 if label == "1k" else mode.big_points
        ctx.add(
            f"time_to_chart_s.{label}",
            f"launch to detail chart: {label} points",
            "s",
            times,
            {"points": points},
        )
        ctx.add(
            f"peak_rss_mb.watch_{label}",
            f"peak memory (VmHWM), watch with {label} points",
            "MB",
            peaks,
            {"points": points, "hold_s": mode.memory_hold_s},
        )


def _count_label(n: int) -> str:
    if n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n % 1_000 == 0:
        return f"{n // 1_000}k"
    return str(n)


BENCHMARKS = (bench_steady_bytes, bench_launch, bench_first_key, bench_detail_chart)

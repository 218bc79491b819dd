"""CPU of the whole `vapor-tui` process left open on the jobs screen (issue 14), both threads:
the main (UI) thread and the rest (the tick's worker), over a window of wall-clock time, with
htop beside it in the same window when htop is installed.

Both run in their own 120x40 pseudo-terminal at the same time, refreshing once a second
(`vapor-tui --refresh 1`, `htop -d 10`; htop's own default is 1.5 s), and both are read
continuously so that neither blocks on a full terminal.
"""

from __future__ import annotations

import shutil
import time

from benchmarks import cpu, dbs
from benchmarks.bench_terminal import READY_TIMEOUT_S, bottom_line_drawn, rows_visible
from benchmarks.context import Context
from benchmarks.term import Terminal, vapor_command

JOBS = 100
RUNNING = (20, 100)
REFRESH_S = 1.0


def _drain(terminals: list[Terminal], seconds: float) -> list[int]:
    """Read whatever any of `terminals` writes for `seconds`, without parsing it. Returns the
    bytes each wrote."""
    end = time.perf_counter() + seconds
    counts = [0] * len(terminals)
    while (left := end - time.perf_counter()) > 0:
        for i, term in enumerate(terminals):
            counts[i] += term.discard_available(min(0.02, max(0.0, left)))
    return counts


def _htop() -> Terminal | None:
    path = shutil.which("htop")
    if path is None:
        return None
    return Terminal(path, ["-d", str(round(REFRESH_S * 10))])


def _window(ctx: Context, db, names: list[str], with_peer: bool):
    """One launch: (vapor-tui's CpuUse, htop's CpuUse or None, the bytes per second each
    wrote) over the same window."""
    mode = ctx.mode
    newest = list(reversed(names))[:20]  # newest first: the rows at the top of the table
    peer = _htop() if with_peer else None
    try:
        with Terminal(vapor_command(), ["--db", str(db), "--refresh", str(REFRESH_S)]) as term:
            term.wait_for(
                lambda lines: rows_visible(newest)(lines) and bottom_line_drawn(lines),
                READY_TIMEOUT_S,
            )
            both = [term] + ([peer] if peer else [])
            _drain(both, mode.cpu_settle_s)
            first = cpu.sample(term.pid)
            first_peer = cpu.sample(peer.pid) if peer else None
            t0 = time.perf_counter()
            sent = _drain(both, mode.cpu_window_s)
            wall = time.perf_counter() - t0
            last = cpu.sample(term.pid)
            last_peer = cpu.sample(peer.pid) if peer else None
            if not term.child.isalive():
                raise RuntimeError("vapor-tui exited during the CPU window")
            if peer and not peer.child.isalive():
                raise RuntimeError("htop exited during the CPU window")
    finally:
        if peer is not None:
            peer.close()
    use = cpu.between(first, last, wall)
    peer_use = cpu.between(first_peer, last_peer, wall) if peer else None
    rates = [count / wall for count in sent]
    return use, peer_use, rates


def bench_cpu(ctx: Context) -> None:
    mode = ctx.mode
    htop = shutil.which("htop")
    ctx.peers["htop"] = (
        {"present": True, "path": htop, "args": ["-d", str(round(REFRESH_S * 10))]}
        if htop
        else {"present": False, "why": "htop is not installed (PATH has no htop)"}
    )
    if not htop:
        ctx.log("CPU: htop is not installed: the peer is reported as absent")
    for running in RUNNING:
        db = ctx.path(f"cpu-{running}.db")
        names = dbs.jobs_db(db, running=running, total=JOBS, caught_up=True)
        key = f"jobs_{running}_running"
        with_peer = htop is not None and running == RUNNING[0]
        ctx.log(f"CPU: jobs screen, {JOBS} jobs, {running} running, {mode.cpu_window_s:g} s")
        uses, peer_uses, rates = [], [], []
        for _ in range(mode.cpu_runs):
            use, peer_use, sent = _window(ctx, db, names, with_peer)
            uses.append(use)
            rates.append(sent)
            if peer_use is not None:
                peer_uses.append(peer_use)
        params = {
            "jobs": JOBS,
            "running": running,
            "window_s": mode.cpu_window_s,
            "refresh_s": REFRESH_S,
            "size": "120x40",
            "clock_ticks_per_s": cpu.CLOCK_TICKS,
        }
        what = f"jobs screen, {JOBS} jobs, {running} running"
        ctx.add(
            f"cpu_pct.{key}",
            f"CPU, whole process: {what}",
            "% core",
            [u.percent(u.process_s) for u in uses],
            params,
        )
        ctx.add(
            f"cpu_main_pct.{key}",
            f"CPU, main (UI) thread: {what}",
            "% core",
            [u.percent(u.main_s) for u in uses],
            params,
        )
        ctx.add(
            f"cpu_rest_pct.{key}",
            f"CPU, every other thread (the tick's worker): {what}",
            "% core",
            [u.percent(u.rest_s) for u in uses],
            params,
            note="the whole process less the main thread, ended threads included",
        )
        ticks = mode.cpu_window_s / REFRESH_S
        ctx.add(
            f"worker_ms_per_tick.{key}",
            f"CPU of the other threads per tick: {what}",
            "ms",
            [1000 * u.rest_s / ticks for u in uses],
            params,
            note="the other threads' CPU over the window, over the ticks it holds (window / "
            "refresh)",
        )
        if peer_uses:
            peer_params = {**params, "peer": "htop -d 10 (a refresh a second)"}
            ctx.add(
                "cpu_pct.htop",
                "CPU, htop beside it in the same window",
                "% core",
                [u.percent(u.process_s) for u in peer_uses],
                peer_params,
            )
            ctx.add(
                "bytes_per_s.htop",
                "bytes htop wrote to its terminal in the same window",
                "B/s",
                [sent[1] for sent in rates],
                peer_params,
            )
            ctx.add(
                f"bytes_per_s.{key}",
                f"bytes vapor-tui wrote in the same window: {what}",
                "B/s",
                [sent[0] for sent in rates],
                peer_params,
            )
            ctx.add(
                "cpu_ratio.vapor_over_htop",
                f"CPU, vapor-tui ({what}) over htop, same window",
                "x",
                [
                    u.process_s / max(p.process_s, 1 / cpu.CLOCK_TICKS)
                    for u, p in zip(uses, peer_uses, strict=True)
                ],
                peer_params,
                note="htop's CPU is taken as at least one clock tick, so the ratio is finite",
            )


BENCHMARKS = (bench_cpu,)

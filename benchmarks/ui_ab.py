"""The UI thread's CPU for the jobs screen's ticks, old code against new (issue 14).

The CPU benchmark's database (benchmarks.dbs.jobs_db: 100 jobs, `--running` of them at a step
a second, brought up to now) shown by the app in a real 120x40 pseudo-terminal, so that the
cells a tick changes are written out as they are in use (Textual's writer thread included;
headless, the display writes nothing). An injected clock moves 1 s a tick, and the app is
asked for `--ticks` ticks one after another, each after the last one's result was shown and
a frame could follow. Measured: the main thread's CPU over those ticks (`time.thread_time` on
that thread), per tick; the tick's worker runs on a thread of its own and is not counted.

    python -m benchmarks.ui_ab --old /path/to/other/tree    # A/B, processes interleaved
    python -m benchmarks.ui_ab --profile out.prof           # this tree once, under cProfile

Each run starts from a copy of one database. CPU seconds, not wall-clock: robust to a shared
machine, not to its cache and frequency effects, hence the interleaving and the medians.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

if __package__:
    from benchmarks import ab
else:  # run as a script, a child whose tree may be another: the file beside this one
    import ab  # type: ignore[no-redef]

GAP_S = 0.05  # between ticks: a frame's time (Textual's is 1/60 s) for what the tick refreshed


def _child(db: Path, start: float, ticks: int, warm: int, out: Path, profile: str | None) -> None:
    """One run, in the pseudo-terminal: the main thread's CPU milliseconds a tick, as JSON."""
    from vapor_tui.core.clock import FakeClock
    from vapor_tui.store.engine import open_store
    from vapor_tui.ui.app import VaporApp

    clock = FakeClock(datetime.fromtimestamp(start, UTC))
    store = open_store(db, clock=clock)
    app = VaporApp(store=store, clock=clock, timer=False)
    got: dict[str, object] = {"module": sys.modules["vapor_tui"].__file__}

    async def drive() -> None:
        try:
            await measure()
        except BaseException as error:  # written out: the terminal's text is not read
            got["error"] = repr(error)
            raise
        finally:
            app.exit()

    async def measure() -> None:
        await asyncio.sleep(0.5)  # the first frames, and the first tick's result
        await app.wait_for_work()
        profiler = None
        cpu0 = 0.0
        for i in range(warm + ticks):
            if i == warm:
                if profile:
                    import cProfile

                    profiler = cProfile.Profile(time.thread_time)  # CPU, this thread
                    profiler.enable()
                cpu0 = time.thread_time()
            clock.advance(1.0)
            app.request_tick()
            await asyncio.sleep(0)
            await app.wait_for_work()
            await asyncio.sleep(GAP_S)
        cpu = time.thread_time() - cpu0
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(profile)
        got["ms_per_tick"] = 1000 * cpu / ticks

    tasks = []  # a task, not a worker: wait_for_work waits on the app's workers
    app.call_later(lambda: tasks.append(asyncio.create_task(drive())))
    app.run()
    out.write_text(json.dumps(got))


def _run(tree: Path, template: Path, start: float, args) -> tuple[float, str]:
    from benchmarks.term import Terminal, child_env

    with tempfile.TemporaryDirectory(prefix="ui-ab-") as tmp:
        db, out = Path(tmp) / "vapor.db", Path(tmp) / "out.json"
        shutil.copyfile(template, db)
        env = child_env({"PYTHONPATH": str(tree)})
        # This file run as a script: the other tree need not have it.
        command = [str(Path(__file__).resolve()), "--child", str(db), "--out", str(out)]
        command += ["--start", repr(start), "--ticks", str(args.ticks), "--warm", str(args.warm)]
        if args.profile:
            command += ["--profile", args.profile]
        with Terminal(sys.executable, command, env=env) as term:
            deadline = time.monotonic() + 60 + args.ticks
            while term.child.isalive() and time.monotonic() < deadline:
                term.discard_available(0.05)
        if not out.exists():
            raise SystemExit(f"the run in {tree} wrote no result")
        got = json.loads(out.read_text())
    if "error" in got:
        raise SystemExit(f"the run in {tree} failed: {got['error']}")
    return got["ms_per_tick"], got["module"]


def main() -> None:
    from benchmarks.tick_ab import _build as build

    parser = ab.options(__doc__.splitlines()[0], ticks=100)
    parser.add_argument("--reps", type=int, default=6)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.start, args.ticks, args.warm, args.out, args.profile)
        return
    trees = ab.trees(Path(__file__).resolve().parents[1], args.old)
    with tempfile.TemporaryDirectory(prefix="ui-ab-db-") as tmp:
        template, start = build(Path(tmp), args.running)  # the tick A/B's database
        load = os.getloadavg()[0]

        def one(name: str, tree: Path, rep: int) -> float:
            ms, module = _run(tree, template, start, args)
            print(f"{name} rep {rep}: {ms:.3f} ms a tick ({module})", flush=True)
            return ms

        runs = ab.interleaved(trees, 1 if args.profile else args.reps, one)
    ab.report(args, load, runs)


if __name__ == "__main__":
    main()

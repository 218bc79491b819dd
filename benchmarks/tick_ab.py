"""The tick worker's CPU in one process, old code against new (issue 14).

A store of 100 jobs, `--running` of them running at a step a second (benchmarks.dbs.jobs_db,
the CPU benchmark's database, brought up to now), and an injected clock moved 1 s a tick:
`run_tick` as the app's tick thread runs it, with the request the jobs screen makes
(live.session.Live), its CPU by `time.thread_time`. Each run starts from a copy of one
database, so every tree writes the same steps.

    python -m benchmarks.tick_ab --old /path/to/other/tree    # A/B, processes interleaved
    python -m benchmarks.tick_ab --profile out.prof           # this tree once, under cProfile

A/B runs each tree in a process of its own (PYTHONPATH=tree), alternating, and prints every
run's median CPU a tick, the median of those per tree and of each rep's difference (its
two runs were side by side). CPU seconds, not wall-clock: robust
to a shared machine, not to its cache and frequency effects, hence the interleaving.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path


def _child(db: Path, start: float, ticks: int, warm: int, profile: str | None) -> None:
    """One run: print the CPU milliseconds of each measured tick, as JSON."""
    from vapor_tui.core.clock import FakeClock
    from vapor_tui.live.session import Live
    from vapor_tui.live.tick import TickResult, run_tick
    from vapor_tui.store.engine import open_store

    clock = FakeClock(datetime.fromtimestamp(start, UTC))
    store = open_store(db, clock=clock)
    live = Live()
    samples = []
    profiler = None
    try:
        for i in range(warm + ticks):
            if i == warm and profile:
                import cProfile

                profiler = cProfile.Profile()
                profiler.enable()
            clock.advance(1.0)
            cpu0 = time.thread_time()
            result = run_tick(store, live.request())
            cpu = time.thread_time() - cpu0
            if not isinstance(result, TickResult):
                raise SystemExit(f"the tick failed: {result}")
            live.accept_tick(result, set())
            if i >= warm:
                samples.append(cpu * 1000)
    finally:
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(profile)  # type: ignore[arg-type]
        store.close()
    print(json.dumps({"ms": samples, "module": sys.modules["vapor_tui"].__file__}))


def _build(where: Path, running: int) -> tuple[Path, float]:
    from benchmarks import dbs

    db = where / "template.db"
    dbs.jobs_db(db, running=running, total=100, caught_up=True)
    return db, time.time()


def _run(tree: Path, template: Path, start: float, args) -> tuple[list[float], str]:
    with tempfile.TemporaryDirectory(prefix="tick-ab-") as tmp:
        db = Path(tmp) / "vapor.db"
        shutil.copyfile(template, db)
        env = {**os.environ, "PYTHONPATH": str(tree)}
        # This file run as a script: the other tree need not have it.
        command = [sys.executable, str(Path(__file__).resolve()), "--child", str(db)]
        command += ["--start", repr(start), "--ticks", str(args.ticks), "--warm", str(args.warm)]
        if args.profile:
            command += ["--profile", args.profile]
        out = subprocess.run(command, env=env, cwd=tree, check=True, capture_output=True)
    got = json.loads(out.stdout)
    return got["ms"], got["module"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", type=Path, help="another tree to run against this one")
    parser.add_argument("--running", type=int, default=20)
    parser.add_argument("--ticks", type=int, default=60)
    parser.add_argument("--warm", type=int, default=5)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--profile", help="cProfile this tree's ticks into this file")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--start", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.start, args.ticks, args.warm, args.profile)
        return
    here = Path(__file__).resolve().parents[1]
    trees = {"new": here} if args.old is None else {"old": args.old.resolve(), "new": here}
    with tempfile.TemporaryDirectory(prefix="tick-ab-db-") as tmp:
        template, start = _build(Path(tmp), args.running)
        load = os.getloadavg()[0]
        medians: dict[str, list[float]] = {name: [] for name in trees}
        for rep in range(1 if args.profile else args.reps):
            for name, tree in trees.items() if rep % 2 == 0 else reversed(trees.items()):
                ms, module = _run(tree, template, start, args)
                medians[name].append(statistics.median(ms))
                print(
                    f"{name} rep {rep}: median {medians[name][-1]:.2f} ms a tick, "
                    f"mean {statistics.fmean(ms):.2f} ({module})",
                    flush=True,
                )
    print(
        f"{args.running} running, {args.ticks} ticks a run, load {load:.1f} -> "
        f"{os.getloadavg()[0]:.1f}"
    )
    for name, values in medians.items():
        print(
            f"{name}: {' '.join(f'{v:.2f}' for v in values)}  median "
            f"{statistics.median(values):.2f} ms a tick"
        )
    if len(medians) == 2:  # each rep's old and new ran side by side: their difference
        diffs = [n - o for o, n in zip(medians["old"], medians["new"], strict=True)]
        change = statistics.median(diffs)
        print(
            f"new - old by rep: {' '.join(f'{d:+.2f}' for d in diffs)}  median {change:+.2f} "
            f"ms a tick ({change / statistics.median(medians['old']):+.0%})"
        )


if __name__ == "__main__":
    main()

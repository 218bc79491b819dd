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

if __package__:
    from benchmarks import ab
else:  # run as a script, a child whose tree may be another: the file beside this one
    import ab  # type: ignore[no-redef]


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

    parser = ab.options(__doc__.splitlines()[0], ticks=60)
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.start, args.ticks, args.warm, args.profile)
        return
    trees = ab.trees(Path(__file__).resolve().parents[1], args.old)
    with tempfile.TemporaryDirectory(prefix="tick-ab-db-") as tmp:
        template, start = _build(Path(tmp), args.running)
        load = os.getloadavg()[0]

        def one(name: str, tree: Path, rep: int) -> float:
            ms, module = _run(tree, template, start, args)
            print(
                f"{name} rep {rep}: median {statistics.median(ms):.2f} ms a tick, "
                f"mean {statistics.fmean(ms):.2f} ({module})",
                flush=True,
            )
            return statistics.median(ms)

        medians = ab.interleaved(trees, 1 if args.profile else args.reps, one)
    ab.report(args, load, medians)


if __name__ == "__main__":
    main()

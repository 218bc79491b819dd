"""What the in-process A/B harnesses share (tick_ab, ui_ab): their options, the trees they
run, and the runs of each interleaved, old and new alternating."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path


def options(description: str, ticks: int) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--old", type=Path, help="another tree to run against this one")
    parser.add_argument("--running", type=int, default=20)
    parser.add_argument("--ticks", type=int, default=ticks)
    parser.add_argument("--warm", type=int, default=5)
    parser.add_argument("--profile", help="cProfile this tree's ticks into this file")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--start", type=float, help=argparse.SUPPRESS)
    return parser


def trees(here: Path, old: Path | None) -> dict[str, Path]:
    """This tree as "new", and the other one as "old" when there is one."""
    return {"new": here} if old is None else {"old": old.resolve(), "new": here}


def interleaved(
    named: dict[str, Path], reps: int, run: Callable[[str, Path, int], float]
) -> dict[str, list[float]]:
    """`run(name, tree, rep)` for each tree `reps` times, alternating which goes first; what
    each returned, by tree."""
    got: dict[str, list[float]] = {name: [] for name in named}
    for rep in range(reps):
        for name, tree in named.items() if rep % 2 == 0 else reversed(named.items()):
            got[name].append(run(name, tree, rep))
    return got


def report(args: argparse.Namespace, load: float, runs: dict[str, list[float]]) -> None:
    """The load before and after, and each tree's runs and their median."""
    import os
    import statistics

    print(
        f"{args.running} running, {args.ticks} ticks a run, load {load:.1f} -> "
        f"{os.getloadavg()[0]:.1f}"
    )
    for name, values in runs.items():
        print(
            f"{name}: {' '.join(f'{v:.3f}' for v in values)}  median "
            f"{statistics.median(values):.3f} ms a tick"
        )
    if len(runs) == 2:  # each rep's old and new ran side by side: their difference
        diffs = [n - o for o, n in zip(runs["old"], runs["new"], strict=True)]
        change = statistics.median(diffs)
        print(
            f"new - old by rep: {' '.join(f'{d:+.3f}' for d in diffs)}  median {change:+.3f} "
            f"ms a tick ({change / statistics.median(runs['old']):+.0%})"
        )

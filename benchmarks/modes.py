"""How much each benchmark does: the full run, and the quick one CI runs."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace


@dataclass(frozen=True)
class Mode:
    name: str
    # Terminal: bytes written in steady state.
    steady_runs: int  # launches per scenario
    settle_s: float  # after the first frame, before counting
    window_s: float  # counting window
    # Terminal: launch to rows visible, vapor-tui and the bare app alternating.
    launch_pairs: int
    # Terminal: launch to the detail chart (and peak memory).
    chart_runs_1k: int
    chart_runs_1m: int
    # The backends group: launches to the 1M-point chart, one of each backend a pair.
    backend_chart_pairs: int
    # The compare group: timed pairs of opens, 8 jobs and 1 (after one untimed pair).
    compare_pairs: int
    memory_hold_s: float  # how long the 1M-point job stays open before VmHWM is read
    warm_up: bool  # an untimed launch before the timed ones (the page cache is warm anyway)
    # Terminal: CPU of the whole process on the jobs screen, htop beside it.
    cpu_runs: int
    cpu_settle_s: float  # after the rows show, before the window (the first catch-up ends)
    cpu_window_s: float
    # Terminal: the detail chart with the page cache emptied.
    cold_runs: int
    # In-process.
    frames: int  # chart frames timed per size (per run)
    chart_runs: int  # app runs of the chart-frame benchmark
    ticks: int  # ticks timed per running-job count
    catchup_points: int
    catchup_runs: int
    newest_reads: int
    numpy_reads: int
    big_points: int  # the big job's size: the 1M of every "1M" figure

    def as_json(self) -> dict:
        return asdict(self)


FULL = Mode(
    name="full",
    steady_runs=5,
    settle_s=2.0,
    window_s=10.0,
    launch_pairs=10,
    chart_runs_1k=5,
    chart_runs_1m=3,
    backend_chart_pairs=9,
    compare_pairs=3,
    memory_hold_s=2.0,
    warm_up=True,
    cpu_runs=3,
    cpu_settle_s=5.0,
    cpu_window_s=30.0,
    cold_runs=3,
    frames=25,
    chart_runs=3,
    ticks=50,
    catchup_points=1_000_000,
    catchup_runs=3,
    newest_reads=2_000,
    numpy_reads=5,
    big_points=1_000_000,
)

QUICK = Mode(
    name="quick",
    steady_runs=1,
    settle_s=1.0,
    window_s=3.0,
    launch_pairs=3,
    chart_runs_1k=1,
    chart_runs_1m=1,
    backend_chart_pairs=5,
    compare_pairs=2,
    memory_hold_s=1.0,
    warm_up=False,
    cpu_runs=1,
    cpu_settle_s=3.0,
    cpu_window_s=10.0,
    cold_runs=1,
    frames=10,
    chart_runs=1,
    ticks=10,
    catchup_points=200_000,
    catchup_runs=2,
    newest_reads=200,
    numpy_reads=2,
    big_points=1_000_000,
)

# The test suite's run (tests/bench/test_bench_quick.py): the quick run with every figure
# measured once. Its windows stay the quick run's: a shorter one could count nothing on a
# loaded machine. Its figures show that each benchmark still works, not how fast anything is.
SMOKE = replace(
    QUICK,
    name="smoke",
    launch_pairs=1,
    backend_chart_pairs=1,
    compare_pairs=1,
    frames=3,
    ticks=3,
    catchup_runs=1,
    newest_reads=50,
    numpy_reads=1,
)

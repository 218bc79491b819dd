"""CPU time of a running process from /proc: the whole process, and its main thread apart.

/proc/PID/stat counts every thread the process ever had, those that have ended included (an
action's Textual worker runs on a pool thread that may end), so "the rest" is the whole less
the main thread (/proc/PID/task/PID/stat), not a sum over the threads alive at the end.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _ticks(stat_path: str) -> int:
    """utime + stime of a /proc stat file, in clock ticks."""
    with open(stat_path, encoding="ascii") as fh:
        text = fh.read()
    # The command name is in parentheses and may hold spaces: split after its last ")".
    fields = text[text.rindex(")") + 2 :].split()
    return int(fields[11]) + int(fields[12])


@dataclass(frozen=True)
class CpuSample:
    process_ticks: int
    main_ticks: int


def sample(pid: int) -> CpuSample:
    return CpuSample(_ticks(f"/proc/{pid}/stat"), _ticks(f"/proc/{pid}/task/{pid}/stat"))


@dataclass(frozen=True)
class CpuUse:
    """CPU seconds over a wall-clock window, and what share of one core that is."""

    wall_s: float
    process_s: float
    main_s: float

    @property
    def rest_s(self) -> float:
        return self.process_s - self.main_s

    def percent(self, seconds: float) -> float:
        return 100.0 * seconds / self.wall_s


def between(first: CpuSample, last: CpuSample, wall_s: float) -> CpuUse:
    return CpuUse(
        wall_s,
        (last.process_ticks - first.process_ticks) / CLOCK_TICKS,
        (last.main_ticks - first.main_ticks) / CLOCK_TICKS,
    )

"""What every benchmark gets: the mode, a temporary directory, and where figures go."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks import dbs
from benchmarks.floors import FLOORS
from benchmarks.modes import Mode
from benchmarks.stats import Figure


@dataclass
class Context:
    mode: Mode
    tmp: Path
    figures: list[Figure] = field(default_factory=list)
    verbose: bool = True
    # Programs measured beside vapor-tui in the same run: name -> present or why absent.
    peers: dict[str, dict[str, Any]] = field(default_factory=dict)
    _big: tuple[Path, int] | None = None
    _started: float = field(default_factory=time.perf_counter)

    def log(self, text: str) -> None:
        if self.verbose:
            elapsed = time.perf_counter() - self._started
            print(f"[{elapsed:6.1f}s] {text}", file=sys.stderr, flush=True)

    def path(self, name: str) -> Path:
        return self.tmp / name

    def add(
        self,
        figure_id: str,
        label: str,
        unit: str,
        samples: list[float],
        params: dict[str, Any] | None = None,
        note: str = "",
    ) -> Figure:
        figure = Figure(
            figure_id, label, unit, list(samples), FLOORS.get(figure_id), params or {}, note
        )
        self.figures.append(figure)
        self.log(f"{figure_id}: median {figure.median:.4g} {unit} over {len(samples)} runs")
        return figure

    def big_job(self) -> tuple[Path, int]:
        """The database with the big complete job (mode.big_points points), built once and
        shared by the detail-chart, memory and read benchmarks, which only read it."""
        if self._big is None:
            path = self.path("big.db")
            self.log(f"building a job with {self.mode.big_points:,} points")
            job_id = dbs.big_job_db(path, self.mode.big_points)
            self._big = (path, job_id)
        return self._big

    def copy_of_big_job(self, target: Path | str) -> int:
        """The big job (big_job, built once) in a database file of its own at `target`,
        copied through SQLite's backup: seconds less than building it again, and a new file,
        unchecked (store/check_memo.py) as a freshly built one is. Its job id."""
        import contextlib
        import sqlite3

        source, job_id = self.big_job()
        with (
            contextlib.closing(sqlite3.connect(source)) as src,
            contextlib.closing(sqlite3.connect(target)) as dst,
        ):
            src.backup(dst)
        return job_id

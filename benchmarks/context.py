"""What every benchmark gets: the mode, a temporary directory, and where figures go."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import sqlite3
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
    # Where the big job, once built, is kept for other runs to copy (--big-job-cache), or None.
    big_job_cache: Path | None = None
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
        shared by the detail-chart, memory and read benchmarks, which only read it. With a
        cache, a copy of the one build there (copy_of_big_job)."""
        if self._big is None:
            path = self.path("big.db")
            if self.big_job_cache is None:
                self.log(f"building a job with {self.mode.big_points:,} points")
                job_id = dbs.big_job_db(path, self.mode.big_points)
            else:
                job_id = self.copy_of_big_job(path)
            self._big = (path, job_id)
        return self._big

    def copy_of_big_job(self, target: Path | str) -> int:
        """The big job (big_job, built once) in a database file of its own at `target`,
        copied through SQLite's backup: seconds less than building it again, and a new file,
        unchecked (store/check_memo.py) as a freshly built one is. Its job id."""
        source, job_id = self._cached_big_job() if self.big_job_cache else self.big_job()
        with (
            contextlib.closing(sqlite3.connect(source)) as src,
            contextlib.closing(sqlite3.connect(target)) as dst,
        ):
            src.backup(dst)
        return job_id

    def _cached_big_job(self) -> tuple[Path, int]:
        """The big job's one build in the cache directory, shared by runs at once (the test
        suite's smoke runs on two workers): the first to need it builds it under a lock, the
        others wait for it. Named by the points and a digest of the code that builds it."""
        from benchmarks.runner import source_digest

        cache = self.big_job_cache
        assert cache is not None
        cache.mkdir(parents=True, exist_ok=True)
        points = self.mode.big_points
        digest = source_digest() + "-" + hashlib.sha256(Path(dbs.__file__).read_bytes()).hexdigest()
        built = cache / f"big-{points}-{digest[:33]}.db"
        with open(cache / "build.lock", "w", encoding="ascii") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when closed
            if not built.exists():
                self.log(f"building a job with {points:,} points into {cache}")
                partial = built.with_name(built.name + ".partial")
                partial.unlink(missing_ok=True)
                dbs.big_job_db(partial, points)
                if any(partial.with_name(partial.name + s).exists() for s in ("-wal", "-shm")):
                    raise RuntimeError("the big job's build left its database open")
                partial.rename(built)
        with contextlib.closing(sqlite3.connect(f"{built.as_uri()}?mode=ro", uri=True)) as conn:
            (job_id,) = conn.execute("SELECT id FROM jobs").fetchone()
        return built, int(job_id)

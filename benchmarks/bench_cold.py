"""`vapor-tui watch ID` on a complete job with nothing of it in the page cache (issue 14): the
time to the chart, and what the process read from storage (/proc/PID/io read_bytes), for the
1M-point job beside the 1k-point one.

Two cases. "cold": the file unchanged since vapor-tui last checked it (opened again the next
day). "cold_changed": the first open after the file changed (here a fresh copy): SQLite's full
check reads the whole file once before anything may be written to it.

How the cache is emptied, in this order of preference, is recorded with the figures:
"drop_caches" (root: every cached page, the Python libraries' too, so the launch is cold as
after a reboot); else the database alone, "fadvise" (posix_fadvise DONTNEED on the unchanged
file) and "o_direct_copy" (a fresh copy written by `dd iflag=direct oflag=direct`, which
never enters the cache).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from benchmarks import dbs
from benchmarks.bench_terminal import READY_TIMEOUT_S, _count_label, chart_visible
from benchmarks.context import Context
from benchmarks.term import Terminal, vapor_command

MB = 1e6
DROP_CACHES = Path("/proc/sys/vm/drop_caches")


def _can_drop_caches() -> bool:
    return os.geteuid() == 0 and os.access(DROP_CACHES, os.W_OK)


def _drop_caches() -> None:
    os.sync()
    DROP_CACHES.write_text("3\n", encoding="ascii")


def _evict(path: Path) -> None:
    """The file's pages out of the page cache (clean pages only: synced first)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def _direct_copy(source: Path, target: Path) -> None:
    target.unlink(missing_ok=True)
    subprocess.run(
        ["dd", f"if={source}", f"of={target}", "bs=1M", "iflag=direct", "oflag=direct"],
        check=True,
        capture_output=True,
    )


def _read_bytes(pid: int) -> int:
    with open(f"/proc/{pid}/io", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("read_bytes:"):
                return int(line.split()[1])
    raise RuntimeError(f"no read_bytes in /proc/{pid}/io")


def _watch(db: Path, job_id: int) -> tuple[float, float]:
    """(seconds from launch to the chart, MB the process read from storage by then)."""
    with Terminal(vapor_command(), ["--db", str(db), "watch", str(job_id)]) as term:
        seconds = term.wait_for(chart_visible, READY_TIMEOUT_S)
        return seconds, _read_bytes(term.pid) / MB


def _cold(db: Path, job_id: int, method: str) -> tuple[float, float]:
    _watch(db, job_id)  # untimed: checked (if it changed) and known sound from now on
    if method == "drop_caches":
        _drop_caches()
    else:
        _evict(db)
    return _watch(db, job_id)


def _cold_changed(db: Path, job_id: int, method: str, scratch: Path) -> tuple[float, float]:
    if method == "drop_caches":
        shutil.copyfile(db, scratch)
        _drop_caches()
    else:
        _direct_copy(db, scratch)
    return _watch(scratch, job_id)


def bench_cold_chart(ctx: Context) -> None:
    mode = ctx.mode
    root = _can_drop_caches()
    small_db = ctx.path("cold-1k.db")
    small_id = dbs.big_job_db(small_db, 1_000)
    big_db, big_id = ctx.big_job()
    big_label = _count_label(mode.big_points)
    for label, db, job_id in (("1k", small_db, small_id), (big_label, big_db, big_id)):
        for case in ("cold", "cold_changed"):
            method = "drop_caches" if root else ("fadvise" if case == "cold" else "o_direct_copy")
            ctx.log(f"{case} open of the {label}-point chart ({method}): {mode.cold_runs} runs")
            times, reads = [], []
            for run in range(mode.cold_runs):
                if case == "cold":
                    seconds, read = _cold(db, job_id, method)
                else:
                    scratch = ctx.path(f"cold-copy-{label}-{run}.db")
                    seconds, read = _cold_changed(db, job_id, method, scratch)
                    scratch.unlink()
                times.append(seconds)
                reads.append(read)
            params = {"points": 1_000 if label == "1k" else mode.big_points, "method": method}
            if method != "drop_caches":
                params["note"] = "not root: only the database left the cache, not the libraries"
            what = "unchanged since checked" if case == "cold" else "first open after a change"
            ctx.add(
                f"time_to_chart_s.{label}_{case}",
                f"launch to detail chart, page cache emptied, {what}: {label} points",
                "s",
                times,
                params,
            )
            ctx.add(
                f"read_mb.watch_{label}_{case}",
                f"read from storage until the chart shows, {what}: {label} points",
                "MB",
                reads,
                params,
                note="/proc/PID/io read_bytes of the vapor-tui process",
            )


BENCHMARKS = (bench_cold_chart,)

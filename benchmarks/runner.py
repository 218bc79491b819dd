"""Run the benchmarks, print the table, write the JSON.

    python -m benchmarks            # full: several runs of everything (a few minutes)
    python -m benchmarks --quick    # every measurement, fewer runs, shorter windows (~1 min)
    python -m benchmarks --smoke    # the quick run, every figure once (the test suite's)
    python -m benchmarks --json PATH
    python -m benchmarks --smoke --only chart,cold --big-job-cache DIR   # runs sharing a build

Every database lives in a fresh temporary directory, and XDG_DATA_HOME (with the other XDG
directories) points inside it for this process and every app it starts, so the user's real
data directory is never read or written.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import traceback
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from benchmarks import (
    bench_backends,
    bench_cold,
    bench_compare,
    bench_cpu,
    bench_inprocess,
    bench_logging,
    bench_store,
    bench_terminal,
)
from benchmarks.context import Context
from benchmarks.modes import FULL, QUICK, SMOKE
from benchmarks.report import markdown_table, text_table

DEFAULT_JSON = Path("bench-results") / "latest.json"
SCHEMA = 1
GROUPS = {
    "steady": bench_terminal.bench_steady_bytes,
    "launch": bench_terminal.bench_launch,
    "firstkey": bench_terminal.bench_first_key,
    "chart": bench_terminal.bench_detail_chart,
    "cold": bench_cold.bench_cold_chart,
    "cpu": bench_cpu.bench_cpu,
    "frame": bench_inprocess.bench_chart_frame,
    "tick": bench_inprocess.bench_tick,
    "catchup": bench_store.bench_catchup,
    "reads": bench_store.bench_reads,
    "backends": bench_backends.bench_backends,
    "compare": bench_compare.bench_compare,
    "logging": bench_logging.bench_logging,
}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Benchmark vapor-tui: terminal bytes, launch time, chart frames, ticks, "
        "catch-up, reads and memory. Prints a table and writes JSON.",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="fewer runs, shorter windows, smaller catch-up",
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="the quick run with every figure measured once (what the test suite runs)",
    )
    parser.add_argument(
        "--json",
        type=Path,
        default=DEFAULT_JSON,
        metavar="PATH",
        help=f"where to write the results (default: {DEFAULT_JSON})",
    )
    parser.add_argument(
        "--only",
        default="",
        metavar="GROUPS",
        help=f"comma-separated subset, for development: {', '.join(GROUPS)}",
    )
    parser.add_argument(
        "--markdown",
        action="store_true",
        help="also print the table in Markdown (for docs/PERFORMANCE.md)",
    )
    parser.add_argument(
        "--big-job-cache",
        type=Path,
        metavar="DIR",
        help="build the 1M-point job once into DIR and copy it from there: runs at once (the "
        "test suite's smoke runs) share one build",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("-q", "--silent", action="store_true", help="no progress on stderr")
    return parser.parse_args(argv)


def isolate(tmp: Path) -> None:
    """Point every XDG directory into `tmp` and forget $VAPOR_TUI_DB, for this process and
    every process it starts."""
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        path = tmp / "xdg" / var.lower()
        path.mkdir(parents=True, exist_ok=True)
        os.environ[var] = str(path)
    os.environ.pop("VAPOR_TUI_DB", None)


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_total_mb() -> float | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def _git_commit() -> str | None:
    root = Path(__file__).resolve().parent.parent
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return head.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")


def source_digest() -> str:
    """A digest of the app's source as it is on disk (committed or not), to tell whether the
    code measured changed while the benchmarks ran."""
    import vapor_tui

    root = Path(vapor_tui.__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.suffix in (".py", ".tcss") and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def machine() -> dict:
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return {
        "nproc": usable,
        "cpu_count": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "memory_mb": _memory_total_mb(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "textual": _version("textual"),
        "textual_plotext": _version("textual-plotext"),
        "plotext": _version("plotext"),
        "numpy": _version("numpy"),
        "sqlalchemy": _version("sqlalchemy"),
        "sqlite": sqlite3.sqlite_version,
        "vapor_tui": _version("vapor-tui"),
        "commit": _git_commit(),
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    mode = SMOKE if args.smoke else QUICK if args.quick else FULL
    chosen = [g.strip() for g in args.only.split(",") if g.strip()] or list(GROUPS)
    unknown = [g for g in chosen if g not in GROUPS]
    if unknown:
        print(
            f"unknown group(s): {', '.join(unknown)}; known: {', '.join(GROUPS)}", file=sys.stderr
        )
        return 2
    started_at = datetime.now(UTC)
    load_before = os.getloadavg()
    source_before, commit_before = source_digest(), _git_commit()
    t0 = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="vapor-bench-"))
    isolate(tmp)
    ctx = Context(mode, tmp, verbose=not args.silent, big_job_cache=args.big_job_cache)
    ctx.log(f"{mode.name} run in {tmp}")
    errors = []
    try:
        for name in chosen:
            try:
                GROUPS[name](ctx)
            except Exception as exc:
                errors.append(
                    {"group": name, "error": repr(exc), "traceback": traceback.format_exc()}
                )
                ctx.log(f"{name} FAILED: {exc!r}")
    finally:
        if args.keep:
            ctx.log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    wall = time.perf_counter() - t0
    command = "python -m benchmarks" + (
        " --smoke" if args.smoke else " --quick" if args.quick else ""
    )
    result = {
        "schema": SCHEMA,
        "command": command,
        "mode": mode.name,
        "mode_settings": mode.as_json(),
        "started_at": started_at.isoformat(timespec="seconds"),
        "wall_time_s": wall,
        "machine": machine(),
        "source": {
            "commit_at_start": commit_before,
            "digest_at_start": source_before,
            "digest_at_end": source_digest(),
        },
        # Other work on the machine skews every figure: 1-minute load before and after.
        "load_average_1m": {"start": load_before[0], "end": os.getloadavg()[0]},
        "terminal": {"cols": 120, "rows": 40, "term": "xterm-256color"},
        "peers": ctx.peers,
        "figures": {f.id: f.as_json() for f in ctx.figures},
        "floors_missed": [f.id for f in ctx.figures if f.passed is False],
        "errors": errors,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    m = result["machine"]
    print(
        f"vapor-tui benchmarks ({mode.name}) on {m['nproc']} CPUs, {m['cpu_model']}, "
        f"Python {m['python']}, textual {m['textual']}: {wall:.0f} s, "
        f"1-minute load {load_before[0]:.2f} at the start"
    )
    for name, peer in ctx.peers.items():
        if not peer.get("present"):
            print(f"peer {name}: absent ({peer.get('why', 'not found')})")
    print(text_table(ctx.figures))
    if args.markdown:
        print()
        print(markdown_table(ctx.figures))
    if result["source"]["digest_at_start"] != result["source"]["digest_at_end"]:
        print(
            "WARNING: vapor_tui's source changed during the run; figures mix two versions",
            file=sys.stderr,
        )
    missed = result["floors_missed"]
    print(f"\nfloors missed: {', '.join(missed) if missed else 'none'}")
    for error in errors:
        print(f"\nERROR in {error['group']}:\n{error['traceback']}", file=sys.stderr)
    print(f"results: {args.json}")
    return 1 if errors else 0

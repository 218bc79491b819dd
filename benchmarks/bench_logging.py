"""The logging API (issue 10): what `import vapor_tui` and `init()` cost a script in a fresh
process; what 100,000 log() calls of 3 metrics cost the calling thread, beside trackio.log and
wandb.log (offline) in the same run when they are installed; how soon logged points are in the
database; how soon an open app shows them."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import threading
import time
from importlib import util

from benchmarks.context import Context

CALLS = 100_000
IMPORT_INIT = """
import time
t0 = time.perf_counter()
import vapor_tui
run = vapor_tui.init(name="bench-import", db={db!r})
t1 = time.perf_counter()
run.finish()
import sys
heavy = sorted({{m.split('.')[0] for m in sys.modules}} & {{'textual', 'plotext', 'rich'}})
print(t1 - t0, ",".join(heavy) or "-")
"""
LOG_LOOP = """
import sys, time, os
which, db, calls = sys.argv[1], sys.argv[2], int(sys.argv[3])
if which == "vapor_tui":
    import vapor_tui
    run = vapor_tui.init(name="bench-log", db=db)
    log = run.log
elif which == "trackio":
    os.environ["TRACKIO_DIR"] = os.path.dirname(db)
    import trackio
    trackio.init(project="bench", name="bench-log")
    log = trackio.log
else:
    os.environ.update(WANDB_MODE="offline", WANDB_DIR=os.path.dirname(db), WANDB_SILENT="true")
    import wandb
    run = wandb.init(project="bench", name="bench-log")
    log = run.log
t0 = time.perf_counter()
for i in range(calls):
    log({"loss": 1.0 / (i + 1), "accuracy": i / calls, "learning_rate": 2e-4})
t1 = time.perf_counter()
print(t1 - t0, flush=True)
if which == "vapor_tui":
    run.finish()
elif which == "trackio":
    trackio.finish()
else:
    run.finish()
"""


def _env(ctx: Context) -> dict[str, str]:
    return {**os.environ, "PYTHONUNBUFFERED": "1"}


def bench_logging(ctx: Context) -> None:
    runs = max(1, ctx.mode.catchup_runs)
    _import_and_init(ctx, runs)
    _log_calls(ctx, runs)
    _log_to_database(ctx)


def _import_and_init(ctx: Context, runs: int) -> None:
    db = ctx.path("import-init.db")
    subprocess.run(  # the database exists, as it does for a user's second script
        [sys.executable, "-c", IMPORT_INIT.format(db=str(db))], check=True, capture_output=True
    )
    samples, heavy = [], "-"
    for _ in range(runs + 2):
        out = subprocess.run(
            [sys.executable, "-c", IMPORT_INIT.format(db=str(db))],
            check=True,
            capture_output=True,
            text=True,
            env=_env(ctx),
        ).stdout.split()
        samples.append(float(out[0]))
        heavy = out[1]
    if heavy != "-":
        raise RuntimeError(f"import vapor_tui + init() loaded {heavy}")
    ctx.add(
        "import_init_s",
        "import vapor_tui + init() in a fresh process (existing database)",
        "s",
        samples,
    )


def _log_calls(ctx: Context, runs: int) -> None:
    for which in ("vapor_tui", "trackio", "wandb"):
        if which != "vapor_tui" and util.find_spec(which) is None:
            ctx.peers[which] = {"present": False, "why": "not installed"}
            ctx.log(f"log() cost: {which} absent (not installed)")
            continue
        samples = []
        for run in range(runs):
            db = ctx.path(f"log-{which}-{run}") / "vapor.db"
            db.parent.mkdir(parents=True, exist_ok=True)
            proc = subprocess.run(
                [sys.executable, "-c", LOG_LOOP, which, str(db), str(CALLS)],
                capture_output=True,
                text=True,
                env=_env(ctx),
                timeout=900,
            )
            if proc.returncode != 0:
                why = (proc.stderr.strip().splitlines() or ["failed"])[-1]
                if which == "vapor_tui":
                    raise RuntimeError(f"the log() benchmark failed: {why}")
                ctx.peers[which] = {"present": False, "why": why}
                break
            samples.append(float(proc.stdout.split()[0]))
        if not samples:
            continue
        if which != "vapor_tui":
            version = _version(which)
            ctx.peers[which] = {"present": True, "version": version}
        suffix = "" if which == "vapor_tui" else f".{which}"
        ctx.add(
            f"log_calls_s.100k{suffix}",
            f"100,000 {which}.log() calls of 3 metrics: the calling thread's time",
            "s",
            samples,
            {"calls": CALLS, "metrics": 3},
        )


def _version(name: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "?"


def _log_to_database(ctx: Context) -> None:
    """A script logs a step every 10 ms; a reader polls the database every 10 ms: how long
    after log() each step is in the database."""
    import vapor_tui
    from vapor_tui.store.engine import open_store
    from vapor_tui.store.series import read_series

    db = ctx.path("latency.db")
    run = vapor_tui.init(name="bench-latency", db=str(db))
    reader = open_store(db)
    logged: dict[int, float] = {}
    seen: dict[int, float] = {}
    stop = threading.Event()

    def poll() -> None:
        last = 0
        while not stop.is_set():
            with reader.read() as conn:
                steps = read_series(conn, run.id, "loss", last).step.tolist()
            now = time.perf_counter()
            for step in steps:
                seen.setdefault(step, now)
                last = max(last, step)
            time.sleep(0.01)

    thread = threading.Thread(target=poll, daemon=True)
    thread.start()
    steps = 600 if ctx.mode.name == "full" else 300
    for step in range(1, steps + 1):
        logged[step] = time.perf_counter()
        run.log({"loss": 1.0 / step})
        time.sleep(0.01)
    time.sleep(1.0)
    stop.set()
    thread.join()
    run.finish()
    reader.close()
    delays = [seen[s] - logged[s] for s in logged if s in seen]
    if len(delays) < steps:
        raise RuntimeError(f"only {len(delays)} of {steps} steps reached the database")
    ctx.add(
        "log_to_db_s.max",
        "log() to the point in the database, the longest of a run",
        "s",
        [max(delays)],
        {"steps": steps},
        note=f"median {statistics.median(delays):.3f} s",
    )

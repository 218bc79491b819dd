"""The logging API (issue 10): what `import vapor_tui` and `init()` cost a script in a fresh
process; what 100,000 log() calls of 3 metrics cost the calling thread, beside trackio.log and
wandb.log (offline) in the same run when they are installed; how soon logged points are in the
database; how soon an open app shows them."""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import threading
import time
from importlib import util

import vapor_tui
from benchmarks.context import Context

CALLS = 100_000
# What a run must not load: the app's (Textual, plotext, Rich) and what only the app and the
# old schema's upgrade need (SQLModel and pydantic, numpy): SQLAlchemy Core is the database.
NOT_FOR_A_RUN = ("textual", "plotext", "rich", "sqlmodel", "pydantic", "numpy")
IMPORT_INIT = """
import time
t0, c0 = time.perf_counter(), time.process_time()
import vapor_tui
ti = time.perf_counter()
run = vapor_tui.init(name="bench-import", db={db!r})
t1, c1 = time.perf_counter(), time.process_time()
run.finish()
import sys
heavy = sorted({{m.split('.')[0] for m in sys.modules}} & {{{heavy}}})
print(t1 - t0, c1 - c0, ",".join(heavy) or "-", t1 - ti)
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
print("LOOP_S", t1 - t0, flush=True)
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
    _log_to_app(ctx)
    _stop_seen(ctx)
    _compare(ctx)


def _compare(ctx: Context) -> None:
    """The issue's floor on log(): faster than each peer measured in the same run."""
    ours = next((f for f in ctx.figures if f.id == "log_calls_s.100k"), None)
    peers = [f for f in ctx.figures if f.id.startswith("log_calls_s.100k.")]
    if ours is None or not peers:
        return
    fastest = min(peers, key=lambda f: f.median)
    ctx.add(
        "log_calls_ratio.over_fastest_peer",
        f"vapor_tui.log() time over the fastest peer's ({fastest.id.rsplit('.', 1)[1]})",
        "x",
        [ours.median / fastest.median],
    )


def _import_and_init(ctx: Context, runs: int) -> None:
    db = ctx.path("import-init.db")
    script = IMPORT_INIT.format(db=str(db), heavy=", ".join(map(repr, NOT_FOR_A_RUN)))
    subprocess.run(  # the database exists, as it does for a user's second script
        [sys.executable, "-c", script], check=True, capture_output=True
    )
    samples, cpu, heavy, init_only, whole, bare = [], [], "-", [], [], []
    for _ in range(runs + 2):
        started = time.perf_counter()  # the floor under any run: SQLAlchemy's own import
        subprocess.run([sys.executable, "-c", "import sqlalchemy"], check=True, env=_env(ctx))
        bare.append(time.perf_counter() - started)
        started = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", script],
            check=True,
            capture_output=True,
            text=True,
            env=_env(ctx),
        ).stdout.split()
        whole.append(time.perf_counter() - started)
        samples.append(float(out[0]))
        cpu.append(float(out[1]))
        heavy = out[2]
        init_only.append(float(out[3]))
    if heavy != "-":
        raise RuntimeError(f"import vapor_tui + init() loaded {heavy}")
    ctx.add(
        "import_init_s",
        "import vapor_tui + init() in a fresh process (existing database): wall time",
        "s",
        samples,
    )
    ctx.add(
        "init_s.in_process",
        "vapor_tui.init() alone, after the import, in a fresh process: wall time",
        "s",
        init_only,
    )
    ctx.add(
        "init_s.process",
        "a whole script of import vapor_tui, init() and finish(): from its start to its exit",
        "s",
        whole,
    )
    ctx.add(
        "init_s.process_over_sqlalchemy",
        "init_s.process over a bare `python -c 'import sqlalchemy'` in the same loop (holds "
        "up under load)",
        "x",
        [statistics.median(whole) / statistics.median(bare)],
    )
    ctx.add(
        "import_init_cpu_s",
        "import vapor_tui + init() in a fresh process: its CPU time (less sensitive to load)",
        "s",
        cpu,
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
            loop = [ln for ln in proc.stdout.splitlines() if ln.startswith("LOOP_S ")]
            samples.append(float(loop[-1].split()[1]))
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


def _log_to_app(ctx: Context) -> None:
    """A run logs a step every 0.2 s; the app watches it (`watch ID`, default refresh): how
    long after log() its detail screen says that step."""
    from benchmarks.term import Terminal, vapor_command

    db = ctx.path("app-latency.db")
    run = vapor_tui.init(name="bench-app", total_steps=10_000, db=str(db))
    run.log({"loss": 1.0})
    logged: dict[int, float] = {1: time.perf_counter()}
    pattern = re.compile(r"step ([0-9,]+)/")
    seen: dict[int, float] = {}
    steps = 40 if ctx.mode.name == "full" else 20
    with Terminal(vapor_command(), ["watch", str(run.id), "--db", str(db)]) as term:
        term.wait_for(lambda lines: any("bench-app" in line for line in lines), 60)
        next_log = time.perf_counter()
        step = 1
        end = time.perf_counter() + steps * 0.2 + 5
        while time.perf_counter() < end and (len(seen) < steps or step < steps):
            now = time.perf_counter()
            if step < steps and now >= next_log:
                step += 1
                logged[step] = time.perf_counter()
                run.log({"loss": 1.0 / step})
                next_log += 0.2
            got, stamp = term._read_available(0.01)
            if got:
                for line in term.lines():
                    match = pattern.search(line)
                    if match:
                        shown = int(match.group(1).replace(",", ""))
                        for s in range(1, shown + 1):
                            seen.setdefault(s, stamp)
    run.finish()
    delays = [seen[s] - logged[s] for s in logged if s in seen and s > 1]
    if len(delays) < steps - 2:
        raise RuntimeError(f"the app showed {len(delays)} of {steps - 1} steps")
    ctx.add(
        "log_to_app_s.max",
        "log() to the step on an open app's detail screen (refresh 1 s), the longest",
        "s",
        [max(delays)],
        {"steps": len(delays), "refresh_s": 1.0},
        note=f"median {statistics.median(delays):.3f} s",
    )


def _stop_seen(ctx: Context) -> None:
    """`x` (the application layer's stop, as the app and `vapor-tui stop` carry it out) to
    the run's should_stop() turning True, while it logs a step every 10 ms."""
    from vapor_tui.core.status import Action, JobStatus
    from vapor_tui.live.commands import Act, Acted, execute
    from vapor_tui.store.engine import open_store

    db = ctx.path("stop-latency.db")
    store = open_store(db)
    delays = []
    try:
        for _ in range(5 if ctx.mode.name == "full" else 3):
            run = vapor_tui.init(name="bench-stop", db=str(db))
            for step in range(1, 50):
                run.log({"loss": 1.0 / step})
                time.sleep(0.01)
            if not isinstance(execute(store, Act(run.id, Action.STOP, JobStatus.RUNNING)), Acted):
                raise RuntimeError("the stop was refused")
            asked = time.perf_counter()
            while not run.should_stop():
                run.log({"loss": 0.5})
                time.sleep(0.001)
                if time.perf_counter() - asked > 30:
                    raise RuntimeError("should_stop() never turned True")
            delays.append(time.perf_counter() - asked)
            run.finish()
    finally:
        store.close()
    ctx.add(
        "stop_seen_s.max",
        "x to should_stop() True in the script, the longest",
        "s",
        [max(delays)],
        {"runs": len(delays)},
        note=f"median {statistics.median(delays):.3f} s",
    )

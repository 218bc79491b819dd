"""Training scripts the subprocess tests run: each prints `ready <job id>` once it has logged
its first point, and does what its name says."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import cli_env

HEAD = """
import sys, time, vapor_tui
run = vapor_tui.init(name=sys.argv[1])
run.log({"loss": 1.0, "accuracy": 0.1})
print("ready", run.id, flush=True)
"""

SCRIPTS = {
    # Logs until killed; never finishes.
    "forever": HEAD
    + """
step = 1
while True:
    step += 1
    run.log({"loss": 1.0 / step})
    time.sleep(0.01)
""",
    "raises": HEAD
    + """
time.sleep(0.3)
raise ValueError("bad shape (3, 4)")
""",
    "no_finish": HEAD
    + """
for step in range(2, 51):
    run.log({"loss": 1.0 / step})
""",
    # Checks should_stop() every step, saves, finishes.
    "obeys": HEAD
    + """
step = 1
while step < 100_000:
    step += 1
    run.log({"loss": 1.0 / step, "accuracy": step / 1e5, "learning_rate": 1e-3})
    if run.should_stop():
        open(sys.argv[2], "w").write(f"checkpoint at step {step}")
        run.finish()
        print("stopped", step, flush=True)
        break
    time.sleep(0.01)
""",
    # Ignores should_stop(): only SIGINT ends it.
    "deaf": HEAD
    + """
step = 1
with run:
    while True:
        step += 1
        run.log({"loss": 1.0 / step})
        time.sleep(0.01)
""",
    # Logs, then sleeps for ten minutes without looking: only an interrupt that wakes the
    # sleep ends it in time.
    "sleeper": HEAD
    + """
with run:
    time.sleep(600)
""",
    # Ends with sys.exit(argv[2]) at the top level, without finish() ("none": sys.exit()).
    "exits": HEAD
    + """
code = None if sys.argv[2] == "none" else int(sys.argv[2])
run.log({"loss": 0.5})
sys.exit(code)
""",
    # Ends with exit(N) (the builtin a script reaches for) inside a function.
    "exits_builtin": HEAD
    + """
def main():
    exit(int(sys.argv[2]))
main()
""",
    # Logs N steps fast, finishes.
    "burst": HEAD
    + """
n = int(sys.argv[2])
for step in range(2, n + 1):
    run.log({"loss": 1.0 / step, "accuracy": step / n, "learning_rate": 1e-3})
    if step % 500 == 0:
        time.sleep(0.05)
run.finish()
print("done", run.status, flush=True)
""",
    # Logs a step every 10 ms until the file named by argv[2] exists, then finishes.
    "until_file": HEAD
    + """
import os
step = 1
while not os.path.exists(sys.argv[2]):
    step += 1
    run.log({"loss": 1.0 / step, "accuracy": step / 1e6})
    time.sleep(0.01)
run.finish()
print("done", run.status, step, flush=True)
""",
}


STARTED: list[subprocess.Popen[str]] = []  # by this test, see kill_leftovers


def start(tmp: Path, db: str, which: str, *args: str, **env: str) -> subprocess.Popen[str]:
    path = tmp / f"{which}.py"
    path.write_text(SCRIPTS[which])
    root = Path(__file__).resolve().parents[2]
    environment = cli_env({"VAPOR_TUI_DB": db, **env})
    paths = [str(root), environment.get("PYTHONPATH", "")]
    environment["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)
    proc = subprocess.Popen(
        [sys.executable, str(path), which, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
        cwd=tmp,
    )
    STARTED.append(proc)
    return proc


def kill_leftovers() -> list[int]:
    """Kill the scripts a test started and left running (it failed before they ended: a
    SIGINT-deaf script would otherwise outlive the suite). Returns their pids."""
    left = [proc for proc in STARTED if proc.poll() is None]
    for proc in left:
        proc.kill()
        proc.communicate(timeout=30)
    STARTED.clear()
    return [proc.pid for proc in left]


def ready(proc: subprocess.Popen[str]) -> int:
    """The job id the script printed once it was running."""
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line.startswith("ready "):
        proc.kill()
        _, err = proc.communicate(timeout=30)
        raise AssertionError(f"the script did not start: {line!r}\n{err}")
    return int(line.split()[1])

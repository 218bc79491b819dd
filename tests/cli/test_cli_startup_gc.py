"""`watch ID` runs no garbage collection from the entry point to its chart, on either backend,
then collects again over only what came after (core/startup_gc.py). A full pass walks every
object the start made: 30 to 100 ms each, one or two more before the chart on PostgreSQL,
whose driver and dialect are a larger heap."""

from __future__ import annotations

import gc
import json
import sys

import pexpect

from benchmarks import dbs
from vapor_tui.core import startup_gc
from vapor_tui.store.engine import open_store

# The installed entry point in a pty; the app's handler of tick results is wrapped to note,
# at the first one (the chart's base read), the collections since main() began, and, once that
# result is on the screen, the collector's state; then the app ends.
WATCH_PROBE = """
import gc, json, sys
runs = []
gc.callbacks.append(lambda phase, info: phase == "start" and runs.append(info["generation"]))
import vapor_tui.ui.app as app_module
tick_done = app_module.VaporApp.on_tick_done
seen = {}

def probe(self, message):
    first = not seen
    if first:
        seen.update(before=list(runs), held=not gc.isenabled())
    tick_done(self, message)
    if first:
        def after():
            seen.update(enabled=gc.isenabled(), frozen=gc.get_freeze_count())
            with open(sys.argv[1], "w") as out:
                json.dump(seen, out)
            self.exit()
        self.call_after_refresh(after)

app_module.VaporApp.on_tick_done = probe
from vapor_tui.cli import main
runs.clear()
sys.exit(main(["--db", sys.argv[2], "watch", sys.argv[3]]))
"""


def _job_with_points(target: str) -> int:
    store = open_store(target)
    try:
        return dbs.add_job_with_points(store, "points", 20_000, 20_000)
    finally:
        store.close()


def test_watch_collects_nothing_before_its_chart_then_collects_again(new_db, tmp_path):
    target, job_id = new_db("watched", like=_job_with_points)
    found = tmp_path / "collector.json"
    child = pexpect.spawn(
        sys.executable,
        ["-c", WATCH_PROBE, str(found), target, str(job_id)],
        dimensions=(40, 120),
        timeout=60,
    )
    child.expect(pexpect.EOF)
    child.close()
    seen = json.loads(found.read_text())
    assert seen["held"] and seen["before"] == [], seen
    assert seen["enabled"] and seen["frozen"] > 0, seen


def test_a_command_that_fails_leaves_the_collector_on_and_nothing_frozen(run_cli):
    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    code, _out, err = run_cli("watch", "not-a-number")
    assert code == 2 and "job id" in err
    assert gc.isenabled() and not startup_gc.held()
    assert gc.get_freeze_count() == frozen

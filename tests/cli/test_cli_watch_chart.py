"""`watch ID` on a server draws its first chart from the quick look's psycopg connection before
the store (SQLAlchemy and its PostgreSQL dialect) is imported, and the first tick then reads
only the points after it; on a SQLite file the first tick reads the chart, as before. The real
entry point, in a pty, on both backends."""

from __future__ import annotations

import json
import sys

import pexpect

from benchmarks import dbs
from vapor_tui.store.engine import open_store

# The app's handlers wrapped: at the early chart, whether the store or SQLAlchemy's dialect
# was there; at the first tick's result, whether it read the chart's base; then the app ends.
WATCH_PROBE = """
import json, sys
import vapor_tui.ui.app as app_module
App = app_module.VaporApp
seen = {}
chart_peeked, tick_done = App.on_chart_peeked, App.on_tick_done

def on_chart_peeked(self, message):
    seen["peeked"] = {
        "store": self.store is not None,
        "dialect": "sqlalchemy.dialects.postgresql" in sys.modules,
        "series": list(message.base.series),
        "last_step": message.base.last_step,
    }
    chart_peeked(self, message)

def on_tick_done(self, message):
    first = "tick" not in seen
    if first:
        seen["tick"] = [got.base is not None for got in message.result.followed]
    tick_done(self, message)
    if first:
        def after():
            with open(sys.argv[1], "w") as out:
                json.dump(seen, out)
            self.exit()
        self.call_after_refresh(after)

App.on_chart_peeked, App.on_tick_done = on_chart_peeked, on_tick_done
from vapor_tui.cli import main
sys.exit(main(["--db", sys.argv[2], "watch", sys.argv[3]]))
"""


def _watched_job(target: str) -> int:
    store = open_store(target)
    try:
        return dbs.add_job_with_points(store, "watched", 5_000, 5_000)
    finally:
        store.close()


def test_watch_on_a_server_draws_its_chart_before_the_store_opens(new_db, backend, tmp_path):
    target, job_id = new_db("watched", like=_watched_job)
    found = tmp_path / "seen.json"
    child = pexpect.spawn(
        sys.executable,
        ["-c", WATCH_PROBE, str(found), target, str(job_id)],
        dimensions=(40, 120),
        timeout=60,
    )
    child.expect(pexpect.EOF)
    child.close()
    seen = json.loads(found.read_text())
    if backend == "postgres":
        assert seen["peeked"] == {
            "store": False,
            "dialect": False,
            "series": ["loss", "accuracy", "learning_rate", "val_loss"],
            "last_step": 5_000,
        }, seen
        assert seen["tick"] == [False], seen  # the points after it only
    else:
        assert "peeked" not in seen and seen["tick"] == [True], seen

"""The driver's statements (driver.py) keep no SQLAlchemy Connection past its use: a tick makes
a few every second, for as long as the app is open."""

from __future__ import annotations

import gc
import weakref

from sqlalchemy import Connection

from vapor_tui.core.config import JobConfig
from vapor_tui.live.session import Live
from vapor_tui.live.tick import TickResult, run_tick
from vapor_tui.store.jobs import create_job


def test_ticks_leave_no_connection_object_behind(store, fake_clock, monkeypatch):
    for i in range(3):
        create_job(store, JobConfig(f"c{i}", step_seconds=1.0, seed=i), start=True)
    made: list[weakref.ref] = []
    init = Connection.__init__

    def noted(self, *args, **kwargs):
        init(self, *args, **kwargs)
        made.append(weakref.ref(self))

    monkeypatch.setattr(Connection, "__init__", noted)
    live = Live()
    for _ in range(5):
        fake_clock.advance(2.0)
        result = run_tick(store, live.request())
        assert isinstance(result, TickResult), result
        live.accept_tick(result, set())
    gc.collect()
    assert len(made) >= 10  # two transactions a tick at least
    assert [ref for ref in made if ref() is not None] == []

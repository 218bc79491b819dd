"""Fixtures for driving the app in-process (Pilot) with a fake clock on a temporary database."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.support.recorder import forget, recorded
from vapor_tui.core.clock import FakeClock
from vapor_tui.store.engine import open_store
from vapor_tui.ui.app import VaporApp

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def ui_db(tmp_path):
    return tmp_path / "ui.db"


@pytest.fixture
def ui_store(ui_db, clock):
    store = open_store(ui_db, clock=clock)
    yield store
    store.close()


@pytest.fixture
def make_app(ui_store, clock):
    def factory(**kwargs) -> VaporApp:
        kwargs.setdefault("timer", False)
        return recorded(VaporApp(store=ui_store, clock=clock, **kwargs))

    yield factory
    forget()


async def settle(app: VaporApp, pilot, rounds: int = 3) -> None:
    """Let workers finish and their messages land (a tick may ask for another)."""
    for _ in range(rounds):
        await app.wait_for_work()
        await pilot.pause()

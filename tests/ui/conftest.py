"""Fixtures for the app: a temporary database, a fake clock, and an app factory."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.support.recorder import Repaints, forget, messages, notes, recorded
from vapor_tui.core.clock import FakeClock
from vapor_tui.core.config import JobConfig
from vapor_tui.store.engine import open_store
from vapor_tui.ui.app import VaporApp

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def ui_store(tmp_path, clock):
    store = open_store(tmp_path / "ui.db", clock=clock)
    yield store
    store.close()


@pytest.fixture
def make_app(ui_store, clock):
    def factory(**kwargs) -> VaporApp:
        kwargs.setdefault("timer", False)
        return recorded(VaporApp(store=ui_store, clock=clock, **kwargs))

    yield factory
    forget()


def config(name: str = "run", **kwargs) -> JobConfig:
    values = dict(seed=7, epochs=3, steps_per_epoch=100, step_seconds=1.0)
    values.update(kwargs)
    return JobConfig(name=name, **values)


async def settle(app: VaporApp, pilot, rounds: int = 3) -> None:
    """Let workers finish and their messages land (a tick may ask for another)."""
    for _ in range(rounds):
        await app.wait_for_work()
        await pilot.pause()


async def tick(app: VaporApp, pilot) -> None:
    app.request_tick()
    await settle(app, pilot)


def static_text(widget) -> str:
    """The plain text a Static shows (Rich renderables included)."""
    import io

    from rich.console import Console

    console = Console(width=200, file=io.StringIO(), record=True, color_system=None)
    content = widget.content
    if isinstance(content, str):
        from textual.content import Content

        return Content.from_markup(content).plain + "\n"
    console.print(content)
    return console.export_text()


__all__ = ["Repaints", "messages", "notes", "recorded"]

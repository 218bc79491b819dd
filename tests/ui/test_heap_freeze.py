"""What start-up made is frozen out of the garbage collector's passes once a tick is shown, and
given back when the app closes (issue 14: a full collection walked ~90,000 start-up objects)."""

from __future__ import annotations

import gc

from vapor_tui.store.jobs import create_job

from .conftest import config, settle, tick


def _walked(obj: object) -> bool:
    """Whether the collector's generations hold `obj` (frozen objects are in none)."""
    return any(o is obj for o in gc.get_objects())


async def test_the_heap_is_frozen_after_the_first_tick_and_released_at_the_end(
    make_app, ui_store, clock
):
    create_job(ui_store, config("frozen"), start=True)
    assert gc.get_freeze_count() == 0
    before_start = [["made before the app started"]]
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        assert app.heap.frozen
        frozen = gc.get_freeze_count()
        assert frozen > 10_000  # Textual's and the store's objects at least
        assert not _walked(before_start)
        since = [["made after the first tick"]]
        clock.advance(1.0)
        await tick(app, pilot)
        # Frozen once: what later ticks make stays with the collector (frozen objects freed
        # by their reference counts leave the count).
        assert gc.get_freeze_count() <= frozen
        assert _walked(since)
    assert not app.heap.frozen
    assert gc.get_freeze_count() == 0
    assert _walked(before_start)


async def test_no_freeze_before_a_tick_is_shown(make_app, ui_store):
    """Until the first tick the app is still starting (the store opening, the first frame)."""
    app = make_app()
    app.tick_thread.submit = lambda store, request: None  # no tick ever comes back
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        assert not app.heap.frozen and gc.get_freeze_count() == 0

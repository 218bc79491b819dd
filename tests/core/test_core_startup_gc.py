"""The collector held while the app starts: hold, release, and what they leave alone."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from vapor_tui.core import startup_gc


@pytest.fixture(autouse=True)
def collector_as_it_was() -> Iterator[None]:
    was = gc.isenabled()
    yield
    startup_gc.release()
    gc.unfreeze()  # this test process's objects back under the collector
    (gc.enable if was else gc.disable)()


def test_hold_stops_collection_and_release_collects_again_freezing_nothing():
    gc.enable()
    gc.unfreeze()
    startup_gc.hold()
    assert not gc.isenabled() and startup_gc.held()
    startup_gc.release()
    assert gc.isenabled() and not startup_gc.held()
    assert gc.get_freeze_count() == 0  # freezing is the app's (ui/heap.py)


def test_release_without_hold_changes_nothing():
    gc.disable()
    startup_gc.release()
    assert not gc.isenabled()


def test_a_collector_turned_off_by_the_caller_stays_off():
    gc.disable()
    startup_gc.hold()
    assert not startup_gc.held()
    startup_gc.release()
    assert not gc.isenabled()

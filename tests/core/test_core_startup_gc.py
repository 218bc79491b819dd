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


def test_hold_stops_collection_and_release_freezes_what_exists_then_collects_again():
    gc.enable()
    gc.unfreeze()
    startup_gc.hold()
    assert not gc.isenabled() and startup_gc.held()
    startup_gc.release(freeze=True)
    assert gc.isenabled() and not startup_gc.held()
    assert gc.get_freeze_count() > 0  # the start's objects: never walked again


def test_a_plain_release_collects_again_and_freezes_nothing():
    gc.enable()
    gc.unfreeze()
    startup_gc.hold()
    startup_gc.release()
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_release_without_hold_changes_nothing():
    gc.enable()
    gc.unfreeze()
    startup_gc.release(freeze=True)
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_a_collector_turned_off_by_the_caller_stays_off():
    gc.disable()
    gc.unfreeze()
    startup_gc.hold()
    assert not startup_gc.held()
    startup_gc.release(freeze=True)
    assert not gc.isenabled() and gc.get_freeze_count() == 0

"""Helpers for the logging API's tests: waiting on a condition (never on a wall-clock window),
and reading a run's job and points from the database as another process would."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from vapor_tui.store.engine import open_store
from vapor_tui.store.jobs import get_job
from vapor_tui.store.series import read_series

WAIT_S = 30.0  # a bound, not a window: conditions are waited for, and usually hold at once


def wait_until(condition: Callable[[], Any], what: str, timeout: float = WAIT_S) -> Any:
    end = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > end:
            raise AssertionError(f"{what}: not after {timeout:g} s")
        time.sleep(0.02)


class Look:
    """The database as the app sees it: a store of its own."""

    def __init__(self, db: str):
        self.store = open_store(db)

    def job(self, job_id: int):
        return get_job(self.store, job_id)

    def series(self, job_id: int, name: str):
        with self.store.read() as conn:
            return read_series(conn, job_id, name)

    def close(self) -> None:
        self.store.close()


def command_job(db: str, name: str = "launched", status: str = "queued") -> int:
    """A job as `vapor-tui new -- CMD` makes it (issue 11's), for attaching to."""
    from vapor_tui.store.tables import jobs_table

    store = open_store(db)
    try:
        with store.write() as conn:
            key = conn.execute(
                jobs_table.insert().values(
                    name=name,
                    source="command",
                    status=status,
                    reason="",
                    created_at=time.time(),
                    command='["python", "train.py"]',
                    version=0,
                )
            ).inserted_primary_key
        assert key is not None
        return int(key[0])
    finally:
        store.close()


@pytest.fixture
def look(db: str):
    opened: list[Look] = []

    def make() -> Look:
        opened.append(Look(db))
        return opened[-1]

    yield make
    for item in opened:
        item.close()


@pytest.fixture(autouse=True)
def no_current_run():
    """A test that leaves a run current does not hand it to the next one."""
    import vapor_tui.run.api as api

    yield
    run = api.current_run()
    if run is not None:
        run.finish()

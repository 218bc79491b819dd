"""A long catch-up stops between transactions once its store is closing (`q` in the app): what
it wrote is whole, and the next catch-up writes the rest, every point once."""

from __future__ import annotations

import vapor_tui.store.catchup as store_catchup
from vapor_tui.core.config import JobConfig
from vapor_tui.core.simulator import Simulator
from vapor_tui.store.catchup import catch_up
from vapor_tui.store.engine import open_store
from vapor_tui.store.jobs import create_job, get_job
from vapor_tui.store.points import read_points


def test_a_closing_store_begins_no_further_transaction(db, store, fake_clock, monkeypatch):
    cfg = JobConfig("long", epochs=2, steps_per_epoch=30_000, step_seconds=0.01, seed=3)
    job = create_job(store, cfg, start=True)
    fake_clock.advance(Simulator(cfg).time_at(60_000) + 1.0)
    monkeypatch.setattr(store_catchup, "piece", lambda _store: 10_000)
    pieces_done = []
    real = store_catchup.after_piece

    def then_quit(s, size):
        real(s, size)
        pieces_done.append(size)
        if len(pieces_done) == 2:
            s.close()  # what the app does on `q`, from its own thread

    monkeypatch.setattr(store_catchup, "after_piece", then_quit)
    result = catch_up(store)
    assert result.points_written == 20_000 and result.jobs_ended == ()
    assert len(pieces_done) == 2
    again = open_store(db, clock=fake_clock)
    try:
        assert get_job(again, job.id).steps_done == 20_000
        rest = catch_up(again)
        assert rest.points_written == 40_000 and rest.jobs_ended == (job.id,)
        points = read_points(again, job.id)
        assert points.step.tolist() == list(range(1, 60_001))
    finally:
        again.close()

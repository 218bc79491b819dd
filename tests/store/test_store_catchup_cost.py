"""What a tick's catch-up costs: it follows the jobs that have something due, not the jobs
that run, and what it remembers between ticks never hides a change another process made."""

from __future__ import annotations

import pytest

from vapor_tui.core.config import JobConfig
from vapor_tui.core.simulator import Simulator
from vapor_tui.core.status import JobStatus
from vapor_tui.store.catchup import catch_up
from vapor_tui.store.engine import open_store
from vapor_tui.store.jobs import create_job, get_job
from vapor_tui.store.tables import jobs_table


@pytest.fixture
def searches(monkeypatch) -> list[float]:
    """Every "how many steps are done by now" search and every simulator built, counted."""
    calls: list = []
    search, build = Simulator.steps_done_by, Simulator.__init__

    def counting_search(self, elapsed):
        calls.append(("search", elapsed))
        return search(self, elapsed)

    def counting_build(self, config):
        calls.append(("build", config.name))
        build(self, config)

    monkeypatch.setattr(Simulator, "steps_done_by", counting_search)
    monkeypatch.setattr(Simulator, "__init__", counting_build)
    return calls


def test_ticks_with_nothing_due_search_nothing_and_build_nothing(store, fake_clock, searches):
    """Jobs a step every 30 s, a tick every second: between their steps a tick looks at the
    rows and moves on. It used to build a simulator and search twice per job per tick."""
    cfgs = [JobConfig(f"slow-{i}", step_seconds=30.0, seed=i) for i in range(5)]
    jobs = [create_job(store, cfg, start=True) for cfg in cfgs]
    fake_clock.advance(1.0)
    catch_up(store)  # the first look plans each job once
    searches.clear()
    for _ in range(10):
        fake_clock.advance(1.0)
        result = catch_up(store)
        assert result.points_written == 0
    assert searches == []
    # Once a step is due, it is found and written, by the same number of searches a job.
    fake_clock.advance(60.0)
    result = catch_up(store)
    assert result.points_written >= 5 and set(result.jobs_advanced) == {j.id for j in jobs}
    assert [kind for kind, _ in searches].count("build") == 0  # built once, kept
    assert len(searches) <= 2 * len(jobs)


def test_a_change_another_process_made_is_planned_again(store, fake_clock, db):
    """What a tick remembers is keyed by the row's content: a stop written by another process
    (here the job left stopping at its epoch's end, nothing more to run) is acted on at the
    next tick, before the job's next step is due."""
    cfg = JobConfig("other", epochs=3, steps_per_epoch=1, step_seconds=30.0, seed=4)
    job = create_job(store, cfg, start=True)
    fake_clock.advance(31.0)
    catch_up(store)
    done = get_job(store, job.id).steps_done
    assert done == 1
    fake_clock.advance(1.0)
    assert catch_up(store).points_written == 0  # remembered: nothing due for ~28 s
    other = open_store(db, clock=fake_clock)  # another process's connection to the file
    try:
        with other.write() as conn:
            conn.execute(
                jobs_table.update()
                .where(jobs_table.c.id == job.id)
                .values(status="stopping", stop_at_step=done, version=jobs_table.c.version + 1)
            )
    finally:
        other.close()
    fake_clock.advance(1.0)
    result = catch_up(store)
    assert result.jobs_ended == (job.id,)
    assert get_job(store, job.id).status is JobStatus.STOPPED

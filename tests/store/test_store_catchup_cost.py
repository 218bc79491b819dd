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


def test_jobs_a_step_a_tick_are_planned_by_look_up_not_search(store, fake_clock, searches):
    """The usual live screen: every job has a step or two due at every tick. Each tick's plan
    comes from the finish times worked out ahead, not from a search per job per tick."""
    cfgs = [JobConfig(f"live-{i}", step_seconds=1.0, seed=i) for i in range(10)]
    jobs = [create_job(store, cfg, start=True) for cfg in cfgs]
    fake_clock.advance(1.0)
    catch_up(store)
    searches.clear()
    for _ in range(30):
        fake_clock.advance(1.0)
        catch_up(store)
    assert searches == []
    for job, cfg in zip(jobs, cfgs, strict=True):
        assert get_job(store, job.id).steps_done == Simulator(cfg).steps_done_by(31.0)


@pytest.mark.parametrize("status", [JobStatus.RUNNING, JobStatus.STOPPING])
@pytest.mark.parametrize("seed", range(4))
def test_a_looked_up_plan_is_the_planners(seed, status):
    """From every step done and moment, running and stopping, up to the end: the plan the
    held finish times give is the one planner.plan's search gives."""
    import random
    from types import SimpleNamespace

    from vapor_tui.core.catchup import plan
    from vapor_tui.store.catchup_plans import plan_row

    rng = random.Random(seed)
    for walk in range(20):
        cfg = JobConfig(
            f"p{seed}", epochs=2, steps_per_epoch=rng.choice((3, 40, 150)), seed=seed,
            step_seconds=rng.choice((0.01, 1.0, 30.0)),
        )  # fmt: skip
        sim = Simulator(cfg)
        stop_at = rng.randint(1, sim.total) if status is JobStatus.STOPPING else None
        started, done = 1_000.0 + walk, 0
        for _ in range(2 * sim.total):
            row = SimpleNamespace(
                id=900 + seed, status=status.value, steps_done=done, started_at=started,
                stop_at_step=stop_at, **cfg.as_dict(),
            )  # fmt: skip
            if rng.random() < 0.05:  # a jump anywhere, as after a long pause
                now = started + rng.uniform(-1, sim.end_time * 1.1)
            else:  # the next moments, as ticks come: a step or a few due, or none
                ahead = min(sim.total, done + rng.choice((0, 1, 1, 2, 3, 70)))
                now = started + float(sim.time_at(ahead)) + rng.choice((-1e-3, 1e-3))
            expected = plan(sim, status, done, started, stop_at, now)
            assert plan_row(row, now)[1] == expected, (walk, done, now - started)
            if expected.end_status is not None:
                break
            done = max(done, expected.last_step)

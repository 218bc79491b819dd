"""No room on the disk, in-process: SQLite's own "database or disk is full", made by capping
the file's pages (PRAGMA max_page_count) on every connection of the store. A stop or a fail is
recorded whatever is due, the points it owes come once there is room, a catch-up keeps every
piece it managed to write, and a long job is deleted row first, its points after.
(tests/reliability/test_rel_full_disk.py does the same on a real 4 MB filesystem.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import event

from tests.reliability.rel_checks import check_database
from vapor_tui.core.clock import FakeClock
from vapor_tui.core.config import JobConfig
from vapor_tui.core.simulator import Simulator
from vapor_tui.core.status import Action, JobStatus, TransitionError
from vapor_tui.store.catchup import catch_up
from vapor_tui.store.engine import Store, StoreError
from vapor_tui.store.jobs import (
    JobNotFound,
    apply_action,
    create_job,
    delete_job,
    get_job,
    list_jobs,
)

# A full disk is SQLite's: its log, its pages (a server keeps its own files).
pytestmark = pytest.mark.sqlite_only

RUNAWAY = {"epochs": 2, "steps_per_epoch": 50_000, "step_seconds": 0.001}


def cap_pages(store: Store, extra: int | None) -> None:
    """From now on the file may grow by at most `extra` pages (None: no cap)."""
    store.engine.dispose()
    with store.read() as conn:
        count = conn.exec_driver_sql("PRAGMA page_count").scalar()
    store.engine.dispose()
    limit = 2**31 - 2 if extra is None else count + extra

    def on_connect(dbapi_conn, _record) -> None:
        dbapi_conn.execute(f"PRAGMA max_page_count={limit}")

    for listener in getattr(store, "_caps", []):
        event.remove(store.engine, "connect", listener)
    store._caps = [on_connect]  # type: ignore[attr-defined]
    event.listen(store.engine, "connect", on_connect)


def runaway(store: Store, clock: FakeClock, seconds: float, name: str = "runaway"):
    """A job at a millisecond a step with its first 200 points written and `seconds` of
    points due."""
    job = create_job(store, JobConfig(name, seed=7, **RUNAWAY), start=True)
    clock.advance(0.2)
    catch_up(store)
    clock.advance(seconds)
    return job


def owed_points(store: Store, job_id: int) -> int:
    from vapor_tui.store.jobs import points_owed

    return points_owed(store, job_id)


def due_at(job, when) -> int:
    sim = Simulator(job.config)
    return min(sim.total, sim.steps_done_by((when - job.started_at).total_seconds()))


@pytest.mark.parametrize("action", [Action.FAIL, Action.STOP])
def test_a_fail_or_stop_is_recorded_first_and_its_points_come_when_there_is_room(
    action, store, fake_clock, db_path
):
    job = runaway(store, fake_clock, 30)
    if action is Action.STOP:  # a stopping job stopped again: at once, final
        cap_pages(store, None)
        apply_action(store, job.id, Action.STOP)
        fake_clock.advance(10)
    cap_pages(store, 0)
    with pytest.raises(StoreError, match="database or disk is full"):
        catch_up(store)  # what every tick, and the command line's first look, runs into
    when = fake_clock.now()
    ended = apply_action(store, job.id, action)
    assert ended.status is (JobStatus.FAILED if action is Action.FAIL else JobStatus.STOPPED)
    assert ended.finished_at == when
    owed = due_at(job, when)
    assert owed > 30_000 and owed_points(store, job.id) == owed - ended.steps_done > 0
    check_database(Path(store.target), "while it owes")
    fake_clock.advance(3600)  # later, still no room
    with pytest.raises(StoreError, match="full"):
        catch_up(store)
    cap_pages(store, None)  # room
    fake_clock.advance(3600)
    catch_up(store)
    after = get_job(store, job.id)
    assert after.steps_done == owed and owed_points(store, job.id) == 0
    assert (after.status, after.finished_at) == (ended.status, when)
    assert check_database(Path(store.target), "paid")[job.id].steps_done == owed


def test_a_stop_acts_on_the_epoch_the_clock_has_reached(store, fake_clock):
    """Recorded first, a graceful stop still ends the epoch the job is in by the clock, not
    the one its written points have reached."""
    job = runaway(store, fake_clock, 70)  # step 70,000 or so: epoch 2 by the clock
    cap_pages(store, 0)
    stopping = apply_action(store, job.id, Action.STOP)
    assert stopping.status is JobStatus.STOPPING and stopping.steps_done < 1000
    assert stopping.stop_at_step == 100_000


def test_a_catch_up_keeps_every_piece_that_fitted(store, fake_clock):
    job = runaway(store, fake_clock, 40)
    cap_pages(store, 400)  # room for some thousands of points, not 40,000
    with pytest.raises(StoreError, match="full"):
        catch_up(store)
    partly = get_job(store, job.id).steps_done
    assert 1000 < partly < 30_000
    check_database(Path(store.target), "after the pieces that fitted")
    cap_pages(store, None)
    catch_up(store)
    assert get_job(store, job.id).steps_done == due_at(job, fake_clock.now())


def test_an_action_on_a_full_disk_refused_for_its_own_reason(store, fake_clock):
    """Recorded first or not, an action the clock has overtaken is refused for what the
    clock did: the job completed while nobody was looking."""
    job = create_job(store, JobConfig("short", epochs=1, steps_per_epoch=500, **_FAST), start=True)
    fake_clock.advance(60)
    cap_pages(store, 0)
    with pytest.raises(TransitionError, match="it is complete, which is final"):
        apply_action(store, job.id, Action.FAIL)


_FAST = {"step_seconds": 0.001, "seed": 3}


def test_a_long_job_is_deleted_row_first(store, fake_clock, monkeypatch):
    import vapor_tui.store.deletes as deletes
    from vapor_tui.store.engine import StoreFull

    long = runaway(store, fake_clock, 20, "long")
    other = runaway(store, fake_clock, 1, "other")
    catch_up(store)
    assert get_job(store, long.id).steps_done > 20_000

    def no_room(*_args):
        raise StoreFull("cannot write: database or disk is full")

    monkeypatch.setattr(deletes, "_sweep_piece", no_room)  # the sweep finds no room
    delete_job(store, long.id)
    with pytest.raises(JobNotFound):
        get_job(store, long.id)
    assert [j.id for j in list_jobs(store)] == [other.id]
    with store.read() as conn:
        left = conn.exec_driver_sql(
            "SELECT count(*) FROM series_points p JOIN series s ON s.id = p.series_id "
            "WHERE s.job_id = ? AND s.name = 'loss'",
            (long.id,),
        )
        assert left.scalar() > 20_000  # its points wait for room, listed in deleted_jobs
    check_database(Path(store.target), "row deleted, points pending")
    monkeypatch.undo()
    fake_clock.advance(1)
    catch_up(store)  # any catch-up removes what is left
    with store.read() as conn:
        mine = conn.exec_driver_sql("SELECT count(*) FROM series WHERE job_id = ?", (long.id,))
        assert mine.scalar() == 0
        for table in ("series_points", "series_blocks", "series_summary"):
            orphans = conn.exec_driver_sql(
                f"SELECT count(*) FROM {table} WHERE series_id NOT IN (SELECT id FROM series)"
            )
            assert orphans.scalar() == 0, table
        gone = conn.exec_driver_sql("SELECT count(*) FROM deleted_jobs").scalar()
        assert gone == 0
    check_database(Path(store.target), "swept")

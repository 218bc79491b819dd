"""Catch-up: running jobs brought up to the (fake) clock, with every point written once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import vapor_tui.store.advance as store_advance
import vapor_tui.store.pieces as pieces
from tests.support.wide import WIDE_POINTS
from vapor_tui.core.clock import FakeClock
from vapor_tui.core.config import JobConfig
from vapor_tui.core.eta import update_ema
from vapor_tui.core.job import Job
from vapor_tui.core.points import COLUMNS, Points
from vapor_tui.core.simulator import Simulator
from vapor_tui.core.status import Action, JobStatus
from vapor_tui.store.catchup import CatchUpResult, catch_up
from vapor_tui.store.engine import Store, open_store
from vapor_tui.store.jobs import JobNotFound, apply_action, create_job, delete_job, get_job
from vapor_tui.store.points import read_points


def config(name: str = "cu", **kw: object) -> JobConfig:
    base = {"epochs": 3, "steps_per_epoch": 40, "step_seconds": 0.5, "seed": 21}
    return JobConfig(name, **{**base, **kw})  # type: ignore[arg-type]


def assert_same_points(a: Points, b: Points) -> None:
    assert len(a) == len(b)
    for name in COLUMNS:
        x, y = getattr(a, name), getattr(b, name)
        assert x.tobytes() == y.tobytes(), f"column {name} differs"


def start(store: Store, cfg: JobConfig) -> tuple[Job, Simulator]:
    job = create_job(store, cfg, start=True)
    return job, Simulator(cfg)


def set_elapsed(clock: FakeClock, job: Job, seconds: float) -> None:
    assert job.started_at is not None
    clock.set(job.started_at + timedelta(seconds=seconds))


def test_catch_up_past_the_end_completes_with_every_point_once(
    store: Store, fake_clock: FakeClock, helpers: SimpleNamespace
) -> None:
    cfg = config()
    job, sim = start(store, cfg)
    fake_clock.advance(sim.time_at(sim.total) + 500)
    result = catch_up(store)
    assert result == CatchUpResult(120, (job.id,), (job.id,))
    done = get_job(store, job.id)
    assert done.status is JobStatus.COMPLETE
    assert done.reason == "finished all steps"
    assert done.steps_done == 120
    # It finished when its last step did, not when someone looked.
    assert done.finished_at.timestamp() == pytest.approx(
        job.started_at.timestamp() + sim.time_at(120)
    )
    assert helpers.point_stats(store, job.id) == (120, 1, 120, 120)
    started = job.started_at.timestamp()
    assert_same_points(read_points(store, job.id), sim.points(1, 120, started))
    # The job row's summary agrees with its points.
    pts = read_points(store, job.id)
    assert done.last_loss == pts.loss[-1]
    assert done.best_loss == pts.loss.min()
    assert done.last_val_loss == pts.validation()[1][-1]
    assert done.last_timestamp == pts.timestamp[-1]
    # A second catch-up (even much later) writes nothing and changes nothing.
    row = helpers.job_row(store, job.id)
    fake_clock.advance(10_000)
    assert catch_up(store) == CatchUpResult(0, (), ())
    assert helpers.job_row(store, job.id) == row


def test_nothing_is_due_before_the_first_step(store: Store, fake_clock: FakeClock) -> None:
    job, sim = start(store, config())
    fake_clock.advance(sim.time_at(1) * 0.99)
    assert catch_up(store) == CatchUpResult(0, (), ())
    assert get_job(store, job.id).steps_done == 0
    fake_clock.advance(sim.time_at(1) * 0.02)
    assert catch_up(store) == CatchUpResult(1, (job.id,), ())


def test_only_running_and_stopping_jobs_advance(
    store: Store, fake_clock: FakeClock, helpers: SimpleNamespace
) -> None:
    queued = create_job(store, config("queued"))
    running, sim = start(store, config("running"))
    fake_clock.advance(sim.time_at(10) + 0.01)
    result = catch_up(store)
    assert result.jobs_advanced == (running.id,)
    assert get_job(store, running.id).steps_done == 10
    assert helpers.point_stats(store, queued.id)[0] == 0
    assert get_job(store, queued.id).status is JobStatus.QUEUED


def test_catch_up_limited_to_some_jobs(store: Store, fake_clock: FakeClock) -> None:
    a, sim = start(store, config("a"))
    b, _ = start(store, config("b"))
    fake_clock.advance(sim.time_at(5) + 0.01)
    assert catch_up(store, job_ids=[b.id]).jobs_advanced == (b.id,)
    assert get_job(store, a.id).steps_done == 0
    assert get_job(store, b.id).steps_done == 5


@pytest.mark.parametrize("seed", [1, 2])
def test_partial_catch_ups_equal_one_big_one(tmp_path: Path, seed: int) -> None:
    cfg = config(epochs=4, steps_per_epoch=250, step_seconds=0.2, seed=seed)
    sim = Simulator(cfg)
    clocks = FakeClock(), FakeClock()
    stores = [open_store(tmp_path / f"{i}.db", clock=c) for i, c in enumerate(clocks)]
    try:
        jobs = [create_job(s, cfg, start=True) for s in stores]
        end = sim.time_at(sim.total) + 1
        rng = np.random.default_rng(seed)
        # Irregular steps, some landing exactly on step and epoch boundaries.
        moments = np.sort(np.concatenate([rng.uniform(0, end, 30), sim.time_at([1, 250, 500])]))
        for t in [*moments, end]:
            set_elapsed(clocks[0], jobs[0], float(t))
            catch_up(stores[0])
        set_elapsed(clocks[1], jobs[1], end)
        catch_up(stores[1])
        a, b = (read_points(s, j.id) for s, j in zip(stores, jobs, strict=True))
        assert_same_points(a, b)
        assert len(a) == 1000
        ja, jb = (get_job(s, j.id) for s, j in zip(stores, jobs, strict=True))
        assert ja.status is jb.status is JobStatus.COMPLETE
        assert (ja.best_loss, ja.last_loss, ja.last_val_loss, ja.finished_at) == (
            jb.best_loss,
            jb.last_loss,
            jb.last_val_loss,
            jb.finished_at,
        )
        assert ja.ema_step_seconds == pytest.approx(jb.ema_step_seconds, rel=1e-9)
    finally:
        for s in stores:
            s.close()


@settings(max_examples=20)
@given(cuts=st.lists(st.floats(0.0, 1.0), max_size=8), chunk=st.integers(1, 50))
def test_batch_boundaries_do_not_change_the_points(
    tmp_path_factory: pytest.TempPathFactory, cuts: list[float], chunk: int
) -> None:
    cfg = config(epochs=2, steps_per_epoch=30, step_seconds=1.0, seed=5)
    sim = Simulator(cfg)
    clock = FakeClock()
    store = open_store(tmp_path_factory.mktemp("chunks") / "c.db", clock=clock)
    old_chunk = store_advance.CHUNK_STEPS
    store_advance.CHUNK_STEPS = chunk
    try:
        job = create_job(store, cfg, start=True)
        end = sim.time_at(sim.total)
        for c in sorted(cuts):
            set_elapsed(clock, job, c * end)
            catch_up(store)
        set_elapsed(clock, job, end + 0.5)  # the clock has microseconds: step past the end
        catch_up(store)
        assert_same_points(
            read_points(store, job.id), sim.points(1, sim.total, job.started_at.timestamp())
        )
    finally:
        store_advance.CHUNK_STEPS = old_chunk
        store.close()


def test_small_write_chunks_give_the_same_points(
    store: Store, fake_clock: FakeClock, monkeypatch: pytest.MonkeyPatch, helpers: SimpleNamespace
) -> None:
    monkeypatch.setattr(store_advance, "CHUNK_STEPS", 7)
    job, sim = start(store, config())
    fake_clock.advance(sim.time_at(sim.total) + 1)
    assert catch_up(store).points_written == 120
    assert helpers.point_stats(store, job.id) == (120, 1, 120, 120)
    assert_same_points(read_points(store, job.id), sim.points(1, 120, job.started_at.timestamp()))


def test_stored_ema_follows_the_step_durations(store: Store, fake_clock: FakeClock) -> None:
    job, sim = start(store, config())
    fake_clock.advance(sim.time_at(60) + 0.01)
    catch_up(store)
    now = get_job(store, job.id)
    durations = np.diff(sim.time_at(np.arange(0, 61)))
    ema = None
    for step, d in enumerate(durations, start=1):
        if step % 40 == 0:
            continue  # step 40 ends epoch 1 and ran its validation: not a training step's time
        ema = d if ema is None else 0.1 * d + 0.9 * ema
    # Stored timestamps are seconds since 1970: their differences are good to about 1e-7 s.
    assert now.ema_step_seconds == pytest.approx(ema, rel=1e-6)
    assert now.eta_seconds == pytest.approx(ema * 60, rel=1e-6)
    assert update_ema(None, np.delete(durations, 39)) == pytest.approx(ema, rel=1e-12)


@pytest.mark.parametrize("past_the_end", [0, 1, 10, 50])
def test_the_eta_does_not_jump_at_an_epoch_end(
    store: Store, fake_clock: FakeClock, past_the_end: int
) -> None:
    """Validation at an epoch's end takes 500 steps' time here; it once went into the average
    as one step and made the ETA 48 times the truth."""
    job, sim = start(store, config(epochs=3, steps_per_epoch=10_000, step_seconds=0.5))
    step = 10_000 + past_the_end
    fake_clock.advance(sim.time_at(step) + 0.01)
    catch_up(store)
    now = get_job(store, job.id)
    assert now.steps_done == step
    truth = sim.time_at(sim.total) - sim.time_at(step)
    # Training time only: the two validations still to come (5% of the rest) are not in it.
    assert 0.85 * truth < now.eta_seconds < 1.05 * truth


# --- stopping ---------------------------------------------------------------------------


def test_graceful_stop_ends_at_the_epoch_boundary(
    store: Store, fake_clock: FakeClock, helpers: SimpleNamespace
) -> None:
    job, sim = start(store, config())
    set_elapsed(fake_clock, job, (sim.time_at(55) + sim.time_at(56)) / 2)  # mid epoch 2
    stopping = apply_action(store, job.id, Action.STOP)
    assert stopping.status is JobStatus.STOPPING
    assert stopping.steps_done == 55  # the stop caught the job up first
    assert stopping.stop_at_step == 80
    assert stopping.reason == "stop requested: finishing the current epoch"
    assert stopping.eta_seconds is not None
    # Just before the epoch's last step: still stopping.
    set_elapsed(fake_clock, job, (sim.time_at(79) + sim.time_at(80)) / 2)
    catch_up(store)
    assert get_job(store, job.id).status is JobStatus.STOPPING
    assert get_job(store, job.id).steps_done == 79
    # Long after: stopped exactly at step 80, not one step more.
    fake_clock.advance(1000)
    catch_up(store)
    stopped = get_job(store, job.id)
    assert stopped.status is JobStatus.STOPPED
    assert stopped.steps_done == 80
    assert stopped.reason == "stopped by user at the end of epoch 2"
    assert stopped.finished_at.timestamp() == pytest.approx(
        job.started_at.timestamp() + sim.time_at(80)
    )
    assert helpers.point_stats(store, job.id) == (80, 1, 80, 80)
    assert_same_points(read_points(store, job.id), sim.points(1, 80, job.started_at.timestamp()))


def test_stop_right_at_an_epoch_end_settles_at_once(store: Store, fake_clock: FakeClock) -> None:
    job, sim = start(store, config())
    set_elapsed(fake_clock, job, (sim.time_at(40) + sim.time_at(41)) / 2)
    stopped = apply_action(store, job.id, Action.STOP)
    assert stopped.status is JobStatus.STOPPED
    assert stopped.steps_done == 40
    assert "end of epoch 1" in stopped.reason


def test_stop_before_the_first_step_finishes_epoch_one(store: Store, fake_clock: FakeClock):
    job, _sim = start(store, config())
    stopping = apply_action(store, job.id, Action.STOP)
    assert (stopping.status, stopping.stop_at_step) == (JobStatus.STOPPING, 40)
    fake_clock.advance(1000)
    catch_up(store)
    assert get_job(store, job.id).steps_done == 40
    assert get_job(store, job.id).status is JobStatus.STOPPED


def test_stop_in_the_last_epoch_completes(
    store: Store, fake_clock: FakeClock, helpers: SimpleNamespace
) -> None:
    job, sim = start(store, config())
    set_elapsed(fake_clock, job, (sim.time_at(100) + sim.time_at(101)) / 2)
    assert apply_action(store, job.id, Action.STOP).stop_at_step == 120
    fake_clock.advance(1000)
    catch_up(store)
    done = get_job(store, job.id)
    assert done.status is JobStatus.COMPLETE
    assert done.reason == "finished all steps before the stop took effect"
    assert helpers.point_stats(store, job.id) == (120, 1, 120, 120)


def test_second_stop_stops_at_once(
    store: Store, fake_clock: FakeClock, helpers: SimpleNamespace
) -> None:
    job, sim = start(store, config())
    set_elapsed(fake_clock, job, (sim.time_at(10) + sim.time_at(11)) / 2)
    apply_action(store, job.id, Action.STOP)
    set_elapsed(fake_clock, job, (sim.time_at(15) + sim.time_at(16)) / 2)
    stopped = apply_action(store, job.id, Action.STOP)
    assert stopped.status is JobStatus.STOPPED
    assert stopped.steps_done == 15  # caught up to the moment of the second stop, no further
    assert stopped.reason == "stopped by user"
    assert stopped.finished_at == fake_clock.now()
    fake_clock.advance(1000)
    assert catch_up(store).points_written == 0
    assert helpers.point_stats(store, job.id) == (15, 1, 15, 15)


def test_fail_keeps_the_points_written_so_far(
    store: Store, fake_clock: FakeClock, helpers: SimpleNamespace
) -> None:
    job, sim = start(store, config())
    set_elapsed(fake_clock, job, (sim.time_at(33) + sim.time_at(34)) / 2)
    failed = apply_action(store, job.id, Action.FAIL, reason="CUDA out of memory")
    assert failed.status is JobStatus.FAILED
    assert failed.reason == "CUDA out of memory"
    assert failed.steps_done == 33
    fake_clock.advance(1000)
    catch_up(store)
    assert helpers.point_stats(store, job.id) == (33, 1, 33, 33)
    assert_same_points(read_points(store, job.id), sim.points(1, 33, job.started_at.timestamp()))


def test_delete_removes_the_job_and_its_points(
    store: Store, drive: Callable[..., Job], helpers: SimpleNamespace
) -> None:
    doomed = drive(JobStatus.COMPLETE)
    kept = drive(JobStatus.COMPLETE)
    assert helpers.point_stats(store, doomed.id)[0] == 30
    delete_job(store, doomed.id)
    with pytest.raises(JobNotFound):
        get_job(store, doomed.id)
    assert helpers.point_stats(store, doomed.id) == (0, None, None, 0)
    assert helpers.point_stats(store, kept.id) == (30, 1, 30, 30)
    with store.read() as conn:
        assert (
            conn.exec_driver_sql(
                "SELECT count(*) FROM series_points p JOIN series s ON s.id = p.series_id "
                "WHERE s.name = 'loss'"
            ).scalar()
            == 30
        )
    with pytest.raises(JobNotFound):
        delete_job(store, doomed.id)


def test_deleting_a_running_job_stops_its_catch_up(store: Store, fake_clock: FakeClock) -> None:
    job, sim = start(store, config())
    fake_clock.advance(sim.time_at(20) + 0.01)
    catch_up(store)
    delete_job(store, job.id)
    fake_clock.advance(1000)
    assert catch_up(store) == CatchUpResult(0, (), ())


def test_two_stores_on_one_file_agree(db: str, fake_clock: FakeClock) -> None:
    # Two processes catching up the same job: the second finds nothing left to do.
    a = open_store(db, clock=fake_clock)
    b = open_store(db, clock=fake_clock)
    try:
        job, sim = start(a, config())
        fake_clock.advance(sim.time_at(70) + 0.01)
        assert catch_up(a).points_written == 70
        assert catch_up(b).points_written == 0
        assert get_job(b, job.id).steps_done == 70
    finally:
        a.close()
        b.close()


def test_a_huge_job_is_accepted_and_catches_up_in_place(
    store: Store, fake_clock: FakeClock, helpers: SimpleNamespace
) -> None:
    cfg = JobConfig("huge", epochs=10, steps_per_epoch=1_000_000, step_seconds=0.00001, seed=3)
    job, sim = start(store, cfg)
    assert job.total_steps == 10_000_000
    fake_clock.advance(0.02)  # about 2,000 steps of 10 us
    catch_up(store)
    now = get_job(store, job.id)
    assert now.steps_done == sim.steps_done_by(0.02)
    assert 1000 < now.steps_done < 3000
    assert helpers.point_stats(store, job.id) == (now.steps_done, 1, now.steps_done, now.steps_done)


def test_a_long_catch_up_is_several_whole_transactions(
    store: Store, fake_clock: FakeClock, monkeypatch: pytest.MonkeyPatch, helpers: SimpleNamespace
) -> None:
    """Each commit is whole (points, counts, status together), and the job ends only in the
    last one."""
    from sqlalchemy import event

    monkeypatch.setattr(pieces, "TXN_POINTS", 50)
    monkeypatch.setattr(pieces, "TXN_PAUSE_S", 0.0)
    a, sim = start(store, config("a"))
    b, _ = start(store, config("b", seed=5))
    fake_clock.advance(sim.time_at(sim.total) + 100)
    seen = []
    look = store.engine.connect()  # another connection sees only what was committed

    def after_commit(conn) -> None:
        if conn is look:
            return
        with look.begin():
            rows = look.exec_driver_sql(
                "SELECT j.id, j.steps_done, j.status, count(p.step), max(p.step) FROM jobs j "
                f"LEFT JOIN {WIDE_POINTS} p ON p.job_id = j.id GROUP BY j.id ORDER BY j.id"
            ).all()
        seen.append([tuple(r) for r in rows])

    event.listen(store.engine, "commit", after_commit)
    try:
        assert catch_up(store).points_written == 240
    finally:
        event.remove(store.engine, "commit", after_commit)
    look.close()
    states = {tuple(rows) for rows in seen}
    assert len(states) >= 240 // 50  # several transactions, not one
    for rows in states:
        for _, steps_done, status, count, last in rows:
            assert count == steps_done and (last or 0) == steps_done  # whole: counts agree
            assert (status == "complete") == (steps_done == 120)  # ends in the last one only
    for job in (a, b):
        assert get_job(store, job.id).status is JobStatus.COMPLETE
        assert helpers.point_stats(store, job.id) == (120, 1, 120, 120)
    assert_same_points(read_points(store, a.id), sim.points(1, 120, a.started_at.timestamp()))


def test_another_writer_gets_in_during_a_long_catch_up(
    db: str, fake_clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A job left for days catches up in many transactions; a `new` from another process
    waits for one of them, not for all (it once waited 30 s and got "database is locked")."""
    import threading
    import time

    monkeypatch.setattr(pieces, "TXN_POINTS", 100_000)
    store = open_store(db, clock=fake_clock)
    other = open_store(db, clock=fake_clock)
    try:
        cfg = JobConfig("long", epochs=1, steps_per_epoch=600_000, step_seconds=0.001, seed=4)
        job, sim = start(store, cfg)
        fake_clock.advance(sim.time_at(sim.total) + 1)
        done = threading.Event()
        worker = threading.Thread(target=lambda: (catch_up(store), done.set()))
        worker.start()
        while not get_job(other, job.id).steps_done:  # the first transaction has landed
            time.sleep(0.01)
        create_job(other, JobConfig("meanwhile", seed=1))
        assert not done.is_set()  # in before the catch-up was over
        worker.join()
        assert get_job(store, job.id).steps_done == 600_000
    finally:
        store.close()
        other.close()


@pytest.mark.parametrize("status", [JobStatus.RUNNING, JobStatus.STOPPING])
@pytest.mark.parametrize("later", [3.5, 12.0, 500.0])  # mid epoch, past its end, past the job's
def test_a_projection_is_what_the_catch_up_writes(store, drive, fake_clock, status, later):
    """core.catchup.project computes, without writing, the job the catch-up makes: the screens
    show it while a long catch-up has not yet written the points."""
    from dataclasses import replace

    from vapor_tui.core.catchup import project

    job = drive(status)
    fake_clock.advance(later)
    projected = project(job, fake_clock.now())
    catch_up(store)
    caught_up = get_job(store, job.id)
    assert replace(projected, version=caught_up.version) == caught_up

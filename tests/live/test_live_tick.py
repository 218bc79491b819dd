"""A tick as plain functions and values: the request, the worker-side run against a real store,
and the bookkeeping that accepts the result. No Pilot."""

from __future__ import annotations

from dataclasses import replace

from vapor_tui.core.status import Action, JobStatus
from vapor_tui.live.commands import Act, Acted, Create, Created, Delete, Deleted, execute
from vapor_tui.live.session import Live, TickGate
from vapor_tui.live.tick import TickResult, TickTrouble, run_tick
from vapor_tui.store.jobs import apply_action, create_job, delete_job, get_job


def tick(live: Live, store, shown=()) -> tuple:
    result = run_tick(store, live.request())
    assert isinstance(result, TickResult), result
    return result, live.accept_tick(result, set(shown))


def test_a_tick_brings_running_jobs_up_to_now_and_reads_only_what_changed(
    store, helpers, fake_clock
):
    job = create_job(store, helpers.small_config("ticked"), start=True)
    live = Live()
    first, update = tick(live, store)
    assert first.jobs_changed and update.snapshot.jobs[0].steps_done == 0
    fake_clock.advance(5.5)
    second, update = tick(live, store)
    assert second.jobs_changed and update.snapshot.jobs[0].steps_done == 5
    assert get_job(store, job.id).steps_done == 5  # written, not only shown
    third, _ = tick(live, store)
    assert not third.jobs_changed and third.jobs is second.jobs  # nothing new: nothing read


def test_a_followed_job_gets_its_summary_then_only_newer_points(store, helpers, fake_clock):
    job = create_job(store, helpers.small_config("followed"), start=True)
    fake_clock.advance(4.5)
    live = Live()
    live.follow(job.id)
    _, update = tick(live, store, shown=[job.id])
    base = update.snapshot.bases[job.id]
    assert base.last_step == 4 and int(base.series["loss"].n.sum()) == 4
    (follow,) = live.request().follows
    dense = {"loss": 4, "accuracy": 4, "learning_rate": 4}
    assert (dict(follow.held), follow.has_base) == (dense, True)
    fake_clock.advance(3.0)
    _, update = tick(live, store, shown=[job.id])
    news = update.snapshot.points[job.id]
    assert sorted(news) == sorted(dense)  # no validation pass yet: no val_loss
    assert all(s.step.tolist() == [5, 6, 7] for s in news.values())
    assert not update.snapshot.bases
    (follow,) = live.request().follows
    assert dict(follow.held) == {name: 7 for name in dense}


def test_points_go_only_to_the_request_that_asked_and_to_a_screen_that_shows(
    store, helpers, fake_clock
):
    job = create_job(store, helpers.small_config("guarded"), start=True)
    fake_clock.advance(4.5)
    live = Live()
    live.follow(job.id)
    stale = run_tick(store, live.request())
    live.unfollow(job.id)
    live.follow(job.id)  # the screen closed and opened again: a new request
    assert not live.accept_tick(stale, {job.id}).snapshot.bases
    covered = run_tick(store, live.request())
    assert not live.accept_tick(covered, set()).snapshot.bases  # not shown: nothing handed
    (follow,) = live.request().follows
    assert not follow.has_base  # so the next tick reads the summary again


def test_lifecycle_events_whoever_caused_them(store, helpers, fake_clock):
    job = create_job(store, helpers.small_config("events", epochs=1), start=False)
    live = Live()
    _, update = tick(live, store)
    assert update.events == ()  # the first list says nothing
    apply_action(store, job.id, Action.START)
    _, update = tick(live, store)
    assert [(e.job.status, e.deleted) for e in update.events] == [(JobStatus.RUNNING, False)]
    fake_clock.advance(3600)
    _, update = tick(live, store)
    assert [e.job.status for e in update.events] == [JobStatus.COMPLETE]
    delete_job(store, job.id)
    _, update = tick(live, store)
    assert [(e.job.id, e.deleted) for e in update.events] == [(job.id, True)]


def test_an_actions_result_shows_at_once_and_a_stale_read_does_not_undo_it(store, helpers):
    job = create_job(store, helpers.small_config("overlaid"))
    live = Live()
    stale = run_tick(store, live.request())  # read before the action commits
    live.accept_tick(stale, set())
    acted = execute(store, Act(job.id, Action.START, JobStatus.QUEUED))
    update = live.accept_outcome(acted)
    assert isinstance(acted, Acted) and update.snapshot.jobs[0].status is JobStatus.RUNNING
    assert [e.job.status for e in update.events] == [JobStatus.RUNNING]  # "Started", once
    update = live.accept_tick(replace(stale, jobs_changed=True), set())
    assert update.snapshot.jobs[0].status is JobStatus.RUNNING and update.events == ()
    _, update = tick(live, store)  # the store caught up: its job is shown from now on
    assert update.snapshot.jobs[0].version == get_job(store, job.id).version


def test_created_and_deleted_show_before_the_next_tick(store, helpers):
    live = Live()
    tick(live, store)
    created = execute(store, Create(helpers.small_config("new")))
    assert isinstance(created, Created)
    stale = run_tick(store, replace(live.request(), known=None))
    assert [j.id for j in live.accept_outcome(created).snapshot.jobs] == [created.job.id]
    deleted = execute(store, Delete(created.job.id))
    assert isinstance(deleted, Deleted)
    update = live.accept_outcome(deleted)
    assert update.snapshot.jobs == () and update.events[0].deleted
    assert live.accept_tick(stale, set()).snapshot.jobs == ()  # a read from before: still gone


def test_a_failed_tick_says_so_once_and_keeps_what_is_shown(store, helpers):
    create_job(store, helpers.small_config("kept"))
    live = Live()
    tick(live, store)
    update, new = live.accept_trouble(TickTrouble("cannot write to x: database or disk is full"))
    assert new and live.problem == "cannot update: database or disk is full"
    assert update is not None and len(update.snapshot.jobs) == 1
    _, again = live.accept_trouble(TickTrouble("cannot write to x: database or disk is full"))
    assert not again  # the same error: no second toast
    tick(live, store)
    assert live.problem is None


def test_one_tick_at_a_time_and_one_more_if_asked_during_it():
    gate = TickGate()
    assert gate.ask()  # start
    assert not gate.ask() and not gate.ask()  # asked twice during it
    assert gate.finished()  # one more, not two
    assert not gate.finished()
    assert gate.ask()


def test_the_compare_screens_curves_summary_first_then_newer_points(store, helpers, fake_clock):
    """The tick's request carries the compare screen's curves; each job's summary is read
    once, then only the points after what it holds, and only while the screen shows."""
    a = create_job(store, helpers.small_config("a"), start=True)
    b = create_job(store, helpers.small_config("b", seed=2), start=True)
    fake_clock.advance(4.5)
    live = Live()
    live.follow_curves([a.id, b.id], "loss")
    assert {c.job_id for c in live.request().curves} == {a.id, b.id}
    _, update = tick(live, store, shown=[a.id, b.id])
    for job_id in (a.id, b.id):
        base = update.snapshot.curves[job_id].base
        assert base is not None and base.metric == "loss" and base.last_step == 4
        assert base.stats.latest_step == 4 and base.stats.best_step is not None
        assert "loss" in base.names
    assert all(c.has_base and c.after_step == 4 for c in live.request().curves)
    fake_clock.advance(2.0)
    _, update = tick(live, store, shown=[a.id, b.id])
    assert update.snapshot.curves[a.id].points.step.tolist() == [5, 6]
    assert update.snapshot.curves[b.id].base is None
    fake_clock.advance(2.0)
    _, update = tick(live, store, shown=[])  # covered: nothing handed over, nothing skipped
    assert not update.snapshot.curves
    _, update = tick(live, store, shown=[a.id, b.id])
    assert update.snapshot.curves[a.id].points.step.tolist() == [7, 8]
    live.follow_curves([a.id], "accuracy")  # another metric: its summary, from the start
    _, update = tick(live, store, shown=[a.id])
    assert update.snapshot.curves[a.id].base.metric == "accuracy"
    assert set(update.snapshot.curves) == {a.id}
    live.unfollow_curves()
    assert live.request().curves == ()


def test_a_series_that_appears_mid_run_reaches_the_followed_chart(store, helpers, fake_clock):
    """A run starts logging `grad_norm` after the chart opened, and an eval point arrives at a
    step the chart already holds of `loss`: both are read on the next tick."""
    from vapor_tui.core.series import SeriesPoints
    from vapor_tui.store.series import write_points

    job = create_job(store, helpers.small_config("grows"), start=True)
    fake_clock.advance(4.5)
    live = Live()
    live.follow(job.id)
    _, update = tick(live, store, shown=[job.id])
    assert "grad_norm" not in update.snapshot.bases[job.id].series
    with store.write() as conn:
        write_points(
            conn,
            {
                job.id: {
                    "grad_norm": SeriesPoints([1, 2, 3, 4], [1.0, 2.0, 3.0, float("inf")], [0] * 4),
                    "eval/loss": SeriesPoints([4], [0.9], [0.0]),
                }
            },
            update_jobs=False,
        )
    _, update = tick(live, store, shown=[job.id])
    news = update.snapshot.points[job.id]
    assert sorted(news) == ["eval/loss", "grad_norm"]
    assert news["grad_norm"].step.tolist() == [1, 2, 3, 4] and news["eval/loss"].last_step == 4
    _, update = tick(live, store, shown=[job.id])
    assert not update.snapshot.points.get(job.id)  # held now: not read again


def test_a_chart_read_before_the_store_shows_and_the_first_tick_reads_only_after_it(
    store, helpers, fake_clock
):
    """`watch` on a server: the chart read before the store opened (store/server_chart.py)
    shows as a tick's would, and the first tick reads only the points written since."""
    from vapor_tui.store.summary import read_chart_base

    job = create_job(store, helpers.small_config("early"), start=True)
    fake_clock.advance(4.5)
    tick(Live(), store)  # four steps written
    with store.read() as conn:
        early = read_chart_base(conn, job.id)
    live = Live()
    live.follow(job.id)
    assert live.accept_chart(job.id, early) is None  # nothing shows yet: no first frame
    live.accept_peek((get_job(store, job.id),), fake_clock.now())
    update = live.accept_chart(job.id, early)
    assert update is not None and update.snapshot.bases == {job.id: early}
    assert not update.snapshot.jobs_changed and update.events == ()
    (follow,) = live.request().follows
    assert follow.has_base and dict(follow.held)["loss"] == 4
    assert live.accept_chart(job.id, early) is None  # it has its chart: not again
    fake_clock.advance(3.0)
    _, update = tick(live, store, shown=[job.id])
    assert job.id not in update.snapshot.bases  # not read again
    assert update.snapshot.points[job.id]["loss"].step.tolist() == [5, 6, 7]


def test_lifecycle_events_come_by_id_then_the_deleted_and_same_objects_say_nothing(helpers):
    """Job lists newest first, as a tick holds them: the jobs it left alone are the same
    objects (passed over by identity), a changed status is an event, by id, a created queued
    job none, the deleted ones after, by id."""
    from datetime import UTC, datetime

    from vapor_tui.core.job import Job
    from vapor_tui.live.events import lifecycle

    def job(i: int, status: JobStatus) -> Job:
        made = datetime(2026, 1, 1, tzinfo=UTC)
        return Job(i, helpers.small_config(f"j{i}"), status, "", made)

    same = [job(i, JobStatus.RUNNING) for i in range(1, 6)]
    before = [job(9, JobStatus.QUEUED), job(8, JobStatus.RUNNING), job(7, JobStatus.QUEUED)]
    before += [job(6, JobStatus.RUNNING), *reversed(same)]
    after = [job(10, JobStatus.QUEUED), job(9, JobStatus.RUNNING), job(7, JobStatus.RUNNING)]
    after += [*reversed(same)]  # 8 and 6 deleted
    events = lifecycle(before, after)
    assert [(e.job.id, e.job.status, e.deleted) for e in events] == [
        (7, JobStatus.RUNNING, False),
        (9, JobStatus.RUNNING, False),
        (6, JobStatus.RUNNING, True),
        (8, JobStatus.RUNNING, True),
    ]
    assert lifecycle(after, after) == ()

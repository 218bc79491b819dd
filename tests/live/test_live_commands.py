"""Actions as typed commands, carried out against a real store, and their queue: plain
functions and values, no Pilot."""

from __future__ import annotations

from vapor_tui.core.status import Action, JobStatus
from vapor_tui.live.action_queue import ActionQueue
from vapor_tui.live.commands import (
    Act,
    Acted,
    Clone,
    Cloned,
    Create,
    Created,
    Delete,
    Deleted,
    Refused,
    execute,
)
from vapor_tui.store.jobs import apply_action, get_job, list_jobs


def test_each_command_and_its_outcome(store, helpers):
    created = execute(store, Create(helpers.small_config("made"), start=True))
    assert isinstance(created, Created) and created.job.status is JobStatus.RUNNING
    job_id = created.job.id
    cloned = execute(store, Clone(job_id))
    assert isinstance(cloned, Cloned) and cloned.job.config.name == created.job.config.name
    assert cloned.job.config.seed != created.job.config.seed  # another sample of the run
    same = execute(store, Clone(job_id, same_seed=True))
    assert isinstance(same, Cloned) and same.job.config == created.job.config
    assert cloned.job.status is JobStatus.QUEUED and cloned.job.id != job_id
    acted = execute(store, Act(job_id, Action.STOP, JobStatus.RUNNING))
    assert isinstance(acted, Acted) and acted.job.status is JobStatus.STOPPING
    deleted = execute(store, Delete(cloned.job.id))
    assert deleted == Deleted(Delete(cloned.job.id), "made")
    assert [j.id for j in list_jobs(store)] == [same.job.id, job_id]


def test_what_a_user_can_cause_comes_back_refused_with_the_reason(store, drive):
    done = drive(JobStatus.COMPLETE)
    refused = execute(store, Act(done.id, Action.START, JobStatus.COMPLETE))
    assert isinstance(refused, Refused)
    assert refused.reason.startswith(f"cannot start job #{done.id}") and "final" in refused.reason
    assert execute(store, Delete(999)) == Refused(Delete(999), "no job with id 999")
    assert isinstance(execute(store, Clone(999)), Refused)


def test_an_action_on_a_status_that_changed_meanwhile_loses(store, drive):
    job = drive(JobStatus.RUNNING)
    apply_action(store, job.id, Action.STOP)  # another process
    refused = execute(store, Act(job.id, Action.STOP, JobStatus.RUNNING))
    assert isinstance(refused, Refused)
    assert "it changed from running to stopping before this stop arrived" in refused.reason
    assert get_job(store, job.id).status is JobStatus.STOPPING


def test_the_queue_carries_out_one_command_at_a_time_in_order():
    queue = ActionQueue()
    first, second = Clone(1), Delete(2)
    queue.submit(first)
    queue.submit(second)
    assert queue.next() == first
    assert queue.next() is None  # the first is still on its way
    queue.finished(None)
    assert queue.next() == second
    queue.finished(None)
    assert queue.next() is None and queue.pending == 0


def test_x_x_stops_a_running_job_at_once(store, drive):
    """The second x was pressed on the row as it still showed, "running": it is judged from
    where this session's first stop left the job."""
    job = drive(JobStatus.RUNNING)
    queue = ActionQueue()
    queue.submit(Act(job.id, Action.STOP, JobStatus.RUNNING))
    queue.submit(Act(job.id, Action.STOP, JobStatus.RUNNING))
    first = queue.next()
    queue.finished(execute(store, first))
    second = queue.next()
    assert second == Act(job.id, Action.STOP, JobStatus.STOPPING)
    outcome = execute(store, second)
    assert isinstance(outcome, Acted) and outcome.job.status is JobStatus.STOPPED


def test_a_repeated_start_is_not_a_conflict_with_itself(store, drive):
    job = drive(JobStatus.QUEUED)
    queue = ActionQueue()
    for _ in range(5):  # pressed again and again while the first was on its way
        queue.submit(Act(job.id, Action.START, JobStatus.QUEUED))
    queue.finished(execute(store, queue.next()))
    assert queue.next() is None  # the repeats are dropped, not refused
    assert get_job(store, job.id).status is JobStatus.RUNNING


def test_an_earlier_action_of_someone_else_is_still_a_conflict(store, drive):
    job = drive(JobStatus.QUEUED)
    apply_action(store, job.id, Action.START)  # another instance
    queue = ActionQueue()
    queue.submit(Act(job.id, Action.START, JobStatus.QUEUED))
    outcome = execute(store, queue.next())
    assert isinstance(outcome, Refused) and "changed from queued to running" in outcome.reason

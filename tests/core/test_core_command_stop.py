"""What x, x again and f write to a launched command's row (the supervisor acts on it)."""

from __future__ import annotations

from vapor_tui.core.command_stop import command_action_values
from vapor_tui.core.run_stop import SIGNAL_SENT
from vapor_tui.core.status import Action, JobStatus

RUNNING, STOPPING = JobStatus.RUNNING, JobStatus.STOPPING


def test_each_x_climbs_one_rung_up_to_sigkill_and_f_asks_for_sigterm():
    rungs = []
    status, rung = RUNNING, 0
    for _ in range(5):
        values = command_action_values(status, rung, Action.STOP, 10.0)
        status, rung = JobStatus(values["status"]), values["stop_rung"]
        rungs.append((rung, values["reason"]))
    assert [r for r, _ in rungs] == [1, 2, 3, 4, 4]
    assert rungs[0][1] == "stop requested"
    # The supervisor signals: an attached script's writer must not interrupt itself too.
    assert all(reason.startswith(SIGNAL_SENT) for _, reason in rungs[1:])
    failed = command_action_values(STOPPING, 1, Action.FAIL, 10.0)
    assert failed == {
        "status": "failed",
        "reason": "marked failed by user",
        "finished_at": 10.0,
        "stop_rung": 3,
    }


def test_queued_and_ended_jobs_and_starts_take_the_ordinary_transitions():
    assert command_action_values(JobStatus.QUEUED, 0, Action.STOP, 1.0) is None
    assert command_action_values(JobStatus.STOPPED, 2, Action.FAIL, 1.0) is None
    assert command_action_values(RUNNING, 0, Action.START, 1.0) is None

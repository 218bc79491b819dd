"""Runs that died: the rule (core/liveness.py), process identity (core/process.py) and how a
run ends (core/run_end.py)."""

from __future__ import annotations

import os
import subprocess
import sys

from vapor_tui.core.liveness import RunProcess, why_ended
from vapor_tui.core.process import current_process, host_name, is_running, start_time
from vapor_tui.core.run_end import run_end
from vapor_tui.core.status import JobStatus

T0 = 1_000_000.0


def run_on(host: str, pid: int = 4242, started: float | None = 99.0, beat: float | None = T0):
    return RunProcess(host, pid, started, beat, T0 - 10)


def test_on_this_host_a_gone_process_is_at_once_ended() -> None:
    alive = {(4242, 99.0)}

    def running(pid, started):
        return (pid, started) in alive

    assert why_ended(run_on("here"), T0, "here", running) is None
    alive.clear()
    assert why_ended(run_on("here"), T0, "here", running) == "process 4242 ended without finish()"


def test_on_another_host_after_60_s_without_heartbeat() -> None:
    def never(pid, started):
        raise AssertionError("another host's process table is not ours to look at")

    run = run_on("gpu-box-2")
    assert why_ended(run, T0 + 59.9, "laptop", never) is None
    assert why_ended(run, T0 + 60, "laptop", never) == "no heartbeat from gpu-box-2 for 60 s"
    # No heartbeat yet: counted from the start.
    silent = run_on("gpu-box-2", beat=None)
    assert why_ended(silent, T0 + 49, "laptop", never) is None
    assert why_ended(silent, T0 + 50, "laptop", never) is not None


def test_a_run_without_a_process_is_left_alone() -> None:
    assert (
        why_ended(RunProcess(None, None, None, None, T0), T0 + 999, "here", lambda *a: False)
        is None
    )


def test_process_identity_of_this_process() -> None:
    me = current_process()
    assert me.pid == os.getpid() and me.host == host_name() and me.user
    assert me.started is not None and start_time(me.pid) == me.started
    assert is_running(me.pid, me.started)
    assert not is_running(me.pid, me.started + 1)  # the same pid, another start: a reuse


def test_an_ended_process_is_not_running() -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    started = start_time(child.pid)
    child.wait()
    assert not is_running(child.pid, started)
    zombie = subprocess.Popen([sys.executable, "-c", "pass"])
    started = start_time(zombie.pid)
    os.waitid(os.P_PID, zombie.pid, os.WEXITED | os.WNOWAIT)  # ended, not yet reaped
    try:
        assert not is_running(zombie.pid, started)
    finally:
        zombie.wait()


def test_how_a_run_ends() -> None:
    R, S, F = JobStatus.RUNNING, JobStatus.STOPPING, JobStatus.FAILED
    assert run_end(R, 0, None, 12) == (JobStatus.COMPLETE, "finished at step 12")
    assert run_end(R, 3, None, 12) == (F, "exited with status 3")
    assert run_end(R, 1, "ValueError: bad shape", 12) == (F, "ValueError: bad shape")
    assert run_end(R, 1, "KeyboardInterrupt", 12) == (F, "KeyboardInterrupt")
    assert run_end(S, 0, None, 12) == (JobStatus.STOPPED, "stopped by user at step 12")
    assert run_end(S, 1, "KeyboardInterrupt", 12) == (
        JobStatus.STOPPED,
        "stopped by user at step 12",
    )
    assert run_end(S, 1, "OSError: disk full", 12) == (F, "OSError: disk full")
    for final in (F, JobStatus.STOPPED, JobStatus.COMPLETE):
        assert run_end(final, 0, None, 12) is None  # marked failed by the user: stays so

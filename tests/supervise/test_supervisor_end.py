"""The end of a command, driven step by step: its last output is kept however late the reader
thread that reads it runs, and a pipe held open by something outside its group does not keep
the supervisor from ending the job."""

from __future__ import annotations

import itertools
import subprocess
import sys
import threading
import time

import pytest

from vapor_tui.core.command import command_spec
from vapor_tui.core.output import Segment
from vapor_tui.live.commands import Created, NewCommand, execute
from vapor_tui.store.output import read_output
from vapor_tui.store.tables import jobs_table
from vapor_tui.supervise import supervisor as supervisor_module
from vapor_tui.supervise.ladder import Ladder
from vapor_tui.supervise.reader import Piece
from vapor_tui.supervise.supervisor import Supervision

LATE_S = 0.3  # how late the reader thread delivers the command's last line


@pytest.fixture
def ended_command(store, tmp_path):
    """A running command job, and its command: a real process that has already exited 0."""
    spec = command_spec([sys.executable, "-c", "pass"], str(tmp_path), {}, None)
    created = execute(store, NewCommand("late", spec))
    assert isinstance(created, Created), created
    job_id = created.job.id
    with store.write() as conn:
        conn.execute(jobs_table.update().where(jobs_table.c.id == job_id).values(status="running"))
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return job_id, proc


def _supervision(store, job_id, end_read_s=supervisor_module.END_READ_S):
    # Every look at the clock is 10 s later: as if each store round took that long.
    ticks = itertools.count(step=10.0)
    sup = Supervision(store, job_id, "unused", mono=lambda: next(ticks), end_read_s=end_read_s)
    sup.ladder = Ladder()
    return sup


def _late_reader(sup: Supervision, killed: threading.Event, end: bool) -> threading.Thread:
    """The reader thread, running late: it delivers the last line only after the supervisor
    has given up waiting for the streams to end on their own and killed the group."""

    def deliver() -> None:
        assert killed.wait(30.0)
        time.sleep(LATE_S)
        sup._pieces.put(Piece("out", [Segment("saving checkpoint", True)], time.time()))
        if end:
            for stream in ("out", "err"):
                sup._pieces.put(Piece(stream, None, time.time()))

    thread = threading.Thread(target=deliver, daemon=True)
    thread.start()
    return thread


@pytest.fixture
def killed(monkeypatch):
    event = threading.Event()

    def signal_group(proc, sig):
        event.set()  # the command's group is recorded, not signalled: its pid was reaped
        return False

    monkeypatch.setattr(supervisor_module, "signal_group", signal_group)
    return event


def _lines(store, job_id):
    with store.read() as conn:
        return [(x.stream, x.text) for x in read_output(conn, job_id)]


def test_the_last_line_is_kept_when_the_reader_runs_late_after_the_exit(
    store, ended_command, killed
):
    job_id, proc = ended_command
    sup = _supervision(store, job_id)
    thread = _late_reader(sup, killed, end=True)
    sup._watch(proc)
    thread.join(5.0)
    assert ("out", "saving checkpoint") in _lines(store, job_id)
    with store.read() as conn:
        row = conn.execute(jobs_table.select().where(jobs_table.c.id == job_id)).mappings().one()
    assert (row["status"], row["exit_code"]) == ("complete", 0)


def test_a_pipe_held_open_outside_the_group_ends_the_job_after_the_bound(
    store, ended_command, killed
):
    job_id, proc = ended_command
    sup = _supervision(store, job_id, end_read_s=LATE_S * 3)
    thread = _late_reader(sup, killed, end=False)  # its streams never end
    started = time.monotonic()
    sup._watch(proc)
    assert time.monotonic() - started < 10.0
    thread.join(5.0)
    assert ("out", "saving checkpoint") in _lines(store, job_id)
    with store.read() as conn:
        row = conn.execute(jobs_table.select().where(jobs_table.c.id == job_id)).mappings().one()
    assert row["status"] == "complete"

"""The supervisor of one command job: `python -m vapor_tui.supervise JOB_ID`, started detached
(its own session, stdin from /dev/null) by whoever starts the job.

It starts the command (launch.py), writes its output, the points and progress read from it, and
a heartbeat; it watches the job's status and stop rung at most once a second and climbs the
stop ladder, so a stop asked for anywhere (the app, `vapor-tui stop ID` on any machine sharing
the database) acts within a second; and it ends the job with how the command ended. The command
dies with it (PR_SET_PDEATHSIG): it never runs unsupervised.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from vapor_tui.core.process import start_time
from vapor_tui.core.series import SeriesPoints
from vapor_tui.core.status import JobStatus
from vapor_tui.store import supervised as rows
from vapor_tui.store.engine import Store
from vapor_tui.store.output import append_output, output_tail
from vapor_tui.store.series import write_points

from .collect import Collector, Taken
from .exits import exit_outcome, signal_name
from .ladder import DEFAULT_GRACE_S, Ladder
from .launch import launch, signal_group
from .reader import Piece, start_readers

FLUSH_S = 0.25  # output and points reach the store this often while they come
CONTROL_S = 1.0  # the job's status and stop rung are read this often
BEAT_S = 5.0  # the heartbeat
STALE_BEAT_S = 15.0  # a heartbeat not ours but older than this: we beat again
DRAIN_S = 2.0  # after the command ends, how long its children may hold its output open

ENV_DB = "VAPOR_TUI_DB"
ENV_JOB = "VAPOR_TUI_JOB"


@dataclass
class Supervision:
    store: Store
    job_id: int
    db_target: str  # what the command gets as VAPOR_TUI_DB (a URL with its password)
    wall: Callable[[], float] = time.time
    mono: Callable[[], float] = time.monotonic
    collector: Collector = field(default_factory=Collector)
    attached: bool = False
    asked: str | None = None  # "stop" / "fail" / a signal name: why we signalled the command
    _beat: float | None = None
    _pieces: queue.Queue[Piece] = field(default_factory=queue.Queue)
    _own_signal: str | None = None

    def run(self) -> int:
        with self.store.write() as conn:
            job = rows.read_command(conn, self.job_id)
            if job is None or job.source != "command" or not job.argv:
                return 2
            me = os.getpid()
            now = self.wall()
            if not rows.claim(conn, self.job_id, me, start_time(me), now):
                return 2  # not running, or another supervisor has it
            self._beat = now
            seq, rev = output_tail(conn, self.job_id)
        self.collector.fold.next_seq, self.collector.fold.next_rev = seq + 1, rev + 1
        self.ladder = Ladder(job.stop_grace if job.stop_grace is not None else DEFAULT_GRACE_S)
        env = {**os.environ, "PYTHONUNBUFFERED": "1", **job.env}
        env.update({ENV_DB: self.db_target, ENV_JOB: str(self.job_id)})
        try:
            proc = launch(job.argv, job.cwd, env)
        except OSError as exc:
            why = exc.strerror or str(exc)
            where = f" in {job.cwd}" if job.cwd and isinstance(exc, FileNotFoundError) else ""
            with self.store.write() as conn:
                rows.finish(
                    conn,
                    self.job_id,
                    JobStatus.FAILED,
                    f"cannot start {job.argv[0]}{where}: {why}",
                    None,
                    self.wall(),
                )
            return 1
        with self.store.write() as conn:
            rows.record_pid(conn, self.job_id, proc.pid, start_time(proc.pid))
        self._catch_signals(proc)
        assert proc.stdout is not None and proc.stderr is not None
        start_readers({"out": proc.stdout, "err": proc.stderr}, self._pieces, self.wall)
        self._watch(proc)
        return 0

    def _catch_signals(self, proc: subprocess.Popen[bytes]) -> None:
        """SIGTERM to the supervisor (a shutdown, a kill): the command is ended the same way,
        SIGKILL after the ladder's 10 s, and the job says why."""

        def ended(signum: int, frame: object) -> None:
            self._own_signal = signal_name(signum)

        for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
            signal.signal(sig, ended)

    def _watch(self, proc: subprocess.Popen[bytes]) -> None:
        next_flush = next_control = self.mono()
        exited_at: float | None = None
        while True:
            now = self.mono()
            wait = min(next_flush, next_control, self.ladder.next_due() or now + 1.0) - now
            self._drain(max(0.0, min(wait, 0.5)))
            now = self.mono()
            if self._own_signal and self.asked is None:
                self.asked = self._own_signal
                self._send(proc, self.ladder.fail(now))
            if now >= next_control:
                next_control = now + CONTROL_S
                self._look(proc, now)
            self._send(proc, self.ladder.due(now), record=True)
            if now >= next_flush:
                next_flush = now + FLUSH_S
                self._flush()
            if exited_at is None and proc.poll() is not None:
                exited_at = now
            if exited_at is not None and (
                len(self.collector.ended) == 2 or now - exited_at > DRAIN_S
            ):
                break
        if len(self.collector.ended) < 2:
            signal_group(proc, signal.SIGKILL)  # its children kept its output: they go too
        self._drain(0.0)
        self.collector.fold.close_open(self.wall())
        self._flush()
        self._end(proc.returncode)

    def _drain(self, timeout: float) -> None:
        try:
            self.collector.add(self._pieces.get(timeout=timeout))
            while True:
                self.collector.add(self._pieces.get_nowait())
        except queue.Empty:
            pass

    def _look(self, proc: subprocess.Popen[bytes], now: float) -> None:
        """Read the job's status and rung; act on a stop or fail asked for anywhere."""
        with self.store.read() as conn:
            seen = rows.control(conn, self.job_id)
        if seen is None:  # deleted: nothing to report to
            self._send(proc, self.ladder.fail(now))
            return
        status, rung, heartbeat = seen
        if heartbeat is not None and heartbeat != self._beat:
            self._attach()
        wall = self.wall()
        if self._beat is None or wall - self._beat >= BEAT_S:
            with self.store.write() as conn:
                mine = rows.beat(conn, self.job_id, wall, self._beat, STALE_BEAT_S)
            if mine:
                self._beat = wall
            else:
                self._attach()
        if status.is_final and rung >= 3:  # failed by the user (f), or stopped at once
            self.asked = self.asked or ("fail" if status is JobStatus.FAILED else "stop")
            self._send(proc, self.ladder.fail(now))
        elif status.is_final:
            # Ended by the script itself (its finish()) while it is still on its way out:
            # it has the grace period to exit, then the ladder's SIGTERM and SIGKILL.
            self._send(proc, self.ladder.climb(1, now, attached=True))
        elif status is JobStatus.STOPPING:
            self.asked = self.asked or "stop"
            self._send(proc, self.ladder.climb(max(rung, 1), now, self.attached))

    def _check_attached(self) -> None:
        with self.store.read() as conn:
            seen = rows.control(conn, self.job_id)
        if seen is not None and seen[2] is not None and seen[2] != self._beat:
            self._attach()

    def _attach(self) -> None:
        self.attached = True
        self.collector.parse = False

    def _send(self, proc: subprocess.Popen[bytes], steps: list, record: bool = False) -> None:
        for step in steps:
            if proc.poll() is None:
                signal_group(proc, step.sig)
            if record and step.by_clock:
                with self.store.write() as conn:
                    rows.climb(conn, self.job_id, step.rung, self.ladder.climb_reason())

    def _flush(self) -> None:
        taken = self.collector.take()
        if (taken.points or taken.progress) and not self.attached:
            # A script that attached wrote its heartbeat before it printed what was just read:
            # a look now tells, before any point read from its output is written over its own.
            self._check_attached()
        if self.attached:
            taken.points, taken.progress = {}, None
        if taken.empty:
            return
        with self.store.write() as conn:
            self._write(conn, taken)

    def _write(self, conn, taken: Taken) -> None:
        append_output(conn, self.job_id, taken.lines)
        if taken.points:
            batch = {name: SeriesPoints.of(points) for name, points in taken.points.items()}
            write_points(conn, {self.job_id: batch})
        bar = taken.progress
        if bar is not None or taken.points:
            per_s = bar.per_second if bar is not None else None
            rows.record_progress(
                conn,
                self.job_id,
                taken.steps,
                bar.total if bar is not None else None,
                1.0 / per_s if per_s else None,
            )

    def _end(self, returncode: int) -> None:
        now = self.wall()
        with self.store.write() as conn:
            if self.asked == "stop":
                reason = self.ladder.stop_reason(self.collector.steps or None)
                rows.finish(conn, self.job_id, JobStatus.STOPPED, reason, returncode, now)
            elif self.asked == "fail" or self.asked is None:
                status, reason = exit_outcome(returncode, self.collector.last_stderr)
                rows.finish(conn, self.job_id, status, reason, returncode, now)
            else:
                reason = f"the supervisor got {self.asked}: the command was ended"
                rows.finish(conn, self.job_id, JobStatus.FAILED, reason, returncode, now)

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
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from vapor_tui.core.output import OutputLine
from vapor_tui.core.process import start_time
from vapor_tui.core.series import SeriesPoints
from vapor_tui.core.status import JobStatus
from vapor_tui.store import supervised as rows
from vapor_tui.store.engine import Store, StoreError
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
END_READ_S = 5.0  # then, once its group is killed, how long its last output may take to read
END_RETRY_S = 60.0  # how long the end is tried for when the database does not answer

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
    _held: list[tuple[float, Taken]] = field(default_factory=list)  # points awaiting a look
    _lines: dict[int, OutputLine] = field(default_factory=dict)  # output not written yet
    _store_down: bool = False
    deleted: bool = False
    _looked_at: float = float("-inf")  # when the last look at the job started (mono)
    end_read_s: float = END_READ_S

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
                self._safely(self._look, proc, now)
            self._send(proc, self.ladder.due(now), record=True)
            if now >= next_flush:
                next_flush = now + FLUSH_S
                self._safely(self._flush)
            # Timed from now: a slow store round above must not count as time to drain.
            if exited_at is None and proc.poll() is not None:
                exited_at = self.mono()
            if exited_at is not None and (
                len(self.collector.ended) == 2 or self.mono() - exited_at > DRAIN_S
            ):
                break
        if len(self.collector.ended) < 2:
            signal_group(proc, signal.SIGKILL)  # its children kept its output: they go too
        self._drain_to_end()
        self.collector.fold.close_open(self.wall())
        deadline = self.mono() + END_RETRY_S
        # The end is written whatever the database does meanwhile (a server restarting).
        while not self._safely(self._flush, True) or not self._safely(self._end, proc.returncode):
            if self.mono() > deadline:
                print(f"gave up writing the end of job #{self.job_id}", file=sys.stderr)
                return
            time.sleep(1.0)

    def _safely(self, write: Callable[..., object], *args: object) -> bool:
        """Do one store round; if the database does not answer, say so once (the supervisor's
        log) and leave it to the next round: the command is never ended for it."""
        try:
            write(*args)
        except StoreError as exc:
            if not self._store_down:
                print(f"job #{self.job_id}: the database does not answer: {exc}", file=sys.stderr)
            self._store_down = True
            return False
        self._store_down = False
        return True

    def _drain(self, timeout: float) -> None:
        try:
            self.collector.add(self._pieces.get(timeout=timeout))
            while True:
                self.collector.add(self._pieces.get_nowait())
        except queue.Empty:
            pass

    def _drain_to_end(self) -> None:
        """Read what is left until both streams end. The command's last lines were written
        before it exited, but a reader thread on a busy machine may not have read them yet:
        wait for it (the group is gone, so its pipes are closed), unless something that left
        the group still holds them, for at most `end_read_s`."""
        deadline = time.monotonic() + self.end_read_s
        while len(self.collector.ended) < 2:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            try:
                self.collector.add(self._pieces.get(timeout=left))
            except queue.Empty:
                return

    def _look(self, proc: subprocess.Popen[bytes], now: float) -> None:
        """Read the job's status and rung; act on a stop or fail asked for anywhere."""
        self._looked_at = self.mono()
        with self.store.read() as conn:
            seen = rows.control(conn, self.job_id)
        if seen is None:  # deleted: nothing to report to, or to keep
            self.deleted = True
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
                self._safely(self._climb, step.rung)

    def _climb(self, rung: int) -> None:
        with self.store.write() as conn:
            rows.climb(conn, self.job_id, rung, self.ladder.climb_reason())

    def _flush(self, final: bool = False) -> None:
        """Write the output now; the points and progress read from it once a look at the job
        that started after they were read finds no script attached (a script that attached
        wrote its heartbeat before it printed them): never over the script's own points."""
        taken = self.collector.take()
        for line in taken.lines:  # with what a round the database missed left
            self._lines[line.seq] = line
        if taken.points or taken.progress:
            self._held.append((self.mono(), taken))
        if self.deleted:
            self._lines.clear()
            self._held.clear()
            return
        if final and self._held and not self.attached:
            self._check_attached()
        if self.attached:
            self._held.clear()
        due = [t for at, t in self._held if final or at < self._looked_at]
        if not self._lines and not due:
            return
        with self.store.write() as conn:
            append_output(conn, self.job_id, [self._lines[seq] for seq in sorted(self._lines)])
            for held in due:
                self._write_points(conn, held)
        self._lines.clear()  # written: only now are they let go
        self._held = [(at, t) for at, t in self._held if not (final or at < self._looked_at)]

    def _write_points(self, conn, taken: Taken) -> None:
        if taken.points:
            batch = {name: SeriesPoints.of(points) for name, points in taken.points.items()}
            write_points(conn, {self.job_id: batch})
        bar = taken.progress
        per_s = bar.per_second if bar is not None else None
        rows.record_progress(
            conn,
            self.job_id,
            taken.steps,
            bar.total if bar is not None else None,
            1.0 / per_s if per_s else None,
        )

    def _end(self, returncode: int) -> None:
        if self.deleted:
            return
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

"""The user's actions on a session's queue: carried out one at a time, in the order asked for,
each judged from the status the user saw (corrected by what this session's earlier actions
did to the job)."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field, replace

from vapor_tui.core.status import Action, JobStatus, next_status

from .commands import Act, Acted, Command, Outcome


@dataclass(frozen=True, slots=True)
class _Change:
    before: JobStatus
    after: JobStatus
    action: Action
    before_rung: int | None = None
    after_rung: int | None = None


@dataclass
class ActionQueue:
    """The user's actions, carried out one at a time in the order they were asked for: those
    asked while the database opens wait for it, and none is dropped.

    Each keeps the status the user saw, with one correction: where an earlier action of this
    session moved the job from that status, the later one is judged from where that action left
    it. So `x x` on a running job stops it at once (the second stop finds it stopping, as the
    README promises), and a press repeated while the first was on its way is not a conflict with
    itself: a repeated start on the job it started is dropped."""

    _waiting: deque[Command] = field(default_factory=deque)
    _busy: bool = False
    _changes: dict[int, list[_Change]] = field(default_factory=dict)
    _early: bool = True  # whether the store's early path may still be tried

    def submit(self, command: Command) -> None:
        self._waiting.append(command)

    @property
    def pending(self) -> int:
        return len(self._waiting) + self._busy

    def next(self) -> Command | None:
        """The next command to carry out (it is then in progress until `finished`), or None."""
        if self._busy:
            return None
        while self._waiting:
            command: Command | None = self._waiting.popleft()
            if isinstance(command, Act):
                command = self._judged(command)
            if command is None:
                continue  # a repeat of what this session already did
            self._busy = True
            return command
        return None

    def next_early(self) -> Act | None:
        """While the store opens: the next command, if it is one the store's early path may
        carry out (an action on a job the user saw queued); None to wait for the store."""
        if self._busy or not self._early or not self._waiting:
            return None
        head = self._waiting[0]
        if not isinstance(head, Act) or head.seen is not JobStatus.QUEUED:
            return None
        command = self.next()
        assert command is None or isinstance(command, Act)
        return command

    def declined(self, command: Command) -> None:
        """The early path could not carry it out: it waits for the store, first in line, and
        the early path is not tried again."""
        self._waiting.appendleft(command)
        self._busy, self._early = False, False

    def finished(self, outcome: Outcome | None) -> None:
        """The command in progress ended (None: it failed unexpectedly)."""
        self._busy = False
        if isinstance(outcome, Acted) and outcome.command.seen is not None:
            change = _Change(
                outcome.command.seen,
                outcome.job.status,
                outcome.command.action,
                outcome.command.seen_rung,
                outcome.job.stop_rung,
            )
            self._changes.setdefault(outcome.job.id, []).append(change)

    def _judged(self, command: Act) -> Act | None:
        seen, rung, last = command.seen, command.seen_rung, None
        if seen is None:
            return command
        for change in self._changes.get(command.job_id, ()):
            same_rung = rung is None or change.before_rung in (None, rung)
            if change.before is seen and same_rung:
                seen, last = change.after, change.action
                rung = None if rung is None else change.after_rung
        if last is None:
            return command
        if next_status(seen, command.action) is None and last is command.action:
            return None
        return replace(command, seen=seen, seen_rung=rung)

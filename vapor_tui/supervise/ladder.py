"""The stop ladder for a launched command: which signal goes to its process group when.

Rungs (the job's `stop_rung`, raised by each `x`): 1 stop requested (an attached script sees
`should_stop()`; a command that did not attach gets SIGINT at once), 2 SIGINT, 3 SIGTERM, 4
SIGKILL. The ladder climbs by itself too: SIGTERM once the grace period since the first stop
has passed, SIGKILL `kill_after` seconds after SIGTERM. `f` (failed by the user): SIGTERM at
once, SIGKILL after `kill_after`. Times are plain seconds from a clock the caller owns, so
tests move them instead of waiting.
"""

from __future__ import annotations

import signal
from dataclasses import dataclass

DEFAULT_GRACE_S = 60.0
KILL_AFTER_S = 10.0
TOP_RUNG = 4


@dataclass(frozen=True, slots=True)
class Step:
    """Send `sig`; the job is now at `rung`. `by_clock`: the ladder climbed by itself (the
    rung is worth recording), not because someone asked."""

    sig: signal.Signals
    rung: int
    by_clock: bool = False


class Ladder:
    def __init__(self, grace_s: float = DEFAULT_GRACE_S, kill_after_s: float = KILL_AFTER_S):
        self.grace_s = grace_s
        self.kill_after_s = kill_after_s
        self.rung = 0
        self.failing = False
        self._term_at: float | None = None
        self._kill_at: float | None = None
        self._term_by_clock = False
        self._kill_by_clock = False

    def climb(self, rung: int, now: float, attached: bool) -> list[Step]:
        """The job's stop rung is `rung` (read from the store): the signals that are due."""
        rung = min(rung, TOP_RUNG)
        if rung <= self.rung:
            return []
        if self._term_at is None:
            self._term_at = now + self.grace_s
        self.rung = rung
        if rung == 1:
            return [] if attached else [Step(signal.SIGINT, 1)]
        if rung == 2:
            return [Step(signal.SIGINT, 2)]
        if rung == 3:
            self._kill_at = now + self.kill_after_s
            return [Step(signal.SIGTERM, 3)]
        return [Step(signal.SIGKILL, 4)]

    def fail(self, now: float) -> list[Step]:
        """The job was marked failed while its command runs."""
        if self.failing:
            return []
        self.failing = True
        if self.rung >= 3:
            return []
        self.rung = 3
        self._kill_at = now + self.kill_after_s
        self._term_by_clock = False
        return [Step(signal.SIGTERM, 3)]

    def due(self, now: float) -> list[Step]:
        """What the clock has made due by `now`."""
        steps: list[Step] = []
        if self.rung < 3 and self._term_at is not None and now >= self._term_at:
            self.rung = 3
            self._term_by_clock = True
            self._kill_at = now + self.kill_after_s
            steps.append(Step(signal.SIGTERM, 3, by_clock=True))
        if self.rung == 3 and self._kill_at is not None and now >= self._kill_at:
            self.rung = 4
            self._kill_by_clock = True
            steps.append(Step(signal.SIGKILL, 4, by_clock=True))
        return steps

    def next_due(self) -> float | None:
        """When `due` next has something to do, or None."""
        if self.rung < 3:
            return self._term_at
        if self.rung == 3:
            return self._kill_at
        return None

    def climb_reason(self) -> str:
        """The job's reason once the clock took the ladder to where it is."""
        if self.rung >= 4:
            return f"stop now: SIGINT sent, then SIGKILL {self.kill_after_s:g} s after SIGTERM"
        return f"stop now: SIGINT sent, then SIGTERM after {self.grace_s:g} s"

    def stop_reason(self, step: int | None) -> str:
        """How a stopped command ended, for the job's reason."""
        if self.rung >= 4:
            if self._kill_by_clock:
                return f"stopped by user (SIGKILL {self.kill_after_s:g} s after SIGTERM)"
            return "stopped by user (SIGKILL)"
        if self.rung == 3:
            if self._term_by_clock:
                return f"stopped by user (SIGTERM after {self.grace_s:g} s)"
            return "stopped by user (SIGTERM)"
        return f"stopped by user at step {step}" if step else "stopped by user"

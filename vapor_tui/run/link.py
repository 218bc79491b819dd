"""What a run needs of the database, as a protocol: the writer thread and the Run are written
against it, and `store_link.StoreLink` is the one real implementation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from .buffer import Pending

__all__ = ["Control", "Link"]


@dataclass(frozen=True, slots=True)
class Control:
    """What the user asked of the run, as its row says: one indexed read."""

    status: str
    stop_rung: int
    reason: str

    @property
    def stop_asked(self) -> bool:
        return self.status != "running"


class Link(Protocol):
    job_id: int

    def write(self, pending: Pending, heartbeat: float | None) -> None:
        """The points, and the heartbeat if given, in one transaction. Raises on failure
        (nothing is written then)."""
        ...

    def control(self) -> Control | None:
        """The run's status, stop rung and reason; None if its job was deleted."""
        ...

    def end(self, exit_code: int, error: str | None, last_step: int) -> tuple[str, str]:
        """Record how the run ended (compare-and-set on the status it reads): its status and
        reason as recorded, or as they were if it had ended already."""
        ...

    def close(self) -> None: ...

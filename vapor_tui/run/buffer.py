"""Points waiting to be written: log() appends under a lock and returns; the writer takes
everything at once. Plain lists, no numpy, so a log() call costs microseconds."""

from __future__ import annotations

import threading
from collections.abc import Iterable

__all__ = ["Pending", "PointBuffer"]

# name -> (steps, values, timestamps), in the order they were logged
Pending = dict[str, tuple[list[int], list[float], list[float]]]


class PointBuffer:
    def __init__(self, last_step: int = 0):
        self._lock = threading.Lock()
        self._pending: Pending = {}
        self.last_step = last_step  # the highest step logged (or found on an attached job)
        self.count = 0  # points added, ever

    def add(self, step: int | None, values: Iterable[tuple[str, float]], ts: float) -> int:
        with self._lock:
            if step is None:
                step = self.last_step + 1
            if step > self.last_step:
                self.last_step = step
            pending = self._pending
            for name, value in values:
                lists = pending.get(name)
                if lists is None:
                    lists = pending[name] = ([], [], [])
                lists[0].append(step)
                lists[1].append(value)
                lists[2].append(ts)
                self.count += 1
            return step

    def take(self) -> Pending:
        with self._lock:
            taken, self._pending = self._pending, {}
            return taken

    def __len__(self) -> int:
        with self._lock:
            return sum(len(lists[0]) for lists in self._pending.values())


def merge(into: Pending, later: Pending) -> Pending:
    """`later`'s points after `into`'s (a re-logged step keeps the later value when written)."""
    for name, (steps, values, stamps) in later.items():
        lists = into.get(name)
        if lists is None:
            into[name] = (steps, values, stamps)
        else:
            lists[0].extend(steps)
            lists[1].extend(values)
            lists[2].extend(stamps)
    return into


def size(pending: Pending) -> int:
    return sum(len(lists[0]) for lists in pending.values())

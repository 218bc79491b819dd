"""A launched command's output as the store keeps it: numbered lines, a progress line (one a
carriage return redraws) updated in place rather than added again.

Every write of a line, new or updated, gets the next `rev` of its job: a reader that holds
everything up to some rev asks for the lines with a later one and gets both the new lines and
the progress line that changed, without reading the rest again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

KEEP_LINES = 10_000
STREAMS = ("out", "err")


@dataclass(frozen=True, slots=True)
class Segment:
    """A piece of output: `final` ends its line (a newline), else it is the line's latest state
    (a carriage return) and the next segment replaces it."""

    text: str
    final: bool


@dataclass(frozen=True, slots=True)
class OutputLine:
    seq: int  # the line's place in the job's output, from 1
    stream: str  # "out" or "err"
    text: str
    ts: float  # seconds since the epoch it was last written
    partial: bool = False  # a progress line not closed by a newline yet
    rev: int = 0


class OutputFold:
    """Turns segments into the lines to write, one entry a line however often it changed
    since the last `take`."""

    def __init__(self, next_seq: int = 1, next_rev: int = 1):
        self.next_seq = next_seq
        self.next_rev = next_rev
        self._open: dict[str, OutputLine] = {}  # stream -> its open progress line
        self._pending: dict[int, OutputLine] = {}

    def add(self, stream: str, segments: Iterable[Segment], ts: float) -> None:
        for seg in segments:
            line = self._open.pop(stream, None)
            if line is not None:
                text = seg.text if seg.text or not seg.final else line.text
                line = replace(line, text=text, ts=ts, partial=not seg.final)
            else:
                line = OutputLine(self.next_seq, stream, seg.text, ts, partial=not seg.final)
                self.next_seq += 1
            if line.partial:
                self._open[stream] = line
            self._pending[line.seq] = line

    def close_open(self, ts: float) -> None:
        """The command ended: its open progress lines are what they last showed."""
        for line in self._open.values():
            self._pending[line.seq] = replace(line, partial=False, ts=ts)
        self._open.clear()

    def take(self) -> list[OutputLine]:
        """The lines written or changed since the last take, in line order, each with its rev."""
        lines = []
        for seq in sorted(self._pending):
            lines.append(replace(self._pending[seq], rev=self.next_rev))
            self.next_rev += 1
        self._pending.clear()
        return lines

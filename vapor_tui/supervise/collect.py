"""What a command's output adds up to between two writes: the lines to store, the points read
from them, the progress its tqdm bar shows, and its last line on stderr (for the reason of a
failed exit). No I/O here: the supervisor writes what `take` gives."""

from __future__ import annotations

from dataclasses import dataclass, field

from vapor_tui.core.output import OutputFold, OutputLine

from .metrics import Progress, Reader, parse_progress
from .reader import Piece


@dataclass(slots=True)
class Taken:
    lines: list[OutputLine]
    points: dict[str, list[tuple[int, float, float]]]  # name -> (step, value, timestamp)
    progress: Progress | None  # the training bar's latest state, if it moved
    steps: int  # the latest step seen (a point's, or the bar's)

    @property
    def empty(self) -> bool:
        return not self.lines and not self.points and self.progress is None


@dataclass
class Collector:
    fold: OutputFold = field(default_factory=OutputFold)
    reader: Reader = field(default_factory=Reader)
    # A script attached through the logging API logs its own points: its output is only kept.
    parse: bool = True
    last_stderr: str = ""
    ended: set[str] = field(default_factory=set)
    _points: dict[str, list[tuple[int, float, float]]] = field(default_factory=dict)
    _progress: Progress | None = None

    def add(self, piece: Piece) -> None:
        if piece.segments is None:
            self.ended.add(piece.stream)
            return
        self.fold.add(piece.stream, piece.segments, piece.ts)
        for seg in piece.segments:
            bar = self.reader.progress(seg.text) if self.parse else None
            if bar is not None:
                self._progress = bar
                continue
            if not seg.final:
                continue
            if piece.stream == "err" and seg.text.strip() and parse_progress(seg.text) is None:
                self.last_stderr = seg.text.strip()
            found = self.reader.metrics(seg.text) if self.parse else None
            if found is not None:
                step, values = found
                for name, value in values.items():
                    self._points.setdefault(name, []).append((step, value, piece.ts))

    @property
    def steps(self) -> int:
        bar = self.reader.bar.done if self.reader.bar is not None else 0
        return max(bar, self.reader.last_step)

    def take(self) -> Taken:
        taken = Taken(self.fold.take(), self._points, self._progress, self.steps)
        self._points = {}
        self._progress = None
        return taken

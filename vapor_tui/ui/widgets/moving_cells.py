"""The cells of a running job's row that a tick moves, made only when what they show moved.

Each cell has a key worked out from the job's numbers, cheaply: the bar's filled cells and
its percentage, the status, the epoch's and loss's words, the ETA's words (cached by the
whole days, or seconds under a day, that humanize words it from), the age's minute. A tick
compares the keys with the ones the row was made from, and makes a cell's Text only where its
key moved (issue 14: making every running job's progress Text and ETA wording at every tick,
then comparing them with the cells shown, was a third of the UI thread's tick). The badges and
progress bars are shared Texts, one for each key: the table never changes a cell in place.
"""

from __future__ import annotations

from datetime import datetime

from rich.text import Text

from vapor_tui.core.job import Job
from vapor_tui.present import text
from vapor_tui.ui.glyphs import Glyphs

BAR_WIDTH = 8
COLUMNS = ("status", "progress", "epoch", "loss", "eta", "created")
_KEPT = 4096  # shared cells held at most (a bar has 8 x 8 levels and 101 percentages)


def progress_text(job: Job, glyphs: Glyphs) -> Text:
    """The progress cell: the bar, and the percentage when the job's total is known."""
    bar_style = glyphs.active_bar if job.status.is_active else "grey50"
    bar = glyphs.bar(job.progress, BAR_WIDTH)
    return Text.assemble(
        (bar, bar_style), f" {job.progress * 100:3.0f}%" if job.known_total else " ?"
    )


class MovingCells:
    """Makes a row's moving cells from their keys; holds the shared badges and bars, which
    `forget` drops (a theme's colours change them)."""

    def __init__(self, glyphs: Glyphs) -> None:
        self.glyphs = glyphs
        self._badges: dict[object, Text] = {}
        self._bars: dict[tuple, Text] = {}

    def forget(self) -> None:
        self._badges.clear()
        self._bars.clear()

    def keys(self, job: Job, minute: int) -> tuple:
        """What each of COLUMNS shows of `job`, in that order; `minute` is its age's."""
        progress = job.progress
        progress_key = (
            job.status.is_active,
            self.glyphs.bar_level(progress, BAR_WIDTH),
            f"{progress * 100:3.0f}" if job.known_total else None,
        )
        return (
            job.status,
            progress_key,
            job.epoch_label,
            text.loss(job.last_loss),
            text.job_eta(job),
            minute,
        )

    def cells(self, job: Job, now: datetime, keys: tuple, before: tuple | None) -> dict[str, Text]:
        """The cells of COLUMNS whose keys differ from `before` (every one without it)."""
        made: dict[str, Text] = {}
        for column, key, old in zip(COLUMNS, keys, before or (None,) * len(COLUMNS), strict=True):
            if before is not None and key == old:
                continue
            if column == "status":
                made[column] = self._badge(job)
            elif column == "progress":
                made[column] = self._bar(job, key)
            elif column == "created":
                made[column] = Text(text.ago(job.created_at, now))
            else:  # epoch, loss, ETA: the key is the cell's words
                made[column] = Text(key)
        return made

    def _badge(self, job: Job) -> Text:
        badge = self._badges.get(job.status)
        if badge is None:
            badge = self._badges[job.status] = self.glyphs.badge(job.status)
        return badge

    def _bar(self, job: Job, key: tuple) -> Text:
        bar = self._bars.get(key)
        if bar is None:
            if len(self._bars) >= _KEPT:
                self._bars.clear()
            bar = self._bars[key] = progress_text(job, self.glyphs)
        return bar

"""The jobs screen's top line: how many jobs, by status, and what else the user should know
(the filter, a read-only database, a problem writing, where the database is), fitted to the
terminal's width."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual.content import Content

from vapor_tui.core.job import Job
from vapor_tui.core.status import JobStatus
from vapor_tui.present.text import count
from vapor_tui.ui.glyphs import Glyphs
from vapor_tui.ui.plain import markup


@dataclass(frozen=True)
class TopNotes:
    readonly: bool = False
    network_fs: bool = False  # SQLite on a network filesystem
    problem: str = ""
    target: str = ""  # the database's path or URL
    marked: int = 0  # jobs marked with space
    order: str = ""  # "sorted by loss, ascending", when not the default order


def topbar_text(
    jobs: Sequence[Job],
    shown: Sequence[Job],
    filter_text: str,
    *,
    notes: TopNotes,
    width: int,
    glyphs: Glyphs,
) -> Content:
    """Counts of the jobs `shown` ("3 of 12 jobs" while a filter hides some); a narrow
    terminal drops the database path first, then shrinks the counts to symbols."""
    counts = {s: 0 for s in JobStatus}
    for job in shown:
        counts[job.status] += 1
    g = glyphs
    total = count(len(jobs), "job")
    if filter_text:
        total = f"{len(shown)} of {total}"
    words = f" {g.sep} ".join([total] + [f"{counts[s]} {s}" for s in JobStatus if counts[s]])
    symbols = " ".join([total] + [f"{counts[s]}{g.symbol(s)}" for s in JobStatus if counts[s]])
    extra: list[Content] = []
    if filter_text:
        extra.append(markup(f"  {g.sep}  filter: “$text”", text=filter_text))
    if notes.marked:
        extra.append(Content(f"  {g.sep}  {notes.marked} marked"))
    if notes.order:
        extra.append(Content(f"  {g.sep}  {notes.order}"))
    if notes.readonly:
        extra.append(Content.from_markup("  [b $warning]read-only: viewing only[/]"))
    if notes.network_fs:
        note = "SQLite on a network filesystem: use PostgreSQL"
        extra.append(Content.from_markup(f"  [b $warning]{note}[/]"))
    if notes.problem:
        extra.append(markup("  [b $error]$problem[/]", problem=notes.problem))
    where = markup("  [dim]$target[/dim]", target=notes.target)
    head = Content.from_markup("[b]vapor-tui[/b]  ")
    text = Content("")
    for counts_text, tail in ((words, [where]), (words, []), (symbols, [])):
        text = Content.assemble(head, counts_text, *extra, *tail)
        if text.cell_length <= width:
            break
    return text

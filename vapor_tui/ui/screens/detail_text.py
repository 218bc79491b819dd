"""The detail screen's lines of text: the title, and items packed into lines that fit."""

from __future__ import annotations

from rich.cells import cell_len
from textual.content import Content

from vapor_tui.ui.glyphs import Glyphs
from vapor_tui.ui.plain import markup
from vapor_tui.ui.widgets.job_rows import fit


def pack(items: list[str | Content], sep: str, width: int) -> Content:
    """Items (console markup, or Content holding user text) joined by `sep`, broken into lines
    between items, never inside one, so that a narrow terminal shows "loss 0.2700" whole on
    the next line."""
    lines: list[list[Content]] = [[]]
    used = 0
    for item in map(Content.from_markup, items):
        size = item.cell_length
        if lines[-1] and used + len(sep) + size > width:
            lines.append([])
            used = 0
        used += size + (len(sep) if lines[-1] else 0)
        lines[-1].append(item)
    return Content("\n").join(Content(sep).join(line) for line in lines)


# Cells the reason after the status keeps when a long name would leave it none.
REASON_ROOM = 24


def title_line(job_id: int, name: str, badge: Content, reason: str, width: int, g: Glyphs):
    """`#id name  status  reason` in `width` cells: the status always shows; a long name, then
    the reason, is cut with an ellipsis."""
    head = f"#{job_id} "
    room = width - cell_len(head) - 2 - badge.cell_length
    want = 2 + cell_len(reason) if reason else 0
    keep = min(want, max(room - cell_len(name), REASON_ROOM))
    name = fit(name, max(8, room - keep), g)
    left = room - cell_len(name)
    if reason and left >= 2 + len(g.ellipsis) + 4:
        reason = fit(reason, left - 2, g)
        tail = markup("  [dim]$reason[/dim]", reason=reason)
    else:
        tail = Content("")
    return Content.assemble(markup("[b]$head$name[/b]  ", head=head, name=name), badge, tail)

"""Status badges and bars, in Unicode or plain ASCII (for terminals without a UTF-8 locale)."""

from __future__ import annotations

from rich.text import Text

from vapor_tui.core.status import JobStatus

STATUS_STYLE = {
    JobStatus.QUEUED: ("○", "o", "bold $text-muted"),
    JobStatus.RUNNING: ("▶", ">", "bold $success"),
    JobStatus.STOPPING: ("◼", "=", "bold $warning"),
    JobStatus.COMPLETE: ("✔", "+", "bold $primary"),
    JobStatus.FAILED: ("✖", "x", "bold $error"),
    JobStatus.STOPPED: ("■", "#", "bold $secondary"),
}

# Rich styles (the table cells are Rich Text, which does not know Textual's $variables).
RICH_STATUS_STYLE = {
    JobStatus.QUEUED: "bold grey62",
    JobStatus.RUNNING: "bold green3",
    JobStatus.STOPPING: "bold yellow3",
    JobStatus.COMPLETE: "bold dodger_blue1",
    JobStatus.FAILED: "bold red1",
    JobStatus.STOPPED: "bold magenta",
}


class Glyphs:
    def __init__(self, ascii_only: bool = False):
        self.ascii = ascii_only
        self.bar_full = "#" if ascii_only else "█"
        self.bar_empty = "." if ascii_only else "░"
        self.partials = "" if ascii_only else " ▏▎▍▌▋▊▉"
        self.sep = "-" if ascii_only else "·"
        self.ellipsis = "..." if ascii_only else "…"

    def symbol(self, status: JobStatus) -> str:
        uni, asc, _ = STATUS_STYLE[status]
        return asc if self.ascii else uni

    def badge(self, status: JobStatus) -> Text:
        return Text(f"{self.symbol(status)} {status}", style=RICH_STATUS_STYLE[status])

    def bar(self, fraction: float, width: int) -> str:
        fraction = min(max(fraction, 0.0), 1.0)
        if width <= 0:
            return ""
        cells = fraction * width
        full = int(cells)
        text = self.bar_full * full
        if full < width:
            part = int((cells - full) * len(self.partials)) if self.partials else 0
            text += self.partials[part] if part else self.bar_empty
            text += self.bar_empty * (width - full - 1)
        return text

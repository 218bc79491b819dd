"""Status badges and bars, in Unicode or plain ASCII (for terminals without a UTF-8 locale)."""

from __future__ import annotations

from rich.text import Text

from vapor_tui.core.status import JobStatus

# (unicode symbol, ascii symbol, theme variable for its colour)
STATUS_STYLE = {
    JobStatus.QUEUED: ("○", "o", "foreground-muted"),
    JobStatus.RUNNING: ("▶", ">", "text-success"),
    JobStatus.STOPPING: ("◼", "=", "text-warning"),
    JobStatus.COMPLETE: ("✔", "+", "text-primary"),
    JobStatus.FAILED: ("✖", "x", "text-error"),
    JobStatus.STOPPED: ("■", "#", "text-secondary"),
}
# Used until the app's theme is known (and by code that has no app).
DEFAULT_COLOURS = {
    "foreground-muted": "grey62",
    "text-success": "green3",
    "text-warning": "yellow3",
    "text-primary": "dodger_blue1",
    "text-error": "red1",
    "text-secondary": "steel_blue",
}


class Glyphs:
    def __init__(self, ascii_only: bool = False):
        self.ascii = ascii_only
        self.bar_full = "#" if ascii_only else "█"
        self.bar_empty = "." if ascii_only else "░"
        self.partials = "" if ascii_only else " ▏▎▍▌▋▊▉"
        self.sep = "-" if ascii_only else "·"
        self.ellipsis = "..." if ascii_only else "…"
        self.colours = dict(DEFAULT_COLOURS)
        self.active_bar = DEFAULT_COLOURS["text-success"]

    def use_theme(self, variables: dict[str, str]) -> None:
        """Take the badge colours from the app's theme (its contrast-adjusted text-* colours),
        so light themes stay readable."""
        from textual.color import Color, ColorParseError

        try:
            background = Color.parse(variables.get("background", "#000000"))
        except ColorParseError:  # the ANSI themes: "ansi_default", no colour to mix with
            background = Color(0, 0, 0)
        for name in self.colours:
            try:
                colour = Color.parse(variables[name]) if variables.get(name) else None
            except ColorParseError:  # e.g. "ansi_default 50%": keep the default
                colour = None
            if colour is not None:
                # Composite translucent colours over the background: Rich has no alpha.
                self.colours[name] = (background + colour).hex6
        self.active_bar = self.colours["text-success"]

    def status_style(self, status: JobStatus) -> str:
        return f"bold {self.colours[STATUS_STYLE[status][2]]}"

    def symbol(self, status: JobStatus) -> str:
        uni, asc, _ = STATUS_STYLE[status]
        return asc if self.ascii else uni

    def badge(self, status: JobStatus) -> Text:
        return Text(f"{self.symbol(status)} {status}", style=self.status_style(status))

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

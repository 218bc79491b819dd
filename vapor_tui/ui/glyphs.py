"""Status badges and bars, in Unicode or plain ASCII (for terminals without a UTF-8 locale)."""

from __future__ import annotations

from rich.color import Color as RichColor
from rich.text import Text
from textual.color import Color, ColorParseError
from textual.content import Content

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


def theme_colour(variables: dict[str, str], name: str, fallback: Color) -> Color:
    """A theme's colour composited over its background (Rich and plotext have no alpha), or
    `fallback` where the theme has none with a value: the ANSI themes name colours such as
    "ansi_default 50%" that the terminal chooses."""
    background = _parse(variables.get("background"), Color(0, 0, 0))
    if name == "background":
        return background
    return background + _parse(variables.get(name), fallback)


def _parse(text: str | None, fallback: Color) -> Color:
    try:
        return Color.parse(text) if text else fallback
    except ColorParseError:
        return fallback


class Glyphs:
    def __init__(self, ascii_only: bool = False):
        self.ascii = ascii_only
        self.bar_full = "#" if ascii_only else "█"
        self.bar_empty = "." if ascii_only else "░"
        self.partials = "" if ascii_only else " ▏▎▍▌▋▊▉"
        self.sep = "-" if ascii_only else "·"
        self.ellipsis = "..." if ascii_only else "…"
        # Before the name of a real run (a training script's), apart from simulated jobs.
        self.run_mark = "* " if ascii_only else "▸ "
        self.colours = dict(DEFAULT_COLOURS)
        self.active_bar = DEFAULT_COLOURS["text-success"]

    def use_theme(self, variables: dict[str, str]) -> None:
        """Take the badge colours from the app's theme (its contrast-adjusted text-* colours),
        so light themes stay readable."""
        for name in self.colours:
            # Rich names the defaults ("dodger_blue1"); Textual's parser does not know them.
            default = Color.from_rich_color(RichColor.parse(DEFAULT_COLOURS[name]))
            self.colours[name] = theme_colour(variables, name, default).hex6
        self.active_bar = self.colours["text-success"]

    def status_style(self, status: JobStatus) -> str:
        return f"bold {self.colours[STATUS_STYLE[status][2]]}"

    def symbol(self, status: JobStatus) -> str:
        uni, asc, _ = STATUS_STYLE[status]
        return asc if self.ascii else uni

    def badge(self, status: JobStatus) -> Text:
        return Text(f"{self.symbol(status)} {status}", style=self.status_style(status))

    def badge_content(self, status: JobStatus) -> Content:
        return Content.styled(f"{self.symbol(status)} {status}", self.status_style(status))

    def bar_level(self, fraction: float, width: int) -> tuple[int, int]:
        """What a bar `width` cells wide shows of `fraction`: its full cells, and the partial
        block of the next (0 for none)."""
        cells = min(max(fraction, 0.0), 1.0) * width
        full = int(cells)
        part = int((cells - full) * len(self.partials)) if self.partials and full < width else 0
        return full, part

    def bar(self, fraction: float, width: int) -> str:
        if width <= 0:
            return ""
        full, part = self.bar_level(fraction, width)
        text = self.bar_full * full
        if full < width:
            text += self.partials[part] if part else self.bar_empty
            text += self.bar_empty * (width - full - 1)
        return text

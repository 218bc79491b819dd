"""One correction to Textual, for terminal traffic over SSH.

Textual marks exactly the cells that changed as dirty, but when it writes a partial update
(`ChopsUpdate.render_segments`) it crops each dirty line from the *left edge of the widget* to
the end of the dirty span. One changed cell at the right of a 120-column table therefore resends
the whole row. This version crops from the start of the dirty span as well, and moves the
cursor there. The output differs only in what is left out: cells that did not change, and the
newline Textual writes between two lines (each line's span begins with a cursor move anyway).
A line may hold several spans (changed runs apart, see widgets/diff.py): each is written
after a move to its start.

A Textual bug to report: `ChopsUpdate.render_segments` (textual/_compositor.py) should crop to
the dirty span's start `x1` as it crops to its end; once a release does, delete this file and its
entry in compat/__init__.py (`test_compat.py` fails on that release to say so). It is applied
only to the Textual version it was written against (constraints.txt pins it); the same test
checks that a patched update leaves the screen exactly as a full repaint would.
"""

from __future__ import annotations

from typing import NamedTuple

import textual
from rich.color import ColorSystem
from rich.console import Console
from rich.style import Style
from textual._compositor import ChopsUpdate
from textual.strip import SGR_STYLES, Strip

PATCHED_FOR = ("8.",)
TEXTUAL_RENDER_SEGMENTS = ChopsUpdate.render_segments  # Textual's own, to tell if still needed


def _render_segments(self: ChopsUpdate, console: Console) -> str:
    chops = self.chops
    chop_ends = self.chop_ends
    writer = _Writer(console, max((ends[-1] for ends in chop_ends if ends), default=0))
    for y, x1, x2 in self.spans:
        line = chops[y]
        ends = chop_ends[y]
        for end, (x, strip) in zip(ends, line.items(), strict=False):
            if strip is None or x > x2 or end <= x1:
                continue
            start = max(x1 - x, 0)
            stop = min(end, x2) - x
            if start or stop < end - x:
                strip = strip.crop(start, stop)
            writer.write(x + start, y, strip)
    return writer.finish()


# The SGR parameter that ends each attribute Rich sets (textual.strip.SGR_STYLES), and the
# attributes each of those ends: normal intensity ends both bold and faint, and so on.
_OFF = {
    "1": "22", "2": "22", "3": "23", "4": "24", "21": "24", "5": "25", "6": "25",
    "7": "27", "8": "28", "9": "29", "51": "54", "52": "54", "53": "55",
}  # fmt: skip
_ENDS = {off: {on for on, o in _OFF.items() if o == off} for off in set(_OFF.values())}
# The attributes a blank shows (a line through it, or under or over it; the frames 51 and 52).
# Reverse video shows a blank in its foreground colour: with it, a blank's pen is kept as is.
_SHOWN_ON_BLANK = frozenset({"4", "21", "9", "53", "51", "52"})
_REVERSE = "7"


class _Pen(NamedTuple):
    """What the terminal draws characters with: attributes on, foreground, background."""

    attributes: frozenset[str]
    fg: tuple[str, ...] | None
    bg: tuple[str, ...] | None

    def full(self) -> str:
        """Parameters that set this pen from anything: a reset, then the pen."""
        return ";".join(["0", *sorted(self.attributes), *(self.fg or ()), *(self.bg or ())])

    def change_from(self, old: _Pen) -> str:
        """The shorter of: parameters that turn `old` into this pen, or the full set."""
        offs = sorted({_OFF[a] for a in old.attributes - self.attributes})
        kept = old.attributes - {a for off in offs for a in _ENDS[off]}
        params = [*offs, *sorted(self.attributes - kept)]
        if self.fg != old.fg:
            params += self.fg or ("39",)
        if self.bg != old.bg:
            params += self.bg or ("49",)
        change = ";".join(params)
        full = self.full()
        return change if len(change) < len(full) else full

    def for_blanks_after(self, old: _Pen) -> _Pen:
        """A pen that draws spaces exactly as this one does, as close to `old` as may be: a
        blank shows its background and the lines through or around it, not its foreground,
        bold or italics. A curve's cell cleared between two of its markers cost a change of
        foreground to the default and one back."""
        if _REVERSE in self.attributes or _REVERSE in old.attributes:
            return self
        shown = self.attributes & _SHOWN_ON_BLANK
        if (old.attributes & _SHOWN_ON_BLANK) == shown and old.bg == self.bg:
            return old
        near = _Pen((old.attributes - _SHOWN_ON_BLANK) | shown, old.fg, self.bg)
        return near if len(near.change_from(old)) < len(self.change_from(old)) else self


_PLAIN = _Pen(frozenset(), None, None)


class _Writer:
    """Terminal sequences for strips written at places, keeping track of the cursor and the
    pen: a move only where the cursor is not already (the shortest, `_move`), and only what
    changes of the style, reset once at the end. Rich writes each piece
    as its whole style, the text, then a reset: a bar's edge and its percentage at the end of
    the line paid for both styles in full and two resets."""

    def __init__(self, console: Console, width: int = 0) -> None:
        self.color_system = console._color_system or ColorSystem.TRUECOLOR
        self.parts: list[str] = []
        self.cursor: tuple[int, int] | None = None
        self.pen = _PLAIN
        self.width = width  # the screen's: past its last column the cursor is not known

    def _pen(self, style: Style | None) -> _Pen:
        if style is None:
            return _PLAIN
        key = (style, self.color_system)
        pen = _PENS.get(key)
        if pen is None:
            bits = style._attributes & style._set_attributes
            attributes = frozenset(code for bit, code in enumerate(SGR_STYLES) if bits & (1 << bit))
            fg = style._color and style._color.downgrade(self.color_system).get_ansi_codes()
            bg = style._bgcolor and style._bgcolor.downgrade(self.color_system).get_ansi_codes(
                False
            )
            if len(_PENS) > 4096:
                _PENS.clear()
            pen = _PENS[key] = _Pen(attributes, fg or None, bg or None)
        return pen

    def write(self, x: int, y: int, strip: Strip) -> None:
        append = self.parts.append
        if self.cursor != (x, y):
            append(_move(self.cursor, x, y, self.width))
        for text, style, _ in strip._segments:
            pen = self._pen(style)
            if pen != self.pen and not text.strip(" ") and not (style and style._link):
                pen = pen.for_blanks_after(self.pen)
            if pen != self.pen:
                append(f"\x1b[{pen.change_from(self.pen)}m")
                self.pen = pen
            if style is not None and style._link:
                append(f"\x1b]8;id={style._link_id};{style._link}\x1b\\{text}\x1b]8;;\x1b\\")
            else:
                append(text)
        self.cursor = (x + strip.cell_length, y)

    def finish(self) -> str:
        if self.pen != _PLAIN:
            self.parts.append("\x1b[0m")
        return "".join(self.parts)


_PENS: dict[tuple[Style, ColorSystem], _Pen] = {}


def _move(cursor: tuple[int, int] | None, x: int, y: int, width: int) -> str:
    """The shortest way to move the cursor to (x, y): absolute, or from where it is (in a
    column of values changing on the lines under each other, a move down and back a few
    columns: 6 or 7 bytes where the absolute move is 8). Relative moves are used only from a
    column on the screen: after the last one the terminal holds the cursor there, pending a
    wrap, not one column further."""
    absolute = f"\x1b[{y + 1};{x + 1}H"
    if cursor is None or not 0 <= cursor[0] < width:
        return absolute
    cx, cy = cursor
    if cy == y:
        vertical = ""
    elif y == cy + 1:
        vertical = "\x1bD"  # IND: down one line, same column (never from the last line)
    elif y > cy:
        vertical = f"\x1b[{y - cy}B"
    else:
        vertical = f"\x1b[{cy - y}A" if cy - y > 1 else "\x1b[A"
    if x == cx:
        horizontal = ""
    elif x < cx:
        back = cx - x
        horizontal = "\b" * back if back <= 4 else f"\x1b[{back}D"
    else:
        horizontal = f"\x1b[{x - cx}C" if x - cx > 1 else "\x1b[C"
    along = vertical + horizontal
    column = vertical + f"\x1b[{x + 1}G"
    return min(absolute, along, column, key=len)


def apply() -> bool:
    """Install the correction if this Textual is one it was written for."""
    if not textual.__version__.startswith(PATCHED_FOR):
        return False
    if ChopsUpdate.render_segments is _render_segments:
        return True
    ChopsUpdate.render_segments = _render_segments  # type: ignore[method-assign]
    return True

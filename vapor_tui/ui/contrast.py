"""Text that reads on its background: WCAG contrast, judged as a terminal shows the colours
in truecolor and in 256 colours (where two close colours can become one: a badge in colour 24
on a cursor in colour 24)."""

from __future__ import annotations

import functools

from rich.color import Color, ColorSystem, ColorType

FLOOR = 4.5  # WCAG AA for text
BLACK, WHITE = Color.from_rgb(0, 0, 0), Color.from_rgb(255, 255, 255)
SYSTEMS = (ColorSystem.TRUECOLOR, ColorSystem.EIGHT_BIT)


def _luminance(rgb: tuple[int, int, int]) -> float:
    def channel(value: int) -> float:
        v = value / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = rgb
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast_ratio(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    """WCAG's contrast ratio, 1 (the same) to 21 (black on white)."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def known(color: Color | None) -> bool:
    """Is this a colour we know the look of? The terminal's default and its 16 ANSI colours
    are whatever its palette says."""
    return (
        color is not None
        and color.type in (ColorType.TRUECOLOR, ColorType.EIGHT_BIT)
        and (color.number is None or color.number >= 16)
    )


def _shown(color: Color, system: ColorSystem) -> tuple[int, int, int]:
    if system is ColorSystem.EIGHT_BIT:
        color = color.downgrade(system)
    return tuple(color.get_truecolor())  # type: ignore[return-value]


@functools.lru_cache(maxsize=1024)
def worst_ratio(fg: Color, bg: Color) -> float:
    """The lower contrast of the two colour systems."""
    return min(contrast_ratio(_shown(fg, s), _shown(bg, s)) for s in SYSTEMS)


def reads(fg: Color | None, bg: Color | None) -> bool:
    return known(fg) and known(bg) and worst_ratio(fg, bg) >= FLOOR


def readable_pair(fg: Color | None, bg: Color) -> tuple[Color | None, Color]:
    """(text, background) for text meant to be `fg` on `bg` that reads in both colour
    systems: `fg` if it does; else black or white, whichever reads better; and if neither
    does (catppuccin-latte's cursor #8839ef takes white at 4.6:1, and 4.1:1 once sent in 256
    colours), the background darkened or lightened until it does. The terminal's own
    colours are left as they are."""
    if not known(bg) or reads(fg, bg):
        return fg, bg
    text = max((BLACK, WHITE), key=lambda c: worst_ratio(c, bg))
    toward = WHITE if text is BLACK else BLACK
    shade = bg
    for step in range(1, 11):
        if reads(text, shade):
            break
        shade = blend(bg, toward, step / 10)
    return text, shade


def blend(a: Color, b: Color, amount: float) -> Color:
    (r1, g1, b1), (r2, g2, b2) = a.get_truecolor(), b.get_truecolor()
    mix = [round(x + (y - x) * amount) for x, y in ((r1, r2), (g1, g2), (b1, b2))]
    return Color.from_rgb(*mix)

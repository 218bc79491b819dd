"""User text: what a name may hold so that it displays as what it is, and how any text a user
gave is shown back (escaped, and cut when long)."""

from __future__ import annotations

import unicodedata

# Controls (C0, DEL, C1), format characters (bidi overrides and isolates, zero-width spaces and
# joiners, the BOM, soft hyphens, tags), line and paragraph separators, lone surrogates: each
# makes text display as something other than what it holds, or moves what comes after it.
_HIDDEN = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
# Letters and marks that draw nothing at all, used to make names that look blank.
_BLANK = frozenset("\u115f\u1160\u3164\uffa0\u2800\u034f\u17b4\u17b5")
_NOTHING_TO_SEE = frozenset({"Mn", "Me", "Zs"})


def codepoint(ch: str) -> str:
    """U+202E RIGHT-TO-LEFT OVERRIDE (the name left out when long)"""
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X}" + (f" {name}" if name and len(name) <= 30 else "")


def display_problem(text: str) -> str | None:
    """Why `text` would not display as what it holds, or None if it does."""
    for ch in text:
        category = unicodedata.category(ch)
        if category == "Cc":
            return f"must not contain control characters ({codepoint(ch)})"
        if category in _HIDDEN:
            return f"must not contain {codepoint(ch)}: it would not show as typed"
    if not any(ch not in _BLANK and unicodedata.category(ch) not in _NOTHING_TO_SEE for ch in text):
        return "must contain a visible character"
    return None


def _escape(ch: str) -> str:
    o = ord(ch)
    if o < 0x100:
        return f"\\x{o:02x}"
    return f"\\u{o:04x}" if o < 0x10000 else f"\\U{o:08x}"


def escaped(text: str) -> str:
    """`text` with every character that would not display as itself written as an escape
    (`\\x85`, `\\u202e`): what the command line prints of a name, whatever the database holds."""
    if text.isascii() and text.isprintable():
        return text
    return "".join(_escape(ch) if unicodedata.category(ch) in _HIDDEN else ch for ch in text)


def shown(value: object, limit: int = 40) -> str:
    """A value the user gave, quoted for a message: escaped, and cut after `limit` characters."""
    text = str(value)
    cut = len(text) > limit
    return "'" + escaped(text[:limit]) + ("…'" if cut else "'")

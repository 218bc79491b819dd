"""User text (job names, models, filters) placed inside console markup."""

from __future__ import annotations


def plain(text: str) -> str:
    """`text` shown as it is inside Textual markup: every "[" escaped, not only those that
    look like tags to textual.markup.escape (it passes "[$warning]" through as a style)."""
    return text.replace("\\", "\\\\").replace("[", "\\[")

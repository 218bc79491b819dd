"""User text (job names, models, filters, paths) inside console markup."""

from __future__ import annotations

from textual.content import Content


def markup(template: str, **values: str) -> Content:
    """`template` (console markup) with each `$name` in it replaced by a value shown exactly
    as typed, brackets and backslashes included.

    Escaping user text cannot do this in Textual's markup: a backslash before "[" makes the
    bracket literal and nothing escapes the backslash itself, so a name ending in "\\" turned
    the closing tag after it into text ("ends\\[/b]"), and a doubled one showed doubled. The
    values go in after the markup is parsed, as plain text."""
    return Content.from_markup(template, **values)

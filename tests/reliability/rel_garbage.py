"""Garbage for every field of a job, and an oracle, written apart from vapor_tui's validators,
that says which of it is nonetheless acceptable (the name "-1" is a fine name)."""

from __future__ import annotations

import math
import re

GARBAGE = {
    "empty": "",
    "blank": "   ",
    "letters": "abc",
    "negative": "-1",
    "zero": "0",
    "fraction": "0.5",
    "huge": "9" * 40,
    "nan": "nan",
    "inf": "inf",
    "minus-inf": "-inf",
    "exponent": "1e400",
    "unicode": "三",
    "emoji": "🚀",
    "superscript": "²",
    "arabic-digits": "١٢",
    "control": "a\x07b",
    "c1-control": "a\x85b",
    "c1-csi": "\x9b31mred",
    "bidi-override": "abc\u202edcba",
    "zero-width-only": "\u200b\u200c\u200d",
    "zero-width-inside": "ad\u200bmin",
    "blank-filler": "\u3164\u3164",
    "very-long-digits": "7" * 10_000,
    "very-long-text": "x" * 10_000,
    "markup": "[/b]x[$warning]y[/]",
    "bracket": "[",
    "invalid-utf8": "a\udc85b",  # what the shell passes for the byte 0x85
}

# Field -> (the `new` option, the form's field id).
FIELDS = {
    "name": "--name",
    "model": "--model",
    "epochs": "--epochs",
    "steps_per_epoch": "--steps-per-epoch",
    "learning_rate": "--lr",
    "batch_size": "--batch-size",
    "schedule": "--schedule",
    "curve": "--curve",
    "seed": "--seed",
    "step_seconds": "--step-seconds",
}
# The form's text inputs; model, schedule and curve are lists to choose from.
TEXT_FIELDS = (
    "name",
    "epochs",
    "steps_per_epoch",
    "learning_rate",
    "batch_size",
    "seed",
    "step_seconds",
)

# What may not be in a name or model, by code point: C0 and C1 controls and DEL, the soft
# hyphen, zero-width spaces and joiners, direction marks, embeddings, overrides and isolates,
# line and paragraph separators, invisible operators, the byte-order mark.
_HIDDEN = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff]"
)
# Characters that draw nothing: spaces, combining marks alone, Hangul fillers, blank Braille.
_INVISIBLE = re.compile("[\\s\u0300-\u036f\u115f\u1160\u3164\uffa0\u2800]")
_DEFAULT_EPOCHS, _DEFAULT_STEPS = 3, 100


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _whole(text: str) -> int | None:
    """A whole number in the digits 0-9 (underscores between them), up to 30 digits."""
    text = text.strip().replace("_", "")
    if not re.fullmatch(r"[+-]?[0-9]{1,30}", text, flags=re.ASCII):
        return None
    return int(text)


def _number(text: str) -> float | None:
    if not text.isascii():  # float() reads the digits of every script
        return None
    try:
        value = float(text.strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def acceptable(field: str, text: str) -> bool:
    """Would a job with `text` in `field` and defaults elsewhere be valid?"""
    stripped = text.strip()
    if field in ("name", "model"):
        limit = 200 if field == "name" else 100
        return (
            bool(stripped)
            and len(stripped) <= limit
            and _utf8(stripped)
            and not _HIDDEN.search(stripped)
            and _INVISIBLE.sub("", stripped) != ""
        )
    if field in ("schedule", "curve"):
        options = ("constant", "cosine") if field == "schedule" else ("exponential", "power-law")
        return stripped.lower() in options
    if field in ("learning_rate", "step_seconds"):
        value = _number(text)
        if field == "learning_rate":
            return value is not None and 0 < value <= 10
        return value is not None and 1e-6 <= value <= 86_400
    value = _whole(text)
    if value is None:
        return False
    if field == "epochs":
        return 1 <= value <= 100_000 and value * _DEFAULT_STEPS <= 100_000_000
    if field == "steps_per_epoch":
        return 1 <= value <= 100_000_000 and _DEFAULT_EPOCHS * value <= 100_000_000
    if field == "batch_size":
        return 1 <= value <= 1_048_576
    assert field == "seed"
    return 0 <= value <= 2**63 - 1

"""What the terminal can show: Unicode or plain ASCII, colour or none."""

from __future__ import annotations

import os
from collections.abc import Mapping

_COERCED = ("C.UTF-8", "C.utf8", "UTF-8")


def locale_is_utf8(env: Mapping[str, str] | None = None) -> bool:
    """True when the locale the terminal runs under is UTF-8 (LC_ALL, then LC_CTYPE, then LANG,
    as the C library reads them). An unset locale is the POSIX one: ASCII."""
    env = os.environ if env is None else env
    if not env.get("LC_ALL") and not env.get("LANG") and env.get("LC_CTYPE") in _COERCED:
        # Python itself set this (PEP 538) because the locale it was started in was C/POSIX.
        return False
    for var in ("LC_ALL", "LC_CTYPE", "LANG"):
        value = env.get(var, "")
        if value:
            normal = value.lower().replace("-", "")
            return "utf8" in normal
    return False


def no_color(env: Mapping[str, str] | None = None) -> bool:
    """NO_COLOR (https://no-color.org): present and not empty."""
    env = os.environ if env is None else env
    return bool(env.get("NO_COLOR", ""))


def theme_names() -> list[str]:
    from textual.theme import BUILTIN_THEMES

    return sorted(BUILTIN_THEMES)

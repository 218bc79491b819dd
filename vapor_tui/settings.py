"""What vapor-tui remembers between runs (the theme chosen in the app), in the platform's
config directory: on Linux `~/.config/vapor-tui/settings.json` (`$XDG_CONFIG_HOME`)."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

APP_NAME = "vapor-tui"


def settings_path() -> Path:
    from platformdirs import user_config_path

    return user_config_path(APP_NAME) / "settings.json"


def load() -> dict[str, Any]:
    """The settings saved, or none: a missing, unreadable or damaged file is not an error
    (the app starts with its defaults and a later save writes a good one)."""
    try:
        data = json.loads(settings_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save(**changes: Any) -> str | None:
    """Merge `changes` into the settings file, whole or not at all (written beside it, then
    renamed over it). None when done, else what went wrong, in words."""
    path = settings_path()
    data = {**load(), **changes}
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=".settings-", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, indent=2, sort_keys=True)
                fh.write("\n")
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        return f"cannot save settings in {path.parent}: {exc.strerror or exc}"
    return None

"""Starting the app from the command line."""

from __future__ import annotations

import sys


def run_app(
    db: str | None,
    *,
    refresh: float = 1.0,
    watch: int | None = None,
    ascii_only: bool = False,
) -> int:
    from vapor_tui.ui.app import VaporApp

    app = VaporApp(db, refresh=refresh, watch=watch, ascii_only=ascii_only)
    code = app.run()
    if app.return_code not in (None, 0) and code is None:
        return app.return_code
    return app.return_code or 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run_app(None))

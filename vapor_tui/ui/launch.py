"""Starting the app from the command line."""

from __future__ import annotations


class LaunchError(ValueError):
    """A launch option that cannot work (an unknown theme); the message says why."""


def run_app(
    db: str | None,
    *,
    refresh: float = 1.0,
    watch: int | None = None,
    ascii_only: bool | None = None,
    theme: str | None = None,
) -> int:
    from vapor_tui.ui.terminal import locale_is_utf8, theme_names

    if theme is not None and theme not in theme_names():
        raise LaunchError(f"unknown theme {theme!r}: choose one of {', '.join(theme_names())}")
    if ascii_only is None:
        ascii_only = not locale_is_utf8()

    from vapor_tui.live.opening import peek
    from vapor_tui.ui.app import VaporApp

    # A quick look at the file with the standard library, so that the first frame has the rows.
    jobs = peek(db)
    app = VaporApp(
        db, refresh=refresh, watch=watch, ascii_only=ascii_only, theme=theme, peeked=jobs
    )
    app.run()
    return app.return_code or 0

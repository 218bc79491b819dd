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
        from vapor_tui.core.text import shown

        raise LaunchError(f"unknown theme {shown(theme)}: choose one of {', '.join(theme_names())}")
    if ascii_only is None:
        ascii_only = not locale_is_utf8()

    from vapor_tui.ui.app import VaporApp

    app = VaporApp(db, refresh=refresh, watch=watch, ascii_only=ascii_only, theme=theme)
    app.run()
    return app.return_code or 0

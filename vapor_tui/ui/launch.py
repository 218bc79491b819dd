"""Starting the app from the command line."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vapor_tui.core.job import Job


class LaunchError(ValueError):
    """A launch option that cannot work (an unknown theme); the message says why."""


def run_app(
    db: str | None,
    *,
    refresh: float = 1.0,
    watch: int | None = None,
    ascii_only: bool | None = None,
    theme: str | None = None,
    notice: str | None = None,
    peeked: tuple[Job, ...] | None = None,
) -> int:
    from vapor_tui.ui.terminal import locale_is_utf8

    check_theme(theme)
    if ascii_only is None:
        ascii_only = not locale_is_utf8()

    from vapor_tui.live.opening import peek
    from vapor_tui.ui.app import VaporApp

    # A quick look at the file with the standard library, so that the first frame has the rows
    # (a server's is left to the app's opener: one that does not answer holds up no frame),
    # unless the caller has just read them (`watch`, checking the id).
    jobs = peeked if peeked is not None else peek(db, servers=False)
    app = VaporApp(
        db,
        refresh=refresh,
        watch=watch,
        ascii_only=ascii_only,
        theme=initial_theme(theme),
        remember_theme=True,
        notice=notice,
        peeked=jobs,
    )
    app.run()
    return app.return_code or 0


def initial_theme(given: str | None) -> str | None:
    """`--theme` if given, else the theme last chosen in the app (if this Textual still has
    it), else None: Textual's default."""
    from vapor_tui import settings
    from vapor_tui.ui.terminal import theme_names

    if given is not None:
        return given
    saved = settings.load().get("theme")
    return saved if isinstance(saved, str) and saved in theme_names() else None


def check_theme(theme: str | None) -> None:
    from vapor_tui.core.text import shown
    from vapor_tui.ui.terminal import theme_names

    if theme is not None and theme not in theme_names():
        raise LaunchError(f"unknown theme {shown(theme)}: choose one of {', '.join(theme_names())}")

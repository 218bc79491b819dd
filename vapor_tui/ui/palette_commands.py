"""The command palette's commands: the current screen's keys by name, then those of
Textual's own that work here (the theme picker and a screenshot, saved where it says).

Left out: Textual's "Keys" panel (`?` lists every key of the screen, and closes with escape,
which the panel did not), its maximize/minimize (the screens have nothing to maximize), and a
second "Quit"."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from textual.app import App, SystemCommand
from textual.screen import Screen

KEPT = ("Theme", "Screenshot")


def commands(app: App, screen: Screen) -> Iterable[SystemCommand]:
    seen = set()
    for _key, active in screen.active_bindings.items():
        binding = active.binding
        if not active.enabled or not binding.show or binding.action in seen:
            continue
        seen.add(binding.action)
        node, action = active.node, binding.action
        title = binding.description or action
        yield SystemCommand(
            title,
            f"key: {app.get_key_display(binding)}",
            lambda node=node, action=action: app.call_later(_run_if_shown, node, action),
        )
    for command in App.get_system_commands(app, screen):
        if command.title == "Screenshot":
            yield SystemCommand(
                "Screenshot",
                f"Save an SVG picture of the screen in {screenshot_dir()}",
                lambda: app.set_timer(0.1, lambda: save_screenshot(app)),  # the palette gone
            )
        elif command.title in KEPT:
            yield command


async def _run_if_shown(node: Any, action: str) -> None:
    """A screen's command runs once the palette has closed, and only if that screen is on top
    again: a key of the same burst may have opened another screen meanwhile, and the command
    would act (or close) under it."""
    screen = node if isinstance(node, Screen) else getattr(node, "screen", None)
    if isinstance(node, App) or (screen is not None and screen is screen.app.screen):
        await node.run_action(action)


def screenshot_dir() -> Path:
    """~/Downloads where there is one (Textual's choice; its failure said only "Failed to
    save screenshot" where there was none), else the current directory."""
    from platformdirs import user_downloads_path

    downloads = user_downloads_path()
    return downloads if downloads.is_dir() else Path.cwd()


def save_screenshot(app: App) -> None:
    where = screenshot_dir()
    try:
        path = app.save_screenshot(path=str(where))
    except OSError as exc:
        reason = exc.strerror or str(exc)
        app.notify(f"Cannot save a screenshot in {where}: {reason}", severity="error")
        return
    app.notify(f"Saved in {path}", title="Screenshot")


def remember_theme(app: App) -> None:
    """Save the theme for the next run, if it is not the one saved; say so once if it
    cannot be saved."""
    from vapor_tui import settings

    if settings.load().get("theme") == app.theme:
        return
    problem = settings.save(theme=app.theme)
    if problem is not None:
        app.notify(f"The theme will not be remembered: {problem}", severity="warning")

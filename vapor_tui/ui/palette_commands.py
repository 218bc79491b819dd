"""The command palette's entries for a screen: the actions its footer offers, by name."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from textual.app import App, SystemCommand
from textual.screen import Screen


def screen_commands(app: App[Any], screen: Screen[Any], seen: set[str]) -> Iterator[SystemCommand]:
    """One entry per action the screen's bindings offer now; `seen` gets their titles."""
    for _key, active in screen.active_bindings.items():
        binding = active.binding
        if not active.enabled or not binding.show or binding.action in seen:
            continue
        seen.add(binding.action)
        node, action = active.node, binding.action
        title = binding.description or action
        seen.add(title)
        yield SystemCommand(
            title,
            f"key: {app.get_key_display(binding)}",
            lambda node=node, action=action: app.call_later(node.run_action, action),
        )

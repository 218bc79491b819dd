"""What a test reads of an app from outside it: every message posted while it runs under Pilot
(run_test's message_hook), the toasts among them, and the repaints a widget asked for."""

from __future__ import annotations

from typing import Any, TypeVar

from textual.app import App
from textual.message import Message
from textual.notifications import Notify
from textual.widget import Widget

M = TypeVar("M", bound=Message)
A = TypeVar("A", bound=App[Any])

# id(app) -> every message posted while it ran
_MESSAGES: dict[int, list[Message]] = {}


def recorded(app: A) -> A:
    """The app, with every message posted while it runs under Pilot recorded for `messages`."""
    seen = _MESSAGES.setdefault(id(app), [])
    run_test = app.run_test

    def run_test_recorded(*args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("message_hook", seen.append)
        return run_test(*args, **kwargs)

    app.run_test = run_test_recorded  # type: ignore[method-assign]
    return app


def messages(app: App[Any], kind: type[M]) -> list[M]:
    return [m for m in _MESSAGES.get(id(app), []) if isinstance(m, kind)]


def notes(app: App[Any]) -> list[str]:
    """Every toast shown so far, as 'severity | title | message'."""
    shown = (m.notification for m in messages(app, Notify))
    return [f"{n.severity} | {n.title} | {n.message}" for n in shown]


def forget() -> None:
    _MESSAGES.clear()


class Repaints:
    """Counts the regions a widget marks for repainting (its refresh calls), from outside."""

    def __init__(self, widget: Widget) -> None:
        self.regions = 0
        self.calls = 0
        original = widget.refresh

        def counted(*regions: Any, **kwargs: Any) -> Any:
            self.calls += 1
            self.regions += len(regions)
            return original(*regions, **kwargs)

        widget.refresh = counted  # type: ignore[method-assign]

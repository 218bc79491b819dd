"""Small reaches into Textual's and plotext's private parts, each behind a check that it still
fits (the attribute is there, the version is the one it was written for) and a public fallback."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import textual
from textual.content import Content

if TYPE_CHECKING:
    from textual.app import App
    from textual.binding import Binding
    from textual.dom import DOMNode
    from textual.geometry import Size
    from textual.notifications import Notification
    from textual.visual import Visual
    from textual.widget import Widget
    from textual.widgets import Checkbox, Select, Static

TEXTUAL_WRITTEN_FOR = "8."


# Read once: `textual.__version__` is looked up in the package's metadata at every read (about
# 0.3 ms), and the top bar's and the chart's updates asked at each of theirs.
_FITS = textual.__version__.startswith(TEXTUAL_WRITTEN_FOR)


def _textual_fits() -> bool:
    return _FITS


def set_static_content(static: Static, content: object, visual: Visual) -> bool:
    """Give a Static new content without the whole-widget refresh `Static.update` does (the
    caller marks only the changed cells dirty). False where it cannot: call update() then."""
    if not _textual_fits() or not hasattr(static, "_Static__visual"):
        return False
    static._Static__content = content  # type: ignore[attr-defined]
    static._Static__visual = visual
    return True


def bindings_of(node: DOMNode) -> list[Binding]:
    """Every binding of this node (its class's and its bases'), in order, several per key."""
    bindings = getattr(node, "_bindings", None)
    if bindings is None or not hasattr(bindings, "key_to_bindings"):
        from textual.binding import Binding

        return list(Binding.make_bindings(node.BINDINGS))
    return [b for group in bindings.key_to_bindings.values() for b in group]


def driver_of(app: App[Any]) -> object | None:
    """The app's terminal driver (None before it runs, or where Textual has none to give)."""
    return getattr(app, "_driver", None)


def tick_box_button(box: Checkbox) -> Content:
    """`[x]` / `[ ]`: Textual's checkbox draws an X either way and tells them apart by colour."""
    style = box.get_visual_style("toggle--button")
    return Content.assemble("[", ("x" if box.value else " ", style), "]")


def ascii_select_arrows(select: Select[Any]) -> None:
    """The select's arrows in ASCII (v, ^) for a terminal without a UTF-8 locale."""
    for arrow, text in ((".down-arrow", "v"), (".up-arrow", "^")):
        for widget in select.query(arrow):
            update = getattr(widget, "update", None)
            if update is not None:
                update(text)


def plot_size(plt: Any, width: int, height: int) -> None:
    """Set the plot's size as textual-plotext's own render does: `plotsize` alone leaves the
    canvas at its previous size after a resize (textual-plotext issue 5)."""
    plt.plotsize(width, height)
    set_size = getattr(plt, "_set_size", None)
    if set_size is not None:
        set_size(width, height)


def plot_theme(plot: Any, app_theme: str) -> str:
    """The plotext theme textual-plotext registered for this app theme."""
    name = getattr(plot, "_get_plotext_theme_name", None)
    return str(name(app_theme)) if name is not None else f"textual-auto-{app_theme}"


def drop_notification(app: App[Any], notification: Notification) -> None:
    """Take one toast down (Textual has no public call for it; a click on a toast does this)."""
    notifications = getattr(app, "_notifications", None)
    unnotify = getattr(app, "_unnotify", None)
    if notifications is not None and unnotify is not None and notification in notifications:
        unnotify(notification, refresh=False)


def size_without_relayout(
    widget: Widget, size: Size, virtual_size: Size, container_size: Size, layout: bool
) -> bool:
    """Textual's `Widget._size_updated`, which the layout calls to hand a widget its size,
    told not to ask for another layout: by default it sets the virtual size as a reactive that
    does, and the second layout repaints the whole widget, the same cells, a frame later. For
    a widget with no children that never scrolls (the chart) that is all it does. Where the
    method is not the one this was written for, Textual's own way (`layout` as asked)."""
    from textual.widget import Widget

    if not _textual_fits() or not hasattr(Widget, "_size_updated"):
        return bool(Widget._size_updated(widget, size, virtual_size, container_size, layout))
    return bool(Widget._size_updated(widget, size, virtual_size, container_size, layout=False))

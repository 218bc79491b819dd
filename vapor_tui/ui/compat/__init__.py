"""Every workaround of Textual's, textual-plotext's and plotext's internals, in one place.

Each was written against one version (constraints.txt pins it), checks that it still fits before
it does anything, and falls back to the public way where it does not. Those that patch a class
are installed by `apply()`, which the App calls when it is created (importing this package
changes nothing). `tests/ui/test_compat.py` has, for each, a test that fails when it is no longer
needed (the library fixed or changed what it works around: delete it then) or no longer works.

- `chops`: Textual's `ChopsUpdate.render_segments`. A Textual bug: a changed cell resent its
  whole line from the widget's left edge.
- `partial_renders`: Textual's `Compositor._get_renders`. A Textual inefficiency: a partial
  update rendered every widget whose container overlapped it, each in whole.
- `cell_writes.write_cells`: `App._display`, `ChopsUpdate` and the styles cache's dirty
  lines: a line widget's changed cells written at once, not through a frame (a frame's
  machinery cost more than the tick it showed).
- `input_wait`: Textual's `LinuxDriver.run_input_thread`. The keyboard's thread woke ten
  times a second with nothing to do; it waits for input, or for the app to close.
- `resume`: Textual's `Screen._on_screen_resume`. A screen resumed at a new size (the first,
  at launch) was sent whole twice: laid out, then repainted.
- `palette.guard_paging`: Textual's `CommandPalette._action_command_list`. A Textual bug: a page
  key before the list was drawn raised KeyError and ended the app.
- `palette.open_palette`: Textual's `App.action_command_palette`. A Textual bug: a palette under
  another screen was opened a second time (DuplicateIds).
- `internals.set_static_content`: `Static`'s private content; `Static.update` repaints all.
- `internals.bindings_of`: `DOMNode._bindings`; no public map of a node's own bindings for `?`.
- `internals.driver_of`: `App._driver`, the terminal to restore when a signal ends the app.
- `internals.drop_notification`: `App._notifications` and `App._unnotify`, to replace a toast.
- `internals.tick_box_button`: `ToggleButton._button`, a checkbox that shows its state without
  colour.
- `internals.ascii_select_arrows`: `SelectCurrent`'s arrow widgets, in ASCII without UTF-8.
- `internals.plot_size`, `plot_theme`: textual-plotext's and plotext's privates, as
  `PlotextPlot.render` uses them.
- `scroll.scroll_rows_up`: `Compositor.visible_widgets`, what is drawn where, and the driver:
  a scroll region written around Textual, which has none (a log scrolled a line repainted
  every row).
- `internals.size_without_relayout`: `Widget._size_updated` (the chart overrides it). Textual
  lays a widget out again when its virtual size changes, which repainted the whole chart a
  frame after it first showed.
"""

from __future__ import annotations

from vapor_tui.ui.compat import chops, input_wait, palette, partial_renders, resume
from vapor_tui.ui.compat.cell_writes import write_cells
from vapor_tui.ui.compat.internals import (
    ascii_select_arrows,
    bindings_of,
    driver_of,
    drop_notification,
    plot_size,
    plot_theme,
    set_static_content,
    size_without_relayout,
    tick_box_button,
)
from vapor_tui.ui.compat.palette import open_palette
from vapor_tui.ui.compat.scroll import scroll_rows_up

__all__ = [
    "apply",
    "ascii_select_arrows",
    "bindings_of",
    "driver_of",
    "drop_notification",
    "open_palette",
    "plot_size",
    "plot_theme",
    "scroll_rows_up",
    "set_static_content",
    "size_without_relayout",
    "tick_box_button",
    "write_cells",
]


def apply() -> dict[str, bool]:
    """Install the workarounds that patch a library's class; what each did."""
    return {
        "chops": chops.apply(),
        "input_wait": input_wait.apply(),
        "palette.guard_paging": palette.guard_paging(),
        "partial_renders": partial_renders.apply(),
        "resume": resume.apply(),
    }

"""A Static whose updates repaint only the cells that changed.

`Static.update` marks the whole widget dirty, so a stats line whose step count ticks from 180
to 181 resends every character of it. Here the new text is rendered first and compared line by
line with what is on screen; only the changed runs of each changed line are marked dirty (a
progress bar's edge and its percentage, not the hundred bar cells between them).
"""

from __future__ import annotations

from textual.geometry import Region
from textual.visual import Visual, VisualType, visualize
from textual.widgets import Static

from vapor_tui.ui import compat
from vapor_tui.ui.widgets.diff import changed_runs


class LiveStatic(Static):
    def update(self, content: VisualType = "", *, layout: bool = False) -> None:
        width, height = self.size
        if not self.is_mounted or width <= 0 or height <= 0:
            super().update(content, layout=True)
            return
        old = [self.render_line(y) for y in range(height)]
        visual = visualize(self, content, markup=self._render_markup)
        if visual.get_height(self.styles, width) != height:  # type: ignore[arg-type]
            super().update(content, layout=True)  # it wraps differently now: lay out again
            return
        # Textual's Static keeps these private; set them without its whole-widget refresh.
        if not compat.set_static_content(self, content, visual):
            super().update(content, layout=layout)
            return
        new = Visual.to_strips(self, visual, width, height, self.visual_style)
        regions = []
        for y, (before, after) in enumerate(zip(old, new, strict=False)):
            for first, end in changed_runs(before, after):
                regions.append(Region(first, y, end - first, 1))
        if regions:
            self.refresh(*regions)

"""The output pane: following by filling the next free row (one row repainted a new line),
jumping once full, scrolling back without moving, stderr marked apart."""

from __future__ import annotations

from textual.app import App, ComposeResult

from tests.support.recorder import Repaints
from vapor_tui.core.output import OutputLine
from vapor_tui.ui.widgets.output_pane import KEEP_ON_JUMP, OutputPane


class PaneApp(App[None]):
    def compose(self) -> ComposeResult:
        yield OutputPane(colourless=True, id="output")


def _lines(first: int, last: int, stream: str = "out") -> list[OutputLine]:
    return [OutputLine(i, stream, f"line {i}", float(i), rev=i) for i in range(first, last + 1)]


def _rows(pane: OutputPane) -> list[str]:
    return [pane.render_line(y).text.rstrip() for y in range(pane.size.height)]


async def test_new_lines_fill_free_rows_one_region_each_then_the_view_jumps():
    app = PaneApp()
    async with app.run_test(size=(60, 12)) as pilot:
        pane = app.query_one(OutputPane)
        height = pane.size.height
        assert height == 10
        pane.add(_lines(1, 3))
        await pilot.pause()
        repaints = Repaints(pane)
        pane.add(_lines(4, 4))
        assert (repaints.calls, repaints.regions) == (1, 1)  # the one row it went into
        pane.add(_lines(5, height))
        assert _rows(pane)[-1] == f"  line {height}"
        before = repaints.calls
        pane.add(_lines(height + 1, height + 1))  # no free row left: the view jumps
        assert repaints.calls == before + 1 and pane.top == height + 1 - KEEP_ON_JUMP
        # The newest lines at the top (the one before it, then it), the rows below free again.
        assert _rows(pane)[: KEEP_ON_JUMP + 1] == [f"  line {height}", f"  line {height + 1}", ""]
        assert pane.where == "following"


async def test_a_progress_line_changing_in_place_repaints_its_row_only():
    app = PaneApp()
    async with app.run_test(size=(60, 12)) as pilot:
        pane = app.query_one(OutputPane)
        pane.add([*_lines(1, 2), OutputLine(3, "err", " 10%|#", 3.0, partial=True, rev=3)])
        await pilot.pause()
        repaints = Repaints(pane)
        pane.add([OutputLine(3, "err", " 50%|#####", 4.0, partial=True, rev=4)])
        assert (repaints.calls, repaints.regions) == (1, 1)
        assert _rows(pane)[:3] == ["  line 1", "  line 2", "!  50%|#####"]  # stderr marked


async def test_scrolled_back_it_stays_put_while_lines_come_and_end_follows_again():
    app = PaneApp()
    async with app.run_test(size=(60, 12)) as pilot:
        pane = app.query_one(OutputPane)
        pane.add(_lines(1, 40))
        await pilot.pause()
        pane.page(-1)
        top = pane.top
        assert not pane.following and pane.where.startswith("lines ")
        repaints = Repaints(pane)
        pane.add(_lines(41, 60))
        assert pane.top == top and repaints.calls == 0  # nothing it shows changed
        pane.home()
        assert _rows(pane)[0] == "  line 1"
        pane.follow()
        assert pane.following and _rows(pane)[-1] == "  line 60"

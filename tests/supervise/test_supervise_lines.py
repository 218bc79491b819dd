"""A command's output cut into lines as a terminal shows them, whatever the chunks."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from vapor_tui.core.output import OutputFold
from vapor_tui.supervise.lines import CUT_MARK, LineSplitter, Segment


def _all(data: bytes, cuts=()) -> list[Segment]:
    splitter = LineSplitter(max_bytes=64)
    out: list[Segment] = []
    last = 0
    for cut in sorted(cuts):
        out += splitter.feed(data[last:cut])
        last = cut
    return out + splitter.feed(data[last:]) + splitter.close()


def _shown(data: bytes, cuts=()) -> list[tuple[str, bool]]:
    fold = OutputFold()
    fold.add("out", _all(data, cuts), 0.0)
    return [(line.text, line.partial) for line in fold.take()]


def test_a_progress_bar_redrawn_by_carriage_returns_is_one_line_at_its_latest_state():
    data = b"start\n\r 10%|#  | 1/10\r 50%|#####| 5/10\r100%|#####| 10/10\ndone\n"
    assert _shown(data) == [("start", False), ("100%|#####| 10/10", False), ("done", False)]
    # "\r\n" line ends and a bar clearing itself with spaces add nothing
    assert _shown(b"a\r\nb\r\n") == [("a", False), ("b", False)]
    assert _shown(b"\r 5/10\r      \rmessage\n") == [("message", False)]


def test_a_bar_still_drawing_is_partial_until_its_line_ends():
    splitter = LineSplitter()
    fold = OutputFold()
    fold.add("err", splitter.feed(b"\r 1/10\r 2/10\r"), 0.0)
    assert [(x.text, x.partial) for x in fold.take()] == [(" 2/10", True)]
    fold.add("err", splitter.close(), 1.0)
    assert [(x.seq, x.text, x.partial) for x in fold.take()] == [(1, " 2/10", False)]


def test_long_lines_are_cut_and_the_rest_of_them_dropped():
    data = b"x" * 200 + b"\nnext\n" + b"y" * 100
    assert _shown(data) == [
        ("x" * 64 + CUT_MARK, False),
        ("next", False),
        ("y" * 64 + CUT_MARK, False),
    ]


def test_bytes_that_are_not_utf8_are_replaced_and_escapes_and_controls_dropped():
    data = b"\xff\xfeok\n\x1b[31mred\x1b[0m \x1b]0;title\x07\x00bell\x07\ttab\n"
    assert _shown(data) == [("\ufffd\ufffdok", False), ("red bell" + " " * 8 + "tab", False)]


@given(
    st.lists(st.sampled_from([b"ab", b"\n", b"\r", b"\r\n", b"\xc3\xa9", b" ", b"x" * 30])),
    st.lists(st.integers(0, 400), max_size=8),
)
def test_lines_do_not_depend_on_where_the_chunks_were_cut(parts, cuts):
    data = b"".join(parts)
    assert _shown(data, [c for c in cuts if c <= len(data)]) == _shown(data)

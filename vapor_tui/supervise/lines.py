"""A process's output cut into lines, as a terminal would show them.

Bytes arrive in chunks of any size. A line ends with a newline; a carriage return ends a
*progress* segment (a tqdm bar redrawing itself), which replaces the line it is on until a
newline closes it. Long lines are cut, bytes that are not UTF-8 are replaced, terminal escapes
and other control characters are dropped: whatever a command prints, what is kept is plain
printable text.
"""

from __future__ import annotations

import re

from vapor_tui.core.output import Segment

__all__ = ["MAX_LINE_BYTES", "LineSplitter", "Segment", "clean"]

MAX_LINE_BYTES = 4096
CUT_MARK = " …[cut]"

_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves, erase
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC: window titles, hyperlinks
    r"|\x1b[@-_]?"  # any other escape
)
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(raw: bytes) -> str:
    """Printable text of one line's bytes."""
    text = raw.decode("utf-8", errors="replace")
    if "\x1b" in text:
        text = _ESCAPES.sub("", text)
    text = _CONTROLS.sub("", text)
    return text.expandtabs(8) if "\t" in text else text


class LineSplitter:
    """Feed it chunks, get back segments. One per stream."""

    def __init__(self, max_bytes: int = MAX_LINE_BYTES):
        self.max_bytes = max_bytes
        self._buf = bytearray()
        self._cutting = False  # a cut line: the rest is dropped up to its end
        self._open = False  # a progress segment was given and its line is not closed yet

    def feed(self, chunk: bytes) -> list[Segment]:
        out: list[Segment] = []
        self._buf += chunk
        start = 0
        buf = self._buf
        n = len(buf)
        while start < n:
            nl = buf.find(b"\n", start)
            cr = buf.find(b"\r", start, nl if nl >= 0 else n)
            end = cr if cr >= 0 else nl
            if end < 0:
                break
            self._emit(bytes(buf[start:end]), final=end == nl, out=out)
            start = end + 1
        del buf[:start]
        if len(buf) > self.max_bytes and not self._cutting:
            out.append(Segment(clean(bytes(buf[: self.max_bytes])) + CUT_MARK, final=True))
            self._open = False
            self._cutting = True
        if self._cutting:
            buf.clear()
        return out

    def close(self) -> list[Segment]:
        """The end of the stream: what is left is a last line without its newline."""
        out: list[Segment] = []
        if self._buf and not self._cutting:
            self._emit(bytes(self._buf), final=True, out=out)
        elif self._open:
            out.append(Segment("", final=True))
        self._buf.clear()
        self._cutting = self._open = False
        return out

    def _emit(self, raw: bytes, final: bool, out: list[Segment]) -> None:
        if self._cutting:
            # The rest of a cut line: dropped, up to the newline that ends it.
            self._cutting = not final
            return
        if len(raw) > self.max_bytes:
            raw = raw[: self.max_bytes]
            text = clean(raw) + CUT_MARK
        else:
            text = clean(raw)
        if not final and not text.strip():
            return  # a bar clearing itself ("\r   \r"): nothing worth showing
        if final and not text and self._open:
            out.append(Segment("", final=True))  # "\r\n": closes the progress line as it is
        else:
            out.append(Segment(text, final))
        self._open = not final

"""Reading a command's stdout and stderr as they come: one thread a stream, its segments put
on one queue in the order they were read, each with the time it was read."""

from __future__ import annotations

import os
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

from .lines import LineSplitter, Segment

CHUNK = 65536


@dataclass(frozen=True, slots=True)
class Piece:
    """Segments of one stream, read at `ts` (seconds since the epoch). `segments` None: the
    stream ended."""

    stream: str
    segments: list[Segment] | None
    ts: float


def start_readers(
    streams: dict[str, IO[bytes]],
    out: queue.Queue[Piece],
    clock: Callable[[], float] = time.time,
) -> list[threading.Thread]:
    threads = []
    for name, pipe in streams.items():
        thread = threading.Thread(
            target=_read, args=(name, pipe, out, clock), name=f"read-{name}", daemon=True
        )
        thread.start()
        threads.append(thread)
    return threads


def _read(name: str, pipe: IO[bytes], out: queue.Queue[Piece], clock: Callable[[], float]) -> None:
    splitter = LineSplitter()
    fd = pipe.fileno()
    try:
        while True:
            try:
                chunk = os.read(fd, CHUNK)
            except InterruptedError:
                continue
            except OSError:
                break
            if not chunk:
                break
            segments = splitter.feed(chunk)
            if segments:
                out.put(Piece(name, segments, clock()))
    finally:
        rest = splitter.close()
        if rest:
            out.put(Piece(name, rest, clock()))
        out.put(Piece(name, None, clock()))
        pipe.close()

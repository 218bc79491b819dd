"""How much one write transaction may hold, so that a full disk never locks the user out.

A transaction needs room in SQLite's log (`-wal`) for every page it changes, and the file
needs that room again when the log is copied back into it: writing half a million points
needs about 55 MB of log at once, and deleting them as much. So a catch-up or a delete is cut
in pieces that fit the room the disk has, leaving RESERVE_BYTES free: what a user's stop,
fail or delete needs (a few pages, recorded before any point), and what a checkpoint needs to
copy the log back. A piece that still finds the disk full is undone; the log is then emptied
(its space given back) and the work goes on in smaller pieces, down to PIECE_FLOOR points,
each followed by emptying the log again; once pieces succeed they grow back to the full size.
Every piece is whole: what it wrote is kept, whatever happens to the next one.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from .engine import Store
from .points import BYTES_PER_POINT, LARGE_JOB_BYTES
from .sqlite_file import FULL, StoreFull

# At most this many points a transaction (about 2 s of writing), then a pause longer than
# SQLite's longest busy-wait sleep (100 ms), so that a process waiting for the lock gets it.
TXN_POINTS = 500_000
TXN_PAUSE_S = 0.12
# On a server, a transaction of a fraction of a second (eight packed blocks), and no pause:
# other processes do not wait for it (they skip the job it holds: catchup.py), and a `q`
# during a long catch-up waits for at most one of them (Store.closing).
SERVER_TXN_POINTS = 8 * 4096
# The smallest piece: a quarter of a packed block (blocks.py), about 110 KB of points.
PIECE_FLOOR = 1024
# Left free by catch-ups and deletes, a twentieth of the disk up to this: room for the user's
# actions (a status change takes a few pages) and for checkpoints.
RESERVE_BYTES = 1024 * 1024
# A point takes BYTES_PER_POINT in the file, and as much in the log until it is copied back;
# each piece may also pack a block of each dense series.
_BLOCK_BYTES = 4096 * 3 * 24  # the blocks a piece may complete: 3 dense series of 4,096
_SHRINK = 8


def room(store: Store) -> tuple[int, int] | None:
    """(bytes free, bytes in all) on the disk of a SQLite database; None for a server one."""
    if not store.is_sqlite:
        return None
    try:
        st = os.statvfs(Path(store.target).parent)
    except OSError:
        return None
    return st.f_bavail * st.f_frsize, st.f_blocks * st.f_frsize


def _fits(store: Store) -> int | None:
    disk = room(store)
    if disk is None:
        return None
    free, size = disk
    reserve = min(RESERVE_BYTES, size // 20)
    return (free - reserve - _BLOCK_BYTES) // (2 * BYTES_PER_POINT)


def piece(store: Store) -> int:
    """The points the next write transaction may hold, or StoreFull if the disk has not room
    for PIECE_FLOOR of them beyond its reserve."""
    if not store.is_sqlite:
        return min(TXN_POINTS, SERVER_TXN_POINTS)
    size = store.piece_points or TXN_POINTS
    fits = _fits(store)
    if fits is not None and fits < PIECE_FLOOR:
        store.checkpoint()  # what the log holds, and a failed write grew it by, is given back
        fits = _fits(store)
        if fits is not None and fits < PIECE_FLOOR:
            raise StoreFull(f"cannot write to {store.target}: {FULL}")
    return size if fits is None else min(size, fits)


def pause(store: Store | None = None) -> None:
    """Between two pieces: on SQLite, time for a process waiting for the lock to take it."""
    if store is None or store.is_sqlite:
        time.sleep(TXN_PAUSE_S)


def after_full(store: Store, size: int) -> bool:
    """A piece of `size` points found the disk full and was undone: empty the log and make
    pieces smaller. False if they are as small as they go (the caller gives up for now)."""
    store.checkpoint()
    if size <= PIECE_FLOOR:
        return False
    store.piece_points = max(PIECE_FLOOR, size // _SHRINK)
    return True


def after_piece(store: Store, size: int) -> None:
    """A piece of `size` points was written. While pieces are small (little room), keep the
    log empty and let the next piece be larger."""
    if store.is_sqlite and size < TXN_POINTS:
        store.checkpoint()
        store.piece_points = min(TXN_POINTS, size * 2)


def size_warning(store: Store, steps: int) -> str | None:
    """What to say before creating a job whose points take a lot of room (more than
    LARGE_JOB_BYTES, or more than the disk has free), or None."""
    import humanize

    size = steps * BYTES_PER_POINT
    disk = room(store)
    free = disk[0] if disk else None
    if size <= LARGE_JOB_BYTES and (free is None or size <= free):
        return None
    where = f"; {humanize.naturalsize(free)} free there" if free is not None else ""
    return (
        f"{steps:,} steps will take about {humanize.naturalsize(size)} in the database "
        f"when done (about {BYTES_PER_POINT} bytes a step){where}"
    )

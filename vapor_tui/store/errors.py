"""The store's errors, one class for each thing a user can act on differently, and what a
full disk is called. Only the standard library (the first frame's quick look raises them too)."""

from __future__ import annotations

import os
from pathlib import Path


class StoreError(Exception):
    """A problem with the database that the user can act on; the message says what."""


class StoreDamaged(StoreError):
    """A vapor-tui database that SQLite finds damaged: refused, and never written to."""

    def __init__(self, *args: object) -> None:
        super().__init__(*args)
        from . import check_memo

        check_memo.damaged()  # nothing this process opened is vouched for any more


class StoreMissing(StoreError):
    """No database at the path, and the caller asked not to create one."""


class StoreFull(StoreError):
    """No room on the disk for what was being written; it was undone, and nothing else is
    wrong: the same write can succeed once there is room."""


class JobNotFound(LookupError):
    def __init__(self, job_id: int):
        self.job_id = job_id
        super().__init__(f"no job with id {job_id}")


FULL = "database or disk is full"
# Less free space than this, and SQLite's "disk I/O error" means the disk is full: with no
# byte free it cannot even make the shared-memory file of the log.
NO_ROOM_BYTES = 64 * 1024


def no_room(path: Path) -> bool:
    """Is the filesystem holding `path` (or the nearest existing parent) out of space?"""
    for place in (path, *path.parents):
        try:
            st = os.statvfs(place)
        except OSError:
            continue
        return st.f_bavail * st.f_frsize < NO_ROOM_BYTES
    return False

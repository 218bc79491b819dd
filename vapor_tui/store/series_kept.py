"""The series rows a tick's write left, kept for the next tick's write on SQLite, so that it
need not read them again (issue 14: the read was a sixth of write_points).

They are the rows in the file when nothing was committed since that write but the write itself:
- the next write plans from its look's rows (catchup.Seen: nothing committed between the
  look and the write), on the same connection;
- that look's data_version and count of changes are the ones the write left: no other
  connection committed after it (data_version), and this one changed nothing after it (the
  pool may lend it to another thread's action, a tick may fail a dead run on it);
- each job's version, as the look read it, is the one the write set: the write committed (a
  write rolled back leaves the version before it, and its series rows too).
Whatever is taken is gone from here: a write that uses it and then fails leaves nothing kept."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .catchup import Seen
    from .series_state import Known, SeriesRow, Written


@dataclass(frozen=True, slots=True)
class _Kept:
    raw: Any  # the connection the write ran on
    data_version: int
    changes: int  # its total_changes when the write was done
    jobs: dict[int, tuple[int, int | None, dict[str, SeriesRow]]]  # id -> (version, total, rows)


_lock = threading.Lock()
_kept: _Kept | None = None


def take(seen: Seen, rows: list) -> Known:
    """The series rows kept for the jobs of `rows` (the look's rows a write plans from) that
    are still the rows in the file, by job id; nothing is kept after."""
    global _kept
    with _lock:
        kept, _kept = _kept, None
    if kept is None or kept.raw is not seen.raw:
        return {}
    if (kept.data_version, kept.changes) != (seen.data_version, seen.changes):
        return {}
    known = {}
    for row in rows:
        got = kept.jobs.get(row.id)
        if got is not None and got[0] == row.version:
            known[row.id] = (got[1], got[2])
    return known


def keep(seen: Seen, raw: Any, versions: dict[int, int], written: Written) -> None:
    """After a write that planned from `seen` on `raw`, before its commit: the series rows
    write_points left (its totals and states) and the version the write set on each job."""
    global _kept
    totals, states = written
    by_job: dict[int, tuple[int, int | None, dict[str, SeriesRow]]] = {}
    for (job_id, name), st in states.items():
        if job_id in versions:
            entry = by_job.setdefault(job_id, (versions[job_id], totals[job_id], {}))
            entry[2][name] = st
    kept = _Kept(raw, seen.data_version, raw.total_changes, by_job)
    with _lock:
        _kept = kept


def forget() -> None:
    global _kept
    with _lock:
        _kept = None

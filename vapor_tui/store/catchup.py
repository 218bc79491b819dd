"""Bringing running jobs up to now: every due step generated and written, in whole transactions.

Also the points a stopped or failed job still owes (its status change was recorded first,
apply_action), and the points of deleted jobs still to be removed (deletes.py)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import Connection

from vapor_tui.core import catchup as planner
from vapor_tui.core.job import SOURCE_SIMULATOR

from . import series_kept, tick_rows
from .advance import advance
from .catchup_plans import is_due, plan_row, readable
from .convert import UnreadableJob, job_from_row
from .deletes import deleted_ids, sweep_deleted
from .driver import run_many
from .engine import Store, StoreFull
from .pieces import after_full, after_piece, pause, piece
from .series import write_points
from .tables import jobs_table, owed_table

if TYPE_CHECKING:
    from .advance import Ticked
    from .series_state import Known, Written

_ACTIVE = tick_rows.ACTIVE


@dataclass(frozen=True, slots=True)
class CatchUpResult:
    points_written: int
    jobs_advanced: tuple[int, ...]
    jobs_ended: tuple[int, ...]


def catch_up(
    store: Store, now: datetime | None = None, job_ids: Iterable[int] | None = None
) -> CatchUpResult:
    """Bring running and stopping jobs (all, or those in `job_ids`) up to `now`, and write
    what ended jobs owe.

    Each transaction writes at most TXN_POINTS steps (fewer after the disk was found full,
    and on a server: pieces.py): a job's points, its counts, its chart summary and packed
    blocks, and its status change together, so every commit is whole. A long catch-up (a
    million-step job left for a day) is several of them, with a pause between on SQLite in
    which another process waiting for the lock gets it. StoreFull if even the smallest
    piece finds no room; what was written before stays. Once the store is closing (`q`), no
    further transaction is begun: what is written is whole, the next catch-up writes the
    rest."""
    if store.readonly:
        return CatchUpResult(0, (), ())
    now_s = (now or store.clock.now()).timestamp()
    wanted = None if job_ids is None else set(job_ids)
    # A cheap look without the write lock: most ticks have nothing due and write nothing.
    with store.read() as conn:
        look = look_due(conn, now_s, wanted)
    return catch_up_due(store, now_s, look, wait=job_ids is not None)


@dataclass(frozen=True, slots=True)
class Due:
    """What a look found to do: the jobs with steps due or points owed, the deleted jobs
    whose points are still to be removed."""

    jobs: frozenset[int]
    swept: tuple[int, ...] = ()
    # SQLite: the rows the look read, and what says whether they are still the rows.
    seen: Seen | None = None

    def __bool__(self) -> bool:
        return bool(self.jobs or self.swept)


class Seen(NamedTuple):
    """The rows a look read on SQLite, (active, owing), with its connection, and that
    connection's data_version and count of changes then. A write on the same connection that
    finds both the same plans from these rows: nothing was committed since, by another
    connection (data_version) or by this one (total_changes: the pool may have lent it to
    another thread's action, or the tick failed a dead run on it, since the look)."""

    raw: Any
    data_version: int
    changes: int
    active: list
    owing: list

    @classmethod
    def of(cls, conn: Connection, active: list, owing: list) -> Seen:
        raw: Any = conn.connection.driver_connection
        version = (active or owing)[0].data_version  # read by the look's own statement
        return cls(raw, version, raw.total_changes, active, owing)

    def still_the_rows(self, conn: Connection) -> bool:
        raw: Any = conn.connection.driver_connection
        return (
            raw is self.raw
            and raw.total_changes == self.changes
            and tick_rows.data_version(conn) == self.data_version
        )


def look_due(
    conn: Connection, now_s: float, wanted: set[int] | None = None, rows: list | None = None
) -> Due:
    """The look of catch_up, in the caller's read transaction (a tick's one read): a job
    whose next step finishes after `now_s` is looked at and passed over (catchup_plans.py).
    `rows`: the tick's looked_at_rows, already read (then `wanted` is None)."""
    active, owing = _due_rows(conn, wanted) if rows is None else _split(rows)
    due = {r.id for r in active if _changes(r, now_s)}
    due |= {r.id for r in owing}
    swept = deleted_ids(conn) if wanted is None else []
    seen = None
    if due and conn.dialect.name == "sqlite":
        seen = Seen.of(conn, active, owing)
    return Due(frozenset(due), tuple(swept), seen)


def catch_up_due(
    store: Store,
    now_s: float,
    look: Due,
    wait: bool = False,
    then: Callable[[Connection, Mapping[int, Any]], object] | None = None,
) -> CatchUpResult:
    """Write what `look` found due (catch_up). `wait`: an action's catch-up, which waits for
    another process writing the job (a tick passes it over). `then`: called in the write
    transaction of the piece that leaves nothing due, after its writes and before its commit
    (a tick's read: one transaction, not a write and then a read, issue 14), with the job rows
    that piece set (_write_piece: the read need not read them again); not called when no such
    piece is written (several pieces, a full disk, deleted jobs to sweep)."""
    if store.readonly or not look:
        return CatchUpResult(0, (), ())
    due, swept = set(look.jobs), list(look.swept)
    written, advanced, ended = 0, [], []
    seen = look.seen  # for the first piece only: the next plans from what it wrote
    while due and not store.closing.is_set():
        if written:
            pause(store)
        budget = piece(store)
        try:
            with store.write() as conn:
                # On a server, a job another process is writing right now is left to it (SKIP
                # LOCKED): a tick or a `new` does not queue behind its catch-up. An action on
                # the job (`wait`) waits for it, to act on the job as it is now.
                lock, skip = not store.is_sqlite, not wait
                planned_from = None
                if seen is not None and seen.still_the_rows(conn):  # no need to read again
                    active = [r for r in seen.active if r.id in due]
                    owing = [r for r in seen.owing if r.id in due]
                    planned_from = seen
                else:
                    series_kept.forget()  # this write moves what was kept
                    active, owing = _due_rows(conn, due, lock, skip)
                rows = [(r, _plan(r, now_s)) for r in active]
                rows += [(r, _repay(r)) for r in owing]
                seen = None
                # The series rows the last tick's write left, when they are still the file's.
                known = series_kept.take(planned_from, active + owing) if planned_from else None
                set_rows: dict[int, Any] | None = {} if then is not None else None
                moved, versions, series_rows = _write_piece(conn, rows, budget, known, set_rows)
                # Ended or deleted elsewhere meanwhile, or brought up to date: no longer due.
                left = due & {row.id for row, _ in rows}
                left -= {job_id for job_id, _, _, finished in moved if finished}
                if then is not None and not left and not swept:
                    then(conn, set_rows or {})
                if planned_from is not None:
                    series_kept.keep(
                        planned_from, conn.connection.driver_connection, versions, series_rows
                    )
        except StoreFull:
            if not after_full(store, budget):
                raise
            continue
        after_piece(store, budget)
        due = left
        for job_id, count, end, _ in moved:
            written += count
            if count and job_id not in advanced:
                advanced.append(job_id)
            if end:
                ended.append(job_id)
    if swept:
        sweep_deleted(store, swept)
    return CatchUpResult(written, tuple(advanced), tuple(ended))


def _write_piece(
    conn: Connection,
    rows,
    budget: int,
    known: Known | None = None,
    set_rows: dict[int, Any] | None = None,
) -> tuple[list[tuple[int, int, bool, bool]], dict[int, int], Written]:
    """Advance each job by its plan, up to `budget` points in all: (id, points written,
    whether it ended, whether it is up to date) for each job touched; the version set on
    each job's row; and what write_points left (`known`: as it takes). Every job's points go
    in one write_points call, and the rows in one statement a shape of update (issue 14: the
    per-job statements were most of the tick's worker time).

    `set_rows`: filled with each simulated job's row as this transaction leaves it (the row
    it planned from, read in this transaction or found still the row by catchup.Seen, with
    the columns set; not one that sets a NaN), when the driver counts every compare-and-set
    update as done; else left empty."""
    moved = []
    batches: dict[int, Ticked] = {}
    updates: dict[tuple[str, ...], list[tuple]] = {}
    versions: dict[int, int] = {}
    for row, plan in rows:
        if plan is None:  # a row that cannot be read: left as it is
            moved.append((row.id, 0, False, True))
            continue
        count, end, finished, batch, values = advance(row, plan, budget)
        if count:
            batches[row.id] = batch
        if values is not None:
            updates.setdefault(tuple(values), []).append((*values.values(), row.id, row.version))
            versions[row.id] = values["version"]
            # A NaN is stored as NULL (SQLite): that row is read back as the file has it.
            if set_rows is not None and row.source == SOURCE_SIMULATOR and _stored(values):
                set_rows[row.id] = row._replace(**values)
        if finished and row.owed_to is not None:
            conn.execute(owed_table.delete().where(owed_table.c.job_id == row.id))
        moved.append((row.id, count, end, finished))
        budget -= count
        if budget <= 0:
            break
    written = write_points(conn, batches, update_jobs=False, known=known)
    changed = 0
    for columns, params in updates.items():
        changed += run_many(conn, _update_sql(columns, conn.dialect.paramstyle), params)
    if set_rows and changed != len(versions):  # one not done (or not counted): none is known
        set_rows.clear()
    return moved, versions, written


def _stored(values: dict) -> bool:
    """Whether the file gives these values back as they are (no NaN)."""
    return all(v == v for v in values.values())


def looked_at_rows(conn: Connection) -> list:
    """Every active job's row (any source) and every row owing points, with `owed_to`: what
    a tick's look reads, in one statement."""
    return tick_rows.looked_at(conn)


def _due_rows(conn: Connection, wanted: set[int] | None, lock: bool = False, skip=False):
    """The active simulated jobs (all, or those in `wanted`), and the jobs that ended owing
    points, with the step they are owed up to (`owed_to`): two lists, from one statement.
    Only the simulator's jobs are moved by the clock: a run's points come from its process."""
    return _split(tick_rows.due(conn, wanted, lock, skip))


def _split(rows: list) -> tuple[list, list]:
    """(the active simulated jobs, those owing points) among `rows`. An active row is planned
    as one that owes nothing (it was read without `owed_to`)."""
    active, owing = [], []
    for row in rows:
        if row.owed_to is not None:
            owing.append(row)
        if row.status in _ACTIVE and row.source == SOURCE_SIMULATOR:
            active.append(row if row.owed_to is None else row._replace(owed_to=None))
    return active, owing


def _repay(row) -> planner.Plan | None:
    """What an ended job still owes: its points up to `owed_to`, and no change of status."""
    try:
        job_from_row(row)
    except UnreadableJob:
        return None
    return planner.Plan(row.steps_done + 1, row.owed_to, None, None, None)


def _changes(row, now_s: float) -> bool:
    """Has the job anything due (a job with nothing due until its next step is looked at and
    passed over: catchup_plans.py)? A row that cannot be read has not."""
    try:
        return is_due(row, now_s)
    except UnreadableJob:
        return False


def _plan(row, now_s: float) -> planner.Plan | None:
    if not readable(row):  # a row that cannot be read is left as it is
        return None
    return plan_row(row, now_s)[1]


@functools.cache
def _update_sql(columns: tuple[str, ...], paramstyle: str) -> str:
    """The compare-and-set update of these columns, as plain SQL made once: building the
    statement anew for every job on every tick cost more than running it."""
    p = "?" if paramstyle == "qmark" else "%s"
    assignments = ", ".join(f"{jobs_table.c[column].name} = {p}" for column in columns)
    return f"UPDATE jobs SET {assignments} WHERE id = {p} AND version = {p}"

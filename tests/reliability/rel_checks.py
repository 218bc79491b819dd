"""What must hold of a vapor-tui database after anything at all happened to it: a kill, a
signal, a full disk, two processes at once. Read with the standard library's sqlite3 (or plain
psycopg for a PostgreSQL URL), so the checks share no code with what they check."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tests.support.wide import LAST_WIDE_POINTS
from vapor_tui.core.config import Curve, JobConfig, Schedule
from vapor_tui.core.simulator import Simulator
from vapor_tui.core.status import JobStatus
from vapor_tui.store.series_blocks import BLOCK_STEPS

SIDE_FILES = ("-wal", "-shm", "-journal")


@dataclass(frozen=True)
class JobFacts:
    id: int
    name: str
    status: JobStatus
    steps_done: int
    total: int
    stop_at_step: int | None
    started_at: float | None
    version: int
    config: JobConfig


def integrity_check(path: Path) -> str:
    """PRAGMA integrity_check through an ordinary connection: it recovers a write-ahead log
    left by a killed process, as the next start of the app does."""
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    finally:
        conn.close()
    return "; ".join(str(r[0]) for r in rows)


class _Row(tuple):
    """A psycopg row read by position or by column name, as sqlite3.Row is."""

    names: dict[str, int] = {}

    def __getitem__(self, key):  # type: ignore[override]
        return super().__getitem__(self.names[key] if isinstance(key, str) else key)


def _hybrid_rows(cursor):
    names = {c.name: i for i, c in enumerate(cursor.description or ())}
    row_type = type("Row", (_Row,), {"names": names})
    return lambda values: row_type(values)


def _connect(db: Path | str):
    """A connection whose rows read like sqlite3.Row: sqlite3 for a file, psycopg for a URL."""
    if "://" in str(db):
        from tests.support.postgres import connect_url

        return connect_url(str(db), row_factory=_hybrid_rows)
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    return conn


def _tables(conn) -> set[str]:
    if isinstance(conn, sqlite3.Connection):
        query = "SELECT name FROM sqlite_master WHERE type = 'table'"
    else:
        query = "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
    return {r[0] for r in conn.execute(query)}


def read_jobs(path: Path | str) -> dict[int, JobFacts]:
    conn = _connect(path)
    try:
        rows = conn.execute("SELECT * FROM jobs ORDER BY id").fetchall()
    finally:
        conn.close()
    return {r["id"]: _facts(r) for r in rows}


def _facts(r: sqlite3.Row) -> JobFacts:
    config = JobConfig(
        name=r["name"],
        model=r["model"],
        epochs=r["epochs"],
        steps_per_epoch=r["steps_per_epoch"],
        learning_rate=r["learning_rate"],
        batch_size=r["batch_size"],
        schedule=Schedule(r["schedule"]),
        curve=Curve(r["curve"]),
        seed=r["seed"],
        step_seconds=r["step_seconds"],
    )
    return JobFacts(
        id=r["id"],
        name=r["name"],
        status=JobStatus(r["status"]),
        steps_done=r["steps_done"],
        total=config.total_steps,
        stop_at_step=r["stop_at_step"],
        started_at=r["started_at"],
        version=r["version"],
        config=config,
    )


def check_database(
    path: Path | str, where: str = "", integrity: bool = True
) -> dict[int, JobFacts]:
    """Assert everything that must hold; return the jobs. `where` goes into every message.
    (PostgreSQL keeps its own files whole: the integrity check is SQLite's.)"""
    if integrity and "://" not in str(path):
        result = integrity_check(path)
        assert result == "ok", f"{where}: integrity_check says {result}"
    conn = _connect(path)
    try:
        jobs = {r["id"]: r for r in conn.execute("SELECT * FROM jobs ORDER BY id")}
        stats = {
            r[0]: tuple(r[1:])
            for r in conn.execute(
                "SELECT s.job_id, count(*), count(DISTINCT p.step), min(p.step), max(p.step), "
                "min(p.value) FROM series_points p JOIN series s ON s.id = p.series_id "
                "WHERE s.name = 'loss' GROUP BY s.job_id"
            )
        }
        # The simulator writes its three dense series at every step: as many points each.
        dense = {
            (r[0], r[1]): r[2]
            for r in conn.execute(
                "SELECT s.job_id, s.name, count(*) FROM series_points p "
                "JOIN series s ON s.id = p.series_id "
                "WHERE s.name IN ('accuracy', 'learning_rate') GROUP BY s.job_id, s.name"
            )
        }
        last_points = {r["job_id"]: r for r in conn.execute(LAST_WIDE_POINTS)}
        summaries = _summaries(conn)
        blocks = _blocks(conn)
        owed, deleted = _owed_and_deleted(conn)
    finally:
        conn.close()
    # A long job's row is deleted first and its points after, in pieces: those left are
    # listed in deleted_jobs until they are gone.
    orphans = set(stats) - set(jobs) - deleted
    assert not orphans, f"{where}: points of deleted jobs {sorted(orphans)}"
    assert not deleted & set(jobs), f"{where}: jobs {sorted(deleted & set(jobs))} deleted, not"
    facts = {}
    for job_id, row in jobs.items():
        job = _facts(row)
        facts[job_id] = job
        count, distinct, low, high, best = stats.get(job_id, (0, 0, None, None, None))
        what = f"{where}: job {job_id} ({job.status}, steps_done {job.steps_done})"
        assert count == distinct, f"{what}: {count - distinct} duplicate steps"
        assert count == job.steps_done, f"{what}: {count} points"
        for name in ("accuracy", "learning_rate"):
            assert dense.get((job_id, name), 0) == count, f"{what}: {name} points"
        if count:
            assert (low, high) == (1, job.steps_done), f"{what}: steps {low}..{high}, a gap"
            assert row["last_loss"] == last_points[job_id]["loss"], f"{what}: last_loss"
            assert row["best_loss"] == best, f"{what}: best_loss"
            _check_last_point(job, last_points[job_id], what)
        if summaries is not None:
            # The chart summary (schema 2) is written with the points: it counts them exactly.
            n, first, last = summaries.get(job_id, (0, None, None))
            assert n == count, f"{what}: the summary counts {n} points"
            assert (first, last) == ((1, job.steps_done) if count else (None, None)), what
        if blocks is not None:
            # The packed copy, written once a step after each block is: the blocks before the
            # last step's, in order; the steps after them are in the rows only.
            n, steps = blocks.get(job_id, (0, np.empty(0)))
            whole = max(0, (count - 1) // BLOCK_STEPS) * BLOCK_STEPS
            assert n == whole == len(steps), f"{what}: the blocks hold {n} ({len(steps)}) points"
            assert np.array_equal(steps, np.arange(1, whole + 1)), f"{what}: blocks out of step"
        _check_status(job, row, what)
        if job_id in owed:
            # Stopped or failed while its points could not be written: it owes the rest.
            last = owed[job_id]
            assert job.status.is_final and job.steps_done < last <= job.total, (
                f"{what}: owes {last}"
            )
    assert set(owed) <= set(jobs), f"{where}: points owed by jobs that are gone"
    return facts


def _owed_and_deleted(conn) -> tuple[dict[int, int], set[int]]:
    tables = _tables(conn)
    owed, deleted = {}, set()
    if "owed_points" in tables:
        owed = {r[0]: r[1] for r in conn.execute("SELECT job_id, last_step FROM owed_points")}
    if "deleted_jobs" in tables:
        deleted = {r[0] for r in conn.execute("SELECT job_id FROM deleted_jobs")}
    return owed, deleted


def _blocks(conn) -> dict[int, tuple[int, np.ndarray]] | None:
    """Per job: the points its blocks say they hold, and the steps they really hold."""
    if "series_blocks" not in _tables(conn):
        return None
    found: dict[int, tuple[int, list]] = {}
    for job_id, n, data in conn.execute(
        "SELECT s.job_id, b.n, b.data FROM series_blocks b JOIN series s ON s.id = b.series_id "
        "WHERE s.name = 'loss' ORDER BY s.job_id, b.block"
    ):
        rows = np.frombuffer(data, dtype=np.float64).reshape(-1, 3)
        total, parts = found.get(job_id, (0, []))
        found[job_id] = (total + n, [*parts, rows[:, 0]])
    return {k: (n, np.concatenate(parts).astype(np.int64)) for k, (n, parts) in found.items()}


def _summaries(conn) -> dict[int, tuple] | None:
    if "series_summary" not in _tables(conn):
        return None
    return {
        r[0]: tuple(r[1:])
        for r in conn.execute(
            "SELECT s.job_id, sum(b.n), min(b.first_step), max(b.last_step) FROM series_summary b "
            "JOIN series s ON s.id = b.series_id WHERE s.name = 'loss' GROUP BY s.job_id"
        )
    }


def _check_status(job: JobFacts, row: sqlite3.Row, what: str) -> None:
    status, done, total = job.status, job.steps_done, job.total
    assert 0 <= done <= total, f"{what}: of {total}"
    if status is JobStatus.QUEUED:
        assert done == 0 and row["started_at"] is None, what
    if status.is_active or status is JobStatus.COMPLETE:
        assert row["started_at"] is not None, f"{what}: never started"
    if status.is_final:
        assert row["finished_at"] is not None, f"{what}: no finish time"
    else:
        assert row["finished_at"] is None, f"{what}: a finish time"
    if status is JobStatus.COMPLETE:
        assert done == total, f"{what}: complete with {done} of {total} points"
    else:
        assert done < total, f"{what}: every point but not complete"
    if status is JobStatus.STOPPING:
        stop = job.stop_at_step
        assert stop is not None and done <= stop <= total, f"{what}: stop at {stop}"


def _check_last_point(job: JobFacts, point: sqlite3.Row, what: str) -> None:
    """The stored point is the one the simulator makes for that step: nothing half-written."""
    expected = Simulator(job.config).points(job.steps_done, job.steps_done, job.started_at or 0)
    assert point["epoch"] == int(expected.epoch[0]), what
    for column in ("loss", "accuracy", "learning_rate", "timestamp"):
        assert np.isclose(point[column], getattr(expected, column)[0], rtol=1e-12), (what, column)


def expected_steps(job: JobFacts, now: float) -> int:
    """Where a catch-up at `now` must leave an active job."""
    assert job.started_at is not None
    target = Simulator(job.config).steps_done_by(now - job.started_at)
    limit = job.total
    if job.status is JobStatus.STOPPING and job.stop_at_step is not None:
        limit = min(limit, job.stop_at_step)
    return max(job.steps_done, min(target, limit))


def copy_as_after_a_crash(src: Path, dst: Path) -> Path:
    """The database file and its write-ahead log as the disk holds them (no process has them
    open): what the next start finds. The -shm index is rebuilt from the log."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal"):
        source = src.with_name(src.name + suffix)
        target = dst.with_name(dst.name + suffix)
        target.unlink(missing_ok=True)
        if source.exists():
            shutil.copyfile(source, target)
    dst.with_name(dst.name + "-shm").unlink(missing_ok=True)
    return dst


def digest_dir(directory: Path) -> dict[str, str]:
    """Every file under `directory` and the sha256 of its bytes."""
    return {
        str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def uncommitted_frames(db: Path) -> int:
    """Frames at the end of the write-ahead log that no commit frame follows: on a log that was
    empty before, a transaction was being written when the process died. (Checksums are not
    verified, so frames a recovered log left behind past a later commit would count too.)"""
    wal = db.with_name(db.name + "-wal")
    if not wal.exists():
        return 0
    data = wal.read_bytes()
    if len(data) < 32:
        return 0
    page_size = int.from_bytes(data[8:12], "big")
    salts = data[16:24]
    pending = 0
    offset = 32
    while offset + 24 + page_size <= len(data):
        header = data[offset : offset + 24]
        if header[8:16] != salts:
            break
        commit = int.from_bytes(header[4:8], "big")
        pending = 0 if commit else pending + 1
        offset += 24 + page_size
    return pending


def latest_logged_page(db: Path, number: int) -> bytes | None:
    """The newest copy of page `number` in the database's write-ahead log (this generation)."""
    data = db.with_name(db.name + "-wal").read_bytes()
    page_size = int.from_bytes(data[8:12], "big")
    salts, offset, found = data[16:24], 32, None
    while offset + 24 + page_size <= len(data):
        header = data[offset : offset + 24]
        if header[8:16] != salts:
            break
        if int.from_bytes(header[0:4], "big") == number:
            found = data[offset + 24 : offset + 24 + page_size]
        offset += 24 + page_size
    return found


def edit_by_hand(path: Path, *statements: str) -> None:
    """Change a database as someone with the sqlite3 shell would, foreign keys off."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys = OFF")
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()

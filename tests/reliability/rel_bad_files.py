"""Files that must never be taken for a vapor-tui database, or never be written to: each maker
turns a path into one, from a real database where it needs one, and names the words of the
message that must refuse it."""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from vapor_tui.core.clock import FakeClock
from vapor_tui.core.config import JobConfig
from vapor_tui.store.catchup import catch_up
from vapor_tui.store.engine import SCHEMA_VERSION, open_store
from vapor_tui.store.jobs import create_job

PAGE = 4096


def make_real_db(path: Path) -> None:
    """Jobs with points, and one running with points due, so that anything that wrote to the
    file would change it. Checkpointed: the file alone holds everything."""
    clock = FakeClock(datetime.now(UTC) - timedelta(hours=2))
    store = open_store(path, clock=clock)
    try:
        done = JobConfig("done", epochs=2, steps_per_epoch=2000, step_seconds=0.01, seed=1)
        create_job(store, done, start=True)
        clock.advance(600)
        catch_up(store)
        running = JobConfig("running", epochs=3, steps_per_epoch=5000, step_seconds=1.0, seed=2)
        create_job(store, running, start=True)
        clock.advance(300)
        catch_up(store)
    finally:
        store.close()
    assert not path.with_name(path.name + "-wal").exists()


def _page_of(path: Path, table: str) -> int:
    conn = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    try:
        sql = "SELECT rootpage FROM sqlite_master WHERE name = ?"
        (root,) = conn.execute(sql, (table,)).fetchone()
    finally:
        conn.close()
    return int(root)


def _mutate(real: bytes, change: Callable[[bytearray], bytearray]) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        path.write_bytes(bytes(change(bytearray(real))))

    return make


def _zero_page(number: int) -> Callable[[bytearray], bytearray]:
    def change(data: bytearray) -> bytearray:
        data[(number - 1) * PAGE : number * PAGE] = bytes(PAGE)
        return data

    return change


def _garbage_page(number: int) -> Callable[[bytearray], bytearray]:
    def change(data: bytearray) -> bytearray:
        noise = random.Random(number).randbytes(PAGE - 8)
        data[(number - 1) * PAGE + 8 : number * PAGE] = noise
        return data

    return change


def _sqlite_of_another_program(path: Path, wal: bool = False) -> None:
    conn = sqlite3.connect(path)
    if wal:
        conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    conn.executemany("INSERT INTO notes (body) VALUES (?)", [("keep me",), ("and me",)])
    conn.commit()
    conn.close()


LIVE_LOG = """
import os, sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
conn.execute("PRAGMA journal_mode=WAL")
conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
conn.execute("INSERT INTO notes (body) VALUES ('only in the log')")
conn.commit()
os._exit(0)  # killed, or still running: its notes are in the -wal file, not yet in the main one
"""


def _sqlite_of_another_program_with_a_live_log(path: Path) -> None:
    subprocess.run([sys.executable, "-c", LIVE_LOG, str(path)], check=True)
    assert path.with_name(path.name + "-wal").stat().st_size > 0


def _newer(real: bytes) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        path.write_bytes(real)
        conn = sqlite3.connect(path)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
        conn.commit()
        conn.close()

    return make


def btree_pages(data: bytes) -> list[int]:
    """Pages that hold a b-tree node (by their type byte), as opposed to the overflow pages of
    a BLOB: zeroing a page of BLOB content is a change SQLite has no way to notice."""
    return [
        n
        for n in range(2, len(data) // PAGE + 1)
        if data[(n - 1) * PAGE] in (0x02, 0x05, 0x0A, 0x0D)
    ]


def bad_files(real_db: Path) -> dict[str, tuple[Callable[[Path], None], str]]:
    real = real_db.read_bytes()
    nodes = btree_pages(real)
    jobs_page, points_page = _page_of(real_db, "jobs"), _page_of(real_db, "series_points")
    assert len(nodes) > 20 and points_page in nodes
    not_sqlite = "not a vapor-tui database (not an SQLite file)"
    foreign = "is an SQLite file but not a vapor-tui database"
    return {
        "text-file": (lambda p: p.write_text("my notes\n" * 500), not_sqlite),
        "binary-noise": (lambda p: p.write_bytes(random.Random(1).randbytes(65536)), not_sqlite),
        "shorter-than-a-header": (lambda p: p.write_bytes(real[:60]), not_sqlite),
        "another-program": (_sqlite_of_another_program, foreign),
        "another-program-wal": (lambda p: _sqlite_of_another_program(p, wal=True), foreign),
        "another-program-live-log": (_sqlite_of_another_program_with_a_live_log, foreign),
        "truncated-to-half": (lambda p: p.write_bytes(real[: len(real) // 2]), "truncated"),
        "truncated-by-a-page": (lambda p: p.write_bytes(real[:-PAGE]), "truncated"),
        "truncated-mid-page": (lambda p: p.write_bytes(real[: len(real) - 1000]), "truncated"),
        "truncated-to-the-header": (lambda p: p.write_bytes(real[:100]), "damaged"),
        "header-zeroed": (_mutate(real, _zero_page(1)), not_sqlite),
        "jobs-page-zeroed": (_mutate(real, _zero_page(jobs_page)), "damaged"),
        "a-middle-page-zeroed": (_mutate(real, _zero_page(nodes[len(nodes) // 2])), "damaged"),
        "the-last-node-zeroed": (_mutate(real, _zero_page(nodes[-1])), "damaged"),
        "a-middle-page-noise": (
            _mutate(real, _garbage_page(nodes[len(nodes) // 2 + 1])),
            "damaged",
        ),
        "points-root-noise": (_mutate(real, _garbage_page(points_page)), "damaged"),
        "newer-version": (_newer(real), "newer vapor-tui"),
        "a-directory": (lambda p: p.mkdir(), "is a directory"),
        "a-fifo": (lambda p: os.mkfifo(p), "not a regular file"),
        "a-link-to-nowhere": (lambda p: p.symlink_to(p.with_name("gone") / "x.db"), "symbolic"),
    }


KINDS = (
    "text-file",
    "binary-noise",
    "shorter-than-a-header",
    "another-program",
    "another-program-wal",
    "another-program-live-log",
    "truncated-to-half",
    "truncated-by-a-page",
    "truncated-mid-page",
    "truncated-to-the-header",
    "header-zeroed",
    "jobs-page-zeroed",
    "a-middle-page-zeroed",
    "the-last-node-zeroed",
    "a-middle-page-noise",
    "points-root-noise",
    "newer-version",
    "a-directory",
    "a-fifo",
    "a-link-to-nowhere",
)


def assert_one_line_error(code: int, out: str, err: str, *needles: str) -> str:
    """Exit status 2, nothing on stdout, one line on stderr naming the problem."""
    assert code == 2, f"exit {code}: {err!r}"
    assert out == "", out
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, f"not one line: {err!r}"
    assert lines[0].startswith("vapor-tui: error: "), lines[0]
    for needle in needles:
        assert needle in lines[0], f"{needle!r} not in {lines[0]!r}"
    return lines[0]

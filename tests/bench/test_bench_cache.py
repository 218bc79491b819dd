"""--big-job-cache: runs that name one directory share one build of the big job, and each gets
a database of its own holding the whole job."""

from __future__ import annotations

import sqlite3
from dataclasses import replace

from benchmarks.context import Context
from benchmarks.modes import SMOKE

POINTS = 2_000


def _points(db) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT count(*) FROM series_points p JOIN series s ON s.id = p.series_id "
            "WHERE s.name = 'loss'"
        ).fetchone()[0]
    finally:
        conn.close()


def test_runs_naming_one_cache_build_the_big_job_once(tmp_path):
    mode = replace(SMOKE, big_points=POINTS)
    cache = tmp_path / "cache"
    first = Context(mode, tmp_path / "one", verbose=False, big_job_cache=cache)
    second = Context(mode, tmp_path / "two", verbose=False, big_job_cache=cache)
    for ctx in (first, second):
        ctx.tmp.mkdir()
    path, job_id = first.big_job()
    built = sorted(cache.glob("big-*.db"))
    assert len(built) == 1
    stamp = built[0].stat().st_mtime_ns
    copy_id = second.copy_of_big_job(tmp_path / "copy.db")
    assert sorted(cache.glob("big-*.db")) == built and built[0].stat().st_mtime_ns == stamp
    assert copy_id == job_id
    for db in (path, tmp_path / "copy.db", built[0]):
        assert _points(db) == POINTS, db
    assert path.parent == first.tmp  # its own file, not the cache's


def test_without_a_cache_the_run_builds_its_own(tmp_path):
    ctx = Context(replace(SMOKE, big_points=POINTS), tmp_path, verbose=False)
    path, _ = ctx.big_job()
    assert path == tmp_path / "big.db" and _points(path) == POINTS

"""The upgrade from schema 4 on the real PostgreSQL server: a database in the state the
release before named series left it (built on the server from the tables and rows of
tests/fixtures/schema4.db.gz, which that release made) is upgraded in place when opened,
nothing lost, ids and the id sequence kept; opened again, it is a schema-5 database like any.
"""

from __future__ import annotations

import re
import sqlite3

import psycopg
import pytest

from tests.reliability.rel_checks import check_database
from tests.store.test_store_upgrade import (
    assert_carries_on,
    assert_jobs_kept,
    old_state,
    schema4,
)
from tests.support.postgres import SUPERUSER, PostgresServer
from vapor_tui.core.clock import FakeClock
from vapor_tui.store import upgrade
from vapor_tui.store.engine import StoreError, open_store
from vapor_tui.store.jobs import list_jobs
from vapor_tui.store.points import read_points

_TABLES = ("jobs", "meta", "deleted_jobs", "points", "point_summary", "point_blocks")
_TABLES += ("owed_points",)


def _server_sql(sqlite_sql: str) -> str:
    """SQLite's CREATE statement of that release as SQLAlchemy made it on PostgreSQL: an
    Integer primary key is SERIAL, a Float double precision, a blob bytea."""
    sql = re.sub(r"INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT", "SERIAL PRIMARY KEY", sqlite_sql)
    sql = re.sub(r"\bFLOAT\b", "DOUBLE PRECISION", sql)
    sql = re.sub(r"\bBLOB\b", "BYTEA", sql)
    return re.sub(r"WITHOUT ROWID", "", sql)


def build_schema4(server: PostgresServer, database: str, path) -> None:
    """The schema-4 file's tables, indexes and rows, on the server."""
    old = sqlite3.connect(path)
    try:
        ddl = dict(old.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL"))
        seq = old.execute("SELECT seq FROM sqlite_sequence WHERE name = 'jobs'").fetchone()[0]
        with psycopg.connect(host=str(server.root), user=SUPERUSER, dbname=database) as pg:
            for table in _TABLES:
                pg.execute(_server_sql(ddl[table]))
            for sql in ddl.values():
                if sql.startswith("CREATE INDEX"):
                    pg.execute(sql)
            for table in _TABLES:
                cursor = old.execute(f"SELECT * FROM {table}")
                columns = [d[0] for d in cursor.description]
                rows = cursor.fetchall()
                if rows:
                    names = ", ".join(f'"{c}"' for c in columns)
                    marks = ", ".join(["%s"] * len(columns))
                    with pg.cursor() as cur:
                        cur.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
            pg.execute("SELECT setval('jobs_id_seq', %s)", (seq,))
    finally:
        old.close()


@pytest.fixture
def schema4_url(pg_server, tmp_path):
    database = pg_server.new_database()
    build_schema4(pg_server, database, schema4(tmp_path))
    yield pg_server.url(database), database
    pg_server.drop_database(database)


def _tables(server: PostgresServer, database: str) -> set[str]:
    rows = server.sql(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
        database,
    )
    return {r[0] for r in rows}


@pytest.mark.parametrize("chunk", [100_000, 999])
def test_a_schema_4_database_on_the_server_is_upgraded_with_nothing_lost(
    pg_server, schema4_url, tmp_path, monkeypatch, chunk
):
    monkeypatch.setattr(upgrade, "_CHUNK", chunk)
    url, database = schema4_url
    jobs, points, _ = old_state(schema4(tmp_path))
    assert sum(len(p) for p in points.values()) == 7404
    assert pg_server.sql("SELECT value FROM meta WHERE key = 'schema_version'", database) == [
        ("4",)
    ]
    clock = FakeClock()
    store = open_store(url, clock=clock)
    try:
        assert [j.id for j in list_jobs(store)] == [5, 4, 3, 1]
        assert_jobs_kept(store, jobs, points)
        assert not _tables(pg_server, database) & {"points", "point_summary", "point_blocks"}
        assert pg_server.sql("SELECT value FROM meta WHERE key = 'schema_version'", database) == [
            ("5",)
        ]
        assert_carries_on(store, clock)
    finally:
        store.close()
    check_database(url, "upgraded from schema 4 on the server")
    again = open_store(url, clock=FakeClock())  # a second open: nothing to upgrade
    try:
        assert len(read_points(again, 3)) == 4500
    finally:
        again.close()


def test_an_upgraded_server_database_newer_than_this_is_refused_untouched(pg_server, schema4_url):
    url, database = schema4_url
    open_store(url, clock=FakeClock()).close()
    pg_server.sql("UPDATE meta SET value = '6' WHERE key = 'schema_version'", database)
    before = _tables(pg_server, database)
    with pytest.raises(StoreError, match="newer vapor-tui"):
        open_store(url, clock=FakeClock())
    assert _tables(pg_server, database) == before

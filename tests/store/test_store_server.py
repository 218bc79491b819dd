"""PostgreSQL as the store, against the suite's real server: first use by several processes at
once, a database that belongs to something else, URLs and their passwords, a missing driver."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.postgres import PASSWORD, PASSWORD_ROLE, PostgresServer
from vapor_tui.core.clock import FakeClock
from vapor_tui.store.engine import StoreError, StoreUnreachable, open_store
from vapor_tui.store.jobs import create_job, list_jobs
from vapor_tui.store.server import hide_password

VAPOR_TUI = Path(sys.executable).parent / "vapor-tui"


def one_line_error(result: tuple[int, str, str]) -> str:
    code, out, err = result
    assert code == 2, (code, out, err)
    assert "Traceback" not in err and "DETAIL" not in err
    assert len(err.splitlines()) == 1, err
    return err.strip()


@pytest.fixture
def empty_db(pg_server: PostgresServer):
    name = pg_server.new_database()
    yield name
    pg_server.drop_database(name)


def tables(server: PostgresServer, database: str) -> list[str]:
    return [
        r[0]
        for r in server.sql(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' ORDER BY 1",
            database,
        )
    ]


def test_first_use_by_four_processes_at_once(pg_server, helpers, isolated_env) -> None:
    """Four `new` commands on one empty database at the same moment: all four create their
    job (schema creation raced: "duplicate key value violates unique constraint
    pg_type_typname_nsp_index")."""
    for _ in range(3):  # the race was lost 2-3 times in 4: three rounds find it
        name = pg_server.new_database()
        try:
            url = pg_server.url(name)
            procs = [
                subprocess.Popen(
                    [str(VAPOR_TUI), "--db", url, "new", "--name", f"p{i}"],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                    env=helpers.cli_env(),
                    cwd=isolated_env,
                )
                for i in range(4)
            ]
            results = [(p.wait(timeout=60), *p.communicate()) for p in procs]
            assert [r[0] for r in results] == [0] * 4, results
            assert sorted(int(r[1]) for r in results) == [1, 2, 3, 4]
            store = open_store(url, clock=FakeClock())
            try:
                assert sorted(j.name for j in list_jobs(store)) == ["p0", "p1", "p2", "p3"]
            finally:
                store.close()
        finally:
            pg_server.drop_database(name)


def _open_at_once(url: str, n: int) -> list[BaseException]:
    import threading

    barrier = threading.Barrier(n)
    errors: list[BaseException] = []
    stores = []

    def open_one() -> None:
        barrier.wait()
        try:
            stores.append(open_store(url, clock=FakeClock()))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=open_one) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for store in stores:
        store.close()
    return errors


def test_first_use_by_eight_threads_at_the_same_moment(pg_server) -> None:
    """The same race, made sure of: eight stores opened on one empty database at a barrier."""
    for _ in range(5):
        name = pg_server.new_database()
        try:
            assert _open_at_once(pg_server.url(name), 8) == []
        finally:
            pg_server.drop_database(name)


def test_someone_elses_database_is_refused_and_left_alone(pg_server, empty_db, run_cli) -> None:
    pg_server.sql("CREATE TABLE jobs (id serial PRIMARY KEY, title text, salary int)", empty_db)
    pg_server.sql("INSERT INTO jobs (title, salary) VALUES ('plumber', 50000)", empty_db)
    url = pg_server.url(empty_db)
    with pytest.raises(StoreError, match="not a vapor-tui database") as info:
        open_store(url, clock=FakeClock())
    assert "jobs" in str(info.value) and "left as it is" in str(info.value)
    line = one_line_error(run_cli("--db", url, "new", "--name", "x"))
    assert "not a vapor-tui database" in line
    assert tables(pg_server, empty_db) == ["jobs"]
    assert pg_server.sql("SELECT id, title, salary FROM jobs", empty_db) == [(1, "plumber", 50000)]


def test_a_database_with_other_tables_is_refused(pg_server, empty_db) -> None:
    pg_server.sql("CREATE TABLE invoices (n int)", empty_db)
    with pytest.raises(StoreError, match="not a vapor-tui database"):
        open_store(pg_server.url(empty_db), clock=FakeClock())
    assert tables(pg_server, empty_db) == ["invoices"]


def test_a_newer_schema_is_refused_before_anything_changes(pg_server, empty_db) -> None:
    url = pg_server.url(empty_db)
    open_store(url, clock=FakeClock()).close()
    pg_server.sql("UPDATE meta SET value = '99' WHERE key = 'schema_version'", empty_db)
    pg_server.sql("DROP TABLE series_blocks", empty_db)
    with pytest.raises(StoreError, match="newer vapor-tui"):
        open_store(url, clock=FakeClock())
    assert "series_blocks" not in tables(pg_server, empty_db)  # not created again


def test_reopening_keeps_the_jobs(pg_server, empty_db, helpers) -> None:
    url = pg_server.url(empty_db)
    store = open_store(url, clock=FakeClock())
    job = create_job(store, helpers.small_config("kept"))
    store.close()
    again = open_store(url, clock=FakeClock())
    try:
        assert [j.id for j in list_jobs(again)] == [job.id]
    finally:
        again.close()


def test_the_password_is_never_printed(pg_server, empty_db, run_cli) -> None:
    pg_server.sql(f"ALTER DATABASE {empty_db} OWNER TO {PASSWORD_ROLE}")
    good = pg_server.url(empty_db, user=PASSWORD_ROLE, password=PASSWORD)
    code, out, err = run_cli("--db", good, "demo", "--no-tui")
    assert (code, err) == (0, "")
    assert PASSWORD not in out and f"{PASSWORD_ROLE}:***@" in out
    code, out, err = run_cli("--db", good, "jobs")
    assert code == 0 and PASSWORD not in out + err
    wrong = pg_server.url(empty_db, user=PASSWORD_ROLE, password="not-the-" + PASSWORD)
    line = one_line_error(run_cli("--db", wrong, "jobs"))
    assert "not-the-" not in line and "password authentication failed" in line


@pytest.mark.parametrize(
    ("url", "needle"),
    [
        ("postgresql+psycopg://u:secret@db.example:abc/x", "not a valid database URL"),
        ("postgresql+psycopg://u:secret@[::1/x", "not a valid database URL"),
        ("postgresql+psycopg://u:secret@[fe80::1:5432/x", "not a valid database URL"),
        ("postgresql+psycopg://u:secret@host:70000/x", "out of range"),
        ("postgresql+psycopg://u:secret@127.0.0.1:1/x", "cannot reach the database"),
        ("postgresql+psycopg2://u:secret@127.0.0.1:1/x", "through psycopg (version 3)"),
        ("postgresql+pg8000://u:secret@127.0.0.1:1/x", "use a postgresql+psycopg:// URL"),
        ("mysql://u:secret@127.0.0.1/x", "PostgreSQL"),
    ],
)
def test_bad_urls_are_one_line_without_the_password(url, needle, run_cli) -> None:
    line = one_line_error(run_cli("--db", url, "jobs"))
    assert needle in line and "secret" not in line and "u:***@" in line


def test_a_refused_connection_is_one_line_from_demo_too(run_cli) -> None:
    line = one_line_error(run_cli("demo", "--no-tui", "--db", "postgresql://u:pw@127.0.0.1:1/x"))
    assert line.startswith("vapor-tui: error: cannot reach the database")


def test_a_plain_postgresql_url_uses_psycopg(pg_server, empty_db) -> None:
    store = open_store(pg_server.url(empty_db).replace("+psycopg", ""), clock=FakeClock())
    try:
        assert store.engine.dialect.driver == "psycopg"
    finally:
        store.close()


def test_without_the_driver_the_message_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in [m for m in sys.modules if m == "psycopg" or m.startswith("psycopg.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "psycopg", None)  # import psycopg raises ImportError
    with pytest.raises(StoreError) as info:
        open_store("postgresql+psycopg://u:secret@127.0.0.1:1/x")
    text = str(info.value)
    assert "pip install 'vapor-tui[postgres]'" in text and "secret" not in text
    assert not isinstance(info.value, StoreUnreachable)


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://user:p@ss:w0rd@host/db",
        "postgresql+psycopg://user:secret@host:abc/db",
        "postgresql+psycopg://user:secret@[::1/db",
    ],
)
def test_hide_password(url: str) -> None:
    assert "secret" not in hide_password(url) and "w0rd" not in hide_password(url)
    assert "user:***@" in hide_password(url)


def test_a_catch_up_in_progress_elsewhere_does_not_hold_up_a_command(
    pg_server, empty_db, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process is in the middle of a job's long catch-up (its transaction open): this
    one's catch-up leaves that job to it instead of queueing behind it, so a `new` (which
    catches up first) answers at once. A `new` once waited 85 s behind a 2M-point catch-up."""
    import threading

    from vapor_tui.core.config import JobConfig
    from vapor_tui.core.simulator import Simulator
    from vapor_tui.store import catchup as store_catchup
    from vapor_tui.store.catchup import catch_up

    url, clock = pg_server.url(empty_db), FakeClock()
    writer, other = open_store(url, clock=clock), open_store(url, clock=clock)
    inside, gate = threading.Event(), threading.Event()
    real_insert = store_catchup.write_points

    def held_insert(*args, **kwargs):
        written = real_insert(*args, **kwargs)
        inside.set()
        gate.wait(60)  # the writer's transaction stays open, its job row locked
        return written

    try:
        cfg = JobConfig("long", epochs=1, steps_per_epoch=50_000, step_seconds=0.001, seed=4)
        job = create_job(writer, cfg, start=True)
        clock.advance(Simulator(cfg).time_at(cfg.steps_per_epoch) + 1)
        monkeypatch.setattr(store_catchup, "write_points", held_insert)
        worker = threading.Thread(target=catch_up, args=(writer,))
        worker.start()
        assert inside.wait(60)
        monkeypatch.setattr(store_catchup, "write_points", real_insert)
        answered: list = []
        command = threading.Thread(
            target=lambda: answered.append(
                (catch_up(other).points_written, create_job(other, cfg).id)
            )
        )
        command.start()
        command.join(20)
        answered_while_held = list(answered)
        gate.set()
        worker.join(60)
        command.join(60)
        assert answered_while_held == [(0, job.id + 1)]
        assert not worker.is_alive()
    finally:
        gate.set()
        writer.close()
        other.close()


def test_a_connection_the_server_ended_is_unreachable_whatever_its_sqlstate(
    pg_server, empty_db
) -> None:
    """A statement the tick sends straight to psycopg (store/driver.py) on a connection the
    server ended with a code that is not one of "cannot connect" (57P05, idle-session timeout):
    the connection is known to be gone, so the error is StoreUnreachable, as SQLAlchemy's own
    path makes it."""
    import time

    from vapor_tui.store import driver
    from vapor_tui.store.server import server_errors

    store = open_store(pg_server.url(empty_db), clock=FakeClock())
    try:
        with store.engine.connect() as conn:
            conn.exec_driver_sql("set idle_session_timeout = 100")
            conn.commit()
            raw = conn.connection.driver_connection
            deadline = time.monotonic() + 30.0
            while not raw.pgconn.socket or not _readable(raw.pgconn.socket):
                assert time.monotonic() < deadline, "the server kept the idle session"
                time.sleep(0.05)
            with pytest.raises(StoreUnreachable), server_errors("the test database"):
                driver.fetch(conn, "select 1")
    finally:
        store.close()


def _readable(fd: int) -> bool:
    import select

    return bool(select.select([fd], [], [], 0)[0])

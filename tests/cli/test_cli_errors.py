"""Bad input: one line on stderr naming the problem, exit status 2, no traceback, and nothing
written."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

import pytest

from vapor_tui.core.status import JobStatus


def assert_one_line_error(result: tuple[int, str, str], *needles: str) -> str:
    code, out, err = result
    assert code == 2, f"exit {code}, stderr {err!r}"
    assert out == ""
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, f"stderr is not one line: {err!r}"
    line = lines[0]
    assert line.startswith("vapor-tui: error: "), line
    for needle in needles:
        assert needle in line, f"{needle!r} not in {line!r}"
    return line


def tree(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


# --- ids and transitions --------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["stop", "999"],
        ["export", "999", "-o", "{tmp}/never.csv"],
    ],
    ids=lambda a: a[0],
)
def test_unknown_id(args: list[str], run_cli, state_db, tmp_path: Path) -> None:
    before = state_db.digest()
    argv = [a.format(tmp=tmp_path) for a in args]
    assert_one_line_error(run_cli("--db", state_db.target, *argv), "no job with id 999")
    assert state_db.digest() == before
    assert not (tmp_path / "never.csv").exists()


def test_non_numeric_id_creates_no_database(run_cli, tmp_path: Path) -> None:
    db = tmp_path / "new-dir" / "vapor.db"
    assert_one_line_error(run_cli("--db", db, "start", "abc"), "job id", "'abc'")
    assert tree(tmp_path) == []


def test_non_numeric_id_leaves_an_existing_database_alone(run_cli, state_db) -> None:
    before = state_db.digest()
    assert_one_line_error(run_cli("--db", state_db.target, "start", "1x"), "'1x'")
    assert state_db.digest() == before


@pytest.mark.parametrize(
    ("status", "command"),
    [
        (JobStatus.COMPLETE, "start"),
        (JobStatus.RUNNING, "start"),
    ],
    ids=lambda v: str(v),
)
def test_refused_transition(status: JobStatus, command: str, run_cli, state_db) -> None:
    job = state_db.jobs[status]
    before, rows = state_db.digest(), state_db.snapshot()
    line = assert_one_line_error(
        run_cli("--db", state_db.target, command, str(job.id)),
        f"job #{job.id}",
        job.name,
        status.value,
        command,
    )
    assert line.startswith(f"vapor-tui: error: cannot {command} job #{job.id}")
    assert state_db.snapshot() == rows
    assert state_db.digest() == before


# --- new ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--epochs", "0", "at least 1"),
        ("--epochs", "-1", "at least 1"),
        ("--steps-per-epoch", "0", "at least 1"),
        ("--lr", "0", "greater than 0"),
        ("--lr", "-1", "greater than 0"),
        ("--lr", "nan", "finite"),
        ("--lr", "inf", "finite"),
        ("--lr", "abc", "'abc'"),
    ],
)
def test_bad_new_options(option: str, value: str, message: str, run_cli, state_db) -> None:
    before = state_db.digest()
    assert_one_line_error(
        run_cli("--db", state_db.target, "new", "--name", "bad", option, value), option, message
    )
    assert state_db.digest() == before


def test_bad_new_option_creates_no_database(run_cli, tmp_path: Path) -> None:
    db = tmp_path / "sub" / "vapor.db"
    assert_one_line_error(run_cli("--db", db, "new", "--name", "x", "--lr", "-1"), "--lr")
    assert tree(tmp_path) == []


# --- export ---------------------------------------------------------------------------------


def test_unknown_export_format(run_cli, state_db, tmp_path: Path) -> None:
    before = state_db.digest()
    job = state_db.jobs[JobStatus.COMPLETE]
    out_file = tmp_path / "x.xml"
    assert_one_line_error(
        run_cli("--db", state_db.target, "export", str(job.id), "--format", "xml", "-o", out_file),
        "export format",
        "xml",
    )
    assert state_db.digest() == before
    assert not out_file.exists()


# --- databases --------------------------------------------------------------------------------


@pytest.mark.real_process
@pytest.mark.parametrize("where", ["under-a-file", "under-proc"])
def test_database_that_cannot_be_created(where: str, run_cli, tmp_path: Path) -> None:
    if where == "under-a-file":
        blocker = tmp_path / "plain"
        blocker.write_text("x")
        db = blocker / "vapor.db"
    else:
        db = Path("/proc/vapor-tui-test/vapor.db")
    assert_one_line_error(run_cli("--db", db, "jobs"), "cannot create the database", str(db))
    assert not db.exists()
    if where == "under-a-file":
        assert blocker.read_text() == "x"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    ("kind", "command"),
    [("text-file", ["jobs"]), ("other-sqlite", ["new", "--name", "x"])],
)
def test_not_a_vapor_database(kind: str, command: list[str], run_cli, tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    if kind == "text-file":
        path.write_text("these are my notes\n" * 50)
    else:
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE notes (body TEXT)")
        conn.execute("INSERT INTO notes VALUES ('keep me')")
        conn.commit()
        conn.close()
    before, siblings = _digest(path), os.listdir(tmp_path)
    assert_one_line_error(run_cli("--db", path, *command), str(path), "not a vapor-tui database")
    assert _digest(path) == before
    assert os.listdir(tmp_path) == siblings


# --- found by the audit of the command line ---------------------------------------------------


@pytest.mark.parametrize("command", ["start", "stop", "fail", "clone", "delete", "show", "export"])
def test_an_id_on_a_missing_database_creates_nothing(command, run_cli, tmp_path: Path) -> None:
    db = tmp_path / "new-dir" / "vapor.db"
    assert_one_line_error(run_cli("--db", db, command, "5"), "no job with id 5", str(db))
    assert tree(tmp_path) == []


@pytest.mark.sqlite_only
@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
def test_export_never_writes_over_the_database(suffix, run_cli, state_db) -> None:
    job = state_db.jobs[JobStatus.COMPLETE]
    before = state_db.digest()
    target = f"{state_db.path}{suffix}"
    line = assert_one_line_error(
        run_cli("--db", state_db.target, "export", str(job.id), "-o", target), "database itself"
    )
    assert target in line
    assert state_db.digest() == before


@pytest.mark.real_process
def test_a_blank_environment_variable_is_refused(run_cli, tmp_path: Path) -> None:
    assert_one_line_error(run_cli("jobs", env={"VAPOR_TUI_DB": "   "}), "VAPOR_TUI_DB is blank")
    assert tree(tmp_path) == []


def test_a_url_password_is_never_shown(run_cli) -> None:
    line = assert_one_line_error(run_cli("--db", "postgresql+psycopg://u:s3cret@nohost/x", "jobs"))
    assert "s3cret" not in line and "u:***@nohost" in line


@pytest.mark.parametrize("args", [["jobs"], ["new", "--name", "x"]])
def test_a_full_standard_output_is_one_line(args, run_cli, tmp_path: Path) -> None:
    import subprocess

    from tests.conftest import VAPOR_TUI, cli_env

    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [str(VAPOR_TUI), "--db", str(tmp_path / "v.db"), *args],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env=cli_env(),
            timeout=60,
        )
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        "vapor-tui: error: cannot write the output: No space left on device"
    ]


@pytest.mark.sqlite_only
def test_a_newer_version_in_the_meta_table_is_refused(run_cli, state_db) -> None:
    conn = sqlite3.connect(state_db.path)
    conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    before = state_db.digest()
    assert_one_line_error(run_cli("--db", state_db.target, "jobs"), "newer vapor-tui", "schema 99")
    assert state_db.digest() == before


def test_someone_elses_empty_sqlite_file_with_a_version_is_refused(run_cli, tmp_path) -> None:
    db = tmp_path / "theirs.db"
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 7")
    conn.commit()
    conn.close()
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    assert_one_line_error(run_cli("--db", db, "jobs"), "not a vapor-tui database")
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before

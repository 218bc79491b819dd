"""Where the database is, or cannot be: a missing directory (created), a read-only place, a
read-only database (viewing only), a full disk (the app keeps running and says so), a name the
system cannot take. The command line and the app in a real terminal, each time."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.support.pty_app import PtyApp

from .rel_bad_files import assert_one_line_error, make_real_db
from .rel_checks import check_database, copy_as_after_a_crash, digest_dir
from .rel_mounts import ROOT, MountNamespace
from .rel_processes import VAPOR, run_cli

READ_ONLY = "is read-only: viewing only, nothing can be changed"
ACTIONS = (["start", "2"], ["stop", "2"], ["fail", "2"], ["clone", "1"], ["delete", "1"])
READS = (["jobs"], ["jobs", "--json"], ["show", "2"], ["export", "1"])
FULL = "database or disk is full"
# Quoted in docs/RELIABILITY.md: the inputs these tests try, each checked for its message,
# exit status and what it left on disk.
PLACE_CHECKS = (
    2  # a missing directory: the command line and the app
    + 4  # a name too long, a path too long, an empty --db, a blank one
    + 4  # an unwritable place and a missing directory in it: the command line and the app
    + len(READS)
    + len(ACTIONS)
    + 1
    + 1
    + 2  # a read-only database: reads, writes, keys
    + 7  # a full disk: three reads, three writes, the app
    + 6  # no room at all: four commands, a new database and the app
    + len(READS)
    + 2  # a file nobody may write: reads, a write refused, a write once it is writable
)


@pytest.fixture
def ns():
    namespace = MountNamespace()
    yield namespace
    namespace.close()


def test_a_missing_directory_is_created(tmp_path, helpers):
    env = helpers.cli_env()
    db = tmp_path / "not" / "there" / "yet" / "vapor.db"
    call = run_cli(db, ["new", "--name", "first"], env, tmp_path)
    assert (call.code, call.out, call.err) == (0, "1\n", "")
    check_database(db)
    other = tmp_path / "neither" / "this" / "vapor.db"
    app = PtyApp(["--db", str(other)], env)
    try:
        app.wait_for("No jobs yet")
        app.send("q")
        assert app.wait_exit() == 0
    finally:
        app.close()
    assert other.is_file()


def test_a_name_the_system_cannot_take(tmp_path, helpers, capsys):
    from vapor_tui.cli import main

    env = helpers.cli_env()
    long = tmp_path / ("x" * 5000 + ".db")
    call = run_cli(long, ["jobs"], env, tmp_path)
    assert_one_line_error(call.code, call.out, call.err, "File name too long")
    deep = tmp_path / "/".join(["d" * 250] * 20) / "vapor.db"  # each part fine, too long in all
    code = main(["--db", str(deep), "new", "--name", "x"])
    assert_one_line_error(code, *capsys.readouterr(), "cannot")
    for empty in ("", "   "):
        code = main(["--db", empty, "new", "--name", "x"])
        assert_one_line_error(code, *capsys.readouterr(), "--db is empty")
    assert list(tmp_path.iterdir()) == []  # nothing created, not even a directory


def test_an_unwritable_place(ns, tmp_path, helpers):
    env = helpers.cli_env()
    place = tmp_path / "ro"
    place.mkdir()
    ns.read_only(place)
    for db in (place / "vapor.db", place / "sub" / "vapor.db"):
        code, out, err = ns.cli(["--db", str(db), "new", "--name", "x"], env, tmp_path)
        assert_one_line_error(code, out, err, "cannot create the database", "Read-only file system")
        app = ns.app(["--db", str(db)], env)
        try:
            assert app.wait_exit(timeout=20) == 2
        finally:
            app.close()
        shown = " ".join(app.raw.decode("utf-8", "replace").split())
        assert f"cannot create the database {db}: Read-only file system" in shown
    assert os.listdir(place) == []


def test_a_read_only_database_is_for_viewing(ns, tmp_path, helpers):
    env = helpers.cli_env()
    place = tmp_path / "ro"
    place.mkdir()
    db = place / "vapor.db"
    make_real_db(db)
    before = digest_dir(place)
    ns.read_only(place)
    for args in READS:
        code, out, err = ns.cli(["--db", str(db), *args], env, tmp_path)
        assert (code, err) == (0, ""), err
        assert out
    for args in (*ACTIONS, ["new", "--name", "x"]):
        code, out, err = ns.cli(["--db", str(db), *args], env, tmp_path)
        assert_one_line_error(code, out, err, str(db), READ_ONLY)
    code, out, err = ns.cli(
        ["--db", str(db), "export", "1", "-o", str(place / "x.csv")], env, tmp_path
    )
    assert_one_line_error(code, out, err, "cannot write", "Read-only file system")
    app = ns.app(["--db", str(db)], env)
    try:
        app.wait_for("read-only: viewing only")
        app.send("s")  # the newest job (running): refused as not startable
        app.wait_for("Not possible")
        app.send("c")  # clone: refused, the database is read-only
        app.wait_for("Refused")
        app.send("q")
        assert app.wait_exit() == 0
    finally:
        app.close()
    assert digest_dir(place) == before


def _fill(directory: Path, leave: int) -> Path:
    """Fill the filesystem of `directory` up to `leave` bytes."""
    filler = directory / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while True:
            os.write(fd, b"\1" * 4096)
    except OSError as exc:
        assert exc.errno == errno.ENOSPC
    finally:
        os.close(fd)
    os.truncate(filler, max(0, filler.stat().st_size - leave))
    return filler


def _real_db_on_a_small_disk(ns: MountNamespace, tmp_path: Path, name: str) -> tuple[Path, Path]:
    """A 4 MB tmpfs at tmp_path/name in the namespace, with a real database on it (4 MB, not
    2 as before named series: a step takes 167 bytes now, not 112, and what is due must fit
    once room is made): (the
    place, the database's path as the app sees it)."""
    place = tmp_path / name
    place.mkdir()
    ns.tmpfs(place, "4m")
    db = place / "vapor.db"
    make_real_db(tmp_path / "real.db")
    shutil.copyfile(tmp_path / "real.db", ns.outside(db))
    return place, db


def test_a_full_disk(ns, tmp_path, helpers):
    """Points are due and there is no room for them: the reads answer with a warning, the
    writes are refused with the reason, the app keeps running and says so, and once there is
    room again everything carries on."""
    env = helpers.cli_env()
    place, db = _real_db_on_a_small_disk(ns, tmp_path, "small")
    filler = _fill(ns.outside(place), leave=96 * 1024)
    for args in (["jobs"], ["show", "2"], ["export", "1"]):
        code, out, err = ns.cli(["--db", str(db), *args], env, tmp_path)
        assert code == 0 and out, err
        assert err.count("\n") == 1 and "warning: running jobs not brought up to date" in err
        assert FULL in err
    for args in (["new", "--name", "x"], ["clone", "1"]):
        code, out, err = ns.cli(["--db", str(db), *args], env, tmp_path)
        assert_one_line_error(code, out, err, FULL)
    # A fail is recorded whatever is due (test_rel_full_disk.py): the points it owes wait.
    code, out, err = ns.cli(["--db", str(db), "fail", "2"], env, tmp_path)
    assert (code, out) == (0, "job #2 running: failed\n"), err
    assert err.count("\n") == 1 and "not written yet" in err and FULL in err, err
    check_database(copy_as_after_a_crash(ns.outside(db), tmp_path / "copy" / "a.db"))
    app = ns.app(["--db", str(db), "--refresh", "0.2"], env)
    try:
        app.wait_for(f"cannot update: {FULL}")
        app.pump(1.0)
        assert app.child.isalive() and f"cannot update: {FULL}" in app.text()
        os.remove(filler)  # room again
        end = time.monotonic() + 15
        while f"cannot update: {FULL}" in app.text():
            assert time.monotonic() < end, "the app did not recover"
            app.pump(0.2)
        app.send("q")
        assert app.wait_exit() == 0
    finally:
        app.close()
    jobs = check_database(copy_as_after_a_crash(ns.outside(db), tmp_path / "copy" / "b.db"))
    assert jobs[2].steps_done > 300  # the failed job got its points once there was room


def test_a_disk_with_no_room_at_all(ns, tmp_path, helpers):
    """Not one byte free and the database not open anywhere, so SQLite cannot even make the
    shared-memory file it reads through: every command says so in one line (no traceback),
    and the app still starts, shows the jobs and says why it cannot update them."""
    env = helpers.cli_env()
    place, db = _real_db_on_a_small_disk(ns, tmp_path, "none")
    _fill(ns.outside(place), leave=0)
    before = digest_dir(ns.outside(place))
    for args in (["jobs"], ["show", "2"], ["new", "--name", "x"], ["fail", "2"]):
        code, out, err = ns.cli(["--db", str(db), *args], env, tmp_path)
        if code == 0:  # a read that managed without the shared-memory file
            assert out and "warning" in err and "Traceback" not in err, err
        else:  # SQLite says "disk I/O error": what the user needs to hear is that it is full
            assert_one_line_error(code, out, err, str(db), FULL)
    fresh = place / "fresh.db"  # a new database is refused, and leaves no 0-byte file
    code, out, err = ns.cli(["--db", str(fresh), "new", "--name", "x"], env, tmp_path)
    assert_one_line_error(code, out, err, str(fresh), FULL)
    assert not [name for name in os.listdir(ns.outside(place)) if name.startswith("fresh")]
    app = ns.app(["--db", str(db), "--refresh", "0.2"], env)
    try:
        app.wait_for("cannot update")
        app.wait_for("running")  # the jobs, read without writing anything
        app.pump(1.0)
        assert app.child.isalive()
        app.send("q")
        assert app.wait_exit() == 0
    finally:
        app.close()
    assert digest_dir(ns.outside(place))["vapor.db"] == before["vapor.db"]


def _as_a_user(args: list[str]) -> list[str]:
    """`args` run so that permission bits apply: as root, without the capabilities that let
    root ignore them; otherwise as they are."""
    if not ROOT:
        return args
    caps = "-dac_override,-dac_read_search,-fowner"
    return ["setpriv", "--bounding-set", caps, "--inh-caps", caps, *args]


def test_a_file_nobody_may_write(tmp_path, helpers):
    """chmod 444 in a writable directory: viewed, actions refused, and no -wal or -shm file
    left behind with the file's mode, which would refuse every write once the user makes the
    file writable again."""
    env = helpers.cli_env()
    db = tmp_path / "vapor.db"
    make_real_db(db)
    os.chmod(db, 0o444)
    before = digest_dir(tmp_path)

    def cli(*args: str) -> tuple[int, str, str]:
        proc = subprocess.run(
            _as_a_user([str(VAPOR), "--db", str(db), *args]),
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        return proc.returncode, proc.stdout, proc.stderr

    for args in READS:
        code, out, err = cli(*args)
        assert (code, err) == (0, "") and out, err
    code, out, err = cli("new", "--name", "x")
    assert_one_line_error(code, out, err, str(db), READ_ONLY)
    assert digest_dir(tmp_path) == before  # nothing written, nothing created
    os.chmod(db, 0o644)
    code, out, err = cli("new", "--name", "x")
    assert (code, err) == (0, ""), err

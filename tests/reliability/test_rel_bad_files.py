"""Files that are not a vapor-tui database, or a damaged or newer one: every command and the
app refuse them with one clear line and exit status 2, and leave every byte as it was (no
repair, no -wal or -shm left next to them). The real command runs once per file; every other
command runs in-process through the same `main()`, which is what the command calls."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support.pty_app import PtyApp
from vapor_tui.cli import main

from .rel_bad_files import KINDS, assert_one_line_error, bad_files, make_real_db
from .rel_checks import digest_dir
from .rel_processes import run_cli

COMMANDS = (
    ["jobs"],
    ["jobs", "--json"],
    ["show", "1"],
    ["export", "1", "--format", "json"],
    ["new", "--name", "x", "--start"],
    ["start", "2"],
    ["stop", "2"],
    ["fail", "2"],
    ["clone", "1"],
    ["delete", "1"],
)
# The app, in a real terminal, on one of each family of bad file.
APP_KINDS = (
    "text-file",
    "another-program-wal",
    "truncated-to-half",
    "a-middle-page-zeroed",
    "newer-version",
    "a-fifo",
)
# A live log is someone else's open database: SQLite's shared-memory index next to it (-shm)
# is rebuilt by anyone who reads the log, us included. The database and its log are unchanged.
SHARED_INDEX_REBUILT = {"another-program-live-log": "vapor.db-shm"}
# Quoted in docs/RELIABILITY.md.
BAD_FILE_CHECKS = len(KINDS) * (1 + len(COMMANDS)) + len(APP_KINDS)


@pytest.fixture(scope="module")
def real_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("real") / "real.db"
    make_real_db(path)
    return path


def test_every_kind_has_a_maker(real_db: Path) -> None:
    assert tuple(bad_files(real_db)) == KINDS


def place(kind: str, real_db: Path, tmp_path: Path) -> tuple[Path, str, dict, list]:
    make, message = bad_files(real_db)[kind]
    directory = tmp_path / "here"
    directory.mkdir()
    path = directory / "vapor.db"
    make(path)
    return path, message, digest_dir(directory), sorted(os.listdir(directory))


def assert_left_alone(kind: str, directory: Path, digests: dict, names: list) -> None:
    assert sorted(os.listdir(directory)) == names, "files appeared or vanished"
    after = digest_dir(directory)
    for name in (SHARED_INDEX_REBUILT.get(kind),):
        after.pop(name, None)
        digests = {k: v for k, v in digests.items() if k != name}
    assert after == digests, "a file changed"


@pytest.mark.parametrize("kind", KINDS)
def test_refused_by_every_command_and_left_alone(kind, real_db, tmp_path, helpers, capsys):
    path, message, digests, names = place(kind, real_db, tmp_path)
    call = run_cli(path, ["jobs"], helpers.cli_env(), tmp_path)
    assert_one_line_error(call.code, call.out, call.err, message, str(path))
    for command in COMMANDS:
        code = main(["--db", str(path), *command])
        out, err = capsys.readouterr()
        assert_one_line_error(code, out, err, message, str(path))
    assert_left_alone(kind, path.parent, digests, names)


@pytest.mark.parametrize("kind", APP_KINDS)
def test_refused_by_the_app_and_left_alone(kind, real_db, tmp_path, helpers):
    path, message, digests, names = place(kind, real_db, tmp_path)
    app = PtyApp(["--db", str(path)], helpers.cli_env())
    try:
        code = app.wait_exit(timeout=20)
    finally:
        app.close()
    assert code == 2
    # Printed after the app left the alternate screen, wrapped to the terminal's width.
    shown = " ".join(app.raw.decode("utf-8", "replace").split())
    assert f"vapor-tui: error: {path}" in shown and message in shown, shown[-500:]
    assert app.restored_terminal()
    assert_left_alone(kind, path.parent, digests, names)

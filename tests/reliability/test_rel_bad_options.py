"""Garbage for every command-line option: empty, letters, negative, zero, huge, NaN, inf,
unicode, control characters, 10,000 characters. Whatever is not acceptable gets exit status 2,
one line naming the option, and nothing written (no database created, none changed); what is
acceptable (a name may well be "-1") is stored as given. Most calls run in-process through
`main()`, the command's own entry point; one per option runs the real command."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from vapor_tui.cli import main

from .rel_bad_files import assert_one_line_error, make_real_db
from .rel_checks import digest_dir
from .rel_garbage import FIELDS, GARBAGE, acceptable
from .rel_processes import run_cli

ID_GARBAGE = {k: v for k, v in GARBAGE.items() if k not in ("zero", "very-long-digits")}
ID_COMMANDS = ("start", "stop", "fail", "clone", "delete", "show", "export", "watch")
REFRESH_GARBAGE = {k: v for k, v in GARBAGE.items() if k != "fraction"}
THEMES = {"empty": "", "unknown": "solarized-purple", "unicode": "三", "long": "x" * 10_000}
FORMATS = {"empty": "", "unknown": "xml", "unicode": "三", "long": "x" * 10_000}
# Quoted in docs/RELIABILITY.md.
OPTION_CHECKS = (
    len(FIELDS) * len(GARBAGE)
    + len(FIELDS)
    + len(ID_COMMANDS) * len(ID_GARBAGE)
    + len(REFRESH_GARBAGE)
    + len(THEMES)
    + len(FORMATS)
)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "db" / "vapor.db"
    path.parent.mkdir()
    make_real_db(path)
    return path


def stored(db: Path, job_id: int, field: str):
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute(f"SELECT {field} FROM jobs WHERE id = ?", (job_id,)).fetchone()[0]
    finally:
        conn.close()


@pytest.mark.parametrize("field", list(FIELDS))
def test_garbage_in_every_new_option(field, db, tmp_path, helpers, capsys):
    option = FIELDS[field]
    fresh = tmp_path / "never" / "vapor.db"
    for kind, value in GARBAGE.items():
        args = ["new", "--name", "ok", option, value]
        if acceptable(field, value):
            code = main(["--db", str(db), *args])
            out, err = capsys.readouterr()
            assert (code, err) == (0, ""), (kind, err)
            kept = stored(db, int(out), field)
            assert str(kept).strip().lower() == value.strip().lower() or float(kept) == float(value)
            continue
        before = digest_dir(db.parent)
        code = main(["--db", str(db), *args])
        assert_one_line_error(code, *capsys.readouterr(), f"{option}:")
        assert digest_dir(db.parent) == before, kind
        code = main(["--db", str(fresh), *args])
        assert_one_line_error(code, *capsys.readouterr(), f"{option}:")
        assert not fresh.parent.exists(), "a database was created for a refused job"
    # And once through the real command, with the garbage that comes round to this option.
    kind = list(GARBAGE)[list(FIELDS).index(field) % len(GARBAGE)]
    kind = kind if not acceptable(field, GARBAGE[kind]) else "letters"
    if field in ("name", "model"):
        kind = "very-long-text"
    call = run_cli(
        fresh, ["new", "--name", "ok", option, GARBAGE[kind]], helpers.cli_env(), tmp_path
    )
    assert_one_line_error(call.code, call.out, call.err, f"{option}:")
    assert not fresh.parent.exists()


@pytest.mark.parametrize("command", ID_COMMANDS)
def test_garbage_job_ids(command, db, capsys):
    before = digest_dir(db.parent)
    for kind, value in ID_GARBAGE.items():
        argv = ["--db", str(db), command, "--", value]
        code = main(argv)
        out, err = capsys.readouterr()
        assert_one_line_error(code, out, err, "job id must be a positive whole number")
        assert digest_dir(db.parent) == before, kind
    code = main(["--db", str(db), command, "0"])
    assert_one_line_error(code, *capsys.readouterr(), "no job with id 0")


def test_garbage_refresh_theme_and_format(db, capsys):
    before = digest_dir(db.parent)
    for value in REFRESH_GARBAGE.values():
        code = main(["--db", str(db), "--refresh", value, "jobs"])
        assert_one_line_error(code, *capsys.readouterr(), "--refresh")
        code = main(["--db", str(db), "watch", "1", "--refresh", value])
        assert_one_line_error(code, *capsys.readouterr(), "--refresh")
    for value in THEMES.values():
        code = main(["--db", str(db), "--theme", value])  # would open the app if accepted
        assert_one_line_error(code, *capsys.readouterr(), "unknown theme")
    for kind, value in FORMATS.items():
        out_file = db.parent.parent / "out.txt"
        code = main(["--db", str(db), "export", "1", "--format", value, "-o", str(out_file)])
        assert_one_line_error(code, *capsys.readouterr(), "unknown export format")
        assert not out_file.exists(), kind
    assert digest_dir(db.parent) == before

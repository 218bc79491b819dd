"""What the command line says, found trying to break it (issues 15.5-15.7, 8.18-8.22): a row
it cannot read is named and the rest shown, values are echoed cut and escaped, text from the
database never reaches the terminal as control codes, columns line up with wide characters,
and a set-but-empty $VAPOR_TUI_DB is refused."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from rich.cells import cell_len

from tests.cli.test_cli_errors import assert_one_line_error, tree
from tests.support.recorder import notes, recorded
from vapor_tui.cli import main
from vapor_tui.core.status import JobStatus


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def sql(target: str | Path, statement: str, **params) -> None:
    """Change the database as someone with its own shell would (SQLite or PostgreSQL)."""
    from sqlalchemy import create_engine, text

    target = str(target)
    engine = create_engine(target if "://" in target else f"sqlite:///{target}")
    try:
        with engine.begin() as conn:
            conn.execute(text(statement), params)
    finally:
        engine.dispose()


async def first_tick(app, pilot) -> None:
    """Until the app, opening its database on a worker, has applied its first tick."""
    from tests.support.recorder import messages
    from vapor_tui.ui.messages import TickDone

    for _ in range(400):
        await pilot.pause(0.05)
        if messages(app, TickDone):
            await app.wait_for_work()
            await pilot.pause()
            return
    raise AssertionError("the app never ticked")


# --- a row that cannot be read (15.5) ---------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "value", "why"),
    [
        ("status", "exploded", "its status 'exploded' is not one vapor-tui knows"),
        ("schedule", "zigzag", "its schedule 'zigzag' is not one vapor-tui knows"),
        ("epochs", 0, "its epochs must be at least 1"),
    ],
)
def test_a_row_that_cannot_be_read_is_named_and_the_rest_shown(
    column, value, why, state_db, capsys
):
    bad = state_db.jobs[JobStatus.RUNNING].id
    good = state_db.jobs[JobStatus.COMPLETE].id
    sql(state_db.target, f"UPDATE jobs SET {column} = :v WHERE id = :id", v=value, id=bad)
    db = ("--db", state_db.target)
    code, out, err = run(capsys, *db, "jobs")
    assert code == 0 and "Traceback" not in err
    assert err == f"vapor-tui: warning: job #{bad} cannot be read: {why}\n"
    listed = [line.split()[0] for line in out.splitlines()[1:]]
    assert str(bad) not in listed and len(listed) == len(state_db.jobs) - 1
    code, out, err = run(capsys, *db, "jobs", "--json")
    assert code == 0 and f"job #{bad} cannot be read" in err
    assert bad not in [j["id"] for j in json.loads(out)]
    for command in ("show", "stop", "fail", "clone", "export"):
        assert_one_line_error(run(capsys, *db, command, bad), f"job #{bad} cannot be read", why)
    assert run(capsys, *db, "show", good)[0] == 0
    code, out, err = run(capsys, *db, "delete", bad)  # the way out: it can be deleted
    assert (code, out, err) == (0, f"deleted job {bad}\n", "")
    assert run(capsys, *db, "jobs")[2] == ""


async def test_the_app_shows_the_rest_and_names_the_row(state_db):
    """It stuck on "Opening the database…", a traceback in a worker."""
    from vapor_tui.ui.app import VaporApp

    bad = state_db.jobs[JobStatus.QUEUED].id
    sql(state_db.target, "UPDATE jobs SET status = 'exploded' WHERE id = :id", id=bad)
    app = recorded(VaporApp(state_db.target, timer=False))
    async with app.run_test(size=(120, 40)) as pilot:
        await first_tick(app, pilot)
        assert {job.id for job in app.snapshot.jobs} == {j.id for j in state_db.jobs.values()} - {
            bad
        }
        top = app.screen._compositor.render_strips()[0].text
        assert f"job #{bad} cannot be read: its status 'exploded' is not one vapor-tui knows" in top


@pytest.mark.parametrize("url", ["sqlite://host:notaport/x", "sqlite://host:5/x", "sqlite://me@/x"])
def test_a_sqlite_url_with_a_host(url, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert_one_line_error(run(capsys, "--db", url, "jobs"), url)
    assert tree(tmp_path) == []


# --- values echoed, text printed (15.6, 15.7) -------------------------------------------------


def test_long_values_are_cut_when_echoed(state_db, capsys):
    long = "9x" * 50_000
    db = ("--db", state_db.target)
    for argv in (
        (*db, "show", long),
        (*db, "export", "1", "--format", long),
        (*db, "--theme", long),
        (*db, "watch", "1", "--refresh", long),
        (*db, "new", "--name", "ok", "--epochs", long),
    ):
        line = assert_one_line_error(run(capsys, *argv))
        assert "9x" * 25 not in line and "…" in line, line[:300]  # cut, where it is echoed


TRICKY = {
    "c1-next-line": "a\x85b",
    "c1-csi": "\x9b31mred",
    "escape": "\x1b[2Jclear",
    "bidi": "abc\u202edcba",
    "zero-width": "ad\u200bmin",
}


@pytest.mark.parametrize("kind", list(TRICKY))
def test_the_command_line_never_prints_control_codes(kind, state_db, capsys):
    """Names that made it into a database before they were refused (or by hand) are printed
    escaped: a C1 control is a terminal command (U+009B starts a CSI sequence)."""
    name = TRICKY[kind]
    job = state_db.jobs[JobStatus.QUEUED].id
    sql(state_db.target, "UPDATE jobs SET name = :n, model = :n WHERE id = :id", n=name, id=job)
    db = ("--db", state_db.target)
    outputs = [run(capsys, *db, "jobs"), run(capsys, *db, "show", job)]
    outputs.append(run(capsys, *db, "start", job))
    outputs.append(run(capsys, *db, "start", job))  # refused: the message names it
    for _code, out, err in outputs:
        text = out + err
        assert "Traceback" not in text
        assert not any(ch in text for ch in name if not ch.isprintable()), (kind, text)
    assert outputs[2][1] == f"job #{job} {_escaped(name)}: running\n"


def _escaped(text: str) -> str:
    out = []
    for ch in text:
        o = ord(ch)
        if ch in "\x85\x9b\x1b":
            out.append(f"\\x{o:02x}")
        elif ch in "\u202e\u200b":
            out.append(f"\\u{o:04x}")
        else:
            out.append(ch)
    return "".join(out)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("a\x85b", "must not contain control characters (U+0085)"),
        ("\x9b31m", "must not contain control characters (U+009B)"),
        ("abc\u202edcba", "must not contain U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("\u200b\u200d", "must not contain U+200B ZERO WIDTH SPACE"),
        ("\u3164\u3164", "must contain a visible character"),
    ],
)
def test_names_that_would_not_show_as_typed_are_refused(name, message, tmp_path, capsys):
    db = tmp_path / "v.db"
    line = assert_one_line_error(run(capsys, "--db", db, "new", "--name", name), "--name:", message)
    assert not any(ch in line for ch in name if ord(ch) >= 0x80 and ch != "\u3164")
    assert not db.exists()


@pytest.mark.parametrize("value", ["\u0661\u0662", "\u0967", "\uff11"])  # Arabic, Devanagari, wide
def test_numbers_are_ascii_digits(value, state_db, capsys):
    before = state_db.digest()
    db = ("--db", state_db.target)
    assert_one_line_error(run(capsys, *db, "new", "--name", "x", "--epochs", value), "--epochs:")
    assert_one_line_error(run(capsys, *db, "new", "--name", "x", "--lr", value), "--lr:")
    assert_one_line_error(run(capsys, *db, "delete", value), "job id must be a positive whole")
    assert_one_line_error(run(capsys, *db, "--refresh", value), "--refresh")
    assert state_db.digest() == before


def test_refresh_says_what_is_expected(capsys):
    line = assert_one_line_error(run(capsys, "--refresh", "abc"))
    assert line.endswith("must be a number of seconds from 0.05 to 3600, not 'abc'"), line


# --- layout (8.18) and the environment (8.19) -------------------------------------------------


def test_jobs_columns_line_up_with_wide_characters(tmp_path, capsys):
    db = ("--db", tmp_path / "w.db")
    for name, model in (("🚀 launch", "LFM2-350M"), ("微调-中文", "模型-1.2B"), ("plain", "x")):
        assert run(capsys, *db, "new", "--name", name, "--model", model)[0] == 0
    _, out, _ = run(capsys, *db, "jobs")
    lines = out.splitlines()
    words = _statuses(lines)
    starts = {_cell_of(line, line.index(w)) for line, w in zip(lines, words, strict=True)}
    assert len(starts) == 1, out  # STATUS starts in the same terminal column on every line


def _statuses(lines: list[str]) -> list[str]:
    return ["STATUS"] + ["queued"] * (len(lines) - 1)


def _cell_of(line: str, index: int) -> int:
    return cell_len(line[:index])


def test_a_set_but_empty_environment_variable_is_refused(run_cli, tmp_path):
    for args in (["jobs"], ["new", "--name", "x"], []):
        assert_one_line_error(
            run_cli(*args, env={"VAPOR_TUI_DB": ""}, cwd=tmp_path), "$VAPOR_TUI_DB is empty"
        )
    assert tree(tmp_path) == []


# --- a damaged schema (15.6) -------------------------------------------------------------------


# The schema and the self-check on open are SQLite's (store/selfcheck.py).
@pytest.mark.sqlite_only
def test_a_dropped_column_is_one_error(state_db, capsys):
    """It gave a warning (the catch-up) and then an error (the list)."""
    sql(state_db.path, "ALTER TABLE jobs DROP COLUMN reason")
    before = state_db.digest()
    for argv in (("jobs",), ("show", "1"), ("stop", "5")):
        assert_one_line_error(
            run(capsys, "--db", state_db.path, *argv), "its jobs table has no column reason"
        )
    assert state_db.digest() == before


@pytest.mark.sqlite_only
def test_a_dropped_table_of_points_blocks_is_rebuilt_and_said_so(tmp_path, capsys):
    """It was made again empty, silently: bulk reads went back to the rows. Whole blocks
    (BLOCK_STEPS steps each) are packed again from the points."""
    from datetime import UTC, datetime

    from vapor_tui.core.clock import FakeClock
    from vapor_tui.core.config import JobConfig
    from vapor_tui.store.catchup import catch_up
    from vapor_tui.store.engine import open_store
    from vapor_tui.store.jobs import create_job
    from vapor_tui.store.series_blocks import BLOCK_STEPS

    path = str(tmp_path / "blocks.db")
    clock = FakeClock(datetime.now(UTC))
    store = open_store(path, clock=clock)
    cfg = JobConfig("long", epochs=1, steps_per_epoch=3 * BLOCK_STEPS + 17, step_seconds=0.001)
    create_job(store, cfg, start=True)
    clock.advance(3600)
    catch_up(store)
    store.close()
    sql(path, "DROP TABLE series_blocks")
    code, out, err = run(capsys, "--db", path, "jobs")
    assert code == 0 and out
    assert (
        err == "vapor-tui: note: the table series_blocks was missing: made again from the points\n"
    )
    assert run(capsys, "--db", path, "jobs")[2] == ""
    conn = sqlite3.connect(path)
    blocks, packed = conn.execute("SELECT count(*), sum(n) FROM series_blocks").fetchone()
    conn.close()
    assert (blocks, packed) == (3 * 3, 3 * 3 * BLOCK_STEPS)  # loss, accuracy, learning rate


@pytest.mark.sqlite_only
async def test_the_app_says_what_opening_repaired(state_db):
    from vapor_tui.ui.app import VaporApp

    sql(state_db.path, "DROP TABLE series_summary")
    app = recorded(VaporApp(str(state_db.path), timer=False))
    async with app.run_test(size=(120, 40)) as pilot:
        await first_tick(app, pilot)
        note = "the table series_summary was missing: made again from the points"
        assert f"warning | Database | {note}" in notes(app)

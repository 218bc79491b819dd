"""Paint first: the first frame needs neither SQLAlchemy, SQLModel nor numpy."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys

import pexpect

from vapor_tui.store.jobs import create_job, list_jobs
from vapor_tui.store.peek import peek_jobs

from .conftest import config


def test_first_frame_imports_no_orm_and_no_numpy():
    code = (
        "import sys\n"
        "import vapor_tui.cli, vapor_tui.cli_commands, vapor_tui.ui.launch\n"
        "import vapor_tui.ui.app, vapor_tui.ui.screens.jobs, vapor_tui.store.peek\n"
        "print(sorted(m for m in ('sqlalchemy', 'sqlmodel', 'numpy', 'pydantic')"
        " if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout


# The real launch in a pty, up to the moment the first frame is on the screen: the opener that
# would import the store is replaced by one that notes what is loaded then and ends the app.
LAUNCH_PROBE = """
import json, sys
import vapor_tui.ui.app as app_module

def probe(post, db, clock, peeked, quiet, pause, watch):
    from vapor_tui.ui.messages import StoreFailed
    quiet.first_frame.wait(timeout=60)
    heavy = ("sqlalchemy", "sqlmodel", "numpy", "pydantic", "plotext", "textual_plotext")
    with open(sys.argv[1], "w") as out:
        json.dump([m for m in heavy if m in sys.modules], out)
    post(StoreFailed("probe done"))

app_module.open_in_background = probe
from vapor_tui.cli import main
sys.exit(main(["--db", sys.argv[2]]))
"""


def test_the_launch_imports_no_orm_and_no_numpy_before_the_first_frame(ui_store, tmp_path):
    """Every module `vapor-tui` imports on its way to the first frame, the subcommands' too
    (`compare` once brought numpy in, and the first frame came 0.7 s later)."""
    create_job(ui_store, config("job0"))
    ui_store.close()
    found = tmp_path / "loaded.json"
    child = pexpect.spawn(
        sys.executable,
        ["-c", LAUNCH_PROBE, str(found), str(tmp_path / "ui.db")],
        dimensions=(40, 120),
        timeout=60,
    )
    child.expect(pexpect.EOF)
    child.close()
    assert json.loads(found.read_text()) == []


def test_peek_matches_the_store_and_changes_nothing(ui_store, tmp_path, clock):
    for i in range(3):
        create_job(ui_store, config(f"job{i}"), start=i == 1)
        clock.advance(10)
    path = tmp_path / "ui.db"
    ui_store.close()
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    peeked = peek_jobs(str(path))
    assert peeked is not None
    assert [(j.id, j.name, j.status, j.steps_done) for j in peeked] == [
        (j.id, j.name, j.status, j.steps_done) for j in list_jobs(ui_store)
    ]
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_peek_declines_what_it_cannot_read(tmp_path):
    assert peek_jobs(str(tmp_path / "missing.db")) is None
    other = tmp_path / "notes.db"
    other.write_text("not a database")
    assert peek_jobs(str(other)) is None
    assert other.read_text() == "not a database"
    assert peek_jobs("postgresql+psycopg://127.0.0.1:1/vapor") is None  # no server there

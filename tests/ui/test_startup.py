"""Paint first: the first frame needs neither SQLAlchemy, SQLModel nor numpy."""

from __future__ import annotations

import hashlib
import subprocess
import sys

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
    assert peek_jobs("postgresql+psycopg://localhost/vapor") is None

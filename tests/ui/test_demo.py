"""`vapor-tui demo` as a new user meets it: what its help says, and where its database is."""

from __future__ import annotations

import re
from pathlib import Path

from tests.support.pty_app import PtyApp


def test_demo_help_does_not_claim_the_environment_variable(run_cli):
    """demo ignores $VAPOR_TUI_DB on purpose; its help said --db defaults to it."""
    code, out, _ = run_cli("demo", "--help")
    assert code == 0
    flat = " ".join(out.split())
    assert "default: $VAPOR_TUI_DB" not in flat
    assert "VAPOR_TUI_DB is not used" in flat and "temporary" in flat, flat


def test_the_demo_says_where_its_database_is_and_that_it_is_kept(helpers, isolated_env):
    """At 110 columns the top bar has no room for the path: a toast says it at the start,
    and a line on the way out says it again, and that the file stays."""
    app = PtyApp(["demo"], helpers.cli_env(), cols=110, rows=30)
    try:
        screen = app.wait_for("stays after you quit")
        assert "demo.db" not in screen.splitlines()[0]  # no room for it in the top bar
        toast = "".join(
            line.split("▌", 1)[1].strip() for line in screen.splitlines() if "▌" in line
        )
        shown = re.search(r"(/\S+/demo\.db)", toast)
        assert shown, screen
        app.send("q")
        assert app.wait_exit() == 0
    finally:
        app.close()
    tail = bytes(app.raw[app.raw.rfind(b"\x1b[?1049l") :]).decode("utf-8", "replace")
    found = re.search(r"(/\S+/demo\.db)", tail)
    assert found and "kept" in tail, tail
    path = Path(found.group(1))
    assert str(path) == shown.group(1)
    assert path.is_file() and path.is_relative_to(isolated_env)
    assert f"vapor-tui --db {path}" in tail  # how to open it again

"""The installed `vapor-tui` in a real pseudo-terminal: create and start a job by keys, see it
running, quit with status 0, and leave the terminal as it was."""

from __future__ import annotations

import os
import signal

import pytest

from tests.support.pty_app import PtyApp


def test_create_start_watch_and_quit(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "VAPOR_TUI_DB"}
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    app = PtyApp(["--db", str(tmp_path / "e2e.db")], env)
    try:
        app.wait_for("No jobs yet")
        app.send("n")
        app.wait_for("New job")
        app.send("e2e-run")
        app.wait_for("e2e-run")
        app.send("\r")
        screen = app.wait_for("queued")
        assert "e2e-run" in screen and "New job" not in screen
        app.send("s")
        app.wait_for("▶ running")
        app.wait_for("Started")  # the toast, a frame or so after the badge
        app.send("\r")  # the detail screen, with its chart
        screen = app.wait_for("Epoch 1/3")
        assert "e2e-run" in screen and "step" in screen
        app.send("\x1b")
        app.wait_for("Progress")
        app.send("q")
        assert app.wait_exit() == 0
    finally:
        app.close()
    assert app.restored_terminal()


@pytest.mark.parametrize("way_out", ["q", "ctrl+c", "SIGTERM", "SIGHUP"])
def test_every_way_out_restores_the_terminal(tmp_path, way_out):
    env = {k: v for k, v in os.environ.items() if k != "VAPOR_TUI_DB"}
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    app = PtyApp(["--db", str(tmp_path / "out.db")], env)
    try:
        app.wait_for("No jobs yet")
        if way_out == "q":
            app.send("q")
        elif way_out == "ctrl+c":
            app.send("\x03")
        else:
            app.child.kill(getattr(signal, way_out))
        code = app.wait_exit()
    finally:
        app.close()
    assert code == 0, code
    assert app.restored_terminal()

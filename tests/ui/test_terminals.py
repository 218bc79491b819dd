"""Plain terminals: ASCII when the locale is not UTF-8, NO_COLOR, 256 colours, light themes."""

from __future__ import annotations

import os
import re

import pytest
from rich.text import Text

from tests.support.pty_app import PtyApp
from tests.support.tables import row_cells
from vapor_tui.store.jobs import create_job
from vapor_tui.ui.terminal import locale_is_utf8
from vapor_tui.ui.widgets.chart import MetricChart
from vapor_tui.ui.widgets.job_table import JobTable

from .conftest import config, settle


@pytest.mark.parametrize(
    ("env", "utf8"),
    [
        ({"LANG": "en_US.UTF-8"}, True),
        ({"LANG": "C.UTF-8"}, True),
        ({"LC_ALL": "de_DE.utf8", "LANG": "C"}, True),
        ({"LC_ALL": "C", "LANG": "en_US.UTF-8"}, False),
        ({"LC_CTYPE": "en_US.ISO-8859-1"}, False),
        ({"LANG": "POSIX"}, False),
        ({}, False),
        ({"LC_CTYPE": "C.UTF-8"}, False),  # what Python itself sets when started under C
    ],
)
def test_locale_detection(env, utf8):
    assert locale_is_utf8(env) is utf8


def _ascii(text: str) -> bool:
    return all(ord(c) < 128 for c in text)


async def test_ascii_mode_draws_chart_and_badges_in_ascii(make_app, ui_store, clock):
    job = create_job(ui_store, config("plain"), start=True)
    clock.advance(200)
    app = make_app(ascii_only=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(JobTable)
        cells = row_cells(table, 0)
        assert cells[3] == "> running" and _ascii("".join(cells))
        app.open_detail(job.id)
        await settle(app, pilot)
        await pilot.press("m")  # smoothing adds the second series
        chart = app.screen.query_one(MetricChart)
        plain = [Text.from_ansi(line).plain for line in chart._lines]
        assert all(_ascii(line) for line in plain), [ln for ln in plain if not _ascii(ln)]
        assert any("*" in line for line in plain) and any("o" in line for line in plain)
        for widget_id in ("detail-title", "detail-bar", "detail-stats", "chart-caption"):
            content = app.screen.query_one(f"#{widget_id}").visual
            assert _ascii(str(content)), widget_id


def _run(tmp_path, env_extra: dict[str, str], args: list[str]) -> bytes:
    env = {k: v for k, v in os.environ.items() if k not in ("VAPOR_TUI_DB", "COLORTERM")}
    env.update({"XDG_DATA_HOME": str(tmp_path / "data"), **env_extra})
    app = PtyApp(args, env)
    try:
        app.wait_for("colour")
        app.pump(1.0)
        app.send("q")
        assert app.wait_exit() == 0
    finally:
        app.close()
    return bytes(app.raw)


@pytest.fixture
def colour_db(tmp_path, run_cli) -> str:
    db = str(tmp_path / "colour.db")
    code, _, _ = run_cli("new", "--name", "colour", "--start", "--seed", "1", "--db", db)
    assert code == 0
    # The newest job takes the cursor, whose row has colours of its own (test_contrast.py).
    code, _, _ = run_cli("new", "--name", "newest", "--db", db)
    assert code == 0
    return db


def test_no_color_sends_no_colour_at_all(tmp_path, colour_db):
    raw = _run(tmp_path, {"NO_COLOR": "1"}, ["--db", colour_db])
    params = {int(p) for sgr in re.findall(rb"\x1b\[([0-9;]*)m", raw) for p in sgr.split(b";") if p}
    colours = {p for p in params if 30 <= p <= 48 or 90 <= p <= 107} - {39, 49}  # 39/49: default
    assert colours == set(), colours
    assert 7 in params  # the cursor row shows in reverse video instead


def test_256_colour_terminal_gets_no_truecolour(tmp_path, colour_db):
    raw = _run(tmp_path, {}, ["--db", colour_db])
    assert not re.search(rb"[34]8;2;", raw)
    assert re.search(rb"[34]8;5;", raw)


def test_light_theme_status_colours_differ_from_dark(tmp_path, colour_db):
    dark = _run(tmp_path, {}, ["--db", colour_db])
    light = _run(tmp_path, {}, ["--theme", "textual-light", "--db", colour_db])

    def badge_style(raw: bytes) -> bytes:
        return re.findall(rb"(\x1b\[[0-9;]*m) ?\xe2\x96\xb6 running", raw)[-1]

    assert badge_style(dark) != badge_style(light)

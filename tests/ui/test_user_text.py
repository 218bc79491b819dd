"""Names, models, filters, paths and form input that look like console markup are shown as
typed, never read as markup (a "[/b]" in a job name once ended every app on the database)."""

from __future__ import annotations

from vapor_tui.core.config import JobConfig
from vapor_tui.store.engine import open_store
from vapor_tui.store.jobs import create_job
from vapor_tui.ui.app import VaporApp
from vapor_tui.ui.screens.detail import JobDetailScreen
from vapor_tui.ui.screens.new_job import NewJobScreen

from .conftest import notes, settle

NAME = "evil[/b] [red]x [$warning]y[/] [link=http://x]z\\"
MODEL = "[b]M[/]"


def _screen(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def test_markup_in_names_models_and_filters_is_shown_as_typed(make_app, ui_store, clock):
    job = create_job(ui_store, JobConfig(NAME, model=MODEL, seed=1, step_seconds=1.0), start=True)
    clock.advance(30)
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(app, pilot)
        assert "evil[/b] [red]x [$warning]y[/]" in _screen(app)
        await pilot.press("slash", "[", "/", "q")
        await settle(app, pilot)
        assert "No job matches “[/q”" in _screen(app)
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("f")  # the confirm dialog names the job
        await settle(app, pilot)
        assert f"Mark #{job.id} evil[/b]" in _screen(app)
        await pilot.press("escape")
        app.open_detail(job.id)
        await settle(app, pilot)
        assert isinstance(app.screen, JobDetailScreen)
        text = _screen(app)
        assert f"#{job.id} {NAME}" in text and "[b]M[/]" in text
        await pilot.press("s")  # refused: the toast names the job as it is
        await settle(app, pilot)
        assert NAME in notes(app)[-1]
    assert app.return_code in (None, 0)


async def test_markup_in_form_fields_is_shown_in_their_messages(make_app, ui_store):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        form = app.screen
        assert isinstance(form, NewJobScreen)
        form.query_one("#field-epochs").value = "[/x]"
        form.query_one("#field-name").value = "[/b]"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "not '[/x]'" in _screen(app)
    assert app.return_code in (None, 0)


async def test_markup_in_the_database_path(tmp_path, clock):
    place = tmp_path / "a[" / "b] [$error]"  # the path holds "a[/b] [$error]"
    place.mkdir(parents=True)
    store = open_store(place / "v.db", clock=clock)
    try:
        app = VaporApp(store=store, clock=clock, timer=False)
        async with app.run_test(size=(160, 40)) as pilot:
            await settle(app, pilot)
            assert "a[/b] [$error]" in _screen(app)
        assert app.return_code in (None, 0)
    finally:
        store.close()


def _toasts(app) -> str:
    from textual.widgets._toast import Toast

    return "\n".join(str(toast.render()) for toast in app.screen.query(Toast))


async def test_backslashes_in_names_are_shown_as_typed_everywhere(make_app, ui_store, clock):
    """Textual's markup has no escape for a backslash: `back\\slash` showed doubled in the
    detail title and the filter bar, and a name ending in a backslash turned the closing tag
    after it into text (`ends\\[/b]`)."""
    names = ("back\\slash", "ends\\", "\\[b]x")
    jobs = [create_job(ui_store, JobConfig(n, seed=1, step_seconds=1.0)) for n in names]
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(app, pilot)
        screen = _screen(app)
        for name in names:
            assert f" {name} " in screen, name  # the table
        for job in jobs:
            await pilot.press("slash", *job.name, "enter")
            await settle(app, pilot)
            top = _screen(app).splitlines()[0]
            assert f"filter: “{job.name}”" in top and "\\\\" not in top.replace(job.name, ""), top
            await pilot.press("f")  # the dialog names the job as typed
            await settle(app, pilot)
            assert f"Mark #{job.id} {job.name} as failed?" in _screen(app)
            await pilot.press("escape", "escape")  # the dialog, then the filter
            await settle(app, pilot)
            app.open_detail(job.id)
            await settle(app, pilot)
            title = _screen(app).splitlines()[0]
            assert title.startswith(f" #{job.id} {job.name}  ○ queued"), title
            assert "[/b]" not in title.replace(job.name, "")
            await pilot.press("escape")
            await settle(app, pilot)
        app.notify(f"#{jobs[1].id} {jobs[1].name}")  # a toast as the app raises them
        await settle(app, pilot)
        assert f"#{jobs[1].id} ends\\" in _toasts(app)
    assert app.return_code in (None, 0)

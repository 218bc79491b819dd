"""The new-job form: n, a name, enter; defaults everywhere else; errors under the fields."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vapor_tui.core.config import JobConfig
from vapor_tui.core.status import JobStatus
from vapor_tui.store.jobs import list_jobs
from vapor_tui.ui.screens.jobs import JobsScreen
from vapor_tui.ui.screens.new_job import NewJobScreen, build_config

from .conftest import notes, settle

DEFAULTS = {
    "name": "x",
    "model": "LFM2-350M",
    "epochs": "3",
    "steps_per_epoch": "100",
    "learning_rate": "2e-4",
    "batch_size": "8",
    "schedule": "cosine",
    "curve": "exponential",
    "seed": "1",
    "step_seconds": "0.5",
}


async def test_n_name_enter_creates_a_job_with_defaults(make_app, ui_store):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        assert isinstance(app.screen, NewJobScreen)
        assert app.focused.id == "field-name"
        await pilot.press(*"my-first-run", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, JobsScreen)
        (job,) = list_jobs(ui_store)
        c = job.config
        assert (c.name, c.model, c.epochs, c.steps_per_epoch) == (
            "my-first-run",
            "LFM2-350M",
            3,
            100,
        )
        assert (c.learning_rate, c.batch_size, str(c.schedule), str(c.curve)) == (
            2e-4,
            8,
            "cosine",
            "exponential",
        )
        assert c.step_seconds == 0.5 and job.status is JobStatus.QUEUED
        assert any("Created" in n for n in notes(app))


async def test_start_now_and_scientific_learning_rate(make_app, ui_store):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("n", *"sci")
        form = app.screen
        lr = form.query_one("#field-learning_rate")
        lr.value = "3e-5"
        form.query_one("#field-start").value = True
        form.query_one("#field-epochs").value = "2"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        (job,) = list_jobs(ui_store)
        assert job.config.learning_rate == 3e-5 and job.config.epochs == 2
        assert job.status is JobStatus.RUNNING


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "required"),
        ("epochs", "0", "at least 1"),
        ("epochs", "three", "whole number"),
        ("steps_per_epoch", "-5", "at least 1"),
        ("learning_rate", "nan", "finite"),
        ("learning_rate", "0", "greater than 0"),
        ("batch_size", "1.5", "whole number"),
        ("seed", "-1", "at least 0"),
        ("step_seconds", "inf", "finite"),
    ],
)
async def test_invalid_values_keep_the_form_open_and_write_nothing(
    make_app, ui_store, field, value, message
):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("n", *"bad")
        form = app.screen
        form.query_one(f"#field-{field}").value = value
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, NewJobScreen)
        error = form.query_one(f"#error-{field}")
        assert error.display and message in str(error.content)
        assert app.focused.id == f"field-{field}"
        assert list_jobs(ui_store) == []
        # Fixing the field clears the message and creates the job.
        form.query_one(f"#field-{field}").value = DEFAULTS[field] if field != "name" else "ok"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, JobsScreen) and len(list_jobs(ui_store)) == 1


async def test_escape_cancels(make_app, ui_store):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("n", *"never", "escape")
        await settle(app, pilot)
        assert isinstance(app.screen, JobsScreen) and list_jobs(ui_store) == []


def test_build_config_reports_every_bad_field_at_once():
    values = dict(DEFAULTS, epochs="0", learning_rate="abc", name="  ")
    config, errors = build_config(values)
    assert config is None
    assert set(errors) == {"epochs", "learning_rate", "name"}


def test_build_config_total_steps_limit():
    values = dict(DEFAULTS, epochs="100000", steps_per_epoch="100000")
    config, errors = build_config(values)
    assert config is None and "at most" in errors["steps_per_epoch"]


@settings(max_examples=200, deadline=None)
@given(field=st.sampled_from(sorted(DEFAULTS)), text=st.text(max_size=40))
def test_build_config_never_raises_and_agrees_with_jobconfig(field, text):
    values = dict(DEFAULTS, **{field: text})
    config, errors = build_config(values)
    if config is None:
        assert errors and all(isinstance(m, str) and m for m in errors.values())
    else:
        assert errors == {} and isinstance(config, JobConfig)
        assert getattr(config, field) is not None


@pytest.mark.parametrize("where", ["field-start", "field-model", "field-curve"])
async def test_enter_creates_from_the_tick_box_and_the_lists_too(make_app, ui_store, where):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("n", *"from-anywhere")
        app.screen.query_one(f"#{where}").focus()
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, JobsScreen)
        assert [j.name for j in list_jobs(ui_store)] == ["from-anywhere"]


async def test_space_ticks_the_box_which_shows_its_state_without_colour(make_app, ui_store):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("n", *"ticked")
        box = app.screen.query_one("#field-start")
        assert str(box.render()).startswith("[ ]")
        box.focus()
        await pilot.press("space")
        assert box.value and str(box.render()).startswith("[x]")
        await pilot.press("enter")
        await settle(app, pilot)
        (job,) = list_jobs(ui_store)
        assert job.status is JobStatus.RUNNING


async def test_the_form_has_its_own_footer_and_fits_a_small_terminal(make_app, ui_store):
    from textual.widgets import Button, Footer
    from textual.widgets._footer import FooterKey

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        form = app.screen
        for field in ("epochs", "steps_per_epoch", "learning_rate", "batch_size", "seed"):
            form.query_one(f"#field-{field}").value = "oops"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, NewJobScreen)
        shown = {k.key: k.description for k in form.query_one(Footer).query(FooterKey)}
        assert shown == {"escape": "Cancel", "ctrl+s": "Create"}
        screen_region = app.screen.region
        for button in form.query(Button):
            assert button.region.area and screen_region.contains_region(button.region), button
        assert form.query_one("#error-name").display  # every error is there, scrolled to


async def test_a_burst_of_keys_lands_in_the_fields_it_was_typed_for(make_app, ui_store):
    """Typed or pasted faster than the screen updates, as `tmux send-keys` or a paste sends
    them: each value goes to the field tab moved to (the values after each tab all went into
    the name before tab moved focus first)."""
    from textual import events

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        # name, model, command, directory, epochs...
        burst = [*"fast", "tab", "tab", "tab", "tab", "7", "tab", *"250", "tab", *"9e-4"]
        for key in burst:  # all sent before any is handled
            event = events.Key(key, key if len(key) == 1 else None)
            event.set_sender(app)
            app._driver.send_message(event)
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, NewJobScreen)
        values = form.values()
        assert (values["name"], values["epochs"], values["steps_per_epoch"]) == ("fast", "7", "250")
        assert values["learning_rate"] == "9e-4"


async def test_an_error_goes_as_soon_as_its_field_is_fixed(make_app, ui_store):
    """ "required" stayed under the name after a name was typed, until the next submit."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        form = app.screen
        form.query_one("#field-epochs").value = "0"
        await pilot.press("enter")  # no name, no epochs
        await settle(app, pilot)
        name_error, epochs_error = form.query_one("#error-name"), form.query_one("#error-epochs")
        assert name_error.display and "required" in str(name_error.content)
        assert epochs_error.display
        await pilot.press("a")  # the name field has focus: one letter fixes it
        await settle(app, pilot)
        assert not name_error.display and not form.query_one("#field-name").has_class("-invalid")
        assert epochs_error.display  # still wrong, still said
        form.query_one("#field-epochs").value = "x"
        await settle(app, pilot)
        assert "'x'" in str(epochs_error.content)  # what it says follows the text
        form.query_one("#field-epochs").value = "4"
        await settle(app, pilot)
        assert not epochs_error.display
        assert not form.query_one("#error-learning_rate").display  # never shown unasked


async def test_a_combined_limit_goes_when_either_field_is_fixed(make_app, ui_store):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("n", *"big")
        form = app.screen
        form.query_one("#field-epochs").value = "100000"
        form.query_one("#field-steps_per_epoch").value = "100000"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        error = form.query_one("#error-steps_per_epoch")
        assert error.display and "at most" in str(error.content)
        form.query_one("#field-epochs").value = "3"  # the other field of the pair
        await settle(app, pilot)
        assert not error.display


async def test_the_model_takes_any_text_and_suggests_the_known_ones(make_app, ui_store):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("n", *"custom", "tab")
        assert app.focused.id == "field-model"
        await pilot.press("ctrl+u", *"lfm2-7")
        await settle(app, pilot)
        model = app.screen.query_one("#field-model")
        assert model._suggestion == "LFM2-700M"  # shown greyed after the cursor
        hint = str(app.screen.query_one("#hint-model").content)
        assert app.screen.query_one("#hint-model").display and "LFM2-1.2B" in hint
        await pilot.press("right")  # accepts it, as in a shell
        assert model.value == "LFM2-700M"
        await pilot.press("ctrl+u", *"my-org/custom-7b", "enter")
        await settle(app, pilot)
        (job,) = list_jobs(ui_store)
        assert job.config.model == "my-org/custom-7b"


def test_a_filled_in_command_makes_a_command_job_and_the_simulators_fields_are_not_used(
    tmp_path,
):
    from vapor_tui.live.commands import Create, NewCommand
    from vapor_tui.ui.screens.new_job import build

    values = {**DEFAULTS, "epochs": "many", "command": "python3 train.py --tag 'a b'"}
    made, errors = build({**values, "cwd": str(tmp_path)}, True)
    assert errors == {} and isinstance(made, NewCommand) and made.start
    assert made.spec.argv == ("python3", "train.py", "--tag", "a b")  # split, never a shell
    assert made.spec.cwd == str(tmp_path) and made.model == "LFM2-350M"
    made, errors = build({**values, "cwd": str(tmp_path / "gone")}, False)
    assert made is None and errors == {
        "cwd": f"working directory {tmp_path / 'gone'} does not exist"
    }
    made, errors = build({**values, "command": "no-such-trainer-x", "name": ""}, False)
    assert made is None and errors == {
        "name": "required",
        "command": "no program 'no-such-trainer-x' on PATH",
    }
    assert build({**values, "command": "python3 'unclosed"}, False)[1] == {
        "command": "the command cannot be read: No closing quotation"
    }
    made, errors = build({**DEFAULTS, "command": "  "}, False)  # empty: a simulated job
    assert errors == {} and isinstance(made, Create)


async def test_the_form_creates_a_command_job_that_s_starts(make_app, ui_store, tmp_path):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("n", *"trainer", "tab", "tab")
        assert app.focused.id == "field-command"
        await pilot.press(*"python3 -c pass", "tab")
        assert app.focused.id == "field-cwd"
        await pilot.press("ctrl+u", *str(tmp_path), "enter")
        await settle(app, pilot)
        (job,) = list_jobs(ui_store)
        assert job.source == "command" and job.status is JobStatus.QUEUED
        assert job.run.command == ("python3", "-c", "pass") and job.run.cwd == str(tmp_path)

"""Keys mashed at random into the running app (Pilot), jobs running on a fake clock, the window
resized now and then, down to nothing: nothing raises, no worker fails, the database stays
whole, and the app still quits cleanly. The keys come from a fixed seed; a failure names the
key that found it."""

from __future__ import annotations

import random
import unicodedata

from textual import events
from textual.keys import REPLACED_KEYS, _get_unicode_name_from_key

from tests.support.recorder import notes
from vapor_tui.core.config import JobConfig
from vapor_tui.store.jobs import create_job

from .conftest import settle
from .rel_checks import check_database

SEED = 1234
# Quoted in docs/RELIABILITY.md (with the keys sent to the app in a real terminal, below).
MONKEY_KEYS = 2500
# Everything but the quit keys: q, ctrl+q and ctrl+c end the app, which would end the test.
KEYS = (
    *"abcdefghijklmnoprstuvwxyz0123456789",
    *("n", "s", "x", "f", "c", "d", "y", "l", "m", "a"),  # the app's own keys, twice as often
    "enter",
    "escape",
    "tab",
    "shift+tab",
    "up",
    "down",
    "left",
    "right",
    "home",
    "end",
    "pageup",
    "pagedown",
    "space",
    "backspace",
    "delete",
    "question_mark",
    "slash",
    "minus",
    "full_stop",
    "ctrl+p",
    "ctrl+s",
    "left_square_bracket",  # names and filters that look like markup
    "right_square_bracket",
)
SIZES = ((120, 40), (80, 24), (60, 16), (59, 15), (30, 8), (1, 1), (200, 60))


async def mash(app, pilot, key: str) -> None:
    """Press a key the way Pilot does, minus its waits for idle time and for animations to end:
    a user mashing keys does not wait for a scroll to finish either. The events a key causes
    are all handled before the next one."""
    try:
        char = unicodedata.lookup(_get_unicode_name_from_key(REPLACED_KEYS.get(key, key)))
    except KeyError:
        char = key if len(key) == 1 else None
    event = events.Key(key, char)
    event.set_sender(app)
    app._driver.send_message(event)
    await pilot._wait_for_screen()


async def test_thousands_of_random_keys(make_app, ui_store, clock, ui_db):
    for n, (epochs, spe, step_s) in enumerate([(3, 100, 1.0), (2, 50, 0.5), (5, 20, 3.0)]):
        config = JobConfig(f"monkey-{n}", epochs=epochs, steps_per_epoch=spe, step_seconds=step_s)
        create_job(ui_store, JobConfig(**{**config.as_dict(), "seed": n}), start=n != 2)
    rng = random.Random(SEED)
    pressed, sessions = 0, 0
    trail: list[str] = []
    while pressed < MONKEY_KEYS:
        sessions += 1
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)
            while pressed < MONKEY_KEYS and app.is_running:
                key = rng.choice(KEYS)
                trail = [*trail[-30:], key]
                await mash(app, pilot, key)
                pressed += 1
                if pressed % 20 == 0:
                    clock.advance(rng.uniform(0, 40))
                    app.request_tick()
                    await settle(app, pilot, rounds=1)  # Pilot's own pause: all caught up
                if pressed % 250 == 0:
                    await pilot.resize_terminal(*rng.choice(SIZES))
                assert app.return_code in (None, 0), f"after {trail}"
            if app.is_running:  # the last key pressed: leave the way a user would
                await pilot.resize_terminal(120, 40)
                await settle(app, pilot)
                await pilot.press("ctrl+q")
                await pilot.pause()
        # The palette has a Quit command: choosing it at random is a clean quit too.
        assert app.return_code == 0, f"session {sessions} ended with {app.return_code}: {trail}"
        unexpected = [n for n in notes(app) if "nexpected" in n]
        assert not unexpected, unexpected
    assert pressed == MONKEY_KEYS
    check_database(ui_db, f"after {MONKEY_KEYS} random keys")


# Keys as a terminal sends them, for the app in a real pty (no q, ctrl+c or ctrl+q).
PTY_KEYS = (
    *"abcdefghijklmnoprstuvwxyz0123456789",
    *"nsxfcdylmaz?/[]",
    "\r",
    "\t",
    "\x7f",
    "\x1b",
    "\x1b[A",
    "\x1b[B",
    "\x1b[C",
    "\x1b[D",
    "\x1b[5~",
    "\x1b[6~",
    "\x1b[H",
    "\x1b[F",
    "\x10",  # ctrl+p
    "\x13",  # ctrl+s
)
PTY_BURSTS = 20
PTY_BURST_KEYS = 25


def test_bursts_of_keys_in_a_real_terminal(tmp_path, helpers):
    """Keys arriving faster than the screen is drawn, as a paste or a held key sends them."""
    from tests.support.pty_app import PtyApp

    from .rel_processes import run_cli

    db = tmp_path / "burst.db"
    env = helpers.cli_env()
    run_cli(db, ["new", "--name", "burst", "--start", "--step-seconds", "0.05"], env, tmp_path)
    rng = random.Random(SEED + 1)
    app = PtyApp(["--db", str(db), "--refresh", "0.1"], env)
    try:
        app.wait_for("burst")
        app.send("\x10\x1b[6~")  # the palette and a page key in one burst
        for n in range(PTY_BURSTS):
            app.send("".join(rng.choice(PTY_KEYS) for _ in range(PTY_BURST_KEYS)))
            app.pump(0.15)
            assert app.child.isalive(), f"burst {n}: {_last_words(app.raw)}"
        app.send("\x11")  # ctrl+q quits from anywhere
        assert app.wait_exit() == 0
    finally:
        app.close()
    assert app.restored_terminal()
    check_database(db, "after the bursts")


def _last_words(raw: bytes | bytearray) -> str:
    """The traceback the app printed as it died, without the terminal's escape sequences."""
    import re

    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", bytes(raw).decode("utf-8", "replace"))
    start = text.rfind("Traceback")
    return text[start:] if start >= 0 else text[-2000:]


async def test_a_second_enter_in_the_palette_closes_nothing_else(make_app):
    """Found by the bursts on a loaded machine (the app ended with status 1): two enters in
    one burst reached the palette, the second after the first had closed it; Textual's
    dismiss then popped the screen beneath (the jobs screen), and a third raised
    ScreenStackError."""
    from textual.command import CommandInput, CommandList, CommandPalette
    from textual.widgets import Input

    from vapor_tui.ui.screens.help import HelpScreen
    from vapor_tui.ui.screens.jobs import JobsScreen

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p", *"Help")
        await settle(app, pilot)
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        # "Help" chosen in the list, then three enters in one burst, all queued for the
        # palette before it handles the first.
        palette._selected_command = palette.query_one(CommandList).get_option_at_index(0).hit
        palette._list_visible = False
        box = palette.query_one(CommandInput)
        for _ in range(3):
            palette.post_message(Input.Submitted(box, box.value))
        await settle(app, pilot)
        assert app.return_code is None
        assert [type(s) for s in app.screen_stack] == [JobsScreen, HelpScreen]


async def test_a_second_enter_in_the_form_creates_nothing_else(make_app, ui_store):
    """The same bursts: two enters in the new-job form; the second dismissed it again and
    ended the app (InvalidStateError)."""
    from textual.widgets import Input

    from vapor_tui.store.jobs import list_jobs
    from vapor_tui.ui.screens.jobs import JobsScreen
    from vapor_tui.ui.screens.new_job import NewJobScreen

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("n", *"twice")
        form = app.screen
        assert isinstance(form, NewJobScreen)
        box = form.query_one("#field-name", Input)
        for _ in range(3):  # queued for the form before it handles the first
            form.post_message(Input.Submitted(box, box.value))
        await settle(app, pilot)
        assert app.return_code is None
        assert [type(s) for s in app.screen_stack] == [JobsScreen]
        assert [job.name for job in list_jobs(ui_store)] == ["twice"]


async def test_a_palette_search_that_ends_after_the_palette_closed(make_app):
    """Found by the random keys on a loaded machine: the palette's search worker, resumed
    after the palette had closed, filled a list no longer there (NoMatches ended the app).
    What the worker does then, done here after the close."""
    from textual.command import CommandList, CommandPalette

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await settle(app, pilot)
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        command_list = palette.query_one(CommandList)
        await pilot.press("escape")
        await settle(app, pilot)
        assert not palette.is_attached
        palette._refresh_command_list(command_list, [], True)
        await palette._watch__show_busy()
        assert app.return_code is None

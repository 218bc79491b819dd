"""The new-job form: `n`, a name, enter. Every other field starts with a sensible default."""

from __future__ import annotations

from collections.abc import Iterable

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Button, Footer, Input, Label, Select, Static

from vapor_tui.core.command import command_spec, split_command
from vapor_tui.core.config import (
    CONFIG_FIELDS,
    KNOWN_MODELS,
    ConfigError,
    Curve,
    JobConfig,
    Schedule,
    new_seed,
)
from vapor_tui.live.commands import Create, NewCommand
from vapor_tui.ui.screens.base import VaporScreen
from vapor_tui.ui.widgets.form_fields import FormSelect, TickBox

# (field, label, default text) for the text inputs, in form order.
TEXT_FIELDS = (
    ("name", "Name", ""),
    ("model", "Model", KNOWN_MODELS[0]),
    ("command", "Command", ""),
    ("cwd", "Directory", ""),
    ("epochs", "Epochs", "3"),
    ("steps_per_epoch", "Steps per epoch", "100"),
    ("learning_rate", "Learning rate", "2e-4"),
    ("batch_size", "Batch size", "8"),
    ("seed", "Seed", None),
    ("step_seconds", "Seconds per step", "0.5"),
)
TEXT_NAMES = frozenset(f for f, _, _ in TEXT_FIELDS)
SELECT_FIELDS = (
    ("schedule", "Schedule", tuple(s.value for s in Schedule), Schedule.COSINE.value),
    ("curve", "Curve", tuple(c.value for c in Curve), Curve.EXPONENTIAL.value),
)
# A command job's own fields: with a command, the simulator's are not used.
COMMAND_FIELDS = ("command", "cwd")
SIMULATOR_ORDER = CONFIG_FIELDS
ORDER = (*SIMULATOR_ORDER[:2], *COMMAND_FIELDS, *SIMULATOR_ORDER[2:])


PLACEHOLDERS = {
    "name": "name this run",
    "model": "any text, e.g. " + KNOWN_MODELS[0],
    "command": "empty: simulated; or e.g. python train.py",
    "cwd": "empty: where vapor-tui was started",
}
MODELS = SuggestFromList(KNOWN_MODELS, case_sensitive=False)


def _text(value: object) -> str:
    return repr(value) if isinstance(value, float) else str(value)  # repr: every digit kept


def build_command(values: dict[str, str], start: bool) -> tuple[NewCommand | None, dict[str, str]]:
    """A command job from the form's text (its Command field is filled in), or the message
    for each field that is wrong. The simulator's fields are not looked at."""
    errors: dict[str, str] = {}
    name = values.get("name", "").strip()
    if not name:
        errors["name"] = "required"
    else:
        try:
            JobConfig(name=name, seed=0)  # the same rules for a name as a simulated job's
        except ConfigError as exc:
            errors["name"] = exc.message
    try:
        argv = split_command(values.get("command", ""))
        spec = command_spec(argv, values.get("cwd", "").strip() or None)
    except ValueError as exc:
        field = "cwd" if "directory" in str(exc) else "command"
        errors[field] = str(exc)
    if errors:
        return None, errors
    model = values.get("model", "").strip() or None
    return NewCommand(name, spec, model, start), {}


def build_config(values: dict[str, str]) -> tuple[JobConfig | None, dict[str, str]]:
    """A JobConfig from the form's text, or the message for each field that is wrong."""
    errors: dict[str, str] = {}
    checked: dict[str, object] = {}
    probe = JobConfig(name="probe", seed=0)
    for field in SIMULATOR_ORDER:
        if not str(values.get(field, "")).strip():
            errors[field] = "required"
            continue
        try:
            # Validate one field at a time so every wrong field gets its own message.
            JobConfig(**{**probe.as_dict(), field: values.get(field, "")})
            checked[field] = values.get(field, "")
        except ConfigError as exc:
            if exc.field == field:
                errors[field] = exc.message
            else:  # a combination (epochs x steps) that is too large
                errors[exc.field] = exc.message
    if errors:
        return None, errors
    try:
        return JobConfig(**checked), {}  # type: ignore[arg-type]
    except ConfigError as exc:
        return None, {exc.field: exc.message}


FormResult = Create | NewCommand | None


def build(values: dict[str, str], start: bool) -> tuple[FormResult, dict[str, str]]:
    """What the form creates: a command job if its Command field is filled in, else a
    simulated one."""
    if values.get("command", "").strip():
        return build_command(values, start)
    config, errors = build_config(values)
    return (Create(config, start) if config is not None else None), errors


# ModalScreen first: Textual takes a screen's CSS type names from its first base only.
class NewJobScreen(ModalScreen[FormResult], VaporScreen[FormResult]):
    HELP_TITLE = "New job: keys"
    AUTO_FOCUS = "#field-name"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
        Binding("ctrl+s", "submit", "Create", id="form.submit"),
        # From a tick box or a closed list too: they leave enter to the form.
        Binding("enter", "submit", "Create", show=False, id="form.submit.enter"),
        # An enter typed before the terminal was in raw mode arrives as a newline (ctrl+j).
        Binding("ctrl+j", "submit", "Create", show=False, id="form.submit.newline"),
        # Priority, so that focus moves before the keys after it are handed out: typed or
        # pasted in one burst ("name<tab>7"), the 7 went to the name, not the next field.
        Binding("tab", "app.focus_next", "Next field", show=False, priority=True),
        Binding("shift+tab", "app.focus_previous", "Previous field", show=False, priority=True),
    ]
    # Rows around the fields (title, buttons, hint, border, footer): the fields scroll in
    # what is left, so the buttons stay on screen in a small terminal.
    CHROME_ROWS = 11

    def compose(self) -> ComposeResult:
        selects = {f: (label, options, default) for f, label, options, default in SELECT_FIELDS}
        texts = {f: (label, default) for f, label, default in TEXT_FIELDS}
        default: str | None
        with Vertical(id="form-box", classes="dialog"):
            yield Static("[b]New job[/b]", id="form-title")
            with VerticalScroll(id="form-fields"):
                for field in ORDER:
                    with Horizontal(classes="form-row"):
                        if field in selects:
                            label, options, default = selects[field]
                            default = str(self._initial.get(field, default))
                            yield Label(label, classes="form-label")
                            yield FormSelect(
                                [(o, o) for o in options],
                                value=default,
                                allow_blank=False,
                                id=f"field-{field}",
                                compact=True,
                                ascii_only=self.vapor.glyphs.ascii,
                            )
                        else:
                            label, default = texts[field]
                            value = str(new_seed()) if default is None else default
                            if field in self._initial:
                                value = _text(self._initial[field])
                            yield Label(label, classes="form-label")
                            yield Input(
                                value=value,
                                id=f"field-{field}",
                                compact=True,
                                placeholder=PLACEHOLDERS.get(field, ""),
                                # Any text; the known models complete as typed (right arrow).
                                suggester=MODELS if field == "model" else None,
                            )
                    yield Label("", classes="form-error", id=f"error-{field}", markup=False)
                    if field == "model":
                        arrow = "->" if self.vapor.glyphs.ascii else "→"
                        hint = f"{arrow} completes {', '.join(KNOWN_MODELS)}"
                        yield Label(hint, classes="form-hint", id="hint-model")
                with Horizontal(classes="form-row"):
                    yield Label("Start now", classes="form-label")
                    yield TickBox(
                        "start as soon as it is created",
                        value=False,
                        id="field-start",
                        compact=True,
                    )
            with Horizontal(id="form-buttons"):
                yield Button("Create", variant="primary", id="create", compact=True)
                yield Button("Cancel", id="cancel", compact=True)
            sep = self.vapor.glyphs.sep
            yield Static(
                f"[dim]enter creates {sep} tab moves {sep} space opens a list "
                f"{sep} esc cancels[/dim]",
                id="form-keys",
            )
        yield Footer(compact=True)

    def __init__(self, initial: JobConfig | None = None) -> None:
        super().__init__()
        self._erring: set[str] = set()  # the fields showing an error
        # A job's configuration to start from (`c` on the compare screen), with a new seed.
        self._initial = {} if initial is None else initial.as_dict()
        self._initial.pop("seed", None)

    def on_mount(self) -> None:
        self._fit()

    def on_key(self, event: events.Key) -> None:
        """Keys typed straight after `n` reach the form before anything in it has focus: they
        are the name's first letters, not keys to drop."""
        if event.is_printable and event.character and self.focused is None:
            self.type_early(event.character)
            event.stop()

    def type_early(self, text: str) -> None:
        """Text typed before the form was ready for it, into the field being filled in."""
        field = self.focused if isinstance(self.focused, Input) else None
        if field is None:
            field = self.query_one("#field-name", Input)
            field.focus()
        field.insert_text_at_cursor(text)

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        fields = self.query_one("#form-fields")
        fields.styles.max_height = max(3, self.vapor.size.height - self.CHROME_ROWS)

    def values(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for field in ORDER:
            widget: Input | FormSelect = (
                self.query_one(f"#field-{field}", Input)
                if field in TEXT_NAMES
                else self.query_one(f"#field-{field}", FormSelect)
            )
            out[field] = str(widget.value) if widget.value is not None else ""
        return out

    def show_errors(self, errors: dict[str, str], fields: Iterable[str] = ORDER) -> None:
        for field in fields:
            label = self.query_one(f"#error-{field}", Label)
            message = errors.get(field, "")
            label.update(message)
            label.display = bool(message)
            self.query_one(f"#field-{field}").set_class(bool(message), "-invalid")
            self._erring.discard(field)
            if message:
                self._erring.add(field)

    @on(Input.Changed)
    @on(Select.Changed)
    def _recheck(self) -> None:
        """An error goes as soon as its field is fixed (or says what is wrong now), without
        waiting for the next submit; fields that showed none are not judged while typed."""
        if self._erring:
            _, errors = build(self.values(), False)
            self.show_errors(errors, fields=sorted(self._erring))

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self.query_one("#hint-model").display = event.widget.id == "field-model"

    def action_submit(self) -> None:
        made, errors = build(self.values(), self.query_one("#field-start", TickBox).value)
        self.show_errors(errors)
        if made is None:
            first = next(f for f in ORDER if f in errors)
            self.query_one(f"#field-{first}").focus()
            return
        if self.vapor.screen is self:  # dismiss() closes whatever is on top (detail.action_back)
            self.dismiss(made)

    def action_cancel(self) -> None:
        if self.vapor.screen is self:
            self.dismiss(None)

    @on(Input.Submitted)
    def _enter(self) -> None:
        self.action_submit()

    @on(Button.Pressed, "#create")
    def _create(self) -> None:
        self.action_submit()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.action_cancel()

"""A job's configuration and the validators shared by the command line and the new-job form.

Every parser takes text (or a value) and returns the checked value, or raises
`ConfigError` naming the field and what is wrong with it.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field, fields
from enum import StrEnum
from typing import Any, TypeVar

from .text import display_problem, shown


class Schedule(StrEnum):
    CONSTANT = "constant"
    COSINE = "cosine"


class Curve(StrEnum):
    EXPONENTIAL = "exponential"
    POWER_LAW = "power-law"


E = TypeVar("E", bound=StrEnum)

KNOWN_MODELS = ("LFM2-350M", "LFM2-700M", "LFM2-1.2B")

MAX_EPOCHS = 100_000
MAX_STEPS_PER_EPOCH = 100_000_000
MAX_TOTAL_STEPS = 100_000_000
MAX_BATCH_SIZE = 1_048_576
MAX_SEED = 2**63 - 1
MIN_STEP_SECONDS = 1e-6
MAX_STEP_SECONDS = 86_400.0
MAX_LEARNING_RATE = 10.0
MAX_NAME_LENGTH = 200
MAX_MODEL_LENGTH = 100

# Digits 0-9 only: Python's int() and float() also read the digits of other scripts ("١٢" is
# 12), which then display as something else than the number stored.
_WHOLE = re.compile(r"[+-]?[0-9]{1,30}")


class ConfigError(ValueError):
    def __init__(self, field_name: str, message: str):
        self.field = field_name
        self.message = message
        super().__init__(f"{field_name}: {message}")


def new_seed() -> int:
    import secrets  # hashlib and all: not needed to paint the first frame

    return secrets.randbelow(2**31)


@dataclass(frozen=True, slots=True)
class JobConfig:
    name: str
    model: str = "LFM2-350M"
    epochs: int = 3
    steps_per_epoch: int = 100
    learning_rate: float = 2e-4
    batch_size: int = 8
    schedule: Schedule = Schedule.COSINE
    curve: Curve = Curve.EXPONENTIAL
    seed: int = field(default_factory=new_seed)
    step_seconds: float = 0.5

    def __post_init__(self) -> None:
        validate(self)

    @property
    def total_steps(self) -> int:
        return self.epochs * self.steps_per_epoch

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["schedule"] = str(self.schedule)
        d["curve"] = str(self.curve)
        return d


# The form's and the command line's order; everything after name and model is the simulator's.
CONFIG_FIELDS = tuple(f.name for f in fields(JobConfig))
SIMULATOR_SETTINGS = tuple(f for f in CONFIG_FIELDS if f not in ("name", "model"))


def stored_config(**values: object) -> JobConfig:
    """A configuration read back from the database: checked like a new one, except that its
    name and model are taken as they were stored (one may hold what a later rule refuses in
    a new name; every screen and the command line show it escaped)."""
    cfg = object.__new__(JobConfig)
    for key, value in values.items():
        object.__setattr__(cfg, key, value)
    validate(cfg, texts=False)
    return cfg


def validate(cfg: JobConfig, texts: bool = True) -> None:
    """Check a whole configuration; parsers below check one field each."""
    epochs = parse_int("epochs", cfg.epochs, 1, MAX_EPOCHS)
    steps_per_epoch = parse_int("steps_per_epoch", cfg.steps_per_epoch, 1, MAX_STEPS_PER_EPOCH)
    checked: dict[str, object] = {
        "name": parse_name(cfg.name) if texts else str(cfg.name),
        "model": parse_model(cfg.model) if texts else str(cfg.model),
        "epochs": epochs,
        "steps_per_epoch": steps_per_epoch,
        "learning_rate": parse_learning_rate(cfg.learning_rate),
        "batch_size": parse_int("batch_size", cfg.batch_size, 1, MAX_BATCH_SIZE),
        "schedule": parse_choice("schedule", cfg.schedule, Schedule),
        "curve": parse_choice("curve", cfg.curve, Curve),
        "seed": parse_int("seed", cfg.seed, 0, MAX_SEED),
        "step_seconds": parse_step_seconds(cfg.step_seconds),
    }
    if epochs * steps_per_epoch > MAX_TOTAL_STEPS:
        raise ConfigError(
            "steps_per_epoch", f"epochs x steps per epoch must be at most {MAX_TOTAL_STEPS:,}"
        )
    for key, value in checked.items():
        object.__setattr__(cfg, key, value)


def parse_name(value: object) -> str:
    return _parse_text("name", value, MAX_NAME_LENGTH)


def parse_model(value: object) -> str:
    return _parse_text("model", value, MAX_MODEL_LENGTH)


def _parse_text(name: str, value: object, limit: int) -> str:
    """Printable text that displays as what it holds (see core/text.py), at most `limit`
    characters."""
    text = str(value).strip()
    if not text:
        raise ConfigError(name, "must not be empty")
    if len(text) > limit:
        raise ConfigError(name, f"must be at most {limit} characters")
    _check_utf8(name, text)
    problem = display_problem(text)
    if problem is not None:
        raise ConfigError(name, problem)
    return text


def _check_utf8(name: str, text: str) -> None:
    """Bytes that are not UTF-8 reach Python as lone surrogates (a shell's $'\\x85'); the
    database and the terminal can hold neither."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ConfigError(name, "must be text in UTF-8 (it holds bytes that are not)") from None


def parse_int(name: str, value: object, low: int, high: int) -> int:
    if isinstance(value, bool):
        raise ConfigError(name, f"must be a whole number, not {value!r}")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    else:
        text = str(value).strip().replace("_", "")
        if not _WHOLE.fullmatch(text):
            raise ConfigError(name, f"must be a whole number{_digits(text)}, not {shown(text, 20)}")
        number = int(text)
    if number < low:
        raise ConfigError(name, f"must be at least {low:,}")
    if number > high:
        raise ConfigError(name, f"must be at most {high:,}")
    return number


def parse_float(name: str, value: object, low_exclusive: float, high: float) -> float:
    if isinstance(value, bool):
        raise ConfigError(name, f"must be a number, not {value!r}")
    try:
        if isinstance(value, (int, float)):
            number = float(value)
        elif not str(value).isascii():  # float() reads "١٢" as 12
            raise ValueError(value)
        else:
            number = float(str(value).strip())
    except (ValueError, OverflowError):
        text = str(value).strip()
        raise ConfigError(name, f"must be a number{_digits(text)}, not {shown(text, 20)}") from None
    if not math.isfinite(number):
        raise ConfigError(name, "must be a finite number")
    if number <= low_exclusive:
        raise ConfigError(name, f"must be greater than {low_exclusive:g}")
    if number > high:
        raise ConfigError(name, f"must be at most {high:g}")
    return number


def _digits(text: str) -> str:
    """What to add when the text holds digits of another script (or superscripts)."""
    return " in the digits 0-9" if any(ch.isdigit() and not ch.isascii() for ch in text) else ""


def parse_learning_rate(value: object) -> float:
    return parse_float("learning_rate", value, 0.0, MAX_LEARNING_RATE)


def parse_step_seconds(value: object) -> float:
    number = parse_float("step_seconds", value, 0.0, MAX_STEP_SECONDS)
    if number < MIN_STEP_SECONDS:
        raise ConfigError("step_seconds", f"must be at least {MIN_STEP_SECONDS:g}")
    return number


def parse_choice(name: str, value: object, enum: type[E]) -> E:
    try:
        return enum(str(value).strip().lower())
    except ValueError:
        options = ", ".join(e.value for e in enum)
        raise ConfigError(name, f"must be one of {options}") from None


def model_size_billions(model: str) -> float:
    """Parameters in billions read from names like LFM2-350M or LFM2-1.2B; 0.35 when unknown."""
    match = re.search(r"(\d+(?:\.\d+)?)\s*([MB])\b", model.upper())
    if not match:
        return 0.35
    size = float(match.group(1))
    return size / 1000.0 if match.group(2) == "M" else size

"""Metrics and progress read from a command's output, for scripts that do not use the API.

- A line that is a JSON object (`{"step": 10, "loss": 0.5}`), or a Python dict as Hugging
  Face's Trainer prints it (`{'loss': 0.4521, 'grad_norm': 1.2, 'epoch': 0.5}`, read with
  `ast.literal_eval`, never evaluated): its number values are metrics; `step` (or
  `global_step`) says the step, else the step is the training bar's, else the last one + 1.
- A tqdm bar (`45%|████▌     | 450/1000 [01:10<01:26, 6.40it/s]`): steps done, total, rate and
  time left. With several bars (Trainer's evaluation bar beside its training bar), the one with
  the largest total is the training bar.
"""

from __future__ import annotations

import ast
import json
import math
import re
from dataclasses import dataclass

STEP_KEYS = ("step", "global_step")

_PY_SPECIAL = re.compile(r"(:\s*)(-?)(nan|inf)(?=\s*[,}])")


def parse_metrics(text: str) -> tuple[int | None, dict[str, float]] | None:
    """(step or None, {name: value}) for a line of metrics, else None."""
    line = text.strip()
    if len(line) < 2 or line[0] != "{" or line[-1] != "}":
        return None
    obj = _load(line)
    if not isinstance(obj, dict):
        return None
    step: int | None = None
    values: dict[str, float] = {}
    for key, value in obj.items():
        if not isinstance(key, str) or isinstance(value, bool):
            continue
        if not isinstance(value, int | float):
            continue
        if key in STEP_KEYS:
            if math.isfinite(value) and value >= 0 and value == int(value):
                step = int(value)
            continue
        values[key.strip()] = float(value)
    values.pop("", None)
    if not values:
        return None
    return step, values


def _load(line: str) -> object:
    try:
        return json.loads(line)
    except (ValueError, RecursionError):
        pass
    if "'" not in line and '"' not in line:
        return None
    # Python prints nan and inf bare, which literal_eval does not read: quote them, then undo.
    quoted = _PY_SPECIAL.sub(lambda m: f"{m[1]}'{m[2]}{m[3]}'", line)
    try:
        obj = ast.literal_eval(quoted)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None
    if isinstance(obj, dict) and quoted != line:
        return {k: float(v) if v in ("nan", "inf", "-inf") else v for k, v in obj.items()}
    return obj


@dataclass(frozen=True, slots=True)
class Progress:
    done: int
    total: int | None
    per_second: float | None  # steps a second
    remaining_s: float | None


_NUM = r"\d+(?:\.\d+)?[kMGTP]?"
_TAIL = (
    r"\s*\[(?P<elapsed>[\d:]+)(?:<(?P<left>[\d:]+|\?))?"
    r"(?:,\s*(?P<rate>[\d.]+[kMGTP]?|\?)\s*(?P<unit>[^\s,\]]*))?"
)
# "45%|████▌     | 450/1000 [01:10<01:26, 6.40it/s]", and without a total "450it [01:10, 6.40it/s]"
_BAR = re.compile(rf"(?P<pct>\d+)%\|[^|]*\|\s*(?P<n>{_NUM})/(?P<total>{_NUM}){_TAIL}")
_COUNT = re.compile(rf"(?:^|[\s:|])(?P<n>{_NUM})it{_TAIL}")
_SCALE = {"k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15}


def parse_progress(text: str) -> Progress | None:
    if "[" not in text:
        return None
    match = _BAR.search(text) if "%|" in text else None
    if match is None:
        match = _COUNT.search(text) if "it [" in text else None
        if match is None:
            return None
    done = int(_number(match["n"]))
    total = int(_number(match["total"])) if "total" in match.groupdict() else None
    rate = _rate(match["rate"], match["unit"] or "")
    left = _clock(match["left"]) if match["left"] and match["left"] != "?" else None
    return Progress(done, total, rate, left)


def _number(text: str) -> float:
    if text[-1] in _SCALE:
        return float(text[:-1]) * _SCALE[text[-1]]
    return float(text)


def _rate(value: str | None, unit: str) -> float | None:
    if not value or value == "?":
        return None
    number = _number(value)
    if unit.startswith("s/"):
        return 1.0 / number if number > 0 else None
    return number if unit.endswith("/s") else None


def _clock(text: str) -> float:
    seconds = 0.0
    for part in text.split(":"):
        seconds = seconds * 60 + float(part or 0)
    return seconds


class Reader:
    """Turns a command's lines into points and progress as they come."""

    def __init__(self) -> None:
        self.bar: Progress | None = None  # the training bar's latest state
        self.last_step = 0  # the latest step any point was logged at

    def progress(self, text: str) -> Progress | None:
        """The training bar's new state if `text` is a line of it."""
        bar = parse_progress(text)
        if bar is None:
            return None
        if self.bar is not None and (bar.total or 0) < (self.bar.total or 0):
            return None  # an inner bar (evaluation): not the run's progress
        self.bar = bar
        return bar

    def metrics(self, text: str) -> tuple[int, dict[str, float]] | None:
        parsed = parse_metrics(text)
        if parsed is None:
            return None
        step, values = parsed
        if step is None:
            step = self.bar.done if self.bar is not None and self.bar.done > 0 else None
        if step is None or step < 1:
            step = self.last_step + 1
        self.last_step = max(self.last_step, step)
        return step, values

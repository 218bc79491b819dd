"""The jobs screen's `/` filter: words and field comparisons, every term must hold.

    alpha                 name contains "alpha", status starts with it, or id is it
    lr>1e-4  lr<=3e-3     a number compared (lr, batch, epochs, seed, loss, progress...)
    model=LFM2-350M       a field equal to the text (any case)
    status:run  name:sft  a field containing the text (a number: equal to it)
    status!=failed        not equal

A field is one of the job's own (`job_fields`) or a key of a real run's config dict: a job
without the field does not match a term about it. Quotes keep spaces: `name:"lr sweep"`.
"""

from __future__ import annotations

import math
import re
import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from .job import Job

# What people type for the fields the simulator's configuration names otherwise.
ALIASES = {
    "lr": "learning_rate",
    "batch": "batch_size",
    "bs": "batch_size",
    "steps": "steps_per_epoch",
    "spe": "steps_per_epoch",
    "state": "status",
    "val": "val_loss",
    "best": "best_loss",
    "step": "steps_done",
}
_TERM = re.compile(r"^([A-Za-z_][\w./-]*?)\s*(>=|<=|!=|==|=|:|>|<)(.*)$", re.S)


def job_fields(job: Job, extra: Mapping[str, object] | None = None) -> dict[str, object]:
    """Every field a filter (and the comparison) can name, by its canonical name: the job's
    own, the simulator's settings, a real run's config dict (`extra`, else the run's)."""
    if job.config is not None:
        settings: dict[str, object] = job.config.as_dict()
    else:
        settings = {"name": job.name, "model": job.model, "epochs": job.epochs}
        if extra is None and job.run is not None:
            extra = job.run.config
    fields: dict[str, object] = {
        "id": job.id,
        "status": str(job.status),
        "source": job.source,
        **settings,
        "total_steps": job.known_total,
        "steps_done": job.steps_done,
        "progress": round(job.progress * 100, 6),  # percent, as the table shows it
        "loss": job.last_loss,
        "best_loss": job.best_loss,
        "val_loss": job.last_val_loss,
    }
    for key, value in flatten(extra or {}).items():
        fields.setdefault(key, value)
    return fields


def flatten(config: Mapping[str, object], prefix: str = "") -> dict[str, object]:
    """A nested config dict as dotted keys: {"optim": {"lr": 1}} -> {"optim.lr": 1}."""
    out: dict[str, object] = {}
    for key, value in config.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(flatten(value, name + "."))
        else:
            out[name] = value
    return out


def lookup(fields: Mapping[str, object], key: str) -> tuple[bool, object]:
    """(found, value) of `key` as typed, else by its alias, else by a name the alias stands
    for (`lr` finds a real run's `lr` first, the simulator's `learning_rate` next)."""
    key = key.lower().replace("-", "_")
    lowered = {k.lower(): v for k, v in fields.items()}
    for name in (key, ALIASES.get(key)):
        if name is not None and name in lowered:
            return True, lowered[name]
    for short, long in ALIASES.items():
        if long == key and short in lowered:
            return True, lowered[short]
    return False, None


@dataclass(frozen=True)
class Term:
    text: str
    test: Callable[[Job, Mapping[str, object]], bool]


@dataclass(frozen=True)
class JobFilter:
    """A parsed filter: `matches(job)` is True when every term holds. `problem` names a term
    that can match nothing (`lr>fast`), for the screen to say."""

    text: str
    terms: tuple[Term, ...] = ()
    problem: str | None = None

    def matches(self, job: Job, extra: Mapping[str, object] | None = None) -> bool:
        if self.problem is not None:
            return False
        if not self.terms:
            return True
        fields = job_fields(job, extra)
        return all(term.test(job, fields) for term in self.terms)

    @property
    def empty(self) -> bool:
        return not self.terms and self.problem is None


def parse_filter(text: str) -> JobFilter:
    """Parse what the user typed in the filter box (never raises)."""
    words = text.split()
    for closing in ("", '"', "'"):  # an unclosed quote, while it is being typed
        try:
            words = _words(text + closing)
            break
        except ValueError:
            continue
    terms: list[Term] = []
    for word in words:
        term = _term(word)
        if isinstance(term, str):
            return JobFilter(text, tuple(terms), term)
        terms.append(term)
    return JobFilter(text, tuple(terms))


def _words(text: str) -> list[str]:
    """Words split at spaces outside quotes; a backslash is a character like any other (a
    name may hold one), not an escape."""
    lexer = shlex.shlex(text, posix=True)
    lexer.whitespace_split = True
    lexer.escape = ""
    lexer.commenters = ""
    return list(lexer)


def _term(word: str) -> Term | str:
    match = _TERM.match(word)
    if match is None or not match.group(3):
        if match is not None and match.group(2) != ":" and not match.group(3):
            return f"{word}: a value is missing after {match.group(2)}"
        return _word(word)
    key, op, value = match.group(1), match.group(2), match.group(3).strip()
    number = _number(value)
    if op in (">", "<", ">=", "<=") and number is None:
        return f"{word}: {value} is not a number"

    def test(_job: Job, fields: Mapping[str, object]) -> bool:
        found, have = lookup(fields, key)
        return found and _compare(have, op, value, number)

    return Term(word, test)


def _word(word: str) -> Term:
    text = word.strip().lower()

    def test(job: Job, _fields: Mapping[str, object]) -> bool:
        return text in job.name.lower() or job.status.value.startswith(text) or text == str(job.id)

    return Term(word, test)


def _number(text: str) -> float | None:
    if not text.isascii():  # float() reads the digits of other scripts
        return None
    try:
        value = float(text.replace("_", ""))
    except ValueError:
        return None
    return value if not math.isnan(value) else None


def _compare(have: object, op: str, text: str, number: float | None) -> bool:
    if have is None:
        return False
    if isinstance(have, (int, float)) and not isinstance(have, bool):
        if number is None:
            return op == "!="
        value = float(have)
        same = math.isclose(value, number, rel_tol=1e-9, abs_tol=0.0)
        return {
            ">": value > number and not same,
            "<": value < number and not same,
            ">=": value >= number or same,
            "<=": value <= number or same,
            "=": same,
            "==": same,
            ":": same,
            "!=": not same,
        }[op]
    shown = str(have).lower()
    wanted = text.lower()
    if op == ":":
        return wanted in shown
    if op == "!=":
        return shown != wanted
    if op in ("=", "=="):
        return shown == wanted
    return False  # > and < on text

"""Jobs side by side: their configurations (the fields that differ marked) and, for each metric,
the latest value and the best one with the step it was reached. One function for the compare
screen and `vapor-tui compare`; the values come from the store's summaries (store/curves.py).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from vapor_tui.core.config import JobConfig
from vapor_tui.core.curves import MetricStats
from vapor_tui.core.job import Job
from vapor_tui.core.job_filter import flatten
from vapor_tui.core.series import ordered_names

# A simulated job's configuration in the form's order (its name is the job's title).
SIMULATOR_FIELDS = tuple(f.name for f in dataclasses.fields(JobConfig) if f.name != "name")


def config_fields(job: Job, extra: Mapping[str, object] | None = None) -> dict[str, object]:
    """The fields compared for one job: a real run's config dict (nested keys dotted) and its
    model, else the simulator's settings."""
    if extra is None and job.run is not None:
        extra = job.run.config
    if job.config is None or extra:
        return {"model": job.model, **flatten(extra or {})}
    settings = job.config.as_dict()
    return {name: settings[name] for name in SIMULATOR_FIELDS}


@dataclass(frozen=True)
class FieldRow:
    name: str
    values: tuple[object, ...]  # one a job, None where the job has no such field
    differs: bool


@dataclass(frozen=True)
class Comparison:
    jobs: tuple[Job, ...]
    fields: tuple[FieldRow, ...]
    metrics: tuple[str, ...]  # every metric any of the jobs has, loss first
    stats: tuple[Mapping[str, MetricStats], ...]  # one a job: metric -> its stats

    @property
    def differences(self) -> tuple[FieldRow, ...]:
        return tuple(row for row in self.fields if row.differs)

    def stat(self, index: int, metric: str) -> MetricStats:
        return self.stats[index].get(metric) or MetricStats(metric)

    def as_json(self) -> dict[str, Any]:
        return {
            "jobs": [
                {
                    "id": job.id,
                    "name": job.name,
                    "status": str(job.status),
                    "source": job.source,
                    "step": job.steps_done,
                    "config": {row.name: _json(row.values[i]) for row in self.fields},
                    "metrics": {
                        m: _stats_json(self.stat(i, m)) for m in self.metrics if m in self.stats[i]
                    },
                }
                for i, job in enumerate(self.jobs)
            ],
            "differences": [row.name for row in self.differences],
        }


def compare(
    jobs: Sequence[Job],
    stats: Mapping[int, Mapping[str, MetricStats]],
    extras: Mapping[int, Mapping[str, object]] | None = None,
) -> Comparison:
    """The comparison of `jobs` (in the order given): `stats` maps a job id to its metrics'
    stats, `extras` a real run's id to its config dict."""
    extras = extras or {}
    configs = [config_fields(job, extras.get(job.id)) for job in jobs]
    names: dict[str, None] = {}
    for config in configs:
        names.update(dict.fromkeys(config))
    rows = []
    for name in names:
        values = tuple(config.get(name) for config in configs)
        rows.append(FieldRow(name, values, len(jobs) > 1 and not _all_same(values)))
    metrics = ordered_names(m for job in jobs for m in stats.get(job.id, {}))
    per_job = tuple(dict(stats.get(job.id, {})) for job in jobs)
    return Comparison(tuple(jobs), tuple(rows), tuple(metrics), per_job)


def _all_same(values: Sequence[object]) -> bool:
    first = values[0]
    return all(_same(first, value) for value in values[1:])


def _same(a: object, b: object) -> bool:
    numbers = (int, float)
    if isinstance(a, numbers) and isinstance(b, numbers) and not isinstance(a, bool):
        if isinstance(b, bool):
            return False
        return math.isclose(float(a), float(b), rel_tol=1e-12) or (a != a and b != b)
    return type(a) is type(b) and a == b


def value_text(value: object) -> str:
    """A config value or a metric as the table shows it: '-' for none, NaN and inf named."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return f"{value:g}"
    return str(value)


def metric_text(value: float | None, step: int | None) -> str:
    """'0.3012 @ 612': a value and the step where it was; '-' for none."""
    if value is None:
        return "-"
    if not math.isfinite(value):
        text = value_text(value)
    elif value == 0 or abs(value) >= 1e-3:
        text = f"{value:.4f}"
    else:  # a learning rate: 2e-05, not 0.0000
        text = f"{value:.3g}"
    return text if step is None else f"{text} @ {step:,}"


def _json(value: object) -> object:
    if isinstance(value, float) and not math.isfinite(value):
        return value_text(value)  # JSON has no NaN: the name, as a string
    return value


def _stats_json(stats: MetricStats) -> dict[str, object]:
    return {
        "latest": _json(stats.latest),
        "latest_step": stats.latest_step,
        "best": _json(stats.best),
        "best_step": stats.best_step,
    }

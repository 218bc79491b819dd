"""Plain-text views of jobs for the command line.

Columns are laid out by terminal cells, not characters: an emoji or a CJK character takes two
(the same widths Textual draws the app with). Names and models are printed escaped, so text a
database holds never reaches the terminal as a control sequence."""

from __future__ import annotations

from datetime import datetime

from rich.cells import cell_len

from vapor_tui.core.job import Job
from vapor_tui.core.text import escaped
from vapor_tui.present.text import ago, clock, job_eta
from vapor_tui.present.text import loss as fmt_loss

NAME_CELLS = 32
MODEL_CELLS = 24


def cut(text: str, cells: int) -> str:
    """`text` in at most `cells` terminal cells, an ellipsis ending it if it was longer."""
    if cell_len(text) <= cells:
        return text
    out, used = [], 0
    for ch in text:
        width = cell_len(ch)
        if used + width > cells - 1:
            break
        out.append(ch)
        used += width
    return "".join(out) + "…"


def _pad(text: str, cells: int) -> str:
    return text + " " * (cells - cell_len(text))


def jobs_table_text(jobs: list[Job], now: datetime) -> str:
    header = ("ID", "NAME", "MODEL", "STATUS", "PROGRESS", "EPOCH", "LOSS", "ETA", "CREATED")
    rows = [
        (
            str(j.id),
            cut(escaped(j.name), NAME_CELLS),
            cut(escaped(j.model), MODEL_CELLS),
            str(j.status),
            f"{j.progress * 100:5.1f}%" if j.known_total else "unknown",
            j.epoch_label,
            fmt_loss(j.last_loss),
            job_eta(j),
            ago(j.created_at, now),
        )
        for j in jobs
    ]
    widths = [max(cell_len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(_pad(cell, w) for cell, w in zip(r, widths, strict=True)).rstrip()
        for r in [header, *rows]
    ]
    return "\n".join(lines)


def job_details_text(job: Job, now: datetime) -> str:
    elapsed = job.elapsed_seconds(now)
    sps = job.steps_per_second
    lines = [
        f"Job {job.id}: {escaped(job.name)}",
        f"  status       {job.status}" + (f" ({escaped(job.reason)})" if job.reason else ""),
        f"  model        {escaped(job.model) or '-'}",
        f"  progress     step {job.steps_done:,}/"
        + (
            f"{job.known_total:,} ({job.progress * 100:.1f}%), epoch {job.epoch_label}"
            if job.known_total
            else "unknown"
        ),
        f"  loss         {fmt_loss(job.last_loss)} (best {fmt_loss(job.best_loss)},"
        f" val {fmt_loss(job.last_val_loss)})",
        f"  speed        {'-' if sps is None else f'{sps:.2f} steps/s'}",
        f"  elapsed      {clock(elapsed)}",
        f"  eta          {job_eta(job)}",
        f"  created      {job.created_at.isoformat()} ({ago(job.created_at, now)})",
        f"  started      {job.started_at.isoformat() if job.started_at else '-'}",
        f"  finished     {job.finished_at.isoformat() if job.finished_at else '-'}",
        "  config",
        *_config_lines(job),
    ]
    return "\n".join(lines)


def _config_lines(job: Job) -> list[str]:
    c = job.config
    if c is None:
        return [f"    {escaped(word)}" for word in job.setting_words()]
    return [
        f"    epochs {c.epochs}, steps/epoch {c.steps_per_epoch}, lr {c.learning_rate:g},"
        f" batch {c.batch_size}",
        f"    schedule {c.schedule}, curve {c.curve}, seed {c.seed}, {c.step_seconds:g} s/step",
    ]

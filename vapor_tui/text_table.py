"""Plain-text views of jobs for the command line."""

from __future__ import annotations

from datetime import datetime

from vapor_tui.core.eta import format_age, format_clock, format_eta
from vapor_tui.core.job import Job


def fmt_loss(value: float | None) -> str:
    return "-" if value is None else f"{value:.4f}"


def ago(when: datetime, now: datetime) -> str:
    return format_age((now - when).total_seconds())


def jobs_table_text(jobs: list[Job], now: datetime) -> str:
    header = ("ID", "NAME", "MODEL", "STATUS", "PROGRESS", "EPOCH", "LOSS", "ETA", "CREATED")
    rows = [
        (
            str(j.id),
            j.name if len(j.name) <= 32 else j.name[:31] + "…",
            j.model,
            str(j.status),
            f"{j.progress * 100:5.1f}%",
            f"{j.epoch}/{j.config.epochs}",
            fmt_loss(j.last_loss),
            format_eta(j.eta_seconds) if j.eta_seconds is not None else "-",
            ago(j.created_at, now),
        )
        for j in jobs
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip()
        for r in [header, *rows]
    ]
    return "\n".join(lines)


def job_details_text(job: Job, now: datetime) -> str:
    c = job.config
    elapsed = job.elapsed_seconds(now)
    sps = job.steps_per_second
    lines = [
        f"Job {job.id}: {job.name}",
        f"  status       {job.status}" + (f" ({job.reason})" if job.reason else ""),
        f"  model        {c.model}",
        f"  progress     step {job.steps_done:,}/{job.total_steps:,} ({job.progress * 100:.1f}%),"
        f" epoch {job.epoch}/{c.epochs}",
        f"  loss         {fmt_loss(job.last_loss)} (best {fmt_loss(job.best_loss)},"
        f" val {fmt_loss(job.last_val_loss)})",
        f"  speed        {'-' if sps is None else f'{sps:.2f} steps/s'}",
        f"  elapsed      {format_clock(elapsed)}",
        f"  eta          {format_eta(job.eta_seconds)}",
        f"  created      {job.created_at.isoformat()} ({ago(job.created_at, now)})",
        f"  started      {job.started_at.isoformat() if job.started_at else '-'}",
        f"  finished     {job.finished_at.isoformat() if job.finished_at else '-'}",
        "  config",
        f"    epochs {c.epochs}, steps/epoch {c.steps_per_epoch}, lr {c.learning_rate:g},"
        f" batch {c.batch_size}",
        f"    schedule {c.schedule}, curve {c.curve}, seed {c.seed}, {c.step_seconds:g} s/step",
    ]
    return "\n".join(lines)

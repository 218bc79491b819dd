"""The Link of a run to the vapor-tui store (store/runs.py). Imported by init(): this is where
a script first pays for SQLAlchemy."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from vapor_tui.core.process import current_process
from vapor_tui.store.engine import Store, open_store
from vapor_tui.store.errors import JobNotFound
from vapor_tui.store.runs import (
    attach_run,
    create_run,
    end_run,
    read_control,
    write_run,
)

from .batch import to_batch
from .buffer import Pending
from .link import Control

__all__ = ["JOB_ENV_VAR", "StoreLink", "open_link"]

JOB_ENV_VAR = "VAPOR_TUI_JOB"


class StoreLink:
    def __init__(self, store: Store, job_id: int):
        self.store, self.job_id = store, job_id

    def write(self, pending: Pending, heartbeat: float | None) -> None:
        write_run(self.store, self.job_id, to_batch(pending) if pending else {}, heartbeat)

    def control(self) -> Control | None:
        row = read_control(self.store, self.job_id)
        return None if row is None else Control(*row)

    def end(self, exit_code: int, error: str | None, last_step: int) -> tuple[str, str]:
        try:
            return end_run(self.store, self.job_id, exit_code, error, last_step)
        except JobNotFound:  # deleted while it ran: nothing to record, nothing to wait for
            return "deleted", f"job #{self.job_id} was deleted"

    def close(self) -> None:
        self.store.close()


def open_link(
    db: str | os.PathLike[str] | None,
    *,
    name: str | None,
    model: str | None,
    config: Mapping[str, Any] | None,
    total_steps: int | None,
    epochs: int | None,
) -> tuple[StoreLink, int]:
    """Open the database and make the run's job, or attach to VAPOR_TUI_JOB's: the link and
    the step the job had reached."""
    _check(config, total_steps, epochs)
    attach = os.environ.get(JOB_ENV_VAR, "").strip()
    job_id = None
    if attach:
        try:
            job_id = int(attach)
        except ValueError:
            raise ValueError(f"{JOB_ENV_VAR}={attach!r} is not a job number") from None
    store = open_store(db)
    try:
        process = current_process()
        if job_id is not None:
            last = attach_run(store, job_id, process, config=config, total_steps=total_steps)
            return StoreLink(store, job_id), last
        job_id = create_run(
            store,
            name=name or _script_name(),
            model=model,
            config=config,
            total_steps=total_steps,
            epochs=epochs,
            process=process,
        )
        return StoreLink(store, job_id), 0
    except BaseException:
        store.close()
        raise


def _check(config: Mapping[str, Any] | None, total_steps: int | None, epochs: int | None) -> None:
    if config is not None and not isinstance(config, Mapping):
        raise TypeError(f"config must be a dict, not {type(config).__name__}")
    for label, value in (("total_steps", total_steps), ("epochs", epochs)):
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{label} must be a whole number of 1 or more, not {value!r}")


def _script_name() -> str:
    argv0 = sys.argv[0] if sys.argv and sys.argv[0] not in ("", "-c") else ""
    return Path(argv0).stem or "run"

"""Actions as typed commands, and the one function that carries a command out against the store.

The app (on a worker thread) and the command line both call `execute`; it never raises for
something a user can cause: a refused action, an unknown job or a database problem comes back as
`Refused` with the sentence that says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from vapor_tui.core.command import CommandSpec
from vapor_tui.core.config import JobConfig
from vapor_tui.core.job import Job
from vapor_tui.core.status import Action, JobStatus

if TYPE_CHECKING:
    from vapor_tui.store.engine import Store


@dataclass(frozen=True, slots=True)
class Create:
    config: JobConfig
    start: bool = False


@dataclass(frozen=True, slots=True)
class NewCommand:
    """A command job: `spec` is run (without a shell) under a supervisor when it starts."""

    name: str
    spec: CommandSpec
    model: str | None = None
    start: bool = False


@dataclass(frozen=True, slots=True)
class Clone:
    """A new queued job like `job_id`: with a new seed (another sample of the run), or the
    same one (`same_seed`: the same curve). `select`: the jobs screen's cursor goes to it."""

    job_id: int
    same_seed: bool = False
    select: bool = True


@dataclass(frozen=True, slots=True)
class Delete:
    job_id: int


@dataclass(frozen=True, slots=True)
class Act:
    """Start, stop or fail a job. `seen` is the status the user saw when they asked, and
    `seen_rung` the stop rung (None: not known): the store compares and sets on them, so
    whoever changed the job meanwhile wins (two `x` that both saw "stopping" climb one rung)."""

    job_id: int
    action: Action
    seen: JobStatus | None = None
    seen_rung: int | None = None


Command = Create | NewCommand | Clone | Delete | Act


@dataclass(frozen=True, slots=True)
class Created:
    command: Create | NewCommand
    job: Job


@dataclass(frozen=True, slots=True)
class Cloned:
    command: Clone
    job: Job


@dataclass(frozen=True, slots=True)
class Deleted:
    command: Delete
    name: str


@dataclass(frozen=True, slots=True)
class Acted:
    command: Act
    job: Job


@dataclass(frozen=True, slots=True)
class Refused:
    command: Command
    reason: str  # "cannot start job #3 alpha: it is complete, which is final (clone it ...)"


Outcome = Created | Cloned | Deleted | Acted | Refused


def execute(store: Store, command: Command) -> Outcome:
    """Carry out `command`. Every action first brings the job it acts on up to now (the store's
    apply_action does that before its compare-and-set)."""
    from vapor_tui.core.status import TransitionError
    from vapor_tui.live.run_actions import (
        SOURCE_API,
        run_action,
        start_refusal,
    )
    from vapor_tui.store.engine import StoreError
    from vapor_tui.store.jobs import (
        JobNotFound,
        apply_action,
        clone_job,
        create_job,
        delete_job,
        get_job,
    )

    try:
        match command:
            case Create(config, start):
                return Created(command, create_job(store, config, start=start))
            case NewCommand():
                return _new_command(store, command)
            case Clone(job_id, same_seed):
                from vapor_tui.supervise.start import clone_command

                again = clone_command(store, job_id)  # a command job: queued to run again
                if again is not None:
                    return Cloned(command, again)
                return Cloned(command, clone_job(store, job_id, same_seed=same_seed))
            case Delete(job_id):
                name = _name_of(store, job_id)
                delete_job(store, job_id)
                return Deleted(command, name)
            case Act(job_id, action, seen, rung):
                job = get_job(store, job_id)
                if job.source == SOURCE_API:
                    refused = start_refusal(job) if action is Action.START else None
                    if refused is not None:
                        return Refused(command, refused)
                    return Acted(command, run_action(store, job, action, seen, rung))
                if action is Action.START and job.source == "command":
                    from vapor_tui.supervise.start import start_command

                    started = start_command(store, job_id, seen)
                    if started is not None:  # running under its supervisor
                        return Acted(command, started)
                acted = apply_action(store, job_id, action, expected=seen, expected_rung=rung)
                return Acted(command, acted)
    except (TransitionError, JobNotFound, StoreError) as exc:
        return Refused(command, str(exc))
    raise TypeError(f"not a command: {command!r}")  # pragma: no cover - the union is closed


def _new_command(store: Store, command: NewCommand) -> Created | Refused:
    from vapor_tui.core.process import host_name, user_name
    from vapor_tui.store.jobs import get_job
    from vapor_tui.store.supervised import create_command
    from vapor_tui.supervise.start import start_command

    spec = command.spec
    with store.write() as conn:
        job_id = create_command(
            conn,
            name=command.name,
            model=command.model,
            argv=list(spec.argv),
            cwd=spec.cwd,
            env=spec.env,
            stop_grace=spec.stop_grace,
            host=host_name(),
            user=user_name(),
            now=store.clock.now().timestamp(),
        )
    if command.start:
        started = start_command(store, job_id, JobStatus.QUEUED)
        if started is not None:
            return Created(command, started)
    return Created(command, get_job(store, job_id))


def _name_of(store: Store, job_id: int) -> str:
    """The job's name, for saying it was deleted; a row that cannot be read can be deleted
    all the same (it is the way to be rid of it)."""
    from vapor_tui.store.jobs import UnreadableJob, get_job

    try:
        return get_job(store, job_id).name
    except UnreadableJob:
        return "(a row that could not be read)"

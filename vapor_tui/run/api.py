"""The logging API: init() makes or attaches to a job and returns a Run; log() hands points to
the run's writer thread and returns at once; should_stop() says whether the user asked it to
stop; finish() writes what is left and records how it ended. The module-level functions act
on the current run, as wandb's and trackio's do.

Nothing here imports SQLAlchemy, numpy or Textual at import time: `import vapor_tui` costs a
script almost nothing, and the database is opened by init()."""

from __future__ import annotations

import atexit
import sys
import threading
import time
from collections.abc import Mapping
from types import TracebackType
from typing import Any

from .buffer import PointBuffer
from .link import Link
from .values import metric_values, step_number
from .writer import Writer

__all__ = ["Run", "current_run", "finish", "init", "log", "should_stop"]

# How long finish() keeps trying a database that does not answer before it gives up on the
# points still in memory (and says how many).
FINISH_TIMEOUT_S = 60.0


class Run:
    """One training run: a job of the database whose points this process logs."""

    def __init__(self, link: Link, last_step: int = 0, *, writer: Writer | None = None):
        self._link = link
        self._buffer = PointBuffer(last_step)
        self._writer = writer or Writer(link, self._buffer)
        self._end_lock = threading.Lock()
        self._ended = False
        self.status: str | None = None  # as recorded by finish()
        self.reason: str | None = None
        self._writer.start()

    @property
    def id(self) -> int:
        """The job's id, as `vapor-tui show ID` and the app know it."""
        return self._link.job_id

    @property
    def step(self) -> int:
        """The last step logged (0 before the first)."""
        return self._buffer.last_step

    def log(self, metrics: Mapping[str, Any], step: int | None = None) -> int:
        """Record `metrics` (name -> number) at `step` (None: the step after the last one).
        No I/O: the writer thread writes them within half a second. The step they got."""
        values = metric_values(metrics)
        if step is not None:
            step = step_number(step)
        if self._ended:
            raise RuntimeError(f"run #{self.id} is finished: log() after finish() is not kept")
        return self._buffer.add(step, values, time.time())

    def should_stop(self) -> bool:
        """True once the user asked the run to stop (`x` in vapor-tui, `vapor-tui stop ID`)
        or marked it failed: save a checkpoint and call finish(). No I/O."""
        return self._writer.stop_asked.is_set()

    def finish(self, exit_code: int = 0) -> None:
        """Write every point logged, then record the end: stopped if a stop was asked, failed
        if `exit_code` is not 0 or the user marked it failed, else complete. Idempotent."""
        self._end(exit_code, None)

    def _end(self, exit_code: int, error: str | None) -> None:
        with self._end_lock:
            if self._ended:
                return
            self._ended = True
        try:
            missing = self._writer.drain(FINISH_TIMEOUT_S)
            if missing:
                _warn(
                    f"{missing} points of run #{self.id} could not be written: "
                    f"the database did not answer for {FINISH_TIMEOUT_S:g} s"
                )
            self.status, self.reason = _retrying(
                lambda: self._link.end(exit_code, error, self._buffer.last_step)
            )
        finally:
            self._link.close()
            _forget(self)

    def __enter__(self) -> Run:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc is None:
            self.finish()
        elif isinstance(exc, SystemExit):  # sys.exit(N) in the block: its status, as a shell has it
            self._end(exit_status(exc.code), None)
        else:
            self._end(1, one_line(exc))

    def __repr__(self) -> str:
        return f"<vapor_tui.Run #{self.id} step {self.step}>"


def one_line(exc: BaseException) -> str:
    """`ValueError: bad shape`: the exception's type and the first line of its message."""
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def _retrying(call: Any) -> Any:
    deadline = time.monotonic() + FINISH_TIMEOUT_S
    delay = 0.25
    while True:
        try:
            return call()
        except Exception as exc:
            if time.monotonic() >= deadline:
                _warn(f"cannot record how the run ended: {exc}")
                return None, None
            time.sleep(delay)
            delay = min(5.0, delay * 2)


def _warn(text: str) -> None:
    print(f"vapor-tui: {text}", file=sys.stderr)


# --- the current run, for the module-level functions ------------------------------------------

_current: Run | None = None
_hooked = False
_lock = threading.Lock()


def init(
    name: str | None = None,
    model: str | None = None,
    config: Mapping[str, Any] | None = None,
    total_steps: int | None = None,
    epochs: int | None = None,
    db: str | None = None,
) -> Run:
    """Start a run: a new job, running now (or, with VAPOR_TUI_JOB=ID in the environment, the
    job vapor-tui launched this script for). `db`: a path or URL, else VAPOR_TUI_DB, else the
    default database. A run still current is finished first."""
    global _current
    from .store_link import open_link  # SQLAlchemy is imported here, not before

    if _current is not None:
        _current.finish()
    link, last_step = open_link(
        db, name=name, model=model, config=config, total_steps=total_steps, epochs=epochs
    )
    run = Run(link, last_step)
    with _lock:
        _current = run
        _install_hooks()
    return run


def current_run() -> Run | None:
    return _current


def log(metrics: Mapping[str, Any], step: int | None = None) -> int:
    run = _current
    if run is None:
        raise RuntimeError("call vapor_tui.init() before vapor_tui.log()")
    return run.log(metrics, step)


def should_stop() -> bool:
    run = _current
    return run is not None and run.should_stop()


def finish(exit_code: int = 0) -> None:
    run = _current
    if run is not None:
        run.finish(exit_code)


def _forget(run: Run) -> None:
    global _current
    with _lock:
        if _current is run:
            _current = None


def _install_hooks() -> None:
    """A script that ends without finish() is complete (atexit); one that ends on an uncaught
    exception is failed with its one-line text (the excepthook, chained)."""
    global _hooked
    if _hooked:
        return
    _hooked = True
    atexit.register(_at_exit)
    previous = sys.excepthook

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        run = _current
        if run is not None:
            try:
                run._end(1, one_line(exc))
            except Exception as err:  # never hide the script's own traceback
                _warn(f"cannot record the run's end: {err}")
        previous(kind, exc, tb)

    sys.excepthook = hook
    _note_exit_calls()


# The status a script asked for with sys.exit(N) or exit(N): atexit is not told it, and a
# SystemExit never reaches the excepthook.
_exit_status: int | None = None


def exit_status(code: object) -> int:
    """The process's exit status for SystemExit(code), as Python sets it."""
    return 0 if code is None else code if isinstance(code, int) else 1


def _note_exit_calls() -> None:
    """Wrap sys.exit and the builtins exit/quit (each then raises SystemExit as before) so
    that the run records the status the script ends with. A bare `raise SystemExit(N)` is not
    seen: the run then ends complete, as without these."""
    import builtins

    def noting(call: Any) -> Any:
        def wrapper(code: object = None) -> Any:
            global _exit_status
            _exit_status = exit_status(code)
            return call(code)

        wrapper.__wrapped__ = call  # type: ignore[attr-defined]
        wrapper.__doc__ = call.__doc__
        return wrapper

    sys.exit = noting(sys.exit)
    for name in ("exit", "quit"):
        if callable(getattr(builtins, name, None)):
            setattr(builtins, name, noting(getattr(builtins, name)))


def _at_exit() -> None:
    run = _current
    if run is not None:
        run.finish(_exit_status or 0)

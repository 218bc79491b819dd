"""No cyclic garbage collection while the app starts, then none over what the start made.

A launch makes about a hundred thousand objects that live as long as the process (modules,
classes, Textual's widgets, SQLAlchemy's tables and caches), and a full pass of the collector
walks all of them: one before `watch`'s chart was drawn on SQLite, two on PostgreSQL (psycopg
and its SQLAlchemy dialect are a larger heap, and more allocation), 60 to 120 ms each, and
some 250 younger passes besides. Collection is held from the entry point until the first
tick's result is on the screen; then what exists is frozen (gc.freeze: never walked again)
and collection runs as usual on what comes after. Textual pauses the collector during smooth
scrolls for the same reason (App.PAUSE_GC_ON_SCROLL).

The cost is the start's own cyclic garbage, kept: about 7,000 objects for `watch`, once.
"""

from __future__ import annotations

import gc
import threading

_lock = threading.Lock()
_held = False


def hold() -> None:
    """Stop automatic collection until release(); nothing if it is already off (a caller
    that turned the collector off keeps it off)."""
    global _held
    with _lock:
        if _held or not gc.isenabled():
            return
        gc.disable()
        _held = True


def release(freeze: bool = False) -> None:
    """Collect again, nothing unless hold() stopped collection; with `freeze`, over only what
    comes after (the app, once it is up). Without it for a command that does not open the app,
    and at the entry point's end: a test calling the entry point in its own process would
    otherwise freeze the whole test session's objects each time."""
    global _held
    with _lock:
        if not _held:
            return
        _held = False
        if freeze:
            gc.freeze()
        gc.enable()


def held() -> bool:
    return _held

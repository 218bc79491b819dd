"""No cyclic garbage collection while the app starts, then none over what the start made.

A launch makes about a hundred thousand objects that live as long as the process (modules,
classes, Textual's widgets, SQLAlchemy's tables and caches), and a full pass of the collector
walks all of them: one before `watch`'s chart was drawn on SQLite, two on PostgreSQL (psycopg
and its SQLAlchemy dialect are a larger heap, and more allocation), 60 to 120 ms each, and
some 250 younger passes besides. Collection is held from the entry point until the first
tick's result is on the screen; then the app freezes what exists (ui/heap.py: never walked
again) and collection runs as usual on what comes after. Textual pauses the collector during smooth
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


def release() -> None:
    """Collect again; nothing unless hold() stopped collection. The app calls it once it is
    up (and freezes the start's objects itself); a command that does not open the app, and
    the entry point's end, at once."""
    global _held
    with _lock:
        if not _held:
            return
        _held = False
        gc.enable()


def held() -> bool:
    return _held

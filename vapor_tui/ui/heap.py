"""What start-up made, kept out of the cyclic garbage collector's full passes (issue 14).

Textual, SQLAlchemy, numpy and the app's own start-up leave about 90,000 tracked objects that
live as long as the app. Python's full collection walked them all, 60 to 80 ms about once a
minute on whichever thread allocated at the time, about a tenth of the process's CPU on the
jobs screen with 20 running jobs. Once the first tick is shown they are moved to the
permanent generation (gc.freeze): later collections walk only what was made since. Closing the
app moves them back, so that a process that opens several apps (the tests) collects them.
On the command line the collector is held until then (core/startup_gc.py, the launch's part).
"""

from __future__ import annotations

import gc


class StartupFreeze:
    """Freezes the heap once, on the first call to `freeze`; `release` undoes it."""

    def __init__(self) -> None:
        self.frozen = False

    def freeze(self) -> None:
        if not self.frozen:
            gc.freeze()
            self.frozen = True

    def release(self) -> None:
        if self.frozen:
            gc.unfreeze()
            self.frozen = False

"""`python -m vapor_tui.supervise JOB_ID`: supervise one command job (supervisor.py). Started by
`vapor-tui start`, `s` in the app or `new --start`, never by hand; the database is the one in
$VAPOR_TUI_DB."""

from __future__ import annotations

import os
import sys


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not argv[0].isdecimal():
        print("usage: python -m vapor_tui.supervise JOB_ID", file=sys.stderr)
        return 2
    from vapor_tui.store.engine import ENV_VAR, open_store

    from .supervisor import Supervision

    target = os.environ.get(ENV_VAR)
    if not target:
        print(f"vapor_tui.supervise: ${ENV_VAR} is not set", file=sys.stderr)
        return 2
    store = open_store(target, create=False)
    try:
        return Supervision(store, int(argv[0]), target).run()
    finally:
        store.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

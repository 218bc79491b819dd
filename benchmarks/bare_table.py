"""The baseline for launch time: a bare Textual app with one DataTable of the same rows.

Run as a script (`python benchmarks/bare_table.py --rows 20`) so that, like `vapor-tui`, it is
one interpreter importing Textual and nothing of the benchmark suite. The rows have the jobs
table's columns and cells of the same kind, so the two apps draw a table of the same size.
"""

from __future__ import annotations

import argparse

from textual.app import App, ComposeResult
from textual.widgets import DataTable

COLUMNS = ("ID", "Name", "Model", "Status", "Progress", "Epoch", "Loss", "ETA", "Created")


def row_cells(i: int) -> tuple[str, ...]:
    return (
        str(i),
        f"bench-job-{i:02d}",
        "LFM2-350M",
        "complete",
        "████████ 100%",
        "3/3",
        "0.3412",
        "-",
        "2 hours ago",
    )


class BareTable(App[None]):
    def __init__(self, rows: int) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        yield DataTable(cursor_type="row")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*COLUMNS)
        table.add_rows(row_cells(i) for i in range(self.rows, 0, -1))

    def on_key(self, event) -> None:
        if event.key == "q":
            self.exit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=20)
    BareTable(parser.parse_args().rows).run()


if __name__ == "__main__":
    main()

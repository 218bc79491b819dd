"""What each row of the jobs table says: its columns, their widths, and a job's cells."""

from __future__ import annotations

from datetime import datetime

from rich.cells import cell_len, set_cell_size
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from vapor_tui.core.job import SOURCE_SIMULATOR, Job
from vapor_tui.present import text
from vapor_tui.ui.contrast import reads
from vapor_tui.ui.glyphs import Glyphs
from vapor_tui.ui.widgets.moving_cells import BAR_WIDTH, MovingCells

# (key, label, minimum terminal width at which the column is shown)
COLUMNS = (
    ("mark", "", 0),  # space marks a job (for the compare screen)
    ("id", "ID", 0),
    ("name", "Name", 0),
    ("model", "Model", 100),
    ("status", "Status", 0),
    ("progress", "Progress", 0),
    ("epoch", "Epoch", 0),
    ("loss", "Loss", 0),
    ("eta", "ETA", 70),
    ("created", "Created", 112),
)
RIGHT_ALIGNED = frozenset({"id"})
# The model and epoch columns grow to fit the longest value shown, up to these widths.
MODEL_WIDTHS = (10, 18)
EPOCH_WIDTHS = (5, 13)
FIXED_WIDTHS = {
    "mark": 1,
    "id": 4,
    "model": MODEL_WIDTHS[0],
    "status": 10,
    "progress": BAR_WIDTH + 5,
    "epoch": EPOCH_WIDTHS[0],
    "loss": 6,
    "eta": 11,
    "created": 14,
}
PADDING = 1  # blank cells each side of a column


def fitted_widths(jobs: list[Job]) -> dict[str, int]:
    """Widths for the model and epoch columns that fit every job shown (so that `120/120` is
    not cut to `120/1`), within their bounds; the name column gives way."""
    model = max((len(job.model) for job in jobs), default=0)
    epoch = max((2 * len(str(job.epochs or 0)) + 1 for job in jobs), default=0)
    return {
        "model": min(max(model, MODEL_WIDTHS[0]), MODEL_WIDTHS[1]),
        "epoch": min(max(epoch, EPOCH_WIDTHS[0]), EPOCH_WIDTHS[1]),
    }


def layout(width: int, fitted: dict[str, int]) -> tuple[tuple[str, ...], dict[str, int]]:
    """The columns a terminal `width` columns wide shows, and their widths; the name column
    takes what the others leave, between 8 and 40."""
    widths = {**FIXED_WIDTHS, **fitted}
    keys = tuple(key for key, _, min_width in COLUMNS if width >= min_width)
    used = sum(widths[k] + 2 * PADDING for k in keys if k != "name") + 2 * PADDING + 3
    widths["name"] = max(8, min(40, width - used))
    return keys, {k: widths[k] for k in keys}


def fit(text: str, width: int, glyphs: Glyphs) -> str:
    """`text` in at most `width` terminal cells, cut with an ellipsis where it is longer."""
    if cell_len(text) <= width:
        return text
    room = max(1, width - cell_len(glyphs.ellipsis))
    return set_cell_size(text, room).rstrip(" ") + glyphs.ellipsis


def job_cells(
    job: Job,
    now: datetime,
    glyphs: Glyphs,
    name_width: int,
    model_width: int = 18,
    moving: MovingCells | None = None,
) -> dict[str, Text]:
    """Every cell of a job's row, as plain Text (never markup: a name may hold "[/b]").
    `moving`: the table's maker of its moving cells (which shares its badges and bars)."""
    moving = moving or MovingCells(glyphs)
    return {
        "id": Text(str(job.id)),
        "name": Text(name_cell(job, name_width, glyphs)),
        "model": Text(fit(job.model, model_width, glyphs)),
        **moving.cells(job, now, moving.keys(job, age_minute(job, now)), None),
    }


def fixed_inputs(job: Job) -> tuple:
    """What the cells that job_cells makes and MovingCells does not are made from (with the
    column widths, which make every cell again when they change)."""
    return (job.id, job.name, job.model, job.source)


def name_cell(job: Job, width: int, glyphs: Glyphs) -> str:
    """The name, after a mark for a real run (a training script's), apart from simulated jobs."""
    if job.source == SOURCE_SIMULATOR:
        return fit(job.name, width, glyphs)
    mark = glyphs.run_mark
    return mark + fit(job.name, max(1, width - cell_len(mark)), glyphs)


def age(job: Job, now: datetime) -> str:
    return text.ago(job.created_at, now)


def age_minute(job: Job, now: datetime) -> int:
    """What the age cell is a function of (present/text.py): the cell changes only with it."""
    return text.age_minute((now - job.created_at).total_seconds())


def cell_segments(
    cell: Text, width: int, right: bool, base: Style, over: Style | None, console: Console
) -> list[Segment]:
    """A cell padded and cut to its column, on the row's `base` style. `over` (the cursor)
    is laid over the cell's own style: a badge or a bar keeps its colour where that reads on
    the cursor's background (in truecolor and in 256 colours), and takes the cursor's text
    colour where it does not (a blue badge on a blue cursor)."""
    pad = Segment(" " * PADDING, base)
    if not cell.spans and not cell.style and not right:
        # A plain cell (a loss, an ETA, an age: most of what a tick changes) without Rich's
        # copy, truncate, pad and render: the same words, cut or padded as those do.
        words = set_cell_size(cell.plain, width)
        style = base if over is None else _on(base, over)
        if style == base:
            return [Segment(f"{pad.text}{words}{pad.text}", base)]
        return [pad, Segment(words, style), pad]
    text = cell.copy()
    text.truncate(width)
    if right:
        text.pad_left(width - text.cell_len)
    else:
        text.pad_right(width - text.cell_len)
    segments = [pad]
    # Text.render leaves out the Text's own style (a badge's colour): add it here.
    own = console.get_style(text.style) if text.style else Style.null()
    for segment in text.render(console):
        style = base + own + segment.style if segment.style else base + own
        if over is not None:
            style = _on(style, over)
        segments.append(Segment(segment.text, style))
    segments.append(pad)
    return segments


def _on(style: Style, over: Style) -> Style:
    """`style` under the cursor's `over`: its colour where that reads on the cursor's
    background, else the cursor's."""
    colour = style.color if reads(style.color, over.bgcolor) else over.color
    return style + Style(color=colour, bgcolor=over.bgcolor, reverse=over.reverse)

"""The human table: each figure's median, min and max next to its floor, with pass or fail."""

from __future__ import annotations

from benchmarks.stats import Figure


def fmt(value: float) -> str:
    """Three significant figures, thousands separated, no exponent."""
    if value == 0:
        return "0"
    magnitude = abs(value)
    if magnitude >= 1000:
        return f"{value:,.0f}"
    if magnitude >= 100:
        return f"{value:.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    if magnitude >= 1:
        return f"{value:.2f}"
    if magnitude >= 0.01:
        return f"{value:.3f}"
    return f"{value:.2g}"


def floor_text(figure: Figure) -> str:
    if figure.floor is None:
        return "-"
    return f"{figure.floor.op} {fmt(figure.floor.value)}"


def result_text(figure: Figure) -> str:
    if figure.passed is None:
        return ""
    return "pass" if figure.passed else "FAIL"


HEADER = ("figure", "unit", "median", "min", "max", "floor", "result", "runs")


def rows(figures: list[Figure]) -> list[tuple[str, ...]]:
    return [
        (
            f.id,
            f.unit,
            fmt(f.median),
            fmt(f.min),
            fmt(f.max),
            floor_text(f),
            result_text(f),
            str(len(f.samples)),
        )
        for f in figures
    ]


def text_table(figures: list[Figure]) -> str:
    body = rows(figures)
    widths = [max(len(r[i]) for r in [HEADER, *body]) for i in range(len(HEADER))]
    right = {2, 3, 4, 7}

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    out = [line(HEADER), line(tuple("-" * w for w in widths))]
    out += [line(r) for r in body]
    return "\n".join(out)


def markdown_table(figures: list[Figure]) -> str:
    """The same table in Markdown, for docs/PERFORMANCE.md."""
    right = {2, 3, 4, 7}
    out = ["| " + " | ".join(HEADER) + " |"]
    rule = ("---:" if i in right else "---" for i in range(len(HEADER)))
    out.append("| " + " | ".join(rule) + " |")
    for r in rows(figures):
        cells = [f"`{r[0]}`", *r[1:6], f"**{r[6]}**" if r[6] == "FAIL" else r[6], r[7]]
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)

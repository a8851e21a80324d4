"""The progress report on a terminal: rich tables, with progress bars as the charts.

Layout only: every number and sentence comes from the `Report`; ledger text goes in as
`Text` (never markup).  Colour always comes with a word, so the report reads the same
without it (NO_COLOR, a printout, a colour-blind reader).
"""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from rectify_cli.i18n import Lang, label
from rectify_cli.indicators import Direction
from rectify_cli.report import Counts, Report
from rectify_cli.schedule import Level

from .extras_terminal import report_extras_view
from .report_common import (
    ASPECT_COLUMNS,
    INDICATOR_COLUMNS,
    OPEN_COLUMNS,
    CountTable,
    count_tables,
    headers,
    indicator_cells,
    open_body,
    subtitle,
    warning_rows,
)
from .terminal import HEALTH_STYLE, bar, data, progress_cell
from .text import one_line

DIRECTION_STYLE = {
    Direction.IMPROVED: "green",
    Direction.WORSENED: "bold red",
    Direction.UNCHANGED: "",
}
LEVEL_STYLE = {Level.RED: "bold red", Level.YELLOW: "yellow", Level.BLUE: "blue"}
# Indicator columns side by side on a wide terminal; on a narrow one the short ones share a
# cell (value over period, rank over rank of improvement), so the names keep their width.
_IND_WIDE = tuple((c,) for c in INDICATOR_COLUMNS)
_IND_NARROW = (
    ("ind.name",),
    ("ind.value", "ind.period"),
    ("ind.target",),
    ("ind.change_col",),
    ("ind.rank", "ind.change_rank"),
)
_IND_SHORT = frozenset({"ind.value", "ind.period"})
_IND_SPLIT = 140  # seven columns of Chinese text need about this much room
# Below this width a bar would take the room the Chinese names need to stay readable.
WIDE = 120


def _table(title: str) -> Table:
    # No vertical rules: at 80 columns every character goes to the text.
    return Table(
        title=Text(title, style="bold"),
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        collapse_padding=True,
        padding=(0, 1),
    )


def _completion(counts: Counts, width: int) -> Text:
    if width == 0:
        return Text(counts.completion_text)
    out = bar(counts.completion, width)
    out.append(f" {counts.completion_text}")
    return out


def report_renderable(report: Report, width: int = 80) -> RenderableType:
    lang = report.lang
    bar_width = 10 if width >= WIDE else 5
    # The title and headline carry ledger text (its title, the headline prefix).
    parts: list[RenderableType] = [Text(one_line(report.title), style="bold")]
    parts += [data(line) for line in subtitle(report)]
    parts += [Text(""), Text(one_line(report.headline), style="bold"), Text("")]
    # Petition cases and `--since` (issue 9): nothing for a report without them.
    extra_head, extra_tail = report_extras_view(report)
    parts += extra_head

    for t in count_tables(report):
        # The lead table has ten columns: at 80 its bar goes, and its number headers wrap
        # (Chinese two characters a line, English a word).
        narrow = t.heading == "report.leads" and width < WIDE
        parts.append(
            _counts_table(
                label(t.heading, lang),
                t,
                lang,
                0 if narrow else bar_width,
                (4 if lang == "zh" else 8) if narrow else None,
            )
        )

    if report.open_tasks:
        tasks = _table(label("report.open", lang))
        for col, name in zip(OPEN_COLUMNS, headers(OPEN_COLUMNS, lang), strict=True):
            tasks.add_column(
                name,
                no_wrap=col in ("id", "deadline"),
                overflow="fold",
                min_width=12 if col == "title" else None,
            )
        for r, plain in zip(report.open_tasks, open_body(report), strict=True):
            cells = [data(c) for c in plain]
            cells[OPEN_COLUMNS.index("progress")] = progress_cell(
                r.task, width=bar_width if width >= WIDE else 0
            )
            at = OPEN_COLUMNS.index("health")
            cells[at] = Text(plain[at], style=HEALTH_STYLE[r.health.health])
            tasks.add_row(*cells)
        parts.append(tasks)
    else:
        parts += [
            Text(label("report.open", lang), style="bold"),
            Text(label("report.open_none", lang)),
            Text(""),
        ]

    if report.indicators:
        inds = _indicator_table(report, width)
        parts.append(inds)
    else:
        parts += [
            Text(label("report.indicators", lang), style="bold"),
            Text(label("report.indicators_none", lang)),
            Text(""),
        ]

    parts.append(Text(label("warn.summary", lang), style="bold"))
    if any(report.warnings.values()):
        line = Text()
        for (name, n), level in zip(warning_rows(report), report.warnings, strict=True):
            if line:
                line.append("   ")
            line.append(f"{name} {n}", style=LEVEL_STYLE[level] if n else "dim")
        parts.append(line)
    else:
        parts.append(Text(label("warn.none", lang)))
    parts += extra_tail
    return Group(*parts)


def _counts_table(
    title: str,
    counted: CountTable,
    lang: Lang,
    bar_width: int,
    number_width: int | None = None,
) -> Table:
    """A progress table (by aspect, by lead department): numbers right-aligned, completion
    drawn as a bar, the total line in bold under a rule.  `number_width` narrows the number
    columns (their headers wrap two characters a line), so ten columns fit 80."""
    columns = counted.columns
    table = _table(title)
    for i, name in enumerate(headers(columns, lang)):
        # Numbers never wrap; the names and the headers above the numbers may.
        table.add_column(
            name,
            justify="left" if i == 0 else "right",
            overflow="fold",
            # A department's name keeps six Chinese characters (or ten letters) a line beside
            # ten columns.
            min_width=((12 if lang == "zh" else 10) if len(columns) > len(ASPECT_COLUMNS) else 4)
            if i == 0
            else (None if number_width else 4),
            max_width=number_width if i else None,
        )
    at = columns.index("report.col.completion")
    last = len(counted.rows) - 1
    for i, (plain, counts) in enumerate(zip(counted.rows, counted.counts, strict=True)):
        total = counted.has_total and i == last
        if total:
            table.rows[-1].end_section = True
        cells: list[RenderableType] = [Text(c, style="bold") if total else data(c) for c in plain]
        cells[at] = _completion(counts, bar_width)
        table.add_row(*cells)
    return table


def _indicator_table(report: Report, width: int) -> Table:
    lang = report.lang
    split = width >= _IND_SPLIT
    groups = _IND_WIDE if split else _IND_NARROW
    where = {c: i for i, c in enumerate(INDICATOR_COLUMNS)}
    table = _table(label("report.indicators", lang))
    for group in groups:
        table.add_column(
            "\n".join(label(c, lang) for c in group),
            overflow="fold",
            no_wrap=split and group[0] in _IND_SHORT,
            min_width=10 if group[0] == "ind.name" else None,
        )
    for ind in report.indicators:
        texts = [data(c) for c in indicator_cells(ind)]
        if ind.direction is not None:
            texts[where["ind.change_col"]].stylize(DIRECTION_STYLE[ind.direction])
        if ind.target_met is not None:
            texts[where["ind.target"]].stylize("green" if ind.target_met else "bold red")
        cells = []
        for group in groups:
            shown = [texts[where[c]] for c in group if texts[where[c]].plain]
            cells.append(Text("\n").join(shown))
        table.add_row(*cells)
    return table

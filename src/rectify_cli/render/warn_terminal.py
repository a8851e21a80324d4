"""`rectify warn` at a terminal: one rich table per lead department, most severe first.

Colour helps but never carries meaning alone: every level is also written out (红色预警 /
red), so the output reads the same with NO_COLOR, on paper, or to a colour-blind reader.
"""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from rectify_cli.i18n import Lang, label
from rectify_cli.schedule import LeadGroup, Level
from rectify_cli.warn import WarnResult

from .terminal import data
from .warn_text import WARN_COLUMNS, group_heading, level_text, summary_line, warning_columns

LEVEL_STYLE = {
    Level.RED: "bold red",
    Level.YELLOW: "yellow",
    Level.BLUE: "blue",
}


def _group_table(group: LeadGroup, lang: Lang) -> Table:
    title = data(group_heading(group, lang))
    title.stylize(LEVEL_STYLE[group.level])
    table = Table(
        title=title,
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        collapse_padding=True,
        padding=(0, 1),
    )
    for col in WARN_COLUMNS:
        table.add_column(
            label(col, lang),
            no_wrap=col in ("id", "deadline", "progress"),
            overflow="fold",
            min_width=16 if col == "title" else None,
        )
    level_col = WARN_COLUMNS.index("warn.level")
    rows = zip(*warning_columns(group.warnings, lang), strict=True)
    for w, plain in zip(group.warnings, rows, strict=True):
        cells: list[RenderableType] = [data(c) for c in plain]
        cells[level_col] = Text(level_text(w.level, lang), style=LEVEL_STYLE[w.level])
        table.add_row(*cells)
    return table


def warn_view(result: WarnResult, lang: Lang) -> RenderableType:
    summary = Text(summary_line(result, lang))
    if result.warnings:
        summary.stylize("bold")
    parts: list[RenderableType] = [summary]
    for group in result.groups:
        parts += [Text(""), _group_table(group, lang)]
    return Group(*parts)

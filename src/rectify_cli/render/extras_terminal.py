"""Petition cases and the changes since a date at a terminal: rich tables, ledger text as
`Text` (never markup).  Shared by the report, the roll-up and `rectify changes`."""

from __future__ import annotations

from collections.abc import Sequence

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from rectify_cli.changes import Changes
from rectify_cli.i18n import Lang, label
from rectify_cli.petitions import PetitionReport, PetitionRow, PetitionWarning
from rectify_cli.report import Report

from .rollup_common import (
    PETITION_COLUMNS,
    PETITION_WARN_COLUMNS,
    Ref,
    breakdown_cells,
    breakdown_columns,
    change_sections,
    changes_none,
    changes_title,
    changes_window,
    petition_cells,
    petition_warning_cells,
    same,
)
from .terminal import data
from .text import one_line
from .warn_text import counts_text

# Columns that never wrap: ids, dates, counts.
_NO_WRAP = {"pet.id", "pet.received", "pet.deadline", "id", "date", "deadline"}


def plain_table(title: str | None, header: Sequence[str], *, numbers_from: int = 99) -> Table:
    table = Table(
        title=Text(title, style="bold") if title else None,
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        collapse_padding=True,
        padding=(0, 1),
    )
    for i, name in enumerate(header):
        table.add_column(name, overflow="fold", justify="right" if i >= numbers_from else "left")
    return table


def petitions_view(
    rows: Sequence[PetitionRow], lang: Lang, width: int = 80, *, ledger_column: bool = False
) -> RenderableType:
    if not rows:
        return Text(label("pet.empty", lang))
    # Below 120 columns the received date and batch give way to the case text.
    keep = [
        i
        for i, c in enumerate(PETITION_COLUMNS)
        if width >= 120 or c not in ("pet.received", "pet.batch")
    ]
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True, padding=(0, 1))
    if ledger_column:
        table.add_column(label("ledger", lang), no_wrap=True, overflow="fold")
    for i in keep:
        col = PETITION_COLUMNS[i]
        table.add_column(
            label(col, lang),
            no_wrap=col in _NO_WRAP,
            overflow="fold",
            min_width=12 if col == "pet.title" else None,
        )
    for r in rows:
        cells = petition_cells(r, lang)
        shown: list[RenderableType] = [data(cells[i]) for i in keep]
        if r.overdue:
            at = keep.index(PETITION_COLUMNS.index("pet.deadline"))
            shown[at] = Text(cells[PETITION_COLUMNS.index("pet.deadline")], style="bold red")
        if ledger_column:
            shown.insert(0, data(r.ledger))
        table.add_row(*shown)
    table.caption = label("pet.list_count", lang, count=len(rows))
    return table


def petition_section(report: PetitionReport, lang: Lang) -> list[RenderableType]:
    """The table by category, finding and status (itemised cases only)."""
    if not report.itemised:
        return []
    header = breakdown_columns(report, lang)
    table = plain_table(label("pet.section", lang), header, numbers_from=1)
    rows = report.categories
    for i, row in enumerate(rows):
        cells = breakdown_cells(row, report, lang)
        style = "bold" if i == len(rows) - 1 else ""
        table.add_row(*(Text(c, style=style) for c in cells), end_section=i == len(rows) - 2)
    parts: list[RenderableType] = [table]
    if any(report.warnings.values()):
        counts = counts_text(report.warnings, lang, skip_zero=True)
        parts.append(Text(label("pet.warn_line", lang, counts=counts)))
    return parts


def petition_warnings_table(warnings: Sequence[PetitionWarning], lang: Lang) -> Table:
    table = plain_table(
        label("pet.warnings", lang), [label(c, lang) for c in PETITION_WARN_COLUMNS]
    )
    for w in warnings:
        table.add_row(*(data(c) for c in petition_warning_cells(w, lang)))
    return table


def changes_view(
    changes: Changes, lang: Lang, *, ref: Ref = same, heading: bool = True
) -> RenderableType:
    parts: list[RenderableType] = []
    if heading:
        parts.append(Text(changes_title(changes, lang), style="bold"))
    parts.append(Text(changes_window(changes, lang), style="dim"))
    sections = change_sections(changes, lang, ref)
    if not sections:
        parts.append(Text(changes_none(changes, lang)))
    for s in sections:
        table = plain_table(s.title, s.header)
        for row in s.rows:
            table.add_row(*(data(c) for c in row))
        parts.append(table)
    return Group(*parts)


def report_extras_view(report: Report) -> tuple[list[RenderableType], list[RenderableType]]:
    """(under the headline, after the report) for petitions and `--since`."""
    head: list[RenderableType] = []
    tail: list[RenderableType] = []
    if report.petitions is not None:
        head = [Text(one_line(report.petitions.headline), style="bold"), Text("")]
        tail += petition_section(report.petitions, report.lang)
    if report.changes is not None:
        tail += [Text(""), changes_view(report.changes, report.lang)]
    return head, tail

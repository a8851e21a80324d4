"""The report's tables as plain cells, shared by every report format (terminal, Markdown,
and later HTML or Word), so they show the same columns with the same words.

Cells are unescaped text: each renderer escapes for its medium.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from operator import attrgetter, itemgetter

from rectify_cli.i18n import Lang, label
from rectify_cli.query import TaskRow
from rectify_cli.report import AspectRow, Counts, IndicatorRow, LeadRow, Report
from rectify_cli.schedule import Level

from .common import deadline_text, health_text, latest_text, progress_text

# The counts every progress table shows after its first column (an aspect, a ledger).
COUNT_COLUMNS = (
    "tasks_count",
    "report.col.completed",
    "report.col.on_schedule",
    "report.col.behind",
    "report.col.overdue",
    "report.col.completion",
)
ASPECT_COLUMNS = ("aspect", *COUNT_COLUMNS)
# The warnings of each level, most severe first, after the counts of the lead summary.
LEVEL_COLUMNS = tuple(f"report.col.{lv.value}" for lv in Level)
LEAD_COLUMNS = ("lead", *COUNT_COLUMNS, *LEVEL_COLUMNS)
# Every column a progress table right-aligns as a number.
NUMERIC_COLUMNS = frozenset({*COUNT_COLUMNS, *LEVEL_COLUMNS, "report.col.count"})
OPEN_COLUMNS = ("id", "title", "lead", "deadline", "progress", "health", "report.col.latest")
INDICATOR_COLUMNS = (
    "ind.name",
    "ind.value",
    "ind.period",
    "ind.target",
    "ind.change_col",
    "ind.rank",
    "ind.change_rank",
)
WARNING_COLUMNS = ("warn.level", "report.col.count")


def headers(columns: tuple[str, ...], lang: Lang) -> list[str]:
    return [label(c, lang) for c in columns]


def count_cells(counts: Counts) -> list[str]:
    c = counts
    return [str(n) for n in (c.tasks, c.completed, c.on_schedule, c.behind, c.overdue)] + [
        c.completion_text
    ]


def aspect_cells(row: AspectRow) -> list[str]:
    return [row.aspect.name, *count_cells(row.counts)]


def total_cells(report: Report) -> list[str] | None:
    """The total line, when there is more than one aspect to add up."""
    if len(report.aspects) < 2:
        return None
    return [label("report.total", report.lang), *count_cells(report.counts)]


def lead_cells(row: LeadRow) -> list[str]:
    return [row.lead, *count_cells(row.counts), *(str(n) for n in row.warnings.values())]


def lead_total_cells(report: Report) -> list[str] | None:
    """The total line of the lead summary, when there is more than one department."""
    if len(report.leads) < 2:
        return None
    warnings = [str(n) for n in report.warnings.values()]
    return [label("report.total", report.lang), *count_cells(report.counts), *warnings]


@dataclass(frozen=True)
class CountTable:
    """A progress table as every document draws it: its heading, columns and rows, the
    total last (`has_total`) when there is more than one row to add up; `counts` are each
    row's figures, in the same order (a terminal draws completion as a bar from them)."""

    heading: str  # a label key
    columns: tuple[str, ...]
    rows: list[list[str]]
    has_total: bool
    counts: list[Counts]


def count_tables(report: Report) -> list[CountTable]:
    """The progress by aspect, then by lead department (when the report has one)."""
    aspects = [aspect_cells(r) for r in report.aspects]
    tables = [
        _with_total(
            "report.aspects",
            ASPECT_COLUMNS,
            aspects,
            [r.counts for r in report.aspects],
            total_cells(report),
            report.counts,
        )
    ]
    if report.leads:
        tables.append(
            _with_total(
                "report.leads",
                LEAD_COLUMNS,
                [lead_cells(r) for r in report.leads],
                [r.counts for r in report.leads],
                lead_total_cells(report),
                report.counts,
            )
        )
    return tables


def _with_total(
    heading: str,
    columns: tuple[str, ...],
    rows: list[list[str]],
    counts: list[Counts],
    total: list[str] | None,
    total_counts: Counts,
) -> CountTable:
    if total is None:
        return CountTable(heading, columns, rows, False, counts)
    return CountTable(heading, columns, [*rows, total], True, [*counts, total_counts])


def open_columns(report: Report, rows: Sequence[TaskRow] | None = None) -> list[list[str]]:
    """The open-task table column by column, in OPEN_COLUMNS order: of `rows`, else of every
    open task of the report.  A column at a time, without a call per row to gather each
    row's cells: a large plan has 30,000 open tasks."""
    shown = report.open_tasks if rows is None else rows
    lang, latest = report.lang, report.latest
    tasks = list(map(_TASK, shown))
    return [
        list(map(_ID, tasks)),
        list(map(_TITLE, tasks)),
        list(map(_LEAD, tasks)),
        [deadline_text(t, lang) for t in tasks],
        list(map(progress_text, tasks)),
        [health_text(h.health, lang) for h in map(_HEALTH, shown)],
        [latest_text(latest.get(t.id), lang) for t in tasks],
    ]


def open_body(report: Report) -> list[list[str]]:
    """The open-task table row by row (`open_columns`)."""
    return [list(r) for r in zip(*open_columns(report), strict=True)]


def open_cells(row: TaskRow, report: Report) -> list[str]:
    """One row of the open-task table (`open_columns`)."""
    return [column[0] for column in open_columns(report, [row])]


_TASK = itemgetter(0)  # TaskRow.task
_HEALTH = itemgetter(2)  # TaskRow.health
_ID, _TITLE, _LEAD = attrgetter("id"), attrgetter("title"), attrgetter("lead")


def indicator_cells(row: IndicatorRow) -> list[str]:
    return [
        row.name,
        row.value,
        row.period,
        row.target_cell,
        row.change,
        row.rank,
        row.change_rank,
    ]


def warning_rows(report: Report) -> list[tuple[str, int]]:
    return [(label(f"level.{lv.value}", report.lang), n) for lv, n in report.warnings.items()]


def subtitle(report: Report) -> list[str]:
    """The lines under the title: data date, who prepared it, which aspect."""
    lang = report.lang
    lines = [report.dates_line]
    if report.issued_by:
        lines.append(label("report.issued_by", lang, office=report.issued_by))
    if report.aspect is not None:
        lines.append(label("report.aspect_only", lang, aspect=report.aspect.name))
    return lines

"""Rich output for people at a terminal.  The only module (with its siblings here) that
imports rich; every piece of ledger text goes in as `Text`, never as markup."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import TextIO

from rich import box
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from rectify_cli.i18n import Lang, label, status_label
from rectify_cli.query import TaskRow
from rectify_cli.records import Ledger, Task
from rectify_cli.schedule import Health

from .common import (
    LIST_COLUMNS,
    date_text,
    deadline_text,
    detail_extras,
    health_text,
    list_cells,
    newest_first,
    progress_text,
)
from .text import changes_joined, one_line, visible

HEALTH_STYLE = {
    Health.OVERDUE: "bold red",
    Health.BEHIND: "yellow",
    Health.ON_SCHEDULE: "green",
    Health.DONE_ON_TIME: "dim green",
    Health.DONE_LATE: "dim yellow",
    Health.DONE: "dim green",
    Health.DROPPED: "dim",
}


def console(
    file: TextIO | None = None,
    *,
    stderr: bool = False,
    width: int | None = None,
    no_color: bool = False,
) -> Console:
    """A console that prints ledger text literally; NO_COLOR and --no-color turn colour off."""
    return Console(
        file=file,
        stderr=stderr,
        width=width,
        no_color=no_color or bool(os.environ.get("NO_COLOR")),
        highlight=False,
        markup=False,
        emoji=False,
    )


def data(text: str) -> Text:
    """Ledger text as a rich Text: markup stays literal, control characters become visible."""
    return Text(one_line(text))


def bar(percent: float, width: int = 10) -> Text:
    """A progress bar that still reads right without colour: filled and empty blocks."""
    filled = max(0, min(width, round(percent / 100 * width)))
    out = Text()
    out.append("█" * filled, style="green")
    out.append("░" * (width - filled), style="dim")
    return out


def progress_cell(task: Task, width: int = 10) -> Text:
    text = progress_text(task)
    if text == "—":
        return Text(text)
    if width == 0:
        return Text(text, style="green" if task.effective_progress == 100 else "")
    out = bar(task.effective_progress, width)
    out.append(f" {text}")
    return out


def tasks_table(
    rows: Sequence[TaskRow],
    lang: Lang,
    title: str | None = None,
    width: int = 80,
    refs: Callable[[TaskRow], str] | None = None,
) -> RenderableType:
    """The task list; with `refs` (several ledgers) a ledger column first, and each id as
    `refs` writes it (qualified where two ledgers share it)."""
    if not rows:
        return Text(label("list.empty", lang))
    # No vertical rules: at 80 columns every character goes to the text.
    table = Table(
        title=data(title) if title else None,
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        collapse_padding=True,
        padding=(0, 1),
    )
    if refs is not None:
        table.add_column(label("ledger", lang), no_wrap=True, overflow="fold")
    for col in LIST_COLUMNS:
        table.add_column(
            label(col, lang),
            no_wrap=col in ("id", "deadline", "progress"),
            overflow="fold",
            min_width=16 if col == "title" else None,
        )
    for r in rows:
        cells: list[RenderableType] = [data(c) for c in list_cells(r, lang)]
        # The aspect's id keeps the table readable at 80 columns; `show` gives the name.
        cells[LIST_COLUMNS.index("aspect")] = data(r.task.aspect)
        # Below 120 columns the bar would squeeze the titles; the number says it all.
        cells[LIST_COLUMNS.index("progress")] = progress_cell(
            r.task, width=8 if width >= 120 else 0
        )
        cells[LIST_COLUMNS.index("health")] = Text(
            health_text(r.health.health, lang), style=HEALTH_STYLE[r.health.health]
        )
        if refs is not None:
            cells[LIST_COLUMNS.index("id")] = data(refs(r))
            cells.insert(0, data(r.ledger))
        table.add_row(*cells)
    table.caption = label("list.count", lang, count=len(rows))
    return table


def task_detail(row: TaskRow, ledger: Ledger, lang: Lang) -> RenderableType:
    t = row.task
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")

    def field(key: str, value: RenderableType) -> None:
        grid.add_row(label(key, lang), value)

    def listed(items: list[str]) -> Text:
        return Text("\n".join(f"• {one_line(i)}" for i in items)) if items else Text("—")

    field("id", data(t.id))
    field("title", data(t.title))
    field("aspect", data(f"{t.aspect} {row.aspect_name}"))
    field("lead", data(t.lead))
    field("partners", listed(t.partners))
    for key in ("leader", "owner", "phone"):
        value = getattr(t, key)
        if value:
            field(key, data(value))
    field("measures", listed(t.measures))
    field("start", Text(date_text(t.start or ledger.meta.feedback_date)))
    field("deadline", Text(deadline_text(t, lang)))
    field("status", Text(status_label(t.status, lang)))
    field("progress", progress_cell(t))
    field(
        "health", Text(health_text(row.health.health, lang), style=HEALTH_STYLE[row.health.health])
    )
    field("completed_on", Text(date_text(t.completed_on)))
    extra_fields, postponed = detail_extras(t, lang)
    for key, value in extra_fields:
        field(key, data(value))
    if postponed:
        field("postponements", Text("\n".join(f"• {one_line(p)}" for p in postponed)))
    field("evidence", listed(t.evidence))
    field("indicators", listed(t.indicators))
    if t.notes:
        field("notes", Text(visible(t.notes)))
    parts: list[RenderableType] = [grid]
    if t.log:
        log = Table(title=label("log", lang), title_justify="left")
        for col in ("date", "status", "progress", "note", "by"):
            log.add_column(label(col, lang), overflow="fold")
        for e in newest_first(t.log):
            note = one_line(e.note)
            if e.changes:
                note = changes_joined(e.changes, lang) + (f" — {note}" if note else "")
            log.add_row(
                e.date.isoformat(),
                status_label(e.status, lang) if e.status else "",
                f"{e.progress}%" if e.progress is not None else "",
                Text(note),
                data(e.by or ""),
            )
        parts.append(log)
    return Group(*parts)

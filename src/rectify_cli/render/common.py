"""Cell text shared by the Markdown and terminal renderers, so they never disagree."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from itertools import repeat
from typing import TYPE_CHECKING

from rectify_cli.i18n import Lang, label, status_label
from rectify_cli.query import TaskRow
from rectify_cli.records import LogEntry, Task

if TYPE_CHECKING:
    from rectify_cli import models
from rectify_cli.schedule import Health

LIST_COLUMNS = ("id", "aspect", "title", "lead", "deadline", "status", "progress", "health")


def deadline_text(task: Task | models.Task, lang: Lang) -> str:
    if task.deadline is not None:
        return task.deadline.isoformat()
    return label("ongoing", lang) if task.ongoing else "—"


def latest_text(entry: LogEntry | None, lang: Lang) -> str:
    """最新进展 as one cell: `2025-09-30：据…达到序时进度`; empty without one
    (`schedule.latest_progress` chooses the entry)."""
    if entry is None:
        return ""
    return _latest_text(entry.date, entry.note, lang)


# A report has a latest note for each open task, and a large plan repeats the same few
# thousand (same day, same words) across its 30,000 open tasks.
@functools.lru_cache(maxsize=4096)
def _latest_text(date: dt.date, note: str, lang: Lang) -> str:
    return label("report.latest", lang, date=date.isoformat(), note=note)


def newest_first(log: Sequence[LogEntry]) -> list[LogEntry]:
    """A task's log newest first, and of one day the entry written last first: a reversed
    stable sort would keep the file's order within the day."""
    ordered = sorted(enumerate(log), key=lambda pair: (pair[1].date, pair[0]), reverse=True)
    return [entry for _, entry in ordered]


def progress_text(task: Task) -> str:
    if task.progress is None and task.status.is_open:
        return "—"
    return f"{task.effective_progress}%"


@functools.cache  # once per health and language, not once per row
def health_text(health: Health, lang: Lang) -> str:
    return label(f"health.{health.value}", lang)


def date_text(value: dt.date | None) -> str:
    return value.isoformat() if value else "—"


def detail_extras(task: Task, lang: Lang) -> tuple[list[tuple[str, str]], list[str]]:
    """What `show` adds for a merged or postponed task: (key, value) fields (merged_into,
    the original deadline) and one line per postponement (unescaped, as list_cells)."""
    from rectify_cli.postpone import original_deadline, postponements

    fields = []
    if task.merged_into:
        fields.append(("merged_into", task.merged_into))
    moves = postponements(task)
    if moves:
        fields.append(("original_deadline", date_text(original_deadline(task))))
    lines = [
        label(
            "postponement",
            lang,
            date=m.date.isoformat(),
            old=date_text(m.old),
            new=date_text(m.new),
            reason=m.reason,
        )
        + (f" — {m.by}" if m.by else "")
        for m in moves
    ]
    return fields, lines


def list_cells(row: TaskRow, lang: Lang) -> list[str]:
    """Plain cell text in LIST_COLUMNS order (unescaped: each renderer escapes its way)."""
    return [column[0] for column in list_columns([row], lang)]


def list_columns(rows: Sequence[TaskRow], lang: Lang) -> list[list[str]]:
    """`list_cells` of each row, column by column (10,000 rows: the per-value work in C
    loops, and a Markdown table escapes its text columns as they come)."""
    tasks = [r.task for r in rows]
    langs = repeat(lang)
    return [
        [t.id for t in tasks],
        [r.aspect_name for r in rows],
        [t.title for t in tasks],
        [t.lead for t in tasks],
        list(map(deadline_text, tasks, langs)),
        list(map(status_label, [t.status for t in tasks], langs)),
        list(map(progress_text, tasks)),
        list(map(health_text, [r.health.health for r in rows], langs)),
    ]

"""Cell text shared by the Markdown and terminal renderers, so they never disagree."""

from __future__ import annotations

import datetime as dt
import functools
from typing import TYPE_CHECKING

from rectify_cli.i18n import Lang, label, status_label
from rectify_cli.query import TaskRow
from rectify_cli.records import Task

if TYPE_CHECKING:
    from rectify_cli import models
from rectify_cli.schedule import Health

LIST_COLUMNS = ("id", "aspect", "title", "lead", "deadline", "status", "progress", "health")


def deadline_text(task: Task | models.Task, lang: Lang) -> str:
    if task.deadline is not None:
        return task.deadline.isoformat()
    return label("ongoing", lang) if task.ongoing else "—"


def progress_text(task: Task) -> str:
    if task.progress is None and task.status.is_open:
        return "—"
    return f"{task.effective_progress}%"


@functools.cache  # once per health and language, not once per row
def health_text(health: Health, lang: Lang) -> str:
    return label(f"health.{health.value}", lang)


def date_text(value: dt.date | None) -> str:
    return value.isoformat() if value else "—"


def list_cells(row: TaskRow, lang: Lang) -> list[str]:
    """Plain cell text in LIST_COLUMNS order (unescaped: each renderer escapes its way)."""
    t = row.task
    return [
        t.id,
        row.aspect_name,
        t.title,
        t.lead,
        deadline_text(t, lang),
        status_label(t.status, lang),
        progress_text(t),
        health_text(row.health.health, lang),
    ]

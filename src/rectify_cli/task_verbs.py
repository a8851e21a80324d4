"""`rectify edit`, `postpone`, `cancel` and `fold` on a ledger folder: the plans of
task_edits.py, made under the write lock from the task as it is on disk, written by
edit.edit_task (the lock, the checks `rectify check` runs, the atomic write)."""

from __future__ import annotations

import datetime as dt
import os

from .edit import Outcome, edit_task
from .edit_rules import Plan
from .files import resolve_root
from .models import Task
from .store import load_ledger
from .task_edits import TaskEdit, plan_drop, plan_postpone, plan_task_edit

Folder = str | os.PathLike[str] | None


def change_task(ledger: Folder, task_id: str, asked: TaskEdit, *, dry_run: bool = False) -> Outcome:
    """Change any field of one task (`rectify edit`)."""
    root = resolve_root(ledger)

    def plan(task: Task) -> Plan[Task] | None:
        book = load_ledger(root)  # the aspects and indicators a task may name
        aspects = {a.id: a.id for a in book.aspects} | {a.name: a.id for a in book.aspects}
        known = [i.id for i in book.indicators]
        return plan_task_edit(task, asked, aspects=aspects, indicators=known)

    return edit_task(root, task_id, plan, dry_run=dry_run)


def postpone_task(
    ledger: Folder,
    task_id: str,
    to: dt.date,
    reason: str,
    date: dt.date,
    by: str | None = None,
    *,
    dry_run: bool = False,
) -> Outcome:
    """Move a task's deadline later, logged as a postponement (`rectify postpone`)."""
    return edit_task(
        ledger, task_id, lambda task: plan_postpone(task, to, reason, date, by), dry_run=dry_run
    )


def drop_task(
    ledger: Folder,
    task_id: str,
    note: str,
    date: dt.date,
    by: str | None = None,
    *,
    into: str | None = None,
    dry_run: bool = False,
) -> Outcome:
    """Cancel a task (`rectify cancel`), or merge it into the task `into` (`rectify fold`)."""
    root = resolve_root(ledger)

    def plan(task: Task) -> Plan[Task] | None:
        statuses = None
        if into is not None:
            statuses = {t.id: t.status for t in load_ledger(root).tasks}
        return plan_drop(task, note, date, by, into=into, statuses=statuses)

    return edit_task(root, task_id, plan, dry_run=dry_run)

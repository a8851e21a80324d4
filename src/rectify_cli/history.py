"""The audit trail: every task's `[[tasks.log]]` entries as one list, newest first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from .errors import unknown_task
from .records import Ledger, LogEntry


@dataclass(frozen=True)
class LogRow:
    task_id: str
    title: str
    entry: LogEntry
    ledger: str = ""  # the ledger's short name, for a log over several ledgers


def log_rows(
    ledger: Ledger, task_id: str | None = None, since: dt.date | None = None
) -> list[LogRow]:
    """Log entries of one task (or all), on or after `since`, newest first.

    Entries of the same day keep the order they were written in reverse (a later entry of a
    task is newer), then the ledger's task order; Python's sort is stable even reversed.
    """
    if task_id is not None:
        task = ledger.task(task_id)
        if task is None:
            raise unknown_task(task_id, [t.id for t in ledger.tasks])
        tasks = [task]
    else:
        tasks = ledger.tasks
    rows = [
        LogRow(t.id, t.title, e, ledger.name)
        for t in tasks
        for e in reversed(t.log)
        if since is None or e.date >= since
    ]
    return sorted(rows, key=lambda r: r.entry.date, reverse=True)


def log_rows_many(ledgers: Sequence[Ledger], since: dt.date | None = None) -> list[LogRow]:
    """Every task's entries in several ledgers, newest first; a day's entries in the order
    the ledgers were named, each ledger's as `log_rows` orders them."""
    rows = [r for ledger in ledgers for r in log_rows(ledger, None, since)]
    return sorted(rows, key=lambda r: r.entry.date, reverse=True)
